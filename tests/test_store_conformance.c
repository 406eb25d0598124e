/* The store behaviour of pt/store.h, stated once and run against every
 * backend built here (mem, sqlite file, rocksdb directory), then what is
 * particular to one backend: spec parsing, SQLite's temporary files, tables
 * and derived columns, RocksDB's lock and generations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "test_support.h"
#include "../platform/posix/store_rocksdb_int.h"

typedef struct backend {
  const char *name;     /* static */
  const char *spec_fmt; /* static; "%s" is the fixture's fresh directory */
} backend;

static const backend mem_backend = {"mem", "mem"};
static const backend sqlite_backend = {"sqlite", "sqlite:%s/analysis.db"};
/* a missing parent too: the backend creates the directories */
static const backend rocksdb_backend = {"rocksdb", "rocksdb:%s/sub/db"};

typedef struct fixture {
  const backend *be; /* borrowed: static */
  char *dir;  /* owned: fresh temporary directory */
  char *spec; /* owned */
  pt_store *st; /* owned */
} fixture;

static int open_fixture(void **state)
{
  fixture *f = pt_calloc(1, sizeof *f);
  pt_buf spec = PT_BUF_INIT;
  assert_non_null(f);
  f->be = *state;
  f->dir = pt_test_tmpdir(f->be->name);
  assert_int_equal(pt_buf_printf(&spec, f->be->spec_fmt, f->dir), 0);
  f->spec = pt_buf_detach(&spec);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  *state = f;
  return 0;
}

static int close_fixture(void **state)
{
  fixture *f = *state;
  pt_store_close(f->st);
  assert_int_equal(pt_fs_remove_tree(f->dir), 0);
  pt_free(f->spec);
  pt_free(f->dir);
  pt_free(f);
  return 0;
}

/* The file or directory behind a fixture's spec. */
static const char *spec_path(const fixture *f)
{
  return strchr(f->spec, ':') + 1;
}

/* ---- sample graphs ---------------------------------------------------- */

static const char weird[] =
    "it's \"quoted\" \\ back\tslash\nnew\r\nline \xc3\xa9 \xe6\xbc\xa2"
    "\xe5\xad\x97 \xf0\x9f\x90\x8d \x01\x02\x1b\x7f \xff\xfe '); DROP TABLE "
    "entities; --";

static pt_graph *finished(pt_graph *g)
{
  assert_int_equal(pt_graph_finish(g), 0);
  return g;
}

static pt_graph *new_graph(void)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  return g;
}

/* Every record type; every field set, NULL where a field may be NULL, and
 * the extreme values of each integer. */
static pt_graph *sample_graph(void)
{
  pt_graph *g = new_graph();
  const pt_entity ents[] = {
      {.key = "rust:impl:Auth:__src_auth_login:T1617210344", .name = "Auth",
       .qualname = "Auth", .file_path = "src/auth/login.rs",
       .signature = "impl Auth", .code = "impl Auth {\n\tfn new() {}\n}",
       .parent_key = NULL, .content_hash = "9f86d081884c7d659a2feaa0c55ad015"
       "a3bf4f1b2b0b822cd15d6c15b0f00a08", .lang = PT_LANG_RUST,
       .kind = PT_KIND_IMPL, .line_start = 1, .line_end = 3,
       .birth = 1617210344},
      {.key = "rust:method:new:__src_auth_login:T1771045918", .name = "new",
       .qualname = "Auth.new", .file_path = "src/auth/login.rs",
       .signature = "fn new()", .code = "\tfn new() {}",
       .parent_key = "rust:impl:Auth:__src_auth_login:T1617210344",
       .content_hash = "", .lang = PT_LANG_RUST, .kind = PT_KIND_METHOD,
       .line_start = 2, .line_end = 2, .birth = 1771045918},
      {.key = "swift:typedef::__main:T-1", .name = "", .qualname = "",
       .file_path = "main.swift", .signature = NULL, .code = NULL,
       .parent_key = NULL, .content_hash = "x", .lang = PT_LANG_SWIFT,
       .kind = PT_KIND_TYPEDEF, .line_start = 4294967295u,
       .line_end = 0, .birth = -1},
  };
  const pt_edge edges[] = {
      {"rust:method:new:__src_auth_login:T1771045918",
       "rust:impl:Auth:__src_auth_login:T1617210344", "src/auth/login.rs",
       PT_EDGE_CALLS, 2, 1},
      {"rust:file:src_auth_login_rs:1-1", "rust:module:std:0-0",
       "src/auth/login.rs", PT_EDGE_USES, 4294967295u, 0},
      {"swift:typedef::__main:T-1", "swift:fn:P:unresolved-reference:0-0",
       "main.swift", PT_EDGE_IMPLEMENTS, 1, 0},
      {"swift:typedef::__main:T-1", "swift:fn:P:unresolved-reference:0-0",
       "main.swift", PT_EDGE_EXTENDS, 0, 0},
  };
  const pt_file_record files[] = {
      {"src/auth/login.rs", "abc123", PT_LANG_RUST, 1234, 2, 0, 1, 10, 5, 2,
       3},
      {"main.swift", NULL, PT_LANG_SWIFT, UINT64_MAX, 4294967295u,
       4294967295u, 4294967295u, INT64_MAX, 0, UINT64_MAX, 7},
  };
  const pt_test_entity tests[] = {
      {"go:fn:TestA:__a_b_test:T1", "TestA", "a/b_test.go",
       "test_file:_test.go", PT_LANG_GO, PT_KIND_FUNCTION, 3, 9},
      {"go:fn:TestB:__a_b_test:T2", "TestB", "a/b_test.go", NULL, PT_LANG_GO,
       PT_KIND_FUNCTION, 11, 4294967295u},
  };
  const pt_ignored_file ignored[] = {
      {"a/b/c.tar.gz", "no_parser"}, {".gitignore", "no_parser"},
      {"docs/", "default_exclude"}, {"blob.bin", NULL}};
  for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
    assert_int_equal(pt_graph_add_entity(g, &ents[i]), 0);
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
    assert_int_equal(pt_graph_add_edge(g, &edges[i]), 0);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    assert_int_equal(pt_graph_add_file(g, &files[i]), 0);
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    assert_int_equal(pt_graph_add_test(g, &tests[i]), 0);
  for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
    assert_int_equal(pt_graph_add_ignored(g, &ignored[i]), 0);
  assert_int_equal(pt_graph_set_meta(g, "root", "/home/dev/app"), 0);
  assert_int_equal(pt_graph_set_meta(g, "tool_version", "1.7.2"), 0);
  assert_int_equal(pt_graph_set_meta(g, "empty", ""), 0);
  return finished(g);
}

/* A different, smaller graph: one record of each type. */
static pt_graph *small_graph(void)
{
  pt_graph *g = new_graph();
  pt_entity e = {.key = "python:fn:f:__x:T5", .name = "f", .qualname = "f",
                 .file_path = "x.py", .signature = "def f():",
                 .code = "def f():\n    pass", .content_hash = "ab",
                 .lang = PT_LANG_PYTHON, .kind = PT_KIND_FUNCTION,
                 .line_start = 1, .line_end = 2, .birth = 5};
  pt_edge d = {"python:fn:f:__x:T5", "python:fn:g:unresolved-reference:0-0",
               "x.py", PT_EDGE_CALLS, 2, 0};
  pt_file_record f = {"x.py", "cd", PT_LANG_PYTHON, 20, 1, 0, 0, 3, 3, 0, 0};
  pt_ignored_file ig = {"y.txt", "no_parser"};
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
  assert_int_equal(pt_graph_add_edge(g, &d), 0);
  assert_int_equal(pt_graph_add_file(g, &f), 0);
  assert_int_equal(pt_graph_add_ignored(g, &ig), 0);
  assert_int_equal(pt_graph_set_meta(g, "root", "/tmp/other"), 0);
  return finished(g);
}

/* Every string field of every record holds the same awkward text. */
static pt_graph *weird_graph(void)
{
  pt_graph *g = new_graph();
  pt_entity e = {.key = weird, .name = weird, .qualname = weird,
                 .file_path = weird, .signature = weird, .code = weird,
                 .parent_key = weird, .content_hash = "\"'\t\n\xc3\xa9",
                 .lang = PT_LANG_CPP, .kind = PT_KIND_CLASS};
  pt_edge d = {weird, weird, weird, PT_EDGE_USES, 3, 1};
  pt_file_record f = {weird, weird, PT_LANG_PHP, 1, 1, 1, 1, 1, 1, 1, 1};
  pt_test_entity t = {weird, weird, weird, weird, PT_LANG_JAVA,
                      PT_KIND_INTERFACE, 1, 2};
  pt_ignored_file ig = {weird, weird};
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
  assert_int_equal(pt_graph_add_edge(g, &d), 0);
  assert_int_equal(pt_graph_add_file(g, &f), 0);
  assert_int_equal(pt_graph_add_test(g, &t), 0);
  assert_int_equal(pt_graph_add_ignored(g, &ig), 0);
  assert_int_equal(pt_graph_set_meta(g, weird, weird), 0);
  return finished(g);
}

/* ---- comparing graphs -------------------------------------------------- */

static void assert_same_str(const char *a, const char *b)
{
  if (!a || !b)
    assert_ptr_equal(a, b);
  else
    assert_string_equal(a, b);
}

static void assert_same_entities(const pt_graph *a, const pt_graph *b)
{
  const pt_entity *x = pt_graph_entities(a), *y = pt_graph_entities(b);
  assert_int_equal(pt_graph_n_entities(a), pt_graph_n_entities(b));
  for (size_t i = 0; i < pt_graph_n_entities(a); i++) {
    assert_same_str(x[i].key, y[i].key);
    assert_same_str(x[i].name, y[i].name);
    assert_same_str(x[i].qualname, y[i].qualname);
    assert_same_str(x[i].file_path, y[i].file_path);
    assert_same_str(x[i].signature, y[i].signature);
    assert_same_str(x[i].code, y[i].code);
    assert_same_str(x[i].parent_key, y[i].parent_key);
    assert_string_equal(x[i].content_hash, y[i].content_hash);
    assert_int_equal(x[i].lang, y[i].lang);
    assert_int_equal(x[i].kind, y[i].kind);
    assert_int_equal(x[i].line_start, y[i].line_start);
    assert_int_equal(x[i].line_end, y[i].line_end);
    assert_true(x[i].birth == y[i].birth);
  }
}

static void assert_same_edges_and_files(const pt_graph *a, const pt_graph *b)
{
  const pt_edge *x = pt_graph_edges(a), *y = pt_graph_edges(b);
  assert_int_equal(pt_graph_n_edges(a), pt_graph_n_edges(b));
  for (size_t i = 0; i < pt_graph_n_edges(a); i++) {
    assert_same_str(x[i].from_key, y[i].from_key);
    assert_same_str(x[i].to_key, y[i].to_key);
    assert_same_str(x[i].file_path, y[i].file_path);
    assert_int_equal(x[i].type, y[i].type);
    assert_int_equal(x[i].line, y[i].line);
    assert_int_equal(!!x[i].resolved, !!y[i].resolved);
  }
  const pt_file_record *f = pt_graph_files(a), *h = pt_graph_files(b);
  assert_int_equal(pt_graph_n_files(a), pt_graph_n_files(b));
  for (size_t i = 0; i < pt_graph_n_files(a); i++) {
    assert_same_str(f[i].path, h[i].path);
    assert_same_str(f[i].content_hash, h[i].content_hash);
    assert_int_equal(f[i].lang, h[i].lang);
    assert_true(f[i].size == h[i].size);
    assert_int_equal(f[i].n_entities, h[i].n_entities);
    assert_int_equal(f[i].n_tests, h[i].n_tests);
    assert_int_equal(f[i].n_parse_errors, h[i].n_parse_errors);
    assert_true(f[i].source_words == h[i].source_words);
    assert_true(f[i].entity_words == h[i].entity_words);
    assert_true(f[i].import_words == h[i].import_words);
    assert_true(f[i].comment_words == h[i].comment_words);
  }
}

static void assert_same_rest(const pt_graph *a, const pt_graph *b)
{
  const pt_test_entity *t = pt_graph_tests(a), *u = pt_graph_tests(b);
  assert_int_equal(pt_graph_n_tests(a), pt_graph_n_tests(b));
  for (size_t i = 0; i < pt_graph_n_tests(a); i++) {
    assert_same_str(t[i].key, u[i].key);
    assert_same_str(t[i].name, u[i].name);
    assert_same_str(t[i].file_path, u[i].file_path);
    assert_same_str(t[i].reason, u[i].reason);
    assert_int_equal(t[i].lang, u[i].lang);
    assert_int_equal(t[i].kind, u[i].kind);
    assert_int_equal(t[i].line_start, u[i].line_start);
    assert_int_equal(t[i].line_end, u[i].line_end);
  }
  const pt_ignored_file *x = pt_graph_ignored(a), *y = pt_graph_ignored(b);
  assert_int_equal(pt_graph_n_ignored(a), pt_graph_n_ignored(b));
  for (size_t i = 0; i < pt_graph_n_ignored(a); i++) {
    assert_same_str(x[i].path, y[i].path);
    assert_same_str(x[i].reason, y[i].reason);
  }
  assert_int_equal(pt_graph_n_meta(a), pt_graph_n_meta(b));
  for (size_t i = 0; i < pt_graph_n_meta(a); i++) {
    const char *n1, *v1, *n2, *v2;
    pt_graph_meta_at(a, i, &n1, &v1);
    pt_graph_meta_at(b, i, &n2, &v2);
    assert_same_str(n1, n2);
    assert_same_str(v1, v2);
  }
}

/* The canonical dumps match byte for byte, and so does every field the
 * dump leaves out or folds (code, birth, NULL versus "-", tabs). */
static void assert_same_graph(const pt_graph *a, const pt_graph *b)
{
  pt_buf da = PT_BUF_INIT, db = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(a, &da), 0);
  assert_int_equal(pt_graph_dump(b, &db), 0);
  assert_int_equal(da.len, db.len);
  assert_memory_equal(pt_buf_cstr(&da), pt_buf_cstr(&db), da.len);
  pt_buf_fini(&da);
  pt_buf_fini(&db);
  assert_same_entities(a, b);
  assert_same_edges_and_files(a, b);
  assert_same_rest(a, b);
}

/* 1 when two finished graphs dump the same. */
static int dumps_equal(const pt_graph *a, const pt_graph *b)
{
  pt_buf da = PT_BUF_INIT, db = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(a, &da), 0);
  assert_int_equal(pt_graph_dump(b, &db), 0);
  int same = da.len == db.len && memcmp(pt_buf_cstr(&da), pt_buf_cstr(&db),
                                        da.len) == 0;
  pt_buf_fini(&da);
  pt_buf_fini(&db);
  return same;
}

/* Loads the store into a fresh graph and compares it with want. */
static void assert_loads(pt_store *st, const pt_graph *want)
{
  pt_graph *got = new_graph();
  int rc = pt_store_load(st, got);
  if (rc != 0)
    print_error("load: %s\n", pt_error_last()->message);
  assert_int_equal(rc, 0);
  assert_same_graph(want, got);
  pt_graph_free(got);
}

/* ---- every backend ------------------------------------------------------ */

static void store_save_load__round_trips_every_record_and_field(void **state)
{
  fixture *f = *state;
  pt_graph *g = sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save_load__round_trips_an_empty_graph(void **state)
{
  fixture *f = *state;
  pt_graph *g = finished(new_graph());
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save_load__keeps_quotes_tabs_newlines_utf8_and_raw_bytes(
    void **state)
{
  fixture *f = *state;
  pt_graph *g = weird_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save__second_save_replaces_the_first(void **state)
{
  fixture *f = *state;
  pt_graph *big = sample_graph(), *small = small_graph();
  assert_int_equal(pt_store_save(f->st, big), 0);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_loads(f->st, small);
  pt_graph_free(small);
  pt_graph_free(big);
}

static void store_load__before_any_save_returns_notfound(void **state)
{
  fixture *f = *state;
  pt_graph *g = new_graph();
  assert_int_equal(pt_store_load(f->st, g), PT_ENOTFOUND);
  assert_true(strlen(pt_error_last()->message) > 0);
  pt_graph_free(g);
}

static void store_load__rejects_a_graph_that_is_not_empty(void **state)
{
  fixture *f = *state;
  pt_graph *g = small_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "empty graph"));
  pt_graph_free(g);
}

static void store_save__rejects_duplicate_entity_keys_and_keeps_old_content(
    void **state)
{
  fixture *f = *state;
  pt_graph *old = small_graph(), *dup = sample_graph();
  pt_entity e = pt_graph_entities(dup)[0];
  e.line_start = 99;
  assert_int_equal(pt_graph_add_entity(dup, &e), 0);
  finished(dup);
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt_store_save(f->st, dup), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, e.key));
  assert_loads(f->st, old);
  pt_graph_free(dup);
  pt_graph_free(old);
}

static void store_save__rejects_the_reserved_meta_name(void **state)
{
  fixture *f = *state;
  pt_graph *g = small_graph();
  assert_int_equal(pt_graph_set_meta(g, "schema_version", "7"), 0);
  finished(g);
  assert_int_equal(pt_store_save(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "schema_version"));
  pt_graph_free(g);
}

/* After a failed save the store holds the old graph whole, or the new one
 * whole when the failure came after the switch (pt_fs_replace can fail
 * syncing the directory once the rename is done); never a mix. */
static void assert_loads_one_of(pt_store *st, const pt_graph *old,
                                const pt_graph *next)
{
  pt_graph *got = new_graph();
  assert_int_equal(pt_store_load(st, got), 0);
  assert_same_graph(dumps_equal(got, next) ? next : old, got);
  pt_graph_free(got);
}

/* Allocation n fails for n = 1, 2, ... until the save gets through: each
 * attempt fails cleanly (ENOMEM, no crash; leaks show under PT_SANITIZE)
 * and the store still holds a whole graph. */
static void store_save__out_of_memory_fails_cleanly_and_keeps_old_content(
    void **state)
{
  fixture *f = *state;
  pt_graph *old = small_graph(), *next = sample_graph();
  int rc = PT_ENOMEM;
  assert_int_equal(pt_store_save(f->st, old), 0);
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    assert_true(n < 10000);
    pt_alloc_fail_after(n);
    rc = pt_store_save(f->st, next);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    if (rc == 0)
      assert_loads(f->st, next);
    else
      assert_loads_one_of(f->st, old, next);
  }
  pt_graph_free(next);
  pt_graph_free(old);
}

/* A persistent store keeps what was saved across close and open. */
static void store_open__reopened_store_loads_what_was_saved(void **state)
{
  fixture *f = *state;
  if (f->be == &mem_backend)
    skip();
  pt_graph *g = sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  assert_loads(f->st, g);
  pt_graph_free(g);
}

#define STORE_TEST(fn, be) \
  cmocka_unit_test_prestate_setup_teardown(fn, open_fixture, close_fixture, \
                                           (void *)(be))

#define CONFORMANCE_TESTS(be)                                                \
  {                                                                          \
    STORE_TEST(store_save_load__round_trips_every_record_and_field, be),     \
    STORE_TEST(store_save_load__round_trips_an_empty_graph, be),             \
    STORE_TEST(store_save_load__keeps_quotes_tabs_newlines_utf8_and_raw_bytes,\
               be),                                                          \
    STORE_TEST(store_save__second_save_replaces_the_first, be),              \
    STORE_TEST(store_load__before_any_save_returns_notfound, be),            \
    STORE_TEST(store_load__rejects_a_graph_that_is_not_empty, be),           \
    STORE_TEST(store_save__rejects_duplicate_entity_keys_and_keeps_old_content,\
               be),                                                          \
    STORE_TEST(store_save__rejects_the_reserved_meta_name, be),              \
    STORE_TEST(store_save__out_of_memory_fails_cleanly_and_keeps_old_content,\
               be),                                                          \
    STORE_TEST(store_open__reopened_store_loads_what_was_saved, be),         \
  }

/* ---- engine specs and wrappers ----------------------------------------- */

static void store_open__opens_each_engine_by_its_spec(void **state)
{
  char *dir = pt_test_tmpdir("spec");
  const char *forms[][2] = {{"mem", "mem"},
                            {"sqlite:%s/a.db", "sqlite"},
                            {"rocksdb:%s/r", "rocksdb"}};
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    pt_buf spec = PT_BUF_INIT;
    pt_store *st = NULL;
    assert_int_equal(pt_buf_printf(&spec, forms[i][0], dir), 0);
    int rc = pt_store_open(spec.ptr, &st);
    if (rc != PT_ENOTSUPPORTED) {
      assert_int_equal(rc, 0);
      assert_string_equal(pt_store_name(st), forms[i][1]);
    }
    pt_store_close(st);
    pt_buf_fini(&spec);
  }
  assert_int_equal(pt_fs_remove_tree(dir), 0);
  pt_free(dir);
}

static void store_open__rejects_unknown_engines_naming_the_accepted_forms(
    void **state)
{
  const char *bad[] = {"", "MEM", "mem:", "memory", "sqlite", "rocksdb",
                       "postgres:x", " sqlite:x", "cozo:analysis.db"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pt_store *st = NULL;
    assert_int_equal(pt_store_open(bad[i], &st), PT_EINVAL);
    assert_null(st);
    assert_non_null(strstr(pt_error_last()->message,
                           "mem, sqlite:PATH or rocksdb:PATH"));
  }
}

static void store_open__rejects_an_empty_path(void **state)
{
  const char *bad[] = {"sqlite:", "rocksdb:"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pt_store *st = NULL;
    assert_int_equal(pt_store_open(bad[i], &st), PT_EINVAL);
    assert_null(st);
    assert_non_null(strstr(pt_error_last()->message, "empty path"));
  }
}

static void store_wrappers__reject_null_arguments(void **state)
{
  pt_store *st = NULL;
  pt_graph *g = new_graph();
  assert_int_equal(pt_store_open(NULL, &st), PT_EINVAL);
  assert_int_equal(pt_store_open("mem", NULL), PT_EINVAL);
  assert_int_equal(pt_store_open("mem", &st), 0);
  assert_int_equal(pt_store_save(NULL, g), PT_EINVAL);
  assert_int_equal(pt_store_save(st, NULL), PT_EINVAL);
  assert_int_equal(pt_store_load(NULL, g), PT_EINVAL);
  assert_int_equal(pt_store_load(st, NULL), PT_EINVAL);
  assert_string_equal(pt_store_name(NULL), "none");
  pt_store_close(NULL);
  pt_store_close(st);
  pt_graph_free(g);
}

/* ---- SQLite ------------------------------------------------------------- */

/* The last column of the first row of sql run on a database file. */
static char *query(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  const char *text =
      (const char *)sqlite3_column_text(st, sqlite3_column_count(st) - 1);
  char *copy = pt_strdup(text ? text : "NULL");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return copy;
}

static void assert_query(const char *path, const char *sql, const char *want)
{
  char *got = query(path, sql);
  assert_string_equal(got, want);
  pt_free(got);
}

typedef struct prefix_count {
  const char *prefix; /* borrowed */
  int n;
} prefix_count;

static int count_prefixed(const char *name, pt_fs_type type, void *payload)
{
  prefix_count *c = payload;
  c->n += pt_str_starts_with(name, c->prefix);
  return 0;
}

static int n_temp_files(const fixture *f)
{
  prefix_count c = {"analysis.db.tmp-", 0};
  assert_int_equal(pt_fs_list_dir(f->dir, count_prefixed, &c), 0);
  return c.n;
}

static void sqlite_load__missing_file_returns_notfound_naming_it(void **state)
{
  fixture *f = *state;
  pt_graph *g = new_graph();
  assert_int_equal(pt_store_load(f->st, g), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, spec_path(f)));
  pt_graph_free(g);
}

static void sqlite_save__writes_tables_indexes_and_derived_columns(void **state)
{
  fixture *f = *state;
  pt_graph *g = sample_graph();
  const char *db = spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_query(db, "SELECT group_concat(file_path||'|'||semantic_path||'|'||"
               "root_subfolder_l1||'|'||root_subfolder_l2||'|'||entity_class,"
               "';') FROM (SELECT * FROM entities ORDER BY key)",
               "src/auth/login.rs|__src_auth_login|src|auth|CODE;"
               "src/auth/login.rs|__src_auth_login|src|auth|CODE;"
               "main.swift|__main|.||CODE");
  assert_query(db, "SELECT group_concat(edge_type||'|'||source_location||'|'||"
               "resolved, ';') FROM (SELECT * FROM edges ORDER BY rowid)",
               "Uses|src/auth/login.rs:4294967295|0;"
               "Calls|src/auth/login.rs:2|1;"
               "Implements|main.swift:1|0;Extends|main.swift:0|0");
  assert_query(db, "SELECT group_concat(path||'|'||raw_coverage_pct||'|'||"
               "effective_coverage_pct, ';') FROM "
               "(SELECT * FROM files ORDER BY path)",
               "main.swift|0.0|100.0;src/auth/login.rs|50.0|100.0");
  assert_query(db, "SELECT group_concat(path||'|'||folder_path||'|'||filename"
               "||'|'||extension, ';') FROM "
               "(SELECT * FROM ignored_files ORDER BY path)",
               ".gitignore||.gitignore|;a/b/c.tar.gz|a/b|c.tar.gz|gz;"
               "blob.bin||blob.bin|bin;docs/|docs||");
  assert_query(db, "SELECT count(*) FROM excluded_tests", "2");
  assert_query(db, "SELECT value FROM meta WHERE name = 'schema_version'",
               "1");
  assert_query(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM "
               "sqlite_master WHERE type = 'index' AND name NOT LIKE "
               "'sqlite_%' ORDER BY name)",
               "edges_to_key,entities_file_path,entities_name");
  pt_graph_free(g);
}

/* edges(from_key) needs no index of its own: the primary key serves it. */
static void sqlite_save__indexes_edge_lookups_by_from_and_to_key(void **state)
{
  fixture *f = *state;
  pt_graph *g = small_graph();
  const char *sides[] = {"from_key", "to_key"};
  assert_int_equal(pt_store_save(f->st, g), 0);
  for (size_t i = 0; i < 2; i++) {
    pt_buf sql = PT_BUF_INIT;
    assert_int_equal(pt_buf_printf(&sql, "EXPLAIN QUERY PLAN SELECT * FROM "
                                   "edges WHERE %s = 'x'", sides[i]), 0);
    char *plan = query(spec_path(f), sql.ptr);
    assert_non_null(strstr(plan, "USING INDEX"));
    pt_free(plan);
    pt_buf_fini(&sql);
  }
  pt_graph_free(g);
}

static void sqlite_file__is_readable_by_the_sqlite3_shell(void **state)
{
  fixture *f = *state;
  pt_fs_stat st;
  if (pt_fs_stat_path("/usr/bin/sqlite3", &st) != 0) {
    pt_error_clear();
    skip();
  }
  pt_graph *g = sample_graph();
  pt_buf cmd = PT_BUF_INIT, out = PT_BUF_INIT;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_buf_printf(&out, "%s/shell.txt", f->dir), 0);
  assert_int_equal(pt_buf_printf(&cmd, "/usr/bin/sqlite3 '%s' 'SELECT "
                                 "count(*) FROM entities' > '%s' 2>&1",
                                 spec_path(f), out.ptr), 0);
  assert_int_equal(system(cmd.ptr), 0);
  char *text = pt_test_read(out.ptr);
  assert_string_equal(text, "3\n");
  pt_free(text);
  pt_buf_fini(&out);
  pt_buf_fini(&cmd);
  pt_graph_free(g);
}

/* Every allocation of the save fails in turn, including those made after
 * the temporary file has rows: the target keeps the old graph and no
 * temporary file survives. */
static void sqlite_save__failure_keeps_target_and_leaves_no_temp_file(
    void **state)
{
  fixture *f = *state;
  pt_graph *old = small_graph(), *next = sample_graph();
  int rc = PT_ENOMEM;
  assert_int_equal(pt_store_save(f->st, old), 0);
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_alloc_fail_after(n);
    rc = pt_store_save(f->st, next);
    pt_alloc_fail_after(0);
    assert_int_equal(n_temp_files(f), 0);
    if (rc == PT_ENOMEM)
      assert_loads_one_of(f->st, old, next);
  }
  assert_int_equal(rc, 0);
  assert_loads(f->st, next);
  pt_graph_free(next);
  pt_graph_free(old);
}

static void sqlite_save__removes_stale_temp_files_of_its_target(void **state)
{
  fixture *f = *state;
  pt_graph *g = small_graph();
  const char *stale[] = {"analysis.db.tmp-1-0", "analysis.db.tmp-99-3-journal"};
  const char *kept[] = {"other.db.tmp-1-0", "analysis.db.bak"};
  for (size_t i = 0; i < 2; i++) {
    pt_test_write(f->dir, stale[i], "half-written");
    pt_test_write(f->dir, kept[i], "not ours");
  }
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(n_temp_files(f), 0);
  for (size_t i = 0; i < 2; i++) {
    pt_buf p = PT_BUF_INIT;
    pt_fs_stat st;
    assert_int_equal(pt_buf_printf(&p, "%s/%s", f->dir, kept[i]), 0);
    assert_int_equal(pt_fs_stat_path(p.ptr, &st), 0);
    pt_buf_fini(&p);
  }
  assert_loads(f->st, g);
  pt_graph_free(g);
}

static void sqlite_load__rejects_a_file_that_is_not_sqlite(void **state)
{
  fixture *f = *state;
  pt_graph *g = new_graph();
  pt_test_write(f->dir, "analysis.db", "just some text, no database here\n");
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, spec_path(f)));
  pt_graph_free(g);
}

static void sqlite_load__rejects_a_sqlite_file_of_another_schema(void **state)
{
  fixture *f = *state;
  pt_graph *g = new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE entities(x);"
                                "CREATE TABLE meta(name, value)", NULL, NULL,
                                NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "not a parseltongue"));
  pt_graph_free(g);
}

/* ---- RocksDB ------------------------------------------------------------ */

static void rocksdb_open__creates_missing_directories(void **state)
{
  fixture *f = *state;
  pt_fs_stat st;
  assert_int_equal(pt_fs_stat_path(spec_path(f), &st), 0);
  assert_int_equal(st.type, PT_FS_DIR);
}

static void rocksdb_open__second_open_of_the_same_directory_is_busy(
    void **state)
{
  fixture *f = *state;
  pt_store *second = NULL;
  assert_int_equal(pt_store_open(f->spec, &second), PT_EBUSY);
  assert_null(second);
  assert_non_null(strstr(pt_error_last()->message, spec_path(f)));
}

/* Closing and opening the store again stands in for a crash: the process
 * is gone and RocksDB recovers from what is on disk. */
static void reopen(fixture *f)
{
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
}

static size_t n_generations(const fixture *f)
{
  size_t n = 0;
  assert_int_equal(pt__store_rocksdb_n_generations(f->st, &n), 0);
  return n;
}

static uint64_t current_generation(const fixture *f)
{
  uint64_t gen = 0;
  assert_int_equal(pt__store_rocksdb_current(f->st, &gen), 0);
  return gen;
}

/* Several 4 MB write batches and 8 MB memtables' worth of records. */
static pt_graph *large_graph(void)
{
  pt_graph *g = new_graph();
  char *code = pt_malloc(4096);
  assert_non_null(code);
  memset(code, 'x', 4095);
  code[4095] = '\0';
  for (unsigned i = 0; i < 5000; i++) {
    char key[64], name[16];
    pt_snprintf(key, sizeof key, "c:fn:f%05u:__big:T%u", i, i);
    pt_snprintf(name, sizeof name, "f%05u", i);
    pt_entity e = {.key = key, .name = name, .qualname = name,
                   .file_path = "big.c", .code = code, .content_hash = "0",
                   .lang = PT_LANG_C, .kind = PT_KIND_FUNCTION,
                   .line_start = i + 1, .line_end = i + 1, .birth = i};
    pt_edge d = {key, "c:fn:g:unresolved-reference:0-0", "big.c",
                 PT_EDGE_CALLS, i + 1, 0};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
    assert_int_equal(pt_graph_add_edge(g, &d), 0);
  }
  pt_free(code);
  return finished(g);
}

static void rocksdb_save_load__round_trips_a_graph_of_many_batches(
    void **state)
{
  fixture *f = *state;
  pt_graph *small = small_graph(), *big = large_graph();
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save(f->st, big), 0);
  assert_loads(f->st, big);
  reopen(f);
  assert_loads(f->st, big);
  pt_graph_free(big);
  pt_graph_free(small);
}

static void rocksdb_save__keeps_only_the_current_generation(void **state)
{
  fixture *f = *state;
  pt_graph *g[] = {sample_graph(), small_graph(), weird_graph()};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(pt_store_save(f->st, g[i]), 0);
  assert_int_equal(n_generations(f), 1);
  assert_true(current_generation(f) == 3);
  assert_loads(f->st, g[2]);
  for (size_t i = 0; i < 3; i++)
    pt_graph_free(g[i]);
}

/* The new generation is on disk, but the key naming the current one still
 * names the old: readers, and a restart, see the old graph whole. */
static void rocksdb_save__interrupted_before_the_flip_loads_the_old_contents(
    void **state)
{
  fixture *f = *state;
  pt_graph *old = small_graph(), *next = sample_graph();
  uint64_t gen = 0;
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, next, &gen), 0);
  assert_loads(f->st, old);
  reopen(f);
  assert_loads(f->st, old);
  assert_int_equal(n_generations(f), 2);
  pt_graph_free(next);
  pt_graph_free(old);
}

/* The next save reuses the leftover's generation number, so loading its
 * graph alone shows that the leftover records were deleted first. */
static void rocksdb_save__removes_what_an_interrupted_save_left(void **state)
{
  fixture *f = *state;
  pt_graph *old = small_graph(), *left = sample_graph(), *next = weird_graph();
  uint64_t gen = 0;
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, left, &gen), 0);
  reopen(f);
  assert_int_equal(pt_store_save(f->st, next), 0);
  assert_true(current_generation(f) == gen);
  assert_int_equal(n_generations(f), 1);
  assert_loads(f->st, next);
  pt_graph_free(next);
  pt_graph_free(left);
  pt_graph_free(old);
}

static void rocksdb_load__first_save_interrupted_returns_notfound(
    void **state)
{
  fixture *f = *state;
  pt_graph *left = sample_graph(), *got = new_graph();
  uint64_t gen = 0;
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, left, &gen), 0);
  reopen(f);
  assert_int_equal(pt_store_load(f->st, got), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, "nothing has been saved"));
  pt_graph_free(got);
  pt_graph_free(left);
}

/* ---- main ---------------------------------------------------------------- */

/* RocksDB is built on POSIX only; elsewhere its constructor reports
 * PT_ENOTSUPPORTED and its groups are left out. */
static int have_rocksdb(void)
{
  char *dir = pt_test_tmpdir("probe");
  pt_store *st = NULL;
  int rc = pt_store_rocksdb_open(dir, &st);
  pt_store_close(st);
  pt_fs_remove_tree(dir);
  pt_free(dir);
  return rc != PT_ENOTSUPPORTED;
}

int main(void)
{
  const struct CMUnitTest mem_tests[] = CONFORMANCE_TESTS(&mem_backend);
  const struct CMUnitTest sqlite_tests[] = CONFORMANCE_TESTS(&sqlite_backend);
  const struct CMUnitTest rocksdb_tests[] =
      CONFORMANCE_TESTS(&rocksdb_backend);
  const struct CMUnitTest spec_tests[] = {
      cmocka_unit_test(store_open__opens_each_engine_by_its_spec),
      cmocka_unit_test(
          store_open__rejects_unknown_engines_naming_the_accepted_forms),
      cmocka_unit_test(store_open__rejects_an_empty_path),
      cmocka_unit_test(store_wrappers__reject_null_arguments),
  };
  const struct CMUnitTest sqlite_only[] = {
      STORE_TEST(sqlite_load__missing_file_returns_notfound_naming_it,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_tables_indexes_and_derived_columns,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__indexes_edge_lookups_by_from_and_to_key,
                 &sqlite_backend),
      STORE_TEST(sqlite_file__is_readable_by_the_sqlite3_shell,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__failure_keeps_target_and_leaves_no_temp_file,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__removes_stale_temp_files_of_its_target,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__rejects_a_file_that_is_not_sqlite,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__rejects_a_sqlite_file_of_another_schema,
                 &sqlite_backend),
  };
  const struct CMUnitTest rocksdb_only[] = {
      STORE_TEST(rocksdb_open__creates_missing_directories, &rocksdb_backend),
      STORE_TEST(rocksdb_open__second_open_of_the_same_directory_is_busy,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_load__round_trips_a_graph_of_many_batches,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__keeps_only_the_current_generation,
                 &rocksdb_backend),
      STORE_TEST(
          rocksdb_save__interrupted_before_the_flip_loads_the_old_contents,
          &rocksdb_backend),
      STORE_TEST(rocksdb_save__removes_what_an_interrupted_save_left,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__first_save_interrupted_returns_notfound,
                 &rocksdb_backend),
  };
  int failed = 0, rocksdb = have_rocksdb();
  failed += cmocka_run_group_tests_name("store_conformance[mem]", mem_tests,
                                        NULL, NULL);
  failed += cmocka_run_group_tests_name("store_conformance[sqlite]",
                                        sqlite_tests, NULL, NULL);
  if (rocksdb)
    failed += cmocka_run_group_tests_name("store_conformance[rocksdb]",
                                          rocksdb_tests, NULL, NULL);
  failed += cmocka_run_group_tests_name("store_open", spec_tests, NULL, NULL);
  failed += cmocka_run_group_tests_name("store_sqlite", sqlite_only, NULL,
                                        NULL);
  if (rocksdb)
    failed += cmocka_run_group_tests_name("store_rocksdb", rocksdb_only, NULL,
                                          NULL);
  return failed;
}
