/* pt/sys/watch.h on POSIX: the public calls, the choice of backend, the
 * watcher thread, and what both backends share (reporting an event, the
 * skip rules, waiting on the stop pipe). The backends: inotify in
 * watch_inotify.c, polling in watch_poll.c; the thread runs inotify and
 * turns to polling for good when inotify runs out of watches. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/walk.h"
#include "watch_int.h"

#define DEFAULT_POLL_MS 500

void pt__watch_batch(pt_watch *w)
{
  pt_watch_repeat_reset(&w->repeat);
}

void pt__watch_emit(pt_watch *w, pt_watch_kind kind, const char *rel,
                    int is_dir)
{
  if (pt_watch_repeat_check(&w->repeat, kind, rel, is_dir))
    return;
  pt_watch_event ev = {kind, rel, is_dir, 0};
  w->cb(&ev, w->payload);
}

void pt__watch_emit_final(pt_watch *w, pt_watch_kind kind, const char *rel)
{
  pt_watch_repeat_check(&w->repeat, kind, rel, 0);
  pt_watch_event ev = {kind, rel, 0, 1};
  w->cb(&ev, w->payload);
}

pt__watch_rule pt__watch_rule_of(const pt_watch *w, const char *rel,
                                 const char *name, int is_dir)
{
  for (size_t i = 0; i < w->n_skip; i++)
    if (strcmp(w->skip[i], rel) == 0)
      return PT__WATCH_SKIPPED;
  return pt_walk_is_default_excluded(name, is_dir) ? PT__WATCH_EXCLUDED
                                                   : PT__WATCH_KEPT;
}

int pt__watch_full_path(const pt_watch *w, const char *rel, pt_buf *out)
{
  pt_buf_clear(out);
  return *rel ? pt_buf_printf(out, "%s/%s", w->root, rel)
              : pt_buf_puts(out, w->root);
}

int pt__watch_wait(pt_watch *w, int fd, int timeout_ms)
{
  struct pollfd fds[2] = {{w->wake[0], POLLIN, 0}, {fd, POLLIN, 0}};
  int n = poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  if (n < 0 && errno != EINTR) {
    /* cannot happen with valid descriptors; stopping beats spinning */
    pt_log(PT_LOG_ERROR, "watch %s: poll failed: %s", w->root,
           strerror(errno));
    n = 1;
    fds[0].revents = POLLIN;
  }
  return n > 0 && fds[0].revents != 0;
}

/* Changes made between the last event and the first listing are lost, so
 * the switch asks the consumer for a rescan. */
static void switch_to_poll(pt_watch *w)
{
  pt_log(PT_LOG_WARN, "watch %s: inotify watch limit reached "
         "(fs.inotify.max_user_watches); polling every %u ms instead",
         w->root, w->poll_ms);
  pt__watch_inotify_end(w);
  if (pt__watch_poll_begin(w) != 0) {
    pt_log(PT_LOG_ERROR, "watch %s: cannot poll: %s", w->root,
           pt_error_last()->message);
    pt_error_clear();
  }
  pt__watch_batch(w);
  pt__watch_emit(w, PT_WATCH_RESCAN, "", 1);
}

static void run(void *payload)
{
  pt_watch *w = payload;
  int is_stopped = 0;
  if (w->ifd >= 0 && !(is_stopped = pt__watch_inotify_run(w)))
    switch_to_poll(w);
  if (!is_stopped)
    pt__watch_poll_run(w);
}

static void watch_free(pt_watch *w)
{
  if (!w)
    return;
  pt__watch_inotify_end(w);
  pt__watch_poll_end(w);
  pt_strv_free(w->skip, w->n_skip);
  for (int i = 0; i < 2; i++)
    if (w->wake[i] >= 0)
      close(w->wake[i]);
  pt_watch_repeat_fini(&w->repeat);
  pt_free(w->root);
  pt_free(w);
}

static int open_wake_pipe(pt_watch *w)
{
  int rc = 0;
  if (pipe(w->wake) != 0)
    rc = pt__error_from_errno(errno, "cannot create a pipe to watch", w->root);
  for (int i = 0; rc == 0 && i < 2; i++)
    fcntl(w->wake[i], F_SETFD, FD_CLOEXEC);
  return rc;
}

static int watch_new(const pt_watch_opts *opts, pt_watch_cb cb, void *payload,
                     pt_watch **out)
{
  pt_fs_stat st;
  pt_watch *w = pt_calloc(1, sizeof *w);
  int rc = w ? 0 : PT_ERR(PT_ENOMEM, "out of memory starting a watcher");
  if (rc == 0) {
    w->ifd = w->wake[0] = w->wake[1] = -1;
    w->cb = cb;
    w->payload = payload;
    w->poll_ms = opts->poll_ms ? opts->poll_ms : DEFAULT_POLL_MS;
    atomic_init(&w->is_polling, 0);
    rc = pt_fs_realpath(opts->root, &w->root);
  }
  if (rc == 0 && (rc = pt_fs_stat_path(w->root, &st)) == 0 &&
      st.type != PT_FS_DIR)
    rc = PT_ERR(PT_EINVAL, "cannot watch %s: not a folder", opts->root);
  if (rc == 0)
    rc = pt_strv_copy(opts->skip, opts->n_skip, &w->skip, &w->n_skip);
  if (rc == 0)
    rc = open_wake_pipe(w);
  if (rc == 0)
    *out = w;
  else
    watch_free(w);
  return rc;
}

/* inotify unless told to poll; when inotify cannot cover the root, polling
 * covers all of it rather than missing changes. */
static int choose_backend(pt_watch *w)
{
  const char *env = getenv("PT_WATCH_BACKEND");
  int rc = PT_ENOTSUPPORTED;
  if (!env || strcmp(env, "poll") != 0)
    rc = pt__watch_inotify_begin(w);
  if (rc != 0 && rc != PT_ENOMEM && (!env || strcmp(env, "poll") != 0))
    pt_log(PT_LOG_WARN, "watch %s: %s; polling every %u ms instead", w->root,
           pt_error_last()->message, w->poll_ms);
  if (rc != 0 && rc != PT_ENOMEM) {
    pt_error_clear();
    rc = pt__watch_poll_begin(w);
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
    rc = choose_backend(w);
  if (rc == 0)
    rc = pt_thread_start(run, w, &w->thread);
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
  /* the pipe is never full: one byte per watcher, written once */
  while (write(w->wake[1], "", 1) < 0 && errno == EINTR)
    ;
  pt_thread_join(w->thread);
  watch_free(w);
}

const char *pt_watch_backend(const pt_watch *w)
{
  return atomic_load(&w->is_polling) ? "poll" : "inotify";
}
