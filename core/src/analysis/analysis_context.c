/* Smart context of pt/analysis.h (docs/contract/http-api.md 5.14): a
 * focus entity's callers, callees and depth-first transitive callees,
 * scored and packed greedily into a token budget. Token estimates come
 * from key length only. */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

typedef struct frame {
  uint32_t node;
  unsigned depth;
} frame;

typedef struct collect {
  const pt_qgraph *q;
  uint8_t *visited;
  pt_context_item *items;  /* candidates in discovery order */
  size_t n_items;
} collect;

static void add(collect *c, uint32_t v, double score, pt_context_kind kind,
                unsigned depth)
{
  c->visited[v] = 1;
  c->items[c->n_items++] = (pt_context_item){
      v, score, kind, depth, 100 + strlen(c->q->key[v]) / 10};
}

/* Step 4 of 5.14: a LIFO stack, seeded with every direct callee
 * (visited or not); entries deeper than 3 are dropped when popped. The
 * score is computed as the original does, so 0.7 - 0.1 * 2 gives
 * 0.49999999999999994 rather than 0.5. */
static void transitive(collect *c, const pt__adj *pf, uint32_t focus,
                       frame *stack)
{
  size_t n = 0;
  for (uint32_t k = pf->off[focus]; k < pf->off[focus + 1]; k++)
    stack[n++] = (frame){pf->to[k], 1};
  while (n > 0) {
    frame f = stack[--n];
    if (f.depth > 3)
      continue;
    for (uint32_t k = pf->off[f.node]; k < pf->off[f.node + 1]; k++) {
      uint32_t w = pf->to[k];
      if (c->visited[w])
        continue;
      double score = 0.7 - 0.1 * (double)f.depth;
      add(c, w, score > 0.1 ? score : 0.1, PT_CONTEXT_TRANSITIVE, f.depth + 1);
      stack[n++] = (frame){w, f.depth + 1};
    }
  }
}

static void candidates(collect *c, const pt__adj *pf, const pt__adj *pr,
                       uint32_t focus, frame *stack)
{
  c->visited[focus] = 1;
  for (uint32_t k = pr->off[focus]; k < pr->off[focus + 1]; k++)
    if (!c->visited[pr->to[k]])
      add(c, pr->to[k], 1.0, PT_CONTEXT_CALLER, 0);
  for (uint32_t k = pf->off[focus]; k < pf->off[focus + 1]; k++)
    if (!c->visited[pf->to[k]])
      add(c, pf->to[k], 0.95, PT_CONTEXT_CALLEE, 0);
  transitive(c, pf, focus, stack);
}

/* Score descending; discovery order (a node is discovered once) keeps
 * equal scores stable, as the earlier tool's stable sort did. */
typedef struct ranked_item {
  pt_context_item item;
  size_t seq;
} ranked_item;

static int cmp_item(const void *pa, const void *pb)
{
  const ranked_item *a = pa, *b = pb;
  if (a->item.score != b->item.score)
    return a->item.score > b->item.score ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

static int pack(collect *c, size_t budget, pt_context *ctx)
{
  ranked_item *r = pt_malloc((c->n_items + 1) * sizeof *r);
  if (!r)
    return PT_ERR(PT_ENOMEM, "out of memory in smart context");
  for (size_t i = 0; i < c->n_items; i++)
    r[i] = (ranked_item){c->items[i], i};
  qsort(r, c->n_items, sizeof *r, cmp_item);
  for (size_t i = 0; i < c->n_items; i++)
    if (ctx->tokens_used + r[i].item.tokens <= budget) {
      ctx->tokens_used += r[i].item.tokens;
      ctx->items[ctx->n_items++] = r[i].item;
    }
  pt_free(r);
  return 0;
}

int pt_smart_context(const pt_qgraph *q, const char *focus_key, size_t budget,
                     pt_context **out)
{
  if (!q || !focus_key || !out)
    return PT_ERR(PT_EINVAL, "smart context: no graph or focus");
  size_t n = q->n_nodes + 1;
  int64_t focus = pt_qgraph_find(q, focus_key);
  pt__adj pf = {0}, pr = {0};
  collect c = {q, pt_calloc(n, 1), pt_malloc(n * sizeof *c.items), 0};
  frame *stack = pt_malloc((n + q->n_edges) * sizeof *stack);
  pt_context *ctx = pt_calloc(1, sizeof *ctx);
  if (ctx)
    ctx->items = pt_malloc(n * sizeof *ctx->items);
  int rc = c.visited && c.items && stack && ctx && ctx->items
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in smart context");
  if (rc == 0 && focus >= 0)
    rc = pt__pairs_build(q, &pf, &pr);
  if (rc == 0 && focus >= 0) {
    candidates(&c, &pf, &pr, (uint32_t)focus, stack);
    rc = pack(&c, budget, ctx);
  }
  pt__adj_fini(&pr);
  pt__adj_fini(&pf);
  pt_free(stack);
  pt_free(c.items);
  pt_free(c.visited);
  if (rc)
    pt_context_free(ctx);
  else
    *out = ctx;
  return rc;
}

void pt_context_free(pt_context *c)
{
  if (!c)
    return;
  pt_free(c->items);
  pt_free(c);
}
