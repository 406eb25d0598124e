/* The tool table of the MCP server (docs/mcp.md "Tools"): each tool's
 * arguments, from which both its input schema and the checks of a call
 * come, its output schema, and the call itself (arguments checked, the
 * tool run, its answer made a CallToolResult). Paging is here too. */
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

#define LIMIT(def, max)                                                        \
  {                                                                            \
    "limit", PT_MCP_ARG_INTEGER, 0, 1, (max), (def),                           \
        "Most items to return (the answer also stops near 10k tokens)", NULL   \
  }
#define CURSOR                                                                 \
  {                                                                            \
    "cursor", PT_MCP_ARG_STRING, 0, 0, 0, 0,                                   \
        "next_cursor of the previous page, to continue a list", NULL           \
  }
#define ENTITY                                                                 \
  {                                                                            \
    "entity", PT_MCP_ARG_STRING, 1, 0, 0, 0,                                   \
        "An entity key, a name or qualified name, or PATH:LINE", NULL          \
  }
#define END                                                                    \
  {                                                                            \
    NULL, PT_MCP_ARG_STRING, 0, 0, 0, 0, NULL, NULL                            \
  }

/* The fields every paged answer has, and the entity reference. */
#define PAGE_PROPS                                                             \
  "\"total\":{\"type\":\"integer\"},\"returned\":{\"type\":\"integer\"},"      \
  "\"truncated\":{\"type\":\"boolean\"},\"next_cursor\":{\"type\":\"string\"}"
#define PAGE_REQ "\"total\",\"returned\",\"truncated\""
#define NSTR "{\"type\":[\"string\",\"null\"]}"
#define NINT "{\"type\":[\"integer\",\"null\"]}"
#define REF_PROPS                                                              \
  "\"key\":{\"type\":\"string\"},\"name\":" NSTR ",\"qualified_name\":" NSTR   \
  ",\"kind\":" NSTR ",\"file_path\":" NSTR ",\"line_start\":" NINT             \
  ",\"line_end\":" NINT
#define REF                                                                    \
  "{\"type\":\"object\",\"properties\":{" REF_PROPS "},"                        \
  "\"required\":[\"key\"]}"
/* Every answer's "index": the graph that answered and its freshness. */
#define INDEX                                                                  \
  "{\"type\":\"object\",\"properties\":{\"generation\":{\"type\":"          \
  "\"integer\"},\"updated_unix\":{\"type\":\"integer\"},\"pending\":{"       \
  "\"type\":\"boolean\"},\"watching\":{\"type\":\"boolean\"}},\"required\":"  \
  "[\"generation\",\"updated_unix\",\"pending\",\"watching\"]}"
#define OBJ(props, req)                                                        \
  "{\"type\":\"object\",\"properties\":{" props "," PAGE_PROPS                 \
  ",\"index\":" INDEX "},\"required\":[" req "," PAGE_REQ ",\"index\"]}"
#define ARR(item) "{\"type\":\"array\",\"items\":" item "}"

static const char *const sections[] = {"hotspots", "cycles", NULL};

static const pt_mcp_arg find_args[] = {
    {"query", PT_MCP_ARG_STRING, 1, 0, 0, 0,
     "A name, qualified name, entity key, PATH:LINE, or a few letters of a "
     "name (fuzzy)",
     NULL},
    LIMIT(20, 200),
    CURSOR,
    END};
static const pt_mcp_arg detail_args[] = {ENTITY, LIMIT(200, 2000), CURSOR, END};
static const pt_mcp_arg edge_args[] = {ENTITY, LIMIT(50, 500), CURSOR, END};
static const pt_mcp_arg blast_args[] = {ENTITY,
                                        {"hops", PT_MCP_ARG_INTEGER, 0, 1, 8, 3,
                                         "How many call steps to follow", NULL},
                                        LIMIT(100, 1000),
                                        CURSOR,
                                        END};
static const pt_mcp_arg context_args[] = {
    ENTITY,
    {"token_budget", PT_MCP_ARG_INTEGER, 0, 100, 100000, 4000,
     "Tokens the chosen context may take", NULL},
    LIMIT(50, 500),
    CURSOR,
    END};
static const pt_mcp_arg arch_args[] = {
    {"section", PT_MCP_ARG_STRING, 0, 0, 0, 0,
     "hotspots (most connected entities, the default) or cycles "
     "(dependency cycles)",
     sections},
    LIMIT(20, 500),
    CURSOR,
    END};
static const pt_mcp_arg outline_args[] = {
    {"path", PT_MCP_ARG_STRING, 1, 0, 0, 0,
     "A file path relative to the indexed root, '/' separators", NULL},
    LIMIT(100, 1000),
    CURSOR,
    END};
static const pt_mcp_arg status_args[] = {LIMIT(20, 100), CURSOR, END};
static const pt_mcp_arg covering_args[] = {
    ENTITY,
    {"hops", PT_MCP_ARG_INTEGER, 0, 1, 8, 3,
     "Most dependency steps from a test to the entity", NULL},
    LIMIT(50, 500),
    CURSOR,
    END};
static const pt_mcp_arg diff_args[] = {
    {"diff", PT_MCP_ARG_STRING, 0, 0, 0, 0,
     "A unified diff (git diff, diff -u) of files under the indexed root; "
     "or give base",
     NULL},
    {"base", PT_MCP_ARG_STRING, 0, 0, 0, 0,
     "Instead of diff: a git revision (HEAD, main, a commit); the diff of "
     "the indexed root's work tree against it is analysed",
     NULL},
    {"hops", PT_MCP_ARG_INTEGER, 0, 1, 8, 3,
     "Most dependency steps from a dependant or a test to changed code",
     NULL},
    LIMIT(100, 1000),
    CURSOR,
    END};
static const pt_mcp_arg wait_args[] = {
    {"timeout_ms", PT_MCP_ARG_INTEGER, 0, 0, PT_LIVE_WAIT_MAX_MS,
     PT_LIVE_WAIT_DEFAULT_MS, "Longest wait in milliseconds", NULL},
    END};

static const char find_out[] = OBJ(
    "\"query\":{\"type\":\"string\"},\"mode\":{\"type\":\"string\",\"enum\":"
    "[\"key\",\"exact\",\"location\",\"fuzzy\"]},\"matches\":" ARR(REF),
    "\"query\",\"mode\",\"matches\"");
static const char detail_out[] =
    OBJ("\"entity\":{\"type\":\"object\",\"properties\":{" REF_PROPS
        ",\"language\":{\"type\":\"string\"},\"signature\":" NSTR
        ",\"parent_key\":" NSTR ",\"content_hash\":{\"type\":\"string\"}},"
        "\"required\":[\"key\"]},\"callers_count\":{\"type\":\"integer\"},"
        "\"callees_count\":{\"type\":\"integer\"},\"first_line\":{\"type\":"
        "\"integer\"},\"code\":{\"type\":\"string\"},\"implementations_total\":"
        "{\"type\":\"integer\"},\"implementations\":" ARR(REF),
        "\"entity\",\"code\"");
#define EDGE_ITEM(end)                                                         \
  "{\"type\":\"object\",\"properties\":{\"" end "\":" REF                      \
  ",\"edge_type\":{\"type\":\"string\"},\"file_path\":" NSTR                   \
  ",\"line\":{\"type\":\"integer\"},\"resolved\":{\"type\":\"boolean\"},"      \
  "\"resolution\":{\"type\":\"string\"},\"candidates_total\":{\"type\":"       \
  "\"integer\"},\"candidates\":" ARR(REF) "},"                               \
  "\"required\":[\"" end "\",\"edge_type\"]}"
static const char callers_out[] =
    OBJ("\"entity\":" REF ",\"callers\":" ARR(EDGE_ITEM("from")),
        "\"entity\",\"callers\"");
static const char callees_out[] =
    OBJ("\"entity\":" REF ",\"callees\":" ARR(EDGE_ITEM("to")),
        "\"entity\",\"callees\"");
static const char blast_out[] = OBJ(
    "\"entity\":" REF ",\"hops\":{\"type\":\"integer\"},\"affected\":" ARR(
        "{\"type\":\"object\",\"properties\":{" REF_PROPS
        ",\"depth\":{\"type\":\"integer\"}},\"required\":[\"key\",\"depth\"]}"),
    "\"entity\",\"hops\",\"affected\"");
static const char context_out[] = OBJ(
    "\"entity\":" REF ",\"token_budget\":{\"type\":\"integer\"},"
    "\"tokens_used\":{\"type\":\"integer\"},\"items\":" ARR(
        "{\"type\":\"object\",\"properties\":{" REF_PROPS
        ",\"relation\":{\"type\":\"string\"},\"score\":{\"type\":\"number\"},"
        "\"tokens\":{\"type\":\"integer\"}},\"required\":[\"key\","
        "\"relation\"]}"),
    "\"entity\",\"items\"");
static const char arch_out[] =
    OBJ("\"section\":{\"type\":\"string\"},\"entities\":{\"type\":\"integer\"},"
        "\"edges\":{\"type\":\"integer\"},\"files\":{\"type\":\"integer\"},"
        "\"cycles_total\":{\"type\":\"integer\"},\"items\":" ARR(
            "{\"type\":\"object\",\"properties\":{" REF_PROPS
            ",\"inbound\":{\"type\":\"integer\"},\"outbound\":{\"type\":"
            "\"integer\"},\"length\":{\"type\":\"integer\"},\"members\":" ARR(
                "{\"type\":\"string\"}") "}}"),
        "\"section\",\"items\"");
static const char outline_out[] =
    OBJ("\"path\":{\"type\":\"string\"},\"language\":{\"type\":\"string\"},"
        "\"entities\":" ARR("{\"type\":\"object\",\"properties\":{" REF_PROPS
                            ",\"signature\":" NSTR ",\"parent_key\":" NSTR
                            "},\"required\":"
                            "[\"key\"]}"),
        "\"path\",\"entities\"");
static const char status_out[] =
    OBJ("\"root\":" NSTR ",\"db\":" NSTR ",\"entities\":{\"type\":\"integer\"},"
        "\"edges\":{\"type\":\"integer\"},\"files\":{\"type\":\"integer\"},"
        "\"tests\":{\"type\":\"integer\"},\"live\":{\"type\":[\"object\","
        "\"null\"]},\"languages\":" ARR(
            "{\"type\":\"object\",\"properties\":{\"language\":{\"type\":"
            "\"string\"},\"files\":{\"type\":\"integer\"}},\"required\":["
            "\"language\",\"files\"]}"),
        "\"entities\",\"edges\",\"files\",\"languages\"");

#define TEST_ITEM                                                              \
  "{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"},"          \
  "\"name\":{\"type\":\"string\"},\"file_path\":{\"type\":\"string\"},"          \
  "\"line_start\":{\"type\":\"integer\"},\"line_end\":{\"type\":\"integer\"},"   \
  "\"hops\":{\"type\":\"integer\"},\"target\":{\"type\":\"string\"},\"path\":" \
  ARR("{\"type\":\"string\"}") "},\"required\":[\"key\",\"hops\",\"path\"]}"
static const char covering_out[] =
    OBJ("\"entity\":" REF ",\"hops\":{\"type\":\"integer\"},"
        "\"test_files_stale\":{\"type\":\"integer\"},\"tests\":" ARR(
            TEST_ITEM),
        "\"entity\",\"tests\"");
static const char diff_out[] = OBJ(
    "\"hops\":{\"type\":\"integer\"},\"files\":" ARR(
        "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":"
        "\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"added\","
        "\"deleted\",\"modified\"]},\"indexed_path\":" NSTR ",\"stale\":"
        "{\"type\":\"boolean\"}},"
        "\"required\":[\"path\",\"status\"]}") ",\"changed\":" ARR(REF)
    ",\"deleted\":" ARR(
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
        "\"string\"},\"kind\":{\"type\":\"string\"},\"file_path\":{"
        "\"type\":\"string\"},\"old_line_start\":{\"type\":\"integer\"},"
        "\"old_line_end\":{\"type\":\"integer\"},\"dependents\":" ARR(
            "{\"type\":\"string\"}") "},\"required\":[\"name\",\"kind\","
        "\"file_path\",\"dependents\"]}")
    ",\"affected\":" ARR(
        "{\"type\":\"object\",\"properties\":{" REF_PROPS
        ",\"depth\":{\"type\":\"integer\"}},\"required\":[\"key\","
        "\"depth\"]}") ",\"affected_total\":{\"type\":\"integer\"},"
    "\"test_files_stale\":{\"type\":\"integer\"},\"tests\":" ARR(TEST_ITEM),
    "\"files\",\"changed\",\"deleted\",\"affected\",\"tests\"");
static const char wait_out[] =
    "{\"type\":\"object\",\"properties\":{\"fresh\":{\"type\":\"boolean\"},"
    "\"timed_out\":{\"type\":\"boolean\"},\"waited_ms\":{\"type\":"
    "\"integer\"},\"pending_changes\":{\"type\":\"integer\"},\"paused\":{"
    "\"type\":\"boolean\"},\"index\":" INDEX "},\"required\":[\"fresh\","
    "\"timed_out\",\"waited_ms\",\"pending_changes\",\"index\"]}";

static const pt_mcp_tool tools[] = {
    {"find_symbol", "Find a symbol",
     "Finds code entities by name, qualified name, entity key or PATH:LINE; "
     "falls back to a fuzzy match of names. Use the key it returns with the "
     "other tools.",
     find_args, find_out, pt__mcp_find_symbol},
    {"entity_detail", "Entity detail and code",
     "One entity: kind, file, lines, signature, parent, caller and callee "
     "counts, and its source code paged by lines.",
     detail_args, detail_out, pt__mcp_entity_detail},
    {"callers", "Callers",
     "The entities that call or use this one (incoming edges), with where "
     "each reference is written.",
     edge_args, callers_out, pt__mcp_callers},
    {"callees", "Callees",
     "The entities this one calls or uses (outgoing edges), unresolved "
     "names included.",
     edge_args, callees_out, pt__mcp_callees},
    {"blast_radius", "Blast radius",
     "What may break if this entity changes: everything that reaches it "
     "through incoming edges within `hops` steps, nearest first.",
     blast_args, blast_out, pt__mcp_blast_radius},
    {"smart_context", "Smart context",
     "The entities most worth reading to understand or change this one "
     "(callers, callees, then further), chosen to fit a token budget.",
     context_args, context_out, pt__mcp_smart_context},
    {"architecture_summary", "Architecture summary",
     "Size of the index and either its hotspots (most connected entities) "
     "or its dependency cycles.",
     arch_args, arch_out, pt__mcp_architecture},
    {"file_outline", "File outline",
     "The entities defined in one file, in line order.", outline_args,
     outline_out, pt__mcp_file_outline},
    {"tests_covering", "Tests covering an entity",
     "The tests that reach this entity through calls and other dependencies "
     "within `hops` steps, nearest first, each with its path (test, what it "
     "calls, ..., the entity). Tests are read from the indexed files.",
     covering_args, covering_out, pt__mcp_tests_covering},
    {"diff_impact", "Diff impact and tests to run",
     "For a unified diff: the entities it changes, those it deletes (with "
     "the code that still names them), what depends on them, and the tests "
     "to run, nearest first. Pass the output of `git diff` "
     "for the working tree the index follows, or base to have the server "
     "run git diff against that revision.",
     diff_args, diff_out, pt__mcp_diff_impact},
    {"index_status", "Index status",
     "What is indexed (root, store, counts, languages) and whether the live "
     "index follows changes (watcher, pending changes, last update).",
     status_args, status_out, pt__mcp_index_status},
    {"wait_for_fresh", "Wait for a fresh index",
     "Waits until the live index has applied every change it has seen (files "
     "saved a moment ago), or until timeout_ms; then answers from the new "
     "graph. Call it after editing files, before asking about them.",
     wait_args, wait_out, pt__mcp_wait_for_fresh},
};

const pt_mcp_tool *pt__mcp_tools(size_t *n)
{
  *n = sizeof tools / sizeof tools[0];
  return tools;
}

int pt__mcp_add_str(cJSON *obj, const char *key, const char *s)
{
  cJSON *v = s ? cJSON_CreateString(s) : cJSON_CreateNull();
  if (v && cJSON_AddItemToObject(obj, key, v))
    return 0;
  cJSON_Delete(v);
  return PT_ERR(PT_ENOMEM, "out of memory");
}

int pt__mcp_add_num(cJSON *obj, const char *key, double n)
{
  return cJSON_AddNumberToObject(obj, key, n)
             ? 0
             : PT_ERR(PT_ENOMEM, "out of memory");
}

int pt__mcp_add_bool(cJSON *obj, const char *key, int b)
{
  return cJSON_AddBoolToObject(obj, key, b)
             ? 0
             : PT_ERR(PT_ENOMEM, "out of memory");
}

/* {"type":"object","properties":{...},"required":[...],
 * "additionalProperties":false} from an argument table. */
static cJSON *input_schema(const pt_mcp_arg *a)
{
  static const char *const type_names[] = {"string", "integer", "boolean"};
  cJSON *s = cJSON_CreateObject();
  cJSON *props = s ? cJSON_AddObjectToObject(s, "properties") : NULL;
  cJSON *req = cJSON_CreateArray();
  int ok = props && req && cJSON_AddStringToObject(s, "type", "object");
  for (; ok && a->name; a++) {
    cJSON *p = cJSON_AddObjectToObject(props, a->name);
    ok = p && cJSON_AddStringToObject(p, "type", type_names[a->type]) &&
         cJSON_AddStringToObject(p, "description", a->description);
    if (ok && a->type == PT_MCP_ARG_INTEGER)
      ok = cJSON_AddNumberToObject(p, "minimum", (double)a->min) &&
           cJSON_AddNumberToObject(p, "maximum", (double)a->max) &&
           cJSON_AddNumberToObject(p, "default", (double)a->def);
    if (ok && a->choices) {
      size_t n = 0;
      while (a->choices[n])
        n++;
      cJSON *e = cJSON_CreateStringArray(a->choices, (int)n);
      ok = e && cJSON_AddItemToObject(p, "enum", e);
      if (!ok)
        cJSON_Delete(e);
    }
    if (ok && a->required) {
      cJSON *name = cJSON_CreateString(a->name);
      ok = name && cJSON_AddItemToArray(req, name);
      if (!ok)
        cJSON_Delete(name);
    }
  }
  if (ok && cJSON_AddItemToObject(s, "required", req) &&
      cJSON_AddFalseToObject(s, "additionalProperties"))
    return s;
  if (!ok || !cJSON_GetObjectItem(s, "required"))
    cJSON_Delete(req);
  cJSON_Delete(s);
  return NULL;
}

static cJSON *tool_json(const pt_mcp_tool *t)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *in = input_schema(t->args);
  cJSON *out = cJSON_Parse(t->output_schema);
  cJSON *ann = cJSON_CreateObject();
  int ok = o && in && out && ann &&
           cJSON_AddStringToObject(o, "name", t->name) &&
           cJSON_AddStringToObject(o, "title", t->title) &&
           cJSON_AddStringToObject(o, "description", t->description);
  if (ok && cJSON_AddItemToObject(o, "inputSchema", in)) {
    in = NULL;
    if (cJSON_AddItemToObject(o, "outputSchema", out)) {
      out = NULL;
      ok = cJSON_AddStringToObject(ann, "title", t->title) &&
           cJSON_AddTrueToObject(ann, "readOnlyHint") &&
           cJSON_AddFalseToObject(ann, "destructiveHint") &&
           cJSON_AddTrueToObject(ann, "idempotentHint") &&
           cJSON_AddFalseToObject(ann, "openWorldHint") &&
           cJSON_AddItemToObject(o, "annotations", ann);
      if (ok)
        ann = NULL;
    } else {
      ok = 0;
    }
  } else {
    ok = 0;
  }
  cJSON_Delete(in);
  cJSON_Delete(out);
  cJSON_Delete(ann);
  if (ok)
    return o;
  cJSON_Delete(o);
  return NULL;
}

cJSON *pt__mcp_tools_json(void)
{
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; arr && i < sizeof tools / sizeof tools[0]; i++) {
    cJSON *t = tool_json(&tools[i]);
    if (!t || !cJSON_AddItemToArray(arr, t)) {
      cJSON_Delete(t);
      cJSON_Delete(arr);
      return NULL;
    }
  }
  return arr;
}

int pt__mcp_fail(pt_mcp_call *c, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->error, sizeof c->error, fmt, ap);
  va_end(ap);
  return PT_EINVAL;
}

static const pt_mcp_arg *arg_row(const pt_mcp_call *c, const char *name)
{
  for (const pt_mcp_arg *a = c->tool->args; a->name; a++)
    if (strcmp(a->name, name) == 0)
      return a;
  return NULL;
}

static int is_choice(const pt_mcp_arg *a, const char *v)
{
  for (const char *const *ch = a->choices; *ch; ch++)
    if (strcmp(*ch, v) == 0)
      return 1;
  return 0;
}

/* "argument 'x' must be one of: a, b". */
static int choice_error(pt_mcp_call *c, const pt_mcp_arg *a)
{
  char list[256] = "";
  size_t len = 0;
  for (const char *const *ch = a->choices; *ch && len < sizeof list; ch++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                            ch == a->choices ? "" : ", ", *ch);
  return pt__mcp_fail(c, "argument '%s' must be one of: %s", a->name, list);
}

/* A call's arguments against the table: known names only, the right
 * types, integers in range, strings among the choices, required ones
 * present. The message names the argument and what it takes. */
static int check_args(pt_mcp_call *c)
{
  const cJSON *it;
  cJSON_ArrayForEach(it, c->args)
  {
    const pt_mcp_arg *a = arg_row(c, it->string);
    if (!a)
      return pt__mcp_fail(c, "unknown argument '%.100s' for %s", it->string,
                          c->tool->name);
    if (a->type == PT_MCP_ARG_STRING && !cJSON_IsString(it))
      return pt__mcp_fail(c, "argument '%s' must be a string", a->name);
    if (a->type == PT_MCP_ARG_BOOLEAN && !cJSON_IsBool(it))
      return pt__mcp_fail(c, "argument '%s' must be true or false", a->name);
    /* range first: converting a double past int64's range is undefined */
    if (a->type == PT_MCP_ARG_INTEGER &&
        (!cJSON_IsNumber(it) || !(it->valuedouble >= (double)a->min &&
                                  it->valuedouble <= (double)a->max) ||
         it->valuedouble != floor(it->valuedouble)))
      return pt__mcp_fail(c,
                          "argument '%s' must be an integer from %lld to "
                          "%lld",
                          a->name, (long long)a->min, (long long)a->max);
    if (a->choices && !is_choice(a, it->valuestring))
      return choice_error(c, a);
  }
  for (const pt_mcp_arg *a = c->tool->args; a->name; a++) {
    const cJSON *v = cJSON_GetObjectItem(c->args, a->name);
    if (a->required && (!v || (cJSON_IsString(v) && !v->valuestring[0])))
      return pt__mcp_fail(c, "missing required argument '%s'", a->name);
  }
  return 0;
}

const char *pt__mcp_str(const pt_mcp_call *c, const char *name)
{
  const cJSON *v = cJSON_GetObjectItem(c->args, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t pt__mcp_int(const pt_mcp_call *c, const char *name)
{
  const cJSON *v = cJSON_GetObjectItem(c->args, name);
  const pt_mcp_arg *a = arg_row(c, name);
  if (cJSON_IsNumber(v))
    return (int64_t)v->valuedouble;
  return a ? a->def : 0;
}

int pt__mcp_bool(const pt_mcp_call *c, const char *name, int def)
{
  const cJSON *v = cJSON_GetObjectItem(c->args, name);
  return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

int pt__mcp_page_begin(pt_mcp_call *c, pt_mcp_page *p)
{
  unsigned long long off = 0;
  const char *cur = pt__mcp_str(c, "cursor");
  memset(p, 0, sizeof *p);
  if (cur && *cur && pt_parse_u64(cur, &off) != 0) {
    pt_error_clear();
    return pt__mcp_fail(c, "argument 'cursor' is not a cursor this server "
                           "gave (pass next_cursor back unchanged)");
  }
  p->offset = (size_t)off;
  p->limit = (size_t)pt__mcp_int(c, "limit");
  return 0;
}

int pt__mcp_page_wants(const pt_mcp_page *p, size_t i)
{
  return i >= p->offset && !p->full && p->returned < p->limit;
}

int pt__mcp_page_add(pt_mcp_page *p, cJSON *arr, cJSON *item)
{
  if (!item)
    return PT_ERR(PT_ENOMEM, "out of memory");
  char *text = cJSON_PrintUnformatted(item);
  if (!text) {
    cJSON_Delete(item);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  size_t size = strlen(text) + 1;
  cJSON_free(text);
  if (p->returned > 0 && p->bytes + size > PT_MCP_PAGE_BYTES) {
    p->full = 1;
    cJSON_Delete(item);
    return 0;
  }
  if (!cJSON_AddItemToArray(arr, item)) {
    cJSON_Delete(item);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  p->bytes += size;
  p->returned++;
  return 0;
}

int pt__mcp_page_end(pt_mcp_call *c, const pt_mcp_page *p)
{
  size_t next = p->offset + p->returned;
  int more = next < p->total;
  char cur[32];
  int rc = pt__mcp_add_num(c->structured, "total", (double)p->total);
  if (!rc)
    rc = pt__mcp_add_num(c->structured, "returned", (double)p->returned);
  if (!rc)
    rc = pt__mcp_add_bool(c->structured, "truncated", more);
  if (!rc && more) {
    pt_snprintf(cur, sizeof cur, "%zu", next);
    rc = pt__mcp_add_str(c->structured, "next_cursor", cur);
  }
  return rc;
}

cJSON *pt__mcp_index_json(const pt_mcp_view *v, const pt_live_freshness *now)
{
  pt_live_freshness f = {0};
  uint64_t gen = v ? v->generation : 0;
  double published = v ? (double)v->published : 0;
  if (now) {
    f = *now;
    gen = f.generation;
    published = (double)f.published;
  } else if (v && v->live) {
    pt_live_get_freshness(v->live, &f);
  }
  cJSON *o = cJSON_CreateObject();
  if (o && !pt__mcp_add_num(o, "generation", (double)gen) &&
      !pt__mcp_add_num(o, "updated_unix", published) &&
      !pt__mcp_add_bool(o, "pending", f.pending > 0 || f.generation > gen) &&
      !pt__mcp_add_bool(o, "watching", f.watching))
    return o;
  cJSON_Delete(o);
  return NULL;
}

/* Adds "index" to a successful answer, and to its text a line when the
 * answer may be out of date. */
static int add_index(pt_mcp_call *c)
{
  cJSON *ix = pt__mcp_index_json(c->v, c->has_now ? &c->now : NULL);
  if (!ix || !cJSON_AddItemToObject(c->structured, "index", ix)) {
    cJSON_Delete(ix);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (c->has_now || !cJSON_IsTrue(cJSON_GetObjectItem(ix, "pending")))
    return 0;
  return pt_buf_printf(&c->text,
                       "\n(changes to the code are pending in the index: "
                       "call wait_for_fresh for an up-to-date answer)");
}

/* The CallToolResult: the short text, and either the structured answer
 * or isError (2025-11-25: argument and lookup errors are tool errors the
 * model can read and act on, not protocol errors). */
static int result_json(pt_mcp_call *c, int failed, cJSON **out)
{
  cJSON *res = cJSON_CreateObject();
  cJSON *content = res ? cJSON_AddArrayToObject(res, "content") : NULL;
  cJSON *text = cJSON_CreateObject();
  if (failed && !c->error[0]) /* an error of a lower stage */
    pt_snprintf(c->error, sizeof c->error, "%s", pt_error_last()->message);
  const char *body = failed ? c->error : pt_buf_cstr(&c->text);
  int ok = content && text && cJSON_AddStringToObject(text, "type", "text") &&
           cJSON_AddStringToObject(text, "text", body && *body ? body : "done");
  if (ok && cJSON_AddItemToArray(content, text)) {
    text = NULL;
    if (failed)
      ok = cJSON_AddTrueToObject(res, "isError") != NULL;
    else if ((ok = cJSON_AddItemToObject(res, "structuredContent",
                                         c->structured)) != 0)
      c->structured = NULL;
  } else {
    ok = 0;
  }
  cJSON_Delete(text);
  if (!ok) {
    cJSON_Delete(res);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  *out = res;
  return 0;
}

int pt__mcp_tool_call(const pt_mcp_view *v, const char *name, const cJSON *args,
                      cJSON **out)
{
  const pt_mcp_tool *t = NULL;
  for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
    if (strcmp(tools[i].name, name) == 0)
      t = &tools[i];
  if (!t)
    return PT_ERR(PT_ENOTFOUND, "unknown tool %s", name);
  pt_mcp_call c;
  memset(&c, 0, sizeof c);
  c.v = v;
  c.tool = t;
  c.args = args;
  int rc = (c.structured = cJSON_CreateObject())
               ? 0
               : PT_ERR(PT_ENOMEM, "out of memory");
  if (!rc)
    rc = check_args(&c);
  if (!rc && (!v || !v->g || !v->q))
    rc = pt__mcp_fail(&c, "no index is loaded yet");
  if (!rc)
    rc = t->fn(&c);
  if (!rc)
    rc = add_index(&c);
  if (rc == 0 || rc == PT_EINVAL)
    rc = result_json(&c, rc == PT_EINVAL, out);
  cJSON_Delete(c.structured);
  pt_buf_fini(&c.text);
  return rc;
}
