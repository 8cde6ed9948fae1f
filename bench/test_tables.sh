#!/bin/sh
# The arithmetic of ci/bench's table and goals (row.awk, goals.awk,
# median.awk) on made-up rows whose answers are known: a median, the count
# of rounds the first target won, the soft mark, a goal met and one not.
# Run by ci/test; no benchmark runs here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dsbt.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

check() {   # check WHAT OUTPUT EXPECTED-SUBSTRING
    case "$2" in
        *"$3"*) echo "ok: $1" ;;
        *) echo "FAILED: $1: expected '$3' in:"; echo "$2"; failed=1 ;;
    esac
}

# One benchmark TSV row: figure unit raw target x_raw raw_ns target_ns
# raw_spread target_spread raw_ops target_ops runs.
row() { printf '%s\tMiB/s\t10\t9\t%s\t100\t%s\t%s\t5\t1\t1\t7\n' "$1" "$2" "$3" "$4"; }

# Three rounds: a takes 110, 90 and 95 ns where b takes 100 in each.
for r in 1 2 3; do
    case $r in 1) ns=110 ;; 2) ns=90 ;; 3) ns=95 ;; esac
    printf '%s\t' $r >>"$work/a.rows"; row fig.x 1.10 $ns 5 >>"$work/a.rows"
    printf '%s\t' $r >>"$work/b.rows"; row fig.x 1.00 100 25 >>"$work/b.rows"
done
out=$(awk -f "$here/median.awk" -f "$here/row.awk" -v fig=fig.x -v names="a b" -v work="$work")
check "the ratio is the median of the rounds' ratios, with the rounds won" "$out" "0.95 2/3"
check "a side whose runs spread over 20% is marked soft" "$out" "1.00*"
check "a steady side is not" "$out" "1.10 "

printf '1\t' >"$work/c.rows"; row fig.x 1.10 110 5 >>"$work/c.rows"
printf '1\t' >"$work/d.rows"; row fig.x 1.00 100 5 >>"$work/d.rows"
out=$(awk -f "$here/median.awk" -f "$here/row.awk" -v fig=fig.x -v names="c d" -v work="$work")
check "one round: the ratio alone, last on the line" "$(echo "$out" | awk '{print "[" $NF "]"}')" "[1.10]"

header='figure	unit	raw	target	x_raw	raw_ns_op	target_ns_op	raw_spread_pct	target_spread_pct	raw_ops_per_run	target_ops_per_run	runs'
{ echo "$header"; row stream.pair.bsend.1MiB 1.04 104 5; row rtt.pair.1B 1.50 150 5; } >"$work/first.tsv"
{ echo "$header"; row stream.pair.bsend.1MiB 1.00 100 5; row rtt.pair.1B 2.00 200 5; } >"$work/other.tsv"
out=$(awk -F '\t' -f "$here/median.awk" -f "$here/goals.awk" "$work/first.tsv" "$work/other.tsv")
check "within 10% of raw is met" "$out" "worst 1.040 x raw (stream.pair.bsend.1MiB): met"
check "4% slower is within the 5% the goal allows" "$out" "at least as fast as other on every figure: met"
{ echo "$header"; row stream.pair.bsend.1MiB 1.04 112 5; row rtt.pair.1B 1.50 150 5; } >"$work/first.tsv"
out=$(awk -F '\t' -f "$here/median.awk" -f "$here/goals.awk" "$work/first.tsv" "$work/other.tsv")
check "12% slower is named" "$out" "not met, slower on stream.pair.bsend.1MiB (1.12)"

[ $failed = 0 ] && echo "bench tables: all checks passed"
exit $failed
