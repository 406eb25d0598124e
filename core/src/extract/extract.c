/* Extraction driver (pt/extract.h): compiled query sets, per-thread
 * extractors, and the steps of one file: validate, parse, entities,
 * references, words. */
#include <stdbool.h>
#include <string.h>

#include "extract_int.h"
#include "extract_valid.h"
#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "base/words.h"

int pt_queries_new(pt_queries **out)
{
  pt_queries *q = pt_calloc(1, sizeof *q);
  if (!q)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = 0;
  for (int g = 0; rc == 0 && g < PT_GRAMMAR__COUNT; g++)
    rc = pt_mutex_new(&q->mu[g]);
  if (rc) {
    pt_queries_free(q);
    return rc;
  }
  *out = q;
  return 0;
}

void pt_queries_free(pt_queries *q)
{
  if (!q)
    return;
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++) {
    pt__query_fini(&q->combined[g]);
    pt_mutex_free(q->mu[g]);
  }
  pt_free(q);
}

/* When the combined query fails, compiling each file alone names the file,
 * row and column at fault. */
static int explain_failure(const pt_grammar_info *gi)
{
  const char *lang = pt_lang_name(gi->lang);
  char file[64];
  pt_query one;
  pt_snprintf(file, sizeof file, "%s.entities.scm", lang);
  int rc = pt__query_compile(&one, gi->ts_language(), gi->entity_query,
                             gi->entity_query_len, file);
  pt__query_fini(&one);
  if (rc == 0) {
    pt_snprintf(file, sizeof file, "%s.references.scm", lang);
    rc = pt__query_compile(&one, gi->ts_language(), gi->reference_query,
                           gi->reference_query_len, file);
    pt__query_fini(&one);
  }
  return rc ? rc : PT_ERR(PT_EPARSE, "%s queries do not compile together", lang);
}

static int compile(pt_queries *q, pt_grammar g)
{
  const pt_grammar_info *gi = pt_grammar_get(g);
  pt_buf src = PT_BUF_INIT;
  char file[64];
  pt_snprintf(file, sizeof file, "%s queries", pt_lang_name(gi->lang));
  int rc = pt_buf_put(&src, gi->entity_query, gi->entity_query_len);
  if (rc == 0) rc = pt_buf_putc(&src, '\n');
  if (rc == 0) rc = pt_buf_put(&src, gi->reference_query, gi->reference_query_len);
  if (rc == 0)
    rc = pt__query_compile(&q->combined[g], gi->ts_language(), src.ptr, src.len, file);
  if (rc == PT_EPARSE) {
    pt__query_fini(&q->combined[g]);
    rc = explain_failure(gi);
  }
  pt_buf_fini(&src);
  return rc;
}

/* The combined query of a grammar, compiled on first use; a thread that
 * wants another grammar's meanwhile goes on. */
static int queries_get(pt_queries *q, pt_grammar g, const pt_query **out)
{
  pt_mutex_lock(q->mu[g]);
  if (q->state[g] == 0) {
    int rc = compile(q, g);
    q->state[g] = rc ? rc : 1;
    if (rc)
      pt_snprintf(q->error[g], sizeof q->error[g], "%s", pt_error_last()->message);
  }
  int state = q->state[g];
  pt_mutex_unlock(q->mu[g]);
  if (state != 1)
    return PT_ERR(state, "%s", q->error[g]);
  *out = &q->combined[g];
  return 0;
}

/* Set once at start (pt_extract_set_default_parse_budget), read after. */
static uint64_t default_budget_ms = PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS;

void pt_extract_set_default_parse_budget(uint64_t budget_ms)
{
  default_budget_ms = budget_ms;
}

int pt_extractor_new(pt_queries *q, pt_extractor **out)
{
  pt_extractor *x = pt_calloc(1, sizeof *x);
  if (!x)
    return PT_ERR(PT_ENOMEM, "out of memory");
  x->q = q;
  pt_extractor_set_parse_budget(x, default_budget_ms);
  x->parser = ts_parser_new();
  x->cursor = ts_query_cursor_new();
  if (!x->parser || !x->cursor) {
    pt_extractor_free(x);
    return PT_ERR(PT_ENOMEM, "out of memory creating a parser");
  }
  *out = x;
  return 0;
}

void pt_extractor_set_parse_budget(pt_extractor *x, uint64_t budget_ms)
{
  x->parse_budget_ns = budget_ms > UINT64_MAX / 1000000u
                           ? UINT64_MAX
                           : budget_ms * 1000000u;
}

/* ---- the parse budget ---------------------------------------------------- */

typedef struct budget {
  uint64_t start, limit;   /* the thread's CPU clock, ns */
  unsigned calls;
  int is_over;
} budget;

/* tree-sitter asks every hundred or so parse steps; the clock is read
 * every 64th time, which keeps its cost out of the parse. */
static bool over_budget(TSParseState *state)
{
  budget *b = state->payload;
  if (++b->calls % 64 != 0)
    return false;
  b->is_over = pt_thread_cpu_ns() - b->start > b->limit;
  return b->is_over;
}

typedef struct text_view {
  const char *ptr;         /* borrowed */
  size_t len;
} text_view;

static const char *read_text(void *payload, uint32_t at, TSPoint pos,
                             uint32_t *n)
{
  const text_view *text = payload;
  (void)pos;
  *n = at < text->len ? (uint32_t)(text->len - at) : 0;
  return text->ptr + (at < text->len ? at : text->len);
}

int pt__extract_parse_text(pt_extractor *x, const char *path, const char *src,
                           size_t len, TSTree **out)
{
  if (x->parse_budget_ns == 0) {
    *out = ts_parser_parse_string(x->parser, NULL, src, (uint32_t)len);
    return *out ? 0 : PT_ERR(PT_EPARSE, "%s: tree-sitter could not parse "
                             "the file", path);
  }
  uint64_t used = x->parse_cpu_ns;
  budget b = {pt_thread_cpu_ns(),
              x->parse_budget_ns > used ? x->parse_budget_ns - used : 0, 0, 0};
  text_view view = {src, len};
  TSInput in = {&view, read_text, TSInputEncodingUTF8, NULL};
  TSParseOptions opts = {&b, over_budget};
  *out = ts_parser_parse_with_options(x->parser, NULL, in, opts);
  x->parse_cpu_ns += pt_thread_cpu_ns() - b.start;
  if (*out)
    return 0;
  ts_parser_reset(x->parser); /* the next parse starts afresh */
  if (b.is_over)
    return PT_ERR(PT_ETIMEDOUT, "%s: parse stopped after %llu ms of CPU time "
                  "(the parse budget)", path,
                  (unsigned long long)(x->parse_cpu_ns / 1000000u));
  return PT_ERR(PT_EPARSE, "%s: tree-sitter could not parse the file", path);
}

void pt_extractor_free(pt_extractor *x)
{
  if (!x)
    return;
  if (x->parser)
    ts_parser_delete(x->parser);
  if (x->cursor)
    ts_query_cursor_delete(x->cursor);
  pt__query_walk_fini(&x->walk);
  pt__bind_index_fini(&x->by_name);
  pt_free(x->cands);
  pt_free(x->pending);
  pt_free(x->import_ranges);
  pt_free(x->binds);
  pt_free(x->tops);
  pt_free(x);
}

pt_edge_type pt_ref_edge_type(pt_ref_kind kind)
{
  switch (kind) {
  case PT_REF_CALL: case PT_REF_NEW: return PT_EDGE_CALLS;
  case PT_REF_EXTENDS: return PT_EDGE_EXTENDS;
  case PT_REF_IMPLEMENTS: return PT_EDGE_IMPLEMENTS;
  default: return PT_EDGE_USES;
  }
}

void pt_file_result_free(pt_file_result *r)
{
  if (!r)
    return;
  pt_arena_fini(&r->arena);
  pt_free(r);
}

/* The offset of the first '\n' at or after i, or len. */
static size_t next_newline(const char *s, size_t len, size_t i)
{
  const char *nl = i < len ? memchr(s + i, '\n', len - i) : NULL;
  return nl ? (size_t)(nl - s) : len;
}

static int index_lines(pt_xfile *f)
{
  uint32_t n = 1;
  for (size_t i = 0; (i = next_newline(f->src, f->len, i)) < f->len; i++)
    n++;
  f->line_starts = pt_arena_alloc(&f->r->arena, (size_t)n * sizeof *f->line_starts);
  if (!f->line_starts)
    return PT_ERR(PT_ENOMEM, "out of memory indexing lines of %s", f->path);
  f->line_starts[0] = 0;
  f->n_lines = 1;
  for (size_t i = 0; (i = next_newline(f->src, f->len, i)) < f->len; i++)
    f->line_starts[f->n_lines++] = (uint32_t)(i + 1);
  return 0;
}

/* ERROR and MISSING nodes, visiting only subtrees that contain one. */
static uint32_t count_parse_errors(TSNode root)
{
  uint32_t n = 0;
  if (!ts_node_has_error(root))
    return 0;
  TSTreeCursor c = ts_tree_cursor_new(root);
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&c);
    if (ts_node_is_error(node) || ts_node_is_missing(node))
      n++;
    if (ts_node_has_error(node) && !ts_node_is_error(node) &&
        ts_tree_cursor_goto_first_child(&c))
      continue;
    while (!ts_tree_cursor_goto_next_sibling(&c))
      if (!ts_tree_cursor_goto_parent(&c)) {
        ts_tree_cursor_delete(&c);
        return n;
      }
  }
}

/* is_valid: the caller found src valid UTF-8 already. */
static int check_input(const char *path, const char *src, size_t len,
                       int is_valid)
{
  if (len > UINT32_MAX)
    return PT_ERR(PT_EPARSE, "%s: larger than 4 GiB", path);
  size_t bad = is_valid ? len : pt__utf8_invalid_at(src, len);
  if (bad < len) {
    size_t line = 1;
    for (size_t i = 0; i < bad; i++)
      line += src[i] == '\n';
    return PT_ERR(PT_EPARSE, "%s: invalid UTF-8 at byte %zu (line %zu)",
                  path, bad, line);
  }
  return 0;
}

/* An array a large file grew past this is freed rather than kept: such
 * files are few and long to extract, and an extractor then does not hold
 * their memory through the rest of the run. */
#define KEEP_BYTES ((size_t)1 << 18)

static int run_steps(pt_xfile *f)
{
  int rc = index_lines(f);
  pt_buf key = PT_BUF_INIT;
  if (!rc) rc = pt__key_file(&key, f->lang, f->path);
  if (!rc && !(f->file_key = pt_arena_strdup(&f->r->arena, key.ptr)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  pt_buf_fini(&key);
  if (!rc) rc = pt__node_parent_index(f);
  if (!rc) rc = pt__extract_collect(f);
  /* the query walk's matches are not read after collect: a large file's
   * are freed before its entities and references are made */
  pt__query_walk_trim(&f->x->walk, KEEP_BYTES);
  if (!rc) rc = pt__extract_entities(f);
  if (!rc) rc = pt__extract_refs(f);
  if (!rc) rc = pt__extract_words(f);
  return rc;
}

int pt_extract_parse_only(pt_extractor *x, pt_grammar grammar, const char *path,
                          const char *src, size_t len)
{
  const pt_grammar_info *gi = pt_grammar_get(grammar);
  if (!gi || !ts_parser_set_language(x->parser, gi->ts_language()))
    return PT_ERR(PT_EINVAL, "%s: no grammar", path);
  TSTree *tree = NULL;
  x->parse_cpu_ns = 0;
  int rc = pt__extract_parse_text(x, path, src, len, &tree);
  if (tree)
    ts_tree_delete(tree);
  return rc;
}

/* f borrows x's arrays for one file, and gives them back. */
static void borrow_arrays(pt_xfile *f, pt_extractor *x)
{
  f->cands = x->cands;
  f->cap_cands = x->cap_cands;
  f->pending = x->pending;
  f->cap_pending = x->cap_pending;
  f->import_ranges = x->import_ranges;
  f->cap_import = x->cap_import;
  f->binds = x->binds;
  f->cap_binds = x->cap_binds;
  f->tops = x->tops;
  f->cap_tops = x->cap_tops;
  f->by_name = x->by_name;
}

static void give_back_arrays(pt_xfile *f, pt_extractor *x)
{
  pt_array_drop_over(&f->cands, &f->cap_cands, KEEP_BYTES / sizeof *f->cands);
  pt_array_drop_over(&f->pending, &f->cap_pending,
                     KEEP_BYTES / sizeof *f->pending);
  pt_array_drop_over(&f->import_ranges, &f->cap_import,
                     KEEP_BYTES / sizeof *f->import_ranges);
  pt_array_drop_over(&f->binds, &f->cap_binds, KEEP_BYTES / sizeof *f->binds);
  pt_array_drop_over(&f->tops, &f->cap_tops, KEEP_BYTES / sizeof *f->tops);
  pt_array_drop_over(&f->by_name.slots, &f->by_name.cap_slots,
                     KEEP_BYTES / sizeof *f->by_name.slots);
  pt_array_drop_over(&f->by_name.next, &f->by_name.cap_next,
                     KEEP_BYTES / sizeof *f->by_name.next);
  pt_array_drop_over(&f->by_name.memo, &f->by_name.cap_memo,
                     KEEP_BYTES / sizeof *f->by_name.memo);
  pt__query_walk_trim(&x->walk, KEEP_BYTES);
  x->cands = f->cands;
  x->cap_cands = f->cap_cands;
  x->pending = f->pending;
  x->cap_pending = f->cap_pending;
  x->import_ranges = f->import_ranges;
  x->cap_import = f->cap_import;
  x->binds = f->binds;
  x->cap_binds = f->cap_binds;
  x->tops = f->tops;
  x->cap_tops = f->cap_tops;
  x->by_name = f->by_name;
}

static int extract(pt_extractor *x, pt_grammar grammar, const char *path,
                   const char *src, size_t len, int keep_test_refs,
                   int is_valid, pt_file_result **out)
{
  const pt_grammar_info *gi = pt_grammar_get(grammar);
  const pt_query *query = NULL;
  if (!gi)
    return PT_ERR(PT_EINVAL, "%s: unknown grammar", path);
  int rc = queries_get(x->q, grammar, &query);
  if (rc == 0)
    rc = check_input(path, src, len, is_valid);
  if (rc)
    return rc;
  pt_xfile f;
  memset(&f, 0, sizeof f);
  f.query = query;
  f.keep_test_refs = keep_test_refs;
  f.x = x;
  f.grammar = grammar;
  f.lang = gi->lang;
  f.src = src;
  f.len = len;
  borrow_arrays(&f, x);
  f.r = pt_calloc(1, sizeof *f.r);
  if (!f.r) {
    give_back_arrays(&f, x);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  pt_arena_init(&f.r->arena);
  f.path = pt_arena_strdup(&f.r->arena, path);
  TSTree *tree = NULL;
  if (!f.path)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  else if (!ts_parser_set_language(x->parser, gi->ts_language()))
    rc = PT_ERR(PT_ERROR, "%s: grammar %s rejected by the runtime", path, gi->name);
  else {
    x->parse_cpu_ns = 0;
    rc = pt__extract_parse(x, grammar, path, src, len, &tree);
  }
  if (rc == 0) {
    f.root = ts_tree_root_node(tree);
    f.r->file.n_parse_errors = count_parse_errors(f.root);
    rc = run_steps(&f);
  }
  if (tree)
    ts_tree_delete(tree);
  give_back_arrays(&f, x);
  if (rc) {
    pt_file_result_free(f.r);
    return rc;
  }
  *out = f.r;
  return 0;
}

int pt_extract_file(pt_extractor *x, pt_grammar grammar, const char *path,
                    const char *src, size_t len, pt_file_result **out)
{
  return extract(x, grammar, path, src, len, 0, 0, out);
}

int pt_extract_file_with_tests(pt_extractor *x, pt_grammar grammar,
                               const char *path, const char *src, size_t len,
                               pt_file_result **out)
{
  return extract(x, grammar, path, src, len, 1, 0, out);
}

int pt__extract_file_valid(pt_extractor *x, pt_grammar grammar,
                           const char *path, const char *src, size_t len,
                           pt_file_result **out)
{
  return extract(x, grammar, path, src, len, 0, 1, out);
}
