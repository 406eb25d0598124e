/* Which entity's code holds each entity's (pt/model.h,
 * pt_entity_code_holders), found by where the bytes lie in memory: the
 * saves that keep a nested entity's code as a range of its holder's. */
#include <stdint.h>
#include <stdlib.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/model.h"

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

int pt_entity_code_holders(const pt_entity *(*entity)(const void *ctx,
                                                      size_t i),
                           const void *ctx, size_t n, uint32_t *holder,
                           uint32_t *at)
{
  if (n >= NONE)
    return PT_ERR(PT_EINVAL, "too many entities to place their code: %zu", n);
  size_t m = 0, top = SIZE_MAX;
  code_span *v = pt_malloc((n + 1) * sizeof *v);
  if (!v)
    return PT_ERR(PT_ENOMEM, "out of memory placing entity code");
  for (size_t i = 0; i < n; i++) {
    const pt_entity *e = entity(ctx, i);
    size_t len = pt_entity_code_len(e);
    holder[i] = NONE;
    if (len)
      v[m++] = (code_span){(uintptr_t)e->code, (uintptr_t)e->code + len,
                           (uint32_t)i};
  }
  if (m > 1)
    qsort(v, m, sizeof *v, cmp_span);
  for (size_t k = 0; k < m; k++) {
    const code_span *h = top == SIZE_MAX ? NULL : &v[top];
    if (h && v[k].to <= h->to) {
      if (pt_str_same(entity(ctx, v[k].i)->file_path,
                      entity(ctx, h->i)->file_path)) {
        holder[v[k].i] = h->i;
        at[v[k].i] = (uint32_t)(v[k].from - h->from);
      }
    } else if (!h || v[k].from >= h->to) {
      top = k; /* else it straddles the holder's end: its own */
    }
  }
  pt_free(v);
  return 0;
}
