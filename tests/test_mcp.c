/* The MCP handler of pt/mcp.h on a real indexed tree: JSON-RPC framing
 * and every error code, both protocol eras, the tool list, every tool,
 * paging, and out-of-memory at each allocation of a call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "test_support.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/mcp.h"
#include "pt/qgraph.h"

static const char util_c[] = "int helper(int x) { return x + 1; }\n"
                             "\n"
                             "int compute(int x)\n"
                             "{\n"
                             "  return helper(x) * 2;\n"
                             "}\n";
static const char main_c[] =
    "int compute(int x);\n"
    "int helper(int x);\n"
    "void ping_b(int n);\n"
    "\n"
    "void ping_a(int n) { if (n) ping_b(n - 1); }\n"
    "void ping_b(int n) { if (n) ping_a(n - 1); }\n"
    "\n"
    "int run(void) { return compute(3) + helper(1); }\n"
    "\n"
    "int main(void) { return run(); }\n";

typedef struct fx {
  char *root;
  pt_graph *g;
  pt_qgraph *q;
  pt_mcp_view view;
  pt_mcp_session session;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  f->root = pt_test_tmpdir("mcp");
  pt_test_write(f->root, "src/util.c", util_c);
  pt_test_write(f->root, "src/main.c", main_c);
  pt_test_index(f->root, &f->g, &f->q);
  f->view = (pt_mcp_view){f->g, f->q, NULL, "mem", 1, 1700000000, NULL};
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fx *f = *state;
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  free(f->root);
  free(f);
  return 0;
}

/* Sends msg; returns the parsed answer (NULL when there is none). */
static cJSON *send_msg(fx *f, const char *msg, pt_mcp_reply *reply)
{
  pt_buf out = PT_BUF_INIT;
  pt_mcp_reply r;
  assert_int_equal(
      pt_mcp_handle(&f->session, &f->view, msg, strlen(msg), &out, &r), 0);
  if (reply)
    *reply = r;
  cJSON *j = out.len ? cJSON_Parse(out.ptr) : NULL;
  assert_true(!out.len || j);
  assert_int_equal(r.has_response, out.len > 0);
  pt_buf_fini(&out);
  return j;
}

static int error_code(const cJSON *j)
{
  const cJSON *e = cJSON_GetObjectItem(j, "error");
  assert_non_null(e);
  return cJSON_GetObjectItem(e, "code")->valueint;
}

static void expect_error(fx *f, const char *msg, int code)
{
  cJSON *j = send_msg(f, msg, NULL);
  assert_non_null(j);
  assert_int_equal(error_code(j), code);
  cJSON_Delete(j);
}

static const cJSON *result(const cJSON *j)
{
  const cJSON *r = cJSON_GetObjectItem(j, "result");
  assert_non_null(r);
  return r;
}

/* tools/call name with arguments (JSON text); the structured content, or
 * NULL for a tool error (whose text goes to *error_text). */
static cJSON *call_tool(fx *f, const char *name, const char *args,
                        char **error_text)
{
  char msg[2048];
  pt_snprintf(msg, sizeof msg,
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
              "\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":%s}}",
              name, args);
  cJSON *j = send_msg(f, msg, NULL);
  const cJSON *r = result(j);
  const cJSON *text = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "content"), 0);
  assert_string_equal(cJSON_GetObjectItem(text, "type")->valuestring, "text");
  cJSON *sc = NULL;
  if (cJSON_IsTrue(cJSON_GetObjectItem(r, "isError"))) {
    if (error_text)
      *error_text = pt_strdup(cJSON_GetObjectItem(text, "text")->valuestring);
  } else {
    sc = cJSON_DetachItemFromObject((cJSON *)r, "structuredContent");
    assert_non_null(sc);
    if (error_text)
      *error_text = NULL;
  }
  cJSON_Delete(j);
  return sc;
}

static double num(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItem(o, k);
  assert_true(cJSON_IsNumber(v));
  return v->valuedouble;
}

static const char *str(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItem(o, k);
  assert_true(cJSON_IsString(v));
  return v->valuestring;
}

/* ---- JSON-RPC framing ---- */

static void handle__malformed_json_is_parse_error(void **state)
{
  expect_error(*state, "{\"jsonrpc\":\"2.0\",\"id\":1,", PT_MCP_PARSE_ERROR);
  expect_error(*state, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x",
               PT_MCP_PARSE_ERROR);
}

static void handle__not_a_request_is_invalid_request(void **state)
{
  expect_error(*state, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
               PT_MCP_INVALID_REQUEST);
  expect_error(*state, "{\"id\":1,\"method\":\"ping\"}",
               PT_MCP_INVALID_REQUEST);
  expect_error(*state, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
               PT_MCP_INVALID_REQUEST);
  expect_error(*state, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":3}",
               PT_MCP_INVALID_REQUEST);
  expect_error(*state, "\"ping\"", PT_MCP_INVALID_REQUEST);
}

static void handle__oversized_message_is_invalid_request(void **state)
{
  fx *f = *state;
  size_t len = PT_MCP_MAX_MESSAGE + 1;
  char *big = malloc(len);
  memset(big, ' ', len);
  pt_buf out = PT_BUF_INIT;
  pt_mcp_reply r;
  assert_int_equal(pt_mcp_handle(&f->session, &f->view, big, len, &out, &r), 0);
  assert_int_equal(r.error_code, PT_MCP_INVALID_REQUEST);
  assert_non_null(strstr(out.ptr, "limit"));
  pt_buf_fini(&out);
  free(big);
}

static void handle__unknown_method_is_method_not_found(void **state)
{
  expect_error(*state, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}",
               PT_MCP_METHOD_NOT_FOUND);
}

static void handle__wrong_params_are_invalid_params(void **state)
{
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
               "\"params\":{}}",
               PT_MCP_INVALID_PARAMS);
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
               "\"params\":{\"name\":\"no_such_tool\"}}",
               PT_MCP_INVALID_PARAMS);
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
               "\"params\":{\"name\":\"callers\",\"arguments\":[1]}}",
               PT_MCP_INVALID_PARAMS);
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
               "\"params\":{\"protocolVersion\":5}}",
               PT_MCP_INVALID_PARAMS);
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
               "\"params\":[]}",
               PT_MCP_INVALID_PARAMS);
}

static void handle__keeps_serving_after_errors(void **state)
{
  fx *f = *state;
  expect_error(f, "}{", PT_MCP_PARSE_ERROR);
  expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}",
               PT_MCP_METHOD_NOT_FOUND);
  cJSON *j =
      send_msg(f, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", NULL);
  assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, 9);
  assert_true(cJSON_IsObject(result(j)));
  cJSON_Delete(j);
}

static void handle__notifications_and_responses_get_no_answer(void **state)
{
  fx *f = *state;
  assert_null(send_msg(f,
                       "{\"jsonrpc\":\"2.0\",\"method\":"
                       "\"notifications/initialized\"}",
                       NULL));
  assert_true(f->session.initialized);
  assert_null(send_msg(f, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}", NULL));
  assert_null(
      send_msg(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", NULL));
  assert_null(send_msg(
      f, "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[1]}", NULL));
  assert_null(send_msg(f,
                       "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{"
                       "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                       "\"1999-01-01\"}}}",
                       NULL));
}

/* ---- the two eras ---- */

static void initialize__agrees_on_a_version_it_speaks(void **state)
{
  fx *f = *state;
  pt_mcp_reply r;
  cJSON *j = send_msg(f,
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                      "\"params\":{\"protocolVersion\":\"2025-06-18\","
                      "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                      "\"version\":\"1\"}}}",
                      &r);
  assert_true(r.is_initialize);
  assert_string_equal(str(result(j), "protocolVersion"), "2025-06-18");
  assert_string_equal(str(cJSON_GetObjectItem(result(j), "serverInfo"), "name"),
                      "parseltongue");
  assert_non_null(cJSON_GetObjectItem(
      cJSON_GetObjectItem(result(j), "capabilities"), "tools"));
  assert_string_equal(f->session.version, "2025-06-18");
  cJSON_Delete(j);
}

static void initialize__answers_its_newest_for_an_unknown_version(void **state)
{
  cJSON *j = send_msg(*state,
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                      "\"initialize\",\"params\":{\"protocolVersion\":"
                      "\"1999-01-01\",\"capabilities\":{}}}",
                      NULL);
  assert_string_equal(str(result(j), "protocolVersion"), PT_MCP_LEGACY_VERSION);
  cJSON_Delete(j);
}

#define ENVELOPE(v)                                                            \
  "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" v "\","          \
  "\"io.modelcontextprotocol/clientCapabilities\":{}}"

static void discover__offers_the_modern_revision(void **state)
{
  pt_mcp_reply r;
  cJSON *j =
      send_msg(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
               "\"server/discover\",\"params\":{" ENVELOPE("2026-07-28") "}}",
               &r);
  const cJSON *res = result(j);
  assert_true(r.is_modern);
  assert_string_equal(
      cJSON_GetArrayItem(cJSON_GetObjectItem(res, "supportedVersions"), 0)
          ->valuestring,
      "2026-07-28");
  assert_string_equal(str(res, "resultType"), "complete");
  assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "_meta"),
                                      "io.modelcontextprotocol/serverInfo"));
  cJSON_Delete(j);
}

static void modern__unsupported_version_names_the_supported_ones(void **state)
{
  cJSON *j = send_msg(*state,
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                      "\"tools/list\",\"params\":{" ENVELOPE("2099-01-01") "}}",
                      NULL);
  assert_int_equal(error_code(j), PT_MCP_UNSUPPORTED_VERSION);
  const cJSON *data =
      cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "data");
  assert_string_equal(
      cJSON_GetArrayItem(cJSON_GetObjectItem(data, "supported"), 0)
          ->valuestring,
      "2026-07-28");
  cJSON_Delete(j);
}

static void
modern__envelope_without_capabilities_is_invalid_params(void **state)
{
  expect_error(*state,
               "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
               "\"params\":{\"_meta\":{\"io.modelcontextprotocol/"
               "protocolVersion\":\"2026-07-28\"}}}",
               PT_MCP_INVALID_PARAMS);
}

static void tools_list__fixed_order_with_schemas_and_hints(void **state)
{
  static const char *const names[] = {"find_symbol",
                                      "entity_detail",
                                      "callers",
                                      "callees",
                                      "blast_radius",
                                      "smart_context",
                                      "architecture_summary",
                                      "file_outline",
                                      "tests_covering",
                                      "diff_impact",
                                      "index_status",
                                      "wait_for_fresh"};
  const int n = (int)(sizeof names / sizeof names[0]);
  cJSON *j = send_msg(*state,
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                      "\"tools/list\",\"params\":{" ENVELOPE("2026-07-28") "}}",
                      NULL);
  const cJSON *tools = cJSON_GetObjectItem(result(j), "tools");
  assert_int_equal(cJSON_GetArraySize(tools), n);
  assert_true(num(result(j), "ttlMs") > 0);
  for (int i = 0; i < n; i++) {
    const cJSON *t = cJSON_GetArrayItem(tools, i);
    assert_string_equal(str(t, "name"), names[i]);
    const cJSON *in = cJSON_GetObjectItem(t, "inputSchema");
    const cJSON *out = cJSON_GetObjectItem(t, "outputSchema");
    assert_string_equal(str(in, "type"), "object");
    if (strcmp(names[i], "wait_for_fresh") != 0) /* the one without a list */
      assert_non_null(
          cJSON_GetObjectItem(cJSON_GetObjectItem(in, "properties"), "limit"));
    assert_string_equal(str(out, "type"), "object");
    assert_non_null(
        cJSON_GetObjectItem(cJSON_GetObjectItem(out, "properties"), "index"));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(t, "annotations"), "readOnlyHint")));
  }
  cJSON_Delete(j);
}

/* ---- the streamable-HTTP headers (2026-07-28) ---- */

static cJSON *send_http(fx *f, const char *pv, const char *method,
                        const char *name, const char *msg, pt_mcp_reply *rep)
{
  pt_mcp_http_headers h = {pv, method, name};
  pt_buf out = PT_BUF_INIT;
  assert_int_equal(pt_mcp_handle_http(&f->session, &f->view, &h, msg,
                                      strlen(msg), &out, rep),
                   0);
  cJSON *j = out.len ? cJSON_Parse(out.ptr) : NULL;
  pt_buf_fini(&out);
  return j;
}

/* A header that disagrees with the body, or a required one missing: error
 * -32020 with data.mismatch, which the transport answers with a 400. */
static void expect_mismatch(fx *f, const char *pv, const char *method,
                            const char *name, const char *msg,
                            const char *header)
{
  pt_mcp_reply rep;
  cJSON *j = send_http(f, pv, method, name, msg, &rep);
  assert_non_null(j);
  assert_int_equal(error_code(j), PT_MCP_HEADER_MISMATCH);
  assert_true(rep.is_bad_request);
  const cJSON *mm = cJSON_GetObjectItem(
      cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "data"), "mismatch");
  assert_string_equal(str(mm, "header"), header);
  assert_true(strlen(str(mm, "body")) > 20);
  cJSON_Delete(j);
}

#define CALL_HELPER                                                            \
  "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{"        \
  "\"name\":\"find_symbol\",\"arguments\":{\"query\":\"helper\"},"            \
  ENVELOPE("2026-07-28") "}}"

static void http_headers__matching_headers_are_served(void **state)
{
  pt_mcp_reply rep;
  static const char *const names[] = {"find_symbol", " find_symbol ",
                                      "=?base64?ZmluZF9zeW1ib2w=?="};
  for (int i = 0; i < 3; i++) { /* plain, with white space, Base64 */
    cJSON *j = send_http(*state, "2026-07-28", "tools/call", names[i],
                         CALL_HELPER, &rep);
    assert_false(rep.is_bad_request);
    assert_non_null(cJSON_GetObjectItem(result(j), "structuredContent"));
    cJSON_Delete(j);
  }
}

static void http_headers__mismatch_or_missing_is_32020(void **state)
{
  fx *f = *state;
  expect_mismatch(f, "2025-11-25", "tools/call", "find_symbol", CALL_HELPER,
                  "2025-11-25");
  expect_mismatch(f, "1999-01-01", "tools/call", "find_symbol", CALL_HELPER,
                  "1999-01-01");
  expect_mismatch(f, "2026-07-28", "tools/list", "find_symbol", CALL_HELPER,
                  "tools/list");
  expect_mismatch(f, "2026-07-28", "tools/call", "callers", CALL_HELPER,
                  "callers");
  expect_mismatch(f, "2026-07-28", "tools/call", "=?base64?Zm9v?=",
                  CALL_HELPER, "=?base64?Zm9v?=");
  expect_mismatch(f, "2026-07-28", "tools/call", "=?base64?not*b64?=",
                  CALL_HELPER, "=?base64?not*b64?=");
  expect_mismatch(f, NULL, "tools/call", "find_symbol", CALL_HELPER,
                  "(missing)");
  expect_mismatch(f, "2026-07-28", NULL, "find_symbol", CALL_HELPER,
                  "(missing)");
  expect_mismatch(f, "2026-07-28", "tools/call", NULL, CALL_HELPER,
                  "(missing)");
  /* the legacy handshake under a 2026 version header */
  expect_mismatch(f, "2026-07-28", NULL, NULL,
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                  "\"params\":{\"protocolVersion\":\"2025-11-25\"}}",
                  "2026-07-28");
  /* a notification sends no headers, but what it sends must agree */
  expect_mismatch(f, "2026-07-28", "notifications/other", NULL,
                  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/"
                  "initialized\",\"params\":{" ENVELOPE("2026-07-28") "}}",
                  "notifications/other");
}

static void http_headers__legacy_requests_keep_their_rules(void **state)
{
  fx *f = *state;
  pt_mcp_reply rep;
  static const char list[] =
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
  cJSON *j = send_http(f, "2025-11-25", NULL, NULL, list, &rep);
  assert_false(rep.is_bad_request); /* no Mcp-Method needed */
  assert_non_null(cJSON_GetObjectItem(result(j), "tools"));
  cJSON_Delete(j);
  j = send_http(f, "2026-07-28", "tools/list", NULL, list, &rep);
  assert_int_equal(error_code(j), PT_MCP_INVALID_PARAMS); /* no envelope */
  assert_true(rep.is_bad_request);
  cJSON_Delete(j);
  j = send_http(f, "1999-01-01", NULL, NULL, list, &rep);
  assert_int_equal(error_code(j), PT_MCP_INVALID_REQUEST);
  assert_true(rep.is_bad_request);
  cJSON_Delete(j);
  j = send_http(f, NULL, NULL, NULL,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/"
                "initialized\",\"params\":{" ENVELOPE("2026-07-28") "}}",
                &rep); /* a modern notification needs no header */
  assert_null(j);
  assert_false(rep.has_response);
}

/* ---- the tools ---- */

static void find_symbol__exact_name(void **state)
{
  cJSON *sc = call_tool(*state, "find_symbol", "{\"query\":\"helper\"}", NULL);
  assert_string_equal(str(sc, "mode"), "exact");
  assert_int_equal(num(sc, "total"), 1);
  const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "matches"), 0);
  assert_string_equal(str(m, "file_path"), "src/util.c");
  assert_string_equal(str(m, "kind"), "function");
  cJSON_Delete(sc);
}

static void find_symbol__fuzzy_and_location(void **state)
{
  cJSON *sc = call_tool(*state, "find_symbol", "{\"query\":\"pinga\"}", NULL);
  assert_string_equal(str(sc, "mode"), "fuzzy");
  assert_string_equal(
      str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "matches"), 0), "name"),
      "ping_a");
  cJSON_Delete(sc);
  sc = call_tool(*state, "find_symbol", "{\"query\":\"src/util.c:5\"}", NULL);
  assert_string_equal(str(sc, "mode"), "location");
  assert_string_equal(
      str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "matches"), 0), "name"),
      "compute");
  cJSON_Delete(sc);
}

static void entity_detail__code_paged_by_lines(void **state)
{
  cJSON *sc =
      call_tool(*state, "entity_detail", "{\"entity\":\"compute\"}", NULL);
  assert_non_null(strstr(str(sc, "code"), "return helper(x) * 2;"));
  assert_int_equal(num(sc, "total"), 4);
  assert_int_equal(num(sc, "callers_count"), 1);
  assert_int_equal(num(sc, "callees_count"), 1);
  cJSON_Delete(sc);
  sc = call_tool(*state, "entity_detail",
                 "{\"entity\":\"compute\",\"limit\":1,\"cursor\":\"2\"}", NULL);
  assert_string_equal(str(sc, "code"), "  return helper(x) * 2;\n");
  assert_int_equal(num(sc, "first_line"), 5);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sc, "truncated")));
  assert_string_equal(str(sc, "next_cursor"), "3");
  cJSON_Delete(sc);
}

static void callers_and_callees__follow_the_edges(void **state)
{
  cJSON *sc = call_tool(*state, "callers", "{\"entity\":\"helper\"}", NULL);
  const cJSON *arr = cJSON_GetObjectItem(sc, "callers");
  assert_int_equal(num(sc, "total"), 2);
  assert_int_equal(cJSON_GetArraySize(arr), 2);
  assert_string_equal(
      str(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "from"), "name"),
      "compute"); /* key order */
  assert_string_equal(str(cJSON_GetArrayItem(arr, 0), "edge_type"), "Calls");
  cJSON_Delete(sc);
  sc = call_tool(*state, "callees", "{\"entity\":\"run\"}", NULL);
  assert_int_equal(num(sc, "total"), 2);
  cJSON_Delete(sc);
}

/* helper() in c/main.c has two candidates in other folders: the callee
 * says how it stayed unresolved and lists both. */
static void callees__list_the_candidates_of_an_ambiguous_edge(void **state)
{
  fx *f = *state;
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  free(f->root);
  f->root = pt_test_tmpdir("mcp_candidates");
  pt_test_write(f->root, "a/one.c", "int helper(void) { return 1; }\n");
  pt_test_write(f->root, "b/two.c", "int helper(void) { return 2; }\n");
  pt_test_write(f->root, "c/main.c", "int run(void) { return helper(); }\n");
  pt_test_index(f->root, &f->g, &f->q);
  f->view.g = f->g;
  f->view.q = f->q;
  cJSON *sc = call_tool(f, "callees", "{\"entity\":\"run\"}", NULL);
  const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "callees"), 0);
  const cJSON *c = cJSON_GetObjectItem(e, "candidates");
  assert_string_equal(str(e, "resolution"), "unresolved_ambiguous");
  assert_int_equal(num(e, "candidates_total"), 2);
  assert_int_equal(cJSON_GetArraySize(c), 2);
  assert_string_equal(str(cJSON_GetArrayItem(c, 0), "file_path"), "a/one.c");
  assert_string_equal(str(cJSON_GetArrayItem(c, 1), "file_path"), "b/two.c");
  assert_string_equal(str(cJSON_GetArrayItem(c, 1), "name"), "helper");
  cJSON_Delete(sc);
}

/* Shape.area is implemented in Sq and, through Sq, in Big: the detail of
 * the interface's method lists both. */
static void entity_detail__lists_an_interface_methods_implementations(
    void **state)
{
  fx *f = *state;
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  free(f->root);
  f->root = pt_test_tmpdir("mcp_impls");
  pt_test_write(f->root, "s.ts",
                "interface Shape {\n  area(): number;\n}\n"
                "class Sq implements Shape {\n  area() { return 1; }\n}\n"
                "class Big extends Sq {\n  area() { return 2; }\n}\n");
  pt_test_index(f->root, &f->g, &f->q);
  f->view.g = f->g;
  f->view.q = f->q;
  cJSON *sc = call_tool(f, "entity_detail", "{\"entity\":\"Shape.area\"}",
                        NULL);
  const cJSON *arr = cJSON_GetObjectItem(sc, "implementations");
  assert_int_equal(num(sc, "implementations_total"), 2);
  assert_int_equal(cJSON_GetArraySize(arr), 2);
  const char *a = str(cJSON_GetArrayItem(arr, 0), "qualified_name");
  const char *b = str(cJSON_GetArrayItem(arr, 1), "qualified_name");
  assert_true((!strcmp(a, "Big.area") && !strcmp(b, "Sq.area")) ||
              (!strcmp(a, "Sq.area") && !strcmp(b, "Big.area")));
  cJSON_Delete(sc);
  sc = call_tool(f, "entity_detail", "{\"entity\":\"Sq.area\"}", NULL);
  assert_null(cJSON_GetObjectItem(sc, "implementations"));
  cJSON_Delete(sc);
}

static void callers__pages_with_limit_and_cursor(void **state)
{
  cJSON *sc =
      call_tool(*state, "callers", "{\"entity\":\"helper\",\"limit\":1}", NULL);
  assert_int_equal(num(sc, "returned"), 1);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sc, "truncated")));
  char args[128];
  pt_snprintf(args, sizeof args,
              "{\"entity\":\"helper\",\"limit\":1,\"cursor\":"
              "\"%s\"}",
              str(sc, "next_cursor"));
  cJSON_Delete(sc);
  sc = call_tool(*state, "callers", args, NULL);
  assert_int_equal(num(sc, "returned"), 1);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sc, "truncated")));
  assert_null(cJSON_GetObjectItem(sc, "next_cursor"));
  assert_string_equal(
      str(cJSON_GetObjectItem(
              cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "callers"), 0),
              "from"),
          "name"),
      "run");
  cJSON_Delete(sc);
}

static void blast_radius__nearest_first(void **state)
{
  cJSON *sc =
      call_tool(*state, "blast_radius", "{\"entity\":\"helper\"}", NULL);
  const cJSON *arr = cJSON_GetObjectItem(sc, "affected");
  assert_int_equal(num(sc, "total"), 3); /* compute, run, then main */
  assert_int_equal(num(cJSON_GetArrayItem(arr, 0), "depth"), 1);
  assert_string_equal(str(cJSON_GetArrayItem(arr, 2), "name"), "main");
  assert_int_equal(num(cJSON_GetArrayItem(arr, 2), "depth"), 2);
  cJSON_Delete(sc);
  sc = call_tool(*state, "blast_radius", "{\"entity\":\"helper\",\"hops\":1}",
                 NULL);
  assert_int_equal(num(sc, "total"), 2);
  cJSON_Delete(sc);
}

static void smart_context__within_budget(void **state)
{
  cJSON *sc = call_tool(*state, "smart_context",
                        "{\"entity\":\"compute\",\"token_budget\":1000}", NULL);
  assert_true(num(sc, "tokens_used") <= 1000);
  assert_true(num(sc, "total") >= 2);
  assert_string_equal(
      str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "items"), 0), "relation"),
      "direct_caller");
  cJSON_Delete(sc);
}

static void architecture_summary__hotspots_and_cycles(void **state)
{
  cJSON *sc = call_tool(*state, "architecture_summary", "{}", NULL);
  assert_string_equal(str(sc, "section"), "hotspots");
  assert_int_equal(num(sc, "entities"), 6);
  assert_true(num(sc, "total") > 0);
  cJSON_Delete(sc);
  sc = call_tool(*state, "architecture_summary", "{\"section\":\"cycles\"}",
                 NULL);
  assert_int_equal(num(sc, "cycles_total"), 1);
  const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "items"), 0);
  assert_int_equal(num(c, "length"), 2);
  cJSON_Delete(sc);
}

static void file_outline__line_order(void **state)
{
  cJSON *sc =
      call_tool(*state, "file_outline", "{\"path\":\"src/main.c\"}", NULL);
  const cJSON *arr = cJSON_GetObjectItem(sc, "entities");
  assert_int_equal(num(sc, "total"), 4);
  assert_string_equal(str(cJSON_GetArrayItem(arr, 0), "name"), "ping_a");
  assert_string_equal(str(cJSON_GetArrayItem(arr, 3), "name"), "main");
  cJSON_Delete(sc);
}

static void index_status__counts(void **state)
{
  cJSON *sc = call_tool(*state, "index_status", "{}", NULL);
  assert_int_equal(num(sc, "files"), 2);
  assert_int_equal(num(sc, "entities"), 6);
  assert_string_equal(str(sc, "db"), "mem");
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(sc, "live")));
  assert_string_equal(
      str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "languages"), 0),
          "language"),
      "c");
  cJSON_Delete(sc);
}

static void tools__unknown_symbol_is_an_error_with_candidates(void **state)
{
  char *text = NULL;
  assert_null(call_tool(*state, "callers", "{\"entity\":\"helpr\"}", &text));
  assert_non_null(strstr(text, "unknown symbol 'helpr'"));
  assert_non_null(strstr(text, "helper"));
  pt_free(text);
}

/* Numbers past int64's range were converted before the range check
 * (undefined behaviour; fuzz_mcp found 8e48). */
static void tools__integers_out_of_range_are_tool_errors(void **state)
{
  static const char *const limits[] = {"8e48", "-1e300", "1e19", "2.5",
                                       "-0.5"};
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    char args[96], *text = NULL;
    snprintf(args, sizeof args, "{\"entity\":\"helper\",\"limit\":%s}",
             limits[i]);
    assert_null(call_tool(*state, "callers", args, &text));
    assert_non_null(strstr(text, "'limit' must be an integer"));
    pt_free(text);
  }
}

static void tools__bad_arguments_are_tool_errors(void **state)
{
  char *text = NULL;
  assert_null(call_tool(*state, "callers",
                        "{\"entity\":\"helper\",\"limit\":0}", &text));
  assert_non_null(strstr(text, "'limit'"));
  pt_free(text);
  assert_null(call_tool(*state, "callers", "{\"entity\":5}", &text));
  assert_non_null(strstr(text, "'entity' must be a string"));
  pt_free(text);
  assert_null(call_tool(*state, "callers", "{}", &text));
  assert_non_null(strstr(text, "missing required argument 'entity'"));
  pt_free(text);
  assert_null(
      call_tool(*state, "callers", "{\"entity\":\"helper\",\"x\":1}", &text));
  assert_non_null(strstr(text, "unknown argument 'x'"));
  pt_free(text);
  assert_null(
      call_tool(*state, "architecture_summary", "{\"section\":\"x\"}", &text));
  assert_non_null(strstr(text, "'section' must be one of: hotspots, cycles"));
  pt_free(text);
  assert_null(call_tool(*state, "callers",
                        "{\"entity\":\"helper\",\"cursor\":\"zz\"}", &text));
  assert_non_null(strstr(text, "cursor"));
  pt_free(text);
}

/* 600 callers of one function: the default page stops near the byte
 * budget, well under 10k tokens (40,000 bytes), and says how to go on. */
static void tools__answers_stay_under_the_size_budget(void **state)
{
  fx *f = *state;
  pt_buf src = PT_BUF_INIT;
  pt_buf_puts(&src, "int target(void) { return 0; }\n");
  for (int i = 0; i < 600; i++)
    pt_buf_printf(&src,
                  "int caller_with_a_rather_long_name_%03d(void) "
                  "{ return target(); }\n",
                  i);
  pt_test_write(f->root, "src/big.c", src.ptr);
  pt_buf_fini(&src);
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  pt_test_index(f->root, &f->g, &f->q);
  f->view.g = f->g;
  f->view.q = f->q;
  static const char msg[] =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{"
      "\"name\":\"callers\",\"arguments\":{\"entity\":\"target\",\"limit\":500}"
      "}}";
  pt_buf out = PT_BUF_INIT;
  pt_mcp_reply r;
  assert_int_equal(
      pt_mcp_handle(&f->session, &f->view, msg, strlen(msg), &out, &r), 0);
  assert_true(out.len < 40000);
  cJSON *j = cJSON_Parse(out.ptr);
  const cJSON *sc = cJSON_GetObjectItem(result(j), "structuredContent");
  assert_int_equal(num(sc, "total"), 600);
  assert_true(num(sc, "returned") < 500);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sc, "truncated")));
  assert_int_equal(strtol(str(sc, "next_cursor"), NULL, 10),
                   (long)num(sc, "returned"));
  cJSON_Delete(j);
  pt_buf_fini(&out);
}

/* Every answer says which graph answered and whether changes wait: tool
 * results in structuredContent and _meta, other results in _meta. */
static void tools__answers_carry_the_index_freshness(void **state)
{
  cJSON *sc = call_tool(*state, "find_symbol", "{\"query\":\"helper\"}", NULL);
  const cJSON *ix = cJSON_GetObjectItem(sc, "index");
  assert_int_equal(num(ix, "generation"), 1);
  assert_int_equal(num(ix, "updated_unix"), 1700000000);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ix, "pending")));
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ix, "watching")));
  cJSON_Delete(sc);
  cJSON *j = send_msg(*state,
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"callers\",\"arguments\":{"
                      "\"entity\":\"helpr\"}}}",
                      NULL); /* a tool error has it too */
  const cJSON *meta = cJSON_GetObjectItem(result(j), "_meta");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(result(j), "isError")));
  assert_int_equal(num(cJSON_GetObjectItem(meta, "parseltongue/index"),
                       "generation"),
                   1);
  cJSON_Delete(j);
  j = send_msg(*state, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
               NULL); /* ping's result is exactly {} */
  assert_int_equal(cJSON_GetArraySize(result(j)), 0);
  cJSON_Delete(j);
}

/* A test file beside the fixture: tests_covering and diff_impact read it
 * from disk (the view's graph must be indexed with it). */
static void with_tests(fx *f)
{
  pt_test_write(f->root, "tests/test_util.c",
                "int helper(int x);\nint run(void);\n\n"
                "void test_helper(void) { helper(2); }\n\n"
                "void test_run(void) { run(); }\n");
  pt_qgraph_free(f->q);
  pt_graph_free(f->g);
  pt_test_index(f->root, &f->g, &f->q);
  f->view.g = f->g;
  f->view.q = f->q;
}

static void tests_covering__nearest_first_with_paths(void **state)
{
  fx *f = *state;
  with_tests(f);
  cJSON *sc = call_tool(f, "tests_covering", "{\"entity\":\"helper\"}", NULL);
  const cJSON *tests = cJSON_GetObjectItem(sc, "tests");
  assert_int_equal(num(sc, "total"), 2);
  const cJSON *t0 = cJSON_GetArrayItem(tests, 0);
  assert_string_equal(str(t0, "name"), "test_helper");
  assert_int_equal(num(t0, "hops"), 1);
  const cJSON *t1 = cJSON_GetArrayItem(tests, 1);
  assert_string_equal(str(t1, "name"), "test_run"); /* run -> helper */
  assert_int_equal(num(t1, "hops"), 2);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(t1, "path")), 3);
  cJSON_Delete(sc);
  sc = call_tool(f, "tests_covering", "{\"entity\":\"helper\",\"hops\":1}",
                 NULL);
  assert_int_equal(num(sc, "total"), 1);
  cJSON_Delete(sc);
}

static void diff_impact__changed_entities_and_tests(void **state)
{
  fx *f = *state;
  with_tests(f);
  cJSON *sc = call_tool(
      f, "diff_impact",
      "{\"diff\":\"--- a/src/util.c\\n+++ b/src/util.c\\n@@ -1 +1 @@\\n"
      "-int helper(int x) { return x + 1; }\\n"
      "+int helper(int x) { return x + 2; }\\n\"}",
      NULL);
  const cJSON *changed = cJSON_GetObjectItem(sc, "changed");
  assert_int_equal(cJSON_GetArraySize(changed), 1);
  assert_string_equal(str(cJSON_GetArrayItem(changed, 0), "name"), "helper");
  assert_true(num(sc, "affected_total") >= 2); /* compute, run, ... */
  assert_int_equal(num(sc, "total"), 2);
  assert_string_equal(
      str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "tests"), 0), "name"),
      "test_helper");
  cJSON_Delete(sc);
  char *err = NULL;
  assert_null(call_tool(f, "diff_impact", "{\"diff\":\"hello\"}", &err));
  assert_non_null(strstr(err, "not a unified diff"));
  pt_free(err);
  /* base needs the root a live index follows; one of diff and base */
  assert_null(call_tool(f, "diff_impact", "{\"base\":\"HEAD\"}", &err));
  assert_non_null(strstr(err, "--root"));
  pt_free(err);
  assert_null(call_tool(f, "diff_impact", "{}", &err));
  assert_non_null(strstr(err, "either 'diff' or 'base'"));
  pt_free(err);
  assert_null(call_tool(f, "diff_impact", "{\"diff\":\"\"}", &err));
  assert_non_null(strstr(err, "'diff' is empty"));
  pt_free(err);
}

/* Without a live index nothing is ever pending: the wait ends at once. */
static void wait_for_fresh__without_live_index_is_fresh_at_once(void **state)
{
  cJSON *sc =
      call_tool(*state, "wait_for_fresh", "{\"timeout_ms\":30000}", NULL);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sc, "fresh")));
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sc, "timed_out")));
  assert_true(num(sc, "waited_ms") < 1000);
  assert_int_equal(num(sc, "pending_changes"), 0);
  assert_int_equal(num(cJSON_GetObjectItem(sc, "index"), "generation"), 1);
  cJSON_Delete(sc);
  char *err = NULL;
  assert_null(call_tool(*state, "wait_for_fresh", "{\"timeout_ms\":30001}",
                        &err));
  assert_non_null(strstr(err, "timeout_ms"));
  pt_free(err);
}

/* The stdio transport's host: no graph yet is a tool error; then each
 * message reads the newest graph published. */
static void host__answers_from_the_newest_graph(void **state)
{
  fx *f = *state;
  static const char msg[] =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{"
      "\"name\":\"index_status\"}}";
  pt_mcp_host *h = NULL;
  pt_buf out = PT_BUF_INIT;
  pt_mcp_reply r;
  assert_int_equal(pt_mcp_host_new(NULL, "mem", &h), 0);
  assert_int_equal(
      pt_mcp_host_handle(h, &f->session, msg, strlen(msg), &out, &r), 0);
  assert_non_null(strstr(out.ptr, "no index is loaded yet"));
  for (int round = 0; round < 2; round++) {
    pt_graph *g = NULL;
    pt_test_write(f->root, round ? "src/b.c" : "src/a.c", "int extra(void);\n");
    pt_test_index(f->root, &g, NULL);
    assert_int_equal(pt_mcp_host_publish(h, g), 0);
    pt_buf_clear(&out);
    assert_int_equal(
        pt_mcp_host_handle(h, &f->session, msg, strlen(msg), &out, &r), 0);
    cJSON *j = cJSON_Parse(out.ptr);
    const cJSON *sc = cJSON_GetObjectItem(result(j), "structuredContent");
    assert_int_equal(num(sc, "files"), 3 + round);
    assert_int_equal(num(cJSON_GetObjectItem(sc, "index"), "generation"),
                     1 + round);
    cJSON_Delete(j);
  }
  pt_buf_fini(&out);
  pt_mcp_host_free(h);
}

/* Every allocation of a tool call fails in turn: the handler returns
 * PT_ENOMEM with nothing written, or answers; nothing leaks (ASan). */
static void handle__out_of_memory_at_each_allocation(void **state)
{
  fx *f = *state;
  static const char *const msgs[] = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{"
      "\"name\":\"blast_radius\",\"arguments\":{\"entity\":\"helper\"}}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{"
      "\"name\":\"find_symbol\",\"arguments\":{\"query\":\"pin\"}}}"};
  for (size_t m = 0; m < sizeof msgs / sizeof msgs[0]; m++) {
    for (unsigned long n = 1;; n++) {
      pt_buf out = PT_BUF_INIT;
      pt_mcp_reply r;
      pt_alloc_fail_after(n);
      int rc = pt_mcp_handle(&f->session, &f->view, msgs[m], strlen(msgs[m]),
                             &out, &r);
      pt_alloc_fail_after(0);
      if (rc == 0) {
        assert_true(r.has_response);
        pt_buf_fini(&out);
        break;
      }
      assert_int_equal(rc, PT_ENOMEM);
      assert_int_equal(out.len, 0);
      pt_error_clear();
      pt_buf_fini(&out);
      assert_true(n < 100000);
    }
  }
  /* the header checks: a Base64 name that disagrees */
  pt_mcp_http_headers h = {"2026-07-28", "tools/call", "=?base64?Zm9v?="};
  for (unsigned long n = 1;; n++) {
    pt_buf out = PT_BUF_INIT;
    pt_mcp_reply r;
    pt_alloc_fail_after(n);
    int rc = pt_mcp_handle_http(&f->session, &f->view, &h, CALL_HELPER,
                                strlen(CALL_HELPER), &out, &r);
    pt_alloc_fail_after(0);
    pt_buf_fini(&out);
    if (rc == 0) {
      assert_true(r.is_bad_request);
      break;
    }
    assert_int_equal(rc, PT_ENOMEM);
    pt_error_clear();
    assert_true(n < 100000);
  }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(handle__malformed_json_is_parse_error),
      T(handle__not_a_request_is_invalid_request),
      T(handle__oversized_message_is_invalid_request),
      T(handle__unknown_method_is_method_not_found),
      T(handle__wrong_params_are_invalid_params),
      T(handle__keeps_serving_after_errors),
      T(handle__notifications_and_responses_get_no_answer),
      T(initialize__agrees_on_a_version_it_speaks),
      T(initialize__answers_its_newest_for_an_unknown_version),
      T(discover__offers_the_modern_revision),
      T(modern__unsupported_version_names_the_supported_ones),
      T(modern__envelope_without_capabilities_is_invalid_params),
      T(tools_list__fixed_order_with_schemas_and_hints),
      T(http_headers__matching_headers_are_served),
      T(http_headers__mismatch_or_missing_is_32020),
      T(http_headers__legacy_requests_keep_their_rules),
      T(find_symbol__exact_name),
      T(find_symbol__fuzzy_and_location),
      T(entity_detail__code_paged_by_lines),
      T(callers_and_callees__follow_the_edges),
      T(callees__list_the_candidates_of_an_ambiguous_edge),
      T(entity_detail__lists_an_interface_methods_implementations),
      T(callers__pages_with_limit_and_cursor),
      T(tools__integers_out_of_range_are_tool_errors),
      T(blast_radius__nearest_first),
      T(smart_context__within_budget),
      T(architecture_summary__hotspots_and_cycles),
      T(file_outline__line_order),
      T(index_status__counts),
      T(tools__unknown_symbol_is_an_error_with_candidates),
      T(tools__bad_arguments_are_tool_errors),
      T(tools__answers_stay_under_the_size_budget),
      T(tools__answers_carry_the_index_freshness),
      T(tests_covering__nearest_first_with_paths),
      T(diff_impact__changed_entities_and_tests),
      T(wait_for_fresh__without_live_index_is_fresh_at_once),
      T(host__answers_from_the_newest_graph),
      T(handle__out_of_memory_at_each_allocation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
