/* Label-propagation clusters of pt/analysis.h (docs/contract/http-api.md
 * 5.13) and the grouping of labelled nodes that Leiden shares: nodes
 * visited in node order, ties to the smallest label. */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

typedef struct group_ref {
  uint32_t size;
  uint32_t first;  /* smallest member */
  uint32_t label;
} group_ref;

static int cmp_group(const void *pa, const void *pb)
{
  const group_ref *a = pa, *b = pb;
  if (a->size != b->size)
    return a->size > b->size ? -1 : 1;
  return (a->first > b->first) - (a->first < b->first);
}

/* One ref per label in use; *slot maps a label to its ref. */
static size_t collect_groups(const pt_qgraph *q, const uint32_t *label,
                             uint32_t *slot, group_ref *ref)
{
  size_t n = 0;
  for (uint32_t v = 0; v < q->n_nodes; v++) {
    if (!pt_analysis_is_node(q, v))
      continue;
    uint32_t l = label[v];
    if (slot[l] == PT_NO_NODE) {
      slot[l] = (uint32_t)n;
      ref[n++] = (group_ref){0, v, l};
    }
    ref[slot[l]].size++;
  }
  return n;
}

static void fill_groups(const pt_qgraph *q, const uint32_t *label,
                        uint32_t *slot, const group_ref *ref, pt_groups *gr)
{
  gr->off[0] = 0;
  for (size_t i = 0; i < gr->n_groups; i++) {
    slot[ref[i].label] = (uint32_t)i;
    gr->off[i + 1] = gr->off[i] + ref[i].size;
  }
  uint32_t *pos = gr->off + gr->n_groups + 1; /* scratch after the offsets */
  memcpy(pos, gr->off, gr->n_groups * sizeof *pos);
  for (uint32_t v = 0; v < q->n_nodes; v++)
    if (pt_analysis_is_node(q, v))
      gr->members[pos[slot[label[v]]]++] = v;
}

int pt__groups_build(const pt_qgraph *q, const uint32_t *label,
                     size_t n_labels, pt_groups *gr, uint32_t **first)
{
  size_t n = q->n_nodes + 1;
  uint32_t *slot = pt_malloc((n_labels + 1) * sizeof *slot);
  group_ref *ref = pt_malloc(n * sizeof *ref);
  gr->off = pt_malloc(2 * n * sizeof *gr->off);
  gr->members = pt_malloc(n * sizeof *gr->members);
  uint32_t *labels = first ? pt_malloc(n * sizeof *labels) : NULL;
  int rc = slot && ref && gr->off && gr->members && (!first || labels)
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory grouping nodes");
  if (rc == 0) {
    for (size_t l = 0; l < n_labels; l++)
      slot[l] = PT_NO_NODE;
    gr->n_groups = collect_groups(q, label, slot, ref);
    qsort(ref, gr->n_groups, sizeof *ref, cmp_group);
    fill_groups(q, label, slot, ref, gr);
    gr->n_nodes = gr->off[gr->n_groups];
    for (size_t i = 0; first && i < gr->n_groups; i++)
      labels[i] = ref[i].label;
  }
  if (rc == 0 && first)
    *first = labels;
  else
    pt_free(labels);
  pt_free(ref);
  pt_free(slot);
  return rc;
}

void pt_groups_free(pt_groups *gr)
{
  if (!gr)
    return;
  pt_free(gr->off);
  pt_free(gr->members);
  pt_free(gr->internal);
  pt_free(gr->external);
  pt_free(gr->id);
  pt_free(gr);
}

/* The most frequent neighbour label of v, ties to the smallest label.
 * cnt is all zeros on entry and on return. */
static uint32_t best_label(const pt__adj *nb, const uint32_t *label,
                           uint32_t *cnt, uint32_t v, uint32_t current)
{
  uint32_t best = current, best_n = 0;
  for (uint32_t k = nb->off[v]; k < nb->off[v + 1]; k++) {
    uint32_t l = label[nb->to[k]];
    uint32_t c = ++cnt[l];
    if (c > best_n || (c == best_n && l < best)) {
      best = l;
      best_n = c;
    }
  }
  for (uint32_t k = nb->off[v]; k < nb->off[v + 1]; k++)
    cnt[label[nb->to[k]]] = 0;
  return best;
}

static void propagate(const pt_qgraph *q, const pt__adj *nb, uint32_t *label,
                      uint32_t *cnt)
{
  for (uint32_t v = 0; v < q->n_nodes; v++)
    label[v] = v;
  for (int sweep = 0; sweep < 10; sweep++) {
    int changed = 0;
    for (uint32_t v = 0; v < q->n_nodes; v++) {
      if (nb->off[v + 1] == nb->off[v])
        continue;
      uint32_t l = best_label(nb, label, cnt, v, label[v]);
      if (l != label[v]) {
        label[v] = l;
        changed = 1;
      }
    }
    if (!changed)
      break;
  }
}

/* Internal and external pair counts by group. */
static int count_pairs(const pt_qgraph *q, pt_groups *gr)
{
  pt__adj pairs = {0};
  uint32_t *group = pt_malloc((q->n_nodes + 1) * sizeof *group);
  gr->internal = pt_calloc(gr->n_groups + 1, sizeof *gr->internal);
  gr->external = pt_calloc(gr->n_groups + 1, sizeof *gr->external);
  int rc = group && gr->internal && gr->external
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in clustering");
  if (rc == 0)
    rc = pt__pairs_build(q, &pairs, NULL);
  for (size_t i = 0; rc == 0 && i < gr->n_groups; i++)
    for (uint32_t k = gr->off[i]; k < gr->off[i + 1]; k++)
      group[gr->members[k]] = (uint32_t)i;
  for (uint32_t v = 0; rc == 0 && v < q->n_nodes; v++)
    for (uint32_t k = pairs.off[v]; k < pairs.off[v + 1]; k++) {
      uint32_t a = group[v], b = group[pairs.to[k]];
      if (a == b)
        gr->internal[a]++;
      else {
        gr->external[a]++;
        gr->external[b]++;
      }
    }
  pt__adj_fini(&pairs);
  pt_free(group);
  return rc;
}

int pt_label_clusters(const pt_qgraph *q, pt_groups **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "clusters: no graph");
  size_t n = q->n_nodes + 1;
  pt__adj nb = {0};
  uint32_t *label = pt_malloc(n * sizeof *label);
  uint32_t *cnt = pt_calloc(n, sizeof *cnt);
  pt_groups *gr = pt_calloc(1, sizeof *gr);
  int rc = label && cnt && gr
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in clustering");
  if (rc == 0)
    rc = pt__neighbours_build(q, &nb);
  if (rc == 0) {
    propagate(q, &nb, label, cnt);
    rc = pt__groups_build(q, label, q->n_nodes, gr, NULL);
  }
  if (rc == 0)
    rc = count_pairs(q, gr);
  pt__adj_fini(&nb);
  pt_free(cnt);
  pt_free(label);
  if (rc)
    pt_groups_free(gr);
  else
    *out = gr;
  return rc;
}
