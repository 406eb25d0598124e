/* Per-node metrics of pt/analysis.h: CK metrics as the original computes
 * them (docs/contract/http-api.md 6.4), their SQALE debt (5.18) and health
 * grade (5.22), edge type entropy (5.21) and coupling hotspots (5.12). */
#include <math.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

/* Do two ascending lists share an element? */
static int intersects(const uint32_t *a, size_t na, const uint32_t *b,
                      size_t nb)
{
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    if (a[i] == b[j])
      return 1;
    if (a[i] < b[j])
      i++;
    else
      j++;
  }
  return 0;
}

/* Pairs of children (duplicates kept) with disjoint callee sets, over all
 * pairs. A leaf child shares nothing with anyone, so only pairs of
 * non-leaf children need comparing: cost O(k^2 * degree) for k of them. */
static double lcom(const pt_qgraph *q, const pt__adj *pf, uint32_t v,
                   uint32_t *inner)
{
  uint64_t n = pt_qgraph_outdeg(q, v), k = 0, shared = 0;
  if (n <= 1)
    return 0.0;
  for (uint32_t s = q->fwd_off[v]; s < q->fwd_off[v + 1]; s++)
    if (pf->off[q->fwd[s] + 1] > pf->off[q->fwd[s]])
      inner[k++] = q->fwd[s];
  for (uint64_t i = 0; i < k; i++)
    for (uint64_t j = i + 1; j < k; j++) {
      uint32_t a = inner[i], b = inner[j];
      shared += (uint64_t)intersects(pf->to + pf->off[a],
                                     pf->off[a + 1] - pf->off[a],
                                     pf->to + pf->off[b],
                                     pf->off[b + 1] - pf->off[b]);
    }
  uint64_t pairs = n * (n - 1) / 2;
  return (double)(pairs - shared) / (double)pairs;
}

/* |set(forward[v]) U set(forward[c]) for c in forward[v]|, counted with a
 * per-node stamp so the mark array never needs clearing. */
static uint32_t rfc(const pt__adj *pf, uint32_t v, uint32_t *stamp)
{
  uint32_t n = 0, mark = v + 1;
  for (uint32_t k = pf->off[v]; k < pf->off[v + 1]; k++) {
    uint32_t c = pf->to[k];
    if (stamp[c] != mark) {
      stamp[c] = mark;
      n++;
    }
    for (uint32_t j = pf->off[c]; j < pf->off[c + 1]; j++)
      if (stamp[pf->to[j]] != mark) {
        stamp[pf->to[j]] = mark;
        n++;
      }
  }
  return n;
}

static int name_less(int a, int b)
{
  return strcmp(pt_edge_type_name((pt_edge_type)a),
                pt_edge_type_name((pt_edge_type)b)) < 0;
}

/* The edge types in name order ("Calls" < "Extends" < "Implements" <
 * "Uses"), which is the order the original's triples sort in. */
static void types_by_name(int *order)
{
  for (int t = 0; t < PT_EDGE__COUNT; t++)
    order[t] = t;
  for (int i = 1; i < PT_EDGE__COUNT; i++)
    for (int j = i; j > 0 && name_less(order[j], order[j - 1]); j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

/* Each edge counts as the greatest type (by name) of its pair, because
 * the original's pair-to-type map keeps the last triple inserted. */
static double entropy(const pt_qgraph *q, uint32_t v, const int *order)
{
  uint32_t cnt[PT_EDGE__COUNT] = {0}, n = pt_qgraph_outdeg(q, v);
  int rank[PT_EDGE__COUNT];
  for (int i = 0; i < PT_EDGE__COUNT; i++)
    rank[order[i]] = i;
  for (uint32_t s = q->fwd_off[v], e; s < q->fwd_off[v + 1]; s = e) {
    int best = q->fwd_type[s];
    for (e = s + 1; e < q->fwd_off[v + 1] && q->fwd[e] == q->fwd[s]; e++)
      if (rank[q->fwd_type[e]] > rank[best])
        best = q->fwd_type[e];
    cnt[best] += e - s;
  }
  double h = 0.0;
  for (int i = 0; n > 0 && i < PT_EDGE__COUNT; i++)
    if (cnt[order[i]] > 0) {
      double p = (double)cnt[order[i]] / (double)n;
      h -= p * log2(p);
    }
  return h;
}

static void compute(const pt_qgraph *q, const pt__adj *pf, const pt__adj *nb,
                    uint32_t *scratch, uint32_t *stamp, pt_metrics *m)
{
  int order[PT_EDGE__COUNT];
  types_by_name(order);
  for (uint32_t v = 0; v < q->n_nodes; v++) {
    if (!pt_analysis_is_node(q, v))
      continue;
    m->ck[v].cbo = nb->off[v + 1] - nb->off[v];
    m->ck[v].lcom = lcom(q, pf, v, scratch);
    m->ck[v].rfc = rfc(pf, v, stamp);
    m->ck[v].wmc = pt_qgraph_outdeg(q, v);
    m->entropy[v] = entropy(q, v, order);
  }
}

int pt_metrics_compute(const pt_qgraph *q, pt_metrics **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "metrics: no graph");
  size_t n = q->n_nodes + 1;
  pt__adj pf = {0}, nb = {0};
  pt_metrics *m = pt_calloc(1, sizeof *m);
  uint32_t *scratch = pt_malloc((q->n_edges + 1) * sizeof *scratch);
  uint32_t *stamp = pt_calloc(n, sizeof *stamp);
  if (m) {
    m->n_nodes = q->n_nodes;
    m->ck = pt_calloc(n, sizeof *m->ck);
    m->entropy = pt_calloc(n, sizeof *m->entropy);
  }
  int rc = m && m->ck && m->entropy && scratch && stamp
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in metrics");
  if (rc == 0)
    rc = pt__pairs_build(q, &pf, NULL);
  if (rc == 0)
    rc = pt__neighbours_build(q, &nb);
  if (rc == 0)
    compute(q, &pf, &nb, scratch, stamp, m);
  pt__adj_fini(&nb);
  pt__adj_fini(&pf);
  pt_free(stamp);
  pt_free(scratch);
  if (rc)
    pt_metrics_free(m);
  else
    *out = m;
  return rc;
}

void pt_metrics_free(pt_metrics *m)
{
  if (!m)
    return;
  pt_free(m->ck);
  pt_free(m->entropy);
  pt_free(m);
}

char pt_ck_grade(const pt_ck *ck)
{
  int failures = (ck->cbo > 10) + (ck->lcom > 0.8);
  int warnings = (ck->rfc > 50) + (ck->wmc > 50);
  if (failures >= 2)
    return 'F';
  if (failures == 1)
    return 'D';
  return warnings == 0 ? 'A' : warnings == 1 ? 'B' : 'C';
}

const char *pt_entropy_level(double entropy)
{
  return entropy < 1.0 ? "LOW" : entropy < 1.4 ? "MODERATE" : "HIGH";
}

unsigned pt_sqale_violations(const pt_ck *ck, double *hours)
{
  unsigned bits = 0;
  double h = 0.0;
  if (ck->cbo > 10) {
    bits |= PT_SQALE_HIGH_COUPLING;
    h += 4.0;
  }
  if (ck->lcom > 0.8) {
    bits |= PT_SQALE_LOW_COHESION;
    h += 8.0;
  }
  if (ck->wmc > 15) {
    bits |= PT_SQALE_HIGH_COMPLEXITY;
    h += 2.0;
  }
  if (hours)
    *hours = h;
  return bits;
}

const char *pt_sqale_severity(double hours)
{
  return hours == 0.0 ? "NONE"
         : hours <= 4.0 ? "LOW"
         : hours <= 8.0 ? "MEDIUM"
                        : "HIGH";
}

void pt_hotspots_free(pt_hotspots *h)
{
  if (!h)
    return;
  pt_free(h->inbound);
  pt_free(h->outbound);
  pt_free(h->order);
  pt_free(h);
}

int pt_hotspots_rank(const pt_qgraph *q, pt_hotspots **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "hotspots: no graph");
  size_t n = q->n_nodes + 1;
  pt__adj pf = {0}, pr = {0};
  pt_hotspots *h = pt_calloc(1, sizeof *h);
  uint32_t *total = pt_malloc(n * sizeof *total);
  if (h) {
    h->n_nodes = q->n_nodes;
    h->inbound = pt_malloc(n * sizeof *h->inbound);
    h->outbound = pt_malloc(n * sizeof *h->outbound);
  }
  int rc = h && h->inbound && h->outbound && total
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory ranking hotspots");
  if (rc == 0)
    rc = pt__pairs_build(q, &pf, &pr);
  for (size_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    h->outbound[v] = pf.off[v + 1] - pf.off[v];
    h->inbound[v] = pr.off[v + 1] - pr.off[v];
    total[v] = h->inbound[v] + h->outbound[v];
  }
  if (rc == 0)
    rc = pt__order_by_count(q, total, &h->order, &h->n_order);
  pt__adj_fini(&pr);
  pt__adj_fini(&pf);
  pt_free(total);
  if (rc)
    pt_hotspots_free(h);
  else
    *out = h;
  return rc;
}
