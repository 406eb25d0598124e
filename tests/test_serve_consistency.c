/* Readers against graph swaps, through the real path: a serving session
 * (pt/serve.h) on a temporary root, answering over loopback, while a
 * writer rewrites one file and has it reindexed (POST
 * /incremental-reindex-file-update) as fast as it can, each version a
 * different graph. Readers ask two routes in a loop and check that every
 * answer comes from one whole graph:
 *
 * - version i of hot.c holds 1 + i % 5 functions hot_<i>_<j>: a search
 *   answer must list exactly the functions of one version;
 * - the first answer naming a generation fixes what that generation holds
 *   (its version, its entity and edge counts); every later answer naming it
 *   must agree, and the counts must be those of the version;
 * - a reader never sees the generation go back.
 *
 * A graph half swapped, an envelope naming another graph than the one
 * that answered, or a cache kept across graphs, breaks one of these.
 *
 * The writer runs PT_CONSISTENCY_MS (default 2500 ms) and at least
 * MIN_SWAPS swaps, so that a slow build (sanitizers, wine, a loaded
 * machine) swaps as many graphs as a fast one, within MAX_MS.
 * bench/consistency_bench.sh runs it longer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/compat.h"
#include "pt/error.h"
#include "pt/serve.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "test_support.h"

#define N_READERS 3
#define MAX_GEN 100000
#define ANSWER_MAX (64 * 1024)
#define MIN_SWAPS 20
#define MAX_MS 120000u

typedef struct gen_facts {
  long version;           /* -1 until an answer names it */
  long entities, edges;   /* -1 until a statistics answer names it */
} gen_facts;

typedef struct stress {
  unsigned port;
  const char *root;
  volatile int done;      /* the writer has finished */
  long last_version;      /* the writer's last version */
  pt_mutex *mu;           /* guards everything below */
  gen_facts *gens;        /* by generation */
  unsigned long n_answers, n_swaps;
  unsigned long max_gen;
  char failure[512];      /* the first one; "" while none */
} stress;

/* Keeps the first failure; the caller holds s->mu. */
static void fail_locked(stress *s, const char *fmt, ...) PT_PRINTF(2, 3);
static void fail_locked(stress *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (!s->failure[0])
    vsnprintf(s->failure, sizeof s->failure, fmt, ap);
  va_end(ap);
}

#define FAIL(s, ...)                                                           \
  do {                                                                         \
    pt_mutex_lock((s)->mu);                                                    \
    fail_locked((s), __VA_ARGS__);                                             \
    pt_mutex_unlock((s)->mu);                                                  \
  } while (0)

static long n_functions(long version)
{
  return 1 + version % 5;
}

/* Version i of hot.c: hot_i_0 ... each calling the one before. */
static void write_version(stress *s, long i)
{
  pt_buf text = PT_BUF_INIT, path = PT_BUF_INIT, tmp = PT_BUF_INIT;
  pt_buf_printf(&text, "int hot_%ld_0(void) { return 0; }\n", i);
  for (long j = 1; j < n_functions(i); j++)
    pt_buf_printf(&text, "int hot_%ld_%ld(void) { return hot_%ld_%ld(); }\n",
                  i, j, i, j - 1);
  pt_buf_printf(&path, "%s/hot.c", s->root);
  pt_buf_printf(&tmp, "%s/../hot.c.tmp", s->root);
  if (pt_fs_write_file(tmp.ptr, text.ptr, text.len) != 0 ||
      pt_fs_replace(tmp.ptr, path.ptr) != 0)
    FAIL(s, "writing version %ld: %s", i, pt_error_last()->message);
  pt_buf_fini(&text);
  pt_buf_fini(&path);
  pt_buf_fini(&tmp);
}

/* One request over loopback; 0 and the body in out (NUL-terminated) when
 * the status is 200. */
static int request(stress *s, const char *method, const char *path, char *out)
{
  char req[512];
  size_t len = 0;
  snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\n\r\n", method, path);
  if (pt_net_request("127.0.0.1", s->port, req, 10000, out, ANSWER_MAX,
                     &len) != 0) {
    pt_error_clear();
    return -1;
  }
  if (strncmp(out, "HTTP/1.1 200 ", 13) != 0)
    return -1;
  char *body = strstr(out, "\r\n\r\n");
  if (!body)
    return -1;
  memmove(out, body + 4, strlen(body + 4) + 1);
  return 0;
}

/* The number after "key": in body, or -1. */
static long number(const char *body, const char *key)
{
  char pat[80];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(body, pat);
  return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* Records what one answer says of generation g; a disagreement with an
 * earlier answer is a failure. */
static void agree(stress *s, long g, long version, long entities, long edges)
{
  if (g < 1 || g >= MAX_GEN) {
    FAIL(s, "generation %ld out of range", g);
    return;
  }
  pt_mutex_lock(s->mu);
  gen_facts *f = &s->gens[g];
  if (version >= 0 && f->version >= 0 && f->version != version)
    fail_locked(s, "generation %ld answered with version %ld and %ld", g,
                f->version, version);
  if (entities >= 0 && f->entities >= 0 &&
      (f->entities != entities || f->edges != edges))
    fail_locked(s, "generation %ld answered with %ld entities, %ld edges and "
                "with %ld, %ld", g, f->entities, f->edges, entities, edges);
  if (version >= 0)
    f->version = version;
  if (entities >= 0) {
    f->entities = entities;
    f->edges = edges;
  }
  /* cold() and the functions of the version; each but the first calls */
  if (f->version >= 0 && f->entities >= 0 &&
      (f->entities != 1 + n_functions(f->version) ||
       f->edges != n_functions(f->version) - 1))
    fail_locked(s, "generation %ld: version %ld with %ld entities, %ld edges",
                g, f->version, f->entities, f->edges);
  if ((unsigned long)g > s->max_gen)
    s->max_gen = (unsigned long)g;
  s->n_answers++;
  pt_mutex_unlock(s->mu);
}

/* A search answer: the version its functions share, and that they are
 * exactly that version's; -1 after recording a failure. */
static long search_version(stress *s, const char *body)
{
  long version = -1, n = 0;
  for (const char *p = strstr(body, "\"name\":\"hot_"); p;
       p = strstr(p + 1, "\"name\":\"hot_")) {
    char *end = NULL;
    long v = strtol(p + 12, &end, 10);
    if (version >= 0 && v != version) {
      FAIL(s, "one answer holds versions %ld and %ld", version, v);
      return -1;
    }
    version = v;
    n++;
  }
  if (version < 0 || n != n_functions(version)) {
    FAIL(s, "version %ld answered with %ld functions", version, n);
    return -1;
  }
  return version;
}

static void reader(void *payload)
{
  stress *s = payload;
  char *body = pt_malloc(ANSWER_MAX);
  long last_gen = 0;
  for (unsigned long k = 0; body && !s->failure[0]; k++) {
    int is_done = s->done; /* one more round after the writer's end */
    int is_search = k % 2 == 0;
    if (request(s, "GET", is_search ? "/code-entities-search-fuzzy?q=hot_&limit=50"
                                    : "/codebase-statistics-overview-summary",
                body) != 0) {
      FAIL(s, "a request failed (reader round %lu)", k);
      break;
    }
    long g = number(body, "generation");
    if (g < last_gen)
      FAIL(s, "the generation went back from %ld to %ld", last_gen, g);
    last_gen = g;
    if (is_search) {
      long v = search_version(s, body);
      if (v >= 0)
        agree(s, g, v, -1, -1);
    } else {
      agree(s, g, -1, number(body, "code_entities_total_count"),
            number(body, "dependency_edges_total_count"));
    }
    if (is_done && k % 2 == 1)
      break;
  }
  pt_free(body);
}

static void writer(void *payload)
{
  stress *s = payload;
  char *body = pt_malloc(ANSWER_MAX);
  const char *env = getenv("PT_CONSISTENCY_MS");
  uint64_t ms = env ? strtoull(env, NULL, 10) : 2500;
  uint64_t t0 = pt_clock_ns(), end = t0 + ms * 1000000u,
           cap = t0 + (ms > MAX_MS ? ms : MAX_MS) * (uint64_t)1000000u;
  for (long i = 1; body && !s->failure[0]; i++) {
    uint64_t now = pt_clock_ns();
    if (now >= cap || (now >= end && s->n_swaps >= MIN_SWAPS))
      break;
    write_version(s, i);
    if (request(s, "POST", "/incremental-reindex-file-update?path=hot.c",
                body) != 0) {
      FAIL(s, "the reindex of version %ld failed", i);
      break;
    }
    s->last_version = i;
    s->n_swaps++;
  }
  pt_free(body);
  s->done = 1;
}

static void readers__see_one_whole_graph_while_graphs_are_swapped(void **state)
{
  stress s;
  memset(&s, 0, sizeof s);
  char *dir = pt_test_tmpdir("consistency");
  pt_buf root = PT_BUF_INIT;
  pt_buf_printf(&root, "%s/src", dir);
  pt_test_write(root.ptr, "cold.c", "int cold(void) { return 0; }\n");
  s.root = root.ptr;
  write_version(&s, 0);
  s.gens = pt_malloc(MAX_GEN * sizeof *s.gens);
  assert_non_null(s.gens);
  memset(s.gens, 0xff, MAX_GEN * sizeof *s.gens); /* every field -1 */
  assert_int_equal(pt_mutex_new(&s.mu), 0);
  pt_serve_opts o = {"mem", root.ptr, NULL, 0, N_READERS + 1, 0, NULL, NULL,
                     NULL, 0, 0, NULL, NULL};
  pt_serve *sv = NULL;
  assert_int_equal(pt_serve_open(&o, &sv), 0);
  assert_int_equal(pt_serve_start(sv), 0);
  s.port = pt_serve_port(sv);

  pt_thread *t[N_READERS + 1];
  assert_int_equal(pt_thread_start(writer, &s, &t[0]), 0);
  for (int i = 1; i <= N_READERS; i++)
    assert_int_equal(pt_thread_start(reader, &s, &t[i]), 0);
  for (int i = 0; i <= N_READERS; i++)
    pt_thread_join(t[i]);
  printf("consistency: %lu swaps, %lu answers, generations up to %lu\n",
         s.n_swaps, s.n_answers, s.max_gen);
  if (s.failure[0])
    fail_msg("%s", s.failure);
  /* the last answers came from the last graph: every edit was seen */
  char *body = pt_malloc(ANSWER_MAX);
  assert_int_equal(request(&s, "GET", "/code-entities-search-fuzzy?q=hot_&limit=50",
                           body), 0);
  assert_int_equal(search_version(&s, body), s.last_version);
  assert_true(s.n_swaps >= MIN_SWAPS);
  assert_true(s.max_gen > MIN_SWAPS);
  assert_true(s.n_answers >= 2 * MIN_SWAPS);
  pt_free(body);
  assert_int_equal(pt_serve_stop(sv), 0);
  pt_serve_free(sv);
  pt_mutex_free(s.mu);
  pt_free(s.gens);
  pt_buf_fini(&root);
  pt_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(readers__see_one_whole_graph_while_graphs_are_swapped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
