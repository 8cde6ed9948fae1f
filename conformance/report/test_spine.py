#!/usr/bin/env python3
"""Tests of the spine (conformance/assertions/spine.tsv and the ref/src marks):
`report.py catalogue --check` fails when a row's cited line does not hold its
quote, or its mark is missing, doubled or malformed, and says what to fix; the
`ref` column follows the marks; and README's greps lead, for every row, from
the clause's words to the row and from the row to its mark in ref/src.

    python3 conformance/report/test_spine.py     (ci/test runs it)

The failing cases run report.py on a copy of the tables, ref/src and the
tests, edited; the pages are read where DILLSPEC_SPEC (or the default) says."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import CATALOGUE, ROOT, SPEC_DIR, read_tsv  # noqa: E402
from spine import (BREAK_HYPHEN, functions_by_line, join_lines, page_path,  # noqa: E402
                   paragraph_from)

ERE_SPECIAL = re.compile(r"([][.()*+?{}|^$\\])")   # what grep -E gives a meaning
COPIED = ["conformance/report", "conformance/assertions", "conformance/assertions.tsv",
          "conformance/mutants", "conformance/tests", "ref/src", "ref/README.md",
          "fuzz/spine.tsv", "fuzz/lib", "fuzz/harness"]


if os.environ.get("DILLSPEC_SPEC_REQUIRED") and not os.path.isdir(SPEC_DIR):
    sys.exit("test_spine.py: the pages are not at %s (set DILLSPEC_SPEC)" % SPEC_DIR)


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if text.count(old) != 1:
        raise AssertionError("%r occurs %d times in %s" % (old, text.count(old), path))
    with open(path, "w") as f:
        f.write(text.replace(old, new))


@unittest.skipUnless(os.path.isdir(SPEC_DIR), "the pages are not at " + SPEC_DIR)
class Check(unittest.TestCase):
    """catalogue --check on an edited copy of the tree."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        for p in COPIED:
            src, dst = os.path.join(ROOT, p), os.path.join(self.root, p)
            if os.path.isdir(src):
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(src, dst)
        self.spine = os.path.join(self.root, "conformance", "assertions", "spine.tsv")

    def tearDown(self):
        self.tmp.cleanup()

    def report(self, *args):
        env = dict(os.environ, DILLSPEC_SPEC=SPEC_DIR, DILLSPEC_SPEC_REQUIRED="1")
        return subprocess.run([sys.executable, os.path.join(self.root, "conformance", "report",
                                                            "report.py"), "catalogue"] + list(args),
                              capture_output=True, text=True, env=env)

    def assert_fails(self, *needles):
        p = self.report("--check")
        self.assertNotEqual(p.returncode, 0, "catalogue --check passed:\n" + p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        return p.stderr

    def cite(self, rid, old, new):
        edit(self.spine, "%s\t%s\t" % (rid, old), "%s\t%s\t" % (rid, new))

    def test_copy_passes(self):
        p = self.report("--check")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_row_at_a_line_without_its_quote_fails(self):
        self.cite("bsendl/EINVAL/loop", "bsendl.txt:42", "bsendl.txt:4")
        self.assert_fails("bsendl/EINVAL/loop: bsendl.txt:4 reads 'bsendl - sends data to a socket'",
                          "set spec to bsendl.txt:42")

    def test_bullet_row_at_the_generic_errors_line_fails(self):
        self.cite("bsendl/EINVAL/loop", "bsendl.txt:42", "bsendl.txt:75")
        self.assert_fails("bsendl/EINVAL/loop: bsendl.txt:75 reads '• EINVAL: Invalid argument.'")

    def test_row_at_the_line_after_its_clause_fails(self):
        # The sentence starts on line 18 and runs on to 19.
        self.cite("ipc_close/handshake-succeeds", "ipc_close.txt:18", "ipc_close.txt:19")
        self.assert_fails("ipc_close/handshake-succeeds: ipc_close.txt:19",
                          "set spec to ipc_close.txt:18")

    def test_quote_the_page_does_not_hold_fails(self):
        edit(self.spine, "bsendl/EINVAL/loop\tbsendl.txt:42\tIf there's",
             "bsendl/EINVAL/loop\tbsendl.txt:42\tIf there is")
        self.assert_fails("bsendl/EINVAL/loop: bsendl.txt:42", "bsendl.txt has no such words")

    def test_quote_of_one_word_fails(self):
        edit(self.spine, "bsendl/EINVAL/loop\tbsendl.txt:42\tIf there's a loop in the list.\n",
             "bsendl/EINVAL/loop\tbsendl.txt:42\tIf\n")
        self.assert_fails("bsendl/EINVAL/loop: the quote 'If' is not 2 words or more")

    def test_reading_that_does_not_hold_the_quote_fails(self):
        self.cite("now/monotonic", "ref/README#reading-21", "ref/README#reading-20")
        self.assert_fails("now/monotonic: ref/README's reading 20 does not hold the quote",
                          "set spec to ref/README#reading-21")

    def test_row_without_spine_row_fails(self):
        with open(self.spine) as f:
            lines = [l for l in f if not l.startswith("now/monotonic\t")]
        with open(self.spine, "w") as f:
            f.writelines(lines)
        self.assert_fails("now/monotonic: no row in conformance/assertions/spine.tsv")

    def test_old_header_fails_once(self):
        edit(self.spine, "\nid\tspec\tquote\n", "\nid\tspec\tref\n")
        err = self.assert_fails("spine.tsv: the header must be id<TAB>spec<TAB>quote")
        self.assertNotIn("no quote", err)

    def test_row_twice_fails(self):
        with open(self.spine, "a") as f:
            f.write("now/monotonic\tref/README#reading-21\t`now()` never goes back\n")
        self.assert_fails("now/monotonic has a row already: keep one")

    def test_row_without_its_quote_field_fails(self):
        with open(self.spine, "a") as f:
            f.write("now/EBADF/never\tnow.txt:12\n")
        self.assert_fails("2 tab-separated fields, not 3 (id, spec, quote)")

    def replace_mark(self, rid, new):
        """Replaces the line of rid's mark in ref/src by `new` (lines)."""
        mark = "/* spine: %s */\n" % rid
        src = os.path.join(self.root, "ref", "src")
        for fn in os.listdir(src):
            with open(os.path.join(src, fn)) as f:
                if mark in f.read():
                    return edit(os.path.join(src, fn), mark, new)
        raise AssertionError("no mark of " + rid)

    def test_row_without_mark_fails(self):
        self.replace_mark("now/monotonic", "")
        self.assert_fails("now/monotonic: no `/* spine: now/monotonic */` in ref/src")

    def test_row_marked_twice_fails(self):
        self.replace_mark("now/monotonic", "/* spine: now/monotonic */\n/* spine: now/monotonic */\n")
        self.assert_fails("now/monotonic: marked 2 times")

    def test_two_ids_on_one_mark_line_fails(self):
        self.replace_mark("now/monotonic", "/* spine: now/monotonic now/milliseconds */\n")
        self.assert_fails("a mark is `/* spine: PAGE/ERRNO/how */`, one full id a line")

    def test_mark_of_an_unknown_id_fails(self):
        self.replace_mark("now/monotonic", "/* spine: now/monotonic */\n/* spine: now/EBADF/never */\n")
        self.assert_fails("marks now/EBADF/never, which no test or waiver defines")

    def test_ref_column_follows_the_mark(self):
        self.replace_mark("bsendl/EINVAL/loop", "")
        self.replace_mark("now/monotonic", "/* spine: now/monotonic */\n/* spine: bsendl/EINVAL/loop */\n")
        self.assertEqual(self.report().returncode, 0)
        rows = {r["id"]: r for r in read_tsv(os.path.join(self.root, "conformance",
                                                           "assertions.tsv"))}
        self.assertEqual(rows["bsendl/EINVAL/loop"]["ref"], rows["now/monotonic"]["ref"])
        self.assertEqual(self.report("--check").returncode, 0)

    def test_stale_catalogue_fails(self):
        edit(os.path.join(self.root, "conformance", "assertions.tsv"),
             "bsendl.txt:42\tdill_iolist_check\tbsendl::EINVAL_loop\t",
             "bsendl.txt:42\tdill_hget\tbsendl::EINVAL_loop\t")
        self.assert_fails("conformance/assertions.tsv is stale")


class MarkOwner(unittest.TestCase):
    """A mark belongs to the function whose body holds it, or to the next
    one defined when it stands outside any body."""

    C = """_Static_assert(sizeof(int) <= sizeof(long),
    "int fits");
/* spine: a/above */
static __attribute__((noinline, cold)) struct s *first(void) {
    /* spine: a/inside */
    return 0;
}

static int
second(int x,
      int y) {
    return x + y;
}
"""

    def test_owner_of_each_line(self):
        lines = self.C.split("\n")
        owner = dict(zip(lines, functions_by_line(lines)))
        self.assertEqual(owner["/* spine: a/above */"], "first")
        self.assertEqual(owner["    /* spine: a/inside */"], "first")
        self.assertEqual(owner['    "int fits");'], "first")
        self.assertEqual(owner["      int y) {"], "second")


sys.path.insert(0, os.path.join(ROOT, "conformance", "mutants"))
import run as mutants  # noqa: E402


class MutantVerdict(unittest.TestCase):
    """ci/mutants: a mutant counts as caught only by an assertion its row of
    conformance/mutants/spine.tsv names (failed tests map to ids through
    conformance/assertions.tsv)."""

    def test_caught_by_a_named_assertion(self):
        status, detail = mutants.verdict(["bsendl::EINVAL_loop", "now::milliseconds"],
                                         ["*/EINVAL/loop"])
        self.assertEqual((status, detail), ("CAUGHT", "bsendl/EINVAL/loop"))

    def test_caught_only_by_others_fails(self):
        status, detail = mutants.verdict(["bsendl::EINVAL_loop"], ["*/EINVAL/rsvd-nonzero"])
        self.assertEqual(status, "OFF-SPINE")
        self.assertIn("caught by bsendl/EINVAL/loop, none of */EINVAL/rsvd-nonzero", detail)

    def test_twin_tests_map_to_their_page(self):
        status, _ = mutants.verdict(["ipc_pair_mem::EINVAL_null_storage"],
                                    ["ipc_pair_mem/EINVAL/null-storage"])
        self.assertEqual(status, "CAUGHT")

    def test_a_dead_runner_is_no_named_assertion(self):
        status, detail = mutants.verdict(["(no report: the runner died)"], ["*/EINVAL/loop"])
        self.assertEqual(status, "OFF-SPINE")
        self.assertIn("the runner died", detail)

    def test_nothing_failed_survives(self):
        self.assertEqual(mutants.verdict([], ["*/EINVAL/loop"])[0], "SURVIVED")

    def test_every_mutant_has_a_spine_row(self):
        spine = mutants.spine()
        self.assertEqual([m["id"] for m in mutants.read_catalogue() if not spine.get(m["id"])], [])


def grep(*args):
    p = subprocess.run(["grep"] + list(args), capture_output=True, text=True, cwd=ROOT)
    return p.stdout.splitlines()


def first_line_words(page, n, quote):
    """The words of `quote` that lie on line n of the page (its first four
    words if it is not there), as a grep -E pattern: the page may space them
    unevenly."""
    with open(page_path(page), encoding="utf-8") as f:
        lines = f.read().split("\n")
    text, starts = join_lines(paragraph_from(lines, n)) if 0 < n <= len(lines) else ("", [0])
    at = text.find(quote)
    if at < 0:
        words = quote.split()[:4]
    else:
        end = min(starts[1] if len(starts) > 1 else len(text), at + len(quote))
        words = text[at:end].split()
        if lines[n - 1].rstrip().endswith(BREAK_HYPHEN) and end < at + len(quote):
            words = words[:-1]      # the first half of a word broken at the line end
    return "[[:space:]]+".join(ERE_SPECIAL.sub(r"\\\1", w) for w in words)


@unittest.skipUnless(os.path.isdir(SPEC_DIR), "the pages are not at " + SPEC_DIR)
class Greps(unittest.TestCase):
    """README's greps, run for every row of the catalogue."""

    def test_every_row_is_found_from_its_clause_and_finds_its_mark(self):
        rows, wrong = read_tsv(CATALOGUE), []
        catalogue = os.path.relpath(CATALOGUE, ROOT)
        self.assertGreater(len(rows), 300)
        for r in rows:
            rid, spec = r["id"], r["spec"]
            m = re.match(r"^(.+):(\d+)$", spec)
            if m:
                found = grep("-n", "-E", "-e", first_line_words(m.group(1), int(m.group(2)), r["quote"]),
                             page_path(m.group(1)))
                if m.group(2) not in [l.split(":", 1)[0] for l in found]:
                    wrong.append("%s: grep for its quote's words in %s finds lines %s, not %s"
                                 % (rid, m.group(1), [l.split(":", 1)[0] for l in found],
                                    m.group(2)))
            if rid not in [l.split("\t", 1)[0] for l in grep("-wF", "-e", spec, catalogue)]:
                wrong.append("%s: grep -w '%s' %s does not find the row" % (rid, spec, catalogue))
            marks = grep("-rnF", "-e", "spine: %s */" % rid, "ref/src")
            if len(marks) != 1:
                wrong.append("%s: grep -rnF 'spine: %s */' ref/src finds %d lines"
                             % (rid, rid, len(marks)))
            elif not grep("-E", "-e", r"^[A-Za-z_].*\b%s\(" % r["ref"], marks[0].split(":", 1)[0]):
                wrong.append("%s: its mark (%s) is not in the file that defines %s"
                             % (rid, marks[0], r["ref"]))
        self.assertEqual(wrong, [], "\n".join(wrong))


if __name__ == "__main__":
    unittest.main(verbosity=2)
