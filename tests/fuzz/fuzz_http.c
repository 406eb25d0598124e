/* libFuzzer: one request to one route of the HTTP API, without sockets:
 * the route table's handler with its parameters (the query-string
 * decoders pt__req_uint, _scope, _node, _page, _choice, ...), the JSON body
 * reader of POSTs and the JSON writer, over a small real graph. Input:
 * byte 0 picks the route, then the query string ("a=1&b=%20x", decoded as
 * libmicrohttpd decodes it) up to the first newline, then the body. Every
 * answer must be one JSON value. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "http/http.h"
#include "pt/error.h"

#define MAX_ARGS 32

typedef struct query {
  char *names[MAX_ARGS];
  char *values[MAX_ARGS];
  size_t n;
} query;

static pt_serve_state state;

static int hex(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* '+' is a space and %XX a byte, in place; a bad escape stays as it is */
static void decode(char *s)
{
  char *w = s;
  for (char *p = s; *p; p++) {
    if (*p == '+') {
      *w++ = ' ';
    } else if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
      *w++ = (char)(hex(p[1]) * 16 + hex(p[2]));
      p += 2;
    } else {
      *w++ = *p;
    }
  }
  *w = '\0';
}

static void parse_query(char *text, query *q)
{
  q->n = 0;
  for (char *p = text; p && *p && q->n < MAX_ARGS;) {
    char *amp = strchr(p, '&');
    if (amp)
      *amp = '\0';
    char *eq = strchr(p, '=');
    if (eq)
      *eq = '\0';
    q->names[q->n] = p;
    q->values[q->n] = eq ? eq + 1 : p + strlen(p); /* "", writable */
    decode(q->names[q->n]);
    decode(q->values[q->n]);
    q->n++;
    p = amp ? amp + 1 : NULL;
  }
}

static const char *query_arg(void *conn, const char *name)
{
  const query *q = conn;
  for (size_t i = 0; i < q->n; i++)
    if (!strcmp(q->names[i], name))
      return q->values[i];
  return NULL;
}

static const char *no_header(void *conn, const char *name)
{
  (void)conn;
  (void)name;
  return NULL;
}

/* The graph, and each route once (whole-graph analyses are kept per
 * graph, and the first computation is slow in an instrumented build), so
 * no input is charged for them. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (pt__serve_state_init(&state, pt_fuzz_graph(), "mem") != 0)
    abort();
  size_t n_routes = 0;
  pt__routes(&n_routes);
  for (size_t i = 0; i < n_routes; i++) {
    uint8_t route = (uint8_t)i;
    LLVMFuzzerTestOneInput(&route, 1);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t n_routes = 0;
  const pt_route *routes = pt__routes(&n_routes);
  const pt_route *rt = &routes[data[0] % n_routes];
  char *text = malloc(size);
  if (!text)
    return 0;
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  char *nl = memchr(text, '\n', size - 1);
  const char *body = nl ? nl + 1 : "";
  size_t body_len = nl ? (size_t)(text + size - 1 - (nl + 1)) : 0;
  if (nl)
    *nl = '\0';
  query q;
  parse_query(text, &q);
  pt_req r;
  memset(&r, 0, sizeof r);
  r.st = &state;
  r.path = rt->path;
  r.conn = &q;
  r.arg = query_arg;
  r.header = no_header;
  r.status = 200;
  pt_arena_init(&r.arena);
  pt_json_init(&r.json, &r.body);
  int rc = 0;
  if (!strcmp(rt->method, "POST") && body_len) {
    r.raw_body = body;
    r.raw_len = body_len;
    if (strcmp(r.path, "/mcp") != 0)
      rc = pt__req_read_body(&r, body, body_len);
  }
  if (rc == 0)
    rc = rt->fn(&r);
  if (rc != 0 && r.body.len == 0)
    pt__resp_error(&r, 500, "%s", pt_error_last()->message);
  if (pt_json_finish(&r.json) != 0)
    abort(); /* out of memory is not expected here */
  if (r.body.len)
    pt_fuzz_check_json(r.body.ptr, r.body.len, rt->path);
  pt_buf_fini(&r.body);
  pt_arena_fini(&r.arena);
  pt_error_clear();
  free(text);
  return 0;
}
