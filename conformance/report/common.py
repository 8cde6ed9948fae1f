"""What every job of the report shares: where the project's tables live, how
a TSV table is read and written, the verdicts, and the fuzz harnesses."""
import os
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)
ROOT = os.path.dirname(SUITE)
CATALOGUE = os.path.join(SUITE, "assertions.tsv")
WAIVERS = os.path.join(SUITE, "assertions", "waivers.tsv")
UPSTREAM = os.path.join(SUITE, "assertions", "upstream.tsv")
SPINE = os.path.join(SUITE, "assertions", "spine.tsv")
MUTANTS = os.path.join(SUITE, "mutants", "catalogue.tsv")
MUTANT_SPINE = os.path.join(SUITE, "mutants", "spine.tsv")
FUZZ_SPINE = os.path.join(ROOT, "fuzz", "spine.tsv")
# The pages are not part of the project: DILLSPEC_SPEC, or beside the checkout.
SPEC_DIR = os.path.normpath(os.environ.get("DILLSPEC_SPEC") or
                            os.path.join(ROOT, "..", "shared", "spec"))
OK = {"PASS", "XFAIL", "UNTESTED", "UNTESTED (not provided)"}
# Every verdict a row can have; the longer names first, for parsing.
VERDICTS = ["FAIL (missing)", "UNTESTED (not provided)", "UNDOCUMENTED-ERRNO",
            "UNRESOLVED", "UNTESTED", "NOT-RUN", "TIMEOUT", "CRASH", "XFAIL",
            "XPASS", "PASS", "FAIL"]


def harnesses():
    """The fuzz harnesses (fuzz/harness/*.c), and `trace`, the name the
    differential harness's second target reports its findings under
    (fuzz/tools/trace_main.c)."""
    names = [f[:-2] for f in os.listdir(os.path.join(ROOT, "fuzz", "harness"))
             if f.endswith(".c")]
    return sorted(names) + ["trace"]


# How any text is shown in one line of a table: a backslash as \\, tab \t,
# newline \n, carriage return \r, another control character or a byte
# that is not UTF-8 (a surrogate escape) as \xNN, and the code points that
# XML cannot take or that would be invisible or break or reorder the line
# around them (C1 controls, format and bidirectional controls, line
# separators, private use, non-characters) as \uNNNN or \UNNNNNNNN.
# unprintable() undoes it exactly.
NAMED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
UNNAMED = {v[1]: k for k, v in NAMED.items()}
NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x5b\x5d-\x7e]")
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
ESCAPED = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)", re.S)


def escape_char(m):
    c = m.group(0)
    o = ord(c)
    if c in NAMED:
        return NAMED[c]
    if 0xdc80 <= o <= 0xdcff:
        return "\\x%02x" % (o - 0xdc00)
    if o < 0x80:
        return "\\x%02x" % o
    if unicodedata.category(c) in HIDDEN or (o & 0xfffe) == 0xfffe:
        return "\\u%04x" % o if o <= 0xffff else "\\U%08x" % o
    return c


def printable(text):
    """`text` (str, maybe with surrogate escapes) as one printable line."""
    return NOT_PLAIN_ASCII.sub(escape_char, text)


def unprintable(line):
    """printable()'s inverse."""
    def one(m):
        e = m.group(1)
        if len(e) == 3 and e[0] == "x":
            n = int(e[1:], 16)
            return chr(n if n < 0x80 else 0xdc00 + n)
        if len(e) in (5, 9) and e[0] in "uU":
            return chr(int(e[1:], 16))
        return UNNAMED.get(e, "\\" + e)
    return ESCAPED.sub(one, line)


def read_tsv(path):
    """A table with a header line; fields in printable() form are undone,
    lines that are blank or start with # skipped."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    if not lines:
        return []
    head = lines[0].split("\t")
    return [dict(zip(head, [unprintable(c) for c in l.split("\t")])) for l in lines[1:]]


def write_tsv(path, rows, cols):
    """Every field in printable() form: one line a row, whatever it holds."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(printable(r.get(c, "")) for c in cols) + "\n")


def repro_name(row_id):
    """The file name of a row's standalone reproducer in reports/repro/
    (ci/repro; conformance/repro/generate.py names it)."""
    import sys
    here = os.path.join(os.path.dirname(HERE), "repro")
    if here not in sys.path:
        sys.path.insert(0, here)
    from generate import safe_name
    return safe_name(row_id)
