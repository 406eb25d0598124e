/* The live index (pt/live.h) without a server: after any sequence of
 * edits, reindexing the touched paths gives exactly the graph a fresh pt01
 * run gives (the property test); what one reindex reports for its file;
 * write-through into RocksDB and SQLite; the ingest cache reusing results;
 * and the watcher driving updates by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/live.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "reuse_support.h"
#include "test_support.h"

static char *dump(const pt_graph *g)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(g, &b), 0);
  return pt_buf_detach(&b);
}

static char *fresh_dump(const char *root)
{
  pt_ingest_opts o = {root, 2, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  char *d = dump(g);
  pt_graph_free(g);
  return d;
}

static void assert_same(const char *live, const char *fresh, const char *what)
{
  if (strcmp(live, fresh) != 0) {
    /* the first differing line, to see what went wrong */
    size_t i = 0;
    while (live[i] && live[i] == fresh[i])
      i++;
    while (i > 0 && live[i - 1] != '\n')
      i--;
    print_error("%s: live and fresh differ at\n live:  %.200s\n fresh: %.200s\n",
                what, live + i, fresh + i);
    fail();
  }
}

static pt_live *live_on(const char *root, pt_store *store)
{
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.n_threads = 2;
  o.store = store;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  const pt_graph *g = NULL;
  pt_ingest_stats st;
  assert_int_equal(pt_live_index(lv, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_ptr_equal(g, pt_live_graph(lv));
  pt_live_delta d;
  assert_int_equal(pt_live_reindex(lv, "x", &d), PT_EBUSY); /* not started */
  pt_error_clear();
  assert_int_equal(pt_live_start(lv, 0), 0); /* no watcher: reindex drives it */
  return lv;
}

static void reindex(pt_live *lv, const char *rel)
{
  pt_live_delta d;
  assert_int_equal(pt_live_reindex(lv, rel, &d), 0);
}

/* ---- the property test --------------------------------------------------- */

/* A small deterministic generator (xorshift64*), so a failure replays. */
static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static const char *const names[] = {"alpha", "beta", "gamma", "delta", "eps",
                                    "zeta", "eta", "theta"};
#define N_NAMES (sizeof names / sizeof names[0])
static const char *const dirs[] = {"src", "src/core", "lib", "pkg/deep"};
static const char *const exts[] = {"c", "h", "py", "go", "rs", "js"};

/* A file of a few definitions calling each other (and names defined in
 * other files, so cross-file resolution changes with every edit). With
 * `keep`, the definitions are those of keep (their names, in order) and
 * only the bodies and blank lines change: the patch shortcut's case. */
static void write_source_as(const char *root, const char *rel, const char *ext,
                            char keep[8])
{
  char text[2048] = "";
  int fixed = keep[0] != '\0';
  size_t n = fixed ? strlen(keep) : 1 + rnd(4), len = 0;
  for (size_t i = 0; i < n; i++) {
    size_t fi = fixed ? (size_t)(keep[i] - '0') : rnd(N_NAMES);
    if (!fixed) {
      keep[i] = (char)('0' + fi);
      keep[i + 1] = '\0';
    }
    const char *f = names[fi], *g = names[rnd(N_NAMES)];
    if (rnd(3) == 0)
      len += (size_t)snprintf(text + len, sizeof text - len, "\n");
    int w;
    if (!strcmp(ext, "py"))
      w = snprintf(text + len, sizeof text - len, "def %s():\n    return %s()\n\n", f, g);
    else if (!strcmp(ext, "go"))
      w = snprintf(text + len, sizeof text - len, "func %s() int { return %s() }\n", f, g);
    else if (!strcmp(ext, "rs"))
      w = snprintf(text + len, sizeof text - len, "fn %s() -> i32 { %s() }\n", f, g);
    else if (!strcmp(ext, "js"))
      w = snprintf(text + len, sizeof text - len, "function %s() { return %s(); }\n", f, g);
    else
      w = snprintf(text + len, sizeof text - len, "static int %s(void) { return %s(); }\n",
                   f, g);
    len += (size_t)w;
  }
  if (!strcmp(ext, "go"))
    memmove(text + 13, text, len + 1), memcpy(text, "package main\n", 13);
  pt_test_write(root, rel, text);
}

typedef struct tree {
  char files[64][64];
  char defs[64][8];   /* by file: its definitions' name indexes, in order */
  size_t n;
  unsigned body_edits;
} tree;

static size_t find_file(const tree *t, const char *rel)
{
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->files[i], rel))
      return i;
  return (size_t)-1;
}

static void write_source(tree *t, const char *root, const char *rel)
{
  size_t i = find_file(t, rel);
  assert_true(i != (size_t)-1);
  t->defs[i][0] = '\0';
  write_source_as(root, rel, strrchr(rel, '.') + 1, t->defs[i]);
}

static void random_file(tree *t, char out[64])
{
  snprintf(out, 64, "%s/f%u.%s", dirs[rnd(4)], rnd(6), exts[rnd(6)]);
  if (find_file(t, out) != (size_t)-1)
    return;
  if (t->n < 64) {
    t->defs[t->n][0] = '\0';
    snprintf(t->files[t->n++], 64, "%s", out);
  } else {
    snprintf(out, 64, "%s", t->files[0]);
  }
}

static void forget(tree *t, size_t i)
{
  memmove(t->files[i], t->files[i + 1], (t->n - i - 1) * sizeof t->files[0]);
  memmove(t->defs[i], t->defs[i + 1], (t->n - i - 1) * sizeof t->defs[0]);
  t->n--;
}

/* One random edit; *touched gets the paths a watcher would report. */
static void random_edit(const char *root, tree *t, char touched[2][64])
{
  char full[512], to[512], rel[64];
  touched[0][0] = touched[1][0] = '\0';
  unsigned op = t->n ? rnd(9) : 0;
  if (op <= 1) { /* create, or overwrite */
    random_file(t, rel);
    write_source(t, root, rel);
    snprintf(touched[0], 64, "%s", rel);
  } else if (op == 2) { /* change a file in place */
    size_t i = rnd((unsigned)t->n);
    write_source(t, root, t->files[i]);
    snprintf(touched[0], 64, "%s", t->files[i]);
  } else if (op >= 6) { /* new bodies, same definitions */
    size_t i = rnd((unsigned)t->n);
    write_source_as(root, t->files[i], strrchr(t->files[i], '.') + 1, t->defs[i]);
    snprintf(touched[0], 64, "%s", t->files[i]);
    t->body_edits++;
  } else if (op == 3) { /* delete a file */
    size_t i = rnd((unsigned)t->n);
    snprintf(full, sizeof full, "%s/%s", root, t->files[i]);
    assert_int_equal(pt_fs_remove(full), 0);
    snprintf(touched[0], 64, "%s", t->files[i]);
    forget(t, i);
  } else if (op == 4) { /* rename a file (maybe to another language) */
    size_t i = rnd((unsigned)t->n);
    char old[64];
    snprintf(old, sizeof old, "%s", t->files[i]);
    forget(t, i);
    random_file(t, rel);
    snprintf(full, sizeof full, "%s/%s", root, old);
    snprintf(to, sizeof to, "%s/%s", root, rel);
    if (strcmp(old, rel) != 0) {
      pt_test_write(root, rel, "");
      /* not rename(): on Windows it fails when `to` exists */
      assert_int_equal(pt_fs_replace(full, to), 0);
    }
    /* the content moved: its definitions too, if the language stayed */
    size_t j = find_file(t, rel);
    if (j != (size_t)-1)
      t->defs[j][0] = '\0';
    if (j != (size_t)-1 && strcmp(strrchr(old, '.'), strrchr(rel, '.')) == 0)
      write_source(t, root, rel);
    snprintf(touched[0], 64, "%s", old);
    snprintf(touched[1], 64, "%s", rel);
  } else { /* delete a whole folder */
    const char *d = dirs[rnd(4)];
    snprintf(full, sizeof full, "%s/%s", root, d);
    assert_int_equal(pt_fs_remove_tree(full), 0);
    size_t dl = strlen(d);
    for (size_t i = t->n; i-- > 0;)
      if (!strncmp(t->files[i], d, dl) && t->files[i][dl] == '/')
        forget(t, i);
    snprintf(touched[0], 64, "%s", d);
  }
}

static void test_random_edits_equal_fresh_index(void **state)
{
  (void)state;
  for (uint64_t seed = 1; seed <= 3; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ull;
    char *root = pt_test_tmpdir("live_prop");
    static tree t;
    memset(&t, 0, sizeof t);
    char rel[64];
    for (int i = 0; i < 6; i++) {
      random_file(&t, rel);
      write_source(&t, root, rel);
    }
    pt_live *lv = live_on(root, NULL);
    for (int step = 0; step < 40; step++) {
      char touched[2][64];
      random_edit(root, &t, touched);
      for (int k = 0; k < 2; k++)
        if (touched[k][0])
          reindex(lv, touched[k]);
      char *live = dump(pt_live_graph(lv));
      char *fresh = fresh_dump(root);
      char what[64];
      snprintf(what, sizeof what, "seed %llu step %d", (unsigned long long)seed, step);
      assert_same(live, fresh, what);
      pt_free(live);
      pt_free(fresh);
    }
    pt_live_status ls;
    pt_live_get_status(lv, &ls);
    assert_true(t.body_edits > 0);
    assert_true(ls.patches > 0); /* the shortcut was taken, and checked */
    pt_live_free(lv);
    pt_free(root);
  }
}

/* The same property over the language fixtures (12 languages, real
 * cross-file references): files get blank lines (the shortcut), are cut
 * in half (definitions go, parse errors come), copied under a new name
 * (every definition doubled: resolution turns ambiguous elsewhere),
 * restored, renamed within their folder (and back) and deleted. */
typedef struct fixture_set {
  char rel[96][256];
  char *text[96];      /* original contents */
  size_t n;
} fixture_set;

static int collect_fixture(const char *name, pt_fs_type type, void *payload);

typedef struct collect_ctx {
  fixture_set *fs;
  const char *base;    /* absolute folder being listed */
  const char *rel;     /* its path below the fixtures, "" at the top */
} collect_ctx;

static int collect_fixture(const char *name, pt_fs_type type, void *payload)
{
  collect_ctx *cx = payload;
  char full[512], rel[256];
  snprintf(full, sizeof full, "%s/%s", cx->base, name);
  snprintf(rel, sizeof rel, "%s%s%s", cx->rel, *cx->rel ? "/" : "", name);
  if (type == PT_FS_DIR) {
    collect_ctx sub = {cx->fs, full, rel};
    assert_int_equal(pt_fs_list_dir(full, collect_fixture, &sub), 0);
  } else if (type == PT_FS_FILE && !strstr(name, ".expected") && cx->fs->n < 96) {
    snprintf(cx->fs->rel[cx->fs->n], sizeof cx->fs->rel[0], "%s", rel);
    cx->fs->text[cx->fs->n++] = pt_test_read(full);
  }
  return 0;
}

static int cmp_rel(const void *a, const void *b)
{
  return strcmp((const char *)a, (const char *)b);
}

static void test_fixture_edits_equal_fresh_index(void **state)
{
  (void)state;
  static fixture_set fs;
  memset(&fs, 0, sizeof fs);
  collect_ctx top = {&fs, PT_FIXTURES "/lang", ""};
  assert_int_equal(pt_fs_list_dir(top.base, collect_fixture, &top), 0);
  assert_true(fs.n > 20);
  /* listing order is the OS's: sort for a deterministic replay (texts
   * travel with their names) */
  for (size_t i = 0; i < fs.n; i++)
    for (size_t j = i + 1; j < fs.n; j++)
      if (cmp_rel(fs.rel[i], fs.rel[j]) > 0) {
        char tmp[256];
        char *t = fs.text[i];
        memcpy(tmp, fs.rel[i], sizeof tmp);
        memcpy(fs.rel[i], fs.rel[j], sizeof tmp);
        memcpy(fs.rel[j], tmp, sizeof tmp);
        fs.text[i] = fs.text[j];
        fs.text[j] = t;
      }
  char *root = pt_test_tmpdir("live_fixtures");
  for (size_t i = 0; i < fs.n; i++)
    pt_test_write(root, fs.rel[i], fs.text[i]);
  rng_state = 0x5eed5eedull;
  pt_live *lv = live_on(root, NULL);
  /* each fresh index compiles all twelve grammars' queries (~0.6 s) */
  int renames = 0;
  for (int step = 0; step < 24; step++) {
    size_t i = rnd((unsigned)fs.n);
    char full[512], other[256], touched[2][256] = {"", ""};
    snprintf(full, sizeof full, "%s/%s", root, fs.rel[i]);
    const char *dot = strrchr(fs.rel[i], '.');
    snprintf(other, sizeof other, "%.*s_copy%s", (int)(dot - fs.rel[i]), fs.rel[i], dot);
    pt_buf text = PT_BUF_INIT;
    char o[512];
    snprintf(o, sizeof o, "%s/%s", root, other);
    switch (rnd(8)) {
    case 6: /* renamed within its folder (to the copy's name), or back:
               its readers resolve again, most of their edges stay */
    case 7:
      renames++;
      if (pt_fs_stat_path(full, &(pt_fs_stat){0}) == 0)
        assert_int_equal(pt_fs_replace(full, o), 0);
      else if (pt_fs_stat_path(o, &(pt_fs_stat){0}) == 0)
        assert_int_equal(pt_fs_replace(o, full), 0);
      else
        pt_test_write(root, fs.rel[i], fs.text[i]);
      snprintf(touched[0], 256, "%s", fs.rel[i]);
      snprintf(touched[1], 256, "%s", other);
      break;
    case 0: /* blank lines: same definitions, moved */
    case 1:
      pt_buf_puts(&text, "\n\n");
      pt_buf_puts(&text, fs.text[i]);
      pt_test_write(root, fs.rel[i], text.ptr);
      snprintf(touched[0], 256, "%s", fs.rel[i]);
      break;
    case 2: /* cut in half */
      pt_buf_put(&text, fs.text[i], strlen(fs.text[i]) / 2);
      pt_test_write(root, fs.rel[i], text.ptr ? text.ptr : "");
      snprintf(touched[0], 256, "%s", fs.rel[i]);
      break;
    case 3: /* a copy beside it, or the copy goes again */
      if (pt_fs_stat_path(full, &(pt_fs_stat){0}) == 0)
        pt_test_write(root, other, fs.text[i]);
      else
        pt_fs_remove(o);
      snprintf(touched[0], 256, "%s", other);
      break;
    case 4: /* restored */
      pt_test_write(root, fs.rel[i], fs.text[i]);
      snprintf(touched[0], 256, "%s", fs.rel[i]);
      break;
    default: /* deleted */
      pt_fs_remove(full);
      snprintf(touched[0], 256, "%s", fs.rel[i]);
      break;
    }
    pt_buf_fini(&text);
    pt_error_clear();
    for (int k = 0; k < 2; k++)
      if (touched[k][0])
        reindex(lv, touched[k]);
    char *live = dump(pt_live_graph(lv));
    char *fresh = fresh_dump(root);
    char what[64];
    snprintf(what, sizeof what, "fixture step %d", step);
    assert_same(live, fresh, what);
    pt_free(live);
    pt_free(fresh);
  }
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  assert_true(ls.patches > 0);
  assert_true(renames > 0);
  pt_live_free(lv);
  for (size_t i = 0; i < fs.n; i++)
    pt_free(fs.text[i]);
  pt_free(root);
}

/* ---- one reindex, precisely ---------------------------------------------- */

static void test_reindex_reports_the_file_delta(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_delta");
  pt_test_write(root, "src/a.c", "int f(void) { return 1; }\nint g(void) { return f(); }\n");
  pt_test_write(root, "src/b.c", "int h(void) { return g(); }\n");
  pt_live *lv = live_on(root, NULL);
  pt_live_delta d;

  /* g changes body, f goes, k comes and calls h in the other file */
  pt_test_write(root, "src/a.c", "int g(void) { return 2; }\nint k(void) { return h(); }\n");
  assert_int_equal(pt_live_reindex(lv, "src/a.c", &d), 0);
  /* the worker compacted the first index's results before the update */
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.files_compacted, 2);
  assert_true(d.in_index_before && d.in_index_after && d.hash_changed);
  assert_int_equal(d.entities_before, 2);
  assert_int_equal(d.entities_after, 2);
  assert_int_equal(d.entities_added, 1);
  assert_int_equal(d.entities_removed, 1);
  assert_int_equal(d.entities_modified, 1);
  assert_int_equal(d.edges_removed, 1); /* g -> f */
  assert_int_equal(d.edges_added, 1);   /* k -> h */

  /* unchanged: nothing moves, and the graph is not replaced */
  const pt_graph *before = pt_live_graph(lv);
  assert_int_equal(pt_live_reindex(lv, "src/a.c", &d), 0);
  assert_false(d.hash_changed);
  assert_int_equal(d.entities_added + d.entities_removed + d.entities_modified, 0);
  assert_ptr_equal(pt_live_graph(lv), before);

  /* deleted: its entities leave, and b.c's call to g is unresolved again */
  char full[512];
  snprintf(full, sizeof full, "%s/src/a.c", root);
  assert_int_equal(pt_fs_remove(full), 0);
  assert_int_equal(pt_live_reindex(lv, "src/a.c", &d), 0);
  assert_true(d.in_index_before && !d.in_index_after);
  assert_int_equal(d.entities_removed, 2);
  assert_int_equal(d.entities_after, 0);
  const pt_graph *g = pt_live_graph(lv);
  assert_int_equal(pt_graph_n_entities(g), 1);
  assert_int_equal(pt_graph_n_edges(g), 1);
  assert_false(pt_graph_edges(g)[0].resolved);

  pt_live_status st;
  pt_live_get_status(lv, &st);
  assert_int_equal(st.updates, 2);
  assert_int_equal(st.files_removed, 1);
  assert_int_equal(st.files_reindexed, 1); /* the unchanged pass counts nothing */
  assert_true(st.last_update != 0);
  assert_string_equal(st.last_error, "");
  pt_live_free(lv);
  pt_free(root);
}

/* Files the index leaves out still count: the ignored list is part of the
 * graph. Edits to them change nothing; their coming and going does. */
static void test_ignored_files_come_and_go(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_ignored");
  pt_test_write(root, "a.c", "int a(void) { return 1; }\n");
  pt_test_write(root, ".gitignore", "out/\n");
  pt_live *lv = live_on(root, NULL);
  const char *steps[][2] = {
    {"README.md", "hello\n"},     /* comes: no_parser */
    {"README.md", "hello again\n"}, /* edited: nothing changes */
    {"README.md", NULL},          /* goes */
    {"out/x.c", "int x;\n"},      /* under an ignored folder */
    {"out/x.c", NULL},
    {"tmp.c.swp", "x"},           /* an editor's file that comes and goes */
    {"tmp.c.swp", NULL},
    {".gitignore", NULL},         /* the rules change: out/ is indexed */
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    char full[512];
    snprintf(full, sizeof full, "%s/%s", root, steps[i][0]);
    if (steps[i][1])
      pt_test_write(root, steps[i][0], steps[i][1]);
    else
      assert_int_equal(pt_fs_remove(full), 0);
    reindex(lv, steps[i][0]);
    char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
    char what[64];
    snprintf(what, sizeof what, "ignored step %zu", i);
    assert_same(live, fresh, what);
    pt_free(live);
    pt_free(fresh);
  }
  pt_live_free(lv);
  pt_free(root);
}

/* ---- the cache ------------------------------------------------------------ */

static void test_cache_reextracts_only_what_changed(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_cache");
  pt_test_write(root, "a.c", "int a(void) { return 1; }\n");
  pt_test_write(root, "b.c", "int b(void) { return a(); }\n");
  pt_test_write(root, "c.py", "def c():\n    return 1\n");
  pt_ingest_cache *c = NULL;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  pt_ingest_opts o = {root, 1, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(st.reused_files, 0);
  assert_int_equal(pt_ingest_cache_size(c), 3);
  pt_ingest_stats_fini(&st);
  pt_graph_free(g);

  /* nothing changed: all reused */
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(st.reused_files, 3);
  pt_ingest_stats_fini(&st);
  pt_graph_free(g);

  /* one file marked dirty, one removed */
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "b.c"), 0);
  char full[512];
  snprintf(full, sizeof full, "%s/c.py", root);
  assert_int_equal(pt_fs_remove(full), 0);
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(st.processed_files, 2);
  assert_int_equal(st.reused_files, 1);
  assert_int_equal(pt_ingest_cache_size(c), 2);
  pt_ingest_stats_fini(&st);
  char *cached = dump(g);
  pt_graph_free(g);
  char *fresh = fresh_dump(root);
  assert_same(cached, fresh, "after a removal");
  pt_free(cached);
  pt_free(fresh);

  /* "" marks everything */
  assert_int_equal(pt_ingest_cache_mark_dirty(c, ""), 0);
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(st.reused_files, 0);
  pt_ingest_stats_fini(&st);
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  pt_free(root);
}

/* Keys that collide across files are moved on in walk order; when the
 * earlier file goes, the later one gets its natural key back, exactly as a
 * fresh run gives (a rekeyed result is never reused). x.y/z.c and
 * x/y.z.h share the semantic path __x_y_z, and the birth numbers of
 * f349488 collide there (see test_ingest.c). */
static void test_cache_and_key_collisions(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_collide");
  pt_test_write(root, "x.y/z.c", "int f349488(void) { return 1; }\n");
  pt_test_write(root, "x/y.z.h", "static int f349488(void) { return 2; }\n"
                                 "static int g(void) { return f349488(); }\n");
  pt_live *lv = live_on(root, NULL);
  char full[512];
  snprintf(full, sizeof full, "%s/x.y/z.c", root);
  assert_int_equal(pt_fs_remove(full), 0);
  reindex(lv, "x.y/z.c");
  char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after the earlier file went");
  pt_free(live);
  pt_free(fresh);
  pt_test_write(root, "x.y/z.c", "int f349488(void) { return 3; }\n");
  reindex(lv, "x.y/z.c");
  live = dump(pt_live_graph(lv));
  fresh = fresh_dump(root);
  assert_same(live, fresh, "after it came back");
  pt_free(live);
  pt_free(fresh);
  pt_live_free(lv);
  pt_free(root);
}

/* ---- write-through --------------------------------------------------------- */

static char *store_dump(const char *spec)
{
  pt_store *s = NULL;
  pt_graph *g = NULL;
  assert_int_equal(pt_store_open(spec, &s), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(s, g), 0);
  pt_store_close(s);
  char *d = dump(g);
  pt_graph_free(g);
  return d;
}

static void write_through(const char *engine)
{
  char *root = pt_test_tmpdir("live_store_src");
  char *dbdir = pt_test_tmpdir("live_store_db");
  char spec[600];
  snprintf(spec, sizeof spec, "%s:%s/index.db", engine, dbdir);
  pt_test_write(root, "m.c", "int m(void) { return n(); }\n");
  pt_test_write(root, "n.c", "int n(void) { return 0; }\n");
  pt_store *store = NULL;
  int rc = pt_store_open(spec, &store);
  if (rc == PT_ENOTSUPPORTED) { /* no RocksDB in this build */
    pt_error_clear();
    pt_free(root);
    pt_free(dbdir);
    skip();
  }
  assert_int_equal(rc, 0);
  pt_live *lv = live_on(root, store);
  pt_test_write(root, "n.c", "int n2(void) { return 0; }\n");
  reindex(lv, "n.c");
  pt_test_write(root, "o.c", "int n(void) { return 1; }\n");
  reindex(lv, "o.c");
  /* the ignored list patched, no full pass: its entries come and go */
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  uint64_t updates = ls.updates, patches = ls.patches;
  char full[600];
  static const char *const steps[][2] = {
      {"notes.txt", "notes\n"},        /* no_parser */
      {"build/x.c", "int x;\n"},       /* build/ default_exclude */
      {"node_modules/p/i.js", "x\n"},  /* node_modules/ */
      {"node_modules", NULL},          /* gone */
      {"notes.txt", NULL},
  };
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    snprintf(full, sizeof full, "%s/%s", root, steps[i][0]);
    if (steps[i][1])
      pt_test_write(root, steps[i][0], steps[i][1]);
    else
      assert_int_equal(pt_fs_remove_tree(full), 0);
    reindex(lv, steps[i][0]);
    char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
    assert_same(live, fresh, "ignored list patched");
    pt_free(live);
    pt_free(fresh);
    if (pt_store_can_update(store)) {
      pt_graph *back = NULL;
      assert_int_equal(pt_graph_new(&back), 0);
      assert_int_equal(pt_store_load(store, back), 0);
      char *stored = dump(back), *now = dump(pt_live_graph(lv));
      pt_graph_free(back);
      assert_same(stored, now, "ignored list written through");
      pt_free(stored);
      pt_free(now);
    }
  }
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.updates - updates, sizeof steps / sizeof *steps);
  assert_int_equal(ls.patches - patches, sizeof steps / sizeof *steps);
  char *live = dump(pt_live_graph(lv));
  if (pt_store_can_update(store)) {
    /* written through already: read back through the open store */
    pt_graph *back = NULL;
    assert_int_equal(pt_graph_new(&back), 0);
    assert_int_equal(pt_store_load(store, back), 0);
    char *stored = dump(back);
    pt_graph_free(back);
    assert_same(stored, live, "written through");
    pt_free(stored);
  }
  pt_live_free(lv); /* a pending backup is written now */
  pt_store_close(store);
  char *stored = store_dump(spec);
  assert_same(stored, live, "stored after stop");
  char *fresh = fresh_dump(root);
  assert_same(live, fresh, "fresh");
  pt_free(stored);
  pt_free(fresh);
  pt_free(live);
  pt_free(root);
  pt_free(dbdir);
}

static void test_write_through_rocksdb(void **state)
{
  (void)state;
  write_through("rocksdb");
}

static void test_write_through_sqlite(void **state)
{
  (void)state;
  write_through("sqlite");
}

/* ---- backups that fail ---------------------------------------------------- */

/* A live index over a stored SQLite index, opened for updating as serve
 * opens it, backing up 1 ms after each change and retrying after 20 ms,
 * its log in a temporary file. */
static pt_graph *ingest_graph(const char *root)
{
  pt_ingest_opts io = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&io, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  return g;
}

typedef struct backup_fx {
  char *root, *dbdir;
  char path[600], spec[620];
  pt_store *store;
  pt_graph *loaded;
  pt_live *lv;
  FILE *log;
} backup_fx;

static void backup_open(backup_fx *f, const char *tag)
{
  char name[64];
  snprintf(name, sizeof name, "%s_src", tag);
  f->root = pt_test_tmpdir(name);
  snprintf(name, sizeof name, "%s_db", tag);
  f->dbdir = pt_test_tmpdir(name);
  snprintf(f->path, sizeof f->path, "%s/index.db", f->dbdir);
  snprintf(f->spec, sizeof f->spec, "sqlite:%s", f->path);
  pt_test_write(f->root, "m.c", "int m(void) { return 0; }\n");
  pt_graph *g = ingest_graph(f->root);
  pt_store *first = NULL;
  assert_int_equal(pt_store_open(f->spec, &first), 0);
  assert_int_equal(pt_store_save(first, g), 0);
  pt_store_close(first);
  pt_graph_free(g);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_UPDATE, &f->store), 0);
  assert_int_equal(pt_graph_new(&f->loaded), 0);
  assert_int_equal(pt_store_load(f->store, f->loaded), 0);
  f->log = tmpfile();
  assert_non_null(f->log);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = f->root;
  o.n_threads = 1;
  o.store = f->store;
  o.save_delay_ms = 1;
  o.save_retry_ms = 20;
  o.log = f->log;
  assert_int_equal(pt_live_new(&o, &f->lv), 0);
  pt_live_adopt_as_is(f->lv, f->loaded);
  assert_int_equal(pt_live_start(f->lv, 0), 0);
}

static void backup_close(backup_fx *f)
{
  pt_live_free(f->lv);
  pt_store_close(f->store);
  pt_graph_free(f->loaded);
  fclose(f->log);
  pt_free(f->dbdir);
  pt_free(f->root);
}

/* An edit of m.c, reindexed: a backup is then due. */
static void backup_edit(backup_fx *f, int n)
{
  char text[64];
  snprintf(text, sizeof text, "int m%d(void) { return %d; }\n", n, n);
  pt_test_write(f->root, "m.c", text);
  reindex(f->lv, "m.c");
}

static pt_live_status backup_status(backup_fx *f)
{
  pt_live_status st;
  pt_live_get_status(f->lv, &st);
  return st;
}

/* Waits (5 s at most) until saves + failed_saves reach n. */
static void backup_wait(backup_fx *f, uint64_t n)
{
  for (int i = 0; i < 500; i++) {
    pt_live_status st = backup_status(f);
    if (st.saves + st.failed_saves >= n)
      return;
    pt_sleep_ms(10);
  }
  fail_msg("no backup attempt %llu", (unsigned long long)n);
}

/* How many lines of the log hold `what`. */
static int log_count(backup_fx *f, const char *what)
{
  char line[1024];
  int n = 0;
  fflush(f->log);
  rewind(f->log);
  while (fgets(line, sizeof line, f->log))
    n += strstr(line, what) != NULL;
  fseek(f->log, 0, SEEK_END);
  return n;
}

/* Directories where the store's next backups put their temporary files
 * (PATH.tmp-PID-N, N counting its save attempts from 0): attempts first
 * to first + n - 1 then fail, as if a scanner held the file. */
static void block_attempts(backup_fx *f, unsigned first, unsigned n)
{
  for (unsigned i = first; i < first + n; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "index.db.tmp-%lu-%u/x", pt_process_id(), i);
    pt_test_write(f->dbdir, rel, "");
  }
}

/* Another program (pt01) saved a newer index over the server's file: the
 * refusal is logged once, the status says backups stopped, and no later
 * change tries again (it retried every 5 s, forever, logging each time). */
static void live_backup__refused_once_is_never_tried_again(void **state)
{
  (void)state;
  backup_fx f;
  backup_open(&f, "live_refused");
  backup_edit(&f, 1);
  backup_wait(&f, 1);
  assert_int_equal(backup_status(&f).saves, 1);
  pt_store *other = NULL;
  char *elsewhere = pt_test_tmpdir("live_refused_newer");
  pt_test_write(elsewhere, "newer.c", "int newer(void) { return 1; }\n");
  pt_graph *newer = ingest_graph(elsewhere);
  pt_free(elsewhere);
  assert_int_equal(pt_store_open_mode(f.spec, PT_STORE_REPLACE, &other), 0);
  assert_int_equal(pt_store_save(other, newer), 0);
  pt_store_close(other);
  char *want = store_dump(f.spec);
  backup_edit(&f, 2);
  backup_wait(&f, 2);
  backup_edit(&f, 3);
  backup_edit(&f, 4);
  pt_sleep_ms(200); /* ten retry intervals */
  pt_live_status st = backup_status(&f);
  assert_int_equal(st.failed_saves, 1);
  assert_int_equal(st.saves, 1);
  assert_true(st.saves_stopped);
  assert_non_null(strstr(st.last_error, "not overwriting it"));
  assert_int_equal(log_count(&f, "backup refused"), 1);
  assert_int_equal(log_count(&f, "until the server is restarted"), 1);
  assert_int_equal(pt_live_stop(f.lv), PT_EIO); /* changes unsaved: why */
  assert_non_null(strstr(pt_error_last()->message, "not overwriting it"));
  pt_error_clear();
  assert_int_equal(backup_status(&f).failed_saves, 1); /* none at the stop */
  char *got = store_dump(f.spec);
  assert_string_equal(got, want);
  pt_free(got);
  pt_free(want);
  pt_graph_free(newer);
  backup_close(&f);
}

/* A backup that fails for a while (the file held) is tried again until it
 * succeeds, logged once, not at every attempt. */
static void live_backup__held_file_is_retried_and_logged_once(void **state)
{
  (void)state;
  backup_fx f;
  backup_open(&f, "live_retry");
  block_attempts(&f, 0, 3);
  backup_edit(&f, 1);
  backup_wait(&f, 4);
  pt_live_status st = backup_status(&f);
  assert_int_equal(st.failed_saves, 3);
  assert_int_equal(st.saves, 1);
  assert_false(st.saves_stopped);
  assert_int_equal(log_count(&f, "backup failed"), 1);
  assert_int_equal(log_count(&f, "trying again every 20 ms"), 1);
  assert_int_equal(log_count(&f, "saved the index"), 1);
  assert_int_equal(pt_live_stop(f.lv), 0);
  backup_close(&f);
}

/* Retries are bounded: after 12 failed attempts the live index waits for
 * the next change, which starts over. */
static void live_backup__retries_stop_until_the_next_change(void **state)
{
  (void)state;
  backup_fx f;
  backup_open(&f, "live_giveup");
  block_attempts(&f, 0, 14);
  backup_edit(&f, 1);
  backup_wait(&f, 12);
  pt_sleep_ms(200); /* ten retry intervals */
  pt_live_status st = backup_status(&f);
  assert_int_equal(st.failed_saves, 12);
  assert_int_equal(st.saves, 0);
  assert_int_equal(log_count(&f, "backup failed"), 2);
  assert_int_equal(log_count(&f, "backup failed 12 times"), 1);
  backup_edit(&f, 2); /* attempts 13 and 14 fail, the 15th saves */
  backup_wait(&f, 15);
  st = backup_status(&f);
  assert_int_equal(st.failed_saves, 14);
  assert_int_equal(st.saves, 1);
  assert_int_equal(log_count(&f, "backup failed"), 3);
  assert_int_equal(pt_live_stop(f.lv), 0);
  backup_close(&f);
}

/* ---- the watcher drives it ------------------------------------------------ */

typedef struct seen {
  pt_mutex *mu;
  pt_graph *g;     /* the latest published graph */
  unsigned n;
  unsigned prepared; /* calls of the publisher's prepare */
} seen;

static void keep(pt_graph *g, void *payload)
{
  seen *s = payload;
  pt_mutex_lock(s->mu);
  pt_graph_free(s->g);
  s->g = g;
  s->n++;
  pt_mutex_unlock(s->mu);
}

static int has_entity(seen *s, const char *name)
{
  int found = 0;
  pt_mutex_lock(s->mu);
  for (size_t i = 0; s->g && i < pt_graph_n_entities(s->g); i++)
    found |= strcmp(pt_graph_entities(s->g)[i].name, name) == 0;
  pt_mutex_unlock(s->mu);
  return found;
}

/* A tree holding w.c, indexed and watched (quiet_ms of quiet, settle_ms
 * of settling: 0 for the default), publishing into s; *root is the
 * tree's folder. */
static pt_live *start_watched_ms(const char *tag, seen *s, char **root,
                                 unsigned quiet_ms, unsigned settle_ms)
{
  *root = pt_test_tmpdir(tag);
  pt_test_write(*root, "w.c", "int w(void) { return 1; }\n");
  assert_int_equal(pt_mutex_new(&s->mu), 0);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = *root;
  o.publish = keep;
  o.payload = s;
  o.quiet_ms = quiet_ms;
  o.settle_ms = settle_ms;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  const pt_graph *g = NULL;
  pt_ingest_stats st;
  assert_int_equal(pt_live_index(lv, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_int_equal(pt_live_start(lv, 1), 0);
  return lv;
}

static pt_live *start_watched(const char *tag, seen *s, char **root)
{
  return start_watched_ms(tag, s, root, 20, 0);
}

/* Whether a graph with an entity of that name is published within 5 s. */
static int comes_within_5s(seen *s, const char *name)
{
  int ok = 0;
  for (int i = 0; i < 500 && !(ok = has_entity(s, name)); i++)
    pt_sleep_ms(10);
  return ok;
}

static void stop_watched(pt_live *lv, seen *s, char *root)
{
  pt_live_free(lv);
  pt_graph_free(s->g);
  pt_mutex_free(s->mu);
  pt_free(root);
}

static void test_watcher_updates_by_itself(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched("live_watch", &s, &root);
  pt_test_write(root, "sub/x.c", "int watched_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "watched_fn"));
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  assert_true(ls.watch_enabled && ls.watch_running);
  assert_true(ls.events_seen > 0);
  assert_true(ls.updates >= 1);
  stop_watched(lv, &s, root);
}

/* The update thread sleeps until it is told of something (an event, a
 * request, a resume, the stop) or something falls due (a held path, a
 * backup): idle, it does not wake at all (it used to look every 10 ms),
 * and an event wakes it. */
static void live_worker__sleeps_while_idle_and_wakes_for_an_event(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched("live_idle", &s, &root);
  pt_live_status before, after;
  pt_live_get_status(lv, &before);
  pt_sleep_ms(300);
  pt_live_get_status(lv, &after);
  assert_int_equal(after.wakeups, before.wakeups);
  assert_int_equal(after.events_seen, 0);
  pt_test_write(root, "sub/y.c", "int idle_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "idle_fn"));
  pt_live_get_status(lv, &after);
  assert_true(after.wakeups > before.wakeups);
  stop_watched(lv, &s, root);
}

/* The heap's free pages go back once the changes have been quiet for
 * trim_delay_ms (5 s), not after each update, whose next update faulted
 * them in again (20 to 30 ms of each on the several tree); after that one
 * wake the thread sleeps again. */
static void live_worker__gives_free_pages_back_once_quiet(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched("live_trim", &s, &root);
  pt_live_status before, now;
  pt_live_get_status(lv, &before);
  pt_test_write(root, "sub/t.c", "int trimmed_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "trimmed_fn"));
  pt_live_get_status(lv, &now);
  assert_int_equal(now.heap_trims, before.heap_trims); /* not yet */
  for (int i = 0; i < 1000 && now.heap_trims == before.heap_trims; i++) {
    pt_sleep_ms(10);
    pt_live_get_status(lv, &now);
  }
  assert_int_equal(now.heap_trims, before.heap_trims + 1);
  pt_sleep_ms(300);
  pt_live_status later;
  pt_live_get_status(lv, &later);
  assert_int_equal(later.heap_trims, now.heap_trims);
  assert_int_equal(later.wakeups, now.wakeups);
  stop_watched(lv, &s, root);
}

/* The bytes of the arrays kept for the next patch of the latest graph. */
static size_t spare_bytes(seen *s)
{
  pt_mutex_lock(s->mu);
  size_t n = pt_graph_spare_bytes(s->g);
  pt_mutex_unlock(s->mu);
  return n;
}

/* A file written into root while the index parses (after its walk), once. */
typedef struct late_write {
  const char *root;
  int is_written;
} late_write;

static void write_late(size_t done, size_t total, uint64_t bytes, void *payload)
{
  (void)done;
  (void)total;
  (void)bytes;
  late_write *l = payload;
  if (!l->is_written)
    pt_test_write(l->root, "late.c", "int late_fn(void) { return w(); }\n");
  l->is_written = 1;
}

/* A file that comes after the first index's walk and before the thread
 * starts is not in that index; the watcher started before the index
 * (pt_live_watch) sees it, and the started index takes it in. */
static void live_watch__sees_a_change_made_while_the_root_is_indexed(
    void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = pt_test_tmpdir("live_early");
  pt_test_write(root, "w.c", "int w(void) { return 1; }\n");
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  late_write l = {root, 0};
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.publish = keep;
  o.payload = &s;
  o.quiet_ms = 20;
  o.n_threads = 1;
  o.progress = write_late;
  o.progress_payload = &l;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  pt_live_watch(lv);
  const pt_graph *g = NULL;
  pt_ingest_stats st;
  assert_int_equal(pt_live_index(lv, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_true(l.is_written);
  assert_false(has_entity(&s, "late_fn")); /* walked before it came */
  assert_int_equal(pt_live_start(lv, 1), 0);
  assert_true(comes_within_5s(&s, "late_fn"));
  stop_watched(lv, &s, root);
}

/* Puts a file into root in one step (written beside it, then renamed in):
 * the watcher sees one change, where a write in place may be seen as two
 * (created empty, then written) on a loaded machine, each an update. */
static void put_file(const char *root, const char *rel, const char *text)
{
  char *side = pt_test_tmpdir("live_side");
  pt_test_write(side, rel, text);
  pt_buf from = PT_BUF_INIT, to = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&from, "%s/%s", side, rel), 0);
  assert_int_equal(pt_buf_printf(&to, "%s/%s", root, rel), 0);
  assert_int_equal(pt_fs_replace(from.ptr, to.ptr), 0);
  assert_int_equal(pt_fs_remove_tree(side), 0);
  pt_buf_fini(&from);
  pt_buf_fini(&to);
  pt_free(side);
}

/* Waits (10 s at most) until the update that published the last graph
 * has ended: its counts and what it made after publishing are in. */
static void update_ends(pt_live *lv)
{
  pt_live_freshness f;
  assert_int_equal(pt_live_wait_fresh(lv, 10000, 1, &f), 0);
  assert_int_equal(f.pending, 0);
}

/* A file moved into the tree is extracted while its path settles (here
 * 300 ms: long enough that the update thread sees it before it is due),
 * and its update takes that result instead of parsing it again. */
static void live_worker__extracts_a_finished_file_while_it_settles(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched_ms("live_ahead", &s, &root, 300, 300);
  pt_live_status before, after;
  pt_live_get_status(lv, &before);
  put_file(root, "w2.c", "int ahead_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "ahead_fn"));
  update_ends(lv);
  pt_live_get_status(lv, &after);
#ifdef _WIN32
  /* ReadDirectoryChangesW tells no file's last write from the others (the
   * watcher gives no final events: platform/win32/watch.c), so nothing is
   * extracted ahead there and the update parses the file itself */
  assert_int_equal(after.files_ahead, before.files_ahead);
#else
  assert_int_equal(after.files_ahead, before.files_ahead + 1);
#endif
  assert_int_equal(after.files_parsed, before.files_parsed + 1);
  assert_int_equal(after.patches, before.patches + 1);
  stop_watched(lv, &s, root);
}

/* The quiet trim also frees the arrays kept for the next patch (125 MB on
 * the several tree), and the next change makes them again before its
 * patch, which still patches. */
static void live_worker__drops_the_patch_arrays_once_quiet(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched("live_spares", &s, &root);
  pt_live_status before, now;
  pt_live_get_status(lv, &before);
  put_file(root, "w2.c", "int spare_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "spare_fn"));
  update_ends(lv);
  assert_true(spare_bytes(&s) > 0); /* the old graph's arrays */
  pt_live_get_status(lv, &now);
  for (int i = 0; i < 1000 && now.heap_trims == before.heap_trims; i++) {
    pt_sleep_ms(10);
    pt_live_get_status(lv, &now);
  }
  assert_int_equal(now.heap_trims, before.heap_trims + 1);
  assert_int_equal(now.spares_dropped, before.spares_dropped + 1);
  assert_int_equal(spare_bytes(&s), 0);
  put_file(root, "w3.c", "int spare_again_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "spare_again_fn"));
  update_ends(lv);
  pt_live_status after;
  pt_live_get_status(lv, &after);
  assert_int_equal(after.spares_made, now.spares_made + 1);
  assert_int_equal(after.patches, now.patches + 1);
  assert_true(spare_bytes(&s) > 0);
  stop_watched(lv, &s, root);
}

static void count_prepared(void *payload)
{
  seen *s = payload;
  pt_mutex_lock(s->mu);
  s->prepared++;
  pt_mutex_unlock(s->mu);
}

static unsigned prepared_within_5s(seen *s, unsigned n)
{
  unsigned got = 0;
  for (int i = 0; i < 500; i++, pt_sleep_ms(10)) {
    pt_mutex_lock(s->mu);
    got = s->prepared;
    pt_mutex_unlock(s->mu);
    if (got >= n)
      break;
  }
  return got;
}

/* The publisher makes ahead what a graph's first request would (the
 * server: its name index) when the update thread starts and after a full
 * pass (a new graph, not patched from the last), not after a patch (its
 * graph's comes from the one before). */
static void live_prepare__at_the_start_and_after_a_full_pass(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = pt_test_tmpdir("live_prepare");
  pt_test_write(root, "w.c", "int w(void) { return 1; }\n");
  pt_test_write(root, ".gitignore", "hidden.c\n");
  pt_test_write(root, "hidden.c", "int full_fn(void) { return w(); }\n");
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.publish = keep;
  o.prepare = count_prepared;
  o.payload = &s;
  o.quiet_ms = 20;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  const pt_graph *g = NULL;
  pt_ingest_stats st;
  assert_int_equal(pt_live_index(lv, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_int_equal(s.prepared, 0); /* not before the thread starts */
  assert_int_equal(pt_live_start(lv, 1), 0);
  assert_int_equal(prepared_within_5s(&s, 1), 1);
  put_file(root, "w2.c", "int patched_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "patched_fn"));
  update_ends(lv);
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.patches, 1);
  assert_int_equal(prepared_within_5s(&s, 1), 1); /* a patch: none */
  /* the root's ignore file edited, which read no longer leaves out
   * hidden.c: a full pass */
  pt_test_write(root, ".gitignore", "# none\n");
  assert_true(comes_within_5s(&s, "full_fn"));
  update_ends(lv);
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.patches, 1);
  assert_int_equal(prepared_within_5s(&s, 2), 2);
  /* a new folder of source files only: patched */
  pt_test_write(root, "sub2/y.c", "int folder_fn(void) { return w(); }\n");
  assert_true(comes_within_5s(&s, "folder_fn"));
  update_ends(lv);
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.patches, 2);
  assert_int_equal(prepared_within_5s(&s, 2), 2);
  stop_watched(lv, &s, root);
}

/* Paused, the live index still hears the watcher but changes nothing: the
 * graph stays the last one, a reindex request is refused, and on resume
 * the changes made meanwhile are picked up. */
static void test_pause_holds_changes_until_resume(void **state)
{
  (void)state;
  seen s = {NULL, NULL, 0, 0};
  char *root = NULL;
  pt_live *lv = start_watched("live_pause", &s, &root);
  pt_live_pause(lv);
  pt_live_pause(lv); /* idempotent */
  unsigned published = s.n;
  pt_test_write(root, "sub/p.c", "int paused_fn(void) { return w(); }\n");
  pt_live_status ls;
  pt_live_get_status(lv, &ls);
  for (int i = 0; i < 500 && ls.events_seen == 0; i++) {
    pt_sleep_ms(10);
    pt_live_get_status(lv, &ls);
  }
  assert_true(ls.events_seen > 0);
  assert_true(ls.paused);
  pt_sleep_ms(300); /* several debounce periods */
  assert_false(has_entity(&s, "paused_fn"));
  assert_int_equal(s.n, published);
  pt_live_delta d;
  assert_int_equal(pt_live_reindex(lv, "sub/p.c", &d), PT_EBUSY);
  assert_non_null(strstr(pt_error_last()->message, "paused"));
  pt_error_clear();
  pt_live_resume(lv);
  assert_true(comes_within_5s(&s, "paused_fn"));
  pt_live_get_status(lv, &ls);
  assert_false(ls.paused);
  assert_int_equal(pt_live_reindex(lv, "sub/p.c", &d), 0);
  stop_watched(lv, &s, root);
}

/* Freshness: a change the watcher reported is pending until the graph
 * that has it is published (never cleared before: a reader told "fresh"
 * finds the change), the generation counts the published graphs, and a
 * wait times out while paused and refuses callers beyond its limit. */
static void test_freshness_pending_until_published(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_fresh");
  pt_test_write(root, "w.c", "int w(void) { return 1; }\n");
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.publish = keep;
  o.payload = &s;
  o.quiet_ms = 20;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  const pt_graph *g = NULL;
  pt_ingest_stats st;
  assert_int_equal(pt_live_index(lv, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  pt_live_freshness f;
  pt_live_get_freshness(lv, &f);
  assert_int_equal(f.generation, 1);
  assert_int_equal(f.pending, 0);
  assert_false(f.watching);
  assert_true(f.published > 0);
  assert_int_equal(pt_live_start(lv, 1), 0);
  pt_live_pause(lv);
  pt_test_write(root, "sub/f.c", "int fresh_fn(void) { return w(); }\n");
  for (int i = 0; i < 500; i++) {
    pt_live_get_freshness(lv, &f);
    if (f.pending)
      break;
    pt_sleep_ms(10);
  }
  assert_true(f.pending > 0);
  assert_true(f.watching && f.paused);
  uint64_t t0 = pt_clock_ns();
  assert_int_equal(pt_live_wait_fresh(lv, 100, 1, &f), 0);
  assert_true(pt_clock_ns() - t0 >= 100 * 1000000ull);
  assert_true(f.pending > 0); /* timed out: paused */
  assert_int_equal(f.generation, 1);
  assert_int_equal(pt_live_wait_fresh(lv, 100, 0, &f), PT_EBUSY);
  pt_error_clear();
  pt_live_resume(lv);
  assert_int_equal(pt_live_wait_fresh(lv, 10000, 1, &f), 0);
  assert_int_equal(f.pending, 0);
  assert_int_equal(f.generation, 2);
  assert_true(has_entity(&s, "fresh_fn")); /* published before fresh */
  pt_live_free(lv);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
}

/* Changes made while nothing watched and the index was paused from the
 * start (an adopted graph whose first pass must wait) appear on resume. */
static void test_adopted_first_pass_waits_for_resume(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_pause_adopt");
  pt_test_write(root, "w.c", "int w(void) { return 1; }\n");
  pt_ingest_opts io = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *loaded = NULL;
  assert_int_equal(pt_ingest(&io, &loaded, &st), 0);
  pt_ingest_stats_fini(&st);
  pt_test_write(root, "late.c", "int late_fn(void) { return w(); }\n");
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.publish = keep;
  o.payload = &s;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  pt_live_adopt(lv, loaded);
  pt_live_pause(lv);
  assert_int_equal(pt_live_start(lv, 0), 0);
  pt_sleep_ms(200);
  assert_int_equal(s.n, 0);
  pt_live_resume(lv);
  assert_true(comes_within_5s(&s, "late_fn"));
  pt_live_free(lv);
  pt_graph_free(loaded);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
}

/* ---- a start from a stored index --------------------------------------- */

/* What a server loads: a fresh index of root saved in a store of that
 * engine and read back (the real file, the real format); NULL when the
 * build has no such engine. */
static pt_graph *stored_index_in(const char *engine, const char *root,
                                 const char *db)
{
  char spec[600];
  snprintf(spec, sizeof spec, "%s:%s/analysis.db", engine, db);
  pt_ingest_opts o = {root, 2, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL, *back = NULL;
  pt_store *s = NULL;
  int rc = pt_store_open(spec, &s);
  if (rc == PT_ENOTSUPPORTED) { /* no RocksDB in this build */
    pt_error_clear();
    return NULL;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_int_equal(pt_store_save(s, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_UPDATE, &s), 0);
  assert_int_equal(pt_graph_new(&back), 0);
  assert_int_equal(pt_store_load(s, back), 0);
  pt_store_close(s);
  return back;
}

static pt_graph *stored_index(const char *root, const char *db)
{
  return stored_index_in("sqlite", root, db);
}

/* Adopts the loaded graph as serve does, runs the first pass and waits
 * for it; *out gets the status after it. */
static pt_live *adopt_and_settle(const char *root, const pt_graph *loaded,
                                 seen *s, pt_live_status *out)
{
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.n_threads = 2;
  o.publish = keep;
  o.payload = s;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  pt_live_adopt(lv, loaded);
  assert_int_equal(pt_live_start(lv, 0), 0);
  for (int i = 0; i < 1000; i++) {
    pt_live_get_status(lv, out);
    if (out->root_passes > 0)
      break;
    pt_sleep_ms(10);
  }
  assert_int_equal(out->root_passes, 1);
  return lv;
}

static void write_start_tree(const char *root)
{
  pt_test_write(root, "a.c", "int a(void) { return b(); }\n");
  pt_test_write(root, "b.c", "int b(void) { return 2; }\n");
  pt_test_write(root, "c.py", "def c():\n    return d()\n");
  pt_test_write(root, "d.py", "def d():\n    return 1\n");
  /* keys that collide across files: the later one's moves on */
  pt_test_write(root, "x.y/z.c", "int f349488(void) { return 1; }\n");
  pt_test_write(root, "x/y.z.h", "static int f349488(void) { return 2; }\n"
                                 "static int g(void) { return f349488(); }\n");
}

/* A start on a tree nothing touched parses no file, even one rewritten
 * with the same text (its mtime moved: the content hash decides). */
static void unchanged_tree_parses_nothing(const char *engine)
{
  char *root = pt_test_tmpdir("live_start_same");
  char *db = pt_test_tmpdir("live_start_same_db");
  write_start_tree(root);
  pt_graph *loaded = stored_index_in(engine, root, db);
  if (!loaded) {
    pt_free(root);
    pt_free(db);
    skip();
  }
  pt_sleep_ms(20);
  pt_test_write(root, "d.py", "def d():\n    return 1\n");
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_status st;
  pt_live *lv = adopt_and_settle(root, loaded, &s, &st);
  /* the later of the colliding files was rekeyed: not reusable */
  assert_int_equal(st.files_seeded, 5);
  assert_int_equal(st.files_parsed, 1);
  assert_int_equal(st.updates, 0);
  assert_int_equal(s.n, 0);
  /* the next edit is patched, without a whole pass */
  pt_test_write(root, "b.c", "int b(void) { return 3; }\n");
  reindex(lv, "b.c");
  pt_live_get_status(lv, &st);
  assert_int_equal(st.patches, 1);
  assert_int_equal(st.files_parsed, 2);
  char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after an edit");
  pt_free(live);
  pt_free(fresh);
  pt_live_free(lv);
  pt_graph_free(loaded);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
  pt_free(db);
}

static void test_adopted_unchanged_tree_parses_nothing(void **state)
{
  (void)state;
  unchanged_tree_parses_nothing("sqlite");
}

static void test_adopted_unchanged_tree_parses_nothing_rocksdb(void **state)
{
  (void)state;
  unchanged_tree_parses_nothing("rocksdb");
}

/* A start without the watcher (serve --no-watch) does not decode the
 * loaded index's reuse records before it serves: the first update does,
 * and still parses only the file it was asked about. */
static void test_adopted_as_is_seeds_at_the_first_update(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_start_lazy");
  char *db = pt_test_tmpdir("live_start_lazy_db");
  write_start_tree(root);
  pt_graph *loaded = stored_index(root, db);
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.n_threads = 2;
  o.publish = keep;
  o.payload = &s;
  pt_live *lv = NULL;
  assert_int_equal(pt_live_new(&o, &lv), 0);
  pt_live_adopt_as_is(lv, loaded);
  assert_int_equal(pt_live_start(lv, 0), 0);
  pt_live_status st;
  pt_live_get_status(lv, &st);
  assert_int_equal(st.files_seeded, 0);
  pt_test_write(root, "b.c", "int b(void) { return 3; }\n");
  reindex(lv, "b.c");
  pt_live_get_status(lv, &st);
  assert_int_equal(st.files_seeded, 5);
  /* b.c, and the rekeyed one of the colliding files (not reusable) */
  assert_int_equal(st.files_parsed, 2);
  char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after the first edit");
  pt_free(live);
  pt_free(fresh);
  pt_live_free(lv);
  pt_graph_free(loaded);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
  pt_free(db);
}

/* An index whose reuse records another build of the extractor made (other
 * queries, other extraction code) is not reused at start: every file is
 * parsed again, so an upgraded program never keeps serving what the old
 * one extracted, and the graph ends equal to a fresh index. */
static void test_adopted_records_of_another_extractor_are_parsed(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_start_other");
  char *db = pt_test_tmpdir("live_start_other_db");
  char spec[600];
  snprintf(spec, sizeof spec, "sqlite:%s/analysis.db", db);
  write_start_tree(root);
  pt_graph_free(stored_index(root, db));
  pt_test_stamp_other_extractor(spec + strlen("sqlite:"));
  pt_store *st_ = NULL;
  pt_graph *loaded = NULL;
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_UPDATE, &st_), 0);
  assert_int_equal(pt_graph_new(&loaded), 0);
  assert_int_equal(pt_store_load(st_, loaded), 0);
  pt_store_close(st_);
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_status st;
  pt_live *lv = adopt_and_settle(root, loaded, &s, &st);
  assert_int_equal(st.files_seeded, 0);
  assert_int_equal(st.files_parsed, pt_graph_n_files(loaded));
  char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after a start over another extractor's index");
  pt_free(live);
  pt_free(fresh);
  pt_live_free(lv);
  pt_graph_free(loaded);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
  pt_free(db);
}

/* A start on a tree nothing touched since it was indexed: the first pass
 * merges nothing (the shortcut finds the tree as the loaded graph says and
 * makes its resolver from the seeded results), and the next edit, which
 * adds a definition, is patched with that resolver. */
static void test_adopted_unchanged_tree_merges_nothing(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_start_nomerge");
  char *db = pt_test_tmpdir("live_start_nomerge_db");
  pt_test_write(root, "a.c", "int a(void) { return b(); }\n");
  pt_test_write(root, "b.c", "int b(void) { return 2; }\n");
  pt_test_write(root, "c.py", "def c():\n    return d()\n");
  pt_test_write(root, "d.py", "def d():\n    return 1\n");
  pt_graph *loaded = stored_index(root, db), *patched = NULL;
  pt_ingest_cache *c = NULL;
  size_t n = 0;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_cache_seed(c, loaded, &n), 0);
  assert_int_equal(n, 4);
  pt_ingest_opts o = {root, 2, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  assert_int_equal(pt_ingest_patch(&o, loaded, &patched, &st), 0);
  assert_null(patched);
  pt_ingest_stats_fini(&st);
  pt_test_write(root, "b.c", "int b(void) { return 2; }\n"
                             "int a2(void) { return b(); }\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "b.c"), 0);
  assert_int_equal(pt_ingest_patch(&o, loaded, &patched, &st), 0);
  pt_ingest_stats_fini(&st);
  char *live = dump(patched), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after an edit");
  pt_free(live);
  pt_free(fresh);
  pt_graph_free(patched);
  pt_ingest_cache_free(c);
  pt_graph_free(loaded);
  pt_free(root);
  pt_free(db);
}

/* A seed of many files (past SEED_SPLIT_MIN, ingest_reuse.c: decoded in
 * two halves on two threads, added in file order) holds every file's
 * results as one thread's seed does: nothing is parsed at first, and an
 * edit in each half is patched as a fresh index makes the tree. */
static void test_seed_of_many_files_patches_as_fresh(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_seed_many");
  char *db = pt_test_tmpdir("live_seed_many_db");
  enum { N = 300 };
  for (unsigned i = 0; i < N; i++) {
    char name[32], text[160];
    if (i % 2) {
      pt_snprintf(name, sizeof name, "m%03u.py", i);
      pt_snprintf(text, sizeof text, "def f%03u():\n    return f%03u()\n",
                  i, (i + 1) % N);
    } else {
      pt_snprintf(name, sizeof name, "s%03u.c", i);
      pt_snprintf(text, sizeof text, "int f%03u(void) { return f%03u(); }\n",
                  i, (i + 1) % N);
    }
    pt_test_write(root, name, text);
  }
  pt_graph *loaded = stored_index(root, db), *patched = NULL, *next = NULL;
  pt_ingest_cache *c = NULL;
  size_t n = 0;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_cache_seed(c, loaded, &n), 0);
  assert_int_equal(n, N);
  pt_ingest_opts o = {root, 2, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  assert_int_equal(pt_ingest_patch(&o, loaded, &patched, &st), 0);
  assert_null(patched);
  pt_ingest_stats_fini(&st);
  pt_test_write(root, "s010.c", "int f010(void) { return f011(); }\n"
                                "int g010(void) { return f250(); }\n");
  pt_test_write(root, "m251.py", "def f251():\n    return g010()\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "s010.c"), 0);
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "m251.py"), 0);
  assert_int_equal(pt_ingest_patch(&o, loaded, &next, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_non_null(next);
  char *live = dump(next), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after an edit in each half");
  pt_free(live);
  pt_free(fresh);
  pt_graph_free(next);
  pt_ingest_cache_free(c);
  pt_graph_free(loaded);
  pt_free(root);
  pt_free(db);
}

/* A first index's cache compacted (its results replaced by ones decoded
 * from the graph's reuse records) patches every kind of edit as a fresh
 * index makes the tree; a cache that did not make the graph is refused
 * and left as it was. */
static void test_compacted_cache_patches_as_fresh(void **state)
{
  (void)state;
  char *root = pt_test_tmpdir("live_compact");
  char full[600];
  write_start_tree(root);
  pt_test_write(root, "k.py", "class K:\n    def m(self):\n        return 1\n"
                              "class L(K):\n    def n(self):\n"
                              "        return self.m()\n");
  pt_ingest_cache *c = NULL, *other = NULL;
  pt_graph *g = NULL, *next = NULL;
  size_t n = 0;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_cache_new(&other), 0);
  pt_ingest_opts o = {root, 2, 0, NULL, 0, NULL, NULL, 0, c, 0};
  pt_ingest_stats st;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_int_equal(pt_ingest_cache_compact(other, g, &n), PT_EINVAL);
  pt_error_clear();
  assert_int_equal(pt_ingest_cache_size(other), 0);
  /* every kept result: the files' but the one whose key moved on */
  size_t kept = pt_ingest_cache_size(c);
  assert_int_equal(kept, pt_graph_n_files(g) - 1);
  assert_int_equal(pt_ingest_cache_compact(c, g, &n), 0);
  assert_int_equal(n, kept);
  assert_int_equal(pt_ingest_cache_size(c), kept);
  static const struct {
    const char *path, *text; /* text NULL: the file is deleted */
  } edits[] = {
      {"b.c", "int b(void) { return 3; }\n"},                  /* body */
      {"b.c", "int b(void) { return 3; }\nint b2(void) { return a(); }\n"},
      {"k.py", "class K:\n    def m(self):\n        return 1\n"
               "class L(K):\n    pass\n"},                    /* removed */
      {"d.py", NULL},                                         /* deleted */
      {"e.py", "def d():\n    return 1\n"},                    /* added */
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    snprintf(full, sizeof full, "%s/%s", root, edits[i].path);
    if (edits[i].text)
      pt_test_write(root, edits[i].path, edits[i].text);
    else
      assert_int_equal(pt_fs_remove(full), 0);
    assert_int_equal(pt_ingest_cache_mark_dirty(c, edits[i].path), 0);
    int rc = pt_ingest_patch(&o, g, &next, &st);
    if (rc == PT_EAGAIN) {
      pt_error_clear();
      rc = pt_ingest(&o, &next, &st);
    }
    assert_int_equal(rc, 0);
    pt_ingest_stats_fini(&st);
    assert_non_null(next);
    char *live = dump(next), *fresh = fresh_dump(root);
    assert_same(live, fresh, edits[i].path);
    pt_free(live);
    pt_free(fresh);
    pt_graph_free(g);
    g = next;
    next = NULL;
  }
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  pt_ingest_cache_free(other);
  pt_free(root);
}

/* One file changed, one added, one deleted while nothing watched: the
 * first pass parses the changed and the added one (and the one whose key
 * moved back when the file it collided with went), and the result is
 * what a fresh index gives. */
static void tree_catches_up_parsing_only_changes(const char *engine)
{
  char *root = pt_test_tmpdir("live_start_changed");
  char *db = pt_test_tmpdir("live_start_changed_db");
  char full[600];
  write_start_tree(root);
  pt_graph *loaded = stored_index_in(engine, root, db);
  if (!loaded) {
    pt_free(root);
    pt_free(db);
    skip();
  }
  pt_test_write(root, "b.c", "int b(void) { return 2 + 20; }\n");
  pt_test_write(root, "e.py", "def e():\n    return c()\n");
  snprintf(full, sizeof full, "%s/c.py", root);
  assert_int_equal(pt_fs_remove(full), 0);
  seen s = {NULL, NULL, 0, 0};
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_live_status st;
  pt_live *lv = adopt_and_settle(root, loaded, &s, &st);
  assert_int_equal(st.files_parsed, 3); /* b.c, e.py, x/y.z.h */
  assert_int_equal(st.files_removed, 1);
  assert_int_equal(s.n, 1);
  char *live = dump(pt_live_graph(lv)), *fresh = fresh_dump(root);
  assert_same(live, fresh, "after the first pass");
  pt_free(live);
  pt_free(fresh);
  /* the earlier of the colliding files goes: the later gets its key back */
  snprintf(full, sizeof full, "%s/x.y/z.c", root);
  assert_int_equal(pt_fs_remove(full), 0);
  reindex(lv, "x.y/z.c");
  live = dump(pt_live_graph(lv));
  fresh = fresh_dump(root);
  assert_same(live, fresh, "after the collision went");
  pt_free(live);
  pt_free(fresh);
  pt_live_free(lv);
  pt_graph_free(loaded);
  pt_graph_free(s.g);
  pt_mutex_free(s.mu);
  pt_free(root);
  pt_free(db);
}

static void test_adopted_tree_catches_up_parsing_only_changes(void **state)
{
  (void)state;
  tree_catches_up_parsing_only_changes("sqlite");
}

static void test_adopted_tree_catches_up_parsing_only_changes_rocksdb(void **state)
{
  (void)state;
  tree_catches_up_parsing_only_changes("rocksdb");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_random_edits_equal_fresh_index),
    cmocka_unit_test(test_fixture_edits_equal_fresh_index),
    cmocka_unit_test(test_reindex_reports_the_file_delta),
    cmocka_unit_test(test_ignored_files_come_and_go),
    cmocka_unit_test(test_cache_reextracts_only_what_changed),
    cmocka_unit_test(test_cache_and_key_collisions),
    cmocka_unit_test(test_write_through_rocksdb),
    cmocka_unit_test(test_write_through_sqlite),
    cmocka_unit_test(live_backup__refused_once_is_never_tried_again),
    cmocka_unit_test(live_backup__held_file_is_retried_and_logged_once),
    cmocka_unit_test(live_backup__retries_stop_until_the_next_change),
    cmocka_unit_test(test_watcher_updates_by_itself),
    cmocka_unit_test(live_worker__sleeps_while_idle_and_wakes_for_an_event),
    cmocka_unit_test(live_worker__gives_free_pages_back_once_quiet),
    cmocka_unit_test(live_worker__drops_the_patch_arrays_once_quiet),
    cmocka_unit_test(live_worker__extracts_a_finished_file_while_it_settles),
    cmocka_unit_test(live_watch__sees_a_change_made_while_the_root_is_indexed),
    cmocka_unit_test(live_prepare__at_the_start_and_after_a_full_pass),
    cmocka_unit_test(test_pause_holds_changes_until_resume),
    cmocka_unit_test(test_adopted_first_pass_waits_for_resume),
    cmocka_unit_test(test_freshness_pending_until_published),
    cmocka_unit_test(test_adopted_unchanged_tree_parses_nothing),
    cmocka_unit_test(test_adopted_unchanged_tree_parses_nothing_rocksdb),
    cmocka_unit_test(test_adopted_records_of_another_extractor_are_parsed),
    cmocka_unit_test(test_adopted_as_is_seeds_at_the_first_update),
    cmocka_unit_test(test_adopted_unchanged_tree_merges_nothing),
      cmocka_unit_test(test_seed_of_many_files_patches_as_fresh),
    cmocka_unit_test(test_compacted_cache_patches_as_fresh),
    cmocka_unit_test(test_adopted_tree_catches_up_parsing_only_changes),
    cmocka_unit_test(test_adopted_tree_catches_up_parsing_only_changes_rocksdb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
