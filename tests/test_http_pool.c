/* The HTTP server's worker pool (core/src/http/http_jobs.c) over real
 * loopback requests: routes that walk the graph queue for its workers
 * while the health route is answered on the server's own threads, and a
 * full queue is refused with 503. A live index held paused keeps a change
 * pending, so /wait-for-fresh holds a worker until its timeout or the
 * resume: the order of the answers is what is checked, not their times;
 * the test waits for the wait to hold the worker (pt_live_status's
 * waiters) before the others come. Portable
 * (pt_net_request): it runs under wine too. */
#include <stdio.h>
#include <string.h>

#include "http/http_jobs.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/live.h"
#include "pt/server.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "test_support.h"

#define ANSWER_MAX (256 * 1024)

static const char *const heavy[] = {
  "/strongly-connected-components-analysis",
  "/circular-dependency-detection-scan",
  "/centrality-measures-entity-ranking?method=betweenness",
  "/code-entities-search-fuzzy?q=f",
};
enum { N_HEAVY = sizeof heavy / sizeof *heavy };

typedef struct fixture {
  char *root;
  pt_live *lv;
  pt_server *s;
  pt_mutex *mu;
  unsigned n_done;          /* under mu: answers received so far */
} fixture;

/* One request on a thread of its own; its answer and its place among the
 * answers of the fixture's requests. */
typedef struct call {
  fixture *f;
  const char *path;
  char *answer;             /* owned, ANSWER_MAX bytes */
  int rc;
  unsigned place;           /* 1 for the first answer */
  pt_thread *t;
} call;

/* A server of one worker and a queue of max_queued, over a live index of
 * its graph held paused before its first pass. */
static void start(fixture *f, unsigned max_queued)
{
  memset(f, 0, sizeof *f);
  f->root = pt_test_tmpdir("http_pool");
  pt_test_write(f->root, "a.c", "int f(void) { return 1; }\n"
                                "int g(void) { return f() + h(); }\n");
  pt_test_write(f->root, "b.c", "int h(void) { return g(); }\n");
  pt_graph *g = NULL;
  pt_test_index(f->root, &g, NULL);
  pt_live_opts lo;
  memset(&lo, 0, sizeof lo);
  lo.root = f->root;
  assert_int_equal(pt_live_new(&lo, &f->lv), 0);
  pt_live_adopt(f->lv, g);
  pt_live_pause(f->lv);
  pt_server_opts o = {.n_threads = 2, .n_workers = 1, .max_queued = max_queued,
                      .live = f->lv};
  assert_int_equal(pt_server_start(&o, g, &f->s), 0);
  assert_int_equal(pt_mutex_new(&f->mu), 0);
}

static void stop(fixture *f)
{
  pt_server_stop(f->s);
  pt_live_free(f->lv);
  pt_mutex_free(f->mu);
  pt_free(f->root);
}

static int get(fixture *f, const char *path, char *out)
{
  char req[512];
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\n\r\n", path);
  size_t len = 0;
  int rc = pt_net_request("127.0.0.1", pt_server_port(f->s), req, 20000, out,
                          ANSWER_MAX, &len);
  pt_error_clear();
  return rc;
}

static void run_call(void *payload)
{
  call *c = payload;
  c->rc = get(c->f, c->path, c->answer);
  pt_mutex_lock(c->f->mu);
  c->place = ++c->f->n_done;
  pt_mutex_unlock(c->f->mu);
}

static void call_start(call *c, fixture *f, const char *path)
{
  memset(c, 0, sizeof *c);
  c->f = f;
  c->path = path;
  c->answer = pt_malloc(ANSWER_MAX);
  assert_non_null(c->answer);
  assert_int_equal(pt_thread_start(run_call, c, &c->t), 0);
}

static void call_join(call *c)
{
  pt_thread_join(c->t);
  assert_int_equal(c->rc, 0);
}

/* The server's one worker is held by the /wait-for-fresh call (inside
 * pt_live_wait_fresh, whose callers the live index counts), within 20 s. */
static void wait_on_the_worker(fixture *f)
{
  pt_live_status st;
  pt_live_get_status(f->lv, &st);
  for (int i = 0; i < 2000 && st.waiters == 0; i++) {
    pt_sleep_ms(10);
    pt_live_get_status(f->lv, &st);
  }
  assert_int_equal(st.waiters, 1);
}

/* How many of the fixture's calls have been answered. */
static unsigned answered(fixture *f)
{
  pt_mutex_lock(f->mu);
  unsigned n = f->n_done;
  pt_mutex_unlock(f->mu);
  return n;
}

static const char *body_of(const char *answer)
{
  const char *b = strstr(answer, "\r\n\r\n");
  assert_non_null(b);
  return b + 4;
}

/* The one worker is held by a wait and the routes that walk the graph
 * queue behind it; the health route is answered first all the same. The
 * answers that waited are those of an idle server, byte for byte. */
static void http_pool__health_answers_while_the_workers_are_busy(void **state)
{
  (void)state;
  fixture f;
  start(&f, 8);
  call wait, h[N_HEAVY], health;
  call_start(&wait, &f, "/wait-for-fresh?timeout_ms=2000");
  wait_on_the_worker(&f); /* before the others queue */
  for (int i = 0; i < N_HEAVY; i++)
    call_start(&h[i], &f, heavy[i]);
  pt_sleep_ms(150); /* most likely queued now (queued or not, none can
                       be answered before the wait ends) */
  call_start(&health, &f, "/server-health-check-status");
  call_join(&health);
  call_join(&wait);
  for (int i = 0; i < N_HEAVY; i++)
    call_join(&h[i]);
  assert_int_equal(health.place, 1);
  assert_non_null(strstr(health.answer, "HTTP/1.1 200"));
  assert_non_null(strstr(wait.answer, "HTTP/1.1 200"));
  assert_non_null(strstr(wait.answer, "\"timed_out\":true"));
  char *again = pt_malloc(ANSWER_MAX);
  for (int i = 0; i < N_HEAVY; i++) {
    assert_non_null(strstr(h[i].answer, "HTTP/1.1 200"));
    assert_int_equal(get(&f, heavy[i], again), 0);
    assert_string_equal(body_of(h[i].answer), body_of(again));
    pt_free(h[i].answer);
  }
  pt_free(again);
  pt_free(wait.answer);
  pt_free(health.answer);
  stop(&f);
}

/* With the worker busy and its queue full, a request that walks the graph
 * is refused at once, before the wait ends: 503 with Retry-After and the
 * error envelope. The one queued is answered once the worker is free: the
 * wait ends when the live index, resumed once the refusals came, has
 * made its first pass (its 20 s timeout only bounds a failing run). */
static void http_pool__a_full_queue_answers_503(void **state)
{
  (void)state;
  fixture f;
  start(&f, 1);
  assert_int_equal(pt_live_start(f.lv, 0), 0); /* paused: its pass waits */
  call wait, h[N_HEAVY];
  call_start(&wait, &f, "/wait-for-fresh?timeout_ms=20000");
  wait_on_the_worker(&f); /* the queue is empty */
  for (int i = 0; i < N_HEAVY; i++)
    call_start(&h[i], &f, heavy[i]);
  for (int i = 0; i < 2000 && answered(&f) < N_HEAVY - 1; i++)
    pt_sleep_ms(10);
  pt_live_resume(f.lv);
  call_join(&wait);
  unsigned n_ok = 0, n_busy = 0;
  for (int i = 0; i < N_HEAVY; i++) {
    call_join(&h[i]);
    const char *a = h[i].answer;
    if (strstr(a, "HTTP/1.1 200")) {
      n_ok++;
    } else {
      assert_true(h[i].place < wait.place);
      assert_non_null(strstr(a, "HTTP/1.1 503"));
      assert_non_null(strstr(a, "\r\nRetry-After: 1\r\n"));
      assert_non_null(strstr(body_of(a), "{\"success\":false,"));
      assert_non_null(strstr(body_of(a), "the server is busy"));
      n_busy++;
    }
    pt_free(h[i].answer);
  }
  assert_int_equal(n_ok, 1);
  assert_int_equal(n_busy, N_HEAVY - 1);
  pt_free(wait.answer);
  stop(&f);
}

typedef struct counted {
  pt_job job;               /* first: the pool runs it */
  pt_mutex *mu;
  int *n_run;               /* under mu */
} counted;

static void count_run(pt_job *job)
{
  counted *c = (counted *)job;
  pt_mutex_lock(c->mu);
  (*c->n_run)++;
  pt_mutex_unlock(c->mu);
}

/* A place an idle worker takes at once is not a queued one: an idle pool
 * of two workers and a queue of one takes three jobs at once (before its
 * workers wake), and refuses the fourth. */
static void jobs__idle_workers_take_places_beside_the_queue(void **state)
{
  (void)state;
  pt_jobs *p = NULL;
  assert_int_equal(pt__jobs_new(2, 1, &p), 0);
  for (int i = 0; i < 2000 && pt__jobs_idle(p) < 2; i++)
    pt_sleep_ms(10);
  assert_int_equal(pt__jobs_idle(p), 2);
  for (int i = 0; i < 3; i++)
    assert_int_equal(pt__jobs_reserve(p), 0);
  assert_int_equal(pt__jobs_reserve(p), PT_EBUSY);
  pt_error_clear();
  int n_run = 0;
  counted jobs[3];
  pt_mutex *mu = NULL;
  assert_int_equal(pt_mutex_new(&mu), 0);
  for (int i = 0; i < 3; i++) {
    jobs[i] = (counted){{NULL, count_run}, mu, &n_run};
    pt__jobs_submit(p, &jobs[i].job);
  }
  pt__jobs_stop(p); /* runs what was submitted first */
  assert_int_equal(n_run, 3);
  pt__jobs_free(p);
  pt_mutex_free(mu);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(jobs__idle_workers_take_places_beside_the_queue),
    cmocka_unit_test(http_pool__health_answers_while_the_workers_are_busy),
    cmocka_unit_test(http_pool__a_full_queue_answers_503),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
