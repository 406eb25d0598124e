/* Error codes and the thread-local last error (libgit2's model): a failing
 * function records code, message and origin with PT_ERR and returns the code;
 * callers pass it up untouched. */
#ifndef PT_ERROR_H
#define PT_ERROR_H

#include "pt/compat.h"

enum {
  PT_OK = 0,
  PT_ERROR = -1,         /* generic */
  PT_ENOTFOUND = -2,
  PT_EEXISTS = -3,
  PT_EINVAL = -4,
  PT_ENOMEM = -5,
  PT_EIO = -6,
  PT_EBUSY = -7,
  PT_EPARSE = -8,
  PT_ENOTSUPPORTED = -9,
  PT_EAGAIN = -10,       /* a shortcut does not apply: take the long way */
  PT_ETIMEDOUT = -11     /* a time budget ran out (a file's parse) */
};

typedef struct pt_error {
  int code;
  const char *file;      /* borrowed: __FILE__ */
  int line;
  char message[512];
} pt_error;

/* Records an error for this thread and returns `code`. */
int pt__error_set(int code, const char *file, int line, const char *fmt, ...)
    PT_PRINTF(4, 5);

#define PT_ERR(code, ...) pt__error_set((code), __FILE__, __LINE__, __VA_ARGS__)

/* The last error recorded on this thread; code 0 and "" when none. */
const pt_error *pt_error_last(void);
/* Forgets the last error, for callers that handle one and carry on. */
void pt_error_clear(void);
/* A short name for a code, e.g. "EIO". */
const char *pt_error_name(int code);

#endif
