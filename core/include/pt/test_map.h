/* What the tests call: the test entities of an index (left out of the
 * graph, docs/extraction.md "Tests") with their references resolved as
 * ingestion resolves code's own, for the queries that select tests
 * (/tests-covering-entity, /diff-impact-analysis). The graph keeps no
 * test edges, so nothing else changes; the map is made on demand from the
 * indexed files, read again and checked against the index's content
 * hashes. */
#ifndef PT_TEST_MAP_H
#define PT_TEST_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "pt/graph.h"

/* One resolved reference made by a test. */
typedef struct pt_test_call {
  uint32_t test;        /* index into pt_graph_tests */
  const char *to_key;   /* borrowed from the graph: an entity's key */
  pt_edge_type type;
  uint32_t line;        /* where the test makes it */
} pt_test_call;

typedef struct pt_test_map {
  pt_test_call *calls;  /* owned: by test, then in source order */
  size_t n_calls;
  size_t n_files;       /* files with tests read */
  size_t n_stale;       /* ... skipped: changed on disk since they were
                           indexed, or unreadable (their tests call
                           nothing here until the index has them again) */
} pt_test_map;

/* Reads the files of g's tests under root (absolute, '/'), extracts them
 * again with their tests' references and resolves those against g. The
 * map borrows g's strings: free it before g. PT_ENOMEM; a file that
 * cannot be read or parsed is counted in n_stale, not an error. */
int pt_test_map_build(const pt_graph *g, const char *root, pt_test_map **out);
void pt_test_map_free(pt_test_map *m);

/* One graph's map, made by the first caller that needs it and kept: what
 * a served snapshot holds (storage the owner provides). */
typedef struct pt_test_map_slot {
  struct pt_mutex *mu; /* owned */
  pt_test_map *map;    /* owned, NULL until made */
} pt_test_map_slot;
int pt_test_map_slot_init(pt_test_map_slot *s);
void pt_test_map_slot_fini(pt_test_map_slot *s);
/* The map of g (its "root" metadata names the folder), made on the first
 * call; *out is borrowed from the slot. Thread-safe; PT_ENOMEM. */
int pt_test_map_get(pt_test_map_slot *s, const pt_graph *g,
                    const pt_test_map **out);

#endif
