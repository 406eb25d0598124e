/* pt08's HTTP server: libmicrohttpd with an internal thread pool answering
 * every query from one in-memory graph, loaded once. Binds 127.0.0.1 unless
 * told otherwise, checks the Host header and refuses cross-site POSTs. */
#ifndef PT_SERVER_H
#define PT_SERVER_H

#include <stdio.h>

#include "pt/graph.h"

typedef struct pt_server_opts {
  const char *bind;        /* address; NULL = "127.0.0.1" */
  unsigned port;           /* preferred port; the next 99 are tried too */
  const char *db_spec;     /* reported by the statistics endpoint */
  unsigned n_threads;      /* 0 = one per processor, at least 2 */
  FILE *log;               /* "Trying <port>..." lines; may be NULL */
} pt_server_opts;

typedef struct pt_server pt_server;

/* Starts serving g (borrowed: it must outlive the server). Fails with
 * PT_EEXISTS when all 100 ports are in use, PT_EIO otherwise. */
int pt_server_start(const pt_server_opts *opts, const pt_graph *g,
                    pt_server **out);
unsigned pt_server_port(const pt_server *s);
const char *pt_server_bind(const pt_server *s);
/* Stops accepting, finishes the requests under way, frees everything. */
void pt_server_stop(pt_server *s);

#endif
