"""The spine's checks: each catalogue row's quote is the words of its page at
the line it cites (or of ref/README's reading it cites), each row is marked
`/* spine: ID */` once in ref/src beside the code that implements it, and the
mutants' and fuzz situations' spines name assertions that exist.

Every message says what to change and where."""
import fnmatch
import functools
import os
import re

from common import (FUZZ_SPINE, MUTANT_SPINE, MUTANTS, ROOT, SPEC_DIR, SPINE, read_tsv)

REF_SRC = os.path.join(ROOT, "ref", "src")
REF_README = os.path.join(ROOT, "ref", "README.md")
# A mark: the comment alone names one row, in full.
MARK = re.compile(r"/\* spine: ([a-z_]+/[A-Za-z0-9_/-]+) \*/")
# A function definition: a line in column 0 naming `name(`, whose statement
# meets `{` before any `;` (attributes read past).
DEFINITION = re.compile(r"^(?:[A-Za-z_][\w \t\*]*?\b)?([A-Za-z_]\w*)\(")
ATTRIBUTE = re.compile(r"__attribute__\s*\(\(.*?\)\)\s*")
BREAK_HYPHEN = "\u2010"     # groff's hyphen where it broke a word at a line end
MIN_WORDS, MAX_CHARS = 2, 200


def words(text):
    return " ".join(text.split())


def join_lines(lines):
    """The lines of one paragraph as one string with single spaces, words
    broken at a line end made whole again; and where each line starts in it."""
    text, starts = "", []
    for line in lines:
        line = words(line)
        if text and not text.endswith(BREAK_HYPHEN):
            text += " "
        text = text[:-1] if text.endswith(BREAK_HYPHEN) else text
        starts.append(len(text))
        text += line
    return text, starts


def page_path(page):
    return os.path.join(SPEC_DIR, "" if page.endswith(".md") else "man", page)


@functools.lru_cache(maxsize=None)
def page_lines(page):
    """The page's lines, or None if it does not exist."""
    path = page_path(page)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def paragraph_from(lines, n):
    """Line n (1-based) and the rest of its paragraph."""
    end = n - 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[n - 1:end]


def starts_on(lines, n, quote):
    """Whether `quote` starts on line n (1-based): found in line n and the
    rest of its paragraph, at a place within line n."""
    if not 0 < n <= len(lines) or not lines[n - 1].strip():
        return False
    text, starts = join_lines(paragraph_from(lines, n))
    at = text.find(quote)
    return 0 <= at and (len(starts) < 2 or at < starts[1])


def lines_starting(lines, quote):
    """The page lines on which `quote` starts."""
    return [n for n in range(1, len(lines) + 1) if starts_on(lines, n, quote)]


def quote_shape(quote):
    """What is wrong with a quote's form, whatever it cites."""
    if not quote:
        return "no quote: add the clause's words, as the page has them, in spine.tsv's quote column"
    if quote != words(quote):
        return "the quote %r has leading, trailing or doubled spaces: write it with single spaces" % quote
    if len(quote.split()) < MIN_WORDS or len(quote) > MAX_CHARS:
        return ("the quote %r is not %d words or more within %d characters: quote the clause, "
                "not one word of it or a whole paragraph" % (quote, MIN_WORDS, MAX_CHARS))
    return None


def page_problem(rid, page, n, quote):
    """What is wrong with citing `quote` at line n of `page`, or None."""
    lines = page_lines(page)
    if lines is None:
        return "%s: no page %s under %s: cite one of its pages" % (rid, page, SPEC_DIR)
    if starts_on(lines, n, quote):
        return None
    held = lines[n - 1].strip() if 0 < n <= len(lines) else ""
    where = lines_starting(lines, quote)
    fix = ("it starts at %s: set spec to %s:%d in conformance/assertions/spine.tsv"
           % (", ".join("%s:%d" % (page, w) for w in where), page, where[0]) if where else
           "%s has no such words: copy the clause's words from the page into spine.tsv's quote "
           "column, or cite the line where they start now" % page)
    return "%s: %s:%d %s the quote %r; %s" % (
        rid, page, n, "reads %r, not" % held if held else "is blank or past the end, not",
        quote, fix)


def readings():
    """ref/README's numbered readings (its section "Readings of the pages"):
    number -> its text on one line, bold marks dropped."""
    with open(REF_README, encoding="utf-8") as f:
        text = f.read().replace("**", "")
    section = re.search(r"^## Readings of the pages\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    out, num, body = {}, None, []
    for line in (section.group(1) if section else "").split("\n") + [""]:
        m = re.match(r"^(\d+)\. ", line)
        if m or not line.strip():
            if num is not None:
                out[num] = join_lines(body)[0]
            num, body = (int(m.group(1)), [line[m.end():]]) if m else (None, [])
        elif num is not None:
            body.append(line)
    return out


def reading_problem(rid, num, quote, texts):
    """What is wrong with citing `quote` in reading `num`, or None."""
    if num not in texts:
        return "%s: ref/README.md has no reading %d: cite one of its numbered readings" % (rid, num)
    if quote not in texts[num]:
        where = [n for n, t in sorted(texts.items()) if quote in t]
        return ("%s: ref/README's reading %d does not hold the quote %r; %s" % (
            rid, num, quote, "reading %d does: set spec to ref/README#reading-%d" % (where[0], where[0])
            if where else "copy the reading's words into spine.tsv's quote column"))
    return None


def table_lines():
    """conformance/assertions/spine.tsv's lines, numbered, without comments."""
    with open(SPINE, encoding="utf-8", errors="replace") as f:
        return [(n, l.rstrip("\n")) for n, l in enumerate(f, 1)
                if l.strip() and not l.startswith("#")]


def header_problem():
    lines = table_lines()
    if not lines or lines[0][1].split("\t") != ["id", "spec", "quote"]:
        return ("conformance/assertions/spine.tsv: the header must be id<TAB>spec<TAB>quote "
                "(its head comment says what each holds)")
    return None


def table_problems(ids):
    """spine.tsv's rows: three fields each, each id once and a row of the
    catalogue."""
    problems, seen = [], set()
    for n, line in table_lines()[1:]:
        fields = line.split("\t")
        where = "conformance/assertions/spine.tsv:%d" % n
        if len(fields) != 3:
            problems.append("%s: %d tab-separated fields, not 3 (id, spec, quote)"
                            % (where, len(fields)))
        elif fields[0] in seen:
            problems.append("%s: %s has a row already: keep one" % (where, fields[0]))
        elif fields[0] not in ids:
            problems.append("%s: %s is no test's or waiver's id: fix the id or remove the row"
                            % (where, fields[0]))
        seen.add(fields[0])
    return problems


def spec_problems(rows):
    """Each row's spec and quote against the pages and ref/README."""
    problems, texts = [], readings()
    have_pages = os.path.isdir(SPEC_DIR)
    for r in rows:
        rid, spec, quote = r["id"], r["spec"], r["quote"]
        if not spec:
            problems.append("%s: no row in conformance/assertions/spine.tsv: add "
                            "id<TAB>PAGE:LINE<TAB>quote" % rid)
            continue
        shape = quote_shape(quote)
        if shape:
            problems.append("%s: %s" % (rid, shape))
            continue
        m = re.match(r"^ref/README#reading-(\d+)$", spec)
        if m:
            p = reading_problem(rid, int(m.group(1)), quote, texts)
        else:
            m = re.match(r"^([a-z_]+\.(?:txt|md)):(\d+)$", spec)
            if not m:
                p = ("%s: spec %r is neither PAGE:LINE (bsendl.txt:42) nor ref/README#reading-N"
                     % (rid, spec))
            elif have_pages:
                p = page_problem(rid, m.group(1), int(m.group(2)), quote)
            else:
                p = None
        if p:
            problems.append(p)
    return problems


def defined_at(lines, i):
    """The function whose definition starts at line i, or None."""
    m = DEFINITION.match(ATTRIBUTE.sub("", lines[i]))
    if not m:
        return None
    for line in lines[i:]:
        for c in line:
            if c in "{;":
                return m.group(1) if c == "{" else None
    return None


def functions_by_line(lines):
    """For each line of a C file, the function it belongs to: the one whose
    body holds it, or, outside any body, the next one defined."""
    owner, pending, current = [None] * len(lines), [], None
    for i, line in enumerate(lines):
        name = defined_at(lines, i) if current is None else None
        if name:
            current = name
            for j in pending:
                owner[j] = current
            pending = []
        if current is None:
            pending.append(i)
        else:
            owner[i] = current
            if line.startswith("}"):
                current = None
    return owner


def ref_marks():
    """id -> [(file:line, function)] of every mark in ref/src, and the lines
    that mention `spine:` in another form."""
    marks, malformed = {}, []
    for fn in sorted(os.listdir(REF_SRC)):
        if not fn.endswith((".c", ".h")):
            continue
        with open(os.path.join(REF_SRC, fn), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        owner = functions_by_line(lines)
        for i, line in enumerate(lines):
            if "spine:" not in line:
                continue
            found = MARK.findall(line)
            where = "ref/src/%s:%d" % (fn, i + 1)
            if len(found) != 1 or line.count("spine:") != 1:
                malformed.append("%s: a mark is `/* spine: PAGE/ERRNO/how */`, one full id a line: %r"
                                 % (where, line.strip()))
            elif owner[i] is None:
                malformed.append("%s: the mark %s is after the file's last function: move it "
                                 "beside the code that implements it" % (where, found[0]))
            else:
                marks.setdefault(found[0], []).append((where, owner[i]))
    return marks, malformed


def ref_problems(rows):
    """Each row marked exactly once; each mark names a row."""
    marks, problems = ref_marks()
    ids = {r["id"] for r in rows}
    for r in rows:
        got = marks.get(r["id"], [])
        if not got:
            problems.append("%s: no `/* spine: %s */` in ref/src: add it beside the code that "
                            "implements the clause" % (r["id"], r["id"]))
        elif len(got) > 1:
            problems.append("%s: marked %d times (%s): keep the one beside the code that "
                            "implements the clause" % (r["id"], len(got), ", ".join(w for w, _ in got)))
    for mid, got in sorted(marks.items()):
        if mid not in ids:
            problems.append("%s: marks %s, which no test or waiver defines: fix the id or "
                            "remove the mark" % (got[0][0], mid))
    return problems


def ref_of():
    """id -> the ref/src function its mark is in (or is just before)."""
    marks, _ = ref_marks()
    return {i: got[0][1] for i, got in marks.items() if len(got) == 1}


def mutant_problems(ids):
    """Each mutant names the assertions that catch it, and they exist."""
    problems = []
    caught = {m["mutant"]: m["assertions"].split() for m in read_tsv(MUTANT_SPINE)}
    for m in read_tsv(MUTANTS):
        if m["id"] not in caught:
            problems.append("mutant %s: no row in conformance/mutants/spine.tsv" % m["id"])
    for mutant, pats in caught.items():
        for p in pats:
            if not fnmatch.filter(ids, p):
                problems.append("conformance/mutants/spine.tsv: mutant %s: %s matches no "
                                "assertion id" % (mutant, p))
    return problems


def fuzz_problems(ids):
    """Each fuzz situation listed exists in fuzz/lib and names assertions."""
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
                problems.append("fuzz/spine.tsv: %s: %s matches no assertion id"
                                % (row["situation"], p))
    return problems
