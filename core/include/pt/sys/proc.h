/* Facts about this process and the machine it runs on: the monotonic
 * clock, sleeping, the CPU count, the peak resident set and the process
 * id. None of them can fail. */
#ifndef PT_SYS_PROC_H
#define PT_SYS_PROC_H

#include <stdint.h>

/* Monotonic clock in nanoseconds, for durations. */
uint64_t pt_clock_ns(void);
/* CPU time the calling thread has used, in nanoseconds (a budget that a
 * loaded machine does not use up); 0 when the system cannot tell. */
uint64_t pt_thread_cpu_ns(void);
/* Sleeps the calling thread. */
void pt_sleep_ms(unsigned ms);
/* Online processors, at least 1. */
unsigned pt_cpu_count(void);
/* Peak resident set size of this process in bytes, 0 when unknown. */
uint64_t pt_peak_rss_bytes(void);
/* The process id, for unique temporary names. */
unsigned long pt_process_id(void);

#endif
