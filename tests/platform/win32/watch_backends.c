/* The watcher backend of a Windows build (watch_support.h), for
 * tests/test_watch_conformance.c and test_win32_watch.c:
 * ReadDirectoryChangesW, its 64 KiB buffer that the overflow test
 * exceeds, and what wine reports differently. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdio.h>

#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "watch_support.h"

static int is_wine(void)
{
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* Far more changes than the 64 KiB buffer holds: long names make each
 * record large. */
static int flood_buffer(const char *dir)
{
  for (int i = 0; i < 2500; i++) {
    char name[32];
    snprintf(name, sizeof name, "file-number-%05d.c", i);
    pt_test_write(dir, name, "");
  }
  return 0;
}

const pt_test_watch_backend *pt_test_watch_backends(size_t *n_out)
{
  static pt_test_watch_backend be = {"ReadDirectoryChangesW", 1, 1, NULL,
                                     flood_buffer};
  /* Wine's ReadDirectoryChangesW (inotify underneath) keeps reporting a
   * moved folder's files under its old path, also once moved out of the
   * root; Windows names them where they are. */
  be.is_move_tracked = !is_wine();
  *n_out = 1;
  return &be;
}

void pt_test_move(const char *from, const char *to)
{
  wchar_t *a = NULL, *b = NULL;
  assert_int_equal(pt__utf16_path(from, &a), 0);
  assert_int_equal(pt__utf16_path(to, &b), 0);
  assert_true(MoveFileExW(a, b, 0));
  pt_free(b);
  pt_free(a);
}
