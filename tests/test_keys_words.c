/* Key shapes, name sanitisation, word counting and UTF-8 validation
 * (core-private helpers behind extraction). */
#include <string.h>

#include "graph/key.h"
#include "pt/alloc.h"
#include "test_support.h"
#include "base/words.h"

static char *semantic(const char *path)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_semantic_path(&b, path), 0);
  return pt_buf_detach(&b);
}

static void key_semantic_path__drops_extension_and_maps_separators(void **state)
{
  char *a = semantic("src/main.rs");
  char *b = semantic("crates/my-lib/src/x.y.py");
  char *c = semantic("pkg.d/Makefile");
  assert_string_equal(a, "__src_main");
  assert_string_equal(b, "__crates_my_lib_src_x_y");
  assert_string_equal(c, "__pkg_d_Makefile"); /* a dot in a folder is no extension */
  pt_free(a);
  pt_free(b);
  pt_free(c);
}

static void key_sanitize__follows_the_earlier_tool(void **state)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_sanitize(&b, "Map<K, V>[]{x} y"), 0);
  assert_string_equal(b.ptr, "Map__lt__K__c__V__gt____lb____rb____lc__x__rc___y");
  pt_buf_fini(&b);
}

static void key_entity__has_five_parts_and_the_birth_number(void **state)
{
  pt_buf b = PT_BUF_INIT;
  int64_t t = 0;
  assert_int_equal(pt__key_birth("src/main.rs", "main", &t), 0);
  assert_int_equal(t, 1756414581);
  assert_int_equal(pt__key_entity(&b, PT_LANG_RUST, PT_KIND_FUNCTION, "main",
                                  "src/main.rs", t), 0);
  assert_string_equal(b.ptr, "rust:fn:main:__src_main:T1756414581");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_entity(&b, PT_LANG_JAVA, PT_KIND_INTERFACE, "Shape",
                                  "a/Shape.java", 1), 0);
  assert_string_equal(b.ptr, "java:trait:Shape:__a_Shape:T1");
  pt_buf_fini(&b);
}

static void key_file_and_placeholder__have_their_fixed_shapes(void **state)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_file(&b, PT_LANG_C, "src/list.h"), 0);
  assert_string_equal(b.ptr, "c:file:src_list_h:1-1");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_placeholder(&b, PT_LANG_GO, "fn", "Println"), 0);
  assert_string_equal(b.ptr, "go:fn:Println:unresolved-reference:0-0");
  pt_buf_fini(&b);
}

static void count_words__splits_on_unicode_white_space(void **state)
{
  assert_int_equal(pt__count_words("", 0), 0);
  assert_int_equal(pt__count_words("  a  b\tc\n", 9), 3);
  const char *nbsp = "x\xc2\xa0y\xe3\x80\x80z\xe2\x80\x83w"; /* NBSP, U+3000, U+2003 */
  assert_int_equal(pt__count_words(nbsp, strlen(nbsp)), 4);
  const char *accent = "caf\xc3\xa9 ok";
  assert_int_equal(pt__count_words(accent, strlen(accent)), 2);
}

static void utf8_invalid_at__finds_the_first_bad_sequence(void **state)
{
  assert_int_equal(pt__utf8_invalid_at("abc", 3), 3);
  assert_int_equal(pt__utf8_invalid_at("caf\xc3\xa9", 5), 5);
  assert_int_equal(pt__utf8_invalid_at("ab\xff", 3), 2);
  assert_int_equal(pt__utf8_invalid_at("a\xc3", 2), 1);          /* truncated */
  assert_int_equal(pt__utf8_invalid_at("\xc0\xaf", 2), 0);       /* overlong */
  assert_int_equal(pt__utf8_invalid_at("\xed\xa0\x80", 3), 0);   /* surrogate */
  assert_int_equal(pt__utf8_invalid_at("\xf0\x9f\x98\x80", 4), 4); /* emoji */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(key_semantic_path__drops_extension_and_maps_separators),
    cmocka_unit_test(key_sanitize__follows_the_earlier_tool),
    cmocka_unit_test(key_entity__has_five_parts_and_the_birth_number),
    cmocka_unit_test(key_file_and_placeholder__have_their_fixed_shapes),
    cmocka_unit_test(count_words__splits_on_unicode_white_space),
    cmocka_unit_test(utf8_invalid_at__finds_the_first_bad_sequence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
