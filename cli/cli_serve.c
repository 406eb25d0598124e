/* pt08-http-code-query-server (alias serve): arguments and console around
 * the serving session (pt/serve.h), which loads the graph once, keeps it
 * true while files change (unless --no-watch) and serves it until SIGINT
 * or SIGTERM, then stops in the one safe order. */
#include <string.h>

#include "cli_console.h"
#include "commands.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/log.h"
#include "pt/serve.h"
#include "pt/server.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/term.h"

typedef struct serve_args {
  const char *db, *bind, *root;
  const char *token_file;
  unsigned port;
  int port_given;  /* --port: that port or failure, never the next one */
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
    "  --port N, -p N  Port to listen on; fails if it is in use. 0 takes a\n"
    "                  free port the system picks (the URL printed names it).\n"
    "                  Default 7777, or the next free one of the 99 after it\n"
    "  --bind ADDR     Address to listen on: an IPv4 or IPv6 address or\n"
    "                  localhost (default 127.0.0.1)\n"
    "  --root DIR      The indexed folder: required with --db mem; for a\n"
    "                  stored index, the folder pt01 indexed by default\n"
    "  --no-watch      Do not watch the folder for changes (the index is\n"
    "                  then only updated by POST /incremental-reindex-file-update)\n"
    "  --token-file PATH\n"
    "                  Require 'Authorization: Bearer TOKEN' on every route but\n"
    "                  the health check (401 otherwise), TOKEN being what PATH\n"
    "                  holds; a missing PATH is created with a random token,\n"
    "                  readable by you only (a PATH others may read is\n"
    "                  refused). See docs/http-api.md, \"Bearer token\"\n"
    "  --parse-budget-ms MS\n"
    "                  CPU time one file's parse may take, at the start and\n"
    "                  in the live index; a file past it is left out as\n"
    "                  parse_budget (default: %u, 0: no budget)\n"
    "  -v, --verbose   Also print the port, the database and the passes that\n"
    "                  changed nothing (an ignored file was written)\n"
    "  -h, --help      Show this help\n"
    "\n"
    "The index stays live: files created, changed, renamed or deleted under\n"
    "the indexed folder are reindexed within about a second, and the change\n"
    "is written through to the database (RocksDB at once, SQLite as one\n"
    "atomic backup once changes pause). See docs/live-index.md.\n"
    "\n"
    "Requests must name this server in their Host header (localhost,\n"
    "127.0.0.1, [::1] or the bound address). Stop with Ctrl-C.\n",
    PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS);
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
    } else if (!strcmp(s, "--parse-budget-ms")) {
      int rc = pt__cli_parse_budget(argc, argv, &i, err);
      if (rc)
        return rc;
    } else if (!strcmp(s, "--db") || !strcmp(s, "--port") || !strcmp(s, "-p") ||
               !strcmp(s, "--bind") || !strcmp(s, "--root") ||
               !strcmp(s, "--token-file")) {
      if (i + 1 >= argc) {
        fprintf(err, "error: %s needs a value\n", s);
        return PT_EXIT_USAGE;
      }
      const char *v = argv[++i];
      unsigned long long n;
      if (!strcmp(s, "--db")) a->db = v;
      else if (!strcmp(s, "--bind"))
        a->bind = strcmp(v, "localhost") ? v : "127.0.0.1";
      else if (!strcmp(s, "--root")) a->root = v;
      else if (!strcmp(s, "--token-file")) a->token_file = v;
      else if (pt_parse_u64(v, &n) != 0 || n > 65535) {
        fprintf(err, "error: --port takes a number from 0 to 65535, got '%s'\n", v);
        return PT_EXIT_USAGE;
      } else {
        a->port = (unsigned)n;
        a->port_given = 1;
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
  const pt_cli_glyphs *gl = pt__cli_glyphs();
  pt_live_status st;
  pt_live_get_status(lv, &st);
  if (!watch)
    fprintf(out, "File watching off (--no-watch): %s changes only through "
            "POST /incremental-reindex-file-update\n", st.root);
  else if (st.watch_running)
    fprintf(out, "%sFile watcher started: %s (%s)\n", gl->ok, st.root,
            st.backend);
  else
    fprintf(out, "%sWarning: File watcher failed to start: %s\n"
            "  Continuing without file watching (graceful degradation)\n",
            gl->warn, st.last_error);
}

/* The URL's host: an IPv6 address in brackets (RFC 3986), the wildcard
 * address as localhost. */
static void url_host(const char *bind, char *out, size_t size)
{
  if (!strcmp(bind, "0.0.0.0") || !strcmp(bind, "::"))
    pt_snprintf(out, size, "localhost");
  else if (strchr(bind, ':'))
    pt_snprintf(out, size, "[%s]", bind);
  else
    pt_snprintf(out, size, "%s", bind);
}

static void print_banner(FILE *out, const pt_serve *sv, const char *token_file,
                         int is_created)
{
  char host[80];
  unsigned port = pt_serve_port(sv);
  url_host(pt_serve_bind(sv), host, sizeof host);
  fprintf(out, "Parseltongue HTTP Server\n\nHTTP Server running at: http://%s:%u\n\n"
          "For your LLM agent: the API is at http://%s:%u (GET "
          "/api-reference-documentation-help lists every route)\n\nQuick test:\n"
          "  curl http://%s:%u/server-health-check-status\n\n", host, port, host,
          port, host, port);
  if (token_file) /* never the token itself: the console may be logged */
    fprintf(out, "Bearer token %s %s: every route but the health check needs\n"
            "  curl -H \"Authorization: Bearer $(cat %s)\" http://%s:%u/...\n\n",
            is_created ? "created in" : "read from", token_file,
            token_file, host, port);
}

/* Opens the session and prints what it loaded; NULL after printing why not. */
static pt_serve *open_session(const serve_args *a, FILE *out, FILE *err)
{
  int mem = !strcmp(a->db, "mem");
  fprintf(out, mem ? "Indexing %s in memory...\n" : "Connecting to database: %s\n",
          mem ? a->root : a->db);
  fflush(out);
  pt_serve_opts o = {a->db, a->root, a->bind, a->port, 0, !a->no_watch, out,
                     NULL, NULL, !a->port_given,
                     !*pt__cli_glyphs()->ok, a->token_file, NULL};
  pt_serve *sv = NULL;
  if (pt_serve_open(&o, &sv) != 0) {
    fprintf(err, "Error: cannot load %s: %s\n", mem ? a->root : a->db,
            pt_error_last()->message);
    return NULL;
  }
  const pt_cli_glyphs *gl = pt__cli_glyphs();
  if (*pt_serve_follow_error(sv))
    fprintf(err, "%sWarning: %s\n  Serving the stored index as it is\n",
            gl->warn, pt_serve_follow_error(sv));
  const pt_graph *g = pt_serve_graph(sv);
  size_t n_ent = pt_graph_n_entities(g), n_edges = pt_graph_n_edges(g),
         n_files = pt_graph_n_files(g);
  fprintf(out, "%sDatabase connected successfully (%zu %s, %zu %s, %zu %s)\n",
          gl->ok, n_ent, pt__cli_plural(n_ent, "entity", "entities"), n_edges,
          pt__cli_plural(n_edges, "edge", "edges"), n_files,
          pt__cli_plural(n_files, "file", "files"));
  return sv;
}

/* Makes or reads the token file; the token itself is not kept here. */
static int check_token(const char *path, int *is_created, FILE *err)
{
  char token[PT_TOKEN_MAX + 1];
  int rc = pt_server_token_file(path, NULL, token, is_created);
  memset(token, 0, sizeof token);
  if (rc)
    fprintf(err, "Error: --token-file: %s\n", pt_error_last()->message);
  return rc;
}

/* -v: the core's log lines too (passes that changed nothing, ...). */
static void log_to(pt_log_level level, const char *msg, void *payload)
{
  fprintf(payload, "%s\n", msg);
  fflush(payload);
}

int pt__cli_serve(int argc, char **argv, FILE *out, FILE *err)
{
  serve_args a;
  int rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? PT_EXIT_OK : rc;
  /* a stop before Ready ends the process (nothing is being written), even
   * where a script started us in the background with SIGINT ignored */
  if (pt_term_stop_default() != 0) {
    fprintf(err, "%sWarning: %s\n", pt__cli_glyphs()->warn,
            pt_error_last()->message);
    pt_error_clear();
  }
  fprintf(out, "Running Tool 8: HTTP Code Query Server\n");
  if (a.verbose) {
    fprintf(out, "  Port: %u%s\n  Database: %s\n", a.port,
            a.port ? "" : " (any free port)", a.db);
    pt_log_set_sink(log_to, out);
    pt_log_set_level(PT_LOG_INFO);
  }
  /* the token file first, so that a refused one is reported as such (the
   * session reads it again) */
  int token_created = 0;
  if (a.token_file && check_token(a.token_file, &token_created, err) != 0)
    return PT_EXIT_FAILURE;
  pt_serve *sv = open_session(&a, out, err);
  if (!sv)
    return PT_EXIT_FAILURE;
  if (pt_serve_start(sv) != 0) {
    fprintf(err, "Error: %s%s\n", pt_error_last()->message,
            pt_error_last()->code == PT_EEXISTS && a.port_given
                ? " (choose another with --port N, or --port 0 for any free "
                  "port)"
                : "");
    pt_serve_free(sv);
    return PT_EXIT_FAILURE;
  }
  print_banner(out, sv, a.token_file, token_created);
  /* a second opener of a RocksDB index can then say who holds it */
  if (pt_store_note_port(a.db, pt_serve_port(sv)) != 0) {
    fprintf(err, "%sWarning: %s\n", pt__cli_glyphs()->warn,
            pt_error_last()->message);
    pt_error_clear();
  }
  if (*pt_serve_live_error(sv))
    fprintf(err, "%sWarning: the live index cannot start: %s\n",
            pt__cli_glyphs()->warn, pt_serve_live_error(sv));
  else if (pt_serve_live(sv))
    print_watch(out, pt_serve_live(sv), !a.no_watch);
  /* caught before Ready, so that a stop sent on seeing it is never lost */
  if (pt_term_stop_catch() != 0) {
    fprintf(err, "%sWarning: %s; Ctrl-C ends the server without its final "
            "backup\n", pt__cli_glyphs()->warn, pt_error_last()->message);
    pt_error_clear();
  }
  fprintf(out, "Ready: listening on %s:%u (Ctrl-C stops)\n", pt_serve_bind(sv),
          pt_serve_port(sv));
  fflush(out);
  pt_term_stop_wait(); /* asleep until a stop request: an idle server uses
                          no CPU */
  fprintf(out, "Stopping...\n");
  fflush(out);
  rc = pt_serve_stop(sv);
  if (rc)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  pt_serve_free(sv);
  pt_log_set_sink(NULL, NULL);
  fprintf(out, "Stopped.\n");
  return rc ? PT_EXIT_FAILURE : PT_EXIT_OK;
}
