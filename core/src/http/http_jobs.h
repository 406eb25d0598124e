/* The HTTP server's worker pool (http_jobs.c): requests that walk the graph
 * run here, off libmicrohttpd's threads, so an answer that costs O(1) (the
 * health check) never waits behind one that does not. A fixed number of
 * workers take jobs in arrival order from a bounded queue; past its bound
 * a job is refused at once (the server answers 503), never queued. */
#ifndef PT_HTTP_JOBS_H
#define PT_HTTP_JOBS_H

typedef struct pt_jobs pt_jobs;

/* A job lives in its caller's storage (no allocation to queue one). run is
 * called once on a worker; the job may be freed by others as soon as run
 * starts its last step, so the pool never touches it after calling run. */
typedef struct pt_job {
  struct pt_job *next;      /* the pool's; borrowed */
  void (*run)(struct pt_job *job);
} pt_job;

/* n_workers threads started, at most max_queued jobs waiting (not counting
 * those running). PT_ENOMEM, or the thread layer's error. */
int pt__jobs_new(unsigned n_workers, unsigned max_queued, pt_jobs **out);
/* Refuses new places, runs every job queued or reserved to its end, and
 * stops the workers; the pool stays valid (pt__jobs_reserve answers
 * PT_EBUSY). Idempotent; accepts NULL. */
void pt__jobs_stop(pt_jobs *p);
/* Stops the pool if it still runs, and frees it. Accepts NULL. */
void pt__jobs_free(pt_jobs *p);

/* Takes a place for a job about to be submitted: PT_EBUSY (with the error
 * set) when max_queued jobs wait already, besides those the workers now
 * waiting for a job will take, or the pool stops. A place taken must be
 * used by pt__jobs_submit. */
int pt__jobs_reserve(pt_jobs *p);
/* Queues job in the place reserved; a worker runs it. Cannot fail. */
void pt__jobs_submit(pt_jobs *p, pt_job *job);

/* The bound the pool was made with. */
unsigned pt__jobs_max_queued(const pt_jobs *p);
/* The workers waiting for a job now. Thread-safe. */
unsigned pt__jobs_idle(pt_jobs *p);

#endif
