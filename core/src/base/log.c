/* The log front end of pt/log.h: level filter and one installed sink. */
#include <stdarg.h>
#include <stdio.h>

#include "pt/log.h"

static pt_log_sink sink;
static void *sink_payload;
static pt_log_level level = PT_LOG_WARN;

void pt_log_set_sink(pt_log_sink s, void *payload)
{
  sink = s;
  sink_payload = payload;
}

void pt_log_set_level(pt_log_level l)
{
  level = l;
}

pt_log_level pt_log_get_level(void)
{
  return level;
}

void pt__log(pt_log_level l, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  if (!sink)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sink(l, msg, sink_payload);
}
