/* C++ types read from their text (core/src/extract/cpp_types.c): one
 * canonical text per type, which decides whether an argument matches an
 * overload's parameter exactly, and nothing read where the text does not
 * say plainly what the type is. */
#include <string.h>

#include "extract/cpp_types.h"
#include "test_support.h"

static pt_cpp_type read_ok(const char *s, int with_name)
{
  pt_cpp_type t;
  assert_int_equal(pt__cpp_type_read(s, strlen(s), with_name, &t), 1);
  return t;
}

static void assert_not_read(const char *s, int with_name)
{
  pt_cpp_type t;
  assert_int_equal(pt__cpp_type_read(s, strlen(s), with_name, &t), 0);
}

static void cpp_type_read__spells_integer_types_one_way(void **state)
{
  (void)state;
  assert_string_equal(read_ok("unsigned long int v", 1).text, "unsigned long");
  assert_string_equal(read_ok("long unsigned", 0).text, "unsigned long");
  assert_string_equal(read_ok("unsigned v", 1).text, "unsigned");
  assert_string_equal(read_ok("unsigned int", 0).text, "unsigned");
  assert_string_equal(read_ok("short int s", 1).text, "short");
  assert_string_equal(read_ok("long long n = 0", 1).text, "long long");
  assert_string_equal(read_ok("signed char c", 1).text, "signed char");
  assert_string_equal(read_ok("char c", 1).text, "char");
  assert_string_equal(read_ok("signed", 0).text, "int");
  assert_int_equal(read_ok("int", 0).is_named, 0);
}

static void cpp_type_read__keeps_only_the_pointees_const(void **state)
{
  (void)state;
  pt_cpp_type t = read_ok("char const *p", 1);
  assert_string_equal(t.text, "const char*");
  assert_int_equal(t.top_const, 0);
  t = read_ok("char *const p", 1);
  assert_string_equal(t.text, "char*");
  assert_int_equal(t.top_const, 1);
  t = read_ok("const int v", 1);
  assert_string_equal(t.text, "int");
  assert_int_equal(t.top_const, 1);
  assert_string_equal(read_ok("const char *const *pp", 1).text,
                      "const char*const*");
}

static void cpp_type_read__reads_references_names_and_arrays(void **state)
{
  (void)state;
  pt_cpp_type t = read_ok("const std::string &s", 1);
  assert_string_equal(t.text, "string");
  assert_int_equal(t.ref, 1);
  assert_int_equal(t.top_const, 1);
  assert_int_equal(t.is_named, 1);
  t = read_ok("XMLNode&& n", 1);
  assert_int_equal(t.ref, 2);
  assert_string_equal(read_ok("const ::tinyxml2::XMLNode* node", 1).text,
                      "const XMLNode*");
  assert_string_equal(read_ok("XMLError expected", 1).text, "XMLError");
  assert_string_equal(read_ok("T", 1).text, "T");
  assert_string_equal(read_ok("static struct Box b", 1).text, "Box");
  assert_string_equal(read_ok("char buf[200]", 1).text, "char*");
  assert_string_equal(read_ok("int *rows[4]", 1).text, "int**");
}

static void cpp_type_read__reads_nothing_it_cannot_tell(void **state)
{
  (void)state;
  assert_not_read("std::vector<int> v", 1);
  assert_not_read("void (*fn)(int)", 1);
  assert_not_read("auto x", 1);
  assert_not_read("Args&&... args", 1);
  assert_not_read("...", 1);
  assert_not_read("int a b", 1);
  assert_not_read("long float f", 1);
  assert_not_read("unsigned double d", 1);
  assert_not_read("char m[2][2]", 1);
  assert_not_read("char *p", 0); /* a name where only a type may be */
  assert_not_read("", 1);
}

static void cpp_std_type__knows_standard_integer_typedefs(void **state)
{
  (void)state;
  assert_true(pt__cpp_std_type("int64_t"));
  assert_true(pt__cpp_std_type("size_t"));
  assert_false(pt__cpp_std_type("T"));
  assert_false(pt__cpp_std_type("int64"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(cpp_type_read__spells_integer_types_one_way),
    cmocka_unit_test(cpp_type_read__keeps_only_the_pointees_const),
    cmocka_unit_test(cpp_type_read__reads_references_names_and_arrays),
    cmocka_unit_test(cpp_type_read__reads_nothing_it_cannot_tell),
    cmocka_unit_test(cpp_std_type__knows_standard_integer_typedefs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
