/* The connection table and its watchman (http_conns.h): one slot per
 * connection with the time its request is due; the watchman sleeps until
 * the first of those times (for good while none is set: an idle server
 * uses no CPU) and shuts down the sockets past due. */
#include "http_conns.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

#define MS ((uint64_t)1000000)

typedef struct slot {
  const void *conn;   /* NULL: free */
  uint64_t sock;
  uint64_t due;       /* pt_clock_ns; 0 = a request is being answered */
} slot;

struct pt_conns {
  pt_mutex *mu;       /* guards everything below */
  slot *slots;        /* owned, n_slots of them */
  unsigned n_slots;
  uint64_t head_ns;
  unsigned period_ms; /* how late the watchman may look */
  uint64_t wake_at;   /* pt_clock_ns of its next look; UINT64_MAX: when
                         told */
  uint64_t n_cut;
  int is_stopping;
  pt_cond *wake;      /* with mu: a due time earlier than wake_at, or the
                         stop */
  pt_thread *watchman;
};

/* Under mu: shuts down what is past due; returns the first due time
 * still ahead, UINT64_MAX when there is none. Shutting down does not
 * close the socket, and a slot is freed (pt__conns_closed, under mu)
 * before libmicrohttpd closes its socket: the number is still that
 * connection's. */
static uint64_t cut_late(pt_conns *cs, uint64_t now)
{
  uint64_t next = UINT64_MAX;
  for (unsigned i = 0; i < cs->n_slots; i++) {
    slot *k = &cs->slots[i];
    if (k->conn && k->due && now <= k->due && k->due < next)
      next = k->due;
    if (k->conn && k->due && now > k->due) {
      pt_net_shutdown(k->sock);
      k->due = 0;
      cs->n_cut++;
      pt_log(PT_LOG_DEBUG, "http: a connection sent no whole request in "
             "%llu ms: closed", (unsigned long long)(cs->head_ns / MS));
    }
  }
  return next;
}

/* Looking a period after the first due time lets the ones that follow
 * within it be cut in the same look: late by a period at most. */
static void watch(void *payload)
{
  pt_conns *cs = payload;
  pt_mutex_lock(cs->mu);
  while (!cs->is_stopping) {
    uint64_t next = cut_late(cs, pt_clock_ns());
    cs->wake_at = next == UINT64_MAX ? UINT64_MAX
                                     : next + (uint64_t)cs->period_ms * MS;
    pt_cond_wait_until(cs->wake, cs->mu, cs->wake_at);
  }
  pt_mutex_unlock(cs->mu);
}

/* Under mu: a connection's new due time; the watchman is told only when
 * it would otherwise look too late for it. */
static void due_at(pt_conns *cs, slot *k, uint64_t due)
{
  k->due = due;
  if (due && due + (uint64_t)cs->period_ms * MS < cs->wake_at)
    pt_cond_signal(cs->wake);
}

int pt__conns_new(unsigned max, unsigned head_ms, pt_conns **out)
{
  pt_conns *cs = pt_calloc(1, sizeof *cs);
  if (!cs)
    return PT_ERR(PT_ENOMEM, "out of memory");
  cs->n_slots = max;
  cs->head_ns = (uint64_t)head_ms * MS;
  unsigned period = head_ms / 4; /* late by a quarter at most */
  cs->period_ms = period == 0 ? 1 : period > 100 ? 100 : period;
  cs->wake_at = UINT64_MAX;
  int rc = pt_mutex_new(&cs->mu);
  if (rc == 0)
    rc = pt_cond_new(&cs->wake);
  if (rc == 0 && !(cs->slots = pt_calloc(max ? max : 1, sizeof *cs->slots)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt_thread_start(watch, cs, &cs->watchman);
  if (rc) {
    pt__conns_free(cs);
    return rc;
  }
  *out = cs;
  return 0;
}

void pt__conns_free(pt_conns *cs)
{
  if (!cs)
    return;
  if (cs->watchman) {
    pt_mutex_lock(cs->mu);
    cs->is_stopping = 1;
    pt_cond_signal(cs->wake);
    pt_mutex_unlock(cs->mu);
    pt_thread_join(cs->watchman);
  }
  pt_free(cs->slots);
  pt_cond_free(cs->wake);
  pt_mutex_free(cs->mu);
  pt_free(cs);
}

void pt__conns_opened(pt_conns *cs, const void *conn, uint64_t sock,
                      void **out)
{
  *out = NULL;
  pt_mutex_lock(cs->mu);
  for (unsigned i = 0; i < cs->n_slots; i++) {
    slot *k = &cs->slots[i];
    if (!k->conn) {
      k->conn = conn;
      k->sock = sock;
      due_at(cs, k, pt_clock_ns() + cs->head_ns);
      *out = k;
      break;
    }
  }
  pt_mutex_unlock(cs->mu);
}

void pt__conns_closed(pt_conns *cs, void **ks)
{
  slot *k = *ks;
  if (!k)
    return;
  pt_mutex_lock(cs->mu);
  k->conn = NULL;
  pt_mutex_unlock(cs->mu);
  *ks = NULL;
}

/* A slot still that connection's (not closed and taken again since). */
static void set_due(pt_conns *cs, slot *k, const void *conn, uint64_t due)
{
  if (!k)
    return;
  pt_mutex_lock(cs->mu);
  if (k->conn == conn)
    due_at(cs, k, due);
  pt_mutex_unlock(cs->mu);
}

void pt__conns_request_in(pt_conns *cs, void *k, const void *conn)
{
  set_due(cs, k, conn, 0);
}

void pt__conns_answered(pt_conns *cs, void *k, const void *conn)
{
  set_due(cs, k, conn, pt_clock_ns() + cs->head_ns);
}

uint64_t pt__conns_n_cut(pt_conns *cs)
{
  pt_mutex_lock(cs->mu);
  uint64_t n = cs->n_cut;
  pt_mutex_unlock(cs->mu);
  return n;
}
