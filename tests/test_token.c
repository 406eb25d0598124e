/* The bearer token's file (pt_server_token_file, pt/server.h) over real
 * files, and the OS's random generator behind it (pt/sys/secret.h). The
 * HTTP side (401, the health check, the file's mode) is e2e_token's. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/server.h"
#include "pt/sys/fs.h"
#include "pt/sys/secret.h"
#include "test_support.h"

static char *path_in(const char *dir, const char *name)
{
  pt_buf b = PT_BUF_INIT;
  pt_buf_printf(&b, "%s/%s", dir, name);
  return pt_buf_detach(&b);
}

static void secret_random__gives_different_bytes_each_call(void **state)
{
  unsigned char a[32], b[32], zero[32] = {0};
  assert_int_equal(pt_secret_random(a, sizeof a), 0);
  assert_int_equal(pt_secret_random(b, sizeof b), 0);
  assert_memory_not_equal(a, b, sizeof a);
  assert_memory_not_equal(a, zero, sizeof a);
}

static void token_file__creates_a_missing_file_with_a_new_token(void **state)
{
  char *dir = pt_test_tmpdir("token_new");
  char *p1 = path_in(dir, "one"), *p2 = path_in(dir, "two");
  char t1[PT_TOKEN_MAX + 1], t2[PT_TOKEN_MAX + 1], again[PT_TOKEN_MAX + 1];
  int created = 0;
  assert_int_equal(pt_server_token_file(p1, NULL, t1, &created), 0);
  assert_true(created);
  assert_int_equal(strlen(t1), 64);
  assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
  assert_int_equal(pt_server_token_file(p2, NULL, t2, &created), 0);
  assert_string_not_equal(t1, t2);
  /* read back: the same token, not made again */
  assert_int_equal(pt_server_token_file(p1, NULL, again, &created), 0);
  assert_false(created);
  assert_string_equal(again, t1);
  char *text = pt_test_read(p1);
  assert_int_equal(strncmp(text, t1, 64), 0);
  assert_string_equal(text + 64, "\n");
  pt_free(text);
  pt_free(p1);
  pt_free(p2);
  pt_free(dir);
}

static void token_file__reads_a_token_without_the_space_around_it(void **state)
{
  char *dir = pt_test_tmpdir("token_read");
  char *p = path_in(dir, "tok");
  char t[PT_TOKEN_MAX + 1];
  int created = 1;
  assert_int_equal(pt_secret_create(p, "  abcdefABCDEF0123-._~+/==\r\n", 28,
                                    NULL), 0);
  assert_int_equal(pt_server_token_file(p, NULL, t, &created), 0);
  assert_false(created);
  assert_string_equal(t, "abcdefABCDEF0123-._~+/==");
  pt_free(p);
  pt_free(dir);
}

/* Each bad content is refused naming the file, never quoting the text. */
static void token_file__refuses_what_is_not_a_token(void **state)
{
  static const struct {
    const char *text, *why;
  } bad[] = {
      {"", "no token"},
      {" \n", "no token"},
      {"secret123456789", "too short"},             /* 15 characters */
      {"secret1234567890 x", "character 17 is not"},
      {"secret1234567890\nsecond-line-token", "character 17 is not"},
      {"secret12345=67890", "character 13 is not"}, /* '=' only at the end */
  };
  char *dir = pt_test_tmpdir("token_bad");
  char long_text[PT_TOKEN_MAX + 2];
  memset(long_text, 'a', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  for (size_t i = 0; i <= sizeof bad / sizeof *bad; i++) {
    const char *text = i < sizeof bad / sizeof *bad ? bad[i].text : long_text;
    const char *why = i < sizeof bad / sizeof *bad ? bad[i].why : "longer than";
    char name[16], t[PT_TOKEN_MAX + 1];
    int created = 1;
    snprintf(name, sizeof name, "bad%zu", i);
    char *p = path_in(dir, name);
    assert_int_equal(pt_secret_create(p, text, strlen(text), NULL), 0);
    assert_int_equal(pt_server_token_file(p, NULL, t, &created), PT_EINVAL);
    assert_false(created);
    const char *msg = pt_error_last()->message;
    assert_non_null(strstr(msg, p));
    assert_non_null(strstr(msg, why));
    if (*text)
      assert_null(strstr(msg, "secret1234"));
    pt_error_clear();
    pt_free(p);
  }
  pt_free(dir);
}

static void secret_create__never_replaces_a_file(void **state)
{
  char *dir = pt_test_tmpdir("token_exists");
  char *p = path_in(dir, "tok");
  pt_test_write(dir, "tok", "theirs-0123456789\n");
  assert_int_equal(pt_secret_create(p, "mine", 4, NULL), PT_EEXISTS);
  pt_error_clear();
  char *text = pt_test_read(p);
  assert_string_equal(text, "theirs-0123456789\n");
  pt_free(text);
  pt_free(p);
  pt_free(dir);
}

static void token_file__in_a_missing_folder_is_an_error(void **state)
{
  char *dir = pt_test_tmpdir("token_nodir");
  char *p = path_in(dir, "no/such/tok");
  char t[PT_TOKEN_MAX + 1];
  int created = 1;
  assert_int_equal(pt_server_token_file(p, NULL, t, &created), PT_ENOTFOUND);
  assert_false(created);
  assert_non_null(strstr(pt_error_last()->message, "cannot create"));
  pt_error_clear();
  pt_free(p);
  pt_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(secret_random__gives_different_bytes_each_call),
      cmocka_unit_test(token_file__creates_a_missing_file_with_a_new_token),
      cmocka_unit_test(token_file__reads_a_token_without_the_space_around_it),
      cmocka_unit_test(token_file__refuses_what_is_not_a_token),
      cmocka_unit_test(secret_create__never_replaces_a_file),
      cmocka_unit_test(token_file__in_a_missing_folder_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
