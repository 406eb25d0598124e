/* The JSON writer: structure, escaping, numbers. */
#include <math.h>
#include <string.h>

#include "pt/json.h"
#include "test_support.h"

static void json__writes_nested_containers_with_commas(void **state)
{
  pt_buf b = PT_BUF_INIT;
  pt_json j;
  pt_json_init(&j, &b);
  pt_json_obj(&j);
  pt_json_key(&j, "a");
  pt_json_int(&j, -1);
  pt_json_key(&j, "list");
  pt_json_arr(&j);
  pt_json_uint(&j, 1);
  pt_json_obj(&j);
  pt_json_obj_end(&j);
  pt_json_arr(&j);
  pt_json_arr_end(&j);
  pt_json_bool(&j, 1);
  pt_json_null(&j);
  pt_json_arr_end(&j);
  pt_json_key(&j, "s");
  pt_json_str(&j, NULL);
  pt_json_obj_end(&j);
  assert_int_equal(pt_json_finish(&j), 0);
  assert_string_equal(b.ptr, "{\"a\":-1,\"list\":[1,{},[],true,null],\"s\":null}");
  pt_buf_fini(&b);
}

static void json_str__escapes_quotes_controls_and_keeps_utf8(void **state)
{
  pt_buf b = PT_BUF_INIT;
  pt_json j;
  pt_json_init(&j, &b);
  pt_json_str(&j, "a\"b\\c\n\t\x01 caf\xc3\xa9");
  assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\t\\u0001 caf\xc3\xa9\"");
  pt_buf_fini(&b);
}

static void json_str__replaces_invalid_utf8_with_the_replacement_character(void **state)
{
  pt_buf b = PT_BUF_INIT;
  pt_json j;
  pt_json_init(&j, &b);
  /* a lone lead byte, an overlong '/', a stray continuation byte, a valid
   * 4-byte emoji, and one cut off at the end */
  pt_json_str(&j, "a\xc3(b\xc0\xaf" "c\x80" "d\xf0\x9f\x98\x80" "e\xf0\x9f");
  assert_string_equal(b.ptr, "\"a\\ufffd(b\\ufffd\\ufffd" "c\\ufffd"
                             "d\xf0\x9f\x98\x80" "e\\ufffd\\ufffd\"");
  pt_buf_fini(&b);
}

static void json_double__is_shortest_round_trip_with_point_zero(void **state)
{
  const struct { double v; const char *text; } cases[] = {
    {0.0, "0.0"}, {100.0, "100.0"}, {72.5, "72.5"}, {0.1, "0.1"},
    {1.0 / 3.0, "0.3333333333333333"}, {1e-7, "1e-7"}, {1.5e20, "1.5e20"},
    {0.242711, "0.242711"}, {NAN, "null"}, {INFINITY, "null"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pt_buf b = PT_BUF_INIT;
    pt_json j;
    pt_json_init(&j, &b);
    pt_json_double(&j, cases[i].v);
    assert_string_equal(b.ptr, cases[i].text);
    pt_buf_fini(&b);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(json__writes_nested_containers_with_commas),
    cmocka_unit_test(json_str__escapes_quotes_controls_and_keeps_utf8),
    cmocka_unit_test(json_str__replaces_invalid_utf8_with_the_replacement_character),
    cmocka_unit_test(json_double__is_shortest_round_trip_with_point_zero),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
