/* libFuzzer: the JSON writer (pt/json.h). The input is a program of writer
 * calls (containers, keys, strings with any bytes, integers, doubles);
 * the output must be one JSON value (cJSON), hold no raw control byte and
 * only well-formed UTF-8, and give back, token by token, each string (bad
 * UTF-8 replaced by U+FFFD byte by byte) and each number written. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "pt/buf.h"
#include "pt/json.h"

#define MAX_TOKENS 4096

typedef struct token {
  char kind;         /* 's' string or key, 'i' int, 'u' uint, 'd' double */
  pt_buf text;       /* 's': the expected decoded bytes */
  long long i;
  unsigned long long u;
  double d;
} token;

typedef struct program {
  const uint8_t *p, *end;
  token tok[MAX_TOKENS];
  size_t n_tok;
} program;

static void fail(const char *why, const pt_buf *out)
{
  fprintf(stderr, "fuzz_json: %s\noutput: %.*s\n", why,
          (int)(out->len > 2000 ? 2000 : out->len), pt_buf_cstr(out));
  abort();
}

static int take(program *g, void *dst, size_t n)
{
  if ((size_t)(g->end - g->p) < n)
    return 0;
  memcpy(dst, g->p, n);
  g->p += n;
  return 1;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7),
 * or 0; written apart from the writer's own check on purpose. */
static size_t seq_len(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  if (c < 0x80)
    return 1;
  unsigned lo = 0x80, hi = 0xbf;
  size_t need;
  if (c >= 0xc2 && c <= 0xdf)
    need = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 3;
    lo = c == 0xe0 ? 0xa0 : 0x80;
    hi = c == 0xed ? 0x9f : 0xbf;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 4;
    lo = c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xf4 ? 0x8f : 0xbf;
  } else
    return 0;
  if (n < need || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t k = 2; k < need; k++)
    if (s[k] < 0x80 || s[k] > 0xbf)
      return 0;
  return need;
}

static token *expect(program *g, char kind)
{
  if (g->n_tok == MAX_TOKENS)
    return NULL;
  token *t = &g->tok[g->n_tok++];
  memset(t, 0, sizeof *t);
  t->kind = kind;
  return t;
}

/* A string of the input, written by key or strn; its expected reading. */
static void write_string(program *g, pt_json *j, int is_key)
{
  uint8_t n8 = 0;
  take(g, &n8, 1);
  size_t n = n8;
  if (n > (size_t)(g->end - g->p))
    n = (size_t)(g->end - g->p);
  char *s = malloc(n + 1);
  if (!s)
    abort();
  memcpy(s, g->p, n);
  s[n] = '\0';
  g->p += n;
  if (is_key)
    n = strlen(s); /* a key is a C string */
  token *t = expect(g, 's');
  if (t)
    for (size_t i = 0; i < n;) {
      size_t k = seq_len((const unsigned char *)s + i, n - i);
      pt_buf_put(&t->text, k ? s + i : "\xef\xbf\xbd", k ? k : 3);
      i += k ? k : 1;
    }
  if (is_key)
    pt_json_key(j, s);
  else
    pt_json_strn(j, s, n);
  free(s);
}

static void write_value(program *g, pt_json *j, uint8_t op)
{
  union { long long i; unsigned long long u; double d; } v = {0};
  token *t;
  switch (op % 7) {
  case 0:
    write_string(g, j, 0);
    break;
  case 1:
    take(g, &v, 8);
    if ((t = expect(g, 'i')))
      t->i = v.i;
    pt_json_int(j, v.i);
    break;
  case 2:
    take(g, &v, 8);
    if ((t = expect(g, 'u')))
      t->u = v.u;
    pt_json_uint(j, v.u);
    break;
  case 3:
    take(g, &v, 8);
    if (isfinite(v.d) && (t = expect(g, 'd')))
      t->d = v.d;
    pt_json_double(j, v.d);
    break;
  case 4:
    pt_json_bool(j, op & 8);
    break;
  case 5:
    pt_json_null(j);
    break;
  default:
    pt_json_str(j, NULL);
  }
}

/* Writes the input's program: opcodes open and close containers (an
 * object's members get a key first) or write a value. */
static int run(program *g, pt_json *j)
{
  char open[PT_JSON_MAX_DEPTH + 8];
  int depth = 0, deepest = 1;
  pt_json_arr(j);
  open[depth++] = ']';
  uint8_t op;
  while (take(g, &op, 1)) {
    if (op >= 0xf0 && depth > 1) {
      if (open[--depth] == '}')
        pt_json_obj_end(j);
      else
        pt_json_arr_end(j);
      continue;
    }
    if (open[depth - 1] == '}')
      write_string(g, j, 1);
    if (op >= 0xe0 && depth < (int)sizeof open) {
      if (op & 1)
        pt_json_obj(j);
      else
        pt_json_arr(j);
      open[depth++] = op & 1 ? '}' : ']';
      deepest = depth > deepest ? depth : deepest;
    } else {
      write_value(g, j, op);
    }
  }
  while (depth > 0)
    if (open[--depth] == '}')
      pt_json_obj_end(j);
    else
      pt_json_arr_end(j);
  return deepest;
}

static unsigned hexval(const char *h)
{
  char tmp[5] = {h[0], h[1], h[2], h[3], 0};
  return (unsigned)strtoul(tmp, NULL, 16);
}

static void put_utf8(pt_buf *b, unsigned cp)
{
  char u[4];
  size_t n;
  if (cp < 0x80) { u[0] = (char)cp; n = 1; }
  else if (cp < 0x800) {
    u[0] = (char)(0xc0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 63));
    u[2] = (char)(0x80 | (cp & 63)); n = 3;
  } else {
    u[0] = (char)(0xf0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 63));
    u[2] = (char)(0x80 | (cp >> 6 & 63)); u[3] = (char)(0x80 | (cp & 63));
    n = 4;
  }
  pt_buf_put(b, u, n);
}

/* Decodes the string token at s[0] == '"' (valid JSON: cJSON said so);
 * returns the offset past it. */
static size_t decode_string(const char *s, pt_buf *into)
{
  size_t i = 1;
  while (s[i] != '"') {
    if (s[i] != '\\') {
      pt_buf_putc(into, s[i++]);
      continue;
    }
    char e = s[i + 1];
    i += 2;
    if (e == 'u') {
      unsigned cp = hexval(s + i);
      i += 4;
      if (cp >= 0xd800 && cp < 0xdc00 && s[i] == '\\' && s[i + 1] == 'u') {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (hexval(s + i + 2) - 0xdc00);
        i += 6;
      }
      put_utf8(into, cp);
    } else {
      static const char from[] = "bfnrt\"\\/", to[] = "\b\f\n\r\t\"\\/";
      pt_buf_putc(into, to[strchr(from, e) - from]);
    }
  }
  return i + 1;
}

static void check_number(const token *t, const char *s, size_t n,
                         const pt_buf *out)
{
  char tmp[64];
  if (n >= sizeof tmp)
    fail("number token too long", out);
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  if (t->kind == 'i' && strtoll(tmp, NULL, 10) != t->i)
    fail("an integer does not read back", out);
  if (t->kind == 'u' && strtoull(tmp, NULL, 10) != t->u)
    fail("an unsigned integer does not read back", out);
  if (t->kind == 'd' && (strtod(tmp, NULL) != t->d || !strpbrk(tmp, ".e")))
    fail("a double does not read back as itself with '.' or 'e'", out);
}

/* Walks the output's tokens in order against what was written. */
static void check_tokens(const program *g, const pt_buf *out)
{
  const char *s = out->ptr;
  size_t k = 0;
  pt_buf got = PT_BUF_INIT;
  for (size_t i = 0; i < out->len && k < g->n_tok;) {
    char c = s[i];
    if (c == '"') {
      pt_buf_clear(&got);
      i += decode_string(s + i, &got);
      const token *t = &g->tok[k++];
      if (t->kind != 's' || got.len != t->text.len ||
          (got.len && memcmp(got.ptr, t->text.ptr, got.len) != 0))
        fail("a string does not read back as written", out);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t n = strspn(s + i, "-+0123456789.eE");
      if (g->tok[k].kind == 's')
        fail("a number where a string was written", out);
      check_number(&g->tok[k++], s + i, n, out);
      i += n;
    } else {
      i++;
    }
  }
  pt_buf_fini(&got);
  if (k != g->n_tok)
    fail("fewer tokens than written", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static program g;
  g.p = data;
  g.end = data + size;
  g.n_tok = 0;
  pt_buf out = PT_BUF_INIT;
  pt_json j;
  pt_json_init(&j, &out);
  int deepest = run(&g, &j);
  int rc = pt_json_finish(&j);
  if ((rc != 0) != (deepest > PT_JSON_MAX_DEPTH))
    fail(rc ? "an error below the depth limit" : "no error past the depth "
         "limit", &out);
  if (rc == 0) {
    for (size_t i = 0; i < out.len;) {
      if ((unsigned char)out.ptr[i] < 0x20)
        fail("a raw control byte", &out);
      size_t n = seq_len((const unsigned char *)out.ptr + i, out.len - i);
      if (!n)
        fail("ill-formed UTF-8", &out);
      i += n;
    }
    pt_fuzz_check_json(out.ptr, out.len, "the writer's output");
    check_tokens(&g, &out);
  }
  for (size_t i = 0; i < g.n_tok; i++)
    pt_buf_fini(&g.tok[i].text);
  pt_buf_fini(&out);
  return 0;
}
