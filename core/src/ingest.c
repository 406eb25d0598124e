/* pt01's pipeline (pt/ingest.h): walk, a pool of extractor threads taking
 * files largest first, a merge into the graph strictly in walk order (done
 * by whichever thread finishes a file, one at a time, so a file's parse
 * result is freed as soon as it is merged), then resolution: the graph is
 * identical for any number of threads. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/ingest.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/sys/heap.h"
#include "pt/sys/term.h"
#include "pt/sys/thread.h"
#include "pt/walk.h"
#include "key.h"
#include "pt/strmap.h"
#include "resolve.h"

/* What one file came to. */
typedef struct slot {
  pt_file_result *result;   /* extracted, until merged */
  const char *ignored;      /* static reason when the file turned out binary */
  char *error;              /* owned message when extraction failed */
  int done;                 /* under the pool mutex */
  pt_raw_ref *refs;         /* owned array, strings interned in the graph */
  size_t n_refs;
  const char *path;         /* interned */
  pt_lang lang;
  int cached;               /* result is the cache's, entry cache_idx */
  size_t cache_idx;
} slot;

/* One kept parse result. */
typedef struct cache_entry {
  char *path;               /* owned */
  uint64_t size;
  int64_t mtime_ns;
  pt_file_result *r;        /* owned, keys as extracted; NULL once moved */
} cache_entry;

struct pt_ingest_cache {
  pt_queries *queries;      /* owned, compiled once for every run */
  cache_entry *entries;     /* owned; this generation, in walk order */
  size_t n, cap;
  pt_strmap map;            /* path -> index into entries */
  cache_entry *next;        /* the generation the running merge builds */
  size_t n_next, cap_next;
  pt_arena dirty_paths;     /* keys of dirty */
  pt_strmap dirty;          /* marked paths */
  int all_dirty;
  /* the resolver of the last full run, for pt_ingest_patch */
  pt_resolver *rs;
  pt_entity *rs_ents;       /* owned copies of the arrays rs reads */
  size_t n_rs_ents;
  pt_file_record *rs_files;
  size_t n_rs_files;
  pt_graph_pool *pool;      /* retained: the strings all of those point to */
  size_t pool_base;         /* its size after that run */
};

static void cache_drop_resolver(pt_ingest_cache *c)
{
  pt__resolver_free(c->rs);
  pt_free(c->rs_ents);
  pt_free(c->rs_files);
  pt_graph_pool_release(c->pool);
  c->rs = NULL;
  c->rs_ents = NULL;
  c->rs_files = NULL;
  c->pool = NULL;
}

/* Keeps rs (built on g before it was finished, so in walk order) for
 * patches; without the memory for that, patches just do not happen. */
static void cache_keep_resolver(pt_ingest_cache *c, pt_resolver *rs, pt_graph *g)
{
  size_t ne = pt_graph_n_entities(g), nf = pt_graph_n_files(g);
  c->rs_ents = pt_malloc((ne + 1) * sizeof *c->rs_ents);
  c->rs_files = pt_malloc((nf + 1) * sizeof *c->rs_files);
  if (!c->rs_ents || !c->rs_files) {
    pt__resolver_free(rs);
    cache_drop_resolver(c);
    return;
  }
  memcpy(c->rs_ents, pt_graph_entities(g), ne * sizeof *c->rs_ents);
  memcpy(c->rs_files, pt_graph_files(g), nf * sizeof *c->rs_files);
  c->n_rs_ents = ne;
  c->n_rs_files = nf;
  pt__resolver_rebase(rs, c->rs_ents, c->rs_files);
  c->rs = rs;
  c->pool = pt_graph_pool_retain(g);
  c->pool_base = pt_graph_pool_bytes(g);
}

typedef struct pool {
  const pt_walk_result *walk;
  pt_queries *queries;
  pt_ingest_cache *cache;   /* may be NULL */
  slot *slots;
  size_t *order;            /* file indexes to extract, largest first */
  size_t n_order;
  pt_mutex *mu;
  size_t next;              /* under mu */
  size_t done;              /* under mu */
  uint64_t bytes;           /* under mu */
  int fatal;                /* under mu: an out-of-memory stops the run */
  char fatal_msg[256];
  size_t merge_next;        /* under mu: the next slot to merge */
  int merging;              /* under mu: a thread is merging */
  pt_graph *g;              /* touched only by the merging thread */
  pt_ingest_stats *st;
  pt_strmap seen;           /* entity keys in the graph */
  pt_arena ref_strings;     /* strings of kept references, until resolved */
  int parse_only;
  pt_ingest_progress_fn progress;
  void *payload;
} pool;

static void set_fatal(pool *p, int rc)
{
  if (p->fatal)
    return;
  p->fatal = rc;
  pt_snprintf(p->fatal_msg, sizeof p->fatal_msg, "%s", pt_error_last()->message);
}

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
  /* a result the cache will keep is made compact here, in parallel */
  if (rc == 0 && s->result && p->cache && pt_file_result_compact(&s->result) != 0)
    pt_error_clear(); /* short of memory: keep it as it is */
  if (rc == PT_ENOMEM) {
    pt_mutex_lock(p->mu);
    set_fatal(p, rc);
    pt_mutex_unlock(p->mu);
  }
  if (rc) {
    pt_buf msg = PT_BUF_INIT;
    const char *text = pt_error_last()->message;
    /* most messages already start with the path */
    int named = pt_str_starts_with(text, wf->path);
    if (pt_buf_printf(&msg, "[EXTRACT_FAIL] %s%s%s", named ? "" : wf->path,
                      named ? "" : ": ", text) == 0)
      s->error = pt_buf_detach(&msg);
    pt_buf_fini(&msg);
    pt_error_clear();
  }
}

static int merge_one(pool *p, size_t i);

/* Called with p->mu held: merges the finished prefix of the walk order,
 * unless another thread is at it. The check and the release of `merging`
 * happen under one lock, so no finished file is left behind. */
static void merge_ready(pool *p)
{
  if (p->merging)
    return;
  p->merging = 1;
  while (!p->fatal && p->merge_next < p->walk->n_files &&
         p->slots[p->merge_next].done) {
    size_t j = p->merge_next++;
    pt_mutex_unlock(p->mu);
    int rc = merge_one(p, j);
    pt_mutex_lock(p->mu);
    if (rc)
      set_fatal(p, rc);
  }
  p->merging = 0;
}

static void worker(void *payload)
{
  pool *p = payload;
  pt_extractor *x = NULL;
  pt_buf path = PT_BUF_INIT, src = PT_BUF_INIT;
  int rc = pt_extractor_new(p->queries, &x);
  if (rc) {
    pt_mutex_lock(p->mu);
    set_fatal(p, rc);
    pt_mutex_unlock(p->mu);
  }
  for (;;) {
    pt_mutex_lock(p->mu);
    size_t i = p->next < p->n_order && !p->fatal ? p->order[p->next++]
                                                 : (size_t)-1;
    pt_mutex_unlock(p->mu);
    if (i == (size_t)-1)
      break;
    process(p, x, i, &path, &src);
    pt_mutex_lock(p->mu);
    p->slots[i].done = 1;
    p->done++;
    p->bytes += p->walk->files[i].size;
    if (p->progress)
      p->progress(p->done, p->walk->n_files, p->bytes, p->payload);
    merge_ready(p);
    pt_mutex_unlock(p->mu);
  }
  pt_buf_fini(&path);
  pt_buf_fini(&src);
  pt_extractor_free(x);
}

/* Is file a larger than file b (ties: the earlier in walk order)? */
static int larger(const pt_walk_file *f, size_t a, size_t b)
{
  return f[a].size != f[b].size ? f[a].size > f[b].size : a < b;
}

/* The few largest files first, so no thread is left parsing a big file
 * alone at the end; then walk order, so the merge, which follows walk
 * order, can free each parse result soon after it is made. */
static int plan(pool *p, unsigned n_threads)
{
  const pt_walk_file *files = p->walk->files;
  size_t n = p->walk->n_files, k = 0, n_top = 0;
  size_t max_top = n < 4u * n_threads ? n : 4u * n_threads;
  unsigned char *early = pt_calloc(n + 1, 1);
  p->order = pt_malloc((n + 1) * sizeof *p->order);
  if (!early || !p->order) {
    pt_free(early);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  /* insertion into the short list of the largest, kept in order */
  for (size_t i = 0; i < n; i++) {
    if (p->slots[i].done)
      continue; /* reused from the cache */
    size_t j = n_top < max_top ? n_top++ : max_top;
    if (j == max_top && (max_top == 0 || !larger(files, i, p->order[j - 1])))
      continue;
    if (j == max_top)
      j--;
    while (j > 0 && larger(files, i, p->order[j - 1])) {
      p->order[j] = p->order[j - 1];
      j--;
    }
    p->order[j] = i;
  }
  for (k = 0; k < n_top; k++)
    early[p->order[k]] = 1;
  for (size_t i = 0; i < n; i++)
    if (!early[i] && !p->slots[i].done)
      p->order[k++] = i;
  p->n_order = k;
  pt_free(early);
  return 0;
}

static int run_pool(pool *p, unsigned n_threads)
{
  pt_thread *threads[64];
  unsigned started = 0;
  if (n_threads > 64)
    n_threads = 64;
  int rc = plan(p, n_threads);
  if (n_threads > p->n_order)
    n_threads = p->n_order ? (unsigned)p->n_order : 1;
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
  if (rc == 0 && !p->fatal) {
    pt_mutex_lock(p->mu);
    merge_ready(p); /* nothing is left normally; cheap to be sure */
    pt_mutex_unlock(p->mu);
  }
  pt_mutex_free(p->mu);
  pt_free(p->order);
  if (rc == 0 && p->fatal)
    rc = PT_ERR(p->fatal, "%s", p->fatal_msg);
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
static int make_unique(pt_strmap *seen, pt_file_result *r, pt_entity *e,
                       int *rekeyed)
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
        *rekeyed = 1;
      }
      break;
    }
  }
  pt_buf_fini(&b);
  return rc;
}

static int add_entities(pt_graph *g, pt_strmap *seen, pt_file_result *r,
                        int *rekeyed)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < r->n_entities; k++) {
    rc = make_unique(seen, r, &r->entities[k], rekeyed);
    if (rc == 0)
      rc = pt_graph_add_entity(g, &r->entities[k]);
    if (rc == 0) {
      const char *key = pt_graph_entities(g)[pt_graph_n_entities(g) - 1].key;
      rc = pt_strmap_put(seen, key, strlen(key), 1);
    }
  }
  return rc;
}

/* The walk's own errors and ignored entries, before any file. */
static int merge_walk(pool *p)
{
  const pt_walk_result *w = p->walk;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < w->n_errors; i++) {
    char *copy = pt_strdup(w->errors[i]);
    rc = copy ? add_error(p->st, copy) : PT_ERR(PT_ENOMEM, "out of memory");
  }
  for (size_t i = 0; rc == 0 && i < w->n_ignored; i++)
    rc = pt_graph_add_ignored(p->g, &w->ignored[i]);
  return rc;
}

static int copy_str(pt_arena *a, const char **s)
{
  if (*s && !(*s = pt_arena_strdup(a, *s)))
    return PT_ERR(PT_ENOMEM, "out of memory");
  return 0;
}

/* A file's references outlive its parse result: copied into one arena
 * that lives until resolution. */
static int keep_refs(pool *p, slot *s, const pt_file_result *r)
{
  s->path = pt_graph_intern(p->g, r->file.path);
  s->lang = r->file.lang;
  s->refs = pt_malloc((r->n_refs + 1) * sizeof *s->refs);
  if (!s->refs || !s->path)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < r->n_refs; k++) {
    pt_raw_ref c = r->refs[k];
    /* the referring key is an entity's or the file's, already in the
     * graph's pool: share it instead of copying it per reference */
    c.from_key = pt_graph_intern(p->g, c.from_key);
    rc = c.from_key ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
    if (!rc) rc = copy_str(&p->ref_strings, &c.name);
    if (!rc) rc = copy_str(&p->ref_strings, &c.scope);
    if (!rc) rc = copy_str(&p->ref_strings, &c.module);
    s->refs[s->n_refs++] = c;
  }
  return rc;
}

/* Moves r into the generation being built (r is freed on failure). */
static int cache_keep(pt_ingest_cache *c, const pt_walk_file *wf, pt_file_result *r)
{
  char *path = pt_strdup(wf->path);
  int rc = path ? pt_array_grow((void **)&c->next, &c->cap_next, c->n_next + 1,
                                sizeof *c->next)
                : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc) {
    pt_free(path);
    pt_file_result_free(r);
    return rc;
  }
  cache_entry *e = &c->next[c->n_next++];
  e->path = path;
  e->size = wf->size;
  e->mtime_ns = wf->mtime_ns;
  e->r = r;
  return 0;
}

static void free_entries(cache_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    pt_free(e[i].path);
    pt_file_result_free(e[i].r);
  }
  pt_free(e);
}

/* After a run: the new generation replaces the old, whose results that
 * were not reused (changed or deleted files) are freed. After a failed run
 * both go, so the next run extracts everything again. */
static int cache_commit(pt_ingest_cache *c, int ok)
{
  free_entries(c->entries, c->n);
  c->entries = NULL;
  c->n = c->cap = 0;
  pt_strmap_fini(&c->map);
  memset(&c->map, 0, sizeof c->map);
  if (!ok) {
    free_entries(c->next, c->n_next);
  } else {
    c->entries = c->next;
    c->n = c->n_next;
    c->cap = c->cap_next;
    pt_strmap_fini(&c->dirty);
    memset(&c->dirty, 0, sizeof c->dirty);
    pt_arena_fini(&c->dirty_paths);
    c->all_dirty = 0;
  }
  c->next = NULL;
  c->n_next = c->cap_next = 0;
  for (size_t i = 0; i < c->n; i++) {
    int rc = pt_strmap_put(&c->map, c->entries[i].path, strlen(c->entries[i].path), i);
    if (rc) {
      cache_commit(c, 0);
      return rc;
    }
  }
  return 0;
}

/* Is path, or a folder above it, marked dirty? */
static int is_dirty(const pt_ingest_cache *c, const char *path)
{
  if (c->all_dirty)
    return 1;
  if (c->dirty.n == 0)
    return 0;
  for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/'))
    if (pt_strmap_get(&c->dirty, path, (size_t)(s - path), NULL))
      return 1;
  return pt_strmap_get(&c->dirty, path, strlen(path), NULL);
}

/* Before the pool starts: files whose kept result still holds are done. */
static void cache_reuse(pt_ingest_cache *c, const pt_walk_result *w, slot *slots)
{
  for (size_t i = 0; i < w->n_files; i++) {
    const pt_walk_file *wf = &w->files[i];
    size_t k;
    if (!pt_strmap_get(&c->map, wf->path, strlen(wf->path), &k))
      continue;
    const cache_entry *e = &c->entries[k];
    if (!e->r || e->size != wf->size || e->mtime_ns != wf->mtime_ns ||
        is_dirty(c, wf->path))
      continue;
    slots[i].result = e->r;
    slots[i].cached = 1;
    slots[i].cache_idx = k;
    slots[i].done = 1;
  }
}

int pt_ingest_cache_new(pt_ingest_cache **out)
{
  pt_ingest_cache *c = pt_calloc(1, sizeof *c);
  if (!c)
    return PT_ERR(PT_ENOMEM, "out of memory");
  *out = c;
  return 0;
}

void pt_ingest_cache_free(pt_ingest_cache *c)
{
  if (!c)
    return;
  free_entries(c->entries, c->n);
  free_entries(c->next, c->n_next);
  pt_strmap_fini(&c->map);
  pt_strmap_fini(&c->dirty);
  pt_arena_fini(&c->dirty_paths);
  pt_queries_free(c->queries);
  cache_drop_resolver(c);
  pt_free(c);
}

int pt_ingest_cache_mark_dirty(pt_ingest_cache *c, const char *path)
{
  while (path[0] == '/')
    path++;
  size_t n = strlen(path);
  while (n > 0 && path[n - 1] == '/')
    n--;
  if (n == 0) {
    c->all_dirty = 1;
    return 0;
  }
  const char *copy = pt_arena_strndup(&c->dirty_paths, path, n);
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory");
  return pt_strmap_put(&c->dirty, copy, n, 1);
}

size_t pt_ingest_cache_size(const pt_ingest_cache *c)
{
  return c->n;
}

/* One file into the graph: entities, tests, its record, its references. */
static int merge_one(pool *p, size_t i)
{
  slot *s = &p->slots[i];
  pt_ingest_stats *st = p->st;
  if (s->ignored) {
    pt_ignored_file ig = {p->walk->files[i].path, s->ignored};
    return pt_graph_add_ignored(p->g, &ig);
  }
  st->total_files++;
  if (s->error) {
    int rc = add_error(st, s->error);
    s->error = NULL;
    return rc;
  }
  pt_file_result *r = s->result;
  st->processed_files++;
  if (!r) { /* parse-only runs keep nothing */
    st->bytes += p->walk->files[i].size;
    return 0;
  }
  st->bytes += r->file.size;
  int rekeyed = 0;
  int rc = add_entities(p->g, &p->seen, r, &rekeyed);
  for (size_t k = 0; rc == 0 && k < r->n_tests; k++)
    rc = pt_graph_add_test(p->g, &r->tests[k]);
  if (rc == 0)
    rc = pt_graph_add_file(p->g, &r->file);
  if (rc == 0)
    rc = keep_refs(p, s, r);
  s->result = NULL;
  if (s->cached) {
    p->cache->entries[s->cache_idx].r = NULL; /* moved out */
    st->reused_files++;
  }
  /* a rekeyed result no longer holds the keys as extracted: not kept */
  if (p->cache && !rekeyed) {
    int kept = cache_keep(p->cache, &p->walk->files[i], r);
    return rc ? rc : kept;
  }
  pt_file_result_free(r);
  return rc;
}

static int resolve_all(const pt_walk_result *w, slot *slots, pt_graph *g,
                       pt_ingest_cache *keep)
{
  pt_resolver *rs = NULL;
  size_t n_refs = 0;
  for (size_t i = 0; i < w->n_files; i++)
    n_refs += slots[i].n_refs;
  int rc = pt_graph_reserve_edges(g, n_refs);
  if (rc == 0)
    rc = pt__resolver_new(g, &rs);
  for (size_t i = 0; rc == 0 && i < w->n_files; i++)
    if (slots[i].path)
      rc = pt__resolve_file(rs, g, slots[i].path, slots[i].lang, slots[i].refs,
                            slots[i].n_refs);
  if (rc == 0 && keep)
    cache_keep_resolver(keep, rs, g);
  else
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
  p.g = g;
  p.st = st;
  p.progress = o->progress;
  p.payload = o->payload;
  p.parse_only = o->parse_only;
  p.cache = o->parse_only ? NULL : o->cache;
  pt_queries *q = p.cache ? p.cache->queries : NULL;
  int rc = q ? 0 : pt_queries_new(&q);
  if (rc == 0 && p.cache)
    p.cache->queries = q; /* kept for the next run */
  p.queries = q;
  uint64_t t0 = pt_clock_ns();
  if (rc == 0 && p.cache)
    cache_reuse(p.cache, w, slots);
  if (rc == 0) rc = merge_walk(&p);
  if (rc == 0) rc = run_pool(&p, o->n_threads ? o->n_threads : pt_cpu_count());
  pt_strmap_fini(&p.seen);
  if (!p.cache)
    pt_queries_free(q);
  if (p.cache) {
    int kept = cache_commit(p.cache, rc == 0);
    rc = rc ? rc : kept;
  }
  pt_sys_heap_trim(); /* the parse threads' freed trees and results */
  uint64_t t1 = pt_clock_ns();
  st->extract_ns = t1 - t0;
  if (p.cache)
    cache_drop_resolver(p.cache);
  if (rc == 0) rc = resolve_all(w, slots, g, p.cache);
  pt_arena_fini(&p.ref_strings);
  if (rc == 0) rc = pt_graph_set_meta(g, "root", w->root_abs);
  if (rc == 0) rc = pt_graph_finish(g);
  if (rc && p.cache)
    cache_drop_resolver(p.cache);
  if (rc == 0)
    count_edges(g, st);
  st->resolve_ns = pt_clock_ns() - t1;
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
  uint64_t t0 = pt_clock_ns();
  int rc = pt_walk(&wo, &w);
  st->walk_ns = pt_clock_ns() - t0;
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0 && !(slots = pt_calloc(w->n_files + 1, sizeof *slots)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = build(o, w, slots, g, st);
  for (size_t i = 0; slots && i < w->n_files; i++) {
    if (!slots[i].cached)
      pt_file_result_free(slots[i].result);
    pt_free(slots[i].error);
    pt_free(slots[i].refs);
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

/* ---- the patch shortcut (pt_ingest_patch) --------------------------------- */

/* A file patched: re-extracted (a dirty one), or only resolved again (a
 * file whose references name a definition that came or went). */
typedef struct patched {
  const char *path;          /* a dirty key, or the entry's path */
  size_t entry;              /* its cache entry */
  pt_file_result *r;         /* owned when re-extracted (dirty) */
  const pt_file_result *use; /* the result patched in: r, or the entry's */
  pt_fs_stat st;
  int defs_changed;          /* its definitions are not the ones it had */
} patched;

/* Does a change at path leave the graph as it is? It does when the index
 * leaves the path out by name (ignored, or below an ignored folder) and it
 * is no ignore-rules file. "binary", "too_large" and "unreadable" may
 * change with the contents, so those do not count. */
static int ignored_anyway(const pt_graph *prev, const char *root, const char *path)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (!strcmp(base, ".gitignore") || !strcmp(base, ".parseltongueignore"))
    return 0;
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  size_t n = pt_graph_n_ignored(prev), len = strlen(path);
  for (size_t i = 0; i < n; i++) {
    const char *p = ig[i].path, *why = ig[i].reason;
    size_t pl = strlen(p);
    int exact = pl == len && !memcmp(p, path, len);
    int below = pl > 0 && p[pl - 1] == '/' && pl < len && !memcmp(p, path, pl);
    if (!(exact || below) || !strcmp(why, "binary") || !strcmp(why, "too_large") ||
        !strcmp(why, "unreadable"))
      continue;
    if (below)
      return 1;
    /* the ignored file itself: a change to it changes nothing, but its
     * going takes it off the ignored list */
    pt_buf full = PT_BUF_INIT;
    pt_fs_stat st;
    int there = pt_buf_printf(&full, "%s/%s", root, path) == 0 &&
                pt_fs_stat_path(full.ptr, &st) == 0;
    pt_buf_fini(&full);
    pt_error_clear();
    return there;
  }
  return 0;
}

/* The same definitions, as resolution sees them, in the same order. */
static int same_definitions(const pt_file_result *a, const pt_file_result *b)
{
  if (a->n_entities != b->n_entities)
    return 0;
  for (size_t i = 0; i < a->n_entities; i++) {
    const pt_entity *x = &a->entities[i], *y = &b->entities[i];
    if (strcmp(x->key, y->key) || strcmp(x->name, y->name) ||
        strcmp(x->qualname, y->qualname) || x->kind != y->kind ||
        x->lang != y->lang || (!x->parent_key != !y->parent_key) ||
        (x->parent_key && strcmp(x->parent_key, y->parent_key)))
      return 0;
  }
  return 1;
}

/* Re-extracts one dirty file; PT_EAGAIN when the shortcut cannot take it. */
static int patch_extract(pt_ingest_cache *c, pt_extractor *x, const char *root,
                         uint64_t max_size, patched *pf, pt_buf *full, pt_buf *src)
{
  const cache_entry *e = &c->entries[pf->entry];
  pt_buf_clear(full);
  int rc = pt_buf_printf(full, "%s/%s", root, pf->path);
  if (rc == 0) rc = pt_fs_stat_path(full->ptr, &pf->st);
  if (rc == 0 && (pf->st.type != PT_FS_FILE || pf->st.size > max_size))
    rc = PT_EAGAIN;
  if (rc == 0) rc = pt_fs_read_file(full->ptr, src);
  if (rc == 0 && is_binary(src->ptr, src->len))
    rc = PT_EAGAIN;
  pt_grammar g;
  if (rc == 0 && !pt_grammar_for_path(pf->path, src->ptr, src->len < 4096 ? src->len : 4096, &g))
    rc = PT_EAGAIN;
  if (rc == 0)
    rc = pt_extract_file(x, g, pf->path, src->ptr ? src->ptr : "", src->len, &pf->r);
  if (rc == 0 && pt_file_result_compact(&pf->r) != 0)
    pt_error_clear(); /* short of memory: keep it as it is */
  if (rc == 0 && pf->r->file.lang != e->r->file.lang)
    rc = PT_EAGAIN;
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the full run will meet and report it */
    rc = PT_EAGAIN;
  }
  if (rc == 0) {
    pf->use = pf->r;
    pf->defs_changed = !same_definitions(e->r, pf->r);
  }
  return rc;
}

/* When definitions came or went, more can change: the new keys must stay
 * unique (else a full run moves keys: PT_EAGAIN), the resolver is rebuilt
 * over the new definitions, and every file with a reference naming a
 * definition that came or went is resolved again (a reference to any other
 * name has the same candidates as before, so it resolves as before). */
typedef struct defs_change {
  pt_strmap names;           /* names of the changed files' old and new definitions */
  pt_arena strings;
  pt_resolver *rs;           /* owned until it replaces the kept one */
  pt_entity *ents;           /* owned: the walk-order array rs reads */
  size_t n_ents;
} defs_change;

static void defs_change_fini(defs_change *dc)
{
  pt_strmap_fini(&dc->names);
  pt_arena_fini(&dc->strings);
  pt__resolver_free(dc->rs);
  pt_free(dc->ents);
}

static int note_names(defs_change *dc, const pt_file_result *r)
{
  for (size_t i = 0; i < r->n_entities; i++) {
    const char *nm = pt_arena_strdup(&dc->strings, r->entities[i].name);
    int rc = nm ? pt_strmap_put(&dc->names, nm, strlen(nm), 1)
                : PT_ERR(PT_ENOMEM, "out of memory");
    if (rc)
      return rc;
  }
  return 0;
}

/* New keys: none may be another entity's, in the index or among the
 * other changed files'. */
static int keys_stay_unique(pt_ingest_cache *c, patched *pf, size_t n)
{
  pt_strmap own = PT_STRMAP_INIT, fresh = PT_STRMAP_INIT;
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++) {
    if (!pf[k].defs_changed)
      continue;
    const pt_file_result *old = c->entries[pf[k].entry].r;
    pt_strmap_fini(&own);
    memset(&own, 0, sizeof own);
    for (size_t i = 0; i < old->n_entities && rc == 0; i++)
      rc = pt_strmap_put(&own, old->entities[i].key, strlen(old->entities[i].key), 1);
    for (size_t i = 0; i < pf[k].r->n_entities && rc == 0; i++) {
      const char *key = pf[k].r->entities[i].key;
      size_t len = strlen(key), was;
      if (!pt_strmap_get(&own, key, len, NULL) && pt__resolver_has_key(c->rs, key))
        rc = PT_EAGAIN;
      if (rc == 0)
        rc = pt_strmap_put_new(&fresh, key, len, k, &was);
      if (rc == 0 && was != k)
        rc = PT_EAGAIN;
    }
  }
  pt_strmap_fini(&own);
  pt_strmap_fini(&fresh);
  return rc;
}

/* The walk-order definitions with the changed files' replaced (their
 * strings interned in the pool the resolver's other strings are in), and a
 * resolver over them. */
static int rebuild_resolver(pt_ingest_cache *c, pt_graph *scratch, patched *pf,
                            size_t n, defs_change *dc)
{
  size_t *by_entry = pt_malloc((c->n + 1) * sizeof *by_entry), total = 0, at = 0;
  int rc = by_entry ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < c->n; i++)
    by_entry[i] = (size_t)-1;
  for (size_t k = 0; rc == 0 && k < n; k++)
    by_entry[pf[k].entry] = k;
  for (size_t i = 0; rc == 0 && i < c->n; i++) {
    size_t k = by_entry[i];
    total += k != (size_t)-1 ? pf[k].use->n_entities : c->entries[i].r->n_entities;
  }
  if (rc == 0 && !(dc->ents = pt_malloc((total + 1) * sizeof *dc->ents)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < c->n; i++) {
    size_t k = by_entry[i], was = c->entries[i].r->n_entities;
    if (at + was > c->n_rs_ents) {
      rc = PT_EAGAIN; /* not the arrays the cache says: take the long way */
      break;
    }
    if (k == (size_t)-1) {
      memcpy(dc->ents + dc->n_ents, c->rs_ents + at, was * sizeof *dc->ents);
      dc->n_ents += was;
    }
    for (size_t j = 0; k != (size_t)-1 && j < pf[k].use->n_entities && rc == 0; j++) {
      pt_entity e = pf[k].use->entities[j];
      e.code = e.signature = NULL; /* resolution reads neither */
      e.key = pt_graph_intern(scratch, e.key);
      e.name = pt_graph_intern(scratch, e.name);
      e.qualname = pt_graph_intern(scratch, e.qualname);
      e.file_path = pt_graph_intern(scratch, e.file_path);
      e.parent_key = e.parent_key ? pt_graph_intern(scratch, e.parent_key) : NULL;
      if (!e.key || !e.name || !e.qualname || !e.file_path ||
          (pf[k].use->entities[j].parent_key && !e.parent_key))
        rc = PT_ERR(PT_ENOMEM, "out of memory");
      dc->ents[dc->n_ents++] = e;
    }
    at += was;
  }
  if (rc == 0 && at != c->n_rs_ents)
    rc = PT_EAGAIN;
  if (rc == 0)
    rc = pt__resolver_new_arrays(dc->ents, dc->n_ents, c->rs_files, c->n_rs_files,
                                 &dc->rs);
  pt_free(by_entry);
  return rc;
}

/* Adds to pf the unchanged files with a reference naming dc->names. */
static int affected_files(pt_ingest_cache *c, defs_change *dc, patched *pf,
                          size_t *n)
{
  unsigned char *taken = pt_calloc(c->n + 1, 1);
  if (!taken)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; k < *n; k++)
    taken[pf[k].entry] = 1;
  for (size_t i = 0; i < c->n; i++) {
    const pt_file_result *r = c->entries[i].r;
    for (size_t j = 0; !taken[i] && j < r->n_refs; j++)
      if (pt_strmap_get(&dc->names, r->refs[j].name, strlen(r->refs[j].name), NULL)) {
        taken[i] = 1;
        memset(&pf[*n], 0, sizeof pf[*n]);
        pf[*n].path = c->entries[i].path;
        pf[*n].entry = i;
        pf[*n].use = r;
        (*n)++;
      }
  }
  pt_free(taken);
  return 0;
}

/* Resolves the files' references into a scratch graph sharing prev's pool,
 * then patches prev with them. */
static int patch_graph(pt_resolver *rs, pt_graph *scratch, const pt_graph *prev,
                       patched *pf, size_t n, pt_graph **out)
{
  pt_graph_file_patch *fp = pt_calloc(n + 1, sizeof *fp);
  size_t *first = pt_calloc(n + 1, sizeof *first);
  pt_raw_ref *refs = NULL;
  int rc = fp && first ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  size_t base = pt_graph_n_edges(scratch);
  for (size_t k = 0; rc == 0 && k < n; k++) {
    const pt_file_result *r = pf[k].use;
    const char *path = pt_graph_intern(scratch, r->file.path);
    pt_free(refs);
    refs = pt_malloc((r->n_refs + 1) * sizeof *refs);
    if (!path || !refs)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < r->n_refs; i++) {
      refs[i] = r->refs[i];
      if (!(refs[i].from_key = pt_graph_intern(scratch, r->refs[i].from_key)))
        rc = PT_ERR(PT_ENOMEM, "out of memory");
    }
    first[k] = pt_graph_n_edges(scratch) - base;
    if (rc == 0)
      rc = pt__resolve_file(rs, scratch, path, r->file.lang, refs, r->n_refs);
  }
  first[n] = rc == 0 ? pt_graph_n_edges(scratch) - base : 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    const pt_file_result *r = pf[k].use;
    fp[k].path = r->file.path;
    fp[k].entities = r->entities;
    fp[k].n_entities = r->n_entities;
    fp[k].tests = r->tests;
    fp[k].n_tests = r->n_tests;
    fp[k].file = &r->file;
    fp[k].edges = pt_graph_edges(scratch) + base + first[k];
    fp[k].n_edges = first[k + 1] - first[k];
  }
  if (rc == 0)
    rc = pt_graph_patch(prev, fp, n, out);
  pt_free(refs);
  pt_free(fp);
  pt_free(first);
  return rc;
}

/* Is path, or something below it, in the index or its ignored list? */
static int known_at_or_below(const pt_ingest_cache *c, const pt_graph *prev,
                             const char *path)
{
  size_t len = strlen(path);
  for (size_t i = 0; i < c->n; i++) {
    const char *p = c->entries[i].path;
    if (!strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/'))
      return 1;
  }
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++) {
    const char *p = ig[i].path;
    if (!strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/'))
      return 1;
  }
  return 0;
}

/* A path that is gone and that the index never had (a temporary file that
 * came and went, like an editor's or our own SQLite backup's) changes
 * nothing. */
static int gone_without_trace(const pt_ingest_cache *c, const pt_graph *prev,
                              const char *root, const char *path)
{
  pt_buf full = PT_BUF_INIT;
  pt_fs_stat st;
  int gone = pt_buf_printf(&full, "%s/%s", root, path) == 0 &&
             pt_fs_stat_path(full.ptr, &st) == PT_ENOTFOUND;
  pt_buf_fini(&full);
  pt_error_clear();
  return gone && !known_at_or_below(c, prev, path);
}

/* The dirty paths: files to re-extract into pf (none that the index has
 * not got), or paths that change nothing. */
static int dirty_files(pt_ingest_cache *c, const pt_graph *prev, const char *root,
                       patched *pf, size_t *n)
{
  for (size_t i = 0; i < c->dirty.cap; i++) {
    const pt_strmap_slot *d = &c->dirty.slots[i];
    size_t k;
    if (!d->key)
      continue;
    if (pt_strmap_get(&c->map, d->key, d->len, &k) && c->entries[k].r) {
      memset(&pf[*n], 0, sizeof pf[*n]);
      pf[*n].path = d->key;
      pf[(*n)++].entry = k;
    } else if (!ignored_anyway(prev, root, d->key) &&
               !gone_without_trace(c, prev, root, d->key)) {
      return PT_EAGAIN; /* new, gone, a folder, or an ignore-rules file */
    }
  }
  return 0;
}

int pt_ingest_patch(const pt_ingest_opts *o, const pt_graph *prev, pt_graph **out,
                    pt_ingest_stats *st)
{
  pt_ingest_cache *c = o->cache;
  memset(st, 0, sizeof *st);
  *out = NULL;
  const char *root = prev ? pt_graph_meta(prev, "root") : NULL;
  /* prev holds what the last run made (strings are matched by text, so it
   * may be an equal graph with a pool of its own); patches leave the text
   * they replace in the pool, so past twice the size a full run cleans up */
  if (!c || !c->rs || !root || c->all_dirty || c->dirty.n == 0 ||
      pt_graph_pool_bytes(prev) > 2 * c->pool_base + ((size_t)1 << 20))
    return PT_EAGAIN;
  uint64_t t0 = pt_clock_ns();
  /* room for every cached file: dirty ones, then those resolved again */
  patched *pf = pt_calloc(c->n + c->dirty.n + 1, sizeof *pf);
  if (!pf)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = 0, n_dirty = 0;
  int rc = dirty_files(c, prev, root, pf, &n);
  n_dirty = n;
  pt_extractor *x = NULL;
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  if (rc == 0 && n > 0)
    rc = pt_extractor_new(c->queries, &x);
  uint64_t max = o->max_file_size ? o->max_file_size : PT_INGEST_DEFAULT_MAX_FILE_SIZE;
  int any_defs = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    rc = patch_extract(c, x, root, max, &pf[k], &full, &src);
    any_defs |= rc == 0 && pf[k].defs_changed;
  }
  pt_extractor_free(x);
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  defs_change dc;
  memset(&dc, 0, sizeof dc);
  pt_graph *scratch = NULL;
  if (rc == 0 && n > 0)
    rc = pt_graph_new_sharing(prev, &scratch);
  if (rc == 0 && any_defs) {
    /* every indexed file must be in the cache, and the resolver's strings
     * in prev's pool, for the resolver to be rebuilt from them */
    if (pt_graph_n_files(prev) != c->n || pt_graph_pool_of(prev) != c->pool)
      rc = PT_EAGAIN;
    if (rc == 0) rc = keys_stay_unique(c, pf, n);
    for (size_t k = 0; rc == 0 && k < n; k++)
      if (pf[k].defs_changed) {
        rc = note_names(&dc, c->entries[pf[k].entry].r);
        if (rc == 0) rc = note_names(&dc, pf[k].r);
      }
    if (rc == 0) rc = rebuild_resolver(c, scratch, pf, n, &dc);
    if (rc == 0) rc = affected_files(c, &dc, pf, &n);
  }
  if (rc == 0 && n > 0)
    rc = patch_graph(any_defs ? dc.rs : c->rs, scratch, prev, pf, n, out);
  pt_graph_free(scratch);
  if (rc == 0) {
    /* the new results replace the kept ones; the marks are served */
    for (size_t k = 0; k < n_dirty; k++) {
      cache_entry *e = &c->entries[pf[k].entry];
      pt_file_result_free(e->r);
      e->r = pf[k].r;
      e->size = pf[k].st.size;
      e->mtime_ns = pf[k].st.mtime_ns;
      pf[k].r = NULL;
      st->bytes += e->size;
    }
    if (any_defs) {
      pt__resolver_free(c->rs);
      pt_free(c->rs_ents);
      c->rs = dc.rs;
      c->rs_ents = dc.ents;
      c->n_rs_ents = dc.n_ents;
      dc.rs = NULL;
      dc.ents = NULL;
    }
    pt_strmap_fini(&c->dirty);
    memset(&c->dirty, 0, sizeof c->dirty);
    pt_arena_fini(&c->dirty_paths);
    st->processed_files = n_dirty;
    st->extract_ns = pt_clock_ns() - t0;
    if (*out) {
      st->total_files = pt_graph_n_files(*out);
      count_edges(*out, st);
    }
  }
  defs_change_fini(&dc);
  for (size_t k = 0; k < n_dirty; k++)
    pt_file_result_free(pf[k].r);
  pt_free(pf);
  return rc;
}
