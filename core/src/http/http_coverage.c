/* /ingestion-coverage-folder-report (docs/contract/http-api.md 5.24):
 * walks the indexed root again with pt01's own rules and compares what is
 * there with what the index holds, per folder. Unlike the earlier tool it
 * writes no log file: a GET never writes. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/strmap.h"
#include "pt/walk.h"

/* The folder key of a path: its first `depth` folders joined with '/' and
 * a trailing '/', or "." for depth 0 and root-level files. */
static size_t folder_key(const char *path, uint64_t depth, char *out, size_t size)
{
  const char *last = strrchr(path, '/');
  size_t n = 0;
  const char *p = path;
  for (uint64_t d = 0; d < depth && last && p <= last; d++) {
    const char *slash = strchr(p, '/');
    if (!slash || slash > last)
      break;
    p = slash + 1;
    n = (size_t)(p - path);
  }
  if (n == 0 || n >= size) {
    pt_snprintf(out, size, ".");
    return 1;
  }
  memcpy(out, path, n);
  out[n] = '\0';
  return n;
}

typedef struct folder_row {
  const char *key;          /* in the request's arena */
  uint64_t eligible, parsed;
} folder_row;

static int cmp_row(const void *a, const void *b)
{
  const folder_row *x = a, *y = b;
  double px = x->eligible ? (double)x->parsed / (double)x->eligible : 0;
  double py = y->eligible ? (double)y->parsed / (double)y->eligible : 0;
  if (px != py)
    return px < py ? -1 : 1;
  return strcmp(x->key, y->key);
}

static void write_report(pt_req *r, const pt_walk_result *w, folder_row *rows,
                         size_t n_rows, uint64_t depth, uint64_t parsed,
                         const pt_page *pg)
{
  pt_json *j = &r->json;
  size_t unparsed = 0;
  pt__resp_begin(r);
  pt_json_key(j, "summary");
  pt_json_obj(j);
  pt_json_key(j, "root_directory");
  pt_json_str(j, w->root_abs);
  pt_json_key(j, "total_files");
  pt_json_uint(j, w->n_files + w->n_ignored);
  pt_json_key(j, "eligible_files");
  pt_json_uint(j, w->n_files);
  pt_json_key(j, "parsed_files");
  pt_json_uint(j, parsed);
  pt_json_key(j, "coverage_pct");
  pt_json_double(j, w->n_files ? 100.0 * (double)parsed / (double)w->n_files : 100.0);
  pt_json_key(j, "entity_count");
  pt_json_uint(j, pt_graph_n_entities(r->st->g));
  pt_json_key(j, "edge_count");
  pt_json_uint(j, pt_graph_n_edges(r->st->g));
  pt_json_key(j, "unparsed_files");
  pt_json_arr(j);
  for (size_t i = 0; i < w->n_files; i++) {
    if (w->files[i].size == UINT64_MAX) /* marked parsed below */
      continue;
    if (unparsed++ < 100)
      pt_json_str(j, w->files[i].path);
  }
  pt_json_arr_end(j);
  pt_json_key(j, "error_count");
  pt_json_uint(j, unparsed + w->n_errors);
  pt_json_obj_end(j);
  pt__page_counts(r, pg, n_rows);
  pt_json_key(j, "folders");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, n_rows); i++) {
    pt_json_obj(j);
    pt_json_key(j, "folder_path");
    pt_json_str(j, rows[i].key);
    pt_json_key(j, "depth");
    pt_json_uint(j, depth);
    pt_json_key(j, "total_files");
    pt_json_uint(j, rows[i].eligible);
    pt_json_key(j, "eligible_files");
    pt_json_uint(j, rows[i].eligible);
    pt_json_key(j, "parsed_files");
    pt_json_uint(j, rows[i].parsed);
    pt_json_key(j, "coverage_pct");
    pt_json_double(j, rows[i].eligible ? 100.0 * (double)rows[i].parsed /
                                           (double)rows[i].eligible : 100.0);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt__resp_end(r);
}

int pt__h_coverage(pt_req *r)
{
  uint64_t depth;
  pt_page pg;
  if (pt__req_uint(r, "depth", 2, 32, &depth) || pt__req_page(r, NULL, 100, &pg))
    return PT_EINVAL;
  const char *root = pt_graph_meta(r->st->g, "root");
  if (!root)
    return pt__resp_error(r, 500, "this index does not record its root folder");
  pt_walk_opts wo = {root, PT_INGEST_DEFAULT_MAX_FILE_SIZE, NULL, 0};
  pt_walk_result *w = NULL;
  pt_strmap indexed = PT_STRMAP_INIT, folders = PT_STRMAP_INIT;
  pt_arena keys = PT_ARENA_INIT;
  folder_row *rows = NULL;
  size_t n_rows = 0, cap = 0;
  uint64_t parsed = 0;
  int rc = pt_walk(&wo, &w);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_files(r->st->g); i++) {
    const char *p = pt_graph_files(r->st->g)[i].path;
    rc = pt_strmap_put(&indexed, p, strlen(p), i);
  }
  for (size_t i = 0; rc == 0 && i < w->n_files; i++) {
    char key[512];
    size_t klen = folder_key(w->files[i].path, depth, key, sizeof key), row;
    int is_parsed = pt_strmap_get(&indexed, w->files[i].path,
                                  strlen(w->files[i].path), NULL);
    if (!pt_strmap_get(&folders, key, klen, &row)) {
      rc = pt_array_grow((void **)&rows, &cap, n_rows + 1, sizeof *rows);
      if (rc)
        break;
      row = n_rows++;
      memset(&rows[row], 0, sizeof rows[row]);
      rows[row].key = pt_arena_strndup(&keys, key, klen);
      rc = rows[row].key ? pt_strmap_put(&folders, rows[row].key, klen, row)
                         : PT_ERR(PT_ENOMEM, "out of memory");
    }
    rows[row].eligible++;
    rows[row].parsed += is_parsed;
    parsed += is_parsed;
    if (is_parsed)
      w->files[i].size = UINT64_MAX; /* the report lists the others */
  }
  pt_strmap_fini(&folders);
  if (rc == 0) {
    if (n_rows > 1)
      qsort(rows, n_rows, sizeof *rows, cmp_row);
    write_report(r, w, rows, n_rows, depth, parsed, &pg);
  } else if (!r->body.len) {
    pt__resp_error(r, 500, "cannot walk %s: %s", root, pt_error_last()->message);
    rc = 0;
  }
  pt_free(rows);
  pt_arena_fini(&keys);
  pt_strmap_fini(&indexed);
  pt_walk_result_free(w);
  return rc;
}
