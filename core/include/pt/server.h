/* pt08's HTTP server: libmicrohttpd with an internal thread pool answering
 * every query from one in-memory graph, loaded once. Binds 127.0.0.1 unless
 * told otherwise, checks the Host header and refuses cross-site POSTs. */
#ifndef PT_SERVER_H
#define PT_SERVER_H

#include <stdio.h>

#include "pt/graph.h"

typedef struct pt_server_opts {
  const char *bind;        /* address; NULL = "127.0.0.1" */
  unsigned port;           /* 0 = a free port the OS chooses */
  const char *db_spec;     /* reported by the statistics endpoint */
  unsigned n_threads;      /* libmicrohttpd's threads, which read requests
                              and answer the quick routes (health);
                              0 = one per processor, at least 2 */
  unsigned n_workers;      /* threads running the other routes (those that
                              walk the graph); 0 = one per processor, at
                              least 2 (a number given is taken as is) */
  unsigned max_queued;     /* requests waiting for a worker; past it 503
                              with Retry-After; 0 = 64 */
  FILE *log;               /* "Trying <port>..." lines; may be NULL */
  int is_ascii;            /* ... ending " ok", not " ✓" (a console that
                              shows no UTF-8) */
  struct pt_live *live;    /* borrowed, may be NULL: the live index behind
                              the reindex and watcher-status routes */
  int scan_ports;          /* port in use: try the next 99 (for a default
                              port; a port the user chose fails at once) */
  unsigned max_connections; /* more are closed at once; 0 = 512 */
  unsigned idle_timeout_s; /* a connection idle this long is closed;
                              0 = 30 */
  unsigned request_timeout_ms; /* a whole request must arrive within this
                              long of the connection's start or of its
                              last answer, else it is closed; 0 = 10000 */
  const char *token;       /* borrowed, or NULL: the bearer token every
                              route but the health check then requires
                              (docs/http-api.md "Bearer token") */
} pt_server_opts;

typedef struct pt_server pt_server;

/* Starts serving g, which the server owns from then on, also on failure.
 * Fails with PT_EEXISTS when the port is in use ("port N is in use on
 * ADDR"; with scan_ports, when all 100 are), PT_EINVAL for a malformed
 * address, PT_EIO otherwise. */
int pt_server_start(const pt_server_opts *opts, pt_graph *g, pt_server **out);
/* Serves g (owned from then on) instead of the current graph: requests
 * under way finish on the graph they started with, later ones see g; the
 * old graph is freed when its last request is done. On failure (out of
 * memory building its indexes) the old graph stays and g stays the
 * caller's. */
int pt_server_publish(pt_server *s, pt_graph *g);
/* Makes now, on the caller's thread, what the first request of the
 * current graph would make: its name index (short of memory, that request
 * makes it). */
void pt_server_prepare(pt_server *s);
/* The port bound: the one the OS chose when opts->port was 0. */
unsigned pt_server_port(const pt_server *s);
const char *pt_server_bind(const pt_server *s);
/* Stops accepting, finishes the requests under way, frees everything
 * (the graph included). */
void pt_server_stop(pt_server *s);

/* A bearer token: PT_TOKEN_MIN to PT_TOKEN_MAX characters of RFC 6750's
 * b64token alphabet (letters, digits, - . _ ~ + / and final '='s). */
#define PT_TOKEN_MIN 16
#define PT_TOKEN_MAX 256
/* Reads the token of the file at path into out, or, when the file does
 * not exist, creates it (pt_secret_create: owner-only, and readable by
 * also_account on Windows when not NULL) holding a new random token of 64
 * hex digits; *is_created says which. White space around the token (a
 * final newline) is not part of it. PT_EINVAL names the file and what is
 * wrong (permissions looser than owner-only on POSIX, no token, a token
 * too short, too long or with other characters), never the token. */
int pt_server_token_file(const char *path, const char *also_account,
                         char out[PT_TOKEN_MAX + 1], int *is_created);

#endif
