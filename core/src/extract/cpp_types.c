/* C++ types read from their text into one canonical form (cpp_types.h),
 * for choosing among overloads by their arguments' types. Only what is
 * written plainly is read; anything else is "not read", and the caller
 * then chooses nothing. */
#include <string.h>

#include "cpp_types.h"

static int is_word_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

static int is_one_of(const char *w, size_t n, const char *const *list)
{
  for (int i = 0; list[i]; i++)
    if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
      return 1;
  return 0;
}

static const char *const builtin_words[] = {
  "void", "bool", "char", "wchar_t", "char8_t", "char16_t", "char32_t",
  "short", "int", "long", "signed", "unsigned", "float", "double", NULL};
/* words that say nothing of the type's identity */
static const char *const dropped_words[] = {
  "static", "inline", "constexpr", "extern", "mutable", "register",
  "volatile", "struct", "class", "enum", "union", "typename", "explicit",
  "virtual", "friend", NULL};

int pt__cpp_std_type(const char *name)
{
  static const char *const names[] = {
    "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "int8_t",
    "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
    "uint64_t", "nullptr_t", NULL};
  return is_one_of(name, strlen(name), names);
}

typedef struct word {
  const char *s;
  size_t n;
} word;

/* The builtin type the words name, in one spelling, into out: 1, or 0
 * when they name none (two types, "long float"). */
static int builtin_spelling(const word *w, int n, char *out, size_t cap)
{
  int n_long = 0, is_unsigned = 0, is_signed = 0, is_short = 0, n_base = 0;
  const char *base = NULL;
  for (int i = 0; i < n; i++) {
    if (w[i].n == 4 && memcmp(w[i].s, "long", 4) == 0)
      n_long++;
    else if (w[i].n == 8 && memcmp(w[i].s, "unsigned", 8) == 0)
      is_unsigned = 1;
    else if (w[i].n == 6 && memcmp(w[i].s, "signed", 6) == 0)
      is_signed = 1;
    else if (w[i].n == 5 && memcmp(w[i].s, "short", 5) == 0)
      is_short = 1;
    else if (n_base++ == 0)
      base = w[i].s;
  }
  size_t bl = base ? strspn(base, "abcdefghijklmnopqrstuvwxyz0123456789_") : 0;
  int is_int = base && bl == 3 && memcmp(base, "int", 3) == 0;
  const char *s = NULL;
  if (n_base > 1 || n_long > 2 || (is_unsigned && is_signed) ||
      (is_short && n_long))
    return 0;
  if (base && !is_int) {
    if (bl == 4 && memcmp(base, "char", 4) == 0 && !is_short && !n_long)
      s = is_unsigned ? "unsigned char" : is_signed ? "signed char" : "char";
    else if (bl == 6 && memcmp(base, "double", 6) == 0 && !is_short &&
             !is_unsigned && !is_signed && n_long <= 1)
      s = n_long ? "long double" : "double";
    else if (is_short || n_long || is_unsigned || is_signed)
      return 0;
    else if (bl < cap) {
      memcpy(out, base, bl);
      out[bl] = '\0';
      return 1;
    }
  } else if (is_short) {
    s = is_unsigned ? "unsigned short" : "short";
  } else if (n_long) {
    s = n_long == 2 ? (is_unsigned ? "unsigned long long" : "long long")
                    : (is_unsigned ? "unsigned long" : "long");
  } else {
    s = is_unsigned ? "unsigned" : "int";
  }
  if (!s || strlen(s) >= cap)
    return 0;
  memcpy(out, s, strlen(s) + 1);
  return 1;
}

typedef struct reading {
  word words[8];
  int n_words, base_const, n_ptr, is_array, ref, has_name;
  uint8_t ptr_const[4];
} reading;

/* Reads one token at s[*i] into rd; 0 when the text is not read. */
static int read_token(const char *s, size_t n, size_t *i, reading *rd)
{
  char c = s[*i];
  if (c == '*') {
    if (rd->ref || rd->has_name || rd->n_ptr == 4)
      return 0;
    rd->ptr_const[rd->n_ptr++] = 0;
    ++*i;
  } else if (c == '&') {
    if (rd->ref || rd->has_name)
      return 0;
    rd->ref = *i + 1 < n && s[*i + 1] == '&' ? 2 : 1;
    *i += (size_t)rd->ref;
  } else if (c == '[') {
    while (*i < n && s[*i] != ']')
      ++*i;
    if (*i == n || rd->is_array++ || rd->ref || rd->n_ptr == 4)
      return 0;
    ++*i;
  } else if (is_word_char(c) || (c == ':' && *i + 1 < n && s[*i + 1] == ':')) {
    size_t a = *i;
    while (*i < n && (is_word_char(s[*i]) || s[*i] == ':'))
      ++*i;
    const char *w = s + a, *end = s + *i;
    for (const char *p = w; p + 1 < end; p++) /* a::b::c is c */
      if (p[0] == ':' && p[1] == ':')
        w = p + 2;
    size_t wl = (size_t)(end - w);
    if (wl == 0 || (w[0] >= '0' && w[0] <= '9'))
      return 0;
    if (wl == 5 && memcmp(w, "const", 5) == 0) {
      if (rd->n_ptr)
        rd->ptr_const[rd->n_ptr - 1] = 1;
      else
        rd->base_const = 1;
    } else if (!is_one_of(w, wl, dropped_words)) {
      if (rd->has_name || rd->n_words == 8)
        return 0;
      if (rd->n_ptr || rd->ref)
        rd->has_name = 1; /* T *name, T &name */
      else
        rd->words[rd->n_words++] = (word){w, wl};
    }
  } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
    ++*i;
  } else {
    return 0; /* <, (, ..., a comma */
  }
  return 1;
}

int pt__cpp_type_read(const char *s, size_t n, int with_name,
                      pt_cpp_type *out)
{
  reading rd;
  memset(&rd, 0, sizeof rd);
  for (size_t i = 0; i < n && s[i] != '=';)
    if (!read_token(s, n, &i, &rd))
      return 0;
  /* T name: the last word is the name when a type is written before it */
  if (with_name && !rd.has_name && rd.n_words >= 2 &&
      !is_one_of(rd.words[rd.n_words - 1].s, rd.words[rd.n_words - 1].n,
                 builtin_words)) {
    rd.n_words--;
    rd.has_name = 1;
  }
  if (rd.n_words == 0 || (rd.has_name && !with_name) ||
      (rd.is_array && !rd.has_name))
    return 0;
  int n_builtin = 0;
  for (int k = 0; k < rd.n_words; k++)
    n_builtin += is_one_of(rd.words[k].s, rd.words[k].n, builtin_words);
  char base[PT_CPP_TYPE_MAX];
  memset(out, 0, sizeof *out);
  if (n_builtin == rd.n_words) {
    if (!builtin_spelling(rd.words, rd.n_words, base, sizeof base))
      return 0;
  } else if (rd.n_words == 1 && rd.words[0].n < sizeof base) {
    memcpy(base, rd.words[0].s, rd.words[0].n);
    base[rd.words[0].n] = '\0';
    out->is_named = 1;
    if (strcmp(base, "auto") == 0 || strcmp(base, "decltype") == 0)
      return 0;
  } else {
    return 0;
  }
  if (rd.is_array) /* T x[N] is a T* wherever it is passed */
    rd.ptr_const[rd.n_ptr++] = 0;
  size_t at = 0;
  int top = rd.n_ptr ? rd.ptr_const[rd.n_ptr - 1] : rd.base_const;
  const char *lead = rd.base_const && rd.n_ptr ? "const " : "";
  if (strlen(lead) + strlen(base) + 6 * (size_t)rd.n_ptr >= sizeof out->text)
    return 0;
  memcpy(out->text, lead, strlen(lead));
  at = strlen(lead);
  memcpy(out->text + at, base, strlen(base));
  at += strlen(base);
  for (int k = 0; k < rd.n_ptr; k++) {
    out->text[at++] = '*';
    if (rd.ptr_const[k] && k + 1 < rd.n_ptr) {
      memcpy(out->text + at, "const", 5);
      at += 5;
    }
  }
  out->text[at] = '\0';
  out->ref = (uint8_t)rd.ref;
  out->top_const = (uint8_t)top;
  out->n_ptr = (uint8_t)rd.n_ptr;
  return 1;
}
