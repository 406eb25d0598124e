/* Who read what changed (resolve.h, pt__resolver_readers): an index from
 * each hash a file's resolution recorded (res_file.deps, and .bdeps for
 * noting its bases) to the files holding it, kept by the patch, so that
 * finding the readers of a change costs the postings of its hashes, not a
 * search of every file's records (17,000 files on the large tree).
 *
 * A posting is (file, next): appended to its hash's list when a file's
 * records come to hold the hash, never taken out. When a file's records
 * are replaced, the hashes it no longer holds leave their postings stale;
 * a lookup skips them by searching the file's records (sorted) for the
 * hash, which also answers for a file that left. Once the stale postings
 * outnumber the live ones the index is made again from the records. An
 * index that could not grow (out of memory) is dropped, and the readers
 * are found by the scan until it is made again: never a wrong answer. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

#define NO_POST UINT32_MAX

void pt__readers_fini(pt__readers *x)
{
  pt_free(x->keys);
  pt_free(x->head);
  pt_free(x->post);
  memset(x, 0, sizeof *x);
}

/* The slot comes from the hash's top bits, mixed again. */
static size_t slot_of(const pt__readers *x, uint64_t h)
{
  size_t mask = x->cap - 1;
  size_t i = (size_t)((h ^ (h >> 29)) * 0x9E3779B97F4A7C15ull >> 20) & mask;
  while (x->head[i] != NO_POST && x->keys[i] != h)
    i = (i + 1) & mask;
  return i;
}

static int grow_table(pt__readers *x, size_t need)
{
  size_t cap = x->cap ? x->cap : 1024;
  while (cap / 4 * 3 < need)
    cap *= 2;
  if (cap == x->cap)
    return 0;
  uint64_t *keys = pt_malloc(cap * sizeof *keys);
  uint32_t *head = pt_malloc(cap * sizeof *head);
  if (!keys || !head) {
    pt_free(keys);
    pt_free(head);
    return -1;
  }
  for (size_t i = 0; i < cap; i++)
    head[i] = NO_POST;
  pt__readers old = *x;
  x->keys = keys;
  x->head = head;
  x->cap = cap;
  for (size_t i = 0; i < old.cap; i++)
    if (old.head[i] != NO_POST) {
      size_t s = slot_of(x, old.keys[i]);
      x->keys[s] = old.keys[i];
      x->head[s] = old.head[i];
    }
  pt_free(old.keys);
  pt_free(old.head);
  return 0;
}

static int add_posting(pt__readers *x, uint64_t h, size_t f)
{
  if (x->n_post >= NO_POST || f >= NO_POST)
    return -1;
  if (x->n_post == x->cap_post) {
    size_t cap = x->cap_post ? x->cap_post * 2 : 4096;
    pt__posting *p = pt_realloc(x->post, cap * sizeof *p);
    if (!p)
      return -1;
    x->post = p;
    x->cap_post = cap;
  }
  if (grow_table(x, x->n_keys + 1) != 0)
    return -1;
  size_t s = slot_of(x, h);
  if (x->head[s] == NO_POST) {
    x->keys[s] = h;
    x->n_keys++;
  }
  x->post[x->n_post].file = (uint32_t)f;
  x->post[x->n_post].next = x->head[s];
  x->head[s] = (uint32_t)x->n_post++;
  return 0;
}

/* Makes the index from every file's records: 0, or -1 (out of memory:
 * left dropped). */
static int build(pt_resolver *rs, int bases)
{
  pt__readers *x = &rs->readers[bases];
  pt__readers_fini(x);
  size_t n = 0;
  for (size_t f = 0; f < rs->n_files; f++)
    if (!rs->rfiles[f].dead)
      n += pt__resolver_file_deps(rs, f, bases)->n;
  x->cap_post = n + n / 8 + 1024;
  x->post = pt_malloc(x->cap_post * sizeof *x->post);
  /* about half as many distinct hashes as records on the large tree */
  if (!x->post || grow_table(x, n / 2 + 1) != 0) {
    pt__readers_fini(x);
    return -1;
  }
  for (size_t f = 0; f < rs->n_files; f++) {
    const pt__deps *d = pt__resolver_file_deps(rs, f, bases);
    for (size_t i = 0; !rs->rfiles[f].dead && i < d->n; i++)
      if (add_posting(x, d->v[i], f) != 0) {
        pt__readers_fini(x);
        return -1;
      }
  }
  x->n_live = x->n_post;
  x->built = 1;
  return 0;
}

/* A file's records go from was to now (both sealed): hashes new to it
 * get a posting, those it no longer holds leave theirs stale. */
static void replace(pt_resolver *rs, int bases, size_t f, const pt__deps *was,
                    const pt__deps *now)
{
  pt__readers *x = &rs->readers[bases];
  if (!x->built)
    return;
  size_t i = 0, j = 0, gone = 0;
  while (i < was->n || j < now->n) {
    if (j == now->n || (i < was->n && was->v[i] < now->v[j])) {
      gone++;
      i++;
    } else if (i == was->n || now->v[j] < was->v[i]) {
      if (add_posting(x, now->v[j], f) != 0) {
        pt__readers_fini(x);
        return;
      }
      x->n_live++;
      j++;
    } else {
      i++;
      j++;
    }
  }
  x->n_live -= gone < x->n_live ? gone : x->n_live;
  if (x->n_post - x->n_live > x->n_live)
    (void)build(rs, bases); /* one that cannot be made is left dropped */
}

void pt__resolver_keep_deps(pt_resolver *rs, int bases, size_t f,
                            pt__deps *now)
{
  pt__deps none = {0};
  res_file *rf = &rs->rfiles[f];
  pt__deps *d = bases ? &rf->bdeps : &rf->deps;
  if (!now)
    now = &none;
  replace(rs, bases, f, d, now);
  pt__deps_fini(d);
  *d = *now;
  memset(now, 0, sizeof *now);
  /* kept until the file is resolved again: without the room recording
   * grew (about as much again: 12 MB of the several tree's records) */
  uint64_t *v = d->cap > d->n + d->n / 8 + 4
                    ? pt_realloc(d->v, (d->n + 1) * sizeof *v) : NULL;
  if (v) {
    d->v = v;
    d->cap = d->n + 1;
  }
}

void pt__resolver_readers_by_scan(pt_resolver *rs)
{
  rs->readers_by_scan = 1;
  pt__readers_fini(&rs->readers[0]);
  pt__readers_fini(&rs->readers[1]);
}

int pt__readers_make(pt_resolver *rs)
{
  if (!rs->rfiles || rs->readers_by_scan)
    return 0;
  int a = rs->readers[0].built || build(rs, 0) == 0;
  int b = rs->readers[1].built || build(rs, 1) == 0;
  return a && b ? 0 : -1;
}

void pt__readers_count(const pt_resolver *rs, int bases, size_t *n_post,
                       size_t *n_live)
{
  const pt__readers *x = &rs->readers[bases];
  *n_post = x->built ? x->n_post : 0;
  *n_live = x->built ? x->n_live : 0;
}

/* The scan the index stands for: each file's records searched for the
 * changed hashes (pt__resolver_file_reads of every file). */
int pt__resolver_readers_scan(const pt_resolver *rs, int bases,
                              const pt__deps *changed, unsigned char *out)
{
  for (size_t f = 0; f < rs->n_files; f++)
    out[f] = (unsigned char)pt__resolver_file_reads(rs, f, bases, changed);
  return 0;
}

int pt__resolver_readers(pt_resolver *rs, int bases, const pt__deps *changed,
                         unsigned char *out)
{
  pt__readers *x = &rs->readers[bases];
  if (!x->built && (rs->readers_by_scan || build(rs, bases) != 0))
    return pt__resolver_readers_scan(rs, bases, changed, out);
  memset(out, 0, rs->n_files);
  for (size_t i = 0; i < changed->n; i++) {
    uint64_t h = changed->v[i];
    for (uint32_t p = x->head[slot_of(x, h)]; p != NO_POST; p = x->post[p].next) {
      size_t f = x->post[p].file;
      if (!out[f] && !rs->rfiles[f].dead &&
          pt__deps_has(pt__resolver_file_deps(rs, f, bases), h))
        out[f] = 1;
    }
  }
  return 0;
}
