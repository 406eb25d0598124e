/* pt_graph_patch (pt/graph.h): a new finished graph from a finished one
 * with some files' records replaced, removed or added, sharing its string
 * pool, in the order finishing the whole graph again would give, without
 * doing that: the unchanged records are copied in runs, the new ones put in
 * place by binary search, and where each record came from is kept (the
 * graph's lineage). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "pt/both.h"
#include "pt/ptrmap.h"

#define VEC_COPY(dst, src)                                                \
  ((src).n == 0 ? 0                                                       \
   : !((dst).v = pt_malloc((src).n * sizeof *(dst).v))                   \
       ? PT_ENOMEM                                                        \
       : (memcpy((dst).v, (src).v, (src).n * sizeof *(dst).v),             \
          (dst).n = (dst).cap = (src).n, 0))

/* ---- spare arrays ----------------------------------------------------- */

void pt__graph_spare_put(pt_graph *g, pt__spare_kind kind, void *v, size_t size)
{
  if (!v)
    return;
  pt_graph_pool *p = g->pool;
  pt_mutex_lock(p->mu);
  struct pt__spare *s = &p->spare[kind];
  if (p->refs > 1 && size > s->size) {
    void *had = s->v;
    s->v = v;
    s->size = size;
    v = had;
  }
  pt_mutex_unlock(p->mu);
  pt_free(v);
}

void pt__graph_settle(pt_graph_pool *p)
{
  pt_mutex_lock(p->mu);
  pt_thread *t = p->making;
  p->making = NULL;
  pt_mutex_unlock(p->mu);
  if (t)
    pt_thread_join(t);
}

size_t pt__graph_spares_free(pt_graph_pool *p)
{
  struct pt__spare had[sizeof p->spare / sizeof p->spare[0]];
  size_t bytes = 0;
  pt__graph_settle(p);
  pt_mutex_lock(p->mu);
  for (size_t k = 0; k < sizeof had / sizeof had[0]; k++) {
    had[k] = p->spare[k];
    p->spare[k] = (struct pt__spare){NULL, 0};
  }
  pt_mutex_unlock(p->mu);
  for (size_t k = 0; k < sizeof had / sizeof had[0]; k++) {
    bytes += had[k].size;
    pt_free(had[k].v);
  }
  return bytes;
}

/* An array of at least n items of the given size: the pool's spare of
 * that kind when it is large enough, else a new one with room for a few
 * more, so that it serves the next patch of about the same size once its
 * graph is freed. *cap (when given): the items it holds. */
static void *spare_or_new(pt_graph *g, pt__spare_kind kind, size_t n,
                          size_t item, size_t *cap)
{
  pt_graph_pool *p = g->pool;
  void *v = NULL;
  size_t size = 0;
  pt__graph_settle(p); /* spares being made: this patch waits for them */
  pt_mutex_lock(p->mu);
  if (p->spare[kind].size >= n * item) {
    v = p->spare[kind].v;
    size = p->spare[kind].size;
    p->spare[kind] = (struct pt__spare){NULL, 0};
  }
  pt_mutex_unlock(p->mu);
  if (!v) {
    size = (n + n / 64 + 64) * item;
    v = pt_malloc(size);
  }
  if (cap)
    *cap = v ? size / item : 0;
  return v;
}

/* Makes sure the pool keeps a spare of the given kind fit for a patch of
 * about n items, its pages touched; the bytes made go to *made. */
static int prepare(pt_graph_pool *p, pt__spare_kind kind, size_t n, size_t item,
                   size_t *made)
{
  size_t size = (n + n / 64 + 64) * item;
  pt_mutex_lock(p->mu);
  int fits = p->spare[kind].size >= size;
  pt_mutex_unlock(p->mu);
  if (fits)
    return 0;
  void *v = pt_malloc(size);
  if (!v)
    return PT_ERR(PT_ENOMEM, "out of memory");
  memset(v, 0, size); /* faulted in now rather than in the patch */
  pt_mutex_lock(p->mu);
  void *had = p->spare[kind].v;
  if (size > p->spare[kind].size) {
    p->spare[kind] = (struct pt__spare){v, size};
    *made += size;
    v = had;
  }
  pt_mutex_unlock(p->mu);
  pt_free(v);
  return 0;
}

static int prepare_all(pt_graph_pool *p, size_t n_ent, size_t n_edge,
                       size_t *made)
{
  *made = 0;
  int rc = prepare(p, PT__SPARE_ENTITIES, n_ent, sizeof(pt_entity), made);
  if (rc == 0)
    rc = prepare(p, PT__SPARE_EDGES, n_edge, sizeof(pt_edge), made);
  if (rc == 0)
    rc = prepare(p, PT__SPARE_ENTITY_SRC, n_ent, sizeof(uint32_t), made);
  if (rc == 0)
    rc = prepare(p, PT__SPARE_EDGE_SRC, n_edge, sizeof(uint32_t), made);
  return rc;
}

int pt_graph_prepare_patch(const pt_graph *g, size_t *made)
{
  pt__graph_settle(g->pool);
  return prepare_all(g->pool, g->entities.n, g->edges.n, made);
}

static void prepare_run(void *payload)
{
  pt_graph_pool *p = payload;
  size_t made;
  if (prepare_all(p, p->prep_ent, p->prep_edge, &made) != 0)
    pt_error_clear(); /* short of memory: the patch makes its own */
}

int pt_graph_prepare_patch_start(const pt_graph *g)
{
  pt_graph_pool *p = g->pool;
  pt__graph_settle(p);
  p->prep_ent = g->entities.n; /* no other thread reads them now */
  p->prep_edge = g->edges.n;
  pt_thread *t = NULL;
  int rc = pt_thread_start(prepare_run, p, &t);
  if (rc == 0) {
    pt_mutex_lock(p->mu);
    p->making = t;
    pt_mutex_unlock(p->mu);
  }
  return rc;
}

size_t pt_graph_drop_spares(const pt_graph *g)
{
  return pt__graph_spares_free(g->pool);
}

size_t pt_graph_spare_bytes(const pt_graph *g)
{
  pt_graph_pool *p = g->pool;
  size_t bytes = 0;
  pt__graph_settle(p);
  pt_mutex_lock(p->mu);
  for (size_t k = 0; k < sizeof p->spare / sizeof p->spare[0]; k++)
    bytes += p->spare[k].size;
  pt_mutex_unlock(p->mu);
  return bytes;
}

/* ---- patching ---------------------------------------------------------- */

/* Interns every string of an edge (they may come from anywhere). */
static int intern_edge(pt_graph *g, pt_edge *c)
{
  int rc = pt__graph_intern_in_place(g, &c->from_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c->to_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c->file_path);
  if (!rc) rc = pt__graph_intern_candidates_in_place(g, &c->candidates);
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

/* The patched files' edges and those ep adds, interned, sorted and
 * without duplicate (from, to, type), as pt_graph_finish leaves them. */
static int patch_edges(pt_graph *g, const pt_graph_file_patch *files, size_t n,
                       const pt_graph_edge_patch *ep, pt_edge **out, size_t *n_out)
{
  size_t total = ep ? ep->n_add : 0, w = 0;
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
  for (size_t i = 0; ep && i < ep->n_add && rc == 0; i++) {
    p[w] = (placed_edge){ep->add[i], w};
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

/* The patched files' paths (interned in the shared pool): a few are
 * compared by pointer, which beats hashing at every record of the graph;
 * more are looked up in the map. */
#define FEW_PATHS 8

typedef struct path_set {
  pt_ptrmap map;            /* path -> its index in the patch */
  const char *few[FEW_PATHS];
  size_t n;
} path_set;

static int patched(const path_set *ps, const char *path, size_t *k)
{
  if (ps->n > FEW_PATHS)
    return path && pt_ptrmap_get(&ps->map, path, k);
  for (size_t i = 0; i < ps->n; i++)
    if (ps->few[i] == path) {
      *k = i;
      return 1;
    }
  return 0;
}

/* Where b goes among the sorted a[0..n): after every record less than b
 * (before the equal ones: the merge this replaces took the new record
 * first on a tie). */
static size_t lower_entity(const pt_entity *a, size_t n, const pt_entity *b)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pt__graph_cmp_entity(&a[mid], b) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ... and an edge after every one not greater than it. */
static size_t upper_edge(const pt_edge *a, size_t n, const pt_edge *b)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pt__graph_cmp_edge(b, &a[mid]) >= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The patched files' entity of prev whose key is key (interned), found by
 * binary search (prev's entities are in key order): a patch looks up its
 * new entities' keys, a few, instead of a map of the patched files' old
 * entities made in a pass over every entity. */
static int old_entity(const pt_graph *prev, const path_set *paths,
                      const char *key, size_t *j)
{
  const pt_entity *v = prev->entities.v;
  size_t lo = 0, hi = prev->entities.n, k;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].key != key && strcmp(v[mid].key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < prev->entities.n && (v[lo].key == key || strcmp(v[lo].key, key) == 0);
       lo++)
    if (patched(paths, v[lo].file_path, &k)) {
      *j = lo;
      return 1;
    }
  return 0;
}

/* A merge of prev's records but the patched files' with the new ones,
 * sorted, into arrays made before (the entities on one thread, the edges
 * on the other, or in two parts on both: none allocates nor interns, so
 * they run side by side). */
typedef struct merge_job {
  const pt_graph *prev;
  const path_set *paths;
  const void *fresh;        /* the new records, sorted */
  size_t n_fresh;
  const size_t *drop;       /* edges: prev's at these indexes leave too */
  size_t n_drop;
  void *dst;                /* room for prev's and the new ones */
  uint32_t *origin;         /* each record's index in prev, or PT_GRAPH_NEW */
  size_t lo, last;          /* edges: the part merged, prev's [lo, last] (at
                               last == prev's count: the new ones after) */
  size_t j, d, w;           /* edges: its first new one, first drop, and
                               where its first record goes */
  size_t n;                 /* out: records written (edges: the end) */
  size_t n_gone;            /* out, entities: prev's that left */
  size_t n_resolved;        /* out, edges: the resolved ones */
} merge_job;

/* prev's entities but the patched files' and the new ones merged into one
 * sorted array in a single copy. */
static void merge_entities(void *payload)
{
  merge_job *mj = payload;
  const pt_entity *fresh = mj->fresh, *old = mj->prev->entities.v;
  size_t n_new = mj->n_fresh, n = mj->prev->entities.n, k, n_gone = 0;
  pt_entity *m = mj->dst;
  uint32_t *o = mj->origin;
  size_t j = 0, w = 0;
  size_t next = n_new ? lower_entity(old, n, &fresh[0]) : SIZE_MAX;
  for (size_t i = 0; i <= n; i++) {
    for (; j < n_new && next <= i; w++) {
      m[w] = fresh[j];
      o[w] = PT_GRAPH_NEW;
      next = ++j < n_new ? lower_entity(old, n, &fresh[j]) : SIZE_MAX;
    }
    if (i < n && !patched(mj->paths, old[i].file_path, &k)) {
      m[w] = old[i];
      o[w++] = (uint32_t)i;
    } else {
      n_gone += i < n;
    }
  }
  mj->n = w;
  mj->n_gone = n_gone;
}

/* The tests: the others' (in canonical order still) merged with the
 * patched files' new ones, sorted; no two compare equal (a kept test's
 * file is not a patched one). */
static int patch_tests(pt_graph *g, const pt_graph *prev,
                       const pt_graph_file_patch *files, size_t n,
                       const path_set *paths)
{
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    for (size_t i = 0; i < files[k].n_tests && rc == 0; i++)
      rc = pt_graph_add_test(g, &files[k].tests[i]);
  size_t n_new = g->tests.n, k;
  if (rc == 0 && n_new > 1)
    qsort(g->tests.v, n_new, sizeof *g->tests.v, pt__graph_cmp_test);
  pt_test_entity *m = rc ? NULL : pt_malloc((prev->tests.n + n_new + 1) * sizeof *m);
  if (rc == 0 && !m)
    rc = PT_ENOMEM;
  size_t j = 0, w = 0;
  for (size_t i = 0; rc == 0 && i < prev->tests.n; i++) {
    const pt_test_entity *t = &prev->tests.v[i];
    if (patched(paths, t->file_path, &k))
      continue;
    while (j < n_new && pt__graph_cmp_test(&g->tests.v[j], t) < 0)
      m[w++] = g->tests.v[j++];
    m[w++] = *t;
  }
  while (rc == 0 && j < n_new)
    m[w++] = g->tests.v[j++];
  if (rc == 0) {
    pt_free(g->tests.v);
    g->tests.v = m;
    g->tests.n = w;
    g->tests.cap = prev->tests.n + n_new + 1;
  }
  return rc;
}

/* The first of prev's file records from lo on whose path sorts after
 * path. */
static size_t file_after(const pt_graph *prev, size_t lo, const char *path)
{
  size_t hi = prev->files.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(prev->files.v[mid].path, path) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The patched files' new entities (g's, sorted; merged with prev's
 * later), the tests and the file records; the counts of what came and
 * went into *ch, and of the new entities whose key prev had into
 * *n_kept_keys. */
static int patch_records(pt_graph *g, const pt_graph *prev,
                         const pt_graph_file_patch *files, size_t n, path_set *paths,
                         size_t *n_kept_keys, pt_graph_changes *ch)
{
  size_t seen = 0, n_new = 0;
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++) {
    const char *p = pt_graph_intern(g, files[k].path);
    rc = p ? pt_ptrmap_put_new(&paths->map, p, k, &seen)
           : PT_ERR(PT_ENOMEM, "out of memory");
    if (rc == 0 && k < FEW_PATHS)
      paths->few[k] = p;
    n_new += files[k].n_entities;
  }
  paths->n = n;
  /* entities: the files' new ones, sorted (merged with the others, still
   * sorted, by merge_entities) */
  if (rc == 0 && !(g->entities.v = pt_malloc((n_new + 1) * sizeof *g->entities.v)))
    rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  g->entities.cap = rc ? 0 : n_new + 1;
  for (size_t k = 0; k < n && rc == 0; k++)
    for (size_t i = 0; i < files[k].n_entities && rc == 0; i++) {
      /* an entity whose code did not change keeps its text: a patch adds
       * to the shared pool only what is new */
      pt_entity c = files[k].entities[i];
      const char *key = pt_graph_intern(g, c.key);
      size_t j;
      int had_key = key && old_entity(prev, paths, key, &j);
      *n_kept_keys += had_key;
      ch->entities_added += key && !had_key;
      if (had_key &&
          strcmp(prev->entities.v[j].content_hash, c.content_hash) == 0 &&
          pt_entity_same_code(&prev->entities.v[j], &c) &&
          pt_str_same(prev->entities.v[j].signature, c.signature)) {
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
  if (rc == 0 && g->entities.n > 1)
    qsort(g->entities.v, g->entities.n, sizeof *g->entities.v, pt__graph_cmp_entity);
  if (rc == 0)
    rc = patch_tests(g, prev, files, n, paths);
  /* file records in place; a file that left has none, a new one joins:
   * the new ones sorted apart and merged in (a rename's new path is one
   * record among 17,449 on the large tree, which a sort of them all
   * compared path by path) */
  unsigned char *had = rc ? NULL : pt_calloc(n + 1, 1);
  size_t n_joined = 0;
  if (rc == 0 && !had)
    rc = PT_ENOMEM;
  for (size_t i = 0; i < prev->files.n && rc == 0; i++) {
    size_t k;
    if (patched(paths, prev->files.v[i].path, &k))
      had[k] = 1;
  }
  for (size_t k = 0; k < n && rc == 0; k++)
    n_joined += !had[k] && files[k].file;
  pt_file_record *joined = rc ? NULL : pt_malloc((n_joined + 1) * sizeof *joined);
  if (rc == 0 && !joined)
    rc = PT_ENOMEM;
  if (rc == 0 && !(g->files.v = pt_malloc((prev->files.n + n_joined + 1) *
                                          sizeof *g->files.v)))
    rc = PT_ENOMEM;
  g->files.cap = rc ? 0 : prev->files.n + n_joined + 1;
  /* the joining ones' records go in through g first (interned, their
   * reuse records copied), then move to joined, sorted */
  for (size_t k = 0, j = 0; k < n && rc == 0; k++)
    if (!had[k] && files[k].file && (rc = pt_graph_add_file(g, files[k].file)) == 0)
      joined[j++] = g->files.v[--g->files.n];
  if (rc == 0 && n_joined > 1)
    qsort(joined, n_joined, sizeof *joined, cmp_file_path);
  /* each joining record's place by binary search, not a compare with
   * every record before it */
  size_t next = n_joined && rc == 0 ? file_after(prev, 0, joined[0].path) : SIZE_MAX;
  for (size_t i = 0, j = 0; i <= prev->files.n && rc == 0; i++) {
    const char *p = i < prev->files.n ? prev->files.v[i].path : NULL;
    while (j < n_joined && next <= i) {
      g->files.v[g->files.n++] = joined[j++];
      next = j < n_joined ? file_after(prev, next, joined[j].path) : SIZE_MAX;
    }
    size_t k;
    if (!p)
      break;
    if (!patched(paths, p, &k))
      g->files.v[g->files.n++] = prev->files.v[i];
    else if (files[k].file)
      rc = pt_graph_add_file(g, files[k].file);
    else
      ch->files_removed++;
  }
  pt_free(joined);
  pt_free(had);
  return rc == PT_ENOMEM ? PT_ERR(PT_ENOMEM, "out of memory patching a graph") : rc;
}

/* The others' edges (but those at drop[0..n_drop), ascending) stay
 * sorted; the new ones go in where they belong: the part of prev's
 * [lo, last] of the job. */
static void merge_edges(void *payload)
{
  merge_job *mj = payload;
  const pt_edge *fresh = mj->fresh, *old = mj->prev->edges.v;
  pt_edge *dst = mj->dst;
  uint32_t *src = mj->origin;
  size_t n_fresh = mj->n_fresh, n_drop = mj->n_drop;
  const size_t *drop = mj->drop;
  size_t j = mj->j, k, w = mj->w, n = mj->prev->edges.n, d = mj->d, r = 0;
  size_t next = j < n_fresh ? upper_edge(old, n, &fresh[j]) : SIZE_MAX;
  for (size_t i = mj->lo; i <= mj->last; i++) {
    for (; j < n_fresh && next <= i; w++) {
      dst[w] = fresh[j];
      r += fresh[j].resolved != 0;
      src[w] = PT_GRAPH_NEW;
      next = ++j < n_fresh ? upper_edge(old, n, &fresh[j]) : SIZE_MAX;
    }
    while (d < n_drop && drop[d] < i)
      d++;
    if (d < n_drop && drop[d] == i)
      continue;
    if (i < n && !patched(mj->paths, old[i].file_path, &k)) {
      dst[w] = old[i];
      r += old[i].resolved != 0; /* its line is read already */
      src[w++] = (uint32_t)i;
    }
  }
  mj->n = w;
  mj->n_resolved = r;
}

/* Below this many edges their merge stays in one piece. */
#define SPLIT_EDGES 65536

/* What one of prev's entities costs the merge, in edges (samples of a
 * rename on the large tree: merge_entities 101, merge_edges 204, over
 * 317,000 entities and 1.4 million edges). */
#define ENTITY_EDGES 2

/* How many of v[0..n) (ascending) are below x. */
static size_t count_below(const size_t *v, size_t n, size_t x)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The first of the new edges fresh[0..n) (sorted) that goes after prev's
 * edge at i - 1: merge_edges writes the ones before with prev's [0, i). */
static size_t fresh_from(const pt_graph *prev, const pt_edge *fresh, size_t n,
                         size_t i)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (upper_edge(prev->edges.v, prev->edges.n, &fresh[mid]) < i)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The edges' merge *a in two parts: *b prev's [i0, n] and the new ones
 * from there, *a the rest. b's first record goes where a's last ends: i0
 * less the drops and the patched files' edges before it, plus the new
 * ones before it (the patched files' edges as ep lists them: the caller
 * checks a's end against it). 0 when the list cannot be right (more
 * edges gone before i0 than there are). */
static int merge_in_two(const pt_graph *prev, const pt_graph_edge_patch *ep,
                        size_t i0, merge_job *a, merge_job *b)
{
  size_t d = count_below(a->drop, a->n_drop, i0);
  size_t p = count_below(ep->patched, ep->n_patched, i0);
  if (d > i0 || p > i0 - d)
    return 0;
  *b = *a;
  a->last = i0 - 1;
  b->lo = i0;
  b->j = fresh_from(prev, a->fresh, a->n_fresh, i0);
  b->d = d;
  b->w = i0 - d - p + b->j;
  return 1;
}

/* The entities' merge, then (when the edges' merge splits) the edges' second
 * part, on the other thread. */
typedef struct merge_pair {
  merge_job *ents, *edges;
} merge_pair;

static void merge_ents_then_edges(void *payload)
{
  merge_pair *p = payload;
  merge_entities(p->ents);
  if (p->edges)
    merge_edges(p->edges);
}

int pt_graph_patch(const pt_graph *prev, const pt_graph_file_patch *files, size_t n,
                   pt_graph **out)
{
  return pt_graph_patch_edges(prev, files, n, NULL, out);
}

int pt_graph_patch_edges(const pt_graph *prev, const pt_graph_file_patch *files,
                         size_t n, const pt_graph_edge_patch *ep, pt_graph **out)
{
  pt_graph *g = NULL;
  path_set paths = {PT_PTRMAP_INIT, {NULL}, 0};
  pt_graph_changes ch = {0, 0, 0};
  size_t n_kept_keys = 0, ent_cap = 0, ent_src_cap = 0, edge_src_cap = 0;
  pt_edge *fresh = NULL;
  size_t n_fresh = 0;
  pt_entity *ents = NULL;
  uint32_t *ent_src = NULL, *edge_src = NULL;
  int rc = pt_graph_new_sharing(prev, &g);
  if (rc == 0) rc = patch_records(g, prev, files, n, &paths, &n_kept_keys, &ch);
  if (rc == 0) rc = patch_edges(g, files, n, ep, &fresh, &n_fresh);
  if (rc == 0 && (VEC_COPY(g->ignored, prev->ignored) || VEC_COPY(g->meta, prev->meta)))
    rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  /* the merges' arrays, made here: the merges run on two threads */
  size_t n_ent = prev->entities.n + (g ? g->entities.n : 0) + 1;
  size_t n_edge = prev->edges.n + n_fresh + 1;
  if (rc == 0) {
    ents = spare_or_new(g, PT__SPARE_ENTITIES, n_ent, sizeof *ents, &ent_cap);
    ent_src = spare_or_new(g, PT__SPARE_ENTITY_SRC, n_ent, sizeof *ent_src,
                           &ent_src_cap);
    g->edges.v = spare_or_new(g, PT__SPARE_EDGES, n_edge, sizeof *g->edges.v,
                              &g->edges.cap);
    edge_src = spare_or_new(g, PT__SPARE_EDGE_SRC, n_edge, sizeof *edge_src,
                            &edge_src_cap);
    if (!ents || !ent_src || !g->edges.v || !edge_src)
      rc = PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  }
  /* (no g when pt_graph_new_sharing ran out of memory) */
  merge_job me = {prev, &paths, g ? g->entities.v : NULL, g ? g->entities.n : 0,
                  NULL, 0, ents, ent_src, 0, 0, 0, 0, 0, 0, 0, 0};
  merge_job md = {prev, &paths, fresh, n_fresh, ep ? ep->drop : NULL,
                  ep ? ep->n_drop : 0, g ? g->edges.v : NULL, edge_src,
                  0, prev->edges.n, 0, 0, 0, 0, 0, 0};
  /* the edges are about twice the entities' work: with prev's edges of
   * the patched files known, this thread merges the edges' first part
   * while the other merges the entities and then the second part */
  merge_job md2 = md;
  size_t i0 = (ENTITY_EDGES * prev->entities.n + prev->edges.n) / 2;
  int split = rc == 0 && ep && ep->patched && prev->edges.n >= SPLIT_EDGES &&
              i0 > 0 && i0 < prev->edges.n;
  if (split)
    split = merge_in_two(prev, ep, i0, &md, &md2);
  merge_pair pair = {&me, split ? &md2 : NULL};
  if (rc == 0)
    pt_both(merge_ents_then_edges, &pair, merge_edges, &md);
  if (split && md.n != md2.w) { /* the list was wrong: in one piece */
    md.last = prev->edges.n;
    split = 0;
    merge_edges(&md);
  }
  if (split) {
    md.n = md2.n;
    md.n_resolved += md2.n_resolved;
  }
  pt_free(fresh);
  pt_ptrmap_fini(&paths.map);
  if (rc) {
    pt_free(ents);
    pt_free(ent_src);
    pt_free(edge_src);
    pt_graph_free(g);
    return rc;
  }
  pt_free(g->entities.v);
  g->entities.v = ents;
  g->entities.n = me.n;
  g->entities.cap = ent_cap;
  g->edges.n = md.n;
  /* keys are unique in a graph: the old keys no new entity took went */
  ch.entities_removed = me.n_gone - n_kept_keys;
  /* last: adding records to g dropped any lineage before */
  g->base = prev;
  g->entity_src = ent_src;
  g->edge_src = edge_src;
  g->entity_src_size = ent_src_cap * sizeof *ent_src;
  g->edge_src_size = edge_src_cap * sizeof *edge_src;
  g->changes = ch;
  g->n_resolved = md.n_resolved;
  g->has_n_resolved = 1;
  g->edge_parts = split ? 2 : 1;
  *out = g;
  return 0;
}

int pt_graph_patch_ignored(pt_graph *g, const pt_ignored_file *v, size_t n)
{
  pt_ignored_file *to = pt_malloc((n + 1) * sizeof *to);
  int rc = to ? 0 : PT_ERR(PT_ENOMEM, "out of memory patching a graph");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    to[i] = v[i];
    rc = pt__graph_intern_in_place(g, &to[i].path);
    if (rc == 0)
      rc = pt__graph_intern_in_place(g, &to[i].reason);
    if (rc == 0 && i > 0 && strcmp(to[i - 1].path, to[i].path) >= 0)
      rc = PT_ERR(PT_EINVAL, "ignored entries out of order: %s, %s",
                  to[i - 1].path, to[i].path);
  }
  if (rc) {
    pt_free(to);
    return rc;
  }
  pt_free(g->ignored.v);
  g->ignored.v = to;
  g->ignored.n = n;
  g->ignored.cap = n + 1;
  return 0;
}
