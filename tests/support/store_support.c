/* The store conformance suite (store_support.h): fixtures, sample graphs,
 * comparisons, and the behaviour of pt/store.h every backend shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "store_support.h"

int pt_test_fixture_open(void **state)
{
  pt_test_fixture *f = pt_calloc(1, sizeof *f);
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

int pt_test_fixture_close(void **state)
{
  pt_test_fixture *f = *state;
  pt_store_close(f->st);
  assert_int_equal(pt_fs_remove_tree(f->dir), 0);
  pt_free(f->spec);
  pt_free(f->dir);
  pt_free(f);
  return 0;
}

/* The file or directory behind a fixture's spec. */
const char *pt_test_spec_path(const pt_test_fixture *f)
{
  return strchr(f->spec, ':') + 1;
}

/* ---- sample graphs ---------------------------------------------------- */

static const char weird[] =
    "it's \"quoted\" \\ back\tslash\nnew\r\nline \xc3\xa9 \xe6\xbc\xa2"
    "\xe5\xad\x97 \xf0\x9f\x90\x8d \x01\x02\x1b\x7f \xff\xfe '); DROP TABLE "
    "entities; --";

pt_graph *pt_test_finished(pt_graph *g)
{
  assert_int_equal(pt_graph_finish(g), 0);
  return g;
}

pt_graph *pt_test_new_graph(void)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  return g;
}

/* Every record type; every field set, NULL where a field may be NULL, and
 * the extreme values of each integer. */
pt_graph *pt_test_sample_graph(void)
{
  pt_graph *g = pt_test_new_graph();
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
       PT_EDGE_CALLS, 2, 1, PT_RES_RECEIVER_TYPE, NULL},
      {"rust:file:src_auth_login_rs:1-1", "rust:module:std:0-0",
       "src/auth/login.rs", PT_EDGE_USES, 4294967295u, 0, PT_RES_EXTERNAL, NULL},
      {"swift:typedef::__main:T-1", "swift:fn:P:unresolved-reference:0-0",
       "main.swift", PT_EDGE_IMPLEMENTS, 1, 0, PT_RES_UNKNOWN_RECEIVER, NULL},
      {"swift:typedef::__main:T-1", "swift:fn:P:unresolved-reference:0-0",
       "main.swift", PT_EDGE_EXTENDS, 0, 0, PT_RES_AMBIGUOUS, NULL},
  };
  const pt_file_record files[] = {
      {"src/auth/login.rs", "abc123", PT_LANG_RUST, 1234, 2, 0, 1, 10, 5, 2,
       3, 1700000000123456789, "R\001\000\377x", 5},
      {"main.swift", NULL, PT_LANG_SWIFT, UINT64_MAX, 4294967295u,
       4294967295u, 4294967295u, INT64_MAX, 0, UINT64_MAX, 7, -1, NULL, 0},
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
  return pt_test_finished(g);
}

/* A different, smaller graph: one record of each type. */
pt_graph *pt_test_small_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  pt_entity e = {.key = "python:fn:f:__x:T5", .name = "f", .qualname = "f",
                 .file_path = "x.py", .signature = "def f():",
                 .code = "def f():\n    pass", .content_hash = "ab",
                 .lang = PT_LANG_PYTHON, .kind = PT_KIND_FUNCTION,
                 .line_start = 1, .line_end = 2, .birth = 5};
  pt_edge d = {"python:fn:f:__x:T5", "python:fn:g:unresolved-reference:0-0",
               "x.py", PT_EDGE_CALLS, 2, 0, PT_RES_EXTERNAL, NULL};
  pt_file_record f = {"x.py", "cd", PT_LANG_PYTHON, 20, 1, 0, 0, 3, 3, 0, 0,
                      0, NULL, 0};
  pt_ignored_file ig = {"y.txt", "no_parser"};
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
  assert_int_equal(pt_graph_add_edge(g, &d), 0);
  assert_int_equal(pt_graph_add_file(g, &f), 0);
  assert_int_equal(pt_graph_add_ignored(g, &ig), 0);
  assert_int_equal(pt_graph_set_meta(g, "root", "/tmp/other"), 0);
  return pt_test_finished(g);
}

/* Every string field of every record holds the same awkward text. */
pt_graph *pt_test_weird_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  pt_entity e = {.key = weird, .name = weird, .qualname = weird,
                 .file_path = weird, .signature = weird, .code = weird,
                 .parent_key = weird, .content_hash = "\"'\t\n\xc3\xa9",
                 .lang = PT_LANG_CPP, .kind = PT_KIND_CLASS};
  pt_edge d = {weird, weird, weird, PT_EDGE_USES, 3, 1, PT_RES__COUNT - 1, NULL};
  pt_file_record f = {weird, weird, PT_LANG_PHP, 1, 1, 1, 1, 1, 1, 1, 1,
                      0, NULL, 0};
  pt_test_entity t = {weird, weird, weird, weird, PT_LANG_JAVA,
                      PT_KIND_INTERFACE, 1, 2};
  pt_ignored_file ig = {weird, weird};
  const char *keys[] = {weird, "a:b"};
  assert_int_equal(pt_graph_intern_candidates(g, 40, keys, 2, &d.candidates),
                   0);
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
  assert_int_equal(pt_graph_add_edge(g, &d), 0);
  assert_int_equal(pt_graph_add_file(g, &f), 0);
  assert_int_equal(pt_graph_add_test(g, &t), 0);
  assert_int_equal(pt_graph_add_ignored(g, &ig), 0);
  assert_int_equal(pt_graph_set_meta(g, weird, weird), 0);
  return pt_test_finished(g);
}

/* ---- comparing graphs -------------------------------------------------- */

static void assert_same_str(const char *a, const char *b)
{
  if (!a || !b)
    assert_ptr_equal(a, b);
  else
    assert_string_equal(a, b);
}

/* Code is code_len bytes, not NUL-terminated inside an enclosing one's. */
static void assert_same_code(const pt_entity *a, const pt_entity *b)
{
  assert_int_equal(!a->code, !b->code);
  assert_int_equal(pt_entity_code_len(a), pt_entity_code_len(b));
  if (a->code)
    assert_memory_equal(a->code, b->code, pt_entity_code_len(a));
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
    assert_same_code(&x[i], &y[i]);
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
    assert_int_equal(x[i].resolution, y[i].resolution);
    const pt_candidates *p = x[i].candidates, *q = y[i].candidates;
    assert_int_equal(!p, !q);
    if (!p)
      continue;
    assert_int_equal(p->n, q->n);
    assert_int_equal(p->n_keys, q->n_keys);
    for (uint32_t k = 0; k < p->n_keys; k++)
      assert_same_str(p->keys[k], q->keys[k]);
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
    assert_true(f[i].mtime_ns == h[i].mtime_ns);
    assert_int_equal(f[i].reuse_size, h[i].reuse_size);
    assert_int_equal(!f[i].reuse, !h[i].reuse);
    if (f[i].reuse)
      assert_memory_equal(f[i].reuse, h[i].reuse, f[i].reuse_size);
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
void pt_test_assert_same_graph(const pt_graph *a, const pt_graph *b)
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
void pt_test_assert_loads(pt_store *st, const pt_graph *want)
{
  pt_graph *got = pt_test_new_graph();
  int rc = pt_store_load(st, got);
  if (rc != 0)
    print_error("load: %s\n", pt_error_last()->message);
  assert_int_equal(rc, 0);
  pt_test_assert_same_graph(want, got);
  pt_graph_free(got);
}
/* ---- every backend ------------------------------------------------------ */

static void store_save_load__round_trips_every_record_and_field(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save_load__round_trips_an_empty_graph(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_finished(pt_test_new_graph());
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save_load__keeps_quotes_tabs_newlines_utf8_and_raw_bytes(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

static void store_save__second_save_replaces_the_first(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *big = pt_test_sample_graph(), *small = pt_test_small_graph();
  assert_int_equal(pt_store_save(f->st, big), 0);
  assert_int_equal(pt_store_save(f->st, small), 0);
  pt_test_assert_loads(f->st, small);
  pt_graph_free(small);
  pt_graph_free(big);
}

/* A re-run of index writes only the difference: what loads is the new
 * graph, whichever records came, went or changed. */
static void store_write_changes__brings_the_store_to_the_new_graph(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *big = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *odd = pt_test_weird_graph();
  assert_int_equal(pt_store_save(f->st, big), 0);
  assert_int_equal(pt_store_write_changes(f->st, big, small), 0);
  pt_test_assert_loads(f->st, small);
  assert_int_equal(pt_store_write_changes(f->st, small, odd), 0);
  pt_test_assert_loads(f->st, odd);
  assert_int_equal(pt_store_write_changes(f->st, odd, big), 0);
  pt_test_assert_loads(f->st, big);
  assert_int_equal(pt_store_write_changes(f->st, big, big), 0);
  pt_test_assert_loads(f->st, big);
  pt_graph_free(odd);
  pt_graph_free(small);
  pt_graph_free(big);
}

/* A re-run or a live update writes back into a file's reuse record what
 * the file read (ingest_reuse.c, version 7), its other fields the same:
 * the changes written hold it. */
static void store_write_changes__writes_a_file_whose_reuse_alone_changed(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *big = pt_test_sample_graph();
  pt_graph *was = pt_test_new_graph(), *now = pt_test_new_graph();
  static const unsigned char more[] = {'R', 7, 1, 2, 3, 4, 9, 2, 0, 0xff};
  assert_int_equal(pt_store_save(f->st, big), 0);
  assert_int_equal(pt_store_load(f->st, was), 0);
  assert_int_equal(pt_store_load(f->st, now), 0);
  assert_true(pt_graph_n_files(now) > 0);
  const char *path = pt_graph_files(now)[0].path;
  assert_int_equal(pt_graph_set_file_reuse(now, path, more, sizeof more), 0);
  assert_int_equal(pt_graph_set_file_reuse(now, "no/such/file", more, 1),
                   PT_ENOTFOUND);
  pt_error_clear();
  assert_int_equal(pt_store_write_changes(f->st, was, now), 0);
  pt_test_assert_loads(f->st, now);
  pt_graph *back = pt_test_new_graph();
  assert_int_equal(pt_store_load(f->st, back), 0);
  const pt_file_record *r = pt_graph_find_file(back, path);
  assert_non_null(r);
  assert_int_equal(r->reuse_size, sizeof more);
  assert_memory_equal(r->reuse, more, sizeof more);
  pt_graph_free(back);
  pt_graph_free(now);
  pt_graph_free(was);
  pt_graph_free(big);
}

/* What a re-run compares the tree with: the file records, ignored files
 * and metadata as saved, and no entity, edge or test. */
static void store_load_files__reads_files_ignored_and_meta_only(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *got = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load_files(f->st, got), 0);
  assert_int_equal(pt_graph_n_files(got), pt_graph_n_files(g));
  assert_int_equal(pt_graph_n_ignored(got), pt_graph_n_ignored(g));
  assert_int_equal(pt_graph_n_meta(got), pt_graph_n_meta(g));
  for (size_t i = 0; i < pt_graph_n_files(g); i++) {
    const pt_file_record *a = &pt_graph_files(g)[i], *b = &pt_graph_files(got)[i];
    assert_string_equal(a->path, b->path);
    assert_true(a->size == b->size && a->mtime_ns == b->mtime_ns);
    assert_int_equal(a->reuse_size, b->reuse_size);
  }
  if (strcmp(f->be->name, "mem") != 0) /* mem has nothing cheaper */
    assert_true(pt_graph_n_entities(got) == 0 && pt_graph_n_edges(got) == 0 &&
                pt_graph_n_tests(got) == 0);
  pt_graph_free(got);
  pt_graph_free(g);
}

static void store_load__before_any_save_returns_notfound(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  assert_int_equal(pt_store_load(f->st, g), PT_ENOTFOUND);
  assert_true(strlen(pt_error_last()->message) > 0);
  pt_graph_free(g);
}

static void store_load__rejects_a_graph_that_is_not_empty(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_small_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "empty graph"));
  pt_graph_free(g);
}

static void store_save__rejects_duplicate_entity_keys_and_keeps_old_content(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *dup = pt_test_sample_graph();
  pt_entity e = pt_graph_entities(dup)[0];
  e.line_start = 99;
  assert_int_equal(pt_graph_add_entity(dup, &e), 0);
  pt_test_finished(dup);
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt_store_save(f->st, dup), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, e.key));
  pt_test_assert_loads(f->st, old);
  pt_graph_free(dup);
  pt_graph_free(old);
}

static void store_save__rejects_the_reserved_meta_name(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_small_graph();
  assert_int_equal(pt_graph_set_meta(g, "schema_version", "7"), 0);
  pt_test_finished(g);
  assert_int_equal(pt_store_save(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "schema_version"));
  pt_graph_free(g);
}

/* After a failed save the store holds the old graph whole, or the new one
 * whole when the failure came after the switch (pt_fs_replace can fail
 * syncing the directory once the rename is done); never a mix. */
void pt_test_assert_loads_one_of(pt_store *st, const pt_graph *old,
                                const pt_graph *next)
{
  pt_graph *got = pt_test_new_graph();
  assert_int_equal(pt_store_load(st, got), 0);
  pt_test_assert_same_graph(dumps_equal(got, next) ? next : old, got);
  pt_graph_free(got);
}

void pt_test_assert_save_fails_cleanly(pt_store *st, const pt_graph *old,
                                       const pt_graph *next,
                                       unsigned long max_tries,
                                       void (*each_try)(void *payload),
                                       void *payload)
{
  int rc = PT_ENOMEM;
  assert_int_equal(pt_store_save(st, old), 0);
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    assert_true(n < max_tries);
    pt_alloc_fail_after(n);
    rc = pt_store_save(st, next);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    if (each_try)
      each_try(payload);
    if (rc == PT_ENOMEM)
      pt_test_assert_loads_one_of(st, old, next);
  }
  pt_test_assert_loads(st, next);
}

/* Allocation n fails for n = 1, 2, ... until the save gets through: each
 * attempt fails cleanly and the store still holds a whole graph. */
static void store_save__out_of_memory_fails_cleanly_and_keeps_old_content(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *next = pt_test_sample_graph();
  pt_test_assert_save_fails_cleanly(f->st, old, next, 10000, NULL, NULL);
  pt_graph_free(next);
  pt_graph_free(old);
}

/* The sample graph with candidates on its ambiguous edge: `n` of them,
 * keys "c:fn:k00:__x:T1", "c:fn:k01:__x:T1", ... up to the cap. */
static pt_graph *sample_with_candidates(uint32_t n)
{
  pt_graph *g = pt_test_sample_graph();
  char text[PT_CANDIDATES_MAX][32];
  const char *keys[PT_CANDIDATES_MAX];
  uint32_t n_keys = n < PT_CANDIDATES_MAX ? n : PT_CANDIDATES_MAX;
  for (uint32_t k = 0; k < n_keys; k++) {
    snprintf(text[k], sizeof text[k], "c:fn:k%02u:__x:T1", (unsigned)k);
    keys[k] = text[k];
  }
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    pt_edge *e = (pt_edge *)&pt_graph_edges(g)[i];
    if (e->resolution == PT_RES_AMBIGUOUS)
      assert_int_equal(pt_graph_intern_candidates(g, n, keys, n_keys,
                                                  &e->candidates), 0);
  }
  return g;
}

/* An ambiguous edge keeps its candidates: the count of all, and the
 * listed keys in order. */
static void store_save_load__round_trips_candidate_lists(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = sample_with_candidates(40);
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* A re-run whose only change is the candidates of an edge writes it. */
static void store_write_changes__writes_changed_candidates(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *two = sample_with_candidates(2), *three = sample_with_candidates(3);
  pt_graph *none = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, two), 0);
  assert_int_equal(pt_store_write_changes(f->st, two, three), 0);
  pt_test_assert_loads(f->st, three);
  assert_int_equal(pt_store_write_changes(f->st, three, none), 0);
  pt_test_assert_loads(f->st, none);
  pt_graph_free(none);
  pt_graph_free(three);
  pt_graph_free(two);
}

/* A persistent store keeps what was saved across close and open. */
static void store_open__reopened_store_loads_what_was_saved(void **state)
{
  pt_test_fixture *f = *state;
  if (!strcmp(f->be->name, "mem"))
    skip();
  pt_graph *g = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

int pt_test_store_conformance(const char *group, const pt_test_backend *be)
{
  const struct CMUnitTest tests[] = {
      STORE_TEST(store_save_load__round_trips_every_record_and_field, be),
      STORE_TEST(store_save_load__round_trips_an_empty_graph, be),
      STORE_TEST(store_save_load__keeps_quotes_tabs_newlines_utf8_and_raw_bytes,
                 be),
      STORE_TEST(store_save_load__round_trips_candidate_lists, be),
      STORE_TEST(store_write_changes__writes_changed_candidates, be),
      STORE_TEST(store_save__second_save_replaces_the_first, be),
      STORE_TEST(store_write_changes__brings_the_store_to_the_new_graph, be),
      STORE_TEST(store_write_changes__writes_a_file_whose_reuse_alone_changed,
                 be),
      STORE_TEST(store_load_files__reads_files_ignored_and_meta_only, be),
      STORE_TEST(store_load__before_any_save_returns_notfound, be),
      STORE_TEST(store_load__rejects_a_graph_that_is_not_empty, be),
      STORE_TEST(
          store_save__rejects_duplicate_entity_keys_and_keeps_old_content, be),
      STORE_TEST(store_save__rejects_the_reserved_meta_name, be),
      STORE_TEST(store_save__out_of_memory_fails_cleanly_and_keeps_old_content,
                 be),
      STORE_TEST(store_open__reopened_store_loads_what_was_saved, be),
  };
  return _cmocka_run_group_tests(group, tests, sizeof tests / sizeof tests[0],
                                 NULL, NULL);
}

/* A class, a method in it and a closure in the method, whose code lies
 * in memory inside the class's as extraction keeps it (code_of: the
 * class's text), and an entity of another file whose code pointer lies
 * there too; all of f.rs but the last. */
pt_graph *pt_test_nested_graph(const char *code_of)
{
  pt_graph *g = pt_test_new_graph();
  size_t m = strstr(code_of, "  fn m") - code_of;
  size_t c = strstr(code_of, "    let c") - code_of;
  const pt_entity ents[] = {
      {.key = "rust:impl:A:__f:T1",
       .name = "A",
       .qualname = "A",
       .file_path = "f.rs",
       .code = code_of,
       .content_hash = "h",
       .lang = PT_LANG_RUST,
       .kind = PT_KIND_IMPL,
       .line_start = 1,
       .line_end = 5},
      {.key = "rust:method:m:__f:T2",
       .name = "m",
       .qualname = "A.m",
       .file_path = "f.rs",
       .code = code_of + m,
       .code_len = (uint32_t)(strstr(code_of, "  }") + 3 - (code_of + m)),
       .parent_key = "rust:impl:A:__f:T1",
       .content_hash = "h",
       .lang = PT_LANG_RUST,
       .kind = PT_KIND_METHOD,
       .line_start = 2,
       .line_end = 4},
      {.key = "rust:fn:c:__f:T3",
       .name = "c",
       .qualname = "A.m.c",
       .file_path = "f.rs",
       .code = code_of + c,
       .code_len = 17,
       .parent_key = "rust:method:m:__f:T2",
       .content_hash = "h",
       .lang = PT_LANG_RUST,
       .kind = PT_KIND_FUNCTION,
       .line_start = 3,
       .line_end = 3},
      {.key = "rust:fn:z:__g:T4",
       .name = "z",
       .qualname = "z",
       .file_path = "g.rs",
       .code = code_of + m,
       .code_len = 4,
       .content_hash = "h",
       .lang = PT_LANG_RUST,
       .kind = PT_KIND_FUNCTION,
       .line_start = 1,
       .line_end = 1},
  };
  for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
    assert_int_equal(pt_graph_add_entity(g, &ents[i]), 0);
  return pt_test_finished(g);
}

const char pt_test_nested_code[] =
    "impl A {\n  fn m() {\n    let c = || 1;\n  }\n}";

void pt_test_rewrite_file_reuse(pt_graph *g)
{
  assert_true(pt_graph_n_files(g) > 0);
  for (size_t i = 0; i < pt_graph_n_files(g); i++) {
    char bytes[32];
    int n = snprintf(bytes, sizeof bytes, "reads of %zu", i);
    assert_int_equal(pt_graph_set_file_reuse(g, pt_graph_files(g)[i].path,
                                             bytes, (size_t)n), 0);
  }
}
