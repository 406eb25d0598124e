/* pt08-http-code-query-server (alias serve): load the graph once, keep it
 * true while files change (the live index, unless --no-watch), serve it
 * until SIGINT or SIGTERM, then shut down cleanly. */
#include <signal.h>
#include <string.h>

#include "commands.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/live.h"
#include "pt/server.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
}

typedef struct serve_args {
  const char *db, *bind, *root;
  unsigned port;
  int verbose;
  int no_watch;
} serve_args;

static void serve_usage(FILE *out)
{
  fprintf(out,
    "Usage: parseltongue pt08-http-code-query-server --db ENGINE [options]\n"
    "       parseltongue serve --db ENGINE [options]\n"
    "\n"
    "Loads the index once into memory and answers the HTTP JSON API from it.\n"
    "\n"
    "Options:\n"
    "  --db ENGINE     sqlite:PATH or rocksdb:PATH (a pt01 index), or mem\n"
    "                  together with --root DIR (index DIR in memory first)\n"
    "  --port N, -p N  Preferred port (default 7777; the next 99 are tried)\n"
    "  --bind ADDR     Address to listen on (default 127.0.0.1)\n"
    "  --root DIR      The indexed folder: required with --db mem; for a\n"
    "                  stored index, the folder pt01 indexed by default\n"
    "  --no-watch      Do not watch the folder for changes (the index is\n"
    "                  then only updated by POST /incremental-reindex-file-update)\n"
    "  -v, --verbose   Also print the port, database and graph size\n"
    "  -h, --help      Show this help\n"
    "\n"
    "The index stays live: files created, changed, renamed or deleted under\n"
    "the indexed folder are reindexed within about a second, and the change\n"
    "is written through to the database (RocksDB at once, SQLite as one\n"
    "atomic backup once changes pause). See docs/live-index.md.\n"
    "\n"
    "Requests must name this server in their Host header (localhost,\n"
    "127.0.0.1, [::1] or the bound address). Stop with Ctrl-C.\n");
}

static int parse_args(int argc, char **argv, serve_args *a, FILE *out, FILE *err)
{
  memset(a, 0, sizeof *a);
  a->port = 7777;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
      serve_usage(out);
      return -1;
    } else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
      a->verbose = 1;
    } else if (!strcmp(s, "--no-watch")) {
      a->no_watch = 1;
    } else if (!strcmp(s, "--db") || !strcmp(s, "--port") || !strcmp(s, "-p") ||
               !strcmp(s, "--bind") || !strcmp(s, "--root")) {
      if (i + 1 >= argc) {
        fprintf(err, "error: %s needs a value\n", s);
        return PT_EXIT_USAGE;
      }
      const char *v = argv[++i];
      unsigned long long n;
      if (!strcmp(s, "--db")) a->db = v;
      else if (!strcmp(s, "--bind")) a->bind = v;
      else if (!strcmp(s, "--root")) a->root = v;
      else if (pt_parse_u64(v, &n) != 0 || n == 0 || n > 65535) {
        fprintf(err, "error: --port takes a number from 1 to 65535, got '%s'\n", v);
        return PT_EXIT_USAGE;
      } else {
        a->port = (unsigned)n;
      }
    } else {
      fprintf(err, "error: unknown argument '%s' (see --help)\n", s);
      return PT_EXIT_USAGE;
    }
  }
  if (!a->db) {
    fprintf(err, "error: --db is required (sqlite:PATH, rocksdb:PATH, or mem with --root)\n");
    return PT_EXIT_USAGE;
  }
  if (!strcmp(a->db, "mem") && !a->root) {
    fprintf(err, "error: --db mem needs --root DIR (the folder to index)\n");
    return PT_EXIT_USAGE;
  }
  return 0;
}

/* Where live graphs go: to the server once it runs; before that (the
 * first index) kept to start it with. A graph the server could not take
 * stays here, alive while the live index still calls it current. */
typedef struct sink {
  pt_server *srv;
  pt_graph *held;
} sink;

static void on_publish(pt_graph *g, void *payload)
{
  sink *k = payload;
  if (k->srv && pt_server_publish(k->srv, g) == 0)
    g = NULL;
  if (k->srv && g)
    pt_error_clear(); /* the server keeps the older graph */
  pt_graph_free(k->held);
  k->held = g;
}

/* The store behind the index: opened, loaded into a graph. RocksDB stays
 * open for write-through (it holds its lock); SQLite never holds its file
 * open, so an atomic replace by pt01 stays possible. */
static int load_store(const serve_args *a, pt_store **store, pt_graph **out,
                      FILE *err)
{
  int rc = pt_store_open(a->db, store);
  if (rc == 0) rc = pt_graph_new(out);
  if (rc == 0) rc = pt_store_load(*store, *out);
  if (rc) {
    fprintf(err, "Error: cannot load %s: %s\n", a->db, pt_error_last()->message);
    pt_graph_free(*out);
    *out = NULL;
    pt_store_close(*store);
    *store = NULL;
  }
  return rc;
}

/* The folder the live index follows: --root, else the one pt01 recorded. */
static const char *live_root(const serve_args *a, const pt_graph *g)
{
  return a->root ? a->root : pt_graph_meta(g, "root");
}

static void print_watch(FILE *out, pt_live *lv, int watch)
{
  pt_live_status st;
  pt_live_get_status(lv, &st);
  if (!watch)
    fprintf(out, "File watching off (--no-watch): %s changes only through "
            "POST /incremental-reindex-file-update\n", st.root);
  else if (st.watch_running)
    fprintf(out, "✓ File watcher started: %s (%s)\n", st.root, st.backend);
  else
    fprintf(out, "⚠ Warning: File watcher failed to start: %s\n"
            "  Continuing without file watching (graceful degradation)\n",
            st.last_error);
}

int pt__cli_serve(int argc, char **argv, FILE *out, FILE *err)
{
  serve_args a;
  int rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? PT_EXIT_OK : rc;
  fprintf(out, "Running Tool 8: HTTP Code Query Server\n");
  if (a.verbose)
    fprintf(out, "  Port: %u\n  Database: %s\n", a.port, a.db);
  fflush(out);
  int mem = !strcmp(a.db, "mem");
  fprintf(out, mem ? "Indexing %s in memory...\n" : "Connecting to database: %s\n",
          mem ? a.root : a.db);
  fflush(out);
  pt_store *store = NULL;
  pt_graph *g = NULL;
  pt_live *lv = NULL;
  sink k = {NULL, NULL};
  char *skip[2] = {NULL, NULL};
  size_t n_skip = 0;
  if (!mem && load_store(&a, &store, &g, err) != 0)
    return PT_EXIT_FAILURE;
  const char *root = mem ? a.root : live_root(&a, g);
  rc = root ? pt__cli_skip_paths(NULL, a.db, skip, &n_skip) : 0;
  if (rc == 0 && root) {
    pt_live_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.root = root;
    lo.skip = (const char *const *)skip;
    lo.n_skip = n_skip;
    lo.store = store;
    lo.log = out;
    lo.publish = on_publish;
    lo.payload = &k;
    rc = pt_live_new(&lo, &lv);
    if (rc && !mem) {
      fprintf(err, "⚠ Warning: cannot follow %s: %s\n  Serving the stored index "
              "as it is\n", root, pt_error_last()->message);
      pt_error_clear();
      rc = 0;
    }
  }
  if (rc == 0 && mem) {
    pt_ingest_stats st;
    const pt_graph *first = NULL;
    rc = pt_live_index(lv, &first, &st);
    pt_ingest_stats_fini(&st);
    g = k.held;
    k.held = NULL;
  } else if (rc == 0 && lv) {
    pt_live_adopt(lv, g);
  }
  if (rc) {
    fprintf(err, "Error: cannot load %s: %s\n", mem ? a.root : a.db,
            pt_error_last()->message);
    pt_live_free(lv);
    pt_store_close(store);
    pt_graph_free(g);
    pt_free(skip[0]);
    pt_free(skip[1]);
    return PT_EXIT_FAILURE;
  }
  fprintf(out, "✓ Database connected successfully (%zu entities, %zu edges, %zu files)\n",
          pt_graph_n_entities(g), pt_graph_n_edges(g), pt_graph_n_files(g));
  pt_server_opts o = {a.bind, a.port, a.db, 0, err, lv};
  pt_server *srv = NULL;
  if (pt_server_start(&o, g, &srv) != 0) {
    fprintf(err, "Error: %s\n", pt_error_last()->message);
    pt_live_free(lv);
    pt_store_close(store);
    pt_free(skip[0]);
    pt_free(skip[1]);
    return PT_EXIT_FAILURE;
  }
  k.srv = srv;
  const char *host = strcmp(pt_server_bind(srv), "0.0.0.0") ? pt_server_bind(srv)
                                                             : "localhost";
  unsigned port = pt_server_port(srv);
  fprintf(out, "Parseltongue HTTP Server\n\nHTTP Server running at: http://%s:%u\n\n"
          "Add to your LLM agent: PARSELTONGUE_URL=http://%s:%u\n\nQuick test:\n"
          "  curl http://%s:%u/server-health-check-status\n\n", host, port, host,
          port, host, port);
  if (lv && pt_live_start(lv, !a.no_watch) != 0) {
    fprintf(err, "⚠ Warning: the live index cannot start: %s\n",
            pt_error_last()->message);
    pt_error_clear();
  } else if (lv) {
    print_watch(out, lv, !a.no_watch);
  }
  fprintf(out, "Ready: listening on %s:%u (Ctrl-C stops)\n", pt_server_bind(srv), port);
  fflush(out);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  while (!stop_requested)
    pt_sleep_ms(100);
  fprintf(out, "Stopping...\n");
  fflush(out);
  pt_live_stop(lv);   /* the last changes are saved while the graph lives */
  pt_server_stop(srv); /* requests under way finish; lv still answers them */
  pt_live_free(lv);
  pt_graph_free(k.held);
  pt_store_close(store);
  pt_free(skip[0]);
  pt_free(skip[1]);
  fprintf(out, "Stopped.\n");
  return PT_EXIT_OK;
}
