/* The thread-local last error behind PT_ERR (pt/error.h). A fixed buffer,
 * so recording an error never allocates and works when out of memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pt/error.h"

static PT_THREAD_LOCAL pt_error last;

int pt__error_set(int code, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  char message[sizeof last.message];
  /* formatted apart first: an argument may be the last message itself */
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  last.code = code;
  last.file = file;
  last.line = line;
  memcpy(last.message, message, sizeof message);
  return code;
}

const pt_error *pt_error_last(void)
{
  return &last;
}

void pt_error_clear(void)
{
  last.code = 0;
  last.file = NULL;
  last.line = 0;
  last.message[0] = '\0';
}

const char *pt_error_name(int code)
{
  switch (code) {
  case PT_OK: return "OK";
  case PT_ENOTFOUND: return "ENOTFOUND";
  case PT_EEXISTS: return "EEXISTS";
  case PT_EINVAL: return "EINVAL";
  case PT_ENOMEM: return "ENOMEM";
  case PT_EIO: return "EIO";
  case PT_EBUSY: return "EBUSY";
  case PT_EPARSE: return "EPARSE";
  case PT_ENOTSUPPORTED: return "ENOTSUPPORTED";
  case PT_EAGAIN: return "EAGAIN";
  case PT_ETIMEDOUT: return "ETIMEDOUT";
  default: return "ERROR";
  }
}
