/* The string hash map of pt/strmap.h: linear probing, load factor <= 1/2.
 * A slot keeps the low 32 bits of its key's hash: a map never has more
 * than 2^32 slots, so they place a key exactly as the whole hash would. */
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/strmap.h"

void pt_strmap_fini(pt_strmap *m)
{
  if (!m)
    return;
  pt_free(m->slots);
  m->slots = NULL;
  m->cap = m->n = 0;
}

void pt_strmap_clear(pt_strmap *m)
{
  if (m->n)
    memset(m->slots, 0, m->cap * sizeof *m->slots);
  m->n = 0;
}

#define MAX_SLOTS (UINT64_C(1) << 32)

static pt_strmap_slot *find(const pt_strmap *m, const char *key, size_t len,
                            uint64_t hash)
{
  uint32_t h = (uint32_t)hash;
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    pt_strmap_slot *s = &m->slots[i];
    if (!s->key)
      return s;
    if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
      return s;
  }
}

static int too_long(size_t len)
{
  return len > UINT32_MAX
             ? PT_ERR(PT_EINVAL, "a map key of %zu bytes (at most 4 GiB)", len)
             : 0;
}

static int grow(pt_strmap *m, size_t cap)
{
  pt_strmap_slot *old = m->slots;
  size_t old_cap = m->cap;
  if ((uint64_t)cap > MAX_SLOTS)
    return PT_ERR(PT_ENOMEM, "out of memory growing a map to %zu slots", cap);
  m->slots = pt_calloc_written(cap, sizeof *m->slots); /* probed first */
  if (!m->slots) {
    m->slots = old;
    return PT_ERR(PT_ENOMEM, "out of memory growing a map to %zu slots", cap);
  }
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key)
      *find(m, old[i].key, old[i].len, old[i].hash) = old[i];
  pt_free(old);
  return 0;
}

int pt_strmap_reserve(pt_strmap *m, size_t n)
{
  size_t cap = m->cap ? m->cap : 16;
  if ((uint64_t)n > MAX_SLOTS / 2)
    return PT_ERR(PT_ENOMEM, "out of memory: a map of %zu keys", n);
  while (cap < 2 * n)
    cap *= 2;
  return cap > m->cap ? grow(m, cap) : 0;
}

uint64_t pt_strmap_hash(const char *key, size_t len)
{
  return pt_hash64(key, len);
}

int pt_strmap_value_hashed(pt_strmap *m, const char *key, size_t len,
                           uint64_t h, size_t value, size_t **out)
{
  int rc = too_long(len);
  if (rc)
    return rc;
  if ((m->n + 1) * 2 > m->cap) {
    rc = grow(m, m->cap ? m->cap * 2 : 16);
    if (rc)
      return rc;
  }
  pt_strmap_slot *s = find(m, key, len, h);
  if (!s->key) {
    s->key = key;
    s->len = (uint32_t)len;
    s->hash = (uint32_t)h;
    s->value = value;
    m->n++;
  }
  *out = &s->value;
  return 0;
}

int pt_strmap_put_new_hashed(pt_strmap *m, const char *key, size_t len,
                             uint64_t h, size_t value, size_t *out)
{
  size_t *v;
  int rc = pt_strmap_value_hashed(m, key, len, h, value, &v);
  if (rc == 0 && out)
    *out = *v;
  return rc;
}

int pt_strmap_put_new(pt_strmap *m, const char *key, size_t len, size_t value,
                      size_t *out)
{
  int rc = too_long(len);
  return rc ? rc
            : pt_strmap_put_new_hashed(m, key, len, pt_hash64(key, len), value,
                                       out);
}

int pt_strmap_put(pt_strmap *m, const char *key, size_t len, size_t value)
{
  size_t *v;
  int rc = too_long(len);
  if (rc == 0)
    rc = pt_strmap_value_hashed(m, key, len, pt_hash64(key, len), value, &v);
  if (rc == 0)
    *v = value;
  return rc;
}

int pt_strmap_get_hashed(const pt_strmap *m, const char *key, size_t len,
                         uint64_t h, size_t *out)
{
  if (!m->cap || len > UINT32_MAX)
    return 0;
  pt_strmap_slot *s = find(m, key, len, h);
  if (!s->key)
    return 0;
  if (out)
    *out = s->value;
  return 1;
}

int pt_strmap_get(const pt_strmap *m, const char *key, size_t len, size_t *out)
{
  return len <= UINT32_MAX &&
         pt_strmap_get_hashed(m, key, len, pt_hash64(key, len), out);
}
