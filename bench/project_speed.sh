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

# libFuzzer harnesses in a fuzz build: executables that carry libFuzzer's
# own messages (AFL++ builds of the same harnesses do not).
libfuzzer_harnesses() {
    for f in "$1"/fuzz/* "$1"/fuzz/*/*; do
        [ -f "$f" ] && [ -x "$f" ] || continue
        grep -aq "LLVMFuzzerTestOneInput" "$f" && grep -aq "INFO: Seed:" "$f" && echo "$f"
    done
}

fuzz_speed() {
    if [ ! -f "$ROOT/fuzz/CMakeLists.txt" ]; then
        echo "  fuzz exec/s: not available (no fuzz/CMakeLists.txt)"; return
    fi
    dir="$BUILD/bench-fuzz"
    if ! { cmake -S "$ROOT" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             -DDILLSPEC_FUZZ=ON -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF \
           && cmake --build "$dir" -j "$JOBS"; } >"$WORK/fuzz-build.log" 2>&1; then
        echo "  fuzz exec/s: not available (the fuzz build failed; see build/bench-fuzz)"; return
    fi
    harnesses=$(libfuzzer_harnesses "$dir")
    [ -n "$harnesses" ] || { echo "  fuzz exec/s: not available (no libFuzzer harness built)"; return; }
    for h in $harnesses; do
        name=$(basename "$h")
        mkdir -p "$WORK/corpus-$name"
        (cd "$WORK" && timeout $((FUZZ_SECONDS + 60)) "$h" -max_total_time="$FUZZ_SECONDS" \
            -print_final_stats=1 "$WORK/corpus-$name" >"$WORK/$name.log" 2>&1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/$name.log" | tail -n 1)
        printf '  fuzz %-24s %s exec/s (%s s, empty corpus)\n' "$name:" "${rate:-failed}" "$FUZZ_SECONDS"
    done
}

conformance_time
fuzz_speed
