#!/bin/sh
# The harnesses of this tree against those of an older commit, side by side
# in one run, as ratios (new / old):
#
#   bench/fuzz_compare.sh REV [--target PREFIX [--expect NAME]] [--seconds N]
#                             [--rounds N] [--harness H]... [--no-replay] [--no-fuzz]
#
#   REV            the commit to compare with (any git revision)
#   --target       also against this libdill install
#   --expect NAME  the release the --target before it is (libdill-2.14): its
#                  known deviations are fuzz/expectations/NAME.tsv of each
#                  version's tree and its regression rows those of NAME in
#                  corpus/regressions.tsv; default the prefix's folder name,
#                  or lib<name> (dill-2.14 is libdill-2.14)
#   --no-ref       not against ref (measured by default)
#   --seconds N    libFuzzer seconds per harness, version and round (default 20)
#   --rounds N     old, new, old, new, ... N times each (default 2); the
#                  figure is the mean exec/s over the rounds
#   --harness H    only these harnesses (default: all five)
#   --no-replay, --no-fuzz, --no-regressions   leave a part out
#
# Both trees are built the way ci/fuzz and ci/corpus build them (libFuzzer
# with ASan+UBSan against ref, UBSan only against another target; plain
# replay programs), under build/compare-<rev>/ and build/compare-head/.
# Each libFuzzer run starts from this tree's corpus (seeds and merged) with
# a fixed seed; exec/s is libFuzzer's own final figure.  A run that stopped
# on a finding says so.  The replay rows give each version's replay of that
# corpus: wall time over CPU time (1.00 = never sleeps).  The regression
# inputs are left to their own rows (an input recording a mistake of an
# older harness would stop that version at once): each input of
# corpus/regressions.tsv whose target is measured is replayed with no known
# deviations, and the rows give what each version finds (its finding key, a
# hang, or nothing).  Every regression must still be found, but for those
# the table calls "our mistake" (a false finding of an older harness):
# replayed with each version's known deviations, the new one must find
# nothing.  On a shared
# machine the absolute figures move; runs of the two versions alternate, so
# that the ratios move much less.
set -u
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
BUILD=${DILLSPEC_BUILD:-$ROOT/build}
JOBS=${JOBS:-2}
HARNESSES="handles storage iolist address differential"

die() { echo "fuzz_compare: $*" >&2; exit 2; }
say() { echo "== fuzz_compare: $*" >&2; }

rev="" targets=ref releases="" seconds=20 rounds=2 only="" replay=1 fuzz=1 regressions=1
while [ $# -gt 0 ]; do
    case "$1" in
        --target) [ $# -ge 2 ] || die "--target needs a prefix"
                  targets="$targets $(cd "$2" 2>/dev/null && pwd || die "no such directory: $2")"; shift 2 ;;
        --expect) [ $# -ge 2 ] && [ "$targets" != ref ] || die "--expect NAME follows a --target"
                  releases="$releases ${targets##* }=$2"; shift 2 ;;
        --seconds) seconds=${2:-}; shift 2 ;;
        --rounds) rounds=${2:-}; shift 2 ;;
        --harness) only="$only ${2:-}"; shift 2 ;;
        --no-replay) replay=""; shift ;;
        --no-fuzz) fuzz=""; shift ;;
        --no-regressions) regressions=""; shift ;;
        --no-ref) targets=${targets#ref}; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        -*) die "unknown argument: $1 (see --help)" ;;
        *) [ -z "$rev" ] || die "one revision only"; rev=$1; shift ;;
    esac
done
[ -n "$rev" ] || die "which revision? (see --help)"
case "$seconds$rounds" in *[!0-9]*) die "--seconds and --rounds take numbers" ;; esac
[ -n "$only" ] || only=$HARNESSES
[ -n "$(echo $targets)" ] || die "--no-ref needs a --target"
sha=$(git -C "$ROOT" rev-parse --short "$rev^{commit}" 2>/dev/null) || die "no such revision: $rev"

# The old tree: its files at REV, extracted once.
old_src="$BUILD/compare-$sha/src"
if [ ! -f "$old_src/CMakeLists.txt" ]; then
    say "extracting $sha"
    rm -rf "$old_src"; mkdir -p "$old_src"
    git -C "$ROOT" archive "$sha" | tar -x -C "$old_src" || die "cannot extract $sha"
fi

name_of() { case "$1" in ref) echo ref ;; *) basename -- "$1" ;; esac; }

# release_of TARGET: the name its expectations and regression rows go by.
release_of() {
    for r in $releases; do [ "${r%%=*}" = "$1" ] && { echo "${r#*=}"; return; }; done
    n=$(name_of "$1")
    if [ -f "$ROOT/fuzz/expectations/$n.tsv" ] || [ ! -f "$ROOT/fuzz/expectations/lib$n.tsv" ]; then echo "$n"
    else echo "lib$n"; fi
}

# build SRC DIR TARGET ENGINE SANITIZE
build() {
    mkdir -p "$2"
    { cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DDILLSPEC_TARGET="$3" -DDILLSPEC_FUZZ_ENGINE="$4" -DDILLSPEC_SANITIZE="$5" \
        -DDILLSPEC_CONFORMANCE=OFF -DDILLSPEC_BENCH=OFF &&
      cmake --build "$2" -j "$JOBS"; } >"$2.log" 2>&1 || { tail -n 30 "$2.log" >&2; die "build failed: $2"; }
}

# dir VERSION ENGINE TARGET: where a version's harnesses for a target live.
dir() { echo "$BUILD/compare-$1/$2-$(name_of "$3")"; }

for v in "$sha:$old_src" "head:$ROOT"; do
    ver=${v%%:*} src=${v#*:}
    for t in $targets; do
        san=undefined; [ "$t" = ref ] && san=address,undefined
        [ -z "$fuzz" ] || { say "building $ver libfuzzer harnesses against $(name_of "$t")"; build "$src" "$(dir "$ver" libfuzzer "$t")" "$t" libfuzzer "$san"; }
        [ -z "$replay$regressions" ] || { say "building $ver replay harnesses against $(name_of "$t")"; build "$src" "$(dir "$ver" replay "$t")" "$t" replay ""; }
    done
done

corpus_dirs() {
    for sub in seeds merged; do
        [ -d "$ROOT/corpus/$1/$sub" ] && echo "$ROOT/corpus/$1/$sub"
    done
}

# with VERSION ENGINE TARGET HARNESS CMD...: runs CMD with the environment
# ci/fuzz gives a harness (known deviations of that version's tree, the
# peer, the library path, and against a target other than ref a copy of
# each input as it runs).  The differential harness runs ref in-process.
with() {
    w_ver=$1 w_eng=$2 w_t=$3 w_h=$4; shift 4
    w_src=$ROOT; [ "$w_ver" = head ] || w_src=$old_src
    w_rel=$(release_of "$w_t")
    w_known="$w_src/fuzz/expectations/$w_rel.tsv"; [ -f "$w_known" ] || w_known=""
    w_lib=${LD_LIBRARY_PATH:-}; [ "$w_t" = ref ] || w_lib="$w_t/lib${w_lib:+:$w_lib}"
    w_last=""; [ "$w_t" = ref ] || [ "$w_eng" != libfuzzer ] || w_last="$work/last-input"
    DILLSPEC_FUZZ_LAST_INPUT="$w_last" DILLSPEC_FUZZ_KNOWN="$w_known" DILLSPEC_FUZZ_PEER="$(dir "$w_ver" "$w_eng" "$w_t")/fuzz/dillspec-fuzz-trace" \
    DILLSPEC_FUZZ_SELF_NAME=ref DILLSPEC_FUZZ_PEER_NAME="$w_rel" LD_LIBRARY_PATH="$w_lib" \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0} \
        "$@"
}

binary() {  # binary VERSION ENGINE TARGET HARNESS
    if [ "$4" = differential ]; then echo "$(dir "$1" "$2" ref)/fuzz/fuzz_differential"
    else echo "$(dir "$1" "$2" "$3")/fuzz/fuzz_$4"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/dsfc.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# fuzz_once VERSION TARGET HARNESS: "exec/s runs" or "exec/s runs stopped(key)"
fuzz_once() {
    rm -rf "$work/new"; mkdir -p "$work/new"
    # shellcheck disable=SC2046
    with "$1" libfuzzer "$2" "$3" "$(binary "$1" libfuzzer "$2" "$3")" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -seed=1 -artifact_prefix="$work/" \
        -dict="$ROOT/corpus/$3/$3.dict" "$work/new" $(corpus_dirs "$3") >"$work/log" 2>&1
    rc=$?
    e=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
    r=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    stop=""
    [ $rc -eq 0 ] || stop=" stopped($(grep -m1 -o 'dillspec-fuzz: finding [^:]*\|ERROR: [A-Za-z]*' "$work/log" | sed 's/dillspec-fuzz: finding //; s/ /_/g'))"
    echo "${e:-0} ${r:-0}$stop"
}

# replay_once VERSION TARGET HARNESS: "wall cpu runnable" of one replay of
# the corpus (runnable: "-" unless the replay program reports it).
replay_once() {
    # shellcheck disable=SC2046
    with "$1" replay "$2" "$3" /usr/bin/time -f "%e %U %S" -o "$work/time" \
        "$(binary "$1" replay "$2" "$3")" $(corpus_dirs "$3") >"$work/log" 2>&1 \
        || echo "  (replay of $3 by $1 failed: $(tail -n 2 "$work/log" | head -n 1))" >&2
    r=$(sed -n 's/.*runnable \([0-9.]*\) s.*/\1/p' "$work/log" | tail -n 1)
    awk -v r="${r:--}" '{ printf "%.3f %.3f %s\n", $1, $2 + $3, r }' "$work/time"
}

mean() { awk '{ s += $1; n++ } END { printf "%.0f", n ? s / n : 0 }'; }

echo "fuzz_compare: $sha (old) against this tree (new), ${seconds}s x $rounds rounds per harness and version"
if [ -n "$fuzz" ]; then
    printf '%-13s %-14s %10s %10s %7s  %s\n' harness target "old exec/s" "new exec/s" ratio notes
    for t in $targets; do
        for h in $only; do
            : >"$work/old" ; : >"$work/newv"; notes=""
            i=0
            while [ $i -lt "$rounds" ]; do
                o=$(fuzz_once "$sha" "$t" "$h"); n=$(fuzz_once head "$t" "$h")
                echo "$o" >>"$work/old"; echo "$n" >>"$work/newv"
                case "$o" in *stopped*) notes="$notes old ${o#* * }" ;; esac
                case "$n" in *stopped*) notes="$notes new ${n#* * }" ;; esac
                i=$((i + 1))
            done
            oe=$(mean <"$work/old"); ne=$(mean <"$work/newv")
            printf '%-13s %-14s %10s %10s %7s %s\n' "$h" "$(name_of "$t")" "$oe" "$ne" \
                "$(awk -v o="$oe" -v n="$ne" 'BEGIN { if (o > 0) printf "%.2fx", n / o; else print "-" }')" "$notes"
        done
    done
fi
if [ -n "$replay" ]; then
    echo
    echo "corpus replay: wall and CPU seconds; asleep = wall - CPU - runnable (waiting for a CPU),"
    echo "which only the new replay programs report"
    printf '%-13s %-14s %9s %8s %9s %8s %9s %8s\n' harness target "old wall" "old CPU" \
        "new wall" "new CPU" runnable asleep
    for t in $targets; do
        for h in $only; do
            o=$(replay_once "$sha" "$t" "$h"); n=$(replay_once head "$t" "$h")
            echo "$h $(name_of "$t") $o $n" | awk '{
                asleep = $8 == "-" ? "-" : sprintf("%.3f", $6 - $7 - $8)
                printf "%-13s %-14s %9.3f %8.3f %9.3f %8.3f %9s %8s\n", $1, $2, $3, $4, $6, $7, $8, asleep }'
        done
    done
fi

# found VERSION TARGET HARNESS FILE [known]: what one input makes a version
# report with no known deviations (with "known": with that version's).
# It runs in a session of its own, ended whole afterwards: an older tree's
# differential peer that hangs on the input outlives its harness (and would
# hold on to whatever lock the comparison was started under).
found() {
    rm -f "$work/session"
    f_known="DILLSPEC_FUZZ_KNOWN="; [ "${5:-}" != known ] || f_known="DILLSPEC_FUZZ_UNUSED="
    with "$1" replay "$2" "$3" env "$f_known" DILLSPEC_REPLAY_TIMEOUT=5 \
        setsid sh -c 'echo $$ >"$0"; exec "$@"' "$work/session" \
        "$(binary "$1" replay "$2" "$3")" "$4" >"$work/log" 2>&1
    rc=$?
    [ -s "$work/session" ] && kill -9 "-$(cat "$work/session")" 2>/dev/null
    k=$(grep -m1 -o 'dillspec-fuzz: finding [^:]*' "$work/log" | sed 's/^dillspec-fuzz: finding //')
    [ -n "$k" ] || { grep -q 'replay: timeout' "$work/log" && k=hang; }
    [ -n "$k" ] || { [ $rc -eq 0 ] && k=nothing || k="exit-$rc"; }
    echo "$k"
}

if [ -n "$regressions" ]; then
    echo
    printf '%-13s %-34s %-13s %s\n' harness input target "old finding -> new finding"
    lost=0
    for t in $targets; do
        tn=$(name_of "$t") rn=$(release_of "$t")
        while IFS='	' read -r h input target what; do
            [ "$h" != harness ] && [ "$target" = "$rn" ] || continue
            case " $only " in *" $h "*) ;; *) continue ;; esac
            f="$ROOT/corpus/$h/regressions/$input"
            [ -f "$f" ] || continue
            # A mistake of ours is judged as the harness ran: with the known
            # deviations (without them, the deviation it tripped over shows).
            k=""; case "$what" in "our mistake"*) k=known ;; esac
            o=$(found "$sha" "$t" "$h" "$f" $k); n=$(found head "$t" "$h" "$f" $k)
            mark=""; [ "$o" = "$n" ] || mark="  (differs)"
            case "$what" in
            "our mistake"*)
                if [ "$n" != nothing ]; then mark="  STILL MADE"; lost=$((lost + 1))
                elif [ "$o" != nothing ]; then mark="  (our mistake, fixed)"; fi ;;
            *)  [ "$o" = nothing ] || [ "$n" != nothing ] || { mark="  LOST"; lost=$((lost + 1)); } ;;
            esac
            printf '%-13s %-34s %-13s %s -> %s%s\n' "$h" "$input" "$tn" "$o" "$n" "$mark"
        done <"$ROOT/corpus/regressions.tsv"
    done
    echo "regressions no longer found (or mistakes still made): $lost"
fi
