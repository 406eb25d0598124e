/* pt08-http-code-query-server (alias serve): arguments and console around
 * the serving session (pt/serve.h), which loads the graph once, keeps it
 * true while files change (unless --no-watch) and serves it until SIGINT
 * or SIGTERM, then stops in the one safe order. */
#include <signal.h>
#include <string.h>

#include "commands.h"
#include "pt/error.h"
#include "pt/serve.h"
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

static void print_banner(FILE *out, const pt_serve *sv)
{
  const char *bind = pt_serve_bind(sv);
  const char *host = strcmp(bind, "0.0.0.0") ? bind : "localhost";
  unsigned port = pt_serve_port(sv);
  fprintf(out, "Parseltongue HTTP Server\n\nHTTP Server running at: http://%s:%u\n\n"
          "Add to your LLM agent: PARSELTONGUE_URL=http://%s:%u\n\nQuick test:\n"
          "  curl http://%s:%u/server-health-check-status\n\n", host, port, host,
          port, host, port);
}

/* Opens the session and prints what it loaded; NULL after printing why not. */
static pt_serve *open_session(const serve_args *a, FILE *out, FILE *err)
{
  int mem = !strcmp(a->db, "mem");
  fprintf(out, mem ? "Indexing %s in memory...\n" : "Connecting to database: %s\n",
          mem ? a->root : a->db);
  fflush(out);
  pt_serve_opts o = {a->db, a->root, a->bind, a->port, 0, !a->no_watch, out,
                     NULL, NULL};
  pt_serve *sv = NULL;
  if (pt_serve_open(&o, &sv) != 0) {
    fprintf(err, "Error: cannot load %s: %s\n", mem ? a->root : a->db,
            pt_error_last()->message);
    return NULL;
  }
  if (*pt_serve_follow_error(sv))
    fprintf(err, "⚠ Warning: %s\n  Serving the stored index as it is\n",
            pt_serve_follow_error(sv));
  const pt_graph *g = pt_serve_graph(sv);
  fprintf(out, "✓ Database connected successfully (%zu entities, %zu edges, %zu files)\n",
          pt_graph_n_entities(g), pt_graph_n_edges(g), pt_graph_n_files(g));
  return sv;
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
  pt_serve *sv = open_session(&a, out, err);
  if (!sv)
    return PT_EXIT_FAILURE;
  if (pt_serve_start(sv) != 0) {
    fprintf(err, "Error: %s\n", pt_error_last()->message);
    pt_serve_free(sv);
    return PT_EXIT_FAILURE;
  }
  print_banner(out, sv);
  if (*pt_serve_live_error(sv))
    fprintf(err, "⚠ Warning: the live index cannot start: %s\n",
            pt_serve_live_error(sv));
  else if (pt_serve_live(sv))
    print_watch(out, pt_serve_live(sv), !a.no_watch);
  fprintf(out, "Ready: listening on %s:%u (Ctrl-C stops)\n", pt_serve_bind(sv),
          pt_serve_port(sv));
  fflush(out);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  while (!stop_requested)
    pt_sleep_ms(100);
  fprintf(out, "Stopping...\n");
  fflush(out);
  rc = pt_serve_stop(sv);
  if (rc)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  pt_serve_free(sv);
  fprintf(out, "Stopped.\n");
  return rc ? PT_EXIT_FAILURE : PT_EXIT_OK;
}
