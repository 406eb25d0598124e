/* The query walk (core/src/extract/query_walk.c) against the query cursor
 * walking the whole tree: on every language fixture, both must give the
 * same matches, with the same captures, in the same order. */
#include <stdio.h>
#include <string.h>

#include "extract/query.h"
#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/lang.h"
#include "pt/walk.h"
#include "test_support.h"

/* The combined query of a grammar, as extract.c compiles it, with flags. */
static void compile_with(pt_grammar g, pt_query *q, unsigned flags)
{
  const pt_grammar_info *gi = pt_grammar_get(g);
  pt_buf src = PT_BUF_INIT;
  assert_int_equal(pt_buf_put(&src, gi->entity_query, gi->entity_query_len), 0);
  assert_int_equal(pt_buf_putc(&src, '\n'), 0);
  assert_int_equal(pt_buf_put(&src, gi->reference_query, gi->reference_query_len), 0);
  assert_int_equal(pt__query_compile_with(q, gi->ts_language(), src.ptr,
                                          src.len, gi->name, flags), 0);
  pt_buf_fini(&src);
}

static void compile(pt_grammar g, pt_query *q)
{
  compile_with(g, q, 0);
}

/* The patterns the matcher runs (the cursor runs the others). */
static uint32_t matcher_patterns(const pt_query *q)
{
  uint32_t n = 0;
  for (uint32_t p = 0; q->mpats && p < ts_query_pattern_count(q->ts); p++)
    n += q->mpats[p] != NULL;
  return n;
}

/* One line per match: pattern, then each capture's id and byte range. */
static void print_match(pt_buf *out, const TSQueryMatch *m)
{
  pt_buf_printf(out, "%u:", (unsigned)m->pattern_index);
  for (uint16_t i = 0; i < m->capture_count; i++)
    pt_buf_printf(out, " %u@%u-%u", m->captures[i].index,
                  ts_node_start_byte(m->captures[i].node),
                  ts_node_end_byte(m->captures[i].node));
  pt_buf_putc(out, '\n');
}

/* Prints the first line where the two lists of matches part. */
static void report_difference(const char *path, const char *a, const char *b)
{
  size_t line = 1, i = 0;
  while (a[i] && a[i] == b[i])
    line += a[i++] == '\n';
  if (!a[i] && !b[i])
    return;
  while (i > 0 && a[i - 1] != '\n')
    i--;
  print_message("%s: match %lu: whole tree \"%.40s\", walked \"%.40s\"\n",
                path, (unsigned long)line, a + i, b + i);
}

static void whole_tree(const pt_query *q, TSQueryCursor *cur, TSNode root, pt_buf *out)
{
  TSQueryMatch m;
  ts_query_cursor_set_max_start_depth(cur, UINT32_MAX);
  ts_query_cursor_exec(cur, q->ts, root);
  while (ts_query_cursor_next_match(cur, &m))
    print_match(out, &m);
}

/* What the walk says of each capture of m (w->cur_ups): its end is
 * tree-sitter's, and so is its parent where it gives one for a node that
 * is not empty (extract_parent.c uses it only there). Returns the number
 * of parents it gave. */
static size_t check_ups(const pt_query_walk *w, const TSQueryMatch *m)
{
  size_t n = 0;
  assert_non_null(w->cur_ups);
  for (uint16_t i = 0; i < m->capture_count; i++) {
    TSNode node = m->captures[i].node, up = w->cur_ups[i].parent;
    assert_int_equal(w->cur_ups[i].end, ts_node_end_byte(node));
    if (ts_node_is_null(up) || ts_node_start_byte(node) == ts_node_end_byte(node))
      continue;
    TSNode p = ts_node_parent(node);
    assert_memory_equal(&p, &up, sizeof p); /* alias and position too */
    n++;
  }
  return n;
}

/* The walk's matches into out; returns the parents it told (check_ups). */
static size_t walked(const pt_query *q, TSQueryCursor *cur, TSNode root, pt_buf *out)
{
  pt_query_walk w = {0};
  TSQueryMatch m;
  size_t n_parents = 0;
  assert_int_equal(pt__query_walk_start(&w, q, cur, root), 0);
  while (pt__query_walk_next(&w, &m)) {
    print_match(out, &m);
    n_parents += check_ups(&w, &m);
  }
  pt__query_walk_end(&w);
  pt__query_walk_fini(&w);
  return n_parents;
}

/* Moves c to the next node in pre-order; 0 once the walk is done. */
static int preorder_next(TSTreeCursor *c)
{
  if (ts_tree_cursor_goto_first_child(c))
    return 1;
  do
    if (ts_tree_cursor_goto_next_sibling(c))
      return 1;
  while (ts_tree_cursor_goto_parent(c));
  return 0;
}

/* The nodes of the tree under root, or those where some pattern of q
 * starts when q is given. */
static size_t count_nodes(TSNode root, const pt_query *q)
{
  TSTreeCursor c = ts_tree_cursor_new(root);
  size_t n = 0;
  for (int more = 1; more;) {
    TSSymbol sym = ts_node_symbol(ts_tree_cursor_current_node(&c));
    n += !q || (q->roots && sym < q->n_symbols && q->roots[sym]);
    more = preorder_next(&c);
  }
  ts_tree_cursor_delete(&c);
  return n;
}

/* What a walk of q over text counted, and the tree's nodes: all of them
 * and those where a pattern of q starts. */
typedef struct walk_counts {
  uint64_t n_runs, n_mruns, n_nodes;  /* n_nodes: told and passed over */
  size_t n_all, n_starts;
  uint64_t n_passed;                  /* passed over (quiet leaves) */
} walk_counts;

/* The walk of q over text (grammar g) against the cursor over the whole
 * tree running ref: the same matches, at least one. */
static walk_counts walk_vs_whole(pt_grammar g, const pt_query *q,
                                 const pt_query *ref, const char *text)
{
  TSParser *parser = ts_parser_new();
  TSQueryCursor *cur = ts_query_cursor_new();
  assert_true(ts_parser_set_language(parser, pt_grammar_get(g)->ts_language()));
  TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
  TSNode root = ts_tree_root_node(tree);
  pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
  whole_tree(ref, cur, root, &a);
  pt_query_walk w = {0};
  TSQueryMatch m;
  assert_int_equal(pt__query_walk_start(&w, q, cur, root), 0);
  while (pt__query_walk_next(&w, &m))
    print_match(&b, &m);
  walk_counts c = {w.n_runs, w.n_mruns, w.n_nodes + w.tree.n_passed,
                   count_nodes(root, NULL), count_nodes(root, q),
                   w.tree.n_passed};
  pt__query_walk_end(&w);
  pt__query_walk_fini(&w);
  assert_true(a.len > 0);
  report_difference("text", pt_buf_cstr(&a), pt_buf_cstr(&b));
  assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&b));
  pt_buf_fini(&a);
  pt_buf_fini(&b);
  ts_tree_delete(tree);
  ts_query_cursor_delete(cur);
  ts_parser_delete(parser);
  return c;
}

/* Both orders over every file of fixtures/lang/<lang>: the cursor over the
 * whole tree (every pattern its own), the walk with the cursor run from
 * start nodes only, and the walk with the matcher running the patterns it
 * can; returns the number of matches seen, so a fixture that matches
 * nothing fails the test. */
static size_t compare_fixture(const char *lang)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, lang);
  pt_walk_opts o = {dir, 1u << 24, NULL, 0};
  pt_walk_result *wr = NULL;
  assert_int_equal(pt_walk(&o, &wr), 0);
  TSParser *parser = ts_parser_new();
  TSQueryCursor *cur = ts_query_cursor_new();
  pt_query qs[PT_GRAMMAR__COUNT], refs[PT_GRAMMAR__COUNT];
  int has_q[PT_GRAMMAR__COUNT] = {0};
  size_t n_matches = 0, n_parents = 0;
  for (size_t i = 0; i < wr->n_files; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, wr->files[i].path);
    char *text = pt_test_read(path);
    const pt_grammar_info *gi = pt_grammar_get(wr->files[i].grammar);
    pt_grammar g = wr->files[i].grammar;
    if (!has_q[g]) {
      compile(g, &qs[g]);
      compile_with(g, &refs[g], PT_QUERY_CURSOR_ONLY);
      assert_int_equal(matcher_patterns(&refs[g]), 0);
      assert_true(matcher_patterns(&qs[g]) > 0);
    }
    has_q[g] = 1;
    const pt_query *q = &qs[g], *ref = &refs[g];
    assert_non_null(q->roots); /* every grammar runs by start node */
    assert_non_null(ref->roots);
    assert_true(ts_parser_set_language(parser, gi->ts_language()));
    TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
    pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT, c = PT_BUF_INIT;
    whole_tree(ref, cur, ts_tree_root_node(tree), &a);
    assert_int_equal(walked(ref, cur, ts_tree_root_node(tree), &b), 0);
    n_parents += walked(q, cur, ts_tree_root_node(tree), &c);
    report_difference(path, pt_buf_cstr(&a), pt_buf_cstr(&b));
    assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&b));
    report_difference(path, pt_buf_cstr(&a), pt_buf_cstr(&c));
    assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&c));
    pt_buf_fini(&c);
    for (size_t k = 0; k < a.len; k++)
      n_matches += a.ptr[k] == '\n';
    pt_buf_fini(&a);
    pt_buf_fini(&b);
    ts_tree_delete(tree);
    pt_free(text);
  }
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++)
    if (has_q[g]) {
      pt__query_fini(&qs[g]);
      pt__query_fini(&refs[g]);
    }
  ts_query_cursor_delete(cur);
  ts_parser_delete(parser);
  pt_walk_result_free(wr);
  assert_true(n_parents > 0); /* the matcher's captures' parents */
  return n_matches;
}

#define LANG_TEST(name)                                            \
  static void query_walk__same_matches_as_whole_tree_##name(void **s) \
  {                                                                \
    (void)s;                                                       \
    assert_true(compare_fixture(#name) > 0);                       \
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

/* Nested calls on one line: the inner call's match ends first, as the
 * whole-tree cursor gives it, though its start node comes later. */
static void query_walk__nested_matches_in_end_order(void **s)
{
  (void)s;
  const char *text = "fn f() { a.b(x).c(y).d(z); }\n";
  pt_query q;
  compile(PT_GRAMMAR_RUST, &q);
  TSParser *parser = ts_parser_new();
  TSQueryCursor *cur = ts_query_cursor_new();
  assert_true(ts_parser_set_language(parser, pt_grammar_get(PT_GRAMMAR_RUST)->ts_language()));
  TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
  pt_query_walk w = {0};
  TSQueryMatch m;
  pt_buf calls = PT_BUF_INIT;
  assert_int_equal(pt__query_walk_start(&w, &q, cur, ts_tree_root_node(tree)), 0);
  while (pt__query_walk_next(&w, &m))
    for (uint16_t i = 0; i < m.capture_count; i++)
      if (q.role[m.captures[i].index] == PT_ROLE_REFERENCE) {
        uint32_t a = ts_node_start_byte(m.captures[i].node);
        pt_buf_put(&calls, text + a, ts_node_end_byte(m.captures[i].node) - a);
      }
  pt__query_walk_end(&w);
  pt__query_walk_fini(&w);
  assert_string_equal(pt_buf_cstr(&calls), "bcd");
  pt_buf_fini(&calls);
  ts_tree_delete(tree);
  ts_query_cursor_delete(cur);
  ts_parser_delete(parser);
  pt__query_fini(&q);
}

/* A pattern that may start on any node leaves the whole walk to the
 * query cursor, with the same matches. */
static void query_walk__wildcard_start_walks_whole_tree(void **s)
{
  (void)s;
  static const char src[] =
      "(function_definition declarator: (function_declarator declarator: "
      "(identifier) @name)) @definition.function\n"
      "(_ (identifier) @reference.call)\n";
  const char *text = "int f(void) { return g(1) + h(2); }\n";
  const TSLanguage *lang = pt_grammar_get(PT_GRAMMAR_C)->ts_language();
  pt_query q;
  assert_int_equal(pt__query_compile(&q, lang, src, sizeof src - 1, "test"), 0);
  assert_null(q.roots);
  walk_vs_whole(PT_GRAMMAR_C, &q, &q, text);
  pt__query_fini(&q);
}

/* Out of memory while collecting: PT_ENOMEM, and nothing leaks. */
static void query_walk__out_of_memory_is_an_error(void **s)
{
  (void)s;
  const char *text = "fn f() { a(1); b(2); c(3); }\nstruct S { x: T }\n";
  pt_query q;
  compile(PT_GRAMMAR_RUST, &q);
  TSParser *parser = ts_parser_new();
  TSQueryCursor *cur = ts_query_cursor_new();
  assert_true(ts_parser_set_language(parser, pt_grammar_get(PT_GRAMMAR_RUST)->ts_language()));
  TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
  int failed = 0;
  for (int n = 1; n < 20; n++) {
    pt_query_walk w = {0};
    pt_alloc_fail_after(n);
    int rc = pt__query_walk_start(&w, &q, cur, ts_tree_root_node(tree));
    pt_alloc_fail_after(0);
    pt__query_walk_end(&w);
    pt__query_walk_fini(&w);
    if (rc == 0)
      break;
    assert_int_equal(rc, PT_ENOMEM);
    failed++;
  }
  assert_true(failed > 0);
  ts_tree_delete(tree);
  ts_query_cursor_delete(cur);
  ts_parser_delete(parser);
  pt__query_fini(&q);
}

/* Out of memory while compiling, at each allocation in turn (the walk's
 * tables among them: roots, needs, skips, quiet): PT_ENOMEM or a query
 * that works, and nothing leaks. */
static void query__out_of_memory_compiling_is_an_error(void **s)
{
  (void)s;
  static const char src[] =
      "(call_expression function: (identifier) @reference.call)\n"
      "(function_item name: (identifier) @name) @definition.function\n";
  const TSLanguage *lang = pt_grammar_get(PT_GRAMMAR_RUST)->ts_language();
  int failed = 0, n;
  for (n = 1; n < 1000; n++) {
    pt_query q;
    pt_alloc_fail_after(n);
    int rc = pt__query_compile(&q, lang, src, sizeof src - 1, "test");
    pt_alloc_fail_after(0);
    int is_whole = rc == 0 && q.quiet != NULL;
    pt__query_fini(&q);
    if (is_whole)
      break;
    if (rc)
      assert_int_equal(rc, PT_ENOMEM);
    failed += rc != 0;
  }
  assert_true(n < 1000);
  assert_true(failed > 3);
}

/* The matcher's matches of query src (grammar g) over text against the
 * whole-tree cursor's; the matcher must take n_matcher of the patterns and
 * run, and the cursor run from start nodes exactly when has_cursor_runs. */
static void matcher_vs_cursor(pt_grammar g, const char *src, const char *text,
                              uint32_t n_matcher, int has_cursor_runs)
{
  const TSLanguage *lang = pt_grammar_get(g)->ts_language();
  pt_query q, ref;
  assert_int_equal(pt__query_compile(&q, lang, src, strlen(src), "test"), 0);
  assert_int_equal(pt__query_compile_with(&ref, lang, src, strlen(src), "test",
                                          PT_QUERY_CURSOR_ONLY), 0);
  assert_non_null(q.roots);
  assert_int_equal(matcher_patterns(&q), n_matcher);
  walk_counts c = walk_vs_whole(g, &q, &ref, text);
  assert_true(c.n_mruns > 0);
  assert_int_equal(c.n_runs > 0, has_cursor_runs);
  pt__query_fini(&q);
  pt__query_fini(&ref);
}

/* Fields, negated fields, nested nodes, wildcards, literals, alternations
 * of distinct types and predicates: the matcher runs every pattern and
 * gives the cursor's matches. */
static void query_match__runs_the_patterns_it_reads(void **s)
{
  (void)s;
  static const char src[] =
      "(function_definition declarator: (function_declarator declarator: "
      "(identifier) @name)) @definition.function\n"
      "(struct_specifier name: (type_identifier) @reference.type !body)\n"
      "(call_expression function: [(identifier) (field_expression field: "
      "(field_identifier) @_f)] @reference.call arguments: (_) @scope)\n"
      "((call_expression function: (identifier) @reference.call) "
      "(#any-of? @reference.call \"g\" \"h\"))\n"
      "(binary_expression left: _ @scope \"+\" right: (_) @reference.call)\n"
      "(compound_statement (_) @scope)\n"
      "((call_expression function: (identifier) @_f) (#eq? @_f \"h\")) @scope\n"
      "(call_expression function: (identifier) @scope (#eq? @scope \"k\"))\n";
  matcher_vs_cursor(PT_GRAMMAR_C, src,
                    "struct s; struct t { int x; };\n"
                    "int f(void) { /* c */ g(1) + s.m(2); h(3); return k(4); }\n",
                    8, 0);
}

/* Every way the children can take a pattern's child steps is a match, in
 * the cursor's order; ways that capture the same nodes count once. */
static void query_match__every_way_once(void **s)
{
  (void)s;
  static const char src[] =
      "(argument_list (identifier) @scope (identifier) @reference.call)\n"
      "(argument_list (identifier) (identifier) @reference.call)\n"
      "(argument_list (identifier) @scope (number_literal))\n";
  matcher_vs_cursor(PT_GRAMMAR_C, src, "void f(void) { g(a, 1, b, c, 2); }\n",
                    3, 0);
}

/* Anchors: first, next and last among the named children (a comment is
 * one, "(" and "," are not). */
static void query_match__anchors(void **s)
{
  (void)s;
  static const char src[] =
      "(argument_list . (identifier) @reference.call)\n"
      "(argument_list (identifier) @scope . (number_literal) @reference.call)\n"
      "(argument_list (_) @reference.call .)\n";
  matcher_vs_cursor(PT_GRAMMAR_C, src,
                    "void f(void) { g(a, b, 1); h(/* c */ x, 1);"
                    " k(1, c /* d */); m(a, /* e */ 2, b, 3); }\n", 3, 0);
}

/* Alternatives that could take one node are left to the cursor, run from
 * its start nodes; the matcher's patterns and the cursor's come out in
 * the cursor's order. */
static void query_match__leaves_overlapping_alternatives_to_the_cursor(void **s)
{
  (void)s;
  static const char src[] =
      "(call_expression function: [(identifier) (_)] @reference.call)\n"
      "(call_expression function: (identifier) @scope)\n";
  matcher_vs_cursor(PT_GRAMMAR_C, src, "void f(void) { g(a, b); s.h(1, c); }\n",
                    1, 1);
}

/* The name of C definition ax, extracted from text with the n-th
 * allocation failing (0: none): 1 when found, 0 when extraction failed
 * for want of memory. */
static int repairs_ax(const char *text, unsigned long n)
{
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_file_result *r = NULL;
  size_t len = strlen(text);
  assert_int_equal(pt_queries_new(&q), 0);
  assert_int_equal(pt_extractor_new(q, &x), 0);
  assert_int_equal(pt_extract_file(x, PT_GRAMMAR_C, "a.c", text, len, &r), 0);
  pt_file_result_free(r);      /* the query compiled, outside the failures */
  r = NULL;
  pt_alloc_fail_after(n);
  int rc = pt_extract_file(x, PT_GRAMMAR_C, "a.c", text, len, &r);
  pt_alloc_fail_after(0);
  int found = 0;
  if (rc == 0)
    for (size_t i = 0; i < r->n_entities; i++)
      found |= strcmp(r->entities[i].name, "ax") == 0;
  else
    assert_int_equal(rc, PT_ENOMEM);
  pt_file_result_free(r);
  pt_extractor_free(x);
  pt_queries_free(q);
  return rc == 0 ? (assert_true(found), 1) : 0;
}

/* The walk that looks for misread C definitions (extract_repair.c) goes
 * over the subtrees too: a macro before the return type is still blanked
 * and the definition found under its own name; out of memory in any
 * allocation is PT_ENOMEM, and nothing leaks. */
static void repair__finds_misread_definitions_out_of_memory_too(void **s)
{
  (void)s;
  const char *text = "#define API extern\n"
                     "API int ax (struct st *s, int idx) {\n"
                     "  return idx;\n"
                     "}\n";
  assert_true(repairs_ax(text, 0));
  int failed = 0;
  for (unsigned long n = 1; n < 400 && !repairs_ax(text, n); n++)
    failed++;
  assert_true(failed > 0);
}

/* The query cursor's runs of the C query src over text (the matcher left
 * out: these test the cursor's start nodes), and its matches against the
 * whole tree's; *n_starts gets the start nodes. */
static uint64_t runs_of(const char *src, const char *text, size_t *n_starts)
{
  const TSLanguage *lang = pt_grammar_get(PT_GRAMMAR_C)->ts_language();
  pt_query q;
  assert_int_equal(pt__query_compile_with(&q, lang, src, strlen(src), "test",
                                          PT_QUERY_CURSOR_ONLY), 0);
  assert_non_null(q.roots);
  walk_counts c = walk_vs_whole(PT_GRAMMAR_C, &q, &q, text);
  *n_starts = c.n_starts;
  pt__query_fini(&q);
  return c.n_runs;
}

/* A start node whose children lack the types every pattern starting on it
 * names in a child step is not run: (*p)(2) has no identifier and no
 * field_expression child. */
static void query_walk__skips_start_nodes_whose_children_cannot_match(void **s)
{
  (void)s;
  static const char src[] =
      "(call_expression function: (identifier) @reference.call)\n"
      "(call_expression function: (field_expression field: (field_identifier)"
      " @reference.call))\n";
  size_t n_starts = 0;
  uint64_t n_runs = runs_of(src, "int f(void) { return g(1) + (*p)(2) + s.m(3); }\n",
                            &n_starts);
  assert_int_equal(n_starts, 3);
  assert_int_equal(n_runs, 2);
}

/* A pattern with no child step that names a type (a wildcard, a literal)
 * may match any node of its start type: every one runs. */
static void query_walk__runs_every_start_node_of_a_pattern_without_needs(void **s)
{
  (void)s;
  static const char src[] =
      "(call_expression function: (identifier) @reference.call)\n"
      "(call_expression function: (_) @reference.call)\n";
  size_t n_starts = 0;
  uint64_t n_runs = runs_of(src, "int f(void) { return g(1) + (*p)(2) + s.m(3); }\n",
                            &n_starts);
  assert_int_equal(n_starts, 3);
  assert_int_equal(n_runs, 3);
}

/* A supertype: hidden (the grammars of ABI 14 mark no supertypes) or
 * marked so. */
static int is_supertype(const TSLanguage *lang, const char *name, size_t len)
{
  if (name[0] == '_')
    return 1;
  TSSymbol sym = ts_language_symbol_for_name(lang, name, (uint32_t)len, true);
  return sym && ts_language_symbol_type(lang, sym) == TSSymbolTypeSupertype;
}

/* Is child listed in pt__node_types' text under parent, directly or
 * through the supertypes parent lists? */
static int is_listed(const TSLanguage *lang, const char *text,
                     const char *parent, size_t parent_len, const char *child,
                     int depth)
{
  for (const char *line = text; *line && depth < 8;) {
    const char *eol = strchr(line, '\n');
    if (strncmp(line, parent, parent_len) == 0 && line[parent_len] == ' ') {
      for (const char *w = line + parent_len + 1; w < eol;) {
        const char *e = w;
        while (e < eol && *e != ' ')
          e++;
        if ((size_t)(e - w) == strlen(child) && memcmp(w, child, e - w) == 0)
          return 1;
        if (is_supertype(lang, w, (size_t)(e - w)) &&
            is_listed(lang, text, w, (size_t)(e - w), child, depth + 1))
          return 1;
        w = e + 1;
      }
    }
    line = eol + 1;
  }
  return 0;
}

/* A fixture file, parsed: what each_fixture hands its callback. */
typedef struct fixture {
  const char *path;
  pt_grammar grammar;
  TSTree *tree;
} fixture;

typedef void (*fixture_fn)(const fixture *f, void *payload);

/* Parses each file in the fixtures of the n languages langs and calls fn
 * with it; returns the files. */
static size_t each_fixture(const char *const *langs, size_t n, fixture_fn fn,
                           void *payload)
{
  TSParser *parser = ts_parser_new();
  size_t n_files = 0;
  for (size_t l = 0; l < n; l++) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/lang/%s", PT_FIXTURES, langs[l]);
    pt_walk_opts o = {dir, 1u << 24, NULL, 0};
    pt_walk_result *wr = NULL;
    assert_int_equal(pt_walk(&o, &wr), 0);
    for (size_t i = 0; i < wr->n_files; i++, n_files++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, wr->files[i].path);
      char *text = pt_test_read(path);
      pt_grammar g = wr->files[i].grammar;
      assert_true(ts_parser_set_language(parser, pt_grammar_get(g)->ts_language()));
      fixture f = {path, g,
                   ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text))};
      fn(&f, payload);
      ts_tree_delete(f.tree);
      pt_free(text);
    }
    pt_walk_result_free(wr);
  }
  ts_parser_delete(parser);
  return n_files;
}

static const char *const all_langs[] = {"c", "cpp", "csharp", "go", "java",
    "javascript", "php", "python", "ruby", "rust", "swift", "typescript"};

/* Checks every named child of f's nodes without a parse error, counted
 * in *(size_t *)payload. */
static void check_types_of(const fixture *f, void *payload)
{
  size_t *n_checked = payload;
  const char *types = pt__node_types[f->grammar];
  const TSLanguage *grammar = pt_grammar_get(f->grammar)->ts_language();
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(f->tree));
  for (int more = 1; more;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    const char *type = ts_node_type(n);
    for (uint32_t k = 0; ts_node_is_named(n) && !ts_node_has_error(n) &&
                         k < ts_node_named_child_count(n); k++) {
      TSNode kid = ts_node_named_child(n, k);
      const char *kid_type = ts_node_type(kid);
      int ok = ts_node_is_extra(kid)
                   ? is_listed(grammar, types, "+", 1, kid_type, 0)
                   : is_listed(grammar, types, type, strlen(type), kid_type, 0);
      if (!ok)
        print_message("%s: %s under %s is not listed\n", f->path, kid_type, type);
      assert_true(ok);
      (*n_checked)++;
    }
    more = preorder_next(&c);
  }
  ts_tree_cursor_delete(&c);
}

/* Every named child of every node without a parse error in the fixtures
 * of lang is listed under its parent's type in pt__node_types, or among
 * the extras when it is one; returns the children checked. */
static size_t check_node_types(const char *lang)
{
  size_t n_checked = 0;
  each_fixture(&lang, 1, check_types_of, &n_checked);
  return n_checked;
}

#define TYPES_TEST(name)                                           \
  static void query_walk__node_types_list_children_##name(void **s) \
  {                                                                \
    (void)s;                                                       \
    assert_true(check_node_types(#name) > 0);                      \
  }
TYPES_TEST(c)
TYPES_TEST(cpp)
TYPES_TEST(csharp)
TYPES_TEST(go)
TYPES_TEST(java)
TYPES_TEST(javascript)
TYPES_TEST(php)
TYPES_TEST(python)
TYPES_TEST(ruby)
TYPES_TEST(rust)
TYPES_TEST(swift)
TYPES_TEST(typescript)

/* Nodes the walk visits of the Rust text, and the matches against the
 * whole tree's; *n_all gets the tree's nodes. */
static uint64_t visits_of(const char *text, size_t *n_all)
{
  pt_query q, ref;
  compile(PT_GRAMMAR_RUST, &q);
  compile_with(PT_GRAMMAR_RUST, &ref, PT_QUERY_CURSOR_ONLY);
  assert_non_null(q.skip);
  walk_counts c = walk_vs_whole(PT_GRAMMAR_RUST, &q, &ref, text);
  *n_all = c.n_all;
  pt__query_fini(&q);
  pt__query_fini(&ref);
  return c.n_nodes;
}

/* The walk does not enter a string literal's or an attribute's subtree:
 * no pattern of Rust's queries starts below them. */
static void query_walk__steps_over_subtrees_without_start_nodes(void **s)
{
  (void)s;
  size_t n_all = 0, n_plain = 0;
  uint64_t n_walked = visits_of(
      "#[derive(Clone, Debug, PartialEq)]\n"
      "fn f() { g(\"a\\nb\\tc\"); }\n", &n_all);
  uint64_t n_walked_plain = visits_of("fn f() { g(x); }\n", &n_plain);
  assert_int_equal(n_walked_plain, n_plain);
  assert_true(n_walked < n_all);
}

/* A subtree with a parse error is entered though its type holds no start
 * node: `goto g(1);` puts the number in an ERROR under the goto. */
static void query_walk__enters_subtrees_with_parse_errors(void **s)
{
  (void)s;
  static const char src[] = "(number_literal) @name\n";
  const TSLanguage *lang = pt_grammar_get(PT_GRAMMAR_C)->ts_language();
  pt_query q;
  assert_int_equal(pt__query_compile_with(&q, lang, src, sizeof src - 1, "test",
                                          PT_QUERY_CURSOR_ONLY), 0);
  assert_non_null(q.skip);
  assert_true(q.skip[ts_language_symbol_for_name(lang, "goto_statement", 14, true)]);
  size_t n_starts = 0;
  uint64_t n_runs = runs_of(src, "void f(void) { goto g(1); }\n", &n_starts);
  assert_int_equal(n_starts, 1);
  assert_int_equal(n_runs, 1);
  pt__query_fini(&q);
}

/* What a tree cursor visits: each node as "symbol alias start-end row:col
 * depth" and a line when its subtree ends, "< depth"; with quiet (by
 * symbol, n_quiet of them), neither for a node below the root without
 * visible children whose symbol it marks (*n_quiet_met counts them). */
static void cursor_nodes_but(TSNode root, const uint8_t *quiet,
                             uint32_t n_quiet, size_t *n_quiet_met, pt_buf *out)
{
  TSTreeCursor c = ts_tree_cursor_new(root);
  uint32_t depth = 0;
  for (int more = 1; more;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    TSSymbol sym = ts_node_symbol(n);
    int is_quiet = depth > 0 && ts_node_child_count(n) == 0 &&
                   sym < n_quiet && quiet[sym];
    *n_quiet_met += is_quiet;
    if (!is_quiet)
      pt_buf_printf(out, "%u %u %u-%u %u:%u %u\n", sym, n.context[3],
                    ts_node_start_byte(n), ts_node_end_byte(n),
                    ts_node_start_point(n).row, ts_node_start_point(n).column,
                    depth);
    if (ts_tree_cursor_goto_first_child(&c)) {
      depth++;
      continue;
    }
    if (!is_quiet)
      pt_buf_printf(out, "< %u\n", depth);
    for (; more; depth--) {
      if (ts_tree_cursor_goto_next_sibling(&c))
        break;
      more = ts_tree_cursor_goto_parent(&c);
      if (more)
        pt_buf_printf(out, "< %u\n", depth - 1);
    }
  }
  ts_tree_cursor_delete(&c);
}

static int print_enter(void *payload, TSNode n, TSSymbol sym, uint32_t depth)
{
  pt_buf_printf(payload, "%u %u %u-%u %u:%u %u\n", sym, n.context[3],
                ts_node_start_byte(n), ts_node_end_byte(n),
                ts_node_start_point(n).row, ts_node_start_point(n).column, depth);
  return 1;
}

static int print_leave(void *payload, uint32_t depth)
{
  pt_buf_printf(payload, "< %u\n", depth);
  return 0;
}

/* Walks f with the tree walk in payload and with a cursor: the same. */
static void walk_as_cursor(const fixture *f, void *payload)
{
  pt_tree_walk *tw = payload;
  pt_buf a = PT_BUF_INIT, b = PT_BUF_INIT;
  size_t n_quiet_met = 0;
  uint64_t n_passed = tw->n_passed;
  cursor_nodes_but(ts_tree_root_node(f->tree), tw->quiet, tw->n_quiet,
                   &n_quiet_met, &a);
  tw->payload = &b;
  assert_int_equal(pt__tree_walk(tw, ts_tree_root_node(f->tree)), 0);
  report_difference(f->path, pt_buf_cstr(&a), pt_buf_cstr(&b));
  assert_string_equal(pt_buf_cstr(&a), pt_buf_cstr(&b));
  assert_int_equal(tw->n_passed - n_passed, n_quiet_met);
  pt_buf_fini(&a);
  pt_buf_fini(&b);
}

/* The walk with every third symbol quiet (the error symbol, past them
 * all, never): by the cursor, the nodes without children of those are
 * passed over, every other node told as before. */
static void walk_as_cursor_but_quiet(const fixture *f, void *payload)
{
  pt_tree_walk *tw = payload;
  uint32_t n = ts_language_symbol_count(ts_tree_language(f->tree));
  uint8_t *quiet = calloc(n, 1);
  assert_non_null(quiet);
  for (uint32_t sym = 0; sym < n; sym++)
    quiet[sym] = sym % 3 == 1;
  tw->quiet = quiet;
  tw->n_quiet = n;
  walk_as_cursor(f, payload);
  tw->quiet = NULL;
  tw->n_quiet = 0;
  free(quiet);
}

/* pt__tree_walk visits the nodes a tree cursor visits, with the same
 * symbols, aliases, positions and depths, on every language fixture. */
static void query_walk__tree_walk_visits_what_a_cursor_visits(void **s)
{
  (void)s;
  pt_tree_walk tw = {print_enter, print_leave, NULL, NULL, 0, 0, NULL, 0, 0, 0};
  size_t n_files = each_fixture(all_langs, sizeof all_langs / sizeof *all_langs,
                                walk_as_cursor, &tw);
  assert_true(n_files > 12);
  assert_int_equal(tw.n_passed, 0);
  assert_true(tw.n_in_place > 1000);
  pt__tree_walk_fini(&tw);
}

/* Chains of hidden nodes of one child (TypeScript's and JavaScript's
 * supertypes: expression, primary_expression, statement) are read in
 * place, each child where its hidden node was: the walk still tells the
 * nodes, aliases, positions and depths a cursor tells, and a query's
 * matches through them (a call's `function:` field is its hidden
 * expression's, inherited by the name) are the whole tree's. */
static void query_walk__hidden_single_children_read_in_place(void **s)
{
  (void)s;
  static const struct {
    pt_grammar grammar;
    const char *text;
  } cases[] = {
      {PT_GRAMMAR_TYPESCRIPT,
       "f(g(h(1)));\nconst a = (b as C).d(new E(), [x, y]);\n"
       "class K extends L<M> { m(p: N): O { return p.q(this.r); } }\n"},
      {PT_GRAMMAR_JAVASCRIPT,
       "f(g(h(1)));\nfoo.bar = function () { return baz(qux); };\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pt_tree_walk tw = {print_enter, print_leave, NULL, NULL, 0, 0,
                       NULL, 0, 0, 0};
    TSParser *parser = ts_parser_new();
    assert_true(ts_parser_set_language(
        parser, pt_grammar_get(cases[i].grammar)->ts_language()));
    fixture f = {"in_place", cases[i].grammar,
                 ts_parser_parse_string(parser, NULL, cases[i].text,
                                        (uint32_t)strlen(cases[i].text))};
    walk_as_cursor(&f, &tw);
    assert_true(tw.n_in_place >= 3);
    pt__tree_walk_fini(&tw);
    ts_tree_delete(f.tree);
    ts_parser_delete(parser);
    pt_query q, ref;
    compile_with(cases[i].grammar, &q, 0);
    compile_with(cases[i].grammar, &ref, PT_QUERY_CURSOR_ONLY);
    walk_counts c = walk_vs_whole(cases[i].grammar, &q, &ref, cases[i].text);
    assert_int_equal(c.n_nodes, c.n_all);
    pt__query_fini(&q);
    pt__query_fini(&ref);
  }
}

/* With a table of quiet symbols the walk passes over the nodes of those
 * without children and tells every other node as a cursor visits it. */
static void query_walk__tree_walk_passes_over_quiet_leaves(void **s)
{
  (void)s;
  pt_tree_walk tw = {print_enter, print_leave, NULL, NULL, 0, 0, NULL, 0, 0, 0};
  size_t n_files = each_fixture(all_langs, sizeof all_langs / sizeof *all_langs,
                                walk_as_cursor_but_quiet, &tw);
  assert_true(n_files > 12);
  assert_true(tw.n_passed > 1000);
  pt__tree_walk_fini(&tw);
}

/* A query's quiet types are no start types; the walk of a Rust function
 * passes over its punctuation and keywords and finds the matches the
 * whole tree's cursor finds (walk_vs_whole), with the cursor alone and
 * with the matcher. (That no start type's need names a quiet type is
 * what the fixtures' walks with the cursor alone check: a start node
 * held back until its children are seen misses a match without.) */
static void query_walk__passes_over_leaves_no_pattern_reads(void **s)
{
  (void)s;
  const char *text = "fn f() { let v = g(x); v.h(1, y); }\n";
  for (int cursor_only = 0; cursor_only < 2; cursor_only++) {
    pt_query q, ref;
    compile_with(PT_GRAMMAR_RUST, &q, cursor_only ? PT_QUERY_CURSOR_ONLY : 0);
    compile_with(PT_GRAMMAR_RUST, &ref, PT_QUERY_CURSOR_ONLY);
    assert_non_null(q.quiet);
    for (uint32_t sym = 0; sym < q.n_symbols; sym++)
      assert_true(!q.quiet[sym] || q.roots[sym] == 0);
    walk_counts c = walk_vs_whole(PT_GRAMMAR_RUST, &q, &ref, text);
    assert_int_equal(c.n_nodes, c.n_all);
    assert_true(c.n_passed > 10);
    assert_true(c.n_passed < c.n_all);
    pt__query_fini(&q);
    pt__query_fini(&ref);
  }
}

typedef struct fields_seen {
  size_t n_found, n_nodes;
} fields_seen;

static void fields_as_by_name(const fixture *f, void *payload)
{
  fields_seen *fs = payload;
  pt_query q;
  compile(f->grammar, &q);
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(f->tree));
  for (int more = 1; more;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    fs->n_nodes++;
    for (int k = 0; k < PT_FIELD__COUNT; k++) {
      const char *name = pt__field_names[k];
      TSNode want = ts_node_child_by_field_name(n, name, (uint32_t)strlen(name));
      TSNode got = pt__query_field(&q, n, (pt_field)k);
      assert_true(ts_node_eq(want, got));
      assert_ptr_equal(want.id, got.id);
      fs->n_found += !ts_node_is_null(got);
    }
    more = preorder_next(&c);
  }
  ts_tree_cursor_delete(&c);
  pt__query_fini(&q);
}

/* pt__query_field gives what ts_node_child_by_field_name gives, for each
 * of its fields on every node of every language fixture (the grammars
 * without a field give null nodes both ways). */
static void query__fields_by_id_as_by_name(void **s)
{
  (void)s;
  fields_seen fs = {0, 0};
  each_fixture(all_langs, sizeof all_langs / sizeof *all_langs,
               fields_as_by_name, &fs);
  assert_true(fs.n_nodes > 1000);
  assert_true(fs.n_found > 100);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_c),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_cpp),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_csharp),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_go),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_java),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_javascript),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_php),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_python),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_ruby),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_rust),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_swift),
    cmocka_unit_test(query_walk__same_matches_as_whole_tree_typescript),
    cmocka_unit_test(query_walk__nested_matches_in_end_order),
    cmocka_unit_test(query_walk__wildcard_start_walks_whole_tree),
    cmocka_unit_test(query_match__runs_the_patterns_it_reads),
    cmocka_unit_test(query_match__every_way_once),
    cmocka_unit_test(query_match__anchors),
    cmocka_unit_test(query_match__leaves_overlapping_alternatives_to_the_cursor),
    cmocka_unit_test(query_walk__out_of_memory_is_an_error),
    cmocka_unit_test(query__out_of_memory_compiling_is_an_error),
    cmocka_unit_test(query__fields_by_id_as_by_name),
    cmocka_unit_test(query_walk__skips_start_nodes_whose_children_cannot_match),
    cmocka_unit_test(query_walk__runs_every_start_node_of_a_pattern_without_needs),
    cmocka_unit_test(query_walk__node_types_list_children_c),
    cmocka_unit_test(query_walk__node_types_list_children_cpp),
    cmocka_unit_test(query_walk__node_types_list_children_csharp),
    cmocka_unit_test(query_walk__node_types_list_children_go),
    cmocka_unit_test(query_walk__node_types_list_children_java),
    cmocka_unit_test(query_walk__node_types_list_children_javascript),
    cmocka_unit_test(query_walk__node_types_list_children_php),
    cmocka_unit_test(query_walk__node_types_list_children_python),
    cmocka_unit_test(query_walk__node_types_list_children_ruby),
    cmocka_unit_test(query_walk__node_types_list_children_rust),
    cmocka_unit_test(query_walk__node_types_list_children_swift),
    cmocka_unit_test(query_walk__node_types_list_children_typescript),
    cmocka_unit_test(query_walk__steps_over_subtrees_without_start_nodes),
    cmocka_unit_test(query_walk__enters_subtrees_with_parse_errors),
    cmocka_unit_test(query_walk__tree_walk_visits_what_a_cursor_visits),
    cmocka_unit_test(query_walk__tree_walk_passes_over_quiet_leaves),
    cmocka_unit_test(query_walk__hidden_single_children_read_in_place),
    cmocka_unit_test(query_walk__passes_over_leaves_no_pattern_reads),
    cmocka_unit_test(repair__finds_misread_definitions_out_of_memory_too),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
