/* Analysis endpoints over the query graph (docs/contract/http-api.md
 * 5.11, 5.13, 5.17, 5.19, 5.20, 5.23): each runs on the cached graph, or
 * on a graph built for the request's scope. Tie-breaks are those of
 * pt/analysis.h. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/alloc.h"
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

/* A group (SCC, cluster, community) as shown: its index in the
 * analysis's order and its size without the placeholders left out. */
typedef struct group_view {
  uint32_t group;
  uint32_t size;
} group_view;

static int cmp_view(const void *a, const void *b)
{
  const group_view *x = a, *y = b;
  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  return (x->group > y->group) - (x->group < y->group);
}

/* The groups of at least min_size members once placeholders are left out
 * (unless with_ph), by that size descending, then the analysis's order. */
static int group_views(const pt_qgraph *q, const uint32_t *off, const uint32_t *members,
                       size_t n_groups, int with_ph, size_t min_size,
                       group_view **out, size_t *n_out)
{
  group_view *gv = pt_malloc((n_groups + 1) * sizeof *gv);
  if (!gv)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = 0;
  for (size_t g = 0; g < n_groups; g++) {
    uint32_t size = 0;
    for (uint32_t k = off[g]; k < off[g + 1]; k++)
      size += with_ph || !pt__node_is_placeholder(q, members[k]);
    if (size >= min_size && size > 0)
      gv[n++] = (group_view){(uint32_t)g, size};
  }
  if (!with_ph && n > 1)
    qsort(gv, n, sizeof *gv, cmp_view);
  *out = gv;
  *n_out = n;
  return 0;
}

/* "members": the first `max` members as entity references, then
 * "members_truncated". */
static void group_members(pt_req *r, const pt_qgraph *q, const uint32_t *off,
                          const uint32_t *members, uint32_t g, int with_ph,
                          uint64_t max)
{
  pt_json *j = &r->json;
  uint64_t n = 0;
  int cut = 0;
  pt_json_key(j, "members");
  pt_json_arr(j);
  for (uint32_t k = off[g]; k < off[g + 1]; k++) {
    if (!with_ph && pt__node_is_placeholder(q, members[k]))
      continue;
    if (n++ < max)
      pt__json_ref(j, r->st, q, members[k]);
    else
      cut = 1;
  }
  pt_json_arr_end(j);
  pt_json_key(j, "members_truncated");
  pt_json_bool(j, cut);
}

/* The parameters every group list takes: the page of groups, members per
 * group, and whether placeholders stay in. */
typedef struct group_args {
  pt_page pg;
  uint64_t member_limit;
  int with_ph;
} group_args;

static int req_group_args(pt_req *r, uint64_t def_limit, group_args *a)
{
  if (pt__req_page(r, NULL, def_limit, &a->pg) ||
      pt__req_uint(r, "member_limit", 20, PT_PAGE_MAX, &a->member_limit) ||
      pt__req_bool(r, "include_unresolved", &a->with_ph))
    return PT_EINVAL;
  return 0;
}

int pt__h_cycles(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_cycles *c = NULL;
  pt_page pg;
  int rc = pt__req_page(r, NULL, 20, &pg);
  if (rc == 0)
    rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_cycles_scan(q, &c);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "has_cycles");
    pt_json_bool(j, c->n_cycles > 0);
    pt_json_key(j, "cycle_count");
    pt_json_uint(j, c->n_cycles);
    pt__page_counts(r, &pg, c->n_cycles);
    pt_json_key(j, "cycles");
    pt_json_arr(j);
    for (size_t i = pg.offset; i < pg.offset + pt__page_len(&pg, c->n_cycles); i++) {
      uint32_t a = c->off[i], b = c->off[i + 1];
      pt_json_obj(j);
      pt_json_key(j, "length");
      pt_json_uint(j, b - a - 1);
      pt_json_key(j, "path");
      pt_json_arr(j);
      for (uint32_t k = a; k < b; k++)
        pt__json_ref(j, r->st, q, c->path[k]);
      pt_json_arr_end(j);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_cycles_free(c);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_scc(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_sccs *s = NULL;
  group_args ga;
  uint64_t min_size;
  group_view *gv = NULL;
  size_t n = 0;
  int rc = req_group_args(r, 20, &ga);
  if (rc == 0)
    rc = pt__req_uint(r, "min_size", 2, UINT32_MAX, &min_size);
  if (rc == 0)
    rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_scc(q, &s);
  if (rc == 0)
    rc = group_views(q, s->off, s->members, s->n_sccs, ga.with_ph, min_size, &gv, &n);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "scc_count");
    pt_json_uint(j, s->n_sccs);
    pt_json_key(j, "min_size");
    pt_json_uint(j, min_size);
    pt__page_counts(r, &ga.pg, n);
    pt_json_key(j, "sccs");
    pt_json_arr(j);
    for (size_t i = ga.pg.offset; i < ga.pg.offset + pt__page_len(&ga.pg, n); i++) {
      pt_json_obj(j);
      pt_json_key(j, "id");
      pt_json_uint(j, gv[i].group);
      pt_json_key(j, "size");
      pt_json_uint(j, gv[i].size);
      group_members(r, q, s->off, s->members, gv[i].group, ga.with_ph,
                    ga.member_limit);
      pt_json_key(j, "risk_level");
      pt_json_str(j, pt_scc_risk(gv[i].size));
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_free(gv);
  pt_sccs_free(s);
  pt_qgraph_free(owned);
  return rc;
}

/* A ranked item's entity: "entity" (the key, as before) and the
 * reference's other fields beside it. */
static void ranked_entity(pt_req *r, const pt_qgraph *q, const char *key_name,
                          uint32_t v)
{
  pt_json_key(&r->json, key_name);
  pt_json_str(&r->json, q->key[v]);
  pt__json_ref_fields(&r->json, r->st, q, v);
}

int pt__h_kcore(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_scores *s = NULL;
  uint64_t k_min;
  pt_page pg;
  int with_ph;
  if (pt__req_uint(r, "k", 0, UINT32_MAX, &k_min) || pt__req_page(r, NULL, 100, &pg) ||
      pt__req_bool(r, "include_unresolved", &with_ph))
    return PT_EINVAL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_kcore(q, &s);
  if (rc == 0) {
    pt_json *j = &r->json;
    uint64_t max = 0;
    size_t n = 0;
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
      if (core < k_min || (!with_ph && pt__node_is_placeholder(q, v)) ||
          !pt__page_has(&pg, n++))
        continue;
      pt_json_obj(j);
      ranked_entity(r, q, "entity", v);
      pt_json_key(j, "coreness");
      pt_json_uint(j, core);
      pt_json_key(j, "layer");
      pt_json_str(j, pt_kcore_layer(core));
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__page_counts(r, &pg, n);
    pt__resp_end(r);
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
  static const char *const methods[] = {"pagerank", "betweenness"};
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_scores *s = NULL;
  pt_page pg;
  int method, with_ph;
  if (pt__req_choice(r, "method", methods, 2, 0, &method) ||
      pt__req_page(r, "top", 20, &pg) || pt__req_bool(r, "include_unresolved", &with_ph))
    return PT_EINVAL;
  int between = method == 1;
  int (*fn)(const pt_qgraph *, void **) = between ? betweenness_fn : pagerank_fn;
  pt_memo *memo = r->st->memo;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0 && owned)
    rc = fn(q, (void **)&s);
  else if (rc == 0)
    rc = pt__memo_get(r->st, between ? (void **)&memo->betweenness
                                     : (void **)&memo->pagerank, fn, (void **)&s);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "method");
    pt_json_str(j, methods[method]);
    if (between) {
      size_t n_nodes = 0;
      for (uint32_t v = 0; v < q->n_nodes; v++)
        n_nodes += pt_analysis_is_node(q, v);
      pt_json_key(j, "approximate");
      pt_json_bool(j, s->n_sources < n_nodes);
      pt_json_key(j, "sampled_sources");
      pt_json_uint(j, s->n_sources);
    }
    pt_json_key(j, "entities");
    pt_json_arr(j);
    size_t n = 0;
    for (size_t i = 0; i < s->n_order; i++) {
      uint32_t v = s->order[i];
      if (!with_ph && pt__node_is_placeholder(q, v))
        continue;
      if (!pt__page_has(&pg, n++))
        continue;
      pt_json_obj(j);
      ranked_entity(r, q, "entity", v);
      pt_json_key(j, "score");
      pt_json_double(j, s->score[v]);
      pt_json_key(j, "rank");
      pt_json_uint(j, n);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__page_counts(r, &pg, n);
    pt__resp_end(r);
  }
  if (owned)
    pt_scores_free(s);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_clusters(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_groups *gr = NULL;
  group_args ga;
  group_view *gv = NULL;
  size_t n = 0;
  int rc = req_group_args(r, 20, &ga);
  if (rc == 0)
    rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_label_clusters(q, &gr);
  if (rc == 0)
    rc = group_views(q, gr->off, gr->members, gr->n_groups, ga.with_ph, 1, &gv, &n);
  if (rc == 0) {
    pt_json *j = &r->json;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
      shown += gv[i].size;
    pt__resp_begin(r);
    pt_json_key(j, "total_entities");
    pt_json_uint(j, shown);
    pt_json_key(j, "cluster_count");
    pt_json_uint(j, n);
    pt__page_counts(r, &ga.pg, n);
    pt_json_key(j, "clusters");
    pt_json_arr(j);
    for (size_t i = ga.pg.offset; i < ga.pg.offset + pt__page_len(&ga.pg, n); i++) {
      uint32_t g = gv[i].group;
      pt_json_obj(j);
      pt_json_key(j, "cluster_id");
      pt_json_uint(j, i + 1);
      pt_json_key(j, "entity_count");
      pt_json_uint(j, gv[i].size);
      group_members(r, q, gr->off, gr->members, g, ga.with_ph, ga.member_limit);
      pt_json_key(j, "internal_edges");
      pt_json_uint(j, gr->internal[g]);
      pt_json_key(j, "external_edges");
      pt_json_uint(j, gr->external[g]);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_free(gv);
  pt_groups_free(gr);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_leiden(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_groups *gr = NULL;
  group_args ga;
  group_view *gv = NULL;
  size_t n = 0;
  if (req_group_args(r, 20, &ga))
    return PT_EINVAL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0 && owned)
    rc = pt_leiden(q, &gr);
  else if (rc == 0)
    rc = pt__memo_get(r->st, (void **)&r->st->memo->leiden, leiden_fn, (void **)&gr);
  if (rc == 0)
    rc = group_views(q, gr->off, gr->members, gr->n_groups, ga.with_ph, 1, &gv, &n);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "community_count");
    pt_json_uint(j, n);
    pt_json_key(j, "modularity");
    pt_json_double(j, gr->modularity);
    pt__page_counts(r, &ga.pg, n);
    pt_json_key(j, "communities");
    pt_json_arr(j);
    for (size_t i = ga.pg.offset; i < ga.pg.offset + pt__page_len(&ga.pg, n); i++) {
      uint32_t g = gv[i].group;
      pt_json_obj(j);
      pt_json_key(j, "id");
      pt_json_uint(j, gr->id ? gr->id[g] : g);
      pt_json_key(j, "size");
      pt_json_uint(j, gv[i].size);
      group_members(r, q, gr->off, gr->members, g, ga.with_ph, ga.member_limit);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_free(gv);
  if (owned)
    pt_groups_free(gr);
  pt_qgraph_free(owned);
  return rc;
}
