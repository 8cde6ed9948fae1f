#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build of dillspec's harnesses against ref.
#
# Uses the environment those builders set: $CC, $CFLAGS (sanitizers and
# -fsanitize=fuzzer-no-link), $LIB_FUZZING_ENGINE, $OUT, $SRC.  For each
# harness it puts in $OUT the fuzzer, <fuzzer>_seed_corpus.zip (seeds,
# regression inputs and the merged corpus), <fuzzer>.dict and
# <fuzzer>.options; the differential harness's peer, dillspec-fuzz-trace,
# goes beside it.  Run from anywhere; the checkout is this script's ../..
# (or $SRC/dillspec).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WORK:-/tmp}/dillspec-oss-fuzz-build

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DDILLSPEC_FUZZ_ENGINE=libfuzzer -DDILLSPEC_FUZZ_LINK="$LIB_FUZZING_ENGINE" \
    -DDILLSPEC_WERROR=OFF -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF
cmake --build "$BUILD" -j"$(nproc)"

cp "$BUILD/fuzz/dillspec-fuzz-trace" "$OUT/"
for f in "$ROOT"/fuzz/harness/*.c; do    # every file there is a harness
    h=$(basename "$f" .c)
    cp "$BUILD/fuzz/fuzz_$h" "$OUT/dillspec_$h"
    (cd "$ROOT/corpus/$h" && zip -q -j "$OUT/dillspec_${h}_seed_corpus.zip" \
        $(ls -d seeds/* regressions/* merged/* 2>/dev/null))
    cp "$ROOT/corpus/$h/$h.dict" "$OUT/dillspec_$h.dict"
    printf '[libfuzzer]\ndict = dillspec_%s.dict\ntimeout = 10\nmax_len = 4096\n' "$h" \
        >"$OUT/dillspec_$h.options"
done
