#!/usr/bin/env python3
"""Writes the hand-made seed corpus of every harness into corpus/<harness>/seeds/,
and each harness's dictionary.

Each seed is written from a readable description below, so a reader sees what
it exercises; `dillspec-fuzz-print` prints handles and differential seeds back
as call programs.  Run it again after changing a description: the files are
its output and are committed with it.

`make_seeds.py --canonical [HARNESS...]` rewrites the committed call programs
(regressions and merged inputs of handles and differential) so that each
operation's first byte is below FZ_NOPS: fz_decode takes it modulo FZ_NOPS,
and a program in that form means the same once an operation is added.  Run it
on inputs found before the count grows (ci/fuzz --merge runs it); merged
inputs are renamed to the SHA-1 of their content, as libFuzzer names them.
"""
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "corpus")


def program_h():
    """The call-program encoding, read from fuzz/lib/program.h itself: each
    enum's names with their values, and the #define'd constants."""
    with open(os.path.join(HERE, "..", "lib", "program.h")) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    values = {}
    for body in re.findall(r"enum \w+ \{(.*?)\};", text, re.S):
        n = -1
        for item in body.replace("\n", " ").split(","):
            name, _, value = item.strip().partition("=")
            if not name.strip():
                continue
            n = int(value, 0) if value.strip() else n + 1
            values[name.strip()] = n
    for name, value in re.findall(r"#define (FZ_\w+) (\d+)", text):
        values[name] = int(value)
    return values


H = program_h()
# handles / differential: operations of program.h, five bytes each; seeds
# name them by their opcode without FZ_OP_, in lower case.
OPS = [k[6:].lower() for k, v in sorted(H.items(), key=lambda kv: kv[1])
       if k.startswith("FZ_OP_")]
assert [H["FZ_OP_" + o.upper()] for o in OPS] == list(range(H["FZ_NOPS"]))
# The readable names of program.h's special operands and deadline modes.
SPECIAL = {alias: H[name] for alias, name in [
    ("-1", "FZ_SP_MINUS_ONE"), ("0", "FZ_SP_ZERO"), ("INT_MAX", "FZ_SP_INT_MAX"),
    ("last-closed", "FZ_SP_LAST_CLOSED"), ("never-issued", "FZ_SP_NEVER_ISSUED"),
    ("INT_MIN", "FZ_SP_INT_MIN"), ("cr-or-bundle", "FZ_SP_COROUTINE_OR_BUNDLE"),
    ("listener", "FZ_SP_LISTENER")]}
DL = {alias: H[name] for alias, name in [
    ("0", "FZ_DL_ZERO"), ("-1", "FZ_DL_INFINITE"), ("timed", "FZ_DL_TIMED"),
    ("past", "FZ_DL_PAST")]}
MEM, SKIP, GO, NONBLOCK = (H["FZ_FLAG_MEM"], H["FZ_FLAG_SKIP"], H["FZ_FLAG_GO"],
                           H["FZ_FLAG_NONBLOCK"])
FILL = 255   # rawio's length code for "until the socket is full" (3584)


def op(name, a=0, b=0, dl="0", flags=0, length=0):
    a = SPECIAL[a] if isinstance(a, str) else a
    return bytes([OPS.index(name), a, b, DL[dl] | flags << 2, length])


def prog(*ops):
    return b"".join(ops)


HANDLES = {
    "pair-stream": prog(
        op("pair", 0), op("bsend", 0, length=10), op("brecv", 1, length=10),
        op("bsendl", 1, flags=3 << 2, length=64), op("brecvl", 0, flags=(3 << 2) | SKIP, length=64),
        op("bsend", 1, dl="-1", length=200), op("brecv", 0, dl="-1", flags=SKIP, length=200),
        op("done", 0), op("brecv", 1, length=1), op("done", 0), op("bsend", 0, length=1),
        op("done", 1), op("ipc_close", 1, dl="-1"), op("ipc_close", 0)),
    "listen-connect-accept": prog(
        op("listen", 0, 0), op("connect", 1, 0), op("accept", 0, 2, dl="-1"),
        op("bsend", 1, length=5), op("brecv", 2, length=5), op("brecv", 2, dl="timed", length=1),
        op("connect", 3, 1), op("hclose", 0), op("connect", 3, 0), op("listen", 3, 0),
        op("accept", 0, 4), op("ipc_close", 1, dl="timed"), op("hclose", 2)),
    "listen-mem-connect-mem": prog(
        op("listen", 0, 1, flags=MEM), op("connect", 1, 1, flags=MEM),
        op("connect", 2, 1), op("accept", 0, 3, flags=MEM), op("accept", 0, 4, dl="past"),
        op("accept", 0, 4), op("bsend", 2, length=250), op("brecv", 4, length=250),
        op("ipc_close", 0), op("bsend", 1, length=3), op("hclose", 3), op("bsend", 1, length=3)),
    "bad-handles": prog(
        op("pair", 0), op("listen", 2, 2), op("bundle", 3),
        op("bsend", "-1", length=1), op("brecv", "0", length=1), op("bsendl", "INT_MAX", length=1),
        op("brecvl", "INT_MIN", length=1), op("done", "never-issued"), op("hclose", 1),
        op("bsend", "last-closed", length=1), op("bsend", 1, length=1),
        op("accept", 0, 5), op("bsend", "listener", length=1), op("brecv", "cr-or-bundle", length=1),
        op("done", "listener"), op("ipc_close", "cr-or-bundle"), op("accept", "cr-or-bundle", 5),
        op("hclose", "-1"), op("hclose", "INT_MAX")),
    "coroutine-cancel": prog(
        op("pair", 0), op("go_recv", 0, 2), op("brecv", 0, length=1), op("brecv", 0, dl="-1", length=1),
        op("yield"), op("hclose", 2), op("brecv", 0, length=1),
        op("pair", 3), op("go_recv", 3, 5), op("bsend", 4, length=1), op("yield", length=1),
        op("hclose", 5), op("brecv", 3, length=1)),
    "fromfd-and-listener-fromfd": prog(
        op("fromfd", 0), op("fromfd", 2, flags=MEM), op("listener_fromfd", 4, 3),
        op("listener_fromfd", 5, 2, flags=MEM), op("connect", 6, 3), op("accept", 4, 7),
        op("bsend", 0, length=201), op("brecv", 1, length=201), op("bsend", 3, length=7),
        op("brecv", 2, length=7), op("bsend", 6, length=9), op("brecv", 7, length=9),
        op("ipc_close", 5)),
    "pair-mem-and-deadlines": prog(
        op("pair", 0, flags=MEM), op("brecv", 0, dl="past", length=1), op("brecv", 1, dl="timed", length=3),
        op("bsend", 0, dl="timed", length=240), op("brecvl", 1, dl="-1", flags=2 << 2, length=240),
        op("hclose", 0), op("brecv", 1, length=1), op("bsend", 1, length=1), op("bundle", 2, flags=MEM),
        op("hclose", 2)),
    "fd-passing": prog(
        op("pair", 0), op("bsend", 0, length=3), op("sendfd", 0), op("bsend", 0, length=2),
        op("brecv", 1, length=3), op("recvfd", 1), op("recvfd", 1), op("brecv", 1, length=1),
        op("recvfd", 1), op("recvfd", 1), op("sendfd", 1, flags=SKIP), op("sendfd", "-1"), op("recvfd", "listener"),
        op("bsend", 1, length=1), op("recvfd", 0), op("sendfd", 1, dl="-1"), op("recvfd", 0, dl="-1"),
        op("done", 1), op("recvfd", 0), op("sendfd", 1), op("hclose", 1), op("sendfd", 0)),
    "fill-the-buffer": prog(
        op("pair", 0), *[op("bsend", 0, length=255) for _ in range(40)], op("ipc_close", 0)),
    # Transfers larger than a kernel socket buffer, sent and received in
    # lists of 3+ items with NULL bases and zero-length items in the middle.
    "transfer-across-buffers": prog(
        op("pair", 0), op("bsend", 0, length=7),
        op("transfer", 0, b=3 | (2 | 4 | 16) << 2, flags=3 | 4 | 16, length=255),
        op("transfer", 1, b=1 | (1 | 8 | 32) << 2, flags=0, length=200),
        op("brecv", 1, length=7),
        op("listen", 2, 0), op("connect", 3, 0), op("accept", 2, 4, dl="-1"),
        op("transfer", 3, b=2, flags=2 | 8 | 32, length=180),
        op("fromfd", 5), op("transfer", 6, b=(3 | 4 | 16 | 32) << 2, flags=1 | 4, length=100),
        op("transfer", 5, b=3, flags=0, length=20),
        op("ipc_close", 0), op("ipc_close", 1, dl="-1")),
    # Lists of 3+ items, NULL bases and zero-length items in the middle, on
    # calls that succeed and on calls that fail (the list must stay as it was).
    "lists-with-holes": prog(
        op("pair", 0),
        op("bsendl", 0, flags=3 | 4 | 16, length=230),
        op("brecvl", 1, flags=2 | 4 | 16 | 32, length=230),
        op("bsendl", 0, flags=2 | 4 | 8, length=100),
        op("brecvl", 1, flags=3 | 4 | 16, length=150),
        op("brecvl", 1, dl="timed", flags=1 | 4 | 16 | 32, length=255),
        op("pair", 2), op("bsendl", 2, flags=1 | 4, length=10),
        op("brecvl", 3, dl="past", flags=3 | 4 | 16, length=255),
        op("done", 2), op("brecvl", 3, flags=2 | 4 | 16, length=200),
        op("bsendl", 3, flags=3 | 4 | 16, length=40), op("hclose", 2),
        op("bsendl", 3, flags=3 | 4, length=40)),
    # Every kind of fd number, 0 included, with bytes on both sides of each.
    "fd-numbers": prog(
        op("pair", 0), op("bsend", 0, length=3), op("sendfd", 0, flags=4),
        op("bsend", 0, length=5), op("sendfd", 0, flags=8), op("sendfd", 0, dl="-1"),
        op("bsend", 0, length=2), op("brecv", 1, length=3), op("recvfd", 1),
        op("brecv", 1, length=5), op("recvfd", 1), op("recvfd", 1, dl="-1"),
        op("brecv", 1, length=2), op("sendfd", 1, flags=4, dl="timed"), op("recvfd", 0),
        op("done", 1), op("sendfd", 1, flags=4), op("ipc_close", 0)),
    # The coroutine core.  Timed deadlines of the core's operations are
    # now() + 1 + length % 16 ms (program.h).
    # Timers in deadline order across coroutines and the main one, and
    # bundle_wait returning when the last coroutine ends, not before.
    "core-timers-in-order": prog(
        op("bundle", 0),
        op("msleep", 0, 0, dl="timed", flags=GO, length=5),   # bundle_go(slot0, msleep(+6))
        op("msleep", 0, 0, dl="timed", flags=GO, length=2),   # bundle_go(slot0, msleep(+3))
        op("msleep", 0, 1, dl="timed", flags=GO, length=9),   # go(msleep(+10)) -> slot1
        op("msleep", 0, 0, dl="timed", length=4),             # the +3 sleeper first
        op("bundle_wait", 0, 0, dl="-1"),                     # at +6
        op("bundle_wait", 1, 0, dl="timed", length=0),        # ETIMEDOUT at +7
        op("msleep", 0, 0, dl="0"), op("msleep", 0, 0, dl="past"),
        op("msleep", 0, 2, dl="-1"),                          # go(msleep(-1)) -> slot2
        op("bundle_wait", 1, 4, dl="timed", flags=GO, length=15),  # 0 at +10
        op("msleep", 0, 0, dl="timed", length=15),
        op("hclose", 2), op("bundle_wait", "cr-or-bundle", 0, dl="0"), op("hclose", 0)),
    # fdin/fdout on fds the program owns: ready, timed out, EBUSY, a fill and
    # a drain, an end of file, fdclean, and the numbers reused (libdill #71).
    "core-fd-waits": prog(
        op("rawfd", 0), op("fdin", 0, dl="0"), op("fdout", 0, dl="0"),
        op("fdin", 0, 2, dl="-1", flags=GO),                  # go(fdin(fd0, -1)) -> slot2
        op("fdin", 0, dl="0"), op("fdout", 0, dl="0"),        # EBUSY; the other side is free
        op("rawio", 1, length=5), op("msleep", 0, dl="timed", length=0),                # the coroutine's fdin returns
        op("rawio", 0, flags=SKIP),
        op("fdin", 0, 3, dl="timed", flags=GO, length=2),     # ETIMEDOUT at +3
        op("msleep", 0, dl="timed", length=6),
        op("rawio", 1, length=FILL), op("fdout", 1, dl="0"), op("fdout", 1, dl="timed", length=1),
        op("fdout", 1, 4, dl="-1", flags=GO),                 # go(fdout(fd1, -1)) -> slot4
        op("rawio", 0, flags=SKIP), op("msleep", 0, dl="timed", length=0),              # writable again: it returns
        op("fdin", "-1", dl="0"), op("fdout", "INT_MAX", dl="0"),
        op("fdin", "never-issued", 5, dl="-1", flags=GO),
        op("fdclean", 1), op("fdin", 0, dl="-1"), op("fdout", 0, dl="0"),
        op("fdclean", 0, flags=SKIP), op("fdin", 0, dl="0"), op("fdclean", 0),
        op("rawfd", 0), op("fdin", 0, dl="timed", length=0), op("fdout", 1, dl="past"),
        op("pair", 6), op("bsend", 6, length=10), op("brecv", 7, dl="timed", length=10),
        op("brecv", 7, dl="timed", length=1)),
    # A listener closed while a coroutine is in ipc_accept on it, then new
    # sockets on its fd number (libdill #236, #129).
    "core-close-listener-while-accepting": prog(
        op("listen", 0, 0), op("go_accept", 0, 1, dl="-1"), op("msleep", 0, dl="timed", length=0),
        op("hclose", 0), op("msleep", 0, dl="timed", length=0),
        op("listen", 0, 1), op("connect", 2, 1), op("accept", 0, 3, dl="0"),
        op("bsend", 2, length=4), op("brecv", 3, dl="timed", length=4),
        op("go_accept", 0, 4, dl="timed", length=3), op("msleep", 0, dl="timed", length=5),
        op("go_accept", 0, 5, dl="-1"), op("connect", 6, 1), op("msleep", 0, dl="timed", length=0),
        op("brecv", 6, dl="0", length=1), op("hclose", 6),
        op("go_accept", 0, 6, dl="-1"), op("ipc_close", 0, dl="0"), op("msleep", 0, dl="timed", length=0),
        op("pair", 0), op("bsend", 0, length=3), op("brecv", 7, dl="timed", length=3)),
    # hclose of a bundle while a coroutine is in bundle_wait on it (libdill #215).
    "core-close-bundle-while-waiting": prog(
        op("bundle", 0),
        op("msleep", 0, 0, dl="-1", flags=GO),
        op("msleep", 0, 0, dl="timed", flags=GO | MEM, length=7),
        op("bundle_wait", 0, 1, dl="-1", flags=GO),           # go(bundle_wait(slot0, -1))
        op("bundle_wait", 0, 2, dl="timed", flags=GO, length=3),
        op("msleep", 0, dl="timed", length=4),
        op("hclose", 0), op("bundle_wait", 1, dl="0"),
        op("bundle_wait", 2, dl="-1"), op("bundle_wait", 3, dl="0"),
        op("bundle_wait", "-1", dl="0"), op("bundle", 3), op("bundle_wait", 3, dl="timed")),
    # Every kind of wait, blocked with nothing pending, then canceled.
    "core-cancel-every-wait": prog(
        op("rawfd", 0), op("rawio", 0, length=FILL), op("listen", 2, 0), op("bundle", 3),
        op("msleep", 0, 3, dl="-1", flags=GO), op("fdin", 0, 3, dl="-1", flags=GO),
        op("fdout", 0, 3, dl="-1", flags=GO), op("go_accept", 2, 3, dl="-1"),
        op("pair", 4), op("go_recv", 4, 6), op("msleep", 0, 7, dl="-1"),
        op("bundle_wait", 7, 3, dl="-1", flags=GO), op("msleep", 0, dl="timed", length=0),
        op("hclose", 3), op("hclose", 6), op("hclose", 7)),
    # hown: the same object under a new number.
    "core-hown": prog(
        op("pair", 0), op("hown", 0), op("bsend", 0, length=5), op("brecv", 1, length=5),
        op("listen", 2, 0), op("hown", 2), op("connect", 3, 0), op("accept", 2, 4),
        op("bsend", 3, length=2), op("brecv", 4, dl="-1", length=2),
        op("msleep", 0, 5, dl="-1"), op("hown", 5), op("bundle_wait", 5, dl="0"),
        op("hclose", 5), op("hown", "-1"), op("hown", "never-issued"),
        op("bundle", 5), op("hown", 5), op("msleep", 0, 5, dl="timed", flags=GO, length=2),
        op("bundle_wait", 5, dl="-1"), op("hown", 1), op("ipc_close", 1, dl="0")),
    # Wrapped handles from blocking and non-blocking fds, every deadline
    # mode on them; and ipc_close's drain within its deadline.
    "wrapped-blocking-deadlines": prog(
        op("fromfd", 0), op("brecv", 0, dl="0", length=1), op("brecv", 0, dl="timed", length=4),
        op("brecv", 0, dl="past", length=1), op("recvfd", 0, dl="0"),
        op("listener_fromfd", 2, 3), op("accept", 2, 3, dl="0"), op("accept", 2, 3, dl="timed"),
        op("go_accept", 2, 4, dl="timed", length=2), op("msleep", 0, dl="timed", length=3),
        op("connect", 5, 3), op("accept", 2, 6, dl="-1"), op("bsend", 5, length=3),
        op("brecv", 6, dl="-1", length=3), op("brecv", 6, dl="timed", length=1),
        op("ipc_close", 0, dl="timed"),
        op("fromfd", 0, flags=NONBLOCK | MEM), op("brecv", 0, dl="0", length=1),
        op("brecv", 3, dl="timed", length=2), op("bsend", 3, length=7), op("brecv", 0, length=7),
        op("listener_fromfd", 7, 2, flags=MEM), op("accept", 7, 3, dl="past"),
        *[op("bsend", 1, dl="0", length=255) for _ in range(20)]),
    "wrapped-nonblocking-deadlines": prog(
        op("fromfd", 0, flags=NONBLOCK), op("listener_fromfd", 2, 1, flags=NONBLOCK),
        op("brecv", 0, dl="0", length=1), op("brecv", 1, dl="timed", length=1),
        op("accept", 2, 3, dl="0"), op("accept", 2, 3, dl="timed"),
        op("connect", 3, 1), op("accept", 2, 4, dl="past"), op("bsend", 4, length=9),
        op("brecv", 3, dl="timed", length=9), op("ipc_close", 3, dl="timed"),
        op("done", 0), op("ipc_close", 1, dl="timed")),
}

# Regression inputs written by hand, minimal, for what the seeds above
# found (each has its line in corpus/regressions.tsv); those the fuzzers
# found are kept as they found them.
HANDLES_REGRESSIONS = {
    # libdill #236, #129: hclose (or ipc_close) of a listener a coroutine
    # is blocked in ipc_accept on.
    "close-listener-while-accepting": prog(
        op("listen", 0, 0), op("go_accept", 0, 1, dl="-1"),
        op("msleep", 0, dl="timed", length=0), op("hclose", 0)),
    "ipc-close-listener-while-accepting": prog(
        op("listen", 0, 0), op("go_accept", 0, 1, dl="-1"),
        op("msleep", 0, dl="timed", length=0), op("ipc_close", 0, dl="0")),
    # A coroutine whose deadline had come, woken but not yet run when its
    # bundle is closed: cancellation wins (ref/README reading 17).  The
    # brecv in between lets the scheduler fire the timer.
    "cancel-sleeper-woken-by-its-deadline": prog(
        op("pair", 0), op("msleep", 0, 2, dl="past", flags=GO),
        op("brecv", 0, dl="0", length=1), op("hclose", 2)),
    "cancel-accept-woken-by-its-deadline": prog(
        op("pair", 0), op("listen", 2, 0), op("go_accept", 2, 3, dl="past"),
        op("brecv", 0, dl="0", length=1), op("hclose", 3)),
    # bundle_wait whose deadline fires in the scheduler pass that also ends
    # the bundle's last coroutine (woken by the byte just sent).
    "bundle-wait-deadline-as-last-ends": prog(
        op("pair", 0), op("go_recv", 0, 2), op("bsend", 1, length=1),
        op("bundle_wait", 2, dl="0")),
    # Found by the handles fuzzer against libdill 2.14, rewritten here.
    # A coroutine's ipc_accept with deadline 0 gets a later connection.
    "accept-expired-deadline-succeeds": prog(
        op("listen", 0, 1), op("go_accept", 0, 1, dl="0"), op("connect", 2, 1),
        op("yield", length=1)),
    # Our mistakes: a connection a coroutine may accept and close meanwhile;
    # a second fdin beside a coroutine's fdin whose deadline had passed.
    "ipc-close-while-coroutine-accepts": prog(
        op("listener_fromfd", 0, 0, flags=NONBLOCK), op("go_accept", 0, 0, dl="0"),
        op("connect", 2, 0), op("ipc_close", 2, dl="timed")),
    "fdin-beside-a-woken-waiter": prog(
        op("rawfd", 0), op("fdin", 1, 7, dl="past", flags=GO | MEM), op("fdin", 0, dl="-1"),
        op("fdin", 1, dl="0")),
    "sendfd-to-a-connection-a-coroutine-accepted": prog(
        op("listen", 0, 0), op("go_accept", 0, 1, dl="-1"), op("connect", 2, 0),
        op("sendfd", 2, dl="timed")),
    # Time and cancellation, each finding hand-made faulty builds (fuzz/README's
    # power table).  Deadlines fire in order and never early: a coroutine's
    # msleep(+5) beside the main one's msleep(+2), then beside msleep(+4).
    "timers-in-deadline-order": prog(
        op("msleep", 0, 1, dl="timed", flags=GO, length=4), op("msleep", 0, dl="timed", length=1),
        op("msleep", 0, dl="timed", length=6)),
    "timer-never-early": prog(
        op("msleep", 0, 1, dl="timed", flags=GO, length=4), op("msleep", 0, dl="timed", length=3),
        op("msleep", 0, dl="timed", length=3)),
    # ipc_close's drain ends at its deadline while the peer stays open.
    "ipc-close-drain-deadline": prog(
        op("pair", 0), op("bsend", 1, length=3), op("ipc_close", 0, dl="timed")),
    # A coroutine in msleep(-1), with nothing pending, canceled: ECANCELED,
    # and again from each later blocking call in it.
    "cancel-sleeper-with-nothing-pending": prog(
        op("msleep", 0, 0, dl="-1"), op("hclose", 0)),
    "cancel-fdin-with-nothing-pending": prog(
        op("rawfd", 0), op("fdin", 0, 2, dl="-1", flags=GO), op("yield"), op("hclose", 2)),
    # Wrappers: a blocking socket wrapped, then deadline 0 on what it gives:
    # a connection, a listener, a connection accepted from it.
    "wrapped-blocking-connection": prog(
        op("fromfd", 0), op("brecv", 0, dl="0", length=1), op("brecv", 1, dl="timed", length=1)),
    "wrapped-blocking-listener": prog(
        op("listener_fromfd", 0, 0), op("accept", 0, 1, dl="0"), op("accept", 0, 1, dl="timed")),
    "accepted-connection-deadline-0": prog(
        op("listen", 0, 0), op("connect", 1, 0), op("accept", 0, 2, dl="0"),
        op("brecv", 2, dl="0", length=1), op("bsend", 2, length=1), op("brecv", 1, length=1)),
    # libdill #215: hclose of a bundle a coroutine is in bundle_wait on.
    "close-bundle-while-waiting": prog(
        op("msleep", 0, 0, dl="-1"), op("bundle_wait", 0, 1, dl="-1", flags=GO),
        op("msleep", 0, dl="timed", length=0), op("hclose", 0)),
}

# The regression inputs the differential harness replays too: each finds
# its faulty builds there as well (a call that hung or would have blocked
# in the libdill peer, where ref's returned).
DIFFERENTIAL_REGRESSIONS = ["ipc-close-drain-deadline", "wrapped-blocking-connection",
                            "wrapped-blocking-listener", "accepted-connection-deadline-0"]


# iolist: head byte (bit 0: sending; bits 1-3: item count - 1; bit 4:
# large items, 64 times the length; bits 5-6: what the peer does: 0 its
# part, 1 too few bytes, 2 ipc_done, 3 hclose), then nine items of (len,
# base, next, rsvd), then first and last.
PEER = {"sends": 0, "short": 1, "done": 2, "closed": 3}


def item(length=8, base=1, nxt=0, rsvd=0):
    return bytes([length, base, nxt, rsvd])


def iolist_call(sending, n, items, first=0, last=0, large=False, peer="sends"):
    items = list(items) + [item()] * (9 - len(items))
    head = (n - 1) << 1 | sending | large << 4 | PEER[peer] << 5
    return bytes([head]) + b"".join(items) + bytes([first, last])


IOLIST = {
    "valid-send-and-receive": iolist_call(1, 3, [item(5), item(0), item(40)]) +
        iolist_call(0, 4, [item(3), item(7, base=0), item(0), item(20)]),
    "loop": iolist_call(1, 3, [item(), item(nxt=200 + 0), item()], last=212) +
        iolist_call(0, 2, [item(nxt=200), item()]),
    "last-outside": iolist_call(1, 3, [item(), item(), item()], last=211) +
        iolist_call(0, 3, [item(), item(), item()], last=200),
    "reserved-set": iolist_call(1, 2, [item(rsvd=0xFF), item()]) +
        iolist_call(0, 3, [item(), item(), item(rsvd=0xFE)]),
    "null-first-last": iolist_call(1, 2, [item(), item()], first=210) +
        iolist_call(0, 2, [item(), item()], last=210),
    "null-base-send": iolist_call(1, 2, [item(base=0), item()]) +
        iolist_call(0, 1, [item(0, base=0)]),
    # Past libdill's 1984-byte receive buffer, NULL bases and zero-length
    # items in the middle of 3+ items, on calls that succeed and calls that
    # fail: the bytes and the list are checked either way.
    "large-with-holes": iolist_call(0, 5, [item(40), item(0), item(33, base=0),
            item(0, base=0), item(50)], large=True) +
        iolist_call(1, 5, [item(40), item(0, base=0), item(33), item(0), item(50)],
            large=True) +
        iolist_call(0, 5, [item(40), item(0), item(33, base=0), item(0), item(50)],
            large=True, peer="short") +
        iolist_call(0, 4, [item(9), item(30, base=0), item(0), item(5)], peer="short") +
        iolist_call(0, 4, [item(9), item(30, base=0), item(0), item(5)],
            large=True, peer="done") +
        iolist_call(0, 3, [item(9), item(0, base=0), item(7)], peer="closed") +
        iolist_call(1, 4, [item(9), item(0, base=0), item(20), item(0)], large=True,
            peer="closed") +
        iolist_call(1, 3, [item(9), item(0), item(20)], peer="done"),
}

# address: (action, component, component) triples; actions: listen,
# listen_mem, connect, connect_mem, mkdir, mkfile, symlink, symlink_loop.
# Components: 0 d, 1 f, 2 s, 3 l, 4 loop, 5 missing, 6 d/s; >=200 long;
# a second component only when the third byte is >= 128 (128 + index).
def addr(action, c1, c2=None):
    acts = ["listen", "listen_mem", "connect", "connect_mem", "mkdir", "mkfile",
            "symlink", "symlink_loop"]
    return bytes([acts.index(action), c1, 0 if c2 is None else c2])


ADDRESS = {
    "listen-connect": addr("listen", 2) + addr("connect", 2) + addr("connect_mem", 2) +
        addr("listen", 2) + addr("listen_mem", 6) + addr("connect", 3, 128 + 2) +
        addr("connect", 6),
    "missing-and-not-dirs": addr("listen", 5, 128 + 2) + addr("connect", 5) +
        addr("listen", 1, 128 + 2) + addr("connect", 1) + addr("connect", 0) +
        addr("listen", 4, 128 + 2) + addr("connect", 4),
    "lengths": b"".join(addr(a, 200 + k) for k in range(24, 34) for a in ("listen", "connect_mem")),
    "empty": bytes([0, 0xFF, 0, 2, 0xFF, 0]),
}

# storage: (action, block, object) triples; actions: listen, connect, pair,
# fromfd, listener_fromfd, hclose, ipc_close, exchange, null_storage.
def st(action, b=0, c=0):
    acts = ["listen", "connect", "pair", "fromfd", "listener_fromfd", "hclose",
            "ipc_close", "exchange", "null_storage"]
    return bytes([acts.index(action), b, c])


STORAGE = {
    "every-mem-variant": st("listen", 0) + st("connect", 1, 0) + st("exchange", 0, 1) +
        st("exchange", 0, 2) + st("pair", 3) + st("exchange", 0, 3) + st("hclose", 0, 1) +
        st("fromfd", 1) + st("exchange", 0, 1) + st("listener_fromfd", 0x80) +
        st("ipc_close", 0, 0) + st("ipc_close", 0, 2) + st("listen", 0) + st("hclose", 0, 3),
    "reuse-in-every-order": b"".join(
        st("pair", k) + st("hclose", 0, 1) + st("exchange", 0, 0) + st("hclose", 0, 0)
        for k in range(4)) + st("pair", 0x80) + st("pair", 1) + st("hclose", 0, 2) +
        st("hclose", 0, 0),
    "null-storage": b"".join(st("null_storage", 0, k) for k in range(3)) +
        st("listen", 0) + st("null_storage", 0, 3),
}


def dict_line(name, data):
    return '%s="%s"\n' % (name, "".join("\\x%02x" % b for b in data))


def handles_dict():
    """One token per operation with its most telling operands: every call,
    every special handle, every deadline mode."""
    lines = []
    for i, name in enumerate(OPS):
        lines.append(dict_line("op_" + name, op(name, 0, 1)))
        lines.append(dict_line("op_%s_mem" % name, op(name, 0, 1, flags=MEM)))
    for name in ("msleep", "fdin", "fdout", "bundle_wait"):
        lines.append(dict_line("op_%s_go" % name, op(name, 0, 1, dl="-1", flags=GO)))
    for name in ("fromfd", "listener_fromfd"):
        lines.append(dict_line("op_%s_nonblock" % name, op(name, 0, 1, flags=NONBLOCK)))
    lines.append(dict_line("op_rawio_fill", op("rawio", 1, length=FILL)))
    lines.append(dict_line("op_rawio_drain", op("rawio", 0, flags=SKIP)))
    for sname in SPECIAL:
        key = sname.replace("-", "_")
        lines.append(dict_line("bsend_" + key, op("bsend", sname, length=1)))
        lines.append(dict_line("hclose_" + key, op("hclose", sname)))
    for dname in DL:
        key = {"-1": "infinite", "0": "zero"}.get(dname, dname)
        lines.append(dict_line("brecv_dl_" + key, op("brecv", 1, dl=dname, length=4)))
    return "".join(lines)


def iolist_dict():
    return "".join([
        dict_line("item_null_base", item(base=0)),
        dict_line("item_rsvd", item(rsvd=0xFF)),
        dict_line("item_rsvd_neg", item(rsvd=0xFE)),
        dict_line("item_loop_to_first", item(nxt=200)),
        dict_line("item_next_null", item(nxt=210)),
        dict_line("item_next_stray", item(nxt=211)),
        dict_line("ends_null_first", bytes([210, 0])),
        dict_line("ends_stray_last", bytes([0, 211])),
        dict_line("ends_natural", bytes([0, 0])),
    ])


def address_dict():
    acts = ["listen", "listen_mem", "connect", "connect_mem", "mkdir", "mkfile",
            "symlink", "symlink_loop"]
    lines = [dict_line("empty_path", bytes([0, 0xFF, 0]))]
    for k in range(24, 34):
        lines.append(dict_line("long_%d" % k, bytes([0, 200 + k, 0])))
    for a in acts:
        lines.append(dict_line(a + "_d_s", addr(a, 0, 128 + 2)))
    return "".join(lines)


def storage_dict():
    acts = ["listen", "connect", "pair", "fromfd", "listener_fromfd", "hclose",
            "ipc_close", "exchange", "null_storage"]
    return "".join(dict_line(a + "_heap", st(a, 0x80)) + dict_line(a, st(a, 1, 1))
                   for a in acts)


def write_dict(harness, text):
    with open(os.path.join(ROOT, harness, harness + ".dict"), "w") as f:
        f.write("# libFuzzer/AFL++ dictionary for the %s harness (fuzz/tools/make_seeds.py)\n" % harness)
        f.write(text)


def write(harness, seeds, sub="seeds"):
    d = os.path.join(ROOT, harness, sub)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def canonical(harnesses):
    for h in harnesses:
        if h not in ("handles", "differential"):
            continue
        for sub in ("regressions", "merged"):
            d = os.path.join(ROOT, h, sub)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                with open(path, "rb") as f:
                    data = bytearray(f.read())
                for i in range(0, len(data) - 4, 5):
                    data[i] %= H["FZ_NOPS"]
                if sub == "merged":
                    os.remove(path)
                    path = os.path.join(d, hashlib.sha1(data).hexdigest())
                with open(path, "wb") as f:
                    f.write(data)
    return 0


def main():
    if sys.argv[1:2] == ["--canonical"]:
        return canonical(sys.argv[2:] or ["handles", "differential"])
    write("handles", HANDLES)
    write("handles", HANDLES_REGRESSIONS, "regressions")
    write("differential", {k: HANDLES_REGRESSIONS[k] for k in DIFFERENTIAL_REGRESSIONS},
          "regressions")
    write("differential", HANDLES)
    write("iolist", IOLIST)
    write("address", ADDRESS)
    write("storage", STORAGE)
    write_dict("handles", handles_dict())
    write_dict("differential", handles_dict())
    write_dict("iolist", iolist_dict())
    write_dict("address", address_dict())
    write_dict("storage", storage_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
