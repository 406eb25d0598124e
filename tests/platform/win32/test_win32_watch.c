/* pt/sys/watch.h on Windows (ReadDirectoryChangesW) with real files in a
 * temporary folder: the behaviours of tests/platform/posix/test_watch.c,
 * plus changes made by another process (cmd.exe), replaced files, and
 * non-ASCII names. Events are collected under a mutex and awaited with a
 * bounded loop. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/sys/watch.h"
#include "test_support.h"

#define WAIT_STEP_MS 10
#define WAIT_MAX_MS 5000
#define DONNEES "donn\xc3\xa9" "es"
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.c"

typedef struct seen {
  pt_watch_kind kind;
  char *path;            /* owned */
  int is_dir;
} seen;

typedef struct fixture {
  char *dir;             /* owned: the watched root */
  pt_mutex *mu;          /* owned: guards v and n */
  seen *v;               /* owned */
  size_t n, cap;
  pt_watch *w;           /* owned */
  volatile LONG is_held;    /* the callback waits while set */
  volatile LONG is_waiting; /* the callback is waiting */
} fixture;

static void on_event(const pt_watch_event *ev, void *payload)
{
  fixture *f = payload;
  while (InterlockedCompareExchange(&f->is_held, 0, 0)) {
    InterlockedExchange(&f->is_waiting, 1);
    Sleep(1);
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

static const char *kind_name(pt_watch_kind kind)
{
  return kind == PT_WATCH_CHANGED ? "CHANGED"
         : kind == PT_WATCH_REMOVED ? "REMOVED" : "RESCAN";
}

static void expect_event(fixture *f, pt_watch_kind kind, const char *path,
                         int is_dir)
{
  int waited = 0;
  while (!count_events(f, kind, path, is_dir) && waited < WAIT_MAX_MS) {
    Sleep(WAIT_STEP_MS);
    waited += WAIT_STEP_MS;
  }
  if (!count_events(f, kind, path, is_dir)) {
    pt_mutex_lock(f->mu);
    for (size_t i = 0; i < f->n; i++)
      print_message("  got %s '%s' is_dir %d\n", kind_name(f->v[i].kind),
                    f->v[i].path, f->v[i].is_dir);
    pt_mutex_unlock(f->mu);
    fail_msg("no %s event for '%s' (is_dir %d)", kind_name(kind), path,
             is_dir);
  }
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

static void move_path(const char *from, const char *to)
{
  wchar_t *a = NULL, *b = NULL;
  assert_int_equal(pt__utf16_path(from, &a), 0);
  assert_int_equal(pt__utf16_path(to, &b), 0);
  assert_true(MoveFileExW(a, b, 0));
  pt_free(b);
  pt_free(a);
}

static void move(fixture *f, const char *from, const char *to)
{
  char *a = full(f, from), *b = full(f, to);
  move_path(a, b);
  pt_free(b);
  pt_free(a);
}

static void start_watch(fixture *f, const char *const *skip, size_t n_skip)
{
  pt_watch_opts o = {f->dir, skip, n_skip, 0};
  assert_int_equal(pt_watch_start(&o, on_event, f, &f->w), 0);
}

/* Changes are reported in order, so once a marker written last is seen,
 * everything before it has been reported too. */
static void sync_marker(fixture *f, const char *name)
{
  pt_test_write(f->dir, name, "marker");
  expect_event(f, PT_WATCH_CHANGED, name, 0);
}

/* Runs "cmd.exe /c <command>" in the root as another process and waits
 * for it to succeed. */
static void run_cmd(fixture *f, const char *command)
{
  char *root = NULL;
  wchar_t *wcmd = NULL, *wroot = NULL;
  pt_buf line = PT_BUF_INIT;
  assert_int_equal(pt_fs_realpath(f->dir, &root), 0);
  assert_int_equal(pt_buf_printf(&line, "cmd.exe /c %s", command), 0);
  assert_int_equal(pt__utf16_from_utf8(line.ptr, &wcmd), 0);
  assert_int_equal(pt__utf16_path(root, &wroot), 0);
  /* cmd.exe cannot start in a \\?\ folder: give it the plain one */
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  assert_true(CreateProcessW(NULL, wcmd, NULL, NULL, FALSE, CREATE_NO_WINDOW,
                             NULL, wroot + 4, &si, &pi));
  assert_int_equal(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
  DWORD code = 1;
  assert_true(GetExitCodeProcess(pi.hProcess, &code));
  assert_int_equal(code, 0);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  pt_buf_fini(&line);
  pt_free(wroot);
  pt_free(wcmd);
  pt_free(root);
}

static int setup(void **state)
{
  fixture *f = pt_calloc(1, sizeof *f);
  assert_non_null(f);
  f->dir = pt_test_tmpdir("watch");
  assert_int_equal(pt_mutex_new(&f->mu), 0);
  *state = f;
  return 0;
}

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
  return 0;
}

static void watch__reports_created_file(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  pt_test_write(f->dir, "a.c", "int a;");
  expect_event(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_modified_file_only_after_the_change(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start_watch(f, NULL, 0);
  sync_marker(f, "m1");
  assert_int_equal(count_events(f, PT_WATCH_CHANGED, "a.c", 0), 0);
  pt_test_write(f->dir, "a.c", "int a; int b;");
  expect_event(f, PT_WATCH_CHANGED, "a.c", 0);
}

static void watch__reports_deleted_file(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "src/a.c", "int a;");
  start_watch(f, NULL, 0);
  char *p = full(f, "src/a.c");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
  expect_event(f, PT_WATCH_REMOVED, "src/a.c", 0);
}

static void watch__reports_renamed_file_as_removed_and_changed(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "a.c", "int a;");
  start_watch(f, NULL, 0);
  move(f, "a.c", "b.c");
  expect_event(f, PT_WATCH_REMOVED, "a.c", 0);
  expect_event(f, PT_WATCH_CHANGED, "b.c", 0);
}

/* The atomic replace of a database or an editor's save: the target is
 * named only as the new name of a rename, and that is a change. */
static void watch__reports_replaced_file_as_changed(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "sub/x.c", "int x;");
  start_watch(f, NULL, 0);
  pt_test_write(f->dir, "sub/x.c.tmp", "int x, y;");
  char *src = full(f, "sub/x.c.tmp"), *dst = full(f, "sub/x.c");
  assert_int_equal(pt_fs_replace(src, dst), 0);
  expect_event(f, PT_WATCH_CHANGED, "sub/x.c", 0);
  expect_event(f, PT_WATCH_REMOVED, "sub/x.c.tmp", 0);
  pt_free(dst);
  pt_free(src);
}

static void watch__reports_new_folder_and_file_written_at_once(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  make_dir(f, "sub");
  pt_test_write(f->dir, "sub/f.c", "int f;");
  expect_event(f, PT_WATCH_CHANGED, "sub", 1);
  expect_event(f, PT_WATCH_CHANGED, "sub/f.c", 0);
}

static void watch__reports_files_in_nested_new_folders(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  pt_test_write(f->dir, "a/b/c/d.c", "int d;");
  expect_event(f, PT_WATCH_CHANGED, "a/b/c/d.c", 0);
  pt_test_write(f->dir, "a/b/c/e.c", "int e;");
  expect_event(f, PT_WATCH_CHANGED, "a/b/c/e.c", 0);
}

static void watch__reports_renamed_folder_as_removed_and_changed(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "old/f.c", "int f;");
  start_watch(f, NULL, 0);
  move(f, "old", "new");
  expect_event(f, PT_WATCH_REMOVED, "old", 1);
  expect_event(f, PT_WATCH_CHANGED, "new", 1);
}

/* Wine's ReadDirectoryChangesW (inotify underneath) keeps reporting a
 * moved folder's files under its old path, also once moved out of the
 * root; Windows names them where they are. Those tests run on Windows. */
static int is_wine(void)
{
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static void watch__follows_renamed_folder(void **state)
{
  fixture *f = *state;
  if (is_wine())
    skip();
  pt_test_write(f->dir, "old/f.c", "int f;");
  start_watch(f, NULL, 0);
  move(f, "old", "new");
  expect_event(f, PT_WATCH_CHANGED, "new", 1);
  pt_test_write(f->dir, "new/g.c", "int g;");
  expect_event(f, PT_WATCH_CHANGED, "new/g.c", 0);
  assert_int_equal(count_events(f, PT_WATCH_CHANGED, "old/g.c", 0), 0);
}

/* The folder arrives with its file already inside, so only a listing of
 * the new folder can report the file. */
static void watch__reports_files_of_folder_moved_in(void **state)
{
  fixture *f = *state;
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(out, "pkg/deep/f.c", "int f;");
  start_watch(f, NULL, 0);
  char *to = full(f, "pkg");
  pt_buf src = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&src, "%s/pkg", out), 0);
  move_path(src.ptr, to);
  expect_event(f, PT_WATCH_CHANGED, "pkg", 1);
  expect_event(f, PT_WATCH_CHANGED, "pkg/deep/f.c", 0);
  pt_buf_fini(&src);
  pt_free(to);
  pt_fs_remove_tree(out);
  pt_free(out);
}

static void watch__forgets_folder_moved_out(void **state)
{
  fixture *f = *state;
  if (is_wine())
    skip();
  char *out = pt_test_tmpdir("watch-out");
  pt_test_write(f->dir, "sub/a.c", "int a;");
  start_watch(f, NULL, 0);
  char *from = full(f, "sub");
  pt_buf dst = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&dst, "%s/sub", out), 0);
  move_path(from, dst.ptr);
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
  start_watch(f, NULL, 0);
  char *p = full(f, "gone");
  assert_int_equal(pt_fs_remove_tree(p), 0);
  pt_free(p);
  expect_event(f, PT_WATCH_REMOVED, "gone", 1);
}

static void watch__reports_non_ascii_names_in_utf8(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  pt_test_write(f->dir, DONNEES "/" NIHONGO, "int x;");
  expect_event(f, PT_WATCH_CHANGED, DONNEES, 1);
  expect_event(f, PT_WATCH_CHANGED, DONNEES "/" NIHONGO, 0);
}

static void watch__ignores_default_excluded_folders(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "node_modules/pkg/index.js", "1");
  start_watch(f, NULL, 0);
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
  start_watch(f, skip, 1);
  pt_test_write(f->dir, "data/db/LOG", "log");
  pt_test_write(f->dir, "data/keep.c", "int k;");
  expect_event(f, PT_WATCH_CHANGED, "data/keep.c", 0);
  sync_marker(f, "m1");
  assert_int_equal(count_prefix(f, "data/db"), 0);
}

static void watch__reports_changes_made_by_another_process(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "old.c", "int old;");
  start_watch(f, NULL, 0);
  run_cmd(f, "echo int x;> other.c");
  expect_event(f, PT_WATCH_CHANGED, "other.c", 0);
  run_cmd(f, "mkdir lib && echo int y;> lib\\y.c");
  expect_event(f, PT_WATCH_CHANGED, "lib", 1);
  expect_event(f, PT_WATCH_CHANGED, "lib/y.c", 0);
  run_cmd(f, "ren old.c renamed.c");
  expect_event(f, PT_WATCH_REMOVED, "old.c", 0);
  expect_event(f, PT_WATCH_CHANGED, "renamed.c", 0);
  run_cmd(f, "del other.c");
  expect_event(f, PT_WATCH_REMOVED, "other.c", 0);
  run_cmd(f, "rmdir /s /q lib");
  expect_event(f, PT_WATCH_REMOVED, "lib", 1);
}

/* The callback is held while far more changes arrive than the 64 KiB
 * buffer holds, so the system drops some and must say so. */
static void watch__reports_rescan_when_events_overflow(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  InterlockedExchange(&f->is_held, 1);
  pt_test_write(f->dir, "m0", "marker");
  for (int i = 0; i < 5000 && !InterlockedCompareExchange(&f->is_waiting, 0, 0);
       i++)
    Sleep(1);
  assert_true(InterlockedCompareExchange(&f->is_waiting, 0, 0));
  for (int i = 0; i < 2500; i++) {
    char name[32];
    snprintf(name, sizeof name, "file-number-%05d.c", i);
    pt_test_write(f->dir, name, "");
  }
  InterlockedExchange(&f->is_held, 0);
  expect_event(f, PT_WATCH_RESCAN, "", 1);
}

static void watch_stop__returns_promptly_while_idle(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  Sleep(50); /* let the thread reach its wait */
  ULONGLONG t0 = GetTickCount64();
  pt_watch_stop(f->w);
  f->w = NULL;
  assert_true(GetTickCount64() - t0 < 1000);
}

static void watch_stop__returns_promptly_while_events_arrive(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  for (int i = 0; i < 200; i++) {
    char name[32];
    snprintf(name, sizeof name, "busy-%d.c", i);
    pt_test_write(f->dir, name, "x");
  }
  ULONGLONG t0 = GetTickCount64();
  pt_watch_stop(f->w);
  f->w = NULL;
  assert_true(GetTickCount64() - t0 < 2000);
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

static void watch_backend__is_readdirectorychangesw(void **state)
{
  fixture *f = *state;
  start_watch(f, NULL, 0);
  assert_string_equal(pt_watch_backend(f->w), "ReadDirectoryChangesW");
}

#define WATCH_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      WATCH_TEST(watch__reports_created_file),
      WATCH_TEST(watch__reports_modified_file_only_after_the_change),
      WATCH_TEST(watch__reports_deleted_file),
      WATCH_TEST(watch__reports_renamed_file_as_removed_and_changed),
      WATCH_TEST(watch__reports_replaced_file_as_changed),
      WATCH_TEST(watch__reports_new_folder_and_file_written_at_once),
      WATCH_TEST(watch__reports_files_in_nested_new_folders),
      WATCH_TEST(watch__reports_renamed_folder_as_removed_and_changed),
      WATCH_TEST(watch__follows_renamed_folder),
      WATCH_TEST(watch__reports_files_of_folder_moved_in),
      WATCH_TEST(watch__forgets_folder_moved_out),
      WATCH_TEST(watch__reports_deleted_folder),
      WATCH_TEST(watch__reports_non_ascii_names_in_utf8),
      WATCH_TEST(watch__ignores_default_excluded_folders),
      WATCH_TEST(watch__ignores_skip_paths),
      WATCH_TEST(watch__reports_changes_made_by_another_process),
      WATCH_TEST(watch__reports_rescan_when_events_overflow),
      WATCH_TEST(watch_stop__returns_promptly_while_idle),
      WATCH_TEST(watch_stop__returns_promptly_while_events_arrive),
      WATCH_TEST(watch_start__missing_root_is_notfound),
      WATCH_TEST(watch_start__file_root_is_invalid),
      WATCH_TEST(watch_backend__is_readdirectorychangesw),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
