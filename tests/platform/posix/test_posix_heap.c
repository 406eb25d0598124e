/* The POSIX heap (pt/sys/heap.h) as the kernel sees it: a large block
 * advised for large pages carries Linux's huge-page flag ("hg" among the
 * VmFlags of /proc/self/smaps). Skipped where the kernel has no
 * transparent huge pages. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pt/sys/heap.h"
#include "test_support.h"

/* 1 when the mapping holding addr lists flag among its VmFlags, 0 when
 * not, -1 when /proc/self/smaps could not tell. */
static int vma_has_flag(uintptr_t addr, const char *flag)
{
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0, found = -1;
  while (f && found < 0 && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
      in = addr >= lo && addr < hi;
    else if (in && strncmp(line, "VmFlags:", 8) == 0) {
      char want[8];
      snprintf(want, sizeof want, " %s", flag);
      found = strstr(line, want) != NULL;
    }
  }
  if (f)
    fclose(f);
  return found;
}

static void heap_advise_large__marks_the_block_for_huge_pages(void **state)
{
  FILE *thp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (!thp)
    skip();
  fclose(thp);
  size_t n = (size_t)16 << 20, huge = (size_t)2 << 20;
  unsigned char *p = pt_sys_heap_alloc(n);
  assert_non_null(p);
  uintptr_t inside = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
  assert_int_equal(vma_has_flag(inside, "hg"), 0);
  pt_sys_heap_advise_large(p, n);
  memset(p, 0, n);
  assert_int_equal(vma_has_flag(inside, "hg"), 1);
  pt_sys_heap_free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(heap_advise_large__marks_the_block_for_huge_pages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
