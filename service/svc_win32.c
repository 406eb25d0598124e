/* pt_service_main (service.h) on Windows: the arguments of `parseltongue
 * service run|install|uninstall|start|stop|status`, the data folder, and
 * dispatch to svc_run.c and svc_install.c. docs/windows-service.md. */
#include <windows.h>
#include <initguid.h> /* FOLDERID_ProgramData defined here, without uuid.lib */
#include <knownfolders.h>
#include <shlobj.h>

#include <stdlib.h>
#include <string.h>

#include "pt/buf.h"
#include "service.h"
#include "svc_win32.h"

static void usage(FILE *out)
{
  fprintf(out,
    "Usage: parseltongue service install --root DIR [--name NAME] [--port N]\n"
    "                                [--start auto|demand] [--account ACCOUNT]\n"
    "       parseltongue service uninstall|start|stop|pause|continue|status\n"
    "                                [--name NAME]\n"
    "       parseltongue service run --root DIR [--db sqlite:PATH] [--port N]\n"
    "                                [--name NAME] [--console]\n"
    "\n"
    "Keeps DIR indexed and served as a Windows service (one service, name and\n"
    "port per project).\n"
    "\n"
    "  install    Registers the service (delayed auto start by default, restart\n"
    "             after a crash), prepares its data folder and starts it\n"
    "  uninstall  Stops and removes the service (the data folder stays)\n"
    "  start, stop, status\n"
    "             status: state, root, port, entities, last backup\n"
    "  pause, continue\n"
    "             Hold re-indexing (the API answers from the last graph) and\n"
    "             resume it, applying the changes made meanwhile\n"
    "  run        What the service manager starts; with --console, the same\n"
    "             in the foreground (Ctrl-C stops)\n"
    "\n"
    "Options:\n"
    "  --root DIR      The folder to index and watch\n"
    "  --name NAME     Service name (default " SVC_DEFAULT_NAME ")\n"
    "  --port N        Port of the HTTP API on 127.0.0.1 (default 7777)\n"
    "  --db ENGINE     Default sqlite:%%ProgramData%%\\Parseltongue\\NAME\\analysis.db\n"
    "  --token-file PATH\n"
    "                  The bearer token every route but the health check\n"
    "                  requires (default %%ProgramData%%\\Parseltongue\\NAME\\token,\n"
    "                  made by install: readable by you, Administrators and\n"
    "                  the service's account only)\n"
    "  --start MODE    auto (default, delayed) or demand\n"
    "  --account NAME  Account to run as (default NT AUTHORITY\\LocalService)\n"
    "  -h, --help      Show this help\n"
    "\n"
    "See docs/windows-service.md.\n");
}

static int value(int argc, char **argv, int *i, const char **out, FILE *err)
{
  if (*i + 1 >= argc) {
    fprintf(err, "error: %s needs a value\n", argv[*i]);
    return 2;
  }
  *out = argv[++*i];
  return 0;
}

static int parse(int argc, char **argv, svc_args *a, FILE *out, FILE *err)
{
  memset(a, 0, sizeof *a);
  a->name = SVC_DEFAULT_NAME;
  a->port = SVC_DEFAULT_PORT;
  a->start = "auto";
  a->sub = argc > 1 ? argv[1] : "";
  if (!strcmp(a->sub, "-h") || !strcmp(a->sub, "--help") || !*a->sub) {
    usage(*a->sub ? out : err);
    return *a->sub ? -1 : 2;
  }
  for (int i = 2; i < argc; i++) {
    const char *s = argv[i], *v = NULL;
    int rc = 0;
    if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
      usage(out);
      return -1;
    } else if (!strcmp(s, "--console")) {
      a->console = 1;
    } else if (!strcmp(s, "--root")) {
      rc = value(argc, argv, &i, &a->root, err);
    } else if (!strcmp(s, "--db")) {
      rc = value(argc, argv, &i, &a->db, err);
    } else if (!strcmp(s, "--token-file")) {
      rc = value(argc, argv, &i, &a->token_file, err);
    } else if (!strcmp(s, "--name")) {
      rc = value(argc, argv, &i, &a->name, err);
    } else if (!strcmp(s, "--account")) {
      rc = value(argc, argv, &i, &a->account, err);
    } else if (!strcmp(s, "--start")) {
      rc = value(argc, argv, &i, &a->start, err);
      if (!rc && strcmp(a->start, "auto") && strcmp(a->start, "demand")) {
        fprintf(err, "error: --start takes auto or demand, got '%s'\n",
                a->start);
        rc = 2;
      }
    } else if (!strcmp(s, "--port")) {
      unsigned long long n = 0;
      rc = value(argc, argv, &i, &v, err);
      if (!rc && (pt_parse_u64(v, &n) != 0 || n == 0 || n > 65535)) {
        fprintf(err, "error: --port takes a number from 1 to 65535, got "
                "'%s'\n", v);
        rc = 2;
      }
      a->port = (unsigned)n;
    } else {
      fprintf(err, "error: unknown argument '%s' (see 'parseltongue service "
              "--help')\n", s);
      rc = 2;
    }
    if (rc)
      return rc;
  }
  if (!strcmp(a->sub, "run") && !a->root) {
    fprintf(err, "error: service run needs --root DIR\n");
    return 2;
  }
  if (!*a->name || strpbrk(a->name, "/\\\" ")) {
    fprintf(err, "error: --name must be a plain name (no spaces, slashes or "
            "quotes), got '%s'\n", a->name);
    return 2;
  }
  return 0;
}

/* The known folder, not %ProgramData%: a service's environment may name
 * another folder (wine gives services C:\users\Public), and install and
 * the service must agree. */
int pt__svc_data_dir(const char *name, char *out, size_t size)
{
  char base[MAX_PATH * 3] = "C:\\ProgramData";
  wchar_t *w = NULL;
  if (SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &w) == S_OK &&
      WideCharToMultiByte(CP_UTF8, 0, w, -1, base, (int)sizeof base, NULL,
                          NULL) <= 0)
    pt_snprintf(base, sizeof base, "C:\\ProgramData");
  CoTaskMemFree(w);
  return pt_snprintf(out, size, "%s\\Parseltongue\\%s", base, name) < 0
             ? -1
             : 0;
}

void pt__svc_db_spec(const svc_args *a, char *out, size_t size)
{
  char dir[MAX_PATH * 3];
  if (a->db) {
    pt_snprintf(out, size, "%s", a->db);
    return;
  }
  pt__svc_data_dir(a->name, dir, sizeof dir);
  pt_snprintf(out, size, "sqlite:%s\\analysis.db", dir);
}

void pt__svc_token_file(const svc_args *a, char *out, size_t size)
{
  char dir[MAX_PATH * 3];
  if (a->token_file) {
    pt_snprintf(out, size, "%s", a->token_file);
    return;
  }
  pt__svc_data_dir(a->name, dir, sizeof dir);
  pt_snprintf(out, size, "%s\\token", dir);
}

int pt_service_main(int argc, char **argv, FILE *out, FILE *err)
{
  svc_args a;
  int rc = parse(argc, argv, &a, out, err);
  /* the SCM sees no stderr: a bad command line must still reach it */
  if (rc > 0 && !strcmp(a.sub, "run"))
    return pt__svc_run(&a, "bad arguments in the service's command line "
                       "(see 'parseltongue service --help')", out, err);
  if (rc)
    return rc < 0 ? 0 : rc;
  if (!strcmp(a.sub, "run"))
    return pt__svc_run(&a, NULL, out, err);
  if (!strcmp(a.sub, "install"))
    return pt__svc_install(&a, out, err);
  if (!strcmp(a.sub, "uninstall"))
    return pt__svc_uninstall(&a, out, err);
  if (!strcmp(a.sub, "start"))
    return pt__svc_start(&a, out, err);
  if (!strcmp(a.sub, "stop"))
    return pt__svc_stop(&a, out, err);
  if (!strcmp(a.sub, "pause") || !strcmp(a.sub, "continue"))
    return pt__svc_pause(&a, !strcmp(a.sub, "pause"), out, err);
  if (!strcmp(a.sub, "status"))
    return pt__svc_status(&a, out, err);
  fprintf(err, "error: unknown service command '%s' (run, install, "
          "uninstall, start, stop, pause, continue, status)\n", a.sub);
  return 2;
}
