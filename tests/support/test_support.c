/* Helpers shared by the cmocka suites (test_support.h). */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/sys/fs.h"
#include "test_support.h"

char *pt_test_tmpdir(const char *tag)
{
  static unsigned counter;
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s-%lu-%u", PT_TEST_TMP, tag,
                                 pt_fs_process_id(), counter++), 0);
  assert_int_equal(pt_fs_remove_tree(b.ptr), 0);
  assert_int_equal(pt_fs_mkdir_p(b.ptr), 0);
  return pt_buf_detach(&b);
}

void pt_test_write(const char *dir, const char *rel, const char *text)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", dir, rel), 0);
  char *slash = strrchr(b.ptr, '/');
  *slash = '\0';
  assert_int_equal(pt_fs_mkdir_p(b.ptr), 0);
  *slash = '/';
  assert_int_equal(pt_fs_write_file(b.ptr, text, strlen(text)), 0);
  pt_buf_fini(&b);
}

char *pt_test_read(const char *path)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_fs_read_file(path, &b), 0);
  return pt_buf_detach(&b);
}
