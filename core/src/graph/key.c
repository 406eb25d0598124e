/* Key construction (key.h). */
#include <string.h>

#include "key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"

/* "lang:token:", the start of entity and placeholder keys, without a
 * printf per key. */
static int put_prefix(pt_buf *out, const char *lang, const char *token)
{
  int rc = pt_buf_puts(out, lang);
  if (!rc) rc = pt_buf_putc(out, ':');
  if (!rc) rc = pt_buf_puts(out, token);
  if (!rc) rc = pt_buf_putc(out, ':');
  return rc;
}

/* v in decimal, as "%lld" writes it. */
static int put_decimal(pt_buf *out, int64_t v)
{
  char digits[24];
  size_t at = sizeof digits;
  /* the magnitude as unsigned, so the most negative value has one too */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    digits[--at] = (char)('0' + m % 10);
    m /= 10;
  } while (m);
  if (v < 0)
    digits[--at] = '-';
  return pt_buf_put(out, digits + at, sizeof digits - at);
}

int pt__key_semantic_path(pt_buf *out, const char *path)
{
  const char *base = strrchr(path, '/');
  const char *dot = strrchr(base ? base + 1 : path, '.');
  size_t n = dot && dot != (base ? base + 1 : path) ? (size_t)(dot - path)
                                                     : strlen(path);
  int rc = pt_buf_grow(out, n + 2);
  if (rc)
    return rc;
  char *d = out->ptr + out->len;
  d[0] = d[1] = '_';
  for (size_t i = 0; i < n; i++) {
    char c = path[i];
    d[2 + i] = (c == '/' || c == '\\' || c == '-' || c == '.') ? '_' : c;
  }
  out->len += n + 2;
  out->ptr[out->len] = '\0';
  return 0;
}

int pt__key_sanitize(pt_buf *out, const char *name)
{
  int rc = 0;
  for (const char *p = name; rc == 0 && *p; p++) {
    size_t run = strcspn(p, ", <>[]{}\t\n\r"); /* kept as they are */
    if (run) {
      rc = pt_buf_put(out, p, run);
      p += run - 1;
      continue;
    }
    switch (*p) {
    case ',':
      rc = pt_buf_puts(out, "__c__");
      if (p[1] == ' ')
        p++;
      break;
    case ' ': rc = pt_buf_putc(out, '_'); break;
    case '<': rc = pt_buf_puts(out, "__lt__"); break;
    case '>': rc = pt_buf_puts(out, "__gt__"); break;
    case '[': rc = pt_buf_puts(out, "__lb__"); break;
    case ']': rc = pt_buf_puts(out, "__rb__"); break;
    case '{': rc = pt_buf_puts(out, "__lc__"); break;
    case '}': rc = pt_buf_puts(out, "__rc__"); break;
    case '\t': case '\n': case '\r': rc = pt_buf_putc(out, '_'); break;
    default: rc = pt_buf_putc(out, *p); break;
    }
  }
  return rc;
}

int pt__key_birth(const char *path, const char *ident, int64_t *out)
{
  /* path 0xff ident 0xff, on the stack unless it is long */
  char small[512];
  size_t pl = strlen(path), il = strlen(ident), n = pl + il + 2;
  char *t = n <= sizeof small ? small : pt_malloc(n);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory");
  memcpy(t, path, pl);
  t[pl] = (char)0xff;
  memcpy(t + pl + 1, ident, il);
  t[n - 1] = (char)0xff;
  *out = 1577836800 + (int64_t)(pt_siphash13(t, n, 0, 0) % 315360000u);
  if (t != small)
    pt_free(t);
  return 0;
}

int pt__key_entity(pt_buf *out, pt_lang lang, pt_kind kind, const char *name,
                   const char *path, int64_t birth)
{
  int rc = put_prefix(out, pt_lang_name(lang), pt_kind_token(kind));
  if (!rc) rc = pt__key_sanitize(out, name);
  if (!rc) rc = pt_buf_putc(out, ':');
  if (!rc) rc = pt__key_semantic_path(out, path);
  if (!rc) rc = pt_buf_put(out, ":T", 2);
  if (!rc) rc = put_decimal(out, birth);
  return rc;
}

int pt__key_file(pt_buf *out, pt_lang lang, const char *path)
{
  size_t n = strlen(path);
  int rc = put_prefix(out, pt_lang_name(lang), "file");
  if (!rc) rc = pt_buf_grow(out, n);
  if (rc)
    return rc;
  char *d = out->ptr + out->len;
  for (size_t i = 0; i < n; i++)
    d[i] = (path[i] == '/' || path[i] == '\\' || path[i] == '.') ? '_' : path[i];
  out->len += n;
  out->ptr[out->len] = '\0';
  return pt_buf_put(out, ":1-1", 4);
}

int pt__key_placeholder(pt_buf *out, pt_lang lang, const char *token,
                        const char *name)
{
  int rc = put_prefix(out, pt_lang_name(lang), token);
  if (!rc) rc = pt__key_sanitize(out, name);
  if (!rc) rc = pt_buf_puts(out, ":unresolved-reference:0-0");
  return rc;
}
