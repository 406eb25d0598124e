/* SHA-256 (FIPS 180-4), SipHash-1-3 and a table hash (pt/hash.h).
 * SipHash-1-3 with key (0,0) is what Rust's DefaultHasher computes, which
 * the earlier tool's birth timestamps depend on. SHA-256 runs on the CPU's
 * SHA instructions where it has them (base/sha256.h). */
#include <stdio.h>
#include <string.h>

#include "base/sha256.h"
#include "pt/hash.h"

const uint32_t pt__sha256_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t st[8], const unsigned char *p)
{
  uint32_t w[64], a, b, c, d, e, f, g, h;
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  a = st[0]; b = st[1]; c = st[2]; d = st[3];
  e = st[4]; f = st[5]; g = st[6]; h = st[7];
  for (int i = 0; i < 64; i++) {
    uint32_t s1 = ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25);
    uint32_t t1 = h + s1 + ((e & f) ^ (~e & g)) + pt__sha256_k[i] + w[i];
    uint32_t s0 = ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22);
    uint32_t t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  st[0] += a; st[1] += b; st[2] += c; st[3] += d;
  st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

void pt__sha256_blocks_portable(uint32_t st[8], const unsigned char *p,
                                size_t n)
{
  for (; n > 0; n--, p += 64)
    sha256_block(st, p);
}

void pt__sha256_hex_with(pt__sha256_blocks_fn *blocks, const void *data,
                         size_t len, char out[65])
{
  uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const unsigned char *p = data;
  size_t left = len % 64;
  unsigned char tail[128];
  if (len >= 64) {
    blocks(st, p, len / 64);
    p += len - left;
  }
  memset(tail, 0, sizeof tail);
  if (left)
    memcpy(tail, p, left);
  tail[left] = 0x80;
  size_t tlen = left + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++)
    tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
  blocks(st, tail, tlen / 64);
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) {
      unsigned v = (st[i] >> (24 - 8 * j)) & 0xff;
      out[i * 8 + j * 2] = hex[v >> 4];
      out[i * 8 + j * 2 + 1] = hex[v & 15];
    }
  out[64] = '\0';
}

void pt_sha256_hex(const void *data, size_t len, char out[65])
{
  pt__sha256_blocks_fn *hw = pt__sha256_blocks_hw();
  pt__sha256_hex_with(hw ? hw : pt__sha256_blocks_portable, data, len, out);
}

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                   \
  do {                                                             \
    v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);  \
    v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;                       \
    v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;                       \
    v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);  \
  } while (0)

uint64_t pt_siphash13(const void *data, size_t len, uint64_t k0, uint64_t k1)
{
  const unsigned char *p = data;
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  uint64_t b = (uint64_t)len << 56;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t m = 0;
    for (int j = 0; j < 8; j++)
      m |= (uint64_t)p[i + j] << (8 * j);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  for (size_t j = 0; i + j < len; j++)
    b |= (uint64_t)p[i + j] << (8 * j);
  v3 ^= b;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t pt_hash64(const void *data, size_t len)
{
  const unsigned char *p = data;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h ^= w * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 29)) * 0x94d049bb133111ebULL;
    p += 8;
    len -= 8;
  }
  uint64_t w = 0;
  if (len)
    memcpy(&w, p, len);
  h ^= w * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 32)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 29);
}

uint64_t pt_hash64_fold(uint64_t h, const void *record, size_t size)
{
  return (h ^ pt_hash64(record, size)) * 0x100000001b3u;
}
