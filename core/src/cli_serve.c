/* pt08-http-code-query-server (alias serve): load the graph once, serve it
 * until SIGINT or SIGTERM, then shut down cleanly. */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/server.h"
#include "pt/store.h"
#include "pt/sys/net.h"

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
    "  --root DIR      With --db mem: the folder to index\n"
    "  -v, --verbose   Also print the port, database and graph size\n"
    "  -h, --help      Show this help\n"
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
  if (!strcmp(a->db, "mem") != !!a->root) {
    fprintf(err, "error: --root goes with --db mem, and --db mem needs --root\n");
    return PT_EXIT_USAGE;
  }
  return 0;
}

/* The graph: indexed now (mem + --root) or loaded from the store, which is
 * closed again at once, so a later atomic replace never finds it held. */
static int load_graph(const serve_args *a, pt_graph **out, FILE *err)
{
  int rc;
  if (a->root) {
    pt_ingest_stats st;
    pt_ingest_opts o = {a->root, 0, 0, NULL, 0, NULL, NULL, 0};
    rc = pt_ingest(&o, out, &st);
    pt_ingest_stats_fini(&st);
  } else {
    pt_store *store = NULL;
    rc = pt_store_open(a->db, &store);
    if (rc == 0) rc = pt_graph_new(out);
    if (rc == 0) rc = pt_store_load(store, *out);
    pt_store_close(store);
  }
  if (rc) {
    fprintf(err, "Error: cannot load %s: %s\n", a->root ? a->root : a->db,
            pt_error_last()->message);
    pt_graph_free(*out);
    *out = NULL;
  }
  return rc;
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
  pt_graph *g = NULL;
  fprintf(out, a.root ? "Indexing %s in memory...\n" : "Connecting to database: %s\n",
          a.root ? a.root : a.db);
  fflush(out);
  if (load_graph(&a, &g, err) != 0)
    return PT_EXIT_FAILURE;
  fprintf(out, "✓ Database connected successfully (%zu entities, %zu edges, %zu files)\n",
          pt_graph_n_entities(g), pt_graph_n_edges(g), pt_graph_n_files(g));
  pt_server_opts o = {a.bind, a.port, a.db, 0, err};
  pt_server *srv = NULL;
  if (pt_server_start(&o, g, &srv) != 0) {
    fprintf(err, "Error: %s\n", pt_error_last()->message);
    pt_graph_free(g);
    return PT_EXIT_FAILURE;
  }
  const char *host = strcmp(pt_server_bind(srv), "0.0.0.0") ? pt_server_bind(srv)
                                                             : "localhost";
  unsigned port = pt_server_port(srv);
  fprintf(out, "Parseltongue HTTP Server\n\nHTTP Server running at: http://%s:%u\n\n"
          "Add to your LLM agent: PARSELTONGUE_URL=http://%s:%u\n\nQuick test:\n"
          "  curl http://%s:%u/server-health-check-status\n\n", host, port, host,
          port, host, port);
  fprintf(out, "Ready: listening on %s:%u (Ctrl-C stops)\n", pt_server_bind(srv), port);
  fflush(out);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  while (!stop_requested)
    pt_sleep_ms(100);
  fprintf(out, "Stopping...\n");
  pt_server_stop(srv);
  pt_graph_free(g);
  fprintf(out, "Stopped.\n");
  return PT_EXIT_OK;
}
