"""The fuzz findings of a ci/corpus or ci/fuzz run on the console: for each,
its key, the input and one command line that replays that input against
the same build with the same environment.

ci/fuzzlib.sh's note_finding appends one line per finding to the run's
findings.tsv (no header): target, harness, what the harness said (its
"finding KEY: ..." line, or why the input failed), the input, how the
program takes it ("arg" or "stdin"), the program, and the LD_LIBRARY_PATH,
DILLSPEC_FUZZ_KNOWN, DILLSPEC_FUZZ_ABSENT and DILLSPEC_FUZZ_PEER it ran
with, and the input's standalone C program (ci/repro --fuzz).  Any byte
in any field is survived and shown escaped."""
import re
import shlex

from common import printable
from console import listing, one_line

COLUMNS = ["target", "harness", "said", "input", "mode", "program",
           "LD_LIBRARY_PATH", "DILLSPEC_FUZZ_KNOWN", "DILLSPEC_FUZZ_ABSENT", "DILLSPEC_FUZZ_PEER",
           "reproducer"]
KEY = re.compile(r"finding (\S+?):?(?:\s|$)")


def read_findings(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    out = []
    for line in data.split(b"\n"):
        if line.strip():
            cols = line.decode("utf-8", "surrogateescape").split("\t")
            out.append(dict(zip(COLUMNS, cols + [""] * (len(COLUMNS) - len(cols)))))
    return out


def key(f):
    m = KEY.search(f["said"])
    return m.group(1) if m else f["said"]


def relative(path, root):
    """A path as a user types it from the checkout, when it is inside it."""
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1:]
    return path


def command(f):
    """One shell line that replays the input as the run did, from any
    directory (the paths are absolute)."""
    if not f["program"]:
        return "(not recorded)"
    env = ["%s=%s" % (v, shlex.quote(f[v])) for v in COLUMNS[6:10]
           if f[v] or v == "DILLSPEC_FUZZ_KNOWN"]
    inp = shlex.quote(f["input"])
    return printable(" ".join(env + [shlex.quote(f["program"]), ("< " if f["mode"] == "stdin" else "") + inp]))


def summary(path, root=None):
    """The lines printed after a run: each finding once per target, harness
    and key (how many inputs gave it, the shortest of them, and the command
    that replays that one), the first N of them, then where the rest are."""
    groups = {}
    for f in read_findings(path):
        groups.setdefault((f["target"], f["harness"], key(f)), []).append(f)
    lines = []
    for (target, harness, k), fs in groups.items():
        f = min(fs, key=lambda f: (len(f["input"]), f["input"]))
        lines.append("%s/%s  %s  %s%s\n    reproduce: %s\n    C program: %s"
                     % (printable(target), printable(harness), one_line(k, 120),
                        printable(relative(f["input"], root)),
                        " (and %d more inputs)" % (len(fs) - 1) if len(fs) > 1 else "", command(f),
                        printable(f["reproducer"]) or "none (see the run's log)"))
    out = listing("findings", lines, path)
    return out[:1] + [l for item in out[1:] for l in item.split("\n")] if out else []
