/* Entity endpoints: list, detail, search, the folder tree and the
 * ingestion diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_fuzzy.h"
#include "http_handlers.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

/* The earlier tool's five fields of an entity item, in its order. */
static void core_fields(pt_json *j, const pt_entity *e)
{
  pt_json_key(j, "key");
  pt_json_str(j, e->key);
  pt_json_key(j, "file_path");
  pt_json_str(j, e->file_path);
  pt_json_key(j, "entity_type");
  pt_json_str(j, pt_kind_name(e->kind));
  pt_json_key(j, "entity_class");
  pt_json_str(j, "CODE");
  pt_json_key(j, "language");
  pt_json_str(j, pt_lang_name(e->lang));
}

/* The fields we add (never renames): where the entity is and what it is. */
static void extra_fields(pt_json *j, const pt_entity *e)
{
  pt_json_key(j, "name");
  pt_json_str(j, e->name);
  pt_json_key(j, "qualified_name");
  pt_json_str(j, e->qualname);
  pt_json_key(j, "line_start");
  pt_json_uint(j, e->line_start);
  pt_json_key(j, "line_end");
  pt_json_uint(j, e->line_end);
  pt_json_key(j, "signature");
  pt_json_str(j, e->signature);
}

static void entity_item(pt_req *r, const pt_entity *e)
{
  pt_json_obj(&r->json);
  core_fields(&r->json, e);
  extra_fields(&r->json, e);
  pt_json_obj_end(&r->json);
}

/* The entity_type parameter: -1 when absent, else the kind, named
 * ignoring case; anything else is a 400 listing the types. */
static int req_kind(pt_req *r, int *out)
{
  const char *names[PT_KIND__COUNT];
  for (int k = 0; k < PT_KIND__COUNT; k++)
    names[k] = pt_kind_name((pt_kind)k);
  return pt__req_choice(r, "entity_type", names, PT_KIND__COUNT, -1, out);
}

int pt__h_list(pt_req *r)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  pt_scope sc;
  char scope_buf[512];
  pt_page pg;
  int kind;
  if (req_kind(r, &kind) || pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  size_t n = 0;
  pt__resp_begin(r);
  pt_json_key(&r->json, "entities");
  pt_json_arr(&r->json);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    if ((kind >= 0 && e[i].kind != (pt_kind)kind) ||
        (scoped && !pt_scope_admits(&sc, e[i].file_path)))
      continue;
    if (pt__page_has(&pg, n++))
      entity_item(r, &e[i]);
  }
  pt_json_arr_end(&r->json);
  pt__page_counts(r, &pg, n);
  pt__resp_end(r);
  return 0;
}

/* A search hit: the entity and its score. */
typedef struct hit {
  size_t entity;
  int32_t score;
} hit;

static int cmp_hit(const void *a, const void *b)
{
  const hit *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->entity > y->entity) - (x->entity < y->entity); /* key order */
}

/* The best of the entity's name, qualified name and key. */
static int32_t entity_score(const char *q, const pt_entity *e)
{
  int32_t s = pt__fuzzy_score(q, e->name);
  int32_t t = pt__fuzzy_score(q, e->qualname);
  int32_t k = pt__fuzzy_score(q, e->key);
  if (t > s)
    s = t;
  /* the key holds the language and type too: only its substrings count */
  if (k >= PT_FUZZY_SUBSTRING && k - PT_FUZZY_SUBSTRING + PT_FUZZY_SUBSEQUENCE > s)
    s = k - PT_FUZZY_SUBSTRING + PT_FUZZY_SUBSEQUENCE;
  return s;
}

int pt__h_search(pt_req *r)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  const char *q;
  pt_scope sc;
  char scope_buf[512];
  pt_page pg;
  if (pt__req_required(r, "q", &q) || pt__req_page(r, NULL, 20, &pg))
    return PT_EINVAL;
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  hit *hits = pt_malloc((pt_graph_n_entities(g) + 1) * sizeof *hits);
  if (!hits)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    if (scoped && !pt_scope_admits(&sc, e[i].file_path))
      continue;
    int32_t s = entity_score(q, &e[i]);
    if (s >= 0)
      hits[n++] = (hit){i, s};
  }
  if (n > 1)
    qsort(hits, n, sizeof *hits, cmp_hit);
  pt__resp_begin(r);
  pt_json_key(&r->json, "entities");
  pt_json_arr(&r->json);
  for (size_t k = 0; k < n; k++)
    if (pt__page_has(&pg, k)) {
      pt_json_obj(&r->json);
      core_fields(&r->json, &e[hits[k].entity]);
      extra_fields(&r->json, &e[hits[k].entity]);
      pt_json_key(&r->json, "match_score");
      pt_json_int(&r->json, hits[k].score);
      pt_json_obj_end(&r->json);
    }
  pt_json_arr_end(&r->json);
  pt__page_counts(r, &pg, n);
  pt__resp_end(r);
  pt_free(hits);
  return 0;
}

/* An interface's (or its method's) implementations (nodes, n of them,
 * in key order): those in scope, a page of them, as "implementations"
 * with "implementations_page". */
static void implementations(pt_req *r, uint32_t *nodes, size_t n,
                            const pt_page *pg, const pt_scope *sc)
{
  const pt_qgraph *q = r->st->q;
  const pt_entity *ents = pt_graph_entities(r->st->g);
  size_t w = 0;
  for (size_t k = 0; k < n; k++)
    if (!sc || pt_scope_admits(sc, ents[q->entity[nodes[k]]].file_path))
      nodes[w++] = nodes[k];
  pt_json *j = &r->json;
  pt_json_key(j, "implementations");
  pt_json_arr(j);
  for (size_t k = 0; k < w; k++)
    if (pt__page_has(pg, k))
      pt__json_ref(j, r->st, q, nodes[k]);
  pt_json_arr_end(j);
  pt_json_key(j, "implementations_page");
  pt_json_obj(j);
  pt__page_counts(r, pg, w);
  pt_json_obj_end(j);
}

int pt__h_detail(pt_req *r)
{
  const char *text;
  pt_page pg;
  if (pt__req_required(r, "key", &text) || pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  int64_t v = pt__req_node(r, text);
  if (v < 0)
    return PT_EINVAL;
  int32_t i = r->st->q->entity[v];
  pt_scope sc;
  char scope_buf[512];
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  const pt_entity *e = i >= 0 ? &pt_graph_entities(r->st->g)[i] : NULL;
  if (!e || (scoped && !pt_scope_admits(&sc, e->file_path)))
    return pt__resp_error(r, 404, "Entity '%s' not found", text);
  uint32_t *impls = NULL;
  size_t n_impls = 0;
  int applies = 0;
  int rc = pt_implementations(r->st->q, (uint32_t)v, &impls, &n_impls,
                              &applies);
  if (rc)
    return rc;
  pt__resp_begin(r);
  pt_json *j = &r->json;
  core_fields(j, e);
  pt_json_key(j, "code");
  pt_json_strn(j, e->code, pt_entity_code_len(e));
  extra_fields(j, e);
  pt_json_key(j, "parent_key");
  pt_json_str(j, e->parent_key);
  pt_json_key(j, "content_hash");
  pt_json_str(j, e->content_hash);
  if (applies)
    implementations(r, impls, n_impls, &pg, scoped ? &sc : NULL);
  pt__resp_end(r);
  pt_free(impls);
  return 0;
}

/* One L1 folder of the tree: its distinct L2 children in byte order and
 * its entity count. Entity counts are small enough that the repeated
 * scans stay cheap. */
static void folder_item(pt_json *j, const pt_entity *e, size_t n, const char *cur)
{
  size_t count = 0;
  pt_json_obj(j);
  pt_json_key(j, "l1");
  pt_json_str(j, cur);
  pt_json_key(j, "l2_children");
  pt_json_arr(j);
  char last_l2[256] = "";
  int have_l2 = 0;
  for (;;) {
    char next[256];
    int got = 0;
    for (size_t i = 0; i < n; i++) {
      char l1[256], l2[256];
      pt_path_l1_l2(e[i].file_path, l1, sizeof l1, l2, sizeof l2);
      if (strcmp(l1, cur) != 0 || (have_l2 && strcmp(l2, last_l2) <= 0))
        continue;
      if (!got || strcmp(l2, next) < 0) {
        memcpy(next, l2, sizeof next);
        got = 1;
      }
    }
    if (!got)
      break;
    pt_json_str(j, next);
    memcpy(last_l2, next, sizeof last_l2);
    have_l2 = 1;
  }
  pt_json_arr_end(j);
  for (size_t i = 0; i < n; i++) {
    char l1[256], l2[256];
    pt_path_l1_l2(e[i].file_path, l1, sizeof l1, l2, sizeof l2);
    count += strcmp(l1, cur) == 0;
  }
  pt_json_key(j, "entity_count");
  pt_json_uint(j, count);
  pt_json_obj_end(j);
}

int pt__h_folders(pt_req *r)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  size_t n = pt_graph_n_entities(g), folders = 0;
  pt_page pg;
  if (pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  pt__resp_begin(r);
  pt_json *j = &r->json;
  pt_json_key(j, "folders");
  pt_json_arr(j);
  /* one pass per L1 in byte order; entity counts are small enough that
   * the quadratic scan over distinct folders stays cheap */
  char cur[256] = "", prev_l1[256] = "";
  int have_prev = 0;
  for (;;) {
    int found = 0;
    for (size_t i = 0; i < n; i++) {
      char l1[256], l2[256];
      pt_path_l1_l2(e[i].file_path, l1, sizeof l1, l2, sizeof l2);
      if (have_prev && strcmp(l1, prev_l1) <= 0)
        continue;
      if (!found || strcmp(l1, cur) < 0) {
        memcpy(cur, l1, sizeof cur);
        found = 1;
      }
    }
    if (!found)
      break;
    if (pt__page_has(&pg, folders))
      folder_item(j, e, n, cur);
    folders++;
    memcpy(prev_l1, cur, sizeof prev_l1);
    have_prev = 1;
  }
  pt_json_arr_end(j);
  pt__page_counts(r, &pg, folders);
  pt__resp_end(r);
  return 0;
}
