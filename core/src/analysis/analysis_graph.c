/* Shared plumbing of pt/analysis.h (see analysis_int.h): the distinct edge
 * pairs, undirected neighbour sets and the deterministic ranking order
 * every ranked result uses. */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

void pt__adj_fini(pt__adj *a)
{
  if (!a)
    return;
  pt_free(a->off);
  pt_free(a->to);
  memset(a, 0, sizeof *a);
}

static int adj_alloc(pt__adj *a, size_t n_nodes, size_t n_links)
{
  a->n_nodes = n_nodes;
  a->n_links = 0;
  a->off = pt_calloc(n_nodes + 1, sizeof *a->off);
  a->to = pt_malloc((n_links + 1) * sizeof *a->to);
  if (a->off && a->to)
    return 0;
  pt__adj_fini(a);
  return PT_ERR(PT_ENOMEM, "out of memory in graph analysis");
}

/* Forward lists are in (from, to, type) order, so the copies of a pair
 * are adjacent: keeping a target only when it differs from the previous
 * one leaves the distinct pairs, still sorted by target. */
static int pairs_forward(const pt_qgraph *q, pt__adj *fwd)
{
  int rc = adj_alloc(fwd, q->n_nodes, q->n_edges);
  size_t w = 0;
  for (size_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    fwd->off[v] = (uint32_t)w;
    for (uint32_t k = q->fwd_off[v]; k < q->fwd_off[v + 1]; k++)
      if (k == q->fwd_off[v] || q->fwd[k] != q->fwd[k - 1])
        fwd->to[w++] = q->fwd[k];
  }
  if (rc == 0) {
    fwd->off[q->n_nodes] = (uint32_t)w;
    fwd->n_links = w;
  }
  return rc;
}

/* Transposes a forward adjacency; sources come out ascending because
 * they are visited in order. */
static int transpose(const pt__adj *fwd, pt__adj *rev)
{
  size_t n = fwd->n_nodes;
  int rc = adj_alloc(rev, n, fwd->n_links);
  uint32_t *pos = rc == 0 ? pt_malloc((n + 1) * sizeof *pos) : NULL;
  if (rc == 0 && !pos) {
    pt__adj_fini(rev);
    rc = PT_ERR(PT_ENOMEM, "out of memory in graph analysis");
  }
  if (rc == 0) {
    for (size_t k = 0; k < fwd->n_links; k++)
      rev->off[fwd->to[k] + 1]++;
    for (size_t v = 0; v < n; v++)
      rev->off[v + 1] += rev->off[v];
    memcpy(pos, rev->off, n * sizeof *pos);
    for (size_t v = 0; v < n; v++)
      for (uint32_t k = fwd->off[v]; k < fwd->off[v + 1]; k++)
        rev->to[pos[fwd->to[k]]++] = (uint32_t)v;
    rev->n_links = fwd->n_links;
  }
  pt_free(pos);
  return rc;
}

int pt__pairs_build(const pt_qgraph *q, pt__adj *fwd, pt__adj *rev)
{
  int rc = pairs_forward(q, fwd);
  if (rc == 0 && rev) {
    rc = transpose(fwd, rev);
    if (rc)
      pt__adj_fini(fwd);
  }
  return rc;
}

/* Merges two ascending distinct lists into out without duplicates. */
static size_t merge_unique(const uint32_t *a, size_t na, const uint32_t *b,
                           size_t nb, uint32_t *out)
{
  size_t i = 0, j = 0, w = 0;
  while (i < na || j < nb) {
    uint32_t x;
    if (j >= nb || (i < na && a[i] < b[j]))
      x = a[i++];
    else if (i >= na || b[j] < a[i])
      x = b[j++];
    else {
      x = a[i++];
      j++;
    }
    out[w++] = x;
  }
  return w;
}

int pt__neighbours_build(const pt_qgraph *q, pt__adj *out)
{
  pt__adj fwd = {0}, rev = {0};
  int rc = pt__pairs_build(q, &fwd, &rev);
  if (rc == 0)
    rc = adj_alloc(out, q->n_nodes, 2 * fwd.n_links);
  size_t w = 0;
  for (size_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    out->off[v] = (uint32_t)w;
    w += merge_unique(fwd.to + fwd.off[v], fwd.off[v + 1] - fwd.off[v],
                      rev.to + rev.off[v], rev.off[v + 1] - rev.off[v],
                      out->to + w);
  }
  if (rc == 0) {
    out->off[q->n_nodes] = (uint32_t)w;
    out->n_links = w;
  }
  pt__adj_fini(&rev);
  pt__adj_fini(&fwd);
  return rc;
}

void pt_scores_free(pt_scores *s)
{
  if (!s)
    return;
  pt_free(s->score);
  pt_free(s->order);
  pt_free(s);
}

int pt__scores_new(const pt_qgraph *q, pt_scores **out)
{
  pt_scores *s = pt_calloc(1, sizeof *s);
  if (s)
    s->score = pt_calloc(q->n_nodes + 1, sizeof *s->score);
  if (!s || !s->score) {
    pt_scores_free(s);
    return PT_ERR(PT_ENOMEM, "out of memory in graph analysis");
  }
  s->n_nodes = q->n_nodes;
  *out = s;
  return 0;
}

typedef struct ranked {
  double value;
  uint32_t node;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
  const ranked *a = pa, *b = pb;
  if (a->value != b->value)
    return a->value > b->value ? -1 : 1;
  return (a->node > b->node) - (a->node < b->node);
}

/* Sorts the analysis nodes by value descending, node id ascending. */
static int rank_nodes(const pt_qgraph *q, const double *dv,
                      const uint32_t *uv, uint32_t **order, size_t *n)
{
  ranked *r = pt_malloc((q->n_nodes + 1) * sizeof *r);
  uint32_t *o = pt_malloc((q->n_nodes + 1) * sizeof *o);
  int rc = r && o ? 0 : PT_ERR(PT_ENOMEM, "out of memory in graph analysis");
  size_t m = 0;
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v)) {
      r[m].value = dv ? dv[v] : (double)uv[v];
      r[m++].node = v;
    }
  if (rc == 0 && m > 1)
    qsort(r, m, sizeof *r, cmp_ranked);
  for (size_t i = 0; rc == 0 && i < m; i++)
    o[i] = r[i].node;
  pt_free(r);
  if (rc) {
    pt_free(o);
    return rc;
  }
  *order = o;
  *n = m;
  return 0;
}

int pt__scores_order(const pt_qgraph *q, pt_scores *s)
{
  return rank_nodes(q, s->score, NULL, &s->order, &s->n_order);
}

int pt__order_by_count(const pt_qgraph *q, const uint32_t *key,
                       uint32_t **order, size_t *n)
{
  return rank_nodes(q, NULL, key, order, n);
}
