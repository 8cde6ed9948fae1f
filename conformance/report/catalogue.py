"""The catalogue: every assertion the tests and waivers define, with its
spine (conformance/assertions.tsv).  A row's `spec` and `quote` come from
conformance/assertions/spine.tsv, its `ref` from the `/* spine: ID */` mark
in ref/src (the function the mark is in, or just before); spine.py checks
them, and the mutants' and fuzz situations' spines against the same ids.
A row's `upstream` names the upstream bug reports it answers
(conformance/assertions/upstream.tsv)."""
import os
import re
import sys

from common import (CATALOGUE, SPEC_DIR, SPINE, SUITE, UPSTREAM, WAIVERS, read_tsv,
                    write_tsv)
from spine import (fuzz_problems, header_problem, mutant_problems, ref_of,
                   ref_problems, spec_problems, table_problems)

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


UPSTREAM_REF = re.compile(r"^[A-Za-z0-9_.-]+#[0-9]+$")


def upstream_problems(ids):
    """Each row of assertions/upstream.tsv names an assertion and upstream
    reports spelled REPO#NUMBER."""
    problems = []
    for u in read_tsv(UPSTREAM):
        if u["id"] not in ids:
            problems.append("upstream.tsv: %s: no such assertion" % u["id"])
        refs = (u.get("upstream") or "").split()
        if not refs or not all(UPSTREAM_REF.match(r) for r in refs):
            problems.append("upstream.tsv: %s: %r is not a list of REPO#NUMBER"
                            % (u["id"], u.get("upstream")))
    return problems


def spine_problems(rows):
    """What is wrong with the rows' spine (quotes, marks) and with the
    mutants' and fuzz situations' spines, as messages."""
    problems = []
    if not os.path.isdir(SPEC_DIR):
        # Users running the suite need not have the pages; ci/test does.
        msg = "the pages are not at %s (set DILLSPEC_SPEC): page quotes not checked" % SPEC_DIR
        if os.environ.get("DILLSPEC_SPEC_REQUIRED"):
            problems.append(msg)
        else:
            print("report.py: note: " + msg, file=sys.stderr)
    ids = {r["id"] for r in rows}
    header = header_problem()
    problems += [header] if header else table_problems(ids) + spec_problems(rows)
    problems += ref_problems(rows)
    return problems + mutant_problems(ids) + fuzz_problems(ids) + upstream_problems(ids)


def cmd_catalogue(args):
    rows = catalogue_rows()
    spine, refs = {s["id"]: s for s in read_tsv(SPINE)}, ref_of()
    upstream = {u["id"]: u.get("upstream", "") for u in read_tsv(UPSTREAM)}
    for r in rows:
        r["spec"] = spine.get(r["id"], {}).get("spec", "")
        r["quote"] = spine.get(r["id"], {}).get("quote", "")
        r["ref"] = refs.get(r["id"], "")
        r["upstream"] = upstream.get(r["id"], "")
    cols = ["id", "clause", "spec", "ref", "test", "waiver", "quote", "upstream"]
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
    problems = spine_problems(rows)
    if problems:
        print("%d problem(s) in the spine (report.py catalogue --check lists them)"
              % len(problems))


