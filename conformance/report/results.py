"""What the Criterion runner says of each test, read so that no message can
break the reading: the suite's own verdict record (support/record.c: one
escaped line per test, appended as each test ends) and, as its check and
its backup, Criterion 2.4.1's criterion.json, read line by line in the
layout Criterion prints, since it does not escape the messages it copies.

    outcomes, problems = read_results(record_path, json_path)

`outcomes` maps "page::name" (suites lose the target's dill_ prefix) to an
Outcome; `problems` lists, one line each, what kept the two files from
telling the whole story (a missing file, a line that is not a record, the
two disagreeing).  Every test either file gives is in `outcomes` whatever
went wrong with the rest.  Messages are str, any byte that is not UTF-8
kept as a surrogate escape (common.printable shows it as \\xNN)."""
import collections
import re

Outcome = collections.namedtuple("Outcome", "status detail messages source")
# status: PASSED, FAILED, SKIPPED, CRASHED or TIMEOUT; detail: "signal N",
# "exit N" or ""; messages: a list of str; source: "record" or "json".
STATUSES = ("PASSED", "FAILED", "SKIPPED", "CRASHED", "TIMEOUT")
# When one test has several lines (a crash reported after its end), the
# most severe one says what happened.
SEVERITY = {s: i for i, s in enumerate(("PASSED", "SKIPPED", "FAILED", "TIMEOUT", "CRASHED"))}
ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|.)", re.S)
NAMED = {b"\\": b"\\", b"t": b"\t", b"n": b"\n", b"r": b"\r"}


def test_id(suite, name):
    return "%s::%s" % (re.sub(r"^dill_", "", suite), name)


def text(raw):
    return raw.decode("utf-8", "surrogateescape")


def unescape_record(field):
    """A record field (bytes) back to the bytes the test printed."""
    def one(m):
        e = m.group(1)
        if e[:1] == b"x" and len(e) == 3:
            return bytes([int(e[1:], 16)])
        return NAMED.get(e, b"\\" + e)
    return ESCAPE.sub(one, field)


def read_record(data):
    """The record's lines -> ({test: Outcome}, [problem])."""
    out, problems = {}, []
    for n, line in enumerate(data.split(b"\n"), 1):
        if not line or line.startswith(b"#"):
            continue
        cols = line.split(b"\t")
        status = cols[3].decode("ascii", "replace") if len(cols) >= 5 else ""
        if cols[0] != b"test" or status not in STATUSES:
            problems.append("line %d is not a verdict record (%d bytes)" % (n, len(line)))
            continue
        key = test_id(text(unescape_record(cols[1])), text(unescape_record(cols[2])))
        o = Outcome(status, text(unescape_record(cols[4])),
                    [text(unescape_record(c)) for c in cols[5:]], "record")
        if key not in out or SEVERITY[status] >= SEVERITY[out[key].status]:
            out[key] = o
    return out, problems


# Criterion 2.4.1's JSON, as src/io/json.c prints it: a suite's name at six
# spaces, a test's fields at ten, a failed test's messages at twelve, one
# line of a message each (its later lines prefixed with two spaces);
# crashes, timeouts and skips have their one message inline.
SUITE_NAME = re.compile(r'^ {6}"name": "(.*)",$')
TEST_NAME = re.compile(r'^ {10}"name": "(.*)",$')
STATUS = re.compile(r'^ {10}"status": "([A-Z]+)"')
MESSAGES = re.compile(r'^ {10}"messages": \[(.*)$')
MESSAGE = re.compile(r'^ {12}"(.*)"(,?)$')
JSON_STATUS = {"PASSED": "PASSED", "FAILED": "FAILED", "SKIPPED": "SKIPPED"}


def read_json(data):
    """Criterion's criterion.json -> ({test: Outcome}, [problem]), whatever
    its messages hold (a strict JSON parser fails on the first quote)."""
    tests, problems = [], []
    suite, current = None, None
    mode = None          # None, "list" (messages one a line), "inline"
    for n, raw in enumerate(data.split(b"\n"), 1):
        line = text(raw)
        if mode == "list":
            if line == " " * 10 + "]":
                mode = None
                continue
            m = MESSAGE.match(line)
            body = m.group(1) if m else line
            if current["messages"] and (not m or body.startswith("  ")):
                # A later line of the same message (or a line Criterion
                # did not write: kept, not lost).
                current["messages"][-1] += "\n" + (body[2:] if m else body)
            else:
                current["messages"].append(body)
            continue
        if mode == "inline":
            done = line.endswith('"]')
            current["messages"][-1] += "\n" + (line[:-2] if done else line)
            mode = None if done else "inline"
            continue
        m = SUITE_NAME.match(line)
        if m:
            suite = m.group(1)
            continue
        m = TEST_NAME.match(line)
        if m:
            current = {"suite": suite or "", "name": m.group(1), "status": None, "messages": []}
            tests.append(current)
            continue
        m = STATUS.match(line)
        if m and current:
            current["status"] = m.group(1)
            continue
        m = MESSAGES.match(line)
        if m and current:
            rest = m.group(1)
            if rest == "":
                mode = "list"
            elif rest.endswith('"]'):
                current["messages"].append(rest[1:-2])
            else:
                current["messages"].append(rest[1:])
                mode = "inline"
    out = {}
    for t in tests:
        status = JSON_STATUS.get(t["status"])
        if t["status"] == "ERRORED":
            status = "TIMEOUT" if any("timed out" in m for m in t["messages"]) else "CRASHED"
        if status is None:
            problems.append("criterion.json: test %s has no status Criterion writes (%r)"
                            % (test_id(t["suite"], t["name"]), t["status"]))
            continue
        out[test_id(t["suite"], t["name"])] = Outcome(status, "", t["messages"], "json")
    return out, problems


def coarse(status):
    """What both files can tell: the JSON says ERRORED for both ways to die."""
    return "ERRORED" if status in ("CRASHED", "TIMEOUT") else status


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def read_results(record_path, json_path):
    """Both files -> (outcomes, problems); see the module's comment."""
    record, problems = {}, []
    try:
        record, bad = read_record(read_file(record_path))
        problems += ["%s: %s" % (record_path, p) for p in bad]
        have_record = True
    except OSError as e:
        have_record = False
        record_error = e.strerror or str(e)
    try:
        crit, bad = read_json(read_file(json_path))
        have_json = True
    except OSError as e:
        crit, bad, have_json = {}, [], False
        json_error = e.strerror or str(e)
    if not have_record and not have_json:
        problems.append("no results: neither the verdict record (%s: %s) nor criterion.json "
                        "(%s: %s); the runner did not run or died at once"
                        % (record_path, record_error, json_path, json_error))
        return {}, problems
    if not have_record:
        problems.append("no verdict record (%s: %s): verdicts from criterion.json alone"
                        % (record_path, record_error))
    if not have_json:
        problems.append("no criterion.json (%s: %s): the runner did not finish; verdicts "
                        "from the record" % (json_path, json_error))
    only_json = sorted(set(crit) - set(record))
    if have_record and only_json:
        problems.append("%d test(s) in criterion.json have no verdict record line (first: %s): "
                        "their verdicts come from criterion.json" % (len(only_json), only_json[0]))
    if only_json or not have_record:
        problems += ["%s: %s" % (json_path, p) for p in bad]
    differ = sorted(t for t in set(crit) & set(record)
                    if coarse(crit[t].status) != coarse(record[t].status))
    if differ:
        t = differ[0]
        problems.append("the record and criterion.json disagree on %d test(s) (first: %s: %s "
                        "in the record, %s in criterion.json); the record's verdicts are used"
                        % (len(differ), t, record[t].status, crit[t].status))
    out = dict(crit)
    out.update(record)
    return out, problems
