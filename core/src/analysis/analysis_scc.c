/* Strongly connected components of pt/analysis.h
 * (docs/contract/http-api.md 5.17): Tarjan's algorithm with an explicit
 * call stack, so deep dependency chains cannot overflow the C stack. */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

/* Tarjan's state; every array is indexed by node id. */
typedef struct tarjan {
  const pt_qgraph *q;
  uint32_t *index;    /* PT_NO_NODE until visited */
  uint32_t *low;
  uint32_t *cursor;   /* next forward slot to look at */
  uint8_t *on_stack;
  uint32_t *stack;    /* Tarjan's node stack */
  size_t n_stack;
  uint32_t *calls;    /* the explicit recursion */
  size_t n_calls;
  uint32_t counter;
  pt_sccs *out;       /* members filled in pop order, off per SCC */
  size_t n_members;
} tarjan;

static void visit(tarjan *t, uint32_t v)
{
  t->index[v] = t->low[v] = t->counter++;
  t->cursor[v] = t->q->fwd_off[v];
  t->stack[t->n_stack++] = v;
  t->on_stack[v] = 1;
  t->calls[t->n_calls++] = v;
}

static void pop_component(tarjan *t, uint32_t v)
{
  uint32_t w;
  do {
    w = t->stack[--t->n_stack];
    t->on_stack[w] = 0;
    t->out->comp[w] = (uint32_t)t->out->n_sccs;
    t->out->members[t->n_members++] = w;
  } while (w != v);
  t->out->off[++t->out->n_sccs] = (uint32_t)t->n_members;
}

static void strongconnect(tarjan *t, uint32_t root)
{
  const pt_qgraph *q = t->q;
  visit(t, root);
  while (t->n_calls > 0) {
    uint32_t v = t->calls[t->n_calls - 1];
    if (t->cursor[v] < q->fwd_off[v + 1]) {
      uint32_t w = q->fwd[t->cursor[v]++];
      if (t->index[w] == PT_NO_NODE)
        visit(t, w);
      else if (t->on_stack[w] && t->index[w] < t->low[v])
        t->low[v] = t->index[w];
      continue;
    }
    t->n_calls--;
    if (t->low[v] == t->index[v])
      pop_component(t, v);
    if (t->n_calls > 0) {
      uint32_t parent = t->calls[t->n_calls - 1];
      if (t->low[v] < t->low[parent])
        t->low[parent] = t->low[v];
    }
  }
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Sort keys of an SCC: size descending, then smallest member. */
typedef struct scc_ref {
  uint32_t size;
  uint32_t first;
  uint32_t at;
} scc_ref;

static int cmp_scc(const void *pa, const void *pb)
{
  const scc_ref *a = pa, *b = pb;
  if (a->size != b->size)
    return a->size > b->size ? -1 : 1;
  return (a->first > b->first) - (a->first < b->first);
}

/* Members ascending within each SCC, SCCs in the documented order. */
static int arrange(pt_sccs *s)
{
  size_t n = s->n_sccs;
  scc_ref *ref = pt_malloc((n + 1) * sizeof *ref);
  uint32_t *mem = pt_malloc((s->off[n] + 1) * sizeof *mem);
  uint32_t *off = pt_malloc((n + 1) * sizeof *off);
  if (!ref || !mem || !off) {
    pt_free(ref);
    pt_free(mem);
    pt_free(off);
    return PT_ERR(PT_ENOMEM, "out of memory in SCC analysis");
  }
  for (size_t c = 0; c < n; c++) {
    uint32_t size = s->off[c + 1] - s->off[c];
    qsort(s->members + s->off[c], size, sizeof *mem, cmp_u32);
    ref[c] = (scc_ref){size, s->members[s->off[c]], (uint32_t)c};
  }
  qsort(ref, n, sizeof *ref, cmp_scc);
  off[0] = 0;
  for (size_t c = 0; c < n; c++) {
    memcpy(mem + off[c], s->members + s->off[ref[c].at],
           ref[c].size * sizeof *mem);
    off[c + 1] = off[c] + ref[c].size;
    for (uint32_t i = off[c]; i < off[c + 1]; i++)
      s->comp[mem[i]] = (uint32_t)c;
  }
  pt_free(ref);
  pt_free(s->members);
  pt_free(s->off);
  s->members = mem;
  s->off = off;
  return 0;
}

static int tarjan_alloc(tarjan *t, const pt_qgraph *q)
{
  size_t n = q->n_nodes + 1;
  t->q = q;
  t->index = pt_malloc(n * sizeof *t->index);
  t->low = pt_malloc(n * sizeof *t->low);
  t->cursor = pt_malloc(n * sizeof *t->cursor);
  t->on_stack = pt_calloc(n, 1);
  t->stack = pt_malloc(n * sizeof *t->stack);
  t->calls = pt_malloc(n * sizeof *t->calls);
  t->out = pt_calloc(1, sizeof *t->out);
  if (t->out) {
    t->out->off = pt_calloc(n, sizeof *t->out->off);
    t->out->members = pt_malloc(n * sizeof *t->out->members);
    t->out->comp = pt_malloc(n * sizeof *t->out->comp);
  }
  if (!t->index || !t->low || !t->cursor || !t->on_stack || !t->stack ||
      !t->calls || !t->out || !t->out->off || !t->out->members ||
      !t->out->comp)
    return PT_ERR(PT_ENOMEM, "out of memory in SCC analysis");
  for (size_t v = 0; v < q->n_nodes; v++)
    t->index[v] = t->out->comp[v] = PT_NO_NODE;
  return 0;
}

int pt_scc(const pt_qgraph *q, pt_sccs **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "scc: no graph");
  tarjan t = {0};
  int rc = tarjan_alloc(&t, q);
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && t.index[v] == PT_NO_NODE)
      strongconnect(&t, v);
  if (rc == 0)
    rc = arrange(t.out);
  pt_free(t.calls);
  pt_free(t.stack);
  pt_free(t.on_stack);
  pt_free(t.cursor);
  pt_free(t.low);
  pt_free(t.index);
  if (rc)
    pt_sccs_free(t.out);
  else
    *out = t.out;
  return rc;
}

void pt_sccs_free(pt_sccs *s)
{
  if (!s)
    return;
  pt_free(s->off);
  pt_free(s->members);
  pt_free(s->comp);
  pt_free(s);
}

const char *pt_scc_risk(size_t size)
{
  return size <= 1 ? "NONE" : size == 2 ? "MEDIUM" : "HIGH";
}
