/* Module paths by their dotted tails (resolve_int.h, "module paths"):
 * where a Rust or Java path's head (`a::b` of `use a::b::C`, written
 * "a.b") may name a module (pt__use_module_at): a folder, or a Rust
 * module's file without its extension ("src/a/b.rs" -> "src/a/b"), whose
 * path ends with the head at a segment's start, '/' read as '.'. Each
 * such module path is kept under the hash of its whole text and of each
 * tail after a '/' ("a.b" and "b" for "a/b"), so a head is looked up,
 * not matched against every folder and file of its last segment, which a
 * tree several times over has in every copy; `crate::a::b` is looked up
 * as each folder around the importing file followed by "a.b".
 *
 * Hashes only, no texts: an entry found is checked against the text
 * (pt__use_module_at), so a collision costs a test, never a miss. Arrays:
 * a first entry a bucket, and a next link, hash, owner and tail's start
 * an entry. Paths and folders are never dropped, so a patch's new path
 * only adds (resolve_upkeep.c, path_id); the buckets double when the
 * entries outgrow them. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

#define BASIS 14695981039346656037ull
#define PRIME 1099511628211ull

uint64_t pt__modpaths_start(void)
{
  return BASIS;
}

uint64_t pt__modpaths_feed(uint64_t h, const char *s, size_t n)
{
  for (size_t k = 0; k < n; k++) {
    h ^= (unsigned char)(s[k] == '/' ? '.' : s[k]);
    h *= PRIME;
  }
  return h;
}

uint32_t pt__modpaths_key(uint64_t h, int whole)
{
  h ^= whole ? 0x101u : 0x202u; /* a whole path and a tail apart */
  h *= PRIME;
  return (uint32_t)(h ^ (h >> 32));
}

/* Links entry e into its bucket. */
static void link(pt_resolver *rs, uint32_t e)
{
  uint32_t b = rs->mp_hash[e] & (uint32_t)(rs->n_mp_buckets - 1);
  rs->mp_next[e] = rs->mp_first[b];
  rs->mp_first[b] = e;
}

/* Buckets for at least n entries (a power of two, each entry relinked). */
static int buckets(pt_resolver *rs, size_t n)
{
  if (n <= rs->n_mp_buckets)
    return 0;
  size_t nb = rs->n_mp_buckets ? rs->n_mp_buckets : 256;
  while (nb < n)
    nb *= 2;
  if (nb >= NO_ID)
    return PT_ERR(PT_ENOMEM, "too many module paths to resolve");
  uint32_t *first = pt_malloc(nb * sizeof *first);
  if (!first)
    return PT_ERR(PT_ENOMEM, "out of memory");
  memset(first, 0xff, nb * sizeof *first);
  pt_free(rs->mp_first);
  rs->mp_first = first;
  rs->n_mp_buckets = nb;
  for (uint32_t e = 0; e < rs->n_mp; e++)
    link(rs, e);
  return 0;
}

/* Room for one more entry in the four arrays. */
static int room(pt_resolver *rs)
{
  if (rs->n_mp < rs->cap_mp)
    return 0;
  size_t c = rs->cap_mp ? rs->cap_mp * 2 : 256;
  if (c >= NO_ID)
    return PT_ERR(PT_ENOMEM, "too many module paths to resolve");
  uint32_t **a[4] = {&rs->mp_next, &rs->mp_hash, &rs->mp_owner, &rs->mp_at};
  for (int k = 0; k < 4; k++) {
    uint32_t *x = pt_realloc(*a[k], c * sizeof *x);
    if (!x)
      return PT_ERR(PT_ENOMEM, "out of memory"); /* cap_mp: the old room */
    *a[k] = x;
  }
  rs->cap_mp = c;
  return 0;
}

static int put(pt_resolver *rs, uint32_t hash, uint32_t owner, size_t at)
{
  int rc = room(rs);
  if (rc == 0)
    rc = buckets(rs, rs->n_mp + 1);
  if (rc == 0 && at >= NO_ID)
    rc = PT_ERR(PT_EINVAL, "a path too long to resolve");
  if (rc)
    return rc;
  uint32_t e = (uint32_t)rs->n_mp++;
  rs->mp_hash[e] = hash;
  rs->mp_owner[e] = owner;
  rs->mp_at[e] = (uint32_t)at;
  link(rs, e);
  return 0;
}

/* Module path s[0..n) of owner: under its whole text, and each tail
 * after a '/'. */
static int add(pt_resolver *rs, const char *s, size_t n, uint32_t owner)
{
  if (n == 0)
    return 0; /* the root: no head ends it */
  int rc = put(rs, pt__modpaths_key(pt__modpaths_feed(BASIS, s, n), 1),
               owner, 0);
  for (size_t j = 1; rc == 0 && j < n; j++)
    if (s[j - 1] == '/')
      rc = put(rs, pt__modpaths_key(pt__modpaths_feed(BASIS, s + j, n - j), 0),
               owner, j);
  return rc;
}

int pt__modpaths_add_path(pt_resolver *rs, uint32_t p)
{
  const char *path = rs->path_text[p];
  size_t dl = rs->path_dlen[p]; /* pt__tails_add_path's */
  uint32_t d = rs->path_dir[p];
  int rc = 0;
  if (p > NO_ID >> 1 || d > NO_ID >> 1)
    return PT_ERR(PT_ENOMEM, "too many paths to resolve");
  if (rs->dir_path[d] == p) /* the path that made its folder */
    rc = add(rs, path, dl, PT__MP_DIR(d));
  size_t ml = rs->path_rmod[p];
  if (rc == 0 && ml != dl) /* not mod.rs, lib.rs, main.rs: their folder */
    rc = add(rs, path, ml, PT__MP_FILE(p));
  return rc;
}

uint32_t pt__modpaths_first(const pt_resolver *rs, uint32_t hash)
{
  if (!rs->n_mp_buckets)
    return NO_ID;
  uint32_t e = rs->mp_first[hash & (uint32_t)(rs->n_mp_buckets - 1)];
  return e == NO_ID || rs->mp_hash[e] == hash ? e
                                              : pt__modpaths_next(rs, e, hash);
}

uint32_t pt__modpaths_next(const pt_resolver *rs, uint32_t e, uint32_t hash)
{
  for (e = rs->mp_next[e]; e != NO_ID && rs->mp_hash[e] != hash;)
    e = rs->mp_next[e];
  return e;
}

void pt__modpaths_fini(pt_resolver *rs)
{
  pt_free(rs->mp_first);
  pt_free(rs->mp_next);
  pt_free(rs->mp_hash);
  pt_free(rs->mp_owner);
  pt_free(rs->mp_at);
}
