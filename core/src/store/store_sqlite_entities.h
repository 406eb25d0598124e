/* Private to the SQLite backend: the entities of schema 6, rows in
 * `entity_rows` naming their key, name, qualified name, path and parent
 * by id in `strings`, their kind and language by number
 * (store_sqlite_entities.c; the tables are created by
 * store_sqlite_schema.c, with the view `entities` showing schema 5's
 * columns). */
#ifndef PT_STORE_SQLITE_ENTITIES_H
#define PT_STORE_SQLITE_ENTITIES_H

#include "store_sqlite_strings.h"

/* Into the empty tables of a new file, inside the caller's transaction:
 * the names of the kinds and languages, the keys of r's entities (in
 * canonical order) as the first strings (ids 1 to n, in that order, which
 * is also the rows' order: key_id is the row id), the other strings they
 * name, each path's derived columns (`paths`) and every entity, in that
 * order. An entity whose code lies in memory inside another entity's of
 * its file (extraction's and a load's sharing) is written as that range
 * of the other's code (code_in, code_at, code_len; code NULL). t must
 * have given no id yet. */
int pt__sqlite_write_entities(pt__sqlite_ids *t,
                              const pt__sqlite_records *r);

/* Adds every entity of a file of schema 6 or later (version) to g, in
 * stored order, without finishing it; s is the file's strings, read into
 * g. PT_EINVAL naming the table and column for an id out of range, an
 * unknown kind or language, or a content hash longer than 64 characters.
 * From schema 7 on a nested entity's code may be a range of another
 * row's (pt_graph_load_code_in: g's finish places it). without_code:
 * every entity's code is NULL. */
int pt__sqlite_read_entities(sqlite3 *db, const char *path, int version,
                             const pt__sqlite_strings *s, int without_code,
                             pt_graph *g);

/* Adds every row of excluded_tests (the same table in every schema) to
 * g, in stored order: their strings are copied row by row (a file's
 * tests share its path and mostly their reason: copied once a run) and
 * interned at once, as the strings table is. PT_EINVAL naming the column
 * for an unknown kind or language or a line out of range. */
int pt__sqlite_read_tests(sqlite3 *db, const char *path, pt_graph *g);

/* Statements for one entity at a time, prepared on first use. */
typedef struct pt__sqlite_entity_writer {
  sqlite3_stmt *add, *ins, *del, *own, *path; /* owned */
  pt_buf scratch;                       /* a path's derived text */
} pt__sqlite_entity_writer;

/* Inserts e, adding the strings it names that the file lacks. */
int pt__sqlite_entity_insert(sqlite3 *db, const char *path,
                             pt__sqlite_entity_writer *w, const pt_entity *e);
/* Deletes the row of the entity whose key is key; the rows whose code
 * was a range of its code (schema 7) first get those bytes as their
 * own. */
int pt__sqlite_entity_delete(sqlite3 *db, const char *path,
                             pt__sqlite_entity_writer *w, const char *key);
void pt__sqlite_entity_writer_fini(pt__sqlite_entity_writer *w);

#endif
