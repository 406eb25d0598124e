/* The streamable-HTTP header checks of pt_mcp_handle_http (docs/mcp.md
 * "Transports"): 2026-07-28 asks a POST to repeat the protocol version,
 * the method and a tools/call's tool name in MCP-Protocol-Version,
 * Mcp-Method and Mcp-Name, so that proxies can route it without reading
 * the body, and a server to refuse a request whose headers disagree with
 * its body (HeaderMismatch, -32020, HTTP 400). The rules, their order and
 * the messages follow the published SDK's server (classifyInboundRequest
 * and validateStandardRequestHeaders of @modelcontextprotocol/server
 * 2.4.0). */
#include <stdio.h>
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

#define SENTINEL_HEAD "=?base64?"
#define SENTINEL_TAIL "?="

/* A header value without the optional white space around it (RFC 9110);
 * NULL stays NULL. Owned by the caller; *oom when out of memory. */
static char *trimmed(const char *v, int *oom)
{
  if (!v)
    return NULL;
  size_t len = strlen(v);
  while (len && (*v == ' ' || *v == '\t')) {
    v++;
    len--;
  }
  while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
    len--;
  char *s = pt_strndup(v, len);
  *oom |= s == NULL;
  return s;
}

/* The error: data.mismatch names the header value and what the body says,
 * as the SDK's server does. */
static int mismatch(const cJSON *id, const char *header, const char *body,
                    pt_buf *out, pt_mcp_reply *reply)
{
  char msg[640];
  cJSON *data = cJSON_CreateObject();
  cJSON *mm = data ? cJSON_AddObjectToObject(data, "mismatch") : NULL;
  if (!mm || pt__mcp_add_str(mm, "header", header) ||
      pt__mcp_add_str(mm, "body", body)) {
    cJSON_Delete(data);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  pt_snprintf(msg, sizeof msg,
              "Bad Request: the request headers and body disagree: %s", body);
  reply->is_bad_request = 1;
  return pt__mcp_error_answer(id, PT_MCP_HEADER_MISMATCH, msg, data, out,
                              reply);
}

static int b64_digit(int c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* An Mcp-Name value as meant: "=?base64?B64?=" is B64 decoded (canonical
 * Base64 only: whole quads, padding only at the end), anything else is
 * itself. Writes an owned string to *out (NULL when the sentinel's payload
 * is not Base64 or holds a NUL); returns PT_ENOMEM or 0. */
static int decode_name(const char *v, char **out)
{
  size_t len = strlen(v), hl = strlen(SENTINEL_HEAD), tl = strlen(SENTINEL_TAIL);
  *out = NULL;
  if (len < hl + tl || strncmp(v, SENTINEL_HEAD, hl) != 0 ||
      strcmp(v + len - tl, SENTINEL_TAIL) != 0) {
    *out = pt_strdup(v);
    return *out ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  }
  const char *b = v + hl;
  size_t n = len - hl - tl, k = 0;
  if (n % 4)
    return 0;
  char *s = pt_malloc(n / 4 * 3 + 1);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i += 4) {
    int d[4], pad = 0;
    for (int j = 0; j < 4; j++) {
      int last = i + 4 == n;
      d[j] = b64_digit((unsigned char)b[i + j]);
      if (d[j] < 0 && last && b[i + j] == '=' && j >= 2 &&
          (j == 3 || b[i + 3] == '=')) {
        d[j] = 0;
        pad++;
      } else if (d[j] < 0 || pad) {
        pt_free(s);
        return 0;
      }
    }
    unsigned q = (unsigned)(d[0] << 18 | d[1] << 12 | d[2] << 6 | d[3]);
    s[k++] = (char)(q >> 16);
    if (pad < 2)
      s[k++] = (char)(q >> 8 & 0xff);
    if (pad < 1)
      s[k++] = (char)(q & 0xff);
  }
  s[k] = '\0';
  if (strlen(s) != k) { /* a NUL inside: no tool is named so */
    pt_free(s);
    return 0;
  }
  *out = s;
  return 0;
}

/* What is sent must agree with the body (the SDK's classification: body
 * first, the headers as a cross-check). */
static int agree(const char *pv, const char *mh, const char *modern,
                 const char *method, const cJSON *id, pt_buf *out,
                 pt_mcp_reply *reply, int *answered)
{
  char body[512];
  *answered = 1;
  if (modern && pv && strcmp(pv, modern) != 0) {
    pt_snprintf(body, sizeof body,
                "the body envelope names protocol version %.100s but the "
                "MCP-Protocol-Version header names %.100s",
                modern, pv);
    return mismatch(id, pv, body, out, reply);
  }
  if (modern && mh && strcmp(mh, method) != 0) {
    pt_snprintf(body, sizeof body,
                "the body names method %.100s but the Mcp-Method header "
                "names %.100s",
                method, mh);
    return mismatch(id, mh, body, out, reply);
  }
  if (!modern && id && pv && pt__mcp_version_modern(pv)) {
    if (strcmp(method, "initialize") == 0)
      return mismatch(id, pv,
                      "an initialize request (legacy handshake) was sent "
                      "with a modern MCP-Protocol-Version header",
                      out, reply);
    pt_snprintf(body, sizeof body,
                "Invalid params: the MCP-Protocol-Version header names "
                "protocol revision %.100s, but the request is missing the "
                "required per-request envelope (params._meta with "
                "io.modelcontextprotocol/protocolVersion)",
                pv);
    reply->is_bad_request = 1;
    return pt__mcp_error_answer(id, PT_MCP_INVALID_PARAMS, body, NULL, out,
                                reply);
  }
  if (!modern && pv && !pt_mcp_version_supported(pv)) {
    reply->is_bad_request = 1;
    return pt__mcp_error_answer(
        NULL, PT_MCP_INVALID_REQUEST,
        "Bad Request: unsupported MCP-Protocol-Version", NULL, out, reply);
  }
  *answered = 0;
  return 0;
}

int pt__mcp_headers_agree(const pt_mcp_http_headers *h, const char *modern,
                          const char *method, const cJSON *id, pt_buf *out,
                          pt_mcp_reply *reply, int *answered)
{
  int oom = 0;
  *answered = 0;
  if (!h)
    return 0;
  char *pv = trimmed(h->protocol_version, &oom);
  char *mh = trimmed(h->method, &oom);
  int rc = oom ? PT_ERR(PT_ENOMEM, "out of memory")
               : agree(pv, mh, modern, method, id, out, reply, answered);
  pt_free(pv);
  pt_free(mh);
  return rc;
}

/* Mcp-Name of a tools/call whose body names its tool. */
static int name_agrees(const char *nh, const cJSON *params, const cJSON *id,
                       pt_buf *out, pt_mcp_reply *reply, int *answered)
{
  const cJSON *name = cJSON_GetObjectItem(params, "name");
  char body[512], *decoded = NULL;
  if (!cJSON_IsString(name))
    return 0; /* the call itself answers that */
  *answered = 1;
  if (!nh) {
    pt_snprintf(body, sizeof body,
                "the body carries params.name=\"%.200s\" but the required "
                "Mcp-Name header is absent",
                name->valuestring);
    return mismatch(id, "(missing)", body, out, reply);
  }
  int rc = decode_name(nh, &decoded);
  if (!rc && !decoded)
    rc = mismatch(id, nh,
                  "the Mcp-Name header carries an invalid Base64 sentinel "
                  "value",
                  out, reply);
  else if (!rc && strcmp(decoded, name->valuestring) != 0) {
    pt_snprintf(body, sizeof body,
                "the body carries params.name=\"%.200s\" but the Mcp-Name "
                "header names \"%.200s\"",
                name->valuestring, decoded);
    rc = mismatch(id, nh, body, out, reply);
  } else if (!rc) {
    *answered = 0;
  }
  pt_free(decoded);
  return rc;
}

int pt__mcp_headers_present(const pt_mcp_http_headers *h, const char *modern,
                            const char *method, const cJSON *id,
                            const cJSON *params, pt_buf *out,
                            pt_mcp_reply *reply, int *answered)
{
  char body[512];
  int oom = 0;
  *answered = 0;
  if (!h || !id)
    return 0; /* notifications need none */
  char *nh = trimmed(h->name, &oom);
  int rc = oom ? PT_ERR(PT_ENOMEM, "out of memory") : 0;
  if (!rc && !h->protocol_version) {
    pt_snprintf(body, sizeof body,
                "the body envelope names protocol version %.100s but the "
                "required MCP-Protocol-Version header is absent",
                modern);
    *answered = 1;
    rc = mismatch(id, "(missing)", body, out, reply);
  } else if (!rc && !h->method) {
    pt_snprintf(body, sizeof body,
                "the body names method %.100s but the required Mcp-Method "
                "header is absent",
                method);
    *answered = 1;
    rc = mismatch(id, "(missing)", body, out, reply);
  } else if (!rc && strcmp(method, "tools/call") == 0) {
    rc = name_agrees(nh, params, id, out, reply, answered);
  }
  pt_free(nh);
  return rc;
}
