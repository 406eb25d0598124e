/* The live index's patch shortcut (pt_ingest_patch, pt/ingest.h): only the
 * changed files are parsed again and the current graph is patched with
 * their records and the edges that can have changed, instead of a full
 * run; where that is not exactly what a full run would make, PT_EAGAIN.
 * Files edited, added, renamed or deleted change the kept resolver's
 * tables a file at a time (resolve_upkeep.c); the files that read what
 * changed are resolved again with them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/both.h"
#include "pt/error.h"
#include "pt/strmap.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "ingest_int.h"
#include "resolve_int.h"

/* A file patched: re-extracted (edited or new), gone, or only resolved
 * again (a file that read something that changed). */
typedef struct patched {
  const char *path;          /* a dirty key, or the entry's path */
  size_t entry;              /* its cache entry, or NO_ENTRY (new) */
  int kind;                  /* PT__PATCH_EDITED, _NEW, _GONE, or 0 */
  pt_file_result *r;         /* owned when re-extracted */
  const pt_file_result *use; /* the result patched in: r, or the entry's;
                                NULL when gone */
  pt_fs_stat st;
  int defs_changed;          /* its definitions are not the ones it had */
  int bases_changed;         /* nor its bases */
  int same_edges;            /* only resolved again, to the edges it had */
  pt_entity *ents;           /* owned: its definitions, strings interned */
} patched;

#define NO_ENTRY ((size_t)-1)

static int str_differ(const char *a, const char *b)
{
  return (!a != !b) || (a && strcmp(a, b) != 0);
}

/* The same definitions, as resolution sees them, in the same order (the
 * signature too: a factory's declared result types its callers' locals). */
static int same_definitions(const pt_file_result *a, const pt_file_result *b)
{
  if (a->n_entities != b->n_entities)
    return 0;
  for (size_t i = 0; i < a->n_entities; i++) {
    const pt_entity *x = &a->entities[i], *y = &b->entities[i];
    if (strcmp(x->key, y->key) || strcmp(x->name, y->name) ||
        strcmp(x->qualname, y->qualname) || x->kind != y->kind ||
        str_differ(x->signature, y->signature) ||
        x->lang != y->lang || (!x->parent_key != !y->parent_key) ||
        (x->parent_key && strcmp(x->parent_key, y->parent_key)))
      return 0;
  }
  return 1;
}

/* What the resolver notes with a file's bases: extends and implements
 * references, and the types of C++ fields (resolve_pick.c). */
static int is_noted(const pt_raw_ref *r, pt_lang lang)
{
  return r->kind == PT_REF_EXTENDS || r->kind == PT_REF_IMPLEMENTS ||
         (lang == PT_LANG_CPP && r->kind == PT_REF_TYPE && r->recv_type);
}

/* The same bases (and C++ fields) in the same order: else the file's
 * bases are noted again. */
int pt__ingest_same_bases(const pt_file_result *a, const pt_file_result *b)
{
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a->n_refs && !is_noted(&a->refs[i], a->file.lang))
      i++;
    while (j < b->n_refs && !is_noted(&b->refs[j], b->file.lang))
      j++;
    if (i == a->n_refs || j == b->n_refs)
      return i == a->n_refs && j == b->n_refs;
    const pt_raw_ref *x = &a->refs[i++], *y = &b->refs[j++];
    if (x->kind != y->kind || strcmp(x->from_key, y->from_key) ||
        strcmp(x->name, y->name) || str_differ(x->scope, y->scope) ||
        str_differ(x->recv_type, y->recv_type))
      return 0;
  }
}

int pt__ingest_has_bases(const pt_file_result *r)
{
  for (size_t i = 0; i < r->n_refs; i++)
    if (is_noted(&r->refs[i], r->file.lang))
      return 1;
  return 0;
}

int pt__patch_read(const char *root, const char *path, uint64_t max_size,
                   pt_fs_stat *st, pt_buf *full, pt_buf *src)
{
  pt_buf_clear(full);
  int rc = pt_buf_printf(full, "%s/%s", root, path);
  if (rc == 0) rc = pt_fs_stat_path(full->ptr, st);
  if (rc == 0 && (st->type != PT_FS_FILE || st->size > max_size))
    rc = PT_EAGAIN;
  if (rc == 0) rc = pt_fs_read_file(full->ptr, src);
  return rc;
}

int pt__patch_extract_bytes(pt_extractor *x, const char *path, const char *src,
                            size_t len, pt_file_result **out)
{
  pt_grammar g;
  *out = NULL;
  if (pt__ingest_is_binary(src, len) ||
      !pt_grammar_for_path(path, src, len < 4096 ? len : 4096, &g))
    return PT_EAGAIN;
  int rc = pt_extract_file(x, g, path, src ? src : "", len, out);
  if (rc == 0)
    rc = pt__reuse_encode(*out, len); /* valid UTF-8: as read */
  if (rc == 0 && pt_file_result_compact(out) != 0)
    pt_error_clear(); /* short of memory: keep it as it is */
  if (rc) {
    pt_file_result_free(*out);
    *out = NULL;
  }
  return rc;
}

/* Re-extracts one edited or new file (or takes what was extracted ahead
 * from the bytes it reads); PT_EAGAIN when the shortcut cannot take it. */
static int patch_extract(pt_ingest_cache *c, pt_extractor *x, const char *root,
                         uint64_t max_size, patched *pf, pt_buf *full, pt_buf *src)
{
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  int rc = pf->entry != NO_ENTRY ? pt__cache_refs(c, pf->entry) : 0;
  if (rc)
    return rc;
  const pt_file_result *was = pf->entry != NO_ENTRY ? entries[pf->entry].r : NULL;
  rc = pt__patch_read(root, pf->path, max_size, &pf->st, full, src);
  if (rc == 0 && !(pf->r = pt__ahead_take(c, pf->path, src->ptr, src->len)))
    rc = pt__patch_extract_bytes(x, pf->path, src->ptr, src->len, &pf->r);
  if (rc == 0)
    pf->r->file.mtime_ns = pf->st.mtime_ns;
  if (rc == 0 && was && pf->r->file.lang != was->file.lang)
    rc = PT_EAGAIN;
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the full run will meet and report it */
    rc = PT_EAGAIN;
  }
  if (rc == 0) {
    pf->use = pf->r;
    pf->defs_changed = !was || !same_definitions(was, pf->r);
    pf->bases_changed = was ? !pt__ingest_same_bases(was, pf->r)
                            : pt__ingest_has_bases(pf->r);
  }
  return rc;
}

/* New keys: none may be another entity's, in the index or among the
 * other changed files' (else a full run moves keys on: PT_EAGAIN). */
static int keys_stay_unique(pt_ingest_cache *c, patched *pf, size_t n)
{
  pt_strmap own = PT_STRMAP_INIT, fresh = PT_STRMAP_INIT;
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  const pt_resolver *rs = pt__cache_resolver(c);
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++) {
    if (!pf[k].defs_changed || !pf[k].r)
      continue;
    const pt_file_result *old = pf[k].entry != NO_ENTRY ? entries[pf[k].entry].r : NULL;
    pt_strmap_fini(&own);
    memset(&own, 0, sizeof own);
    for (size_t i = 0; old && i < old->n_entities && rc == 0; i++)
      rc = pt_strmap_put(&own, old->entities[i].key, strlen(old->entities[i].key), 1);
    for (size_t i = 0; i < pf[k].r->n_entities && rc == 0; i++) {
      const char *key = pf[k].r->entities[i].key;
      size_t len = strlen(key), was;
      if (!pt_strmap_get(&own, key, len, NULL) && pt__resolver_has_key(rs, key))
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

/* The file's definitions with their strings interned in the pool the
 * resolver's strings are in (resolution reads no code). */
static int intern_defs(pt_graph *scratch, patched *pf)
{
  const pt_file_result *r = pf->use;
  pf->ents = pt_malloc((r->n_entities + 1) * sizeof *pf->ents);
  if (!pf->ents)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t j = 0; j < r->n_entities; j++) {
    const pt_entity *src = &r->entities[j];
    pt_entity e = *src;
    e.code = NULL;
    e.signature = e.signature ? pt_graph_intern(scratch, e.signature) : NULL;
    e.key = pt_graph_intern(scratch, e.key);
    e.name = pt_graph_intern(scratch, e.name);
    e.qualname = pt_graph_intern(scratch, e.qualname);
    e.file_path = pt_graph_intern(scratch, e.file_path);
    e.parent_key = e.parent_key ? pt_graph_intern(scratch, e.parent_key) : NULL;
    if (!e.key || !e.name || !e.qualname || !e.file_path ||
        (src->parent_key && !e.parent_key) || (src->signature && !e.signature))
      return PT_ERR(PT_ENOMEM, "out of memory");
    pf->ents[j] = e;
  }
  return 0;
}

/* The changed files' definitions and bases into the tables; what changed
 * goes into ch. Files gone first, so a file renamed takes its place. */
static int change_tables(pt_resolver *rs, pt_graph *scratch, patched *pf,
                         size_t n, pt__deps *ch)
{
  int rc = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; rc == 0 && k < n; k++) {
      const char *path = pf[k].path;
      if ((pass == 0) != (pf[k].kind == PT__PATCH_GONE))
        continue;
      if (pf[k].kind == PT__PATCH_GONE) {
        rc = pt__resolver_set_file(rs, path, PT_LANG_C, NULL, 0, 1, ch);
      } else if (pf[k].defs_changed) {
        path = pt_graph_intern(scratch, path);
        rc = path ? intern_defs(scratch, &pf[k]) : PT_ERR(PT_ENOMEM, "out of memory");
        if (rc == 0)
          rc = pt__resolver_set_file(rs, path, pf[k].use->file.lang, pf[k].ents,
                                     pf[k].use->n_entities, 0, ch);
      }
    }
  if (rc == 0)
    rc = pt__resolver_flush_attrs(rs, ch);
  for (size_t k = 0; rc == 0 && k < n; k++) {
    const pt_file_result *r = pf[k].use;
    if (pf[k].kind == PT__PATCH_GONE)
      rc = pt__resolver_renote_bases(rs, pf[k].path, PT_LANG_C, NULL, 0, 1, ch);
    else if (pf[k].defs_changed || pf[k].bases_changed)
      rc = pt__resolver_renote_bases(rs, r->file.path, r->file.lang, r->refs,
                                     r->n_refs, 0, ch);
  }
  return rc;
}

/* Adds to pf (room for every file) the unchanged file at path, to be
 * resolved again, unless it is in already or has no entry; PT_EAGAIN when
 * its references, left for later by a lazy seed, are malformed. */
static int take_file(pt_ingest_cache *c, unsigned char *taken, patched *pf,
                     size_t *n, const char *path)
{
  size_t i, n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  if (!pt__cache_find(c, path, strlen(path), &i) || taken[i] || !entries[i].r)
    return 0;
  int rc = pt__cache_refs(c, i);
  if (rc)
    return rc;
  taken[i] = 1;
  memset(&pf[*n], 0, sizeof pf[*n]);
  pf[*n].path = entries[i].path;
  pf[*n].entry = i;
  pf[*n].use = entries[i].r;
  (*n)++;
  return 0;
}

/* The bases noted by files that read what changed, again, until nothing
 * more changes (noting reads no bases today, so once is enough; the bound
 * keeps a rule that did from looping); then every file that read what
 * changed is resolved again. */
static int follow_changes(pt_ingest_cache *c, pt_resolver *rs, patched *pf,
                          size_t *n, pt__deps *ch, unsigned char *renoted)
{
  size_t n_entries, n_files = pt__resolver_n_files(rs);
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  unsigned char *taken = pt_calloc(n_entries + 1, 1);
  unsigned char *noted = pt_calloc(n_entries + 1, 1);
  unsigned char *reads = pt_calloc(n_files + 1, 1);
  int rc = taken && noted && reads ? pt__deps_seal(ch)
                                   : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; rc == 0 && k < *n; k++)
    if (pf[k].entry != NO_ENTRY) {
      taken[pf[k].entry] = 1;
      noted[pf[k].entry] = pf[k].kind == PT__PATCH_GONE || pf[k].defs_changed ||
                           pf[k].bases_changed;
    }
  for (int round = 0, again = 1; rc == 0 && again; round++) {
    size_t had = ch->n;
    again = 0;
    rc = pt__resolver_readers(rs, 1, ch, reads);
    for (size_t f = 0; rc == 0 && f < n_files; f++) {
      const char *path = reads[f] ? pt__resolver_file_path(rs, f) : NULL;
      size_t i;
      /* most files read nothing that changed: asked first */
      if (!path || !pt__cache_find(c, path, strlen(path), &i) || noted[i] ||
          !entries[i].r)
        continue;
      /* an edited file's new bases, else its kept ones */
      if ((rc = pt__cache_refs(c, i)) != 0)
        break;
      const pt_file_result *r = entries[i].r;
      for (size_t k = 0; k < *n; k++)
        if (pf[k].entry == i && pf[k].use)
          r = pf[k].use;
      rc = pt__resolver_renote_bases(rs, path, r->file.lang, r->refs, r->n_refs,
                                     0, ch);
      renoted[i] = 1; /* its bases' reads may differ */
    }
    if (rc == 0)
      rc = pt__deps_seal(ch);
    again = rc == 0 && ch->n != had;
    if (again && round == 8)
      rc = PT_EAGAIN;
  }
  if (rc == 0)
    rc = pt__resolver_readers(rs, 0, ch, reads);
  for (size_t f = 0; rc == 0 && f < n_files; f++) {
    const char *path = reads[f] ? pt__resolver_file_path(rs, f) : NULL;
    if (path)
      rc = take_file(c, taken, pf, n, path);
  }
  pt_free(taken);
  pt_free(noted);
  pt_free(reads);
  return rc;
}

/* ---- files resolved again to the edges they had ------------------------
 * A change marks what it touched by name, and a common name is read by
 * thousands of files, most of which resolve to exactly the edges they had:
 * those stay out of the patched graph, whose cost grows with the edges it
 * takes in (a rename of Python's _pyio.py resolves 1,922 files again on
 * the large tree; their 934,000 edges were sorted and merged anew). */

/* A file's edges by (from, to, type) in an open-addressed table: the
 * graph's pool interns each string once (equal keys are one pointer,
 * pt/graph.h), so the diff hashes the pointers and compares no string,
 * and sorts nothing (sorting a file's edges by key strings was a tenth of
 * a rename's CPU, and by pointers, in qsort, not much less). */
#define NO_EDGE SIZE_MAX

typedef struct diff_slot {
  const pt_edge *key;        /* NULL: empty; an edge of the (from, to, type) */
  size_t old;                /* prev's edge, or NO_EDGE */
  size_t fresh;              /* the new one that stays of them, or NO_EDGE */
} diff_slot;

static size_t diff_hash(const pt_edge *e)
{
  uint64_t h = (uint64_t)(uintptr_t)e->from_key * 0x9E3779B97F4A7C15u;
  h ^= (uint64_t)(uintptr_t)e->to_key + 0x632BE59BD9B4E019u + (h << 6) + (h >> 2);
  h ^= (uint64_t)e->type * 0xC2B2AE3D27D4EB4Fu;
  h *= 0xFF51AFD7ED558CCDu;
  return (size_t)(h ^ (h >> 32));
}

/* The slot of e's (from, to, type) in t (mask + 1 slots, never full). */
static diff_slot *diff_slot_of(diff_slot *t, size_t mask, const pt_edge *e)
{
  for (size_t i = diff_hash(e) & mask;; i = (i + 1) & mask) {
    const pt_edge *k = t[i].key;
    if (!k) {
      t[i].key = e;
      t[i].old = t[i].fresh = NO_EDGE;
      return &t[i];
    }
    if (k->from_key == e->from_key && k->to_key == e->to_key && k->type == e->type)
      return &t[i];
  }
}

static int cmp_size(const void *pa, const void *pb)
{
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  return (a > b) - (a < b);
}

static int cmp_str_ptr(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int same_candidates(const pt_candidates *a, const pt_candidates *b)
{
  if (a == b)
    return 1;
  if (!a || !b || a->n != b->n || a->n_keys != b->n_keys)
    return 0;
  for (uint32_t i = 0; i < a->n_keys; i++)
    if (str_differ(a->keys[i], b->keys[i]))
      return 0;
  return 1;
}

/* The fields of two edges of one file equal in (from, to, type, line)
 * that the diff has not compared. */
static int same_rest(const pt_edge *a, const pt_edge *b)
{
  return a->resolved == b->resolved && a->resolution == b->resolution &&
         same_candidates(a->candidates, b->candidates);
}

/* Where the edges from key start among v[lo, hi) (sorted by from key),
 * by binary search. */
static size_t first_from(const pt_edge *v, size_t lo, size_t hi, const char *key)
{
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].from_key != key && strcmp(v[mid].from_key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* at[i]: where the edges from key[i] start among v[lo, hi), for the
 * sorted keys key[0..n): the middle key is searched first, and the ones
 * before it and after it in the ranges on either side. A file's keys lie
 * all over the graph (they sort by name before path), so galloping from
 * the last answer saved no probes; each is a cache miss or two in a 68 MB
 * array (this search took 4.5 % of a rename's samples, the galloping one
 * 4.6 %). */
static void first_froms(const pt_edge *v, size_t lo, size_t hi,
                        const char *const *key, size_t n, size_t *at)
{
  while (n > 0) {
    size_t m = n / 2;
    at[m] = first_from(v, lo, hi, key[m]);
    first_froms(v, lo, at[m], key, m, at); /* half the keys: depth log n */
    key += m + 1;
    at += m + 1;
    n -= m + 1;
    lo = at[-1];
  }
}

/* What changed of the edges of a file only resolved again: the graph's
 * edges of it that go (their indexes, ascending) and the new ones that
 * come; none of either when it resolved to the edges it had. */
typedef struct edge_diff {
  size_t *drop;              /* owned */
  size_t n_drop;
  pt_edge *add;              /* owned: copies of the scratch graph's */
  size_t n_add;
} edge_diff;

/* prev's edges written in the file at path, from its references
 * refs[0..n_refs) (every edge of a file comes from one of them: they are
 * the edges from their keys whose file is path), their indexes ascending
 * (in the graph's order) into *o, *n_o (grown from *cap_o). */
static int file_edges(const pt_graph *prev, const char *path,
                      const pt_raw_ref *refs, size_t n_refs, size_t **o,
                      size_t *n_o, size_t *cap_o)
{
  const char **from = pt_malloc((n_refs + 1) * sizeof *from);
  if (!from)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n_from = 0;
  for (size_t i = 0; i < n_refs; i++) /* a definition's run shares its key */
    if (n_from == 0 || from[n_from - 1] != refs[i].from_key)
      from[n_from++] = refs[i].from_key;
  if (n_from > 1)
    qsort(from, n_from, sizeof *from, cmp_str_ptr);
  size_t u = 0; /* the distinct keys */
  for (size_t i = 0; i < n_from; i++)
    if (u == 0 || (from[i] != from[u - 1] && strcmp(from[i], from[u - 1])))
      from[u++] = from[i];
  const pt_edge *old = pt_graph_edges(prev);
  size_t n_old = pt_graph_n_edges(prev);
  int rc = 0;
  size_t *first = pt_malloc((u + 1) * sizeof *first);
  if (!first)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  else
    first_froms(old, 0, n_old, from, u, first);
  for (size_t i = 0; rc == 0 && i < u; i++) {
    for (size_t at = first[i];
         rc == 0 && at < n_old && (old[at].from_key == from[i] ||
                                   !strcmp(old[at].from_key, from[i]));
         at++)
      if ((old[at].file_path == path || !str_differ(old[at].file_path, path)) &&
          (rc = pt_array_grow((void **)o, cap_o, *n_o + 1, sizeof **o)) == 0)
        (*o)[(*n_o)++] = at;
  }
  pt_free(first);
  pt_free(from);
  return rc;
}

/* The edges a file resolved to (e[0..n), in the order written) against
 * the ones prev has of it: prev keeps a file's edges sorted and without
 * a second (from, to, type), and every edge of a file comes from one of
 * its references (resolve_pick.c), so the file's edges in prev are those
 * from its references' keys that were written in it. The new ones,
 * without a second (from, to, type) as a graph keeps them (the first in
 * line order, then as written, stays), are merged with those: an edge
 * equal in every field stays, any other goes or comes. The scratch
 * graph's strings are prev's pool's, so the keys compare as pointers. */
static int edges_diff(const pt_graph *prev, const char *path,
                      const pt_raw_ref *refs, size_t n_refs, const pt_edge *e,
                      size_t n, edge_diff *out)
{
  const pt_edge *old = pt_graph_edges(prev);
  size_t n_o = 0, cap_o = 0;
  size_t *o = NULL; /* the file's old edges, ascending: in the graph's order */
  memset(out, 0, sizeof *out);
  int rc = file_edges(prev, path, refs, n_refs, &o, &n_o, &cap_o);
  size_t mask = 15;
  while (mask < 2 * (n_o + n))
    mask = mask * 2 + 1;
  diff_slot *t = rc == 0 ? pt_calloc(mask + 1, sizeof *t) : NULL;
  out->drop = rc == 0 ? pt_malloc((n_o + 1) * sizeof *out->drop) : NULL;
  out->add = rc == 0 ? pt_malloc((n + 1) * sizeof *out->add) : NULL;
  if (rc == 0 && (!t || !out->drop || !out->add))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  /* the new ones: of one (from, to, type), the first in line order, then
   * as written, stays (as pt_graph_finish keeps it) */
  for (size_t i = 0; rc == 0 && i < n; i++) {
    diff_slot *sl = diff_slot_of(t, mask, &e[i]);
    if (sl->fresh == NO_EDGE || e[i].line < e[sl->fresh].line)
      sl->fresh = i;
  }
  /* an old one equal in every field to the new one of its (from, to,
   * type) stays, any other goes, and that new one comes */
  for (size_t a = 0; rc == 0 && a < n_o; a++) {
    diff_slot *sl = diff_slot_of(t, mask, &old[o[a]]);
    sl->old = o[a];
    if (sl->fresh != NO_EDGE && e[sl->fresh].line == old[o[a]].line &&
        same_rest(&old[o[a]], &e[sl->fresh]))
      sl->fresh = NO_EDGE; /* it stays */
    else
      out->drop[out->n_drop++] = o[a];
  }
  for (size_t i = 0; rc == 0 && i < n; i++) /* in the order written */
    if (diff_slot_of(t, mask, &e[i])->fresh == i)
      out->add[out->n_add++] = e[i];
  pt_free(t);
  pt_free(o);
  if (rc || (!out->n_drop && !out->n_add)) {
    pt_free(out->drop);
    pt_free(out->add);
    out->drop = NULL;
    out->add = NULL;
    out->n_drop = out->n_add = 0;
  }
  return rc;
}

/* Below this many files to resolve again (or to compare the edges of) a
 * thread, threads cost more than they save: starting one costs tens of
 * microseconds, resolving a file a tenth of a millisecond to a few. */
#define FILES_PER_THREAD 8

/* The edge diffs of files [from, to) of the patch (files only resolved
 * again), on a thread of their own or the caller's. */
typedef struct diff_run {
  const pt_graph *prev;
  const pt__resolve_job *jobs;
  const pt_edge *e;
  const size_t *first;
  patched *pf;
  edge_diff *diff;
  size_t from, to;
  int rc;
} diff_run;

static void diff_files(void *payload)
{
  diff_run *d = payload;
  for (size_t k = d->from; d->rc == 0 && k < d->to; k++)
    if (d->jobs[k].path) {
      d->rc = edges_diff(d->prev, d->jobs[k].path, d->jobs[k].refs,
                         d->jobs[k].n_refs, d->e + d->first[k],
                         d->first[k + 1] - d->first[k], &d->diff[k]);
      d->pf[k].same_edges = !d->diff[k].n_drop && !d->diff[k].n_add;
    }
}

/* The jobs of files [from, to) of the patch, their strings looked up in
 * scratch's pool without interning (read-only: the two halves run at
 * once); a string the pool does not hold is left NULL, for intern_misses.
 * A definition's references follow one another and share its key's text:
 * it is looked up once for the run of them (the 136 files that call
 * PostgreSQL's xact.c hold 95,000 references; the readers of Python's
 * _pyio.py 77,000). */
typedef struct jobs_run {
  const pt_graph *scratch;
  const patched *pf;
  pt__resolve_job *jobs;
  size_t from, to;
  int rc;
} jobs_run;

static void look_up_jobs(void *payload)
{
  jobs_run *j = payload;
  for (size_t k = j->from; j->rc == 0 && k < j->to; k++) {
    const pt_file_result *r = j->pf[k].use;
    if (!r)
      continue; /* gone */
    pt_raw_ref *refs = pt_malloc((r->n_refs + 1) * sizeof *refs);
    j->jobs[k] = (pt__resolve_job){pt_graph_interned(j->scratch, r->file.path),
                                   r->file.lang, refs, r->n_refs};
    if (!refs) {
      j->rc = PT_ENOMEM;
      break;
    }
    for (size_t i = 0; i < r->n_refs; i++) {
      refs[i] = r->refs[i];
      refs[i].from_key = i > 0 && r->refs[i].from_key == r->refs[i - 1].from_key
                             ? refs[i - 1].from_key
                             : pt_graph_interned(j->scratch, r->refs[i].from_key);
    }
  }
}

/* What the lookups did not find, interned (new files' paths and keys). */
static int intern_misses(pt_graph *scratch, const patched *pf, size_t n,
                         pt__resolve_job *jobs)
{
  for (size_t k = 0; k < n; k++) {
    const pt_file_result *r = pf[k].use;
    if (!r)
      continue;
    if (!jobs[k].path && !(jobs[k].path = pt_graph_intern(scratch, r->file.path)))
      return PT_ERR(PT_ENOMEM, "out of memory");
    pt_raw_ref *refs = (pt_raw_ref *)jobs[k].refs;
    for (size_t i = 0; i < r->n_refs; i++)
      if (refs[i].from_key) {
        continue;
      } else if (i > 0 && r->refs[i].from_key == r->refs[i - 1].from_key) {
        refs[i].from_key = refs[i - 1].from_key;
      } else if (!(refs[i].from_key = pt_graph_intern(scratch, r->refs[i].from_key))) {
        return PT_ERR(PT_ENOMEM, "out of memory");
      }
  }
  return 0;
}

/* The files' jobs for the resolver: their paths and references' keys
 * interned in scratch's pool (a gone file's job has no path). Most are
 * in it already (a reader's keys are the graph's): they are looked up on
 * two threads when the files are many, each taking half the references,
 * and only the rest interned here (serial, this was 4 % of a heavy
 * rename's update thread). */
static int resolve_jobs(pt_graph *scratch, const patched *pf, size_t n,
                        unsigned n_cpu, pt__resolve_job *jobs)
{
  size_t total = 0, half = 0, mid = 0;
  for (size_t k = 0; k < n; k++)
    total += pf[k].use ? pf[k].use->n_refs + 1 : 0;
  for (; mid < n && 2 * half < total; mid++)
    half += pf[mid].use ? pf[mid].use->n_refs + 1 : 0;
  jobs_run run[2] = {{scratch, pf, jobs, 0, mid, 0}, {scratch, pf, jobs, mid, n, 0}};
  pt_both_if(n_cpu > 1 && n >= 2 * FILES_PER_THREAD, look_up_jobs, &run[1],
             look_up_jobs, &run[0]);
  if (run[0].rc || run[1].rc)
    return PT_ERR(PT_ENOMEM, "out of memory");
  return intern_misses(scratch, pf, n, jobs);
}

/* Where each job's edges start among e[0..n) (added in job order, each
 * written in its job's file), first[n_jobs] = n; PT_EAGAIN if they do not
 * split so. */
static int split_edges(const pt_edge *e, size_t n, const pt__resolve_job *jobs,
                       size_t n_jobs, size_t *first)
{
  size_t at = 0;
  for (size_t k = 0; k < n_jobs; k++) {
    first[k] = at;
    const char *p = jobs[k].path;
    while (p && at < n && (e[at].file_path == p || !strcmp(e[at].file_path, p)))
      at++;
  }
  first[n_jobs] = at;
  return at == n ? 0 : PT_EAGAIN;
}

/* Where the diffs of files [from, to) split in two of about equal work: a
 * file's diff costs about its references (their keys looked up) and its
 * new edges (hashed). */
static size_t diff_split(const pt__resolve_job *jobs, const size_t *first,
                         size_t from, size_t to)
{
  size_t total = 0, half = 0, k = from;
  for (size_t i = from; i < to; i++)
    total += jobs[i].n_refs + (first[i + 1] - first[i]);
  for (; k < to && 2 * half < total; k++)
    half += jobs[k].n_refs + (first[k + 1] - first[k]);
  return k;
}

/* prev's edges written in the files patched whole (the first n_dirty:
 * their old results' references name them), ascending, for the merge to
 * split the edges on two threads (pt_graph_edge_patch.patched): *out
 * NULL when a result's references are not decoded (a lazy seed's; the
 * merge then stays in one piece). */
static int patched_edges(pt_ingest_cache *c, const pt_graph *prev,
                         const patched *pf, size_t n_dirty, size_t **out,
                         size_t *n_out)
{
  size_t n_entries, n_o = 0, cap_o = 0;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  size_t *o = pt_malloc(sizeof *o);
  int rc = o ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; rc == 0 && o && k < n_dirty; k++) {
    const pt__cache_entry *e = pf[k].entry != NO_ENTRY ? &entries[pf[k].entry] : NULL;
    if (e && e->refs_at) {
      pt_free(o);
      o = NULL;
    } else if (e && e->r) {
      rc = file_edges(prev, e->r->file.path, e->r->refs, e->r->n_refs, &o, &n_o,
                      &cap_o);
    }
  }
  if (rc == 0 && o && n_o > 1) { /* each file's rise: together sorted, once */
    qsort(o, n_o, sizeof *o, cmp_size);
    size_t w = 0;
    for (size_t i = 0; i < n_o; i++)
      if (w == 0 || o[w - 1] != o[i])
        o[w++] = o[i];
    n_o = w;
  }
  if (rc) {
    pt_free(o);
    o = NULL;
  }
  *out = o;
  *n_out = o ? n_o : 0;
  return rc;
}

/* Resolves the files' references into a scratch graph sharing prev's pool,
 * then patches prev with them; of a file only resolved again (from n_dirty
 * on) only the edges that differ go and come (most stay as they were: a
 * rename of PostgreSQL's xact.c resolves again 136 files that call it,
 * whose 94,700 edges the patch and the query graph took in anew). */
static int patch_graph(pt_ingest_cache *c, pt_resolver *rs,
                       pt_graph *scratch, const pt_graph *prev, patched *pf,
                       size_t n, size_t n_dirty, unsigned n_threads,
                       pt_graph **out)
{
  pt_graph_file_patch *fp = pt_calloc(n + 1, sizeof *fp);
  size_t *first = pt_calloc(n + 1, sizeof *first);
  pt__resolve_job *jobs = pt_calloc(n + 1, sizeof *jobs);
  int rc = fp && first && jobs ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  size_t base = pt_graph_n_edges(scratch);
  unsigned n_cpu = n_threads;
  if (rc == 0)
    rc = resolve_jobs(scratch, pf, n, n_cpu, jobs);
  if (n_threads > n / FILES_PER_THREAD)
    n_threads = (unsigned)(n / FILES_PER_THREAD);
  if (rc == 0)
    rc = pt__resolve_files(rs, scratch, jobs, n, n_threads ? n_threads : 1);
  const pt_edge *e = rc == 0 ? pt_graph_edges(scratch) + base : NULL;
  if (rc == 0)
    rc = split_edges(e, pt_graph_n_edges(scratch) - base, jobs, n, first);
  /* a file only resolved again changes only the edges that differ */
  edge_diff *diff = rc == 0 ? pt_calloc(n + 1, sizeof *diff) : NULL;
  if (rc == 0 && !diff)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  /* two halves, the second on a thread when they are many (a common
   * name's readers: 545 files for a rename of Python's _pyio.py), split
   * where half the work is, by references and edges (a file's diff reads
   * both), not by count of files */
  size_t mid = rc == 0 ? diff_split(jobs, first, n_dirty, n) : n;
  diff_run half[2] = {{prev, jobs, e, first, pf, diff, n_dirty, mid, 0},
                      {prev, jobs, e, first, pf, diff, mid, n, 0}};
  if (rc == 0)
    pt_both_if(n_cpu > 1 && n - n_dirty >= 2 * FILES_PER_THREAD, diff_files,
               &half[1], diff_files, &half[0]);
  if (rc == 0 && half[1].rc)
    rc = PT_ERR(half[1].rc, "out of memory"); /* its error is its thread's */
  if (rc == 0)
    rc = half[0].rc;
  size_t n_drop = 0, n_add = 0;
  for (size_t k = n_dirty; rc == 0 && k < n; k++) {
    n_drop += diff[k].n_drop;
    n_add += diff[k].n_add;
  }
  pt_graph_edge_patch ep = {NULL, 0, NULL, 0, NULL, 0};
  size_t *was = NULL; /* the patched files' edges in prev */
  if (rc == 0 && n_cpu > 1)
    rc = patched_edges(c, prev, pf, n_dirty, &was, &ep.n_patched);
  ep.patched = was;
  size_t *drop = rc == 0 ? pt_malloc((n_drop + 1) * sizeof *drop) : NULL;
  pt_edge *add = rc == 0 ? pt_malloc((n_add + 1) * sizeof *add) : NULL;
  if (rc == 0 && (!drop || !add))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = n_dirty; rc == 0 && k < n; k++) {
    if (diff[k].n_drop)
      memcpy(drop + ep.n_drop, diff[k].drop, diff[k].n_drop * sizeof *drop);
    if (diff[k].n_add)
      memcpy(add + ep.n_add, diff[k].add, diff[k].n_add * sizeof *add);
    ep.n_drop += diff[k].n_drop;
    ep.n_add += diff[k].n_add;
  }
  if (rc == 0 && ep.n_drop > 1)
    qsort(drop, ep.n_drop, sizeof *drop, cmp_size);
  ep.drop = drop;
  ep.add = add;
  size_t w = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    const pt_file_result *r = pf[k].use;
    if (k >= n_dirty)
      continue; /* in ep, or the same */
    fp[w].path = pf[k].path;
    if (r) {
      fp[w].path = r->file.path;
      fp[w].entities = r->entities;
      fp[w].n_entities = r->n_entities;
      fp[w].tests = r->tests;
      fp[w].n_tests = r->n_tests;
      fp[w].file = &r->file;
    }
    fp[w].edges = e + first[k];
    fp[w++].n_edges = first[k + 1] - first[k];
  }
  if (rc == 0)
    rc = pt_graph_patch_edges(prev, fp, w, &ep, out);
  for (size_t k = 0; diff && k < n; k++) {
    pt_free(diff[k].drop);
    pt_free(diff[k].add);
  }
  pt_free(diff);
  pt_free(drop);
  pt_free(add);
  pt_free(was);
  for (size_t k = 0; jobs && k < n; k++)
    pt_free((void *)jobs[k].refs);
  pt_free(jobs);
  pt_free(fp);
  pt_free(first);
  return rc;
}

/* ---- what the files resolved again read, kept in their records ---------
 * A resolver that recorded what every file read (not a re-run's that
 * recorded only some: their records would not say which) writes into the
 * patched graph's record of each file this patch resolved again, or whose
 * bases it noted again, what it read now; after a re-run that resolved
 * every file for it, into every file's record (ingest_rerun_seed.c). A
 * later re-run then loads them instead of resolving every file. */

/* always: the file's record is new (re-extracted) or every record is to
 * keep its reads; else (a file only resolved again) its reads are written
 * only over reads it keeps: a record that keeps none stays so (a later
 * re-run then resolves every file, as for a store that keeps none), and a
 * live server over a fresh index copies no record for its readers. */
static int keep_read(pt_resolver *rs, const char *path, pt_graph *out,
                     pt_buf *b, int always)
{
  const pt_file_record *rec = pt_graph_find_file(out, path);
  if (!rec || !pt__reuse_is_current(rec) ||
      (!always && !pt__reuse_has_reads(rec)))
    return 0;
  uint32_t id = pt__resolve_path_id(rs, path);
  size_t f = id != NO_ID ? pt__resolve_file_of(rs, id) : NONE;
  if (f >= pt__resolver_n_files(rs) || rs->rfiles[f].dead)
    return 0;
  const pt__deps *now[2] = {pt__resolver_file_deps(rs, f, 0),
                            pt__resolver_file_deps(rs, f, 1)};
  pt__deps was[2];
  int rc = pt__reuse_reads(rec, &was[0], &was[1]), same = rc == 1;
  for (int w = 0; w < 2 && rc == 1; w++) {
    same &= was[w].n == now[w]->n &&
            (!was[w].n || !memcmp(was[w].v, now[w]->v,
                                  was[w].n * sizeof *was[w].v));
    pt__deps_fini(&was[w]);
  }
  if (same) /* most files resolved again read what they read */
    return 0;
  if (rc == PT_ENOMEM)
    return rc;
  pt_error_clear(); /* malformed (PT_EINVAL): written anew */
  return pt__reuse_write_reads(out, rec, now[0], now[1], b);
}

static int keep_reads(pt_ingest_cache *c, pt_resolver *rs, const patched *pf,
                      size_t n, size_t n_dirty, const unsigned char *renoted,
                      pt_graph *out)
{
  size_t n_entries;
  const pt__cache_entry *e = pt__cache_entries(c, &n_entries);
  pt_buf b = PT_BUF_INIT;
  int rc = 0;
  if (!rs || !rs->rfiles || rs->reads_partial)
    return 0;
  if (rs->reads_unsaved) {
    const pt_file_record *f = pt_graph_files(out);
    for (size_t i = 0; rc == 0 && i < pt_graph_n_files(out); i++)
      rc = keep_read(rs, f[i].path, out, &b, 1);
    rs->reads_unsaved = rc != 0;
  }
  for (size_t k = 0; rc == 0 && k < n; k++)
    if (pf[k].use)
      rc = keep_read(rs, pf[k].use->file.path, out, &b, k < n_dirty);
  for (size_t i = 0; rc == 0 && renoted && i < n_entries; i++)
    if (renoted[i] && e[i].r)
      rc = keep_read(rs, e[i].r->file.path, out, &b, 0);
  pt_buf_fini(&b);
  return rc;
}

/* The files at and below the entry top (top_len bytes) as a fresh walk
 * finds them now (in nf from at on, sorted) against the cache's entries
 * there (sorted too): a file not in the cache is new, one whose size or
 * mtime differ is edited (the full run's test), an entry the walk did
 * not find is gone (removed, or left out now). A path a dirty path named
 * (in seen, with its kind) is that path's, which must agree. Into pf
 * from *n on. */
static int region_files(pt_ingest_cache *c, const char *root,
                        const char *top, size_t top_len, const pt_strmap *seen,
                        patched *pf, size_t *n, const pt__paths *nf, size_t at)
{
  size_t n_entries, was;
  const pt__cache_entry *e = pt__cache_entries(c, &n_entries);
  /* the entry itself, when a file the index has: a dirty path's (else
   * walked as a folder's file) */
  int rc = pt__cache_find(c, top, top_len, &was) &&
                   !pt_strmap_get(seen, top, top_len, NULL) ? PT_EAGAIN : 0;
  size_t i = pt__cache_first_below(c, top, top_len), j = at;
  while (rc == 0) {
    int in_run = i < n_entries && !strncmp(e[i].path, top, top_len) &&
                 e[i].path[top_len] == '/';
    /* the walk lists top itself (a file) before its run */
    if (j < nf->n && in_run && !strcmp(nf->v[j], top))
      in_run = 0;
    if (!in_run && j == nf->n)
      break;
    int cmp = !in_run ? 1 : j == nf->n ? -1 : strcmp(e[i].path, nf->v[j]);
    const char *path = cmp <= 0 ? e[i].path : nf->v[j];
    size_t len = strlen(path), dirty;
    pt_fs_stat st;
    int kind = 0;
    if (cmp <= 0 && !e[i].r) {
      rc = PT_EAGAIN; /* a file whose keys were moved on */
    } else if (pt_strmap_get(seen, path, len, &dirty)) {
      /* the dirty path's kind: gone where the walk has it not, or not */
      if ((cmp < 0) != (dirty == PT__PATCH_GONE))
        rc = PT_EAGAIN;
    } else if (cmp < 0) {
      kind = PT__PATCH_GONE;
    } else if (cmp > 0) {
      kind = pt__cache_find(c, path, len, &was) ? -1 : PT__PATCH_NEW;
    } else {
      int src = pt__patch_stat(root, path, &st);
      kind = src ? -1 : st.size != e[i].size || st.mtime_ns != e[i].mtime_ns
                            ? PT__PATCH_EDITED : 0;
    }
    if (kind < 0)
      rc = PT_EAGAIN;
    if (rc == 0 && kind) {
      memset(&pf[*n], 0, sizeof pf[*n]);
      pf[*n].path = path;
      pf[*n].entry = cmp <= 0 ? i : NO_ENTRY;
      pf[(*n)++].kind = kind;
    }
    i += cmp <= 0;
    j += cmp >= 0;
  }
  return rc;
}

/* The dirty paths: files to re-extract, gone or new into *pf (made with
 * room for every cached file too, those resolved again), or paths that
 * change nothing; an entry to walk again (a new or listed path, a folder
 * new, known or gone, the first folder new to the index on a path's way)
 * has what a fresh walk lists there replace the index's: its files, new,
 * edited or gone, into *pf (their paths kept in nf), and its ignored
 * entries (into listed), the whole list then into *ig (pt_free it; its
 * strings prev's and listed's; NULL: prev's list stays). PT_EAGAIN
 * for anything else (the root's ignore file, a walk error, a file read
 * as binary). */
static int dirty_files(const pt_ingest_opts *o, pt_ingest_cache *c,
                       const pt_graph *prev, const char *root, patched **pf,
                       size_t *n, pt__paths *nf, pt__listed *listed,
                       pt_ignored_file **ig, size_t *n_ig)
{
  size_t it = 0, len, k, top, n_dirty = pt__cache_n_dirty(c), n_entries;
  size_t n_tops = 0, *tops = pt_calloc(n_dirty + 1, sizeof *tops);
  const char **top_of = pt_calloc(n_dirty + 1, sizeof *top_of);
  patched *d_pf = pt_calloc(n_dirty + 1, sizeof *d_pf);
  pt_strmap seen = PT_STRMAP_INIT;
  int rc = tops && top_of && d_pf ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (const char *d; rc == 0 && (d = pt__cache_next_dirty(c, &it, &len));) {
    int kind = pt__patch_path_kind(c, prev, root, d, len, &k, &top);
    if (kind == PT__PATCH_FULL)
      rc = PT_EAGAIN;
    if (rc || kind == PT__PATCH_NOTHING)
      continue;
    if (kind == PT__PATCH_REGION) {
      top_of[n_tops] = d;
      tops[n_tops++] = top;
      continue;
    }
    d_pf[*n].path = d;
    d_pf[*n].entry = k;
    d_pf[(*n)++].kind = kind;
    rc = pt_strmap_put(&seen, d, len, (size_t)kind);
  }
  /* each entry once; one below another is walked with it */
  for (size_t t = 0; rc == 0 && t < n_tops; t++)
    for (size_t u = 0; u < n_tops; u++) {
      const char *a = top_of[t], *b = top_of[u];
      int below = tops[u] < tops[t] && !strncmp(a, b, tops[u]) && a[tops[u]] == '/';
      int same = u < t && tops[u] == tops[t] && !strncmp(a, b, tops[t]);
      if (tops[u] && (below || same)) {
        tops[t] = 0;
        break;
      }
    }
  pt__cache_entries(c, &n_entries);
  *pf = rc == 0 ? pt_calloc(n_entries + n_dirty + 1, sizeof **pf) : NULL;
  if (rc == 0 && !*pf)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && *n)
    memcpy(*pf, d_pf, *n * sizeof *d_pf);
  for (size_t t = 0; rc == 0 && t < n_tops; t++) {
    if (!tops[t])
      continue;
    size_t had = nf->n;
    rc = pt__patch_region(o, prev, root, top_of[t], tops[t], nf, listed);
    /* room for its new files, beyond that for the cache's and the dirty */
    if (rc == 0 && nf->n > had) {
      patched *more = pt_realloc(*pf, (n_entries + n_dirty + nf->n + 1) * sizeof **pf);
      rc = more ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
      *pf = more ? more : *pf;
    }
    if (rc == 0)
      rc = region_files(c, root, top_of[t], tops[t], &seen, *pf, n, nf, had);
  }
  /* a dirty path's file the walk lists as ignored: the two disagree */
  for (size_t i = 0; rc == 0 && i < listed->n; i++)
    if (pt_strmap_get(&seen, listed->v[i].path, strlen(listed->v[i].path), NULL))
      rc = PT_EAGAIN;
  int same = 1;
  if (rc == 0 && n_tops)
    rc = pt__patch_ignored_list(prev, top_of, tops, n_tops, listed, ig, n_ig, &same);
  if (rc)
    *n = 0; /* nothing in *pf owned yet */
  pt_strmap_fini(&seen);
  pt_free(tops);
  pt_free(top_of);
  pt_free(d_pf);
  return rc;
}

static int re_extract(pt_ingest_cache *c, const pt_ingest_opts *o,
                      const char *root, patched *pf, size_t n)
{
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  int rc = n > 0 ? pt__cache_queries(c, &q) : 0;
  if (rc == 0 && n > 0)
    rc = pt_extractor_new(q, &x);
  uint64_t max = o->max_file_size ? o->max_file_size : PT_INGEST_DEFAULT_MAX_FILE_SIZE;
  for (size_t k = 0; rc == 0 && k < n; k++)
    if (pf[k].kind == PT__PATCH_GONE)
      pf[k].defs_changed = 1;
    else
      rc = patch_extract(c, x, root, max, &pf[k], &full, &src);
  pt_extractor_free(x);
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  return rc;
}

/* The new results replace the kept ones, gone files leave the cache and
 * new ones join it, in walk order. */
static int update_cache(pt_ingest_cache *c, patched *pf, size_t n_dirty,
                        pt_ingest_stats *st)
{
  size_t n_entries, n_adds = 0;
  pt__cache_entries(c, &n_entries);
  unsigned char *drop = pt_calloc(n_entries + 1, 1);
  pt__cache_add *adds = pt_calloc(n_dirty + 1, sizeof *adds);
  int rc = drop && adds ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; rc == 0 && k < n_dirty; k++) {
    st->bytes += pf[k].r ? pf[k].st.size : 0;
    if (pf[k].kind == PT__PATCH_GONE) {
      drop[pf[k].entry] = 1;
    } else if (pf[k].kind == PT__PATCH_NEW) {
      char *path = pt_strdup(pf[k].path);
      if (!path) {
        rc = PT_ERR(PT_ENOMEM, "out of memory");
        break;
      }
      adds[n_adds++] = (pt__cache_add){path, pf[k].r, pf[k].st.size,
                                       pf[k].st.mtime_ns};
      pf[k].r = NULL;
    } else {
      pt__cache_replace(c, pf[k].entry, pf[k].r, pf[k].st.size,
                        pf[k].st.mtime_ns);
      pf[k].r = NULL;
    }
  }
  for (size_t a = 1; rc == 0 && a < n_adds; a++) /* few: insertion sort */
    for (size_t b = a; b > 0 && strcmp(adds[b - 1].path, adds[b].path) > 0; b--) {
      pt__cache_add t = adds[b];
      adds[b] = adds[b - 1];
      adds[b - 1] = t;
    }
  if (rc == 0 && (n_adds || memchr(drop, 1, n_entries)))
    rc = pt__cache_splice(c, drop, adds, n_adds);
  else
    for (size_t a = 0; a < n_adds; a++)
      pt_free(adds[a].path);
  pt_free(drop);
  pt_free(adds);
  return rc;
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
  if (c && root && pt__cache_is_fresh_seed(c))
    return pt__patch_start(o, c, prev, st);
  if (!c || !root || !pt__cache_can_patch(c, prev))
    return PT_EAGAIN;
  uint64_t t0 = pt_clock_ns();
  size_t n_entries;
  pt__cache_entries(c, &n_entries);
  /* dirty files, then those resolved again */
  patched *pf = NULL;
  pt__paths nf = {NULL, 0, 0};
  pt__listed listed;
  memset(&listed, 0, sizeof listed);
  pt_arena_init(&listed.arena);
  pt_ignored_file *ig = NULL; /* the ignored list, when it changes */
  size_t n = 0, n_ig = 0;
  int rc = dirty_files(o, c, prev, root, &pf, &n, &nf, &listed, &ig, &n_ig);
  size_t n_dirty = n;
  if (rc == 0)
    rc = re_extract(c, o, root, pf, n);
  int tables = 0, mutated = 0;
  for (size_t k = 0; rc == 0 && k < n; k++)
    tables |= pf[k].defs_changed || pf[k].bases_changed;
  pt_resolver *rs = pt__cache_resolver(c);
  pt_graph *scratch = NULL;
  pt__deps ch;
  memset(&ch, 0, sizeof ch);
  if (rc == 0 && n > 0)
    rc = pt_graph_new_sharing(prev, &scratch);
  /* every indexed file must be in the cache, and the resolver's strings
   * in prev's pool, for the tables to be changed from them */
  if (rc == 0 && tables && (!pt__cache_covers(c, prev) || !pt__resolver_can_patch(rs)))
    rc = PT_EAGAIN;
  if (rc == 0 && tables)
    rc = keys_stay_unique(c, pf, n);
  unsigned char *renoted = rc == 0 && tables ? pt_calloc(n_entries + 1, 1)
                                             : NULL;
  if (rc == 0 && tables) {
    mutated = 1;
    rc = change_tables(rs, scratch, pf, n, &ch);
    if (rc == 0)
      rc = renoted ? follow_changes(c, rs, pf, &n, &ch, renoted)
                   : PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (rc == 0 && n > 0)
    rc = patch_graph(c, rs, scratch, prev, pf, n, n_dirty,
                     o->n_threads ? o->n_threads : pt_cpu_count(), out);
  /* the files a walk leaves out changed: prev's records, the new list */
  if (rc == 0 && ig && !*out)
    rc = pt_graph_patch(prev, NULL, 0, out);
  if (rc == 0 && ig)
    rc = pt_graph_patch_ignored(*out, ig, n_ig);
  pt_graph_free(scratch);
  if (rc == 0 && *out)
    rc = keep_reads(c, rs, pf, n, n_dirty, renoted, *out);
  pt_free(renoted);
  if (rc == 0) {
    rc = update_cache(c, pf, n_dirty, st);
    pt__cache_clear_dirty(c);
  }
  if (rc && mutated)
    pt__cache_drop_resolver(c); /* half changed: the next run is full */
  if (rc && *out) {
    pt_graph_free(*out);
    *out = NULL;
  }
  if (rc == 0) {
    st->processed_files = 0;
    for (size_t k = 0; k < n_dirty; k++)
      st->processed_files += pf[k].kind != PT__PATCH_GONE;
    st->extract_ns = pt_clock_ns() - t0;
    if (*out) {
      st->total_files = pt_graph_n_files(*out);
      pt__ingest_count(*out, st);
    }
  }
  pt__deps_fini(&ch);
  for (size_t k = 0; k < n; k++) {
    pt_free(pf[k].ents);
    if (k < n_dirty)
      pt_file_result_free(pf[k].r);
  }
  pt_free(pf);
  pt__paths_fini(&nf);
  pt_free(ig);
  pt__listed_fini(&listed);
  return rc;
}
