/* The parse budget (pt/extract.h): a file whose parse runs past it stops
 * with PT_ETIMEDOUT and leaves the parser ready for the next file, and
 * pt_ingest leaves it out as "parse_budget" with a warning while the rest
 * of the tree is indexed. The runaway file is a generated 4 MB of C, whose
 * parse takes far more than the 1 ms budget on any machine. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "test_support.h"

static char *big_source(size_t *len)
{
  pt_buf b = PT_BUF_INIT;
  for (unsigned i = 0; b.len < 4u * 1024 * 1024; i++)
    assert_int_equal(pt_buf_printf(&b, "int v%u = %u + (%u * 2);\n", i, i, i),
                     0);
  *len = b.len;
  return pt_buf_detach(&b);
}

static const char small[] = "int small_fn(void) { return 1; }\n";

static void extract__over_budget_stops_and_the_next_file_parses(void **state)
{
  (void)state;
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_file_result *r = NULL;
  size_t len = 0;
  char *big = big_source(&len);
  assert_int_equal(pt_queries_new(&q), 0);
  assert_int_equal(pt_extractor_new(q, &x), 0);
  pt_extractor_set_parse_budget(x, 1);
  assert_int_equal(pt_extract_file(x, PT_GRAMMAR_C, "gen/big.c", big, len, &r),
                   PT_ETIMEDOUT);
  assert_null(r);
  assert_non_null(strstr(pt_error_last()->message, "gen/big.c"));
  assert_non_null(strstr(pt_error_last()->message, "parse budget"));
  pt_error_clear();
  /* the parser starts the next file afresh, not where it stopped */
  assert_int_equal(pt_extract_file(x, PT_GRAMMAR_C, "src/small.c", small,
                                   strlen(small), &r), 0);
  assert_int_equal(r->n_entities, 1);
  assert_string_equal(r->entities[0].name, "small_fn");
  pt_file_result_free(r);
  r = NULL;
  pt_extractor_set_parse_budget(x, 0); /* none: a quarter MB parses whole */
  assert_int_equal(pt_extract_parse_only(x, PT_GRAMMAR_C, "gen/big.c", big,
                                         len / 16), 0);
  pt_extractor_free(x);
  pt_queries_free(q);
  pt_free(big);
}

static void ingest__file_over_budget_is_left_out_with_the_reason(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("parse_budget");
  size_t len = 0;
  char *big = big_source(&len);
  pt_test_write(dir, "gen/big.c", big);
  pt_test_write(dir, "src/small.c", small);
  pt_extract_set_default_parse_budget(1);
  pt_ingest_opts o = {dir, 2, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  int rc = pt_ingest(&o, &g, &st);
  pt_extract_set_default_parse_budget(PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS);
  assert_int_equal(rc, 0);
  assert_int_equal(st.n_errors, 0);
  assert_int_equal(st.processed_files, 1);
  assert_int_equal(pt_graph_n_entities(g), 1);
  assert_string_equal(pt_graph_entities(g)[0].name, "small_fn");
  assert_int_equal(pt_graph_n_ignored(g), 1);
  assert_string_equal(pt_graph_ignored(g)[0].path, "gen/big.c");
  assert_string_equal(pt_graph_ignored(g)[0].reason, "parse_budget");
  assert_int_equal(st.n_warnings, 1);
  assert_non_null(strstr(st.warnings[0], "gen/big.c: parse stopped after"));
  pt_ingest_stats_fini(&st);
  pt_graph_free(g);
  pt_free(big);
  free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(extract__over_budget_stops_and_the_next_file_parses),
      cmocka_unit_test(ingest__file_over_budget_is_left_out_with_the_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
