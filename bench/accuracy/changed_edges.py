#!/usr/bin/python3
"""The resolved call edges a change of the resolver adds or removes, for
checking by hand, and the precision after the change from those verdicts
and the hand-checked sample of the build before it (docs/accuracy.md,
"Hand-checked samples").

    changed_edges.py OLD.dump NEW.dump TREE LANG [--context K]
                     [--score CHANGED.tsv --base HAND.tsv]

OLD.dump and NEW.dump are `parseltongue dump TREE` by the builds before
and after; the population is sample_edges.py's (resolved `Calls` edges of
LANG code outside tests, one per caller and callee). Without --score,
each edge only one dump has prints as a block: `-` gone, `+` new, the call
site with K lines before it, the target; then the rows of a verdict file
(number, kind, site, target, rule).

--score reads CHANGED.tsv (those rows, with verdict and reason as in
sample_edges.py) and HAND.tsv, the verdicts of sample_edges.py's sample of
OLD.dump. The new population is the edges both dumps have (a uniform
sample of which is HAND.tsv's rows whose edge NEW.dump still has) and the
new edges (all of them checked); its precision is estimated stratum by
stratum, with the first stratum's 95 % Wilson interval carried over.
Exits 1 when a file does not match the dumps.
"""
import argparse
import sys

from sample_edges import parse_dump, populations, show, wilson


def population(path, lang):
    ents, tests, edges = parse_dump(path, lang)
    res, _ = populations(ents, tests, edges, lang)
    return ents, {(e['from'], e['to']): e for e in res}


def target_text(ents, key):
    d = ents[key]
    return f"{d['file']}:{d['start']} {d['qname']}"


def read_rows(path):
    rows = []
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            if line.startswith('#') or not line.strip():
                continue
            f = line.rstrip('\n').split('\t')
            rows.append(f + [''] * (7 - len(f)))
    return rows


def score(a, old, new, eo, en, rows):
    got = read_rows(a.score)
    want = [[str(i), k, s, t, r] for i, (k, s, t, r) in enumerate(rows, 1)]
    if [g[:5] for g in got] != want:
        print(f'{a.score}: not the changed edges of these dumps',
              file=sys.stderr)
        return 1
    # the old sample's rows, by site and target, and which edges stay
    stay = {(e['site'], target_text(eo, k[1])) for k, e in old.items()
            if k in new}
    base = [g for g in read_rows(a.base) if g[1] == 'R']
    kept = [g for g in base if (g[2], g[3]) in stay]
    right = sum(1 for g in kept if g[5] == 'right')
    wrong = sum(1 for g in kept if g[5] == 'wrong')
    n_stay = sum(1 for k in new if k in old)
    came = [g for g in got if g[1] == '+']
    c_right = sum(1 for g in came if g[5] == 'right')
    c_wrong = sum(1 for g in came if g[5] == 'wrong')
    gone = [g for g in got if g[1] == '-']
    g_wrong = sum(1 for g in gone if g[5] == 'wrong')
    lo, hi = wilson(right, right + wrong)
    p = right / max(right + wrong, 1)
    n = n_stay + len(came) - sum(1 for g in came if g[5] == 'unsure')
    est = lambda q: 100 * (n_stay * q + c_right) / max(n, 1)
    print(f'population: {len(old)} resolved before, {len(new)} after: '
          f'{n_stay} kept, {len(gone)} gone ({g_wrong} of them wrong), '
          f'{len(came)} new ({c_right} right, {c_wrong} wrong)')
    print(f'kept edges: {len(kept)} of the old sample\'s {len(base)}, '
          f'{right} right, {wrong} wrong')
    print(f'precision after: {est(p):.1f} % (95 % CI {est(lo):.1f} to '
          f'{est(hi):.1f} %)')
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('old')
    ap.add_argument('new')
    ap.add_argument('tree')
    ap.add_argument('lang')
    ap.add_argument('--context', type=int, default=4)
    ap.add_argument('--score')
    ap.add_argument('--base')
    a = ap.parse_args()
    if bool(a.score) != bool(a.base):
        ap.error('--score and --base go together')
    eo, old = population(a.old, a.lang)
    en, new = population(a.new, a.lang)
    changed = [('-', e, eo) for k, e in old.items() if k not in new] + \
              [('+', e, en) for k, e in new.items() if k not in old]
    changed.sort(key=lambda x: (x[0], x[1]['site'], target_text(x[2], x[1]['to'])))
    rows = [(kind, e['site'], target_text(ents, e['to']), e['rule'])
            for kind, e, ents in changed]
    if a.score:
        return score(a, old, new, eo, en, rows)
    for i, (kind, e, ents) in enumerate(changed, 1):
        show(a.tree, ents, dict(e, cands=[e['to']]), i, kind, a.context)
    print(f'# {len(old)} resolved before, {len(new)} after; '
          f'{sum(1 for c in changed if c[0] == "-")} gone, '
          f'{sum(1 for c in changed if c[0] == "+")} new')
    print('# rows for the verdict file (number, kind, site, target, rule):')
    for i, r in enumerate(rows, 1):
        print('\t'.join((str(i),) + r))
    return 0


if __name__ == '__main__':
    sys.exit(main())
