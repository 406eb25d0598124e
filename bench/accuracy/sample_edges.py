#!/usr/bin/python3
"""Seeded uniform samples of call edges, for checking by hand the
languages no compiler oracle covers (docs/accuracy.md, "Hand-checked
samples").

    sample_edges.py DUMP TREE LANG [--resolved N] [--unresolved N]
                    [--seed S] [--context K] [--score HAND.tsv]

DUMP is `parseltongue dump TREE`; LANG the key prefix of the language
(`rust`, `java`, `ruby`, `php`, `csharp`, `swift`). The population:

- resolved: the resolved `Calls` edges whose caller is LANG code outside
  test code (the graph keeps one edge per caller and callee, at the first
  call's line); every such target is an entity of the tree;
- unresolved: the unresolved `Calls` edges of such callers whose called
  name is the name of a function, method or class of LANG in the tree.

Each population is put in dump order (the dump is canonical), and
random.Random(SEED).sample takes N of it, so the same dump and seed give
the same sample. Each edge prints as a block: its number, `R` or `U`, the
call site (file:line, the caller's qualified name, the rule), K lines of
source before the site and the site's line, then the target (file:line
and its signature) or, for an unresolved call, every LANG definition of
that name.

--score HAND.tsv reads a file of verdicts (tab-separated: number, kind,
site, target, rule, verdict, reason), checks that its rows are the
sample this dump and seed give, and prints the precision of the resolved
sample with its 95 % Wilson interval, the wrong edges by rule and reason,
and the unresolved sample by class. Exits 1 when the file does not match.
"""
import argparse
import math
import random
import sys
from collections import Counter, defaultdict

DEF_KINDS = {'function', 'method', 'class', 'struct', 'enum', 'interface',
             'trait', 'module'}


def parse_dump(path, lang):
    ents, tests, edges = {}, set(), []
    with open(path, encoding='utf-8', errors='replace') as fh:
        for line in fh:
            f = line.rstrip('\n').split('\t')
            if f[0] == 'entity':
                a, b = f[5].split('-')
                ents[f[1]] = {'kind': f[2], 'lang': f[3], 'file': f[4],
                              'start': int(a), 'end': int(b), 'name': f[6],
                              'qname': f[7], 'sig': f[10] if len(f) > 10
                              else ''}
            elif f[0] == 'test':
                tests.add(f[1])
            elif f[0] == 'edge' and f[2] == 'Calls' and \
                    f[1].startswith(lang + ':'):
                edges.append({'from': f[1], 'to': f[3],
                              'resolved': f[4] == 'resolved', 'site': f[5],
                              'rule': f[6] if len(f) > 6 else '-'})
    return ents, tests, edges


def unresolved_name(key):
    # lang:fn:NAME:unresolved-reference:0-0; NAME may hold ':' (a::b)
    parts = key.split(':')
    return ':'.join(parts[2:-2]) if len(parts) > 4 else parts[-1]


def populations(ents, tests, edges, lang):
    by_name = defaultdict(list)
    for key, e in ents.items():
        if e['lang'] == lang and key not in tests and e['kind'] in DEF_KINDS:
            by_name[e['name']].append(key)
    res, unres = [], []
    for e in edges:
        if e['from'] in tests or e['from'] not in ents:
            continue
        if e['resolved'] and e['to'] in ents:
            res.append(e)
        elif not e['resolved']:
            name = unresolved_name(e['to']).split('::')[-1].split('.')[-1]
            if by_name.get(name):
                e['cands'] = sorted(by_name[name])
                unres.append(e)
    return res, unres


def draw(pop, n, seed):
    return random.Random(seed).sample(pop, min(n, len(pop)))


def source_lines(tree, rel, cache={}):
    if rel not in cache:
        try:
            with open(f'{tree}/{rel}', encoding='utf-8',
                      errors='replace') as fh:
                cache[rel] = fh.read().split('\n')
        except OSError:
            cache[rel] = []
    return cache[rel]


def show(tree, ents, e, num, kind, context):
    file, line = e['site'].rsplit(':', 1)
    line = int(line)
    src = source_lines(tree, file)
    caller = ents[e['from']]['qname']
    print(f"#{num} {kind} {e['site']}  in {caller}  [{e['rule']}]")
    for i in range(max(1, line - context), line + 1):
        mark = '>' if i == line else ' '
        text = src[i - 1] if i <= len(src) else ''
        print(f"  {mark}{i:5} {text.rstrip()[:160]}")
    targets = [e['to']] if kind == 'R' else e['cands']
    for t in targets[:6]:
        d = ents[t]
        print(f"  -> {d['file']}:{d['start']} {d['kind']} {d['qname']}: "
              f"{d['sig'][:140]}")
    if len(targets) > 6:
        print(f"  -> ... {len(targets) - 6} more")
    print()


def row_key(e, kind, ents):
    tgt = ents[e['to']] if kind == 'R' else None
    target = (f"{tgt['file']}:{tgt['start']} {tgt['qname']}" if tgt
              else unresolved_name(e['to']))
    return (kind, e['site'], target, e['rule'])


def wilson(k, n, z=1.96):
    if n == 0:
        return 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


def score(path, sample_rows):
    got = []
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            if line.startswith('#') or not line.strip():
                continue
            f = line.rstrip('\n').split('\t')
            f += [''] * (7 - len(f))
            got.append(f)
    expect = [(str(i), *k) for i, k in sample_rows]
    n_res = sum(1 for x in expect if x[1] == 'R')
    bad = [(g[:5], list(x)) for g, x in zip(got, expect)
           if tuple(g[:5]) != x]
    # the unresolved rows may be left out (a sample checked for precision
    # only), the resolved ones may not
    if len(got) not in (n_res, len(expect)) or bad:
        print(f'{path}: {len(got)} rows, the sample has {len(expect)}; '
              f'first difference: {bad[:1]}', file=sys.stderr)
        return 1
    verdicts = Counter((g[1], g[5]) for g in got)
    right, wrong = verdicts[('R', 'right')], verdicts[('R', 'wrong')]
    unsure = verdicts[('R', 'unsure')]
    lo, hi = wilson(right, right + wrong)
    n = right + wrong
    print(f'resolved: {right} right, {wrong} wrong, {unsure} cannot tell; '
          f'precision {100 * right / max(n, 1):.1f} % '
          f'(95 % CI {100 * lo:.1f} to {100 * hi:.1f} %)')
    # a reason's class is what precedes its first ':'
    by = Counter(g[6].split(':')[0] for g in got if g[1] == 'R' and
                 g[5] == 'wrong')
    for why, c in sorted(by.items(), key=lambda x: (-x[1], x[0])):
        print(f'  wrong {c:3} {why}')
    rules = Counter(g[4] for g in got if g[1] == 'R')
    for rule, c in sorted(rules.items(), key=lambda x: -x[1]):
        w = sum(1 for g in got if g[1] == 'R' and g[4] == rule and
                g[5] == 'wrong')
        print(f'  rule {rule}: {c} sampled, {w} wrong')
    cls = Counter(g[5] for g in got if g[1] == 'U')
    nu = sum(cls.values())
    if nu:
        print(f'unresolved naming a workspace definition: {nu} sampled')
        for c, k in sorted(((k, c) for c, k in cls.items()),
                           reverse=True):
            print(f'  {k:12} {c:3} ({100 * c / nu:.0f} %)')
        why = Counter(g[6].split(':')[0] for g in got if g[1] == 'U' and
                      g[5] == 'missing')
        for w, c in sorted(why.items(), key=lambda x: (-x[1], x[0])):
            print(f'    missing {c:3} {w}')
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dump')
    ap.add_argument('tree')
    ap.add_argument('lang')
    ap.add_argument('--resolved', type=int, default=200)
    ap.add_argument('--unresolved', type=int, default=100)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--context', type=int, default=4)
    ap.add_argument('--score')
    a = ap.parse_args()
    ents, tests, edges = parse_dump(a.dump, a.lang)
    res, unres = populations(ents, tests, edges, a.lang)
    rs = draw(res, a.resolved, a.seed)
    us = draw(unres, a.unresolved, a.seed)
    rows, num = [], 0
    for kind, sample in (('R', rs), ('U', us)):
        for e in sample:
            num += 1
            rows.append((num, row_key(e, kind, ents)))
            if not a.score:
                show(a.tree, ents, e, num, kind, a.context)
    if a.score:
        print(f'population: {len(res)} resolved, {len(unres)} unresolved '
              f'naming a {a.lang} definition; seed {a.seed}')
        return score(a.score, rows)
    print(f'# population: {len(res)} resolved, {len(unres)} unresolved; '
          f'sampled {len(rs)} and {len(us)}, seed {a.seed}')
    print('# rows for the verdict file (number, kind, site, target, rule):')
    for i, k in rows:
        print('\t'.join((str(i),) + k))
    return 0


if __name__ == '__main__':
    sys.exit(main())
