/* pt/sys/term.h on Windows: console check, QueryPerformanceCounter, and
 * the peak working set (K32GetProcessMemoryInfo lives in kernel32, so no
 * psapi.dll is needed). */
#include <io.h>
#include <stdio.h>

#include "error_win32.h"
#define PSAPI_VERSION 2
#include <psapi.h>

#include "pt/sys/term.h"

int pt_term_is_tty(FILE *stream)
{
  return _isatty(_fileno(stream)) != 0;
}

uint64_t pt_clock_ns(void)
{
  LARGE_INTEGER freq, now; /* the frequency is fixed at boot; cheap to ask */
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  uint64_t f = (uint64_t)freq.QuadPart, c = (uint64_t)now.QuadPart;
  /* split, so that counter * 1e9 cannot overflow */
  return c / f * 1000000000u + c % f * 1000000000u / f;
}

uint64_t pt_peak_rss_bytes(void)
{
  PROCESS_MEMORY_COUNTERS pmc;
  if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
    return 0;
  return (uint64_t)pmc.PeakWorkingSetSize;
}
