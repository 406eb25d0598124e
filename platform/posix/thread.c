/* pt/sys/thread.h on POSIX: pthreads. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

struct pt_thread {
  pthread_t id;
  pt_thread_fn fn;
  void *payload;
};

struct pt_mutex {
  pthread_mutex_t mu;
};

struct pt_cond {
  pthread_cond_t cv;
};

static void *trampoline(void *arg)
{
  pt_thread *t = arg;
  t->fn(t->payload);
  return NULL;
}

int pt_thread_start(pt_thread_fn fn, void *payload, pt_thread **out)
{
  pt_thread *t = pt_malloc(sizeof *t);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory starting a thread");
  t->fn = fn;
  t->payload = payload;
  int err = pthread_create(&t->id, NULL, trampoline, t);
  if (err) {
    pt_free(t);
    return PT_ERR(PT_ERROR, "cannot start a thread (error %d)", err);
  }
  *out = t;
  return 0;
}

void pt_thread_join(pt_thread *t)
{
  if (!t)
    return;
  pthread_join(t->id, NULL);
  pt_free(t);
}

int pt_mutex_new(pt_mutex **out)
{
  pt_mutex *m = pt_malloc(sizeof *m);
  if (!m)
    return PT_ERR(PT_ENOMEM, "out of memory");
  pthread_mutex_init(&m->mu, NULL);
  *out = m;
  return 0;
}

void pt_mutex_free(pt_mutex *m)
{
  if (!m)
    return;
  pthread_mutex_destroy(&m->mu);
  pt_free(m);
}

void pt_mutex_lock(pt_mutex *m) { pthread_mutex_lock(&m->mu); }
void pt_mutex_unlock(pt_mutex *m) { pthread_mutex_unlock(&m->mu); }

/* Timed waits count on pt_clock_ns's clock, CLOCK_MONOTONIC, so a step of
 * the wall clock neither lengthens nor cuts them. macOS has no clock
 * attribute: it waits a relative time instead (pt_cond_wait_until). */
static int init_cond(pthread_cond_t *cv)
{
#if defined(__APPLE__)
  return pthread_cond_init(cv, NULL);
#else
  pthread_condattr_t a;
  int err = pthread_condattr_init(&a);
  if (err == 0) {
    err = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (err == 0)
      err = pthread_cond_init(cv, &a);
    pthread_condattr_destroy(&a);
  }
  return err;
#endif
}

int pt_cond_new(pt_cond **out)
{
  pt_cond *c = pt_malloc(sizeof *c);
  if (!c)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int err = init_cond(&c->cv);
  if (err) {
    pt_free(c);
    return PT_ERR(PT_ERROR, "cannot make a condition variable (error %d)", err);
  }
  *out = c;
  return 0;
}

void pt_cond_free(pt_cond *c)
{
  if (!c)
    return;
  pthread_cond_destroy(&c->cv);
  pt_free(c);
}

void pt_cond_wait(pt_cond *c, pt_mutex *m) { pthread_cond_wait(&c->cv, &m->mu); }

void pt_cond_wait_until(pt_cond *c, pt_mutex *m, uint64_t deadline_ns)
{
  if (deadline_ns == UINT64_MAX) {
    pthread_cond_wait(&c->cv, &m->mu);
    return;
  }
#if defined(__APPLE__)
  uint64_t now = pt_clock_ns(), left = deadline_ns > now ? deadline_ns - now : 0;
  struct timespec ts = {(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
  pthread_cond_timedwait_relative_np(&c->cv, &m->mu, &ts);
#else
  struct timespec ts = {(time_t)(deadline_ns / 1000000000u),
                        (long)(deadline_ns % 1000000000u)};
  pthread_cond_timedwait(&c->cv, &m->mu, &ts);
#endif
}
void pt_cond_signal(pt_cond *c) { pthread_cond_signal(&c->cv); }
void pt_cond_broadcast(pt_cond *c) { pthread_cond_broadcast(&c->cv); }
