#!/bin/sh
# The project's own speed against ref, as ci/bench reports it: the wall time
# of the full conformance run, and exec/s of each libFuzzer harness.  Each is
# measured only if the tool exists in this tree; otherwise "not available".
# ci/bench runs it after the figures of a full run; it can also be run alone.
# It does not source ci/lib.sh, which finds the checkout from a script in ci/.
set -u
ROOT=${DILLSPEC_ROOT:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}
BUILD=${DILLSPEC_BUILD:-$ROOT/build}
FUZZ_SECONDS=${DILLSPEC_BENCH_FUZZ_SECONDS:-10}
JOBS=${JOBS:-2}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsproj.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT INT TERM

echo
echo "project speed (against ref)"

conformance_time() {
    if [ ! -x "$ROOT/ci/conformance" ]; then
        echo "  conformance run: not available (no ci/conformance)"; return
    fi
    # A first call builds the suite, so that the timed one only runs it.
    DILLSPEC_REPORTS="$WORK/warm" "$ROOT/ci/conformance" >/dev/null 2>&1
    start=$(date +%s.%N)
    DILLSPEC_REPORTS="$WORK/reports" "$ROOT/ci/conformance" >"$WORK/conformance.log" 2>&1
    status=$?
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v rc="$status" \
        'BEGIN { printf "  conformance run: %.1f s wall for ci/conformance against ref (exit %d)\n", e - s, rc }'
}

# exec/s of each harness under libFuzzer (ASan+UBSan, as ci/fuzz builds
# them) against ref, from ci/fuzz's own table; each starts from its corpus.
fuzz_speed() {
    if [ ! -x "$ROOT/ci/fuzz" ]; then
        echo "  fuzz exec/s: not available (no ci/fuzz)"; return
    fi
    DILLSPEC_REPORTS="$WORK/reports" "$ROOT/ci/fuzz" --engine libfuzzer \
        --seconds "$FUZZ_SECONDS" >"$WORK/fuzz.log" 2>&1
    status=$?
    # ci/fuzz's table: harness, exec/s, executions, new, coverage, result.
    sed -n '/^harness  *exec\/s/,/^ci\/fuzz: .* executions in all/p' "$WORK/fuzz.log" |
        sed '1d;$d' | while read -r name rate runs _; do
        printf '  fuzz %-14s %s exec/s, %s executions (libFuzzer, %s s from the corpus)\n' \
            "$name:" "$rate" "$runs" "$FUZZ_SECONDS"
    done
    [ $status -eq 0 ] || echo "  (ci/fuzz reported a finding; run it alone to see it)"
}

conformance_time
fuzz_speed
