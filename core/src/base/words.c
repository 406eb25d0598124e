/* Word counting and UTF-8 validation (words.h). */
#include "words.h"

#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)

/* Eight bytes as one number, the first in the low byte on any machine. */
static uint64_t load8(const unsigned char *p)
{
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
         (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
         (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* The high bit of each byte of v that is white space (' ', or 0x09 to
 * 0x0d); v holds only ASCII bytes, so no sum below carries into the next
 * byte. */
static uint64_t ascii_spaces(uint64_t v)
{
  uint64_t x = v ^ (0x20 * ONES);                  /* 0 where ' ' */
  uint64_t is_blank = ~((x + 0x7f * ONES) | x) & HIGH;
  uint64_t from_9 = (v + (0x80 - 0x09) * ONES) & HIGH;
  uint64_t from_e = (v + (0x80 - 0x0e) * ONES) & HIGH;
  return is_blank | (from_9 & ~from_e);
}

/* Length of the white-space character at s, or 0 when s is not one. */
static size_t space_len(const unsigned char *s, size_t left)
{
  unsigned c = s[0];
  if (c == ' ' || (c >= 0x09 && c <= 0x0d))
    return 1;
  if (c == 0xc2 && left >= 2 && (s[1] == 0x85 || s[1] == 0xa0))
    return 2;
  if (c == 0xe1 && left >= 3 && s[1] == 0x9a && s[2] == 0x80)
    return 3;                                   /* U+1680 */
  if (c == 0xe2 && left >= 3) {
    if (s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 ||
                         s[2] == 0xa9 || s[2] == 0xaf))
      return 3;                                 /* U+2000-200A, 2028/9, 202F */
    if (s[1] == 0x81 && s[2] == 0x9f)
      return 3;                                 /* U+205F */
  }
  if (c == 0xe3 && left >= 3 && s[1] == 0x80 && s[2] == 0x80)
    return 3;                                   /* U+3000 */
  return 0;
}

uint64_t pt__count_words(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  uint64_t words = 0;
  int in_word = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = p[i];
    uint64_t v = c < 0x80 && len - i >= 8 ? load8(p + i) : HIGH;
    if (!(v & HIGH)) {
      /* a word starts at each byte that is not space after one that is
       * (or after the byte before these eight) */
      uint64_t word = ~ascii_spaces(v) & HIGH;
      uint64_t starts = word & ~(word << 8 | (uint64_t)in_word << 7);
      words += ((starts >> 7) * ONES) >> 56;
      in_word = (int)(word >> 63);
      i += 8;
      continue;
    }
    size_t sp = c < 0x80 ? (c == ' ' || (c >= 0x09 && c <= 0x0d))
                         : space_len(p + i, len - i);
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

size_t pt__utf8_invalid_at(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned c = p[i];
    size_t n;
    unsigned min;
    if (c < 0x80) {
      i += len - i >= 8 && !(load8(p + i) & HIGH) ? 8 : 1;
      continue;
    }
    else if ((c & 0xe0) == 0xc0) { n = 1; min = 0x80; c &= 0x1f; }
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
