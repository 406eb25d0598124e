/* `service install|uninstall|start|stop|status` on Windows, over the SCM's
 * API: the checks install refuses on (root, name, port, data folder, an
 * existing index), CreateServiceW with the quoted binary path, the
 * service's configuration (description, delayed start, restart on crash),
 * the ACLs of the service's account, and waiting for the state a command
 * asked for. docs/windows-service.md. */
#include <windows.h>
#include <aclapi.h>
#include <shellapi.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/server.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "svc_state.h"
#include "svc_win32.h"

#define DEFAULT_ACCOUNT L"NT AUTHORITY\\LocalService"
#define WAIT_MS 60000u

static void wide(const char *s, wchar_t *out, int n)
{
  if (MultiByteToWideChar(CP_UTF8, 0, s, -1, out, n) <= 0)
    out[0] = L'\0';
}

static void narrow(const wchar_t *w, char *out, int n)
{
  if (WideCharToMultiByte(CP_UTF8, 0, w, -1, out, n, NULL, NULL) <= 0)
    out[0] = '\0';
}

static const char *state_name(DWORD s)
{
  static const char *const names[] = {"?", "STOPPED", "START_PENDING",
                                      "STOP_PENDING", "RUNNING",
                                      "CONTINUE_PENDING", "PAUSE_PENDING",
                                      "PAUSED"};
  return s < 8 ? names[s] : "?";
}

static const char *exit_text(DWORD code)
{
  switch (code) {
  case PT_SVC_EXIT_CONFIG: return "bad arguments in the service's command";
  case PT_SVC_EXIT_OPEN: return "the index cannot be opened or made";
  case PT_SVC_EXIT_SERVE: return "the HTTP server cannot start (port in use?)";
  case PT_SVC_EXIT_NO_ANSWER: return "the HTTP API never answered";
  case PT_SVC_EXIT_BACKUP: return "the final backup failed";
  default: return "see the log";
  }
}

static void say_exit(const SERVICE_STATUS *ss, const svc_args *a, FILE *out)
{
  char dir[MAX_PATH * 3];
  pt__svc_data_dir(a->name, dir, sizeof dir);
  if (ss->dwWin32ExitCode == PT_SVC_WIN32_SPECIFIC)
    fprintf(out, "  service-specific exit code %lu: %s (log: %s\\service.log)\n",
            (unsigned long)ss->dwServiceSpecificExitCode,
            exit_text(ss->dwServiceSpecificExitCode), dir);
  else if (ss->dwWin32ExitCode != 0)
    fprintf(out, "  exit code %lu (log: %s\\service.log)\n",
            (unsigned long)ss->dwWin32ExitCode, dir);
}

static SC_HANDLE open_scm(DWORD access, FILE *err)
{
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, access);
  if (!scm)
    fprintf(err, "error: cannot reach the service manager (error %lu%s)\n",
            (unsigned long)GetLastError(),
            GetLastError() == ERROR_ACCESS_DENIED
                ? ": run this from an administrator's console"
                : "");
  return scm;
}

static SC_HANDLE open_service(const svc_args *a, DWORD access, FILE *err)
{
  wchar_t name[256];
  SC_HANDLE scm = open_scm(SC_MANAGER_CONNECT, err);
  if (!scm)
    return NULL;
  wide(a->name, name, 256);
  SC_HANDLE s = OpenServiceW(scm, name, access);
  if (!s)
    fprintf(err, "error: %s '%s' (error %lu)\n",
            GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST
                ? "there is no service named"
                : "cannot open the service",
            a->name, (unsigned long)GetLastError());
  CloseServiceHandle(scm);
  return s;
}

/* Polls until the service leaves `pending` (or WAIT_MS passes). */
static int wait_while(SC_HANDLE s, DWORD pending, SERVICE_STATUS *ss)
{
  for (unsigned waited = 0; waited < WAIT_MS; waited += 100) {
    if (!QueryServiceStatus(s, ss))
      return -1;
    if (ss->dwCurrentState != pending)
      return 0;
    Sleep(100);
  }
  return -1;
}

static int start_and_wait(SC_HANDLE s, const svc_args *a, FILE *out,
                          FILE *err)
{
  SERVICE_STATUS ss;
  if (!StartServiceW(s, 0, NULL) &&
      GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
    fprintf(err, "error: cannot start '%s' (error %lu)\n", a->name,
            (unsigned long)GetLastError());
    return 1;
  }
  if (wait_while(s, SERVICE_START_PENDING, &ss) != 0) {
    fprintf(err, "error: '%s' did not finish starting within %u s\n",
            a->name, WAIT_MS / 1000);
    return 1;
  }
  fprintf(out, "%s: %s\n", a->name, state_name(ss.dwCurrentState));
  if (ss.dwCurrentState != SERVICE_RUNNING) {
    say_exit(&ss, a, err);
    return 1;
  }
  return 0;
}

static int stop_and_wait(SC_HANDLE s, const svc_args *a, FILE *out,
                         FILE *err)
{
  SERVICE_STATUS ss;
  if (!QueryServiceStatus(s, &ss))
    return 1;
  if (ss.dwCurrentState != SERVICE_STOPPED &&
      !ControlService(s, SERVICE_CONTROL_STOP, &ss) &&
      GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
    fprintf(err, "error: cannot stop '%s' (error %lu)\n", a->name,
            (unsigned long)GetLastError());
    return 1;
  }
  if (wait_while(s, SERVICE_STOP_PENDING, &ss) != 0 ||
      ss.dwCurrentState != SERVICE_STOPPED) {
    fprintf(err, "error: '%s' did not stop within %u s\n", a->name,
            WAIT_MS / 1000);
    return 1;
  }
  fprintf(out, "%s: STOPPED\n", a->name);
  say_exit(&ss, a, out);
  return ss.dwWin32ExitCode ? 1 : 0;
}

/* ---- install's checks ------------------------------------------------------ */

static int no_entry(const char *name, pt_fs_type type, void *payload)
{
  return 1; /* one entry is enough: the folder can be listed */
}

static int check_root(const char *root, FILE *err)
{
  pt_fs_stat st;
  if (pt_fs_stat_path(root, &st) != 0 || st.type != PT_FS_DIR) {
    fprintf(err, "error: the root '%s' does not exist or is not a folder\n",
            root);
    return 2;
  }
  int rc = pt_fs_list_dir(root, no_entry, NULL);
  if (rc < 0) {
    fprintf(err, "error: cannot read the root '%s': %s\n", root,
            pt_error_last()->message);
    return 2;
  }
  return 0;
}

static int check_port(unsigned port, FILE *err)
{
  uint64_t sock = 0;
  int rc = pt_net_listen("127.0.0.1", port, &sock);
  if (rc == 0) {
    pt_net_close(sock);
    return 0;
  }
  fprintf(err, "error: port %u is in use: %s (choose another with --port)\n",
          port, pt_error_last()->message);
  return 2;
}

/* The folder exists and takes a file; an index already in it loads. */
static int check_data(const svc_args *a, const char *dir, FILE *err)
{
  char probe[MAX_PATH * 3 + 32], spec[MAX_PATH * 3 + 16];
  pt_fs_stat st;
  pt_snprintf(probe, sizeof probe, "%s\\install-probe.tmp", dir);
  if (pt_fs_mkdir_p(dir) != 0 || pt_fs_write_file(probe, "ok", 2) != 0) {
    fprintf(err, "error: cannot write the data folder %s: %s\n", dir,
            pt_error_last()->message);
    return 2;
  }
  pt_fs_remove(probe);
  pt__svc_db_spec(a, spec, sizeof spec);
  pt_store_spec sp;
  if (pt_store_spec_parse(spec, &sp) != 0 || !sp.path ||
      pt_fs_stat_path(sp.path, &st) != 0) {
    pt_error_clear();
    return 0; /* no index yet: the first start makes it */
  }
  pt_store *store = NULL;
  pt_graph *g = NULL;
  int rc = pt_store_open_mode(spec, PT_STORE_READ, &store);
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0)
    rc = pt_store_load(store, g);
  pt_graph_free(g);
  pt_store_close(store);
  if (rc) {
    fprintf(err, "error: %s is not a readable index: %s\n  Move it away "
            "(or delete it: the service then indexes the root again)\n",
            sp.path, pt_error_last()->message);
    return 2;
  }
  return 0;
}

/* ---- install --------------------------------------------------------------- */

/* "\"exe\" service run --root \"ROOT\" --name NAME --port N" (then --db
 * and --token-file when not the default): a root's trailing backslash
 * would escape the closing quote, so it goes. */
static int bin_path(const svc_args *a, const char *root, const char *token,
                    wchar_t *out, size_t n)
{
  wchar_t exe[MAX_PATH * 2], wroot[MAX_PATH * 2], wname[256], wdb[MAX_PATH * 2];
  if (!GetModuleFileNameW(NULL, exe, MAX_PATH * 2))
    return -1;
  wide(root, wroot, MAX_PATH * 2);
  for (wchar_t *p = wroot; *p; p++)
    if (*p == L'/')
      *p = L'\\';
  size_t len = wcslen(wroot);
  while (len > 0 && wroot[len - 1] == L'\\')
    wroot[--len] = L'\0';
  wide(a->name, wname, 256);
  int w = _snwprintf(out, n, L"\"%ls\" service run --root \"%ls\" --name %ls "
                     L"--port %u", exe, wroot, wname, a->port);
  if (w > 0 && a->db) {
    wide(a->db, wdb, MAX_PATH * 2);
    size_t used = (size_t)w;
    w = _snwprintf(out + used, n - used, L" --db \"%ls\"", wdb);
  }
  if (w > 0 && token) {
    wide(token, wdb, MAX_PATH * 2);
    size_t used = wcslen(out);
    w = _snwprintf(out + used, n - used, L" --token-file \"%ls\"", wdb);
  }
  return w > 0 ? 0 : -1;
}

static void configure(SC_HANDLE s, const svc_args *a, FILE *err)
{
  SERVICE_DESCRIPTIONW d;
  wchar_t text[512], root[MAX_PATH * 2];
  wide(a->root, root, MAX_PATH * 2);
  _snwprintf(text, 512, L"Keeps %ls indexed and answers the Parseltongue "
             L"HTTP JSON API on 127.0.0.1:%u", root, a->port);
  d.lpDescription = text;
  if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &d))
    fprintf(err, "warning: no description set (error %lu)\n",
            (unsigned long)GetLastError());
  if (!strcmp(a->start, "auto")) {
    SERVICE_DELAYED_AUTO_START_INFO delayed = {TRUE};
    if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                               &delayed))
      fprintf(err, "warning: delayed start not set (error %lu)\n",
              (unsigned long)GetLastError());
  }
  /* restart after a crash: 5 s, 10 s, then every minute; a day without
   * failures forgets them */
  SC_ACTION act[3] = {{SC_ACTION_RESTART, 5000},
                      {SC_ACTION_RESTART, 10000},
                      {SC_ACTION_RESTART, 60000}};
  SERVICE_FAILURE_ACTIONSW fa;
  memset(&fa, 0, sizeof fa);
  fa.dwResetPeriod = 86400;
  fa.cActions = 3;
  fa.lpsaActions = act;
  if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
    fprintf(err, "warning: no restart on failure (error %lu)\n",
            (unsigned long)GetLastError());
  SERVICE_PRESHUTDOWN_INFO pre = {60000}; /* room for the final backup */
  ChangeServiceConfig2W(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre);
}

/* Grants the account `rights` on path, inherited by what is below. */
static int grant(const wchar_t *account, const char *path, DWORD rights)
{
  wchar_t wpath[MAX_PATH * 2];
  PACL old = NULL, acl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  wide(path, wpath, MAX_PATH * 2);
  DWORD e = GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT,
                                  DACL_SECURITY_INFORMATION, NULL, NULL, &old,
                                  NULL, &sd);
  if (e == ERROR_SUCCESS) {
    EXPLICIT_ACCESSW ea;
    memset(&ea, 0, sizeof ea);
    ea.grfAccessPermissions = rights;
    ea.grfAccessMode = GRANT_ACCESS;
    ea.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
    ea.Trustee.TrusteeForm = TRUSTEE_IS_NAME;
    ea.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    ea.Trustee.ptstrName = (LPWSTR)account;
    e = SetEntriesInAclW(1, &ea, old, &acl);
  }
  if (e == ERROR_SUCCESS)
    e = SetNamedSecurityInfoW(wpath, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                              NULL, NULL, acl, NULL);
  LocalFree(acl);
  LocalFree(sd);
  return (int)e;
}

static void grant_access(const svc_args *a, const wchar_t *account,
                         const char *dir, FILE *err)
{
  char acc[256];
  narrow(account, acc, (int)sizeof acc);
  int e = grant(account, dir, FILE_GENERIC_READ | FILE_GENERIC_WRITE |
                                  FILE_GENERIC_EXECUTE | DELETE);
  if (e)
    fprintf(err, "warning: cannot give %s write access to %s (error %d)\n",
            acc, dir, e);
  e = grant(account, a->root, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE);
  if (e)
    fprintf(err, "warning: cannot give %s read access to %s (error %d); "
            "use --account with an account that can read it\n", acc, a->root,
            e);
}

/* The Application log's source, so the events carry our name. */
static void register_event_source(void)
{
  HKEY k;
  if (RegCreateKeyExW(HKEY_LOCAL_MACHINE,
                      L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\"
                      L"Application\\" SVC_EVENT_SOURCE,
                      0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL) != 0)
    return;
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE |
                EVENTLOG_INFORMATION_TYPE;
  RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types,
                 sizeof types);
  RegCloseKey(k);
}

static int checks(const svc_args *a, const char *dir, SC_HANDLE scm,
                  FILE *err)
{
  wchar_t name[256];
  if (!a->root) {
    fprintf(err, "error: service install needs --root DIR\n");
    return 2;
  }
  int rc = check_root(a->root, err);
  if (rc)
    return rc;
  wide(a->name, name, 256);
  SC_HANDLE old = OpenServiceW(scm, name, SERVICE_QUERY_STATUS);
  if (old) {
    CloseServiceHandle(old);
    fprintf(err, "error: a service named '%s' already exists (choose another "
            "--name, or 'service uninstall --name %s' first)\n", a->name,
            a->name);
    return 2;
  }
  rc = check_port(a->port, err);
  return rc ? rc : check_data(a, dir, err);
}

/* The bearer token's file, made now (or kept, when there is one) so that
 * the installing user, Administrators and the service's account may read
 * it; *path is the absolute path of a --token-file for the command line
 * (NULL for the default one). */
static int make_token(const svc_args *a, FILE *out, FILE *err, char **path)
{
  char file[MAX_PATH * 3 + 16], token[PT_TOKEN_MAX + 1];
  int is_created = 0;
  pt__svc_token_file(a, file, sizeof file);
  int rc = pt_server_token_file(file, a->account ? a->account
                                                 : "NT AUTHORITY\\LocalService",
                                token, &is_created);
  memset(token, 0, sizeof token);
  if (rc == 0 && a->token_file && pt_fs_realpath(a->token_file, path) != 0)
    rc = PT_EINVAL;
  if (rc) {
    fprintf(err, "error: the bearer token: %s\n", pt_error_last()->message);
    return 2;
  }
  fprintf(out, "Bearer token %s %s (every route but the health check needs "
          "it: see docs/windows-service.md)\n",
          is_created ? "created in" : "kept in", file);
  return 0;
}

int pt__svc_install(const svc_args *a, FILE *out, FILE *err)
{
  char dir[MAX_PATH * 3], *root = NULL, *token = NULL;
  wchar_t name[256], display[300], cmd[MAX_PATH * 6], account[256];
  pt__svc_data_dir(a->name, dir, sizeof dir);
  SC_HANDLE scm = open_scm(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE,
                           err);
  if (!scm)
    return 1;
  int rc = checks(a, dir, scm, err);
  if (rc == 0 && pt_fs_realpath(a->root, &root) != 0)
    rc = 2;
  if (rc == 0)
    rc = make_token(a, out, err, &token);
  if (rc == 0 &&
      bin_path(a, root, token, cmd, sizeof cmd / sizeof *cmd) != 0) {
    fprintf(err, "error: the service's command line is too long\n");
    rc = 1;
  }
  SC_HANDLE s = NULL;
  if (rc == 0) {
    wide(a->name, name, 256);
    _snwprintf(display, 300, L"Parseltongue (%ls)", name);
    if (a->account)
      wide(a->account, account, 256);
    else
      wcscpy(account, DEFAULT_ACCOUNT);
    s = CreateServiceW(scm, name, display, SERVICE_ALL_ACCESS,
                       SERVICE_WIN32_OWN_PROCESS,
                       strcmp(a->start, "auto") ? SERVICE_DEMAND_START
                                                : SERVICE_AUTO_START,
                       SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, account,
                       NULL);
    if (!s) {
      fprintf(err, "error: cannot create the service '%s' (error %lu)\n",
              a->name, (unsigned long)GetLastError());
      rc = 1;
    }
  }
  if (rc == 0) {
    configure(s, a, err);
    grant_access(a, account, dir, err);
    register_event_source();
    fprintf(out, "Installed service '%s': %s, data in %s\n", a->name,
            a->root, dir);
    rc = start_and_wait(s, a, out, err);
  }
  pt_free(root);
  pt_free(token);
  if (s)
    CloseServiceHandle(s);
  CloseServiceHandle(scm);
  return rc;
}

int pt__svc_uninstall(const svc_args *a, FILE *out, FILE *err)
{
  SC_HANDLE s = open_service(a, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE,
                             err);
  if (!s)
    return 1;
  (void)stop_and_wait(s, a, out, err); /* a failed backup must not keep it */
  int rc = 0;
  if (!DeleteService(s)) {
    fprintf(err, "error: cannot delete '%s' (error %lu)\n", a->name,
            (unsigned long)GetLastError());
    rc = 1;
  } else {
    char dir[MAX_PATH * 3];
    pt__svc_data_dir(a->name, dir, sizeof dir);
    fprintf(out, "Removed service '%s' (its data stays in %s)\n", a->name,
            dir);
  }
  CloseServiceHandle(s);
  return rc;
}

int pt__svc_start(const svc_args *a, FILE *out, FILE *err)
{
  SC_HANDLE s = open_service(a, SERVICE_START | SERVICE_QUERY_STATUS, err);
  if (!s)
    return 1;
  int rc = start_and_wait(s, a, out, err);
  CloseServiceHandle(s);
  return rc;
}

int pt__svc_stop(const svc_args *a, FILE *out, FILE *err)
{
  SC_HANDLE s = open_service(a, SERVICE_STOP | SERVICE_QUERY_STATUS, err);
  if (!s)
    return 1;
  int rc = stop_and_wait(s, a, out, err);
  CloseServiceHandle(s);
  return rc;
}

/* PAUSE or CONTINUE, then the state it settles in. */
int pt__svc_pause(const svc_args *a, int pause, FILE *out, FILE *err)
{
  SC_HANDLE s = open_service(a, SERVICE_PAUSE_CONTINUE | SERVICE_QUERY_STATUS,
                             err);
  if (!s)
    return 1;
  SERVICE_STATUS ss;
  int rc = 0;
  if (!ControlService(s, pause ? SERVICE_CONTROL_PAUSE
                               : SERVICE_CONTROL_CONTINUE, &ss)) {
    fprintf(err, "error: cannot %s '%s' (error %lu)\n",
            pause ? "pause" : "continue", a->name,
            (unsigned long)GetLastError());
    rc = 1;
  } else if (wait_while(s, pause ? SERVICE_PAUSE_PENDING
                                 : SERVICE_CONTINUE_PENDING, &ss) != 0) {
    fprintf(err, "error: '%s' did not settle within %u s\n", a->name,
            WAIT_MS / 1000);
    rc = 1;
  } else {
    fprintf(out, "%s: %s\n", a->name, state_name(ss.dwCurrentState));
  }
  CloseServiceHandle(s);
  return rc;
}

/* ---- status ---------------------------------------------------------------- */

/* --root, --port and --token-file of the registered command line. */
static void registered(SC_HANDLE s, char *root, size_t n, unsigned *port,
                       char *token, size_t token_size)
{
  BYTE buf[8192];
  DWORD need = 0;
  QUERY_SERVICE_CONFIGW *qc = (QUERY_SERVICE_CONFIGW *)buf;
  root[0] = '\0';
  if (!QueryServiceConfigW(s, qc, sizeof buf, &need))
    return;
  int argc = 0;
  wchar_t **argv = CommandLineToArgvW(qc->lpBinaryPathName, &argc);
  for (int i = 0; argv && i + 1 < argc; i++) {
    if (!wcscmp(argv[i], L"--root"))
      narrow(argv[i + 1], root, (int)n);
    else if (!wcscmp(argv[i], L"--port"))
      *port = (unsigned)wcstoul(argv[i + 1], NULL, 10);
    else if (!wcscmp(argv[i], L"--token-file"))
      narrow(argv[i + 1], token, (int)token_size);
  }
  LocalFree(argv);
}

static void utc(time_t t, char *out, size_t n)
{
  struct tm *tm = gmtime(&t);
  if (!tm || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", tm))
    pt_snprintf(out, n, "?");
}

/* The number after "key": in a JSON body (our envelope has no nesting of
 * these names); 1 found, 0 missing, -1 null. */
static int json_number(const char *body, const char *key, unsigned long long *out)
{
  char pat[64];
  pt_snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *k = strstr(body, pat);
  if (!k)
    return 0;
  k += strlen(pat);
  if (!strncmp(k, "null", 4))
    return -1;
  char *end = NULL;
  *out = strtoull(k, &end, 10);
  return end != k;
}

static void last_backup(const svc_args *a, char *out, size_t n)
{
  char spec[MAX_PATH * 3 + 16];
  pt_store_spec sp;
  pt_fs_stat st;
  pt__svc_db_spec(a, spec, sizeof spec);
  if (pt_store_spec_parse(spec, &sp) != 0 || !sp.path ||
      pt_fs_stat_path(sp.path, &st) != 0) {
    pt_error_clear();
    pt_snprintf(out, n, "none yet");
    return;
  }
  utc((time_t)(st.mtime_ns / 1000000000), out, n);
}

/* A running service answers for itself: its port, entity count and last
 * backup come from its health check (docs/windows-service.md, status). */
typedef struct health {
  int answered;
  unsigned long long port, entities, backup;
  int has_backup; /* 1 a time, -1 none since the service started */
} health;

static void ask_health(unsigned port, health *h)
{
  char body[4096];
  memset(h, 0, sizeof *h);
  if (pt_svc_http_get(port, "/server-health-check-status", 2000, body,
                      sizeof body) == 0 &&
      json_number(body, "code_entities_total_count", &h->entities) == 1) {
    h->answered = 1;
    if (json_number(body, "server_port", &h->port) != 1)
      h->port = port;
    h->has_backup = json_number(body, "last_backup_epoch_seconds", &h->backup);
  }
  pt_error_clear();
}

int pt__svc_status(const svc_args *a, FILE *out, FILE *err)
{
  SC_HANDLE s = open_service(a, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG,
                             err);
  if (!s)
    return 1;
  SERVICE_STATUS ss;
  SERVICE_STATUS_PROCESS sp;
  DWORD need = 0;
  char root[MAX_PATH * 3], when[64], stored[64], token[MAX_PATH * 3 + 16];
  unsigned port = a->port;
  health h;
  memset(&sp, 0, sizeof sp);
  int ok = QueryServiceStatus(s, &ss);
  if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&sp, sizeof sp,
                            &need))
    sp.dwProcessId = 0;
  pt__svc_token_file(a, token, sizeof token);
  registered(s, root, sizeof root, &port, token, sizeof token);
  CloseServiceHandle(s);
  if (!ok) {
    fprintf(err, "error: cannot query '%s' (error %lu)\n", a->name,
            (unsigned long)GetLastError());
    return 1;
  }
  memset(&h, 0, sizeof h);
  if (ss.dwCurrentState == SERVICE_RUNNING ||
      ss.dwCurrentState == SERVICE_PAUSED)
    ask_health(port, &h);
  last_backup(a, stored, sizeof stored);
  if (h.answered && h.has_backup == 1)
    utc((time_t)h.backup, when, sizeof when);
  else if (h.answered)
    pt_snprintf(when, sizeof when, "none since the service started "
                "(the index file: %s)", stored);
  else
    pt_snprintf(when, sizeof when, "%s", stored);
  fprintf(out, "Service:     %s\nState:       %s\nRoot:        %s\n"
          "Port:        %u\n", a->name, state_name(ss.dwCurrentState),
          *root ? root : "?", h.answered ? (unsigned)h.port : port);
  if (sp.dwProcessId)
    fprintf(out, "PID:         %lu\n", (unsigned long)sp.dwProcessId);
  if (h.answered)
    fprintf(out, "Entities:    %llu\n", h.entities);
  else
    fprintf(out, "Entities:    - (the API does not answer)\n");
  fprintf(out, "Last backup: %s\n", when);
  fprintf(out, "Token file:  %s\n", token);
  say_exit(&ss, a, out);
  return 0;
}
