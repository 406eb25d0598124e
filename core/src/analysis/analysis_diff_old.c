/* What a diff deletes (pt/analysis.h): each file's old side, rebuilt by
 * applying the diff's hunks in reverse to the indexed file (still what the
 * index holds), extracted again, and its entities the graph no longer
 * has, with the code whose unresolved references name them. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/hash.h"
#include "pt/lang.h"
#include "pt/sys/fs.h"

/* The next line of [*s, end) (without its '\n'), *s moved past it. */
static size_t next_line(const char **s, const char *end, const char **line)
{
  const char *nl = memchr(*s, '\n', (size_t)(end - *s));
  size_t n = nl ? (size_t)(nl - *s) : (size_t)(end - *s);
  *line = *s;
  *s = nl ? nl + 1 : end;
  return n;
}

/* The old side of a file whose new side is cur: its hunks in reverse
 * (context and '-' lines kept, '+' lines dropped). */
static int old_side(const pt_diff_file *f, const char *cur, size_t cur_len,
                    pt_buf *out)
{
  const char *c = cur, *ce = cur + cur_len;
  const char *h = f->hunks ? f->hunks : "", *he = h + f->hunks_len;
  unsigned long ln = 1; /* the next line of cur */
  int rc = 0;
  while (rc == 0 && h < he) {
    const char *l, *cl;
    size_t n = next_line(&h, he, &l);
    if (n && l[0] == '@') {
      unsigned long at = strtoul(l + 1, NULL, 10);
      for (; rc == 0 && ln < at && c < ce; ln++) {
        size_t k = next_line(&c, ce, &cl);
        rc = pt_buf_put(out, cl, k) || pt_buf_putc(out, '\n');
      }
    } else if (n && l[0] == '-') {
      rc = pt_buf_put(out, l + 1, n - 1) || pt_buf_putc(out, '\n');
    } else if (n && (l[0] == '+' || l[0] == ' ')) {
      size_t k = c < ce ? next_line(&c, ce, &cl) : 0;
      ln++;
      if (l[0] == ' ')
        rc = pt_buf_put(out, l + 1, n - 1) || pt_buf_putc(out, '\n');
      (void)k;
    }
  }
  if (rc == 0 && c < ce)
    rc = pt_buf_put(out, c, (size_t)(ce - c));
  return rc ? PT_ERR(PT_ENOMEM, "out of memory") : 0;
}

/* The indexed file's text when it is still what the index holds. */
static int read_indexed(const char *root, const pt_file_record *rec,
                        pt_buf *src, int *ok)
{
  pt_buf path = PT_BUF_INIT;
  char hash[65];
  *ok = 0;
  int rc = pt_buf_printf(&path, "%s/%s", root, rec->path);
  if (rc == 0 && pt_fs_read_file(path.ptr, src) == 0) {
    pt_sha256_hex(src->ptr ? src->ptr : "", src->len, hash);
    *ok = strcmp(hash, rec->content_hash) == 0;
  } else if (rc == 0) {
    pt_error_clear(); /* gone or unreadable: stale */
  }
  pt_buf_fini(&path);
  return rc;
}

/* Whether g's file path has an entity of this name and kind. */
static int still_there(const pt_graph *g, const char *path, const pt_entity *o)
{
  const pt_entity *e = pt_graph_entities(g);
  for (size_t i = 0; path && i < pt_graph_n_entities(g); i++)
    if (e[i].kind == o->kind && !strcmp(e[i].name, o->name) &&
        !strcmp(e[i].file_path, path))
      return 1;
  return 0;
}

/* Whether an unresolved edge's placeholder names `name`
 * ("lang:token:name:unresolved-reference:0-0"). */
static int names(const char *to_key, const char *name)
{
  const char *u = strstr(to_key, ":unresolved-reference:");
  size_t n = strlen(name);
  return u && (size_t)(u - to_key) > n && u[-(ptrdiff_t)n - 1] == ':' &&
         !memcmp(u - n, name, n);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int dependents(const pt_graph *g, const pt_qgraph *q,
                      pt_diff_deletions *x, pt_diff_deleted *del)
{
  const pt_edge *e = pt_graph_edges(g);
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_edges(g); i++)
    n += !e[i].resolved && names(e[i].to_key, del->name);
  del->dependents = pt_arena_alloc(&x->arena, (n + 1) * sizeof(uint32_t));
  if (!del->dependents)
    return PT_ERR(PT_ENOMEM, "out of memory");
  n = 0;
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    if (e[i].resolved || !names(e[i].to_key, del->name))
      continue;
    int64_t v = pt_qgraph_find(q, e[i].from_key);
    if (v >= 0)
      del->dependents[n++] = (uint32_t)v;
  }
  qsort(del->dependents, n, sizeof(uint32_t), cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!k || del->dependents[k - 1] != del->dependents[i])
      del->dependents[k++] = del->dependents[i];
  del->n_dependents = k;
  return 0;
}

/* The deleted entities of one file's old side. */
static int add_old(const pt_graph *g, const pt_qgraph *q, pt_extractor *xr,
                   pt_diff_deletions *x, size_t *cap, const char *path,
                   const char *indexed_path, const pt_buf *old)
{
  pt_grammar gr;
  pt_file_result *r = NULL;
  if (!pt_grammar_for_path(path, old->ptr, old->len < 4096 ? old->len : 4096,
                           &gr))
    return 0;
  int rc = pt_extract_file(xr, gr, path, old->ptr ? old->ptr : "", old->len,
                           &r);
  if (rc && rc != PT_ENOMEM) { /* the old side does not parse: skipped */
    pt_error_clear();
    return 0;
  }
  for (size_t i = 0; rc == 0 && i < r->n_entities; i++) {
    const pt_entity *o = &r->entities[i];
    if (still_there(g, indexed_path, o))
      continue;
    if (pt_array_grow((void **)&x->items, cap, x->n_items + 1,
                      sizeof *x->items) != 0) {
      rc = PT_ENOMEM;
      break;
    }
    pt_diff_deleted *del = &x->items[x->n_items];
    memset(del, 0, sizeof *del);
    del->name = pt_arena_strdup(&x->arena, o->name);
    del->file_path = pt_arena_strdup(&x->arena, path);
    del->kind = o->kind;
    del->line_start = o->line_start;
    del->line_end = o->line_end;
    rc = del->name && del->file_path ? dependents(g, q, x, del)
                                     : PT_ERR(PT_ENOMEM, "out of memory");
    x->n_items += rc == 0;
  }
  pt_file_result_free(r);
  return rc;
}

int pt_diff_deleted_entities(const pt_graph *g, const pt_qgraph *q,
                             const char *root, pt_diff *d,
                             pt_diff_deletions **out)
{
  pt_diff_deletions *x = pt_calloc(1, sizeof *x);
  pt_queries *qs = NULL;
  pt_extractor *xr = NULL;
  size_t cap = 0;
  if (!x)
    return PT_ERR(PT_ENOMEM, "out of memory");
  pt_arena_init(&x->arena);
  int rc = pt_queries_new(&qs);
  if (rc == 0)
    rc = pt_extractor_new(qs, &xr);
  for (size_t k = 0; rc == 0 && k < d->n_files; k++) {
    pt_diff_file *f = &d->files[k];
    pt_buf cur = PT_BUF_INIT, old = PT_BUF_INIT;
    const pt_file_record *rec = NULL;
    int ok = f->status == 'D';
    if (ok)
      rec = pt_graph_find_file(g, f->path); /* an index not yet updated */
    if (f->status == 'M') {
      rec = f->indexed_path ? pt_graph_find_file(g, f->indexed_path) : NULL;
      if (rec && root)
        rc = read_indexed(root, rec, &cur, &ok);
      f->is_stale = rc == 0 && rec && !ok;
      x->n_stale += f->is_stale;
    }
    if (rc == 0 && ok)
      rc = old_side(f, cur.ptr ? cur.ptr : "", cur.len, &old);
    if (rc == 0 && ok)
      rc = add_old(g, q, xr, x, &cap, rec ? rec->path : f->path,
                   rec ? rec->path : NULL, &old);
    rec = NULL;
    pt_buf_fini(&cur);
    pt_buf_fini(&old);
  }
  pt_extractor_free(xr);
  pt_queries_free(qs);
  if (rc) {
    pt_diff_deletions_free(x);
    return rc;
  }
  *out = x;
  return 0;
}

void pt_diff_deletions_free(pt_diff_deletions *x)
{
  if (!x)
    return;
  pt_free(x->items);
  pt_arena_fini(&x->arena);
  pt_free(x);
}

int pt_diff_targets(const uint32_t *changed, size_t n_changed,
                    const pt_diff_deletions *x, uint32_t **out, size_t *n_out)
{
  size_t cap = n_changed + 1, n = n_changed;
  for (size_t i = 0; x && i < x->n_items; i++)
    cap += x->items[i].n_dependents;
  uint32_t *t = pt_malloc(cap * sizeof *t);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory");
  if (n_changed)
    memcpy(t, changed, n_changed * sizeof *t);
  for (size_t i = 0; x && i < x->n_items; i++)
    for (size_t k = 0; k < x->items[i].n_dependents; k++) {
      uint32_t v = x->items[i].dependents[k];
      size_t j = 0;
      while (j < n && t[j] != v)
        j++;
      if (j == n)
        t[n++] = v;
    }
  *out = t;
  *n_out = n;
  return 0;
}
