#!/bin/sh
# The fd count holds under load: the handles harness's replay program runs
# the whole handles corpus 50 times, each in a fresh process (so each warms
# the target up and takes its first fd count anew), with a busy loop on
# each CPU; no run may report hygiene/fd-leak/leaked.  A target that makes
# its poller's fd at its first wait on an fd (ref) counts it only if the
# warm-up surely waited on one first (fuzz/lib/executor.c, fz_warm_up);
# a flaky fd-leak finding here means it did not.
#
#   fuzz/test_fd_baseline.sh BINARY [RUNS]   BINARY: a replay build's fuzz_handles
set -u
bin=${1:-} runs=${2:-50}
[ -x "$bin" ] || { echo "test_fd_baseline: usage: $0 FUZZ_HANDLES [RUNS]" >&2; exit 2; }
root=$(cd "$(dirname -- "$0")/.." && pwd)
# The corpus folders as positional parameters: a path may hold spaces.
set --
for sub in seeds regressions merged; do
    [ -d "$root/corpus/handles/$sub" ] && set -- "$@" "$root/corpus/handles/$sub"
done
log=$(mktemp "${TMPDIR:-/tmp}/dsfd.XXXXXX") || exit 2
loads=""
stop() {
    for p in $loads; do kill "$p" 2>/dev/null; done
    rm -f "$log"
}
trap stop EXIT
trap 'exit 1' INT TERM
for cpu in 1 2; do
    (while :; do :; done) &
    loads="$loads $!"
done
bad=0 leaks=0 i=0
while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    if ! timeout 300 "$bin" "$@" >"$log" 2>&1; then
        bad=$((bad + 1))
        grep -q 'hygiene/fd-leak' "$log" && leaks=$((leaks + 1))
        echo "test_fd_baseline: FAIL: run $i: $(grep -a -m1 'finding\|timeout\|ERROR' "$log")" >&2
    fi
done
if [ $bad -ne 0 ]; then
    echo "test_fd_baseline: $bad of $runs runs failed ($leaks on an fd leak)" >&2
    exit 1
fi
echo "test_fd_baseline: ok ($runs loaded replays of the handles corpus, no finding)"
