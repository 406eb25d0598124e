/* Core building blocks: hashes, buffers, the string map, the arena and the
 * last-error record. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/both.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/ptrmap.h"
#include "pt/strmap.h"
#include "pt/varint.h"
#include "test_support.h"

static void sha256__matches_fips_vectors(void **state)
{
  char hex[65];
  pt_sha256_hex("", 0, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  pt_sha256_hex("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  pt_sha256_hex(m, strlen(m), hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* The birth timestamps of docs/contract/ingestion.md 6.4 come from
 * SipHash-1-3 over path 0xFF name 0xFF; the earlier tool's vectors pin the
 * algorithm. */
static uint64_t birth(const char *path, const char *name)
{
  unsigned char buf[256];
  size_t n = 0, lp = strlen(path), ln = strlen(name);
  memcpy(buf, path, lp);
  n = lp;
  buf[n++] = 0xff;
  memcpy(buf + n, name, ln);
  n += ln;
  buf[n++] = 0xff;
  return 1577836800u + pt_siphash13(buf, n, 0, 0) % 315360000u;
}

static void siphash13__reproduces_rust_default_hasher(void **state)
{
  assert_int_equal(birth("./crates/parseltongue/src/main.rs", "build_cli"), 1751373328);
  assert_int_equal(birth("src/main.rs", "main"), 1756414581);
  assert_int_equal(birth("./src/lib.rs", "new"), 1771045918);
  assert_int_equal(birth("a.py", "f"), 1869726183);
}

static void buf_printf__grows_and_terminates(void **state)
{
  pt_buf b = PT_BUF_INIT;
  for (int i = 0; i < 1000; i++)
    assert_int_equal(pt_buf_printf(&b, "%d,", i), 0);
  assert_int_equal(strlen(b.ptr), b.len);
  assert_true(pt_str_starts_with(b.ptr, "0,1,2,"));
  assert_true(pt_str_ends_with(b.ptr, "998,999,"));
  pt_buf_fini(&b);
}

/* Texts that fit the room left, fill it exactly, or overflow it by one:
 * each appended whole, terminated, after what the buffer held. */
static void buf_printf__at_every_length_around_the_room_left(void **state)
{
  char want[400], piece[200];
  for (size_t held = 0; held < 70; held++) {
    for (size_t n = 0; n < 140; n++) {
      pt_buf b = PT_BUF_INIT;
      memset(piece, 'x', n);
      piece[n] = '\0';
      for (size_t i = 0; i < held; i++)
        assert_int_equal(pt_buf_putc(&b, (char)('a' + i % 26)), 0);
      assert_int_equal(pt_buf_printf(&b, "%s<%d>", piece, (int)n), 0);
      assert_int_equal(pt_buf_putc(&b, '!'), 0);
      for (size_t i = 0; i < held; i++)
        want[i] = (char)('a' + i % 26);
      snprintf(want + held, sizeof want - held, "%s<%d>!", piece, (int)n);
      assert_string_equal(b.ptr, want);
      assert_int_equal(b.len, strlen(want));
      assert_true(b.len < b.cap);
      pt_buf_fini(&b);
    }
  }
}

/* A length no buffer can hold (one that would wrap the size) is refused
 * with PT_ENOMEM, and the buffer keeps what it held. */
static void buf_put__a_length_that_would_wrap_is_refused(void **state)
{
  (void)state;
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_puts(&b, "kept"), 0);
  assert_int_equal(pt_buf_put(&b, "x", (size_t)-1), PT_ENOMEM);
  assert_int_equal(pt_buf_put(&b, "x", (size_t)-1 - b.len), PT_ENOMEM);
  assert_int_equal(pt_buf_grow(&b, (size_t)-2), PT_ENOMEM);
  pt_error_clear();
  assert_string_equal(b.ptr, "kept");
  assert_int_equal(b.len, 4);
  pt_buf_fini(&b);
}

/* pt_both runs each half once, and both are done when it returns. */
static void count_half(void *payload)
{
  int *n = payload;
  for (int i = 0; i < 1000; i++) /* long enough to overlap the other */
    n[i % 4 + 1] += 1;
  n[0]++;
}

static void both__runs_each_half_once_and_waits_for_them(void **state)
{
  (void)state;
  int a[5] = {0}, b[5] = {0};
  for (int round = 0; round < 20; round++)
    pt_both(count_half, a, count_half, b);
  assert_int_equal(a[0], 20);
  assert_int_equal(b[0], 20);
  for (int k = 1; k < 5; k++) {
    assert_int_equal(a[k], 20 * 250);
    assert_int_equal(b[k], 20 * 250);
  }
}

/* pt_both_if with two == 0 runs a then b, one after the other; with
 * two != 0 it is pt_both. */
typedef struct both_log {
  char order[8];
  int n;
} both_log;

static void log_a(void *payload)
{
  both_log *l = payload;
  l->order[l->n++] = 'a';
}

static void log_b(void *payload)
{
  both_log *l = payload;
  l->order[l->n++] = 'b';
}

static void both_if__runs_a_then_b_alone_and_both_on_two(void **state)
{
  (void)state;
  for (int round = 0; round < 20; round++) {
    both_log l = {{0}, 0};
    pt_both_if(0, log_a, &l, log_b, &l);
    assert_string_equal(l.order, "ab");
  }
  int a[5] = {0}, b[5] = {0};
  for (int round = 0; round < 20; round++)
    pt_both_if(1, count_half, a, count_half, b);
  assert_int_equal(a[0], 20);
  assert_int_equal(b[0], 20);
}

static void strmap__finds_what_was_put_and_nothing_else(void **state)
{
  pt_strmap m = PT_STRMAP_INIT;
  char keys[500][16];
  for (int i = 0; i < 500; i++) {
    snprintf(keys[i], sizeof keys[i], "k%d", i);
    assert_int_equal(pt_strmap_put(&m, keys[i], strlen(keys[i]), (size_t)i), 0);
  }
  size_t v;
  for (int i = 0; i < 500; i++) {
    assert_true(pt_strmap_get(&m, keys[i], strlen(keys[i]), &v));
    assert_int_equal(v, (size_t)i);
  }
  assert_false(pt_strmap_get(&m, "k500", 4, &v));
  assert_int_equal(m.n, 500);
  pt_strmap_fini(&m);
}

/* A cleared map finds none of its old keys, keeps its slots (no
 * allocation when filled again to the same size) and takes new keys. */
static void strmap__clear_empties_and_keeps_the_slots(void **state)
{
  (void)state;
  pt_strmap m = PT_STRMAP_INIT;
  char keys[300][16];
  for (int i = 0; i < 300; i++) {
    snprintf(keys[i], sizeof keys[i], "k%d", i);
    assert_int_equal(pt_strmap_put(&m, keys[i], strlen(keys[i]), (size_t)i), 0);
  }
  pt_strmap_slot *slots = m.slots;
  size_t cap = m.cap, v = 0;
  pt_strmap_clear(&m);
  assert_int_equal(m.n, 0);
  assert_ptr_equal(m.slots, slots);
  assert_int_equal(m.cap, cap);
  for (int i = 0; i < 300; i++)
    assert_false(pt_strmap_get(&m, keys[i], strlen(keys[i]), &v));
  pt_alloc_fail_after(1); /* filling it again allocates nothing */
  for (int i = 299; i >= 0; i--)
    assert_int_equal(pt_strmap_put(&m, keys[i], strlen(keys[i]),
                                   (size_t)(1000 + i)), 0);
  pt_alloc_fail_after(0);
  for (int i = 0; i < 300; i++) {
    assert_true(pt_strmap_get(&m, keys[i], strlen(keys[i]), &v));
    assert_int_equal(v, (size_t)(1000 + i));
  }
  pt_strmap_clear(&m);
  pt_strmap_fini(&m);
  pt_strmap_clear(&m); /* an empty map too */
  assert_null(m.slots);
}

/* pt_strmap_value_hashed adds a key once and hands back its value's
 * place: a count kept through it, and an overwrite, are what the map then
 * gives. */
static void strmap__value_hashed_adds_once_and_updates_in_place(void **state)
{
  pt_strmap m = PT_STRMAP_INIT;
  const char *names[] = {"f", "g", "f", "h", "f", "g"};
  size_t *v = NULL, got = 0;
  for (int i = 0; i < 6; i++) {
    size_t len = strlen(names[i]);
    assert_int_equal(pt_strmap_value_hashed(&m, names[i], len,
                                            pt_strmap_hash(names[i], len), 0,
                                            &v), 0);
    ++*v;
  }
  assert_int_equal(m.n, 3);
  assert_true(pt_strmap_get(&m, "f", 1, &got));
  assert_int_equal(got, 3);
  assert_true(pt_strmap_get(&m, "g", 1, &got));
  assert_int_equal(got, 2);
  assert_true(pt_strmap_get(&m, "h", 1, &got));
  assert_int_equal(got, 1);
  /* an absent key takes the value given */
  assert_int_equal(pt_strmap_value_hashed(&m, "k", 1, pt_strmap_hash("k", 1),
                                          7, &v), 0);
  assert_int_equal(*v, 7);
  *v = 9;
  assert_true(pt_strmap_get(&m, "k", 1, &got));
  assert_int_equal(got, 9);
  pt_strmap_fini(&m);
}

/* A slot costs 24 bytes (the maps of a large tree's strings were a fifth of
 * a fresh index's peak, issue #14): a key's length and hash are kept in 32
 * bits each. The hash a slot keeps finds its key again, as a caller that
 * copies keys from one map to another hands it (store_rocksdb_strings.c);
 * a key of 4 GiB or more is refused before its bytes are read. */
static void strmap__slots_are_small_and_keep_enough_hash(void **state)
{
  (void)state;
  assert_int_equal(sizeof(pt_strmap_slot), 24);
  pt_strmap m = PT_STRMAP_INIT, copy = PT_STRMAP_INIT;
  char keys[200][16];
  for (int i = 0; i < 200; i++) {
    size_t len = (size_t)snprintf(keys[i], sizeof keys[i], "key%d", i);
    assert_int_equal(pt_strmap_put(&m, keys[i], len, (size_t)i), 0);
  }
  for (size_t s = 0; s < m.cap; s++)
    if (m.slots[s].key)
      assert_int_equal(pt_strmap_put_new_hashed(&copy, m.slots[s].key,
                                                m.slots[s].len, m.slots[s].hash,
                                                m.slots[s].value, NULL), 0);
  size_t v = 0;
  for (int i = 0; i < 200; i++) {
    assert_true(pt_strmap_get(&copy, keys[i], strlen(keys[i]), &v));
    assert_int_equal(v, (size_t)i);
  }
  /* never read: the length alone is refused */
  const char *far = keys[0];
  size_t huge = (size_t)UINT32_MAX + 1;
  assert_int_equal(pt_strmap_put(&m, far, huge, 1), PT_EINVAL);
  pt_error_clear();
  assert_int_equal(pt_strmap_put_new(&m, far, huge, 1, NULL), PT_EINVAL);
  pt_error_clear();
  assert_false(pt_strmap_get(&m, far, huge, &v));
  assert_int_equal(m.n, 200);
  pt_strmap_fini(&m);
  pt_strmap_fini(&copy);
}

/* pt_ptrmap_prefetch asks for the slot a key's probe starts at, and
 * changes nothing: not on a map with no table yet, nor for NULL; each key
 * put into an empty table lands at that slot, and every key put after a
 * prefetch is found with its value. */
static void ptrmap__prefetch_asks_for_the_probe_start_and_changes_nothing(
    void **state)
{
  (void)state;
  static char keys[1000];
  pt_ptrmap m = PT_PTRMAP_INIT;
  size_t v = 0;
  pt_ptrmap_prefetch(&m, &keys[0]);
  pt_ptrmap_prefetch(&m, NULL);
  assert_null(m.slots);
  assert_int_equal(m.n, 0);
  assert_int_equal(pt_ptrmap_reserve(&m, 1000), 0);
  pt_ptrmap_prefetch(&m, &keys[7]);
  assert_int_equal(pt_ptrmap_put_new(&m, &keys[7], 7, &v), 0);
  assert_ptr_equal(m.slots[pt__ptrmap_hash(&keys[7]) & (m.cap - 1)].key,
                   &keys[7]);
  for (size_t i = 0; i < 1000; i++) {
    pt_ptrmap_prefetch(&m, &keys[i]);
    pt_ptrmap_prefetch(&m, NULL);
    assert_int_equal(pt_ptrmap_put_new(&m, &keys[i], i, &v), 0);
    assert_int_equal(v, i);
  }
  assert_int_equal(m.n, 1000);
  for (size_t i = 0; i < 1000; i++) {
    assert_true(pt_ptrmap_get(&m, &keys[i], &v));
    assert_int_equal(v, i);
  }
  pt_ptrmap_fini(&m);
}

/* A reserved map takes n keys without growing; a key put with its hash
 * is found without it, and the other way round. */
static void strmap__reserved_map_takes_n_keys_without_growing(void **state)
{
  pt_strmap m = PT_STRMAP_INIT;
  char keys[300][16];
  assert_int_equal(pt_strmap_reserve(&m, 300), 0);
  size_t cap = m.cap, v = 0;
  for (int i = 0; i < 300; i++) {
    size_t len = (size_t)snprintf(keys[i], sizeof keys[i], "k%d", i);
    if (i % 2)
      assert_int_equal(pt_strmap_put_new_hashed(&m, keys[i], len,
                                                pt_strmap_hash(keys[i], len),
                                                (size_t)i, NULL), 0);
    else
      assert_int_equal(pt_strmap_put(&m, keys[i], len, (size_t)i), 0);
  }
  assert_int_equal(m.cap, cap);
  for (int i = 0; i < 300; i++) {
    size_t len = strlen(keys[i]);
    assert_true(i % 2 ? pt_strmap_get(&m, keys[i], len, &v)
                      : pt_strmap_get_hashed(&m, keys[i], len,
                                             pt_strmap_hash(keys[i], len), &v));
    assert_int_equal(v, (size_t)i);
  }
  assert_false(pt_strmap_get_hashed(&m, "k300", 4, pt_strmap_hash("k300", 4),
                                    &v));
  assert_int_equal(pt_strmap_reserve(&m, 10), 0); /* never shrinks */
  assert_int_equal(m.cap, cap);
  assert_int_equal(pt_strmap_reserve(&m, SIZE_MAX / 2), PT_ENOMEM);
  pt_strmap_fini(&m);
}

/* Chunks start small and double: blocks of every size across the first
 * chunks' limits stay apart, aligned and intact, and the count is exact. */
static void arena__growing_chunks_keep_every_block_intact(void **state)
{
  enum { N = 700 };
  pt_arena a = PT_ARENA_INIT;
  unsigned char *p[N];
  size_t total = 0;
  for (size_t i = 0; i < N; i++) {
    size_t size = i * 37 % 1500 + (i == 500 ? 200000 : 0);
    p[i] = pt_arena_alloc(&a, size);
    assert_non_null(p[i]);
    assert_int_equal((uintptr_t)p[i] % 8, 0);
    memset(p[i], (int)(i & 0xff), size);
    total += (size + 7) & ~(size_t)7;
  }
  for (size_t i = 0; i < N; i++) {
    size_t size = i * 37 % 1500 + (i == 500 ? 200000 : 0);
    for (size_t k = 0; k < size; k++)
      assert_int_equal(p[i][k], i & 0xff);
  }
  assert_int_equal(a.used_total, total);
  pt_arena_fini(&a);
}

static void arena__serves_aligned_and_oversized_blocks(void **state)
{
  pt_arena a = PT_ARENA_INIT;
  char *s = pt_arena_strdup(&a, "hello");
  void *big = pt_arena_alloc(&a, 1u << 20);
  void *small = pt_arena_alloc(&a, 3);
  assert_non_null(big);
  assert_non_null(small);
  assert_int_equal(((uintptr_t)small) % 8, 0);
  assert_string_equal(s, "hello");
  pt_arena_fini(&a);
}

static void alloc_fail_after__fails_exactly_the_nth_allocation(void **state)
{
  pt_alloc_fail_after(2);
  void *a = pt_malloc(8);
  void *b = pt_malloc(8);
  void *c = pt_malloc(8);
  assert_non_null(a);
  assert_null(b);
  assert_non_null(c);
  pt_free(a);
  pt_free(c);
}

/* pt_calloc_written gives zeros as pt_calloc does (a block large enough
 * to be fresh pages, and a small one reused after a write), refuses a
 * size that overflows, and fails as the allocation it makes. */
static void calloc_written__gives_zeros_and_fails_as_pt_calloc(void **state)
{
  size_t big = (size_t)8 << 20, small = 100;
  unsigned char *p = pt_calloc_written(big, 1);
  assert_non_null(p);
  for (size_t i = 0; i < big; i += 4096)
    assert_int_equal(p[i] | p[big - 1], 0);
  pt_free(p);
  unsigned char *q = pt_malloc(small);
  assert_non_null(q);
  memset(q, 0xab, small);
  pt_free(q);
  uint32_t *r = pt_calloc_written(small / 4, 4);
  assert_non_null(r);
  for (size_t i = 0; i < small / 4; i++)
    assert_int_equal(r[i], 0);
  pt_free(r);
  assert_null(pt_calloc_written((size_t)-1 / 2, 4));
  pt_alloc_fail_after(1);
  assert_null(pt_calloc_written(4, 4));
  pt_alloc_fail_after(0);
}

static void array_grow__allocates_only_to_grow_and_keeps_the_array_on_failure(void **state)
{
  int *v = NULL;
  size_t cap = 0;
  assert_int_equal(pt_array_grow((void **)&v, &cap, 1, sizeof *v), 0);
  assert_int_equal(cap, 16); /* from 16 */
  v[0] = 7;
  /* room left: no allocation at all (one that would fail is not made) */
  pt_alloc_fail_after(1);
  assert_int_equal(pt_array_grow((void **)&v, &cap, 16, sizeof *v), 0);
  pt_alloc_fail_after(0);
  assert_int_equal(cap, 16);
  /* growing doubles as often as needed */
  assert_int_equal(pt_array_grow((void **)&v, &cap, 33, sizeof *v), 0);
  assert_int_equal(cap, 64);
  assert_int_equal(v[0], 7);
  /* out of memory: an error, the array as it was */
  int *before = v;
  pt_alloc_fail_after(1);
  assert_int_equal(pt_array_grow((void **)&v, &cap, 65, sizeof *v), PT_ENOMEM);
  pt_alloc_fail_after(0);
  pt_error_clear();
  assert_ptr_equal(v, before);
  assert_int_equal(cap, 64);
  assert_int_equal(v[0], 7);
  /* a size that would overflow is refused */
  assert_int_equal(pt_array_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v), PT_ENOMEM);
  pt_error_clear();
  assert_int_equal(cap, 64);
  pt_free(v);
}

static void parse_u64__rejects_garbage(void **state)
{
  unsigned long long v;
  assert_int_equal(pt_parse_u64("1234", &v), 0);
  assert_int_equal(v, 1234);
  assert_int_equal(pt_parse_u64("12a", &v), PT_EINVAL);
  assert_int_equal(pt_parse_u64("", &v), PT_EINVAL);
  assert_int_equal(pt_parse_u64("99999999999999999999999", &v), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "too large"));
}

/* Varints round-trip at every width, and a reader stops at a number cut
 * short or longer than 64 bits instead of reading past the end. */
static void varint__round_trips_and_rejects_bad_numbers(void **state)
{
  static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384,
                                  UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX};
  pt_buf b = PT_BUF_INIT;
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    assert_int_equal(pt_varint_put(&b, vals[i]), 0);
  assert_int_equal(b.len, 1 + 1 + 1 + 2 + 2 + 2 + 3 + 5 + 10 + 10);
  const unsigned char *p = (const unsigned char *)b.ptr, *end = p + b.len;
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    uint64_t v;
    assert_int_equal(pt_varint_get(&p, end, &v), PT_VARINT_OK);
    assert_true(v == vals[i]);
  }
  assert_ptr_equal(p, end);
  /* the reader of any length gives what the one-byte path gives */
  p = (const unsigned char *)b.ptr;
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    uint64_t v;
    assert_int_equal(pt_varint_get_long(&p, end, &v), PT_VARINT_OK);
    assert_true(v == vals[i]);
  }
  assert_ptr_equal(p, end);
  uint64_t v = 7;
  assert_int_equal(pt_varint_get(&p, end, &v), PT_VARINT_TRUNCATED);
  assert_true(v == 0);
  static const unsigned char cut[] = {0x80, 0x80};
  p = cut;
  assert_int_equal(pt_varint_get(&p, cut + 2, &v), PT_VARINT_TRUNCATED);
  unsigned char eleven[11];
  memset(eleven, 0x80, sizeof eleven);
  eleven[10] = 0x01;
  p = eleven;
  assert_int_equal(pt_varint_get(&p, eleven + 11, &v), PT_VARINT_TOO_LONG);
  assert_true(pt_unzigzag(pt_zigzag(-1)) == -1);
  assert_true(pt_zigzag(-1) == 1 && pt_zigzag(1) == 2);
  assert_true(pt_unzigzag(pt_zigzag(INT64_MIN)) == INT64_MIN);
  assert_true(pt_unzigzag(pt_zigzag(INT64_MAX)) == INT64_MAX);
  pt_buf_fini(&b);
}

/* A message may quote the one it replaces (walk: "folder not found: %s (%s)"
 * with the OS error's text). */
static void error__may_quote_the_last_message(void **state)
{
  PT_ERR(PT_ENOTFOUND, "cannot open %s: %s", "/x", "No such file or directory");
  PT_ERR(PT_ENOTFOUND, "folder not found: %s (%s)", "/x",
         pt_error_last()->message);
  assert_string_equal(pt_error_last()->message,
                      "folder not found: /x (cannot open /x: No such file or "
                      "directory)");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(sha256__matches_fips_vectors),
    cmocka_unit_test(siphash13__reproduces_rust_default_hasher),
    cmocka_unit_test(buf_printf__grows_and_terminates),
    cmocka_unit_test(buf_printf__at_every_length_around_the_room_left),
    cmocka_unit_test(buf_put__a_length_that_would_wrap_is_refused),
    cmocka_unit_test(both__runs_each_half_once_and_waits_for_them),
    cmocka_unit_test(both_if__runs_a_then_b_alone_and_both_on_two),
    cmocka_unit_test(strmap__finds_what_was_put_and_nothing_else),
    cmocka_unit_test(strmap__reserved_map_takes_n_keys_without_growing),
    cmocka_unit_test(strmap__value_hashed_adds_once_and_updates_in_place),
    cmocka_unit_test(strmap__clear_empties_and_keeps_the_slots),
    cmocka_unit_test(strmap__slots_are_small_and_keep_enough_hash),
    cmocka_unit_test(ptrmap__prefetch_asks_for_the_probe_start_and_changes_nothing),
    cmocka_unit_test(arena__serves_aligned_and_oversized_blocks),
    cmocka_unit_test(arena__growing_chunks_keep_every_block_intact),
    cmocka_unit_test(alloc_fail_after__fails_exactly_the_nth_allocation),
    cmocka_unit_test(calloc_written__gives_zeros_and_fails_as_pt_calloc),
    cmocka_unit_test(array_grow__allocates_only_to_grow_and_keeps_the_array_on_failure),
    cmocka_unit_test(parse_u64__rejects_garbage),
    cmocka_unit_test(error__may_quote_the_last_message),
    cmocka_unit_test(varint__round_trips_and_rejects_bad_numbers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
