"""A test's verdict from what the Criterion runner reported of it
(results.Outcome): the status, and the tags the suite's messages start with
(support.h: FAIL, FAIL (missing), UNDOCUMENTED-ERRNO, UNRESOLVED, TIMEOUT,
UNTESTED)."""
import signal

from results import read_results


def signal_name(detail):
    """"signal 11" -> "signal 11 (SIGSEGV)"."""
    try:
        n = int(detail.split()[1])
        return "%s (%s)" % (detail, signal.Signals(n).name)
    except (IndexError, ValueError):
        return detail


def verdict(o):
    """An Outcome -> (verdict, evidence)."""
    text = " | ".join(o.messages)
    if o.status == "PASSED":
        return "PASS", ""
    if o.status == "SKIPPED":
        if "UNTESTED (not provided):" in text:
            return "UNTESTED (not provided)", text
        return ("UNTESTED" if "UNTESTED" in text else "UNRESOLVED"), text
    if o.status == "TIMEOUT":
        return "TIMEOUT", text or "Criterion's timeout ended the test"
    if o.status == "CRASHED":
        died = ("the test's process died of %s" % signal_name(o.detail)
                if o.detail.startswith("signal") else "")
        return "CRASH", " | ".join(m for m in (text, died) if m) or "The test crashed."
    # The fixture's watchdog ends a test that did not return in its limit.
    for tag in ("FAIL (missing)", "TIMEOUT", "UNRESOLVED", "UNDOCUMENTED-ERRNO"):
        if tag + ":" in text:
            return tag, text
    if not text and o.detail.startswith("exit"):
        return "FAIL", "the test's process ended with %s status and no message" % o.detail
    return "FAIL", text


def criterion_results(record_path, json_path):
    """suite::name -> (verdict, evidence), and the problems of reading
    (results.read_results)."""
    outcomes, problems = read_results(record_path, json_path)
    return {t: verdict(o) for t, o in outcomes.items()}, problems
