"""The top-level definitions of a C file, for taking a few of them out.

A reproducer is made of the definitions a test needs, copied from the
suite's files.  This module cuts a file into top-level items (a macro, a
type, a variable, a function, a test) and says which names each defines
and which it refers to.  It is no C parser: it knows what the suite's
files are written with (C11, macros at the top level, no K&R), and says so
when it meets something else."""
import re

TOKEN = re.compile(r"""
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<pp>^[ \t]*\#(?:[^\n\\]|\\.|\\\n)*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<number>\.?\d(?:[\w.]|[eEpP][+-])*)
  | (?P<arrow>->)
  | (?P<space>\s+)
  | (?P<punct>.)
""", re.S | re.M | re.X)

KEYWORDS = set("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed
sizeof static struct switch typedef union unsigned void volatile while _Alignas
_Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
_Thread_local __attribute__ defined bool true false NULL""".split())


class Token:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line

    def __repr__(self):
        return "%s:%r" % (self.kind, self.text)


def tokenize(text):
    out, line = [], 1
    for m in TOKEN.finditer(text):
        out.append(Token(m.lastgroup, m.group(), line))
        line += m.group().count("\n")
    return out


TYPE_WORDS = set("""char short int long float double signed unsigned bool void size_t
ssize_t off_t pid_t uid_t mode_t socklen_t int8_t int16_t int32_t int64_t uint8_t
uint16_t uint32_t uint64_t uintptr_t intptr_t""".split())


def locals_of(tokens):
    """Names a function declares for itself: its parameters, and the
    variables its statements declare (`int a = 1, b;`), which shadow any
    file's names of the same spelling."""
    sig = significant(tokens)
    names, k = set(), 0
    open_at = next((i for i, t in enumerate(sig) if t.text == "{"), len(sig))
    for i, t in enumerate(sig[:open_at]):
        if t.kind == "ident" and i + 1 < open_at and sig[i + 1].text in (",", ")", "["):
            names.add(t.text)          # a parameter's name
    while k < len(sig):
        t = sig[k]
        starts = k > open_at and sig[k - 1].text in ("{", ";", "}", "(")
        if starts and (t.text in TYPE_WORDS or t.text in ("struct", "enum", "const", "static")):
            k = declared(sig, k, names)
        k += 1
    return names


def declared(sig, k, names):
    """Adds the names a declaration at sig[k] declares; returns where it ends."""
    while k < len(sig) and (sig[k].text in TYPE_WORDS or sig[k].text in
                            ("struct", "enum", "const", "static", "volatile", "*") or
                            (k > 0 and sig[k - 1].text in ("struct", "enum"))):
        k += 1
    depth = 0
    expect_name = True
    while k < len(sig):
        t = sig[k]
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
            if depth < 0:
                return k
        elif depth == 0 and t.text == ";":
            return k
        elif depth == 0 and t.text == ",":
            expect_name = True
        elif expect_name and t.kind == "ident" and depth == 0:
            names.add(t.text)
            expect_name = False
        elif t.text != "*" and depth == 0:
            expect_name = False
        k += 1
    return k


class Item:
    """One top-level definition: its text (with the comment just above it),
    the names it defines, the identifiers it uses, and its kind: define,
    function, proto (a declaration only), type, var, test, group (an #if
    block kept whole)."""

    def __init__(self, path, kind, tokens, comment, defines, static=False):
        self.path, self.kind, self.tokens, self.comment = path, kind, tokens, comment
        self.defines, self.static = defines, static
        self.line = tokens[0].line
        self.uses = uses_of(tokens, kind)
        if kind in ("function", "test"):
            own = locals_of(tokens)
            self.uses = [n for n in self.uses if n not in own]
        self.test = None        # (macro, page, name, clause) for a test

    def text(self, rename=None):
        body = "".join(rename.get(t.text, t.text) if rename and t.kind == "ident" else t.text
                       for t in self.tokens)
        return (self.comment + "\n" if self.comment else "") + body

    def __repr__(self):
        return "<%s %s %s>" % (self.kind, "/".join(sorted(self.defines)), self.path)


def significant(tokens):
    return [t for t in tokens if t.kind not in ("space", "comment")]


def uses_of(tokens, kind):
    """Identifiers an item refers to, in the order of their first use: not
    member names (after . or ->), not a macro's own parameters."""
    names, prev, params = {}, None, set()
    for t in tokens:
        if t.kind == "pp":
            m = re.match(r"\s*#\s*define\s+(\w+)(\(([^)]*)\))?(.*)", t.text, re.S)
            if m:
                params |= {p.strip() for p in (m.group(3) or "").split(",")}
                body = m.group(4)
            elif re.match(r"\s*#\s*(if|elif|ifdef|ifndef)", t.text):
                body = re.sub(r"^\s*#\s*\w+", "", t.text)
            else:
                continue
            for u in tokenize(body):
                if u.kind == "ident":
                    names.setdefault(u.text)
            continue
        if t.kind == "ident" and not (prev and prev.text in (".", "->")):
            names.setdefault(t.text)
        if t.kind not in ("space", "comment"):
            prev = t
    drop = params | {"__VA_ARGS__"} | KEYWORDS
    return [n for n in names if n not in drop]


def pp_directive(text):
    m = re.match(r"\s*#\s*(\w+)\s*(.*)", text, re.S)
    return (m.group(1), m.group(2).strip()) if m else ("", "")


def condition(directive, arg, undefined):
    """True, False or None (cannot tell) for an #if/#ifdef/#ifndef/#elif
    whose macro is one of `undefined` (known not to be defined)."""
    arg = re.sub(r"/\*.*?\*/|//.*", "", arg).strip()
    if directive == "ifdef":
        return False if arg in undefined else None
    if directive == "ifndef":
        return True if arg in undefined else None
    if arg in ("0", "1"):
        return arg == "1"
    m = re.fullmatch(r"(!\s*)?defined\s*\(?\s*(\w+)\s*\)?", arg)
    if m and m.group(2) in undefined:
        return bool(m.group(1))
    return None


def resolve_conditionals(tokens, undefined):
    """Keeps the branch of each #if group that `undefined` decides; groups
    it cannot decide stay whole.  Include guards (#ifndef X then #define X)
    are decided as true."""
    undefined = set(undefined)
    sig = [t for t in tokens if t.kind == "pp"]
    for a, b in zip(sig, sig[1:]):
        d1, x1 = pp_directive(a.text)
        d2, x2 = pp_directive(b.text)
        if d1 == "ifndef" and d2 == "define" and x2.split()[0:1] == [x1]:
            undefined.add(x1)
    out, stack = [], []   # stack of [decided, taking, taken]

    def live():
        return all(s[1] for s in stack if s[0])

    for t in tokens:
        if t.kind == "pp":
            d, arg = pp_directive(t.text)
            if d in ("if", "ifdef", "ifndef"):
                c = condition(d, arg, undefined) if live() else False
                if c is None or any(not s[0] for s in stack):
                    stack.append([False, True, False])
                    out.append(t)
                else:
                    stack.append([True, c, c])
                continue
            if d in ("elif", "else") and stack:
                s = stack[-1]
                if not s[0]:
                    out.append(t)
                    continue
                if s[2]:
                    s[1] = False
                    continue
                c = True if d == "else" else condition("if", arg, undefined)
                if c is None:   # the rest of the group is an #if of its own
                    stack[-1] = [False, True, False]
                    out.append(Token("pp", "#if " + arg, t.line))
                    continue
                s[1] = s[2] = c
                continue
            if d == "endif" and stack:
                s = stack.pop()
                if not s[0]:
                    out.append(t)
                continue
        if live():
            out.append(t)
    return out


def split(path, text, undefined=()):
    """The top-level items of a file, and its <...> includes."""
    tokens = resolve_conditionals(tokenize(text), undefined)
    items, includes, i, n = [], [], 0, len(tokens)
    pending = []     # comments and blank space since the last item
    while i < n:
        t = tokens[i]
        if t.kind in ("space", "comment"):
            pending.append(t)
            i += 1
            continue
        comment = leading_comment(pending)
        pending = []
        if t.kind == "pp":
            d, arg = pp_directive(t.text)
            if d in ("if", "ifdef", "ifndef"):
                j = matching_endif(tokens, i)
                item = group_item(path, tokens[i:j + 1], comment)
                items.append(item)
                i = j + 1
                continue
            if d == "include":
                if arg.startswith("<"):
                    includes.append(arg)
            elif d == "define":
                name = re.match(r"\w+", arg).group()
                items.append(Item(path, "define", [t], comment, {name}))
            i += 1
            continue
        j = item_end(tokens, i, path)
        items.append(declaration(path, tokens[i:j + 1], comment))
        i = j + 1
    return items, includes


def leading_comment(pending):
    """The comment just above an item (no blank line between)."""
    text = "".join(t.text for t in pending)
    m = re.search(r"((?:[ \t]*(?:/\*.*?\*/|//[^\n]*)[ \t]*\n)+)\s*$", text, re.S)
    if not m or "\n" in text[m.end(1):]:
        return ""
    block = m.group(1).rstrip("\n")
    return block if "\n\n" not in block else block.rsplit("\n\n", 1)[1]


def matching_endif(tokens, i):
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == "pp":
            d, _ = pp_directive(tokens[j].text)
            if d in ("if", "ifdef", "ifndef"):
                depth += 1
            elif d == "endif":
                depth -= 1
                if depth == 0:
                    return j
    raise ValueError("line %d: #if without #endif" % tokens[i].line)


def group_item(path, tokens, comment):
    """An #if block that could not be decided: one item, whose names are
    everything defined inside."""
    inner = "".join(t.text for t in tokens[1:-1])
    sub, _ = split(path, inner)
    names = set().union(*[s.defines for s in sub]) if sub else set()
    return Item(path, "group", tokens, comment, names)


def item_end(tokens, i, path):
    """Index of the last token of the declaration or definition at i: a ;
    at depth 0, or the } of a body that follows a parameter list."""
    depth, prev = 0, None
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind in ("space", "comment"):
            continue
        if t.text in "([{" and t.kind == "punct":
            if t.text == "{" and depth == 0 and prev is not None and prev.text == ")":
                return matching(tokens, j)
            depth += 1
        elif t.text in ")]}" and t.kind == "punct":
            depth -= 1
        elif t.text == ";" and depth == 0:
            return j
        prev = t
    raise ValueError("%s:%d: a declaration that does not end" % (path, tokens[i].line))


def matching(tokens, j):
    depth = 0
    for k in range(j, len(tokens)):
        if tokens[k].kind == "punct" and tokens[k].text in "([{":
            depth += 1
        elif tokens[k].kind == "punct" and tokens[k].text in ")]}":
            depth -= 1
            if depth == 0:
                return k
    raise ValueError("line %d: unbalanced brackets" % tokens[j].line)


def declaration(path, tokens, comment):
    sig = significant(tokens)
    words = [t.text for t in sig]
    static = "static" in words[:4]
    if sig[-1].text == "}" and sig[0].kind == "ident" and sig[1].text == "(" \
            and sig[0].text.startswith("DS_"):
        return test_item(path, tokens, comment, sig)
    if sig[-1].text == "}":
        return Item(path, "function", tokens, comment, {function_name(sig, path)}, static)
    if words[0] == "typedef":
        return Item(path, "type", tokens, comment, {typedef_name(sig)})
    names, kind = declarators(sig)
    if words[0] in ("struct", "enum", "union") and sig[1].kind == "ident" and sig[2].text == "{":
        names.add(sig[1].text)
        kind = "type" if sig[-2].text == "}" else kind
    if words[0] == "enum" or (len(words) > 1 and words[1] == "enum"):
        names |= enumerators(sig)
    if words[0] == "extern":
        kind = "proto"
    return Item(path, kind, tokens, comment, names, static)


def test_item(path, tokens, comment, sig):
    """DS_TEST(page, name, "clause") { ... } and its kin."""
    args, k, depth = [[]], 2, 1
    while depth:
        t = sig[k]
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        if depth == 1 and t.text == ",":
            args.append([])
        elif depth:
            args[-1].append(t)
        k += 1
    if len(args) < 3:
        raise ValueError("%s:%d: %s with %d arguments" % (path, sig[0].line, sig[0].text, len(args)))
    page, name = args[0][0].text, args[1][0].text
    clause = "".join(t.text for t in args[2])
    item = Item(path, "test", tokens, comment, {"%s::%s" % (page, name)})
    item.test = (sig[0].text, page, name, clause)
    return item


def function_name(sig, path):
    """The name a definition defines: the identifier before its parameter
    list, or a macro call there (WRAP(malloc)(...)), expanded later."""
    k = 0
    while k < len(sig):
        if sig[k].text == "__attribute__":
            k = skip_parens(sig, k + 1)
            continue
        if sig[k].text == "(" and k > 0 and sig[k - 1].kind == "ident":
            close = skip_parens(sig, k)
            if close < len(sig) and sig[close].text == "(":
                inner = "".join(t.text for t in sig[k + 1:close - 1])
                return "%s(%s)" % (sig[k - 1].text, inner)   # a macro names it
            return sig[k - 1].text
        k += 1
    raise ValueError("%s:%d: cannot find the name of this definition" % (path, sig[0].line))


def skip_parens(sig, k):
    """Index after the parenthesized group starting at sig[k]."""
    depth = 0
    while k < len(sig):
        if sig[k].text == "(":
            depth += 1
        elif sig[k].text == ")":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return k


def typedef_name(sig):
    for k, t in enumerate(sig):
        if t.text == "(" and k + 2 < len(sig) and sig[k + 1].text == "*":
            return sig[k + 2].text
    return [t.text for t in top_level(sig) if t.kind == "ident"][-1]


def top_level(sig):
    """The tokens outside any bracket."""
    out, depth = [], 0
    for t in sig:
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def declarators(sig):
    """Names a declaration declares, and whether it is a prototype."""
    parts, cur, depth = [], [], 0
    sig = without_braces(sig)
    for t in sig[:-1]:
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        if t.text == "," and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    names, proto = set(), False
    for p in parts:
        cut = next((k for k, t in enumerate(p) if t.text == "=" and depth_at(p, k) == 0), len(p))
        p = p[:cut]
        if any(t.text == "(" for t in p) and not typed_pointer(p):
            names.add(function_name(p, ""))
            proto = True
            continue
        idents = [t.text for t in top_level(p) if t.kind == "ident" and t.text not in KEYWORDS]
        if idents:
            names.add(idents[-1])
    return names, "proto" if proto else "var"


def without_braces(sig):
    """The tokens outside {...} groups (a struct's members, an initializer)."""
    out, depth = [], 0
    for t in sig:
        if t.text == "{":
            depth += 1
            continue
        if t.text == "}":
            depth -= 1
            continue
        if depth == 0:
            out.append(t)
    return out


def typed_pointer(p):
    """A variable of function pointer type: `int (*f)(int)`; not a function
    with such a parameter (`void f(int x, void (*g)(int))`): the first
    parenthesis decides."""
    first = next((k for k, t in enumerate(p) if t.text == "("), None)
    return first is not None and first + 1 < len(p) and p[first + 1].text == "*"


def depth_at(p, k):
    depth = 0
    for t in p[:k]:
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
    return depth


def enumerators(sig):
    names, depth = set(), 0
    for k, t in enumerate(sig):
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth -= 1
        elif depth == 1 and t.kind == "ident" and sig[k + 1].text in (",", "=", "}") \
                and sig[k - 1].text in ("{", ","):
            names.add(t.text)
    return names


def expand_name(name, macros):
    """WRAP(malloc) -> malloc, with the file's own function-like macros
    (`#define WRAP(f) f`, `#define REAL(f) __libc_##f`)."""
    m = re.fullmatch(r"(\w+)\((\w+)\)", name)
    if not m or m.group(1) not in macros:
        return name
    d = re.match(r"\s*#\s*define\s+\w+\((\w+)\)\s*(.*)", macros[m.group(1)], re.S)
    if not d:
        return name
    body = re.sub(r"\b%s\b" % d.group(1), m.group(2), d.group(2).strip())
    return re.sub(r"\s*##\s*", "", body)
