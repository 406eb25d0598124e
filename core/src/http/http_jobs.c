/* The HTTP server's worker pool (http_jobs.h): a fixed set of threads
 * taking jobs in arrival order from an intrusive queue whose length is
 * bounded by places reserved before each job is submitted; a place a
 * waiting worker will take at once is not a queued one. */
#include "http_jobs.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/thread.h"

#define PT_JOBS_MAX_WORKERS 64u

struct pt_jobs {
  pt_mutex *mu;             /* guards everything below */
  pt_cond *ready;           /* a job was queued, or the pool stops */
  pt_job *head, *tail;      /* borrowed: the queue, oldest first */
  unsigned n_reserved;      /* places taken: queued, or about to be */
  unsigned n_idle;          /* workers waiting for a job */
  unsigned max_queued;
  int is_stopping;
  unsigned n_workers;
  pt_thread *workers[PT_JOBS_MAX_WORKERS];
};

/* Takes the oldest job, or NULL once the pool stops with nothing queued
 * nor reserved (a place reserved before the stop is still submitted, and
 * run). Under mu. */
static pt_job *take(pt_jobs *p)
{
  while (!p->head && !(p->is_stopping && p->n_reserved == 0)) {
    p->n_idle++;
    pt_cond_wait(p->ready, p->mu);
    p->n_idle--;
  }
  pt_job *job = p->head;
  if (job) {
    p->head = job->next;
    if (!p->head)
      p->tail = NULL;
    p->n_reserved--;
  }
  if (p->is_stopping && p->n_reserved == 0)
    pt_cond_broadcast(p->ready); /* the other workers may end too */
  return job;
}

static void work(void *payload)
{
  pt_jobs *p = payload;
  pt_mutex_lock(p->mu);
  for (pt_job *job; (job = take(p)) != NULL;) {
    pt_mutex_unlock(p->mu);
    job->run(job); /* job may be gone once this returns */
    pt_error_clear();
    pt_mutex_lock(p->mu);
  }
  pt_mutex_unlock(p->mu);
}

int pt__jobs_new(unsigned n_workers, unsigned max_queued, pt_jobs **out)
{
  pt_jobs *p = pt_calloc(1, sizeof *p);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory");
  p->max_queued = max_queued;
  int rc = pt_mutex_new(&p->mu);
  if (rc == 0)
    rc = pt_cond_new(&p->ready);
  if (n_workers > PT_JOBS_MAX_WORKERS)
    n_workers = PT_JOBS_MAX_WORKERS;
  for (unsigned i = 0; rc == 0 && i < n_workers; i++) {
    rc = pt_thread_start(work, p, &p->workers[i]);
    p->n_workers += rc == 0;
  }
  if (rc) {
    pt__jobs_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

void pt__jobs_stop(pt_jobs *p)
{
  if (!p || !p->mu || !p->ready)
    return; /* (made in part: no worker started) */
  pt_mutex_lock(p->mu);
  p->is_stopping = 1;
  pt_cond_broadcast(p->ready);
  pt_mutex_unlock(p->mu);
  for (unsigned i = 0; i < p->n_workers; i++)
    pt_thread_join(p->workers[i]);
  p->n_workers = 0;
}

void pt__jobs_free(pt_jobs *p)
{
  if (!p)
    return;
  pt__jobs_stop(p);
  pt_cond_free(p->ready);
  pt_mutex_free(p->mu);
  pt_free(p);
}

int pt__jobs_reserve(pt_jobs *p)
{
  pt_mutex_lock(p->mu);
  int is_stopping = p->is_stopping;
  /* the places the waiting workers take first are not queued ones: a
   * burst on an idle pool is not refused before its workers wake */
  unsigned n_queued = p->n_reserved > p->n_idle ? p->n_reserved - p->n_idle : 0;
  int is_full = n_queued >= p->max_queued;
  p->n_reserved += !is_full && !is_stopping;
  pt_mutex_unlock(p->mu);
  if (is_stopping)
    return PT_ERR(PT_EBUSY, "the server is stopping");
  if (is_full)
    return PT_ERR(PT_EBUSY, "%u requests already wait for a worker",
                  p->max_queued);
  return 0;
}

void pt__jobs_submit(pt_jobs *p, pt_job *job)
{
  job->next = NULL;
  pt_mutex_lock(p->mu);
  if (p->tail)
    p->tail->next = job;
  else
    p->head = job;
  p->tail = job;
  pt_cond_signal(p->ready);
  pt_mutex_unlock(p->mu);
}

unsigned pt__jobs_max_queued(const pt_jobs *p) { return p->max_queued; }

unsigned pt__jobs_idle(pt_jobs *p)
{
  pt_mutex_lock(p->mu);
  unsigned n = p->n_idle;
  pt_mutex_unlock(p->mu);
  return n;
}
