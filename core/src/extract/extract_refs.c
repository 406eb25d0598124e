/* References of one file (the reference query) and its word coverage. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "base/words.h"

/* The innermost entity containing byte pos, or -1. */
static int innermost(const pt_xfile *f, uint32_t pos)
{
  size_t lo = 0, hi = f->n_cands;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (f->cands[mid].start_byte <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  int i = (int)lo - 1;
  while (i >= 0 && f->cands[i].end_byte <= pos)
    i = f->cands[i].parent;
  return i;
}

static int push_ref(pt_xfile *f, const pt_raw_ref *ref, size_t *cap)
{
  pt_file_result *r = f->r;
  if (r->n_refs == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    pt_raw_ref *p = pt_arena_alloc(&r->arena, nc * sizeof *p);
    if (!p)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    if (r->n_refs)
      memcpy(p, r->refs, r->n_refs * sizeof *p);
    r->refs = p;
    *cap = nc;
  }
  r->refs[r->n_refs++] = *ref;
  return 0;
}

static void cut_generics(char *s)
{
  char *lt = strchr(s, '<');
  if (lt && lt != s)
    *lt = '\0';
  char *paren = strchr(s, '(');
  if (paren && paren != s)
    *paren = '\0';
}

/* Splits "a::b.c" at its last separator: returns the last segment and
 * leaves the prefix in s (or "" when there is none). */
static char *split_last(char *s)
{
  char *best = NULL;
  size_t seplen = 0;
  for (char *p = s; *p; p++) {
    if (p[0] == ':' && p[1] == ':') { best = p; seplen = 2; p++; }
    else if (p[0] == '-' && p[1] == '>') { best = p; seplen = 2; p++; }
    else if (*p == '.' || *p == '\\' || *p == '/') { best = p; seplen = 1; }
  }
  if (!best)
    return NULL;
  *best = '\0';
  return best + seplen;
}

static int add_ref(pt_xfile *f, TSNode n, pt_ref_kind kind, const char *scope,
                   const char *module, size_t *cap)
{
  char *text = pt__node_text(f, n);
  if (!text)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  char *name = pt__trim_text(text, 1);
  if (!name)
    return 0;
  pt_raw_ref ref = {NULL, NULL, scope, module, kind,
                    ts_node_start_point(n).row + 1, -1};
  if (kind == PT_REF_INCLUDE) {
    ref.name = name;
  } else {
    if (kind == PT_REF_IMPORT && !module)
      ref.module = pt_arena_strdup(&f->r->arena, name);
    if (kind != PT_REF_IMPORT)
      cut_generics(name);
    char *last = split_last(name);
    if (last) {
      if (!ref.scope && *name && kind != PT_REF_IMPORT)
        ref.scope = name;
      name = last;
    }
    if (kind == PT_REF_IMPORT)
      cut_generics(name);
    ref.name = name;
  }
  if (!*ref.name || (kind == PT_REF_IMPORT && !ref.module))
    return 0;
  int from = innermost(f, ts_node_start_byte(n));
  if (from >= 0 && f->cands[from].test_reason)
    return 0; /* references made by tests leave with the tests */
  ref.from_entity = from;
  ref.from_key = from >= 0 ? f->cands[from].key : f->file_key;
  return push_ref(f, &ref, cap);
}

int pt__extract_refs(pt_xfile *f)
{
  size_t cap = 0;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < f->n_pending; i++) {
    const pt_pending_ref *p = &f->pending[i];
    rc = add_ref(f, p->node, p->kind, p->scope, p->module, &cap);
  }
  return rc;
}

static int cmp_u32_pair(const void *a, const void *b)
{
  const uint32_t *x = a, *y = b;
  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Words in the union of [start, end) byte ranges (sorted in place). */
static uint64_t words_in_ranges(const char *src, uint32_t *ranges, size_t n_pairs)
{
  uint64_t words = 0;
  if (n_pairs > 1)
    qsort(ranges, n_pairs, 2 * sizeof *ranges, cmp_u32_pair);
  uint32_t cur_a = 0, cur_b = 0;
  int open = 0;
  for (size_t i = 0; i < n_pairs; i++) {
    uint32_t a = ranges[2 * i], b = ranges[2 * i + 1];
    if (open && a <= cur_b) {
      if (b > cur_b)
        cur_b = b;
      continue;
    }
    if (open)
      words += pt__count_words(src + cur_a, cur_b - cur_a);
    cur_a = a;
    cur_b = b;
    open = 1;
  }
  if (open)
    words += pt__count_words(src + cur_a, cur_b - cur_a);
  return words;
}

static uint64_t comment_words(pt_xfile *f)
{
  const char *const *kinds = pt_grammar_get(f->grammar)->comment_kinds;
  uint64_t words = 0;
  uint32_t n = ts_node_child_count(f->root);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_child(f->root, i);
    const char *type = ts_node_type(c);
    for (int k = 0; kinds[k]; k++)
      if (strcmp(type, kinds[k]) == 0) {
        uint32_t a = ts_node_start_byte(c);
        words += pt__count_words(f->src + a, ts_node_end_byte(c) - a);
        break;
      }
  }
  return words;
}

static int entity_words(pt_xfile *f, uint64_t *out)
{
  size_t n = 0;
  uint32_t *ranges = pt_malloc((f->n_cands + 1) * 2 * sizeof *ranges);
  if (!ranges)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  for (size_t i = 0; i < f->n_cands; i++) {
    const pt_cand *c = &f->cands[i];
    if (c->test_reason)
      continue;
    ranges[2 * n] = f->line_starts[c->line_start - 1];
    ranges[2 * n + 1] = c->line_end < f->n_lines ? f->line_starts[c->line_end]
                                                 : (uint32_t)f->len;
    n++;
  }
  *out = words_in_ranges(f->src, ranges, n);
  pt_free(ranges);
  return 0;
}

int pt__extract_words(pt_xfile *f)
{
  pt_file_record *rec = &f->r->file;
  char hash[65];
  pt_sha256_hex(f->src, f->len, hash);
  rec->path = f->path;
  rec->content_hash = pt_arena_strdup(&f->r->arena, hash);
  rec->lang = f->lang;
  rec->size = f->len;
  rec->n_entities = (uint32_t)f->r->n_entities;
  rec->n_tests = (uint32_t)f->r->n_tests;
  rec->source_words = pt__count_words(f->src, f->len);
  rec->comment_words = comment_words(f);
  rec->import_words = words_in_ranges(f->src, f->import_ranges, f->n_import / 2);
  if (!rec->content_hash)
    return PT_ERR(PT_ENOMEM, "out of memory");
  return entity_words(f, &rec->entity_words);
}
