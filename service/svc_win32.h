/* Private to the Windows `service` command (svc_*.c): its arguments, the
 * data folder, and the subcommands each file implements. */
#ifndef PT_SERVICE_SVC_WIN32_H
#define PT_SERVICE_SVC_WIN32_H

#include <stdio.h>

#define SVC_DEFAULT_NAME "Parseltongue"
#define SVC_DEFAULT_PORT 7777u
#define SVC_EVENT_SOURCE L"Parseltongue"

typedef struct svc_args {
  const char *sub;     /* run, install, uninstall, start, stop, pause,
                          continue, status */
  const char *root;    /* borrowed from argv */
  const char *db;      /* NULL: sqlite:<data folder>\analysis.db */
  const char *token_file; /* NULL: <data folder>\token */
  const char *name;
  const char *account; /* NULL: NT AUTHORITY\LocalService */
  const char *start;   /* auto | demand */
  unsigned port;
  int console;
} svc_args;

/* %ProgramData%\Parseltongue\<name> (UTF-8, '\' separators) into out. */
int pt__svc_data_dir(const char *name, char *out, size_t size);
/* The engine spec the service uses: a->db, or the default. */
void pt__svc_db_spec(const svc_args *a, char *out, size_t size);
/* The bearer token's file the service uses: a->token_file, or the
 * default (docs/windows-service.md, "Bearer token"). */
void pt__svc_token_file(const svc_args *a, char *out, size_t size);

/* svc_run.c: `service run` under the SCM, or in the foreground. With
 * bad_args (why its command line cannot run, already printed), a service
 * started by the SCM reports STOPPED with exit code 1 and logs why; from a
 * console it returns 2. */
int pt__svc_run(const svc_args *a, const char *bad_args, FILE *out,
                FILE *err);
/* svc_install.c */
int pt__svc_install(const svc_args *a, FILE *out, FILE *err);
int pt__svc_uninstall(const svc_args *a, FILE *out, FILE *err);
int pt__svc_start(const svc_args *a, FILE *out, FILE *err);
int pt__svc_stop(const svc_args *a, FILE *out, FILE *err);
/* PAUSE (pause set) or CONTINUE, waiting for PAUSED or RUNNING. */
int pt__svc_pause(const svc_args *a, int pause, FILE *out, FILE *err);
int pt__svc_status(const svc_args *a, FILE *out, FILE *err);

#endif
