/* Language detection: extensions, and .h files sniffed for C++; the
 * grammar table's embedded queries. */
#include <string.h>

#include "pt/lang.h"
#include "test_support.h"

static pt_grammar grammar_of(const char *path, const char *head)
{
  pt_grammar g = PT_GRAMMAR__COUNT;
  assert_true(pt_grammar_for_path(path, head, head ? strlen(head) : 0, &g));
  return g;
}

static void grammar_for_path__maps_extensions_case_sensitively(void **state)
{
  pt_grammar g;
  assert_int_equal(grammar_of("src/a.rs", NULL), PT_GRAMMAR_RUST);
  assert_int_equal(grammar_of("a.tsx", NULL), PT_GRAMMAR_TSX);
  assert_int_equal(grammar_of("a.mjs", NULL), PT_GRAMMAR_JAVASCRIPT);
  assert_int_equal(grammar_of("x/y.cc", NULL), PT_GRAMMAR_CPP);
  assert_int_equal(grammar_of("x.d/y.cs", NULL), PT_GRAMMAR_CSHARP);
  assert_false(pt_grammar_for_path("README.md", NULL, 0, &g));
  assert_false(pt_grammar_for_path("A.RS", NULL, 0, &g));
  assert_false(pt_grammar_for_path(".rs", NULL, 0, &g));      /* a dotfile */
  assert_false(pt_grammar_for_path("src.rs/Makefile", NULL, 0, &g));
}

static void grammar_for_path__h_is_cpp_only_for_cpp_code(void **state)
{
  assert_int_equal(grammar_of("a.h", "int f(void);\n"), PT_GRAMMAR_C);
  assert_int_equal(grammar_of("a.h", "namespace geo {\nint f();\n}\n"), PT_GRAMMAR_CPP);
  assert_int_equal(grammar_of("a.h", "template <typename T> T id(T x);\n"), PT_GRAMMAR_CPP);
  assert_int_equal(grammar_of("a.h", "class Shape : public Base {\n"), PT_GRAMMAR_CPP);
  assert_int_equal(grammar_of("a.h", "struct S {\npublic:\n int x;\n};\n"), PT_GRAMMAR_CPP);
  /* the words in comments and strings do not count */
  assert_int_equal(grammar_of("a.h", "/* the storage class {of} x */\n"
                                     "// namespace foo {\n"
                                     "const char *s = \"class X {\";\nint x;\n"),
                   PT_GRAMMAR_C);
  assert_int_equal(grammar_of("a.h", "int class_count; int subclass;\n"), PT_GRAMMAR_C);
}

/* Each grammar's queries are its whole embedded text, their lengths known
 * from the table itself: pt_grammar_get is a read of a constant table (it
 * once wrote the lengths in at every call, from every parse thread). */
static void grammar_get__holds_each_query_whole(void **state)
{
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++) {
    const pt_grammar_info *gi = pt_grammar_get((pt_grammar)g);
    assert_non_null(gi);
    assert_int_equal(gi->grammar, g);
    assert_true(gi->entity_query_len > 0);
    assert_true(gi->reference_query_len > 0);
    assert_int_equal(strlen(gi->entity_query), gi->entity_query_len);
    assert_int_equal(strlen(gi->reference_query), gi->reference_query_len);
    assert_ptr_equal(pt_grammar_get((pt_grammar)g), gi);
  }
  assert_null(pt_grammar_get(PT_GRAMMAR__COUNT));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(grammar_for_path__maps_extensions_case_sensitively),
    cmocka_unit_test(grammar_for_path__h_is_cpp_only_for_cpp_code),
    cmocka_unit_test(grammar_get__holds_each_query_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
