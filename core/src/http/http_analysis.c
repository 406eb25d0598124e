/* Analysis endpoints over the query graph (docs/contract/http-api.md
 * 5.11, 5.13, 5.17, 5.19, 5.20, 5.23): each runs on the cached graph, or
 * on a graph built for the request's scope. Tie-breaks are those of
 * pt/analysis.h. */
#include <ctype.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/analysis.h"
#include "pt/error.h"

int pt__http_graph(pt_req *r, const pt_qgraph **out, pt_qgraph **owned)
{
  pt_scope sc;
  char buf[512];
  *owned = NULL;
  int scoped = pt__req_scope(r, &sc, buf);
  if (scoped < 0)
    return PT_EINVAL;
  if (!scoped) {
    *out = r->st->q;
    return 0;
  }
  int rc = pt_qgraph_build(r->st->g, &sc, owned);
  *out = *owned;
  return rc;
}

int pt__h_cycles(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_cycles *c = NULL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_cycles_scan(q, &c);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t path_total = 0;
    pt__resp_begin(r);
    pt_json_key(j, "has_cycles");
    pt_json_bool(j, c->n_cycles > 0);
    pt_json_key(j, "cycle_count");
    pt_json_uint(j, c->n_cycles);
    pt_json_key(j, "cycles");
    pt_json_arr(j);
    for (size_t i = 0; i < c->n_cycles; i++) {
      uint32_t a = c->off[i], b = c->off[i + 1];
      path_total += b - a;
      pt_json_obj(j);
      pt_json_key(j, "length");
      pt_json_uint(j, b - a - 1);
      pt_json_key(j, "path");
      pt_json_arr(j);
      for (uint32_t k = a; k < b; k++)
        pt_json_str(j, q->key[c->path[k]]);
      pt_json_arr_end(j);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 60 + 20 * c->n_cycles + 15 * path_total);
  }
  pt_cycles_free(c);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_scc(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_sccs *s = NULL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_scc(q, &s);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t members = 0;
    pt__resp_begin(r);
    pt_json_key(j, "scc_count");
    pt_json_uint(j, s->n_sccs);
    pt_json_key(j, "sccs");
    pt_json_arr(j);
    for (size_t i = 0; i < s->n_sccs; i++) {
      uint32_t a = s->off[i], b = s->off[i + 1];
      members += b - a;
      pt_json_obj(j);
      pt_json_key(j, "id");
      pt_json_uint(j, i);
      pt_json_key(j, "size");
      pt_json_uint(j, b - a);
      pt_json_key(j, "members");
      pt_json_arr(j);
      for (uint32_t k = a; k < b; k++)
        pt_json_str(j, q->key[s->members[k]]);
      pt_json_arr_end(j);
      pt_json_key(j, "risk_level");
      pt_json_str(j, pt_scc_risk(b - a));
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 50 + 30 * s->n_sccs + 15 * members);
  }
  pt_sccs_free(s);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_kcore(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_scores *s = NULL;
  uint64_t k_min;
  int has_k = pt__req_arg(r, "k") != NULL;
  if (pt__req_uint(r, "k", 0, UINT32_MAX, &k_min))
    return PT_EINVAL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_kcore(q, &s);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t max = 0, n = 0;
    for (size_t i = 0; i < s->n_order; i++)
      if (s->score[s->order[i]] > (double)max)
        max = (uint64_t)s->score[s->order[i]];
    pt__resp_begin(r);
    pt_json_key(j, "max_coreness");
    pt_json_uint(j, max);
    pt_json_key(j, "entities");
    pt_json_arr(j);
    for (size_t i = 0; i < s->n_order; i++) {
      uint32_t v = s->order[i], core = (uint32_t)s->score[v];
      if (has_k && core < k_min)
        continue;
      n++;
      pt_json_obj(j);
      pt_json_key(j, "entity");
      pt_json_str(j, q->key[v]);
      pt_json_key(j, "coreness");
      pt_json_uint(j, core);
      pt_json_key(j, "layer");
      pt_json_str(j, pt_kcore_layer(core));
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 50 + 25 * n);
  }
  pt_scores_free(s);
  pt_qgraph_free(owned);
  return rc;
}

static int pagerank_fn(const pt_qgraph *q, void **out)
{
  return pt_pagerank(q, 0.85, 100, 1e-6, (pt_scores **)out);
}

/* Exact Brandes costs V*(V+E): beyond ~2e8 steps (a second here) sample
 * sources, and say so in the answer. */
static int betweenness_fn(const pt_qgraph *q, void **out)
{
  uint64_t work = (uint64_t)(q->n_nodes + q->n_edges);
  size_t max_sources = work ? (size_t)(200000000u / work) : 1;
  if (max_sources < 64)
    max_sources = 64;
  return pt_betweenness_sampled(q, max_sources, (pt_scores **)out, NULL);
}

static int leiden_fn(const pt_qgraph *q, void **out)
{
  return pt_leiden(q, (pt_groups **)out);
}

int pt__h_centrality(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_scores *s = NULL;
  uint64_t top;
  char method[32] = "pagerank";
  const char *m = pt__req_arg(r, "method");
  if (m) {
    size_t i = 0;
    for (; m[i] && i + 1 < sizeof method; i++)
      method[i] = (char)tolower((unsigned char)m[i]);
    method[i] = '\0';
  }
  if (pt__req_uint(r, "top", UINT32_MAX, UINT32_MAX, &top))
    return PT_EINVAL;
  int between = strcmp(method, "betweenness") == 0;
  int (*fn)(const pt_qgraph *, void **) = between ? betweenness_fn : pagerank_fn;
  pt_memo *memo = r->st->memo;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0 && owned)
    rc = fn(q, (void **)&s);
  else if (rc == 0)
    rc = pt__memo_get(r->st, between ? (void **)&memo->betweenness
                                     : (void **)&memo->pagerank, fn, (void **)&s);
  size_t sources = s ? s->n_sources : 0;
  if (rc == 0) {
    pt_json *j = &r->json;
    size_t n = s->n_order < top ? s->n_order : (size_t)top;
    pt__resp_begin(r);
    pt_json_key(j, "method");
    pt_json_str(j, method);
    if (between) {
      size_t n_nodes = 0;
      for (uint32_t v = 0; v < q->n_nodes; v++)
        n_nodes += pt_analysis_is_node(q, v);
      pt_json_key(j, "approximate");
      pt_json_bool(j, sources < n_nodes);
      pt_json_key(j, "sampled_sources");
      pt_json_uint(j, sources);
    }
    pt_json_key(j, "entities");
    pt_json_arr(j);
    for (size_t i = 0; i < n; i++) {
      pt_json_obj(j);
      pt_json_key(j, "entity");
      pt_json_str(j, q->key[s->order[i]]);
      pt_json_key(j, "score");
      pt_json_double(j, s->score[s->order[i]]);
      pt_json_key(j, "rank");
      pt_json_uint(j, i + 1);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 50 + 30 * n);
  }
  if (owned)
    pt_scores_free(s);
  pt_qgraph_free(owned);
  return rc;
}

/* Members of group i as a JSON array of keys; returns the group size. */
static uint32_t group_members(pt_json *j, const pt_qgraph *q, const pt_groups *gr,
                              size_t i)
{
  pt_json_arr(j);
  for (uint32_t k = gr->off[i]; k < gr->off[i + 1]; k++)
    pt_json_str(j, q->key[gr->members[k]]);
  pt_json_arr_end(j);
  return gr->off[i + 1] - gr->off[i];
}

int pt__h_clusters(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_groups *gr = NULL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_label_clusters(q, &gr);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t key_bytes = 0;
    pt__resp_begin(r);
    pt_json_key(j, "total_entities");
    pt_json_uint(j, gr->n_nodes);
    pt_json_key(j, "cluster_count");
    pt_json_uint(j, gr->n_groups);
    pt_json_key(j, "clusters");
    pt_json_arr(j);
    for (size_t i = 0; i < gr->n_groups; i++) {
      for (uint32_t k = gr->off[i]; k < gr->off[i + 1]; k++)
        key_bytes += strlen(q->key[gr->members[k]]);
      pt_json_obj(j);
      pt_json_key(j, "cluster_id");
      pt_json_uint(j, i + 1);
      pt_json_key(j, "entity_count");
      pt_json_uint(j, gr->off[i + 1] - gr->off[i]);
      pt_json_key(j, "entities");
      group_members(j, q, gr, i);
      pt_json_key(j, "internal_edges");
      pt_json_uint(j, gr->internal[i]);
      pt_json_key(j, "external_edges");
      pt_json_uint(j, gr->external[i]);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 80 + 30 * gr->n_groups + key_bytes / 4);
  }
  pt_groups_free(gr);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_leiden(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned;
  pt_groups *gr = NULL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0 && owned)
    rc = pt_leiden(q, &gr);
  else if (rc == 0)
    rc = pt__memo_get(r->st, (void **)&r->st->memo->leiden, leiden_fn, (void **)&gr);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t members = 0;
    pt__resp_begin(r);
    pt_json_key(j, "community_count");
    pt_json_uint(j, gr->n_groups);
    pt_json_key(j, "modularity");
    pt_json_double(j, gr->modularity);
    pt_json_key(j, "communities");
    pt_json_arr(j);
    for (size_t i = 0; i < gr->n_groups; i++) {
      pt_json_obj(j);
      pt_json_key(j, "id");
      pt_json_uint(j, gr->id ? gr->id[i] : i);
      pt_json_key(j, "size");
      pt_json_uint(j, gr->off[i + 1] - gr->off[i]);
      pt_json_key(j, "members");
      members += group_members(j, q, gr, i);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r, 60 + 25 * gr->n_groups + 15 * members);
  }
  if (owned)
    pt_groups_free(gr);
  pt_qgraph_free(owned);
  return rc;
}
