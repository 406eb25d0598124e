/* `service run`: what the SCM starts. StartServiceCtrlDispatcherW hands the
 * process to the SCM; ServiceMain registers the control handler and runs
 * the state machine (svc_state.h) with SetServiceStatus as its report and
 * the log file plus the Application event log as its log. Started from a
 * console, the dispatcher fails with 1063: we say how to run it instead.
 * --console runs the same machine in the foreground, Ctrl-C as STOP. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "pt/buf.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "svc_state.h"
#include "svc_win32.h"

#define LOG_ROTATE_BYTES (1024L * 1024L)
#define LOG_KEEP 3

/* ServiceMain receives nothing of ours: the run's state lives here. */
static struct {
  const svc_args *a;
  char db[MAX_PATH * 3 + 16];
  char token_file[MAX_PATH * 3 + 16]; /* the bearer token's, always one */
  FILE *log;                   /* the data folder's service.log */
  HANDLE events;               /* the Application event log source */
  FILE *console;               /* --console: where lines also go */
  SERVICE_STATUS_HANDLE status;
  pt_svc *m;
  const char *bad_args;        /* why the command line cannot run */
  int code;
} run;

static void to_wide(const char *s, wchar_t *out, int n)
{
  if (MultiByteToWideChar(CP_UTF8, 0, s, -1, out, n) <= 0)
    out[0] = L'\0';
}

/* service.log, service.log.1 ... .3: rotated when a start finds it past
 * LOG_ROTATE_BYTES. */
static void rotate(const char *path)
{
  pt_fs_stat st;
  if (pt_fs_stat_path(path, &st) != 0 || st.size < LOG_ROTATE_BYTES) {
    pt_error_clear();
    return;
  }
  for (int i = LOG_KEEP; i >= 1; i--) {
    char from[MAX_PATH * 3 + 8], to[MAX_PATH * 3 + 8];
    wchar_t wf[MAX_PATH * 2], wt[MAX_PATH * 2];
    if (i == 1)
      pt_snprintf(from, sizeof from, "%s", path);
    else
      pt_snprintf(from, sizeof from, "%s.%d", path, i - 1);
    pt_snprintf(to, sizeof to, "%s.%d", path, i);
    to_wide(from, wf, MAX_PATH * 2);
    to_wide(to, wt, MAX_PATH * 2);
    MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING);
  }
}

static FILE *open_log(const char *name)
{
  char dir[MAX_PATH * 3], path[MAX_PATH * 3 + 16];
  wchar_t w[MAX_PATH * 2];
  if (pt__svc_data_dir(name, dir, sizeof dir) != 0 || pt_fs_mkdir_p(dir) != 0) {
    pt_error_clear();
    return NULL;
  }
  pt_snprintf(path, sizeof path, "%s\\service.log", dir);
  rotate(path);
  to_wide(path, w, MAX_PATH * 2);
  FILE *f = _wfopen(w, L"a");
  if (f)
    setvbuf(f, NULL, _IOLBF, 4096);
  return f;
}

/* UTC to the millisecond: the log times each step of a start and a stop
 * (docs/windows-service.md, "Numbers"). */
static void write_line(const char *level, const char *msg)
{
  char when[32];
  SYSTEMTIME t;
  GetSystemTime(&t);
  pt_snprintf(when, sizeof when, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
              t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond,
              t.wMilliseconds);
  if (run.log) {
    fprintf(run.log, "%s %s %s\n", when, level, msg);
    fflush(run.log);
  }
  if (run.console) {
    fprintf(run.console, "%s %s\n", level, msg);
    fflush(run.console);
  }
}

/* Start, stop, errors and warnings (each failed backup among them) go to
 * the event log too, as "<name>: <message>". */
static void report_event(pt_svc_level level, const char *msg)
{
  if (!run.events)
    return;
  char line[1200];
  wchar_t w[1200];
  pt_snprintf(line, sizeof line, "%s: %s", run.a->name, msg);
  to_wide(line, w, 1200);
  const wchar_t *strs[1] = {w};
  WORD type = level == PT_SVC_LOG_ERROR  ? EVENTLOG_ERROR_TYPE
              : level == PT_SVC_LOG_WARN ? EVENTLOG_WARNING_TYPE
                                         : EVENTLOG_INFORMATION_TYPE;
  DWORD id = level == PT_SVC_LOG_ERROR ? 3 : level == PT_SVC_LOG_WARN ? 2 : 1;
  ReportEventW(run.events, type, 0, id, NULL, 1, 0, strs, NULL);
}

static void on_log(pt_svc_level level, const char *msg, void *payload)
{
  write_line(level == PT_SVC_LOG_ERROR  ? "ERROR"
             : level == PT_SVC_LOG_WARN ? "WARN"
                                        : "INFO",
             msg);
  int lifecycle = level != PT_SVC_LOG_INFO || !strncmp(msg, "starting", 8) ||
                  !strncmp(msg, "running", 7) || !strncmp(msg, "stopped", 7);
  if (lifecycle)
    report_event(level, msg);
}

/* Core's own log lines (pt/log.h) go to the same file. */
static void on_core_log(pt_log_level level, const char *msg, void *payload)
{
  write_line(level == PT_LOG_ERROR  ? "ERROR"
             : level == PT_LOG_WARN ? "WARN"
             : level == PT_LOG_INFO ? "INFO"
                                    : "DEBUG",
             msg);
}

static void on_report(const pt_svc_status *st, void *payload)
{
  SERVICE_STATUS ss;
  memset(&ss, 0, sizeof ss);
  ss.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  ss.dwCurrentState = st->state;
  ss.dwControlsAccepted = st->accepts;
  ss.dwWin32ExitCode = st->win32_exit;
  ss.dwServiceSpecificExitCode = st->specific_exit;
  ss.dwCheckPoint = st->checkpoint;
  ss.dwWaitHint = st->wait_hint_ms;
  if (run.status)
    SetServiceStatus(run.status, &ss);
}

static const pt_svc_scm scm = {on_report, on_log, NULL};

static DWORD WINAPI on_control(DWORD ctrl, DWORD type, LPVOID data,
                               LPVOID ctx)
{
  if (!run.m)
    return ERROR_CALL_NOT_IMPLEMENTED;
  if (pt_svc_control(run.m, (pt_svc_ctrl)ctrl) != 0) {
    pt_error_clear();
    return ERROR_CALL_NOT_IMPLEMENTED;
  }
  return NO_ERROR;
}

static int make_machine(void)
{
  pt_serve_opts o;
  memset(&o, 0, sizeof o);
  o.db = run.db;
  o.root = run.a->root;
  o.port = run.a->port;
  o.watch = 1;
  o.log = run.log; /* the live index's "[FileWatcher] ..." lines */
  o.token_file = run.token_file; /* every local user reaches the port */
  return pt_svc_new(&o, &scm, &run.m);
}

/* A service that cannot even begin still tells the SCM why it stopped,
 * instead of leaving it to time out ("did not respond", error 1053). */
static void refuse(const char *why)
{
  pt_svc_status st;
  char msg[1024];
  memset(&st, 0, sizeof st);
  st.state = PT_SVC_STOPPED;
  st.win32_exit = PT_SVC_WIN32_SPECIFIC;
  st.specific_exit = PT_SVC_EXIT_CONFIG;
  pt_snprintf(msg, sizeof msg, "cannot start: %s", why);
  on_log(PT_SVC_LOG_ERROR, msg, NULL);
  on_report(&st, NULL);
  run.code = 1;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  wchar_t name[256];
  to_wide(run.a->name, name, 256);
  run.status = RegisterServiceCtrlHandlerExW(name, on_control, NULL);
  if (!run.status) {
    on_log(PT_SVC_LOG_ERROR, "RegisterServiceCtrlHandlerExW failed", NULL);
    run.code = 1;
  } else if (run.bad_args) {
    refuse(run.bad_args);
  } else if (make_machine() != 0) {
    refuse(pt_error_last()->message);
  } else {
    run.code = (int)pt_svc_main(run.m);
  }
}

static BOOL WINAPI on_ctrl_c(DWORD type)
{
  if (run.m && pt_svc_control(run.m, PT_SVC_CTRL_STOP) != 0)
    pt_error_clear();
  return TRUE;
}

static int run_console(FILE *err)
{
  run.console = err;
  if (make_machine() != 0) {
    fprintf(err, "Error: %s\n", pt_error_last()->message);
    return 1;
  }
  SetConsoleCtrlHandler(on_ctrl_c, TRUE);
  return pt_svc_main(run.m) == PT_SVC_EXIT_OK ? 0 : 1;
}

static int run_service(FILE *err)
{
  wchar_t name[256];
  to_wide(run.a->name, name, 256);
  SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {NULL, NULL}};
  if (StartServiceCtrlDispatcherW(table))
    return run.code ? 1 : 0;
  DWORD e = GetLastError();
  if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    if (run.bad_args)
      return 2; /* the parser said why */
    fprintf(err,
            "error: 'service run' is started by the Windows service manager, "
            "not from a console (error 1063).\n"
            "  Register it:          parseltongue service install --root DIR "
            "[--name NAME]\n"
            "  Serve in a console:   parseltongue serve --db mem --root DIR\n"
            "  Debug the service:    parseltongue service run --root DIR "
            "--console\n");
    return 2;
  }
  fprintf(err, "error: StartServiceCtrlDispatcherW failed (error %lu)\n",
          (unsigned long)e);
  return 1;
}

int pt__svc_run(const svc_args *a, const char *bad_args, FILE *out,
                FILE *err)
{
  memset(&run, 0, sizeof run);
  run.a = a;
  run.bad_args = bad_args;
  if (bad_args && a->console)
    return 2; /* the parser said why */
  pt__svc_db_spec(a, run.db, sizeof run.db);
  pt__svc_token_file(a, run.token_file, sizeof run.token_file);
  run.log = open_log(a->name);
  pt_log_set_sink(on_core_log, NULL);
  run.events = RegisterEventSourceW(NULL, SVC_EVENT_SOURCE);
  int rc = a->console ? run_console(err) : run_service(err);
  pt_log_set_sink(NULL, NULL);
  pt_svc_free(run.m);
  run.m = NULL;
  if (run.events)
    DeregisterEventSource(run.events);
  if (run.log)
    fclose(run.log);
  return rc;
}
