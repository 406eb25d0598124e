/* pt01's pipeline (pt/ingest.h): walk, a pool of extractor threads taking
 * files largest first, a merge into the graph strictly in walk order (done
 * by whichever thread finishes a file, one at a time, so a file's parse
 * result is freed as soon as it is merged), then resolution: the graph is
 * identical for any number of threads. With a cache (ingest_cache.c) the
 * merged results are kept for the next run instead; the live index's
 * shortcut is in ingest_patch.c. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/ingest.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/sys/heap.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "pt/walk.h"
#include "base/words.h"
#include "extract/extract_valid.h"
#include "graph/key.h"
#include "pt/strmap.h"
#include "ingest_int.h"

/* The kept references are resolved in batches of consecutive files, each
 * batch's strings in an arena of its own, so that a batch's references
 * are freed as soon as its edges are made instead of all at the end; a
 * batch is made again as pt_raw_refs (64 bytes each) while it is
 * resolved, beside the tables' peak: 16,384 of them took 4 to 6 MB off
 * PostgreSQL's peak where 65,536 were. Set once before any run (tests
 * make batches of one file). */
static size_t batch_refs = (size_t)1 << 14;

void pt__ingest_set_batch_refs(size_t n)
{
  batch_refs = n ? n : (size_t)1 << 14;
}

/* A batch's strings are kept once each: the referring keys are the
 * graph's, the others copied into the arena; a kept reference names them
 * by their place in str. The maps that find a string's id are needed only
 * while the batch takes files in, and are freed when the next begins. */
typedef struct ref_batch {
  size_t first;             /* its first file (walk index) */
  size_t n_refs;
  pt_arena strings;         /* its references' strings but the keys */
  const char **str;         /* by id: the keys (the graph's) and copies */
  size_t n_str, cap_str;
  pt_strmap keys, copies;   /* text -> id, until the batch is closed */
} ref_batch;

typedef struct pool {
  const pt_walk_result *walk;
  pt_queries *queries;
  pt_ingest_cache *cache;   /* may be NULL */
  pt__ingest_slot *slots;
  size_t *order;            /* file indexes to extract, largest first */
  unsigned char *early;     /* by file: one of the largest, taken first */
  size_t n_early;           /* how many */
  size_t early_done;        /* under mu: how many of them are done */
  size_t n_order;
  uint64_t large_min;       /* a file this large or larger is large */
  unsigned n_large_busy;    /* under mu: large files being extracted */
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
  ref_batch *batches;       /* owned: the kept references' batches */
  size_t n_batches, cap_batches;
  int parse_only;
  int keep_reads;           /* each file's reads into its slot, then its
                               record (pt_ingest_opts.keep_reads) */
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

int pt__ingest_is_binary(const char *s, size_t len)
{
  return memchr(s, '\0', len < 8192 ? len : 8192) != NULL;
}

/* Rewrites src with U+FFFD for each byte that starts no valid UTF-8
 * sequence (extraction takes only valid UTF-8); *n_bad counts them and
 * *line is the line of the first (1 when none: the lines are counted only
 * then). Nothing changes when all is valid. */
int pt__ingest_decode_lossily(pt_buf *src, size_t *n_bad, size_t *line)
{
  size_t at = pt__utf8_invalid_at(src->ptr, src->len), done = 0;
  pt_buf fixed = PT_BUF_INIT;
  int rc = 0;
  *n_bad = 0;
  *line = 1;
  for (size_t i = 0; at < src->len && i < at; i++)
    *line += src->ptr[i] == '\n';
  while (rc == 0 && at < src->len) {
    rc = pt_buf_put(&fixed, src->ptr + done, at - done);
    if (rc == 0)
      rc = pt_buf_puts(&fixed, "\xef\xbf\xbd");
    (*n_bad)++;
    done = at + 1;
    at = done + pt__utf8_invalid_at(src->ptr + done, src->len - done);
  }
  if (rc == 0 && *n_bad)
    rc = pt_buf_put(&fixed, src->ptr + done, src->len - done);
  if (rc == 0 && *n_bad) {
    pt_buf_fini(src);
    *src = fixed;
  } else {
    pt_buf_fini(&fixed);
  }
  return rc;
}

/* Reads src's invalid UTF-8 as U+FFFD, with a warning on the slot: 1 when
 * src is valid UTF-8 then, 0 when it could not be decoded (short of
 * memory: extraction checks it and reports the file). */
static int warn_lossy(pt__ingest_slot *s, const char *path, pt_buf *src)
{
  size_t n_bad = 0, line = 0;
  pt_buf msg = PT_BUF_INIT;
  if (pt__ingest_decode_lossily(src, &n_bad, &line) != 0) {
    pt_error_clear(); /* short of memory: extraction reports the file */
    return 0;
  }
  if (n_bad && pt_buf_printf(&msg, "%s:%zu: invalid UTF-8, %zu byte%s read "
                             "as U+FFFD", path, line, n_bad,
                             n_bad == 1 ? "" : "s") == 0)
    s->warning = pt_buf_detach(&msg);
  pt_buf_fini(&msg);
  return 1;
}

/* A file whose parse ran past the budget (pt/extract.h): recorded as
 * ignored with the reason "parse_budget", and the message (path and time)
 * as a warning. */
static void skip_over_budget(pt__ingest_slot *s)
{
  pt_file_result_free(s->result);
  s->result = NULL;
  s->ignored = "parse_budget";
  pt_free(s->warning);
  s->warning = pt_strdup(pt_error_last()->message);
  pt_error_clear();
}

static void process(pool *p, pt_extractor *x, pt__reuse_enc *enc, size_t i,
                    pt_buf *path, pt_buf *src)
{
  const pt_walk_file *wf = &p->walk->files[i];
  pt__ingest_slot *s = &p->slots[i];
  pt_grammar g = wf->grammar;
  pt_buf_clear(path);
  int rc = pt_buf_printf(path, "%s/%s", p->walk->root_abs, wf->path);
  if (rc == 0)
    rc = pt_fs_read_file(path->ptr, src);
  if (rc == 0 && pt__ingest_is_binary(src->ptr, src->len)) {
    s->ignored = "binary";
    return;
  }
  size_t disk_size = src->len;
  int is_valid = rc == 0 && warn_lossy(s, wf->path, src);
  if (rc == 0)
    pt_grammar_for_path(wf->path, src->ptr, src->len < 4096 ? src->len : 4096, &g);
  if (rc == 0 && p->parse_only)
    rc = pt_extract_parse_only(x, g, wf->path, src->ptr ? src->ptr : "", src->len);
  else if (rc == 0 && is_valid)
    rc = pt__extract_file_valid(x, g, wf->path, src->ptr ? src->ptr : "",
                                src->len, &s->result);
  else if (rc == 0)
    rc = pt_extract_file(x, g, wf->path, src->ptr ? src->ptr : "", src->len,
                         &s->result);
  /* what a later run needs to reuse it from a store, made in parallel */
  if (rc == 0 && s->result)
    rc = pt__reuse_encode_in(enc, s->result, disk_size);
  /* a result the cache will keep is made compact here, in parallel */
  if (rc == 0 && s->result && p->cache && pt_file_result_compact(&s->result) != 0)
    pt_error_clear(); /* short of memory: keep it as it is */
  if (rc == PT_ENOMEM) {
    pt_mutex_lock(p->mu);
    set_fatal(p, rc);
    pt_mutex_unlock(p->mu);
  }
  if (rc == PT_ETIMEDOUT) { /* left out, and said why on the console */
    skip_over_budget(s);
    return;
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

static int is_large(const pool *p, size_t i)
{
  return p->walk->files[i].size >= p->large_min;
}

/* Called with p->mu held: the next file to extract, or (size_t)-1. One
 * large file at a time: a tree takes 20 to 30 times its file's bytes, and
 * two threads each holding a large file's tree made the parse's peak RSS;
 * a thread that would start a second takes the next smaller file instead,
 * unless only large ones are left. */
static size_t take_next(pool *p)
{
  if (p->fatal || p->next >= p->n_order)
    return (size_t)-1;
  size_t k = p->next;
  while (p->n_large_busy && k < p->n_order && is_large(p, p->order[k]))
    k++;
  if (k == p->n_order)
    k = p->next;
  size_t i = p->order[k];
  memmove(&p->order[p->next + 1], &p->order[p->next],
          (k - p->next) * sizeof *p->order);
  p->order[p->next++] = i;
  p->n_large_busy += is_large(p, i);
  return i;
}

static void worker(void *payload)
{
  pool *p = payload;
  pt_extractor *x = NULL;
  pt_buf path = PT_BUF_INIT, src = PT_BUF_INIT;
  pt__reuse_enc enc = PT__REUSE_ENC_INIT;
  int rc = pt_extractor_new(p->queries, &x);
  if (rc) {
    pt_mutex_lock(p->mu);
    set_fatal(p, rc);
    pt_mutex_unlock(p->mu);
  }
  for (;;) {
    pt_mutex_lock(p->mu);
    size_t i = take_next(p);
    pt_mutex_unlock(p->mu);
    if (i == (size_t)-1)
      break;
    process(p, x, &enc, i, &path, &src);
    pt_mutex_lock(p->mu);
    /* the largest files' trees were freed into the threads' heaps, where
     * the graph's growing blocks keep them from the heaps' tops and only
     * smaller files follow: once the last of them is done, their pages go
     * back (pt/sys/heap.h); so do a large file's, before the next large
     * one (one at a time): that tree did not fit in the last one's freed
     * pages and made the Rust tree's peak, 30 MB above its largest tree
     * (the pages faulted in again cost 0.1 s of system time there). */
    int trim = (p->early[i] && ++p->early_done == p->n_early) ||
               is_large(p, i);
    if (trim) {
      pt_mutex_unlock(p->mu);
      pt_sys_heap_trim();
      pt_mutex_lock(p->mu);
    }
    p->n_large_busy -= is_large(p, i);
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
  pt__reuse_enc_fini(&enc);
  pt_extractor_free(x);
}

/* Is file a larger than file b (ties: the earlier in walk order)? */
static int larger(const pt_walk_file *f, size_t a, size_t b)
{
  return f[a].size != f[b].size ? f[a].size > f[b].size : a < b;
}

/* Large files, extracted one at a time: the largest of the tree's first
 * files (order[0..n_top), largest first) each of at least 1/64 of the
 * bytes to extract, together at most 1/(2 n_threads) of them: the thread
 * that takes them one after another then has no more than its share. */
static void mark_large(pool *p, size_t n_top, unsigned n_threads)
{
  const pt_walk_file *files = p->walk->files;
  uint64_t total = 0, sum = 0;
  for (size_t i = 0; i < p->walk->n_files; i++)
    total += p->slots[i].done ? 0 : files[i].size;
  p->large_min = UINT64_MAX;
  for (size_t k = 0; k < n_top; k++) {
    uint64_t size = files[p->order[k]].size;
    sum += size;
    if (size < total / 64 || sum > total / (2u * n_threads))
      break;
    p->large_min = size;
  }
}

/* The few largest files first, so no thread is left parsing a big file
 * alone at the end; then walk order, so the merge, which follows walk
 * order, can free each parse result soon after it is made. */
static int plan(pool *p, unsigned n_threads)
{
  const pt_walk_file *files = p->walk->files;
  size_t n = p->walk->n_files, k = 0, n_top = 0;
  size_t max_top = n < 4u * n_threads ? n : 4u * n_threads;
  unsigned char *early = p->early = pt_calloc(n + 1, 1);
  p->order = pt_malloc((n + 1) * sizeof *p->order);
  if (!early || !p->order)
    return PT_ERR(PT_ENOMEM, "out of memory");
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
  mark_large(p, n_top, n_threads);
  for (k = 0; k < n_top; k++)
    early[p->order[k]] = 1;
  p->n_early = n_top;
  for (size_t i = 0; i < n; i++)
    if (!early[i] && !p->slots[i].done)
      p->order[k++] = i;
  p->n_order = k;
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
  pt_free(p->early);
  if (rc == 0 && p->fatal)
    rc = PT_ERR(p->fatal, "%s", p->fatal_msg);
  return rc;
}

/* Appends msg (owned from then on, also on failure) to a list. */
static int add_line(char ***lines, size_t *n, char *msg)
{
  char **e = pt_realloc(*lines, (*n + 1) * sizeof *e);
  if (!e) {
    pt_free(msg);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  *lines = e;
  e[(*n)++] = msg;
  return 0;
}

static int add_error(pt_ingest_stats *st, char *msg)
{
  return add_line(&st->errors, &st->n_errors, msg);
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
 * same-named definitions may collide). The later file's key, already in
 * seen, moves on. */
static int make_unique(pt_strmap *seen, pt_file_result *r, pt_entity *e,
                       int *rekeyed)
{
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

/* The key's hash is taken once, for the look-up in seen and the put. */
static int add_entities(pt_graph *g, pt_strmap *seen, pt_file_result *r,
                        int *rekeyed)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < r->n_entities; k++) {
    pt_entity *e = &r->entities[k];
    size_t len = strlen(e->key), *v;
    uint64_t h = pt_strmap_hash(e->key, len);
    if (pt_strmap_get_hashed(seen, e->key, len, h, NULL)) {
      rc = make_unique(seen, r, e, rekeyed);
      len = strlen(e->key);
      h = pt_strmap_hash(e->key, len);
    }
    if (rc == 0)
      rc = pt_graph_add_entity(g, e);
    if (rc == 0) {
      const char *key = pt_graph_entities(g)[pt_graph_n_entities(g) - 1].key;
      rc = pt_strmap_value_hashed(seen, key, len, h, 1, &v);
    }
    if (rc == 0)
      *v = 1;
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

/* No more files join b: its maps go. */
static void close_batch(ref_batch *b)
{
  pt_strmap_fini(&b->keys);
  pt_strmap_fini(&b->copies);
}

/* The arena and table for the strings of file i's n_refs references: the
 * last batch's, or a new batch's once the last holds batch_refs. */
static ref_batch *batch_of(pool *p, size_t i, size_t n_refs)
{
  ref_batch *b = p->n_batches ? &p->batches[p->n_batches - 1] : NULL;
  if (!b || b->n_refs >= batch_refs) {
    if (pt_array_grow((void **)&p->batches, &p->cap_batches, p->n_batches + 1,
                      sizeof *p->batches) != 0)
      return NULL;
    if (p->n_batches)
      close_batch(&p->batches[p->n_batches - 1]);
    b = &p->batches[p->n_batches++];
    memset(b, 0, sizeof *b);
    b->first = i;
    pt_arena_init(&b->strings);
  }
  b->n_refs += n_refs;
  return b;
}

/* How keep_str keeps a string. */
enum { KEEP_SHARED, KEEP_KEY, KEEP_OWN };

/* *id = s's id in b + 1 (0 for NULL). KEEP_KEY: s is the graph's (it
 * outlives b) and is kept itself, once per text. KEEP_SHARED: a copy in
 * b's arena, once per text. KEEP_OWN: a copy of its own, shared with no
 * other reference: an import's name is told from the other references' by
 * its address (resolve_pick.c's by_binding), as when every reference had
 * its own copies. */
static int keep_str(ref_batch *b, const char *s, int how, uint32_t *id)
{
  *id = 0;
  if (!s)
    return 0;
  pt_strmap *m = how == KEEP_KEY ? &b->keys : &b->copies;
  size_t len = strlen(s), at;
  uint64_t h = pt_strmap_hash(s, len);
  if (how != KEEP_OWN && pt_strmap_get_hashed(m, s, len, h, &at)) {
    *id = (uint32_t)at + 1;
    return 0;
  }
  if (b->n_str >= UINT32_MAX - 1)
    return PT_ERR(PT_EINVAL, "more than 2^32 strings in a batch of references");
  const char *kept =
      how == KEEP_KEY ? s : pt_arena_strndup(&b->strings, s, len);
  if (!kept || pt_array_grow((void **)&b->str, &b->cap_str, b->n_str + 1,
                             sizeof *b->str) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = how == KEEP_OWN
               ? 0
               : pt_strmap_put_new_hashed(m, kept, len, h, b->n_str, &at);
  if (rc)
    return rc;
  b->str[b->n_str] = kept;
  *id = (uint32_t)++b->n_str;
  return 0;
}

/* The graph's copy of c's referring key: that of the entity it names, at
 * the graph's index first + c->from_entity, when that entity's key is the
 * reference's own (no look-up: the entity's was interned as it was
 * added), else the pool's. */
static const char *from_key_of(pt_graph *g, const pt_file_result *r,
                               size_t first, const pt_raw_ref *c)
{
  int32_t k = c->from_entity;
  if (k >= 0 && (size_t)k < r->n_entities &&
      r->entities[k].key == c->from_key &&
      first + (size_t)k < pt_graph_n_entities(g))
    return pt_graph_entities(g)[first + (size_t)k].key;
  return pt_graph_intern(g, c->from_key);
}

/* A file's references outlive its parse result: kept in their short form,
 * their strings in its batch, which lives until the batch is resolved.
 * The file's entities are the graph's from index first on. */
static int keep_refs(pool *p, size_t i, pt__ingest_slot *s,
                     const pt_file_result *r, size_t first)
{
  ref_batch *b = batch_of(p, i, r->n_refs);
  s->path = pt_graph_intern(p->g, r->file.path);
  s->lang = r->file.lang;
  s->refs = pt_malloc((r->n_refs + 1) * sizeof *s->refs);
  if (!s->refs || !s->path || !b)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = 0;
  const char *last_from = NULL; /* the last referring key and its id */
  uint32_t last_id = 0;
  for (size_t k = 0; rc == 0 && k < r->n_refs; k++) {
    const pt_raw_ref *c = &r->refs[k];
    pt__kept_ref x;
    memset(&x, 0, sizeof x);
    /* the referring key is an entity's or the file's, already in the
     * graph's pool: share it instead of copying it per reference; a run
     * of references from one entity takes its id once */
    if (c->from_key && c->from_key == last_from)
      x.from_key = last_id;
    else {
      const char *from = from_key_of(p->g, r, first, c);
      rc = from ? keep_str(b, from, KEEP_KEY, &x.from_key)
                : PT_ERR(PT_ENOMEM, "out of memory");
      last_from = rc ? NULL : c->from_key;
      last_id = x.from_key;
    }
    int how = c->kind == PT_REF_IMPORT ? KEEP_OWN : KEEP_SHARED;
    if (!rc) rc = keep_str(b, c->name, how, &x.name);
    if (!rc) rc = keep_str(b, c->scope, how, &x.scope);
    if (!rc) rc = keep_str(b, c->module, how, &x.module);
    if (!rc) rc = keep_str(b, c->recv_type, how, &x.recv_type);
    if (!rc) rc = keep_str(b, c->arg_types, how, &x.arg_types);
    x.line = c->line;
    x.from_entity = c->from_entity;
    x.kind = (uint8_t)c->kind;
    x.via = c->via;
    x.recv_how = c->recv_how;
    x.arity = c->arity;
    x.is_base_init = c->is_base_init;
    s->refs[s->n_refs++] = x;
  }
  return rc;
}

/* The pt_raw_refs of n kept references of batch b into out. */
static void unpack_refs(const ref_batch *b, const pt__kept_ref *k, size_t n,
                        pt_raw_ref *out)
{
#define STR(id) ((id) ? b->str[(id) - 1] : NULL)
  for (size_t j = 0; j < n; j++) {
    const pt__kept_ref *x = &k[j];
    pt_raw_ref r = {STR(x->from_key), STR(x->name), STR(x->scope),
                    STR(x->module), STR(x->recv_type), (pt_ref_kind)x->kind,
                    x->line, x->from_entity, x->via, x->recv_how, x->arity,
                    x->is_base_init, STR(x->arg_types)};
    out[j] = r;
  }
#undef STR
}

/* A file's record as the graph keeps it: a reused result's record may keep
 * what the file read in the run that stored it, which this run's tables
 * need not give: kept without it (a patch writes it again). */
static int add_file(pt_graph *g, const pt_file_record *f)
{
  if (!f->reuse || !pt__reuse_has_reads(f))
    return pt_graph_add_file(g, f);
  pt_buf b = PT_BUF_INIT;
  pt_file_record c = *f;
  int rc = pt__reuse_set_reads(f, NULL, NULL, &b);
  if (rc == 0) {
    c.reuse = b.ptr;
    c.reuse_size = b.len;
    rc = pt_graph_add_file(g, &c);
  }
  pt_buf_fini(&b);
  return rc;
}

/* One file into the graph: entities, tests, its record, its references. */
static int merge_one(pool *p, size_t i)
{
  pt__ingest_slot *s = &p->slots[i];
  pt_ingest_stats *st = p->st;
  if (s->ignored) {
    pt_ignored_file ig = {p->walk->files[i].path, s->ignored};
    int rc = pt_graph_add_ignored(p->g, &ig);
    if (s->warning) { /* why, when it says more than the reason */
      int wrc = add_line(&st->warnings, &st->n_warnings, s->warning);
      rc = rc ? rc : wrc;
    }
    s->warning = NULL;
    return rc;
  }
  st->total_files++;
  if (s->warning) {
    int rc = add_line(&st->warnings, &st->n_warnings, s->warning);
    s->warning = NULL;
    if (rc)
      return rc;
  }
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
  r->file.mtime_ns = p->walk->files[i].mtime_ns;
  int rekeyed = 0;
  size_t first = pt_graph_n_entities(p->g);
  int rc = add_entities(p->g, &p->seen, r, &rekeyed);
  if (rekeyed) { /* its reuse record names the keys as extracted */
    r->file.reuse = NULL;
    r->file.reuse_size = 0;
  }
  for (size_t k = 0; rc == 0 && k < r->n_tests; k++)
    rc = pt_graph_add_test(p->g, &r->tests[k]);
  if (rc == 0)
    rc = add_file(p->g, &r->file);
  if (rc == 0)
    rc = keep_refs(p, i, s, r, first);
  s->result = NULL;
  if (s->cached) {
    pt__cache_take(p->cache, s->cache_idx);
    st->reused_files++;
  }
  /* a rekeyed result no longer holds the keys as extracted: not kept */
  if (p->cache && !rekeyed) {
    int kept = pt__cache_keep(p->cache, &p->walk->files[i], r);
    return rc ? rc : kept;
  }
  pt_file_result_free(r);
  return rc;
}

/* Frees the kept references of files [from, to). */
static void drop_refs(pt__ingest_slot *slots, size_t from, size_t to)
{
  for (size_t i = from; i < to; i++) {
    pt_free(slots[i].refs);
    slots[i].refs = NULL;
    slots[i].n_refs = 0;
  }
}

static void drop_batch(ref_batch *b)
{
  close_batch(b);
  pt_arena_fini(&b->strings);
  pt_free(b->str);
  b->str = NULL;
  b->n_str = b->cap_str = 0;
}

static void drop_batches(pool *p)
{
  for (size_t k = 0; k < p->n_batches; k++)
    drop_batch(&p->batches[k]);
  pt_free(p->batches);
  p->batches = NULL;
  p->n_batches = p->cap_batches = 0;
}

/* The files of batch k: [*from, *to). */
static void batch_files(const pool *p, size_t k, size_t *from, size_t *to)
{
  *from = k ? p->batches[k].first : 0;
  *to = k + 1 < p->n_batches ? p->batches[k + 1].first : p->walk->n_files;
}

/* The references of batch k's files made again as pt_raw_refs in *refs
 * (room for *cap, grown as needed; the last batch's are overwritten) and
 * each file's job in jobs, as the resolver reads them. */
static int unpack_batch(pool *p, size_t k, pt_raw_ref **refs, size_t *cap,
                        pt__resolve_job *jobs)
{
  const pt__ingest_slot *slots = p->slots;
  size_t from, to, n = 0, at = 0;
  batch_files(p, k, &from, &to);
  for (size_t i = from; i < to; i++)
    n += slots[i].n_refs;
  if (pt_array_grow((void **)refs, cap, n + 1, sizeof **refs) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = from; i < to; i++) {
    pt_raw_ref *r = slots[i].refs ? *refs + at : NULL;
    if (r)
      unpack_refs(&p->batches[k], slots[i].refs, slots[i].n_refs, r);
    pt__resolve_job j = {slots[i].path, slots[i].lang, r, slots[i].n_refs};
    jobs[i] = j;
    at += slots[i].n_refs;
  }
  return 0;
}

/* Files [from, to) resolved, and with keep_reads what each read into
 * its slot. */
static int resolve_range(pool *p, pt_resolver *rs, const pt__resolve_job *jobs,
                         size_t from, size_t to, unsigned n_threads)
{
  size_t n = to - from;
  if (!p->keep_reads)
    return pt__resolve_files(rs, p->g, jobs + from, n, n_threads);
  pt__deps *d = pt_calloc(2 * n + 1, sizeof *d);
  int rc = d ? pt__resolve_files_reading(rs, p->g, jobs + from, n, n_threads,
                                         d, d + n)
             : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; d && i < n; i++) {
    p->slots[from + i].reads[0] = d[i];
    p->slots[from + i].reads[1] = d[n + i];
  }
  pt_free(d);
  return rc;
}

/* What each file's resolution read, written into its record in the graph
 * (after the save begun at merge has read the records: a store writes the
 * file records after resolution), then freed. A record that is not the
 * current version's (a rekeyed file's has none) keeps none. */
static int keep_reads(pool *p)
{
  pt_buf b = PT_BUF_INIT;
  int rc = 0;
  for (size_t i = 0; i < p->walk->n_files; i++) {
    pt__ingest_slot *s = &p->slots[i];
    const pt_file_record *f =
        rc == 0 && s->path ? pt_graph_find_file(p->g, s->path) : NULL;
    if (f && pt__reuse_is_current(f))
      rc = pt__reuse_write_reads(p->g, f, &s->reads[0], &s->reads[1], &b);
    pt__deps_fini(&s->reads[0]);
    pt__deps_fini(&s->reads[1]);
  }
  pt_buf_fini(&b);
  return rc;
}

/* Each batch's files on the worker threads (resolve_run.c), one batch
 * after another: the edges still go to g in file order; then the batch's
 * references are freed. */
static int resolve_batches(pool *p, pt_resolver *rs, pt__resolve_job *jobs,
                           pt_raw_ref **refs, size_t *cap, unsigned n_threads)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < p->n_batches; k++) {
    size_t from, to;
    batch_files(p, k, &from, &to);
    size_t base = pt_graph_n_edges(p->g);
    rc = unpack_batch(p, k, refs, cap, jobs);
    if (rc == 0)
      rc = resolve_range(p, rs, jobs, from, to, n_threads);
    /* the repeats the finish would drop (a third of PostgreSQL's edges),
     * dropped now: an edge's from_key is its file's, and the batch holds
     * whole files */
    if (rc == 0 && pt_graph_drop_repeated_edges(p->g, base) != 0)
      pt_error_clear(); /* short of memory: the finish drops them */
    drop_refs(p->slots, from, to);
    drop_batch(&p->batches[k]);
    /* glibc keeps what was freed for the next small blocks, but the
     * edges grow in one large array: give it back */
    pt_sys_heap_trim();
  }
  return rc;
}

/* The bases of every file first (method lookup follows them), then each
 * file's references. Both read a batch's references made again as
 * pt_raw_refs, one batch at a time. */
static int resolve_all(pool *p, pt_ingest_cache *keep, unsigned n_threads)
{
  const pt_walk_result *w = p->walk;
  pt__ingest_slot *slots = p->slots;
  pt_resolver *rs = NULL;
  pt_raw_ref *refs = NULL;
  size_t n_refs = 0, cap = 0;
  if (p->n_batches) /* every file is in */
    close_batch(&p->batches[p->n_batches - 1]);
  for (size_t i = 0; i < w->n_files; i++)
    n_refs += slots[i].n_refs;
  pt__resolve_job *jobs = pt_calloc(w->n_files + 1, sizeof *jobs);
  int rc = jobs ? pt_graph_reserve_edges(p->g, n_refs)
                : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt__resolver_new(p->g, &rs);
  if (rc == 0 && keep) /* for the live index's patches */
    rc = pt__resolver_record(rs);
  for (size_t k = 0; rc == 0 && k < p->n_batches; k++) {
    size_t from, to;
    batch_files(p, k, &from, &to);
    rc = unpack_batch(p, k, &refs, &cap, jobs);
    for (size_t i = from; rc == 0 && i < to; i++)
      if (slots[i].path)
        rc = pt__resolver_note_bases(rs, slots[i].path, slots[i].lang,
                                     jobs[i].refs, jobs[i].n_refs);
  }
  if (rc == 0)
    rc = resolve_batches(p, rs, jobs, &refs, &cap, n_threads);
  pt_free(refs);
  pt_free(jobs);
  if (rc == 0 && keep)
    pt__cache_keep_resolver(keep, rs, p->g);
  else
    pt__resolver_free(rs);
  return rc;
}

void pt__ingest_count(const pt_graph *g, pt_ingest_stats *st)
{
  st->n_edges = pt_graph_n_edges(g);
  st->n_resolved = pt_graph_n_resolved_edges(g);
  st->n_unresolved = st->n_edges - st->n_resolved;
  st->n_entities = pt_graph_n_entities(g);
  st->n_tests = pt_graph_n_tests(g);
  st->n_ignored = pt_graph_n_ignored(g);
}

typedef struct merged_hook {
  pt_ingest_merged_fn fn;       /* may be NULL */
  pt_ingest_merged_fn resolved; /* may be NULL: called when fn was */
  void *payload;
} merged_hook;

static int build(const pt_ingest_opts *o, const merged_hook *hook,
                 pt_walk_result *w, pt__ingest_slot *slots, pt_graph *g,
                 pt_ingest_stats *st)
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
  /* with a cache the resolver records every file's reads itself */
  p.keep_reads = o->keep_reads && !o->parse_only && !p.cache;
  pt_queries *q = NULL;
  int rc = p.cache ? pt__cache_queries(p.cache, &q) : pt_queries_new(&q);
  p.queries = q;
  uint64_t t0 = pt_clock_ns();
  if (rc == 0 && p.cache) /* a lazy seed's references, all used now */
    rc = pt__cache_refs_all(p.cache);
  if (rc == 0 && p.cache)
    pt__cache_reuse(p.cache, w, slots);
  if (rc == 0) rc = merge_walk(&p);
  if (rc == 0) rc = run_pool(&p, o->n_threads ? o->n_threads : pt_cpu_count());
  pt_strmap_fini(&p.seen);
  if (!p.cache)
    pt_queries_free(q);
  if (p.cache) {
    int kept = pt__cache_commit(p.cache, rc == 0);
    rc = rc ? rc : kept;
  }
  pt_sys_heap_trim(); /* the parse threads' freed trees and results */
  uint64_t t1 = pt_clock_ns();
  st->extract_ns = t1 - t0;
  int is_hooked = rc == 0 && hook->fn && !o->parse_only;
  if (is_hooked)
    hook->fn(g, hook->payload);
  if (p.cache)
    pt__cache_drop_resolver(p.cache);
  if (rc == 0)
    rc = resolve_all(&p, p.cache, o->n_threads ? o->n_threads : pt_cpu_count());
  /* the save begun at merge reads the records in place until here */
  if (is_hooked && hook->resolved)
    hook->resolved(g, hook->payload);
  drop_refs(slots, 0, w->n_files);
  drop_batches(&p);
  pt_sys_heap_trim(); /* the references' pages, before the sort's */
  if (rc == 0 && p.keep_reads)
    rc = keep_reads(&p);
  if (rc == 0) rc = pt_graph_set_meta(g, "root", w->root_abs);
  if (rc == 0) rc = pt_graph_finish(g);
  pt_sys_heap_trim(); /* the sort's arrays, before a save's page cache */
  if (rc && p.cache)
    pt__cache_drop_resolver(p.cache);
  if (rc == 0)
    pt__ingest_count(g, st);
  st->resolve_ns = pt_clock_ns() - t1;
  return rc;
}

int pt_ingest(const pt_ingest_opts *o, pt_graph **out, pt_ingest_stats *st)
{
  return pt_ingest_with_hook(o, NULL, NULL, NULL, out, st);
}

int pt_ingest_with_hook(const pt_ingest_opts *o, pt_ingest_merged_fn merged,
                        pt_ingest_merged_fn resolved, void *payload,
                        pt_graph **out, pt_ingest_stats *st)
{
  merged_hook hook = {merged, resolved, payload};
  pt_walk_opts wo = {o->root, o->max_file_size ? o->max_file_size
                                               : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                     o->skip, o->n_skip};
  pt_walk_result *w = NULL;
  pt_graph *g = NULL;
  pt__ingest_slot *slots = NULL;
  memset(st, 0, sizeof *st);
  uint64_t t0 = pt_clock_ns();
  int rc = pt_walk(&wo, &w);
  st->walk_ns = pt_clock_ns() - t0;
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0 && !(slots = pt_calloc(w->n_files + 1, sizeof *slots)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = build(o, &hook, w, slots, g, st);
  for (size_t i = 0; slots && i < w->n_files; i++) {
    if (!slots[i].cached)
      pt_file_result_free(slots[i].result);
    pt_free(slots[i].error);
    pt_free(slots[i].warning);
    pt_free(slots[i].refs);
    pt__deps_fini(&slots[i].reads[0]);
    pt__deps_fini(&slots[i].reads[1]);
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
  for (size_t i = 0; i < st->n_warnings; i++)
    pt_free(st->warnings[i]);
  pt_free(st->warnings);
  st->warnings = NULL;
  st->n_warnings = 0;
}

