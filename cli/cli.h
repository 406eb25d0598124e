/* The command line: subcommands, flags, console output. The program's main
 * passes its streams, so the commands never write to stdout or stderr
 * themselves. */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <stdio.h>

/* Runs a command line; returns the process exit code (see docs/cli.md). */
int pt_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
