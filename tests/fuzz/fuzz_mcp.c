/* libFuzzer: the MCP server's JSON-RPC handling (pt_mcp_handle) over a
 * small real graph. The input is one or more messages, one per line, sent
 * in turn through one session (so an initialize can precede a tool call).
 * Every response must be one JSON value; a malformed message gets a
 * JSON-RPC error, never a crash. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "pt/error.h"
#include "pt/mcp.h"
#include "pt/qgraph.h"

static pt_qgraph *qgraph;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  pt_mcp_init();
  if (pt_qgraph_build(pt_fuzz_graph(), NULL, &qgraph) != 0)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  pt_mcp_view view;
  memset(&view, 0, sizeof view);
  view.g = pt_fuzz_graph();
  view.q = qgraph;
  view.db_spec = "mem";
  view.generation = 1;
  pt_mcp_session s;
  memset(&s, 0, sizeof s);
  const char *p = (const char *)data, *end = p + size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    pt_buf out = PT_BUF_INIT;
    pt_mcp_reply reply;
    if (pt_mcp_handle(&s, &view, p, len, &out, &reply) != 0)
      abort(); /* out of memory is not expected here */
    if (reply.has_response != (out.len > 0))
      abort();
    if (out.len)
      pt_fuzz_check_json(out.ptr, out.len, "an MCP response");
    pt_buf_fini(&out);
    pt_error_clear();
    p += len + (nl != NULL);
  }
  return 0;
}
