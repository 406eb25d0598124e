/* A bump allocator: many small allocations released in one call. Used for
 * per-file parse results and for the strings of a graph. */
#ifndef PT_ARENA_H
#define PT_ARENA_H

#include <stddef.h>

typedef struct pt_arena_chunk pt_arena_chunk;
typedef struct pt_arena {
  pt_arena_chunk *head;  /* owned: newest chunk first */
  size_t used_total;     /* bytes handed out, for statistics */
} pt_arena;

#define PT_ARENA_INIT {NULL, 0}

void pt_arena_init(pt_arena *a);
void pt_arena_fini(pt_arena *a);
/* Returns 8-byte aligned memory, or NULL when out of memory. */
void *pt_arena_alloc(pt_arena *a, size_t size);
/* Copies len bytes and appends a NUL; NULL when out of memory. */
char *pt_arena_strndup(pt_arena *a, const char *s, size_t len);
char *pt_arena_strdup(pt_arena *a, const char *s);

#endif
