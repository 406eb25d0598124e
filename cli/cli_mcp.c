/* mcp: the Model Context Protocol over stdio (docs/mcp.md). One JSON-RPC
 * message per line on stdin, one answer per line on stdout, nothing else
 * on stdout; logs and errors go to stderr. The serving session (pt/serve.h)
 * runs without its HTTP server and publishes each graph of the live index
 * to a pt_mcp_host. The server stops when stdin closes. */
#include <string.h>

#include "commands.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/mcp.h"
#include "pt/serve.h"

typedef struct mcp_args {
  const char *db, *root;
  int no_watch;
} mcp_args;

static void mcp_usage(FILE *out)
{
  fprintf(
      out,
      "Usage: parseltongue mcp [--db ENGINE] [--root DIR] [--no-watch]\n"
      "                        [--parse-budget-ms MS]\n"
      "\n"
      "Serves the index to an AI agent over the Model Context Protocol on\n"
      "stdin and stdout (one JSON-RPC message a line); logs go to stderr.\n"
      "The index stays live as with serve. Stops when stdin closes.\n"
      "\n"
      "Options:\n"
      "  --db ENGINE     sqlite:PATH or rocksdb:PATH (a pt01 index), or mem\n"
      "                  (the default: index --root in memory first)\n"
      "  --root DIR      The indexed folder (default . with --db mem; for a\n"
      "                  stored index, the folder pt01 indexed)\n"
      "  --no-watch      Do not follow changes to the folder\n"
      "  --parse-budget-ms MS\n"
      "                  CPU time one file's parse may take; a file past it\n"
      "                  is left out as parse_budget (default: %u, 0: none)\n"
      "  -h, --help      Show this help\n"
      "\n"
      "Client configurations: docs/mcp.md. The HTTP server (serve) answers\n"
      "the same protocol at POST /mcp.\n",
      PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS);
}

static int parse_args(int argc, char **argv, mcp_args *a, FILE *out, FILE *err)
{
  memset(a, 0, sizeof *a);
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
      mcp_usage(out);
      return -1;
    } else if (!strcmp(s, "--no-watch")) {
      a->no_watch = 1;
    } else if (!strcmp(s, "--parse-budget-ms")) {
      int rc = pt__cli_parse_budget(argc, argv, &i, err);
      if (rc)
        return rc;
    } else if (!strcmp(s, "--db") || !strcmp(s, "--root")) {
      if (i + 1 >= argc) {
        fprintf(err, "error: %s needs a value\n", s);
        return PT_EXIT_USAGE;
      }
      if (!strcmp(s, "--db"))
        a->db = argv[++i];
      else
        a->root = argv[++i];
    } else {
      fprintf(err, "error: unknown argument '%s' (see --help)\n", s);
      return PT_EXIT_USAGE;
    }
  }
  if (!a->db)
    a->db = "mem";
  if (!strcmp(a->db, "mem") && !a->root)
    a->root = ".";
  return 0;
}

static int publish(pt_graph *g, void *payload)
{
  return pt_mcp_host_publish(payload, g);
}

/* Reads one line (without its newline) into line, up to
 * PT_MCP_MAX_MESSAGE bytes; a longer one is read to its end and reported
 * by *too_long. 0 at end of input with nothing read. */
static int read_line(FILE *in, pt_buf *line, int *too_long)
{
  int ch, any = 0;
  pt_buf_clear(line);
  *too_long = 0;
  while ((ch = fgetc(in)) != EOF) {
    any = 1;
    if (ch == '\n')
      break;
    if (line->len >= PT_MCP_MAX_MESSAGE)
      *too_long = 1;
    else if (pt_buf_putc(line, (char)ch) != 0)
      return -1;
  }
  if (line->len && line->ptr[line->len - 1] == '\r')
    line->ptr[--line->len] = '\0';
  return any;
}

/* Answers messages until stdin closes. Only answers are written to out. */
static int serve_lines(pt_mcp_host *h, FILE *in, FILE *out, FILE *err)
{
  pt_buf line = PT_BUF_INIT, ans = PT_BUF_INIT;
  pt_mcp_session session;
  int rc = 0, too_long, got;
  memset(&session, 0, sizeof session);
  while ((got = read_line(in, &line, &too_long)) > 0) {
    pt_mcp_reply reply;
    pt_buf_clear(&ans);
    if (too_long)
      rc = pt_mcp_error_response(
          &ans, PT_MCP_INVALID_REQUEST,
          "Invalid Request: message longer than the limit");
    else if (line.len == 0)
      continue;
    else
      rc = pt_mcp_host_handle(h, &session, line.ptr, line.len, &ans, &reply);
    if (rc)
      rc = pt_mcp_error_response(&ans, PT_MCP_INTERNAL_ERROR, "out of memory");
    if (rc == 0 && ans.len) {
      fwrite(ans.ptr, 1, ans.len, out);
      fputc('\n', out);
      fflush(out);
    }
    if (rc) {
      fprintf(err, "mcp: %s\n", pt_error_last()->message);
      pt_error_clear();
    }
  }
  pt_buf_fini(&line);
  pt_buf_fini(&ans);
  return got < 0 ? PT_ERR(PT_ENOMEM, "out of memory reading stdin") : 0;
}

int pt__cli_mcp(int argc, char **argv, FILE *out, FILE *err)
{
  mcp_args a;
  int rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? PT_EXIT_OK : rc;
  pt_serve_opts o = {
      .db = a.db, .root = a.root, .watch = !a.no_watch, .log = err};
  pt_serve *sv = NULL;
  pt_mcp_host *h = NULL;
  if (pt_serve_open(&o, &sv) != 0) {
    fprintf(err, "Error: cannot load %s: %s\n", a.root ? a.root : a.db,
            pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  rc = pt_mcp_host_new(pt_serve_live(sv), a.db, &h);
  if (rc == 0) {
    pt_serve_publish_to(sv, publish, h);
    rc = pt_serve_start(sv);
  }
  if (rc == 0) {
    if (*pt_serve_follow_error(sv))
      fprintf(err, "Warning: %s (serving the stored index as it is)\n",
              pt_serve_follow_error(sv));
    if (*pt_serve_live_error(sv))
      fprintf(err, "Warning: the live index cannot start: %s\n",
              pt_serve_live_error(sv));
    fprintf(err, "parseltongue mcp: ready on stdio\n");
    rc = serve_lines(h, stdin, out, err);
  }
  if (rc)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  int stop = pt_serve_stop(sv); /* before the host: it saves the graph */
  if (stop)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  pt_serve_free(sv);
  pt_mcp_host_free(h);
  return rc || stop ? PT_EXIT_FAILURE : PT_EXIT_OK;
}
