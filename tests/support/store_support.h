/* The store conformance suite, shared by tests/test_store_conformance.c
 * (mem, SQLite: every platform) and tests/platform/posix/test_store_rocksdb.c
 * (RocksDB), and what those suites need around it: a fixture opening a store
 * in a fresh folder, sample graphs, and graph comparisons. */
#ifndef PT_STORE_SUPPORT_H
#define PT_STORE_SUPPORT_H

#include "pt/graph.h"
#include "pt/store.h"
#include "test_support.h"

typedef struct pt_test_backend {
  const char *name;     /* static */
  const char *spec_fmt; /* static; "%s" is the fixture's fresh directory */
} pt_test_backend;

typedef struct pt_test_fixture {
  const pt_test_backend *be; /* borrowed: static */
  char *dir;  /* owned: fresh temporary directory */
  char *spec; /* owned */
  pt_store *st; /* owned */
} pt_test_fixture;

/* cmocka setup and teardown: the prestate is the backend; the state
 * becomes its pt_test_fixture, with the store open. */
int pt_test_fixture_open(void **state);
int pt_test_fixture_close(void **state);
#define STORE_TEST(fn, be)                                                 \
  cmocka_unit_test_prestate_setup_teardown(fn, pt_test_fixture_open,       \
                                           pt_test_fixture_close, (void *)(be))

/* The file or directory behind a fixture's spec. */
const char *pt_test_spec_path(const pt_test_fixture *f);

pt_graph *pt_test_new_graph(void);
/* Finishes g (pt_graph_finish) and returns it. */
pt_graph *pt_test_finished(pt_graph *g);
/* Every record type; every field set, NULL where a field may be NULL, and
 * the extreme values of each integer. */
pt_graph *pt_test_sample_graph(void);
/* A different, smaller graph: one record of each type. */
pt_graph *pt_test_small_graph(void);
/* Every string field of every record holds the same awkward text. */
pt_graph *pt_test_weird_graph(void);
/* A class, a method in it and a closure in the method of f.rs, whose code
 * lies in memory inside the class's as extraction keeps it (code_of: the
 * class's text), and an entity of g.rs whose code pointer lies there too:
 * the saves that keep a nested entity's code once (SQLite schema 7,
 * RocksDB format 10). */
pt_graph *pt_test_nested_graph(const char *code_of);
/* The class's text pt_test_nested_graph's entities lie in. */
extern const char pt_test_nested_code[];

/* The canonical dumps match byte for byte, and so does every field. */
void pt_test_assert_same_graph(const pt_graph *a, const pt_graph *b);
/* Every file record of g given reuse bytes of its own ("reads of I"), as
 * resolution rewrites them after a save began (pt_ingest_opts.keep_reads). */
void pt_test_rewrite_file_reuse(pt_graph *g);
/* Loads the store into a fresh graph and compares it with want. */
void pt_test_assert_loads(pt_store *st, const pt_graph *want);
/* The store loads old whole or next whole, never a mix. */
void pt_test_assert_loads_one_of(pt_store *st, const pt_graph *old,
                                 const pt_graph *next);
/* Saves old, then next with allocation n failing for n = 1, 2, ... until
 * the save gets through (in fewer than max_tries): each try returns 0 or
 * PT_ENOMEM, after which the store loads old or next whole (no crash;
 * leaks show under PT_SANITIZE); each_try, when not NULL, checks more
 * after every try. At the end the store loads next. */
void pt_test_assert_save_fails_cleanly(pt_store *st, const pt_graph *old,
                                       const pt_graph *next,
                                       unsigned long max_tries,
                                       void (*each_try)(void *payload),
                                       void *payload);

/* Runs the conformance tests on be as the cmocka group `group`; returns
 * the number of failures. */
int pt_test_store_conformance(const char *group, const pt_test_backend *be);

#endif
