/* The serving session (pt/serve.h) through its real parts (SQLite file,
 * live index, HTTP server on loopback): a failure at every step of open,
 * start and stop leaves nothing behind and nothing freed too early; the
 * stop order saves the last changes while the graph lives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/live.h"
#include "pt/serve.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "test_support.h"


static const char *const SOURCE = "int helper(void) { return 1; }\n"
                                  "int main(void) { return helper(); }\n";

/* a + sep + b, pt_malloc'd: "sqlite" ":" "/x/r.db", "/x" "/" "src". */
static char *cat(const char *a, const char *sep, const char *b)
{
  pt_buf buf = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&buf, "%s%s%s", a, sep, b), 0);
  return pt_buf_detach(&buf);
}

/* Indexes root as pt01 would and saves it into spec. */
static void index_into(const char *root, const char *spec)
{
  pt_ingest_opts o = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *store = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  assert_int_equal(pt_store_open(spec, &store), 0);
  assert_int_equal(pt_store_save(store, g), 0);
  pt_store_close(store);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
}

static pt_serve_opts opts(const char *db, const char *root)
{
  pt_serve_opts o = {db, root, NULL, 0, 2, 0, NULL, NULL, NULL, 0, 0, NULL, NULL};
  return o;
}

static void serve_open__rejects_a_bad_engine_spec(void **state)
{
  (void)state;
  pt_serve *sv = (pt_serve *)1;
  pt_serve_opts o = opts("postgres:x", NULL);
  assert_int_equal(pt_serve_open(&o, &sv), PT_EINVAL);
  assert_null(sv);
  assert_non_null(strstr(pt_error_last()->message, "sqlite:PATH"));
  o = opts("sqlite:", NULL);
  assert_int_equal(pt_serve_open(&o, &sv), PT_EINVAL);
  o = opts("mem", NULL);
  assert_int_equal(pt_serve_open(&o, &sv), PT_EINVAL);
  assert_null(sv);
}

static void serve_open__missing_or_corrupt_database_fails_cleanly(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_bad_db");
  pt_test_write(dir, "junk.db", "this is not a SQLite database, not at all\n");
  char *path = cat(dir, "/", "junk.db");
  char *junk = cat("sqlite", ":", path);
  char *missing = cat("sqlite", ":", dir); /* a folder, not a file */
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(junk, NULL);
  assert_int_not_equal(pt_serve_open(&o, &sv), 0);
  assert_null(sv);
  o = opts(missing, NULL);
  assert_int_not_equal(pt_serve_open(&o, &sv), 0);
  assert_null(sv);
  pt_free(missing);
  pt_free(junk);
  pt_free(path);
  pt_free(dir);
}

static void serve__stored_index_whose_root_is_gone_is_served_as_it_is(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_gone");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  assert_int_equal(pt_fs_remove_tree(src), 0);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_non_null(strstr(pt_serve_follow_error(sv), "cannot follow"));
  assert_null(pt_serve_live(sv));
  assert_int_equal(pt_graph_n_files(pt_serve_graph(sv)), 1);
  assert_int_equal(pt_serve_start(sv), 0);
  assert_true(pt_serve_port(sv) > 0);
  assert_int_equal(pt_serve_stop(sv), 0);
  assert_int_equal(pt_serve_stop(sv), 0); /* idempotent */
  pt_serve_free(sv);
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

static void serve_start__unbindable_address_fails_and_frees_cleanly(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_bind");
  pt_test_write(dir, "a.c", SOURCE);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts("mem", dir);
  o.bind = "not-an-address";
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_not_equal(pt_serve_start(sv), 0);
  assert_int_equal(pt_serve_stop(sv), 0);
  pt_serve_free(sv);
  pt_free(dir);
}

/* A port held by another program, bound on loopback; its number out. */
static uint64_t hold_port(unsigned *port)
{
  uint64_t sock = 0;
  assert_int_equal(pt_net_listen("127.0.0.1", 0, &sock), 0);
  assert_int_equal(pt_net_local_port(sock, port), 0);
  assert_true(*port > 0);
  return sock;
}

/* The health route's server_port, asked over loopback. */
static unsigned health_port(unsigned port)
{
  char req[128], resp[4096];
  size_t len = 0;
  snprintf(req, sizeof req, "GET /server-health-check-status HTTP/1.1\r\n"
           "Host: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);
  assert_int_equal(pt_net_request("127.0.0.1", port, req, 5000, resp,
                                  sizeof resp, &len), 0);
  const char *at = strstr(resp, "\"server_port\":");
  assert_non_null(at);
  return (unsigned)strtoul(at + strlen("\"server_port\":"), NULL, 10);
}

/* A port the user chose is that port or a failure that says so, never the
 * next free one (which no client would know to ask). */
static void serve_start__chosen_port_in_use_fails_at_once(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_busy");
  pt_test_write(dir, "a.c", SOURCE);
  unsigned port = 0;
  uint64_t sock = hold_port(&port);
  char want[64];
  snprintf(want, sizeof want, "port %u is in use on 127.0.0.1", port);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts("mem", dir);
  o.port = port;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), PT_EEXISTS);
  assert_string_equal(pt_error_last()->message, want);
  pt_serve_free(sv);
  pt_net_close(sock);
  pt_error_clear();
  pt_free(dir);
}

/* Only the default port moves on to the next free one. */
static void serve_start__default_port_in_use_takes_a_later_one(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_scan");
  pt_test_write(dir, "a.c", SOURCE);
  unsigned port = 0;
  uint64_t sock = hold_port(&port);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts("mem", dir);
  o.port = port;
  o.scan_ports = 1;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), 0);
  assert_true(pt_serve_port(sv) > port && pt_serve_port(sv) < port + 100);
  assert_int_equal(health_port(pt_serve_port(sv)), pt_serve_port(sv));
  pt_serve_free(sv);
  pt_net_close(sock);
  pt_free(dir);
}

/* Port 0: the OS picks a free one, and the session (and the health route)
 * name the port it picked. */
static void serve_start__port_0_reports_the_port_bound(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_port0");
  pt_test_write(dir, "a.c", SOURCE);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts("mem", dir);
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), 0);
  unsigned port = pt_serve_port(sv);
  assert_true(port > 0);
  assert_int_equal(health_port(port), port);
  pt_serve_free(sv);
  pt_free(dir);
}

/* The reported use-after-free: the server freed the graph, then the live
 * index retried its failed backup on it. Now the live index makes its
 * last attempt while the graph lives, the failure is returned, and
 * nothing reads the graph after the server is gone. */
static void serve_stop__failed_last_backup_is_reported_not_a_crash(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_uaf");
  char *src = cat(dir, "/", "src");
  char *d = cat(dir, "/", "D");
  pt_test_write(src, "a.c", SOURCE);
  pt_test_write(d, "keep", "");
  char *db = cat("sqlite", ":", d);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);

  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_string_equal(pt_serve_follow_error(sv), "");
  assert_int_equal(pt_serve_start(sv), 0);
  assert_string_equal(pt_serve_live_error(sv), "");

  /* the database's folder becomes a plain file: every backup fails */
  assert_int_equal(pt_fs_remove_tree(d), 0);
  pt_test_write(dir, "D", "a file now\n");
  pt_test_write(src, "a.c", "int helper(void) { return 2; }\n");
  /* the live index's first pass may have seen the edit already: either
   * way a backup is now due, and every attempt fails */
  pt_live_delta delta;
  assert_int_equal(pt_live_reindex(pt_serve_live(sv), "a.c", &delta), 0);

  assert_int_equal(pt_serve_stop(sv), PT_EIO);
  assert_non_null(strstr(pt_error_last()->message, "not saved"));
  assert_int_equal(pt_serve_stop(sv), 0);
  pt_serve_free(sv);
  pt_free(dbp);
  pt_free(db);
  pt_free(d);
  pt_free(src);
  pt_free(dir);
}

/* The last changes reach the file on stop, and the file then holds what a
 * fresh index of the changed tree holds. */
static void serve_stop__writes_the_last_changes(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_last");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), 0);
  pt_test_write(src, "b.c", "int other(void) { return helper(); }\n");
  pt_live_delta delta;
  assert_int_equal(pt_live_reindex(pt_serve_live(sv), "b.c", &delta), 0);
  assert_int_equal(pt_serve_stop(sv), 0);
  pt_serve_free(sv);

  pt_store *store = NULL;
  pt_graph *g = NULL;
  assert_int_equal(pt_store_open(dbp, &store), 0);
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_store_load(store, g), 0);
  assert_int_equal(pt_graph_n_files(g), 2);
  pt_graph_free(g);
  pt_store_close(store);
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

typedef struct steps {
  char seen[256];
  size_t last_done, last_total;
} steps;

static void on_step(const char *step, size_t done, size_t total, void *payload)
{
  steps *st = payload;
  size_t n = strlen(st->seen);
  if (strcmp(step, "index") != 0 || done <= 1)
    pt_snprintf(st->seen + n, sizeof st->seen - n, "%s ", step);
  st->last_done = done;
  st->last_total = total;
}

/* Each step of opening is reported (the service's START_PENDING
 * checkpoints): a stored index is opened, loaded and followed; a root
 * indexed in memory counts its files. */
static void serve_open__reports_each_step(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_steps");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  pt_test_write(src, "b.c", "int b(void) { return helper(); }\n");
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  steps st = {"", 0, 0};
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  o.progress = on_step;
  o.payload = &st;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_string_equal(st.seen, "open load follow ");
  pt_serve_free(sv);
  memset(&st, 0, sizeof st);
  o = opts("mem", src);
  o.progress = on_step;
  o.payload = &st;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_string_equal(st.seen, "index index ");
  assert_int_equal(st.last_done, 2);
  assert_int_equal(st.last_total, 2);
  pt_serve_free(sv);
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

/* The two halves of pt_serve_start: the server answers from the opened
 * graph, and the live index's first pass (which finds a file added while
 * nothing watched) runs only once pt_serve_start_live is called. */
static void serve_start_live__runs_the_first_pass_only_when_called(
    void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_halves");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  pt_test_write(src, "b.c", "int other(void) { return helper(); }\n");
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  o.watch = 1;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start_live(sv), PT_EINVAL); /* no server yet */
  pt_error_clear();
  assert_int_equal(pt_serve_start_server(sv), 0);
  assert_int_equal(health_port(pt_serve_port(sv)), pt_serve_port(sv));
  pt_live *lv = pt_serve_live(sv);
  pt_live_status ls;
  pt_live_delta d;
  assert_int_equal(pt_live_reindex(lv, "b.c", &d), PT_EBUSY);
  pt_error_clear();
  pt_sleep_ms(200);
  pt_live_get_status(lv, &ls);
  assert_int_equal(ls.root_passes, 0);
  assert_false(ls.watch_running);
  assert_int_equal(pt_graph_n_files(pt_live_graph(lv)), 1);

  assert_int_equal(pt_serve_start_live(sv), 0);
  assert_int_equal(pt_serve_start_live(sv), 0); /* a second call: nothing */
  for (int i = 0; i < 1000 && ls.root_passes == 0; i++) {
    pt_sleep_ms(10);
    pt_live_get_status(lv, &ls);
  }
  assert_int_equal(ls.root_passes, 1);
  assert_true(ls.watch_running);
  assert_int_equal(pt_graph_n_files(pt_live_graph(lv)), 2);
  assert_int_equal(pt_serve_stop(sv), 0);
  pt_serve_free(sv);
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

/* Stopped between the halves: the server stops, the live index never
 * started, nothing is written or leaked. */
static void serve_stop__before_the_live_index_started(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_half_stop");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts(dbp, NULL);
  o.watch = 1;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start_server(sv), 0);
  unsigned port = pt_serve_port(sv);
  assert_int_equal(pt_serve_stop(sv), 0);
  assert_int_equal(pt_serve_start_live(sv), PT_EINVAL);
  pt_error_clear();
  pt_live_status ls;
  pt_live_get_status(pt_serve_live(sv), &ls);
  assert_int_equal(ls.saves, 0);
  assert_int_equal(ls.root_passes, 0);
  pt_serve_free(sv);
  char b[64];
  size_t len = 0;
  assert_int_not_equal(pt_net_request("127.0.0.1", port, "GET / HTTP/1.0\r\n"
                                      "\r\n", 500, b, sizeof b, &len), 0);
  pt_error_clear();
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

/* Pause and resume reach the live index; a stopped session refuses. */
static void serve_pause__holds_the_live_index_until_resume(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_pause");
  pt_test_write(dir, "a.c", SOURCE);
  pt_serve *sv = NULL;
  pt_serve_opts o = opts("mem", dir);
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), 0);
  pt_live_status ls;
  assert_int_equal(pt_serve_pause(sv), 0);
  assert_true(pt_serve_is_paused(sv));
  pt_live_get_status(pt_serve_live(sv), &ls);
  assert_true(ls.paused);
  pt_live_delta d;
  assert_int_equal(pt_live_reindex(pt_serve_live(sv), "a.c", &d), PT_EBUSY);
  pt_error_clear();
  assert_int_equal(pt_serve_resume(sv), 0);
  assert_false(pt_serve_is_paused(sv));
  pt_live_get_status(pt_serve_live(sv), &ls);
  assert_false(ls.paused);
  assert_int_equal(pt_live_reindex(pt_serve_live(sv), "a.c", &d), 0);
  assert_int_equal(pt_serve_stop(sv), 0);
  assert_int_equal(pt_serve_pause(sv), PT_EINVAL);
  assert_int_equal(pt_serve_resume(sv), PT_EINVAL);
  pt_error_clear();
  pt_serve_free(sv);
  pt_free(dir);
}

/* One whole life of a session with the n-th allocation failing. */
static int one_life(const pt_serve_opts *o)
{
  pt_serve *sv = NULL;
  int rc = pt_serve_open(o, &sv);
  if (rc == 0)
    rc = pt_serve_start(sv);
  int stop = pt_serve_stop(sv);
  pt_serve_free(sv);
  return rc ? rc : stop;
}

/* The allocations of a whole life fail in turn, the first, the second,
 * ...: each run ends in an error or a session that still works, never a
 * crash or a leak (the sanitizer build checks both). Some failures are
 * absorbed by design (a file that cannot be extracted is reported and
 * skipped, a watcher that cannot start is reported), so the loop goes on
 * until a long streak of whole lives shows the count is past a life's
 * allocations. */
static void oom_every_step(const char *db, const char *root)
{
  pt_serve_opts o = opts(db, root);
  unsigned long n, failures = 0, streak = 0;
  for (n = 1; streak < 50 && n < 5000; n++) {
    pt_alloc_fail_after(n);
    int rc = one_life(&o);
    pt_alloc_fail_after(0);
    pt_error_clear();
    failures += rc != 0;
    streak = rc ? 0 : streak + 1;
  }
  assert_true(failures > 10);
  assert_int_equal(streak, 50);
  assert_int_equal(one_life(&o), 0); /* and all is well afterwards */
}

static void serve__out_of_memory_at_every_step_fails_cleanly(void **state)
{
  (void)state;
  char *dir = pt_test_tmpdir("serve_oom");
  char *src = cat(dir, "/", "src");
  pt_test_write(src, "a.c", SOURCE);
  oom_every_step("mem", src);
  char *db = cat("sqlite", ":", dir);
  char *dbp = cat(db, "/", "r.db");
  index_into(src, dbp);
  oom_every_step(dbp, NULL);
  pt_free(dbp);
  pt_free(db);
  pt_free(src);
  pt_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(serve_open__rejects_a_bad_engine_spec),
    cmocka_unit_test(serve_open__missing_or_corrupt_database_fails_cleanly),
    cmocka_unit_test(serve__stored_index_whose_root_is_gone_is_served_as_it_is),
    cmocka_unit_test(serve_start__unbindable_address_fails_and_frees_cleanly),
    cmocka_unit_test(serve_start__chosen_port_in_use_fails_at_once),
    cmocka_unit_test(serve_start__default_port_in_use_takes_a_later_one),
    cmocka_unit_test(serve_start__port_0_reports_the_port_bound),
    cmocka_unit_test(serve_stop__failed_last_backup_is_reported_not_a_crash),
    cmocka_unit_test(serve_stop__writes_the_last_changes),
    cmocka_unit_test(serve_open__reports_each_step),
    cmocka_unit_test(serve_pause__holds_the_live_index_until_resume),
    cmocka_unit_test(serve_start_live__runs_the_first_pass_only_when_called),
    cmocka_unit_test(serve_stop__before_the_live_index_started),
    cmocka_unit_test(serve__out_of_memory_at_every_step_fails_cleanly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
