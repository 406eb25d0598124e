/* Private to platform/posix: the watcher object shared by the public calls
 * (watch.c), the inotify backend (watch_inotify.c) and the polling backend
 * (watch_poll.c), and what each of them offers the others. */
#ifndef PT_WATCH_INT_H
#define PT_WATCH_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "pt/buf.h"
#include "pt/sys/thread.h"
#include "pt/sys/watch.h"
#include "watch_repeat.h"

/* No source tree nests this deep (same bound as the walk); it keeps the
 * recursion of a scan, and so the thread's stack, small. */
#define PT__WATCH_MAX_DEPTH 256

typedef struct pt__watch_dir {
  int wd;                /* inotify watch descriptor */
  char *rel;             /* owned: root-relative folder path, "" = root */
} pt__watch_dir;

typedef struct pt__watch_item {
  char *rel;             /* owned: root-relative path */
  int is_dir;
  uint64_t size;
  int64_t mtime_ns;
} pt__watch_item;

typedef struct pt__watch_snap {
  pt__watch_item *v;     /* owned, sorted by rel (strcmp) */
  size_t n;
  size_t cap;
} pt__watch_snap;

struct pt_watch {
  char *root;            /* owned: absolute, links resolved */
  char **skip;           /* owned: root-relative paths never watched */
  size_t n_skip;
  unsigned poll_ms;
  pt_watch_cb cb;        /* borrowed */
  void *payload;         /* borrowed */
  int wake[2];           /* self-pipe: pt_watch_stop writes, thread polls */
  atomic_int is_polling; /* read by pt_watch_backend from other threads */
  pt_thread *thread;     /* owned */
  /* inotify backend */
  int ifd;               /* -1 when not in use */
  int is_exhausted;      /* a watch could not be added: out of watches */
  pt__watch_dir *dirs;   /* owned, sorted by wd */
  size_t n_dirs;
  size_t cap_dirs;
  char *evbuf;           /* owned: read buffer for inotify events */
  pt_watch_repeat repeat; /* identical events within one batch, once */
  /* polling backend */
  pt__watch_snap snap;
};

/* Reports one event, unless it repeats the previous one of this batch. */
void pt__watch_emit(pt_watch *w, pt_watch_kind kind, const char *rel,
                    int is_dir);
/* The same for a file's last event of a write (pt_watch_event.is_final):
 * reported even after a repeat (a save's modify and close), so the
 * consumer learns the writer is done. */
void pt__watch_emit_final(pt_watch *w, pt_watch_kind kind, const char *rel);
/* Starts a new batch: the next event is reported even if it repeats. */
void pt__watch_batch(pt_watch *w);
/* What the watcher does with an entry. */
typedef enum pt__watch_rule {
  PT__WATCH_KEPT,     /* watched (a folder) and reported */
  PT__WATCH_EXCLUDED, /* a default exclude: the walk lists it as ignored,
                         so its own coming and going is reported, but a
                         folder is never watched and nothing inside it, nor
                         a file's writes, is reported */
  PT__WATCH_SKIPPED   /* a skip path (the database or workspace in use):
                         the walk does not even list it; nothing reported */
} pt__watch_rule;

/* The rule for the entry `name` at root-relative `rel`, checked in the
 * walk's order: skip paths first, then the default excludes. */
pt__watch_rule pt__watch_rule_of(const pt_watch *w, const char *rel,
                                 const char *name, int is_dir);
/* "root/rel" (or the root itself for "") into out. */
int pt__watch_full_path(const pt_watch *w, const char *rel, pt_buf *out);
/* Waits up to timeout_ms (-1: forever) for fd (-1: none) to be readable.
 * 1 when the watcher must stop, 0 otherwise. */
int pt__watch_wait(pt_watch *w, int fd, int timeout_ms);

/* watch_inotify.c: watches every folder below the root (PT_EBUSY when out
 * of watches, PT_ENOTSUPPORTED without inotify); the thread then runs
 * pt__watch_inotify_run, which returns 1 when asked to stop and 0 when out
 * of watches (the caller turns to polling). _end accepts a watcher that
 * never began. */
int pt__watch_inotify_begin(pt_watch *w);
int pt__watch_inotify_run(pt_watch *w);
void pt__watch_inotify_end(pt_watch *w);

/* watch_poll.c: takes the first snapshot; the thread then runs
 * pt__watch_poll_run until asked to stop. */
int pt__watch_poll_begin(pt_watch *w);
void pt__watch_poll_run(pt_watch *w);
void pt__watch_poll_end(pt_watch *w);

#endif
