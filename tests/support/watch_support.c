/* The watcher suites' fixture (watch_support.h): one watcher per test on a
 * fresh temporary folder, every event it reports copied under a mutex, and
 * bounded waits for the events a test expects. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "watch_support.h"

#define WAIT_STEP_MS 10
#define WAIT_MAX_MS 5000

int pt_test_watch_open(void **state)
{
  const pt_test_watch_backend *be = *state;
  pt_test_watch *f = pt_calloc(1, sizeof *f);
  assert_non_null(f);
  if (be->select)
    be->select();
  f->be = be;
  f->dir = pt_test_tmpdir("watch");
  assert_int_equal(pt_mutex_new(&f->mu), 0);
  atomic_init(&f->is_held, 0);
  atomic_init(&f->is_waiting, 0);
  *state = f;
  return 0;
}

int pt_test_watch_close(void **state)
{
  pt_test_watch *f = *state;
  pt_watch_stop(f->w);
  for (size_t i = 0; i < f->n; i++)
    pt_free(f->v[i].path);
  pt_free(f->v);
  pt_mutex_free(f->mu);
  pt_fs_remove_tree(f->dir);
  pt_free(f->dir);
  pt_free(f);
  return 0;
}

void pt_test_watch_on_event(const pt_watch_event *ev, void *payload)
{
  pt_test_watch *f = payload;
  while (atomic_load(&f->is_held)) {
    atomic_store(&f->is_waiting, 1);
    pt_sleep_ms(1);
  }
  pt_mutex_lock(f->mu);
  assert_int_equal(
      pt_array_grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v), 0);
  f->v[f->n].kind = ev->kind;
  f->v[f->n].is_dir = ev->is_dir;
  f->v[f->n].is_final = ev->is_final;
  f->v[f->n].path = pt_strdup(ev->path);
  assert_non_null(f->v[f->n].path);
  f->n++;
  pt_mutex_unlock(f->mu);
}

void pt_test_watch_start(pt_test_watch *f, const char *const *skip,
                         size_t n_skip, unsigned poll_ms)
{
  pt_watch_opts o = {f->dir, skip, n_skip, poll_ms};
  assert_int_equal(pt_watch_start(&o, pt_test_watch_on_event, f, &f->w), 0);
  assert_string_equal(pt_watch_backend(f->w), f->be->name);
}

int pt_test_watch_count(pt_test_watch *f, pt_watch_kind kind, const char *path,
                        int is_dir)
{
  int n = 0;
  pt_mutex_lock(f->mu);
  for (size_t i = 0; i < f->n; i++)
    n += f->v[i].kind == kind && f->v[i].is_dir == is_dir &&
         strcmp(f->v[i].path, path) == 0;
  pt_mutex_unlock(f->mu);
  return n;
}

int pt_test_watch_count_final(pt_test_watch *f, pt_watch_kind kind,
                              const char *path)
{
  int n = 0;
  pt_mutex_lock(f->mu);
  for (size_t i = 0; i < f->n; i++)
    n += f->v[i].kind == kind && !f->v[i].is_dir && f->v[i].is_final &&
         strcmp(f->v[i].path, path) == 0;
  pt_mutex_unlock(f->mu);
  return n;
}

int pt_test_watch_count_prefix(pt_test_watch *f, const char *prefix)
{
  int n = 0;
  pt_mutex_lock(f->mu);
  for (size_t i = 0; i < f->n; i++)
    n += strncmp(f->v[i].path, prefix, strlen(prefix)) == 0;
  pt_mutex_unlock(f->mu);
  return n;
}

static const char *kind_name(pt_watch_kind kind)
{
  return kind == PT_WATCH_CHANGED   ? "CHANGED"
         : kind == PT_WATCH_REMOVED ? "REMOVED"
                                    : "RESCAN";
}

void pt_test_watch_expect(pt_test_watch *f, pt_watch_kind kind,
                          const char *path, int is_dir)
{
  int waited = 0;
  while (!pt_test_watch_count(f, kind, path, is_dir) && waited < WAIT_MAX_MS) {
    pt_sleep_ms(WAIT_STEP_MS);
    waited += WAIT_STEP_MS;
  }
  if (!pt_test_watch_count(f, kind, path, is_dir)) {
    pt_mutex_lock(f->mu);
    for (size_t i = 0; i < f->n; i++)
      print_message("  got %s '%s' is_dir %d\n", kind_name(f->v[i].kind),
                    f->v[i].path, f->v[i].is_dir);
    pt_mutex_unlock(f->mu);
    fail_msg("no %s event for '%s' (is_dir %d) on %s", kind_name(kind), path,
             is_dir, f->be->name);
  }
}

void pt_test_watch_sync(pt_test_watch *f, const char *name)
{
  pt_test_write(f->dir, name, "marker");
  pt_test_watch_expect(f, PT_WATCH_CHANGED, name, 0);
}

char *pt_test_watch_path(pt_test_watch *f, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", f->dir, rel), 0);
  return pt_buf_detach(&b);
}
