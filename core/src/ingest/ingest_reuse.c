/* A file's reuse record (pt_file_record.reuse): what extracting the file
 * gave beyond the records a graph keeps (the source order of its entities
 * and tests, and its raw references), so that a graph loaded from a store
 * can seed an ingest cache (pt_ingest_cache_seed) and a later run reuses
 * the file instead of parsing it again. The bytes are opaque to every
 * other stage; stores keep them as they are.
 *
 * Layout: 'R', version, the extractor's digest (4 bytes, low first: see
 * below), then varints: the file's size on disk (the record's size is of
 * the text as decoded, which differs when it held invalid UTF-8), the
 * flags (REUSE_NOTES_BASES, REUSE_HAS_READS; version 5 had none), with
 * REUSE_HAS_READS what the file's resolution read (their length in
 * bytes, which a decoder that does not want them passes over; then, as
 * pt__deps, the count of its references' reads and the reads ascending,
 * the first as it is and each next as its difference from the one
 * before; the same for noting its bases: pt__reuse_reads), the entity
 * count and, in source order, each entity's rank among the file's
 * entities in canonical order;
 * the same for the tests; the reference count and each reference (from:
 * 0 for the file key, k + 1 for the k-th entity in source order;
 * from_entity zigzagged; kind; via; recv_how; arity; is_base_init; line;
 * then name, scope, module, recv_type and arg_types as string references:
 * 0 NULL, 1 a new string
 * (length, bytes, NUL), n >= 2 the (n - 2)-th new string of the record). */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/log.h"
#include "pt/ptrmap.h"
#include "pt/strmap.h"
#include "pt/sys/fs.h"
#include "pt/sys/thread.h"
#include "pt/varint.h"
#include "base/words.h"
#include "graph/key.h"
#include "ingest_int.h"

#define REUSE_TAG 'R'
#define REUSE_VERSION 7 /* 1 had no arity, 2 no extractor digest, 3 no
                           size on disk, 4 no argument types, 5 no flags
                           (still read: its references are always
                           decoded), 6 no reads (still read) */
#define REUSE_VERSION_NO_FLAGS 5
#define REUSE_VERSION_NO_READS 6
#define REUSE_HEAD 6

/* The flags: the file has references the resolver notes as bases
 * (pt__ingest_has_bases). A re-run's seed decodes the references of such
 * files at once (every one of them is noted), the others' only when it
 * uses them. What the resolver notes changing changes REUSE_VERSION. */
#define REUSE_NOTES_BASES 1u
/* The record holds what the file's resolution read (pt__reuse_reads),
 * written after resolution (pt__reuse_set_reads); extraction writes none. */
#define REUSE_HAS_READS 2u

/* What made the raw references a record keeps: a digest of the queries and
 * the extract stage's sources, worked out by the build (core/CMakeLists.txt).
 * A record another extractor made is not reused, or an upgraded program
 * would keep serving what the old one extracted. */
#ifndef PT_EXTRACTOR_DIGEST
#error "PT_EXTRACTOR_DIGEST comes from core/CMakeLists.txt"
#endif

static void reuse_head(unsigned char head[REUSE_HEAD])
{
  uint32_t d = (uint32_t)PT_EXTRACTOR_DIGEST;
  head[0] = REUSE_TAG;
  head[1] = REUSE_VERSION;
  for (int i = 0; i < 4; i++)
    head[2 + i] = (unsigned char)(d >> (8 * i));
}

/* The record's version when this build reads it (its extractor's and a
 * version it knows), else 0. */
static int reuse_version(const pt_file_record *f)
{
  unsigned char head[REUSE_HEAD];
  const unsigned char *p = f->reuse;
  reuse_head(head);
  if (!p || f->reuse_size < REUSE_HEAD || p[0] != head[0] ||
      memcmp(p + 2, head + 2, REUSE_HEAD - 2) != 0 ||
      (p[1] != REUSE_VERSION && p[1] != REUSE_VERSION_NO_FLAGS &&
       p[1] != REUSE_VERSION_NO_READS))
    return 0;
  return p[1];
}

int pt__reuse_is_current(const pt_file_record *f)
{
  return reuse_version(f) != 0;
}

uint64_t pt__reuse_disk_size(const pt_file_record *f)
{
  const unsigned char *p = (const unsigned char *)f->reuse + REUSE_HEAD;
  uint64_t v;
  if (!pt__reuse_is_current(f) ||
      pt_varint_get(&p, (const unsigned char *)f->reuse + f->reuse_size, &v) !=
          PT_VARINT_OK)
    return f->size;
  return v;
}

/* ---- encoding ----------------------------------------------------------- */

/* The strings of a file's references are mostly a few texts at the same
 * addresses (the enclosing entity's key, a module, a receiver): the last
 * number given for an address, in a small table it hashes into, spares
 * the text's length and lookup. A text's number is the same whichever
 * address it comes from, so the record is the same. */
#define ENC_SEEN 64

/* What a thread's encoder keeps of each buffer, map or array after a
 * record: the rest, grown by a large file, is freed. */
#define ENC_KEEP_BYTES ((size_t)256 << 10)

typedef struct enc {
  pt__reuse_enc *e; /* its buffer, maps and arrays */
  size_t n_strings;
  int rc;
  const char *seen[ENC_SEEN]; /* borrowed: an address given a number */
  size_t seen_at[ENC_SEEN];   /* that number */
} enc;

static size_t seen_slot(const char *s)
{
  uintptr_t a = (uintptr_t)s;
  return (size_t)((a >> 3) ^ (a >> 9)) % ENC_SEEN;
}

static void put_u64(enc *w, uint64_t v)
{
  if (w->rc == 0)
    w->rc = pt_varint_put(&w->e->b, v);
}

static void put_str(enc *w, const char *s)
{
  if (w->rc)
    return;
  if (!s) {
    put_u64(w, 0);
    return;
  }
  size_t slot = seen_slot(s), len, at;
  if (w->seen[slot] == s) {
    put_u64(w, w->seen_at[slot] + 2);
    return;
  }
  len = strlen(s);
  uint64_t h = pt_strmap_hash(s, len);
  if (pt_strmap_get_hashed(&w->e->strings, s, len, h, &at)) {
    put_u64(w, at + 2);
    w->seen[slot] = s;
    w->seen_at[slot] = at;
  } else {
    w->seen[slot] = s;
    w->seen_at[slot] = w->n_strings;
    put_u64(w, 1);
    put_u64(w, len);
    if (w->rc == 0) w->rc = pt_buf_put(&w->e->b, s, len);
    if (w->rc == 0) w->rc = pt_buf_putc(&w->e->b, '\0');
    /* keyed by the text in the result, which outlives the encoder */
    if (w->rc == 0)
      w->rc = pt_strmap_put_new_hashed(&w->e->strings, s, len, h,
                                       w->n_strings++, NULL);
  }
}

typedef struct pt__reuse_ranked {
  const char *key;
  uint32_t line;
  size_t idx;
} ranked;

static int cmp_entity_key(const void *pa, const void *pb)
{
  return strcmp(((const ranked *)pa)->key, ((const ranked *)pb)->key);
}

/* Tests are in canonical order by path, then line, then key. */
static int cmp_test_pos(const void *pa, const void *pb)
{
  const ranked *a = pa, *b = pb;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  return strcmp(a->key ? a->key : "", b->key ? b->key : "");
}

/* Writes each record's rank in canonical order, in source order. 0, or 1
 * when two records sort alike (their order would be lost). */
static int put_ranks(enc *w, ranked *v, size_t n,
                     int (*cmp)(const void *, const void *))
{
  pt__reuse_enc *e = w->e;
  if (pt_array_grow((void **)&e->rank, &e->cap_rank, n + 1, sizeof *e->rank)) {
    w->rc = PT_ERR(PT_ENOMEM, "out of memory");
    return 0;
  }
  size_t *rank = e->rank;
  qsort(v, n, sizeof *v, cmp);
  int tie = 0;
  for (size_t i = 0; i < n; i++) {
    rank[v[i].idx] = i;
    tie |= i > 0 && cmp(&v[i - 1], &v[i]) == 0;
  }
  put_u64(w, n);
  for (size_t i = 0; i < n; i++)
    put_u64(w, rank[i]);
  return tie;
}

/* Where each reference comes from: 0 the file, k + 1 entity k. */
static int put_refs(enc *w, const pt_file_result *r, const char *file_key)
{
  pt_strmap *from = &w->e->from;
  for (size_t k = 0; w->rc == 0 && k < r->n_entities; k++)
    w->rc = pt_strmap_put(from, r->entities[k].key,
                          strlen(r->entities[k].key), k + 1);
  put_u64(w, r->n_refs);
  int unknown = 0;
  const char *last_from = NULL; /* the previous reference's, and its number */
  size_t last_at = 0;
  for (size_t i = 0; w->rc == 0 && !unknown && i < r->n_refs; i++) {
    const pt_raw_ref *x = &r->refs[i];
    size_t at = 0;
    if (x->from_key == last_from) {
      at = last_at;
    } else if (strcmp(x->from_key, file_key) != 0 &&
               !pt_strmap_get(from, x->from_key, strlen(x->from_key), &at)) {
      unknown = 1;
      break;
    } else {
      last_from = x->from_key;
      last_at = at;
    }
    put_u64(w, at);
    int64_t fe = x->from_entity;
    put_u64(w, pt_zigzag(fe));
    put_u64(w, (uint64_t)x->kind);
    put_u64(w, x->via);
    put_u64(w, x->recv_how);
    put_u64(w, x->arity);
    put_u64(w, x->is_base_init);
    put_u64(w, x->line);
    put_str(w, x->name);
    put_str(w, x->scope);
    put_str(w, x->module);
    put_str(w, x->recv_type);
    put_str(w, x->arg_types);
  }
  return unknown;
}

static int encode(enc *w, const pt_file_result *r, uint64_t disk_size,
                  const char *file_key)
{
  pt__reuse_enc *e = w->e;
  size_t n = r->n_entities > r->n_tests ? r->n_entities : r->n_tests;
  if (pt_array_grow((void **)&e->ranked, &e->cap_ranked, n + 1,
                    sizeof *e->ranked))
    return PT_ERR(PT_ENOMEM, "out of memory");
  ranked *v = e->ranked;
  unsigned char head[REUSE_HEAD];
  reuse_head(head);
  w->rc = pt_buf_put(&e->b, head, sizeof head);
  put_u64(w, disk_size);
  put_u64(w, pt__ingest_has_bases(r) ? REUSE_NOTES_BASES : 0);
  for (size_t i = 0; i < r->n_entities; i++)
    v[i] = (ranked){r->entities[i].key, 0, i};
  int lost = put_ranks(w, v, r->n_entities, cmp_entity_key);
  for (size_t i = 0; i < r->n_tests; i++)
    v[i] = (ranked){r->tests[i].key, r->tests[i].line_start, i};
  lost |= put_ranks(w, v, r->n_tests, cmp_test_pos);
  if (!lost && w->rc == 0)
    lost = put_refs(w, r, file_key);
  return w->rc ? w->rc : lost;
}

/* Empties e for the next record, freeing what grew past ENC_KEEP_BYTES. */
static void enc_reset(pt__reuse_enc *e)
{
  if (e->b.cap > ENC_KEEP_BYTES)
    pt_buf_fini(&e->b);
  if (e->file_key.cap > ENC_KEEP_BYTES)
    pt_buf_fini(&e->file_key);
  pt_buf_clear(&e->b);
  pt_buf_clear(&e->file_key);
  if (e->strings.cap > ENC_KEEP_BYTES / sizeof *e->strings.slots)
    pt_strmap_fini(&e->strings);
  if (e->from.cap > ENC_KEEP_BYTES / sizeof *e->from.slots)
    pt_strmap_fini(&e->from);
  pt_strmap_clear(&e->strings);
  pt_strmap_clear(&e->from);
  pt_array_drop_over(&e->ranked, &e->cap_ranked,
                     ENC_KEEP_BYTES / sizeof *e->ranked);
  pt_array_drop_over(&e->rank, &e->cap_rank, ENC_KEEP_BYTES / sizeof *e->rank);
}

int pt__reuse_encode_in(pt__reuse_enc *e, pt_file_result *r,
                        uint64_t disk_size)
{
  enc w = {e, 0, 0, {NULL}, {0}};
  r->file.reuse = NULL;
  r->file.reuse_size = 0;
  int rc = pt__key_file(&e->file_key, r->file.lang, r->file.path);
  if (rc == 0)
    rc = encode(&w, r, disk_size, e->file_key.ptr);
  if (rc == 0) { /* rc 1: the file is simply not reusable */
    void *copy = pt_arena_alloc(&r->arena, e->b.len);
    if (!copy)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    else {
      r->file.reuse = memcpy(copy, e->b.ptr, e->b.len);
      r->file.reuse_size = e->b.len;
    }
  }
  enc_reset(e);
  return rc < 0 ? rc : 0;
}

void pt__reuse_enc_fini(pt__reuse_enc *e)
{
  pt_buf_fini(&e->b);
  pt_buf_fini(&e->file_key);
  pt_strmap_fini(&e->strings);
  pt_strmap_fini(&e->from);
  pt_free(e->ranked);
  pt_free(e->rank);
  e->ranked = NULL;
  e->rank = NULL;
  e->cap_ranked = e->cap_rank = 0;
}

int pt__reuse_encode(pt_file_result *r, uint64_t disk_size)
{
  pt__reuse_enc e = PT__REUSE_ENC_INIT;
  int rc = pt__reuse_encode_in(&e, r, disk_size);
  pt__reuse_enc_fini(&e);
  return rc;
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct dec {
  const unsigned char *p, *end;
  const char **strings; /* the record's new strings so far */
  size_t n_strings, cap_strings;
  int bad;
} dec;

static void set_bad(dec *d)
{
  if (!d->bad)
    d->bad = 1;
}

static uint64_t get_u64(dec *d)
{
  uint64_t v;
  if (d->bad)
    return 0;
  if (pt_varint_get(&d->p, d->end, &v) != PT_VARINT_OK)
    set_bad(d);
  return v;
}

static uint64_t get_below(dec *d, uint64_t limit)
{
  uint64_t v = get_u64(d);
  if (v >= limit)
    set_bad(d);
  return d->bad ? 0 : v;
}

static const char *get_str(dec *d)
{
  uint64_t v = get_u64(d);
  if (d->bad || v == 0)
    return NULL;
  if (v >= 2) {
    if (v - 2 >= d->n_strings)
      set_bad(d);
    return d->bad ? NULL : d->strings[v - 2];
  }
  uint64_t len = get_u64(d);
  if (d->bad || len >= (uint64_t)(d->end - d->p) || d->p[len] != '\0' ||
      memchr(d->p, '\0', (size_t)len)) {
    set_bad(d);
    return NULL;
  }
  const char *s = (const char *)d->p;
  d->p += len + 1;
  if (d->n_strings == d->cap_strings) {
    size_t cap = d->cap_strings ? 2 * d->cap_strings : 16;
    const char **m = pt_realloc(d->strings, cap * sizeof *m);
    if (!m) {
      d->bad = -1;
      return NULL;
    }
    d->strings = m;
    d->cap_strings = cap;
  }
  d->strings[d->n_strings++] = s;
  return s;
}

/* Where a record's reads (their length in bytes, read here, then both
 * lists) end: d->p when the length runs past the record (d marked bad). */
static const unsigned char *reads_end(dec *d)
{
  uint64_t len = get_u64(d);
  if (len > (uint64_t)(d->end - d->p))
    set_bad(d);
  return d->bad ? d->p : d->p + len;
}

/* Passes over a record's reads. */
static void skip_reads(dec *d)
{
  d->p = reads_end(d);
}

/* One file's records in canonical order: indexes into the graph's arrays. */
typedef struct file_span {
  size_t *ents, n_ents;
  size_t *tests, n_tests;
} file_span;

static int decode_refs(dec *d, pt_file_result *r, const char *file_key)
{
  uint64_t n = get_u64(d);
  if (n > (uint64_t)(d->end - d->p))
    set_bad(d);
  if (d->bad)
    return 0;
  r->refs = pt_arena_alloc(&r->arena, ((size_t)n + 1) * sizeof *r->refs);
  file_key = pt_arena_strdup(&r->arena, file_key);
  if (!r->refs || !file_key)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; !d->bad && i < n; i++) {
    pt_raw_ref *x = &r->refs[i];
    memset(x, 0, sizeof *x);
    uint64_t from = get_below(d, r->n_entities + 1);
    x->from_key = from ? r->entities[from - 1].key : file_key;
    int64_t sfe = pt_unzigzag(get_u64(d));
    if (sfe < -1 || sfe > INT32_MAX)
      set_bad(d);
    x->from_entity = (int32_t)sfe;
    x->kind = (pt_ref_kind)get_below(d, PT_REF__COUNT);
    x->via = (uint8_t)get_below(d, PT_VIA_MEMBER + 1);
    x->recv_how = (uint8_t)get_below(d, PT_RECV_CALLED + 1);
    x->arity = (uint8_t)get_below(d, 256);
    x->is_base_init = (uint8_t)get_below(d, 2);
    x->line = (uint32_t)get_below(d, (uint64_t)UINT32_MAX + 1);
    x->name = get_str(d);
    x->scope = get_str(d);
    x->module = get_str(d);
    x->recv_type = get_str(d);
    x->arg_types = get_str(d);
    if (!x->name)
      set_bad(d);
    r->n_refs = i + 1;
  }
  return 0;
}

/* Puts the records of span, as ranked by the record, in source order. */
static int decode_order(dec *d, size_t n_have, size_t *order)
{
  uint64_t n = get_u64(d);
  if (n != n_have)
    set_bad(d);
  if (d->bad)
    return 0;
  unsigned char *used = pt_calloc(n_have + 1, 1);
  if (!used)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; !d->bad && i < n_have; i++) {
    size_t k = (size_t)get_below(d, n_have);
    if (!d->bad && used[k]++)
      set_bad(d);
    order[i] = k;
  }
  pt_free(used);
  return 0;
}

/* A result equal to the one extraction gave, with strings borrowed from
 * g's pool (which the cache keeps alive); NULL in *out when the record is
 * not well formed. lazy: when the record says the file notes no bases,
 * its references are left undecoded, *refs_at where they start in the
 * record (pt__reuse_decode_refs; the rest of the record is checked then),
 * else 0. */
static int decode(const pt_graph *g, const pt_file_record *f,
                  const file_span *sp, const char *file_key, int lazy,
                  pt_file_result **out, size_t *refs_at)
{
  dec d = {f->reuse, (const unsigned char *)f->reuse + f->reuse_size, NULL, 0,
           0, 0};
  size_t n = sp->n_ents > sp->n_tests ? sp->n_ents : sp->n_tests;
  size_t *order = pt_malloc((n + 1) * sizeof *order);
  pt_file_result *r = pt_calloc(1, sizeof *r);
  int rc = order && r ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  int version = reuse_version(f);
  uint64_t flags = REUSE_NOTES_BASES;
  *out = NULL;
  *refs_at = 0;
  if (rc == 0) {
    pt_arena_init(&r->arena);
    r->file = *f;
    if (!version)
      set_bad(&d);
    else
      d.p += REUSE_HEAD;
    get_u64(&d); /* the size on disk: pt__reuse_disk_size */
    if (version != REUSE_VERSION_NO_FLAGS)
      flags = get_u64(&d);
    if (version == REUSE_VERSION_NO_READS || version == REUSE_VERSION_NO_FLAGS)
      flags &= ~(uint64_t)REUSE_HAS_READS;
    if (flags & REUSE_HAS_READS)
      skip_reads(&d);
    r->entities = pt_arena_alloc(&r->arena, (sp->n_ents + 1) * sizeof *r->entities);
    r->tests = pt_arena_alloc(&r->arena, (sp->n_tests + 1) * sizeof *r->tests);
    if (!r->entities || !r->tests)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (rc == 0)
    rc = decode_order(&d, sp->n_ents, order);
  for (size_t i = 0; rc == 0 && !d.bad && i < sp->n_ents; i++)
    r->entities[r->n_entities++] = pt_graph_entities(g)[sp->ents[order[i]]];
  if (rc == 0)
    rc = decode_order(&d, sp->n_tests, order);
  for (size_t i = 0; rc == 0 && !d.bad && i < sp->n_tests; i++)
    r->tests[r->n_tests++] = pt_graph_tests(g)[sp->tests[order[i]]];
  if (rc == 0 && !d.bad && lazy && !(flags & REUSE_NOTES_BASES) &&
      d.p < d.end) {
    *refs_at = (size_t)(d.p - (const unsigned char *)f->reuse);
    d.p = d.end; /* the rest is read when it is used */
  } else if (rc == 0 && !d.bad) {
    rc = decode_refs(&d, r, file_key);
  }
  if (rc == 0 && d.bad < 0)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && !d.bad && d.p == d.end)
    *out = r;
  else
    pt_file_result_free(r);
  if (!*out)
    *refs_at = 0;
  pt_free(d.strings);
  pt_free(order);
  return rc;
}

int pt__reuse_decode_refs(pt_file_result *r, size_t at)
{
  const pt_file_record *f = &r->file;
  dec d = {(const unsigned char *)f->reuse + at,
           (const unsigned char *)f->reuse + f->reuse_size, NULL, 0, 0, 0};
  pt_buf file_key = PT_BUF_INIT;
  int rc = at >= REUSE_HEAD && at < f->reuse_size && reuse_version(f)
               ? pt__key_file(&file_key, f->lang, f->path) : 0;
  if (rc == 0 && file_key.ptr)
    rc = decode_refs(&d, r, file_key.ptr);
  else if (rc == 0)
    set_bad(&d);
  if (rc == 0 && d.bad < 0)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (d.bad || d.p != d.end)) {
    r->refs = NULL; /* what was decoded is in r's arena, freed with it */
    r->n_refs = 0;
    rc = 1;
  }
  pt_free(d.strings);
  pt_buf_fini(&file_key);
  return rc;
}

/* ---- what a file's resolution read ------------------------------------- */

/* Where f's reads start (after the size on disk and the flags) and its
 * flags: 0, or 1 when the record is not current or not well formed. */
static int reads_at(const pt_file_record *f, dec *d, uint64_t *flags)
{
  int version = reuse_version(f);
  d->p = (const unsigned char *)f->reuse + REUSE_HEAD;
  d->end = (const unsigned char *)f->reuse + f->reuse_size;
  *flags = 0;
  if (!version)
    return 1;
  get_u64(d);
  if (version != REUSE_VERSION_NO_FLAGS)
    *flags = get_u64(d);
  if (version != REUSE_VERSION)
    *flags &= ~(uint64_t)REUSE_HAS_READS;
  return d->bad ? 1 : 0;
}

static int get_deps(dec *d, pt__deps *out)
{
  uint64_t n = get_u64(d), prev = 0;
  if (n > (uint64_t)(d->end - d->p))
    set_bad(d);
  if (d->bad)
    return 0;
  out->v = pt_malloc(((size_t)n + 1) * sizeof *out->v);
  if (!out->v)
    return PT_ERR(PT_ENOMEM, "out of memory");
  out->cap = (size_t)n + 1;
  for (size_t k = 0; k < n && !d->bad; k++) {
    uint64_t dv = get_u64(d), v = prev + dv;
    if (k > 0 && (dv == 0 || v < prev)) /* ascending, no wrap */
      set_bad(d);
    out->v[out->n++] = prev = v;
  }
  return 0;
}

int pt__reuse_reads(const pt_file_record *f, pt__deps *deps, pt__deps *bdeps)
{
  dec d = {NULL, NULL, NULL, 0, 0, 0};
  uint64_t flags;
  memset(deps, 0, sizeof *deps);
  memset(bdeps, 0, sizeof *bdeps);
  if (reads_at(f, &d, &flags) != 0 || !(flags & REUSE_HAS_READS))
    return 0;
  const unsigned char *end = reads_end(&d);
  int rc = get_deps(&d, deps);
  if (rc == 0)
    rc = get_deps(&d, bdeps);
  if (rc == 0 && d.p != end)
    set_bad(&d);
  if (rc == 0 && d.bad)
    rc = PT_ERR(PT_EINVAL, "%s: the reuse record's reads are malformed",
                f->path ? f->path : "?");
  if (rc) {
    pt__deps_fini(deps);
    pt__deps_fini(bdeps);
    return rc;
  }
  return 1;
}

static size_t varint_size(uint64_t v)
{
  size_t n = 1;
  while (v >>= 7)
    n++;
  return n;
}

/* The bytes put_deps writes of x. */
static uint64_t deps_size(const pt__deps *x)
{
  uint64_t prev = 0, n = x ? x->n : 0, size = varint_size(n);
  for (size_t k = 0; k < n; k++) {
    size += varint_size(x->v[k] - prev);
    prev = x->v[k];
  }
  return size;
}

static int put_deps(pt_buf *b, const pt__deps *x)
{
  uint64_t prev = 0;
  size_t n = x ? x->n : 0;
  int rc = pt_varint_put(b, n);
  for (size_t k = 0; rc == 0 && k < n; k++) {
    rc = pt_varint_put(b, x->v[k] - prev);
    prev = x->v[k];
  }
  return rc;
}

int pt__reuse_set_reads(const pt_file_record *f, const pt__deps *deps,
                        const pt__deps *bdeps, pt_buf *out)
{
  dec d = {NULL, NULL, NULL, 0, 0, 0};
  uint64_t flags, size;
  unsigned char head[REUSE_HEAD];
  pt_buf_clear(out);
  if (reads_at(f, &d, &flags) != 0)
    return PT_ERR(PT_EINVAL, "%s: no current reuse record",
                  f->path ? f->path : "?");
  if (flags & REUSE_HAS_READS)
    skip_reads(&d);
  if (d.bad)
    return PT_ERR(PT_EINVAL, "%s: the reuse record's reads are malformed",
                  f->path ? f->path : "?");
  const unsigned char *rest = d.p;
  /* the size on disk again (reads_at read past it) */
  d.p = (const unsigned char *)f->reuse + REUSE_HEAD;
  size = get_u64(&d);
  if (reuse_version(f) == REUSE_VERSION_NO_FLAGS) /* every file noted */
    flags = REUSE_NOTES_BASES;
  flags &= ~(uint64_t)REUSE_HAS_READS;
  if (deps || bdeps)
    flags |= REUSE_HAS_READS;
  reuse_head(head);
  int rc = pt_buf_put(out, head, sizeof head);
  if (rc == 0) rc = pt_varint_put(out, size);
  if (rc == 0) rc = pt_varint_put(out, flags);
  if (rc == 0 && (flags & REUSE_HAS_READS))
    rc = pt_varint_put(out, deps_size(deps) + deps_size(bdeps));
  if (rc == 0 && (flags & REUSE_HAS_READS)) rc = put_deps(out, deps);
  if (rc == 0 && (flags & REUSE_HAS_READS)) rc = put_deps(out, bdeps);
  if (rc == 0)
    rc = pt_buf_put(out, rest, (size_t)(d.end - rest));
  return rc;
}

int pt__reuse_write_reads(pt_graph *g, const pt_file_record *f,
                          const pt__deps *deps, const pt__deps *bdeps,
                          pt_buf *b)
{
  int rc = pt__reuse_set_reads(f, deps, bdeps, b);
  if (rc == PT_EINVAL) { /* a malformed record: a later run parses it */
    pt_error_clear();
    return 0;
  }
  return rc ? rc : pt_graph_set_file_reuse(g, f->path, b->ptr, b->len);
}

int pt__reuse_has_reads(const pt_file_record *f)
{
  dec d = {NULL, NULL, NULL, 0, 0, 0};
  uint64_t flags;
  return reads_at(f, &d, &flags) == 0 && (flags & REUSE_HAS_READS);
}

/* ---- seeding a cache ---------------------------------------------------- */

/* Per file (by index in g's files), its entities and tests in canonical
 * order: a counting sort over the records' interned paths. */
typedef struct spans {
  file_span *v;
  size_t *ents, *tests;
} spans;

static int file_of(const pt_ptrmap *by_path, const char *path, size_t *out)
{
  return path && pt_ptrmap_get(by_path, path, out);
}

static int make_spans(const pt_graph *g, spans *s)
{
  size_t nf = pt_graph_n_files(g), ne = pt_graph_n_entities(g);
  size_t nt = pt_graph_n_tests(g), k;
  const pt_file_record *files = pt_graph_files(g);
  const pt_entity *ents = pt_graph_entities(g);
  const pt_test_entity *tests = pt_graph_tests(g);
  pt_ptrmap by_path = PT_PTRMAP_INIT;
  s->v = pt_calloc(nf + 1, sizeof *s->v);
  s->ents = pt_malloc((ne + 1) * sizeof *s->ents);
  s->tests = pt_malloc((nt + 1) * sizeof *s->tests);
  int rc = s->v && s->ents && s->tests ? pt_ptrmap_reserve(&by_path, nf)
                                       : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < nf; i++)
    rc = pt_ptrmap_put_new(&by_path, files[i].path, i, &k);
  /* counts, then offsets, then the indexes in canonical order */
  for (size_t i = 0; rc == 0 && i < ne; i++)
    if (file_of(&by_path, ents[i].file_path, &k))
      s->v[k].n_ents++;
  for (size_t i = 0; rc == 0 && i < nt; i++)
    if (file_of(&by_path, tests[i].file_path, &k))
      s->v[k].n_tests++;
  size_t at_e = 0, at_t = 0;
  for (size_t i = 0; rc == 0 && i < nf; i++) {
    s->v[i].ents = s->ents + at_e;
    s->v[i].tests = s->tests + at_t;
    at_e += s->v[i].n_ents;
    at_t += s->v[i].n_tests;
    s->v[i].n_ents = s->v[i].n_tests = 0;
  }
  for (size_t i = 0; rc == 0 && i < ne; i++)
    if (file_of(&by_path, ents[i].file_path, &k))
      s->v[k].ents[s->v[k].n_ents++] = i;
  for (size_t i = 0; rc == 0 && i < nt; i++)
    if (file_of(&by_path, tests[i].file_path, &k))
      s->v[k].tests[s->v[k].n_tests++] = i;
  pt_ptrmap_fini(&by_path);
  return rc;
}

static void spans_fini(spans *s)
{
  pt_free(s->v);
  pt_free(s->ents);
  pt_free(s->tests);
}

/* What a seed (or a compaction) left out: records of another extractor
 * version, and malformed ones. */
static void log_skipped(size_t n_other, size_t n_bad, int compact)
{
  const char *then = compact ? "their results are kept as extracted"
                             : "those files are parsed again";
  if (n_other)
    pt_log(PT_LOG_INFO, "ingest cache: %zu file records were made by another "
           "version of the extractor; %s", n_other, then);
  if (n_bad)
    pt_log(PT_LOG_WARN, "ingest cache: %zu file records held a malformed "
           "reuse record; %s", n_bad, then);
}

/* The files a seed decodes: from, to (indexes in g's files), their
 * results by index (NULL: skipped or malformed) and where their
 * references start when left undecoded (lazy), the first failure. */
typedef struct decode_part {
  const pt_graph *g;
  const spans *s;
  pt_file_result **res;
  size_t *refs_at;
  int lazy;
  size_t from, to;
  size_t failed_at; /* the file whose decode failed (rc), else to */
  int rc;
  pt_error err;
} decode_part;

static void decode_part_run(void *payload)
{
  decode_part *p = payload;
  const pt_file_record *files = pt_graph_files(p->g);
  pt_buf file_key = PT_BUF_INIT;
  int rc = 0;
  size_t i = p->from;
  for (; rc == 0 && i < p->to; i++) {
    const pt_file_record *f = &files[i];
    if (!f->reuse || f->mtime_ns == 0 || !pt__reuse_is_current(f))
      continue;
    pt_buf_clear(&file_key);
    rc = pt__key_file(&file_key, f->lang, f->path);
    if (rc == 0)
      rc = decode(p->g, f, &p->s->v[i], file_key.ptr, p->lazy, &p->res[i],
                  &p->refs_at[i]);
  }
  p->rc = rc;
  p->failed_at = rc ? i - 1 : p->to;
  if (rc)
    p->err = *pt_error_last();
  pt_buf_fini(&file_key);
}

/* Below this many files a seed decodes on one thread. */
#define SEED_SPLIT_MIN 256

/* About what decoding file i costs: its entities and tests, and the
 * references of a file that notes bases (a lazy seed leaves the others'
 * for later; either way they are most of the record's bytes). */
static uint64_t decode_cost(const pt_file_record *f, const file_span *sp,
                            int lazy)
{
  const unsigned char *p = (const unsigned char *)f->reuse + REUSE_HEAD;
  const unsigned char *end = (const unsigned char *)f->reuse + f->reuse_size;
  uint64_t size = 0, flags = REUSE_NOTES_BASES;
  int version = reuse_version(f);
  if (!version)
    return 1;
  if (lazy && version != REUSE_VERSION_NO_FLAGS &&
      (pt_varint_get(&p, end, &size) != PT_VARINT_OK ||
       pt_varint_get(&p, end, &flags) != PT_VARINT_OK))
    flags = REUSE_NOTES_BASES;
  return 64 + 16 * (uint64_t)(sp->n_ents + sp->n_tests) +
         (!lazy || (flags & REUSE_NOTES_BASES) ? f->reuse_size : 0);
}

/* Where the second half of the files starts: about half the decoding
 * cost on each side, not half the files (a tree's languages lie in
 * stretches of it, and some note bases, which are decoded at once). */
static size_t decode_middle(const pt_graph *g, const spans *s, int lazy)
{
  const pt_file_record *files = pt_graph_files(g);
  size_t nf = pt_graph_n_files(g);
  uint64_t total = 0, half = 0;
  for (size_t i = 0; i < nf; i++)
    total += decode_cost(&files[i], &s->v[i], lazy);
  for (size_t i = 0; i < nf; i++) {
    half += decode_cost(&files[i], &s->v[i], lazy);
    if (half >= total / 2)
      return i + 1;
  }
  return nf / 2;
}

/* A seed's decoding (pure: each file's record into a result of its own)
 * split over this thread and one more, the files in two halves; the
 * results are then added to the cache in file order, as one thread adds
 * them, and a failure is the first in file order. PT_ENOTSUPPORTED when
 * there is no second thread (the caller decodes on one). */
static int decode_split(pt_ingest_cache *c, const pt_graph *g, const spans *s,
                        int lazy, size_t *n)
{
  const pt_file_record *files = pt_graph_files(g);
  size_t nf = pt_graph_n_files(g), n_bad = 0, n_other = 0;
  pt_file_result **res = pt_calloc(nf + 1, sizeof *res);
  size_t *refs_at = pt_calloc(nf + 1, sizeof *refs_at);
  pt_thread *t = NULL;
  if (!res || !refs_at) {
    pt_free(res);
    pt_free(refs_at);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  size_t mid = decode_middle(g, s, lazy);
  decode_part part[2] = {{g, s, res, refs_at, lazy, 0, mid, 0, 0, {0}},
                         {g, s, res, refs_at, lazy, mid, nf, 0, 0, {0}}};
  if (pt_thread_start(decode_part_run, &part[1], &t) != 0) {
    pt_error_clear();
    pt_free(res);
    pt_free(refs_at);
    return PT_ENOTSUPPORTED;
  }
  decode_part_run(&part[0]);
  pt_thread_join(t);
  const decode_part *bad = part[0].rc ? &part[0] : part[1].rc ? &part[1]
                                                              : NULL;
  size_t upto = bad ? bad->failed_at : nf;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < upto; i++) {
    const pt_file_record *f = &files[i];
    if (!f->reuse || f->mtime_ns == 0)
      continue;
    if (!pt__reuse_is_current(f)) {
      n_other++;
      continue;
    }
    if (!res[i])
      n_bad++;
    else if ((rc = pt__cache_add_seeded(c, f, res[i], refs_at[i])) == 0)
      (*n)++;
    res[i] = NULL; /* the cache's, or freed by the add that failed */
  }
  if (rc == 0 && bad)
    rc = pt__error_set(bad->err.code, bad->err.file, bad->err.line, "%s",
                       bad->err.message);
  for (size_t i = 0; i < nf; i++)
    pt_file_result_free(res[i]);
  pt_free(res);
  pt_free(refs_at);
  log_skipped(n_other, n_bad, 0);
  return rc;
}

/* Each file record of g that holds a current reuse record, decoded into
 * a result: added to the empty cache c as a seeded entry (lazy: the
 * references of files that note no bases left undecoded), or (compact)
 * put in place of the result c keeps for that path. *n counts them. */
static int decode_records(pt_ingest_cache *c, const pt_graph *g, int compact,
                          int lazy, size_t *n)
{
  spans s = {NULL, NULL, NULL};
  pt_buf file_key = PT_BUF_INIT;
  const pt_file_record *files = pt_graph_files(g);
  size_t nf = pt_graph_n_files(g), n_bad = 0, n_other = 0;
  *n = 0;
  int rc = make_spans(g, &s);
  if (rc == 0)
    rc = pt__cache_hold_pool(c, g);
  if (rc == 0 && !compact && nf >= SEED_SPLIT_MIN) {
    rc = decode_split(c, g, &s, lazy, n);
    if (rc != PT_ENOTSUPPORTED) {
      spans_fini(&s);
      return rc;
    }
    pt_error_clear();
    rc = 0;
  }
  for (size_t i = 0; rc == 0 && i < nf; i++) {
    const pt_file_record *f = &files[i];
    pt_file_result *r = NULL;
    size_t k = 0, refs_at = 0;
    if (!f->reuse || f->mtime_ns == 0 ||
        (compact && !pt__cache_find(c, f->path, strlen(f->path), &k)))
      continue;
    if (!pt__reuse_is_current(f)) {
      n_other++;
      continue;
    }
    pt_buf_clear(&file_key);
    rc = pt__key_file(&file_key, f->lang, f->path);
    if (rc == 0)
      rc = decode(g, f, &s.v[i], file_key.ptr, lazy && !compact, &r, &refs_at);
    if (rc == 0 && !r)
      n_bad++;
    else if (rc == 0 && compact) {
      pt__cache_put_decoded(c, k, r);
      (*n)++;
    } else if (rc == 0 && (rc = pt__cache_add_seeded(c, f, r, refs_at)) == 0)
      (*n)++;
  }
  log_skipped(n_other, n_bad, compact);
  pt_buf_fini(&file_key);
  spans_fini(&s);
  return rc;
}

static int seed(pt_ingest_cache *c, const pt_graph *g, int lazy,
                size_t *n_seeded)
{
  *n_seeded = 0;
  if (pt_ingest_cache_size(c) != 0)
    return PT_ERR(PT_EINVAL, "pt_ingest_cache_seed: the cache is in use");
  int rc = decode_records(c, g, 0, lazy, n_seeded);
  if (rc)
    pt__cache_commit(c, 0);
  return rc;
}

int pt_ingest_cache_seed(pt_ingest_cache *c, const pt_graph *g, size_t *n_seeded)
{
  return seed(c, g, 0, n_seeded);
}

int pt_ingest_cache_seed_lazily(pt_ingest_cache *c, const pt_graph *g,
                                size_t *n_seeded)
{
  return seed(c, g, 1, n_seeded);
}

int pt_ingest_cache_compact(pt_ingest_cache *c, const pt_graph *g,
                            size_t *n_compacted)
{
  *n_compacted = 0;
  if (!pt__cache_is_run_of(c, g))
    return PT_ERR(PT_EINVAL, "pt_ingest_cache_compact: the cache does not "
                  "hold the run that made the graph");
  return decode_records(c, g, 1, 0, n_compacted);
}

/* ---- the stat check's second opinion ------------------------------------ */

int pt__reuse_same_content(const char *root, const char *path,
                           const char *content_hash)
{
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  size_t n_bad = 0, line = 0;
  char hash[65];
  int same = 0;
  /* read as extraction reads it: invalid UTF-8 decoded lossily */
  if (content_hash && pt_buf_printf(&full, "%s/%s", root, path) == 0 &&
      pt_fs_read_file(full.ptr, &src) == 0 &&
      !pt__ingest_is_binary(src.ptr, src.len) &&
      pt__ingest_decode_lossily(&src, &n_bad, &line) == 0) {
    pt_sha256_hex(src.ptr ? src.ptr : "", src.len, hash);
    same = strcmp(hash, content_hash) == 0;
  }
  pt_error_clear(); /* a file that cannot be read is parsed, and reported */
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  return same;
}
