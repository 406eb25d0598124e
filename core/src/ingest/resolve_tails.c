/* Files and folders by their last segment (resolve_int.h, "tails"): the
 * part of a file's path without its extension, or of its folder's path,
 * after the last '.' or '/'. A module an import names matches a file
 * (resolve_pick.c, file_matches_module) only where that file's or its
 * folder's last segment is the module's own, so the files an import names
 * are found by looking the module's last segment up, not by asking every
 * candidate's file against every import: a tree several times over gives
 * a file its imports' files in each copy, not each copy's candidates of
 * every name it refers to. One id per segment, a first path and a first
 * folder an id, and a next link a path and a folder: arrays, no map but
 * the segments'. Paths and folders are never dropped, so a patch only
 * adds (resolve_upkeep.c, path_id). */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

size_t pt__tails_start(const char *s, size_t n)
{
  while (n > 0 && s[n - 1] != '.' && s[n - 1] != '/')
    n--;
  return n;
}

/* Room for n entries in two arrays of one capacity, the new ones NO_ID. */
static int room(uint32_t **a, uint32_t **b, size_t *cap, size_t n)
{
  if (n <= *cap)
    return 0;
  size_t c = *cap ? *cap * 2 : 64;
  while (c < n)
    c *= 2;
  uint32_t *x = pt_realloc(*a, c * sizeof *x);
  if (!x)
    return PT_ERR(PT_ENOMEM, "out of memory");
  *a = x; /* the larger, even when b's fails: *cap says the old room */
  uint32_t *y = pt_realloc(*b, c * sizeof *y);
  if (!y)
    return PT_ERR(PT_ENOMEM, "out of memory");
  *b = y;
  memset(x + *cap, 0xff, (c - *cap) * sizeof *x);
  memset(y + *cap, 0xff, (c - *cap) * sizeof *y);
  *cap = c;
  return 0;
}

/* The id of segment s[0..n), made when new; its first path and folder
 * NO_ID. */
static int tail_id(pt_resolver *rs, const char *s, size_t n, uint32_t *id)
{
  int rc = pt__resolve_intern(&rs->tails, s, n, id);
  return rc ? rc
            : room(&rs->tail_path, &rs->tail_dir, &rs->cap_tails,
                   (size_t)*id + 1);
}

int pt__tails_add_path(pt_resolver *rs, uint32_t p)
{
  const char *path = rs->path_text[p];
  size_t dl = pt__path_dir_len(path);
  uint32_t d, t;
  size_t dirs_had = rs->dirs.n;
  int rc = pt__resolve_intern(&rs->dirs, path, dl, &d);
  if (rc == 0)
    rc = room(&rs->path_dir, &rs->path_tail_next, &rs->cap_path_tails,
              (size_t)p + 1);
  if (rc)
    return rc;
  rs->path_dir[p] = d;
  rc = room(&rs->path_rmod, &rs->path_dlen, &rs->cap_path_lens, (size_t)p + 1);
  if (rc)
    return rc;
  rs->path_rmod[p] = (uint32_t)pt__use_prefix_len(PT_LANG_RUST, path);
  rs->path_dlen[p] = (uint32_t)dl;
  if (d == dirs_had) { /* a new folder: this path names it */
    rc = room(&rs->dir_path, &rs->dir_tail_next, &rs->cap_dir_tails,
              (size_t)d + 1);
    size_t ks = pt__tails_start(path, dl);
    if (rc == 0 && ks < dl)
      rc = tail_id(rs, path + ks, dl - ks, &t);
    if (rc)
      return rc;
    rs->dir_path[d] = p;
    if (ks < dl) {
      rs->dir_tail_next[d] = rs->tail_dir[t];
      rs->tail_dir[t] = d;
    }
  }
  const char *dot = strrchr(pt__path_base(path), '.');
  size_t stem = dot ? (size_t)(dot - path) : strlen(path);
  size_t ks = pt__tails_start(path, stem);
  if (ks == stem)
    return 0;
  rc = tail_id(rs, path + ks, stem - ks, &t);
  if (rc)
    return rc;
  rs->path_tail_next[p] = rs->tail_path[t];
  rs->tail_path[t] = p;
  return 0;
}

uint32_t pt__tails_find(const pt_resolver *rs, const char *s, size_t n)
{
  size_t id;
  return pt_strmap_get(&rs->tails, s, n, &id) ? (uint32_t)id : NO_ID;
}

void pt__tails_fini(pt_resolver *rs)
{
  pt_strmap_fini(&rs->tails);
  pt_free(rs->tail_path);
  pt_free(rs->tail_dir);
  pt_free(rs->path_dir);
  pt_free(rs->path_tail_next);
  pt_free(rs->path_rmod);
  pt_free(rs->path_dlen);
  pt_free(rs->dir_path);
  pt_free(rs->dir_tail_next);
}
