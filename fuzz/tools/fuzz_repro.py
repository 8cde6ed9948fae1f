#!/usr/bin/env python3
"""A fuzz input (a finding, a regression input) as a standalone C program:
builds what recording needs, records the harness's run of the input,
writes the program with to_c.py and, with --target, builds and runs it
there (ci/repro --fuzz is the command; ci/corpus and ci/fuzz call it for
each finding).

  fuzz_repro.py INPUT... [--harness H] [--target ref|PREFIX] [--out DIR]
                [--build DIR] [--quiet] [--no-run]

The harness is --harness, or the directory the input is in
(corpus/<harness>/..., reports/fuzz/<target>/<harness>/...).  Where the
input is recorded: the handles harness keeps a model of what the pages
allow for each call, so its finding on a target is recorded on that target,
where the run reaches the failing call; the others judge by what ref does
(the differential harness runs ref in-process), so their inputs are
recorded on ref.  --no-run writes the program only.
Exit status: for one input built and run, the program's; else 0, or 2 when
an input could not be converted."""
import functools
import hashlib
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "conformance", "repro"))
import generate  # noqa: E402
import repro  # noqa: E402
import to_c  # noqa: E402

# Harnesses whose model judges every call: their findings on a target are
# recorded there.  (The differential harness runs ref in its own process
# and the target in its peer: its divergences are recorded on ref.)
MODEL_HARNESSES = ("handles",)


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def harness_of(path):
    parts = os.path.abspath(path).split(os.sep)
    for h in sorted(os.listdir(os.path.join(ROOT, "fuzz", "harness"))):
        if h.endswith(".c") and h[:-2] in parts[:-1]:
            return h[:-2]
    return None


@functools.lru_cache(maxsize=None)
def recorder(build, ref):
    """The preloaded recorder, built against ref's header."""
    lib = os.path.join(build, "fuzz-record", "librecord.so")
    srcs = [os.path.join(HERE, f) for f in ("recorder.c", "recorder_dill.c", "recorder_sys.c",
                                            "recorder.h")]
    if not os.path.exists(lib) or os.path.getmtime(lib) < max(map(os.path.getmtime, srcs)):
        os.makedirs(os.path.dirname(lib), exist_ok=True)
        # Hidden but for the wrappers: the helpers must not stand in for
        # the program's own functions of the same names.
        r = sh([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-fvisibility=hidden", "-O1",
                "-Wall", "-Wextra", "-o", lib] + srcs[:3] + [
                "-I" + os.path.join(ref, "include"), "-ldl"])
        if r.returncode != 0:
            sys.exit("fuzz_repro: the recorder did not build:\n" + r.stdout[-2000:])
    return lib


@functools.lru_cache(maxsize=None)
def replay_build(build, prefix, name):
    """The harnesses' replay programs linked against the shared libdill
    under `prefix` (cached; cmake rebuilds what changed)."""
    tree = os.path.join(build, "fuzz-record", name)
    for cmd in (["cmake", "-S", ROOT, "-B", tree, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                 "-DDILLSPEC_TARGET=" + prefix, "-DDILLSPEC_CONFORMANCE=OFF",
                 "-DDILLSPEC_BENCH=OFF", "-DDILLSPEC_FUZZ_ENGINE=replay"],
                ["cmake", "--build", tree, "-j", os.environ.get("JOBS", "2")]):
        r = sh(cmd)
        if r.returncode != 0:
            sys.exit("fuzz_repro: building the harnesses against %s failed:\n%s"
                     % (prefix, r.stdout[-2000:]))
    absent = os.path.join(tree, "dillspec", "absent.txt")
    with open(absent) if os.path.exists(absent) else open(os.devnull) as f:
        return os.path.join(tree, "fuzz"), f.read().strip()


def regression_note(harness, path):
    """What corpus/regressions.tsv says the input found."""
    name = os.path.basename(path)
    for row in generate.read_tsv(os.path.join(ROOT, "corpus", "regressions.tsv")):
        if row.get("harness") == harness and row.get("input") == name:
            return ["What it found (corpus/regressions.tsv, on %s): %s"
                    % (row.get("target", "?"), row.get("what it found", ""))]
    return []


def convert(path, harness, recording, ref_prefix, build, out):
    """Writes the program; returns its path and the finding the recorded
    run reported (or "")."""
    preload = recorder(build, ref_prefix)
    prefix, label = (ref_prefix, "ref") if recording == "ref" else (recording, None)
    label = label or "%s-%s" % (os.path.basename(prefix.rstrip("/")), hashlib.sha256(
        os.path.realpath(prefix).encode()).hexdigest()[:12])
    bins, absent = replay_build(build, prefix, label)
    os.environ["DILLSPEC_FUZZ_ABSENT"] = absent
    text, code, err = to_c.record(os.path.join(bins, "fuzz_" + harness), preload, path)
    found = re.findall(r"dillspec-fuzz: finding (\S+)", err) or \
        ["a hang (no return within the replay's limit)"] * ("timeout (a hang)" in err)
    rel = os.path.relpath(os.path.abspath(path), ROOT)
    title = "%s (fuzz harness %s), as a standalone C program" % (
        rel if not rel.startswith("..") else os.path.basename(path), harness)
    notes = regression_note(harness, path)
    notes += ["Recorded against %s%s." % (
        "ref" if recording == "ref" else "the libdill under " + prefix,
        ", where the harness found %s at the last call" % found[0] if found else
        ", where every call did what the pages allow")]
    c = to_c.render(text, title, notes, reference=recording == "ref")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", "%s.%s" % (harness, os.path.basename(path)))
    if rel.startswith(".") or not rel.startswith("corpus" + os.sep):
        # A finding's file name (minimized, crash-...) is the same in every
        # run and target: its bytes tell two programs apart.
        with open(path, "rb") as f:
            name += "-" + hashlib.sha256(f.read()).hexdigest()[:8]
    dst = os.path.join(out, "fuzz", name + ".c")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "w") as f:
        f.write(c.replace("THIS_FILE", name))
    return dst, found[0] if found else ""


def parse(argv):
    o = {"harness": None, "target": None, "out": os.path.join(ROOT, "reports", "repro"),
         "build": os.path.join(ROOT, "build"), "quiet": False, "run": True, "inputs": []}
    while argv:
        a = argv.pop(0)
        if a in ("--harness", "--target", "--out", "--build") and argv:
            o[a[2:]] = argv.pop(0)
        elif a == "--quiet":
            o["quiet"] = True
        elif a == "--no-run":
            o["run"] = False
        elif a.startswith("-"):
            sys.exit("fuzz_repro: unknown argument %s (see --help)" % a)
        else:
            o["inputs"].append(a)
    return o


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    o = parse(argv)
    ref = repro.ref_prefix(os.path.join(o["build"], "repro-ref"))
    target = o["target"]
    status = 0
    for path in o["inputs"]:
        harness = o["harness"] or harness_of(path)
        if not harness or not os.path.isfile(path):
            print("fuzz_repro: %s: %s" % (path, "no such file" if harness else
                  "which harness? (--harness, or an input under corpus/<harness>/)"))
            status = 2
            continue
        recording = target if target and target != "ref" and harness in MODEL_HARNESSES else "ref"
        dst, found = convert(path, harness, recording, ref, o["build"], o["out"])
        print("reproducer: %s" % (os.path.relpath(dst, ROOT) if dst.startswith(ROOT + os.sep)
                                  else dst))
        if not target or not o["run"]:
            continue
        flags = repro.link_flags(ref if target == "ref" else target)
        binary = os.path.join(o["build"], "fuzz-record", os.path.basename(dst)[:-2])
        if not repro.build(dst, binary, flags, quiet=o["quiet"]):
            status = 2
            continue
        code, output = repro.run(binary, capture=o["quiet"])
        if o["quiet"]:
            print("  %s" % next((l for l in output.split("\n") if re.match(
                r"(FAIL|PASS|UNRESOLVED|CRASH|TIMEOUT)", l)), "(no verdict)"))
        status = code if len(o["inputs"]) == 1 else status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
