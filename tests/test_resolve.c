/* Reference resolution (core/src/ingest/resolve*.c), one tier at a time:
 * qualifier, enclosing type, same file, import, same directory, whole
 * language, and the unresolved placeholder when no tier decides; member
 * calls by their receiver's type; and the patch shortcut where type
 * information decides which files resolve again. Each test writes a few
 * small files and runs them through the real ingest, and each is built so
 * that only the rule it names can give the edge it expects (the per-
 * language cases are the fixtures, tests/fixtures/lang). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "ingest/resolve_int.h"
#include "test_support.h"

/* The brief dump (pt_graph_dump_brief) of a fresh folder holding `files`:
 * path, text, path, text, ..., NULL. Starts with '\n', so every line of
 * it can be looked for as "\n<line>\n". Caller frees. */
static char *brief_of(const char *tag, const char *const *files)
{
  char *tmp = pt_test_tmpdir(tag);
  for (size_t i = 0; files[i]; i += 2)
    pt_test_write(tmp, files[i], files[i + 1]);
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
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

/* An edge line without its "[resolution]" matches any resolution. */
static void assert_has_line(const char *dump, const char *line)
{
  char want[512];
  size_t len = strlen(line);
  int any_how = strncmp(line, "edge ", 5) == 0 && line[len - 1] != ']';
  snprintf(want, sizeof want, any_how ? "\n%s [" : "\n%s\n", line);
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

/* second() in outer's nested first is outer's own nested second (the
 * tier of the caller's own type), which the file's top-level second would
 * make ambiguous; the struct and impl of that name nested in outer (in
 * the group of the caller's type) never are. In two copies of the file
 * that tier holds both copies' nested second. */
static void resolve__nested_function_of_the_callers_function_wins(
  void **state)
{
  static const char *const lib =
    "pub fn second() -> i32 {\n    2\n}\n\n"
    "pub fn outer() -> i32 {\n    struct second;\n    impl second {\n"
    "        fn make() -> i32 {\n            3\n        }\n    }\n"
    "    fn first() -> i32 {\n        second()\n    }\n"
    "    fn second() -> i32 {\n        1\n    }\n    first()\n}\n";
  const char *files[] = {"a/lib.rs", NULL, "b/lib.rs", NULL, NULL};
  files[1] = files[3] = lib;
  files[2] = NULL;
  char *d = brief_of("nested_fn", files);
  assert_has_line(d, "edge Calls a/lib.rs:outer.first -> a/lib.rs:outer.second "
                     "[local]");
  pt_free(d);
  files[2] = "b/lib.rs";
  d = brief_of("nested_fn_copies", files);
  assert_has_line(d, "edge Calls b/lib.rs:outer.first -> ?second "
                     "[unresolved_ambiguous]");
  assert_has_line(d, "  candidates 2: a/lib.rs:outer.second, "
                     "b/lib.rs:outer.second");
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

/* Two helpers in the language (C: functions are global), the second in
 * walk order beside the caller; the whole language has two. */
static void resolve__same_directory_picks_the_sibling_over_other_folders(
  void **state)
{
  static const char *const files[] = {
    "a/util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/util.c", "int helper(void)\n{\n  return 2;\n}\n",
    "b/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  char *d = brief_of("samedir", files);
  assert_has_line(d, "edge Calls b/main.c:run -> b/util.c:helper [directory]");
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

/* C functions are global: a unique name links across folders. */
static void resolve__language_links_a_unique_name_in_another_folder(void **state)
{
  static const char *const files[] = {
    "lib/x.c", "int helper(void)\n{\n  return 1;\n}\n",
    "app/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  char *d = brief_of("language", files);
  assert_has_line(d, "edge Calls app/main.c:run -> lib/x.c:helper [unique_name]");
  pt_free(d);
}

/* Python sees a bare name only where the file defines or imports it: a
 * unique function in another module is not in scope. */
static void resolve__language_scoping_hides_what_python_does_not_import(
  void **state)
{
  static const char *const files[] = {
    "lib/x.py", "def helper():\n    return 1\n",
    "app/main.py", "def run():\n    return helper()\n",
    "app/other.py", "from lib.x import helper\n\n\ndef go():\n    return helper()\n",
    NULL};
  char *d = brief_of("scoping", files);
  assert_has_line(d, "edge Calls app/main.py:run -> ?helper [unresolved_external]");
  assert_has_line(d, "edge Calls app/other.py:go -> lib/x.py:helper [import]");
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
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
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

/* Widget is only a function: a type named Widget has no candidate of a
 * kind that fits, and stays unresolved though the name is defined and
 * imported; Gadget, a struct, resolves. */
static void resolve__a_type_whose_name_no_type_has_stays_unresolved(
    void **state)
{
  static const char *const files[] = {
    "src/lib.rs", "pub fn Widget() {}\n\npub struct Gadget;\n",
    "src/use.rs", "use crate::lib::Widget;\n\n"
                  "pub fn make(w: Widget, g: Gadget) {}\n",
    NULL};
  char *d = brief_of("no_kind", files);
  assert_has_line(d, "edge Uses src/use.rs:make -> ?Widget");
  assert_has_line(d, "edge Uses src/use.rs:make -> src/lib.rs:Gadget");
  pt_free(d);
}

/* Candidates are kept per language family, yet a name that only another
 * family defines is still a name the index has: the member call goes on
 * to its receiver, as it did when every family shared one list. */
static void resolve__a_name_only_another_family_defines_keeps_its_reason(
    void **state)
{
  static const char *const files[] = {
    "lib.rs", "pub fn c_str() {}\n",
    "w.cpp", "const char *g() { return name().c_str(); }\n",
    NULL};
  char *d = brief_of("other_family", files);
  assert_has_line(d, "edge Calls w.cpp:g -> ?c_str [unresolved_unknown_receiver]");
  pt_free(d);
}

/* Files resolve on several threads and finish in any order; their edges
 * still go into the graph in file order, as on one thread. */
static void resolve__many_files_give_the_same_dump_on_1_and_4_threads(
    void **state)
{
  char *tmp = pt_test_tmpdir("threads");
  char path[64], text[256];
  for (int i = 0; i < 40; i++) {
    snprintf(path, sizeof path, "d%d/m%d.py", i % 5, i);
    snprintf(text, sizeof text,
             "from d%d.m%d import f%d\n\n\ndef f%d(x):\n"
             "    return f%d(x) + g(x) + h%d()\n\n\ndef g(x):\n    return x\n",
             (i + 1) % 5, (i + 1) % 40, (i + 1) % 40, i, (i + 1) % 40, i);
    pt_test_write(tmp, path, text);
  }
  char *dumps[2];
  for (int k = 0; k < 2; k++) {
    pt_ingest_opts o = {tmp, k == 0 ? 1 : 4, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
    pt_ingest_stats st;
    pt_graph *g = NULL;
    assert_int_equal(pt_ingest(&o, &g, &st), 0);
    pt_buf b = PT_BUF_INIT;
    assert_int_equal(pt_graph_dump(g, &b), 0);
    dumps[k] = pt_buf_detach(&b);
    assert_true(st.n_resolved >= 40);
    pt_graph_free(g);
    pt_ingest_stats_fini(&st);
  }
  assert_string_equal(dumps[0], dumps[1]);
  pt_free(dumps[0]);
  pt_free(dumps[1]);
  pt_free(tmp);
}

/* ---- receiver types and the patch shortcut ------------------------------ */

/* A method unique in the whole index is still not the target of a call on
 * a receiver whose type is unknown, or stated and not indexed. */
static void resolve__member_call_never_resolves_by_the_name_alone(void **state)
{
  static const char *const files[] = {
    "q.py", "class Queue:\n    def append(self, x):\n        return x\n",
    "use.py", "def f(items, line: str):\n    items.append(1)\n"
    "    return line.split()\n\n\ndef split(s):\n    return s\n",
    NULL};
  char *d = brief_of("member_name_alone", files);
  assert_has_line(d, "edge Calls use.py:f -> ?append [unresolved_unknown_receiver]");
  assert_has_line(d, "edge Calls use.py:f -> ?split [unresolved_external]");
  pt_free(d);
}

/* The receiver's declared type picks one of two same-named methods. */
static void resolve__receiver_type_picks_the_method_of_its_type(void **state)
{
  static const char *const files[] = {
    "a.py", "class A:\n    def run(self):\n        return 1\n\n\n"
    "class B:\n    def run(self):\n        return 2\n",
    "use.py", "from a import A, B\n\n\ndef f(x: B):\n    return x.run()\n",
    NULL};
  char *d = brief_of("receiver_type", files);
  assert_has_line(d, "edge Calls use.py:f -> a.py:B.run [receiver_type]");
  pt_free(d);
}

/* One graph made by patching a cached run after `path` became `text`,
 * and one made fresh from the same tree: their dumps must be equal. *rc
 * gets what the patch returned (0, or PT_EAGAIN when it declined). */
static void patch_equals_fresh(const char *tag, const char *const *files,
                               const char *path, const char *text, int *rc)
{
  char *tmp = pt_test_tmpdir(tag);
  for (size_t i = 0; files[i]; i += 2)
    pt_test_write(tmp, files[i], files[i + 1]);
  pt_ingest_cache *c = NULL;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL, *patched = NULL, *fresh = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  pt_test_write(tmp, path, text);
  assert_int_equal(pt_ingest_cache_mark_dirty(c, path), 0);
  *rc = pt_ingest_patch(&o, g, &patched, &st);
  pt_ingest_stats_fini(&st);
  if (*rc == PT_EAGAIN) {
    pt_error_clear();
    assert_int_equal(pt_ingest(&o, &patched, &st), 0);
    pt_ingest_stats_fini(&st);
  }
  assert_int_equal(*rc == 0 || *rc == PT_EAGAIN, 1);
  assert_non_null(patched);
  pt_ingest_opts fo = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  assert_int_equal(pt_ingest(&fo, &fresh, &st), 0);
  pt_ingest_stats_fini(&st);
  pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(patched, &a), 0);
  assert_int_equal(pt_graph_dump(fresh, &b), 0);
  assert_string_equal(a.ptr, b.ptr);
  pt_buf_fini(&a);
  pt_buf_fini(&b);
  pt_graph_free(g);
  pt_graph_free(patched);
  pt_graph_free(fresh);
  pt_ingest_cache_free(c);
  pt_free(tmp);
}

/* x = make(): the declared result of make types x, so a new result type
 * re-resolves x.run() in another file, within the shortcut. */
static void resolve__patch_follows_a_factory_result_type(void **state)
{
  static const char *const files[] = {
    "lib.py", "class A:\n    def run(self):\n        return 1\n\n\n"
    "class B:\n    def run(self):\n        return 2\n\n\n"
    "def make() -> A:\n    return A()\n",
    "use.py", "from lib import make\n\n\ndef f():\n    x = make()\n"
    "    return x.run()\n",
    NULL};
  int rc;
  patch_equals_fresh("patch_factory", files, "lib.py",
                     "class A:\n    def run(self):\n        return 1\n\n\n"
                     "class B:\n    def run(self):\n        return 2\n\n\n"
                     "def make() -> B:\n    return B()\n", &rc);
  assert_int_equal(rc, 0);
}

/* C++ overloads: the number of arguments passes over the caller's own
 * put(int, int) for lib.hpp's put(int); when that one takes three, the
 * call has no candidate left, in the patch as in a fresh index (the
 * arity travels in the cached references). */
static void resolve__patch_follows_overloads_whose_parameters_change(
    void **state)
{
  static const char *const files[] = {
    "lib.hpp", "int put(int a) { return a; }\n",
    "use.cpp", "#include \"lib.hpp\"\n"
    "static int put(int a, int b) { return a + b; }\n"
    "int f() { return put(1); }\n",
    NULL};
  char *d = brief_of("overload_arity", files);
  assert_has_line(d, "edge Calls use.cpp:f -> lib.hpp:put [directory]");
  pt_free(d);
  int rc;
  patch_equals_fresh("patch_overload", files, "lib.hpp",
                     "int put(int a, int b, int c) { return a + b + c; }\n",
                     &rc);
}

/* C's base changes from A to B: a method found through the bases moves,
 * and the shortcut notes C's bases again and resolves c.run() in use.py
 * again, which read C's bases. */
static void resolve__patch_follows_a_base_that_changes(void **state)
{
  static const char *const files[] = {
    "lib.py", "class A:\n    def run(self):\n        return 1\n\n\n"
    "class B:\n    def run(self):\n        return 2\n\n\n"
    "class C(A):\n    pass\n",
    "use.py", "from lib import C\n\n\ndef f(c: C):\n    return c.run()\n",
    NULL};
  int rc;
  patch_equals_fresh("patch_base", files, "lib.py",
                     "class A:\n    def run(self):\n        return 1\n\n\n"
                     "class B:\n    def run(self):\n        return 2\n\n\n"
                     "class C(B):\n    pass\n", &rc);
  assert_int_equal(rc, 0);
}

/* C++: a field declared in the header types a_->run() in a member
 * function written in use.cpp; when the header gives the field another
 * type, the shortcut notes the class's fields again (they are kept with
 * its bases) and resolves use.cpp again, which read them. */
static void resolve__patch_follows_a_cpp_field_declared_elsewhere(void **state)
{
  static const char *const files[] = {
    "lib.hpp", "class A {\npublic:\n  void run() {}\n};\n"
    "class B {\npublic:\n  void run() {}\n};\n"
    "class C {\npublic:\n  void go();\n\nprivate:\n  A *a_;\n};\n",
    "use.cpp", "#include \"lib.hpp\"\n\nvoid C::go() { a_->run(); }\n",
    NULL};
  char *d = brief_of("cpp_field", files);
  assert_has_line(d, "edge Calls use.cpp:C.go -> lib.hpp:A.run [receiver_type]");
  pt_free(d);
  int rc;
  patch_equals_fresh("patch_cpp_field", files, "lib.hpp",
                     "class A {\npublic:\n  void run() {}\n};\n"
                     "class B {\npublic:\n  void run() {}\n};\n"
                     "class C {\npublic:\n  void go();\n\nprivate:\n"
                     "  B *a_;\n};\n", &rc);
  assert_int_equal(rc, 0);
}

/* A type named like a receiver's type appears in another file: the
 * receiver's type turns ambiguous there, within the shortcut. */
static void resolve__patch_follows_a_receiver_type_that_turns_ambiguous(
  void **state)
{
  static const char *const files[] = {
    "a/lib.py", "class A:\n    def run(self):\n        return 1\n",
    "b/other.py", "def g():\n    return 0\n",
    "use.py", "def f(x: A):\n    return x.run()\n",
    NULL};
  int rc;
  patch_equals_fresh("patch_ambiguous", files, "b/other.py",
                     "class A:\n    def walk(self):\n        return 0\n", &rc);
  assert_int_equal(rc, 0);
}

/* ---- the tables changed a file at a time ----------------------------- */

/* One change of a sequence: `text` written to `path`, or (text NULL) path
 * deleted, or (to set) path renamed to `to`. */
typedef struct step {
  const char *path;
  const char *text;
  const char *to;
} step;

/* After each step the shortcut must take the change (no full run), and
 * its graph must dump like a fresh index of the same tree: a file whose
 * references now resolve otherwise and that the patch missed shows. */
static void steps_equal_fresh(const char *tag, const char *const *files,
                              const step *steps)
{
  char *tmp = pt_test_tmpdir(tag);
  for (size_t i = 0; files[i]; i += 2)
    pt_test_write(tmp, files[i], files[i + 1]);
  pt_ingest_cache *c = NULL;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  for (const step *s = steps; s->path; s++) {
    char from[512], to[512];
    snprintf(from, sizeof from, "%s/%s", tmp, s->path);
    if (s->to) {
      snprintf(to, sizeof to, "%s/%s", tmp, s->to);
      assert_int_equal(rename(from, to), 0);
      assert_int_equal(pt_ingest_cache_mark_dirty(c, s->to), 0);
    } else if (!s->text) {
      assert_int_equal(remove(from), 0);
    } else {
      pt_test_write(tmp, s->path, s->text);
    }
    assert_int_equal(pt_ingest_cache_mark_dirty(c, s->path), 0);
    pt_graph *patched = NULL, *fresh = NULL;
    assert_int_equal(pt_ingest_patch(&o, g, &patched, &st), 0);
    pt_ingest_stats_fini(&st);
    assert_non_null(patched);
    pt_ingest_opts fo = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
    assert_int_equal(pt_ingest(&fo, &fresh, &st), 0);
    pt_ingest_stats_fini(&st);
    pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
    assert_int_equal(pt_graph_dump(patched, &a), 0);
    assert_int_equal(pt_graph_dump(fresh, &b), 0);
    if (strcmp(a.ptr, b.ptr) != 0)
      print_message("after the step on %s\n", s->path);
    assert_string_equal(a.ptr, b.ptr);
    pt_buf_fini(&a);
    pt_buf_fini(&b);
    pt_graph_free(g);
    pt_graph_free(fresh);
    g = patched;
  }
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  pt_free(tmp);
}

/* helper() in main.c has two candidates, then one when b/two.c's goes,
 * then two again: main.c, not edited, resolves again each time. */
static void resolve__patch_follows_a_name_turning_unique_and_back(void **state)
{
  static const char *const files[] = {
    "a/one.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/two.c", "int helper(void)\n{\n  return 2;\n}\n",
    "c/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  static const step steps[] = {
    {"b/two.c", "int other(void)\n{\n  return 2;\n}\n", NULL},
    {"b/two.c", "int other(void)\n{\n  return 2;\n}\n\n"
                "int helper(void)\n{\n  return 3;\n}\n", NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_unique", files, steps);
}

/* Widget is a function alone, so the type named in make's signature has
 * no candidate (no kind of the name can be a type); a struct Widget
 * makes it resolve, and a struct Gadget, a name new to the tables,
 * another; both go again. */
static void resolve__patch_follows_a_name_gaining_a_kind_that_fits(void **state)
{
  static const char *const files[] = {
    "src/lib.rs", "pub fn Widget() {}\n",
    "src/use.rs", "use crate::lib::Widget;\n\n"
                  "pub fn make(w: Widget, g: Gadget) {}\n",
    NULL};
  static const step steps[] = {
    {"src/lib.rs", "pub fn Widget() {}\n\npub struct Widget;\n", NULL},
    {"src/more.rs", "pub struct Gadget;\n", NULL},
    {"src/lib.rs", "pub fn Widget() {}\n", NULL},
    {"src/more.rs", NULL, NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_kinds", files, steps);
}

/* B gains the base A and loses it: b.run() in use.py finds A.run through
 * B's bases, then nothing. */
static void resolve__patch_follows_a_base_added_and_removed(void **state)
{
  static const char *const files[] = {
    "base.py", "class A:\n    def run(self):\n        return 1\n",
    "kid.py", "from base import A\n\n\nclass B:\n    pass\n",
    "use.py", "from kid import B\n\n\ndef f(b: B):\n    return b.run()\n",
    NULL};
  static const step steps[] = {
    {"kid.py", "from base import A\n\n\nclass B(A):\n    pass\n", NULL},
    {"kid.py", "from base import A\n\n\nclass B:\n    pass\n", NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_bases", files, steps);
}

/* kid.py's B(A) names the only A; a second A in another file makes the
 * base ambiguous, so B has no indexed base: use.py's b.run(), which read
 * B's bases and not A's name, resolves again though neither file changed. */
static void resolve__patch_follows_a_base_that_another_file_changes(void **state)
{
  static const char *const files[] = {
    "a1.py", "class A:\n    def run(self):\n        return 1\n",
    "kid.py", "class B(A):\n    pass\n",
    "use.py", "from kid import B\n\n\ndef f(b: B):\n    return b.run()\n",
    NULL};
  static const step steps[] = {
    {"a2.py", "class A:\n    def walk(self):\n        return 2\n", NULL},
    {"a2.py", NULL, NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_base_elsewhere", files, steps);
}

/* b/util.c's helper is main.c's by directory; renamed into c/, it is one
 * of two in the language; renamed back, main.c's own folder's again. */
static void resolve__patch_follows_a_renamed_file(void **state)
{
  static const char *const files[] = {
    "a/util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/util.c", "int helper(void)\n{\n  return 2;\n}\n",
    "b/main.c", "int run(void)\n{\n  return helper();\n}\n",
    "c/keep.c", "int keep(void)\n{\n  return 0;\n}\n",
    NULL};
  static const step steps[] = {
    {"b/util.c", NULL, "c/util.c"},
    {"c/util.c", NULL, "b/util.c"},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_rename", files, steps);
}

/* geo_area() in src/user.rs is src/geo.rs's area through `use
 * crate::geo::area as geo_area`, f() in Site.php Lib\fmt through `use
 * function Lib\fmt as f`, and twice() in p/Use.java p.M's through
 * `import static p.M.twice`, never the same name elsewhere: when the
 * imported module gains and loses the name, the importing files resolve
 * again though they did not change; an import changed in one file
 * changes only that file. */
static void resolve__patch_follows_a_definition_an_import_names(void **state)
{
  static const char *const files[] = {
    "src/geo.rs", "pub fn other() {}\n",
    "src/other.rs", "pub fn area() {}\n",
    "src/user.rs", "use crate::geo::area as geo_area;\n\n"
                   "pub fn run() {\n    geo_area();\n}\n",
    "Lib.php", "<?php\nnamespace Lib;\n\nfunction other() {}\n",
    "Other.php", "<?php\nnamespace Other;\n\nfunction fmt() {}\n",
    "Site.php", "<?php\nnamespace Site;\n\nuse function Lib\\fmt as f;\n\n"
                "function run()\n{\n    f();\n}\n",
    "p/M.java", "package p;\n\npublic class M {\n}\n",
    "q/M.java", "package q;\n\npublic class M {\n"
                "  public static int twice(int x) { return x; }\n}\n",
    "p/Use.java", "package p;\n\nimport static p.M.twice;\n\n"
                  "public class Use {\n  int run() { return twice(1); }\n}\n",
    NULL};
  static const step steps[] = {
    {"src/geo.rs", "pub fn other() {}\n\npub fn area() {}\n", NULL},
    {"Lib.php", "<?php\nnamespace Lib;\n\nfunction fmt() {}\n", NULL},
    {"p/M.java", "package p;\n\npublic class M {\n"
                 "  public static int twice(int x) { return 2 * x; }\n}\n",
     NULL},
    {"src/user.rs", "use crate::other::area as geo_area;\n\n"
                    "pub fn run() {\n    geo_area();\n}\n", NULL},
    {"src/geo.rs", "pub fn other() {}\n", NULL},
    {"Lib.php", "<?php\nnamespace Lib;\n\nfunction other() {}\n", NULL},
    {"p/M.java", "package p;\n\npublic class M {\n}\n", NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_use", files, steps);
}

/* The Rust files of a path's `use shapes::area` in several copies: a
 * module's file (shapes.rs), its folder's mod.rs and lib.rs, a file whose
 * stem and folder both end with the segment (shapes/shapes.rs, counted
 * once), never a file whose stem only ends with it after a dot
 * (x.shapes.rs), a lib.rs below the module's folder or one in another
 * module; `use crate::geo::shapes::area` only the crate's own. Java's
 * `import shapes.Geo` reads the package's folders. The candidates come out as a walk of every
 * definition of the name finds them (with_fillers). */
static const char *const copies_files[] = {
  "one/src/shapes.rs", "pub fn area() -> i32 {\n    1\n}\n",
  "two/src/shapes/mod.rs", "pub fn area() -> i32 {\n    2\n}\n",
  "three/src/shapes/shapes.rs", "pub fn area() -> i32 {\n    3\n}\n",
  "four/src/geo/area.rs", "pub fn area() -> i32 {\n    4\n}\n",
  "five/src/x.shapes.rs", "pub fn area() -> i32 {\n    5\n}\n",
  "six/shapes/src/lib.rs", "pub fn area() -> i32 {\n    6\n}\n",
  "seven/shapes/lib.rs", "pub fn area() -> i32 {\n    7\n}\n",
  "app/src/main.rs", "use shapes::area;\n\nfn run() -> i32 {\n    area()\n}\n",
  "app/src/geo/shapes.rs", "pub fn area() -> i32 {\n    8\n}\n",
  "app/src/use.rs", "use crate::geo::shapes::area;\n\n"
                    "fn run() -> i32 {\n    area()\n}\n",
  "crate2/src/geo/shapes.rs", "pub fn area() -> i32 {\n    9\n}\n",
  "j/shapes/Geo.java", "package shapes;\n\npublic class Geo {\n"
                       "  public static int area() { return 1; }\n}\n",
  "k/shapes/Geo.java", "package shapes;\n\npublic class Geo {\n"
                       "  public static int area() { return 2; }\n}\n",
  "j/app/Use.java", "package app;\n\nimport shapes.Geo;\n"
                    "import static shapes.Geo.area;\n\npublic class Use {\n"
                    "  int run() { return area(); }\n"
                    "  Geo make() { return new Geo(); }\n}\n",
  NULL};

#define N_FILLERS 17

/* files and N_FILLERS more definitions of area that no path names (the
 * group of the name alone past QN_WALKED), into out (room for 80). */
static const char *const *plus_fillers(const char *const *files,
                                       const char **out)
{
  static char paths[N_FILLERS][24];
  size_t n = 0;
  for (; files[n]; n++)
    out[n] = files[n];
  for (int i = 0; i < N_FILLERS; i++) {
    snprintf(paths[i], sizeof paths[i], "fill/src/f%02d.rs", i);
    out[n++] = paths[i];
    out[n++] = "pub fn area() -> i32 {\n    0\n}\n";
  }
  out[n] = NULL;
  return out;
}

/* copies_files and the fillers. */
static const char *const *with_fillers(void)
{
  static const char *files[80];
  return plus_fillers(copies_files, files);
}

static void resolve__a_path_import_finds_its_name_in_every_copy(void **state)
{
  char *d = brief_of("path_copies", with_fillers());
  assert_has_line(d, "edge Calls app/src/main.rs:run -> ?area "
                     "[unresolved_ambiguous]");
  assert_has_line(d, "  candidates 6: app/src/geo/shapes.rs:area, "
                     "crate2/src/geo/shapes.rs:area, one/src/shapes.rs:area, "
                     "seven/shapes/lib.rs:area, "
                     "three/src/shapes/shapes.rs:area, "
                     "two/src/shapes/mod.rs:area");
  assert_has_line(d, "edge Calls app/src/use.rs:run -> "
                     "app/src/geo/shapes.rs:area [import]");
  pt_free(d);
}

/* Go's package qualifiers, file after file: the imports a qualifier
 * names are found once for it (resolve_pick.c, imports_named), and
 * again for the next file, whose imports differ (geo is a.go's second
 * import, b.go's first, c.go's second, an alias); files import one
 * module (the marks found once for it, module_marks). */
static void resolve__package_qualifiers_follow_each_files_imports(void **state)
{
  static const char *const files[] = {
    "x/geo/area.go", "package geo\n\nfunc Area() int {\n\treturn 1\n}\n",
    "y/geo2/area.go", "package geo2\n\nfunc Area() int {\n\treturn 2\n}\n",
    "x/shape/shape.go",
    "package shape\n\nfunc Area() int {\n\treturn 3\n}\n",
    "app1/a.go", "package main\n\nimport (\n\t\"example.com/x/shape\"\n"
                 "\t\"example.com/x/geo\"\n)\n\nfunc A() int {\n"
                 "\treturn geo.Area() + shape.Area() + geo.Area()\n}\n",
    "app1/b.go", "package main\n\nimport (\n\t\"example.com/x/geo\"\n"
                 "\t\"example.com/x/shape\"\n)\n\nfunc B() int {\n"
                 "\treturn geo.Area() + shape.Area()\n}\n",
    "app2/c.go", "package main\n\nimport (\n\t\"example.com/x/shape\"\n"
                 "\tgeo \"example.com/y/geo2\"\n)\n\nfunc C() int {\n"
                 "\treturn geo.Area() + shape.Area()\n}\n",
    NULL};
  char *d = brief_of("go_qualifiers", files);
  assert_has_line(d, "edge Calls app1/a.go:A -> x/geo/area.go:Area [import]");
  assert_has_line(d, "edge Calls app1/a.go:A -> x/shape/shape.go:Area [import]");
  assert_has_line(d, "edge Calls app1/b.go:B -> x/geo/area.go:Area [import]");
  assert_has_line(d, "edge Calls app1/b.go:B -> x/shape/shape.go:Area [import]");
  assert_has_line(d, "edge Calls app2/c.go:C -> y/geo2/area.go:Area [import]");
  assert_has_line(d, "edge Calls app2/c.go:C -> x/shape/shape.go:Area [import]");
  assert_null(strstr(d, "-> ?Area"));
  pt_free(d);
}

/* The same files as patches add, move and remove those of the path's
 * last segment: each as a fresh index finds it. */
static void resolve__patch_follows_the_files_of_a_path_import(void **state)
{
  static const step steps[] = {
    {"four/src/geo/shapes.rs", "pub fn area() -> i32 {\n    10\n}\n", NULL},
    {"two/src/shapes/mod.rs", NULL, NULL},
    {"three/src/shapes/shapes.rs", NULL, "three/src/shapes/mod.rs"},
    {"one/src/shapes.rs", NULL, "one/src/forms.rs"},
    {"seven/shapes/mod.rs", "pub fn area() -> i32 {\n    11\n}\n", NULL},
    {"app/src/geo/shapes.rs", NULL, NULL},
    {"four/src/geo/area.rs", NULL, "four/src/geo/mod.rs"},
    {"k/shapes/Geo.java", "package shapes;\n\npublic class Map {\n}\n",
     NULL},
    {"k/shapes/Geo.java", "package shapes;\n\npublic class Geo {\n"
                          "  public static int area() { return 3; }\n}\n",
     NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_path_copies", with_fillers(), steps);
}

/* A path's head as its module paths end with it (resolve_modpaths.c):
 * `use geo::shapes::area` names a folder's mod.rs, a module's file, a
 * folder or file whose name holds the dot (geo.shapes), one at the root,
 * never xgeo/shapes or a folder below; `use crate::geo::shapes::area`
 * only those after a folder around the file (c, c/a, c/a/src) or at the
 * root. */
static const char *const heads_files[] = {
  "h/geo/shapes/mod.rs", "pub fn area() -> i32 {\n    1\n}\n",
  "h2/geo/shapes.rs", "pub fn area() -> i32 {\n    2\n}\n",
  "h3/geo.shapes/mod.rs", "pub fn area() -> i32 {\n    3\n}\n",
  "h4/geo.shapes.rs", "pub fn area() -> i32 {\n    4\n}\n",
  "h5/xgeo/shapes.rs", "pub fn area() -> i32 {\n    5\n}\n",
  "h6/geo/shapes/inner/mod.rs", "pub fn area() -> i32 {\n    6\n}\n",
  "geo/shapes.rs", "pub fn area() -> i32 {\n    7\n}\n",
  "u/src/main.rs", "use geo::shapes::area;\n\nfn run() -> i32 {\n    area()\n}\n",
  "c/a/src/x/y.rs", "use crate::geo::shapes::area;\n\n"
                    "fn run() -> i32 {\n    area()\n}\n",
  "c/a/src/geo/shapes.rs", "pub fn area() -> i32 {\n    8\n}\n",
  "c/a/geo.shapes.rs", "pub fn area() -> i32 {\n    9\n}\n",
  "c/geo/shapes/mod.rs", "pub fn area() -> i32 {\n    10\n}\n",
  "c/b/geo/shapes.rs", "pub fn area() -> i32 {\n    11\n}\n",
  "d/src/lib.rs", "use crate::geo::shapes::area;\n\n"
                  "fn run() -> i32 {\n    area()\n}\n",
  NULL};

/* dump without its lines that name a filler's file */
static void drop_fillers(char *dump)
{
  char *w = dump;
  for (const char *l = dump; *l;) {
    const char *e = strchr(l, '\n');
    size_t n = e ? (size_t)(e - l) + 1 : strlen(l);
    const char *hit = strstr(l, "fill/src/");
    if (!hit || hit >= l + n) {
      memmove(w, l, n);
      w += n;
    }
    l += n;
  }
  *w = '\0';
}

static void resolve__a_path_head_is_looked_up_as_its_modules_end(void **state)
{
  const char *files[80];
  char *walked = brief_of("path_heads", heads_files);
  char *looked = brief_of("path_heads_filled",
                          plus_fillers(heads_files, files));
  drop_fillers(looked);
  assert_string_equal(looked, walked);
  assert_has_line(looked, "  candidates 9: c/a/geo.shapes.rs:area, "
                          "c/a/src/geo/shapes.rs:area, c/b/geo/shapes.rs:area, "
                          "c/geo/shapes/mod.rs:area, geo/shapes.rs:area, "
                          "h2/geo/shapes.rs:area, h3/geo.shapes/mod.rs:area, "
                          "h4/geo.shapes.rs:area, h/geo/shapes/mod.rs:area");
  assert_has_line(looked, "  candidates 4: c/a/geo.shapes.rs:area, "
                          "c/a/src/geo/shapes.rs:area, "
                          "c/geo/shapes/mod.rs:area, geo/shapes.rs:area");
  pt_free(walked);
  pt_free(looked);
}

/* The same as patches add module files (in folders that hold files
 * already: a new folder takes a full run), rename and remove some: each
 * as a fresh index finds it. */
static void resolve__patch_follows_the_module_paths_of_a_head(void **state)
{
  const char *files[80];
  static const step steps[] = {
    {"c/a/src/geo/shapes.rs", NULL, NULL},
    {"c/a/src/x/geo.shapes.rs", "pub fn area() -> i32 {\n    12\n}\n", NULL},
    {"c/b/geo/geo.shapes.rs", "pub fn area() -> i32 {\n    13\n}\n", NULL},
    {"h2/geo/shapes.rs", NULL, "h2/geo/forms.rs"},
    {"d/src/geo.shapes.rs", "pub fn area() -> i32 {\n    14\n}\n", NULL},
    {"geo/shapes.rs", NULL, NULL},
    {"h5/xgeo/shapes.rs", NULL, "h5/xgeo/geo.shapes.rs"},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_path_heads", plus_fillers(heads_files, files),
                    steps);
}

/* Files a patch brings that the imports name (a new folder takes a full
 * run): a Go package's (the import ends with the folder's name), a Python
 * module (the import ends with its stem), a file in a folder the import
 * ends with; each as a fresh index finds it. */
static void resolve__patch_follows_new_files_an_import_names(void **state)
{
  static const char *const files[] = {
    "go/app/main.go", "package main\n\nimport \"example.com/m/shapes\"\n\n"
                      "func run() int {\n\treturn shapes.Area()\n}\n",
    "go/other/area.go", "package other\n\nfunc Area() int {\n\treturn 1\n}\n",
    "py/app/main.py", "from lib.util import helper\n\n\ndef run():\n"
                      "    return helper()\n",
    "py/app/two.py", "from lib import util\n\n\ndef go():\n"
                     "    return util.helper()\n",
    "py/x/util.py", "def helper():\n    return 1\n",
    "go/shapes/doc.go", "package shapes\n",
    "go/m/shapes/doc.go", "package shapes\n",
    "py/lib/other.py", "X = 1\n",
    "py/lib/util/__init__.py", "Y = 1\n",
    NULL};
  static const step steps[] = {
    {"go/shapes/area.go", "package shapes\n\nfunc Area() int {\n\treturn 2\n}\n",
     NULL},
    {"py/lib/util.py", "def helper():\n    return 2\n", NULL},
    {"go/shapes/area.go", NULL, NULL},
    {"py/lib/util.py", NULL, NULL},
    {"py/lib/util/more.py", "def helper():\n    return 3\n", NULL},
    {"go/m/shapes/v.go", "package shapes\n\nfunc Area() int {\n\treturn 3\n}\n",
     NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_tails", files, steps);
}

/* Deleting b/util.c leaves a/util.c's helper the only one; a new file
 * brings a second again. */
static void resolve__patch_follows_deleted_and_new_files(void **state)
{
  static const char *const files[] = {
    "a/util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/util.c", "int helper(void)\n{\n  return 2;\n}\n",
    "b/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  static const step steps[] = {
    {"b/util.c", NULL, NULL},
    {"b/more.c", "int helper(void)\n{\n  return 3;\n}\n", NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_delete", files, steps);
}

/* ---- the candidates of an ambiguous edge ------------------------------ */

/* helper() in z/main.c: the same directory has two (the tier that
 * decides), the language a third; the edge lists the directory's two. */
static void resolve__ambiguous_edge_lists_the_candidates_its_tier_left(
    void **state)
{
  static const char *const files[] = {
    "a/one.c", "int helper(void)\n{\n  return 1;\n}\n",
    "z/two.c", "int helper(void)\n{\n  return 2;\n}\n",
    "z/three.c", "int helper(void)\n{\n  return 3;\n}\n",
    "z/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  char *d = brief_of("candidates", files);
  assert_has_line(d, "edge Calls z/main.c:run -> ?helper [unresolved_ambiguous]");
  assert_has_line(d, "  candidates 2: z/three.c:helper, z/two.c:helper");
  pt_free(d);
}

/* Eighteen helpers: the edge counts them all and lists the sixteen of
 * the smallest keys, whatever order the files come in. */
static void resolve__ambiguous_edge_lists_at_most_16_candidates(void **state)
{
  const char *files[2 * 19 + 1];
  char paths[18][16];
  for (int i = 0; i < 18; i++) {
    /* written in reverse key order */
    snprintf(paths[i], sizeof paths[i], "d%02d/h.c", 17 - i);
    files[2 * i] = paths[i];
    files[2 * i + 1] = "int helper(void)\n{\n  return 1;\n}\n";
  }
  files[36] = "main.c";
  files[37] = "int run(void)\n{\n  return helper();\n}\n";
  files[38] = NULL;
  char *d = brief_of("candidates_cap", files);
  assert_has_line(d, "  candidates 18: d00/h.c:helper, d01/h.c:helper, "
                  "d02/h.c:helper, d03/h.c:helper, d04/h.c:helper, "
                  "d05/h.c:helper, d06/h.c:helper, d07/h.c:helper, "
                  "d08/h.c:helper, d09/h.c:helper, d10/h.c:helper, "
                  "d11/h.c:helper, d12/h.c:helper, d13/h.c:helper, "
                  "d14/h.c:helper, d15/h.c:helper");
  pt_free(d);
}

/* A member call whose receiver's type has two overloads that take its
 * arguments lists both (Java: told apart only by their types). */
static void resolve__ambiguous_method_lists_the_overloads(void **state)
{
  static const char *const files[] = {
    "A.java", "class A {\n  void put(int x) {}\n  void put(String s) {}\n}\n",
    "B.java", "class B {\n  void run(A a) {\n    a.put(1);\n  }\n}\n",
    NULL};
  char *d = brief_of("candidates_overloads", files);
  assert_has_line(d, "edge Calls B.java:B.run -> ?put [unresolved_ambiguous]");
  assert_has_line(d, "  candidates 2: A.java:A.put, A.java:A.put");
  pt_free(d);
}

/* Every ambiguous edge of the language fixtures says what it could not
 * choose between: the line under it lists at least two candidates. */
static void resolve__every_ambiguous_fixture_edge_has_candidates(void **state)
{
  static const char *const langs[] = {
    "c", "cpp", "csharp", "go", "java", "javascript", "php", "python",
    "ruby", "rust", "swift", "typescript"};
  for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, langs[l]);
    pt_ingest_opts o = {dir, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
    pt_ingest_stats st;
    pt_graph *g = NULL;
    assert_int_equal(pt_ingest(&o, &g, &st), 0);
    pt_ingest_stats_fini(&st);
    size_t n = 0;
    for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
      const pt_edge *e = &pt_graph_edges(g)[i];
      if (e->resolution != PT_RES_AMBIGUOUS)
        continue;
      n++;
      if (!e->candidates || e->candidates->n < 2)
        print_message("%s: %s -> %s line %u has no candidates\n", langs[l],
                      e->from_key, e->to_key, e->line);
      assert_non_null(e->candidates);
      assert_true(e->candidates->n >= 2);
    }
    assert_true(n > 0);
    pt_graph_free(g);
  }
}

/* A third and a fourth helper come and go in other files: main.c is not
 * edited, yet its edge's candidates follow, as a fresh index's. */
static void resolve__patch_follows_the_candidates_of_an_ambiguous_edge(
    void **state)
{
  static const char *const files[] = {
    "a/one.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/two.c", "int helper(void)\n{\n  return 2;\n}\n",
    "c/main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  static const step steps[] = {
    {"a/three.c", "int helper(void)\n{\n  return 3;\n}\n", NULL},
    {"b/four.c", "int helper(void)\n{\n  return 4;\n}\n", NULL},
    {"a/one.c", "int other(void)\n{\n  return 1;\n}\n", NULL},
    {"b/four.c", NULL, NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_candidates", files, steps);
}

/* g() in use.py is mod.py's f through `from mod import f as g`, and P()
 * in u.ts is m.ts's `export default` function, whatever its name: when
 * mod.py gains and loses f, and m.ts's default export comes, moves and
 * goes, use.py and u.ts resolve again though neither changed; an alias
 * changed in use.py changes only use.py. */
static void resolve__patch_follows_a_name_an_import_binds(void **state)
{
  static const char *const files[] = {
    "mod.py", "def other():\n    return 1\n",
    "use.py", "from mod import f as g\n\n\ndef run():\n    return g()\n",
    "m.ts", "export function a(): number { return 1; }\n",
    "u.ts", "import P from './m';\n\n"
            "export function run(): number { return P(); }\n",
    NULL};
  static const step steps[] = {
    {"mod.py", "def other():\n    return 1\n\n\ndef f():\n    return 2\n",
     NULL},
    {"m.ts", "export default function parse(): number { return 2; }\n", NULL},
    {"use.py", "from mod import other as g\n\n\ndef run():\n    return g()\n",
     NULL},
    {"m.ts", "export function parse(): number { return 2; }\n\n"
             "export default function again(): number { return 3; }\n", NULL},
    {"mod.py", "def f():\n    return 2\n", NULL},
    {"m.ts", "export function parse(): number { return 2; }\n", NULL},
    {NULL, NULL, NULL}};
  steps_equal_fresh("patch_alias", files, steps);
}

/* ---- the tables: arity ranges and groups ------------------------------- */

static void assert_range_fits(const char *sig, const char *name, int is_macro,
                              int is_cpp)
{
  uint8_t lo, hi;
  pt__arity_range(sig, name, is_macro, is_cpp, &lo, &hi);
  for (unsigned n = 0; n <= 254; n++) {
    int want = pt__arity_fits(sig, name, is_macro, is_cpp, n);
    if (want != (n >= lo && n <= hi))
      print_message("%s (%s): %u arguments: fits %d, range %u-%u\n",
                    sig ? sig : "(null)", name, n, want, lo, hi);
    assert_int_equal(want, n >= lo && n <= hi);
  }
}

/* What a call's number of arguments leaves of a definition is read once
 * per definition as a range: the same answer as reading its signature
 * for every number, on every function of the C, C++, Java, C# and Swift
 * fixtures and on signatures the fixtures may not have. */
static void resolve__arity_range_agrees_with_the_signature_for_every_count(
    void **state)
{
  static const char *const langs[] = {"c", "cpp", "java", "csharp", "swift"};
  static const char *const sigs[][2] = {
    {"int f(void)", "f"}, {"int f()", "f"}, {"int f(int a, ...)", "f"},
    {"void f(int a, int b = 2, int c = 3)", "f"}, {"#define f(a, b)", "f"},
    {"void A::f(int x = 1)", "f"}, {"int f(int (*cb)(int, int), char c)", "f"},
    {"void f(params object[] xs)", "f"}, {"int f(int a,", "f"},
    {"int (f) (int a)", "f"}, {"bool f(a == b, c)", "f"}, {NULL, "f"},
    {"func f(_ a: Int, b: Int = 2)", "f"}, {"int g(int a)", "f"}};
  size_t checked = 0;
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
    for (int m = 0; m < 4; m++)
      assert_range_fits(sigs[k][0], sigs[k][1], m & 1, m >> 1);
  for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, langs[l]);
    pt_ingest_opts o = {dir, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
    pt_ingest_stats st;
    pt_graph *g = NULL;
    assert_int_equal(pt_ingest(&o, &g, &st), 0);
    pt_ingest_stats_fini(&st);
    for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
      const pt_entity *e = &pt_graph_entities(g)[i];
      if (e->kind != PT_KIND_FUNCTION && e->kind != PT_KIND_METHOD)
        continue;
      assert_range_fits(e->signature, e->name,
                        e->signature && e->signature[0] == '#',
                        e->lang != PT_LANG_C);
      checked++;
    }
    pt_graph_free(g);
  }
  assert_true(checked > 100);
}

/* The key of entity i in the groups of type t, as resolve_group.c makes
 * it. */
static uint32_t group_key(const pt_resolver *rs, size_t i, int t)
{
  if (t == PT_GRP_DIR)
    return rs->info[i].dir;
  if (t == PT_GRP_ENCL)
    return rs->info[i].encl;
  if (t == PT_GRP_QN)
    return rs->info[i].qn;
  const char *q = rs->ents[i].qualname;
  size_t ql = q ? strlen(q) : 0, nl = strlen(rs->ents[i].name);
  if (ql < nl + 1 || q[ql - nl - 1] != '.')
    return NO_ID;
  size_t end = ql - nl - 1, start = end;
  while (start > 0 && q[start - 1] != '.')
    start--;
  uint32_t id = pt__group_seg_id(rs, q + start, end - start);
  assert_int_not_equal(id, NO_ID);
  return id;
}

/* Every chain of same-named entities, each group of each of its members:
 * exactly the chain's members with that key, in the chain's order; and
 * its non-methods (rs->next_free from each member, pt__group_free_first
 * from the head): exactly the chain's members that are not methods, in
 * the chain's order; and its name's kinds hold each member's, its count
 * of non-methods every family's chain's. */
static size_t assert_groups_follow_chains(const pt_resolver *rs)
{
  size_t groups = 0;
  uint32_t *free_of = pt_calloc(rs->name_ids.n + 1, sizeof *free_of);
  assert_non_null(free_of);
  for (int f = 0; f < PT_LANG__COUNT; f++)
    for (size_t s = 0; s < rs->by_name[f].cap; s++) {
      const pt_strmap_slot *slot = &rs->by_name[f].slots[s];
      if (!slot->key || slot->value == NONE)
        continue;
      size_t head = slot->value;
      uint32_t nm = pt__group_free_first(rs, head);
      for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
        if (rs->info[i].kind == PT_KIND_METHOD)
          continue;
        assert_int_equal(nm, i);
        nm = rs->next_free[i];
      }
      assert_int_equal(nm, NO_ID);
      for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
        assert_true(pt__group_name_kinds(rs, rs->info[i].nid) &
                    (1u << rs->info[i].kind));
        if (rs->info[i].kind != PT_KIND_METHOD)
          free_of[rs->info[i].nid]++;
      }
      for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
        size_t j = rs->next_same_name[i];
        while (j != NONE && rs->info[j].kind == PT_KIND_METHOD)
          j = rs->next_same_name[j];
        assert_int_equal(rs->next_free[i], j == NONE ? NO_ID : (uint32_t)j);
      }
      for (size_t i = head; i != NONE; i = rs->next_same_name[i])
        for (int t = 0; t < PT_GRP__COUNT; t++) {
          uint32_t x = group_key(rs, i, t);
          uint32_t g = pt__group_first(rs, t, rs->info[head].fam,
                                       rs->info[head].nid, x);
          if (x == NO_ID) {
            assert_int_equal(g, NO_ID);
            continue;
          }
          groups++;
          for (size_t j = head; j != NONE; j = rs->next_same_name[j]) {
            if (group_key(rs, j, t) != x)
              continue;
            assert_int_equal(g, j);
            g = rs->gnext[t][g];
          }
          assert_int_equal(g, NO_ID);
        }
    }
  /* each name counts its non-methods, every family's */
  for (uint32_t nid = 0; nid < rs->name_ids.n; nid++)
    assert_int_equal(pt__group_name_free(rs, nid), free_of[nid]);
  pt_free(free_of);
  return groups;
}

/* Whether list (from first, by next) holds x exactly once. */
static int listed_once(uint32_t first, const uint32_t *next, uint32_t x)
{
  int seen = 0;
  for (uint32_t i = first; i != NO_ID; i = next[i])
    seen += i == x;
  return seen == 1;
}

/* x is listed once under the last segment of path[0..end), when it has
 * one: heads by tail, next by member (tail_path and path_tail_next, or
 * tail_dir and dir_tail_next). */
static void assert_listed_by_tail(const pt_resolver *rs, const char *path,
                                  size_t end, const uint32_t *heads,
                                  const uint32_t *next, uint32_t x)
{
  size_t ks = pt__tails_start(path, end);
  if (ks == end)
    return;
  uint32_t t = pt__tails_find(rs, path + ks, end - ks);
  assert_int_not_equal(t, NO_ID);
  assert_true(listed_once(heads[t], next, x));
}

/* x's module path s[0..n) is under the key of its whole text and of
 * each tail after a '/', once each, with that tail's start. */
static size_t assert_module_path_keyed(const pt_resolver *rs, const char *s,
                                       size_t n, uint32_t x)
{
  size_t keys = 0;
  for (size_t j = 0; n && j < n; j++) {
    if (j && s[j - 1] != '/')
      continue;
    uint32_t k = pt__modpaths_key(
        pt__modpaths_feed(pt__modpaths_start(), s + j, n - j), j == 0);
    int seen = 0;
    for (uint32_t e = pt__modpaths_first(rs, k); e != NO_ID;
         e = pt__modpaths_next(rs, e, k))
      seen += rs->mp_owner[e] == x && rs->mp_at[e] == j;
    assert_int_equal(seen, 1);
    keys++;
  }
  return keys;
}

/* The module paths (resolve_modpaths.c): every folder's, and every
 * path's as a Rust module's file but mod.rs, lib.rs and main.rs, and
 * nothing else. */
static void assert_modpaths_key_every_path(const pt_resolver *rs)
{
  size_t keys = 0;
  for (uint32_t p = 0; p < rs->n_paths; p++) {
    const char *path = rs->path_text[p];
    size_t dl = pt__path_dir_len(path);
    size_t ml = pt__use_prefix_len(PT_LANG_RUST, path);
    if (ml != dl)
      keys += assert_module_path_keyed(rs, path, ml, PT__MP_FILE(p));
    if (rs->dir_path[rs->path_dir[p]] == p)
      keys += assert_module_path_keyed(rs, path, dl,
                                       PT__MP_DIR(rs->path_dir[p]));
  }
  assert_int_equal(rs->n_mp, keys);
}

/* The tails (resolve_tails.c): every path knows its folder, every folder
 * a path in it; each is in the list of its last segment (a stem's, a
 * folder's) exactly once, and every list member has that segment. */
static void assert_tails_list_every_path(const pt_resolver *rs)
{
  for (uint32_t p = 0; p < rs->n_paths; p++) {
    const char *path = rs->path_text[p];
    size_t dl = pt__path_dir_len(path), d;
    assert_true(pt_strmap_get(&rs->dirs, path, dl, &d));
    assert_int_equal(rs->path_dir[p], d);
    const char *dot = strrchr(pt__path_base(path), '.');
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    assert_listed_by_tail(rs, path, stem, rs->tail_path, rs->path_tail_next,
                          p);
  }
  assert_true(rs->dirs.n <= rs->cap_dir_tails);
  for (size_t s = 0; s < rs->dirs.cap; s++) {
    const pt_strmap_slot *slot = &rs->dirs.slots[s];
    if (!slot->key)
      continue;
    uint32_t d = (uint32_t)slot->value;
    const char *path = rs->path_text[rs->dir_path[d]];
    size_t dl = pt__path_dir_len(path);
    assert_int_equal(rs->path_dir[rs->dir_path[d]], d);
    assert_listed_by_tail(rs, path, dl, rs->tail_dir, rs->dir_tail_next, d);
  }
  for (size_t s = 0; s < rs->tails.cap; s++) {
    const pt_strmap_slot *slot = &rs->tails.slots[s];
    if (!slot->key)
      continue;
    size_t t = slot->value;
    for (uint32_t p = rs->tail_path[t]; p != NO_ID; p = rs->path_tail_next[p]) {
      const char *path = rs->path_text[p];
      const char *dot = strrchr(pt__path_base(path), '.');
      size_t stem = dot ? (size_t)(dot - path) : strlen(path);
      size_t ks = pt__tails_start(path, stem);
      assert_int_equal(pt__tails_find(rs, path + ks, stem - ks), t);
    }
    for (uint32_t d = rs->tail_dir[t]; d != NO_ID; d = rs->dir_tail_next[d]) {
      const char *path = rs->path_text[rs->dir_path[d]];
      size_t dl = pt__path_dir_len(path), ks = pt__tails_start(path, dl);
      assert_int_equal(pt__tails_find(rs, path + ks, dl - ks), t);
    }
  }
  assert_modpaths_key_every_path(rs);
}

static const char *sort_path(const char *p)
{
  return p ? p : "";
}

static int cmp_ent_path(const void *pa, const void *pb)
{
  const pt_entity *a = pa, *b = pb;
  int c = strcmp(sort_path(a->file_path), sort_path(b->file_path));
  if (c == 0)
    c = (a->line_start > b->line_start) - (a->line_start < b->line_start);
  return c ? c : strcmp(a->key, b->key);
}

static int cmp_file_path(const void *pa, const void *pb)
{
  return strcmp(((const pt_file_record *)pa)->path,
                ((const pt_file_record *)pb)->path);
}

static int cmp_u64_ref(const void *pa, const void *pb)
{
  uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
  return (a > b) - (a < b);
}

/* A seal sorts the records and keeps each hash once, for every size
 * around the insertion sort's limit and every order its quicksort can
 * meet: random, few distinct values, sorted, reversed, all equal and
 * rising then falling (what the median of three handles worst). */
static void resolve__deps_seal_sorts_and_keeps_each_hash_once(void **state)
{
  uint64_t x = 0x243f6a8885a308d3u;
  for (int shape = 0; shape < 6; shape++)
    for (size_t n = 0; n < 300; n += n < 40 ? 1 : 37) {
      pt__deps d = {0};
      uint64_t *want = pt_malloc((n + 1) * sizeof *want);
      assert_non_null(want);
      for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = shape == 0   ? x
                     : shape == 1 ? x % 5
                     : shape == 2 ? (uint64_t)i * 3
                     : shape == 3 ? (uint64_t)(n - i)
                     : shape == 4 ? 7
                                  : (uint64_t)(i < n / 2 ? i : n - i);
        want[i] = v;
        assert_int_equal(pt__deps_add(&d, v), 0);
      }
      qsort(want, n, sizeof *want, cmp_u64_ref);
      size_t w = 0;
      for (size_t r = 0; r < n; r++)
        if (w == 0 || want[w - 1] != want[r])
          want[w++] = want[r];
      assert_int_equal(pt__deps_seal(&d), 0);
      assert_int_equal(d.n, w);
      for (size_t i = 0; i < w; i++)
        assert_true(d.v[i] == want[i]);
      pt__deps_fini(&d);
      pt_free(want);
    }
}

/* The fixtures of every language (fixtures/lang) indexed whole. */
static pt_graph *lang_fixtures_graph(void)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang", PT_FIXTURES);
  pt_ingest_opts o = {dir, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  return g;
}

/* Every entity's parent as the tables were made (rs->parent) is what its
 * parent_key names in by_key, and pt__resolve_parent answers it; returns
 * how many entities have a parent. */
static size_t assert_parents_as_keyed(const pt_resolver *rs)
{
  size_t with = 0;
  for (size_t i = 0; i < rs->n_ents; i++) {
    size_t p = pt__resolve_key(rs, NULL, rs->ents[i].parent_key);
    if (rs->parent)
      assert_int_equal(rs->parent[i], p == NONE ? NO_ID : (uint32_t)p);
    assert_int_equal(pt__resolve_parent(rs, i), p);
    with += p != NONE;
  }
  return with;
}

/* The groups hold what the chains hold, in their order, when the tables
 * are made (the fixtures of every language) and after patches take one
 * file's definitions out, put them back, and take one of them out. */
static void resolve__groups_hold_the_chain_members_of_their_key(void **state)
{
  pt_graph *g = lang_fixtures_graph();
  size_t n = pt_graph_n_entities(g), nf = pt_graph_n_files(g);
  pt_entity *ents = pt_malloc((n + 1) * sizeof *ents);
  pt_file_record *files = pt_malloc((nf + 1) * sizeof *files);
  assert_non_null(ents);
  assert_non_null(files);
  memcpy(ents, pt_graph_entities(g), n * sizeof *ents);
  memcpy(files, pt_graph_files(g), nf * sizeof *files);
  /* walk order, then source order, as a run has them */
  qsort(ents, n, sizeof *ents, cmp_ent_path);
  qsort(files, nf, sizeof *files, cmp_file_path);
  pt_resolver *rs = NULL;
  assert_int_equal(pt__resolver_new_arrays(ents, n, files, nf, &rs), 0);
  assert_true(assert_groups_follow_chains(rs) > 1000);
  assert_tails_list_every_path(rs);
  assert_non_null(rs->parent);
  assert_true(assert_parents_as_keyed(rs) > 100);
  assert_int_equal(pt__resolver_record(rs), 0);
  assert_null(rs->parent); /* patches change what a key names */
  pt__resolver_adopt(rs, ents, files);
  const char *path = NULL;
  size_t first = 0, count = 0;
  for (size_t i = 0; i < n; i++) { /* the file with the most definitions */
    size_t j = i;
    while (j < n && !strcmp(ents[j].file_path, ents[i].file_path))
      j++;
    if (j - i > count) {
      count = j - i;
      first = i;
      path = ents[i].file_path;
    }
    i = j - 1;
  }
  pt_entity *mine = pt_malloc((count + 1) * sizeof *mine);
  assert_non_null(mine);
  memcpy(mine, &ents[first], count * sizeof *mine);
  pt_lang lang = mine[0].lang;
  pt__deps changed = {0};
  assert_int_equal(pt__resolver_set_file(rs, path, lang, NULL, 0, 1, &changed), 0);
  assert_groups_follow_chains(rs);
  assert_int_equal(pt__resolver_set_file(rs, path, lang, mine, count, 0,
                                         &changed), 0);
  assert_groups_follow_chains(rs);
  assert_int_equal(pt__resolver_set_file(rs, path, lang, mine + 1, count - 1,
                                         0, &changed), 0);
  assert_groups_follow_chains(rs);
  assert_tails_list_every_path(rs);
  /* a path in a new folder, a stem and a folder of dotted segments */
  size_t had = rs->dirs.n;
  assert_int_equal(pt__resolver_set_file(rs, "zz_new/sub.pkg/fresh.mod.py",
                                         PT_LANG_PYTHON, NULL, 0, 0, &changed),
                   0);
  assert_int_equal(rs->dirs.n, had + 1);
  assert_int_not_equal(pt__tails_find(rs, "pkg", 3), NO_ID);
  assert_int_not_equal(pt__tails_find(rs, "mod", 3), NO_ID);
  assert_groups_follow_chains(rs);
  assert_tails_list_every_path(rs);
  assert_parents_as_keyed(rs);
  pt__deps_fini(&changed);
  pt_free(mine);
  pt__resolver_free(rs);
  pt_graph_free(g);
}

/* ents in walk order with each file's run moved, the runs in the reverse
 * order of their paths, into out; at[i] is where ents[i] went. */
static void runs_reversed(const pt_entity *ents, size_t n, pt_entity *out,
                          size_t *at)
{
  size_t k = 0;
  for (size_t end = n; end > 0;) {
    size_t start = end - 1;
    while (start > 0 && !strcmp(sort_path(ents[start - 1].file_path),
                                sort_path(ents[end - 1].file_path)))
      start--;
    for (size_t i = start; i < end; i++) {
      at[i] = k;
      out[k++] = ents[i];
    }
    end = start;
  }
}

/* What reading entity i's bases and its type's members records in rs. */
static void read_types(pt_resolver *rs, size_t i, pt__deps *d)
{
  pt__deps_record(d);
  if (rs->info[i].qn != NO_ID)
    pt__resolve_bases(rs, rs->info[i].qn);
  if (rs->info[i].encl != NO_ID)
    pt__resolve_note_members(rs, i, rs->info[i].encl);
  pt__deps_record(NULL);
  assert_int_equal(pt__deps_seal(d), 0);
}

/* A read of a type's bases or members records the same hashes whatever
 * order the tables were made in (a fresh run's walk order, a re-run's
 * records), and so does a patch's mark of them: the reads could be kept
 * in the store and compared with another process's changes. */
static void resolve__type_reads_do_not_depend_on_the_tables_order(void **state)
{
  pt_graph *g = lang_fixtures_graph();
  size_t n = pt_graph_n_entities(g), nf = pt_graph_n_files(g);
  pt_entity *ea = pt_malloc((n + 1) * sizeof *ea);
  pt_entity *eb = pt_malloc((n + 1) * sizeof *eb);
  pt_file_record *fa = pt_malloc((nf + 1) * sizeof *fa);
  pt_file_record *fb = pt_malloc((nf + 1) * sizeof *fb);
  size_t *at = pt_malloc((n + 1) * sizeof *at);
  assert_true(ea && eb && fa && fb && at);
  memcpy(ea, pt_graph_entities(g), n * sizeof *ea);
  memcpy(fa, pt_graph_files(g), nf * sizeof *fa);
  qsort(ea, n, sizeof *ea, cmp_ent_path);
  qsort(fa, nf, sizeof *fa, cmp_file_path);
  runs_reversed(ea, n, eb, at);
  for (size_t i = 0; i < nf; i++)
    fb[i] = fa[nf - 1 - i];
  pt_resolver *ra = NULL, *rb = NULL;
  assert_int_equal(pt__resolver_new_arrays(ea, n, fa, nf, &ra), 0);
  assert_int_equal(pt__resolver_new_arrays(eb, n, fb, nf, &rb), 0);
  size_t compared = 0, other_ids = 0;
  for (size_t i = 0; i < n; i++) {
    pt__deps da = {0}, db = {0};
    read_types(ra, i, &da);
    read_types(rb, at[i], &db);
    assert_int_equal(da.n, db.n);
    if (da.n)
      assert_memory_equal(da.v, db.v, da.n * sizeof *da.v);
    compared += da.n;
    other_ids += ra->info[i].qn != rb->info[at[i]].qn;
    pt__deps_fini(&da);
    pt__deps_fini(&db);
  }
  assert_true(compared > 1000);
  assert_true(other_ids > 100); /* the orders gave other ids */
  /* a patch takes out the definitions of the file with the most types */
  assert_int_equal(pt__resolver_record(ra), 0);
  assert_int_equal(pt__resolver_record(rb), 0);
  pt__resolver_adopt(ra, ea, fa);
  pt__resolver_adopt(rb, eb, fb);
  const char *path = NULL;
  pt_lang lang = PT_LANG_C;
  size_t most = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i, typed = 0;
    for (; j < n && !strcmp(sort_path(ea[j].file_path),
                            sort_path(ea[i].file_path)); j++)
      typed += ra->info[j].encl != NO_ID;
    if (typed > most) {
      most = typed;
      path = ea[i].file_path;
      lang = ea[i].lang;
    }
    i = j;
  }
  assert_non_null(path);
  pt__deps ca = {0}, cb = {0};
  assert_int_equal(pt__resolver_set_file(ra, path, lang, NULL, 0, 1, &ca), 0);
  assert_int_equal(pt__resolver_set_file(rb, path, lang, NULL, 0, 1, &cb), 0);
  assert_int_equal(pt__resolver_flush_attrs(ra, &ca), 0);
  assert_int_equal(pt__resolver_flush_attrs(rb, &cb), 0);
  assert_int_equal(pt__deps_seal(&ca), 0);
  assert_int_equal(pt__deps_seal(&cb), 0);
  assert_true(ca.n > 0);
  assert_int_equal(ca.n, cb.n);
  assert_memory_equal(ca.v, cb.v, ca.n * sizeof *ca.v);
  pt__deps_fini(&ca);
  pt__deps_fini(&cb);
  pt__resolver_free(ra);
  pt__resolver_free(rb);
  pt_free(at);
  pt_graph_free(g);
  (void)state;
}

/* A build of more than 65,536 definitions sizes its groups' map from the
 * first sixteenth of them (resolve_group.c) instead of doubling it on the
 * way: the groups are the same as the chains say, and the map is sized
 * for what it holds (not for four groups a definition). */
static void resolve__groups_of_many_definitions_fill_a_map_sized_once(void **state)
{
  enum { FILES = 800, PER_FILE = 100, N = FILES * PER_FILE };
  pt_entity *ents = pt_calloc(N + 1, sizeof *ents);
  pt_file_record *files = pt_calloc(FILES + 1, sizeof *files);
  char *text = pt_malloc((size_t)N * 160 + (size_t)FILES * 32);
  (void)state;
  assert_non_null(ents);
  assert_non_null(files);
  assert_non_null(text);
  char *at = text;
  for (size_t f = 0; f < FILES; f++) {
    files[f].path = at;
    files[f].lang = PT_LANG_PYTHON;
    at += sprintf(at, "d%02zu/f%04zu.py", f % 40, f) + 1;
    for (size_t k = 0; k < PER_FILE; k++) {
      size_t i = f * PER_FILE + k, n = (i * 7919) % 3000;
      pt_entity *e = &ents[i];
      e->file_path = files[f].path;
      e->lang = PT_LANG_PYTHON;
      e->kind = k % 3 ? PT_KIND_METHOD : PT_KIND_FUNCTION;
      e->line_start = e->line_end = (uint32_t)k + 1;
      e->name = at;
      at += sprintf(at, "n%zu", n) + 1;
      e->qualname = at;
      at += (k % 3 ? sprintf(at, "K%zu.n%zu", (i / 7) % 500, n)
                   : sprintf(at, "n%zu", n)) + 1;
      e->key = at;
      at += sprintf(at, "py:fn:n%zu:%zu", n, i) + 1;
    }
  }
  pt_resolver *rs = NULL;
  assert_int_equal(pt__resolver_new_arrays(ents, N, files, FILES, &rs), 0);
  assert_true(assert_groups_follow_chains(rs) > N);
  assert_true((rs->groups.n + 1) * 2 <= rs->groups.cap);
  assert_true(rs->groups.cap <= 8 * rs->groups.n);
  pt__resolver_free(rs);
  pt_free(ents);
  pt_free(files);
  pt_free(text);
}

/* A file's edges are made in an array sized once to its references (each
 * makes at most one edge), not grown from 16 by doubling: a large file's
 * array was copied, and faulted in again, at each step. */
static void resolve__a_files_edges_fill_an_array_sized_once(void **state)
{
  enum { N_REFS = 1000 };
  pt_entity ent;
  pt_file_record file;
  (void)state;
  memset(&ent, 0, sizeof ent);
  memset(&file, 0, sizeof file);
  file.path = "a.py";
  file.lang = PT_LANG_PYTHON;
  ent.file_path = file.path;
  ent.lang = PT_LANG_PYTHON;
  ent.kind = PT_KIND_FUNCTION;
  ent.line_start = ent.line_end = 1;
  ent.name = ent.qualname = "target";
  ent.key = "py:fn:target:1";
  pt_raw_ref *refs = pt_calloc(N_REFS, sizeof *refs);
  assert_non_null(refs);
  for (size_t i = 0; i < N_REFS; i++) {
    refs[i].from_key = ent.key;
    refs[i].name = i % 2 ? "target" : "nowhere";
    refs[i].kind = PT_REF_CALL;
    refs[i].line = (uint32_t)i + 2;
    refs[i].from_entity = -1;
  }
  pt_resolver *rs = NULL;
  pt__resolve_ctx c;
  pt__res_edges out;
  memset(&out, 0, sizeof out);
  assert_int_equal(pt__resolver_new_arrays(&ent, 1, &file, 1, &rs), 0);
  assert_int_equal(pt__resolve_ctx_init(&c, rs), 0);
  assert_int_equal(
      pt__resolve_begin_file(rs, &c, file.path, file.lang, refs, N_REFS), 0);
  assert_int_equal(
      pt__resolve_refs(rs, &c, file.path, file.lang, refs, N_REFS, &out), 0);
  assert_int_equal(out.n, N_REFS);
  assert_int_equal(out.cap, N_REFS);
  for (size_t i = 0; i < N_REFS; i++) {
    assert_int_equal(out.v[i].line, refs[i].line);
    assert_int_equal(out.v[i].resolved, (int)(i % 2));
    assert_int_equal(out.own_to[i], !(i % 2));
    if (i % 2)
      assert_string_equal(out.v[i].to_key, ent.key);
  }
  pt__res_edges_fini(&out);
  pt__resolve_ctx_fini(&c);
  pt__resolver_free(rs);
  pt_free(refs);
}

static void count_call(void *payload)
{
  ++*(int *)payload;
}

/* What the tables made beside other work hold: the same as made alone. */
static void assert_same_tables(const pt_resolver *a, const pt_resolver *b)
{
  size_t n = a->n_ents;
  assert_int_equal(b->n_ents, n);
  assert_int_equal(b->qnames.n, a->qnames.n);
  assert_int_equal(b->name_ids.n, a->name_ids.n);
  assert_int_equal(b->n_paths, a->n_paths);
  assert_int_equal(b->groups.n, a->groups.n);
  assert_memory_equal(b->next_same_name, a->next_same_name, n * sizeof(size_t));
  assert_memory_equal(b->next_same_base, a->next_same_base,
                      a->n_files * sizeof(size_t));
  assert_memory_equal(b->info, a->info, n * sizeof *a->info);
  assert_memory_equal(b->parent, a->parent, n * sizeof(uint32_t));
  assert_memory_equal(b->next_free, a->next_free, n * sizeof(uint32_t));
  for (int t = 0; t < PT_GRP__COUNT; t++)
    assert_memory_equal(b->gnext[t], a->gnext[t], n * sizeof(uint32_t));
  assert_memory_equal(b->groups.slots, a->groups.slots,
                      a->groups.cap * sizeof *a->groups.slots);
  assert_int_equal(b->tails.n, a->tails.n);
  assert_memory_equal(b->path_dir, a->path_dir,
                      a->n_paths * sizeof(uint32_t));
  assert_memory_equal(b->dir_path, a->dir_path, a->dirs.n * sizeof(uint32_t));
  assert_int_equal(b->n_mp, a->n_mp);
  assert_memory_equal(b->mp_hash, a->mp_hash, a->n_mp * sizeof(uint32_t));
  assert_memory_equal(b->mp_owner, a->mp_owner, a->n_mp * sizeof(uint32_t));
  assert_memory_equal(b->mp_at, a->mp_at, a->n_mp * sizeof(uint32_t));
}

/* pt__resolver_new_beside (a re-run's tables, its comparison beside their
 * last step) makes the tables pt__resolver_new_arrays makes, and calls
 * beside once: on success, and when any of its allocations fails (the
 * failure returned as PT_ENOMEM, nothing leaked). */
static void resolve__tables_made_beside_other_work_are_the_same(void **state)
{
  pt_graph *g = lang_fixtures_graph();
  (void)state;
  size_t n = pt_graph_n_entities(g), nf = pt_graph_n_files(g);
  const pt_entity *ents = pt_graph_entities(g);
  const pt_file_record *files = pt_graph_files(g);
  pt_resolver *alone = NULL, *beside = NULL;
  int calls = 0;
  assert_int_equal(pt__resolver_new_arrays(ents, n, files, nf, &alone), 0);
  assert_int_equal(pt__resolver_new_beside(ents, n, files, nf, count_call,
                                           &calls, &beside), 0);
  assert_int_equal(calls, 1);
  assert_same_tables(alone, beside);
  pt__resolver_free(beside);
  int failed = 0;
  for (unsigned long k = 1; k < 100000; k++) {
    beside = NULL;
    calls = 0;
    pt_alloc_fail_after(k);
    int rc = pt__resolver_new_beside(ents, n, files, nf, count_call, &calls,
                                     &beside);
    pt_alloc_fail_after(0);
    assert_int_equal(calls, 1);
    if (rc == 0) {
      assert_same_tables(alone, beside);
      pt__resolver_free(beside);
      break;
    }
    assert_int_equal(rc, PT_ENOMEM);
    assert_null(beside);
    failed++;
  }
  assert_true(failed > 10);
  pt__resolver_free(alone);
  pt_graph_free(g);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(resolve__arity_range_agrees_with_the_signature_for_every_count),
    cmocka_unit_test(resolve__groups_hold_the_chain_members_of_their_key),
    cmocka_unit_test(resolve__type_reads_do_not_depend_on_the_tables_order),
    cmocka_unit_test(resolve__deps_seal_sorts_and_keeps_each_hash_once),
    cmocka_unit_test(resolve__tables_made_beside_other_work_are_the_same),
    cmocka_unit_test(resolve__groups_of_many_definitions_fill_a_map_sized_once),
    cmocka_unit_test(resolve__a_files_edges_fill_an_array_sized_once),
    cmocka_unit_test(resolve__ambiguous_edge_lists_the_candidates_its_tier_left),
    cmocka_unit_test(resolve__ambiguous_edge_lists_at_most_16_candidates),
    cmocka_unit_test(resolve__ambiguous_method_lists_the_overloads),
    cmocka_unit_test(resolve__every_ambiguous_fixture_edge_has_candidates),
    cmocka_unit_test(resolve__patch_follows_the_candidates_of_an_ambiguous_edge),
    cmocka_unit_test(resolve__qualifier_picks_the_method_of_the_named_type),
    cmocka_unit_test(resolve__enclosing_type_wins_over_an_earlier_method_in_the_file),
    cmocka_unit_test(resolve__nested_function_of_the_callers_function_wins),
    cmocka_unit_test(resolve__same_file_wins_over_an_earlier_file),
    cmocka_unit_test(resolve__import_picks_the_imported_module),
    cmocka_unit_test(resolve__same_directory_picks_the_sibling_over_other_folders),
    cmocka_unit_test(resolve__same_directory_links_the_files_of_a_go_package),
    cmocka_unit_test(resolve__language_links_a_unique_name_in_another_folder),
    cmocka_unit_test(resolve__language_scoping_hides_what_python_does_not_import),
    cmocka_unit_test(resolve__language_leaves_a_method_of_two_types_unresolved),
    cmocka_unit_test(resolve__language_never_crosses_language_families),
    cmocka_unit_test(resolve__no_candidate_leaves_an_unresolved_placeholder),
    cmocka_unit_test(resolve__a_type_whose_name_no_type_has_stays_unresolved),
    cmocka_unit_test(resolve__patch_follows_a_name_gaining_a_kind_that_fits),
    cmocka_unit_test(resolve__a_name_only_another_family_defines_keeps_its_reason),
    cmocka_unit_test(resolve__many_files_give_the_same_dump_on_1_and_4_threads),
    cmocka_unit_test(resolve__member_call_never_resolves_by_the_name_alone),
    cmocka_unit_test(resolve__receiver_type_picks_the_method_of_its_type),
    cmocka_unit_test(resolve__patch_follows_a_factory_result_type),
    cmocka_unit_test(resolve__patch_follows_a_base_that_changes),
    cmocka_unit_test(resolve__patch_follows_a_cpp_field_declared_elsewhere),
    cmocka_unit_test(resolve__patch_follows_overloads_whose_parameters_change),
    cmocka_unit_test(resolve__patch_follows_a_receiver_type_that_turns_ambiguous),
    cmocka_unit_test(resolve__patch_follows_a_name_turning_unique_and_back),
    cmocka_unit_test(resolve__patch_follows_a_base_added_and_removed),
    cmocka_unit_test(resolve__patch_follows_a_base_that_another_file_changes),
    cmocka_unit_test(resolve__patch_follows_a_renamed_file),
    cmocka_unit_test(resolve__patch_follows_a_definition_an_import_names),
    cmocka_unit_test(resolve__patch_follows_deleted_and_new_files),
    cmocka_unit_test(resolve__patch_follows_new_files_an_import_names),
    cmocka_unit_test(resolve__a_path_import_finds_its_name_in_every_copy),
    cmocka_unit_test(resolve__package_qualifiers_follow_each_files_imports),
    cmocka_unit_test(resolve__patch_follows_the_files_of_a_path_import),
    cmocka_unit_test(resolve__a_path_head_is_looked_up_as_its_modules_end),
    cmocka_unit_test(resolve__patch_follows_the_module_paths_of_a_head),
    cmocka_unit_test(resolve__patch_follows_a_name_an_import_binds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
