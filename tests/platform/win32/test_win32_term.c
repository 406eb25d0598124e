/* pt_term_init on Windows: the arguments a program gets are the UTF-16
 * command line split by the C runtime's rules and turned into UTF-8, also
 * for names the ANSI code page cannot hold (checked in a child process:
 * this program started again with "--child ARG"). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string.h>

#include "../../../platform/win32/term_int.h"
#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/term.h"
#include "test_support.h"

#define DONNEES "donn\xc3\xa9" "es"
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.c"

static void free_args(int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    pt_free(argv[i]);
  pt_free(argv);
}

/* Splits cmdline and compares with the n expected arguments. */
static void expect_split(const wchar_t *cmdline, int n, const char *const *want)
{
  int argc = 0;
  char **argv = NULL;
  assert_int_equal(pt__term_split_args(cmdline, &argc, &argv), 0);
  assert_int_equal(argc, n);
  for (int i = 0; i < n; i++)
    assert_string_equal(argv[i], want[i]);
  assert_null(argv[n]);
  free_args(argc, argv);
}

static void split__quoted_program_name_keeps_its_spaces(void **state)
{
  const char *want[] = {"C:\\Program Files\\pt\\pt.exe", "index"};
  expect_split(L"\"C:\\Program Files\\pt\\pt.exe\" index", 2, want);
}

static void split__program_name_keeps_its_backslashes(void **state)
{
  const char *want[] = {"C:\\pt\\pt.exe", "x"};
  expect_split(L"C:\\pt\\pt.exe x", 2, want);
}

static void split__blanks_separate_outside_quotes(void **state)
{
  const char *want[] = {"p", "x", "y", "c d"};
  expect_split(L"p   x\ty  \"c d\"  ", 4, want);
}

static void split__backslashes_are_literal_unless_before_a_quote(void **state)
{
  const char *want[] = {"p", "a\\\\b", "C:\\dir\\"};
  expect_split(L"p a\\\\b C:\\dir\\", 3, want);
}

static void split__backslash_pairs_before_a_quote_halve(void **state)
{
  const char *want[] = {"p", "e\"f", "g\\", "h"};
  expect_split(L"p e\\\"f \"g\\\\\" h", 4, want);
}

static void split__double_quote_inside_quotes_is_a_quote(void **state)
{
  const char *want[] = {"p", "a\"b", ""};
  expect_split(L"p \"a\"\"b\" \"\"", 3, want);
}

static void split__gives_utf8(void **state)
{
  const char *want[] = {"p", DONNEES, NIHONGO};
  expect_split(L"p donn\u00e9es \u65e5\u672c\u8a9e.c", 3, want);
}

static void split__rejects_unpaired_surrogates(void **state)
{
  const wchar_t bad[] = {L'p', L' ', 0xdc00, 0};
  int argc = 0;
  char **argv = NULL;
  assert_int_equal(pt__term_split_args(bad, &argc, &argv), PT_EINVAL);
  assert_null(argv);
  pt_error_clear();
}

/* The child gets its arguments in UTF-8 through pt_term_init, whatever
 * the ANSI code page makes of them in main's argv. */
static void term_init__child_sees_its_arguments_in_utf8(void **state)
{
  wchar_t exe[MAX_PATH], line[2 * MAX_PATH];
  DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
  assert_true(n > 0 && n < MAX_PATH);
  assert_true(_snwprintf(line, 2 * MAX_PATH,
                         L"\"%ls\" --child donn\u00e9es \"\u65e5\u672c "
                         L"\u8a9e.c\"", exe) > 0);
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  assert_true(CreateProcessW(exe, line, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                             &pi));
  assert_int_equal(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
  DWORD code = 99;
  assert_true(GetExitCodeProcess(pi.hProcess, &code));
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  assert_int_equal(code, 0);
}

/* A process started with Ctrl-C ignored (a new process group) takes it
 * again: the call the serving CLI makes first must not fail, console or
 * not, or every start would warn. */
static void stop_default__takes_ctrl_c_back(void **state)
{
  (void)state;
  SetConsoleCtrlHandler(NULL, TRUE); /* as a parent's choice leaves it */
  assert_int_equal(pt_term_stop_default(), 0);
  assert_int_equal(pt_term_stop_default(), 0); /* again: no harm */
}

/* 0 when the arguments came through as sent, 2-4 naming what did not. */
static int child_main(void)
{
  int argc = 0;
  char **argv = NULL;
  if (pt_term_init(&argc, &argv) != 0)
    return 2;
  if (argc != 4 || strcmp(argv[1], "--child") != 0)
    return 3;
  if (strcmp(argv[2], DONNEES) != 0 ||
      strcmp(argv[3], "\xe6\x97\xa5\xe6\x9c\xac \xe8\xaa\x9e.c") != 0)
    return 4;
  return 0;
}

int main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "--child") == 0)
    return child_main();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(split__quoted_program_name_keeps_its_spaces),
      cmocka_unit_test(split__program_name_keeps_its_backslashes),
      cmocka_unit_test(split__blanks_separate_outside_quotes),
      cmocka_unit_test(split__backslashes_are_literal_unless_before_a_quote),
      cmocka_unit_test(split__backslash_pairs_before_a_quote_halve),
      cmocka_unit_test(split__double_quote_inside_quotes_is_a_quote),
      cmocka_unit_test(split__gives_utf8),
      cmocka_unit_test(split__rejects_unpaired_surrogates),
      cmocka_unit_test(term_init__child_sees_its_arguments_in_utf8),
      cmocka_unit_test(stop_default__takes_ctrl_c_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
