/* Per-node metric endpoints (docs/contract/http-api.md 5.12, 5.14, 5.18,
 * 5.21, 5.22): hotspots, smart context, SQALE debt, entropy and CK
 * metrics. Each ranks nodes by its measure, descending, ties by key
 * ascending. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"

/* Nodes sorted by a measure, descending, ties by node id (= key). */
typedef struct ranked {
  uint32_t node;
  double value;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
  const ranked *x = a, *y = b;
  if (x->value != y->value)
    return x->value > y->value ? -1 : 1;
  return (x->node > y->node) - (x->node < y->node);
}

/* The analysis nodes passing the `entity` substring filter (placeholders
 * only when with_ph), with `value` of each, sorted. */
static int rank_nodes(const pt_qgraph *q, const char *filter, int with_ph,
                      double (*value)(const void *ctx, uint32_t v), const void *ctx,
                      ranked **out, size_t *n_out)
{
  ranked *rk = pt_malloc((q->n_nodes + 1) * sizeof *rk);
  if (!rk)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v) && (!filter || strstr(q->key[v], filter)) &&
        (with_ph || !pt__node_is_placeholder(q, v))) {
      rk[n].node = v;
      rk[n++].value = value(ctx, v);
    }
  if (n > 1)
    qsort(rk, n, sizeof *rk, cmp_ranked);
  *out = rk;
  *n_out = n;
  return 0;
}

static double cbo_of(const void *ctx, uint32_t v)
{
  return ((const pt_metrics *)ctx)->ck[v].cbo;
}

static double entropy_of(const void *ctx, uint32_t v)
{
  return ((const pt_metrics *)ctx)->entropy[v];
}

static double debt_of(const void *ctx, uint32_t v)
{
  double hours = 0;
  pt_sqale_violations(&((const pt_metrics *)ctx)->ck[v], &hours);
  return hours;
}

/* Runs fn over the metrics of the request's graph, ranked by `value`. */
typedef void (*metric_writer)(pt_req *r, const pt_qgraph *q, const pt_metrics *m,
                              const ranked *rk, size_t n, double min,
                              const pt_page *pg);

static int metrics_fn(const pt_qgraph *q, void **out)
{
  return pt_metrics_compute(q, (pt_metrics **)out);
}

static int with_metrics(pt_req *r, double (*value)(const void *, uint32_t),
                        metric_writer write, double min)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_metrics *m = NULL;
  ranked *rk = NULL;
  size_t n = 0;
  pt_page pg;
  int with_ph;
  if (pt__req_page(r, NULL, 100, &pg) || pt__req_bool(r, "include_unresolved", &with_ph))
    return PT_EINVAL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0 && owned)
    rc = pt_metrics_compute(q, &m);
  else if (rc == 0)
    rc = pt__memo_get(r->st, (void **)&r->st->memo->metrics, metrics_fn, (void **)&m);
  if (rc == 0)
    rc = rank_nodes(q, pt__req_arg(r, "entity"), with_ph, value, m, &rk, &n);
  if (rc == 0)
    write(r, q, m, rk, n, min, &pg);
  pt_free(rk);
  if (owned)
    pt_metrics_free(m);
  pt_qgraph_free(owned);
  return rc;
}

/* "entity" (the key, as before) and the reference's other fields. */
static void ranked_entity(pt_req *r, const pt_qgraph *q, uint32_t v)
{
  pt_json_key(&r->json, "entity");
  pt_json_str(&r->json, q->key[v]);
  pt__json_ref_fields(&r->json, r->st, q, v);
}

static void write_ck(pt_req *r, const pt_qgraph *q, const pt_metrics *m,
                     const ranked *rk, size_t n, double min, const pt_page *pg)
{
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "entities");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, n); i++) {
    const pt_ck *ck = &m->ck[rk[i].node];
    char grade[2] = {pt_ck_grade(ck), '\0'};
    pt_json_obj(j);
    ranked_entity(r, q, rk[i].node);
    pt_json_key(j, "cbo");
    pt_json_uint(j, ck->cbo);
    pt_json_key(j, "lcom");
    pt_json_double(j, ck->lcom);
    pt_json_key(j, "rfc");
    pt_json_uint(j, ck->rfc);
    pt_json_key(j, "wmc");
    pt_json_uint(j, ck->wmc);
    pt_json_key(j, "health_grade");
    pt_json_str(j, grade);
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt__page_counts(r, pg, n);
  pt__resp_end(r);
}

static void write_entropy(pt_req *r, const pt_qgraph *q, const pt_metrics *m,
                          const ranked *rk, size_t n, double min, const pt_page *pg)
{
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "entities");
  pt_json_arr(j);
  for (size_t i = pg->offset; i < pg->offset + pt__page_len(pg, n); i++) {
    double h = m->entropy[rk[i].node];
    pt_json_obj(j);
    ranked_entity(r, q, rk[i].node);
    pt_json_key(j, "entropy");
    pt_json_double(j, h);
    pt_json_key(j, "complexity");
    pt_json_str(j, pt_entropy_level(h));
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt__page_counts(r, pg, n);
  pt__resp_end(r);
}

static void violation(pt_json *j, const char *type, const char *metric,
                      double value, double threshold, double hours)
{
  pt_json_obj(j);
  pt_json_key(j, "violation_type");
  pt_json_str(j, type);
  pt_json_key(j, "metric");
  pt_json_str(j, metric);
  pt_json_key(j, "value");
  pt_json_double(j, value);
  pt_json_key(j, "threshold");
  pt_json_double(j, threshold);
  pt_json_key(j, "remediation_hours");
  pt_json_double(j, hours);
  pt_json_obj_end(j);
}

static void write_sqale(pt_req *r, const pt_qgraph *q, const pt_metrics *m,
                        const ranked *rk, size_t n, double min, const pt_page *pg)
{
  pt_json *j = &r->json;
  double total = 0;
  size_t shown = 0;
  pt__resp_begin(r);
  pt_json_key(j, "entities");
  pt_json_arr(j);
  for (size_t i = 0; i < n; i++) {
    const pt_ck *ck = &m->ck[rk[i].node];
    double hours = 0;
    unsigned bits = pt_sqale_violations(ck, &hours);
    if (hours < min)
      continue;
    total += hours;
    if (!pt__page_has(pg, shown++))
      continue;
    pt_json_obj(j);
    ranked_entity(r, q, rk[i].node);
    pt_json_key(j, "total_debt_hours");
    pt_json_double(j, hours);
    pt_json_key(j, "violations");
    pt_json_arr(j);
    if (bits & PT_SQALE_HIGH_COUPLING)
      violation(j, "HIGH_COUPLING", "CBO", ck->cbo, 10.0, 4.0);
    if (bits & PT_SQALE_LOW_COHESION)
      violation(j, "LOW_COHESION", "LCOM", ck->lcom, 0.8, 8.0);
    if (bits & PT_SQALE_HIGH_COMPLEXITY)
      violation(j, "HIGH_COMPLEXITY", "WMC", ck->wmc, 15.0, 2.0);
    pt_json_arr_end(j);
    pt_json_key(j, "severity");
    pt_json_str(j, pt_sqale_severity(hours));
    pt_json_obj_end(j);
  }
  pt_json_arr_end(j);
  pt_json_key(j, "codebase_total_debt_hours");
  pt_json_double(j, total);
  pt__page_counts(r, pg, shown);
  pt__resp_end(r);
}

int pt__h_ck(pt_req *r) { return with_metrics(r, cbo_of, write_ck, 0); }
int pt__h_entropy(pt_req *r) { return with_metrics(r, entropy_of, write_entropy, 0); }

int pt__h_sqale(pt_req *r)
{
  const char *v = pt__req_arg(r, "min_debt");
  double min = -1.0;
  if (v) {
    char *end = NULL;
    min = strtod(v, &end);
    if (!*v || *end)
      return pt__resp_error(r, 400, "'min_debt' must be a number, got '%s'", v);
  }
  return with_metrics(r, debt_of, write_sqale, min);
}

int pt__h_hotspots(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_hotspots *h = NULL;
  pt_page pg;
  int with_ph;
  if (pt__req_page(r, "top", 10, &pg) || pt__req_bool(r, "include_unresolved", &with_ph))
    return PT_EINVAL;
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_hotspots_rank(q, &h);
  if (rc == 0) {
    pt_json *j = &r->json;
    size_t total = 0;
    for (size_t i = 0; i < h->n_order; i++)
      total += with_ph || !pt__node_is_placeholder(q, h->order[i]);
    pt__resp_begin(r);
    pt_json_key(j, "total_entities_analyzed");
    pt_json_uint(j, pt__page_len(&pg, total));
    pt_json_key(j, "top_requested");
    pt_json_uint(j, pg.limit);
    pt__page_counts(r, &pg, total);
    pt_json_key(j, "hotspots");
    pt_json_arr(j);
    size_t n = 0;
    for (size_t i = 0; i < h->n_order; i++) {
      uint32_t v = h->order[i];
      if ((!with_ph && pt__node_is_placeholder(q, v)) || !pt__page_has(&pg, n++))
        continue;
      pt_json_obj(j);
      pt_json_key(j, "rank");
      pt_json_uint(j, n);
      pt_json_key(j, "entity_key");
      pt_json_str(j, q->key[v]);
      pt__json_ref_fields(j, r->st, q, v);
      pt_json_key(j, "inbound_count");
      pt_json_uint(j, h->inbound[v]);
      pt_json_key(j, "outbound_count");
      pt_json_uint(j, h->outbound[v]);
      pt_json_key(j, "total_coupling");
      pt_json_uint(j, (uint64_t)h->inbound[v] + h->outbound[v]);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_hotspots_free(h);
  pt_qgraph_free(owned);
  return rc;
}

int pt__h_context(pt_req *r)
{
  const pt_qgraph *q;
  pt_qgraph *owned = NULL;
  pt_context *c = NULL;
  uint64_t budget;
  const char *focus;
  if (pt__req_required(r, "focus", &focus) ||
      pt__req_uint(r, "tokens", 4000, 1000000, &budget))
    return PT_EINVAL;
  int64_t v = pt__req_node(r, focus);
  if (v < 0)
    return PT_EINVAL;
  const char *key = r->st->q->key[v];
  int rc = pt__http_graph(r, &q, &owned);
  if (rc == 0)
    rc = pt_smart_context(q, key, budget, &c);
  if (rc == 0) {
    pt_json *j = &r->json;
    pt__resp_begin(r);
    pt_json_key(j, "focus_entity");
    pt_json_str(j, key);
    pt_json_key(j, "token_budget");
    pt_json_uint(j, budget);
    pt_json_key(j, "tokens_used");
    pt_json_uint(j, c->tokens_used);
    pt_json_key(j, "entities_included");
    pt_json_uint(j, c->n_items);
    pt_json_key(j, "context");
    pt_json_arr(j);
    for (size_t i = 0; i < c->n_items; i++) {
      const pt_context_item *it = &c->items[i];
      char type[32];
      if (it->kind == PT_CONTEXT_CALLER)
        pt_snprintf(type, sizeof type, "direct_caller");
      else if (it->kind == PT_CONTEXT_CALLEE)
        pt_snprintf(type, sizeof type, "direct_callee");
      else
        pt_snprintf(type, sizeof type, "transitive_depth_%u", it->depth);
      pt_json_obj(j);
      pt_json_key(j, "entity_key");
      pt_json_str(j, q->key[it->node]);
      pt__json_ref_fields(j, r->st, q, it->node);
      pt_json_key(j, "relevance_score");
      pt_json_double(j, it->score);
      pt_json_key(j, "relevance_type");
      pt_json_str(j, type);
      pt_json_key(j, "estimated_tokens");
      pt_json_uint(j, it->tokens);
      pt_json_obj_end(j);
    }
    pt_json_arr_end(j);
    pt__resp_end(r);
  }
  pt_context_free(c);
  pt_qgraph_free(owned);
  return rc;
}
