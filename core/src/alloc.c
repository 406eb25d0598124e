/* pt_malloc and friends (pt/alloc.h): the platform heap plus a countdown
 * that makes the n-th allocation fail, for out-of-memory tests. */
#include "pt/alloc.h"
#include "pt/sys/heap.h"

static unsigned long fail_countdown;

void pt_alloc_fail_after(unsigned long n)
{
  fail_countdown = n;
}

static int should_fail(void)
{
  if (fail_countdown == 0)
    return 0;
  return --fail_countdown == 0;
}

void *pt_malloc(size_t size)
{
  if (should_fail())
    return NULL;
  return pt_sys_heap_alloc(size ? size : 1);
}

void *pt_calloc(size_t n, size_t size)
{
  if (size && n > (size_t)-1 / size)
    return NULL;
  if (should_fail())
    return NULL;
  return pt_sys_heap_calloc(n ? n : 1, size ? size : 1);
}

void *pt_realloc(void *p, size_t size)
{
  if (should_fail())
    return NULL;
  return pt_sys_heap_realloc(p, size ? size : 1);
}

void pt_free(void *p)
{
  if (p)
    pt_sys_heap_free(p);
}
