/* The live index's patch shortcut (pt_ingest_patch, pt/ingest.h): only the
 * changed files are parsed again and the current graph is patched with
 * their records and the edges that can have changed, instead of a full
 * run; where that is not exactly what a full run would make, PT_EAGAIN. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/strmap.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "ingest_int.h"

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

/* lstat of root/path: 0, PT_ENOTFOUND, or another error (cleared). */
static int stat_under(const char *root, const char *path, pt_fs_stat *st)
{
  pt_buf full = PT_BUF_INIT;
  int rc = pt_buf_printf(&full, "%s/%s", root, path);
  if (rc == 0)
    rc = pt_fs_stat_path(full.ptr, st);
  pt_buf_fini(&full);
  pt_error_clear();
  return rc;
}

/* Is p the path of len bytes, or below it? */
static int at_or_below(const char *p, const char *path, size_t len)
{
  return !strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/');
}

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
    pt_fs_stat st;
    return stat_under(root, path, &st) == 0;
  }
  return 0;
}

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

/* The same bases (extends and implements references) in the same order:
 * method lookup through bases is not patched, a change takes a full run. */
static int same_bases(const pt_file_result *a, const pt_file_result *b)
{
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a->n_refs && a->refs[i].kind != PT_REF_EXTENDS &&
           a->refs[i].kind != PT_REF_IMPLEMENTS)
      i++;
    while (j < b->n_refs && b->refs[j].kind != PT_REF_EXTENDS &&
           b->refs[j].kind != PT_REF_IMPLEMENTS)
      j++;
    if (i == a->n_refs || j == b->n_refs)
      return i == a->n_refs && j == b->n_refs;
    const pt_raw_ref *x = &a->refs[i++], *y = &b->refs[j++];
    if (x->kind != y->kind || strcmp(x->from_key, y->from_key) ||
        strcmp(x->name, y->name) || str_differ(x->scope, y->scope))
      return 0;
  }
}

/* Re-extracts one dirty file; PT_EAGAIN when the shortcut cannot take it. */
static int patch_extract(pt_ingest_cache *c, pt_extractor *x, const char *root,
                         uint64_t max_size, patched *pf, pt_buf *full, pt_buf *src)
{
  size_t n_entries;
  const pt__cache_entry *e = &pt__cache_entries(c, &n_entries)[pf->entry];
  pt_buf_clear(full);
  int rc = pt_buf_printf(full, "%s/%s", root, pf->path);
  if (rc == 0) rc = pt_fs_stat_path(full->ptr, &pf->st);
  if (rc == 0 && (pf->st.type != PT_FS_FILE || pf->st.size > max_size))
    rc = PT_EAGAIN;
  if (rc == 0) rc = pt_fs_read_file(full->ptr, src);
  if (rc == 0 && pt__ingest_is_binary(src->ptr, src->len))
    rc = PT_EAGAIN;
  pt_grammar g;
  if (rc == 0 && !pt_grammar_for_path(pf->path, src->ptr, src->len < 4096 ? src->len : 4096, &g))
    rc = PT_EAGAIN;
  if (rc == 0)
    rc = pt_extract_file(x, g, pf->path, src->ptr ? src->ptr : "", src->len, &pf->r);
  if (rc == 0)
    rc = pt__reuse_encode(pf->r);
  if (rc == 0)
    pf->r->file.mtime_ns = pf->st.mtime_ns;
  if (rc == 0 && pt_file_result_compact(&pf->r) != 0)
    pt_error_clear(); /* short of memory: keep it as it is */
  if (rc == 0 && (pf->r->file.lang != e->r->file.lang || !same_bases(e->r, pf->r)))
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
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  const pt_resolver *rs = pt__cache_resolver(c);
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++) {
    if (!pf[k].defs_changed)
      continue;
    const pt_file_result *old = entries[pf[k].entry].r;
    pt_strmap_fini(&own);
    memset(&own, 0, sizeof own);
    for (size_t i = 0; i < old->n_entities && rc == 0; i++)
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

/* The walk-order definitions with the changed files' replaced (their
 * strings interned in the pool the resolver's other strings are in), and a
 * resolver over them. */
static int rebuild_resolver(pt_ingest_cache *c, pt_graph *scratch, patched *pf,
                            size_t n, defs_change *dc)
{
  size_t n_entries, n_rs_ents, n_rs_files;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  const pt_entity *rs_ents = pt__cache_resolver_entities(c, &n_rs_ents);
  const pt_file_record *rs_files = pt__cache_resolver_files(c, &n_rs_files);
  size_t *by_entry = pt_malloc((n_entries + 1) * sizeof *by_entry), total = 0, at = 0;
  int rc = by_entry ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n_entries; i++)
    by_entry[i] = (size_t)-1;
  for (size_t k = 0; rc == 0 && k < n; k++)
    by_entry[pf[k].entry] = k;
  for (size_t i = 0; rc == 0 && i < n_entries; i++) {
    size_t k = by_entry[i];
    total += k != (size_t)-1 ? pf[k].use->n_entities : entries[i].r->n_entities;
  }
  if (rc == 0 && !(dc->ents = pt_malloc((total + 1) * sizeof *dc->ents)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n_entries; i++) {
    size_t k = by_entry[i], was = entries[i].r->n_entities;
    if (at + was > n_rs_ents) {
      rc = PT_EAGAIN; /* not the arrays the cache says: take the long way */
      break;
    }
    if (k == (size_t)-1) {
      memcpy(dc->ents + dc->n_ents, rs_ents + at, was * sizeof *dc->ents);
      dc->n_ents += was;
    }
    for (size_t j = 0; k != (size_t)-1 && j < pf[k].use->n_entities && rc == 0; j++) {
      pt_entity e = pf[k].use->entities[j];
      e.code = NULL; /* resolution reads it not */
      e.signature = e.signature ? pt_graph_intern(scratch, e.signature) : NULL;
      e.key = pt_graph_intern(scratch, e.key);
      e.name = pt_graph_intern(scratch, e.name);
      e.qualname = pt_graph_intern(scratch, e.qualname);
      e.file_path = pt_graph_intern(scratch, e.file_path);
      e.parent_key = e.parent_key ? pt_graph_intern(scratch, e.parent_key) : NULL;
      if (!e.key || !e.name || !e.qualname || !e.file_path ||
          (pf[k].use->entities[j].parent_key && !e.parent_key) ||
          (pf[k].use->entities[j].signature && !e.signature))
        rc = PT_ERR(PT_ENOMEM, "out of memory");
      dc->ents[dc->n_ents++] = e;
    }
    at += was;
  }
  if (rc == 0 && at != n_rs_ents)
    rc = PT_EAGAIN;
  if (rc == 0)
    rc = pt__resolver_new_arrays(dc->ents, dc->n_ents, rs_files, n_rs_files,
                                 &dc->rs);
  /* the bases, resolved again over the new definitions, must be the ones
   * the kept resolver has: which type a base name stands for can change
   * with definitions elsewhere, and that is a full run's business */
  for (size_t i = 0; rc == 0 && i < n_entries; i++) {
    size_t k = by_entry[i];
    const pt_file_result *r = k != (size_t)-1 ? pf[k].use : entries[i].r;
    rc = pt__resolver_note_bases(dc->rs, r->file.path, r->file.lang, r->refs,
                                 r->n_refs);
  }
  if (rc == 0 && !pt__resolver_same_bases(dc->rs, pt__cache_resolver(c)))
    rc = PT_EAGAIN;
  pt_free(by_entry);
  return rc;
}

/* The last segment of a written name ("a.b::C" -> "C"). */
static const char *last_segment(const char *s)
{
  const char *last = s;
  for (const char *p = s; *p; p++)
    if (*p == '.' || *p == ':' || *p == '\\' || *p == '>')
      last = p + 1;
  return last;
}

/* Does a reference name one of dc->names: its own name, or its receiver's
 * type or its qualifier (which type a method is looked up in)? */
static int names_changed(const defs_change *dc, const pt_raw_ref *r)
{
  const char *more[2] = {r->recv_type, r->scope};
  if (pt_strmap_get(&dc->names, r->name, strlen(r->name), NULL))
    return 1;
  for (int i = 0; i < 2; i++) {
    const char *l = more[i] ? last_segment(more[i]) : NULL;
    if (l && pt_strmap_get(&dc->names, l, strlen(l), NULL))
      return 1;
  }
  return 0;
}

/* Adds to pf the unchanged files with a reference naming dc->names. */
static int affected_files(pt_ingest_cache *c, defs_change *dc, patched *pf,
                          size_t *n)
{
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  unsigned char *taken = pt_calloc(n_entries + 1, 1);
  if (!taken)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; k < *n; k++)
    taken[pf[k].entry] = 1;
  for (size_t i = 0; i < n_entries; i++) {
    const pt_file_result *r = entries[i].r;
    for (size_t j = 0; !taken[i] && j < r->n_refs; j++)
      if (names_changed(dc, &r->refs[j])) {
        taken[i] = 1;
        memset(&pf[*n], 0, sizeof pf[*n]);
        pf[*n].path = entries[i].path;
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
  size_t len = strlen(path), n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  for (size_t i = 0; i < n_entries; i++)
    if (at_or_below(entries[i].path, path, len))
      return 1;
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++)
    if (at_or_below(ig[i].path, path, len))
      return 1;
  return 0;
}

/* A path that is gone and that the index never had (a temporary file that
 * came and went, like an editor's or our own SQLite backup's) changes
 * nothing. */
static int gone_without_trace(const pt_ingest_cache *c, const pt_graph *prev,
                              const char *root, const char *path)
{
  pt_fs_stat st;
  return stat_under(root, path, &st) == PT_ENOTFOUND &&
         !known_at_or_below(c, prev, path);
}

/* The dirty paths: files to re-extract into pf (none that the index has
 * not got), or paths that change nothing. */
static int dirty_files(pt_ingest_cache *c, const pt_graph *prev, const char *root,
                       patched *pf, size_t *n)
{
  size_t n_entries, it = 0, len, k;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  for (const char *d; (d = pt__cache_next_dirty(c, &it, &len));) {
    if (pt__cache_find(c, d, len, &k) && entries[k].r) {
      memset(&pf[*n], 0, sizeof pf[*n]);
      pf[*n].path = d;
      pf[(*n)++].entry = k;
    } else if (!ignored_anyway(prev, root, d) &&
               !gone_without_trace(c, prev, root, d)) {
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
  if (!c || !root || !pt__cache_can_patch(c, prev))
    return PT_EAGAIN;
  uint64_t t0 = pt_clock_ns();
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  /* room for every cached file: dirty ones, then those resolved again */
  patched *pf = pt_calloc(n_entries + pt__cache_n_dirty(c) + 1, sizeof *pf);
  if (!pf)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t n = 0, n_dirty = 0;
  int rc = dirty_files(c, prev, root, pf, &n);
  n_dirty = n;
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  if (rc == 0 && n > 0)
    rc = pt__cache_queries(c, &q);
  if (rc == 0 && n > 0)
    rc = pt_extractor_new(q, &x);
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
    if (!pt__cache_covers(c, prev))
      rc = PT_EAGAIN;
    if (rc == 0) rc = keys_stay_unique(c, pf, n);
    for (size_t k = 0; rc == 0 && k < n; k++)
      if (pf[k].defs_changed) {
        rc = note_names(&dc, entries[pf[k].entry].r);
        if (rc == 0) rc = note_names(&dc, pf[k].r);
      }
    if (rc == 0) rc = rebuild_resolver(c, scratch, pf, n, &dc);
    if (rc == 0) rc = affected_files(c, &dc, pf, &n);
  }
  if (rc == 0 && n > 0)
    rc = patch_graph(any_defs ? dc.rs : pt__cache_resolver(c), scratch, prev, pf,
                     n, out);
  pt_graph_free(scratch);
  if (rc == 0) {
    /* the new results replace the kept ones; the marks are served */
    for (size_t k = 0; k < n_dirty; k++) {
      pt__cache_replace(c, pf[k].entry, pf[k].r, pf[k].st.size,
                        pf[k].st.mtime_ns);
      pf[k].r = NULL;
      st->bytes += pf[k].st.size;
    }
    if (any_defs) {
      pt__cache_replace_resolver(c, dc.rs, dc.ents, dc.n_ents);
      dc.rs = NULL;
      dc.ents = NULL;
    }
    pt__cache_clear_dirty(c);
    st->processed_files = n_dirty;
    st->extract_ns = pt_clock_ns() - t0;
    if (*out) {
      st->total_files = pt_graph_n_files(*out);
      pt__ingest_count(*out, st);
    }
  }
  defs_change_fini(&dc);
  for (size_t k = 0; k < n_dirty; k++)
    pt_file_result_free(pf[k].r);
  pt_free(pf);
  return rc;
}
