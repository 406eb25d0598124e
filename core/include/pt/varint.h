/* Unsigned LEB128 varints: 7 bits a byte, low bits first, the high bit set
 * on every byte but the last; at most 10 bytes for a uint64_t. The one
 * codec the store's records (record_codec.c) and the ingest stage's reuse
 * records (ingest_reuse.c) are written in. */
#ifndef PT_VARINT_H
#define PT_VARINT_H

#include <stdint.h>
#include "pt/buf.h"

/* Appends v to b: 0, or PT_ENOMEM with b as it was. */
int pt_varint_put(pt_buf *b, uint64_t v);

/* Zigzag: small negative and positive numbers both make small varints. */
static inline uint64_t pt_zigzag(int64_t v)
{
  return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}
static inline int64_t pt_unzigzag(uint64_t u)
{
  return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

typedef enum pt_varint_status {
  PT_VARINT_OK = 0,
  PT_VARINT_TRUNCATED, /* the bytes ended inside the number */
  PT_VARINT_TOO_LONG   /* more than 64 bits */
} pt_varint_status;

/* Reads one varint from *p (never past end) into *out and moves *p past
 * it; on a bad number *out is 0 and *p where the reading stopped. Most of
 * the numbers loads read (counts, kinds, string numbers) are one byte,
 * read here without a call; pt_varint_get_long reads any. */
pt_varint_status pt_varint_get_long(const unsigned char **p,
                                    const unsigned char *end, uint64_t *out);
static inline pt_varint_status pt_varint_get(const unsigned char **p,
                                             const unsigned char *end,
                                             uint64_t *out)
{
  if (*p != end && **p < 0x80) {
    *out = *(*p)++;
    return PT_VARINT_OK;
  }
  return pt_varint_get_long(p, end, out);
}

#endif
