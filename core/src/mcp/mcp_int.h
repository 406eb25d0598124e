/* Private to the mcp stage: the tool table, one tool call's state, the
 * argument checks, paging and symbol lookup the tools share. */
#ifndef PT_MCP_INT_H
#define PT_MCP_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "pt/live.h"
#include "pt/mcp.h"

/* Appends a JSON-RPC error answer for id (NULL = null); data (owned) may
 * be NULL. 0, or PT_ENOMEM. */
int pt__mcp_error_answer(const cJSON *id, int code, const char *message,
                         cJSON *data, pt_buf *out, pt_mcp_reply *reply);
/* Is v the 2026-07-28 era's revision we speak? */
int pt__mcp_version_modern(const char *v);

/* The streamable-HTTP header checks (mcp_headers.c; h NULL = none to
 * check). _agree, before anything else: the headers that are sent agree
 * with the body; _present, for a 2026 request whose envelope passed: the
 * required headers are there and Mcp-Name names the tool. Each answers the
 * error itself (*answered) and returns 0, or PT_ENOMEM. */
int pt__mcp_headers_agree(const pt_mcp_http_headers *h, const char *modern,
                          const char *method, const cJSON *id, pt_buf *out,
                          pt_mcp_reply *reply, int *answered);
int pt__mcp_headers_present(const pt_mcp_http_headers *h, const char *modern,
                            const char *method, const cJSON *id,
                            const cJSON *params, pt_buf *out,
                            pt_mcp_reply *reply, int *answered);

/* Did an allocation of cJSON fail on this thread since the last reset? */
int pt__mcp_json_oom(void);
void pt__mcp_json_oom_reset(void);

typedef enum pt_mcp_arg_type {
  PT_MCP_ARG_STRING,
  PT_MCP_ARG_INTEGER,
  PT_MCP_ARG_BOOLEAN
} pt_mcp_arg_type;

/* One argument of a tool: its input schema and its check come from this
 * row, so the two cannot disagree. */
typedef struct pt_mcp_arg {
  const char *name;
  pt_mcp_arg_type type;
  int required;
  int64_t min, max; /* integers */
  int64_t def;      /* integers: the default when absent */
  const char *description;
  const char *const *choices; /* strings: NULL-terminated, or NULL */
} pt_mcp_arg;

/* One tools/call. The tool fills structured (an object it owns until the
 * call ends) and a short text; on a tool error it sets error instead and
 * may add fields (candidates) to structured. */
typedef struct pt_mcp_tool pt_mcp_tool;
typedef struct pt_mcp_call {
  const pt_mcp_view *v;
  const pt_mcp_tool *tool;
  const cJSON *args; /* borrowed: an object (maybe empty) */
  cJSON *structured; /* owned */
  pt_buf text;
  char error[768];
  int has_now;           /* the answer is about the index as it is now, */
  pt_live_freshness now; /* ... which is this (wait_for_fresh) */
} pt_mcp_call;

typedef int (*pt_mcp_tool_fn)(pt_mcp_call *c);

struct pt_mcp_tool {
  const char *name;
  const char *title;
  const char *description;
  const pt_mcp_arg *args;    /* NULL-name terminated */
  const char *output_schema; /* JSON text of an object schema */
  pt_mcp_tool_fn fn;
};

/* The tools, in their fixed order. */
const pt_mcp_tool *pt__mcp_tools(size_t *n);

/* tools/list's "tools" array; NULL when out of memory. */
cJSON *pt__mcp_tools_json(void);
/* Runs tools/call for name with args (NULL = none): a CallToolResult in
 * *out. PT_ENOTFOUND for an unknown tool (nothing written), PT_ENOMEM. */
int pt__mcp_tool_call(const pt_mcp_view *v, const char *name, const cJSON *args,
                      cJSON **out);

/* {"generation","updated_unix","pending","watching"}: the graph v answers
 * from and whether changes are pending now (now = NULL: read from v's live
 * index; a graph newer than v's counts as pending). NULL when out of
 * memory. */
cJSON *pt__mcp_index_json(const pt_mcp_view *v, const pt_live_freshness *now);

/* Records a tool error (the text the client sees); returns PT_EINVAL. */
int pt__mcp_fail(pt_mcp_call *c, const char *fmt, ...) PT_PRINTF(2, 3);

/* Argument readers: the value after the checks of the table (so only a
 * present, well-typed value or the default comes back). */
const char *pt__mcp_str(const pt_mcp_call *c, const char *name);
int64_t pt__mcp_int(const pt_mcp_call *c, const char *name);
int pt__mcp_bool(const pt_mcp_call *c, const char *name, int def);

/* A page of a list (the fields of docs/http-api.md "Lists" by their MCP
 * names): items from offset, at most limit of them and at most budget
 * bytes of JSON, so an answer stays under about 10k tokens. */
#define PT_MCP_PAGE_BYTES 32000
typedef struct pt_mcp_page {
  size_t offset, limit, total, returned, bytes;
  int full; /* the byte budget stopped the page */
} pt_mcp_page;
/* Reads limit and cursor. PT_EINVAL (tool error) for a bad cursor. */
int pt__mcp_page_begin(pt_mcp_call *c, pt_mcp_page *p);
/* Is item i of the list on the page? */
int pt__mcp_page_wants(const pt_mcp_page *p, size_t i);
/* Adds item (owned from here) to arr unless the page is full; returns
 * PT_ENOMEM, else 0. */
int pt__mcp_page_add(pt_mcp_page *p, cJSON *arr, cJSON *item);
/* total, returned, truncated and next_cursor into c->structured. */
int pt__mcp_page_end(pt_mcp_call *c, const pt_mcp_page *p);

/* The node a symbol names: a key, a unique name or qualified name, or
 * PATH:LINE (the innermost entity there). Not found or ambiguous: a tool
 * error with up to 8 candidates in structured "candidates". */
int pt__mcp_resolve(pt_mcp_call *c, const char *text, uint32_t *out);
/* Candidates for text, best first: fuzzy matches of entity names. Writes
 * up to max node ids into out; returns how many. */
size_t pt__mcp_fuzzy(const pt_mcp_view *v, const char *text, uint32_t *out,
                     size_t max);
/* find_symbol's fuzzy mode: every entity matching text, best first, paged
 * into arr; p->total is their count. */
int pt__mcp_fuzzy_page(pt_mcp_call *c, const char *text, pt_mcp_page *p,
                       cJSON *arr);
/* {"key","name","qualified_name","kind","file_path","line_start",
 * "line_end"} of node v (nulls for a placeholder). */
cJSON *pt__mcp_ref(const pt_mcp_view *v, uint32_t node);
/* Adds a string (NULL = null) member; 0 or PT_ENOMEM. */
int pt__mcp_add_str(cJSON *obj, const char *key, const char *s);
int pt__mcp_add_num(cJSON *obj, const char *key, double n);
int pt__mcp_add_bool(cJSON *obj, const char *key, int b);

/* The tool functions (mcp_query.c, mcp_graph.c, mcp_tests.c). */
int pt__mcp_find_symbol(pt_mcp_call *c);
int pt__mcp_entity_detail(pt_mcp_call *c);
int pt__mcp_callers(pt_mcp_call *c);
int pt__mcp_callees(pt_mcp_call *c);
int pt__mcp_blast_radius(pt_mcp_call *c);
int pt__mcp_smart_context(pt_mcp_call *c);
int pt__mcp_architecture(pt_mcp_call *c);
int pt__mcp_file_outline(pt_mcp_call *c);
int pt__mcp_index_status(pt_mcp_call *c);
int pt__mcp_wait_for_fresh(pt_mcp_call *c);
int pt__mcp_tests_covering(pt_mcp_call *c);
int pt__mcp_diff_impact(pt_mcp_call *c);

#endif
