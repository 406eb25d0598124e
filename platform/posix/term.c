/* pt/sys/term.h on POSIX. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
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

uint64_t pt_clock_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t pt_peak_rss_bytes(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}
