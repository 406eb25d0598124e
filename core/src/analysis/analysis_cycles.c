/* The circular-dependency scan of pt/analysis.h (docs/contract/http-api.md
 * 5.11): a white / grey / black DFS over the distinct pairs reporting one
 * cycle per back edge, run from an explicit stack in node order (where the
 * original went in hash order). */
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

enum { WHITE, GREY, BLACK };

typedef struct scan {
  const pt__adj *adj;
  uint8_t *colour;
  uint32_t *cursor;   /* next adjacency slot of each grey node */
  uint32_t *pos;      /* position of each grey node on the path */
  uint32_t *path;     /* the DFS path = the explicit call stack */
  size_t n_path;
  pt_cycles *out;
  size_t cap_off, cap_path;
} scan;

/* Appends path[pos(w)..] + [w]. */
static int record(scan *s, uint32_t w)
{
  pt_cycles *c = s->out;
  size_t from = s->pos[w], len = s->n_path - from + 1;
  size_t used = c->off[c->n_cycles];
  int rc = pt_array_grow((void **)&c->off, &s->cap_off, c->n_cycles + 2,
                         sizeof *c->off);
  if (rc == 0)
    rc = pt_array_grow((void **)&c->path, &s->cap_path, used + len,
                       sizeof *c->path);
  if (rc)
    return rc;
  memcpy(c->path + used, s->path + from, (len - 1) * sizeof *c->path);
  c->path[used + len - 1] = w;
  c->off[++c->n_cycles] = (uint32_t)(used + len);
  return 0;
}

static void enter(scan *s, uint32_t v)
{
  s->colour[v] = GREY;
  s->cursor[v] = s->adj->off[v];
  s->pos[v] = (uint32_t)s->n_path;
  s->path[s->n_path++] = v;
}

static int dfs(scan *s, uint32_t root)
{
  int rc = 0;
  enter(s, root);
  while (rc == 0 && s->n_path > 0) {
    uint32_t v = s->path[s->n_path - 1];
    if (s->cursor[v] == s->adj->off[v + 1]) {
      s->colour[v] = BLACK;
      s->n_path--;
      continue;
    }
    uint32_t w = s->adj->to[s->cursor[v]++];
    if (s->colour[w] == GREY)
      rc = record(s, w);
    else if (s->colour[w] == WHITE)
      enter(s, w);
  }
  return rc;
}

int pt_cycles_scan(const pt_qgraph *q, pt_cycles **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "cycle scan: no graph");
  size_t n = q->n_nodes + 1;
  pt__adj adj = {0};
  scan s = {&adj, pt_calloc(n, 1), pt_malloc(n * sizeof(uint32_t)),
            pt_malloc(n * sizeof(uint32_t)), pt_malloc(n * sizeof(uint32_t)),
            0, pt_calloc(1, sizeof(pt_cycles)), 0, 0};
  int rc = s.colour && s.cursor && s.pos && s.path && s.out
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in cycle scan");
  if (rc == 0)
    rc = pt_array_grow((void **)&s.out->off, &s.cap_off, 1, sizeof(uint32_t));
  if (rc == 0) {
    s.out->off[0] = 0;
    rc = pt__pairs_build(q, &adj, NULL);
  }
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && s.colour[v] == WHITE)
      rc = dfs(&s, v);
  pt__adj_fini(&adj);
  pt_free(s.path);
  pt_free(s.pos);
  pt_free(s.cursor);
  pt_free(s.colour);
  if (rc)
    pt_cycles_free(s.out);
  else
    *out = s.out;
  return rc;
}

void pt_cycles_free(pt_cycles *c)
{
  if (!c)
    return;
  pt_free(c->off);
  pt_free(c->path);
  pt_free(c);
}
