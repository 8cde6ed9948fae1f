"""What every job of the report shares: where the project's tables live, how
a TSV table is read and written, the verdicts, and the fuzz harnesses."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)
ROOT = os.path.dirname(SUITE)
CATALOGUE = os.path.join(SUITE, "assertions.tsv")
WAIVERS = os.path.join(SUITE, "assertions", "waivers.tsv")
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


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def write_tsv(path, rows, cols):
    with open(path, "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "").replace("\t", " ") for c in cols) + "\n")
