/* Test selection on a real indexed tree: the test map (tests read again
 * and resolved like code), the tests that reach an entity and their
 * paths, unified diffs to touched lines and entities, and out of memory
 * at each allocation. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/qgraph.h"
#include "pt/test_map.h"

static const char calc_c[] = "int add(int a, int b) { return a + b; }\n"
                             "\n"
                             "int total(int n)\n"
                             "{\n"
                             "  return add(n, n);\n"
                             "}\n"
                             "\n"
                             "int lonely(void) { return 7; }\n";
static const char test_c[] = "int add(int a, int b);\n"
                             "int total(int n);\n"
                             "\n"
                             "void test_add(void) { add(1, 2); }\n"
                             "\n"
                             "void test_total(void) { total(3); }\n";

typedef struct fx {
  char *root;
  pt_graph *g;
  pt_qgraph *q;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  f->root = pt_test_tmpdir("test_map");
  pt_test_write(f->root, "src/calc.c", calc_c);
  pt_test_write(f->root, "tests/test_calc.c", test_c);
  pt_test_index(f->root, &f->g, &f->q);
  assert_int_equal(pt_graph_n_tests(f->g), 2);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fx *f = *state;
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  free(f->root);
  free(f);
  return 0;
}

static uint32_t node_named(const fx *f, const char *name)
{
  const pt_entity *e = pt_graph_entities(f->g);
  for (size_t i = 0; i < pt_graph_n_entities(f->g); i++)
    if (!strcmp(e[i].name, name))
      return (uint32_t)pt_qgraph_find(f->q, e[i].key);
  fail_msg("no entity %s", name);
  return 0;
}

static const char *test_name(const fx *f, uint32_t t)
{
  return pt_graph_tests(f->g)[t].name;
}

static pt_test_map *map_of(const fx *f)
{
  pt_test_map *m = NULL;
  assert_int_equal(pt_test_map_build(f->g, pt_graph_meta(f->g, "root"), &m), 0);
  return m;
}

static void test_map__resolves_what_tests_call(void **state)
{
  fx *f = *state;
  pt_test_map *m = map_of(f);
  assert_int_equal(m->n_files, 1);
  assert_int_equal(m->n_stale, 0);
  assert_int_equal(m->n_calls, 2); /* the prototypes are not calls */
  assert_string_equal(test_name(f, m->calls[0].test), "test_add");
  assert_string_equal(m->calls[0].to_key, f->q->key[node_named(f, "add")]);
  assert_int_equal(m->calls[0].line, 4);
  assert_string_equal(test_name(f, m->calls[1].test), "test_total");
  assert_string_equal(m->calls[1].to_key, f->q->key[node_named(f, "total")]);
  pt_test_map_free(m);
}

/* A test file changed since it was indexed is not read as it is now. */
static void test_map__skips_files_changed_since_indexed(void **state)
{
  fx *f = *state;
  pt_test_write(f->root, "tests/test_calc.c", "void test_add(void) {}\n");
  pt_test_map *m = map_of(f);
  assert_int_equal(m->n_stale, 1);
  assert_int_equal(m->n_calls, 0);
  pt_test_map_free(m);
}

static void tests_reaching__nearest_first_with_paths(void **state)
{
  fx *f = *state;
  pt_test_map *m = map_of(f);
  uint32_t add = node_named(f, "add"), tot = node_named(f, "total");
  pt_tests_reached *r = NULL;
  assert_int_equal(pt_tests_reaching(f->q, m, &add, 1, 3, &r), 0);
  assert_int_equal(r->n_items, 2);
  assert_string_equal(test_name(f, r->items[0].test), "test_add");
  assert_int_equal(r->items[0].hops, 1);
  assert_int_equal(r->items[0].via, add);
  assert_int_equal(r->next[add], PT_NO_NODE);
  assert_string_equal(test_name(f, r->items[1].test), "test_total");
  assert_int_equal(r->items[1].hops, 2);
  assert_int_equal(r->items[1].via, tot);
  assert_int_equal(r->next[tot], add); /* test_total -> total -> add */
  assert_int_equal(r->n_dependants, 1);
  pt_tests_reached_free(r);
  assert_int_equal(pt_tests_reaching(f->q, m, &add, 1, 1, &r), 0);
  assert_int_equal(r->n_items, 1); /* only the direct caller */
  pt_tests_reached_free(r);
  uint32_t lonely = node_named(f, "lonely");
  assert_int_equal(pt_tests_reaching(f->q, m, &lonely, 1, 3, &r), 0);
  assert_int_equal(r->n_items, 0);
  pt_tests_reached_free(r);
  pt_test_map_free(m);
}

static const char git_diff[] =
    "diff --git a/repo/src/calc.c b/repo/src/calc.c\n"
    "index 1111111..2222222 100644\n"
    "--- a/repo/src/calc.c\n"
    "+++ b/repo/src/calc.c\n"
    "@@ -1,4 +1,4 @@\n"
    "-int add(int a, int b) { return a + b; }\n"
    "+int add(int a, int b) { return a - b; }\n"
    " \n"
    " int total(int n)\n"
    " {\n"
    "@@ -8 +8,2 @@\n"
    " int lonely(void) { return 7; }\n"
    "+\n"
    "diff --git a/gone.c b/gone.c\n"
    "deleted file mode 100644\n"
    "--- a/gone.c\n"
    "+++ /dev/null\n"
    "@@ -1 +0,0 @@\n"
    "-int gone(void);\n";

static void diff_parse__files_and_touched_lines(void **state)
{
  fx *f = *state;
  pt_diff *d = NULL;
  assert_int_equal(pt_diff_parse(git_diff, strlen(git_diff), &d), 0);
  assert_int_equal(d->n_files, 2);
  assert_string_equal(d->files[0].path, "repo/src/calc.c");
  assert_int_equal(d->files[0].status, 'M');
  assert_int_equal(d->files[0].n_ranges, 2);
  assert_int_equal(d->files[0].ranges[0], 1);
  assert_int_equal(d->files[0].ranges[1], 1);
  assert_int_equal(d->files[0].ranges[2], 9);
  assert_int_equal(d->files[0].ranges[3], 9);
  assert_string_equal(d->files[1].path, "gone.c");
  assert_int_equal(d->files[1].status, 'D');
  uint32_t *ents = NULL;
  size_t n = 0;
  assert_int_equal(pt_diff_entities(f->g, d, &ents, &n), 0);
  assert_string_equal(d->files[0].indexed_path, "src/calc.c");
  assert_null(d->files[1].indexed_path);
  assert_int_equal(n, 1); /* add; line 9 is past lonely */
  assert_string_equal(pt_graph_entities(f->g)[ents[0]].name, "add");
  pt_free(ents);
  pt_diff_free(d);
}

/* Lines removed without a replacement touch the lines around them. */
static void diff_parse__deletion_touches_its_neighbours(void **state)
{
  static const char del[] = "--- x.c\t2026-01-01\n+++ x.c\t2026-01-02\n"
                            "@@ -3,3 +3,2 @@\n a\n-b\n c\n";
  pt_diff *d = NULL;
  assert_int_equal(pt_diff_parse(del, strlen(del), &d), 0);
  assert_string_equal(d->files[0].path, "x.c");
  assert_int_equal(d->files[0].n_ranges, 1);
  assert_int_equal(d->files[0].ranges[0], 3);
  assert_int_equal(d->files[0].ranges[1], 4);
  pt_diff_free(d);
}

static void diff_parse__refuses_what_is_not_a_diff(void **state)
{
  pt_diff *d = NULL;
  assert_int_equal(pt_diff_parse("hello\n", 6, &d), PT_EPARSE);
  assert_non_null(strstr(pt_error_last()->message, "not a unified diff"));
  static const char bad[] = "--- a/x.c\n+++ b/x.c\n@@ -1 x1 @@\n";
  assert_int_equal(pt_diff_parse(bad, strlen(bad), &d), PT_EPARSE);
  assert_non_null(strstr(pt_error_last()->message, "line 3"));
  pt_error_clear();
  /* nothing at all is a diff of nothing: git's answer for a clean tree */
  assert_int_equal(pt_diff_parse("", 0, &d), 0);
  assert_int_equal(d->n_files, 0);
  pt_diff_free(d);
}

/* A diff deleting a function another file calls: the old side is the
 * indexed file with the hunk reversed, its missing entity named with its
 * caller, and the test of the caller selected. A file deleted whole
 * carries its old text; a file changed since indexed is stale. */
static const char del_diff[] = "diff --git a/src/lib.c b/src/lib.c\n"
                               "--- a/src/lib.c\n"
                               "+++ b/src/lib.c\n"
                               "@@ -1,3 +1,2 @@\n"
                               " int keep(void) { return 2; }\n"
                               "-int helper(void) { return 1; }\n"
                               " int also(void) { return 3; }\n"
                               "--- a/src/gone.c\n"
                               "+++ /dev/null\n"
                               "@@ -1,2 +0,0 @@\n"
                               "-\n"
                               "-int gone(void) { return 0; }\n";

static void diff_deleted__names_deleted_functions_and_callers(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("diff_deleted");
  pt_test_write(root, "src/lib.c", "int keep(void) { return 2; }\n"
                                   "int also(void) { return 3; }\n");
  pt_test_write(root, "src/use.c", "int use(void) { return helper(); }\n");
  pt_test_write(root, "tests/test_use.c",
                "int use(void);\nvoid test_use(void) { use(); }\n");
  pt_graph *g = NULL;
  pt_qgraph *q = NULL;
  pt_test_index(root, &g, &q);
  pt_diff *d = NULL;
  uint32_t *ents = NULL, *targets = NULL;
  size_t n = 0, n_targets = 0;
  pt_diff_deletions *x = NULL;
  assert_int_equal(pt_diff_parse(del_diff, strlen(del_diff), &d), 0);
  assert_int_equal(pt_diff_entities(g, d, &ents, &n), 0);
  assert_int_equal(pt_diff_deleted_entities(g, q, pt_graph_meta(g, "root"), d,
                                            &x), 0);
  assert_int_equal(x->n_stale, 0);
  assert_int_equal(x->n_items, 2);
  assert_string_equal(x->items[0].name, "helper");
  assert_string_equal(x->items[0].file_path, "src/lib.c");
  assert_int_equal(x->items[0].kind, PT_KIND_FUNCTION);
  assert_int_equal(x->items[0].line_start, 2);
  assert_int_equal(x->items[0].line_end, 2);
  assert_int_equal(x->items[0].n_dependents, 1);
  assert_non_null(strstr(q->key[x->items[0].dependents[0]], ":use:"));
  assert_string_equal(x->items[1].name, "gone");
  assert_string_equal(x->items[1].file_path, "src/gone.c");
  assert_int_equal(x->items[1].line_start, 2);
  assert_int_equal(x->items[1].n_dependents, 0);
  assert_int_equal(pt_diff_targets(ents, n, x, &targets, &n_targets), 0);
  assert_int_equal(n_targets, n + 1);
  assert_int_equal(targets[n], x->items[0].dependents[0]);
  pt_test_map *m = NULL;
  pt_tests_reached *r = NULL;
  assert_int_equal(pt_test_map_build(g, pt_graph_meta(g, "root"), &m), 0);
  assert_int_equal(pt_tests_reaching(q, m, targets, n_targets, 3, &r), 0);
  assert_int_equal(r->n_items, 1);
  assert_string_equal(pt_graph_tests(g)[r->items[0].test].name, "test_use");
  pt_tests_reached_free(r);
  pt_test_map_free(m);
  pt_diff_deletions_free(x);
  /* changed on disk since indexed: stale, skipped */
  pt_test_write(root, "src/lib.c", "int keep(void) { return 2; }\n");
  assert_int_equal(pt_diff_deleted_entities(g, q, pt_graph_meta(g, "root"), d,
                                            &x), 0);
  assert_int_equal(x->n_stale, 1);
  assert_true(d->files[0].is_stale);
  assert_int_equal(x->n_items, 1);
  assert_string_equal(x->items[0].name, "gone");
  pt_diff_deletions_free(x);
  pt_free(targets);
  pt_free(ents);
  pt_diff_free(d);
  pt_qgraph_free(q);
  pt_graph_free(g);
  free(root);
}

static void test_map__out_of_memory_at_each_allocation(void **state)
{
  fx *f = *state;
  for (unsigned long n = 1;; n++) {
    pt_test_map *m = NULL;
    pt_diff *d = NULL;
    pt_tests_reached *r = NULL;
    pt_diff_deletions *x = NULL;
    uint32_t *ents = NULL, add = node_named(f, "add");
    size_t n_ents = 0;
    pt_alloc_fail_after(n);
    int rc = pt_test_map_build(f->g, pt_graph_meta(f->g, "root"), &m);
    if (rc == 0)
      rc = pt_tests_reaching(f->q, m, &add, 1, 3, &r);
    if (rc == 0)
      rc = pt_diff_parse(git_diff, strlen(git_diff), &d);
    if (rc == 0)
      rc = pt_diff_entities(f->g, d, &ents, &n_ents);
    if (rc == 0)
      rc = pt_diff_deleted_entities(f->g, f->q, pt_graph_meta(f->g, "root"),
                                    d, &x);
    pt_alloc_fail_after(0);
    pt_diff_deletions_free(x);
    pt_free(ents);
    pt_tests_reached_free(r);
    pt_test_map_free(m);
    pt_diff_free(d);
    if (rc == 0)
      break;
    assert_int_equal(rc, PT_ENOMEM);
    pt_error_clear();
    assert_true(n < 100000);
  }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_map__resolves_what_tests_call),
      T(test_map__skips_files_changed_since_indexed),
      T(tests_reaching__nearest_first_with_paths),
      T(diff_parse__files_and_touched_lines),
      T(diff_parse__deletion_touches_its_neighbours),
      T(diff_parse__refuses_what_is_not_a_diff),
      T(diff_deleted__names_deleted_functions_and_callers),
      T(test_map__out_of_memory_at_each_allocation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
