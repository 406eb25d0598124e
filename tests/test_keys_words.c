/* Key shapes, name sanitisation, word counting and UTF-8 validation
 * (core-private helpers behind extraction). */
#include <string.h>

#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/hash.h"
#include "test_support.h"
#include "base/words.h"

static char *semantic(const char *path)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_semantic_path(&b, path), 0);
  return pt_buf_detach(&b);
}

static void key_semantic_path__drops_extension_and_maps_separators(void **state)
{
  char *a = semantic("src/main.rs");
  char *b = semantic("crates/my-lib/src/x.y.py");
  char *c = semantic("pkg.d/Makefile");
  assert_string_equal(a, "__src_main");
  assert_string_equal(b, "__crates_my_lib_src_x_y");
  assert_string_equal(c, "__pkg_d_Makefile"); /* a dot in a folder is no extension */
  pt_free(a);
  pt_free(b);
  pt_free(c);
}

static void key_sanitize__follows_the_earlier_tool(void **state)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_sanitize(&b, "Map<K, V>[]{x} y"), 0);
  assert_string_equal(b.ptr, "Map__lt__K__c__V__gt____lb____rb____lc__x__rc___y");
  pt_buf_fini(&b);
}

static void key_entity__has_five_parts_and_the_birth_number(void **state)
{
  pt_buf b = PT_BUF_INIT;
  int64_t t = 0;
  assert_int_equal(pt__key_birth("src/main.rs", "main", &t), 0);
  assert_int_equal(t, 1756414581);
  assert_int_equal(pt__key_entity(&b, PT_LANG_RUST, PT_KIND_FUNCTION, "main",
                                  "src/main.rs", t), 0);
  assert_string_equal(b.ptr, "rust:fn:main:__src_main:T1756414581");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_entity(&b, PT_LANG_JAVA, PT_KIND_INTERFACE, "Shape",
                                  "a/Shape.java", 1), 0);
  assert_string_equal(b.ptr, "java:trait:Shape:__a_Shape:T1");
  pt_buf_fini(&b);
}

static void key_file_and_placeholder__have_their_fixed_shapes(void **state)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt__key_file(&b, PT_LANG_C, "src/list.h"), 0);
  assert_string_equal(b.ptr, "c:file:src_list_h:1-1");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_placeholder(&b, PT_LANG_GO, "fn", "Println"), 0);
  assert_string_equal(b.ptr, "go:fn:Println:unresolved-reference:0-0");
  pt_buf_fini(&b);
}

/* The pieces written without printf: every birth number as "%lld" writes
 * it, runs of plain characters between the ones a key replaces, and the
 * separators of files and semantic paths. */
static void keys__birth_numbers_runs_and_separators(void **state)
{
  pt_buf b = PT_BUF_INIT;
  const int64_t births[] = {0, -5, 7, INT64_MAX, INT64_MIN};
  const char *want[] = {"rust:fn:f:__a:T0", "rust:fn:f:__a:T-5",
                        "rust:fn:f:__a:T7",
                        "rust:fn:f:__a:T9223372036854775807",
                        "rust:fn:f:__a:T-9223372036854775808"};
  for (size_t i = 0; i < 5; i++) {
    pt_buf_clear(&b);
    assert_int_equal(pt__key_entity(&b, PT_LANG_RUST, PT_KIND_FUNCTION, "f",
                                    "a.rs", births[i]), 0);
    assert_string_equal(b.ptr, want[i]);
    assert_int_equal(b.len, strlen(want[i]));
  }
  pt_buf_clear(&b);
  assert_int_equal(pt__key_sanitize(&b, "a,b, c\td\re\nf  g<>"), 0);
  assert_string_equal(b.ptr, "a__c__b__c__c_d_e_f__g__lt____gt__");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_sanitize(&b, ""), 0);
  assert_int_equal(b.len, 0);
  assert_int_equal(pt__key_file(&b, PT_LANG_RUST, "a\\b.c/d-e"), 0);
  assert_string_equal(b.ptr, "rust:file:a_b_c_d-e:1-1");
  pt_buf_clear(&b);
  assert_int_equal(pt__key_semantic_path(&b, "a\\b-c/d.e.rs"), 0);
  assert_string_equal(b.ptr, "__a_b_c_d_e");
  assert_int_equal(b.len, strlen("__a_b_c_d_e"));
  pt_buf_fini(&b);
}

/* path 0xff ident 0xff hashed, however long the two are (short ones are
 * put together on the stack, long ones on the heap). */
static void key_birth__hashes_short_and_long_names_alike(void **state)
{
  static char path[1200], ident[700], joined[1902];
  for (size_t pl = 1; pl < sizeof path; pl += 149) {
    for (size_t il = 1; il < sizeof ident; il += 233) {
      memset(path, 'p', pl);
      path[pl] = '\0';
      memset(ident, 'i', il);
      ident[il] = '\0';
      memcpy(joined, path, pl);
      joined[pl] = (char)0xff;
      memcpy(joined + pl + 1, ident, il);
      joined[pl + il + 1] = (char)0xff;
      int64_t want = 1577836800 +
          (int64_t)(pt_siphash13(joined, pl + il + 2, 0, 0) % 315360000u);
      int64_t got = 0;
      assert_int_equal(pt__key_birth(path, ident, &got), 0);
      assert_int_equal(got, want);
    }
  }
}

static void count_words__splits_on_unicode_white_space(void **state)
{
  assert_int_equal(pt__count_words("", 0), 0);
  assert_int_equal(pt__count_words("  a  b\tc\n", 9), 3);
  const char *nbsp = "x\xc2\xa0y\xe3\x80\x80z\xe2\x80\x83w"; /* NBSP, U+3000, U+2003 */
  assert_int_equal(pt__count_words(nbsp, strlen(nbsp)), 4);
  const char *accent = "caf\xc3\xa9 ok";
  assert_int_equal(pt__count_words(accent, strlen(accent)), 2);
}

static void utf8_invalid_at__finds_the_first_bad_sequence(void **state)
{
  assert_int_equal(pt__utf8_invalid_at("abc", 3), 3);
  assert_int_equal(pt__utf8_invalid_at("caf\xc3\xa9", 5), 5);
  assert_int_equal(pt__utf8_invalid_at("ab\xff", 3), 2);
  assert_int_equal(pt__utf8_invalid_at("a\xc3", 2), 1);          /* truncated */
  assert_int_equal(pt__utf8_invalid_at("\xc0\xaf", 2), 0);       /* overlong */
  assert_int_equal(pt__utf8_invalid_at("\xed\xa0\x80", 3), 0);   /* surrogate */
  assert_int_equal(pt__utf8_invalid_at("\xf0\x9f\x98\x80", 4), 4); /* emoji */
}

/* Word counting as one byte (or one white-space character) at a time: what
 * the eight-byte steps must agree with. */
static uint64_t words_one_by_one(const unsigned char *p, size_t len)
{
  static const char *const spaces[] = {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80",
                                       "\xe2\x80\x80", "\xe2\x80\x8a",
                                       "\xe2\x80\xa8", "\xe2\x80\xa9",
                                       "\xe2\x80\xaf", "\xe2\x81\x9f",
                                       "\xe3\x80\x80", NULL};
  uint64_t words = 0;
  int in_word = 0;
  for (size_t i = 0; i < len;) {
    size_t sp = p[i] == ' ' || (p[i] >= 0x09 && p[i] <= 0x0d);
    for (int k = 0; !sp && spaces[k]; k++) {
      size_t n = strlen(spaces[k]);
      if (len - i >= n && memcmp(p + i, spaces[k], n) == 0)
        sp = n;
    }
    if (sp) {
      in_word = 0;
      i += sp;
    } else {
      words += !in_word;
      in_word = 1;
      i++;
    }
  }
  return words;
}

/* Random text from pieces that matter to the word count and to UTF-8:
 * ASCII letters and white space, multi-byte white space, other UTF-8,
 * stray and truncated bytes. */
static size_t random_text(unsigned char *out, size_t cap, uint32_t *seed,
                          int is_valid)
{
  static const char *const pieces[] = {
    "a", "Z", "_", "(", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x08", "\x0e",
    "\x1f", "!", "\x7f", "\xc2\xa0", "\xc2\x85", "\xe2\x80\x80", "\xe2\x80\x8a",
    "\xe2\x80\x8b", "\xe3\x80\x80", "\xe1\x9a\x80", "\xe2\x81\x9f",
    "\xc3\xa9", "\xf0\x9f\x98\x80", "abcdefgh", "        ", "ab cd ef gh ij",
    "\xff", "\xc2", "\xe2\x80", "\x80", "\xed\xa0\x80", "\xc0\xaf"};
  size_t n = 0, n_pieces = sizeof pieces / sizeof *pieces - (is_valid ? 6 : 0);
  for (;;) {
    *seed = *seed * 1103515245u + 12345u;
    const char *piece = pieces[(*seed >> 16) % n_pieces];
    size_t len = strlen(piece);
    if (n + len > cap || (*seed >> 8) % 61 == 0)
      return n;
    memcpy(out + n, piece, len);
    n += len;
  }
}

static void count_words__eight_bytes_at_a_time_as_one_by_one(void **state)
{
  unsigned char text[400];
  uint32_t seed = 7;
  for (int round = 0; round < 20000; round++) {
    size_t len = random_text(text, sizeof text, &seed, round % 2);
    for (size_t from = 0; from < len && from < 9; from++)
      assert_int_equal(pt__count_words((const char *)text + from, len - from),
                       words_one_by_one(text + from, len - from));
  }
}

/* UTF-8 validation one byte at a time, as RFC 3629 reads. */
static size_t invalid_one_by_one(const unsigned char *p, size_t len)
{
  for (size_t i = 0; i < len;) {
    unsigned c = p[i], min;
    size_t n;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xe0) == 0xc0) { n = 1; min = 0x80; c &= 0x1f; }
    else if ((c & 0xf0) == 0xe0) { n = 2; min = 0x800; c &= 0x0f; }
    else if ((c & 0xf8) == 0xf0) { n = 3; min = 0x10000; c &= 0x07; }
    else return i;
    if (i + n >= len)
      return i;
    for (size_t k = 1; k <= n; k++) {
      if ((p[i + k] & 0xc0) != 0x80)
        return i;
      c = (c << 6) | (p[i + k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
      return i;
    i += n + 1;
  }
  return len;
}

static void utf8_invalid_at__eight_bytes_at_a_time_as_one_by_one(void **state)
{
  unsigned char text[400];
  uint32_t seed = 11;
  for (int round = 0; round < 20000; round++) {
    size_t len = random_text(text, sizeof text, &seed, round % 2);
    for (size_t from = 0; from < len && from < 9; from++)
      assert_int_equal(pt__utf8_invalid_at((const char *)text + from, len - from),
                       invalid_one_by_one(text + from, len - from));
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(key_semantic_path__drops_extension_and_maps_separators),
    cmocka_unit_test(key_sanitize__follows_the_earlier_tool),
    cmocka_unit_test(key_entity__has_five_parts_and_the_birth_number),
    cmocka_unit_test(key_file_and_placeholder__have_their_fixed_shapes),
    cmocka_unit_test(keys__birth_numbers_runs_and_separators),
    cmocka_unit_test(key_birth__hashes_short_and_long_names_alike),
    cmocka_unit_test(count_words__splits_on_unicode_white_space),
    cmocka_unit_test(utf8_invalid_at__finds_the_first_bad_sequence),
    cmocka_unit_test(count_words__eight_bytes_at_a_time_as_one_by_one),
    cmocka_unit_test(utf8_invalid_at__eight_bytes_at_a_time_as_one_by_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
