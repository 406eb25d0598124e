/* pt/sys/watch.h on POSIX with real files in a temporary folder. Every
 * behaviour runs twice, on inotify and on the polling backend: a setup
 * sets PT_WATCH_BACKEND and each test checks the backend it got. Events are
 * collected under a mutex and awaited with a bounded loop. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/sys/watch.h"
#include "test_support.h"

#define WAIT_STEP_MS 10
#define WAIT_MAX_MS 5000
#define FAST_POLL_MS 50

typedef struct seen {
  pt_watch_kind kind;
  char *path;            /* owned */
  int is_dir;
} seen;

typedef struct fixture {
  char *dir;             /* owned: the watched root */
  const char *backend;   /* the backend this run must use */
  pt_mutex *mu;          /* owned: guards v and n */
  seen *v;               /* owned */
  size_t n, cap;
  pt_watch *w;           /* owned */
  atomic_int is_held;    /* the callback waits while set */
  atomic_int is_waiting; /* the callback is waiting */
} fixture;

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void on_event(const pt_watch_event *ev, void *payload)
{
  fixture *f = payload;
  while (atomic_load(&f->is_held)) {
    atomic_store(&f->is_waiting, 1);
    sleep_ms(1);
  }
  pt_mutex_lock(f->mu);
  assert_int_equal(pt_array_grow((void **)&f->v, &f->cap, f->n + 1,
                                 sizeof *f->v), 0);
  f->v[f->n].kind = ev->kind;
  f->v[f->n].is_dir = ev->is_dir;
  f->v[f->n].path = pt_strdup(ev->path);
  assert_non_null(f->v[f->n].path);
  f->n++;
  pt_mutex_unlock(f->mu);
}

static int count_events(fixture *f, pt_watch_kind kind, const char *path,
                        int is_dir)
{
  int n = 0;
  pt_mutex_lock(f->mu);
  for (size_t i = 0; i < f->n; i++)
    n += f->v[i].kind == kind && f->v[i].is_dir == is_dir &&
         strcmp(f->v[i].path, path) == 0;
  pt_mutex_unlock(f->mu);
  return n;
}

static int count_prefix(fixture *f, const char *prefix)
{
  int n = 0;
  pt_mutex_lock(f->mu);
  for (size_t i = 0; i < f->n; i++)
    n += strncmp(f->v[i].path, prefix, strlen(prefix)) == 0;
  pt_mutex_unlock(f->mu);
  return n;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits (bounded) until the event has been reported. */
static void expect_event(fixture *f, pt_watch_kind kind, const char *path,
                         int is_dir)
{
  int waited = 0;
  while (!count_events(f, kind, path, is_dir) && waited < WAIT_MAX_MS) {
    sleep_ms(WAIT_STEP_MS);
    waited += WAIT_STEP_MS;
  }
  if (!count_events(f, kind, path, is_dir))
    fail_msg("no %s event for '%s' (is_dir %d) on %s",
             kind == PT_WATCH_CHANGED ? "CHANGED" : kind == PT_WATCH_REMOVED
                                                        ? "REMOVED" : "RESCAN",
             path, is_dir, f->backend);
}

static char *full(fixture *f, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", f->dir, rel), 0);
  return pt_buf_detach(&b);
}

static void make_dir(fixture *f, const char *rel)
{
  char *p = full(f, rel);
  assert_int_equal(pt_fs_mkdir_p(p), 0);
  pt_free(p);
}

static void move(fixture *f, const char *from, const char *to)
{
  char *a = full(f, from), *b = full(f, to);
  assert_int_equal(rename(a, b), 0);
  pt_free(b);
  pt_free(a);
}

static void start_watch(fixture *f, const char *const *skip, size_t n_skip,
                        unsigned poll_ms)
{
  pt_watch_opts o = {f->dir, skip, n_skip, poll_ms};
  assert_int_equal(pt_watch_start(&o, on_event, f, &f->w), 0);
  assert_string_equal(pt_watch_backend(f->w), f->backend);
}

/* Writes a marker file and waits for it: every change made before it has
 * then been reported too (inotify keeps order; a poll round that sees the
 * marker sees everything older). */
static void sync_marker(fixture *f, const char *name)
{
  pt_test_write(f->dir, name, "marker");
  expect_event(f, PT_WATCH_CHANGED, name, 0);
}

static int setup_backend(void **state, const char *backend)
{
  fixture *f = pt_calloc(1, sizeof *f);
  assert_non_null(f);
  if (strcmp(backend, "poll") == 0)
    setenv("PT_WATCH_BACKEND", "poll", 1);
  else
    unsetenv("PT_WATCH_BACKEND");
  f->backend = backend;
  f->dir = pt_test_tmpdir("watch");
  assert_int_equal(pt_mutex_new(&f->mu), 0);
  *state = f;
  return 0;
}

static int setup_inotify(void **state) { return setup_backend(state, "inotify"); }
static int setup_poll(void **state) { return setup_backend(state, "poll"); }

static int teardown(void **state)
{
  fixture *f = *state;
  pt_watch_stop(f->w);
  for (size_t i = 0; i < f->n; i++)
    pt_free(f->v[i].path);
  pt_free(f->v);
  pt_mutex_free(f->mu);
  pt_fs_remove_tree(f->dir);
  pt_free(f->dir);
  pt_free(f);
  unsetenv("PT_WATCH_BACKEND");
  return 0;
}

static void watch__reports_created_file(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0, FAST_POLL_MS);
  pt_test_write(f->dir, "a.c", "int a;");
  expect_event(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_modified_file_only_after_the_change(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  sync_marker(f, "m1");
  assert_int_equal(count_events(f, PT_WATCH_CHANGED, "a.c", 0), 0);
  pt_test_write(f->dir, "a.c", "int a; int b;");
  expect_event(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_deleted_file(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "src/a.c", "int a;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  char *p = full(f, "src/a.c");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
  expect_event(f, PT_WATCH_REMOVED, "src/a.c", 0);
}

static void watch__reports_renamed_file_as_removed_and_changed(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  move(f, "a.c", "b.c");
  expect_event(f, PT_WATCH_REMOVED, "a.c", 0);
  expect_event(f, PT_WATCH_CHANGED, "b.c", 0);
}

static void watch__reports_new_folder_and_file_written_at_once(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0, FAST_POLL_MS);
  make_dir(f, "sub");
  pt_test_write(f->dir, "sub/f.c", "int f;");
  expect_event(f, PT_WATCH_CHANGED, "sub", 1);
  expect_event(f, PT_WATCH_CHANGED, "sub/f.c", 0);
}

static void watch__reports_files_in_nested_new_folders(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0, FAST_POLL_MS);
  pt_test_write(f->dir, "a/b/c/d.c", "int d;");
  expect_event(f, PT_WATCH_CHANGED, "a/b/c/d.c", 0);
  pt_test_write(f->dir, "a/b/c/e.c", "int e;");
  expect_event(f, PT_WATCH_CHANGED, "a/b/c/e.c", 0);
}

static void watch__reports_renamed_folder_as_removed_and_changed(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "old/f.c", "int f;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  move(f, "old", "new");
  expect_event(f, PT_WATCH_REMOVED, "old", 1);
  expect_event(f, PT_WATCH_CHANGED, "new", 1);
}

static void watch__follows_renamed_folder(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "old/f.c", "int f;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  move(f, "old", "new");
  expect_event(f, PT_WATCH_CHANGED, "new", 1);
  pt_test_write(f->dir, "new/g.c", "int g;");
  expect_event(f, PT_WATCH_CHANGED, "new/g.c", 0);
  assert_int_equal(count_events(f, PT_WATCH_CHANGED, "old/g.c", 0), 0);
}

/* The folder arrives with its file already inside, so only the listing
 * after the new watch can report the file. */
static void watch__reports_files_of_folder_moved_in(void **state)
{
  fixture *f = *state;
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(out, "pkg/deep/f.c", "int f;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  char *to = full(f, "pkg");
  pt_buf src = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&src, "%s/pkg", out), 0);
  assert_int_equal(rename(src.ptr, to), 0);
  expect_event(f, PT_WATCH_CHANGED, "pkg/deep/f.c", 0);
  pt_buf_fini(&src);
  pt_free(to);
  pt_fs_remove_tree(out);
  pt_free(out);
}

/* A folder moved out of the root keeps its inotify watch in the kernel
 * until the watcher drops it; changes there must not be reported. */
static void watch__forgets_folder_moved_out(void **state)
{
  fixture *f = *state;
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(f->dir, "sub/a.c", "int a;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  char *from = full(f, "sub");
  pt_buf dst = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&dst, "%s/sub", out), 0);
  assert_int_equal(rename(from, dst.ptr), 0);
  expect_event(f, PT_WATCH_REMOVED, "sub", 1);
  pt_test_write(out, "sub/b.c", "int b;");
  sync_marker(f, "m1");
  assert_int_equal(count_events(f, PT_WATCH_CHANGED, "sub/b.c", 0), 0);
  pt_buf_fini(&dst);
  pt_free(from);
  pt_fs_remove_tree(out);
  pt_free(out);
}

static void watch__reports_deleted_folder(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "gone/f.c", "int f;");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  char *p = full(f, "gone");
  assert_int_equal(pt_fs_remove_tree(p), 0);
  pt_free(p);
  expect_event(f, PT_WATCH_REMOVED, "gone", 1);
}

static void watch__ignores_default_excluded_folders(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "node_modules/pkg/index.js", "1");
  start_watch(f, NULL, 0, FAST_POLL_MS);
  pt_test_write(f->dir, "node_modules/x.js", "x");
  pt_test_write(f->dir, "node_modules/pkg/index.js", "22");
  pt_test_write(f->dir, "target/debug/y.rs", "fn y() {}");
  pt_test_write(f->dir, "parseltongue20260101120000/analysis.db", "db");
  sync_marker(f, "m1");
  assert_int_equal(count_prefix(f, "node_modules"), 0);
  assert_int_equal(count_prefix(f, "target"), 0);
  assert_int_equal(count_prefix(f, "parseltongue"), 0);
}

static void watch__ignores_skip_paths(void **state)
{
  fixture *f = *state;
  const char *const skip[] = {"data/db"};
  make_dir(f, "data/db");
  start_watch(f, skip, 1, FAST_POLL_MS);
  pt_test_write(f->dir, "data/db/LOG", "log");
  pt_test_write(f->dir, "data/keep.c", "int k;");
  expect_event(f, PT_WATCH_CHANGED, "data/keep.c", 0);
  sync_marker(f, "m1");
  assert_int_equal(count_prefix(f, "data/db"), 0);
}

static long max_queued_events(void)
{
  long n = 0;
  FILE *fp = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
  if (fp && fscanf(fp, "%ld", &n) != 1)
    n = 0;
  if (fp)
    fclose(fp);
  return n;
}

/* The callback is held while more events arrive than the kernel queues,
 * so the kernel drops some and must say so. */
static void watch__reports_rescan_when_events_overflow(void **state)
{
  fixture *f = *state;
  long limit = max_queued_events();
  if (limit <= 0 || limit > 1000000)
    skip();
  start_watch(f, NULL, 0, FAST_POLL_MS);
  atomic_store(&f->is_held, 1);
  pt_test_write(f->dir, "m0", "marker");
  for (int i = 0; i < 5000 && !atomic_load(&f->is_waiting); i++)
    sleep_ms(1);
  assert_true(atomic_load(&f->is_waiting));
  for (long i = 0; i < limit + 100; i++) {
    char name[64];
    snprintf(name, sizeof name, "%s/f%ld", f->dir, i);
    int fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    close(fd);
  }
  atomic_store(&f->is_held, 0);
  expect_event(f, PT_WATCH_RESCAN, "", 1);
}

static void watch_stop__returns_promptly_while_idle(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0, 60000);
  sleep_ms(50); /* let the thread reach its wait */
  double t0 = now_s();
  pt_watch_stop(f->w);
  f->w = NULL;
  assert_true(now_s() - t0 < 1.0);
}

static void watch_start__missing_root_is_notfound(void **state)
{
  fixture *f = *state;
  char *p = full(f, "missing");
  pt_watch_opts o = {p, NULL, 0, 0};
  assert_int_equal(pt_watch_start(&o, on_event, f, &f->w), PT_ENOTFOUND);
  assert_null(f->w);
  pt_error_clear();
  pt_free(p);
}

static void watch_start__file_root_is_invalid(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  char *p = full(f, "a.c");
  pt_watch_opts o = {p, NULL, 0, 0};
  assert_int_equal(pt_watch_start(&o, on_event, f, &f->w), PT_EINVAL);
  assert_null(f->w);
  pt_error_clear();
  pt_free(p);
}

/* The same test on each backend, named after it ("poll/watch__..."). */
#define BOTH(fn)                                      \
  {"inotify/" #fn, fn, setup_inotify, teardown, NULL}, \
  {"poll/" #fn, fn, setup_poll, teardown, NULL}

int main(void)
{
  const struct CMUnitTest tests[] = {
      BOTH(watch__reports_created_file),
      BOTH(watch__reports_modified_file_only_after_the_change),
      BOTH(watch__reports_deleted_file),
      BOTH(watch__reports_renamed_file_as_removed_and_changed),
      BOTH(watch__reports_new_folder_and_file_written_at_once),
      BOTH(watch__reports_files_in_nested_new_folders),
      BOTH(watch__reports_renamed_folder_as_removed_and_changed),
      BOTH(watch__follows_renamed_folder),
      BOTH(watch__reports_files_of_folder_moved_in),
      BOTH(watch__forgets_folder_moved_out),
      BOTH(watch__reports_deleted_folder),
      BOTH(watch__ignores_default_excluded_folders),
      BOTH(watch__ignores_skip_paths),
      BOTH(watch_stop__returns_promptly_while_idle),
      {"inotify/watch__reports_rescan_when_events_overflow",
       watch__reports_rescan_when_events_overflow, setup_inotify, teardown,
       NULL},
      cmocka_unit_test_setup_teardown(watch_start__missing_root_is_notfound,
                                      setup_inotify, teardown),
      cmocka_unit_test_setup_teardown(watch_start__file_root_is_invalid,
                                      setup_inotify, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
