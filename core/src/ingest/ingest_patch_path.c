/* Which changed paths the live index's patch shortcut (ingest_patch.c) can
 * take, and how: a file the index has (edited, or gone), a path that
 * changes nothing (below a folder the walk lists, or a temporary file
 * that came and went), or an entry to walk again with the walk's rules
 * (ingest_patch_region.c: a new file, one the index lists as ignored, a
 * folder, one gone, a folder new to the index, the folder of an ignore
 * file); the root, its ignore files, or a path the index cannot place is
 * a full run's business. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
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

/* Is path below a folder the ignored list has ("X/")? The walk never
 * enters it, whatever changes there. */
static int below_listed_folder(const pt_graph *prev, const char *path, size_t len)
{
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  size_t n = pt_graph_n_ignored(prev);
  for (size_t i = 0; i < n; i++) {
    const char *p = ig[i].path;
    size_t pl = strlen(p);
    if (pl > 0 && p[pl - 1] == '/' && pl < len && !memcmp(p, path, pl))
      return 1;
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
 * walked that folder. The cache's run below it is searched, not every
 * entry (17,449 paths measured by strlen at every new file on the large
 * tree). */
static int has_below(const pt_ingest_cache *c, const pt_graph *prev,
                     const char *dir, size_t dl)
{
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  const pt_ignored_file *ig = pt_graph_ignored(prev);
  if (dl == 0)
    return 1;
  for (size_t i = 0; i < pt_graph_n_ignored(prev); i++)
    if (!strncmp(ig[i].path, dir, dl) && ig[i].path[dl] == '/' && ig[i].path[dl + 1])
      return 1;
  size_t lo = pt__cache_first_below(c, dir, dl);
  return lo < n_entries && !strncmp(entries[lo].path, dir, dl) &&
         entries[lo].path[dl] == '/';
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

/* The entry to walk again for path (len bytes; a folder when is_dir):
 * path itself when its folder was walked (the root, or a folder the
 * index has something below), else the first folder new to the index on
 * its way down (the watcher may name a new folder's files, not always
 * all); 0 when there is none. */
static size_t region_of(const pt_ingest_cache *c, const pt_graph *prev,
                        const char *path, size_t len, int is_dir)
{
  size_t dl = len;
  while (dl > 0 && path[dl - 1] != '/')
    dl--;
  if (dl == 0 || has_below(c, prev, path, dl - 1))
    return len;
  pt_buf p = PT_BUF_INIT;
  size_t top = 0;
  if (pt_buf_put(&p, path, len) == 0)
    top = new_top(c, prev, p.ptr, is_dir);
  else
    pt_error_clear(); /* out of memory: a full run's */
  pt_buf_fini(&p);
  return top;
}

int pt__patch_path_kind(const pt_ingest_cache *c, const pt_graph *prev,
                        const char *root, const char *path, size_t len,
                        size_t *entry, size_t *top)
{
  size_t n_entries;
  const pt__cache_entry *entries = pt__cache_entries(c, &n_entries);
  pt_fs_stat st;
  *top = 0;
  if (pt__cache_find(c, path, len, entry)) {
    int rc = entries[*entry].r ? pt__patch_stat(root, path, &st) : PT_ERROR;
    return rc == 0 ? PT__PATCH_EDITED : rc == PT_ENOTFOUND ? PT__PATCH_GONE
                                                           : PT__PATCH_FULL;
  }
  *entry = (size_t)-1;
  if (len == 0) /* the root: every file's */
    return PT__PATCH_FULL;
  const char *name = last_name(path);
  if (!strcmp(name, ".git") && name > path) {
    /* a nested repository's mark, made or gone: its folder is walked
     * again (unless the walk does not enter a folder above it) */
    size_t fl = (size_t)(name - path - 1);
    if (below_listed_folder(prev, path, fl))
      return PT__PATCH_NOTHING;
    *top = region_of(c, prev, path, fl, 1);
    return *top ? PT__PATCH_REGION : PT__PATCH_FULL;
  }
  if (below_listed_folder(prev, path, len))
    return PT__PATCH_NOTHING;
  if (!strcmp(name, ".gitignore") || !strcmp(name, ".parseltongueignore")) {
    /* the rules of a folder act at and below it only: a folder the walk
     * walked is walked again with them (the root's: every file's, a full
     * run's); in a folder new to the index, that folder */
    size_t dl = (size_t)(name - path);
    if (dl == 0)
      return PT__PATCH_FULL;
    *top = has_below(c, prev, path, dl - 1) ? dl - 1
                                            : region_of(c, prev, path, len, 0);
    return *top ? PT__PATCH_REGION : PT__PATCH_FULL;
  }
  int rc = pt__patch_stat(root, path, &st);
  if (rc == PT_ENOTFOUND) /* came and went, or gone from a walked folder */
    return known_at_or_below(c, prev, path) ? (*top = len, PT__PATCH_REGION)
                                            : PT__PATCH_NOTHING;
  if (rc == 0)
    *top = region_of(c, prev, path, len, st.type == PT_FS_DIR);
  return *top ? PT__PATCH_REGION : PT__PATCH_FULL;
}
