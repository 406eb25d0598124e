/* pt/sys/secret.h on POSIX: getrandom for random bytes; a secret file is
 * written to a temporary file of mode 0600 and linked to its name, so it
 * appears whole or not at all, and two creators cannot both win. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/secret.h"

int pt_secret_random(void *out, size_t size)
{
  unsigned char *p = out;
  while (size > 0) {
    ssize_t n = getrandom(p, size, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return pt__error_from_errno(n < 0 ? errno : EIO, "cannot read",
                                  "the system's random generator");
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static int write_all(int fd, const unsigned char *p, size_t size)
{
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

/* The folder of path, flushed so the new name survives a crash. */
static void sync_parent(const char *path)
{
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path),
             path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int pt_secret_create(const char *path, const void *data, size_t size,
                     const char *also_account)
{
  (void)also_account; /* the owner alone: no other account needs it here */
  char tmp[4096];
  int rc = 0;
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%lu", path, pt_process_id()) >=
      (int)sizeof tmp)
    return PT_ERR(PT_EINVAL, "%s: path too long", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                0600);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot create", tmp);
  /* the umask may only take bits away; make it exactly owner read-write */
  if (fchmod(fd, 0600) != 0 || write_all(fd, data, size) != 0 ||
      fsync(fd) != 0)
    rc = pt__error_from_errno(errno, "cannot write", tmp);
  if (close(fd) != 0 && rc == 0)
    rc = pt__error_from_errno(errno, "cannot close", tmp);
  if (rc == 0 && link(tmp, path) != 0)
    rc = pt__error_from_errno(errno, "cannot create", path);
  unlink(tmp);
  if (rc == 0)
    sync_parent(path);
  return rc;
}

static int refuse_mode(const char *path, const struct stat *st)
{
  if (!S_ISREG(st->st_mode))
    return PT_ERR(PT_EINVAL, "%s is not a regular file", path);
  if (st->st_mode & 077)
    return PT_ERR(PT_EINVAL, "%s may be read or written by others than its "
                  "owner (mode %04o): make it private with chmod 600 %s",
                  path, (unsigned)(st->st_mode & 07777), path);
  return 0;
}

int pt_secret_read(const char *path, size_t max, pt_buf *out)
{
  struct stat st;
  /* O_NONBLOCK: a FIFO in its place must not hang the open */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot open", path);
  int rc = fstat(fd, &st) != 0 ? pt__error_from_errno(errno, "cannot stat", path)
                               : refuse_mode(path, &st);
  if (rc == 0 && (size_t)st.st_size > max)
    rc = PT_ERR(PT_EINVAL, "%s is larger than %zu bytes", path, max);
  pt_buf_clear(out);
  char chunk[512];
  while (rc == 0) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      rc = pt__error_from_errno(errno, "cannot read", path);
    else if (n == 0)
      break;
    else if (out->len + (size_t)n > max)
      rc = PT_ERR(PT_EINVAL, "%s is larger than %zu bytes", path, max);
    else
      rc = pt_buf_put(out, chunk, (size_t)n);
  }
  memset(chunk, 0, sizeof chunk);
  close(fd);
  return rc;
}
