#!/usr/bin/env python3
"""Turns a Criterion JSON report into dillspec's verdicts.

  report.py catalogue [--check]       write (or check) conformance/assertions.tsv
  report.py target JSON OUTDIR NAME [--expect FILE] [--unresolved WHY]
                                      OUTDIR/{assertions.tsv,matrix.md,junit.xml}
  report.py combine OUT DIR...        one matrix with a column per target
  report.py check-expect conformance|fuzz FILE
                                      validate an expectations file (exit 2 if bad)

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
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)
CATALOGUE = os.path.join(SUITE, "assertions.tsv")
WAIVERS = os.path.join(SUITE, "assertions", "waivers.tsv")
SPINE = os.path.join(SUITE, "assertions", "spine.tsv")
MUTANTS = os.path.join(SUITE, "mutants", "catalogue.tsv")
MUTANT_SPINE = os.path.join(SUITE, "mutants", "spine.tsv")
ROOT = os.path.dirname(SUITE)
FUZZ_SPINE = os.path.join(ROOT, "fuzz", "spine.tsv")
# The pages are not part of the project: DILLSPEC_SPEC, or beside the checkout.
SPEC_DIR = os.path.normpath(os.environ.get("DILLSPEC_SPEC") or
                            os.path.join(ROOT, "..", "shared", "spec"))
OK = {"PASS", "XFAIL", "UNTESTED", "UNTESTED (not provided)"}
# Every verdict a row can have; the longer names first, for parsing.
VERDICTS = ["FAIL (missing)", "UNTESTED (not provided)", "UNDOCUMENTED-ERRNO",
            "UNRESOLVED", "UNTESTED", "NOT-RUN", "TIMEOUT", "CRASH", "XFAIL",
            "XPASS", "PASS", "FAIL"]
# What a target's run can show, and so what an expectation can pin.
DEVIATIONS = [v for v in VERDICTS if v not in ("PASS", "XFAIL", "XPASS", "NOT-RUN")]
EXPECT_HEAD = {"conformance": ["id", "deviation", "reason", "reproduction"],
               "fuzz": ["key", "reason", "regression input"]}
HARNESSES = ["handles", "storage", "iolist", "address", "differential", "trace"]

MACRO = re.compile(r'DS_(TEST|TWIN)\((\w+),\s*(\w+),\s*"((?:[^"\\]|\\.)*)"\)', re.S)


def assertion_id(page, name):
    m = re.match(r"(E[A-Z0-9]+)_(.*)", name)
    if m:
        return "%s/%s/%s" % (page, m.group(1), m.group(2).replace("_", "-"))
    return "%s/%s" % (page, name.replace("_", "-"))


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def catalogue_rows():
    rows = []
    tests = os.path.join(SUITE, "tests")
    for fn in sorted(os.listdir(tests)):
        if not fn.endswith(".c"):
            continue
        with open(os.path.join(tests, fn)) as f:
            text = f.read()
        for kind, page, name, clause in MACRO.findall(text):
            pages = [page, page + "_mem"] if kind == "TWIN" else [page]
            for p in pages:
                rows.append({"id": assertion_id(p, name), "clause": clause,
                             "test": "%s::%s" % (p, name), "waiver": ""})
    for w in read_tsv(WAIVERS):
        rows.append({"id": w["id"], "clause": w["clause"], "test": "",
                     "waiver": w["waiver"]})
    ids = [r["id"] for r in rows]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit("report.py: duplicate assertion ids: %s" % ", ".join(sorted(dup)))
    return sorted(rows, key=lambda r: r["id"])


def write_tsv(path, rows, cols):
    with open(path, "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "").replace("\t", " ") for c in cols) + "\n")


def ref_functions():
    """The functions ref/src defines (a definition starts in column 0)."""
    names = set()
    src = os.path.join(ROOT, "ref", "src")
    for fn in os.listdir(src):
        if fn.endswith(".c"):
            with open(os.path.join(src, fn)) as f:
                names.update(re.findall(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\([^;]*$", f.read(), re.M))
    return names


def ref_marks():
    """The ids each ref/src function's `spine:` comment names (page/ERRNO or
    page/name), by function."""
    marks = {}
    src = os.path.join(ROOT, "ref", "src")
    for fn in os.listdir(src):
        if not fn.endswith(".c"):
            continue
        with open(os.path.join(src, fn)) as f:
            text = f.read()
        for m in re.finditer(r"/\* spine: (.*?)\*/\n(?:[^\n]*\n)*?[A-Za-z_][\w \t\*]*?\b(\w+)\([^;\n]*$",
                             text, re.S | re.M):
            marks.setdefault(m.group(2), set()).update(
                re.findall(r"[a-z_]+/[A-Za-z0-9-]+", m.group(1)))
    return marks


def readings():
    with open(os.path.join(ROOT, "ref", "README.md")) as f:
        return {int(n) for n in re.findall(r"^(\d+)\. \*\*", f.read(), re.M)}


def page_lines(page):
    sub = "" if page.endswith(".md") else "man"
    path = os.path.join(SPEC_DIR, sub, page)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def mutant_problems(ids):
    """Each mutant names the assertions that catch it, and they exist."""
    import fnmatch
    problems = []
    caught = {m["mutant"]: m["assertions"].split() for m in read_tsv(MUTANT_SPINE)}
    for m in read_tsv(MUTANTS):
        if m["id"] not in caught:
            problems.append("mutant %s: no row in conformance/mutants/spine.tsv" % m["id"])
    for mutant, pats in caught.items():
        for p in pats:
            if not fnmatch.filter(ids, p):
                problems.append("mutant %s: %s matches no assertion" % (mutant, p))
    return problems


def fuzz_problems(ids):
    """Each fuzz situation listed exists in fuzz/lib and names assertions."""
    import fnmatch
    problems, text = [], ""
    lib = os.path.join(ROOT, "fuzz", "lib")
    for fn in os.listdir(lib):
        if fn.endswith(".c"):
            with open(os.path.join(lib, fn)) as f:
                text += f.read()
    situations = set(re.findall(r'(?:MUST_SUCCEED|MUST_FAIL|EITHER|finding\(\w+,)\s*\(?"([a-z-]+)"', text))
    for row in read_tsv(FUZZ_SPINE):
        sit = row["situation"].split("/", 1)[1]
        if not fnmatch.filter(situations, sit):
            problems.append("fuzz/spine.tsv: no situation %s in fuzz/lib" % row["situation"])
        for p in row["assertions"].split():
            if not fnmatch.filter(ids, p):
                problems.append("fuzz/spine.tsv: %s: %s matches no assertion" % (row["situation"], p))
    return problems


def spine_problems(rows):
    """What is wrong with the spec/ref columns of `rows`, as messages."""
    problems, missing = [], [r["id"] for r in rows if not r["spec"] or not r["ref"]]
    if missing:
        problems.append("%d row(s) lack spec or ref in conformance/assertions/spine.tsv "
                        "(id<TAB>spec<TAB>ref): %s" % (len(missing), ", ".join(missing)))
    if not os.path.isdir(SPEC_DIR):
        # Users running the suite need not have the pages; ci/test does.
        msg = "the pages are not at %s (set DILLSPEC_SPEC): page lines not checked" % SPEC_DIR
        if os.environ.get("DILLSPEC_SPEC_REQUIRED"):
            problems.append(msg)
        else:
            print("report.py: note: " + msg, file=sys.stderr)
    funcs, nums, marks = ref_functions(), readings(), ref_marks()
    ids = {r["id"] for r in rows}
    problems += mutant_problems(ids) + fuzz_problems(ids)
    for s in read_tsv(SPINE):
        if s["id"] not in ids:
            problems.append("%s: in spine.tsv but no test or waiver has this id" % s["id"])
    for r in rows:
        spec, ref = r["spec"], r["ref"]
        if ref and ref not in funcs:
            problems.append("%s: ref %s is not a function of ref/src" % (r["id"], ref))
        elif ref and "/".join(r["id"].split("/")[:2]) not in marks.get(ref, ()):
            problems.append("%s: the spine: comment of %s in ref/src does not name %s"
                            % (r["id"], ref, "/".join(r["id"].split("/")[:2])))
        m = re.match(r"^ref/README#reading-(\d+)$", spec)
        if m:
            if int(m.group(1)) not in nums:
                problems.append("%s: ref/README has no reading %s" % (r["id"], m.group(1)))
            continue
        m = re.match(r"^([a-z_]+\.(?:txt|md)):(\d+)$", spec)
        if spec and not m:
            problems.append("%s: spec %r is neither PAGE:LINE nor ref/README#reading-N"
                            % (r["id"], spec))
        elif m:
            lines = page_lines(m.group(1))
            n = int(m.group(2))
            if lines is None and os.path.isdir(SPEC_DIR):
                problems.append("%s: no page %s under %s" % (r["id"], m.group(1), SPEC_DIR))
            elif lines is not None and ( not 0 < n <= len(lines) or not lines[n - 1].strip()):
                problems.append("%s: %s has no text at line %d" % (r["id"], m.group(1), n))
    return problems


def cmd_catalogue(args):
    rows = catalogue_rows()
    spine = {s["id"]: s for s in read_tsv(SPINE)}
    for r in rows:
        r["spec"] = spine.get(r["id"], {}).get("spec", "")
        r["ref"] = spine.get(r["id"], {}).get("ref", "")
    cols = ["id", "clause", "spec", "ref", "test", "waiver"]
    if "--check" in args:
        problems = spine_problems(rows)
        for p in problems:
            print("report.py: " + p, file=sys.stderr)
        tmp = CATALOGUE + ".new"
        write_tsv(tmp, rows, cols)
        same = open(tmp).read() == (open(CATALOGUE).read() if os.path.exists(CATALOGUE) else "")
        os.unlink(tmp)
        if not same:
            sys.exit("report.py: conformance/assertions.tsv is stale: run "
                     "conformance/report/report.py catalogue")
        if problems:
            sys.exit("report.py: the catalogue's spine is incomplete (%d problem(s))"
                     % len(problems))
        return
    write_tsv(CATALOGUE, rows, cols)
    print("%d assertions written to conformance/assertions.tsv" % len(rows))
    missing = [r["id"] for r in rows if not r["spec"] or not r["ref"]]
    if missing:
        print("%d without spec/ref (add them to conformance/assertions/spine.tsv): %s"
              % (len(missing), ", ".join(missing)))


def verdict(test):
    """Criterion's status and messages -> (verdict, evidence)."""
    msgs = test.get("messages", [])
    text = " | ".join(msgs)
    status = test.get("status")
    if status == "PASSED":
        return "PASS", ""
    if status == "SKIPPED":
        if "UNTESTED (not provided):" in text:
            return "UNTESTED (not provided)", text
        return ("UNTESTED" if "UNTESTED" in text else "UNRESOLVED"), text
    if status == "ERRORED":
        return ("TIMEOUT" if "timed out" in text else "CRASH"), text
    # The fixture's watchdog ends a test that did not return in its limit.
    for tag in ("FAIL (missing)", "TIMEOUT", "UNRESOLVED", "UNDOCUMENTED-ERRNO"):
        if tag + ":" in text:
            return tag, text
    return "FAIL", text


def criterion_results(path):
    """suite::name -> (verdict, evidence); suites lose the target's dill_ prefix
    (its raw-name macros rename them)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        data = json.loads(f.read(), strict=False)
    for suite in data.get("test_suites", []):
        page = re.sub(r"^dill_", "", suite["name"])
        for t in suite.get("tests", []):
            out["%s::%s" % (page, t["name"])] = verdict(t)
    return out


class BadExpectations(Exception):
    """An expectations file that cannot be used; the message says where."""


def parse_deviation(text):
    """"FAIL: returned 0" -> ("FAIL", "returned 0"); "CRASH" -> ("CRASH", "")."""
    for v in DEVIATIONS:
        if text == v:
            return v, ""
        if text.startswith(v + ": ") and text[len(v) + 2:].strip():
            return v, text[len(v) + 2:]
    return None


def expectation_lines(path, kind):
    """The data lines of an expectations file as (line number, columns),
    after checking its header; comments and blank lines are skipped."""
    head = EXPECT_HEAD[kind]
    try:
        with open(path, encoding="utf-8") as f:
            lines = [(n, l.rstrip("\n")) for n, l in enumerate(f, 1)
                     if l.strip() and not l.startswith("#")]
    except (OSError, UnicodeDecodeError) as e:
        raise BadExpectations("%s: cannot read: %s" % (path, e))
    if not lines:
        raise BadExpectations("%s: empty (it needs the header %s)" % (path, "<TAB>".join(head)))
    n, first = lines[0]
    if first.split("\t") != head:
        raise BadExpectations("%s:%d: header must be %s, not %r" % (path, n, "<TAB>".join(head), first))
    out = []
    for n, l in lines[1:]:
        cols = l.split("\t")
        if len(cols) != len(head) or not all(c.strip() for c in cols):
            raise BadExpectations("%s:%d: %d non-empty tab-separated columns expected (%s), got %d"
                                  % (path, n, len(head), ", ".join(head), len(cols)))
        out.append((n, cols))
    return out


def read_expectations(path, ids=None):
    """id -> {deviation: (verdict, text), reason, reproduction}; raises
    BadExpectations for a malformed file, an unknown id or a repeated one."""
    if ids is None:
        ids = {a["id"] for a in read_tsv(CATALOGUE)}
    out = {}
    for n, (i, dev, reason, repro) in expectation_lines(path, "conformance"):
        if i not in ids:
            raise BadExpectations("%s:%d: no assertion %r in conformance/assertions.tsv" % (path, n, i))
        if i in out:
            raise BadExpectations("%s:%d: %s is listed twice" % (path, n, i))
        parsed = parse_deviation(dev)
        if not parsed:
            raise BadExpectations("%s:%d: deviation %r is not VERDICT or VERDICT: text (verdicts: %s)"
                                  % (path, n, dev, ", ".join(DEVIATIONS)))
        out[i] = {"deviation": parsed, "text": dev, "reason": reason, "reproduction": repro}
    return out


KEY = re.compile(r"^[a-z_]+(/[A-Za-z0-9_.*~+-]+){2,}$")


def check_fuzz_expectations(path):
    """Fuzz keys: harness/function/situation[/observed], fnmatch patterns;
    a crash or hang key must name one exact situation (no wildcard)."""
    seen = set()
    for n, (key, reason, regression) in expectation_lines(path, "fuzz"):
        if not KEY.match(key):
            raise BadExpectations("%s:%d: key %r is not harness/function/situation[/observed]" % (path, n, key))
        if key.split("/")[0] not in HARNESSES:
            raise BadExpectations("%s:%d: key %r: no harness %r (harnesses: %s)"
                                  % (path, n, key, key.split("/")[0], ", ".join(HARNESSES)))
        if re.search(r"/(crash|hang)$", key) and any(c in key for c in "*?["):
            raise BadExpectations("%s:%d: crash/hang key %r must name one exact call and input shape, no wildcard"
                                  % (path, n, key))
        if key in seen:
            raise BadExpectations("%s:%d: %s is listed twice" % (path, n, key))
        seen.add(key)


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


def apply_expectation(status, evidence, exp):
    """A row's verdict once its expectation is known: XFAIL only when the
    target fails the way the row says."""
    verdict, text = exp["deviation"]
    if status == verdict and text in evidence:
        return "XFAIL", "%s (%s) %s" % (exp["text"], exp["reason"], evidence)
    now = "%s %s" % (status, evidence) if evidence else status
    if status == "PASS":
        return "XPASS", "expected deviation: %s; now: PASS (the expectation is stale)" % exp["text"]
    return "FAIL", "expected deviation: %s; now: %s" % (exp["text"], now)


def target_rows(results, expect, unresolved=None):
    rows = []
    for a in read_tsv(CATALOGUE):
        if unresolved is not None:
            status, evidence = "UNRESOLVED", unresolved
        elif a["waiver"]:
            status, evidence = "UNTESTED", a["waiver"]
        else:
            status, evidence = results.get(a["test"], ("NOT-RUN", "no result"))
        if a["id"] in expect and unresolved is None:
            status, evidence = apply_expectation(status, evidence, expect[a["id"]])
        rows.append(dict(a, status=status, evidence=evidence))
    return rows


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
