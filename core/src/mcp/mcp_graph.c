/* The MCP tools that walk the graph: callers, callees, blast_radius,
 * smart_context and architecture_summary, on the query graph's CSR lists
 * and the analyses of pt/analysis.h (docs/mcp.md "Tools"). */
#include <stdlib.h>
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

static int headline(pt_mcp_call *c, const pt_mcp_page *p, const char *what,
                    uint32_t node)
{
  int rc =
      pt_buf_printf(&c->text, "%zu %s %s", p->total, what, c->v->q->key[node]);
  if (!rc && p->offset + p->returned < p->total)
    rc = pt_buf_printf(&c->text,
                       " (%zu shown from %zu; pass cursor \"%zu\" "
                       "for more)",
                       p->returned, p->offset, p->offset + p->returned);
  return rc;
}

/* "- key" lines for the first ten items (field: where the ref is). */
static int list_text(pt_mcp_call *c, const cJSON *arr, const char *field)
{
  const cJSON *it;
  int i = 0, rc = 0;
  cJSON_ArrayForEach(it, arr)
  {
    const cJSON *ref = field ? cJSON_GetObjectItem(it, field) : it;
    if (i++ == 10)
      return pt_buf_puts(&c->text, "\n- ...");
    rc = pt_buf_printf(&c->text, "\n- %s",
                       cJSON_GetStringValue(cJSON_GetObjectItem(ref, "key")));
    if (rc)
      break;
  }
  return rc;
}

/* The entity argument as a node, and its reference as "entity". */
static int begin(pt_mcp_call *c, pt_mcp_page *p, uint32_t *node)
{
  int rc = pt__mcp_page_begin(c, p);
  if (!rc)
    rc = pt__mcp_resolve(c, pt__mcp_str(c, "entity"), node);
  if (rc)
    return rc;
  cJSON *ref = pt__mcp_ref(c->v, *node);
  if (!ref || !cJSON_AddItemToObject(c->structured, "entity", ref)) {
    cJSON_Delete(ref);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  return 0;
}

/* An ambiguous edge's candidates: their count, and the first
 * PT_CANDIDATES_MAX by key as references. */
static int add_candidates(const pt_mcp_call *c, cJSON *o,
                          const pt_candidates *l)
{
  cJSON *arr = pt__mcp_add_num(o, "candidates_total", l->n)
                   ? NULL
                   : cJSON_AddArrayToObject(o, "candidates");
  for (uint32_t k = 0; arr && k < l->n_keys; k++) {
    int64_t v = pt_qgraph_find(c->v->q, l->keys[k]);
    cJSON *ref = v >= 0 ? pt__mcp_ref(c->v, (uint32_t)v) : cJSON_CreateObject();
    if (ref && v < 0 && pt__mcp_add_str(ref, "key", l->keys[k])) {
      cJSON_Delete(ref);
      ref = NULL;
    }
    if (!ref || !cJSON_AddItemToArray(arr, ref)) {
      cJSON_Delete(ref);
      return PT_ERR(PT_ENOMEM, "out of memory");
    }
  }
  return arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

static cJSON *edge_item(const pt_mcp_call *c, uint32_t other, uint32_t edge,
                        const char *end)
{
  const pt_edge *e = &pt_graph_edges(c->v->g)[edge];
  cJSON *o = cJSON_CreateObject();
  cJSON *ref = o ? pt__mcp_ref(c->v, other) : NULL;
  if (!ref || !cJSON_AddItemToObject(o, end, ref)) {
    cJSON_Delete(ref);
    cJSON_Delete(o);
    return NULL;
  }
  if (pt__mcp_add_str(o, "edge_type", pt_edge_type_name(e->type)) ||
      pt__mcp_add_str(o, "file_path", e->file_path) ||
      pt__mcp_add_num(o, "line", e->line) ||
      pt__mcp_add_bool(o, "resolved", e->resolved) ||
      pt__mcp_add_str(o, "resolution", pt_resolution_name(e->resolution)) ||
      (e->candidates && add_candidates(c, o, e->candidates))) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* Callers and callees share their shape; reverse picks the direction. */
static int neighbours(pt_mcp_call *c, int reverse)
{
  const pt_qgraph *q = c->v->q;
  const char *list = reverse ? "callers" : "callees";
  const char *end = reverse ? "from" : "to";
  pt_mcp_page p;
  uint32_t v;
  int rc = begin(c, &p, &v);
  if (rc)
    return rc;
  cJSON *arr = cJSON_AddArrayToObject(c->structured, list);
  if (!arr)
    return PT_ERR(PT_ENOMEM, "out of memory");
  uint32_t lo = reverse ? q->rev_off[v] : q->fwd_off[v];
  uint32_t hi = reverse ? q->rev_off[v + 1] : q->fwd_off[v + 1];
  p.total = hi - lo;
  for (uint32_t s = lo; !rc && s < hi; s++)
    if (pt__mcp_page_wants(&p, s - lo))
      rc = pt__mcp_page_add(&p, arr,
                            reverse
                                ? edge_item(c, q->rev[s], q->rev_edge[s], end)
                                : edge_item(c, q->fwd[s], pt_qgraph_fwd_edge(q, s), end));
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = headline(c, &p, reverse ? "callers of" : "callees of", v);
  if (!rc)
    rc = list_text(c, arr, end);
  return rc;
}

int pt__mcp_callers(pt_mcp_call *c)
{
  return neighbours(c, 1);
}
int pt__mcp_callees(pt_mcp_call *c)
{
  return neighbours(c, 0);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Breadth first over incoming edges: order[] gets the nodes reached, one
 * level after the other, each level in key order; depth[] their level. */
static int reach(const pt_qgraph *q, uint32_t start, unsigned hops,
                 uint32_t *order, uint8_t *depth, size_t *n_out)
{
  uint8_t *seen = pt_calloc(q->n_nodes ? q->n_nodes : 1, 1);
  size_t n = 0, level_start = 0;
  if (!seen)
    return PT_ERR(PT_ENOMEM, "out of memory");
  seen[start] = 1;
  order[n++] = start;
  for (unsigned d = 1; d <= hops && level_start < n; d++) {
    size_t level_end = n;
    for (size_t i = level_start; i < level_end; i++)
      for (uint32_t s = q->rev_off[order[i]]; s < q->rev_off[order[i] + 1]; s++)
        if (!seen[q->rev[s]]) {
          seen[q->rev[s]] = 1;
          depth[n] = (uint8_t)d;
          order[n++] = q->rev[s];
        }
    qsort(order + level_end, n - level_end, sizeof *order, cmp_u32);
    level_start = level_end;
  }
  pt_free(seen);
  *n_out = n;
  return 0;
}

int pt__mcp_blast_radius(pt_mcp_call *c)
{
  const pt_qgraph *q = c->v->q;
  unsigned hops = (unsigned)pt__mcp_int(c, "hops");
  pt_mcp_page p;
  uint32_t v;
  size_t n = 0;
  int rc = begin(c, &p, &v);
  if (rc)
    return rc;
  uint32_t *order = pt_malloc(q->n_nodes * sizeof *order);
  uint8_t *depth = pt_malloc(q->n_nodes);
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "affected");
  rc = order && depth && arr ? reach(q, v, hops, order, depth, &n)
                             : PT_ERR(PT_ENOMEM, "out of memory");
  p.total = n ? n - 1 : 0; /* not the entity itself */
  for (size_t i = 1; !rc && i < n; i++) {
    if (!pt__mcp_page_wants(&p, i - 1))
      continue;
    cJSON *ref = pt__mcp_ref(c->v, order[i]);
    if (ref && pt__mcp_add_num(ref, "depth", depth[i])) {
      cJSON_Delete(ref);
      ref = NULL;
    }
    rc = pt__mcp_page_add(&p, arr, ref);
  }
  pt_free(order);
  pt_free(depth);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "hops", hops);
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = headline(c, &p, "entities may be affected by a change of", v);
  if (!rc)
    rc = list_text(c, arr, NULL);
  return rc;
}

static int context_item(const pt_mcp_call *c, const pt_context_item *it,
                        cJSON **out)
{
  char rel[32];
  cJSON *ref = pt__mcp_ref(c->v, it->node);
  if (it->kind == PT_CONTEXT_CALLER)
    pt_snprintf(rel, sizeof rel, "direct_caller");
  else if (it->kind == PT_CONTEXT_CALLEE)
    pt_snprintf(rel, sizeof rel, "direct_callee");
  else
    pt_snprintf(rel, sizeof rel, "transitive_depth_%u", it->depth);
  if (ref && (pt__mcp_add_str(ref, "relation", rel) ||
              pt__mcp_add_num(ref, "score", it->score) ||
              pt__mcp_add_num(ref, "tokens", (double)it->tokens))) {
    cJSON_Delete(ref);
    ref = NULL;
  }
  *out = ref;
  return ref ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

int pt__mcp_smart_context(pt_mcp_call *c)
{
  size_t budget = (size_t)pt__mcp_int(c, "token_budget");
  pt_context *ctx = NULL;
  pt_mcp_page p;
  uint32_t v;
  int rc = begin(c, &p, &v);
  if (!rc)
    rc = pt_smart_context(c->v->q, c->v->q->key[v], budget, &ctx);
  if (rc)
    return rc;
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "items");
  rc = arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  p.total = ctx->n_items;
  for (size_t i = 0; !rc && i < ctx->n_items; i++) {
    cJSON *item = NULL;
    if (pt__mcp_page_wants(&p, i) &&
        (rc = context_item(c, &ctx->items[i], &item)) == 0)
      rc = pt__mcp_page_add(&p, arr, item);
  }
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "token_budget", (double)budget);
  if (!rc)
    rc =
        pt__mcp_add_num(c->structured, "tokens_used", (double)ctx->tokens_used);
  pt_context_free(ctx);
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = headline(c, &p, "context items for", v);
  if (!rc)
    rc = list_text(c, arr, NULL);
  return rc;
}

static int hotspots(pt_mcp_call *c, pt_mcp_page *p, cJSON *arr)
{
  pt_hotspots *h = NULL;
  int rc = pt_hotspots_rank(c->v->q, &h);
  if (rc)
    return rc;
  p->total = h->n_order;
  for (size_t i = 0; !rc && i < h->n_order; i++) {
    if (!pt__mcp_page_wants(p, i))
      continue;
    uint32_t v = h->order[i];
    cJSON *ref = pt__mcp_ref(c->v, v);
    if (ref && (pt__mcp_add_num(ref, "inbound", h->inbound[v]) ||
                pt__mcp_add_num(ref, "outbound", h->outbound[v]))) {
      cJSON_Delete(ref);
      ref = NULL;
    }
    rc = pt__mcp_page_add(p, arr, ref);
  }
  pt_hotspots_free(h);
  return rc;
}

static cJSON *cycle_item(const pt_mcp_call *c, const pt_cycles *cy, size_t i)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *members = o ? cJSON_AddArrayToObject(o, "members") : NULL;
  int ok =
      members && !pt__mcp_add_num(o, "length", cy->off[i + 1] - cy->off[i] - 1);
  for (uint32_t k = cy->off[i]; ok && k < cy->off[i + 1]; k++) {
    cJSON *s = cJSON_CreateString(c->v->q->key[cy->path[k]]);
    ok = s && cJSON_AddItemToArray(members, s);
    if (!ok)
      cJSON_Delete(s);
  }
  if (ok)
    return o;
  cJSON_Delete(o);
  return NULL;
}

static int cycles(pt_mcp_call *c, pt_mcp_page *p, cJSON *arr)
{
  pt_cycles *cy = NULL;
  int rc = pt_cycles_scan(c->v->q, &cy);
  if (rc)
    return rc;
  p->total = cy->n_cycles;
  for (size_t i = 0; !rc && i < cy->n_cycles; i++)
    if (pt__mcp_page_wants(p, i))
      rc = pt__mcp_page_add(p, arr, cycle_item(c, cy, i));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "cycles_total", (double)cy->n_cycles);
  pt_cycles_free(cy);
  return rc;
}

int pt__mcp_architecture(pt_mcp_call *c)
{
  const char *section = pt__mcp_str(c, "section");
  const pt_graph *g = c->v->g;
  int is_cycles = section && strcmp(section, "cycles") == 0;
  pt_mcp_page p;
  int rc = pt__mcp_page_begin(c, &p);
  if (rc)
    return rc;
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "items");
  rc = arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  if (!rc)
    rc = is_cycles ? cycles(c, &p, arr) : hotspots(c, &p, arr);
  if (!rc)
    rc = pt__mcp_add_str(c->structured, "section",
                         is_cycles ? "cycles" : "hotspots");
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "entities",
                         (double)pt_graph_n_entities(g));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "edges", (double)pt_graph_n_edges(g));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "files", (double)pt_graph_n_files(g));
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = pt_buf_printf(&c->text, "%zu entities, %zu edges, %zu files; %zu %s",
                       pt_graph_n_entities(g), pt_graph_n_edges(g),
                       pt_graph_n_files(g), p.total,
                       is_cycles ? "dependency cycles" : "hotspots");
  if (!rc && !is_cycles)
    rc = list_text(c, arr, NULL);
  return rc;
}
