/* The in-memory graph of pt/graph.h: growable record arrays whose strings
 * are interned in one arena-backed pool, and canonical ordering; patching
 * is in graph_patch.c, the dump in graph_dump.c. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/both.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "graph_int.h"
#include "pt/ptrmap.h"
#include "pt/strmap.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

static void pool_release(pt_graph_pool *p)
{
  if (!p)
    return;
  pt_mutex_lock(p->mu);
  unsigned left = --p->refs;
  pt_mutex_unlock(p->mu);
  if (left)
    return;
  pt_strmap_fini(&p->interned);
  pt_strmap_fini(&p->cand_sets);
  pt__graph_spares_free(p);
  pt_arena_fini(&p->arena);
  pt_mutex_free(p->mu);
  pt_free(p);
}

pt_graph_pool *pt_graph_pool_retain(const pt_graph *g)
{
  pt_mutex_lock(g->pool->mu);
  g->pool->refs++;
  pt_mutex_unlock(g->pool->mu);
  return g->pool;
}

void pt_graph_pool_release(pt_graph_pool *p)
{
  pool_release(p);
}

const pt_graph_pool *pt_graph_pool_of(const pt_graph *g)
{
  return g->pool;
}

size_t pt_graph_pool_bytes(const pt_graph *g)
{
  return g->pool->arena.used_total;
}

int pt_graph_new(pt_graph **out)
{
  pt_graph *g = pt_calloc(1, sizeof *g);
  pt_graph_pool *p = pt_calloc(1, sizeof *p);
  int rc = g && p ? pt_mutex_new(&p->mu) : PT_ERR(PT_ENOMEM, "out of memory creating a graph");
  if (rc) {
    pt_free(p);
    pt_free(g);
    return rc;
  }
  pt_arena_init(&p->arena);
  p->refs = 1;
  g->pool = p;
  *out = g;
  return 0;
}

int pt_graph_new_sharing(const pt_graph *src, pt_graph **out)
{
  pt_graph *g = pt_calloc(1, sizeof *g);
  if (!g)
    return PT_ERR(PT_ENOMEM, "out of memory creating a graph");
  g->pool = pt_graph_pool_retain(src);
  *out = g;
  return 0;
}

void pt_graph_free(pt_graph *g)
{
  if (!g)
    return;
  pt__graph_spare_put(g, PT__SPARE_ENTITIES, g->entities.v,
                      g->entities.cap * sizeof *g->entities.v);
  pt__graph_spare_put(g, PT__SPARE_EDGES, g->edges.v,
                      g->edges.cap * sizeof *g->edges.v);
  pt_free(g->files.v);
  pt_free(g->tests.v);
  pt_free(g->ignored.v);
  pt_free(g->meta.v);
  pt__graph_load_code_free(g->load_code);
  pt_graph_drop_lineage(g);
  pool_release(g->pool);
  pt_free(g);
}

const char *pt_graph_intern(pt_graph *g, const char *s)
{
  if (!s)
    return NULL;
  size_t len = strlen(s), idx;
  uint64_t h = pt_strmap_hash(s, len);
  if (pt_strmap_get_hashed(&g->pool->interned, s, len, h, &idx))
    return (const char *)idx;
  char *copy = pt_arena_strndup(&g->pool->arena, s, len);
  if (!copy || pt_strmap_put_new_hashed(&g->pool->interned, copy, len, h,
                                        (size_t)copy, NULL) != 0)
    return NULL;
  return copy;
}

const char *pt_graph_interned(const pt_graph *g, const char *s)
{
  size_t len = s ? strlen(s) : 0, idx;
  if (!s || !pt_strmap_get_hashed(&g->pool->interned, s, len,
                                  pt_strmap_hash(s, len), &idx))
    return NULL;
  return (const char *)idx;
}

/* The order in which to add hashes h[0..n) to m: by their home slots, so
 * the slots are visited front to back instead of at random (a map of a
 * load's strings is tens of MB: a random slot misses the cache and the
 * TLB). A counting sort on the slot's top 16 bits. */
static int slot_order(const pt_strmap *m, const uint64_t *h, size_t n,
                      uint32_t *order)
{
  unsigned shift = 0;
  while ((m->cap >> shift) > 65536)
    shift++;
  size_t n_buckets = m->cap >> shift;
  size_t *at = pt_calloc(n_buckets + 1, sizeof *at);
  if (!at)
    return PT_ERR(PT_ENOMEM, "out of memory ordering %zu strings", n);
  for (size_t i = 0; i < n; i++)
    at[((h[i] & (m->cap - 1)) >> shift) + 1]++;
  for (size_t b = 1; b <= n_buckets; b++)
    at[b] += at[b - 1];
  for (size_t i = 0; i < n; i++)
    order[at[(h[i] & (m->cap - 1)) >> shift]++] = (uint32_t)i;
  pt_free(at);
  return 0;
}

int pt_graph_intern_copies(pt_graph *g, const char **s, const size_t *len,
                           size_t n)
{
  pt_strmap *m = &g->pool->interned;
  uint64_t *h = n < UINT32_MAX ? pt_malloc((n + 1) * sizeof *h) : NULL;
  uint32_t *order = h ? pt_malloc((n + 1) * sizeof *order) : NULL;
  int rc = order ? pt_strmap_reserve(m, m->n + n)
                 : PT_ERR(PT_ENOMEM, "out of memory interning %zu strings", n);
  for (size_t i = 0; rc == 0 && i < n; i++)
    h[i] = pt_strmap_hash(s[i], len[i]);
  if (rc == 0) /* reserved: the map does not grow, its slots stay put */
    rc = slot_order(m, h, n, order);
  for (size_t k = 0; rc == 0 && k < n; k++) {
    size_t i = order[k], v;
    /* one probe: the string already there, or this copy added */
    rc = pt_strmap_put_new_hashed(m, s[i], len[i], h[i], (size_t)s[i], &v);
    if (rc == 0)
      s[i] = (const char *)v;
  }
  pt_free(order);
  pt_free(h);
  return rc;
}

int pt_graph_intern_after(pt_graph *g, const char **last, const char **s)
{
  if (*s && *last && strcmp(*s, *last) == 0) {
    *s = *last;
    return 0;
  }
  if (*s && !(*s = pt_graph_intern(g, *s)))
    return PT_ERR(PT_ENOMEM, "out of memory interning a string");
  *last = *s;
  return 0;
}

int pt_graph_reserve_strings(pt_graph *g, size_t n)
{
  return pt_strmap_reserve(&g->pool->interned, g->pool->interned.n + n);
}

int pt__graph_intern_in_place(pt_graph *g, const char **s)
{
  if (!*s)
    return 0;
  *s = pt_graph_intern(g, *s);
  return *s ? 0 : PT_ERR(PT_ENOMEM, "out of memory interning a string");
}

/* keys_interned: the keys came from pt_graph_intern(g, ...) */
static int intern_candidates(pt_graph *g, uint32_t n, const char *const *keys,
                             uint32_t n_keys, int keys_interned,
                             const pt_candidates **out)
{
  _Alignas(pt_candidates) unsigned char raw[sizeof(pt_candidates) +
                                            PT_CANDIDATES_MAX * sizeof(char *)];
  pt_candidates *tc = (pt_candidates *)raw;
  if (n_keys < 1 || n_keys > PT_CANDIDATES_MAX || n < n_keys)
    return PT_ERR(PT_EINVAL, "a candidate list of %u keys of %u candidates",
                  n_keys, n);
  tc->n = n;
  tc->n_keys = n_keys;
  for (uint32_t i = 0; i < n_keys; i++) {
    const char *k = keys[i] && !keys_interned ? pt_graph_intern(g, keys[i])
                                              : keys[i];
    if (!keys[i])
      return PT_ERR(PT_EINVAL, "a candidate list with a NULL key");
    if (!k)
      return PT_ERR(PT_ENOMEM, "out of memory interning a candidate key");
    uint32_t j = i;
    for (; j > 0 && strcmp(tc->keys[j - 1], k) > 0; j--)
      tc->keys[j] = tc->keys[j - 1];
    tc->keys[j] = k;
  }
  /* the interned keys are their texts: the list's bytes name it */
  size_t size = offsetof(pt_candidates, keys) + n_keys * sizeof(char *), v;
  pt_strmap *m = &g->pool->cand_sets;
  uint64_t h = pt_strmap_hash((const char *)tc, size);
  if (pt_strmap_get_hashed(m, (const char *)tc, size, h, &v)) {
    *out = (const pt_candidates *)v;
    return 0;
  }
  pt_candidates *c = pt_arena_alloc(&g->pool->arena, size);
  if (!c)
    return PT_ERR(PT_ENOMEM, "out of memory copying a candidate list");
  memcpy(c, tc, size);
  if (pt_strmap_put_new_hashed(m, (const char *)c, size, h, (size_t)c, NULL))
    return PT_ERR(PT_ENOMEM, "out of memory interning a candidate list");
  *out = c;
  return 0;
}

int pt_graph_intern_candidates(pt_graph *g, uint32_t n,
                               const char *const *keys, uint32_t n_keys,
                               const pt_candidates **out)
{
  return intern_candidates(g, n, keys, n_keys, 0, out);
}

int pt_graph_intern_candidates_interned(pt_graph *g, uint32_t n,
                                        const char *const *keys,
                                        uint32_t n_keys,
                                        const pt_candidates **out)
{
  return intern_candidates(g, n, keys, n_keys, 1, out);
}

int pt__graph_intern_candidates_in_place(pt_graph *g,
                                         const pt_candidates **c)
{
  return *c ? pt_graph_intern_candidates(g, (*c)->n, (*c)->keys,
                                         (*c)->n_keys, c)
            : 0;
}

/* Large texts (entity code) are copied without interning: they rarely
 * repeat and would bloat the map. */
static int copy_text(pt_graph *g, const char **s)
{
  if (!*s)
    return 0;
  *s = pt_arena_strdup(&g->pool->arena, *s);
  return *s ? 0 : PT_ERR(PT_ENOMEM, "out of memory copying entity text");
}

int pt_graph_add_entity(pt_graph *g, const pt_entity *e)
{
  pt__graph_touch(g);
  pt_entity c = *e;
  int rc = pt__graph_intern_in_place(g, &c.key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.name);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.qualname);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.file_path);
  if (!rc) rc = copy_text(g, &c.signature);
  if (!rc) rc = pt_entity_share_code(&g->code_share, &g->pool->arena, &c, 1);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.parent_key);
  if (!rc) rc = VEC_PUSH(g->entities, c);
  return rc;
}

const char *pt_graph_copy_text(pt_graph *g, const char *s, size_t len)
{
  return pt_arena_strndup(&g->pool->arena, s, len);
}

int pt_graph_add_entity_interned(pt_graph *g, const pt_entity *e)
{
  pt__graph_touch(g);
  return VEC_PUSH(g->entities, *e);
}

int pt_graph_reserve_edges(pt_graph *g, size_t n)
{
  pt__graph_touch(g);
  size_t need = g->edges.n + n;
  if (need <= g->edges.cap)
    return 0;
  pt_edge *p = pt_realloc(g->edges.v, need * sizeof *p);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory reserving %zu edges", need);
  g->edges.v = p;
  g->edges.cap = need;
  return 0;
}

static uint64_t edge_hash(const pt_edge *e)
{
  uint64_t h = (uint64_t)(uintptr_t)e->from_key * 0x9e3779b97f4a7c15u;
  h ^= (uint64_t)(uintptr_t)e->to_key * 0xc2b2ae3d27d4eb4fu;
  h ^= (uint64_t)e->type * 0x165667b19e3779f9u;
  return h ^ (h >> 29);
}

int pt_graph_drop_repeated_edges(pt_graph *g, size_t from)
{
  pt__graph_touch(g);
  size_t n = g->edges.n > from ? g->edges.n - from : 0, cap = 16;
  if (n < 2 || n >= UINT32_MAX / 2)
    return 0; /* nothing to drop, or left to the finish */
  while (cap < 2 * n)
    cap *= 2;
  /* by slot: the kept edge's place among the first w + 1, 0 when empty */
  uint32_t *slot = pt_calloc_written(cap, sizeof *slot); /* probed first */
  if (!slot)
    return PT_ERR(PT_ENOMEM, "out of memory dropping repeated edges");
  pt_edge *v = g->edges.v + from;
  size_t w = 0;
  for (size_t r = 0; r < n; r++) {
    size_t at = (size_t)edge_hash(&v[r]) & (cap - 1);
    for (; slot[at]; at = (at + 1) & (cap - 1)) {
      pt_edge *k = &v[slot[at] - 1];
      if (k->from_key == v[r].from_key && k->to_key == v[r].to_key &&
          k->type == v[r].type)
        break;
    }
    if (!slot[at]) {
      v[w] = v[r];
      slot[at] = (uint32_t)++w;
    } else if (pt__graph_cmp_edge(&v[r], &v[slot[at] - 1]) < 0) {
      v[slot[at] - 1] = v[r]; /* the earlier of two equal ones stays */
    }
  }
  pt_free(slot);
  g->edges.n = from + w;
  return 0;
}

int pt_graph_take_edges(pt_graph *g, pt_edge *v, size_t n, size_t cap)
{
  pt__graph_touch(g);
  if (g->edges.n == 0 && v) {
    pt_free(g->edges.v); /* at most a reservation */
    g->edges.v = v;
    g->edges.n = n;
    g->edges.cap = cap;
    return 0;
  }
  int rc = n ? pt_graph_reserve_edges(g, n) : 0;
  if (rc == 0 && n) {
    memcpy(g->edges.v + g->edges.n, v, n * sizeof *v);
    g->edges.n += n;
  }
  pt_free(v);
  return rc;
}

int pt_graph_add_edge(pt_graph *g, const pt_edge *e)
{
  pt__graph_touch(g);
  pt_edge c = *e;
  int rc = pt__graph_intern_in_place(g, &c.from_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.to_key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.file_path);
  if (!rc) rc = pt__graph_intern_candidates_in_place(g, &c.candidates);
  if (!rc) rc = VEC_PUSH(g->edges, c);
  return rc;
}

int pt_graph_add_edge_interned(pt_graph *g, const pt_edge *e, int to_interned)
{
  pt__graph_touch(g);
  pt_edge c = *e;
  int rc = to_interned ? 0 : pt__graph_intern_in_place(g, &c.to_key);
  if (!rc) rc = pt__graph_intern_candidates_in_place(g, &c.candidates);
  if (!rc) rc = VEC_PUSH(g->edges, c);
  return rc;
}

int pt_graph_add_file(pt_graph *g, const pt_file_record *f)
{
  pt__graph_touch(g);
  pt_file_record c = *f;
  int rc = pt__graph_intern_in_place(g, &c.path);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.content_hash);
  if (!rc && c.reuse) {
    void *copy = pt_arena_alloc(&g->pool->arena, c.reuse_size ? c.reuse_size : 1);
    if (!copy)
      rc = PT_ERR(PT_ENOMEM, "out of memory copying a file's reuse record");
    else
      c.reuse = memcpy(copy, c.reuse, c.reuse_size);
  }
  if (!rc) rc = VEC_PUSH(g->files, c);
  return rc;
}

int pt_graph_add_test(pt_graph *g, const pt_test_entity *t)
{
  pt__graph_touch(g);
  pt_test_entity c = *t;
  int rc = pt__graph_intern_in_place(g, &c.key);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.name);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.file_path);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.reason);
  if (!rc) rc = VEC_PUSH(g->tests, c);
  return rc;
}

int pt_graph_add_test_interned(pt_graph *g, const pt_test_entity *t)
{
  pt__graph_touch(g);
  return VEC_PUSH(g->tests, *t);
}

int pt_graph_add_ignored(pt_graph *g, const pt_ignored_file *f)
{
  pt__graph_touch(g);
  pt_ignored_file c = *f;
  int rc = pt__graph_intern_in_place(g, &c.path);
  if (!rc) rc = pt__graph_intern_in_place(g, &c.reason);
  if (!rc) rc = VEC_PUSH(g->ignored, c);
  return rc;
}

int pt_graph_set_meta(pt_graph *g, const char *name, const char *value)
{
  pt__graph_touch(g);
  meta_pair m = {name, value};
  int rc = pt__graph_intern_in_place(g, &m.name);
  if (!rc) rc = pt__graph_intern_in_place(g, &m.value);
  if (rc)
    return rc;
  for (size_t i = 0; i < g->meta.n; i++)
    if (g->meta.v[i].name == m.name) {
      g->meta.v[i].value = m.value;
      return 0;
    }
  return VEC_PUSH(g->meta, m);
}

static int cmp_str(const char *a, const char *b)
{
  if (a == b)
    return 0;
  if (!a)
    return -1;
  if (!b)
    return 1;
  return strcmp(a, b);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
  return (a > b) - (a < b);
}

int pt__graph_cmp_entity(const void *pa, const void *pb)
{
  const pt_entity *a = pa, *b = pb;
  int c = cmp_str(a->key, b->key);
  if (!c) c = cmp_str(a->file_path, b->file_path);
  if (!c) c = cmp_u32(a->line_start, b->line_start);
  return c;
}

int pt__graph_cmp_edge(const void *pa, const void *pb)
{
  const pt_edge *a = pa, *b = pb;
  int c = cmp_str(a->from_key, b->from_key);
  if (!c) c = cmp_str(a->to_key, b->to_key);
  if (!c) c = (a->type > b->type) - (a->type < b->type);
  if (!c) c = cmp_str(a->file_path, b->file_path);
  if (!c) c = cmp_u32(a->line, b->line);
  return c;
}

/* ... of records by their addresses (pt_graph_sort_*_refs) */
static int cmp_entity_ref(const void *a, const void *b)
{
  return pt__graph_cmp_entity(*(const pt_entity *const *)a,
                              *(const pt_entity *const *)b);
}

static int cmp_test_ref(const void *a, const void *b)
{
  return pt__graph_cmp_test(*(const pt_test_entity *const *)a,
                            *(const pt_test_entity *const *)b);
}

static int cmp_file_ref(const void *a, const void *b)
{
  return cmp_str((*(const pt_file_record *const *)a)->path,
                 (*(const pt_file_record *const *)b)->path);
}

static int cmp_ignored_ref(const void *a, const void *b)
{
  return cmp_str((*(const pt_ignored_file *const *)a)->path,
                 (*(const pt_ignored_file *const *)b)->path);
}

/* qsort, which must not be given a NULL array even for no items (C11
 * 7.22.5: an address array of no records is NULL). */
static void sort_refs(void *v, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
  if (n > 1)
    qsort(v, n, size, cmp);
}

void pt_graph_sort_entity_refs(const pt_entity **v, size_t n)
{
  sort_refs(v, n, sizeof *v, cmp_entity_ref);
}

void pt_graph_sort_test_refs(const pt_test_entity **v, size_t n)
{
  sort_refs(v, n, sizeof *v, cmp_test_ref);
}

void pt_graph_sort_file_refs(const pt_file_record **v, size_t n)
{
  sort_refs(v, n, sizeof *v, cmp_file_ref);
}

void pt_graph_sort_ignored_refs(const pt_ignored_file **v, size_t n)
{
  sort_refs(v, n, sizeof *v, cmp_ignored_ref);
}

static int cmp_file(const void *pa, const void *pb)
{
  return cmp_str(((const pt_file_record *)pa)->path,
                 ((const pt_file_record *)pb)->path);
}

int pt__graph_cmp_test(const void *pa, const void *pb)
{
  const pt_test_entity *a = pa, *b = pb;
  int c = cmp_str(a->file_path, b->file_path);
  if (!c) c = cmp_u32(a->line_start, b->line_start);
  if (!c) c = cmp_str(a->key, b->key);
  return c;
}

static int cmp_ignored(const void *pa, const void *pb)
{
  return cmp_str(((const pt_ignored_file *)pa)->path,
                 ((const pt_ignored_file *)pb)->path);
}

static int cmp_meta(const void *pa, const void *pb)
{
  return cmp_str(((const meta_pair *)pa)->name, ((const meta_pair *)pb)->name);
}

/* ---- the canonical order ---------------------------------------------------
 * Sorting a million records by comparing their key strings is the slowest
 * part of finishing a graph. Every string is interned, so the distinct ones
 * are found by pointer, sorted once by text, and the entities and edges are
 * then sorted by those ranks: the same order, with integer compares. A
 * record's place breaks ties, which is the order glibc's (stable) qsort
 * left equal records in; with it every rank is distinct, so any sort gives
 * the one order and the work splits over threads: each map of strings, each
 * piece of a sort and each array's permutation runs where a thread is free,
 * and the result is the same for any number of threads. */

typedef struct edge_rank {
  uint32_t from, to, type, path, line, idx;
} edge_rank; /* an entity's: from its key, to its path, type its line */

static int cmp_edge_rank(const void *pa, const void *pb)
{
  const edge_rank *a = pa, *b = pb;
  if (a->from != b->from) return a->from < b->from ? -1 : 1;
  if (a->to != b->to) return a->to < b->to ? -1 : 1;
  if (a->type != b->type) return a->type < b->type ? -1 : 1;
  if (a->path != b->path) return a->path < b->path ? -1 : 1;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Runs a(pa) and b(pb) on two threads when threads > 1 (pt_both), else
 * one after the other. */
static void both(pt_both_fn a, void *pa, pt_both_fn b, void *pb,
                 unsigned threads)
{
  if (threads > 1) {
    pt_both(a, pa, b, pb);
    return;
  }
  a(pa);
  b(pb);
}

/* A distinct string and the id its map gave it. */
typedef struct str_at {
  const char *s;
  uint32_t id;
} str_at;

static int cmp_str_at(const void *a, const void *b)
{
  return strcmp(((const str_at *)a)->s, ((const str_at *)b)->s);
}

/* The strings of the records, in two maps by a bit of the pointer's hash,
 * one per thread: each map's ids count from 1 in first sight. */
typedef struct str_map {
  const pt_graph *g;
  edge_rank *er, *nr;        /* by edge, by entity (NULL: none) */
  pt_ptrmap m;
  const char **strs;         /* owned: by id - 1 */
  size_t n_strs, cap_strs;
  uint32_t half;             /* its strings: ptr_half(s) == half */
  int rc;
} str_map;

static uint32_t ptr_half(const char *s)
{
  return (uint32_t)(((uint64_t)(uintptr_t)s * 0x9e3779b97f4a7c15u) >> 63);
}

/* The id of s in m (NULL: 0) when s is m's half, recorded on first sight;
 * else *out is left to the other map. */
static void str_id(str_map *m, const char *s, uint32_t *out)
{
  size_t id = 0;
  if (!s) {
    *out = 0;
    return;
  }
  if (m->rc || ptr_half(s) != m->half)
    return;
  m->rc = pt_ptrmap_put_new(&m->m, s, m->m.n + 1, &id);
  if (m->rc == 0 && id > m->n_strs) {
    if (m->n_strs == m->cap_strs &&
        pt_array_grow((void **)&m->strs, &m->cap_strs, m->n_strs + 1,
                      sizeof *m->strs) != 0) {
      m->rc = PT_ENOMEM;
      return;
    }
    m->strs[m->n_strs++] = s;
  }
  *out = (uint32_t)id;
}

static void map_strings(void *payload)
{
  str_map *m = payload;
  const pt_graph *g = m->g;
  for (size_t i = 0; m->er && i < g->edges.n; i++) {
    const pt_edge *e = &g->edges.v[i];
    str_id(m, e->from_key, &m->er[i].from);
    str_id(m, e->to_key, &m->er[i].to);
    str_id(m, e->file_path, &m->er[i].path);
  }
  for (size_t i = 0; m->nr && i < g->entities.n; i++) {
    const pt_entity *e = &g->entities.v[i];
    str_id(m, e->key, &m->nr[i].from);
    str_id(m, e->file_path, &m->nr[i].to);
  }
}

static void swap_str_at(str_at *a, str_at *b)
{
  str_at t = *a;
  *a = *b;
  *b = t;
}

/* The distinct strings sorted by text, a part per thread: split around
 * the median of a sample (Hoare's partition: [0, j] then [j + 1, n)),
 * each side sorted apart. Equal texts stay together, in any order. */
typedef struct str_sort {
  str_at *v;
  size_t n;
  unsigned threads;
} str_sort;

static void sort_strs(void *payload)
{
  str_sort *s = payload;
  size_t n = s->n;
  if (s->threads < 2 || n < 4096) {
    if (n > 1)
      qsort(s->v, n, sizeof *s->v, cmp_str_at);
    return;
  }
  str_at sample[31], *v = s->v;
  for (size_t k = 0; k < 31; k++)
    sample[k] = v[k * (n / 31)];
  qsort(sample, 31, sizeof *sample, cmp_str_at);
  const char *p = sample[15].s;
  size_t i = 0, j = n - 1;
  for (;;) {
    while (strcmp(v[i].s, p) < 0) i++;
    while (strcmp(p, v[j].s) < 0) j--;
    if (i >= j)
      break;
    swap_str_at(&v[i++], &v[j--]);
  }
  str_sort a = {v, j + 1, s->threads / 2};
  str_sort b = {v + j + 1, n - j - 1, s->threads - s->threads / 2};
  both(sort_strs, &a, sort_strs, &b, s->threads);
}

/* Each map's id of a string, as its place in text order (equal texts one
 * rank, so ranks compare as cmp_str does); 0 stays NULL's. */
static void to_ranks(edge_rank *v, size_t n, int entity,
                     const uint32_t *rank0, const uint32_t *rank1,
                     const pt_graph *g)
{
#define RANK(s, x) ((x) = !(s) ? 0 : ptr_half(s) ? rank1[(x)] : rank0[(x)])
  for (size_t i = 0; i < n; i++) {
    if (entity) {
      const pt_entity *e = &g->entities.v[i];
      RANK(e->key, v[i].from);
      RANK(e->file_path, v[i].to);
    } else {
      const pt_edge *e = &g->edges.v[i];
      RANK(e->from_key, v[i].from);
      RANK(e->to_key, v[i].to);
      RANK(e->file_path, v[i].path);
    }
  }
#undef RANK
}

/* r[i] for each edge i (r NULL: none), q[i] for each entity (q NULL:
 * none): their strings' ranks in text order, type, line and place. The
 * maps are freed before the sorts, which then need only r and q. */
static int rank_records(const pt_graph *g, edge_rank *r, edge_rank *q,
                        unsigned threads)
{
  size_t n = r ? g->edges.n : 0, n_ent = q ? g->entities.n : 0;
  str_map m[2];
  memset(m, 0, sizeof m);
  for (size_t i = 0; i < n; i++) {
    r[i].type = (uint32_t)g->edges.v[i].type;
    r[i].line = g->edges.v[i].line;
    r[i].idx = (uint32_t)i;
  }
  for (size_t i = 0; i < n_ent; i++) {
    q[i].type = g->entities.v[i].line_start;
    q[i].path = q[i].line = 0;
    q[i].idx = (uint32_t)i;
  }
  int rc = 0;
  for (uint32_t h = 0; h < 2; h++) {
    m[h].g = g;
    m[h].er = r;
    m[h].nr = q;
    m[h].half = h;
    if (rc == 0)
      rc = pt_ptrmap_reserve(&m[h].m, (n + n_ent) / 4 + 16);
  }
  if (rc == 0) {
    both(map_strings, &m[0], map_strings, &m[1], threads);
    rc = m[0].rc ? m[0].rc : m[1].rc;
    if (rc)
      rc = PT_ERR(PT_ENOMEM, "out of memory ranking strings");
  }
  for (int h = 0; h < 2; h++)
    pt_ptrmap_fini(&m[h].m);
  size_t n0 = m[0].n_strs, n_str = n0 + m[1].n_strs;
  str_at *all = NULL;
  uint32_t *rank = NULL;
  if (rc == 0 && n_str >= UINT32_MAX - 2)
    rc = PT_ERR(PT_ENOMEM, "too many strings to sort: %zu", n_str);
  if (rc == 0) {
    all = pt_malloc((n_str + 1) * sizeof *all);
    rank = pt_malloc((n_str + 2) * sizeof *rank);
    if (!all || !rank)
      rc = PT_ERR(PT_ENOMEM, "out of memory ranking %zu strings", n_str);
  }
  if (rc == 0) {
    /* m[0]'s id k at rank[k], m[1]'s at rank[n0 + k] */
    for (size_t k = 0; k < n0; k++)
      all[k] = (str_at){m[0].strs[k], (uint32_t)k + 1};
    for (size_t k = n0; k < n_str; k++)
      all[k] = (str_at){m[1].strs[k - n0], (uint32_t)k + 1};
    str_sort s = {all, n_str, threads};
    sort_strs(&s);
    rank[0] = 0;
    uint32_t at = 0;
    for (size_t k = 0; k < n_str; k++) {
      if (k == 0 || strcmp(all[k - 1].s, all[k].s) != 0)
        at++;
      rank[all[k].id] = at;
    }
    to_ranks(r, n, 0, rank, rank + n0, g);
    to_ranks(q, n_ent, 1, rank, rank + n0, g);
  }
  for (int h = 0; h < 2; h++)
    pt_free(m[h].strs);
  pt_free(all);
  pt_free(rank);
  return rc;
}

static void swap_rank(edge_rank *a, edge_rank *b)
{
  edge_rank t = *a;
  *a = *b;
  *b = t;
}

static void sift_down(edge_rank *r, size_t i, size_t n)
{
  for (size_t c = 2 * i + 1; c < n; i = c, c = 2 * i + 1) {
    if (c + 1 < n && cmp_edge_rank(&r[c], &r[c + 1]) < 0)
      c++;
    if (cmp_edge_rank(&r[i], &r[c]) >= 0)
      return;
    swap_rank(&r[i], &r[c]);
  }
}

static void heap_sort_ranks(edge_rank *r, size_t n)
{
  for (size_t i = n / 2; i-- > 0;)
    sift_down(r, i, n);
  for (size_t end = n; end-- > 1;) {
    swap_rank(&r[0], &r[end]);
    sift_down(r, 0, end);
  }
}

/* glibc's qsort merges through a copy of the whole array, as large as r
 * (24 bytes an edge) at the finish's peak; this sorts in place: quicksort
 * (median of three, Hoare's partition), heapsort past depth, insertion
 * below 16. Ranks are distinct (idx), so every sort gives one order. */
static void sort_ranks(edge_rank *r, size_t n, unsigned depth)
{
  while (n > 16) {
    if (depth-- == 0) {
      heap_sort_ranks(r, n);
      return;
    }
    size_t m = (n - 1) / 2, i = 0, j = n - 1;
    if (cmp_edge_rank(&r[m], &r[0]) < 0) swap_rank(&r[m], &r[0]);
    if (cmp_edge_rank(&r[j], &r[m]) < 0) swap_rank(&r[j], &r[m]);
    if (cmp_edge_rank(&r[m], &r[0]) < 0) swap_rank(&r[m], &r[0]);
    edge_rank p = r[m];
    for (;;) {
      while (cmp_edge_rank(&r[i], &p) < 0) i++;
      while (cmp_edge_rank(&p, &r[j]) < 0) j--;
      if (i >= j)
        break;
      swap_rank(&r[i++], &r[j--]);
    }
    /* [0, j] and [j + 1, n): the smaller by recursion, the larger here */
    if (j + 1 < n - j - 1) {
      sort_ranks(r, j + 1, depth);
      r += j + 1;
      n -= j + 1;
    } else {
      sort_ranks(r + j + 1, n - j - 1, depth);
      n = j + 1;
    }
  }
  for (size_t i = 1; i < n; i++) {
    edge_rank x = r[i];
    size_t k = i;
    for (; k > 0 && cmp_edge_rank(&r[k - 1], &x) > 0; k--)
      r[k] = r[k - 1];
    r[k] = x;
  }
}

/* One array's ranks sorted, a part per thread: split around the median of
 * a sample (Hoare's partition: [0, j] then [j + 1, n)), each side apart. */
typedef struct rank_sort {
  edge_rank *r;
  size_t n;
  unsigned threads;
} rank_sort;

static void sort_ranks_on(void *payload)
{
  rank_sort *s = payload;
  size_t n = s->n;
  if (s->threads < 2 || n < 65536) {
    unsigned depth = 0;
    for (size_t k = n; k; k >>= 1)
      depth += 2;
    sort_ranks(s->r, n, depth);
    return;
  }
  edge_rank sample[63], *r = s->r;
  for (size_t k = 0; k < 63; k++)
    sample[k] = r[k * (n / 63)];
  sort_ranks(sample, 63, 64);
  edge_rank p = sample[31];
  size_t i = 0, j = n - 1;
  for (;;) {
    while (cmp_edge_rank(&r[i], &p) < 0) i++;
    while (cmp_edge_rank(&p, &r[j]) < 0) j--;
    if (i >= j)
      break;
    swap_rank(&r[i++], &r[j--]);
  }
  rank_sort a = {r, j + 1, s->threads / 2};
  rank_sort b = {r + j + 1, n - j - 1, s->threads - s->threads / 2};
  both(sort_ranks_on, &a, sort_ranks_on, &b, s->threads);
}

/* permute_NAME(v, r, n) puts record r[i].idx of v at i for every i,
 * following the permutation's cycles in place (a sorted copy would be
 * another record's bytes per record): one function per record type, so
 * each moves its records by assignment. */
#define DEFINE_PERMUTE(name, type)                                         \
  static void permute_##name(type *v, edge_rank *r, size_t n)              \
  {                                                                        \
    for (size_t i = 0; i < n; i++) {                                       \
      if (r[i].idx == i)                                                   \
        continue;                                                          \
      type first = v[i];                                                   \
      size_t k = i;                                                        \
      for (;;) {                                                           \
        size_t from = r[k].idx;                                            \
        r[k].idx = (uint32_t)k;                                            \
        if (from == i) {                                                   \
          v[k] = first;                                                    \
          break;                                                           \
        }                                                                  \
        v[k] = v[from];                                                    \
        k = from;                                                          \
      }                                                                    \
    }                                                                      \
  }

DEFINE_PERMUTE(edges, pt_edge)
DEFINE_PERMUTE(entities, pt_entity)

/* One array put in the order of its sorted ranks. */
typedef struct permute {
  pt_graph *g;
  edge_rank *r;              /* NULL: this array keeps its order */
  int entities;              /* the entities, else the edges */
} permute;

static void permute_on(void *payload)
{
  permute *p = payload;
  if (p->r && p->entities)
    permute_entities(p->g->entities.v, p->r, p->g->entities.n);
  else if (p->r)
    permute_edges(p->g->edges.v, p->r, p->g->edges.n);
}

/* Is v[0..n) in cmp's order already? A store's load reads records in the
 * order its save wrote them, the canonical one: one pass instead of a
 * sort. Records that compare equal keep their order, as a stable sort
 * leaves them. */
static int is_sorted(const void *v, size_t n, size_t size,
                     int (*cmp)(const void *, const void *))
{
  const char *p = v;
  for (size_t i = 1; i < n; i++)
    if (cmp(p + (i - 1) * size, p + i * size) > 0)
      return 0;
  return 1;
}

#define SORT(vec, cmp)                                                      \
  do {                                                                      \
    if ((vec).n > 1 && !is_sorted((vec).v, (vec).n, sizeof *(vec).v, cmp)) \
      qsort((vec).v, (vec).n, sizeof *(vec).v, cmp);                        \
  } while (0)

/* Sorts the entities (when entities) and the edges (when edges) as their
 * cmp functions do, equal entities in their order; each sort on every
 * thread, then both arrays' permutations at once. PT_ENOMEM leaves them
 * unsorted. */
static int sort_ranked_records(pt_graph *g, int entities, int edges)
{
  unsigned threads = pt_cpu_count();
  size_t n = edges ? g->edges.n : 0, n_ent = entities ? g->entities.n : 0;
  if (n + n_ent < 65536)
    threads = 1;
  edge_rank *r = edges ? pt_malloc((n + 1) * sizeof *r) : NULL;
  edge_rank *q = entities ? pt_malloc((n_ent + 1) * sizeof *q) : NULL;
  int rc = (r || !edges) && (q || !entities)
               ? rank_records(g, r, q, threads)
               : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0) {
    rank_sort se = {q, n_ent, threads}, sd = {r, n, threads};
    sort_ranks_on(&se);
    sort_ranks_on(&sd);
    permute pe = {g, q, 1}, pd = {g, r, 0};
    both(permute_on, &pe, permute_on, &pd, threads);
  }
  pt_free(q);
  pt_free(r);
  return rc;
}

/* Edges in order but for a few at the end (a store's rows put back in
 * their saved places, then the rows a re-run's changes added, which have
 * none): the few sorted by insertion and each moved into place, found by
 * a binary search, the last first (each edge moves once); where equal
 * ones meet, the earlier in the array stays first, as a stable sort
 * leaves them. 0 (nothing changed) when the unsorted end is longer than
 * SORTED_TAIL, or without memory for it. */
#define SORTED_TAIL 256

static int merge_edge_tail(pt_graph *g)
{
  pt_edge *v = g->edges.v;
  size_t n = g->edges.n, m = 1;
  while (m < n && pt__graph_cmp_edge(&v[m - 1], &v[m]) <= 0)
    m++;
  size_t k = n - m;
  pt_edge *tail = k <= SORTED_TAIL ? pt_malloc(k * sizeof *tail + 1) : NULL;
  if (!tail)
    return 0;
  memcpy(tail, v + m, k * sizeof *tail);
  for (size_t i = 1; i < k; i++) {
    pt_edge x = tail[i];
    size_t j = i;
    for (; j > 0 && pt__graph_cmp_edge(&tail[j - 1], &x) > 0; j--)
      tail[j] = tail[j - 1];
    tail[j] = x;
  }
  size_t end = m; /* v[0, end) holds the sorted part not yet moved */
  for (size_t j = k; j-- > 0;) {
    size_t lo = 0, hi = end; /* the first of v[0, end) after tail[j] */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (pt__graph_cmp_edge(&v[mid], &tail[j]) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    memmove(v + lo + j + 1, v + lo, (end - lo) * sizeof *v);
    v[lo + j] = tail[j];
    end = lo;
  }
  pt_free(tail);
  return 1;
}

/* pt_graph_finish; check_ents 0 when the entities are known in order. */
static int finish(pt_graph *g, int check_ents)
{
  pt__graph_touch(g);
  int rc = pt__graph_share_loaded_code(g);
  if (rc)
    return rc;
  int sort_ents = check_ents && g->entities.n > 1 &&
                  g->entities.n < UINT32_MAX &&
                  !is_sorted(g->entities.v, g->entities.n,
                             sizeof *g->entities.v, pt__graph_cmp_entity);
  int sort_edges = g->edges.n > 1 && g->edges.n < UINT32_MAX &&
                   !is_sorted(g->edges.v, g->edges.n, sizeof *g->edges.v,
                              pt__graph_cmp_edge) &&
                   !merge_edge_tail(g);
  if ((sort_ents || sort_edges) &&
      sort_ranked_records(g, sort_ents, sort_edges) != 0) {
    pt_error_clear(); /* short of memory: the same order, more slowly */
    SORT(g->entities, pt__graph_cmp_entity);
    SORT(g->edges, pt__graph_cmp_edge);
  }
  SORT(g->files, cmp_file);
  SORT(g->tests, pt__graph_cmp_test);
  SORT(g->ignored, cmp_ignored);
  SORT(g->meta, cmp_meta);
  size_t w = 0, n_resolved = 0;
  for (size_t r = 0; r < g->edges.n; r++) {
    const pt_edge *e = &g->edges.v[r];
    if (w > 0) {
      const pt_edge *p = &g->edges.v[w - 1];
      if (p->from_key == e->from_key && p->to_key == e->to_key &&
          p->type == e->type)
        continue;
    }
    n_resolved += e->resolved != 0;
    g->edges.v[w++] = *e;
  }
  g->edges.n = w;
  g->n_resolved = n_resolved;
  g->has_n_resolved = 1;
  return 0;
}

int pt_graph_finish(pt_graph *g)
{
  return finish(g, 1);
}

int pt_graph_finish_edges(pt_graph *g)
{
  return finish(g, 0);
}

size_t pt_graph_n_resolved_edges(const pt_graph *g)
{
  if (g->has_n_resolved)
    return g->n_resolved;
  size_t n = 0;
  for (size_t i = 0; i < g->edges.n; i++)
    n += g->edges.v[i].resolved != 0;
  return n;
}

size_t pt_graph_n_entities(const pt_graph *g) { return g->entities.n; }
size_t pt_graph_n_edges(const pt_graph *g) { return g->edges.n; }
size_t pt_graph_n_files(const pt_graph *g) { return g->files.n; }
size_t pt_graph_n_tests(const pt_graph *g) { return g->tests.n; }
size_t pt_graph_n_ignored(const pt_graph *g) { return g->ignored.n; }
size_t pt_graph_n_meta(const pt_graph *g) { return g->meta.n; }
const pt_entity *pt_graph_entities(const pt_graph *g) { return g->entities.v; }
const pt_edge *pt_graph_edges(const pt_graph *g) { return g->edges.v; }
const pt_file_record *pt_graph_files(const pt_graph *g) { return g->files.v; }
const pt_test_entity *pt_graph_tests(const pt_graph *g) { return g->tests.v; }
const pt_ignored_file *pt_graph_ignored(const pt_graph *g) { return g->ignored.v; }

void pt_graph_meta_at(const pt_graph *g, size_t i, const char **name,
                      const char **value)
{
  *name = g->meta.v[i].name;
  *value = g->meta.v[i].value;
}

const pt_file_record *pt_graph_find_file(const pt_graph *g, const char *path)
{
  size_t lo = 0, hi = g->files.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(g->files.v[mid].path, path);
    if (c == 0)
      return &g->files.v[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

int pt_graph_set_file_reuse(pt_graph *g, const char *path, const void *reuse,
                            size_t n)
{
  pt_file_record *f = (pt_file_record *)pt_graph_find_file(g, path);
  if (!f)
    return PT_ERR(PT_ENOTFOUND, "no file record for %s", path);
  void *copy = pt_arena_alloc(&g->pool->arena, n ? n : 1);
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory copying a file's reuse record");
  f->reuse = memcpy(copy, reuse, n);
  f->reuse_size = n;
  return 0;
}

const char *pt_graph_meta(const pt_graph *g, const char *name)
{
  for (size_t i = 0; i < g->meta.n; i++)
    if (strcmp(g->meta.v[i].name, name) == 0)
      return g->meta.v[i].value;
  return NULL;
}

int pt_graph_lineage_of(const pt_graph *g, pt_graph_lineage *out)
{
  if (!g->entity_src)
    return 0;
  out->base = g->base;
  out->entity_src = g->entity_src;
  out->edge_src = g->edge_src;
  out->changes = g->changes;
  return 1;
}

void pt_graph_drop_lineage(pt_graph *g)
{
  pt__graph_spare_put(g, PT__SPARE_ENTITY_SRC, g->entity_src, g->entity_src_size);
  pt__graph_spare_put(g, PT__SPARE_EDGE_SRC, g->edge_src, g->edge_src_size);
  g->entity_src = g->edge_src = NULL;
  g->base = NULL;
  g->changes = (pt_graph_changes){0, 0, 0};
}

void pt_graph_count_resolutions(const pt_graph *g,
                                size_t out[PT_LANG__COUNT][PT_RES__COUNT])
{
  memset(out, 0, sizeof(size_t) * PT_LANG__COUNT * PT_RES__COUNT);
  for (size_t i = 0; i < g->edges.n; i++) {
    const pt_edge *e = &g->edges.v[i];
    const char *colon = strchr(e->from_key, ':');
    size_t n = colon ? (size_t)(colon - e->from_key) : 0;
    for (int l = 0; n && l < PT_LANG__COUNT; l++) {
      const char *name = pt_lang_name((pt_lang)l);
      if (strlen(name) == n && memcmp(name, e->from_key, n) == 0 &&
          (unsigned)e->resolution < PT_RES__COUNT) {
        out[l][e->resolution]++;
        break;
      }
    }
  }
}
