/* The libmicrohttpd side of pt08 (pt/server.h): port scan on a socket the
 * platform binds, thread pool, limits, and the checks every request passes
 * before routing (method, Host, cross-site POST). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "http.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
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
} snapshot;

struct pt_server {
  struct MHD_Daemon *mhd;
  uint64_t sock;
  unsigned port;
  char bind[64];
  const char *db_spec;
  struct pt_live *live;
  pt_mutex *mu;             /* guards cur and every refs */
  snapshot *cur;
};

static void snapshot_free(snapshot *sn)
{
  if (!sn)
    return;
  pt__serve_state_fini(&sn->st);
  pt_graph_free(sn->g);
  pt_free(sn);
  pt_sys_heap_trim(); /* a replaced graph's memory goes back to the system */
}

/* Builds the indexes of g, which the snapshot owns once this succeeds. */
static int snapshot_new(pt_server *s, pt_graph *g, snapshot **out)
{
  snapshot *sn = pt_calloc(1, sizeof *sn);
  if (!sn)
    return PT_ERR(PT_ENOMEM, "out of memory");
  sn->g = g;
  sn->refs = 1;
  int rc = pt__serve_state_init(&sn->st, g, s->db_spec);
  if (rc) {
    pt_free(sn);
    return rc;
  }
  sn->st.live = s->live;
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

int pt_server_publish(pt_server *s, pt_graph *g)
{
  snapshot *sn = NULL;
  int rc = snapshot_new(s, g, &sn); /* outside the lock: readers go on */
  if (rc)
    return rc;
  pt_mutex_lock(s->mu);
  snapshot *old = s->cur;
  s->cur = sn;
  pt_mutex_unlock(s->mu);
  release(s, old);
  return 0;
}

static const char *conn_arg(void *conn, const char *name)
{
  return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
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

/* A browser can send a "simple" cross-site POST without asking first:
 * form and text content types. We need a JSON or custom content type, or
 * the X-Parseltongue header, and an Origin, when present, on loopback. */
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
    return 0;
  static const char *const simple[] = {"application/x-www-form-urlencoded",
                                       "multipart/form-data", "text/plain", NULL};
  for (int i = 0; simple[i]; i++)
    if (strncmp(ct, simple[i], strlen(simple[i])) == 0)
      return 0;
  return 1;
}

static void free_body(void *p)
{
  pt_free(p);
}

/* Hands the body to libmicrohttpd without a copy; it frees it through our
 * heap when the response is done. */
static enum MHD_Result reply(struct MHD_Connection *c, pt_req *r)
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
  MHD_add_response_header(resp, "Content-Type", "application/json");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static int route(pt_req *r, const char *method)
{
  const pt_route *rt = pt__route_find(r->path);
  if (!rt)
    return pt__resp_error(r, 404, 40, "No route %s (see /api-reference-documentation-help)",
                          r->path);
  int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  if ((is_get && strcmp(rt->method, "GET") != 0) ||
      (!is_get && strcmp(rt->method, method) != 0))
    return pt__resp_error(r, 405, 40, "%s takes %s, not %s", r->path, rt->method,
                          method);
  return rt->fn(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
  pt_server *s = cls;
  /* the first call only announces the request; answer on the second, once
   * any upload has been seen (and refused: no route reads a body) */
  if (!*con_cls) {
    *con_cls = s;
    return MHD_YES;
  }
  if (*upload_size) {
    *upload_size = 0;
    return MHD_YES;
  }
  pt_req r;
  memset(&r, 0, sizeof r);
  snapshot *sn = acquire(s);
  r.st = &sn->st;
  r.path = url;
  r.conn = c;
  r.arg = conn_arg;
  r.status = 200;
  pt_json_init(&r.json, &r.body);
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (!host_ok(s, host))
    pt__resp_error(&r, 403, 30, "Host '%s' is not this server (DNS rebinding "
                   "protection: use localhost or %s)", host ? host : "", s->bind);
  else if (!strcmp(method, "POST") && !post_ok(c))
    pt__resp_error(&r, 403, 30, "cross-site POST refused: send Content-Type "
                   "application/json or an X-Parseltongue header");
  else if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
    pt__resp_error(&r, 405, 30, "method %s is not supported", method);
  else if (route(&r, method) != 0 && r.body.len == 0)
    pt__resp_error(&r, 500, 30, "%s", pt_error_last()->message);
  if (pt_json_finish(&r.json) != 0) {
    pt_buf_clear(&r.body);
    r.status = 500;
    pt_buf_puts(&r.body, "{\"success\":false,\"error\":\"out of memory\"}");
  }
  enum MHD_Result ret = reply(c, &r);
  pt_buf_fini(&r.body);
  pt_error_clear();
  release(s, sn); /* after the reply: the last reader of an old graph frees it */
  return ret;
}

static int listen_scan(pt_server *s, const pt_server_opts *o)
{
  unsigned start = o->port ? o->port : 7777;
  for (unsigned p = start; p < start + 100 && p <= 65535; p++) {
    if (o->log)
      fprintf(o->log, "Trying %u...", p);
    int rc = pt_net_listen(s->bind, p, &s->sock);
    if (rc == 0) {
      if (o->log)
        fprintf(o->log, " ✓\n");
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
  s->db_spec = o->db_spec ? o->db_spec : "mem";
  s->live = o->live;
  int rc = pt_mutex_new(&s->mu);
  if (rc == 0)
    rc = snapshot_new(s, g, &s->cur);
  if (rc)
    pt_graph_free(g);
  if (rc == 0)
    rc = listen_scan(s, o);
  unsigned threads = o->n_threads ? o->n_threads : pt_cpu_count();
  if (threads < 2)
    threads = 2;
  if (rc == 0) {
    s->mhd = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD,
        0, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->sock,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_END);
    if (!s->mhd) {
      pt_net_close(s->sock);
      rc = PT_ERR(PT_EIO, "cannot start the HTTP server on %s:%u", s->bind, s->port);
    }
  }
  if (rc) {
    snapshot_free(s->cur);
    pt_mutex_free(s->mu);
    pt_free(s);
    return rc;
  }
  pt_log(PT_LOG_INFO, "serving on %s:%u with %u threads", s->bind, s->port, threads);
  *out = s;
  return 0;
}

unsigned pt_server_port(const pt_server *s) { return s->port; }
const char *pt_server_bind(const pt_server *s) { return s->bind; }

void pt_server_stop(pt_server *s)
{
  if (!s)
    return;
  MHD_stop_daemon(s->mhd); /* closes the listening socket too */
  snapshot_free(s->cur);
  pt_mutex_free(s->mu);
  pt_free(s);
}
