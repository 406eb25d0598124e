/* K-core decomposition of pt/analysis.h (docs/contract/http-api.md 5.19):
 * Batagelj-Zaversnik peeling over the undirected simple view, in O(V + E)
 * with bucket arrays instead of a search for the minimum-degree vertex
 * each step. */
#include <string.h>

#include "analysis_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

/* BZ keeps vertices in an array sorted by current degree (vert), the
 * position of each (pos) and where each degree's bucket starts (bin). A
 * neighbour is only decremented while its degree exceeds the removed
 * vertex's, which gives the original's max(k, deg) core numbers directly. A
 * self-loop (u == v) is never decremented, so it adds 1 to v's degree. */
static void peel(const pt__adj *nb, uint32_t *deg, uint32_t *vert,
                 uint32_t *pos, uint32_t *bin, uint32_t max_deg)
{
  size_t n = nb->n_nodes;
  for (size_t v = 0; v < n; v++)
    bin[deg[v]]++;
  for (uint32_t d = 0, start = 0; d <= max_deg; d++) {
    uint32_t c = bin[d];
    bin[d] = start;
    start += c;
  }
  for (size_t v = 0; v < n; v++) {
    pos[v] = bin[deg[v]]++;
    vert[pos[v]] = (uint32_t)v;
  }
  for (uint32_t d = max_deg; d > 0; d--)
    bin[d] = bin[d - 1];
  bin[0] = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t v = vert[i];
    for (uint32_t k = nb->off[v]; k < nb->off[v + 1]; k++) {
      uint32_t u = nb->to[k];
      if (u == v || deg[u] <= deg[v])
        continue;
      uint32_t du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
      if (u != w) {
        pos[u] = pw;
        vert[pu] = w;
        pos[w] = pu;
        vert[pw] = u;
      }
      bin[du]++;
      deg[u]--;
    }
  }
}

int pt_kcore(const pt_qgraph *q, pt_scores **out)
{
  if (!q || !out)
    return PT_ERR(PT_EINVAL, "kcore: no graph");
  size_t n = q->n_nodes + 1;
  pt__adj nb = {0};
  pt_scores *s = NULL;
  uint32_t *deg = pt_malloc(n * sizeof *deg);
  uint32_t *vert = pt_malloc(n * sizeof *vert);
  uint32_t *pos = pt_malloc(n * sizeof *pos);
  uint32_t *bin = NULL;
  int rc = deg && vert && pos
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory in k-core");
  if (rc == 0)
    rc = pt__neighbours_build(q, &nb);
  uint32_t max_deg = 0;
  for (size_t v = 0; rc == 0 && v < q->n_nodes; v++) {
    deg[v] = nb.off[v + 1] - nb.off[v];
    if (deg[v] > max_deg)
      max_deg = deg[v];
  }
  if (rc == 0 && !(bin = pt_calloc((size_t)max_deg + 2, sizeof *bin)))
    rc = PT_ERR(PT_ENOMEM, "out of memory in k-core");
  if (rc == 0)
    rc = pt__scores_new(q, &s);
  if (rc == 0) {
    peel(&nb, deg, vert, pos, bin, max_deg);
    for (size_t v = 0; v < q->n_nodes; v++)
      s->score[v] = (double)deg[v];
    rc = pt__scores_order(q, s);
  }
  pt_free(bin);
  pt__adj_fini(&nb);
  pt_free(pos);
  pt_free(vert);
  pt_free(deg);
  if (rc)
    pt_scores_free(s);
  else
    *out = s;
  return rc;
}

const char *pt_kcore_layer(uint32_t coreness)
{
  return coreness >= 8 ? "CORE" : coreness >= 3 ? "MID" : "PERIPHERAL";
}
