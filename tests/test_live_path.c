/* The reindex path check (pt/live_path.h) over a real folder, with POSIX
 * and with Windows naming rules on every platform (the check is portable;
 * tests/fuzz/fuzz_reindex_path fuzzes it, e2e_http drives the route and its
 * links). */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/live_path.h"
#include "pt/sys/defaults.h"
#include "pt/sys/fs.h"
#include "test_support.h"

static char *root;

static int setup(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("live_path");
  pt_test_write(dir, "a.c", "int a;\n");
  pt_test_write(dir, "sub/b.c", "int b;\n");
  assert_int_equal(pt_fs_realpath(dir, &root), 0);
  free(dir);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  pt_free(root);
  return 0;
}

/* The verdict for `given`; *rel_out (if asked) gets a copy of the path
 * below the root. */
static pt_live_path_verdict check(const char *given, int windows_names,
                                  char **rel_out)
{
  pt_buf full = PT_BUF_INIT;
  const char *rel = NULL;
  pt_live_path_verdict v = PT_LIVE_PATH_EMPTY;
  assert_int_equal(pt_live_path_check(root, given, windows_names, &full, &rel,
                                      &v), 0);
  assert_true((v == PT_LIVE_PATH_OK) == (rel != NULL));
  if (rel_out)
    *rel_out = rel ? pt_strdup(rel) : NULL;
  pt_buf_fini(&full);
  return v;
}

/* Windows reads every name by its rules: POSIX rules are tried only where
 * names are bytes. */
static int first_mode(void) { return pt_defaults_windows_names(); }

static void assert_accepted(const char *given, int windows_names,
                            const char *want_rel)
{
  char *rel = NULL;
  assert_int_equal(check(given, windows_names, &rel), PT_LIVE_PATH_OK);
  assert_string_equal(rel, want_rel);
  pt_free(rel);
}

static void live_path_check__accepts_paths_below_the_root(void **state)
{
  (void)state;
  for (int w = first_mode(); w < 2; w++) {
    assert_accepted("a.c", w, "a.c");
    assert_accepted(".//sub///./b.c", w, "sub/b.c");
    assert_accepted("sub\\b.c", w, "sub/b.c");
    assert_accepted("sub/gone.c", w, "sub/gone.c"); /* a deleted file */
    pt_buf abs = PT_BUF_INIT;
    assert_int_equal(pt_buf_printf(&abs, "%s/sub/b.c", root), 0);
    assert_accepted(abs.ptr, w, "sub/b.c");
    pt_buf_fini(&abs);
  }
}

static void live_path_check__refuses_leaving_the_root(void **state)
{
  (void)state;
  for (int w = first_mode(); w < 2; w++) {
    assert_int_equal(check("../a.c", w, NULL), PT_LIVE_PATH_DOTDOT);
    assert_int_equal(check("sub/../a.c", w, NULL), PT_LIVE_PATH_DOTDOT);
    assert_int_equal(check("sub\\..\\..\\x", w, NULL), PT_LIVE_PATH_DOTDOT);
    assert_int_equal(check("/etc/passwd", w, NULL), PT_LIVE_PATH_OUTSIDE);
    assert_int_equal(check(".", w, NULL), PT_LIVE_PATH_ROOT);
    assert_int_equal(check(root, w, NULL), PT_LIVE_PATH_ROOT);
    assert_int_equal(check("", w, NULL), PT_LIVE_PATH_EMPTY);
  }
}

/* Under Windows' rules a name can mean another file or a device. */
static void live_path_check__windows_names_refuse_aliases_and_devices(void **state)
{
  (void)state;
  static const char *const refused[] = {
      "NUL", "sub/nul.c", "CON", "aux.h", "COM1.c", "lpt9", "COM\xc2\xb9",
      "conin$", "NUL .c", "a.c::$DATA", "a.c:hidden", "a.c.", "a.c ",
      "sub./b.c", "a<b.c", "a|b.c", "a?.c", "a*.c", "a\"b.c", "a\x01.c",
      "\\\\?\\C:\\a.c", "\\\\.\\COM1", "//?/C:/a.c", "C:a.c", "C:",
      "\xc0\xae\xc0\xae/a.c", "\xff.c"};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
    if (check(refused[i], 1, NULL) != PT_LIVE_PATH_RESERVED)
      fail_msg("accepted '%s' under Windows rules", refused[i]);
  /* names that only look like devices */
  assert_accepted("console.c", 1, "console.c");
  assert_accepted("com10.c", 1, "com10.c");
  assert_accepted("nul_test.c", 1, "nul_test.c");
  /* a UNC name or another drive is not below the root */
  assert_int_equal(check("\\\\server\\share\\a.c", 1, NULL),
                   PT_LIVE_PATH_OUTSIDE);
}

/* On POSIX those are plain names of files below the root; "a:b.c" was
 * once read as a drive letter and refused as outside the root. */
static void live_path_check__posix_names_are_their_bytes(void **state)
{
  (void)state;
  if (pt_defaults_windows_names())
    skip();
  static const char *const plain[] = {"aux.c", "NUL", "a:b.c", "C:a.c",
                                      "a.c.", "a.c ", "a?.c", "\xff.c"};
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
    assert_accepted(plain[i], 0, plain[i]);
  /* an absolute name ending in ':' is no drive either (fuzz_reindex_path
   * found " i:/": the drive's '/' added on POSIX) */
  pt_buf abs = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&abs, "%s/ i:", root), 0);
  assert_accepted(abs.ptr, 0, " i:");
  pt_buf_fini(&abs);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(live_path_check__accepts_paths_below_the_root),
      cmocka_unit_test(live_path_check__refuses_leaving_the_root),
      cmocka_unit_test(live_path_check__windows_names_refuse_aliases_and_devices),
      cmocka_unit_test(live_path_check__posix_names_are_their_bytes),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
