/* POST /mcp: the Model Context Protocol over streamable HTTP (docs/mcp.md
 * "Transports"), answered with plain JSON, never a stream. The request has
 * passed the server's Host and cross-site POST checks; the protocol itself
 * is pt/mcp.h's. 2025-era clients get an Mcp-Session-Id from initialize and
 * must send it back; 2026-07-28 requests carry their envelope and need
 * none. */
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/mcp.h"
#include "pt/sys/proc.h"

/* A session id is a nonce and its keyed hash, so any server of this
 * process can check one without a table of sessions, and sessions outlive
 * the graph snapshots. The key comes from where the program was loaded
 * (address space layout randomisation) and the process id: ids are
 * unguessable enough to keep two clients apart, not a secret (loopback
 * serves no credentials). */
static uint64_t session_tag(uint64_t nonce)
{
  uint64_t k0 = (uint64_t)(uintptr_t)&session_tag;
  uint64_t k1 = (uint64_t)pt_process_id() * 0x9e3779b97f4a7c15u;
  return pt_siphash13(&nonce, sizeof nonce, k0, k1);
}

static void new_session(char out[33])
{
  uint64_t seed[3] = {pt_clock_ns(), (uint64_t)(uintptr_t)&seed,
                      (uint64_t)pt_process_id()};
  uint64_t nonce = pt_hash64(seed, sizeof seed);
  pt_snprintf(out, 33, "%016llx%016llx", (unsigned long long)nonce,
              (unsigned long long)session_tag(nonce));
}

static int session_ok(const char *id)
{
  char want[33];
  unsigned long long nonce = 0;
  if (strlen(id) != 32)
    return 0;
  for (int i = 0; i < 16; i++) {
    char ch = id[i];
    int d = ch >= '0' && ch <= '9'   ? ch - '0'
            : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                     : -1;
    if (d < 0)
      return 0;
    nonce = nonce << 4 | (unsigned)d;
  }
  pt_snprintf(want, sizeof want, "%016llx%016llx", nonce,
              (unsigned long long)session_tag(nonce));
  return strcmp(want, id) == 0;
}

/* An answer the transport gives itself (no handler call). */
static int transport_error(pt_req *r, unsigned status, int code,
                           const char *msg)
{
  pt_buf_clear(&r->body);
  r->status = status;
  return pt_mcp_error_response(&r->body, code, msg);
}

int pt__h_mcp(pt_req *r)
{
  const pt_serve_state *st = r->st;
  const char *sid = r->header(r->conn, "Mcp-Session-Id");
  const char *pver = r->header(r->conn, "MCP-Protocol-Version");
  pt_mcp_http_headers h = {pver, r->header(r->conn, "Mcp-Method"),
                           r->header(r->conn, "Mcp-Name")};
  pt_mcp_view view = {st->g,          st->q,         st->live,
                      st->db_spec,    st->generation, st->published,
                      &st->memo->tests};
  pt_mcp_session s;
  pt_mcp_reply rep;
  memset(&s, 0, sizeof s);
  if (!r->raw_body)
    return transport_error(r, 400, PT_MCP_INVALID_REQUEST,
                           "Invalid Request: POST one JSON-RPC message");
  if (pver && pt_mcp_version_supported(pver))
    pt_snprintf(s.version, sizeof s.version, "%s", pver);
  /* the headers are checked against the body (a version no era speaks
   * included) once it is read: 2026-07-28 classifies by the body */
  int rc = pt_mcp_handle_http(&s, &view, &h, r->raw_body, r->raw_len,
                              &r->body, &rep);
  if (rc)
    return transport_error(r, 500, PT_MCP_INTERNAL_ERROR, "out of memory");
  /* A 2025-era message after initialize must name its session; 2026-07-28
   * has none and ignores the header. Checked after the call (we cannot tell
   * the era before reading the message), which only reads: a refused
   * message's answer is dropped. */
  if (rep.is_bad_request) {
    r->status = 400;
    return 0;
  }
  if (sid && !rep.is_modern && !rep.is_initialize && !session_ok(sid))
    return transport_error(r, 404, PT_MCP_INVALID_REQUEST,
                           "Session not found: initialize again");
  if (!sid && !rep.is_initialize && !rep.is_modern &&
      (rep.error_code == 0 || rep.error_code == PT_MCP_METHOD_NOT_FOUND ||
       !rep.has_response))
    return transport_error(r, 400, PT_MCP_INVALID_REQUEST,
                           "Bad Request: Mcp-Session-Id header required "
                           "(send initialize first)");
  if (rep.is_initialize) {
    r->set_header = "Mcp-Session-Id";
    new_session(r->set_value);
  }
  if (!rep.has_response)
    r->status = 202;
  else if (rep.error_code == PT_MCP_PARSE_ERROR ||
           rep.error_code == PT_MCP_INVALID_REQUEST ||
           rep.error_code == PT_MCP_UNSUPPORTED_VERSION)
    r->status = 400;
  return 0;
}
