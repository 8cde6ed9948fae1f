#!/usr/bin/env python3
"""Tests of report.py's verdict code: expectations that pin the deviation,
their validation, and a junit.xml that agrees with the exit status.

    python3 conformance/report/test_report.py     (ci/test runs it)

Each test writes a Criterion-like JSON report for the real catalogue, runs
`report.py target` on it as ci/conformance does, and reads what it wrote."""
import os
import subprocess
import sys
import tempfile
import unicodedata
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "report.py")
sys.path.insert(0, HERE)
from common import CATALOGUE, read_tsv  # noqa: E402

ROW = "ipc_listen/EINVAL/null-address"          # a row libdill 2.14 crashes on
LIST_ROW = "brecvl/EINVAL/not-same-list"


def record_field(text):
    """A field as support/record.c escapes it."""
    out = ""
    for b in text.encode("utf-8", "surrogateescape"):
        c = chr(b)
        out += {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c) or (
            c if 0x20 <= b <= 0x7e else "\\x%02x" % b)
    return out


def criterion_json(path, outcomes):
    """What the runner writes, as Criterion 2.4.1 and support/record.c
    write it: criterion.json (messages unescaped) and verdicts.record
    beside it.  outcomes: assertion id -> (Criterion status, [messages]);
    every other test of the catalogue passed."""
    suites = {}
    for a in read_tsv(CATALOGUE):
        if not a["test"]:
            continue
        page, name = a["test"].split("::")
        status, msgs = outcomes.get(a["id"], ("PASSED", []))
        suites.setdefault(page, []).append((name, status, msgs))
    record, tests = [], []
    for page, ts in suites.items():
        body = []
        for name, status, msgs in ts:
            rec = {"ERRORED": "CRASHED" if "crashed" in " ".join(msgs) else "TIMEOUT"}.get(status, status)
            record.append("\t".join(["test", page, name, rec, ""] + [record_field(m) for m in msgs]))
            t = '        {\n          "name": "%s",\n          "assertions": 1,\n          "status": "%s"' % (name, status)
            if msgs and status in ("SKIPPED", "ERRORED"):
                t += ',\n          "messages": ["%s"]' % msgs[0]
            elif msgs:
                t += ',\n          "messages": [\n%s\n          ]' % ",\n".join('            "%s"' % m for m in msgs)
            body.append(t + "\n        }")
        tests.append('    {\n      "name": "%s",\n      "passed": 0,\n      "failed": 0,\n      "errored": 0,\n'
                     '      "skipped": 0,\n      "tests": [\n%s\n      ]\n    }' % (page, ",\n".join(body)))
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write('{\n  "id": "Criterion v2.4.1",\n  "passed": 0,\n  "failed": 0,\n  "errored": 0,\n'
                '  "skipped": 0,\n  "test_suites": [\n%s\n  ]\n}\n' % ",\n".join(tests))
    with open(os.path.join(os.path.dirname(path), "verdicts.record"), "w") as f:
        f.write("".join(l + "\n" for l in record))


def expectations(path, rows, head="id\tdeviation\treason\treproduction"):
    with open(path, "w") as f:
        f.write(head + "\n" + "".join("\t".join(r) + "\n" for r in rows))


class Target(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.json = os.path.join(self.dir, "criterion.json")
        self.expect = os.path.join(self.dir, "expect.tsv")

    def tearDown(self):
        self.tmp.cleanup()

    def run_target(self, outcomes, rows=None):
        criterion_json(self.json, outcomes)
        args = [REPORT, "target", self.json, os.path.join(self.dir, "out"), "t"]
        if rows is not None:
            expectations(self.expect, rows)
            args += ["--expect", self.expect]
        p = subprocess.run(args, capture_output=True, text=True)
        verdicts = {r["id"]: r for r in read_tsv(os.path.join(self.dir, "out", "assertions.tsv"))}
        return p, verdicts

    def junit(self):
        return ET.parse(os.path.join(self.dir, "out", "junit.xml")).getroot()

    def test_pinned_deviation_is_xfail_and_junit_is_green(self):
        p, v = self.run_target({ROW: ("ERRORED", ["The test crashed."])},
                               [(ROW, "CRASH", "strlen(NULL)", "ipc_listen(NULL, 10);")])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(v[ROW]["status"], "XFAIL")
        root = self.junit()
        self.assertEqual(root.get("failures"), "0")
        self.assertEqual(root.get("errors"), "0")
        case = [c for c in root.iter("testcase") if c.get("name") == ROW][0]
        self.assertIn("strlen(NULL)", case.find("skipped").get("message"))

    def test_different_failure_on_xfail_row_is_fail(self):
        # Expected to crash; now returns 0: a new fault on a deviating row.
        p, v = self.run_target({ROW: ("FAILED", ["ipc_listen.c:40: FAIL: returned 0, expected -1 with EINVAL"])},
                               [(ROW, "CRASH", "strlen(NULL)", "ipc_listen(NULL, 10);")])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(v[ROW]["status"], "FAIL")
        self.assertIn("expected deviation: CRASH; now: FAIL", v[ROW]["evidence"])
        self.assertEqual(self.junit().get("failures"), "1")

    def test_evidence_text_must_match(self):
        dev = "FAIL: item 0 of the caller's list changed"
        same = {LIST_ROW: ("FAILED", ["x.c:1: FAIL: item 0 of the caller's list changed by the call"])}
        other = {LIST_ROW: ("FAILED", ["x.c:1: FAIL: returned 0, expected -1 with EINVAL"])}
        row = [(LIST_ROW, dev, "iol_rsvd left set", "brecvl(s, &a, &b, -1);")]
        self.assertEqual(self.run_target(same, row)[1][LIST_ROW]["status"], "XFAIL")
        p, v = self.run_target(other, row)
        self.assertEqual(v[LIST_ROW]["status"], "FAIL")
        self.assertIn("now: FAIL x.c:1: FAIL: returned 0", v[LIST_ROW]["evidence"])

    def test_pass_on_expected_row_is_xpass_and_red(self):
        p, v = self.run_target({}, [(ROW, "CRASH", "strlen(NULL)", "ipc_listen(NULL, 10);")])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(v[ROW]["status"], "XPASS")
        case = [c for c in self.junit().iter("testcase") if c.get("name") == ROW][0]
        self.assertIsNotNone(case.find("failure"))

    def test_junit_red_exactly_when_exit_status_is(self):
        for outcomes in ({}, {ROW: ("ERRORED", ["The test crashed."])}):
            p, _ = self.run_target(outcomes)
            self.assertEqual(p.returncode != 0, self.junit().get("failures") != "0")

    def test_missing_function_verdicts(self):
        p, v = self.run_target({
            "ipc_fromfd/hclose-closes-fd": ("FAILED", ["s.c:1: FAIL (missing): the target does not provide ipc_fromfd"]),
            "ipc_sendfd/EBADF/minus-one": ("SKIPPED", ["UNTESTED (not provided): the target does not provide ipc_sendfd"])})
        self.assertEqual(v["ipc_fromfd/hclose-closes-fd"]["status"], "FAIL (missing)")
        self.assertEqual(v["ipc_sendfd/EBADF/minus-one"]["status"], "UNTESTED (not provided)")
        self.assertEqual(p.returncode, 1)   # a documented function is missing

    def test_unresolved_target_is_a_column(self):
        criterion_json(self.json, {})
        out = os.path.join(self.dir, "out")
        p = subprocess.run([REPORT, "target", "/nonexistent.json", out, "t", "--unresolved", "did not build"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        rows = read_tsv(os.path.join(out, "assertions.tsv"))
        self.assertTrue(rows and all(r["status"] == "UNRESOLVED" for r in rows))


    def test_any_bytes_in_names_and_paths(self):
        criterion_json(self.json, {ROW: ("ERRORED", ["The test crashed."])})
        d = os.path.join(self.dir, "out \udcff \"dir\"")
        name = "na\udcffme\t<b>"
        p = subprocess.run([REPORT, "target", self.json, d, name], capture_output=True)
        self.assertEqual(p.returncode, 1)
        self.assertNotIn(b"Traceback", p.stderr)
        self.assertIn(b"na\\xffme\\t<b>: report:", p.stdout)
        p = subprocess.run([REPORT, "combine", os.path.join(d, "m\udcff.md"), d, d], capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        ET.parse(os.path.join(d, "junit.xml"))

    def test_two_targets_with_one_name_get_two_columns(self):
        criterion_json(self.json, {})
        dirs = []
        for key in ("dill-2.14-aaaa", "dill-2.14-bbbb"):
            d = os.path.join(self.dir, key)
            subprocess.run([REPORT, "target", self.json, d, "dill-2.14"], capture_output=True, check=True)
            dirs.append(d)
        out = os.path.join(self.dir, "matrix.md")
        subprocess.run([REPORT, "combine", out] + dirs, capture_output=True, check=True)
        with open(out) as f:
            head = [l for l in f if l.startswith("| assertion |")][0]
        self.assertIn("dill-2.14-aaaa", head)
        self.assertIn("dill-2.14-bbbb", head)


class Reading(unittest.TestCase):
    """Every kind of text a message can hold, in the record and in
    Criterion's unescaped JSON, and bytes that are neither."""

    def test_each_class_reaches_the_rows_from_the_record_and_from_json(self):
        from test_messages import TEXTS
        texts = [t.decode("utf-8", "surrogateescape") for t, _ in TEXTS.values()]
        ids = [a["id"] for a in read_tsv(CATALOGUE) if a["test"]][:len(texts)]
        outcomes = {i: ("FAILED", ["x.c:1: FAIL: " + t]) for i, t in zip(ids, texts)}
        with tempfile.TemporaryDirectory() as d:
            js = os.path.join(d, "criterion.json")
            criterion_json(js, outcomes)
            for without_record in (False, True):
                if without_record:
                    os.unlink(os.path.join(d, "verdicts.record"))
                out = os.path.join(d, "out%d" % without_record)
                p = subprocess.run([REPORT, "target", js, out, "t"], capture_output=True)
                self.assertNotIn(b"Traceback", p.stderr)
                self.assertEqual(b"reading the results failed" in p.stderr, without_record)
                rows = {r["id"]: r for r in read_tsv(os.path.join(out, "assertions.tsv"))}
                ET.parse(os.path.join(out, "junit.xml"))
                for i, t in zip(ids, texts):
                    self.assertEqual(rows[i]["status"], "FAIL", i)
                    if not without_record or "\n" not in t:
                        # (the JSON's own lines are its messages' line breaks)
                        self.assertEqual(rows[i]["evidence"], "x.c:1: FAIL: " + t, i)

    def test_any_bytes_read_without_an_exception(self):
        import random
        from results import read_json, read_record
        rnd = random.Random(1)
        with open(os.path.join(HERE, "test_messages.c"), "rb") as f:
            words = f.read().split()
        for _ in range(2000):
            data = b"".join(rnd.choice([bytes([rnd.randrange(256)]), b"\n", b'"', b"\\", b"\t",
                                        b"          ", b'"name": "', b'"messages": [', b"]",
                                        b"test\tx\ty\tFAILED\t\t", rnd.choice(words)])
                            for _ in range(rnd.randrange(60)))
            read_json(data)
            read_record(data)

    def test_printable_is_one_line_and_undone_exactly(self):
        import random
        from common import printable, unprintable
        rnd = random.Random(2)
        for _ in range(5000):
            t = "".join(chr(rnd.choice([rnd.randrange(0x250), rnd.randrange(0xdc80, 0xdd00), 0x5c,
                                        0x202e, 0x2028, 0xfffe, 0x85, 0xad, 0xe0001, 0x1f600,
                                        rnd.choice([rnd.randrange(0xd800), rnd.randrange(0xe000, 0x110000)])]))
                        for _ in range(rnd.randrange(30)))
            p = printable(t)
            self.assertEqual(unprintable(p), t)
            self.assertFalse([c for c in p if unicodedata.category(c) in ("Cc", "Cs", "Co", "Zl", "Zp", "Cf")
                              or (ord(c) & 0xfffe) == 0xfffe], repr(p))


class Findings(unittest.TestCase):
    def test_each_finding_has_its_key_input_and_a_command_that_parses_back(self):
        import shlex
        from findings import command, read_findings, summary
        rows = [["t", "handles", "dillspec-fuzz: finding handles/brecv/x/y: \"q\"", "/c/a b'c", "arg",
                 "/b/fuzz_handles", "/p/lib", "/k.tsv", "ipc_sendfd ipc_recvfd", "",
                 "reports/repro/fuzz/handles.x.c"],
                ["t", "iolist", "crashed \x01\xff", "/c/in", "stdin", "/b/fuzz iolist", "", "", "", ""]]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "findings.tsv")
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write("".join("\t".join(r) + "\n" for r in rows) + "a line cut short\n")
            lines = summary(path)
            self.assertTrue(lines[0].startswith("findings (3)"))
            self.assertIn("handles/brecv/x/y", lines[1])
            self.assertIn("    C program: reports/repro/fuzz/handles.x.c", lines)
            self.assertIn("    C program: none (see the run's log)", lines)
            f0, f1, _ = read_findings(path)
            self.assertEqual(shlex.split(command(f0))[-2:], ["/b/fuzz_handles", "/c/a b'c"])
            self.assertIn("DILLSPEC_FUZZ_ABSENT=ipc_sendfd ipc_recvfd", shlex.split(command(f0)))
            self.assertEqual(shlex.split(command(f1))[-3:], ["/b/fuzz iolist", "<", "/c/in"])
            self.assertTrue(all("\x01" not in l and "\udcff" not in l for l in lines))


class Readme(unittest.TestCase):
    """README's release matrix against the shipped expectations."""

    def check(self, edit):
        from readme import README, check
        with open(README, encoding="utf-8") as f:
            text = f.read()
        with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
            f.write(edit(text))
        try:
            return check(f.name)
        finally:
            os.unlink(f.name)

    def test_readme_agrees(self):
        self.assertEqual(self.check(lambda t: t), [])

    def test_each_disagreement_is_found(self):
        import re
        from readme import BEGIN
        cases = {
            "XFAIL count": lambda t: re.sub(r"(\| XFAIL \| 0 \| )(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 1), t, 1),
            "a pinned text": lambda t: t.replace("XFAIL `CRASH`", "XFAIL `CRASH: other`", 1),
            "a row gone": lambda t: re.sub(r"\n\| `[^`*]+` \|[^\n]*XFAIL[^\n]*", "", t, 1),
            "the same-everywhere count": lambda t: re.sub(r"every release: (\d+)", "every release: 1", t),
            "no section": lambda t: t.replace(BEGIN, ""),
        }
        for what, edit in cases.items():
            self.assertTrue(self.check(edit), what)


class Validation(unittest.TestCase):
    def check(self, kind, text):
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
            f.write(text)
        try:
            return subprocess.run([REPORT, "check-expect", kind, f.name], capture_output=True, text=True)
        finally:
            os.unlink(f.name)

    def assertBad(self, kind, text, words):
        p = self.check(kind, text)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(words, p.stderr)
        self.assertNotIn("Traceback", p.stderr)

    def test_good_files_pass(self):
        self.assertEqual(self.check("conformance", "id\tdeviation\treason\treproduction\n"
                                    "%s\tCRASH\tr\tipc_listen(NULL, 10);\n" % ROW).returncode, 0)
        self.assertEqual(self.check("fuzz", "key\treason\tregression input\n"
                                    "storage/ipc_listen_mem/null-storage/crash\tr\tstorage/regressions/x\n").returncode, 0)

    def test_bad_files_are_one_clear_error(self):
        self.assertBad("conformance", "", "empty")
        self.assertBad("conformance", "%s\tCRASH\tr\tx\n" % ROW, "header")
        self.assertBad("conformance", "id\treason\treproduction\n%s\tr\tx\n" % ROW, "header")
        head = "id\tdeviation\treason\treproduction\n"
        self.assertBad("conformance", head + "%s\tCRASH\tr\n" % ROW, "columns")
        self.assertBad("conformance", head + "no/such/row\tCRASH\tr\tx\n", "no assertion")
        self.assertBad("conformance", head + "%s\tBROKEN\tr\tx\n" % ROW, "deviation")
        self.assertBad("conformance", head + "%s\tCRASH\tr\tx\n" % ROW * 2, "twice")
        fhead = "key\treason\tregression input\n"
        self.assertBad("fuzz", fhead + "iolist/bsendl/malformed/*/crash\tr\tx\n", "exact")
        self.assertBad("fuzz", fhead + "nosuch/f/x/crash\tr\tx\n", "no harness")
        self.assertBad("fuzz", fhead + "iolist only\tr\tx\n", "not harness")


class Upstream(unittest.TestCase):
    """assertions/upstream.tsv: the upstream column of the catalogue."""

    def test_shipped_tags_are_in_the_catalogue(self):
        from common import UPSTREAM
        tags = {u["id"]: u["upstream"] for u in read_tsv(UPSTREAM)}
        rows = {a["id"]: a["upstream"] for a in read_tsv(CATALOGUE)}
        self.assertIn("bundle_wait/closed-by-another", tags)
        for i, refs in tags.items():
            self.assertEqual(rows[i], refs)

    def test_bad_rows_are_named(self):
        import catalogue
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "upstream.tsv")
            with open(path, "w") as f:
                f.write("id\tupstream\nx/known\tlibdill#236 libdill#129\n"
                        "x/unknown\tlibdill#1\nx/known\tissue 236\n")
            old, catalogue.UPSTREAM = catalogue.UPSTREAM, path
            try:
                problems = catalogue.upstream_problems({"x/known"})
            finally:
                catalogue.UPSTREAM = old
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("x/unknown: no such assertion", problems[0])
        self.assertIn("'issue 236' is not a list of REPO#NUMBER", problems[1])


if __name__ == "__main__":
    unittest.main()
