/* pt_buf and the string helpers of pt/buf.h. */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"

void pt_buf_fini(pt_buf *b)
{
  if (!b)
    return;
  pt_free(b->ptr);
  b->ptr = NULL;
  b->len = b->cap = 0;
}

void pt_buf_clear(pt_buf *b)
{
  b->len = 0;
  if (b->ptr)
    b->ptr[0] = '\0';
}

int pt_buf_grow(pt_buf *b, size_t extra)
{
  if (extra >= ((size_t)-1) - b->len)
    return PT_ERR(PT_ENOMEM, "out of memory growing a buffer by %zu bytes", extra);
  if (b->len + extra + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) {
    if (cap > ((size_t)-1) / 2)
      return PT_ERR(PT_ENOMEM, "buffer size overflow");
    cap *= 2;
  }
  char *p = pt_realloc(b->ptr, cap);
  if (!p)
    return PT_ERR(PT_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
  b->ptr = p;
  b->cap = cap;
  return 0;
}

int pt_buf_put(pt_buf *b, const void *data, size_t len)
{
  int rc = len < b->cap - b->len ? 0 : pt_buf_grow(b, len); /* len <= cap */
  if (rc)
    return rc;
  if (len)
    memcpy(b->ptr + b->len, data, len);
  b->len += len;
  b->ptr[b->len] = '\0';
  return 0;
}

int pt_buf_puts(pt_buf *b, const char *s)
{
  return pt_buf_put(b, s, strlen(s));
}

int pt_buf_putc(pt_buf *b, char c)
{
  if (b->len + 2 > b->cap) {
    int rc = pt_buf_grow(b, 1);
    if (rc)
      return rc;
  }
  b->ptr[b->len++] = c;
  b->ptr[b->len] = '\0';
  return 0;
}

/* Formats into the room the buffer has, and only when the text does not
 * fit grows it and formats again: one vsnprintf in the common case. */
int pt_buf_vprintf(pt_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  va_copy(ap2, ap);
  size_t room = b->cap > b->len ? b->cap - b->len : 0;
  int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    if (room)
      b->ptr[b->len] = '\0';
    return PT_ERR(PT_EINVAL, "bad format string");
  }
  if ((size_t)n < room) {
    b->len += (size_t)n;
    return 0;
  }
  if (room)
    b->ptr[b->len] = '\0'; /* what did not fit is not the buffer's */
  int rc = pt_buf_grow(b, (size_t)n);
  if (rc)
    return rc;
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int pt_buf_printf(pt_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = pt_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

char *pt_buf_detach(pt_buf *b)
{
  char *p = b->ptr;
  if (!p)
    p = pt_strdup("");
  b->ptr = NULL;
  b->len = b->cap = 0;
  return p;
}

const char *pt_buf_cstr(const pt_buf *b)
{
  return b->ptr ? b->ptr : "";
}

char *pt_strndup(const char *s, size_t len)
{
  char *p = pt_malloc(len + 1);
  if (!p)
    return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *pt_strdup(const char *s)
{
  return pt_strndup(s, strlen(s));
}

int pt_snprintf(char *dst, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(dst, size, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= size)
    return PT_ERR(PT_EINVAL, "string too long for a %zu-byte buffer", size);
  return 0;
}

int pt_parse_u64(const char *s, unsigned long long *out)
{
  unsigned long long v = 0;
  if (!s || !*s)
    return PT_ERR(PT_EINVAL, "expected a number, got an empty string");
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return PT_ERR(PT_EINVAL, "'%s' is not a whole number", s);
    unsigned d = (unsigned)(*p - '0');
    if (v > (~0ULL - d) / 10)
      return PT_ERR(PT_EINVAL, "'%s' is too large", s);
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

int pt_str_starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

int pt_str_ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int pt_strv_copy(const char *const *v, size_t n, char ***out, size_t *n_out)
{
  *out = NULL;
  *n_out = 0;
  if (n == 0)
    return 0;
  if (!(*out = pt_calloc(n, sizeof **out)))
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (!((*out)[i] = pt_strdup(v[i])))
      return PT_ERR(PT_ENOMEM, "out of memory");
    (*n_out)++;
  }
  return 0;
}

void pt_strv_free(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pt_free(v[i]);
  pt_free(v);
}
