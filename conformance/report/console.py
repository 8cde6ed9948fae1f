"""What a run prints: after the counts, the rows a user must look at (each
an id, a verdict and the evidence on one line, the first N of them, then
where the rest are), and the report's directory.  With several targets,
the rows whose verdicts differ between them."""
import os

from common import OK, printable
from output import cell, differs, matrix_rows, nothing_checked

# How many rows a list shows before "and K more"; DILLSPEC_CONSOLE_ROWS
# changes it.
def limit():
    try:
        return max(1, int(os.environ.get("DILLSPEC_CONSOLE_ROWS", "")))
    except ValueError:
        return 20


WIDTH = 160


def one_line(text, width=WIDTH):
    """Any text as one printable line of at most `width` characters."""
    t = printable(text)
    return t if len(t) <= width else t[:width - 3] + "..."


def listing(title, lines, more_in):
    """A titled list: its first limit() lines, then how many more and where."""
    if not lines:
        return []
    n = limit()
    out = ["%s (%d):" % (title, len(lines))] + ["  " + l for l in lines[:n]]
    if len(lines) > n:
        out.append("  and %d more: see %s" % (len(lines) - n, more_in))
    return out


def target_summary(name, rows, outdir):
    """The lines printed for one target after its counts."""
    tsv = os.path.join(outdir, "assertions.tsv")
    bad = ["%s  %s  %s" % (r["id"], r["status"], one_line(r["evidence"]))
           for r in rows if r["status"] not in OK]
    empty = ["%s  %s" % (r["id"], one_line(r["evidence"])) for r in rows if nothing_checked(r)]
    name, tsv = printable(name), printable(tsv)
    out = listing("%s: rows that fail" % name, bad, tsv)
    out += listing("%s: rows where the test found nothing to check on this target "
                   "(UNTESTED, not a waiver: ref checks them)" % name, empty, tsv)
    return out + ["%s: report: %s" % (name, printable(outdir))]


def combined_summary(names, by_target, matrix, page):
    """The lines printed after a run of several targets: the rows that
    differ, those failing somewhere first, then those flagged UNTESTED (!)."""
    diff = []
    ref = names.index("ref") if "ref" in names else None
    for i, _, rows in matrix_rows(names, by_target):
        statuses = [r["status"] if r else "-" for r in rows]
        if differs(statuses):
            shown = [cell(r, rows[ref] if ref is not None else None) for r in rows]
            rank = (all(s in OK for s in statuses), not any("(!)" in s for s in shown))
            diff.append((rank, "%s  %s" % (i, ", ".join("%s %s" % (printable(n), s)
                                                        for n, s in zip(names, shown)))))
    diff = [line for _, line in sorted(diff, key=lambda d: d[0])]
    out = listing("rows whose verdicts differ between the %d targets" % len(names), diff,
                  printable(matrix)) if len(names) > 1 else []
    return out + ["%s: %s%s" % ("side by side" if len(names) > 1 else "all targets", printable(matrix),
                                "" if page is None else ", " + printable(page))]
