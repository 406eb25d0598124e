/* An entry walked again for the live index's patch shortcut
 * (ingest_patch.c): a path that changed, a folder new to the index, or
 * one gone. What a fresh walk lists at and below it (pt_walk_entry, the
 * walk's own rules in their order) replaces what the index had there:
 * its files, and its entries of the ignored list. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/walk.h"
#include "ingest_int.h"

void pt__paths_fini(pt__paths *p)
{
  for (size_t i = 0; i < p->n; i++)
    pt_free(p->v[i]);
  pt_free(p->v);
  memset(p, 0, sizeof *p);
}

void pt__listed_fini(pt__listed *l)
{
  pt_free(l->v);
  pt_arena_fini(&l->arena);
  memset(l, 0, sizeof *l);
}

/* Is p the path of len bytes, or below it? */
static int at_or_below(const char *p, const char *path, size_t len)
{
  return !strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/');
}

/* The first entry of the sorted list v[0..n) not before key (len bytes,
 * compared as a prefix: equal when v's path starts with it). */
static size_t lower(const pt_ignored_file *v, size_t n, const char *key, size_t len)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strncmp(v[mid].path, key, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Marks in drop the entries of v at or below path (len bytes): the path
 * itself, then the run that starts with "path/" (paths such as "path.x"
 * sort between them). */
static void mark_at_or_below(const pt_ignored_file *v, size_t n, const char *path,
                             size_t len, unsigned char *drop)
{
  for (size_t i = lower(v, n, path, len); i < n && !strncmp(v[i].path, path, len); i++)
    if (at_or_below(v[i].path, path, len))
      drop[i] = 1;
}

static int is_read_time(const char *reason)
{
  return !strcmp(reason, "binary") || !strcmp(reason, "parse_budget");
}

int pt__patch_region(const pt_ingest_opts *o, const pt_graph *prev,
                     const char *root, const char *top, size_t top_len,
                     pt__paths *files, pt__listed *listed)
{
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  size_t n_ig = pt_graph_n_ignored(prev), had_files = files->n, had_listed = listed->n;
  pt_walk_opts wo = {root, o->max_file_size ? o->max_file_size
                                            : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                     o->skip, o->n_skip};
  pt_walk_result *w = NULL;
  pt_buf rel = PT_BUF_INIT;
  int walked = 0, rc = pt_buf_put(&rel, top, top_len);
  /* a file read as binary, or past its parse budget, is the full run's:
   * the walk lists it as a file */
  for (size_t i = lower(ig, n_ig, top, top_len);
       rc == 0 && i < n_ig && !strncmp(ig[i].path, top, top_len); i++)
    if (at_or_below(ig[i].path, top, top_len) && is_read_time(ig[i].reason))
      rc = PT_EAGAIN;
  if (rc == 0)
    rc = pt_walk_entry(&wo, rel.ptr, &walked, &w);
  if (rc == 0 && (!walked || w->n_errors))
    rc = PT_EAGAIN; /* the full run reports the errors */
  if (rc == 0 && w->n_files)
    rc = pt_array_grow((void **)&files->v, &files->cap, files->n + w->n_files,
                       sizeof *files->v);
  for (size_t i = 0; rc == 0 && i < w->n_files; i++) {
    char *copy = pt_strdup(w->files[i].path);
    if (!copy)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    else
      files->v[files->n++] = copy;
  }
  if (rc == 0 && w->n_ignored)
    rc = pt_array_grow((void **)&listed->v, &listed->cap, listed->n + w->n_ignored,
                       sizeof *listed->v);
  for (size_t i = 0; rc == 0 && i < w->n_ignored; i++) {
    pt_ignored_file f = {pt_arena_strdup(&listed->arena, w->ignored[i].path),
                         pt_arena_strdup(&listed->arena, w->ignored[i].reason)};
    if (!f.path || !f.reason)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    else
      listed->v[listed->n++] = f;
  }
  if (rc != 0 && rc != PT_ENOMEM)
    pt_error_clear();
  while (rc != 0 && files->n > had_files)
    pt_free(files->v[--files->n]);
  if (rc != 0)
    listed->n = had_listed;
  pt_walk_result_free(w);
  pt_buf_fini(&rel);
  return rc;
}

static int by_path(const void *a, const void *b)
{
  return strcmp(((const pt_ignored_file *)a)->path, ((const pt_ignored_file *)b)->path);
}

int pt__patch_ignored_list(const pt_graph *prev, const char *const *top_of,
                           const size_t *tops, size_t n_tops,
                           const pt__listed *listed, pt_ignored_file **out,
                           size_t *n_out, int *same)
{
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  size_t n_ig = pt_graph_n_ignored(prev), n = 0;
  unsigned char *drop = pt_calloc(n_ig + 1, 1);
  pt_ignored_file *add = pt_malloc((listed->n + 1) * sizeof *add);
  pt_ignored_file *v = pt_malloc((n_ig + listed->n + 1) * sizeof *v);
  int rc = drop && add && v ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  *out = NULL;
  *n_out = 0;
  *same = 1;
  for (size_t t = 0; rc == 0 && t < n_tops; t++)
    if (tops[t])
      mark_at_or_below(ig, n_ig, top_of[t], tops[t], drop);
  if (rc == 0 && listed->n) {
    memcpy(add, listed->v, listed->n * sizeof *add);
    qsort(add, listed->n, sizeof *add, by_path);
  }
  /* both sorted, none in both: merged */
  for (size_t i = 0, j = 0; rc == 0 && (i < n_ig || j < listed->n);) {
    while (i < n_ig && drop[i])
      i++;
    if (i == n_ig && j == listed->n)
      break;
    int c = i == n_ig ? 1 : j == listed->n ? -1 : strcmp(ig[i].path, add[j].path);
    if (c == 0)
      rc = PT_ERR(PT_EINVAL, "an ignored entry kept and listed again: %s", add[j].path);
    else
      v[n++] = c < 0 ? ig[i++] : add[j++];
  }
  if (rc == 0) {
    *same = n == n_ig;
    for (size_t i = 0; *same && i < n; i++)
      *same = !strcmp(v[i].path, ig[i].path) && !strcmp(v[i].reason, ig[i].reason);
  }
  if (rc == 0 && !*same) {
    *out = v;
    *n_out = n;
    v = NULL;
  }
  pt_free(drop);
  pt_free(add);
  pt_free(v);
  return rc;
}
