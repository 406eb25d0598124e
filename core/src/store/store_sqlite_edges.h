/* Private to the SQLite backend: the edges of schema 4, integer rows whose
 * keys and paths are ids into a table of distinct strings
 * (store_sqlite_edges.c; the tables are created by store_sqlite_schema.c). */
#ifndef PT_STORE_SQLITE_EDGES_H
#define PT_STORE_SQLITE_EDGES_H

#include "store_sqlite_strings.h"

/* Into the empty tables of a new file, inside the caller's transaction:
 * the names of the edge types and resolutions, every string the finished
 * graph g's edges name that t has no id for yet (the next ids, in order
 * of first use), and every edge in g's order. */
int pt__sqlite_write_edges(pt__sqlite_ids *t, const pt_graph *g);

/* Adds every edge of the file (of schema `version`, 4 or later: 4 has no
 * candidates) to g, in stored order, without finishing it; s is the
 * file's strings, read into g. PT_EINVAL naming the table and column for
 * an id out of range, an unknown type or resolution, or a malformed
 * candidate list. */
int pt__sqlite_read_edges(sqlite3 *db, const char *path, int version,
                          const pt__sqlite_strings *s, pt_graph *g);

/* Statements for one edge at a time, prepared on first use. */
typedef struct pt__sqlite_edge_writer {
  sqlite3_stmt *add, *ins, *del, *id; /* owned */
} pt__sqlite_edge_writer;

/* Inserts e, adding the strings it names that the file lacks. */
int pt__sqlite_edge_insert(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e);
/* Deletes the row of e's from key, to key and type. */
int pt__sqlite_edge_delete(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e);
void pt__sqlite_edge_writer_fini(pt__sqlite_edge_writer *w);

#endif
