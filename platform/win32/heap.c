/* pt/sys/heap.h on Windows: one private, growable, serialized heap
 * (HeapCreate) for everything behind pt_malloc, so the in-memory graph
 * never shares the CRT heap and a whole ingestion's memory can be
 * compacted in one call. Serialized because parser threads allocate. */
#include "error_win32.h"
#include "pt/sys/heap.h"

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static HANDLE heap;

static BOOL CALLBACK create_heap(PINIT_ONCE o, PVOID param, PVOID *ctx)
{
  ULONG lfh = 2; /* low-fragmentation heap; already the default on 7+ */
  heap = HeapCreate(0, 0, 0);
  if (heap)
    HeapSetInformation(heap, HeapCompatibilityInformation, &lfh, sizeof lfh);
  return heap != NULL;
}

/* NULL when the heap cannot be created: every allocation then fails and
 * callers report PT_ENOMEM. */
static HANDLE get_heap(void)
{
  return InitOnceExecuteOnce(&once, create_heap, NULL, NULL) ? heap : NULL;
}

void *pt_sys_heap_alloc(size_t size)
{
  HANDLE h = get_heap();
  return h ? HeapAlloc(h, 0, size) : NULL;
}

void *pt_sys_heap_calloc(size_t n, size_t size)
{
  HANDLE h = get_heap();
  if (!h || (size && n > (size_t)-1 / size))
    return NULL;
  return HeapAlloc(h, HEAP_ZERO_MEMORY, n * size);
}

void *pt_sys_heap_realloc(void *p, size_t size)
{
  HANDLE h = get_heap();
  if (!h)
    return NULL;
  /* like realloc: NULL grows from nothing; on failure p stays valid */
  return p ? HeapReAlloc(h, 0, p, size) : HeapAlloc(h, 0, size);
}

void pt_sys_heap_free(void *p)
{
  if (p)
    HeapFree(heap, 0, p);
}

void pt_sys_heap_trim(void)
{
  HANDLE h = get_heap();
  if (h)
    HeapCompact(h, 0);
}

/* The private heap keeps what is freed until pt_sys_heap_trim compacts
 * it. */
void pt_sys_heap_keep_freed(void)
{
}
