"""The catalogue and its spine: every assertion the tests and waivers define
(conformance/assertions.tsv), and the checks that tie each to the page line
it cites and the ref/src function that implements it; the mutants' and the
fuzz situations' spines are checked against the same ids."""
import os
import re
import sys

from common import (CATALOGUE, FUZZ_SPINE, MUTANT_SPINE, MUTANTS, ROOT, SPEC_DIR,
                    SPINE, SUITE, WAIVERS, read_tsv, write_tsv)

MACRO = re.compile(r'DS_(TEST|TWIN)\((\w+),\s*(\w+),\s*"((?:[^"\\]|\\.)*)"\)', re.S)


def assertion_id(page, name):
    m = re.match(r"(E[A-Z0-9]+)_(.*)", name)
    if m:
        return "%s/%s/%s" % (page, m.group(1), m.group(2).replace("_", "-"))
    return "%s/%s" % (page, name.replace("_", "-"))


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


