/* Key construction (key.h). */
#include <string.h>

#include "key.h"
#include "pt/hash.h"

int pt__key_semantic_path(pt_buf *out, const char *path)
{
  const char *base = strrchr(path, '/');
  const char *dot = strrchr(base ? base + 1 : path, '.');
  size_t n = dot && dot != (base ? base + 1 : path) ? (size_t)(dot - path)
                                                     : strlen(path);
  int rc = pt_buf_puts(out, "__");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    char c = path[i];
    rc = pt_buf_putc(out, (c == '/' || c == '\\' || c == '-' || c == '.') ? '_' : c);
  }
  return rc;
}

int pt__key_sanitize(pt_buf *out, const char *name)
{
  int rc = 0;
  for (const char *p = name; rc == 0 && *p; p++) {
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
  pt_buf b = PT_BUF_INIT;
  int rc = pt_buf_puts(&b, path);
  if (!rc) rc = pt_buf_putc(&b, (char)0xff);
  if (!rc) rc = pt_buf_puts(&b, ident);
  if (!rc) rc = pt_buf_putc(&b, (char)0xff);
  if (!rc)
    *out = 1577836800 + (int64_t)(pt_siphash13(b.ptr, b.len, 0, 0) % 315360000u);
  pt_buf_fini(&b);
  return rc;
}

int pt__key_entity(pt_buf *out, pt_lang lang, pt_kind kind, const char *name,
                   const char *path, int64_t birth)
{
  int rc = pt_buf_printf(out, "%s:%s:", pt_lang_name(lang), pt_kind_token(kind));
  if (!rc) rc = pt__key_sanitize(out, name);
  if (!rc) rc = pt_buf_putc(out, ':');
  if (!rc) rc = pt__key_semantic_path(out, path);
  if (!rc) rc = pt_buf_printf(out, ":T%lld", (long long)birth);
  return rc;
}

int pt__key_file(pt_buf *out, pt_lang lang, const char *path)
{
  int rc = pt_buf_printf(out, "%s:file:", pt_lang_name(lang));
  for (const char *p = path; rc == 0 && *p; p++)
    rc = pt_buf_putc(out, (*p == '/' || *p == '\\' || *p == '.') ? '_' : *p);
  if (!rc) rc = pt_buf_puts(out, ":1-1");
  return rc;
}

int pt__key_placeholder(pt_buf *out, pt_lang lang, const char *token,
                        const char *name)
{
  int rc = pt_buf_printf(out, "%s:%s:", pt_lang_name(lang), token);
  if (!rc) rc = pt__key_sanitize(out, name);
  if (!rc) rc = pt_buf_puts(out, ":unresolved-reference:0-0");
  return rc;
}
