/* pt_fs_replace on Windows while another handle holds the target without
 * FILE_SHARE_DELETE (as a virus scanner or a reader of the old database
 * does): MoveFileExW fails until it is released, so the replace retries;
 * released in time it succeeds, never released it gives up with a clear
 * error and leaves both files as they were. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string.h>

#include "../../../platform/win32/fs_int.h"
#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "test_support.h"

#define RELEASE_AFTER_MS 200
#define SHORT_BUDGET_MS 300

typedef struct fixture {
  char *dir;             /* owned */
  char *src;             /* owned */
  char *dst;             /* owned */
  HANDLE holder;         /* a handle on dst, or INVALID_HANDLE_VALUE */
} fixture;

static int setup(void **state)
{
  fixture *f = pt_calloc(1, sizeof *f);
  assert_non_null(f);
  f->dir = pt_test_tmpdir("replace");
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/analysis.db.tmp", f->dir), 0);
  f->src = pt_buf_detach(&b);
  assert_int_equal(pt_buf_printf(&b, "%s/analysis.db", f->dir), 0);
  f->dst = pt_buf_detach(&b);
  f->holder = INVALID_HANDLE_VALUE;
  pt_test_write(f->dir, "analysis.db", "old contents");
  pt_test_write(f->dir, "analysis.db.tmp", "new contents");
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  if (f->holder != INVALID_HANDLE_VALUE)
    CloseHandle(f->holder);
  pt__fs_set_replace_budget_ms(PT__FS_REPLACE_BUDGET_MS);
  pt_fs_remove_tree(f->dir);
  pt_free(f->dst);
  pt_free(f->src);
  pt_free(f->dir);
  pt_free(f);
  return 0;
}

/* Opens dst the way a scanner or a reader would: reading, sharing read
 * and write but not delete, so it cannot be renamed over. */
static void hold_dst(fixture *f)
{
  wchar_t *w = NULL;
  assert_int_equal(pt__utf16_path(f->dst, &w), 0);
  f->holder = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                          NULL, OPEN_EXISTING, 0, NULL);
  assert_true(f->holder != INVALID_HANDLE_VALUE);
  pt_free(w);
}

static int exists(const char *path)
{
  pt_fs_stat st;
  int rc = pt_fs_stat_path(path, &st);
  pt_error_clear();
  return rc == 0;
}

static void release_later(void *payload)
{
  fixture *f = payload;
  Sleep(RELEASE_AFTER_MS);
  CloseHandle(f->holder);
  f->holder = INVALID_HANDLE_VALUE;
}

static void replace__replaces_the_target_and_consumes_the_source(void **state)
{
  fixture *f = *state;
  assert_int_equal(pt_fs_replace(f->src, f->dst), 0);
  char *text = pt_test_read(f->dst);
  assert_string_equal(text, "new contents");
  assert_false(exists(f->src));
  pt_free(text);
}

static void replace__creates_a_missing_target(void **state)
{
  fixture *f = *state;
  assert_int_equal(pt_fs_remove(f->dst), 0);
  assert_int_equal(pt_fs_replace(f->src, f->dst), 0);
  char *text = pt_test_read(f->dst);
  assert_string_equal(text, "new contents");
  pt_free(text);
}

/* Without the retry the first MoveFileExW fails and so would the call. */
static void replace__waits_for_a_holder_that_lets_go(void **state)
{
  fixture *f = *state;
  pt_thread *t = NULL;
  hold_dst(f);
  ULONGLONG t0 = GetTickCount64();
  assert_int_equal(pt_thread_start(release_later, f, &t), 0);
  int rc = pt_fs_replace(f->src, f->dst);
  ULONGLONG spent = GetTickCount64() - t0;
  pt_thread_join(t);
  assert_int_equal(rc, 0);
  assert_true(spent >= RELEASE_AFTER_MS - 20);
  assert_true(spent < PT__FS_REPLACE_BUDGET_MS);
  char *text = pt_test_read(f->dst);
  assert_string_equal(text, "new contents");
  assert_false(exists(f->src));
  pt_free(text);
}

static void replace__gives_up_clearly_when_never_released(void **state)
{
  fixture *f = *state;
  pt__fs_set_replace_budget_ms(SHORT_BUDGET_MS);
  hold_dst(f);
  ULONGLONG t0 = GetTickCount64();
  int rc = pt_fs_replace(f->src, f->dst);
  ULONGLONG spent = GetTickCount64() - t0;
  assert_int_equal(rc, PT_EBUSY);
  const char *msg = pt_error_last()->message;
  assert_non_null(strstr(msg, "held open by another process"));
  assert_non_null(strstr(msg, "gave up after"));
  assert_non_null(strstr(msg, "analysis.db"));
  assert_true(spent >= SHORT_BUDGET_MS - 20);
  assert_true(spent < 3000);
  pt_error_clear();
  CloseHandle(f->holder);
  f->holder = INVALID_HANDLE_VALUE;
  char *old = pt_test_read(f->dst), *fresh = pt_test_read(f->src);
  assert_string_equal(old, "old contents");
  assert_string_equal(fresh, "new contents");
  pt_free(fresh);
  pt_free(old);
}

/* Only "someone holds it" is retried: a missing folder fails at once. */
static void replace__does_not_retry_other_errors(void **state)
{
  fixture *f = *state;
  pt_buf dst = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&dst, "%s/no/such/folder/x.db", f->dir), 0);
  ULONGLONG t0 = GetTickCount64();
  int rc = pt_fs_replace(f->src, dst.ptr);
  assert_int_equal(rc, PT_ENOTFOUND);
  assert_true(GetTickCount64() - t0 < 1000);
  assert_true(exists(f->src));
  pt_error_clear();
  pt_buf_fini(&dst);
}

static void replace__missing_source_is_notfound(void **state)
{
  fixture *f = *state;
  assert_int_equal(pt_fs_remove(f->src), 0);
  assert_int_equal(pt_fs_replace(f->src, f->dst), PT_ENOTFOUND);
  pt_error_clear();
  char *text = pt_test_read(f->dst);
  assert_string_equal(text, "old contents");
  pt_free(text);
}

#define REPLACE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      REPLACE_TEST(replace__replaces_the_target_and_consumes_the_source),
      REPLACE_TEST(replace__creates_a_missing_target),
      REPLACE_TEST(replace__waits_for_a_holder_that_lets_go),
      REPLACE_TEST(replace__gives_up_clearly_when_never_released),
      REPLACE_TEST(replace__does_not_retry_other_errors),
      REPLACE_TEST(replace__missing_source_is_notfound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
