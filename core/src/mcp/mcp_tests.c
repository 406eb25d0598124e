/* The MCP tools that select tests: tests_covering and diff_impact, the
 * MCP side of GET /tests-covering-entity and POST /diff-impact-analysis
 * (docs/mcp.md "Tools"), over pt/test_map.h and pt_tests_reaching. */
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

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
        pt__mcp_add_str(o, "indexed_path", f->indexed_path))
      arr = NULL;
  }
  return arr ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

/* The changed entities (all) and what depends on them (the first 50,
 * nearest first). */
#define AFFECTED_MAX 50
static int changed_json(pt_mcp_call *c, const uint32_t *nodes, size_t n,
                        const pt_tests_reached *tr, unsigned hops)
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
                         (double)tr->n_dependants);
  return rc;
}

int pt__mcp_diff_impact(pt_mcp_call *c)
{
  const char *text = pt__mcp_str(c, "diff");
  unsigned hops = (unsigned)pt__mcp_int(c, "hops");
  const pt_test_map *m = NULL;
  pt_test_map *made = NULL;
  pt_tests_reached *tr = NULL;
  pt_diff *d = NULL;
  uint32_t *nodes = NULL;
  size_t n = 0;
  pt_mcp_page p;
  int rc = pt__mcp_page_begin(c, &p);
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
    rc = test_map(c, &m, &made);
  if (!rc)
    rc = pt_tests_reaching(c->v->q, m, nodes, n, hops, &tr);
  if (!rc)
    rc = files_json(c, d);
  if (!rc)
    rc = changed_json(c, nodes, n, tr, hops);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "hops", hops);
  if (!rc)
    rc = pt_buf_printf(&c->text,
                       "%zu entities changed in %zu files; %zu depend on "
                       "them; %zu tests to run, nearest first",
                       n, d->n_files, tr->n_dependants, tr->n_items);
  if (!rc)
    rc = tests_page(c, &p, tr, m);
  pt_tests_reached_free(tr);
  pt_test_map_free(made);
  pt_free(nodes);
  pt_diff_free(d);
  return rc;
}
