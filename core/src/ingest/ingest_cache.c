/* The ingest cache (pt/ingest.h): the parse results of the last run, kept
 * per file in walk order for the next one, with the marks of what must be
 * extracted again, the compiled queries, and the resolver of the last full
 * run for the live index's patches. A run builds the next generation as it
 * merges; a failed run drops both, so the next extracts everything. */
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/both.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/strmap.h"
#include "ingest_int.h"

struct pt_ingest_cache {
  pt_queries *queries;      /* owned, compiled once for every run */
  pt__cache_entry *entries; /* owned; this generation, in walk order */
  size_t n, cap;
  size_t n_refs_pending;    /* entries with refs_at set */
  pt_strmap map;            /* path -> index into entries */
  pt__cache_entry *next;    /* the generation the running merge builds */
  size_t n_next, cap_next;
  pt_arena dirty_paths;     /* keys of dirty */
  pt_strmap dirty;          /* marked paths */
  int all_dirty;
  /* the resolver of the last full run, kept true by pt_ingest_patch */
  pt_resolver *rs;
  pt_graph_pool *pool;      /* retained: the strings rs points to */
  size_t pool_base;         /* its size after that run */
  pt_graph_pool *seed_pool; /* retained: strings of seeded results */
  pt__rerun_prep *rerun;    /* owned: pt_ingest_rerun_begin's */
  pt__rerun_parse *parse;   /* owned: pt_ingest_rerun_parse_ahead's */
  pt__ahead *ahead;         /* owned: pt_ingest_extract_ahead's, or NULL */
};

pt__ahead **pt__cache_ahead(pt_ingest_cache *c)
{
  return &c->ahead;
}

void pt__cache_set_rerun(pt_ingest_cache *c, pt__rerun_prep *p)
{
  pt__rerun_prep_free(c->rerun);
  c->rerun = p;
}

pt__rerun_prep *pt__cache_take_rerun(pt_ingest_cache *c)
{
  pt__rerun_prep *p = c->rerun;
  c->rerun = NULL;
  return p;
}

void pt__cache_set_parse(pt_ingest_cache *c, pt__rerun_parse *p)
{
  pt__rerun_parse_free(c->parse);
  c->parse = p;
}

pt__rerun_parse *pt__cache_take_parse(pt_ingest_cache *c)
{
  pt__rerun_parse *p = c->parse;
  c->parse = NULL;
  return p;
}

int pt__cache_queries(pt_ingest_cache *c, pt_queries **out)
{
  int rc = c->queries ? 0 : pt_queries_new(&c->queries);
  *out = c->queries;
  return rc;
}

void pt__cache_drop_resolver(pt_ingest_cache *c)
{
  pt__resolver_free(c->rs);
  pt_graph_pool_release(c->pool);
  c->rs = NULL;
  c->pool = NULL;
}

/* Without the memory to keep rs, patches just do not happen. */
void pt__cache_keep_resolver(pt_ingest_cache *c, pt_resolver *rs, pt_graph *g)
{
  size_t ne = pt_graph_n_entities(g), nf = pt_graph_n_files(g);
  pt_entity *ents = pt_malloc((ne + 1) * sizeof *ents);
  pt_file_record *files = pt_malloc((nf + 1) * sizeof *files);
  pt__cache_drop_resolver(c);
  if (!ents || !files) {
    pt_free(ents);
    pt_free(files);
    pt__resolver_free(rs);
    return;
  }
  memcpy(ents, pt_graph_entities(g), ne * sizeof *ents);
  memcpy(files, pt_graph_files(g), nf * sizeof *files);
  pt__resolver_adopt(rs, ents, files);
  c->rs = rs;
  c->pool = pt_graph_pool_retain(g);
  c->pool_base = pt_graph_pool_bytes(g);
}

void pt__cache_set_resolver(pt_ingest_cache *c, pt_resolver *rs,
                            const pt_graph *g)
{
  pt__cache_drop_resolver(c);
  c->rs = rs;
  c->pool = pt_graph_pool_retain(g);
  c->pool_base = pt_graph_pool_bytes(g);
}

int pt__cache_is_fresh_seed(const pt_ingest_cache *c)
{
  return !c->rs && c->n > 0 && c->entries[0].seeded && !c->all_dirty &&
         c->dirty.n == 0;
}

int pt__cache_keep(pt_ingest_cache *c, const pt_walk_file *wf, pt_file_result *r)
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
  pt__cache_entry *e = &c->next[c->n_next++];
  e->path = path;
  e->size = wf->size;
  e->mtime_ns = wf->mtime_ns;
  e->r = r;
  e->seeded = 0;
  e->refs_at = 0;
  return 0;
}

int pt__cache_hold_pool(pt_ingest_cache *c, const pt_graph *g)
{
  pt_graph_pool_release(c->seed_pool);
  c->seed_pool = pt_graph_pool_retain(g);
  return 0;
}

int pt__cache_add_seeded(pt_ingest_cache *c, const pt_file_record *f,
                         pt_file_result *r, size_t refs_at)
{
  char *path = pt_strdup(f->path);
  int rc = path ? pt_array_grow((void **)&c->entries, &c->cap, c->n + 1,
                                sizeof *c->entries)
                : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = pt_strmap_put(&c->map, path, strlen(path), c->n);
  if (rc) {
    pt_free(path);
    pt_file_result_free(r);
    return rc;
  }
  pt__cache_entry *e = &c->entries[c->n++];
  e->path = path;
  e->size = pt__reuse_disk_size(f); /* as the walk sees it */
  e->mtime_ns = f->mtime_ns;
  e->r = r;
  e->seeded = 1;
  e->refs_at = refs_at;
  c->n_refs_pending += refs_at != 0;
  return 0;
}

int pt__cache_refs(pt_ingest_cache *c, size_t i)
{
  pt__cache_entry *e = &c->entries[i];
  if (!e->refs_at || !e->r)
    return 0;
  int rc = pt__reuse_decode_refs(e->r, e->refs_at);
  if (rc < 0)
    return rc;
  e->refs_at = 0;
  c->n_refs_pending--;
  if (rc == 1) {
    pt_file_result_free(e->r);
    e->r = NULL;
    return PT_EAGAIN;
  }
  return 0;
}

/* Entries from..to whose references are left (and which says so, or is
 * NULL) decoded: bad[i] set for those malformed; done counts them all. */
typedef struct refs_part {
  pt__cache_entry *e;
  const unsigned char *which;
  unsigned char *bad;
  size_t from, to, done;
  int rc;
  pt_error err;
} refs_part;

static void refs_part_run(void *payload)
{
  refs_part *p = payload;
  for (size_t i = p->from; p->rc == 0 && i < p->to; i++) {
    pt__cache_entry *e = &p->e[i];
    if (!e->refs_at || !e->r || (p->which && !p->which[i]))
      continue;
    int rc = pt__reuse_decode_refs(e->r, e->refs_at);
    if (rc < 0) {
      p->rc = rc;
      p->err = *pt_error_last();
      break;
    }
    e->refs_at = 0;
    p->bad[i] = (unsigned char)rc;
    p->done++;
  }
}

/* Below this many entries to decode, one thread decodes them. */
#define REFS_SPLIT_MIN 256

/* The references left of the entries which names (NULL: every one),
 * decoded on this thread and one more when there are many (decoding is
 * pure: each entry's own); the malformed drop their results, *n_bad
 * counts them. */
static int refs_of(pt_ingest_cache *c, const unsigned char *which,
                   size_t *n_bad)
{
  size_t n = 0;
  *n_bad = 0;
  for (size_t i = 0; c->n_refs_pending && i < c->n; i++)
    n += c->entries[i].refs_at && (!which || which[i]);
  if (n == 0)
    return 0;
  unsigned char *bad = pt_calloc(c->n + 1, 1);
  if (!bad)
    return PT_ERR(PT_ENOMEM, "out of memory");
  refs_part part[2] = {{c->entries, which, bad, 0, c->n / 2, 0, 0, {0}},
                       {c->entries, which, bad, c->n / 2, c->n, 0, 0, {0}}};
  pt_both_if(n >= REFS_SPLIT_MIN, refs_part_run, &part[1], refs_part_run,
             &part[0]);
  c->n_refs_pending -= part[0].done + part[1].done;
  for (size_t i = 0; i < c->n; i++)
    if (bad[i]) {
      pt_file_result_free(c->entries[i].r);
      c->entries[i].r = NULL;
      (*n_bad)++;
    }
  pt_free(bad);
  const refs_part *failed = part[0].rc ? &part[0] : part[1].rc ? &part[1] : NULL;
  if (failed)
    return pt__error_set(failed->err.code, failed->err.file, failed->err.line,
                         "%s", failed->err.message);
  return 0;
}

int pt__cache_refs_many(pt_ingest_cache *c, const unsigned char *which)
{
  size_t n_bad;
  int rc = refs_of(c, which, &n_bad);
  return rc ? rc : n_bad ? PT_EAGAIN : 0;
}

int pt__cache_refs_all(pt_ingest_cache *c)
{
  size_t n_bad;
  int rc = refs_of(c, NULL, &n_bad);
  if (n_bad)
    pt_log(PT_LOG_WARN, "ingest cache: %zu file records held a malformed "
           "reuse record; those files are parsed again", n_bad);
  return rc;
}

int pt__cache_is_run_of(const pt_ingest_cache *c, const pt_graph *g)
{
  return c->rs && pt_graph_pool_of(g) == c->pool &&
         c->n <= pt_graph_n_files(g) &&
         (!c->seed_pool || c->seed_pool == c->pool);
}

void pt__cache_put_decoded(pt_ingest_cache *c, size_t i, pt_file_result *r)
{
  pt_file_result_free(c->entries[i].r);
  c->entries[i].r = r;
  c->n_refs_pending -= c->entries[i].refs_at != 0;
  c->entries[i].refs_at = 0;
}

static void free_entries(pt__cache_entry *e, size_t n)
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
int pt__cache_commit(pt_ingest_cache *c, int ok)
{
  free_entries(c->entries, c->n);
  c->entries = NULL;
  c->n = c->cap = 0;
  c->n_refs_pending = 0;
  pt_strmap_fini(&c->map);
  memset(&c->map, 0, sizeof c->map);
  if (!ok) {
    free_entries(c->next, c->n_next);
  } else {
    c->entries = c->next;
    c->n = c->n_next;
    c->cap = c->cap_next;
    pt__cache_clear_dirty(c);
  }
  c->next = NULL;
  c->n_next = c->cap_next = 0;
  for (size_t i = 0; i < c->n; i++) {
    int rc = pt_strmap_put(&c->map, c->entries[i].path, strlen(c->entries[i].path), i);
    if (rc) {
      pt__cache_commit(c, 0);
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

void pt__cache_reuse(pt_ingest_cache *c, const pt_walk_result *w,
                     pt__ingest_slot *slots)
{
  for (size_t i = 0; i < w->n_files; i++) {
    const pt_walk_file *wf = &w->files[i];
    size_t k;
    if (!pt_strmap_get(&c->map, wf->path, strlen(wf->path), &k))
      continue;
    pt__cache_entry *e = &c->entries[k];
    if (!e->r || e->size != wf->size || is_dirty(c, wf->path))
      continue;
    /* a stored mtime that differs may be a checkout or a copy that kept
     * the content: the content decides */
    if (e->mtime_ns != wf->mtime_ns &&
        !(e->seeded && pt__reuse_same_content(w->root_abs, wf->path,
                                              e->r->file.content_hash)))
      continue;
    slots[i].result = e->r;
    slots[i].cached = 1;
    slots[i].cache_idx = k;
    slots[i].done = 1;
  }
}

void pt__cache_take(pt_ingest_cache *c, size_t i)
{
  c->entries[i].r = NULL;
  c->n_refs_pending -= c->entries[i].refs_at != 0;
  c->entries[i].refs_at = 0;
}

/* ---- the patch shortcut's side -------------------------------------------- */

int pt__cache_can_patch(const pt_ingest_cache *c, const pt_graph *prev)
{
  return c->rs && !c->all_dirty && c->dirty.n != 0 &&
         pt_graph_pool_bytes(prev) <= 2 * c->pool_base + ((size_t)1 << 20);
}

int pt__cache_covers(const pt_ingest_cache *c, const pt_graph *prev)
{
  return pt_graph_n_files(prev) == c->n && pt_graph_pool_of(prev) == c->pool;
}

const pt__cache_entry *pt__cache_entries(const pt_ingest_cache *c, size_t *n)
{
  *n = c->n;
  return c->entries;
}

size_t pt__cache_first_below(const pt_ingest_cache *c, const char *dir,
                             size_t dl)
{
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *p = c->entries[mid].path;
    int cmp = strncmp(p, dir, dl);
    if (cmp == 0)
      cmp = (unsigned char)p[dl] - (unsigned char)'/';
    if (cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int pt__cache_find(const pt_ingest_cache *c, const char *path, size_t len,
                   size_t *i)
{
  return pt_strmap_get(&c->map, path, len, i);
}

void pt__cache_replace(pt_ingest_cache *c, size_t i, pt_file_result *r,
                       uint64_t size, int64_t mtime_ns)
{
  pt__cache_entry *e = &c->entries[i];
  pt_file_result_free(e->r);
  e->r = r;
  e->size = size;
  e->mtime_ns = mtime_ns;
  e->seeded = 0;
  c->n_refs_pending -= e->refs_at != 0;
  e->refs_at = 0;
}

size_t pt__cache_n_dirty(const pt_ingest_cache *c)
{
  return c->dirty.n;
}

const char *pt__cache_next_dirty(const pt_ingest_cache *c, size_t *it,
                                 size_t *len)
{
  for (; *it < c->dirty.cap; (*it)++) {
    const pt_strmap_slot *d = &c->dirty.slots[*it];
    if (d->key) {
      (*it)++;
      *len = d->len;
      return d->key;
    }
  }
  return NULL;
}

void pt__cache_clear_dirty(pt_ingest_cache *c)
{
  pt_strmap_fini(&c->dirty);
  memset(&c->dirty, 0, sizeof c->dirty);
  pt_arena_fini(&c->dirty_paths);
  c->all_dirty = 0;
}

pt_resolver *pt__cache_resolver(const pt_ingest_cache *c)
{
  return c->rs;
}

/* The first of the entries from lo on (sorted by path) whose path sorts
 * after path. */
static size_t entry_after(const pt_ingest_cache *c, size_t lo, const char *path)
{
  size_t hi = c->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(c->entries[mid].path, path) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int pt__cache_splice(pt_ingest_cache *c, const unsigned char *drop,
                     pt__cache_add *adds, size_t n_adds)
{
  size_t n = c->n + n_adds, a = 0, w = 0;
  pt__cache_entry *e = pt_malloc((n + 1) * sizeof *e);
  size_t *moved = pt_malloc((c->n + 1) * sizeof *moved); /* old index -> new */
  size_t *at = pt_malloc((n_adds + 1) * sizeof *at);      /* an add's index */
  pt_strmap map = PT_STRMAP_INIT;
  int rc = e && moved && at ? pt_strmap_reserve(&map, n)
                      : PT_ERR(PT_ENOMEM, "out of memory");
  /* an add goes before the first entry whose path sorts after its own,
   * found by binary search (the adds are sorted too): not a compare with
   * every entry before it */
  size_t next = n_adds ? entry_after(c, 0, adds[0].path) : SIZE_MAX;
  for (size_t i = 0; rc == 0 && i <= c->n; i++) {
    while (a < n_adds && next <= i) {
      at[a] = w;
      e[w++] = (pt__cache_entry){adds[a].path, adds[a].size, adds[a].mtime_ns,
                                 adds[a].r, 0, 0};
      a++;
      next = a < n_adds ? entry_after(c, next, adds[a].path) : SIZE_MAX;
    }
    if (i == c->n)
      break;
    moved[i] = drop[i] ? SIZE_MAX : w;
    if (!drop[i])
      e[w++] = c->entries[i];
  }
  /* the map: a kept path's slot moves into the new one with the hash the
   * old one holds (its text is neither read nor hashed again: 17,449
   * paths on the large tree at every file that comes or goes); the new
   * paths are hashed */
  for (size_t s = 0; rc == 0 && s < c->map.cap; s++) {
    const pt_strmap_slot *sl = &c->map.slots[s];
    size_t was;
    if (sl->key && moved[sl->value] != SIZE_MAX)
      rc = pt_strmap_put_new_hashed(&map, sl->key, sl->len, sl->hash,
                                    moved[sl->value], &was);
  }
  for (size_t k = 0; rc == 0 && k < n_adds; k++) {
    size_t was;
    rc = pt_strmap_put_new(&map, adds[k].path, strlen(adds[k].path), at[k], &was);
  }
  pt_free(moved);
  pt_free(at);
  if (rc) { /* the cache is nothing without its map: start over */
    for (size_t k = 0; k < n_adds; k++) {
      pt_free(adds[k].path);
      pt_file_result_free(adds[k].r);
    }
    pt_free(e);
    pt_strmap_fini(&map);
    pt__cache_commit(c, 0);
    pt__cache_drop_resolver(c);
    return rc;
  }
  for (size_t i = 0; i < c->n; i++)
    if (drop[i]) {
      pt_free(c->entries[i].path);
      pt_file_result_free(c->entries[i].r);
      c->n_refs_pending -= c->entries[i].refs_at != 0;
    }
  for (size_t k = 0; k < n_adds; k++)
    adds[k].path = NULL; /* the entries' now */
  pt_free(c->entries);
  c->entries = e;
  c->n = w;
  c->cap = n + 1;
  pt_strmap_fini(&c->map);
  c->map = map;
  return 0;
}

/* ---- pt/ingest.h ------------------------------------------------------------ */

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
  pt__rerun_parse_free(c->parse); /* its thread joined before the queries go */
  pt__ahead_free(c->ahead);
  free_entries(c->entries, c->n);
  free_entries(c->next, c->n_next);
  pt_strmap_fini(&c->map);
  pt_strmap_fini(&c->dirty);
  pt_arena_fini(&c->dirty_paths);
  pt_queries_free(c->queries);
  pt__cache_drop_resolver(c);
  pt_graph_pool_release(c->seed_pool);
  pt__rerun_prep_free(c->rerun);
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

