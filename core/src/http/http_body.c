/* The JSON body of a POST (http.h): a top-level object whose string,
 * number and boolean members become parameters, as the query string's do.
 * Nested values are skipped; anything that is not one JSON object is
 * refused with a 400 that says where it went wrong. */
#include <string.h>

#include "http.h"
#include "pt/arena.h"
#include "pt/error.h"

#define BAD 1 /* malformed: distinct from every PT_E* code */

typedef struct reader {
  const char *p, *end;
} reader;

static void skip_ws(reader *rd)
{
  while (rd->p < rd->end && (*rd->p == ' ' || *rd->p == '\t' || *rd->p == '\n' ||
                             *rd->p == '\r'))
    rd->p++;
}

static int hex4(const char *p, unsigned *out)
{
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if ((c | 32) >= 'a' && (c | 32) <= 'f')
      v |= (unsigned)((c | 32) - 'a' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static int put_utf8(pt_buf *b, unsigned cp)
{
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xc0 | cp >> 6);
    u[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | cp >> 12);
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    u[0] = (char)(0xf0 | cp >> 18);
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  return pt_buf_put(b, u, n);
}

/* A string at rd->p (on its opening quote), decoded into out (when not
 * NULL); BAD when malformed, PT_ENOMEM. A NUL, decoded or raw, is refused:
 * parameters are C strings. */
static int read_string(reader *rd, pt_buf *out)
{
  rd->p++;
  while (rd->p < rd->end && *rd->p != '"') {
    unsigned char c = (unsigned char)*rd->p++;
    if (c < 0x20)
      return BAD;
    if (c != '\\') {
      if (out && pt_buf_putc(out, (char)c))
        return PT_ENOMEM;
      continue;
    }
    if (rd->p >= rd->end)
      return BAD;
    char e = *rd->p++;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char map[] = "\"\\/\b\f\n\r\t";
      if (out && pt_buf_putc(out, map[simple - "\"\\/bfnrt"]))
        return PT_ENOMEM;
      continue;
    }
    unsigned cp, lo;
    if (e != 'u' || rd->end - rd->p < 4 || hex4(rd->p, &cp) || cp == 0)
      return BAD;
    rd->p += 4;
    if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair */
      if (rd->end - rd->p < 6 || rd->p[0] != '\\' || rd->p[1] != 'u' ||
          hex4(rd->p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
        return BAD;
      rd->p += 6;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    } else if (cp >= 0xdc00 && cp < 0xe000) {
      return BAD;
    }
    if (out && put_utf8(out, cp))
      return PT_ENOMEM;
  }
  if (rd->p >= rd->end)
    return BAD;
  rd->p++;
  return 0;
}

static size_t digits(const char *p, const char *end)
{
  size_t n = 0;
  while (p + n < end && p[n] >= '0' && p[n] <= '9')
    n++;
  return n;
}

/* The length of the JSON number at p (RFC 8259 6), or 0. */
static size_t number_len(const char *p, const char *end)
{
  const char *q = p;
  if (q < end && *q == '-')
    q++;
  size_t d = digits(q, end);
  if (d == 0 || (d > 1 && *q == '0'))
    return 0;
  q += d;
  if (q < end && *q == '.') {
    d = digits(q + 1, end);
    if (d == 0)
      return 0;
    q += 1 + d;
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    q++;
    if (q < end && (*q == '+' || *q == '-'))
      q++;
    d = digits(q, end);
    if (d == 0)
      return 0;
    q += d;
  }
  return (size_t)(q - p);
}

/* Any value; a scalar's text goes to out (when not NULL), a nested one or
 * null is skipped and *nested set. BAD when malformed, PT_ENOMEM. */
static int read_value(reader *rd, pt_buf *out, int *nested, int depth)
{
  skip_ws(rd);
  if (rd->p >= rd->end || depth > 64)
    return BAD;
  char c = *rd->p;
  if (c == '"')
    return read_string(rd, out);
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    *nested = 1;
    rd->p++;
    skip_ws(rd);
    if (rd->p < rd->end && *rd->p == close) {
      rd->p++;
      return 0;
    }
    for (;;) {
      int inner = 0;
      if (c == '{') {
        skip_ws(rd);
        if (rd->p >= rd->end || *rd->p != '"' || read_string(rd, NULL))
          return BAD; /* no output: never PT_ENOMEM */
        skip_ws(rd);
        if (rd->p >= rd->end || *rd->p++ != ':')
          return BAD;
      }
      if (read_value(rd, NULL, &inner, depth + 1))
        return BAD;
      skip_ws(rd);
      if (rd->p < rd->end && *rd->p == ',') {
        rd->p++;
        continue;
      }
      if (rd->p < rd->end && *rd->p == close) {
        rd->p++;
        return 0;
      }
      return BAD;
    }
  }
  const char *s = rd->p;
  while (rd->p < rd->end && *rd->p >= 'a' && *rd->p <= 'z')
    rd->p++;
  size_t n = (size_t)(rd->p - s);
  int word = (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
  int null = n == 4 && !memcmp(s, "null", 4);
  if (n == 0) {
    n = number_len(s, rd->end);
    rd->p += n;
  } else if (!word && !null) {
    return BAD;
  }
  if (n == 0)
    return BAD;
  if (null)
    *nested = 1; /* no value: as if absent */
  else if (out && pt_buf_put(out, s, n))
    return PT_ENOMEM;
  return 0;
}

static int add_arg(pt_req *r, const pt_buf *name, const pt_buf *v)
{
  pt_body_arg *a = pt_arena_alloc(&r->arena, sizeof *a);
  if (!a)
    return PT_ERR(PT_ENOMEM, "out of memory");
  a->name = pt_arena_strndup(&r->arena, name->ptr ? name->ptr : "", name->len);
  a->value = pt_arena_strndup(&r->arena, v->ptr ? v->ptr : "", v->len);
  if (!a->name || !a->value)
    return PT_ERR(PT_ENOMEM, "out of memory");
  a->next = r->body_args;
  r->body_args = a;
  return 0;
}

static int bad_body(pt_req *r, const reader *rd, const char *start)
{
  return pt__resp_error(r, 400, "the request body is not a JSON object (at byte "
                        "%zu): send {\"name\": \"value\", ...} or use the query "
                        "string", (size_t)(rd->p - start));
}

int pt__req_read_body(pt_req *r, const char *body, size_t len)
{
  reader rd = {body, body + len};
  pt_buf name = PT_BUF_INIT, value = PT_BUF_INIT;
  int rc = 0;
  skip_ws(&rd);
  if (rd.p >= rd.end)
    return 0; /* no body */
  if (*rd.p++ != '{')
    return bad_body(r, &rd, body);
  skip_ws(&rd);
  int empty = rd.p < rd.end && *rd.p == '}';
  if (empty)
    rd.p++;
  while (rc == 0 && !empty) {
    int nested = 0;
    pt_buf_clear(&name);
    pt_buf_clear(&value);
    skip_ws(&rd);
    if (rd.p >= rd.end || *rd.p != '"') {
      rc = BAD;
      break;
    }
    rc = read_string(&rd, &name);
    skip_ws(&rd);
    if (rc == 0 && (rd.p >= rd.end || *rd.p++ != ':'))
      rc = BAD;
    if (rc == 0)
      rc = read_value(&rd, &value, &nested, 0);
    if (rc == PT_ENOMEM)
      rc = PT_ERR(PT_ENOMEM, "out of memory reading the request body");
    if (rc == 0 && !nested)
      rc = add_arg(r, &name, &value);
    skip_ws(&rd);
    if (rc == 0 && rd.p < rd.end && *rd.p == ',') {
      rd.p++;
      continue;
    }
    if (rc == 0 && (rd.p >= rd.end || *rd.p++ != '}'))
      rc = BAD;
    break;
  }
  skip_ws(&rd);
  if (rc == 0 && rd.p != rd.end)
    rc = BAD;
  pt_buf_fini(&name);
  pt_buf_fini(&value);
  return rc == BAD ? bad_body(r, &rd, body) : rc;
}
