/* Stored indexes as another build of the extractor would have left them
 * (reuse_support.h). */
#include <string.h>

#include <sqlite3.h>

#include "pt/alloc.h"
#include "reuse_support.h"
#include "test_support.h"

/* Changes one byte of the extractor digest in every stored reuse record,
 * as an index made by another build of the extractor would have it. */
void pt_test_stamp_other_extractor(const char *path)
{
  sqlite3 *h = NULL;
  sqlite3_stmt *sel = NULL, *upd = NULL;
  assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT rowid, reuse FROM files "
                                         "WHERE reuse IS NOT NULL",
                                      -1, &sel, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "UPDATE files SET reuse = ?1 "
                                         "WHERE rowid = ?2",
                                      -1, &upd, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  int n = 0;
  while (sqlite3_step(sel) == SQLITE_ROW) {
    int len = sqlite3_column_bytes(sel, 1);
    assert_true(len > 6);
    unsigned char *b = pt_malloc((size_t)len);
    memcpy(b, sqlite3_column_blob(sel, 1), (size_t)len);
    b[2] ^= 0x5a;
    sqlite3_bind_blob(upd, 1, b, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
    assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
    sqlite3_reset(upd);
    pt_free(b);
    n++;
  }
  assert_true(n > 0);
  assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_finalize(sel);
  sqlite3_finalize(upd);
  sqlite3_close(h);
}
