#!/bin/sh
# A harness removes the private directories that processes killed before
# their exit left behind (fuzz/lib/hygiene.c), and only those:
#
#   fuzz/test_dirs.sh REPLAY-PROGRAM
#
# REPLAY-PROGRAM is a plain replay build of a harness that uses its
# directory (fuzz_handles).  In a directory of our own, as TMPDIR, lie the
# directories of a dead process (to be removed), of a live one and of a
# dead one in another PID namespace (both kept), and one not named by the
# harness (kept); then the program replays the handles seeds and must leave
# exactly those three.
set -u
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
prog=${1:-}
[ -x "$prog" ] || { echo "test_dirs: usage: $0 REPLAY-PROGRAM" >&2; exit 2; }

work=$(mktemp -d "/tmp/dstd.XXXXXX") || exit 2
live=""
trap '[ -z "$live" ] || kill "$live" 2>/dev/null; rm -rf "$work" "$work.log"' EXIT INT TERM
fail() { echo "test_dirs: FAIL: $*" >&2; ls -a "$work" >&2; exit 1; }

ns=$(stat -L -c %i /proc/self/ns/pid) || exit 2
dead=$(sh -c 'echo $$')          # a pid whose process has ended
sleep 60 & live=$!
mkdir "$work/dsfz.$ns.$dead.Orphan" "$work/dsfz.$ns.$live.Living" \
      "$work/dsfz.1.$dead.Abroad" "$work/dsfz.$ns.$dead.notours"
: >"$work/dsfz.$ns.$dead.Orphan/a0"     # a socket file the crash left

TMPDIR=$work "$prog" "$ROOT/corpus/handles/seeds" >"$work.log" 2>&1 \
    || { cat "$work.log" >&2; rm -f "$work.log"; fail "the replay failed"; }
rm -f "$work.log"

[ ! -e "$work/dsfz.$ns.$dead.Orphan" ] || fail "a dead process's directory was kept"
for kept in "dsfz.$ns.$live.Living" "dsfz.1.$dead.Abroad" "dsfz.$ns.$dead.notours"; do
    [ -d "$work/$kept" ] || fail "$kept was removed"
done
left=$(ls -A "$work" | wc -l)
[ "$left" -eq 3 ] || fail "$left entries left, expected the 3 kept (the replay's own removed at exit)"
echo "test_dirs: ok (an orphan removed; a live owner's, another namespace's and a foreign name kept)"
