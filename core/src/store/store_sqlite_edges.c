/* The edges of the SQLite backend from schema 4 on (store_sqlite_edges.h):
 * rows of integers in `edge_rows`, naming their keys and paths by id in
 * `strings`, which holds each distinct one once. A load looks each string
 * up once instead of once per edge, and reads numbers instead of text; the
 * view `edges` shows the rows as schema 3's table did (docs/storage.md). */
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "store_sqlite_edges.h"


/* ---- a whole save -------------------------------------------------------- */

/* Column candidates: NULL, or their count and the ids of their keys,
 * separated by spaces ("3 17 42 99"). */
static int bind_candidates(sqlite3_stmt *st, int col, const pt_buf *text)
{
  return text->len ? sqlite3_bind_text(st, col, text->ptr, (int)text->len,
                                       SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, col);
}

/* Columns 3 and 5 to 8 of both edge inserts (type, line, resolved,
 * resolution, candidates); 1, 2 and 4 name strings, by id or by text. */
static int bind_edge_values(sqlite3_stmt *st, const pt_edge *e,
                            const pt_buf *cand)
{
  int src = sqlite3_bind_int(st, 3, (int)e->type);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 5, e->line);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 6, e->resolved ? 1 : 0);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 7, (int)e->resolution);
  if (src == SQLITE_OK) src = bind_candidates(st, 8, cand);
  return src;
}

static int put_edge(pt__sqlite_ids *t, sqlite3_stmt *st, const pt_edge *e)
{
  int64_t from, to, file, key;
  pt_buf cand = PT_BUF_INIT;
  const pt_candidates *c = e->candidates;
  int rc = pt__sqlite_id_of(t, e->from_key, &from, NULL);
  if (rc == 0) rc = pt__sqlite_id_of(t, e->to_key, &to, NULL);
  if (rc == 0) rc = pt__sqlite_id_of(t, e->file_path, &file, NULL);
  if (rc == 0 && c)
    rc = pt_buf_printf(&cand, "%u", c->n);
  for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++) {
    rc = pt__sqlite_id_of(t, c->keys[k], &key, NULL);
    if (rc == 0)
      rc = pt_buf_printf(&cand, " %lld", (long long)key);
  }
  if (rc) {
    pt_buf_fini(&cand);
    return rc;
  }
  int src = sqlite3_bind_int64(st, 1, from);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 2, to);
  if (src == SQLITE_OK)
    src = file ? sqlite3_bind_int64(st, 4, file) : sqlite3_bind_null(st, 4);
  if (src == SQLITE_OK) src = bind_edge_values(st, e, &cand);
  rc = pt__sqlite_run(t->db, t->path, st, src);
  pt_buf_fini(&cand);
  return rc;
}

/* The names behind the numbers, for the view and for people. */
static int put_names(sqlite3 *db, const char *path)
{
  sqlite3_stmt *ty = NULL, *res = NULL;
  int rc = pt__sqlite_prepare(db, path, "INSERT INTO edge_types(id, name)"
                              " VALUES(?,?)", &ty);
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path, "INSERT INTO resolutions(id, name,"
                            " confidence) VALUES(?,?,?)", &res);
  for (int i = 0; rc == 0 && i < PT_EDGE__COUNT; i++) {
    int src = sqlite3_bind_int(ty, 1, i);
    if (src == SQLITE_OK)
      src = sqlite3_bind_text(ty, 2, pt_edge_type_name((pt_edge_type)i), -1,
                              SQLITE_STATIC);
    rc = pt__sqlite_run(db, path, ty, src);
  }
  for (int i = 0; rc == 0 && i < PT_RES__COUNT; i++) {
    int src = sqlite3_bind_int(res, 1, i);
    if (src == SQLITE_OK)
      src = sqlite3_bind_text(res, 2, pt_resolution_name((pt_resolution)i),
                              -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
      src = sqlite3_bind_int(res, 3,
                             (int)pt_resolution_confidence((pt_resolution)i));
    rc = pt__sqlite_run(db, path, res, src);
  }
  sqlite3_finalize(ty);
  sqlite3_finalize(res);
  return rc;
}

int pt__sqlite_write_edges(pt__sqlite_ids *t, const pt_graph *g)
{
  sqlite3_stmt *st = NULL;
  const pt_edge *e = pt_graph_edges(g);
  size_t n = pt_graph_n_edges(g);
  int rc = put_names(t->db, t->path);
  if (rc == 0)
    rc = pt__sqlite_prepare(t->db, t->path, "INSERT INTO edge_rows(from_id,"
                            " to_id, type, file_id, line, resolved,"
                            " resolution, candidates) VALUES(?,?,?,?,?,?,?,?)",
                            &st);
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = put_edge(t, st, &e[i]);
  sqlite3_finalize(st);
  return rc;
}

/* ---- one edge at a time (a re-run's changes) ------------------------------ */

/* A string an edge needs is added when it is not there yet; strings no
 * edge needs any more stay until the next whole save (the ids stay dense:
 * an ignored insert takes no id). */
#define ID_OF PT__SQLITE_ID_OF
static const char insert_sql[] =
    "INSERT INTO edge_rows(from_id, to_id, type, file_id, line, resolved,"
    " resolution, candidates) VALUES(" ID_OF(1) "," ID_OF(2) ",?3," ID_OF(4)
    ",?5,?6,?7,?8)";
static const char id_sql[] = "SELECT id FROM strings WHERE text = ?";
static const char delete_sql[] =
    "DELETE FROM edge_rows WHERE from_id = " ID_OF(1) " AND to_id = "
    ID_OF(2) " AND type = ?3";

void pt__sqlite_edge_writer_fini(pt__sqlite_edge_writer *w)
{
  sqlite3_finalize(w->add);
  sqlite3_finalize(w->ins);
  sqlite3_finalize(w->del);
  sqlite3_finalize(w->id);
  memset(w, 0, sizeof *w);
}

/* The candidates column of e (as put_edge writes it), adding their keys
 * to strings when missing. */
static int candidates_text(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_candidates *c,
                           pt_buf *out)
{
  int rc = c && !w->id ? pt__sqlite_prepare(db, path, id_sql, &w->id) : 0;
  if (rc == 0 && c)
    rc = pt_buf_printf(out, "%u", c->n);
  for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++) {
    rc = pt__sqlite_add_string(db, path, &w->add, c->keys[k]);
    int src = rc ? SQLITE_OK : sqlite3_bind_text(w->id, 1, c->keys[k], -1,
                                                 SQLITE_STATIC);
    if (rc == 0 && src == SQLITE_OK)
      src = sqlite3_step(w->id);
    if (rc == 0 && src == SQLITE_ROW)
      rc = pt_buf_printf(out, " %lld",
                         (long long)sqlite3_column_int64(w->id, 0));
    else if (rc == 0)
      rc = pt__sqlite_error(db, src, path, id_sql);
    sqlite3_reset(w->id);
  }
  return rc;
}

int pt__sqlite_edge_insert(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e)
{
  pt_buf cand = PT_BUF_INIT;
  int rc = w->ins ? 0 : pt__sqlite_prepare(db, path, insert_sql, &w->ins);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->from_key);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->to_key);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->file_path);
  if (rc == 0) rc = candidates_text(db, path, w, e->candidates, &cand);
  if (rc) {
    pt_buf_fini(&cand);
    return rc;
  }
  sqlite3_stmt *st = w->ins;
  int src = sqlite3_bind_text(st, 1, e->from_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, e->to_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = e->file_path
              ? sqlite3_bind_text(st, 4, e->file_path, -1, SQLITE_STATIC)
              : sqlite3_bind_null(st, 4);
  if (src == SQLITE_OK) src = bind_edge_values(st, e, &cand);
  rc = pt__sqlite_run(db, path, st, src);
  pt_buf_fini(&cand);
  return rc;
}

int pt__sqlite_edge_delete(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e)
{
  int rc = w->del ? 0 : pt__sqlite_prepare(db, path, delete_sql, &w->del);
  if (rc)
    return rc;
  sqlite3_stmt *st = w->del;
  int src = sqlite3_bind_text(st, 1, e->from_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, e->to_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 3, (int)e->type);
  return pt__sqlite_run(db, path, st, src);
}

/* ---- load ---------------------------------------------------------------- */

#define EDGES "edge_rows"

/* Column col as put_edge wrote it: NULL, or "n id id ..." (the ids of
 * 1 to PT_CANDIDATES_MAX keys, n at least as many). */
static int get_candidates(sqlite3_stmt *st, const char *path,
                          const pt__sqlite_strings *s, int col, pt_graph *g,
                          const pt_candidates **out)
{
  const char *keys[PT_CANDIDATES_MAX];
  uint64_t v[PT_CANDIDATES_MAX + 1];
  uint32_t n = 0;
  const char *p = NULL;
  size_t len = 0;
  int rc = pt__sqlite_text_at(st, path, EDGES, col, &p, &len);
  *out = NULL;
  if (rc || !p)
    return rc;
  const char *end = p + len;
  while (p < end) {
    uint64_t x = 0;
    int digits = 0;
    for (; p < end && *p >= '0' && *p <= '9' && x < UINT32_MAX;
         p++, digits++)
      x = x * 10 + (uint64_t)(*p - '0');
    if (!digits || n > PT_CANDIDATES_MAX || (p < end && *p++ != ' '))
      return pt__sqlite_bad_column(st, path, EDGES, col,
                                   "not a candidate list");
    v[n++] = x;
  }
  if (n < 2 || v[0] < n - 1 || v[0] > UINT32_MAX)
    return pt__sqlite_bad_column(st, path, EDGES, col, "not a candidate list");
  for (uint32_t k = 1; k < n; k++) {
    if (v[k] < 1 || v[k] > s->n)
      return pt__sqlite_bad_column(st, path, EDGES, col,
                                   "candidate id out of range");
    keys[k - 1] = s->v[v[k] - 1];
  }
  return pt_graph_intern_candidates_interned(g, (uint32_t)v[0], keys, n - 1,
                                             out);
}

static int read_row(sqlite3_stmt *st, const char *path,
                    const pt__sqlite_strings *s, pt_graph *g)
{
  pt_edge e;
  int64_t type = 0, line = 0, resolved = 0, how = 0;
  memset(&e, 0, sizeof e);
  int rc = pt__sqlite_string_at(st, path, EDGES, s, 0, 1, &e.from_key);
  if (rc == 0) rc = pt__sqlite_string_at(st, path, EDGES, s, 1, 1, &e.to_key);
  if (rc == 0)
    rc = pt__sqlite_int_at(st, path, EDGES, 2, 0, PT_EDGE__COUNT - 1, &type);
  if (rc == 0)
    rc = pt__sqlite_string_at(st, path, EDGES, s, 3, 0, &e.file_path);
  if (rc == 0) rc = pt__sqlite_int_at(st, path, EDGES, 4, 0, UINT32_MAX, &line);
  if (rc == 0) rc = pt__sqlite_int_at(st, path, EDGES, 5, 0, 1, &resolved);
  if (rc == 0)
    rc = pt__sqlite_int_at(st, path, EDGES, 6, 0, PT_RES__COUNT - 1, &how);
  if (rc == 0 && sqlite3_column_count(st) > 7)
    rc = get_candidates(st, path, s, 7, g, &e.candidates);
  e.type = (pt_edge_type)type;
  e.line = (uint32_t)line;
  e.resolved = (int)resolved;
  e.resolution = (pt_resolution)how;
  return rc ? rc : pt_graph_add_edge_interned(g, &e, 1);
}

int pt__sqlite_read_edges(sqlite3 *db, const char *path, int version,
                          const pt__sqlite_strings *s, pt_graph *g)
{
  sqlite3_stmt *st = NULL;
  int src = SQLITE_OK;
  int rc = pt__sqlite_prepare(db, path, version >= 5
                 ? "SELECT from_id, to_id, type, file_id, line, resolved,"
                   " resolution, candidates FROM edge_rows ORDER BY rowid"
                 : "SELECT from_id, to_id, type, file_id, line,"
                   " resolved, resolution FROM edge_rows ORDER BY rowid", &st);
  while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW)
    rc = read_row(st, path, s, g);
  if (rc == 0 && src != SQLITE_DONE)
    rc = pt__sqlite_error(db, src, path, EDGES);
  sqlite3_finalize(st);
  return rc;
}
