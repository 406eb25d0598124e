/* Centrality of pt/analysis.h: PageRank (docs/contract/http-api.md 6.2)
 * and Brandes betweenness (6.3) on the multigraph of 3.5, duplicated edges
 * counted. */
#include <math.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

static size_t count_nodes(const pt_qgraph *q)
{
  size_t n = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    n += (size_t)pt_analysis_is_node(q, v);
  return n;
}

/* One synchronous step; returns the L1 change. */
static double pagerank_step(const pt_qgraph *q, double d, double n,
                            const double *pr, double *next)
{
  double dangling = 0.0, diff = 0.0;
  for (uint32_t u = 0; u < q->n_nodes; u++)
    if (pt_analysis_is_node(q, u) && pt_qgraph_outdeg(q, u) == 0)
      dangling += pr[u];
  for (uint32_t v = 0; v < q->n_nodes; v++) {
    if (!pt_analysis_is_node(q, v))
      continue;
    double s = 0.0;
    for (uint32_t k = q->rev_off[v]; k < q->rev_off[v + 1]; k++) {
      uint32_t u = q->rev[k];
      s += pr[u] / (double)pt_qgraph_outdeg(q, u);
    }
    next[v] = (1.0 - d + d * dangling) / n + d * s;
    diff += fabs(next[v] - pr[v]);
  }
  return diff;
}

static void pagerank_run(const pt_qgraph *q, double d, unsigned max_iter,
                         double tol, pt_scores *s, double *tmp)
{
  double n = (double)count_nodes(q);
  double *pr = s->score, *next = tmp;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    pr[v] = pt_analysis_is_node(q, v) ? 1.0 / n : 0.0;
  memcpy(next, pr, q->n_nodes * sizeof *pr);
  for (unsigned it = 0; it < max_iter; it++) {
    double diff = pagerank_step(q, d, n, pr, next);
    double *t = pr;
    pr = next;
    next = t;
    s->n_iterations = it + 1;
    if (diff < tol)
      break;
  }
  if (pr != s->score)
    memcpy(s->score, pr, q->n_nodes * sizeof *pr);
}

int pt_pagerank(const pt_qgraph *q, double damping, unsigned max_iter,
                double tol, pt_scores **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "pagerank: no graph");
  pt_scores *s = NULL;
  double *tmp = NULL;
  int rc = pt__scores_new(q, &s);
  if (rc == 0 && !(tmp = pt_malloc((q->n_nodes + 1) * sizeof *tmp)))
    rc = PT_ERR(PT_ENOMEM, "out of memory in pagerank");
  if (rc == 0 && count_nodes(q) > 0)
    pagerank_run(q, damping, max_iter, tol, s, tmp);
  if (rc == 0)
    rc = pt__scores_order(q, s);
  pt_free(tmp);
  if (rc)
    pt_scores_free(s);
  else
    *out = s;
  return rc;
}

/* Per-source work arrays of Brandes' algorithm. */
typedef struct brandes {
  int64_t *dist;
  double *sigma;
  double *delta;
  uint32_t *queue;  /* BFS order; read backwards it is the stack */
} brandes;

static size_t bfs(const pt_qgraph *q, uint32_t s, brandes *b)
{
  for (size_t v = 0; v < q->n_nodes; v++) {
    b->dist[v] = -1;
    b->sigma[v] = 0.0;
    b->delta[v] = 0.0;
  }
  size_t head = 0, tail = 0;
  b->dist[s] = 0;
  b->sigma[s] = 1.0;
  b->queue[tail++] = s;
  while (head < tail) {
    uint32_t v = b->queue[head++];
    for (uint32_t k = q->fwd_off[v]; k < q->fwd_off[v + 1]; k++) {
      uint32_t w = q->fwd[k];
      if (b->dist[w] < 0) {
        b->dist[w] = b->dist[v] + 1;
        b->queue[tail++] = w;
      }
      if (b->dist[w] == b->dist[v] + 1)
        b->sigma[w] += b->sigma[v];
    }
  }
  return tail;
}

/* The predecessors of w are the reverse-list entries one level closer to
 * the source: the same multiset the original's pred lists hold, so no lists
 * need to be built. */
static void accumulate(const pt_qgraph *q, uint32_t s, brandes *b, size_t n,
                       double *cb)
{
  for (size_t i = n; i-- > 0;) {
    uint32_t w = b->queue[i];
    for (uint32_t k = q->rev_off[w]; k < q->rev_off[w + 1]; k++) {
      uint32_t v = q->rev[k];
      if (b->dist[v] >= 0 && b->dist[v] + 1 == b->dist[w])
        b->delta[v] += b->sigma[v] / b->sigma[w] * (1.0 + b->delta[w]);
    }
    if (w != s)
      cb[w] += b->delta[w];
  }
}

int pt_betweenness(const pt_qgraph *q, pt_scores **out)
{
  return pt_betweenness_sampled(q, (size_t)-1, out, NULL);
}

int pt_betweenness_sampled(const pt_qgraph *q, size_t max_sources,
                           pt_scores **out, size_t *n_sources)
{
  if (!q || !out || !max_sources)
    return PT_ERR(PT_EINVAL, "betweenness: no graph");
  /* every k-th analysis node in node order is a source, k the smallest
   * stride that keeps the count within max_sources */
  size_t n_nodes = 0, used = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    n_nodes += pt_analysis_is_node(q, v);
  size_t stride = n_nodes <= max_sources ? 1 : (n_nodes + max_sources - 1) / max_sources;
  size_t n = q->n_nodes + 1;
  pt_scores *s = NULL;
  brandes b = {pt_malloc(n * sizeof *b.dist), pt_malloc(n * sizeof *b.sigma),
               pt_malloc(n * sizeof *b.delta), pt_malloc(n * sizeof *b.queue)};
  int rc = b.dist && b.sigma && b.delta && b.queue
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in betweenness");
  if (rc == 0)
    rc = pt__scores_new(q, &s);
  size_t seen = 0;
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && seen++ % stride == 0) {
      accumulate(q, v, &b, bfs(q, v, &b), s->score);
      used++;
    }
  /* a sample estimates the full sum: scale by nodes per source */
  for (size_t v = 0; rc == 0 && stride > 1 && v < q->n_nodes; v++)
    s->score[v] *= (double)n_nodes / (double)used;
  if (n_sources)
    *n_sources = used;
  if (s)
    s->n_sources = used;
  if (rc == 0)
    rc = pt__scores_order(q, s);
  pt_free(b.queue);
  pt_free(b.delta);
  pt_free(b.sigma);
  pt_free(b.dist);
  if (rc)
    pt_scores_free(s);
  else
    *out = s;
  return rc;
}
