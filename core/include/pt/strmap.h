/* An open-addressing hash map from strings to size_t values. Keys are
 * borrowed: they must outlive the map (they usually live in an arena). */
#ifndef PT_STRMAP_H
#define PT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* 24 bytes: a large tree's maps are a fifth of an index's peak memory. */
typedef struct pt_strmap_slot {
  const char *key;       /* borrowed; NULL = empty */
  size_t value;
  uint32_t len;          /* keys are shorter than 4 GiB (longer: PT_EINVAL) */
  uint32_t hash;         /* the low 32 bits of pt_strmap_hash(key): enough
                            to place it in up to 2^32 slots, and to hand
                            back to the _hashed calls */
} pt_strmap_slot;

typedef struct pt_strmap {
  pt_strmap_slot *slots; /* owned */
  size_t cap;            /* power of two, or 0 */
  size_t n;
} pt_strmap;

#define PT_STRMAP_INIT {NULL, 0, 0}

void pt_strmap_fini(pt_strmap *m);
/* Empties m and keeps its slots for the next keys (a map filled again and
 * again: no allocation once it is large enough). */
void pt_strmap_clear(pt_strmap *m);
/* Inserts or overwrites; PT_ENOMEM on failure, PT_EINVAL for a key of
 * 4 GiB or more (the calls that add keys all refuse it; a get finds none). */
int pt_strmap_put(pt_strmap *m, const char *key, size_t len, size_t value);
/* Stores value only when key is absent; *out gets the value in the map. */
int pt_strmap_put_new(pt_strmap *m, const char *key, size_t len, size_t value,
                      size_t *out);
/* 1 and *out when found, else 0. */
int pt_strmap_get(const pt_strmap *m, const char *key, size_t len, size_t *out);

/* Makes room for n keys in all without growing again. PT_ENOMEM. */
int pt_strmap_reserve(pt_strmap *m, size_t n);
/* The hash the map keeps of a key, for the _hashed calls: a caller that
 * looks a key up and then adds it hashes it once. */
uint64_t pt_strmap_hash(const char *key, size_t len);
int pt_strmap_get_hashed(const pt_strmap *m, const char *key, size_t len,
                         uint64_t hash, size_t *out);
int pt_strmap_put_new_hashed(pt_strmap *m, const char *key, size_t len,
                             uint64_t hash, size_t value, size_t *out);
/* Adds key with value when absent; *out points at the value the map holds
 * for key, which the caller may change (a count, an overwrite) until the
 * next key is added. One probe where a get and a put are two. PT_ENOMEM. */
int pt_strmap_value_hashed(pt_strmap *m, const char *key, size_t len,
                           uint64_t hash, size_t value, size_t **out);

#endif
