/* Unsigned LEB128 varints (pt/varint.h). */
#include "pt/varint.h"

int pt_varint_put(pt_buf *b, uint64_t v)
{
  unsigned char tmp[10];
  size_t n = 0;
  do {
    unsigned char byte = (unsigned char)(v & 0x7f);
    v >>= 7;
    tmp[n++] = (unsigned char)(v ? byte | 0x80 : byte);
  } while (v);
  return pt_buf_put(b, tmp, n);
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
