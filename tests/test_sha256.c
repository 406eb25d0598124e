/* SHA-256's two block functions (base/sha256.h): the portable one against
 * NIST's vectors, and the x86 SHA instructions' against the portable one
 * on every length from 0 to 300 bytes and on long inputs, so the content
 * hashes of an index do not depend on the CPU that made it. */
#include <stdio.h>
#include <string.h>

#include "base/sha256.h"
#include "pt/hash.h"
#include "test_support.h"

/* FIPS 180-4's examples and NIST's SHAVS short and long messages. */
static const struct {
  const char *msg;
  const char *hex;
} vectors[] = {
  {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
  {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
  {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
   "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
   "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

/* xorshift64*: the same bytes on every run and every machine */
static void fill(unsigned char *p, size_t n, uint64_t seed)
{
  uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    p[i] = (unsigned char)((x * 0x2545f4914f6cdd1dULL) >> 56);
  }
}

static void check_vectors(pt__sha256_blocks_fn *blocks)
{
  char hex[65];
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    pt__sha256_hex_with(blocks, vectors[i].msg, strlen(vectors[i].msg), hex);
    assert_string_equal(hex, vectors[i].hex);
  }
  /* a million 'a's: many blocks in one call */
  static unsigned char a[1000000];
  memset(a, 'a', sizeof a);
  pt__sha256_hex_with(blocks, a, sizeof a, hex);
  assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void sha256_portable__matches_nist_vectors(void **state)
{
  (void)state;
  check_vectors(pt__sha256_blocks_portable);
}

static void sha256_hex__matches_nist_vectors(void **state)
{
  (void)state;
  char hex[65];
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    pt_sha256_hex(vectors[i].msg, strlen(vectors[i].msg), hex);
    assert_string_equal(hex, vectors[i].hex);
  }
}

/* The hardware's block function, or NULL after saying why the test
 * cannot run here. */
static pt__sha256_blocks_fn *hardware(void)
{
  pt__sha256_blocks_fn *hw = pt__sha256_blocks_hw();
  if (!hw)
    printf("# skipped: this CPU or compiler has no SHA-256 instructions\n");
  return hw;
}

static void sha256_hw__matches_nist_vectors(void **state)
{
  (void)state;
  pt__sha256_blocks_fn *hw = hardware();
  if (hw)
    check_vectors(hw);
}

static void sha256_hw__matches_portable_on_every_length_to_300(void **state)
{
  (void)state;
  pt__sha256_blocks_fn *hw = hardware();
  unsigned char buf[301];
  char want[65], got[65];
  for (size_t len = 0; hw && len <= 300; len++)
    for (uint64_t seed = 0; seed < 4; seed++) {
      fill(buf, len, len * 4 + seed);
      pt__sha256_hex_with(pt__sha256_blocks_portable, buf, len, want);
      pt__sha256_hex_with(hw, buf, len, got);
      assert_string_equal(got, want);
    }
}

static void sha256_hw__matches_portable_on_long_unaligned_input(void **state)
{
  (void)state;
  pt__sha256_blocks_fn *hw = hardware();
  static unsigned char buf[70001];
  char want[65], got[65];
  fill(buf, sizeof buf, 7);
  /* odd offsets: the loads must not assume alignment */
  for (size_t off = 0; hw && off < 4; off++) {
    pt__sha256_hex_with(pt__sha256_blocks_portable, buf + off, sizeof buf - off, want);
    pt__sha256_hex_with(hw, buf + off, sizeof buf - off, got);
    assert_string_equal(got, want);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(sha256_portable__matches_nist_vectors),
    cmocka_unit_test(sha256_hex__matches_nist_vectors),
    cmocka_unit_test(sha256_hw__matches_nist_vectors),
    cmocka_unit_test(sha256_hw__matches_portable_on_every_length_to_300),
    cmocka_unit_test(sha256_hw__matches_portable_on_long_unaligned_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
