/* The route table (docs/contract/http-api.md 4), the endpoints that
 * describe the server itself, and route lookup. The API reference is
 * generated from this same table, so it lists exactly what is served. */
#include <string.h>

#include "http.h"
#include "pt/live.h"
#include "http_handlers.h"
#include "pt/sys/proc.h"
#include "pt/version.h"

#define SCOPE {"scope", 0, "Only entities under folder L1 or L1||L2 (e.g. src||core)"}
#define END {NULL, 0, NULL}
#define LIMIT(def) {"limit", 0, "Items per page, 0-10000 (default " #def ")"}
#define OFFSET {"offset", 0, "Items to skip (default 0)"}
#define UNRESOLVED {"include_unresolved", 0, \
  "true to list unresolved placeholders too (default false)"}
#define GROUPS(def) LIMIT(def), OFFSET, \
  {"member_limit", 0, "Members listed per group, 0-10000 (default 20)"}, UNRESOLVED

static const pt_param_doc no_params[] = {END};
static const pt_param_doc list_params[] = {
  {"entity_type", 0, "Only this entity type (any case): function, method, class, "
                     "struct, enum, trait, interface, impl, module, namespace, typedef"},
  LIMIT(100), OFFSET, SCOPE, END};
static const pt_param_doc detail_params[] = {
  {"key", 1, "An entity key, a unique key prefix, or a unique (qualified) name"},
  LIMIT(100), OFFSET, SCOPE, END};
static const pt_param_doc search_params[] = {
  {"q", 1, "Text matched fuzzily against names, qualified names and keys"},
  LIMIT(20), OFFSET, SCOPE, END};
static const pt_param_doc entity_params[] = {
  {"entity", 1, "An entity or placeholder key, a unique key prefix, or a unique name"},
  LIMIT(100), OFFSET, SCOPE, END};
static const pt_param_doc edges_params[] = {LIMIT(100), OFFSET, SCOPE, END};
static const pt_param_doc blast_params[] = {
  {"entity", 1, "An entity key, a unique key prefix, or a unique name"},
  {"hops", 0, "How many steps of dependants to follow, 0-10 (default 3)"},
  LIMIT(100), OFFSET, SCOPE, END};

static const pt_param_doc cycles_params[] = {LIMIT(20), OFFSET, SCOPE, END};
static const pt_param_doc scc_params[] = {
  {"min_size", 0, "Only components of at least this many members (default 2)"},
  GROUPS(20), SCOPE, END};
static const pt_param_doc group_params[] = {GROUPS(20), SCOPE, END};
static const pt_param_doc kcore_params[] = {
  {"k", 0, "Only nodes with at least this coreness"},
  LIMIT(100), OFFSET, UNRESOLVED, SCOPE, END};
static const pt_param_doc centrality_params[] = {
  {"method", 0, "pagerank (default) or betweenness"},
  {"top", 0, "The same as limit (default 20)"}, LIMIT(20), OFFSET, UNRESOLVED,
  SCOPE, END};

static const pt_param_doc top_params[] = {
  {"top", 0, "The same as limit (default 10)"}, LIMIT(10), OFFSET, UNRESOLVED,
  SCOPE, END};
static const pt_param_doc context_params[] = {
  {"focus", 1, "The entity key (or a unique prefix or name) to build context for"},
  {"tokens", 0, "Token budget, up to 1000000 (default 4000)"}, SCOPE, END};
static const pt_param_doc filter_params[] = {
  {"entity", 0, "Only keys containing this text"}, LIMIT(100), OFFSET, UNRESOLVED,
  SCOPE, END};
static const pt_param_doc sqale_params[] = {
  {"entity", 0, "Only keys containing this text"},
  {"min_debt", 0, "Only entities with at least this many hours"},
  LIMIT(100), OFFSET, UNRESOLVED, SCOPE, END};
static const pt_param_doc depth_params[] = {
  {"depth", 0, "Folder levels to group by, 0-32 (default 2)"}, LIMIT(100), OFFSET, END};
static const pt_param_doc page_params[] = {LIMIT(100), OFFSET, END};
static const pt_param_doc reindex_params[] = {
  {"path", 1, "A file under the indexed root: root-relative, or absolute inside "
              "it (query string or JSON body)"},
  END};
static const pt_param_doc covering_params[] = {
  {"entity", 1, "An entity key, a unique key prefix, or a unique name"},
  {"hops", 0, "Most dependency edges from a test to the entity, 1-10 (default 3)"},
  LIMIT(50), OFFSET, END};
static const pt_param_doc diff_params[] = {
  {"diff", 0, "The unified diff (the request body; or a JSON body's 'diff')"},
  {"base", 0, "Instead of a diff: a git revision; the diff of the indexed "
   "folder's work tree against it (git diff REV)"},
  {"hops", 0, "Steps of dependants and of tests to follow, 1-10 (default 3)"},
  LIMIT(100), OFFSET, END};
static const pt_param_doc wait_params[] = {
  {"timeout_ms", 0, "Longest wait in milliseconds, 0-30000 (default 10000)"},
  END};
static const pt_param_doc diag_params[] = {
  {"section", 0, "all (default), test_entities, word_coverage, ignored_files or summary"},
  {"limit", 0, "Items per page of each list, 0-10000 (default 100)"}, OFFSET, END};

static const pt_route routes[] = {
  {"GET", "/server-health-check-status", "Core", "Health and uptime", no_params,
   pt__h_health},
  {"GET", "/codebase-statistics-overview-summary", "Core",
   "Entity, test and edge counts, languages, database", no_params, pt__h_stats},
  {"GET", "/api-reference-documentation-help", "Core",
   "This list of every route, generated from the router's own table", no_params,
   pt__h_api_help},
  {"GET", "/code-entities-list-all", "Entity", "Every entity, sorted by key, paged",
   list_params, pt__h_list},
  {"GET", "/code-entity-detail-view", "Entity",
   "One entity with its source code; an interface's or trait's, or one of "
   "its methods', implementations, paged", detail_params, pt__h_detail},
  {"GET", "/code-entities-search-fuzzy", "Entity",
   "Entities matching the text, best first: exact, prefix, substring, then "
   "letters in order (word starts count most)", search_params,
   pt__h_search},
  {"GET", "/dependency-edges-list-all", "Edge", "Every edge, paged", edges_params,
   pt__h_edges},
  {"GET", "/reverse-callers-query-graph", "Edge",
   "Edges into the entity: who calls, uses, extends or implements it",
   entity_params, pt__h_callers},
  {"GET", "/forward-callees-query-graph", "Edge",
   "Edges out of the entity: what it calls, uses, extends or implements",
   entity_params, pt__h_callees},
  {"GET", "/blast-radius-impact-analysis", "Analysis",
   "Everything that depends on the entity, hop by hop", blast_params, pt__h_blast},
  {"GET", "/tests-covering-entity", "Analysis",
   "The tests that reach the entity through dependency edges, nearest "
   "first, each with its path", covering_params, pt__h_tests_covering},
  {"POST", "/diff-impact-analysis", "Analysis",
   "Entities a unified diff changes, what depends on them, and the tests "
   "to run, ranked", diff_params, pt__h_diff_impact},
  {"GET", "/circular-dependency-detection-scan", "Analysis",
   "Dependency cycles, one per back edge of a depth-first scan", cycles_params,
   pt__h_cycles},
  {"GET", "/complexity-hotspots-ranking-view", "Analysis",
   "Entities by number of distinct neighbours in and out", top_params,
   pt__h_hotspots},
  {"GET", "/smart-context-token-budget", "Analysis",
   "Callers, callees and their callees within a token budget", context_params,
   pt__h_context},
  {"GET", "/semantic-cluster-grouping-list", "Analysis",
   "Label-propagation clusters of connected entities", group_params,
   pt__h_clusters},
  {"GET", "/leiden-community-detection-clusters", "Graph Analysis",
   "Leiden-style communities with their modularity", group_params, pt__h_leiden},
  {"GET", "/strongly-connected-components-analysis", "Graph Analysis",
   "Tarjan's strongly connected components with a risk level", scc_params,
   pt__h_scc},
  {"GET", "/kcore-decomposition-layering-analysis", "Graph Analysis",
   "Coreness of every node: CORE, MID or PERIPHERAL", kcore_params, pt__h_kcore},
  {"GET", "/technical-debt-sqale-scoring", "Graph Analysis",
   "SQALE remediation hours from coupling, cohesion and complexity",
   sqale_params, pt__h_sqale},
  {"GET", "/entropy-complexity-measurement-scores", "Graph Analysis",
   "Shannon entropy of each entity's outgoing edge types", filter_params,
   pt__h_entropy},
  {"GET", "/coupling-cohesion-metrics-suite", "Graph Analysis",
   "CK metrics (CBO, LCOM, RFC, WMC) with a health grade", filter_params,
   pt__h_ck},
  {"GET", "/centrality-measures-entity-ranking", "Graph Analysis",
   "PageRank (default) or betweenness ranking", centrality_params,
   pt__h_centrality},
  {"POST", "/mcp", "Core",
   "The Model Context Protocol (JSON-RPC 2.0, streamable HTTP; docs/mcp.md)",
   no_params, pt__h_mcp},
  {"POST", "/incremental-reindex-file-update", "Core",
   "Reindex one file now (created, changed or deleted), as the watcher would",
   reindex_params, pt__h_reindex},
  {"GET", "/file-watcher-status-check", "Core",
   "The live index: watcher state and what it has done so far", no_params,
   pt__h_watcher},
  {"GET", "/wait-for-fresh", "Core",
   "Returns once no change is pending in the live index (or the timeout "
   "passed, saying so)", wait_params, pt__h_wait_fresh},
  {"GET", "/ingestion-coverage-folder-report", "Coverage",
   "Source files on disk versus files in the index, per folder", depth_params,
   pt__h_coverage},
  {"GET", "/ingestion-diagnostics-coverage-report", "Coverage",
   "Excluded tests, word coverage per file, ignored files", diag_params,
   pt__h_diagnostics},
  {"GET", "/folder-structure-discovery-tree", "Coverage",
   "Folders (L1) and their subfolders (L2) with entity counts", page_params,
   pt__h_folders},
};

const pt_route *pt__routes(size_t *n)
{
  *n = sizeof routes / sizeof *routes;
  return routes;
}

/* O(1) answers: they never wait behind a route that walks the graph. */
int pt__route_is_quick(const pt_route *rt)
{
  return rt->fn == pt__h_health || rt->fn == pt__h_api_help ||
         rt->fn == pt__h_watcher;
}

const pt_route *pt__route_find(const char *path)
{
  for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
    if (strcmp(routes[i].path, path) == 0)
      return &routes[i];
  return NULL;
}

int pt__h_health(pt_req *r)
{
  pt_json *j = &r->json;
  pt_live_status ls;
  if (r->st->live)
    pt_live_get_status(r->st->live, &ls);
  pt__resp_begin(r);
  pt_json_key(j, "status");
  pt_json_str(j, "ok");
  pt_json_key(j, "server_uptime_seconds_count");
  pt_json_uint(j, (pt_clock_ns() - r->st->start_ns) / 1000000000u);
  pt_json_key(j, "file_watcher_active");
  pt_json_bool(j, r->st->live && ls.watch_running);
  pt_json_key(j, "server_port");
  pt_json_uint(j, r->st->port);
  pt_json_key(j, "store_writes_stopped");
  pt_json_bool(j, r->st->live && ls.saves_stopped);
  /* what `service status` shows of a running server */
  pt_json_key(j, "code_entities_total_count");
  pt_json_uint(j, pt_graph_n_entities(r->st->g));
  pt_json_key(j, "last_backup_epoch_seconds");
  if (r->st->live && ls.last_save)
    pt_json_int(j, (int64_t)ls.last_save);
  else
    pt_json_null(j);
  pt__resp_end(r);
  return 0;
}

/* Per language (of the referring entity): edges, resolved ones, their
 * share, and the count of each resolution rule (docs/extraction.md,
 * Resolution). */
static void resolution_rates(pt_json *j, const pt_graph *g)
{
  size_t n[PT_LANG__COUNT][PT_RES__COUNT];
  pt_graph_count_resolutions(g, n);
  pt_json_key(j, "resolution_by_language");
  pt_json_obj(j);
  for (int l = 0; l < PT_LANG__COUNT; l++) {
    size_t total = 0, resolved = 0;
    for (int k = 0; k < PT_RES__COUNT; k++) {
      total += n[l][k];
      resolved += k < PT_RES_AMBIGUOUS ? n[l][k] : 0;
    }
    if (!total)
      continue;
    pt_json_key(j, pt_lang_name((pt_lang)l));
    pt_json_obj(j);
    pt_json_key(j, "edges_count");
    pt_json_uint(j, total);
    pt_json_key(j, "resolved_count");
    pt_json_uint(j, resolved);
    pt_json_key(j, "resolved_pct");
    pt_json_double(j, 100.0 * (double)resolved / (double)total);
    pt_json_key(j, "by_resolution");
    pt_json_obj(j);
    for (int k = 0; k < PT_RES__COUNT; k++)
      if (n[l][k]) {
        pt_json_key(j, pt_resolution_name((pt_resolution)k));
        pt_json_uint(j, n[l][k]);
      }
    pt_json_obj_end(j);
    pt_json_obj_end(j);
  }
  pt_json_obj_end(j);
}

int pt__h_stats(pt_req *r)
{
  const pt_graph *g = r->st->g;
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "code_entities_total_count");
  pt_json_uint(j, pt_graph_n_entities(g));
  pt_json_key(j, "test_entities_total_count");
  pt_json_uint(j, pt_graph_n_tests(g));
  pt_json_key(j, "dependency_edges_total_count");
  pt_json_uint(j, pt_graph_n_edges(g));
  pt_json_key(j, "languages_detected_list");
  pt_json_arr(j);
  for (size_t i = 0; i < r->st->n_languages; i++)
    pt_json_str(j, r->st->languages[i]);
  pt_json_arr_end(j);
  pt_json_key(j, "database_file_path");
  pt_json_str(j, r->st->db_spec);
  pt_json_key(j, "resolved_edges_count");
  pt_json_uint(j, r->st->n_resolved);
  resolution_rates(j, g);
  pt_json_key(j, "files_indexed_count");
  pt_json_uint(j, pt_graph_n_files(g));
  pt__resp_end(r);
  return 0;
}

static void route_doc(pt_json *j, const pt_route *rt)
{
  pt_json_obj(j);
  pt_json_key(j, "path");
  pt_json_str(j, rt->path);
  pt_json_key(j, "method");
  pt_json_str(j, rt->method);
  pt_json_key(j, "description");
  pt_json_str(j, rt->description);
  pt_json_key(j, "parameters");
  pt_json_arr(j);
  for (const pt_param_doc *p = rt->params; p->name; p++) {
    pt_json_obj(j);
    pt_json_key(j, "name");
    pt_json_str(j, p->name);
    pt_json_key(j, "param_type");
    pt_json_str(j, "query");
    pt_json_key(j, "required");
    pt_json_bool(j, p->required);
    pt_json_key(j, "description");
    pt_json_str(j, p->description);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt_json_obj_end(j);
}

int pt__h_api_help(pt_req *r)
{
  pt_json *j = &r->json;
  size_t n = sizeof routes / sizeof *routes;
  pt__resp_begin(r);
  pt_json_key(j, "api_version");
  pt_json_str(j, PT_VERSION);
  pt_json_key(j, "total_endpoints");
  pt_json_uint(j, n);
  pt_json_key(j, "categories");
  pt_json_arr(j);
  /* categories in order of first appearance in the table */
  for (size_t i = 0; i < n; i++) {
    int first = 1;
    for (size_t k = 0; k < i; k++)
      first &= strcmp(routes[k].category, routes[i].category) != 0;
    if (!first)
      continue;
    pt_json_obj(j);
    pt_json_key(j, "name");
    pt_json_str(j, routes[i].category);
    pt_json_key(j, "endpoints");
    pt_json_arr(j);
    for (size_t k = i; k < n; k++)
      if (!strcmp(routes[k].category, routes[i].category))
        route_doc(j, &routes[k]);
    pt_json_arr_end(j);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt__resp_end(r);
  return 0;
}

