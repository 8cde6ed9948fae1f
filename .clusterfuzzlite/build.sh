#!/bin/bash -eu
# ClusterFuzzLite runs this as $SRC/build.sh: the build is
# fuzz/oss-fuzz/build.sh's (ref by default, or the libdill your image
# installs; see there and .clusterfuzzlite/Dockerfile).
exec "$SRC/dillspec/fuzz/oss-fuzz/build.sh"
