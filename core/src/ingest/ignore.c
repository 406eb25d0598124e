/* pt/ignore.h: gitignore rules. The glob matcher works in two levels, names
 * within a path segment and segments within a path, each the classic
 * greedy match with one backtrack point for the last star, so it needs
 * neither recursion nor allocation. */
#include <ctype.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ignore.h"

/* A POSIX class "[:name:]" inside a bracket. */
static int class_match(const char *name, size_t len, unsigned char c)
{
  static const struct {
    const char *name;
    int (*test)(int);
  } classes[] = {
    {"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank},
    {"cntrl", iscntrl}, {"digit", isdigit}, {"graph", isgraph},
    {"lower", islower}, {"print", isprint}, {"punct", ispunct},
    {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit}};
  for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
    if (strlen(classes[i].name) == len && !memcmp(classes[i].name, name, len))
      return classes[i].test(c) != 0;
  return 0;
}

/* Matches c against the bracket starting at p[*i] == '['. Returns 1 or 0
 * and moves *i past the ']', or -1 when the bracket is not closed. */
static int bracket_match(const char *p, size_t n, size_t *i, unsigned char c)
{
  size_t j = *i + 1;
  int negate = j < n && (p[j] == '!' || p[j] == '^');
  int matched = 0;
  j += (size_t)negate;
  for (int first = 1;; first = 0) {
    if (j >= n)
      return -1;
    if (p[j] == ']' && !first)
      break;
    if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
      size_t k = j + 2;
      while (k + 1 < n && !(p[k] == ':' && p[k + 1] == ']'))
        k++;
      if (k + 1 >= n)
        return -1;
      matched |= class_match(p + j + 2, k - j - 2, c);
      j = k + 2;
      continue;
    }
    if (p[j] == '\\' && ++j >= n)
      return -1;
    unsigned char lo = (unsigned char)p[j++], hi = lo;
    if (j + 1 < n && p[j] == '-' && p[j + 1] != ']') {
      j++;
      if (p[j] == '\\' && ++j >= n)
        return -1;
      hi = (unsigned char)p[j++];
    }
    matched |= c == lo || (c >= lo && c <= hi); /* git: "z-a" still has z */
  }
  *i = j + 1;
  return matched != negate;
}

/* One path segment (no '/') against one pattern segment. A run of stars
 * is a single star here; "**" as a whole segment is handled by the caller. */
static int segment_match(const char *p, size_t pn, const char *t, size_t tn)
{
  size_t pi = 0, ti = 0, star_p = 0, star_t = 0;
  int has_star = 0;
  while (ti < tn) {
    if (pi < pn && p[pi] == '*') {
      while (pi < pn && p[pi] == '*')
        pi++;
      has_star = 1;
      star_p = pi;
      star_t = ti;
      continue;
    }
    int ok = 0;
    size_t next = pi;
    if (pi < pn) {
      if (p[pi] == '[') {
        ok = bracket_match(p, pn, &next, (unsigned char)t[ti]);
        if (ok < 0)
          return 0;
      } else if (p[pi] == '?') {
        ok = 1;
        next = pi + 1;
      } else {
        if (p[pi] == '\\')
          next++;
        ok = next < pn && p[next] == t[ti];
        next++;
      }
    }
    if (ok) {
      pi = next;
      ti++;
    } else if (has_star) {
      pi = star_p;
      ti = ++star_t;
    } else {
      return 0;
    }
  }
  while (pi < pn && p[pi] == '*')
    pi++;
  return pi == pn;
}

/* End of the segment starting at s: the next '/' that is neither escaped
 * by '\' nor inside a bracket (git allows "[a/b]", which simply can never
 * match the '/'). */
static const char *segment_end(const char *s, const char *end, int is_pattern)
{
  while (s < end && *s != '/') {
    size_t next = 1;
    if (is_pattern && *s == '\\' && s + 1 < end) {
      next = 2;
    } else if (is_pattern && *s == '[') {
      size_t i = 0;
      if (bracket_match(s, (size_t)(end - s), &i, 0) >= 0)
        next = i;
    }
    s += next;
  }
  return s;
}

static int is_globstar(const char *s, const char *e)
{
  if (e - s < 2)
    return 0;
  for (; s < e; s++)
    if (*s != '*')
      return 0;
  return 1;
}

/* Segment by segment; p and t point at the current segment of pattern and
 * path, NULL once the last one is consumed (a trailing '/' leaves an empty
 * last segment, which a name never matches). */
int pt_ignore_match_glob(const char *pattern, size_t pattern_len,
                         const char *path, size_t path_len)
{
  const char *p = pattern, *pend = pattern + pattern_len;
  const char *t = path, *tend = path + path_len;
  const char *star_p = NULL, *star_t = NULL;
  for (;;) {
    if (!p) {
      if (!t)
        return 1;
    } else {
      const char *pe = segment_end(p, pend, 1);
      const char *p_next = pe < pend ? pe + 1 : NULL;
      int globstar = is_globstar(p, pe);
      if (globstar && p_next) {
        star_p = p = p_next;
        star_t = t;
        continue;
      }
      if (globstar) {
        /* trailing: one or more names below, or anything when alone */
        if (p == pattern || t)
          return 1;
      } else if (t) {
        const char *te = segment_end(t, tend, 0);
        if (segment_match(p, (size_t)(pe - p), t, (size_t)(te - t))) {
          p = p_next;
          t = te < tend ? te + 1 : NULL;
          continue;
        }
      }
    }
    /* let the last "**" swallow one more directory and retry */
    if (!star_p || !star_t)
      return 0;
    const char *te = segment_end(star_t, tend, 0);
    star_t = te < tend ? te + 1 : NULL;
    p = star_p;
    t = star_t;
  }
}

/* Drops unescaped trailing spaces, as git does. */
static size_t trim_trailing_spaces(const char *s, size_t len)
{
  size_t keep = len;
  int in_spaces = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == ' ') {
      if (!in_spaces)
        keep = i;
      in_spaces = 1;
      continue;
    }
    in_spaces = 0;
    keep = len;
    if (s[i] == '\\' && i + 1 < len)
      i++;
  }
  return keep;
}

/* Turns one line into a rule; 0 when the line holds no pattern. */
static int parse_line(const char *s, size_t len, pt_ignore_rule *out)
{
  unsigned flags = 0;
  if (len && s[len - 1] == '\r')
    len--;
  len = trim_trailing_spaces(s, len);
  if (len == 0 || s[0] == '#')
    return 0;
  if (s[0] == '!') {
    flags |= PT_IGNORE_NEGATE;
    s++;
    len--;
  }
  if (len && s[len - 1] == '/') {
    flags |= PT_IGNORE_DIR_ONLY;
    len--;
  }
  if (!memchr(s, '/', len))
    flags |= PT_IGNORE_BASENAME;
  else if (s[0] == '/') {
    s++;
    len--;
  }
  out->pattern = s;
  out->len = len;
  out->flags = flags;
  return len > 0;
}

int pt_ignore_list_parse(const char *text, size_t len, pt_ignore_list *out)
{
  size_t n_lines = 1;
  out->text = NULL;
  out->rules = NULL;
  out->n_rules = 0;
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
    text += 3;
    len -= 3;
  }
  for (size_t i = 0; i < len; i++)
    n_lines += text[i] == '\n';
  out->text = pt_strndup(text, len);
  out->rules = pt_malloc(n_lines * sizeof *out->rules);
  if (!out->text || !out->rules) {
    pt_ignore_list_fini(out);
    return PT_ERR(PT_ENOMEM, "out of memory parsing ignore rules");
  }
  const char *s = out->text, *end = out->text + len;
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *eol = nl ? nl : end;
    out->n_rules += (size_t)parse_line(s, (size_t)(eol - s),
                                       &out->rules[out->n_rules]);
    s = nl ? nl + 1 : end;
  }
  return 0;
}

void pt_ignore_list_fini(pt_ignore_list *l)
{
  if (!l)
    return;
  pt_free(l->text);
  pt_free(l->rules);
  l->text = NULL;
  l->rules = NULL;
  l->n_rules = 0;
}

pt_ignore_verdict pt_ignore_list_match(const pt_ignore_list *l,
                                       const char *path, int is_dir)
{
  size_t len = strlen(path);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t base_len = len - (size_t)(base - path);
  size_t i = l->n_rules;
  while (i-- > 0) {
    const pt_ignore_rule *r = &l->rules[i];
    if ((r->flags & PT_IGNORE_DIR_ONLY) && !is_dir)
      continue;
    int hit = (r->flags & PT_IGNORE_BASENAME)
                  ? pt_ignore_match_glob(r->pattern, r->len, base, base_len)
                  : pt_ignore_match_glob(r->pattern, r->len, path, len);
    if (hit)
      return (r->flags & PT_IGNORE_NEGATE) ? PT_IGNORE_INCLUDE
                                           : PT_IGNORE_EXCLUDE;
  }
  return PT_IGNORE_NONE;
}

void pt_ignore_stack_fini(pt_ignore_stack *s)
{
  if (!s)
    return;
  while (s->n_frames)
    pt_ignore_stack_pop(s);
  pt_free(s->frames);
  s->frames = NULL;
  s->cap = 0;
}

int pt_ignore_stack_push(pt_ignore_stack *s, const char *base,
                         const char *git_text, size_t git_len,
                         const char *pt_text, size_t pt_len)
{
  int grown = pt_array_grow((void **)&s->frames, &s->cap, s->n_frames + 1,
                            sizeof *s->frames);
  if (grown)
    return grown;
  pt_ignore_frame *f = &s->frames[s->n_frames];
  pt_ignore_list git = PT_IGNORE_LIST_INIT, pt = PT_IGNORE_LIST_INIT;
  char *copy = pt_strdup(base);
  int rc = copy ? 0 : PT_ERR(PT_ENOMEM, "out of memory for ignore rules");
  if (rc == 0 && git_text)
    rc = pt_ignore_list_parse(git_text, git_len, &git);
  if (rc == 0 && pt_text)
    rc = pt_ignore_list_parse(pt_text, pt_len, &pt);
  if (rc == 0) {
    f->base = copy;
    f->base_len = strlen(copy);
    f->git = git;
    f->pt = pt;
    s->n_frames++;
  } else {
    pt_ignore_list_fini(&pt);
    pt_ignore_list_fini(&git);
    pt_free(copy);
  }
  return rc;
}

void pt_ignore_stack_pop(pt_ignore_stack *s)
{
  if (!s->n_frames)
    return;
  pt_ignore_frame *f = &s->frames[--s->n_frames];
  pt_ignore_list_fini(&f->pt);
  pt_ignore_list_fini(&f->git);
  pt_free(f->base);
}

/* The verdict of the innermost frame whose list of the given source has a
 * matching rule: deeper ignore files override shallower ones. */
static pt_ignore_verdict stack_verdict(const pt_ignore_stack *s,
                                       const char *path, int is_dir,
                                       int use_pt)
{
  pt_ignore_verdict v = PT_IGNORE_NONE;
  size_t i = s->n_frames;
  while (v == PT_IGNORE_NONE && i-- > 0) {
    const pt_ignore_frame *f = &s->frames[i];
    if (strncmp(path, f->base, f->base_len) != 0)
      continue;
    v = pt_ignore_list_match(use_pt ? &f->pt : &f->git, path + f->base_len,
                             is_dir);
  }
  return v;
}

const char *pt_ignore_stack_check(const pt_ignore_stack *s, const char *path,
                                  int is_dir)
{
  pt_ignore_verdict pt = stack_verdict(s, path, is_dir, 1);
  if (pt != PT_IGNORE_NONE)
    return pt == PT_IGNORE_EXCLUDE ? PT_IGNORE_PTIGNORE : NULL;
  return stack_verdict(s, path, is_dir, 0) == PT_IGNORE_EXCLUDE
             ? PT_IGNORE_GITIGNORE
             : NULL;
}
