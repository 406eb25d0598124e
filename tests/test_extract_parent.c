/* pt__node_parent (core/src/extract/extract_parent.c) against
 * ts_node_parent: on every node of every language fixture, from the
 * root's children alone, from definitions around the node and from the
 * node a match started on (an ancestor, or any node), it must give the
 * same node. */
#include <stdio.h>
#include <string.h>

#include "extract/extract_int.h"
#include "pt/alloc.h"
#include "pt/lang.h"
#include "pt/walk.h"
#include "test_support.h"

typedef struct nodes {
  TSNode *at;
  size_t n, cap;
} nodes;

static void push(nodes *v, TSNode n)
{
  assert_int_equal(pt_array_grow((void **)&v->at, &v->cap, v->n + 1,
                                 sizeof *v->at), 0);
  v->at[v->n++] = n;
}

/* Every node under root, in document order. */
static void all_nodes(TSNode root, nodes *out)
{
  TSTreeCursor c = ts_tree_cursor_new(root);
  for (int more = 1; more;) {
    push(out, ts_tree_cursor_current_node(&c));
    if (ts_tree_cursor_goto_first_child(&c))
      continue;
    while (more && !ts_tree_cursor_goto_next_sibling(&c))
      more = ts_tree_cursor_goto_parent(&c);
  }
  ts_tree_cursor_delete(&c);
}

/* Definitions as extraction nests them: some named nodes with children
 * (every third, so the innermost one around a node varies), in document
 * order, each nested in the nearest one around it, a range seen twice
 * kept once (the outer). */
static size_t make_cands(const nodes *all, pt_cand *cands)
{
  size_t n = 0;
  for (size_t i = 0; i < all->n; i++) {
    TSNode d = all->at[i];
    if (i % 3 != 0 || !ts_node_is_named(d) || ts_node_child_count(d) == 0)
      continue;
    uint32_t a = ts_node_start_byte(d), b = ts_node_end_byte(d);
    if (n && cands[n - 1].start_byte == a && cands[n - 1].end_byte == b)
      continue;
    int parent = (int)n - 1;
    while (parent >= 0 && cands[parent].end_byte < b)
      parent = cands[parent].parent;
    while (parent >= 0 && cands[parent].end_byte <= a)
      parent = cands[parent].parent;
    memset(&cands[n], 0, sizeof cands[n]);
    cands[n].node = d;
    cands[n].start_byte = a;
    cands[n].end_byte = b;
    cands[n].parent = parent;
    n++;
  }
  return n;
}

/* The node a match started on, as collection sets it: none, an ancestor
 * two levels up, or any other node at all (mode 0, 1, 2). */
static TSNode match_root(const nodes *all, size_t i, int mode)
{
  TSNode none = {0};
  if (mode == 1) {
    TSNode p = ts_node_parent(all->at[i]);
    return ts_node_is_null(p) ? p : ts_node_parent(p);
  }
  return mode == 2 ? all->at[(i * 7919 + 13) % all->n] : none;
}

/* Every node's parent every way; returns the number of nodes checked. */
static size_t check_tree(const char *path, TSTree *tree)
{
  pt_xfile f;
  memset(&f, 0, sizeof f);
  f.root = ts_tree_root_node(tree);
  assert_int_equal(pt__node_parent_index(&f), 0);
  nodes all = {0};
  all_nodes(f.root, &all);
  pt_cand *cands = pt_malloc((all.n + 1) * sizeof *cands);
  assert_non_null(cands);
  size_t n_cands = make_cands(&all, cands);
  for (int mode = 0; mode < 6; mode++) {
    int nested = mode % 2;
    f.is_nested = nested;
    f.cands = nested ? cands : NULL;
    f.n_cands = nested ? n_cands : 0;
    for (size_t i = 0; i < all.n; i++) {
      f.match_root = match_root(&all, i, mode / 2);
      TSNode want = ts_node_parent(all.at[i]);
      TSNode got = pt__node_parent(&f, all.at[i]);
      if (want.id != got.id)
        print_message("%s: node %lu (%s at %u), mode %d\n", path,
                      (unsigned long)i, ts_node_type(all.at[i]),
                      ts_node_start_byte(all.at[i]), mode);
      assert_ptr_equal(want.id, got.id);
    }
  }
  pt_free(f.tops);
  pt_free(cands);
  pt_free(all.at);
  return all.n;
}

static size_t check_fixture(const char *lang)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, lang);
  pt_walk_opts o = {dir, 1u << 24, NULL, 0};
  pt_walk_result *wr = NULL;
  assert_int_equal(pt_walk(&o, &wr), 0);
  TSParser *parser = ts_parser_new();
  size_t n_nodes = 0;
  for (size_t i = 0; i < wr->n_files; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, wr->files[i].path);
    char *text = pt_test_read(path);
    const pt_grammar_info *gi = pt_grammar_get(wr->files[i].grammar);
    assert_true(ts_parser_set_language(parser, gi->ts_language()));
    TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
    n_nodes += check_tree(path, tree);
    ts_tree_delete(tree);
    pt_free(text);
  }
  ts_parser_delete(parser);
  pt_walk_result_free(wr);
  return n_nodes;
}

#define LANG_TEST(name)                                          \
  static void node_parent__same_as_tree_sitter_##name(void **s) \
  {                                                              \
    (void)s;                                                     \
    assert_true(check_fixture(#name) > 0);                       \
  }
LANG_TEST(c)
LANG_TEST(cpp)
LANG_TEST(csharp)
LANG_TEST(go)
LANG_TEST(java)
LANG_TEST(javascript)
LANG_TEST(php)
LANG_TEST(python)
LANG_TEST(ruby)
LANG_TEST(rust)
LANG_TEST(swift)
LANG_TEST(typescript)

/* Empty nodes (a MISSING ';'), the root, and text the parser could not
 * read: the lookups tree-sitter's own walk answers. */
static void node_parent__same_as_tree_sitter_on_broken_text(void **s)
{
  (void)s;
  static const char *const texts[] = {
    "int f(void) { return 1 }\nint g(void) { f( }\n",
    "struct { int a\n int b; };\n#define X(a) a\nX(int y)\n",
    "",
  };
  TSParser *parser = ts_parser_new();
  assert_true(ts_parser_set_language(parser, pt_grammar_get(PT_GRAMMAR_C)->ts_language()));
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    TSTree *tree = ts_parser_parse_string(parser, NULL, texts[i],
                                          (uint32_t)strlen(texts[i]));
    assert_true(check_tree("broken", tree) > 0);
    ts_tree_delete(tree);
  }
  ts_parser_delete(parser);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(node_parent__same_as_tree_sitter_c),
    cmocka_unit_test(node_parent__same_as_tree_sitter_cpp),
    cmocka_unit_test(node_parent__same_as_tree_sitter_csharp),
    cmocka_unit_test(node_parent__same_as_tree_sitter_go),
    cmocka_unit_test(node_parent__same_as_tree_sitter_java),
    cmocka_unit_test(node_parent__same_as_tree_sitter_javascript),
    cmocka_unit_test(node_parent__same_as_tree_sitter_php),
    cmocka_unit_test(node_parent__same_as_tree_sitter_python),
    cmocka_unit_test(node_parent__same_as_tree_sitter_ruby),
    cmocka_unit_test(node_parent__same_as_tree_sitter_rust),
    cmocka_unit_test(node_parent__same_as_tree_sitter_swift),
    cmocka_unit_test(node_parent__same_as_tree_sitter_typescript),
    cmocka_unit_test(node_parent__same_as_tree_sitter_on_broken_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
