/* All heap memory of the project goes through here: the platform heap
 * (a private Win32 heap on Windows, malloc on POSIX), with a failure
 * injection hook for out-of-memory tests. */
#ifndef PT_ALLOC_H
#define PT_ALLOC_H

#include <stddef.h>

void *pt_malloc(size_t size);
void *pt_calloc(size_t n, size_t size);
void *pt_realloc(void *p, size_t size);
void pt_free(void *p);

/* Tests only: make the n-th allocation from now fail (n >= 1); 0 disables.
 * Not thread-safe against concurrent allocation counting. */
void pt_alloc_fail_after(unsigned long n);

#endif
