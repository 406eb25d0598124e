/* The "sqlite" backend of pt/store.h: the file's life cycle. save() builds
 * a fresh temporary file beside the target in one transaction and moves it
 * over the target (pt_fs_replace), so readers and crashes see the old file
 * or the new one. load() opens the file read-only, reads it and closes it.
 * What each pt_store_mode may create and checks first is here too; the
 * table layout lives in store_sqlite_schema.c. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/log.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "store_sqlite_schema.h"
#include "store_sqlite_strings.h"
#include "store_sqlite_update.h"

/* A save begun while the graph was being resolved (sqlite_save_begin): a
 * thread of its own writes the records the graph held then, in the order
 * the finished graph will hold them, into the temporary file that the
 * save finishes with the edges. It reads them in the graph, through
 * arrays of their addresses sorted in that order, until it has written
 * and hashed them, and keeps the hashes to check the finished graph
 * against. The graph waits for the thread to be done with them and with
 * their indexes (is_working) before it sorts them: the indexes' sorter
 * then does not add to the memory of that sort. The thread's flush to
 * disk, which holds nothing, goes on beside. */
typedef struct begun_save {
  pt_thread *thread; /* owned until joined */
  pt_buf tmp;        /* the temporary file */
  sqlite3 *db;       /* owned: open, inside its transaction */
  pt__sqlite_ids ids; /* the strings given ids so far */
  pt__sqlite_records r; /* the graph's records, *_at owned; once read,
                           only the counts */
  uint64_t hash[4];     /* of the records' bytes, in r's order */
  size_t n_edges;       /* a guess, for the room of the edges' strings */
  pt_mutex *mu;         /* owned, with cv: guards is_working */
  pt_cond *cv;
  int is_working;       /* the thread may still read the graph, or hold
                           the memory of its index build */
  int rc;               /* the thread's result; its error in err */
  pt_error err;
} begun_save;

typedef struct sqlite_store {
  pt_store base;    /* first: the pt_store the caller holds */
  char *path;       /* owned: the database file */
  unsigned n_saves; /* numbers this store's temporary files */
  pt_store_mode mode;
  int has_seen;     /* seen: the file as this store last loaded or saved
                       it */
  pt_fs_stat seen;
  int has_mark;      /* mark: the snapshot the last load of the file
                        records read, as snapshot_mark tells it */
  uint32_t mark;
  begun_save *begun; /* owned: a save begun, or NULL */
} sqlite_store;

/* Where the temporary files of a target live, and how they are named:
 * "<dir>/<name>.tmp-<pid>-<n>". */
typedef struct temp_names {
  pt_buf dir;    /* "." when the target has no directory part */
  pt_buf prefix; /* "<name>.tmp-" */
} temp_names;

static int split_target(const char *path, temp_names *out)
{
  /* Both separators: paths may use '/' or the OS separator (pt/sys/fs.h). */
  const char *slash = strrchr(path, '/');
  const char *back = strrchr(path, '\\');
  if (!slash || (back && back > slash))
    slash = back;
  int rc = 0;
  if (!slash)
    rc = pt_buf_puts(&out->dir, ".");
  else /* "/x.db" lives in "/" */
    rc = pt_buf_put(&out->dir, path,
                    slash == path ? 1 : (size_t)(slash - path));
  if (rc == 0)
    rc = pt_buf_printf(&out->prefix, "%s.tmp-", slash ? slash + 1 : path);
  return rc;
}

static int remove_if_stale(const char *name, pt_fs_type type, void *payload)
{
  const temp_names *t = payload;
  if (type != PT_FS_FILE || !pt_str_starts_with(name, t->prefix.ptr))
    return 0;
  pt_buf full = PT_BUF_INIT;
  int rc = pt_buf_printf(&full, "%s/%s", t->dir.ptr, name);
  if (rc == 0)
    rc = pt_fs_remove(full.ptr);
  if (rc == 0)
    pt_log(PT_LOG_INFO, "sqlite: removed %s, left by an interrupted save",
           full.ptr);
  pt_buf_fini(&full);
  return rc;
}

/* A save that crashed left its temporary file behind. Only one process
 * writes a database at a time, so every temporary file of this target
 * found now is such a leftover. */
static int prepare_dir(const char *path)
{
  temp_names t = {PT_BUF_INIT, PT_BUF_INIT};
  int rc = split_target(path, &t);
  if (rc == 0)
    rc = pt_fs_list_dir(t.dir.ptr, remove_if_stale, &t);
  pt_buf_fini(&t.prefix);
  pt_buf_fini(&t.dir);
  return rc;
}

static int open_db(const char *path, int flags, sqlite3 **out)
{
  sqlite3 *db = NULL;
  int src = sqlite3_open_v2(path, &db, flags, NULL);
  int rc = 0;
  if (src != SQLITE_OK) {
    rc = pt__sqlite_error(db, src, path, "cannot open");
    sqlite3_close(db); /* SQLite hands out a handle even when open fails */
  } else {
    *out = db;
  }
  return rc;
}

static int close_db(sqlite3 *db, const char *path, int rc)
{
  int src = sqlite3_close(db);
  if (src != SQLITE_OK && rc == 0)
    rc = pt__sqlite_error(NULL, src, path, "cannot close");
  return rc;
}

/* The temporary file is thrown away on any failure, so it needs no
 * rollback journal; pt_fs_replace flushes it before the rename, so SQLite
 * need not sync either. No other connection reads it: locked once. Large
 * pages and cache: a seventeenth of the reads and writes (docs/storage.md),
 * each a Windows file call under wine. *out is open inside a transaction
 * (and set, to be closed, even on failure). */
static int open_temp(const char *tmp, sqlite3 **out)
{
  *out = NULL;
  int rc = pt_fs_remove(tmp);
  /* one thread at a time uses the connection (a begun save's, then the
   * save's): no lock around every bind and step */
  if (rc == 0)
    rc = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                 SQLITE_OPEN_NOMUTEX, out);
  if (rc == 0)
    rc = pt__sqlite_exec(*out, tmp, "PRAGMA journal_mode=OFF;"
                         "PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                         "PRAGMA page_size=65536; PRAGMA cache_size=-32768;"
                         "BEGIN");
  /* the indexes are made last, by sorting every row: SQLite's sorter
   * then sorts and merges runs on the other processors too */
  if (rc == 0)
    sqlite3_limit(*out, SQLITE_LIMIT_WORKER_THREADS,
                  pt_cpu_count() > 1 ? (int)pt_cpu_count() - 1 : 0);
  return rc;
}

/* Commits what rc says was written well and closes db. */
static int close_temp(sqlite3 *db, const char *tmp, int rc)
{
  if (rc == 0)
    rc = pt__sqlite_exec(db, tmp, "COMMIT");
  if (db)
    rc = close_db(db, tmp, rc);
  return rc;
}

static int write_temp(const char *tmp, const pt_graph *g)
{
  sqlite3 *db = NULL;
  int rc = open_temp(tmp, &db);
  if (rc == 0)
    rc = pt__sqlite_write_graph(db, tmp, g);
  return close_temp(db, tmp, rc);
}

/* Removes a failed save's temporary file, keeping the error that made the
 * save fail as this thread's last error. */
static void discard_temp(const char *tmp)
{
  pt_error saved = *pt_error_last();
  if (pt_fs_remove(tmp) != 0)
    pt_log(PT_LOG_WARN, "sqlite: cannot remove %s: %s", tmp,
           pt_error_last()->message);
  pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
}

static void remember(sqlite_store *ss)
{
  ss->has_seen = pt_fs_stat_path(ss->path, &ss->seen) == 0;
  if (!ss->has_seen)
    pt_error_clear();
  ss->has_mark = 0;
}

/* What tells the snapshot db's read transaction reads from a later one:
 * the file change counter of the database header (bytes 24 to 27), which
 * every commit in rollback-journal mode increments, read through the
 * connection's own file while the transaction's shared lock is held. A
 * file in WAL mode has none: its commits go to the WAL and leave the
 * counter, and the main file, as they were. 0 when *mark holds one. */
static int snapshot_mark(sqlite3 *db, uint32_t *mark)
{
  sqlite3_stmt *st = NULL;
  sqlite3_file *f = NULL;
  unsigned char h[4];
  int is_rollback = 0;
  if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *m = sqlite3_column_text(st, 0);
    is_rollback = m && strcmp((const char *)m, "delete") == 0;
  }
  sqlite3_finalize(st);
  if (!is_rollback ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
          SQLITE_OK ||
      !f || !f->pMethods || f->pMethods->xRead(f, h, 4, 24) != SQLITE_OK)
    return -1;
  *mark = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 |
          h[3];
  return 0;
}

/* Another program (pt01) may have saved a newer index over the file this
 * store loaded; saving now would silently throw that away. */
static int check_unchanged(const sqlite_store *ss)
{
  pt_fs_stat now;
  int rc = pt_fs_stat_path(ss->path, &now);
  if (rc == PT_ENOTFOUND || !ss->has_seen) {
    pt_error_clear();
    return 0;
  }
  if (rc == 0 && (now.size != ss->seen.size ||
                  now.mtime_ns != ss->seen.mtime_ns))
    rc = PT_ERR(PT_EEXISTS, "%s was replaced by another program since it was "
                "loaded (a newer index?); not overwriting it", ss->path);
  return rc;
}

/* A replace that failed after its rename (flushing the folder) left our
 * new file in place: the next save must not take it for another
 * program's. */
static void remember_if_moved(sqlite_store *ss, const char *tmp)
{
  pt_error saved = *pt_error_last();
  pt_fs_stat st;
  if (pt_fs_stat_path(tmp, &st) == PT_ENOTFOUND)
    remember(ss);
  pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
}

static int check_replaceable(const char *path);

static int check_before_save(const sqlite_store *ss)
{
  switch (ss->mode) {
  case PT_STORE_READ:
    return PT_ERR(PT_EINVAL, "%s: opened for reading only", ss->path);
  case PT_STORE_UPDATE:
    return check_unchanged(ss);
  case PT_STORE_CREATE:
    return check_replaceable(ss->path);
  case PT_STORE_REPLACE:
    break;
  }
  return 0;
}

static int check_file(const char *path)
{
  pt_fs_stat st;
  int rc = pt_fs_stat_path(path, &st);
  if (rc == PT_ENOTFOUND)
    return PT_ERR(PT_ENOTFOUND, "%s: no such SQLite database (nothing has "
                  "been saved there yet)", path);
  if (rc == 0 && st.type == PT_FS_DIR)
    return PT_ERR(PT_EINVAL, "%s: is a directory, not a SQLite database",
                  path);
  return rc;
}

/* What read_db reads: every record, the file records (with the ignored
 * files and meta) alone, every record without the entities' code, or
 * every record but those READ_FILES read, without the code. */
enum { READ_ALL, READ_FILES, READ_NO_CODE, READ_REST };

/* The read transaction gives one consistent snapshot across the tables
 * even if another tool writes the file in place. */
static int read_db(sqlite_store *ss, pt_graph *into, int what,
                   pt_store_ready_fn ready, void *payload)
{
  sqlite3 *db = NULL;
  int version = 0;
  pt_fs_stat seen;
  int rc = check_file(ss->path);
  if (rc == 0)
    rc = pt__sqlite_roll_back(ss->path);
  /* before the first read: what another connection compares its file with */
  int has_seen = rc == 0 && pt_fs_stat_path(ss->path, &seen) == 0;
  if (rc == 0 && !has_seen)
    pt_error_clear();
  /* the rest of what READ_FILES read: of the file it read (the size and
   * mtime it had then), else nothing is read */
  if (rc == 0 && what == READ_REST &&
      (!has_seen || !ss->has_seen || seen.size != ss->seen.size ||
       seen.mtime_ns != ss->seen.mtime_ns))
    return PT_ERR(PT_ENOTSUPPORTED, "%s: changed since its file records "
                  "were read", ss->path);
  /* one thread uses the connection: no lock around every column read */
  if (rc == 0)
    rc = open_db(ss->path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, &db);
  /* mapped: pages are read without a copy per page */
  if (rc == 0)
    rc = pt__sqlite_exec(db, ss->path, "PRAGMA mmap_size=1073741824; BEGIN");
  if (rc == 0)
    rc = pt__sqlite_check_schema(db, ss->path, &version);
  /* the same snapshot as the file records': a commit in place may keep
   * the file's size and mtime (WAL mode; within the clock's tick) */
  uint32_t mark = 0;
  int has_mark = rc == 0 && (what == READ_FILES || what == READ_REST) &&
                 snapshot_mark(db, &mark) == 0;
  if (rc == 0 && what == READ_REST &&
      (!has_mark || !ss->has_mark || mark != ss->mark))
    rc = PT_ERR(PT_ENOTSUPPORTED, "%s: changed since its file records were "
                "read", ss->path);
  /* a graph without code is only written as changes, which a file of
   * another schema is not (it is saved whole) */
  if (rc == 0 && (what == READ_NO_CODE || what == READ_REST) &&
      version != pt__sqlite_schema_version())
    rc = PT_ERR(PT_ENOTSUPPORTED, "%s: schema version %d is loaded whole",
                ss->path, version);
  if (rc == 0 && what == READ_FILES)
    rc = pt__sqlite_read_files(db, ss->path, version, into);
  else if (rc == 0)
    rc = pt__sqlite_read_graph(db, ss->path, version, what != READ_ALL,
                               what == READ_REST, has_seen ? &seen : NULL,
                               ready, payload, into);
  if (rc == 0)
    rc = pt__sqlite_exec(db, ss->path, "COMMIT");
  if (db)
    rc = close_db(db, ss->path, rc);
  /* with ready, the graph was finished before it, and only its edges
   * came in after */
  if (rc == 0)
    rc = ready ? pt_graph_finish_edges(into) : pt_graph_finish(into);
  /* the file as it was before the read: a commit after it, and before a
   * stat now, must not pass for what was read */
  if (rc == 0 && has_seen) {
    ss->seen = seen;
    ss->has_seen = 1;
    ss->has_mark = 0;
  } else if (rc == 0) {
    remember(ss);
  }
  if (rc == 0 && what == READ_FILES) {
    ss->has_mark = has_mark;
    ss->mark = mark;
  }
  return rc;
}

static int sqlite_load(pt_store *self, pt_graph *into)
{
  return read_db((sqlite_store *)self, into, READ_ALL, NULL, NULL);
}

static int sqlite_load_files(pt_store *self, pt_graph *into)
{
  return read_db((sqlite_store *)self, into, READ_FILES, NULL, NULL);
}

static int sqlite_load_without_code(pt_store *self, pt_graph *into)
{
  return read_db((sqlite_store *)self, into, READ_NO_CODE, NULL, NULL);
}

static int sqlite_load_without_code_then(pt_store *self, pt_graph *into,
                                         pt_store_ready_fn ready,
                                         void *payload)
{
  return read_db((sqlite_store *)self, into, READ_NO_CODE, ready, payload);
}

static int sqlite_load_rest_then(pt_store *self, pt_graph *into,
                                 pt_store_ready_fn ready, void *payload)
{
  return read_db((sqlite_store *)self, into, READ_REST, ready, payload);
}

/* A re-run's changes go the way a save goes: the current file is copied
 * page by page into a fresh temporary file beside it (SQLite's backup),
 * the rows that differ are written there in one transaction, and the file
 * is moved over the target; readers and crashes see the old file or the
 * new one, and a killed run leaves only a temporary file that the next
 * save removes. Only a file of this build's schema (PT_ENOTSUPPORTED: it
 * is saved whole). */
static int copy_and_change(const sqlite_store *ss, const char *tmp,
                           const pt_graph *old, const pt_graph *now)
{
  sqlite3 *src = NULL, *db = NULL;
  int version = 0;
  size_t n = 0;
  int rc = pt_fs_remove(tmp);
  if (rc == 0)
    rc = open_db(ss->path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, &src);
  if (rc == 0)
    rc = pt__sqlite_check_schema(src, ss->path, &version);
  if (rc == 0 && version != pt__sqlite_schema_version())
    rc = PT_ERR(PT_ENOTSUPPORTED, "%s: schema version %d is saved whole",
                ss->path, version);
  if (rc == 0)
    rc = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db);
  if (rc == 0)
    rc = pt__sqlite_exec(db, tmp, "PRAGMA journal_mode=OFF;"
                         "PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                         "PRAGMA cache_size=-32768");
  if (rc == 0) {
    sqlite3_backup *b = sqlite3_backup_init(db, "main", src, "main");
    int src_rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(db);
    int fin = b ? sqlite3_backup_finish(b) : SQLITE_OK;
    if (src_rc != SQLITE_DONE)
      rc = pt__sqlite_error(db, src_rc, tmp, "cannot copy the index");
    else if (fin != SQLITE_OK)
      rc = pt__sqlite_error(db, fin, tmp, "cannot copy the index");
  }
  if (src)
    rc = close_db(src, ss->path, rc);
  if (rc == 0)
    rc = pt__sqlite_exec(db, tmp, "BEGIN");
  if (rc == 0)
    rc = pt__sqlite_write_changes(db, tmp, old, now, &n);
  if (rc == 0)
    rc = pt__sqlite_exec(db, tmp, "COMMIT");
  if (db)
    rc = close_db(db, tmp, rc);
  if (rc == 0)
    pt_log(PT_LOG_DEBUG, "sqlite: %s: %zu rows written", ss->path, n);
  return rc;
}

/* ---- a save begun during resolution ------------------------------------- */

/* The graph is no longer read: only the counts stay. */
static void forget_records(begun_save *b)
{
  pt__sqlite_records *r = &b->r;
  pt_free(r->entity_at);
  pt_free(r->file_at);
  pt_free(r->test_at);
  pt_free(r->ignored_at);
  r->entity_at = NULL;
  r->file_at = NULL;
  r->test_at = NULL;
  r->ignored_at = NULL;
  r->entities = NULL;
  r->files = NULL;
  r->tests = NULL;
  r->ignored = NULL;
}

static void begun_free(begun_save *b)
{
  if (!b)
    return;
  if (b->thread)
    pt_thread_join(b->thread);
  pt__sqlite_ids_fini(&b->ids);
  if (b->db) /* an open transaction is rolled back */
    sqlite3_close(b->db);
  if (b->tmp.len)
    discard_temp(b->tmp.ptr);
  pt_buf_fini(&b->tmp);
  forget_records(b);
  pt_cond_free(b->cv);
  if (b->mu)
    pt_mutex_free(b->mu);
  pt_free(b);
}

/* A hash of records one after another. */
/* The records' bytes in r's order, in the order of begun_save.hash. */
static void hash_records(const pt__sqlite_records *r, uint64_t out[4])
{
  memset(out, 0, 4 * sizeof *out);
  for (size_t i = 0; i < r->n_entities; i++)
    out[0] = pt_hash64_fold(out[0], pt__sqlite_entity(r, i), sizeof(pt_entity));
  for (size_t i = 0; i < r->n_files; i++)
    out[1] = pt_hash64_fold(out[1], pt__sqlite_file(r, i), sizeof(pt_file_record));
  for (size_t i = 0; i < r->n_tests; i++)
    out[2] = pt_hash64_fold(out[2], pt__sqlite_test(r, i), sizeof(pt_test_entity));
  for (size_t i = 0; i < r->n_ignored; i++)
    out[3] = pt_hash64_fold(out[3], pt__sqlite_ignored(r, i), sizeof(pt_ignored_file));
}

/* What is written so far goes to disk now, beside resolution, through
 * SQLite's file: the flush before the save's rename (pt_fs_replace) then
 * writes little more than the edges. */
static int flush_written(sqlite3 *db, const char *path)
{
  sqlite3_file *f = NULL;
  int src = sqlite3_db_cacheflush(db);
  if (src == SQLITE_OK)
    src = sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f);
  if (src == SQLITE_OK && f && f->pMethods)
    src = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
  return src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path,
                                                 "cannot flush");
}

/* Tells pt__sqlite_save_release that the thread is done with the graph
 * and its index build. */
static void done_working(begun_save *b)
{
  pt_mutex_lock(b->mu);
  b->is_working = 0;
  pt_cond_broadcast(b->cv);
  pt_mutex_unlock(b->mu);
}

static void begun_run(void *payload)
{
  begun_save *b = payload;
  pt__sqlite_records *r = &b->r;
  pt_graph_sort_entity_refs(r->entity_at, r->n_entities);
  pt_graph_sort_file_refs(r->file_at, r->n_files);
  pt_graph_sort_test_refs(r->test_at, r->n_tests);
  pt_graph_sort_ignored_refs(r->ignored_at, r->n_ignored);
  /* this runs beside resolution, at its peak of memory: a page cache
   * (and what the sorter keeps for the indexes) of 32 bytes an entity,
   * 1 to 8 MiB (a quarter of the save's on the several tree; 1 MiB for
   * PostgreSQL's 33,500 entities, whose save peaked here with 8) */
  int rc = open_temp(b->tmp.ptr, &b->db);
  if (rc == 0)
    rc = pt__sqlite_set_cache(b->db, b->tmp.ptr, r->n_entities, 32, 1024,
                              8192);
  if (rc == 0)
    rc = pt__sqlite_write_records(b->db, b->tmp.ptr, r, b->n_edges, &b->ids);
  hash_records(r, b->hash);
  forget_records(b);
  if (rc == 0)
    rc = pt__sqlite_write_record_indexes(b->db, b->tmp.ptr);
  /* the sorter's memory is freed: the flush to disk (a wait for the
   * disk, holding nothing) may go on beside the sort */
  done_working(b);
  if (rc == 0)
    rc = flush_written(b->db, b->tmp.ptr);
  if (rc == 0) /* the pages are written: none kept for the edges */
    sqlite3_db_release_memory(b->db);
  if (rc)
    b->err = *pt_error_last();
  b->rc = rc;
}

/* Room for n addresses at *out (NULL for none). */
static int room_for(size_t n, size_t size, void **out)
{
  *out = n ? pt_malloc(n * size) : NULL;
  return n && !*out ? PT_ERR(PT_ENOMEM, "out of memory beginning a save")
                    : 0;
}

/* r's records by their addresses, in the graph's order for now. */
static int address_records(pt__sqlite_records *r)
{
  int rc = room_for(r->n_entities, sizeof *r->entity_at,
                    (void **)&r->entity_at);
  if (rc == 0)
    rc = room_for(r->n_files, sizeof *r->file_at, (void **)&r->file_at);
  if (rc == 0)
    rc = room_for(r->n_tests, sizeof *r->test_at, (void **)&r->test_at);
  if (rc == 0)
    rc = room_for(r->n_ignored, sizeof *r->ignored_at,
                  (void **)&r->ignored_at);
  for (size_t i = 0; rc == 0 && i < r->n_entities; i++)
    r->entity_at[i] = &r->entities[i];
  for (size_t i = 0; rc == 0 && i < r->n_files; i++)
    r->file_at[i] = &r->files[i];
  for (size_t i = 0; rc == 0 && i < r->n_tests; i++)
    r->test_at[i] = &r->tests[i];
  for (size_t i = 0; rc == 0 && i < r->n_ignored; i++)
    r->ignored_at[i] = &r->ignored[i];
  return rc;
}

static const pt_store_ops sqlite_ops;

int pt__sqlite_save_begin(pt_store *self, const pt_graph *g)
{
  if (self->ops != &sqlite_ops)
    return 0;
  sqlite_store *ss = (sqlite_store *)self;
  begun_save *b = pt_calloc(1, sizeof *b);
  pt__sqlite_records *r = b ? &b->r : NULL;
  int rc = b ? check_before_save(ss)
             : PT_ERR(PT_ENOMEM, "out of memory beginning a save");
  begun_free(ss->begun);
  ss->begun = NULL;
  if (rc == 0)
    rc = prepare_dir(ss->path);
  if (rc == 0)
    rc = pt_buf_printf(&b->tmp, "%s.tmp-%lu-%u", ss->path, pt_process_id(),
                       ss->n_saves++);
  if (rc == 0) { /* the files' rows wait for their reads (finish_begun) */
    pt__sqlite_records_of(g, r);
    r->files = NULL;
    r->n_files = 0;
    r->files_later = 1;
    rc = address_records(r);
  }
  if (rc == 0)
    rc = pt_mutex_new(&b->mu);
  if (rc == 0)
    rc = pt_cond_new(&b->cv);
  if (rc == 0) {
    b->n_edges = 4 * r->n_entities;
    b->is_working = 1; /* before the thread, which may be done first */
    rc = pt_thread_start(begun_run, b, &b->thread);
    if (rc)
      b->is_working = 0; /* no thread: nothing works */
  }
  if (rc == 0)
    ss->begun = b;
  else
    begun_free(b);
  return rc;
}

void pt__sqlite_save_release(pt_store *self)
{
  begun_save *b = self->ops == &sqlite_ops ? ((sqlite_store *)self)->begun
                                           : NULL;
  if (!b)
    return;
  pt_mutex_lock(b->mu);
  while (b->is_working)
    pt_cond_wait(b->cv, b->mu);
  pt_mutex_unlock(b->mu);
}

/* Whether the finished graph g holds the records b wrote: as many, and
 * the same bytes in the same order by their hash (a graph changed since
 * the save began, or sorted otherwise, is written whole). */
static int begun_matches(const begun_save *b, const pt_graph *g)
{
  pt__sqlite_records now;
  uint64_t hash[4];
  pt__sqlite_records_of(g, &now);
  now.n_files = 0; /* b wrote none: the finish writes g's */
  hash_records(&now, hash);
  return b->r.n_entities == now.n_entities && b->r.n_files == now.n_files &&
         b->r.n_tests == now.n_tests && b->r.n_ignored == now.n_ignored &&
         memcmp(hash, b->hash, sizeof hash) == 0;
}

/* The begun save of ss that a save of g can finish, waited for; NULL
 * when there is none or it cannot (its thread failed, or g's records are
 * not the ones it wrote: then it is thrown away). */
static begun_save *take_begun(sqlite_store *ss, const pt_graph *g)
{
  begun_save *b = ss->begun;
  ss->begun = NULL;
  if (!b)
    return NULL;
  pt_thread_join(b->thread);
  b->thread = NULL;
  const char *why = b->rc ? b->err.message
                  : !begun_matches(b, g) ? "the records changed since"
                                         : NULL;
  if (!why) {
    pt_log(PT_LOG_DEBUG, "sqlite: %s: finishing the save begun during "
           "resolution", ss->path);
    return b;
  }
  pt_log(PT_LOG_INFO, "sqlite: %s: saving whole, not the save begun during "
         "resolution: %s", ss->path, why);
  begun_free(b);
  return NULL;
}

/* The files, edges and meta of g into b's file, committed and closed (only
 * closed when rc is a failure already). */
static int finish_begun(begun_save *b, const pt_graph *g, int rc)
{
  if (rc == 0) /* with what resolution read (pt_ingest_opts.keep_reads) */
    rc = pt__sqlite_write_files(b->db, b->tmp.ptr, g);
  /* the edges' pages: 32 bytes an edge, 4 to 32 MiB */
  if (rc == 0)
    rc = pt__sqlite_set_cache(b->db, b->tmp.ptr, pt_graph_n_edges(g), 32,
                              4096, 32768);
  if (rc == 0)
    rc = pt__sqlite_write_edges_and_meta(b->db, b->tmp.ptr, g, &b->ids);
  pt__sqlite_ids_fini(&b->ids);
  rc = close_temp(b->db, b->tmp.ptr, rc);
  b->db = NULL;
  return rc;
}

/* Makes the new file at a temporary path beside the index and moves it
 * over the index: the whole graph now (old NULL), or a page copy of the
 * index with only what differs between old and now changed, or (b) the
 * rest of a save begun before now was finished. */
static int replace_file(sqlite_store *ss, const pt_graph *old,
                        const pt_graph *now, begun_save *b)
{
  pt_buf tmp = PT_BUF_INIT;
  int rc = b ? pt_buf_puts(&tmp, b->tmp.ptr) : 0;
  if (b && rc == 0) /* the temporary file is now tmp's to remove */
    pt_buf_clear(&b->tmp);
  if (rc == 0)
    rc = check_before_save(ss);
  if (rc == 0 && old)
    rc = check_file(ss->path);
  if (rc == 0 && !b)
    rc = prepare_dir(ss->path);
  if (rc == 0 && !b)
    rc = pt_buf_printf(&tmp, "%s.tmp-%lu-%u", ss->path, pt_process_id(),
                       ss->n_saves++);
  if (b) /* closes b's file whatever rc says */
    rc = finish_begun(b, now, rc);
  else if (rc == 0)
    rc = old ? copy_and_change(ss, tmp.ptr, old, now)
             : write_temp(tmp.ptr, now);
  if (rc == 0 && (rc = pt_fs_replace(tmp.ptr, ss->path)) != 0)
    remember_if_moved(ss, tmp.ptr);
  if (rc != 0 && tmp.ptr && tmp.len)
    discard_temp(tmp.ptr);
  if (rc == 0)
    remember(ss);
  pt_buf_fini(&tmp);
  return rc;
}

static int sqlite_save(pt_store *self, const pt_graph *from)
{
  sqlite_store *ss = (sqlite_store *)self;
  begun_save *b = take_begun(ss, from);
  int rc = replace_file(ss, NULL, from, b);
  begun_free(b);
  return rc;
}

static int sqlite_write_changes(pt_store *self, const pt_graph *old,
                                const pt_graph *now)
{
  sqlite_store *ss = (sqlite_store *)self;
  begun_free(ss->begun);
  ss->begun = NULL;
  if (!pt__sqlite_updates_in_place())
    return replace_file(ss, old, now, NULL);
  int rc = check_before_save(ss);
  if (rc == 0)
    rc = check_file(ss->path);
  if (rc == 0) /* a killed save's temporary files go, as a save's do */
    rc = prepare_dir(ss->path);
  if (rc == 0)
    rc = pt__sqlite_update_in_place(ss->path, old, now);
  if (rc == 0)
    remember(ss);
  return rc;
}

static void sqlite_store_close(pt_store *self)
{
  sqlite_store *ss = (sqlite_store *)self;
  begun_free(ss->begun);
  pt_free(ss->path);
  pt_free(ss);
}

static const pt_store_ops sqlite_ops = {"sqlite", sqlite_save, sqlite_load,
                                        sqlite_store_close, NULL,
                                        sqlite_load_files,
                                        sqlite_write_changes,
                                        sqlite_load_without_code,
                                        sqlite_load_without_code_then,
                                        sqlite_load_rest_then};

/* ---- what a mode may create and checks at open --------------------------- */

static int is_our_file(sqlite3 *db, const char *path, int *out)
{
  sqlite3_stmt *st = NULL;
  int src = sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL);
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  int rc = 0;
  if (src != SQLITE_ROW)
    rc = pt__sqlite_error(db, src, path, "cannot read the header");
  else
    *out = sqlite3_column_int(st, 0) == PT__SQLITE_APP_ID;
  sqlite3_finalize(st);
  return rc;
}

/* An existing target may be replaced when it is a parseltongue index of
 * any schema version, or an empty file: nothing else is ours to destroy. */
static int check_replaceable(const char *path)
{
  pt_fs_stat st;
  sqlite3 *db = NULL;
  int is_ours = 0;
  int rc = pt_fs_stat_path(path, &st);
  if (rc == PT_ENOTFOUND) {
    pt_error_clear();
    return 0;
  }
  if (rc == 0 && st.type != PT_FS_FILE)
    return PT_ERR(PT_EEXISTS, "%s is not a file; refusing to replace it",
                  path);
  if (rc || st.size == 0)
    return rc;
  rc = open_db(path, SQLITE_OPEN_READONLY, &db);
  if (rc == 0)
    rc = is_our_file(db, path, &is_ours);
  if (db)
    rc = close_db(db, path, rc);
  if (rc == PT_EINVAL || (rc == 0 && !is_ours))
    rc = PT_ERR(PT_EEXISTS, "%s is not a parseltongue index (%s); refusing "
                "to replace it", path, rc ? "not a SQLite database"
                                          : "another program's SQLite "
                                            "database");
  return rc;
}

/* The folder of the file is created when its own parent exists: a typo
 * in a parent must not become a tree of new folders. */
static int make_folder(const char *path)
{
  temp_names t = {PT_BUF_INIT, PT_BUF_INIT};
  pt_fs_stat st;
  int rc = split_target(path, &t);
  if (rc == 0 && (rc = pt_fs_stat_path(t.dir.ptr, &st)) == PT_ENOTFOUND) {
    pt_error_clear();
    rc = pt_fs_mkdir(t.dir.ptr);
  } else if (rc == 0 && st.type != PT_FS_DIR) {
    rc = PT_ERR(PT_EINVAL, "%s is not a folder", t.dir.ptr);
  }
  pt_buf_fini(&t.prefix);
  pt_buf_fini(&t.dir);
  return rc;
}

/* Creating and removing a file where the temporary files go shows before
 * a long run, not after it, that the save can be written. */
static int probe(const char *path)
{
  pt_buf tmp = PT_BUF_INIT;
  int rc = pt_buf_printf(&tmp, "%s.tmp-%lu-probe", path, pt_process_id());
  if (rc == 0)
    rc = pt_fs_write_file(tmp.ptr, "", 0);
  if (rc == 0)
    rc = pt_fs_remove(tmp.ptr);
  else if (tmp.len) /* the flush can fail once the file exists */
    discard_temp(tmp.ptr);
  pt_buf_fini(&tmp);
  return rc;
}

static int check_mode(const char *path, pt_store_mode mode)
{
  if (mode == PT_STORE_READ || mode == PT_STORE_UPDATE)
    return check_file(path);
  int rc = make_folder(path);
  if (rc == 0 && mode == PT_STORE_CREATE)
    rc = check_replaceable(path);
  if (rc == 0)
    rc = probe(path);
  return rc;
}

int pt_store_sqlite_open(const char *path, pt_store_mode mode,
                         pt_store **out)
{
  if (!path || !*path || !out)
    return PT_ERR(PT_EINVAL, "sqlite store: NULL argument or empty path");
  pt__sqlite_configure();
  /* an update killed before its commit: the old index back first */
  int rc = pt__sqlite_roll_back(path);
  if (rc == 0)
    rc = check_mode(path, mode);
  if (rc)
    return rc;
  sqlite_store *ss = pt_calloc(1, sizeof *ss);
  char *copy = pt_strdup(path);
  if (!ss || !copy) {
    pt_free(copy);
    pt_free(ss);
    return PT_ERR(PT_ENOMEM, "out of memory opening sqlite store %s", path);
  }
  ss->base.ops = &sqlite_ops;
  ss->path = copy;
  ss->mode = mode;
  *out = &ss->base;
  return 0;
}
