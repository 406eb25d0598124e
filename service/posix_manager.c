/* The system side of the POSIX `service` command (posix_service.h): the
 * program's own path, whether the user's service manager answers, and
 * running systemctl or launchctl without a shell. */
#define _POSIX_C_SOURCE 200809L
#define _DARWIN_C_SOURCE /* _NSGetExecutablePath */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

#include "posix_service.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"

extern char **environ;

int pt__posix_is_launchd(void)
{
#ifdef __APPLE__
  return 1;
#else
  return 0;
#endif
}

int pt__posix_exe_path(char **out)
{
  char path[4096];
  *out = NULL;
#ifdef __APPLE__
  uint32_t size = sizeof path;
  if (_NSGetExecutablePath(path, &size) != 0)
    return PT_ERR(PT_EIO, "cannot find the path of this program");
#else
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0 || (size_t)n >= sizeof path - 1)
    return PT_ERR(PT_EIO, "cannot read /proc/self/exe: %s", strerror(errno));
  path[n] = '\0';
#endif
  return pt_fs_realpath(path, out);
}

static int on_path(const char *prog)
{
  const char *path = getenv("PATH");
  pt_buf b = PT_BUF_INIT;
  int found = 0;
  while (path && *path && !found) {
    const char *end = strchr(path, ':');
    size_t len = end ? (size_t)(end - path) : strlen(path);
    pt_buf_clear(&b);
    if (len && pt_buf_printf(&b, "%.*s/%s", (int)len, path, prog) == 0)
      found = access(pt_buf_cstr(&b), X_OK) == 0;
    path = end ? end + 1 : NULL;
  }
  pt_buf_fini(&b);
  return found;
}

int pt__posix_manager_running(void)
{
  if (pt__posix_is_launchd())
    return 1;
  const char *run = getenv("XDG_RUNTIME_DIR");
  char sock[4096];
  struct stat st;
  if (!run || !*run || !on_path("systemctl") ||
      pt_snprintf(sock, sizeof sock, "%s/systemd/private", run) != 0)
    return 0;
  return stat(sock, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int read_all(int fd, pt_buf *capture)
{
  char chunk[4096];
  int rc = 0;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (rc == 0 && capture)
      rc = pt_buf_put(capture, chunk, (size_t)n);
  }
  return rc;
}

static int wait_for(pid_t pid, const char *prog)
{
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return PT_ERR(PT_EIO, "%s: waitpid: %s", prog, strerror(errno));
  if (!WIFEXITED(status))
    return PT_ERR(PT_EIO, "%s was killed", prog);
  return WEXITSTATUS(status);
}

int pt__posix_run(const char *const *argv, pt_buf *capture)
{
  int fds[2];
  posix_spawn_file_actions_t fa;
  pid_t pid;
  if (pipe(fds) != 0)
    return PT_ERR(PT_EIO, "pipe: %s", strerror(errno));
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  int err = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
                         environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  int rc = err ? PT_ERR(PT_EIO, "cannot run %s: %s", argv[0], strerror(err))
               : read_all(fds[0], capture);
  close(fds[0]);
  if (err == 0) {
    int status = wait_for(pid, argv[0]);
    rc = rc ? rc : status;
  }
  return rc;
}
