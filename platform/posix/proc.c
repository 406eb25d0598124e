/* pt/sys/proc.h on POSIX: CLOCK_MONOTONIC, nanosleep, sysconf for the
 * online processors, getrusage for the peak resident set, getpid. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "pt/sys/proc.h"

uint64_t pt_clock_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t pt_thread_cpu_ns(void)
{
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pt_sleep_ms(unsigned ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

unsigned pt_cpu_count(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1u;
}

uint64_t pt_peak_rss_bytes(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}

unsigned long pt_process_id(void)
{
  return (unsigned long)getpid();
}
