/* Private to the SQLite backend: the edges of schema 4, integer rows whose
 * keys and paths are ids into a table of distinct strings
 * (store_sqlite_edges.c; the tables are created by store_sqlite_schema.c). */
#ifndef PT_STORE_SQLITE_EDGES_H
#define PT_STORE_SQLITE_EDGES_H

#include "pt/sys/fs.h"
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

/* The same read on a connection and a thread of their own, beside the
 * main connection's reads of the other tables (a load, pt_store_load):
 * started once the main connection, which must hold its read transaction
 * until the join, has read (so that no commit can come before the join);
 * seen is the file's stat from before that read. The thread's connection
 * reads only when the file at path is still that one, unchanged, of the
 * same schema version and not in WAL mode: then its snapshot is the main
 * connection's. It may start before the main connection reads the
 * strings into s: it reads s only once given them. */
typedef struct pt__sqlite_edges_apart pt__sqlite_edges_apart;
int pt__sqlite_edges_apart_start(const char *path, const pt_fs_stat *seen,
                                 int version, const pt__sqlite_strings *s,
                                 pt__sqlite_edges_apart **out);
/* The strings are in s (is_in 1), or will never be (0: the load failed
 * before them); the join gives them if this did not. */
void pt__sqlite_edges_apart_give_strings(pt__sqlite_edges_apart *a,
                                         int is_in);
/* Waits for the thread and adds its edges to g as pt__sqlite_read_edges
 * would (the same edges in the same order, the same errors); when it read
 * nothing, reads them on db, the main connection. Frees a. */
int pt__sqlite_edges_apart_join(pt__sqlite_edges_apart *a, sqlite3 *db,
                                const char *path, pt_graph *g);
/* Waits for the thread and frees a, adding nothing (NULL: nothing). */
void pt__sqlite_edges_apart_drop(pt__sqlite_edges_apart *a);
/* For tests: 1 when the last join took the thread's edges, 0 when it
 * read them on the main connection (the thread read nothing). */
int pt__sqlite_last_edges_apart(void);
/* For tests: how many of the rows the last join took were read before
 * the strings were in (raw) and made whole after. */
size_t pt__sqlite_last_edges_raw(void);
/* For tests: on (1), each load's strings are given to its edges' thread
 * only once it has read its rows, so that every row is read raw. */
void pt__sqlite_edges_apart_hold_strings(int on);

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
