/* Entity code kept once per file (pt/model.h, pt_entity.code): an entity's
 * code is its whole lines, code_len bytes; a nested entity's is a range of
 * its outermost ancestor's text, not a copy of its own, in a file's result,
 * in its compact copy and in a graph. */
#include <stdint.h>
#include <string.h>

#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/hash.h"
#include "pt/lang.h"
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
  return a >= o && a + e->code_len <= o + outer->code_len;
}

/* Each entity's code is its lines of src (and its hash theirs); a nested
 * one's lies inside its outermost ancestor's; the outermost ones' do not
 * overlap, so the texts held are at most the source. */
static void check_code(const pt_entity *v, size_t n, const char *src,
                       size_t len)
{
  size_t held = 0, nested = 0;
  for (size_t i = 0; i < n; i++) {
    const pt_entity *e = &v[i], *o = outermost(v, n, e);
    const char *at;
    size_t want;
    char hash[65];
    lines_of(src, len, e->line_start, e->line_end, &at, &want);
    assert_int_equal(e->code_len, want);
    assert_int_equal(pt_entity_code_len(e), want);
    assert_memory_equal(e->code, at, want);
    pt_sha256_hex(at, want, hash);
    assert_string_equal(e->content_hash, hash);
    if (o != e) {
      assert_true(inside(e, o));
      nested++;
    } else {
      held += e->code_len;
    }
  }
  assert_true(nested > 0);
  assert_true(held <= len);
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

static pt_file_result *extract(pt_grammar grammar, const char *path,
                               const char *src, size_t len)
{
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_file_result *r = NULL;
  assert_int_equal(pt_queries_new(&q), 0);
  assert_int_equal(pt_extractor_new(q, &x), 0);
  assert_int_equal(pt_extract_file(x, grammar, path, src, len, &r), 0);
  pt_extractor_free(x);
  pt_queries_free(q);
  return r;
}

static void extract_code__nested_entities_share_the_outermost_text(void **state)
{
  (void)state;
  size_t len = sizeof rust_src - 1;
  pt_file_result *r = extract(PT_GRAMMAR_RUST, "src/lib.rs", rust_src, len);
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
  pt_file_result *r = extract(PT_GRAMMAR_RUST, "src/lib.rs", rust_src, len);
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (size_t i = 0; i < r->n_entities; i++)
    assert_int_equal(pt_graph_add_entity(g, &r->entities[i]), 0);
  pt_file_result_free(r); /* the graph holds its own texts */
  assert_int_equal(pt_graph_finish(g), 0);
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

/* A NUL past the first 8 KiB (where the walk looks for binary files)
 * ends an entity's code, as it did when code was a C string. */
static void extract_code__ends_at_a_nul(void **state)
{
  (void)state;
  static const char src[] = "int f(void) {\n  return 1;\n}\n"
                            "int g(void) {\n  x\0y;\n  return 2;\n}\n";
  pt_file_result *r = extract(PT_GRAMMAR_C, "src/a.c", src, sizeof src - 1);
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
      cmocka_unit_test(extract_code__ends_at_a_nul),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
