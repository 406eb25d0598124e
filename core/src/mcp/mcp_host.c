/* pt_mcp_host of pt/mcp.h: the graph a transport without the HTTP server
 * (the stdio loop) answers from. The live index publishes new graphs from
 * its thread while a message is handled on another: each message reads
 * the snapshot current when it began, and an old snapshot is freed by the
 * last reader to let go of it. */
#include <time.h>

#include "mcp_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/thread.h"

typedef struct snap {
  pt_graph *g;   /* owned */
  pt_qgraph *q;  /* owned */
  uint64_t generation;
  int64_t published;
  pt_test_map_slot tests; /* what its tests call, made on first use */
  unsigned refs; /* readers, plus one while current */
} snap;

struct pt_mcp_host {
  pt_mutex *mu;
  snap *cur; /* NULL before the first graph */
  struct pt_live *live;
  const char *db_spec;
};

static void snap_free(snap *s)
{
  if (!s)
    return;
  pt_test_map_slot_fini(&s->tests);
  pt_qgraph_free(s->q);
  pt_graph_free(s->g);
  pt_free(s);
}

int pt_mcp_host_new(struct pt_live *live, const char *db_spec,
                    pt_mcp_host **out)
{
  pt_mcp_init(); /* before the live index's thread publishes */
  pt_mcp_host *h = pt_calloc(1, sizeof *h);
  if (!h)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = pt_mutex_new(&h->mu);
  if (rc) {
    pt_free(h);
    return rc;
  }
  h->live = live;
  h->db_spec = db_spec;
  *out = h;
  return 0;
}

static void let_go(pt_mcp_host *h, snap *s)
{
  pt_mutex_lock(h->mu);
  int last = --s->refs == 0;
  pt_mutex_unlock(h->mu);
  if (last)
    snap_free(s);
}

/* The query graph of g: updated from the current one when g was patched
 * from its graph (pt_qgraph_update), else built whole. */
static int query_graph(pt_mcp_host *h, pt_graph *g, pt_qgraph **out)
{
  pt_mutex_lock(h->mu);
  snap *prev = h->cur;
  if (prev)
    prev->refs++;
  pt_mutex_unlock(h->mu);
  int rc = prev ? pt_qgraph_update(prev->q, g, out) : PT_EINVAL;
  if (prev)
    let_go(h, prev);
  pt_graph_drop_lineage(g); /* its base may go with prev */
  if (rc != PT_EINVAL)
    return rc;
  pt_error_clear(); /* not patched from it: built whole */
  return pt_qgraph_build(g, NULL, out);
}

int pt_mcp_host_publish(pt_mcp_host *h, pt_graph *g)
{
  snap *s = pt_calloc(1, sizeof *s);
  int rc = s ? query_graph(h, g, &s->q) : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (rc = pt_test_map_slot_init(&s->tests)) != 0)
    pt_qgraph_free(s->q);
  if (rc) {
    pt_free(s);
    return rc;
  }
  s->g = g;
  s->refs = 1;
  s->published = (int64_t)time(NULL);
  pt_mutex_lock(h->mu);
  s->generation = h->cur ? h->cur->generation + 1 : 1;
  if (h->live) { /* it counted g before handing it over */
    pt_live_freshness f;
    pt_live_get_freshness(h->live, &f);
    s->generation = f.generation;
    s->published = (int64_t)f.published;
  }
  snap *old = h->cur;
  h->cur = s;
  pt_mutex_unlock(h->mu);
  if (old)
    let_go(h, old);
  return 0;
}

int pt_mcp_host_handle(pt_mcp_host *h, pt_mcp_session *s, const char *msg,
                       size_t len, pt_buf *out, pt_mcp_reply *reply)
{
  pt_mutex_lock(h->mu);
  snap *sn = h->cur;
  if (sn)
    sn->refs++;
  pt_mutex_unlock(h->mu);
  pt_mcp_view v = {sn ? sn->g : NULL,
                   sn ? sn->q : NULL,
                   h->live,
                   h->db_spec,
                   sn ? sn->generation : 0,
                   sn ? sn->published : 0,
                   sn ? &sn->tests : NULL};
  int rc = pt_mcp_handle(s, &v, msg, len, out, reply);
  if (sn)
    let_go(h, sn);
  return rc;
}

void pt_mcp_host_free(pt_mcp_host *h)
{
  if (!h)
    return;
  if (h->cur)
    let_go(h, h->cur);
  pt_mutex_free(h->mu);
  pt_free(h);
}
