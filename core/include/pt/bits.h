/* Bit sets in arrays of 64-bit words: bit i is word i / 64, bit i % 64.
 * The caller sizes the array ((n >> 6) + 1 words for n bits). */
#ifndef PT_BITS_H
#define PT_BITS_H

#include <stddef.h>
#include <stdint.h>

static inline int pt_bit_has(const uint64_t *bits, size_t i)
{
  return (int)((bits[i >> 6] >> (i & 63)) & 1);
}

static inline void pt_bit_set(uint64_t *bits, size_t i)
{
  bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

#endif
