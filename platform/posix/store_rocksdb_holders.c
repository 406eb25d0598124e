/* Format 10's nested code (store_rocksdb_int.h, pt__rocksdb_find_holders):
 * which entity's code holds each entity's, found by where the bytes lie in
 * memory, so that a save writes a nested entity's code record as a range
 * of its holder's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "store_rocksdb_int.h"

#define NONE UINT32_MAX

/* An entity's code as the addresses it spans. */
typedef struct code_span {
  uintptr_t from, to;
  uint32_t i;
} code_span;

/* By address, the longer first, then by place: a span comes after every
 * span that holds it. */
static int cmp_span(const void *pa, const void *pb)
{
  const code_span *a = pa, *b = pb;
  if (a->from != b->from)
    return a->from < b->from ? -1 : 1;
  if (a->to != b->to)
    return a->to > b->to ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

static int same_file(const pt_entity *a, const pt_entity *b)
{
  return a->file_path == b->file_path ||
         (a->file_path && b->file_path &&
          strcmp(a->file_path, b->file_path) == 0);
}

static const pt_entity *entity_at(const pt_entity *v,
                                  const pt_entity *const *refs, size_t i)
{
  return v ? &v[i] : refs[i];
}

/* Extraction (and a load) keeps a file's nested code as ranges of the
 * enclosing entity's copy: a holder is the entity of the same file whose
 * code spans the memory that another's lies in; holders are not held.
 * The bytes are the same by construction: one copy in memory. */
int pt__rocksdb_find_holders(pt__rocksdb_ids *ids, const void *entities,
                             const pt_entity *v, const pt_entity *const *refs,
                             size_t n)
{
  size_t m = 0, top = SIZE_MAX;
  code_span *s = n < NONE ? pt_malloc((n + 1) * sizeof *s) : NULL;
  uint32_t *in = s ? pt_malloc((n + 1) * sizeof *in) : NULL;
  uint32_t *at = in ? pt_malloc((n + 1) * sizeof *at) : NULL;
  int rc = 0;
  if (n >= NONE)
    rc = PT_ERR(PT_EINVAL, "rocksdb: too many entities: %zu", n);
  else if (!at)
    rc = PT_ERR(PT_ENOMEM, "out of memory placing entity code");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const pt_entity *e = entity_at(v, refs, i);
    size_t len = e->code ? pt_entity_code_len(e) : 0;
    in[i] = NONE;
    if (len)
      s[m++] = (code_span){(uintptr_t)e->code, (uintptr_t)e->code + len,
                           (uint32_t)i};
  }
  if (rc == 0 && m > 1)
    qsort(s, m, sizeof *s, cmp_span);
  for (size_t k = 0; rc == 0 && k < m; k++) {
    const code_span *h = top == SIZE_MAX ? NULL : &s[top];
    if (h && s[k].to <= h->to) {
      const pt_entity *e = entity_at(v, refs, s[k].i);
      const pt_entity *holder = entity_at(v, refs, h->i);
      uint64_t id = 0;
      if (!same_file(e, holder) || !holder->key)
        continue;
      rc = pt__rocksdb_id_of(ids, holder->key, &id);
      if (rc == 0 && id && id < NONE) { /* else its own */
        in[s[k].i] = (uint32_t)id;
        at[s[k].i] = (uint32_t)(s[k].from - h->from);
      }
    } else if (!h || s[k].from >= h->to) {
      top = k; /* else it straddles the holder's end: its own */
    }
  }
  pt_free(s);
  if (rc) {
    pt_free(in);
    pt_free(at);
    return rc;
  }
  pt__rocksdb_holders_fini(ids);
  ids->code_of = entities;
  ids->code_in = in;
  ids->code_at = at;
  return 0;
}

void pt__rocksdb_holders_fini(pt__rocksdb_ids *ids)
{
  pt_free(ids->code_in);
  pt_free(ids->code_at);
  ids->code_in = ids->code_at = NULL;
  ids->code_of = NULL;
}

int pt__rocksdb_code_of(pt__rocksdb_ids *ids, const void *entities, size_t i,
                        const pt_entity *e, pt_buf *v)
{
  if (ids && ids->code_in && ids->code_of == entities &&
      ids->code_in[i] != NONE)
    return pt__rocksdb_encode_code_in(v, ids->code_in[i], ids->code_at[i],
                                      (uint32_t)pt_entity_code_len(e));
  return pt__rocksdb_encode_code(v, e);
}
