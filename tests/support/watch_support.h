/* The watcher suites' fixture (tests/support/watch_support.c): a watcher on
 * a fresh temporary folder, its events collected under a mutex and awaited
 * with a bounded loop; and the backends of pt/sys/watch.h this build has,
 * which tests/platform/<os>/watch_backends.c describes. Shared by
 * tests/test_watch_conformance.c and the OS-only watcher suites. */
#ifndef PT_WATCH_SUPPORT_H
#define PT_WATCH_SUPPORT_H

#include <stdatomic.h>
#include <stddef.h>

#include "pt/sys/thread.h"
#include "pt/sys/watch.h"
#include "test_support.h"

/* One backend of pt/sys/watch.h and what the tests may expect of it. */
typedef struct pt_test_watch_backend {
  const char *name;     /* static: what pt_watch_backend reports */
  int is_event_based;   /* the OS names every change; 0 when polling, which
                           sees only what outlives a round */
  int is_move_tracked;  /* a moved folder's files are named where they are
                           now; 0 under wine (docs/watcher.md, Windows) */
  void (*select)(void); /* makes pt_watch_start pick this backend; NULL
                           when the build has no other */
  /* Makes more changes in dir than the backend's event queue holds; 0, or
   * nonzero when the limit is unknown and nothing was made (the test
   * skips). NULL: the backend has no queue to overflow. */
  int (*flood)(const char *dir);
} pt_test_watch_backend;

/* tests/platform/<os>/watch_backends.c: the backends of this build, in a
 * static array of *n_out. */
const pt_test_watch_backend *pt_test_watch_backends(size_t *n_out);
/* Renames a file or folder with the OS's own call; fails the test when it
 * fails. */
void pt_test_move(const char *from, const char *to);

typedef struct pt_test_watch_event {
  pt_watch_kind kind;
  char *path; /* owned */
  int is_dir;
  int is_final;
} pt_test_watch_event;

typedef struct pt_test_watch {
  const pt_test_watch_backend *be; /* borrowed: static */
  char *dir;                       /* owned: the watched root */
  pt_mutex *mu;                    /* owned: guards v and n */
  pt_test_watch_event *v;          /* owned */
  size_t n, cap;
  pt_watch *w;           /* owned; NULL until started */
  atomic_int is_held;    /* the callback waits while set */
  atomic_int is_waiting; /* the callback is waiting */
} pt_test_watch;

/* cmocka setup and teardown: the prestate is the backend, selected before
 * the test; the state becomes its pt_test_watch, with an empty root and no
 * watcher yet. */
int pt_test_watch_open(void **state);
int pt_test_watch_close(void **state);
#define WATCH_TEST(fn, be)                                                     \
  cmocka_unit_test_prestate_setup_teardown(fn, pt_test_watch_open,             \
                                           pt_test_watch_close, (void *)(be))

/* The callback of pt_test_watch_start: records the event in the
 * pt_test_watch given as payload, waiting first while is_held is set. */
void pt_test_watch_on_event(const pt_watch_event *ev, void *payload);
/* Starts f->w on f->dir and checks that it runs on f->be. */
void pt_test_watch_start(pt_test_watch *f, const char *const *skip,
                         size_t n_skip, unsigned poll_ms);
/* The events reported so far that match kind, path and is_dir. */
int pt_test_watch_count(pt_test_watch *f, pt_watch_kind kind, const char *path,
                        int is_dir);
/* Of those, the ones that said the file's writer is done (is_final). */
int pt_test_watch_count_final(pt_test_watch *f, pt_watch_kind kind,
                              const char *path);
/* The events reported so far whose path starts with prefix. */
int pt_test_watch_count_prefix(pt_test_watch *f, const char *prefix);
/* Waits (bounded) until the event has been reported; else lists what was
 * reported and fails the test. */
void pt_test_watch_expect(pt_test_watch *f, pt_watch_kind kind,
                          const char *path, int is_dir);
/* Writes the file `name` in the root and waits for it: every change made
 * before it has then been reported too (events come in order; a poll
 * round that sees the marker sees everything older). */
void pt_test_watch_sync(pt_test_watch *f, const char *name);
/* "root/rel"; the caller frees it. */
char *pt_test_watch_path(pt_test_watch *f, const char *rel);

#endif
