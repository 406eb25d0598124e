/* The inotify backend of pt/sys/watch.h (Linux). inotify watches one
 * folder per descriptor, so every folder below the root gets its own watch,
 * added as folders appear. Without inotify, or when it runs out of watches,
 * watch.c turns the whole root over to polling (watch_poll.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/inotify.h>
#endif

#include "error_posix.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "watch_int.h"

#define EVBUF_SIZE 65536

#if defined(__linux__)

#define WATCH_MASK                                                         \
  (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |        \
   IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |           \
   IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* Position of wd in the table, or where it would go (*found = 0). New
 * descriptors mostly grow, so inserts are mostly appends. */
static size_t dirs_find(const pt_watch *w, int wd, int *found)
{
  size_t lo = 0, hi = w->n_dirs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->dirs[mid].wd < wd)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < w->n_dirs && w->dirs[lo].wd == wd;
  return lo;
}

/* inotify returns the same descriptor when a folder is watched twice (after
 * an overflow, or a move), so an existing entry takes the new path. */
static int dirs_put(pt_watch *w, int wd, const char *rel)
{
  int found;
  size_t i = dirs_find(w, wd, &found);
  char *copy = pt_strdup(rel);
  int rc = copy ? 0 : PT_ERR(PT_ENOMEM, "out of memory watching %s", rel);
  if (rc == 0 && !found)
    rc = pt_array_grow((void **)&w->dirs, &w->cap_dirs, w->n_dirs + 1,
                       sizeof *w->dirs);
  if (rc == 0 && found) {
    pt_free(w->dirs[i].rel);
  } else if (rc == 0) {
    memmove(w->dirs + i + 1, w->dirs + i, (w->n_dirs - i) * sizeof *w->dirs);
    w->dirs[i].wd = wd;
    w->n_dirs++;
  }
  if (rc == 0)
    w->dirs[i].rel = copy;
  else
    pt_free(copy);
  return rc;
}

static void dirs_drop_at(pt_watch *w, size_t i)
{
  pt_free(w->dirs[i].rel);
  memmove(w->dirs + i, w->dirs + i + 1, (w->n_dirs - i - 1) * sizeof *w->dirs);
  w->n_dirs--;
}

/* Stops watching rel and every folder below it: they were moved away or
 * deleted, and their descriptors must not report under the old paths. */
static void dirs_drop_tree(pt_watch *w, const char *rel)
{
  size_t len = strlen(rel);
  for (size_t i = w->n_dirs; i-- > 0;) {
    const char *r = w->dirs[i].rel;
    if (strncmp(r, rel, len) == 0 && (r[len] == '\0' || r[len] == '/')) {
      inotify_rm_watch(w->ifd, w->dirs[i].wd);
      dirs_drop_at(w, i);
    }
  }
}

/* Watches the folder rel. One that vanished or cannot be read is left out,
 * as the walk leaves it out; running out of watches (ENOSPC, or ENOMEM in
 * the kernel) sets w->is_exhausted and the thread turns to polling. */
static int add_watch(pt_watch *w, const char *rel, pt_buf *full)
{
  int rc = pt__watch_full_path(w, rel, full);
  int wd = rc == 0 ? inotify_add_watch(w->ifd, full->ptr, WATCH_MASK) : -1;
  if (rc == 0 && wd >= 0)
    rc = dirs_put(w, wd, rel);
  else if (rc == 0 && (errno == ENOSPC || errno == ENOMEM))
    w->is_exhausted = 1;
  else if (rc == 0)
    pt_log(PT_LOG_DEBUG, "watch %s: not watching %s: %s", w->root, full->ptr,
           strerror(errno));
  return rc;
}

typedef struct listing {
  char **names;          /* owned */
  int *is_dir;           /* owned */
  size_t n, cap, cap2;
} listing;

static int collect(const char *name, pt_fs_type type, void *payload)
{
  listing *l = payload;
  int rc = pt_array_grow((void **)&l->names, &l->cap, l->n + 1,
                         sizeof *l->names);
  if (rc == 0)
    rc = pt_array_grow((void **)&l->is_dir, &l->cap2, l->n + 1,
                       sizeof *l->is_dir);
  if (rc == 0 && !(l->names[l->n] = pt_strdup(name)))
    rc = PT_ERR(PT_ENOMEM, "out of memory listing %s", name);
  if (rc == 0)
    l->is_dir[l->n++] = type == PT_FS_DIR;
  return rc;
}

static void listing_fini(listing *l)
{
  for (size_t i = 0; i < l->n; i++)
    pt_free(l->names[i]);
  pt_free(l->names);
  pt_free(l->is_dir);
}

/* Watches rel and every folder below it. The watch goes on before the
 * listing, so a file created meanwhile is seen by one or the other (maybe
 * both). With is_report set, files (and excluded entries) found are
 * reported CHANGED: they were created before their folder's watch
 * existed. */
static int add_tree(pt_watch *w, const char *rel, int is_report, int depth)
{
  pt_buf full = PT_BUF_INIT, child = PT_BUF_INIT;
  listing l = {NULL, NULL, 0, 0, 0};
  int rc = add_watch(w, rel, &full);
  int lrc = rc == 0 && !w->is_exhausted ? pt_fs_list_dir(full.ptr, collect, &l)
                                        : rc;
  if (lrc != 0 && lrc != PT_ENOMEM)
    pt_error_clear(); /* vanished or unreadable: nothing to watch */
  else
    rc = lrc;
  for (size_t i = 0; rc == 0 && i < l.n && !w->is_exhausted; i++) {
    pt_buf_clear(&child);
    rc = *rel ? pt_buf_printf(&child, "%s/%s", rel, l.names[i])
              : pt_buf_puts(&child, l.names[i]);
    pt__watch_rule rule =
        rc == 0 ? pt__watch_rule_of(w, child.ptr, l.names[i], l.is_dir[i])
                : PT__WATCH_SKIPPED;
    if (rule == PT__WATCH_SKIPPED)
      continue;
    if (rule == PT__WATCH_EXCLUDED && is_report)
      pt__watch_emit(w, PT_WATCH_CHANGED, child.ptr, l.is_dir[i]);
    else if (rule == PT__WATCH_EXCLUDED)
      continue;
    else if (l.is_dir[i] && depth < PT__WATCH_MAX_DEPTH)
      rc = add_tree(w, child.ptr, is_report, depth + 1);
    else if (!l.is_dir[i] && is_report)
      pt__watch_emit(w, PT_WATCH_CHANGED, child.ptr, 0);
  }
  listing_fini(&l);
  pt_buf_fini(&child);
  pt_buf_fini(&full);
  return rc;
}

/* Events were dropped: the consumer rescans, and the watches are checked
 * again, since folders created meanwhile have none yet. */
static int resync(pt_watch *w)
{
  pt__watch_emit(w, PT_WATCH_RESCAN, "", 1);
  return add_tree(w, "", 0, 0);
}

static int on_child(pt_watch *w, uint32_t mask, const char *rel, int is_dir)
{
  int rc = 0;
  if (is_dir && (mask & (IN_CREATE | IN_MOVED_TO))) {
    pt__watch_emit(w, PT_WATCH_CHANGED, rel, 1);
    rc = add_tree(w, rel, 1, 1);
  } else if (is_dir && (mask & (IN_DELETE | IN_MOVED_FROM))) {
    pt__watch_emit(w, PT_WATCH_REMOVED, rel, 1);
    dirs_drop_tree(w, rel);
  } else if (!is_dir && (mask & (IN_DELETE | IN_MOVED_FROM))) {
    pt__watch_emit_final(w, PT_WATCH_REMOVED, rel);
  } else if (!is_dir && (mask & (IN_CLOSE_WRITE | IN_MOVED_TO))) {
    pt__watch_emit_final(w, PT_WATCH_CHANGED, rel);
  } else if (!is_dir) {
    pt__watch_emit(w, PT_WATCH_CHANGED, rel, 0);
  }
  return rc;
}

/* A default-excluded entry appeared or went: reported as any entry's
 * coming and going, but a folder gets no watch, and a file's writes are
 * not reported (its contents never matter to the walk). */
static void on_excluded(pt_watch *w, uint32_t mask, const char *rel,
                        int is_dir)
{
  if (is_dir && (mask & (IN_CREATE | IN_MOVED_TO)))
    pt__watch_emit(w, PT_WATCH_CHANGED, rel, 1);
  else if (is_dir && (mask & (IN_DELETE | IN_MOVED_FROM)))
    pt__watch_emit(w, PT_WATCH_REMOVED, rel, 1);
  else if (mask & (IN_DELETE | IN_MOVED_FROM))
    pt__watch_emit_final(w, PT_WATCH_REMOVED, rel);
  else if (mask & IN_MOVED_TO)
    pt__watch_emit_final(w, PT_WATCH_CHANGED, rel);
  else if (mask & IN_CREATE)
    pt__watch_emit(w, PT_WATCH_CHANGED, rel, 0);
}

static int on_event(pt_watch *w, const struct inotify_event *ev, pt_buf *rel)
{
  int found = 0, rc = 0;
  size_t i = ev->wd >= 0 ? dirs_find(w, ev->wd, &found) : 0;
  int is_dir = (ev->mask & IN_ISDIR) != 0;
  if (ev->mask & IN_Q_OVERFLOW) {
    rc = resync(w);
  } else if (!found) {
    rc = 0; /* a folder we stopped watching: its last events */
  } else if (ev->mask & IN_IGNORED) {
    dirs_drop_at(w, i);
  } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
    /* below the root the parent reports the move; the root itself is gone */
    if (!*w->dirs[i].rel)
      pt__watch_emit(w, PT_WATCH_REMOVED, "", 1);
  } else if (ev->len > 0) {
    pt_buf_clear(rel);
    rc = *w->dirs[i].rel
             ? pt_buf_printf(rel, "%s/%s", w->dirs[i].rel, ev->name)
             : pt_buf_puts(rel, ev->name);
    pt__watch_rule rule = rc == 0 ? pt__watch_rule_of(w, rel->ptr, ev->name,
                                                      is_dir)
                                  : PT__WATCH_SKIPPED;
    if (rule == PT__WATCH_KEPT)
      rc = on_child(w, ev->mask, rel->ptr, is_dir);
    else if (rule == PT__WATCH_EXCLUDED)
      on_excluded(w, ev->mask, rel->ptr, is_dir);
  }
  return rc;
}

/* One read's worth of events. A failure (out of memory) loses track of
 * the tree, so the consumer is told to rescan. */
static void on_batch(pt_watch *w, const char *buf, size_t n)
{
  pt_buf rel = PT_BUF_INIT;
  pt__watch_batch(w);
  for (size_t off = 0; off + sizeof(struct inotify_event) <= n;) {
    const struct inotify_event *ev = (const void *)(buf + off);
    if (on_event(w, ev, &rel) != 0) {
      pt_log(PT_LOG_WARN, "watch %s: %s; asking for a rescan", w->root,
             pt_error_last()->message);
      pt_error_clear();
      pt__watch_emit(w, PT_WATCH_RESCAN, "", 1);
    }
    off += sizeof *ev + ev->len;
  }
  pt_buf_fini(&rel);
}

void pt__watch_inotify_end(pt_watch *w)
{
  for (size_t i = 0; i < w->n_dirs; i++)
    pt_free(w->dirs[i].rel);
  pt_free(w->dirs);
  w->dirs = NULL;
  w->n_dirs = w->cap_dirs = 0;
  pt_free(w->evbuf);
  w->evbuf = NULL;
  if (w->ifd >= 0)
    close(w->ifd);
  w->ifd = -1;
}

int pt__watch_inotify_begin(pt_watch *w)
{
  int rc = 0;
  w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->ifd < 0)
    rc = pt__error_from_errno(errno, "cannot start inotify for", w->root);
  if (rc == 0 && !(w->evbuf = pt_malloc(EVBUF_SIZE)))
    rc = PT_ERR(PT_ENOMEM, "out of memory watching %s", w->root);
  if (rc == 0)
    rc = add_tree(w, "", 0, 0);
  if (rc == 0 && !w->is_exhausted && w->n_dirs == 0)
    rc = PT_ERR(PT_EIO, "inotify cannot watch %s", w->root);
  if (rc == 0 && w->is_exhausted)
    rc = PT_ERR(PT_EBUSY, "inotify watch limit reached under %s "
                "(fs.inotify.max_user_watches)", w->root);
  if (rc != 0)
    pt__watch_inotify_end(w);
  return rc;
}

/* Reads events until told to stop (returns 1) or until out of watches
 * (returns 0: the caller goes on polling). */
int pt__watch_inotify_run(pt_watch *w)
{
  int is_stopped = 0;
  while (!w->is_exhausted && !(is_stopped = pt__watch_wait(w, w->ifd, -1))) {
    ssize_t n = read(w->ifd, w->evbuf, EVBUF_SIZE);
    if (n > 0)
      on_batch(w, w->evbuf, (size_t)n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
      w->is_exhausted = 1; /* unreadable queue: polling still works */
  }
  return is_stopped;
}

#else /* no inotify: watch.c polls */

int pt__watch_inotify_begin(pt_watch *w)
{
  return PT_ERR(PT_ENOTSUPPORTED, "no inotify on this system");
}
void pt__watch_inotify_end(pt_watch *w) {}
int pt__watch_inotify_run(pt_watch *w) { return 0; }

#endif
