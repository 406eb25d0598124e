/* pt/sys/thread.h on Windows: _beginthreadex threads (so the CRT sets up
 * its per-thread state), slim reader/writer locks as mutexes and the
 * condition variables that sleep on them. */
#include <process.h>

#include "error_win32.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"

struct pt_thread {
  HANDLE handle;
  pt_thread_fn fn;
  void *payload;
};

struct pt_mutex {
  SRWLOCK lock;
};

struct pt_cond {
  CONDITION_VARIABLE cv;
};

static unsigned __stdcall trampoline(void *arg)
{
  pt_thread *t = arg;
  t->fn(t->payload);
  return 0;
}

int pt_thread_start(pt_thread_fn fn, void *payload, pt_thread **out)
{
  pt_thread *t = pt_malloc(sizeof *t);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory starting a thread");
  t->fn = fn;
  t->payload = payload;
  uintptr_t h = _beginthreadex(NULL, 0, trampoline, t, 0, NULL);
  if (h == 0) {
    DWORD err = GetLastError();
    pt_free(t);
    return pt__error_from_win32(err, "cannot start", "a thread");
  }
  t->handle = (HANDLE)h;
  *out = t;
  return 0;
}

void pt_thread_join(pt_thread *t)
{
  if (!t)
    return;
  WaitForSingleObject(t->handle, INFINITE);
  CloseHandle(t->handle);
  pt_free(t);
}

int pt_mutex_new(pt_mutex **out)
{
  pt_mutex *m = pt_malloc(sizeof *m);
  if (!m)
    return PT_ERR(PT_ENOMEM, "out of memory");
  InitializeSRWLock(&m->lock);
  *out = m;
  return 0;
}

void pt_mutex_free(pt_mutex *m)
{
  pt_free(m); /* an SRW lock needs no destruction */
}

void pt_mutex_lock(pt_mutex *m) { AcquireSRWLockExclusive(&m->lock); }
void pt_mutex_unlock(pt_mutex *m) { ReleaseSRWLockExclusive(&m->lock); }

int pt_cond_new(pt_cond **out)
{
  pt_cond *c = pt_malloc(sizeof *c);
  if (!c)
    return PT_ERR(PT_ENOMEM, "out of memory");
  InitializeConditionVariable(&c->cv);
  *out = c;
  return 0;
}

void pt_cond_free(pt_cond *c)
{
  pt_free(c); /* a condition variable needs no destruction */
}

void pt_cond_wait(pt_cond *c, pt_mutex *m)
{
  SleepConditionVariableSRW(&c->cv, &m->lock, INFINITE, 0);
}

/* SleepConditionVariableSRW takes a relative time in ms: rounded up, so a
 * wait never ends before its deadline and comes back at once. */
void pt_cond_wait_until(pt_cond *c, pt_mutex *m, uint64_t deadline_ns)
{
  DWORD ms = INFINITE;
  if (deadline_ns != UINT64_MAX) {
    uint64_t now = pt_clock_ns();
    uint64_t left = deadline_ns > now ? (deadline_ns - now + 999999) / 1000000 : 0;
    ms = left < INFINITE ? (DWORD)left : INFINITE - 1; /* then it waits on */
  }
  SleepConditionVariableSRW(&c->cv, &m->lock, ms, 0);
}

void pt_cond_signal(pt_cond *c) { WakeConditionVariable(&c->cv); }
void pt_cond_broadcast(pt_cond *c) { WakeAllConditionVariable(&c->cv); }
