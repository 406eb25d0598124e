/* The JSON-RPC 2.0 side of pt/mcp.h: parsing a message with cJSON,
 * telling requests, notifications and responses apart, the two protocol
 * eras (the 2026-07-28 per-request envelope and server/discover, the
 * 2025 initialize handshake) and the error answers. The tools are in
 * mcp_tools.c. docs/mcp.md. */
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/version.h"

#define META_VERSION "io.modelcontextprotocol/protocolVersion"
#define META_CAPS "io.modelcontextprotocol/clientCapabilities"
#define META_SERVER "io.modelcontextprotocol/serverInfo"
#define META_INDEX "parseltongue/index"

/* Oldest first is not the order clients read; newest first is. */
static const char *const legacy_versions[] = {"2025-11-25", "2025-06-18",
                                              "2025-03-26", NULL};
static const char *const modern_versions[] = {PT_MCP_MODERN_VERSION, NULL};

static PT_THREAD_LOCAL int json_oom;

static void *json_alloc(size_t size)
{
  void *p = pt_malloc(size);
  if (!p)
    json_oom = 1;
  return p;
}

void pt_mcp_init(void)
{
  static int done;
  if (!done) {
    cJSON_Hooks hooks = {json_alloc, pt_free};
    cJSON_InitHooks(&hooks);
    done = 1;
  }
}

int pt__mcp_json_oom(void)
{
  return json_oom;
}

void pt__mcp_json_oom_reset(void)
{
  json_oom = 0;
}

static const char instructions[] =
    "Parseltongue answers questions about the indexed code base from its "
    "dependency graph: start with find_symbol to get an entity key, then "
    "entity_detail, callers, callees, blast_radius or smart_context. Every "
    "list is paged (limit, cursor; total, returned, truncated).";

/* What one message is, as read. */
typedef struct rpc {
  cJSON *root;     /* owned */
  const cJSON *id; /* borrowed from root; NULL = notification */
  const char *method;
  const cJSON *params; /* an object, or NULL */
  const char *modern;  /* the envelope's protocol version, or NULL */
  const pt_mcp_view *view; /* borrowed: what the call reads */
  const pt_mcp_http_headers *http; /* borrowed: POST /mcp's, or NULL */
} rpc;

static int in_list(const char *const *list, const char *v)
{
  for (; v && *list; list++)
    if (strcmp(*list, v) == 0)
      return 1;
  return 0;
}

int pt__mcp_version_modern(const char *v)
{
  return in_list(modern_versions, v);
}

int pt_mcp_version_supported(const char *v)
{
  return in_list(legacy_versions, v) || in_list(modern_versions, v);
}

/* Appends the printed value to out, freeing it; PT_ENOMEM. */
static int emit(cJSON *msg, pt_buf *out)
{
  char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
  cJSON_Delete(msg);
  if (!text)
    return PT_ERR(PT_ENOMEM, "out of memory writing an MCP answer");
  int rc = pt_buf_puts(out, text);
  cJSON_free(text);
  return rc;
}

/* {"jsonrpc":"2.0","id":<id or null>} to add result or error to. */
static cJSON *envelope(const cJSON *id)
{
  cJSON *m = cJSON_CreateObject();
  if (!m || !cJSON_AddStringToObject(m, "jsonrpc", "2.0")) {
    cJSON_Delete(m);
    return NULL;
  }
  cJSON *idv = id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull();
  if (!idv || !cJSON_AddItemToObject(m, "id", idv)) {
    cJSON_Delete(idv);
    cJSON_Delete(m);
    return NULL;
  }
  return m;
}

/* An error answer; data (owned) may be NULL. */
int pt__mcp_error_answer(const cJSON *id, int code, const char *message,
                        cJSON *data, pt_buf *out, pt_mcp_reply *reply)
{
  cJSON *m = envelope(id);
  cJSON *e = m ? cJSON_AddObjectToObject(m, "error") : NULL;
  if (!e || !cJSON_AddNumberToObject(e, "code", code) ||
      !cJSON_AddStringToObject(e, "message", message)) {
    cJSON_Delete(data);
    cJSON_Delete(m);
    return PT_ERR(PT_ENOMEM, "out of memory writing an MCP error");
  }
  if (data && !cJSON_AddItemToObject(e, "data", data)) {
    cJSON_Delete(data);
    cJSON_Delete(m);
    return PT_ERR(PT_ENOMEM, "out of memory writing an MCP error");
  }
  reply->has_response = 1;
  reply->error_code = code;
  return emit(m, out);
}

int pt_mcp_error_response(pt_buf *out, int code, const char *message)
{
  pt_mcp_reply ignored;
  pt_mcp_init();
  return pt__mcp_error_answer(NULL, code, message, NULL, out, &ignored);
}

static cJSON *server_info(void)
{
  cJSON *o = cJSON_CreateObject();
  if (o && cJSON_AddStringToObject(o, "name", "parseltongue") &&
      cJSON_AddStringToObject(o, "title", "Parseltongue code graph") &&
      cJSON_AddStringToObject(o, "version", PT_VERSION))
    return o;
  cJSON_Delete(o);
  return NULL;
}

/* A result answer; result is owned. A tool's result tells the index's
 * freshness in its _meta, errors included (docs/mcp.md "Freshness"); a
 * modern request's result names the server there, as 2026-07-28 asks of
 * every response. Others have no _meta (ping's result must be {}). */
static int result_answer(const rpc *r, cJSON *result, pt_buf *out,
                         pt_mcp_reply *reply)
{
  cJSON *m = result ? envelope(r->id) : NULL;
  int is_tool = strcmp(r->method, "tools/call") == 0;
  cJSON *meta = m ? cJSON_GetObjectItem(result, "_meta") : NULL;
  if (m && !meta && (is_tool || r->modern))
    meta = cJSON_AddObjectToObject(result, "_meta");
  int ok = m && (meta || !(is_tool || r->modern));
  cJSON *ix = ok && is_tool ? pt__mcp_index_json(r->view, NULL) : NULL;
  if (ok && is_tool)
    ok = ix && cJSON_AddItemToObject(meta, META_INDEX, ix);
  if (!ok)
    cJSON_Delete(ix);
  if (ok && r->modern) {
    cJSON *info = server_info();
    ok = info && cJSON_AddItemToObject(meta, META_SERVER, info);
    if (!ok)
      cJSON_Delete(info);
    ok = ok && cJSON_AddStringToObject(result, "resultType", "complete");
  }
  if (!ok || !cJSON_AddItemToObject(m, "result", result)) {
    cJSON_Delete(result);
    cJSON_Delete(m);
    return PT_ERR(PT_ENOMEM, "out of memory writing an MCP answer");
  }
  reply->has_response = 1;
  return emit(m, out);
}

static cJSON *capabilities(void)
{
  cJSON *caps = cJSON_CreateObject();
  cJSON *tools = caps ? cJSON_AddObjectToObject(caps, "tools") : NULL;
  if (tools && cJSON_AddFalseToObject(tools, "listChanged"))
    return caps;
  cJSON_Delete(caps);
  return NULL;
}

/* 2025 era: the client's version if we speak it, else our newest
 * (the client then decides whether it can go on). */
static int on_initialize(pt_mcp_session *s, const rpc *r, pt_buf *out,
                         pt_mcp_reply *reply)
{
  const cJSON *pv =
      r->params ? cJSON_GetObjectItem(r->params, "protocolVersion") : NULL;
  if (!cJSON_IsString(pv))
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS,
                        "initialize: params.protocolVersion must be a string",
                        NULL, out, reply);
  const char *v = in_list(legacy_versions, pv->valuestring)
                      ? pv->valuestring
                      : PT_MCP_LEGACY_VERSION;
  cJSON *res = cJSON_CreateObject();
  cJSON *caps = capabilities(), *info = server_info();
  if (!res || !caps || !info ||
      !cJSON_AddStringToObject(res, "protocolVersion", v) ||
      !cJSON_AddItemToObject(res, "capabilities", caps) ||
      (caps = NULL, !cJSON_AddItemToObject(res, "serverInfo", info)) ||
      (info = NULL,
       !cJSON_AddStringToObject(res, "instructions", instructions))) {
    cJSON_Delete(res);
    cJSON_Delete(caps);
    cJSON_Delete(info);
    return PT_ERR(PT_ENOMEM, "out of memory answering initialize");
  }
  pt_snprintf(s->version, sizeof s->version, "%s", v);
  reply->is_initialize = 1;
  return result_answer(r, res, out, reply);
}

/* 2026-07-28: what a client needs before its first real request. */
static int on_discover(const rpc *r, pt_buf *out, pt_mcp_reply *reply)
{
  cJSON *res = cJSON_CreateObject();
  cJSON *vs = cJSON_CreateStringArray(modern_versions, 1);
  cJSON *caps = capabilities();
  if (!res || !vs || !caps ||
      !cJSON_AddItemToObject(res, "supportedVersions", vs) ||
      (vs = NULL, !cJSON_AddItemToObject(res, "capabilities", caps)) ||
      (caps = NULL,
       !cJSON_AddStringToObject(res, "instructions", instructions)) ||
      !cJSON_AddNumberToObject(res, "ttlMs", 3600000) ||
      !cJSON_AddStringToObject(res, "cacheScope", "public")) {
    cJSON_Delete(res);
    cJSON_Delete(vs);
    cJSON_Delete(caps);
    return PT_ERR(PT_ENOMEM, "out of memory answering server/discover");
  }
  return result_answer(r, res, out, reply);
}

/* The tool list never changes while the program runs: one page, and a
 * client may keep it for an hour. */
static int on_tools_list(const rpc *r, pt_buf *out, pt_mcp_reply *reply)
{
  const cJSON *cursor =
      r->params ? cJSON_GetObjectItem(r->params, "cursor") : NULL;
  if (cursor && !cJSON_IsNull(cursor))
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS,
                        "tools/list: unknown cursor (the list has one page)",
                        NULL, out, reply);
  cJSON *res = cJSON_CreateObject();
  cJSON *tools = pt__mcp_tools_json();
  if (!res || !tools || !cJSON_AddItemToObject(res, "tools", tools) ||
      (tools = NULL, !cJSON_AddNumberToObject(res, "ttlMs", 3600000)) ||
      !cJSON_AddStringToObject(res, "cacheScope", "public")) {
    cJSON_Delete(res);
    cJSON_Delete(tools);
    return PT_ERR(PT_ENOMEM, "out of memory answering tools/list");
  }
  return result_answer(r, res, out, reply);
}

static int on_tools_call(const pt_mcp_view *v, const rpc *r, pt_buf *out,
                         pt_mcp_reply *reply)
{
  const cJSON *name = r->params ? cJSON_GetObjectItem(r->params, "name") : NULL;
  const cJSON *args =
      r->params ? cJSON_GetObjectItem(r->params, "arguments") : NULL;
  char msg[300];
  if (!cJSON_IsString(name))
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS,
                        "tools/call: params.name must be a string", NULL, out,
                        reply);
  if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS,
                        "tools/call: params.arguments must be an object", NULL,
                        out, reply);
  cJSON *res = NULL;
  int rc = pt__mcp_tool_call(v, name->valuestring,
                             cJSON_IsObject(args) ? args : NULL, &res);
  if (rc == PT_ENOTFOUND) {
    pt_error_clear();
    pt_snprintf(msg, sizeof msg, "Unknown tool: %.200s", name->valuestring);
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS, msg, NULL, out, reply);
  }
  if (rc)
    return rc;
  return result_answer(r, res, out, reply);
}

/* 2026-07-28: the envelope must name a revision we speak and carry the
 * client's capabilities. 0 to go on; else the error is answered. */
static int check_envelope(const rpc *r, pt_buf *out, pt_mcp_reply *reply,
                          int *answered)
{
  const cJSON *meta = cJSON_GetObjectItem(r->params, "_meta");
  *answered = 1;
  if (!in_list(modern_versions, r->modern)) {
    cJSON *data = cJSON_CreateObject();
    cJSON *sup = cJSON_CreateStringArray(modern_versions, 1);
    if (!data || !sup || !cJSON_AddItemToObject(data, "supported", sup) ||
        (sup = NULL, !cJSON_AddStringToObject(data, "requested", r->modern))) {
      cJSON_Delete(data);
      cJSON_Delete(sup);
      return PT_ERR(PT_ENOMEM, "out of memory");
    }
    return pt__mcp_error_answer(r->id, PT_MCP_UNSUPPORTED_VERSION,
                        "Unsupported protocol version", data, out, reply);
  }
  if (!cJSON_IsObject(cJSON_GetObjectItem(meta, META_CAPS)))
    return pt__mcp_error_answer(r->id, PT_MCP_INVALID_PARAMS,
                        "params._meta lacks " META_CAPS " (an object)", NULL,
                        out, reply);
  *answered = 0;
  return 0;
}

static int dispatch(pt_mcp_session *s, const pt_mcp_view *v, const rpc *r,
                    pt_buf *out, pt_mcp_reply *reply)
{
  const char *m = r->method;
  char msg[300];
  if (!r->id) { /* a notification is never answered, not even an error */
    if (strcmp(m, "notifications/initialized") == 0)
      s->initialized = 1;
    return 0;
  }
  if (r->modern) {
    int answered, rc = check_envelope(r, out, reply, &answered);
    if (!rc && !answered)
      rc = pt__mcp_headers_present(r->http, r->modern, m, r->id, r->params,
                                   out, reply, &answered);
    if (rc || answered)
      return rc;
    reply->is_modern = 1;
  }
  if (strcmp(m, "initialize") == 0 && !r->modern)
    return on_initialize(s, r, out, reply);
  if (strcmp(m, "server/discover") == 0)
    return on_discover(r, out, reply);
  if (strcmp(m, "ping") == 0) {
    cJSON *res = cJSON_CreateObject();
    return res ? result_answer(r, res, out, reply)
               : PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (strcmp(m, "tools/list") == 0)
    return on_tools_list(r, out, reply);
  if (strcmp(m, "tools/call") == 0)
    return on_tools_call(v, r, out, reply);
  pt_snprintf(msg, sizeof msg, "Method not found: %.200s", m);
  return pt__mcp_error_answer(r->id, PT_MCP_METHOD_NOT_FOUND, msg, NULL, out, reply);
}

/* Reads the members JSON-RPC 2.0 requires; an answer when they are not
 * right (*answered). A message with a result or an error and no method
 * is a response from the client (we send no requests): dropped. */
static int read_rpc(rpc *r, pt_buf *out, pt_mcp_reply *reply, int *answered)
{
  const cJSON *root = r->root;
  *answered = 1;
  if (cJSON_IsArray(root))
    return pt__mcp_error_answer(NULL, PT_MCP_INVALID_REQUEST,
                        "Invalid Request: batches are not supported", NULL, out,
                        reply);
  if (!cJSON_IsObject(root))
    return pt__mcp_error_answer(NULL, PT_MCP_INVALID_REQUEST,
                        "Invalid Request: not a JSON object", NULL, out, reply);
  const cJSON *id = cJSON_GetObjectItem(root, "id");
  const cJSON *method = cJSON_GetObjectItem(root, "method");
  const cJSON *params = cJSON_GetObjectItem(root, "params");
  const cJSON *ver = cJSON_GetObjectItem(root, "jsonrpc");
  int id_ok = !id || cJSON_IsString(id) || cJSON_IsNumber(id);
  if (!method && id &&
      (cJSON_GetObjectItem(root, "result") ||
       cJSON_GetObjectItem(root, "error")))
    return 0;
  if (!id_ok)
    id = NULL;
  if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0") != 0 || !id_ok ||
      !cJSON_IsString(method))
    return pt__mcp_error_answer(id, PT_MCP_INVALID_REQUEST,
                        "Invalid Request: needs \"jsonrpc\":\"2.0\", a string "
                        "method and a string or number id",
                        NULL, out, reply);
  if (params && !cJSON_IsObject(params) && !id)
    return 0; /* a malformed notification: nothing to answer */
  if (params && !cJSON_IsObject(params))
    return pt__mcp_error_answer(id,
                        cJSON_IsArray(params) ? PT_MCP_INVALID_PARAMS
                                              : PT_MCP_INVALID_REQUEST,
                        "params must be an object", NULL, out, reply);
  r->id = id;
  r->method = method->valuestring;
  r->params = params;
  const cJSON *meta = params ? cJSON_GetObjectItem(params, "_meta") : NULL;
  const cJSON *pv =
      cJSON_IsObject(meta) ? cJSON_GetObjectItem(meta, META_VERSION) : NULL;
  if (pv && !cJSON_IsString(pv) && !id)
    return 0;
  if (pv && !cJSON_IsString(pv))
    return pt__mcp_error_answer(id, PT_MCP_INVALID_PARAMS,
                        "params._meta." META_VERSION " must be a string", NULL,
                        out, reply);
  r->modern = pv ? pv->valuestring : NULL;
  *answered = 0;
  return 0;
}

/* Is [p, end) empty or white space (what may follow the one value)? */
static int only_space(const char *p, const char *end)
{
  for (; p && p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
      return 0;
  return 1;
}

static int parse_error(const char *msg, size_t len, const char *end,
                       pt_buf *out, pt_mcp_reply *reply)
{
  char text[160];
  size_t at = end && end >= msg && end <= msg + len ? (size_t)(end - msg) : 0;
  pt_snprintf(text, sizeof text, "Parse error: not valid JSON (at byte %zu)",
              at);
  return pt__mcp_error_answer(NULL, PT_MCP_PARSE_ERROR, text, NULL, out, reply);
}

int pt_mcp_handle(pt_mcp_session *s, const pt_mcp_view *view, const char *msg,
                  size_t len, pt_buf *out, pt_mcp_reply *reply)
{
  return pt_mcp_handle_http(s, view, NULL, msg, len, out, reply);
}

int pt_mcp_handle_http(pt_mcp_session *s, const pt_mcp_view *view,
                       const pt_mcp_http_headers *h, const char *msg,
                       size_t len, pt_buf *out, pt_mcp_reply *reply)
{
  rpc r = {0};
  const char *end = NULL;
  r.view = view;
  r.http = h;
  size_t mark = out->len;
  int answered = 0, rc;
  char text[160];
  memset(reply, 0, sizeof *reply);
  pt_mcp_init();
  pt__mcp_json_oom_reset();
  if (len > PT_MCP_MAX_MESSAGE) {
    pt_snprintf(text, sizeof text,
                "Invalid Request: message of %zu bytes "
                "(the limit is %u)",
                len, PT_MCP_MAX_MESSAGE);
    rc = pt__mcp_error_answer(NULL, PT_MCP_INVALID_REQUEST, text, NULL, out, reply);
  } else if (!(r.root = cJSON_ParseWithLengthOpts(msg, len, &end, 0))) {
    rc = pt__mcp_json_oom()
             ? PT_ERR(PT_ENOMEM, "out of memory reading a message")
             : parse_error(msg, len, end, out, reply);
  } else if (!only_space(end, msg + len)) {
    rc = parse_error(msg, len, end, out, reply);
  } else {
    rc = read_rpc(&r, out, reply, &answered);
    if (rc == 0 && !answered && r.method)
      rc = pt__mcp_headers_agree(h, r.modern, r.method, r.id, out, reply,
                                 &answered);
    if (rc == 0 && !answered && r.method)
      rc = dispatch(s, view, &r, out, reply);
  }
  cJSON_Delete(r.root);
  if (rc) {
    out->len = mark; /* no half answer */
    if (out->ptr)
      out->ptr[mark] = '\0';
    memset(reply, 0, sizeof *reply);
  }
  return rc;
}
