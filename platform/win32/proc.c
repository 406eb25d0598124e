/* pt/sys/proc.h on Windows: QueryPerformanceCounter, Sleep, the active
 * processors of every group, and the peak working set
 * (K32GetProcessMemoryInfo lives in kernel32, so no psapi.dll is
 * needed). */
#include "error_win32.h" /* first: it sets the Windows API level */
#define PSAPI_VERSION 2
#include <psapi.h>

#include "pt/sys/proc.h"

uint64_t pt_clock_ns(void)
{
  LARGE_INTEGER freq, now; /* the frequency is fixed at boot; cheap to ask */
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  uint64_t f = (uint64_t)freq.QuadPart, c = (uint64_t)now.QuadPart;
  /* split, so that counter * 1e9 cannot overflow */
  return c / f * 1000000000u + c % f * 1000000000u / f;
}

uint64_t pt_thread_cpu_ns(void)
{
  FILETIME created, ended, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &ended, &kernel, &user))
    return 0;
  uint64_t k = (uint64_t)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime;
  uint64_t u = (uint64_t)user.dwHighDateTime << 32 | user.dwLowDateTime;
  return (k + u) * 100u; /* 100 ns units */
}

void pt_sleep_ms(unsigned ms)
{
  Sleep(ms);
}

unsigned pt_cpu_count(void)
{
  DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
  if (n == 0) {
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    n = si.dwNumberOfProcessors;
  }
  return n > 0 ? (unsigned)n : 1u;
}

uint64_t pt_peak_rss_bytes(void)
{
  PROCESS_MEMORY_COUNTERS pmc;
  if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
    return 0;
  return (uint64_t)pmc.PeakWorkingSetSize;
}

unsigned long pt_process_id(void)
{
  return (unsigned long)GetCurrentProcessId();
}
