/* The text of a user service that runs `parseltongue serve` on one folder:
 * a systemd user unit (unit_systemd.c) and a launchd agent property list
 * (unit_launchd.c). Pure functions of a pt_unit_spec, portable, so tests
 * check them on any build; service_posix.c writes them to disk. */
#ifndef PT_SERVICE_UNIT_TEXT_H
#define PT_SERVICE_UNIT_TEXT_H

#include "pt/buf.h"

typedef struct pt_unit_spec {
  const char *name;     /* borrowed: the service's name (pt__unit_check_name) */
  const char *program;  /* borrowed: absolute path of parseltongue */
  const char *root;     /* borrowed: absolute path of the indexed folder */
  const char *db;       /* borrowed: engine spec, sqlite:PATH or rocksdb:PATH */
  unsigned port;        /* the preferred port */
  const char *log_path; /* borrowed: launchd's output file; NULL for none
                           (systemd logs to the journal) */
} pt_unit_spec;

/* 0 when name is 1 to 64 of [A-Za-z0-9._-] and does not start with '.' or
 * '-'; PT_EINVAL naming what is wrong otherwise. The name is part of file
 * names, unit names and launchd labels, so nothing else is allowed. */
int pt__unit_check_name(const char *name);

/* Appends the systemd unit (systemd.syntax(7), systemd.service(5)) to out.
 * Paths may hold spaces, quotes, backslashes, '%' and '$'; they are quoted
 * and escaped so systemd passes them through unchanged. PT_EINVAL when a
 * path holds a control character (a unit file cannot carry it) or the
 * program's path a quote or a backslash (systemd refuses to run it),
 * PT_ENOMEM. */
int pt__unit_systemd(const pt_unit_spec *u, pt_buf *out);

/* Appends the launchd agent property list (launchd.plist(5)) to out, XML
 * escaped. PT_EINVAL for a control character XML 1.0 cannot carry,
 * PT_ENOMEM. */
int pt__unit_launchd(const pt_unit_spec *u, pt_buf *out);

/* The command line a unit runs, read back from its text: the words of
 * ExecStart= unquoted, or the strings of ProgramArguments unescaped (the
 * inverse of the two functions above). *out holds *n_out words; free them
 * with pt_strv_free. PT_EPARSE when the text has no such command, PT_ENOMEM;
 * on failure *out is NULL. */
int pt__unit_systemd_args(const char *text, char ***out, size_t *n_out);
int pt__unit_launchd_args(const char *text, char ***out, size_t *n_out);

/* The unit's file name, "parseltongue-NAME.service", and the agent's
 * label, "com.parseltongue.NAME" (its file is LABEL.plist). */
int pt__unit_systemd_file(const char *name, pt_buf *out);
int pt__unit_launchd_label(const char *name, pt_buf *out);

#endif
