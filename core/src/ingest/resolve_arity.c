/* How many arguments a C or C++ function or function-like macro takes, read
 * from its signature (resolve_int.h): what lets a call choose among
 * overloads, or between the definitions of the two branches of an #if.
 * Whatever the signature does not show plainly counts as "any number", so
 * a misread signature never removes a candidate. */
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
 * is written A::name (C++ defaults are on the declaration in the class). */
static const char *params_of(const char *sig, const char *name,
                             int *out_of_line)
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
      return a + 1;
    }
  }
  return NULL;
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
      int dots = 0;
      for (const char *q = start; q + 2 < p && !dots; q++)
        dots = q[0] == '.' && q[1] == '.' && q[2] == '.';
      if (dots)
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
