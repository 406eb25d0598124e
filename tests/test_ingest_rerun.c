/* A re-run of pt01 over a stored index: what changed in the tree since,
 * told from a real SQLite index's file records alone (pt_ingest_diff), and
 * the run itself (pt_ingest_rerun), which patches what changed into the
 * stored graph and must leave SQLite and RocksDB indexes exactly as a
 * fresh index of the tree. */
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

/* ---- the run: a re-run against a fresh index ----------------------------- */

static void dump(const pt_graph *g, pt_buf *b)
{
  assert_int_equal(pt_graph_dump(g, b), 0);
}

/* What a fresh index of the tree dumps as. */
static void fresh_dump(const tree *t, pt_buf *b)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  dump(g, b);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

/* What the store at spec holds, dumped. */
static void stored_dump(const char *spec, pt_buf *b)
{
  pt_graph *g = NULL;
  pt_store *s = NULL;
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_READ, &s), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(s, g), 0);
  dump(g, b);
  pt_store_close(s);
  pt_graph_free(g);
}

/* pt01 again over the index at t->spec, as the CLI runs it: the diff over
 * the file records, then the whole stored graph, a cache seeded from it,
 * pt_ingest_rerun and the changes written. *is_patched: the new graph is
 * the patched stored one (it shares its strings) rather than a whole
 * run's. */
static void rerun(const tree *t, pt_ingest_stats *st, int *is_patched)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_graph *files = NULL, *stored = NULL, *g = NULL;
  pt_ingest_cache *c = NULL;
  pt_ingest_delta d;
  pt_store *s = NULL;
  size_t n = 0;
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_CREATE, &s), 0);
  assert_int_equal(pt_graph_new(&files), 0);
  assert_int_equal(pt_store_load_files(s, files), 0);
  assert_int_equal(pt_ingest_diff(&o, files, &d), 0);
  assert_false(pt_ingest_delta_is_empty(&d));
  assert_int_equal(pt_graph_new(&stored), 0);
  assert_int_equal(pt_store_load(s, stored), 0);
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_cache_seed(c, stored, &n), 0);
  assert_int_equal(n, pt_graph_n_files(stored));
  o.cache = c;
  assert_int_equal(pt_ingest_rerun(&o, stored, &d, &g, st), 0);
  *is_patched = pt_graph_pool_of(g) == pt_graph_pool_of(stored);
  assert_int_equal(pt_store_write_changes(s, stored, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  pt_graph_free(stored);
  pt_graph_free(files);
  pt_ingest_delta_fini(&d);
}

/* A change to a tree: what it does, and whether the patch can take it. */
typedef struct change {
  const char *what;
  void (*make)(const char *src);
  int is_patched;
  size_t n_parsed;            /* files parsed again */
} change;

static void remove_at(const char *src, const char *rel)
{
  char path[700];
  snprintf(path, sizeof path, "%s/%s", src, rel);
  assert_int_equal(remove(path), 0);
}

static void edit_file(const char *src)
{
  pt_test_write(src, "a.py", "def a():\n    return b() + 1\n\n"
                             "def a2():\n    return a()\n");
}

static void add_file(const char *src)
{
  pt_test_write(src, "lib/d.c", "int c(void);\nint d(void) { return c(); }\n");
}

static void delete_file(const char *src)
{
  remove_at(src, "b.py");
}

static void rename_file(const char *src)
{
  remove_at(src, "lib/c.c");
  pt_test_write(src, "lib/c2.c", "int c(void) { return 2; }\n");
}

static void edit_beside_bad_utf8(const char *src)
{
  pt_test_write(src, "b.py", "def b():\n    return 10\n");
}

static void edit_bad_utf8(const char *src)
{
  pt_test_write(src, "bad.py", "def bad():\n    return '\xfe\xfe'\n\n"
                               "def worse():\n    return bad()\n");
}

/* A new file the index leaves out: the ignored list changes, which only a
 * whole run makes; the file with invalid UTF-8 is still reused there. */
static void add_ignored_and_edit(const char *src)
{
  pt_test_write(src, "NOTES.txt", "notes\n");
  edit_file(src);
}

static const change changes[] = {
    {"a file edited", edit_file, 1, 1},
    {"a file added", add_file, 1, 1},
    {"a file deleted", delete_file, 1, 0},
    {"a file renamed", rename_file, 1, 1},
    {"a file beside one with invalid UTF-8 edited", edit_beside_bad_utf8, 1, 1},
    {"a file with invalid UTF-8 edited", edit_bad_utf8, 0, 1},
    {"an ignored file added", add_ignored_and_edit, 0, 1},
};

/* Whether the engine of t->spec is built here (RocksDB is not on
 * Windows). */
static int engine_is_built(const tree *t)
{
  pt_store *probe = NULL;
  int rc = pt_store_open(t->spec, &probe);
  pt_store_close(probe);
  if (rc == PT_ENOTSUPPORTED)
    pt_error_clear();
  else
    assert_int_equal(rc, 0);
  return rc == 0;
}

/* One change on each engine: the re-run's index dumps as a fresh index of
 * the changed tree does, and only the changed files were parsed. */
static void rerun_on(const change *ch)
{
  static const char *const engines[] = {"sqlite", "rocksdb"};
  int is_built[2];
  tree t;
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  make_tree(&t, "rerun_run");
  pt_test_write(t.src, "bad.py", "def bad():\n    return '\xff'\n");
  for (int e = 0; e < 2; e++) {
    snprintf(t.spec, sizeof t.spec, "%s:%s/index.%s", engines[e], t.dir,
             engines[e]);
    if ((is_built[e] = engine_is_built(&t)))
      index_and_save(&t);
  }
  ch->make(t.src);
  fresh_dump(&t, &want);
  for (int e = 0; e < 2; e++) {
    pt_ingest_stats st;
    int is_patched = -1;
    if (!is_built[e])
      continue;
    snprintf(t.spec, sizeof t.spec, "%s:%s/index.%s", engines[e], t.dir,
             engines[e]);
    rerun(&t, &st, &is_patched);
    pt_buf_clear(&got);
    stored_dump(t.spec, &got);
    if (strcmp(pt_buf_cstr(&want), pt_buf_cstr(&got)) != 0)
      fail_msg("%s, %s: the re-run's index is not a fresh index's",
               engines[e], ch->what);
    if (is_patched != ch->is_patched)
      fail_msg("%s, %s: %s", engines[e], ch->what,
               is_patched ? "patched" : "indexed whole");
    assert_int_equal(st.total_files, 4 + (ch->make == add_file) -
                                         (ch->make == delete_file));
    assert_int_equal(st.total_files - st.reused_files, ch->n_parsed);
    pt_ingest_stats_fini(&st);
  }
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  drop_tree(&t);
}

static void rerun__each_change_gives_a_fresh_index(void **state)
{
  for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
    rerun_on(&changes[i]);
}

/* A file with invalid UTF-8 is recorded with the size of its decoded
 * text; its size on disk, kept beside, matches the walk's, so an unchanged
 * tree reads nothing. */
static void rerun__a_file_with_invalid_utf8_is_not_read_again(void **state)
{
  tree t;
  pt_ingest_delta d;
  make_tree(&t, "rerun_utf8");
  pt_test_write(t.src, "bad.py", "def bad():\n    return '\xff\xfe'\n");
  index_and_save(&t);
  diff(&t, &d);
  assert_true(pt_ingest_delta_is_empty(&d));
  assert_int_equal(d.n_hashed, 0);
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
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
      cmocka_unit_test(rerun__a_file_with_invalid_utf8_is_not_read_again),
      cmocka_unit_test(rerun__each_change_gives_a_fresh_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
