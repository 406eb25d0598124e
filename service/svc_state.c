/* The service state machine of svc_state.h: the serving session's life
 * told to the SCM. Controls arrive on the SCM's thread and only record a
 * wish and report the pending state; pt_svc_main's thread does the work.
 * One mutex keeps the status and the wish, and serialises the reports. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/compat.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "svc_state.h"

#define MS ((uint64_t)1000000)
#define RUN_ACCEPTS                                                     \
  (PT_SVC_ACCEPT_STOP | PT_SVC_ACCEPT_PAUSE_CONTINUE |                  \
   PT_SVC_ACCEPT_SHUTDOWN | PT_SVC_ACCEPT_PRESHUTDOWN)

struct pt_svc {
  pt_serve_opts o;
  char *db, *root, *bind;  /* owned copies of the options' strings */
  const pt_svc_scm *scm;   /* borrowed */
  pt_mutex *mu;
  pt_svc_status st;        /* under mu: the status last reported */
  pt_svc_ctrl want;     /* under mu: STOP, PAUSE, CONTINUE or 0 */
  pt_cond *wished;         /* with mu: want was set */
  uint64_t wakeups;        /* under mu: looks for a control, RUNNING */
  pt_thread *saves_watch;  /* logs failed backups (watch_saves) */
  uint64_t last_progress;  /* pt_clock_ns of the last START_PENDING */
  uint64_t t0;             /* pt_clock_ns when pt_svc_main began */
  const char *step;        /* pt_serve_open's step under way (static) */
  uint64_t step_t0;        /* ... since then */
  char steps[128];         /* the steps done and their times, for the log */
  unsigned port;
  pt_serve *sv;            /* owned, on pt_svc_main's thread */
};

/* Under mu: a new status, its checkpoint counting within a pending state. */
static void report_locked(pt_svc *m, pt_svc_state state, unsigned hint_ms)
{
  int pending = state == PT_SVC_START_PENDING ||
                state == PT_SVC_STOP_PENDING ||
                state == PT_SVC_PAUSE_PENDING ||
                state == PT_SVC_CONTINUE_PENDING;
  m->st.checkpoint = !pending ? 0
                     : m->st.state == state ? m->st.checkpoint + 1
                                            : 1;
  m->st.state = state;
  m->st.wait_hint_ms = pending ? hint_ms : 0;
  m->st.accepts = state == PT_SVC_START_PENDING
                      ? PT_SVC_ACCEPT_STOP | PT_SVC_ACCEPT_SHUTDOWN
                  : state == PT_SVC_RUNNING || state == PT_SVC_PAUSED
                      ? RUN_ACCEPTS
                  : state == PT_SVC_PAUSE_PENDING ||
                          state == PT_SVC_CONTINUE_PENDING
                      ? PT_SVC_ACCEPT_STOP | PT_SVC_ACCEPT_SHUTDOWN |
                            PT_SVC_ACCEPT_PRESHUTDOWN
                      : 0;
  m->scm->report(&m->st, m->scm->payload);
}

static void report(pt_svc *m, pt_svc_state state, unsigned hint_ms)
{
  pt_mutex_lock(m->mu);
  report_locked(m, state, hint_ms);
  pt_mutex_unlock(m->mu);
}

/* Moves from one state to the next unless a control moved it meanwhile
 * (a STOP arriving while a pause is carried out wins). */
static void settle(pt_svc *m, pt_svc_state from, pt_svc_state to,
                   unsigned hint_ms)
{
  pt_mutex_lock(m->mu);
  if (m->st.state == from)
    report_locked(m, to, hint_ms);
  pt_mutex_unlock(m->mu);
}

static void say(pt_svc *m, pt_svc_level level, const char *fmt, ...)
  PT_PRINTF(3, 4);

static void say(pt_svc *m, pt_svc_level level, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  m->scm->log(level, msg, m->scm->payload);
}

/* The control wished for, asleep until there is one (an idle service
 * uses no CPU). */
static pt_svc_ctrl take_wish(pt_svc *m)
{
  pt_mutex_lock(m->mu);
  while (!m->want) {
    pt_cond_wait(m->wished, m->mu);
    m->wakeups++;
  }
  pt_svc_ctrl c = m->want;
  if (c != PT_SVC_CTRL_STOP) /* a stop stays wished for */
    m->want = 0;
  pt_mutex_unlock(m->mu);
  return c;
}

static int stop_wished(pt_svc *m)
{
  pt_mutex_lock(m->mu);
  int stop = m->want == PT_SVC_CTRL_STOP;
  pt_mutex_unlock(m->mu);
  return stop;
}

static unsigned long long ms_since(uint64_t t0)
{
  return (unsigned long long)((pt_clock_ns() - t0) / MS);
}

/* Appends the step under way and its time to m->steps. */
static void end_step(pt_svc *m)
{
  size_t len = strlen(m->steps);
  if (m->step)
    pt_snprintf(m->steps + len, sizeof m->steps - len, "%s%s %llu ms",
                len ? ", " : "", m->step, ms_since(m->step_t0));
  m->step = NULL;
}

/* Each step of opening is a checkpoint; indexing a big root reports at
 * most four times a second. */
static void on_progress(const char *step, size_t done, size_t total,
                        void *payload)
{
  pt_svc *m = payload;
  uint64_t now = pt_clock_ns();
  if (!m->step || strcmp(step, m->step) != 0) {
    end_step(m);
    m->step = step;
    m->step_t0 = now;
  }
  if (strcmp(step, "index") == 0 && done != total &&
      now - m->last_progress < 250 * MS)
    return;
  m->last_progress = now;
  settle(m, PT_SVC_START_PENDING, PT_SVC_START_PENDING, PT_SVC_START_HINT_MS);
}

int pt_svc_new(const pt_serve_opts *opts, const pt_svc_scm *scm,
               pt_svc **out)
{
  *out = NULL;
  pt_svc *m = pt_calloc(1, sizeof *m);
  if (!m)
    return PT_ERR(PT_ENOMEM, "out of memory");
  m->o = *opts;
  m->scm = scm;
  m->st.state = PT_SVC_STOPPED;
  m->db = opts->db ? pt_strdup(opts->db) : NULL;
  m->root = opts->root ? pt_strdup(opts->root) : NULL;
  m->bind = opts->bind ? pt_strdup(opts->bind) : NULL;
  int rc = (opts->db && !m->db) || (opts->root && !m->root) ||
                   (opts->bind && !m->bind)
               ? PT_ERR(PT_ENOMEM, "out of memory")
               : pt_mutex_new(&m->mu);
  if (rc == 0)
    rc = pt_cond_new(&m->wished);
  if (rc) {
    pt_svc_free(m);
    return rc;
  }
  m->o.db = m->db;
  m->o.root = m->root;
  m->o.bind = m->bind;
  m->o.progress = on_progress;
  m->o.payload = m;
  *out = m;
  return 0;
}

void pt_svc_free(pt_svc *m)
{
  if (!m)
    return;
  pt_serve_free(m->sv);
  pt_cond_free(m->wished);
  pt_mutex_free(m->mu);
  pt_free(m->db);
  pt_free(m->root);
  pt_free(m->bind);
  pt_free(m);
}

/* ---- the HTTP probe -------------------------------------------------------- */

int pt_svc_http_get(unsigned port, const char *path, unsigned timeout_ms,
                    char *buf, size_t size)
{
  char req[512];
  size_t len = 0;
  pt_snprintf(req, sizeof req,
              "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
              "Connection: close\r\n\r\n", path, port);
  int rc = pt_net_request("127.0.0.1", port, req, timeout_ms, buf, size, &len);
  if (rc)
    return rc;
  const char *body = strstr(buf, "\r\n\r\n");
  if (strncmp(buf, "HTTP/1.", 7) != 0 || !body || strlen(buf) < 12)
    return PT_ERR(PT_EIO, "127.0.0.1:%u%s: not an HTTP answer", port, path);
  if (strncmp(buf + 9, "200", 3) != 0)
    return PT_ERR(PT_EIO, "127.0.0.1:%u%s answered %.3s", port, path,
                  buf + 9);
  body += 4;
  memmove(buf, body, strlen(body) + 1);
  return 0;
}

/* RUNNING only once the API answers: the port is bound before the server's
 * threads run, so a client could connect before anything would answer. */
static int wait_for_answer(pt_svc *m)
{
  char body[512];
  uint64_t t0 = pt_clock_ns();
  while (!stop_wished(m)) {
    if (pt_svc_http_get(m->port, "/server-health-check-status", 1000, body,
                        sizeof body) == 0)
      return 0;
    if (pt_clock_ns() - t0 > PT_SVC_ANSWER_TIMEOUT_MS * MS)
      return PT_ERR(PT_EIO, "the HTTP API on port %u never answered: %s",
                    m->port, pt_error_last()->message);
    pt_error_clear();
    settle(m, PT_SVC_START_PENDING, PT_SVC_START_PENDING,
           PT_SVC_START_HINT_MS);
    pt_sleep_ms(50);
  }
  return 0;
}

/* ---- the run --------------------------------------------------------------- */

static pt_svc_exit fail(pt_svc *m, pt_svc_exit code, const char *what)
{
  say(m, PT_SVC_LOG_ERROR, "%s: %s", what, pt_error_last()->message);
  pt_error_clear();
  return code;
}

static void on_ingest_progress(size_t done, size_t total, uint64_t bytes,
                               void *payload)
{
  on_progress("index", done, total, payload);
}

/* A first start: no index yet. The root is indexed into it now, under
 * START_PENDING, so RUNNING serves the whole tree from the first answer. */
static int index_if_missing(pt_svc *m)
{
  pt_store_spec sp;
  pt_fs_stat fst;
  int rc = pt_store_spec_parse(m->o.db, &sp);
  if (rc || sp.engine == PT_ENGINE_MEM || !m->o.root)
    return rc;
  rc = pt_fs_stat_path(sp.path, &fst);
  if (rc != PT_ENOTFOUND)
    return rc;
  pt_error_clear();
  say(m, PT_SVC_LOG_INFO, "no index at %s yet: indexing %s", sp.path,
      m->o.root);
  char *skip[2] = {NULL, NULL};
  size_t n_skip = 0;
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *store = NULL;
  memset(&st, 0, sizeof st);
  rc = pt_store_skip_paths(NULL, m->o.db, skip, &n_skip);
  pt_ingest_opts io = {m->o.root, 0, 0, (const char *const *)skip, n_skip,
                       on_ingest_progress, m, 0, NULL,
                       1 /* the store keeps each file's reads */};
  if (rc == 0)
    rc = pt_ingest(&io, &g, &st);
  if (rc == 0)
    rc = pt_store_open(m->o.db, &store);
  if (rc == 0)
    rc = pt_store_save(store, g);
  pt_store_close(store);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(skip[0]);
  pt_free(skip[1]);
  return rc;
}

static void say_opened(pt_svc *m)
{
  const pt_graph *g = pt_serve_graph(m->sv);
  end_step(m);
  say(m, PT_SVC_LOG_INFO, "index opened: %zu entities, %zu edges, %zu files "
      "(%s)", pt_graph_n_entities(g), pt_graph_n_edges(g),
      pt_graph_n_files(g), m->steps);
}

/* The server first, RUNNING once it answers from the opened graph; the
 * live index (watcher, first pass over the root) starts after RUNNING
 * (pt_svc_main), so a big root's first pass is not part of the start. */
static pt_svc_exit start_session(pt_svc *m)
{
  if (index_if_missing(m) != 0)
    return fail(m, PT_SVC_EXIT_OPEN, "cannot make the first index");
  if (pt_serve_open(&m->o, &m->sv) != 0)
    return fail(m, PT_SVC_EXIT_OPEN, "cannot open the index");
  say_opened(m);
  if (*pt_serve_follow_error(m->sv))
    say(m, PT_SVC_LOG_WARN, "serving the stored index as it is: %s",
        pt_serve_follow_error(m->sv));
  if (stop_wished(m))
    return PT_SVC_EXIT_OK;
  settle(m, PT_SVC_START_PENDING, PT_SVC_START_PENDING, PT_SVC_START_HINT_MS);
  if (pt_serve_start_server(m->sv) != 0)
    return fail(m, PT_SVC_EXIT_SERVE, "cannot start the HTTP server");
  m->port = pt_serve_port(m->sv); /* a port in use failed the start above */
  if (wait_for_answer(m) != 0)
    return fail(m, PT_SVC_EXIT_NO_ANSWER, "cannot serve");
  return PT_SVC_EXIT_OK;
}

/* After RUNNING: the watcher and the first pass, which catches up with
 * the changes made while the service was stopped. */
static void start_live(pt_svc *m)
{
  uint64_t t0 = pt_clock_ns();
  pt_serve_start_live(m->sv); /* PT_EINVAL only for a session not started */
  if (*pt_serve_live_error(m->sv))
    say(m, PT_SVC_LOG_WARN, "the live index cannot start: %s",
        pt_serve_live_error(m->sv));
  else if (pt_serve_live(m->sv))
    say(m, PT_SVC_LOG_INFO, "following the root: the live index started "
        "(%llu ms); its first pass catches up with changes made while "
        "stopped", ms_since(t0));
}

/* A thread of its own, asleep until the live index counts a failed
 * backup: each is logged (the event log, for the operator) with the live
 * index's reason. It ends when the live index stops. */
static void watch_saves(void *payload)
{
  pt_svc *m = payload;
  pt_live *lv = pt_serve_live(m->sv);
  uint64_t failed = 0, n;
  while ((n = pt_live_wait_failed_saves(lv, failed)) != failed) {
    pt_live_status st;
    pt_live_get_status(lv, &st);
    say(m, PT_SVC_LOG_ERROR, "backup failed (%llu so far; %s): %s",
        (unsigned long long)n,
        st.saves_stopped ? "a newer index is there: backups stop until the "
                           "service restarts"
                         : "tried again every 5 s, 12 times at most, then "
                           "at the next change",
        st.last_error);
    failed = n;
  }
}

static void start_watching_saves(pt_svc *m)
{
  if (!pt_serve_live(m->sv) ||
      pt_thread_start(watch_saves, m, &m->saves_watch) == 0)
    return;
  say(m, PT_SVC_LOG_WARN, "failed backups will not be logged: %s",
      pt_error_last()->message);
  pt_error_clear();
  m->saves_watch = NULL;
}

/* RUNNING and PAUSED: controls until a stop. */
static void serve_controls(pt_svc *m)
{
  for (;;) {
    pt_svc_ctrl c = take_wish(m);
    if (c == PT_SVC_CTRL_STOP)
      return;
    if (c == PT_SVC_CTRL_PAUSE) {
      pt_serve_pause(m->sv);
      settle(m, PT_SVC_PAUSE_PENDING, PT_SVC_PAUSED, 0);
      say(m, PT_SVC_LOG_INFO, "paused: re-indexing held, the API answers "
          "from the last graph");
    } else if (c == PT_SVC_CTRL_CONTINUE) {
      pt_serve_resume(m->sv);
      settle(m, PT_SVC_CONTINUE_PENDING, PT_SVC_RUNNING, 0);
      say(m, PT_SVC_LOG_INFO, "continued: re-indexing resumed");
    }
  }
}

static uint64_t saves_of(pt_svc *m)
{
  pt_live_status st;
  pt_live *lv = pt_serve_live(m->sv);
  if (!lv)
    return 0;
  pt_live_get_status(lv, &st);
  return st.saves;
}

/* STOP_PENDING while the session stops and writes its final backup. */
static pt_svc_exit stop_session(pt_svc *m, pt_svc_exit code)
{
  report(m, PT_SVC_STOP_PENDING, PT_SVC_STOP_HINT_MS);
  uint64_t t0 = pt_clock_ns(), saves = saves_of(m);
  int rc = pt_serve_stop(m->sv);
  unsigned long long stop_ms = ms_since(t0);
  pt_thread_join(m->saves_watch); /* the live index stopped: it ended */
  m->saves_watch = NULL;
  if (rc != 0 && code == PT_SVC_EXIT_OK)
    code = fail(m, PT_SVC_EXIT_BACKUP, "the final backup failed");
  pt_error_clear();
  int wrote = saves_of(m) > saves;
  t0 = pt_clock_ns();
  pt_serve_free(m->sv);
  m->sv = NULL;
  say(m, PT_SVC_LOG_INFO, "stopping took %llu ms (%s) and %llu ms to free "
      "the index", stop_ms, wrote ? "the final backup written"
                                  : rc ? "the final backup failed"
                                       : "no backup due", ms_since(t0));
  return code;
}

static void finish(pt_svc *m, pt_svc_exit code)
{
  pt_mutex_lock(m->mu);
  m->st.win32_exit = code ? PT_SVC_WIN32_SPECIFIC : 0;
  m->st.specific_exit = (unsigned)code;
  pt_mutex_unlock(m->mu);
  if (code == PT_SVC_EXIT_OK)
    say(m, PT_SVC_LOG_INFO, "stopped");
  else
    say(m, PT_SVC_LOG_ERROR, "stopped with service-specific exit code %u "
        "(docs/windows-service.md)", (unsigned)code);
  report(m, PT_SVC_STOPPED, 0);
}

pt_svc_exit pt_svc_main(pt_svc *m)
{
  m->last_progress = m->t0 = pt_clock_ns();
  report(m, PT_SVC_START_PENDING, PT_SVC_START_HINT_MS);
  say(m, PT_SVC_LOG_INFO, "starting: index %s, root %s, port %u", m->o.db,
      m->o.root ? m->o.root : "(the stored one)", m->o.port);
  pt_svc_exit code = start_session(m);
  if (code == PT_SVC_EXIT_OK && !stop_wished(m)) {
    settle(m, PT_SVC_START_PENDING, PT_SVC_RUNNING, 0);
    say(m, PT_SVC_LOG_INFO, "running: the API answers on http://127.0.0.1:%u "
        "(%llu ms after the start)", m->port, ms_since(m->t0));
    if (!stop_wished(m))
      start_live(m);
    start_watching_saves(m);
    serve_controls(m);
  }
  if (m->sv)
    code = stop_session(m, code);
  finish(m, code);
  return code;
}

int pt_svc_control(pt_svc *m, pt_svc_ctrl c)
{
  int rc = 0;
  pt_mutex_lock(m->mu);
  pt_svc_state s = m->st.state;
  if (c == PT_SVC_CTRL_INTERROGATE) {
    m->scm->report(&m->st, m->scm->payload);
  } else if (c == PT_SVC_CTRL_STOP || c == PT_SVC_CTRL_SHUTDOWN ||
             c == PT_SVC_CTRL_PRESHUTDOWN) {
    if (s == PT_SVC_STOPPED)
      rc = PT_ERR(PT_ENOTSUPPORTED, "the service is stopped");
    else if (m->want != PT_SVC_CTRL_STOP) {
      m->want = PT_SVC_CTRL_STOP;
      report_locked(m, PT_SVC_STOP_PENDING, PT_SVC_STOP_HINT_MS);
    }
  } else if (c == PT_SVC_CTRL_PAUSE && s == PT_SVC_RUNNING &&
             m->want != PT_SVC_CTRL_STOP) {
    m->want = PT_SVC_CTRL_PAUSE;
    report_locked(m, PT_SVC_PAUSE_PENDING, PT_SVC_PAUSE_HINT_MS);
  } else if (c == PT_SVC_CTRL_CONTINUE && s == PT_SVC_PAUSED &&
             m->want != PT_SVC_CTRL_STOP) {
    m->want = PT_SVC_CTRL_CONTINUE;
    report_locked(m, PT_SVC_CONTINUE_PENDING, PT_SVC_PAUSE_HINT_MS);
  } else if ((c == PT_SVC_CTRL_PAUSE && s == PT_SVC_PAUSED) ||
             (c == PT_SVC_CTRL_CONTINUE && s == PT_SVC_RUNNING)) {
    m->scm->report(&m->st, m->scm->payload); /* already there */
  } else {
    rc = PT_ERR(PT_ENOTSUPPORTED, "control %d is not accepted now", (int)c);
  }
  if (m->want)
    pt_cond_signal(m->wished);
  pt_mutex_unlock(m->mu);
  return rc;
}

void pt_svc_get_status(pt_svc *m, pt_svc_status *out)
{
  pt_mutex_lock(m->mu);
  *out = m->st;
  pt_mutex_unlock(m->mu);
}

unsigned pt_svc_port(pt_svc *m)
{
  return m->port;
}

uint64_t pt_svc_wakeups(pt_svc *m)
{
  pt_mutex_lock(m->mu);
  uint64_t n = m->wakeups;
  pt_mutex_unlock(m->mu);
  return n;
}
