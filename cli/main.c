/* The parseltongue program: hands the command line to the CLI, then makes
 * sure that what it printed reached stdout: output lost to a full disk or
 * a failing device is an error (exit 1), never a short output and exit 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "pt/error.h"
#include "pt/sys/term.h"

/* stdio keeps a write error in the stream, but drops the buffer it could
 * not write, and errno has moved on since: only the last flush, here, can
 * name the cause. A command that failed has said why already. */
static int check_output(int code)
{
  errno = 0;
  int is_flushed = fflush(stdout) == 0;
  if ((is_flushed && !ferror(stdout)) || code != PT_EXIT_OK)
    return code;
  fprintf(stderr, "Error: cannot write the output: %s\n",
          !is_flushed && errno ? strerror(errno) : "a write to stdout failed");
  return PT_EXIT_FAILURE;
}

int main(int argc, char **argv)
{
  if (pt_term_init(&argc, &argv) != 0) {
    fprintf(stderr, "Error: %s\n", pt_error_last()->message);
    return 1;
  }
  return check_output(pt_cli_main(argc, argv, stdout, stderr));
}
