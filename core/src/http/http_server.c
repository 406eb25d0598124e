/* The libmicrohttpd side of pt08 (pt/server.h): port scan on a socket the
 * platform binds, thread pool, limits, the checks every request passes
 * before routing (method, Host, bearer token, cross-site POST), and the
 * hand-off of routes that walk the graph to the worker pool (http_jobs.h),
 * their connections suspended meanwhile. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "http.h"
#include "http_conns.h"
#include "http_gzip.h"
#include "http_jobs.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/log.h"
#include "pt/mcp.h"
#include "pt/server.h"
#include "pt/sys/heap.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

/* One served graph and what is built from it. A request holds a
 * reference for its whole life; being current holds one more. */
typedef struct snapshot {
  pt_serve_state st;
  pt_graph *g;              /* owned */
  unsigned refs;            /* under the server's mu */
  int is_patched;           /* g was patched from the graph before */
  int keeps_heap;           /* replaced by a patch of g: the next patch
                               takes the memory its arrays leave */
} snapshot;

struct pt_server {
  struct MHD_Daemon *mhd;
  uint64_t sock;
  unsigned port;
  char bind[64];
  const char *db_spec;
  uint64_t start_ns;        /* the server's start: its uptime, every graph's */
  struct pt_live *live;
  pt_mutex *mu;             /* guards cur and every refs */
  snapshot *cur;
  pt_conns *conns;          /* owned: each connection's deadline */
  pt_jobs *jobs;            /* owned: the workers of the routes that are
                               not quick (pt__route_is_quick) */
  int has_token;            /* requests must bring the bearer token */
  char token_sha[65];       /* ... whose SHA-256 (hex) this is */
};

static void snapshot_free(snapshot *sn)
{
  if (!sn)
    return;
  pt__serve_state_fini(&sn->st);
  pt_graph_free(sn->g);
  int trim = !sn->keeps_heap;
  pt_free(sn);
  if (trim)
    pt_sys_heap_trim(); /* a replaced graph's memory goes back to the system */
}

/* Builds the indexes of g, which the snapshot owns once this succeeds;
 * from prev's where g was patched from prev's graph (prev may be NULL). */
static int snapshot_new(pt_server *s, pt_graph *g, const snapshot *prev,
                        snapshot **out)
{
  snapshot *sn = pt_calloc(1, sizeof *sn);
  if (!sn)
    return PT_ERR(PT_ENOMEM, "out of memory");
  sn->g = g;
  sn->refs = 1;
  pt_graph_lineage ln;
  sn->is_patched = prev && pt_graph_lineage_of(g, &ln) && ln.base == prev->g;
  int rc = pt__serve_state_init_from(&sn->st, g, s->db_spec,
                                     prev ? &prev->st : NULL);
  pt_graph_drop_lineage(g); /* its base may go with prev */
  if (rc) {
    pt_free(sn);
    return rc;
  }
  sn->st.live = s->live;
  sn->st.port = s->port;
  sn->st.start_ns = s->start_ns;
  pt__serve_state_stamp(&sn->st); /* the live index counted g already */
  *out = sn;
  return 0;
}

static snapshot *acquire(pt_server *s)
{
  pt_mutex_lock(s->mu);
  snapshot *sn = s->cur;
  sn->refs++;
  pt_mutex_unlock(s->mu);
  return sn;
}

static void release(pt_server *s, snapshot *sn)
{
  pt_mutex_lock(s->mu);
  unsigned left = --sn->refs;
  pt_mutex_unlock(s->mu);
  if (left == 0)
    snapshot_free(sn);
}

void pt_server_prepare(pt_server *s)
{
  snapshot *sn = acquire(s);
  if (pt__serve_state_index_names(&sn->st) != 0)
    pt_error_clear();
  release(s, sn);
}

int pt_server_publish(pt_server *s, pt_graph *g)
{
  snapshot *sn = NULL;
  snapshot *prev = acquire(s); /* alive while sn is built from it */
  int rc = snapshot_new(s, g, prev, &sn); /* outside the lock: readers go on */
  release(s, prev);
  if (rc)
    return rc;
  pt_mutex_lock(s->mu);
  snapshot *old = s->cur;
  s->cur = sn;
  /* trimming the heap after every patch (a few milliseconds) would only
   * hand the next one fresh pages to fault in */
  old->keeps_heap = sn->is_patched;
  pt_mutex_unlock(s->mu);
  release(s, old);
  return 0;
}

static const char *conn_arg(void *conn, const char *name)
{
  return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *conn_header(void *conn, const char *name)
{
  return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
    if (x != y || !x)
      return x - y;
  }
  return 0;
}

/* Host must name this server: a loopback name or the bound address, with
 * or without the port. Anything else is a DNS-rebinding attempt. */
static int host_ok(const pt_server *s, const char *host)
{
  if (!host)
    return 0;
  size_t n = strlen(host);
  const char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
  if (colon && host[0] == '[')
    colon++;
  if (colon)
    n = (size_t)(colon - host);
  static const char *const names[] = {"localhost", "127.0.0.1", "[::1]", NULL};
  for (int i = 0; names[i]; i++)
    if (strlen(names[i]) == n && strncmp(host, names[i], n) == 0)
      return 1;
  return strlen(s->bind) == n && strncmp(host, s->bind, n) == 0 &&
         strcmp(s->bind, "0.0.0.0") != 0;
}

/* A browser sends Origin with every POST, and may send a "simple"
 * cross-site POST without asking first: form and text content types. So a
 * POST is refused when its Origin is not on loopback, or when it carries
 * one of those types without the X-Parseltongue header; a POST without
 * Origin and without a content type (curl -X POST) cannot come from a web
 * page and passes. */
static int post_ok(struct MHD_Connection *c)
{
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (origin && strncmp(origin, "http://localhost", 16) != 0 &&
      strncmp(origin, "http://127.0.0.1", 16) != 0 &&
      strncmp(origin, "http://[::1]", 12) != 0)
    return 0;
  if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Parseltongue"))
    return 1;
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!ct)
    return 1;
  static const char *const simple[] = {"application/x-www-form-urlencoded",
                                       "multipart/form-data", "text/plain", NULL};
  for (int i = 0; simple[i]; i++)
    if (strncasecmp_ascii(ct, simple[i], strlen(simple[i])) == 0)
      return 0;
  return 1;
}

static void free_body(void *p)
{
  pt_free(p);
}

/* Bodies this long or longer go out compressed when the client accepts
 * gzip; shorter ones are not worth it. */
#define PT_GZIP_MIN 1024

/* Swaps r->body for its gzip when the client takes it; on failure the
 * body goes out as it is. */
static int compress_body(struct MHD_Connection *c, pt_req *r)
{
  const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
  if (r->body.len < PT_GZIP_MIN || !pt__gzip_accepted(ae))
    return 0;
  pt_buf z = PT_BUF_INIT;
  if (pt__gzip(r->body.ptr, r->body.len, &z) != 0) {
    pt_buf_fini(&z);
    pt_error_clear();
    return 0;
  }
  pt_buf_fini(&r->body);
  r->body = z;
  return 1;
}

/* Hands the body to libmicrohttpd without a copy; it frees it through our
 * heap when the response is done. */
static enum MHD_Result reply(struct MHD_Connection *c, pt_req *r, int gzipped)
{
  size_t len = r->body.len;
  char *body = pt_buf_detach(&r->body);
  if (!body)
    return MHD_NO;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(len, body, free_body);
  if (!resp) {
    pt_free(body);
    return MHD_NO;
  }
  if (gzipped)
    MHD_add_response_header(resp, "Content-Encoding", "gzip");
  MHD_add_response_header(resp, "Vary", "Accept-Encoding");
  MHD_add_response_header(resp, "Content-Type", "application/json");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  if (r->allow)
    MHD_add_response_header(resp, "Allow", r->allow);
  if (r->set_header)
    MHD_add_response_header(resp, r->set_header, r->set_value);
  enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

/* OPTIONS names the methods of a route (of every route for "*"), in the
 * Allow header and the body; it grants no cross-origin access. */
static int options(pt_req *r, const pt_route *rt)
{
  pt__resp_begin(r);
  pt_json_key(&r->json, "allow");
  pt_json_arr(&r->json);
  for (const char *m = r->allow; *m;) {
    size_t n = strcspn(m, ",");
    pt_json_strn(&r->json, m, n);
    m += n;
    m += strspn(m, ", ");
  }
  pt_json_arr_end(&r->json);
  if (rt) {
    pt_json_key(&r->json, "description");
    pt_json_str(&r->json, rt->description);
  }
  pt__resp_end(r);
  return 0;
}

/* The route that answers the request in *out, or NULL when the answer is
 * written already (404, 405, OPTIONS). */
static int route(pt_req *r, const char *method, const pt_route **out)
{
  *out = NULL;
  const pt_route *rt = pt__route_find(r->path);
  if (!rt && !strcmp(method, "OPTIONS") && !strcmp(r->path, "*")) {
    r->allow = "GET, HEAD, POST, OPTIONS";
    return options(r, NULL);
  }
  if (!rt)
    return pt__resp_error(r, 404, "No route %s (see /api-reference-documentation-help)",
                          r->path);
  int is_get_route = !strcmp(rt->method, "GET");
  r->allow = is_get_route ? "GET, HEAD, OPTIONS" : "POST, OPTIONS";
  if (!strcmp(method, "OPTIONS"))
    return options(r, rt);
  int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  if (is_get != is_get_route || (!is_get && strcmp(rt->method, method) != 0))
    return pt__resp_error(r, 405, "%s takes %s, not %s", r->path, rt->method,
                          method);
  r->allow = NULL;
  *out = rt;
  return 0;
}

/* What a connection keeps between the calls of one request: the body of
 * a POST, up to PT_BODY_MAX bytes. */
#define PT_BODY_MAX (16 * 1024)
/* POST /diff-impact-analysis takes a whole diff. */
#define PT_DIFF_BODY_MAX (4 * 1024 * 1024)
/* Limits we answer with a JSON 414 or 431; a request line or headers too
 * large even for libmicrohttpd's connection memory (PT_CONN_MEMORY) get
 * its own HTML answer (docs/http-api.md, "HTTP"). No route takes more
 * than a dozen parameters. */
#define PT_URL_MAX (8 * 1024)
#define PT_PARAMS_MAX 256
#define PT_HEADERS_MAX (16 * 1024)
#define PT_CONN_MEMORY ((size_t)64 * 1024)
/* Connections at once, each one's idle time and the time a whole request
 * may take to arrive (http_conns.h): pt_server_opts may change them. */
#define PT_CONN_MAX 512u
#define PT_IDLE_S 30u
#define PT_REQUEST_MS 10000u

/* The requests at most waiting for a worker (pt_server_opts may change
 * it); past it, 503 with Retry-After. */
#define PT_QUEUE_MAX 64u
#define PT_RETRY_AFTER_S 1u

typedef struct upload {
  pt_job job;        /* first: a worker runs rt with it */
  pt_buf body;
  int too_big;
  int is_announced;  /* the handler's first call came */
  int url_refused;   /* URL_TOO_LONG, URL_TOO_MANY: answered 414 */
  size_t max;        /* PT_BODY_MAX, or the route's own */
  /* the answer, from the request's last call to its reply: */
  int is_started;    /* r and sn are set up */
  int is_answered;   /* a worker wrote r's answer: the handler's next call
                        (once the connection is resumed) sends it */
  int is_gzipped;
  struct MHD_Connection *conn;
  const pt_route *rt; /* static: what the worker runs */
  snapshot *sn;      /* one reference, held until the reply */
  pt_req r;
} upload;

enum { URL_TOO_LONG = 1, URL_TOO_MANY };

/* libmicrohttpd calls this with the request's URI, in its connection
 * buffer, right before it parses the query string into one record per
 * parameter in the same 64 KiB. A few thousand parameters ("a&a&a...",
 * 2 bytes each, about 56 bytes each parsed) exhaust it, and then it drops
 * the connection without a word. So a URI over our limits loses its query
 * string here, in place (libmicrohttpd 0.9.75 parses it after this call
 * returns), and the handler answers 414 in JSON. The upload made here is
 * the request's *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
  upload *u = pt_calloc(1, sizeof *u);
  if (!u)
    return NULL; /* the handler's first call tries again */
  char *query = strchr(uri, '?');
  size_t n_params = 0;
  for (const char *p = query; p && *p; p++)
    n_params += *p == '&' || *p == ';';
  if (strlen(uri) > PT_URL_MAX)
    u->url_refused = URL_TOO_LONG;
  else if (query && n_params >= PT_PARAMS_MAX)
    u->url_refused = URL_TOO_MANY;
  if (u->url_refused && query)
    query[1] = 0; /* (the buffer is libmicrohttpd's, writable, not const) */
  return u;
}

/* The slot of c in the connection table (http_conns.h). */
static void *conn_slot(struct MHD_Connection *c)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
  pt_server *s = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci)
      pt__conns_opened(s->conns, c, (uint64_t)ci->connect_fd, ctx);
  } else {
    pt__conns_closed(s->conns, ctx);
  }
}

/* Frees what the request's answer holds; the snapshot last, after the
 * reply: the last reader of an old graph frees it. */
static void req_end(pt_server *s, upload *u)
{
  if (!u->is_started)
    return;
  pt_buf_fini(&u->r.body);
  pt_arena_fini(&u->r.arena);
  release(s, u->sn);
  u->sn = NULL;
  u->is_started = 0;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  pt_server *s = cls;
  pt__conns_answered(s->conns, conn_slot(c), c);
  upload *u = *con_cls;
  if (u) {
    req_end(s, u); /* an answer never sent: the client went away */
    pt_buf_fini(&u->body);
    pt_free(u);
    *con_cls = NULL;
  }
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
  size_t *n = cls;
  *n += strlen(key) + (value ? strlen(value) : 0) + 4;
  return MHD_YES;
}

static size_t kind_len(struct MHD_Connection *c, enum MHD_ValueKind kind)
{
  size_t n = 0;
  MHD_get_connection_values(c, kind, add_len, &n);
  return n;
}

/* Equal without telling how much of them is: every byte is looked at. */
static int same_hash(const char *a, const char *b)
{
  unsigned char diff = 0;
  for (size_t i = 0; i < 64; i++)
    diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

/* The health check stays open to callers without the token: supervisors
 * (the Windows service's own start check, `service status`, monitors)
 * ask it, and it tells nothing of the code (docs/http-api.md, "Bearer
 * token"). */
static int needs_token(const pt_req *r, const char *method)
{
  return strcmp(r->path, "/server-health-check-status") != 0 ||
         (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0);
}

/* "Authorization: Bearer <token>" (RFC 6750 2.1; the scheme in any case).
 * Both sides are compared as SHA-256 digests, in constant time, so the
 * time taken says nothing of the token, its length included. 401 with
 * WWW-Authenticate otherwise. */
static int authorize(const pt_server *s, struct MHD_Connection *c, pt_req *r)
{
  const char *v =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  int is_bearer = v && strncasecmp_ascii(v, "Bearer ", 7) == 0;
  if (is_bearer) {
    v += 7;
    while (*v == ' ')
      v++;
    char got[65];
    pt_sha256_hex(v, strlen(v), got);
    if (same_hash(got, s->token_sha))
      return 0;
  }
  r->set_header = "WWW-Authenticate";
  pt_snprintf(r->set_value, sizeof r->set_value, "Bearer realm=\"parseltongue\"%s",
              is_bearer ? ", error=\"invalid_token\"" : "");
  return pt__resp_error(r, 401, is_bearer
      ? "the bearer token is not this server's (see its --token-file)"
      : "this server requires a bearer token: send the header "
        "'Authorization: Bearer <token>' with the token of its --token-file");
}

/* The checks every request passes before its route: size, Host, the
 * bearer token, the cross-site POST rule, the method, and a POST's JSON
 * body. */
static int admit(pt_server *s, struct MHD_Connection *c, pt_req *r, const char *method,
                 const upload *u)
{
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (u->url_refused == URL_TOO_LONG)
    return pt__resp_error(r, 414, "the request's URL is longer than %d bytes",
                          PT_URL_MAX);
  if (u->url_refused == URL_TOO_MANY)
    return pt__resp_error(r, 414, "the request's URL has more than %d "
                          "parameters", PT_PARAMS_MAX);
  if (kind_len(c, MHD_HEADER_KIND) > PT_HEADERS_MAX)
    return pt__resp_error(r, 431, "the request's headers are larger than %d bytes",
                          PT_HEADERS_MAX);
  if (!host_ok(s, host))
    return pt__resp_error(r, 403, "Host '%s' is not this server (DNS rebinding "
                          "protection: use localhost or %s)", host ? host : "",
                          s->bind);
  if (s->has_token && needs_token(r, method) && authorize(s, c, r) != 0)
    return PT_EINVAL;
  if (!strcmp(method, "POST") && !post_ok(c))
    return pt__resp_error(r, 403, "cross-site POST refused: a form or text content "
                          "type, or an Origin that is not loopback (send "
                          "Content-Type application/json, or no content type)");
  if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST") &&
      strcmp(method, "OPTIONS")) {
    r->allow = "GET, HEAD, POST, OPTIONS";
    return pt__resp_error(r, 405, "method %s is not supported", method);
  }
  if (u->too_big)
    return pt__resp_error(r, 413, "the request body is larger than %zu bytes",
                          u->max);
  if (!strcmp(method, "POST") && u->body.len) {
    r->raw_body = u->body.ptr;
    r->raw_len = u->body.len;
    if (!strcmp(r->path, "/mcp") || /* a JSON-RPC message, a diff: */
        !strcmp(r->path, "/diff-impact-analysis")) /* not parameters */
      return 0;
    return pt__req_read_body(r, u->body.ptr, u->body.len);
  }
  return 0;
}

/* Keeps the body of a POST (up to PT_BODY_MAX bytes) for the last call. */
static enum MHD_Result take_upload(upload *u, const char *data, size_t *size)
{
  if (!u->too_big && u->body.len + *size <= u->max) {
    if (pt_buf_put(&u->body, data, *size) != 0)
      return MHD_NO; /* out of memory: drop the connection */
  } else {
    u->too_big = 1;
  }
  *size = 0;
  return MHD_YES;
}

static void req_start(pt_server *s, struct MHD_Connection *c, upload *u,
                      const char *url)
{
  pt_req *r = &u->r;
  memset(r, 0, sizeof *r);
  u->sn = acquire(s);
  r->st = &u->sn->st;
  r->path = url;
  r->conn = c;
  r->arg = conn_arg;
  r->header = conn_header;
  r->status = 200;
  pt_arena_init(&r->arena);
  pt_json_init(&r->json, &r->body);
  u->conn = c;
  u->is_started = 1;
}

/* Closes the answer, on the thread that ran the route (its last error is
 * there): a route that failed without writing one answers 500 with the
 * error, a body that could not be finished the bare envelope; then it is
 * compressed when the client takes gzip. */
static void req_finish(upload *u, int rc)
{
  pt_req *r = &u->r;
  if (rc != 0 && r->body.len == 0)
    pt__resp_error(r, 500, "%s", pt_error_last()->message);
  if (pt_json_finish(&r->json) != 0) {
    pt_buf_clear(&r->body);
    r->status = 500;
    /* the envelope without the endpoint: 53 bytes, so 14 tokens */
    pt_buf_puts(&r->body, "{\"success\":false,\"error\":\"out of memory\",\"tokens\":14}");
  }
  u->is_gzipped = compress_body(u->conn, r);
}

static enum MHD_Result answer(pt_server *s, upload *u)
{
  enum MHD_Result ret = reply(u->conn, &u->r, u->is_gzipped);
  req_end(s, u);
  pt_error_clear();
  return ret;
}

/* On a worker: runs the route and resumes the connection, whose handler
 * then sends the answer. */
static void run_route(pt_job *job)
{
  upload *u = (upload *)job;
  struct MHD_Connection *c = u->conn;
  req_finish(u, u->rt->fn(&u->r));
  u->is_answered = 1;
  MHD_resume_connection(c); /* u may be gone once this returns */
}

/* Hands the route to the worker pool, its connection suspended until a
 * worker has answered; with the queue full (or the server stopping), 503
 * with Retry-After instead (docs/http-api.md, "Limits"). Suspended first:
 * a worker may resume the connection before the handler returns. */
static int hand_off(pt_server *s, upload *u, const pt_route *rt)
{
  if (pt__jobs_reserve(s->jobs) != 0) {
    pt_req *r = &u->r;
    char why[128];
    pt_snprintf(why, sizeof why, "%s", pt_error_last()->message);
    pt_error_clear();
    r->set_header = "Retry-After";
    pt_snprintf(r->set_value, sizeof r->set_value, "%u", PT_RETRY_AFTER_S);
    return pt__resp_error(r, 503, "the server is busy (%s): try again in "
                          "%u s (Retry-After)", why, PT_RETRY_AFTER_S);
  }
  u->rt = rt;
  u->job.run = run_route;
  MHD_suspend_connection(u->conn);
  pt__jobs_submit(s->jobs, &u->job);
  return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
  pt_server *s = cls;
  /* the first call only announces the request; the next ones bring the
   * body, if any; answer on the last, with an empty upload */
  if (!*con_cls) {
    upload *u = pt_calloc(1, sizeof *u);
    if (!u)
      return MHD_NO;
    *con_cls = u;
  }
  upload *u = *con_cls;
  if (!u->is_announced) {
    u->is_announced = 1;
    u->max = strcmp(url, "/diff-impact-analysis") ? PT_BODY_MAX
                                                  : PT_DIFF_BODY_MAX;
    return MHD_YES;
  }
  /* a body over the limit is read to its end (answering before it would
   * leave unread bytes, and the close would reset the answer away), within
   * the request's deadline */
  if (*data_size)
    return take_upload(u, data, data_size);
  if (u->is_answered) /* resumed: a worker answered */
    return answer(s, u);
  pt__conns_request_in(s->conns, conn_slot(c), c);
  req_start(s, c, u, url);
  const pt_route *rt = NULL;
  int rc = admit(s, c, &u->r, method, u);
  if (rc == 0)
    rc = route(&u->r, method, &rt);
  if (rc == 0 && rt && !pt__route_is_quick(rt)) {
    rc = hand_off(s, u, rt);
    if (rc == 0)
      return MHD_YES;
  } else if (rc == 0 && rt) {
    rc = rt->fn(&u->r);
  }
  req_finish(u, rc);
  return answer(s, u);
}

/* The port the user chose (0: the OS chooses), or for the default port
 * (scan_ports) the first free one of the 100 from it. */
static int listen_port(pt_server *s, const pt_server_opts *o)
{
  if (!o->scan_ports) {
    int rc = pt_net_listen(s->bind, o->port, &s->sock);
    if (rc == PT_EEXISTS)
      return PT_ERR(PT_EEXISTS, "port %u is in use on %s", o->port, s->bind);
    if (rc == 0 && (rc = pt_net_local_port(s->sock, &s->port)) != 0)
      pt_net_close(s->sock); /* with port 0, the OS chose: which? */
    return rc;
  }
  unsigned start = o->port;
  for (unsigned p = start; p < start + 100 && p <= 65535; p++) {
    if (o->log)
      fprintf(o->log, "Trying %u...", p);
    int rc = pt_net_listen(s->bind, p, &s->sock);
    if (rc == 0) {
      if (o->log)
        fprintf(o->log, "%s\n", o->is_ascii ? " ok" : " ✓");
      s->port = p;
      return 0;
    }
    if (rc != PT_EEXISTS) {
      if (o->log)
        fprintf(o->log, "\n");
      return rc;
    }
    if (o->log)
      fprintf(o->log, " in use, trying next...\n");
    pt_error_clear();
  }
  return PT_ERR(PT_EEXISTS, "No available port in range %u-%u. Try closing some "
                "Parseltongue instances or specify a different starting port.",
                start, start + 100);
}

int pt_server_start(const pt_server_opts *o, pt_graph *g, pt_server **out)
{
  pt_server *s = pt_calloc(1, sizeof *s);
  if (!s) {
    pt_graph_free(g);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  pt_snprintf(s->bind, sizeof s->bind, "%s", o->bind ? o->bind : "127.0.0.1");
  pt_mcp_init(); /* before the threads that answer POST /mcp */
  s->db_spec = o->db_spec ? o->db_spec : "mem";
  s->start_ns = pt_clock_ns();
  s->live = o->live;
  if (o->token) {
    s->has_token = 1;
    pt_sha256_hex(o->token, strlen(o->token), s->token_sha);
  }
  int rc = pt_mutex_new(&s->mu);
  if (rc == 0)
    rc = snapshot_new(s, g, NULL, &s->cur);
  if (rc)
    pt_graph_free(g);
  unsigned max_conns = o->max_connections ? o->max_connections : PT_CONN_MAX;
  if (rc == 0)
    rc = pt__conns_new(max_conns, o->request_timeout_ms ? o->request_timeout_ms
                                                        : PT_REQUEST_MS,
                       &s->conns);
  unsigned workers = o->n_workers ? o->n_workers : pt_cpu_count();
  if (!o->n_workers && workers < 2)
    workers = 2;
  if (rc == 0)
    rc = pt__jobs_new(workers, o->max_queued ? o->max_queued : PT_QUEUE_MAX,
                      &s->jobs);
  if (rc == 0)
    rc = listen_port(s, o);
  if (rc == 0)
    s->cur->st.port = s->port; /* before any request can read it */
  unsigned threads = o->n_threads ? o->n_threads : pt_cpu_count();
  if (threads < 2)
    threads = 2;
  if (rc == 0) {
    s->mhd = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->sock,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, max_conns,
        MHD_OPTION_CONNECTION_TIMEOUT,
        o->idle_timeout_s ? o->idle_timeout_s : PT_IDLE_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, PT_CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)s,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)NULL,
        MHD_OPTION_END);
    if (!s->mhd) {
      pt_net_close(s->sock);
      rc = PT_ERR(PT_EIO, "cannot start the HTTP server on %s:%u", s->bind, s->port);
    }
  }
  if (rc) {
    pt__jobs_free(s->jobs);
    pt__conns_free(s->conns);
    snapshot_free(s->cur);
    pt_mutex_free(s->mu);
    pt_free(s);
    return rc;
  }
  pt_log(PT_LOG_INFO, "serving on %s:%u with %u threads and %u workers",
         s->bind, s->port, threads, workers);
  *out = s;
  return 0;
}

unsigned pt_server_port(const pt_server *s) { return s->port; }
const char *pt_server_bind(const pt_server *s) { return s->bind; }

void pt_server_stop(pt_server *s)
{
  if (!s)
    return;
  /* the requests handed to workers are answered first: libmicrohttpd
   * must not stop with a connection suspended; later ones get 503 */
  pt__jobs_stop(s->jobs);
  MHD_stop_daemon(s->mhd); /* closes the listening socket too */
  pt__jobs_free(s->jobs);
  pt__conns_free(s->conns);
  snapshot_free(s->cur);
  pt_mutex_free(s->mu);
  pt_free(s);
}
