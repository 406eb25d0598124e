/* All heap memory of the project goes through here: the platform heap
 * (a private Win32 heap on Windows, malloc on POSIX), with a failure
 * injection hook for out-of-memory tests. */
#ifndef PT_ALLOC_H
#define PT_ALLOC_H

#include <stddef.h>

void *pt_malloc(size_t size);
void *pt_calloc(size_t n, size_t size);
/* pt_calloc for memory read before it is written (a hash map's empty
 * slots): its zeros are written at once. A fresh block's pages first
 * read would map the kernel's shared zero page, and each first write
 * after would take a second fault that flushes the page from every
 * other running thread's TLB (an interrupt per processor). */
void *pt_calloc_written(size_t n, size_t size);
void *pt_realloc(void *p, size_t size);
void pt_free(void *p);

/* Makes room in a growable array: on success *items holds at least `need`
 * elements of elem_size bytes (capacity doubles, from 16). PT_ENOMEM when
 * out of memory or on size overflow; the array is then unchanged. */
int pt__array_grow_to(void **items, size_t *cap, size_t need, size_t elem_size);
/* Inline: most calls find room already (the hot loops of extraction and
 * resolution call it once per item); only growing calls out. */
static inline int pt_array_grow(void **items, size_t *cap, size_t need,
                                size_t elem_size)
{
  return need <= *cap ? 0 : pt__array_grow_to(items, cap, need, elem_size);
}

/* Frees a growable array whose room is for more than max elements (one a
 * large input grew, kept from use to use): *items NULL and *cap 0 then. */
void pt_array_drop_over(void *items, size_t *cap, size_t max);

/* Tests only: make the n-th allocation from now fail (n >= 1); 0 disables.
 * Not thread-safe against concurrent allocation counting. */
void pt_alloc_fail_after(unsigned long n);

#endif
