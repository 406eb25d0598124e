/* libFuzzer: the SQLite store's loader on corrupted files. A real index of
 * the C fixtures is saved once (LLVMFuzzerInitialize); each input either
 * patches that file's bytes (and maybe cuts it), or changes and deletes
 * rows through SQLite (values of any type in any column: a file SQLite
 * finds whole but whose contents are wrong). The result is loaded as
 * `serve` and `dump` load it. Oracle: an error with a message, or a
 * finished graph that dumps; never a crash, a leak or a hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fuzz_support.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/store.h"
#include "pt/sys/proc.h"

static char path[128];
static unsigned char *image;
static size_t image_size;

static void remove_file(void) { remove(path); }

static void die(const char *what)
{
  fprintf(stderr, "fuzz_sqlite_load: %s: %s\n", what,
          pt_error_last()->message);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  char spec[160];
  snprintf(path, sizeof path, "/tmp/pt-fuzz-sqlite-%lu.db", pt_process_id());
  atexit(remove_file);
  snprintf(spec, sizeof spec, "sqlite:%s", path);
  pt_store *st = NULL;
  if (pt_store_open_mode(spec, PT_STORE_REPLACE, &st) != 0)
    die("open");
  if (pt_store_save(st, pt_fuzz_graph()) != 0)
    die("save");
  pt_store_close(st);
  FILE *f = fopen(path, "rb");
  if (!f || fseek(f, 0, SEEK_END) != 0)
    abort();
  image_size = (size_t)ftell(f);
  rewind(f);
  image = malloc(image_size);
  if (!image || fread(image, 1, image_size, f) != image_size)
    abort();
  fclose(f);
  return 0;
}

/* Row edits: [table][column][row][type][value], where the type byte picks
 * NULL, an integer or a real (8 bytes), text or a blob ([length][bytes]),
 * or a deletion of the row; each step that SQLite refuses (a NOT NULL
 * column, a duplicate key) is skipped. */
static void edit_rows(const uint8_t *d, size_t n)
{
  static const char *const tables[] = {"meta", "entity_rows", "edge_rows",
                                       "strings", "files", "excluded_tests",
                                       "ignored_files", "paths"};
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK)
    abort();
  size_t i = 1;
  while (i + 4 <= n) {
    const char *t = tables[d[i] % (sizeof tables / sizeof tables[0])];
    char sql[256], col[64] = "";
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') "
             "LIMIT 1 OFFSET %u", t, (unsigned)d[i + 1] % 20);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      snprintf(col, sizeof col, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    unsigned row = d[i + 2], type = d[i + 3] % 6;
    /* edge_rows is a table WITHOUT ROWID: a row by its key */
    const char *key = strcmp(t, "edge_rows") ? "rowid"
                                             : "(from_id, to_id, type)";
    const char *cols = strcmp(t, "edge_rows") ? "rowid"
                                              : "from_id, to_id, type";
    i += 4;
    if (type == 5 || !col[0])
      snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s=(SELECT %s "
               "FROM %s LIMIT 1 OFFSET %u)", t, key, cols, t, row);
    else
      snprintf(sql, sizeof sql, "UPDATE %s SET %s=?1 WHERE %s=(SELECT "
               "%s FROM %s LIMIT 1 OFFSET %u)", t, col, key, cols, t, row);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
      abort();
    union { sqlite3_int64 i; double d; } v = {0};
    size_t len = i < n ? d[i] : 0;
    if (type == 1 || type == 2) {
      len = n - i < 8 ? n - i : 8;
      memcpy(&v, d + i, len);
      i += len;
      if (type == 1)
        sqlite3_bind_int64(st, 1, v.i);
      else
        sqlite3_bind_double(st, 1, v.d);
    } else if (type == 3 || type == 4) {
      i += i < n;
      len = len > n - i ? n - i : len;
      if (type == 3)
        sqlite3_bind_text(st, 1, (const char *)d + i, (int)len,
                          SQLITE_TRANSIENT);
      else
        sqlite3_bind_blob(st, 1, d + i, (int)len, SQLITE_TRANSIENT);
      i += len;
    }
    sqlite3_step(st);
    sqlite3_finalize(st);
  }
  if (sqlite3_close(db) != SQLITE_OK)
    abort();
}

/* The input: an optional cut (first byte odd: the next 3 bytes, modulo the
 * size, give the new length), then patches of [3-byte offset][1-byte
 * length][bytes], offsets modulo the file's size. */
static size_t patch(unsigned char *file, const uint8_t *d, size_t n)
{
  size_t size = image_size, i = 0;
  if (n >= 4 && (d[0] & 1)) {
    size = ((size_t)d[1] | (size_t)d[2] << 8 | (size_t)d[3] << 16) % size;
    i = 4;
  } else if (n >= 1) {
    i = 1;
  }
  while (size > 0 && i + 4 <= n) {
    size_t at = ((size_t)d[i] | (size_t)d[i + 1] << 8 |
                 (size_t)d[i + 2] << 16) % size;
    size_t len = d[i + 3];
    i += 4;
    if (len > n - i)
      len = n - i;
    if (len > size - at)
      len = size - at;
    memcpy(file + at, d + i, len);
    i += len;
  }
  return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static unsigned char *file;
  if (!file && !(file = malloc(image_size)))
    abort();
  memcpy(file, image, image_size);
  int by_rows = size > 0 && (data[0] & 2);
  size_t n = by_rows ? image_size : patch(file, data, size);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(file, 1, n, f) != n || fclose(f) != 0)
    abort();
  if (by_rows)
    edit_rows(data, size);
  char spec[160];
  snprintf(spec, sizeof spec, "sqlite:%s", path);
  pt_store *st = NULL;
  pt_graph *g = NULL;
  int rc = pt_store_open_mode(spec, PT_STORE_READ, &st);
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0)
    rc = pt_store_load(st, g);
  if (rc != 0 && pt_error_last()->message[0] == '\0')
    die("an error without a message");
  if (rc == 0) {
    pt_buf out = PT_BUF_INIT;
    if (pt_graph_dump(g, &out) != 0)
      die("a loaded graph that does not dump");
    pt_buf_fini(&out);
  }
  pt_error_clear();
  pt_graph_free(g);
  pt_store_close(st);
  return 0;
}
