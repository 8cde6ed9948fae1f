#!/bin/bash -eu
# ClusterFuzzLite runs this as $SRC/build.sh: the build is
# fuzz/oss-fuzz/build.sh's (ref by default, or the libdill your image
# installs; see there and .clusterfuzzlite/Dockerfile).  Run from a
# checkout, it finds the script beside it.
root=${SRC:-}/dillspec
[ -f "$root/fuzz/oss-fuzz/build.sh" ] || root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/fuzz/oss-fuzz/build.sh"
