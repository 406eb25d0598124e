/* Implementations of an interface, trait or protocol (pt/analysis.h,
 * pt_implementations): the types that implement or extend it, directly or
 * through one another, and the methods of one of its methods' name that
 * those types define; what /code-entity-detail-view lists. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

static int is_interface(pt_kind k)
{
  return k == PT_KIND_INTERFACE || k == PT_KIND_TRAIT;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The interface node whose implementations v asks for: v itself, or the
 * type a method v is written in; PT_NO_NODE when neither is one. */
static uint32_t interface_of(const pt_qgraph *q, uint32_t v)
{
  const pt_entity *ents = pt_graph_entities(q->g);
  int32_t i = q->entity[v];
  if (i < 0)
    return PT_NO_NODE;
  if (is_interface(ents[i].kind))
    return v;
  if ((ents[i].kind != PT_KIND_METHOD && ents[i].kind != PT_KIND_FUNCTION) ||
      !ents[i].parent_key)
    return PT_NO_NODE;
  int64_t p = pt_qgraph_find(q, ents[i].parent_key);
  return p >= 0 && q->entity[p] >= 0 && is_interface(ents[q->entity[p]].kind)
             ? (uint32_t)p
             : PT_NO_NODE;
}

/* Breadth first over incoming Implements and Extends edges from t: the
 * nodes reached (t first) into order, marked in seen; their count. */
static size_t implementers(const pt_qgraph *q, uint32_t t, uint8_t *seen,
                           uint32_t *order)
{
  size_t n = 0;
  seen[t] = 1;
  order[n++] = t;
  for (size_t f = 0; f < n; f++)
    for (uint32_t k = q->rev_off[order[f]]; k < q->rev_off[order[f] + 1]; k++) {
      pt_edge_type ty = (pt_edge_type)q->rev_type[k];
      uint32_t c = q->rev[k];
      if ((ty == PT_EDGE_IMPLEMENTS || ty == PT_EDGE_EXTENDS) && !seen[c]) {
        seen[c] = 1;
        order[n++] = c;
      }
    }
  return n;
}

/* The methods named `name` written in a type marked in seen (not t). */
static size_t methods_named(const pt_qgraph *q, uint32_t t, const char *name,
                            const uint8_t *seen, uint32_t *out)
{
  const pt_graph *g = q->g;
  const pt_entity *ents = pt_graph_entities(g);
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    const pt_entity *e = &ents[i];
    if ((e->kind != PT_KIND_METHOD && e->kind != PT_KIND_FUNCTION) ||
        !e->parent_key || strcmp(e->name, name) != 0)
      continue;
    int64_t p = pt_qgraph_find(q, e->parent_key);
    int64_t m = p >= 0 && seen[p] && (uint32_t)p != t
                    ? pt_qgraph_find(q, e->key)
                    : -1;
    if (m >= 0)
      out[n++] = (uint32_t)m;
  }
  return n;
}

int pt_implementations(const pt_qgraph *q, uint32_t v, uint32_t **out,
                       size_t *n_out, int *applies)
{
  if (!q || !out || !n_out || !applies || v >= q->n_nodes)
    return PT_ERR(PT_EINVAL, "pt_implementations: bad arguments");
  *out = NULL;
  *n_out = 0;
  uint32_t t = interface_of(q, v);
  *applies = t != PT_NO_NODE;
  if (t == PT_NO_NODE)
    return 0;
  uint8_t *seen = pt_calloc(q->n_nodes + 1, 1);
  uint32_t *order = pt_malloc((q->n_nodes + 1) * sizeof *order);
  if (!seen || !order) {
    pt_free(seen);
    pt_free(order);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  size_t n = implementers(q, t, seen, order);
  if (t == v) {
    n--;
    memmove(order, order + 1, n * sizeof *order);
  } else {
    n = methods_named(q, t, pt_graph_entities(q->g)[q->entity[v]].name, seen,
                      order);
  }
  qsort(order, n, sizeof *order, cmp_u32);
  pt_free(seen);
  *out = order;
  *n_out = n;
  return 0;
}
