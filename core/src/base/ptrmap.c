/* pt/ptrmap.h: linear probing over a power-of-two table kept at most half
 * full; the hash is the pointer's bits mixed (pt__ptrmap_hash). */
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ptrmap.h"

static pt_ptrmap_slot *find(const pt_ptrmap *m, const void *key)
{
  size_t mask = m->cap - 1;
  for (size_t i = pt__ptrmap_hash(key) & mask;; i = (i + 1) & mask)
    if (m->slots[i].key == key || !m->slots[i].key)
      return &m->slots[i];
}

static int grow(pt_ptrmap *m, size_t cap)
{
  pt_ptrmap_slot *old = m->slots;
  size_t old_cap = m->cap;
  pt_ptrmap_slot *slots = pt_calloc_written(cap, sizeof *slots); /* probed first */
  if (!slots)
    return PT_ERR(PT_ENOMEM, "out of memory");
  m->slots = slots;
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key)
      *find(m, old[i].key) = old[i];
  pt_free(old);
  return 0;
}

int pt_ptrmap_reserve(pt_ptrmap *m, size_t n)
{
  size_t cap = m->cap ? m->cap : 16;
  while (cap / 2 < n)
    cap *= 2;
  return cap == m->cap ? 0 : grow(m, cap);
}

void pt_ptrmap_fini(pt_ptrmap *m)
{
  pt_free(m->slots);
  memset(m, 0, sizeof *m);
}

int pt_ptrmap_put_new(pt_ptrmap *m, const void *key, size_t value, size_t *out)
{
  if (!key)
    return PT_ERR(PT_EINVAL, "pt_ptrmap: NULL key");
  if ((m->n + 1) * 2 > m->cap) {
    int rc = grow(m, m->cap ? m->cap * 2 : 16);
    if (rc)
      return rc;
  }
  pt_ptrmap_slot *s = find(m, key);
  if (!s->key) {
    s->key = key;
    s->value = value;
    m->n++;
  }
  *out = s->value;
  return 0;
}

int pt_ptrmap_get(const pt_ptrmap *m, const void *key, size_t *out)
{
  if (!m->cap || !key)
    return 0;
  const pt_ptrmap_slot *s = find(m, key);
  if (!s->key)
    return 0;
  *out = s->value;
  return 1;
}

void pt_ptrmap_set(pt_ptrmap *m, const void *key, size_t value)
{
  if (m->cap && key) {
    pt_ptrmap_slot *s = find(m, key);
    if (s->key)
      s->value = value;
  }
}
