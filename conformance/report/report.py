#!/usr/bin/env python3
"""dillspec's reports: the catalogue, verdicts, expectations and matrices.

  report.py catalogue [--check]       write (or check) conformance/assertions.tsv
  report.py target JSON OUTDIR NAME [--record FILE] [--expect FILE] [--unresolved WHY]
                                      OUTDIR/{assertions.tsv,matrix.md,junit.xml}
                                      from the run's verdict record (default
                                      verdicts.record beside JSON) and JSON
  report.py combine OUT DIR...        one matrix with a column per target (OUT, a
                                      .md file) and index.html beside it
  report.py findings FILE [ROOT]      the fuzz findings ci/corpus or ci/fuzz noted
                                      in FILE, each with a command that replays it
  report.py readme DIR... | --check    README's release matrix from a run's reports,
                                      or checked against the shipped expectations
  report.py check-expect conformance|fuzz FILE
                                      validate an expectations file (exit 2 if bad)

One module a job: catalogue.py (the catalogue), spine.py (its checks: each
row's quote at the page line it cites, each row's mark in ref/src, the
mutants' and fuzz situations' spines), results.py (reading what the
Criterion runner wrote: the suite's verdict record and criterion.json),
verdicts.py (a test's verdict), expectations.py (both kinds of expectations
file), output.py (junit.xml and the matrices), htmlpage.py (index.html),
console.py (what a run prints), findings.py (fuzz findings on the console),
readme.py (README's release matrix); common.py is what they share.

The catalogue is read from the tests themselves (DS_TEST/DS_TWIN carry the
page, the name and the clause) plus conformance/assertions/waivers.tsv for
rows no test can check.  conformance/assertions/spine.tsv gives each row its
`spec` (the page and line where the clause starts, e.g. bsendl.txt:42, or
ref/README#reading-N for one of ref's numbered readings) and its `quote` (the
clause's words, which must start on that line); its `ref` is the ref/src
function that holds the row's `/* spine: ID */` mark.  The format is
described at the head of spine.tsv; `catalogue --check` fails on any row that
breaks it, saying what to change.

Verdicts: PASS, FAIL, FAIL (missing), CRASH, TIMEOUT, XFAIL, XPASS, UNRESOLVED,
UNTESTED, UNTESTED (not provided), UNDOCUMENTED-ERRNO, NOT-RUN.

An expectations file (conformance/expectations/*.tsv) has the header
id<TAB>deviation<TAB>reason<TAB>reproduction; `deviation` is the verdict the
target shows, optionally followed by ": " and a text its evidence contains.
A row is XFAIL only when the target fails that way; any other result of the
row is FAIL (or XPASS when it passes), with both in the evidence.
"""

import os
import re
import sys

from catalogue import cmd_catalogue
from common import CATALOGUE, printable, read_tsv, write_tsv
from console import combined_summary, target_summary
from expectations import (BadExpectations, check_fuzz_expectations,
                          read_expectations, target_rows)
from findings import summary as findings_summary
from htmlpage import write_page
from output import count, write_junit, write_matrix
from readme import cmd_readme
from verdicts import criterion_results


def cmd_check_expect(args):
    kind, path = args[0], args[1]
    try:
        if kind == "conformance":
            read_expectations(path)
        elif kind == "fuzz":
            check_fuzz_expectations(path)
        else:
            sys.exit(__doc__)
    except BadExpectations as e:
        print("report.py: bad expectations file: %s" % e, file=sys.stderr)
        return 2
    return 0


def option(args, name):
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None


def reading_failed(name, outdir, problems):
    """The one line a run prints when its results could not all be read;
    every problem goes to OUTDIR/results-problems.txt."""
    path = os.path.join(outdir, "results-problems.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(printable(p) + "\n" for p in problems))
    more = " (and %d more)" % (len(problems) - 1) if len(problems) > 1 else ""
    print("%s: reading the results failed: %s%s; every verdict read is in the report; see %s"
          % (printable(name), printable(problems[0]), more, printable(path)), file=sys.stderr)


def cmd_target(args):
    json_path, outdir, name = args[:3]
    record = option(args, "--record") or os.path.join(os.path.dirname(json_path), "verdicts.record")
    expect = {}
    if option(args, "--expect"):
        try:
            expect = read_expectations(option(args, "--expect"))
        except BadExpectations as e:
            print("report.py: bad expectations file: %s" % e, file=sys.stderr)
            return 2
    problems = []
    if option(args, "--unresolved") is None:
        try:
            results, problems = criterion_results(record, json_path)
        except Exception as e:      # the report is still written, from nothing
            results, problems = {}, ["%s: %s" % (type(e).__name__, e)]
    else:
        results = {}
    rows = target_rows(results, expect, option(args, "--unresolved"))
    os.makedirs(outdir, exist_ok=True)
    write_tsv(os.path.join(outdir, "assertions.tsv"), rows,
              ["id", "status", "test", "clause", "evidence", "expected", "reason"])
    with open(os.path.join(outdir, "label"), "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(name + "\n")
    with open(os.path.join(outdir, "expectations"), "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(re.sub(r"\.tsv$", "", os.path.basename(option(args, "--expect") or "")) + "\n")
    write_matrix(os.path.join(outdir, "matrix.md"), [name], {name: rows})
    bad = write_junit(os.path.join(outdir, "junit.xml"), name, rows)
    counts = count(rows)
    print("%s: %s" % (printable(name), ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items()))))
    print("\n".join(target_summary(name, rows, outdir)))
    if problems:
        reading_failed(name, outdir, problems)
    print("%s: %d passed, %d failed" % (printable(name), len(rows) - bad, bad))
    return 0 if bad == 0 and not problems else 1


def cmd_combine(args):
    out, dirs = args[0], args[1:]
    names = []
    for d in dirs:
        label = os.path.join(d, "label")
        if os.path.exists(label):
            with open(label, encoding="utf-8", errors="surrogateescape") as f:
                names.append(f.read().strip())
        else:
            names.append(os.path.basename(d.rstrip("/")))
    # Two targets with one label (two prefixes named alike): the directory,
    # which carries the library's hash, tells them apart.
    names = [os.path.basename(d.rstrip("/")) if names.count(n) > 1 else n
             for n, d in zip(names, dirs)]
    waivers = {a["id"]: a["waiver"] for a in read_tsv(CATALOGUE)}
    by_target = {n: [dict(r, waiver=waivers.get(r["id"], "")) for r in
                     read_tsv(os.path.join(d, "assertions.tsv"))]
                 for n, d in zip(names, dirs)}
    write_matrix(out, names, by_target)
    page = os.path.join(os.path.dirname(os.path.abspath(out)), "index.html")
    about = {}
    for n, d in zip(names, dirs):
        exp = os.path.join(d, "expectations")
        with open(exp, encoding="utf-8", errors="surrogateescape") if os.path.exists(exp) \
                else open(os.devnull) as f:
            about[n] = (os.path.basename(d.rstrip("/")), f.read().strip())
    write_page(page, names, by_target, about)
    print("\n".join(combined_summary(names, by_target, out, page)))
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
    if cmd == "readme":
        return cmd_readme(args)
    if cmd == "findings" and len(args) in (1, 2):
        print("\n".join(findings_summary(*args)))
        return 0
    if cmd == "check-expect" and len(args) == 2:
        return cmd_check_expect(args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
