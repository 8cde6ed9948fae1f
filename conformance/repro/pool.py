"""The definitions a reproducer is made of: every top-level item of the
suite's support code and of the contract files it uses, with the
standalone stand-ins (standalone/*.c) in front, and the rules that pick the
ones a test needs.

Names resolve as the compiler and linker would: a file's own items first,
then what any file exports (non-static definitions, headers), a definition
before a bare declaration.  A stand-in shadows what it stands in for, and
sees that file's statics."""
import os
import re

import csource

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUPPORT = os.path.join(ROOT, "conformance", "support")
TESTS = os.path.join(ROOT, "conformance", "tests")
STANDALONE = os.path.join(HERE, "standalone")
# The contract files whose code a reproducer may take as it is.
CONTRACT = ["contract/dc_hygiene.h", "contract/dc_hygiene.c", "contract/dc_guarded.h",
            "contract/dc_guarded.c", "contract/dc_errors.h", "contract/dc_errors.c"]
# Macros a reproducer never has: it is not built with a sanitizer, and it
# defines malloc itself rather than wrapping it at link time.
UNDEFINED = {"DS_ASAN", "DS_ALLOC_WRAP", "__SANITIZE_ADDRESS__"}
# Headers of the libraries the suite links besides libdill: the stand-ins
# replace what comes from them.
FOREIGN_HEADERS = {"<criterion/criterion.h>", "<fiu.h>", "<fiu-control.h>", "<seccomp.h>",
                   "<sanitizer/lsan_interface.h>"}
RANK = {"function": 0, "var": 0, "type": 0, "define": 0, "group": 1, "test": 0, "proto": 2}


# Each file's items, parsed once per process: (items, includes, text).
PARSED = {}


def rel(path):
    return os.path.relpath(path, ROOT)


def macro_named(item, macros):
    """The names a file's own function-like macros make in an item:
    REAL(malloc) is __libc_malloc where `#define REAL(f) __libc_##f`."""
    sig = csource.significant(item.tokens)
    for a, b, c, d in zip(sig, sig[1:], sig[2:], sig[3:]):
        if a.text in macros and b.text == "(" and c.kind == "ident" and d.text == ")":
            name = csource.expand_name("%s(%s)" % (a.text, c.text), macros)
            if name != "%s(%s)" % (a.text, c.text):
                yield name


class Pool:
    def __init__(self, test_file):
        self.items, self.includes, self.stands_in = [], {}, {}
        self.overrides, self.local, self.exported, self.needs_of = {}, {}, {}, {}
        for path in sorted(os.listdir(STANDALONE)):
            self.load(os.path.join(STANDALONE, path), override=True)
        self.load(test_file)
        for path in sorted(os.listdir(SUPPORT)):
            if path.endswith((".h", ".c")):
                self.load(os.path.join(SUPPORT, path))
        for path in CONTRACT:
            self.load(os.path.join(ROOT, path))
        self.interposers = self.find_interposers()

    def load(self, path, override=False):
        r = rel(path)
        if r not in PARSED:
            with open(path) as f:
                text = f.read()
            PARSED[r] = csource.split(r, text, UNDEFINED) + (text,)
        items, includes, text = PARSED[r]
        self.includes[r] = [i for i in includes if i not in FOREIGN_HEADERS]
        m = re.search(r"Stands in for (\S+\.[ch])\b", text)
        if override and m:
            self.stands_in[r] = m.group(1)
        macros = {n: i.tokens[0].text for i in items if i.kind == "define" for n in i.defines}
        for item in items:
            item.defines = {csource.expand_name(n, macros) for n in item.defines}
            item.uses += [n for n in macro_named(item, macros) if n not in item.uses]
            self.items.append(item)
            for name in item.defines:
                self.local.setdefault(r, {}).setdefault(name, []).append(item)
                if override:
                    self.overrides.setdefault(name, []).append(item)
                elif r.endswith(".h") or (not item.static and item.kind in ("function", "var")):
                    # A .c file's macros and types are its own, as the compiler sees them.
                    self.exported.setdefault(name, []).append(item)

    def find_interposers(self):
        """Per .c file, its definitions of functions that no header
        declares: definitions for the whole process (malloc and its kin in
        support/alloc.c), which come with any use of their file."""
        declared = {n for path, names in self.local.items() if path.endswith(".h") for n in names}
        out = {}
        for item in self.items:
            if item.kind == "function" and not item.static and item.path.endswith(".c") \
                    and not item.path.startswith("conformance/tests/") \
                    and all(n.isidentifier() for n in item.defines) \
                    and not item.defines & declared and item.path not in self.stands_in:
                out.setdefault(item.path, []).append(item)
        return out

    def resolve(self, name, item):
        """The item `name` means where `item` uses it, or None (libdill,
        the C library, a local variable): the first scope that defines it,
        a bare declaration only when no scope has a definition."""
        declared = None
        for scope in self.scopes(item):
            found = [i for i in scope.get(name, []) if i is not item]
            if not found:
                continue
            best = min(found, key=lambda i: RANK[i.kind])
            if best.kind != "proto":
                return best
            declared = declared or best
        return declared

    def scopes(self, item):
        scopes = [self.overrides, self.local.get(item.path, {})]
        if item.path in self.stands_in:
            scopes.append(self.local.get(self.stands_in[item.path], {}))
        return scopes + [self.exported]

    def declaration_of(self, item):
        """A header's prototype of a function `item` defines, or None."""
        for path, names in self.local.items():
            if path.endswith(".h"):
                for name in item.defines:
                    for i in names.get(name, []):
                        if i.kind == "proto":
                            return i
        return None

    def shadowed(self, item):
        """The item a stand-in replaces, or None."""
        counterpart = self.local.get(self.stands_in.get(item.path, ""), {})
        for name in item.defines:
            for i in counterpart.get(name, []):
                if i.kind != "proto":
                    return i
        return None

    def test(self, page, name):
        """The item of test page::name (a DS_TWIN answers for page_mem too)."""
        for item in self.items:
            if item.kind != "test":
                continue
            macro, p, n, _ = item.test
            if n == name and (p == page or (macro == "DS_TWIN" and p + "_mem" == page)):
                return item
        return None

    def add_override(self, item):
        """A definition made by the generator, in front of everything."""
        self.items.append(item)
        for name in item.defines:
            self.overrides.setdefault(name, []).append(item)

    def closure(self, root, done=()):
        """The items `root` needs and are not in `done`, each after the
        ones it needs; and the functions a cycle needs declared first."""
        order, forward = [], set()
        state = {id(i): "done" for i in done}

        def visit(item):
            if state.get(id(item)) == "done":
                return
            if state.get(id(item)) == "open":
                forward.add(item)
                return
            state[id(item)] = "open"
            for dep in self.needs(item):
                visit(dep)
            state[id(item)] = "done"
            order.append(item)

        visit(root)
        return order, {i for i in forward if i.kind == "function"}

    def needs(self, item):
        """What an item uses, in the order it first uses it, then the
        interposers of its file."""
        if id(item) in self.needs_of:
            return self.needs_of[id(item)]
        out = []
        for n in item.uses:
            if n in item.defines:
                continue
            dep = self.resolve(n, item)
            if dep is not None and dep not in out:
                out.append(dep)
        out += [d for d in self.interposers.get(item.path, []) if d is not item and d not in out]
        self.needs_of[id(item)] = out
        return out
