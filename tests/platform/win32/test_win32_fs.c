/* pt/sys/fs.h on Windows: UTF-8 names reach the disk as the right UTF-16
 * names (checked with the wide Win32 calls directly), paths longer than
 * MAX_PATH work, realpath gives '/' and no \\?\ prefix, and the UTF-16
 * helpers of utf16.h round-trip and reject what cannot be converted. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string.h>
#include <time.h>

#include "../../../platform/win32/utf16.h"
#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "test_support.h"

/* "données/日本語.c" spelled out, so the test does not depend on the
 * compiler's source charset. */
#define DONNEES "donn\xc3\xa9" "es"
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.c"
#define EMOJI "\xf0\x9f\x98\x80" /* U+1F600, a surrogate pair in UTF-16 */

typedef struct fixture {
  char *dir;             /* owned */
} fixture;

static int setup(void **state)
{
  fixture *f = pt_calloc(1, sizeof *f);
  assert_non_null(f);
  f->dir = pt_test_tmpdir("fs");
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  pt_fs_remove_tree(f->dir);
  pt_free(f->dir);
  pt_free(f);
  return 0;
}

static char *path_of(const fixture *f, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", f->dir, rel), 0);
  return pt_buf_detach(&b);
}

/* The wide path of the fixture folder plus a wide suffix, for checking
 * the disk with Win32 calls that do not go through our conversion. */
static wchar_t *wide_path_of(const fixture *f, const wchar_t *suffix)
{
  wchar_t *dir = NULL;
  assert_int_equal(pt__utf16_path(f->dir, &dir), 0);
  size_t n = wcslen(dir), ns = wcslen(suffix);
  wchar_t *w = pt_malloc((n + ns + 2) * sizeof *w);
  assert_non_null(w);
  memcpy(w, dir, n * sizeof *w);
  w[n] = L'\\';
  memcpy(w + n + 1, suffix, (ns + 1) * sizeof *w);
  pt_free(dir);
  return w;
}

typedef struct found {
  char names[8][64];
  pt_fs_type types[8];
  int n;
} found;

static int collect(const char *name, pt_fs_type type, void *payload)
{
  found *fd = payload;
  assert_true(fd->n < 8);
  assert_int_equal(pt_snprintf(fd->names[fd->n], 64, "%s", name), 0);
  fd->types[fd->n++] = type;
  return 0;
}

static void utf16__round_trips_non_ascii_text(void **state)
{
  const char *texts[] = {"plain.c", DONNEES "/" NIHONGO, EMOJI "x", ""};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    wchar_t *w = NULL;
    char *back = NULL;
    assert_int_equal(pt__utf16_from_utf8(texts[i], &w), 0);
    assert_int_equal(pt__utf16_to_utf8(w, -1, &back), 0);
    assert_string_equal(back, texts[i]);
    pt_free(back);
    pt_free(w);
  }
}

static void utf16_from_utf8__gives_the_code_units(void **state)
{
  wchar_t *w = NULL;
  assert_int_equal(pt__utf16_from_utf8(DONNEES EMOJI, &w), 0);
  assert_true(wcscmp(w, L"donn\u00e9es\xd83d\xde00") == 0);
  pt_free(w);
}

static void utf16_from_utf8__rejects_invalid_utf8(void **state)
{
  const char *bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    wchar_t *w = NULL;
    assert_int_equal(pt__utf16_from_utf8(bad[i], &w), PT_EINVAL);
    assert_null(w);
  }
  pt_error_clear();
}

static void utf16_to_utf8__rejects_unpaired_surrogates(void **state)
{
  const wchar_t lone[] = {L'a', 0xd800, L'b', 0};
  char *s = NULL;
  assert_int_equal(pt__utf16_to_utf8(lone, -1, &s), PT_EINVAL);
  assert_null(s);
  pt_error_clear();
}

static void utf16_to_utf8__converts_a_counted_name(void **state)
{
  char *s = NULL;
  assert_int_equal(pt__utf16_to_utf8(L"abcdef", 3, &s), 0);
  assert_string_equal(s, "abc");
  pt_free(s);
}

static void utf16_path__is_absolute_with_long_prefix(void **state)
{
  wchar_t *w = NULL;
  assert_int_equal(pt__utf16_path("C:/a/b/../c/./d.c", &w), 0);
  assert_true(wcscmp(w, L"\\\\?\\C:\\a\\c\\d.c") == 0);
  pt_free(w);
  assert_int_equal(pt__utf16_path("//server/share/x/y", &w), 0);
  assert_true(wcscmp(w, L"\\\\?\\UNC\\server\\share\\x\\y") == 0);
  pt_free(w);
  assert_int_equal(pt__utf16_path("\\\\?\\C:/keep/./as/is", &w), 0);
  assert_true(wcscmp(w, L"\\\\?\\C:\\keep\\.\\as\\is") == 0);
  pt_free(w);
}

static void utf16_path__makes_relative_paths_absolute(void **state)
{
  wchar_t *w = NULL, cwd[MAX_PATH];
  DWORD n = GetCurrentDirectoryW(MAX_PATH, cwd);
  assert_true(n > 0 && n < MAX_PATH);
  assert_int_equal(pt__utf16_path("sub/f.c", &w), 0);
  assert_true(wcsncmp(w, L"\\\\?\\", 4) == 0);
  assert_true(wcsncmp(w + 4, cwd, 2) == 0); /* same drive */
  assert_true(wcscmp(w + wcslen(w) - 8, L"\\sub\\f.c") == 0);
  pt_free(w);
}

static void utf16_path_to_portable__drops_prefix_and_backslashes(void **state)
{
  char a[] = "\\\\?\\C:\\a\\b.c", b[] = "\\\\?\\UNC\\srv\\share\\x",
       c[] = "D:\\plain";
  pt__utf16_path_to_portable(a);
  pt__utf16_path_to_portable(b);
  pt__utf16_path_to_portable(c);
  assert_string_equal(a, "C:/a/b.c");
  assert_string_equal(b, "//srv/share/x");
  assert_string_equal(c, "D:/plain");
}

/* Created, listed, stat'ed, read back and removed through pt/sys/fs.h;
 * the disk is checked with the wide calls, so a name written in the wrong
 * encoding (bytes taken as ANSI) fails. */
static void fs__non_ascii_names_work_end_to_end(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, DONNEES "/" NIHONGO, "int x;");
  wchar_t *w = wide_path_of(f, L"donn\u00e9es\\\u65e5\u672c\u8a9e.c");
  DWORD attrs = GetFileAttributesW(w);
  assert_true(attrs != INVALID_FILE_ATTRIBUTES);
  assert_false(attrs & FILE_ATTRIBUTE_DIRECTORY);

  found top = {0}, sub = {0};
  char *folder = path_of(f, DONNEES), *file = path_of(f, DONNEES "/" NIHONGO);
  assert_int_equal(pt_fs_list_dir(f->dir, collect, &top), 0);
  assert_int_equal(top.n, 1);
  assert_string_equal(top.names[0], DONNEES);
  assert_int_equal(top.types[0], PT_FS_DIR);
  assert_int_equal(pt_fs_list_dir(folder, collect, &sub), 0);
  assert_int_equal(sub.n, 1);
  assert_string_equal(sub.names[0], NIHONGO);
  assert_int_equal(sub.types[0], PT_FS_FILE);

  pt_fs_stat st;
  assert_int_equal(pt_fs_stat_path(file, &st), 0);
  assert_int_equal(st.type, PT_FS_FILE);
  assert_int_equal(st.size, 6);
  char *text = pt_test_read(file);
  assert_string_equal(text, "int x;");

  assert_int_equal(pt_fs_remove_tree(folder), 0);
  assert_true(GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES);
  assert_int_equal(pt_fs_stat_path(folder, &st), PT_ENOTFOUND);
  pt_error_clear();
  pt_free(text);
  pt_free(file);
  pt_free(folder);
  pt_free(w);
}

/* Three 100-character folders and a file: well past MAX_PATH (260). */
static void fs__paths_longer_than_max_path_work(void **state)
{
  fixture *f = *state;
  char part[101];
  memset(part, 'a', 100);
  part[100] = '\0';
  pt_buf rel = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&rel, "%s/%s/%s/long.c", part, part, part),
                   0);
  char *file = path_of(f, rel.ptr), *top = path_of(f, part);
  assert_true(strlen(file) > 300);
  pt_test_write(f->dir, rel.ptr, "long");

  pt_fs_stat st;
  assert_int_equal(pt_fs_stat_path(file, &st), 0);
  assert_int_equal(st.size, 4);
  char *text = pt_test_read(file);
  assert_string_equal(text, "long");
  char *real = NULL;
  assert_int_equal(pt_fs_realpath(file, &real), 0);
  assert_true(strlen(real) > 300);
  assert_true(pt_str_ends_with(real, "/long.c"));

  assert_int_equal(pt_fs_remove_tree(top), 0);
  assert_int_equal(pt_fs_stat_path(top, &st), PT_ENOTFOUND);
  pt_error_clear();
  pt_free(real);
  pt_free(text);
  pt_free(top);
  pt_free(file);
  pt_buf_fini(&rel);
}

static void fs_realpath__gives_slashes_and_no_prefix(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "sub/x.c", "x");
  char *twisty = path_of(f, "sub/../sub/./x.c"), *real = NULL;
  assert_int_equal(pt_fs_realpath(twisty, &real), 0);
  assert_null(strchr(real, '\\'));
  assert_null(strstr(real, "?"));
  assert_int_equal(real[1], ':');
  assert_int_equal(real[2], '/');
  assert_true(pt_str_ends_with(real, "/sub/x.c"));
  assert_null(strstr(real, "/../"));
  assert_null(strstr(real, "/./"));
  pt_free(real);
  pt_free(twisty);
}

static void fs_realpath__missing_path_is_notfound(void **state)
{
  fixture *f = *state;
  char *p = path_of(f, "missing"), *real = NULL;
  assert_int_equal(pt_fs_realpath(p, &real), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, "missing"));
  pt_error_clear();
  pt_free(p);
}

static void fs_stat__mtime_is_nanoseconds_since_the_unix_epoch(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "t.c", "t");
  char *p = path_of(f, "t.c");
  pt_fs_stat st;
  assert_int_equal(pt_fs_stat_path(p, &st), 0);
  int64_t now_ns = (int64_t)time(NULL) * 1000000000;
  assert_true(st.mtime_ns > now_ns - 120 * (int64_t)1000000000);
  assert_true(st.mtime_ns < now_ns + 120 * (int64_t)1000000000);
  pt_free(p);
}

static void fs_stat__missing_path_is_notfound(void **state)
{
  fixture *f = *state;
  char *p = path_of(f, "nope/nothing.c");
  pt_fs_stat st;
  assert_int_equal(pt_fs_stat_path(p, &st), PT_ENOTFOUND);
  pt_error_clear();
  pt_free(p);
}

static void fs_read_file__empty_file_gives_empty_string(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "empty.c", "");
  char *p = path_of(f, "empty.c");
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_fs_read_file(p, &b), 0);
  assert_int_equal(b.len, 0);
  assert_string_equal(pt_buf_cstr(&b), "");
  pt_buf_fini(&b);
  pt_free(p);
}

static void fs_remove__removes_a_read_only_file(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "ro.c", "ro");
  wchar_t *w = wide_path_of(f, L"ro.c");
  char *p = path_of(f, "ro.c");
  assert_true(SetFileAttributesW(w, FILE_ATTRIBUTE_READONLY));
  assert_int_equal(pt_fs_remove(p), 0);
  assert_true(GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES);
  pt_free(p);
  pt_free(w);
}

static void fs_remove__missing_file_is_fine(void **state)
{
  fixture *f = *state;
  char *p = path_of(f, "never.c");
  assert_int_equal(pt_fs_remove(p), 0);
  pt_free(p);
}

static void fs_mkdir_p__accepts_backslashes_and_existing_folders(void **state)
{
  fixture *f = *state;
  char *p = path_of(f, "a\\b/c");
  assert_int_equal(pt_fs_mkdir_p(p), 0);
  assert_int_equal(pt_fs_mkdir_p(p), 0);
  wchar_t *w = wide_path_of(f, L"a\\b\\c");
  DWORD attrs = GetFileAttributesW(w);
  assert_true(attrs != INVALID_FILE_ATTRIBUTES);
  assert_true(attrs & FILE_ATTRIBUTE_DIRECTORY);
  pt_free(w);
  pt_free(p);
}

static void fs_mkdir_p__file_in_the_way_is_eexists(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "file", "x");
  char *p = path_of(f, "file");
  assert_int_equal(pt_fs_mkdir_p(p), PT_EEXISTS);
  pt_error_clear();
  pt_free(p);
}

static void fs_write_file__replaces_contents(void **state)
{
  fixture *f = *state;
  pt_test_write(f->dir, "w.c", "a much longer first version");
  pt_test_write(f->dir, "w.c", "short");
  char *p = path_of(f, "w.c");
  char *text = pt_test_read(p);
  assert_string_equal(text, "short");
  pt_free(text);
  pt_free(p);
}

#define FS_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(utf16__round_trips_non_ascii_text),
      cmocka_unit_test(utf16_from_utf8__gives_the_code_units),
      cmocka_unit_test(utf16_from_utf8__rejects_invalid_utf8),
      cmocka_unit_test(utf16_to_utf8__rejects_unpaired_surrogates),
      cmocka_unit_test(utf16_to_utf8__converts_a_counted_name),
      cmocka_unit_test(utf16_path__is_absolute_with_long_prefix),
      cmocka_unit_test(utf16_path__makes_relative_paths_absolute),
      cmocka_unit_test(utf16_path_to_portable__drops_prefix_and_backslashes),
      FS_TEST(fs__non_ascii_names_work_end_to_end),
      FS_TEST(fs__paths_longer_than_max_path_work),
      FS_TEST(fs_realpath__gives_slashes_and_no_prefix),
      FS_TEST(fs_realpath__missing_path_is_notfound),
      FS_TEST(fs_stat__mtime_is_nanoseconds_since_the_unix_epoch),
      FS_TEST(fs_stat__missing_path_is_notfound),
      FS_TEST(fs_read_file__empty_file_gives_empty_string),
      FS_TEST(fs_remove__removes_a_read_only_file),
      FS_TEST(fs_remove__missing_file_is_fine),
      FS_TEST(fs_mkdir_p__accepts_backslashes_and_existing_folders),
      FS_TEST(fs_mkdir_p__file_in_the_way_is_eexists),
      FS_TEST(fs_write_file__replaces_contents),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
