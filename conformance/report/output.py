"""What a run writes: junit.xml (red exactly when the run fails) and the
Markdown matrix, one column per target.  Evidence is any text a test or
its target printed: each format gets it as common.printable() shows it,
escaped for that format."""
import re

from common import OK, VERDICTS, printable


def count(rows):
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts


def xml_attr(text):
    """Any text as an XML attribute value (printable() leaves no character
    XML 1.0 forbids)."""
    return (printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# What Markdown (CommonMark and GitHub's tables) would read as markup;
# each is shown as itself once a backslash precedes it.
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~$])")


def md(text):
    """Any text as Markdown inline text that renders as printable(text)."""
    return MD_SPECIAL.sub(r"\\\1", printable(text))


def nothing_checked(row):
    """A test that ran and found nothing to check (UNTESTED from the test
    itself, not a waiver of the catalogue)."""
    return row["status"] == "UNTESTED" and not row.get("waiver")


def write_junit(path, name, rows):
    """One testcase per assertion: XFAIL and UNTESTED are skipped with their
    reason, everything not OK (XPASS included) is a failure, so the file is
    red exactly when the run's exit status is non-zero.  Returns the number
    of failures."""
    bad = sum(1 for r in rows if r["status"] not in OK)
    skipped = sum(1 for r in rows if r["status"] in OK and r["status"] != "PASS")
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write('<testsuites name="dillspec conformance" tests="%d" failures="%d" errors="0" skipped="%d">\n'
                % (len(rows), bad, skipped))
        f.write('  <testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="%d">\n'
                % (xml_attr(name), len(rows), bad, skipped))
        for r in rows:
            page = r["id"].split("/")[0]
            f.write('    <testcase classname="%s" name="%s"' % (xml_attr(page), xml_attr(r["id"])))
            why = xml_attr("%s: %s" % (r["status"], r["evidence"]) if r["evidence"] else r["status"])
            if r["status"] == "PASS":
                f.write("/>\n")
            elif r["status"] in OK:
                f.write('>\n      <skipped message="%s"/>\n    </testcase>\n' % why)
            else:
                f.write('>\n      <failure type="%s" message="%s"/>\n    </testcase>\n'
                        % (xml_attr(r["status"]), why))
        f.write("  </testsuite>\n</testsuites>\n")
    return bad


def cell(row, ref_row):
    """A row's verdict on one target, flagged when the test found nothing
    to check there (and ref, when it is in the run, checked it)."""
    if row is None:
        return "-"
    if nothing_checked(row) and (ref_row is None or ref_row["status"] == "PASS"):
        return "UNTESTED (!)"
    return row["status"]


def differs(cells):
    return len(set(cells)) > 1


def matrix_rows(names, by_target):
    """(id, clause, [row or None per target]) for every assertion: rows whose
    verdicts differ between targets first, then rows not PASS everywhere,
    then the rest, each group by id."""
    index = {n: {r["id"]: r for r in by_target[n]} for n in names}
    ids = sorted({r["id"] for rows in by_target.values() for r in rows})
    out = []
    for i in ids:
        rows = [index[n].get(i) for n in names]
        clause = next((r["clause"] for r in rows if r), "")
        out.append((i, clause, rows))
    def key(item):
        statuses = [r["status"] if r else "-" for r in item[2]]
        return (not differs(statuses), all(s == "PASS" for s in statuses), item[0])
    return sorted(out, key=key)


def write_matrix(path, names, by_target):
    ref = "ref" if "ref" in names else None
    with open(path, "w", encoding="utf-8") as f:
        f.write("# dillspec conformance\n\n")
        f.write("| verdict | " + " | ".join(md(n) for n in names) + " |\n")
        f.write("|---|" + "---|" * len(names) + "\n")
        counts = {n: count(by_target[n]) for n in names}
        for v in [v for v in VERDICTS if any(v in counts[n] for n in names)]:
            f.write("| %s | %s |\n" % (v, " | ".join(str(counts[n].get(v, 0)) for n in names)))
        f.write("\nRows whose verdicts differ between targets come first, then rows that are"
                " not PASS for every target.  UNTESTED (!): the test ran and found nothing to"
                " check on that target%s.\n\n" % (" while ref checked it (PASS)" if ref else ""))
        f.write("| assertion | " + " | ".join(md(n) for n in names) + " | clause |\n")
        f.write("|---|" + "---|" * len(names) + "---|\n")
        rows = matrix_rows(names, by_target)
        for i, clause, cells in rows:
            ref_row = cells[names.index(ref)] if ref else None
            f.write("| `%s` | %s | %s |\n" % (i, " | ".join(cell(r, ref_row) for r in cells), md(clause)))
        f.write("\n## Evidence\n\nEvery verdict that is not PASS, with what the test reported"
                " (control characters and bytes that are not UTF-8 shown as \\\\xNN).\n\n")
        for i, _, cells in rows:
            for n, r in zip(names, cells):
                if r and r["status"] != "PASS":
                    f.write("- `%s` on %s: %s%s\n" % (i, md(n), r["status"],
                                                      ": " + md(r["evidence"]) if r["evidence"] else ""))
