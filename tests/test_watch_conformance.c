/* The watcher behaviour of pt/sys/watch.h, stated once and run on every
 * backend of the build (tests/platform/<os>/watch_backends.c: inotify and
 * poll on Linux, ReadDirectoryChangesW on Windows), with real files in a
 * temporary folder (tests/support/watch_support.c). What only one OS can
 * show is in tests/platform/<os>/: changes made by cmd.exe. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "watch_support.h"

#define FAST_POLL_MS 50
#define N_OVERFLOW_TESTS 2 /* the last ones of run_on */
#define DONNEES "donn\xc3\xa9" "es"
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.c"

static void make_dir(pt_test_watch *f, const char *rel)
{
  char *p = pt_test_watch_path(f, rel);
  assert_int_equal(pt_fs_mkdir_p(p), 0);
  pt_free(p);
}

static void move(pt_test_watch *f, const char *from, const char *to)
{
  char *a = pt_test_watch_path(f, from), *b = pt_test_watch_path(f, to);
  pt_test_move(a, b);
  pt_free(b);
  pt_free(a);
}

static void start(pt_test_watch *f)
{
  pt_test_watch_start(f, NULL, 0, FAST_POLL_MS);
}

static void expect(pt_test_watch *f, pt_watch_kind kind, const char *path,
                   int is_dir)
{
  pt_test_watch_expect(f, kind, path, is_dir);
}

static void watch__reports_created_file(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  pt_test_write(f->dir, "a.c", "int a;");
  expect(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_modified_file_only_after_the_change(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start(f);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_CHANGED, "a.c", 0), 0);
  pt_test_write(f->dir, "a.c", "int a; int b;");
  expect(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_deleted_file(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "src/a.c", "int a;");
  start(f);
  char *p = pt_test_watch_path(f, "src/a.c");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
  expect(f, PT_WATCH_REMOVED, "src/a.c", 0);
}

static void watch__reports_renamed_file_as_removed_and_changed(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start(f);
  move(f, "a.c", "b.c");
  expect(f, PT_WATCH_REMOVED, "a.c", 0);
  expect(f, PT_WATCH_CHANGED, "b.c", 0);
}

/* inotify tells when a file's writer is done with it (closed after
 * writing, moved in or away, deleted), and the live index then waits less
 * for more events (docs/live-index.md); a backend that cannot tell never
 * says so. Once the sync marker is seen, every earlier event is in. */
static void watch__says_when_a_writer_is_done_where_the_os_tells(void **state)
{
  pt_test_watch *f = *state;
  int tells = strcmp(f->be->name, "inotify") == 0;
  start(f);
  pt_test_write(f->dir, "a.c", "int a;");
  move(f, "a.c", "b.c");
  char *p = pt_test_watch_path(f, "b.c");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_final(f, PT_WATCH_CHANGED, "a.c") > 0, tells);
  assert_int_equal(pt_test_watch_count_final(f, PT_WATCH_REMOVED, "a.c") > 0, tells);
  assert_int_equal(pt_test_watch_count_final(f, PT_WATCH_CHANGED, "b.c") > 0, tells);
  assert_int_equal(pt_test_watch_count_final(f, PT_WATCH_REMOVED, "b.c") > 0, tells);
}

/* The atomic replace of a database or an editor's save: the target is
 * named only as the new name of a rename, and that is a change. Polling
 * sees the temporary file only if a round falls between its write and the
 * replace. */
static void watch__reports_replaced_file_as_changed(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "sub/x.c", "int x;");
  start(f);
  pt_test_write(f->dir, "sub/x.c.tmp", "int x, y;");
  char *src = pt_test_watch_path(f, "sub/x.c.tmp");
  char *dst = pt_test_watch_path(f, "sub/x.c");
  assert_int_equal(pt_fs_replace(src, dst), 0);
  expect(f, PT_WATCH_CHANGED, "sub/x.c", 0);
  if (f->be->is_event_based)
    expect(f, PT_WATCH_REMOVED, "sub/x.c.tmp", 0);
  pt_free(dst);
  pt_free(src);
}

static void watch__reports_new_folder_and_file_written_at_once(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  make_dir(f, "sub");
  pt_test_write(f->dir, "sub/f.c", "int f;");
  expect(f, PT_WATCH_CHANGED, "sub", 1);
  expect(f, PT_WATCH_CHANGED, "sub/f.c", 0);
}

static void watch__reports_files_in_nested_new_folders(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  pt_test_write(f->dir, "a/b/c/d.c", "int d;");
  expect(f, PT_WATCH_CHANGED, "a/b/c/d.c", 0);
  pt_test_write(f->dir, "a/b/c/e.c", "int e;");
  expect(f, PT_WATCH_CHANGED, "a/b/c/e.c", 0);
}

static void watch__reports_renamed_folder_as_removed_and_changed(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "old/f.c", "int f;");
  start(f);
  move(f, "old", "new");
  expect(f, PT_WATCH_REMOVED, "old", 1);
  expect(f, PT_WATCH_CHANGED, "new", 1);
}

static void watch__follows_renamed_folder(void **state)
{
  pt_test_watch *f = *state;
  if (!f->be->is_move_tracked)
    skip();
  pt_test_write(f->dir, "old/f.c", "int f;");
  start(f);
  move(f, "old", "new");
  expect(f, PT_WATCH_CHANGED, "new", 1);
  pt_test_write(f->dir, "new/g.c", "int g;");
  expect(f, PT_WATCH_CHANGED, "new/g.c", 0);
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_CHANGED, "old/g.c", 0), 0);
}

/* The folder arrives with its file already inside, so only a listing of
 * the new folder can report the file. */
static void watch__reports_files_of_folder_moved_in(void **state)
{
  pt_test_watch *f = *state;
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(out, "pkg/deep/f.c", "int f;");
  start(f);
  char *to = pt_test_watch_path(f, "pkg");
  pt_buf src = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&src, "%s/pkg", out), 0);
  pt_test_move(src.ptr, to);
  expect(f, PT_WATCH_CHANGED, "pkg", 1);
  expect(f, PT_WATCH_CHANGED, "pkg/deep/f.c", 0);
  pt_buf_fini(&src);
  pt_free(to);
  pt_fs_remove_tree(out);
  pt_free(out);
}

/* A folder moved out of the root keeps its inotify watch in the kernel
 * until the watcher drops it; changes there must not be reported. */
static void watch__forgets_folder_moved_out(void **state)
{
  pt_test_watch *f = *state;
  if (!f->be->is_move_tracked)
    skip();
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(f->dir, "sub/a.c", "int a;");
  start(f);
  char *from = pt_test_watch_path(f, "sub");
  pt_buf dst = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&dst, "%s/sub", out), 0);
  pt_test_move(from, dst.ptr);
  expect(f, PT_WATCH_REMOVED, "sub", 1);
  pt_test_write(out, "sub/b.c", "int b;");
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_CHANGED, "sub/b.c", 0), 0);
  pt_buf_fini(&dst);
  pt_free(from);
  pt_fs_remove_tree(out);
  pt_free(out);
}

static void watch__reports_deleted_folder(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "gone/f.c", "int f;");
  start(f);
  char *p = pt_test_watch_path(f, "gone");
  assert_int_equal(pt_fs_remove_tree(p), 0);
  pt_free(p);
  expect(f, PT_WATCH_REMOVED, "gone", 1);
}

static void watch__reports_non_ascii_names_in_utf8(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  pt_test_write(f->dir, DONNEES "/" NIHONGO, "int x;");
  expect(f, PT_WATCH_CHANGED, DONNEES, 1);
  expect(f, PT_WATCH_CHANGED, DONNEES "/" NIHONGO, 0);
}

static void remove_tree(pt_test_watch *f, const char *rel)
{
  char *p = pt_test_watch_path(f, rel);
  assert_int_equal(pt_fs_remove_tree(p), 0);
  pt_free(p);
}

/* Nothing below a default-excluded folder is watched or reported, not
 * even a write to one that was there from the start. */
static void watch__ignores_changes_inside_default_excluded_folders(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "node_modules/pkg/index.js", "1");
  pt_test_write(f->dir, "target/debug/x.rs", "fn x() {}");
  pt_test_write(f->dir, "parseltongue20260101120000/old.db", "db");
  start(f);
  pt_test_write(f->dir, "node_modules/x.js", "x");
  pt_test_write(f->dir, "node_modules/pkg/index.js", "22");
  pt_test_write(f->dir, "target/debug/y.rs", "fn y() {}");
  pt_test_write(f->dir, "parseltongue20260101120000/analysis.db", "db");
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules"), 0);
  assert_int_equal(pt_test_watch_count_prefix(f, "target"), 0);
  assert_int_equal(pt_test_watch_count_prefix(f, "parseltongue"), 0);
}

/* The walk lists a default-excluded folder as ignored, so its coming and
 * going is reported like any folder's; what is written inside is not (an
 * npm install must not flood the consumer). */
static void watch__reports_default_excluded_folder_itself_only(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  make_dir(f, "node_modules");
  pt_test_write(f->dir, "node_modules/x.js", "x");
  pt_test_write(f->dir, "node_modules/pkg/index.js", "1");
  expect(f, PT_WATCH_CHANGED, "node_modules", 1);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules/"), 0);
  remove_tree(f, "node_modules");
  expect(f, PT_WATCH_REMOVED, "node_modules", 1);
  pt_test_watch_sync(f, "m2");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules/"), 0);
}

static void watch__reports_new_workspace_folder_itself_only(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  pt_test_write(f->dir, "sub/parseltongue20260101120000/analysis.db", "db");
  expect(f, PT_WATCH_CHANGED, "sub/parseltongue20260101120000", 1);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(
      pt_test_watch_count_prefix(f, "sub/parseltongue20260101120000/"), 0);
}

/* The walk excludes files by the same names ("dist", "build"): their
 * coming and going is reported, their contents never matter. */
static void watch__reports_default_excluded_file_coming_and_going(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  pt_test_write(f->dir, "dist", "1");
  expect(f, PT_WATCH_CHANGED, "dist", 0);
  pt_test_watch_sync(f, "m1");
  pt_test_write(f->dir, "dist", "22");
  pt_test_watch_sync(f, "m2");
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_CHANGED, "dist", 0), 1);
  char *p = pt_test_watch_path(f, "dist");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
  expect(f, PT_WATCH_REMOVED, "dist", 0);
}

static void watch__reports_file_renamed_to_default_excluded_name(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start(f);
  move(f, "a.c", "build");
  expect(f, PT_WATCH_REMOVED, "a.c", 0);
  expect(f, PT_WATCH_CHANGED, "build", 0);
  move(f, "build", "b.c");
  expect(f, PT_WATCH_REMOVED, "build", 0);
  expect(f, PT_WATCH_CHANGED, "b.c", 0);
}

/* A folder renamed to an excluded name is gone for the walk and appears
 * as ignored: its files stop being reported; renamed back, it is walked
 * again and its files are reported as for any folder moved in. */
static void watch__reports_folder_renamed_into_and_out_of_excluded_name(
    void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "lib/a.c", "int a;");
  start(f);
  move(f, "lib", "node_modules");
  expect(f, PT_WATCH_REMOVED, "lib", 1);
  expect(f, PT_WATCH_CHANGED, "node_modules", 1);
  pt_test_write(f->dir, "node_modules/b.c", "int b;");
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules/"), 0);
  move(f, "node_modules", "lib2");
  expect(f, PT_WATCH_REMOVED, "node_modules", 1);
  expect(f, PT_WATCH_CHANGED, "lib2", 1);
  expect(f, PT_WATCH_CHANGED, "lib2/a.c", 0);
  expect(f, PT_WATCH_CHANGED, "lib2/b.c", 0);
  pt_test_watch_sync(f, "m2");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules/"), 0);
}

/* A folder moved in is listed, and an excluded folder in it is an entry
 * of that listing like its files, reported without its contents. */
static void watch__reports_excluded_folder_of_folder_moved_in(void **state)
{
  pt_test_watch *f = *state;
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(out, "pkg/node_modules/m/index.js", "1");
  pt_test_write(out, "pkg/f.c", "int f;");
  start(f);
  char *to = pt_test_watch_path(f, "pkg");
  pt_buf src = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&src, "%s/pkg", out), 0);
  pt_test_move(src.ptr, to);
  expect(f, PT_WATCH_CHANGED, "pkg/f.c", 0);
  expect(f, PT_WATCH_CHANGED, "pkg/node_modules", 1);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "pkg/node_modules/"), 0);
  pt_buf_fini(&src);
  pt_free(to);
  pt_fs_remove_tree(out);
  pt_free(out);
}

static void watch__ignores_skip_paths(void **state)
{
  pt_test_watch *f = *state;
  const char *const skip[] = {"data/db"};
  make_dir(f, "data/db");
  pt_test_watch_start(f, skip, 1, FAST_POLL_MS);
  pt_test_write(f->dir, "data/db/LOG", "log");
  pt_test_write(f->dir, "data/keep.c", "int k;");
  expect(f, PT_WATCH_CHANGED, "data/keep.c", 0);
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "data/db"), 0);
}

/* Unlike a default exclude, a skip path (the database or workspace in
 * use) is not on the walk's ignored list, and the store's save replaces
 * the database file by a rename: its coming and going is never reported,
 * or every save would wake the consumer. */
static void watch__ignores_skip_paths_coming_and_going(void **state)
{
  pt_test_watch *f = *state;
  const char *const skip[] = {"data/db", "x.db"};
  make_dir(f, "data");
  pt_test_watch_start(f, skip, 2, FAST_POLL_MS);
  pt_test_write(f->dir, "data/db/LOG", "log");
  pt_test_write(f->dir, "x.db.tmp", "v1");
  char *src = pt_test_watch_path(f, "x.db.tmp");
  char *dst = pt_test_watch_path(f, "x.db");
  assert_int_equal(pt_fs_replace(src, dst), 0);
  pt_test_watch_sync(f, "m1");
  remove_tree(f, "data/db");
  assert_int_equal(pt_fs_remove(dst), 0);
  pt_test_watch_sync(f, "m2");
  assert_int_equal(pt_test_watch_count_prefix(f, "data/db"), 0);
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_CHANGED, "x.db", 0), 0);
  assert_int_equal(pt_test_watch_count(f, PT_WATCH_REMOVED, "x.db", 0), 0);
  pt_free(dst);
  pt_free(src);
}

/* The callback is held while more changes arrive than the backend's queue
 * holds, so the OS drops some and must say so. */
static void watch__reports_rescan_when_events_overflow(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  atomic_store(&f->is_held, 1);
  pt_test_write(f->dir, "m0", "marker");
  for (int i = 0; i < 5000 && !atomic_load(&f->is_waiting); i++)
    pt_sleep_ms(1);
  int is_waiting = atomic_load(&f->is_waiting);
  int rc = is_waiting ? f->be->flood(f->dir) : 0;
  atomic_store(&f->is_held, 0); /* before any failure: teardown joins */
  assert_true(is_waiting);
  if (rc != 0)
    skip();
  expect(f, PT_WATCH_RESCAN, "", 1);
}

/* After an overflow the watches are taken again: still none inside an
 * excluded folder. */
static void watch__rescan_leaves_excluded_folders_unwatched(void **state)
{
  pt_test_watch *f = *state;
  make_dir(f, "node_modules/pkg");
  start(f);
  atomic_store(&f->is_held, 1);
  pt_test_write(f->dir, "m0", "marker");
  for (int i = 0; i < 5000 && !atomic_load(&f->is_waiting); i++)
    pt_sleep_ms(1);
  int is_waiting = atomic_load(&f->is_waiting);
  int rc = is_waiting ? f->be->flood(f->dir) : 0;
  atomic_store(&f->is_held, 0); /* before any failure: teardown joins */
  assert_true(is_waiting);
  if (rc != 0)
    skip();
  expect(f, PT_WATCH_RESCAN, "", 1);
  pt_test_write(f->dir, "node_modules/pkg/late.js", "1");
  pt_test_watch_sync(f, "m1");
  assert_int_equal(pt_test_watch_count_prefix(f, "node_modules/"), 0);
}

static void watch_stop__returns_promptly_while_idle(void **state)
{
  pt_test_watch *f = *state;
  pt_test_watch_start(f, NULL, 0, 60000);
  pt_sleep_ms(50); /* let the thread reach its wait */
  uint64_t t0 = pt_clock_ns();
  pt_watch_stop(f->w);
  f->w = NULL;
  assert_true(pt_clock_ns() - t0 < 1000000000u);
}

static void watch_stop__returns_promptly_while_events_arrive(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  for (int i = 0; i < 200; i++) {
    char name[32];
    snprintf(name, sizeof name, "busy-%d.c", i);
    pt_test_write(f->dir, name, "x");
  }
  uint64_t t0 = pt_clock_ns();
  pt_watch_stop(f->w);
  f->w = NULL;
  assert_true(pt_clock_ns() - t0 < 2000000000u);
}

static void watch_start__missing_root_is_notfound(void **state)
{
  pt_test_watch *f = *state;
  char *p = pt_test_watch_path(f, "missing");
  pt_watch_opts o = {p, NULL, 0, 0};
  assert_int_equal(pt_watch_start(&o, pt_test_watch_on_event, f, &f->w),
                   PT_ENOTFOUND);
  assert_null(f->w);
  pt_error_clear();
  pt_free(p);
}

static void watch_start__file_root_is_invalid(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  char *p = pt_test_watch_path(f, "a.c");
  pt_watch_opts o = {p, NULL, 0, 0};
  assert_int_equal(pt_watch_start(&o, pt_test_watch_on_event, f, &f->w),
                   PT_EINVAL);
  assert_null(f->w);
  pt_error_clear();
  pt_free(p);
}

static void watch_backend__names_the_backend_in_use(void **state)
{
  pt_test_watch *f = *state;
  start(f);
  assert_string_equal(pt_watch_backend(f->w), f->be->name);
}

/* Every test on be, as the group "watch_conformance[<backend>]". */
static int run_on(const pt_test_watch_backend *be)
{
  const struct CMUnitTest tests[] = {
      WATCH_TEST(watch__reports_created_file, be),
      WATCH_TEST(watch__reports_modified_file_only_after_the_change, be),
      WATCH_TEST(watch__reports_deleted_file, be),
      WATCH_TEST(watch__reports_renamed_file_as_removed_and_changed, be),
      WATCH_TEST(watch__reports_replaced_file_as_changed, be),
      WATCH_TEST(watch__says_when_a_writer_is_done_where_the_os_tells, be),
      WATCH_TEST(watch__reports_new_folder_and_file_written_at_once, be),
      WATCH_TEST(watch__reports_files_in_nested_new_folders, be),
      WATCH_TEST(watch__reports_renamed_folder_as_removed_and_changed, be),
      WATCH_TEST(watch__follows_renamed_folder, be),
      WATCH_TEST(watch__reports_files_of_folder_moved_in, be),
      WATCH_TEST(watch__forgets_folder_moved_out, be),
      WATCH_TEST(watch__reports_deleted_folder, be),
      WATCH_TEST(watch__reports_non_ascii_names_in_utf8, be),
      WATCH_TEST(watch__ignores_changes_inside_default_excluded_folders, be),
      WATCH_TEST(watch__reports_default_excluded_folder_itself_only, be),
      WATCH_TEST(watch__reports_new_workspace_folder_itself_only, be),
      WATCH_TEST(watch__reports_default_excluded_file_coming_and_going, be),
      WATCH_TEST(watch__reports_file_renamed_to_default_excluded_name, be),
      WATCH_TEST(watch__reports_folder_renamed_into_and_out_of_excluded_name,
                 be),
      WATCH_TEST(watch__reports_excluded_folder_of_folder_moved_in, be),
      WATCH_TEST(watch__ignores_skip_paths, be),
      WATCH_TEST(watch__ignores_skip_paths_coming_and_going, be),
      WATCH_TEST(watch_stop__returns_promptly_while_idle, be),
      WATCH_TEST(watch_stop__returns_promptly_while_events_arrive, be),
      WATCH_TEST(watch_start__missing_root_is_notfound, be),
      WATCH_TEST(watch_start__file_root_is_invalid, be),
      WATCH_TEST(watch_backend__names_the_backend_in_use, be),
      /* the overflow tests last */
      WATCH_TEST(watch__reports_rescan_when_events_overflow, be),
      WATCH_TEST(watch__rescan_leaves_excluded_folders_unwatched, be),
  };
  char group[64];
  snprintf(group, sizeof group, "watch_conformance[%s]", be->name);
  print_message("%s\n", group); /* only cmocka's XML output names groups */
  /* A backend without an event queue (polling) has nothing to overflow:
   * the last N_OVERFLOW_TESTS are left out. The macro
   * cmocka_run_group_tests_name cannot take a count, so its function is
   * called directly. */
  size_t n = sizeof tests / sizeof tests[0] -
             (be->flood ? 0 : N_OVERFLOW_TESTS);
  return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
}

int main(void)
{
  size_t n = 0;
  const pt_test_watch_backend *be = pt_test_watch_backends(&n);
  int failed = 0;
  for (size_t i = 0; i < n; i++)
    failed += run_on(&be[i]);
  return failed;
}
