#!/usr/bin/python3
"""Precision and recall of parseltongue's call edges against an oracle
(docs/accuracy.md, "Against compilers").

The oracle is a TSV file, one call written in the tree a line:

    FILE  LINE  NAME  STATUS  DEF_FILE  DEF_LINE  FORM

FILE and LINE are where NAME is written (paths relative to the tree);
STATUS is `def` (the compiler binds the call to the definition whose name
is at DEF_FILE:DEF_LINE, in the tree), `external` (outside the tree),
`indirect` (through a pointer, field or value: no static callee) or
`undecided` (the oracle cannot tell, e.g. one of several definitions the
build links); FORM says what kind of call it is (`call`, `macro`, `method`,
`new`, ...). The caller is the innermost entity of the dump whose lines
hold FILE:LINE (the file itself outside every entity), as parseltongue
attributes calls; a definition maps to the innermost entity holding its
line that has the name called or starts on that line (an alias). Calls in
test code are left out (the graph has no edges from it), and so are calls
in files of other languages than LANG.

Both sides are compared as edges, caller entity to callee entity, as the
graph stores them (one edge per pair):

- precision: of our resolved Calls edges whose call the oracle also
  resolves (the oracle has a call of that name from that caller, none of
  them undecided), the share whose target is one of the oracle's targets
  for it; per resolution rule;
- recall: of the oracle's edges into the tree (STATUS def), the share we
  resolve to the same entity; each miss is classed by what we did instead;
- over the whole dump, resolved edges that cross languages or go into
  test code from other code (the issue asks for none).

usage: score.py ORACLE.tsv DUMP LANG [--min-precision P] [--min-recall R]
                [--form FORM] [--examples N]
--form FORM limits recall to the oracle's calls of that form (precision is
only reported over all forms, since our edges have no form).
DUMP is the output of `parseltongue dump TREE`; LANG the key prefix of the
language measured (`c`, `python`, `go`, `typescript`). Exits 1 when
precision or recall is below the stated floor (percent).
"""
import random
import sys
from collections import defaultdict


def parse_dump(path, lang):
    ents = {}                      # key -> (file, start, end, name, kind)
    by_file = defaultdict(list)
    edges = []                     # (from, to, resolved, site, rule)
    tests = defaultdict(list)      # file -> [(start, end)] of test code
    langs = {}                     # file -> language
    with open(path, encoding='utf-8', errors='replace') as fh:
        for line in fh:
            f = line.rstrip('\n').split('\t')
            if f[0] == 'file':
                langs[f[1]] = f[2]
            elif f[0] == 'test':
                a, b = f[4].split('-')
                tests[f[3]].append((int(a), int(b)))
            elif f[0] == 'entity' and f[3] == lang and f[2] != 'file':
                a, b = f[5].split('-')
                ents[f[1]] = (f[4], int(a), int(b), f[6], f[2])
                by_file[f[4]].append(f[1])
            elif f[0] == 'edge' and f[2] == 'Calls' and \
                    f[1].startswith(lang + ':'):
                edges.append((f[1], f[3], f[4] == 'resolved', f[5],
                              f[6] if len(f) > 6 else '-'))
    return ents, by_file, edges, tests, langs


def boundaries(path):
    """Resolved edges of any type, over the whole dump, that cross a
    language (by key prefix: C and C++ share names by design) or go from
    other code into test code: the issue asks for none of either."""
    tests, crossing, into_tests = set(), defaultdict(int), 0
    resolved = []
    with open(path, encoding='utf-8', errors='replace') as fh:
        for line in fh:
            f = line.rstrip('\n').split('\t')
            if f[0] == 'test':
                tests.add(f[1])
            elif f[0] == 'edge' and f[4] == 'resolved':
                resolved.append((f[1], f[3]))
    for frm, to in resolved:
        a, b = frm.split(':', 1)[0], to.split(':', 1)[0]
        if a != b:
            crossing['%s -> %s' % (a, b)] += 1
        if to in tests and frm not in tests:
            into_tests += 1
    return crossing, into_tests


def target_name(key, ents):
    if key in ents:
        return ents[key][3]
    parts = key.split(':')
    return parts[2] if len(parts) > 2 else key


class Mapper:
    def __init__(self, ents, by_file, tests):
        self.ents, self.by_file, self.tests = ents, by_file, tests
        self.lines = {}

    def in_test_code(self, path, line):
        """Test code has no edges in the graph: a line of a test entity, or
        of a test file outside its regular entities."""
        spans = self.tests.get(path)
        if not spans:
            return False
        return any(a <= line <= b for a, b in spans) or \
            self.innermost(path, line) is None

    def holding(self, path, line):
        """The entities of PATH whose lines hold LINE (an index by line,
        built once per file)."""
        if path not in self.lines:
            index = defaultdict(list)
            for k in self.by_file.get(path, ()):
                _, a, b, _, _ = self.ents[k]
                for i in range(a, b + 1):
                    index[i].append(k)
            self.lines[path] = index
        return self.lines[path].get(line, ())

    def innermost(self, path, line, name=None):
        best = None
        for k in self.holding(path, line):
            fl, a, b, n, _ = self.ents[k]
            rank = (name is not None and n != name, b - a)
            if best is None or rank < best[0]:
                best = (rank, k)
        return best[1] if best else None

    def callee(self, path, line, name):
        """The entity defined at PATH:LINE: the innermost one holding LINE
        with the name called, or one starting there (a call through an
        alias, `from m import A as _A`)."""
        k = self.innermost(path, line, name)
        if k is not None and (self.ents[k][3] == name or
                              self.ents[k][1] == line):
            return k
        return 'UNMAPPED %s:%d' % (path, line)

    def caller(self, path, line):
        return self.innermost(path, line) or 'FILE:' + path


def caller_of_edge(key, site):
    if ':file:' in key:
        return 'FILE:' + site.rsplit(':', 1)[0]
    return key


def load_oracle(path, mapper, form, files):
    """calls[(caller, name)] = set of targets; targets are entity keys or
    'EXTERNAL', 'INDIRECT', 'UNDECIDED', 'UNMAPPED file:line'."""
    calls = defaultdict(set)
    sites = {}
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            f = line.rstrip('\n').split('\t')
            if form and f[6] != form or f[0] not in files:
                continue
            if mapper.in_test_code(f[0], int(f[1])):
                continue
            c = mapper.caller(f[0], int(f[1]))
            if f[3] == 'def':
                t = mapper.callee(f[4], int(f[5]), f[2])
            else:
                t = f[3].upper()
            calls[(c, f[2])].add(t)
            sites.setdefault((c, f[2], t), '%s:%s' % (f[0], f[1]))
    return calls, sites


def precision(edges, ents, calls, oracle_pairs):
    by_rule = defaultdict(lambda: [0, 0, 0])   # correct, wrong, unjudged
    wrong = []
    for frm, to, ok, site, rule in edges:
        if not ok:
            continue
        c = caller_of_edge(frm, site)
        row = by_rule[rule]
        if (c, to) in oracle_pairs:
            row[0] += 1
        elif (c, target_name(to, ents)) in calls and \
                'UNDECIDED' not in calls[(c, target_name(to, ents))]:
            row[1] += 1
            wrong.append((site, c, to, rule,
                          sorted(calls[(c, target_name(to, ents))])))
        else:
            row[2] += 1
    return by_rule, wrong


def recall(edges, ents, calls):
    ours = defaultdict(list)                    # (caller, name) -> edges
    resolved = set()
    for frm, to, ok, site, rule in edges:
        c = caller_of_edge(frm, site)
        ours[(c, target_name(to, ents))].append((to, ok, rule))
        if ok:
            resolved.add((c, to))
    outcome = defaultdict(list)
    for (c, name), targets in calls.items():
        for t in targets:
            if t in ('EXTERNAL', 'INDIRECT', 'UNDECIDED'):
                continue
            if (c, t) in resolved:
                outcome['resolved'].append((c, name, t))
                continue
            mine = ours.get((c, name), [])
            if t.startswith('UNMAPPED'):
                why = 'callee_not_an_entity'
            elif any(ok for _, ok, _ in mine):
                why = 'resolved_elsewhere'
            elif mine:
                why = sorted(r for _, _, r in mine)[0]
            else:
                why = 'no_edge'
            outcome[why].append((c, name, t))
    return outcome


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def report(by_rule, wrong, outcome, sites, n_examples):
    tc = sum(r[0] for r in by_rule.values())
    tw = sum(r[1] for r in by_rule.values())
    tu = sum(r[2] for r in by_rule.values())
    if by_rule:
        print('precision: %d of %d judged resolved edges right (%.2f %%), '
              '%d not judged' % (tc, tc + tw, pct(tc, tc + tw), tu))
        print('  %-24s %8s %8s %8s %9s' % ('rule', 'right', 'wrong',
                                            'unjudged', 'precision'))
    for rule in sorted(by_rule):
        c, w, u = by_rule[rule]
        print('  %-24s %8d %8d %8d %8.2f%%' % (rule, c, w, u, pct(c, c + w)))
    total = sum(len(v) for v in outcome.values())
    hit = len(outcome.get('resolved', ()))
    print('recall: %d of %d oracle edges into the tree (%.2f %%)'
          % (hit, total, pct(hit, total)))
    for why in sorted(outcome, key=lambda w: -len(outcome[w])):
        print('  %-28s %8d %7.2f%%' % (why, len(outcome[why]),
                                       pct(len(outcome[why]), total)))
    rng = random.Random(11)
    if n_examples and wrong:
        print('wrong edges (site, caller, ours, oracle):')
        for w in rng.sample(wrong, min(n_examples, len(wrong))):
            print('  %s  %s  -> %s [%s]  oracle: %s' % w)
    for why, items in sorted(outcome.items()):
        if why == 'resolved' or not n_examples:
            continue
        print('missed, %s:' % why)
        for c, name, t in rng.sample(items, min(n_examples, len(items))):
            print('  %s  %s  %s -> %s' % (sites.get((c, name, t), '?'),
                                         c, name, t))
    return pct(tc, tc + tw), pct(hit, total)


def main(argv):
    opts = {'--min-precision': None, '--min-recall': None, '--form': None,
            '--examples': '0'}
    args = []
    i = 1
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 3:
        sys.exit('usage: score.py ORACLE.tsv DUMP LANG [--min-precision P] '
                 '[--min-recall R] [--form FORM] [--examples N]')
    ents, by_file, edges, tests, langs = parse_dump(args[1], args[2])
    mapper = Mapper(ents, by_file, tests)
    mine = {f for f, lang in langs.items() if lang == args[2]}
    calls, sites = load_oracle(args[0], mapper, None, mine)
    pairs = {(c, t) for (c, _), ts in calls.items() for t in ts}
    by_rule, wrong = precision(edges, ents, calls, pairs)
    if opts['--form']:
        calls, sites = load_oracle(args[0], mapper, opts['--form'], mine)
        by_rule, wrong = {}, []
    outcome = recall(edges, ents, calls)
    p, r = report(by_rule, wrong, outcome, sites, int(opts['--examples']))
    if not opts['--form']:
        crossing, into_tests = boundaries(args[1])
        print('cross-language edges (whole dump): %s'
              % (', '.join('%s %d' % kv for kv in sorted(crossing.items()))
                 or 'none'))
        print('edges into test code from other code: %d' % into_tests)
    failed = False
    if opts['--min-precision'] and p < float(opts['--min-precision']):
        print('FAIL: precision %.2f %% is below %s %%'
              % (p, opts['--min-precision']))
        failed = True
    if opts['--min-recall'] and r < float(opts['--min-recall']):
        print('FAIL: recall %.2f %% is below %s %%'
              % (r, opts['--min-recall']))
        failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
