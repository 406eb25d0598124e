/* Reference resolution (core/src/ingest/resolve.c), one tier at a time:
 * qualifier, enclosing type, same file, import, same directory, whole
 * language, and the unresolved placeholder when no tier decides. Each test
 * writes a few small files and runs them through the real ingest, and each
 * is built so that only the tier it names can give the edge it expects. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "test_support.h"

/* The brief dump (pt_graph_dump_brief) of a fresh folder holding `files`:
 * path, text, path, text, ..., NULL. Starts with '\n', so every line of
 * it can be looked for as "\n<line>\n". Caller frees. */
static char *brief_of(const char *tag, const char *const *files)
{
  char *tmp = pt_test_tmpdir(tag);
  for (size_t i = 0; files[i]; i += 2)
    pt_test_write(tmp, files[i], files[i + 1]);
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(st.n_errors, 0);
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_putc(&b, '\n'), 0);
  assert_int_equal(pt_graph_dump_brief(g, &b), 0);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(tmp);
  return pt_buf_detach(&b);
}

static void assert_has_line(const char *dump, const char *line)
{
  char want[512];
  snprintf(want, sizeof want, "\n%s\n", line);
  if (!strstr(dump, want))
    print_message("missing: %s\n--- brief dump ---%s", line, dump);
  assert_non_null(strstr(dump, want));
}

/* Square.area and Circle.area share a name and a file; the qualifier
 * Circle names the type, where the other tiers see two candidates or
 * (a qualified call) do not apply. */
static void resolve__qualifier_picks_the_method_of_the_named_type(void **state)
{
  static const char *const files[] = {
    "shapes.py",
    "class Circle:\n    def area(self):\n        return 1\n\n\n"
    "class Square:\n    def area(self):\n        return Circle.area(self)\n",
    NULL};
  char *d = brief_of("qualifier", files);
  assert_has_line(d, "edge Calls shapes.py:Square.area -> shapes.py:Circle.area");
  pt_free(d);
}

/* B.m comes first in the file, so the same-file tier alone would take it;
 * the unqualified m() inside A means A's own m. */
static void resolve__enclosing_type_wins_over_an_earlier_method_in_the_file(
  void **state)
{
  static const char *const files[] = {
    "A.java",
    "class B {\n  void m() {}\n}\n\n"
    "class A {\n  void m() {}\n  void g() { m(); }\n}\n",
    NULL};
  char *d = brief_of("enclosing", files);
  assert_has_line(d, "edge Calls A.java:A.g -> A.java:A.m");
  pt_free(d);
}

/* a.py's helper comes first in index order and sits in the same folder:
 * only the same-file tier picks b.py's own. */
static void resolve__same_file_wins_over_an_earlier_file(void **state)
{
  static const char *const files[] = {
    "a.py", "def helper():\n    return 1\n",
    "b.py", "def helper():\n    return 2\n\n\ndef run():\n    return helper()\n",
    NULL};
  char *d = brief_of("samefile", files);
  assert_has_line(d, "edge Calls b.py:run -> b.py:helper");
  pt_free(d);
}

/* Two helpers in lib/, none beside the caller: the import decides. */
static void resolve__import_picks_the_imported_module(void **state)
{
  static const char *const files[] = {
    "lib/one.py", "def helper():\n    return 1\n",
    "lib/two.py", "def helper():\n    return 2\n",
    "app/main.py",
    "from lib.two import helper\n\n\ndef run():\n    return helper()\n",
    NULL};
  char *d = brief_of("import", files);
  assert_has_line(d, "edge Calls app/main.py:run -> lib/two.py:helper");
  pt_free(d);
}

/* Two helpers in the language, the second in walk order beside the
 * caller (the whole-language tier counts same-named functions as one and
 * would take the first). */
static void resolve__same_directory_picks_the_sibling_over_other_folders(
  void **state)
{
  static const char *const files[] = {
    "a/util.py", "def helper():\n    return 1\n",
    "b/util.py", "def helper():\n    return 2\n",
    "b/main.py", "def run():\n    return helper()\n",
    NULL};
  char *d = brief_of("samedir", files);
  assert_has_line(d, "edge Calls b/main.py:run -> b/util.py:helper");
  pt_free(d);
}

/* The functions of one Go package sit in one folder and call each other
 * without an import; another package's Helper does not get in the way. */
static void resolve__same_directory_links_the_files_of_a_go_package(void **state)
{
  static const char *const files[] = {
    "pkg/util.go", "package pkg\n\nfunc Helper() int { return 1 }\n",
    "pkg/main.go", "package pkg\n\nfunc Run() int { return Helper() }\n",
    "other/util.go", "package other\n\nfunc Helper() int { return 2 }\n",
    NULL};
  char *d = brief_of("gopkg", files);
  assert_has_line(d, "edge Calls pkg/main.go:Run -> pkg/util.go:Helper");
  pt_free(d);
}

static void resolve__language_links_a_unique_name_in_another_folder(void **state)
{
  static const char *const files[] = {
    "lib/x.py", "def helper():\n    return 1\n",
    "app/main.py", "def run():\n    return helper()\n",
    NULL};
  char *d = brief_of("language", files);
  assert_has_line(d, "edge Calls app/main.py:run -> lib/x.py:helper");
  pt_free(d);
}

/* obj.size() on an unknown receiver: two types have a size method, and
 * which one is meant depends on obj's type, which is not known. */
static void resolve__language_leaves_a_method_of_two_types_unresolved(
  void **state)
{
  static const char *const files[] = {
    "x/one.py", "class One:\n    def size(self):\n        return 1\n",
    "y/two.py", "class Two:\n    def size(self):\n        return 2\n",
    "z/main.py", "def run(obj):\n    return obj.size()\n",
    NULL};
  char *d = brief_of("ambiguous", files);
  assert_has_line(d, "edge Calls z/main.py:run -> ?size");
  pt_free(d);
}

/* The only helper is JavaScript: a Python call cannot mean it. */
static void resolve__language_never_crosses_language_families(void **state)
{
  static const char *const files[] = {
    "lib.js", "function helper() { return 1; }\n",
    "main.py", "def run():\n    return helper()\n",
    NULL};
  char *d = brief_of("family", files);
  assert_has_line(d, "edge Calls main.py:run -> ?helper");
  pt_free(d);
}

/* The placeholder key names the language, the kind and the name, and the
 * edge is marked unresolved (the full dump shows both). */
static void resolve__no_candidate_leaves_an_unresolved_placeholder(void **state)
{
  char *tmp = pt_test_tmpdir("unresolved");
  pt_test_write(tmp, "pkg/main.go",
                "package pkg\n\nfunc Run() int { return missing() }\n");
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(g, &b), 0);
  assert_non_null(strstr(b.ptr, "\tCalls\tgo:fn:missing:unresolved-reference:0-0"
                                "\tunresolved\t"));
  assert_int_equal(st.n_resolved, 0);
  assert_int_equal(st.n_unresolved, 1);
  pt_buf_fini(&b);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(tmp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(resolve__qualifier_picks_the_method_of_the_named_type),
    cmocka_unit_test(resolve__enclosing_type_wins_over_an_earlier_method_in_the_file),
    cmocka_unit_test(resolve__same_file_wins_over_an_earlier_file),
    cmocka_unit_test(resolve__import_picks_the_imported_module),
    cmocka_unit_test(resolve__same_directory_picks_the_sibling_over_other_folders),
    cmocka_unit_test(resolve__same_directory_links_the_files_of_a_go_package),
    cmocka_unit_test(resolve__language_links_a_unique_name_in_another_folder),
    cmocka_unit_test(resolve__language_leaves_a_method_of_two_types_unresolved),
    cmocka_unit_test(resolve__language_never_crosses_language_families),
    cmocka_unit_test(resolve__no_candidate_leaves_an_unresolved_placeholder),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
