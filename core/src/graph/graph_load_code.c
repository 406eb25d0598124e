/* pt_graph_load_code (pt/graph_load_code.h): a load's entity code kept
 * once per file, as extraction keeps it. Stores give entities in key
 * order, not a file's, so a nested entity's code is held aside until
 * pt_graph_finish, which walks each file's entities in source order and
 * makes the held code a range of the enclosing entity's copy where the
 * bytes are the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "pt/buf.h"
#include "pt/graph_load_code.h"
#include "pt/ptrmap.h"

#define NONE UINT32_MAX

/* One entity's held code: len bytes at `at` of the held bytes. */
typedef struct held {
  size_t entity;
  size_t at, len;
} held;

/* One entity's code by reference: len bytes at `at` of the code of the
 * entity whose key is `in`. */
typedef struct code_in {
  size_t entity;
  const char *in;
  uint32_t at, len;
} code_in;

struct pt__load_code {
  pt_buf bytes;
  held *v; /* owned */
  size_t n, cap;
  code_in *refs; /* owned */
  size_t n_refs, refs_cap;
};

void pt__graph_load_code_free(struct pt__load_code *lc)
{
  if (!lc)
    return;
  pt_buf_fini(&lc->bytes);
  pt_free(lc->v);
  pt_free(lc->refs);
  pt_free(lc);
}

int pt_graph_load_code(pt_graph *g, pt_entity *e, const char *code,
                       size_t len)
{
  e->code = NULL;
  e->code_len = 0;
  if (!code)
    return 0;
  const char *nul = e->parent_key ? memchr(code, '\0', len) : NULL;
  if (nul) /* as a C string's copy read it */
    len = (size_t)(nul - code);
  if (!e->parent_key || len == 0 || len > UINT32_MAX) {
    /* a C string, as before: not scanned for a NUL here */
    e->code = pt_graph_copy_text(g, code, len);
    return e->code ? 0 : PT_ERR(PT_ENOMEM, "out of memory copying entity code");
  }
  struct pt__load_code *lc = g->load_code;
  if (!lc && !(lc = g->load_code = pt_calloc(1, sizeof *lc)))
    return PT_ERR(PT_ENOMEM, "out of memory holding entity code");
  if (lc->n && lc->v[lc->n - 1].entity == g->entities.n)
    lc->n--; /* held for a record that was not added (a failed decode) */
  size_t at = lc->bytes.len;
  if (pt_array_grow((void **)&lc->v, &lc->cap, lc->n + 1, sizeof *lc->v) ||
      pt_buf_put(&lc->bytes, code, len))
    return PT_ERR(PT_ENOMEM, "out of memory holding entity code");
  lc->v[lc->n++] = (held){g->entities.n, at, len};
  return 0;
}

int pt_graph_load_code_in(pt_graph *g, pt_entity *e, const char *in,
                          uint32_t at, uint32_t len)
{
  e->code = NULL;
  e->code_len = 0;
  struct pt__load_code *lc = g->load_code;
  if (!lc && !(lc = g->load_code = pt_calloc(1, sizeof *lc)))
    return PT_ERR(PT_ENOMEM, "out of memory holding entity code");
  if (lc->n_refs && lc->refs[lc->n_refs - 1].entity == g->entities.n)
    lc->n_refs--; /* for a record that was not added (a failed decode) */
  if (pt_array_grow((void **)&lc->refs, &lc->refs_cap, lc->n_refs + 1,
                    sizeof *lc->refs))
    return PT_ERR(PT_ENOMEM, "out of memory holding entity code");
  lc->refs[lc->n_refs++] = (code_in){g->entities.n, in, at, len};
  return 0;
}

/* ---- sharing, at finish -------------------------------------------------- */

/* An entity in a file's source order (lines, then the larger first), with
 * what the walk reads of it, so that it reads the entities in order. */
typedef struct placed {
  const char *code;   /* NULL: held */
  uint32_t code_len;
  uint32_t line_start, line_end, i;
} placed;

/* The entities of the files that hold held code, file after file, each
 * file's in source order (an enclosing entity before those inside it). */
typedef struct by_file {
  uint32_t *slot;  /* owned: per entity, its held index or NONE */
  placed *v;       /* owned */
  size_t *start;   /* owned: file k's are v[start[k]..start[k + 1]) */
  size_t n_files;
} by_file;

static int cmp_source(const void *pa, const void *pb)
{
  const placed *a = pa, *b = pb;
  if (a->line_start != b->line_start)
    return a->line_start < b->line_start ? -1 : 1;
  if (a->line_end != b->line_end)
    return a->line_end > b->line_end ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

/* A counting sort by file, then each file's by lines: entities with code,
 * held or copied, of a file that holds held code. */
static int group(const pt_graph *g, const struct pt__load_code *lc, by_file *bf)
{
  pt_ptrmap files = PT_PTRMAP_INIT;
  const pt_entity *v = g->entities.v;
  size_t n = g->entities.n, k;
  uint32_t *file = pt_malloc((n + 1) * sizeof *file); /* NONE: none */
  int rc = file ? 0 : PT_ENOMEM;
  for (size_t h = 0; rc == 0 && h < lc->n; h++)
    if (lc->v[h].entity < n && v[lc->v[h].entity].file_path)
      rc = pt_ptrmap_put_new(&files, v[lc->v[h].entity].file_path, files.n,
                             &k);
  bf->n_files = files.n;
  bf->start = rc ? NULL : pt_calloc(files.n + 2, sizeof *bf->start);
  bf->v = rc ? NULL : pt_malloc((n + 1) * sizeof *bf->v);
  if (rc == 0 && (!bf->start || !bf->v))
    rc = PT_ENOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    int has = (v[i].code || bf->slot[i] != NONE) && v[i].file_path &&
              pt_ptrmap_get(&files, v[i].file_path, &k);
    file[i] = has ? (uint32_t)k : NONE;
    if (has)
      bf->start[k + 2]++;
  }
  for (size_t f = 0; rc == 0 && f < files.n; f++)
    bf->start[f + 2] += bf->start[f + 1];
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (file[i] != NONE)
      bf->v[bf->start[file[i] + 1]++] =
          (placed){v[i].code, v[i].code_len, v[i].line_start, v[i].line_end,
                   (uint32_t)i};
  pt_ptrmap_fini(&files);
  pt_free(file);
  for (size_t f = 0; rc == 0 && f < bf->n_files; f++)
    if (bf->start[f + 1] - bf->start[f] > 1)
      qsort(bf->v + bf->start[f], bf->start[f + 1] - bf->start[f],
            sizeof *bf->v, cmp_source);
  return rc;
}

/* The enclosing entity's code, and where its lines begin: found walking
 * forward from the last line asked. */
typedef struct outer {
  const char *code;   /* NULL: none yet in this file */
  size_t len;         /* SIZE_MAX: not known yet */
  size_t off;
  uint32_t line;      /* the line starting at off */
  uint32_t line_start, line_end;
} outer;

/* o's length is found when held code first needs it (a load's copies are
 * NUL-terminated: strlen). */
static void outer_set(outer *o, const placed *p)
{
  *o = (outer){p->code, p->code_len ? p->code_len : SIZE_MAX, 0,
               p->line_start, p->line_start, p->line_end};
}

static int is_inside(const outer *o, const placed *p)
{
  return o->code && p->line_start >= o->line_start &&
         p->line_end <= o->line_end;
}

/* Newlines in p[0..n): a loop the compiler can vectorise (lines are
 * short; memchr's call per line costs more than the bytes). */
static uint32_t newlines(const char *p, size_t n)
{
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += p[i] == '\n';
  return c;
}

/* Where line `line` starts in o's code, or SIZE_MAX: whole blocks that end
 * before it are counted, then bytes. */
static size_t outer_line(outer *o, uint32_t line)
{
  enum { BLOCK = 256 };
  if (o->len == SIZE_MAX)
    o->len = strlen(o->code);
  while (o->line < line && o->len - o->off > BLOCK) {
    uint32_t c = newlines(o->code + o->off, BLOCK);
    if (o->line + c >= line)
      break;
    o->line += c;
    o->off += BLOCK;
  }
  for (; o->line < line && o->off < o->len; o->off++)
    o->line += o->code[o->off] == '\n';
  return o->line == line ? o->off : SIZE_MAX;
}

/* The held code of p (entity e): a range of o's when p's lines are inside
 * o's and the bytes are the same there; else a copy of its own, which
 * p's record then names. */
static int place(pt_graph *g, outer *o, placed *p, const char *code,
                 size_t len)
{
  pt_entity *e = &g->entities.v[p->i];
  if (is_inside(o, p)) {
    size_t at = outer_line(o, p->line_start);
    if (at != SIZE_MAX && len <= o->len - at &&
        memcmp(o->code + at, code, len) == 0) {
      e->code = o->code + at;
      e->code_len = (uint32_t)len;
      return 0;
    }
  }
  e->code = p->code = pt_graph_copy_text(g, code, len);
  e->code_len = p->code_len = (uint32_t)len;
  return e->code ? 0 : PT_ENOMEM;
}

/* File by file in source order: an entity outside the current enclosing
 * one becomes it (its held code copied first); held code inside it is a
 * range of it where the bytes match. */
static int share_files(pt_graph *g, const struct pt__load_code *lc,
                       const by_file *bf)
{
  int rc = 0;
  for (size_t f = 0; rc == 0 && f < bf->n_files; f++) {
    outer o = {NULL, 0, 0, 0, 0, 0};
    for (size_t j = bf->start[f]; rc == 0 && j < bf->start[f + 1]; j++) {
      placed *p = &bf->v[j];
      int inside = is_inside(&o, p);
      if (!p->code) {
        const held *h = &lc->v[bf->slot[p->i]];
        rc = place(g, &o, p, lc->bytes.ptr + h->at, h->len);
      }
      if (rc == 0 && !inside)
        outer_set(&o, p);
    }
  }
  return rc;
}

/* Held code not shared (out of memory sharing, or no file): copies. */
static int copy_rest(pt_graph *g, const struct pt__load_code *lc)
{
  for (size_t h = 0; h < lc->n; h++) {
    if (lc->v[h].entity >= g->entities.n)
      continue;
    pt_entity *e = &g->entities.v[lc->v[h].entity];
    if (e->code)
      continue;
    e->code = pt_graph_copy_text(g, lc->bytes.ptr + lc->v[h].at, lc->v[h].len);
    e->code_len = (uint32_t)lc->v[h].len;
    if (!e->code)
      return PT_ERR(PT_ENOMEM, "out of memory copying entity code");
  }
  return 0;
}

/* The code of the entities given by reference: ranges of their holders'
 * code, which is in place by now (copied, or a range of its own
 * enclosing entity's copy). A holder's length is its code_len, or for a
 * NUL-terminated copy its strlen, found once. */
static int resolve_refs(pt_graph *g, const struct pt__load_code *lc)
{
  pt_ptrmap holders = PT_PTRMAP_INIT; /* key -> NONE, then entity + len */
  size_t *len = NULL, n = g->entities.n, v = 0;
  int rc = pt_ptrmap_reserve(&holders, lc->n_refs);
  for (size_t r = 0; rc == 0 && r < lc->n_refs; r++)
    rc = pt_ptrmap_put_new(&holders, lc->refs[r].in, SIZE_MAX, &v);
  len = rc ? NULL : pt_malloc((n + 1) * sizeof *len);
  if (rc == 0 && !len)
    rc = PT_ENOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const pt_entity *h = &g->entities.v[i];
    if (h->key && h->code && pt_ptrmap_get(&holders, h->key, &v)) {
      pt_ptrmap_set(&holders, h->key, i);
      len[i] = h->code_len ? h->code_len : strlen(h->code);
    }
  }
  if (rc)
    rc = PT_ERR(PT_ENOMEM, "out of memory placing entity code");
  for (size_t r = 0; rc == 0 && r < lc->n_refs; r++) {
    const code_in *c = &lc->refs[r];
    if (c->entity >= n)
      continue;
    pt_entity *e = &g->entities.v[c->entity];
    size_t h = SIZE_MAX;
    pt_ptrmap_get(&holders, c->in, &h);
    if (h == SIZE_MAX || (size_t)c->at + c->len > len[h])
      rc = PT_ERR(PT_EINVAL, "the code of %s: %u bytes at %u of %s's, which "
                  "%s", e->key ? e->key : "(no key)", (unsigned)c->len,
                  (unsigned)c->at, c->in,
                  h == SIZE_MAX ? "has no entity with code" : "are fewer");
    else {
      e->code = g->entities.v[h].code + c->at;
      e->code_len = c->len;
    }
  }
  pt_free(len);
  pt_ptrmap_fini(&holders);
  return rc;
}

int pt__graph_share_loaded_code(pt_graph *g)
{
  struct pt__load_code *lc = g->load_code;
  by_file bf = {NULL, NULL, NULL, 0};
  if (!lc)
    return 0;
  g->load_code = NULL;
  int rc = 0;
  bf.slot = pt_malloc((g->entities.n + 1) * sizeof *bf.slot);
  if (!bf.slot || g->entities.n >= NONE)
    rc = PT_ENOMEM;
  for (size_t i = 0; rc == 0 && i < g->entities.n; i++)
    bf.slot[i] = NONE;
  for (size_t h = 0; rc == 0 && h < lc->n; h++)
    if (lc->v[h].entity < g->entities.n)
      bf.slot[lc->v[h].entity] = (uint32_t)h;
  if (rc == 0)
    rc = group(g, lc, &bf);
  if (rc == 0)
    rc = share_files(g, lc, &bf);
  pt_error_clear(); /* short of memory: copies, as before */
  rc = copy_rest(g, lc);
  if (rc == 0 && lc->n_refs)
    rc = resolve_refs(g, lc);
  pt_free(bf.slot);
  pt_free(bf.v);
  pt_free(bf.start);
  pt__graph_load_code_free(lc);
  return rc;
}
