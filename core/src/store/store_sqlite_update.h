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

#endif
