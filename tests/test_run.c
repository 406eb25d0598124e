/* pt/sys/run.h on this platform: the suite runs its own executable as the
 * child (main's "child" mode), so no other program is needed. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/run.h"

static const char *self;

/* The child: "child print N CODE" writes N bytes of 'x' to stdout and a
 * line to stderr, then exits with CODE; "child args A B ..." writes its
 * arguments joined by '|'; "child sleep" sleeps for a minute. */
static int child(int argc, char **argv)
{
  if (argc >= 5 && strcmp(argv[2], "print") == 0) {
    long n = strtol(argv[3], NULL, 10);
    for (long i = 0; i < n; i++)
      fputc('x', stdout);
    fputs("child stderr line\n", stderr);
    return (int)strtol(argv[4], NULL, 10);
  }
  if (argc >= 3 && strcmp(argv[2], "args") == 0) {
    for (int i = 3; i < argc; i++)
      printf("%s%s", i > 3 ? "|" : "", argv[i]);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[2], "sleep") == 0) {
    pt_sleep_ms(60000);
    return 0;
  }
  return 99;
}

static void run__captures_stdout_stderr_and_the_exit_status(void **state)
{
  (void)state;
  const char *argv[] = {self, "child", "print", "5", "3", NULL};
  pt_run_opts o = {argv, NULL, 1024, 30000};
  pt_run_result r;
  assert_int_equal(pt_run(&o, &r), 0);
  assert_int_equal(r.exit_code, 3);
  assert_string_equal(r.out, "xxxxx");
  assert_int_equal(r.out_len, 5);
  assert_false(r.is_truncated);
  assert_non_null(strstr(r.err, "child stderr line"));
  pt_run_result_fini(&r);
}

static void run__keeps_stdout_up_to_the_limit(void **state)
{
  (void)state;
  const char *argv[] = {self, "child", "print", "200000", "0", NULL};
  pt_run_opts o = {argv, NULL, 1000, 30000};
  pt_run_result r;
  assert_int_equal(pt_run(&o, &r), 0);
  assert_int_equal(r.exit_code, 0);
  assert_int_equal(r.out_len, 1000);
  assert_int_equal(strlen(r.out), 1000);
  assert_true(r.is_truncated);
  pt_run_result_fini(&r);
}

static void run__passes_arguments_unchanged_without_a_shell(void **state)
{
  (void)state;
  const char *argv[] = {self,      "child",    "args", "a b",   "",
                        "q\"uo\"te", "back\\",   "b\\\"s", "$HOME;|&", NULL};
  pt_run_opts o = {argv, NULL, 1024, 30000};
  pt_run_result r;
  assert_int_equal(pt_run(&o, &r), 0);
  assert_int_equal(r.exit_code, 0);
  assert_string_equal(r.out, "a b||q\"uo\"te|back\\|b\\\"s|$HOME;|&");
  pt_run_result_fini(&r);
}

static void run__a_missing_program_is_enotfound(void **state)
{
  (void)state;
  const char *argv[] = {"pt-no-such-program-7f3a", "x", NULL};
  pt_run_opts o = {argv, NULL, 1024, 30000};
  pt_run_result r;
  assert_int_equal(pt_run(&o, &r), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, "pt-no-such-program-7f3a"));
  assert_null(r.out);
  pt_run_result_fini(&r);
  pt_error_clear();
}

static void run__kills_a_program_past_the_timeout(void **state)
{
  (void)state;
  const char *argv[] = {self, "child", "sleep", NULL};
  pt_run_opts o = {argv, NULL, 1024, 300};
  pt_run_result r;
  uint64_t t0 = pt_clock_ns();
  assert_int_equal(pt_run(&o, &r), PT_EBUSY);
  assert_true(pt_clock_ns() - t0 < 20000000000ull);
  pt_error_clear();
}

static void run__an_empty_argv_is_einval(void **state)
{
  (void)state;
  const char *argv[] = {NULL};
  pt_run_opts o = {argv, NULL, 1024, 0};
  pt_run_result r;
  assert_int_equal(pt_run(&o, &r), PT_EINVAL);
  pt_error_clear();
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "child") == 0)
    return child(argc, argv);
  self = argv[0];
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(run__captures_stdout_stderr_and_the_exit_status),
    cmocka_unit_test(run__keeps_stdout_up_to_the_limit),
    cmocka_unit_test(run__passes_arguments_unchanged_without_a_shell),
    cmocka_unit_test(run__a_missing_program_is_enotfound),
    cmocka_unit_test(run__kills_a_program_past_the_timeout),
    cmocka_unit_test(run__an_empty_argv_is_einval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
