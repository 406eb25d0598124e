/* An open-addressing hash map from pointers to size_t values: for strings
 * interned in one pool, where equal text means an equal pointer, it finds
 * the distinct strings of a large list without hashing or comparing their
 * text (the canonical sort and the query graph use it). */
#ifndef PT_PTRMAP_H
#define PT_PTRMAP_H

#include <stddef.h>

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
