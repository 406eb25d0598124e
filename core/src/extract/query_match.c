/* Our own matcher for the patterns of core/queries: it finds, from one
 * start node, the matches the query cursor finds from there (same
 * patterns, captures and order), without the cursor's states. The walk
 * (query_walk.c) calls it on each node where one of its patterns starts;
 * it reads the node's children straight from tree-sitter's subtrees
 * (its private headers, as tree_walk.c does), with the field each child
 * has as the cursor tells it (through hidden nodes, inherited by extras).
 *
 * It reads the patterns' text (the .scm files stay the one source) for
 * what our queries use: node types, string literals, (_) and _, fields,
 * negated fields, captures, nested nodes, predicates (tested by the
 * caller) and alternations of nodes of distinct types, so that at most
 * one alternative takes a node. A pattern with anything else (an anchor,
 * a quantifier, a supertype, ERROR or MISSING, a wildcard or alternation
 * at its root, an alternation whose alternatives could take one node)
 * is left to the query cursor, run from its start nodes as before.
 *
 * Matching: each child element of a pattern takes one child of the node,
 * in order, not necessarily next to each other; every way of assigning
 * them is a match, in the order of the children taken (the cursor splits
 * its state on each child that matches), and of two ways that capture the
 * same nodes the first is kept (the cursor drops the later state). */
#include <string.h>

#include "language.h"
#include "subtree.h"
#include "tree.h"
#include "tree_hidden.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "query.h"

#define MAX_NEG 4
#define MAX_CAPS 8
#define WILD_NAMED 1   /* (_) */
#define WILD_ANY 2     /* _ */
#define BAD ((size_t)-1)

typedef struct melem melem;

struct pt_mnode {
  TSSymbol sym;          /* 0 for a wildcard */
  uint8_t wild;          /* 0, WILD_NAMED or WILD_ANY */
  uint8_t n_neg, n_caps;
  TSFieldId neg[MAX_NEG];
  uint16_t caps[MAX_CAPS];
  uint16_t n_kids;
  melem *kids;           /* owned */
};

/* A child element: its field and its alternatives (one for a node). */
struct melem {
  TSFieldId field;
  uint16_t n_alts;
  pt_mnode *alts;        /* owned */
  uint8_t is_immediate;  /* after an anchor: the first named child from
                            where it may start takes it or nothing does */
  uint8_t is_last;       /* before a closing anchor: no named child after */
};

/* A visible child as the query cursor sees it. */
struct pt_mkid {
  TSNode node;
  uint32_t end;          /* its end byte */
  TSSymbol sym;
  TSFieldId field;
  uint8_t is_named;
};

/* A node whose children are being read (hidden ones are looked through). */
struct pt_mframe {
  Subtree parent;
  const TSSymbol *aliases;
  Length pos;
  uint32_t index, structural;
  TSFieldId field;       /* inherited from the hidden nodes above */
};

/* ---- reading the patterns ---------------------------------------------- */

typedef struct reader {
  const pt_query *q;
  const TSLanguage *lang;
  const char *s;
  size_t len;
  int rc;                /* PT_ENOMEM, or 0 */
} reader;

static size_t blank(const reader *r, size_t at)
{
  while (at < r->len) {
    if (pt__scm_is_space(r->s[at]))
      at++;
    else if (r->s[at] == ';')
      while (at < r->len && r->s[at] != '\n')
        at++;
    else
      break;
  }
  return at;
}

/* Past a word (a name, a field, a capture's name) starting at `at`. */
static size_t word_end(const reader *r, size_t at)
{
  while (at < r->len && pt__scm_is_ident(r->s[at]))
    at++;
  return at;
}

static void free_node(pt_mnode *n);

static void free_elem(melem *e)
{
  for (uint16_t i = 0; i < e->n_alts; i++)
    free_node(&e->alts[i]);
  pt_free(e->alts);
}

static void free_node(pt_mnode *n)
{
  for (uint16_t i = 0; i < n->n_kids; i++)
    free_elem(&n->kids[i]);
  pt_free(n->kids);
}

static int capture_id(const reader *r, const char *name, size_t len,
                      uint16_t *out)
{
  for (uint32_t i = 0; i < r->q->n_captures; i++) {
    uint32_t l;
    const char *c = ts_query_capture_name_for_id(r->q->ts, i, &l);
    if (l == len && memcmp(c, name, len) == 0) {
      *out = (uint16_t)i;
      return 1;
    }
  }
  return 0;
}

/* The captures after an element, added to each of its alternatives after
 * their own (the order the query's steps hold them in); BAD at a
 * quantifier or a capture the query does not know. */
static size_t suffix(const reader *r, size_t at, melem *e)
{
  for (;;) {
    at = blank(r, at);
    if (at < r->len && (r->s[at] == '?' || r->s[at] == '*' || r->s[at] == '+'))
      return BAD;
    if (at >= r->len || r->s[at] != '@')
      return at;
    size_t a = at + 1;
    at = word_end(r, a);
    uint16_t id;
    if (at == a || !capture_id(r, r->s + a, at - a, &id))
      return BAD;
    for (uint16_t i = 0; e && i < e->n_alts; i++) {
      pt_mnode *n = &e->alts[i];
      if (n->n_caps == MAX_CAPS)
        return BAD;
      n->caps[n->n_caps++] = id;
    }
  }
}

static size_t read_elem(reader *r, size_t at, melem *out);

/* Past the predicate "(#name args...)" at `at`. */
static size_t skip_predicate(const reader *r, size_t at)
{
  int depth = 0;
  for (; at < r->len; at++) {
    if (r->s[at] == '"')
      for (at++; at < r->len && r->s[at] != '"'; at++)
        at += r->s[at] == '\\';
    else if (r->s[at] == '(')
      depth++;
    else if (r->s[at] == ')' && --depth == 0)
      return at + 1;
  }
  return BAD;
}

/* One node "(name children...)", "(_ ...)", "_" or "\"text\"" at `at`. */
static size_t read_node(reader *r, size_t at, pt_mnode *out)
{
  memset(out, 0, sizeof *out);
  at = blank(r, at);
  if (at >= r->len)
    return BAD;
  if (r->s[at] == '"') {
    size_t a = ++at;
    while (at < r->len && r->s[at] != '"' && r->s[at] != '\\')
      at++;
    if (at >= r->len || r->s[at] != '"')
      return BAD;
    out->sym = ts_language_symbol_for_name(r->lang, r->s + a,
                                           (uint32_t)(at - a), false);
    return out->sym ? at + 1 : BAD;
  }
  if (r->s[at] == '_' && (at + 1 >= r->len || !pt__scm_is_ident(r->s[at + 1]))) {
    out->wild = WILD_ANY;
    return at + 1;
  }
  if (r->s[at] != '(')
    return BAD;
  at = blank(r, at + 1);
  size_t a = at;
  at = word_end(r, a);
  if (at == a || (at < r->len && r->s[at] == '/'))
    return BAD;
  if (at - a == 1 && r->s[a] == '_') {
    out->wild = WILD_NAMED;
  } else {
    if ((at - a == 5 && memcmp(r->s + a, "ERROR", 5) == 0) ||
        (at - a == 7 && memcmp(r->s + a, "MISSING", 7) == 0))
      return BAD;
    out->sym = ts_language_symbol_for_name(r->lang, r->s + a,
                                           (uint32_t)(at - a), true);
    if (!out->sym || out->sym >= ts_language_symbol_count(r->lang) ||
        ts_language_symbol_type(r->lang, out->sym) == TSSymbolTypeSupertype)
      return BAD;
  }
  int is_anchored = 0;
  for (;;) {
    at = blank(r, at);
    if (at >= r->len)
      return BAD;
    char c = r->s[at];
    melem *prev = out->n_kids ? &out->kids[out->n_kids - 1] : NULL;
    if (c == ')') {
      if (is_anchored && !prev)
        return BAD;
      if (is_anchored)
        prev->is_last = 1;
      return at + 1;
    }
    if (c == '.') {                            /* an anchor */
      for (uint16_t i = 0; prev && i < prev->n_alts; i++)
        if (prev->alts[i].wild == WILD_ANY)
          return BAD;                          /* _ . x: anonymous too */
      if (is_anchored)
        return BAD;
      is_anchored = 1;
      at++;
      continue;
    }
    if (c == '(' && blank(r, at + 1) < r->len && r->s[blank(r, at + 1)] == '#') {
      at = skip_predicate(r, at);              /* tested by the caller */
      if (at == BAD)
        return BAD;
      continue;
    }
    TSFieldId field = 0;
    if (c == '!') {                            /* a negated field */
      a = at + 1;
      at = word_end(r, a);
      TSFieldId f = ts_language_field_id_for_name(r->lang, r->s + a,
                                                  (uint32_t)(at - a));
      if (!f || out->n_neg == MAX_NEG)
        return BAD;
      out->neg[out->n_neg++] = f;
      continue;
    }
    if (pt__scm_is_ident(c) &&
        !(c == '_' && (at + 1 >= r->len || !pt__scm_is_ident(r->s[at + 1])))) {
      a = at;                                  /* field: element */
      at = blank(r, word_end(r, a));
      if (at >= r->len || r->s[at] != ':')
        return BAD;
      field = ts_language_field_id_for_name(r->lang, r->s + a,
                                            (uint32_t)(word_end(r, a) - a));
      if (!field)
        return BAD;
      at++;
    }
    if (pt_array_grow((void **)&out->kids, &(size_t){out->n_kids},
                      (size_t)out->n_kids + 1, sizeof *out->kids)) {
      r->rc = PT_ENOMEM;
      return BAD;
    }
    melem *e = &out->kids[out->n_kids];
    memset(e, 0, sizeof *e);
    at = read_elem(r, at, e);
    out->n_kids++;
    if (at == BAD)
      return BAD;
    e->field = field;
    e->is_immediate = (uint8_t)is_anchored;
    is_anchored = 0;
    at = suffix(r, at, e);
    if (at == BAD)
      return BAD;
  }
}

/* Whether two alternatives could take the same node. */
static int may_overlap(const pt_mnode *a, const pt_mnode *b)
{
  return a->wild || b->wild || a->sym == b->sym;
}

/* One element at `at` into *out: a node or an alternation of nodes. */
static size_t read_elem(reader *r, size_t at, melem *out)
{
  at = blank(r, at);
  if (at >= r->len)
    return BAD;
  if (r->s[at] == '(') {                       /* a predicate is not one */
    size_t in = blank(r, at + 1);
    if (in < r->len && (r->s[in] == '#' || r->s[in] == '(' || r->s[in] == '['))
      return BAD;
  }
  if (r->s[at] != '[') {
    out->alts = pt_calloc(1, sizeof *out->alts);
    if (!out->alts) {
      r->rc = PT_ENOMEM;
      return BAD;
    }
    out->n_alts = 1;
    return read_node(r, at, &out->alts[0]);
  }
  size_t cap = 0;
  for (at++;;) {
    at = blank(r, at);
    if (at >= r->len)
      return BAD;
    if (r->s[at] == ']')
      break;
    if (r->s[at] == '[')
      return BAD;
    if (pt_array_grow((void **)&out->alts, &cap, (size_t)out->n_alts + 1,
                      sizeof *out->alts)) {
      r->rc = PT_ENOMEM;
      return BAD;
    }
    pt_mnode *n = &out->alts[out->n_alts++];
    at = read_node(r, at, n);
    if (at == BAD)
      return BAD;
    melem one = {0, 1, n, 0, 0};
    at = suffix(r, at, &one);
    if (at == BAD)
      return BAD;
    for (uint16_t i = 0; i + 1 < out->n_alts; i++)
      if (may_overlap(&out->alts[i], n))
        return BAD;
  }
  return out->n_alts ? at + 1 : BAD;
}

int pt__query_match_read(const pt_query *q, const TSLanguage *lang,
                         const char *src, size_t len, size_t at,
                         pt_mnode **out)
{
  reader r = {q, lang, src, len, 0};
  melem e = {0, 0, NULL, 0, 0};
  *out = NULL;
  at = blank(&r, at);
  size_t in = at < len && src[at] == '(' ? blank(&r, at + 1) : len;
  int is_group = in < len && src[in] == '(';
  if (is_group)
    at = in;                                   /* ((node) (#pred ...)) */
  if (at >= len || src[at] != '(')
    return 0;                                  /* an alternation, a literal */
  at = read_elem(&r, at, &e);
  if (at != BAD)
    at = suffix(&r, at, &e);
  while (is_group && at != BAD) {              /* its predicates */
    at = blank(&r, at);
    if (at < len && src[at] == ')')
      break;
    size_t p = at < len && src[at] == '(' ? blank(&r, at + 1) : len;
    if (p >= len || src[p] != '#') {
      at = BAD;                                /* a second node */
      break;
    }
    at = skip_predicate(&r, at);
  }
  if (is_group && at != BAD)                   /* ((node) ...) @c: c is the
                                                  node's, after its own */
    at = suffix(&r, at + 1, &e);
  if (at != BAD && e.n_alts == 1 && !e.alts[0].wild && r.rc == 0) {
    *out = pt_malloc(sizeof **out);
    if (*out) {
      **out = e.alts[0];
      pt_free(e.alts);
      return 0;
    }
    r.rc = PT_ENOMEM; /* the node and all it holds are freed below */
  }
  free_elem(&e);
  return r.rc ? PT_ERR(PT_ENOMEM, "out of memory compiling queries") : 0;
}

TSSymbol pt__query_match_root(const pt_mnode *m)
{
  return m->sym;
}

void pt__query_match_free(pt_mnode *m)
{
  if (!m)
    return;
  free_node(m);
  pt_free(m);
}

/* ---- matching -------------------------------------------------------- */

/* Pushes the visible children of n onto w->mkids, from *at on. */
static int load_kids(pt_query_walk *w, TSNode n, size_t *at)
{
  const TSTree *tree = n.tree;
  const TSLanguage *lang = tree->language;
  Subtree top = *(const Subtree *)n.id;
  size_t n_frames = 0;
  *at = w->n_mkids;
  if (ts_subtree_child_count(top) == 0)
    return 0;
  if (pt_array_grow((void **)&w->mframes, &w->cap_mframes, 1, sizeof *w->mframes))
    return PT_ERR(PT_ENOMEM, "out of memory matching queries");
  w->mframes[n_frames++] = (pt_mframe){
      top, ts_language_alias_sequence(lang, top.ptr->production_id),
      {n.context[0], {n.context[1], n.context[2]}}, 0, 0, 0};
  while (n_frames) {
    pt_mframe *f = &w->mframes[n_frames - 1];
    uint32_t n_kids = f->parent.ptr->child_count;
    if (f->index == n_kids) {
      n_frames--;
      continue;
    }
    const Subtree *kids = ts_subtree_children(f->parent);
    const Subtree *kid = &kids[f->index];
    Length pos = f->pos;
    TSSymbol alias = 0;
    TSFieldId field = 0;
    if (!ts_subtree_extra(*kid)) {
      if (f->aliases)
        alias = f->aliases[f->structural];
      field = pt__field_at(lang, f->parent.ptr->production_id, f->structural);
      f->structural++;
    }
    if (!field)
      field = f->field;
    f->pos = length_add(f->pos, ts_subtree_size(*kid));
    uint32_t end = f->pos.bytes;
    if (++f->index < n_kids)
      f->pos = length_add(f->pos, ts_subtree_padding(kids[f->index]));
    /* a hidden node of one child: that child in its place (as the walk
     * does), with the field and alias the node's production gives it */
    uint64_t n_hops = 0;
    kid = pt__hidden_in_place(lang, kid, &alias, &field, &n_hops);
    if (ts_subtree_visible(*kid) || alias) {
      if (pt_array_grow((void **)&w->mkids, &w->cap_mkids, w->n_mkids + 1,
                        sizeof *w->mkids))
        return PT_ERR(PT_ENOMEM, "out of memory matching queries");
      /* ts_node_symbol's and ts_node_is_named's reading, without the
       * node: the alias where there is one, the symbol made public; and
       * ts_node_new's node, made in place */
      TSSymbol sym = alias ? alias : ts_subtree_symbol(*kid);
      uint8_t is_named = alias ? ts_language_symbol_metadata(lang, alias).named
                               : ts_subtree_named(*kid);
      w->mkids[w->n_mkids++] = (pt_mkid){
          {{pos.bytes, pos.extent.row, pos.extent.column, alias}, kid, tree},
          end, sym == ts_builtin_sym_error ? sym : lang->public_symbol_map[sym],
          field, is_named};
    } else if (ts_subtree_visible_child_count(*kid) > 0) {
      if (pt_array_grow((void **)&w->mframes, &w->cap_mframes, n_frames + 1,
                        sizeof *w->mframes))
        return PT_ERR(PT_ENOMEM, "out of memory matching queries");
      w->mframes[n_frames++] = (pt_mframe){
          *kid, ts_language_alias_sequence(lang, kid->ptr->production_id),
          pos, 0, 0, field};
    }
  }
  return 0;
}

/* What is left to match: elements k.. of elems against the children
 * kids[from..end) of w->mkids (those of node), then what is left of the
 * node above. */
typedef struct rest {
  const melem *elems;
  uint16_t n, k;
  size_t from, end;
  const struct rest *up;
  TSNode node;
} rest;

typedef struct run {
  pt_query_walk *w;
  TSNode start;
  uint32_t order;
  uint16_t pattern;
} run;

static int node_ok(const pt_mnode *a, const pt_mkid *kid)
{
  if (a->wild ? kid->sym == ts_builtin_sym_error ||
                    (a->wild == WILD_NAMED && !kid->is_named)
              : kid->sym != a->sym)
    return 0;
  for (uint8_t i = 0; i < a->n_neg; i++)
    if (ts_node_child_by_field_id(kid->node, a->neg[i]).id)
      return 0;
  return 1;
}

/* Captures n (ending at byte end, its parent `parent`) as a's captures. */
static int push_caps(pt_query_walk *w, const pt_mnode *a, TSNode n,
                     uint32_t end, TSNode parent)
{
  if (pt_array_grow((void **)&w->mcaps, &w->cap_mcaps, w->n_mcaps + a->n_caps,
                    sizeof *w->mcaps) ||
      pt_array_grow((void **)&w->mups, &w->cap_mups, w->n_mcaps + a->n_caps,
                    sizeof *w->mups))
    return PT_ERR(PT_ENOMEM, "out of memory matching queries");
  for (uint8_t i = 0; i < a->n_caps; i++) {
    w->mups[w->n_mcaps] = (pt_cap_up){parent, end};
    w->mcaps[w->n_mcaps++] = (TSQueryCapture){n, a->caps[i]};
  }
  return 0;
}

static int emit(const run *u)
{
  pt_query_walk *w = u->w;
  TSQueryMatch m = {0, u->pattern, (uint16_t)w->n_mcaps, w->mcaps};
  return pt__query_walk_keep(w, &m, w->mups, u->start, u->order, w->m_first);
}

static int match_rest(const run *u, const rest *r)
{
  while (r && r->k == r->n)
    r = r->up;
  if (!r)
    return emit(u);
  pt_query_walk *w = u->w;
  const melem *e = &r->elems[r->k];
  int rc = 0;
  for (size_t i = r->from; rc == 0 && i < r->end; i++) {
    int is_last = 1;
    for (size_t k = i + 1; e->is_last && k < r->end && is_last; k++)
      is_last = !w->mkids[k].is_named;
    for (uint16_t j = 0; rc == 0 && j < e->n_alts; j++) {
      const pt_mnode *a = &e->alts[j];
      if ((e->field && w->mkids[i].field != e->field) || !is_last ||
          !node_ok(a, &w->mkids[i]))
        continue;
      pt_mkid kid = w->mkids[i]; /* load_kids below may move w->mkids */
      size_t n_caps = w->n_mcaps;
      rest next = {r->elems, r->n, (uint16_t)(r->k + 1), i + 1, r->end, r->up,
                   r->node};
      rc = push_caps(w, a, kid.node, kid.end, r->node);
      if (rc == 0 && a->n_kids) {
        size_t at = 0;
        rc = load_kids(w, kid.node, &at);
        rest in = {a->kids, a->n_kids, 0, at, w->n_mkids, &next, kid.node};
        if (rc == 0)
          rc = match_rest(u, &in);
        w->n_mkids = at;
      } else if (rc == 0) {
        rc = match_rest(u, &next);
      }
      w->n_mcaps = n_caps;
    }
    if (e->is_immediate && w->mkids[i].is_named)
      break; /* the cursor's state for it ends at a named child */
  }
  return rc;
}

int pt__query_match_at(pt_query_walk *w, TSNode n, TSSymbol sym,
                       uint32_t order)
{
  const pt_query *q = w->q;
  size_t at = w->n_mkids;
  int is_loaded = 0, rc = 0, has_end = 0;
  uint32_t end = 0;
  for (uint32_t i = q->m_at[sym]; rc == 0 && i < q->m_at[sym + 1]; i++) {
    uint16_t p = q->m_pats[i];
    const pt_mnode *root = q->mpats[p];
    pt_mkid self = {n, 0, sym, 0, 1};
    w->n_mruns++;
    if (!node_ok(root, &self))
      continue;
    if (root->n_kids && !is_loaded) {
      rc = load_kids(w, n, &at);
      is_loaded = 1;
    }
    w->n_mcaps = 0;
    w->m_first = w->n_matches;
    run u = {w, n, order, p};
    rest r = {root->kids, root->n_kids, 0, at, w->n_mkids, NULL, n};
    if (rc == 0 && root->n_caps && !has_end) {
      end = ts_node_end_byte(n);
      has_end = 1;
    }
    if (rc == 0)
      rc = push_caps(w, root, n, end, w->up);
    if (rc == 0)
      rc = match_rest(&u, &r);
  }
  w->n_mkids = at;
  return rc;
}
