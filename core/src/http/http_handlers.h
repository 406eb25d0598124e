/* The route handlers (private to core), by file. */
#ifndef PT_HTTP_HANDLERS_H
#define PT_HTTP_HANDLERS_H

#include "http.h"

/* http_routes.c */
int pt__h_health(pt_req *r);
int pt__h_stats(pt_req *r);
int pt__h_api_help(pt_req *r);
/* http_live.c */
int pt__h_watcher(pt_req *r);
int pt__h_reindex(pt_req *r);
int pt__h_wait_fresh(pt_req *r);
/* http_entities.c */
int pt__h_list(pt_req *r);
int pt__h_detail(pt_req *r);
int pt__h_search(pt_req *r);
int pt__h_folders(pt_req *r);
/* http_coverage.c */
int pt__h_coverage(pt_req *r);
/* http_diagnostics.c */
int pt__h_diagnostics(pt_req *r);
/* http_analysis.c */
int pt__h_cycles(pt_req *r);
int pt__h_scc(pt_req *r);
int pt__h_kcore(pt_req *r);
int pt__h_centrality(pt_req *r);
int pt__h_clusters(pt_req *r);
int pt__h_leiden(pt_req *r);
/* http_metrics.c */
int pt__h_hotspots(pt_req *r);
int pt__h_context(pt_req *r);
int pt__h_sqale(pt_req *r);
int pt__h_entropy(pt_req *r);
int pt__h_ck(pt_req *r);
/* http_edges.c */
int pt__h_callers(pt_req *r);
int pt__h_callees(pt_req *r);
int pt__h_edges(pt_req *r);
int pt__h_blast(pt_req *r);
/* http_tests.c */
int pt__h_tests_covering(pt_req *r);
int pt__h_diff_impact(pt_req *r);
/* POST /mcp: the Model Context Protocol (http_mcp.c). */
int pt__h_mcp(pt_req *r);

#endif
