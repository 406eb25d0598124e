/* How MCP tools name things: an entity reference's JSON, a symbol given
 * as key, name, qualified name or PATH:LINE, and the fuzzy match that
 * offers close candidates when a symbol is unknown. */
#include <stdlib.h>
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

cJSON *pt__mcp_ref(const pt_mcp_view *v, uint32_t node)
{
  int32_t i = v->q->entity[node];
  const pt_entity *e = i >= 0 ? &pt_graph_entities(v->g)[i] : NULL;
  cJSON *o = cJSON_CreateObject();
  int rc = o ? pt__mcp_add_str(o, "key", v->q->key[node]) : PT_ENOMEM;
  if (!rc)
    rc = pt__mcp_add_str(o, "name", e ? e->name : NULL);
  if (!rc)
    rc = pt__mcp_add_str(o, "qualified_name", e ? e->qualname : NULL);
  if (!rc)
    rc = pt__mcp_add_str(o, "kind", e ? pt_kind_name(e->kind) : NULL);
  if (!rc)
    rc = pt__mcp_add_str(o, "file_path", e ? e->file_path : NULL);
  if (!rc)
    rc = e ? pt__mcp_add_num(o, "line_start", e->line_start)
           : pt__mcp_add_str(o, "line_start", NULL);
  if (!rc)
    rc = e ? pt__mcp_add_num(o, "line_end", e->line_end)
           : pt__mcp_add_str(o, "line_end", NULL);
  if (rc) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

static int lower(int ch)
{
  return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* Edit distance of two short strings, ASCII case ignored; stops at cap. */
static size_t distance(const char *a, const char *b, size_t cap)
{
  size_t la = strlen(a), lb = strlen(b), row[65];
  if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > cap)
    return cap + 1;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0], best = row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t sub = diag + (lower(a[i - 1]) != lower(b[j - 1]));
      size_t del = row[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      diag = up;
      if (row[j] < best)
        best = row[j];
    }
    if (best > cap)
      return cap + 1;
  }
  return row[lb];
}

/* Higher is closer; 0 is no match. Exact, then prefix, substring,
 * letters in order, then a few typos. */
static long score(const char *pat, const char *text)
{
  size_t lp = strlen(pat), lt = strlen(text), i = 0, j = 0;
  if (!lp || !lt)
    return 0;
  while (i < lp && i < lt && lower(pat[i]) == lower(text[i]))
    i++;
  if (i == lp)
    return (lp == lt ? 5000000L : 4000000L) - (long)lt;
  for (size_t s = 1; s + lp <= lt; s++) {
    size_t k = 0;
    while (k < lp && lower(text[s + k]) == lower(pat[k]))
      k++;
    if (k == lp)
      return 3000000L - (long)(s * 64 + lt);
  }
  size_t gaps = 0;
  for (i = 0, j = 0; i < lp && j < lt; j++) {
    if (lower(pat[i]) == lower(text[j]))
      i++;
    else if (i > 0)
      gaps++;
  }
  if (i == lp)
    return 2000000L - (long)(gaps * 64 + lt);
  size_t cap = lp < 8 ? 1 : lp / 4;
  size_t d = distance(pat, text, cap);
  return d <= cap ? 1000000L - (long)(d * 4096 + lt) : 0;
}

typedef struct match {
  uint32_t node;
  long score;
} match;

static int by_score(const void *a, const void *b)
{
  const match *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->node > y->node) - (x->node < y->node);
}

/* Every entity matching text, best first (ties by key). */
static int fuzzy_all(const pt_mcp_view *v, const char *text, match **out,
                     size_t *n_out)
{
  size_t n = pt_graph_n_entities(v->g), k = 0;
  const pt_entity *es = pt_graph_entities(v->g);
  match *m = pt_malloc((n ? n : 1) * sizeof *m);
  if (!m)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    long s = score(text, es[i].name);
    long sq = es[i].qualname ? score(text, es[i].qualname) : 0;
    int64_t node = pt_qgraph_find(v->q, es[i].key);
    if ((s || sq) && node >= 0)
      m[k++] = (match){(uint32_t)node, s > sq ? s : sq};
  }
  qsort(m, k, sizeof *m, by_score);
  *out = m;
  *n_out = k;
  return 0;
}

size_t pt__mcp_fuzzy(const pt_mcp_view *v, const char *text, uint32_t *out,
                     size_t max)
{
  match *m = NULL;
  size_t n = 0, k = 0;
  if (fuzzy_all(v, text, &m, &n) != 0) {
    pt_error_clear(); /* candidates are a courtesy */
    return 0;
  }
  for (; k < n && k < max; k++)
    out[k] = m[k].node;
  pt_free(m);
  return k;
}

/* Appends "\n- key (file:line)" for each candidate to the error text and
 * says how to go on. */
static int fail_with(pt_mcp_call *c, const uint32_t *cand, size_t n,
                     const char *what)
{
  pt_buf b = PT_BUF_INIT;
  int rc = pt_buf_puts(&b, what);
  if (!rc && n)
    rc = pt_buf_puts(&b, n == 1 ? " Did you mean:" : " Candidates:");
  for (size_t i = 0; !rc && i < n; i++) {
    int32_t e = c->v->q->entity[cand[i]];
    const pt_entity *en = e >= 0 ? &pt_graph_entities(c->v->g)[e] : NULL;
    rc = en ? pt_buf_printf(&b, "\n- %s (%s:%u)", en->key, en->file_path,
                            en->line_start)
            : pt_buf_printf(&b, "\n- %s", c->v->q->key[cand[i]]);
  }
  if (rc) {
    pt_buf_fini(&b);
    return rc;
  }
  pt__mcp_fail(c, "%s", pt_buf_cstr(&b));
  pt_buf_fini(&b);
  return PT_EINVAL;
}

/* PATH:LINE: the innermost entity of PATH whose lines hold LINE. 1 when
 * text has that form (then *rc says how it went), else 0. */
static int by_location(pt_mcp_call *c, const char *text, uint32_t *out, int *rc)
{
  const char *colon = strrchr(text, ':');
  unsigned long long line;
  char path[1024];
  if (!colon || colon == text || !colon[1] ||
      pt_parse_u64(colon + 1, &line) != 0 ||
      (size_t)(colon - text) >= sizeof path) {
    pt_error_clear();
    return 0;
  }
  memcpy(path, text, (size_t)(colon - text));
  path[colon - text] = '\0';
  const pt_entity *es = pt_graph_entities(c->v->g), *best = NULL;
  for (size_t i = 0; i < pt_graph_n_entities(c->v->g); i++) {
    const pt_entity *e = &es[i];
    if (strcmp(e->file_path, path) == 0 && e->line_start <= line &&
        line <= e->line_end &&
        (!best ||
         e->line_end - e->line_start < best->line_end - best->line_start))
      best = e;
  }
  if (!best) {
    *rc = pt__mcp_fail(c, "no entity at %s:%llu%s", path, line,
                       pt_graph_find_file(c->v->g, path)
                           ? " (the file is indexed; try file_outline)"
                           : " (no such indexed file)");
    return 1;
  }
  *out = (uint32_t)pt_qgraph_find(c->v->q, best->key);
  *rc = 0;
  return 1;
}

int pt__mcp_resolve(pt_mcp_call *c, const char *text, uint32_t *out)
{
  const pt_mcp_view *v = c->v;
  uint32_t cand[8];
  size_t n = 0;
  int rc;
  int64_t node = pt_qgraph_find(v->q, text);
  if (node >= 0) {
    *out = (uint32_t)node;
    return 0;
  }
  if (by_location(c, text, out, &rc))
    return rc;
  const pt_entity *es = pt_graph_entities(v->g);
  for (size_t i = 0; i < pt_graph_n_entities(v->g); i++)
    if (strcmp(es[i].name, text) == 0 ||
        (es[i].qualname && strcmp(es[i].qualname, text) == 0)) {
      node = pt_qgraph_find(v->q, es[i].key);
      if (node >= 0 && n < 8)
        cand[n] = (uint32_t)node;
      n += node >= 0;
    }
  if (n == 1) {
    *out = cand[0];
    return 0;
  }
  char what[400];
  if (n > 1) {
    pt_snprintf(what, sizeof what,
                "'%.200s' is ambiguous: %zu entities have "
                "that name; pass one of their keys.",
                text, n);
    return fail_with(c, cand, n < 8 ? n : 8, what);
  }
  n = pt__mcp_fuzzy(v, text, cand, 8);
  pt_snprintf(what, sizeof what,
              "unknown symbol '%.200s': no entity has that "
              "key, name or qualified name.",
              text);
  return fail_with(c, cand, n, what);
}

/* find_symbol's fuzzy mode needs the whole ranking for its pages. */
int pt__mcp_fuzzy_page(pt_mcp_call *c, const char *text, pt_mcp_page *p,
                       cJSON *arr)
{
  match *m = NULL;
  size_t n = 0;
  int rc = fuzzy_all(c->v, text, &m, &n);
  p->total = n;
  for (size_t i = 0; !rc && i < n; i++)
    if (pt__mcp_page_wants(p, i))
      rc = pt__mcp_page_add(p, arr, pt__mcp_ref(c->v, m[i].node));
  pt_free(m);
  return rc;
}
