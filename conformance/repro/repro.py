#!/usr/bin/env python3
"""Writes the standalone reproducers of catalogue rows, and builds and runs
them against a target (ci/repro is the command; see its --help).

  repro.py [--out DIR] [--build DIR] [--target-name NAME]
           [--prefix P | --pkg-config | --ref BUILD] [--report TSV] [--no-run] ID...
  repro.py ... --all --report TSV

--prefix/--pkg-config/--ref say what to build against (--ref: ref, built
and installed under BUILD); without one the files are only written.
--all takes the rows that are not PASS in a report's assertions.tsv."""
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402
from pool import ROOT, rel  # noqa: E402

# The suite's verdicts, longest first: what the program says it found.
VERDICTS = ["FAIL (missing)", "UNTESTED (not provided)", "UNDOCUMENTED-ERRNO", "UNRESOLVED",
            "UNTESTED", "TIMEOUT", "CRASH", "FAIL", "PASS"]
MEANING = {0: "conforms", 1: "does not conform", 77: "nothing checked"}


def say(msg):
    print("repro: " + msg, flush=True)


def ref_prefix(build):
    """ref built and installed under `build`/prefix (a prefix as a packager
    makes one); the prefix."""
    prefix = os.path.join(build, "prefix")
    steps = [["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
              "-DDILLSPEC_CONFORMANCE=OFF", "-DDILLSPEC_FUZZ=OFF", "-DDILLSPEC_BENCH=OFF"],
             ["cmake", "--build", build, "-j", os.environ.get("JOBS", "2"),
              "--target", "dillref_static", "dillref_shared"],
             ["cmake", "--install", build, "--prefix", prefix]]
    for cmd in steps:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stdout[-3000:])
            sys.exit("repro: building ref failed: %s" % " ".join(cmd))
    return prefix


def link_flags(prefix=None, pkg_config=False):
    """The compiler flags that build against a target."""
    if pkg_config:
        r = subprocess.run(["pkg-config", "--cflags", "--libs", "libdill"], text=True,
                           stdout=subprocess.PIPE)
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "libdill"], text=True,
                                stdout=subprocess.PIPE).stdout.strip()
        if r.returncode != 0:
            sys.exit("repro: pkg-config finds no libdill")
        return shlex.split(r.stdout) + (["-Wl,-rpath," + libdir] if libdir else [])
    if prefix:
        lib = next((os.path.join(prefix, d) for d in ("lib", "lib64")
                    if os.path.isdir(os.path.join(prefix, d))), os.path.join(prefix, "lib"))
        return ["-I" + os.path.join(prefix, "include"), "-L" + lib, "-Wl,-rpath," + lib, "-ldill"]
    return ["-ldill"]


def write(row, out):
    path = os.path.join(out, generate.safe_name(row["id"]))
    text = generate.reproducer(row)
    with open(path, "w") as f:
        f.write(text)
    return path


def build(src, binary, flags, quiet=False):
    cmd = [os.environ.get("CC", "cc"), "-o", binary, src] + flags
    if not quiet:
        say(" ".join(shlex.quote(c) for c in cmd))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.stdout.write(r.stdout[-4000:])
    return r.returncode == 0


def run(binary, capture=False):
    """The program's exit status (its own watchdog bounds it; this is the
    last guard) and, with `capture`, what it printed."""
    try:
        r = subprocess.run([binary], timeout=60, stdout=subprocess.PIPE if capture else None,
                           stderr=subprocess.STDOUT if capture else None)
        return r.returncode, (r.stdout or b"").decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return 1, (e.stdout or b"").decode("utf-8", "replace") + "TIMEOUT: killed after 60 s\n"


def verdict(output):
    for line in output.split("\n"):
        if any(line.startswith(v) for v in VERDICTS):
            return line
    return "(no verdict printed)"


def report_rows(tsv):
    """{id: status} of a target's report."""
    return {r["id"]: r["status"] for r in generate.read_tsv(tsv)}


def parse(argv):
    opts = {"out": None, "build": None, "name": "", "prefix": None, "pkg": False, "ref": None,
            "report": None, "all": False, "run": True, "ids": []}
    flags = {"--out": "out", "--build": "build", "--target-name": "name", "--prefix": "prefix",
             "--ref": "ref", "--report": "report"}
    while argv:
        a = argv.pop(0)
        if a in flags and argv:
            opts[flags[a]] = argv.pop(0)
        elif a == "--pkg-config":
            opts["pkg"] = True
        elif a == "--all":
            opts["all"] = True
        elif a == "--no-run":
            opts["run"] = False
        elif a.startswith("-"):
            sys.exit("repro: unknown argument: %s (see --help)" % a)
        else:
            opts["ids"].append(a)
    return opts


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    o = parse(argv)
    cat = generate.catalogue()
    statuses = report_rows(o["report"]) if o["report"] and os.path.exists(o["report"]) else {}
    ids = o["ids"]
    if o["all"]:
        if not statuses:
            sys.exit("repro: --all needs a report (%s is missing)" % o["report"])
        ids += sorted(i for i, s in statuses.items() if s != "PASS" and i in cat)
        if not ids:
            say("every row of %s is PASS: nothing to reproduce" % rel(o["report"]))
            return 0
    unknown = [i for i in ids if i not in cat]
    if unknown or not ids:
        sys.exit("repro: %s" % ("no such row in conformance/assertions.tsv: " + ", ".join(unknown)
                                if unknown else "which row? (an id of conformance/assertions.tsv, "
                                "or --all)"))
    out = o["out"] or os.path.join(ROOT, "reports", "repro")
    os.makedirs(out, exist_ok=True)
    target = o["prefix"] or o["pkg"] or o["ref"]
    flags = link_flags(ref_prefix(o["ref"]) if o["ref"] else o["prefix"], o["pkg"])
    bindir = os.path.join(o["build"] or os.path.join(ROOT, "build", "repro"), o["name"] or "any")
    os.makedirs(bindir, exist_ok=True)
    results, single, built = [], len(ids) == 1, 0
    for rid in ids:
        src = write(cat[rid], out)
        if single or not target:
            say("wrote %s" % rel(src) if src.startswith(ROOT) else src)
        if not target:
            continue
        binary = os.path.join(bindir, os.path.basename(src)[:-2])
        if not build(src, binary, flags, quiet=not single):
            results.append((rid, statuses.get(rid, ""), 2, "(did not build)"))
            continue
        built += 1
        if not o["run"]:
            continue
        code, output = run(binary, capture=not single)
        results.append((rid, statuses.get(rid, ""), code, verdict(output) if output else ""))
        if single:
            say("%s on %s: exit %d (%s)" % (rid, o["name"] or "the target", code,
                                            MEANING.get(code, "did not run")))
    if not target:
        if single:
            say("build it: cc -o repro %s -ldill  (with -I/-L/-Wl,-rpath for a prefix; "
                "--target P builds and runs it)" % shlex.quote(src))
        return 0
    if not o["run"]:
        say("%d reproducer(s) built for %s, not run; %d did not build"
            % (built, o["name"] or "the target", len(results)))
        return 1 if results else 0
    return summary(results, single, o["name"])


def summary(results, single, name):
    """One line a row; the exit status: for one row the program's, for
    several 0 when each program agreed with the report (1 for a failing
    row, 77 for an untested one)."""
    if single:
        return results[0][2] if results else 0
    disagree = 0
    for rid, status, code, line in results:
        want = 77 if status.startswith("UNTESTED") else 0 if status == "PASS" else 1
        mark = "" if not status or code == want else "  <- the report says %s" % status
        disagree += bool(mark)
        print("%-52s exit %-3d %s%s" % (rid, code, line[:110], mark))
    say("%d reproducer(s) against %s; %d disagree with the report" % (len(results), name, disagree))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
