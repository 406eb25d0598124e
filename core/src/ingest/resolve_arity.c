/* How many arguments a C or C++ function or function-like macro takes, read
 * from its signature (resolve_int.h): what lets a call choose among
 * overloads, or between the definitions of the two branches of an #if.
 * Whatever the signature does not show plainly counts as "any number", so
 * a misread signature never removes a candidate. Also what else a C++
 * signature says of a call: whether a member is const, whether two have
 * one parameter list, and the declared result type. */
#include <string.h>

#include "resolve_int.h"

static int is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

/* The byte after the '(' that opens the parameters of name in sig, or
 * NULL: the first whole word name followed (past spaces, or the ')' of a
 * parenthesised declarator `int (f) (int)`) by '('; *out_of_line when it
 * is written A::name (C++ defaults are on the declaration in the class);
 * *at: where that name starts. */
static const char *params_at(const char *sig, const char *name,
                             int *out_of_line, const char **at)
{
  size_t nl = strlen(name);
  for (const char *p = sig; nl && (p = strstr(p, name)) != NULL; p += nl) {
    const char *a = p + nl;
    if ((p > sig && is_name_char(p[-1])) || is_name_char(*a))
      continue;
    while (*a == ' ' || *a == ')')
      a++;
    if (*a == '(') {
      *out_of_line = p - sig >= 2 && p[-1] == ':' && p[-2] == ':';
      *at = p;
      return a + 1;
    }
  }
  return NULL;
}

static const char *params_of(const char *sig, const char *name,
                             int *out_of_line)
{
  const char *at;
  return params_at(sig, name, out_of_line, &at);
}

const char *pt__params_open(const char *sig, const char *name)
{
  int out_of_line = 0;
  return sig ? params_of(sig, name, &out_of_line) : NULL;
}

typedef struct params {
  unsigned n;        /* parameters written, "..." not counted */
  unsigned required; /* those before the first with a default */
  int variadic;
} params;

static int is_void(const char *a, const char *b)
{
  while (a < b && *a == ' ')
    a++;
  while (b > a && b[-1] == ' ')
    b--;
  return b - a == 4 && memcmp(a, "void", 4) == 0;
}

/* Whether the parameter [a, b) takes any number of arguments: C's and
 * Java's "...", C#'s "params T[] x". */
static int is_variadic(const char *a, const char *b)
{
  while (a < b && *a == ' ')
    a++;
  if (b - a > 7 && memcmp(a, "params ", 7) == 0)
    return 1;
  for (const char *q = a; q + 2 < b; q++)
    if (q[0] == '.' && q[1] == '.' && q[2] == '.')
      return 1;
  return 0;
}

/* Reads the parameter list from p (past its '('): 1 and *out, or 0 when
 * it does not end or its brackets do not pair up (a cut signature). */
static int read_params(const char *p, params *out)
{
  int depth = 0, has_default = 0, nonempty = 0;
  const char *start = p;
  memset(out, 0, sizeof *out);
  for (;; p++) {
    char ch = *p;
    if (!ch)
      return 0;
    int end = depth == 0 && ch == ')';
    if (depth == 0 && (ch == ',' || end)) {
      if (is_variadic(start, p))
        out->variadic = 1;
      else if (nonempty && !(end && out->n == 0 && is_void(start, p))) {
        out->n++;
        if (!has_default && out->required + 1 == out->n)
          out->required++;
      }
      if (end)
        return 1;
      start = p + 1;
      nonempty = 0;
      continue;
    }
    if (ch == '(' || ch == '[' || ch == '{' || ch == '<')
      depth++;
    else if (ch == ')' || ch == ']' || ch == '}' || (ch == '>' && p[-1] != '-'))
      depth--;
    if (depth < 0)
      return 0;
    if (depth == 0 && ch == '=' && p[1] != '=' && !strchr("=!<>", p[-1]))
      has_default = 1;
    if (ch != ' ')
      nonempty = 1;
  }
}

int pt__arity_fits(const char *sig, const char *name, int is_macro,
                   int is_cpp, unsigned n_args)
{
  int out_of_line = 0;
  const char *p = sig ? params_of(sig, name, &out_of_line) : NULL;
  params ps;
  if (!p || !read_params(p, &ps))
    return 1;
  if (out_of_line)
    ps.required = 0;
  while (*p == ' ')
    p++;
  /* C's f() declares no parameters at all: any call fits */
  if (!is_cpp && !is_macro && *p == ')')
    return 1;
  return n_args >= ps.required && (ps.variadic || n_args <= ps.n);
}

void pt__arity_range(const char *sig, const char *name, int is_macro,
                     int is_cpp, uint8_t *lo, uint8_t *hi)
{
  int out_of_line = 0;
  const char *p = sig ? params_of(sig, name, &out_of_line) : NULL;
  params ps;
  *lo = 0;
  *hi = 255;
  if (!p || !read_params(p, &ps))
    return;
  if (out_of_line)
    ps.required = 0;
  while (*p == ' ')
    p++;
  if (!is_cpp && !is_macro && *p == ')')
    return;
  *lo = (uint8_t)(ps.required > 255 ? 255 : ps.required);
  *hi = (uint8_t)(ps.variadic || ps.n > 255 ? 255 : ps.n);
}

/* The byte after the ')' that closes the parameter list starting at p
 * (past its '('), or NULL when the brackets do not pair up. */
static const char *params_close(const char *p)
{
  int depth = 1;
  for (; *p; p++) {
    depth += *p == '(' || *p == '[' || *p == '{';
    depth -= *p == ')' || *p == ']' || *p == '}';
    if (depth == 0)
      return p + 1;
  }
  return NULL;
}

int pt__cpp_const_member(const char *sig, const char *name)
{
  int out_of_line = 0;
  const char *p = sig ? params_of(sig, name, &out_of_line) : NULL;
  if (!p || !(p = params_close(p)))
    return 0;
  /* the qualifiers before a body, an initialiser list or "= 0" */
  for (; *p && *p != '{' && *p != '=' && *p != ';' && *p != ':'; p++)
    if (strncmp(p, "const", 5) == 0 && !is_name_char(p[5]) &&
        !is_name_char(p[-1]))
      return 1;
  return 0;
}

/* The parameter list from p (past its '(') to end (past its ')') without
 * spaces and default values, into out (cap bytes); 0 when it does not fit. */
static int plain_params(const char *p, const char *end, char *out, size_t cap)
{
  size_t n = 0;
  int depth = 0, in_default = 0;
  for (; p < end - 1; p++) {
    depth += *p == '(' || *p == '<' || *p == '[' || *p == '{';
    depth -= *p == ')' || *p == '>' || *p == ']' || *p == '}';
    if (depth == 0 && *p == ',')
      in_default = 0;
    else if (depth == 0 && *p == '=')
      in_default = 1;
    if (in_default || *p == ' ' || *p == '\t' || *p == '\n')
      continue;
    if (n + 1 >= cap)
      return 0;
    out[n++] = *p;
  }
  out[n] = '\0';
  return 1;
}

int pt__cpp_same_params(const char *a, const char *b, const char *name)
{
  int ooa = 0, oob = 0;
  const char *pa = a ? params_of(a, name, &ooa) : NULL;
  const char *pb = b ? params_of(b, name, &oob) : NULL;
  const char *ea = pa ? params_close(pa) : NULL;
  const char *eb = pb ? params_close(pb) : NULL;
  char na[256], nb[256];
  return ea && eb && plain_params(pa, ea, na, sizeof na) &&
         plain_params(pb, eb, nb, sizeof nb) && strcmp(na, nb) == 0;
}

static int is_word(const char *a, const char *b, const char *w)
{
  return (size_t)(b - a) == strlen(w) && memcmp(a, w, (size_t)(b - a)) == 0;
}

/* Whether the word const is written in [a, b). */
static int has_const(const char *a, const char *b)
{
  for (const char *p = a; p + 5 <= b; p++)
    if (memcmp(p, "const", 5) == 0 && (p == a || !is_name_char(p[-1])) &&
        (p + 5 == b || !is_name_char(p[5])))
      return 1;
  return 0;
}

int pt__cpp_result_type(const char *sig, const char *name, char *out,
                        size_t cap, int *is_const)
{
  int out_of_line = 0;
  const char *at = NULL;
  if (!sig || !params_at(sig, name, &out_of_line, &at))
    return 0;
  const char *e = at;
  while (e - sig >= 2 && e[-1] == ':' && e[-2] == ':') { /* A::B::name */
    e -= 2;
    while (e > sig && is_name_char(e[-1]))
      e--;
  }
  const char *te = e;
  while (te > sig && (te[-1] == ' ' || te[-1] == '*' || te[-1] == '&'))
    te--;
  const char *ts = te;
  while (ts > sig && (is_name_char(ts[-1]) || ts[-1] == ':'))
    ts--;
  static const char *const not_types[] = {
    "virtual", "static", "inline", "explicit", "constexpr", "friend",
    "extern", "const", "auto", "void", "operator", "typename", NULL};
  if (ts == te || te - ts >= (ptrdiff_t)cap)
    return 0;
  for (int i = 0; not_types[i]; i++)
    if (is_word(ts, te, not_types[i]))
      return 0;
  memcpy(out, ts, (size_t)(te - ts));
  out[te - ts] = '\0';
  *is_const = has_const(sig, ts) || has_const(te, e);
  return 1;
}
