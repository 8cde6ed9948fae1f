#!/usr/bin/env python3
"""A fuzz input as a standalone C program: the calls the harness made for
it, in order, as straight-line libdill calls (a coroutine where the harness
ran one), each followed by its check: the promise the harness's model made
for that call where it made one (the handles and differential harnesses),
else the outcome the reference implementation gave, which the harness's
oracle accepted (iolist, storage, address).  The program includes only
<libdill.h> and the C library and exits 0 when every step does what the
pages allow, 1 when one does not (the step, the call, what it did and what
was allowed), 77 when a step took another outcome the pages allow (the rest
of the program follows ref's path).

The calls are recorded, not re-derived: the harness's replay program,
linked against a shared libdill (ref installed into a prefix), runs the
input with fuzz/tools/recorder.c preloaded, which writes each call the
program makes with its arguments and result; fuzz/lib/record.c adds the
operations, the model's promises and the marks.  How each function is
written in C is CALLS below, one row a function: a new libdill function
needs a row here and a wrapper in recorder.c, a new operation of the
harnesses nothing.

  to_c.py --harness PROGRAM --preload LIBRARY INPUT [--out FILE] [--title TEXT]
  to_c.py --events FILE [--out FILE] [--title TEXT]"""
import functools
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "conformance", "repro"))
import generate  # noqa: E402  (the contract's ERRORS tables)

# Each function the recorder writes down: its arguments' kinds and what it
# returns.  Arguments: I an int, H a handle, F an fd, D a deadline, S a
# string (a path), M:<member> _mem storage, BYTES bytes sent, RBUF a
# receive buffer, LIST/RLIST an iolist to send/receive (two arguments),
# SUN a socket address and its length (two arguments).  Results: H a
# handle, F an fd, P two handles, FP two fds, 0 a status, GO a coroutine.
CALLS = {
    "dill_ipc_listen": ("S I", "H"), "dill_ipc_listen_mem": ("S I M:listener", "H"),
    "dill_ipc_accept": ("H D", "H"), "dill_ipc_accept_mem": ("H M:conn D", "H"),
    "dill_ipc_connect": ("S D", "H"), "dill_ipc_connect_mem": ("S M:conn D", "H"),
    "dill_ipc_fromfd": ("F", "H"), "dill_ipc_fromfd_mem": ("F M:conn", "H"),
    "dill_ipc_listener_fromfd": ("F", "H"), "dill_ipc_listener_fromfd_mem": ("F M:listener", "H"),
    "dill_ipc_pair": ("", "P"), "dill_ipc_pair_mem": ("M:pair", "P"),
    "dill_ipc_done": ("H D", "0"), "dill_ipc_close": ("H D", "0"),
    "dill_ipc_sendfd": ("H F D", "0"), "dill_ipc_recvfd": ("H D", "F"),
    "dill_bsend": ("H BYTES I D", "0"), "dill_brecv": ("H RBUF I D", "0"),
    "dill_bsendl": ("H LIST D", "0"), "dill_brecvl": ("H RLIST D", "0"),
    "dill_hclose": ("H", "0"), "dill_hown": ("H", "H"), "dill_msleep": ("D", "0"),
    "dill_yield": ("", "0"), "dill_bundle": ("", "H"), "dill_bundle_wait": ("H D", "0"),
    "dill_fdin": ("F D", "0"), "dill_fdout": ("F D", "0"), "dill_fdclean": ("F", "0"),
    "dill_go_prologue": ("GO", "GO"), "dill_prologue": ("GO", "GO"),
    "socket": ("I I I", "F"), "socketpair": ("I I I", "FP"), "pipe": ("", "FP"),
    "bind": ("F SUN", "0"), "connect": ("F SUN", "0"), "listen": ("F I", "0"),
    "shutdown": ("F I", "0"), "close": ("F", "0"), "unlink": ("S", "0"),
    "mkdir": ("S I", "0"), "symlink": ("S S", "0"), "fopen": ("S", "0"),
}
# The calls of the harness's own set-up: a difference there is the
# machine's, not the library's.
SETUP = {"socket", "socketpair", "pipe", "bind", "connect", "listen", "shutdown", "close",
         "unlink", "mkdir", "symlink", "fopen"}
SPECIAL = {-1: "-1", 2147483647: "INT_MAX", -2147483648: "INT_MIN"}


def parse(text):
    events = []
    for line in text.split("\n"):
        f = line.split("\t")
        if f[0] in ("call", "ret", "op", "expect", "mark", "finding"):
            events.append(f)
    return events


class Call:
    def __init__(self, f):
        self.id, self.ctx, self.fn, self.args = int(f[1]), f[2], f[3], f[4:]
        self.rc, self.err, self.outs, self.expect, self.returned = None, 0, [], None, False


def base_name(fn):
    return re.sub(r"_mem$", "", fn[5:] if fn.startswith("dill_") else fn)


def link(events):
    """The calls, and each model promise tied to the call it judged: the
    latest returned call of that function with that outcome."""
    calls, order = {}, []
    for f in events:
        if f[0] == "call":
            c = Call(f)
            calls[c.id] = c
        elif f[0] == "ret":
            c = calls.get(int(f[1]))
            if c:
                c.rc, c.err, c.outs, c.returned = int(f[2]), int(f[3]), f[4:], True
                order.append(c)
        elif f[0] == "expect":
            rc, err = int(f[6]), int(f[7])
            for c in reversed(order):
                if c.expect is None and base_name(c.fn) == base_name("dill_" + f[1]) and \
                        (c.rc == rc or (c.rc >= 0 and rc >= 0)) and (rc != -1 or c.err == err):
                    c.expect = f
                    f.append(c)
                    break
    return calls


@functools.lru_cache(maxsize=None)
def stream_table():
    """fuzz/lib/stream.c's table, and its first 64 KiB again after it."""
    period, t = 1 << 20, bytearray(1 << 20)
    for i in range(period):
        x = (i * 0x9E3779B1) & 0xFFFFFFFF
        x ^= x >> 15
        b = ((x * 0x85EBCA77) & 0xFFFFFFFF) >> 24
        t[i] = b ^ 0x5A if i > 0 and b == t[i - 1] else b
    while t[0] in (t[period - 1], t[1]):
        t[0] = (t[0] + 1) & 255
    return bytes(t + t[:65536])


def stream_offset(data):
    """Where in the stream table a send's recorded bytes are, or None."""
    if len(data) < 16:
        return None
    table = stream_table()
    at = table.find(data[:16])
    return at if at >= 0 and table[at:at + len(data)] == data[:65536] else None


def c_string(b):
    out = []
    for ch in b:
        out.append(chr(ch) if 32 <= ch < 127 and chr(ch) not in '"\\' else
                   "\\" + chr(ch) if chr(ch) in '"\\' else "\\x%02x" % ch)
    text = "".join(out)
    return '"%s"' % re.sub(r'(\\x[0-9a-f]{2})(?=[0-9a-fA-F])', r'\1""', text)


class Writer:
    def __init__(self, calls, events, reference):
        self.calls, self.events, self.reference = calls, events, reference
        self.handles, self.fds, self.globals, self.data = {}, {}, [], []
        self.owned = {}                    # handle variable -> the fd variable it owns
        self.nh = self.nfd = 0
        self.sent = {}                     # stream offset a handle variable sent
        self.prefix = self.dir_prefix()
        self.errors, _ = generate.error_tables()
        self.last_op = None

    def dir_prefix(self):
        """The harness's private directory, from the paths it used."""
        for f in self.events:
            for a in f[4:] if f[0] == "call" else []:
                m = re.search(r"(.*/dsfz\.[^/]+)", self.text_of(a) or "")
                if m:
                    return m.group(1)
        return None

    @staticmethod
    def text_of(arg):
        if not arg.startswith("x"):
            return None
        try:
            return bytes.fromhex(arg[1:]).decode("latin-1")
        except ValueError:
            return None

    # Arguments.

    def path(self, arg):
        if arg == "NULL":
            return "NULL"
        s = self.text_of(arg)
        if self.prefix and s.startswith(self.prefix):
            return "P(%s)" % c_string(s[len(self.prefix) + 1:].encode("latin-1"))
        return c_string(s.encode("latin-1"))

    def value(self, arg, table, kind):
        v = int(arg)
        op = self.last_op
        if v == 0 and op and "0xf9" in (hex(int(op[3])), hex(int(op[4]))):
            return "0"             # the harness's special operand "0"
        if v in table:
            return table[v]
        return SPECIAL.get(v, str(v))

    def deadline(self, arg):
        m = re.match(r"now([+-])(\d+)$", arg)
        return "now() %s %s" % (m.group(1), m.group(2)) if m else arg

    def bind(self, table, prefix, value):
        name = "%s%d" % (prefix, self.nh if prefix == "h" else self.nfd)
        if prefix == "h":
            self.nh += 1
        else:
            self.nfd += 1
        self.globals.append("static int %s;" % name)
        table[value] = name
        return name

    def sent_bytes(self, arg, handle, n, length):
        """The bytes of a send: the harnesses' stream table or pattern when
        they follow it (the recording keeps 16 KiB of a send), else the
        bytes themselves."""
        data = bytes.fromhex(arg[1:])
        name = "d%s" % n
        at = stream_offset(data)
        if at is not None:
            self.globals.append("static unsigned char %s[%d];" % (name, max(1, int(length))))
            return "stream(%s, %s, %d)" % (name, length, at)
        at = self.sent.get(handle, 0)
        for mul, hi, p in ((7, 1, at), (11, 0, 0), (7, 1, 0)):
            add = (data[0] - mul * p - hi * (p >> 8)) % 256 if data else 0
            if all(b == (mul * (p + i) + add + hi * ((p + i) >> 8)) % 256 for i, b in enumerate(data)):
                self.globals.append("static unsigned char %s[%d];" % (name, max(1, len(data))))
                return "seq(%s, %d, %d, %d, %d, %d)" % (name, len(data), mul, add, hi, p)
        self.globals.append("static unsigned char %s[] = %s;" % (name, c_string(data)))
        return name

    def iolist(self, call, items, first, last, sending):
        """Statements building the list, and the first and last to pass."""
        name = "l%d" % call.id
        parts = [i.split(":") for i in items.split(",")] if items else []
        self.globals.append("static struct iolist %s[%d], %s_copy[%d];"
                            % (name, max(1, len(parts)), name, max(1, len(parts))))
        pre, at = [], 0
        for k, (base, length, nxt, rsvd) in enumerate(parts):
            if base == "N":
                b = "NULL"
            elif sending:
                b = self.sent_bytes(base, None, "%d_%d" % (call.id, k), length)
            else:
                b = "rbuf + %d" % at
                at += int(length)
            n = "NULL" if nxt == "N" else "&%s[%s]" % (name, nxt) if nxt != "X" else "&stray"
            pre.append("%s[%d] = (struct iolist){%s, %s, %s, %s};" % (name, k, b, length, n, rsvd))
        pre.append("memcpy(%s_copy, %s, sizeof(%s));" % (name, name, name))

        def pick(x):
            return "NULL" if x == "N" else "&stray" if x == "X" else "&%s[%s]" % (name, x)
        return pre, [pick(first), pick(last)], name

    # Statements.

    def call(self, c):
        """The statements of one call and of its check (unless a promise
        made later checks it)."""
        kinds, result = CALLS[c.fn]
        if kinds == "GO":
            return self.go(c)
        if c.fn == "close" and int(c.args[0]) not in self.fds:
            return []   # an fd the harness opened for its own books (a directory)
        args, pre, post, rest = [], [], [], list(c.args)
        fn = c.fn[5:] if c.fn.startswith("dill_") else c.fn
        lst = None
        for kind in kinds.split():
            a = rest.pop(0) if rest else "0"
            if kind == "I":
                args.append(a)
            elif kind == "H":
                args.append(self.value(a, self.handles, "h"))
            elif kind == "F":
                args.append(self.value(a, self.fds, "fd"))
            elif kind == "D":
                args.append(self.deadline(a))
            elif kind == "S":
                args.append(self.path(a))
            elif kind.startswith("M:"):
                if a == "NULL":
                    args.append("NULL")
                else:
                    if "static union storage %s;" % a not in self.globals:
                        self.globals.append("static union storage %s;" % a)
                    args.append("&%s.%s" % (a, kind[2:]))
            elif kind == "BYTES":
                args.append("NULL" if a == "NULL" else
                            self.sent_bytes(a, args[0], "%d" % c.id, rest[0] if rest else "0"))
            elif kind == "RBUF":
                args.append("rbuf" if a == "B" else "NULL")
            elif kind in ("LIST", "RLIST"):
                first, last = rest.pop(0), rest.pop(0)
                p, fl, lst = self.iolist(c, a, first, last, kind == "LIST")
                pre += p
                args += fl
            elif kind == "SUN":
                length = rest.pop(0)
                args += ["sun(%s)" % self.path(a),
                         "sizeof(struct sockaddr_un)" if length == "110" else length]
        if c.fn == "fopen":
            expr = "(make_file(%s), 0)" % args[0]
        else:
            expr = "%s(%s)" % (fn, ", ".join(args))
        if result in ("P", "FP"):
            pair = "p%d" % c.id
            self.globals.append("static int %s[2];" % pair)
            expr = "%s(%s)" % (fn, ", ".join(args + [pair]))
        stmts = pre + ["CALL(%d, %s);" % (c.id, expr)]
        if c.rc is not None and c.rc >= 0:
            if result == "H":
                h = self.bind(self.handles, "h", c.rc)
                stmts.append("%s = rc[%d];" % (h, c.id))
                if kinds.startswith("F"):
                    self.owned[h] = args[0]
            elif result == "F":
                stmts.append("%s = rc[%d];" % (self.bind(self.fds, "fd", c.rc), c.id))
            elif result in ("P", "FP") and len(c.outs) >= 2:
                table, pfx = (self.handles, "h") if result == "P" else (self.fds, "fd")
                for k in (0, 1):
                    stmts.append("%s = %s[%d];" % (self.bind(table, pfx, int(c.outs[k])), pair, k))
        self.forget(c, fn, args)
        if c.fn == "dill_bsend" and c.rc == 0:
            self.sent[args[0]] = self.sent.get(args[0], 0) + int(c.args[2])
        if c.rc is None:
            return stmts + ["/* the recording ended in this call */"]
        if lst:
            post.append("list_same(%d, %s, %s_copy, sizeof(%s));" % (c.id, lst, lst, lst))
        if c.fn in ("dill_brecv", "dill_brecvl") and c.rc == 0 and c.outs and self.reference:
            sum_expr = ("fnv(2166136261u, rbuf, %s)" % args[2] if c.fn == "dill_brecv"
                        else "fnv(2166136261u, rbuf, %d)" % sum(
                            int(i.split(":")[1]) for i in c.args[1].split(",")
                            if i and i.split(":")[0] == "B"))
            post.append("bytes(%d, %s, %su);" % (c.id, sum_expr, c.outs[0]))
        if c.expect is None:
            if c.fn in SETUP:
                post.insert(0, "setup(%d, %d, %s);" % (c.id, c.rc, errname(c.err)))
            elif self.reference:
                post.insert(0, "same(%d, %d, %s, %s);" % (c.id, c.rc, errname(c.err),
                                                         "true" if result == "H" else "false"))
        return stmts + post

    def forget(self, c, fn, args):
        """Numbers a successful close frees: an fd closed, or the fd a
        handle made by ipc_fromfd owned.  A later close of the same number is
        then the harness's own business (a directory it read), not one of
        the program's fds."""
        if c.rc != 0:
            return
        if fn == "close":
            self.fds = {v: n for v, n in self.fds.items() if n != args[0]}
        elif fn in ("hclose", "ipc_close") and args[0] in self.owned:
            self.fds = {v: n for v, n in self.fds.items() if n != self.owned[args[0]]}

    def go(self, c):
        """go, go_mem, bundle_go or bundle_go_mem, as recorded (coroutine,
        bundle or -1, length of the caller's stack memory or 0)."""
        k, bndl, memlen = (c.args + ["-1", "0"])[:3]
        co, stk = "co_%s()" % k[1:], "stk_%s, sizeof(stk_%s)" % (k[1:], k[1:])
        if memlen != "0":
            self.globals.append("static char stk_%s[%s] __attribute__((aligned(16)));"
                                % (k[1:], memlen))
        if bndl != "-1":
            h = self.value(bndl, self.handles, "h")
            expr = "bundle_go_mem(%s, %s, %s)" % (h, co, stk) if memlen != "0" else \
                "bundle_go(%s, %s)" % (h, co)
            return ["CALL(%d, %s);" % (c.id, expr)]   # 0: no handle of its own
        expr = "go_mem(%s, %s)" % (co, stk) if memlen != "0" else "go(%s)" % co
        stmts = ["CALL(%d, %s);" % (c.id, expr)]
        if c.rc is not None and c.rc >= 0:
            stmts.append("%s = rc[%d];" % (self.bind(self.handles, "h", c.rc), c.id))
        return stmts

    def promise(self, f):
        """The check of a model's promise, at the point the harness judged."""
        c = f[-1] if isinstance(f[-1], Call) else None
        if c is None or c.rc is None:
            return []
        ms, mf = f[3] == "1", f[4] == "1"
        errs = [int(e) for e in f[5].split(",") if e != "0"]
        names = [errname(e) for e in errs]
        if mf and not names:      # none named: any of its page's table
            names = self.page_errors(f[1])
        return ["/* the pages: %s */" % f[2],
                "expect(%d, %s, %s, (const int[]){%s}, %d, %s);" % (
                    c.id, "true" if ms else "false", "true" if mf else "false",
                    ", ".join(names + ["0"]), c.rc, errname(c.err))]

    def page_errors(self, fn):
        key = "DC_" + fn.upper()
        return self.errors.get(key, [])

    # The program.

    def body(self):
        """main()'s statements and each coroutine's, in the order recorded."""
        bodies = {"main": []}
        for f in self.events:
            if f[0] == "op":
                self.last_op = f
                bodies["main"].append("/* op %s: %s */" % (
                    f[1], f[5].strip().replace("*/", "* /").replace("/*", "/ *")))
            elif f[0] == "call":
                c = self.calls[int(f[1])]
                if c.fn in CALLS:
                    bodies.setdefault(c.ctx, []).extend(self.call(c))
            elif f[0] == "expect":
                bodies["main"].extend(self.promise(f))
            elif f[0] == "mark":
                bodies["main"].append({"fds-before": "fds_before = count_fds();",
                                       "fds-check": "fds_check();"}.get(f[1], ""))
            elif f[0] == "finding":
                bodies["main"].append("/* the harness's finding here: %s: %s */" % (
                    f[1], f[2].replace("*/", "* /").replace("/*", "/ *")))
        return bodies


def errname(e):
    return "0" if e == 0 else NAMES.get(e, str(e))


NAMES = {getattr(__import__("errno"), n): n for n in dir(__import__("errno"))
         if n.startswith("E") and n not in ("EWOULDBLOCK", "EDEADLOCK", "EOPNOTSUPP")}


def borrowed(names):
    """The definitions of `names` in conformance/repro/standalone/, shared
    with the conformance reproducers."""
    import csource
    folder = os.path.join(ROOT, "conformance", "repro", "standalone")
    out = []
    for fn in sorted(os.listdir(folder)):
        with open(os.path.join(folder, fn)) as f:
            items, _ = csource.split(fn, f.read())
        out += [i.text().strip() for i in items if i.defines & set(names)]
    return "\n\n".join(out) + "\n"


def header(title, notes, reference):
    """The comment at the top: what the program is, how to build and run
    it, and what its exit status says."""
    lines = generate.wrap(title) + [""] + [l for n in notes for l in generate.wrap(n)] + \
        [""] + generate.wrap(
        "Each call the fuzz harness made for this input, in order, as libdill calls "
        "(coroutines where the harness ran one), each followed by its check: %s.  "
        "A failed check says which step, the call, what it did and what the pages "
        "allow." % ("the promise the harness's model made for that call where it made one, "
                    "else the outcome the reference implementation gave, which the "
                    "harness's oracle accepted" if reference else
                    "the promise the harness's model made for that call"))
    lines += [""] + generate.wrap(
        "Build and run against the installed libdill (for one under PREFIX: add -I "
        "PREFIX/include -L PREFIX/lib -Wl,-rpath,PREFIX/lib):") + [
        "    cc -o repro THIS_FILE.c -ldill && ./repro"] + generate.wrap(
        "It exits 0 when every step does what the pages allow, 1 when one does not "
        "(a crash or a hang included, within 10 s), 77 when a step took another outcome "
        "the pages allow, after which the program's calls no longer follow the target.  "
        "DS_NO_FORK=1 runs it in this process, for a debugger.") + [""] + generate.wrap(
        "Written by dillspec's fuzz/tools/to_c.py from the harness's own run of the "
        "input, recorded call by call (fuzz/tools/recorder.c).")
    text = "\n * ".join(lines).replace("*/", "* /").replace("/*", "/ *")
    return "/* " + text.replace(" * \n", " *\n") + " */"


def render(events_text, title, notes=(), reference=True):
    events = parse(events_text)
    calls = link(events)
    w = Writer(calls, events, reference)
    bodies = w.body()
    ncalls = max(calls) if calls else 1
    out = [header(title, list(notes), reference), "#define _GNU_SOURCE"]
    out += ["#include <%s>" % h for h in (
        "dirent.h", "errno.h", "fcntl.h", "limits.h", "signal.h", "stdarg.h", "stdbool.h",
        "stdint.h", "stdio.h", "stdlib.h", "string.h", "sys/mman.h", "sys/socket.h",
        "sys/stat.h", "sys/un.h", "sys/wait.h", "unistd.h", "libdill.h")]
    out += ["", "#define NCALLS %d" % ncalls,
            "#define DIR_LEN %d" % (len(w.prefix) if w.prefix else 40),
            "#define TITLE %s" % generate.c_string(title), ""]
    with open(os.path.join(HERE, "to_c_prelude.c")) as f:
        top, bottom = f.read().split("/* ---- below program() ---- */\n")
    out.append(top.rstrip() + "\n")
    out += ["/* Step n: its text, for a failure's message, then the call. */",
            "#define CALL(n, expr) (texts[n] = #expr, step(n, #expr), rc[n] = (expr), err[n] = errno)", "",
            "union storage {", "    struct ipc_storage conn;", "    struct ipc_listener_storage listener;",
            "    struct ipc_pair_storage pair;", "};",
            "HELPER unsigned char rbuf[65536];", "HELPER struct iolist stray;"]
    out += sorted(set(w.globals), key=w.globals.index) + [""]
    for ctx in sorted((k for k in bodies if k != "main"), key=lambda k: int(k[1:])):
        out.append("static coroutine void co_%s(void) {" % ctx[1:])
        out += ["    " + s for s in bodies[ctx] if s]
        out += ["}", ""]
    out.append("/* The harness warms the library up first (its poller's fd is made before "
               "the fds are counted), then runs the input. */")
    out.append("static void program(void) {")
    out += ["    " + s for s in bodies["main"] if s]
    out += ["}", "", "/* ---- the checks and the run (fuzz/tools/to_c_prelude.c) ---- */", "",
            borrowed(("cr_say", "dc_errname", "dc_dir_remove")), bottom.strip(), ""]
    return "\n".join(out)


def record(harness, preload, data_path):
    """The events of one run of `harness` on the input."""
    fd, events = tempfile.mkstemp(prefix="dsfz-record.")
    os.close(fd)
    env = dict(os.environ, LD_PRELOAD=preload, DILLSPEC_FUZZ_RECORD=events)
    # The harness finds its libdill by its RUNPATH: an LD_LIBRARY_PATH (ci/corpus
    # runs with the target's) would put the target where ref was meant.
    for k in ("DILLSPEC_FUZZ_RECORD_PID", "DILLSPEC_FUZZ_RECORD_FD", "DILLSPEC_FUZZ_KNOWN",
              "LD_LIBRARY_PATH"):
        env.pop(k, None)
    env["DILLSPEC_FUZZ_KNOWN"] = ""
    r = subprocess.run([harness, data_path], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    with open(events) as f:
        text = f.read()
    os.unlink(events)
    return text, r.returncode, r.stderr.decode("utf-8", "replace")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    opts, rest = {}, []
    while argv:
        a = argv.pop(0)
        if a in ("--harness", "--preload", "--out", "--title", "--events") and argv:
            opts[a] = argv.pop(0)
        else:
            rest.append(a)
    if "--events" in opts:
        with open(opts["--events"]) as f:
            text = f.read()
    else:
        text, code, err = record(opts["--harness"], opts["--preload"], rest[0])
        if code != 0:
            sys.stderr.write(err[-2000:])
    title = opts.get("--title", rest[0] if rest else "a fuzz input")
    c = render(text, title)
    if "--out" in opts:
        with open(opts["--out"], "w") as f:
            f.write(c)
    else:
        sys.stdout.write(c)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
