/* pt_service_main (service.h) for Linux and macOS: `service install`
 * writes a systemd user unit (or a launchd agent) that runs `parseltongue
 * serve` with the watcher on one folder, indexes the folder once if its
 * database is new, and enables the unit when the user's manager runs;
 * `uninstall` disables and removes it; `status` reads the unit and asks
 * the health endpoint. docs/user-service.md. */
#include <stdlib.h>
#include <string.h>

#include "posix_service.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "service.h"
#include "unit_text.h"

/* Exit statuses (docs/user-service.md). */
#define SVC_OK 0
#define SVC_FAILED 1
#define SVC_USAGE 2
#define SVC_NOT_ANSWERING 3
#define DEFAULT_PORT 7777u

typedef struct svc_args {
  const char *cmd;  /* install, uninstall, status */
  const char *root, *name, *db;
  unsigned port;
} svc_args;

static void usage(FILE *out)
{
  fprintf(out,
    "Usage: parseltongue service install --root DIR [--name NAME] [--port N]\n"
    "                                    [--db ENGINE]\n"
    "       parseltongue service uninstall [--name NAME]\n"
    "       parseltongue service status [--name NAME]\n"
    "\n"
    "Keeps DIR indexed and served while you are logged in: 'install' writes\n"
    "a %s that runs 'parseltongue serve' with the file\n"
    "watcher on DIR, indexes DIR first when its database is new, and\n"
    "enables it. Where the service manager does not run (containers), the\n"
    "unit is written and the commands that enable it are printed.\n"
    "\n"
    "Options:\n"
    "  --root DIR    The folder to index and serve (install)\n"
    "  --name NAME   The service's name: letters, digits, '.', '_', '-'\n"
    "                (default: DIR's name; for uninstall and status, the one\n"
    "                service installed)\n"
    "  --port N      Port of the HTTP API (default 7777; one per service)\n"
    "  --db ENGINE   sqlite:PATH or rocksdb:PATH (default\n"
    "                sqlite:<data folder>/NAME/analysis.db, see below)\n"
    "  -h, --help    Show this help\n"
    "\n"
    "The unit: %s\n"
    "The data folder: %s\n"
    "'status' exits 0 when the API answers, 3 when the service is installed\n"
    "but does not answer, 1 when it is not installed.\n"
    "On Windows the same command installs a Windows service (see\n"
    "docs/windows-service.md). See docs/user-service.md.\n",
    pt__posix_is_launchd() ? "launchd agent" : "systemd user unit",
    pt__posix_is_launchd()
        ? "~/Library/LaunchAgents/com.parseltongue.NAME.plist"
                           : "~/.config/systemd/user/parseltongue-NAME.service",
    pt__posix_is_launchd() ? "~/Library/Application Support/Parseltongue/NAME"
                           : "~/.local/share/parseltongue/NAME");
}

static int take_value(int argc, char **argv, int *i, svc_args *a, FILE *err)
{
  const char *s = argv[*i];
  if (*i + 1 >= argc) {
    fprintf(err, "error: %s needs a value\n", s);
    return SVC_USAGE;
  }
  const char *v = argv[++*i];
  unsigned long long n;
  if (!strcmp(s, "--root")) a->root = v;
  else if (!strcmp(s, "--name")) a->name = v;
  else if (!strcmp(s, "--db")) a->db = v;
  else if (pt_parse_u64(v, &n) != 0 || n == 0 || n > 65535) {
    fprintf(err, "error: --port takes a number from 1 to 65535, got '%s'\n", v);
    return SVC_USAGE;
  } else {
    a->port = (unsigned)n;
  }
  return 0;
}

/* 0, -1 after printing the help, or SVC_USAGE after saying what is wrong. */
static int parse_args(int argc, char **argv, svc_args *a, FILE *out, FILE *err)
{
  memset(a, 0, sizeof *a);
  a->port = DEFAULT_PORT;
  a->cmd = argc > 1 ? argv[1] : NULL;
  if (!a->cmd || !strcmp(a->cmd, "-h") || !strcmp(a->cmd, "--help")) {
    usage(a->cmd ? out : err);
    return a->cmd ? -1 : SVC_USAGE;
  }
  int is_install = !strcmp(a->cmd, "install");
  for (int i = 2; i < argc; i++) {
    const char *s = argv[i];
    int rc = 0;
    if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
      usage(out);
      return -1;
    } else if (!strcmp(s, "--name") ||
               (is_install && (!strcmp(s, "--root") || !strcmp(s, "--port") ||
                               !strcmp(s, "--db")))) {
      rc = take_value(argc, argv, &i, a, err);
    } else {
      fprintf(err, "error: unknown argument '%s' for 'service %s' (see "
              "'parseltongue service --help')\n", s, a->cmd);
      rc = SVC_USAGE;
    }
    if (rc)
      return rc;
  }
  if (is_install && !a->root) {
    fprintf(err, "error: 'service install' needs --root DIR (the folder to "
            "serve)\n");
    return SVC_USAGE;
  }
  return 0;
}

static int run_manager(const char *const *argv, FILE *out)
{
  fprintf(out, "  $");
  for (const char *const *p = argv; *p; p++)
    fprintf(out, " %s", *p);
  fprintf(out, "\n");
  fflush(out);
  int rc = pt__posix_run(argv, NULL);
  if (rc > 0)
    rc = PT_ERR(PT_EIO, "%s %s exited with status %d", argv[0], argv[1], rc);
  return rc;
}

static void print_enable_hint(const svc_paths *p, FILE *out)
{
  if (pt__posix_is_launchd()) {
    fprintf(out, "To start it: launchctl bootstrap gui/$(id -u) '%s'\n",
            p->unit_path);
    return;
  }
  fprintf(out,
    "The systemd user manager does not run here (no %s), so the unit is\n"
    "written but not enabled. Where systemd runs, enable and start it with:\n"
    "  systemctl --user daemon-reload\n"
    "  systemctl --user enable --now %s\n"
    "and, to keep it running while you are logged out:\n"
    "  loginctl enable-linger \"$USER\"\n",
    "$XDG_RUNTIME_DIR/systemd/private", p->unit_name);
}

static int enable(const svc_paths *p, FILE *out)
{
  if (!pt__posix_manager_running()) {
    print_enable_hint(p, out);
    return 0;
  }
  if (pt__posix_is_launchd()) {
    char domain[64];
    pt_snprintf(domain, sizeof domain, "gui/%lu", pt__posix_uid());
    const char *boot[] = {"launchctl", "bootstrap", domain, p->unit_path, NULL};
    return run_manager(boot, out);
  }
  const char *reload[] = {"systemctl", "--user", "daemon-reload", NULL};
  const char *start[] = {"systemctl", "--user", "enable", "--now",
                         p->unit_name, NULL};
  int rc = run_manager(reload, out);
  return rc ? rc : run_manager(start, out);
}

/* Stops and disables; a unit the manager does not know is not an error. */
static void disable(const svc_paths *p, FILE *out)
{
  if (!pt__posix_manager_running())
    return;
  int rc;
  if (pt__posix_is_launchd()) {
    char target[128];
    pt_snprintf(target, sizeof target, "gui/%lu/%s", pt__posix_uid(),
                p->unit_name);
    const char *bootout[] = {"launchctl", "bootout", target, NULL};
    rc = run_manager(bootout, out);
  } else {
    const char *stop[] = {"systemctl", "--user", "disable", "--now",
                          p->unit_name, NULL};
    const char *reload[] = {"systemctl", "--user", "daemon-reload", NULL};
    rc = run_manager(stop, out);
    if (rc == 0)
      rc = run_manager(reload, out);
  }
  if (rc)
    fprintf(out, "  (%s; removing the file anyway)\n",
            pt_error_last()->message);
  pt_error_clear();
}

static int write_unit(const svc_paths *p, const pt_unit_spec *u)
{
  pt_buf text = PT_BUF_INIT, tmp = PT_BUF_INIT;
  int rc = pt__posix_is_launchd() ? pt__unit_launchd(u, &text)
                                  : pt__unit_systemd(u, &text);
  if (rc == 0)
    rc = pt_fs_mkdir_p(p->unit_dir);
  /* launchd opens the log file but makes no folder for it. */
  if (rc == 0 && p->log_path)
    rc = pt_buf_put(&tmp, p->log_path, (size_t)(strrchr(p->log_path, '/') -
                                                p->log_path));
  if (rc == 0 && p->log_path)
    rc = pt_fs_mkdir_p(pt_buf_cstr(&tmp));
  pt_buf_clear(&tmp);
  if (rc == 0)
    rc = pt_buf_printf(&tmp, "%s.tmp", p->unit_path);
  if (rc == 0)
    rc = pt_fs_write_file(pt_buf_cstr(&tmp), text.ptr, text.len);
  if (rc == 0)
    rc = pt_fs_replace(pt_buf_cstr(&tmp), p->unit_path);
  pt_buf_fini(&tmp);
  pt_buf_fini(&text);
  return rc;
}

/* A second service on a port is a second server the first answers for. */
static int check_port(unsigned port)
{
  uint64_t sock;
  int rc = pt_net_listen("127.0.0.1", port, &sock);
  if (rc == 0)
    pt_net_close(sock);
  else if (rc == PT_EEXISTS)
    rc = PT_ERR(PT_EEXISTS, "port %u is in use: give the service another "
                "one with --port", port);
  return rc;
}

static int install(const svc_args *a, FILE *out)
{
  svc_install in;
  svc_paths p;
  memset(&p, 0, sizeof p);
  int rc = pt__svc_install_prepare(a->root, a->name, &in);
  if (rc == 0)
    rc = pt__svc_paths_init(in.name, &p);
  if (rc == 0)
    rc = pt__svc_install_db(&in, a->db, &p);
  if (rc == 0)
    rc = pt__svc_refuse_taken(&p);
  if (rc == 0)
    rc = pt__svc_refuse_port_taken(a->port);
  if (rc == 0)
    rc = check_port(a->port);
  if (rc == 0)
    rc = pt__svc_first_index(&in, &p, out);
  pt_unit_spec u = {in.name, in.exe, in.root, in.db, a->port, p.log_path};
  if (rc == 0)
    rc = write_unit(&p, &u);
  if (rc == 0) {
    fprintf(out, "Service '%s' written: %s\n  serves %s on port %u from %s\n",
            in.name, p.unit_path, in.root, a->port, in.db);
    rc = enable(&p, out);
  }
  if (rc == 0)
    fprintf(out, "Check it with: parseltongue service status --name %s\n",
            in.name);
  pt__svc_paths_fini(&p);
  pt__svc_install_fini(&in);
  return rc;
}

static int uninstall(const svc_args *a, FILE *out)
{
  svc_paths p;
  char *name = NULL;
  memset(&p, 0, sizeof p);
  int rc = pt__svc_pick_name(a->name, &name);
  if (rc == 0)
    rc = pt__svc_paths_init(name, &p);
  if (rc == 0)
    rc = pt__svc_require_installed(&p);
  if (rc == 0) {
    disable(&p, out);
    rc = pt_fs_remove(p.unit_path);
  }
  if (rc == 0)
    fprintf(out, "Service '%s' removed (%s).\nIts data folder stays: %s\n"
            "(delete it with: rm -r '%s')\n", name, p.unit_path, p.data_dir,
            p.data_dir);
  pt__svc_paths_fini(&p);
  pt_free(name);
  return rc;
}

static void print_state(const svc_paths *p, FILE *out)
{
  if (!pt__posix_manager_running()) {
    fprintf(out, "state:   unknown (the %s does not run here)\n",
            pt__posix_is_launchd() ? "launchd" : "systemd user manager");
    return;
  }
  pt_buf state = PT_BUF_INIT;
  char target[128];
  pt_snprintf(target, sizeof target, "gui/%lu/%s", pt__posix_uid(),
              p->unit_name);
  const char *sd[] = {"systemctl", "--user", "is-active", p->unit_name, NULL};
  const char *ld[] = {"launchctl", "print", target, NULL};
  int rc = pt__posix_run(pt__posix_is_launchd() ? ld : sd, &state);
  if (pt__posix_is_launchd())
    fprintf(out, "state:   %s\n", rc == 0 ? "loaded" : "not loaded");
  else
    fprintf(out, "state:   %.*s\n", (int)strcspn(pt_buf_cstr(&state), "\n"),
            rc < 0 ? "unknown" : pt_buf_cstr(&state));
  pt_error_clear();
  pt_buf_fini(&state);
}

static int status(const svc_args *a, FILE *out, int *code)
{
  svc_paths p;
  svc_unit_info info;
  char *name = NULL;
  memset(&p, 0, sizeof p);
  memset(&info, 0, sizeof info);
  int rc = pt__svc_pick_name(a->name, &name);
  if (rc == 0)
    rc = pt__svc_paths_init(name, &p);
  if (rc == 0)
    rc = pt__svc_read_unit(&p, &info);
  if (rc == 0) {
    fprintf(out, "service: %s\nunit:    %s\nroot:    %s\nport:    %u\n"
            "db:      %s\n", name, p.unit_path, info.root, info.port, info.db);
    print_state(&p, out);
    *code = pt__svc_print_health(info.port, out) ? SVC_NOT_ANSWERING : 0;
  }
  pt__svc_unit_info_fini(&info);
  pt__svc_paths_fini(&p);
  pt_free(name);
  return rc;
}

int pt_service_main(int argc, char **argv, FILE *out, FILE *err)
{
  svc_args a;
  if (argc > 1 && !strcmp(argv[1], "run")) {
    fprintf(err, "error: 'service run' is the Windows service's entry point; "
            "here 'service install' runs 'serve' under %s, and 'parseltongue "
            "serve' runs in the foreground\n",
            pt__posix_is_launchd() ? "launchd" : "systemd");
    return SVC_USAGE;
  }
  int code = SVC_OK, rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? SVC_OK : rc;
  if (!strcmp(a.cmd, "install")) {
    rc = install(&a, out);
  } else if (!strcmp(a.cmd, "uninstall")) {
    rc = uninstall(&a, out);
  } else if (!strcmp(a.cmd, "status")) {
    rc = status(&a, out, &code);
  } else {
    fprintf(err, "error: unknown 'service' command '%s' (install, uninstall, "
            "status)\n", a.cmd);
    return SVC_USAGE;
  }
  fflush(out);
  if (rc) {
    fprintf(err, "error: %s\n", pt_error_last()->message);
    return rc == PT_EINVAL ? SVC_USAGE : SVC_FAILED;
  }
  return code;
}
