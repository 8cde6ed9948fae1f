#!/usr/bin/env python3
"""Applies each fault of catalogue.tsv to a copy of ref, runs the conformance
suite on it, and reports which assertions caught it.  Every fault must be
caught, and by one of the assertions spine.tsv names for it: a fault that
survives means the suite cannot see that mistake; one caught only elsewhere
means the spine claims what the suite does not show.

  run.py BUILD_DIR REPORT_DIR [--only ID,...]
  run.py --make ID SRC_DIR     a copy of the tree with one fault applied, to
                               build a faulty ref elsewhere (ci/test-targets)
"""
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "conformance", "report"))
from common import CATALOGUE as ASSERTIONS, MUTANT_SPINE, MUTANTS as CATALOGUE, read_tsv  # noqa: E402
from results import read_results  # noqa: E402  (the report's own reader)

OK = ("PASSED", "SKIPPED")


def read_catalogue():
    with open(CATALOGUE) as f:
        head, *rows = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    out = []
    for r in rows:
        m = dict(zip(head, r))
        m["find"] = m["find"].replace("\\n", "\n")
        m["replace"] = m["replace"].replace("\\n", "\n")
        out.append(m)
    return out


def spine():
    """mutant -> the fnmatch patterns of the assertion ids that must catch it."""
    return {r["mutant"]: r["assertions"].split() for r in read_tsv(MUTANT_SPINE)}


def ids_of(tests):
    """The assertion ids of failed tests (page::name, as caught_by gives them);
    a failure that is no test (the runner died) keeps its description."""
    by_test = {a["test"]: a["id"] for a in read_tsv(ASSERTIONS) if a["test"]}
    return [by_test.get(t, t) for t in tests]


def verdict(failed, patterns):
    """CAUGHT when an assertion the spine names failed; OFF-SPINE when only
    others did; SURVIVED when none did.  With the detail to show."""
    ids = ids_of(failed)
    if not ids:
        return "SURVIVED", "no assertion failed"
    named = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]
    shown = ", ".join((named or ids)[:6]) + (" (+%d)" % (len(ids) - 6) if len(ids) > 6 else "")
    if named:
        return "CAUGHT", shown
    return "OFF-SPINE", ("caught by %s, none of %s (conformance/mutants/spine.tsv): fix the "
                         "spine row or the suite" % (shown, " ".join(patterns) or "nothing"))


def sh(cmd, cwd=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, timeout=timeout, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def copy_tree(dst):
    files = sh(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT).stdout.split()
    for f in files:
        if f.startswith(("ref/", "contract/", "conformance/", "cmake/")) or f == "CMakeLists.txt":
            os.makedirs(os.path.join(dst, os.path.dirname(f)), exist_ok=True)
            # A fresh mtime: a copy older than the objects of an interrupted
            # run would otherwise keep that run's mutant built in.
            shutil.copy(os.path.join(ROOT, f), os.path.join(dst, f))


def apply(src, m):
    """Applies mutant m to the copy in src; the text it replaced, or None
    when its find text does not occur exactly once."""
    path = os.path.join(src, m["file"])
    text = open(path).read()
    if text.count(m["find"]) != 1:
        return None
    with open(path, "w") as f:
        f.write(text.replace(m["find"], m["replace"]))
    return text


def make(ident, src):
    found = [m for m in read_catalogue() if m["id"] == ident]
    if not found:
        sys.exit("mutants: no such mutant in catalogue.tsv: %s" % ident)
    shutil.rmtree(src, ignore_errors=True)
    copy_tree(src)
    if apply(src, found[0]) is None:
        sys.exit("mutants: %s: its text to replace does not occur exactly once in %s"
                 % (ident, found[0]["file"]))
    return 0


def jobs(build):
    """Tests at once, as ci/conformance decides (suite_jobs): 2, or 32 when
    the wait probe finds that the mutant's waits hang (idle-sleeps-forever),
    so that the hanging tests sleep side by side instead of one after
    another past the run's limit."""
    probe = os.path.join(build, "dillspec", "dillspec-waits")
    try:
        rc = subprocess.run([probe], timeout=10, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
    except subprocess.TimeoutExpired:
        return 32
    return 32 if rc == -14 else 2   # -14: its own alarm (SIGALRM) ended it


def caught_by(build, json_path):
    """Failing tests of one suite run, or None if the build failed.  The
    results are read as ci/conformance reads them: the suite's verdict
    record, checked against criterion.json, whatever the messages hold."""
    b = sh(["cmake", "--build", build, "--target", "dillspec-conformance", "dillspec-waits", "-j2"])
    if b.returncode != 0:
        return None, b.stdout[-2000:]
    exe = os.path.join(build, "conformance", "dillspec-conformance")
    record = json_path[:-len(".json")] + ".record"
    # The tests' directories go under one of the run's own, removed after
    # it whatever a test died of (ci/conformance's run_tmpdir).
    with tempfile.TemporaryDirectory(prefix="dsr.", dir="/tmp") as tmp:
        try:
            subprocess.run([exe, "-j%d" % jobs(build), "--json=" + json_path], timeout=600,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, DILLSPEC_RECORD=record, TMPDIR=tmp))
        except subprocess.TimeoutExpired:
            return ["(the whole run timed out)"], ""
    outcomes, problems = read_results(record, json_path)
    if not outcomes:
        return ["(no results: %s)" % "; ".join(problems)], ""
    failed = sorted(t for t, o in outcomes.items() if o.status not in OK)
    if problems and not failed:
        failed = ["(results not fully read: %s)" % problems[0]]
    return failed, ""


def parse_args(argv):
    """BUILD_DIR REPORT_DIR [--only ID,...]; anything else is an error (a
    mistyped option must not start the whole run)."""
    if any(a in ("-h", "--help") for a in argv) or len(argv) < 2:
        sys.exit(__doc__)
    work, reports, rest, only = argv[0], argv[1], argv[2:], None
    while rest:
        if rest[0] == "--only" and len(rest) >= 2:
            only = set(i for i in rest[1].split(",") if i)
            rest = rest[2:]
        else:
            sys.exit("mutants: unknown argument: %s (see --help)" % rest[0])
    return os.path.abspath(work), os.path.abspath(reports), only


def main():
    if sys.argv[1:2] == ["--make"] and len(sys.argv) == 4:
        return make(sys.argv[2], os.path.abspath(sys.argv[3]))
    work, reports, only = parse_args(sys.argv[1:])
    catalogue, caught_by_spine = read_catalogue(), spine()
    unknown = sorted(only - {m["id"] for m in catalogue}) if only else []
    if unknown:
        sys.exit("mutants: no such mutant in catalogue.tsv: %s" % ", ".join(unknown))
    src, build = os.path.join(work, "src"), os.path.join(work, "build")
    shutil.rmtree(src, ignore_errors=True)
    copy_tree(src)
    cfg = sh(["cmake", "-S", src, "-B", build, "-DDILLSPEC_FUZZ=OFF", "-DDILLSPEC_BENCH=OFF",
              "-DCMAKE_BUILD_TYPE=RelWithDebInfo"])
    if cfg.returncode != 0:
        sys.exit("mutants: configure failed\n" + cfg.stdout[-2000:])
    os.makedirs(reports, exist_ok=True)
    base, err = caught_by(build, os.path.join(work, "baseline.json"))
    if base is None or base:
        sys.exit("mutants: the unmutated suite does not pass: %s%s" % (base, err))
    results, survived = [], 0
    for m in catalogue:
        if only and m["id"] not in only:
            continue
        path = os.path.join(src, m["file"])
        text = apply(src, m)
        if text is None:
            count = open(path).read().count(m["find"])
            results.append((m, "NOT-APPLIED", "the text to replace occurs %d times" % count))
            survived += 1
            continue
        failed, err = caught_by(build, os.path.join(work, m["id"] + ".json"))
        with open(path, "w") as f:
            f.write(text)
        if failed is None:
            results.append((m, "NO-BUILD", err.replace("\n", " ")[:200]))
            survived += 1
        else:
            results.append((m,) + verdict(failed, caught_by_spine.get(m["id"], [])))
            survived += results[-1][1] != "CAUGHT"
        status, detail = results[-1][1:]
        print("%-28s %s" % (m["id"], status if status == "CAUGHT" else status + ": " + detail),
              flush=True)
    sh(["cmake", "--build", build, "--target", "dillspec-conformance"])
    with open(os.path.join(reports, "mutants.tsv"), "w") as f:
        f.write("id\tstatus\tfault\tcaught by\n")
        for m, status, detail in results:
            f.write("%s\t%s\t%s\t%s\n" % (m["id"], status, m["fault"], detail))
    print("mutants: %d caught by their spine's assertions, %d not" % (len(results) - survived, survived))
    print("mutants: %d passed, %d failed" % (len(results) - survived, survived))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
