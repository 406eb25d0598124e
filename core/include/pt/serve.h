/* The serving session: a served, live index, as `parseltongue serve` and
 * the Windows service both run it. It owns the store, the graph, the live
 * index and the HTTP server, and the one order they start and stop in:
 *
 *   open:  store opened and loaded (or, for mem, the root indexed), the
 *          live index prepared on the root;
 *   start: HTTP server up on the graph, then the live index's thread and
 *          watcher (or the two apart: pt_serve_start_server,
 *          pt_serve_start_live);
 *   stop:  live index stopped first (watcher, thread, final backup, while
 *          the graph it saves is alive), then the server (requests under way
 *          finish; the live index answers them with "shutting down"), then
 *          the store closed.
 *
 * The session writes nothing to the console; callers print what they want
 * from its getters. docs/architecture.md, docs/live-index.md. */
#ifndef PT_SERVE_H
#define PT_SERVE_H

#include <stdio.h>

#include "pt/graph.h"
#include "pt/live.h"

typedef struct pt_serve pt_serve;

/* One step of pt_serve_open, for a caller that must show it is alive while
 * a big index loads (the Windows service's START_PENDING checkpoints):
 * "open" (the store), "load" (reading the index into memory), "index"
 * (indexing the root: files done of total, called again for every file,
 * from the indexing threads but one call at a time), "follow" (preparing
 * the live index). done and total are 0 where there is nothing to count. */
typedef void (*pt_serve_progress_fn)(const char *step, size_t done,
                                     size_t total, void *payload);

typedef struct pt_serve_opts {
  const char *db;        /* borrowed: engine spec; "mem" needs root */
  const char *root;      /* borrowed: the indexed folder; NULL = the root
                            recorded in the stored index */
  const char *bind;      /* borrowed: listen address; NULL = 127.0.0.1 */
  unsigned port;         /* 0 = a free port the OS chooses */
  unsigned n_threads;    /* HTTP threads; 0 = the server's default */
  int watch;             /* follow changes with the file watcher */
  FILE *log;             /* "[FileWatcher] ..." and port-scan lines; may be
                            NULL */
  pt_serve_progress_fn progress; /* may be NULL */
  void *payload;         /* for progress */
  int scan_ports;        /* port in use: try the next 99 (the CLI's default
                            port only; a chosen port fails at once) */
  int is_ascii;          /* log lines in plain ASCII (pt_server_opts) */
  const char *token_file; /* borrowed, or NULL: every route but the health
                            check requires the bearer token of this file,
                            made when missing (pt_server_token_file) */
  const char *token_account; /* borrowed, or NULL: an account that may read
                            a token file made here too (Windows) */
} pt_serve_opts;

/* Opens the store and loads its index (or indexes opts->root in memory for
 * "mem") and prepares the live index; nothing runs yet. A stored index
 * whose root cannot be followed is served as it is: that is reported by
 * pt_serve_follow_error, not as a failure. On failure nothing is left
 * behind and *out is NULL. */
int pt_serve_open(const pt_serve_opts *opts, pt_serve **out);

/* Starts the HTTP server, then the live index. A live index or watcher that
 * cannot start leaves the server answering from the loaded graph (see
 * pt_serve_live_error and the live status), not a failure. On failure
 * (PT_EEXISTS: the port is in use; see pt_server_start) the session can
 * only be freed. */
int pt_serve_start(pt_serve *s);

/* pt_serve_start in two halves, for a caller that must say it is ready as
 * soon as the opened graph is served (the Windows service's RUNNING):
 * pt_serve_start_server starts the HTTP server (or hands the graph to
 * pt_serve_publish_to's target) and nothing else, so the API answers from
 * the opened graph; pt_serve_start_live then starts the live index (its
 * watcher, and the first pass over the root, which finds the changes made
 * while nothing watched). Until then the reindex endpoint answers "the
 * live index is starting" and the freshness envelope counts a first pass
 * that is due as pending. pt_serve_start_live fails only with PT_EINVAL
 * (no server started, or stopped); a second call does nothing. */
int pt_serve_start_server(pt_serve *s);
int pt_serve_start_live(pt_serve *s);

/* Between pt_serve_open and pt_serve_start: serve without the HTTP
 * server. pt_serve_start then hands the opened graph, and the live index
 * each new one, to publish, which takes it when it returns 0 (on failure
 * the session keeps it) and must keep the newest alive until pt_serve_stop
 * returns. `parseltongue mcp` over stdio publishes to a pt_mcp_host. */
typedef int (*pt_serve_publish_fn)(pt_graph *g, void *payload);
void pt_serve_publish_to(pt_serve *s, pt_serve_publish_fn publish,
                         void *payload);

/* Pauses re-indexing (pt_live_pause): the API keeps answering from the
 * last graph, the watcher's events are still collected, and on
 * pt_serve_resume the changes made meanwhile are picked up. A session that
 * does not follow its root has nothing to hold: both return 0. PT_EINVAL
 * once stopped. Thread-safe with each other. */
int pt_serve_pause(pt_serve *s);
int pt_serve_resume(pt_serve *s);
/* Whether re-indexing is paused. */
int pt_serve_is_paused(const pt_serve *s);

/* Stops in the safe order (see above). Returns PT_EIO when the final
 * backup failed: the changes since the last good save are then not on
 * disk (the message says why). Idempotent: later calls return 0. */
int pt_serve_stop(pt_serve *s);

/* Stops (if not yet) and frees everything. Accepts NULL. */
void pt_serve_free(pt_serve *s);

/* The graph as opened: counts for the console. Borrowed; valid between
 * pt_serve_open and pt_serve_start (the server owns and replaces it after
 * that). */
const pt_graph *pt_serve_graph(const pt_serve *s);
/* The live index (borrowed; NULL when the root cannot be followed). */
pt_live *pt_serve_live(const pt_serve *s);
/* Why the stored index is served without following its root ("" if it is
 * followed). */
const char *pt_serve_follow_error(const pt_serve *s);
/* Why the live index could not start ("" if it runs or was not asked to). */
const char *pt_serve_live_error(const pt_serve *s);
/* The address and port bound (valid after pt_serve_start; the port the OS
 * chose when opts->port was 0). */
const char *pt_serve_bind(const pt_serve *s);
unsigned pt_serve_port(const pt_serve *s);

#endif
