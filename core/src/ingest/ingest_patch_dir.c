/* A folder walked again for the live index's patch shortcut
 * (ingest_patch.c), one new to the index or not: the files a fresh walk
 * (walk.c) would index in it and below it, by the walk's rules in their
 * order. The patch leaves the
 * ignored list as it is, so anything the walk would list there as ignored
 * (a file of no language, an ignore file, a link, a default exclude, a
 * nested repository, ...) or fail to read is PT_EAGAIN: a full run's.
 * With no ignore file in the new folders (one would be listed), the rules
 * that apply there are those of the folders above them. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ignore.h"
#include "pt/sys/fs.h"
#include "pt/walk.h"
#include "ingest_int.h"

/* walk.c's bound: a folder of more components is a walk error there */
#define MAX_DEPTH 256

typedef struct child {
  char *name;            /* owned, pt_malloc */
  pt_fs_type type;
} child;

typedef struct listing {
  child *v;              /* owned, pt_malloc */
  size_t n, cap;
} listing;

typedef struct new_walk {
  const pt_ingest_opts *o;  /* borrowed */
  const char *root;         /* borrowed */
  uint64_t max_size;
  pt_ignore_stack rules;    /* the folders' above the new one */
  pt_buf rel;               /* root-relative path of the current entry */
  pt_buf full;              /* root/rel */
  pt__paths *out;           /* borrowed */
} new_walk;

void pt__paths_fini(pt__paths *p)
{
  for (size_t i = 0; i < p->n; i++)
    pt_free(p->v[i]);
  pt_free(p->v);
  memset(p, 0, sizeof *p);
}

static int collect(const char *name, pt_fs_type type, void *payload)
{
  listing *l = payload;
  int rc = pt_array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
  char *copy = rc ? NULL : pt_strdup(name);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory listing a folder");
  if (rc == 0) {
    l->v[l->n].name = copy;
    l->v[l->n++].type = type;
  }
  return rc;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(((const child *)a)->name, ((const child *)b)->name);
}

static void listing_fini(listing *l)
{
  for (size_t i = 0; i < l->n; i++)
    pt_free(l->v[i].name);
  pt_free(l->v);
}

static const char *last_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* The walk's first rules for the entry at w->rel, named name: skipped
 * (by name, to be safe: the skip paths are as typed), a default exclude,
 * an ignore rule. Any of them: PT_EAGAIN (it is listed, or not even
 * that, where the patch cannot tell). */
static int passes(const new_walk *w, const char *name, int is_dir)
{
  for (size_t i = 0; i < w->o->n_skip; i++)
    if (!strcmp(last_name(w->o->skip[i]), name))
      return 0;
  return !pt_walk_is_default_excluded(name, is_dir) &&
         !pt_ignore_stack_check(&w->rules, w->rel.ptr, is_dir);
}

static int add_path(new_walk *w)
{
  pt__paths *p = w->out;
  int rc = pt_array_grow((void **)&p->v, &p->cap, p->n + 1, sizeof *p->v);
  char *copy = rc ? NULL : pt_strdup(w->rel.ptr);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    p->v[p->n++] = copy;
  return rc;
}

/* A regular file at w->rel: indexed when of a language and within the
 * size limit, else listed (PT_EAGAIN). */
static int visit_file(new_walk *w)
{
  pt_grammar g;
  pt_fs_stat st;
  if (!pt_grammar_for_path(w->rel.ptr, NULL, 0, &g) ||
      pt_fs_stat_path(w->full.ptr, &st) != 0 || st.type != PT_FS_FILE ||
      st.size > w->max_size) {
    pt_error_clear();
    return PT_EAGAIN;
  }
  return add_path(w);
}

static int visit_dir(new_walk *w, int depth);

/* The entry name of the folder at w->rel (w->full), by the walk's rules. */
static int visit(new_walk *w, const child *e, int depth)
{
  size_t rel_mark = w->rel.len, full_mark = w->full.len;
  int rc = pt_buf_printf(&w->rel, "/%s", e->name);
  if (rc == 0)
    rc = pt_buf_printf(&w->full, "/%s", e->name);
  if (rc == 0 && !passes(w, e->name, e->type == PT_FS_DIR))
    rc = PT_EAGAIN;
  if (rc == 0)
    rc = e->type == PT_FS_DIR    ? visit_dir(w, depth + 1)
         : e->type == PT_FS_FILE ? visit_file(w)
                                 : PT_EAGAIN; /* a link, a device: listed */
  w->rel.len = rel_mark;
  w->rel.ptr[rel_mark] = '\0';
  w->full.len = full_mark;
  w->full.ptr[full_mark] = '\0';
  return rc;
}

/* The folder at w->rel (depth components), which passed the rules. */
static int visit_dir(new_walk *w, int depth)
{
  listing l = {NULL, 0, 0};
  int rc = depth > MAX_DEPTH ? PT_EAGAIN : pt_fs_list_dir(w->full.ptr, collect, &l);
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* a walk error: the full run reports it */
    rc = PT_EAGAIN;
  }
  if (rc == 0 && l.n > 1)
    qsort(l.v, l.n, sizeof *l.v, by_name);
  /* a nested repository is listed; an ignore file is of no language */
  for (size_t i = 0; rc == 0 && i < l.n; i++)
    rc = strcmp(l.v[i].name, ".git") ? visit(w, &l.v[i], depth) : PT_EAGAIN;
  listing_fini(&l);
  return rc;
}

static int by_path(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int pt__patch_folder_files(const pt_ingest_opts *o, const char *root,
                           const char *top, size_t top_len, pt__paths *out)
{
  new_walk w = {o, root, o->max_file_size ? o->max_file_size
                                          : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                PT_IGNORE_STACK_INIT, PT_BUF_INIT, PT_BUF_INIT, out};
  size_t had = out->n;
  int depth = 1;
  int rc = pt_buf_put(&w.rel, top, top_len);
  if (rc == 0)
    rc = pt_buf_printf(&w.full, "%s/%s", root, w.rel.ptr);
  for (size_t i = 0; i < top_len; i++)
    depth += top[i] == '/';
  if (rc == 0)
    rc = pt__patch_ignore_rules(root, w.rel.ptr, &w.rules);
  pt_fs_stat st;
  int src = rc == 0 ? pt_fs_stat_path(w.full.ptr, &st) : 0;
  int gone = src == PT_ENOTFOUND;
  pt_error_clear();
  if (rc == 0 && !gone &&
      (src || st.type != PT_FS_DIR || !passes(&w, last_name(w.rel.ptr), 1)))
    rc = PT_EAGAIN;
  if (rc == 0 && !gone)
    rc = visit_dir(&w, depth);
  if (rc == 0 && out->n - had > 1)
    qsort(out->v + had, out->n - had, sizeof *out->v, by_path);
  if (rc != 0 && rc != PT_ENOMEM)
    pt_error_clear();
  while (rc != 0 && out->n > had)
    pt_free(out->v[--out->n]);
  pt_ignore_stack_fini(&w.rules);
  pt_buf_fini(&w.rel);
  pt_buf_fini(&w.full);
  return rc;
}
