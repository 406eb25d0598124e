/* Unified diffs (pt/analysis.h): the files and new-side lines a diff
 * touches, as `git diff` and `diff -u` write them, and the entities of a
 * graph those lines fall in. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/buf.h"
#include "pt/error.h"

typedef struct parser {
  pt_diff *d;
  size_t cap_files, cap_ranges;
  uint32_t new_line;  /* the next line of the new side in a hunk */
  uint32_t old_left, new_left; /* lines of the hunk still to come */
  int del_pending;    /* removed lines not (yet) replaced by added ones */
  uint32_t del_at;    /* the new line they were before */
  size_t cap_hunks;
} parser;

/* Keeps a hunk's line (or its "@<line>" header) in the file's hunks. */
static int keep(parser *p, const char *s, size_t len)
{
  pt_diff_file *f = &p->d->files[p->d->n_files - 1];
  if (pt_array_grow((void **)&f->hunks, &p->cap_hunks, f->hunks_len + len + 2,
                    1) != 0)
    return PT_ENOMEM;
  memcpy(f->hunks + f->hunks_len, s, len);
  f->hunks_len += len;
  f->hunks[f->hunks_len++] = '\n';
  f->hunks[f->hunks_len] = '\0';
  return 0;
}

/* The path of a ---/+++ line: without "a/" or "b/", without a trailing
 * tab and time stamp; NULL for /dev/null. */
static char *header_path(pt_diff *d, const char *s, size_t len)
{
  while (len && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  const char *tab = memchr(s, '\t', len);
  if (tab)
    len = (size_t)(tab - s);
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
    len--;
  if (len == 9 && !memcmp(s, "/dev/null", 9))
    return NULL;
  if (len > 2 && (s[0] == 'a' || s[0] == 'b') && s[1] == '/') {
    s += 2;
    len -= 2;
  }
  return pt_arena_strndup(&d->arena, s, len);
}

static int add_file(parser *p, char *old_path, char *new_path)
{
  pt_diff *d = p->d;
  if (pt_array_grow((void **)&d->files, &p->cap_files, d->n_files + 1,
                    sizeof *d->files) != 0)
    return PT_ENOMEM;
  pt_diff_file *f = &d->files[d->n_files++];
  memset(f, 0, sizeof *f);
  f->path = new_path ? new_path : old_path;
  f->status = !old_path ? 'A' : !new_path ? 'D' : 'M';
  p->cap_ranges = 0;
  p->cap_hunks = 0;
  return 0;
}

/* Lines first..last of the new side are touched (merged with the last
 * range when they meet it). */
static int touch(parser *p, uint32_t first, uint32_t last)
{
  pt_diff_file *f = &p->d->files[p->d->n_files - 1];
  if (f->n_ranges && f->ranges[2 * f->n_ranges - 1] + 1 >= first) {
    if (last > f->ranges[2 * f->n_ranges - 1])
      f->ranges[2 * f->n_ranges - 1] = last;
    return 0;
  }
  if (pt_array_grow((void **)&f->ranges, &p->cap_ranges,
                    2 * (f->n_ranges + 1), sizeof *f->ranges) != 0)
    return PT_ENOMEM;
  f->ranges[2 * f->n_ranges] = first;
  f->ranges[2 * f->n_ranges + 1] = last;
  f->n_ranges++;
  return 0;
}

/* "@@ -a[,b] +c[,d] @@": the counts of lines to come, the first new line. */
static int hunk_header(parser *p, const char *s, size_t len, size_t lineno)
{
  unsigned long v[4] = {0, 1, 0, 1};
  const char *e = s + len;
  s += 2;
  for (int k = 0; k < 4; k += 2) {
    while (s < e && *s == ' ')
      s++;
    if (s >= e || *s != (k ? '+' : '-'))
      return PT_ERR(PT_EPARSE, "line %zu: a hunk header '@@ -A,B +C,D @@' "
                    "is malformed", lineno);
    char *end;
    v[k] = strtoul(s + 1, &end, 10);
    s = end;
    if (s < e && *s == ',') {
      v[k + 1] = strtoul(s + 1, &end, 10);
      s = end;
    }
  }
  if (!p->d->n_files)
    return PT_ERR(PT_EPARSE, "line %zu: a hunk before any '+++' file line",
                  lineno);
  p->old_left = (uint32_t)v[1];
  p->new_left = (uint32_t)v[3];
  p->new_line = (uint32_t)(v[2] ? v[2] : 1);
  char at[24];
  int n = pt_snprintf(at, sizeof at, "@%lu", v[2]);
  return keep(p, at, (size_t)n);
}

/* Removed lines that no added line replaced touch the new lines on both
 * sides of where they were, so the entity they were part of is found. */
static int flush_deletion(parser *p)
{
  if (!p->del_pending)
    return 0;
  p->del_pending = 0;
  return touch(p, p->del_at > 1 ? p->del_at - 1 : 1, p->del_at);
}

/* One line inside a hunk: an added line touches itself; removed ones are
 * a replacement when added lines follow, else a deletion. */
static int hunk_line(parser *p, char c)
{
  if (c == '+' && p->new_left) {
    p->new_left--;
    p->del_pending = 0;
    int rc = touch(p, p->new_line, p->new_line);
    p->new_line++;
    return rc;
  }
  if (c == '-' && p->old_left) {
    p->old_left--;
    if (!p->del_pending)
      p->del_at = p->new_line;
    p->del_pending = 1;
    return 0;
  }
  int rc = flush_deletion(p);
  if (rc)
    return rc;
  if (c == ' ' && p->old_left && p->new_left) {
    p->old_left--;
    p->new_left--;
    p->new_line++;
  }
  return 0;
}

static int parse_line(parser *p, const char *s, size_t len, size_t lineno,
                      char **old_path)
{
  pt_diff *d = p->d;
  if (p->old_left || p->new_left) {
    if (len == 0) /* some tools drop a blank context line's space */
      return keep(p, " ", 1) ? PT_ENOMEM : hunk_line(p, ' ');
    if (*s == '+' || *s == '-' || *s == ' ')
      return keep(p, s, len) ? PT_ENOMEM : hunk_line(p, *s);
    if (*s == '\\')
      return 0; /* "\ No newline at end of file" */
    p->old_left = p->new_left = 0; /* a short hunk: the next header */
  }
  int rc = flush_deletion(p);
  if (rc)
    return rc;
  if (len >= 4 && !memcmp(s, "--- ", 4)) {
    *old_path = header_path(d, s + 4, len - 4);
    return 0;
  }
  if (len >= 4 && !memcmp(s, "+++ ", 4))
    return add_file(p, *old_path, header_path(d, s + 4, len - 4));
  if (len >= 2 && !memcmp(s, "@@", 2))
    return hunk_header(p, s, len, lineno);
  return 0; /* diff --git, index, mode lines, text around the diff */
}

int pt_diff_parse(const char *text, size_t len, pt_diff **out)
{
  pt_diff *d = pt_calloc(1, sizeof *d);
  if (!d)
    return PT_ERR(PT_ENOMEM, "out of memory");
  pt_arena_init(&d->arena);
  parser p = {d, 0, 0, 0, 0, 0, 0, 0, 0};
  char *old_path = NULL;
  int rc = 0;
  size_t lineno = 0;
  for (const char *s = text, *end = text + len; rc == 0 && s < end;) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (n && s[n - 1] == '\r')
      n--;
    rc = parse_line(&p, s, n, ++lineno, &old_path);
    s = nl ? nl + 1 : end;
  }
  if (rc == 0)
    rc = flush_deletion(&p);
  if (rc == 0 && d->n_files == 0 && len > 0)
    rc = PT_ERR(PT_EPARSE, "not a unified diff: no '--- a/PATH' and "
                "'+++ b/PATH' file lines");
  if (rc) {
    pt_diff_free(d);
    return rc;
  }
  *out = d;
  return 0;
}

void pt_diff_free(pt_diff *d)
{
  if (!d)
    return;
  for (size_t i = 0; i < d->n_files; i++)
  {
    pt_free(d->files[i].ranges);
    pt_free(d->files[i].hunks);
  }
  pt_free(d->files);
  pt_arena_fini(&d->arena);
  pt_free(d);
}

/* The indexed file a diff path names: itself, or with leading folders
 * dropped (a diff from the repository root of an index of a subfolder). */
static const pt_file_record *indexed(const pt_graph *g, const char *path)
{
  for (const char *p = path; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
    const pt_file_record *f = pt_graph_find_file(g, p);
    if (f)
      return f;
  }
  return NULL;
}

static int meets(const pt_diff_file *f, uint32_t first, uint32_t last)
{
  for (size_t i = 0; i < f->n_ranges; i++)
    if (f->ranges[2 * i] <= last && f->ranges[2 * i + 1] >= first)
      return 1;
  return 0;
}

int pt_diff_entities(const pt_graph *g, pt_diff *d, uint32_t **out,
                     size_t *n_out)
{
  const pt_entity *e = pt_graph_entities(g);
  size_t n = 0, cap = 0;
  uint32_t *ids = NULL;
  for (size_t k = 0; k < d->n_files; k++) {
    pt_diff_file *f = &d->files[k];
    const pt_file_record *rec = f->status == 'D' ? NULL : indexed(g, f->path);
    f->indexed_path = rec ? rec->path : NULL;
    for (size_t i = 0; rec && i < pt_graph_n_entities(g); i++) {
      if (strcmp(e[i].file_path, rec->path) != 0 ||
          !meets(f, e[i].line_start, e[i].line_end))
        continue;
      if (pt_array_grow((void **)&ids, &cap, n + 1, sizeof *ids) != 0) {
        pt_free(ids);
        return PT_ENOMEM;
      }
      ids[n++] = (uint32_t)i;
    }
  }
  *out = ids;
  *n_out = n;
  return 0;
}
