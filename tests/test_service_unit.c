/* The text of the user services (service/unit_text.h): the systemd unit
 * and the launchd property list, whole for a plain spec, and the quoting
 * of paths holding spaces, quotes, backslashes, '%', '$' and XML's
 * special characters. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "test_support.h"
#include "unit_text.h"

static const pt_unit_spec plain = {
    "proj", "/usr/local/bin/parseltongue", "/src/proj",
    "sqlite:/home/u/.local/share/parseltongue/proj/analysis.db", 7777, NULL};

static char *systemd_text(const pt_unit_spec *u)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__unit_systemd(u, &b), 0);
  return pt_buf_detach(&b);
}

static char *launchd_text(const pt_unit_spec *u)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__unit_launchd(u, &b), 0);
  return pt_buf_detach(&b);
}

/* The one line of text that starts with prefix; fails when there is none. */
static char *line_of(const char *text, const char *prefix)
{
  const char *p = strstr(text, prefix);
  assert_non_null(p);
  const char *end = strchr(p, '\n');
  return pt_strndup(p, end ? (size_t)(end - p) : strlen(p));
}

static void unit_systemd__plain_spec_gives_the_whole_unit(void **state)
{
  char *t = systemd_text(&plain);
  assert_string_equal(t,
      "# Parseltongue service \"proj\", written by 'parseltongue service "
      "install';\n"
      "# 'parseltongue service uninstall --name proj' removes it.\n"
      "[Unit]\n"
      "Description=Parseltongue code graph of /src/proj\n"
      "\n"
      "[Service]\n"
      "Type=exec\n"
      "ExecStart=/usr/local/bin/parseltongue serve --db "
      "sqlite:/home/u/.local/share/parseltongue/proj/analysis.db --root "
      "/src/proj --port 7777\n"
      "Restart=on-failure\n"
      "RestartSec=5\n"
      "TimeoutStopSec=120\n"
      "\n"
      "[Install]\n"
      "WantedBy=default.target\n");
  pt_free(t);
}

static void unit_systemd__quotes_paths_with_spaces(void **state)
{
  pt_unit_spec u = plain;
  u.program = "/opt/My Tools/parseltongue";
  u.root = "/src/my proj";
  char *t = systemd_text(&u);
  char *exec = line_of(t, "ExecStart=");
  assert_string_equal(exec, "ExecStart=\"/opt/My Tools/parseltongue\" serve "
      "--db sqlite:/home/u/.local/share/parseltongue/proj/analysis.db --root "
      "\"/src/my proj\" --port 7777");
  pt_free(exec);
  pt_free(t);
}

static void unit_systemd__doubles_percent_and_dollar(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/100%/$HOME";
  u.db = "sqlite:/d/%h.db";
  char *t = systemd_text(&u);
  char *exec = line_of(t, "ExecStart=");
  assert_string_equal(exec, "ExecStart=/usr/local/bin/parseltongue serve "
      "--db sqlite:/d/%%h.db --root /src/100%%/$$HOME --port 7777");
  char *desc = line_of(t, "Description=");
  assert_string_equal(desc,
      "Description=Parseltongue code graph of /src/100%%/$HOME");
  pt_free(desc);
  pt_free(exec);
  pt_free(t);
}

static void unit_systemd__escapes_quotes_and_backslashes(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/a \"b\" c\\d 'e';f";
  char *t = systemd_text(&u);
  char *exec = line_of(t, "ExecStart=");
  assert_string_equal(exec, "ExecStart=/usr/local/bin/parseltongue serve "
      "--db sqlite:/home/u/.local/share/parseltongue/proj/analysis.db --root "
      "\"/src/a \\\"b\\\" c\\\\d 'e';f\" --port 7777");
  pt_free(exec);
  pt_free(t);
}

static void unit_systemd__takes_dollar_in_the_program_path_as_it_is(void **state)
{
  pt_unit_spec u = plain;
  u.program = "/opt/a$b %c/parseltongue";
  char *t = systemd_text(&u);
  char *exec = line_of(t, "ExecStart=");
  assert_true(pt_str_starts_with(
      exec, "ExecStart=\"/opt/a$b %%c/parseltongue\" serve "));
  pt_free(exec);
  pt_free(t);
}

static void unit_systemd__refuses_quotes_in_the_program_path(void **state)
{
  const char *bad[] = {"/opt/a\"b/parseltongue", "/opt/a'b/parseltongue",
                       "/opt/a\\b/parseltongue"};
  for (size_t i = 0; i < 3; i++) {
    pt_unit_spec u = plain;
    u.program = bad[i];
    pt_buf b = PT_BUF_INIT;
    assert_int_equal(pt__unit_systemd(&u, &b), PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message, "quote or a backslash"));
    pt_buf_fini(&b);
  }
}

static void unit_systemd__refuses_a_control_character(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/a\nExecStartPre=/bin/false";
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__unit_systemd(&u, &b), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "control character"));
  pt_buf_fini(&b);
}

static void unit_launchd__plain_spec_gives_the_whole_plist(void **state)
{
  pt_unit_spec u = plain;
  u.log_path = "/Users/u/Library/Logs/parseltongue-proj.log";
  char *t = launchd_text(&u);
  assert_string_equal(t,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<!-- Written by 'parseltongue service install'; 'parseltongue "
      "service uninstall' removes it. -->\n"
      "<plist version=\"1.0\">\n"
      "<dict>\n"
      "  <key>Label</key>\n"
      "  <string>com.parseltongue.proj</string>\n"
      "  <key>ProgramArguments</key>\n"
      "  <array>\n"
      "    <string>/usr/local/bin/parseltongue</string>\n"
      "    <string>serve</string>\n"
      "    <string>--db</string>\n"
      "    <string>sqlite:/home/u/.local/share/parseltongue/proj/analysis.db"
      "</string>\n"
      "    <string>--root</string>\n"
      "    <string>/src/proj</string>\n"
      "    <string>--port</string>\n"
      "    <string>7777</string>\n"
      "  </array>\n"
      "  <key>RunAtLoad</key>\n"
      "  <true/>\n"
      "  <key>KeepAlive</key>\n"
      "  <dict>\n"
      "    <key>SuccessfulExit</key>\n"
      "    <false/>\n"
      "  </dict>\n"
      "  <key>ProcessType</key>\n"
      "  <string>Background</string>\n"
      "  <key>StandardOutPath</key>\n"
      "  <string>/Users/u/Library/Logs/parseltongue-proj.log</string>\n"
      "  <key>StandardErrorPath</key>\n"
      "  <string>/Users/u/Library/Logs/parseltongue-proj.log</string>\n"
      "</dict>\n"
      "</plist>\n");
  pt_free(t);
}

static void unit_launchd__escapes_xml_and_keeps_shell_characters(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/R&D <new> \"x\" 'y' 100% $HOME \\z";
  char *t = launchd_text(&u);
  assert_non_null(strstr(t, "    <string>/src/R&amp;D &lt;new&gt; "
                            "&quot;x&quot; &apos;y&apos; 100% $HOME "
                            "\\z</string>\n"));
  pt_free(t);
}

static void unit_launchd__refuses_a_control_character(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/a\x01";
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__unit_launchd(&u, &b), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "control character"));
  pt_buf_fini(&b);
}

/* The hardest paths a unit carries, read back word for word. */
static const char *const hard_roots[] = {
    "/src/plain", "/src/my proj", "/src/100%/%h/$HOME/${X}/$$",
    "/src/a \"b\" c\\d 'e';f", "/src/R&D <new> &amp; \\\"",
    "/src/caf\xc3\xa9 \\",
    "/src/ends with backslash\\"};

static void check_args(char **v, size_t n, const pt_unit_spec *u)
{
  assert_int_equal(n, 8);
  assert_string_equal(v[0], u->program);
  assert_string_equal(v[1], "serve");
  assert_string_equal(v[3], u->db);
  assert_string_equal(v[5], u->root);
  assert_string_equal(v[7], "7777");
}

static void unit_systemd_args__reads_back_every_path_it_wrote(void **state)
{
  for (size_t i = 0; i < sizeof hard_roots / sizeof *hard_roots; i++) {
    pt_unit_spec u = plain;
    u.root = hard_roots[i];
    u.program = "/opt/my tools 100%/$x/parseltongue";
    char *t = systemd_text(&u), **v = NULL;
    size_t n = 0;
    assert_int_equal(pt__unit_systemd_args(t, &v, &n), 0);
    check_args(v, n, &u);
    pt_strv_free(v, n);
    pt_free(t);
  }
}

static void unit_launchd_args__reads_back_every_path_it_wrote(void **state)
{
  for (size_t i = 0; i < sizeof hard_roots / sizeof *hard_roots; i++) {
    pt_unit_spec u = plain;
    u.root = hard_roots[i];
    u.program = hard_roots[(i + 1) % (sizeof hard_roots / sizeof *hard_roots)];
    char *t = launchd_text(&u), **v = NULL;
    size_t n = 0;
    assert_int_equal(pt__unit_launchd_args(t, &v, &n), 0);
    check_args(v, n, &u);
    pt_strv_free(v, n);
    pt_free(t);
  }
}

static void unit_args__text_without_a_command_is_a_parse_error(void **state)
{
  char **v = NULL;
  size_t n = 0;
  assert_int_equal(pt__unit_systemd_args("[Service]\nType=exec\n", &v, &n),
                   PT_EPARSE);
  assert_int_equal(pt__unit_systemd_args("x\nExecStart=/bin/a \"b\n", &v, &n),
                   PT_EPARSE);
  assert_int_equal(pt__unit_launchd_args("<plist></plist>", &v, &n), PT_EPARSE);
  assert_null(v);
}

static void unit_check_name__accepts_letters_digits_dot_dash_underscore(void **state)
{
  assert_int_equal(pt__unit_check_name("my-proj_2.x"), 0);
  assert_int_equal(pt__unit_check_name("a"), 0);
}

static void unit_check_name__refuses_what_a_file_or_label_cannot_hold(void **state)
{
  const char *bad[] = {"", "my proj", "a/b", "../x", ".hidden", "-x", "a%b",
                       "a$b", "caf\xc3\xa9",
                       "a234567890123456789012345678901234567890"
                       "1234567890123456789012345"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(pt__unit_check_name(bad[i]), PT_EINVAL);
  assert_int_equal(pt__unit_check_name(NULL), PT_EINVAL);
  pt_unit_spec u = plain;
  u.name = "a/b";
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__unit_systemd(&u, &b), PT_EINVAL);
  assert_int_equal(pt__unit_launchd(&u, &b), PT_EINVAL);
  pt_buf_fini(&b);
}

static void unit_text__out_of_memory_is_an_error_without_leaks(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/my proj %x";
  u.log_path = "/tmp/log";
  for (int kind = 0; kind < 2; kind++) {
    int rc = PT_ENOMEM;
    for (unsigned long n = 1; rc == PT_ENOMEM && n < 1000; n++) {
      pt_buf b = PT_BUF_INIT;
      pt_alloc_fail_after(n);
      rc = kind ? pt__unit_launchd(&u, &b) : pt__unit_systemd(&u, &b);
      pt_alloc_fail_after(0);
      pt_buf_fini(&b);
    }
    assert_int_equal(rc, 0);
  }
}

static void unit_args__out_of_memory_is_an_error_without_leaks(void **state)
{
  pt_unit_spec u = plain;
  u.root = "/src/my proj %x &amp;";
  char *text[2] = {systemd_text(&u), launchd_text(&u)};
  for (int kind = 0; kind < 2; kind++) {
    int rc = PT_ENOMEM;
    for (unsigned long n = 1; rc == PT_ENOMEM && n < 1000; n++) {
      char **v = NULL;
      size_t k = 0;
      pt_alloc_fail_after(n);
      rc = kind ? pt__unit_launchd_args(text[kind], &v, &k)
                : pt__unit_systemd_args(text[kind], &v, &k);
      pt_alloc_fail_after(0);
      pt_strv_free(v, k);
    }
    assert_int_equal(rc, 0);
  }
  pt_free(text[0]);
  pt_free(text[1]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unit_systemd__plain_spec_gives_the_whole_unit),
      cmocka_unit_test(unit_systemd__quotes_paths_with_spaces),
      cmocka_unit_test(unit_systemd__doubles_percent_and_dollar),
      cmocka_unit_test(unit_systemd__escapes_quotes_and_backslashes),
      cmocka_unit_test(unit_systemd__takes_dollar_in_the_program_path_as_it_is),
      cmocka_unit_test(unit_systemd__refuses_quotes_in_the_program_path),
      cmocka_unit_test(unit_systemd__refuses_a_control_character),
      cmocka_unit_test(unit_launchd__plain_spec_gives_the_whole_plist),
      cmocka_unit_test(unit_launchd__escapes_xml_and_keeps_shell_characters),
      cmocka_unit_test(unit_launchd__refuses_a_control_character),
      cmocka_unit_test(unit_systemd_args__reads_back_every_path_it_wrote),
      cmocka_unit_test(unit_launchd_args__reads_back_every_path_it_wrote),
      cmocka_unit_test(unit_args__text_without_a_command_is_a_parse_error),
      cmocka_unit_test(unit_check_name__accepts_letters_digits_dot_dash_underscore),
      cmocka_unit_test(unit_check_name__refuses_what_a_file_or_label_cannot_hold),
      cmocka_unit_test(unit_text__out_of_memory_is_an_error_without_leaks),
      cmocka_unit_test(unit_args__out_of_memory_is_an_error_without_leaks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
