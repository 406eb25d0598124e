#!/usr/bin/python3
"""Ground-truth call edges of a Python tree from jedi (Debian's
python3-jedi), in the oracle format score.py reads (see there).

Every .py file under TREE is read by jedi with TREE as the project (so the
tree's own packages come first on the path). Each name followed by `(` that
is not a definition is a call; jedi's goto, following imports, gives what
it names; where that is an assignment (`Charset = _charset.Charset`),
jedi's inference of the name's value. One definition in the tree that is a
function or class is the callee (form `new` for a class, `method` after a
dot, else `call`); one outside the tree (the standard library, typeshed's
stubs, builtins) is `external`; a parameter, or a variable holding an
instance or a value jedi cannot name, is `indirect`; no answer, or
several, is `undecided`.

usage: oracle_python.py TREE [-j N] > oracle.tsv
"""
import filecmp
import os
import sys
import sysconfig
from concurrent.futures import ProcessPoolExecutor

import jedi


STDLIB = os.path.realpath(sysconfig.get_paths()['stdlib'])


def rel_path(root, path):
    """PATH relative to the tree, or None outside it. A tree holding part of
    the standard library (Lib/email) shadows the installed one, and jedi
    may answer with the installed file: a byte-identical file at the same
    place in the tree is that file."""
    if path is None:
        return None
    p = os.path.realpath(str(path))
    if p.startswith(root + os.sep):
        return p[len(root) + 1:]
    if p.startswith(STDLIB + os.sep):
        sub = p[len(STDLIB) + 1:]
        mine = os.path.join(root, sub)
        if os.path.isfile(mine) and filecmp.cmp(p, mine, shallow=False):
            return sub
    return None


DEFS = {}


def from_stub(root, d):
    """(file, line) in the tree for a name jedi answered with typeshed's
    stub of a standard-library module the tree holds a byte-identical copy
    of (Lib/email/message.py for email/message.pyi), or None."""
    if not str(d.module_path).endswith('.pyi') or not d.full_name:
        return None
    base = d.module_name.replace('.', os.sep)
    for cand in (base + '.py', os.path.join(base, '__init__.py')):
        mine, std = os.path.join(root, cand), os.path.join(STDLIB, cand)
        if not (os.path.isfile(mine) and os.path.isfile(std) and
                filecmp.cmp(std, mine, shallow=False)):
            continue
        if cand not in DEFS:
            script = jedi.Script(path=mine, project=jedi.Project(path=root))
            DEFS[cand] = {}
            for n in script.get_names(all_scopes=True, definitions=True):
                DEFS[cand].setdefault(n.full_name, n.line)
        line = DEFS[cand].get(d.full_name)
        return (cand, line) if line else None
    return None


def classify(root, script, line, column):
    """(status, def_file, def_line, type) for the name at LINE:COLUMN."""
    found = script.goto(line, column, follow_imports=True)
    for _ in range(3):
        # Through a module's attribute (`utils.quote`), goto may stop at
        # that module's `from x import quote`: follow it.
        at_import = [d for d in found if d.line and d.get_line_code()
                     .lstrip().startswith(('from ', 'import '))]
        if not at_import:
            break
        found = [g for d in found
                 for g in (d.goto(follow_imports=True)
                           if d in at_import else [d]) or [d]]
    if len({(str(d.module_path), d.line) for d in found}) == 1 and \
            found[0].type == 'statement':
        # An alias (`Charset = _charset.Charset`): what the name holds.
        found = script.infer(line, column)
    where = {(str(d.module_path), d.line, d.type) for d in found}
    if len(where) != 1:
        return 'undecided', '', '', ''
    d = found[0]
    if d.type not in ('function', 'class'):
        return 'indirect', '', '', d.type
    rel, dline = rel_path(root, d.module_path), d.line
    if rel is None:
        rel, dline = from_stub(root, d) or (None, 0)
    if rel is None:
        return 'external', '', '', d.type
    return 'def', rel, str(dline), d.type


def scan_file(args):
    root, path = args
    with open(path, encoding='utf-8', errors='replace') as fh:
        src = fh.read()
    lines = src.split('\n')   # not splitlines(): form feeds end no line
    script = jedi.Script(src, path=path, project=jedi.Project(path=root))
    rel = rel_path(root, path)
    out = []
    for n in script.get_names(all_scopes=True, definitions=False,
                              references=True):
        text = lines[n.line - 1]
        if not text[n.column + len(n.name):].lstrip().startswith('('):
            continue
        status, dfile, dline, kind = classify(root, script, n.line, n.column)
        form = 'method' if text[:n.column].rstrip().endswith('.') else 'call'
        if status == 'def' and kind == 'class':
            form = 'new'
        out.append((rel, n.line, n.name, status, dfile, dline, form))
    return out


def main(argv):
    jobs = 2
    if '-j' in argv:
        jobs = int(argv[argv.index('-j') + 1])
        del argv[argv.index('-j'):argv.index('-j') + 2]
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    root = os.path.realpath(argv[1])
    files = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        files += [(root, os.path.join(d, f)) for f in sorted(names)
                  if f.endswith('.py')]
    counts = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for rows in pool.map(scan_file, files):
            for row in rows:
                counts[row[3]] = counts.get(row[3], 0) + 1
                print('\t'.join(str(x) for x in row))
    print('oracle_python: files %d' % len(files), file=sys.stderr)
    for k in sorted(counts):
        print('oracle_python: %s %d' % (k, counts[k]), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv)
