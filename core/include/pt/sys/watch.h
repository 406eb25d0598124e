/* A recursive file watcher for the live index: a background thread reports
 * what changed below a root, as root-relative paths with '/' separators, so
 * the consumer can reindex or drop exactly those files. Backends: "inotify"
 * (Linux) and "poll" (re-lists the tree; used where inotify is missing or
 * its watch limit is exhausted). See docs/watcher.md. */
#ifndef PT_SYS_WATCH_H
#define PT_SYS_WATCH_H

#include <stddef.h>

typedef enum pt_watch_kind {
  PT_WATCH_CHANGED, /* path was created, written, or moved in */
  PT_WATCH_REMOVED, /* path was deleted or moved away */
  PT_WATCH_RESCAN   /* events were lost: rescan the whole root */
} pt_watch_kind;

/* With is_dir set, CHANGED means a folder appeared (created or moved in):
 * the files already inside it are reported too, but a consumer may simply
 * rescan that subtree. REMOVED with is_dir means everything under path is
 * gone; the files inside are not necessarily reported one by one. The same
 * change may be reported more than once (one save is often a create, some
 * writes and a close): consumers debounce and must be idempotent. */
typedef struct pt_watch_event {
  pt_watch_kind kind;
  const char *path; /* borrowed until the callback returns; root-relative,
                       '/' separators, never absolute; "" for RESCAN */
  int is_dir;
  int is_final;     /* a file's writer is done with it: closed after
                       writing, moved in or away, or deleted (a consumer
                       may take it sooner); 0 where the OS cannot tell */
} pt_watch_event;

/* Called on the watcher's thread, one event at a time. It must not call
 * pt_watch_stop on its own watcher (that would join its own thread). */
typedef void (*pt_watch_cb)(const pt_watch_event *ev, void *payload);

typedef struct pt_watch pt_watch;

typedef struct pt_watch_opts {
  const char *root;         /* borrowed; absolute or relative */
  const char *const *skip;  /* borrowed, copied by pt_watch_start:
                               root-relative '/' paths never watched nor
                               reported (the database folder); may be NULL */
  size_t n_skip;
  unsigned poll_ms;         /* poll backend interval; 0 means 500 */
} pt_watch_opts;

/* Watches opts->root and everything below it, except the default excludes
 * of pt_walk_is_default_excluded (node_modules, .git, build, workspaces...)
 * and opts->skip, and calls cb(ev, payload) from a background thread for
 * each change. A default-excluded entry's own creation, removal and rename
 * are reported (the walk lists it as ignored), never anything below it nor
 * a file's writes; a skip path is never reported at all (the walk does not
 * list it). Folders created later are watched as soon as they appear.
 * Every change made after this returns is reported. The environment
 * variable PT_WATCH_BACKEND=poll forces the polling backend; when inotify
 * is unavailable or its watch limit is reached (now or later), the whole
 * root falls back to polling and a WARN is logged.
 * On success *out is owned by the caller, released with pt_watch_stop.
 * Errors: PT_EINVAL (bad arguments, root not a folder), PT_ENOTFOUND (no
 * root), PT_ENOMEM, PT_EIO/PT_ERROR (the OS refused). */
int pt_watch_start(const pt_watch_opts *opts, pt_watch_cb cb, void *payload,
                   pt_watch **out);

/* Stops the thread promptly, even while it waits for events, waits for it
 * (no callback runs after this returns) and frees w. Accepts NULL. Call it
 * from any thread except the watcher's own (not from the callback). */
void pt_watch_stop(pt_watch *w);

/* "inotify" or "poll": the backend in use right now. It can turn from
 * "inotify" to "poll" once, when the watch limit is reached. Static
 * string. */
const char *pt_watch_backend(const pt_watch *w);

#endif
