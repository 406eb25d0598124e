/* The POSIX half of `service` (service_posix.c): the files of a user
 * service (posix_setup.c), what install and status resolve and read
 * (posix_install.c), and what they need from the system: where this
 * program is, whether the user's service manager answers, running
 * systemctl or launchctl (posix_manager.c). Private to service/. */
#ifndef PT_SERVICE_POSIX_SERVICE_H
#define PT_SERVICE_POSIX_SERVICE_H

#include <stdio.h>

#include "pt/buf.h"

/* Where one service's files are (all owned): the unit's folder and file,
 * the name the manager knows it by (unit file name or launchd label), its
 * data folder, and launchd's log file (NULL for systemd, which journals). */
typedef struct svc_paths {
  char *unit_dir, *unit_path, *unit_name, *data_dir, *log_path;
} svc_paths;

/* The paths of service name for the user in $HOME (and $XDG_CONFIG_HOME,
 * $XDG_DATA_HOME on Linux). PT_EINVAL when HOME is not set. */
int pt__svc_paths_init(const char *name, svc_paths *out);
void pt__svc_paths_fini(svc_paths *p);
/* PT_EEXISTS when the unit is there already. */
int pt__svc_refuse_taken(const svc_paths *p);
/* PT_ENOTFOUND, listing the installed services, when it is not there. */
int pt__svc_require_installed(const svc_paths *p);
/* Appends the names of the installed services to list, ", "-separated,
 * and counts them in *n. */
int pt__svc_list_installed(pt_buf *list, size_t *n);
/* given (checked), or the one service installed; PT_EINVAL when none or
 * several are installed, naming them. */
int pt__svc_pick_name(const char *given, char **out);

/* What `install` resolved (all owned): the root's absolute path, the
 * service name, the database spec and this program's path. */
typedef struct svc_install {
  char *root, *name, *db, *exe;
} svc_install;

/* The root made absolute and checked to be a folder; the name given
 * (checked) or made from the root's last component. */
int pt__svc_install_prepare(const char *root, const char *name,
                            svc_install *out);
/* The spec given with its path made absolute, or sqlite: in the data
 * folder. PT_EINVAL for a malformed spec or mem (which keeps nothing). */
int pt__svc_install_db(svc_install *in, const char *db, const svc_paths *p);
void pt__svc_install_fini(svc_install *in);
/* Creates the data folder and, when the database is not there yet,
 * indexes the root into it, printing the counts. */
int pt__svc_first_index(const svc_install *in, const svc_paths *p, FILE *out);

/* What an installed unit runs: root, database, port (root and db owned). */
typedef struct svc_unit_info {
  char *root, *db;
  unsigned port;
} svc_unit_info;

/* Reads the unit back. PT_ENOTFOUND when not installed, PT_EPARSE when it
 * is not a unit `install` wrote. */
int pt__svc_read_unit(const svc_paths *p, svc_unit_info *out);
void pt__svc_unit_info_fini(svc_unit_info *i);

/* PT_EEXISTS naming the installed service whose unit serves on port;
 * units that cannot be read are skipped. */
int pt__svc_refuse_port_taken(unsigned port);

/* Prints "health: ..." with what the health endpoint on port answers;
 * returns 0 when it answered 200, PT_EIO otherwise. */
int pt__svc_print_health(unsigned port, FILE *out);

/* The user's id (launchd's gui/UID domain). */
unsigned long pt__posix_uid(void);

/* The absolute path of the running program (owned by the caller). */
int pt__posix_exe_path(char **out);

/* 1 when launchd manages user agents here (macOS), 0 for systemd. */
int pt__posix_is_launchd(void);

/* 1 when the user's service manager can be reached: for systemd, the user
 * manager's private socket in $XDG_RUNTIME_DIR and systemctl on the PATH
 * (none in most containers); launchd always runs. */
int pt__posix_manager_running(void);

/* Runs argv[0] (searched on the PATH) with argv and waits for it. Its
 * standard output goes to capture when given (else it is dropped), its
 * standard error to the terminal's. Returns the exit status (0 to 255) or a
 * negative PT_E* code when it could not run or was killed. */
int pt__posix_run(const char *const *argv, pt_buf *capture);

#endif
