/* The polling backend of pt/sys/watch.h: every poll_ms the thread lists
 * the tree again and compares each entry's type, size and mtime with the
 * previous listing. Used where inotify is missing or out of watches, and
 * under PT_WATCH_BACKEND=poll. Costs one lstat per entry per round. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "watch_int.h"

typedef struct scan {
  pt_watch *w;           /* borrowed */
  pt__watch_snap *snap;  /* borrowed: being filled */
  const char *dir_rel;   /* borrowed: folder being listed */
  pt_buf rel;            /* scratch: root-relative path of an entry */
  pt_buf full;           /* scratch: absolute path of an entry */
  char **subdirs;        /* owned: folders found in this listing */
  size_t n_subdirs;
  size_t cap_subdirs;
} scan;

static void snap_fini(pt__watch_snap *s)
{
  for (size_t i = 0; i < s->n; i++)
    pt_free(s->v[i].rel);
  pt_free(s->v);
  s->v = NULL;
  s->n = s->cap = 0;
}

static int snap_add(pt__watch_snap *s, const char *rel, int is_dir,
                    const pt_fs_stat *st)
{
  int rc = pt_array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
  char *copy = rc ? NULL : pt_strdup(rel);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory polling for changes");
  if (rc == 0) {
    s->v[s->n].rel = copy;
    s->v[s->n].is_dir = is_dir;
    s->v[s->n].size = is_dir ? 0 : st->size;
    s->v[s->n].mtime_ns = is_dir ? 0 : st->mtime_ns;
    s->n++;
  }
  return rc;
}

static int add_subdir(scan *sc)
{
  int rc = pt_array_grow((void **)&sc->subdirs, &sc->cap_subdirs,
                         sc->n_subdirs + 1, sizeof *sc->subdirs);
  if (rc == 0 && !(sc->subdirs[sc->n_subdirs] = pt_strdup(sc->rel.ptr)))
    rc = PT_ERR(PT_ENOMEM, "out of memory polling for changes");
  if (rc == 0)
    sc->n_subdirs++;
  return rc;
}

/* One entry of a listing. Links are recorded like files and never
 * followed, as the walk does; an entry that vanished since the listing is
 * simply not recorded. A default-excluded entry is recorded with no size
 * or mtime (only its coming and going counts) and never listed. */
static int visit(const char *name, pt_fs_type type, void *payload)
{
  scan *sc = payload;
  int is_dir = type == PT_FS_DIR;
  pt_fs_stat st = {PT_FS_OTHER, 0, 0};
  pt_buf_clear(&sc->rel);
  int rc = *sc->dir_rel ? pt_buf_printf(&sc->rel, "%s/%s", sc->dir_rel, name)
                        : pt_buf_puts(&sc->rel, name);
  pt__watch_rule rule = rc == 0 ? pt__watch_rule_of(sc->w, sc->rel.ptr, name,
                                                    is_dir)
                                : PT__WATCH_SKIPPED;
  int is_kept = rule != PT__WATCH_SKIPPED;
  if (rule == PT__WATCH_KEPT && !is_dir) {
    rc = pt__watch_full_path(sc->w, sc->rel.ptr, &sc->full);
    if (rc == 0)
      rc = pt_fs_stat_path(sc->full.ptr, &st);
    if (rc != 0 && rc != PT_ENOMEM) {
      pt_error_clear();
      rc = 0;
      is_kept = 0;
    }
  }
  if (is_kept && rc == 0)
    rc = snap_add(sc->snap, sc->rel.ptr, is_dir, &st);
  if (rule == PT__WATCH_KEPT && is_dir && rc == 0)
    rc = add_subdir(sc);
  return rc;
}

/* Records the folder rel and everything below it. Only running out of
 * memory fails: a folder that vanished or cannot be read below the root
 * is left out, like the walk leaves it out. */
static int scan_dir(pt_watch *w, pt__watch_snap *snap, const char *rel,
                    int depth)
{
  scan sc = {w, snap, rel, PT_BUF_INIT, PT_BUF_INIT, NULL, 0, 0};
  int rc = pt__watch_full_path(w, rel, &sc.full);
  if (rc == 0)
    rc = pt_fs_list_dir(sc.full.ptr, visit, &sc);
  if (rc != 0 && rc != PT_ENOMEM && *rel) {
    pt_error_clear();
    rc = 0;
  }
  for (size_t i = 0; rc == 0 && i < sc.n_subdirs; i++)
    if (depth < PT__WATCH_MAX_DEPTH)
      rc = scan_dir(w, snap, sc.subdirs[i], depth + 1);
  for (size_t i = 0; i < sc.n_subdirs; i++)
    pt_free(sc.subdirs[i]);
  pt_free(sc.subdirs);
  pt_buf_fini(&sc.full);
  pt_buf_fini(&sc.rel);
  return rc;
}

static int by_rel(const void *a, const void *b)
{
  return strcmp(((const pt__watch_item *)a)->rel,
                ((const pt__watch_item *)b)->rel);
}

static int snap_take(pt_watch *w, pt__watch_snap *out)
{
  int rc = scan_dir(w, out, "", 0);
  if (rc == 0 && out->n > 1)
    qsort(out->v, out->n, sizeof *out->v, by_rel);
  if (rc != 0)
    snap_fini(out);
  return rc;
}

static int is_modified(const pt__watch_item *a, const pt__watch_item *b)
{
  return !a->is_dir && (a->size != b->size || a->mtime_ns != b->mtime_ns);
}

/* Both listings are sorted, so one merge pass finds what appeared, what
 * went and what changed. A path that turned from file to folder (or back)
 * is reported removed, then changed. */
static void snap_diff(pt_watch *w, const pt__watch_snap *old,
                      const pt__watch_snap *cur)
{
  size_t i = 0, j = 0;
  pt__watch_batch(w);
  while (i < old->n || j < cur->n) {
    int c = i == old->n ? 1 : j == cur->n ? -1
                                          : strcmp(old->v[i].rel, cur->v[j].rel);
    if (c == 0 && old->v[i].is_dir != cur->v[j].is_dir) {
      pt__watch_emit(w, PT_WATCH_REMOVED, old->v[i].rel, old->v[i].is_dir);
      c = 1;
      i++;
    }
    if (c < 0) {
      pt__watch_emit(w, PT_WATCH_REMOVED, old->v[i].rel, old->v[i].is_dir);
      i++;
    } else if (c > 0) {
      pt__watch_emit(w, PT_WATCH_CHANGED, cur->v[j].rel, cur->v[j].is_dir);
      j++;
    } else {
      if (is_modified(&old->v[i], &cur->v[j]))
        pt__watch_emit(w, PT_WATCH_CHANGED, cur->v[j].rel, 0);
      i++;
      j++;
    }
  }
}

int pt__watch_poll_begin(pt_watch *w)
{
  int rc = snap_take(w, &w->snap);
  if (rc == 0)
    atomic_store(&w->is_polling, 1);
  return rc;
}

/* A round that fails (out of memory, root unreadable) keeps the previous
 * listing, so the next round still reports everything since then. */
void pt__watch_poll_run(pt_watch *w)
{
  int is_failing = 0;
  while (!pt__watch_wait(w, -1, (int)w->poll_ms)) {
    pt__watch_snap cur = {NULL, 0, 0};
    int rc = snap_take(w, &cur);
    if (rc == 0) {
      snap_diff(w, &w->snap, &cur);
      snap_fini(&w->snap);
      w->snap = cur;
    } else if (!is_failing) {
      pt_log(PT_LOG_WARN, "watch %s: cannot list the tree: %s", w->root,
             pt_error_last()->message);
    }
    is_failing = rc != 0;
  }
}

void pt__watch_poll_end(pt_watch *w)
{
  snap_fini(&w->snap);
}
