/* pt/sys/fs.h on POSIX: dirent walk, lstat, whole-file I/O, and the atomic
 * replace (rename, then fsync of the directory so the rename is durable). */
#define _DEFAULT_SOURCE /* d_type, realpath */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"

/* The OS calls that can fail under fault injection (pt/sys/fs.h): each
 * asks first and, when told to, fails as the OS would, setting errno. */
static int injected(pt_fs_op op)
{
  switch (pt_fs_fault_hit(op)) {
  case PT_FS_FAULT_IO: errno = EIO; return 1;
  case PT_FS_FAULT_FULL: errno = ENOSPC; return 1;
  default: return 0;
  }
}

static int open_at(const char *path, int flags, mode_t mode)
{
  return injected(PT_FS_OP_OPEN) ? -1 : open(path, flags, mode);
}

static DIR *open_dir(const char *path)
{
  return injected(PT_FS_OP_OPEN) ? NULL : opendir(path);
}

static ssize_t write_fd(int fd, const void *data, size_t len)
{
  return injected(PT_FS_OP_WRITE) ? -1 : write(fd, data, len);
}

static int sync_fd(int fd)
{
  return injected(PT_FS_OP_SYNC) ? -1 : fsync(fd);
}

static int rename_path(const char *src, const char *dst)
{
  return injected(PT_FS_OP_RENAME) ? -1 : rename(src, dst);
}

int pt_fs_list_dir(const char *path, pt_fs_list_cb cb, void *payload)
{
  DIR *d = open_dir(path);
  if (!d)
    return pt__error_from_errno(errno, "cannot open directory", path);
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    pt_fs_type t;
    switch (e->d_type) {
    case DT_REG: t = PT_FS_FILE; break;
    case DT_DIR: t = PT_FS_DIR; break;
    case DT_LNK: t = PT_FS_LINK; break;
    case DT_UNKNOWN: {
      /* some filesystems do not fill d_type: ask lstat */
      pt_buf full = PT_BUF_INIT;
      pt_fs_stat st;
      t = PT_FS_OTHER;
      if (pt_buf_printf(&full, "%s/%s", path, e->d_name) == 0 &&
          pt_fs_stat_path(full.ptr, &st) == 0)
        t = st.type;
      pt_buf_fini(&full);
      break;
    }
    default: t = PT_FS_OTHER; break;
    }
    rc = cb(e->d_name, t, payload);
  }
  if (rc == 0 && errno != 0)
    rc = pt__error_from_errno(errno, "cannot read directory", path);
  closedir(d);
  return rc;
}

int pt_fs_stat_path(const char *path, pt_fs_stat *out)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return pt__error_from_errno(errno, "cannot stat", path);
  if (S_ISREG(st.st_mode))
    out->type = PT_FS_FILE;
  else if (S_ISDIR(st.st_mode))
    out->type = PT_FS_DIR;
  else if (S_ISLNK(st.st_mode))
    out->type = PT_FS_LINK;
  else
    out->type = PT_FS_OTHER;
  out->size = (uint64_t)st.st_size;
  out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  return 0;
}

int pt_fs_read_file(const char *path, pt_buf *out)
{
  int fd = open_at(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot open", path);
  int rc = 0;
  struct stat st;
  pt_buf_clear(out);
  if (fstat(fd, &st) == 0 && st.st_size > 0)
    rc = pt_buf_grow(out, (size_t)st.st_size);
  while (rc == 0) {
    if ((rc = pt_buf_grow(out, 65536)) != 0)
      break;
    ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = pt__error_from_errno(errno, "cannot read", path);
      break;
    }
    if (n == 0)
      break;
    out->len += (size_t)n;
  }
  if (rc == 0)
    out->ptr[out->len] = '\0';
  close(fd);
  return rc;
}

static int write_all(int fd, const void *data, size_t len, const char *path)
{
  const char *p = data;
  while (len) {
    ssize_t n = write_fd(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return pt__error_from_errno(errno, "cannot write", path);
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int pt_fs_write_file(const char *path, const void *data, size_t len)
{
  int fd = open_at(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot create", path);
  int rc = write_all(fd, data, len, path);
  if (rc == 0 && sync_fd(fd) != 0)
    rc = pt__error_from_errno(errno, "cannot flush", path);
  if (close(fd) != 0 && rc == 0)
    rc = pt__error_from_errno(errno, "cannot close", path);
  return rc;
}

int pt_fs_mkdir_p(const char *path)
{
  char *p = pt_strdup(path);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = 0;
  size_t n = strlen(p);
  for (size_t i = 1; i <= n && rc == 0; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    char saved = p[i];
    p[i] = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
      rc = pt__error_from_errno(errno, "cannot create directory", p);
    p[i] = saved;
  }
  pt_free(p);
  return rc;
}

int pt_fs_mkdir(const char *path)
{
  if (mkdir(path, 0755) == 0)
    return 0;
  int err = errno;
  const char *slash = strrchr(path, '/');
  char *parent = slash && slash != path
                     ? pt_strndup(path, (size_t)(slash - path)) : NULL;
  struct stat st;
  int rc = 0;
  if (err == ENOENT && parent && lstat(parent, &st) != 0 && errno == ENOENT)
    rc = PT_ERR(PT_ENOTFOUND, "cannot create directory %s: %s does not exist",
                path, parent);
  else
    rc = pt__error_from_errno(err, "cannot create directory", path);
  pt_free(parent);
  return rc;
}

int pt_fs_remove(const char *path)
{
  if (unlink(path) != 0 && errno != ENOENT)
    return pt__error_from_errno(errno, "cannot remove", path);
  return 0;
}

int pt_fs_remove_dir(const char *path)
{
  if (rmdir(path) != 0 && errno != ENOENT)
    return pt__error_from_errno(errno, "cannot remove directory", path);
  return 0;
}

int pt_fs_realpath(const char *path, char **out)
{
  char *r = realpath(path, NULL);
  if (!r)
    return pt__error_from_errno(errno, "cannot resolve", path);
  *out = pt_strdup(r);
  free(r);
  return *out ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

int pt_fs_sync_file(const char *path)
{
  int fd = open_at(path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot open", path);
  int rc = sync_fd(fd) == 0 ? 0
                            : pt__error_from_errno(errno, "cannot flush", path);
  close(fd);
  return rc;
}

/* Opens the folder that holds path, so its entry can be flushed after a
 * rename. Done before the rename: nothing may fail for lack of memory once
 * the new file is in place. */
static int open_parent_dir(const char *path, int *out)
{
  char *dir = pt_strdup(path);
  if (!dir)
    return PT_ERR(PT_ENOMEM, "out of memory");
  char *slash = strrchr(dir, '/');
  const char *name = dir;
  if (slash == dir)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    name = ".";
  int rc = 0;
  *out = open_at(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (*out < 0)
    rc = pt__error_from_errno(errno, "cannot open directory", name);
  pt_free(dir);
  return rc;
}

int pt_fs_replace(const char *src, const char *dst)
{
  int dfd = -1;
  int rc = pt_fs_sync_file(src);
  if (rc == 0)
    rc = open_parent_dir(dst, &dfd);
  if (rc == 0 && rename_path(src, dst) != 0)
    rc = pt__error_from_errno(errno, "cannot replace", dst);
  /* the rename is durable only once the folder entry is on disk */
  if (rc == 0 && sync_fd(dfd) != 0)
    rc = pt__error_from_errno(errno, "cannot flush the folder of", dst);
  if (dfd >= 0)
    close(dfd);
  return rc;
}
