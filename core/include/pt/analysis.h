/* Graph algorithms over the query graph (docs/contract/http-api.md
 * 5.11-5.23, 6): SCCs, PageRank, betweenness, k-cores, Leiden, label
 * propagation, cycle scan, CK/SQALE/entropy metrics, hotspots and smart
 * context. Pure functions: they read a pt_qgraph and return plain arrays.
 *
 * Nodes. The contract's graph (3.5) has as nodes the distinct from/to strings
 * of the kept edges. A pt_qgraph also numbers entity keys without edges (and,
 * with a scope, keys whose edges were all filtered out); those are NOT nodes
 * here: pt_analysis_is_node() is false for them, they get zero values in
 * per-node arrays and appear in no list, SCC or cluster, and they do not
 * count in PageRank's N.
 *
 * Determinism (7). Where the original's order depended on hash iteration we
 * use one rule everywhere: nodes are visited in node-id order, which is key
 * order (byte-wise ascending), and every tie between nodes is broken by key
 * ascending (= node id ascending). Between groups (SCCs, clusters,
 * communities) of equal size, the group whose smallest member key is smaller
 * comes first; members are listed in key order. Each function documents any
 * further rule it needs.
 *
 * Ownership. Every result returned through `out` is owned by the caller and
 * freed with the matching _free function (all accept NULL). Node ids index
 * the qgraph (q->key[v]); results do not borrow from q.
 *
 * Errors: PT_ENOMEM (nothing leaks); PT_EINVAL for a NULL graph or out. */
#ifndef PT_ANALYSIS_H
#define PT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/qgraph.h"
#include "pt/test_map.h"

#define PT_NO_NODE UINT32_MAX

/* Is v a node of the contract's analysis graph (an end of some kept edge)? */
static inline int pt_analysis_is_node(const pt_qgraph *q, uint32_t v)
{
  return q->fwd_off[v + 1] > q->fwd_off[v] || q->rev_off[v + 1] > q->rev_off[v];
}

/* ---- Scores by node (PageRank, betweenness, hotspots, k-core, ...) ---- */

/* One double per node and the nodes ordered for ranking. */
typedef struct pt_scores {
  size_t n_nodes;        /* = q->n_nodes */
  double *score;         /* owned; by node id; 0.0 for non-nodes */
  size_t n_order;        /* the analysis nodes */
  uint32_t *order;       /* owned; nodes by score descending, key ascending */
  unsigned n_iterations; /* PageRank: iterations run (the converging one
                            included); 0 for the others */
  size_t n_sources;      /* betweenness: sources used (all nodes when
                            exact); 0 for the others */
} pt_scores;
void pt_scores_free(pt_scores *s);

/* PageRank of 6.2 on the multigraph (duplicates counted, dangling mass
 * spread uniformly, synchronous updates). The handler's constants are
 * damping 0.85, max_iter 100, tol 1e-6. Sums run over rev lists in edge
 * order, so the last bits are reproducible. */
int pt_pagerank(const pt_qgraph *q, double damping, unsigned max_iter,
                double tol, pt_scores **out);
/* Brandes betweenness of 6.3: directed, unweighted, unnormalised, a
 * duplicated edge counted twice. Sources in node order. O(V*E). */
int pt_betweenness(const pt_qgraph *q, pt_scores **out);
/* Betweenness from at most max_sources sources (Brandes and Pich's
 * sampling): every k-th node in node order, scores scaled by nodes per
 * source. Exact, as pt_betweenness, when the graph has no more nodes than
 * max_sources. *n_sources (may be NULL) gets the number used. */
int pt_betweenness_sampled(const pt_qgraph *q, size_t max_sources,
                           pt_scores **out, size_t *n_sources);

/* ---- Strongly connected components (5.17) ---- */

typedef struct pt_sccs {
  size_t n_sccs;
  uint32_t *off;     /* owned; n_sccs + 1 offsets into members */
  uint32_t *members; /* owned; node ids, ascending within each SCC */
  uint32_t *comp;    /* owned; by node: its SCC index, PT_NO_NODE if none */
} pt_sccs;
/* Iterative Tarjan. All SCCs, singletons included, sorted by size
 * descending, then by smallest member. */
int pt_scc(const pt_qgraph *q, pt_sccs **out);
void pt_sccs_free(pt_sccs *s);
/* "NONE" (size <= 1), "MEDIUM" (2), "HIGH" (>= 3). */
const char *pt_scc_risk(size_t size);

/* ---- K-core (5.19) ---- */

/* Coreness on the undirected simple view (self-loops add 1); scores hold
 * the coreness as doubles, order is coreness descending, key ascending. */
int pt_kcore(const pt_qgraph *q, pt_scores **out);
/* "CORE" (>= 8), "MID" (3..7), "PERIPHERAL" (< 3). */
const char *pt_kcore_layer(uint32_t coreness);

/* ---- Groups of nodes: label propagation (5.13) and Leiden (5.23) ---- */

typedef struct pt_groups {
  size_t n_groups;
  uint32_t *off;      /* owned; n_groups + 1 offsets into members */
  uint32_t *members;  /* owned; node ids, ascending within each group */
  uint32_t *internal; /* owned; by group: pairs with both ends in it
                         (label propagation only; NULL for Leiden) */
  uint32_t *external; /* owned; by group: pairs with one end in it */
  uint32_t *id;       /* owned; Leiden's renumbered community id by group
                         (NULL for label propagation: cluster_id = index+1) */
  double modularity;  /* Leiden only (6.5) */
  size_t n_nodes;     /* the analysis nodes: sum of group sizes */
} pt_groups;
void pt_groups_free(pt_groups *gr);

/* Label propagation over the distinct pairs: up to 10 sweeps in node
 * order, in place; the most frequent neighbour label wins, ties to the
 * smallest label (= smallest node id). Groups by size descending, then
 * smallest member. */
int pt_label_clusters(const pt_qgraph *q, pt_groups **out);
/* Leiden-style communities of 6.5 (gamma 1.0, at most 10 rounds). Where
 * the original iterates a hash map we go in ascending order: candidate
 * communities by id (a strictly greater gain is needed to replace the
 * current best, so the smallest id wins ties), refinement by community
 * id, and renumbering by first appearance in node order. Groups by size
 * descending, then by id. */
int pt_leiden(const pt_qgraph *q, pt_groups **out);
/* Modularity of 6.5 for a partition given as a community id by node (ids
 * < q->n_nodes; non-nodes ignored): 1/(2m) times the sum over same-
 * community ordered pairs of A_ij - outdeg(i)*indeg(j)/m, where A_ij is 1
 * for a pair with any edge. 0.0 when there are no edges. */
int pt_modularity(const pt_qgraph *q, const uint32_t *comm, double *out);

/* ---- Circular dependencies (5.11) ---- */

typedef struct pt_cycles {
  size_t n_cycles;
  uint32_t *off;   /* owned; n_cycles + 1 offsets into path */
  uint32_t *path;  /* owned; each cycle's nodes, first node repeated last;
                      length (edges) = path entries - 1 */
} pt_cycles;
/* Colouring DFS over the distinct pairs, one cycle per back edge. Roots
 * and neighbours in node order; cycles in the order found. */
int pt_cycles_scan(const pt_qgraph *q, pt_cycles **out);
void pt_cycles_free(pt_cycles *c);

/* ---- Hotspots (5.12) ---- */

typedef struct pt_hotspots {
  size_t n_nodes;
  uint32_t *inbound;   /* owned; by node: distinct sources */
  uint32_t *outbound;  /* owned; by node: distinct targets */
  size_t n_order;
  uint32_t *order;     /* owned; by inbound+outbound descending, key asc. */
} pt_hotspots;
int pt_hotspots_rank(const pt_qgraph *q, pt_hotspots **out);
void pt_hotspots_free(pt_hotspots *h);

/* ---- CK metrics, SQALE, entropy (6.4, 5.18, 5.21, 5.22) ---- */

typedef struct pt_ck {
  uint32_t cbo;   /* distinct neighbours either way */
  double lcom;    /* share of child pairs with disjoint callee sets */
  uint32_t rfc;   /* distinct callees and their callees */
  uint32_t wmc;   /* out-degree, duplicates counted */
} pt_ck;
typedef struct pt_metrics {
  size_t n_nodes;
  pt_ck *ck;          /* owned; by node (zeros for non-nodes) */
  double *entropy;    /* owned; by node: bits over edge types */
} pt_metrics;
/* CK metrics and type entropy of every node. LCOM compares child pairs
 * pairwise, so a node with k non-leaf children costs O(k^2 * degree). */
int pt_metrics_compute(const pt_qgraph *q, pt_metrics **out);
void pt_metrics_free(pt_metrics *m);
/* Health grade of 5.22: 'A', 'B', 'C', 'D' or 'F'. */
char pt_ck_grade(const pt_ck *ck);
/* "LOW" (< 1.0), "MODERATE" (< 1.4), "HIGH". */
const char *pt_entropy_level(double entropy);

enum {
  PT_SQALE_HIGH_COUPLING = 1,   /* CBO > 10: 4 h */
  PT_SQALE_LOW_COHESION = 2,    /* LCOM > 0.8: 8 h */
  PT_SQALE_HIGH_COMPLEXITY = 4  /* WMC > 15: 2 h */
};
/* The violations of 5.18 as PT_SQALE_* bits; *hours gets their sum. */
unsigned pt_sqale_violations(const pt_ck *ck, double *hours);
/* "NONE" (0), "LOW" (<= 4), "MEDIUM" (<= 8), "HIGH". */
const char *pt_sqale_severity(double hours);

/* ---- Smart context (5.14) ---- */

typedef enum pt_context_kind {
  PT_CONTEXT_CALLER,      /* "direct_caller", 1.0 */
  PT_CONTEXT_CALLEE,      /* "direct_callee", 0.95 */
  PT_CONTEXT_TRANSITIVE   /* "transitive_depth_<depth>", depth 2..4 */
} pt_context_kind;
typedef struct pt_context_item {
  uint32_t node;
  double score;
  pt_context_kind kind;
  unsigned depth;          /* transitive only */
  size_t tokens;           /* 100 + strlen(key) / 10 */
} pt_context_item;
typedef struct pt_context {
  size_t n_items;
  pt_context_item *items;  /* owned; included items, score descending
                              (discovery order among equal scores) */
  size_t tokens_used;
} pt_context;
/* The context of focus_key within a token budget. An unknown focus gives
 * an empty context (not an error). */
int pt_smart_context(const pt_qgraph *q, const char *focus_key, size_t budget,
                     pt_context **out);
void pt_context_free(pt_context *c);

/* ---- tests that reach code (analysis_tests.c) ---- */

/* A test that reaches one of the targets: it depends (calls, uses,
 * extends, implements) on `via`, which reaches `target` in hops - 1 edges
 * along next[] of the result. */
typedef struct pt_test_reach {
  uint32_t test;   /* index into pt_graph_tests */
  unsigned hops;   /* 1: the test depends on a target itself */
  uint32_t via;    /* the node the test depends on */
  uint32_t target; /* the target reached (the nearest one) */
} pt_test_reach;

typedef struct pt_tests_reached {
  pt_test_reach *items; /* nearest first, then by test (path order) */
  size_t n_items;
  uint32_t *next;       /* by node: one step toward its target, PT_NO_NODE
                           at a target and where nothing was reached */
  uint8_t *depth;       /* by node: edges to its target (0 at one); 255
                           where nothing was reached */
  size_t n_dependants;  /* nodes within hops of a target, targets not
                           counted (the blast radius) */
} pt_tests_reached;

/* The tests within `hops` (0-10) dependency edges of any of the targets:
 * a breadth-first walk from all of them over incoming edges up to hops
 * levels (each level in key order; a node keeps the first target and step
 * that reach it), then each test's references in m onto it, its nearest
 * one kept. q must be the unscoped query graph of the graph m was built
 * from. */
int pt_tests_reaching(const pt_qgraph *q, const pt_test_map *m,
                      const uint32_t *targets, size_t n_targets,
                      unsigned hops, pt_tests_reached **out);
void pt_tests_reached_free(pt_tests_reached *r);

/* ---- unified diffs (analysis_diff.c) ---- */

typedef struct pt_diff_file {
  const char *path;         /* the new side's ('/'), the old one's when the
                               file is deleted; in the diff's arena */
  int status;               /* 'M' modified, 'A' added, 'D' deleted */
  uint32_t *ranges;         /* owned: pairs first, last of new-side lines
                               added, or next to removed ones; ascending */
  size_t n_ranges;
  const char *indexed_path; /* set by pt_diff_entities: the indexed file
                               it is (borrowed from the graph), or NULL */
  char *hunks;              /* owned: the hunks' lines as written, each
                               hunk after a line "@<first new line>" */
  size_t hunks_len;
  int is_stale;             /* set by pt_diff_deleted_entities: modified,
                               and changed on disk since indexed (or
                               unreadable), so its old side is unknown */
} pt_diff_file;

typedef struct pt_diff {
  pt_diff_file *files;      /* owned, in diff order */
  size_t n_files;
  pt_arena arena;
} pt_diff;

/* Reads a unified diff (`git diff`, `diff -u`): the files of its ---/+++
 * lines and, from its hunks, the new-side lines touched. Text around the
 * diff and git's extended header lines are skipped. An empty text is a
 * diff of nothing (git's answer for a tree without changes). PT_EPARSE
 * when a text has no file in it or a hunk header is malformed (the message
 * names the line), PT_ENOMEM. */
int pt_diff_parse(const char *text, size_t len, pt_diff **out);
void pt_diff_free(pt_diff *d);
/* The output of `git diff REV` in the work tree at root (paths relative
 * to root, files outside it left out), up to max bytes, in *out
 * (pt_malloc'd, NUL-terminated; free with pt_free) and *len. PT_EINVAL
 * when rev is not a revision name (empty, starting with '-', with blanks
 * or control characters), when git fails (the message is git's first
 * line on stderr: not a work tree, an unknown revision) or the diff is
 * longer than max; PT_ENOTSUPPORTED when git is not available; PT_EBUSY
 * when git runs past a minute; PT_ENOMEM, PT_EIO. */
int pt_diff_git(const char *root, const char *rev, size_t max, char **out,
                size_t *len);
/* The entities of g (indexes into pt_graph_entities, in file then entity
 * order) whose lines meet a touched range, and each file's indexed_path: a
 * diff path is matched as it is, then without its leading folders (a diff
 * of the repository made while a subfolder is indexed). *out is owned
 * (pt_free); PT_ENOMEM. */
/* Implementations (analysis_impls.c): of an interface or trait type at
 * node v (Java, C# and TypeScript interfaces, Rust traits, Swift
 * protocols), the nodes of the types that implement or extend it,
 * directly or through one another (incoming Implements and Extends edges:
 * a Rust impl block, a class, a sub-interface); of a method written in
 * one, the methods of its name written in those types. Nodes in key order
 * into *out (caller frees with pt_free), their count into *n_out;
 * *applies is 0, and nothing listed, when v is neither. Interfaces a type
 * satisfies without naming them (Go) have no such edges: none listed. */
int pt_implementations(const pt_qgraph *q, uint32_t v, uint32_t **out,
                       size_t *n_out, int *applies);

int pt_diff_entities(const pt_graph *g, pt_diff *d, uint32_t **out,
                     size_t *n_out);

/* An entity the diff deletes: on the old side of a file, and no entity of
 * that name and kind is in the graph's file now. */
typedef struct pt_diff_deleted {
  const char *name;       /* in the result's arena */
  const char *file_path;  /* the indexed path (the diff's for a deleted
                             file); in the arena */
  pt_kind kind;
  uint32_t line_start;    /* on the old side */
  uint32_t line_end;
  uint32_t *dependents;   /* in the arena: q's nodes whose unresolved
                             references name it, ascending */
  size_t n_dependents;
} pt_diff_deleted;

typedef struct pt_diff_deletions {
  pt_diff_deleted *items; /* owned, in diff then old line order */
  size_t n_items;
  size_t n_stale;         /* modified files skipped (is_stale) */
  pt_arena arena;
} pt_diff_deletions;

/* The entities d deletes. Each modified file's old side is the indexed
 * file under root (absolute, '/') with the hunks applied in reverse, read
 * only when its content hash is the index's (else the file is_stale and
 * skipped); a deleted file's old side is its '-' lines. The old sides are
 * extracted, their entities missing from g's file now kept, with the nodes
 * of q (g's unscoped query graph) whose unresolved references name them.
 * Call pt_diff_entities first (it sets indexed_path). PT_ENOMEM; a file
 * that cannot be parsed is skipped. */
int pt_diff_deleted_entities(const pt_graph *g, const pt_qgraph *q,
                             const char *root, pt_diff *d,
                             pt_diff_deletions **out);
void pt_diff_deletions_free(pt_diff_deletions *x);
/* The nodes a diff's walk starts from: changed, then the dependents of x's
 * entities not among them (the affected at depth 1), each once. *out is
 * owned (pt_free); PT_ENOMEM. */
int pt_diff_targets(const uint32_t *changed, size_t n_changed,
                    const pt_diff_deletions *x, uint32_t **out, size_t *n_out);

#endif
