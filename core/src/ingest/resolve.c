/* The resolver's frozen tables (resolve.h, resolve_int.h): built once over
 * all definitions, then only read, so files resolve in parallel. Every
 * string resolution compares (names, qualified names, enclosing types,
 * file paths, folders) is hashed once here into a small id; chains of
 * same-named entities are kept per language family. The rules themselves
 * are in resolve_pick.c, the runs over files in resolve_run.c. */
#include <string.h>

#include <stdlib.h>

#include "pt/alloc.h"
#include "pt/both.h"
#include "pt/compat.h"
#include "pt/error.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "resolve_int.h"

/* The calling thread's record of what it reads (pt__deps_record). */
static PT_THREAD_LOCAL pt__deps *recording;

uint8_t pt__resolve_family(pt_lang l)
{
  if (l == PT_LANG_CPP)
    return PT_LANG_C;
  if (l == PT_LANG_TYPESCRIPT)
    return PT_LANG_JAVASCRIPT;
  return (uint8_t)l;
}

void pt__resolve_arity_of(const pt_entity *e, ent_info *in)
{
  in->ar_lo = 0;
  in->ar_hi = 255;
  if ((in->fam == PT_LANG_C || in->fam == PT_LANG_JAVA ||
       in->fam == PT_LANG_CSHARP || in->fam == PT_LANG_SWIFT) &&
      (in->kind == PT_KIND_FUNCTION || in->kind == PT_KIND_METHOD))
    pt__arity_range(e->signature, e->name,
                    e->signature && e->signature[0] == '#',
                    e->lang != PT_LANG_C, &in->ar_lo, &in->ar_hi);
}

/* Appends i to the chain of its key; tail[head] is the chain's last, so
 * chains keep index order without walking them. */
static int chain(pt_strmap *m, size_t *next, size_t *tail, const char *key,
                 size_t len, uint64_t h, size_t i)
{
  size_t head;
  int rc = pt_strmap_put_new_hashed(m, key, len, h, i, &head);
  if (rc)
    return rc;
  next[i] = NONE;
  if (head != i)
    next[tail[head]] = i;
  tail[head] = i;
  return 0;
}

int pt__resolve_intern(pt_strmap *m, const char *s, size_t n, uint32_t *out)
{
  return pt__resolve_intern_hashed(m, s, n, pt_strmap_hash(s, n), out);
}

int pt__resolve_intern_hashed(pt_strmap *m, const char *s, size_t n,
                              uint64_t h, uint32_t *out)
{
  size_t id;
  int rc = pt_strmap_put_new_hashed(m, s, n, h, m->n, &id);
  if (rc == 0 && id >= NO_ID)
    rc = PT_ERR(PT_ENOMEM, "too many distinct names to resolve");
  *out = rc == 0 ? (uint32_t)id : NO_ID;
  return rc;
}

int pt__resolver_new(const pt_graph *g, pt_resolver **out)
{
  return pt__resolver_new_arrays(pt_graph_entities(g), pt_graph_n_entities(g),
                                 pt_graph_files(g), pt_graph_n_files(g), out);
}

int pt__resolver_has_key(const pt_resolver *rs, const char *key)
{
  size_t i;
  return pt_strmap_get(&rs->by_key, key, strlen(key), &i) && i != NONE;
}

/* A record's hash from the string map's hash of its text (which the
 * lookups that record it compute anyway: one pass over the text, where
 * the byte-at-a-time FNV that was here cost a multiply a byte of every
 * key, about 1 G instructions of a re-run that records every file) and
 * its tag, mixed so that both ends of the word are (the readers' index
 * slots by the top bits, the seen slots by the low ones). In memory only:
 * a collision can only make a file look like a reader. */
static uint64_t deps_of(uint64_t h, char tag)
{
  h ^= ((uint64_t)(unsigned char)tag + 1) * 0x9E3779B97F4A7C15u;
  h *= 0xff51afd7ed558ccdu;
  return h ^ (h >> 33);
}

uint64_t pt__deps_hash(char tag, const void *s, size_t n)
{
  return deps_of(pt_strmap_hash(s, n), tag);
}

/* The hashes the calling thread recorded last, by their low bits: a file's
 * lookups read the same names again and again (each call of a name, each
 * receiver of a type), and the record keeps each hash once anyway
 * (pt__deps_seal), so one seen here is not added again; the sort at the
 * seal took 2.5 % of the server's samples over 80 renames that resolved
 * their readers again. Cleared when recording starts (0 is always
 * added). */
#define SEEN_SLOTS 256
static PT_THREAD_LOCAL uint64_t seen[SEEN_SLOTS];

void pt__deps_record(pt__deps *d)
{
  recording = d;
  if (d)
    memset(seen, 0, sizeof seen);
}

int pt__deps_add(pt__deps *d, uint64_t h)
{
  if (d->n == d->cap &&
      pt_array_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v) != 0) {
    d->failed = 1;
    return PT_ENOMEM;
  }
  d->v[d->n++] = h;
  return 0;
}

uint64_t pt__deps_member_hash(uint8_t fam, const char *name, size_t len,
                              uint32_t type)
{
  uint64_t h = pt__deps_hash(pt__deps_member_tag(fam), name, len);
  h *= 1099511628211u; /* a 0 byte, which no name holds, then the type */
  for (int i = 0; i < 4; i++) {
    h ^= (type >> (8 * i)) & 0xffu;
    h *= 1099511628211u;
  }
  return h;
}

static void note_hash(uint64_t h)
{
  if (!recording)
    return;
  uint64_t *at = &seen[(h ^ (h >> 32)) & (SEEN_SLOTS - 1)];
  if (h && *at == h)
    return;
  *at = h;
  if (pt__deps_add(recording, h) != 0)
    pt_error_clear(); /* recorded as failed: the tables stop patching */
}

static void note(char tag, const void *s, size_t n)
{
  if (recording)
    note_hash(pt__deps_hash(tag, s, n));
}

/* note, for a text whose map hash h the caller has. */
static void note_hashed(char tag, uint64_t h)
{
  if (recording)
    note_hash(deps_of(h, tag));
}

/* Sorts v[0..n) ascending: a quicksort on the median of three, small runs
 * by insertion, the smaller side first (a depth of log2 n). Each file's
 * records are sealed once they are made, so on a run that records every
 * file this was 4.5 % of the instructions through qsort's callback. */
static void sort_u64(uint64_t *v, size_t n)
{
  while (n > 16) {
    uint64_t a = v[0], b = v[n / 2], c = v[n - 1];
    uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a))
                           : (a < c ? a : (b < c ? c : b));
    size_t i = 0, j = n - 1;
    for (;;) {
      while (v[i] < pivot)
        i++;
      while (v[j] > pivot)
        j--;
      if (i >= j)
        break;
      uint64_t t = v[i];
      v[i++] = v[j];
      v[j--] = t;
    }
    /* v[0..j] <= pivot <= v[j+1..n) */
    size_t left = j + 1;
    if (left < n - left) {
      sort_u64(v, left);
      v += left;
      n -= left;
    } else {
      sort_u64(v + left, n - left);
      n = left;
    }
  }
  for (size_t i = 1; i < n; i++) {
    uint64_t x = v[i];
    size_t k = i;
    for (; k > 0 && v[k - 1] > x; k--)
      v[k] = v[k - 1];
    v[k] = x;
  }
}

int pt__deps_seal(pt__deps *d)
{
  if (d->failed)
    return PT_ERR(PT_ENOMEM, "out of memory recording what resolution read");
  sort_u64(d->v, d->n);
  size_t w = 0;
  for (size_t r = 0; r < d->n; r++)
    if (w == 0 || d->v[w - 1] != d->v[r])
      d->v[w++] = d->v[r];
  d->n = w;
  return 0;
}

int pt__deps_has(const pt__deps *d, uint64_t h)
{
  size_t lo = 0, hi = d->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->v[mid] < h)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < d->n && d->v[lo] == h;
}

void pt__deps_fini(pt__deps *d)
{
  if (!d)
    return;
  pt_free(d->v);
  memset(d, 0, sizeof *d);
}

int pt__resolve_chain(const pt_resolver *rs, uint8_t fam, const char *name,
                      size_t len, size_t *head)
{
  uint64_t h = pt_strmap_hash(name, len);
  note_hashed(pt__deps_chain_tag(fam), h);
  return pt_strmap_get_hashed(&rs->by_name[fam], name, len, h, head) &&
         *head != NONE;
}

int pt__resolve_chain_attrs(const pt_resolver *rs, uint8_t fam,
                            const char *name, size_t len, size_t *head)
{
  uint64_t h = pt_strmap_hash(name, len);
  note_hashed(pt__deps_attrs_tag(fam), h);
  return pt_strmap_get_hashed(&rs->by_name[fam], name, len, h, head) &&
         *head != NONE;
}

void pt__resolve_note_chain(uint8_t fam, const char *name, size_t len)
{
  note(pt__deps_chain_tag(fam), name, len);
}

void pt__resolve_note_members(const pt_resolver *rs, size_t head,
                              uint32_t encl)
{
  const char *name = rs->ents[head].name;
  note_hash(pt__deps_member_hash(rs->info[head].fam, name, strlen(name),
                                 rs->qn_hash[encl]));
}

int pt__resolve_has_name(const pt_resolver *rs, const char *name, size_t len)
{
  size_t count;
  note('n', name, len);
  return pt_strmap_get(&rs->names, name, len, &count) && count > 0;
}

size_t pt__resolve_bases(const pt_resolver *rs, uint32_t q)
{
  note('b', &rs->qn_hash[q], sizeof *rs->qn_hash);
  return rs->base_head[q];
}

int pt__resolve_files_named(const pt_resolver *rs, const char *base,
                            size_t len, size_t *head)
{
  note('f', base, len);
  return pt_strmap_get(&rs->by_base, base, len, head) && *head != NONE;
}

size_t pt__resolve_key(const pt_resolver *rs, pt__resolve_ctx *c,
                       const char *key)
{
  size_t i = NONE;
  if (!key)
    return NONE;
  if (c && key == c->last_key)
    return c->last_found ? c->last_idx : NONE;
  size_t len = strlen(key);
  uint64_t h = pt_strmap_hash(key, len);
  note_hashed('k', h);
  int found = pt_strmap_get_hashed(&rs->by_key, key, len, h, &i) && i != NONE;
  if (c) {
    c->last_key = key;
    c->last_idx = i;
    c->last_found = found;
  }
  return found ? i : NONE;
}

size_t pt__resolve_parent(const pt_resolver *rs, size_t i)
{
  if (rs->parent && !recording)
    return rs->parent[i] == NO_ID ? NONE : rs->parent[i];
  return pt__resolve_key(rs, NULL, rs->ents[i].parent_key);
}

int pt__resolve_is_default(const pt_entity *e)
{
  return pt__resolve_family(e->lang) == PT_LANG_JAVASCRIPT && !e->parent_key &&
         e->signature && strncmp(e->signature, "export default ", 15) == 0;
}

size_t pt__resolve_default(const pt_resolver *rs, const char *path)
{
  size_t i, len = strlen(path);
  note('D', path, len);
  return pt_strmap_get(&rs->defaults, path, len, &i) ? i : NONE;
}

uint32_t pt__resolve_path_id(const pt_resolver *rs, const char *path)
{
  size_t id;
  return pt_strmap_get(&rs->paths, path, strlen(path), &id) ? (uint32_t)id
                                                             : NO_ID;
}

static span whole(const char *s)
{
  span sp = {s, s ? strlen(s) : 0};
  return sp;
}

span pt__resolve_encl(const pt_entity *e, const pt_entity *parent)
{
  span none = {NULL, 0};
  if (e->kind != PT_KIND_METHOD && e->kind != PT_KIND_FUNCTION)
    return whole(e->qualname);
  size_t ql = strlen(e->qualname), nl = strlen(e->name);
  int qualified = ql > nl + 1 && e->qualname[ql - nl - 1] == '.';
  if (parent &&
      (e->kind != PT_KIND_METHOD || parent->kind != PT_KIND_NAMESPACE))
    return whole(parent->qualname);
  /* a method defined outside its type's file: "ns.A.f" is A's */
  if (e->kind == PT_KIND_METHOD && qualified)
    return (span){e->qualname, ql - nl - 1};
  return none;
}

/* The type that encloses entity i (its qualified name), or an empty span.
 * A file's entities repeat their parent's key by address (the pool keeps
 * each string once): *last_key and *last are the last one looked up. */
static span enclosing_type(const pt_resolver *rs, size_t i,
                           const char **last_key, size_t *last)
{
  const pt_entity *e = &rs->ents[i];
  if (e->parent_key != *last_key) {
    *last = pt__resolve_key(rs, NULL, e->parent_key);
    *last_key = e->parent_key;
  }
  return pt__resolve_encl(e, *last != NONE ? &rs->ents[*last] : NULL);
}

/* Path ids: the files' first, in order, then any other entity's path;
 * each path's folder (rs->path_dir), last segments (resolve_tails.c)
 * and module paths (resolve_modpaths.c). */
static int path_ids(pt_resolver *rs)
{
  int rc = 0;
  size_t cap = rs->n_files + 16;
  rs->path_text = pt_malloc(cap * sizeof *rs->path_text);
  rs->cap_paths = cap;
  if (!rs->path_text)
    return PT_ERR(PT_ENOMEM, "out of memory");
  rc = pt_strmap_reserve(&rs->paths, rs->n_files); /* each file's own */
  for (size_t i = 0; rc == 0 && i < rs->n_files + rs->n_ents; i++) {
    const char *p = i < rs->n_files ? rs->files[i].path
                                    : rs->ents[i - rs->n_files].file_path;
    uint32_t id;
    rc = pt__resolve_intern(&rs->paths, p, strlen(p), &id);
    if (rc == 0 && id == rs->n_paths)
      rc = pt_array_grow((void **)&rs->path_text, &rs->cap_paths,
                         rs->n_paths + 1, sizeof *rs->path_text);
    if (rc == 0 && id == rs->n_paths)
      rs->path_text[rs->n_paths++] = p;
    if (rc == 0 && i >= rs->n_files)
      rs->info[i - rs->n_files].file = id;
  }
  for (size_t i = 0; rc == 0 && i < rs->n_paths; i++) {
    rc = pt__tails_add_path(rs, (uint32_t)i);
    if (rc == 0)
      rc = pt__modpaths_add_path(rs, (uint32_t)i);
  }
  return rc;
}

/* The tables are made by two threads at once, each filling maps and
 * fields of ent_info the other does not touch, in entity order as one
 * thread would: their ids and chains are the same. */
typedef struct ids_half {
  pt_resolver *rs;
  size_t *tail;              /* the name chains' (names_half) */
  int rc;
  char msg[256];             /* the error's message, made on that thread */
} ids_half;

static void half_failed(ids_half *h, int rc)
{
  h->rc = rc;
  if (rc)
    pt_snprintf(h->msg, sizeof h->msg, "%s", pt_error_last()->message);
}

/* Keys, kinds, argument ranges, qualified names and enclosing types. */
static void types_half(void *payload)
{
  ids_half *h = payload;
  pt_resolver *rs = h->rs;
  /* every key once (keys are unique; a repeated one would be the last
   * entity's), the map sized for them first */
  const char *last_key = NULL; /* enclosing_type's */
  size_t last = NONE;
  int rc = pt_strmap_reserve(&rs->by_key, rs->n_ents);
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++)
    rc = pt_strmap_put(&rs->by_key, rs->ents[i].key, strlen(rs->ents[i].key), i);
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    const pt_entity *e = &rs->ents[i];
    ent_info *in = &rs->info[i];
    in->fam = pt__resolve_family(e->lang);
    in->kind = (uint8_t)e->kind;
    pt__resolve_arity_of(e, in);
    in->ql = e->qualname ? (uint32_t)strlen(e->qualname) : 0;
    in->qn = in->encl = NO_ID;
    if (e->qualname)
      rc = pt__resolve_intern(&rs->qnames, e->qualname, in->ql, &in->qn);
    rs->encl[i] = enclosing_type(rs, i, &last_key, &last);
    if (rs->parent)
      rs->parent[i] = last != NONE ? (uint32_t)last : NO_ID;
    if (rc == 0 && rs->encl[i].s)
      rc = pt__resolve_intern(&rs->qnames, rs->encl[i].s, rs->encl[i].n,
                              &in->encl);
  }
  half_failed(h, rc);
}

/* Paths, folders, names, the chains of names and of file names, and
 * default exports. */
static void names_half(void *payload)
{
  ids_half *h = payload;
  pt_resolver *rs = h->rs;
  size_t *tail = h->tail;
  int rc = path_ids(rs);
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    const pt_entity *e = &rs->ents[i];
    ent_info *in = &rs->info[i];
    uint8_t fam = pt__resolve_family(e->lang);
    in->dir = rs->path_dir[in->file];
    /* the name's three maps, with one hash of it */
    size_t nl = strlen(e->name), *count;
    uint64_t hn = pt_strmap_hash(e->name, nl);
    if (fam >= PT_LANG__COUNT)
      rc = PT_ERR(PT_EINVAL, "%s: unknown language", e->key);
    if (rc == 0)
      rc = pt__resolve_intern_hashed(&rs->name_ids, e->name, nl, hn, &in->nid);
    if (rc == 0)
      rc = chain(&rs->by_name[fam], rs->next_same_name, tail, e->name, nl, hn,
                 i);
    size_t was; /* the first of two (invalid) default exports */
    if (rc == 0 && pt__resolve_is_default(e) &&
        !pt_strmap_get(&rs->defaults, e->file_path, strlen(e->file_path), &was))
      rc = pt_strmap_put(&rs->defaults, e->file_path, strlen(e->file_path), i);
    if (rc == 0)
      rc = pt_strmap_value_hashed(&rs->names, e->name, nl, hn, 0, &count);
    if (rc == 0)
      ++*count;
  }
  for (size_t i = 0; rc == 0 && i < rs->n_files; i++) {
    const char *base = pt__path_base(rs->files[i].path);
    size_t bl = strlen(base);
    rc = chain(&rs->by_base, rs->next_same_base, tail, base, bl,
               pt_strmap_hash(base, bl), i);
  }
  half_failed(h, rc);
}

/* Each entity's ids, its place in the chain of its name and family, and
 * each file's in the chain of its file name: on two threads when there
 * are two processors and enough entities to pay for one. */
static int entity_ids(pt_resolver *rs, size_t *tail)
{
  ids_half a = {rs, NULL, 0, ""}, b = {rs, tail, 0, ""};
  pt_both_if(rs->n_ents >= 65536 && pt_cpu_count() > 1, types_half, &a,
             names_half, &b);
  if (a.rc)
    return PT_ERR(a.rc, "%s", a.msg);
  return b.rc ? PT_ERR(b.rc, "%s", b.msg) : 0;
}

/* pt__group_build here, with beside(payload) on a thread of its own
 * meanwhile (after it, here, when no thread starts): the build allocates
 * the most, from this thread's heap, which the tables' first steps
 * warmed. beside runs even when the build fails. */
static int groups_beside(pt_resolver *rs, void (*beside)(void *payload),
                         void *payload)
{
  pt_thread *t = NULL;
  if (!beside)
    return pt__group_build(rs);
  if (pt_thread_start(beside, payload, &t) != 0) {
    pt_error_clear(); /* one after the other */
    t = NULL;
  }
  int rc = pt__group_build(rs);
  if (t) {
    pt_thread_join(t);
  } else {
    pt_error e = *pt_error_last(); /* the build's, if it failed */
    beside(payload);
    if (rc)
      pt__error_set(e.code, e.file, e.line, "%s", e.message);
  }
  return rc;
}

int pt__resolver_new_arrays(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            pt_resolver **out)
{
  return pt__resolver_new_beside(ents, n_ents, files, n_files, NULL, NULL,
                                 out);
}

int pt__resolver_new_beside(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            void (*beside)(void *payload), void *payload,
                            pt_resolver **out)
{
  pt_resolver *rs = pt_calloc(1, sizeof *rs);
  if (!rs) {
    if (beside)
      beside(payload);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  rs->ents = ents;
  rs->n_ents = n_ents;
  rs->files = files;
  rs->n_files = n_files;
  size_t n_tail = (n_ents > n_files ? n_ents : n_files) + 1;
  size_t *tail = pt_malloc(n_tail * sizeof *tail);
  rs->next_same_name = pt_malloc((n_ents + 1) * sizeof(size_t));
  rs->next_same_base = pt_malloc((n_files + 1) * sizeof(size_t));
  rs->info = pt_calloc(n_ents + 1, sizeof *rs->info);
  rs->encl = pt_calloc(n_ents + 1, sizeof *rs->encl);
  if (n_ents < NO_ID)
    rs->parent = pt_malloc((n_ents + 1) * sizeof *rs->parent);
  int rc = tail && rs->next_same_name && rs->next_same_base && rs->info &&
                   rs->encl && (rs->parent || n_ents >= NO_ID)
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = entity_ids(rs, tail);
  if (rc == 0)
    rc = groups_beside(rs, beside, payload);
  else if (beside) { /* the tables' error outlives beside's */
    pt_error e = *pt_error_last();
    beside(payload);
    pt__error_set(e.code, e.file, e.line, "%s", e.message);
  }
  rs->base_head = rc == 0 ? pt_malloc((rs->qnames.n + 1) * sizeof(size_t)) : NULL;
  rs->qn_hash = rc == 0 ? pt_malloc((rs->qnames.n + 1) * sizeof *rs->qn_hash)
                       : NULL;
  if (rc == 0 && (!rs->base_head || !rs->qn_hash))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < rs->qnames.n; i++)
    rs->base_head[i] = NONE;
  /* each slot of the map keeps its key's hash (and its id) */
  for (size_t i = 0; rc == 0 && i < rs->qnames.cap; i++)
    if (rs->qnames.slots[i].key)
      rs->qn_hash[rs->qnames.slots[i].value] = rs->qnames.slots[i].hash;
  rs->n_base_head = rc == 0 ? rs->qnames.n : 0;
  pt_free(tail);
  if (rc) {
    pt__resolver_free(rs);
    return rc;
  }
  *out = rs;
  return 0;
}

int pt__resolve_serial(pt_resolver *rs)
{
  if (rs->serial && rs->serial_paths == rs->n_paths)
    return 0;
  if (rs->serial) /* a patch added paths: its arrays are too short */
    pt__resolve_ctx_fini(rs->serial);
  pt_free(rs->serial);
  rs->serial_paths = rs->n_paths;
  rs->serial = pt_malloc(sizeof *rs->serial);
  int rc = rs->serial ? pt__resolve_ctx_init(rs->serial, rs)
                      : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc) {
    pt_free(rs->serial);
    rs->serial = NULL;
  }
  return rc;
}

static void run_ctx_drop(pt_resolver *rs)
{
  for (size_t i = 0; i < rs->n_run_ctx; i++)
    pt__resolve_ctx_fini(&rs->run_ctx[i]);
  pt_free(rs->run_ctx);
  rs->run_ctx = NULL;
  rs->n_run_ctx = 0;
}

int pt__resolve_run_ctx(pt_resolver *rs, size_t n)
{
  if (n > 64)
    n = 64;
  if (rs->run_ctx && (rs->run_ctx_paths != rs->n_paths ||
                      rs->run_ctx_dirs != rs->dirs.n))
    run_ctx_drop(rs); /* a patch added paths: their arrays are too short */
  if (n <= rs->n_run_ctx)
    return 0;
  if (!rs->run_ctx) {
    rs->run_ctx = pt_calloc(64, sizeof *rs->run_ctx);
    if (!rs->run_ctx)
      return PT_ERR(PT_ENOMEM, "out of memory");
    rs->run_ctx_paths = rs->n_paths;
    rs->run_ctx_dirs = rs->dirs.n;
  }
  for (; rs->n_run_ctx < n; rs->n_run_ctx++) {
    int rc = pt__resolve_ctx_init(&rs->run_ctx[rs->n_run_ctx], rs);
    if (rc)
      return rc;
  }
  return 0;
}

void pt__resolver_adopt(pt_resolver *rs, pt_entity *ents,
                        pt_file_record *files)
{
  rs->ents = ents;
  rs->files = files;
  rs->cap_ents = rs->n_ents + 1;
  rs->cap_files = rs->n_files + 1;
  rs->owns_arrays = 1;
}

void pt__resolver_free(pt_resolver *rs)
{
  if (!rs)
    return;
  if (rs->serial)
    pt__resolve_ctx_fini(rs->serial);
  pt_free(rs->serial);
  run_ctx_drop(rs);
  pt_free(rs->next_same_name);
  pt_free(rs->next_same_base);
  pt_free(rs->info);
  pt_free(rs->encl);
  pt_free(rs->parent);
  pt__group_fini(rs);
  pt__tails_fini(rs);
  pt__modpaths_fini(rs);
  for (int f = 0; f < PT_LANG__COUNT; f++)
    pt_strmap_fini(&rs->by_name[f]);
  pt_strmap_fini(&rs->names);
  pt_strmap_fini(&rs->by_key);
  pt_strmap_fini(&rs->qnames);
  pt_strmap_fini(&rs->paths);
  pt_strmap_fini(&rs->dirs);
  pt_strmap_fini(&rs->defaults);
  pt_free(rs->base_head);
  pt_free(rs->qn_hash);
  pt_free(rs->base_nodes);
  pt_strmap_fini(&rs->by_base);
  pt_free(rs->path_text);
  for (size_t i = 0; rs->rfiles && i < rs->n_files; i++) {
    pt_free(rs->rfiles[i].ents);
    pt__deps_fini(&rs->rfiles[i].deps);
    pt__deps_fini(&rs->rfiles[i].bdeps);
  }
  pt_free(rs->rfiles);
  pt_free(rs->attr_log);
  pt__readers_fini(&rs->readers[0]);
  pt__readers_fini(&rs->readers[1]);
  pt_free(rs->file_at);
  if (rs->owns_arrays) {
    pt_free((void *)rs->ents);
    pt_free((void *)rs->files);
  }
  pt_free(rs);
}

size_t pt__resolve_file_of(const pt_resolver *rs, uint32_t path_id)
{
  return rs->file_at && path_id < rs->cap_file_at ? rs->file_at[path_id]
                                                  : NONE;
}

/* Where a base noted by file f goes in its list: after every base noted
 * by a file that comes before f in walk order, or by f itself (a fresh run
 * notes files in walk order, references in source order). */
static int goes_after(const pt_resolver *rs, const base_node *n, size_t f)
{
  if (f == NONE || n->file == NONE || n->file == f)
    return 1;
  return strcmp(rs->files[n->file].path, rs->files[f].path) <= 0;
}

static int add_node(pt_resolver *rs, size_t t, size_t b, uint64_t field,
                    uint8_t how)
{
  size_t n = rs->n_base_nodes;
  uint32_t q = rs->info[t].qn;
  if (q == NO_ID)
    return 0; /* a type without a qualified name has no methods to find */
  int rc = pt_array_grow((void **)&rs->base_nodes, &rs->cap_base_nodes, n + 1,
                         sizeof *rs->base_nodes);
  if (rc)
    return rc;
  size_t f = pt__resolve_file_of(rs, rs->info[t].file);
  base_node node = {t, b, NONE, f, 0, field, how};
  rs->base_nodes[rs->n_base_nodes++] = node;
  if (f != NONE && rs->rfiles) { /* the file's range of nodes (upkeep) */
    res_file *rf = &rs->rfiles[f];
    if (rf->base_lo == rf->base_hi)
      rf->base_lo = n;
    rf->base_hi = n + 1;
  }
  size_t head = rs->base_head[q];
  if (head == NONE || !goes_after(rs, &rs->base_nodes[head], f)) {
    rs->base_nodes[n].next = head;
    rs->base_head[q] = n;
    return 0;
  }
  while (rs->base_nodes[head].next != NONE &&
         goes_after(rs, &rs->base_nodes[rs->base_nodes[head].next], f))
    head = rs->base_nodes[head].next;
  rs->base_nodes[n].next = rs->base_nodes[head].next;
  rs->base_nodes[head].next = n;
  return 0;
}

int pt__resolve_add_base(pt_resolver *rs, size_t t, size_t b)
{
  return add_node(rs, t, b, 0, 0);
}

int pt__resolve_add_field(pt_resolver *rs, size_t t, size_t b, uint64_t field,
                          uint8_t how)
{
  return add_node(rs, t, b, field, how);
}
