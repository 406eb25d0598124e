/* Leiden-style communities of pt/analysis.h, reproducing
 * docs/contract/http-api.md 6.5 as the original implements it (local
 * moves, a split-off refinement, an unusual modularity), with its hash-map
 * orders replaced by ascending ids. */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

/* Community state. Refinement mints new ids (up to one per node per
 * round), so the per-community arrays grow with the highest id. */
typedef struct leiden {
  const pt_qgraph *q;
  uint32_t *comm;     /* by node */
  uint64_t *tot;      /* by community: sum of outdeg + indeg */
  uint32_t *cnt;      /* by community: scratch edge counts, zero between uses */
  size_t cap_tot, cap_cnt;
  uint32_t next;      /* during refinement: the next new id */
  uint32_t *touched;  /* scratch: communities counted for one node */
  uint32_t *members;  /* scratch: nodes ordered by community */
  uint32_t *start;    /* scratch: by community, offsets into members */
  size_t cap_start;
} leiden;

static uint64_t kdeg(const pt_qgraph *q, uint32_t v)
{
  return (uint64_t)pt_qgraph_outdeg(q, v) + pt_qgraph_indeg(q, v);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static size_t count_links(leiden *l, uint32_t v)
{
  const pt_qgraph *q = l->q;
  size_t n = 0;
  for (int dir = 0; dir < 2; dir++) {
    const uint32_t *off = dir ? q->rev_off : q->fwd_off;
    const uint32_t *adj = dir ? q->rev : q->fwd;
    for (uint32_t k = off[v]; k < off[v + 1]; k++) {
      uint32_t c = l->comm[adj[k]];
      if (l->cnt[c]++ == 0)
        l->touched[n++] = c;
    }
  }
  return n;
}

/* The local move of one node; returns whether it changed community. */
static int move_node(leiden *l, uint32_t v, double m)
{
  size_t n = count_links(l, v);
  qsort(l->touched, n, sizeof *l->touched, cmp_u32);
  uint64_t kv = kdeg(l->q, v);
  uint32_t cur = l->comm[v], best = cur;
  double best_gain = 0.0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = l->touched[i];
    if (c != cur) {
      double gain = (double)l->cnt[c] / m -
                    1.0 * (double)kv * (double)l->tot[c] / (2.0 * m * m);
      if (gain > best_gain) {
        best_gain = gain;
        best = c;
      }
    }
    l->cnt[c] = 0;
  }
  if (best == cur)
    return 0;
  l->tot[cur] -= kv;
  l->tot[best] += kv;
  l->comm[v] = best;
  return 1;
}

/* Nodes bucketed by community id, ascending within each bucket. */
static int bucket(leiden *l)
{
  const pt_qgraph *q = l->q;
  int rc = pt_array_grow((void **)&l->start, &l->cap_start,
                         (size_t)l->next + 2, sizeof *l->start);
  if (rc)
    return rc;
  memset(l->start, 0, ((size_t)l->next + 2) * sizeof *l->start);
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v))
      l->start[l->comm[v] + 1]++;
  for (uint32_t c = 0; c <= l->next; c++)
    l->start[c + 1] += l->start[c];
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v))
      l->members[l->start[l->comm[v]]++] = v;
  for (uint32_t c = l->next; c > 0; c--)
    l->start[c] = l->start[c - 1];
  l->start[0] = 0;
  return 0;
}

static int grow_ids(leiden *l, size_t need)
{
  size_t old = l->cap_tot;
  int rc = pt_array_grow((void **)&l->tot, &l->cap_tot, need, sizeof *l->tot);
  if (rc == 0 && l->cap_tot > old)
    memset(l->tot + old, 0, (l->cap_tot - old) * sizeof *l->tot);
  old = l->cap_cnt;
  if (rc == 0)
    rc = pt_array_grow((void **)&l->cnt, &l->cap_cnt, need, sizeof *l->cnt);
  if (rc == 0 && l->cap_cnt > old)
    memset(l->cnt + old, 0, (l->cap_cnt - old) * sizeof *l->cnt);
  return rc;
}

/* Splits off, as singletons, members of communities larger than two that
 * have no link into their community but some link out of it. */
static int refine(leiden *l)
{
  const pt_qgraph *q = l->q;
  l->next = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && l->comm[v] >= l->next)
      l->next = l->comm[v] + 1;
  int rc = bucket(l);
  uint32_t n_comm = l->next;
  for (uint32_t c = 0; rc == 0 && c < n_comm; c++) {
    if (l->start[c + 1] - l->start[c] <= 2)
      continue;
    for (uint32_t i = l->start[c]; rc == 0 && i < l->start[c + 1]; i++) {
      uint32_t x = l->members[i], in = 0;
      for (uint32_t k = q->fwd_off[x]; k < q->fwd_off[x + 1]; k++)
        in += l->comm[q->fwd[k]] == c;
      for (uint32_t k = q->rev_off[x]; k < q->rev_off[x + 1]; k++)
        in += l->comm[q->rev[k]] == c;
      if (in > 0 || kdeg(q, x) == 0)
        continue;
      rc = grow_ids(l, (size_t)l->next + 1);
      if (rc == 0) {
        l->tot[c] -= kdeg(q, x);
        l->tot[l->next] = kdeg(q, x);
        l->comm[x] = l->next++;
      }
    }
  }
  return rc;
}

static int run(leiden *l)
{
  const pt_qgraph *q = l->q;
  double m = (double)q->n_edges;
  int rc = grow_ids(l, q->n_nodes + 1);
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    l->comm[v] = v;
    l->tot[v] = kdeg(q, v);
  }
  for (int round = 0; rc == 0 && round < 10 && q->n_edges > 0; round++) {
    int improved = 0;
    for (uint32_t v = 0; v < q->n_nodes; v++)
      if (pt_analysis_is_node(q, v))
        improved |= move_node(l, v, m);
    rc = refine(l);
    if (!improved)
      break;
  }
  return rc;
}

/* Ids 0, 1, 2, ... by first appearance in node order. */
static void renumber(leiden *l)
{
  const pt_qgraph *q = l->q;
  uint32_t *map = l->cnt; /* big enough: ids < cap_cnt */
  for (size_t c = 0; c < l->cap_cnt; c++)
    map[c] = PT_NO_NODE;
  uint32_t n = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++) {
    if (!pt_analysis_is_node(q, v))
      continue;
    if (map[l->comm[v]] == PT_NO_NODE)
      map[l->comm[v]] = n++;
    l->comm[v] = map[l->comm[v]];
  }
}

int pt_modularity(const pt_qgraph *q, const uint32_t *comm, double *out)
{
  if (!q || !comm || !out)
    return PT_ERR(PT_EINVAL, "modularity: no graph");
  double m = (double)q->n_edges;
  double *out_c = pt_calloc(q->n_nodes + 1, sizeof *out_c);
  double *in_c = pt_calloc(q->n_nodes + 1, sizeof *in_c);
  int rc = out_c && in_c ? 0 : PT_ERR(PT_ENOMEM, "out of memory in modularity");
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && comm[v] >= q->n_nodes)
      rc = PT_ERR(PT_EINVAL, "modularity: community id %u out of range",
                  (unsigned)comm[v]);
  double links = 0.0, expected = 0.0;
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    if (!pt_analysis_is_node(q, v))
      continue;
    out_c[comm[v]] += pt_qgraph_outdeg(q, v);
    in_c[comm[v]] += pt_qgraph_indeg(q, v);
    /* A_ij counts a pair once however many edge types it has */
    for (uint32_t k = q->fwd_off[v]; k < q->fwd_off[v + 1]; k++)
      if ((k == q->fwd_off[v] || q->fwd[k] != q->fwd[k - 1]) &&
          comm[q->fwd[k]] == comm[v])
        links += 1.0;
  }
  for (size_t c = 0; rc == 0 && c < q->n_nodes; c++)
    expected += out_c[c] * in_c[c];
  if (rc == 0)
    *out = m > 0 ? (links - expected / m) / (2.0 * m) : 0.0;
  pt_free(in_c);
  pt_free(out_c);
  return rc;
}

static int leiden_alloc(leiden *l, const pt_qgraph *q)
{
  size_t n = q->n_nodes + 1;
  l->q = q;
  l->comm = pt_malloc(n * sizeof *l->comm);
  l->touched = pt_malloc(2 * (q->n_edges + 1) * sizeof *l->touched);
  l->members = pt_malloc(n * sizeof *l->members);
  if (!l->comm || !l->touched || !l->members)
    return PT_ERR(PT_ENOMEM, "out of memory in community detection");
  return 0;
}

static void leiden_fini(leiden *l)
{
  pt_free(l->comm);
  pt_free(l->tot);
  pt_free(l->cnt);
  pt_free(l->touched);
  pt_free(l->members);
  pt_free(l->start);
}

int pt_leiden(const pt_qgraph *q, pt_groups **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "leiden: no graph");
  leiden l = {0};
  pt_groups *gr = pt_calloc(1, sizeof *gr);
  int rc = gr ? leiden_alloc(&l, q)
              : PT_ERR(PT_ENOMEM, "out of memory in community detection");
  if (rc == 0)
    rc = run(&l);
  if (rc == 0) {
    renumber(&l);
    rc = pt__groups_build(q, l.comm, q->n_nodes, gr, &gr->id);
  }
  if (rc == 0)
    rc = pt_modularity(q, l.comm, &gr->modularity);
  leiden_fini(&l);
  if (rc)
    pt_groups_free(gr);
  else
    *out = gr;
  return rc;
}
