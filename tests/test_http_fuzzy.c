/* The fuzzy score of entity search (core/src/http/http_fuzzy.c): tiers
 * exact > prefix > substring > subsequence, word starts of snake_case and
 * camelCase, and no match when a character is missing or out of order. */
#include <string.h>

#include "http/http_fuzzy.h"
#include "test_support.h"

static void fuzzy__tiers_order_exact_prefix_substring_subsequence(void **state)
{
  int32_t exact = pt__fuzzy_score("graph", "graph");
  int32_t prefix = pt__fuzzy_score("graph", "graph_add");
  int32_t sub = pt__fuzzy_score("graph", "pt_graph_add");
  int32_t seq = pt__fuzzy_score("graph", "get_really_apt_phrase_hash");
  assert_true(exact >= PT_FUZZY_EXACT);
  assert_true(prefix >= PT_FUZZY_PREFIX && prefix < PT_FUZZY_EXACT);
  assert_true(sub >= PT_FUZZY_SUBSTRING && sub < PT_FUZZY_PREFIX);
  assert_true(seq >= PT_FUZZY_SUBSEQUENCE && seq < PT_FUZZY_SUBSTRING);
}

static void fuzzy__ignores_ascii_case(void **state)
{
  assert_true(pt__fuzzy_score("CIRCLE", "circle") >= PT_FUZZY_EXACT);
  assert_true(pt__fuzzy_score("grAdd", "graph_ADD") >= PT_FUZZY_SUBSEQUENCE);
}

static void fuzzy__finds_a_subsequence_across_snake_case_words(void **state)
{
  int32_t s = pt__fuzzy_score("grph_add", "pt_graph_add_edge");
  assert_true(s >= PT_FUZZY_SUBSEQUENCE && s < PT_FUZZY_SUBSTRING);
}

static void fuzzy__prefers_word_starts_in_camel_and_snake_case(void **state)
{
  /* g, a, e at word starts beat the same letters scattered inside words */
  int32_t starts = pt__fuzzy_score("gae", "graphAddEdge");
  int32_t inside = pt__fuzzy_score("gae", "xgxxaxxexxxx");
  assert_true(starts > inside);
  assert_true(pt__fuzzy_score("gae", "graph_add_edge") > inside);
}

static void fuzzy__prefers_consecutive_letters_and_short_names(void **state)
{
  assert_true(pt__fuzzy_score("rdx", "readx") > pt__fuzzy_score("rdx", "rxxxdxxxxxx"));
  assert_true(pt__fuzzy_score("area", "area") > pt__fuzzy_score("area", "area_of_circle"));
  assert_true(pt__fuzzy_score("area", "areas") > pt__fuzzy_score("area", "area_of_circle"));
}

static void fuzzy__no_match_when_a_letter_is_missing_or_out_of_order(void **state)
{
  assert_int_equal(pt__fuzzy_score("gz", "graph_add"), -1);
  assert_int_equal(pt__fuzzy_score("dag", "graph_add"), -1);
  assert_int_equal(pt__fuzzy_score("", "graph"), -1);
  assert_int_equal(pt__fuzzy_score("graphs", "graph"), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(fuzzy__tiers_order_exact_prefix_substring_subsequence),
    cmocka_unit_test(fuzzy__ignores_ascii_case),
    cmocka_unit_test(fuzzy__finds_a_subsequence_across_snake_case_words),
    cmocka_unit_test(fuzzy__prefers_word_starts_in_camel_and_snake_case),
    cmocka_unit_test(fuzzy__prefers_consecutive_letters_and_short_names),
    cmocka_unit_test(fuzzy__no_match_when_a_letter_is_missing_or_out_of_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
