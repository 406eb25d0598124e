/* What every watcher backend (pt/sys/watch.h) does the same way: one save
 * is often a create, some writes and a close, so an event that repeats the
 * one just reported, within one read of the OS's events, is dropped. */
#ifndef PT_WATCH_REPEAT_H
#define PT_WATCH_REPEAT_H

#include "pt/buf.h"
#include "pt/sys/watch.h"

typedef struct pt_watch_repeat {
  pt_buf last;           /* the path of the event reported last */
  pt_watch_kind kind;
  int is_dir;
  int has;               /* last, kind and is_dir hold one */
} pt_watch_repeat;

#define PT_WATCH_REPEAT_INIT {PT_BUF_INIT, PT_WATCH_CHANGED, 0, 0}

/* Nonzero when the event repeats the one recorded last (drop it); else it
 * is recorded and 0 returned. Out of memory only costs the next check. */
int pt_watch_repeat_check(pt_watch_repeat *r, pt_watch_kind kind, const char *rel,
                          int is_dir);
/* A new read of events: nothing repeats across reads. */
void pt_watch_repeat_reset(pt_watch_repeat *r);
void pt_watch_repeat_fini(pt_watch_repeat *r);

#endif
