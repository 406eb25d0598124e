/* Entity endpoints: list, detail, search, the folder tree and the
 * ingestion diagnostics. */
#include <ctype.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
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

/* Lower-case ASCII containment; other bytes compare as they are. */
static int icontains(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  for (const char *h = hay; *h; h++) {
    size_t k = 0;
    while (k < n && h[k] &&
           tolower((unsigned char)h[k]) == tolower((unsigned char)needle[k]))
      k++;
    if (k == n)
      return 1;
  }
  return n == 0;
}

/* Lists entities passing `keep` (list-all and search share this). */
static int entity_list(pt_req *r, const char *type, const char *q)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  pt_scope sc;
  char scope_buf[512];
  int scoped = pt__req_scope(r, &sc, scope_buf);
  if (scoped < 0)
    return PT_EINVAL;
  size_t n = 0;
  pt__resp_begin(r);
  pt_json_key(&r->json, "entities");
  pt_json_arr(&r->json);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    if (type && strcmp(pt_kind_name(e[i].kind), type) != 0)
      continue;
    if (scoped && !pt_scope_admits(&sc, e[i].file_path))
      continue;
    if (q && !icontains(e[i].key, q) && !icontains(e[i].qualname, q))
      continue;
    entity_item(r, &e[i]);
    n++;
  }
  pt_json_arr_end(&r->json);
  pt_json_key(&r->json, "total_count");
  pt_json_uint(&r->json, n);
  pt__resp_end(r, q ? 60 + 20 * n + strlen(q) : 50 + 20 * n);
  return 0;
}

int pt__h_list(pt_req *r)
{
  return entity_list(r, pt__req_arg(r, "entity_type"), NULL);
}

int pt__h_search(pt_req *r)
{
  const char *q;
  if (pt__req_required(r, "q", &q))
    return PT_EINVAL;
  return entity_list(r, NULL, q);
}

int pt__h_detail(pt_req *r)
{
  const char *text;
  if (pt__req_required(r, "key", &text))
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
    return pt__resp_error(r, 404, 40, "Entity '%s' not found", text);
  pt__resp_begin(r);
  pt_json *j = &r->json;
  core_fields(j, e);
  pt_json_key(j, "code");
  pt_json_str(j, e->code);
  extra_fields(j, e);
  pt_json_key(j, "parent_key");
  pt_json_str(j, e->parent_key);
  pt_json_key(j, "content_hash");
  pt_json_str(j, e->content_hash);
  pt__resp_end(r, 100 + (e->code ? strlen(e->code) : 0));
  return 0;
}

int pt__h_folders(pt_req *r)
{
  const pt_graph *g = r->st->g;
  const pt_entity *e = pt_graph_entities(g);
  size_t n = pt_graph_n_entities(g), folders = 0;
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
    folders++;
    memcpy(prev_l1, cur, sizeof prev_l1);
    have_prev = 1;
  }
  pt_json_arr_end(j);
  pt__resp_end(r, 100 + 30 * folders);
  return 0;
}
