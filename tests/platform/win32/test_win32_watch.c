/* pt/sys/watch.h on Windows, what tests/test_watch_conformance.c cannot
 * state for every backend: changes made by another process, cmd.exe. The
 * fixture is the conformance suite's (tests/support/watch_support.c). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string.h>

#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "pt/sys/fs.h"
#include "watch_support.h"

/* Runs "cmd.exe /c <command>" in the root as another process and waits
 * for it to succeed. */
static void run_cmd(pt_test_watch *f, const char *command)
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

static void watch__reports_changes_made_by_another_process(void **state)
{
  pt_test_watch *f = *state;
  pt_test_write(f->dir, "old.c", "int old;");
  pt_test_watch_start(f, NULL, 0, 0);
  run_cmd(f, "echo int x;> other.c");
  pt_test_watch_expect(f, PT_WATCH_CHANGED, "other.c", 0);
  run_cmd(f, "mkdir lib && echo int y;> lib\\y.c");
  pt_test_watch_expect(f, PT_WATCH_CHANGED, "lib", 1);
  pt_test_watch_expect(f, PT_WATCH_CHANGED, "lib/y.c", 0);
  run_cmd(f, "ren old.c renamed.c");
  pt_test_watch_expect(f, PT_WATCH_REMOVED, "old.c", 0);
  pt_test_watch_expect(f, PT_WATCH_CHANGED, "renamed.c", 0);
  run_cmd(f, "del other.c");
  pt_test_watch_expect(f, PT_WATCH_REMOVED, "other.c", 0);
  run_cmd(f, "rmdir /s /q lib");
  pt_test_watch_expect(f, PT_WATCH_REMOVED, "lib", 1);
}

int main(void)
{
  size_t n = 0;
  const pt_test_watch_backend *be = pt_test_watch_backends(&n);
  const struct CMUnitTest tests[] = {
      WATCH_TEST(watch__reports_changes_made_by_another_process, be),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
