/* Subcommands of the CLI (private to cli/). */
#ifndef PT_CLI_COMMANDS_H
#define PT_CLI_COMMANDS_H

#include <stdio.h>

int pt__cli_index(int argc, char **argv, FILE *out, FILE *err);
int pt__cli_dump(int argc, char **argv, FILE *out, FILE *err);
int pt__cli_serve(int argc, char **argv, FILE *out, FILE *err);
int pt__cli_mcp(int argc, char **argv, FILE *out, FILE *err);
/* --parse-budget-ms at argv[*i]: its value (argv[*i + 1]) becomes the
 * default parse budget (pt_extract_set_default_parse_budget) and *i moves
 * past it; without a whole number, an error on err and PT_EXIT_USAGE. */
int pt__cli_parse_budget(int argc, char **argv, int *i, FILE *err);
#define PT_EXIT_OK 0
#define PT_EXIT_FAILURE 1
#define PT_EXIT_USAGE 2

#endif
