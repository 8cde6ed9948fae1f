#!/usr/bin/env python3
"""The reproducers checked (the `repro` step of ci/test):

1. every shipped expectation's reproduction column is `ci/repro ID`
   (expectations.py rewrites it);
2. every catalogue row's reproducer builds against ref installed into a
   prefix, warning-free, and gives the suite's verdict there: exit 0, or
   77 for a waived row;
3. for a sample of the faulty copies of ref (conformance/mutants/), the
   reproducers of the rows conformance/mutants/spine.tsv says catch the
   fault exit 1 against that copy;
4. every regression input of the fuzz corpus (corpus/*/regressions/) as a
   standalone program (fuzz/tools/fuzz_repro.py), recorded on ref, builds
   warning-free against ref's prefix and runs clean there.

  check.py BUILD_DIR [--mutants ID,...|all] [--rows N]

--rows N: at most N catching rows a mutant (default 2)."""
import concurrent.futures
import fnmatch
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mutants"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "fuzz", "tools"))
import expectations  # noqa: E402
import fuzz_repro  # noqa: E402
import generate  # noqa: E402
import repro  # noqa: E402
import run as mutants  # noqa: E402  (conformance/mutants/run.py)
from pool import ROOT  # noqa: E402

# Faults of each kind the suite catches, whose catching rows spine.tsv names
# exactly: a wrong errno or result, a call that hangs or crashes, a leaked fd
# or file, a broken deadline, timer or cancellation, an injected EMFILE or
# allocation failure, _mem storage, descriptor passing; and the coroutine
# core's: a wait that never expires, cancellation seen once, a stack without
# its guard or misaligned in go_mem's buffer, a registration fdclean keeps,
# an old number hown leaves valid.
SAMPLE = ["iolist-rsvd-ignored", "iolist-loop-undetected", "deadline-0-blocks", "timer-late",
          "cancel-does-not-wake", "handle-reused-at-once", "handle-wrong-type-ebadf",
          "direction-not-sticky", "close-leaks-fd", "eof-is-econnreset", "null-path-crashes",
          "accept-emfile-retried", "listen-failure-leaves-file", "pair-mem-null-storage",
          "timers-starve-while-busy", "fd-in-plain-bytes-kept", "bundle-wait-no-deadline",
          "cancel-seen-once", "stack-no-guard", "go-mem-misaligned", "fdclean-keeps-registration",
          "hown-old-number-kept"]
JOBS = int(os.environ.get("JOBS", "2"))


def say(msg):
    print("repro check: " + msg, flush=True)


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
        return list(ex.map(fn, items))


def build_and_run(row, src_dir, bin_dir, flags):
    """(exit status, verdict line) of a row's reproducer; status 2: it did
    not build."""
    src = os.path.join(src_dir, generate.safe_name(row["id"]))
    if not os.path.exists(src):
        with open(src, "w") as f:
            f.write(generate.reproducer(row))
    binary = os.path.join(bin_dir, os.path.basename(src)[:-2])
    r = subprocess.run([os.environ.get("CC", "cc"), "-Wall", "-Wextra", "-Werror", "-o", binary,
                        src] + flags, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        return 2, r.stdout.strip().split("\n")[0]
    code, output = repro.run(binary, capture=True)
    return code, repro.verdict(output)


def check_ref(build, rows):
    """Step 2; the number of failures."""
    flags = repro.link_flags(repro.ref_prefix(os.path.join(build, "ref")))
    src, bins = os.path.join(build, "src"), os.path.join(build, "ref-bin")
    for d in (src, bins):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    results = parallel(lambda r: build_and_run(r, src, bins, flags), rows)
    bad = 0
    for row, (code, line) in zip(rows, results):
        want = 77 if row.get("waiver") else 0
        if code != want:
            bad += 1
            say("%s against ref: exit %d, expected %d: %s" % (row["id"], code, want, line))
    say("%d reproducers against ref: %d as the suite says, %d not"
        % (len(rows), len(rows) - bad, bad))
    return bad


def catching_rows(mutant, cat, limit):
    pats = {m["mutant"]: m["assertions"].split() for m in generate.read_tsv(
        os.path.join(ROOT, "conformance", "mutants", "spine.tsv"))}.get(mutant, [])
    ids = sorted({i for p in pats for i in fnmatch.filter(cat, p) if not cat[i].get("waiver")})
    step = max(1, len(ids) // limit) if limit else 1
    return ids[::step][:limit] if limit else ids


def check_mutants(build, cat, names, limit):
    """Step 3; the number of failures."""
    work = os.path.join(build, "mutants")
    src_tree, tree = os.path.join(work, "src"), os.path.join(work, "build")
    shutil.rmtree(src_tree, ignore_errors=True)
    mutants.copy_tree(src_tree)
    r = mutants.sh(["cmake", "-S", src_tree, "-B", tree, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DDILLSPEC_CONFORMANCE=OFF", "-DDILLSPEC_FUZZ=OFF", "-DDILLSPEC_BENCH=OFF"])
    if r.returncode != 0:
        say("configure failed:\n" + r.stdout[-2000:])
        return 1
    faults = {m["id"]: m for m in mutants.read_catalogue()}
    src, bins = os.path.join(build, "src"), os.path.join(work, "bin")
    os.makedirs(src, exist_ok=True)
    bad = 0
    for name in names:
        m = faults.get(name)
        ids = catching_rows(name, cat, limit)
        if m is None or not ids:
            say("mutant %s: %s" % (name, "not in the catalogue" if m is None else
                                   "no catching row in spine.tsv"))
            bad += 1
            continue
        path = os.path.join(src_tree, m["file"])
        with open(path) as f:
            text = f.read()
        if text.count(m["find"]) != 1:
            say("mutant %s: its text occurs %d times in %s" % (name, text.count(m["find"]), m["file"]))
            bad += 1
            continue
        with open(path, "w") as f:
            f.write(text.replace(m["find"], m["replace"]))
        b = mutants.sh(["cmake", "--build", tree, "-j", str(JOBS), "--target", "dillref_shared"])
        with open(path, "w") as f:
            f.write(text)
        if b.returncode != 0:
            say("mutant %s does not build:\n%s" % (name, b.stdout[-1500:]))
            bad += 1
            continue
        shutil.rmtree(bins, ignore_errors=True)
        os.makedirs(bins)
        # The shared library: a weak reference (an optional function, see
        # generate.py) does not take a member out of a static archive.
        lib = os.path.join(tree, "ref")
        flags = ["-I" + os.path.join(src_tree, "ref", "include"), "-L" + lib,
                 "-Wl,-rpath," + lib, "-ldill"]
        results = parallel(lambda i: build_and_run(cat[i], src, bins, flags), ids)
        missed = [(i, c, l) for i, (c, l) in zip(ids, results) if c != 1]
        bad += bool(missed)
        say("mutant %-28s %d of %d reproducers exit 1 (%s)%s" % (
            name, len(ids) - len(missed), len(ids), ", ".join(ids),
            "".join("\n    %s: exit %d: %s" % x for x in missed)))
    return bad


def check_regressions(build):
    """Step 4; the number of failures."""
    ref = repro.ref_prefix(os.path.join(build, "ref"))
    flags = repro.link_flags(ref)
    out = os.path.join(build, "fuzz")
    inputs = sorted(os.path.join(d, f) for d in
                    __import__("glob").glob(os.path.join(ROOT, "corpus", "*", "regressions"))
                    for f in os.listdir(d))
    bad = 0
    for path in inputs:
        name = os.path.relpath(path, ROOT)
        src, _ = fuzz_repro.convert(path, fuzz_repro.harness_of(path), "ref", ref, build, out)
        binary = src[:-2]
        r = subprocess.run([os.environ.get("CC", "cc"), "-Wall", "-Wextra", "-Werror", "-o",
                            binary, src] + flags, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            bad += 1
            say("%s: its program does not build: %s" % (name, r.stdout.strip().split("\n")[0]))
            continue
        code, output = repro.run(binary, capture=True)
        if code != 0:
            bad += 1
            say("%s against ref: exit %d: %s" % (name, code, repro.verdict(output)))
    say("%d regression inputs as programs against ref: %d clean, %d not"
        % (len(inputs), len(inputs) - bad, bad))
    return bad


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    build, names, limit = os.path.abspath(argv[0]), SAMPLE, 2
    rest = argv[1:]
    while rest:
        if rest[0] == "--mutants" and len(rest) > 1:
            names = [m["id"] for m in mutants.read_catalogue()] if rest[1] == "all" \
                else rest[1].split(",")
        elif rest[0] == "--rows" and len(rest) > 1:
            limit = int(rest[1])
        else:
            sys.exit("check.py: unknown argument %s" % rest[0])
        rest = rest[2:]
    os.makedirs(build, exist_ok=True)
    start = time.time()
    bad = expectations.check()
    cat = generate.catalogue()
    bad += check_ref(build, [cat[i] for i in sorted(cat)])
    say("ref done in %d s" % (time.time() - start))
    bad += check_mutants(build, cat, names, limit)
    bad += check_regressions(build)
    say("%s in %d s" % ("passed" if not bad else "%d failure(s)" % bad, time.time() - start))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
