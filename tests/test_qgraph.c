/* The query graph: node numbering, CSR adjacency both ways, multi-typed
 * pairs, placeholders as nodes, scope filtering. */
#include <stdio.h>
#include <string.h>

#include "pt/graph.h"
#include "pt/qgraph.h"
#include "test_support.h"

static uint32_t node(const pt_qgraph *q, const char *name)
{
  return pt_test_node(q, name);
}

static void qgraph_build__reference_graph_has_all_nodes_and_degrees(void **state)
{
  pt_graph *g = pt_test_graph("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_qgraph *q = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(q->n_nodes, 8);
  assert_int_equal(q->n_edges, 9);
  assert_int_equal(pt_qgraph_outdeg(q, node(q, "A")), 2);
  assert_int_equal(pt_qgraph_indeg(q, node(q, "D")), 3);
  uint32_t a = node(q, "A");
  assert_int_equal(q->fwd[q->fwd_off[a]], node(q, "B"));
  assert_int_equal(q->fwd[q->fwd_off[a] + 1], node(q, "C"));
  assert_true(q->entity[a] >= 0);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

static void qgraph_build__placeholders_are_nodes_without_entities(void **state)
{
  pt_graph *g = pt_test_graph("A>?printf A-uses>B A>B");
  pt_qgraph *q = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(q->n_nodes, 3);
  int64_t p = pt_qgraph_find(q, "c:fn:printf:unresolved-reference:0-0");
  assert_true(p >= 0);
  assert_int_equal(q->entity[p], -1);
  /* A->B twice, once per edge type */
  assert_int_equal(pt_qgraph_outdeg(q, node(q, "A")), 3);
  assert_int_equal(pt_qgraph_indeg(q, node(q, "B")), 2);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

static void qgraph_build__scope_keeps_edges_from_entities_in_scope(void **state)
{
  pt_graph *g = pt_test_graph("A>B");
  pt_qgraph *q = NULL;
  pt_scope in = {"src", ""}, out = {"lib", ""};
  assert_int_equal(pt_qgraph_build(g, &in, &q), 0);
  assert_int_equal(q->n_edges, 1);
  pt_qgraph_free(q);
  assert_int_equal(pt_qgraph_build(g, &out, &q), 0);
  assert_int_equal(q->n_edges, 0);
  assert_int_equal(q->n_nodes, 2);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

static void path_l1_l2__follows_the_first_two_folders(void **state)
{
  char l1[16], l2[16];
  pt_path_l1_l2("main.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, ".");
  assert_string_equal(l2, "");
  pt_path_l1_l2("src/main.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, "src");
  assert_string_equal(l2, "");
  pt_path_l1_l2("crates/core/src/lib.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, "crates");
  assert_string_equal(l2, "core");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(qgraph_build__reference_graph_has_all_nodes_and_degrees),
    cmocka_unit_test(qgraph_build__placeholders_are_nodes_without_entities),
    cmocka_unit_test(qgraph_build__scope_keeps_edges_from_entities_in_scope),
    cmocka_unit_test(path_l1_l2__follows_the_first_two_folders),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
