"""reports/index.html: one self-contained page of a run's results, written
from the same data as matrix.md.  Every target side by side; each row with
its clause in the page's own words, its verdict, evidence and expectation
per target, the upstream issue where one is known and its reproducer; counts
per verdict and per page at the top, and filters by page, verdict and "differs
between targets".

Nothing is fetched: no external script, style, font or image, and the
page's Content-Security-Policy allows no request and no script but its own
(by hash), so even a text that escaped its escaping could not run.  Every
text a test or target printed goes through common.printable() and is then
HTML-escaped."""
import base64
import hashlib
import html
import os
import re

from common import CATALOGUE, OK, VERDICTS, printable, read_tsv, repro_name
from output import differs, matrix_rows, nothing_checked

UPSTREAM = re.compile(r"(?:sustrik/)?libdill#(\d+)|github\.com/sustrik/libdill/issues/(\d+)")
LONG = 240

STYLE = """
body { font: 14px/1.4 sans-serif; margin: 1em 2em; color: #222; }
h1 { font-size: 1.5em; margin: 0 0 .3em; } h2 { font-size: 1.15em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }
th { background: #f3f3f3; text-align: left; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
#rows td { max-width: 34em; } #rows td.id { white-space: nowrap; }
code, .ev { font-family: monospace; font-size: 12px; } .ev { white-space: pre-wrap; overflow-wrap: anywhere; }
.quote { font-style: italic; } .ours, .spec, .exp { color: #666; font-size: 12px; }
.v { display: inline-block; padding: 0 5px; border-radius: 3px; font-weight: bold; font-size: 12px; }
.PASS { background: #d7f5d7; } .XFAIL { background: #e6e0f5; } .UNTESTED, .UNTESTED-not-provided { background: #eee; }
.FAIL, .FAIL-missing, .CRASH, .TIMEOUT, .XPASS, .UNDOCUMENTED-ERRNO { background: #f8c9c9; }
.UNRESOLVED, .NOT-RUN { background: #fde7b0; } .flag { background: #fde7b0; }
form { margin: .6em 0; } form label { margin-right: 1.2em; }
"""

SCRIPT = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#rows tbody tr'));
  var targets = JSON.parse(document.getElementById('targets').textContent);
  // Counts, from the rows themselves: what the page shows is what it counts.
  var byVerdict = {}, byPage = {};
  rows.forEach(function (tr) {
    tr.querySelectorAll('td[data-v]').forEach(function (td) {
      var t = td.getAttribute('data-t'), v = td.getAttribute('data-v'), p = tr.getAttribute('data-page');
      byVerdict[t + '|' + v] = (byVerdict[t + '|' + v] || 0) + 1;
      byPage[p] = byPage[p] || {};
      byPage[p][t] = byPage[p][t] || {};
      byPage[p][t][v] = (byPage[p][t][v] || 0) + 1;
    });
  });
  document.querySelectorAll('td[data-count-t]').forEach(function (td) {
    td.textContent = byVerdict[td.getAttribute('data-count-t') + '|' + td.getAttribute('data-count-v')] || 0;
  });
  document.querySelectorAll('td[data-page-t]').forEach(function (td) {
    var c = (byPage[td.getAttribute('data-page-p')] || {})[td.getAttribute('data-page-t')] || {};
    td.textContent = Object.keys(c).sort().map(function (v) { return c[v] + ' ' + v; }).join(', ');
  });
  // Filters; their state is also read from the address (#page=..&verdict=..&differs=1).
  var form = document.getElementById('filters');
  function apply() {
    var page = form.page.value, verdict = form.verdict.value, diff = form.differs.checked;
    var text = form.text.value.toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var ok = (!page || tr.getAttribute('data-page') === page) &&
               (!verdict || (' ' + tr.getAttribute('data-vs') + ' ').indexOf(' ' + verdict + ' ') >= 0) &&
               (!diff || tr.getAttribute('data-differs') === '1') &&
               (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' rows shown';
  }
  var given = new URLSearchParams(location.hash.slice(1));
  form.page.value = given.get('page') || '';
  form.verdict.value = given.get('verdict') || '';
  form.differs.checked = given.get('differs') === '1';
  form.text.value = given.get('text') || '';
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  apply();
  document.body.setAttribute('data-ready', targets.length);
})();
"""


def esc(text):
    return html.escape(printable(text), quote=True)


def slug(verdict):
    """A verdict as a class name: "FAIL (missing)" -> "FAIL-missing"."""
    return re.sub(r"[^A-Za-z-]+", "-", verdict).strip("-")


def upstream_links(*texts):
    nums = []
    for t in texts:
        for m in UPSTREAM.finditer(t or ""):
            n = m.group(1) or m.group(2)
            if n not in nums:
                nums.append(n)
    return " ".join('<a href="https://github.com/sustrik/libdill/issues/%s">libdill#%s</a>' % (n, n)
                    for n in nums)


def evidence(text):
    if len(text) <= LONG:
        return '<div class="ev">%s</div>' % esc(text)
    return ('<details><summary class="ev">%s...</summary><div class="ev">%s</div></details>'
            % (esc(text[:LONG]), esc(text)))


def split_evidence(row):
    """(the expectation's deviation, its reason, what the test said): an XFAIL
    row's evidence starts with the first two (expectations.apply_expectation)."""
    expected, reason, ev = row.get("expected", ""), row.get("reason", ""), row["evidence"]
    prefix = "%s (%s) " % (expected, reason)
    if expected and row["status"] == "XFAIL" and ev.startswith(prefix):
        ev = ev[len(prefix):]
    return expected, reason, ev


def target_cell(ti, row, ref_row, repro_dir, rid):
    if row is None:
        return '<td data-t="%d" data-v="-">-</td>' % ti
    v = row["status"]
    flag = nothing_checked(row) and (ref_row is None or ref_row["status"] == "PASS")
    out = ['<td data-t="%d" data-v="%s"><span class="v %s">%s</span>' % (ti, esc(v), slug(v), esc(v))]
    if flag:
        out.append(' <span class="v flag" title="the test found nothing to check on this target">(!)</span>')
    expected, reason, ev = split_evidence(row)
    if ev:
        out.append(evidence(ev))
    if expected:
        out.append('<details class="exp"><summary>pinned: %s %s</summary>%s</details>'
                   % (esc(expected), upstream_links(reason), esc(reason)))
    if v not in OK or v == "XFAIL":
        name = repro_name(rid)   # the file ci/repro writes
        repro = os.path.join(repro_dir, name)
        out.append('<div class="exp">reproducer: %s</div>' % (
            '<a href="repro/%s">repro/%s</a>' % (esc(name), esc(name)) if os.path.exists(repro)
            else "<code>ci/repro %s</code>" % esc(rid)))
    return "".join(out) + "</td>"


def counts_tables(names, pages, present):
    out = ["<h2>Verdicts</h2><table><tr><th>verdict</th>"]
    out += ["<th>%s</th>" % esc(n) for n in names] + ["</tr>"]
    for v in [v for v in VERDICTS if v in present]:
        out.append('<tr><td><span class="v %s">%s</span></td>' % (slug(v), esc(v)))
        out += ['<td class="n" data-count-t="%d" data-count-v="%s"></td>' % (i, esc(v))
                for i in range(len(names))]
        out.append("</tr>")
    out.append("</table><h2>By page</h2><table><tr><th>page</th><th>rows</th>")
    out += ["<th>%s</th>" % esc(n) for n in names] + ["</tr>"]
    for p, n in pages:
        out.append("<tr><td>%s</td><td class=\"n\">%d</td>" % (esc(p), n))
        out += ['<td data-page-p="%s" data-page-t="%d"></td>' % (esc(p), i) for i in range(len(names))]
        out.append("</tr>")
    return out + ["</table>"]


def filters(pages):
    opts = lambda xs: "".join('<option value="%s">%s</option>' % (esc(x), esc(x)) for x in xs)
    return ['<form id="filters">',
            '<label>page <select name="page"><option value="">all</option>%s</select></label>' % opts(pages),
            '<label>verdict on any target <select name="verdict"><option value="">all</option>%s</select></label>'
            % opts(VERDICTS),
            '<label><input type="checkbox" name="differs"> differs between targets</label>',
            '<label>text <input name="text" size="24"></label>',
            '<span id="shown"></span></form>']


def about_table(names, about):
    out = ["<table><tr><th>target</th><th>report</th><th>expectations</th></tr>"]
    for n in names:
        d, e = about.get(n, ("", ""))
        out.append("<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>" % (esc(n), esc(d), esc(e or "none")))
    return out + ["</table>"]


def write_page(path, names, by_target, about=None):
    """index.html for the targets `names` (label -> assertions.tsv rows);
    about: label -> (its report directory, its expectations file)."""
    catalogue = {a["id"]: a for a in read_tsv(CATALOGUE)}
    rows = matrix_rows(names, by_target)
    pages = {}
    for i, _, _ in rows:
        pages[i.split("/")[0]] = pages.get(i.split("/")[0], 0) + 1
    repro_dir = os.path.join(os.path.dirname(os.path.abspath(path)), "repro")
    ref = names.index("ref") if "ref" in names else None
    body = ["<h1>dillspec conformance</h1>",
            "<p>%d assertions on %d target(s): %s. The same data as matrix.md; each clause in "
            "its man page's words (page:line).</p>" % (len(rows), len(names), esc(", ".join(names)))]
    present = {r["status"] for rs in by_target.values() for r in rs}
    body += about_table(names, about or {})
    body += counts_tables(names, sorted(pages.items()), present) + ["<h2>Rows</h2>"] + filters(sorted(pages))
    body.append('<table id="rows"><thead><tr><th>assertion</th><th>clause</th>%s</tr></thead><tbody>'
                % "".join("<th>%s</th>" % esc(n) for n in names))
    for rid, clause, cells in rows:
        a = catalogue.get(rid, {})
        statuses = [c["status"] if c else "-" for c in cells]
        quote = a.get("quote") or clause
        body.append('<tr data-page="%s" data-differs="%d" data-vs="%s">'
                    % (esc(rid.split("/")[0]), differs(statuses), esc(" ".join(sorted(set(statuses))))))
        body.append('<td class="id"><code>%s</code><div class="spec">%s</div></td>'
                    % (esc(rid), esc(a.get("spec", ""))))
        body.append('<td><div class="quote">%s</div>%s%s</td>' % (
            esc(quote), '<div class="ours">%s</div>' % esc(clause) if quote != clause else "",
            (" " + upstream_links(a.get("upstream"))) if a.get("upstream") else ""))
        ref_row = cells[ref] if ref is not None else None
        body += [target_cell(ti, c, ref_row, repro_dir, rid) for ti, c in enumerate(cells)]
        body.append("</tr>")
    body.append("</tbody></table>")
    targets = esc_json(names)
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    with open(path, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "style-src 'unsafe-inline'; script-src 'sha256-%s'\">\n"
                '<title>dillspec conformance</title><style>%s</style></head>\n<body>\n%s\n'
                '<script type="application/json" id="targets">%s</script>\n<script>%s</script>\n'
                '</body></html>\n' % (digest, STYLE, "\n".join(body), targets, SCRIPT))


def esc_json(names):
    """A list of names as JSON safe inside a script element."""
    import json
    return json.dumps([printable(n) for n in names]).replace("<", "\\u003c").replace("&", "\\u0026")
