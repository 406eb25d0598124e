/* pt_malloc and friends (pt/alloc.h): the platform heap plus a countdown
 * that makes the n-th allocation fail, for out-of-memory tests. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
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

void *pt_calloc_written(size_t n, size_t size)
{
  if (size && n > (size_t)-1 / size)
    return NULL;
  void *p = pt_malloc(n * size);
  if (p)
    memset(p, 0, n * size);
  return p;
}

void *pt_realloc(void *p, size_t size)
{
  if (should_fail())
    return NULL;
  return pt_sys_heap_realloc(p, size ? size : 1);
}

int pt__array_grow_to(void **items, size_t *cap, size_t need, size_t elem_size)
{
  if (need <= *cap)
    return 0;
  size_t n = *cap ? *cap : 16;
  while (n < need) {
    if (n > ((size_t)-1) / 2)
      return PT_ERR(PT_ENOMEM, "array size overflow");
    n *= 2;
  }
  if (elem_size && n > ((size_t)-1) / elem_size)
    return PT_ERR(PT_ENOMEM, "array size overflow");
  void *p = pt_realloc(*items, n * elem_size);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory growing an array to %zu items", n);
  *items = p;
  *cap = n;
  return 0;
}

void pt_array_drop_over(void *items, size_t *cap, size_t max)
{
  if (*cap > max) {
    pt_free(*(void **)items);
    *(void **)items = NULL;
    *cap = 0;
  }
}

void pt_free(void *p)
{
  if (p)
    pt_sys_heap_free(p);
}
