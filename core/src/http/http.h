/* The request/response model shared by the server and the route handlers
 * (private to core). */
#ifndef PT_HTTP_H
#define PT_HTTP_H

#include <stdint.h>

#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/graph.h"
#include "pt/json.h"
#include "pt/qgraph.h"
#include "pt/strmap.h"
#include "pt/test_map.h"

/* Results of whole-graph analyses, computed by the first request that
 * needs one and kept: the graph never changes while it is served. */
typedef struct pt_memo {
  struct pt_mutex *mu;      /* owned; guards the slots while they fill */
  struct pt_metrics *metrics;
  struct pt_scores *pagerank;
  struct pt_scores *betweenness;
  struct pt_groups *leiden;
  pt_test_map_slot tests;   /* what the tests call, read on first use */
  /* The name index, made by the first lookup of a name, or from the
   * previous graph's when this one was patched from it (a pass over
   * integers), under a lock of its own so that a lookup never waits for
   * an analysis: */
  struct pt_mutex *names_mu; /* owned */
  int has_names;
  uint32_t *by_name;        /* owned: every entity, by name then place */
} pt_memo;

/* What every handler may read: built once at start, never changed (the
 * memo fills in once, under its own lock). */
typedef struct pt_serve_state {
  const pt_graph *g;
  struct pt_live *live;     /* borrowed, may be NULL */
  pt_qgraph *q;             /* owned: the unscoped query graph */
  const char *db_spec;
  unsigned port;            /* the port the server listens on */
  uint64_t start_ns;        /* the server's start (health's uptime) */
  uint64_t generation;      /* of g: the live index's count, else 1 */
  int64_t published;        /* wall clock (s) when g became current */
  const char **languages;   /* owned array of borrowed names, sorted */
  size_t n_languages;
  size_t n_resolved;        /* edges whose target is a real entity or file */
  pt_memo *memo;            /* owned */
} pt_serve_state;

typedef struct pt_req pt_req;
typedef const char *(*pt_req_arg_fn)(void *conn, const char *name);

/* A parameter from a JSON request body (http_body.c). */
typedef struct pt_body_arg {
  const char *name;         /* in the request's arena */
  const char *value;
  struct pt_body_arg *next;
} pt_body_arg;

struct pt_req {
  const pt_serve_state *st;
  const char *path;
  void *conn;               /* the server's connection, for arguments */
  pt_req_arg_fn arg;
  unsigned status;          /* 200 unless a handler says otherwise */
  const char *allow;        /* static; the Allow header of a 405 or OPTIONS */
  pt_arena arena;           /* owned: what the request decodes */
  pt_body_arg *body_args;   /* in arena */
  pt_req_arg_fn header;     /* a request header by name, NULL if absent */
  const char *raw_body;     /* a POST's body as sent (what /mcp reads), or
                               NULL when empty; borrowed */
  size_t raw_len;
  const struct pt_live_freshness *index_now; /* borrowed, or NULL: the
                               envelope's "index" tells this instead of the
                               answering graph (/wait-for-fresh) */
  const char *set_header;   /* static: one more response header, or NULL */
  char set_value[80];       /* ... and its value */
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
/* The same, from prev's where g was patched from prev's graph (its query
 * graph updated instead of built whole); prev may be NULL. */
int pt__serve_state_init_from(pt_serve_state *st, const pt_graph *g,
                              const char *db, const pt_serve_state *prev);
void pt__serve_state_fini(pt_serve_state *st);
/* Makes st's name index (the entities sorted by name, then place) when no
 * lookup by name made it yet; PT_ENOMEM. */
int pt__serve_state_index_names(const pt_serve_state *st);
/* Records g's generation and publication time, from st->live when set:
 * call once st->live is, before the snapshot serves. */
void pt__serve_state_stamp(pt_serve_state *st);

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
/* Is rt answered on the server's own threads (health, the API reference,
 * the watcher's status: O(1))? Every other route runs on the worker pool
 * (http_jobs.h), so these never wait behind one. */
int pt__route_is_quick(const pt_route *rt);

/* A parameter: from the query string, else from the JSON body; NULL when
 * absent. */
const char *pt__req_arg(pt_req *r, const char *name);
/* Reads a POST's body as a JSON object whose scalar members become
 * parameters (nested values and nulls are skipped). An empty body is no
 * parameter. PT_EINVAL after a 400 when it is not one JSON object;
 * PT_ENOMEM. */
int pt__req_read_body(pt_req *r, const char *body, size_t len);
/* An unsigned parameter with a default and a maximum; writes the JSON
 * error and returns PT_EINVAL when malformed or out of range. */
int pt__req_uint(pt_req *r, const char *name, uint64_t def, uint64_t max,
                 uint64_t *out);
/* A required parameter, not empty nor blank; else PT_EINVAL after a 400
 * "missing required parameter 'name'". */
int pt__req_required(pt_req *r, const char *name, const char **out);
/* The scope parameter (docs/contract/http-api.md 3.3): 1 and *out when
 * given, 0 when absent, -1 after writing a 400 that lists the valid scopes
 * when it matches no entity. The strings point into buf (two 256-byte
 * halves). */
int pt__req_scope(pt_req *r, pt_scope *out, char buf[512]);

/* Envelopes (docs/http-api.md "Envelope"): success opens
 * {"success":true,"endpoint":...,"data":{ and pt__resp_end closes it.
 * Every envelope ends with "index" (the answering graph's generation and
 * publication time, and whether changes are pending now) and "tokens",
 * the body's length in bytes divided by 4, rounded up, which
 * pt__resp_close computes and writes before the final brace. */
void pt__resp_begin(pt_req *r);
void pt__resp_end(pt_req *r);
void pt__resp_close(pt_req *r);
/* {"success":false,"endpoint":...,"error":msg,"tokens":N}; returns
 * PT_EINVAL. */
int pt__resp_error(pt_req *r, unsigned status, const char *fmt, ...)
    PT_PRINTF(3, 4);
/* Starts an error envelope and leaves it open for extra fields; close it
 * with pt__resp_close. */
void pt__resp_error_open(pt_req *r, unsigned status, const char *msg);

/* The graph node a request names: an exact key (entity or placeholder),
 * else a unique key prefix, else a unique entity name or qualified name.
 * Returns the node, or -1 after writing a 404 (nothing matches) or a 400
 * listing the candidates (ambiguous). */
int64_t pt__req_node(pt_req *r, const char *text);

/* A page of a list (docs/http-api.md "Lists"): `limit` (or the route's
 * older name for it, such as `top`, when limit_name is given; both is a
 * 400) with default def and at most PT_PAGE_MAX, and `offset`. PT_EINVAL
 * after writing the 400. */
#define PT_PAGE_MAX 10000
typedef struct pt_page {
  uint64_t limit;
  uint64_t offset;
} pt_page;
int pt__req_page(pt_req *r, const char *limit_name, uint64_t def, pt_page *out);
/* How many of total items the page holds. */
size_t pt__page_len(const pt_page *p, size_t total);
/* Is item i (0-based) on the page? */
static inline int pt__page_has(const pt_page *p, size_t i)
{
  return i >= p->offset && i - p->offset < p->limit;
}
/* total_count, returned_count, limit, offset and truncated (more items
 * after this page). */
void pt__page_counts(pt_req *r, const pt_page *p, size_t total);

/* A parameter that takes one of n_allowed values, compared ignoring ASCII
 * case: *out is its index, or def when absent. Anything else: PT_EINVAL
 * after a 400 naming the values and listing them in "allowed_values". */
int pt__req_choice(pt_req *r, const char *name, const char *const *allowed,
                   size_t n_allowed, int def, int *out);
/* true/false/1/0 (default false), as pt__req_choice. */
int pt__req_bool(pt_req *r, const char *name, int *out);

/* Is node v an unresolved placeholder (docs/contract/ingestion.md 6.6)? */
int pt__node_is_placeholder(const pt_qgraph *q, uint32_t v);
/* An entity reference: {"key","name","qualified_name","file_path",
 * "line_start"}; the fields after key are null where the node is not an
 * entity (a placeholder keeps its name). _fields writes them into an
 * object the caller has open. */
void pt__json_ref(pt_json *j, const pt_serve_state *st, const pt_qgraph *q,
                  uint32_t v);
void pt__json_ref_fields(pt_json *j, const pt_serve_state *st, const pt_qgraph *q,
                         uint32_t v);

#endif
