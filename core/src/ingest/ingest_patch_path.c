/* Which changed paths the live index's patch shortcut (ingest_patch.c) can
 * take, and how: a file the index has (edited, or gone), a path that
 * changes nothing (ignored anyway, or a temporary file that came and
 * went), a new file that a fresh walk (walk.c) would index exactly as
 * it is, or a path in a folder new to the index (ingest_patch_dir.c);
 * anything else is a full run's business. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ignore.h"
#include "pt/sys/fs.h"
#include "ingest_int.h"

/* lstat of root/path: 0, PT_ENOTFOUND, or another error (cleared). */
int pt__patch_stat(const char *root, const char *path, pt_fs_stat *st)
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

static const char *last_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Does a change at path leave the graph as it is? It does when the index
 * leaves the path out by name (ignored, or below an ignored folder) and it
 * is no ignore-rules file. "binary", "too_large", "unreadable" and
 * "parse_budget" may change with the contents, so those do not count. */
static int ignored_anyway(const pt_graph *prev, const char *root, const char *path)
{
  const char *base = last_name(path);
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
        !strcmp(why, "unreadable") || !strcmp(why, "parse_budget"))
      continue;
    if (below)
      return 1;
    /* the ignored file itself: a change to it changes nothing, but its
     * going takes it off the ignored list */
    pt_fs_stat st;
    return pt__patch_stat(root, path, &st) == 0;
  }
  return 0;
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

/* Is there an entry of the index, or of its ignored list, strictly below
 * the folder dir (dl bytes, no '/' at its end; 0: the root)? A file the
 * walk indexed or listed there, or a folder it listed there, means it
 * walked that folder. The entries are sorted by path (walk.c): those
 * below the folder are the run from the first not before "dir/" (17,449
 * paths measured by strlen at every new file on the large tree). */
static int has_below(const pt_ingest_cache *c, const pt_graph *prev,
                     const char *dir, size_t dl)
{
  size_t n_entries, lo = 0, hi;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  if (dl == 0)
    return 1;
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++)
    if (!strncmp(ig[i].path, dir, dl) && ig[i].path[dl] == '/' && ig[i].path[dl + 1])
      return 1;
  for (hi = n_entries; lo < hi;) {
    size_t mid = lo + (hi - lo) / 2, k = 0;
    const char *p = entries[mid].path;
    while (k < dl && p[k] == dir[k])
      k++;
    int cmp = k < dl ? (unsigned char)p[k] - (unsigned char)dir[k]
                     : (unsigned char)p[dl] - (unsigned char)'/';
    if (cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n_entries && !strncmp(entries[lo].path, dir, dl) &&
         entries[lo].path[dl] == '/';
}

/* Is path, or a folder above it, an entry of the ignored list? */
static int listed_ignored(const pt_graph *prev, const char *path)
{
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++) {
    const char *p = ig[i].path;
    size_t pl = strlen(p);
    if (!strcmp(p, path) || (pl && p[pl - 1] == '/' && at_or_below(path, p, pl - 1)))
      return 1;
  }
  return 0;
}

/* Was the folder of path walked (the root, or a folder the index has
 * something below), and is path no entry of the ignored list? Then every
 * folder above it passed the walk's rules. */
static int in_walked_folder(const pt_ingest_cache *c, const pt_graph *prev,
                            const char *path)
{
  size_t dl = (size_t)(last_name(path) - path);
  return !listed_ignored(prev, path) && has_below(c, prev, path, dl ? dl - 1 : 0);
}

/* The rules of root's ignore files and of every folder's above path, as
 * the walk has them when it reaches path, pushed on s. */
int pt__patch_ignore_rules(const char *root, const char *path, pt_ignore_stack *s)
{
  pt_buf base = PT_BUF_INIT, full = PT_BUF_INIT, git = PT_BUF_INIT, pt = PT_BUF_INIT;
  int rc = 0;
  for (const char *p = path; rc == 0 && p;) {
    pt_fs_stat st;
    int has_git = 0, has_pt = 0;
    static const char *const names[2] = {".gitignore", ".parseltongueignore"};
    pt_buf *texts[2] = {&git, &pt};
    int *has[2] = {&has_git, &has_pt};
    for (int k = 0; rc == 0 && k < 2; k++) {
      pt_buf_clear(&full);
      pt_buf_clear(texts[k]);
      rc = pt_buf_printf(&full, "%s/%s%s", root, base.ptr ? base.ptr : "", names[k]);
      if (rc == 0 && pt_fs_stat_path(full.ptr, &st) == 0 && st.type == PT_FS_FILE)
        rc = pt_fs_read_file(full.ptr, texts[k]) == 0 ? (*has[k] = 1, 0) : PT_EAGAIN;
      pt_error_clear();
    }
    if (rc == 0 && (has_git || has_pt))
      rc = pt_ignore_stack_push(s, base.ptr ? base.ptr : "",
                                has_git ? pt_buf_cstr(&git) : NULL, git.len,
                                has_pt ? pt_buf_cstr(&pt) : NULL, pt.len);
    const char *slash = strchr(p, '/');
    if (rc == 0 && slash)
      rc = pt_buf_put(&base, p, (size_t)(slash - p + 1));
    p = slash ? slash + 1 : NULL;
  }
  pt_buf_fini(&base);
  pt_buf_fini(&full);
  pt_buf_fini(&git);
  pt_buf_fini(&pt);
  return rc;
}

/* The ignore rules of root and of every folder above path, as the walk
 * would have them when it reaches path; *out gets the verdict. */
static int ignore_verdict(const char *root, const char *path, const char **out)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  int rc = pt__patch_ignore_rules(root, path, &s);
  *out = rc == 0 ? pt_ignore_stack_check(&s, path, 0) : NULL;
  pt_ignore_stack_fini(&s);
  return rc;
}

/* A new folder at or above path (a file, or a folder when is_dir): the
 * length of the first folder on the way down that the index has nothing
 * at or below, when the walk walked the folder it is in; else 0. */
static size_t new_top(const pt_ingest_cache *c, const pt_graph *prev,
                      const char *path, int is_dir)
{
  size_t len = strlen(path), parent = 0;
  for (size_t end = 0; end <= len; end++) {
    if (end < len ? path[end] != '/' : !is_dir)
      continue;
    pt_buf top = PT_BUF_INIT;
    int known = 1, walked = has_below(c, prev, path, parent);
    if (pt_buf_put(&top, path, end) == 0)
      known = known_at_or_below(c, prev, top.ptr);
    else
      pt_error_clear(); /* out of memory: a full run's */
    pt_buf_fini(&top);
    if (!known)
      return walked ? end : 0;
    parent = end;
  }
  return 0;
}

/* Would a fresh walk index path, a file the index has not got, as a file
 * of a language? Every rule of walk.c, in its order: skipped paths (by
 * name, to be safe), default excludes, ignore rules, links, the size. */
static int walk_takes(const pt_ingest_opts *o, const pt_ingest_cache *c,
                      const pt_graph *prev, const char *root, const char *path,
                      uint64_t max_size)
{
  const char *name = last_name(path);
  pt_fs_stat st;
  pt_grammar g;
  const char *why = NULL;
  if (!in_walked_folder(c, prev, path) || pt_walk_is_default_excluded(name, 0))
    return 0;
  for (size_t i = 0; i < o->n_skip; i++)
    if (!strcmp(last_name(o->skip[i]), name))
      return 0;
  if (ignore_verdict(root, path, &why) != 0 || why) {
    pt_error_clear();
    return 0;
  }
  return pt_grammar_for_path(path, NULL, 0, &g) &&
         pt__patch_stat(root, path, &st) == 0 && st.type == PT_FS_FILE &&
         st.size <= max_size;
}

/* Is there an entry of the ignored list at or below path? */
static int ignored_at_or_below(const pt_graph *prev, const char *path)
{
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  size_t len = strlen(path);
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++)
    if (at_or_below(ig[i].path, path, len))
      return 1;
  return 0;
}

int pt__patch_path_kind(const pt_ingest_opts *o, const pt_ingest_cache *c,
                        const pt_graph *prev, const char *root,
                        const char *path, size_t len, size_t *entry,
                        size_t *top)
{
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  uint64_t max = o->max_file_size ? o->max_file_size : PT_INGEST_DEFAULT_MAX_FILE_SIZE;
  pt_fs_stat st;
  *top = 0;
  if (pt__cache_find(c, path, len, entry) && entries[*entry].r) {
    int rc = pt__patch_stat(root, path, &st);
    return rc == 0 ? PT__PATCH_EDITED : rc == PT_ENOTFOUND ? PT__PATCH_GONE
                                                           : PT__PATCH_FULL;
  }
  *entry = (size_t)-1;
  if (ignored_anyway(prev, root, path))
    return PT__PATCH_NOTHING;
  int rc = pt__patch_stat(root, path, &st);
  if (rc == PT_ENOTFOUND) {
    /* a folder of files gone (none of them listed as ignored) */
    if (len && !ignored_at_or_below(prev, path) && has_below(c, prev, path, len))
      return (*top = len), PT__PATCH_FOLDER;
    return known_at_or_below(c, prev, path) ? PT__PATCH_FULL : PT__PATCH_NOTHING;
  }
  /* a folder the walk walks, there before or not, or the first folder
   * new to the index on the way down to path */
  if (rc == 0 && len && st.type == PT_FS_DIR && in_walked_folder(c, prev, path))
    *top = len;
  else if (rc == 0 && (st.type == PT_FS_DIR || !in_walked_folder(c, prev, path)))
    *top = new_top(c, prev, path, st.type == PT_FS_DIR);
  if (*top)
    return PT__PATCH_FOLDER;
  return walk_takes(o, c, prev, root, path, max) ? PT__PATCH_NEW : PT__PATCH_FULL;
}
