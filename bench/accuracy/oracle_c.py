#!/usr/bin/python3
"""Ground-truth call edges of a C tree from clang (libclang 14, Debian's
python3-clang-14), in the oracle format score.py reads (see there).

Every .c (and .cc, .cpp, .cxx) file under TREE is parsed as one
translation unit with FLAGS plus -I of its own folder. For each call
written in the tree (the callee's name written in the file as `name(`,
including inside macro arguments) it records the function the compiler
binds it to: its definition (file, line of the name) in the same unit, or
else the one definition of its USR in the tree; `external` when only a
declaration is seen (libc, a library), `indirect` for a call through a
pointer or a field, and `undecided` when several other files of the tree
define that external name (which one is linked depends on the build, not
on the source). Calls that exist only inside a macro's body are not
written at the site, so they are counted on stderr and left out. Each
invocation of a function-like macro is recorded too, as form `macro`, with
the #define it expands. C++ files are read too: member calls are form
`method` (`interface` for a pure virtual method, whose declaration is the
callee), and `T(...)`, `new T(...)` and `T{...}` are form `new`, to the
constructor (one defined in another unit found by its USR, as a function
is; the class when it has none).

A function declared only in the tree's own headers with no definition in
the units parsed is `undecided` (its unit may not have been parsed);
`--units DIR` parses only the units under DIR of TREE.

usage: oracle_c.py TREE [-j N] [--units DIR] [-- FLAGS...] > oracle.tsv
"""
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import clang.cindex as ci

ci.conf.lib.clang_Cursor_isMacroFunctionLike.argtypes = [ci.Cursor]
ci.conf.lib.clang_Cursor_isMacroFunctionLike.restype = ci.c_uint

PARSE_OPTS = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
UNITS = ('.c', '.cc', '.cpp', '.cxx')
K = ci.CursorKind


def file_location(loc):
    """The place a location is written in a file: for a token from a macro
    argument its spelling, for one from a macro body the expansion site."""
    f = ci.c_object_p()
    line, col, off = ci.c_uint(), ci.c_uint(), ci.c_uint()
    ci.conf.lib.clang_getFileLocation(loc, ci.byref(f), ci.byref(line),
                                      ci.byref(col), ci.byref(off))
    if not f:
        return None, 0, 0
    return ci.File(f).name, line.value, off.value


class Tree:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.text = {}

    def rel(self, path):
        """Path relative to the tree, or None outside it."""
        if path is None:
            return None
        p = os.path.realpath(path)
        if not p.startswith(self.root + os.sep):
            return None
        return p[len(self.root) + 1:]

    def called_at(self, rel, off, name, opening=b'('):
        """True when the tree file REL has `NAME (` at byte OFF: the call is
        written there, not made by a macro's body from a name passed in."""
        if rel not in self.text:
            with open(os.path.join(self.root, rel), 'rb') as fh:
                self.text[rel] = fh.read()
        text, word = self.text[rel], name.encode()
        if text[off:off + len(word)] != word:
            return False
        rest = text[off + len(word):off + len(word) + 200].lstrip()
        return rest[:1] != b'' and rest[:1] in opening


def callee_ref(call):
    """The DeclRefExpr or MemberRefExpr naming what CALL calls, under the
    implicit casts and parentheses clang wraps it in, or None."""
    kids = list(call.get_children())
    node = kids[0] if kids else None
    while node is not None and node.kind in (K.UNEXPOSED_EXPR, K.PAREN_EXPR):
        kids = list(node.get_children())
        node = kids[0] if kids else None
    if node is not None and node.kind in (K.DECL_REF_EXPR,
                                          K.MEMBER_REF_EXPR):
        return node
    return None


def scan_tu(args):
    """Parse one translation unit; return its calls, macro invocations,
    definitions and counters (plain data, so it crosses processes)."""
    root, path, flags = args
    tree = Tree(root)
    index = ci.Index.create()
    tu = index.parse(path, args=flags + ['-I', os.path.dirname(path)],
                     options=PARSE_OPTS)
    out = {'calls': [], 'defs': [], 'stats': {}, 'errors': 0}
    st = out['stats']
    for d in tu.diagnostics:
        if d.severity >= ci.Diagnostic.Error:
            out['errors'] += 1
    for top in tu.cursor.get_children():
        rel = tree.rel(top.location.file and top.location.file.name)
        if rel is None:
            continue
        if top.kind == K.MACRO_INSTANTIATION:
            scan_macro(tree, top, rel, out)
            continue
        for c in top.walk_preorder():
            if c.kind in FUNCTIONS + (K.CONSTRUCTOR,) and c.is_definition():
                drel = tree.rel(c.location.file.name)
                out['defs'].append((c.get_usr(), drel, c.location.line))
            elif c.kind == K.CALL_EXPR:
                scan_call(tree, c, out)
    return out


FUNCTIONS = (K.FUNCTION_DECL, K.CXX_METHOD, K.FUNCTION_TEMPLATE,
             K.CONVERSION_FUNCTION, K.DESTRUCTOR)


def scan_construct(tree, call, ctor, out):
    """`T(...)`, `new T(...)`, `T{...}`: a call of the constructor, or of
    the class when it has none of its own (form `new`); `T x(...)` is no
    call."""
    cls = ctor.semantic_parent
    for tok in call.get_tokens():
        if tok.kind == ci.TokenKind.IDENTIFIER and tok.spelling == cls.spelling:
            break
    else:
        return
    fname, line, off = file_location(tok.location)
    rel = tree.rel(fname)
    if rel is None or not tree.called_at(rel, off, cls.spelling, b'({'):
        return
    d = ctor.get_definition()
    implicit = (ctor.location.line, ctor.location.column) == \
        (cls.location.line, cls.location.column)
    if (d is None or not tree.rel(d.location.file.name)) and not implicit \
            and tree.rel(ctor.location.file and ctor.location.file.name):
        # Declared in the tree, defined in another unit: by its USR, as a
        # function is.
        out['calls'].append((rel, line, off, cls.spelling, 'usr-tree',
                             ctor.get_usr(), 'new'))
        return
    if d is None or not tree.rel(d.location.file.name):
        d = cls.get_definition()        # an implicit constructor
    drel = d is not None and tree.rel(d.location.file.name)
    where = '%s\t%d' % (drel, d.location.line) if drel else ''
    out['calls'].append((rel, line, off, cls.spelling,
                         'def' if drel else 'external', where, 'new'))


def scan_call(tree, call, out):
    st = out['stats']
    if call.referenced is not None and call.referenced.kind == K.CONSTRUCTOR:
        scan_construct(tree, call, call.referenced, out)
        return
    ref = callee_ref(call)
    if ref is None:
        st['indirect_unnamed'] = st.get('indirect_unnamed', 0) + 1
        return
    name = ref.spelling
    fname, line, off = file_location(ref.location)
    rel = tree.rel(fname)
    if rel is None:
        return
    if not tree.called_at(rel, off, name):
        st['in_macro_body'] = st.get('in_macro_body', 0) + 1
        return
    target = ref.referenced
    if target is not None and target.kind in FUNCTIONS:
        form = 'method' if ref.kind == K.MEMBER_REF_EXPR else 'call'
        drel = tree.rel(target.location.file and target.location.file.name)
        # A function the tree declares may be defined in a unit not parsed
        # (other flags, another platform): then clang cannot say.
        how, what = ('usr-tree' if drel else 'usr'), target.get_usr()
        d = target.get_definition()
        if d is not None and tree.rel(d.location.file.name):
            # Defined in this unit: a static or inline function, or a
            # member of a template instance (whose USR no definition has).
            how, what = 'def', '%s\t%d' % (tree.rel(d.location.file.name),
                                           d.location.line)
        elif target.kind == K.CXX_METHOD and \
                target.is_pure_virtual_method() and drel:
            # No definition anywhere: the callee is the declaration, as an
            # interface method is in Go or TypeScript.
            how, what = 'def', '%s\t%d' % (drel, target.location.line)
            form = 'interface'
        out['calls'].append((rel, line, off, name, how, what, form))
    else:
        out['calls'].append((rel, line, off, name, 'indirect', '', 'call'))


def scan_macro(tree, inv, rel, out):
    mdef = inv.referenced
    if mdef is None or not ci.conf.lib.clang_Cursor_isMacroFunctionLike(mdef):
        return
    drel = tree.rel(mdef.location.file and mdef.location.file.name)
    where = '%s\t%d' % (drel, mdef.location.line) if drel else ''
    _, _, off = file_location(inv.location)
    if not tree.called_at(rel, off, inv.spelling):
        return                      # a name in #if defined(...), #ifdef
    out['calls'].append((rel, inv.location.line, off, inv.spelling,
                         'def' if drel else 'external', where, 'macro'))


def main(argv):
    flags = []
    if '--' in argv:
        flags = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    jobs, only = 2, ''
    if '--units' in argv:
        only = argv[argv.index('--units') + 1].strip('/')
        del argv[argv.index('--units'):argv.index('--units') + 2]
    if '-j' in argv:
        jobs = int(argv[argv.index('-j') + 1])
        del argv[argv.index('-j'):argv.index('-j') + 2]
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    root = os.path.realpath(argv[1])
    units = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        if os.path.relpath(d, root).startswith(only):
            units += [(root, os.path.join(d, f), flags)
                      for f in sorted(files) if f.endswith(UNITS)]
    defs, calls, stats, errors = {}, {}, {}, 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for res in pool.map(scan_tu, units):
            errors += res['errors']
            for k, v in res['stats'].items():
                stats[k] = stats.get(k, 0) + v
            for usr, drel, line in res['defs']:
                defs.setdefault(usr, set()).add((drel, line))
            for rel, line, off, name, how, what, form in res['calls']:
                calls[(rel, off, name, form)] = (line, how, what)
    write(calls, defs)
    stats['translation_units'] = len(units)
    stats['tu_errors'] = errors
    for k in sorted(stats):
        print('oracle_c: %s %d' % (k, stats[k]), file=sys.stderr)


def write(calls, defs):
    for (rel, off, name, form), (line, how, what) in sorted(calls.items()):
        if how.startswith('usr'):
            where = sorted(defs.get(what, ()))
            if len(where) == 1:
                how, what = 'def', '%s\t%d' % where[0]
            elif where or how == 'usr-tree':
                how, what = 'undecided', ''
            else:
                how, what = 'external', ''
        f, l = what.split('\t') if what else ('', '')
        print('\t'.join((rel, str(line), name, how, f, l, form)))


if __name__ == '__main__':
    main(sys.argv)
