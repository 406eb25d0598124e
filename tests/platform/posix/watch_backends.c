/* The watcher backends of a POSIX build (watch_support.h), for
 * tests/test_watch_conformance.c: inotify and poll, which
 * PT_WATCH_BACKEND chooses between, and the kernel's inotify queue limit
 * that the overflow test exceeds. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "watch_support.h"

static void use_inotify(void)
{
  unsetenv("PT_WATCH_BACKEND");
}

static void use_poll(void)
{
  setenv("PT_WATCH_BACKEND", "poll", 1);
}

static long max_queued_events(void)
{
  long n = 0;
  FILE *fp = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
  if (fp && fscanf(fp, "%ld", &n) != 1)
    n = 0;
  if (fp)
    fclose(fp);
  return n;
}

/* Empty files made with open() alone: one event each, and no fsync, so
 * even a large queue fills in a moment. */
static int flood_inotify(const char *dir)
{
  long limit = max_queued_events();
  if (limit <= 0 || limit > 1000000)
    return 1;
  for (long i = 0; i < limit + 100; i++) {
    char name[4096];
    snprintf(name, sizeof name, "%s/f%ld", dir, i);
    int fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    close(fd);
  }
  return 0;
}

static const pt_test_watch_backend backends[] = {
    {"inotify", 1, 1, use_inotify, flood_inotify},
    {"poll", 0, 1, use_poll, NULL},
};

const pt_test_watch_backend *pt_test_watch_backends(size_t *n_out)
{
  *n_out = sizeof backends / sizeof backends[0];
  return backends;
}

void pt_test_move(const char *from, const char *to)
{
  assert_int_equal(rename(from, to), 0);
}
