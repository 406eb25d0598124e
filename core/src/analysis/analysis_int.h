/* Core-private helpers shared by the analysis_*.c files: the distinct edge
 * pairs and undirected neighbour sets derived from a query graph, and the
 * one ranking order (score descending, node id ascending). */
#ifndef PT_ANALYSIS_INT_H
#define PT_ANALYSIS_INT_H

#include "pt/analysis.h"

/* A CSR adjacency over the query graph's node ids. */
typedef struct pt__adj {
  size_t n_nodes;
  size_t n_links;
  uint32_t *off;  /* owned; n_nodes + 1 offsets */
  uint32_t *to;   /* owned; sorted ascending within each node */
} pt__adj;
void pt__adj_fini(pt__adj *a);

/* The distinct (from, to) pairs (docs/contract/http-api.md 2), forward (by
 * from, sorted by to) and, when rev is not NULL, reverse (by to, sorted by
 * from). */
int pt__pairs_build(const pt_qgraph *q, pt__adj *fwd, pt__adj *rev);
/* Undirected simple neighbour sets: set(forward[v] U reverse[v]); a
 * self-loop puts v in its own set. */
int pt__neighbours_build(const pt_qgraph *q, pt__adj *out);

/* A pt_scores for q with score zeroed and no order yet. */
int pt__scores_new(const pt_qgraph *q, pt_scores **out);
/* Fills s->order with the analysis nodes by score descending, id asc. */
int pt__scores_order(const pt_qgraph *q, pt_scores *s);
/* The analysis nodes sorted by key[v] descending (uint32 keys), id
 * ascending, into a new array of *n entries. */
int pt__order_by_count(const pt_qgraph *q, const uint32_t *key,
                       uint32_t **order, size_t *n);

/* Groups the analysis nodes by label (labels < n_labels): groups by size
 * descending, then smallest member; members ascending. Fills off,
 * members and n_groups of gr; *first (optional, caller frees) gets each
 * group's label. */
int pt__groups_build(const pt_qgraph *q, const uint32_t *label,
                     size_t n_labels, pt_groups *gr, uint32_t **first);

#endif
