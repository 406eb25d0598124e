/* Threads and mutexes, just what the parse pool and the server need. */
#ifndef PT_SYS_THREAD_H
#define PT_SYS_THREAD_H

#include <stdint.h>

typedef struct pt_thread pt_thread;
typedef struct pt_mutex pt_mutex;
typedef struct pt_cond pt_cond;

typedef void (*pt_thread_fn)(void *payload);

int pt_thread_start(pt_thread_fn fn, void *payload, pt_thread **out);
/* Waits for the thread and frees it. */
void pt_thread_join(pt_thread *t);
int pt_mutex_new(pt_mutex **out);
/* Accepts NULL. */
void pt_mutex_free(pt_mutex *m);
void pt_mutex_lock(pt_mutex *m);
void pt_mutex_unlock(pt_mutex *m);

/* A condition variable: a thread waits on it, with a mutex it holds, until
 * another signals. Waits may end without a signal: check the condition in
 * a loop. pt_cond_free accepts NULL. */
int pt_cond_new(pt_cond **out);
void pt_cond_free(pt_cond *c);
/* Releases m, sleeps until woken, takes m again. */
void pt_cond_wait(pt_cond *c, pt_mutex *m);
/* The same, waking by itself once pt_clock_ns() (pt/sys/proc.h) reaches
 * deadline_ns; UINT64_MAX waits as pt_cond_wait does. */
void pt_cond_wait_until(pt_cond *c, pt_mutex *m, uint64_t deadline_ns);
/* Wakes one waiter / every waiter. */
void pt_cond_signal(pt_cond *c);
void pt_cond_broadcast(pt_cond *c);

#endif
