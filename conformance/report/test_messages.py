#!/usr/bin/env python3
"""Messages with every kind of byte, from real failing checks, reach every
report intact.

    python3 conformance/report/test_messages.py     (ci/test runs it)

test_messages.c, a Criterion program built here with the suite's verdict
record (support/record.c), fails a check in each test with a text from its
"target": quotes, backslashes, tabs, newlines, control bytes, bytes that are
not UTF-8, markup, a long text.  `report.py target` reads what the runner
wrote, as ci/conformance does; each row's evidence must hold the text
exactly (assertions.tsv), as common.printable() shows it and escaped for the
format in junit.xml (which must parse), matrix.md and index.html, and on
the console.  When the record is missing or damaged, or nothing came back,
the run says so in one line, exits 1 and still writes every verdict."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "report.py")
sys.path.insert(0, HERE)
from common import printable, read_tsv  # noqa: E402
from output import md  # noqa: E402

MARKUP = (b"a | b || c <script>alert(1)</script> &amp; &lt; ]]> <!-- x --> `code` *em* _u_ "
          b"[link](http://x) ~~s~~ $x$ # h \\| end")
# Test name -> (the bytes its "target" says, the row's verdict).
TEXTS = {
    "inbound_still_works": (b'"ECONNRESET" from "ipc_done": "both directions", \'single\'', "UNRESOLVED"),
    "EPIPE_twice": (b"C:\\path\\to\\sock \\\\ \\n \\x41 \\u0041 \\t trailing\\", "FAIL"),
    "EPIPE_bsend_after": (b"col1\tcol2\nline two\r\nline three\n\nafter a blank line\n", "FAIL"),
    "ECANCELED_after": (b"\x01\x02\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f end", "FAIL"),
    "deadline_0_does_not_block": (b"strerror: \xff\xfe \xc3\x28 \xe2\x82 \xed\xa0\x80 caf\xe9",
                                  "UNDOCUMENTED-ERRNO"),
    "peer_reads_data_then_EPIPE": (MARKUP, "FAIL"),
    "ENOTSUP_listener": ("caf\u00e9 \u2014 \u65e5\u672c \u2028 \u0085 \ufffe \u202e".encode(), "FAIL"),
    "EBADF_closed_handle": (b"\"\\\t\n\r\x01\xff<&>|" * 700, "FAIL"),
    "ENOTSUP_bundle": (b'"nothing" to check:\n\ttab \xff\\', "UNTESTED"),
    "ENOTSUP_coroutine": (b'"crashed"\tafter\n\xfe', "CRASH"),
    "EBADF_minus_one": (b"ok", "PASS"),
}


def row_id(name):
    m = re.match(r"(E[A-Z0-9]+)_(.*)", name)
    return "ipc_done/" + ("%s/%s" % (m.group(1), m.group(2).replace("_", "-")) if m
                          else name.replace("_", "-"))


def text(raw):
    return raw.decode("utf-8", "surrogateescape")


def build(directory):
    """test_messages.c with the suite's record hook, built in `directory`."""
    exe = os.path.join(directory, "messages")
    subprocess.run(["cc", "-std=gnu11", "-o", exe, os.path.join(HERE, "test_messages.c"),
                    os.path.join(HERE, "..", "support", "record.c"), "-lcriterion"], check=True)
    return exe


class Messages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="dsmsg.")
        cls.exe = build(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)
        self.json = os.path.join(self.dir, "criterion.json")
        self.record = os.path.join(self.dir, "verdicts.record")
        env = dict(os.environ, DILLSPEC_RECORD=self.record)
        env.update({"DS_TEXT_" + n: t.hex() for n, (t, _) in TEXTS.items()})
        subprocess.run([self.exe, "-j2", "--json=" + self.json], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def report(self):
        out = os.path.join(self.dir, "out")
        p = subprocess.run([REPORT, "target", self.json, out, "t"], capture_output=True,
                           env=dict(os.environ, DILLSPEC_CONSOLE_ROWS="1000"))
        rows = {r["id"]: r for r in read_tsv(os.path.join(out, "assertions.tsv"))}
        return p, out, rows

    def assertIntact(self, p, out, rows):
        self.assertNotIn(b"Traceback", p.stderr)
        for name, (raw, verdict) in TEXTS.items():
            i = row_id(name)
            self.assertEqual(rows[i]["status"], verdict, i)
            if verdict == "PASS":
                continue
            # assertions.tsv: the bytes themselves, once its escapes are undone.
            self.assertIn(text(raw), rows[i]["evidence"], i)
        with open(os.path.join(out, "assertions.tsv"), "rb") as f:
            lines = f.read().split(b"\n")
        self.assertEqual(lines[-1], b"")
        self.assertTrue(all(l.count(b"\t") == lines[0].count(b"\t") for l in lines[:-1]))
        self.assertEqual(len(lines) - 2, len(rows))
        self.assertJunit(out)
        self.assertMatrix(out)

    def assertJunit(self, out):
        cases = {c.get("name"): c for c in ET.parse(os.path.join(out, "junit.xml")).iter("testcase")}
        for name, (raw, verdict) in TEXTS.items():
            if verdict != "PASS":
                c = cases[row_id(name)]
                why = (c.find("failure") if c.find("failure") is not None else c.find("skipped"))
                self.assertIn(printable(text(raw)), why.get("message"), name)

    def assertMatrix(self, out):
        with open(os.path.join(out, "matrix.md"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        cells = [len(re.findall(r"(?<!\\)\|", l)) for l in lines if l.startswith("| `")]
        self.assertTrue(cells and all(c == cells[0] for c in cells), "a table row broke")
        for name, (raw, verdict) in TEXTS.items():
            if verdict != "PASS":
                line = [l for l in lines if l.startswith("- `%s` on t:" % row_id(name))]
                self.assertEqual(len(line), 1, name)
                self.assertIn(md(text(raw)), line[0], name)

    def test_every_message_intact_from_the_record(self):
        p, out, rows = self.report()
        self.assertEqual(p.returncode, 1)      # rows fail; nothing else went wrong
        self.assertNotIn(b"reading the results failed", p.stderr)
        self.assertIntact(p, out, rows)
        # The console: one printable line a row.
        for name, (raw, verdict) in TEXTS.items():
            if verdict not in ("PASS", "UNTESTED"):
                line = [l for l in p.stdout.decode().split("\n") if l.startswith("  " + row_id(name) + " ")]
                self.assertEqual(len(line), 1, name)
                self.assertIn(printable(text(raw))[:40], line[0])

    def test_without_the_record_criterion_json_is_read_and_the_run_says_so(self):
        os.unlink(self.record)
        p, out, rows = self.report()
        self.assertEqual(p.returncode, 1)
        said = [l for l in p.stderr.decode().split("\n") if "reading the results failed" in l]
        self.assertEqual(len(said), 1, p.stderr)
        self.assertIn("no verdict record", said[0])
        for name, (raw, verdict) in TEXTS.items():
            i = row_id(name)
            self.assertEqual(rows[i]["status"], verdict, i)
            # Criterion drops a message's empty lines and a crash's messages.
            if verdict not in ("PASS", "CRASH") and b"\n\n" not in raw:
                self.assertIn(text(raw), rows[i]["evidence"], i)
        ET.parse(os.path.join(out, "junit.xml"))

    def test_a_damaged_record_is_backed_by_criterion_json(self):
        with open(self.record, "rb") as f:
            lines = f.read().split(b"\n")
        with open(self.record, "wb") as f:   # a line lost, another cut, garbage
            f.write(b"\n".join(lines[1:-2]) + b"\n" + lines[-2][:20] + b"\n\x00\xff garbage\n")
        p, out, rows = self.report()
        self.assertEqual(p.returncode, 1)
        said = [l for l in p.stderr.decode().split("\n") if "reading the results failed" in l]
        self.assertEqual(len(said), 1, p.stderr)
        self.assertEqual({rows[row_id(n)]["status"] for n in TEXTS} - {"NOT-RUN"},
                         {v for _, v in TEXTS.values()})
        self.assertNotIn("NOT-RUN", [rows[row_id(n)]["status"] for n in TEXTS])

    def test_no_results_at_all_still_gives_every_row(self):
        os.unlink(self.record)
        os.unlink(self.json)
        p, out, rows = self.report()
        self.assertEqual(p.returncode, 1)
        self.assertNotIn(b"Traceback", p.stderr)
        self.assertEqual(len([l for l in p.stderr.decode().split("\n") if "reading the results failed" in l]), 1)
        self.assertTrue(rows and all(r["status"] in ("NOT-RUN", "UNTESTED") for r in rows.values()))
        ET.parse(os.path.join(out, "junit.xml"))


if __name__ == "__main__":
    unittest.main()
