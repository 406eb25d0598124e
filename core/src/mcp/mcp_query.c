/* The MCP tools that look things up: find_symbol, entity_detail,
 * file_outline and index_status. Each fills its structured answer and a
 * short text (docs/mcp.md "Tools"). */
#include <stdlib.h>
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/live.h"
#include "pt/sys/proc.h"

/* "- name (file:line)" lines of the first few items for the text form. */
static int text_items(pt_mcp_call *c, const cJSON *arr, const char *field)
{
  int rc = 0, i = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, arr)
  {
    const cJSON *ref = field ? cJSON_GetObjectItem(it, field) : it;
    const cJSON *name = cJSON_GetObjectItem(ref, "qualified_name");
    const cJSON *key = cJSON_GetObjectItem(ref, "key");
    const cJSON *file = cJSON_GetObjectItem(ref, "file_path");
    const cJSON *line = cJSON_GetObjectItem(ref, "line_start");
    if (i++ == 10) {
      rc = pt_buf_puts(&c->text, "\n- ...");
      break;
    }
    if (cJSON_IsString(file) && cJSON_IsNumber(line))
      rc = pt_buf_printf(&c->text, "\n- %s (%s:%d) %s",
                         cJSON_IsString(name) ? name->valuestring : "?",
                         file->valuestring, line->valueint, key->valuestring);
    else
      rc = pt_buf_printf(&c->text, "\n- %s", cJSON_GetStringValue(key));
    if (rc)
      break;
  }
  return rc;
}

/* "N things, R shown; more with cursor X" after the tool's headline. */
static int text_page(pt_mcp_call *c, const pt_mcp_page *p)
{
  if (p->offset + p->returned < p->total)
    return pt_buf_printf(&c->text,
                         " (%zu shown from %zu; pass cursor \"%zu\" "
                         "for more)",
                         p->returned, p->offset, p->offset + p->returned);
  return 0;
}

int pt__mcp_find_symbol(pt_mcp_call *c)
{
  const char *query = pt__mcp_str(c, "query");
  pt_mcp_page p;
  uint32_t node;
  int rc = pt__mcp_page_begin(c, &p);
  cJSON *arr = rc ? NULL : cJSON_AddArrayToObject(c->structured, "matches");
  const char *mode = "exact";
  if (rc)
    return rc;
  if (!arr || pt__mcp_add_str(c->structured, "query", query))
    return PT_ERR(PT_ENOMEM, "out of memory");
  int64_t key_node = pt_qgraph_find(c->v->q, query);
  if (key_node >= 0 || strchr(query, ':')) {
    mode = key_node >= 0 ? "key" : "location";
    rc = pt__mcp_resolve(c, query, &node);
    if (rc)
      return rc;
    p.total = 1;
    if (pt__mcp_page_wants(&p, 0))
      rc = pt__mcp_page_add(&p, arr, pt__mcp_ref(c->v, node));
  } else {
    const pt_entity *es = pt_graph_entities(c->v->g);
    for (size_t i = 0; !rc && i < pt_graph_n_entities(c->v->g); i++) {
      if (strcmp(es[i].name, query) != 0 &&
          (!es[i].qualname || strcmp(es[i].qualname, query) != 0))
        continue;
      int64_t v = pt_qgraph_find(c->v->q, es[i].key);
      if (v >= 0 && pt__mcp_page_wants(&p, p.total))
        rc = pt__mcp_page_add(&p, arr, pt__mcp_ref(c->v, (uint32_t)v));
      p.total += v >= 0;
    }
    if (!rc && p.total == 0) {
      mode = "fuzzy";
      rc = pt__mcp_fuzzy_page(c, query, &p, arr);
    }
  }
  if (!rc)
    rc = pt__mcp_add_str(c->structured, "mode", mode);
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = pt_buf_printf(&c->text, "%zu %s match%s for '%s'", p.total, mode,
                       p.total == 1 ? "" : "es", query);
  if (!rc)
    rc = text_page(c, &p);
  if (!rc)
    rc = text_items(c, arr, NULL);
  return rc;
}

static int entity_of(pt_mcp_call *c, uint32_t *node, const pt_entity **e)
{
  int rc = pt__mcp_resolve(c, pt__mcp_str(c, "entity"), node);
  if (rc)
    return rc;
  int32_t i = c->v->q->entity[*node];
  *e = i >= 0 ? &pt_graph_entities(c->v->g)[i] : NULL;
  return 0;
}

/* Lines [offset, offset+limit) of code's size bytes, within half the page
 * budget: the text form repeats them. */
static int code_page(const char *code, size_t size, pt_mcp_page *p,
                     pt_buf *out)
{
  size_t line = 0;
  int rc = 0;
  for (const char *s = code, *end = code + size; !rc && s < end; line++) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
    if (pt__mcp_page_wants(p, line)) {
      if (p->returned > 0 && out->len + len > PT_MCP_PAGE_BYTES / 2)
        p->full = 1;
      else if ((rc = pt_buf_put(out, s, len)) == 0)
        p->returned++;
    }
    s += len;
  }
  p->total = line;
  return rc;
}

/* An interface's (or its method's) implementations: their count and the
 * first IMPLS_SHOWN in key order, as references; nothing for others. */
#define IMPLS_SHOWN 50
static int add_implementations(pt_mcp_call *c, uint32_t node)
{
  uint32_t *nodes = NULL;
  size_t n = 0;
  int applies = 0;
  int rc = pt_implementations(c->v->q, node, &nodes, &n, &applies);
  cJSON *arr = rc || !applies ? NULL
               : pt__mcp_add_num(c->structured, "implementations_total",
                                 (double)n)
                   ? NULL
                   : cJSON_AddArrayToObject(c->structured, "implementations");
  if (!rc && applies && !arr)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; arr && !rc && k < n && k < IMPLS_SHOWN; k++) {
    cJSON *ref = pt__mcp_ref(c->v, nodes[k]);
    if (!ref || !cJSON_AddItemToArray(arr, ref)) {
      cJSON_Delete(ref);
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    }
  }
  pt_free(nodes);
  return rc;
}

int pt__mcp_entity_detail(pt_mcp_call *c)
{
  uint32_t node;
  const pt_entity *e;
  pt_mcp_page p;
  pt_buf code = PT_BUF_INIT;
  int rc = pt__mcp_page_begin(c, &p);
  if (!rc)
    rc = entity_of(c, &node, &e);
  if (rc)
    return rc;
  cJSON *ent = pt__mcp_ref(c->v, node);
  if (!ent || !cJSON_AddItemToObject(c->structured, "entity", ent)) {
    cJSON_Delete(ent);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (e) {
    rc = pt__mcp_add_str(ent, "language", pt_lang_name(e->lang));
    if (!rc)
      rc = pt__mcp_add_str(ent, "signature", e->signature);
    if (!rc)
      rc = pt__mcp_add_str(ent, "parent_key", e->parent_key);
    if (!rc)
      rc = pt__mcp_add_str(ent, "content_hash", e->content_hash);
    if (!rc)
      rc = code_page(e->code ? e->code : "", pt_entity_code_len(e), &p, &code);
  }
  if (!rc)
    rc = pt__mcp_add_str(c->structured, "code", code.ptr ? code.ptr : "");
  if (!rc && e)
    rc = pt__mcp_add_num(c->structured, "first_line",
                         (double)(e->line_start + p.offset));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "callers_count",
                         pt_qgraph_indeg(c->v->q, node));
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "callees_count",
                         pt_qgraph_outdeg(c->v->q, node));
  if (!rc)
    rc = add_implementations(c, node);
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  if (!rc && e)
    rc = pt_buf_printf(
        &c->text, "%s %s in %s:%u-%u (%u callers, %u callees)",
        pt_kind_name(e->kind), e->qualname ? e->qualname : e->name,
        e->file_path, e->line_start, e->line_end,
        pt_qgraph_indeg(c->v->q, node), pt_qgraph_outdeg(c->v->q, node));
  else if (!rc)
    rc = pt_buf_printf(&c->text,
                       "%s is an unresolved name, not an indexed "
                       "entity",
                       c->v->q->key[node]);
  if (!rc)
    rc = text_page(c, &p);
  if (!rc && code.len)
    rc = pt_buf_printf(&c->text, "\n%s", code.ptr);
  pt_buf_fini(&code);
  return rc;
}

/* qsort has no payload: the entity array of the outline being sorted
 * (one thread at a time is not guaranteed, so it is thread-local). */
static PT_THREAD_LOCAL const pt_entity *outline_es;

static int by_line(const void *a, const void *b)
{
  const pt_entity *x = &outline_es[*(const size_t *)a];
  const pt_entity *y = &outline_es[*(const size_t *)b];
  if (x->line_start != y->line_start)
    return x->line_start < y->line_start ? -1 : 1;
  return strcmp(x->key, y->key);
}

int pt__mcp_file_outline(pt_mcp_call *c)
{
  const char *path = pt__mcp_str(c, "path");
  const pt_file_record *f = pt_graph_find_file(c->v->g, path);
  pt_mcp_page p;
  int rc = pt__mcp_page_begin(c, &p);
  if (rc)
    return rc;
  if (!f)
    return pt__mcp_fail(c,
                        "'%.300s' is not an indexed file (paths are "
                        "relative to the indexed root, with '/')",
                        path);
  cJSON *arr = cJSON_AddArrayToObject(c->structured, "entities");
  if (!arr || pt__mcp_add_str(c->structured, "path", f->path) ||
      pt__mcp_add_str(c->structured, "language", pt_lang_name(f->lang)))
    return PT_ERR(PT_ENOMEM, "out of memory");
  /* Entities are in key order; the outline wants line order. */
  const pt_entity *es = pt_graph_entities(c->v->g);
  size_t n = pt_graph_n_entities(c->v->g), k = 0;
  size_t *idx = pt_malloc((n ? n : 1) * sizeof *idx);
  if (!idx)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    if (strcmp(es[i].file_path, f->path) == 0)
      idx[k++] = i;
  outline_es = es;
  qsort(idx, k, sizeof *idx, by_line);
  for (size_t i = 0; !rc && i < k; i++) {
    if (!pt__mcp_page_wants(&p, i))
      continue;
    const pt_entity *e = &es[idx[i]];
    cJSON *ref = pt__mcp_ref(c->v, (uint32_t)pt_qgraph_find(c->v->q, e->key));
    if (ref && (pt__mcp_add_str(ref, "signature", e->signature) ||
                pt__mcp_add_str(ref, "parent_key", e->parent_key))) {
      cJSON_Delete(ref);
      ref = NULL;
    }
    rc = pt__mcp_page_add(&p, arr, ref);
  }
  pt_free(idx);
  if (rc)
    return rc;
  p.total = k;
  rc = pt__mcp_page_end(c, &p);
  if (!rc)
    rc = pt_buf_printf(&c->text, "%zu entities in %s", k, f->path);
  if (!rc)
    rc = text_page(c, &p);
  if (!rc)
    rc = text_items(c, arr, NULL);
  return rc;
}

static int live_json(pt_mcp_call *c)
{
  pt_live_status st;
  if (!c->v->live)
    return pt__mcp_add_str(c->structured, "live", NULL);
  pt_live_get_status(c->v->live, &st);
  cJSON *o = cJSON_AddObjectToObject(c->structured, "live");
  int rc = o ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  if (!rc)
    rc = pt__mcp_add_bool(o, "watching", st.watch_running);
  if (!rc)
    rc = pt__mcp_add_str(o, "backend", st.backend ? st.backend : "");
  if (!rc)
    rc = pt__mcp_add_num(o, "pending", (double)st.pending);
  if (!rc)
    rc = pt__mcp_add_num(o, "updates", (double)st.updates);
  if (!rc)
    rc = pt__mcp_add_num(o, "last_update_unix", (double)st.last_update);
  if (!rc)
    rc = pt__mcp_add_bool(o, "paused", st.paused);
  if (!rc)
    rc = pt__mcp_add_str(o, "last_error", st.last_error);
  if (!rc)
    rc = pt_buf_printf(&c->text, "; live index: %s, %zu change%s pending",
                       st.watch_running ? "watching" : "not watching",
                       st.pending, st.pending == 1 ? "" : "s");
  return rc;
}

int pt__mcp_index_status(pt_mcp_call *c)
{
  const pt_graph *g = c->v->g;
  size_t counts[PT_LANG__COUNT] = {0};
  pt_mcp_page p;
  int rc = pt__mcp_page_begin(c, &p);
  cJSON *arr = rc ? NULL : cJSON_AddArrayToObject(c->structured, "languages");
  if (rc)
    return rc;
  for (size_t i = 0; i < pt_graph_n_files(g); i++)
    counts[pt_graph_files(g)[i].lang]++;
  for (int l = 0; arr && !rc && l < PT_LANG__COUNT; l++) {
    if (!counts[l])
      continue;
    if (pt__mcp_page_wants(&p, p.total)) {
      cJSON *o = cJSON_CreateObject();
      if (o && (pt__mcp_add_str(o, "language", pt_lang_name((pt_lang)l)) ||
                pt__mcp_add_num(o, "files", (double)counts[l]))) {
        cJSON_Delete(o);
        o = NULL;
      }
      rc = pt__mcp_page_add(&p, arr, o);
    }
    p.total++;
  }
  if (!arr || rc ||
      pt__mcp_add_str(c->structured, "root", pt_graph_meta(g, "root")) ||
      pt__mcp_add_str(c->structured, "db", c->v->db_spec) ||
      pt__mcp_add_num(c->structured, "entities",
                      (double)pt_graph_n_entities(g)) ||
      pt__mcp_add_num(c->structured, "edges", (double)pt_graph_n_edges(g)) ||
      pt__mcp_add_num(c->structured, "files", (double)pt_graph_n_files(g)) ||
      pt__mcp_add_num(c->structured, "tests", (double)pt_graph_n_tests(g)) ||
      pt_buf_printf(&c->text, "%zu entities, %zu edges in %zu files",
                    pt_graph_n_entities(g), pt_graph_n_edges(g),
                    pt_graph_n_files(g)))
    return rc ? rc : PT_ERR(PT_ENOMEM, "out of memory");
  rc = live_json(c);
  if (!rc)
    rc = pt__mcp_page_end(c, &p);
  return rc;
}

/* Waits in the live index; the answer is about the index as it is then
 * (the next call reads the new graph). Without a live index nothing is
 * ever pending. */
int pt__mcp_wait_for_fresh(pt_mcp_call *c)
{
  unsigned timeout = (unsigned)pt__mcp_int(c, "timeout_ms");
  unsigned waiters = pt_cpu_count() / 2 ? pt_cpu_count() / 2 : 1;
  uint64_t t0 = pt_clock_ns();
  c->has_now = 1;
  c->now.generation = c->v->generation;
  c->now.published = (time_t)c->v->published;
  if (c->v->live &&
      pt_live_wait_fresh(c->v->live, timeout, waiters, &c->now) != 0) {
    int rc = pt__mcp_fail(c, "%s", pt_error_last()->message);
    pt_error_clear();
    return rc;
  }
  uint64_t waited = (pt_clock_ns() - t0) / 1000000u;
  size_t pending = c->now.pending;
  int rc = pt__mcp_add_bool(c->structured, "fresh", pending == 0);
  if (!rc)
    rc = pt__mcp_add_bool(c->structured, "timed_out", pending > 0);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "waited_ms", (double)waited);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "pending_changes", (double)pending);
  if (!rc)
    rc = pt__mcp_add_bool(c->structured, "paused", c->now.paused);
  if (!rc && pending == 0)
    rc = pt_buf_printf(&c->text, "The index is up to date (generation %llu).",
                       (unsigned long long)c->now.generation);
  else if (!rc)
    rc = pt_buf_printf(&c->text,
                       "Timed out after %llu ms: %zu change%s still pending%s.",
                       (unsigned long long)waited, pending,
                       pending == 1 ? "" : "s",
                       c->now.paused ? " (the live index is paused)" : "");
  return rc;
}
