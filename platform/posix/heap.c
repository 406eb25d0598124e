/* pt/sys/heap.h on POSIX: the C library's malloc. */
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
