/* The query graph of pt/qgraph.h: node numbering by key, CSR adjacency in
 * both directions, scope filtering, and the update of a patched graph's
 * query graph from its predecessor's. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/bits.h"
#include "pt/both.h"
#include "pt/error.h"
#include "pt/ptrmap.h"
#include "pt/qgraph.h"

int pt_scope_admits(const pt_scope *scope, const char *path)
{
  char l1[256], l2[256];
  if (!scope)
    return 1;
  if (!path)
    return 0;
  pt_path_l1_l2(path, l1, sizeof l1, l2, sizeof l2);
  return (!*scope->l1 || strcmp(scope->l1, l1) == 0) &&
         (!*scope->l2 || strcmp(scope->l2, l2) == 0);
}

/* The provisional number of key: its place among the distinct key
 * pointers seen so far (keys are interned in the graph's pool, so equal
 * keys are one pointer), the key recorded in all on first sight. */
static int provisional(pt_ptrmap *ids, const char **all, size_t *n,
                       const char *key, uint32_t *out)
{
  size_t seen = 0;
  int rc = pt_ptrmap_put_new(ids, key, *n, &seen);
  if (rc == 0 && seen == *n)
    all[(*n)++] = key;
  *out = (uint32_t)seen;
  return rc;
}

typedef struct key_ref {
  const char *key;
  uint32_t id; /* provisional */
} key_ref;

static int cmp_key_ref(const void *a, const void *b)
{
  return strcmp(((const key_ref *)a)->key, ((const key_ref *)b)->key);
}

/* all[0..n) in key order, as refs: a finished graph's entities (the first
 * n_ent) are in key order already, and then only the other keys (files,
 * placeholders) need sorting, and a merge. */
static int sort_refs(const char **all, size_t n, size_t n_ent, key_ref **out)
{
  key_ref *r = pt_malloc((n + 1) * sizeof *r), *merged = NULL;
  int ents_sorted = 1;
  for (size_t i = 1; ents_sorted && i < n_ent; i++)
    ents_sorted = strcmp(all[i - 1], all[i]) < 0;
  int is_merged = ents_sorted && n_ent > 0 && n > n_ent;
  if (r && is_merged)
    merged = pt_malloc((n + 1) * sizeof *merged);
  if (!r || (is_merged && !merged)) {
    pt_free(r);
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  }
  for (size_t i = 0; i < n; i++)
    r[i] = (key_ref){all[i], (uint32_t)i};
  if (ents_sorted && n_ent > 0) {
    if (n - n_ent > 1)
      qsort(r + n_ent, n - n_ent, sizeof *r, cmp_key_ref);
    if (merged) {
      size_t a = 0, b = n_ent, w = 0;
      while (a < n_ent || b < n)
        merged[w++] = b == n || (a < n_ent && strcmp(r[a].key, r[b].key) < 0)
                          ? r[a++]
                          : r[b++];
      pt_free(r);
      r = merged;
    }
  } else if (n > 1) {
    qsort(r, n, sizeof *r, cmp_key_ref);
  }
  *out = r;
  return 0;
}

/* The nodes: every distinct key, entity keys and both ends of every edge,
 * in key order. A first pass numbers the distinct key pointers and keeps
 * each record end's number (in ends); once the keys are sorted, those
 * numbers become nodes through one array, with no second lookup of any
 * key. */
typedef struct ends {
  uint32_t *ent, *from, *to; /* by entity, by edge: a node */
} ends;

static int number_keys(const pt_qgraph *q, const char **all, size_t *n,
                       size_t *n_ent, ends *e)
{
  const pt_graph *g = q->g;
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  const pt_entity *ents = pt_graph_entities(g);
  const pt_edge *edges = pt_graph_edges(g);
  pt_ptrmap ids = PT_PTRMAP_INIT;
  int rc = pt_ptrmap_reserve(&ids, ne + nd / 4 + 16);
  for (size_t i = 0; rc == 0 && i < ne; i++)
    rc = provisional(&ids, all, n, ents[i].key, &e->ent[i]);
  *n_ent = *n;
  for (size_t i = 0; rc == 0 && i < nd; i++) {
    /* edges come by from key: a run of them shares its pointer */
    if (i > 0 && edges[i].from_key == edges[i - 1].from_key)
      e->from[i] = e->from[i - 1];
    else
      rc = provisional(&ids, all, n, edges[i].from_key, &e->from[i]);
    if (rc == 0)
      rc = provisional(&ids, all, n, edges[i].to_key, &e->to[i]);
  }
  pt_ptrmap_fini(&ids);
  return rc;
}

static int collect_nodes(pt_qgraph *q, ends *e)
{
  size_t ne = pt_graph_n_entities(q->g), nd = pt_graph_n_edges(q->g);
  size_t n = 0, n_ent = 0;
  const char **all = pt_malloc((ne + 2 * nd + 1) * sizeof *all);
  uint32_t *node = NULL;
  key_ref *r = NULL;
  int rc = all ? number_keys(q, all, &n, &n_ent, e)
               : PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  if (rc == 0)
    rc = sort_refs(all, n, n_ent, &r);
  if (rc == 0 && !(node = pt_malloc((n + 1) * sizeof *node)))
    rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  size_t w = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    /* all is free for the sorted keys: w never passes k */
    if (w == 0 || strcmp(all[w - 1], r[k].key) != 0)
      all[w++] = r[k].key;
    node[r[k].id] = (uint32_t)(w - 1);
  }
  for (size_t i = 0; rc == 0 && i < ne; i++)
    e->ent[i] = node[e->ent[i]];
  for (size_t i = 0; rc == 0 && i < nd; i++) {
    e->from[i] = node[e->from[i]];
    e->to[i] = node[e->to[i]];
  }
  pt_free(node);
  pt_free(r);
  if (rc) {
    pt_free(all);
    return rc;
  }
  q->key = all;
  q->n_nodes = w;
  return 0;
}

int64_t pt_qgraph_find(const pt_qgraph *q, const char *key)
{
  size_t lo = 0, hi = q->n_nodes;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(q->key[mid], key);
    if (c == 0)
      return (int64_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static int map_entities(pt_qgraph *q, const ends *e)
{
  q->entity = pt_malloc((q->n_nodes + 1) * sizeof *q->entity);
  if (!q->entity)
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  for (size_t v = 0; v < q->n_nodes; v++)
    q->entity[v] = -1;
  for (size_t i = 0; i < pt_graph_n_entities(q->g); i++)
    q->entity[e->ent[i]] = (int32_t)i;
  return 0;
}

/* The kept edges: all, or those whose from end is an entity in scope. */
static int keep_edge(const pt_qgraph *q, const pt_scope *scope, uint32_t from)
{
  if (!scope)
    return 1;
  int32_t ent = q->entity[from];
  return ent >= 0 && pt_scope_admits(scope, pt_graph_entities(q->g)[ent].file_path);
}

/* The CSR arrays of the m kept edges: the k-th is graph edge kept[k] (k
 * itself when kept is NULL), from node from[k] to node to[k], in the
 * graph's (from, to, type) order. */
static int fill_csr(pt_qgraph *q, const uint32_t *from, const uint32_t *to,
                    const uint32_t *kept, size_t m)
{
  const pt_edge *edges = pt_graph_edges(q->g);
  size_t n = q->n_nodes;
  int rc = 0;
  q->fwd_off = pt_calloc(n + 2, sizeof *q->fwd_off);
  q->rev_off = pt_calloc(n + 2, sizeof *q->rev_off);
  q->n_edges = m;
  q->fwd = pt_malloc((m + 1) * sizeof *q->fwd);
  q->fwd_type = pt_malloc(m + 1);
  if (kept) /* else forward slot k is edge k */
    q->fwd_edge = pt_malloc((m + 1) * sizeof *q->fwd_edge);
  q->rev = pt_malloc((m + 1) * sizeof *q->rev);
  q->rev_type = pt_malloc(m + 1);
  q->rev_edge = pt_malloc((m + 1) * sizeof *q->rev_edge);
  if (!q->fwd_off || !q->rev_off || !q->fwd || !q->fwd_type ||
      (kept && !q->fwd_edge) || !q->rev || !q->rev_type || !q->rev_edge)
    rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  if (rc == 0) {
    /* edges are sorted by (from, to, type): forward lists fill in order */
    for (size_t k = 0; k < m; k++) {
      q->fwd_off[from[k] + 1]++;
      q->rev_off[to[k] + 1]++;
    }
    for (size_t v = 0; v < n; v++) {
      q->fwd_off[v + 1] += q->fwd_off[v];
      q->rev_off[v + 1] += q->rev_off[v];
    }
    uint32_t *rpos = pt_malloc((n + 1) * sizeof *rpos);
    if (!rpos)
      rc = PT_ERR(PT_ENOMEM, "out of memory building the query graph");
    for (size_t v = 0; rc == 0 && v < n; v++)
      rpos[v] = q->rev_off[v];
    for (size_t k = 0; rc == 0 && k < m; k++) {
      uint32_t e = kept ? kept[k] : (uint32_t)k;
      uint8_t type = (uint8_t)edges[e].type;
      q->fwd[k] = to[k];
      q->fwd_type[k] = type;
      if (kept)
        q->fwd_edge[k] = e;
      q->rev[rpos[to[k]]] = from[k];
      q->rev_edge[rpos[to[k]]] = e;
      q->rev_type[rpos[to[k]]++] = type;
    }
    pt_free(rpos);
  }
  return rc;
}

/* The kept edges' ends are moved to the front of e's (m <= i). */
static int build_csr(pt_qgraph *q, const pt_scope *scope, ends *e)
{
  size_t nd = pt_graph_n_edges(q->g), m = 0;
  uint32_t *kept = NULL;
  if (scope && !(kept = pt_malloc((nd + 1) * sizeof *kept)))
    return PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  for (size_t i = 0; i < nd; i++) {
    if (!keep_edge(q, scope, e->from[i]))
      continue;
    e->from[m] = e->from[i];
    e->to[m] = e->to[i];
    if (kept)
      kept[m] = (uint32_t)i;
    m++;
  }
  int rc = fill_csr(q, e->from, e->to, kept, m);
  pt_free(kept);
  return rc;
}

int pt_qgraph_build(const pt_graph *g, const pt_scope *scope, pt_qgraph **out)
{
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  pt_qgraph *q = pt_calloc(1, sizeof *q);
  ends e = {pt_malloc((ne + 1) * sizeof *e.ent),
            pt_malloc((nd + 1) * sizeof *e.from),
            pt_malloc((nd + 1) * sizeof *e.to)};
  int rc = q && e.ent && e.from && e.to
               ? 0
               : PT_ERR(PT_ENOMEM, "out of memory building the query graph");
  if (rc == 0) {
    q->g = g;
    rc = collect_nodes(q, &e);
  }
  if (rc == 0) rc = map_entities(q, &e);
  if (rc == 0) rc = build_csr(q, scope, &e);
  pt_free(e.ent);
  pt_free(e.from);
  pt_free(e.to);
  if (rc) {
    pt_qgraph_free(q);
    return rc;
  }
  *out = q;
  return 0;
}

/* ---- the query graph of a patched graph, from its base's ------------------
 * Every record of g came from its base (the lineage says which) or is new.
 * A base record's ends are nodes of the old query graph, so its nodes are
 * found by index; only the new records' keys are looked up (binary search,
 * a few). A node of the old graph stays when a record of g names it; the
 * new keys go in where they sort; everything else is renumbering. */

#define NONE UINT32_MAX

/* A run of old records (edges, nodes) that stayed side by side: old
 * [at, at + n) are new [at + shift, ...). A patch changes few places, so
 * its records' renumbering is a few runs: looked up by binary search in
 * a small table instead of an array as long as the graph, which a walk
 * in the old reverse lists' order would read at random. */
typedef struct run {
  uint32_t at, n;
  int64_t shift;
} run;

typedef struct runs {
  run *v;                   /* owned */
  size_t n, cap;
  uint32_t *idx;            /* owned, by bucket of RUN_BUCKET old numbers:
                               the runs starting at or before its first
                               (runs_index); NULL: not made */
  size_t n_idx;
} runs;

/* A patch that resolved many files again changes edges all over the graph
 * (a rename of PostgreSQL's xact.c, 582 edges in 137 files: 1,200 runs),
 * and every reverse list entry is looked up: the search starts from its
 * bucket's runs instead of the whole table. */
#define RUN_BUCKET_BITS 10

/* Starts a run at old. */
static int runs_start(runs *r, uint32_t old, int64_t shift)
{
  if (pt_array_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v))
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  r->v[r->n++] = (run){old, 1, shift};
  return 0;
}

/* Adds old -> now to the runs (old rising): the last run grows (inline,
 * once per kept edge), or a new one starts. */
static inline int runs_add(runs *r, uint32_t old, uint32_t now)
{
  int64_t shift = (int64_t)now - (int64_t)old;
  run *last = r->n ? &r->v[r->n - 1] : NULL;
  if (last && last->at + last->n == old && last->shift == shift) {
    last->n++;
    return 0;
  }
  return runs_start(r, old, shift);
}

/* The same for old .. old + n - 1 -> now .. now + n - 1. */
static int runs_add_n(runs *r, uint32_t old, uint32_t now, uint32_t n)
{
  if (runs_add(r, old, now))
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  r->v[r->n - 1].n += n - 1;
  return 0;
}

/* Bits from .. from + n - 1 set: whole words at once. */
static void bits_set(uint64_t *bits, size_t from, size_t n)
{
  size_t end = from + n;
  while (from < end && (from & 63))
    pt_bit_set(bits, from++);
  for (; from + 64 <= end; from += 64)
    bits[from >> 6] = UINT64_MAX;
  while (from < end)
    pt_bit_set(bits, from++);
}

/* The buckets of the runs (complete) of old numbers below n_old. */
static int runs_index(runs *r, size_t n_old)
{
  size_t nb = (n_old >> RUN_BUCKET_BITS) + 2, k = 0;
  r->idx = pt_malloc(nb * sizeof *r->idx);
  if (!r->idx)
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  for (size_t b = 0; b < nb; b++) {
    while (k < r->n && r->v[k].at <= (uint64_t)b << RUN_BUCKET_BITS)
      k++;
    r->idx[b] = (uint32_t)k;
  }
  r->n_idx = nb;
  return 0;
}

/* The new number of old, or NONE when it went, searched in its bucket's
 * runs; *hint: the run found. */
static uint32_t runs_search(const runs *r, uint32_t old, size_t *hint)
{
  size_t lo = 0, hi = r->n, b = old >> RUN_BUCKET_BITS;
  if (r->idx && b + 1 < r->n_idx) { /* the answer is among these */
    lo = r->idx[b];
    hi = r->idx[b + 1];
  }
  while (lo < hi) { /* the first run starting after old */
    size_t mid = lo + (hi - lo) / 2;
    if (r->v[mid].at <= old)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0 || old >= r->v[lo - 1].at + r->v[lo - 1].n)
    return NONE;
  *hint = lo - 1;
  return (uint32_t)((int64_t)old + r->v[lo - 1].shift);
}

/* The same, looked for first in the run of the last answer (*hint): a
 * patch leaves a few long runs, and a reverse list's edges rise, so most
 * lookups end there. */
static inline uint32_t runs_map(const runs *r, uint32_t old, size_t *hint)
{
  const run *h = *hint < r->n ? &r->v[*hint] : NULL;
  if (h && old >= h->at && old - h->at < h->n)
    return (uint32_t)((int64_t)old + h->shift);
  return runs_search(r, old, hint);
}

/* A distinct key of the new records (a new entity's, either end of a new
 * edge), looked up once among the old nodes; its node in the new graph
 * is set by renumber, and the links read it from there (each new key was
 * searched three times before, by strcmp over every node: in the old
 * graph, then twice in the new one). */
typedef struct new_key {
  const char *key;
  uint32_t old;             /* its old node, or NONE */
  uint32_t at;              /* with no old node: the first old node sorting
                               after it */
  uint32_t now;             /* its node in the new graph */
} new_key;

typedef struct lineage_maps {
  uint64_t *ent_kept;       /* bits by base entity: g keeps it */
  uint64_t *edge_kept;      /* bits by base edge: g keeps it */
  unsigned char *keep;      /* by old node: a record of g names it (not 0) */
  new_key *keys;            /* the new records' distinct keys */
  size_t n_keys;
  uint32_t *ent_key;        /* by new entity, in g's order: its key in keys */
  uint32_t *edge_key;       /* by new edge (new_edge's order): its from
                               key's and its to key's */
  new_key **fresh;          /* the keys no old node has */
  size_t n_fresh;
  uint32_t *remap;          /* by old node: its node in the new graph */
  runs edges;               /* old edge -> new, for the kept ones */
  uint32_t *new_edge;       /* g's new edges, rising */
  size_t n_new_edge, cap_new_edge;
} lineage_maps;

static void maps_fini(lineage_maps *m)
{
  pt_free(m->ent_kept);
  pt_free(m->edge_kept);
  pt_free(m->keep);
  pt_free(m->keys);
  pt_free(m->ent_key);
  pt_free(m->edge_key);
  pt_free(m->fresh);
  pt_free(m->remap);
  pt_free(m->edges.v);
  pt_free(m->edges.idx);
  pt_free(m->new_edge);
}

static int key_is(const char *a, const char *b)
{
  return a == b || strcmp(a, b) == 0;
}

/* The first node of q whose key does not sort before key. */
static size_t node_from(const pt_qgraph *q, const char *key)
{
  size_t lo = 0, hi = q->n_nodes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (q->key[mid] != key && strcmp(q->key[mid], key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* *out: key's index in m->keys, added on first sight (keys are interned:
 * one pointer a text, but for a stray copy, which looks up the same). */
static int key_index(pt_ptrmap *ids, lineage_maps *m, const char *key,
                     uint32_t *out)
{
  size_t seen = 0;
  int rc = pt_ptrmap_put_new(ids, key, m->n_keys, &seen);
  if (rc)
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  if (seen == m->n_keys)
    m->keys[m->n_keys++] = (new_key){key, NONE, NONE, NONE};
  *out = (uint32_t)seen;
  return 0;
}

/* The new records' keys, each distinct one looked up once: an old node
 * is kept, a key no old node has is fresh (with its place among them). */
static int note_keys(const pt_qgraph *old, const pt_graph *g,
                     const pt_graph_lineage *ln, size_t n_new_ent,
                     lineage_maps *m)
{
  size_t ne = pt_graph_n_entities(g), n_e = m->n_new_edge;
  const pt_entity *e = pt_graph_entities(g);
  const pt_edge *d = pt_graph_edges(g);
  pt_ptrmap ids = PT_PTRMAP_INIT;
  m->keys = pt_malloc((n_new_ent + 2 * n_e + 1) * sizeof *m->keys);
  m->ent_key = pt_malloc((n_new_ent + 1) * sizeof *m->ent_key);
  m->edge_key = pt_malloc((2 * n_e + 1) * sizeof *m->edge_key);
  m->fresh = pt_malloc((n_new_ent + 2 * n_e + 1) * sizeof *m->fresh);
  int rc = m->keys && m->ent_key && m->edge_key && m->fresh
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  size_t w = 0;
  for (size_t i = 0; rc == 0 && i < ne; i++)
    if (ln->entity_src[i] == PT_GRAPH_NEW)
      rc = key_index(&ids, m, e[i].key, &m->ent_key[w++]);
  for (size_t i = 0; rc == 0 && i < n_e; i++) {
    const pt_edge *x = &d[m->new_edge[i]];
    /* new edges come by from key: a run of them shares its pointer */
    if (i > 0 && x->from_key == d[m->new_edge[i - 1]].from_key)
      m->edge_key[2 * i] = m->edge_key[2 * i - 2];
    else
      rc = key_index(&ids, m, x->from_key, &m->edge_key[2 * i]);
    if (rc == 0)
      rc = key_index(&ids, m, x->to_key, &m->edge_key[2 * i + 1]);
  }
  pt_ptrmap_fini(&ids);
  for (size_t i = 0; rc == 0 && i < m->n_keys; i++) {
    new_key *k = &m->keys[i];
    size_t v = node_from(old, k->key);
    if (v < old->n_nodes && key_is(old->key[v], k->key)) {
      k->old = (uint32_t)v;
      m->keep[v] = 1;
    } else {
      k->at = (uint32_t)v; /* none is equal: the first after it */
      m->fresh[m->n_fresh++] = k;
    }
  }
  return rc;
}

/* Whether a kept record of the base names old node v: its entity, or an
 * edge from it or to it (the first kept one found ends the search). */
static int named_by_kept(const pt_qgraph *old, const lineage_maps *m, size_t v)
{
  if (old->entity[v] >= 0 && pt_bit_has(m->ent_kept, (size_t)old->entity[v]))
    return 1;
  for (uint32_t k = old->fwd_off[v]; k < old->fwd_off[v + 1]; k++)
    if (pt_bit_has(m->edge_kept, k))
      return 1;
  for (uint32_t r = old->rev_off[v]; r < old->rev_off[v + 1]; r++)
    if (pt_bit_has(m->edge_kept, old->rev_edge[r]))
      return 1;
  return 0;
}

/* The old node whose forward edges hold edge k. */
static size_t from_of(const pt_qgraph *old, uint32_t k)
{
  size_t lo = 0, hi = old->n_nodes;
  while (lo < hi) { /* the first node whose list ends after k */
    size_t mid = lo + (hi - lo) / 2;
    if (old->fwd_off[mid + 1] <= k)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Every old node was named by a record of the base, so it stays unless
 * every record that named it went: only the nodes of the records that
 * went are looked at (in proportion to the change, not to the graph),
 * then the new records' keys are looked up. */
static int mark_kept(const pt_qgraph *old, const pt_graph *g,
                     const pt_graph_lineage *ln, lineage_maps *m)
{
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  size_t nb = pt_graph_n_entities(ln->base), n_new = 0;
  m->ent_kept = pt_calloc((nb >> 6) + 1, sizeof *m->ent_kept);
  m->edge_kept = pt_calloc((old->n_edges >> 6) + 1, sizeof *m->edge_kept);
  m->keep = pt_malloc(old->n_nodes + 1);
  if (!m->ent_kept || !m->edge_kept || !m->keep)
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  for (size_t i = 0; i < ne; i++) {
    uint32_t s = ln->entity_src[i];
    if (s == PT_GRAPH_NEW)
      n_new++;
    else
      pt_bit_set(m->ent_kept, s);
  }
  /* the one pass over the edges' lineage: what stays (bits, and runs for
   * the reverse lists) and which edges are new. A patch keeps its base's
   * edges in long runs (old and new numbers rising together): each is
   * found by one compare an edge, then its run and its bits set at once
   * (by words), where every kept edge cost a run's check and a bit */
  const uint32_t *src = ln->edge_src;
  for (size_t i = 0; i < nd;) {
    uint32_t s = src[i];
    if (s == PT_GRAPH_NEW) {
      if (pt_array_grow((void **)&m->new_edge, &m->cap_new_edge,
                        m->n_new_edge + 1, sizeof *m->new_edge))
        return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
      m->new_edge[m->n_new_edge++] = (uint32_t)i++;
      continue;
    }
    size_t j = i + 1;
    while (j < nd && src[j] == s + (uint32_t)(j - i))
      j++;
    if (runs_add_n(&m->edges, s, (uint32_t)i, (uint32_t)(j - i)))
      return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
    bits_set(m->edge_kept, s, j - i);
    i = j;
  }
  /* 2: kept, not looked at; a node of several records that went (a gone
   * function's calls all leave from it) is looked at once */
  memset(m->keep, 2, old->n_nodes + 1);
  const pt_entity *be = pt_graph_entities(ln->base);
  for (size_t s = 0; s < nb; s++) {
    if ((s & 63) == 0 && s + 64 <= nb && m->ent_kept[s >> 6] == UINT64_MAX) {
      s += 63; /* a word of kept ones */
      continue;
    }
    int64_t v = pt_bit_has(m->ent_kept, s) ? -1 : pt_qgraph_find(old, be[s].key);
    if (v >= 0 && m->keep[v] == 2)
      m->keep[v] = (unsigned char)named_by_kept(old, m, (size_t)v);
  }
  size_t u = old->n_nodes; /* the from node of the last edge that went */
  for (size_t s = 0; s < old->n_edges; s++) {
    if ((s & 63) == 0 && s + 64 <= old->n_edges && m->edge_kept[s >> 6] == UINT64_MAX) {
      s += 63;
      continue;
    }
    if (pt_bit_has(m->edge_kept, s))
      continue;
    if (u == old->n_nodes || s >= old->fwd_off[u + 1]) /* else u's still */
      u = from_of(old, (uint32_t)s);
    size_t v = old->fwd[s];
    if (m->keep[u] == 2)
      m->keep[u] = (unsigned char)named_by_kept(old, m, u);
    if (m->keep[v] == 2)
      m->keep[v] = (unsigned char)named_by_kept(old, m, v);
  }
  return note_keys(old, g, ln, n_new, m); /* last: a new record's node stays */
}

static int cmp_new_key(const void *a, const void *b)
{
  return strcmp((*(const new_key *const *)a)->key, (*(const new_key *const *)b)->key);
}

/* The new node keys: the kept old ones and the new ones, in key order;
 * each new record's key's node. */
static int renumber(pt_qgraph *q, const pt_qgraph *old, lineage_maps *m)
{
  if (m->n_fresh > 1) /* by key: their places among the old nodes rise */
    qsort(m->fresh, m->n_fresh, sizeof *m->fresh, cmp_new_key);
  m->remap = pt_malloc((old->n_nodes + 1) * sizeof *m->remap);
  q->key = pt_malloc((old->n_nodes + m->n_fresh + 1) * sizeof *q->key);
  if (!m->remap || !q->key)
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  size_t t = 0, n = 0;
  for (size_t v = 0; v <= old->n_nodes; v++) {
    /* the new keys that sort before old node v (none is equal to it) */
    for (; t < m->n_fresh && m->fresh[t]->at <= v; t++) {
      new_key *k = m->fresh[t];
      if (t > 0 && key_is(m->fresh[t - 1]->key, k->key)) {
        k->now = m->fresh[t - 1]->now; /* a stray copy of the text */
        continue;
      }
      k->now = (uint32_t)n;
      q->key[n++] = k->key;
    }
    if (v < old->n_nodes) {
      m->remap[v] = m->keep[v] ? (uint32_t)n : NONE;
      if (m->keep[v])
        q->key[n++] = old->key[v];
    }
  }
  q->n_nodes = n;
  for (size_t i = 0; i < m->n_keys; i++)
    if (m->keys[i].old != NONE)
      m->keys[i].now = m->remap[m->keys[i].old];
  return 0;
}

/* The node of a key that is one (found by binary search). */
static uint32_t find_node(const pt_qgraph *q, const char *key)
{
  return (uint32_t)pt_qgraph_find(q, key);
}

/* A new edge of the update: its place and its nodes. */
typedef struct fresh_edge {
  uint32_t to, at, from;
} fresh_edge;

static int cmp_fresh_edge(const void *pa, const void *pb)
{
  const fresh_edge *a = pa, *b = pb;
  if (a->to != b->to)
    return a->to < b->to ? -1 : 1;
  return (a->at > b->at) - (a->at < b->at);
}

/* The work of an update's links after the nodes, in two halves that run
 * side by side (pt_both): the entities, the edges' nodes and the forward
 * lists (links_fwd), and the reverse lists (links_rev). What both need
 * is made before, and neither allocates. */
typedef struct links {
  pt_qgraph *q;
  const pt_graph_lineage *ln;
  const pt_qgraph *old;
  const lineage_maps *m;
  const runs *edges;        /* old edge -> new (links_rev's; m's) */
  runs nodes;               /* old node -> new (links_rev's) */
  fresh_edge *fresh;        /* the new edges, by to node and place */
  size_t n_fresh;
  uint32_t *old_of;         /* by new node: the old one, or NONE */
  size_t n_rev;             /* out: the reverse lists' entries */
} links;

/* Each node's entity, then each edge's nodes and the forward lists in
 * one pass: edges are sorted by (from, to, type) and the nodes by key, so
 * each node's list is its run of edges, whose start is set as the from
 * nodes rise (a kept edge's type is read from old). The kept records come
 * in their old order: an entity's old node, and an edge's from node, are
 * found by walking the old nodes alongside. */
static void links_fwd(void *payload)
{
  links *l = payload;
  pt_qgraph *q = l->q;
  const pt_qgraph *old = l->old;
  const pt_graph *g = q->g;
  const uint32_t *remap = l->m->remap;
  const uint32_t *ent_src = l->ln->entity_src, *edge_src = l->ln->edge_src;
  const new_key *keys = l->m->keys;
  const uint32_t *ek = l->m->edge_key;
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  for (size_t v = 0; v < q->n_nodes; v++)
    q->entity[v] = -1;
  const pt_entity *e = pt_graph_entities(g);
  size_t ve = 0, vf = 0, n_new = 0;
  for (size_t i = 0; i < ne; i++) {
    uint32_t s = ent_src[i], v;
    while (s != PT_GRAPH_NEW && ve < old->n_nodes && old->entity[ve] < (int64_t)s)
      ve++; /* a placeholder's is -1 */
    if (s == PT_GRAPH_NEW)
      v = keys[l->m->ent_key[n_new++]].now;
    else if (ve < old->n_nodes && old->entity[ve] == (int64_t)s)
      v = remap[ve];
    else
      v = find_node(q, e[i].key);
    q->entity[v] = (int32_t)i;
  }
  const pt_edge *d = pt_graph_edges(g);
  size_t next = 0; /* the first node whose list's start is not set */
  n_new = 0;
  for (size_t k = 0; k < nd; k++) {
    uint32_t s = edge_src[k], from;
    if (s != PT_GRAPH_NEW) {
      while (old->fwd_off[vf + 1] <= s)
        vf++; /* s < fwd_off[n_nodes]: it stops at a node */
      from = remap[vf];
      q->fwd[k] = remap[old->fwd[s]];
      q->fwd_type[k] = old->fwd_type[s];
    } else { /* the n_new-th new edge: new_edge[n_new] is k */
      from = keys[ek[2 * n_new]].now;
      q->fwd[k] = keys[ek[2 * n_new + 1]].now;
      q->fwd_type[k] = (uint8_t)d[k].type;
      n_new++;
    }
    while (next <= from)
      q->fwd_off[next++] = (uint32_t)k;
  }
  while (next <= q->n_nodes)
    q->fwd_off[next++] = (uint32_t)nd;
}

/* What the reverse lists need besides the runs of kept edges (mark_kept
 * made them in its pass over the edges' lineage): the runs of kept nodes,
 * the new edges sorted by to node (their nodes as renumber set them), and
 * each new node's old one. */
static int rev_prepare(links *l)
{
  pt_qgraph *q = l->q;
  const pt_qgraph *old = l->old;
  const uint32_t *remap = l->m->remap;
  size_t n = q->n_nodes, n_new = l->m->n_new_edge;
  l->old_of = pt_malloc((n + 1) * sizeof *l->old_of);
  l->fresh = pt_malloc((n_new + 1) * sizeof *l->fresh);
  int rc = l->old_of && l->fresh ? 0
           : PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  const new_key *keys = l->m->keys;
  const uint32_t *ek = l->m->edge_key;
  for (size_t i = 0; rc == 0 && i < n_new; i++)
    l->fresh[l->n_fresh++] = (fresh_edge){keys[ek[2 * i + 1]].now,
                                          l->m->new_edge[i], keys[ek[2 * i]].now};
  for (size_t u = 0; rc == 0 && u < old->n_nodes; u++)
    if (remap[u] != NONE)
      rc = runs_add(&l->nodes, (uint32_t)u, remap[u]);
  if (rc == 0)
    rc = runs_index(&l->nodes, old->n_nodes);
  if (rc == 0 && l->n_fresh > 1)
    qsort(l->fresh, l->n_fresh, sizeof *l->fresh, cmp_fresh_edge);
  for (size_t v = 0; rc == 0 && v < n; v++)
    l->old_of[v] = NONE;
  for (size_t u = 0; rc == 0 && u < old->n_nodes; u++)
    if (remap[u] != NONE)
      l->old_of[remap[u]] = (uint32_t)u;
  return rc;
}

/* The reverse lists, node by node: an old node's is its old list without
 * the edges that went, the others renumbered (their order stays), with
 * the new edges to it merged in by place; in one pass over the old lists
 * instead of a scatter of every edge. */
typedef struct rev_part {
  const links *l;
  size_t from, to;          /* its nodes */
  size_t w, f;              /* its first entry, its first new edge */
  size_t end;               /* out: where its last entry ends */
} rev_part;

static void links_rev(void *payload)
{
  rev_part *part = payload;
  const links *l = part->l;
  pt_qgraph *q = l->q;
  const pt_qgraph *old = l->old;
  const pt_edge *d = pt_graph_edges(q->g);
  const fresh_edge *fresh = l->fresh;
  size_t n_fresh = l->n_fresh;
  size_t w = part->w, f = part->f, edge_hint = SIZE_MAX, node_hint = SIZE_MAX;
  for (size_t v = part->from; v < part->to; v++) {
    uint32_t u = l->old_of[v];
    for (uint32_t r = u != NONE ? old->rev_off[u] : 0;
         u != NONE && r < old->rev_off[u + 1]; r++) {
      uint32_t e = runs_map(l->edges, old->rev_edge[r], &edge_hint);
      if (e == NONE)
        continue;
      for (; f < n_fresh && fresh[f].to == v && fresh[f].at < e; f++, w++) {
        q->rev[w] = fresh[f].from;
        q->rev_edge[w] = fresh[f].at;
        q->rev_type[w] = (uint8_t)d[fresh[f].at].type;
      }
      q->rev[w] = runs_map(&l->nodes, old->rev[r], &node_hint); /* a kept edge's from */
      q->rev_edge[w] = e;
      q->rev_type[w++] = old->rev_type[r];
    }
    for (; f < n_fresh && fresh[f].to == v; f++, w++) {
      q->rev[w] = fresh[f].from;
      q->rev_edge[w] = fresh[f].at;
      q->rev_type[w] = (uint8_t)d[fresh[f].at].type;
    }
    q->rev_off[v + 1] = (uint32_t)w;
  }
  part->end = w;
}

/* Below this many edges the reverse lists are made in one part. */
#define SPLIT_REV 65536

/* The share of the reverse lists' entries (in fifths) the first part
 * takes: the forward lists take less (a rename's profile: links_fwd 111
 * samples, links_rev 183), so the other thread makes the last fifth of
 * the reverse lists after them. */
#define REV_FIFTHS 4

/* The reverse lists in two parts: *a the nodes before v0, *b the rest,
 * whose first entry goes after every edge to a node before v0: the old
 * entries before u0 (v0's old node, kept) less those of edges that went,
 * and the new edges to nodes before v0. 0: in one part. */
static int rev_in_two(const links *l, rev_part *a, rev_part *b)
{
  const pt_qgraph *old = l->old;
  const lineage_maps *m = l->m;
  size_t n_old = old->n_nodes, lo = 0, hi = n_old;
  size_t at = old->n_edges / 5 * REV_FIFTHS;
  if (old->n_edges < SPLIT_REV)
    return 0;
  while (lo < hi) { /* the first old node whose entries start at or past at */
    size_t mid = lo + (hi - lo) / 2;
    if (old->rev_off[mid] < at)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t u0 = lo;
  while (u0 < n_old && m->remap[u0] == NONE)
    u0++;
  if (u0 >= n_old)
    return 0;
  size_t v0 = m->remap[u0], gone = 0;
  for (size_t s = 0; s < old->n_edges; s++) { /* edges that went, to before u0 */
    if ((s & 63) == 0 && s + 64 <= old->n_edges && m->edge_kept[s >> 6] == UINT64_MAX) {
      s += 63;
      continue;
    }
    gone += !pt_bit_has(m->edge_kept, s) && old->fwd[s] < u0;
  }
  size_t f0 = 0, fh = l->n_fresh; /* the first new edge to v0 or after */
  while (f0 < fh) {
    size_t mid = f0 + (fh - f0) / 2;
    if (l->fresh[mid].to < v0)
      f0 = mid + 1;
    else
      fh = mid;
  }
  *a = (rev_part){l, 0, v0, 0, 0, 0};
  *b = (rev_part){l, v0, l->q->n_nodes, old->rev_off[u0] - gone + f0, f0, 0};
  return 1;
}

/* The forward lists, then (when the reverse lists split) their second
 * part, on the other thread. */
typedef struct fwd_then_rev {
  links *l;
  rev_part *rev;
} fwd_then_rev;

static void links_fwd_then_rev(void *payload)
{
  fwd_then_rev *p = payload;
  links_fwd(p->l);
  if (p->rev)
    links_rev(p->rev);
}

static int update_links(pt_qgraph *q, const pt_graph_lineage *ln,
                        const pt_qgraph *old, lineage_maps *m)
{
  const pt_graph *g = q->g;
  size_t nd = pt_graph_n_edges(g), n = q->n_nodes;
  links l;
  memset(&l, 0, sizeof l);
  l.q = q;
  l.ln = ln;
  l.old = old;
  l.m = m;
  l.edges = &m->edges;
  q->entity = pt_malloc((n + 1) * sizeof *q->entity);
  q->n_edges = nd;
  q->fwd_off = pt_calloc(n + 2, sizeof *q->fwd_off);
  q->rev_off = pt_calloc(n + 2, sizeof *q->rev_off);
  q->fwd = pt_malloc((nd + 1) * sizeof *q->fwd);
  q->fwd_type = pt_malloc(nd + 1); /* no fwd_edge: slot k is edge k */
  q->rev = pt_malloc((nd + 1) * sizeof *q->rev);
  q->rev_type = pt_malloc(nd + 1);
  q->rev_edge = pt_malloc((nd + 1) * sizeof *q->rev_edge);
  int rc = q->entity && q->fwd_off && q->rev_off && q->fwd &&
                   q->fwd_type && q->rev && q->rev_type && q->rev_edge
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  if (rc == 0)
    rc = runs_index(&m->edges, old->n_edges);
  if (rc == 0)
    rc = rev_prepare(&l);
  rev_part a = {&l, 0, n, 0, 0, 0}, b = a;
  int two = rc == 0 && rev_in_two(&l, &a, &b);
  fwd_then_rev fr = {&l, two ? &b : NULL};
  if (rc == 0)
    pt_both(links_fwd_then_rev, &fr, links_rev, &a);
  l.n_rev = two ? b.end : a.end;
  if (rc == 0 && ((two && a.end != b.w) || l.n_rev != nd))
    rc = PT_ERR(PT_ERROR, "the query graph's update lost edges (%zu of %zu)",
                l.n_rev, nd);
  pt_free(l.nodes.v);
  pt_free(l.nodes.idx);
  pt_free(l.old_of);
  pt_free(l.fresh);
  return rc;
}

/* ---- a patch that kept the graph's shape ---------------------------------
 * A body edited brings its file's records back with other lines and code
 * but the same keys, in the same places: every entity and every edge
 * (from, to, type) of g is its base's at the same index. Then the nodes,
 * their entities and both adjacencies are the old query graph's, copied
 * instead of renumbered. */

static int same_key(const char *a, const char *b)
{
  return a == b || strcmp(a, b) == 0;
}

static int same_shape(const pt_graph *g, const pt_graph_lineage *ln)
{
  size_t ne = pt_graph_n_entities(g), nd = pt_graph_n_edges(g);
  if (ne != pt_graph_n_entities(ln->base) || nd != pt_graph_n_edges(ln->base))
    return 0;
  const pt_entity *e = pt_graph_entities(g), *eb = pt_graph_entities(ln->base);
  for (size_t i = 0; i < ne; i++)
    if (ln->entity_src[i] != i &&
        (ln->entity_src[i] != PT_GRAPH_NEW || !same_key(e[i].key, eb[i].key)))
      return 0;
  const pt_edge *d = pt_graph_edges(g), *db = pt_graph_edges(ln->base);
  for (size_t i = 0; i < nd; i++)
    if (ln->edge_src[i] != i &&
        (ln->edge_src[i] != PT_GRAPH_NEW || d[i].type != db[i].type ||
         !same_key(d[i].from_key, db[i].from_key) ||
         !same_key(d[i].to_key, db[i].to_key)))
      return 0;
  return 1;
}

/* An array to copy: its source, its copy (made before), its bytes. */
typedef struct copy_item {
  const void *from;
  void *to;
  size_t size;
} copy_item;

/* The copies of one half of a query graph's arrays (pt_both). */
typedef struct copy_half {
  copy_item v[6];
  size_t n;
} copy_half;

static void copy_items(void *payload)
{
  copy_half *h = payload;
  for (size_t i = 0; i < h->n; i++)
    if (h->v[i].size)
      memcpy(h->v[i].to, h->v[i].from, h->v[i].size);
}

static void *room(size_t size)
{
  return pt_malloc(size ? size : 1);
}

/* The old query graph's arrays copied: the nodes and forward lists on one
 * thread, the reverse lists on the other. */
static int copy_shape(pt_qgraph *q, const pt_qgraph *old)
{
  size_t n = old->n_nodes, m = old->n_edges;
  size_t keys = n * sizeof *q->key, ents = n * sizeof *q->entity;
  size_t offs = (n + 2) * sizeof *q->fwd_off, ids = m * sizeof *q->fwd;
  q->n_nodes = n;
  q->n_edges = m;
  q->key = room(keys);
  q->entity = room(ents);
  q->fwd_off = room(offs);
  q->rev_off = room(offs);
  q->fwd = room(ids);
  q->fwd_type = room(m); /* no fwd_edge: slot k is edge k */
  q->rev = room(ids);
  q->rev_type = room(m);
  q->rev_edge = room(ids);
  if (!(q->key && q->entity && q->fwd_off && q->rev_off && q->fwd && q->fwd_type &&
        q->rev && q->rev_type && q->rev_edge))
    return PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  copy_half a = {{{old->key, q->key, keys}, {old->entity, q->entity, ents},
                  {old->fwd_off, q->fwd_off, offs}, {old->fwd, q->fwd, ids},
                  {old->fwd_type, q->fwd_type, m}},
                 5};
  copy_half b = {{{old->rev_off, q->rev_off, offs}, {old->rev, q->rev, ids},
                  {old->rev_type, q->rev_type, m}, {old->rev_edge, q->rev_edge, ids}},
                 4};
  pt_both(copy_items, &a, copy_items, &b);
  return 0;
}

int pt_qgraph_update(const pt_qgraph *old, const pt_graph *g, pt_qgraph **out)
{
  pt_graph_lineage ln;
  if (!pt_graph_lineage_of(g, &ln) || old->g != ln.base ||
      old->n_edges != pt_graph_n_edges(ln.base))
    return PT_ERR(PT_EINVAL, "the query graph is not of the graph patched");
  lineage_maps m;
  memset(&m, 0, sizeof m);
  pt_qgraph *q = pt_calloc(1, sizeof *q);
  int rc = q ? 0 : PT_ERR(PT_ENOMEM, "out of memory updating the query graph");
  int shape = rc == 0 && same_shape(g, &ln);
  if (rc == 0)
    q->g = g;
  if (rc == 0 && shape)
    rc = copy_shape(q, old);
  else if (rc == 0)
    rc = mark_kept(old, g, &ln, &m);
  if (rc == 0 && !shape) rc = renumber(q, old, &m);
  if (rc == 0 && !shape) rc = update_links(q, &ln, old, &m);
  maps_fini(&m);
  if (rc) {
    pt_qgraph_free(q);
    return rc;
  }
  *out = q;
  return 0;
}

void pt_qgraph_free(pt_qgraph *q)
{
  if (!q)
    return;
  pt_free(q->key);
  pt_free(q->entity);
  pt_free(q->fwd_off);
  pt_free(q->fwd);
  pt_free(q->fwd_type);
  pt_free(q->fwd_edge);
  pt_free(q->rev_off);
  pt_free(q->rev);
  pt_free(q->rev_type);
  pt_free(q->rev_edge);
  pt_free(q);
}
