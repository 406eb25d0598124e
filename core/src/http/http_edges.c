/* Edge endpoints: reverse callers, forward callees, the edge list and the
 * blast radius, all on the query graph's CSR lists. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/alloc.h"
#include "pt/error.h"

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int entity_in_scope(const pt_serve_state *st, uint32_t v, const pt_scope *sc)
{
  int32_t i = st->q->entity[v];
  return i >= 0 && pt_scope_admits(sc, pt_graph_entities(st->g)[i].file_path);
}

/* An ambiguous edge's candidates: how many there are, and the first
 * PT_CANDIDATES_MAX by key as entity references. */
static void candidates(pt_json *j, const pt_serve_state *st,
                       const pt_candidates *c)
{
  pt_json_key(j, "candidates_total");
  pt_json_uint(j, c->n);
  pt_json_key(j, "candidates");
  pt_json_arr(j);
  for (uint32_t k = 0; k < c->n_keys; k++) {
    int64_t v = pt_qgraph_find(st->q, c->keys[k]);
    if (v >= 0) {
      pt__json_ref(j, st, st->q, (uint32_t)v);
      continue;
    }
    pt_json_obj(j);
    pt_json_key(j, "key");
    pt_json_str(j, c->keys[k]);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
}

/* One edge item: the earlier tool's four fields, then resolved, and how
 * (docs/contract/http-api.md 5; docs/extraction.md, Resolution), and an
 * ambiguous edge's candidates. */
static void edge_item(pt_req *r, uint32_t edge, const char *null_location)
{
  const pt_edge *e = &pt_graph_edges(r->st->g)[edge];
  pt_json *j = &r->json;
  char loc[1100];
  pt_json_obj(j);
  pt_json_key(j, "from_key");
  pt_json_str(j, e->from_key);
  pt_json_key(j, "to_key");
  pt_json_str(j, e->to_key);
  pt_json_key(j, "edge_type");
  pt_json_str(j, pt_edge_type_name(e->type));
  pt_json_key(j, "source_location");
  if (e->file_path && pt_snprintf(loc, sizeof loc, "%s:%u", e->file_path, e->line) == 0)
    pt_json_str(j, loc);
  else
    pt_json_str(j, null_location);
  pt_json_key(j, "resolved");
  pt_json_bool(j, e->resolved);
  pt_json_key(j, "resolution");
  pt_json_str(j, pt_resolution_name(e->resolution));
  pt_json_key(j, "confidence");
  pt_json_uint(j, pt_resolution_confidence(e->resolution));
  if (e->candidates)
    candidates(j, r->st, e->candidates);
  pt_json_obj_end(j);
}

/* The graph edge of slot k of the reverse lists or the forward ones. */
static uint32_t slot_edge(const pt_qgraph *q, int reverse, size_t k)
{
  return reverse ? q->rev_edge[k] : pt_qgraph_fwd_edge(q, (uint32_t)k);
}

/* Callers and callees share their shape; `reverse` picks the direction.
 * A known node with nothing around it is an empty page, not an error. */
static int neighbours(pt_req *r, int reverse)
{
  const pt_serve_state *st = r->st;
  const pt_qgraph *q = st->q;
  const char *text;
  pt_scope sc;
  char scope_buf[512];
  pt_page pg;
  if (pt__req_required(r, "entity", &text) || pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  int64_t v = pt__req_node(r, text);
  if (v < 0)
    return PT_EINVAL;
  const uint32_t *off = reverse ? q->rev_off : q->fwd_off;
  const uint32_t *other = reverse ? q->rev : q->fwd;
  size_t n = off[v + 1] - off[v];
  if (scoped) {
    n = 0;
    for (uint32_t k = off[v]; k < off[v + 1]; k++)
      n += entity_in_scope(st, other[k], &sc);
  }
  pt__resp_begin(r);
  pt_json_key(&r->json, "entity");
  pt_json_str(&r->json, q->key[v]);
  pt__page_counts(r, &pg, n);
  pt_json_key(&r->json, reverse ? "callers" : "callees");
  pt_json_arr(&r->json);
  if (!scoped) { /* straight to the page: the hub case stays O(page) */
    size_t from = off[v] + (size_t)(pg.offset < n ? pg.offset : n);
    for (size_t k = from; k < from + pt__page_len(&pg, n); k++)
      edge_item(r, slot_edge(q, reverse, k), "unknown");
  } else {
    size_t seen = 0;
    for (uint32_t k = off[v]; k < off[v + 1]; k++)
      if (entity_in_scope(st, other[k], &sc) && pt__page_has(&pg, seen++))
        edge_item(r, slot_edge(q, reverse, k), "unknown");
  }
  pt_json_arr_end(&r->json);
  pt__resp_end(r);
  return 0;
}

int pt__h_callers(pt_req *r) { return neighbours(r, 1); }
int pt__h_callees(pt_req *r) { return neighbours(r, 0); }

int pt__h_edges(pt_req *r)
{
  const pt_serve_state *st = r->st;
  const pt_qgraph *q = st->q;
  pt_page pg;
  pt_scope sc;
  char scope_buf[512];
  if (pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  size_t total = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (!scoped || entity_in_scope(st, v, &sc))
      total += pt_qgraph_outdeg(q, v);
  size_t returned = pt__page_len(&pg, total);
  pt__resp_begin(r);
  pt_json *j = &r->json;
  pt__page_counts(r, &pg, total);
  pt_json_key(j, "edges");
  pt_json_arr(j);
  size_t seen = 0, written = 0;
  for (uint32_t v = 0; v < q->n_nodes && written < returned; v++) {
    if (scoped && !entity_in_scope(st, v, &sc))
      continue;
    uint32_t deg = pt_qgraph_outdeg(q, v);
    if (seen + deg <= pg.offset) { /* the whole list before the page */
      seen += deg;
      continue;
    }
    for (uint32_t k = q->fwd_off[v]; k < q->fwd_off[v + 1] && written < returned; k++)
      if (seen++ >= pg.offset) {
        edge_item(r, pt_qgraph_fwd_edge(q, k), "");
        written++;
      }
  }
  pt_json_arr_end(j);
  pt__resp_end(r);
  return 0;
}

/* Breadth-first over "who depends on me", hop by hop; within a hop the
 * newly found nodes are in node (key) order. */
int pt__h_blast(pt_req *r)
{
  const pt_serve_state *st = r->st;
  const pt_qgraph *q = st->q;
  const char *text;
  uint64_t hops;
  pt_scope sc;
  char scope_buf[512];
  pt_page pg;
  if (pt__req_required(r, "entity", &text) || pt__req_uint(r, "hops", 3, 10, &hops) ||
      pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  int64_t src = pt__req_node(r, text);
  if (src < 0)
    return PT_EINVAL;
  unsigned char *seen = pt_calloc(q->n_nodes + 1, 1);
  uint32_t *order = pt_malloc((q->n_nodes + 1) * sizeof *order);
  uint32_t *hop_end = pt_calloc(hops + 2, sizeof *hop_end);
  if (!seen || !order || !hop_end) {
    pt_free(seen);
    pt_free(order);
    pt_free(hop_end);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  size_t n = 0, frontier = 0;
  seen[src] = 1;
  order[n++] = (uint32_t)src;
  for (uint64_t h = 1; h <= hops; h++) {
    size_t start = n;
    for (size_t f = frontier; f < start; f++)
      for (uint32_t k = q->rev_off[order[f]]; k < q->rev_off[order[f] + 1]; k++) {
        uint32_t c = q->rev[k];
        if (!seen[c] && (!scoped || entity_in_scope(st, c, &sc))) {
          seen[c] = 1;
          order[n++] = c;
        }
      }
    if (n - start > 1)
      qsort(order + start, n - start, sizeof *order, cmp_u32);
    hop_end[h] = (uint32_t)n;
    frontier = start;
    if (n == start)
      break;
  }
  /* nothing around a known node is an empty answer, not an error */
  size_t total = n - 1;
  pt__resp_begin(r);
  pt_json *j = &r->json;
  pt_json_key(j, "source_entity");
  pt_json_str(j, q->key[src]);
  pt_json_key(j, "hops_requested");
  pt_json_uint(j, hops);
  pt_json_key(j, "total_affected");
  pt_json_uint(j, total);
  pt__page_counts(r, &pg, total);
  pt_json_key(j, "by_hop");
  pt_json_arr(j);
  size_t from = 1;
  for (uint64_t h = 1; h <= hops && hop_end[h] > from; h++) {
    pt_json_obj(j);
    pt_json_key(j, "hop");
    pt_json_uint(j, h);
    pt_json_key(j, "count");
    pt_json_uint(j, hop_end[h] - from);
    pt_json_key(j, "entities");
    pt_json_arr(j);
    for (size_t k = from; k < hop_end[h]; k++)
      if (pt__page_has(&pg, k - 1))
        pt__json_ref(j, st, q, order[k]);
    pt_json_arr_end(j);
    pt_json_obj_end(j);
    from = hop_end[h];
  }
  pt_json_arr_end(j);
  pt__resp_end(r);
  pt_free(seen);
  pt_free(order);
  pt_free(hop_end);
  return 0;
}
