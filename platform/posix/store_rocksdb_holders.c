/* Format 10's nested code (store_rocksdb_int.h, pt__rocksdb_find_holders):
 * which entity's code holds each entity's, found by where the bytes lie in
 * memory, so that a save writes a nested entity's code record as a range
 * of its holder's. */
#include <stdint.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "store_rocksdb_int.h"

#define NONE UINT32_MAX

/* The entities a save writes: an array, or pointers to them. */
typedef struct entity_list {
  const pt_entity *v;
  const pt_entity *const *refs;
} entity_list;

static const pt_entity *entity_at(const void *ctx, size_t i)
{
  const entity_list *l = ctx;
  return l->v ? &l->v[i] : l->refs[i];
}

/* A holder is named by its key's id (pt_entity_code_holders finds it by
 * place); a holder whose key has no id keeps its nested entities' code
 * their own. */
int pt__rocksdb_find_holders(pt__rocksdb_ids *ids, const void *entities,
                             const pt_entity *v, const pt_entity *const *refs,
                             size_t n)
{
  entity_list l = {v, refs};
  uint32_t *in = n < NONE ? pt_malloc((n + 1) * sizeof *in) : NULL;
  uint32_t *at = in ? pt_malloc((n + 1) * sizeof *at) : NULL;
  int rc = n >= NONE ? PT_ERR(PT_EINVAL, "rocksdb: too many entities: %zu", n)
           : !at     ? PT_ERR(PT_ENOMEM, "out of memory placing entity code")
                     : pt_entity_code_holders(entity_at, &l, n, in, at);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (in[i] == NONE)
      continue;
    const pt_entity *holder = entity_at(&l, in[i]);
    uint64_t id = 0;
    if (holder->key)
      rc = pt__rocksdb_id_of(ids, holder->key, &id);
    in[i] = rc == 0 && id && id < NONE ? (uint32_t)id : NONE; /* else its own */
  }
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
