/* The in-memory graph: every entity, edge, file record, excluded test and
 * ignored file of an index. It is the one model queries read and stores
 * persist. All strings live in the graph's own interned pool. */
#ifndef PT_GRAPH_H
#define PT_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "pt/buf.h"
#include "pt/model.h"

typedef struct pt_graph pt_graph;

int pt_graph_new(pt_graph **out);
/* An empty graph whose strings go to src's pool (see pt_graph_patch). */
int pt_graph_new_sharing(const pt_graph *src, pt_graph **out);
void pt_graph_free(pt_graph *g);

/* The string pool of a graph, shared by the graphs patched from it. A
 * retained pool outlives its graphs until released (thread-safe). */
typedef struct pt_graph_pool pt_graph_pool;
pt_graph_pool *pt_graph_pool_retain(const pt_graph *g);
void pt_graph_pool_release(pt_graph_pool *p);
const pt_graph_pool *pt_graph_pool_of(const pt_graph *g);
/* Bytes of strings in g's pool, its own and the graphs' it shares with. */
size_t pt_graph_pool_bytes(const pt_graph *g);

/* The add functions copy every string of the record into the graph (and
 * a file record's reuse bytes, and an edge's candidates). */
int pt_graph_add_entity(pt_graph *g, const pt_entity *e);
/* The same, for an entity whose strings are all in g's pool already: key,
 * name, qualname, file_path and parent_key from pt_graph_intern(g, ...),
 * signature and code from pt_graph_copy_text(g, ...) (a load that interned
 * each distinct string once); nothing is copied. */
int pt_graph_add_entity_interned(pt_graph *g, const pt_entity *e);
int pt_graph_add_edge(pt_graph *g, const pt_edge *e);
/* The same, for an edge whose from_key and file_path came from
 * pt_graph_intern(g, ...), and its to_key too when to_interned is set:
 * those are not looked up again (resolution adds edges by the hundred
 * thousand). */
int pt_graph_add_edge_interned(pt_graph *g, const pt_edge *e, int to_interned);
int pt_graph_add_file(pt_graph *g, const pt_file_record *f);
int pt_graph_add_test(pt_graph *g, const pt_test_entity *t);
/* The same, for a test whose strings all came from pt_graph_intern(g, ...)
 * or pt_graph_intern_copies(g, ...): nothing is copied. */
int pt_graph_add_test_interned(pt_graph *g, const pt_test_entity *t);
int pt_graph_add_ignored(pt_graph *g, const pt_ignored_file *f);
/* Metadata (e.g. "root", "tool_version"); replaces an existing name. */
int pt_graph_set_meta(pt_graph *g, const char *name, const char *value);

/* The candidate list of n candidates whose n_keys keys (1 to
 * PT_CANDIDATES_MAX, any order, no repeats) are given, in g's pool: the
 * keys interned and sorted, and one list of equal contents made once.
 * PT_EINVAL for counts out of range, PT_ENOMEM. */
int pt_graph_intern_candidates(pt_graph *g, uint32_t n,
                               const char *const *keys, uint32_t n_keys,
                               const pt_candidates **out);
/* The same, for keys that came from pt_graph_intern(g, ...): they are not
 * looked up again. */
int pt_graph_intern_candidates_interned(pt_graph *g, uint32_t n,
                                        const char *const *keys,
                                        uint32_t n_keys,
                                        const pt_candidates **out);

/* Makes room for n more edges at once (a known count saves the doubling
 * copies of a large array). */
int pt_graph_reserve_edges(pt_graph *g, size_t n);
/* Drops, of the edges from index `from` on, those pt_graph_finish would
 * drop: of the edges with one from_key, to_key and type (the same
 * strings), it keeps the first in the finished graph's order. When every
 * edge with the from_keys of these is among them (a run of whole files),
 * the finished graph is the same with or without this, and holds it
 * smaller until then (a third of PostgreSQL's edges repeat one). Keeps
 * the others' order. PT_ENOMEM leaves the edges as they are. */
int pt_graph_drop_repeated_edges(pt_graph *g, size_t from);
/* Appends the n edges of v, whose strings and candidate lists are all
 * g's (pt_graph_intern...), in order, and takes v (an array of cap edges
 * from pt_malloc): a graph without edges keeps it as its own, else its
 * edges are copied and v freed. v is freed also on failure (PT_ENOMEM). */
int pt_graph_take_edges(pt_graph *g, pt_edge *v, size_t n, size_t cap);

/* Interns s in the graph's pool; the result lives as long as the graph.
 * NULL when out of memory. */
const char *pt_graph_intern(pt_graph *g, const char *s);
/* The pool's string of s's text, or NULL when the pool holds none (or s
 * is NULL): a lookup that adds nothing, so threads may look up at once
 * while none interns. */
const char *pt_graph_interned(const pt_graph *g, const char *s);
/* A copy of the len bytes at s (no NUL among them) and a terminator in
 * g's pool, not interned (large texts that rarely repeat: entity code);
 * NULL when out of memory. */
const char *pt_graph_copy_text(pt_graph *g, const char *s, size_t len);
/* Interns n strings that are copies in g's pool already (from
 * pt_graph_copy_text): s[i], of len[i] bytes, becomes the pool's string
 * of that text, itself unless an equal one was there (or earlier in s).
 * The map is filled in the order of its slots, not of s: a load's
 * hundreds of thousands of new strings then do not miss the cache at
 * each. 0, or PT_ENOMEM with the strings not all interned. */
int pt_graph_intern_copies(pt_graph *g, const char **s, const size_t *len,
                           size_t n);
/* Interns *s in place (NULL stays NULL), first comparing it with *last,
 * the string interned for the previous row: loads reading rows grouped by
 * one value (edges by from_key) then skip the lookup. *last becomes *s.
 * 0, or PT_ENOMEM. */
int pt_graph_intern_after(pt_graph *g, const char **last, const char **s);
/* Makes room in the pool for n more distinct strings at once (a load that
 * knows its row counts saves the map's doubling copies). PT_ENOMEM. */
int pt_graph_reserve_strings(pt_graph *g, size_t n);

/* Puts everything in canonical order and drops duplicate edges (same from,
 * to and type: the first location in path/line order is kept). Entities by
 * key, edges by (from, to, type), files, tests and ignored files by path. */
int pt_graph_finish(pt_graph *g);
/* pt_graph_finish of a graph finished before and given only edges since
 * (a load that reads the edges last): the entities, in order already, are
 * not compared again. */
int pt_graph_finish_edges(pt_graph *g);
/* Sort the addresses of n records into pt_graph_finish's order, for
 * records sorted apart from their graph (a save begun before the graph
 * is finished): entities by key, file path and first line; tests by
 * file, first line and key; file records and ignored files by path. */
void pt_graph_sort_entity_refs(const pt_entity **v, size_t n);
void pt_graph_sort_test_refs(const pt_test_entity **v, size_t n);
void pt_graph_sort_file_refs(const pt_file_record **v, size_t n);
void pt_graph_sort_ignored_refs(const pt_ignored_file **v, size_t n);

/* One file's new records for pt_graph_patch. */
typedef struct pt_graph_file_patch {
  const char *path;
  const pt_entity *entities;   /* its entities now */
  size_t n_entities;
  const pt_test_entity *tests;
  size_t n_tests;
  const pt_file_record *file;  /* NULL: the file left */
  const pt_edge *edges;        /* every edge written in the file */
  size_t n_edges;
} pt_graph_file_patch;

/* A new finished graph: prev (finished) with the records of some files
 * (entities, tests, file record, the edges written in them) replaced, in
 * canonical order, sharing prev's string pool; prev itself is not changed
 * and may still be read. A file whose `file` is NULL leaves the graph (its
 * records go, nothing comes); a file prev has not got joins it. The new
 * entity keys must be unique in the result (the caller's check): then the
 * result is what finishing the whole graph again would give. */
int pt_graph_patch(const pt_graph *prev, const pt_graph_file_patch *files, size_t n,
                   pt_graph **out);
/* Edges of files whose other records stay (files only resolved again, of
 * which a few edges changed): prev's edges at drop[0..n_drop) (indexes,
 * ascending, none of a file patched whole) leave and add[0..n_add) join,
 * so that a patch costs what changed rather than what those files hold.
 * patched[0..n_patched), when not NULL: prev's edges written in the files
 * patched whole (indexes, ascending), with which the merge of a large
 * graph's edges splits in two parts on two threads; a list that is wrong
 * costs the merge once more in one piece, never a different graph. */
typedef struct pt_graph_edge_patch {
  const size_t *drop;
  size_t n_drop;
  const pt_edge *add;
  size_t n_add;
  const size_t *patched;
  size_t n_patched;
} pt_graph_edge_patch;
/* pt_graph_patch, and the edges of ep (NULL: none) changed as it says. */
int pt_graph_patch_edges(const pt_graph *prev, const pt_graph_file_patch *files,
                         size_t n, const pt_graph_edge_patch *ep, pt_graph **out);
/* The ignored entries of g, a graph pt_graph_patch just made (before
 * anyone reads it), replaced by v[0..n) (sorted by path, each path once:
 * else PT_EINVAL; strings copied into g's pool): the entries a patch of
 * the files a walk leaves out made. g keeps its lineage, which counts no
 * ignored entries. */
int pt_graph_patch_ignored(pt_graph *g, const pt_ignored_file *v, size_t n);
/* Makes the arrays a patch of g of about its size fills (kept by g's pool
 * until a patch takes them or the pool goes), their pages touched, so that
 * the first patch does not fault fresh pages in (on a graph of 1.4 million
 * edges, 125 MB: about 50 ms). *made: the bytes made now, 0 when the pool
 * keeps arrays fit already. The live index calls it after a full pass. */
int pt_graph_prepare_patch(const pt_graph *g, size_t *made);
/* The same on a thread of its own, started now: the next patch of a graph
 * sharing g's pool waits for it only where it takes those arrays, so the
 * making runs beside the patch's parse and resolution (the live index,
 * when a change comes after the quiet trim dropped them). Whatever takes,
 * drops or frees the arrays first joins the thread. 0, or an error when
 * no thread could start (nothing made: the patch makes its own). */
int pt_graph_prepare_patch_start(const pt_graph *g);
/* Frees the arrays g's pool keeps for the next patch (those made by
 * pt_graph_prepare_patch and those of graphs freed while others shared
 * the pool): the live index drops them once changes have been quiet, and
 * makes them again when the next change is seen. The bytes freed. */
size_t pt_graph_drop_spares(const pt_graph *g);
/* The bytes of the arrays g's pool keeps for the next patch. */
size_t pt_graph_spare_bytes(const pt_graph *g);

size_t pt_graph_n_entities(const pt_graph *g);
size_t pt_graph_n_edges(const pt_graph *g);
/* The edges whose resolved is set: kept by pt_graph_finish and the patches
 * (a pass over every edge is 5 to 10 ms on 1.4 million edges, at each
 * live update), counted when an edge came in since. */
size_t pt_graph_n_resolved_edges(const pt_graph *g);
size_t pt_graph_n_files(const pt_graph *g);
size_t pt_graph_n_tests(const pt_graph *g);
size_t pt_graph_n_ignored(const pt_graph *g);
size_t pt_graph_n_meta(const pt_graph *g);
/* Borrowed views, valid until the graph changes. */
const pt_entity *pt_graph_entities(const pt_graph *g);
const pt_edge *pt_graph_edges(const pt_graph *g);
const pt_file_record *pt_graph_files(const pt_graph *g);
const pt_test_entity *pt_graph_tests(const pt_graph *g);
const pt_ignored_file *pt_graph_ignored(const pt_graph *g);
/* The i-th metadata pair, in name order after pt_graph_finish. */
void pt_graph_meta_at(const pt_graph *g, size_t i, const char **name,
                      const char **value);
/* The file record of a root-relative path, or NULL (binary search: the
 * graph must be finished). */
const pt_file_record *pt_graph_find_file(const pt_graph *g, const char *path);
/* The reuse bytes of the file record at path become a copy of reuse[0..n)
 * (bookkeeping only: what a later run reuses): 0, PT_ENOTFOUND, PT_ENOMEM. */
int pt_graph_set_file_reuse(pt_graph *g, const char *path, const void *reuse,
                            size_t n);
/* The value of a metadata name, or NULL. */
const char *pt_graph_meta(const pt_graph *g, const char *name);

/* Counts the edges by the language of their referring entity (its key's
 * prefix) and by resolution into out[lang][resolution] (zeroed first);
 * an edge whose key names no language is not counted. */
void pt_graph_count_resolutions(const pt_graph *g,
                                size_t out[PT_LANG__COUNT][PT_RES__COUNT]);

/* ---- comparing two finished graphs (graph_compare.c) ---- */

/* 1 when a and b hold the same records field by field (every entity, edge,
 * file record, test, ignored file and metadata pair: what pt_graph_dump
 * would show; a file record's mtime_ns and reuse bytes are bookkeeping and
 * not compared), else 0. Neither graph changes. */
int pt_graph_equal(const pt_graph *a, const pt_graph *b);
/* 1 when two candidate lists (either may be NULL) hold the same counts
 * and keys, else 0. */
int pt_graph_candidates_equal(const pt_candidates *a, const pt_candidates *b);

/* What came and went between two versions of an index. */
typedef struct pt_graph_changes {
  size_t files_removed;      /* file records in old whose path now lacks */
  size_t entities_added;     /* entity keys only in now */
  size_t entities_removed;   /* entity keys only in old */
} pt_graph_changes;
/* Counts by path and key; old may be NULL (everything in now is added). */
void pt_graph_count_changes(const pt_graph *old, const pt_graph *now,
                            pt_graph_changes *out);

/* How pt_graph_patch made a graph from the one it patched: what is built
 * on both (the server's query graph, the live index's change counts) is
 * updated from it instead of made again over the whole graph. */
#define PT_GRAPH_NEW UINT32_MAX
typedef struct pt_graph_lineage {
  const pt_graph *base;        /* borrowed: the graph patched; the caller
                                  knows whether it is still alive */
  const uint32_t *entity_src;  /* by entity: its index in base, or
                                  PT_GRAPH_NEW for a record the patch made */
  const uint32_t *edge_src;    /* by edge: the same */
  pt_graph_changes changes;    /* what pt_graph_count_changes(base, g)
                                  counts */
} pt_graph_lineage;
/* 1 with *out filled when g came from pt_graph_patch and has not changed
 * since (adding a record or finishing g again drops its lineage), else 0.
 * The arrays are g's and live until the lineage is dropped. */
int pt_graph_lineage_of(const pt_graph *g, pt_graph_lineage *out);
/* Frees g's lineage (its memory: 4 bytes a record). */
void pt_graph_drop_lineage(pt_graph *g);

/* What changed in one file between two versions of an index. */
typedef struct pt_graph_file_changes {
  int in_before, in_after;   /* the file has a record in old / in now */
  int hash_changed;          /* its content hash differs (or it came/went) */
  size_t entities_before, entities_after;  /* the file's entities */
  size_t entities_added, entities_removed; /* by key */
  size_t entities_modified;  /* same key, some other field differs */
  size_t edges_added, edges_removed; /* edges written in the file, by
                                        (from, to, type) */
} pt_graph_file_changes;
/* Counts the changes of root-relative `path` (borrowed) into *out; old may
 * be NULL (the file is new). 0, or PT_ENOMEM with the edge counts
 * incomplete. */
int pt_graph_count_file_changes(const pt_graph *old, const pt_graph *now,
                                const char *path, pt_graph_file_changes *out);

/* Appends a canonical, line-oriented text form of the whole graph (after
 * pt_graph_finish): the same graph always gives the same bytes. Sections
 * "entity", "edge", "file", "test", "ignored", "meta"; one record a line,
 * fields separated by tabs. Entity code is represented by its hash; an
 * edge with candidates ends with their count and their keys. */
int pt_graph_dump(const pt_graph *g, pt_buf *out);

/* The brief dump fixtures are written in, one record a line:
 *   entity <type> <path>:<qualname> <start>-<end>
 *   edge <Type> <path>:<qualname> -> <path>:<qualname> [<resolution>]
 *   edge <Type> <path>:<file> -> ?<name> [<resolution>]  (file scope, unresolved)
 *   <2 spaces>candidates <n>: <path>:<qualname>, ...  (under an ambiguous
 *     edge: its candidates, at most PT_CANDIDATES_MAX shown)
 *   test <type> <path>:<name> <reason>
 *   ignored <path> <reason> */
int pt_graph_dump_brief(const pt_graph *g, pt_buf *out);

#endif
