/* Subcommands of the CLI (private to core). */
#ifndef PT_CLI_COMMANDS_H
#define PT_CLI_COMMANDS_H

#include <stdio.h>

int pt__cli_index(int argc, char **argv, FILE *out, FILE *err);
int pt__cli_dump(int argc, char **argv, FILE *out, FILE *err);
int pt__cli_serve(int argc, char **argv, FILE *out, FILE *err);
/* Builds the absolute paths the walk must skip for a workspace (may be
 * NULL) and an
 * engine spec; *out holds up to 2 pt_malloc'd strings. */
int pt__cli_skip_paths(const char *workspace, const char *spec, char *out[2],
                       size_t *n);

#define PT_EXIT_OK 0
#define PT_EXIT_FAILURE 1
#define PT_EXIT_USAGE 2

#endif
