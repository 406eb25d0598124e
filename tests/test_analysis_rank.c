/* PageRank and betweenness (docs/contract/http-api.md 6.2, 6.3): the chain
 * and section 8 reference values, empty graph, self-loops, duplicate pairs,
 * isolated entities. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "test_support.h"

static pt_graph *g;
static pt_qgraph *q;

static void load(const char *edges)
{
  g = pt_test_graph(edges);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
}

static int teardown(void **state)
{
  pt_qgraph_free(q);
  pt_graph_free(g);
  q = NULL;
  g = NULL;
  return 0;
}

static uint32_t node(const char *name)
{
  return pt_test_node(q, name);
}

static pt_scores *pagerank(void)
{
  pt_scores *s = NULL;
  assert_int_equal(pt_pagerank(q, 0.85, 100, 1e-6, &s), 0);
  return s;
}

static void pagerank__chain_matches_reference_after_26_iterations(void **state)
{
  load("A>B B>C C>D D>E");
  pt_scores *s = pagerank();
  assert_int_equal(s->n_iterations, 26);
  assert_float_equal(s->score[node("A")], 0.081184, 1e-6);
  assert_float_equal(s->score[node("B")], 0.150190, 1e-6);
  assert_float_equal(s->score[node("C")], 0.208845, 1e-6);
  assert_float_equal(s->score[node("D")], 0.258702, 1e-6);
  assert_float_equal(s->score[node("E")], 0.301080, 1e-6);
  assert_int_equal(s->n_order, 5);
  assert_int_equal(s->order[0], node("E"));
  assert_int_equal(s->order[4], node("A"));
  pt_scores_free(s);
}

static void pagerank__reference_graph_matches_section_8(void **state)
{
  load("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_scores *s = pagerank();
  assert_int_equal(s->n_iterations, 81);
  const char *names[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
  const double want[] = {0.01875,  0.026719, 0.026719, 0.242711,
                         0.225055, 0.210047, 0.125,    0.125};
  double sum = 0.0;
  for (size_t i = 0; i < 8; i++) {
    assert_float_equal(s->score[node(names[i])], want[i], 1e-6);
    sum += s->score[node(names[i])];
  }
  assert_float_equal(sum, 1.0, 1e-9);
  pt_scores_free(s);
}

static void pagerank__ties_rank_by_key_ascending(void **state)
{
  load("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_scores *s = pagerank();
  /* B/C and G/H are exact ties */
  assert_int_equal(s->order[0], node("D"));
  assert_int_equal(s->order[3], node("G"));
  assert_int_equal(s->order[4], node("H"));
  assert_int_equal(s->order[5], node("B"));
  assert_int_equal(s->order[6], node("C"));
  pt_scores_free(s);
}

static void pagerank__empty_graph_has_no_nodes(void **state)
{
  load("");
  pt_scores *s = pagerank();
  assert_int_equal(s->n_order, 0);
  assert_int_equal(s->n_iterations, 0);
  pt_scores_free(s);
}

static void pagerank__self_loop_keeps_all_mass(void **state)
{
  load("A>A");
  pt_scores *s = pagerank();
  assert_int_equal(s->n_order, 1);
  assert_float_equal(s->score[node("A")], 1.0, 1e-12);
  pt_scores_free(s);
}

static void pagerank__duplicate_pair_counts_twice(void **state)
{
  /* A's two edges to B (two types) and one to C: B gets 2/3 of A's share */
  load("A>B A-uses>B A>C");
  pt_scores *s = pagerank();
  double b = s->score[node("B")], c = s->score[node("C")];
  double a = s->score[node("A")];
  assert_float_equal(b - a, 2.0 * (c - a), 1e-5);
  pt_scores_free(s);
}

static void pagerank__isolated_entity_is_not_a_node(void **state)
{
  g = pt_test_graph("A>B");
  pt_entity e = {0};
  e.key = "c:fn:Z:__src_x:T1";
  e.name = "Z";
  e.qualname = "Z";
  e.file_path = "src/x.c";
  e.code = "";
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(q->n_nodes, 3);
  pt_scores *s = pagerank();
  assert_int_equal(s->n_order, 2);
  assert_float_equal(s->score[node("Z")], 0.0, 0.0);
  assert_float_equal(s->score[node("A")] + s->score[node("B")], 1.0, 1e-9);
  pt_scores_free(s);
}

static void pagerank__scope_drops_nodes_without_kept_edges(void **state)
{
  g = pt_test_graph("A>B");
  pt_scope out = {"lib", ""};
  assert_int_equal(pt_qgraph_build(g, &out, &q), 0);
  pt_scores *s = pagerank();
  assert_int_equal(q->n_nodes, 2);
  assert_int_equal(s->n_order, 0);
  assert_int_equal(s->n_iterations, 0);
  pt_scores_free(s);
}

static void betweenness__chain_matches_reference(void **state)
{
  load("A>B B>C C>D D>E");
  pt_scores *s = NULL;
  assert_int_equal(pt_betweenness(q, &s), 0);
  const char *names[] = {"A", "B", "C", "D", "E"};
  const double want[] = {0, 3, 4, 3, 0};
  for (size_t i = 0; i < 5; i++)
    assert_float_equal(s->score[node(names[i])], want[i], 1e-12);
  assert_int_equal(s->order[0], node("C"));
  assert_int_equal(s->order[1], node("B"));
  pt_scores_free(s);
}

static void betweenness__reference_graph_matches_section_8(void **state)
{
  load("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_scores *s = NULL;
  assert_int_equal(pt_betweenness(q, &s), 0);
  const char *names[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
  const double want[] = {0, 1.5, 1.5, 7, 4, 1, 0, 0};
  for (size_t i = 0; i < 8; i++)
    assert_float_equal(s->score[node(names[i])], want[i], 1e-12);
  pt_scores_free(s);
}

static void betweenness__duplicate_edge_doubles_path_count(void **state)
{
  /* two A->B edges and one A->C: paths A..D split 2:1 between B and C */
  load("A>B A-uses>B A>C B>D C>D");
  pt_scores *s = NULL;
  assert_int_equal(pt_betweenness(q, &s), 0);
  assert_float_equal(s->score[node("B")], 2.0 / 3.0, 1e-12);
  assert_float_equal(s->score[node("C")], 1.0 / 3.0, 1e-12);
  pt_scores_free(s);
}

static void betweenness__self_loop_and_disconnected_parts_score_zero(void **state)
{
  load("A>A B>C");
  pt_scores *s = NULL;
  assert_int_equal(pt_betweenness(q, &s), 0);
  assert_int_equal(s->n_order, 3);
  for (size_t i = 0; i < 3; i++)
    assert_float_equal(s->score[i], 0.0, 0.0);
  pt_scores_free(s);
}

static void betweenness_sampled__is_exact_within_the_source_budget(void **state)
{
  load("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_scores *s = NULL;
  size_t used = 0;
  assert_int_equal(pt_betweenness_sampled(q, 8, &s, &used), 0);
  assert_int_equal(used, 8);
  assert_float_equal(s->score[node("D")], 7.0, 1e-12);
  assert_float_equal(s->score[node("E")], 4.0, 1e-12);
  pt_scores_free(s);
}

/* Chain A..E with 2 sources: every 3rd node (A, D) is a source. From A
 * the paths A->C, A->D, A->E pass B, C, D (B thrice, C twice, D once);
 * from D, D->E passes nothing. Scaled by 5 nodes / 2 sources. */
static void betweenness_sampled__scales_a_strided_sample(void **state)
{
  load("A>B B>C C>D D>E");
  pt_scores *s = NULL;
  size_t used = 0;
  assert_int_equal(pt_betweenness_sampled(q, 2, &s, &used), 0);
  assert_int_equal(used, 2);
  assert_float_equal(s->score[node("B")], 3 * 2.5, 1e-12);
  assert_float_equal(s->score[node("C")], 2 * 2.5, 1e-12);
  assert_float_equal(s->score[node("D")], 1 * 2.5, 1e-12);
  assert_float_equal(s->score[node("A")], 0.0, 1e-12);
  pt_scores_free(s);
}

static void pagerank__fails_cleanly_when_out_of_memory(void **state)
{
  load("A>B B>C C>A");
  for (int which = 0; which < 2; which++) {
    int rc = PT_ENOMEM;
    for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
      pt_scores *s = NULL;
      pt_alloc_fail_after(n);
      rc = which ? pt_betweenness(q, &s) : pt_pagerank(q, 0.85, 100, 1e-6, &s);
      pt_alloc_fail_after(0);
      pt_scores_free(s);
    }
    assert_int_equal(rc, 0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(pagerank__chain_matches_reference_after_26_iterations, teardown),
      cmocka_unit_test_teardown(pagerank__reference_graph_matches_section_8, teardown),
      cmocka_unit_test_teardown(pagerank__ties_rank_by_key_ascending, teardown),
      cmocka_unit_test_teardown(pagerank__empty_graph_has_no_nodes, teardown),
      cmocka_unit_test_teardown(pagerank__self_loop_keeps_all_mass, teardown),
      cmocka_unit_test_teardown(pagerank__duplicate_pair_counts_twice, teardown),
      cmocka_unit_test_teardown(pagerank__isolated_entity_is_not_a_node, teardown),
      cmocka_unit_test_teardown(pagerank__scope_drops_nodes_without_kept_edges, teardown),
      cmocka_unit_test_teardown(betweenness__chain_matches_reference, teardown),
      cmocka_unit_test_teardown(betweenness__reference_graph_matches_section_8, teardown),
      cmocka_unit_test_teardown(betweenness__duplicate_edge_doubles_path_count, teardown),
      cmocka_unit_test_teardown(betweenness__self_loop_and_disconnected_parts_score_zero, teardown),
      cmocka_unit_test_teardown(betweenness_sampled__is_exact_within_the_source_budget, teardown),
      cmocka_unit_test_teardown(betweenness_sampled__scales_a_strided_sample, teardown),
      cmocka_unit_test_teardown(pagerank__fails_cleanly_when_out_of_memory, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
