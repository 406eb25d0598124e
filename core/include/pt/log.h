/* Logging. Core never writes to stdout or stderr itself: the program installs
 * a sink (stderr for the CLI, a file or Event Log for the service). */
#ifndef PT_LOG_H
#define PT_LOG_H

#include "pt/compat.h"

typedef enum pt_log_level {
  PT_LOG_ERROR = 0,
  PT_LOG_WARN = 1,
  PT_LOG_INFO = 2,
  PT_LOG_DEBUG = 3
} pt_log_level;

typedef void (*pt_log_sink)(pt_log_level level, const char *msg, void *payload);

void pt_log_set_sink(pt_log_sink sink, void *payload);
void pt_log_set_level(pt_log_level level);
pt_log_level pt_log_get_level(void);
void pt__log(pt_log_level level, const char *fmt, ...) PT_PRINTF(2, 3);

/* Checks the level before formatting, so disabled lines cost a compare. */
#define pt_log(level, ...)                        \
  do {                                            \
    if ((level) <= pt_log_get_level())            \
      pt__log((level), __VA_ARGS__);              \
  } while (0)

#endif
