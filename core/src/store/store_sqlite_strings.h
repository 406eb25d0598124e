/* Private to the SQLite backend: the `strings` table, which holds each
 * distinct key, name and path the entity and edge rows name by id
 * (store_sqlite_strings.c). A save gives ids 1, 2, 3, ... in order of
 * first use; a load interns each string once and hands out the graph's
 * copy by id. */
#ifndef PT_STORE_SQLITE_STRINGS_H
#define PT_STORE_SQLITE_STRINGS_H

#include <stdint.h>
#include <string.h>

#include "pt/ptrmap.h"
#include "store_sqlite_schema.h"

/* Rows of `strings` written in one statement (a statement's start costs
 * as much as a row). */
#define PT__SQLITE_STRINGS_AT_ONCE 32

/* The ids of a whole save. */
typedef struct pt__sqlite_ids {
  sqlite3 *db;       /* borrowed */
  const char *path;  /* borrowed */
  pt_ptrmap map;     /* interned string -> id */
  sqlite3_stmt *put; /* owned: INSERT INTO strings, one row */
  sqlite3_stmt *put_many; /* owned: the same, PT__SQLITE_STRINGS_AT_ONCE */
  /* rows not written yet: ids first_pending, first_pending + 1, ... for
   * these strings (borrowed: the graph's) */
  int64_t first_pending;
  const char *pending[PT__SQLITE_STRINGS_AT_ONCE];
  int n_pending;
} pt__sqlite_ids;

/* Prepares the insert into the empty `strings` table, with room for
 * about n strings. */
int pt__sqlite_ids_init(pt__sqlite_ids *t, sqlite3 *db, const char *path,
                        size_t n);
void pt__sqlite_ids_fini(pt__sqlite_ids *t);
/* The id of s (interned in the graph's pool, so equal text is an equal
 * pointer), writing s into `strings` the first time; 0 for NULL.
 * *is_new (may be NULL) says whether this call gave the id. */
int pt__sqlite_id_of(pt__sqlite_ids *t, const char *s, int64_t *out,
                     int *is_new);
/* The same in two steps, for a thread that gives ids while another
 * writes: the id of s, *is_new when this call gave it (no SQL), and the
 * row of `strings` for an id given so (SQL only). */
int pt__sqlite_id_only(pt__sqlite_ids *t, const char *s, int64_t *out,
                       int *is_new);
int pt__sqlite_put_string(pt__sqlite_ids *t, int64_t id, const char *s);
/* Rows of `strings` are written a few at a time, in the order of their
 * ids (which put_string and id_of give one after another): this writes
 * what is pending, before the table is read or indexed. */
int pt__sqlite_ids_flush(pt__sqlite_ids *t);

/* The strings of a file being loaded, interned in the graph. */
typedef struct pt__sqlite_strings {
  const char **v; /* owned array; the strings are the graph's */
  size_t n, cap;
} pt__sqlite_strings;

/* Reads and interns every row of `strings` (ids 1, 2, 3, ... in order,
 * else PT_EINVAL naming strings.id). */
int pt__sqlite_read_strings(sqlite3 *db, const char *path, pt_graph *g,
                            pt__sqlite_strings *out);
void pt__sqlite_strings_fini(pt__sqlite_strings *s);

/* A row handed to a reader by pt__sqlite_each_row: its values, and what
 * names them in errors. */
typedef struct pt__sqlite_row {
  sqlite3_value **v;         /* borrowed: the row's values, n of them */
  int n;
  const char *path, *table;  /* borrowed */
  const char *const *names;  /* borrowed: the columns as selected */
} pt__sqlite_row;

/* PT_EINVAL "<path>: <table>.<column>: <what>". */
int pt__sqlite_row_bad(const pt__sqlite_row *r, int col, const char *what);

/* PT_ENOMEM "<path>: out of memory reading <table>". */
int pt__sqlite_row_nomem(const pt__sqlite_row *r);

/* Value col of a row (errors name table.names[col]; inline, since a load
 * reads every value of every row through them): as an integer from min to
 * max (pt__sqlite_row_int); as the string its id names, required or NULL
 * for SQL NULL (pt__sqlite_row_string); as text read in place as a blob
 * (no copy to end it with a NUL), valid until the row's reader returns: NULL
 * for SQL NULL, else *out and its length *len, a NUL among its bytes ending
 * it (pt__sqlite_row_text). PT_EINVAL naming
 * table.column when the value is not that. */
static inline int pt__sqlite_row_int(const pt__sqlite_row *r, int col,
                                     int64_t min, int64_t max, int64_t *out)
{
  sqlite3_value *v = r->v[col];
  if (sqlite3_value_type(v) != SQLITE_INTEGER)
    return pt__sqlite_row_bad(r, col, "not an integer");
  *out = sqlite3_value_int64(v);
  if (*out < min || *out > max)
    return pt__sqlite_row_bad(r, col, "out of range");
  return 0;
}

static inline int pt__sqlite_row_string(const pt__sqlite_row *r,
                                        const pt__sqlite_strings *s, int col,
                                        int is_required, const char **out)
{
  sqlite3_value *v = r->v[col];
  int type = sqlite3_value_type(v);
  int64_t id = type == SQLITE_INTEGER ? sqlite3_value_int64(v) : 0;
  *out = NULL;
  if (!is_required && type == SQLITE_NULL)
    return 0;
  if (type != SQLITE_INTEGER)
    return pt__sqlite_row_bad(r, col, "not an integer");
  if (id < 1 || id > (int64_t)s->n)
    return pt__sqlite_row_bad(r, col, "out of range");
  *out = s->v[id - 1];
  return 0;
}

static inline int pt__sqlite_row_text(const pt__sqlite_row *r, int col,
                                      const char **out, size_t *len)
{
  sqlite3_value *v = r->v[col];
  *out = NULL;
  *len = 0;
  if (sqlite3_value_type(v) == SQLITE_NULL)
    return 0;
  const char *p = sqlite3_value_blob(v);
  size_t n = (size_t)sqlite3_value_bytes(v);
  if (!p && n)
    return pt__sqlite_row_nomem(r);
  const char *nul = n ? memchr(p, 0, n) : NULL;
  *out = p ? p : "";
  *len = nul ? (size_t)(nul - p) : n;
  return 0;
}

/* Calls read(row, payload) for each row of table, in the order of the
 * columns `order` ("rowid", or a table WITHOUT ROWID's key), with
 * the n values cols[0] to cols[n - 1] (SQL expressions over the row,
 * which name them in errors), stopping at its first failure, which it
 * returns. The rows come through a SQL function called from the WHERE
 * clause of one statement, stepped once: each value is read straight
 * from its register, where reading it through the statement
 * (sqlite3_column_value, then its type and number) was three calls into
 * SQLite with their checks for each column of each row, and the
 * statement does not return to the caller between rows. */
int pt__sqlite_each_row(sqlite3 *db, const char *path, const char *table,
                        const char *const *cols, int n, const char *order,
                        int (*read)(const pt__sqlite_row *row, void *payload),
                        void *payload);

/* Prepares sql, PT_E* naming it on failure. */
int pt__sqlite_prepare(sqlite3 *db, const char *path, const char *sql,
                       sqlite3_stmt **st);
/* Steps a statement that returns no row (src: the result of its binds),
 * and resets it. */
int pt__sqlite_run(sqlite3 *db, const char *path, sqlite3_stmt *st, int src);

/* A re-run's strings: s added to `strings` when missing (ids stay dense:
 * an insert that is ignored takes none); *add is prepared on first use
 * (the caller finalizes it). Nothing for NULL. */
int pt__sqlite_add_string(sqlite3 *db, const char *path, sqlite3_stmt **add,
                          const char *s);
/* SQL for the id of the string bound to parameter n. */
#define PT__SQLITE_ID_OF(n) "(SELECT id FROM strings WHERE text = ?" #n ")"

#endif
