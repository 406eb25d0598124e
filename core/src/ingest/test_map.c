/* pt/test_map.h: the files holding tests are read again, checked against
 * the index (content hash), extracted with their tests' references, and
 * those references resolved against the graph by pt01's own resolver.
 * Only references that reach an entity are kept. */
#include <stdlib.h>
#include <string.h>

#include "ingest/resolve.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/hash.h"
#include "pt/lang.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/test_map.h"

typedef struct builder {
  const pt_graph *g;
  pt_resolver *rs;
  pt_extractor *x;
  pt_graph *scratch; /* the resolver adds edges to a graph: this one */
  pt_test_map *m;
  size_t cap;
} builder;

/* The index of the test with this key among g's tests of path (they are
 * in path order), or -1. */
static int64_t test_index(const pt_graph *g, const char *path,
                          const char *key)
{
  const pt_test_entity *t = pt_graph_tests(g);
  size_t lo = 0, hi = pt_graph_n_tests(g);
  while (lo < hi) { /* the first test of path */
    size_t mid = (lo + hi) / 2;
    if (strcmp(t[mid].file_path, path) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < pt_graph_n_tests(g) && !strcmp(t[lo].file_path, path); lo++)
    if (!strcmp(t[lo].key, key))
      return (int64_t)lo;
  return -1;
}

/* The references of r made by tests, and the file's imports and includes
 * that resolve them, their keys interned in the scratch graph as
 * pt__resolve_file asks. */
static int test_refs(builder *b, const pt_file_result *r, const char *path,
                     pt_raw_ref **out, size_t *n_out)
{
  pt_raw_ref *refs = pt_malloc((r->n_refs + 1) * sizeof *refs);
  size_t n = 0;
  if (!refs)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < r->n_refs; i++) {
    pt_ref_kind k = r->refs[i].kind; /* imports say where names come from */
    if (k != PT_REF_IMPORT && k != PT_REF_INCLUDE &&
        test_index(b->g, path, r->refs[i].from_key) < 0)
      continue;
    refs[n] = r->refs[i];
    refs[n].from_key = pt_graph_intern(b->scratch, r->refs[i].from_key);
    if (!refs[n++].from_key) {
      pt_free(refs);
      return PT_ERR(PT_ENOMEM, "out of memory");
    }
  }
  *out = refs;
  *n_out = n;
  return 0;
}

/* The edges the resolver added to the scratch graph from `first` on, the
 * resolved ones, as calls of their tests. */
static int take_edges(builder *b, const char *path, size_t first)
{
  const pt_edge *e = pt_graph_edges(b->scratch);
  for (size_t i = first; i < pt_graph_n_edges(b->scratch); i++) {
    if (!e[i].resolved || strstr(e[i].to_key, ":file:"))
      continue; /* an include names a file, not an entity */
    int64_t t = test_index(b->g, path, e[i].from_key);
    if (t < 0)
      continue;
    if (b->m->n_calls == b->cap &&
        pt_array_grow((void **)&b->m->calls, &b->cap, b->m->n_calls + 1,
                      sizeof *b->m->calls) != 0)
      return PT_ENOMEM;
    b->m->calls[b->m->n_calls++] =
        (pt_test_call){(uint32_t)t, e[i].to_key, e[i].type, e[i].line};
  }
  return 0;
}

/* The file's source when it is still what the index holds; else it is
 * counted stale and *src stays empty. PT_ENOMEM only. */
static int read_indexed(builder *b, const char *root, const pt_file_record *f,
                        pt_buf *src, pt_grammar *gr, int *ok)
{
  pt_buf path = PT_BUF_INIT;
  char hash[65];
  *ok = 0;
  int rc = pt_buf_printf(&path, "%s/%s", root, f->path);
  if (rc == 0 && pt_fs_read_file(path.ptr, src) == 0) {
    pt_sha256_hex(src->ptr ? src->ptr : "", src->len, hash);
    *ok = strcmp(hash, f->content_hash) == 0 &&
          pt_grammar_for_path(f->path, src->ptr,
                              src->len < 4096 ? src->len : 4096, gr);
  } else if (rc == 0) {
    pt_error_clear(); /* gone or unreadable: the live index will say */
  }
  pt_buf_fini(&path);
  b->m->n_stale += rc == 0 && !*ok;
  return rc;
}

/* Resolves the tests' references of one extracted file. */
static int resolve_tests(builder *b, const pt_file_record *f,
                         const pt_file_result *r)
{
  pt_raw_ref *refs = NULL;
  size_t n_refs = 0, first = pt_graph_n_edges(b->scratch);
  const char *ipath = pt_graph_intern(b->scratch, f->path);
  int rc = ipath ? test_refs(b, r, f->path, &refs, &n_refs)
                 : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt__resolver_note_bases(b->rs, ipath, f->lang, refs, n_refs);
  if (rc == 0)
    rc = pt__resolve_file(b->rs, b->scratch, ipath, f->lang, refs, n_refs);
  if (rc == 0)
    rc = take_edges(b, f->path, first);
  pt_free(refs);
  return rc;
}

/* One file; 0 also when it is skipped as stale or cannot be parsed. */
static int add_file(builder *b, const char *root, const pt_file_record *f)
{
  pt_buf src = PT_BUF_INIT;
  pt_file_result *r = NULL;
  pt_grammar gr;
  int ok;
  int rc = read_indexed(b, root, f, &src, &gr, &ok);
  if (rc == 0 && ok)
    rc = pt_extract_file_with_tests(b->x, gr, f->path, src.ptr ? src.ptr : "",
                                    src.len, &r);
  if (rc && rc != PT_ENOMEM) { /* as pt01 reports it: not ours to fail */
    pt_error_clear();
    b->m->n_stale++;
    rc = 0;
  } else if (rc == 0 && r) {
    rc = resolve_tests(b, f, r);
    b->m->n_files += rc == 0;
  }
  pt_file_result_free(r);
  pt_buf_fini(&src);
  return rc;
}

static int by_test_then_line(const void *pa, const void *pb)
{
  const pt_test_call *a = pa, *b = pb;
  if (a->test != b->test)
    return a->test < b->test ? -1 : 1;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  return strcmp(a->to_key, b->to_key);
}

int pt_test_map_build(const pt_graph *g, const char *root, pt_test_map **out)
{
  builder b = {g, NULL, NULL, NULL, NULL, 0};
  pt_queries *qs = NULL;
  int rc = (b.m = pt_calloc(1, sizeof *b.m)) ? 0
                                            : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt_queries_new(&qs);
  if (rc == 0)
    rc = pt_extractor_new(qs, &b.x);
  if (rc == 0)
    rc = pt__resolver_new(g, &b.rs);
  if (rc == 0)
    rc = pt_graph_new(&b.scratch);
  const pt_file_record *f = pt_graph_files(g);
  for (size_t i = 0; rc == 0 && root && i < pt_graph_n_files(g); i++)
    if (f[i].n_tests)
      rc = add_file(&b, root, &f[i]);
  if (rc == 0 && b.m->n_calls > 1)
    qsort(b.m->calls, b.m->n_calls, sizeof *b.m->calls, by_test_then_line);
  pt_graph_free(b.scratch);
  pt__resolver_free(b.rs);
  pt_extractor_free(b.x);
  pt_queries_free(qs);
  if (rc) {
    pt_test_map_free(b.m);
    return rc;
  }
  *out = b.m;
  return 0;
}

void pt_test_map_free(pt_test_map *m)
{
  if (!m)
    return;
  pt_free(m->calls);
  pt_free(m);
}

int pt_test_map_slot_init(pt_test_map_slot *s)
{
  s->map = NULL;
  return pt_mutex_new(&s->mu);
}

void pt_test_map_slot_fini(pt_test_map_slot *s)
{
  if (!s)
    return;
  pt_test_map_free(s->map);
  if (s->mu)
    pt_mutex_free(s->mu);
  s->map = NULL;
  s->mu = NULL;
}

int pt_test_map_get(pt_test_map_slot *s, const pt_graph *g,
                    const pt_test_map **out)
{
  int rc = 0;
  pt_mutex_lock(s->mu);
  if (!s->map)
    rc = pt_test_map_build(g, pt_graph_meta(g, "root"), &s->map);
  *out = s->map;
  pt_mutex_unlock(s->mu);
  return rc;
}
