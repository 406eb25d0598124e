/* pt/sys/run.h on POSIX: posix_spawnp with stdin from /dev/null and
 * stdout and stderr into pipes, read with poll until both close or the
 * timeout passes (then SIGKILL), then waitpid. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/run.h"
#include "run_keep.h"

extern char **environ;

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cloexec_pipe(int fd[2])
{
  if (pipe(fd) != 0)
    return -1;
  fcntl(fd[0], F_SETFD, FD_CLOEXEC);
  fcntl(fd[1], F_SETFD, FD_CLOEXEC);
  return 0;
}

int pt_run(const pt_run_opts *o, pt_run_result *out)
{
  memset(out, 0, sizeof *out);
  if (!o->argv || !o->argv[0])
    return PT_ERR(PT_EINVAL, "run: no program given");
  const char *prog = o->argv[0];
  int po[2] = {-1, -1}, pe[2] = {-1, -1};
  size_t out_cap = 0, err_cap = 0;
  posix_spawn_file_actions_t fa;
  int have_fa = 0, rc = 0;
  pid_t pid = -1;
  if (cloexec_pipe(po) != 0 || cloexec_pipe(pe) != 0) {
    rc = pt__error_from_errno(errno, "run: pipe for", prog);
    goto done;
  }
  if ((errno = posix_spawn_file_actions_init(&fa)) != 0) {
    rc = pt__error_from_errno(errno, "run: spawn actions for", prog);
    goto done;
  }
  have_fa = 1;
  int e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (!e)
    e = posix_spawn_file_actions_adddup2(&fa, po[1], 1);
  if (!e)
    e = posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
  if (!e && o->dir) {
#if (defined(__GLIBC__) &&                                                     \
     (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))) ||          \
    defined(__APPLE__)
    e = posix_spawn_file_actions_addchdir_np(&fa, o->dir);
#else
    rc = PT_ERR(PT_ENOTSUPPORTED, "run %s: no working folder on this system",
                prog);
    goto done;
#endif
  }
  if (e) {
    rc = pt__error_from_errno(e, "run: spawn actions for", prog);
    goto done;
  }
  e = posix_spawnp(&pid, prog, &fa, NULL, (char *const *)o->argv, environ);
  if (e) {
    pid = -1;
    if (e == ENOENT)
      rc = PT_ERR(PT_ENOTFOUND, "run %s: program not found", prog);
    else
      rc = pt__error_from_errno(e, "run: spawn", prog);
    goto done;
  }
  close(po[1]);
  close(pe[1]);
  po[1] = pe[1] = -1;

  long long deadline = o->timeout_ms ? now_ms() + o->timeout_ms : 0;
  char b[16384];
  while (po[0] >= 0 || pe[0] >= 0) {
    struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int wait = -1;
    if (deadline) {
      long long left = deadline - now_ms();
      if (left <= 0) {
        kill(pid, SIGKILL);
        rc = PT_ERR(PT_EBUSY, "run %s: still running after %u ms, killed",
                    prog, o->timeout_ms);
        break;
      }
      wait = left > 1000000 ? 1000000 : (int)left;
    }
    int n = poll(p, 2, wait);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      kill(pid, SIGKILL);
      rc = pt__error_from_errno(errno, "run: poll for", prog);
      break;
    }
    for (int i = 0; i < 2 && rc == 0; i++) {
      int *fd = i ? &pe[0] : &po[0];
      if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      ssize_t got = read(*fd, b, sizeof b);
      if (got < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (got <= 0) {
        close(*fd);
        *fd = -1;
        continue;
      }
      rc = i ? pt__run_keep(&out->err, &out->err_len, &err_cap,
                            PT_RUN_ERR_MAX, b, (size_t)got, NULL)
             : pt__run_keep(&out->out, &out->out_len, &out_cap, o->out_max,
                            b, (size_t)got, &out->is_truncated);
    }
    if (rc) {
      kill(pid, SIGKILL);
      break;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (rc == 0) { /* make both strings non-NULL */
    if (!out->out)
      rc = pt__run_keep(&out->out, &out->out_len, &out_cap, 1, "", 0, NULL);
    if (rc == 0 && !out->err)
      rc = pt__run_keep(&out->err, &out->err_len, &err_cap, 1, "", 0, NULL);
  }
done:
  if (have_fa)
    posix_spawn_file_actions_destroy(&fa);
  for (int i = 0; i < 2; i++) {
    if (po[i] >= 0)
      close(po[i]);
    if (pe[i] >= 0)
      close(pe[i]);
  }
  if (rc)
    pt_run_result_fini(out);
  return rc;
}
