/* pt/sys/term.h on POSIX. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>

#include "pt/sys/term.h"

int pt_term_init(int *argc, char ***argv)
{
  return 0; /* arguments are bytes, UTF-8 in practice; terminals take it */
}

int pt_term_is_tty(FILE *stream)
{
  return isatty(fileno(stream));
}
