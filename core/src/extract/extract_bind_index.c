/* The bindings of one file by name (extract_int.h): receiver lookups and
 * shadowed calls read the locals of one name and owner, or the fields of
 * one name, from here instead of scanning all of the file's bindings,
 * which made a file with many bindings and many member calls quadratic. */
#include <stdint.h>
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"

static uint64_t local_hash(int owner, const char *name, size_t len)
{
  uint64_t h = pt_hash64(name, len) ^ ((uint64_t)(int64_t)owner *
                                       0x9e3779b97f4a7c15ULL);
  return h ^ (h >> 31);
}

/* name[0..len) may hold any byte, so b's name is read no further than
 * its end. */
static int is_local(const pt_binding *b, int owner, const char *name,
                    size_t len)
{
  if (b->owner != owner)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (b->name[i] == '\0' || b->name[i] != name[i])
      return 0;
  return b->name[len] == '\0';
}

/* The slot of the locals named name[0..len) of owner: the one that holds
 * them, or the empty one where they would go. */
static size_t local_slot(const pt_xfile *f, int owner, const char *name,
                         size_t len)
{
  const pt_bind_index *ix = &f->by_name;
  size_t mask = ix->n_slots - 1;
  size_t at = (size_t)local_hash(owner, name, len) & mask;
  while (ix->locals[at] &&
         !is_local(&f->binds[ix->locals[at] - 1], owner, name, len))
    at = (at + 1) & mask;
  return at;
}

int pt__bind_index_build(pt_xfile *f)
{
  pt_bind_index *ix = &f->by_name;
  if (f->n_binds == 0)
    return 0;
  ix->n_slots = 16;
  while (ix->n_slots < 2 * f->n_binds)
    ix->n_slots *= 2;
  ix->locals = pt_calloc(ix->n_slots, sizeof *ix->locals);
  ix->next = pt_malloc(f->n_binds * sizeof *ix->next);
  if (!ix->locals || !ix->next)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  /* from the last binding back, so each chain runs in collection order */
  for (size_t i = f->n_binds; i-- > 0;) {
    const pt_binding *b = &f->binds[i];
    size_t len = strlen(b->name), head = SIZE_MAX;
    if (b->is_field) {
      pt_strmap_get(&ix->fields, b->name, len, &head);
      if (pt_strmap_put(&ix->fields, b->name, len, i))
        return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    } else {
      size_t at = local_slot(f, b->owner, b->name, len);
      head = ix->locals[at] ? ix->locals[at] - 1 : SIZE_MAX;
      ix->locals[at] = i + 1;
    }
    ix->next[i] = head;
  }
  return 0;
}

void pt__bind_index_fini(pt_xfile *f)
{
  pt_free(f->by_name.locals);
  pt_strmap_fini(&f->by_name.fields);
  pt_free(f->by_name.next);
  memset(&f->by_name, 0, sizeof f->by_name);
}

size_t pt__bind_first_local(const pt_xfile *f, int owner, const char *name,
                            size_t len)
{
  if (!f->by_name.next)
    return SIZE_MAX;
  size_t at = local_slot(f, owner, name, len);
  return f->by_name.locals[at] ? f->by_name.locals[at] - 1 : SIZE_MAX;
}

size_t pt__bind_first_field(const pt_xfile *f, const char *name, size_t len)
{
  size_t head = SIZE_MAX;
  if (f->by_name.next)
    pt_strmap_get(&f->by_name.fields, name, len, &head);
  return head;
}

size_t pt__bind_next(const pt_xfile *f, size_t i)
{
  return f->by_name.next[i];
}
