/* SCCs, k-cores and the cycle scan (docs/contract/http-api.md 5.11, 5.17,
 * 5.19, 8): reference values, deterministic order, empty graph, self-loops,
 * disconnected parts and duplicate pairs. */
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

static uint32_t node(const char *name)
{
  return pt_test_node(q, name);
}

/* Node names of a run of ids, joined: "DEF". */
static const char *names(const uint32_t *ids, size_t n)
{
  static char buf[64];
  size_t w = 0;
  for (size_t i = 0; i < n && w + 1 < sizeof buf; i++)
    buf[w++] = q->key[ids[i]][5];
  buf[w] = '\0';
  return buf;
}

static void scc__reference_graph_has_five_components(void **state)
{
  load(REFERENCE);
  pt_sccs *s = NULL;
  assert_int_equal(pt_scc(q, &s), 0);
  assert_int_equal(s->n_sccs, 5);
  const char *want[] = {"DEF", "GH", "A", "B", "C"};
  const char *risk[] = {"HIGH", "MEDIUM", "NONE", "NONE", "NONE"};
  for (size_t c = 0; c < 5; c++) {
    size_t size = s->off[c + 1] - s->off[c];
    assert_string_equal(names(s->members + s->off[c], size), want[c]);
    assert_string_equal(pt_scc_risk(size), risk[c]);
  }
  assert_int_equal(s->comp[node("E")], 0);
  assert_int_equal(s->comp[node("H")], 1);
  pt_sccs_free(s);
}

static void scc__empty_graph_has_none(void **state)
{
  load("");
  pt_sccs *s = NULL;
  assert_int_equal(pt_scc(q, &s), 0);
  assert_int_equal(s->n_sccs, 0);
  pt_sccs_free(s);
}

static void scc__self_loop_is_a_singleton(void **state)
{
  load("A>A A>B A-uses>B");
  pt_sccs *s = NULL;
  assert_int_equal(pt_scc(q, &s), 0);
  assert_int_equal(s->n_sccs, 2);
  assert_string_equal(names(s->members, 1), "A");
  assert_string_equal(names(s->members + 1, 1), "B");
  pt_sccs_free(s);
}

static void scc__long_chain_does_not_recurse(void **state)
{
  /* 3,000 nodes in one cycle: a recursive Tarjan would go 3,000 deep */
  char *edges = pt_malloc(3000 * 24);
  size_t w = 0;
  for (int i = 0; i < 3000; i++)
    w += (size_t)snprintf(edges + w, 24, "n%04d>n%04d ", i, (i + 1) % 3000);
  load(edges);
  pt_free(edges);
  pt_sccs *s = NULL;
  assert_int_equal(pt_scc(q, &s), 0);
  assert_int_equal(s->n_sccs, 1);
  assert_int_equal(s->off[1], 3000);
  pt_sccs_free(s);
}

static void scc__fails_cleanly_when_out_of_memory(void **state)
{
  load(REFERENCE);
  int rc = PT_ENOMEM;
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_sccs *s = NULL;
    pt_alloc_fail_after(n);
    rc = pt_scc(q, &s);
    pt_alloc_fail_after(0);
    pt_sccs_free(s);
  }
  assert_int_equal(rc, 0);
}

static void kcore__reference_graph_matches_section_8(void **state)
{
  load(REFERENCE);
  pt_scores *s = NULL;
  assert_int_equal(pt_kcore(q, &s), 0);
  const char *all = "ABCDEFGH";
  for (size_t i = 0; i < 8; i++) {
    char name[2] = {all[i], 0};
    assert_float_equal(s->score[node(name)], i < 6 ? 2.0 : 1.0, 0.0);
  }
  assert_string_equal(names(s->order, s->n_order), "ABCDEFGH");
  assert_string_equal(pt_kcore_layer(2), "PERIPHERAL");
  pt_scores_free(s);
}

static void kcore__triangle_is_a_2_core(void **state)
{
  load("A>B B>C C>A");
  pt_scores *s = NULL;
  assert_int_equal(pt_kcore(q, &s), 0);
  for (size_t v = 0; v < 3; v++)
    assert_float_equal(s->score[v], 2.0, 0.0);
  pt_scores_free(s);
}

static void kcore__self_loop_adds_one(void **state)
{
  load("A>A A>B");
  pt_scores *s = NULL;
  assert_int_equal(pt_kcore(q, &s), 0);
  /* N(A) = {A, B}: B peels at 1, A keeps its self-loop: 1 */
  assert_float_equal(s->score[node("A")], 1.0, 0.0);
  assert_float_equal(s->score[node("B")], 1.0, 0.0);
  pt_scores_free(s);
  pt_qgraph_free(q);
  pt_graph_free(g);
  load("A>A");
  assert_int_equal(pt_kcore(q, &s), 0);
  assert_float_equal(s->score[node("A")], 1.0, 0.0);
  pt_scores_free(s);
}

static void kcore__duplicate_pairs_count_once(void **state)
{
  load("A>B A-uses>B B>A");
  pt_scores *s = NULL;
  assert_int_equal(pt_kcore(q, &s), 0);
  assert_float_equal(s->score[node("A")], 1.0, 0.0);
  assert_float_equal(s->score[node("B")], 1.0, 0.0);
  pt_scores_free(s);
}

static void kcore__layers_follow_thresholds(void **state)
{
  assert_string_equal(pt_kcore_layer(8), "CORE");
  assert_string_equal(pt_kcore_layer(7), "MID");
  assert_string_equal(pt_kcore_layer(3), "MID");
  assert_string_equal(pt_kcore_layer(0), "PERIPHERAL");
}

static void cycles_scan__reference_graph_finds_two_back_edges(void **state)
{
  load(REFERENCE);
  pt_cycles *c = NULL;
  assert_int_equal(pt_cycles_scan(q, &c), 0);
  assert_int_equal(c->n_cycles, 2);
  assert_string_equal(names(c->path + c->off[0], c->off[1] - c->off[0]), "DEFD");
  assert_string_equal(names(c->path + c->off[1], c->off[2] - c->off[1]), "GHG");
  pt_cycles_free(c);
}

static void cycles_scan__self_loop_is_a_cycle_of_length_1(void **state)
{
  load("A>A A-uses>A");
  pt_cycles *c = NULL;
  assert_int_equal(pt_cycles_scan(q, &c), 0);
  assert_int_equal(c->n_cycles, 1);
  assert_string_equal(names(c->path, c->off[1]), "AA");
  pt_cycles_free(c);
}

static void cycles_scan__acyclic_and_empty_graphs_have_none(void **state)
{
  load("A>B A-uses>B B>C D>C");
  pt_cycles *c = NULL;
  assert_int_equal(pt_cycles_scan(q, &c), 0);
  assert_int_equal(c->n_cycles, 0);
  pt_cycles_free(c);
  pt_qgraph_free(q);
  pt_graph_free(g);
  load("");
  assert_int_equal(pt_cycles_scan(q, &c), 0);
  assert_int_equal(c->n_cycles, 0);
  pt_cycles_free(c);
}

static void cycles_scan__fails_cleanly_when_out_of_memory(void **state)
{
  load(REFERENCE);
  int rc = PT_ENOMEM;
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_cycles *c = NULL;
    pt_scores *s = NULL;
    pt_alloc_fail_after(n);
    rc = pt_cycles_scan(q, &c);
    pt_alloc_fail_after(0);
    pt_cycles_free(c);
    if (rc == 0) {
      pt_alloc_fail_after(n);
      rc = pt_kcore(q, &s);
      pt_alloc_fail_after(0);
      pt_scores_free(s);
    }
  }
  assert_int_equal(rc, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(scc__reference_graph_has_five_components, teardown),
      cmocka_unit_test_teardown(scc__empty_graph_has_none, teardown),
      cmocka_unit_test_teardown(scc__self_loop_is_a_singleton, teardown),
      cmocka_unit_test_teardown(scc__long_chain_does_not_recurse, teardown),
      cmocka_unit_test_teardown(scc__fails_cleanly_when_out_of_memory, teardown),
      cmocka_unit_test_teardown(kcore__reference_graph_matches_section_8, teardown),
      cmocka_unit_test_teardown(kcore__triangle_is_a_2_core, teardown),
      cmocka_unit_test_teardown(kcore__self_loop_adds_one, teardown),
      cmocka_unit_test_teardown(kcore__duplicate_pairs_count_once, teardown),
      cmocka_unit_test(kcore__layers_follow_thresholds),
      cmocka_unit_test_teardown(cycles_scan__reference_graph_finds_two_back_edges, teardown),
      cmocka_unit_test_teardown(cycles_scan__self_loop_is_a_cycle_of_length_1, teardown),
      cmocka_unit_test_teardown(cycles_scan__acyclic_and_empty_graphs_have_none, teardown),
      cmocka_unit_test_teardown(cycles_scan__fails_cleanly_when_out_of_memory, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
