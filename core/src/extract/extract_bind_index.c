/* The bindings of one file by name (extract_int.h): receiver lookups and
 * shadowed calls read the locals of one name and owner, or the fields of
 * one name, from here instead of scanning all of the file's bindings,
 * which made a file with many bindings and many member calls quadratic.
 * One open-addressing table holds both; its arrays stay with the
 * extractor from file to file. */
#include <stdint.h>
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"

/* A chain: the locals of one name and owner, or the fields of one name
 * (owner ignored). */
typedef struct chain_key {
  int is_field, owner;
  const char *name;         /* borrowed; any bytes */
  size_t len;
} chain_key;

static uint64_t key_hash(const chain_key *k)
{
  uint64_t owner = k->is_field ? 0x51afd7ed558ccd01ULL
                               : (uint64_t)(int64_t)k->owner;
  uint64_t h = pt_hash64(k->name, k->len) ^ (owner * 0x9e3779b97f4a7c15ULL);
  return h ^ (h >> 31);
}

/* k's name may hold any byte, so b's name is read no further than its
 * end. */
static int in_chain(const pt_binding *b, const chain_key *k)
{
  if (!b->is_field != !k->is_field || (!k->is_field && b->owner != k->owner))
    return 0;
  for (size_t i = 0; i < k->len; i++)
    if (b->name[i] == '\0' || b->name[i] != k->name[i])
      return 0;
  return b->name[k->len] == '\0';
}

/* The slot of k's chain: the one holding its first binding, or the empty
 * one where it would go. */
static size_t slot_of(const pt_xfile *f, const chain_key *k)
{
  const pt_bind_index *ix = &f->by_name;
  size_t mask = ix->n_slots - 1, at = (size_t)key_hash(k) & mask;
  while (ix->slots[at] && !in_chain(&f->binds[ix->slots[at] - 1], k))
    at = (at + 1) & mask;
  return at;
}

int pt__bind_index_build(pt_xfile *f)
{
  pt_bind_index *ix = &f->by_name;
  size_t n = 16;
  ix->n_slots = 0;
  if (f->n_binds == 0)
    return 0;
  while (n < 2 * f->n_binds)
    n *= 2;
  if (pt_array_grow((void **)&ix->slots, &ix->cap_slots, n, sizeof *ix->slots) ||
      pt_array_grow((void **)&ix->next, &ix->cap_next, f->n_binds,
                    sizeof *ix->next) ||
      pt_array_grow((void **)&ix->memo, &ix->cap_memo, f->n_binds,
                    sizeof *ix->memo))
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memset(ix->slots, 0, n * sizeof *ix->slots);
  memset(ix->memo, 0, f->n_binds * sizeof *ix->memo);
  ix->n_slots = n;
  /* from the last binding back, so each chain runs in collection order */
  for (size_t i = f->n_binds; i-- > 0;) {
    const pt_binding *b = &f->binds[i];
    chain_key k = {b->is_field, b->owner, b->name, strlen(b->name)};
    size_t at = slot_of(f, &k);
    ix->next[i] = ix->slots[at] ? ix->slots[at] - 1 : SIZE_MAX;
    ix->slots[at] = i + 1;
  }
  return 0;
}

void pt__bind_index_fini(pt_bind_index *ix)
{
  pt_free(ix->slots);
  pt_free(ix->next);
  pt_free(ix->memo);
  memset(ix, 0, sizeof *ix);
}

static size_t first(const pt_xfile *f, const chain_key *k)
{
  if (f->by_name.n_slots == 0)
    return SIZE_MAX;
  size_t at = slot_of(f, k);
  return f->by_name.slots[at] ? f->by_name.slots[at] - 1 : SIZE_MAX;
}

size_t pt__bind_first_local(const pt_xfile *f, int owner, const char *name,
                            size_t len)
{
  chain_key k = {0, owner, name, len};
  return first(f, &k);
}

size_t pt__bind_first_field(const pt_xfile *f, const char *name, size_t len)
{
  chain_key k = {1, 0, name, len};
  return first(f, &k);
}

size_t pt__bind_next(const pt_xfile *f, size_t i)
{
  return f->by_name.next[i];
}

pt_bind_memo *pt__bind_memo(const pt_xfile *f, size_t i)
{
  return &f->by_name.memo[i];
}
