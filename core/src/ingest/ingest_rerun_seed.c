/* A re-run's resolver (pt_ingest_rerun, ingest_rerun.c): the tables a full
 * run would keep, made from the seeded results as pt__patch_seed makes
 * them, but with what each file reads (which only tells a patch which
 * files to resolve again when definitions change) recorded for the files
 * that can have read what the changed files change, not for every file.
 *
 * Why that is exact. Resolving a file reads the tables only through
 * lookups it records (resolve_int.h): a name's chain ('n'), an entity by
 * key ('k'), a type's bases ('b'), the files of a base name ('f'), a
 * file's default export ('D'). An edited file changes the 'n' and 'k' of
 * the definitions of each name whose definitions are not the same as
 * before (resolve_upkeep.c, match_names: key, qualified name, kind,
 * language, signature, parent and enclosing type, in order), and, when its
 * bases or a default export change, more: those cases take every file.
 * A file's resolution is the same as before up to its first lookup that
 * changed, so that lookup's text came from the file's own references or
 * from what earlier lookups gave, which are definitions that did not
 * change (an entity's name, qualified name, signature, key, parent key or
 * path; a file's path), and every lookup is of a whole such string or a
 * part of it (a segment, a type in a signature), never one built from
 * parts of two. So when no such string of any unchanged definition, and
 * no file's path, holds a changed name or key, only files whose references
 * hold one (their reuse records hold those strings as they are) can read
 * what changed; any other file's record stays empty, which tells the patch
 * it read nothing that changed. A body edit changes no name or key: no
 * file is resolved for its reads at all. A changed file that notes
 * bases (extends, implements, C++ field types) and keeps them notes them
 * again from the same lookups, which find the same types unless its own
 * references hold a mark. Otherwise (files added or removed, changed
 * bases, default exports, a parent among the changed definitions, more
 * than MAX_MARKS names and keys, a match found in an unchanged definition,
 * a path or the references of a changed file that notes bases, a file
 * resolved again that notes bases) every file is, as pt__patch_seed does. The tables themselves, which
 * depend on no change, are made on two threads, and the changed files are
 * compared on one of them while the other makes the tables' last step (the
 * name groups); pt01 does both (pt_ingest_rerun_begin) on another thread
 * while the stored edges load, which neither reads. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/lang.h"
#include "pt/sys/heap.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "graph/key.h"
#include "ingest_int.h"
#include "resolve_int.h"

/* More changed names and keys than this: every file reads (each one is a
 * scan of every definition's strings). */
#define MAX_MARKS 64

static size_t last_n_read = (size_t)-1;
static int last_begun;
static int last_parsed_ahead;

size_t pt__rerun_last_n_read(void)
{
  return last_n_read;
}

int pt__rerun_last_was_begun(void)
{
  return last_begun;
}

int pt__rerun_last_parsed_ahead(void)
{
  return last_parsed_ahead;
}

/* The names and keys whose lookups an edit changes (borrowed strings). */
typedef struct marks {
  const char **v;
  size_t n, cap;
  int all;                   /* unsure: every file is resolved for its reads */
} marks;

static int add_mark(marks *m, const char *s)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->v[i], s) == 0)
      return 0;
  if (m->n == MAX_MARKS) {
    m->all = 1;
    return 0;
  }
  int rc = pt_array_grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v);
  if (rc == 0)
    m->v[m->n++] = s;
  return rc;
}

static int str_differ(const char *a, const char *b)
{
  return (!a != !b) || (a && strcmp(a, b) != 0);
}

/* What resolve_upkeep.c's same_entity compares, but the enclosing type
 * (see parents_unchanged). */
static int same_def(const pt_entity *x, const pt_entity *y)
{
  return !strcmp(x->key, y->key) && !strcmp(x->qualname, y->qualname) &&
         x->kind == y->kind && x->lang == y->lang &&
         !str_differ(x->signature, y->signature) &&
         !str_differ(x->parent_key, y->parent_key);
}

static int has_default(const pt_file_result *r)
{
  for (size_t i = 0; i < r->n_entities; i++)
    if (pt__resolve_is_default(&r->entities[i]))
      return 1;
  return 0;
}

/* The same definitions in the same order: the patch leaves the tables. */
static int same_definitions(const pt_file_result *a, const pt_file_result *b)
{
  if (a->n_entities != b->n_entities)
    return 0;
  for (size_t i = 0; i < a->n_entities; i++)
    if (!same_def(&a->entities[i], &b->entities[i]) ||
        strcmp(a->entities[i].name, b->entities[i].name))
      return 0;
  return 1;
}

/* A file's definitions by name, then source order. */
typedef struct def {
  const pt_entity *e;
  size_t pos;
} def;

static int cmp_def(const void *pa, const void *pb)
{
  const def *a = pa, *b = pb;
  int c = strcmp(a->e->name, b->e->name);
  return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static def *sorted(const pt_file_result *r)
{
  def *d = pt_malloc((r->n_entities + 1) * sizeof *d);
  for (size_t i = 0; d && i < r->n_entities; i++)
    d[i] = (def){&r->entities[i], i};
  if (d && r->n_entities > 1)
    qsort(d, r->n_entities, sizeof *d, cmp_def);
  return d;
}

/* Whether an unchanged definition's enclosing type is surely unchanged:
 * its parent, if it is one of the file's, is not among the changed. */
static int parent_changed(const def *d, size_t n, const unsigned char *changed,
                          const pt_entity *e)
{
  for (size_t k = 0; e->parent_key && k < n; k++)
    if (changed[k] && strcmp(d[k].e->key, e->parent_key) == 0)
      return 1;
  return 0;
}

/* The names and keys of old's and now's definitions whose names'
 * definitions differ, as the tables' patch marks them. */
static int compare_defs(const pt_file_result *old, const pt_file_result *now,
                        marks *m, unsigned char **unchanged_old,
                        unsigned char **unchanged_now)
{
  size_t no = old->n_entities, nn = now->n_entities, a = 0, b = 0;
  def *o = sorted(old), *w = sorted(now);
  unsigned char *co = pt_calloc(no + 1, 1), *cw = pt_calloc(nn + 1, 1);
  int rc = o && w && co && cw ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  while (rc == 0 && (a < no || b < nn)) {
    const char *name = a < no && (b == nn || strcmp(o[a].e->name, w[b].e->name) <= 0)
                           ? o[a].e->name : w[b].e->name;
    size_t a1 = a, b1 = b;
    while (a1 < no && !strcmp(o[a1].e->name, name))
      a1++;
    while (b1 < nn && !strcmp(w[b1].e->name, name))
      b1++;
    int same = a1 - a == b1 - b;
    for (size_t k = 0; same && k < a1 - a; k++)
      same = same_def(o[a + k].e, w[b + k].e);
    if (!same) {
      rc = add_mark(m, name);
      for (size_t k = a; rc == 0 && k < a1; k++) {
        co[k] = 1;
        rc = add_mark(m, o[k].e->key);
      }
      for (size_t k = b; rc == 0 && k < b1; k++) {
        cw[k] = 1;
        rc = add_mark(m, w[k].e->key);
      }
    }
    a = a1;
    b = b1;
  }
  /* an unchanged definition whose parent changed has another enclosing
   * type, which the patch marks too: unsure */
  for (size_t k = 0; rc == 0 && k < no; k++)
    if (!co[k] && (parent_changed(o, no, co, o[k].e) || parent_changed(w, nn, cw, o[k].e)))
      m->all = 1;
  for (size_t k = 0; rc == 0 && k < nn; k++)
    if (!cw[k] && (parent_changed(o, no, co, w[k].e) || parent_changed(w, nn, cw, w[k].e)))
      m->all = 1;
  /* the flags by source order, for the scan of unchanged definitions */
  unsigned char *uo = rc == 0 ? pt_calloc(no + 1, 1) : NULL;
  unsigned char *uw = rc == 0 ? pt_calloc(nn + 1, 1) : NULL;
  if (rc == 0 && (!uo || !uw))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t k = 0; rc == 0 && k < no; k++)
    uo[o[k].pos] = !co[k];
  for (size_t k = 0; rc == 0 && k < nn; k++)
    uw[w[k].pos] = !cw[k];
  if (rc == 0) {
    *unchanged_old = uo;
    *unchanged_now = uw;
  } else {
    pt_free(uo);
    pt_free(uw);
  }
  pt_free(o);
  pt_free(w);
  pt_free(co);
  pt_free(cw);
  return rc;
}

/* Is any mark a part of s? */
static int holds_mark(const marks *m, const char *s)
{
  for (size_t i = 0; s && i < m->n; i++)
    if (strstr(s, m->v[i]))
      return 1;
  return 0;
}

/* Does any of e's strings hold a mark? The pool keeps each string once, so
 * a file's entities repeat its path and their parents' keys by address:
 * path, and *parent (then set to e's), were scanned already (NULL: none). */
static int def_holds_mark(const marks *m, const pt_entity *e, const char *path,
                          const char **parent)
{
  int got = holds_mark(m, e->name) || holds_mark(m, e->qualname) ||
            holds_mark(m, e->key) || holds_mark(m, e->signature) ||
            (e->parent_key != *parent && holds_mark(m, e->parent_key)) ||
            (e->file_path != path && holds_mark(m, e->file_path));
  *parent = e->parent_key;
  return got;
}

/* Does any string of r's references hold a mark? */
static int refs_hold_mark(const marks *m, const pt_file_result *r)
{
  for (size_t i = 0; i < r->n_refs; i++) {
    const pt_raw_ref *f = &r->refs[i];
    if (holds_mark(m, f->from_key) || holds_mark(m, f->name) ||
        holds_mark(m, f->scope) || holds_mark(m, f->module) ||
        holds_mark(m, f->recv_type) || holds_mark(m, f->arg_types))
      return 1;
  }
  return 0;
}

/* Is s (len bytes, at least one) anywhere in p[0..n)? */
static int has_bytes(const char *p, size_t n, const char *s, size_t len)
{
  const char *end = p + n;
  while ((size_t)(end - p) >= len) {
    const char *at = memchr(p, s[0], (size_t)(end - p) - len + 1);
    if (!at)
      return 0;
    if (memcmp(at, s, len) == 0)
      return 1;
    p = at + 1;
  }
  return 0;
}

/* Does a reuse record (NULL: unknown, so yes) hold any mark? */
static int bytes_hold_mark(const marks *m, const void *p, size_t n)
{
  for (size_t i = 0; p && i < m->n; i++)
    if (has_bytes(p, n, m->v[i], strlen(m->v[i])))
      return 1;
  return !p;
}

/* One changed file, re-extracted as the patch will (ingest_patch.c), with
 * *x made from q when NULL; NULL in *out when the patch will not take it
 * (the full path decides). */
static int extract(pt_queries *q, pt_extractor **x, const char *root,
                   const char *path, pt_file_result **out)
{
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  pt_grammar g;
  *out = NULL;
  int rc = *x ? 0 : pt_extractor_new(q, x);
  if (rc == 0) rc = pt_buf_printf(&full, "%s/%s", root, path);
  if (rc == 0) rc = pt_fs_read_file(full.ptr, &src);
  if (rc == 0 && !pt__ingest_is_binary(src.ptr, src.len) &&
      pt_grammar_for_path(path, src.ptr, src.len < 4096 ? src.len : 4096, &g))
    rc = pt_extract_file(*x, g, path, src.ptr ? src.ptr : "", src.len, out);
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the patch meets it and decides */
    rc = 0;
  }
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  return rc;
}

/* The changed files extracted ahead (pt_ingest_rerun_parse_ahead), on a
 * thread of their own, for which_read. */
struct pt__rerun_parse {
  pt_thread *th;             /* NULL once joined */
  char *root;                /* owned: a copy of the run's */
  const pt_ingest_delta *d;  /* borrowed: what it was made for */
  pt_queries *q;             /* borrowed: the cache's */
  pt_file_result **now;      /* owned, d->n_changed: extract's results */
  int rc;                    /* extract's first failure (PT_ENOMEM) */
};

static void parse_changed(void *payload)
{
  pt__rerun_parse *p = payload;
  pt_extractor *x = NULL;
  for (size_t k = 0; p->rc == 0 && k < p->d->n_changed; k++)
    p->rc = extract(p->q, &x, p->root, p->d->changed[k], &p->now[k]);
  pt_extractor_free(x);
  if (p->rc)
    pt_error_clear(); /* which_read extracts them again, and meets it */
}

void pt__rerun_parse_free(pt__rerun_parse *p)
{
  if (!p)
    return;
  if (p->th)
    pt_thread_join(p->th);
  for (size_t k = 0; p->now && k < p->d->n_changed; k++)
    pt_file_result_free(p->now[k]);
  pt_free(p->now);
  pt_free(p->root);
  pt_free(p);
}

int pt_ingest_rerun_parse_ahead(const pt_ingest_opts *o, pt_ingest_cache *c,
                                const pt_ingest_delta *d)
{
  size_t n = strlen(o->root);
  if (!d->n_changed)
    return 0;
  pt__rerun_parse *p = pt_calloc(1, sizeof *p);
  int rc = p ? pt__cache_queries(c, &p->q) : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0) {
    p->d = d;
    p->root = pt_malloc(n + 1);
    p->now = pt_calloc(d->n_changed + 1, sizeof *p->now);
    if (!p->root || !p->now)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (rc == 0) {
    memcpy(p->root, o->root, n + 1);
    if (pt_thread_start(parse_changed, p, &p->th) != 0) {
      pt_error_clear(); /* which_read extracts them itself */
      p->th = NULL;
      p->rc = PT_EAGAIN;
    }
  }
  if (rc) {
    pt__rerun_parse_free(p);
    return rc;
  }
  pt__cache_set_parse(c, p);
  return 0;
}

/* The changed files of d extracted ahead, as extract gives them (the
 * caller's, d->n_changed), or NULL: none made for d and root. */
static pt_file_result **parsed_ahead(pt_ingest_cache *c, const char *root,
                                     const pt_ingest_delta *d)
{
  pt__rerun_parse *p = pt__cache_take_parse(c);
  pt_file_result **now = NULL;
  if (p && p->th) {
    pt_thread_join(p->th);
    p->th = NULL;
  }
  if (p && p->rc == 0 && p->d == d && strcmp(p->root, root) == 0) {
    now = p->now;
    p->now = NULL;
  }
  pt__rerun_parse_free(p);
  return now;
}

/* Sets reads[i] for each cache entry whose reads must be recorded (all of
 * them when unsure). */
static int which_read(const pt_ingest_opts *o, pt_ingest_cache *c,
                      const pt_ingest_delta *d, unsigned char *reads)
{
  size_t n;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  marks m = {NULL, 0, 0, 0};
  unsigned char *is_changed = pt_calloc(n + 1, 1);
  unsigned char **keep_old = pt_calloc(d->n_changed + 1, sizeof *keep_old);
  unsigned char **keep_now = pt_calloc(d->n_changed + 1, sizeof *keep_now);
  /* the changed files extracted ahead, else here */
  pt_file_result **now = parsed_ahead(c, o->root, d);
  last_parsed_ahead = now != NULL;
  if (!now)
    now = pt_calloc(d->n_changed + 1, sizeof *now);
  size_t *at = pt_calloc(d->n_changed + 1, sizeof *at);
  pt_extractor *x = NULL;
  pt_queries *q = NULL;
  int rc = is_changed && keep_old && keep_now && now && at
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  m.all = d->n_added || d->n_removed;
  for (size_t k = 0; rc == 0 && !m.all && k < d->n_changed; k++) {
    const char *path = d->changed[k];
    if (!pt__cache_find(c, path, strlen(path), &at[k]) || !e[at[k]].r) {
      m.all = 1;
      break;
    }
    if ((rc = pt__cache_refs(c, at[k])) != 0) /* for its bases */
      break;
    const pt_file_result *was = e[at[k]].r;
    is_changed[at[k]] = 1;
    if (!now[k] && !x)
      rc = pt__cache_queries(c, &q);
    if (rc == 0 && !now[k])
      rc = extract(q, &x, o->root, path, &now[k]);
    if (rc || !now[k] || now[k]->file.lang != was->file.lang) {
      m.all = 1;
      break;
    }
    int defs = !same_definitions(was, now[k]);
    /* new bases note the file's bases again, and so do new definitions
     * (below: the same bases, noted from the same lookups) */
    if (!pt__ingest_same_bases(was, now[k]) ||
        (defs && (has_default(was) || has_default(now[k]))))
      m.all = 1;
    else if (defs)
      rc = compare_defs(was, now[k], &m, &keep_old[k], &keep_now[k]);
    if (rc == 0 && keep_old[k])
      is_changed[at[k]] = 2; /* its definitions are scanned below */
  }
  /* a changed key that could be a file's key (lang:file:...) */
  for (size_t i = 0; rc == 0 && !m.all && i < m.n; i++)
    if (strstr(m.v[i], ":file:"))
      m.all = 1;
  /* the unchanged definitions and the paths hold no mark */
  for (size_t i = 0; rc == 0 && !m.all && m.n && i < n; i++) {
    const pt_file_result *r = e[i].r;
    const char *parent = NULL;
    if (holds_mark(&m, r->file.path))
      m.all = 1;
    for (size_t j = 0; !m.all && is_changed[i] != 2 && j < r->n_entities; j++)
      if (def_holds_mark(&m, &r->entities[j], r->file.path, &parent))
        m.all = 1;
  }
  for (size_t k = 0; rc == 0 && !m.all && k < d->n_changed; k++) {
    const pt_file_result *was = e[at[k]].r;
    const char *parent = NULL;
    for (size_t j = 0; keep_old[k] && !m.all && j < was->n_entities; j++)
      if (keep_old[k][j] &&
          def_holds_mark(&m, &was->entities[j], NULL, &parent))
        m.all = 1;
    parent = NULL;
    for (size_t j = 0; keep_now[k] && !m.all && j < now[k]->n_entities; j++)
      if (keep_now[k][j] &&
          def_holds_mark(&m, &now[k]->entities[j], NULL, &parent))
        m.all = 1;
  }
  /* a changed file that notes bases notes the same ones again (its new
   * definitions): each is resolved as a reference of the file is, so
   * its targets stay when none of the file's references holds a mark
   * (nor, as checked above, an unchanged definition or a path) */
  for (size_t k = 0; rc == 0 && !m.all && k < d->n_changed; k++) {
    const pt_file_result *was = e[at[k]].r;
    if (keep_old[k] &&
        (pt__ingest_has_bases(was) || pt__ingest_has_bases(now[k])) &&
        (refs_hold_mark(&m, was) || refs_hold_mark(&m, now[k])))
      m.all = 1;
  }
  /* the files whose references hold a mark: none of them notes bases
   * (noting them again could change a type's bases, which any file may
   * read; a lazy seed decoded the references of every file that does) */
  for (size_t i = 0; rc == 0 && !m.all && m.n && i < n; i++) {
    const pt_file_record *f = &e[i].r->file;
    if (is_changed[i] || !bytes_hold_mark(&m, f->reuse, f->reuse_size))
      continue;
    reads[i] = 1;
    if (pt__ingest_has_bases(e[i].r))
      m.all = 1;
  }
  if (rc == 0 && m.all)
    memset(reads, 1, n);
  pt_extractor_free(x);
  for (size_t k = 0; k < d->n_changed; k++) {
    if (keep_old)
      pt_free(keep_old[k]);
    if (keep_now)
      pt_free(keep_now[k]);
    if (now)
      pt_file_result_free(now[k]);
  }
  pt_free(keep_old);
  pt_free(keep_now);
  pt_free(now);
  pt_free(at);
  pt_free(is_changed);
  pt_free(m.v);
  return rc;
}

/* Entry r's references with its file key in g's pool. The others are the
 * keys of its entities, which are (a seed decodes them from the stored
 * graph): only the file key is looked up, once, not each key a run of
 * references starts with (a probe of the pool each, most of the seed's
 * serial time). fk: the caller's buffer for the file key. */
static int refs_in(pt_graph *g, const pt_file_result *r, pt_buf *fk,
                   pt_raw_ref **out)
{
  pt_raw_ref *refs = pt_malloc((r->n_refs + 1) * sizeof *refs);
  int rc = refs ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  const char *was = NULL, *now = NULL, *file_key = NULL;
  pt_buf_clear(fk);
  if (rc == 0 && r->n_refs)
    rc = pt__key_file(fk, r->file.lang, r->file.path);
  for (size_t k = 0; rc == 0 && k < r->n_refs; k++) {
    refs[k] = r->refs[k];
    if (refs[k].from_key != was) {
      was = r->refs[k].from_key;
      now = was;
      if (strcmp(was, fk->ptr) == 0)
        now = file_key ? file_key : (file_key = pt_graph_intern(g, was));
    }
    if (!(refs[k].from_key = now))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  *out = refs;
  return rc;
}

/* The tables' inputs and the tables themselves, the last step of which
 * another thread makes while the changed files are compared (which_read):
 * every seeded definition, without its code (resolution
 * reads none; its strings are the stored graph's, in g's pool), and every
 * file record, its path in g. */
typedef struct tables {
  pt_graph *g;           /* owned: shares prev's pool */
  pt_entity *ents;       /* owned until the resolver adopts them */
  pt_file_record *files; /* the same */
  size_t n_ents, n_files;
  pt_resolver *rs;       /* owned: made by make_tables */
  int rc;                /* make_tables' result, its error in err */
  pt_error err;
} tables;

static int tables_init(tables *t, pt_ingest_cache *c, const pt_graph *prev)
{
  size_t n, total = 0;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  memset(t, 0, sizeof *t);
  for (size_t i = 0; i < n; i++)
    total += e[i].r->n_entities;
  t->ents = pt_malloc((total + 1) * sizeof *t->ents);
  t->files = pt_malloc((n + 1) * sizeof *t->files);
  int rc = t->ents && t->files ? pt_graph_new_sharing(prev, &t->g)
                               : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const pt_file_result *r = e[i].r;
    t->files[i] = r->file;
    t->files[i].path = pt_graph_intern(t->g, r->file.path);
    if (!t->files[i].path)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    for (size_t k = 0; k < r->n_entities; k++) {
      t->ents[t->n_ents] = r->entities[k];
      t->ents[t->n_ents].code = NULL; /* resolution reads no code */
      t->ents[t->n_ents++].code_len = 0;
    }
  }
  t->n_files = n;
  return rc;
}

/* which_read's work and result, for make_tables to run beside the
 * tables' last step. */
typedef struct reads_job {
  const pt_ingest_opts *o;
  pt_ingest_cache *c;
  const pt_ingest_delta *d;
  unsigned char *reads;
  int rc;                /* which_read's, its error in err */
  pt_error err;
} reads_job;

static void read_beside(void *payload)
{
  reads_job *j = payload;
  j->rc = which_read(j->o, j->c, j->d, j->reads);
  if (j->rc)
    j->err = *pt_error_last();
}

/* The tables, with which_read (j, NULL: none) beside their last step. */
static void make_tables(tables *t, reads_job *j)
{
  t->rc = pt__resolver_new_beside(t->ents, t->n_ents, t->files, t->n_files,
                                  j ? read_beside : NULL, j, &t->rs);
  if (t->rc)
    t->err = *pt_error_last();
}

static void tables_fini(tables *t)
{
  pt__resolver_free(t->rs);
  pt_free(t->ents);
  pt_free(t->files);
  pt_graph_free(t->g);
}

int pt__ingest_kept_reads(const pt__cache_entry *e, size_t n, pt__deps **out)
{
  size_t with = 0;
  if (out)
    *out = NULL;
  for (size_t i = 0; i < n; i++)
    with += pt__reuse_has_reads(&e[i].r->file);
  if (with == 0 || n == 0)
    return 0;
  if (with < n)
    return 2;
  if (!out) /* not wanted: not decoded */
    return 1;
  pt__deps *kd = pt_calloc(2 * n + 1, sizeof *kd);
  if (!kd)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = 0;
  for (size_t i = 0; rc >= 0 && i < n; i++)
    rc = pt__reuse_reads(&e[i].r->file, &kd[2 * i], &kd[2 * i + 1]);
  if (rc == 1) {
    *out = kd;
    return 1;
  }
  for (size_t i = 0; i < 2 * n; i++)
    pt__deps_fini(&kd[i]);
  pt_free(kd);
  if (rc == PT_ENOMEM)
    return rc;
  pt_error_clear(); /* malformed: every file is resolved, and kept again */
  return 2;
}

/* The rest of what pt__patch_seed does, with t's tables, recording what
 * the files of reads read. Only the files whose references are used
 * (noting bases, resolving for reads) have them copied. */
static int seed(pt_ingest_cache *c, const pt_graph *prev, tables *t,
                const unsigned char *reads, unsigned n_threads)
{
  size_t n, n_jobs = 0;
  const pt__cache_entry *e = pt__cache_entries(c, &n);
  pt__resolve_job *jobs = pt_calloc(n + 1, sizeof *jobs);
  pt__resolve_job *run = pt_calloc(n + 1, sizeof *run);
  pt_buf fk = PT_BUF_INIT;
  int rc = jobs && run ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  /* Every file would be resolved for what it read (reads all set): when
   * every record keeps that, it is loaded instead and none is. Some files
   * only: those are resolved, as for records that keep none, and the
   * patch writes back what the files it resolves read (the others' stay
   * true: they read nothing that changed). When some records keep reads
   * and some not, every file is resolved, and then kept (the records of
   * the files this run resolves again would else be left stale). */
  unsigned char *all = NULL;
  pt__deps *kd = NULL;
  int every = n > 0 && !memchr(reads, 0, n);
  int kept = rc == 0 ? pt__ingest_kept_reads(e, n, every ? &kd : NULL) : 0;
  if (kept < 0)
    rc = kept;
  if (kept == 1 && !every) {
    kept = 3; /* narrowed, every record keeps reads */
  } else if (kept == 1) {
    all = pt_calloc(n + 1, 1);
  } else if (kept == 2) {
    all = pt_malloc(n + 1);
    if (all)
      memset(all, 1, n);
  }
  if (rc == 0 && (kept == 1 || kept == 2) && !all)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (all)
    reads = all;
  /* a lazy seed left the references of files that note no bases */
  if (rc == 0)
    rc = pt__cache_refs_many(c, reads);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    pt_raw_ref *refs = NULL;
    const pt_file_result *r = e[i].r;
    if (reads[i] || pt__ingest_has_bases(r))
      rc = refs_in(t->g, r, &fk, &refs);
    jobs[i] = (pt__resolve_job){t->files[i].path, r->file.lang, refs,
                                refs ? r->n_refs : 0};
    if (rc == 0 && reads[i])
      run[n_jobs++] = jobs[i];
  }
  if (rc == 0)
    rc = pt__resolver_record(t->rs);
  if (rc == 0) /* one patch asks who read what changed */
    pt__resolver_readers_by_scan(t->rs);
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (jobs[i].n_refs)
      rc = pt__resolver_note_bases(t->rs, jobs[i].path, jobs[i].lang,
                                   jobs[i].refs, jobs[i].n_refs);
  for (size_t i = 0; rc == 0 && kept == 1 && i < n; i++) {
    pt__resolver_keep_deps(t->rs, 0, i, &kd[2 * i]);
    pt__resolver_keep_deps(t->rs, 1, i, &kd[2 * i + 1]);
  }
  if (rc == 0 && n_jobs) /* for what they read: their edges are the stored */
    rc = pt__resolve_files(t->rs, NULL, run, n_jobs, n_threads);
  if (rc == 0) {
    /* what every file read, when the records do not all keep it */
    t->rs->reads_partial = kept == 0 && n_jobs < n;
    t->rs->reads_unsaved = (kept == 0 || kept == 2) && n_jobs == n;
    pt__resolver_adopt(t->rs, t->ents, t->files);
    t->ents = NULL;
    t->files = NULL;
    pt__cache_set_resolver(c, t->rs, prev);
    t->rs = NULL;
    last_n_read = n_jobs;
  }
  for (size_t i = 0; jobs && i < n; i++)
    pt_free((void *)jobs[i].refs);
  pt_free(jobs);
  pt_free(run);
  pt_free(all);
  for (size_t i = 0; kd && i < 2 * n; i++)
    pt__deps_fini(&kd[i]);
  pt_free(kd);
  pt_buf_fini(&fk);
  if (n_jobs > 64)
    pt_sys_heap_trim(); /* as pt__patch_seed: the copies of the references */
  return rc;
}

/* The tables, and which_read on a thread of its own while this one
 * makes their last step, the name groups, which would else run alone
 * (resolve.h: pt__resolver_new_beside). The tables' first steps take
 * both processors already. */
static int tables_and_reads(const pt_ingest_opts *o, pt_ingest_cache *c,
                            const pt_ingest_delta *d, tables *t,
                            unsigned char *reads)
{
  reads_job j = {o, c, d, reads, 0, {0}};
  make_tables(t, &j);
  int rc = j.rc;
  if (rc)
    rc = pt__error_set(j.err.code, j.err.file, j.err.line, "%s",
                       j.err.message);
  else if (t->rc)
    rc = pt__error_set(t->err.code, t->err.file, t->err.line, "%s",
                       t->err.message);
  return rc;
}

/* What a re-run reads of the seeded cache before it resolves anything:
 * the tables (their last step beside the comparison) and which files must be
 * resolved for their reads. It adds no string to prev's pool, so it may
 * run while the stored edges load (pt_ingest_rerun_begin). */
struct pt__rerun_prep {
  const pt_graph *prev;  /* borrowed: what it was made for, */
  const pt_ingest_delta *d; /* with which delta */
  tables t;
  unsigned char *reads;  /* owned, one per cache entry */
  int rc;                /* PT_EAGAIN: the patch does not apply */
  pt_error err;
};

static int prepare(const pt_ingest_opts *o, pt_ingest_cache *c,
                   const pt_graph *prev, const pt_ingest_delta *d,
                   pt__rerun_prep *p)
{
  size_t n;
  pt__cache_entries(c, &n);
  memset(p, 0, sizeof *p);
  p->prev = prev;
  p->d = d;
  if (!pt__cache_is_fresh_seed(c) || n != pt_graph_n_files(prev))
    return PT_EAGAIN;
  p->reads = pt_calloc(n + 1, 1);
  int rc = tables_init(&p->t, c, prev);
  if (rc == 0 && !p->reads)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = tables_and_reads(o, c, d, &p->t, p->reads);
  return rc;
}

void pt__rerun_prep_free(pt__rerun_prep *p)
{
  if (!p)
    return;
  tables_fini(&p->t);
  pt_free(p->reads);
  pt_free(p);
}

int pt_ingest_rerun_begin(const pt_ingest_opts *o, pt_ingest_cache *c,
                          const pt_graph *stored, const pt_ingest_delta *d)
{
  pt__rerun_prep *p = pt_malloc(sizeof *p);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory");
  int rc = p->rc = prepare(o, c, stored, d, p);
  if (rc)
    p->err = *pt_error_last();
  pt__cache_set_rerun(c, p);
  if (rc == PT_ENOMEM)
    return rc;
  pt_error_clear(); /* kept for pt_ingest_rerun, which meets it */
  return 0;
}

int pt__rerun_seed(const pt_ingest_opts *o, pt_ingest_cache *c,
                   const pt_graph *prev, const pt_ingest_delta *d)
{
  pt__rerun_prep *p = pt__cache_take_rerun(c), here;
  int rc;
  last_n_read = (size_t)-1;
  last_begun = p && p->prev == prev && p->d == d;
  if (last_begun) {
    rc = p->rc;
    if (rc && rc != PT_EAGAIN)
      rc = pt__error_set(p->err.code, p->err.file, p->err.line, "%s",
                         p->err.message);
  } else {
    pt__rerun_prep_free(p);
    p = NULL;
    rc = prepare(o, c, prev, d, &here);
  }
  pt__rerun_prep *use = p ? p : &here;
  if (rc == 0)
    rc = seed(c, prev, &use->t, use->reads,
              o->n_threads ? o->n_threads : pt_cpu_count());
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the full run meets and reports it */
    rc = PT_EAGAIN;
  }
  if (p) {
    pt__rerun_prep_free(p);
  } else {
    tables_fini(&here.t);
    pt_free(here.reads);
  }
  return rc;
}
