/* A re-run of pt01 over a stored index (pt_ingest_diff): what changed in
 * the tree since, told from a real SQLite index's file records alone. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/proc.h"
#include "reuse_support.h"
#include "test_support.h"

typedef struct tree {
  char *dir;   /* owned: the temporary folder */
  char src[600];
  char spec[700];
} tree;

static void make_tree(tree *t, const char *tag)
{
  t->dir = pt_test_tmpdir(tag);
  snprintf(t->src, sizeof t->src, "%s/src", t->dir);
  snprintf(t->spec, sizeof t->spec, "sqlite:%s/index.db", t->dir);
  pt_test_write(t->src, "a.py", "def a():\n    return b()\n");
  pt_test_write(t->src, "b.py", "def b():\n    return 1\n");
  pt_test_write(t->src, "lib/c.c", "int c(void) { return 2; }\n");
  pt_test_write(t->src, "README.md", "not code\n");
}

/* Indexes the tree and saves it, as pt01 does. */
static void index_and_save(const tree *t)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *s = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(pt_store_open(t->spec, &s), 0);
  assert_int_equal(pt_store_save(s, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

static void diff(const tree *t, pt_ingest_delta *d)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_graph *stored = NULL;
  pt_store *s = NULL;
  assert_int_equal(pt_graph_new(&stored), 0);
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_CREATE, &s), 0);
  assert_int_equal(pt_store_load_files(s, stored), 0);
  assert_int_equal(pt_graph_n_entities(stored), 0); /* files only */
  assert_int_equal(pt_ingest_diff(&o, stored, d), 0);
  pt_store_close(s);
  pt_graph_free(stored);
}

static void drop_tree(tree *t)
{
  pt_free(t->dir);
}

static void rerun__an_unchanged_tree_has_nothing_to_do(void **state)
{
  tree t;
  pt_ingest_delta d;
  make_tree(&t, "rerun_same");
  index_and_save(&t);
  diff(&t, &d);
  assert_true(pt_ingest_delta_is_empty(&d));
  assert_int_equal(d.n_files, 3);
  assert_int_equal(d.n_hashed, 0);
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

static void rerun__changed_added_and_removed_files_are_named(void **state)
{
  tree t;
  pt_ingest_delta d;
  char path[700];
  make_tree(&t, "rerun_three");
  index_and_save(&t);
  pt_test_write(t.src, "a.py", "def a():\n    return b() + 1\n");
  pt_test_write(t.src, "lib/d.c", "int d(void) { return 3; }\n");
  snprintf(path, sizeof path, "%s/b.py", t.src);
  assert_int_equal(remove(path), 0);
  diff(&t, &d);
  assert_false(pt_ingest_delta_is_empty(&d));
  assert_null(d.why_whole);
  assert_int_equal(d.n_changed, 1);
  assert_string_equal(d.changed[0], "a.py");
  assert_int_equal(d.n_added, 1);
  assert_string_equal(d.added[0], "lib/d.c");
  assert_int_equal(d.n_removed, 1);
  assert_string_equal(d.removed[0], "b.py");
  assert_false(d.ignored_changed);
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

/* A checkout rewrites files with their old contents: another mtime, the
 * same size; the content hash decides, and a file of the same size with
 * other contents is changed. */
static void rerun__same_size_and_another_mtime_is_told_by_content(void **state)
{
  tree t;
  pt_ingest_delta d;
  make_tree(&t, "rerun_mtime");
  index_and_save(&t);
  pt_sleep_ms(20);
  pt_test_write(t.src, "a.py", "def a():\n    return b()\n");
  pt_test_write(t.src, "b.py", "def b():\n    return 7\n");
  diff(&t, &d);
  assert_int_equal(d.n_hashed, 2);
  assert_int_equal(d.n_changed, 1);
  assert_string_equal(d.changed[0], "b.py");
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

/* A new file the index leaves out changes only the ignored list. */
static void rerun__a_new_ignored_file_changes_the_ignored_list(void **state)
{
  tree t;
  pt_ingest_delta d;
  make_tree(&t, "rerun_ignored");
  index_and_save(&t);
  pt_test_write(t.src, "NOTES.txt", "more notes\n");
  diff(&t, &d);
  assert_true(d.ignored_changed);
  assert_int_equal(d.n_changed + d.n_added + d.n_removed, 0);
  assert_false(pt_ingest_delta_is_empty(&d));
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

/* An index made of another folder (its recorded root): only a whole run
 * can say what a fresh index would be. */
static void rerun__an_index_of_another_folder_needs_a_whole_run(void **state)
{
  tree t, u;
  pt_ingest_delta d;
  make_tree(&t, "rerun_root_a");
  make_tree(&u, "rerun_root_b");
  index_and_save(&t);
  snprintf(u.spec, sizeof u.spec, "%s", t.spec); /* u's tree, t's index */
  diff(&u, &d);
  assert_non_null(d.why_whole);
  assert_false(pt_ingest_delta_is_empty(&d));
  pt_ingest_delta_fini(&d);
  drop_tree(&u);
  drop_tree(&t);
}

/* An index another build of the extractor made (its reuse records carry
 * another digest): the stored extraction cannot stand for this build's,
 * so nothing short of a whole run will do, even on an unchanged tree. */
static void rerun__an_index_of_another_extractor_needs_a_whole_run(void **state)
{
  tree t;
  pt_ingest_delta d;
  make_tree(&t, "rerun_extractor");
  index_and_save(&t);
  pt_test_stamp_other_extractor(t.spec + strlen("sqlite:"));
  diff(&t, &d);
  assert_non_null(d.why_whole);
  assert_non_null(strstr(d.why_whole, "extractor"));
  assert_false(pt_ingest_delta_is_empty(&d));
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rerun__an_unchanged_tree_has_nothing_to_do),
      cmocka_unit_test(rerun__changed_added_and_removed_files_are_named),
      cmocka_unit_test(rerun__same_size_and_another_mtime_is_told_by_content),
      cmocka_unit_test(rerun__a_new_ignored_file_changes_the_ignored_list),
      cmocka_unit_test(rerun__an_index_of_another_folder_needs_a_whole_run),
      cmocka_unit_test(rerun__an_index_of_another_extractor_needs_a_whole_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
