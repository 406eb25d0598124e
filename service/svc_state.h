/* The Windows service's life as a portable state machine: the SCM's
 * states and controls, with the SCM itself behind a small interface
 * (pt_svc_scm: report a status, log a line), so the same code runs under
 * the real SCM (svc_win32.c), in the foreground (`service run --console`)
 * and against a fake SCM in tests/test_svc_state.c on every platform.
 *
 * pt_svc_main drives the serving session (pt/serve.h): open (START_PENDING
 * with a checkpoint per step), start, wait until the HTTP API answers,
 * RUNNING; PAUSE/CONTINUE pause and resume re-indexing; STOP, SHUTDOWN and
 * PRESHUTDOWN stop the session (its final backup) under STOP_PENDING and
 * end in STOPPED, with a service-specific exit code when something failed.
 * docs/windows-service.md. */
#ifndef PT_SERVICE_SVC_STATE_H
#define PT_SERVICE_SVC_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "pt/serve.h"

/* The SCM's values (SERVICE_STOPPED ... SERVICE_PAUSED), so the Windows
 * side passes them through unchanged. */
typedef enum pt_svc_state {
  PT_SVC_STOPPED = 1,
  PT_SVC_START_PENDING = 2,
  PT_SVC_STOP_PENDING = 3,
  PT_SVC_RUNNING = 4,
  PT_SVC_CONTINUE_PENDING = 5,
  PT_SVC_PAUSE_PENDING = 6,
  PT_SVC_PAUSED = 7
} pt_svc_state;

/* SERVICE_CONTROL_* */
typedef enum pt_svc_ctrl {
  PT_SVC_CTRL_STOP = 1,
  PT_SVC_CTRL_PAUSE = 2,
  PT_SVC_CTRL_CONTINUE = 3,
  PT_SVC_CTRL_INTERROGATE = 4,
  PT_SVC_CTRL_SHUTDOWN = 5,
  PT_SVC_CTRL_PRESHUTDOWN = 15
} pt_svc_ctrl;

/* SERVICE_ACCEPT_* */
#define PT_SVC_ACCEPT_STOP 0x1u
#define PT_SVC_ACCEPT_PAUSE_CONTINUE 0x2u
#define PT_SVC_ACCEPT_SHUTDOWN 0x4u
#define PT_SVC_ACCEPT_PRESHUTDOWN 0x100u

/* ERROR_SERVICE_SPECIFIC_ERROR: the exit code is in specific_exit. */
#define PT_SVC_WIN32_SPECIFIC 1066u

/* The service-specific exit codes `sc query` shows
 * (SERVICE_EXIT_CODE); docs/windows-service.md lists them. */
typedef enum pt_svc_exit {
  PT_SVC_EXIT_OK = 0,
  PT_SVC_EXIT_CONFIG = 1,    /* bad arguments in the service's command */
  PT_SVC_EXIT_OPEN = 2,      /* the index cannot be opened or made (corrupt
                                analysis.db, missing root) */
  PT_SVC_EXIT_SERVE = 3,     /* the HTTP server cannot start (port in use) */
  PT_SVC_EXIT_NO_ANSWER = 4, /* started, but the API never answered */
  PT_SVC_EXIT_BACKUP = 5     /* the final backup at stop failed */
} pt_svc_exit;

typedef struct pt_svc_status {
  pt_svc_state state;
  unsigned accepts;         /* PT_SVC_ACCEPT_* */
  unsigned win32_exit;      /* 0 or PT_SVC_WIN32_SPECIFIC */
  unsigned specific_exit;   /* pt_svc_exit */
  unsigned checkpoint;      /* grows during a pending state */
  unsigned wait_hint_ms;    /* how long until the next checkpoint at most */
} pt_svc_status;

typedef enum pt_svc_level {
  PT_SVC_LOG_ERROR,
  PT_SVC_LOG_WARN,
  PT_SVC_LOG_INFO
} pt_svc_level;

/* What the state machine needs from the SCM. report is called from the
 * service's thread and from the thread delivering controls, one call at a
 * time (under the machine's lock: it must not call back into it); log only
 * from pt_svc_main's thread, outside that lock. */
typedef struct pt_svc_scm {
  void (*report)(const pt_svc_status *st, void *payload); /* SetServiceStatus */
  void (*log)(pt_svc_level level, const char *msg, void *payload); /* the
                                                 event log and the log file */
  void *payload;
} pt_svc_scm;

typedef struct pt_svc pt_svc;

/* Wait hints: the longest a step may take before the next checkpoint.
 * Loading a big index, or its final backup, is one step. */
#define PT_SVC_START_HINT_MS 30000u
#define PT_SVC_STOP_HINT_MS 30000u
/* A pause waits for an update under way: on a big tree, a whole pass. */
#define PT_SVC_PAUSE_HINT_MS 30000u
#define PT_SVC_ANSWER_TIMEOUT_MS 10000u /* RUNNING only once the API answers */

/* A machine for one run, reporting through scm (borrowed, must outlive
 * it). opts is copied (its strings too). */
int pt_svc_new(const pt_serve_opts *opts, const pt_svc_scm *scm,
               pt_svc **out);
void pt_svc_free(pt_svc *m);

/* The service's body (ServiceMain's, or the console's): reports
 * START_PENDING, opens and starts the session, waits until the HTTP API
 * answers, reports RUNNING, serves controls until a stop, stops the
 * session and reports STOPPED. Returns the pt_svc_exit it reported. */
pt_svc_exit pt_svc_main(pt_svc *m);

/* A control from the SCM (the handler's thread). Returns at once: a
 * pending state is reported now and the work happens on pt_svc_main's
 * thread. Returns 0, or PT_ENOTSUPPORTED for a control the current state
 * does not accept (the handler answers ERROR_CALL_NOT_IMPLEMENTED). */
int pt_svc_control(pt_svc *m, pt_svc_ctrl c);

/* The status last reported (a copy). Thread-safe. */
void pt_svc_get_status(pt_svc *m, pt_svc_status *out);
/* The port served (0 before RUNNING). */
unsigned pt_svc_port(pt_svc *m);
/* How many times pt_svc_main's thread woke to look for a control while
 * RUNNING or PAUSED (tests: an idle service sleeps). Thread-safe. */
uint64_t pt_svc_wakeups(pt_svc *m);

/* GETs path from our server on 127.0.0.1:port; 0 when it answered 200
 * (body, NUL-terminated, in buf). PT_EIO when nothing answers. */
int pt_svc_http_get(unsigned port, const char *path, unsigned timeout_ms,
                    char *buf, size_t size);

#endif
