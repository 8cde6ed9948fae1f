#!/usr/bin/env python3
"""The reproduction column of the shipped expectations files
(conformance/expectations/*.tsv): `ci/repro ID`, the command that writes
the row's standalone program, then, after ": ", what goes wrong in short
where a row says it.  A hand-written call sequence that only said the
function was missing ("undefined reference") is dropped: the program says
so itself.  Run it after adding rows; it changes nothing twice.

  expectations.py           rewrite the files
  expectations.py --check   list the rows whose column is not so; exit 1 if any"""
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FILES = os.path.join(ROOT, "conformance", "expectations", "*.tsv")
OLD_NOTE = "reproduction: a minimal program."
NOTE = ("reproduction: ci/repro ID writes the row's standalone program "
        "(conformance/repro), then the gist.")


def command(row_id):
    return "ci/repro " + row_id


def rewritten(row_id, column):
    """The column as it should be."""
    head = command(row_id)
    if column == head or column.startswith(head + ": "):
        return column
    if not column.strip() or "undefined reference" in column:
        return head
    return "%s: %s" % (head, column.strip())


def process(path, write):
    """The rows of `path` whose column is not as it should be (rewritten
    when `write`)."""
    with open(path) as f:
        lines = f.read().split("\n")
    head, wrong = None, []
    for n, line in enumerate(lines):
        if line.startswith("#"):
            lines[n] = line.replace(OLD_NOTE, NOTE)
            continue
        if not line.strip():
            continue
        cols = line.split("\t")
        if head is None:
            head = cols
            continue
        at = head.index("reproduction")
        while len(cols) <= at:
            cols.append("")
        new = rewritten(cols[0], cols[at])
        if new != cols[at]:
            wrong.append(cols[0])
            cols[at] = new
            lines[n] = "\t".join(cols)
    if write and wrong:
        with open(path, "w") as f:
            f.write("\n".join(lines))
    return wrong


def check():
    """The number of shipped rows whose column is not `ci/repro ID...`."""
    bad = 0
    for path in sorted(glob.glob(FILES)):
        for row_id in process(path, False):
            print("expectations: %s: %s: reproduction is not `%s...` (run %s)"
                  % (os.path.relpath(path, ROOT), row_id, command(row_id),
                     os.path.relpath(__file__, ROOT)))
            bad += 1
    return bad


def main(argv):
    if "--check" in argv:
        return 1 if check() else 0
    for path in sorted(glob.glob(FILES)):
        n = len(process(path, True))
        print("%s: %d row(s) rewritten" % (os.path.relpath(path, ROOT), n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
