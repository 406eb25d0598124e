/* pt/sys/proc.h on Windows: the process id is the Win32 one, and the
 * QueryPerformanceCounter clock (scaled to nanoseconds in two parts) moves
 * by at least the time slept. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdint.h>

#include "pt/sys/proc.h"
#include "test_support.h"

static void process_id__is_the_win32_process_id(void **state)
{
  assert_int_equal(pt_process_id(), GetCurrentProcessId());
}

static void clock_ns__advances_by_at_least_the_time_slept(void **state)
{
  uint64_t t0 = pt_clock_ns();
  pt_sleep_ms(50);
  uint64_t dt = pt_clock_ns() - t0;
  /* Sleep may wake up to a timer tick early; 40 ms leaves room for that */
  assert_true(dt >= 40000000u);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(process_id__is_the_win32_process_id),
      cmocka_unit_test(clock_ns__advances_by_at_least_the_time_slept),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
