/* Private to the SQLite backend: a feed, a virtual table whose rows a save
 * gives in order from its own memory, read once by one
 * "INSERT INTO table(columns) SELECT columns FROM feed" (no binding and no
 * statement's start per row). The entity rows and the edge rows of a whole
 * save go through one each (store_sqlite_entities.c, store_sqlite_edges.c). */
#ifndef PT_STORE_SQLITE_FEED_H
#define PT_STORE_SQLITE_FEED_H

#include <stddef.h>

#include <sqlite3.h>

typedef struct pt__sqlite_feed {
  const char *name;    /* the virtual table's, e.g. "pt_edge_feed" */
  const char *columns; /* the target's columns, in the feed's order */
  const char *what;    /* for errors: "the edges" */
  size_t n_rows;       /* the rows it gives */
  void *src;           /* the caller's, passed to the functions below */
  /* Before row 0 (may be NULL); 0 or a pt error code. */
  int (*begin)(void *src);
  /* From row - 1 to row, for row 1 to n_rows (n_rows: past the last
   * row; may be NULL); 0 or a pt error code. */
  int (*next)(void *src, size_t row);
  /* Column col of row into ctx. */
  void (*column)(void *src, size_t row, sqlite3_context *ctx, int col);
} pt__sqlite_feed;

/* Every row of f into table, read once; a failure of f's functions is
 * theirs (the pt error they set), SQLite's named as at path. */
int pt__sqlite_feed_into(sqlite3 *db, const char *path, const char *table,
                         const pt__sqlite_feed *f);

#endif
