/* A query's matches over a tree without the query cursor visiting every
 * node (query.h): the node types where patterns start are read from the
 * query's own text, a plain tree cursor walks the tree, the query cursor
 * runs only from those nodes, to the depth their patterns need, and the
 * matches are put back in the order a cursor over the whole tree gives. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "query.h"

int pt__scm_is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

int pt__scm_is_ident(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
         c == '?' || c == '!';
}

/* Skips white space and comments (; to the end of the line). */
static size_t skip_blank(const char *s, size_t len, size_t at)
{
  while (at < len) {
    if (pt__scm_is_space(s[at]))
      at++;
    else if (s[at] == ';')
      while (at < len && s[at] != '\n')
        at++;
    else
      break;
  }
  return at;
}

/* Past the element at `at`: a parenthesised or bracketed group, a string
 * or a word; captures and quantifiers after it are not part of it. */
static size_t skip_element(const char *s, size_t len, size_t at)
{
  int depth = 0;
  do {
    at = skip_blank(s, len, at);
    if (at >= len)
      return len;
    char c = s[at];
    if (c == '"') {
      for (at++; at < len && s[at] != '"'; at++)
        if (s[at] == '\\')
          at++;
      at++;
    } else if (c == '(' || c == '[') {
      depth++;
      at++;
    } else if (c == ')' || c == ']') {
      depth--;
      at++;
    } else if (pt__scm_is_ident(c) || c == '@' || c == '#' || c == '*' || c == '+' ||
               c == ':' || c == '!' || c == '/' || c == '.') {
      at++;
      while (at < len && pt__scm_is_ident(s[at]))
        at++;
    } else {
      at++;
    }
  } while (depth > 0);
  return at;
}

/* Marks the node types the element at `at` can start on; PT_ENOTSUPPORTED
 * when it can start on any node or its first node cannot be told (a
 * wildcard, a supertype, a literal). */
static int mark_roots(const TSLanguage *lang, const char *s, size_t len,
                      size_t at, uint8_t *roots)
{
  at = skip_blank(s, len, at);
  if (at >= len)
    return PT_ENOTSUPPORTED;
  if (s[at] == '[') {
    at++;
    for (;;) {
      at = skip_blank(s, len, at);
      if (at >= len)
        return PT_ENOTSUPPORTED;
      if (s[at] == ']')
        return 0;
      int rc = mark_roots(lang, s, len, at, roots);
      if (rc)
        return rc;
      at = skip_element(s, len, at);
      /* a capture or quantifier after an alternative */
      at = skip_blank(s, len, at);
      while (at < len && (s[at] == '@' || s[at] == '*' || s[at] == '+' ||
                          s[at] == '?')) {
        at++;
        while (at < len && pt__scm_is_ident(s[at]))
          at++;
        at = skip_blank(s, len, at);
      }
    }
  }
  if (s[at] != '(')
    return PT_ENOTSUPPORTED;
  at = skip_blank(s, len, at + 1);
  if (at < len && (s[at] == '(' || s[at] == '['))
    return mark_roots(lang, s, len, at, roots); /* a group with predicates */
  size_t a = at;
  while (at < len && pt__scm_is_ident(s[at]))
    at++;
  if (at == a || (at - a == 1 && s[a] == '_') ||
      (at - a == 7 && memcmp(s + a, "MISSING", 7) == 0))
    return PT_ENOTSUPPORTED;
  TSSymbol sym = ts_language_symbol_for_name(lang, s + a, (uint32_t)(at - a), true);
  if (!sym || sym >= ts_language_symbol_count(lang) ||
      ts_language_symbol_type(lang, sym) == TSSymbolTypeSupertype)
    return PT_ENOTSUPPORTED;
  roots[sym] |= PT_ROOT_CURSOR;
  return 0;
}

/* ---- where each match ends ------------------------------------------------
 * The whole-tree cursor hands out a match when it enters the node of the
 * pattern's last step. To hand matches out in that order, every pattern's
 * last step gets the helper capture @_pt_end before compiling: after the
 * last node in the pattern's document order, in each alternative of an
 * alternation that ends it. */

#define END_CAPTURE "_pt_end"
#define BAD ((size_t)-1)

typedef struct marks {
  size_t *at;       /* offsets where " @_pt_end" goes */
  size_t n, cap;
} marks;

static size_t element(const char *s, size_t len, size_t at, int is_last, marks *mk);

static size_t mark(marks *mk, size_t at)
{
  if (pt_array_grow((void **)&mk->at, &mk->cap, mk->n + 1, sizeof *mk->at))
    return BAD;
  mk->at[mk->n++] = at;
  return at;
}

/* Past the captures after an element; BAD at a quantifier (not handled). */
static size_t suffix(const char *s, size_t len, size_t at)
{
  for (;;) {
    at = skip_blank(s, len, at);
    if (at < len && (s[at] == '?' || s[at] == '*' || s[at] == '+'))
      return BAD;
    if (at >= len || s[at] != '@')
      return at;
    for (at++; at < len && pt__scm_is_ident(s[at]);)
      at++;
  }
}

/* From `at` past blanks, anchors ('.'), negated fields ('!f') and a
 * field's label ('f:'): where a node's next child element starts, or its
 * ')' or the end of the text when it has no more. */
static size_t next_element(const char *s, size_t len, size_t at)
{
  for (;;) {
    at = skip_blank(s, len, at);
    if (at >= len || s[at] == ')')
      return at;
    if (s[at] == '.') {                        /* an anchor */
      at++;
      continue;
    }
    if (s[at] == '!') {                        /* a negated field */
      for (at++; at < len && pt__scm_is_ident(s[at]);)
        at++;
      continue;
    }
    if (!pt__scm_is_ident(s[at]))
      return at;
    size_t a = at;                             /* field: element */
    while (at < len && pt__scm_is_ident(s[at]))
      at++;
    size_t c = skip_blank(s, len, at);
    if (c >= len || s[c] != ':')
      return a;
    at = c + 1;
  }
}

/* The children of a node or group from `at` up to its ')': returns the
 * offset past the ')'. With is_last, marks the last child, or the ')'
 * itself when there is none. */
static size_t children(const char *s, size_t len, size_t at, int is_last, marks *mk)
{
  size_t last = BAD;
  for (;;) {
    at = next_element(s, len, at);
    if (at >= len)
      return BAD;
    if (s[at] == ')')
      break;
    if (s[at] == '(' && skip_blank(s, len, at + 1) < len &&
        s[skip_blank(s, len, at + 1)] == '#') { /* a predicate */
      at = skip_element(s, len, at);
      continue;
    }
    last = at;
    at = element(s, len, at, 0, mk);
    if (at != BAD)
      at = suffix(s, len, at);
    if (at == BAD)
      return BAD;
  }
  if (is_last && last != BAD && element(s, len, last, 1, mk) == BAD)
    return BAD;
  if (is_last && last == BAD && mark(mk, at + 1) == BAD)
    return BAD;
  return at + 1;
}

/* Past one element (a node, group, alternation, literal or wildcard);
 * with is_last, marks where its last step ends. BAD when the text is
 * beyond what this reads (the query cursor then walks the whole tree). */
static size_t element(const char *s, size_t len, size_t at, int is_last, marks *mk)
{
  at = skip_blank(s, len, at);
  if (at >= len)
    return BAD;
  if (s[at] == '"' || (s[at] == '_' && (at + 1 >= len || !pt__scm_is_ident(s[at + 1])))) {
    size_t end = skip_element(s, len, at);
    return is_last ? mark(mk, end) : end;
  }
  if (s[at] == '[') {
    for (at++;;) {
      at = skip_blank(s, len, at);
      if (at >= len)
        return BAD;
      if (s[at] == ']')
        return at + 1;
      at = element(s, len, at, is_last, mk);
      if (at != BAD)
        at = suffix(s, len, at);
      if (at == BAD)
        return BAD;
    }
  }
  if (s[at] != '(')
    return BAD;
  at = skip_blank(s, len, at + 1);
  if (at < len && pt__scm_is_ident(s[at])) {           /* a node: its name first */
    size_t a = at;
    while (at < len && (pt__scm_is_ident(s[at]) || s[at] == '/'))
      at++;
    if (at - a == 7 && memcmp(s + a, "MISSING", 7) == 0)
      return BAD;
  }
  return children(s, len, at, is_last, mk);
}

/* Copies src into out with @_pt_end after each pattern's last step. */
int pt__query_mark_ends(const char *src, size_t len, pt_buf *out)
{
  marks mk = {NULL, 0, 0};
  size_t at = 0;
  int rc = 0;
  for (;;) {
    at = skip_blank(src, len, at);
    if (at >= len)
      break;
    at = element(src, len, at, 1, &mk);
    if (at != BAD)
      at = suffix(src, len, at);
    if (at == BAD) {
      rc = PT_ENOTSUPPORTED;
      break;
    }
  }
  size_t from = 0;
  for (size_t i = 0; rc == 0 && i < mk.n; i++) {
    rc = pt_buf_put(out, src + from, mk.at[i] - from);
    if (rc == 0)
      rc = pt_buf_puts(out, " @" END_CAPTURE " ");
    from = mk.at[i];
  }
  if (rc == 0)
    rc = pt_buf_put(out, src + from, len - from);
  pt_free(mk.at);
  return rc;
}

/* ---- what a start node's children must hold ------------------------------
 * A pattern can match only where the node it starts on has, among its
 * direct children, a node of each type its child steps name (ignoring
 * fields, order and counts: a weaker test than the pattern's). Each such
 * step is one bit of the start type's need; a start node whose children
 * give no pattern all its bits is not run. */

typedef struct pt_need_kid {
  TSSymbol sym;
  uint64_t bits;
} pt_need_kid;

struct pt_root_need {
  uint64_t *masks;         /* owned: by pattern, the bits it needs */
  size_t n_masks, cap_masks;
  pt_need_kid *kids;       /* owned: child types and the bits they give */
  size_t n_kids, cap_kids;
  unsigned n_bits;
  int is_always;           /* some pattern needs no child: always run */
};

/* The symbol of a plain named node "(name ...)" at `at`, else 0 (a
 * wildcard, supertype, literal, ERROR or MISSING holds no need). */
static TSSymbol plain_node(const TSLanguage *lang, const char *s, size_t len,
                           size_t at)
{
  if (at >= len || s[at] != '(')
    return 0;
  at = skip_blank(s, len, at + 1);
  size_t a = at;
  while (at < len && pt__scm_is_ident(s[at]))
    at++;
  if (at == a || (at < len && s[at] == '/') || (at - a == 1 && s[a] == '_') ||
      (at - a == 5 && memcmp(s + a, "ERROR", 5) == 0) ||
      (at - a == 7 && memcmp(s + a, "MISSING", 7) == 0))
    return 0;
  TSSymbol sym = ts_language_symbol_for_name(lang, s + a, (uint32_t)(at - a), true);
  if (!sym || ts_language_symbol_type(lang, sym) != TSSymbolTypeRegular)
    return 0;
  return sym;
}

/* Past the captures after an element; *is_quantified when one of ? * +
 * follows (the element may then be absent). */
static size_t past_suffix(const char *s, size_t len, size_t at,
                          int *is_quantified)
{
  for (;;) {
    at = skip_blank(s, len, at);
    if (at < len && (s[at] == '?' || s[at] == '*' || s[at] == '+')) {
      *is_quantified = 1;
      at++;
    } else if (at < len && s[at] == '@') {
      for (at++; at < len && pt__scm_is_ident(s[at]);)
        at++;
    } else {
      return at;
    }
  }
}

/* The types one child element can match when it is a plain node or an
 * alternation of plain nodes: their number (at most max), else 0. */
static size_t child_types(const TSLanguage *lang, const char *s, size_t len,
                          size_t at, TSSymbol *syms, size_t max)
{
  if (at < len && s[at] == '(')
    return (syms[0] = plain_node(lang, s, len, at)) != 0;
  if (at >= len || s[at] != '[')
    return 0;
  size_t n = 0;
  for (at++;;) {
    at = skip_blank(s, len, at);
    if (at >= len)
      return 0;
    if (s[at] == ']')
      return n;
    TSSymbol sym = plain_node(lang, s, len, at);
    if (!sym || n == max)
      return 0;
    syms[n++] = sym;
    int is_quantified = 0;
    at = past_suffix(s, len, skip_element(s, len, at), &is_quantified);
    if (is_quantified)
      return 0;
  }
}

/* Gives the child types syms[0..n) one more bit of nd's; 0 or PT_ENOMEM. */
static int add_bit(pt_root_need *nd, const TSSymbol *syms, size_t n,
                   uint64_t *mask)
{
  if (nd->n_bits == 64) {
    nd->is_always = 1;
    return 0;
  }
  uint64_t bit = (uint64_t)1 << nd->n_bits++;
  *mask |= bit;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < nd->n_kids && nd->kids[k].sym != syms[i])
      k++;
    if (k == nd->n_kids) {
      if (pt_array_grow((void **)&nd->kids, &nd->cap_kids, k + 1,
                        sizeof *nd->kids))
        return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
      nd->kids[nd->n_kids++] = (pt_need_kid){syms[i], 0};
    }
    nd->kids[k].bits |= bit;
  }
  return 0;
}

/* Adds to nd, the need of its start type, the pattern "(name children...)"
 * at `at`: one bit per child step that names its types. */
static int node_need(const TSLanguage *lang, const char *s, size_t len,
                     size_t at, pt_root_need *nd)
{
  uint64_t mask = 0;
  int rc = 0;
  at = skip_blank(s, len, at + 1);
  while (at < len && pt__scm_is_ident(s[at]))
    at++;
  for (;;) {
    at = next_element(s, len, at);
    if (at >= len || s[at] == ')')
      break;
    TSSymbol syms[16];
    size_t n = child_types(lang, s, len, at, syms, 16);
    int is_quantified = 0;
    at = past_suffix(s, len, skip_element(s, len, at), &is_quantified);
    if (n && !is_quantified && (rc = add_bit(nd, syms, n, &mask)) != 0)
      return rc;
  }
  if (mask == 0) {
    nd->is_always = 1;
    return 0;
  }
  if (pt_array_grow((void **)&nd->masks, &nd->cap_masks, nd->n_masks + 1,
                    sizeof *nd->masks))
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  nd->masks[nd->n_masks++] = mask;
  return 0;
}

/* Adds the need of the pattern at `at` to its start type's; a pattern
 * that is not one node "(name ...)" (an alternation of them) makes every
 * type it starts on always run. */
static int pattern_need(pt_query *q, const TSLanguage *lang, const char *s,
                        size_t len, size_t at, uint8_t *scratch)
{
  at = skip_blank(s, len, at);
  while (at < len && s[at] == '(') {           /* a group with predicates */
    size_t in = skip_blank(s, len, at + 1);
    if (in >= len || s[in] != '(')
      break;
    at = in;
  }
  if (at < len && s[at] == '(') {
    size_t a = skip_blank(s, len, at + 1), b = a;
    while (b < len && pt__scm_is_ident(s[b]))
      b++;
    TSSymbol sym = ts_language_symbol_for_name(lang, s + a, (uint32_t)(b - a), true);
    if (sym && sym < q->n_symbols && (q->roots[sym] & PT_ROOT_CURSOR))
      return node_need(lang, s, len, at, &q->needs[sym]);
  }
  memset(scratch, 0, q->n_symbols);
  int rc = mark_roots(lang, s, len, at, scratch);
  for (uint32_t i = 0; rc == 0 && i < q->n_symbols; i++)
    if (scratch[i] & PT_ROOT_CURSOR)
      q->needs[i].is_always = 1;
  return rc;
}

static int find_needs(pt_query *q, const TSLanguage *lang, const char *src,
                      size_t len)
{
  uint32_t n_patterns = ts_query_pattern_count(q->ts);
  uint8_t *scratch = pt_calloc(q->n_symbols + 1, 1);
  q->needs = pt_calloc(q->n_symbols + 1, sizeof *q->needs);
  if (!scratch || !q->needs) {
    pt_free(scratch);
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  }
  int rc = 0;
  for (uint32_t p = 0; rc == 0 && p < n_patterns; p++)
    if (!q->mpats || !q->mpats[p])
      rc = pattern_need(q, lang, src, len,
                        ts_query_start_byte_for_pattern(q->ts, p), scratch);
  pt_free(scratch);
  return rc;
}

void pt__query_needs_free(pt_query *q)
{
  for (uint32_t i = 0; q->needs && i < q->n_symbols; i++) {
    pt_free(q->needs[i].masks);
    pt_free(q->needs[i].kids);
  }
  pt_free(q->needs);
  q->needs = NULL;
}

/* ---- subtrees that hold no start node ------------------------------------
 * From the grammar's node types (pt__node_types): the types under which
 * no node of a start type can be, at any depth. The walk steps over the
 * subtree of such a node unless it holds a parse error, where any node
 * may be. Types are told by name: the table names them, and tree-sitter
 * gives a node the first symbol of its name (ts_node_symbol). */

typedef struct word {
  const char *at;       /* borrowed from the table */
  uint32_t len;
} word;

static int cmp_text(const char *a, uint32_t a_len, const char *b, uint32_t b_len)
{
  int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
  return c ? c : (a_len > b_len) - (a_len < b_len);
}

static int cmp_word(const void *pa, const void *pb)
{
  const word *a = pa, *b = pb;
  return cmp_text(a->at, a->len, b->at, b->len);
}

/* The index of text[0..len) in words[0..n) (sorted, unique), or n. */
static size_t find_word(const word *words, size_t n, const char *text,
                        uint32_t len)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_text(words[mid].at, words[mid].len, text, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && cmp_text(words[lo].at, words[lo].len, text, len) == 0 ? lo : n;
}

#define LINE_END UINT32_MAX      /* in a table's ids: the end of a line */
#define EXTRAS (UINT32_MAX - 1)  /* the "+" that starts the extras' line */

/* The table's words in order into *out (borrowed from text), LINE_END and
 * EXTRAS as their words' len; *n_out of them. */
static int split_words(const char *text, word **out, size_t *n_out)
{
  size_t n = 0, cap = 0;
  word *w = NULL;
  int rc = 0;
  for (const char *p = text; rc == 0 && *p;) {
    const char *e = p;
    while (*e && *e != ' ' && *e != '\n')
      e++;
    rc = pt_array_grow((void **)&w, &cap, n + 2, sizeof *w);
    if (rc == 0) {
      int is_plus = e - p == 1 && *p == '+';
      w[n++] = (word){p, is_plus ? EXTRAS : (uint32_t)(e - p)};
      if (*e == '\n')
        w[n++] = (word){e, LINE_END};
    }
    p = *e ? e + 1 : e;
  }
  if (rc) {
    pt_free(w);
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  }
  *out = w;
  *n_out = n;
  return 0;
}

static int is_name(const word *w)
{
  return w->len != LINE_END && w->len != EXTRAS;
}

/* q->skip from the node types of lang's grammar; left NULL when the
 * grammar has none or an extra may hold a start node. */
static int find_skips(pt_query *q, const TSLanguage *lang)
{
  const char *text = NULL;
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++)
    if (pt_grammar_get((pt_grammar)g)->ts_language() == lang)
      text = pt__node_types[g];
  if (!text)
    return 0;
  word *words = NULL, *names = NULL;
  uint32_t *ids = NULL;    /* by word: its name's index, or LINE_END, EXTRAS */
  size_t n_words = 0, n = 0;
  uint8_t *flags = NULL;
  int rc = split_words(text, &words, &n_words);
  if (rc == 0 && (!(names = pt_malloc((n_words + 1) * sizeof *names)) ||
                  !(ids = pt_malloc((n_words + 1) * sizeof *ids)) ||
                  !(flags = pt_calloc(3 * (n_words + 1), 1))))
    rc = PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  uint8_t *is_start = flags, *holds = flags + n_words + 1,
          *is_extra = flags + 2 * (n_words + 1);
  if (rc == 0) {                               /* the names, once each */
    for (size_t i = 0; i < n_words; i++)
      if (is_name(&words[i]))
        names[n++] = words[i];
    qsort(names, n, sizeof *names, cmp_word);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
      if (u == 0 || cmp_word(&names[u - 1], &names[i]) != 0)
        names[u++] = names[i];
    n = u;
    for (size_t i = 0; i < n_words; i++)
      ids[i] = is_name(&words[i])
                   ? (uint32_t)find_word(names, n, words[i].at, words[i].len)
                   : words[i].len;
    for (size_t i = 0, in_extras = 0; i < n_words; i++) {
      in_extras = ids[i] == EXTRAS || (in_extras && ids[i] != LINE_END);
      if (in_extras && ids[i] != EXTRAS)
        is_extra[ids[i]] = 1;
    }
    for (TSSymbol s = 1; s < q->n_symbols; s++) {
      const char *name = ts_language_symbol_name(lang, s);
      size_t id = q->roots[s] && name
                      ? find_word(names, n, name, (uint32_t)strlen(name))
                      : n;
      if (id < n)
        is_start[id] = 1;
    }
  }
  for (int changed = rc == 0; changed;) {      /* who may hold a start */
    changed = 0;
    for (size_t i = 0, parent = LINE_END; i < n_words; i++) {
      uint32_t id = ids[i];
      if (id == LINE_END || id == EXTRAS)
        parent = id == LINE_END ? LINE_END : EXTRAS;
      else if (parent == LINE_END)
        parent = id;                           /* a line's first word */
      else if (parent != EXTRAS && !holds[parent] && (is_start[id] || holds[id]))
        changed = holds[parent] = 1;
    }
  }
  int is_sure = rc == 0;
  for (size_t k = 0; is_sure && k < n; k++)
    if (is_extra[k] && (is_start[k] || holds[k]))
      is_sure = 0;
  if (is_sure && !(q->skip = pt_calloc(q->n_symbols + 1, 1)))
    rc = PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  for (TSSymbol s = 1; q->skip && s < q->n_symbols; s++) {
    const char *name = ts_language_symbol_name(lang, s);
    size_t id = name && ts_language_symbol_type(lang, s) == TSSymbolTypeRegular
                    ? find_word(names, n, name, (uint32_t)strlen(name))
                    : n;
    q->skip[s] = id < n && !holds[id] && !is_start[id];
  }
  pt_free(flags);
  pt_free(ids);
  pt_free(names);
  pt_free(words);
  return rc;
}

/* q->quiet: the types that are no start type and that no start type's
 * need names as a child type. A node of one without children changes
 * nothing the walk keeps (enter() would only note it in the path, which
 * only its children read), so the walk passes it over. */
static int find_quiet(pt_query *q)
{
  q->quiet = pt_malloc(q->n_symbols + 1);
  if (!q->quiet)
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  for (uint32_t s = 0; s < q->n_symbols; s++)
    q->quiet[s] = q->roots[s] == 0;
  for (uint32_t s = 0; s < q->n_symbols; s++)
    for (size_t k = 0; k < q->needs[s].n_kids; k++)
      if (q->needs[s].kids[k].sym < q->n_symbols)
        q->quiet[q->needs[s].kids[k].sym] = 0;
  return 0;
}

/* Reads the patterns the matcher (query_match.c) can run into q->mpats
 * and lists them by the symbol they start on (q->m_at, q->m_pats). */
static int find_matcher(pt_query *q, const TSLanguage *lang, const char *src,
                        size_t len)
{
  uint32_t n_patterns = ts_query_pattern_count(q->ts);
  q->mpats = pt_calloc(n_patterns + 1, sizeof *q->mpats);
  q->m_at = pt_calloc(q->n_symbols + 2, sizeof *q->m_at);
  q->m_pats = pt_calloc(n_patterns + 1, sizeof *q->m_pats);
  if (!q->mpats || !q->m_at || !q->m_pats)
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  int rc = 0;
  for (uint32_t p = 0; rc == 0 && p < n_patterns && p <= UINT16_MAX; p++) {
    rc = pt__query_match_read(q, lang, src, len,
                              ts_query_start_byte_for_pattern(q->ts, p),
                              &q->mpats[p]);
    TSSymbol sym = q->mpats[p] ? pt__query_match_root(q->mpats[p]) : 0;
    if (rc == 0 && sym < q->n_symbols && q->mpats[p]) {
      q->roots[sym] |= PT_ROOT_MATCHER;
      q->m_at[sym + 1]++;
    } else if (q->mpats[p]) {
      pt__query_match_free(q->mpats[p]);
      q->mpats[p] = NULL;
    }
  }
  for (uint32_t s = 0; s < q->n_symbols; s++)
    q->m_at[s + 1] += q->m_at[s];
  uint32_t *fill = rc == 0 ? pt_malloc((q->n_symbols + 1) * sizeof *fill) : NULL;
  if (rc == 0 && !fill)
    rc = PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  if (fill)
    memcpy(fill, q->m_at, (q->n_symbols + 1) * sizeof *fill);
  for (uint32_t p = 0; fill && p < n_patterns; p++) /* by pattern */
    if (q->mpats[p])
      q->m_pats[fill[pt__query_match_root(q->mpats[p])]++] = (uint16_t)p;
  pt_free(fill);
  return rc;
}

void pt__query_matcher_free(pt_query *q)
{
  uint32_t n_patterns = q->ts ? ts_query_pattern_count(q->ts) : 0;
  for (uint32_t p = 0; q->mpats && p < n_patterns; p++)
    pt__query_match_free(q->mpats[p]);
  pt_free(q->mpats);
  pt_free(q->m_at);
  pt_free(q->m_pats);
  q->mpats = NULL;
  q->m_at = NULL;
  q->m_pats = NULL;
}

int pt__query_find_roots(pt_query *q, const TSLanguage *lang, const char *src,
                         size_t len, int use_matcher)
{
  uint32_t n_patterns = ts_query_pattern_count(q->ts);
  if (!q->end_capture)
    return 0; /* no pattern: nothing to walk */
  q->n_symbols = ts_language_symbol_count(lang);
  q->roots = pt_calloc(q->n_symbols + 1, 1);
  if (!q->roots)
    return PT_ERR(PT_ENOMEM, "out of memory compiling queries");
  int rc = use_matcher ? find_matcher(q, lang, src, len) : 0;
  for (uint32_t p = 0; rc == 0 && p < n_patterns; p++) {
    if (q->mpats && q->mpats[p])
      continue;
    if (!ts_query_is_pattern_rooted(q->ts, p) ||
        ts_query_is_pattern_non_local(q->ts, p))
      rc = PT_ENOTSUPPORTED;
    else
      rc = mark_roots(lang, src, len, ts_query_start_byte_for_pattern(q->ts, p),
                      q->roots);
  }
  if (rc == 0)
    rc = find_needs(q, lang, src, len);
  if (rc == 0)
    rc = find_skips(q, lang);
  if (rc == 0)
    rc = find_quiet(q);
  if (rc == PT_ENOTSUPPORTED) {
    pt__query_needs_free(q);
    pt__query_matcher_free(q);
    pt_free(q->roots);
    q->roots = NULL; /* the query cursor walks the whole tree */
    rc = 0;
  }
  for (uint32_t p = 0; rc == 0 && q->mpats && p < n_patterns; p++)
    if (q->mpats[p]) /* the matcher's: the cursor no longer runs them */
      ts_query_disable_pattern(q->ts, p);
  return rc;
}

/* A match found from one start node: where the whole-tree cursor would
 * have finished it (the node of @_pt_end), and the order it was found in. */
struct pt_walk_match {
  uint32_t end_start, end_end;   /* byte range of that last node */
  uint32_t order;                /* its start node's, in document order */
  uint32_t seq;
  uint32_t pattern;
  size_t first_cap;
  uint16_t n_caps;
  uint32_t from;                 /* where the pattern starts, in froms */
};

/* A capture's end byte and parent: 1 + its index in parents, or 0. */
struct pt_cap_kept {
  uint32_t end;
  uint32_t parent;
};

/* A start node held back until the walk has seen its children. */
struct pt_walk_held {
  TSNode node;
  TSSymbol sym;
  uint32_t depth, order;
  uint64_t seen;                 /* the bits its children gave */
};

/* With same_from below w->n_matches, a match that captures the same nodes
 * as one kept since same_from is dropped (the matcher's: query_match.c). */
int pt__query_walk_keep(pt_query_walk *w, const TSQueryMatch *m,
                        const pt_cap_up *ups, TSNode from, uint32_t order,
                        size_t same_from)
{
  for (size_t i = same_from; i < w->n_matches; i++) {
    const pt_walk_match *o = &w->matches[i];
    uint16_t c = 0;
    while (c < m->capture_count && o->n_caps == m->capture_count &&
           w->caps[o->first_cap + c].index == m->captures[c].index &&
           w->caps[o->first_cap + c].node.id == m->captures[c].node.id)
      c++;
    if (o->n_caps == m->capture_count && c == m->capture_count)
      return 0;
  }
  int is_new_from = w->n_froms == 0 || w->froms[w->n_froms - 1].id != from.id;
  if (pt_array_grow((void **)&w->matches, &w->cap_matches, w->n_matches + 1,
                    sizeof *w->matches) ||
      pt_array_grow((void **)&w->caps, &w->cap_caps, w->n_caps + m->capture_count,
                    sizeof *w->caps) ||
      pt_array_grow((void **)&w->kept, &w->cap_kept, w->n_caps + m->capture_count,
                    sizeof *w->kept) ||
      pt_array_grow((void **)&w->parents, &w->cap_parents,
                    w->n_parents + m->capture_count, sizeof *w->parents) ||
      pt_array_grow((void **)&w->cur_buf, &w->cap_cur, m->capture_count,
                    sizeof *w->cur_buf) ||
      (is_new_from && pt_array_grow((void **)&w->froms, &w->cap_froms,
                                    w->n_froms + 1, sizeof *w->froms)))
    return PT_ERR(PT_ENOMEM, "out of memory matching queries");
  if (is_new_from)
    w->froms[w->n_froms++] = from;
  pt_walk_match *k = &w->matches[w->n_matches];
  pt_cap_kept *kept = w->kept + w->n_caps;
  const uint8_t *role = w->q->role;
  for (uint16_t i = 0; i < m->capture_count; i++) {
    uint32_t id = m->captures[i].index;
    kept[i].end = ups ? ups[i].end : ts_node_end_byte(m->captures[i].node);
    kept[i].parent = 0;
    if (!ups || ts_node_is_null(ups[i].parent) || !role ||
        (role[id] != PT_ROLE_DEFINITION && role[id] != PT_ROLE_BIND_VAR))
      continue;
    if (w->n_parents == 0 || w->parents[w->n_parents - 1].id != ups[i].parent.id ||
        memcmp(&w->parents[w->n_parents - 1], &ups[i].parent,
               sizeof ups[i].parent) != 0)
      w->parents[w->n_parents++] = ups[i].parent;
    kept[i].parent = (uint32_t)w->n_parents;
  }
  TSNode end = from;
  uint32_t end_end = 0;
  for (uint16_t i = 0; i < m->capture_count; i++)
    if (m->captures[i].index + 1 == w->q->end_capture) {
      end = m->captures[i].node;
      end_end = kept[i].end;
    }
  k->from = (uint32_t)(w->n_froms - 1);
  k->order = order;
  k->end_start = ts_node_start_byte(end);
  k->end_end = end.id == from.id ? ts_node_end_byte(end) : end_end;
  k->seq = (uint32_t)w->n_matches;
  k->pattern = m->pattern_index;
  k->first_cap = w->n_caps;
  k->n_caps = m->capture_count;
  memcpy(w->caps + w->n_caps, m->captures, m->capture_count * sizeof *w->caps);
  w->n_caps += m->capture_count;
  w->n_matches++;
  return 0;
}

/* Document order of the nodes where the matches end; matches that end on
 * the same node go outer start first, then by pattern (the cursor keeps
 * its states of one start node in that order), then in the order they
 * were found, as when the cursor walks the whole tree. */
static int cmp_match(const void *pa, const void *pb)
{
  const pt_walk_match *a = pa, *b = pb;
  if (a->end_start != b->end_start)
    return a->end_start < b->end_start ? -1 : 1;
  if (a->end_end != b->end_end)
    return a->end_end > b->end_end ? -1 : 1;
  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  if (a->pattern != b->pattern)
    return a->pattern < b->pattern ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

static int run_from(pt_query_walk *w, TSNode n, uint32_t order)
{
  TSQueryMatch m;
  int rc = 0;
  w->n_runs++;
  ts_query_cursor_exec(w->cur, w->q->ts, n);
  while (rc == 0 && ts_query_cursor_next_match(w->cur, &m))
    rc = pt__query_walk_keep(w, &m, NULL, n, order, w->n_matches);
  return rc;
}

/* The bits child type sym gives the start type of nd. */
static uint64_t kid_bits(const pt_root_need *nd, TSSymbol sym)
{
  for (size_t k = 0; k < nd->n_kids; k++)
    if (nd->kids[k].sym == sym)
      return nd->kids[k].bits;
  return 0;
}

static int may_match(const pt_root_need *nd, uint64_t seen)
{
  for (size_t i = 0; i < nd->n_masks; i++)
    if ((nd->masks[i] & ~seen) == 0)
      return 1;
  return 0;
}

/* Runs the start nodes held back at depth or deeper, whose subtrees the
 * walk has left, where their children allow a match. */
static int settle(pt_query_walk *w, uint32_t depth)
{
  int rc = 0;
  while (rc == 0 && w->n_held && w->held[w->n_held - 1].depth >= depth) {
    pt_walk_held h = w->held[--w->n_held];
    if (may_match(&w->q->needs[h.sym], h.seen))
      rc = run_from(w, h.node, h.order);
  }
  return rc;
}

/* A start node: run now when its type always runs (or its subtree holds a
 * parse error), else held back until its children are seen. */
static int start(pt_query_walk *w, TSNode n, TSSymbol sym, uint32_t depth,
                 uint32_t order)
{
  if (w->q->needs[sym].is_always || ts_node_has_error(n))
    return run_from(w, n, order);
  if (pt_array_grow((void **)&w->held, &w->cap_held, w->n_held + 1,
                    sizeof *w->held))
    return PT_ERR(PT_ENOMEM, "out of memory matching queries");
  w->held[w->n_held++] = (pt_walk_held){n, sym, depth, order, 0};
  return 0;
}

/* A visible node of the walk: a start node is run or held back; 1 to go
 * into its children, 0 where no start node can be below it. */
static int enter(void *payload, TSNode n, TSSymbol sym, uint32_t depth)
{
  pt_query_walk *w = payload;
  const pt_query *q = w->q;
  w->n_nodes++;
  if (depth >= w->cap_path &&
      pt_array_grow((void **)&w->path, &w->cap_path, (size_t)depth + 1,
                    sizeof *w->path))
    return PT_ERR(PT_ENOMEM, "out of memory matching queries");
  w->path[depth] = n;
  if (w->n_held && w->held[w->n_held - 1].depth + 1 == depth) {
    pt_walk_held *h = &w->held[w->n_held - 1];
    h->seen |= kid_bits(&q->needs[h->sym], sym);
  }
  if (sym < q->n_symbols && q->roots[sym]) {
    uint32_t order = w->order++;
    int rc = 0;
    if (depth > 0)
      w->up = w->path[depth - 1];
    else
      memset(&w->up, 0, sizeof w->up);
    if (q->roots[sym] & PT_ROOT_MATCHER)
      rc = pt__query_match_at(w, n, sym, order);
    if (rc == 0 && (q->roots[sym] & PT_ROOT_CURSOR))
      rc = start(w, n, sym, depth, order);
    if (rc)
      return rc;
  }
  return !(q->skip && sym < q->n_symbols && q->skip[sym] && !ts_node_has_error(n));
}

/* After the subtree of a node at depth: the start nodes held back at
 * depth or deeper run where their children allow a match. */
static int leave(void *payload, uint32_t depth)
{
  return settle(payload, depth);
}

/* Runs the query from the nodes where a pattern starts and whose children
 * allow one to match, each run descending only as far as its patterns
 * reach. */
static int collect(pt_query_walk *w, TSNode root)
{
  w->order = 0;
  w->tree.enter = enter;
  w->tree.leave = leave;
  w->tree.payload = w;
  w->tree.quiet = w->q->quiet;
  w->tree.n_quiet = w->q->quiet ? w->q->n_symbols : 0;
  ts_query_cursor_set_max_start_depth(w->cur, 0);
  int rc = pt__tree_walk(&w->tree, root);
  ts_query_cursor_set_max_start_depth(w->cur, UINT32_MAX);
  if (rc == 0 && w->n_matches > 1)
    qsort(w->matches, w->n_matches, sizeof *w->matches, cmp_match);
  return rc;
}

int pt__query_walk_start(pt_query_walk *w, const pt_query *q,
                         TSQueryCursor *cur, TSNode root)
{
  w->q = q;
  w->cur = cur;
  w->is_whole = 0;
  w->cur_ups = NULL;
  w->n_matches = w->n_caps = w->n_froms = w->next = w->n_held = 0;
  w->n_parents = 0;
  memset(&w->from, 0, sizeof w->from);
  if (q->roots)
    return collect(w, root);
  w->is_whole = 1;
  ts_query_cursor_exec(cur, q->ts, root);
  return 0;
}

int pt__query_walk_next(pt_query_walk *w, TSQueryMatch *m)
{
  if (w->is_whole)
    return ts_query_cursor_next_match(w->cur, m);
  if (w->next == w->n_matches)
    return 0;
  const pt_walk_match *k = &w->matches[w->next++];
  w->from = w->froms[k->from];
  m->id = k->seq;
  m->pattern_index = (uint16_t)k->pattern;
  m->capture_count = k->n_caps;
  m->captures = w->caps + k->first_cap;
  for (uint16_t i = 0; i < k->n_caps; i++) { /* room made by keep */
    const pt_cap_kept *c = &w->kept[k->first_cap + i];
    if (c->parent)
      w->cur_buf[i].parent = w->parents[c->parent - 1];
    else
      memset(&w->cur_buf[i].parent, 0, sizeof w->cur_buf[i].parent);
    w->cur_buf[i].end = c->end;
  }
  w->cur_ups = w->cur_buf;
  return 1;
}

void pt__query_walk_end(pt_query_walk *w)
{
  w->cur_ups = NULL;
  w->n_matches = w->n_caps = w->n_froms = w->next = w->n_held = 0;
  w->n_parents = 0;
}

void pt__query_walk_trim(pt_query_walk *w, size_t max_bytes)
{
  pt_array_drop_over(&w->matches, &w->cap_matches,
                     max_bytes / sizeof *w->matches);
  pt_array_drop_over(&w->caps, &w->cap_caps, max_bytes / sizeof *w->caps);
  pt_array_drop_over(&w->kept, &w->cap_kept, max_bytes / sizeof *w->kept);
  pt_array_drop_over(&w->parents, &w->cap_parents,
                     max_bytes / sizeof *w->parents);
  pt_array_drop_over(&w->mups, &w->cap_mups, max_bytes / sizeof *w->mups);
  pt_array_drop_over(&w->path, &w->cap_path, max_bytes / sizeof *w->path);
  pt_array_drop_over(&w->froms, &w->cap_froms, max_bytes / sizeof *w->froms);
  pt_array_drop_over(&w->held, &w->cap_held, max_bytes / sizeof *w->held);
  pt_array_drop_over(&w->mcaps, &w->cap_mcaps, max_bytes / sizeof *w->mcaps);
  pt_array_drop_over(&w->mkids, &w->cap_mkids, max_bytes / 64);
  pt_array_drop_over(&w->mframes, &w->cap_mframes, max_bytes / 64);
  pt__tree_walk_trim(&w->tree, max_bytes);
}

void pt__query_walk_fini(pt_query_walk *w)
{
  pt_free(w->matches);
  pt_free(w->caps);
  pt_free(w->kept);
  pt_free(w->parents);
  pt_free(w->cur_buf);
  pt_free(w->mups);
  pt_free(w->path);
  pt_free(w->froms);
  pt_free(w->held);
  pt_free(w->mcaps);
  pt_free(w->mkids);
  pt_free(w->mframes);
  pt__tree_walk_fini(&w->tree);
  memset(w, 0, sizeof *w);
}
