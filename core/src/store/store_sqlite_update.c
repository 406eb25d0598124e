/* Writing only what changed into a SQLite index in place
 * (store_sqlite_update.h): the two finished graphs are walked side by side
 * in their canonical order, and each record only one of them holds, or
 * that differs, is deleted or inserted by its primary key. Tests have no
 * key: a file whose tests differ has them all written again. Records a
 * patched graph kept share their strings with the graph it was patched
 * from, so they compare equal by pointer, without reading their text.
 * Then a re-run's update of the index file itself, in place, inside one
 * transaction of SQLite's rollback journal (POSIX; Windows copies the
 * file and moves the copy over it: store_sqlite.c). */
#include <string.h>

#include "pt/buf.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/defaults.h"
#include "pt/sys/fs.h"
#include "store_sqlite_edges.h"
#include "store_sqlite_entities.h"
#include "store_sqlite_update.h"

typedef struct writer {
  sqlite3 *db;
  const char *path;
  const pt_graph *old, *now;
  sqlite3_stmt *ins[PT__SQL_META + 1]; /* owned, prepared on first use */
  sqlite3_stmt *del[PT__SQL_META + 1];
  pt__sqlite_entity_writer entity;
  pt__sqlite_edge_writer edge;
  size_t n_written;
} writer;

static const char *const del_sql[] = {
    NULL, /* entities: store_sqlite_entities.c */
    NULL, /* edges: store_sqlite_edges.c */
    "DELETE FROM files WHERE path = ?1",
    "DELETE FROM excluded_tests WHERE file_path IS ?1",
    "DELETE FROM ignored_files WHERE path = ?1",
    "DELETE FROM meta WHERE name = ?1",
};

static int cmp_str(const char *a, const char *b)
{
  return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

/* Deletes the rows whose key is the n strings of key. */
static int del(writer *w, pt__sqlite_table t, const char *const *key, int n)
{
  int src = w->del[t] ? SQLITE_OK
                      : sqlite3_prepare_v2(w->db, del_sql[t], -1, &w->del[t],
                                           NULL);
  for (int i = 0; src == SQLITE_OK && i < n; i++)
    src = key[i] ? sqlite3_bind_text(w->del[t], i + 1, key[i], -1,
                                     SQLITE_STATIC)
                 : sqlite3_bind_null(w->del[t], i + 1);
  if (src == SQLITE_OK)
    src = sqlite3_step(w->del[t]);
  if (w->del[t])
    sqlite3_reset(w->del[t]);
  w->n_written++;
  return src == SQLITE_DONE ? 0
                            : pt__sqlite_error(w->db, src, w->path, del_sql[t]);
}

static int ins(writer *w, pt__sqlite_table t, size_t i)
{
  w->n_written++;
  return pt__sqlite_insert_row(w->db, w->path, t, &w->ins[t], w->now, i);
}

static int entity_eq(const pt_entity *a, const pt_entity *b)
{
  return pt_str_same(a->name, b->name) &&
         pt_str_same(a->qualname, b->qualname) && a->kind == b->kind &&
         a->lang == b->lang && pt_str_same(a->file_path, b->file_path) &&
         a->line_start == b->line_start && a->line_end == b->line_end &&
         pt_str_same(a->signature, b->signature) && pt_entity_same_code(a, b) &&
         pt_str_same(a->content_hash, b->content_hash) &&
         pt_str_same(a->parent_key, b->parent_key) && a->birth == b->birth;
}

static int entities(writer *w)
{
  const pt_entity *a = pt_graph_entities(w->old), *b = pt_graph_entities(w->now);
  size_t na = pt_graph_n_entities(w->old), nb = pt_graph_n_entities(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : cmp_str(a[i].key, b[j].key);
    if (c == 0 && entity_eq(&a[i], &b[j])) {
      i++, j++;
      continue;
    }
    if (c <= 0) {
      w->n_written++;
      rc = pt__sqlite_entity_delete(w->db, w->path, &w->entity, a[i++].key);
    }
    if (rc == 0 && c >= 0) {
      w->n_written++;
      rc = pt__sqlite_entity_insert(w->db, w->path, &w->entity, &b[j++]);
    }
  }
  return rc;
}

static int cmp_edge_key(const pt_edge *a, const pt_edge *b)
{
  int c = cmp_str(a->from_key, b->from_key);
  if (!c) c = cmp_str(a->to_key, b->to_key);
  if (!c) c = (a->type > b->type) - (a->type < b->type);
  return c;
}

static int edges(writer *w)
{
  const pt_edge *a = pt_graph_edges(w->old), *b = pt_graph_edges(w->now);
  size_t na = pt_graph_n_edges(w->old), nb = pt_graph_n_edges(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : cmp_edge_key(&a[i], &b[j]);
    if (c == 0 && pt_str_same(a[i].file_path, b[j].file_path) &&
        a[i].line == b[j].line && a[i].resolved == b[j].resolved &&
        a[i].resolution == b[j].resolution &&
        pt_graph_candidates_equal(a[i].candidates, b[j].candidates)) {
      i++, j++;
      continue;
    }
    if (c <= 0) {
      w->n_written++;
      rc = pt__sqlite_edge_delete(w->db, w->path, &w->edge, &a[i++]);
    }
    if (rc == 0 && c >= 0) {
      w->n_written++;
      rc = pt__sqlite_edge_insert(w->db, w->path, &w->edge, &b[j++]);
    }
  }
  return rc;
}

static int file_eq(const pt_file_record *a, const pt_file_record *b)
{
  return a->lang == b->lang && a->size == b->size &&
         pt_str_same(a->content_hash, b->content_hash) &&
         a->n_entities == b->n_entities && a->n_tests == b->n_tests &&
         a->n_parse_errors == b->n_parse_errors &&
         a->source_words == b->source_words &&
         a->entity_words == b->entity_words &&
         a->import_words == b->import_words &&
         a->comment_words == b->comment_words && a->mtime_ns == b->mtime_ns &&
         a->reuse_size == b->reuse_size &&
         (!a->reuse_size || a->reuse == b->reuse ||
          memcmp(a->reuse, b->reuse, a->reuse_size) == 0) &&
         !a->reuse == !b->reuse;
}

static int files(writer *w)
{
  const pt_file_record *a = pt_graph_files(w->old), *b = pt_graph_files(w->now);
  size_t na = pt_graph_n_files(w->old), nb = pt_graph_n_files(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : cmp_str(a[i].path, b[j].path);
    if (c == 0 && file_eq(&a[i], &b[j])) {
      i++, j++;
      continue;
    }
    if (c <= 0)
      rc = del(w, PT__SQL_FILES, &a[i++].path, 1);
    if (rc == 0 && c >= 0)
      rc = ins(w, PT__SQL_FILES, j++);
  }
  return rc;
}

static int test_eq(const pt_test_entity *a, const pt_test_entity *b)
{
  return pt_str_same(a->key, b->key) && pt_str_same(a->name, b->name) &&
         a->kind == b->kind && a->lang == b->lang &&
         pt_str_same(a->file_path, b->file_path) &&
         a->line_start == b->line_start && a->line_end == b->line_end &&
         pt_str_same(a->reason, b->reason);
}

/* The end of the run of tests of v[i]'s file. */
static size_t file_run(const pt_test_entity *v, size_t n, size_t i)
{
  size_t k = i;
  while (k < n && pt_str_same(v[k].file_path, v[i].file_path))
    k++;
  return k;
}

/* Tests are in order by file: each file's run of tests is compared whole,
 * and written again whole when it differs. */
static int tests(writer *w)
{
  const pt_test_entity *a = pt_graph_tests(w->old), *b = pt_graph_tests(w->now);
  size_t na = pt_graph_n_tests(w->old), nb = pt_graph_n_tests(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : cmp_str(a[i].file_path, b[j].file_path);
    size_t ei = c <= 0 ? file_run(a, na, i) : i;
    size_t ej = c >= 0 ? file_run(b, nb, j) : j;
    int same = c == 0 && ei - i == ej - j;
    for (size_t k = 0; same && k < ei - i; k++)
      same = test_eq(&a[i + k], &b[j + k]);
    if (!same && c <= 0)
      rc = del(w, PT__SQL_TESTS, &a[i].file_path, 1);
    for (size_t k = j; rc == 0 && !same && k < ej; k++)
      rc = ins(w, PT__SQL_TESTS, k);
    i = ei;
    j = ej;
  }
  return rc;
}

static int ignored(writer *w)
{
  const pt_ignored_file *a = pt_graph_ignored(w->old), *b = pt_graph_ignored(w->now);
  size_t na = pt_graph_n_ignored(w->old), nb = pt_graph_n_ignored(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : cmp_str(a[i].path, b[j].path);
    if (c == 0 && pt_str_same(a[i].reason, b[j].reason)) {
      i++, j++;
      continue;
    }
    if (c <= 0)
      rc = del(w, PT__SQL_IGNORED, &a[i++].path, 1);
    if (rc == 0 && c >= 0)
      rc = ins(w, PT__SQL_IGNORED, j++);
  }
  return rc;
}

static int meta(writer *w)
{
  size_t na = pt_graph_n_meta(w->old), nb = pt_graph_n_meta(w->now);
  size_t i = 0, j = 0;
  int rc = 0;
  while (rc == 0 && (i < na || j < nb)) {
    const char *an = NULL, *av = NULL, *bn = NULL, *bv = NULL;
    if (i < na)
      pt_graph_meta_at(w->old, i, &an, &av);
    if (j < nb)
      pt_graph_meta_at(w->now, j, &bn, &bv);
    int c = i == na ? 1 : j == nb ? -1 : cmp_str(an, bn);
    if (c == 0 && pt_str_same(av, bv)) {
      i++, j++;
      continue;
    }
    if (c <= 0) {
      i++;
      rc = del(w, PT__SQL_META, &an, 1);
    }
    if (rc == 0 && c >= 0)
      rc = ins(w, PT__SQL_META, j++);
  }
  return rc;
}

int pt__sqlite_write_changes(sqlite3 *db, const char *path, const pt_graph *old,
                             const pt_graph *now, size_t *n_written)
{
  writer w;
  memset(&w, 0, sizeof w);
  w.db = db;
  w.path = path;
  w.old = old;
  w.now = now;
  int rc = entities(&w);
  if (rc == 0) rc = edges(&w);
  if (rc == 0) rc = files(&w);
  if (rc == 0) rc = tests(&w);
  if (rc == 0) rc = ignored(&w);
  if (rc == 0) rc = meta(&w);
  for (int t = 0; t <= PT__SQL_META; t++) {
    sqlite3_finalize(w.ins[t]);
    sqlite3_finalize(w.del[t]);
  }
  pt__sqlite_entity_writer_fini(&w.entity);
  pt__sqlite_edge_writer_fini(&w.edge);
  if (n_written)
    *n_written = w.n_written;
  return rc;
}

/* ---- in place ----------------------------------------------------------- */

static int in_place_override = -1;

int pt__sqlite_updates_in_place(void)
{
  return in_place_override >= 0 ? in_place_override
                                : pt_defaults_sqlite_in_place();
}

void pt__sqlite_set_in_place(int is_in_place)
{
  in_place_override = is_in_place;
}

/* A reader opens the file read-only, and SQLite will not roll back a hot
 * journal (an update killed before its commit) on such a connection
 * (SQLITE_READONLY_ROLLBACK): a read-write connection's first read does,
 * restoring the index as it was before the update. */
int pt__sqlite_roll_back(const char *path)
{
  pt_buf journal = PT_BUF_INIT;
  pt_fs_stat st;
  sqlite3 *db = NULL;
  int rc = pt_buf_printf(&journal, "%s-journal", path);
  if (rc == 0 && pt_fs_stat_path(journal.ptr, &st) != 0) {
    pt_error_clear(); /* no journal: nothing to roll back */
    pt_buf_fini(&journal);
    return 0;
  }
  int src = rc ? SQLITE_OK
               : sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (src == SQLITE_OK && db)
    sqlite3_busy_timeout(db, 5000);
  if (src == SQLITE_OK && db)
    src = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                       NULL);
  if (rc == 0 && src != SQLITE_OK)
    rc = pt__sqlite_error(db, src, path, "cannot roll back an unfinished "
                          "update");
  sqlite3_close(db);
  pt_buf_fini(&journal);
  return rc;
}

/* SQLite's rollback journal keeps the pages the update changes as they
 * were: until the commit deletes it, a reader or a crash sees the old
 * index (the journal rolled back), after it the new. Synced in full, so a
 * power loss keeps that too. */
static int begin_in_place(sqlite3 *db, const char *path)
{
  int version = 0;
  sqlite3_busy_timeout(db, 5000); /* a reader's snapshot, briefly */
  int rc = pt__sqlite_exec(db, path, "PRAGMA journal_mode=DELETE;"
                           "PRAGMA synchronous=FULL;"
                           "PRAGMA cache_size=-32768; BEGIN IMMEDIATE");
  if (rc == 0)
    rc = pt__sqlite_check_schema(db, path, &version);
  if (rc == 0 && version != pt__sqlite_schema_version())
    rc = PT_ERR(PT_ENOTSUPPORTED, "%s: schema version %d is saved whole",
                path, version);
  return rc;
}

int pt__sqlite_update_in_place(const char *path, const pt_graph *old,
                               const pt_graph *now)
{
  sqlite3 *db = NULL;
  size_t n = 0;
  int src = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
                            SQLITE_OPEN_NOMUTEX, NULL);
  int rc = src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path,
                                                  "cannot open");
  if (rc == 0)
    rc = begin_in_place(db, path);
  if (rc == 0)
    rc = pt__sqlite_write_changes(db, path, old, now, &n);
  if (rc == 0)
    rc = pt__sqlite_exec(db, path, "COMMIT");
  if (rc && db && !sqlite3_get_autocommit(db)) {
    pt_error saved = *pt_error_last();
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
  }
  src = sqlite3_close(db);
  if (rc == 0 && src != SQLITE_OK)
    rc = pt__sqlite_error(NULL, src, path, "cannot close");
  if (rc == 0)
    pt_log(PT_LOG_DEBUG, "sqlite: %s: %zu rows written in place", path, n);
  return rc;
}
