/* Entity code kept once per file (pt/model.h, pt_entity.code): an entity's
 * code is its whole lines, code_len bytes; a nested entity's is a range of
 * its outermost ancestor's text, not a copy of its own, in a file's result,
 * in its compact copy and in a graph. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/error.h"
#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/graph_load_code.h"
#include "pt/hash.h"
#include "pt/lang.h"
#include "pt/store.h"
#include "test_support.h"

/* Lines ls..le of src, without the last line's end. */
static void lines_of(const char *src, size_t len, uint32_t ls, uint32_t le,
                     const char **at, size_t *n)
{
  size_t a = 0, line = 1;
  while (line < ls && a < len)
    line += src[a++] == '\n';
  size_t b = a;
  while (b < len && (line < le || src[b] != '\n'))
    line += src[b++] == '\n';
  if (b > a && src[b - 1] == '\r')
    b--;
  *at = src + a;
  *n = b - a;
}

/* The outermost entity around e (e itself at the top), by parent keys. */
static const pt_entity *outermost(const pt_entity *v, size_t n,
                                  const pt_entity *e)
{
  for (int more = 1; more && e->parent_key;) {
    more = 0;
    for (size_t i = 0; i < n; i++)
      if (strcmp(v[i].key, e->parent_key) == 0) {
        e = &v[i];
        more = 1;
        break;
      }
  }
  return e;
}

static int inside(const pt_entity *e, const pt_entity *outer)
{
  uintptr_t a = (uintptr_t)e->code, o = (uintptr_t)outer->code;
  return a >= o && a + e->code_len <= o + pt_entity_code_len(outer);
}

/* Each entity's code is its lines of src (and its hash theirs); a nested
 * one's lies inside its outermost ancestor's; the outermost ones' do not
 * overlap, so the texts held are at most the source. A load's outermost
 * entities keep NUL-terminated copies (code_len 0): is_loaded. */
static void check_code_of(const pt_entity *v, size_t n, const char *src,
                          size_t len, int is_loaded)
{
  size_t held = 0, nested = 0;
  for (size_t i = 0; i < n; i++) {
    const pt_entity *e = &v[i], *o = outermost(v, n, e);
    const char *at;
    size_t want;
    char hash[65];
    lines_of(src, len, e->line_start, e->line_end, &at, &want);
    assert_int_equal(e->code_len, is_loaded && o == e ? 0 : want);
    assert_int_equal(pt_entity_code_len(e), want);
    assert_memory_equal(e->code, at, want);
    pt_sha256_hex(at, want, hash);
    assert_string_equal(e->content_hash, hash);
    if (o != e) {
      assert_true(inside(e, o));
      nested++;
    } else {
      held += pt_entity_code_len(e);
    }
  }
  assert_true(nested > 0);
  assert_true(held <= len);
}

static void check_code(const pt_entity *v, size_t n, const char *src,
                       size_t len)
{
  check_code_of(v, n, src, len, 0);
}

static const char rust_src[] =
    "struct S;\n"
    "impl S {\n"
    "    fn a(&self) -> u32 {\n        1\n    }\n"
    "    fn b(&self) -> u32 {\n        self.a()\n    }\n"
    "}\n"
    "mod m {\n"
    "    pub mod n {\n        pub fn c() {}\n    }\n"
    "    fn d() {}\n"
    "}\n"
    "fn e() {}\n";

/* The graph of rust_src's first len bytes, finished; the result it came
 * from is freed (the graph holds its own texts). */
static pt_graph *rust_graph(size_t len)
{
  pt_file_result *r =
      pt_test_extract(PT_GRAMMAR_RUST, "src/lib.rs", rust_src, len);
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (size_t i = 0; i < r->n_entities; i++)
    assert_int_equal(pt_graph_add_entity(g, &r->entities[i]), 0);
  pt_file_result_free(r);
  assert_int_equal(pt_graph_finish(g), 0);
  return g;
}

static void extract_code__nested_entities_share_the_outermost_text(void **state)
{
  (void)state;
  size_t len = sizeof rust_src - 1;
  pt_file_result *r =
      pt_test_extract(PT_GRAMMAR_RUST, "src/lib.rs", rust_src, len);
  assert_true(r->n_entities >= 8);
  check_code(r->entities, r->n_entities, rust_src, len);
  assert_int_equal(pt_file_result_compact(&r), 0);
  check_code(r->entities, r->n_entities, rust_src, len);
  pt_file_result_free(r);
}

static void extract_code__a_graph_keeps_the_sharing(void **state)
{
  (void)state;
  size_t len = sizeof rust_src - 1;
  pt_graph *g = rust_graph(len);
  check_code(pt_graph_entities(g), pt_graph_n_entities(g), rust_src, len);
  pt_graph_free(g);
}

/* A graph shares a text only when the bytes are the same: an entity whose
 * code lies where the last one's was, in memory since changed (a freed
 * result's arena used again), gets its own copy. */
static void extract_code__a_graph_shares_only_the_same_bytes(void **state)
{
  (void)state;
  char text[] = "impl S {\n    fn a() {}\n}";
  pt_entity outer = {.key = "rust:impl:S:__x:T1", .name = "S",
                     .qualname = "S", .file_path = "x.rs", .code = text,
                     .code_len = (uint32_t)strlen(text), .content_hash = "0"};
  pt_entity inner = {.key = "rust:fn:a:__x:T2", .name = "a",
                     .qualname = "S.a", .file_path = "x.rs",
                     .parent_key = outer.key, .code = text + 13,
                     .code_len = 9, .content_hash = "0"};
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_add_entity(g, &outer), 0);
  assert_int_equal(pt_graph_add_entity(g, &inner), 0);
  memcpy(text + 13, "fn z() {}", 9);
  inner.key = "rust:fn:z:__x:T3";
  assert_int_equal(pt_graph_add_entity(g, &inner), 0);
  const pt_entity *v = pt_graph_entities(g);
  assert_memory_equal(v[0].code, "impl S {\n    fn a() {}\n}", v[0].code_len);
  assert_int_equal(v[1].code_len, 9);
  assert_memory_equal(v[1].code, "fn a() {}", 9);
  assert_true(inside(&v[1], &v[0]));
  assert_int_equal(v[2].code_len, 9);
  assert_memory_equal(v[2].code, "fn z() {}", 9);
  assert_false(inside(&v[2], &v[0]));
  pt_graph_free(g);
}

/* A graph saved and loaded again (a store gives its entities in key
 * order, nested ones before the entities around them) keeps the nested
 * entities' code as ranges of the outermost one's, each engine built. */
static void extract_code__a_loaded_graph_keeps_the_sharing(void **state)
{
  (void)state;
  static const char *const engines[] = {"sqlite", "rocksdb"};
  size_t len = sizeof rust_src - 1;
  pt_graph *g = rust_graph(len);
  char *dir = pt_test_tmpdir("extract_code_load");
  for (size_t k = 0; k < sizeof engines / sizeof engines[0]; k++) {
    pt_buf spec = PT_BUF_INIT;
    pt_store *st = NULL;
    pt_graph *back = NULL;
    assert_int_equal(pt_buf_printf(&spec, "%s:%s/index.%s", engines[k], dir,
                                   engines[k]), 0);
    int rc = pt_store_open(spec.ptr, &st);
    pt_buf_fini(&spec);
    if (rc == PT_ENOTSUPPORTED)
      continue; /* RocksDB on Windows */
    assert_int_equal(rc, 0);
    assert_int_equal(pt_store_save(st, g), 0);
    assert_int_equal(pt_graph_new(&back), 0);
    assert_int_equal(pt_store_load(st, back), 0);
    check_code_of(pt_graph_entities(back), pt_graph_n_entities(back),
                  rust_src, len, 1);
    pt_graph_free(back);
    pt_store_close(st);
  }
  free(dir);
  pt_graph_free(g);
}

/* A load shares a nested entity's code only where its lines lie inside
 * an entity of its file and the bytes there are the same. */
static void extract_code__a_load_shares_only_the_same_bytes(void **state)
{
  (void)state;
  static const char outer_code[] = "impl S {\n    fn a() {}\n}";
  static const struct {
    const char *key, *code;
    uint32_t line_start, line_end;
    int shared;
  } ents[] = {
      {"rust:fn:a:__x:T2", "    fn a() {}", 2, 2, 1},
      {"rust:fn:b:__x:T3", "    fn b() {}", 2, 2, 0}, /* other bytes */
      {"rust:fn:c:__x:T4", "    fn a() {}", 4, 4, 0}, /* other lines */
      {"rust:impl:S:__x:T1", outer_code, 1, 3, 0},
  };
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  const char *file = pt_graph_intern(g, "x.rs");
  const char *outer_key = pt_graph_intern(g, "rust:impl:S:__x:T1");
  for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
    pt_entity e = {.key = pt_graph_intern(g, ents[i].key),
                   .name = pt_graph_intern(g, "n"), .file_path = file,
                   .content_hash = "0", .line_start = ents[i].line_start,
                   .line_end = ents[i].line_end};
    e.parent_key = e.key == outer_key ? NULL : outer_key;
    size_t n = strlen(ents[i].code);
    char *bytes = malloc(n); /* gone before finish */
    assert_non_null(bytes);
    memcpy(bytes, ents[i].code, n);
    assert_int_equal(pt_graph_load_code(g, &e, bytes, n), 0);
    free(bytes);
    assert_int_equal(pt_graph_add_entity_interned(g, &e), 0);
  }
  assert_int_equal(pt_graph_finish(g), 0);
  const pt_entity *v = pt_graph_entities(g);
  const pt_entity *outer = &v[3];
  assert_ptr_equal(outer->key, outer_key);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(pt_entity_code_len(&v[i]), strlen(ents[i].code));
    assert_memory_equal(v[i].code, ents[i].code, strlen(ents[i].code));
    if (i < 3)
      assert_int_equal(inside(&v[i], outer), ents[i].shared);
  }
  pt_graph_free(g);
}

/* A NUL past the first 8 KiB (where the walk looks for binary files)
 * ends an entity's code, as it did when code was a C string. */
static void extract_code__ends_at_a_nul(void **state)
{
  (void)state;
  static const char src[] = "int f(void) {\n  return 1;\n}\n"
                            "int g(void) {\n  x\0y;\n  return 2;\n}\n";
  pt_file_result *r =
      pt_test_extract(PT_GRAMMAR_C, "src/a.c", src, sizeof src - 1);
  const pt_entity *g = NULL;
  for (size_t i = 0; i < r->n_entities; i++)
    if (strcmp(r->entities[i].name, "g") == 0)
      g = &r->entities[i];
  assert_non_null(g);
  assert_int_equal(g->code_len, strlen("int g(void) {\n  x"));
  assert_memory_equal(g->code, "int g(void) {\n  x", g->code_len);
  pt_file_result_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(extract_code__nested_entities_share_the_outermost_text),
      cmocka_unit_test(extract_code__a_graph_keeps_the_sharing),
      cmocka_unit_test(extract_code__a_graph_shares_only_the_same_bytes),
      cmocka_unit_test(extract_code__a_loaded_graph_keeps_the_sharing),
      cmocka_unit_test(extract_code__a_load_shares_only_the_same_bytes),
      cmocka_unit_test(extract_code__ends_at_a_nul),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
