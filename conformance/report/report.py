#!/usr/bin/env python3
"""dillspec's reports: the catalogue, verdicts, expectations and matrices.

  report.py catalogue [--check]       write (or check) conformance/assertions.tsv
  report.py target JSON OUTDIR NAME [--expect FILE] [--unresolved WHY]
                                      OUTDIR/{assertions.tsv,matrix.md,junit.xml}
  report.py combine OUT DIR...        one matrix with a column per target
  report.py check-expect conformance|fuzz FILE
                                      validate an expectations file (exit 2 if bad)

One module a job: catalogue.py (the catalogue and its spine), verdicts.py
(Criterion's results), expectations.py (both kinds of expectations file),
output.py (junit.xml and the matrices); common.py is what they share.

The catalogue is read from the tests themselves (DS_TEST/DS_TWIN carry the
page, the name and the clause) plus conformance/assertions/waivers.tsv for
rows no test can check.  conformance/assertions/spine.tsv gives each row its
`spec` (the page and line of the clause, e.g. ipc_accept.txt:39, or
ref/README#reading-N for one of ref's numbered readings) and its `ref` (the
ref/src function that implements it); `catalogue --check` fails on a row
without them, a page line or reading that does not exist, or a `ref` that
ref/src does not define.  Verdicts: PASS, FAIL, FAIL (missing), CRASH, TIMEOUT,
XFAIL, XPASS, UNRESOLVED, UNTESTED, UNTESTED (not provided), UNDOCUMENTED-ERRNO,
NOT-RUN.

An expectations file (conformance/expectations/*.tsv) has the header
id<TAB>deviation<TAB>reason<TAB>reproduction; `deviation` is the verdict the
target shows, optionally followed by ": " and a text its evidence contains.
A row is XFAIL only when the target fails that way; any other result of the
row is FAIL (or XPASS when it passes), with both in the evidence.
"""

import os
import sys

from catalogue import cmd_catalogue
from common import read_tsv, write_tsv
from expectations import (BadExpectations, check_fuzz_expectations,
                          read_expectations, target_rows)
from output import count, write_junit, write_matrix
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


def cmd_target(args):
    json_path, outdir, name = args[:3]
    expect = {}
    if option(args, "--expect"):
        try:
            expect = read_expectations(option(args, "--expect"))
        except BadExpectations as e:
            print("report.py: bad expectations file: %s" % e, file=sys.stderr)
            return 2
    rows = target_rows(criterion_results(json_path), expect, option(args, "--unresolved"))
    os.makedirs(outdir, exist_ok=True)
    write_tsv(os.path.join(outdir, "assertions.tsv"), rows,
              ["id", "status", "test", "clause", "evidence"])
    with open(os.path.join(outdir, "label"), "w") as f:
        f.write(name + "\n")
    write_matrix(os.path.join(outdir, "matrix.md"), [name], {name: rows})
    bad = write_junit(os.path.join(outdir, "junit.xml"), name, rows)
    counts = count(rows)
    print("%s: %s" % (name, ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items()))))
    print("%s: %d passed, %d failed" % (name, len(rows) - bad, bad))
    return 0 if bad == 0 else 1


def cmd_combine(args):
    out, dirs = args[0], args[1:]
    names = []
    for d in dirs:
        label = os.path.join(d, "label")
        names.append(open(label).read().strip() if os.path.exists(label)
                     else os.path.basename(d.rstrip("/")))
    # Two targets with one label (two prefixes named alike): the directory,
    # which carries the library's hash, tells them apart.
    names = [os.path.basename(d.rstrip("/")) if names.count(n) > 1 else n
             for n, d in zip(names, dirs)]
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
    if cmd == "check-expect" and len(args) == 2:
        return cmd_check_expect(args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
