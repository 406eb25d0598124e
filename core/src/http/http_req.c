/* Request helpers for the route handlers (http.h): parameters with bounds,
 * scope, entity lookup, the JSON envelopes, and the server state. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/analysis.h"
#include "pt/live.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}


/* The name index: every entity's place, sorted by name and then place
 * (equal names are one pointer in the pool: compared first). */
typedef struct named {
  const char *name;
  uint32_t at;
} named;

static int cmp_named(const void *pa, const void *pb)
{
  const named *a = pa, *b = pb;
  int c = a->name == b->name ? 0 : strcmp(a->name, b->name);
  return c ? c : (a->at > b->at) - (a->at < b->at);
}

static int index_names(pt_memo *m, const pt_graph *g)
{
  size_t n = pt_graph_n_entities(g);
  const pt_entity *e = pt_graph_entities(g);
  named *v = pt_malloc((n + 1) * sizeof *v);
  m->by_name = pt_malloc((n + 1) * sizeof *m->by_name);
  if (!v || !m->by_name) {
    pt_free(v);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    v[i] = (named){e[i].name, (uint32_t)i};
  if (n > 1)
    qsort(v, n, sizeof *v, cmp_named);
  for (size_t i = 0; i < n; i++)
    m->by_name[i] = v[i].at;
  pt_free(v);
  return 0;
}

#define NOT_KEPT UINT32_MAX

/* A new entity of a patched graph and where it goes in the name index
 * before: ahead of the entry at `before` (its place there). */
typedef struct placed {
  size_t before;
  named n;
} placed;

static int cmp_placed(const void *pa, const void *pb)
{
  const placed *a = pa, *b = pb;
  if (a->before != b->before)
    return a->before < b->before ? -1 : 1;
  return cmp_named(&a->n, &b->n);
}

/* Where a new entity (name, place at in g) goes among old[0..nb), the
 * base's index: after the base's entries of smaller names, and among
 * those of its name after each one kept at a smaller place (now: by base
 * entity, its place in g). A binary search and the entries of one name:
 * no pass over the index. */
static size_t place_of(const pt_entity *base, const uint32_t *old, size_t nb,
                       const uint32_t *now, const named *n)
{
  size_t lo = 0, hi = nb;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *m = base[old[mid]].name;
    if (m != n->name && strcmp(m, n->name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < nb; lo++) {
    const char *m = base[old[lo]].name;
    if (m != n->name && strcmp(m, n->name) != 0)
      break;
    uint32_t i = now[old[lo]];
    if (i != NOT_KEPT && i > n->at)
      break;
  }
  return lo;
}

/* The name index of g, patched from prev's graph (its lineage ln), from
 * prev's: the kept entities keep their order (their names did not change
 * and their places keep their order), the new ones go in where they
 * sort. */
static int names_from_prev(pt_memo *m, const pt_graph *g,
                           const pt_graph_lineage *ln, const uint32_t *old)
{
  size_t n = pt_graph_n_entities(g), nb = pt_graph_n_entities(ln->base);
  const pt_entity *e = pt_graph_entities(g);
  const pt_entity *be = pt_graph_entities(ln->base);
  uint32_t *now = pt_malloc((nb + 1) * sizeof *now);
  placed *fresh = pt_malloc((n + 1) * sizeof *fresh);
  m->by_name = pt_malloc((n + 1) * sizeof *m->by_name);
  if (!now || !fresh || !m->by_name) {
    pt_free(now);
    pt_free(fresh);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  size_t n_fresh = 0, w = 0, j = 0;
  for (size_t i = 0; i < nb; i++)
    now[i] = NOT_KEPT;
  for (size_t i = 0; i < n; i++)
    if (ln->entity_src[i] == PT_GRAPH_NEW)
      fresh[n_fresh++].n = (named){e[i].name, (uint32_t)i};
    else
      now[ln->entity_src[i]] = (uint32_t)i;
  for (size_t f = 0; f < n_fresh; f++)
    fresh[f].before = place_of(be, old, nb, now, &fresh[f].n);
  if (n_fresh > 1)
    qsort(fresh, n_fresh, sizeof *fresh, cmp_placed);
  for (size_t k = 0; k <= nb; k++) {
    for (; j < n_fresh && fresh[j].before == k; j++)
      m->by_name[w++] = fresh[j].n.at;
    uint32_t i = k < nb ? now[old[k]] : NOT_KEPT;
    if (i != NOT_KEPT)
      m->by_name[w++] = i;
  }
  pt_free(now);
  pt_free(fresh);
  return 0;
}

/* When prev's name index was made and g was patched from prev's graph,
 * g's is made now from it; else the first lookup makes it. */
static int names_patched(pt_serve_state *st, const pt_serve_state *prev)
{
  pt_graph_lineage ln;
  if (!prev || !prev->memo || !pt_graph_lineage_of(st->g, &ln) ||
      ln.base != prev->g)
    return 0;
  pt_memo *pm = prev->memo;
  pt_mutex_lock(pm->names_mu);
  int rc = pm->has_names ? names_from_prev(st->memo, st->g, &ln, pm->by_name) : 0;
  st->memo->has_names = pm->has_names && rc == 0;
  pt_mutex_unlock(pm->names_mu);
  if (rc) {
    pt_free(st->memo->by_name);
    st->memo->by_name = NULL;
  }
  return rc;
}

/* The unscoped query graph of g: from prev's when g was patched from
 * prev's graph, else built whole. */
static int query_graph(pt_serve_state *st, const pt_serve_state *prev)
{
  if (prev && prev->q) {
    int rc = pt_qgraph_update(prev->q, st->g, &st->q);
    if (rc != PT_EINVAL)
      return rc;
    pt_error_clear(); /* not patched from it: built whole */
  }
  return pt_qgraph_build(st->g, NULL, &st->q);
}

int pt__serve_state_init(pt_serve_state *st, const pt_graph *g, const char *db)
{
  return pt__serve_state_init_from(st, g, db, NULL);
}

int pt__serve_state_init_from(pt_serve_state *st, const pt_graph *g,
                              const char *db, const pt_serve_state *prev)
{
  memset(st, 0, sizeof *st);
  st->g = g;
  st->db_spec = db;
  st->start_ns = pt_clock_ns();
  int rc = query_graph(st, prev);
  /* each language once (17,449 files on the large tree, a handful of
   * languages): marked by value (any other value is "unknown"), then
   * their names sorted */
  size_t n = pt_graph_n_files(g);
  unsigned char seen[PT_LANG__COUNT + 1] = {0};
  st->languages = pt_calloc(PT_LANG__COUNT + 2, sizeof *st->languages);
  if (rc == 0 && !st->languages)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    pt_lang lang = pt_graph_files(g)[i].lang;
    unsigned v = (unsigned)lang < PT_LANG__COUNT ? (unsigned)lang : PT_LANG__COUNT;
    if (!seen[v]) {
      seen[v] = 1;
      st->languages[st->n_languages++] = pt_lang_name(lang);
    }
  }
  if (rc == 0 && st->n_languages > 1)
    qsort(st->languages, st->n_languages, sizeof *st->languages, cmp_str);
  size_t w = 0;
  for (size_t i = 0; rc == 0 && i < st->n_languages; i++)
    if (w == 0 || strcmp(st->languages[w - 1], st->languages[i]) != 0)
      st->languages[w++] = st->languages[i];
  st->n_languages = w;
  if (rc == 0)
    st->n_resolved = pt_graph_n_resolved_edges(g);
  if (rc == 0 && !(st->memo = pt_calloc(1, sizeof *st->memo)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt_mutex_new(&st->memo->mu);
  if (rc == 0)
    rc = pt_mutex_new(&st->memo->names_mu);
  if (rc == 0)
    rc = pt_test_map_slot_init(&st->memo->tests);
  if (rc == 0)
    rc = names_patched(st, prev);
  if (rc)
    pt__serve_state_fini(st);
  return rc;
}

void pt__serve_state_stamp(pt_serve_state *st)
{
  pt_live_freshness f;
  st->generation = 1;
  st->published = (int64_t)time(NULL);
  if (st->live) {
    pt_live_get_freshness(st->live, &f);
    st->generation = f.generation;
    st->published = (int64_t)f.published;
  }
}

void pt__serve_state_fini(pt_serve_state *st)
{
  pt_qgraph_free(st->q);
  pt_free(st->languages);
  if (st->memo) {
    pt_mutex_free(st->memo->mu);
    pt_mutex_free(st->memo->names_mu);
    pt_free(st->memo->by_name);
    pt_metrics_free(st->memo->metrics);
    pt_scores_free(st->memo->pagerank);
    pt_scores_free(st->memo->betweenness);
    pt_groups_free(st->memo->leiden);
    pt_test_map_slot_fini(&st->memo->tests);
    pt_free(st->memo);
  }
  memset(st, 0, sizeof *st);
}

const char *pt__req_arg(pt_req *r, const char *name)
{
  const char *v = r->arg(r->conn, name);
  for (const pt_body_arg *a = r->body_args; !v && a; a = a->next)
    if (!strcmp(a->name, name))
      v = a->value; /* the list is last member first: the last one wins */
  return v;
}

void pt__resp_begin(pt_req *r)
{
  pt_json *j = &r->json;
  pt_json_obj(j);
  pt_json_key(j, "success");
  pt_json_bool(j, 1);
  pt_json_key(j, "endpoint");
  pt_json_str(j, r->path);
  pt_json_key(j, "data");
  pt_json_obj(j);
}

/* The bytes "tokens":N} will add to a body of len bytes: the comma, the
 * key, the colon, N's digits and the closing brace. */
static uint64_t tokens_for(size_t len)
{
  uint64_t t = 0;
  for (int i = 0; i < 3; i++) {
    unsigned digits = 1;
    for (uint64_t x = t; x >= 10; x /= 10)
      digits++;
    t = ((uint64_t)len + 11 + digits + 3) / 4;
  }
  return t;
}

/* "index":{...}: what answered, and whether it is still current (a
 * request made without a graph, as unit tests make them, has none). */
static void freshness(pt_req *r)
{
  pt_json *j = &r->json;
  pt_live_freshness f = {0};
  if (!r->st && !r->index_now)
    return;
  uint64_t gen = r->st ? r->st->generation : 0;
  int64_t published = r->st ? r->st->published : 0;
  if (r->index_now) {
    f = *r->index_now;
    gen = f.generation;
    published = (int64_t)f.published;
  } else if (r->st->live) {
    pt_live_get_freshness(r->st->live, &f);
  }
  pt_json_key(j, "index");
  pt_json_obj(j);
  pt_json_key(j, "generation");
  pt_json_uint(j, gen);
  pt_json_key(j, "updated_unix");
  pt_json_int(j, published);
  pt_json_key(j, "pending");
  /* a newer graph than the one that answered counts as pending too */
  pt_json_bool(j, f.pending > 0 || f.generation > gen);
  pt_json_key(j, "watching");
  pt_json_bool(j, f.watching);
  pt_json_obj_end(j);
}

void pt__resp_close(pt_req *r)
{
  pt_json *j = &r->json;
  freshness(r);
  uint64_t t = tokens_for(r->body.len);
  pt_json_key(j, "tokens");
  pt_json_uint(j, t);
  pt_json_obj_end(j);
}

void pt__resp_end(pt_req *r)
{
  pt_json_obj_end(&r->json);
  pt__resp_close(r);
}

void pt__resp_error_open(pt_req *r, unsigned status, const char *msg)
{
  pt_buf_clear(&r->body);
  pt_json_init(&r->json, &r->body);
  r->status = status;
  pt_json *j = &r->json;
  pt_json_obj(j);
  pt_json_key(j, "success");
  pt_json_bool(j, 0);
  pt_json_key(j, "endpoint");
  pt_json_str(j, r->path);
  pt_json_key(j, "error");
  pt_json_str(j, msg);
}

int pt__resp_error(pt_req *r, unsigned status, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pt__resp_error_open(r, status, msg);
  pt__resp_close(r);
  return PT_EINVAL;
}

int pt__req_uint(pt_req *r, const char *name, uint64_t def, uint64_t max,
                 uint64_t *out)
{
  const char *v = pt__req_arg(r, name);
  unsigned long long n;
  if (!v) {
    *out = def;
    return 0;
  }
  if (pt_parse_u64(v, &n) != 0) {
    pt_error_clear();
    return pt__resp_error(r, 400, "'%s' must be a whole number, got '%s'", name, v);
  }
  if (n > max)
    return pt__resp_error(r, 400, "'%s' is at most %llu, got %llu", name,
                          (unsigned long long)max, n);
  *out = n;
  return 0;
}

int pt__req_required(pt_req *r, const char *name, const char **out)
{
  const char *v = pt__req_arg(r, name);
  const char *p = v;
  while (p && (*p == ' ' || *p == '\t'))
    p++;
  if (!p || !*p)
    return pt__resp_error(r, 400, "missing required parameter '%s'", name);
  *out = v;
  return 0;
}

static void trim_copy(char *dst, const char *s, size_t len)
{
  while (len && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  if (len > 255)
    len = 255;
  memcpy(dst, s, len);
  dst[len] = '\0';
}

/* Adds scope text to the distinct set, once. */
static int add_scope(pt_strmap *seen, pt_arena *a, const char ***list, size_t *n,
                     size_t *cap, const char *text)
{
  size_t len = strlen(text);
  if (pt_strmap_get(seen, text, len, NULL))
    return 0;
  const char *copy = pt_arena_strndup(a, text, len);
  int rc = copy ? pt_array_grow((void **)list, cap, *n + 1, sizeof **list)
                : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt_strmap_put(seen, copy, len, 1);
  if (rc == 0)
    (*list)[(*n)++] = copy;
  return rc;
}

/* A scope that matches no entity: 400 with the scopes that exist, each
 * L1 and L1||L2 of the index in byte order (at most 200). */
static int bad_scope(pt_req *r, const char *scope)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  pt_strmap seen = PT_STRMAP_INIT;
  pt_arena a = PT_ARENA_INIT;
  const char **list = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < pt_graph_n_entities(g); i++) {
    char l1[256], l2[256], both[520];
    pt_path_l1_l2(e[i].file_path, l1, sizeof l1, l2, sizeof l2);
    rc = add_scope(&seen, &a, &list, &n, &cap, l1);
    snprintf(both, sizeof both, "%s||%s", l1, l2);
    if (rc == 0 && *l2)
      rc = add_scope(&seen, &a, &list, &n, &cap, both);
  }
  if (n > 1)
    qsort(list, n, sizeof *list, cmp_str);
  char msg[600];
  snprintf(msg, sizeof msg, "Scope '%s' matches no entity: use one of "
           "valid_scopes (L1 or L1||L2)", scope);
  pt__resp_error_open(r, 400, msg);
  pt_json_key(&r->json, "valid_scopes");
  pt_json_arr(&r->json);
  for (size_t i = 0; i < n && i < 200; i++)
    pt_json_str(&r->json, list[i]);
  pt_json_arr_end(&r->json);
  pt__resp_close(r);
  pt_free(list);
  pt_arena_fini(&a);
  pt_strmap_fini(&seen);
  return rc ? rc : -1;
}

int pt__req_scope(pt_req *r, pt_scope *out, char buf[512])
{
  const char *v = pt__req_arg(r, "scope");
  const char *p = v;
  while (p && (*p == ' ' || *p == '\t'))
    p++;
  if (!p || !*p)
    return 0;
  const char *bar = strstr(v, "||");
  const char *bar2 = bar ? strstr(bar + 2, "||") : NULL;
  trim_copy(buf, v, bar ? (size_t)(bar - v) : strlen(v));
  if (bar)
    trim_copy(buf + 256, bar + 2, bar2 ? (size_t)(bar2 - bar - 2) : strlen(bar + 2));
  else
    buf[256] = '\0';
  out->l1 = buf;
  out->l2 = buf + 256;
  const pt_entity *e = pt_graph_entities(r->st->g);
  for (size_t i = 0; i < pt_graph_n_entities(r->st->g); i++)
    if (pt_scope_admits(out, e[i].file_path))
      return 1;
  return bad_scope(r, v);
}

int pt__serve_state_index_names(const pt_serve_state *st)
{
  pt_memo *m = st->memo;
  int rc = 0;
  pt_mutex_lock(m->names_mu);
  if (!m->has_names) {
    rc = index_names(m, st->g);
    m->has_names = rc == 0;
    if (rc) {
      pt_free(m->by_name);
      m->by_name = NULL;
    }
  }
  pt_mutex_unlock(m->names_mu);
  return rc;
}

/* Candidates for a name: entities whose name or qualified name is text,
 * found through the name index (a qualified name by its last segment),
 * made first if no lookup made it yet; *first is the first in the
 * graph's order. PT_ENOMEM. */
static int by_name(const pt_serve_state *st, const char *text, size_t *first,
                   size_t *n)
{
  const pt_memo *m = st->memo;
  int rc = pt__serve_state_index_names(st);
  *n = 0;
  if (rc)
    return rc;
  const pt_entity *e = pt_graph_entities(st->g);
  size_t ne = pt_graph_n_entities(st->g);
  const char *dot = strrchr(text, '.');
  const char *last = dot && dot[1] ? dot + 1 : text;
  size_t lo = 0, hi = ne;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(e[m->by_name[mid]].name, last) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t k = lo; k < ne && !strcmp(e[m->by_name[k]].name, last); k++) {
    size_t i = m->by_name[k];
    if (!strcmp(e[i].name, text) || !strcmp(e[i].qualname, text)) {
      if ((*n)++ == 0)
        *first = i;
    }
  }
  return 0;
}

static int ambiguous(pt_req *r, const char *text, int by_key)
{
  const pt_qgraph *q = r->st->q;
  const pt_entity *e = pt_graph_entities(r->st->g);
  char msg[600];
  snprintf(msg, sizeof msg, "'%s' names more than one entity: pass one of the "
           "candidate keys", text);
  pt__resp_error_open(r, 400, msg);
  pt_json_key(&r->json, "candidates");
  pt_json_arr(&r->json);
  size_t n = 0, len = strlen(text);
  for (size_t v = 0; v < q->n_nodes && n < 20; v++) {
    int32_t i = q->entity[v];
    int hit = by_key ? !strncmp(q->key[v], text, len)
                     : i >= 0 && (!strcmp(e[i].name, text) || !strcmp(e[i].qualname, text));
    if (hit && (i >= 0 || by_key)) {
      pt_json_str(&r->json, q->key[v]);
      n++;
    }
  }
  pt_json_arr_end(&r->json);
  pt__resp_close(r);
  return -1;
}

int64_t pt__req_node(pt_req *r, const char *text)
{
  const pt_qgraph *q = r->st->q;
  int64_t v = pt_qgraph_find(q, text);
  if (v >= 0)
    return v;
  /* a unique key prefix: the keys that start with text follow each other */
  size_t lo = 0, hi = q->n_nodes, len = strlen(text);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(q->key[mid], text) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t n = 0;
  while (lo + n < q->n_nodes && !strncmp(q->key[lo + n], text, len))
    n++;
  if (n == 1)
    return (int64_t)lo;
  if (n > 1)
    return ambiguous(r, text, 1);
  size_t first = 0;
  if (by_name(r->st, text, &first, &n) != 0) {
    pt__resp_error(r, 500, "%s", pt_error_last()->message);
    return -1;
  }
  if (n == 1)
    return pt_qgraph_find(q, pt_graph_entities(r->st->g)[first].key);
  if (n > 1)
    return ambiguous(r, text, 0);
  pt__resp_error(r, 404, "Entity '%s' not found", text);
  return -1;
}

int pt__memo_get(const pt_serve_state *st, void **slot,
                 int (*fn)(const pt_qgraph *q, void **out), void **out)
{
  int rc = 0;
  pt_mutex_lock(st->memo->mu);
  if (!*slot)
    rc = fn(st->q, slot);
  *out = *slot;
  pt_mutex_unlock(st->memo->mu);
  return rc;
}

int pt__req_page(pt_req *r, const char *limit_name, uint64_t def, pt_page *out)
{
  const char *name = limit_name ? limit_name : "limit";
  if (limit_name && pt__req_arg(r, limit_name) && pt__req_arg(r, "limit"))
    return pt__resp_error(r, 400, "'%s' and 'limit' mean the same here: pass "
                          "one of them", limit_name);
  if (limit_name && !pt__req_arg(r, limit_name))
    name = "limit";
  if (pt__req_uint(r, name, def, PT_PAGE_MAX, &out->limit) ||
      pt__req_uint(r, "offset", 0, UINT32_MAX, &out->offset))
    return PT_EINVAL;
  return 0;
}

size_t pt__page_len(const pt_page *p, size_t total)
{
  size_t left = total > p->offset ? total - (size_t)p->offset : 0;
  return left < p->limit ? left : (size_t)p->limit;
}

void pt__page_counts(pt_req *r, const pt_page *p, size_t total)
{
  pt_json *j = &r->json;
  size_t n = pt__page_len(p, total);
  pt_json_key(j, "total_count");
  pt_json_uint(j, total);
  pt_json_key(j, "returned_count");
  pt_json_uint(j, n);
  pt_json_key(j, "limit");
  pt_json_uint(j, p->limit);
  pt_json_key(j, "offset");
  pt_json_uint(j, p->offset);
  pt_json_key(j, "truncated");
  pt_json_bool(j, p->offset + n < total);
}

static int ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return 0;
  return *a == *b;
}

int pt__req_choice(pt_req *r, const char *name, const char *const *allowed,
                   size_t n_allowed, int def, int *out)
{
  const char *v = pt__req_arg(r, name);
  if (!v) {
    *out = def;
    return 0;
  }
  for (size_t i = 0; i < n_allowed; i++)
    if (ieq(v, allowed[i])) {
      *out = (int)i;
      return 0;
    }
  pt_buf msg = PT_BUF_INIT;
  pt_buf_printf(&msg, "'%s' must be one of ", name);
  for (size_t i = 0; i < n_allowed; i++)
    pt_buf_printf(&msg, "%s%s", i ? ", " : "", allowed[i]);
  pt_buf_printf(&msg, "; got '%.200s'", v);
  if (!msg.ptr) {
    pt_buf_fini(&msg);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  pt__resp_error_open(r, 400, msg.ptr);
  pt_buf_fini(&msg);
  pt_json_key(&r->json, "allowed_values");
  pt_json_arr(&r->json);
  for (size_t i = 0; i < n_allowed; i++)
    pt_json_str(&r->json, allowed[i]);
  pt_json_arr_end(&r->json);
  pt__resp_close(r);
  return PT_EINVAL;
}

int pt__req_bool(pt_req *r, const char *name, int *out)
{
  static const char *const values[] = {"false", "true", "0", "1"};
  int i;
  int rc = pt__req_choice(r, name, values, 4, 0, &i);
  if (rc == 0)
    *out = i & 1;
  return rc;
}

int pt__node_is_placeholder(const pt_qgraph *q, uint32_t v)
{
  return q->entity[v] < 0 && strstr(q->key[v], ":unresolved-reference:") != NULL;
}

/* A placeholder's name: the text between "<lang>:<token>:" and
 * ":unresolved-reference:0-0" (docs/contract/ingestion.md 6.6). */
static void placeholder_name(pt_json *j, const char *key)
{
  const char *a = strchr(key, ':');
  a = a ? strchr(a + 1, ':') : NULL;
  const char *b = strstr(key, ":unresolved-reference:");
  if (a && b && b > a)
    pt_json_strn(j, a + 1, (size_t)(b - a - 1));
  else
    pt_json_null(j);
}

void pt__json_ref_fields(pt_json *j, const pt_serve_state *st, const pt_qgraph *q,
                         uint32_t v)
{
  int32_t i = q->entity[v];
  const pt_entity *e = i >= 0 ? &pt_graph_entities(st->g)[i] : NULL;
  pt_json_key(j, "name");
  if (e)
    pt_json_str(j, e->name);
  else if (pt__node_is_placeholder(q, v))
    placeholder_name(j, q->key[v]);
  else
    pt_json_null(j);
  pt_json_key(j, "qualified_name");
  pt_json_str(j, e ? e->qualname : NULL);
  pt_json_key(j, "file_path");
  pt_json_str(j, e ? e->file_path : NULL);
  pt_json_key(j, "line_start");
  if (e)
    pt_json_uint(j, e->line_start);
  else
    pt_json_null(j);
}

void pt__json_ref(pt_json *j, const pt_serve_state *st, const pt_qgraph *q,
                  uint32_t v)
{
  pt_json_obj(j);
  pt_json_key(j, "key");
  pt_json_str(j, q->key[v]);
  pt__json_ref_fields(j, st, q, v);
  pt_json_obj_end(j);
}
