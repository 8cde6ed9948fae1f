"""A test's verdict from what the Criterion runner reported of it."""
import json
import os
import re


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


