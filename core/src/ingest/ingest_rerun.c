/* What changed in a tree since a stored index of it was made
 * (pt_ingest_diff, pt/ingest.h), for a re-run of pt01: the walk against
 * the stored file records, ignored files and metadata alone. Nothing is
 * parsed; a file is read only when its size on disk or mtime is not the
 * recorded one (its text, decoded as extraction decodes it, and content
 * hash decide), or when the index had left it out as binary. Then the run
 * itself (pt_ingest_rerun): the changes patched into the stored graph as
 * the live index patches, or a whole run with the seeded cache. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/ingest.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "pt/walk.h"
#include "ingest_int.h"

/* Appends a copy of path to one of the delta's lists. */
static int note(pt_ingest_delta *d, const char ***list, size_t *n,
                size_t *cap, const char *path)
{
  const char *copy = pt_arena_strdup(&d->arena, path);
  int rc = copy ? pt_array_grow((void **)list, cap, *n + 1, sizeof **list)
                : PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    (*list)[(*n)++] = copy;
  return rc;
}

/* Is root/path still a binary file, as the index found it? */
static int still_binary(const char *root, const char *path)
{
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  int is = pt_buf_printf(&full, "%s/%s", root, path) == 0 &&
           pt_fs_read_file(full.ptr, &src) == 0 &&
           pt__ingest_is_binary(src.ptr, src.len);
  pt_error_clear(); /* unreadable now: a whole run reports it */
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  return is;
}

static int is_read_time(const char *reason)
{
  return reason && strcmp(reason, "binary") == 0;
}

/* The walk's ignored entries against the stored ones, both by path. The
 * stored list also holds the files found binary when read: those are
 * walk files, checked with the files. */
static int same_ignored(const pt_walk_result *w, const pt_graph *g)
{
  const pt_ignored_file *s = pt_graph_ignored(g);
  size_t ns = pt_graph_n_ignored(g), i = 0, j = 0;
  while (i < w->n_ignored || j < ns) {
    if (j < ns && is_read_time(s[j].reason)) {
      j++;
      continue;
    }
    if (i == w->n_ignored || j == ns ||
        strcmp(w->ignored[i].path, s[j].path) != 0 ||
        strcmp(w->ignored[i].reason ? w->ignored[i].reason : "",
               s[j].reason ? s[j].reason : "") != 0)
      return 0;
    i++;
    j++;
  }
  return 1;
}

/* A walk file the index has no record of: left out as binary (and still
 * binary: unchanged), else new (or one that failed before). */
static int without_record(pt_ingest_delta *d, const pt_walk_result *w,
                          const pt_graph *g, const char *path, size_t *cap)
{
  const pt_ignored_file *s = pt_graph_ignored(g);
  size_t lo = 0, hi = pt_graph_n_ignored(g);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s[mid].path, path);
    if (c == 0) {
      if (is_read_time(s[mid].reason) && still_binary(w->root_abs, path))
        return 0;
      break;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return note(d, &d->added, &d->n_added, cap, path);
}

static int compare_files(pt_ingest_delta *d, const pt_walk_result *w,
                         const pt_graph *g)
{
  const pt_file_record *f = pt_graph_files(g);
  size_t nf = pt_graph_n_files(g), i = 0, j = 0;
  size_t cap_c = 0, cap_a = 0, cap_r = 0;
  int rc = 0;
  while (rc == 0 && (i < w->n_files || j < nf)) {
    int c = i == w->n_files ? 1
            : j == nf       ? -1
                            : strcmp(w->files[i].path, f[j].path);
    if (c < 0) {
      rc = without_record(d, w, g, w->files[i++].path, &cap_a);
      continue;
    }
    if (c > 0) {
      rc = note(d, &d->removed, &d->n_removed, &cap_r, f[j++].path);
      continue;
    }
    const pt_walk_file *wf = &w->files[i++];
    const pt_file_record *r = &f[j++];
    /* the record's size is of the text as decoded; its reuse record has
     * the size on disk, which the walk sees */
    int same = wf->size == pt__reuse_disk_size(r) && wf->mtime_ns == r->mtime_ns;
    if (!same) {
      d->n_hashed++;
      same = pt__reuse_same_content(w->root_abs, wf->path, r->content_hash);
    }
    if (!same)
      rc = note(d, &d->changed, &d->n_changed, &cap_c, wf->path);
  }
  return rc;
}

/* Why nothing short of a whole run can tell what a fresh index would
 * make, or NULL. */
static const char *why_whole(const pt_walk_result *w, const pt_graph *g)
{
  const char *root = pt_graph_meta(g, "root");
  if (!root || strcmp(root, w->root_abs) != 0)
    return "the stored index is of another folder";
  if (pt_graph_n_meta(g) != 1)
    return "the stored index has metadata this version does not write";
  if (w->n_errors)
    return "some folders cannot be read";
  const pt_file_record *f = pt_graph_files(g);
  for (size_t i = 0; i < pt_graph_n_files(g); i++)
    if (f[i].mtime_ns == 0)
      return "the stored index was made by an older version";
  for (size_t i = 0; i < pt_graph_n_files(g); i++)
    if (f[i].reuse && !pt__reuse_is_current(&f[i]))
      return "the stored index was made by another version of the extractor";
  return NULL;
}

/* The walk of a diff, on a thread of its own beside the records' load. */
typedef struct walking {
  pt_walk_opts wo;
  pt_walk_result *w;
  uint64_t ns;               /* how long it took */
  int rc;                    /* pt_walk's, its error in err */
  pt_error err;
} walking;

static void walk_tree(void *payload)
{
  walking *k = payload;
  uint64_t t0 = pt_clock_ns();
  k->rc = pt_walk(&k->wo, &k->w);
  if (k->rc)
    k->err = *pt_error_last();
  k->ns = pt_clock_ns() - t0;
}

int pt_ingest_diff_loading(const pt_ingest_opts *o, int (*load)(void *payload),
                           void *payload, const pt_graph *stored,
                           pt_ingest_delta *out)
{
  walking k = {{o->root, o->max_file_size ? o->max_file_size
                                          : PT_INGEST_DEFAULT_MAX_FILE_SIZE,
                o->skip, o->n_skip}, NULL, 0, 0, {0}};
  pt_thread *th = NULL;
  memset(out, 0, sizeof *out);
  pt_arena_init(&out->arena);
  if (load && pt_thread_start(walk_tree, &k, &th) != 0) {
    pt_error_clear(); /* the walk after the load */
    th = NULL;
  }
  int rc = load ? load(payload) : 0;
  if (th) {
    pt_thread_join(th);
  } else if (rc == 0) {
    walk_tree(&k);
  }
  if (rc == 0 && k.rc)
    rc = pt__error_set(k.err.code, k.err.file, k.err.line, "%s", k.err.message);
  uint64_t t0 = pt_clock_ns();
  out->walk_ns = k.ns;
  if (rc == 0) {
    out->n_files = k.w->n_files;
    out->why_whole = why_whole(k.w, stored);
    out->ignored_changed = !same_ignored(k.w, stored);
  }
  if (rc == 0 && !out->why_whole)
    rc = compare_files(out, k.w, stored);
  out->compare_ns = pt_clock_ns() - t0;
  pt_walk_result_free(k.w);
  if (rc)
    pt_ingest_delta_fini(out);
  return rc;
}

int pt_ingest_diff(const pt_ingest_opts *o, const pt_graph *stored,
                   pt_ingest_delta *out)
{
  return pt_ingest_diff_loading(o, NULL, NULL, stored, out);
}

int pt_ingest_delta_is_empty(const pt_ingest_delta *d)
{
  return !d->why_whole && !d->ignored_changed && !d->n_changed &&
         !d->n_added && !d->n_removed;
}

void pt_ingest_delta_fini(pt_ingest_delta *d)
{
  if (!d)
    return;
  pt_free(d->changed);
  pt_free(d->added);
  pt_free(d->removed);
  pt_arena_fini(&d->arena);
  memset(d, 0, sizeof *d);
}

/* ---- the run ------------------------------------------------------------ */

/* Marks every path of the delta for the patch. */
static int mark(pt_ingest_cache *c, const pt_ingest_delta *d)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < d->n_changed; i++)
    rc = pt_ingest_cache_mark_dirty(c, d->changed[i]);
  for (size_t i = 0; rc == 0 && i < d->n_added; i++)
    rc = pt_ingest_cache_mark_dirty(c, d->added[i]);
  for (size_t i = 0; rc == 0 && i < d->n_removed; i++)
    rc = pt_ingest_cache_mark_dirty(c, d->removed[i]);
  return rc;
}

/* The patched graph's figures as a whole run gives them: every file is
 * processed, and those not parsed again were reused. */
static void whole_run_figures(const pt_graph *g, size_t n_parsed,
                              pt_ingest_stats *st)
{
  const pt_file_record *f = pt_graph_files(g);
  st->total_files = st->processed_files = pt_graph_n_files(g);
  st->reused_files = st->total_files - n_parsed;
  st->bytes = 0;
  for (size_t i = 0; i < st->total_files; i++)
    st->bytes += f[i].size;
  pt__ingest_count(g, st);
}

/* The patch: the resolver made from the seeded results (what each file
 * reads recorded only where the delta can change it: ingest_rerun_seed.c),
 * then the delta's files patched into stored. PT_EAGAIN when it does not
 * apply. */
static int patch(const pt_ingest_opts *o, const pt_graph *stored,
                 const pt_ingest_delta *d, pt_graph **out, pt_ingest_stats *st)
{
  pt_ingest_cache *c = o->cache;
  uint64_t t0 = pt_clock_ns();
  if (d->why_whole || d->ignored_changed || !c)
    return PT_EAGAIN;
  int rc = pt__rerun_seed(o, c, stored, d);
  uint64_t seed_ns = pt_clock_ns() - t0;
  if (rc == 0)
    rc = mark(c, d);
  if (rc == 0)
    rc = pt_ingest_patch(o, stored, out, st);
  if (rc == 0 && !*out)
    rc = PT_EAGAIN; /* nothing to patch: not what the delta said */
  if (rc == 0) {
    whole_run_figures(*out, st->processed_files, st);
    st->resolve_ns += seed_ns;
  }
  return rc;
}

int pt_ingest_rerun(const pt_ingest_opts *o, const pt_graph *stored,
                    const pt_ingest_delta *d, pt_graph **out,
                    pt_ingest_stats *st)
{
  *out = NULL;
  memset(st, 0, sizeof *st);
  int rc = patch(o, stored, d, out, st);
  if (rc != PT_EAGAIN)
    return rc;
  pt_error_clear();
  pt_graph_free(*out);
  *out = NULL;
  memset(st, 0, sizeof *st);
  /* the changed files are parsed again, the rest reused */
  rc = o->cache ? mark(o->cache, d) : 0;
  return rc ? rc : pt_ingest(o, out, st);
}
