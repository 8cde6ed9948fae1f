#!/usr/bin/env python3
"""Turns a Criterion JSON report into dillspec's verdicts.

  report.py catalogue [--check]       write (or check) conformance/assertions.tsv
  report.py target JSON OUTDIR NAME [--expect FILE]
                                      reports/NAME/{assertions.tsv,matrix.md}
  report.py combine OUT DIR...        one matrix with a column per target

The catalogue is read from the tests themselves (DS_TEST/DS_TWIN carry the
page, the name and the clause) plus conformance/assertions/waivers.tsv for
rows no test can check.  conformance/assertions/spine.tsv gives each row its
`spec` (the page and line of the clause, e.g. ipc_accept.txt:39, or
ref/README#reading-N for one of ref's numbered readings) and its `ref` (the
ref/src function that implements it); `catalogue --check` fails on a row
without them, a page line or reading that does not exist, or a `ref` that
ref/src does not define.  Verdicts: PASS, FAIL, CRASH, TIMEOUT, XFAIL, XPASS,
UNRESOLVED, UNTESTED, UNDOCUMENTED-ERRNO, NOT-RUN.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)
CATALOGUE = os.path.join(SUITE, "assertions.tsv")
WAIVERS = os.path.join(SUITE, "assertions", "waivers.tsv")
SPINE = os.path.join(SUITE, "assertions", "spine.tsv")
MUTANTS = os.path.join(SUITE, "mutants", "catalogue.tsv")
MUTANT_SPINE = os.path.join(SUITE, "mutants", "spine.tsv")
ROOT = os.path.dirname(SUITE)
FUZZ_SPINE = os.path.join(ROOT, "fuzz", "spine.tsv")
# The pages are not part of the project: DILLSPEC_SPEC, or beside the checkout.
SPEC_DIR = os.path.normpath(os.environ.get("DILLSPEC_SPEC") or
                            os.path.join(ROOT, "..", "shared", "spec"))
OK = {"PASS", "XFAIL", "UNTESTED"}

MACRO = re.compile(r'DS_(TEST|TWIN)\((\w+),\s*(\w+),\s*"((?:[^"\\]|\\.)*)"\)', re.S)


def assertion_id(page, name):
    m = re.match(r"(E[A-Z0-9]+)_(.*)", name)
    if m:
        return "%s/%s/%s" % (page, m.group(1), m.group(2).replace("_", "-"))
    return "%s/%s" % (page, name.replace("_", "-"))


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def catalogue_rows():
    rows = []
    tests = os.path.join(SUITE, "tests")
    for fn in sorted(os.listdir(tests)):
        if not fn.endswith(".c"):
            continue
        with open(os.path.join(tests, fn)) as f:
            text = f.read()
        for kind, page, name, clause in MACRO.findall(text):
            pages = [page, page + "_mem"] if kind == "TWIN" else [page]
            for p in pages:
                rows.append({"id": assertion_id(p, name), "clause": clause,
                             "test": "%s::%s" % (p, name), "waiver": ""})
    for w in read_tsv(WAIVERS):
        rows.append({"id": w["id"], "clause": w["clause"], "test": "",
                     "waiver": w["waiver"]})
    ids = [r["id"] for r in rows]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit("report.py: duplicate assertion ids: %s" % ", ".join(sorted(dup)))
    return sorted(rows, key=lambda r: r["id"])


def write_tsv(path, rows, cols):
    with open(path, "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "").replace("\t", " ") for c in cols) + "\n")


def ref_functions():
    """The functions ref/src defines (a definition starts in column 0)."""
    names = set()
    src = os.path.join(ROOT, "ref", "src")
    for fn in os.listdir(src):
        if fn.endswith(".c"):
            with open(os.path.join(src, fn)) as f:
                names.update(re.findall(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\([^;]*$", f.read(), re.M))
    return names


def ref_marks():
    """The ids each ref/src function's `spine:` comment names (page/ERRNO or
    page/name), by function."""
    marks = {}
    src = os.path.join(ROOT, "ref", "src")
    for fn in os.listdir(src):
        if not fn.endswith(".c"):
            continue
        with open(os.path.join(src, fn)) as f:
            text = f.read()
        for m in re.finditer(r"/\* spine: (.*?)\*/\n(?:[^\n]*\n)*?[A-Za-z_][\w \t\*]*?\b(\w+)\([^;\n]*$",
                             text, re.S | re.M):
            marks.setdefault(m.group(2), set()).update(
                re.findall(r"[a-z_]+/[A-Za-z0-9-]+", m.group(1)))
    return marks


def readings():
    with open(os.path.join(ROOT, "ref", "README.md")) as f:
        return {int(n) for n in re.findall(r"^(\d+)\. \*\*", f.read(), re.M)}


def page_lines(page):
    sub = "" if page.endswith(".md") else "man"
    path = os.path.join(SPEC_DIR, sub, page)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def mutant_problems(ids):
    """Each mutant names the assertions that catch it, and they exist."""
    import fnmatch
    problems = []
    caught = {m["mutant"]: m["assertions"].split() for m in read_tsv(MUTANT_SPINE)}
    for m in read_tsv(MUTANTS):
        if m["id"] not in caught:
            problems.append("mutant %s: no row in conformance/mutants/spine.tsv" % m["id"])
    for mutant, pats in caught.items():
        for p in pats:
            if not fnmatch.filter(ids, p):
                problems.append("mutant %s: %s matches no assertion" % (mutant, p))
    return problems


def fuzz_problems(ids):
    """Each fuzz situation listed exists in fuzz/lib and names assertions."""
    import fnmatch
    problems, text = [], ""
    lib = os.path.join(ROOT, "fuzz", "lib")
    for fn in os.listdir(lib):
        if fn.endswith(".c"):
            with open(os.path.join(lib, fn)) as f:
                text += f.read()
    situations = set(re.findall(r'(?:MUST_SUCCEED|MUST_FAIL|EITHER|finding\(\w+,)\s*\(?"([a-z-]+)"', text))
    for row in read_tsv(FUZZ_SPINE):
        sit = row["situation"].split("/", 1)[1]
        if not fnmatch.filter(situations, sit):
            problems.append("fuzz/spine.tsv: no situation %s in fuzz/lib" % row["situation"])
        for p in row["assertions"].split():
            if not fnmatch.filter(ids, p):
                problems.append("fuzz/spine.tsv: %s: %s matches no assertion" % (row["situation"], p))
    return problems


def spine_problems(rows):
    """What is wrong with the spec/ref columns of `rows`, as messages."""
    problems, missing = [], [r["id"] for r in rows if not r["spec"] or not r["ref"]]
    if missing:
        problems.append("%d row(s) lack spec or ref in conformance/assertions/spine.tsv "
                        "(id<TAB>spec<TAB>ref): %s" % (len(missing), ", ".join(missing)))
    if not os.path.isdir(SPEC_DIR):
        # Users running the suite need not have the pages; ci/test does.
        msg = "the pages are not at %s (set DILLSPEC_SPEC): page lines not checked" % SPEC_DIR
        if os.environ.get("DILLSPEC_SPEC_REQUIRED"):
            problems.append(msg)
        else:
            print("report.py: note: " + msg, file=sys.stderr)
    funcs, nums, marks = ref_functions(), readings(), ref_marks()
    ids = {r["id"] for r in rows}
    problems += mutant_problems(ids) + fuzz_problems(ids)
    for s in read_tsv(SPINE):
        if s["id"] not in ids:
            problems.append("%s: in spine.tsv but no test or waiver has this id" % s["id"])
    for r in rows:
        spec, ref = r["spec"], r["ref"]
        if ref and ref not in funcs:
            problems.append("%s: ref %s is not a function of ref/src" % (r["id"], ref))
        elif ref and "/".join(r["id"].split("/")[:2]) not in marks.get(ref, ()):
            problems.append("%s: the spine: comment of %s in ref/src does not name %s"
                            % (r["id"], ref, "/".join(r["id"].split("/")[:2])))
        m = re.match(r"^ref/README#reading-(\d+)$", spec)
        if m:
            if int(m.group(1)) not in nums:
                problems.append("%s: ref/README has no reading %s" % (r["id"], m.group(1)))
            continue
        m = re.match(r"^([a-z_]+\.(?:txt|md)):(\d+)$", spec)
        if spec and not m:
            problems.append("%s: spec %r is neither PAGE:LINE nor ref/README#reading-N"
                            % (r["id"], spec))
        elif m:
            lines = page_lines(m.group(1))
            n = int(m.group(2))
            if lines is None and os.path.isdir(SPEC_DIR):
                problems.append("%s: no page %s under %s" % (r["id"], m.group(1), SPEC_DIR))
            elif lines is not None and ( not 0 < n <= len(lines) or not lines[n - 1].strip()):
                problems.append("%s: %s has no text at line %d" % (r["id"], m.group(1), n))
    return problems


def cmd_catalogue(args):
    rows = catalogue_rows()
    spine = {s["id"]: s for s in read_tsv(SPINE)}
    for r in rows:
        r["spec"] = spine.get(r["id"], {}).get("spec", "")
        r["ref"] = spine.get(r["id"], {}).get("ref", "")
    cols = ["id", "clause", "spec", "ref", "test", "waiver"]
    if "--check" in args:
        problems = spine_problems(rows)
        for p in problems:
            print("report.py: " + p, file=sys.stderr)
        tmp = CATALOGUE + ".new"
        write_tsv(tmp, rows, cols)
        same = open(tmp).read() == (open(CATALOGUE).read() if os.path.exists(CATALOGUE) else "")
        os.unlink(tmp)
        if not same:
            sys.exit("report.py: conformance/assertions.tsv is stale: run "
                     "conformance/report/report.py catalogue")
        if problems:
            sys.exit("report.py: the catalogue's spine is incomplete (%d problem(s))"
                     % len(problems))
        return
    write_tsv(CATALOGUE, rows, cols)
    print("%d assertions written to conformance/assertions.tsv" % len(rows))
    missing = [r["id"] for r in rows if not r["spec"] or not r["ref"]]
    if missing:
        print("%d without spec/ref (add them to conformance/assertions/spine.tsv): %s"
              % (len(missing), ", ".join(missing)))


def verdict(test):
    """Criterion's status and messages -> (verdict, evidence)."""
    msgs = test.get("messages", [])
    text = " | ".join(msgs)
    status = test.get("status")
    if status == "PASSED":
        return "PASS", ""
    if status == "SKIPPED":
        return ("UNTESTED" if "UNTESTED" in text else "UNRESOLVED"), text
    if status == "ERRORED":
        return ("TIMEOUT" if "timed out" in text else "CRASH"), text
    for tag in ("UNRESOLVED", "UNDOCUMENTED-ERRNO"):
        if tag + ":" in text:
            return tag, text
    return "FAIL", text


def criterion_results(path):
    """suite::name -> (verdict, evidence); suites lose the target's dill_ prefix
    (its raw-name macros rename them)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        data = json.loads(f.read(), strict=False)
    for suite in data.get("test_suites", []):
        page = re.sub(r"^dill_", "", suite["name"])
        for t in suite.get("tests", []):
            out["%s::%s" % (page, t["name"])] = verdict(t)
    return out


def cmd_target(args):
    json_path, outdir, name = args[:3]
    expect = {}
    if "--expect" in args:
        for r in read_tsv(args[args.index("--expect") + 1]):
            expect[r["id"]] = r
    results = criterion_results(json_path)
    rows = []
    for a in read_tsv(CATALOGUE):
        if a["waiver"]:
            status, evidence = "UNTESTED", a["waiver"]
        else:
            status, evidence = results.get(a["test"], ("NOT-RUN", "no result"))
        if a["id"] in expect:
            if status == "PASS":
                status = "XPASS"
                evidence = "expected to fail: " + expect[a["id"]]["reason"]
            elif status not in OK:
                evidence = "%s (expected: %s) %s" % (status, expect[a["id"]]["reason"], evidence)
                status = "XFAIL"
        rows.append(dict(a, status=status, evidence=evidence))
    os.makedirs(outdir, exist_ok=True)
    write_tsv(os.path.join(outdir, "assertions.tsv"), rows,
              ["id", "status", "test", "clause", "evidence"])
    write_matrix(os.path.join(outdir, "matrix.md"), [name], {name: rows})
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    bad = sum(n for s, n in counts.items() if s not in OK)
    print("%s: %s" % (name, ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items()))))
    print("%s: %d passed, %d failed" % (name, len(rows) - bad, bad))
    return 0 if bad == 0 else 1


def write_matrix(path, names, by_target):
    ids = sorted({r["id"] for rows in by_target.values() for r in rows})
    index = {n: {r["id"]: r for r in by_target[n]} for n in names}
    with open(path, "w") as f:
        f.write("# dillspec conformance\n\n")
        for n in names:
            counts = {}
            for r in by_target[n]:
                counts[r["status"]] = counts.get(r["status"], 0) + 1
            f.write("- **%s**: %s\n" % (n, ", ".join("%d %s" % (c, s) for s, c in sorted(counts.items()))))
        f.write("\nRows that are not PASS for every target come first.\n\n")
        f.write("| assertion | " + " | ".join(names) + " | clause |\n")
        f.write("|---|" + "---|" * len(names) + "---|\n")
        def key(i):
            return (all(index[n].get(i, {}).get("status") == "PASS" for n in names), i)
        for i in sorted(ids, key=key):
            clause = next((index[n][i]["clause"] for n in names if i in index[n]), "")
            cells = [index[n].get(i, {}).get("status", "-") for n in names]
            f.write("| `%s` | %s | %s |\n" % (i, " | ".join(cells), clause))


def cmd_combine(args):
    out, dirs = args[0], args[1:]
    names = [os.path.basename(d.rstrip("/")) for d in dirs]
    by_target = {n: read_tsv(os.path.join(d, "assertions.tsv")) for n, d in zip(names, dirs)}
    write_matrix(out, names, by_target)
    print("matrix of %d targets: %s" % (len(names), out))
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "catalogue":
        return cmd_catalogue(args)
    if cmd == "target" and len(args) >= 3:
        return cmd_target(args)
    if cmd == "combine" and len(args) >= 2:
        return cmd_combine(args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
