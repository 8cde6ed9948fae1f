"""What a run writes: junit.xml (red exactly when the run fails) and the
Markdown matrix, one column per target."""
import re

from common import OK, VERDICTS


def count(rows):
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts


def xml_attr(text):
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;"))


def write_junit(path, name, rows):
    """One testcase per assertion: XFAIL and UNTESTED are skipped with their
    reason, everything not OK (XPASS included) is a failure, so the file is
    red exactly when the run's exit status is non-zero.  Returns the number
    of failures."""
    bad = sum(1 for r in rows if r["status"] not in OK)
    skipped = sum(1 for r in rows if r["status"] in OK and r["status"] != "PASS")
    with open(path, "w") as f:
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


def write_matrix(path, names, by_target):
    ids = sorted({r["id"] for rows in by_target.values() for r in rows})
    index = {n: {r["id"]: r for r in by_target[n]} for n in names}
    with open(path, "w") as f:
        f.write("# dillspec conformance\n\n")
        f.write("| verdict | " + " | ".join(names) + " |\n")
        f.write("|---|" + "---|" * len(names) + "\n")
        counts = {n: count(by_target[n]) for n in names}
        for v in [v for v in VERDICTS if any(v in counts[n] for n in names)]:
            f.write("| %s | %s |\n" % (v, " | ".join(str(counts[n].get(v, 0)) for n in names)))
        f.write("\nRows whose verdicts differ between targets come first, then rows that are"
                " not PASS for every target.\n\n")
        f.write("| assertion | " + " | ".join(names) + " | clause |\n")
        f.write("|---|" + "---|" * len(names) + "---|\n")
        def cells(i):
            return [index[n].get(i, {}).get("status", "-") for n in names]
        def key(i):
            c = cells(i)
            return (len(set(c)) == 1, all(x == "PASS" for x in c), i)
        for i in sorted(ids, key=key):
            clause = next((index[n][i]["clause"] for n in names if i in index[n]), "")
            f.write("| `%s` | %s | %s |\n" % (i, " | ".join(cells(i)), clause))


