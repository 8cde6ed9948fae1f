#!/usr/bin/env python3
"""Opens a run's index.html in headless Chromium (Debian's), as a user
would, and checks what it renders once its script ran: the counts per
verdict and target equal the targets' assertions.tsv, every row is there,
the filters show the right rows, each evidence reads as its printable()
text and brought in no element of its own.  Keeps a screenshot.

    check_page.py PAGE PNG DIR...      the page of a run of the targets DIR...
    check_page.py --messages OUT       a page of two targets whose messages hold
                                       every kind of byte (test_messages.c),
                                       written and checked in OUT

Exit status 0 when every check held; one line per failed check."""
import collections
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import printable, read_tsv  # noqa: E402
from htmlpage import split_evidence  # noqa: E402
from output import differs  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(args):
    """Runs Debian's Chromium with a fresh profile; returns its stdout."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("check_page: no chromium (ci/deps browser installs Debian's)")
    profile = tempfile.mkdtemp(prefix="dspage.")
    try:
        p = subprocess.run([exe] + FLAGS + ["--user-data-dir=" + profile] + args,
                           capture_output=True, timeout=180)
        return p.stdout.decode("utf-8", "surrogateescape")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Dom(html.parser.HTMLParser):
    """What the checks read of a rendered page: the counts, the rows (hidden
    or not, each cell's verdict and evidence text), and every tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts, self.rows, self.tags = {}, [], collections.Counter()
        self.links, self.ready = [], None
        self.stack = []            # (tag, what its text is collected for)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        what = None
        if tag == "body":
            self.ready = a.get("data-ready")
        if tag == "a":
            self.links.append(a.get("href", ""))
        if tag == "td" and "data-count-t" in a:
            what = ("count", int(a["data-count-t"]), a["data-count-v"])
            self.counts[what[1:]] = ""
        if tag == "tr" and "data-page" in a:
            self.rows.append({"hidden": "hidden" in a, "cells": [], "id": None})
        if tag == "code" and self.rows and self.rows[-1]["id"] is None:
            what = ("id",)
            self.rows[-1]["id"] = ""
        if tag == "td" and "data-v" in a and self.rows:
            self.rows[-1]["cells"].append({"v": a["data-v"], "ev": []})
        if tag == "div" and a.get("class") == "ev" and self.rows:
            what = ("ev",)
            self.rows[-1]["cells"][-1]["ev"].append("")
        if tag not in ("br", "meta", "input", "option"):
            self.stack.append((tag, what))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        whats = [w for _, w in self.stack if w]
        if not whats:
            return
        w = whats[-1]
        if w[0] == "count":
            self.counts[w[1:]] += data
        elif w[0] == "id":
            self.rows[-1]["id"] += data
        elif w[0] == "ev":
            self.rows[-1]["cells"][-1]["ev"][-1] += data


def render(page, fragment=""):
    dom = Dom()
    dom.feed(chromium(["--dump-dom", "file://" + os.path.abspath(page) + fragment]))
    return dom


def check(page, png, dirs):
    """The checks, one message per failure."""
    targets = [read_tsv(os.path.join(d, "assertions.tsv")) for d in dirs]
    by_id = [{r["id"]: r for r in rows} for rows in targets]
    ids = sorted(set().union(*by_id))
    bad = []
    dom = render(page)
    if dom.ready != str(len(dirs)):
        return ["the page's script did not run to its end (data-ready=%r)" % dom.ready]
    for t, rows in enumerate(targets):
        want = collections.Counter(r["status"] for r in rows)
        for (ct, v), got in dom.counts.items():
            if ct == t and got.strip() != str(want.get(v, 0)):
                bad.append("target %s: %s rendered as %r, assertions.tsv has %d"
                           % (dirs[t], v, got, want.get(v, 0)))
        for v in want:
            if (t, v) not in dom.counts:
                bad.append("target %s: no rendered count of %s" % (dirs[t], v))
    if sorted(r["id"] for r in dom.rows) != ids:
        bad.append("the page has %d rows, the reports %d assertions" % (len(dom.rows), len(ids)))
    for r in dom.rows:
        for t, c in enumerate(r["cells"]):
            row = by_id[t].get(r["id"])
            if row and c["v"] != row["status"]:
                bad.append("%s on %s: rendered %s, assertions.tsv %s" % (r["id"], dirs[t], c["v"], row["status"]))
            said = split_evidence(row)[2] if row else ""
            if said and printable(said) not in c["ev"]:
                bad.append("%s on %s: the evidence does not render as its text" % (r["id"], dirs[t]))
    # Nothing but the page's own elements: no evidence became markup.
    if dom.tags["script"] != 2 or any(dom.tags[t] for t in ("img", "iframe", "object", "embed", "link")):
        bad.append("elements the page does not make: %s" % dict(dom.tags))
    if [l for l in dom.links if not l.startswith(("repro/", "https://github.com/sustrik/libdill/issues/"))]:
        bad.append("links the page does not make: %s" % dom.links)
    # The filters: rows whose verdicts differ; rows with a failure.
    for fragment, keep in (("#differs=1", lambda s: differs(s)), ("#verdict=FAIL", lambda s: "FAIL" in s)):
        shown = sorted(r["id"] for r in render(page, fragment).rows if not r["hidden"])
        want = [i for i in ids if keep([b[i]["status"] if i in b else "-" for b in by_id])]
        if shown != want:
            bad.append("filter %s shows %d rows, %d expected" % (fragment, len(shown), len(want)))
    chromium(["--window-size=1400,2400", "--screenshot=" + os.path.abspath(png),
              "file://" + os.path.abspath(page)])
    if not os.path.exists(png):
        bad.append("no screenshot written to %s" % png)
    return bad


def messages_run(out):
    """Two targets whose messages hold every kind of byte: the messages
    program read with its record, and read from criterion.json alone."""
    from test_messages import TEXTS, build
    os.makedirs(out, exist_ok=True)
    exe = build(out)
    env = dict(os.environ, DILLSPEC_RECORD=os.path.join(out, "verdicts.record"))
    env.update({"DS_TEXT_" + n: t.hex() for n, (t, _) in TEXTS.items()})
    js = os.path.join(out, "criterion.json")
    subprocess.run([exe, "-j2", "--json=" + js], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    report = os.path.join(HERE, "report.py")
    dirs = [os.path.join(out, "with-record"), os.path.join(out, "json-only")]
    subprocess.run([report, "target", js, dirs[0], "record <&>\"'"], stdout=subprocess.DEVNULL)
    os.unlink(env["DILLSPEC_RECORD"])
    subprocess.run([report, "target", js, dirs[1], "json"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    subprocess.run([report, "combine", os.path.join(out, "matrix.md")] + dirs, stdout=subprocess.DEVNULL)
    return os.path.join(out, "index.html"), os.path.join(out, "index.png"), dirs


def main(args):
    if len(args) == 2 and args[0] == "--messages":
        page, png, dirs = messages_run(args[1])
    elif len(args) >= 3:
        page, png, dirs = args[0], args[1], args[2:]
    else:
        sys.exit(__doc__)
    bad = check(page, png, dirs)
    for b in bad:
        print("check_page: %s: %s" % (page, printable(b)))
    print("check_page: %s: %d target(s): %s; screenshot %s"
          % (page, len(dirs), "%d check(s) failed" % len(bad) if bad else "counts, rows, evidence, filters hold", png))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
