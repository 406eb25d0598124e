/* The parseltongue program: hands the command line to the CLI. */
#include <stdio.h>

#include "cli.h"
#include "pt/error.h"
#include "pt/sys/term.h"

int main(int argc, char **argv)
{
  if (pt_term_init(&argc, &argv) != 0) {
    fprintf(stderr, "Error: %s\n", pt_error_last()->message);
    return 1;
  }
  return pt_cli_main(argc, argv, stdout, stderr);
}
