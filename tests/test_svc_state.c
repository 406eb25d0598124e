/* The Windows service's state machine (service/svc_state.h) against a fake
 * SCM that records every status, over the real serving session (a SQLite
 * file, the live index, HTTP on loopback): RUNNING only once the API
 * answers, STOP during start, PAUSE/CONTINUE, a final backup that fails,
 * SHUTDOWN and PRESHUTDOWN, and bad input ending in STOPPED with a
 * service-specific exit code instead of a hang. Runs on Linux and under
 * wine alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "svc_state.h"
#include "test_support.h"

#define MAX_REPORTS 512

typedef struct fake_scm {
  pt_mutex *mu;
  pt_svc *m;
  pt_svc_status seen[MAX_REPORTS];
  size_t n_seen;
  int answered_at_running;   /* the API answered when RUNNING came */
  int watching_at_running;   /* ... and said the watcher ran (-1: unknown) */
  unsigned long entities_at_running; /* ... and counted these */
  pt_buf log;
  int hold_start;            /* block the "starting" log line ... */
  int released;              /* ... until the test sets this */
} fake_scm;

static void fake_report(const pt_svc_status *st, void *payload)
{
  fake_scm *f = payload;
  char body[256];
  int answered = st->state == PT_SVC_RUNNING &&
                 pt_svc_http_get(pt_svc_port(f->m), "/server-health-check-status",
                                 2000, body, sizeof body) == 0;
  char w[4096];
  int watching = -1;
  if (answered && pt_svc_http_get(pt_svc_port(f->m),
                                  "/file-watcher-status-check", 2000, w,
                                  sizeof w) == 0)
    watching = strstr(w, "\"watcher_currently_running_flag\":true") != NULL;
  const char *k = answered && pt_svc_http_get(
      pt_svc_port(f->m), "/codebase-statistics-overview-summary", 2000, w,
      sizeof w) == 0 ? strstr(w, "\"code_entities_total_count\":") : NULL;
  pt_error_clear();
  pt_mutex_lock(f->mu);
  if (f->n_seen < MAX_REPORTS)
    f->seen[f->n_seen++] = *st;
  if (st->state == PT_SVC_RUNNING) {
    f->answered_at_running = answered;
    f->watching_at_running = watching;
    f->entities_at_running =
        k ? strtoul(k + strlen("\"code_entities_total_count\":"), NULL, 10)
          : 0;
  }
  pt_mutex_unlock(f->mu);
}

static int released(fake_scm *f)
{
  pt_mutex_lock(f->mu);
  int r = f->released;
  pt_mutex_unlock(f->mu);
  return r;
}

static void fake_log(pt_svc_level level, const char *msg, void *payload)
{
  fake_scm *f = payload;
  pt_mutex_lock(f->mu);
  pt_buf_printf(&f->log, "%s %s\n", level == PT_SVC_LOG_ERROR ? "ERROR"
                : level == PT_SVC_LOG_WARN ? "WARN" : "INFO", msg);
  int hold = f->hold_start && strncmp(msg, "starting", 8) == 0;
  pt_mutex_unlock(f->mu);
  while (hold && !released(f))
    pt_sleep_ms(5);
}

typedef struct run {
  fake_scm f;
  pt_svc_scm scm;
  pt_thread *thread;
  pt_svc_exit code;
  char *dir, *src, *dbdir, *db; /* db: "sqlite:<dbdir>/analysis.db" */
} run;

static void body(void *payload)
{
  run *r = payload;
  r->code = pt_svc_main(r->f.m);
}

/* A tree with one file, indexed into dbdir/analysis.db as pt01 would. */
static void make_index(run *r, const char *tag)
{
  memset(r, 0, sizeof *r);
  r->dir = pt_test_tmpdir(tag);
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/src", r->dir), 0);
  r->src = pt_buf_detach(&b);
  assert_int_equal(pt_buf_printf(&b, "%s/data", r->dir), 0);
  r->dbdir = pt_buf_detach(&b);
  assert_int_equal(pt_buf_printf(&b, "sqlite:%s/analysis.db", r->dbdir), 0);
  r->db = pt_buf_detach(&b);
  pt_test_write(r->src, "a.c", "int helper(void) { return 1; }\n"
                               "int main(void) { return helper(); }\n");
  pt_test_write(r->dbdir, "keep", "");
  pt_ingest_opts o = {r->src, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *store = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(pt_store_open(r->db, &store), 0);
  assert_int_equal(pt_store_save(store, g), 0);
  pt_store_close(store);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

/* Starts the machine on port (0: one the OS chooses, read back with
 * pt_svc_port once RUNNING): a fixed port may be another program's, such
 * as this suite of another build running at the same time. */
static void start_on(run *r, const char *db, int hold_start, unsigned port)
{
  assert_int_equal(pt_mutex_new(&r->f.mu), 0);
  r->f.hold_start = hold_start;
  r->scm.report = fake_report;
  r->scm.log = fake_log;
  r->scm.payload = &r->f;
  pt_serve_opts o = {db, r->src, NULL, port, 2, 1, NULL, NULL, NULL, 0, 0,
                     NULL, NULL};
  assert_int_equal(pt_svc_new(&o, &r->scm, &r->f.m), 0);
  assert_int_equal(pt_thread_start(body, r, &r->thread), 0);
}

static void start(run *r, const char *db, int hold_start)
{
  start_on(r, db, hold_start, 0);
}

/* A loopback port bound now by *sock (the OS's choice): the caller holds
 * it, or closes it to hand a free port to the service. */
static unsigned listen_any(uint64_t *sock)
{
  unsigned port = 0;
  assert_int_equal(pt_net_listen("127.0.0.1", 0, sock), 0);
  assert_int_equal(pt_net_local_port(*sock, &port), 0);
  assert_true(port > 0);
  return port;
}

static pt_svc_state state_of(run *r)
{
  pt_svc_status st;
  pt_svc_get_status(r->f.m, &st);
  return st.state;
}

static void wait_state(run *r, pt_svc_state want)
{
  for (int i = 0; i < 1500 && state_of(r) != want; i++)
    pt_sleep_ms(10);
  assert_int_equal(state_of(r), want);
}

/* Joins the machine's thread (a hang fails the test by its timeout). */
static void finish(run *r)
{
  if (r->thread)
    pt_thread_join(r->thread);
  pt_svc_free(r->f.m);
  pt_mutex_free(r->f.mu);
  pt_buf_fini(&r->f.log);
  pt_free(r->db);
  pt_free(r->dbdir);
  pt_free(r->src);
  pt_free(r->dir);
}

static int saw(run *r, pt_svc_state s)
{
  for (size_t i = 0; i < r->f.n_seen; i++)
    if (r->f.seen[i].state == s)
      return 1;
  return 0;
}

static const pt_svc_status *last(run *r)
{
  assert_true(r->f.n_seen > 0);
  return &r->f.seen[r->f.n_seen - 1];
}

/* The entity count the API reports. */
static unsigned long entities(unsigned port)
{
  char b[4096];
  assert_int_equal(pt_svc_http_get(port, "/codebase-statistics-overview-summary",
                                   2000, b, sizeof b), 0);
  const char *k = strstr(b, "\"code_entities_total_count\":");
  assert_non_null(k);
  return strtoul(k + strlen("\"code_entities_total_count\":"), NULL, 10);
}

static void svc__start_reports_running_only_once_the_api_answers(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_start");
  uint64_t sock = 0;
  unsigned port = listen_any(&sock); /* a free port, chosen by the test */
  pt_net_close(sock);
  start_on(&r, r.db, 0, port);
  wait_state(&r, PT_SVC_RUNNING);
  assert_true(r.f.answered_at_running);
  /* START_PENDING first, checkpoints growing, a wait hint, STOP accepted */
  assert_int_equal(r.f.seen[0].state, PT_SVC_START_PENDING);
  unsigned cp = 0;
  for (size_t i = 0; r.f.seen[i].state == PT_SVC_START_PENDING; i++) {
    assert_true(r.f.seen[i].checkpoint > cp);
    cp = r.f.seen[i].checkpoint;
    assert_true(r.f.seen[i].wait_hint_ms > 0);
    assert_true(r.f.seen[i].accepts & PT_SVC_ACCEPT_STOP);
  }
  assert_true(cp >= 3); /* open, load, follow at least */
  pt_svc_status st;
  pt_svc_get_status(r.f.m, &st);
  assert_int_equal(st.checkpoint, 0);
  assert_int_equal(st.accepts & PT_SVC_ACCEPT_PAUSE_CONTINUE,
                   PT_SVC_ACCEPT_PAUSE_CONTINUE);
  assert_true(st.accepts & PT_SVC_ACCEPT_PRESHUTDOWN);
  assert_int_equal(pt_svc_port(r.f.m), port);

  size_t before = r.f.n_seen;
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_INTERROGATE), 0);
  assert_int_equal(r.f.n_seen, before + 1);
  assert_int_equal(last(&r)->state, PT_SVC_RUNNING);

  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  /* STOP_PENDING is reported before the control returns */
  assert_true(saw(&r, PT_SVC_STOP_PENDING));
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  assert_int_equal(last(&r)->state, PT_SVC_STOPPED);
  assert_int_equal(last(&r)->win32_exit, 0);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), PT_ENOTSUPPORTED);
  pt_error_clear();
  assert_non_null(strstr(r.f.log.ptr, "INFO running"));
  assert_non_null(strstr(r.f.log.ptr, "INFO stopped"));
  /* the port is free again */
  char b[64];
  assert_int_equal(pt_svc_http_get(port, "/server-health-check-status", 500, b,
                                   sizeof b), PT_EIO);
  pt_error_clear();
  finish(&r);
}

/* RUNNING comes as soon as the API answers from the loaded index: the
 * live index (its watcher, and its first pass over the root, long on a big
 * tree) starts after it, and that pass then finds a file added while the
 * service was stopped. */
static void svc__running_comes_before_the_first_pass_over_the_root(
    void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_first_pass");
  pt_test_write(r.src, "b.c", "int added(void) { return helper(); }\n");
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  assert_true(r.f.answered_at_running);
  assert_int_equal(r.f.watching_at_running, 0);
  unsigned long n0 = r.f.entities_at_running, n = n0;
  assert_true(n0 > 0);
  for (int i = 0; i < 1000 && (n = entities(pt_svc_port(r.f.m))) == n0; i++)
    pt_sleep_ms(10);
  assert_true(n > n0);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  finish(&r);
}

/* The SCM's STOP arrives while the index is still opening: no RUNNING,
 * STOPPED with exit code 0. */
static void svc__stop_during_start_never_runs(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_stop_start");
  start(&r, r.db, 1);
  wait_state(&r, PT_SVC_START_PENDING);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_PAUSE), PT_ENOTSUPPORTED);
  pt_error_clear();
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_mutex_lock(r.f.mu);
  r.f.released = 1;
  pt_mutex_unlock(r.f.mu);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_false(saw(&r, PT_SVC_RUNNING));
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  assert_int_equal(last(&r)->state, PT_SVC_STOPPED);
  /* after STOP_PENDING, nothing but STOP_PENDING and STOPPED */
  size_t i = 0;
  while (r.f.seen[i].state != PT_SVC_STOP_PENDING)
    i++;
  for (; i < r.f.n_seen; i++)
    assert_true(r.f.seen[i].state == PT_SVC_STOP_PENDING ||
                r.f.seen[i].state == PT_SVC_STOPPED);
  finish(&r);
}

/* Paused, the API answers from the last graph and a new file waits;
 * CONTINUE picks it up. */
static void svc__pause_holds_reindexing_and_continue_resumes_it(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_pause");
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  unsigned long n0 = entities(pt_svc_port(r.f.m));
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_PAUSE), 0);
  assert_true(saw(&r, PT_SVC_PAUSE_PENDING));
  wait_state(&r, PT_SVC_PAUSED);
  pt_test_write(r.src, "b.c", "int added(void) { return helper(); }\n");
  pt_sleep_ms(1500); /* well past the watcher's debounce */
  assert_int_equal(entities(pt_svc_port(r.f.m)), n0);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_PAUSE), 0); /* again */
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_CONTINUE), 0);
  assert_true(saw(&r, PT_SVC_CONTINUE_PENDING));
  wait_state(&r, PT_SVC_RUNNING);
  unsigned long n = n0;
  for (int i = 0; i < 500 && (n = entities(pt_svc_port(r.f.m))) == n0; i++)
    pt_sleep_ms(10);
  assert_true(n > n0);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  finish(&r);
}

/* RUNNING and idle, the service's thread sleeps until a control comes
 * (an idle service uses no CPU), and a control is still carried out at
 * once. */
static void svc__running_service_sleeps_until_a_control(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_idle");
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  pt_sleep_ms(200);
  uint64_t w0 = pt_svc_wakeups(r.f.m);
  pt_sleep_ms(500);
  assert_int_equal(pt_svc_wakeups(r.f.m), w0);
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_PAUSE), 0);
  wait_state(&r, PT_SVC_PAUSED);
  uint64_t t0 = pt_clock_ns();
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_true(pt_clock_ns() - t0 < 5000000000ull);
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  finish(&r);
}

/* The database's folder becomes a file: the final backup fails, the
 * service stops at once with exit code 5 and says why. */
static void svc__failed_final_backup_stops_with_a_specific_code(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_backup");
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  assert_int_equal(pt_fs_remove_tree(r.dbdir), 0);
  pt_test_write(r.dir, "data", "a file now\n");
  pt_test_write(r.src, "b.c", "int added(void) { return helper(); }\n");
  unsigned long n0 = 2, n = n0;
  for (int i = 0; i < 500 && (n = entities(pt_svc_port(r.f.m))) == n0; i++)
    pt_sleep_ms(10);
  assert_true(n > n0); /* a backup is due now, and fails */
  int logged = 0;
  for (int i = 0; i < 500 && !logged; i++) {
    pt_mutex_lock(r.f.mu);
    logged = r.f.log.ptr && strstr(r.f.log.ptr, "ERROR backup failed (1 so far");
    pt_mutex_unlock(r.f.mu);
    pt_sleep_ms(10);
  }
  assert_true(logged);
  uint64_t t0 = pt_clock_ns();
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_true(pt_clock_ns() - t0 < 10000000000ull);
  assert_int_equal(r.code, PT_SVC_EXIT_BACKUP);
  assert_int_equal(last(&r)->state, PT_SVC_STOPPED);
  assert_int_equal(last(&r)->win32_exit, PT_SVC_WIN32_SPECIFIC);
  assert_int_equal(last(&r)->specific_exit, PT_SVC_EXIT_BACKUP);
  assert_non_null(strstr(r.f.log.ptr, "ERROR the final backup failed"));
  finish(&r);
}

static unsigned long stored_files(const char *db)
{
  pt_store *store = NULL;
  pt_graph *g = NULL;
  assert_int_equal(pt_store_open(db, &store), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(store, g), 0);
  unsigned long n = pt_graph_n_files(g);
  pt_graph_free(g);
  pt_store_close(store);
  return n;
}

/* SHUTDOWN and PRESHUTDOWN stop like STOP, the last change on disk. */
static void shutdown_by(pt_svc_ctrl c, const char *tag)
{
  run r;
  make_index(&r, tag);
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  pt_test_write(r.src, "b.c", "int added(void) { return helper(); }\n");
  unsigned long n = 2;
  for (int i = 0; i < 500 && (n = entities(pt_svc_port(r.f.m))) == 2; i++)
    pt_sleep_ms(10);
  assert_true(n > 2);
  assert_int_equal(pt_svc_control(r.f.m, c), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  assert_int_equal(last(&r)->state, PT_SVC_STOPPED);
  assert_int_equal(stored_files(r.db), 2);
  finish(&r);
}

static void svc__shutdown_and_preshutdown_write_the_last_changes(void **state)
{
  (void)state;
  shutdown_by(PT_SVC_CTRL_SHUTDOWN, "svc_shutdown");
  shutdown_by(PT_SVC_CTRL_PRESHUTDOWN, "svc_preshutdown");
}

/* No analysis.db yet: the root is indexed into it before RUNNING, so the
 * first answer holds the whole tree. */
static void svc__first_start_indexes_the_root_before_running(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_first");
  assert_int_equal(pt_fs_remove_tree(r.dbdir), 0);
  assert_int_equal(pt_fs_mkdir_p(r.dbdir), 0);
  start(&r, r.db, 0);
  wait_state(&r, PT_SVC_RUNNING);
  assert_int_equal(entities(pt_svc_port(r.f.m)), 2);
  assert_int_equal(stored_files(r.db), 1);
  assert_non_null(strstr(r.f.log.ptr, "no index at"));
  assert_int_equal(pt_svc_control(r.f.m, PT_SVC_CTRL_STOP), 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_int_equal(r.code, PT_SVC_EXIT_OK);
  finish(&r);
}

/* A corrupt analysis.db: STOPPED with exit code 2, never RUNNING. */
static void svc__corrupt_index_stops_with_a_specific_code(void **state)
{
  (void)state;
  run r;
  make_index(&r, "svc_corrupt");
  pt_test_write(r.dbdir, "analysis.db", "this is not a SQLite database\n");
  start(&r, r.db, 0);
  pt_thread_join(r.thread);
  r.thread = NULL;
  assert_false(saw(&r, PT_SVC_RUNNING));
  assert_int_equal(r.code, PT_SVC_EXIT_OPEN);
  assert_int_equal(last(&r)->specific_exit, PT_SVC_EXIT_OPEN);
  assert_non_null(strstr(r.f.log.ptr, "ERROR cannot open the index"));
  finish(&r);
}

/* Its port held by another program: STOPPED with exit code 3. */
static void svc__port_in_use_stops_with_a_specific_code(void **state)
{
  (void)state;
  run r;
  uint64_t sock = 0;
  make_index(&r, "svc_port");
  unsigned port = listen_any(&sock);
  start_on(&r, r.db, 0, port);
  pt_thread_join(r.thread);
  r.thread = NULL;
  pt_net_close(sock);
  assert_false(saw(&r, PT_SVC_RUNNING));
  assert_int_equal(r.code, PT_SVC_EXIT_SERVE);
  assert_int_equal(last(&r)->state, PT_SVC_STOPPED);
  assert_non_null(strstr(r.f.log.ptr, "is in use"));
  finish(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(svc__start_reports_running_only_once_the_api_answers),
    cmocka_unit_test(svc__running_comes_before_the_first_pass_over_the_root),
    cmocka_unit_test(svc__stop_during_start_never_runs),
    cmocka_unit_test(svc__pause_holds_reindexing_and_continue_resumes_it),
    cmocka_unit_test(svc__running_service_sleeps_until_a_control),
    cmocka_unit_test(svc__failed_final_backup_stops_with_a_specific_code),
    cmocka_unit_test(svc__shutdown_and_preshutdown_write_the_last_changes),
    cmocka_unit_test(svc__first_start_indexes_the_root_before_running),
    cmocka_unit_test(svc__corrupt_index_stops_with_a_specific_code),
    cmocka_unit_test(svc__port_in_use_stops_with_a_specific_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
