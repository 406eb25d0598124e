/* Label-propagation clusters (docs/contract/http-api.md 5.13) and Leiden
 * communities (5.23, 6.5): reference graph, modularity, deterministic order,
 * empty graph, self-loops and duplicate pairs. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "test_support.h"

#define REFERENCE "A>B A>C B>D C>D D>E E>F F>D G>H H>G"

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

/* The members of group i as their one-letter names: "ABC". */
static const char *group(const pt_groups *gr, size_t i)
{
  static char buf[64];
  size_t w = 0;
  for (uint32_t k = gr->off[i]; k < gr->off[i + 1] && w + 1 < sizeof buf; k++)
    buf[w++] = q->key[gr->members[k]][5];
  buf[w] = '\0';
  return buf;
}

static void label_clusters__reference_graph_splits_in_two(void **state)
{
  load(REFERENCE);
  pt_groups *gr = NULL;
  assert_int_equal(pt_label_clusters(q, &gr), 0);
  assert_int_equal(gr->n_groups, 2);
  assert_int_equal(gr->n_nodes, 8);
  assert_string_equal(group(gr, 0), "ABCDEF");
  assert_int_equal(gr->internal[0], 7);
  assert_int_equal(gr->external[0], 0);
  assert_string_equal(group(gr, 1), "GH");
  assert_int_equal(gr->internal[1], 2);
  pt_groups_free(gr);
}

static void label_clusters__ties_merge_toward_the_smallest_label(void **state)
{
  /* every first visit is a tie, so two triangles joined by C>D merge */
  load("A>B B>C C>A D>E E>F F>D C>D");
  pt_groups *gr = NULL;
  assert_int_equal(pt_label_clusters(q, &gr), 0);
  assert_int_equal(gr->n_groups, 1);
  assert_string_equal(group(gr, 0), "ABCDEF");
  assert_int_equal(gr->internal[0], 7);
  pt_groups_free(gr);
}

static void label_clusters__bridge_counts_as_external_on_both_sides(void **state)
{
  /* G sees three neighbours labelled D and one labelled A: it stays */
  load("A>B A>C B>C D>E D>F D>G E>F E>G F>G C>G");
  pt_groups *gr = NULL;
  assert_int_equal(pt_label_clusters(q, &gr), 0);
  assert_int_equal(gr->n_groups, 2);
  assert_string_equal(group(gr, 0), "DEFG");
  assert_string_equal(group(gr, 1), "ABC");
  assert_int_equal(gr->internal[0], 6);
  assert_int_equal(gr->internal[1], 3);
  assert_int_equal(gr->external[0], 1);
  assert_int_equal(gr->external[1], 1);
  pt_groups_free(gr);
}

static void label_clusters__duplicate_pair_and_self_loop_count_once(void **state)
{
  load("A>B A-uses>B C>C");
  pt_groups *gr = NULL;
  assert_int_equal(pt_label_clusters(q, &gr), 0);
  assert_int_equal(gr->n_groups, 2);
  assert_string_equal(group(gr, 0), "AB");
  assert_int_equal(gr->internal[0], 1);
  assert_string_equal(group(gr, 1), "C");
  assert_int_equal(gr->internal[1], 1);
  assert_int_equal(gr->external[1], 0);
  pt_groups_free(gr);
}

static void label_clusters__empty_graph_has_none(void **state)
{
  load("");
  pt_groups *gr = NULL;
  assert_int_equal(pt_label_clusters(q, &gr), 0);
  assert_int_equal(gr->n_groups, 0);
  assert_int_equal(gr->n_nodes, 0);
  pt_groups_free(gr);
}

static void modularity__reference_partition_is_14_81(void **state)
{
  load(REFERENCE);
  uint32_t comm[8] = {0, 0, 0, 0, 0, 0, 1, 1};
  double m = 0.0;
  assert_int_equal(pt_modularity(q, comm, &m), 0);
  assert_float_equal(m, 14.0 / 81.0, 1e-15);
  assert_float_equal(m, 0.1728395061728395, 1e-15);
}

static void modularity__duplicate_pair_is_one_link(void **state)
{
  /* m = 2 triples, one pair: (1 - 2*2/2) / 4 = -0.25 */
  load("A>B A-uses>B");
  uint32_t comm[2] = {0, 0};
  double m = 1.0;
  assert_int_equal(pt_modularity(q, comm, &m), 0);
  assert_float_equal(m, -0.25, 1e-15);
}

static void leiden__reference_graph_is_deterministic(void **state)
{
  load(REFERENCE);
  pt_groups *a = NULL, *b = NULL;
  assert_int_equal(pt_leiden(q, &a), 0);
  assert_int_equal(pt_leiden(q, &b), 0);
  assert_int_equal(a->n_groups, b->n_groups);
  assert_int_equal(a->n_nodes, 8);
  for (size_t i = 0; i < a->n_groups; i++) {
    assert_int_equal(a->id[i], b->id[i]);
    assert_string_equal(group(a, i), group(b, i));
    if (i > 0)
      assert_true(a->off[i + 1] - a->off[i] <= a->off[i] - a->off[i - 1]);
  }
  assert_float_equal(a->modularity, b->modularity, 0.0);
  pt_groups_free(a);
  pt_groups_free(b);
}

static void leiden__reference_graph_partition_in_node_order(void **state)
{
  /* The original's local moves oscillate on this graph; visiting nodes
   * and candidates in key order, round 10 ends on this partition (the
   * original's {A..F},{G,H} is one outcome of hash order, 14/81). */
  load(REFERENCE);
  pt_groups *gr = NULL;
  assert_int_equal(pt_leiden(q, &gr), 0);
  assert_int_equal(gr->n_groups, 3);
  assert_string_equal(group(gr, 0), "ACDF");
  assert_string_equal(group(gr, 1), "BE");
  assert_string_equal(group(gr, 2), "GH");
  assert_int_equal(gr->id[0], 0);
  assert_int_equal(gr->id[1], 1);
  assert_int_equal(gr->id[2], 2);
  assert_float_equal(gr->modularity, 2.0 / 27.0, 1e-15);
  pt_groups_free(gr);
}

static void leiden__empty_graph_has_no_communities(void **state)
{
  load("");
  pt_groups *gr = NULL;
  assert_int_equal(pt_leiden(q, &gr), 0);
  assert_int_equal(gr->n_groups, 0);
  assert_float_equal(gr->modularity, 0.0, 0.0);
  pt_groups_free(gr);
}

static void leiden__self_loop_alone_is_one_community(void **state)
{
  /* m = 1, one node: Q = (1 - 1*1/1) / 2 = 0 */
  load("A>A");
  pt_groups *gr = NULL;
  assert_int_equal(pt_leiden(q, &gr), 0);
  assert_int_equal(gr->n_groups, 1);
  assert_int_equal(gr->id[0], 0);
  assert_float_equal(gr->modularity, 0.0, 1e-15);
  pt_groups_free(gr);
}

static void leiden__fails_cleanly_when_out_of_memory(void **state)
{
  load(REFERENCE);
  int rc = PT_ENOMEM;
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_groups *gr = NULL;
    pt_alloc_fail_after(n);
    rc = pt_leiden(q, &gr);
    pt_alloc_fail_after(0);
    pt_groups_free(gr);
    if (rc == 0) {
      gr = NULL;
      pt_alloc_fail_after(n);
      rc = pt_label_clusters(q, &gr);
      pt_alloc_fail_after(0);
      pt_groups_free(gr);
    }
  }
  assert_int_equal(rc, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(label_clusters__reference_graph_splits_in_two, teardown),
      cmocka_unit_test_teardown(label_clusters__ties_merge_toward_the_smallest_label, teardown),
      cmocka_unit_test_teardown(label_clusters__bridge_counts_as_external_on_both_sides, teardown),
      cmocka_unit_test_teardown(label_clusters__duplicate_pair_and_self_loop_count_once, teardown),
      cmocka_unit_test_teardown(label_clusters__empty_graph_has_none, teardown),
      cmocka_unit_test_teardown(modularity__reference_partition_is_14_81, teardown),
      cmocka_unit_test_teardown(modularity__duplicate_pair_is_one_link, teardown),
      cmocka_unit_test_teardown(leiden__reference_graph_is_deterministic, teardown),
      cmocka_unit_test_teardown(leiden__reference_graph_partition_in_node_order, teardown),
      cmocka_unit_test_teardown(leiden__empty_graph_has_no_communities, teardown),
      cmocka_unit_test_teardown(leiden__self_loop_alone_is_one_community, teardown),
      cmocka_unit_test_teardown(leiden__fails_cleanly_when_out_of_memory, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
