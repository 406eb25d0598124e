/* C++ overloads of one arity told apart by the types of the arguments
 * (resolve_int.h, pt__cpp_typed): the types the extractor read at the
 * call (extract_args.c) against the parameter types each overload's
 * signature writes (extract/cpp_types.h), ranked as the standard ranks
 * implicit conversions, as far as that needs no guess. */
#include <string.h>

#include "extract/cpp_types.h"
#include "pt/compat.h"
#include "resolve_int.h"

#define MAX_ARGS 16
#define MAX_CANDS 16

typedef struct arg {
  char cls;          /* 'L' a non-const lvalue, 'C' a const one, 'R' an
                        rvalue, '?' not known */
  pt_cpp_type t;
} arg;

/* The arguments written by the extractor ("Lint,?,Rconst char*"): their
 * number, or -1 when there are more than MAX_ARGS or one does not read. */
static int read_args(const char *s, arg *out)
{
  int n = 0;
  for (;;) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (n == MAX_ARGS || len == 0)
      return -1;
    out[n].cls = s[0];
    if (s[0] != '?' && !pt__cpp_type_read(s + 1, len - 1, 0, &out[n].t))
      return -1;
    n++;
    if (!e)
      return n;
    s = e + 1;
  }
}

/* The parameters of name in sig as spans: their number (at most max), or
 * -1 when the list does not read (no list, unbalanced brackets). */
static int param_spans(const char *sig, const char *name, const char **at,
                       size_t *len, int max)
{
  const char *p = pt__params_open(sig, name), *start = p;
  int depth = 0, n = 0;
  if (!p)
    return -1;
  for (; *p; p++) {
    char c = *p;
    if (c == '(' || c == '[' || c == '{' || c == '<')
      depth++;
    else if ((c == ')' || c == ']' || c == '}' || c == '>') && depth > 0)
      depth--;
    else if (depth == 0 && (c == ',' || c == ')')) {
      if (n == max)
        return -1;
      at[n] = start;
      len[n++] = (size_t)(p - start);
      if (c == ')')
        return n == 1 && strspn(start, " ") == len[0] ? 0 : n;
      start = p + 1;
    }
  }
  return -1;
}

/* Whether a parameter's type names something the index shows to be a
 * type, or a standard one: a template's parameter (T) is neither, and an
 * overload taking one may be chosen for any argument. */
static int is_known_type(const pt_resolver *rs, uint8_t fam, const char *text)
{
  static const char *const std_names[] = {"string", "wstring", "string_view",
                                          "FILE", "time_t", "va_list", NULL};
  if (strncmp(text, "const ", 6) == 0)
    text += 6;
  size_t n = strcspn(text, "*");
  char base[PT_CPP_TYPE_MAX];
  memcpy(base, text, n);
  base[n] = '\0';
  if (pt__cpp_std_type(base))
    return 1;
  for (int i = 0; std_names[i]; i++)
    if (strcmp(base, std_names[i]) == 0)
      return 1;
  size_t head;
  if (!pt__resolve_chain(rs, fam, base, n, &head))
    return 0;
  for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
    pt_kind k = (pt_kind)rs->info[i].kind;
    if (k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
        k == PT_KIND_TYPEDEF)
      return 1;
  }
  return 0;
}

/* How an argument fits a parameter, as the standard ranks an implicit
 * conversion sequence: 2 identity (a reference binding directly, an
 * array or string literal as a pointer), 1 an exact match that is not
 * identity (T* given for const T*, a non-const lvalue for const T&), 0
 * anything else (a promotion, a conversion, or not viable). */
static int fit(const arg *a, const pt_cpp_type *p)
{
  int same = strcmp(a->t.text, p->text) == 0;
  if (p->ref == 1 && !p->top_const)
    return same && a->cls == 'L' ? 2 : 0;
  if (p->ref == 1)
    return !same ? 0 : a->cls == 'L' ? 1 : 2;
  if (same)
    return 2;
  return a->t.n_ptr && strncmp(a->t.text, "const ", 6) != 0 &&
         strncmp(p->text, "const ", 6) == 0 &&
         strcmp(p->text + 6, a->t.text) == 0;
}

static int same_type(const pt_cpp_type *a, const pt_cpp_type *b)
{
  return a->ref == b->ref && a->top_const == b->top_const &&
         strcmp(a->text, b->text) == 0;
}

typedef struct cand {
  int n_params;
  int ok[MAX_ARGS];         /* the parameter's type reads */
  pt_cpp_type t[MAX_ARGS];
  int score[MAX_ARGS];
} cand;

/* Whether s[0..n) holds "...": C's ellipsis alone, or a pack (T... x). */
static int has_dots(const char *s, size_t n)
{
  for (size_t k = 0; k + 3 <= n; k++)
    if (s[k] == '.' && s[k + 1] == '.' && s[k + 2] == '.')
      return 1;
  return 0;
}

/* Reads candidate i's first n_args parameters into c: 0 when its
 * parameters do not read at all or take a pack. c->n_params ends before
 * C's "...", whose arguments rank below any other conversion. */
static int read_cand(const pt_resolver *rs, size_t i, int n_args, cand *c)
{
  const char *at[MAX_ARGS];
  size_t len[MAX_ARGS];
  const pt_entity *e = &rs->ents[i];
  c->n_params = param_spans(e->signature, e->name, at, len, MAX_ARGS);
  if (c->n_params < 0)
    return 0;
  for (int k = 0; k < c->n_params; k++)
    if (has_dots(at[k], len[k])) {
      size_t lead = strspn(at[k], " ");
      if (len[k] < lead + 3 || !has_dots(at[k] + lead, 3) ||
          strspn(at[k] + lead + 3, " ") != len[k] - lead - 3)
        return 0; /* Args&&... args: a template's pack */
      c->n_params = k;
    }
  for (int k = 0; k < n_args; k++) {
    c->ok[k] = k >= c->n_params ||
               (pt__cpp_type_read(at[k], len[k], 1, &c->t[k]) &&
                c->t[k].ref != 2 &&
                (!c->t[k].is_named ||
                 is_known_type(rs, rs->info[i].fam, c->t[k].text)));
    c->score[k] = 0;
  }
  return 1;
}

size_t pt__cpp_typed(const pt_resolver *rs, const size_t *cands, size_t n,
                     const pt_raw_ref *r)
{
  arg args[MAX_ARGS];
  static PT_THREAD_LOCAL cand cs[MAX_CANDS];
  int n_args = r->arg_types ? read_args(r->arg_types, args) : -1;
  if (n < 2 || n > MAX_CANDS || n_args < 1 || n_args != r->arity - 1)
    return NONE;
  for (size_t j = 0; j < n; j++)
    if (!read_cand(rs, cands[j], n_args, &cs[j]))
      return NONE;
  int told[MAX_ARGS], n_told = 0;
  for (int k = 0; k < n_args; k++) {
    /* a parameter every overload declares alike tells none apart, known
     * or not: its argument converts the same way for all of them */
    int alike = 1;
    for (size_t j = 0; alike && j < n; j++)
      alike = k < cs[j].n_params && cs[j].ok[k] &&
              same_type(&cs[0].t[k], &cs[j].t[k]);
    told[k] = !alike;
    if (alike)
      continue;
    if (args[k].cls == '?')
      return NONE;
    n_told++;
    for (size_t j = 0; j < n; j++) {
      if (!cs[j].ok[k])
        return NONE; /* a type not read, or a template's parameter */
      cs[j].score[k] = k < cs[j].n_params ? fit(&args[k], &cs[j].t[k]) : 0;
    }
  }
  if (n_told == 0)
    return NONE;
  /* the one that fits every argument told apart exactly, and no worse
   * than any other overload on each and better on one */
  size_t best = NONE;
  for (size_t j = 0; j < n; j++) {
    int wins = 1;
    for (int k = 0; wins && k < n_args; k++)
      wins = !told[k] || cs[j].score[k] > 0;
    for (size_t o = 0; wins && o < n; o++) {
      int better = 0;
      for (int k = 0; wins && k < n_args; k++) {
        wins = cs[j].score[k] >= cs[o].score[k];
        better |= cs[j].score[k] > cs[o].score[k];
      }
      wins = o == j || (wins && better);
    }
    if (wins) {
      if (best != NONE)
        return NONE;
      best = cands[j];
    }
  }
  return best;
}
