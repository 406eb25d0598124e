/* libFuzzer: our matcher (core/src/extract/query_match.c) against
 * tree-sitter's query cursor on arbitrary files. The first byte picks the
 * grammar; the rest is parsed, and the query walk with the matcher must
 * give the matches, captures and order the cursor gives over the whole
 * tree with every pattern its own (PT_QUERY_CURSOR_ONLY). Broken input
 * (ERROR and MISSING nodes, odd nesting) is where the two could part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/query.h"
#include "fuzz_support.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/lang.h"

static pt_query mq[PT_GRAMMAR__COUNT], cq[PT_GRAMMAR__COUNT];
static TSParser *parser;
static TSQueryCursor *cursor;

static void compile(pt_grammar g, pt_query *q, unsigned flags)
{
  const pt_grammar_info *gi = pt_grammar_get(g);
  pt_buf src = PT_BUF_INIT;
  if (pt_buf_put(&src, gi->entity_query, gi->entity_query_len) != 0 ||
      pt_buf_putc(&src, '\n') != 0 ||
      pt_buf_put(&src, gi->reference_query, gi->reference_query_len) != 0 ||
      pt__query_compile_with(q, gi->ts_language(), src.ptr, src.len, gi->name,
                             flags) != 0)
    abort();
  pt_buf_fini(&src);
}

/* Every grammar's two queries compile here, so no input is charged. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++) {
    compile((pt_grammar)g, &mq[g], 0);
    compile((pt_grammar)g, &cq[g], PT_QUERY_CURSOR_ONLY);
  }
  parser = ts_parser_new();
  cursor = ts_query_cursor_new();
  if (!parser || !cursor)
    abort();
  return 0;
}

/* One line per match: pattern, then each capture's id and byte range. */
static int print_match(pt_buf *out, const TSQueryMatch *m)
{
  int rc = pt_buf_printf(out, "%u:", (unsigned)m->pattern_index);
  for (uint16_t i = 0; rc == 0 && i < m->capture_count; i++)
    rc = pt_buf_printf(out, " %u@%u-%u", m->captures[i].index,
                       ts_node_start_byte(m->captures[i].node),
                       ts_node_end_byte(m->captures[i].node));
  return rc ? rc : pt_buf_putc(out, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > (1u << 20))
    return 0;
  pt_grammar g = (pt_grammar)(data[0] % PT_GRAMMAR__COUNT);
  const pt_grammar_info *gi = pt_grammar_get(g);
  if (!ts_parser_set_language(parser, gi->ts_language()))
    abort();
  TSTree *tree = ts_parser_parse_string(parser, NULL, (const char *)data + 1,
                                        (uint32_t)(size - 1));
  if (!tree)
    return 0;
  TSNode root = ts_tree_root_node(tree);
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT;
  TSQueryMatch m;
  ts_query_cursor_set_max_start_depth(cursor, UINT32_MAX);
  ts_query_cursor_exec(cursor, cq[g].ts, root);
  while (ts_query_cursor_next_match(cursor, &m))
    if (print_match(&want, &m) != 0)
      abort();
  pt_query_walk w = {0};
  if (pt__query_walk_start(&w, &mq[g], cursor, root) != 0)
    abort();
  while (pt__query_walk_next(&w, &m))
    if (print_match(&got, &m) != 0)
      abort();
  pt__query_walk_end(&w);
  pt__query_walk_fini(&w);
  if (want.len != got.len || memcmp(pt_buf_cstr(&want), pt_buf_cstr(&got), want.len) != 0) {
    fprintf(stderr, "%s: the matcher parts from the cursor\ncursor:\n%s\nmatcher:\n%s\n",
            gi->name, pt_buf_cstr(&want), pt_buf_cstr(&got));
    abort();
  }
  pt_buf_fini(&want);
  pt_buf_fini(&got);
  ts_tree_delete(tree);
  pt_error_clear();
  return 0;
}
