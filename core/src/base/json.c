/* The JSON writer of pt/json.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/error.h"
#include "pt/json.h"
#include "words.h"

void pt_json_init(pt_json *j, pt_buf *out)
{
  memset(j, 0, sizeof *j);
  j->out = out;
}

static void put(pt_json *j, const char *s, size_t len)
{
  if (j->rc == 0)
    j->rc = pt_buf_put(j->out, s, len);
}

/* A value or key is about to be written: a comma unless it is the first
 * item of its container, or the value of a key just written. */
static void before_item(pt_json *j)
{
  if (j->after_key) {
    j->after_key = 0;
    return;
  }
  if (j->depth > 0) {
    if (j->has_item[j->depth - 1])
      put(j, ",", 1);
    j->has_item[j->depth - 1] = 1;
  }
}

static void open_container(pt_json *j, char c)
{
  before_item(j);
  put(j, &c, 1);
  if (j->depth >= PT_JSON_MAX_DEPTH) {
    if (j->rc == 0)
      j->rc = PT_ERR(PT_EINVAL, "JSON nested deeper than %d", PT_JSON_MAX_DEPTH);
    return;
  }
  j->has_item[j->depth++] = 0;
}

static void close_container(pt_json *j, char c)
{
  if (j->depth > 0)
    j->depth--;
  put(j, &c, 1);
}

void pt_json_obj(pt_json *j) { open_container(j, '{'); }
void pt_json_obj_end(pt_json *j) { close_container(j, '}'); }
void pt_json_arr(pt_json *j) { open_container(j, '['); }
void pt_json_arr_end(pt_json *j) { close_container(j, ']'); }

static void put_string(pt_json *j, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  put(j, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      /* well-formed UTF-8 passes; any other byte becomes U+FFFD, so the
       * output stays valid JSON whatever a request or a file contained */
      size_t valid = pt__utf8_invalid_at(s + i, len - i < 4 ? len - i : 4);
      size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (valid >= need) {
        i += need;
        continue;
      }
      put(j, s + run, i - run);
      put(j, "\\ufffd", 6);
      run = ++i;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    put(j, s + run, i - run);
    run = i + 1;
    char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    default:
      esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
      esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
      n = 6;
    }
    put(j, esc, n);
    i++;
  }
  put(j, s + run, len - run);
  put(j, "\"", 1);
}

void pt_json_key(pt_json *j, const char *key)
{
  before_item(j);
  put_string(j, key, strlen(key));
  put(j, ":", 1);
  j->after_key = 1;
}

void pt_json_strn(pt_json *j, const char *s, size_t len)
{
  before_item(j);
  if (!s)
    put(j, "null", 4);
  else
    put_string(j, s, len);
}

void pt_json_str(pt_json *j, const char *s)
{
  pt_json_strn(j, s, s ? strlen(s) : 0);
}

void pt_json_int(pt_json *j, int64_t v)
{
  char tmp[32];
  before_item(j);
  int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
  put(j, tmp, (size_t)n);
}

void pt_json_uint(pt_json *j, uint64_t v)
{
  char tmp[32];
  before_item(j);
  int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  put(j, tmp, (size_t)n);
}

void pt_json_double(pt_json *j, double v)
{
  char tmp[40];
  before_item(j);
  if (!isfinite(v)) {
    put(j, "null", 4);
    return;
  }
  /* the shortest precision that reads back exactly */
  int n = 0, prec = 1;
  for (; prec <= 17; prec++) {
    n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
    if (strtod(tmp, NULL) == v)
      break;
  }
  /* ryu writes plain decimals between 1e-5 and 1e16, exponents outside */
  double mag = fabs(v);
  if (strchr(tmp, 'e') && mag >= 1e-5 && mag < 1e16) {
    int exp10 = (int)floor(log10(mag));
    int decimals = prec - 1 - exp10;
    n = snprintf(tmp, sizeof tmp, "%.*f", decimals > 0 ? decimals : 0, v);
  }
  /* "1e-07" -> "1e-7", "1.5e+20" -> "1.5e20", as ryu writes them */
  char *e = strchr(tmp, 'e');
  if (e) {
    char *d = e + 1, *r = e + 1;
    if (*r == '+')
      r++;
    else if (*r == '-')
      *d++ = *r++;
    while (*r == '0' && r[1])
      r++;
    memmove(d, r, strlen(r) + 1);
    n = (int)strlen(tmp);
  }
  put(j, tmp, (size_t)n);
  if (!strpbrk(tmp, ".e"))
    put(j, ".0", 2);
}

void pt_json_bool(pt_json *j, int v)
{
  before_item(j);
  put(j, v ? "true" : "false", v ? 4 : 5);
}

void pt_json_null(pt_json *j)
{
  before_item(j);
  put(j, "null", 4);
}

int pt_json_finish(pt_json *j)
{
  return j->rc;
}
