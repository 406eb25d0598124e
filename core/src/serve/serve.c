/* The serving session of pt/serve.h: store, graph, live index and HTTP
 * server, opened, started and stopped in the one safe order. The order
 * matters because the live index saves the graph the server owns: the live
 * index stops (and writes its last backup) while the server still holds
 * that graph, and never reads it again once stopped. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/serve.h"
#include "pt/server.h"
#include "pt/store.h"
#include "pt/sys/term.h"

/* Where live graphs go: to the server once it runs; before that (the
 * first index, or the loaded graph) kept here to start it with. A graph
 * the server could not take stays here, alive while the live index still
 * calls it current. */
typedef struct sink {
  pt_server *srv;
  pt_graph *held; /* owned */
  int (*publish)(pt_graph *g, void *payload); /* instead of srv, or NULL */
  void *payload;
  int started;    /* publish has had the first graph */
} sink;

struct pt_serve {
  pt_serve_opts o;
  char *db, *root, *bind;  /* owned copies of the options' strings */
  pt_store *store;         /* owned; NULL for mem */
  pt_live *live;           /* owned; NULL when the root is not followed */
  pt_server *srv;          /* owned once started */
  sink k;
  char *skip[3];           /* owned: paths the live index never walks (the
                              database, the log file) */
  int stopped;
  int live_started;        /* pt_serve_start_live ran */
  int paused;
  char token[PT_TOKEN_MAX + 1]; /* the bearer token, "" when none */
  char follow_error[256];
  char live_error[256];
};

static void on_publish(pt_graph *g, void *payload)
{
  sink *k = payload;
  if (k->srv && pt_server_publish(k->srv, g) == 0)
    g = NULL;
  if (k->publish && k->started && k->publish(g, k->payload) == 0)
    g = NULL;
  if ((k->srv || k->started) && g)
    pt_error_clear(); /* the server keeps the older graph */
  pt_graph_free(k->held);
  k->held = g;
}

/* The live index's thread, while nothing waits: the server makes its
 * graph's name index, which the first lookup by name would make (a
 * patched graph's comes from it, not made whole again). */
static void on_prepare(void *payload)
{
  sink *k = payload;
  if (k->srv)
    pt_server_prepare(k->srv);
}

static int copy_opts(pt_serve *s, const pt_serve_opts *o)
{
  s->o = *o;
  s->db = pt_strdup(o->db);
  s->root = o->root ? pt_strdup(o->root) : NULL;
  s->bind = o->bind ? pt_strdup(o->bind) : NULL;
  if (!s->db || (o->root && !s->root) || (o->bind && !s->bind))
    return PT_ERR(PT_ENOMEM, "out of memory");
  s->o.db = s->db;
  s->o.root = s->root;
  s->o.bind = s->bind;
  return 0;
}

/* A stored index: the store opened (RocksDB stays open for write-through
 * and holds its lock; SQLite never holds its file open) and loaded. */
static void step(pt_serve *s, const char *what)
{
  if (s->o.progress)
    s->o.progress(what, 0, 0, s->o.payload);
}

static void on_index_progress(size_t done, size_t total, uint64_t bytes,
                              void *payload)
{
  pt_serve *s = payload;
  s->o.progress("index", done, total, s->o.payload);
}

static int load_store(pt_serve *s)
{
  step(s, "open");
  int rc = pt_store_open_mode(s->o.db, PT_STORE_UPDATE, &s->store);
  if (rc == 0)
    rc = pt_graph_new(&s->k.held);
  if (rc == 0) {
    step(s, "load");
    rc = pt_store_load(s->store, s->k.held);
  }
  return rc;
}

static int make_live(pt_serve *s, const char *root)
{
  size_t n_skip = 0;
  int rc = pt_store_skip_paths(NULL, s->o.db, s->skip, &n_skip);
  /* the server's own log, redirected into the root, is never an event */
  if (rc == 0 && s->o.log) {
    int lrc = pt_term_file_path(s->o.log, &s->skip[n_skip]);
    if (lrc == 0)
      n_skip++;
    else if (lrc == PT_ENOMEM)
      rc = lrc;
    else
      pt_error_clear(); /* a console or a pipe */
  }
  if (rc == 0) {
    pt_live_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.root = root;
    lo.skip = (const char *const *)s->skip;
    lo.n_skip = n_skip;
    lo.store = s->store;
    lo.log = s->o.log;
    lo.publish = on_publish;
    lo.prepare = on_prepare;
    lo.payload = &s->k;
    lo.progress = s->o.progress ? on_index_progress : NULL;
    lo.progress_payload = s;
    rc = pt_live_new(&lo, &s->live);
  }
  return rc;
}

/* "mem": the root indexed now; the first graph arrives through the sink.
 * The watcher starts first: a file changed after the index's walk and
 * before pt_serve_start_live is seen then (mcp --root on a loaded
 * machine missed one so). */
static int index_root(pt_serve *s)
{
  pt_ingest_stats st;
  const pt_graph *first = NULL;
  memset(&st, 0, sizeof st);
  int rc = make_live(s, s->o.root);
  if (rc == 0 && s->o.watch)
    pt_live_watch(s->live);
  if (rc == 0) {
    step(s, "index");
    rc = pt_live_index(s->live, &first, &st);
  }
  pt_ingest_stats_fini(&st);
  return rc;
}

/* A stored index follows the root it was made from (or --root); when that
 * cannot be followed, the index is served as it is. */
static int follow_root(pt_serve *s)
{
  const char *root = s->o.root ? s->o.root : pt_graph_meta(s->k.held, "root");
  if (!root)
    return 0;
  step(s, "follow");
  int rc = make_live(s, root);
  if (rc == PT_ENOMEM)
    return rc;
  if (rc) {
    pt_snprintf(s->follow_error, sizeof s->follow_error, "cannot follow %s: %s",
                root, pt_error_last()->message);
    pt_error_clear();
    pt_live_free(s->live);
    s->live = NULL;
    return 0;
  }
  if (s->o.watch)
    pt_live_adopt(s->live, s->k.held);
  else /* --no-watch: no first pass, nothing rewritten at start */
    pt_live_adopt_as_is(s->live, s->k.held);
  return 0;
}

int pt_serve_open(const pt_serve_opts *opts, pt_serve **out)
{
  pt_store_spec sp;
  *out = NULL;
  if (!opts || !opts->db)
    return PT_ERR(PT_EINVAL, "pt_serve_open: no engine spec");
  int rc = pt_store_spec_parse(opts->db, &sp);
  if (rc)
    return rc;
  if (sp.engine == PT_ENGINE_MEM && !opts->root)
    return PT_ERR(PT_EINVAL, "an in-memory index (mem) needs the folder to "
                  "index");
  pt_serve *s = pt_calloc(1, sizeof *s);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory");
  rc = copy_opts(s, opts);
  int is_created = 0;
  if (rc == 0 && opts->token_file) /* before a long load: it may be refused */
    rc = pt_server_token_file(opts->token_file, opts->token_account, s->token,
                              &is_created);
  if (rc == 0)
    rc = sp.engine == PT_ENGINE_MEM ? index_root(s) : load_store(s);
  if (rc == 0 && sp.engine != PT_ENGINE_MEM)
    rc = follow_root(s);
  if (rc) {
    pt_serve_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

void pt_serve_publish_to(pt_serve *s, pt_serve_publish_fn publish,
                         void *payload)
{
  s->k.publish = publish;
  s->k.payload = payload;
}

/* pt_serve_publish_to: the graphs go there instead of to a server. */
static int start_without_server(pt_serve *s)
{
  int rc = s->k.publish(s->k.held, s->k.payload);
  if (rc) {
    pt_live_stop(s->live); /* nothing runs yet: never reads it again */
    s->stopped = 1;
    return rc;
  }
  s->k.held = NULL;
  s->k.started = 1; /* before the live thread exists to publish */
  return 0;
}

int pt_serve_start_server(pt_serve *s)
{
  if (!s || s->srv || s->stopped || !s->k.held)
    return PT_ERR(PT_EINVAL, "pt_serve_start: not an opened session");
  if (s->k.publish)
    return start_without_server(s);
  pt_server_opts o = {.bind = s->o.bind, .port = s->o.port,
                      .db_spec = s->o.db, .n_threads = s->o.n_threads,
                      .log = s->o.log, .live = s->live,
                      .scan_ports = s->o.scan_ports,
                      .is_ascii = s->o.is_ascii,
                      .token = *s->token ? s->token : NULL};
  pt_graph *g = s->k.held;
  s->k.held = NULL;
  int rc = pt_server_start(&o, g, &s->srv); /* owns g from here, also on
                                               failure */
  if (rc) {
    s->srv = NULL;
    pt_live_stop(s->live); /* its graph is gone: it must never read it */
    s->stopped = 1;
    return rc;
  }
  s->k.srv = s->srv; /* before the live thread exists to publish */
  return 0;
}

int pt_serve_start_live(pt_serve *s)
{
  if (!s || s->stopped || (!s->srv && !s->k.started))
    return PT_ERR(PT_EINVAL, "pt_serve_start_live: not a started session");
  if (!s->live || s->live_started)
    return 0;
  s->live_started = 1;
  if (pt_live_start(s->live, s->o.watch) != 0) {
    pt_snprintf(s->live_error, sizeof s->live_error, "%s",
                pt_error_last()->message);
    pt_error_clear();
  }
  return 0;
}

int pt_serve_start(pt_serve *s)
{
  int rc = pt_serve_start_server(s);
  return rc ? rc : pt_serve_start_live(s);
}

int pt_serve_pause(pt_serve *s)
{
  if (!s || s->stopped)
    return PT_ERR(PT_EINVAL, "pt_serve_pause: not a running session");
  if (s->live)
    pt_live_pause(s->live);
  s->paused = 1;
  return 0;
}

int pt_serve_resume(pt_serve *s)
{
  if (!s || s->stopped)
    return PT_ERR(PT_EINVAL, "pt_serve_resume: not a running session");
  if (s->live)
    pt_live_resume(s->live);
  s->paused = 0;
  return 0;
}

int pt_serve_is_paused(const pt_serve *s)
{
  return s->paused;
}

int pt_serve_stop(pt_serve *s)
{
  char why[512] = "";
  if (!s || s->stopped)
    return 0;
  s->stopped = 1;
  int rc = pt_live_stop(s->live); /* its last backup, the graph alive */
  if (rc)
    pt_snprintf(why, sizeof why, "%s", pt_error_last()->message);
  pt_server_stop(s->srv); /* requests under way finish; frees the graph */
  s->srv = NULL;
  s->k.srv = NULL;
  pt_store_close(s->store);
  s->store = NULL;
  return rc ? PT_ERR(rc, "%s", why) : 0;
}

void pt_serve_free(pt_serve *s)
{
  if (!s)
    return;
  pt_serve_stop(s);
  pt_live_free(s->live);
  pt_graph_free(s->k.held);
  pt_store_close(s->store);
  for (size_t i = 0; i < 3; i++)
    pt_free(s->skip[i]);
  pt_free(s->db);
  pt_free(s->root);
  pt_free(s->bind);
  memset(s->token, 0, sizeof s->token);
  pt_free(s);
}

const pt_graph *pt_serve_graph(const pt_serve *s)
{
  return s->k.held;
}

pt_live *pt_serve_live(const pt_serve *s)
{
  return s->live;
}

const char *pt_serve_follow_error(const pt_serve *s)
{
  return s->follow_error;
}

const char *pt_serve_live_error(const pt_serve *s)
{
  return s->live_error;
}

const char *pt_serve_bind(const pt_serve *s)
{
  return s->srv ? pt_server_bind(s->srv) : "";
}

unsigned pt_serve_port(const pt_serve *s)
{
  return s->srv ? pt_server_port(s->srv) : 0;
}
