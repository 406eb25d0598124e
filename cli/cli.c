/* Command dispatch, --help and --version (cli.h). */
#include <string.h>

#include "commands.h"
#include "cli.h"
#include "pt/version.h"
#include "service.h"

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: parseltongue <command> [options]\n"
          "\n"
          "Commands:\n"
          "  pt01-folder-to-cozodb-streamer [DIR]  Index DIR (default .) into a graph\n"
          "      alias: index                      of entities and dependency edges.\n"
          "  pt08-http-code-query-server --db ENGINE\n"
          "      alias: serve                      Serve an index over HTTP (JSON).\n"
          "  mcp [--db ENGINE] [--root DIR]        Serve an index to AI agents over\n"
          "                                        the Model Context Protocol (stdio).\n"
          "  dump [DIR | --db ENGINE] [--brief]    Print an index in its canonical\n"
          "                                        text form (for diffs and tests).\n"
          "  service install|uninstall|status ...  Keep a folder indexed and served\n"
          "                                        as a user or system service.\n"
          "\n"
          "Options:\n"
          "  -h, --help       Show help (also after a command)\n"
          "  -V, --version    Show the version\n"
          "\n"
          "Engines: mem | sqlite:PATH | rocksdb:PATH\n"
          "Run 'parseltongue index --help', 'parseltongue serve --help',\n"
          "'parseltongue mcp --help' or 'parseltongue service --help' for their\n"
          "options.\n");
}

int pt_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
  if (argc < 2) { /* a command is missing: usage, as for any bad usage */
    usage(err);
    return PT_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(out);
    return PT_EXIT_OK;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    fprintf(out, "parseltongue %s\n", PT_VERSION);
    return PT_EXIT_OK;
  }
  if (!strcmp(cmd, "pt01-folder-to-cozodb-streamer") || !strcmp(cmd, "index"))
    return pt__cli_index(argc - 1, argv + 1, out, err);
  if (!strcmp(cmd, "pt08-http-code-query-server") || !strcmp(cmd, "serve"))
    return pt__cli_serve(argc - 1, argv + 1, out, err);
  if (!strcmp(cmd, "mcp"))
    return pt__cli_mcp(argc - 1, argv + 1, out, err);
  if (!strcmp(cmd, "dump"))
    return pt__cli_dump(argc - 1, argv + 1, out, err);
  if (!strcmp(cmd, "service"))
    return pt_service_main(argc - 1, argv + 1, out, err);
  fprintf(err, "error: unknown command '%s'\n\n", cmd);
  usage(err);
  return PT_EXIT_USAGE;
}
