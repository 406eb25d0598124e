/* Comparing two finished graphs (pt/graph.h): whether they hold the same
 * records, how many files and entity keys came and went, and what changed
 * in one file. The live index uses these to skip publishing an unchanged
 * graph, to log what an update did and to answer a reindex request. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"

static int entity_eq(const pt_entity *a, const pt_entity *b)
{
  return pt_str_same(a->key, b->key) && pt_str_same(a->name, b->name) &&
         pt_str_same(a->qualname, b->qualname) &&
         pt_str_same(a->file_path, b->file_path) &&
         pt_str_same(a->signature, b->signature) &&
         pt_str_same(a->parent_key, b->parent_key) &&
         strcmp(a->content_hash, b->content_hash) == 0 && a->lang == b->lang &&
         a->kind == b->kind && a->line_start == b->line_start &&
         a->line_end == b->line_end && a->birth == b->birth;
}

int pt_graph_candidates_equal(const pt_candidates *a, const pt_candidates *b)
{
  if (a == b)
    return 1;
  if (!a || !b || a->n != b->n || a->n_keys != b->n_keys)
    return 0;
  for (uint32_t i = 0; i < a->n_keys; i++)
    if (!pt_str_same(a->keys[i], b->keys[i]))
      return 0;
  return 1;
}

static int edge_eq(const pt_edge *a, const pt_edge *b)
{
  return pt_str_same(a->from_key, b->from_key) &&
         pt_str_same(a->to_key, b->to_key) &&
         pt_str_same(a->file_path, b->file_path) && a->type == b->type &&
         a->line == b->line && a->resolved == b->resolved &&
         a->resolution == b->resolution &&
         pt_graph_candidates_equal(a->candidates, b->candidates);
}

static int file_eq(const pt_file_record *a, const pt_file_record *b)
{
  return pt_str_same(a->path, b->path) &&
         pt_str_same(a->content_hash, b->content_hash) && a->lang == b->lang &&
         a->size == b->size && a->n_entities == b->n_entities &&
         a->n_tests == b->n_tests && a->n_parse_errors == b->n_parse_errors &&
         a->source_words == b->source_words &&
         a->entity_words == b->entity_words &&
         a->import_words == b->import_words &&
         a->comment_words == b->comment_words;
}

static int test_eq(const pt_test_entity *a, const pt_test_entity *b)
{
  return pt_str_same(a->key, b->key) && pt_str_same(a->name, b->name) &&
         pt_str_same(a->file_path, b->file_path) &&
         pt_str_same(a->reason, b->reason) && a->lang == b->lang &&
         a->kind == b->kind && a->line_start == b->line_start &&
         a->line_end == b->line_end;
}

static int same_counts(const pt_graph *a, const pt_graph *b)
{
  return pt_graph_n_entities(a) == pt_graph_n_entities(b) &&
         pt_graph_n_edges(a) == pt_graph_n_edges(b) &&
         pt_graph_n_files(a) == pt_graph_n_files(b) &&
         pt_graph_n_tests(a) == pt_graph_n_tests(b) &&
         pt_graph_n_ignored(a) == pt_graph_n_ignored(b) &&
         pt_graph_n_meta(a) == pt_graph_n_meta(b);
}

/* The ignored files and the metadata, whose records have no _eq of their
 * own. Called when the counts are the same. */
static int same_ignored_and_meta(const pt_graph *a, const pt_graph *b)
{
  for (size_t i = 0; i < pt_graph_n_ignored(a); i++) {
    const pt_ignored_file *x = &pt_graph_ignored(a)[i], *y = &pt_graph_ignored(b)[i];
    if (!pt_str_same(x->path, y->path) || !pt_str_same(x->reason, y->reason))
      return 0;
  }
  for (size_t i = 0; i < pt_graph_n_meta(a); i++) {
    const char *an, *av, *bn, *bv;
    pt_graph_meta_at(a, i, &an, &av);
    pt_graph_meta_at(b, i, &bn, &bv);
    if (!pt_str_same(an, bn) || !pt_str_same(av, bv))
      return 0;
  }
  return 1;
}

int pt_graph_equal(const pt_graph *a, const pt_graph *b)
{
  if (!same_counts(a, b))
    return 0;
  for (size_t i = 0; i < pt_graph_n_files(a); i++)
    if (!file_eq(&pt_graph_files(a)[i], &pt_graph_files(b)[i]))
      return 0;
  for (size_t i = 0; i < pt_graph_n_entities(a); i++)
    if (!entity_eq(&pt_graph_entities(a)[i], &pt_graph_entities(b)[i]))
      return 0;
  for (size_t i = 0; i < pt_graph_n_edges(a); i++)
    if (!edge_eq(&pt_graph_edges(a)[i], &pt_graph_edges(b)[i]))
      return 0;
  for (size_t i = 0; i < pt_graph_n_tests(a); i++)
    if (!test_eq(&pt_graph_tests(a)[i], &pt_graph_tests(b)[i]))
      return 0;
  return same_ignored_and_meta(a, b);
}

/* Files in old that are not in now (both sorted by path). */
static size_t files_gone(const pt_graph *old, const pt_graph *now)
{
  const pt_file_record *a = pt_graph_files(old), *b = pt_graph_files(now);
  size_t na = pt_graph_n_files(old), nb = pt_graph_n_files(now), i = 0, j = 0, n = 0;
  while (i < na) {
    int c = j < nb ? strcmp(a[i].path, b[j].path) : -1;
    if (c < 0) {
      n++;
      i++;
    } else {
      j++;
      i += c == 0;
    }
  }
  return n;
}

/* Entity keys only in a, only in b (both sorted by key). */
static void entity_churn(const pt_graph *a, const pt_graph *b, size_t *added,
                         size_t *removed)
{
  const pt_entity *x = pt_graph_entities(a), *y = pt_graph_entities(b);
  size_t nx = pt_graph_n_entities(a), ny = pt_graph_n_entities(b), i = 0, j = 0;
  *added = *removed = 0;
  while (i < nx || j < ny) {
    int c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i].key, y[j].key);
    if (c < 0) { (*removed)++; i++; }
    else if (c > 0) { (*added)++; j++; }
    else { i++; j++; }
  }
}

void pt_graph_count_changes(const pt_graph *old, const pt_graph *now,
                            pt_graph_changes *out)
{
  memset(out, 0, sizeof *out);
  out->entities_added = pt_graph_n_entities(now);
  if (!old)
    return;
  out->files_removed = files_gone(old, now);
  entity_churn(old, now, &out->entities_added, &out->entities_removed);
}

/* ---- one file ------------------------------------------------------------ */

static int edge_key_cmp(const pt_edge *a, const pt_edge *b)
{
  int c = strcmp(a->from_key, b->from_key);
  if (c == 0) c = strcmp(a->to_key, b->to_key);
  if (c == 0) c = (int)a->type - (int)b->type;
  return c;
}

static int cmp_edge_ptr(const void *pa, const void *pb)
{
  return edge_key_cmp(*(const pt_edge *const *)pa, *(const pt_edge *const *)pb);
}

/* The edges written in `path`, in (from, to, type) order. */
static int edges_of(const pt_graph *g, const char *path, const pt_edge ***out,
                    size_t *n)
{
  const pt_edge *e = pt_graph_edges(g);
  size_t ne = pt_graph_n_edges(g);
  *n = 0;
  *out = pt_malloc((ne + 1) * sizeof **out);
  if (!*out)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < ne; i++)
    if (strcmp(e[i].file_path, path) == 0)
      (*out)[(*n)++] = &e[i];
  qsort(*out, *n, sizeof **out, cmp_edge_ptr);
  return 0;
}

/* Both graphs are sorted by key, so the entities of one file are too. */
static void file_entities(const pt_graph *old, const pt_graph *now,
                          const char *path, pt_graph_file_changes *d)
{
  const pt_entity *x = old ? pt_graph_entities(old) : NULL, *y = pt_graph_entities(now);
  size_t nx = old ? pt_graph_n_entities(old) : 0, ny = pt_graph_n_entities(now);
  size_t i = 0, j = 0;
  for (;;) {
    while (i < nx && strcmp(x[i].file_path, path) != 0) i++;
    while (j < ny && strcmp(y[j].file_path, path) != 0) j++;
    if (i == nx && j == ny)
      break;
    int c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i].key, y[j].key);
    if (c < 0) { d->entities_removed++; d->entities_before++; i++; }
    else if (c > 0) { d->entities_added++; d->entities_after++; j++; }
    else {
      d->entities_modified += !entity_eq(&x[i], &y[j]);
      d->entities_before++; d->entities_after++; i++; j++;
    }
  }
}

/* The edges are sorted by key, not by file: the file's are collected and
 * sorted first. */
static int file_edges(const pt_graph *old, const pt_graph *now, const char *path,
                      pt_graph_file_changes *d)
{
  const pt_edge **ea = NULL, **eb = NULL;
  size_t na = 0, nb = 0, i = 0, j = 0;
  int rc = old ? edges_of(old, path, &ea, &na) : 0;
  if (rc == 0)
    rc = edges_of(now, path, &eb, &nb);
  while (rc == 0 && (i < na || j < nb)) {
    int c = i == na ? 1 : j == nb ? -1 : edge_key_cmp(ea[i], eb[j]);
    if (c < 0) { d->edges_removed++; i++; }
    else if (c > 0) { d->edges_added++; j++; }
    else { i++; j++; }
  }
  pt_free((void *)ea);
  pt_free((void *)eb);
  return rc;
}

int pt_graph_count_file_changes(const pt_graph *old, const pt_graph *now,
                                const char *path, pt_graph_file_changes *out)
{
  const pt_file_record *fa = old ? pt_graph_find_file(old, path) : NULL;
  const pt_file_record *fb = pt_graph_find_file(now, path);
  memset(out, 0, sizeof *out);
  out->in_before = fa != NULL;
  out->in_after = fb != NULL;
  out->hash_changed =
      !fa || !fb ? fa != fb : !pt_str_same(fa->content_hash, fb->content_hash);
  file_entities(old, now, path, out);
  return file_edges(old, now, path, out);
}
