/* The MCP tools that select tests: tests_covering and diff_impact, the
 * MCP side of GET /tests-covering-entity and POST /diff-impact-analysis
 * (docs/mcp.md "Tools"), over pt/test_map.h and pt_tests_reaching. */
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/live.h"

/* The view's kept map, or one made for this call (*made, to free). */
static int test_map(pt_mcp_call *c, const pt_test_map **out, pt_test_map **made)
{
  *made = NULL;
  if (c->v->tests)
    return pt_test_map_get(c->v->tests, c->v->g, out);
  int rc = pt_test_map_build(c->v->g, pt_graph_meta(c->v->g, "root"), made);
  *out = *made;
  return rc;
}

static cJSON *test_item(const pt_mcp_call *c, const pt_tests_reached *tr,
                        const pt_test_reach *t)
{
  const pt_qgraph *q = c->v->q;
  const pt_test_entity *te = &pt_graph_tests(c->v->g)[t->test];
  cJSON *o = cJSON_CreateObject();
  cJSON *path = o ? cJSON_AddArrayToObject(o, "path") : NULL;
  int ok = path && !pt__mcp_add_str(o, "key", te->key) &&
           !pt__mcp_add_str(o, "name", te->name) &&
           !pt__mcp_add_str(o, "file_path", te->file_path) &&
           !pt__mcp_add_num(o, "line_start", te->line_start) &&
           !pt__mcp_add_num(o, "line_end", te->line_end) &&
           !pt__mcp_add_num(o, "hops", t->hops) &&
           !pt__mcp_add_str(o, "target", q->key[t->target]);
  cJSON *k = ok ? cJSON_CreateString(te->key) : NULL;
  ok = k && cJSON_AddItemToArray(path, k);
  if (!ok)
    cJSON_Delete(k);
  for (uint32_t v = t->via; ok && v != PT_NO_NODE; v = tr->next[v]) {
    k = cJSON_CreateString(q->key[v]);
    ok = k && cJSON_AddItemToArray(path, k);
    if (!ok)
      cJSON_Delete(k);
  }
  if (ok)
    return o;
  cJSON_Delete(o);
  return NULL;
}

/* "tests" paged into structured, and the text lines. */
static int tests_page(pt_mcp_call *c, pt_mcp_page *p, const pt_tests_reached *tr,
                      const pt_test_map *m)
{
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "tests");
  int rc = arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  p->total = tr->n_items;
  for (size_t i = 0; !rc && i < tr->n_items; i++)
    if (pt__mcp_page_wants(p, i))
      rc = pt__mcp_page_add(p, arr, test_item(c, tr, &tr->items[i]));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "test_files_stale", (double)m->n_stale);
  if (!rc)
    rc = pt__mcp_page_end(c, p);
  const cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, arr)
  {
    if (rc || i++ == 10)
      break;
    rc = pt_buf_printf(&c->text, "\n- %s (%s:%d), %d hop%s",
                       cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")),
                       cJSON_GetStringValue(cJSON_GetObjectItem(it, "file_path")),
                       cJSON_GetObjectItem(it, "line_start")->valueint,
                       cJSON_GetObjectItem(it, "hops")->valueint,
                       cJSON_GetObjectItem(it, "hops")->valueint == 1 ? "" : "s");
  }
  return rc;
}

int pt__mcp_tests_covering(pt_mcp_call *c)
{
  unsigned hops = (unsigned)pt__mcp_int(c, "hops");
  const pt_test_map *m = NULL;
  pt_test_map *made = NULL;
  pt_tests_reached *tr = NULL;
  pt_mcp_page p;
  uint32_t v;
  int rc = pt__mcp_page_begin(c, &p);
  if (!rc)
    rc = pt__mcp_resolve(c, pt__mcp_str(c, "entity"), &v);
  if (rc)
    return rc;
  cJSON *ref = pt__mcp_ref(c->v, v);
  if (!ref || !cJSON_AddItemToObject(c->structured, "entity", ref)) {
    cJSON_Delete(ref);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  rc = test_map(c, &m, &made);
  if (!rc)
    rc = pt_tests_reaching(c->v->q, m, &v, 1, hops, &tr);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "hops", hops);
  if (!rc)
    rc = pt_buf_printf(&c->text, "%zu tests reach %s within %u hops",
                       tr->n_items, c->v->q->key[v], hops);
  if (!rc)
    rc = tests_page(c, &p, tr, m);
  pt_tests_reached_free(tr);
  pt_test_map_free(made);
  return rc;
}

static int files_json(pt_mcp_call *c, const pt_diff *d)
{
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "files");
  for (size_t i = 0; arr && i < d->n_files; i++) {
    const pt_diff_file *f = &d->files[i];
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
      cJSON_Delete(o);
      arr = NULL;
      break;
    }
    if (pt__mcp_add_str(o, "path", f->path) ||
        pt__mcp_add_str(o, "status", f->status == 'A'   ? "added"
                                     : f->status == 'D' ? "deleted"
                                                        : "modified") ||
        pt__mcp_add_str(o, "indexed_path", f->indexed_path) ||
        pt__mcp_add_bool(o, "stale", f->is_stale))
      arr = NULL;
  }
  return arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

/* The entities the diff deletes (all), each with its dependents. */
static int deleted_json(pt_mcp_call *c, const pt_diff_deletions *x)
{
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "deleted");
  for (size_t i = 0; arr && i < x->n_items; i++) {
    const pt_diff_deleted *del = &x->items[i];
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
      cJSON_Delete(o);
      arr = NULL;
      break;
    }
    cJSON *dep = NULL;
    if (pt__mcp_add_str(o, "name", del->name) ||
        pt__mcp_add_str(o, "kind", pt_kind_name(del->kind)) ||
        pt__mcp_add_str(o, "file_path", del->file_path) ||
        pt__mcp_add_num(o, "old_line_start", del->line_start) ||
        pt__mcp_add_num(o, "old_line_end", del->line_end) ||
        !(dep = cJSON_AddArrayToObject(o, "dependents")))
      arr = NULL;
    for (size_t k = 0; arr && k < del->n_dependents; k++) {
      cJSON *s = cJSON_CreateString(c->v->q->key[del->dependents[k]]);
      if (!s || !cJSON_AddItemToArray(dep, s)) {
        cJSON_Delete(s);
        arr = NULL;
      }
    }
  }
  return arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

/* The changed entities (all) and what depends on them (the first 50,
 * nearest first; the deleted entities' dependents, nodes[n..n_targets),
 * at depth 1 before the others). */
#define AFFECTED_MAX 50
static int changed_json(pt_mcp_call *c, const uint32_t *nodes, size_t n,
                        size_t n_targets, const pt_tests_reached *tr,
                        unsigned hops)
{
  const pt_qgraph *q = c->v->q;
  cJSON *ch = cJSON_AddArrayToObject(c->structured, "changed");
  cJSON *af = cJSON_AddArrayToObject(c->structured, "affected");
  int rc = ch && af ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    cJSON *ref = pt__mcp_ref(c->v, nodes[i]);
    if (!ref || !cJSON_AddItemToArray(ch, ref)) {
      cJSON_Delete(ref);
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    }
  }
  size_t listed = 0;
  for (size_t i = n; !rc && i < n_targets && listed < AFFECTED_MAX; i++) {
    cJSON *ref = pt__mcp_ref(c->v, nodes[i]);
    if (!ref || pt__mcp_add_num(ref, "depth", 1) ||
        !cJSON_AddItemToArray(af, ref)) {
      cJSON_Delete(ref);
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    }
    listed++;
  }
  for (unsigned d = 1; !rc && d <= hops; d++)
    for (size_t v = 0; !rc && v < q->n_nodes && listed < AFFECTED_MAX; v++) {
      if (tr->depth[v] != d)
        continue;
      cJSON *ref = pt__mcp_ref(c->v, (uint32_t)v);
      if (!ref || pt__mcp_add_num(ref, "depth", d) ||
          !cJSON_AddItemToArray(af, ref)) {
        cJSON_Delete(ref);
        rc = PT_ERR(PT_ENOMEM, "out of memory");
      }
      listed++;
    }
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "affected_total",
                         (double)(tr->n_dependants + n_targets - n));
  return rc;
}

/* Most bytes of a diff git makes for 'base' (as the HTTP route). */
#define GIT_DIFF_MAX (4 * 1024 * 1024)

/* git's diff of the indexed root's work tree against base, in *out. */
static int diff_from_git(pt_mcp_call *c, const char *base, char **out)
{
  size_t len = 0;
  if (!c->v->live)
    return pt__mcp_fail(c, "'base' needs the indexed folder: start the "
                        "server with --root DIR (or pass 'diff')");
  int rc = pt_diff_git(pt_live_root(c->v->live), base, GIT_DIFF_MAX, out,
                       &len);
  if (rc == PT_EINVAL || rc == PT_ENOTSUPPORTED || rc == PT_EBUSY) {
    rc = pt__mcp_fail(c, "argument 'base': %s", pt_error_last()->message);
    pt_error_clear();
  }
  return rc; /* no changes: an empty diff, an empty answer */
}

int pt__mcp_diff_impact(pt_mcp_call *c)
{
  const char *text = pt__mcp_str(c, "diff");
  const char *base = pt__mcp_str(c, "base");
  char *git = NULL;
  unsigned hops = (unsigned)pt__mcp_int(c, "hops");
  const pt_test_map *m = NULL;
  pt_test_map *made = NULL;
  pt_tests_reached *tr = NULL;
  pt_diff *d = NULL;
  pt_diff_deletions *x = NULL;
  uint32_t *nodes = NULL, *targets = NULL;
  size_t n = 0, n_targets = 0;
  pt_mcp_page p;
  int rc = pt__mcp_page_begin(c, &p);
  if (!rc && !text == !base)
    rc = pt__mcp_fail(c, "give either 'diff' or 'base'");
  if (!rc && text && !*text)
    rc = pt__mcp_fail(c, "argument 'diff' is empty: pass a unified diff");
  if (!rc && base)
    rc = diff_from_git(c, base, &git);
  if (!rc && git)
    text = git;
  if (!rc && (rc = pt_diff_parse(text, strlen(text), &d)) == PT_EPARSE) {
    rc = pt__mcp_fail(c, "argument 'diff': %s", pt_error_last()->message);
    pt_error_clear();
  }
  if (!rc)
    rc = pt_diff_entities(c->v->g, d, &nodes, &n);
  for (size_t i = 0; !rc && i < n; i++)
    nodes[i] = (uint32_t)pt_qgraph_find(
        c->v->q, pt_graph_entities(c->v->g)[nodes[i]].key);
  if (!rc)
    rc = pt_diff_deleted_entities(c->v->g, c->v->q,
                                  pt_graph_meta(c->v->g, "root"), d, &x);
  if (!rc)
    rc = pt_diff_targets(nodes, n, x, &targets, &n_targets);
  if (!rc)
    rc = test_map(c, &m, &made);
  if (!rc)
    rc = pt_tests_reaching(c->v->q, m, targets, n_targets, hops, &tr);
  if (!rc)
    rc = files_json(c, d);
  if (!rc)
    rc = deleted_json(c, x);
  if (!rc)
    rc = changed_json(c, targets, n, n_targets, tr, hops);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "hops", hops);
  if (!rc)
    rc = pt_buf_printf(&c->text,
                       "%zu entities changed and %zu deleted in %zu files; "
                       "%zu depend on them; %zu tests to run, nearest first",
                       n, x->n_items, d->n_files,
                       tr->n_dependants + n_targets - n, tr->n_items);
  if (!rc)
    rc = tests_page(c, &p, tr, m);
  pt_tests_reached_free(tr);
  pt_test_map_free(made);
  pt_diff_deletions_free(x);
  pt_free(targets);
  pt_free(nodes);
  pt_diff_free(d);
  pt_free(git);
  return rc;
}
