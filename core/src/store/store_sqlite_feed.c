/* A feed (store_sqlite_feed.h): an eponymous virtual table, registered for
 * one insert and dropped after it, whose cursor walks the caller's rows
 * once, in order, through the caller's functions. */
#include <string.h>

#include "pt/buf.h"
#include "pt/error.h"
#include "store_sqlite_feed.h"
#include "store_sqlite_schema.h"
#include "store_sqlite_strings.h"

typedef struct feed {
  const pt__sqlite_feed *f;
  int is_fed;      /* a cursor has begun reading */
  int failed;      /* one of f's functions failed: err is its error */
  pt_error err;
} feed;

typedef struct feed_table {
  sqlite3_vtab base; /* first, as SQLite requires */
  feed *d;
} feed_table;

typedef struct feed_cursor {
  sqlite3_vtab_cursor base; /* first */
  feed *d;
  size_t row;
} feed_cursor;

static int feed_connect(sqlite3 *db, void *aux, int argc,
                        const char *const *argv, sqlite3_vtab **out,
                        char **err)
{
  (void)argc;
  (void)argv;
  (void)err;
  feed *d = aux;
  char *sql = sqlite3_mprintf("CREATE TABLE x(%s)", d->f->columns);
  int src = sql ? sqlite3_declare_vtab(db, sql) : SQLITE_NOMEM;
  sqlite3_free(sql);
  feed_table *t = src == SQLITE_OK ? sqlite3_malloc(sizeof *t) : NULL;
  if (src == SQLITE_OK && !t)
    src = SQLITE_NOMEM;
  if (t) {
    memset(t, 0, sizeof *t);
    t->d = d;
  }
  *out = t ? &t->base : NULL;
  return src;
}

static int feed_disconnect(sqlite3_vtab *vt)
{
  sqlite3_free(vt);
  return SQLITE_OK;
}

static int feed_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
  size_t n = ((feed_table *)vt)->d->f->n_rows;
  info->estimatedCost = (double)n + 1;
  info->estimatedRows = (sqlite3_int64)n;
  return SQLITE_OK;
}

static int feed_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
  feed_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c)
    return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->d = ((feed_table *)vt)->d;
  *out = &c->base;
  return SQLITE_OK;
}

static int feed_close(sqlite3_vtab_cursor *cur)
{
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* The pt error just set as the statement's error, kept for the caller
 * (SQLite's copy of it replaces it when the statement fails). */
static int feed_failed(sqlite3_vtab_cursor *cur)
{
  feed *d = ((feed_cursor *)cur)->d;
  sqlite3_vtab *vt = cur->pVtab;
  d->failed = 1;
  d->err = *pt_error_last();
  sqlite3_free(vt->zErrMsg);
  vt->zErrMsg = sqlite3_mprintf("%s", d->err.message);
  return SQLITE_ERROR;
}

/* The rows are read once, in order. */
static int feed_filter(sqlite3_vtab_cursor *cur, int idx, const char *str,
                       int argc, sqlite3_value **argv)
{
  (void)idx;
  (void)str;
  (void)argc;
  (void)argv;
  feed_cursor *c = (feed_cursor *)cur;
  feed *d = c->d;
  if (d->is_fed) {
    PT_ERR(PT_ERROR, "saving %s: read twice", d->f->what);
    return feed_failed(cur);
  }
  d->is_fed = 1;
  c->row = 0;
  if (d->f->n_rows && d->f->begin && d->f->begin(d->f->src))
    return feed_failed(cur);
  return SQLITE_OK;
}

static int feed_next(sqlite3_vtab_cursor *cur)
{
  feed_cursor *c = (feed_cursor *)cur;
  const pt__sqlite_feed *f = c->d->f;
  if (++c->row <= f->n_rows && f->next && f->next(f->src, c->row))
    return feed_failed(cur);
  return SQLITE_OK;
}

static int feed_eof(sqlite3_vtab_cursor *cur)
{
  feed_cursor *c = (feed_cursor *)cur;
  return c->row >= c->d->f->n_rows;
}

static int feed_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx,
                       int col)
{
  feed_cursor *c = (feed_cursor *)cur;
  c->d->f->column(c->d->f->src, c->row, ctx, col);
  return SQLITE_OK;
}

static int feed_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
  *out = (sqlite3_int64)((feed_cursor *)cur)->row + 1;
  return SQLITE_OK;
}

/* Eponymous only (no xCreate): read as "FROM name", never created or
 * written. */
static const sqlite3_module feed_module = {
    .xConnect = feed_connect,
    .xBestIndex = feed_best_index,
    .xDisconnect = feed_disconnect,
    .xDestroy = feed_disconnect,
    .xOpen = feed_open,
    .xClose = feed_close,
    .xFilter = feed_filter,
    .xNext = feed_next,
    .xEof = feed_eof,
    .xColumn = feed_column,
    .xRowid = feed_rowid,
};

int pt__sqlite_feed_into(sqlite3 *db, const char *path, const char *table,
                         const pt__sqlite_feed *f)
{
  feed d;
  memset(&d, 0, sizeof d);
  d.f = f;
  sqlite3_stmt *st = NULL;
  pt_buf sql = PT_BUF_INIT;
  int src = sqlite3_create_module_v2(db, f->name, &feed_module, &d, NULL);
  int rc = src == SQLITE_OK
               ? pt_buf_printf(&sql, "INSERT INTO %s(%s) SELECT %s FROM %s",
                               table, f->columns, f->columns, f->name)
               : pt_buf_printf(&sql, "cannot feed %s", f->what);
  if (src != SQLITE_OK && rc == 0)
    rc = pt__sqlite_error(db, src, path, sql.ptr);
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path, sql.ptr, &st);
  if (rc == 0)
    rc = pt__sqlite_run(db, path, st, SQLITE_OK);
  sqlite3_finalize(st);
  pt_buf_fini(&sql);
  /* no longer fed from d, which goes */
  if (src == SQLITE_OK)
    sqlite3_create_module_v2(db, f->name, NULL, NULL, NULL);
  if (rc && d.failed) /* the feed's own failure, not SQLite's copy of it */
    rc = pt__error_set(d.err.code, d.err.file, d.err.line, "%s",
                       d.err.message);
  return rc;
}
