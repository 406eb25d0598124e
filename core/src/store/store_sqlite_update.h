/* Private to the SQLite backend: bringing an index in place from one graph
 * to another by writing only the rows that differ (store_sqlite_update.c). */
#ifndef PT_STORE_SQLITE_UPDATE_H
#define PT_STORE_SQLITE_UPDATE_H

#include <stddef.h>

#include "store_sqlite_schema.h"

/* Inside the caller's transaction, on a database of this build's schema
 * holding exactly the finished graph old: deletes and inserts the rows
 * that make it hold the finished graph now. *n_written (may be NULL)
 * counts the rows deleted and inserted. */
int pt__sqlite_write_changes(sqlite3 *db, const char *path, const pt_graph *old,
                             const pt_graph *now, size_t *n_written);

/* Whether a re-run updates the index file in place (POSIX: one
 * transaction with SQLite's rollback journal) rather than in a copy moved
 * over it (Windows, where virus scanners hold files a database writes:
 * docs/windows.md, "Virus scanners"). pt__sqlite_set_in_place overrides
 * the platform's choice for tests (-1: the platform's again). */
int pt__sqlite_updates_in_place(void);
void pt__sqlite_set_in_place(int is_in_place);

/* Brings the index file at path, which holds exactly the finished graph
 * old, to the finished graph now in one transaction on the file itself:
 * only the rows that differ are written, the pages they change first
 * kept in SQLite's rollback journal, so a reader or a crash sees the old
 * index or the new one. PT_ENOTSUPPORTED when the file is of another
 * schema version (save it whole instead). */
int pt__sqlite_update_in_place(const char *path, const pt_graph *old,
                               const pt_graph *now);

/* Rolls back what an update killed before its commit left in the file
 * (SQLite's hot journal beside it), which a read-only connection cannot;
 * 0 when there is nothing to roll back. */
int pt__sqlite_roll_back(const char *path);

#endif
