/* The routes that select tests (docs/http-api.md "Tests"):
 * GET /tests-covering-entity and POST /diff-impact-analysis. Both read the
 * snapshot's test map (pt/test_map.h, made on first use) and walk the
 * graph with pt_tests_reaching. */
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/analysis.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/live.h"

/* A test as listed: where it is, how far, and its path to the target
 * (test, the node it depends on, ..., the target). */
static void test_item(pt_req *r, const pt_tests_reached *tr,
                      const pt_test_reach *t)
{
  pt_json *j = &r->json;
  const pt_qgraph *q = r->st->q;
  const pt_test_entity *te = &pt_graph_tests(r->st->g)[t->test];
  pt_json_obj(j);
  pt_json_key(j, "key");
  pt_json_str(j, te->key);
  pt_json_key(j, "name");
  pt_json_str(j, te->name);
  pt_json_key(j, "file_path");
  pt_json_str(j, te->file_path);
  pt_json_key(j, "line_start");
  pt_json_uint(j, te->line_start);
  pt_json_key(j, "line_end");
  pt_json_uint(j, te->line_end);
  pt_json_key(j, "reason");
  pt_json_str(j, te->reason);
  pt_json_key(j, "hops");
  pt_json_uint(j, t->hops);
  pt_json_key(j, "target");
  pt_json_str(j, q->key[t->target]);
  pt_json_key(j, "path");
  pt_json_arr(j);
  pt_json_str(j, te->key);
  for (uint32_t v = t->via; v != PT_NO_NODE; v = tr->next[v])
    pt_json_str(j, q->key[v]);
  pt_json_arr_end(j);
  pt_json_obj_end(j);
}

/* "tests" paged, with the counts and how the map was made. */
static void tests_list(pt_req *r, const pt_page *p, const pt_tests_reached *tr,
                       const pt_test_map *m)
{
  pt_json *j = &r->json;
  pt__page_counts(r, p, tr->n_items);
  pt_json_key(j, "tests");
  pt_json_arr(j);
  for (size_t i = 0; i < tr->n_items; i++)
    if (pt__page_has(p, i))
      test_item(r, tr, &tr->items[i]);
  pt_json_arr_end(j);
  pt_json_key(j, "test_files_read_count");
  pt_json_uint(j, m->n_files);
  pt_json_key(j, "test_files_stale_count");
  pt_json_uint(j, m->n_stale);
}

int pt__h_tests_covering(pt_req *r)
{
  const char *entity;
  uint64_t hops;
  pt_page p;
  const pt_test_map *m = NULL;
  pt_tests_reached *tr = NULL;
  if (pt__req_required(r, "entity", &entity) ||
      pt__req_uint(r, "hops", 3, 10, &hops) ||
      pt__req_page(r, NULL, 50, &p))
    return PT_EINVAL;
  if (hops == 0)
    return pt__resp_error(r, 400, "'hops' is at least 1, got 0");
  int64_t v = pt__req_node(r, entity);
  if (v < 0)
    return PT_EINVAL;
  uint32_t target = (uint32_t)v;
  int rc = pt_test_map_get(&r->st->memo->tests, r->st->g, &m);
  if (rc == 0)
    rc = pt_tests_reaching(r->st->q, m, &target, 1, (unsigned)hops, &tr);
  if (rc)
    return rc;
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "entity");
  pt__json_ref(j, r->st, r->st->q, target);
  pt_json_key(j, "hops");
  pt_json_uint(j, hops);
  tests_list(r, &p, tr, m);
  pt__resp_end(r);
  pt_tests_reached_free(tr);
  return 0;
}

/* Most bytes of a diff git makes for ?base= (as much as a posted diff). */
#define GIT_DIFF_MAX (4 * 1024 * 1024)

/* The diff of the indexed folder's work tree against base, from git, in
 * *out (pt_malloc'd). */
static int diff_from_git(pt_req *r, const char *base, char **out, size_t *len)
{
  if (!r->st->live)
    return pt__resp_error(r, 400, "'base' needs the indexed folder: start "
                          "the server with --root DIR (or post the diff)");
  int rc = pt_diff_git(pt_live_root(r->st->live), base, GIT_DIFF_MAX, out,
                       len);
  if (rc == PT_EINVAL || rc == PT_ENOTSUPPORTED || rc == PT_EBUSY) {
    char msg[600];
    pt_snprintf(msg, sizeof msg, "%s", pt_error_last()->message);
    pt_error_clear();
    return pt__resp_error(r, rc == PT_ENOTSUPPORTED ? 501
                             : rc == PT_EBUSY       ? 504
                                                    : 400,
                          "%s", msg);
  }
  return rc; /* no changes: an empty diff, an empty answer */
}

/* The diff: the raw body, a JSON body's "diff" member, or with 'base' (in
 * the query or a JSON body) git's diff against it (in *git, to free). */
static int diff_text(pt_req *r, const char **out, size_t *len, char **git)
{
  const char *b = r->raw_body;
  size_t n = r->raw_len;
  while (n && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')) {
    b++;
    n--;
  }
  int is_json = n && *b == '{';
  if (is_json) {
    int rc = pt__req_read_body(r, r->raw_body, r->raw_len);
    if (rc)
      return rc;
  }
  const char *base = pt__req_arg(r, "base");
  if (base) {
    if (is_json ? pt__req_arg(r, "diff") != NULL : n != 0)
      return pt__resp_error(r, 400, "Give a diff or 'base', not both");
    int rc = diff_from_git(r, base, git, len);
    *out = *git;
    return rc;
  }
  if (is_json) {
    int rc = pt__req_required(r, "diff", out);
    if (rc == 0)
      *len = strlen(*out);
    return rc;
  }
  if (!n)
    return pt__resp_error(r, 400, "POST a unified diff as the body (or "
                          "{\"diff\": \"...\"}), or give ?base=REV");
  *out = r->raw_body;
  *len = r->raw_len;
  return 0;
}

static void files_list(pt_req *r, const pt_diff *d)
{
  pt_json *j = &r->json;
  pt_json_key(j, "files");
  pt_json_arr(j);
  for (size_t i = 0; i < d->n_files; i++) {
    const pt_diff_file *f = &d->files[i];
    pt_json_obj(j);
    pt_json_key(j, "path");
    pt_json_str(j, f->path);
    pt_json_key(j, "status");
    pt_json_str(j, f->status == 'A' ? "added" : f->status == 'D' ? "deleted"
                                                                  : "modified");
    pt_json_key(j, "indexed_path");
    pt_json_str(j, f->indexed_path);
    pt_json_key(j, "stale");
    pt_json_bool(j, f->is_stale);
    pt_json_key(j, "touched_lines");
    pt_json_arr(j);
    for (size_t k = 0; k < f->n_ranges; k++) {
      pt_json_arr(j);
      pt_json_uint(j, f->ranges[2 * k]);
      pt_json_uint(j, f->ranges[2 * k + 1]);
      pt_json_arr_end(j);
    }
    pt_json_arr_end(j);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
}

/* What depends on the changed entities, nearest first (each level in key
 * order; the deleted entities' dependents, extra, at depth 1 before them),
 * the first 100. */
#define AFFECTED_MAX 100
static void affected_list(pt_req *r, const pt_tests_reached *tr, unsigned hops,
                          const uint32_t *extra, size_t n_extra)
{
  pt_json *j = &r->json;
  const pt_qgraph *q = r->st->q;
  size_t listed = 0;
  pt_json_key(j, "affected_count");
  pt_json_uint(j, tr->n_dependants + n_extra);
  pt_json_key(j, "affected");
  pt_json_arr(j);
  for (size_t i = 0; i < n_extra && listed < AFFECTED_MAX; i++, listed++) {
    pt_json_obj(j);
    pt_json_key(j, "key");
    pt_json_str(j, q->key[extra[i]]);
    pt__json_ref_fields(j, r->st, q, extra[i]);
    pt_json_key(j, "depth");
    pt_json_uint(j, 1);
    pt_json_obj_end(j);
  }
  for (unsigned d = 1; d <= hops; d++)
    for (size_t v = 0; v < q->n_nodes && listed < AFFECTED_MAX; v++) {
      if (tr->depth[v] != d)
        continue;
      pt_json_obj(j);
      pt_json_key(j, "key");
      pt_json_str(j, q->key[v]);
      pt__json_ref_fields(j, r->st, q, (uint32_t)v);
      pt_json_key(j, "depth");
      pt_json_uint(j, d);
      pt_json_obj_end(j);
      listed++;
    }
  pt_json_arr_end(j);
  pt_json_key(j, "affected_truncated");
  pt_json_bool(j, listed < tr->n_dependants + n_extra);
}

/* The entities the diff deletes, each with its dependents. */
static void deleted_list(pt_req *r, const pt_diff_deletions *x)
{
  pt_json *j = &r->json;
  pt_json_key(j, "deleted_count");
  pt_json_uint(j, x->n_items);
  pt_json_key(j, "deleted_entities");
  pt_json_arr(j);
  for (size_t i = 0; i < x->n_items; i++) {
    const pt_diff_deleted *del = &x->items[i];
    pt_json_obj(j);
    pt_json_key(j, "name");
    pt_json_str(j, del->name);
    pt_json_key(j, "kind");
    pt_json_str(j, pt_kind_name(del->kind));
    pt_json_key(j, "file_path");
    pt_json_str(j, del->file_path);
    pt_json_key(j, "old_line_start");
    pt_json_uint(j, del->line_start);
    pt_json_key(j, "old_line_end");
    pt_json_uint(j, del->line_end);
    pt_json_key(j, "dependents");
    pt_json_arr(j);
    for (size_t k = 0; k < del->n_dependents; k++)
      pt_json_str(j, r->st->q->key[del->dependents[k]]);
    pt_json_arr_end(j);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
}

static int impact(pt_req *r, pt_diff *d, unsigned hops, const pt_page *p)
{
  const pt_qgraph *q = r->st->q;
  const pt_entity *e = pt_graph_entities(r->st->g);
  const pt_test_map *m = NULL;
  pt_tests_reached *tr = NULL;
  pt_diff_deletions *x = NULL;
  uint32_t *ents = NULL, *targets = NULL;
  size_t n = 0, n_targets = 0;
  int rc = pt_diff_entities(r->st->g, d, &ents, &n);
  for (size_t i = 0; rc == 0 && i < n; i++) /* entities are nodes */
    ents[i] = (uint32_t)pt_qgraph_find(q, e[ents[i]].key);
  if (rc == 0)
    rc = pt_diff_deleted_entities(r->st->g, q,
                                  pt_graph_meta(r->st->g, "root"), d, &x);
  if (rc == 0)
    rc = pt_diff_targets(ents, n, x, &targets, &n_targets);
  if (rc == 0)
    rc = pt_test_map_get(&r->st->memo->tests, r->st->g, &m);
  if (rc == 0)
    rc = pt_tests_reaching(q, m, targets, n_targets, hops, &tr);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "hops");
    pt_json_uint(j, hops);
    files_list(r, d);
    pt_json_key(j, "changed_count");
    pt_json_uint(j, n);
    pt_json_key(j, "changed_entities");
    pt_json_arr(j);
    for (size_t i = 0; i < n; i++)
      pt__json_ref(j, r->st, q, ents[i]);
    pt_json_arr_end(j);
    deleted_list(r, x);
    affected_list(r, tr, hops, targets + n, n_targets - n);
    tests_list(r, p, tr, m);
    pt__resp_end(r);
  }
  pt_tests_reached_free(tr);
  pt_diff_deletions_free(x);
  pt_free(targets);
  pt_free(ents);
  return rc;
}

int pt__h_diff_impact(pt_req *r)
{
  uint64_t hops;
  pt_page p;
  const char *text = NULL;
  char *git = NULL;
  size_t len = 0;
  pt_diff *d = NULL;
  if (pt__req_uint(r, "hops", 3, 10, &hops) || pt__req_page(r, NULL, 100, &p))
    return PT_EINVAL;
  int rc = diff_text(r, &text, &len, &git);
  if (rc) {
    pt_free(git);
    return rc;
  }
  rc = pt_diff_parse(text, len, &d);
  if (rc == PT_EPARSE) {
    char msg[600];
    pt_snprintf(msg, sizeof msg, "%s", pt_error_last()->message);
    pt_error_clear();
    pt_free(git);
    return pt__resp_error(r, 400, "%s", msg);
  }
  if (rc == 0)
    rc = impact(r, d, (unsigned)hops, &p);
  pt_diff_free(d);
  pt_free(git);
  return rc;
}
