/* Runs a program and collects what it prints: argv as given (no shell),
 * in a working folder, stdin empty, stdout kept up to a byte limit, the
 * start of stderr kept for messages, waited for up to a timeout. */
#ifndef PT_SYS_RUN_H
#define PT_SYS_RUN_H

#include <stddef.h>

/* Bytes of stderr kept (its start); the rest is read and dropped. */
#define PT_RUN_ERR_MAX 4096

typedef struct pt_run_opts {
  const char *const *argv; /* borrowed: NULL-terminated; argv[0] is looked
                              up in PATH unless it names a path */
  const char *dir;         /* borrowed, may be NULL: the working folder */
  size_t out_max;          /* stdout bytes kept; the rest is read and
                              dropped, and is_truncated set */
  unsigned timeout_ms;     /* 0: wait as long as it runs */
} pt_run_opts;

typedef struct pt_run_result {
  int exit_code;    /* the exit status; -1 when a signal ended it */
  int is_truncated; /* stdout was longer than out_max */
  char *out;        /* owned: stdout, NUL-terminated */
  size_t out_len;
  char *err;        /* owned: the start of stderr, NUL-terminated */
  size_t err_len;
} pt_run_result;

/* Runs o->argv and waits for it. On success *out holds the exit status and
 * the output (free with pt_run_result_fini) whatever the status was.
 * PT_ENOTFOUND when the program is not found, PT_EBUSY when the timeout
 * passed (the program is killed), PT_EINVAL for an empty argv, PT_ENOMEM,
 * PT_EIO for other failures; the message names the program. */
int pt_run(const pt_run_opts *o, pt_run_result *out);
/* Frees what pt_run stored; accepts a zeroed or NULL result. */
void pt_run_result_fini(pt_run_result *r);

#endif
