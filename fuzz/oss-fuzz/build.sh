#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build of dillspec's harnesses.
#
# Uses the environment those builders set: $CC, $CFLAGS (the sanitizer's
# flags and -fsanitize=fuzzer-no-link), $LIB_FUZZING_ENGINE, $OUT, $SRC,
# $SANITIZER, $WORK.  For each harness it puts in $OUT the fuzzer
# dillspec_<harness>, <fuzzer>_seed_corpus.zip (seeds, regression inputs and
# the merged corpus), <fuzzer>.dict and <fuzzer>.options; the differential
# harness's peer, dillspec-fuzz-trace, goes beside them.
#
# The target:
#   - ref, our reference implementation, built here with the same flags
#     (any sanitizer: ASan+UBSan is ref's usual build), unless
#   - the builder image holds a libdill install: the prefix in
#     $DILLSPEC_LIBDILL, or /opt/libdill if it has include/libdill.h.  The
#     user's own image builds and installs that libdill; this script never
#     fetches or builds it.  Then every harness is built against it (the
#     differential harness runs ref in-process and the libdill peer), only
#     with a sanitizer libdill can run under (undefined or coverage, not
#     address: libdill's stack switching does not support ASan), and
#       $OUT/lib/                 libdill's shared library (the harnesses'
#                                 rpath is $ORIGIN/lib: the runner has no
#                                 prefix)
#       $OUT/dillspec-known.tsv   its known deviations, which the harnesses
#                                 read beside themselves (no variable to set):
#                                 fuzz/expectations/<release>.tsv, <release>
#                                 from $DILLSPEC_LIBDILL_RELEASE, else the
#                                 prefix's last component (e.g. libdill-2.14)
#
# Run from anywhere: the checkout is $SRC/dillspec if it exists, else this
# script's ../.. (so .clusterfuzzlite/build.sh can call it).
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "${SRC:-/nonexistent}/dillspec/CMakeLists.txt" ]; then ROOT=$SRC/dillspec
else ROOT=$(cd "$here/../.." && pwd); fi
BUILD=${WORK:-/tmp}/dillspec-oss-fuzz-build

libdill=${DILLSPEC_LIBDILL:-}
if [ -z "$libdill" ] && [ -f /opt/libdill/include/libdill.h ]; then libdill=/opt/libdill; fi
if [ -n "$libdill" ]; then
    [ -f "$libdill/include/libdill.h" ] || { echo "build.sh: no include/libdill.h in $libdill" >&2; exit 1; }
    case "${SANITIZER:-}" in
        address|memory|thread)
            echo "build.sh: libdill does not support the $SANITIZER sanitizer (its stack switching);" \
                 "build it with SANITIZER=undefined, or drop DILLSPEC_LIBDILL to fuzz ref" >&2
            exit 1 ;;
    esac
    release=${DILLSPEC_LIBDILL_RELEASE:-$(basename "$libdill")}
    known="$ROOT/fuzz/expectations/$release.tsv"
    if [ ! -f "$known" ]; then
        echo "build.sh: no fuzz/expectations/$release.tsv: every deviation of $release will be a finding" >&2
        known=""
    fi
fi

# configure DIR TARGET [cmake args]
configure() {
    local dir=$1 target=$2; shift 2
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
        -DDILLSPEC_TARGET="$target" \
        -DDILLSPEC_FUZZ_ENGINE=libfuzzer -DDILLSPEC_FUZZ_LINK="$LIB_FUZZING_ENGINE" \
        -DDILLSPEC_WERROR=OFF -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF "$@"
    cmake --build "$dir" -j"$(nproc)"
}

if [ -n "$libdill" ]; then
    configure "$BUILD/libdill" "$libdill" -DCMAKE_BUILD_RPATH='$ORIGIN/lib' \
        -DDILLSPEC_FUZZ_PEER_BESIDE=ON
    configure "$BUILD/ref" ref -DDILLSPEC_FUZZ_PEER_BESIDE=ON
    target_build=$BUILD/libdill self_build=$BUILD/ref
    mkdir -p "$OUT/lib"
    cp -P "$libdill"/lib/libdill.so* "$OUT/lib/"
    if [ -n "$known" ]; then cp "$known" "$OUT/dillspec-known.tsv"; else rm -f "$OUT/dillspec-known.tsv"; fi
else
    configure "$BUILD/ref" ref -DDILLSPEC_FUZZ_PEER_BESIDE=ON
    target_build=$BUILD/ref self_build=$BUILD/ref
    rm -f "$OUT/dillspec-known.tsv"
fi

cp "$target_build/fuzz/dillspec-fuzz-trace" "$OUT/"
for f in "$ROOT"/fuzz/harness/*.c; do    # every file there is a harness
    h=$(basename "$f" .c)
    # The differential harness runs ref in-process, the target in its peer.
    if [ "$h" = differential ]; then b=$self_build; else b=$target_build; fi
    cp "$b/fuzz/fuzz_$h" "$OUT/dillspec_$h"
    rm -f "$OUT/dillspec_${h}_seed_corpus.zip"
    (cd "$ROOT/corpus/$h" && zip -q -j "$OUT/dillspec_${h}_seed_corpus.zip" \
        $(ls -d seeds/* regressions/* merged/* 2>/dev/null))
    cp "$ROOT/corpus/$h/$h.dict" "$OUT/dillspec_$h.dict"
    printf '[libfuzzer]\ndict = dillspec_%s.dict\ntimeout = 10\nmax_len = 4096\n' "$h" \
        >"$OUT/dillspec_$h.options"
done
echo "build.sh: dillspec harnesses against ${release:-ref} (${SANITIZER:-no sanitizer named}) in $OUT"
