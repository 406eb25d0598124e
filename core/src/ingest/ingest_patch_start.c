/* A stored index's first live pass (pt_ingest_patch on a cache seeded from
 * the loaded graph, nothing marked): when the walk finds exactly the files
 * the cache holds, each reusable as it is, and the ignored list the graph
 * has, a full run would make that graph again, so nothing is merged; the
 * tables later patches change are built from the seeded results instead
 * (a resolution whose edges are not kept), as a full run would build them.
 * A re-run of pt01 that has compared the tree itself seeds the tables the
 * same way without the walk (pt__patch_seed). */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/heap.h"
#include "pt/sys/proc.h"
#include "ingest_int.h"
#include "resolve_int.h"

static size_t last_n_read = (size_t)-1;

size_t pt__patch_last_n_read(void)
{
  return last_n_read;
}

/* Does the walk find what the cache and prev hold? */
static int walk_unchanged(pt_ingest_cache *c, const pt_walk_result *w,
                          const pt_graph *prev)
{
  size_t n_entries;
  pt__cache_entries(c, &n_entries);
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  const char *root = pt_graph_meta(prev, "root");
  if (w->n_files != n_entries || n_entries != pt_graph_n_files(prev) ||
      w->n_ignored != pt_graph_n_ignored(prev) || !root ||
      strcmp(root, w->root_abs) != 0)
    return 0;
  for (size_t i = 0; i < w->n_ignored; i++)
    if (strcmp(w->ignored[i].path, ig[i].path) ||
        strcmp(w->ignored[i].reason, ig[i].reason))
      return 0;
  pt__ingest_slot *slots = pt_calloc(w->n_files + 1, sizeof *slots);
  int same = slots != NULL;
  if (slots)
    pt__cache_reuse(c, w, slots);
  for (size_t i = 0; same && i < w->n_files; i++)
    same = slots[i].cached && slots[i].cache_idx == i;
  pt_free(slots);
  if (!slots)
    pt_error_clear(); /* short of memory: the full run decides */
  return same;
}

static int intern_entity(pt_graph *g, const pt_entity *src, pt_entity *e)
{
  *e = *src;
  e->code = NULL; /* resolution reads no code */
  e->signature = e->signature ? pt_graph_intern(g, e->signature) : NULL;
  e->key = pt_graph_intern(g, e->key);
  e->name = pt_graph_intern(g, e->name);
  e->qualname = pt_graph_intern(g, e->qualname);
  e->file_path = pt_graph_intern(g, e->file_path);
  e->parent_key = e->parent_key ? pt_graph_intern(g, e->parent_key) : NULL;
  return e->key && e->name && e->qualname && e->file_path &&
                 (!src->parent_key || e->parent_key) &&
                 (!src->signature || e->signature)
             ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

/* The definitions and file records of the cache's results in walk order
 * (strings in g's pool), as a full run's graph has them before it is
 * finished, and each file's references with their referring keys there. */
static int walk_order(pt_ingest_cache *c, pt_graph *g, pt_entity **ents,
                      size_t *n_ents, pt_file_record **files,
                      pt__resolve_job *jobs)
{
  size_t n, total = 0;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  for (size_t i = 0; i < n; i++)
    total += e[i].r->n_entities;
  *ents = pt_malloc((total + 1) * sizeof **ents);
  *files = pt_malloc((n + 1) * sizeof **files);
  int rc = *ents && *files ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  *n_ents = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const pt_file_result *r = e[i].r;
    pt_raw_ref *refs = pt_malloc((r->n_refs + 1) * sizeof *refs);
    (*files)[i] = r->file;
    (*files)[i].path = pt_graph_intern(g, r->file.path);
    jobs[i] = (pt__resolve_job){(*files)[i].path, r->file.lang, refs, r->n_refs};
    if (!refs || !(*files)[i].path)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    for (size_t k = 0; rc == 0 && k < r->n_refs; k++) {
      refs[k] = r->refs[k];
      if (!(refs[k].from_key = pt_graph_intern(g, r->refs[k].from_key)))
        rc = PT_ERR(PT_ENOMEM, "out of memory");
    }
    for (size_t k = 0; rc == 0 && k < r->n_entities; k++)
      rc = intern_entity(g, &r->entities[k], &(*ents)[(*n_ents)++]);
  }
  return rc;
}

/* What every file read, from the records when every one keeps it
 * (pt_ingest_opts.keep_reads, or a re-run), else by resolving every file
 * for it (its edges are the stored ones). */
static int file_reads(pt_resolver *rs, const pt__cache_entry *e,
                      const pt__resolve_job *jobs, size_t n,
                      unsigned n_threads)
{
  pt__deps *kd = NULL;
  int kept = pt__ingest_kept_reads(e, n, &kd);
  if (kept < 0)
    return kept;
  for (size_t i = 0; kept == 1 && i < n; i++) {
    pt__resolver_keep_deps(rs, 0, i, &kd[2 * i]);
    pt__resolver_keep_deps(rs, 1, i, &kd[2 * i + 1]);
  }
  for (size_t i = 0; kd && i < 2 * n; i++)
    pt__deps_fini(&kd[i]);
  pt_free(kd);
  last_n_read = kept == 1 ? 0 : n;
  if (kept == 1) { /* the index of readers a run that resolved them makes
                      (failing that, they are found by a scan) */
    (void)pt__readers_make(rs);
    return 0;
  }
  return pt__resolve_files(rs, NULL, jobs, n, n_threads);
}

/* The tables a full run would keep, from the seeded results. */
static int seed_tables(pt_ingest_cache *c, const pt_graph *prev,
                       unsigned n_threads)
{
  size_t n, n_ents = 0;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  pt_graph *g = NULL;
  pt_entity *ents = NULL;
  pt_file_record *files = NULL;
  pt_resolver *rs = NULL;
  pt__resolve_job *jobs = pt_calloc(n + 1, sizeof *jobs);
  last_n_read = (size_t)-1;
  int rc = jobs ? pt_graph_new_sharing(prev, &g) : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = walk_order(c, g, &ents, &n_ents, &files, jobs);
  if (rc == 0)
    rc = pt__resolver_new_arrays(ents, n_ents, files, n, &rs);
  if (rc == 0)
    rc = pt__resolver_record(rs);
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = pt__resolver_note_bases(rs, jobs[i].path, jobs[i].lang, jobs[i].refs,
                                 jobs[i].n_refs);
  if (rc == 0)
    rc = file_reads(rs, e, jobs, n, n_threads);
  if (rc == 0) {
    pt__resolver_adopt(rs, ents, files);
    ents = NULL;
    files = NULL;
    pt__cache_set_resolver(c, rs, prev);
    rs = NULL;
  }
  for (size_t i = 0; jobs && i < n; i++)
    pt_free((void *)jobs[i].refs);
  pt_free(jobs);
  pt__resolver_free(rs);
  pt_free(ents);
  pt_free(files);
  pt_graph_free(g);
  /* the references copied for this pass (139 MB on the large tree) would
   * stay in glibc's free lists for as long as the server runs */
  pt_sys_heap_trim();
  return rc;
}

/* A lazy seed's references, all used by this pass: decoded, and every
 * entry still has its result (else PT_EAGAIN). */
static int all_refs(pt_ingest_cache *c)
{
  size_t n;
  const pt__cache_entry *e;
  int rc = pt__cache_refs_all(c);
  e = pt__cache_entries(c, &n);
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (!e[i].r)
      rc = PT_EAGAIN;
  return rc;
}

int pt__patch_seed(const pt_ingest_opts *o, pt_ingest_cache *c,
                   const pt_graph *prev)
{
  size_t n;
  pt__cache_entries(c, &n);
  if (!pt__cache_is_fresh_seed(c) || n != pt_graph_n_files(prev))
    return PT_EAGAIN;
  int rc = all_refs(c);
  if (rc)
    return rc;
  rc = seed_tables(c, prev, o->n_threads ? o->n_threads : pt_cpu_count());
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the full run meets and reports it */
    rc = PT_EAGAIN;
  }
  return rc;
}

int pt__patch_start(const pt_ingest_opts *o, pt_ingest_cache *c,
                    const pt_graph *prev, pt_ingest_stats *st)
{
  pt_walk_opts wo = {o->root, o->max_file_size ? o->max_file_size
                                               : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                     o->skip, o->n_skip};
  pt_walk_result *w = NULL;
  uint64_t t0 = pt_clock_ns();
  int rc = all_refs(c);
  if (rc)
    return rc;
  rc = pt_walk(&wo, &w);
  if (rc == 0 && !walk_unchanged(c, w, prev))
    rc = PT_EAGAIN;
  st->walk_ns = pt_clock_ns() - t0;
  if (rc == 0)
    rc = seed_tables(c, prev, o->n_threads ? o->n_threads : pt_cpu_count());
  st->resolve_ns = pt_clock_ns() - t0 - st->walk_ns;
  pt_walk_result_free(w);
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the full run meets and reports it */
    rc = PT_EAGAIN;
  }
  return rc;
}
