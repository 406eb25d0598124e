/* pt/sys/fs.h on Windows: UTF-8 paths turned into absolute \\?\ UTF-16
 * paths (utf16.h), so nothing is limited to MAX_PATH; FindFirstFileExW
 * listings; whole-file I/O; and the atomic replace (FlushFileBuffers, then
 * MoveFileExW with write-through), retried while a virus scanner or a
 * reader holds one of the files. */
#include <string.h>

#include "error_win32.h"
#include "fs_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "utf16.h"

/* FILETIME counts 100 ns ticks from 1601-01-01; this many lie before
 * 1970-01-01. */
#define UNIX_EPOCH_TICKS 116444736000000000LL
#define IO_CHUNK ((DWORD)1 << 30)
#define FIRST_RETRY_MS 10

static volatile LONG replace_budget_ms = PT__FS_REPLACE_BUDGET_MS;

/* The Win32 calls that can fail under fault injection (pt/sys/fs.h): each
 * asks first and, when told to, fails as Windows would, setting the last
 * error. */
static int injected(pt_fs_op op)
{
  switch (pt_fs_fault_hit(op)) {
  case PT_FS_FAULT_IO: SetLastError(ERROR_IO_DEVICE); return 1;
  case PT_FS_FAULT_FULL: SetLastError(ERROR_DISK_FULL); return 1;
  default: return 0;
  }
}

static HANDLE create_file(const wchar_t *w, DWORD access, DWORD disposition,
                          DWORD flags)
{
  if (injected(PT_FS_OP_OPEN))
    return INVALID_HANDLE_VALUE;
  return CreateFileW(w, access,
                     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                     NULL, disposition, flags, NULL);
}

static BOOL write_h(HANDLE h, const void *p, DWORD want, DWORD *put)
{
  return injected(PT_FS_OP_WRITE) ? FALSE : WriteFile(h, p, want, put, NULL);
}

static BOOL flush_h(HANDLE h)
{
  return injected(PT_FS_OP_SYNC) ? FALSE : FlushFileBuffers(h);
}

static BOOL move_w(const wchar_t *ws, const wchar_t *wd, DWORD flags)
{
  return injected(PT_FS_OP_RENAME) ? FALSE : MoveFileExW(ws, wd, flags);
}

void pt__fs_set_replace_budget_ms(unsigned ms)
{
  InterlockedExchange(&replace_budget_ms, (LONG)ms);
}

/* Symbolic links and junctions are name surrogates; other reparse points
 * (cloud placeholders, deduplicated files) are ordinary files to us. */
static pt_fs_type type_of(DWORD attrs, DWORD reparse_tag)
{
  if ((attrs & FILE_ATTRIBUTE_REPARSE_POINT) &&
      IsReparseTagNameSurrogate(reparse_tag))
    return PT_FS_LINK;
  if (attrs & FILE_ATTRIBUTE_DIRECTORY)
    return PT_FS_DIR;
  if (attrs & FILE_ATTRIBUTE_DEVICE)
    return PT_FS_OTHER;
  return PT_FS_FILE;
}

static int is_dot_or_dotdot(const wchar_t *name)
{
  return name[0] == L'.' &&
         (name[1] == L'\0' || (name[1] == L'.' && name[2] == L'\0'));
}

static int find_first(const wchar_t *pattern, WIN32_FIND_DATAW *fd,
                      HANDLE *out)
{
  *out = FindFirstFileExW(pattern, FindExInfoBasic, fd, FindExSearchNameMatch,
                          NULL, FIND_FIRST_EX_LARGE_FETCH);
  return *out != INVALID_HANDLE_VALUE;
}

/* A name that is not valid UTF-16 (an unpaired surrogate) cannot be named
 * in UTF-8: it is left out with a warning rather than failing the listing. */
static int emit_entry(const WIN32_FIND_DATAW *fd, const char *path,
                      pt_fs_list_cb cb, void *payload)
{
  char *name = NULL;
  int rc = pt__utf16_to_utf8(fd->cFileName, -1, &name);
  if (rc == PT_EINVAL) {
    pt_log(PT_LOG_WARN, "%s: skipping an entry: %s", path,
           pt_error_last()->message);
    pt_error_clear();
    return 0;
  }
  if (rc == 0)
    rc = cb(name, type_of(fd->dwFileAttributes, fd->dwReserved0), payload);
  pt_free(name);
  return rc;
}

static int list_handle(HANDLE h, WIN32_FIND_DATAW *fd, const char *path,
                       pt_fs_list_cb cb, void *payload)
{
  int rc = 0;
  for (;;) {
    if (!is_dot_or_dotdot(fd->cFileName) &&
        (rc = emit_entry(fd, path, cb, payload)) != 0)
      break;
    if (!FindNextFileW(h, fd)) {
      DWORD err = GetLastError();
      if (err != ERROR_NO_MORE_FILES)
        rc = pt__error_from_win32(err, "cannot read directory", path);
      break;
    }
  }
  return rc;
}

static int with_suffix(const wchar_t *w, const wchar_t *suffix, wchar_t **out)
{
  size_t n = wcslen(w), ns = wcslen(suffix);
  wchar_t *s = pt_malloc((n + ns + 1) * sizeof *s);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory");
  memcpy(s, w, n * sizeof *s);
  memcpy(s + n, suffix, (ns + 1) * sizeof *s);
  *out = s;
  return 0;
}

int pt_fs_list_dir(const char *path, pt_fs_list_cb cb, void *payload)
{
  wchar_t *w = NULL, *pattern = NULL;
  WIN32_FIND_DATAW fd;
  HANDLE h = INVALID_HANDLE_VALUE;
  int rc = pt__utf16_path(path, &w);
  if (rc == 0)
    rc = with_suffix(w, w[wcslen(w) - 1] == L'\\' ? L"*" : L"\\*", &pattern);
  if (rc == 0 && injected(PT_FS_OP_OPEN))
    rc = pt__error_from_win32(GetLastError(), "cannot open directory", path);
  if (rc == 0 && !find_first(pattern, &fd, &h)) {
    DWORD err = GetLastError();
    /* only a drive's root can be empty of even "." and ".." */
    if (err != ERROR_FILE_NOT_FOUND)
      rc = pt__error_from_win32(err, "cannot open directory", path);
  }
  if (rc == 0 && h != INVALID_HANDLE_VALUE)
    rc = list_handle(h, &fd, path, cb, payload);
  if (h != INVALID_HANDLE_VALUE)
    FindClose(h);
  pt_free(pattern);
  pt_free(w);
  return rc;
}

static int64_t filetime_to_unix_ns(FILETIME ft)
{
  int64_t ticks = (int64_t)(((uint64_t)ft.dwHighDateTime << 32) |
                            ft.dwLowDateTime);
  return (ticks - UNIX_EPOCH_TICKS) * 100;
}

/* GetFileAttributesExW does not say which kind of reparse point a path
 * is; a find on the path itself does (dwReserved0). */
static DWORD reparse_tag_of(const wchar_t *w)
{
  WIN32_FIND_DATAW fd;
  HANDLE h;
  if (!find_first(w, &fd, &h))
    return 0;
  FindClose(h);
  return fd.dwReserved0;
}

int pt_fs_stat_path(const char *path, pt_fs_stat *out)
{
  wchar_t *w = NULL;
  WIN32_FILE_ATTRIBUTE_DATA a;
  int rc = pt__utf16_path(path, &w);
  if (rc == 0 && !GetFileAttributesExW(w, GetFileExInfoStandard, &a))
    rc = pt__error_from_win32(GetLastError(), "cannot stat", path);
  if (rc == 0) {
    DWORD tag = (a.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
                    ? reparse_tag_of(w)
                    : 0;
    out->type = type_of(a.dwFileAttributes, tag);
    out->size = ((uint64_t)a.nFileSizeHigh << 32) | a.nFileSizeLow;
    out->mtime_ns = filetime_to_unix_ns(a.ftLastWriteTime);
  }
  pt_free(w);
  return rc;
}

/* Opens path for CreateFileW with sharing that lets others read, write
 * and delete meanwhile, as POSIX opens do. */
static int open_file(const char *path, DWORD access, DWORD disposition,
                     DWORD flags, const char *what, HANDLE *out)
{
  wchar_t *w = NULL;
  int rc = pt__utf16_path(path, &w);
  if (rc == 0) {
    *out = create_file(w, access, disposition, flags);
    if (*out == INVALID_HANDLE_VALUE)
      rc = pt__error_from_win32(GetLastError(), what, path);
  }
  pt_free(w);
  return rc;
}

static int read_all(HANDLE h, pt_buf *out, const char *path)
{
  LARGE_INTEGER size;
  int rc = 0;
  if (GetFileSizeEx(h, &size) && size.QuadPart > 0)
    rc = pt_buf_grow(out, (size_t)size.QuadPart);
  while (rc == 0 && (rc = pt_buf_grow(out, 65536)) == 0) {
    size_t room = out->cap - out->len - 1;
    DWORD want = room > IO_CHUNK ? IO_CHUNK : (DWORD)room, got = 0;
    if (!ReadFile(h, out->ptr + out->len, want, &got, NULL))
      rc = pt__error_from_win32(GetLastError(), "cannot read", path);
    else if (got == 0)
      break;
    else
      out->len += got;
  }
  return rc;
}

int pt_fs_read_file(const char *path, pt_buf *out)
{
  HANDLE h = INVALID_HANDLE_VALUE;
  pt_buf_clear(out);
  int rc = open_file(path, GENERIC_READ, OPEN_EXISTING,
                     FILE_FLAG_SEQUENTIAL_SCAN, "cannot open", &h);
  if (rc == 0)
    rc = read_all(h, out, path);
  if (rc == 0)
    out->ptr[out->len] = '\0';
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  return rc;
}

static int write_all(HANDLE h, const void *data, size_t len, const char *path)
{
  const char *p = data;
  while (len) {
    DWORD want = len > IO_CHUNK ? IO_CHUNK : (DWORD)len, put = 0;
    if (!write_h(h, p, want, &put))
      return pt__error_from_win32(GetLastError(), "cannot write", path);
    p += put;
    len -= put;
  }
  return 0;
}

int pt_fs_write_file(const char *path, const void *data, size_t len)
{
  HANDLE h = INVALID_HANDLE_VALUE;
  int rc = open_file(path, GENERIC_WRITE, CREATE_ALWAYS,
                     FILE_ATTRIBUTE_NORMAL, "cannot create", &h);
  if (rc == 0)
    rc = write_all(h, data, len, path);
  if (rc == 0 && !flush_h(h))
    rc = pt__error_from_win32(GetLastError(), "cannot flush", path);
  if (h != INVALID_HANDLE_VALUE && !CloseHandle(h) && rc == 0)
    rc = pt__error_from_win32(GetLastError(), "cannot close", path);
  return rc;
}

static int is_dir_w(const wchar_t *w)
{
  DWORD a = GetFileAttributesW(w);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* Creates one prefix of the path; *err is 0 or why it failed. */
static int make_one(const char *prefix, DWORD *err)
{
  wchar_t *w = NULL;
  int rc = pt__utf16_path(prefix, &w);
  *err = 0;
  if (rc == 0 && !CreateDirectoryW(w, NULL))
    *err = is_dir_w(w) ? 0 : GetLastError();
  pt_free(w);
  return rc;
}

/* Every prefix ending at a separator is created in turn. Failures before
 * the last are not errors: "C:" or "\\server\share" cannot be created,
 * and a real problem makes the last one fail anyway. */
int pt_fs_mkdir_p(const char *path)
{
  char *p = pt_strdup(path);
  int rc = p ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = p ? strlen(p) : 0;
  DWORD err = 0;
  for (size_t i = 1; rc == 0 && i <= n; i++) {
    if (p[i] != '/' && p[i] != '\\' && p[i] != '\0')
      continue;
    char saved = p[i];
    p[i] = '\0';
    rc = make_one(p, &err);
    p[i] = saved;
  }
  if (rc == 0 && err == ERROR_ALREADY_EXISTS)
    rc = PT_ERR(PT_EEXISTS, "cannot create directory %s: a file has its name",
                path);
  else if (rc == 0 && err)
    rc = pt__error_from_win32(err, "cannot create directory", path);
  pt_free(p);
  return rc;
}

static int is_missing(DWORD err)
{
  return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

int pt_fs_mkdir(const char *path)
{
  wchar_t *w = NULL;
  int rc = pt__utf16_path(path, &w);
  DWORD err = 0;
  if (rc == 0 && !CreateDirectoryW(w, NULL))
    err = GetLastError();
  pt_free(w);
  if (rc || !err)
    return rc;
  if (err != ERROR_PATH_NOT_FOUND)
    return pt__error_from_win32(err, "cannot create directory", path);
  const char *slash = strrchr(path, '/'), *back = strrchr(path, '\\');
  if (!slash || (back && back > slash))
    slash = back;
  char *parent = slash ? pt_strndup(path, (size_t)(slash - path)) : NULL;
  rc = parent ? PT_ERR(PT_ENOTFOUND, "cannot create directory %s: %s does "
                       "not exist", path, parent)
              : pt__error_from_win32(err, "cannot create directory", path);
  pt_free(parent);
  return rc;
}

/* DeleteFileW refuses read-only files, and a link to a folder is removed
 * as a folder. */
static DWORD delete_file(const wchar_t *w)
{
  if (DeleteFileW(w))
    return 0;
  DWORD err = GetLastError(), a = GetFileAttributesW(w);
  if (err != ERROR_ACCESS_DENIED || a == INVALID_FILE_ATTRIBUTES)
    return err;
  if ((a & FILE_ATTRIBUTE_DIRECTORY) && (a & FILE_ATTRIBUTE_REPARSE_POINT))
    return RemoveDirectoryW(w) ? 0 : GetLastError();
  if ((a & FILE_ATTRIBUTE_READONLY) &&
      SetFileAttributesW(w, a & ~(DWORD)FILE_ATTRIBUTE_READONLY) &&
      DeleteFileW(w))
    return 0;
  return err;
}

int pt_fs_remove(const char *path)
{
  wchar_t *w = NULL;
  int rc = pt__utf16_path(path, &w);
  DWORD err = rc == 0 ? delete_file(w) : 0;
  if (err && !is_missing(err))
    rc = pt__error_from_win32(err, "cannot remove", path);
  pt_free(w);
  return rc;
}

/* A file deleted while another process (a scanner, an indexer) has it
 * open only disappears when that handle closes, and until then its folder
 * is not empty. Wait a little for it, as libgit2 and libuv do. */
int pt_fs_remove_dir(const char *path)
{
  wchar_t *w = NULL;
  int rc = pt__utf16_path(path, &w);
  DWORD err = 0, delay = 1;
  while (rc == 0 && !RemoveDirectoryW(w)) {
    err = GetLastError();
    if (err != ERROR_DIR_NOT_EMPTY || delay > 512) {
      if (!is_missing(err))
        rc = pt__error_from_win32(err, "cannot remove directory", path);
      break;
    }
    Sleep(delay);
    delay *= 2;
  }
  pt_free(w);
  return rc;
}

static int final_path(HANDLE h, const char *path, char **out)
{
  const DWORD flags = FILE_NAME_NORMALIZED | VOLUME_NAME_DOS;
  DWORD n = GetFinalPathNameByHandleW(h, NULL, 0, flags);
  wchar_t *w = n ? pt_malloc((size_t)n * sizeof *w) : NULL;
  int rc = 0;
  if (n == 0)
    rc = pt__error_from_win32(GetLastError(), "cannot resolve", path);
  else if (!w)
    rc = PT_ERR(PT_ENOMEM, "out of memory resolving %s", path);
  else if (GetFinalPathNameByHandleW(h, w, n, flags) >= n)
    rc = PT_ERR(PT_EIO, "cannot resolve %s: it changed meanwhile", path);
  if (rc == 0)
    rc = pt__utf16_to_utf8(w, -1, out);
  pt_free(w);
  return rc;
}

/* The final path has links resolved. Some volumes (RAM disks, some
 * network file systems) have no DOS name for it; the full path, which
 * still names the same file, stands in then. */
int pt_fs_realpath(const char *path, char **out)
{
  wchar_t *w = NULL;
  HANDLE h = INVALID_HANDLE_VALUE;
  int rc = pt__utf16_path(path, &w);
  if (rc == 0) {
    h = CreateFileW(w, FILE_READ_ATTRIBUTES,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
      rc = pt__error_from_win32(GetLastError(), "cannot resolve", path);
  }
  if (rc == 0 && (rc = final_path(h, path, out)) != 0 && rc != PT_ENOMEM) {
    pt_error_clear();
    rc = pt__utf16_to_utf8(w, -1, out);
  }
  if (rc == 0)
    pt__utf16_path_to_portable(*out);
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  pt_free(w);
  return rc;
}

int pt_fs_sync_file(const char *path)
{
  HANDLE h = INVALID_HANDLE_VALUE;
  /* FlushFileBuffers needs a handle with write access */
  int rc = open_file(path, GENERIC_WRITE, OPEN_EXISTING, 0, "cannot open", &h);
  if (rc == 0 && !flush_h(h))
    rc = pt__error_from_win32(GetLastError(), "cannot flush", path);
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  return rc;
}

/* Errors that mean someone else has one of the files open right now. */
static int is_transient(DWORD err)
{
  return err == ERROR_SHARING_VIOLATION || err == ERROR_ACCESS_DENIED ||
         err == ERROR_LOCK_VIOLATION;
}

static DWORD flush_w(const wchar_t *w)
{
  HANDLE h = create_file(w, GENERIC_WRITE, OPEN_EXISTING, 0);
  DWORD err = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
  if (!err && !flush_h(h))
    err = GetLastError();
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  return err;
}

static int gave_up(DWORD err, const char *held, const char *src,
                   const char *dst, unsigned long spent)
{
  char text[256];
  pt__error_text_win32(err, text, (int)sizeof text);
  return PT_ERR(PT_EBUSY, "cannot replace %s with %s: %s is held open by "
                "another process (virus scanner?); gave up after %lu ms "
                "(%s, error %lu)", dst, src, held, spent, text,
                (unsigned long)err);
}

/* Virus scanners open every new file a moment after it is closed, and
 * readers of the old database hold the target without FILE_SHARE_DELETE;
 * both make the flush of src or MoveFileExW fail until they let go. Each
 * step is retried with growing delays (10, 20, 40... ms) until the budget
 * is spent, and only then reported. */
static int flush_and_move(const wchar_t *ws, const wchar_t *wd,
                          const char *src, const char *dst)
{
  const DWORD flags = MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH;
  unsigned long budget = (unsigned long)replace_budget_ms;
  unsigned long delay = FIRST_RETRY_MS;
  ULONGLONG start = GetTickCount64();
  int is_flushed = 0;
  for (;;) {
    DWORD err = is_flushed ? (move_w(ws, wd, flags) ? 0 : GetLastError())
                           : flush_w(ws);
    if (!err && is_flushed)
      return 0;
    if (!err) {
      is_flushed = 1;
      continue;
    }
    unsigned long spent = (unsigned long)(GetTickCount64() - start);
    if (!is_transient(err))
      return is_flushed ? pt__error_from_win32(err, "cannot replace", dst)
                        : pt__error_from_win32(err, "cannot flush", src);
    if (spent >= budget)
      return gave_up(err, is_flushed ? dst : src, src, dst, spent);
    Sleep((DWORD)(delay < budget - spent ? delay : budget - spent));
    delay *= 2;
  }
}

int pt_fs_replace(const char *src, const char *dst)
{
  wchar_t *ws = NULL, *wd = NULL;
  int rc = pt__utf16_path(src, &ws);
  if (rc == 0)
    rc = pt__utf16_path(dst, &wd);
  if (rc == 0)
    rc = flush_and_move(ws, wd, src, dst);
  pt_free(wd);
  pt_free(ws);
  return rc;
}
