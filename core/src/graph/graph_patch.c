/* pt_graph_patch (pt/graph.h): a new finished graph from a finished one
 * with some files' records replaced, removed or added, sharing its string
 * pool, in the order finishing the whole graph again would give, without
 * doing that. */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "pt/ptrmap.h"

#define VEC_COPY(dst, src)                                                \
  ((src).n == 0 ? 0                                                       \
   : !((dst).v = pt_malloc((src).n * sizeof *(dst).v))                   \
       ? PT_ENOMEM                                                        \
       : (memcpy((dst).v, (src).v, (src).n * sizeof *(dst).v),             \
          (dst).n = (dst).cap = (src).n, 0))

static int str_same(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Interns every string of an edge (they may come from anywhere). */
static int intern_edge(pt_graph *g, pt_edge *c)
{
  int rc = pt__graph_intern_in_place(g, &c->from_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c->to_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c->file_path);
  return rc;
}

/* An edge and the place it was written in: the sort below must be stable
 * (a duplicate keeps the first written, as pt_graph_finish does), and
 * qsort need not be (msvcrt's is not). */
typedef struct placed_edge {
  pt_edge e;
  size_t at;
} placed_edge;

static int cmp_placed(const void *pa, const void *pb)
{
  const placed_edge *a = pa, *b = pb;
  int c = pt__graph_cmp_edge(&a->e, &b->e);
  return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* The patched files' edges, interned, sorted and without duplicate
 * (from, to, type), as pt_graph_finish leaves them. */
static int patch_edges(pt_graph *g, const pt_graph_file_patch *files, size_t n,
                       pt_edge **out, size_t *n_out)
{
  size_t total = 0, w = 0;
  for (size_t k = 0; k < n; k++)
    total += files[k].n_edges;
  pt_edge *e = pt_malloc((total + 1) * sizeof *e);
  placed_edge *p = pt_malloc((total + 1) * sizeof *p);
  int rc = e && p ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; k < n && rc == 0; k++)
    for (size_t i = 0; i < files[k].n_edges && rc == 0; i++) {
      p[w] = (placed_edge){files[k].edges[i], w};
      rc = intern_edge(g, &p[w++].e);
    }
  if (rc == 0 && w > 1)
    qsort(p, w, sizeof *p, cmp_placed);
  for (size_t r = 0; rc == 0 && r < w; r++)
    e[r] = p[r].e;
  pt_free(p);
  size_t d = 0;
  for (size_t r = 0; rc == 0 && r < w; r++)
    if (d == 0 || e[d - 1].from_key != e[r].from_key || e[d - 1].to_key != e[r].to_key ||
        e[d - 1].type != e[r].type)
      e[d++] = e[r];
  if (rc) {
    pt_free(e);
    return rc;
  }
  *out = e;
  *n_out = d;
  return 0;
}

static int cmp_file_path(const void *pa, const void *pb)
{
  return strcmp(((const pt_file_record *)pa)->path,
                ((const pt_file_record *)pb)->path);
}

static int patch_records(pt_graph *g, const pt_graph *prev,
                         const pt_graph_file_patch *files, size_t n, pt_ptrmap *paths)
{
  size_t seen = 0, n_new = 0;
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++) {
    const char *p = pt_graph_intern(g, files[k].path);
    rc = p ? pt_ptrmap_put_new(paths, p, k, &seen) : PT_ERR(PT_ENOMEM, "out of memory");
    n_new += files[k].n_entities;
  }
  /* entities: the others' as they are (still sorted), then the files' new
   * ones, sorted, merged in */
  if (rc == 0 && !(g->entities.v = pt_malloc((prev->entities.n + n_new + 1) *
                                             sizeof *g->entities.v)))
    rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  g->entities.cap = rc ? 0 : prev->entities.n + n_new + 1;
  pt_ptrmap was = PT_PTRMAP_INIT; /* key -> the patched files' old entity */
  for (size_t i = 0; i < prev->entities.n && rc == 0; i++) {
    const pt_entity *e = &prev->entities.v[i];
    size_t k;
    if (!e->file_path || !pt_ptrmap_get(paths, e->file_path, &k))
      g->entities.v[g->entities.n++] = *e;
    else
      rc = pt_ptrmap_put_new(&was, e->key, i, &k);
  }
  size_t start = g->entities.n;
  for (size_t k = 0; k < n && rc == 0; k++)
    for (size_t i = 0; i < files[k].n_entities && rc == 0; i++) {
      /* an entity whose code did not change keeps its text: a patch adds
       * to the shared pool only what is new */
      pt_entity c = files[k].entities[i];
      const char *key = pt_graph_intern(g, c.key);
      size_t j;
      if (key && pt_ptrmap_get(&was, key, &j) &&
          strcmp(prev->entities.v[j].content_hash, c.content_hash) == 0 &&
          str_same(prev->entities.v[j].code, c.code) &&
          str_same(prev->entities.v[j].signature, c.signature)) {
        c.key = key;
        c.code = prev->entities.v[j].code;
        c.signature = prev->entities.v[j].signature;
        rc = pt__graph_intern_in_place(g, &c.name);
        if (!rc) rc = pt__graph_intern_in_place(g, &c.qualname);
        if (!rc) rc = pt__graph_intern_in_place(g, &c.file_path);
        if (!rc) rc = pt__graph_intern_in_place(g, &c.parent_key);
        if (!rc) rc = VEC_PUSH(g->entities, c);
      } else {
        rc = key ? pt_graph_add_entity(g, &c) : PT_ENOMEM;
      }
    }
  pt_ptrmap_fini(&was);
  if (rc == 0 && g->entities.n - start > 1)
    qsort(g->entities.v + start, g->entities.n - start, sizeof *g->entities.v,
          pt__graph_cmp_entity);
  pt_entity *m = rc ? NULL : pt_malloc((g->entities.n + 1) * sizeof *m);
  if (rc == 0 && !m)
    rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  size_t a = 0, b = start, w = 0;
  while (rc == 0 && (a < start || b < g->entities.n))
    m[w++] = b == g->entities.n ||
                     (a < start && pt__graph_cmp_entity(&g->entities.v[a], &g->entities.v[b]) < 0)
                 ? g->entities.v[a++] : g->entities.v[b++];
  if (rc == 0)
    memcpy(g->entities.v, m, w * sizeof *m);
  pt_free(m);
  /* tests: the others', then the new ones, in canonical order */
  for (size_t i = 0; i < prev->tests.n && rc == 0; i++) {
    size_t k;
    if (!pt_ptrmap_get(paths, prev->tests.v[i].file_path, &k))
      rc = VEC_PUSH(g->tests, prev->tests.v[i]);
  }
  for (size_t k = 0; k < n && rc == 0; k++)
    for (size_t i = 0; i < files[k].n_tests && rc == 0; i++)
      rc = pt_graph_add_test(g, &files[k].tests[i]);
  if (rc == 0 && g->tests.n > 1)
    qsort(g->tests.v, g->tests.n, sizeof *g->tests.v, pt__graph_cmp_test);
  /* file records in place; a file that left has none, a new one joins */
  unsigned char *had = rc ? NULL : pt_calloc(n + 1, 1);
  if (rc == 0 && !had)
    rc = PT_ENOMEM;
  for (size_t i = 0; i < prev->files.n && rc == 0; i++) {
    size_t k;
    if (!pt_ptrmap_get(paths, prev->files.v[i].path, &k))
      rc = VEC_PUSH(g->files, prev->files.v[i]);
    else if ((had[k] = 1) && files[k].file)
      rc = pt_graph_add_file(g, files[k].file);
  }
  int joined = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    if (!had[k] && files[k].file) {
      rc = pt_graph_add_file(g, files[k].file);
      joined = 1;
    }
  if (rc == 0 && joined)
    qsort(g->files.v, g->files.n, sizeof *g->files.v, cmp_file_path);
  pt_free(had);
  return rc == PT_ENOMEM ? PT_ERR(PT_ENOMEM, "out of memory patching a graph") : rc;
}

int pt_graph_patch(const pt_graph *prev, const pt_graph_file_patch *files, size_t n,
                   pt_graph **out)
{
  pt_graph *g = NULL;
  pt_ptrmap paths = PT_PTRMAP_INIT;
  pt_edge *fresh = NULL;
  size_t n_fresh = 0;
  int rc = pt_graph_new_sharing(prev, &g);
  if (rc == 0) rc = patch_records(g, prev, files, n, &paths);
  if (rc == 0) rc = patch_edges(g, files, n, &fresh, &n_fresh);
  if (rc == 0 && (VEC_COPY(g->ignored, prev->ignored) || VEC_COPY(g->meta, prev->meta)))
    rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  if (rc == 0) rc = pt_graph_reserve_edges(g, prev->edges.n + n_fresh);
  /* the others' edges stay sorted; the new ones merge in */
  size_t j = 0, k;
  for (size_t i = 0; rc == 0 && i <= prev->edges.n; i++) {
    const pt_edge *e = i < prev->edges.n ? &prev->edges.v[i] : NULL;
    if (e && e->file_path && pt_ptrmap_get(&paths, e->file_path, &k))
      continue;
    while (j < n_fresh && (!e || pt__graph_cmp_edge(&fresh[j], e) < 0))
      g->edges.v[g->edges.n++] = fresh[j++];
    if (e)
      g->edges.v[g->edges.n++] = *e;
  }
  pt_free(fresh);
  pt_ptrmap_fini(&paths);
  if (rc) {
    pt_graph_free(g);
    return rc;
  }
  *out = g;
  return 0;
}

