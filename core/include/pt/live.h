/* The live index behind pt08: keeps the served graph true while files
 * change. A watcher (pt/sys/watch.h) reports paths, a debounce
 * (pt/debounce.h) waits for bursts to settle, then one update re-walks the
 * root with pt01's rules, re-extracts only the files that changed (an
 * ingest cache keeps every other file's parse result) and re-resolves every
 * reference, so the new graph is exactly what a fresh pt01 run would make:
 * references into and out of the changed files are right by construction.
 * The new graph is written through to the store (RocksDB: only the records
 * that differ, in one atomic batch; SQLite: one atomic backup, debounced)
 * and handed to the publisher (the server swaps it in whole: a reader sees
 * the graph before an update or after it, never a mix). docs/live-index.md. */
#ifndef PT_LIVE_H
#define PT_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/store.h"

typedef struct pt_live pt_live;

/* Receives each new graph and owns it from then on. Called on the live
 * thread, or on the thread of pt_live_reindex, one call at a time. */
typedef void (*pt_live_publish_fn)(pt_graph *g, void *payload);

typedef struct pt_live_opts {
  const char *root;            /* borrowed: the indexed folder */
  const char *const *skip;     /* borrowed: absolute paths never walked nor
                                  watched (the database); may be NULL */
  size_t n_skip;
  unsigned n_threads;          /* 0 = one per processor */
  uint64_t max_file_size;      /* 0 = pt01's default */
  pt_store *store;             /* borrowed, may be NULL: written through */
  unsigned quiet_ms;           /* a path is reindexed once quiet this long;
                                  0 = 50 (an editor's save, temporary file
                                  and rename, takes a few ms) */
  unsigned max_delay_ms;       /* ... or once its first event is this old;
                                  0 = 1000 */
  unsigned save_delay_ms;      /* stores without an update op (SQLite):
                                  save once no update came for this long;
                                  0 = 1000 */
  unsigned trim_delay_ms;      /* the heap's free pages go back to the
                                  system once no update came for this
                                  long (after any backup save); 0 = 5000 */
  unsigned save_retry_ms;      /* a failed save is tried again after this
                                  long, 11 times at most, then at the next
                                  change; one the store refuses (a newer
                                  index is there) never; 0 = 5000 */
  FILE *log;                   /* "[FileWatcher] ..." lines; may be NULL */
  pt_live_publish_fn publish;  /* may be NULL: then pt_live keeps its
                                  graphs and frees them */
  void *payload;
  pt_ingest_progress_fn progress; /* may be NULL: pt_live_index's files
                                     done so far */
  void *progress_payload;
  unsigned settle_ms;          /* a path whose last event says its writer
                                  is done (closed after writing, moved,
                                  deleted; inotify tells) is reindexed
                                  once quiet this long instead of
                                  quiet_ms; 0 = 10 */
  void (*prepare)(void *payload); /* may be NULL: called with payload on
                                  the update thread while nothing waits
                                  (when it starts, after a full pass), for
                                  the publisher to make ahead what the
                                  first request of its graph would make */
} pt_live_opts;

/* What one reindex did to one file (the reindex endpoint's answer). */
typedef struct pt_live_delta {
  int in_index_before;         /* the file had a record before / after */
  int in_index_after;
  size_t entities_before, entities_after;
  size_t entities_added, entities_removed, entities_modified;
  size_t edges_added, edges_removed; /* edges written in this file */
  int hash_changed;
  uint64_t elapsed_ns;         /* the whole update, publish included */
} pt_live_delta;

typedef struct pt_live_status {
  int watch_enabled;           /* pt_live_start was asked to watch */
  int watch_running;           /* ... and the watcher runs */
  const char *backend;         /* "inotify", "poll", ...; "" when none */
  const char *root;            /* absolute */
  uint64_t events_seen;        /* watcher events received */
  uint64_t updates;            /* updates that changed the graph */
  uint64_t patches;            /* ... of them, made by patching the graph
                                  (pt_ingest_patch) instead of rebuilding */
  uint64_t files_reindexed;    /* files extracted again by updates */
  uint64_t files_parsed;       /* files extracted by any pass or update,
                                  also those that changed nothing */
  uint64_t files_ahead;        /* ... of them, files extracted while their
                                  paths settled, whose results the update
                                  then took instead of parsing them again
                                  (pt_ingest_extract_ahead) */
  uint64_t files_seeded;       /* files of an adopted graph kept for reuse
                                  without parsing (pt_ingest_cache_seed) */
  uint64_t files_compacted;    /* files of the first index whose parse
                                  results the cache keeps as the graph's
                                  (pt_ingest_cache_compact) */
  uint64_t root_passes;        /* whole-root passes done (an adopted
                                  graph's first, catch-ups after a pause) */
  uint64_t files_removed;      /* files that left the index */
  uint64_t wakeups;            /* the update thread's sleeps that ended: it
                                  sleeps until an event, a request or a due
                                  time, so an idle one counts none */
  uint64_t heap_trims;         /* free heap pages given back, once the
                                  changes have been quiet for
                                  trim_delay_ms */
  uint64_t spares_dropped;     /* ... of them, those that also freed the
                                  arrays kept for the next patch */
  uint64_t spares_made;        /* times those arrays were made ahead: when
                                  the update thread starts, after a full
                                  pass, and when a change is seen after a
                                  trim dropped them */
  size_t pending;              /* paths waiting for their debounce */
  unsigned waiters;            /* callers in pt_live_wait_fresh now */
  time_t last_update;          /* wall clock of the last change; 0 = none */
  uint64_t saves;              /* store writes (updates or backups) */
  time_t last_save;            /* wall clock of the last good store write;
                                  0 = none since start */
  uint64_t failed_saves;       /* store writes that failed (each backup
                                  attempt counts; the reason is last_error) */
  int paused;                  /* pt_live_pause holds updates */
  int saves_stopped;           /* the store refused a backup: another
                                  program saved a newer index there; no
                                  save is tried again (last_error says
                                  why) */
  char last_error[256];        /* "" when the last update and save went well */
} pt_live_status;

/* Prepares a live index of opts->root (resolved now; PT_ENOTFOUND when it
 * is missing). Nothing runs yet. */
int pt_live_new(const pt_live_opts *opts, pt_live **out);

/* Indexes the whole root now, filling the cache, and publishes the graph
 * (returned borrowed in *out: it stays alive until the next update). A
 * change made after its walk and before the watcher starts is seen only
 * when pt_live_watch started the watcher first. */
int pt_live_index(pt_live *lv, const pt_graph **out, pt_ingest_stats *stats);

/* Starts the watcher now, before pt_live_index, so that what changes
 * while the root is indexed is seen: its events wait until pt_live_start
 * (lv, 1), which keeps this watcher, and then update the index. A watcher
 * that cannot start is reported in the status, not an error. */
void pt_live_watch(pt_live *lv);

/* Takes g, loaded from the store and owned by the publisher, as the current
 * graph, and seeds the ingest cache from its file records
 * (pt_ingest_cache_seed). The background thread's first pass then
 * re-indexes the whole root against it, parsing only the files that
 * changed, came or went while nothing watched, and writes through only
 * what differs. */
void pt_live_adopt(pt_live *lv, const pt_graph *g);
/* As pt_live_adopt, without the first pass: g is served as it is until a
 * change is reported (serve --no-watch); the cache is seeded all the same. */
void pt_live_adopt_as_is(pt_live *lv, const pt_graph *g);

/* Starts the background thread, and the watcher when `watch` is set (a
 * watcher that cannot start is reported in the status, not an error). */
int pt_live_start(pt_live *lv, int watch);

/* Reindexes one root-relative path ('/' separators) now, as the watcher
 * would, and returns what changed for that file. Waits for an update under
 * way. Thread-safe; PT_EBUSY before pt_live_start and after pt_live_stop. */
int pt_live_reindex(pt_live *lv, const char *rel_path, pt_live_delta *out);

/* Holds re-indexing: on return no update runs and none starts until
 * pt_live_resume. The current graph stays published (readers keep
 * answering from it), watcher events are still collected, and a backup of
 * changes made before the pause is still written. pt_live_reindex answers
 * PT_EBUSY meanwhile. Thread-safe and idempotent; also before
 * pt_live_start (the first pass of an adopted graph then waits too). */
void pt_live_pause(pt_live *lv);
/* Lets updates run again; the changes collected while paused are applied
 * right away (their debounce delays have long passed). Thread-safe and
 * idempotent. */
void pt_live_resume(pt_live *lv);

/* The root, absolute with '/' separators. */
const char *pt_live_root(const pt_live *lv);
/* The current graph (borrowed; alive until the next update). */
const pt_graph *pt_live_graph(const pt_live *lv);
/* A consistent copy of the counters. Thread-safe. */
void pt_live_get_status(pt_live *lv, pt_live_status *out);

/* How fresh the published graph is (docs/http-api.md "Envelope"). */
typedef struct pt_live_freshness {
  uint64_t generation;  /* of the current graph: 1 for the first (indexed
                           or adopted), one more for each graph published
                           since */
  time_t published;     /* wall clock when it became current */
  time_t last_update;   /* of the last change published; 0 = none */
  size_t pending;       /* changes seen and not yet published: paths
                           waiting for their debounce, plus one for a
                           whole-root pass due or an update under way */
  int watching;         /* the watcher runs (else changes go unseen) */
  int paused;           /* pt_live_pause holds updates */
} pt_live_freshness;

/* A consistent copy, read under the index's lock. Thread-safe. The
 * generation is counted before the publisher sees a graph, so a publisher
 * reading it gets the new graph's. */
void pt_live_get_freshness(pt_live *lv, pt_live_freshness *out);
/* Waits until no change is pending or timeout_ms has passed, then fills
 * *out (pending > 0 means it timed out). Sleeps in steps of 5 ms, holding
 * the caller's thread: at most max_waiters callers wait at once, and
 * another gets PT_EBUSY at once. Thread-safe. */
int pt_live_wait_fresh(pt_live *lv, unsigned timeout_ms, unsigned max_waiters,
                       pt_live_freshness *out);
/* Sleeps until the count of failed backups (pt_live_status's
 * failed_saves) is no longer `seen`, or the live index is stopped;
 * returns the count then (`seen` once stopped with no new failure). For
 * a thread that reports each failure as it happens (the Windows
 * service's event log) without polling the status. Thread-safe. */
uint64_t pt_live_wait_failed_saves(pt_live *lv, uint64_t seen);
/* The wait the routes and tools offer: default and longest. */
#define PT_LIVE_WAIT_DEFAULT_MS 10000
#define PT_LIVE_WAIT_MAX_MS 30000

/* Stops the watcher and the thread and writes a pending SQLite backup;
 * later reindex requests get PT_EBUSY, the status still answers. The
 * current graph must still be alive for the first call; after it, lv never
 * reads a published graph again, so its owner may free it. Returns PT_EIO
 * when the pending backup failed (the changes since the last good save are
 * then not on disk). Accepts NULL; later calls do nothing and return 0. */
int pt_live_stop(pt_live *lv);
/* Stops (if not yet) and frees lv (and, without a publisher, its graph).
 * Nothing may call into lv any more. Accepts NULL. */
void pt_live_free(pt_live *lv);

#endif
