/* The Model Context Protocol server (docs/mcp.md): one JSON-RPC 2.0
 * message in, at most one message out, independent of the transport (the
 * stdio loop of `parseltongue mcp`, POST /mcp of the HTTP server). It
 * answers both protocol eras: 2026-07-28 (server/discover, the protocol
 * version and client capabilities in each request's _meta) and the
 * initialize handshake of 2025-11-25, 2025-06-18 and 2025-03-26. Tools
 * read one graph through a view the transport holds for the call. */
#ifndef PT_MCP_H
#define PT_MCP_H

#include <stddef.h>
#include <stdint.h>

#include "pt/buf.h"
#include "pt/graph.h"
#include "pt/qgraph.h"
#include "pt/test_map.h"

struct pt_live;

/* Largest message taken; a longer one is answered with -32600. */
#define PT_MCP_MAX_MESSAGE (4u << 20)

/* JSON-RPC error codes (JSON-RPC 2.0; -32022 from MCP 2026-07-28). */
#define PT_MCP_PARSE_ERROR (-32700)
#define PT_MCP_INVALID_REQUEST (-32600)
#define PT_MCP_METHOD_NOT_FOUND (-32601)
#define PT_MCP_INVALID_PARAMS (-32602)
#define PT_MCP_INTERNAL_ERROR (-32603)
#define PT_MCP_UNSUPPORTED_VERSION (-32022)
/* 2026-07-28's HeaderMismatch: a streamable-HTTP header disagrees with the
 * body, or a required one is missing (HTTP 400). */
#define PT_MCP_HEADER_MISMATCH (-32020)

/* The revisions served, newest first; the modern one is first. */
#define PT_MCP_MODERN_VERSION "2026-07-28"
#define PT_MCP_LEGACY_VERSION "2025-11-25"

/* What a call reads: borrowed, alive for the call. */
typedef struct pt_mcp_view {
  const pt_graph *g;    /* borrowed */
  const pt_qgraph *q;   /* borrowed: the unscoped query graph of g */
  struct pt_live *live; /* borrowed, may be NULL */
  const char *db_spec;  /* borrowed, may be NULL: for index_status */
  uint64_t generation;  /* of g (pt_live_freshness), 0 without a graph */
  int64_t published;    /* wall clock (s) when g became current */
  pt_test_map_slot *tests; /* borrowed, may be NULL: g's test map, kept
                              between calls (else made for each call) */
} pt_mcp_view;

/* One client's handshake state (2025 era): the version initialize agreed
 * on ("" before). Storage the transport provides, zeroed to start. */
typedef struct pt_mcp_session {
  char version[16];
  int initialized; /* notifications/initialized arrived */
} pt_mcp_session;

/* What the transport needs to know about the answer. */
typedef struct pt_mcp_reply {
  int has_response;  /* out holds a response (not for
                        notifications and client responses) */
  int error_code;    /* the response's JSON-RPC error, 0 = result */
  int is_initialize; /* a successful initialize: HTTP issues a
                        session id */
  int is_modern;     /* the request carried the 2026 envelope */
  int is_bad_request; /* HTTP answers 400: the headers and the body
                         disagree (pt_mcp_handle_http) */
} pt_mcp_reply;

/* The standard headers of a streamable-HTTP POST as sent, NULL when
 * absent (borrowed). */
typedef struct pt_mcp_http_headers {
  const char *protocol_version; /* MCP-Protocol-Version */
  const char *method;           /* Mcp-Method (2026-07-28) */
  const char *name;             /* Mcp-Name (2026-07-28): tools/call's
                                   params.name, maybe "=?base64?...?=" */
} pt_mcp_http_headers;

/* Points cJSON's allocations at pt_malloc, for the whole process. Call
 * once before handling messages on several threads (the HTTP server and
 * pt_mcp_host_new do); pt_mcp_handle calls it too, which is enough for one
 * thread. Idempotent. */
void pt_mcp_init(void);

/* Handles one message of len bytes (not NUL-terminated) and appends the
 * response, if any, to out. Every malformed, unknown or failing request is
 * answered with a JSON-RPC error in out, and 0 is returned: the caller
 * keeps serving. Returns PT_ENOMEM only when not even the error answer
 * could be written (out is then left as it was). view may have a NULL
 * graph only for protocol methods; tools then answer with an error. */
int pt_mcp_handle(pt_mcp_session *s, const pt_mcp_view *view, const char *msg,
                  size_t len, pt_buf *out, pt_mcp_reply *reply);

/* pt_mcp_handle for one POST of the streamable-HTTP transport, which also
 * checks the headers against the message before answering it (docs/mcp.md
 * "Transports"): with a 2026-07-28 envelope, MCP-Protocol-Version and
 * Mcp-Method must be sent (by requests) and name the envelope's version
 * and the method, and a tools/call's Mcp-Name its tool, else -32020 with
 * data.mismatch {header, body}; without one, a 2026 version header on
 * initialize is -32020, on another request -32602 (the envelope is
 * missing), and a version header naming no revision we speak -32600. Each
 * of these sets reply->is_bad_request. */
int pt_mcp_handle_http(pt_mcp_session *s, const pt_mcp_view *view,
                       const pt_mcp_http_headers *h, const char *msg,
                       size_t len, pt_buf *out, pt_mcp_reply *reply);

/* Appends the error answer {"jsonrpc":"2.0","id":null,"error":{...}} a
 * transport writes without the handler (a message too long to read). */
int pt_mcp_error_response(pt_buf *out, int code, const char *message);

/* The graph a transport without the HTTP server answers from (the stdio
 * loop of `parseltongue mcp`): the newest published graph, which the live
 * index may replace from its own thread at any time. Each message reads
 * the graph current when it began; a replaced graph is freed by its last
 * reader. live (may be NULL) and db_spec (may be NULL) are borrowed and
 * must outlive the host. */
typedef struct pt_mcp_host pt_mcp_host;
int pt_mcp_host_new(struct pt_live *live, const char *db_spec,
                    pt_mcp_host **out);
/* Serves g from now on (owned from then on). On failure (out of memory
 * building its query graph) the older graph stays and g stays the
 * caller's. Thread-safe. */
int pt_mcp_host_publish(pt_mcp_host *h, pt_graph *g);
/* pt_mcp_handle on the current graph (none yet: tools answer that no
 * index is loaded). Thread-safe with publish. */
int pt_mcp_host_handle(pt_mcp_host *h, pt_mcp_session *s, const char *msg,
                       size_t len, pt_buf *out, pt_mcp_reply *reply);
/* Frees the host and its graphs; no message may be under way. Accepts
 * NULL. */
void pt_mcp_host_free(pt_mcp_host *h);

/* Is v a revision this server speaks (either era)? */
int pt_mcp_version_supported(const char *v);

#endif
