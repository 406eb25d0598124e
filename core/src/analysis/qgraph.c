/* The query graph of pt/qgraph.h: node numbering by key, CSR adjacency in
 * both directions, scope filtering. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ptrmap.h"
#include "pt/qgraph.h"

int pt_scope_admits(const pt_scope *scope, const char *path)
{
  char l1[256], l2[256];
  if (!scope)
    return 1;
  if (!path)
    return 0;
  pt_path_l1_l2(path, l1, sizeof l1, l2, sizeof l2);
  return (!*scope->l1 || strcmp(scope->l1, l1) == 0) &&
         (!*scope->l2 || strcmp(scope->l2, l2) == 0);
}

static int cmp_key(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every distinct key, sorted: entity keys and both ends of every edge.
 * Keys are interned in the graph's pool, so equal keys are one pointer:
 * the distinct ones are found by pointer, and `ids` maps each pointer to
 * its node for the passes that follow. */
static int collect_nodes(pt_qgraph *q, pt_ptrmap *ids)
{
  const pt_graph *g = q->g;
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  const char **all = pt_malloc((ne + 2 * nd + 1) * sizeof *all);
  if (!all)
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  int rc = pt_ptrmap_reserve(ids, ne + nd / 4 + 16);
  size_t n = 0, seen, n_ent = 0;
  for (size_t i = 0; rc == 0 && i < ne + 2 * nd; i++) {
    const char *k = i < ne ? pt_graph_entities(g)[i].key
                  : (i - ne) % 2 ? pt_graph_edges(g)[(i - ne) / 2].to_key
                                 : pt_graph_edges(g)[(i - ne) / 2].from_key;
    rc = pt_ptrmap_put_new(ids, k, n, &seen);
    if (rc == 0 && seen == n)
      all[n++] = k;
    if (i + 1 == ne)
      n_ent = n;
  }
  /* a finished graph's entities are in key order already: then only the
   * other keys (files, placeholders) need sorting, and a merge */
  int ents_sorted = 1;
  for (size_t i = 1; rc == 0 && ents_sorted && i < n_ent; i++)
    ents_sorted = strcmp(all[i - 1], all[i]) < 0;
  const char **merged = NULL;
  if (rc == 0 && ents_sorted && n_ent > 0 && n > n_ent &&
      !(merged = pt_malloc((n + 1) * sizeof *merged)))
    rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  if (rc) {
    pt_free(all);
    return rc;
  }
  if (ents_sorted && n_ent > 0) {
    if (n - n_ent > 1)
      qsort(all + n_ent, n - n_ent, sizeof *all, cmp_key);
    if (merged) {
      size_t a = 0, b = n_ent, w = 0;
      while (a < n_ent || b < n)
        merged[w++] = b == n || (a < n_ent && strcmp(all[a], all[b]) < 0) ? all[a++]
                                                                         : all[b++];
      pt_free(all);
      all = merged;
    }
  } else if (n > 1) {
    qsort(all, n, sizeof *all, cmp_key);
  }
  size_t w = 0;
  for (size_t r = 0; r < n; r++) {
    if (w == 0 || strcmp(all[w - 1], all[r]) != 0)
      all[w++] = all[r];
    pt_ptrmap_set(ids, all[r], w - 1);
  }
  q->key = all;
  q->n_nodes = w;
  return 0;
}

/* The node of a key of this graph (its interned pointer). */
static uint32_t node_of(const pt_ptrmap *ids, const char *key)
{
  size_t v = 0;
  pt_ptrmap_get(ids, key, &v);
  return (uint32_t)v;
}

int64_t pt_qgraph_find(const pt_qgraph *q, const char *key)
{
  size_t lo = 0, hi = q->n_nodes;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(q->key[mid], key);
    if (c == 0)
      return (int64_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static int map_entities(pt_qgraph *q, const pt_ptrmap *ids)
{
  q->entity = pt_malloc((q->n_nodes + 1) * sizeof *q->entity);
  if (!q->entity)
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  for (size_t v = 0; v < q->n_nodes; v++)
    q->entity[v] = -1;
  const pt_entity *e = pt_graph_entities(q->g);
  for (size_t i = 0; i < pt_graph_n_entities(q->g); i++)
    q->entity[node_of(ids, e[i].key)] = (int32_t)i;
  return 0;
}

/* The kept edges: all, or those whose from end is an entity in scope. */
static int keep_edge(const pt_qgraph *q, const pt_scope *scope, uint32_t from)
{
  if (!scope)
    return 1;
  int32_t ent = q->entity[from];
  return ent >= 0 && pt_scope_admits(scope, pt_graph_entities(q->g)[ent].file_path);
}

static int build_csr(pt_qgraph *q, const pt_scope *scope, const pt_ptrmap *ids)
{
  const pt_edge *edges = pt_graph_edges(q->g);
  size_t nd = pt_graph_n_edges(q->g), n = q->n_nodes;
  uint32_t *from = pt_malloc((nd + 1) * sizeof *from);
  uint32_t *to = pt_malloc((nd + 1) * sizeof *to);
  uint32_t *kept = pt_malloc((nd + 1) * sizeof *kept);
  q->fwd_off = pt_calloc(n + 2, sizeof *q->fwd_off);
  q->rev_off = pt_calloc(n + 2, sizeof *q->rev_off);
  int rc = from && to && kept && q->fwd_off && q->rev_off
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  size_t m = 0;
  for (size_t i = 0; rc == 0 && i < nd; i++) {
    uint32_t f = node_of(ids, edges[i].from_key);
    if (!keep_edge(q, scope, f))
      continue;
    from[m] = f;
    to[m] = node_of(ids, edges[i].to_key);
    kept[m++] = (uint32_t)i;
  }
  q->n_edges = m;
  q->fwd = pt_malloc((m + 1) * sizeof *q->fwd);
  q->fwd_type = pt_malloc(m + 1);
  q->fwd_edge = pt_malloc((m + 1) * sizeof *q->fwd_edge);
  q->rev = pt_malloc((m + 1) * sizeof *q->rev);
  q->rev_type = pt_malloc(m + 1);
  q->rev_edge = pt_malloc((m + 1) * sizeof *q->rev_edge);
  if (rc == 0 && (!q->fwd || !q->fwd_type || !q->fwd_edge || !q->rev ||
                  !q->rev_type || !q->rev_edge))
    rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  if (rc == 0) {
    /* edges are sorted by (from, to, type): forward lists fill in order */
    for (size_t k = 0; k < m; k++) {
      q->fwd_off[from[k] + 1]++;
      q->rev_off[to[k] + 1]++;
    }
    for (size_t v = 0; v < n; v++) {
      q->fwd_off[v + 1] += q->fwd_off[v];
      q->rev_off[v + 1] += q->rev_off[v];
    }
    uint32_t *rpos = pt_malloc((n + 1) * sizeof *rpos);
    if (!rpos)
      rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
    for (size_t v = 0; rc == 0 && v < n; v++)
      rpos[v] = q->rev_off[v];
    for (size_t k = 0; rc == 0 && k < m; k++) {
      uint8_t type = (uint8_t)edges[kept[k]].type;
      q->fwd[k] = to[k];
      q->fwd_type[k] = type;
      q->fwd_edge[k] = kept[k];
      q->rev[rpos[to[k]]] = from[k];
      q->rev_edge[rpos[to[k]]] = kept[k];
      q->rev_type[rpos[to[k]]++] = type;
    }
    pt_free(rpos);
  }
  pt_free(from);
  pt_free(to);
  pt_free(kept);
  return rc;
}

int pt_qgraph_build(const pt_graph *g, const pt_scope *scope, pt_qgraph **out)
{
  pt_qgraph *q = pt_calloc(1, sizeof *q);
  if (!q)
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  q->g = g;
  pt_ptrmap ids = PT_PTRMAP_INIT;
  int rc = collect_nodes(q, &ids);
  if (rc == 0) rc = map_entities(q, &ids);
  if (rc == 0) rc = build_csr(q, scope, &ids);
  pt_ptrmap_fini(&ids);
  if (rc) {
    pt_qgraph_free(q);
    return rc;
  }
  *out = q;
  return 0;
}

void pt_qgraph_free(pt_qgraph *q)
{
  if (!q)
    return;
  pt_free(q->key);
  pt_free(q->entity);
  pt_free(q->fwd_off);
  pt_free(q->fwd);
  pt_free(q->fwd_type);
  pt_free(q->fwd_edge);
  pt_free(q->rev_off);
  pt_free(q->rev);
  pt_free(q->rev_type);
  pt_free(q->rev_edge);
  pt_free(q);
}
