"""The standalone C reproducer of one catalogue row: the row's test as the
suite has it, with the support code it uses, copied as they are, and the
stand-ins of standalone/ for Criterion, libfiu, libseccomp and the
contract's Linux-only parts (see README.md)."""
import os
import re

import csource
import pool
from pool import ROOT, rel

CATALOGUE = os.path.join(ROOT, "conformance", "assertions.tsv")
SPEC_DIR = os.path.normpath(os.environ.get("DILLSPEC_SPEC") or
                            os.path.join(ROOT, "..", "shared", "spec"))
STANDINS = os.path.join(ROOT, "cmake", "dill_standins.h")
ERRORS = os.path.join(ROOT, "contract", "dc_errors.c")

# What the header says when a test sets up a fault (by a name the program
# then uses).
FAULTS = {
    "ds_inject_emfile": "EMFILE comes from lowering RLIMIT_NOFILE (setrlimit) to the fds "
                        "open at that point.",
    "seccomp_load": "The fault is injected by a seccomp filter (Linux) that makes the named "
                    "system calls fail with the errno.",
    "fiu_fail": "Allocation failures: this program defines malloc, calloc, realloc and "
                     "free itself, on top of glibc's (__libc_malloc and kin), so that the "
                     "library's allocations go through them and the n-th can be made to "
                     "fail (glibc; the library linked shared or static).",
    "ds_drop_root": "Run as root, the test drops to uid 65534 for the permission check.",
}


def read_tsv(path):
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def catalogue():
    return {r["id"]: r for r in read_tsv(CATALOGUE)}


def c_string(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def safe_name(row_id):
    """A file name for any id: '/' becomes '.', and every other byte that is
    not a letter, digit, '_' or '-' (the '.' included) becomes %XX."""
    out = []
    for b in row_id.encode("utf-8"):
        c = chr(b)
        out.append("." if c == "/" else c if c.isascii() and (c.isalnum() or c in "_-")
                   else "%%%02X" % b)
    name = "".join(out)
    return ("%2D" + name[1:] if name.startswith("-") else name) + ".c"


# The page's words.

def page_words(spec):
    """The text at a row's `spec`: the page's paragraph from that line, or
    ref/README's reading; None when it cannot be read."""
    m = re.match(r"^ref/README#reading-(\d+)$", spec)
    if m:
        with open(os.path.join(ROOT, "ref", "README.md")) as f:
            text = f.read()
        r = re.search(r"^%s\. (.*?)(?=^\d+\. |^#|\Z)" % m.group(1), text, re.S | re.M)
        return " ".join(r.group(1).replace("**", "").replace("`", "").split()) if r else None
    m = re.match(r"^([\w.]+):(\d+)$", spec)
    if not m:
        return None
    path = os.path.join(SPEC_DIR, "" if m.group(1).endswith(".md") else "man", m.group(1))
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    para = []
    for line in lines[int(m.group(2)) - 1:]:
        if not line.strip() or (para and line.strip().startswith("\u2022")):
            break
        para.append(line.strip())
    # man(1) hyphenates a word across lines with U+2010.
    text = re.sub(r"(\w)\u2010 (\w)", r"\1\2", " ".join(para))
    return " ".join(text.replace("\u2022", "").split()) or None


def promise(row):
    """'brecv(3), brecv.txt:43: "EBADF: Invalid handle."' (the catalogue's
    `quote` when it has one)."""
    spec = row.get("spec", "")
    page = row["id"].split("/")[0]
    words = row.get("quote") or page_words(spec)
    where = ("%s(3), %s" % (page, spec) if not spec.startswith("ref/") else
             "%s(3) is silent here; dillspec's reading %s" % (page, spec.split("-")[-1]))
    return '%s: "%s"' % (where, words) if words else where


# The contract's ERRORS tables, for the *_ERRS macros.

def error_tables():
    """{DC_NAME: [errno, ...]}, and the page of each."""
    with open(ERRORS) as f:
        text = f.read()
    arrays = {m.group(1): [e.strip() for e in m.group(2).split(",") if e.strip() not in ("", "0")]
              for m in re.finditer(r"static const int (\w+)\[\] = \{([^}]*)\};", text)}
    tables, pages = {}, {}
    for m in re.finditer(r'\[(DC_\w+)\]\s*=\s*\{\s*"\w+",\s*"([\w.]+)",\s*'
                         r'(?:ERRS\(([^)]*)\)|(\w+))\s*\}', text, re.S):
        errs = ([e.strip() for e in m.group(3).split(",")] if m.group(3)
                else arrays[m.group(4)])
        tables[m.group(1)], pages[m.group(1)] = errs, m.group(2)
    return tables, pages


def errs_macro(item, tables, pages):
    """`#define CLOSE_ERRS dc_errors(DC_IPC_CLOSE)` as the list itself."""
    m = re.match(r"\s*#\s*define\s+(\w+)\s+dc_(page_)?errors\((DC_\w+)\)\s*$",
                 item.tokens[0].text)
    if not m:
        return None
    fn = m.group(3)
    errs = tables[fn]
    if m.group(2):
        errs = []
        for g, page in pages.items():
            if page == pages[fn]:
                errs += [e for e in tables[g] if e not in errs]
    body = "DS_ERRS(%s)" % ", ".join(errs) if errs else "((const int[]){0})"
    return "#define %s %s   /* %s's ERRORS */" % (m.group(1), body, pages[fn])


# Functions not every libdill has: the ones that libdill 2.10 to master (the
# releases with shipped expectations) do not all declare or export.  A call
# of one is a weak reference, so that the program builds and says which is
# missing; a build that lacks another function fails to link, naming it.
OPTIONAL = ("ipc_fromfd", "ipc_fromfd_mem", "ipc_listener_fromfd", "ipc_listener_fromfd_mem",
            "ipc_sendfd", "ipc_recvfd")


def optional_functions():
    """{name: prototype} of OPTIONAL, as cmake/dill_standins.h gives them."""
    with open(STANDINS) as f:
        text = f.read()
    found = {m.group(1): m.group(2).strip()
             for m in re.finditer(r"#if !DS_HAVE_(\w+)\n(.*?)\{", text, re.S)}
    return {n: p for n, p in found.items() if n in OPTIONAL and re.search(r"\b%s\(" % n, p)}


def optional_item(name, proto):
    """A weak reference to `name`, and the suite's stand-in for it."""
    params = re.search(r"\((.*)\)", proto).group(1)
    args = [re.findall(r"\w+", p)[-1] for p in params.split(",")]
    standin = proto.replace(name + "(", "ds_lacks_%s(" % name, 1)
    comment = "/* " + "\n * ".join(wrap(
        "%s is not in every libdill: a weak reference lets this program build without "
        "it, and a call then ends the test as UNRESOLVED, as the suite's stand-in does "
        "(cmake/dill_standins.h).  A weak reference takes nothing out of a static "
        "libdill.a: link one with -Wl,-u,dill_%s." % (name, name))) + " */\n"
    text = comment + (
        "#ifndef %(n)s\n%(dproto)s;\n#endif\n#pragma weak dill_%(n)s\n"
        "#define DS_HAVE_%(n)s (dill_%(n)s != 0)\n#define DS_HAVE_dill_%(n)s DS_HAVE_%(n)s\n"
        "static %(standin)s {\n    %(voids)s;\n    ds_needs_absent(\"%(n)s\");\n}\n"
        "#undef %(n)s\n#define %(n)s(...) \\\n    (DS_HAVE_%(n)s ? dill_%(n)s : ds_lacks_%(n)s)(__VA_ARGS__)"
        % {"n": name, "dproto": proto.replace(name + "(", "dill_%s(" % name, 1),
           "standin": standin, "voids": ", ".join("(void)%s" % a for a in args)})
    return synthetic(text, {name, "dill_" + name, "DS_HAVE_" + name, "DS_HAVE_dill_" + name})


def synthetic(text, names, kind="define"):
    item = csource.Item("(generated)", kind, csource.tokenize(text), "", set(names))
    return item


# The reproducer.

class Reproducer:
    def __init__(self, row):
        self.row = row
        self.page, self.name = row["test"].split("::")
        self.file = os.path.join(pool.TESTS, self.test_file())
        self.pool = pool.Pool(self.file)
        tables, pages = error_tables()
        for item in self.pool.items:
            if item.kind == "define":
                text = errs_macro(item, tables, pages)
                if text:
                    item.tokens = csource.tokenize(text)
                    item.uses = csource.uses_of(item.tokens, "define")
        for name, proto in optional_functions().items():
            self.pool.add_override(optional_item(name, proto))

    def test_file(self):
        """The tests/ file that defines the row's test."""
        base = self.page[:-4] if self.page.endswith("_mem") else self.page
        pattern = re.compile(r"DS_(?:TEST|TWIN)\(\s*(%s|%s)\s*,\s*%s\s*," %
                             (re.escape(self.page), re.escape(base), re.escape(self.name)))
        for fn in sorted(os.listdir(pool.TESTS)):
            with open(os.path.join(pool.TESTS, fn)) as f:
                if pattern.search(f.read()):
                    return fn
        raise SystemExit("repro: no test %s::%s in conformance/tests" % (self.page, self.name))

    def add_other_haves(self, own):
        """The support code's DS_HAVE_ tests of other functions (a fork
        without bsend): what is not optional is in every libdill from 2.10
        on."""
        used = {n for i in self.pool.items for n in i.uses
                if n.startswith("DS_HAVE_") and len(n) > len("DS_HAVE_")}
        for n in sorted(used - own - set(self.pool.overrides) - set(self.pool.exported)):
            self.pool.add_override(synthetic("/* %s is in every libdill. */\n#define %s 1"
                                             % (n[len("DS_HAVE_"):], n), {n}))

    def have_items(self, test):
        """DS_HAVE_<page> for the pages the test runs, where it is not an
        optional function's (those come with the stand-in)."""
        macro, page = test.test[0], test.test[1]
        pages = [page, page + "_mem"] if macro == "DS_TWIN" else [page]
        out, optional = [], optional_functions()
        for p in pages:
            if p in optional:
                out.append(self.pool.resolve(p, test))
                continue
            names = "#define DS_HAVE_%s 1\n" % p
            if macro == "DS_TWIN" and p == page:   # DS_TEST sees it through libdill.h's macro
                names += "#define DS_HAVE_dill_%s 1\n" % p
            out.append(synthetic("/* %s is in every libdill. */\n" % p + names.rstrip(),
                                 {"DS_HAVE_" + p}))
        return out

    def text(self):
        test = self.pool.test(self.page, self.name)
        if test is None:
            raise SystemExit("repro: no DS_TEST/DS_TWIN %s::%s in %s"
                             % (self.page, self.name, rel(self.file)))
        main = synthetic(self.main_text(), {"main"}, "function")
        runner = self.pool.resolve("ds_repro", main)
        self.generated = self.have_items(test)
        self.add_other_haves({n for i in self.generated for n in i.defines})
        selected = []
        for root in [runner] + self.generated + [test]:
            selected += self.pool.closure(root, done=selected)[0]
        self.check_names(selected)
        return self.header(selected) + self.body(self.arrange(selected, test, main))
    def main_text(self):
        row = self.row
        return ("int main(void) {\n    return ds_repro(&(struct ds_row){%s,\n        %s,\n"
                "        %s,\n        %s});\n}\n" % (
                    c_string(row["id"]), c_string(row["test"]), c_string(row["clause"]),
                    c_string(promise(row))))

    def check_names(self, order):
        seen = {}
        for item in order:
            for n in item.defines:
                if n in seen and seen[n] is not item and item.kind != "proto":
                    raise SystemExit("repro: %s defines %s, as %s does: the reproducer would "
                                     "define it twice" % (item.path, n, seen[n].path))
                seen[n] = item

    def header(self, order):
        row, uses = self.row, {n for i in order for n in i.uses}
        notes = [FAULTS[n] for n in FAULTS if n in uses]
        lines = wrap("%s: %s" % (row["id"], row["clause"])) + [""] + \
            wrap("What the page promises: %s" % promise(row)) + ["",
                 "Build against the installed libdill, then run (for one installed under",
                 "PREFIX: cc -I PREFIX/include ... -L PREFIX/lib -Wl,-rpath,PREFIX/lib -ldill):",
                 "    cc -o repro %s -ldill && ./repro" % safe_name(row["id"]),
                 "It prints what happened and exits 0 when the library does what the page",
                 "says, 1 when it does not (a wrong result, a leak, a crash, a hang: each",
                 "within the test's time limit), 77 when nothing could be checked."]
        if notes:
            lines += [""] + wrap(" ".join(notes))
        lines += [""] + wrap(
            "Written by dillspec's ci/repro from the test %s (%s) and the suite's support "
            "code it uses, as they are; the test is the last thing before main().  Where the "
            "suite uses Criterion, libfiu or libseccomp, conformance/repro/standalone/ stands "
            "in.  DS_NO_FORK=1 runs the test in this process (for a debugger) instead of "
            "in a child." % (row["test"], rel(self.file)))
        return "/* " + "\n * ".join(l.rstrip() for l in lines).replace(" \n", "\n") + " */\n"

    def place(self, item):
        """Where an item goes: Criterion's stand-in, the headers, the
        generated definitions, the .c files (a stand-in where the code it
        replaces was), the test's file; each file's items in their order."""
        path = item.path
        if path == "(generated)":
            return (2, 0, "", self.generated.index(item) if item in self.generated else 0)
        if path in self.pool.stands_in:
            shadowed = self.pool.shadowed(item)
            if shadowed is not None:
                return self.place(shadowed)
            return (3, 0, self.pool.stands_in[path], item.line)
        if path.startswith("conformance/repro/"):
            return (0, 0, path, item.line)
        if path == rel(self.file):
            return (4, 0, path, item.line)
        if path.endswith(".h"):
            return (1, not path.endswith("/support.h"), path, item.line)
        group = 0 if path.startswith("contract/") else 1 if path.endswith("/support.c") else 2
        return (3, group, path, item.line)

    def arrange(self, selected, test, main):
        """The order of the program: the vocabulary (macros, types,
        variables, and declarations of the functions defined further down),
        the test's own code, main(), then the runner and fixture that run
        it, which a reader may skip."""
        upper = {id(i) for i in selected} - self.harness(selected, test)
        users = {}
        for item in selected + [main]:
            for dep in self.pool.needs(item):
                users.setdefault(id(dep), []).append(item)
        while True:
            lift = {id(i) for i in selected if id(i) not in upper and i.kind != "function"
                    and any(id(u) in upper or u is main for u in users.get(id(i), []))}
            top = sorted([i for i in selected if id(i) in upper | lift
                          and i.kind not in ("function", "test")], key=self.place)
            middle = sorted([i for i in selected if id(i) in upper | lift
                             and i.kind in ("function", "test")], key=self.place)
            bottom = sorted([i for i in selected if id(i) not in upper | lift], key=self.place)
            protos = self.forward(top + middle + [main] + bottom, {id(i) for i in selected})
            if protos:
                lift |= {id(d) for d in self.pool.needs(protos)
                         if id(d) not in upper and d.kind != "function"}
            if lift <= upper:
                break
            upper |= lift
        if bottom:
            bottom[0] = Banner(bottom[0])
        made = [i for i in top if i.path == "(generated)"]
        top = self.dependencies_first([i for i in top if i.path != "(generated)"])
        # Variables after the declarations: an initializer may name a function.
        decls = [i for i in top if i.kind != "var"]
        variables = [i for i in top if i.kind == "var"]
        return decls + ([protos] if protos else []) + variables + made + middle + [main] + bottom

    def dependencies_first(self, items):
        """`items` in their order, but each after what it uses among them
        (a struct whose member is another file's enum)."""
        ids, out, done = {id(i) for i in items}, [], set()

        def visit(item):
            if id(item) in done:
                return
            done.add(id(item))
            for dep in self.pool.needs(item):
                if id(dep) in ids:
                    visit(dep)
            out.append(item)
        for item in items:
            visit(item)
        return out

    def harness(self, selected, test):
        """The functions that run a test rather than check anything: what
        ds_repro() and the test macro (DS_TEST, DS_TWIN) need."""
        chosen = {id(i) for i in selected}
        roots = [self.pool.resolve("ds_repro", test), self.pool.resolve(test.test[0], test)]
        if test.test[0] != "DS_TEST":
            roots.append(self.pool.resolve("DS_TEST", test))
        out = set()
        for root in roots:
            if root is None:
                continue
            for item in self.pool.closure(root)[0]:
                if id(item) in chosen and item.kind != "test":
                    out.add(id(item))
        return out

    def forward(self, order, chosen):
        """One item declaring the functions `order` calls before it defines
        them, or None."""
        decls, defined, seen = [], set(), set()
        for item in order:
            for f in self.calls(item, chosen):
                if id(f) not in defined and id(f) not in seen and f is not item:
                    seen.add(id(f))
                    decls.append(declaration(f))
            if item.kind == "function":
                defined.add(id(item))
        if not decls:
            return None
        return synthetic("/* Defined further down. */\n" + "\n".join(decls), set(), "proto")

    def calls(self, item, chosen, seen=None):
        """The functions an item calls, directly or through its macros."""
        seen = set() if seen is None else seen
        out = []
        for dep in self.pool.needs(item):
            if id(dep) in seen or id(dep) not in chosen:
                continue
            seen.add(id(dep))
            if dep.kind == "function":
                out.append(dep)
            elif dep.kind == "define":
                out += self.calls(dep, chosen, seen)
        return out

    def body(self, order):
        paths = {i.path for i in order}
        includes = sorted({h for p in paths for h in self.pool.includes.get(p, [])})
        out = ["#define _GNU_SOURCE"] + ["#include %s" % h for h in includes] + \
              ["#include <libdill.h>", ""]
        last = None
        for item in order:
            if isinstance(item, Banner):
                out.append(BANNER)
                item, last = item.item, None
            if item.path != last and item.path != "(generated)":
                out.append("/* ---- %s ---- */\n" % item.path)
                last = item.path
            out.append(item.text().rstrip() + "\n")
        return "\n".join(out)


class Banner:
    """The first item of the runner's part, which a banner introduces."""

    def __init__(self, item):
        self.item = item
        self.path = item.path


BANNER = """/*****************************************************************************
 * The rest runs the test as the suite's runner does: in a child process,
 * with the fixture's private directory, fd count and watchdog, then the
 * hygiene checks (no fd leaked, no write outside _mem storage).
 *****************************************************************************/
"""


def declaration(item):
    """A function's prototype, from its definition."""
    return "".join(t.text for t in item.tokens).split("{", 1)[0].rstrip() + ";"


def wrap(text, width=74):
    """Lines of at most `width`, keeping the two spaces after a sentence."""
    lines, cur = [], ""
    for chunk in re.findall(r"\S+\s*", " ".join(text.split("\n"))):
        word = chunk.rstrip()
        if cur and len(cur.rstrip()) + 1 + len(word) > width:
            lines.append(cur.rstrip())
            cur = ""
        cur += word + (" " if chunk == word else chunk[len(word):len(word) + 2])
    return lines + ([cur.rstrip()] if cur.strip() else [])


def waived(row):
    """A waived row has no test: its file says why."""
    lines = ["%s: %s" % (row["id"], row["clause"]), "",
             "What the page promises: %s" % promise(row), ""] + wrap(
        "Waived: no program checks this clause.  %s" % row["waiver"]) + [
        "", "This program only says so, and exits 77 (nothing checked)."]
    return ("/* " + "\n * ".join(lines).replace(" \n", "\n") + " */\n"
            "#include <stdio.h>\n\nint main(void) {\n"
            "    puts(%s);\n    puts(%s);\n    return 77;\n}\n"
            % (c_string("%s: %s" % (row["id"], row["clause"])),
               c_string("UNTESTED: waived: %s" % row["waiver"])))


def reproducer(row):
    if row.get("waiver"):
        return waived(row)
    return Reproducer(row).text()
