/* Shared helpers for the cmocka suites: temporary folders, writing fixture
 * files, and indexing a folder into a finished graph. */
#ifndef PT_TEST_SUPPORT_H
#define PT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pt/buf.h"
#include "pt/lang.h"

/* A fresh empty folder under the build tree, unique per call; caller frees. */
char *pt_test_tmpdir(const char *tag);
/* Writes text to dir/rel, creating parent folders. */
void pt_test_write(const char *dir, const char *rel, const char *text);
/* Reads a whole file; fails the test when missing. Caller frees. */
char *pt_test_read(const char *path);

struct pt_graph;
/* A finished graph from a compact edge list such as "A>B A>C B>D", every
 * edge of type Calls (or "A-uses>B" for Uses, "A-ext>B", "A-impl>B"). Every
 * named node becomes a function entity "c:fn:<name>:__src_x:T1" in file
 * "src/x.c", unless its name starts with '?', which makes it an unresolved
 * placeholder target instead. Nodes are keyed so that key order is name
 * order. */
struct pt_graph *pt_test_graph(const char *edges);

struct pt_file_result;
/* One source text extracted with queries and an extractor of its own (the
 * result outlives both; the test fails on an error). Caller frees it
 * with pt_file_result_free. */
struct pt_file_result *pt_test_extract(pt_grammar grammar, const char *path,
                                       const char *src, size_t len);

struct pt_qgraph;
/* Indexes root on one thread into *g (the test fails on an error) and,
 * when q is not NULL, builds the graph's query graph into *q. */
void pt_test_index(const char *root, struct pt_graph **g,
                   struct pt_qgraph **q);

/* The node of a name of pt_test_graph in its query graph; fails the test
 * when the name is not there. */
uint32_t pt_test_node(const struct pt_qgraph *q, const char *name);

#endif
