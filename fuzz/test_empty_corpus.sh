#!/bin/sh
# Every libFuzzer harness fuzzes from an empty corpus without a finding
# against ref: what ClusterFuzzLite or a user starting afresh does, and
# where libFuzzer first starts its symbolizer between two inputs (for
# NEW_FUNC lines), which the fd count must not take for a leak
# (fuzz/lib/hygiene.c).  ci/fuzz starts from the corpus and never meets it.
#
#   fuzz/test_empty_corpus.sh DIR    DIR: a libfuzzer build's fuzz/ against ref
set -u
dir=${1:-}
[ -x "$dir/fuzz_handles" ] || { echo "test_empty_corpus: usage: $0 DIR (with fuzz_handles)" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dste.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
rc=0
for h in handles storage iolist address differential; do
    for seed in 1 2; do
        mkdir "$work/$h.$seed"
        (cd "$work/$h.$seed" && DILLSPEC_FUZZ_PEER="$dir/dillspec-fuzz-trace" \
            ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} timeout 300 \
            "$dir/fuzz_$h" -runs=4000 -seed="$seed" >log 2>&1)
        if [ $? -ne 0 ]; then
            echo "test_empty_corpus: FAIL: $h, seed $seed: $(grep -m1 'dillspec-fuzz: finding\|ERROR' "$work/$h.$seed/log")" >&2
            rc=1
        fi
    done
done
[ $rc -ne 0 ] || echo "test_empty_corpus: ok (5 harnesses x 2 seeds x 4000 inputs from nothing, no finding)"
exit $rc
