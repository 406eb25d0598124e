/* Unsigned LEB128 varints (pt/varint.h). */
#include "pt/varint.h"

int pt_varint_put(pt_buf *b, uint64_t v)
{
  /* written in place: room for the longest (10 bytes) and the NUL */
  if (b->cap - b->len < 11) {
    int rc = pt_buf_grow(b, 10);
    if (rc)
      return rc;
  }
  unsigned char *p = (unsigned char *)b->ptr + b->len;
  while (v >= 0x80) {
    *p++ = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  *p++ = (unsigned char)v;
  b->len = (size_t)(p - (unsigned char *)b->ptr);
  b->ptr[b->len] = '\0';
  return 0;
}

pt_varint_status pt_varint_get_long(const unsigned char **p,
                                    const unsigned char *end, uint64_t *out)
{
  uint64_t v = 0;
  *out = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (*p == end)
      return PT_VARINT_TRUNCATED;
    if (shift > 63)
      return PT_VARINT_TOO_LONG;
    unsigned char byte = *(*p)++;
    v |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      break;
  }
  *out = v;
  return PT_VARINT_OK;
}
