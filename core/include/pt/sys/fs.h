/* Files and directories, UTF-8 paths with '/' or the OS separator. Every
 * function returns 0 or a PT_E* code with the OS error text recorded. */
#ifndef PT_SYS_FS_H
#define PT_SYS_FS_H

#include <stdint.h>

#include "pt/buf.h"

typedef enum pt_fs_type {
  PT_FS_FILE,
  PT_FS_DIR,
  PT_FS_LINK,            /* a symbolic link (never followed by the walk) */
  PT_FS_OTHER
} pt_fs_type;

typedef struct pt_fs_stat {
  pt_fs_type type;
  uint64_t size;
  int64_t mtime_ns;
} pt_fs_stat;

/* Called once per entry of a directory, without "." and "..", in no order.
 * Return nonzero to stop listing (that value is returned). */
typedef int (*pt_fs_list_cb)(const char *name, pt_fs_type type, void *payload);

int pt_fs_list_dir(const char *path, pt_fs_list_cb cb, void *payload);
/* lstat: links are reported as PT_FS_LINK. PT_ENOTFOUND when missing. */
int pt_fs_stat_path(const char *path, pt_fs_stat *out);
/* Reads a whole file into out (replacing its contents). */
int pt_fs_read_file(const char *path, pt_buf *out);
/* Writes data to path, creating or truncating it, and flushes it to disk. */
int pt_fs_write_file(const char *path, const void *data, size_t len);
/* Creates path and its missing parents; existing directories are fine. */
int pt_fs_mkdir_p(const char *path);
/* Creates the one directory path, whose parent must exist: PT_EEXISTS when
 * anything (a directory too) is already there, PT_ENOTFOUND when the
 * parent is missing ("cannot create directory a/b: a does not exist"). */
int pt_fs_mkdir(const char *path);
/* Removes a file; missing is not an error. */
int pt_fs_remove(const char *path);
/* Removes an empty directory; missing is not an error. */
int pt_fs_remove_dir(const char *path);
/* Removes a directory tree, or the file or link (not followed) at path;
 * missing is not an error. One portable implementation over the functions
 * above (platform/shared/fs_tree.c). */
int pt_fs_remove_tree(const char *path);
/* Absolute path with links resolved, '/' separators; caller frees. */
int pt_fs_realpath(const char *path, char **out);
/* Flushes a file's data to disk (fsync / FlushFileBuffers). */
int pt_fs_sync_file(const char *path);
/* Replaces dst with src in one step, durable once it returns: readers see
 * the old file or the new one, never a mix. Both on the same volume. */
int pt_fs_replace(const char *src, const char *dst);

/* Fault injection, for tests only: nothing sets it in a normal run, where
 * every check below is one relaxed atomic load. Each platform's fs.c asks
 * pt_fs_fault_hit before each OS call of a kind below and, when told to,
 * fails that call as the OS would (errno EIO or ENOSPC; ERROR_WRITE_FAULT
 * or ERROR_DISK_FULL), through its ordinary error path. A test's SQLite VFS
 * (tests/support/fault_vfs.c) asks too, so one count covers both. */
typedef enum pt_fs_op {
  PT_FS_OP_OPEN = 1,   /* open, opendir; CreateFileW, FindFirstFileExW */
  PT_FS_OP_WRITE = 2,  /* write; WriteFile */
  PT_FS_OP_SYNC = 4,   /* fsync of a file or folder; FlushFileBuffers */
  PT_FS_OP_RENAME = 8  /* rename; MoveFileExW */
} pt_fs_op;
#define PT_FS_OP_ALL 15u

typedef enum pt_fs_fault {
  PT_FS_FAULT_NONE,    /* go on */
  PT_FS_FAULT_IO,      /* fail with an I/O error */
  PT_FS_FAULT_FULL     /* fail for lack of space (writes, flushes) */
} pt_fs_fault;

/* Makes the n-th operation from now whose kind is in the mask `ops` fail
 * (n >= 1), and every later one too when is_sticky (a disk that stays
 * full); is_full reports a full disk instead of an I/O error. n = 0
 * disarms. */
void pt_fs_fault_arm(unsigned long n, unsigned ops, int is_full,
                     int is_sticky);
/* Counts one operation of kind op and says whether it fails. */
pt_fs_fault pt_fs_fault_hit(pt_fs_op op);
/* Nonzero while an armed fault has not fired yet: a run that ends with it
 * still pending made fewer operations than n. */
int pt_fs_fault_pending(void);

#endif
