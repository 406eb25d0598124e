/* An open-addressing hash map from pointers to size_t values: for strings
 * interned in one pool, where equal text means an equal pointer, it finds
 * the distinct strings of a large list without hashing or comparing their
 * text (the canonical sort and the query graph use it). */
#ifndef PT_PTRMAP_H
#define PT_PTRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pt/compat.h"

typedef struct pt_ptrmap_slot {
  const void *key;       /* NULL = empty */
  size_t value;
} pt_ptrmap_slot;

typedef struct pt_ptrmap {
  pt_ptrmap_slot *slots; /* owned */
  size_t cap;            /* power of two, or 0 */
  size_t n;
} pt_ptrmap;

#define PT_PTRMAP_INIT {NULL, 0, 0}

/* The slot a key's probe starts at: the pointer's bits mixed (Stafford's
 * mix13) under the table's mask. */
static inline size_t pt__ptrmap_hash(const void *p)
{
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return (size_t)x;
}

/* Asks for the slot key's lookup starts at, for a lookup a few keys
 * later: a large map's slots are cache misses. No effect on the map. */
static inline void pt_ptrmap_prefetch(const pt_ptrmap *m, const void *key)
{
  if (m->cap && key)
    PT_PREFETCH(&m->slots[pt__ptrmap_hash(key) & (m->cap - 1)]);
}

/* Makes room for n keys without growing again. */
int pt_ptrmap_reserve(pt_ptrmap *m, size_t n);
void pt_ptrmap_fini(pt_ptrmap *m);
/* Stores value only when key (not NULL) is absent; *out gets the value in
 * the map. PT_ENOMEM when it cannot grow. */
int pt_ptrmap_put_new(pt_ptrmap *m, const void *key, size_t value, size_t *out);
/* 1 and *out when found, else 0. */
int pt_ptrmap_get(const pt_ptrmap *m, const void *key, size_t *out);
/* Overwrites the value of a key that is in the map. */
void pt_ptrmap_set(pt_ptrmap *m, const void *key, size_t value);

#endif
