/* pt01's pipeline (pt/ingest.h): walk, a pool of extractor threads taking
 * files in walk order, then a single-threaded merge in that same order and
 * resolution, so the graph is identical for any number of threads. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/ingest.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/walk.h"
#include "key.h"
#include "pt/strmap.h"
#include "resolve.h"

/* What one file came to. */
typedef struct slot {
  pt_file_result *result;   /* extracted, or NULL */
  const char *ignored;      /* static reason when the file turned out binary */
  char *error;              /* owned message when extraction failed */
} slot;

typedef struct pool {
  const pt_walk_result *walk;
  pt_queries *queries;
  slot *slots;
  size_t *order;            /* file indexes, largest first */
  pt_mutex *mu;
  size_t next;              /* under mu */
  size_t done;              /* under mu */
  uint64_t bytes;           /* under mu */
  int fatal;                /* under mu: an out-of-memory stops the run */
  int parse_only;
  pt_ingest_progress_fn progress;
  void *payload;
} pool;

/* A NUL byte in the first 8 KiB marks a binary file (git's heuristic). */
static int is_binary(const char *s, size_t len)
{
  return memchr(s, '\0', len < 8192 ? len : 8192) != NULL;
}

static void process(pool *p, pt_extractor *x, size_t i, pt_buf *path, pt_buf *src)
{
  const pt_walk_file *wf = &p->walk->files[i];
  slot *s = &p->slots[i];
  pt_grammar g = wf->grammar;
  pt_buf_clear(path);
  int rc = pt_buf_printf(path, "%s/%s", p->walk->root_abs, wf->path);
  if (rc == 0)
    rc = pt_fs_read_file(path->ptr, src);
  if (rc == 0 && is_binary(src->ptr, src->len)) {
    s->ignored = "binary";
    return;
  }
  if (rc == 0)
    pt_grammar_for_path(wf->path, src->ptr, src->len < 4096 ? src->len : 4096, &g);
  if (rc == 0 && p->parse_only)
    rc = pt_extract_parse_only(x, g, wf->path, src->ptr ? src->ptr : "", src->len);
  else if (rc == 0)
    rc = pt_extract_file(x, g, wf->path, src->ptr ? src->ptr : "", src->len,
                         &s->result);
  if (rc == PT_ENOMEM) {
    pt_mutex_lock(p->mu);
    p->fatal = PT_ENOMEM;
    pt_mutex_unlock(p->mu);
  }
  if (rc) {
    pt_buf msg = PT_BUF_INIT;
    if (pt_buf_printf(&msg, "[EXTRACT_FAIL] %s: %s", wf->path,
                      pt_error_last()->message) == 0)
      s->error = pt_buf_detach(&msg);
    pt_buf_fini(&msg);
    pt_error_clear();
  }
}

static void worker(void *payload)
{
  pool *p = payload;
  pt_extractor *x = NULL;
  pt_buf path = PT_BUF_INIT, src = PT_BUF_INIT;
  if (pt_extractor_new(p->queries, &x) != 0) {
    pt_mutex_lock(p->mu);
    p->fatal = PT_ENOMEM;
    pt_mutex_unlock(p->mu);
  }
  for (;;) {
    pt_mutex_lock(p->mu);
    size_t i = p->next < p->walk->n_files && !p->fatal ? p->order[p->next++]
                                                       : (size_t)-1;
    pt_mutex_unlock(p->mu);
    if (i == (size_t)-1)
      break;
    process(p, x, i, &path, &src);
    pt_mutex_lock(p->mu);
    p->done++;
    p->bytes += p->walk->files[i].size;
    if (p->progress)
      p->progress(p->done, p->walk->n_files, p->bytes, p->payload);
    pt_mutex_unlock(p->mu);
  }
  pt_buf_fini(&path);
  pt_buf_fini(&src);
  pt_extractor_free(x);
}

static const pt_walk_file *sort_files;

static int cmp_size_desc(const void *a, const void *b)
{
  uint64_t x = sort_files[*(const size_t *)a].size;
  uint64_t y = sort_files[*(const size_t *)b].size;
  if (x != y)
    return x > y ? -1 : 1;
  return (*(const size_t *)a > *(const size_t *)b) -
         (*(const size_t *)a < *(const size_t *)b);
}

/* Largest files first, so no thread is left parsing a big file alone at
 * the end. Results still land in walk order. */
static int plan(pool *p)
{
  size_t n = p->walk->n_files;
  p->order = pt_malloc((n + 1) * sizeof *p->order);
  if (!p->order)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    p->order[i] = i;
  sort_files = p->walk->files;
  if (n > 1)
    qsort(p->order, n, sizeof *p->order, cmp_size_desc);
  return 0;
}

static int run_pool(pool *p, unsigned n_threads)
{
  pt_thread *threads[64];
  unsigned started = 0;
  if (n_threads > 64)
    n_threads = 64;
  if (n_threads > p->walk->n_files)
    n_threads = p->walk->n_files ? (unsigned)p->walk->n_files : 1;
  int rc = plan(p);
  if (rc == 0)
    rc = pt_mutex_new(&p->mu);
  /* the calling thread works too, so one thread means no extra thread */
  for (unsigned t = 1; rc == 0 && t < n_threads; t++) {
    if (pt_thread_start(worker, p, &threads[started]) == 0)
      started++;
    else
      pt_error_clear(); /* fewer threads is slower, not wrong */
  }
  if (rc == 0)
    worker(p);
  for (unsigned t = 0; t < started; t++)
    pt_thread_join(threads[t]);
  pt_mutex_free(p->mu);
  pt_free(p->order);
  if (rc == 0 && p->fatal)
    rc = PT_ERR(p->fatal, "out of memory while extracting");
  return rc;
}

static int add_error(pt_ingest_stats *st, char *msg)
{
  char **e = pt_realloc(st->errors, (st->n_errors + 1) * sizeof *e);
  if (!e) {
    pt_free(msg);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  st->errors = e;
  st->errors[st->n_errors++] = msg;
  return 0;
}

/* Renames key `old` to `now` everywhere inside one file's result. */
static void rekey(pt_file_result *r, const char *old, const char *now)
{
  for (size_t k = 0; k < r->n_entities; k++) {
    if (r->entities[k].key == old)
      r->entities[k].key = now;
    if (r->entities[k].parent_key && strcmp(r->entities[k].parent_key, old) == 0)
      r->entities[k].parent_key = now;
  }
  for (size_t k = 0; k < r->n_refs; k++)
    if (strcmp(r->refs[k].from_key, old) == 0)
      r->refs[k].from_key = now;
}

/* Keys are unique within a file by construction; two files can still meet
 * (a.c and a.h share the semantic path __a, and the birth numbers of two
 * same-named definitions may collide). The later file's key moves on. */
static int make_unique(pt_strmap *seen, pt_file_result *r, pt_entity *e)
{
  if (!pt_strmap_get(seen, e->key, strlen(e->key), NULL))
    return 0;
  pt_buf b = PT_BUF_INIT;
  int rc = 0;
  for (int64_t birth = e->birth + 1; rc == 0; birth++) {
    pt_buf_clear(&b);
    rc = pt__key_entity(&b, e->lang, e->kind, e->name, e->file_path, birth);
    if (rc == 0 && !pt_strmap_get(seen, b.ptr, b.len, NULL)) {
      const char *now = pt_arena_strndup(&r->arena, b.ptr, b.len);
      if (!now)
        rc = PT_ERR(PT_ENOMEM, "out of memory");
      else {
        rekey(r, e->key, now);
        e->birth = birth;
      }
      break;
    }
  }
  pt_buf_fini(&b);
  return rc;
}

static int add_entities(pt_graph *g, pt_strmap *seen, pt_file_result *r)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < r->n_entities; k++) {
    rc = make_unique(seen, r, &r->entities[k]);
    if (rc == 0)
      rc = pt_graph_add_entity(g, &r->entities[k]);
    if (rc == 0) {
      const char *key = pt_graph_entities(g)[pt_graph_n_entities(g) - 1].key;
      rc = pt_strmap_put(seen, key, strlen(key), 1);
    }
  }
  return rc;
}

/* Entities, tests and file records of every file, in walk order. */
static int merge(const pt_walk_result *w, slot *slots, pt_graph *g,
                 pt_ingest_stats *st)
{
  pt_strmap seen = PT_STRMAP_INIT;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < w->n_errors; i++) {
    char *copy = pt_strdup(w->errors[i]);
    rc = copy ? add_error(st, copy) : PT_ERR(PT_ENOMEM, "out of memory");
  }
  for (size_t i = 0; rc == 0 && i < w->n_ignored; i++)
    rc = pt_graph_add_ignored(g, &w->ignored[i]);
  for (size_t i = 0; rc == 0 && i < w->n_files; i++) {
    slot *s = &slots[i];
    if (s->ignored) {
      pt_ignored_file ig = {w->files[i].path, s->ignored};
      rc = pt_graph_add_ignored(g, &ig);
      continue;
    }
    st->total_files++;
    if (s->error) {
      rc = add_error(st, s->error);
      s->error = NULL;
      continue;
    }
    pt_file_result *r = s->result;
    st->processed_files++;
    if (!r) { /* parse-only runs keep nothing */
      st->bytes += w->files[i].size;
      continue;
    }
    st->bytes += r->file.size;
    rc = add_entities(g, &seen, r);
    for (size_t k = 0; rc == 0 && k < r->n_tests; k++)
      rc = pt_graph_add_test(g, &r->tests[k]);
    if (rc == 0)
      rc = pt_graph_add_file(g, &r->file);
  }
  pt_strmap_fini(&seen);
  return rc;
}

static int resolve_all(const pt_walk_result *w, slot *slots, pt_graph *g)
{
  pt_resolver *rs = NULL;
  int rc = pt__resolver_new(g, &rs);
  for (size_t i = 0; rc == 0 && i < w->n_files; i++) {
    pt_file_result *r = slots[i].result;
    if (!r)
      continue;
    rc = pt__resolve_file(rs, g, r->file.path, r->file.lang, r->refs, r->n_refs);
    pt_file_result_free(r);
    slots[i].result = NULL;
  }
  pt__resolver_free(rs);
  return rc;
}

static void count_edges(const pt_graph *g, pt_ingest_stats *st)
{
  const pt_edge *e = pt_graph_edges(g);
  st->n_edges = pt_graph_n_edges(g);
  for (size_t i = 0; i < st->n_edges; i++)
    e[i].resolved ? st->n_resolved++ : st->n_unresolved++;
  st->n_entities = pt_graph_n_entities(g);
  st->n_tests = pt_graph_n_tests(g);
  st->n_ignored = pt_graph_n_ignored(g);
}

static int build(const pt_ingest_opts *o, pt_walk_result *w, slot *slots,
                 pt_graph *g, pt_ingest_stats *st)
{
  pool p;
  memset(&p, 0, sizeof p);
  p.walk = w;
  p.slots = slots;
  p.progress = o->progress;
  p.payload = o->payload;
  p.parse_only = o->parse_only;
  pt_queries *q = NULL;
  int rc = pt_queries_new(&q);
  p.queries = q;
  if (rc == 0)
    rc = run_pool(&p, o->n_threads ? o->n_threads : pt_cpu_count());
  if (rc == 0) rc = merge(w, slots, g, st);
  if (rc == 0) rc = resolve_all(w, slots, g);
  if (rc == 0) rc = pt_graph_set_meta(g, "root", w->root_abs);
  if (rc == 0) rc = pt_graph_finish(g);
  if (rc == 0)
    count_edges(g, st);
  pt_queries_free(q);
  return rc;
}

int pt_ingest(const pt_ingest_opts *o, pt_graph **out, pt_ingest_stats *st)
{
  pt_walk_opts wo = {o->root, o->max_file_size ? o->max_file_size
                                               : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                     o->skip, o->n_skip};
  pt_walk_result *w = NULL;
  pt_graph *g = NULL;
  slot *slots = NULL;
  memset(st, 0, sizeof *st);
  int rc = pt_walk(&wo, &w);
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0 && !(slots = pt_calloc(w->n_files + 1, sizeof *slots)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = build(o, w, slots, g, st);
  for (size_t i = 0; slots && i < w->n_files; i++) {
    pt_file_result_free(slots[i].result);
    pt_free(slots[i].error);
  }
  pt_free(slots);
  pt_walk_result_free(w);
  if (rc) {
    pt_graph_free(g);
    pt_ingest_stats_fini(st);
    return rc;
  }
  pt_log(PT_LOG_INFO, "indexed %zu files: %zu entities, %zu edges",
         st->processed_files, st->n_entities, st->n_edges);
  *out = g;
  return 0;
}

void pt_ingest_stats_fini(pt_ingest_stats *st)
{
  if (!st)
    return;
  for (size_t i = 0; i < st->n_errors; i++)
    pt_free(st->errors[i]);
  pt_free(st->errors);
  st->errors = NULL;
  st->n_errors = 0;
}
