"""Expectations files: a target's known deviations, for the conformance suite
(id, deviation, reason, reproduction) and for the fuzzers (key, reason,
regression input); their validation, and a row's verdict once its
expectation is applied."""
import re

from common import CATALOGUE, VERDICTS, harnesses, read_tsv

# What a target's run can show, and so what an expectation can pin.
DEVIATIONS = [v for v in VERDICTS if v not in ("PASS", "XFAIL", "XPASS", "NOT-RUN")]
EXPECT_HEAD = {"conformance": ["id", "deviation", "reason", "reproduction"],
               "fuzz": ["key", "reason", "regression input"]}


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
        if key.split("/")[0] not in harnesses():
            raise BadExpectations("%s:%d: key %r: no harness %r (harnesses: %s)"
                                  % (path, n, key, key.split("/")[0], ", ".join(harnesses())))
        if re.search(r"/(crash|hang)$", key) and any(c in key for c in "*?["):
            raise BadExpectations("%s:%d: crash/hang key %r must name one exact call and input shape, no wildcard"
                                  % (path, n, key))
        if key in seen:
            raise BadExpectations("%s:%d: %s is listed twice" % (path, n, key))
        seen.add(key)


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
            status, evidence = results.get(a["test"], (
                "NOT-RUN", "no result: the runner reported nothing of this test (see criterion.log)"))
        exp = expect.get(a["id"]) if unresolved is None else None
        if exp:
            status, evidence = apply_expectation(status, evidence, exp)
        rows.append(dict(a, status=status, evidence=evidence,
                         expected=exp["text"] if exp else "", reason=exp["reason"] if exp else ""))
    return rows


