/* The live index's patch shortcut (pt_ingest_patch, ingest_patch.c): which
 * files a change resolves again, and what the patched graph takes in of
 * them. Every patch here must also equal a fresh index of the same tree. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* symlink */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/qgraph.h"
#include "pt/sys/fs.h"
#include "ingest/ingest_int.h"
#include "ingest/resolve.h"
#include "test_support.h"

static char *dump(const pt_graph *g)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(g, &b), 0);
  return pt_buf_detach(&b);
}

static void assert_equals_fresh(const char *root, const pt_graph *g)
{
  pt_ingest_opts o = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *fresh = NULL;
  assert_int_equal(pt_ingest(&o, &fresh, &st), 0);
  pt_ingest_stats_fini(&st);
  char *a = dump(g), *b = dump(fresh);
  assert_string_equal(a, b);
  pt_free(a);
  pt_free(b);
  pt_graph_free(fresh);
}

static void remove_file(const char *root, const char *rel)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  assert_int_equal(remove(path), 0);
}

/* A tree indexed with a cache, as the live index keeps it. */
typedef struct tree {
  char *root;
  pt_ingest_cache *c;
  pt_ingest_opts o;
  pt_graph *g;
} tree;

static void tree_index(tree *t, const char *tag, const char *const *files,
                       unsigned n_threads)
{
  t->root = pt_test_tmpdir(tag);
  for (size_t i = 0; files[i]; i += 2)
    pt_test_write(t->root, files[i], files[i + 1]);
  assert_int_equal(pt_ingest_cache_new(&t->c), 0);
  pt_ingest_opts o = {t->root, n_threads, 0, NULL, 0, NULL, NULL, 0, t->c, 0};
  t->o = o;
  pt_ingest_stats st;
  assert_int_equal(pt_ingest(&t->o, &t->g, &st), 0);
  pt_ingest_stats_fini(&st);
}

/* Patches the paths marked dirty; the shortcut must take them. */
static pt_graph *tree_patch(tree *t)
{
  pt_ingest_stats st;
  pt_graph *next = NULL;
  assert_int_equal(pt_ingest_patch(&t->o, t->g, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_non_null(next);
  return next;
}

/* Patches, checks the patched graph against a fresh index and makes it
 * the tree's graph. */
static void tree_step_fresh(tree *t)
{
  pt_graph *next = tree_patch(t);
  assert_equals_fresh(t->root, next);
  pt_graph_drop_lineage(next);
  pt_graph_free(t->g);
  t->g = next;
}

static void tree_fini(tree *t)
{
  pt_graph_free(t->g);
  pt_ingest_cache_free(t->c);
  pt_free(t->root);
}

/* Moves the file at from to `to` and marks both paths, as the watcher
 * reports a rename. */
static void tree_rename(tree *t, const char *from, const char *to,
                        const char *text)
{
  pt_test_write(t->root, to, text);
  remove_file(t->root, from);
  assert_int_equal(pt_ingest_cache_mark_dirty(t->c, from), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t->c, to), 0);
}

static const char *const util_c = "int helper(void)\n{\n  return 1;\n}\n";

/* The resolver keeps its threads' contexts (and the module marks they
 * found) from one run to the next: a patch that adds a file where a
 * module names files (x/util in b/ and c/) finds it there, as a fresh
 * index does. */
static void ingest_patch__a_module_s_new_file_joins_its_kept_marks(
    void **state)
{
  static const char *const util_go =
      "package util\n\nfunc Helper() int {\n\treturn 1\n}\n";
  static const char *const other_go =
      "package util\n\nfunc Other() int {\n\treturn 2\n}\n";
  const char *files[] = {
      "a/x/util/u.go", util_go,
      "b/x/util/o.go", other_go,
      "c/x/util/o.go", other_go,
      "a/main/m.go",
      "package main\n\nimport \"x/util\"\n\nfunc main() {\n"
      "\tutil.Helper()\n}\n",
      NULL};
  tree t;
  tree_index(&t, "patch_marks", files, 2);
  char *d = dump(t.g);
  assert_non_null(strstr(d, "\tresolved\ta/main/m.go:6\timport\n"));
  pt_free(d);
  const char *const added[] = {"b/x/util/u.go", "c/x/util/u.go"};
  for (int k = 0; k < 2; k++) {
    pt_test_write(t.root, added[k], util_go);
    assert_int_equal(pt_ingest_cache_mark_dirty(t.c, added[k]), 0);
    tree_step_fresh(&t);
    d = dump(t.g);
    char want[64];
    snprintf(want, sizeof want, "\tunresolved_ambiguous\t%d\t", k + 2);
    assert_non_null(strstr(d, want));
    pt_free(d);
  }
  tree_fini(&t);
}

/* helper() in main.c reads the C definitions named helper; Python's
 * helper is another family's, so lib.py going changes nothing main.c
 * read, while util.c's helper going does. (Every file that read a name
 * was resolved again before, in any language: renaming Python's
 * Tools/demo/markov.py, which defines main and get, resolved 1,260 files
 * of the large tree again, Go and C among them.) */
static void ingest_patch__a_name_of_another_language_marks_no_reader(
    void **state)
{
  static const char *const files[] = {
    "lib.py", "def helper():\n    return 1\n",
    "util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "other.c", "int helper(void)\n{\n  return 2;\n}\n",
    "main.c", "int run(void)\n{\n  return helper();\n}\n",
    NULL};
  tree t;
  tree_index(&t, "patch_family", files, 1);
  pt_resolver *rs = pt__cache_resolver(t.c);
  assert_non_null(rs);
  pt__deps py = {0}, c = {0};
  assert_int_equal(pt__resolver_set_file(rs, "lib.py", PT_LANG_PYTHON, NULL, 0,
                                         1, &py), 0);
  assert_int_equal(pt__deps_seal(&py), 0);
  assert_false(pt__resolver_reads(rs, "main.c", 0, &py));
  assert_int_equal(pt__resolver_set_file(rs, "util.c", PT_LANG_C, NULL, 0, 1,
                                         &c), 0);
  assert_int_equal(pt__deps_seal(&c), 0);
  assert_true(pt__resolver_reads(rs, "main.c", 0, &c));
  pt__deps_fini(&py);
  pt__deps_fini(&c);
  tree_fini(&t);
}

/* ... and a name no other family defines: Python's only `unique` going
 * makes C's lookup of it one that nobody defines (another verdict), so
 * main.c reads that. */
static void ingest_patch__a_name_leaving_every_family_marks_its_readers(
    void **state)
{
  static const char *const files[] = {
    "lib.py", "def unique():\n    return 1\n",
    "main.c", "int run(void)\n{\n  return unique();\n}\n",
    NULL};
  tree t;
  tree_index(&t, "patch_family_gone", files, 1);
  pt_resolver *rs = pt__cache_resolver(t.c);
  pt__deps ch = {0};
  assert_int_equal(pt__resolver_set_file(rs, "lib.py", PT_LANG_PYTHON, NULL, 0,
                                         1, &ch), 0);
  assert_int_equal(pt__deps_seal(&ch), 0);
  assert_true(pt__resolver_reads(rs, "main.c", 0, &ch));
  pt__deps_fini(&ch);
  tree_fini(&t);
}

/* Renaming a/util.c into c/ changes the candidates of helper, which
 * b/main.c reads; it still calls its own folder's helper, so its edges are the
 * ones it had and the patched graph keeps them (their origin is the graph
 * before), where it used to take them in anew. */
static void ingest_patch__a_file_resolved_again_to_its_edges_keeps_them(
    void **state)
{
  static const char *const files[] = {
    "a/util.c", util_c,
    "b/util.c", "int helper(void)\n{\n  return 2;\n}\n",
    "b/main.c", "int run(void)\n{\n  return helper();\n}\n",
    "c/keep.c", "int keep(void)\n{\n  return 0;\n}\n",
    NULL};
  tree t;
  tree_index(&t, "patch_same_edges", files, 1);
  tree_rename(&t, "a/util.c", "c/util.c", util_c);
  pt_graph *next = tree_patch(&t);
  pt_graph_lineage ln;
  assert_true(pt_graph_lineage_of(next, &ln));
  assert_ptr_equal(ln.base, t.g);
  const pt_edge *e = pt_graph_edges(next);
  size_t n_main = 0;
  for (size_t i = 0; i < pt_graph_n_edges(next); i++)
    if (!strcmp(e[i].file_path, "b/main.c")) {
      n_main++;
      assert_int_not_equal(ln.edge_src[i], PT_GRAPH_NEW);
    }
  assert_int_equal(n_main, 1);
  assert_equals_fresh(t.root, next);
  pt_graph_free(next);
  tree_fini(&t);
}

/* Enough files read what a rename changed for the patch to resolve them
 * on two threads: helper() is ambiguous between a/ and b/ in 80 files of
 * m/ (edges listing both candidates), and 40 of n/ call their own folder's;
 * after a/util.c moves into c/, the first 80 list other candidates, the 40
 * resolve as before, and the patched graph is the fresh one. */
static void resolved_again_on_threads(int n_amb, int n_local, int heavy)
{
  char **files = pt_calloc(2 * (n_amb + n_local) + 16, sizeof *files);
  assert_non_null(files);
  size_t k = 0;
  files[k++] = pt_strdup("a/util.c");
  files[k++] = pt_strdup(util_c);
  files[k++] = pt_strdup("b/util.c");
  files[k++] = pt_strdup("int helper(void)\n{\n  return 2;\n}\n");
  files[k++] = pt_strdup("n/util.c");
  files[k++] = pt_strdup("int helper(void)\n{\n  return 3;\n}\n");
  files[k++] = pt_strdup("a/keep.c"); /* a/ stays for the way back */
  files[k++] = pt_strdup("int keep_a(void)\n{\n  return 0;\n}\n");
  files[k++] = pt_strdup("c/keep.c");
  files[k++] = pt_strdup("int keep(void)\n{\n  return 0;\n}\n");
  char buf[256];
  for (int i = 0; i < n_amb + n_local; i++) {
    snprintf(buf, sizeof buf, "%s/f%03d.c", i < n_amb ? "m" : "n", i);
    files[k++] = pt_strdup(buf);
    snprintf(buf, sizeof buf, "int f%03d(void)\n{\n  return helper();\n}\n", i);
    files[k++] = pt_strdup(buf);
    /* the first file heavy: the diffs' halves split by work, not count */
    for (int h = 0; i == 0 && h < heavy; h++) {
      pt_buf more = PT_BUF_INIT;
      assert_int_equal(pt_buf_printf(&more, "%s\nint g%03d(void)\n{\n  return helper();\n}\n",
                                     files[k - 1], h), 0);
      pt_free(files[k - 1]);
      files[k - 1] = pt_buf_detach(&more);
    }
  }
  tree t;
  tree_index(&t, "patch_threads", (const char *const *)files, 2);
  tree_rename(&t, "a/util.c", "c/util.c", util_c);
  pt_graph *next = tree_patch(&t);
  assert_equals_fresh(t.root, next);
  pt_graph_lineage ln;
  assert_true(pt_graph_lineage_of(next, &ln));
  const pt_edge *e = pt_graph_edges(next);
  size_t n_new = 0, n_kept = 0;
  for (size_t i = 0; i < pt_graph_n_edges(next); i++) {
    if (!strncmp(e[i].file_path, "m/", 2))
      n_new += ln.edge_src[i] == PT_GRAPH_NEW;
    if (!strncmp(e[i].file_path, "n/f", 3))
      n_kept += ln.edge_src[i] != PT_GRAPH_NEW;
  }
  assert_int_equal(n_new, n_amb + heavy);
  assert_int_equal(n_kept, n_local);
  /* and back, from the patched graph */
  pt_graph_free(t.g);
  t.g = next;
  tree_rename(&t, "c/util.c", "a/util.c", util_c);
  next = tree_patch(&t);
  assert_equals_fresh(t.root, next);
  pt_graph_free(next);
  tree_fini(&t);
  for (size_t i = 0; i < k; i++)
    pt_free(files[i]);
  pt_free(files);
}

static void ingest_patch__many_files_resolved_again_on_threads_equal_fresh(
    void **state)
{
  resolved_again_on_threads(80, 40, 0);
}

/* The same with one reader of as many calls as the others together: the
 * second half of the diffs starts after it. */
static void ingest_patch__a_heavy_reader_splits_the_diffs_equal_fresh(void **state)
{
  resolved_again_on_threads(24, 16, 200);
}

/* From 16 files to resolve again the patch takes two threads (a rename
 * read by 16 to 63 files took one before): 12 + 8 + the renamed file. */
static void ingest_patch__a_few_files_resolved_again_on_threads_equal_fresh(
    void **state)
{
  resolved_again_on_threads(12, 8, 0);
}

/* A rename's patch whose n-th allocation fails: it returns PT_ENOMEM or
 * PT_EAGAIN and no graph, and leaves a cache that the next run (a full
 * one, as the live index makes after a failed patch) turns into the
 * fresh index; or it patches to the fresh index. 1 when it patched. */
static int rename_failing_after(unsigned long n)
{
  static const char *const files[] = {
    "a/util.c", util_c,
    "b/main.c", "int run(void)\n{\n  return helper();\n}\n",
    "c/keep.c", "int keep(void)\n{\n  return 0;\n}\n",
    NULL};
  tree t;
  tree_index(&t, "patch_oom", files, 1);
  tree_rename(&t, "a/util.c", "a/0util.c", util_c); /* sorts first */
  pt_ingest_stats st;
  pt_graph *next = NULL;
  pt_alloc_fail_after(n);
  int rc = pt_ingest_patch(&t.o, t.g, &next, &st);
  pt_alloc_fail_after(0);
  assert_true(rc == 0 || rc == PT_ENOMEM || rc == PT_EAGAIN);
  if (rc == 0) {
    pt_ingest_stats_fini(&st);
  } else {
    assert_null(next);
    pt_error_clear();
    assert_int_equal(pt_ingest(&t.o, &next, &st), 0);
    pt_ingest_stats_fini(&st);
  }
  assert_equals_fresh(t.root, next);
  pt_graph_free(next);
  tree_fini(&t);
  return rc == 0;
}

/* Out of memory anywhere in a rename's patch (one thread, so the
 * countdown is exact): the first failure points, further apart as they
 * grow, and every one of the last 64 before the patch has what it needs
 * (the cache's splice and the file records merged in come last). */
static void ingest_patch__out_of_memory_in_a_rename_is_returned(void **state)
{
  unsigned long lo = 1, hi = 1ul << 18;
  assert_true(rename_failing_after(hi));
  while (lo < hi) { /* the fewest allocations it patches with */
    unsigned long mid = lo + (hi - lo) / 2;
    if (rename_failing_after(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  for (unsigned long n = 1; n + 64 < lo; n += 4 + n / 4)
    rename_failing_after(n);
  for (unsigned long n = lo > 64 ? lo - 64 : 1; n < lo; n++)
    rename_failing_after(n);
}

/* The query graph updated from the patched graph's lineage is the one a
 * whole build of it gives (the same nodes, lists and edge numbers). */
static void assert_qgraph_follows(const pt_graph *prev, const pt_graph *next)
{
  pt_qgraph *q = NULL, *updated = NULL, *whole = NULL;
  assert_int_equal(pt_qgraph_build(prev, NULL, &q), 0);
  assert_int_equal(pt_qgraph_update(q, next, &updated), 0);
  assert_int_equal(pt_qgraph_build(next, NULL, &whole), 0);
  assert_int_equal(updated->n_nodes, whole->n_nodes);
  assert_int_equal(updated->n_edges, whole->n_edges);
  for (size_t v = 0; v < whole->n_nodes; v++) {
    assert_string_equal(updated->key[v], whole->key[v]);
    assert_int_equal(updated->fwd_off[v + 1], whole->fwd_off[v + 1]);
    assert_int_equal(updated->rev_off[v + 1], whole->rev_off[v + 1]);
  }
  for (size_t k = 0; k < whole->n_edges; k++) {
    assert_int_equal(updated->fwd[k], whole->fwd[k]);
    assert_int_equal(pt_qgraph_fwd_edge(updated, (uint32_t)k),
                     pt_qgraph_fwd_edge(whole, (uint32_t)k));
    assert_int_equal(updated->rev[k], whole->rev[k]);
    assert_int_equal(updated->rev_edge[k], whole->rev_edge[k]);
  }
  pt_qgraph_free(q);
  pt_qgraph_free(updated);
  pt_qgraph_free(whole);
}

/* Counts the edges of b/main.c in next that the patch took in and those
 * it kept from the graph before; those it took in are the calls of
 * helper, and only they. */
static void count_readers_edges(const pt_graph *next,
                                const pt_graph_lineage *ln, size_t *n_new,
                                size_t *n_kept)
{
  const pt_edge *e = pt_graph_edges(next);
  for (size_t i = 0; i < pt_graph_n_edges(next); i++)
    if (!strcmp(e[i].file_path, "b/main.c")) {
      int is_new = ln->edge_src[i] == PT_GRAPH_NEW;
      assert_int_equal(is_new, strstr(e[i].to_key, "helper") != NULL);
      *n_new += is_new;
      *n_kept += !is_new;
    }
}

/* Renames a/util.c to moved and back, a patch each that equals a fresh
 * index, keeps its lineage to the graph before and whose query graph
 * follows; check looks at each patched graph and its lineage. */
static void util_there_and_back(tree *t, const char *moved,
                                void (*check)(const pt_graph *next,
                                              const pt_graph_lineage *ln))
{
  const char *moves[2][2] = {{"a/util.c", moved}, {moved, "a/util.c"}};
  for (int m = 0; m < 2; m++) {
    tree_rename(t, moves[m][0], moves[m][1], util_c);
    pt_graph *next = tree_patch(t);
    assert_equals_fresh(t->root, next);
    pt_graph_lineage ln;
    assert_true(pt_graph_lineage_of(next, &ln));
    assert_ptr_equal(ln.base, t->g);
    check(next, &ln);
    assert_qgraph_follows(t->g, next);
    pt_graph_drop_lineage(next);
    pt_graph_free(t->g);
    t->g = next;
  }
}

/* main.c's calls of helper come anew, its others stay, and the patch
 * keeps the count of resolved edges its edges have. */
static void check_edge_diff(const pt_graph *next, const pt_graph_lineage *ln)
{
  const pt_edge *e = pt_graph_edges(next);
  size_t n_new = 0, n_kept = 0;
  count_readers_edges(next, ln, &n_new, &n_kept);
  assert_int_equal(n_new, 2);
  assert_true(n_kept >= 5);
  size_t n_resolved = 0; /* the count the patch keeps: that of its edges */
  for (size_t i = 0; i < pt_graph_n_edges(next); i++)
    n_resolved += e[i].resolved != 0;
  assert_int_equal(pt_graph_n_resolved_edges(next), n_resolved);
}

/* One edge comes for each function that calls helper, at the first
 * call's line; zeta, nowhere and alpha of run and alpha of run2 stay. */
static void check_first_lines(const pt_graph *next,
                              const pt_graph_lineage *ln)
{
  const pt_edge *e = pt_graph_edges(next);
  size_t n_new = 0, n_kept = 0;
  count_readers_edges(next, ln, &n_new, &n_kept);
  for (size_t i = 0; i < pt_graph_n_edges(next); i++)
    if (ln->edge_src[i] == PT_GRAPH_NEW)
      assert_int_equal(e[i].line, strstr(e[i].from_key, "run2") ? 20 : 13);
  assert_int_equal(n_new, 2);
  assert_int_equal(n_kept, 4);
}

/* Renaming util.c within its folder changes the key of helper, which
 * main.c calls beside calls that stay (keep(), its own local(), an
 * unknown one, an ambiguous one): the patched graph takes in main.c's
 * one edge that changed and keeps its others (their origin is the graph
 * before), where it took in every edge of main.c anew; and back. */
static void ingest_patch__a_rename_takes_in_only_the_edges_that_changed(
    void **state)
{
  static const char *const main_c =
      "int local(void)\n{\n  return 0;\n}\n"
      "int run(void)\n{\n  return helper() + keep() + local() + nowhere() +"
      " twice();\n}\n"
      "int run2(void)\n{\n  return helper() + keep();\n}\n";
  static const char *const files[] = {
    "a/util.c", util_c,
    "b/main.c", NULL,
    "c/keep.c", "int keep(void)\n{\n  return 0;\n}\n",
    "d/one.c", "int twice(void)\n{\n  return 1;\n}\n",
    "e/two.c", "int twice(void)\n{\n  return 2;\n}\n",
    NULL};
  const char *fs[sizeof files / sizeof files[0]];
  memcpy(fs, files, sizeof files);
  fs[3] = main_c;
  tree t;
  tree_index(&t, "patch_edge_diff", fs, 1);
  util_there_and_back(&t, "a/util_x.c", check_edge_diff);
  tree_fini(&t);
}

/* The edge diff compares the keys as the pool's pointers: a reader that
 * calls the renamed helper at several lines in one function (one edge,
 * the first line's) and names others in an order unlike their keys'
 * (zeta before alpha, a call to nowhere between) takes in the one edge
 * of each function that changed, at its first line, keeps the others
 * (their origin is the graph before), and equals a fresh index, there
 * and back. */
static void ingest_patch__a_readers_repeated_calls_keep_their_first_line(
    void **state)
{
  static const char *const main_c =
      "int zeta(void)\n{\n  return 0;\n}\n"
      "int alpha(void)\n{\n  return 1;\n}\n"
      "int run(void)\n{\n  int a = zeta();\n  a += nowhere();\n"
      "  a += helper();\n  a += alpha();\n  a += helper();\n"
      "  return a + zeta() + helper();\n}\n"
      "int run2(void)\n{\n  return alpha() + helper() +\n    helper();\n}\n";
  static const char *const files[] = {
    "a/util.c", util_c,
    "b/main.c", NULL,
    NULL};
  const char *fs[sizeof files / sizeof files[0]];
  memcpy(fs, files, sizeof files);
  fs[3] = main_c;
  tree t;
  tree_index(&t, "patch_edge_lines", fs, 1);
  util_there_and_back(&t, "a/util_y.c", check_first_lines);
  tree_fini(&t);
}

/* o.clear() of an unknown o reads the candidates of clear only for what
 * a path does not decide (which there are, their kinds and qualified
 * names: none is o.clear), and x.clear() of an x made by a call of
 * nothing indexed not even that, so a module of the name renamed with
 * its definitions marks nothing unknown.py and made.py read, while
 * Event.clear(), whose qualifier picks lib/locks.py's (its key names the
 * path), and self.clear() (the methods of its type) are read again;
 * the patched graph equals a fresh index there and back. An edit that
 * takes the only clear away marks the name's attrs: o.clear() then names
 * nothing of the workspace (another reason than an unknown receiver). */
static void ingest_patch__a_rename_marks_no_reader_of_attrs_alone(void **state)
{
  static const char *const locks =
      "class Event:\n    def clear(self):\n        return 1\n";
  static const char *const files[] = {
    "lib/locks.py", NULL,
    "other/store.py", "class Store:\n    def wipe(self):\n        return 2\n",
    "app/unknown.py", "def run(o):\n    return o.clear()\n",
    "app/qual.py", "def run():\n    return Event.clear()\n",
    "app/made.py", "def run():\n    x = Unknown()\n    return x.clear()\n",
    "app/own.py", "class Own:\n    def run(self):\n        return self.clear()\n",
    "app/has.py", "class Has:\n    def clear(self):\n        return 3\n"
                  "    def run(self):\n        return self.clear()\n",
    "app/sub.py", "class Mine(Event):\n    def run(self):\n"
                  "        return self.clear()\n",
    "app/typed.py", "def run():\n    e = Event()\n    return e.clear()\n",
    NULL};
  const char *fs[sizeof files / sizeof files[0]];
  memcpy(fs, files, sizeof files);
  fs[1] = locks;
  tree t;
  tree_index(&t, "patch_attrs", fs, 1);
  /* the tables alone: the file goes, the same definitions come elsewhere */
  pt_resolver *rs = pt__cache_resolver(t.c);
  assert_non_null(rs);
  const pt_entity *ge = pt_graph_entities(t.g);
  pt_entity moved[8];
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_entities(t.g); i++)
    if (!strcmp(ge[i].file_path, "lib/locks.py")) {
      assert_true(n < 8);
      moved[n] = ge[i];
      moved[n++].file_path = "lib/locks_x.py";
    }
  assert_int_equal(n, 2);
  pt__deps ch = {0};
  assert_int_equal(pt__resolver_set_file(rs, "lib/locks.py", PT_LANG_PYTHON,
                                         NULL, 0, 1, &ch), 0);
  assert_int_equal(pt__resolver_set_file(rs, "lib/locks_x.py", PT_LANG_PYTHON,
                                         moved, n, 0, &ch), 0);
  assert_int_equal(pt__resolver_flush_attrs(rs, &ch), 0);
  assert_int_equal(pt__deps_seal(&ch), 0);
  assert_false(pt__resolver_reads(rs, "app/unknown.py", 0, &ch));
  assert_false(pt__resolver_reads(rs, "app/made.py", 0, &ch));
  assert_true(pt__resolver_reads(rs, "app/qual.py", 0, &ch));
  /* self.clear() of a type that has none, or its own: what the type's
   * members named clear are (members_of), not the chain (the member tag);
   * of a type whose base moved, or a receiver of the moved type, it is */
  assert_false(pt__resolver_reads(rs, "app/own.py", 0, &ch));
  assert_false(pt__resolver_reads(rs, "app/has.py", 0, &ch));
  assert_true(pt__resolver_reads(rs, "app/sub.py", 0, &ch));
  assert_true(pt__resolver_reads(rs, "app/typed.py", 0, &ch));
  pt__deps_fini(&ch);
  tree_fini(&t);

  /* the live index: renamed there and back, then edited */
  tree_index(&t, "patch_attrs_live", fs, 1);
  static const char *const moves[][2] = {{"lib/locks.py", "lib/locks_x.py"},
                                         {"lib/locks_x.py", "lib/locks.py"}};
  /* then clear is taken away; then a clear of Own and Has comes in
   * another file (Python reads a class's own file's: no edge), and goes */
  static const char *const edits[] = {
    "class Event:\n    def wipe(self):\n        return 1\n",
    "class Own:\n    def clear(self):\n        return 1\n"
    "class Has:\n    def clear(self):\n        return 1\n",
    "class Event:\n    def clear(self):\n        return 1\n"};
  for (int m = 0; m < 5; m++) {
    if (m < 2) {
      tree_rename(&t, moves[m][0], moves[m][1], locks);
    } else {
      pt_test_write(t.root, "lib/locks.py", edits[m - 2]);
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/locks.py"), 0);
    }
    tree_step_fresh(&t);
  }
  tree_fini(&t);
}

/* A Go method of T written in another file than T comes, moves and goes:
 * t.Size() of a receiver of type T reads T's members named Size (the
 * member tag), which each of those marks; the patched graph equals a
 * fresh index every time (it does not with the member tag left unmarked
 * at a definition's coming or going). */
static void ingest_patch__a_types_member_elsewhere_marks_its_callers(
    void **state)
{
  static const char *const files[] = {
    "pkg/t.go", "package pkg\n\ntype T struct{}\n\ntype U struct{}\n",
    "pkg/u.go", "package pkg\n\nfunc (u U) Size() int { return 2 }\n",
    "pkg/use.go", "package pkg\n\nfunc (t T) Run() int { return t.Size() }\n",
    NULL};
  static const char *const size_go =
      "package pkg\n\nfunc (t T) Size() int { return 1 }\n";
  tree t;
  tree_index(&t, "patch_members", files, 1);
  for (int m = 0; m < 4; m++) {
    if (m == 0) {
      pt_test_write(t.root, "pkg/size.go", size_go);
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "pkg/size.go"), 0);
    } else if (m == 1) {
      tree_rename(&t, "pkg/size.go", "pkg/size_x.go", size_go);
    } else if (m == 2) {
      pt_test_write(t.root, "pkg/size_x.go", "package pkg\n");
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "pkg/size_x.go"), 0);
    } else {
      remove_file(t.root, "pkg/size_x.go");
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "pkg/size_x.go"), 0);
    }
    tree_step_fresh(&t);
  }
  tree_fini(&t);
}

/* The readers the index finds equal those a search of every file's
 * records finds, and it holds a posting of every hash each file still
 * holds, through renames, edits, files coming and going (the index keeps
 * stale postings and is made again once they outnumber the live ones):
 * checked for each file's whole records as the change, each of its
 * hashes alone, and hashes no file holds. */
static void assert_readers_as_scanned(pt_resolver *rs)
{
  size_t n_files = pt__resolver_n_files(rs);
  unsigned char *a = pt_calloc(n_files + 1, 1), *b = pt_calloc(n_files + 1, 1);
  assert_non_null(a);
  assert_non_null(b);
  for (int bases = 0; bases < 2; bases++) {
    size_t n_post, n_live, want = 0, n_read = 0;
    pt__readers_count(rs, bases, &n_post, &n_live);
    for (size_t f = 0; f < n_files; f++)
      if (pt__resolver_file_path(rs, f))
        want += pt__resolver_file_deps(rs, f, bases)->n;
    assert_int_equal(n_live, want);
    assert_true(n_post >= n_live && n_post - n_live <= n_live);
    for (size_t f = 0; f < n_files; f++) {
      const pt__deps *d = pt__resolver_file_deps(rs, f, bases);
      pt__deps ch = {0};
      for (size_t i = 0; i <= d->n; i++) {
        assert_int_equal(pt__deps_add(&ch, i < d->n ? d->v[i] : 0x5eedull + f),
                         0);
        assert_int_equal(pt__deps_seal(&ch), 0);
        pt__deps one = {0};
        assert_int_equal(pt__deps_add(&one, ch.v[ch.n - 1 < i ? ch.n - 1 : i]),
                         0);
        assert_int_equal(pt__resolver_readers(rs, bases, &one, a), 0);
        assert_int_equal(pt__resolver_readers_scan(rs, bases, &one, b), 0);
        assert_memory_equal(a, b, n_files + 1);
        pt__deps_fini(&one);
      }
      assert_int_equal(pt__resolver_readers(rs, bases, &ch, a), 0);
      assert_int_equal(pt__resolver_readers_scan(rs, bases, &ch, b), 0);
      assert_memory_equal(a, b, n_files + 1);
      n_read += d->n > 0;
      pt__deps_fini(&ch);
    }
    if (!bases)
      assert_true(n_read > 4);
  }
  pt_free(a);
  pt_free(b);
}

static void ingest_patch__readers_by_index_equal_a_scan(void **state)
{
  static const char *const lib_py =
      "class Base:\n    def read(self):\n        return 1\n"
      "class Reader(Base):\n    def read(self):\n        return 2\n";
  static const char *const files[] = {
    "a/util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "b/util.c", "int helper(void)\n{\n  return 2;\n}\nint twice(void)\n{\n  return 2;\n}\n",
    "b/main.c", "int run(void)\n{\n  return helper() + twice();\n}\n",
    "c/keep.c", "int keep(void)\n{\n  return helper() + nowhere();\n}\n",
    "p/lib.py", NULL,
    "p/use.py", "from lib import Reader\n\ndef go(r):\n    return Reader().read() + r.read()\n",
    "q/other.py", "class Other(Base):\n    def read(self):\n        return open()\n",
    "a/keep.c", "int keep_a(void)\n{\n  return 0;\n}\n", /* a/ stays */
    NULL};
  const char *fs[sizeof files / sizeof files[0]];
  memcpy(fs, files, sizeof files);
  fs[9] = lib_py;
  tree t;
  tree_index(&t, "patch_readers_index", fs, 1);
  assert_readers_as_scanned(pt__cache_resolver(t.c));
  for (int round = 0; round < 6; round++) {
    switch (round % 3) {
    case 0:
      tree_rename(&t, "p/lib.py", "q/lib.py", lib_py);
      tree_rename(&t, "a/util.c", "c/util.c", "int helper(void)\n{\n  return 1;\n}\n");
      break;
    case 1:
      tree_rename(&t, "q/lib.py", "p/lib.py", lib_py);
      pt_test_write(t.root, "b/main.c",
                    "int run(void)\n{\n  return twice() + keep();\n}\n"
                    "int helper2(void)\n{\n  return 0;\n}\n");
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "b/main.c"), 0);
      pt_test_write(t.root, "c/new.c", "int nowhere(void)\n{\n  return helper2();\n}\n");
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "c/new.c"), 0);
      break;
    default:
      tree_rename(&t, "c/util.c", "a/util.c", "int helper(void)\n{\n  return 1;\n}\n");
      remove_file(t.root, "c/new.c");
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "c/new.c"), 0);
      pt_test_write(t.root, "b/main.c", files[5]);
      assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "b/main.c"), 0);
      break;
    }
    pt_graph *next = tree_patch(&t);
    assert_equals_fresh(t.root, next);
    pt_graph_free(t.g);
    t.g = next;
    assert_readers_as_scanned(pt__cache_resolver(t.c));
  }
  tree_fini(&t);
}

/* The cache's entries in path order (pt__cache_splice keeps them so, and
 * the patch's searches of them rely on it). */
static void assert_cache_sorted(const pt_ingest_cache *c)
{
  size_t n;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  for (size_t i = 1; i < n; i++)
    assert_true(strcmp(e[i - 1].path, e[i].path) < 0);
}

/* A rename to a path whose place is found by search (before every other,
 * after every other, amid a folder whose files sort around a subfolder's,
 * into a subfolder) joins the file records and the cache where it sorts;
 * a new file is taken by the patch when its folder has a file of its own
 * in the index, and left to a full run when only its subfolders have
 * (zz/ holds zz/deep/ alone). Each patch equals a fresh index and its
 * query graph follows. */
static void ingest_patch__renames_to_every_place_equal_fresh(void **state)
{
  (void)state;
  const char *const files[] = {
      "pkg/b.py", "from pkg.sub.x import helper\n\ndef b():\n    return helper()\n",
      "pkg/sub/x.py", "def helper():\n    return 1\n",
      "pkg/t.py", "from pkg.b import b\n\ndef t():\n    return b()\n",
      "m.c", "int helper(void);\nint main(void)int main(void)\n{\n  return helper();\n}\n",
      "u.c", util_c,
      "zz/deep/only.c", "int only(void)\n{\n  return helper();\n}\n",
      NULL};
  tree t;
  tree_index(&t, "patch_places", files, 1);
  const char *moves[][2] = {
      {"pkg/b.py", "pkg/u.py"},      /* after pkg/sub/ and pkg/t.py */
      {"pkg/u.py", "pkg/0.py"},      /* first of pkg/ */
      {"pkg/0.py", "pkg/sub/a.py"},  /* into the subfolder */
      {"pkg/sub/a.py", "pkg/b.py"},
      {"u.c", "0.c"},                /* first of all */
      {"0.c", "zzz.c"},              /* last of all */
      {"zzz.c", "zz/deep/v.c"},      /* beside zz/'s only file */
      {"zz/deep/v.c", "u.c"}};
  for (size_t m = 0; m < sizeof moves / sizeof *moves; m++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", t.root, moves[m][0]);
    char *text = pt_test_read(path);
    tree_rename(&t, moves[m][0], moves[m][1], text);
    pt_free(text);
    pt_graph *next = tree_patch(&t);
    assert_equals_fresh(t.root, next);
    assert_qgraph_follows(t.g, next);
    assert_cache_sorted(t.c);
    pt_graph_drop_lineage(next);
    pt_graph_free(t.g);
    t.g = next;
  }
  /* a new file of zz/ itself, which holds only a folder: the walk
   * walked zz/, so the patch takes it */
  pt_test_write(t.root, "zz/new.c", util_c);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "zz/new.c"), 0);
  tree_step_fresh(&t);
  tree_fini(&t);
}

/* The patch must leave the paths to a full run: PT_EAGAIN, and the full
 * run (with the cache, as the live index's) becomes the tree's graph. */
static void tree_full_run(tree *t)
{
  pt_ingest_stats st;
  pt_graph *next = NULL;
  assert_int_equal(pt_ingest_patch(&t->o, t->g, &next, &st), PT_EAGAIN);
  pt_ingest_stats_fini(&st);
  assert_null(next);
  pt_error_clear();
  assert_int_equal(pt_ingest(&t->o, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_equals_fresh(t->root, next);
  pt_graph_free(t->g);
  t->g = next;
}

/* A folder new to the index (a new package, a checkout that adds one)
 * is patched in: its files, of any language, in nested folders too, are
 * found whichever of its paths the watcher names (the folder alone when
 * it was moved in, or one file deep down), and the graph equals a fresh
 * index. A file of zz/ naming a function of the new folder resolves to
 * it. */
static void ingest_patch__a_new_folder_s_files_are_patched_in(void **state)
{
  (void)state;
  const char *const files[] = {
      "lib/a.py", "from lib.pkg.m import f\n\ndef a():\n    return f()\n",
      "lib/b.c", "int g(void);\nint b(void)\n{\n  return g();\n}\n",
      NULL};
  tree t;
  tree_index(&t, "patch_newdir", files, 1);
  pt_test_write(t.root, "lib/pkg/m.py", "def f():\n    return 1\n");
  pt_test_write(t.root, "lib/pkg/g.c", "int g(void)\n{\n  return 2;\n}\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg"), 0);
  tree_step_fresh(&t);
  char *d = dump(t.g);
  assert_non_null(strstr(d, "lib/pkg/m.py"));
  assert_non_null(strstr(d, "lib/pkg/g.c"));
  pt_free(d);
  /* nested new folders, named by a file deep down; an empty one too */
  pt_test_write(t.root, "lib/n1/n2/n3/deep.py", "def deep():\n    return 3\n");
  pt_test_write(t.root, "lib/n1/top.go", "package n1\n\nfunc Top() int {\n\treturn 4\n}\n");
  pt_test_write(t.root, "lib/n1/n2/mid.c", "int mid(void)\n{\n  return g();\n}\n");
  char empty[1024];
  snprintf(empty, sizeof empty, "%s/lib/n1/empty", t.root);
  assert_int_equal(pt_fs_mkdir_p(empty), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/n1/n2/n3/deep.py"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/n1/n2"), 0);
  tree_step_fresh(&t);
  d = dump(t.g);
  assert_non_null(strstr(d, "lib/n1/top.go"));
  assert_non_null(strstr(d, "lib/n1/n2/mid.c"));
  assert_non_null(strstr(d, "lib/n1/n2/n3/deep.py"));
  pt_free(d);
  /* a new folder at the root, and one removed again before the patch */
  pt_test_write(t.root, "zz/z.c", "int z(void)\n{\n  return mid() + b();\n}\n");
  pt_test_write(t.root, "gone/x.c", "int x(void);\n");
  char gone[1024];
  snprintf(gone, sizeof gone, "%s/gone", t.root);
  assert_int_equal(pt_fs_remove_tree(gone), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "zz"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "zz/z.c"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "gone"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "gone/x.c"), 0);
  tree_step_fresh(&t);
  tree_fini(&t);
}

/* A new Go package: main.go imports x/newpkg before it exists; the new
 * folder's file resolves the import and the call as a fresh index does. */
static void ingest_patch__a_new_go_package_folder_resolves_its_importer(
    void **state)
{
  (void)state;
  const char *const files[] = {
      "x/util/u.go", "package util\n\nfunc Helper() int {\n\treturn 1\n}\n",
      "main/m.go",
      "package main\n\nimport (\n\t\"x/newpkg\"\n\t\"x/util\"\n)\n\n"
      "func main() {\n\tutil.Helper()\n\tnewpkg.Hello()\n}\n",
      NULL};
  tree t;
  tree_index(&t, "patch_newgo", files, 2);
  char *before = dump(t.g);
  pt_test_write(t.root, "x/newpkg/n.go",
                "package newpkg\n\nfunc Hello() int {\n\treturn 2\n}\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "x/newpkg"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "x/newpkg/n.go"), 0);
  tree_step_fresh(&t);
  char *after = dump(t.g);
  assert_string_not_equal(before, after);
  assert_non_null(strstr(after, "x/newpkg/n.go"));
  pt_free(before);
  pt_free(after);
  tree_fini(&t);
}

/* What a fresh walk would list as ignored in a new folder, or not walk,
 * is patched in, the ignored list as a fresh walk has it: an ignore file
 * there (and the file it ignores), a folder named like a default
 * exclude, a file of no language, a nested repository, a folder or a
 * file the rules of the folders above ignore. The root named is a full
 * run's. A new folder of source files after them is patched again. */
static void ingest_patch__a_new_folder_the_walk_lists_is_patched_in(
    void **state)
{
  (void)state;
  const char *const files[] = {
      ".gitignore", "gen/\n*_gen.py\n",
      "lib/a.py", "def a():\n    return 1\n",
      NULL};
  tree t;
  tree_index(&t, "patch_newdir_full", files, 1);
  static const char *const cases[][5] = {
      {"lib/ig", "lib/ig/.gitignore", "skip.py\n", "lib/ig/skip.py", "lib/ig/keep.py"},
      {"lib/node_modules/x.js", "lib/node_modules/x.js", "function x() {}\n", NULL, NULL},
      {"lib/docs", "lib/docs/README.md", "# docs\n", "lib/docs/x.py", NULL},
      {"lib/repo", "lib/repo/.git/HEAD", "ref: refs/heads/main\n", "lib/repo/x.py", NULL},
      {"lib/gen", "lib/gen/x.py", "def x():\n    return 2\n", NULL, NULL},
      {"lib/new2", "lib/new2/x_gen.py", "def y():\n    return 3\n", "lib/new2/ok.py", NULL},
      {"lib/deep/gen", "lib/deep/gen/y.py", "def z():\n    return 4\n", NULL, NULL},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    pt_test_write(t.root, cases[k][1], cases[k][2]);
    for (int j = 3; j < 5; j++)
      if (cases[k][j])
        pt_test_write(t.root, cases[k][j], "def other():\n    return 5\n");
    assert_int_equal(pt_ingest_cache_mark_dirty(t.c, cases[k][0]), 0);
    tree_step_fresh(&t);
  }
  /* the root itself named (its files are every file's): a full run */
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, ""), 0);
  tree_full_run(&t);
  pt_test_write(t.root, "lib/fine/ok.py", "def fine():\n    return a()\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/fine"), 0);
  tree_step_fresh(&t);
  tree_fini(&t);
}

/* A folder removed, or replaced: its files leave the index, or are
 * taken again, as a fresh index has them, whether the watcher names the
 * folder alone or its files too. A folder that held a file the walk
 * listed as ignored leaves the list too. */
static void ingest_patch__a_removed_folder_equals_fresh(void **state)
{
  (void)state;
  const char *const files[] = {
      "lib/a.py", "from lib.pkg.m import f\n\ndef a():\n    return f()\n",
      "lib/pkg/m.py", "def f():\n    return 1\n",
      "lib/pkg/sub/g.c", "int g(void)\n{\n  return 2;\n}\n",
      "main.c", "int g(void);\nint main(void)\n{\n  return g();\n}\n",
      NULL};
  tree t;
  tree_index(&t, "patch_rmdir", files, 1);
  char gone[1024];
  snprintf(gone, sizeof gone, "%s/lib/pkg", t.root);
  assert_int_equal(pt_fs_remove_tree(gone), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg"), 0);
  tree_step_fresh(&t);
  /* back, then replaced: one file edited, one gone, one new; the
   * folder's event alone */
  for (size_t i = 2; i < 6; i += 2)
    pt_test_write(t.root, files[i], files[i + 1]);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg/sub/g.c"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg/m.py"), 0);
  tree_step_fresh(&t);
  assert_int_equal(pt_fs_remove_tree(gone), 0);
  pt_test_write(t.root, "lib/pkg/m.py", "def f():\n    return 10\n\ndef f2():\n    return 2\n");
  pt_test_write(t.root, "lib/pkg/new/h.c", "int h(void)\n{\n  return g();\n}\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg"), 0);
  tree_step_fresh(&t);
  /* its event again, once its files are in: nothing to change */
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg/new"), 0);
  pt_ingest_stats st;
  pt_graph *next = NULL;
  assert_int_equal(pt_ingest_patch(&t.o, t.g, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_null(next);
  /* a folder with a file of no language: removed with its entry */
  pt_test_write(t.root, "lib/pkg/README.md", "# pkg\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg/README.md"), 0);
  tree_step_fresh(&t);
  assert_int_equal(pt_fs_remove_tree(gone), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/pkg"), 0);
  tree_step_fresh(&t);
  tree_fini(&t);
}

/* A new folder's file named first (the watcher's close of the file comes
 * before the folder's event has settled): patched in; the folder's own
 * event then changes nothing, and is no full run. */
static void ingest_patch__a_new_folder_s_event_after_its_file_changes_nothing(
    void **state)
{
  (void)state;
  const char *const files[] = {"lib/a.py", "def a():\n    return 1\n", NULL};
  tree t;
  tree_index(&t, "patch_newdir_late", files, 1);
  pt_test_write(t.root, "lib/newpkg/m.py", "def m():\n    return a()\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/newpkg/m.py"), 0);
  tree_step_fresh(&t);
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "lib/newpkg"), 0);
  pt_ingest_stats st;
  pt_graph *next = NULL;
  assert_int_equal(pt_ingest_patch(&t.o, t.g, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_null(next);
  assert_equals_fresh(t.root, t.g);
  tree_fini(&t);
}

/* Patches the marked paths, which change nothing the index has: no full
 * run, no new graph, and the graph still equals a fresh index. */
static void tree_step_nothing(tree *t)
{
  pt_ingest_stats st;
  pt_graph *next = NULL;
  assert_int_equal(pt_ingest_patch(&t->o, t->g, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_null(next);
  assert_equals_fresh(t->root, t->g);
}

static void tree_mark(tree *t, const char *path)
{
  assert_int_equal(pt_ingest_cache_mark_dirty(t->c, path), 0);
}

static void assert_lists(const pt_graph *g, const char *line, int listed)
{
  char *d = dump(g);
  if (listed)
    assert_non_null(strstr(d, line));
  else
    assert_null(strstr(d, line));
  pt_free(d);
}

/* The ignored list is patched as a fresh walk lists it, with no full run
 * and no file extracted for it: a new file of no language, an editor's
 * swap file written, written again and gone, a file an existing
 * .gitignore names, a new build/ folder with files (a file added in it
 * changes nothing; removed), a new node_modules/ named by a file deep in
 * it, then removed, a new symbolic link, then a regular file in its
 * place, an ignored file removed, a folder made a nested repository and
 * back, a new folder with an ignore file of its own named with its
 * files. An edit of an ignore file the walk read stays a full run's. */
static void ingest_patch__the_ignored_list_is_patched_as_a_fresh_walk_lists_it(
    void **state)
{
  (void)state;
  const char *const files[] = {
      ".gitignore", "*.log\n",
      "lib/a.c", "int a(void)\n{\n  return 1;\n}\n",
      "lib/README.md", "# lib\n",
      "lib/sub/s.c", "int s(void)\n{\n  return a();\n}\n",
      "main.py", "def main():\n    return 0\n",
      NULL};
  tree t;
  tree_index(&t, "patch_ignlist", files, 1);
  char path[1024];
  pt_test_write(t.root, "lib/notes.txt", "notes\n");
  tree_mark(&t, "lib/notes.txt");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/notes.txt\tno_parser\n", 1);
  /* vim's swap file: made, written again, gone */
  pt_test_write(t.root, "lib/.a.c.swp", "b0VIM\n");
  tree_mark(&t, "lib/.a.c.swp");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/.a.c.swp\tno_parser\n", 1);
  pt_test_write(t.root, "lib/.a.c.swp", "b0VIM 2\n");
  tree_mark(&t, "lib/.a.c.swp");
  tree_step_nothing(&t);
  remove_file(t.root, "lib/.a.c.swp");
  tree_mark(&t, "lib/.a.c.swp");
  tree_step_fresh(&t);
  assert_lists(t.g, "\tlib/.a.c.swp", 0);
  pt_test_write(t.root, "lib/run.log", "log\n");
  tree_mark(&t, "lib/run.log");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/run.log\tgitignore\n", 1);
  /* build/: the folder and one of its files named */
  pt_test_write(t.root, "build/x.c", "int x(void)\n{\n  return 0;\n}\n");
  pt_test_write(t.root, "build/deep/y.c", "int y(void)\n{\n  return 0;\n}\n");
  tree_mark(&t, "build");
  tree_mark(&t, "build/x.c");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tbuild/\tdefault_exclude\n", 1);
  pt_test_write(t.root, "build/z.c", "int z(void)\n{\n  return 0;\n}\n");
  tree_mark(&t, "build/z.c");
  tree_step_nothing(&t);
  snprintf(path, sizeof path, "%s/build", t.root);
  assert_int_equal(pt_fs_remove_tree(path), 0);
  tree_mark(&t, "build");
  tree_step_fresh(&t);
  assert_lists(t.g, "\tbuild/", 0);
  /* node_modules/, named by a file deep in it, then removed */
  pt_test_write(t.root, "lib/node_modules/pkg/i.js", "function i() {}\n");
  tree_mark(&t, "lib/node_modules/pkg/i.js");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/node_modules/\tdefault_exclude\n", 1);
  snprintf(path, sizeof path, "%s/lib/node_modules", t.root);
  assert_int_equal(pt_fs_remove_tree(path), 0);
  tree_mark(&t, "lib/node_modules");
  tree_step_fresh(&t);
  assert_lists(t.g, "\tlib/node_modules", 0);
#ifndef _WIN32
  /* a link, then a regular file in its place */
  char target[1024];
  snprintf(path, sizeof path, "%s/lib/link.c", t.root);
  snprintf(target, sizeof target, "%s/lib/a.c", t.root);
  assert_int_equal(symlink(target, path), 0);
  tree_mark(&t, "lib/link.c");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/link.c\tsymlink\n", 1);
  remove_file(t.root, "lib/link.c");
  pt_test_write(t.root, "lib/link.c", "int l(void)\n{\n  return a();\n}\n");
  tree_mark(&t, "lib/link.c");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/link.c\t", 0);
  assert_lists(t.g, "lib/link.c", 1);
#endif
  /* an ignored file removed */
  remove_file(t.root, "lib/README.md");
  tree_mark(&t, "lib/README.md");
  tree_step_fresh(&t);
  assert_lists(t.g, "\tlib/README", 0);
  /* lib/sub made a nested repository: its files leave; then back */
  pt_test_write(t.root, "lib/sub/.git/HEAD", "ref: refs/heads/main\n");
  tree_mark(&t, "lib/sub/.git");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/sub/\tnested_repo\n", 1);
  assert_lists(t.g, "lib/sub/s.c", 0);
  snprintf(path, sizeof path, "%s/lib/sub/.git", t.root);
  assert_int_equal(pt_fs_remove_tree(path), 0);
  tree_mark(&t, "lib/sub/.git");
  tree_step_fresh(&t);
  assert_lists(t.g, "nested_repo", 0);
  assert_lists(t.g, "lib/sub/s.c", 1);
  /* a new folder with an ignore file of its own, named with its files */
  pt_test_write(t.root, "lib/ig/.gitignore", "skip.c\n");
  pt_test_write(t.root, "lib/ig/skip.c", "int skip(void)\n{\n  return 0;\n}\n");
  pt_test_write(t.root, "lib/ig/keep.c", "int keep(void)\n{\n  return skip();\n}\n");
  tree_mark(&t, "lib/ig/.gitignore");
  tree_mark(&t, "lib/ig/skip.c");
  tree_mark(&t, "lib/ig/keep.c");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/ig/skip.c\tgitignore\n", 1);
  /* an ignore file the walk read, edited: its folder walked again, one
   * file leaves the index and the other comes back */
  pt_test_write(t.root, "lib/ig/.gitignore", "keep.c\n");
  tree_mark(&t, "lib/ig/.gitignore");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/ig/keep.c\tgitignore\n", 1);
  assert_lists(t.g, "ignored\tlib/ig/skip.c\t", 0);
  assert_lists(t.g, "lib/ig/skip.c", 1);
  /* an ignore file made in a walked folder that holds folders, then
   * removed: its rules reach below it, and leave with it */
  pt_test_write(t.root, "lib/.parseltongueignore", "s.c\n*.log\n");
  tree_mark(&t, "lib/.parseltongueignore");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/sub/s.c\tparseltongueignore\n", 1);
  remove_file(t.root, "lib/.parseltongueignore");
  tree_mark(&t, "lib/.parseltongueignore");
  tree_step_fresh(&t);
  assert_lists(t.g, "ignored\tlib/sub/s.c\t", 0);
  assert_lists(t.g, "lib/sub/s.c", 1);
  /* the root's ignore file: every file's rules, a full run */
  pt_test_write(t.root, ".gitignore", "*.log\nlib/a.c\n");
  tree_mark(&t, ".gitignore");
  tree_full_run(&t);
  assert_lists(t.g, "ignored\tlib/a.c\tgitignore\n", 1);
  tree_fini(&t);
}

/* A file extracted ahead of its patch (the live index does it while the
 * path settles) is taken by the patch instead of extracted again when its
 * bytes are the ones extracted: a rename there and back equals a fresh
 * index. Written again after it was extracted ahead, the patch extracts
 * the new bytes (taking the result ahead would give the old ones'
 * entities: not a fresh index's). A path the patch does not re-extract
 * leaves its result unused. */
static void ingest_patch__a_file_extracted_ahead_is_taken_when_unchanged(
    void **state)
{
  static const char *const files[] = {
    "util.c", "int helper(void)\n{\n  return 1;\n}\n",
    "main.c", "int run(void)\n{\n  return helper();\n}\n",
    "other.c", "int other(void)\n{\n  return helper() + run();\n}\n",
    NULL};
  tree t;
  tree_index(&t, "patch_ahead", files, 2);
  size_t taken = pt_ingest_cache_ahead_taken(t.c);
  tree_rename(&t, "util.c", "v.c", files[1]);
  assert_int_equal(pt_ingest_extract_ahead(&t.o, t.c, "v.c"), 0);
  tree_step_fresh(&t);
  assert_int_equal(pt_ingest_cache_ahead_taken(t.c), taken + 1);
  /* extracted ahead, then written again before the patch */
  tree_rename(&t, "v.c", "util.c", files[1]);
  assert_int_equal(pt_ingest_extract_ahead(&t.o, t.c, "util.c"), 0);
  pt_test_write(t.root, "util.c",
                "int helper(void)\n{\n  return 1;\n}\nint more(void)\n{\n  return 2;\n}\n");
  tree_step_fresh(&t);
  assert_int_equal(pt_ingest_cache_ahead_taken(t.c), taken + 1);
  /* extracted ahead but not marked: nothing taken, nothing changed */
  assert_int_equal(pt_ingest_extract_ahead(&t.o, t.c, "other.c"), 0);
  assert_int_equal(pt_ingest_extract_ahead(&t.o, t.c, "no/such.c"), 0);
  pt_test_write(t.root, "main.c", "int run(void)\n{\n  return helper() + 1;\n}\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(t.c, "main.c"), 0);
  tree_step_fresh(&t);
  assert_int_equal(pt_ingest_cache_ahead_taken(t.c), taken + 1);
  tree_fini(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ingest_patch__a_module_s_new_file_joins_its_kept_marks),
    cmocka_unit_test(ingest_patch__a_name_of_another_language_marks_no_reader),
    cmocka_unit_test(ingest_patch__a_name_leaving_every_family_marks_its_readers),
    cmocka_unit_test(ingest_patch__a_file_resolved_again_to_its_edges_keeps_them),
    cmocka_unit_test(ingest_patch__many_files_resolved_again_on_threads_equal_fresh),
    cmocka_unit_test(ingest_patch__a_few_files_resolved_again_on_threads_equal_fresh),
    cmocka_unit_test(ingest_patch__a_heavy_reader_splits_the_diffs_equal_fresh),
    cmocka_unit_test(ingest_patch__out_of_memory_in_a_rename_is_returned),
    cmocka_unit_test(ingest_patch__a_rename_takes_in_only_the_edges_that_changed),
    cmocka_unit_test(ingest_patch__a_readers_repeated_calls_keep_their_first_line),
    cmocka_unit_test(ingest_patch__readers_by_index_equal_a_scan),
    cmocka_unit_test(ingest_patch__a_rename_marks_no_reader_of_attrs_alone),
    cmocka_unit_test(ingest_patch__a_types_member_elsewhere_marks_its_callers),
    cmocka_unit_test(ingest_patch__renames_to_every_place_equal_fresh),
    cmocka_unit_test(ingest_patch__a_file_extracted_ahead_is_taken_when_unchanged),
    cmocka_unit_test(ingest_patch__a_new_folder_s_files_are_patched_in),
    cmocka_unit_test(ingest_patch__a_new_go_package_folder_resolves_its_importer),
    cmocka_unit_test(ingest_patch__a_new_folder_the_walk_lists_is_patched_in),
    cmocka_unit_test(ingest_patch__a_removed_folder_equals_fresh),
    cmocka_unit_test(ingest_patch__a_new_folder_s_event_after_its_file_changes_nothing),
    cmocka_unit_test(ingest_patch__the_ignored_list_is_patched_as_a_fresh_walk_lists_it),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
