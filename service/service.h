/* The `parseltongue service ...` command, one implementation per platform,
 * chosen at link time by service/CMakeLists.txt (as platform/ is):
 *
 *   Windows:         the SCM service, `service run|install|uninstall|start|
 *                    stop|status` (service/svc_*.c);
 *   Linux and macOS: a systemd user unit or a launchd agent running `serve`
 *                    with the watcher, `service install|uninstall|status`
 *                    (service/service_posix.c over service/unit_*.c).
 *
 * cli/cli.c hands `service` and what follows to pt_service_main; each
 * platform's file defines it exactly once. Nothing else in this header, so
 * each side can grow its own private headers without touching the other. */
#ifndef PT_SERVICE_SERVICE_H
#define PT_SERVICE_SERVICE_H

#include <stdio.h>

/* Runs `service` with its arguments: argv[0] is "service", argv[1] the
 * subcommand. Writes only to out and err (never stdout or stderr
 * directly). Returns the process exit code: 0 done, 1 failed, 2 bad usage
 * or not available on this platform (docs/cli.md). */
int pt_service_main(int argc, char **argv, FILE *out, FILE *err);

#endif
