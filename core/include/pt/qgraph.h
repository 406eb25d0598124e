/* The query graph: the directed multigraph every graph endpoint reads
 * (docs/contract/http-api.md 3.5), built once from a finished pt_graph.
 * Nodes are every distinct key that is an entity or an edge end
 * (placeholders and file keys included), numbered in key order; edges are
 * the (from, to, type) triples in CSR form, forward and reverse, in triple
 * order. */
#ifndef PT_QGRAPH_H
#define PT_QGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "pt/graph.h"
#include "pt/path.h"

typedef struct pt_qgraph {
  const pt_graph *g;        /* borrowed: must outlive the query graph */
  size_t n_nodes;
  size_t n_edges;           /* triples */
  const char **key;         /* by node: borrowed from g's pool */
  int32_t *entity;          /* by node: index into pt_graph_entities, or -1 */
  uint32_t *fwd_off;        /* n_nodes + 1 offsets into fwd / fwd_type */
  uint32_t *fwd;            /* target node of each edge, by source */
  uint8_t *fwd_type;        /* pt_edge_type of each forward edge */
  uint32_t *rev_off;        /* n_nodes + 1 offsets into rev / rev_type */
  uint32_t *rev;            /* source node of each edge, by target */
  uint8_t *rev_type;
  uint32_t *fwd_edge;       /* by forward slot: index into pt_graph_edges;
                               NULL when slot k is edge k (every edge kept,
                               no scope): pt_qgraph_fwd_edge */
  uint32_t *rev_edge;       /* by reverse slot: index into pt_graph_edges */
} pt_qgraph;

/* A scope filter: L1 and L2 folders of the referring entity ("" = any). */
typedef struct pt_scope {
  const char *l1;
  const char *l2;
} pt_scope;

/* Builds the query graph of g. With a scope, only edges whose from end is
 * an entity in that scope are kept (docs/contract/http-api.md 3.3); nodes
 * are still all keys. */
int pt_qgraph_build(const pt_graph *g, const pt_scope *scope, pt_qgraph **out);
/* The unscoped query graph of g, a graph pt_graph_patch made, from old,
 * the unscoped query graph of the graph it patched (its lineage's base,
 * still alive): what pt_qgraph_build(g, NULL, out) gives, in time spent
 * copying arrays rather than looking every key up and sorting them.
 * PT_EINVAL when g has no lineage or old is not its base's (build it
 * whole then); PT_ENOMEM. */
int pt_qgraph_update(const pt_qgraph *old, const pt_graph *g, pt_qgraph **out);
void pt_qgraph_free(pt_qgraph *q);

/* The node of a key, or -1. */
int64_t pt_qgraph_find(const pt_qgraph *q, const char *key);
static inline uint32_t pt_qgraph_outdeg(const pt_qgraph *q, uint32_t v)
{
  return q->fwd_off[v + 1] - q->fwd_off[v];
}
static inline uint32_t pt_qgraph_indeg(const pt_qgraph *q, uint32_t v)
{
  return q->rev_off[v + 1] - q->rev_off[v];
}
/* The graph edge of forward slot k. */
static inline uint32_t pt_qgraph_fwd_edge(const pt_qgraph *q, uint32_t k)
{
  return q->fwd_edge ? q->fwd_edge[k] : k;
}

/* Does an entity's path fall in scope? A NULL scope admits everything. */
int pt_scope_admits(const pt_scope *scope, const char *path);

#endif
