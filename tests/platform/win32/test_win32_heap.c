/* pt/sys/heap.h on Windows: the private heap behind pt_malloc. Its blocks
 * live in a heap of their own (not the process or CRT heap), calloc zeroes
 * reused memory, realloc keeps contents and survives failure, and many
 * threads can allocate at once (the heap is serialized). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include "pt/sys/heap.h"
#include "pt/sys/thread.h"
#include "test_support.h"

#define N_THREADS 8
#define N_ROUNDS 20000

static void heap_alloc__block_lives_in_a_private_heap(void **state)
{
  unsigned char *p = pt_sys_heap_alloc(100);
  HANDLE heaps[256];
  DWORD n = GetProcessHeaps(256, heaps);
  int owners = 0, is_process_heap = 0;
  assert_non_null(p);
  assert_true(n > 0 && n <= 256);
  for (DWORD i = 0; i < n; i++) {
    if (HeapValidate(heaps[i], 0, p)) {
      owners++;
      is_process_heap = heaps[i] == GetProcessHeap();
    }
  }
  assert_int_equal(owners, 1);
  assert_false(is_process_heap);
  pt_sys_heap_free(p);
}

static void heap_alloc__returns_writable_blocks_of_the_size(void **state)
{
  for (size_t size = 1; size <= (1u << 20); size *= 4) {
    unsigned char *p = pt_sys_heap_alloc(size);
    assert_non_null(p);
    memset(p, 0x5a, size);
    assert_int_equal(p[0], 0x5a);
    assert_int_equal(p[size - 1], 0x5a);
    pt_sys_heap_free(p);
  }
}

/* A freed block of the same size is handed out again, dirty: calloc must
 * zero it. */
static void heap_calloc__zeroes_reused_memory(void **state)
{
  for (int round = 0; round < 50; round++) {
    unsigned char *dirty = pt_sys_heap_alloc(4096);
    assert_non_null(dirty);
    memset(dirty, 0xab, 4096);
    pt_sys_heap_free(dirty);
    unsigned char *p = pt_sys_heap_calloc(64, 64);
    assert_non_null(p);
    for (size_t i = 0; i < 4096; i++)
      assert_int_equal(p[i], 0);
    pt_sys_heap_free(p);
  }
}

static void heap_calloc__rejects_overflowing_sizes(void **state)
{
  assert_null(pt_sys_heap_calloc(SIZE_MAX / 2, 4));
}

static void heap_realloc__keeps_contents_when_growing(void **state)
{
  unsigned char *p = pt_sys_heap_realloc(NULL, 16);
  assert_non_null(p);
  for (int i = 0; i < 16; i++)
    p[i] = (unsigned char)i;
  p = pt_sys_heap_realloc(p, 1 << 20);
  assert_non_null(p);
  for (int i = 0; i < 16; i++)
    assert_int_equal(p[i], i);
  pt_sys_heap_free(p);
}

static void heap_realloc__failure_keeps_the_block(void **state)
{
  unsigned char *p = pt_sys_heap_alloc(32);
  assert_non_null(p);
  memset(p, 7, 32);
  assert_null(pt_sys_heap_realloc(p, SIZE_MAX / 2));
  for (int i = 0; i < 32; i++)
    assert_int_equal(p[i], 7);
  pt_sys_heap_free(p);
}

static void heap_free__accepts_null(void **state)
{
  pt_sys_heap_free(NULL);
}

static void heap_trim__keeps_live_blocks(void **state)
{
  unsigned char *keep = pt_sys_heap_alloc(1000);
  assert_non_null(keep);
  memset(keep, 3, 1000);
  for (int i = 0; i < 100; i++)
    pt_sys_heap_free(pt_sys_heap_alloc(100000));
  pt_sys_heap_trim();
  for (int i = 0; i < 1000; i++)
    assert_int_equal(keep[i], 3);
  pt_sys_heap_free(keep);
}

typedef struct worker {
  unsigned seed;
  unsigned char tag;     /* this thread's fill byte base */
  long n_bad;            /* blocks whose contents were not what was written */
  long n_null;
} worker;

static unsigned next_rand(unsigned *s)
{
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

/* Each block is filled with a byte of its own, grown, and checked before
 * it is freed: a heap that is not thread-safe hands the same memory to
 * two threads, or corrupts itself, within a few thousand rounds. */
static void churn(void *payload)
{
  worker *wk = payload;
  unsigned char *live[64] = {0};
  size_t sizes[64] = {0};
  for (int r = 0; r < N_ROUNDS; r++) {
    unsigned slot = next_rand(&wk->seed) % 64;
    unsigned char *p = live[slot];
    for (size_t i = 0; p && i < sizes[slot]; i++)
      wk->n_bad += p[i] != (unsigned char)(slot + wk->tag);
    pt_sys_heap_free(p);
    sizes[slot] = 1 + next_rand(&wk->seed) % 2000;
    p = r % 3 ? pt_sys_heap_alloc(sizes[slot] / 2 + 1)
              : pt_sys_heap_calloc(1, sizes[slot] / 2 + 1);
    p = p ? pt_sys_heap_realloc(p, sizes[slot]) : NULL;
    wk->n_null += p == NULL;
    if (p)
      memset(p, (unsigned char)(slot + wk->tag), sizes[slot]);
    else
      sizes[slot] = 0;
    live[slot] = p;
  }
  for (int i = 0; i < 64; i++)
    pt_sys_heap_free(live[i]);
}

static void heap__many_threads_allocate_at_once(void **state)
{
  pt_thread *t[N_THREADS];
  worker wk[N_THREADS];
  for (int i = 0; i < N_THREADS; i++) {
    wk[i].seed = 17u * (unsigned)i + 1u;
    wk[i].tag = (unsigned char)(32 * i);
    wk[i].n_bad = wk[i].n_null = 0;
    assert_int_equal(pt_thread_start(churn, &wk[i], &t[i]), 0);
  }
  for (int i = 0; i < N_THREADS; i++)
    pt_thread_join(t[i]);
  for (int i = 0; i < N_THREADS; i++) {
    assert_int_equal(wk[i].n_null, 0);
    assert_int_equal(wk[i].n_bad, 0);
  }
  HANDLE heaps[256];
  DWORD n = GetProcessHeaps(256, heaps);
  for (DWORD i = 0; i < n && i < 256; i++)
    assert_true(HeapValidate(heaps[i], 0, NULL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(heap_alloc__block_lives_in_a_private_heap),
      cmocka_unit_test(heap_alloc__returns_writable_blocks_of_the_size),
      cmocka_unit_test(heap_calloc__zeroes_reused_memory),
      cmocka_unit_test(heap_calloc__rejects_overflowing_sizes),
      cmocka_unit_test(heap_realloc__keeps_contents_when_growing),
      cmocka_unit_test(heap_realloc__failure_keeps_the_block),
      cmocka_unit_test(heap_free__accepts_null),
      cmocka_unit_test(heap_trim__keeps_live_blocks),
      cmocka_unit_test(heap__many_threads_allocate_at_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
