/* Threads and mutexes, just what the parse pool and the server need. */
#ifndef PT_SYS_THREAD_H
#define PT_SYS_THREAD_H

typedef struct pt_thread pt_thread;
typedef struct pt_mutex pt_mutex;

typedef void (*pt_thread_fn)(void *payload);

int pt_thread_start(pt_thread_fn fn, void *payload, pt_thread **out);
/* Waits for the thread and frees it. */
void pt_thread_join(pt_thread *t);
int pt_mutex_new(pt_mutex **out);
void pt_mutex_free(pt_mutex *m);
void pt_mutex_lock(pt_mutex *m);
void pt_mutex_unlock(pt_mutex *m);

#endif
