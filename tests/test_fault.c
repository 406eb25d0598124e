/* File faults (pt/sys/fs.h's injection, and tests/support/fault_vfs.c for
 * SQLite's own I/O) at every step of a store open, an index save and a
 * live index's backup, on every persistent engine of the build: each run
 * ends in a clear error or success, the store holds the old graph or the
 * new one whole (compared by dump), no temporary file is left, and the next
 * save succeeds. The sanitizer build checks for leaks and crashes; under
 * wine the same walk goes through CreateFileW, WriteFile, FlushFileBuffers
 * and MoveFileExW. */
#include <stdio.h>
#include <string.h>

#include "fault_vfs.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/live.h"
#include "pt/serve.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "test_support.h"

#define MAX_STEPS 5000ul

static const char *const OLD_A = "int helper(void) { return 1; }\n"
                                 "int main(void) { return helper(); }\n";
static const char *const NEW_A = "int helper2(void) { return 2; }\n"
                                 "int main(void) { return helper2(); }\n";

typedef struct fixture {
  char *root;      /* the indexed folder (a.c holds OLD_A between runs) */
  char *db_dir;    /* the folder of the store */
  char *spec;      /* "<engine>:<db_dir>/index.db" */
  pt_graph *old_g; /* the graph of OLD_A, and of NEW_A */
  pt_graph *new_g;
  char *old_dump;
  char *new_dump;
} fixture;

static char *dump(const pt_graph *g)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(g, &b), 0);
  return pt_buf_detach(&b);
}

static pt_graph *index_root(const char *root)
{
  pt_ingest_opts o = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  return g;
}

static void save_graph(const char *spec, pt_store_mode mode, const pt_graph *g)
{
  pt_store *st = NULL;
  assert_int_equal(pt_store_open_mode(spec, mode, &st), 0);
  assert_int_equal(pt_store_save(st, g), 0);
  pt_store_close(st);
}

/* The fixture for one engine, the store holding the old graph; 0 when the
 * build has no such engine. */
static int fixture_init(fixture *fx, const char *engine)
{
  memset(fx, 0, sizeof *fx);
  pt_test_fault_vfs_install();
  fx->root = pt_test_tmpdir("fault_src");
  fx->db_dir = pt_test_tmpdir("fault_db");
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s:%s/index.db", engine, fx->db_dir), 0);
  fx->spec = pt_buf_detach(&b);
  pt_test_write(fx->root, "a.c", NEW_A);
  fx->new_g = index_root(fx->root);
  pt_test_write(fx->root, "a.c", OLD_A);
  fx->old_g = index_root(fx->root);
  fx->old_dump = dump(fx->old_g);
  fx->new_dump = dump(fx->new_g);
  pt_store *st = NULL;
  int rc = pt_store_open_mode(fx->spec, PT_STORE_CREATE, &st);
  if (rc == PT_ENOTSUPPORTED) { /* no RocksDB in this build */
    pt_error_clear();
    return 0;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(pt_store_save(st, fx->old_g), 0);
  pt_store_close(st);
  return 1;
}

static void fixture_fini(fixture *fx)
{
  pt_fs_remove_tree(fx->root);
  pt_fs_remove_tree(fx->db_dir);
  pt_free(fx->new_dump);
  pt_free(fx->old_dump);
  pt_graph_free(fx->new_g);
  pt_graph_free(fx->old_g);
  pt_free(fx->spec);
  pt_free(fx->db_dir);
  pt_free(fx->root);
}

/* The dump of what the store holds now, read as dump would. */
static char *stored_dump(const char *spec)
{
  pt_store *st = NULL;
  pt_graph *g = NULL;
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_READ, &st), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(st, g), 0);
  pt_store_close(st);
  char *d = dump(g);
  pt_graph_free(g);
  return d;
}

static int is_leftover(const char *name, pt_fs_type type, void *payload)
{
  (void)type;
  if (strstr(name, ".tmp-")) {
    print_error("left behind: %s/%s\n", (const char *)payload, name);
    return 1;
  }
  return 0;
}

/* After each faulty run: the old graph or the new one whole (the old one
 * when the run failed, unless is_either), and no temporary file. */
static void check_store(const fixture *fx, int rc, int is_either)
{
  char *d = stored_dump(fx->spec);
  int is_old = strcmp(d, fx->old_dump) == 0;
  int is_new = strcmp(d, fx->new_dump) == 0;
  if (!is_old && !is_new)
    print_error("the store holds neither graph:\n%s\n", d);
  pt_free(d);
  assert_true(is_old || is_new);
  if (rc != 0 && !is_either)
    assert_true(is_old);
  assert_int_equal(pt_fs_list_dir(fx->db_dir, is_leftover, fx->db_dir), 0);
}

/* The fault a walk is at: a run arms it with fault_start() where its
 * faulty part begins (after any setup that must work). */
static unsigned long fault_n;
static unsigned fault_ops;
static int fault_is_full;

static int fault_is_armed;
static int fault_was_pending; /* the run made fewer operations than n */

static void fault_start(void)
{
  pt_fs_fault_arm(fault_n, fault_ops, fault_is_full, fault_is_full);
  fault_is_armed = 1;
}

static void fault_stop(void)
{
  if (fault_is_armed)
    fault_was_pending = pt_fs_fault_pending();
  fault_is_armed = 0;
  pt_fs_fault_arm(0, 0, 0, 0);
}

typedef int (*run_fn)(fixture *fx, int *is_either);

/* Runs `run` with the n-th operation of kinds `ops` failing, n = 1, 2, ...
 * until a run makes fewer operations than n. Returns how many runs
 * failed. */
static unsigned long walk(fixture *fx, run_fn run, unsigned ops, int is_full)
{
  unsigned long n, failed = 0;
  for (n = 1; n < MAX_STEPS; n++) {
    int is_either = 0;
    fault_n = n;
    fault_ops = ops;
    fault_is_full = is_full;
    fault_was_pending = 0;
    int rc = run(fx, &is_either);
    fault_stop();
    int is_pending = fault_was_pending;
    if (rc != 0) {
      assert_true(rc < 0);
      assert_true(pt_error_last()->message[0] != '\0');
      failed++;
    }
    pt_error_clear();
    check_store(fx, rc, is_either);
    /* back to the old graph for the next run; this save must work */
    pt_test_write(fx->root, "a.c", OLD_A);
    save_graph(fx->spec, PT_STORE_REPLACE, fx->old_g);
    if (is_pending) {
      assert_int_equal(rc, 0);
      break;
    }
  }
  assert_true(n < MAX_STEPS);
  return failed;
}

/* Every kind of operation failing with an I/O error, then a disk that
 * fills up (every write and flush from the n-th on). RocksDB does its own
 * I/O: only its owner file goes through pt/sys/fs.h (is_ours = 0; the full
 * disk of tests/e2e_faults.sh covers the rest). */
static void walk_all(fixture *fx, run_fn run, int is_ours)
{
  unsigned long failed = walk(fx, run, PT_FS_OP_ALL, 0);
  if (is_ours)
    assert_true(failed > 0);
  walk(fx, run, PT_FS_OP_WRITE | PT_FS_OP_SYNC, 1);
}

static int is_sqlite(const fixture *fx)
{
  return strncmp(fx->spec, "sqlite:", 7) == 0;
}

/* ---- index save ---------------------------------------------------------- */

/* Failed saves that left the new graph in place: only a failure after the
 * rename (the flush of the folder) can, so at most one per walk. */
static unsigned n_new_after_failure;

/* A save through a store kept open after its load (as serve keeps it). A
 * failed one leaves the old graph or, failing after the rename, the new
 * one whole; and the next save through the same store works. */
static int save_then_save_again(fixture *fx, int *is_either)
{
  (void)is_either;
  pt_store *st = NULL;
  pt_graph *g = NULL;
  assert_int_equal(pt_store_open_mode(fx->spec, PT_STORE_UPDATE, &st), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(st, g), 0);
  pt_graph_free(g);
  fault_start();
  int rc = pt_store_save(st, fx->new_g);
  fault_stop();
  if (rc != 0) {
    pt_error saved = *pt_error_last();
    char *d = stored_dump(fx->spec);
    assert_true(strcmp(d, fx->old_dump) == 0 || strcmp(d, fx->new_dump) == 0);
    n_new_after_failure += strcmp(d, fx->new_dump) == 0;
    pt_free(d);
    assert_int_equal(pt_store_save(st, fx->old_g), 0);
    pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
  }
  pt_store_close(st);
  return rc;
}

static void save_walk(const char *engine)
{
  fixture fx;
  if (!fixture_init(&fx, engine)) {
    fixture_fini(&fx);
    skip();
  }
  n_new_after_failure = 0;
  walk_all(&fx, save_then_save_again, is_sqlite(&fx));
  assert_true(n_new_after_failure <= 2); /* one per walk */
  fixture_fini(&fx);
}

static void store_save__file_faults_keep_the_old_sqlite_index(void **state)
{
  (void)state;
  save_walk("sqlite");
}

static void store_save__file_faults_keep_the_old_rocksdb_index(void **state)
{
  (void)state;
  save_walk("rocksdb");
}

/* ---- index run again over its index -------------------------------------- */

/* What index does when it runs again over its SQLite index: the store
 * opened as index opens it, the stored graph loaded whole, and only the
 * changes written (a page copy of the file, changed, moved over it). */
static int rerun_save(fixture *fx, int is_faulty)
{
  pt_store *st = NULL;
  pt_graph *stored = NULL;
  assert_int_equal(pt_store_open_mode(fx->spec, PT_STORE_CREATE, &st), 0);
  assert_int_equal(pt_graph_new(&stored), 0);
  assert_int_equal(pt_store_load(st, stored), 0);
  if (is_faulty)
    fault_start();
  int rc = pt_store_write_changes(st, stored, fx->new_g);
  fault_stop();
  pt_graph_free(stored);
  pt_store_close(st);
  return rc;
}

/* A failed run leaves the old graph or, failing after the rename, the new
 * one whole (counted). */
static int rerun_save_faulty(fixture *fx, int *is_either)
{
  int rc = rerun_save(fx, 1);
  if (rc != 0) {
    pt_error saved = *pt_error_last();
    char *d = stored_dump(fx->spec);
    *is_either = strcmp(d, fx->new_dump) == 0;
    n_new_after_failure += (unsigned)*is_either;
    pt_free(d);
    pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
  }
  return rc;
}

static void store_write_changes__file_faults_keep_the_old_sqlite_index(
    void **state)
{
  (void)state;
  fixture fx;
  assert_true(fixture_init(&fx, "sqlite"));
  n_new_after_failure = 0;
  walk_all(&fx, rerun_save_faulty, 1);
  assert_true(n_new_after_failure <= 2); /* one per walk */
  fixture_fini(&fx);
}

/* A killed run left its temporary file, and a later run got the same
 * process id (Windows ids are small and come again soon): files already
 * under the names of this run's temporary files (here each an index of
 * nothing, what a temporary file holds before its rows) are removed,
 * never written over in place of a new file, never moved over the index,
 * by a whole save as by a re-run's. */
static void store_save__temps_of_a_killed_run_with_our_pid_are_not_taken(
    void **state)
{
  (void)state;
  fixture fx;
  assert_true(fixture_init(&fx, "sqlite"));
  pt_graph *empty = NULL;
  assert_int_equal(pt_graph_new(&empty), 0);
  assert_int_equal(pt_graph_finish(empty), 0);
  for (int is_rerun = 0; is_rerun < 2; is_rerun++) {
    for (unsigned n = 0; n < 2; n++) {
      pt_buf b = PT_BUF_INIT;
      assert_int_equal(pt_buf_printf(&b, "%s.tmp-%lu-%u", fx.spec,
                                     pt_process_id(), n), 0);
      save_graph(b.ptr, PT_STORE_CREATE, empty);
      pt_buf_fini(&b);
    }
    if (is_rerun) {
      assert_int_equal(rerun_save(&fx, 0), 0);
    } else {
      pt_store *st = NULL;
      assert_int_equal(pt_store_open_mode(fx.spec, PT_STORE_CREATE, &st), 0);
      assert_int_equal(pt_store_save(st, fx.new_g), 0);
      pt_store_close(st);
    }
    char *d = stored_dump(fx.spec);
    assert_string_equal(d, fx.new_dump);
    pt_free(d);
    assert_int_equal(pt_fs_list_dir(fx.db_dir, is_leftover, fx.db_dir), 0);
    save_graph(fx.spec, PT_STORE_REPLACE, fx.old_g);
  }
  pt_graph_free(empty);
  fixture_fini(&fx);
}

/* ---- store open ---------------------------------------------------------- */

/* index's open (checks, probe file), then serve's open and load. */
static int open_and_load(fixture *fx, int *is_either)
{
  (void)is_either;
  pt_store *st = NULL;
  fault_start();
  int rc = pt_store_open_mode(fx->spec, PT_STORE_CREATE, &st);
  pt_store_close(st);
  st = NULL;
  pt_graph *g = NULL;
  if (rc == 0)
    rc = pt_store_open_mode(fx->spec, PT_STORE_UPDATE, &st);
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0)
    rc = pt_store_load(st, g);
  if (rc == 0) {
    char *d = dump(g);
    assert_string_equal(d, fx->old_dump);
    pt_free(d);
  }
  pt_graph_free(g);
  pt_store_close(st);
  return rc;
}

static void open_walk(const char *engine)
{
  fixture fx;
  if (!fixture_init(&fx, engine)) {
    fixture_fini(&fx);
    skip();
  }
  walk_all(&fx, open_and_load, 1);
  fixture_fini(&fx);
}

static void store_open__file_faults_fail_cleanly_sqlite(void **state)
{
  (void)state;
  open_walk("sqlite");
}

static void store_open__file_faults_fail_cleanly_rocksdb(void **state)
{
  (void)state;
  open_walk("rocksdb");
}

/* ---- the live index's backup --------------------------------------------- */

/* A live index over the stored one: an edit reindexed, then the stop with
 * its backup (SQLite; RocksDB was written through at the edit). Faults
 * begin at the edit's reindex, so reading the file can fail too. */
static int live_life(fixture *fx, int *is_either)
{
  pt_store *st = NULL;
  pt_live *lv = NULL;
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = fx->root;
  o.n_threads = 1;
  o.save_delay_ms = 600000; /* the backup comes at the stop */
  assert_int_equal(pt_store_open_mode(fx->spec, PT_STORE_UPDATE, &st), 0);
  o.store = st;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  const pt_graph *g = NULL;
  pt_ingest_stats stats;
  assert_int_equal(pt_live_index(lv, &g, &stats), 0);
  pt_ingest_stats_fini(&stats);
  assert_int_equal(pt_live_start(lv, 0), 0);
  pt_test_write(fx->root, "a.c", NEW_A);
  pt_live_delta d;
  fault_start();
  int rc = pt_live_reindex(lv, "a.c", &d);
  pt_error saved = *pt_error_last();
  int stop = pt_live_stop(lv);
  fault_stop();
  if (rc != 0)
    pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
  else
    rc = stop;
  *is_either = rc != 0;
  pt_live_free(lv);
  pt_store_close(st);
  return rc;
}

static void live_walk(const char *engine)
{
  fixture fx;
  if (!fixture_init(&fx, engine)) {
    fixture_fini(&fx);
    skip();
  }
  walk_all(&fx, live_life, is_sqlite(&fx));
  fixture_fini(&fx);
}

static void live_backup__file_faults_keep_the_old_sqlite_index(void **state)
{
  (void)state;
  live_walk("sqlite");
}

static void live_write_through__file_faults_keep_a_whole_rocksdb(void **state)
{
  (void)state;
  live_walk("rocksdb");
}

/* ---- out of memory over a served life ------------------------------------ */

/* Requests of a served life: a list, a graph walk, the live status. Their
 * answers may be errors (500 out of memory) or nothing (a dropped
 * connection): what counts is that the server lives on. */
static void ask(const pt_serve *sv)
{
  static const char *const paths[] = {
    "/code-entities-list-all?limit=5",
    "/blast-radius-impact-analysis?entity=main&hops=3",
    "/file-watcher-status-check",
  };
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    char req[256], resp[4096];
    size_t len = 0;
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
             "Connection: close\r\n\r\n", paths[i], pt_serve_port(sv));
    pt_net_request("127.0.0.1", pt_serve_port(sv), req, 2000, resp,
                   sizeof resp, &len);
  }
  pt_error_clear();
}

/* A whole served life with the n-th allocation failing: open (load the
 * store), start (HTTP server, live index), requests over loopback, an
 * edit reindexed, stop (the SQLite backup; RocksDB was written through).
 * Nothing here may allocate outside the product: the edit goes straight
 * through pt/sys/fs.h. */
static int served_life(const fixture *fx, const char *a_path)
{
  pt_serve_opts o;
  memset(&o, 0, sizeof o);
  o.db = fx->spec;
  o.port = 0; /* one the OS picks */
  o.n_threads = 2;
  pt_serve *sv = NULL;
  int rc = pt_serve_open(&o, &sv);
  if (rc == 0)
    rc = pt_serve_start(sv);
  if (rc == 0)
    ask(sv);
  if (rc == 0 && pt_serve_live(sv)) {
    pt_fs_write_file(a_path, NEW_A, strlen(NEW_A));
    pt_live_delta d;
    rc = pt_live_reindex(pt_serve_live(sv), "a.c", &d);
  }
  pt_error saved = *pt_error_last();
  int stop = pt_serve_stop(sv);
  pt_serve_free(sv);
  if (rc != 0)
    pt__error_set(saved.code, saved.file, saved.line, "%s", saved.message);
  return rc ? rc : stop;
}

/* The allocations of a served life fail in turn: every run ends in an
 * error or a whole life, never a crash or a leak (the sanitizer build
 * checks both), and the store holds the old or the new graph whole. Some
 * failures are absorbed by design (a backup is retried, a file that cannot
 * be extracted is reported), so the walk goes on until a streak of whole
 * lives shows it is past a life's allocations; past the first 400 it
 * strides, to keep the run short. */
static void oom_walk(const char *engine)
{
  fixture fx;
  if (!fixture_init(&fx, engine)) {
    fixture_fini(&fx);
    skip();
  }
  pt_buf a = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&a, "%s/a.c", fx.root), 0);
  unsigned long n, failed = 0, streak = 0;
  for (n = 1; streak < 20 && n < 200000; n += n < 400 ? 1 : n / 50) {
    pt_alloc_fail_after(n);
    int rc = served_life(&fx, a.ptr);
    pt_alloc_fail_after(0);
    if (rc != 0 && pt_error_last()->message[0] == '\0')
      print_error("n = %lu: %s with no message\n", n, pt_error_name(rc));
    if (rc != 0) {
      assert_true(rc < 0);
      assert_true(pt_error_last()->message[0] != '\0');
    }
    pt_error_clear();
    failed += rc != 0;
    streak = rc ? 0 : streak + 1;
    check_store(&fx, rc, 1);
    pt_test_write(fx.root, "a.c", OLD_A);
    save_graph(fx.spec, PT_STORE_REPLACE, fx.old_g);
  }
  assert_int_equal(streak, 20);
  assert_true(failed > 10);
  pt_buf_fini(&a);
  fixture_fini(&fx);
}

static void serve__out_of_memory_over_a_life_sqlite(void **state)
{
  (void)state;
  oom_walk("sqlite");
}

static void serve__out_of_memory_over_a_life_rocksdb(void **state)
{
  (void)state;
  oom_walk("rocksdb");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(store_save__file_faults_keep_the_old_sqlite_index),
    cmocka_unit_test(store_save__file_faults_keep_the_old_rocksdb_index),
    cmocka_unit_test(store_write_changes__file_faults_keep_the_old_sqlite_index),
    cmocka_unit_test(store_save__temps_of_a_killed_run_with_our_pid_are_not_taken),
    cmocka_unit_test(store_open__file_faults_fail_cleanly_sqlite),
    cmocka_unit_test(store_open__file_faults_fail_cleanly_rocksdb),
    cmocka_unit_test(live_backup__file_faults_keep_the_old_sqlite_index),
    cmocka_unit_test(live_write_through__file_faults_keep_a_whole_rocksdb),
    cmocka_unit_test(serve__out_of_memory_over_a_life_sqlite),
    cmocka_unit_test(serve__out_of_memory_over_a_life_rocksdb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
