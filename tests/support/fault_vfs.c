/* The fault-injecting SQLite VFS of fault_vfs.h. Every file SQLite opens
 * through the default VFS is wrapped: xOpen counts as PT_FS_OP_OPEN,
 * xWrite and xTruncate as PT_FS_OP_WRITE, xSync as PT_FS_OP_SYNC, and a
 * fault becomes the error SQLite's own VFS would return (SQLITE_CANTOPEN,
 * SQLITE_IOERR_*, SQLITE_FULL). Version 1 I/O methods: our stores use
 * neither WAL nor memory mapping. */
#include <string.h>

#include <sqlite3.h>

#include "fault_vfs.h"
#include "pt/sys/fs.h"
#include "test_support.h"

typedef struct fault_file {
  sqlite3_file base; /* first: what SQLite holds */
  sqlite3_file *real; /* the default VFS's file, right after this struct */
} fault_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

static sqlite3_file *real_of(sqlite3_file *f)
{
  return ((fault_file *)f)->real;
}

static int io_error(pt_fs_fault fault, int io_code)
{
  return fault == PT_FS_FAULT_FULL ? SQLITE_FULL : io_code;
}

static int f_close(sqlite3_file *f)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}

static int f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
  return real_of(f)->pMethods->xRead(real_of(f), p, n, off);
}

static int f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
  pt_fs_fault fault = pt_fs_fault_hit(PT_FS_OP_WRITE);
  if (fault != PT_FS_FAULT_NONE)
    return io_error(fault, SQLITE_IOERR_WRITE);
  return real_of(f)->pMethods->xWrite(real_of(f), p, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  pt_fs_fault fault = pt_fs_fault_hit(PT_FS_OP_WRITE);
  if (fault != PT_FS_FAULT_NONE)
    return io_error(fault, SQLITE_IOERR_TRUNCATE);
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
  pt_fs_fault fault = pt_fs_fault_hit(PT_FS_OP_SYNC);
  if (fault != PT_FS_FAULT_NONE)
    return io_error(fault, SQLITE_IOERR_FSYNC);
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *out)
{
  return real_of(f)->pMethods->xFileSize(real_of(f), out);
}

static int f_lock(sqlite3_file *f, int level)
{
  return real_of(f)->pMethods->xLock(real_of(f), level);
}

static int f_unlock(sqlite3_file *f, int level)
{
  return real_of(f)->pMethods->xUnlock(real_of(f), level);
}

static int f_check_lock(sqlite3_file *f, int *out)
{
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
  return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int f_device(sqlite3_file *f)
{
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static const sqlite3_io_methods fault_methods = {
  1, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
  f_unlock, f_check_lock, f_control, f_sector, f_device,
  NULL, NULL, NULL, NULL, NULL, NULL
};

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                  int flags, int *out_flags)
{
  (void)vfs;
  fault_file *ff = (fault_file *)f;
  ff->base.pMethods = NULL;
  ff->real = (sqlite3_file *)&ff[1];
  ff->real->pMethods = NULL;
  if (pt_fs_fault_hit(PT_FS_OP_OPEN) != PT_FS_FAULT_NONE)
    return SQLITE_CANTOPEN;
  int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
  /* SQLite calls xClose only when pMethods is set, even after a failure */
  if (ff->real->pMethods)
    ff->base.pMethods = &fault_methods;
  return rc;
}

static int f_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  (void)vfs;
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int f_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  (void)vfs;
  return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int f_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  (void)vfs;
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int f_random(sqlite3_vfs *vfs, int n, char *out)
{
  (void)vfs;
  return real_vfs->xRandomness(real_vfs, n, out);
}

static int f_sleep(sqlite3_vfs *vfs, int us)
{
  (void)vfs;
  return real_vfs->xSleep(real_vfs, us);
}

static int f_time(sqlite3_vfs *vfs, double *out)
{
  (void)vfs;
  return real_vfs->xCurrentTime(real_vfs, out);
}

static int f_last_error(sqlite3_vfs *vfs, int n, char *out)
{
  (void)vfs;
  return real_vfs->xGetLastError(real_vfs, n, out);
}

void pt_test_fault_vfs_install(void)
{
  if (real_vfs)
    return;
  assert_int_equal(sqlite3_initialize(), SQLITE_OK);
  real_vfs = sqlite3_vfs_find(NULL);
  assert_non_null(real_vfs);
  memset(&fault_vfs, 0, sizeof fault_vfs);
  fault_vfs.iVersion = 1;
  fault_vfs.szOsFile = (int)sizeof(fault_file) + real_vfs->szOsFile;
  fault_vfs.mxPathname = real_vfs->mxPathname;
  fault_vfs.zName = "pt-fault";
  fault_vfs.xOpen = f_open;
  fault_vfs.xDelete = f_delete;
  fault_vfs.xAccess = f_access;
  fault_vfs.xFullPathname = f_full_path;
  fault_vfs.xDlOpen = real_vfs->xDlOpen;
  fault_vfs.xDlError = real_vfs->xDlError;
  fault_vfs.xDlSym = real_vfs->xDlSym;
  fault_vfs.xDlClose = real_vfs->xDlClose;
  fault_vfs.xRandomness = f_random;
  fault_vfs.xSleep = f_sleep;
  fault_vfs.xCurrentTime = f_time;
  fault_vfs.xGetLastError = f_last_error;
  assert_int_equal(sqlite3_vfs_register(&fault_vfs, 1), SQLITE_OK);
}
