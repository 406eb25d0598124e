/* Per-language extraction fixtures: each folder tests/fixtures/lang/<lang>/
 * is indexed through the real pipeline (walk, extract, resolve) and its
 * brief dump (pt_graph_dump_brief) must contain every line of
 * tests/fixtures/lang/<lang>.expected, and none of the lines written there
 * with a leading "!". Blank lines and lines starting with "#" are notes.
 * An edge line that ends without its "[resolution]" matches that edge
 * however it was resolved. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "test_support.h"

static void check_fixture(const char *lang)
{
  char dir[512], expected_path[512];
  snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, lang);
  snprintf(expected_path, sizeof expected_path, "%s/lang/%s.expected", PT_FIXTURES, lang);
  pt_ingest_opts o = {dir, 2, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  for (size_t i = 0; i < st.n_errors; i++)
    print_message("ingest error: %s\n", st.errors[i]);
  pt_buf dump = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump_brief(g, &dump), 0);
  char *expected = pt_test_read(expected_path);
  int failures = 0;
  for (char *line = expected, *next; line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (!*line || line[0] == '#')
      continue;
    int negate = line[0] == '!';
    const char *want = negate ? line + 1 : line;
    pt_buf needle = PT_BUF_INIT;
    size_t wl = strlen(want);
    int any_how = strncmp(want, "edge ", 5) == 0 && want[wl - 1] != ']';
    pt_buf_printf(&needle, any_how ? "\n%s [" : "\n%s\n", want);
    pt_buf hay = PT_BUF_INIT;
    pt_buf_printf(&hay, "\n%s", pt_buf_cstr(&dump));
    int found = strstr(hay.ptr, needle.ptr) != NULL;
    if (found == negate) {
      print_message("%s: %s: %s\n", lang, negate ? "unexpected" : "missing", want);
      failures++;
    }
    pt_buf_fini(&needle);
    pt_buf_fini(&hay);
  }
  if (failures)
    print_message("--- actual brief dump of %s ---\n%s", lang, pt_buf_cstr(&dump));
  assert_int_equal(failures, 0);
  assert_int_equal(st.n_errors, 0);
  pt_free(expected);
  pt_buf_fini(&dump);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

#define LANG_TEST(l) \
  static void extract_fixture__##l(void **state) { check_fixture(#l); }
LANG_TEST(rust)
LANG_TEST(python)
LANG_TEST(javascript)
LANG_TEST(typescript)
LANG_TEST(go)
LANG_TEST(java)
LANG_TEST(c)
LANG_TEST(cpp)
LANG_TEST(ruby)
LANG_TEST(php)
LANG_TEST(csharp)
LANG_TEST(swift)

/* A definition is a test by a marker word in the named decorations right
 * before it, the nearest first, up to the first named sibling that is no
 * decoration (a comment): at the top level and inside an impl. */
/* Extracts src as path and checks its tests, a line "name reason" each
 * in the extractor's order, against want. */
static void assert_tests(pt_grammar grammar, const char *path, const char *src,
                         size_t len, const char *want)
{
  pt_file_result *r = pt_test_extract(grammar, path, src, len);
  pt_buf got = PT_BUF_INIT;
  for (size_t i = 0; i < r->n_tests; i++)
    pt_buf_printf(&got, "%s %s\n", r->tests[i].name, r->tests[i].reason);
  assert_string_equal(pt_buf_cstr(&got), want);
  pt_buf_fini(&got);
  pt_file_result_free(r);
}

static void extract_markers__read_the_decorations_right_before(void **state)
{
  static const char src[] =
      "#[test]\nfn a() {}\n"
      "#[inline]\n#[bench]\nfn b() {}\n"
      "#[test]\n// a comment\nfn c() {}\n"
      "struct S;\n"
      "impl S {\n"
      "    #[test]\n    fn m() {}\n"
      "    #[inline]\n    fn n() {}\n"
      "    #[cfg(test)]\n    #[inline]\n    fn o() {}\n"
      "    #[test]\n    // a comment\n    fn p() {}\n"
      "}\n";
  assert_tests(PT_GRAMMAR_RUST, "src/lib.rs", src, sizeof src - 1,
               "a marker:test\nb marker:bench\nS.m marker:test\n"
               "S.o marker:test\n");
}

/* One definition of a run of many under one parent, written in one of
 * seven ways (Rust): the marker each way gives, or NULL. */
static const char *rust_item(pt_buf *src, const char *indent, const char *name,
                             int way)
{
  static const char *const attrs[] = {
    "#[test]\n", "#[inline]\n#[bench]\n", "#[test]\n// a comment\n",
    "#[inline]\n", "", "#[cfg(test)]\n#[inline]\n",
    "#[test]\n#[inline]\n#[inline]\n#[inline]\n#[inline]\n#[inline]\n"
    "#[inline]\n#[inline]\n#[inline]\n#[inline]\n#[inline]\n"};
  static const char *const reasons[] = {"marker:test", "marker:bench", NULL,
                                        NULL, NULL, "marker:test",
                                        "marker:test"};
  for (const char *a = attrs[way]; *a;) {
    const char *nl = strchr(a, '\n');
    pt_buf_printf(src, "%s%.*s", indent, (int)(nl - a + 1), a);
    a = nl + 1;
  }
  pt_buf_printf(src, "%sfn %s() {}\n", indent, name);
  return reasons[way];
}

/* Markers stay those of the decorations right before each definition when
 * a parent holds hundreds of them (the lookup of each among its parent's
 * children goes on from the one before): runs at the top level, in a
 * module and in an impl, the top level taken up again after each module,
 * and the same with a Python class's decorated methods and a C# class's
 * attributed ones. */
static void extract_markers__many_definitions_under_one_parent(void **state)
{
  enum { N = 240 };
  (void)state;
  pt_buf src = PT_BUF_INIT, want = PT_BUF_INIT;
  char name[64], qual[128];
  int k = 0;
  for (int m = 0; m < 3; m++) {
    for (int i = 0; i < N; i++, k++) {
      snprintf(name, sizeof name, "t%d", k);
      const char *why = rust_item(&src, "", name, k % 7);
      if (why)
        pt_buf_printf(&want, "%s %s\n", name, why);
    }
    pt_buf_printf(&src, "mod m%d {\n", m);
    for (int i = 0; i < N; i++, k++) {
      snprintf(name, sizeof name, "f%d", k);
      snprintf(qual, sizeof qual, "m%d.f%d", m, k);
      const char *why = rust_item(&src, "    ", name, (k + m) % 7);
      if (why)
        pt_buf_printf(&want, "%s %s\n", qual, why);
      if (i == N / 2) {
        pt_buf_printf(&src, "    struct S;\n    impl S {\n");
        for (int j = 0; j < N; j++, k++) {
          snprintf(name, sizeof name, "g%d", k);
          snprintf(qual, sizeof qual, "m%d.S.g%d", m, k);
          why = rust_item(&src, "        ", name, (k + 2 * m) % 7);
          if (why)
            pt_buf_printf(&want, "%s %s\n", qual, why);
        }
        pt_buf_printf(&src, "    }\n");
      }
    }
    pt_buf_printf(&src, "}\n");
  }
  assert_tests(PT_GRAMMAR_RUST, "src/lib.rs", pt_buf_cstr(&src), src.len,
               pt_buf_cstr(&want));

  pt_buf_clear(&src), pt_buf_clear(&want);
  pt_buf_printf(&src, "import pytest\nclass C:\n");
  for (int i = 0; i < N; i++) {
    static const char *const decos[] = {"    @pytest.mark.slow\n",
                                        "    @staticmethod\n", ""};
    pt_buf_printf(&src, "%s    def m%d(self):\n        pass\n", decos[i % 3], i);
    if (i % 3 == 0)
      pt_buf_printf(&want, "C.m%d marker:pytest\n", i);
  }
  assert_tests(PT_GRAMMAR_PYTHON, "lib.py", pt_buf_cstr(&src), src.len,
               pt_buf_cstr(&want));

  pt_buf_clear(&src), pt_buf_clear(&want);
  pt_buf_printf(&src, "class C {\n");
  for (int i = 0; i < N; i++) {
    static const char *const attrs[] = {"  [Fact]\n", "  [Obsolete]\n", ""};
    pt_buf_printf(&src, "%s  public void M%d() {}\n", attrs[i % 3], i);
    if (i % 3 == 0)
      pt_buf_printf(&want, "C.M%d marker:Fact\n", i);
  }
  pt_buf_printf(&src, "}\n");
  assert_tests(PT_GRAMMAR_CSHARP, "Lib.cs", pt_buf_cstr(&src), src.len,
               pt_buf_cstr(&want));
  pt_buf_fini(&src), pt_buf_fini(&want);
}

/* A Ruby class whose scope names itself (`class RDoc::RDoc`, RDoc's
 * lib/rdoc/rdoc.rb) or two that name each other (`class A::B`, `class
 * B::A`) adopt no parent that would close a loop: every walk up the
 * parents went round forever and the index never finished. Each entity's
 * chain of parents ends, and the qualified names are the written ones. */
static void extract_ruby__classes_named_by_their_own_scope_end(void **state)
{
  static const char src[] =
      "class RDoc::RDoc\n"
      "  def document(argv)\n    parse_files(argv)\n  end\n"
      "end\n"
      "class A::B\n  def f\n    g\n  end\nend\n"
      "class B::A\n  def h\n    f\n  end\nend\n";
  (void)state;
  pt_file_result *r = pt_test_extract(PT_GRAMMAR_RUBY, "lib/rdoc.rb", src,
                                    sizeof src - 1);
  pt_buf names = PT_BUF_INIT;
  for (size_t i = 0; i < r->n_entities; i++) {
    const pt_entity *e = &r->entities[i];
    pt_buf_printf(&names, "%s\n", e->qualname);
    /* the parents end within as many steps as there are entities */
    const char *up = e->parent_key;
    size_t steps = 0;
    while (up && steps++ <= r->n_entities) {
      const char *next = NULL;
      for (size_t j = 0; j < r->n_entities; j++)
        if (strcmp(r->entities[j].key, up) == 0)
          next = r->entities[j].parent_key;
      up = next;
    }
    assert_null(up);
  }
  assert_string_equal(pt_buf_cstr(&names), "RDoc.RDoc\nRDoc.RDoc.document\n"
                                           "A.B\nA.B.f\nB.A\nB.A.h\n");
  pt_buf_fini(&names);
  pt_file_result_free(r);
}

/* A member call's receiver is looked up in the locals of each function
 * around it, then in the file's; a chain's verdict is kept for its next
 * lookups (extract_refs.c), so repeated calls must each get their own
 * scope's: the function's own `a` (B), the file's (A) where the function
 * has none, and no type where the file binds `c` to two. */
static void extract_receivers__repeated_lookups_keep_each_scope(void **state)
{
  static const char src[] =
      "let a = new A();\n"
      "var c = new C();\n"
      "var c = new D();\n"
      "function f() { let a = new B(); a.m(); a.m(); c.n(); }\n"
      "a.m(); a.m(); c.n(); c.n();\n"
      "function g() { a.m(); c.n(); a.m(); }\n";
  (void)state;
  pt_file_result *r = pt_test_extract(PT_GRAMMAR_TYPESCRIPT, "src/a.ts", src,
                                    sizeof src - 1);
  pt_buf calls = PT_BUF_INIT;
  for (size_t i = 0; i < r->n_refs; i++) {
    const pt_raw_ref *ref = &r->refs[i];
    const char *from = "file";
    for (size_t j = 0; j < r->n_entities; j++)
      if (strcmp(r->entities[j].key, ref->from_key) == 0)
        from = r->entities[j].name;
    if (ref->scope && (!strcmp(ref->name, "m") || !strcmp(ref->name, "n")))
      pt_buf_printf(&calls, "%s %s.%s %s\n", from, ref->scope, ref->name,
                    ref->recv_type ? ref->recv_type : "-");
  }
  assert_string_equal(pt_buf_cstr(&calls),
                      "f a.m B\nf a.m B\nf c.n -\n"
                      "file a.m A\nfile a.m A\nfile c.n -\nfile c.n -\n"
                      "g a.m A\ng c.n -\ng a.m A\n");
  pt_buf_fini(&calls);
  pt_file_result_free(r);
}

/* JavaScript's ES5 classes (extract_entities.c, promote_constructors):
 * each assignment to a prototype's member makes the first top-level
 * function of that name still a function a class; a nested function of
 * that name is none, and a name no function has promotes nothing. A file
 * of many such assignments is looked up by name, not scanned for each. */
static void extract_es5__prototypes_make_classes_one_each(void **state)
{
  static const char src[] =
      "function A() {}\n"
      "function A() {}\n"
      "function B() {}\n"
      "function B() {}\n"
      "A.prototype.x = function () {};\n"
      "B.prototype.y = function () {};\n"
      "B.prototype.z = function () {};\n"
      "function C() {}\n"
      "function D() { function B() {} }\n"
      "var o = {};\n"
      "o.k = function () {};\n";
  (void)state;
  pt_file_result *r = pt_test_extract(PT_GRAMMAR_JAVASCRIPT, "src/a.js", src,
                                    sizeof src - 1);
  pt_buf kinds = PT_BUF_INIT;
  for (size_t i = 0; i < r->n_entities; i++)
    pt_buf_printf(&kinds, "%s %s %u\n", pt_kind_name(r->entities[i].kind),
                  r->entities[i].qualname, r->entities[i].line_start);
  assert_string_equal(pt_buf_cstr(&kinds),
                      "class A 1\nfunction A 2\nclass B 3\nclass B 4\n"
                      "method A.x 5\nmethod B.y 6\nmethod B.z 7\n"
                      "function C 8\nfunction D 9\nfunction D.B 9\n");
  pt_buf_fini(&kinds);
  pt_file_result_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(extract_markers__read_the_decorations_right_before),
    cmocka_unit_test(extract_markers__many_definitions_under_one_parent),
    cmocka_unit_test(extract_ruby__classes_named_by_their_own_scope_end),
    cmocka_unit_test(extract_receivers__repeated_lookups_keep_each_scope),
    cmocka_unit_test(extract_es5__prototypes_make_classes_one_each),
    cmocka_unit_test(extract_fixture__rust),
    cmocka_unit_test(extract_fixture__python),
    cmocka_unit_test(extract_fixture__javascript),
    cmocka_unit_test(extract_fixture__typescript),
    cmocka_unit_test(extract_fixture__go),
    cmocka_unit_test(extract_fixture__java),
    cmocka_unit_test(extract_fixture__c),
    cmocka_unit_test(extract_fixture__cpp),
    cmocka_unit_test(extract_fixture__ruby),
    cmocka_unit_test(extract_fixture__php),
    cmocka_unit_test(extract_fixture__csharp),
    cmocka_unit_test(extract_fixture__swift),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
