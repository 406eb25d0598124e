/* The bump allocator of pt/arena.h: chunks newest first, the first of 1 KiB
 * and each next twice the last up to 64 KiB (most arenas are one small
 * file's, and live as long as a cache keeps them); oversized requests get
 * a chunk of their own. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"

struct pt_arena_chunk {
  pt_arena_chunk *next;
  size_t used;
  size_t cap;
  _Alignas(8) unsigned char data[];
};

#define CHUNK_FIRST 1024u
#define CHUNK_MIN (64u * 1024u)

void pt_arena_init(pt_arena *a)
{
  a->head = NULL;
  a->used_total = 0;
}

void pt_arena_fini(pt_arena *a)
{
  if (!a)
    return;
  pt_arena_chunk *c = a->head;
  while (c) {
    pt_arena_chunk *next = c->next;
    pt_free(c);
    c = next;
  }
  a->head = NULL;
  a->used_total = 0;
}

void *pt_arena_alloc(pt_arena *a, size_t size)
{
  size = (size + 7u) & ~(size_t)7u;
  pt_arena_chunk *c = a->head;
  if (!c || c->cap - c->used < size) {
    size_t next = !c ? CHUNK_FIRST : c->cap < CHUNK_MIN / 2 ? 2 * c->cap : CHUNK_MIN;
    size_t cap = size > next ? size : next;
    pt_arena_chunk *n = pt_malloc(sizeof *n + cap);
    if (!n)
      return NULL;
    n->used = 0;
    n->cap = cap;
    if (c && size > CHUNK_MIN) {
      /* keep filling the current chunk; the big block goes behind it */
      n->next = c->next;
      c->next = n;
    } else {
      n->next = c;
      a->head = n;
    }
    c = n;
  }
  void *p = c->data + c->used;
  c->used += size;
  a->used_total += size;
  return p;
}

char *pt_arena_strndup(pt_arena *a, const char *s, size_t len)
{
  char *p = pt_arena_alloc(a, len + 1);
  if (!p)
    return NULL;
  if (len)
    memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *pt_arena_strdup(pt_arena *a, const char *s)
{
  return pt_arena_strndup(a, s, strlen(s));
}
