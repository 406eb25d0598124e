/* The `strings` table of the SQLite backend (store_sqlite_strings.h):
 * entity and edge rows name their keys, names and paths by id, each
 * distinct string stored once, so a load interns it once and reads
 * integers; and the column checks the row readers share. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
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
  pt_buf many = PT_BUF_INIT;
  int rc = pt_ptrmap_reserve(&t->map, n + 16);
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path,
                            "INSERT INTO strings(id, text) VALUES(?,?)",
                            &t->put);
  if (rc == 0)
    rc = pt_buf_puts(&many, "INSERT INTO strings(id, text) VALUES(?,?)");
  for (int i = 1; rc == 0 && i < PT__SQLITE_STRINGS_AT_ONCE; i++)
    rc = pt_buf_puts(&many, ",(?,?)");
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path, many.ptr, &t->put_many);
  pt_buf_fini(&many);
  return rc;
}

void pt__sqlite_ids_fini(pt__sqlite_ids *t)
{
  sqlite3_finalize(t->put);
  sqlite3_finalize(t->put_many);
  pt_ptrmap_fini(&t->map);
  memset(t, 0, sizeof *t);
}

int pt__sqlite_id_only(pt__sqlite_ids *t, const char *s, int64_t *out,
                       int *is_new)
{
  size_t id = 0, n = t->map.n;
  int rc = s ? pt_ptrmap_put_new(&t->map, s, n + 1, &id) : 0;
  *out = (int64_t)id;
  *is_new = s && rc == 0 && t->map.n > n;
  return rc;
}

/* Parameters 2k + 1 and 2k + 2 of st: the id and text of row k. */
static int bind_string(sqlite3_stmt *st, int k, int64_t id, const char *s)
{
  int src = sqlite3_bind_int64(st, 2 * k + 1, id);
  return src == SQLITE_OK
             ? sqlite3_bind_text(st, 2 * k + 2, s, -1, SQLITE_STATIC)
             : src;
}

int pt__sqlite_ids_flush(pt__sqlite_ids *t)
{
  int rc = 0, n = t->n_pending;
  t->n_pending = 0;
  if (n == PT__SQLITE_STRINGS_AT_ONCE) {
    int src = SQLITE_OK;
    for (int k = 0; src == SQLITE_OK && k < n; k++)
      src = bind_string(t->put_many, k, t->first_pending + k, t->pending[k]);
    return pt__sqlite_run(t->db, t->path, t->put_many, src);
  }
  for (int k = 0; rc == 0 && k < n; k++)
    rc = pt__sqlite_run(t->db, t->path, t->put,
                        bind_string(t->put, 0, t->first_pending + k,
                                    t->pending[k]));
  return rc;
}

int pt__sqlite_put_string(pt__sqlite_ids *t, int64_t id, const char *s)
{
  int rc = 0;
  if (t->n_pending && id != t->first_pending + t->n_pending)
    rc = pt__sqlite_ids_flush(t);
  if (rc == 0 && !t->n_pending)
    t->first_pending = id;
  if (rc == 0)
    t->pending[t->n_pending++] = s;
  if (rc == 0 && t->n_pending == PT__SQLITE_STRINGS_AT_ONCE)
    rc = pt__sqlite_ids_flush(t);
  return rc;
}

int pt__sqlite_id_of(pt__sqlite_ids *t, const char *s, int64_t *out,
                     int *is_new)
{
  int made = 0;
  int rc = pt__sqlite_id_only(t, s, out, &made);
  if (rc == 0 && made)
    rc = pt__sqlite_put_string(t, *out, s);
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

/* Ids are 1, 2, 3, ... in order: saves and re-runs never leave a gap. The
 * table holds each string once (its unique index), so each is looked up
 * in the pool once, whatever number of rows name it: copied into the pool
 * in the order of the rows, then interned all at once. */
typedef struct strings_reader {
  pt_graph *g;
  pt__sqlite_strings *out;
  size_t *len, len_cap; /* owned: the copies' lengths */
} strings_reader;

/* One row: id, text. */
static int read_string(const pt__sqlite_row *row, void *payload)
{
  strings_reader *r = payload;
  pt__sqlite_strings *out = r->out;
  int64_t id = 0;
  const char *s = NULL;
  size_t n = 0;
  if (sqlite3_value_type(row->v[0]) == SQLITE_INTEGER)
    id = sqlite3_value_int64(row->v[0]);
  if (id != (int64_t)out->n + 1)
    return pt__sqlite_row_bad(row, 0, "ids not 1, 2, 3, ... in order");
  int rc = pt__sqlite_row_text(row, 1, &s, &n);
  if (rc == 0 && !s)
    rc = pt__sqlite_row_bad(row, 1, "NULL");
  else if (rc == 0 && !(s = pt_graph_copy_text(r->g, s, n)))
    rc = PT_ERR(PT_ENOMEM, "out of memory reading strings");
  if (rc == 0 && (pt_array_grow((void **)&out->v, &out->cap, out->n + 1,
                                sizeof *out->v) ||
                  pt_array_grow((void **)&r->len, &r->len_cap, out->n + 1,
                                sizeof *r->len)))
    rc = PT_ERR(PT_ENOMEM, "out of memory reading strings");
  if (rc == 0) {
    r->len[out->n] = n;
    out->v[out->n++] = s;
  }
  return rc;
}

int pt__sqlite_read_strings(sqlite3 *db, const char *path, pt_graph *g,
                            pt__sqlite_strings *out)
{
  static const char *const cols[] = {"id", "text"};
  strings_reader r = {g, out, NULL, 0};
  int rc = pt__sqlite_each_row(db, path, "strings", cols, 2, "rowid",
                               read_string, &r);
  if (rc == 0)
    rc = pt_graph_intern_copies(g, out->v, r.len, out->n);
  pt_free(r.len);
  return rc;
}

void pt__sqlite_strings_fini(pt__sqlite_strings *s)
{
  pt_free(s->v);
  memset(s, 0, sizeof *s);
}

/* ---- rows through a function ---------------------------------------------- */

int pt__sqlite_row_bad(const pt__sqlite_row *r, int col, const char *what)
{
  return PT_ERR(PT_EINVAL, "%s: %s.%s: %s", r->path, r->table, r->names[col],
                what);
}

int pt__sqlite_row_nomem(const pt__sqlite_row *r)
{
  return PT_ERR(PT_ENOMEM, "%s: out of memory reading %s", r->path, r->table);
}

typedef struct row_fn {
  pt__sqlite_row row;
  int (*read)(const pt__sqlite_row *row, void *payload);
  void *payload;
  int rc;       /* the first failure, its error in err */
  pt_error err;
} row_fn;

static void call_read(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  row_fn *f = sqlite3_user_data(ctx);
  f->row.v = argv;
  int rc = argc == f->row.n ? f->read(&f->row, f->payload)
           : PT_ERR(PT_ERROR, "%s: reading %s: %d values of %d", f->row.path,
                    f->row.table, argc, f->row.n);
  f->row.v = NULL;
  if (rc == 0) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  f->rc = rc;
  f->err = *pt_error_last();
  sqlite3_result_error(ctx, f->err.message, -1);
}

#define ROW_FN "pt_read_row"

int pt__sqlite_each_row(sqlite3 *db, const char *path, const char *table,
                        const char *const *cols, int n, const char *order,
                        int (*read)(const pt__sqlite_row *row, void *payload),
                        void *payload)
{
  row_fn f = {{NULL, n, path, table, cols}, read, payload, 0, {0}};
  sqlite3_stmt *st = NULL;
  pt_buf sql = PT_BUF_INIT;
  int rc = pt_buf_printf(&sql, "SELECT 1 FROM %s WHERE " ROW_FN "(", table);
  for (int i = 0; rc == 0 && i < n; i++)
    rc = pt_buf_printf(&sql, "%s%s", i ? ", " : "", cols[i]);
  if (rc == 0)
    rc = pt_buf_printf(&sql, ") ORDER BY %s", order);
  int src = rc ? SQLITE_OK
               : sqlite3_create_function_v2(db, ROW_FN, n,
                                            SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                            &f, call_read, NULL, NULL, NULL);
  if (rc == 0 && src != SQLITE_OK)
    rc = pt__sqlite_error(db, src, path, "cannot read the rows");
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path, sql.ptr, &st);
  while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW)
    ; /* never: the function is 0 for every row */
  if (rc == 0 && f.rc) /* ours, not SQLite's copy of it */
    rc = pt__error_set(f.err.code, f.err.file, f.err.line, "%s",
                       f.err.message);
  else if (rc == 0 && src != SQLITE_DONE)
    rc = pt__sqlite_error(db, src, path, table);
  sqlite3_finalize(st);
  /* f goes: the connection no longer calls into it */
  sqlite3_create_function_v2(db, ROW_FN, n, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                             NULL, NULL, NULL, NULL, NULL);
  pt_buf_fini(&sql);
  return rc;
}
