/* gzip of response bodies (http_gzip.h), without a library: zlib is not
 * among the libraries core may link on every platform. Greedy LZ77 with
 * hash chains, then the fixed Huffman codes of deflate: JSON shrinks four
 * to eight times, which is what matters on loopback. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "http_gzip.h"
#include "pt/alloc.h"
#include "pt/error.h"

#define WINDOW 32768
#define HASH_BITS 15
#define MAX_CHAIN 32
#define MIN_MATCH 3
#define MAX_MATCH 258

typedef struct bits {
  pt_buf *out;
  uint32_t acc;
  unsigned n;
  int rc;
} bits;

/* Writes the low n bits of v, least significant first. */
static void put_bits(bits *b, uint32_t v, unsigned n)
{
  b->acc |= v << b->n;
  b->n += n;
  while (b->n >= 8) {
    if (b->rc == 0)
      b->rc = pt_buf_putc(b->out, (char)(b->acc & 0xff));
    b->acc >>= 8;
    b->n -= 8;
  }
}

/* A Huffman code: written most significant bit first. */
static void put_code(bits *b, uint32_t code, unsigned n)
{
  uint32_t r = 0;
  for (unsigned i = 0; i < n; i++)
    r |= ((code >> i) & 1u) << (n - 1 - i);
  put_bits(b, r, n);
}

static void put_literal(bits *b, unsigned c)
{
  if (c < 144)
    put_code(b, 0x30 + c, 8);
  else if (c < 256)
    put_code(b, 0x190 + (c - 144), 9);
  else if (c < 280)
    put_code(b, c - 256, 7);
  else
    put_code(b, 0xc0 + (c - 280), 8);
}

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
                                      15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,     5,     7,    9,    13,
                                       17,   25,   33,   49,    65,    97,   129,  193,
                                       257,  385,  513,  769,   1025,  1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static void put_match(bits *b, unsigned len, unsigned dist)
{
  unsigned i = 28;
  while (len_base[i] > len)
    i--;
  put_literal(b, 257 + i);
  put_bits(b, len - len_base[i], len_extra[i]);
  unsigned d = 29;
  while (dist_base[d] > dist)
    d--;
  put_code(b, d, 5);
  put_bits(b, dist - dist_base[d], dist_extra[d]);
}

static uint32_t hash3(const unsigned char *p)
{
  uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* The longest earlier match of p (at most max bytes) within the window,
 * following the hash chain; its length (0 below MIN_MATCH) and distance. */
static unsigned longest(const unsigned char *s, size_t pos, size_t max,
                        const int32_t *head, const int32_t *prev, unsigned *dist)
{
  unsigned best = 0;
  int32_t cand = head[hash3(s + pos)];
  for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
    if (pos - (size_t)cand > WINDOW - 1)
      break;
    unsigned n = 0;
    while (n < max && s[(size_t)cand + n] == s[pos + n])
      n++;
    if (n > best) {
      best = n;
      *dist = (unsigned)(pos - (size_t)cand);
      if (n == max)
        break;
    }
    cand = prev[(size_t)cand % WINDOW];
  }
  return best >= MIN_MATCH ? best : 0;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static void put_le32(pt_buf *out, uint32_t v, int *rc)
{
  char b[4] = {(char)(v & 0xff), (char)(v >> 8 & 0xff), (char)(v >> 16 & 0xff),
               (char)(v >> 24 & 0xff)};
  if (*rc == 0)
    *rc = pt_buf_put(out, b, 4);
}

int pt__gzip(const char *data, size_t len, pt_buf *out)
{
  static const char header[10] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, (char)0xff};
  const unsigned char *s = (const unsigned char *)data;
  int32_t *head = pt_malloc(((size_t)1 << HASH_BITS) * sizeof *head);
  int32_t *prev = pt_malloc(WINDOW * sizeof *prev);
  bits b = {out, 0, 0, 0};
  if (!head || !prev)
    b.rc = PT_ERR(PT_ENOMEM, "out of memory compressing an answer");
  if (b.rc == 0)
    b.rc = pt_buf_put(out, header, sizeof header);
  if (b.rc == 0) {
    memset(head, 0xff, ((size_t)1 << HASH_BITS) * sizeof *head);
    put_bits(&b, 1, 1); /* the final block */
    put_bits(&b, 1, 2); /* fixed Huffman codes */
  }
  for (size_t pos = 0; b.rc == 0 && pos < len;) {
    unsigned dist = 0, n = 0;
    size_t max = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
    if (max >= MIN_MATCH)
      n = longest(s, pos, max, head, prev, &dist);
    size_t step = n ? n : 1;
    if (n)
      put_match(&b, n, dist);
    else
      put_literal(&b, s[pos]);
    for (size_t k = pos; k < pos + step && k + MIN_MATCH <= len; k++) {
      uint32_t h = hash3(s + k);
      prev[k % WINDOW] = head[h];
      head[h] = (int32_t)k;
    }
    pos += step;
  }
  put_literal(&b, 256); /* end of block */
  if (b.n)
    put_bits(&b, 0, 8 - b.n);
  put_le32(out, crc32_of(s, len), &b.rc);
  put_le32(out, (uint32_t)len, &b.rc);
  pt_free(head);
  pt_free(prev);
  if (b.rc && b.rc != PT_ENOMEM)
    b.rc = PT_ERR(PT_ENOMEM, "out of memory compressing an answer");
  return b.rc;
}

/* The q of one Accept-Encoding item: "gzip", "gzip;q=0.5", " * ;q=0". */
static int item_accepts(const char *p, size_t n)
{
  size_t name = 0;
  while (name < n && p[name] != ';' && p[name] != ' ' && p[name] != '\t')
    name++;
  int gzip = (name == 4 && !strncmp(p, "gzip", 4)) || (name == 6 && !strncmp(p, "x-gzip", 6)) ||
             (name == 1 && p[0] == '*');
  if (!gzip)
    return 0;
  const char *q = p + name;
  while (q < p + n && (*q == ' ' || *q == '\t' || *q == ';'))
    q++;
  if (q + 2 <= p + n && (q[0] | 32) == 'q' && q[1] == '=') {
    q += 2;
    while (q < p + n && (*q == '0' || *q == '.'))
      q++;
    return q < p + n && isdigit((unsigned char)*q); /* q=0, q=0.000: refused */
  }
  return 1;
}

int pt__gzip_accepted(const char *ae)
{
  if (!ae)
    return 0;
  while (*ae) {
    while (*ae == ' ' || *ae == '\t' || *ae == ',')
      ae++;
    size_t n = strcspn(ae, ",");
    char lower[64];
    size_t k = n < sizeof lower - 1 ? n : sizeof lower - 1;
    for (size_t i = 0; i < k; i++)
      lower[i] = (char)tolower((unsigned char)ae[i]);
    lower[k] = '\0';
    if (n && item_accepts(lower, k))
      return 1;
    ae += n;
  }
  return 0;
}
