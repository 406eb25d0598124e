/* pt/sys/watch.h on Windows: one recursive ReadDirectoryChangesW watch on
 * the root, read overlapped by the watcher thread into a 64 KiB buffer.
 * Windows names removed paths without saying whether they were folders,
 * so the thread keeps the set of folders below the root (as inotify keeps
 * one watch per folder) to report is_dir for removals. */
#include <string.h>

#include "error_win32.h"
#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/sys/watch.h"
#include "pt/walk.h"
#include "watch_repeat.h"
#include "utf16.h"

/* The largest buffer ReadDirectoryChangesW accepts on network shares. */
#define EVBUF_SIZE 65536
/* No source tree nests this deep (same bound as the walk). */
#define MAX_DEPTH 256
#define NOTIFY_FILTER                                                      \
  (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |            \
   FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE)

struct pt_watch {
  char *root;            /* owned: absolute, links resolved, '/' */
  char **skip;           /* owned: root-relative paths never reported */
  size_t n_skip;
  pt_watch_cb cb;        /* borrowed */
  void *payload;         /* borrowed */
  HANDLE dir;            /* the root, opened for overlapped listing */
  HANDLE stop;           /* manual-reset: set by pt_watch_stop */
  HANDLE ready;          /* manual-reset: set once the thread is armed */
  OVERLAPPED ov;         /* ov.hEvent signals a completed read */
  int is_pending;        /* a read is in flight (owns buf) */
  void *buf;             /* owned: EVBUF_SIZE, DWORD-aligned (heap) */
  pt_error start_err;    /* the thread's error when it could not start */
  char **dirs;           /* owned: root-relative folders, sorted (strcmp) */
  size_t n_dirs;
  size_t cap_dirs;
  pt_thread *thread;     /* owned */
  /* de-duplication of identical events within one batch */
  pt_watch_repeat repeat; /* identical events within one batch, once */
};

static void emit(pt_watch *w, pt_watch_kind kind, const char *rel, int is_dir)
{
  if (pt_watch_repeat_check(&w->repeat, kind, rel, is_dir))
    return;
  pt_watch_event ev = {kind, rel, is_dir, 0};
  w->cb(&ev, w->payload);
}

/* ---- the set of known folders ------------------------------------------ */

static size_t dirs_find(const pt_watch *w, const char *rel, int *found)
{
  size_t lo = 0, hi = w->n_dirs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(w->dirs[mid], rel) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < w->n_dirs && strcmp(w->dirs[lo], rel) == 0;
  return lo;
}

static int dirs_has(const pt_watch *w, const char *rel)
{
  int found;
  dirs_find(w, rel, &found);
  return found;
}

static int dirs_put(pt_watch *w, const char *rel)
{
  int found;
  size_t i = dirs_find(w, rel, &found);
  if (found)
    return 0;
  char *copy = pt_strdup(rel);
  int rc = copy ? 0 : PT_ERR(PT_ENOMEM, "out of memory watching %s", rel);
  if (rc == 0)
    rc = pt_array_grow((void **)&w->dirs, &w->cap_dirs, w->n_dirs + 1,
                       sizeof *w->dirs);
  if (rc == 0) {
    memmove(w->dirs + i + 1, w->dirs + i, (w->n_dirs - i) * sizeof *w->dirs);
    w->dirs[i] = copy;
    w->n_dirs++;
  } else {
    pt_free(copy);
  }
  return rc;
}

/* Forgets rel and every folder below it. */
static void dirs_drop_tree(pt_watch *w, const char *rel)
{
  size_t len = strlen(rel), kept = 0;
  for (size_t i = 0; i < w->n_dirs; i++) {
    const char *r = w->dirs[i];
    if (strncmp(r, rel, len) == 0 && (r[len] == '\0' || r[len] == '/'))
      pt_free(w->dirs[i]);
    else
      w->dirs[kept++] = w->dirs[i];
  }
  w->n_dirs = kept;
}

static void dirs_clear(pt_watch *w)
{
  for (size_t i = 0; i < w->n_dirs; i++)
    pt_free(w->dirs[i]);
  w->n_dirs = 0;
}

/* ---- skip rules ---------------------------------------------------------- */

static int is_skip_path(const pt_watch *w, const char *rel, size_t len)
{
  for (size_t i = 0; i < w->n_skip; i++)
    if (strlen(w->skip[i]) == len && strncmp(w->skip[i], rel, len) == 0)
      return 1;
  return 0;
}

/* What the watcher does with a path. */
typedef enum rule {
  KEPT,     /* reported (a folder: and what is below it) */
  EXCLUDED, /* a default exclude: the walk lists it as ignored, so its own
               coming and going is reported, nothing below it nor a file's
               writes */
  SKIPPED   /* a skip path, or below a left-out folder: never reported */
} rule;

/* The watch covers the whole tree, so a path is dropped when any folder
 * on the way to it is left out (a default exclude or a skip path), as the
 * POSIX watcher never watches those folders at all. The entry itself is
 * checked in the walk's order: skip paths first, then default excludes. */
static rule rule_of(const pt_watch *w, const char *rel, int is_dir)
{
  char name[MAX_PATH * 4];
  const char *start = rel;
  for (const char *p = rel;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    size_t n = (size_t)(p - start);
    int is_last = *p == '\0';
    if (n >= sizeof name)
      return SKIPPED; /* no real name is this long */
    memcpy(name, start, n);
    name[n] = '\0';
    int is_excluded = pt_walk_is_default_excluded(name, is_last ? is_dir : 1);
    if (is_skip_path(w, rel, (size_t)(p - rel)) || (is_excluded && !is_last))
      return SKIPPED;
    if (is_last)
      return is_excluded ? EXCLUDED : KEPT;
    start = p + 1;
  }
}

static int depth_of(const char *rel)
{
  int depth = 0;
  for (; *rel; rel++)
    depth += *rel == '/';
  return depth;
}

/* ---- scanning folders ---------------------------------------------------- */

static int full_path(const pt_watch *w, const char *rel, pt_buf *out)
{
  pt_buf_clear(out);
  return *rel ? pt_buf_printf(out, "%s/%s", w->root, rel)
              : pt_buf_puts(out, w->root);
}

typedef struct scan {
  pt_watch *w;
  const char *rel;       /* borrowed: the folder listed */
  int is_report;         /* report the files found as CHANGED */
  int depth;
  pt_buf child;
} scan;

static int scan_tree(pt_watch *w, const char *rel, int is_report, int depth);

static int on_entry(const char *name, pt_fs_type type, void *payload)
{
  scan *s = payload;
  int is_dir = type == PT_FS_DIR;
  pt_buf_clear(&s->child);
  int rc = *s->rel ? pt_buf_printf(&s->child, "%s/%s", s->rel, name)
                   : pt_buf_puts(&s->child, name);
  rule r = rc == 0 ? rule_of(s->w, s->child.ptr, is_dir) : SKIPPED;
  if (r == SKIPPED)
    return rc;
  if (r == EXCLUDED) {
    rc = is_dir ? dirs_put(s->w, s->child.ptr) : 0; /* is_dir at removal */
    if (rc == 0 && s->is_report)
      emit(s->w, PT_WATCH_CHANGED, s->child.ptr, is_dir);
  } else if (is_dir && s->depth < MAX_DEPTH)
    rc = scan_tree(s->w, s->child.ptr, s->is_report, s->depth + 1);
  else if (!is_dir && s->is_report)
    emit(s->w, PT_WATCH_CHANGED, s->child.ptr, 0);
  return rc;
}

/* Records rel and the folders below it (an excluded folder, but not what
 * is below it); with is_report set, the files and excluded folders found
 * are reported CHANGED (they arrived with a folder moved in). A folder
 * that vanished or cannot be read is left out, as the walk does. */
static int scan_tree(pt_watch *w, const char *rel, int is_report, int depth)
{
  pt_buf full = PT_BUF_INIT;
  scan s = {w, rel, is_report, depth, PT_BUF_INIT};
  int rc = *rel ? dirs_put(w, rel) : 0;
  if (rc == 0)
    rc = full_path(w, rel, &full);
  if (rc == 0)
    rc = pt_fs_list_dir(full.ptr, on_entry, &s);
  if (rc != 0 && rc != PT_ENOMEM) {
    pt_log(PT_LOG_DEBUG, "watch %s: not listing %s: %s", w->root, rel,
           pt_error_last()->message);
    pt_error_clear();
    rc = 0;
  }
  pt_buf_fini(&s.child);
  pt_buf_fini(&full);
  return rc;
}

/* ---- events -------------------------------------------------------------- */

static int is_dir_on_disk(const pt_watch *w, const char *rel)
{
  pt_buf full = PT_BUF_INIT;
  pt_fs_stat st;
  int is_dir = full_path(w, rel, &full) == 0 &&
               pt_fs_stat_path(full.ptr, &st) == 0 && st.type == PT_FS_DIR;
  pt_error_clear(); /* gone again already: reported as a file, harmless */
  pt_buf_fini(&full);
  return is_dir;
}

static int on_added(pt_watch *w, const char *rel)
{
  int is_dir = is_dir_on_disk(w, rel);
  rule r = rule_of(w, rel, is_dir);
  if (r == SKIPPED)
    return 0;
  emit(w, PT_WATCH_CHANGED, rel, is_dir);
  if (!is_dir)
    return 0;
  /* a folder moved in brings files no event will name */
  return r == KEPT ? scan_tree(w, rel, 1, depth_of(rel) + 1)
                   : dirs_put(w, rel);
}

static int on_removed(pt_watch *w, const char *rel)
{
  int is_dir = dirs_has(w, rel);
  if (rule_of(w, rel, is_dir) != SKIPPED)
    emit(w, PT_WATCH_REMOVED, rel, is_dir);
  if (is_dir)
    dirs_drop_tree(w, rel);
  return 0;
}

/* A folder is "modified" whenever an entry in it changes: that is noise,
 * the entry has its own event. An excluded file's writes do not matter. */
static int on_modified(pt_watch *w, const char *rel)
{
  if (!dirs_has(w, rel) && rule_of(w, rel, 0) == KEPT)
    emit(w, PT_WATCH_CHANGED, rel, 0);
  return 0;
}

static int on_notify(pt_watch *w, const FILE_NOTIFY_INFORMATION *fi)
{
  char *rel = NULL;
  int rc = pt__utf16_to_utf8(fi->FileName,
                             (int)(fi->FileNameLength / sizeof(WCHAR)), &rel);
  if (rc == PT_EINVAL) { /* no UTF-8 name: the walk cannot see it either */
    pt_error_clear();
    return 0;
  }
  for (char *p = rel; rc == 0 && *p; p++)
    if (*p == '\\')
      *p = '/';
  if (rc == 0 && *rel && depth_of(rel) < MAX_DEPTH) {
    switch (fi->Action) {
    case FILE_ACTION_ADDED: case FILE_ACTION_RENAMED_NEW_NAME:
      rc = on_added(w, rel);
      break;
    case FILE_ACTION_REMOVED: case FILE_ACTION_RENAMED_OLD_NAME:
      rc = on_removed(w, rel);
      break;
    case FILE_ACTION_MODIFIED:
      rc = on_modified(w, rel);
      break;
    default:
      break;
    }
  }
  pt_free(rel);
  return rc;
}

/* Lost events, or lost track of the folders: the consumer rescans, and
 * the folder set is taken again. */
static void rescan(pt_watch *w)
{
  emit(w, PT_WATCH_RESCAN, "", 1);
  dirs_clear(w);
  if (scan_tree(w, "", 0, 0) != 0) {
    pt_log(PT_LOG_WARN, "watch %s: %s", w->root, pt_error_last()->message);
    pt_error_clear();
  }
}

static void on_batch(pt_watch *w, DWORD n)
{
  const char *p = w->buf, *end = p + n;
  pt_watch_repeat_reset(&w->repeat);
  while (p + sizeof(FILE_NOTIFY_INFORMATION) <= end) {
    const FILE_NOTIFY_INFORMATION *fi = (const void *)p;
    if (on_notify(w, fi) != 0) {
      pt_log(PT_LOG_WARN, "watch %s: %s; asking for a rescan", w->root,
             pt_error_last()->message);
      pt_error_clear();
      rescan(w);
      return;
    }
    if (fi->NextEntryOffset == 0)
      break;
    p += fi->NextEntryOffset;
  }
}

/* ---- the thread ---------------------------------------------------------- */

/* Starts the next read. The system queues changes for the handle from
 * the first read on, so nothing between two reads is lost. */
static int arm(pt_watch *w)
{
  if (!ReadDirectoryChangesW(w->dir, w->buf, EVBUF_SIZE, TRUE, NOTIFY_FILTER,
                             NULL, &w->ov, NULL))
    return pt__error_from_win32(GetLastError(), "cannot watch", w->root);
  w->is_pending = 1;
  return 0;
}

static int is_stopping(const pt_watch *w)
{
  return WaitForSingleObject(w->stop, 0) == WAIT_OBJECT_0;
}

/* A read failed other than by overflow: the root was deleted or moved, or
 * the volume went away. Nothing more can be reported until stopped. */
static void lost_root(pt_watch *w)
{
  pt_fs_stat st;
  int is_gone = pt_fs_stat_path(w->root, &st) != 0;
  pt_log(PT_LOG_WARN, "watch %s: stopped watching: %s", w->root,
         pt_error_last()->message);
  pt_error_clear();
  pt_watch_repeat_reset(&w->repeat);
  emit(w, is_gone ? PT_WATCH_REMOVED : PT_WATCH_RESCAN, "", 1);
  WaitForSingleObject(w->stop, INFINITE);
}

/* Waits for reads and handles them until stopped. A zero-byte completion
 * means the notification buffer overflowed and the system dropped events:
 * what changed is unknown, so the root is rescanned. Any failure after a
 * stop request is the stop (wine reports 997, Windows 995). */
static void loop(pt_watch *w)
{
  HANDLE hs[2] = {w->stop, w->ov.hEvent};
  while (WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
    DWORD n = 0;
    BOOL ok = GetOverlappedResult(w->dir, &w->ov, &n, FALSE);
    DWORD err = ok ? 0 : GetLastError();
    w->is_pending = 0;
    if (is_stopping(w))
      return;
    if ((ok && n == 0) || err == ERROR_NOTIFY_ENUM_DIR) {
      pt_watch_repeat_reset(&w->repeat);
      rescan(w);
    } else if (ok) {
      on_batch(w, n);
    } else {
      pt__error_from_win32(err, "cannot read changes of", w->root);
      lost_root(w);
      return;
    }
    if (arm(w) != 0) {
      lost_root(w);
      return;
    }
  }
}

static void run(void *payload)
{
  pt_watch *w = payload;
  int rc = arm(w);
  if (rc == 0)
    rc = scan_tree(w, "", 0, 0);
  if (rc != 0)
    w->start_err = *pt_error_last();
  SetEvent(w->ready);
  if (rc == 0)
    loop(w);
  if (w->is_pending) {
    /* the read owns buf until it completes: cancel it and wait */
    DWORD n;
    CancelIoEx(w->dir, &w->ov);
    GetOverlappedResult(w->dir, &w->ov, &n, TRUE);
    w->is_pending = 0;
  }
}

/* ---- start and stop ------------------------------------------------------ */

static void watch_free(pt_watch *w)
{
  if (!w)
    return;
  dirs_clear(w);
  pt_free(w->dirs);
  pt_strv_free(w->skip, w->n_skip);
  HANDLE hs[4] = {w->dir, w->stop, w->ready, w->ov.hEvent};
  for (int i = 0; i < 4; i++)
    if (hs[i] && hs[i] != INVALID_HANDLE_VALUE)
      CloseHandle(hs[i]);
  pt_free(w->buf);
  pt_watch_repeat_fini(&w->repeat);
  pt_free(w->root);
  pt_free(w);
}

/* FILE_SHARE_DELETE lets others delete and rename inside, and the root
 * itself, while it is watched. */
static int open_root(pt_watch *w)
{
  wchar_t *wroot = NULL;
  int rc = pt__utf16_path(w->root, &wroot);
  if (rc == 0) {
    w->dir = CreateFileW(wroot, FILE_LIST_DIRECTORY,
                         FILE_SHARE_READ | FILE_SHARE_WRITE |
                             FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING,
                         FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED,
                         NULL);
    if (w->dir == INVALID_HANDLE_VALUE)
      rc = pt__error_from_win32(GetLastError(), "cannot watch", w->root);
  }
  pt_free(wroot);
  return rc;
}

static int make_events(pt_watch *w)
{
  w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  w->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
  w->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!w->stop || !w->ready || !w->ov.hEvent)
    return pt__error_from_win32(GetLastError(), "cannot create events to watch",
                                w->root);
  return 0;
}

static int watch_new(const pt_watch_opts *opts, pt_watch_cb cb, void *payload,
                     pt_watch **out)
{
  pt_fs_stat st;
  pt_watch *w = pt_calloc(1, sizeof *w);
  int rc = w ? 0 : PT_ERR(PT_ENOMEM, "out of memory starting a watcher");
  if (rc == 0) {
    w->dir = INVALID_HANDLE_VALUE;
    w->cb = cb;
    w->payload = payload;
    rc = pt_fs_realpath(opts->root, &w->root);
  }
  if (rc == 0 && (rc = pt_fs_stat_path(w->root, &st)) == 0 &&
      st.type != PT_FS_DIR)
    rc = PT_ERR(PT_EINVAL, "cannot watch %s: not a folder", opts->root);
  if (rc == 0)
    rc = pt_strv_copy(opts->skip, opts->n_skip, &w->skip, &w->n_skip);
  if (rc == 0 && !(w->buf = pt_malloc(EVBUF_SIZE)))
    rc = PT_ERR(PT_ENOMEM, "out of memory watching %s", w->root);
  if (rc == 0)
    rc = open_root(w);
  if (rc == 0)
    rc = make_events(w);
  if (rc == 0)
    *out = w;
  else
    watch_free(w);
  return rc;
}

/* The first read is started by the watcher thread itself (Windows cancels
 * a thread's reads when it exits), and only once it is in flight does
 * pt_watch_start return: every later change is then reported. */
static int start_thread(pt_watch *w)
{
  int rc = pt_thread_start(run, w, &w->thread);
  if (rc == 0)
    WaitForSingleObject(w->ready, INFINITE);
  if (rc == 0 && w->start_err.code != 0) {
    pt_thread_join(w->thread);
    w->thread = NULL;
    rc = pt__error_set(w->start_err.code, w->start_err.file,
                       w->start_err.line, "%s", w->start_err.message);
  }
  return rc;
}

int pt_watch_start(const pt_watch_opts *opts, pt_watch_cb cb, void *payload,
                   pt_watch **out)
{
  pt_watch *w = NULL;
  if (!opts || !opts->root || !cb || !out || (opts->n_skip && !opts->skip))
    return PT_ERR(PT_EINVAL, "pt_watch_start: missing argument");
  int rc = watch_new(opts, cb, payload, &w);
  if (rc == 0)
    rc = start_thread(w);
  if (rc == 0)
    *out = w;
  else
    watch_free(w);
  return rc;
}

void pt_watch_stop(pt_watch *w)
{
  if (!w)
    return;
  SetEvent(w->stop);
  pt_thread_join(w->thread);
  watch_free(w);
}

const char *pt_watch_backend(const pt_watch *w)
{
  return "ReadDirectoryChangesW";
}
