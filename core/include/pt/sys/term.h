/* Terminal and clock facts the CLI needs. */
#ifndef PT_SYS_TERM_H
#define PT_SYS_TERM_H

#include <stdint.h>
#include <stdio.h>

/* 1 when the stream is an interactive terminal. */
int pt_term_is_tty(FILE *stream);
/* Monotonic clock in nanoseconds, for durations. */
uint64_t pt_clock_ns(void);
/* Peak resident set size of this process in bytes, 0 when unknown. */
uint64_t pt_peak_rss_bytes(void);

#endif
