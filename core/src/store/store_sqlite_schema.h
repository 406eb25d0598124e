/* Private to the SQLite backend (store_sqlite.c): the table layout, and
 * writing a graph into it or reading one back (store_sqlite_schema.c). */
#ifndef PT_STORE_SQLITE_SCHEMA_H
#define PT_STORE_SQLITE_SCHEMA_H

#include <sqlite3.h>

#include "pt/graph.h"
#include "pt/store.h"
#include "pt/sys/fs.h"

/* pt_store_save_begin for a SQLite store (store_sqlite.c); 0 and nothing
 * started for a store of another engine. */
int pt__sqlite_save_begin(pt_store *st, const pt_graph *g);
/* pt_store_save_release for a SQLite store; nothing for another. */
void pt__sqlite_save_release(pt_store *st);

/* Records the SQLite result code `src` (with sqlite3_errmsg of db when db
 * is not NULL) as "<path>: <what>: <message>" and returns its PT_E* code:
 * PT_ENOMEM, PT_EINVAL (not a database, constraint), PT_EBUSY, else
 * PT_EIO. */
int pt__sqlite_error(sqlite3 *db, int src, const char *path, const char *what);

/* Runs SQL without results; errors as pt__sqlite_error. */
int pt__sqlite_exec(sqlite3 *db, const char *path, const char *sql);

/* SQLite's page cache for a step of a save that goes through n records
 * (rows or index keys): bytes_each a record, from lo_kib to hi_kib KiB.
 * The cache's size is also what SQLite's sorter keeps in memory before
 * it writes a run to a temporary file (pt__sqlite_configure). */
int pt__sqlite_set_cache(sqlite3 *db, const char *path, size_t n,
                         size_t bytes_each, size_t lo_kib, size_t hi_kib);

/* Once, before SQLite is first used: its sorter's smallest run (250
 * pages, 16 MiB of our 64 KiB pages, above the caches a small graph's
 * save asks for) down to 10 pages, so the sorter keeps to the page
 * cache's size. Nothing once SQLite is in use (the setting can only be
 * made before). */
void pt__sqlite_configure(void);

/* Into an empty database, inside the caller's transaction: creates the
 * tables, inserts every record of the finished graph g in its canonical
 * order, then creates the indexes (after the rows: faster than updating
 * them row by row). pt__sqlite_write_records then
 * pt__sqlite_write_edges_and_meta. */
int pt__sqlite_write_graph(sqlite3 *db, const char *path, const pt_graph *g);

/* The records a save writes before the edges, in canonical order: a
 * finished graph's arrays, or (a save begun while resolution makes the
 * edges) an unfinished graph's, in the order of the *_at arrays, which
 * point at them sorted as pt_graph_finish will sort them. All borrowed. */
typedef struct pt__sqlite_records {
  const pt_entity *entities;
  size_t n_entities;
  const pt_file_record *files;
  size_t n_files;
  const pt_test_entity *tests;
  size_t n_tests;
  const pt_ignored_file *ignored;
  size_t n_ignored;
  const pt_entity **entity_at; /* NULL: the arrays' own order */
  const pt_file_record **file_at;
  const pt_test_entity **test_at;
  const pt_ignored_file **ignored_at;
  int files_later;  /* pt__sqlite_write_records writes no file rows: a
                       save begun during resolution, whose records' reads
                       are not made yet (pt__sqlite_write_files) */
} pt__sqlite_records;

/* Points r at g's arrays, in their order. */
void pt__sqlite_records_of(const pt_graph *g, pt__sqlite_records *r);

/* Record i of r in the order it is written. */
static inline const pt_entity *pt__sqlite_entity(const pt__sqlite_records *r,
                                                 size_t i)
{
  return r->entity_at ? r->entity_at[i] : &r->entities[i];
}
static inline const pt_file_record *
pt__sqlite_file(const pt__sqlite_records *r, size_t i)
{
  return r->file_at ? r->file_at[i] : &r->files[i];
}
static inline const pt_test_entity *
pt__sqlite_test(const pt__sqlite_records *r, size_t i)
{
  return r->test_at ? r->test_at[i] : &r->tests[i];
}
static inline const pt_ignored_file *
pt__sqlite_ignored(const pt__sqlite_records *r, size_t i)
{
  return r->ignored_at ? r->ignored_at[i] : &r->ignored[i];
}

struct pt__sqlite_ids;

/* The first part of a save, into an empty database inside the caller's
 * transaction: the tables and r's rows (entities, with the strings they
 * name as the first ids of t, files, excluded tests, ignored files). t is
 * initialized here, with room for the strings of about n_edges edges too;
 * the caller finalizes it. Then, r no longer needed, the indexes of
 * strings and entity_rows. */
int pt__sqlite_write_records(sqlite3 *db, const char *path,
                             const pt__sqlite_records *r, size_t n_edges,
                             struct pt__sqlite_ids *t);
int pt__sqlite_write_record_indexes(sqlite3 *db, const char *path);
/* The file rows of g, after pt__sqlite_write_records of records with
 * files_later. */
int pt__sqlite_write_files(sqlite3 *db, const char *path, const pt_graph *g);
/* The rest, after pt__sqlite_write_records of g's records (or of records
 * equal to them) with the same t: g's edges, its meta and the other
 * indexes. */
int pt__sqlite_write_edges_and_meta(sqlite3 *db, const char *path,
                                    const pt_graph *g,
                                    struct pt__sqlite_ids *t);

/* The tables, in the order of pt__sqlite_write_graph's writers. */
typedef enum pt__sqlite_table {
  PT__SQL_ENTITIES,
  PT__SQL_EDGES,
  PT__SQL_FILES,
  PT__SQL_TESTS,
  PT__SQL_IGNORED,
  PT__SQL_META
} pt__sqlite_table;

/* Inserts record i of g into table t, with every column a save writes;
 * *st is that table's insert statement, prepared on the first call (the
 * caller finalizes it). Not for entities and edges (PT_EINVAL), which
 * name their strings by id: store_sqlite_entities.h, store_sqlite_edges.h. */
int pt__sqlite_insert_row(sqlite3 *db, const char *path, pt__sqlite_table t,
                          sqlite3_stmt **st, const pt_graph *g, size_t i);

/* The schema version this build writes. */
int pt__sqlite_schema_version(void);

/* The application_id (PRAGMA application_id) of every file we write,
 * whatever its schema version: 0x50544753, "PTGS". */
#define PT__SQLITE_APP_ID 1347700563

/* PT_EINVAL with a clear message unless db holds our schema, at a
 * version this build reads (2 to 7), which goes to *version. */
int pt__sqlite_check_schema(sqlite3 *db, const char *path, int *version);

/* Adds every row of a database of that schema version to g, without
 * finishing it. Only the stored record columns are read; derived columns
 * are output for other readers. without_code (schema 6 on): every entity's
 * code is left NULL. files_given: the files, ignored_files and meta
 * tables are not read (g holds what pt__sqlite_read_files read of the
 * same file). ready (may be NULL): the edges are read last, after
 * g, finished with every other record, is given to ready(g, payload).
 * seen (may be NULL): the file's stat from before db's first read,
 * inside the read transaction db holds until the caller's commit; the
 * edges are then read on a connection and a thread of their own beside
 * the other tables (pt__sqlite_edges_apart_start), and with ready join
 * the graph after ready. */
int pt__sqlite_read_graph(sqlite3 *db, const char *path, int version,
                          int without_code, int files_given,
                          const pt_fs_stat *seen, pt_store_ready_fn ready,
                          void *payload, pt_graph *g);
/* The same for the files, ignored_files and meta tables only. */
int pt__sqlite_read_files(sqlite3 *db, const char *path, int version,
                          pt_graph *g);

#endif
