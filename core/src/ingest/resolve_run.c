/* Resolution runs (resolve.h): one file on the calling thread, or many on
 * a pool of threads over the frozen tables. Each file's edges are made
 * apart and added to the graph strictly in file order, by whichever thread
 * finishes the next one, so the graph is the same for any number of
 * threads and a file's edges are freed as soon as they are added. */
#include <stddef.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/thread.h"
#include "resolve_int.h"

int pt__res_edges_push(pt__res_edges *out, const pt_edge *e, int own_to)
{
  if (out->n == out->cap) {
    size_t cap = out->cap;
    int rc = pt_array_grow((void **)&out->v, &cap, out->n + 1, sizeof *out->v);
    size_t cap2 = out->cap;
    if (rc == 0)
      rc = pt_array_grow((void **)&out->own_to, &cap2, out->n + 1, 1);
    if (rc)
      return rc;
    out->cap = cap < cap2 ? cap : cap2;
  }
  if (own_to) {
    char *s = pt_arena_strdup(&out->strings, e->to_key);
    if (!s)
      return PT_ERR(PT_ENOMEM, "out of memory");
    out->v[out->n] = *e;
    out->v[out->n].to_key = s;
  } else {
    out->v[out->n] = *e;
  }
  out->own_to[out->n++] = (unsigned char)own_to;
  return 0;
}

int pt__res_edges_reserve(pt__res_edges *out, size_t n)
{
  if (n <= out->cap)
    return 0;
  if (n > ((size_t)-1) / sizeof *out->v)
    return PT_ERR(PT_ENOMEM, "edge array size overflow");
  pt_edge *v = pt_realloc(out->v, n * sizeof *v);
  if (!v)
    return PT_ERR(PT_ENOMEM, "out of memory");
  out->v = v; /* larger than cap until own_to is too */
  unsigned char *own_to = pt_realloc(out->own_to, n);
  if (!own_to)
    return PT_ERR(PT_ENOMEM, "out of memory");
  out->own_to = own_to;
  out->cap = n;
  return 0;
}

int pt__res_edges_candidates(pt__res_edges *out, uint32_t n,
                             const char *const *keys, uint32_t n_keys,
                             const pt_candidates **c)
{
  pt_candidates *l = pt_arena_alloc(&out->strings,
                                    offsetof(pt_candidates, keys) +
                                        n_keys * sizeof *keys);
  if (!l)
    return PT_ERR(PT_ENOMEM, "out of memory");
  l->n = n;
  l->n_keys = n_keys;
  memcpy(l->keys, keys, n_keys * sizeof *keys);
  *c = l;
  return 0;
}

void pt__res_edges_fini(pt__res_edges *e)
{
  if (!e)
    return;
  pt_free(e->v);
  pt_free(e->own_to);
  pt_arena_fini(&e->strings);
  memset(e, 0, sizeof *e);
}

int pt__res_edges_to_graph(const pt__res_edges *e, pt_graph *g)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < e->n; i++)
    rc = pt_graph_add_edge_interned(g, &e->v[i], !e->own_to[i]);
  return rc;
}

/* The file index whose reads a run records (pt__resolver_record), or NONE. */
static size_t recorded_file(const pt_resolver *rs, const char *path)
{
  return rs->rfiles && path ? pt__resolve_file_of(rs, pt__resolve_path_id(rs, path))
                            : NONE;
}

/* What a file's resolution read replaces what was kept for it. */
static int keep_deps(pt_resolver *rs, size_t f, pt__deps *d)
{
  int rc = pt__deps_seal(d);
  if (rc == 0)
    pt__resolver_keep_deps(rs, 0, f, d);
  return rc;
}

int pt__resolve_file(pt_resolver *rs, pt_graph *g, const char *path, pt_lang lang,
                     const pt_raw_ref *refs, size_t n_refs)
{
  pt__res_edges out;
  pt__deps d;
  memset(&out, 0, sizeof out);
  memset(&d, 0, sizeof d);
  size_t f = recorded_file(rs, path);
  int rc = pt__resolve_serial(rs);
  if (f != NONE)
    pt__deps_record(&d);
  if (rc == 0)
    rc = pt__resolve_begin_file(rs, rs->serial, path, lang, refs, n_refs);
  if (rc == 0)
    rc = pt__resolve_refs(rs, rs->serial, path, lang, refs, n_refs, &out);
  pt__deps_record(NULL);
  if (rc == 0 && f != NONE)
    rc = keep_deps(rs, f, &d);
  if (rc == 0)
    rc = pt__res_edges_to_graph(&out, g);
  pt__res_edges_fini(&out);
  pt__deps_fini(&d);
  return rc;
}

typedef struct run {
  const pt_resolver *rs;
  pt_graph *g;               /* touched only by the merging thread; NULL:
                                the edges are dropped */
  const pt__resolve_job *jobs;
  size_t n_jobs;
  pt__res_edges **out;       /* under mu: a finished file's edges, by job */
  pt__deps *deps;            /* by job: what it read, when recorded (each
                                written by the thread resolving the job) */
  pt__deps *bdeps;           /* the same of noting its bases */
  unsigned char *done;       /* under mu */
  pt_mutex *mu;
  pt__resolve_ctx *ctx;      /* the threads' contexts (rs->run_ctx) */
  size_t next_ctx;           /* under mu: the next context to take */
  size_t next;               /* under mu: the next job to take */
  size_t merge_next;         /* under mu: the next job to add to g */
  int merging;               /* under mu: a thread is adding */
  int fatal;                 /* under mu: the first error stops the run */
  char fatal_msg[256];
} run;

static void set_fatal(run *p, int rc)
{
  if (p->fatal)
    return;
  p->fatal = rc;
  pt_snprintf(p->fatal_msg, sizeof p->fatal_msg, "%s", pt_error_last()->message);
}

/* Called with p->mu held: adds the finished prefix of the files to g,
 * unless another thread is at it. */
static void merge_ready(run *p)
{
  if (p->merging)
    return;
  p->merging = 1;
  while (!p->fatal && p->merge_next < p->n_jobs && p->done[p->merge_next]) {
    size_t j = p->merge_next++;
    pt__res_edges *e = p->out[j];
    p->out[j] = NULL;
    pt_mutex_unlock(p->mu);
    int rc = e && p->g ? pt__res_edges_to_graph(e, p->g) : 0;
    pt__res_edges_fini(e);
    pt_free(e);
    pt_mutex_lock(p->mu);
    if (rc)
      set_fatal(p, rc);
  }
  p->merging = 0;
}

static int resolve_job(run *p, pt__resolve_ctx *c, size_t i, pt__res_edges **out)
{
  const pt__resolve_job *j = &p->jobs[i];
  *out = NULL;
  if (!j->path)
    return 0;
  /* without a graph the edges are dropped: none is made */
  pt__res_edges *e = p->g ? pt_calloc(1, sizeof *e) : NULL;
  int rc = e || !p->g ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && p->bdeps) {
    pt__deps_record(&p->bdeps[i]);
    rc = pt__resolver_base_reads(p->rs, c, j->path, j->lang, j->refs, j->n_refs);
    pt__deps_record(NULL);
    if (rc == 0)
      rc = pt__deps_seal(&p->bdeps[i]);
  }
  if (p->deps)
    pt__deps_record(&p->deps[i]);
  if (rc == 0)
    rc = pt__resolve_begin_file(p->rs, c, j->path, j->lang, j->refs, j->n_refs);
  if (rc == 0)
    rc = pt__resolve_refs(p->rs, c, j->path, j->lang, j->refs, j->n_refs, e);
  pt__deps_record(NULL);
  if (rc == 0 && p->deps)
    rc = pt__deps_seal(&p->deps[i]);
  if (rc) {
    pt__res_edges_fini(e);
    pt_free(e);
    return rc;
  }
  *out = e;
  return 0;
}

static void worker(void *payload)
{
  run *p = payload;
  pt_mutex_lock(p->mu);
  pt__resolve_ctx *c = &p->ctx[p->next_ctx++];
  pt_mutex_unlock(p->mu);
  for (;;) {
    pt_mutex_lock(p->mu);
    size_t i = p->next < p->n_jobs && !p->fatal ? p->next++ : NONE;
    pt_mutex_unlock(p->mu);
    if (i == NONE)
      break;
    pt__res_edges *e = NULL;
    int rc = resolve_job(p, c, i, &e);
    pt_mutex_lock(p->mu);
    if (rc)
      set_fatal(p, rc);
    p->out[i] = e;
    p->done[i] = 1;
    merge_ready(p);
    pt_mutex_unlock(p->mu);
  }
}

/* The runs' records go to the files they were made for. */
static int keep_run_deps(pt_resolver *rs, const pt__resolve_job *jobs,
                         size_t n_jobs, pt__deps *deps, pt__deps *bdeps)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n_jobs; i++) {
    size_t f = recorded_file(rs, jobs[i].path);
    if (f == NONE)
      continue;
    pt__resolver_keep_deps(rs, 1, f, &bdeps[i]); /* sealed by the worker */
    rc = keep_deps(rs, f, &deps[i]);
  }
  return rc;
}

/* The jobs on the threads; what each read into deps and bdeps when they
 * are given (else nothing is recorded). */
static int run_jobs(pt_resolver *rs, pt_graph *g, const pt__resolve_job *jobs,
                    size_t n_jobs, unsigned n_threads, pt__deps *deps,
                    pt__deps *bdeps)
{
  pt_thread *threads[64];
  unsigned started = 0;
  run p;
  memset(&p, 0, sizeof p);
  p.rs = rs;
  p.g = g;
  p.jobs = jobs;
  p.n_jobs = n_jobs;
  p.out = pt_calloc(n_jobs + 1, sizeof *p.out);
  p.done = pt_calloc(n_jobs + 1, 1);
  p.deps = deps;
  p.bdeps = bdeps;
  int rc = p.out && p.done ? pt_mutex_new(&p.mu)
                           : PT_ERR(PT_ENOMEM, "out of memory");
  if (n_threads > 64)
    n_threads = 64;
  if (n_threads > n_jobs)
    n_threads = n_jobs ? (unsigned)n_jobs : 1;
  /* one context a thread, kept for the next run */
  if (rc == 0)
    rc = pt__resolve_run_ctx(rs, n_threads ? n_threads : 1);
  p.ctx = rs->run_ctx;
  /* the calling thread works too, so one thread means no extra thread */
  for (unsigned t = 1; rc == 0 && t < n_threads; t++) {
    if (pt_thread_start(worker, &p, &threads[started]) == 0)
      started++;
    else
      pt_error_clear(); /* fewer threads is slower, not wrong */
  }
  if (rc == 0)
    worker(&p);
  for (unsigned t = 0; t < started; t++)
    pt_thread_join(threads[t]);
  if (rc == 0 && !p.fatal) {
    pt_mutex_lock(p.mu);
    merge_ready(&p); /* nothing is left normally; cheap to be sure */
    pt_mutex_unlock(p.mu);
  }
  for (size_t i = 0; p.out && i < n_jobs; i++) {
    pt__res_edges_fini(p.out[i]);
    pt_free(p.out[i]);
  }
  pt_mutex_free(p.mu);
  pt_free(p.out);
  pt_free(p.done);
  if (rc == 0 && p.fatal)
    rc = PT_ERR(p.fatal, "%s", p.fatal_msg);
  return rc;
}

static void free_deps(pt__deps *deps, pt__deps *bdeps, size_t n)
{
  for (size_t i = 0; deps && i < n; i++)
    pt__deps_fini(&deps[i]);
  for (size_t i = 0; bdeps && i < n; i++)
    pt__deps_fini(&bdeps[i]);
  pt_free(deps);
  pt_free(bdeps);
}

int pt__resolve_files(pt_resolver *rs, pt_graph *g,
                      const pt__resolve_job *jobs, size_t n_jobs,
                      unsigned n_threads)
{
  pt__deps *deps = rs->rfiles ? pt_calloc(n_jobs + 1, sizeof *deps) : NULL;
  pt__deps *bdeps = rs->rfiles ? pt_calloc(n_jobs + 1, sizeof *bdeps) : NULL;
  int rc = (deps && bdeps) || !rs->rfiles
               ? run_jobs(rs, g, jobs, n_jobs, n_threads, deps, bdeps)
               : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && deps)
    rc = keep_run_deps(rs, jobs, n_jobs, deps, bdeps);
  /* after a whole run: a patch keeps the index (an index that could not
   * be made leaves the readers to a scan) */
  if (rc == 0 && deps)
    (void)pt__readers_make(rs);
  free_deps(deps, bdeps, n_jobs);
  return rc;
}

int pt__resolve_files_reading(pt_resolver *rs, pt_graph *g,
                              const pt__resolve_job *jobs, size_t n_jobs,
                              unsigned n_threads, pt__deps *deps,
                              pt__deps *bdeps)
{
  if (rs->rfiles)
    return PT_ERR(PT_EINVAL, "a recording resolver keeps its files' reads");
  return run_jobs(rs, g, jobs, n_jobs, n_threads, deps, bdeps);
}
