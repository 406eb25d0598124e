/* pt/sys/heap.h on POSIX: the C library's malloc. */
#include <limits.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pt/sys/heap.h"

void *pt_sys_heap_alloc(size_t size) { return malloc(size); }
void *pt_sys_heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void *pt_sys_heap_realloc(void *p, size_t size) { return realloc(p, size); }
void pt_sys_heap_free(void *p) { free(p); }

void pt_sys_heap_trim(void)
{
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void pt_sys_heap_keep_freed(void)
{
#if defined(__GLIBC__)
  /* 32 MiB is glibc's largest mmap threshold; setting it also ends the
   * threshold's own adjustments. A large top pad grows the heap in few
   * steps; pages it reserves are not touched until used. */
  (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
  (void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
  (void)mallopt(M_TOP_PAD, 64 << 20);
#endif
}
