/* The `strings` table of the SQLite backend (store_sqlite_strings.h):
 * entity and edge rows name their keys, names and paths by id, each
 * distinct string stored once, so a load interns it once and reads
 * integers; and the column checks the row readers share. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "store_sqlite_strings.h"

int pt__sqlite_prepare(sqlite3 *db, const char *path, const char *sql,
                       sqlite3_stmt **st)
{
  int src = sqlite3_prepare_v2(db, sql, -1, st, NULL);
  return src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path, sql);
}

int pt__sqlite_run(sqlite3 *db, const char *path, sqlite3_stmt *st, int src)
{
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  sqlite3_reset(st);
  return src == SQLITE_DONE ? 0 : pt__sqlite_error(db, src, path,
                                                   sqlite3_sql(st));
}

/* ---- a whole save -------------------------------------------------------- */

int pt__sqlite_ids_init(pt__sqlite_ids *t, sqlite3 *db, const char *path,
                        size_t n)
{
  memset(t, 0, sizeof *t);
  t->db = db;
  t->path = path;
  int rc = pt_ptrmap_reserve(&t->map, n + 16);
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path,
                            "INSERT INTO strings(id, text) VALUES(?,?)",
                            &t->put);
  return rc;
}

void pt__sqlite_ids_fini(pt__sqlite_ids *t)
{
  sqlite3_finalize(t->put);
  pt_ptrmap_fini(&t->map);
  memset(t, 0, sizeof *t);
}

int pt__sqlite_id_of(pt__sqlite_ids *t, const char *s, int64_t *out,
                     int *is_new)
{
  size_t id = 0, n = t->map.n;
  int rc = s ? pt_ptrmap_put_new(&t->map, s, n + 1, &id) : 0;
  int made = s && rc == 0 && t->map.n > n;
  if (made) {
    int src = sqlite3_bind_int64(t->put, 1, (int64_t)id);
    if (src == SQLITE_OK)
      src = sqlite3_bind_text(t->put, 2, s, -1, SQLITE_STATIC);
    rc = pt__sqlite_run(t->db, t->path, t->put, src);
  }
  *out = (int64_t)id;
  if (is_new)
    *is_new = made;
  return rc;
}

/* ---- one string at a time (a re-run's changes) ---------------------------- */

int pt__sqlite_add_string(sqlite3 *db, const char *path, sqlite3_stmt **add,
                          const char *s)
{
  int rc = *add ? 0 : pt__sqlite_prepare(db, path, "INSERT OR IGNORE INTO"
                                         " strings(text) VALUES(?)", add);
  if (rc || !s)
    return rc;
  return pt__sqlite_run(db, path, *add,
                        sqlite3_bind_text(*add, 1, s, -1, SQLITE_STATIC));
}

/* ---- load ---------------------------------------------------------------- */

int pt__sqlite_bad_column(sqlite3_stmt *st, const char *path,
                          const char *table, int col, const char *what)
{
  return PT_ERR(PT_EINVAL, "%s: %s.%s: %s", path, table,
                sqlite3_column_name(st, col), what);
}

/* Ids are 1, 2, 3, ... in order: saves and re-runs never leave a gap. The
 * table holds each string once (its unique index), so each is looked up
 * in the pool once, whatever number of rows name it. */
int pt__sqlite_read_strings(sqlite3 *db, const char *path, pt_graph *g,
                            pt__sqlite_strings *out)
{
  sqlite3_stmt *st = NULL;
  int src = SQLITE_OK;
  int rc = pt__sqlite_prepare(db, path,
                              "SELECT id, text FROM strings ORDER BY id", &st);
  while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) != SQLITE_INTEGER ||
        sqlite3_column_int64(st, 0) != (int64_t)out->n + 1) {
      rc = pt__sqlite_bad_column(st, path, "strings", 0,
                                 "ids not 1, 2, 3, ... in order");
      break;
    }
    const char *s = (const char *)sqlite3_column_text(st, 1);
    if (!s && sqlite3_column_type(st, 1) != SQLITE_NULL)
      rc = PT_ERR(PT_ENOMEM, "%s: out of memory reading strings", path);
    else if (!s)
      rc = pt__sqlite_bad_column(st, path, "strings", 1, "NULL");
    else if (!(s = pt_graph_intern(g, s)))
      rc = PT_ERR(PT_ENOMEM, "out of memory interning a string");
    if (rc == 0 && pt_array_grow((void **)&out->v, &out->cap, out->n + 1,
                                 sizeof *out->v))
      rc = PT_ERR(PT_ENOMEM, "out of memory reading strings");
    if (rc == 0)
      out->v[out->n++] = s;
  }
  if (rc == 0 && src != SQLITE_DONE)
    rc = pt__sqlite_error(db, src, path, "strings");
  sqlite3_finalize(st);
  return rc;
}

void pt__sqlite_strings_fini(pt__sqlite_strings *s)
{
  pt_free(s->v);
  memset(s, 0, sizeof *s);
}

int pt__sqlite_int_at(sqlite3_stmt *st, const char *path, const char *table,
                      int col, int64_t min, int64_t max, int64_t *out)
{
  /* column_type first: it is undefined after a conversion */
  if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
    return pt__sqlite_bad_column(st, path, table, col, "not an integer");
  *out = sqlite3_column_int64(st, col);
  if (*out < min || *out > max)
    return pt__sqlite_bad_column(st, path, table, col, "out of range");
  return 0;
}

int pt__sqlite_string_at(sqlite3_stmt *st, const char *path,
                         const char *table, const pt__sqlite_strings *s,
                         int col, int is_required, const char **out)
{
  int64_t id = 0;
  *out = NULL;
  if (!is_required && sqlite3_column_type(st, col) == SQLITE_NULL)
    return 0;
  int rc = pt__sqlite_int_at(st, path, table, col, 1, (int64_t)s->n, &id);
  if (rc == 0)
    *out = s->v[id - 1];
  return rc;
}
