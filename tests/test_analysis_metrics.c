/* CK metrics, SQALE, health grades, entropy, hotspots and smart context
 * (docs/contract/http-api.md 5.12, 5.14, 5.18, 5.21, 5.22, 6.4, 8). */
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

static const char *key(const char *name)
{
  static char buf[128];
  snprintf(buf, sizeof buf, "c:fn:%s:__src_x:T1", name);
  return buf;
}

static uint32_t node(const char *name)
{
  return pt_test_node(q, name);
}

static pt_metrics *metrics(void)
{
  pt_metrics *m = NULL;
  assert_int_equal(pt_metrics_compute(q, &m), 0);
  return m;
}

static void metrics__reference_graph_ck_matches_section_8(void **state)
{
  load(REFERENCE);
  pt_metrics *m = metrics();
  const char *names[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
  const uint32_t cbo[] = {2, 2, 2, 4, 2, 2, 1, 1};
  const uint32_t rfc[] = {3, 2, 2, 2, 2, 2, 2, 2};
  const uint32_t wmc[] = {2, 1, 1, 1, 1, 1, 1, 1};
  for (size_t i = 0; i < 8; i++) {
    const pt_ck *ck = &m->ck[node(names[i])];
    double hours = -1.0;
    assert_int_equal(ck->cbo, cbo[i]);
    assert_float_equal(ck->lcom, 0.0, 0.0);
    assert_int_equal(ck->rfc, rfc[i]);
    assert_int_equal(ck->wmc, wmc[i]);
    assert_int_equal(pt_ck_grade(ck), 'A');
    assert_int_equal(pt_sqale_violations(ck, &hours), 0);
    assert_float_equal(hours, 0.0, 0.0);
    assert_string_equal(pt_sqale_severity(hours), "NONE");
    assert_float_equal(m->entropy[node(names[i])], 0.0, 0.0);
  }
  pt_metrics_free(m);
}

static void metrics__node_calling_16_leaves_owes_14_hours(void **state)
{
  char edges[256];
  size_t w = 0;
  for (char c = 'a'; c < 'a' + 16; c++)
    w += (size_t)snprintf(edges + w, sizeof edges - w, "X>%c ", c);
  load(edges);
  pt_metrics *m = metrics();
  const pt_ck *ck = &m->ck[node("X")];
  double hours = 0.0;
  assert_int_equal(ck->cbo, 16);
  assert_float_equal(ck->lcom, 1.0, 0.0);
  assert_int_equal(ck->wmc, 16);
  assert_int_equal(ck->rfc, 16);
  assert_int_equal(pt_sqale_violations(ck, &hours),
                   PT_SQALE_HIGH_COUPLING | PT_SQALE_LOW_COHESION |
                       PT_SQALE_HIGH_COMPLEXITY);
  assert_float_equal(hours, 14.0, 0.0);
  assert_string_equal(pt_sqale_severity(hours), "HIGH");
  assert_int_equal(pt_ck_grade(ck), 'F');
  pt_metrics_free(m);
}

static void metrics__lcom_counts_duplicate_children_and_shared_callees(void **state)
{
  /* children of A: B twice (two types), C, L (leaf); B and C share D:
   * pairs (B,B) (B,C) (B,C) share, the 3 pairs with L do not: 3 of 6 */
  load("A>B A-uses>B A>C A>L B>D C>D");
  pt_metrics *m = metrics();
  assert_float_equal(m->ck[node("A")].lcom, 0.5, 0.0);
  assert_int_equal(m->ck[node("A")].wmc, 4);
  assert_int_equal(m->ck[node("A")].cbo, 3);
  assert_int_equal(m->ck[node("A")].rfc, 4);
  pt_metrics_free(m);
}

static void metrics__self_loop_counts_itself(void **state)
{
  load("A>A");
  pt_metrics *m = metrics();
  assert_int_equal(m->ck[0].cbo, 1);
  assert_int_equal(m->ck[0].rfc, 1);
  assert_int_equal(m->ck[0].wmc, 1);
  pt_metrics_free(m);
}

static void ck_grade__counts_failures_and_warnings(void **state)
{
  pt_ck ck = {0, 0.0, 51, 0};
  assert_int_equal(pt_ck_grade(&ck), 'B');
  ck.wmc = 51;
  assert_int_equal(pt_ck_grade(&ck), 'C');
  ck.cbo = 11;
  assert_int_equal(pt_ck_grade(&ck), 'D');
  ck.lcom = 0.81;
  assert_int_equal(pt_ck_grade(&ck), 'F');
  assert_string_equal(pt_sqale_severity(4.0), "LOW");
  assert_string_equal(pt_sqale_severity(8.0), "MEDIUM");
  assert_string_equal(pt_sqale_severity(10.0), "HIGH");
}

static void entropy__three_types_give_log2_3(void **state)
{
  load("X>A X-uses>B X-impl>C");
  pt_metrics *m = metrics();
  assert_float_equal(m->entropy[node("X")], 1.584962500721156, 1e-15);
  assert_string_equal(pt_entropy_level(m->entropy[node("X")]), "HIGH");
  assert_float_equal(m->entropy[node("A")], 0.0, 0.0);
  pt_metrics_free(m);
}

static void entropy__pair_counts_as_its_greatest_type_by_name(void **state)
{
  /* A->B is Extends and Implements: both count as Implements ("I" > "E") */
  load("A-ext>B A-impl>B A-ext>C X>Y X-uses>Y");
  pt_metrics *m = metrics();
  assert_float_equal(m->entropy[node("A")], 0.9182958340544896, 1e-15);
  assert_string_equal(pt_entropy_level(0.9182958340544896), "LOW");
  assert_string_equal(pt_entropy_level(1.0), "MODERATE");
  /* Calls and Uses on one pair: two Uses, no spread */
  assert_float_equal(m->entropy[node("X")], 0.0, 0.0);
  pt_metrics_free(m);
}

static void metrics__fails_cleanly_when_out_of_memory(void **state)
{
  load(REFERENCE);
  int rc = PT_ENOMEM;
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_metrics *m = NULL;
    pt_hotspots *h = NULL;
    pt_context *c = NULL;
    pt_alloc_fail_after(n);
    rc = pt_metrics_compute(q, &m);
    if (rc == 0)
      rc = pt_hotspots_rank(q, &h);
    if (rc == 0)
      rc = pt_smart_context(q, key("D"), 4000, &c);
    pt_alloc_fail_after(0);
    pt_metrics_free(m);
    pt_hotspots_free(h);
    pt_context_free(c);
  }
  assert_int_equal(rc, 0);
}

static void hotspots__rank_by_distinct_neighbours_then_key(void **state)
{
  load(REFERENCE " A-uses>B");
  pt_hotspots *h = NULL;
  assert_int_equal(pt_hotspots_rank(q, &h), 0);
  assert_int_equal(h->n_order, 8);
  assert_int_equal(h->order[0], node("D"));
  assert_int_equal(h->inbound[node("D")], 3);
  assert_int_equal(h->outbound[node("D")], 1);
  assert_int_equal(h->outbound[node("A")], 2);
  const char *rest = "ABCEFGH";
  for (size_t i = 1; i < 8; i++) {
    char name[2] = {rest[i - 1], 0};
    assert_int_equal(h->order[i], node(name));
  }
  pt_hotspots_free(h);
}

static void hotspots__empty_graph_has_none(void **state)
{
  load("");
  pt_hotspots *h = NULL;
  assert_int_equal(pt_hotspots_rank(q, &h), 0);
  assert_int_equal(h->n_order, 0);
  pt_hotspots_free(h);
}

static pt_context *context(const char *focus, size_t budget)
{
  pt_context *c = NULL;
  assert_int_equal(pt_smart_context(q, key(focus), budget, &c), 0);
  return c;
}

static void smart_context__scores_callers_callees_and_depths(void **state)
{
  load("M>P P>L L>X X>Y Y>Z Z>W");
  pt_context *c = context("P", 4000);
  const char *want[] = {"M", "L", "X", "Y", "Z"};
  assert_int_equal(c->n_items, 5);
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(c->items[i].node, node(want[i]));
    assert_int_equal(c->items[i].tokens, 101);
  }
  assert_int_equal(c->items[0].kind, PT_CONTEXT_CALLER);
  assert_true(c->items[0].score == 1.0);
  assert_int_equal(c->items[1].kind, PT_CONTEXT_CALLEE);
  assert_true(c->items[1].score == 0.95);
  assert_int_equal(c->items[2].depth, 2);
  assert_true(c->items[2].score == 0.6);
  assert_int_equal(c->items[3].depth, 3);
  assert_true(c->items[3].score == 0.49999999999999994);
  assert_int_equal(c->items[4].kind, PT_CONTEXT_TRANSITIVE);
  assert_int_equal(c->items[4].depth, 4);
  assert_true(c->items[4].score == 0.3999999999999999);
  assert_int_equal(c->tokens_used, 505);
  pt_context_free(c);
}

static void smart_context__transitive_walk_is_depth_first(void **state)
{
  /* stack seeded A, B: B's callee D is found before A's callee C */
  load("F>A F>B A>C B>D");
  pt_context *c = context("F", 4000);
  const char *want[] = {"A", "B", "D", "C"};
  assert_int_equal(c->n_items, 4);
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(c->items[i].node, node(want[i]));
  pt_context_free(c);
}

static void smart_context__greedy_skips_what_does_not_fit(void **state)
{
  /* the caller's 25-letter name makes its key 40 bytes: 104 tokens */
  load("Mxxxxxxxxxxxxxxxxxxxxxxxx>P P>L");
  pt_context *c = context("P", 103);
  assert_int_equal(c->n_items, 1);
  assert_int_equal(c->items[0].node, node("L"));
  assert_int_equal(c->tokens_used, 101);
  pt_context_free(c);
}

static void smart_context__unknown_focus_and_self_loop(void **state)
{
  load("A>A A>B A-uses>B");
  pt_context *c = context("nope", 4000);
  assert_int_equal(c->n_items, 0);
  assert_int_equal(c->tokens_used, 0);
  pt_context_free(c);
  c = context("A", 4000);
  assert_int_equal(c->n_items, 1);
  assert_int_equal(c->items[0].node, node("B"));
  pt_context_free(c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(metrics__reference_graph_ck_matches_section_8, teardown),
      cmocka_unit_test_teardown(metrics__node_calling_16_leaves_owes_14_hours, teardown),
      cmocka_unit_test_teardown(metrics__lcom_counts_duplicate_children_and_shared_callees, teardown),
      cmocka_unit_test_teardown(metrics__self_loop_counts_itself, teardown),
      cmocka_unit_test(ck_grade__counts_failures_and_warnings),
      cmocka_unit_test_teardown(entropy__three_types_give_log2_3, teardown),
      cmocka_unit_test_teardown(entropy__pair_counts_as_its_greatest_type_by_name, teardown),
      cmocka_unit_test_teardown(metrics__fails_cleanly_when_out_of_memory, teardown),
      cmocka_unit_test_teardown(hotspots__rank_by_distinct_neighbours_then_key, teardown),
      cmocka_unit_test_teardown(hotspots__empty_graph_has_none, teardown),
      cmocka_unit_test_teardown(smart_context__scores_callers_callees_and_depths, teardown),
      cmocka_unit_test_teardown(smart_context__transitive_walk_is_depth_first, teardown),
      cmocka_unit_test_teardown(smart_context__greedy_skips_what_does_not_fit, teardown),
      cmocka_unit_test_teardown(smart_context__unknown_focus_and_self_loop, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
