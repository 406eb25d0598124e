/* The graph's insides, shared by graph.c (building, ordering, reading) and
 * graph_patch.c (patching a finished graph). Private to core. */
#ifndef PT_GRAPH_INT_H
#define PT_GRAPH_INT_H

#include <stddef.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/strmap.h"
#include "pt/sys/thread.h"

typedef struct meta_pair {
  const char *name;
  const char *value;
} meta_pair;

#define VEC(T) struct { T *v; size_t n, cap; }

/* The strings of one or more graphs: a graph made by pt_graph_patch shares
 * its predecessor's pool, so the unchanged records keep their strings. Only
 * the one thread building a graph adds strings; readers of the others only
 * read theirs, which never move. The last graph to go frees the pool. */
struct pt_graph_pool {
  pt_arena arena;
  pt_strmap interned;
  pt_strmap cand_sets;      /* a candidate list's bytes -> the list */
  unsigned refs;            /* under mu */
  pt_mutex *mu;
  /* Arrays of graphs freed while others still share the pool, kept for
   * the next pt_graph_patch (graph_patch.c): their pages are in memory,
   * where a fresh array's are faulted in one by one, and a large graph's
   * patch is mostly that. Under mu, freed with the pool. */
  struct pt__spare {
    void *v;                /* owned */
    size_t size;            /* bytes */
  } spare[4];               /* by pt__spare_kind */
  /* A thread making the spares for the next patch
   * (pt_graph_prepare_patch_start), joined by whoever takes or frees them
   * first (pt__graph_settle); under mu. prep_ent and prep_edge: the
   * records it makes them for. */
  pt_thread *making;
  size_t prep_ent, prep_edge;
};

/* Waits for a thread making p's spares (pt_graph_prepare_patch_start). */
void pt__graph_settle(pt_graph_pool *p);

typedef enum pt__spare_kind {
  PT__SPARE_ENTITIES,
  PT__SPARE_EDGES,
  PT__SPARE_ENTITY_SRC,
  PT__SPARE_EDGE_SRC
} pt__spare_kind;

struct pt_graph {
  pt_graph_pool *pool;
  VEC(pt_entity) entities;
  VEC(pt_edge) edges;
  VEC(pt_file_record) files;
  VEC(pt_test_entity) tests;
  VEC(pt_ignored_file) ignored;
  VEC(meta_pair) meta;
  /* pt_graph_patch's lineage (pt_graph_lineage_of); NULL arrays: none */
  const pt_graph *base;
  uint32_t *entity_src;     /* owned */
  uint32_t *edge_src;       /* owned */
  size_t entity_src_size;   /* their sizes in bytes */
  size_t edge_src_size;
  pt_graph_changes changes;
  /* pt_graph_n_resolved_edges: the count pt_graph_finish or a patch made,
   * valid while has_n_resolved (any record added clears it) */
  size_t n_resolved;
  int has_n_resolved;
  /* pt_graph_patch: the parts its edges were merged in (2: on two
   * threads, prev's edges of the patched files known); 0: not patched */
  int edge_parts;
  /* pt_graph_add_entity's last entity code copied whole (its text
   * borrowed, only compared; its copy in the pool): extraction gives a
   * file's entities in source order, nested ones inside that text */
  pt_code_share code_share;
  /* pt_graph_load_code's held code of nested entities, until
   * pt_graph_finish (graph_load_code.c); NULL: none */
  struct pt__load_code *load_code; /* owned */
};

#define VEC_PUSH(vec, item)                                               \
  (pt_array_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v) \
       ? PT_ENOMEM                                                        \
       : ((vec).v[(vec).n++] = (item), 0))

/* A graph about to change loses its lineage (its records no longer line
 * up with the arrays) and its count of resolved edges. */
static inline void pt__graph_touch(pt_graph *g)
{
  g->has_n_resolved = 0;
  if (g->entity_src)
    pt_graph_drop_lineage(g);
}

/* Frees v, or keeps it (size bytes) as the pool's spare of that kind
 * when other graphs share g's pool and it is larger than the spare kept. */
void pt__graph_spare_put(pt_graph *g, pt__spare_kind kind, void *v, size_t size);
/* Frees the pool's spares (the pool goes, or a quiet server drops
 * them); the bytes they held. */
size_t pt__graph_spares_free(pt_graph_pool *p);

/* Makes the held code of a load ranges of the enclosing entities' copies
 * or copies of its own (graph_load_code.c); 0 or PT_ENOMEM. */
int pt__graph_share_loaded_code(pt_graph *g);
void pt__graph_load_code_free(struct pt__load_code *lc);

/* Interns *s in place; PT_ENOMEM only. */
int pt__graph_intern_in_place(pt_graph *g, const char **s);
/* Interns a candidate list (NULL stays NULL) in place. */
int pt__graph_intern_candidates_in_place(pt_graph *g,
                                         const pt_candidates **c);
/* The canonical orders of pt_graph_finish, as qsort comparators. */
int pt__graph_cmp_entity(const void *a, const void *b);
int pt__graph_cmp_edge(const void *a, const void *b);
int pt__graph_cmp_test(const void *a, const void *b);

#endif
