/* The tests that reach code (pt/analysis.h): a breadth-first walk from the
 * targets over incoming edges, then the tests' own references
 * (pt/test_map.h) onto what the walk reached. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

#define UNREACHED 255

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Levels 0..hops from the targets; the nodes of each level in key
 * order, so the step a node keeps does not depend on edge order. */
static int walk(const pt_qgraph *q, pt_tests_reached *r, uint32_t *origin,
                const uint32_t *targets, size_t n_targets, unsigned hops)
{
  uint32_t *order = pt_malloc((q->n_nodes + 1) * sizeof *order);
  size_t n = 0, level_start = 0;
  if (!order)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n_targets; i++)
    if (r->depth[targets[i]] == UNREACHED) {
      r->depth[targets[i]] = 0;
      origin[targets[i]] = targets[i];
      order[n++] = targets[i];
    }
  qsort(order, n, sizeof *order, cmp_u32);
  size_t n_targets_kept = n;
  for (unsigned d = 1; d <= hops && level_start < n; d++) {
    size_t level_end = n;
    for (size_t i = level_start; i < level_end; i++) {
      uint32_t u = order[i];
      for (uint32_t s = q->rev_off[u]; s < q->rev_off[u + 1]; s++) {
        uint32_t v = q->rev[s];
        if (r->depth[v] != UNREACHED)
          continue;
        r->depth[v] = (uint8_t)d;
        r->next[v] = u;
        origin[v] = origin[u];
        order[n++] = v;
      }
    }
    qsort(order + level_end, n - level_end, sizeof *order, cmp_u32);
    level_start = level_end;
  }
  r->n_dependants = n - n_targets_kept;
  pt_free(order);
  return 0;
}

static int by_hops_then_test(const void *pa, const void *pb)
{
  const pt_test_reach *a = pa, *b = pb;
  if (a->hops != b->hops)
    return a->hops < b->hops ? -1 : 1;
  return (a->test > b->test) - (a->test < b->test);
}

/* Each test's nearest call onto the walk (its first in source order among
 * equals: m is sorted by test, then line). */
static int collect(const pt_qgraph *q, const pt_test_map *m, unsigned hops,
                   pt_tests_reached *r, const uint32_t *origin)
{
  size_t cap = 0;
  for (size_t i = 0; i < m->n_calls; i++) {
    const pt_test_call *c = &m->calls[i];
    int64_t v = pt_qgraph_find(q, c->to_key);
    if (v < 0 || r->depth[v] == UNREACHED || r->depth[v] + 1u > hops)
      continue;
    unsigned h = r->depth[v] + 1u;
    pt_test_reach *last = r->n_items ? &r->items[r->n_items - 1] : NULL;
    if (last && last->test == c->test) {
      if (h < last->hops)
        *last = (pt_test_reach){c->test, h, (uint32_t)v, origin[v]};
      continue;
    }
    if (r->n_items == cap &&
        pt_array_grow((void **)&r->items, &cap, r->n_items + 1,
                      sizeof *r->items) != 0)
      return PT_ENOMEM;
    r->items[r->n_items++] =
        (pt_test_reach){c->test, h, (uint32_t)v, origin[v]};
  }
  if (r->n_items > 1)
    qsort(r->items, r->n_items, sizeof *r->items, by_hops_then_test);
  return 0;
}

int pt_tests_reaching(const pt_qgraph *q, const pt_test_map *m,
                      const uint32_t *targets, size_t n_targets,
                      unsigned hops, pt_tests_reached **out)
{
  if (!q || !m || !out || (n_targets && !targets))
    return PT_ERR(PT_EINVAL, "pt_tests_reaching: NULL argument");
  if (hops > 10)
    hops = 10;
  pt_tests_reached *r = pt_calloc(1, sizeof *r);
  uint32_t *origin = pt_malloc((q->n_nodes + 1) * sizeof *origin);
  int rc = r && origin ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (!(r->next = pt_malloc((q->n_nodes + 1) * sizeof *r->next)) ||
                  !(r->depth = pt_malloc(q->n_nodes + 1))))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    r->next[v] = PT_NO_NODE;
    r->depth[v] = UNREACHED;
  }
  for (size_t i = 0; rc == 0 && i < n_targets; i++)
    if (targets[i] >= q->n_nodes)
      rc = PT_ERR(PT_EINVAL, "pt_tests_reaching: node %u out of range",
                  (unsigned)targets[i]);
  if (rc == 0 && hops)
    rc = walk(q, r, origin, targets, n_targets, hops);
  if (rc == 0 && hops)
    rc = collect(q, m, hops, r, origin);
  pt_free(origin);
  if (rc) {
    pt_tests_reached_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

void pt_tests_reached_free(pt_tests_reached *r)
{
  if (!r)
    return;
  pt_free(r->items);
  pt_free(r->next);
  pt_free(r->depth);
  pt_free(r);
}
