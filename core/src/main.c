/* The parseltongue program: hands the command line to the CLI. */
#include <stdio.h>

#include "pt/cli.h"

int main(int argc, char **argv)
{
  return pt_cli_main(argc, argv, stdout, stderr);
}
