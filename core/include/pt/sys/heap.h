/* The platform heap behind pt_malloc: malloc on POSIX, a private Win32 heap
 * (HeapCreate) on Windows so the in-memory graph never shares the CRT heap. */
#ifndef PT_SYS_HEAP_H
#define PT_SYS_HEAP_H

#include <stddef.h>

void *pt_sys_heap_alloc(size_t size);
void *pt_sys_heap_calloc(size_t n, size_t size);
void *pt_sys_heap_realloc(void *p, size_t size);
void pt_sys_heap_free(void *p);
/* Gives memory freed by finished work back to the OS where the heap keeps
 * it cached (glibc's per-thread arenas); a no-op elsewhere. */
void pt_sys_heap_trim(void);
/* Keeps the memory freed from now on for the process's next allocations,
 * for a short run whose threads free and allocate large blocks while
 * others work (a re-run of pt01): glibc then maps no block under 32 MiB
 * apart and gives no freed page back by itself. Each munmap or madvise
 * that gives pages back stops every other running thread of the process
 * to flush its TLB (inter-processor interrupts, slow in a VM), and the
 * pages fault in again when next used. pt_sys_heap_trim still gives them
 * back. The heap then holds more at its peak. A no-op elsewhere. */
void pt_sys_heap_keep_freed(void);

#endif
