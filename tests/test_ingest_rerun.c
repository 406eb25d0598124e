/* A re-run of pt01 over a stored index: what changed in the tree since,
 * told from a real SQLite index's file records alone (pt_ingest_diff), and
 * the run itself (pt_ingest_rerun), which patches what changed into the
 * stored graph and must leave SQLite and RocksDB indexes exactly as a
 * fresh index of the tree. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* utimensat */
#endif
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>
#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#endif

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "pt/varint.h"
#include "pt/walk.h"
#include "reuse_support.h"
#include "test_support.h"
#include "ingest/ingest_int.h"
#include "store/store_sqlite_update.h"
#include "../platform/posix/store_rocksdb_int.h"

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

/* With ahead set, the cache is seeded and the re-run begun
 * (pt_ingest_rerun_begin) on a thread from the load's ready call, while
 * the edges load, as pt01 does; else after the load, in turn. */
static int ahead;
/* With lazily set, the cache is seeded as pt01 seeds it, the references
 * of files that note no bases left for when they are used
 * (pt_ingest_cache_seed_lazily). */
static int lazily;

static int seed_cache(pt_ingest_cache *c, const pt_graph *g, size_t *n)
{
  return lazily ? pt_ingest_cache_seed_lazily(c, g, n)
                : pt_ingest_cache_seed(c, g, n);
}

typedef struct begun {
  pt_ingest_opts *o;
  pt_ingest_cache *c;
  const pt_ingest_delta *d;
  const pt_graph *g;
  pt_thread *th;
  size_t n_seeded;
  size_t n_edges_at_ready;
  int rc;
} begun;

static void begin_rerun(void *payload)
{
  begun *b = payload;
  b->rc = seed_cache(b->c, b->g, &b->n_seeded);
  if (b->rc == 0)
    b->rc = pt_ingest_rerun_begin(b->o, b->c, b->g, b->d);
}

static void on_ready(const pt_graph *g, void *payload)
{
  begun *b = payload;
  b->g = g;
  b->n_edges_at_ready = pt_graph_n_edges(g);
  assert_int_equal(pt_thread_start(begin_rerun, b, &b->th), 0);
}

/* With ahead, *stored holds the file records the diff read, and the rest
 * is added to them as pt01 adds it (pt_store_load_rest_then; has_rest:
 * the engine has that load), else *stored is a new graph for all of it. */
static void load_and_seed(pt_store *s, pt_ingest_opts *o,
                          const pt_ingest_delta *d, pt_graph **stored,
                          int has_rest)
{
  begun b = {o, o->cache, d, NULL, NULL, 0, 0, 0};
  if (ahead) {
    size_t n_files = pt_graph_n_files(*stored);
    int rc = pt_store_load_rest_then(s, *stored, on_ready, &b);
    assert_int_equal(rc == PT_ENOTSUPPORTED, !has_rest);
    if (rc == PT_ENOTSUPPORTED) { /* nothing added: a new load of it all */
      pt_error_clear();
      assert_null(b.th);
      assert_int_equal(pt_graph_n_entities(*stored), 0);
      assert_int_equal(pt_graph_n_files(*stored), n_files);
      pt_graph_free(*stored);
      assert_int_equal(pt_graph_new(stored), 0);
      rc = pt_store_load_without_code_then(s, *stored, on_ready, &b);
    }
    assert_int_equal(rc, 0);
    assert_non_null(b.th);
    pt_thread_join(b.th);
    assert_int_equal(b.rc, 0);
    assert_int_equal(b.n_edges_at_ready, 0); /* the edges come last */
  } else {
    assert_int_equal(pt_store_load_without_code(s, *stored), 0);
    assert_int_equal(seed_cache(o->cache, *stored, &b.n_seeded), 0);
  }
  assert_int_equal(b.n_seeded, pt_graph_n_files(*stored));
  assert_true(pt_graph_n_edges(*stored) > 0);
}

/* pt01 again over the index at t->spec, as the CLI runs it: the diff over
 * the file records, then the whole stored graph, a cache seeded from it,
 * pt_ingest_rerun and the changes written. *is_patched: the new graph is
 * the patched stored one (it shares its strings) rather than a whole
 * run's. */
/* The file records read, for pt_ingest_diff_loading. */
typedef struct files_load {
  pt_store *s;
  pt_graph *files;
  int rc;                   /* what load_files returns */
} files_load;

static int load_files(void *payload)
{
  files_load *f = payload;
  return f->rc ? PT_ERR(f->rc, "the records are not there")
               : pt_store_load_files(f->s, f->files);
}

/* With parse_for_other set (and ahead), the files are extracted ahead for
 * another delta than the re-run's, of the same changes. */
static int parse_for_other;

/* With ahead set, the tree is also walked while the file records load
 * (pt_ingest_diff_loading) and the changed files are extracted while the
 * index loads (pt_ingest_rerun_parse_ahead), as pt01 does. */
static void rerun(const tree *t, pt_ingest_stats *st, int *is_patched)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_graph *files = NULL, *stored = NULL, *g = NULL;
  pt_ingest_cache *c = NULL;
  pt_ingest_delta d;
  pt_store *s = NULL;
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_CREATE, &s), 0);
  assert_int_equal(pt_graph_new(&files), 0);
  files_load f = {s, files, 0};
  if (ahead) {
    assert_int_equal(pt_ingest_diff_loading(&o, load_files, &f, files, &d), 0);
  } else {
    assert_int_equal(pt_store_load_files(s, files), 0);
    assert_int_equal(pt_ingest_diff(&o, files, &d), 0);
  }
  assert_false(pt_ingest_delta_is_empty(&d));
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  o.cache = c;
  pt_ingest_delta other;
  memset(&other, 0, sizeof other);
  if (ahead && parse_for_other)
    assert_int_equal(pt_ingest_diff(&o, files, &other), 0);
  if (ahead)
    assert_int_equal(pt_ingest_rerun_parse_ahead(
                         &o, c, parse_for_other ? &other : &d), 0);
  if (ahead) { /* the rest added to the records read, as pt01 loads */
    stored = files;
    files = NULL;
  } else {
    assert_int_equal(pt_graph_new(&stored), 0);
  }
  load_and_seed(s, &o, &d, &stored, strncmp(t->spec, "mem", 3) != 0);
  if (pt_ingest_rerun(&o, stored, &d, &g, st) != 0)
    fail_msg("pt_ingest_rerun: %s", pt_error_last()->message);
  *is_patched = pt_graph_pool_of(g) == pt_graph_pool_of(stored);
  /* a patch took the begun tables and reads, else made its own, and the
   * changed files extracted ahead */
  if (*is_patched)
    assert_int_equal(pt__rerun_last_was_begun(), ahead);
  if (*is_patched && d.n_changed)
    assert_int_equal(pt__rerun_last_parsed_ahead(), ahead && !parse_for_other);
  assert_int_equal(pt_store_write_changes(s, stored, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  pt_graph_free(stored);
  pt_graph_free(files);
  pt_ingest_delta_fini(&d);
  pt_ingest_delta_fini(&other); /* after the cache: its extraction reads it */
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
/* The tree's store: "mem", or an index of that engine in the tree's
 * folder. */
static void set_spec(tree *t, const char *engine)
{
  if (!strcmp(engine, "mem"))
    snprintf(t->spec, sizeof t->spec, "mem");
  else
    snprintf(t->spec, sizeof t->spec, "%s:%s/index.%s", engine, t->dir,
             engine);
}

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
    set_spec(&t, engines[e]);
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
    set_spec(&t, engines[e]);
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
  for (lazily = 0; lazily <= 1; lazily++)
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
      rerun_on(&changes[i]);
  lazily = 0;
}

/* The tables made and the reads found while the edges load, from the
 * records but the edges, give what they give after the load. */
static void rerun__begun_while_the_edges_load_gives_a_fresh_index(void **state)
{
  ahead = lazily = 1; /* as pt01 */
  for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
    rerun_on(&changes[i]);
  ahead = lazily = 0;
}

/* SQLite writes a re-run's changes in place on POSIX and into a copy
 * moved over the index on Windows: both give a fresh index, whichever the
 * platform. */

static void rerun__in_place_and_in_a_copy_give_a_fresh_index(void **state)
{
  for (int in_place = 0; in_place <= 1; in_place++) {
    pt__sqlite_set_in_place(in_place);
    rerun_on(&changes[0]);
    rerun_on(&changes[2]);
  }
  pt__sqlite_set_in_place(-1);
}

/* The code of every entity the store at spec holds is the code a fresh
 * index of t's tree gives it (a dump leaves code out). */
static void assert_stored_code_is_fresh(const tree *t)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_ingest_stats st;
  pt_graph *fresh = NULL, *g = NULL;
  pt_store *s = NULL;
  size_t n_code = 0;
  assert_int_equal(pt_ingest(&o, &fresh, &st), 0);
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_READ, &s), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(s, g), 0);
  assert_int_equal(pt_graph_n_entities(g), pt_graph_n_entities(fresh));
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    const pt_entity *a = &pt_graph_entities(fresh)[i];
    const pt_entity *b = &pt_graph_entities(g)[i];
    assert_string_equal(a->key, b->key);
    assert_int_equal(!a->code, !b->code);
    if (!a->code)
      continue;
    assert_int_equal(pt_entity_code_len(a), pt_entity_code_len(b));
    assert_memory_equal(a->code, b->code, pt_entity_code_len(a));
    n_code++;
  }
  assert_true(n_code > 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_graph_free(fresh);
  pt_ingest_stats_fini(&st);
}

/* A RocksDB index of an older format (8: each entity's code in its
 * record; 9: each entity's code a record of its own, none a range), as
 * the builds before wrote it with save: a re-run reads it with its code,
 * patches it and writes it whole as format 10; the next re-run reads
 * format 10 without code and writes only its changes. Both give a fresh
 * index, code and all. */
static void rerun_over_format(const char *name,
                              int (*save)(pt_store *, const pt_graph *))
{
  pt_ingest_opts o;
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *s = NULL;
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  tree t;
  int is_patched = -1;
  make_tree(&t, name);
  set_spec(&t, "rocksdb");
  if (!engine_is_built(&t)) {
    drop_tree(&t);
    skip();
  }
  memset(&o, 0, sizeof o);
  o.root = t.src;
  o.n_threads = 1;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(pt_store_open(t.spec, &s), 0);
  assert_int_equal(save(s, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  lazily = 1; /* as pt01 */
  void (*const steps[])(const char *) = {edit_file, add_file};
  for (size_t k = 0; k < 2; k++) {
    /* the old format loads whole, its edges before ready; 10 as pt01 */
    ahead = k == 1;
    steps[k](t.src);
    pt_buf_clear(&want);
    pt_buf_clear(&got);
    fresh_dump(&t, &want);
    rerun(&t, &st, &is_patched);
    assert_int_equal(is_patched, 1);
    pt_ingest_stats_fini(&st);
    stored_dump(t.spec, &got);
    assert_string_equal(pt_buf_cstr(&want), pt_buf_cstr(&got));
    assert_stored_code_is_fresh(&t);
  }
  ahead = lazily = 0;
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  drop_tree(&t);
}

static void rerun__a_rocksdb_index_of_format_8_gives_a_fresh_index(
    void **state)
{
  (void)state;
  rerun_over_format("rerun_format8", pt__store_rocksdb_save_format8);
}

static void rerun__a_rocksdb_index_of_format_9_gives_a_fresh_index(
    void **state)
{
  (void)state;
  rerun_over_format("rerun_format9", pt__store_rocksdb_save_format9);
}

/* ---- a load without the entities' code --------------------------------- */

/* The load without code holds what the load holds, every code NULL. */
static void load_without_code__is_the_load_without_any_code(void **state)
{
  static const char *const engines[] = {"sqlite", "rocksdb"};
  tree t;
  make_tree(&t, "rerun_nocode");
  for (int e = 0; e < 2; e++) {
    pt_graph *whole = NULL, *lean = NULL;
    pt_store *s = NULL;
    set_spec(&t, engines[e]);
    if (!engine_is_built(&t))
      continue;
    index_and_save(&t);
    assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_READ, &s), 0);
    assert_int_equal(pt_graph_new(&whole), 0);
    assert_int_equal(pt_graph_new(&lean), 0);
    assert_int_equal(pt_store_load(s, whole), 0);
    assert_int_equal(pt_store_load_without_code(s, lean), 0);
    size_t n = pt_graph_n_entities(whole);
    assert_true(n > 0);
    assert_int_equal(pt_graph_n_entities(lean), n);
    for (size_t i = 0; i < n; i++) {
      pt_entity a = pt_graph_entities(whole)[i];
      const pt_entity *b = &pt_graph_entities(lean)[i];
      assert_non_null(a.code);
      assert_null(b->code);
      assert_string_equal(a.key, b->key);
      assert_string_equal(a.content_hash, b->content_hash);
      assert_int_equal(a.line_end, b->line_end);
    }
    assert_int_equal(pt_graph_n_edges(lean), pt_graph_n_edges(whole));
    assert_int_equal(pt_graph_n_files(lean), pt_graph_n_files(whole));
    pt_store_close(s);
    pt_graph_free(whole);
    pt_graph_free(lean);
  }
  drop_tree(&t);
}

/* What a load's ready call saw. */
typedef struct seen {
  size_t n_calls, n_entities, n_files, n_edges;
} seen;

static void count_ready(const pt_graph *g, void *payload)
{
  seen *s = payload;
  s->n_calls++;
  s->n_entities = pt_graph_n_entities(g);
  s->n_files = pt_graph_n_files(g);
  s->n_edges = pt_graph_n_edges(g);
}

/* The load with the edges last holds what the load without code holds;
 * its ready call comes once, with every record but the edges (SQLite and
 * RocksDB), or after the whole load (mem). */
static void load_without_code_then__gives_the_records_then_the_edges(
    void **state)
{
  static const char *const engines[] = {"sqlite", "rocksdb", "mem"};
  tree t;
  make_tree(&t, "rerun_then");
  for (int e = 0; e < 3; e++) {
    pt_graph *lean = NULL, *then = NULL;
    pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
    pt_store *s = NULL;
    seen n = {0, 0, 0, 0};
    set_spec(&t, engines[e]);
    if (!engine_is_built(&t))
      continue;
    if (e < 2) {
      index_and_save(&t);
      assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_READ, &s), 0);
    } else { /* mem keeps what this store saved */
      pt_ingest_opts o = {.root = t.src, .n_threads = 1};
      pt_ingest_stats st;
      pt_graph *g = NULL;
      assert_int_equal(pt_ingest(&o, &g, &st), 0);
      assert_int_equal(pt_store_open(t.spec, &s), 0);
      assert_int_equal(pt_store_save(s, g), 0);
      pt_graph_free(g);
      pt_ingest_stats_fini(&st);
    }
    assert_int_equal(pt_graph_new(&lean), 0);
    assert_int_equal(pt_graph_new(&then), 0);
    assert_int_equal(pt_store_load_without_code(s, lean), 0);
    assert_int_equal(pt_store_load_without_code_then(s, then, count_ready, &n),
                     0);
    assert_int_equal(n.n_calls, 1);
    assert_int_equal(n.n_entities, pt_graph_n_entities(lean));
    assert_int_equal(n.n_files, pt_graph_n_files(lean));
    assert_true(pt_graph_n_edges(lean) > 0);
    assert_int_equal(n.n_edges, e < 2 ? 0 : pt_graph_n_edges(lean));
    dump(lean, &a);
    dump(then, &b);
    assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&b));
    pt_buf_fini(&a);
    pt_buf_fini(&b);
    pt_store_close(s);
    pt_graph_free(lean);
    pt_graph_free(then);
  }
  drop_tree(&t);
}

/* Makes the store at t->spec, whose file records were read, another
 * index: a table added to the SQLite file (it grows), a save of the
 * same graph into RocksDB (a new generation). */
static void change_store(const tree *t, int engine, pt_store *s,
                         const pt_graph *lean)
{
  if (engine == 0) {
    char path[800];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/index.sqlite", t->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE other(x);"
                                  " INSERT INTO other VALUES (1)", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(db);
  } else {
    pt_graph *whole = NULL;
    assert_int_equal(pt_graph_new(&whole), 0);
    assert_int_equal(pt_store_load(s, whole), 0);
    assert_int_equal(pt_store_save(s, whole), 0);
    pt_graph_free(whole);
  }
  (void)lean;
}

/* A commit into the SQLite file in place, after its file records were read,
 * that its size and mtime do not show: the rows of a file in WAL mode
 * (the main file stays as it was while a writer keeps the WAL open), and
 * a row added into a page that had room, the file's mtime set back (a
 * commit within the clock's tick). The rest of the index is then not added to those
 * records: PT_ENOTSUPPORTED, nothing read, and pt01 loads whole. */
static void load_rest_then__sees_commits_that_keep_size_and_mtime(
    void **state)
{
  tree t;
  make_tree(&t, "rerun_rest_commit");
  set_spec(&t, "sqlite");
  for (int wal = 1; wal >= 0; wal--) {
#ifdef _WIN32
    if (!wal)
      continue; /* no utimensat */
#endif
    char path[800];
    sqlite3 *w = NULL;
    pt_graph *rest = NULL;
    pt_store *s = NULL;
    seen n = {0, 0, 0, 0};
    pt_fs_stat before, after;
    index_and_save(&t);
    snprintf(path, sizeof path, "%s/index.sqlite", t.dir);
    if (wal) {
      assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
      assert_int_equal(sqlite3_exec(w, "PRAGMA journal_mode=WAL", NULL, NULL,
                                    NULL), SQLITE_OK);
      sqlite3_close(w);
    }
    assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_CREATE, &s), 0);
    assert_int_equal(pt_graph_new(&rest), 0);
    assert_int_equal(pt_store_load_files(s, rest), 0);
    size_t n_files = pt_graph_n_files(rest);
    assert_int_equal(pt_fs_stat_path(path, &before), 0);
    assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w, "PRAGMA wal_autocheckpoint=0;"
                                  " INSERT INTO meta VALUES ('a', 'row')", NULL,
                                  NULL, NULL), SQLITE_OK);
#ifndef _WIN32
    if (!wal) {
      struct timespec ts[2] = {{0, UTIME_OMIT},
                               {(time_t)(before.mtime_ns / 1000000000),
                                (long)(before.mtime_ns % 1000000000)}};
      assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    }
#endif
    assert_int_equal(pt_fs_stat_path(path, &after), 0);
    assert_int_equal(after.size, before.size);
    assert_int_equal(after.mtime_ns, before.mtime_ns);
    assert_int_equal(pt_store_load_rest_then(s, rest, count_ready, &n),
                     PT_ENOTSUPPORTED);
    pt_error_clear();
    assert_int_equal(n.n_calls, 0);
    assert_int_equal(pt_graph_n_entities(rest), 0);
    assert_int_equal(pt_graph_n_files(rest), n_files);
    sqlite3_close(w);
    pt_store_close(s);
    pt_graph_free(rest);
  }
  drop_tree(&t);
}

/* The rest of an index added to the file records pt01 read to compare
 * (pt_store_load_rest_then) holds what a load without code holds, and
 * its ready comes once, with every record but the edges; after the store
 * changed, or where the engine has no such load (mem), it adds nothing,
 * calls no ready and says PT_ENOTSUPPORTED. */
static void load_rest_then__adds_the_rest_to_the_file_records(void **state)
{
  static const char *const engines[] = {"sqlite", "rocksdb", "mem"};
  tree t;
  make_tree(&t, "rerun_rest");
  for (int e = 0; e < 3; e++) {
    for (int changed = 0; changed < 2; changed++) {
      pt_graph *lean = NULL, *rest = NULL;
      pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
      pt_store *s = NULL;
      seen n = {0, 0, 0, 0};
      set_spec(&t, engines[e]);
      if (!engine_is_built(&t))
        continue;
      if (e < 2)
        index_and_save(&t);
      assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_CREATE, &s), 0);
      assert_int_equal(pt_graph_new(&lean), 0);
      assert_int_equal(pt_graph_new(&rest), 0);
      if (e < 2) { /* mem holds nothing here */
        assert_int_equal(pt_store_load_without_code(s, lean), 0);
        assert_int_equal(pt_store_load_files(s, rest), 0);
      }
      size_t n_files = pt_graph_n_files(rest);
      if (changed && e < 2)
        change_store(&t, e, s, lean);
      int rc = pt_store_load_rest_then(s, rest, count_ready, &n);
      if (e == 2 || changed) {
        assert_int_equal(rc, PT_ENOTSUPPORTED);
        pt_error_clear();
        assert_int_equal(n.n_calls, 0);
        assert_int_equal(pt_graph_n_entities(rest), 0);
        assert_int_equal(pt_graph_n_edges(rest), 0);
        assert_int_equal(pt_graph_n_files(rest), n_files);
      } else {
        assert_int_equal(rc, 0);
        assert_int_equal(n.n_calls, 1);
        assert_int_equal(n.n_entities, pt_graph_n_entities(lean));
        assert_int_equal(n.n_files, pt_graph_n_files(lean));
        assert_int_equal(n.n_edges, 0);
        assert_true(pt_graph_n_edges(lean) > 0);
        dump(lean, &a);
        dump(rest, &b);
        assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&b));
      }
      pt_buf_fini(&a);
      pt_buf_fini(&b);
      pt_store_close(s);
      pt_graph_free(lean);
      pt_graph_free(rest);
    }
  }
  drop_tree(&t);
}

/* A load that fails on its edges, after ready started the re-run's work
 * beside them: the load says so and the work is joined and freed as after
 * a load that succeeds (a SQLite edge row naming a string id out of
 * range, its last). */
static void load_without_code_then__fails_on_the_edges_after_ready(
    void **state)
{
  pt_ingest_opts o = {.n_threads = 1};
  pt_graph *files = NULL, *stored = NULL;
  pt_ingest_delta d;
  pt_store *s = NULL;
  sqlite3 *db = NULL;
  char path[800];
  tree t;
  make_tree(&t, "rerun_bad_edge");
  o.root = t.src;
  index_and_save(&t);
  snprintf(path, sizeof path, "%s/index.db", t.dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE edge_rows SET to_id = 1000000000"
                                " WHERE at = (SELECT max(at) FROM"
                                " edge_rows)", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_changes(db), 1);
  sqlite3_close(db);
  edit_file(t.src);
  assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_CREATE, &s), 0);
  assert_int_equal(pt_graph_new(&files), 0);
  assert_int_equal(pt_store_load_files(s, files), 0);
  assert_int_equal(pt_ingest_diff(&o, files, &d), 0);
  assert_int_equal(pt_graph_new(&stored), 0);
  assert_int_equal(pt_ingest_cache_new(&o.cache), 0);
  begun b = {&o, o.cache, &d, NULL, NULL, 0, 0, 0};
  assert_int_not_equal(pt_store_load_without_code_then(s, stored, on_ready,
                                                       &b), 0);
  pt_error_clear();
  assert_non_null(b.th); /* ready came before the edges */
  pt_thread_join(b.th);
  assert_int_equal(b.rc, 0);
  assert_int_equal(b.n_seeded, pt_graph_n_files(stored));
  pt_ingest_cache_free(o.cache); /* and what was begun in it */
  pt_store_close(s);
  pt_graph_free(stored);
  pt_graph_free(files);
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

/* A store that cannot write changes to a graph without code (an older
 * format) says so, and the wrapper loads whole. */
static int fake_load(pt_store *self, pt_graph *into)
{
  pt_entity e;
  memset(&e, 0, sizeof e);
  e.key = "c:fn:f";
  e.name = "f";
  e.qualname = "f";
  e.file_path = "f.c";
  e.code = "int f(void);";
  int rc = pt_graph_add_entity(into, &e);
  return rc ? rc : pt_graph_finish(into);
}

static int fake_cannot(pt_store *self, pt_graph *into)
{
  return PT_ERR(PT_ENOTSUPPORTED, "an older format");
}

static int fake_cannot_then(pt_store *self, pt_graph *into,
                            pt_store_ready_fn ready, void *payload)
{
  return PT_ERR(PT_ENOTSUPPORTED, "an older format");
}

static void fake_close(pt_store *self) {}

static void load_without_code__loads_whole_where_changes_are_not_written(
    void **state)
{
  static const pt_store_ops ops = {"fake", NULL, fake_load, fake_close, NULL,
                                   NULL, NULL, fake_cannot, NULL, NULL};
  pt_store st = {&ops};
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load_without_code(&st, g), 0);
  assert_int_equal(pt_graph_n_entities(g), 1);
  assert_string_equal(pt_graph_entities(g)[0].code, "int f(void);");
  assert_int_equal(pt_error_last()->code, 0);
  pt_graph_free(g);
}

/* The same with the edges last: the wrapper loads whole, then calls
 * ready once. */
static void load_without_code_then__loads_whole_where_changes_are_not_written(
    void **state)
{
  static const pt_store_ops ops = {"fake", NULL, fake_load, fake_close, NULL,
                                   NULL, NULL, fake_cannot, fake_cannot_then,
                                   NULL};
  pt_store st = {&ops};
  pt_graph *g = NULL;
  seen n = {0, 0, 0, 0};
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load_without_code_then(&st, g, count_ready, &n),
                   0);
  assert_int_equal(n.n_calls, 1);
  assert_int_equal(n.n_entities, 1);
  assert_string_equal(pt_graph_entities(g)[0].code, "int f(void);");
  assert_int_equal(pt_error_last()->code, 0);
  pt_graph_free(g);
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

/* ---- what each file read: recorded only where it can matter ----------- */

/* The re-run of t (SQLite) against a fresh index of its tree: equal, or
 * the test fails naming what. The files resolved for what they read go
 * to *n_read. */
static void rerun_equals_fresh(const tree *t, const char *what, size_t *n_read)
{
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  pt_ingest_stats st;
  int is_patched = -1;
  fresh_dump(t, &want);
  rerun(t, &st, &is_patched);
  *n_read = pt__rerun_last_n_read();
  stored_dump(t->spec, &got);
  if (strcmp(pt_buf_cstr(&want), pt_buf_cstr(&got)) != 0) {
    const char *w = pt_buf_cstr(&want), *g = pt_buf_cstr(&got);
    size_t i = 0;
    while (w[i] && w[i] == g[i])
      i++;
    fail_msg("%s: the re-run's index is not a fresh index's at\n fresh:  %.300s\n"
             " re-run: %.300s", what, w + (i > 80 ? i - 80 : 0),
             g + (i > 80 ? i - 80 : 0));
  }
  pt_ingest_stats_fini(&st);
  pt_buf_fini(&want);
  pt_buf_fini(&got);
}

static void three_files(tree *t, const char *tag)
{
  t->dir = pt_test_tmpdir(tag);
  snprintf(t->src, sizeof t->src, "%s/src", t->dir);
  snprintf(t->spec, sizeof t->spec, "sqlite:%s/index.db", t->dir);
  pt_test_write(t->src, "x.py", "def x():\n    return 1\n");
  pt_test_write(t->src, "y.py", "def y():\n    return fresh_name() + x()\n");
  pt_test_write(t->src, "z.py", "def z():\n    return 3\n");
}

/* A body edit changes no definition: no file is resolved for its reads. */
static void rerun__a_body_edit_resolves_no_file_for_its_reads(void **state)
{
  tree t;
  size_t n_read;
  three_files(&t, "rerun_body");
  index_and_save(&t);
  pt_test_write(t.src, "x.py", "def x():\n    return 1 + 1\n");
  rerun_equals_fresh(&t, "a body edit", &n_read);
  assert_int_equal(n_read, 0);
  drop_tree(&t);
}

/* A new definition whose name only one other file's references hold: only
 * that file is resolved for its reads, and its edge now finds the
 * definition. */
static void rerun__a_new_definition_reads_only_the_files_naming_it(void **state)
{
  tree t;
  size_t n_read;
  three_files(&t, "rerun_new_def");
  index_and_save(&t);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  assert_int_equal(n_read, 1);
  drop_tree(&t);
}

/* A new name that an unchanged definition's strings hold (here in a
 * longer name) could be looked up from it: every file is resolved for
 * its reads. */
static void rerun__a_name_in_another_definition_reads_every_file(void **state)
{
  tree t;
  size_t n_read;
  three_files(&t, "rerun_name_in_def");
  pt_test_write(t.src, "w.py", "def fresh_name_too():\n    return 5\n");
  index_and_save(&t);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  assert_int_equal(n_read, 4);
  drop_tree(&t);
}

/* Begun while the edges load, the re-run resolves for their reads the
 * files it resolves when begun after: none for a body edit, the one file
 * naming a new definition. */
static void rerun__begun_reads_what_the_rerun_reads(void **state)
{
  tree t;
  size_t n_read;
  ahead = lazily = 1;
  three_files(&t, "rerun_begun_reads");
  index_and_save(&t);
  pt_test_write(t.src, "x.py", "def x():\n    return 1 + 1\n");
  rerun_equals_fresh(&t, "a body edit, begun", &n_read);
  assert_int_equal(n_read, 0);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added, begun", &n_read);
  assert_int_equal(n_read, 1);
  ahead = lazily = 0;
  drop_tree(&t);
}

/* A class that extends another, in a file that notes its bases, gains a
 * method: its bases are noted again, from the same lookups, so only the
 * file whose references name the method is resolved for its reads, and
 * the index is a fresh index's. When the file's own references name the
 * new method, noting them again could find it: every file. */
static void rerun__a_new_method_of_a_class_with_bases_reads_its_callers(
    void **state)
{
  tree t;
  size_t n_read;
  t.dir = pt_test_tmpdir("rerun_bases_method");
  snprintf(t.src, sizeof t.src, "%s/src", t.dir);
  snprintf(t.spec, sizeof t.spec, "sqlite:%s/index.db", t.dir);
  pt_test_write(t.src, "a.ts", "export class A {\n  run(): number { return 1; }\n}\n");
  pt_test_write(t.src, "b.ts",
                "import { A } from './a';\n"
                "export class B extends A {\n"
                "  stop(): number { return this.helper(); }\n}\n");
  pt_test_write(t.src, "c.ts",
                "import { B } from './b';\n"
                "export function useIt(): number {\n"
                "  const b = new B();\n  return b.goFar() + b.run();\n}\n");
  pt_test_write(t.src, "d.ts", "export function other(): number { return 3; }\n");
  index_and_save(&t);
  pt_test_write(t.src, "b.ts",
                "import { A } from './a';\n"
                "export class B extends A {\n"
                "  stop(): number { return this.helper(); }\n"
                "  goFar(): number { return 4; }\n}\n");
  rerun_equals_fresh(&t, "a method added to a class with bases", &n_read);
  assert_int_equal(n_read, 1);
  pt_test_write(t.src, "b.ts",
                "import { A } from './a';\n"
                "export class B extends A {\n"
                "  stop(): number { return this.helper(); }\n"
                "  goFar(): number { return 4; }\n"
                "  helper(): number { return 5; }\n}\n");
  rerun_equals_fresh(&t, "a method its own file calls", &n_read);
  assert_int_equal(n_read, 4);
  drop_tree(&t);
}

/* The walk beside the records' load finds what the walk after it finds,
 * and a load that fails is what the diff returns, with nothing found. */
static void rerun__the_walk_beside_the_load_finds_what_the_diff_finds(
    void **state)
{
  tree t;
  pt_ingest_delta want, got;
  pt_ingest_opts o;
  pt_graph *files = NULL;
  pt_store *s = NULL;
  make_tree(&t, "rerun_walk_beside");
  index_and_save(&t);
  pt_test_write(t.src, "a.py", "def a():\n    return b() + 1\n");
  pt_test_write(t.src, "lib/d.c", "int d(void) { return 3; }\n");
  diff(&t, &want);
  o = (pt_ingest_opts){.root = t.src, .n_threads = 1};
  assert_int_equal(pt_store_open_mode(t.spec, PT_STORE_CREATE, &s), 0);
  assert_int_equal(pt_graph_new(&files), 0);
  files_load f = {s, files, 0};
  assert_int_equal(pt_ingest_diff_loading(&o, load_files, &f, files, &got), 0);
  assert_int_equal(got.n_files, want.n_files);
  assert_int_equal(got.n_changed, 1);
  assert_string_equal(got.changed[0], want.changed[0]);
  assert_int_equal(got.n_added, 1);
  assert_string_equal(got.added[0], want.added[0]);
  assert_int_equal(got.n_removed, want.n_removed);
  assert_int_equal(got.ignored_changed, want.ignored_changed);
  assert_null(got.why_whole);
  pt_ingest_delta_fini(&got);
  f.rc = PT_ENOTFOUND;
  assert_int_equal(pt_ingest_diff_loading(&o, load_files, &f, files, &got),
                   PT_ENOTFOUND);
  assert_int_equal(got.n_files + got.n_changed + got.n_added, 0);
  pt_ingest_delta_fini(&got);
  pt_ingest_delta_fini(&want);
  pt_store_close(s);
  pt_graph_free(files);
  drop_tree(&t);
}

/* Files extracted ahead for another delta are not taken: the re-run
 * extracts its own and gives a fresh index. A cache freed with an
 * extraction ahead still running waits for it. */
static void rerun__files_parsed_ahead_for_another_delta_are_not_taken(
    void **state)
{
  tree t;
  pt_ingest_delta d;
  pt_ingest_cache *c = NULL;
  pt_ingest_opts o;
  size_t n_read;
  three_files(&t, "rerun_parse_other");
  index_and_save(&t);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  diff(&t, &d);
  assert_int_equal(d.n_changed, 1);
  o = (pt_ingest_opts){.root = t.src, .n_threads = 1};
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_rerun_parse_ahead(&o, c, &d), 0);
  pt_ingest_cache_free(c); /* joins it */
  ahead = lazily = parse_for_other = 1;
  rerun_equals_fresh(&t, "a definition added, parsed for another", &n_read);
  assert_int_equal(n_read, 1);
  ahead = lazily = parse_for_other = 0;
  pt_ingest_delta_fini(&d);
  drop_tree(&t);
}

/* Copies the fixture tree of lang to dst. */
static void copy_fixture(const char *lang, const char *dst)
{
  char from[700], path[1400];
  snprintf(from, sizeof from, "%s/lang/%s", PT_FIXTURES, lang);
  pt_walk_opts wo = {from, PT_INGEST_DEFAULT_MAX_FILE_SIZE, NULL, 0};
  pt_walk_result *w = NULL;
  assert_int_equal(pt_walk(&wo, &w), 0);
  for (size_t i = 0; i < w->n_files; i++) {
    snprintf(path, sizeof path, "%s/%s", from, w->files[i].path);
    char *text = pt_test_read(path);
    pt_test_write(dst, w->files[i].path, text);
    pt_free(text);
  }
  pt_walk_result_free(w);
}

/* text with lines [from, to] (1-based) left out; caller frees. */
static char *without_lines(const char *text, uint32_t from, uint32_t to)
{
  size_t len = strlen(text);
  char *out = pt_malloc(len + 1), *o = out;
  uint32_t line = 1;
  for (const char *p = text; *p; p++) {
    if (line < from || line > to)
      *o++ = *p;
    if (*p == '\n')
      line++;
  }
  *o = '\0';
  return out;
}

/* text with the first `name` on line `at` renamed nameZq; NULL when that
 * line does not hold it. Caller frees. */
static char *renamed(const char *text, uint32_t at, const char *name)
{
  const char *p = text;
  for (uint32_t line = 1; *p && line < at; p++)
    line += *p == '\n';
  const char *eol = strchr(p, '\n'), *hit = strstr(p, name);
  if (!hit || (eol && hit > eol) || !name[0])
    return NULL;
  size_t len = strlen(text), nl = strlen(name);
  char *out = pt_malloc(len + 3);
  memcpy(out, text, (size_t)(hit - text) + nl);
  memcpy(out + (hit - text) + nl, "Zq", 2);
  memcpy(out + (hit - text) + nl + 2, hit + nl, len - (size_t)(hit - text) - nl + 1);
  return out;
}

/* Definitions removed or renamed in the fixture trees of several
 * languages, one file at a time: each re-run's index is a fresh index's,
 * some recorded the reads of a few files only and some of every file. */
static void rerun__definitions_removed_or_renamed_give_a_fresh_index(void **state)
{
  /* a few files of each: every case indexes the tree again (about 0.1 s) */
  static const char *const langs[] = {"c", "cpp", "python", "typescript",
                                      "go", "java", "rust"};
  size_t n_few = 0, n_every = 0;
  for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
    tree t;
    pt_graph *g = NULL;
    pt_ingest_opts o = {.n_threads = 1};
    pt_ingest_stats st;
    t.dir = pt_test_tmpdir("rerun_defs");
    snprintf(t.src, sizeof t.src, "%s/src", t.dir);
    copy_fixture(langs[l], t.src);
    o.root = t.src;
    assert_int_equal(pt_ingest(&o, &g, &st), 0);
    pt_ingest_stats_fini(&st);
    const pt_file_record *f = pt_graph_files(g);
    const pt_entity *e = pt_graph_entities(g);
    size_t nf = pt_graph_n_files(g), ne = pt_graph_n_entities(g), n_case = 0;
    for (size_t i = 0; i < nf && i < 3; i++) {
      size_t first = ne, last_top = ne;
      for (size_t j = 0; j < ne; j++)
        if (strcmp(e[j].file_path, f[i].path) == 0) {
          if (first == ne || e[j].line_start < e[first].line_start)
            first = j;
          if (!e[j].parent_key &&
              (last_top == ne || e[j].line_start > e[last_top].line_start))
            last_top = j;
        }
      if (first == ne)
        continue;
      char path[1400];
      snprintf(path, sizeof path, "%s/%s", t.src, f[i].path);
      char *was = pt_test_read(path);
      for (int how = 0; how < 2; how++) {
        char *now = how == 0 ? (last_top < ne ? without_lines(was, e[last_top].line_start,
                                                              e[last_top].line_end)
                                              : NULL)
                             : renamed(was, e[first].line_start, e[first].name);
        if (!now)
          continue;
        char what[1600];
        size_t n_read;
        /* in turn: SQLite, SQLite begun while the edges load (and
         * seeded lazily, as pt01 does), RocksDB, RocksDB begun */
        ahead = lazily = (int)(n_case % 2);
        snprintf(t.spec, sizeof t.spec, "rocksdb:%s/index%zu.db", t.dir, n_case);
        if (n_case++ % 4 < 2 || !engine_is_built(&t))
          snprintf(t.spec, sizeof t.spec, "sqlite:%s/index%zu.db", t.dir,
                   n_case - 1);
        pt_store *s = NULL;
        assert_int_equal(pt_store_open(t.spec, &s), 0);
        assert_int_equal(pt_store_save(s, g), 0);
        pt_store_close(s);
        pt_test_write(t.src, f[i].path, now);
        snprintf(what, sizeof what, "%s, %s %s", langs[l], f[i].path,
                 how == 0 ? "lost a definition" : "renamed one");
        rerun_equals_fresh(&t, what, &n_read);
        if (n_read < nf)
          n_few++;
        else
          n_every++;
        pt_test_write(t.src, f[i].path, was);
        pt_free(now);
      }
      pt_free(was);
    }
    pt_graph_free(g);
    drop_tree(&t);
  }
  ahead = lazily = 0;
  assert_true(n_few > 0);
  assert_true(n_every > 0);
}

/* ---- a seed that leaves references for later ------------------------- */

static int same_str(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Two results' references are the same, field by field. */
static void assert_same_refs(const pt_file_result *a, const pt_file_result *b)
{
  assert_int_equal(a->n_refs, b->n_refs);
  for (size_t k = 0; k < a->n_refs; k++) {
    const pt_raw_ref *x = &a->refs[k], *y = &b->refs[k];
    assert_string_equal(x->from_key, y->from_key);
    assert_string_equal(x->name, y->name);
    assert_true(same_str(x->scope, y->scope));
    assert_true(same_str(x->module, y->module));
    assert_true(same_str(x->recv_type, y->recv_type));
    assert_true(same_str(x->arg_types, y->arg_types));
    assert_int_equal(x->from_entity, y->from_entity);
    assert_int_equal(x->kind, y->kind);
    assert_int_equal(x->via, y->via);
    assert_int_equal(x->recv_how, y->recv_how);
    assert_int_equal(x->arity, y->arity);
    assert_int_equal(x->is_base_init, y->is_base_init);
    assert_int_equal(x->line, y->line);
  }
}

/* A Python tree where one file of three names a base class. */
static void bases_tree(tree *t, const char *tag)
{
  t->dir = pt_test_tmpdir(tag);
  snprintf(t->src, sizeof t->src, "%s/src", t->dir);
  snprintf(t->spec, sizeof t->spec, "sqlite:%s/index.db", t->dir);
  pt_test_write(t->src, "base.py", "class A:\n    def m(self):\n"
                                   "        return 1\n");
  pt_test_write(t->src, "sub.py", "from base import A\n\nclass B(A):\n"
                                  "    def n(self):\n        return self.m()\n");
  pt_test_write(t->src, "plain.py", "from base import A\n\ndef f():\n"
                                    "    return A().m()\n");
}

static void load_lean(const tree *t, pt_graph **g)
{
  pt_store *s = NULL;
  assert_int_equal(pt_graph_new(g), 0);
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_READ, &s), 0);
  if (pt_store_load_without_code(s, *g) != 0)
    fail_msg("%s", pt_error_last()->message);
  pt_store_close(s);
}

/* Seeded lazily, a file that notes bases has its references at once, the
 * others none until they are used; then they are what a seed decodes. */
static void seed_lazily__leaves_the_references_of_files_without_bases(
    void **state)
{
  tree t;
  pt_graph *g = NULL;
  pt_ingest_cache *eager = NULL, *lazy = NULL;
  size_t n_eager, n_lazy, n, n_left = 0, n_bases = 0, n_named = 0;
  bases_tree(&t, "rerun_lazy_seed");
  index_and_save(&t);
  load_lean(&t, &g);
  assert_int_equal(pt_ingest_cache_new(&eager), 0);
  assert_int_equal(pt_ingest_cache_new(&lazy), 0);
  assert_int_equal(pt_ingest_cache_seed(eager, g, &n_eager), 0);
  assert_int_equal(pt_ingest_cache_seed_lazily(lazy, g, &n_lazy), 0);
  assert_int_equal(n_eager, 3);
  assert_int_equal(n_lazy, 3);
  const pt__cache_entry *e = pt__cache_entries(eager, &n);
  const pt__cache_entry *l = pt__cache_entries(lazy, &n);
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(e[i].path, l[i].path);
    assert_int_equal(e[i].refs_at, 0);
    n_named += e[i].r->n_refs > 0 && !pt__ingest_has_bases(e[i].r);
    if (pt__ingest_has_bases(e[i].r)) {
      n_bases++;
      assert_int_equal(l[i].refs_at, 0);
      assert_same_refs(e[i].r, l[i].r);
    } else {
      n_left++;
      assert_true(l[i].refs_at > 0);
      assert_int_equal(l[i].r->n_refs, 0);
    }
  }
  assert_int_equal(n_bases, 1);
  assert_int_equal(n_left, 2);
  assert_true(n_named > 0); /* plain.py's references were left */
  assert_int_equal(pt__cache_refs(lazy, 0), 0);
  assert_int_equal(pt__cache_refs_all(lazy), 0);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(l[i].refs_at, 0);
    assert_same_refs(e[i].r, l[i].r);
  }
  pt_ingest_cache_free(eager);
  pt_ingest_cache_free(lazy);
  pt_graph_free(g);
  drop_tree(&t);
}

/* Many entries' references left for later are decoded on two threads
 * (pt__cache_refs_all, pt__cache_refs_many): what a seed decodes; a
 * malformed record among them drops its entry, and the others are
 * decoded all the same. */
static void seed_lazily__many_left_are_decoded_as_a_seed_decodes(void **state)
{
  tree t;
  pt_graph *g = NULL;
  pt_ingest_cache *eager = NULL, *lazy = NULL, *lazy2 = NULL;
  size_t n_seeded, n;
  char name[32], text[128];
  t.dir = pt_test_tmpdir("rerun_lazy_many");
  snprintf(t.src, sizeof t.src, "%s/src", t.dir);
  snprintf(t.spec, sizeof t.spec, "sqlite:%s/index.db", t.dir);
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "m%03d.py", i);
    snprintf(text, sizeof text, "def f%d():\n    return f%d() + g(%d)\n", i,
             (i + 1) % 300, i);
    pt_test_write(t.src, name, text);
  }
  index_and_save(&t);
  load_lean(&t, &g);
  assert_int_equal(pt_ingest_cache_new(&eager), 0);
  assert_int_equal(pt_ingest_cache_new(&lazy), 0);
  assert_int_equal(pt_ingest_cache_new(&lazy2), 0);
  assert_int_equal(pt_ingest_cache_seed(eager, g, &n_seeded), 0);
  assert_int_equal(pt_ingest_cache_seed_lazily(lazy, g, &n_seeded), 0);
  assert_int_equal(n_seeded, 300);
  const pt__cache_entry *e = pt__cache_entries(eager, &n);
  const pt__cache_entry *l = pt__cache_entries(lazy, &n);
  unsigned char which[301];
  memset(which, 1, sizeof which);
  which[7] = 0;
  for (size_t i = 0; i < n; i++)
    assert_true(l[i].refs_at > 0);
  assert_int_equal(pt__cache_refs_many(lazy, which), 0);
  assert_true(l[7].refs_at > 0); /* not asked for */
  assert_int_equal(pt__cache_refs_all(lazy), 0);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(l[i].refs_at, 0);
    assert_true(e[i].r->n_refs > 0);
    assert_same_refs(e[i].r, l[i].r);
  }
  /* one record cut short: its entry goes, the rest are decoded */
  pt_file_record *f = (pt_file_record *)pt_graph_files(g);
  f[150].reuse_size--;
  assert_int_equal(pt_ingest_cache_seed_lazily(lazy2, g, &n_seeded), 0);
  assert_int_equal(n_seeded, 300); /* its references were not read yet */
  const pt__cache_entry *l2 = pt__cache_entries(lazy2, &n);
  assert_int_equal(pt__cache_refs_many(lazy2, which), PT_EAGAIN);
  assert_null(l2[150].r);
  for (size_t i = 0; i < n; i++)
    if (i != 150 && i != 7)
      assert_same_refs(e[i].r, l2[i].r);
  f[150].reuse_size++;
  pt_ingest_cache_free(eager);
  pt_ingest_cache_free(lazy);
  pt_ingest_cache_free(lazy2);
  pt_graph_free(g);
  drop_tree(&t);
}

/* A record of version 5 (no flags) is read, its references at once, as
 * they were; one of version 4 is not this build's. */
static void seed_lazily__reads_records_without_flags_at_once(void **state)
{
  tree t;
  pt_graph *g = NULL;
  pt_ingest_cache *eager = NULL, *lazy = NULL;
  size_t n_seeded, n;
  unsigned char *old[3] = {NULL, NULL, NULL};
  bases_tree(&t, "rerun_lazy_v5");
  index_and_save(&t);
  load_lean(&t, &g);
  assert_int_equal(pt_graph_n_files(g), 3);
  assert_int_equal(pt_ingest_cache_new(&eager), 0);
  assert_int_equal(pt_ingest_cache_seed(eager, g, &n_seeded), 0);
  /* each record as version 5 wrote it: the flags taken out */
  pt_file_record *f = (pt_file_record *)pt_graph_files(g);
  for (size_t i = 0; i < 3; i++) {
    const unsigned char *p = f[i].reuse, *end = p + f[i].reuse_size, *q;
    uint64_t v;
    assert_int_equal(p[1], 7);
    q = p + 6;
    assert_int_equal(pt_varint_get(&q, end, &v), PT_VARINT_OK); /* size */
    size_t head = (size_t)(q - p);
    assert_int_equal(pt_varint_get(&q, end, &v), PT_VARINT_OK); /* flags */
    assert_true(v <= 1);
    old[i] = pt_malloc(f[i].reuse_size);
    assert_non_null(old[i]);
    memcpy(old[i], p, head);
    memcpy(old[i] + head, q, (size_t)(end - q));
    old[i][1] = 5;
    f[i].reuse = old[i];
    f[i].reuse_size -= (size_t)(q - p) - head;
    assert_true(pt__reuse_is_current(&f[i]));
  }
  assert_int_equal(pt_ingest_cache_new(&lazy), 0);
  assert_int_equal(pt_ingest_cache_seed_lazily(lazy, g, &n_seeded), 0);
  assert_int_equal(n_seeded, 3);
  const pt__cache_entry *e = pt__cache_entries(eager, &n);
  const pt__cache_entry *l = pt__cache_entries(lazy, &n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(l[i].refs_at, 0);
    assert_same_refs(e[i].r, l[i].r);
  }
  old[0][1] = 4;
  assert_false(pt__reuse_is_current(&f[0]));
  pt_ingest_cache_free(eager);
  pt_ingest_cache_free(lazy);
  pt_graph_free(g);
  for (size_t i = 0; i < 3; i++)
    pt_free(old[i]);
  drop_tree(&t);
}

/* A file whose references a lazy seed left for later and a re-run then
 * reads, with those references damaged in the store: the re-run cannot
 * patch, and its whole run parses that file again (as a seed that meets
 * a malformed record does): a fresh index. */
static void rerun__a_damaged_record_left_for_later_is_parsed_again(
    void **state)
{
  tree t;
  sqlite3 *db = NULL;
  char path[800];
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  pt_ingest_stats st;
  int is_patched = -1;
  three_files(&t, "rerun_lazy_damaged");
  index_and_save(&t);
  snprintf(path, sizeof path, "%s/index.db", t.dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE files SET reuse = substr(reuse,"
                                " 1, length(reuse) - 1) WHERE path = 'y.py'",
                                NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_changes(db), 1);
  sqlite3_close(db);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  fresh_dump(&t, &want);
  ahead = lazily = 1;
  rerun(&t, &st, &is_patched);
  ahead = lazily = 0;
  stored_dump(t.spec, &got);
  assert_string_equal(pt_buf_cstr(&want), pt_buf_cstr(&got));
  assert_int_equal(is_patched, 0);
  assert_int_equal(st.total_files - st.reused_files, 2); /* z.py, y.py */
  pt_ingest_stats_fini(&st);
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  drop_tree(&t);
}

/* ---- what each file read, kept in its record ---------------------------- */

/* The reads of each file a fresh run of the tree records (its cache's
 * resolver), against those the records of g keep (every record keeps
 * them, the same). */
static void assert_reads_are_fresh(const tree *t, const pt_graph *g)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = 1};
  pt_ingest_stats st;
  pt_ingest_cache *c = NULL;
  pt_graph *fresh = NULL;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  o.cache = c;
  assert_int_equal(pt_ingest(&o, &fresh, &st), 0);
  const pt_resolver *rs = pt__cache_resolver(c);
  assert_non_null(rs);
  size_t n_files = 0;
  for (size_t f = 0; f < pt__resolver_n_files(rs); f++) {
    const char *path = pt__resolver_file_path(rs, f);
    if (!path)
      continue;
    n_files++;
    const pt_file_record *rec = pt_graph_find_file(g, path);
    assert_non_null(rec);
    pt__deps d[2];
    if (pt__reuse_reads(rec, &d[0], &d[1]) != 1)
      fail_msg("%s: its record keeps no reads", path);
    for (int w = 0; w < 2; w++) {
      const pt__deps *want = pt__resolver_file_deps(rs, f, w);
      if (want->n != d[w].n ||
          (want->n && memcmp(want->v, d[w].v, want->n * sizeof *want->v)))
        fail_msg("%s: its record keeps other %s than a fresh run's (%zu, "
                 "%zu)", path, w ? "bases' reads" : "reads", d[w].n, want->n);
      pt__deps_fini(&d[w]);
    }
  }
  assert_int_equal(n_files, pt_graph_n_files(g));
  pt_graph_free(fresh);
  pt_ingest_cache_free(c);
  pt_ingest_stats_fini(&st);
}

static void assert_stored_reads_are_fresh(const tree *t)
{
  pt_graph *g = NULL;
  load_lean(t, &g);
  assert_reads_are_fresh(t, g);
  pt_graph_free(g);
}

static size_t stored_with_reads(const tree *t)
{
  pt_graph *g = NULL;
  size_t n = 0;
  load_lean(t, &g);
  for (size_t i = 0; i < pt_graph_n_files(g); i++)
    n += pt__reuse_has_reads(&pt_graph_files(g)[i]);
  pt_graph_free(g);
  return n;
}

/* x() is read by y.py, fresh_name by y.py; w.py's definition holds the
 * name fresh_name (a change of it resolves every file). */
static void reads_tree(tree *t, const char *tag, const char *engine)
{
  three_files(t, tag);
  pt_test_write(t->src, "w.py", "def fresh_name_too():\n    return 5\n");
  set_spec(t, engine);
}

/* A fresh index keeps no reads; the first re-run that resolves every file
 * keeps them all; a later change of definitions that other files read
 * (the C++ comment that makes a file's #if branches parse otherwise)
 * loads them and resolves no file for them, and writes back the reads of
 * the files it resolved again: each time a fresh index, with the reads a
 * fresh run records. */
static void reads_kept_on(const char *engine)
{
  tree t;
  size_t n_read;
  reads_tree(&t, "rerun_reads", engine);
  if (!engine_is_built(&t)) {
    drop_tree(&t);
    return;
  }
  index_and_save(&t);
  assert_int_equal(stored_with_reads(&t), 0);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  assert_int_equal(n_read, 4);
  assert_stored_reads_are_fresh(&t);
  /* definitions change, their readers elsewhere */
  pt_test_write(t.src, "x.py", "def x2():\n    return 1\n\ndef x():\n"
                               "    return x2()\n");
  rerun_equals_fresh(&t, "a definition added before a read one", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n");
  rerun_equals_fresh(&t, "a read definition removed", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  pt_test_write(t.src, "x.py", "def x():\n    return 1 + 1\n");
  rerun_equals_fresh(&t, "a body edit", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  /* narrowed to the files naming what changed (y.py): those resolved, the
   * others' kept reads left as they are, the patch's written back */
  pt_test_write(t.src, "x.py", "def xq():\n    return 1\n");
  rerun_equals_fresh(&t, "a read definition renamed", &n_read);
  assert_true(n_read <= 1);
  assert_stored_reads_are_fresh(&t);
  assert_int_equal(stored_with_reads(&t), 4);
  pt_test_write(t.src, "v.py", "def v():\n    return z()\n");
  rerun_equals_fresh(&t, "a file added", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  remove_at(t.src, "z.py");
  rerun_equals_fresh(&t, "a read file removed", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  drop_tree(&t);
}

/* pt01's hooks (cli/cli_index.c): the save begun at merge, released
 * once resolved. */
static void begin_save(const pt_graph *g, void *payload)
{
  assert_int_equal(pt_store_save_begin(payload, g), 0);
}

static void release_save(const pt_graph *g, void *payload)
{
  pt_store_save_release(payload);
}

/* Indexes the tree into its store as pt01 does a first time: every
 * file's reads kept (pt_ingest_opts.keep_reads), the save begun during
 * resolution, on n_threads threads. */
static void index_as_pt01(const tree *t, unsigned n_threads)
{
  pt_ingest_opts o = {.root = t->src, .n_threads = n_threads,
                      .keep_reads = 1};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *s = NULL;
  assert_int_equal(pt_store_open(t->spec, &s), 0);
  assert_int_equal(pt_ingest_with_hook(&o, begin_save, release_save, s, &g,
                                       &st), 0);
  assert_int_equal(pt_store_save(s, g), 0);
  pt_store_close(s);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

/* A fresh index that keeps every file's reads: each record's reads are a
 * fresh recording run's, the index dumps as one that keeps none, and the
 * first re-run that changes definitions other files read (here a name an
 * unchanged definition holds, which took every file) loads them instead
 * of resolving any file for them; each re-run after gives a fresh
 * index. */
static void reads_kept_by_a_fresh_index_on(const char *engine,
                                           unsigned n_threads)
{
  tree t;
  size_t n_read;
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  reads_tree(&t, "rerun_fresh_reads", engine);
  if (!engine_is_built(&t)) {
    drop_tree(&t);
    return;
  }
  pt_test_write(t.src, "v.c", "int v(void) { return w(); }\n"
                              "int w(void) { return 1; }\n");
  pt_test_write(t.src, "u.ts", "import { q } from './q';\n"
                               "export class U extends Q { run() { return q(); } }\n");
  pt_test_write(t.src, "q.ts", "export class Q {}\nexport function q() { return 1; }\n");
  index_as_pt01(&t, n_threads);
  assert_int_equal(stored_with_reads(&t), 7);
  assert_stored_reads_are_fresh(&t);
  fresh_dump(&t, &want);
  stored_dump(t.spec, &got);
  assert_string_equal(pt_buf_cstr(&want), pt_buf_cstr(&got));
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  pt_test_write(t.src, "q.ts", "export class Q { run() { return 2; } }\n"
                               "export function q() { return 1; }\n");
  rerun_equals_fresh(&t, "a base's method added", &n_read);
  assert_int_equal(n_read, 0);
  assert_stored_reads_are_fresh(&t);
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  drop_tree(&t);
}

static void reads_kept__by_a_fresh_index(void **state)
{
  reads_kept_by_a_fresh_index_on("sqlite", 1);
  reads_kept_by_a_fresh_index_on("rocksdb", 1);
  pt__ingest_set_batch_refs(1); /* a batch a file, on two threads */
  reads_kept_by_a_fresh_index_on("sqlite", 2);
  reads_kept_by_a_fresh_index_on("rocksdb", 2);
  pt__ingest_set_batch_refs(0);
  ahead = lazily = 1; /* as pt01 runs it */
  reads_kept_by_a_fresh_index_on("sqlite", 1);
  reads_kept_by_a_fresh_index_on("rocksdb", 2);
  ahead = lazily = 0;
}

/* A live server's first pass over the store of t (pt_ingest_patch on a
 * cache seeded from it, nothing marked), then the change make, patched:
 * how many files the first pass resolved for their reads; the patch's
 * graph dumps as a fresh index and its records keep a fresh run's reads
 * when the store's did. */
static size_t first_pass_then(const tree *t, void (*make)(const char *src),
                              const char *path, int with_reads)
{
  pt_graph *loaded = NULL, *patched = NULL;
  pt_ingest_cache *c = NULL;
  pt_store *s = NULL;
  pt_ingest_stats st;
  size_t n = 0;
  assert_int_equal(pt_graph_new(&loaded), 0);
  assert_int_equal(pt_store_open_mode(t->spec, PT_STORE_READ, &s), 0);
  assert_int_equal(pt_store_load(s, loaded), 0);
  pt_store_close(s);
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  assert_int_equal(pt_ingest_cache_seed(c, loaded, &n), 0);
  pt_ingest_opts o = {.root = t->src, .n_threads = 2, .cache = c};
  assert_int_equal(pt_ingest_patch(&o, loaded, &patched, &st), 0);
  assert_null(patched); /* nothing changed: nothing merged */
  pt_ingest_stats_fini(&st);
  size_t n_read = pt__patch_last_n_read();
  make(t->src);
  assert_int_equal(pt_ingest_cache_mark_dirty(c, path), 0);
  assert_int_equal(pt_ingest_patch(&o, loaded, &patched, &st), 0);
  pt_ingest_stats_fini(&st);
  assert_non_null(patched);
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  fresh_dump(t, &want);
  dump(patched, &got);
  assert_string_equal(pt_buf_cstr(&want), pt_buf_cstr(&got));
  if (with_reads)
    assert_reads_are_fresh(t, patched);
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  pt_graph_free(patched);
  pt_ingest_cache_free(c);
  pt_graph_free(loaded);
  return n_read;
}

static void add_fresh_name(const char *src)
{
  pt_test_write(src, "z.py", "def z():\n    return 3\n\n"
                             "def fresh_name():\n    return 4\n");
}

/* Over a store whose records keep every file's reads (a fresh index by
 * pt01), a live server's first pass loads them and resolves no file for
 * them; over one that keeps none, every file, as before. Either way the
 * next edit is patched as a fresh index makes the tree. */
static void reads_kept__loaded_by_a_live_first_pass(void **state)
{
  const char *engines[] = {"sqlite", "rocksdb"};
  for (size_t k = 0; k < 2; k++) {
    tree t;
    reads_tree(&t, "live_first_reads", engines[k]);
    if (!engine_is_built(&t)) {
      drop_tree(&t);
      continue;
    }
    index_as_pt01(&t, 2);
    assert_int_equal(first_pass_then(&t, add_fresh_name, "z.py", 1), 0);
    pt_test_write(t.src, "z.py", "def z():\n    return 3\n");
    index_and_save(&t); /* keeps no reads */
    assert_int_equal(stored_with_reads(&t), 0);
    assert_int_equal(first_pass_then(&t, add_fresh_name, "z.py", 0), 4);
    drop_tree(&t);
  }
}

static void reads_kept__rerun_gives_a_fresh_index(void **state)
{
  reads_kept_on("sqlite");
  reads_kept_on("rocksdb");
  ahead = lazily = 1; /* as pt01 runs it */
  reads_kept_on("sqlite");
  ahead = lazily = 0;
}

/* Records of version 6 keep no reads: the re-run resolves every file, as
 * before, and then keeps them. */
static void reads_kept__records_of_version_6_are_read_then_kept(void **state)
{
  tree t;
  sqlite3 *db = NULL;
  char path[800];
  size_t n_read;
  reads_tree(&t, "rerun_reads_v6", "sqlite");
  index_and_save(&t);
  snprintf(path, sizeof path, "%s/index.sqlite", t.dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE files SET reuse = CAST(substr("
                                "reuse, 1, 1) || x'06' || substr(reuse, 3) "
                                "AS BLOB)",
                                NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_changes(db), 4);
  sqlite3_close(db);
  pt_graph *g = NULL;
  load_lean(&t, &g);
  for (size_t i = 0; i < pt_graph_n_files(g); i++) {
    assert_int_equal(((const unsigned char *)pt_graph_files(g)[i].reuse)[1], 6);
    assert_true(pt__reuse_is_current(&pt_graph_files(g)[i]));
  }
  pt_graph_free(g);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  assert_int_equal(n_read, 4);
  assert_stored_reads_are_fresh(&t);
  drop_tree(&t);
}

/* A record's reads as kept, one damaged: the decoder refuses it
 * (PT_EINVAL), the rest of the record is still read, and a re-run over a
 * store holding it resolves every file and keeps them again. */
static void reads_kept__damaged_reads_are_refused(void **state)
{
  tree t;
  size_t n_read;
  reads_tree(&t, "rerun_reads_damaged", "sqlite");
  index_and_save(&t);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  rerun_equals_fresh(&t, "a definition added", &n_read);
  pt_graph *g = NULL;
  load_lean(&t, &g);
  const pt_file_record *y = pt_graph_find_file(g, "y.py");
  assert_non_null(y);
  /* reads {1, 2, 3}, bases' none, then damaged: 1, 2, 2 */
  pt__deps d = {NULL, 0, 0, 0}, b = {NULL, 0, 0, 0}, got[2];
  pt_buf rec = PT_BUF_INIT, bad = PT_BUF_INIT;
  for (uint64_t v = 1; v <= 3; v++)
    assert_int_equal(pt__deps_add(&d, v), 0);
  assert_int_equal(pt__reuse_set_reads(y, &d, &b, &rec), 0);
  pt_file_record f = *y;
  f.reuse = rec.ptr;
  f.reuse_size = rec.len;
  assert_int_equal(pt__reuse_reads(&f, &got[0], &got[1]), 1);
  assert_int_equal(got[0].n, 3);
  assert_int_equal(got[0].v[2], 3);
  assert_int_equal(got[1].n, 0);
  pt__deps_fini(&got[0]);
  pt__deps_fini(&got[1]);
  const unsigned char *p = (const unsigned char *)rec.ptr;
  size_t at = 6;
  while (p[at] & 0x80) /* the size on disk */
    at++;
  at += 3; /* its last byte, the flags, the reads' length */
  assert_int_equal(p[at], 3);
  ((unsigned char *)rec.ptr)[at + 3] = 0; /* 3 becomes 2: not ascending */
  assert_int_equal(pt__reuse_reads(&f, &got[0], &got[1]), PT_EINVAL);
  assert_int_equal(got[0].n, 0);
  pt_error_clear();
  /* a count past the record's end */
  assert_int_equal(pt_buf_put(&bad, p, at), 0);
  assert_int_equal(pt_varint_put(&bad, (uint64_t)1 << 40), 0);
  assert_int_equal(pt_buf_put(&bad, p + at + 1, rec.len - at - 1), 0);
  f.reuse = bad.ptr;
  f.reuse_size = bad.len;
  assert_int_equal(pt__reuse_reads(&f, &got[0], &got[1]), PT_EINVAL);
  pt_error_clear();
  /* the damaged order stored: its record is read, its reads refused, and
   * the re-run resolves every file */
  ((unsigned char *)rec.ptr)[at + 3] = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char path[800];
  snprintf(path, sizeof path, "%s/index.sqlite", t.dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "UPDATE files SET reuse = ? WHERE "
                                      "path = 'y.py'", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_bind_blob(st, 1, rec.ptr, (int)rec.len,
                                     SQLITE_TRANSIENT), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_changes(db), 1);
  sqlite3_close(db);
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n");
  rerun_equals_fresh(&t, "a definition removed beside damaged reads", &n_read);
  assert_int_equal(n_read, 4);
  assert_stored_reads_are_fresh(&t);
  pt__deps_fini(&d);
  pt__deps_fini(&b);
  pt_buf_fini(&rec);
  pt_buf_fini(&bad);
  pt_graph_free(g);
  drop_tree(&t);
}

/* The live index's patch writes into the patched graph's records what the
 * files it resolved again read: the changed file's always, a reader's
 * over the reads its record keeps (one that keeps none stays so). */
static void reads_kept__written_back_by_a_live_update(void **state)
{
  tree t;
  pt_ingest_opts o = {.n_threads = 1};
  pt_ingest_stats st;
  pt_ingest_cache *c = NULL;
  pt_graph *g = NULL, *now = NULL;
  reads_tree(&t, "rerun_reads_live", "sqlite");
  o.root = t.src;
  assert_int_equal(pt_ingest_cache_new(&c), 0);
  o.cache = c;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  for (size_t i = 0; i < pt_graph_n_files(g); i++)
    assert_false(pt__reuse_has_reads(&pt_graph_files(g)[i]));
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n\n"
                               "def fresh_name():\n    return 4\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "z.py"), 0);
  assert_int_equal(pt_ingest_patch(&o, g, &now, &st), 0);
  assert_non_null(now);
  pt_ingest_stats_fini(&st);
  /* z.py keeps them; its reader y.py kept none, and keeps none */
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_files(now); i++)
    n += pt__reuse_has_reads(&pt_graph_files(now)[i]);
  assert_true(pt__reuse_has_reads(pt_graph_find_file(now, "z.py")));
  assert_false(pt__reuse_has_reads(pt_graph_find_file(now, "y.py")));
  assert_int_equal(n, 1);
  /* y.py keeping reads that are not its (none): the next patch, which
   * resolves it again (fresh_name goes), writes what it reads */
  pt__deps none;
  pt_buf wrong = PT_BUF_INIT;
  memset(&none, 0, sizeof none);
  assert_int_equal(pt__reuse_set_reads(pt_graph_find_file(now, "y.py"), &none,
                                       &none, &wrong),
                   0);
  assert_int_equal(pt_graph_set_file_reuse(now, "y.py", wrong.ptr, wrong.len),
                   0);
  pt_buf_fini(&wrong);
  pt_graph_free(g);
  g = now;
  now = NULL;
  pt_test_write(t.src, "z.py", "def z():\n    return 3\n");
  assert_int_equal(pt_ingest_cache_mark_dirty(c, "z.py"), 0);
  assert_int_equal(pt_ingest_patch(&o, g, &now, &st), 0);
  assert_non_null(now);
  pt_ingest_stats_fini(&st);
  assert_true(pt__reuse_has_reads(pt_graph_find_file(now, "y.py")));
  /* a full run with this cache keeps none (its tables may differ) */
  pt_graph *full = NULL;
  pt_test_write(t.src, "README.md", "more\n");
  assert_int_equal(pt_ingest(&o, &full, &st), 0);
  pt_ingest_stats_fini(&st);
  for (size_t i = 0; i < pt_graph_n_files(full); i++)
    assert_false(pt__reuse_has_reads(&pt_graph_files(full)[i]));
  pt_graph_free(full);
  /* what they keep is what a fresh run records */
  pt_ingest_cache *c2 = NULL;
  o.cache = NULL;
  assert_int_equal(pt_ingest_cache_new(&c2), 0);
  o.cache = c2;
  assert_int_equal(pt_ingest(&o, &full, &st), 0);
  pt_ingest_stats_fini(&st);
  const pt_resolver *rs = pt__cache_resolver(c2);
  for (size_t f = 0; f < pt__resolver_n_files(rs); f++) {
    const char *path = pt__resolver_file_path(rs, f);
    const pt_file_record *rec = pt_graph_find_file(now, path);
    pt__deps d[2];
    if (!pt__reuse_has_reads(rec))
      continue;
    assert_int_equal(pt__reuse_reads(rec, &d[0], &d[1]), 1);
    for (int w = 0; w < 2; w++) {
      const pt__deps *want = pt__resolver_file_deps(rs, f, w);
      assert_int_equal(want->n, d[w].n);
      if (want->n)
        assert_memory_equal(want->v, d[w].v, want->n * sizeof *want->v);
      pt__deps_fini(&d[w]);
    }
  }
  pt_graph_free(full);
  pt_ingest_cache_free(c2);
  pt_graph_free(now);
  pt_graph_free(g);
  pt_ingest_cache_free(c);
  drop_tree(&t);
}

/* Each test starts with the load and the seed in turn (a failed test
 * may leave ahead set). */
static int not_ahead(void **state)
{
  (void)state;
  ahead = lazily = 0;
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(rerun__an_unchanged_tree_has_nothing_to_do, not_ahead),
      cmocka_unit_test_setup(rerun__changed_added_and_removed_files_are_named, not_ahead),
      cmocka_unit_test_setup(rerun__same_size_and_another_mtime_is_told_by_content, not_ahead),
      cmocka_unit_test_setup(rerun__a_new_ignored_file_changes_the_ignored_list, not_ahead),
      cmocka_unit_test_setup(rerun__an_index_of_another_folder_needs_a_whole_run, not_ahead),
      cmocka_unit_test_setup(rerun__an_index_of_another_extractor_needs_a_whole_run, not_ahead),
      cmocka_unit_test_setup(rerun__a_file_with_invalid_utf8_is_not_read_again, not_ahead),
      cmocka_unit_test_setup(rerun__each_change_gives_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(rerun__begun_while_the_edges_load_gives_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(rerun__begun_reads_what_the_rerun_reads, not_ahead),
      cmocka_unit_test_setup(rerun__a_new_method_of_a_class_with_bases_reads_its_callers, not_ahead),
      cmocka_unit_test_setup(rerun__the_walk_beside_the_load_finds_what_the_diff_finds, not_ahead),
      cmocka_unit_test_setup(rerun__files_parsed_ahead_for_another_delta_are_not_taken, not_ahead),
      cmocka_unit_test_setup(rerun__a_body_edit_resolves_no_file_for_its_reads, not_ahead),
      cmocka_unit_test_setup(rerun__a_new_definition_reads_only_the_files_naming_it, not_ahead),
      cmocka_unit_test_setup(rerun__a_name_in_another_definition_reads_every_file, not_ahead),
      cmocka_unit_test_setup(rerun__definitions_removed_or_renamed_give_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(rerun__in_place_and_in_a_copy_give_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(rerun__a_rocksdb_index_of_format_8_gives_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(rerun__a_rocksdb_index_of_format_9_gives_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(seed_lazily__leaves_the_references_of_files_without_bases, not_ahead),
      cmocka_unit_test_setup(seed_lazily__reads_records_without_flags_at_once, not_ahead),
      cmocka_unit_test_setup(seed_lazily__many_left_are_decoded_as_a_seed_decodes, not_ahead),
      cmocka_unit_test_setup(rerun__a_damaged_record_left_for_later_is_parsed_again, not_ahead),
      cmocka_unit_test_setup(reads_kept__rerun_gives_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(reads_kept__by_a_fresh_index, not_ahead),
      cmocka_unit_test_setup(reads_kept__loaded_by_a_live_first_pass, not_ahead),
      cmocka_unit_test_setup(reads_kept__records_of_version_6_are_read_then_kept, not_ahead),
      cmocka_unit_test_setup(reads_kept__damaged_reads_are_refused, not_ahead),
      cmocka_unit_test_setup(reads_kept__written_back_by_a_live_update, not_ahead),
      cmocka_unit_test_setup(load_without_code__is_the_load_without_any_code, not_ahead),
      cmocka_unit_test_setup(load_without_code_then__gives_the_records_then_the_edges, not_ahead),
      cmocka_unit_test_setup(load_rest_then__adds_the_rest_to_the_file_records, not_ahead),
      cmocka_unit_test_setup(load_rest_then__sees_commits_that_keep_size_and_mtime, not_ahead),
      cmocka_unit_test_setup(load_without_code_then__fails_on_the_edges_after_ready, not_ahead),
      cmocka_unit_test_setup(load_without_code__loads_whole_where_changes_are_not_written, not_ahead),
      cmocka_unit_test_setup(load_without_code_then__loads_whole_where_changes_are_not_written, not_ahead),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
