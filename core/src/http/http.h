/* The request/response model shared by the server and the route handlers
 * (private to core). */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include <stdint.h>

#include "pt/buf.h"
#include "pt/graph.h"
#include "pt/json.h"
#include "pt/qgraph.h"
#include "pt/strmap.h"

/* Results of whole-graph analyses, computed by the first request that
 * needs one and kept: the graph never changes while it is served. */
typedef struct pt_memo {
  struct pt_mutex *mu;      /* owned; guards the slots while they fill */
  struct pt_metrics *metrics;
  struct pt_scores *pagerank;
  struct pt_scores *betweenness;
  struct pt_groups *leiden;
} pt_memo;

/* What every handler may read: built once at start, never changed (the
 * memo fills in once, under its own lock). */
typedef struct pt_serve_state {
  const pt_graph *g;
  struct pt_live *live;     /* borrowed, may be NULL */
  pt_qgraph *q;             /* owned: the unscoped query graph */
  const char *db_spec;
  uint64_t start_ns;
  const char **languages;   /* owned array of borrowed names, sorted */
  size_t n_languages;
  size_t n_resolved;        /* edges whose target is a real entity or file */
  pt_strmap by_name;        /* name and qualified name -> first entity */
  size_t *next_by_name;     /* owned: chain of entities sharing a name */
  pt_memo *memo;            /* owned */
} pt_serve_state;

typedef struct pt_req pt_req;
typedef const char *(*pt_req_arg_fn)(void *conn, const char *name);

struct pt_req {
  const pt_serve_state *st;
  const char *path;
  void *conn;               /* the server's connection, for arguments */
  pt_req_arg_fn arg;
  unsigned status;          /* 200 unless a handler says otherwise */
  pt_buf body;
  pt_json json;
};

typedef int (*pt_route_fn)(pt_req *r);

typedef struct pt_param_doc {
  const char *name;
  int required;
  const char *description;
} pt_param_doc;

typedef struct pt_route {
  const char *method;       /* "GET" or "POST" */
  const char *path;
  const char *category;
  const char *description;
  const pt_param_doc *params; /* NULL-name terminated */
  pt_route_fn fn;
} pt_route;

/* The state built once at start (http_req.c). */
int pt__serve_state_init(pt_serve_state *st, const pt_graph *g, const char *db);
void pt__serve_state_fini(pt_serve_state *st);

/* The query graph a request works on: the cached one, or one built for
 * the request's scope, which the caller frees (*owned). PT_EINVAL after
 * writing the 400 of a scope that matches nothing. */
int pt__http_graph(pt_req *r, const pt_qgraph **out, pt_qgraph **owned);

/* Runs fn(q, out) on the whole-graph slot *slot once and returns the kept
 * result; fn's result must not be freed by the caller. */
int pt__memo_get(const pt_serve_state *st, void **slot,
                 int (*fn)(const pt_qgraph *q, void **out), void **out);

/* The route table; the router and the API reference both read it. */
const pt_route *pt__routes(size_t *n);
const pt_route *pt__route_find(const char *path);

/* A query parameter, or NULL when absent. */
const char *pt__req_arg(pt_req *r, const char *name);
/* An unsigned parameter with a default and a maximum; writes the JSON
 * error and returns PT_EINVAL when malformed or out of range. */
int pt__req_uint(pt_req *r, const char *name, uint64_t def, uint64_t max,
                 uint64_t *out);
/* A required, non-empty string parameter, or the JSON error. */
int pt__req_required(pt_req *r, const char *name, const char **out);
/* The scope parameter (docs/contract/http-api.md 3.3): 1 and *out when
 * given, 0 when absent, -1 after writing a 400 that lists the valid scopes
 * when it matches no entity. The strings point into buf (two 256-byte
 * halves). */
int pt__req_scope(pt_req *r, pt_scope *out, char buf[512]);

/* Envelopes: success opens {"success":true,"endpoint":...,"data":{ and
 * pt__resp_end closes it with "tokens". */
void pt__resp_begin(pt_req *r);
void pt__resp_end(pt_req *r, uint64_t tokens);
/* {"success":false,"endpoint":...,"error":msg,"tokens":tokens} */
int pt__resp_error(pt_req *r, unsigned status, uint64_t tokens, const char *fmt, ...)
    PT_PRINTF(4, 5);

/* The graph node a request names: an exact key (entity or placeholder),
 * else a unique key prefix, else a unique entity name or qualified name.
 * Returns the node, or -1 after writing a 404 (nothing matches) or a 400
 * listing the candidates (ambiguous). */
int64_t pt__req_node(pt_req *r, const char *text);

#endif
