/* Reference resolution's rules (resolve.h), docs/extraction.md "Resolution",
 * over the frozen tables of resolve.c; one file at a time in a context of
 * its own, so files resolve on any thread.
 * A member call o.m() is decided by o's type only: self/this (the caller's
 * type), super/base (its bases), a variable whose type the syntax states
 * (extract_refs.c), a type or namespace named as the qualifier, or an
 * imported package; the method is looked up in the type's own methods,
 * then its bases depth first in source order. A receiver of unknown type
 * never resolves by the method's name alone. Any other reference names a
 * target among the indexed entities of the same language family with that
 * name and a fitting kind, and the first tier that has candidates decides:
 *   1. the qualifier names the target's type (Foo::new, A.f())
 *   2. the caller's own type and its bases (languages with an implicit
 *      this: a bare m() in a method)
 *   3. the same file
 *   4. a file the referring file imports
 *   5. the same directory
 *   6. the whole language
 * A tier decides only when its candidates are one thing (overloads, a
 * namespace spread over files, a type and its typedef); otherwise the
 * reference stays unresolved as ambiguous. A bare call never reaches a
 * method outside the caller's type. Every edge records the rule that
 * decided it, or why none did (pt_resolution). A package qualifier
 * (io.Reader, with io imported) admits only files of that package; imports
 * prefer types over same-named constructors. */
#include <stdio.h>
#include <string.h>

#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

static int kind_fits(pt_ref_kind r, pt_kind k)
{
  switch (r) {
  case PT_REF_CALL:
    return k == PT_KIND_FUNCTION || k == PT_KIND_METHOD || k == PT_KIND_CLASS ||
           k == PT_KIND_STRUCT;
  case PT_REF_NEW:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT;
  case PT_REF_TYPE:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
           k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_TYPEDEF;
  case PT_REF_EXTENDS:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_INTERFACE ||
           k == PT_KIND_TRAIT;
  case PT_REF_IMPLEMENTS: /* Ruby mixes modules in */
    return k == PT_KIND_INTERFACE || k == PT_KIND_TRAIT || k == PT_KIND_CLASS ||
           k == PT_KIND_MODULE;
  case PT_REF_IMPORT:
    return k != PT_KIND_IMPL;
  default:
    return 0;
  }
}

/* "./a/b", "a.b", "crate::a::b", "..mod", "./a/b.js" -> "a/b", "a/b",
 * "a/b", "mod", "a/b". */
static char *normalize_module(const char *m)
{
  pt_buf b = PT_BUF_INIT;
  int is_path = strchr(m, '/') != NULL;
  while (*m == '.' || *m == '/' || *m == '@' || *m == '~')
    m++;
  /* a file path with its extension ("./lib/shapes.js", "./mod.js",
   * "a/b.php") */
  static const char *const exts[] = {".js", ".mjs", ".cjs", ".jsx", ".ts",
                                     ".tsx", ".php", ".rb", ".py", NULL};
  size_t ml = strlen(m), cut = ml;
  for (int i = 0; exts[i] && is_path; i++) {
    size_t el = strlen(exts[i]);
    if (ml > el && strcmp(m + ml - el, exts[i]) == 0)
      cut = ml - el;
  }
  const char *end = m + cut;
  static const char *const roots[] = {"crate::", "self::", "super::", NULL};
  for (int i = 0; roots[i]; i++)
    if (strncmp(m, roots[i], strlen(roots[i])) == 0)
      m += strlen(roots[i]);
  for (const char *p = m; p < end; p++) {
    if (p[0] == ':' && p[1] == ':') {
      pt_buf_putc(&b, '/');
      p++;
    } else if (*p == '.' || *p == '\\') {
      pt_buf_putc(&b, '/');
    } else {
      pt_buf_putc(&b, *p);
    }
  }
  return pt_buf_detach(&b);
}

/* Path comparison where '.' and '/' match each other: C# and Java folders
 * are often named after namespaces ("Acme.Shapes/"). */
static int seg_eq(const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i] && !((a[i] == '.' || a[i] == '/') && (b[i] == '.' || b[i] == '/')))
      return 0;
  return 1;
}

/* Does the folder of path (its first dl bytes) end with the normalised
 * module path, or (Go and Java packages: "example.com/geo/shapes") does
 * the module path end with the folder's name? */
static int dir_matches_module(const char *path, size_t dl, const char *mod,
                              size_t ml)
{
  if (dl >= ml && seg_eq(path + dl - ml, mod, ml) &&
      (dl == ml || path[dl - ml - 1] == '/'))
    return 1;
  const char *folder = path + dl;
  while (folder > path && folder[-1] != '/')
    folder--;
  size_t fl = (size_t)(path + dl - folder);
  return fl && ml > fl && seg_eq(mod + ml - fl, folder, fl) &&
         mod[ml - fl - 1] == '/';
}

/* Does the candidate's file (without extension) end with the normalised
 * module path, or its folder match it (dir_matches_module)? */
static int file_matches_module(const char *path, const char *mod)
{
  size_t ml = strlen(mod);
  if (!ml)
    return 0;
  const char *dot = strrchr(pt__path_base(path), '.');
  size_t stem = dot ? (size_t)(dot - path) : strlen(path);
  if (stem >= ml && seg_eq(path + stem - ml, mod, ml) &&
      (stem == ml || path[stem - ml - 1] == '/'))
    return 1;
  return dir_matches_module(path, pt__path_dir_len(path), mod, ml);
}

/* Does import k of the current file go by the qualifier scope (sl bytes):
 * its alias (Go's `import gast "x/ast"`: gast, never ast), else its last
 * segment? */
static int import_named(const pt__resolve_ctx *c, size_t k, const char *scope,
                        size_t sl)
{
  const char *m = c->aliases[k] ? c->aliases[k] : c->imports[k];
  size_t ml = strlen(m);
  /* the last byte tells most imports apart without a call */
  return ml >= sl && (sl == 0 || m[ml - 1] == scope[sl - 1]) &&
         strcmp(m + ml - sl, scope) == 0 &&
         (ml == sl || m[ml - sl - 1] == '/');
}

/* c->named: the current file's imports that go by the qualifier scope
 * (import_named), found once for the qualifier last asked, not for each
 * candidate's file. 0, or -1 short of memory. */
static int imports_named(pt__resolve_ctx *c, const char *scope)
{
  if (c->named_made && strcmp(c->named_for.ptr, scope) == 0)
    return 0;
  size_t sl = strlen(scope);
  c->named_made = 0;
  c->n_named = 0;
  pt_buf_clear(&c->named_for);
  if (pt_buf_put(&c->named_for, scope, sl) || pt_buf_putc(&c->named_for, 0)) {
    pt_error_clear();
    return -1;
  }
  for (size_t k = 0; k < c->n_imports; k++) {
    if (!import_named(c, k, scope, sl))
      continue;
    if (pt_array_grow((void **)&c->named, &c->cap_named, c->n_named + 1,
                      sizeof *c->named) != 0) {
      pt_error_clear();
      return -1;
    }
    c->named[c->n_named++] = (uint32_t)k;
  }
  c->named_made = 1;
  return 0;
}

/* Does the file of path id f match a module the current file imports
 * whose last segment is scope (`utils` in utils.f() after `from email
 * import utils`, `io` after `import "io"`)? Only that module, not every
 * module the file imports. */
static int scope_names_file(const pt_resolver *rs, pt__resolve_ctx *c,
                            const char *scope, uint32_t f)
{
  const char *path = rs->path_text[f];
  if (imports_named(c, scope) != 0) { /* short of memory: each import */
    size_t sl = strlen(scope);
    for (size_t k = 0; k < c->n_imports; k++)
      if (import_named(c, k, scope, sl) &&
          file_matches_module(path, c->imports[k]))
        return 1;
    return 0;
  }
  for (size_t j = 0; j < c->n_named; j++)
    if (file_matches_module(path, c->imports[c->named[j]]))
      return 1;
  return 0;
}

/* Remembers folder id d as one the current file's imports name files in
 * (c->dir_imported |= how: 1 every file of it, 2 some); -1 short of
 * memory. c->asked_dirs lists each such folder once. */
static int mark_dir(pt__resolve_ctx *c, uint32_t d, uint8_t how)
{
  if (!c->dir_imported[d]) {
    if (pt_array_grow((void **)&c->asked_dirs, &c->cap_asked_dirs,
                      c->n_asked_dirs + 1, sizeof *c->asked_dirs) != 0) {
      pt_error_clear(); /* the file's answers are asked of each file */
      return -1;
    }
    c->asked_dirs[c->n_asked_dirs++] = d;
  }
  c->dir_imported[d] |= how;
  return 0;
}

/* Remembers path id f as one the current file's imports name (c->imported
 * 2), its folder as holding one; -1 short of memory. */
static int mark_file(const pt_resolver *rs, pt__resolve_ctx *c, uint32_t f)
{
  if (pt_array_grow((void **)&c->asked, &c->cap_asked, c->n_asked + 1,
                    sizeof *c->asked) != 0) {
    pt_error_clear();
    return -1;
  }
  c->asked[c->n_asked++] = f;
  c->imported[f] = 2;
  return mark_dir(c, rs->path_dir[f], 2);
}

/* A module's marks kept past these: a thread forgets them all then. */
#define MOD_MARKS_KEYS 65536
#define MOD_MARKS_IDS (4u << 20)

static void mod_marks_drop(pt__resolve_ctx *c)
{
  pt_strmap_clear(&c->mod_marks);
  pt_arena_fini(&c->mod_keys);
  pt_arena_init(&c->mod_keys);
  c->n_mod_pool = 0;
}

static int mod_pool_put(pt__resolve_ctx *c, uint32_t x)
{
  if (pt_array_grow((void **)&c->mod_pool, &c->cap_mod_pool,
                    c->n_mod_pool + 1, sizeof *c->mod_pool) != 0)
    return -1;
  c->mod_pool[c->n_mod_pool++] = x;
  return 0;
}

/* The files and folders of tail t (module mod's last segment, ml bytes)
 * that mod names (file_matches_module, dir_matches_module), in the
 * lists' order: at c->mod_pool + *at, their counts first. Found once a
 * thread for each module, not for each file that imports it: a module
 * every copy of a tree imports walks every copy's files of its last
 * segment. Made again when the patches add paths. 0, or -1 short of
 * memory (the error cleared). */
static int module_marks(const pt_resolver *rs, pt__resolve_ctx *c,
                        const char *mod, size_t ml, uint32_t t, size_t *at)
{
  if (c->mod_paths != rs->n_paths || c->mod_dirs != rs->dirs.n ||
      c->mod_marks.n >= MOD_MARKS_KEYS || c->n_mod_pool >= MOD_MARKS_IDS) {
    mod_marks_drop(c);
    c->mod_paths = rs->n_paths;
    c->mod_dirs = rs->dirs.n;
  }
  uint64_t h = pt_strmap_hash(mod, ml);
  if (pt_strmap_get_hashed(&c->mod_marks, mod, ml, h, at))
    return 0;
  size_t start = c->n_mod_pool, dummy;
  uint32_t nf = 0, nd = 0;
  int rc = mod_pool_put(c, 0) || mod_pool_put(c, 0) ? -1 : 0;
  for (uint32_t p = rs->tail_path[t]; rc == 0 && p != NO_ID;
       p = rs->path_tail_next[p])
    if (file_matches_module(rs->path_text[p], mod)) {
      rc = mod_pool_put(c, p);
      nf++;
    }
  for (uint32_t d = rs->tail_dir[t]; rc == 0 && d != NO_ID;
       d = rs->dir_tail_next[d]) {
    const char *path = rs->path_text[rs->dir_path[d]];
    if (dir_matches_module(path, rs->path_dlen[rs->dir_path[d]], mod, ml)) {
      rc = mod_pool_put(c, d);
      nd++;
    }
  }
  char *key = rc == 0 ? pt_arena_strndup(&c->mod_keys, mod, ml) : NULL;
  if (!key || pt_strmap_put_new_hashed(&c->mod_marks, key, ml, h, start,
                                       &dummy) != 0) {
    pt_error_clear();
    c->n_mod_pool = start;
    return -1;
  }
  c->mod_pool[start] = nf;
  c->mod_pool[start + 1] = nd;
  *at = start;
  return 0;
}

/* Marks the files and folders the current file's imports name, from the
 * lists of their last segments (resolve_tails.c): a file an import names
 * has the import's last segment as its stem's, a folder whose files it
 * names as its own (file_matches_module); each module's (module_marks).
 * 0, or -1 when a module has no last segment or memory ran short: then
 * each file is asked. */
static int mark_imports(const pt_resolver *rs, pt__resolve_ctx *c)
{
  if (rs->n_paths > c->n_paths || rs->dirs.n > c->n_dirs)
    return -1; /* the patches' new paths are past the marks' arrays */
  for (size_t k = 0; k < c->n_imports; k++) {
    const char *mod = c->imports[k];
    size_t ml = strlen(mod), ks = pt__tails_start(mod, ml), at;
    if (ml == 0)
      continue; /* names nothing */
    if (ks == ml)
      return -1;
    uint32_t t = pt__tails_find(rs, mod + ks, ml - ks);
    if (t == NO_ID)
      continue;
    if (module_marks(rs, c, mod, ml, t, &at) != 0)
      return -1;
    const uint32_t *m = c->mod_pool + at + 2;
    uint32_t nf = m[-2], nd = m[-1];
    for (uint32_t j = 0; j < nf; j++)
      if (c->imported[m[j]] != 2 && mark_file(rs, c, m[j]) != 0)
        return -1;
    for (uint32_t j = nf; j < nf + nd; j++)
      if (!(c->dir_imported[m[j]] & 1) && mark_dir(c, m[j], 1) != 0)
        return -1;
  }
  return 0;
}

/* Whether the marks (mark_imports) hold every answer for the current
 * file: made at its first question. */
static int marks_made(const pt_resolver *rs, pt__resolve_ctx *c)
{
  if (c->marked == 0)
    c->marked = mark_imports(rs, c) == 0 ? 1 : -1;
  return c->marked == 1;
}

/* Does the file of path id f match a module the current file imports?
 * From the marks; else asked once per file pair, the answer kept until
 * the next file. */
static int is_imported(const pt_resolver *rs, pt__resolve_ctx *c, uint32_t f)
{
  if (c->n_imports == 0)
    return 0;
  if (marks_made(rs, c))
    return c->imported[f] == 2 || (c->dir_imported[rs->path_dir[f]] & 1);
  if (c->imported[f] == 0) {
    int yes = 0;
    for (size_t k = 0; k < c->n_imports && !yes; k++)
      yes = file_matches_module(rs->path_text[f], c->imports[k]);
    if (pt_array_grow((void **)&c->asked, &c->cap_asked, c->n_asked + 1,
                      sizeof *c->asked) != 0) {
      pt_error_clear(); /* short of memory: ask again next time */
      return yes;
    }
    c->asked[c->n_asked++] = f;
    c->imported[f] = yes ? 2 : 1;
  }
  return c->imported[f] == 2;
}

/* Is scope the last segment of a module the current file imports (a
 * package qualifier such as Go's io.Reader or Python's os.path)? */
static int scope_is_import(const pt__resolve_ctx *c, const char *scope)
{
  size_t sl = strlen(scope);
  for (size_t k = 0; k < c->n_imports; k++)
    if (import_named(c, k, scope, sl))
      return 1;
  return 0;
}

static int is_type_kind(pt_kind k)
{
  return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
         k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_TYPEDEF ||
         k == PT_KIND_MODULE || k == PT_KIND_NAMESPACE;
}

static int is_self_word(const char *s)
{
  static const char *const words[] = {"self", "this", "Self", "cls", "static",
                                      "$this", NULL};
  for (int i = 0; words[i]; i++)
    if (strcmp(s, words[i]) == 0)
      return 1;
  return 0;
}

/* super.m(), parent::m(), base.M(): a method of a base class, never of
 * the caller's own type. */
static int is_base_word(const char *s)
{
  return !strcmp(s, "super") || !strcmp(s, "parent") || !strcmp(s, "base") ||
         !strcmp(s, "super()");
}

/* A qualifier as qualified names write it ("a::B" -> "a.B"), made once
 * per reference; NULL when out of memory (nothing fits then). */
static char *scope_want(const char *scope, size_t len)
{
  char *s = pt_malloc(len + 1);
  if (!s)
    return NULL;
  memcpy(s, scope, len);
  s[len] = '\0';
  char *want = normalize_module(s);
  pt_free(s);
  for (char *p = want; p && *p; p++)
    if (*p == '/')
      *p = '.';
  return want;
}

/* Does entity i's qualified name end with "<want>.<name>" (nl: the name's
 * length, the same for every candidate of a chain)? */
static int scope_fits(const pt_resolver *rs, size_t i, const char *want,
                      size_t nl)
{
  if (!want)
    return 0;
  const char *q = rs->ents[i].qualname;
  size_t ql = rs->info[i].ql, wl = strlen(want);
  return ql >= wl + 1 + nl && memcmp(q + ql - nl - 1 - wl, want, wl) == 0 &&
         q[ql - nl - 1] == '.' &&
         (ql == wl + 1 + nl || q[ql - nl - 2 - wl] == '.');
}

typedef struct tier_hit {
  size_t first;
  size_t count;
  int one_group;   /* every candidate has the first one's kind and qualname */
  uint32_t n_keep, max_at; /* keep: the candidates with the smallest keys;
                              max_at: the largest of them once it is full */
  const char *keep[PT_CANDIDATES_MAX];
} tier_hit;

/* What the last ambiguous tier left, on this thread: pt__resolve_refs
 * gives it to the edge when the reference's verdict is ambiguous. Every
 * ambiguous verdict comes from tier_verdict and is passed straight up. */
static PT_THREAD_LOCAL struct {
  uint32_t n, n_keys;
  const char *keys[PT_CANDIDATES_MAX];
} left;

/* Keeps entity i's key in t if it is among the smallest (bytewise):
 * the same ones whatever order the candidates come in. */
static void tier_keep(const pt_resolver *rs, tier_hit *t, size_t i)
{
  const char *k = rs->ents[i].key;
  if (t->n_keep < PT_CANDIDATES_MAX) {
    t->keep[t->n_keep++] = k;
  } else if (strcmp(k, t->keep[t->max_at]) < 0) {
    t->keep[t->max_at] = k;
  } else {
    return;
  }
  if (t->n_keep < PT_CANDIDATES_MAX)
    return;
  t->max_at = 0;
  for (uint32_t j = 1; j < t->n_keep; j++)
    if (strcmp(t->keep[j], t->keep[t->max_at]) > 0)
      t->max_at = j;
}

/* Candidates that are one thing count once: overloads (Circle.scale twice,
 * same qualified name and file), a namespace, module or impl spread over
 * files (same kind and qualified name), and a C type with its typedef
 * (struct List and `typedef struct List List`, same qualified name), where
 * the definition itself is preferred to the alias. Two classes or functions
 * of one qualified name in two files are two things (two Java packages, two
 * Python modules, two C files' static functions). */
static void tier_add(const pt_resolver *rs, tier_hit *t, size_t i)
{
  tier_keep(rs, t, i);
  if (t->count++ == 0) {
    t->first = i;
    t->one_group = 1;
    return;
  }
  const ent_info *ai = &rs->info[t->first], *bi = &rs->info[i];
  if (ai->qn != bi->qn || ai->qn == NO_ID) {
    t->one_group = 0;
    return;
  }
  pt_kind a = (pt_kind)ai->kind, b = (pt_kind)bi->kind;
  int alias = a == PT_KIND_TYPEDEF || b == PT_KIND_TYPEDEF;
  int same_file = ai->file == bi->file;
  int spread = a == PT_KIND_NAMESPACE || a == PT_KIND_MODULE ||
               a == PT_KIND_IMPL || alias;
  /* C++, Java, C# and Swift: overloads (and C++'s #if twins) are several
   * things; what the arguments leave of them is in eligible(). So are a
   * Ruby class's `def self.m` and `def m`. C's #if twins stay one thing
   * for now: docs/accuracy.md, "Known wrong or missing edges" */
  int c_twins = same_file && a == b &&
                ((ai->fam == PT_LANG_C &&
                  rs->ents[t->first].lang == PT_LANG_CPP &&
                  rs->ents[i].lang == PT_LANG_CPP) ||
                 ai->fam == PT_LANG_JAVA || ai->fam == PT_LANG_CSHARP ||
                 ai->fam == PT_LANG_SWIFT || ai->fam == PT_LANG_RUBY) &&
                (a == PT_KIND_FUNCTION || a == PT_KIND_METHOD);
  if ((a != b && !alias && !same_file) || (!same_file && !spread) || c_twins)
    t->one_group = 0;
  else if (a == PT_KIND_TYPEDEF && b != PT_KIND_TYPEDEF)
    t->first = i;
}

/* A tier's members gathered from groups, put in the chain's order (at
 * most 64: past that, the chain is walked instead). */
typedef struct fits_in_order {
  uint32_t at[64];
  uint32_t n;
} fits_in_order;

/* Puts i among f's in the chain's order; 0 when the 64 places are taken. */
static int fits_put(const pt_resolver *rs, fits_in_order *f, uint32_t i)
{
  if (f->n == sizeof f->at / sizeof *f->at)
    return 0;
  size_t at = f->n++;
  while (at > 0 && pt__group_before(rs, i, f->at[at - 1])) {
    f->at[at] = f->at[at - 1];
    at--;
  }
  f->at[at] = i;
  return 1;
}

static void fits_add(const pt_resolver *rs, const fits_in_order *f,
                     tier_hit *t)
{
  for (uint32_t k = 0; k < f->n; k++)
    tier_add(rs, t, f->at[k]);
}

/* Whether entity i may be the target of r at all (its family is the
 * chain's: chains are kept per family). */
static int eligible(const pt_resolver *rs, size_t i, const pt_raw_ref *r,
                    int types_only)
{
  pt_kind k = (pt_kind)rs->info[i].kind;
  /* Go: a conversion T(x) names its type as T{} does, and T{} may make a
   * named slice or map type (type Options []Option) */
  int go_conversion = rs->info[i].fam == PT_LANG_GO &&
                      ((r->kind == PT_REF_CALL &&
                        (k == PT_KIND_TYPEDEF || k == PT_KIND_INTERFACE)) ||
                       (r->kind == PT_REF_NEW && k == PT_KIND_TYPEDEF));

  if (!kind_fits(r->kind, k) && !go_conversion)
    return 0;
  if (types_only && !is_type_kind(k))
    return 0;
  /* a type does not extend or implement itself, and `typedef struct T T`
   * names the struct, not the typedef */
  if ((r->kind == PT_REF_EXTENDS || r->kind == PT_REF_IMPLEMENTS ||
       (r->kind == PT_REF_TYPE && k == PT_KIND_TYPEDEF)) &&
      strcmp(rs->ents[i].key, r->from_key) == 0)
    return 0;
  /* a C, C++, Java, C# or Swift call whose arguments the definition cannot
   * take (any number fits any other definition) */
  unsigned n_args = r->arity - 1u;
  return !r->arity ||
         (n_args >= rs->info[i].ar_lo && n_args <= rs->info[i].ar_hi);
}

/* A walk over the non-methods of head's name (rs->next_free), in the
 * chain's order: for a lookup no method can answer. */
static size_t free_first(const pt_resolver *rs, size_t head)
{
  uint32_t i = pt__group_free_first(rs, head);
  return i == NO_ID ? NONE : i;
}

static size_t free_next(const pt_resolver *rs, size_t i)
{
  uint32_t n = rs->next_free[i];
  return n == NO_ID ? NONE : n;
}

/* Whether eligible() may take a method for r: not for a type, a base, a
 * `new` (a Go conversion names a type, an ES5 constructor a function),
 * nor where only types are wanted. Where it may not, a walk over every
 * eligible candidate walks the non-methods alone. */
static int methods_fit(const pt_raw_ref *r, int types_only)
{
  return !types_only && kind_fits(r->kind, PT_KIND_METHOD);
}

/* Whether a candidate of head's name may pass classify's first test for
 * r at all (eligible, or an ES5 constructor), as eligible() reads a kind,
 * from the kinds the name's entities have had (pt__group_name_kinds, any
 * family: a superset). 0: none is eligible, and a walk over them finds
 * nothing (head NONE: none either). */
static int kinds_may_fit(const pt_resolver *rs, size_t head,
                         const pt_raw_ref *r, int types_only)
{
  if (head == NONE)
    return 0;
  uint32_t kinds = pt__group_name_kinds(rs, rs->info[head].nid);
  if (r->kind == PT_REF_NEW && !r->scope &&
      (kinds & (1u << PT_KIND_FUNCTION)))
    return 1;
  for (int k = 0; k < PT_KIND__COUNT; k++) {
    if (!(kinds & (1u << k)))
      continue;
    int go_conversion = (r->kind == PT_REF_CALL &&
                         (k == PT_KIND_TYPEDEF || k == PT_KIND_INTERFACE)) ||
                        (r->kind == PT_REF_NEW && k == PT_KIND_TYPEDEF);
    if ((kind_fits(r->kind, (pt_kind)k) || go_conversion) &&
        (!types_only || is_type_kind((pt_kind)k)))
      return 1;
  }
  return 0;
}

/* Imports prefer types: `import a.Circle` names the class, not its
 * constructor Circle.Circle. */
static int wants_types_only(const pt_resolver *rs, size_t head,
                            const pt_raw_ref *r)
{
  if (r->kind != PT_REF_IMPORT || !kinds_may_fit(rs, head, r, 1))
    return 0;
  for (size_t i = free_first(rs, head); i != NONE; i = free_next(rs, i))
    if (eligible(rs, i, r, 1)) /* a type, never a method */
      return 1;
  return 0;
}

/* What a pick found: the target's index or NONE, and the rule. */
typedef struct verdict {
  size_t target;
  pt_resolution how;
} verdict;

static verdict found(size_t i, pt_resolution how)
{
  verdict v = {i, how};
  return v;
}

static verdict missed(pt_resolution how)
{
  verdict v = {NONE, how};
  return v;
}

/* The tier's verdict: its one candidate, ambiguous, or nothing (count 0). */
static verdict tier_verdict(const tier_hit *t, pt_resolution how)
{
  if (t->one_group)
    return found(t->first, how);
  left.n = t->count > UINT32_MAX ? UINT32_MAX : (uint32_t)t->count;
  left.n_keys = t->n_keep;
  memcpy(left.keys, t->keep, t->n_keep * sizeof *t->keep);
  return missed(PT_RES_AMBIGUOUS);
}

/* The last tier of pick_by_name (2 file, 3 import, 4 directory, 5 the
 * whole language) a bare f() may use, by the language's scoping: the
 * whole language where functions are global (C, C++, PHP, Ruby, Swift),
 * the directory where a package is its folder (Go), else only what the
 * file defines or imports (Python, JavaScript, TypeScript, Rust, Java,
 * C#). */
static int bare_call_reach(pt_lang l)
{
  switch (l) {
  case PT_LANG_C: case PT_LANG_CPP: case PT_LANG_PHP: case PT_LANG_RUBY:
  case PT_LANG_SWIFT:
    return 5;
  case PT_LANG_GO:
    return 4;
  default:
    return 3;
  }
}

/* Languages where a bare m() inside a method may call the method m of the
 * caller's own type or its bases. */
static int has_implicit_this(pt_lang l)
{
  return l == PT_LANG_JAVA || l == PT_LANG_CSHARP || l == PT_LANG_CPP ||
         l == PT_LANG_SWIFT || l == PT_LANG_RUBY;
}

static int is_type_like(pt_kind k)
{
  return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
         k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_IMPL ||
         k == PT_KIND_MODULE;
}

/* The first entity of the chain of name (len bytes) in family fam. */
static int chain_head(const pt_resolver *rs, uint8_t fam, const char *name,
                      size_t len, size_t *head)
{
  return pt__resolve_chain(rs, fam, name, len, head);
}

/* The type entity a caller (entity key) is written in, or NONE. */
static size_t caller_type_index(const pt_resolver *rs, pt__resolve_ctx *c,
                                const char *from)
{
  size_t i = pt__resolve_key(rs, c, from), p;
  if (i == NONE)
    return NONE;
  for (int depth = 0; depth < 16; depth++) {
    const pt_entity *e = &rs->ents[i];
    if (is_type_like(e->kind))
      return i;
    p = pt__resolve_parent(rs, i);
    int has_parent = p != NONE;
    if (e->kind == PT_KIND_METHOD && !(has_parent && is_type_like(rs->ents[p].kind)))
      break;
    if (!has_parent)
      return NONE;
    i = p;
  }
  /* a method: its parent, or the type named by its qualifier (C++ A::f
   * outside A's file, a Go method beside its type's file) */
  span t = rs->encl[i];
  if (!t.s)
    return NONE;
  const char *last = t.s;
  for (size_t k = 0; k < t.n; k++)
    if (t.s[k] == '.')
      last = t.s + k + 1;
  /* the type itself, not one of its impl or extension blocks */
  size_t head, found_at = NONE, n = 0;
  if (!chain_head(rs, rs->info[i].fam, last, (size_t)(t.s + t.n - last), &head))
    return NONE;
  for (uint32_t j = pt__group_first(rs, PT_GRP_QN, rs->info[head].fam,
                                     rs->info[head].nid, rs->info[i].encl);
       j != NO_ID; j = rs->gnext[PT_GRP_QN][j])
    if (is_type_like(rs->ents[j].kind) && rs->ents[j].kind != PT_KIND_IMPL &&
        rs->info[j].qn == rs->info[i].encl) {
      found_at = j;
      n++;
    }
  return n == 1 ? found_at : NONE;
}

/* Is entity i written in type t (its parent, or named by its qualifier)? */
static int member_of(const pt_resolver *rs, size_t i, size_t t)
{
  return rs->info[i].encl != NO_ID && rs->info[i].encl == rs->info[t].qn;
}

/* The first entity of head's name and family in its group of type with
 * key x, or NO_ID. */
static uint32_t group_of(const pt_resolver *rs, size_t head, int type,
                         uint32_t x)
{
  return head == NONE ? NO_ID
                      : pt__group_first(rs, type, rs->info[head].fam,
                                        rs->info[head].nid, x);
}

/* A walk over head's name: with type a group (PT_GRP_*), the entities
 * of its group with key x, else (ALL_OF_NAME) every entity of the name;
 * the first, then the next after i; NONE at the end. */
#define ALL_OF_NAME (-1)
#define NON_METHODS (-2) /* every entity of the name but its methods */
static size_t walk_first(const pt_resolver *rs, size_t head, int type,
                         uint32_t x)
{
  if (type == ALL_OF_NAME)
    return head;
  if (type == NON_METHODS)
    return free_first(rs, head);
  uint32_t i = group_of(rs, head, type, x);
  return i == NO_ID ? NONE : i;
}

static size_t walk_next(const pt_resolver *rs, int type, size_t i)
{
  if (type == ALL_OF_NAME)
    return rs->next_same_name[i];
  if (type == NON_METHODS)
    return free_next(rs, i);
  uint32_t n = rs->gnext[type][i];
  return n == NO_ID ? NONE : n;
}

/* The current file's candidates of head's name: its folder's group, or
 * the whole chain when the folder has no id. */
static int here_walk(const pt__resolve_ctx *c)
{
  return c->dir == NO_ID ? ALL_OF_NAME : PT_GRP_DIR;
}

/* The first of the entities of head's name written in type t (every one
 * member_of t is in that group), or NO_ID; the next is gnext[PT_GRP_ENCL].
 * Records the member tag of the name and t's qualified name: a walk of
 * them reads nothing else of head's chain (keys, files, kinds and
 * arities of those members alone; head NONE has none). */
static uint32_t members_of(const pt_resolver *rs, size_t head, size_t t)
{
  if (head != NONE)
    pt__resolve_note_members(rs, head, rs->info[t].qn);
  return group_of(rs, head, PT_GRP_ENCL, rs->info[t].qn);
}

/* The methods named r->name of type t itself: those written in t's file
 * first (two types of one qualified name in two files are two types), else
 * those elsewhere (a Rust impl, a C++ or Go method in another file). */
static void own_methods(const pt_resolver *rs, size_t head, const pt_raw_ref *r,
                        size_t t, tier_hit *out)
{
  tier_hit here = {0}, away = {0};
  for (uint32_t i = members_of(rs, head, t); i != NO_ID;
       i = rs->gnext[PT_GRP_ENCL][i]) {
    pt_kind k = (pt_kind)rs->info[i].kind;
    if (!member_of(rs, i, t) ||
        (k != PT_KIND_METHOD && k != PT_KIND_FUNCTION) ||
        !eligible(rs, i, r, 0))
      continue;
    /* C++ overloads are one set wherever they are defined */
    int spread = rs->info[t].fam == PT_LANG_C;
    tier_add(rs, spread || rs->info[i].file == rs->info[t].file ? &here : &away,
             i);
  }
  /* Python, JavaScript and TypeScript write a class's methods in its body:
   * a class of that name in another file is another class */
  uint8_t fam = rs->info[t].fam;
  *out = here.count || fam == PT_LANG_PYTHON || fam == PT_LANG_JAVASCRIPT
             ? here : away;
}

/* The functions and methods of type t named r->name (from head, the first
 * entity of that name) that r's arguments can call, into out: their
 * number, or NONE when there are more than cap. */
static size_t member_functions(const pt_resolver *rs, size_t head,
                               const pt_raw_ref *r, size_t t, size_t *out,
                               size_t cap)
{
  size_t n = 0;
  for (uint32_t i = members_of(rs, head, t); i != NO_ID;
       i = rs->gnext[PT_GRP_ENCL][i]) {
    pt_kind k = (pt_kind)rs->info[i].kind;
    if (!member_of(rs, i, t) ||
        (k != PT_KIND_METHOD && k != PT_KIND_FUNCTION) ||
        !eligible(rs, i, r, 0))
      continue;
    if (n == cap)
      return NONE;
    out[n++] = i;
  }
  return n;
}

/* C++ const twins: of two methods of type t named r->name with one
 * parameter list, one const, a const object (cq 1) calls the const one
 * and any other (cq 0) the other one, as overload resolution ranks them;
 * NONE when the candidates are not such a pair or cq is -1 (unknown). */
static size_t const_twin(const pt_resolver *rs, size_t head,
                         const pt_raw_ref *r, size_t t, int cq)
{
  size_t pair[2];
  if (cq < 0 || rs->ents[t].lang != PT_LANG_CPP ||
      member_functions(rs, head, r, t, pair, 2) != 2)
    return NONE;
  const pt_entity *a = &rs->ents[pair[0]], *b = &rs->ents[pair[1]];
  int ca = pt__cpp_const_member(a->signature, a->name);
  int cb = pt__cpp_const_member(b->signature, b->name);
  if (ca == cb || !pt__cpp_same_params(a->signature, b->signature, a->name))
    return NONE;
  return ca == cq ? pair[0] : pair[1];
}

/* C++: the one of type t's methods named r->name (its constructors when r
 * is a construction) that the types of r's arguments choose, or NONE
 * (resolve_types.c). */
static size_t typed_member(const pt_resolver *rs, size_t head,
                           const pt_raw_ref *r, size_t t)
{
  size_t cands[16];
  if (!r->arg_types || rs->ents[t].lang != PT_LANG_CPP ||
      (r->kind != PT_REF_CALL && r->kind != PT_REF_NEW))
    return NONE;
  size_t n = member_functions(rs, head, r, t, cands,
                              sizeof cands / sizeof *cands);
  return n == NONE ? NONE : pt__cpp_typed(rs, cands, n, r);
}

/* The verdict of tier t, where the types of a C++ call's arguments choose
 * among overloads (one qualified name, in one file unless methods) that
 * the tier holds all of. */
static verdict typed_tier(const pt_resolver *rs, size_t head,
                          const pt_raw_ref *r, const tier_hit *t,
                          pt_resolution how)
{
  size_t cands[16], n = 0, f = t->first;
  if (t->count < 2 || t->one_group || !r->arg_types ||
      (r->kind != PT_REF_CALL && r->kind != PT_REF_NEW) ||
      rs->ents[f].lang != PT_LANG_CPP || t->count > 16)
    return tier_verdict(t, how);
  for (size_t i = head; i != NONE && n <= t->count; i = rs->next_same_name[i])
    if (rs->info[i].qn == rs->info[f].qn &&
        rs->info[i].kind == rs->info[f].kind &&
        (rs->info[i].file == rs->info[f].file ||
         rs->info[i].kind == PT_KIND_METHOD) &&
        eligible(rs, i, r, 0) && n < 16)
      cands[n++] = i;
  size_t pick = n == t->count ? pt__cpp_typed(rs, cands, n, r) : NONE;
  return pick != NONE ? found(pick, how) : tier_verdict(t, how);
}

/* Go: the method r->name of type t as Go promotes the methods of embedded
 * types: the shallowest depth that has one decides, and two there are
 * ambiguous (whatever their order in the struct). */
static verdict go_method_of(const pt_resolver *rs, size_t head,
                            const pt_raw_ref *r, size_t t)
{
  size_t level[32], next[32], n = 1, m;
  level[0] = t;
  for (int depth = 0; depth < 12 && n; depth++, n = m) {
    tier_hit hit = {0};
    m = 0;
    for (size_t k = 0; k < n; k++) {
      tier_hit own;
      own_methods(rs, head, r, level[k], &own);
      if (own.count && !own.one_group)
        return tier_verdict(&own, PT_RES_RECEIVER_TYPE);
      if (own.count) {
        tier_add(rs, &hit, own.first);
        continue;
      }
      uint32_t q = rs->info[level[k]].qn;
      for (size_t b = q == NO_ID ? NONE : pt__resolve_bases(rs, q); b != NONE;
           b = rs->base_nodes[b].next)
        if (rs->base_nodes[b].type == level[k] &&
            rs->base_nodes[b].base != NONE && m < sizeof next / sizeof *next)
          next[m++] = rs->base_nodes[b].base;
    }
    if (hit.count)
      return tier_verdict(&hit, PT_RES_RECEIVER_TYPE);
    memcpy(level, next, m * sizeof *next);
  }
  return missed(PT_RES_EXTERNAL);
}

/* The types in which one lookup of method_of (one reference, from depth
 * 0) found nothing, with the least depth each was looked at from, on this
 * thread: a lookup of a type at that depth or deeper finds nothing again
 * (it walks the same bases with less room), so it is not walked again.
 * The bases of K copies' impls of one type lead to every copy's traits,
 * and those that lead back to the types (to depth 12) made a lookup that
 * finds nothing grow as a power of K. Entries of other lookups have
 * another stamp; a full table only keeps less. */
#define FAILED_SLOTS 4096
static PT_THREAD_LOCAL struct {
  uint32_t stamp;            /* the lookup's; 0: never used */
  struct {
    size_t t;
    uint32_t stamp;
    int depth;
  } v[FAILED_SLOTS];
} failed;

static size_t failed_slot(size_t t)
{
  uint64_t h = (uint64_t)t * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 52) & (FAILED_SLOTS - 1);
}

/* Whether type t found nothing in this lookup at depth or less deep. */
static int failed_before(size_t t, int depth)
{
  for (size_t k = 0, i = failed_slot(t); k < 16;
       k++, i = (i + 1) & (FAILED_SLOTS - 1)) {
    if (failed.v[i].stamp != failed.stamp)
      return 0;
    if (failed.v[i].t == t)
      return failed.v[i].depth <= depth;
  }
  return 0;
}

static void failed_at(size_t t, int depth)
{
  for (size_t k = 0, i = failed_slot(t); k < 16;
       k++, i = (i + 1) & (FAILED_SLOTS - 1)) {
    if (failed.v[i].stamp != failed.stamp) {
      failed.v[i].stamp = failed.stamp;
      failed.v[i].t = t;
      failed.v[i].depth = depth;
      return;
    }
    if (failed.v[i].t == t) {
      if (depth < failed.v[i].depth)
        failed.v[i].depth = depth;
      return;
    }
  }
}

/* The method r->name of type t: its own, then each base's in source order,
 * depth first; EXTERNAL when neither has it (a base that is not indexed
 * may, or the call goes through a field holding a function). cq: the
 * object is const (1), not (0), or not known (-1). A lookup that finds a
 * method or an ambiguity ends there, so the walk remembers only the types
 * that found nothing (failed). */
static verdict method_in(const pt_resolver *rs, size_t head,
                         const pt_raw_ref *r, size_t t, int skip_own, int depth,
                         int cq);

static verdict method_of(const pt_resolver *rs, size_t head,
                         const pt_raw_ref *r, size_t t, int skip_own, int depth,
                         int cq)
{
  if (depth == 0 && ++failed.stamp == 0) { /* wrapped: forget them all */
    memset(failed.v, 0, sizeof failed.v);
    failed.stamp = 1;
  }
  if (depth > 0 && failed_before(t, depth))
    return missed(PT_RES_EXTERNAL);
  verdict v = method_in(rs, head, r, t, skip_own, depth, cq);
  if (depth > 0 && v.target == NONE && v.how != PT_RES_AMBIGUOUS)
    failed_at(t, depth);
  return v;
}

static verdict method_in(const pt_resolver *rs, size_t head,
                         const pt_raw_ref *r, size_t t, int skip_own, int depth,
                         int cq)
{
  tier_hit own;
  if (rs->info[t].fam == PT_LANG_GO && !skip_own && depth == 0)
    return go_method_of(rs, head, r, t);
  if (!skip_own) {
    own_methods(rs, head, r, t, &own);
    if (own.count > 1 && !own.one_group) {
      size_t twin = const_twin(rs, head, r, t, cq);
      if (twin == NONE)
        twin = typed_member(rs, head, r, t);
      if (twin != NONE)
        return found(twin, PT_RES_RECEIVER_TYPE);
    }
    if (own.count)
      return tier_verdict(&own, PT_RES_RECEIVER_TYPE);
  }
  uint32_t q = rs->info[t].qn;
  if (depth >= 12 || q == NO_ID || pt__resolve_bases(rs, q) == NONE)
    return missed(PT_RES_EXTERNAL);
  for (size_t b = pt__resolve_bases(rs, q); b != NONE; b = rs->base_nodes[b].next) {
    size_t base = rs->base_nodes[b].base, of = rs->base_nodes[b].type;
    if (of != t && rs->ents[of].kind != PT_KIND_IMPL)
      continue; /* another type of the same qualified name */
    if (rs->base_nodes[b].field)
      continue; /* a C++ field, kept in the same list */
    if (base == NONE)
      continue;
    verdict v = method_of(rs, head, r, base, 0, depth + 1, cq);
    if (v.target != NONE || v.how == PT_RES_AMBIGUOUS)
      return v;
  }
  return missed(PT_RES_EXTERNAL);
}

static verdict pick_by_name(const pt_resolver *rs, pt__resolve_ctx *c,
                            pt_lang lang, const pt_raw_ref *r);

/* C++: whether the object of a call through this (written or not) is
 * const, as the calling member function is: 1, 0, or -1 when the caller
 * is no C++ function. */
static int caller_const(const pt_resolver *rs, pt__resolve_ctx *c,
                        const pt_raw_ref *r)
{
  size_t i = pt__resolve_key(rs, c, r->from_key);
  if (i == NONE || rs->ents[i].lang != PT_LANG_CPP ||
      (rs->ents[i].kind != PT_KIND_METHOD &&
       rs->ents[i].kind != PT_KIND_FUNCTION))
    return -1;
  return pt__cpp_const_member(rs->ents[i].signature, rs->ents[i].name);
}


/* r with its name (and qualifier) taken from a written name "a.b::C". */
static char *split_written(const pt_raw_ref *r, const char *written,
                           pt_ref_kind kind, pt_raw_ref *out)
{
  pt_raw_ref t = *r;
  char *copy = pt_malloc(strlen(written) + 1);
  if (!copy)
    return NULL;
  memcpy(copy, written, strlen(written) + 1);
  t.kind = kind;
  t.recv_type = NULL;
  t.recv_how = PT_RECV_UNKNOWN;
  t.scope = NULL;
  t.name = copy;
  t.via = PT_VIA_NAME;
  for (char *p = copy; *p; p++)
    if (*p == '.' || *p == '\\' || (p[0] == ':' && p[1] == ':')) {
      t.scope = copy;
      t.name = p + (*p == ':' ? 2 : 1);
      t.via = *p == '.' ? PT_VIA_MEMBER : PT_VIA_PATH;
    }
  if (t.scope)
    copy[t.name - copy - (t.via == PT_VIA_PATH && t.name[-1] == ':' ? 2 : 1)] = '\0';
  *out = t;
  return copy;
}

/* The type entity a receiver's type name stands for, as a type reference
 * written at r would resolve. */
static verdict go_element_type(const pt_resolver *rs, pt__resolve_ctx *c,
                               const pt_raw_ref *r, const char *type);

static verdict receiver_type(const pt_resolver *rs, pt__resolve_ctx *c,
                             pt_lang lang, const pt_raw_ref *r,
                             const char *type)
{
  size_t n = strlen(type);
  if (lang == PT_LANG_GO && n > 2 && strcmp(type + n - 2, "[]") == 0)
    return go_element_type(rs, c, r, type);
  pt_raw_ref t;
  char *copy = split_written(r, type, PT_REF_TYPE, &t);
  if (!copy)
    return missed(PT_RES_EXTERNAL);
  verdict v = pick_by_name(rs, c, lang, &t);
  pt_free(copy);
  return v;
}

static int is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

/* The declared result type of a function from its signature, where it is
 * written after the parameters: Go "func NewT() *T", Rust "-> T", Python
 * "-> T:", TypeScript and PHP "): T", Swift "-> T?". 0 when there is none. */
static int result_type(const char *sig, const char *name, char *out, size_t cap)
{
  size_t nl = strlen(name);
  const char *p = sig;
  while (p && (p = strstr(p, name)) != NULL) {
    const char *a = p + nl;
    if ((p == sig || !is_name_char(p[-1])) && (*a == '(' || *a == '<' || *a == '['))
      break;
    p = a;
  }
  if (!p)
    return 0;
  p += nl;
  int depth = 0;
  if (*p == '<' || *p == '[') /* generic parameters */
    for (; *p; p++) {
      depth += *p == '<' || *p == '[';
      depth -= *p == '>' || *p == ']';
      if (depth == 0) {
        p++;
        break;
      }
    }
  if (*p != '(')
    return 0;
  for (; *p; p++) {
    depth += *p == '(';
    depth -= *p == ')';
    if (depth == 0)
      break;
  }
  if (!*p)
    return 0;
  p++;
  while (*p == ' ' || *p == '-' || *p == '>' || *p == ':' || *p == '(' ||
         *p == '*' || *p == '&' || *p == '?')
    p++;
  size_t n = 0;
  while (n + 1 < cap && (is_name_char(p[n]) || p[n] == '.' || p[n] == '\\' ||
                         (p[n] == ':' && p[n + 1] == ':') ||
                         (n > 0 && p[n] == ':' && p[n - 1] == ':')))
    n++;
  while (n && (p[n - 1] == '.' || p[n - 1] == ':'))
    n--;
  memcpy(out, p, n);
  out[n] = '\0';
  return n > 0;
}

/* Go: the type of a function's first result from its signature, results
 * named or not: "F() *T", "F() (*T, error)", "F() (out T)", "F() (a, b
 * T)". 0 when it writes none. */
static int go_result_type(const char *sig, const char *name, char *out,
                          size_t cap)
{
  if (!result_type(sig, name, out, cap))
    return 0;
  /* result_type took the first word after the parameters; in a list of
   * named results that word is a name, and its group's type follows */
  size_t nl = strlen(name);
  const char *p = sig;
  while ((p = strstr(p, name)) != NULL &&
         ((p > sig && is_name_char(p[-1])) || p[nl] != '('))
    p += nl;
  if (!p)
    return 1;
  p += nl;
  for (int depth = 0; *p; p++) {
    depth += *p == '(';
    depth -= *p == ')';
    if (depth == 0)
      break;
  }
  while (*p == ')' || *p == ' ')
    p++;
  if (*p != '(')
    return 1;
  for (const char *s = p + 1; *s && *s != ')';) {
    size_t n = 0;
    while (is_name_char(s[n]))
      n++;
    const char *a = s + n;
    if (*a == ' ' && a[1] != '\0') { /* "name T": a named group */
      a++;
      while (*a == '*' || *a == '&')
        a++;
      size_t k = 0;
      while (k + 1 < cap && (is_name_char(a[k]) || a[k] == '.'))
        k++;
      memcpy(out, a, k);
      out[k] = '\0';
      return k > 0;
    }
    if (*a != ',')
      return 1; /* "(T, error)", "(*T)": unnamed */
    s = a + 1;
    while (*s == ' ')
      s++;
  }
  return 1;
}

/* Go: a bare type named in a function's result is a type of the
 * function's own package (folder dir), wherever the call is. */
static verdict go_type_in_dir(const pt_resolver *rs, const char *name,
                              uint32_t dir)
{
  size_t head;
  tier_hit t = {0};
  if (!chain_head(rs, PT_LANG_GO, name, strlen(name), &head))
    return missed(PT_RES_EXTERNAL);
  for (uint32_t i = group_of(rs, head, PT_GRP_DIR, dir); i != NO_ID;
       i = rs->gnext[PT_GRP_DIR][i])
    if (rs->info[i].dir == dir && is_type_kind((pt_kind)rs->info[i].kind))
      tier_add(rs, &t, i);
  return t.count ? tier_verdict(&t, PT_RES_RECEIVER_TYPE)
                 : missed(PT_RES_EXTERNAL);
}

/* Go: a type written in the declaration of entity decl (a function's
 * result, a named type's element): a bare T is of decl's package; q.T
 * goes by the caller's imports (decl's file's own when decl is written
 * there; the tables keep no other file's), else, when decl's file names
 * a package the caller does not import or imports by another name, by
 * the one T of a package folder named q. */
static verdict go_type_written(const pt_resolver *rs, pt__resolve_ctx *c,
                               const pt_raw_ref *r, const char *type,
                               size_t decl)
{
  const char *dot = strchr(type, '.');
  if (!dot)
    return go_type_in_dir(rs, type, rs->info[decl].dir);
  verdict v = receiver_type(rs, c, PT_LANG_GO, r, type);
  if (v.target != NONE || v.how == PT_RES_AMBIGUOUS ||
      rs->info[decl].file == c->file)
    return v;
  size_t head, ql = (size_t)(dot - type);
  tier_hit t = {0};
  if (strchr(dot + 1, '.') ||
      !chain_head(rs, PT_LANG_GO, dot + 1, strlen(dot + 1), &head))
    return missed(PT_RES_EXTERNAL);
  for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
    const char *path = rs->path_text[rs->info[i].file];
    size_t dl = pt__path_dir_len(path), fl = 0;
    while (fl < dl && path[dl - fl - 1] != '/')
      fl++;
    if (is_type_kind((pt_kind)rs->info[i].kind) && fl == ql &&
        memcmp(path + dl - fl, type, ql) == 0)
      tier_add(rs, &t, i);
  }
  return t.count ? tier_verdict(&t, PT_RES_RECEIVER_TYPE)
                 : missed(PT_RES_EXTERNAL);
}

/* Go: "T[]", an element of the named slice, array or map type T (a
 * receiver ranged over or indexed), as T's declaration writes it: `type
 * Path []PathStep`, `type byName map[string]*Entry` (its signature is
 * "Path []PathStep"). A bare element type is of T's package. */
static verdict go_element_type(const pt_resolver *rs, pt__resolve_ctx *c,
                               const pt_raw_ref *r, const char *type)
{
  char named[128], elem[128];
  size_t n = strlen(type) - 2, k = 0;
  if (n >= sizeof named)
    return missed(PT_RES_EXTERNAL);
  memcpy(named, type, n);
  named[n] = '\0';
  verdict t = receiver_type(rs, c, PT_LANG_GO, r, named);
  if (t.target == NONE)
    return t;
  const pt_entity *e = &rs->ents[t.target];
  size_t nl = strlen(e->name);
  const char *s = e->signature;
  if (e->kind != PT_KIND_TYPEDEF || !s || strncmp(s, e->name, nl) != 0 ||
      s[nl] != ' ')
    return missed(PT_RES_EXTERNAL);
  s += nl + 1;
  if (strncmp(s, "map[", 4) == 0)
    s += 3;
  if (*s != '[')
    return missed(PT_RES_EXTERNAL);
  for (int depth = 0; *s; s++) {
    depth += *s == '[';
    depth -= *s == ']';
    if (depth == 0)
      break;
  }
  if (*s)
    s++;
  while (*s == '*')
    s++;
  while (k + 1 < sizeof elem && (is_name_char(s[k]) || s[k] == '.'))
    k++;
  memcpy(elem, s, k);
  elem[k] = '\0';
  if (k == 0 || s[k] == '[') /* a generic instance: not read */
    return missed(PT_RES_EXTERNAL);
  return go_type_written(rs, c, r, elem, t.target);
}

/* x = NewT() / x = make_thing(): the type the called function declares it
 * returns (one step: the function is resolved as a call written at r). */
static verdict factory_type(const pt_resolver *rs, pt__resolve_ctx *c,
                            pt_lang lang, const pt_raw_ref *r)
{
  pt_raw_ref f;
  char *copy = split_written(r, r->recv_type, PT_REF_CALL, &f);
  if (!copy)
    return missed(PT_RES_UNKNOWN_RECEIVER);
  verdict v = pick_by_name(rs, c, lang, &f);
  pt_free(copy);
  char type[128];
  const pt_entity *fn = v.target != NONE ? &rs->ents[v.target] : NULL;
  if (!fn || !fn->signature ||
      !(lang == PT_LANG_GO
            ? go_result_type(fn->signature, fn->name, type, sizeof type)
            : result_type(fn->signature, fn->name, type, sizeof type)))
    return missed(PT_RES_UNKNOWN_RECEIVER);

  if (strcmp(type, "Self") == 0 || strcmp(type, "static") == 0 ||
      strcmp(type, "self") == 0) {
    size_t t = caller_type_index(rs, c, rs->ents[v.target].key);
    return t != NONE ? found(t, PT_RES_RECEIVER_TYPE) : missed(PT_RES_UNKNOWN_RECEIVER);
  }
  if (lang == PT_LANG_GO)
    return go_type_written(rs, c, r, type, v.target);
  return receiver_type(rs, c, lang, r, type);
}

/* The segment id of the last segment of want, which want2 (or NULL)
 * shares: 1, or 0 when want2's differs. */
static int qualifier_seg(const pt_resolver *rs, const char *want,
                         const char *want2, uint32_t *out)
{
  const char *a = strrchr(want, '.');
  a = a ? a + 1 : want;
  if (want2) {
    const char *b = strrchr(want2, '.');
    if (strcmp(a, b ? b + 1 : want2) != 0)
      return 0;
  }
  *out = pt__group_seg_id(rs, a, strlen(a));
  return 1;
}


/* A.f(), pkg.f(), mod.A.f(): the qualifier names a type, a namespace or a
 * package, or an imported module and a type in it. */
static verdict pick_qualified(const pt_resolver *rs, pt__resolve_ctx *c,
                              pt_lang lang, const pt_raw_ref *r, size_t head)
{
  tier_hit q = {0}, pkg = {0};
  int any = 0, package = scope_is_import(c, r->scope);
  const char *dot = strchr(r->scope, '.');
  char *mod = dot ? pt_malloc((size_t)(dot - r->scope) + 1) : NULL;
  size_t nl = strlen(r->name);
  uint8_t fam = pt__resolve_family(lang);
  if (dot && !mod)
    pt__resolve_note_chain(fam, r->name, nl); /* short of memory */
  if (mod) {
    memcpy(mod, r->scope, (size_t)(dot - r->scope));
    mod[dot - r->scope] = '\0';
    if (!scope_is_import(c, mod)) {
      pt_free(mod);
      mod = NULL;
    }
  }
  /* head's chain was read for its attrs only (pick_by_name): which
   * candidates there are, their kinds, numbers of arguments and qualified
   * names, which decide eligible(), scope_fits() and the qualifier's group.
   * Their files (is_imported, scope_names_file), keys and order (a tier)
   * are read below only after the chain's own tag is recorded. */
  if (package || mod)
    pt__resolve_note_chain(fam, r->name, nl);
  char *want = scope_want(r->scope, strlen(r->scope));
  char *want_in_mod = mod ? scope_want(dot + 1, strlen(dot + 1)) : NULL;
  /* without a package, only the qualifier's tier counts the candidates:
   * they are in the group of its last segment (of both qualifiers when
   * they share it) */
  uint32_t seg = NO_ID;
  int by_seg = !package && want && head != NONE &&
               qualifier_seg(rs, want, want_in_mod, &seg);
  int all = methods_fit(r, 0) ? ALL_OF_NAME : NON_METHODS;
  int walk = by_seg ? PT_GRP_SEG : all;
  /* where no candidate is eligible, both walks find none */
  size_t from = kinds_may_fit(rs, head, r, 0) ? head : NONE;
  for (size_t i = walk_first(rs, from, walk, seg); i != NONE;
       i = walk_next(rs, walk, i)) {
    if (!eligible(rs, i, r, 0))
      continue;
    any = 1;
    int imported = mod && is_imported(rs, c, rs->info[i].file);
    if (scope_fits(rs, i, want, nl) ||
        (mod && imported && scope_fits(rs, i, want_in_mod, nl)))
      tier_add(rs, &q, i);
    if (package && rs->info[i].kind != PT_KIND_METHOD &&
        scope_names_file(rs, c, r->scope, rs->info[i].file))
      tier_add(rs, &pkg, i);
  }
  /* and whether any candidate may be r's target at all */
  for (size_t i = walk_first(rs, from, all, 0); by_seg && !any && i != NONE;
       i = walk_next(rs, all, i))
    any = eligible(rs, i, r, 0);
  pt_free(want);
  pt_free(want_in_mod);
  pt_free(mod);
  if (q.count)
    pt__resolve_note_chain(fam, r->name, nl);
  if (q.count)
    return tier_verdict(&q, PT_RES_QUALIFIED);
  if (pkg.count)
    return tier_verdict(&pkg, PT_RES_IMPORT);
  /* Python's `from m import A` may name a module m/A or a class A */
  if (!any || (package && lang != PT_LANG_PYTHON))
    return missed(PT_RES_EXTERNAL);
  /* Child.create(): a type's method written in one of its bases */
  verdict t = receiver_type(rs, c, lang, r, r->scope);
  if (t.target != NONE) {
    verdict m = method_of(rs, head, r, t.target, 0, 0, -1);
    return m.target != NONE ? found(m.target, PT_RES_QUALIFIED) : m;
  }
  return missed(package ? PT_RES_EXTERNAL : PT_RES_UNKNOWN_RECEIVER);
}

/* C++: a field's name as the tables keep it (base_node.field). */
static uint64_t field_hash(const char *name, size_t len)
{
  uint64_t h = pt__deps_hash('F', name, len);
  return h ? h : 1;
}

/* C++: the field of type t or of its bases hashed h, as the compiler finds
 * it (t's own, then each base's in order, depth first): its type entity,
 * or NONE (*found 0 when there is no such field, 1 when its type is not
 * indexed); *how its PT_FIELD_* bits. */
static size_t field_of(const pt_resolver *rs, size_t t, uint64_t h, int depth,
                       uint8_t *how, int *found)
{
  uint32_t q = rs->info[t].qn;
  *found = 0;
  if (depth >= 12 || q == NO_ID)
    return NONE;
  size_t first = pt__resolve_bases(rs, q);
  for (size_t b = first; b != NONE; b = rs->base_nodes[b].next) {
    const base_node *n = &rs->base_nodes[b];
    if ((n->type == t || rs->ents[n->type].kind == PT_KIND_IMPL) &&
        n->field == h) {
      *found = 1;
      *how = n->field_how;
      return n->base;
    }
  }
  for (size_t b = first; b != NONE; b = rs->base_nodes[b].next) {
    const base_node *n = &rs->base_nodes[b];
    if (n->field || n->base == NONE ||
        (n->type != t && rs->ents[n->type].kind != PT_KIND_IMPL))
      continue;
    size_t f = field_of(rs, n->base, h, depth + 1, how, found);
    if (*found)
      return f;
  }
  return NONE;
}

/* C++: the type entity function i's declared result names, as written
 * at r, and whether the object is const (*cq). */
static verdict cpp_result(const pt_resolver *rs, pt__resolve_ctx *c,
                          const pt_raw_ref *r, size_t i, int *cq)
{
  char type[128];
  const pt_entity *e = &rs->ents[i];
  if (is_type_like(e->kind)) { /* T(...): a T made there */
    *cq = 0;
    return found(i, PT_RES_RECEIVER_TYPE);
  }
  if (!pt__cpp_result_type(e->signature, e->name, type, sizeof type, cq))
    return missed(PT_RES_UNKNOWN_RECEIVER);
  verdict t = receiver_type(rs, c, PT_LANG_CPP, r, type);
  return t.target != NONE ? t : missed(PT_RES_UNKNOWN_RECEIVER);
}

/* C++: T, as written, when entity i is a typedef or alias of
 * std::shared_ptr<T> or std::unique_ptr<T> (`using P = std::shared_ptr<T>`,
 * `typedef std::unique_ptr<T> P`), and whether T is const: 1, else 0. */
static int smart_alias(const pt_resolver *rs, size_t i, char *out, size_t cap,
                       int *is_const)
{
  const pt_entity *e = &rs->ents[i];
  const char *s = e->signature, *p = NULL;
  if (e->lang != PT_LANG_CPP || e->kind != PT_KIND_TYPEDEF || !s)
    return 0;
  for (const char *q = s; !p && (q = strstr(q, "_ptr<")) != NULL; q += 5)
    if ((q - s >= 6 && strncmp(q - 6, "shared", 6) == 0) ||
        (q - s >= 6 && strncmp(q - 6, "unique", 6) == 0))
      p = q + 5;
  if (!p || (p - s > 11 && is_name_char(p[-12])))
    return 0; /* my_shared_ptr<T> */
  while (*p == ' ')
    p++;
  *is_const = strncmp(p, "const ", 6) == 0;
  p += *is_const ? 6 : 0;
  size_t n = 0;
  while (is_name_char(p[n]) || p[n] == ':')
    n++;
  const char *e_ = p + n;
  while (*e_ == ' ')
    e_++;
  if (n == 0 || n >= cap || (*e_ != '>' && *e_ != ','))
    return 0;
  memcpy(out, p, n);
  out[n] = '\0';
  return 1;
}

/* C++: what a receiver of type t reaches (t itself), where t is a smart
 * pointer's alias: its T through -> (arrow), its own members through . */
static verdict through_alias(const pt_resolver *rs, pt__resolve_ctx *c,
                             const pt_raw_ref *r, verdict t, int arrow,
                             int *cq)
{
  char type[128];
  int k = 0;
  if (t.target == NONE || !smart_alias(rs, t.target, type, sizeof type, &k))
    return t;
  if (!arrow)
    return missed(PT_RES_EXTERNAL); /* p.reset(): the pointer's own */
  *cq = k;
  return receiver_type(rs, c, PT_LANG_CPP, r, type);
}

/* C++: the type a receiver made by calls and fields ends at, from what the
 * extractor wrote of it (extract_refs.c, cpp_chain): "T.F/1.G/0", "const
 * T.F/0", "this.F/0", "this.f.G/0" or "F/0.G/0" (a bare call first); each
 * call resolved as one written at r with that many arguments, its declared
 * result typing the next, and each field (f) found in the type so far.
 * *cq: whether the last object is const. */
static verdict cpp_chain_type(const pt_resolver *rs, pt__resolve_ctx *c,
                              const pt_raw_ref *r, int *cq)
{
  char buf[256];
  size_t n = strlen(r->recv_type);
  if (n >= sizeof buf)
    return missed(PT_RES_UNKNOWN_RECEIVER);
  memcpy(buf, r->recv_type, n + 1);
  verdict t = missed(PT_RES_UNKNOWN_RECEIVER);
  int first = 1;
  for (char *seg = buf, *next; seg; seg = next, first = 0) {
    next = strchr(seg, '.');
    if (next)
      *next++ = '\0';
    char *slash = strchr(seg, '/');
    if (!slash && !first) { /* a field of the object so far */
      uint8_t how = 0;
      int known;
      size_t sl = strlen(seg), arrow = sl && seg[sl - 1] == '>';
      size_t ft = field_of(rs, t.target, field_hash(seg, sl - arrow), 0, &how,
                           &known);
      /* p_.reset() on a smart pointer p_ is the pointer's own */
      t = ft != NONE && (arrow || !(how & PT_FIELD_SMART))
              ? found(ft, PT_RES_RECEIVER_TYPE)
              : missed(PT_RES_UNKNOWN_RECEIVER);
      *cq = (how & PT_FIELD_CONST) ||
            (!(how & PT_FIELD_POINTER) && *cq == 1);
      if (!(how & PT_FIELD_POINTER))
        t = through_alias(rs, c, r, t, (int)arrow, cq);
    } else if (!slash) { /* the head's type */
      int is_this = !strcmp(seg, "this") || !strcmp(seg, "const this");
      *cq = strncmp(seg, "const ", 6) == 0;
      size_t ti = is_this ? caller_type_index(rs, c, r->from_key) : NONE;
      t = is_this ? (ti != NONE ? found(ti, PT_RES_RECEIVER_TYPE)
                                : missed(PT_RES_UNKNOWN_RECEIVER))
                  : receiver_type(rs, c, PT_LANG_CPP, r, seg + (*cq ? 6 : 0));
    } else if (slash) {
      *slash = '\0';
      pt_raw_ref call = *r;
      call.name = seg;
      unsigned na = 0;
      for (const char *d = slash + 1; *d >= '0' && *d <= '9' && na < 254; d++)
        na = na * 10 + (unsigned)(*d - '0');
      call.arity = (uint8_t)(na < 254 ? na + 1 : 255);
      call.recv_type = NULL;
      call.recv_how = PT_RECV_UNKNOWN;
      call.arg_types = NULL;
      size_t head;
      if (first) { /* F(...): a bare call, as written at r */
        call.scope = NULL;
        call.via = PT_VIA_NAME;
        t = pick_by_name(rs, c, PT_LANG_CPP, &call);
      } else if (chain_head(rs, pt__resolve_family(PT_LANG_CPP), seg,
                            strlen(seg), &head)) {
        t = method_of(rs, head, &call, t.target, 0, 0, *cq);
      } else {
        t = missed(PT_RES_UNKNOWN_RECEIVER);
      }
      if (t.target != NONE)
        t = cpp_result(rs, c, r, t.target, cq);
    } else {
      t = missed(PT_RES_UNKNOWN_RECEIVER);
    }
    if (t.target == NONE)
      return missed(PT_RES_UNKNOWN_RECEIVER);
  }
  return t;
}

/* o.m(): decided by what o is. */
static verdict pick_member(const pt_resolver *rs, pt__resolve_ctx *c,
                           pt_lang lang, const pt_raw_ref *r, size_t head)
{
  /* pick_by_name read head's chain for its attrs only: a method of the
   * receiver's type (method_of) reads the members of that type and its
   * bases alone, and records their tags (members_of); C++'s receivers
   * need more of it, and record the chain's own tag first; a receiver
   * found nowhere reads nothing of head, pick_qualified what it says */
  uint8_t fam = pt__resolve_family(lang);
  size_t nl = strlen(r->name);
  if (lang == PT_LANG_CPP)
    pt__resolve_note_chain(fam, r->name, nl);
  /* Go has no such words: a receiver named self or parent is a variable */
  if (lang != PT_LANG_GO &&
      (is_base_word(r->scope) || is_self_word(r->scope))) {
    size_t t = caller_type_index(rs, c, r->from_key);
    if (t == NONE)
      return missed(PT_RES_UNKNOWN_RECEIVER);
    return method_of(rs, head, r, t, is_base_word(r->scope), 0,
                     caller_const(rs, c, r));
  }
  if (r->recv_type && lang == PT_LANG_CPP && r->recv_how == PT_RECV_CALLED &&
      strpbrk(r->recv_type, "/.")) {
    int cq = -1;
    verdict t = cpp_chain_type(rs, c, r, &cq);
    return t.target != NONE ? method_of(rs, head, r, t.target, 0, 0, cq) : t;
  }
  if (r->recv_type) {
    /* C++: the extractor writes a const object's type "const T", and
     * "T>" for an object (no pointer) followed by -> */
    const char *rt = r->recv_type;
    int cq = lang == PT_LANG_CPP ? strncmp(rt, "const ", 6) == 0 : -1;
    rt += cq == 1 ? 6 : 0;
    size_t rl = strlen(rt);
    int arrow = lang == PT_LANG_CPP && rl > 1 && rt[rl - 1] == '>';
    char *cut = arrow ? pt_malloc(rl) : NULL;
    if (arrow && !cut)
      return missed(PT_RES_EXTERNAL);
    if (arrow) {
      memcpy(cut, rt, rl - 1);
      cut[rl - 1] = '\0';
    }
    verdict t = receiver_type(rs, c, lang, r, arrow ? cut : rt);
    pt_free(cut);
    if (lang == PT_LANG_CPP && r->recv_how == PT_RECV_DECLARED) {
      verdict a = through_alias(rs, c, r, t, arrow, &cq);
      if (a.target == t.target && arrow && t.target != NONE)
        return missed(PT_RES_EXTERNAL); /* a class's operator-> */
      t = a;
    }
    /* T(...) names no indexed type: a function's result */
    if (t.target == NONE && t.how != PT_RES_AMBIGUOUS &&
        r->recv_how == PT_RECV_CALLED)
      t = factory_type(rs, c, lang, r);
    if (t.target != NONE)
      return method_of(rs, head, r, t.target, 0, 0, cq);
    return missed(t.how == PT_RES_AMBIGUOUS ? PT_RES_AMBIGUOUS
                  : r->recv_how == PT_RECV_CALLED ? PT_RES_UNKNOWN_RECEIVER
                                                  : PT_RES_EXTERNAL);
  }
  return pick_qualified(rs, c, lang, r, head);
}

/* What pick_by_name knows of one reference before it looks at candidates. */
typedef struct ref_view {
  uint32_t caller_type;  /* the caller's enclosing type's id, or NO_ID */
  int foreign;           /* a qualifier that is not the caller */
  int base;              /* super::f() */
  int package;           /* a package qualifier: only its files */
  int types_only;
  int bare_call;         /* reaches a method only through the caller's type */
  int import_fn;         /* an import that names no method (JavaScript,
                            TypeScript, Python) */
  char *want;            /* owned: the qualifier as qualified names write it */
} ref_view;

static void view_ref(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                     const pt_raw_ref *r, size_t head, ref_view *v)
{
  size_t from = pt__resolve_key(rs, c, r->from_key);
  span caller = from != NONE ? rs->encl[from] : (span){NULL, 0};
  memset(v, 0, sizeof *v);
  v->caller_type = from != NONE ? rs->info[from].encl : NO_ID;
  const char *scope = r->scope;
  int words = lang != PT_LANG_GO; /* self, super, parent: no Go words */
  v->base = scope && words && is_base_word(scope);
  if (scope && words && is_self_word(scope)) {
    if (caller.s)
      v->want = scope_want(caller.s, caller.n);
  } else if (scope) {
    v->foreign = 1;
    if (!v->base)
      v->want = scope_want(scope, strlen(scope));
  }
  v->package = v->foreign && !v->base && scope_is_import(c, r->scope);
  v->types_only = wants_types_only(rs, head, r);
  v->bare_call = r->kind == PT_REF_CALL && !scope;
  v->import_fn = r->kind == PT_REF_IMPORT &&
                 (lang == PT_LANG_JAVASCRIPT || lang == PT_LANG_TYPESCRIPT ||
                  lang == PT_LANG_PYTHON);
}

/* JavaScript, TypeScript and Python: where the caller stands, as
 * qualified-name ids: the functions it is written in (itself first), which
 * alone see the functions nested in them, and (TypeScript) the namespaces
 * around it, innermost first (`namespace ts.server` gives "ts.server",
 * then "ts"). A namespace is merged over every file that opens it, so a
 * bare name there may be an exported member written in another file. */
static void caller_scope(const pt_resolver *rs, pt__resolve_ctx *c,
                         const pt_raw_ref *r)
{
  if (c->ns_from == r->from_key)
    return;
  c->ns_from = r->from_key;
  c->n_ns = c->n_fn = 0;
  size_t i = pt__resolve_key(rs, c, r->from_key);
  for (int depth = 0; i != NONE && depth < 64; depth++) {
    pt_kind k = rs->ents[i].kind;
    if (k == PT_KIND_NAMESPACE)
      break;
    if ((k == PT_KIND_FUNCTION || k == PT_KIND_METHOD) && c->n_fn < 16 &&
        rs->info[i].qn != NO_ID)
      c->fn[c->n_fn++] = rs->info[i].qn;
    i = pt__resolve_parent(rs, i);
  }
  if (i == NONE || rs->ents[i].kind != PT_KIND_NAMESPACE)
    return;
  const char *q = rs->ents[i].qualname;
  for (size_t n = rs->info[i].ql; n > 0 && c->n_ns < 4;) {
    size_t id;
    if (pt_strmap_get(&rs->qnames, q, n, &id))
      c->ns[c->n_ns++] = (uint32_t)id;
    while (n > 0 && q[n - 1] != '.')
      n--;
    if (n > 0)
      n--; /* the '.' */
  }
}

/* new F() in JavaScript: F may be an ES5 constructor, a plain function
 * of the file or of a file it imports (never one found by name alone). */
static int es5_constructor(const pt_resolver *rs, pt__resolve_ctx *c,
                           size_t i, const pt_raw_ref *r)
{
  return r->kind == PT_REF_NEW && !r->scope &&
         rs->info[i].fam == PT_LANG_JAVASCRIPT &&
         rs->info[i].kind == PT_KIND_FUNCTION &&
         (rs->info[i].file == c->file || is_imported(rs, c, rs->info[i].file));
}

/* Is function i written inside another function that the caller is not
 * in (so not in scope for it)? */
static int nested_elsewhere(const pt_resolver *rs, const pt__resolve_ctx *c,
                            size_t i)
{
  const ent_info *in = &rs->info[i];
  if (in->kind != PT_KIND_FUNCTION || in->encl == NO_ID)
    return 0;
  size_t p = pt__resolve_parent(rs, i);
  if (p == NONE || (rs->ents[p].kind != PT_KIND_FUNCTION &&
                    rs->ents[p].kind != PT_KIND_METHOD))
    return 0;
  if (in->file != c->file)
    return 1;
  for (int k = 0; k < c->n_fn; k++)
    if (c->fn[k] == in->encl)
      return 0;
  return 1;
}

/* The level k of the caller's namespaces whose member entity i is, when
 * the caller sees it (exported, or written in the caller's file); -2 for
 * a member the caller does not see, -1 for no member. */
static int namespace_level(const pt_resolver *rs, const pt__resolve_ctx *c,
                           size_t i)
{
  const ent_info *in = &rs->info[i];
  uint32_t ns = in->encl; /* a type's own encl is itself: its parent's */
  if (in->kind != PT_KIND_FUNCTION) {
    size_t p = in->kind == PT_KIND_METHOD
                   ? NONE : pt__resolve_parent(rs, i);
    ns = p != NONE ? rs->info[p].qn : NO_ID;
  }
  if (ns == NO_ID)
    return -1;
  for (int k = 0; k < c->n_ns; k++)
    if (ns == c->ns[k])
      return in->file == c->file || (rs->ents[i].signature &&
                                     strncmp(rs->ents[i].signature, "export ",
                                             7) == 0)
                 ? k : -2;
  return -1;
}

/* ---- names bound by imports (JavaScript, TypeScript, Python) ------------
 * docs/extraction.md "Resolution": a name an import binds decides before
 * any lookup by name: `from m import f as g` makes g() m's f and nothing
 * else, `import * as ns from './m'` makes ns.f() m's f, and a name bound
 * by an import of a module that is not indexed is external. */

static int is_lexical(pt_lang l)
{
  return l == PT_LANG_JAVASCRIPT || l == PT_LANG_TYPESCRIPT ||
         l == PT_LANG_PYTHON;
}

static int binds_module(const pt__import_bind *b)
{
  return b->how == PT__BIND_MODULE || b->how == PT__BIND_PLAIN;
}

/* Do two imports bind a name to one thing? */
static int same_bind(const pt__import_bind *a, const pt__import_bind *b)
{
  if (binds_module(a) || binds_module(b))
    return binds_module(a) && binds_module(b) &&
           strcmp(a->module, b->module) == 0;
  return a->how == b->how && strcmp(a->module, b->module) == 0 &&
         strcmp(a->orig, b->orig) == 0 && pt_str_same(a->sub, b->sub);
}

/* The binding of the local name s (n bytes) in the current file, or NULL;
 * *twice when two imports bind it to different things (`try: import
 * posixpath as path` / `except: import ntpath as path`: which one holds
 * depends on the run). */
static const pt__import_bind *find_bind(const pt__resolve_ctx *c,
                                        const char *s, size_t n, int *twice)
{
  const pt__import_bind *b = NULL, *plain = NULL;
  *twice = 0;
  for (size_t k = 0; k < c->n_ibinds; k++) {
    const pt__import_bind *x = &c->ibinds[k];
    if (x->local[0] != s[0] || strncmp(x->local, s, n) != 0 ||
        x->local[n] != '\0')
      continue;
    if (x->how == PT__BIND_PLAIN) {
      plain = x;
      continue;
    }
    if (b && !same_bind(b, x))
      *twice = 1;
    b = x;
  }
  if (b && plain && !same_bind(b, plain))
    *twice = 1;
  return b;
}

/* Whether entity i may be what r names when a module exports it: a
 * definition at the module's top level (ES5 constructors are functions). */
static int module_member(const pt_resolver *rs, size_t i, const pt_raw_ref *r)
{
  if (rs->ents[i].parent_key || rs->info[i].kind == PT_KIND_METHOD)
    return 0;
  return eligible(rs, i, r, 0) ||
         (r->kind == PT_REF_NEW && rs->info[i].fam == PT_LANG_JAVASCRIPT &&
          rs->info[i].kind == PT_KIND_FUNCTION);
}

/* Is the file at path in the package of module mod: under a folder that
 * ends with mod's parent ("a/b" for "a/b/m"), or with mod itself when it
 * has one segment (the package "a")? */
static int in_package(const char *path, const char *mod)
{
  const char *slash = strrchr(mod, '/');
  size_t pl = slash ? (size_t)(slash - mod) : strlen(mod);
  for (size_t dl = pt__path_dir_len(path); pl && dl > 0;) {
    if (dl >= pl && seg_eq(path + dl - pl, mod, pl) &&
        (dl == pl || path[dl - pl - 1] == '/'))
      return 1;
    while (dl > 0 && path[dl - 1] != '/')
      dl--;
    dl -= dl > 0;
  }
  return 0;
}

/* The definition of name that module mod exports: its own, else (a name
 * it imports from its package to export it again: `from distutils.cmd
 * import Command` in distutils/core.py, `export * from './x'` in
 * index.ts) the one of its package; none when no indexed file is either
 * (a library's module). */
static verdict in_module(const pt_resolver *rs, pt_lang lang,
                         const pt_raw_ref *r, const char *name,
                         const char *mod)
{
  size_t head;
  tier_hit t = {0}, pkg = {0};
  if (!chain_head(rs, pt__resolve_family(lang), name, strlen(name), &head))
    return missed(PT_RES_EXTERNAL);
  for (size_t i = free_first(rs, head); i != NONE; i = free_next(rs, i)) {
    if (!module_member(rs, i, r)) /* never a method */
      continue;
    const char *path = rs->path_text[rs->info[i].file];
    if (file_matches_module(path, mod))
      tier_add(rs, &t, i);
    else if (!t.count && in_package(path, mod))
      tier_add(rs, &pkg, i);
  }
  if (t.count)
    return tier_verdict(&t, PT_RES_IMPORT);
  return pkg.count ? tier_verdict(&pkg, PT_RES_IMPORT)
                   : missed(PT_RES_EXTERNAL);
}

/* The `export default` definition of the one file module mod is (m.ts,
 * m.js, m/index.ts, ...), or NONE. */
static size_t default_export(const pt_resolver *rs, const char *mod)
{
  static const char *const exts[] = {".ts", ".tsx", ".js", ".jsx", ".mjs",
                                     ".cjs", ".mts", ".cts", NULL};
  char name[256];
  const char *base = pt__path_base(mod);
  size_t found_at = NONE, n = 0, head;
  for (int pass = 0; pass < 2; pass++)
    for (int e = 0; exts[e]; e++) {
      int len = snprintf(name, sizeof name, "%s%s", pass ? "index" : base,
                         exts[e]);
      if (len <= 0 || (size_t)len >= sizeof name ||
          !pt__resolve_files_named(rs, name, (size_t)len, &head))
        continue;
      for (size_t f = head; f != NONE; f = rs->next_same_base[f]) {
        if (!file_matches_module(rs->files[f].path, mod))
          continue;
        size_t i = pt__resolve_default(rs, rs->files[f].path);
        if (i != NONE && n++ == 0)
          found_at = i;
      }
    }
  return n == 1 ? found_at : NONE;
}

/* What a default import (or CommonJS's module object) stands for: the
 * module's `export default` definition, whatever its name, else its
 * definition of the name the file gives it (`export default helper;`,
 * `module.exports = Type`). */
static verdict default_of(const pt_resolver *rs, pt__resolve_ctx *c,
                          pt_lang lang, const pt_raw_ref *r,
                          const pt__import_bind *b)
{
  size_t i = default_export(rs, b->module);
  if (i != NONE && module_member(rs, i, r))
    return found(i, PT_RES_IMPORT);
  return in_module(rs, lang, r, b->local, b->module);
}

/* What a bare name bound by b stands for. */
static verdict bind_target(const pt_resolver *rs, pt__resolve_ctx *c,
                           pt_lang lang, const pt_raw_ref *r,
                           const pt__import_bind *b)
{
  if (b->how == PT__BIND_NAMED || b->how == PT__BIND_ALIAS)
    return in_module(rs, lang, r, b->orig, b->module);
  if (binds_module(b) && lang == PT_LANG_PYTHON)
    return missed(PT_RES_EXTERNAL);
  return default_of(rs, c, lang, r, b);
}

/* r->scope.r->name where the scope is bound by b: a member of the module
 * b names, or a method of the class b names (`from m import C as D`,
 * `D.method()`). */
static verdict bind_member(const pt_resolver *rs, pt__resolve_ctx *c,
                           pt_lang lang, const pt_raw_ref *r,
                           const pt__import_bind *b)
{
  const char *mod = binds_module(b) ? b->module : b->sub;
  if (mod) {
    verdict v = in_module(rs, lang, r, r->name, mod);
    if (v.target != NONE || v.how == PT_RES_AMBIGUOUS ||
        (binds_module(b) && lang == PT_LANG_PYTHON))
      return v;
  }
  size_t head;
  if (r->kind != PT_REF_CALL ||
      !chain_head(rs, pt__resolve_family(lang), r->name, strlen(r->name),
                  &head))
    return missed(PT_RES_EXTERNAL);
  pt_raw_ref t = *r;
  t.kind = PT_REF_TYPE;
  t.scope = NULL;
  t.name = b->local;
  t.via = PT_VIA_NAME;
  verdict ty = bind_target(rs, c, lang, &t, b);
  if (ty.target == NONE)
    return ty;
  verdict m = method_of(rs, head, r, ty.target, 0, 0, -1);
  return m.target != NONE ? found(m.target, PT_RES_IMPORT) : m;
}

/* Does the current file define r->name itself (which wins over a name
 * an import binds: Python's `try: from _m import f` / `except: def f`)? */
static int defined_here(const pt_resolver *rs, const pt__resolve_ctx *c,
                        pt_lang lang, const pt_raw_ref *r)
{
  size_t head;
  if (c->file == NO_ID ||
      !chain_head(rs, pt__resolve_family(lang), r->name, strlen(r->name),
                  &head))
    return 0;
  for (size_t i = walk_first(rs, head, here_walk(c), c->dir); i != NONE;
       i = walk_next(rs, here_walk(c), i))
    if (rs->info[i].file == c->file && module_member(rs, i, r))
      return 1;
  return 0;
}

/* Does an import of the current file bind name under another name? */
static int is_renamed(const pt__resolve_ctx *c, const char *name)
{
  for (size_t k = 0; k < c->n_ibinds; k++)
    if (c->ibinds[k].how == PT__BIND_ALIAS &&
        strcmp(c->ibinds[k].orig, name) == 0)
      return 1;
  return 0;
}

/* A name two imports bind to different things: each one's target is a
 * candidate (one when the others are not indexed). */
static verdict bind_each(const pt_resolver *rs, pt__resolve_ctx *c,
                         pt_lang lang, const pt_raw_ref *r, const char *local,
                         int member)
{
  tier_hit t = {0};
  verdict amb = missed(PT_RES_EXTERNAL);
  size_t seen[8], n_seen = 0;
  for (size_t k = 0; k < c->n_ibinds; k++) {
    const pt__import_bind *b = &c->ibinds[k];
    if (strcmp(b->local, local) != 0)
      continue;
    verdict v = member ? bind_member(rs, c, lang, r, b)
                       : bind_target(rs, c, lang, r, b);
    if (v.how == PT_RES_AMBIGUOUS)
      amb = v;
    int dup = 0;
    for (size_t j = 0; j < n_seen; j++)
      dup |= seen[j] == v.target;
    if (v.target == NONE || dup || n_seen == sizeof seen / sizeof *seen)
      continue;
    seen[n_seen++] = v.target;
    tier_add(rs, &t, v.target);
  }
  if (amb.how == PT_RES_AMBIGUOUS || !t.count)
    return amb;
  return tier_verdict(&t, PT_RES_IMPORT);
}

/* The verdict of the import binding r's name (or its one-word qualifier)
 * has, into *out: 1, or 0 when no binding decides r. */
static int by_binding(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                      const pt_raw_ref *r, verdict *out)
{
  const pt__import_bind *b;
  int twice;
  if (r->kind == PT_REF_IMPORT) { /* the name it imports, as its calls */
    for (size_t k = 0; k < c->n_ibinds; k++)
      if (c->ibinds[k].orig == r->name && r->via == PT_VIA_MEMBER) {
        *out = bind_target(rs, c, lang, r, &c->ibinds[k]);
        return 1;
      }
    return 0;
  }
  if (!r->scope) {
    b = find_bind(c, r->name, strlen(r->name), &twice);
    if (!b || defined_here(rs, c, lang, r))
      return 0;
    *out = twice ? bind_each(rs, c, lang, r, r->name, 0)
                 : bind_target(rs, c, lang, r, b);
    return 1;
  }
  if (strchr(r->scope, '.') ||
      !(b = find_bind(c, r->scope, strlen(r->scope), &twice)) ||
      (b->how == PT__BIND_NAMED && !twice))
    return 0; /* a name imported as itself qualifies as it did before */
  *out = twice ? bind_each(rs, c, lang, r, r->scope, 1)
               : bind_member(rs, c, lang, r, b);
  return 1;
}

/* ---- names bound by imports: Rust, Java, C#, PHP (resolve_use.c) ---- */

/* How a binding's paths are matched (PT_USE_*); b NULL: PHP's names. */
static int use_how(pt_lang lang, const pt__use *b)
{
  return lang == PT_LANG_PHP   ? PT_USE_EXACT
         : b && b->crate_rel   ? PT_USE_CRATE
                               : PT_USE_SUFFIX;
}

/* Whether a Rust glob b brings in entity i: a public item, or any item
 * of a module around the file's (`use super::*`); any other language's
 * glob brings in every member. */
static int glob_sees(const pt_resolver *rs, pt_lang lang, const pt__use *b,
                     size_t i)
{
  const char *sig = rs->ents[i].signature;
  return lang != PT_LANG_RUST || b->sees_private ||
         (sig && strncmp(sig, "pub", 3) == 0);
}

/* Whether entity i of head's name sits at want (wl bytes) as
 * at_path_groups takes it: eligible, at the path, seen through glob. */
static int path_fits(const pt_resolver *rs, pt_lang lang, const pt_raw_ref *r,
                     size_t i, const char *want, size_t wl, int how,
                     int types_only, const char *from, const pt__use *glob)
{
  return eligible(rs, i, r, types_only) &&
         pt__use_fits(rs, lang, i, want, wl, how, from) &&
         (!glob || glob_sees(rs, lang, glob, i));
}

/* What qn_at_heads looks for: the members of head's name whose qualified
 * name is the name alone (id qid) that fit want (path_fits), in the
 * module paths of the dotted head want[0..p). */
typedef struct qn_look {
  const pt__resolve_ctx *c; /* its folders around the file (c->around) */
  pt_lang lang;
  const pt_raw_ref *r;
  size_t head;
  uint32_t qid;
  const char *want;
  size_t wl, p;
  int how, types_only;
  const char *from;
  const pt__use *glob;
} qn_look;

/* Module path entry e (resolve_modpaths.c) found under a key of len bytes
 * (whole: a whole path's): when its key's text is that long and its
 * module path is at the head (pt__use_module_at), the members of its
 * folder's group (PT_GRP_DIR) it holds that fit, into f; a Rust module's
 * file in a folder at the head is passed over (the folder's entry walks
 * it). 0 when more than 64 fit. */
static int qn_at_module(const pt_resolver *rs, const qn_look *q, uint32_t e,
                        size_t len, int whole, fits_in_order *f)
{
  uint32_t o = rs->mp_owner[e], id = PT__MP_ID(o), file = NO_ID, d = id;
  const char *path;
  size_t ml;
  if ((rs->mp_at[e] == 0) != whole)
    return 1;
  if (PT__MP_IS_FILE(o)) {
    if (q->lang != PT_LANG_RUST)
      return 1;
    file = id;
    path = rs->path_text[id];
    ml = pt__use_prefix_len_of(rs, q->lang, id);
    d = rs->path_dir[id];
  } else {
    path = rs->path_text[rs->dir_path[id]];
    ml = rs->path_dlen[rs->dir_path[id]];
  }
  if (ml - rs->mp_at[e] != len ||
      !pt__use_module_at(path, ml, q->want, q->p, q->how, q->from) ||
      (file != NO_ID && pt__use_module_at(path, rs->path_dlen[id],
                                          q->want, q->p, q->how, q->from)))
    return 1;
  for (uint32_t i = group_of(rs, q->head, PT_GRP_DIR, d); i != NO_ID;
       i = rs->gnext[PT_GRP_DIR][i])
    if ((file == NO_ID || rs->info[i].file == file) &&
        rs->info[i].qn == q->qid &&
        path_fits(rs, q->lang, q->r, i, q->want, q->wl, q->how,
                  q->types_only, q->from, q->glob) &&
        !fits_put(rs, f, i))
      return 0;
  return 1;
}

/* The entries of key h (len bytes of text) through qn_at_module. */
static int qn_at_key(const pt_resolver *rs, const qn_look *q, uint64_t h,
                     size_t len, int whole, fits_in_order *f)
{
  uint32_t k = pt__modpaths_key(h, whole);
  for (uint32_t e = pt__modpaths_first(rs, k); e != NO_ID;
       e = pt__modpaths_next(rs, e, k))
    if (!qn_at_module(rs, q, e, len, whole, f))
      return 0;
  return 1;
}

/* The members of head's name whose qualified name is the name alone that
 * fit want, whose dotted head want[0..p) then ends their file's module
 * path (pt__use_fits: a Rust module's file, or its folder for mod.rs,
 * lib.rs and main.rs; a Java package's folder): that module path is
 * looked up by the head (resolve_modpaths.c), and its folder's group
 * walked (PT_GRP_DIR), not every copy's members of the name. For
 * PT_USE_CRATE the module path is the head alone, or a folder around the
 * importing file then the head: each is looked up whole. Into f: 1, 0
 * when more than 64 fit, -1 when the head has no last segment (the
 * caller walks the group). */
static int qn_at_heads(const pt_resolver *rs, const qn_look *q,
                       fits_in_order *f)
{
  size_t p = q->p;
  if (pt__tails_start(q->want, p) == p)
    return -1;
  uint64_t h0 = pt__modpaths_start();
  uint64_t hh = pt__modpaths_feed(h0, q->want, p);
  if (q->how != PT_USE_CRATE)
    return qn_at_key(rs, q, hh, p, 0, f) && qn_at_key(rs, q, hh, p, 1, f);
  /* the head at the root, or after a leading '/' (pt__use_module_at: no
   * folder before it to be around the file) */
  if (!qn_at_key(rs, q, hh, p, 1, f) ||
      !qn_at_key(rs, q, pt__modpaths_feed(pt__modpaths_feed(h0, "/", 1),
                                          q->want, p),
                 p + 1, 1, f))
    return 0;
  for (size_t j = 0; j < q->c->n_around; j++) {
    const pt__around *a = &q->c->around[j];
    if (!qn_at_key(rs, q, pt__modpaths_feed(a->h, q->want, p), a->at + 1 + p,
                   1, f))
      return 0;
  }
  return 1;
}

/* Does the group of type from its member i hold at most n members? */
static int group_within(const pt_resolver *rs, int type, uint32_t i, int n)
{
  for (; i != NO_ID && n >= 0; i = rs->gnext[type][i])
    n--;
  return n >= 0;
}

/* A group of the name alone up to this long is walked as it is: past it,
 * the module paths of the path's head (qn_at_heads) cost less. */
#define QN_WALKED 16

/* at_path through groups, where want has two segments or more and ends
 * with the name (nl bytes) "P.name": a qualified name that fits it ends
 * with want, or is a dotted tail of it, so it is P.name at its end (the
 * group of segment P) or the name alone (the group of that qualified
 * name); Rust's crate::f, one segment, is the group of qualified name f.
 * With glob, only what it brings in (glob_sees). 1 with t filled,
 * or 0 when that does not hold or more than 64 fit (the caller walks the
 * chain). */
static int at_path_groups(const pt_resolver *rs, const pt__resolve_ctx *c,
                          pt_lang lang, const pt_raw_ref *r, size_t head,
                          const char *name, size_t nl, const char *want,
                          size_t wl, int how, int types_only,
                          const pt__use *glob, tier_hit *t)
{
  const char *from = c->file != NO_ID ? rs->path_text[c->file] : "";
  fits_in_order f;
  f.n = 0;
  uint32_t g[2];
  size_t p = wl - nl - 1, q, id = 0;
  if (how == PT_USE_CRATE && wl == nl && memcmp(want, name, nl) == 0) {
    /* crate::f: only a definition whose qualified name is f itself fits
     * (pt__use_fits) */
    g[0] = NO_ID;
    g[1] = pt_strmap_get(&rs->qnames, want, nl, &id)
               ? group_of(rs, head, PT_GRP_QN, (uint32_t)id) : NO_ID;
  } else {
    if (wl <= nl + 1 || want[p] != '.' ||
        memcmp(want + p + 1, name, nl) != 0)
      return 0;
    for (q = p; q > 0 && want[q - 1] != '.';)
      q--;
    g[0] = group_of(rs, head, PT_GRP_SEG,
                    pt__group_seg_id(rs, want + q, p - q));
    g[1] = pt_strmap_get(&rs->qnames, want + p + 1, nl, &id)
               ? group_of(rs, head, PT_GRP_QN, (uint32_t)id) : NO_ID;
  }
  /* the name alone at a path of two segments or more: in Rust and Java
   * only at the files and folders of the path's last segment */
  qn_look look = {c, lang, r, head, (uint32_t)id, want, wl, p, how,
                  types_only, from, glob};
  int tails = g[1] != NO_ID && how != PT_USE_EXACT &&
                      (lang == PT_LANG_RUST || lang == PT_LANG_JAVA) &&
                      wl > nl && !group_within(rs, PT_GRP_QN, g[1], QN_WALKED)
                  ? qn_at_heads(rs, &look, &f)
                  : -1;
  if (tails == 0)
    return 0;
  for (int k = 0; k < (tails == 1 ? 1 : 2); k++)
    for (uint32_t i = g[k]; i != NO_ID;
         i = rs->gnext[k ? PT_GRP_QN : PT_GRP_SEG][i])
      if (path_fits(rs, lang, r, i, want, wl, how, types_only, from, glob) &&
          !fits_put(rs, &f, i))
        return 0;
  fits_add(rs, &f, t);
  return 1;
}

/* The candidates named name (nl bytes) that may be r's target and sit at
 * the dotted path want (wl bytes) as how matches it, into t. */
static void at_path(const pt_resolver *rs, const pt__resolve_ctx *c,
                    pt_lang lang, const pt_raw_ref *r, const char *name,
                    size_t nl, const char *want, size_t wl, int how,
                    int types_only, tier_hit *t)
{
  size_t head;
  const char *from = c->file != NO_ID ? rs->path_text[c->file] : "";
  if (!nl || !chain_head(rs, pt__resolve_family(lang), name, nl, &head))
    return;
  if (at_path_groups(rs, c, lang, r, head, name, nl, want, wl, how,
                     types_only, NULL, t))
    return;
  int all = methods_fit(r, types_only) ? ALL_OF_NAME : NON_METHODS;
  for (size_t i = walk_first(rs, head, all, 0); i != NONE;
       i = walk_next(rs, all, i))
    if (eligible(rs, i, r, types_only) &&
        pt__use_fits(rs, lang, i, want, wl, how, from))
      tier_add(rs, t, i);
}

/* The candidates at the path in c->bpath (its last segment their name). */
static void at_bpath(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                     const pt_raw_ref *r, int how, int types_only, tier_hit *t)
{
  const char *p = c->bpath.ptr ? c->bpath.ptr : "";
  const char *tail = strrchr(p, '.');
  tail = tail ? tail + 1 : p;
  at_path(rs, c, lang, r, tail, strlen(tail), p, c->bpath.len, how,
          types_only, t);
}

/* Appends s (n bytes) to c->bpath, each separator (:: . \) as '.'. */
static int bpath_put(pt__resolve_ctx *c, const char *s, size_t n)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    int colons = s[k] == ':' && k + 1 < n && s[k + 1] == ':';
    rc = pt_buf_putc(&c->bpath, colons || s[k] == '\\' ? '.' : s[k]);
    k += (size_t)colons;
  }
  return rc;
}

/* Does the caller's own type (or a base) have a method r names? Java and
 * C#: it hides one a static import brings in. */
static int own_method(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                      const pt_raw_ref *r)
{
  size_t head, t;
  if (r->kind != PT_REF_CALL || !has_implicit_this(lang) ||
      (t = caller_type_index(rs, c, r->from_key)) == NONE ||
      !chain_head(rs, pt__resolve_family(lang), r->name, strlen(r->name),
                  &head))
    return 0;
  verdict m = method_of(rs, head, r, t, 0, 0, -1);
  return m.target != NONE || m.how == PT_RES_AMBIGUOUS;
}

/* The method r names of the one type at c->bpath (its own, in an impl
 * elsewhere, or a base's): 1 with *out, 0 when no type is there. */
static int method_at_bpath(const pt_resolver *rs, pt__resolve_ctx *c,
                           pt_lang lang, const pt_raw_ref *r, int match,
                           pt_resolution how, verdict *out)
{
  pt_raw_ref ty = *r;
  tier_hit types = {0};
  size_t head;
  ty.kind = PT_REF_TYPE;
  ty.arity = 0;
  at_bpath(rs, c, lang, &ty, match, 1, &types);
  if (!types.count)
    return 0;
  if (!types.one_group)
    *out = tier_verdict(&types, how);
  else if (!chain_head(rs, pt__resolve_family(lang), r->name,
                       strlen(r->name), &head))
    *out = missed(PT_RES_EXTERNAL);
  else {
    verdict m = method_of(rs, head, r, types.first, 0, 0, -1);
    *out = m.target != NONE ? found(m.target, how) : m;
  }
  return 1;
}

/* An import's own edge: to the definition at the path it names. */
static int bound_import(const pt_resolver *rs, pt__resolve_ctx *c,
                        pt_lang lang, const pt_raw_ref *r, verdict *out)
{
  int claims = 0, how = PT_USE_SUFFIX;
  tier_hit t = {0};
  if (pt__use_of_import(rs, c, lang, r, &c->bpath, &claims, &how) != 0) {
    pt_error_clear(); /* short of memory: by name, as before imports bound */
    c->bpath.len = 0;
    claims = 0;
  }
  if (c->bpath.len)
    at_bpath(rs, c, lang, r, how, 0, &t);
  if (t.count || claims) {
    *out = t.count ? tier_verdict(&t, PT_RES_IMPORT)
                   : missed(PT_RES_EXTERNAL);
    return 1;
  }
  if (!r->scope)
    return 0;
  pt_raw_ref plain = *r; /* the qualifier of an import is its alias */
  plain.scope = NULL;
  *out = pick_by_name(rs, c, lang, &plain);
  return 1;
}

/* A::f(), T::new(), X.Make() whose first segment an import binds: the
 * definition under the bound path, else the method of the type there. */
static int bound_scope(const pt_resolver *rs, pt__resolve_ctx *c,
                       pt_lang lang, const pt_raw_ref *r, verdict *out)
{
  const char *s = r->scope;
  /* a Rust value's method, a variable's, this.m() */
  if ((r->via == PT_VIA_MEMBER && (lang == PT_LANG_RUST || r->recv_type)) ||
      is_self_word(s) || is_base_word(s))
    return 0;
  size_t fl = strcspn(s, ".:\\");
  const pt__use *b = pt__use_local(c, s, fl);
  if (!b)
    return 0;
  pt_buf_clear(&c->bpath);
  int rc = pt_buf_put(&c->bpath, b->path, b->len);
  if (rc == 0)
    rc = bpath_put(c, s + fl, strlen(s + fl));
  size_t type_len = c->bpath.len;
  if (rc == 0)
    rc = pt_buf_putc(&c->bpath, '.');
  if (rc == 0)
    rc = pt_buf_puts(&c->bpath, r->name);
  if (rc) {
    pt_error_clear(); /* short of memory: not bound */
    return 0;
  }
  tier_hit t = {0};
  at_bpath(rs, c, lang, r, use_how(lang, b), 0, &t);
  if (t.count) {
    *out = tier_verdict(&t, PT_RES_IMPORT);
    return 1;
  }
  c->bpath.len = type_len;
  c->bpath.ptr[type_len] = '\0';
  if (method_at_bpath(rs, c, lang, r, use_how(lang, b), PT_RES_IMPORT, out))
    return 1;
  *out = missed(PT_RES_EXTERNAL);
  return b->claims;
}

/* Does the file itself define a function or type r may name (which
 * hides what an import brings in)? */
static int file_defines(const pt_resolver *rs, const pt__resolve_ctx *c,
                        pt_lang lang, const pt_raw_ref *r)
{
  size_t head;
  if (c->file == NO_ID || !chain_head(rs, pt__resolve_family(lang), r->name,
                                      strlen(r->name), &head))
    return 0;
  for (size_t i = walk_first(rs, head, here_walk(c), c->dir); i != NONE;
       i = walk_next(rs, here_walk(c), i))
    if (rs->info[i].file == c->file && rs->info[i].kind != PT_KIND_METHOD &&
        eligible(rs, i, r, 0))
      return 1;
  return 0;
}

/* A bare name an import binds (`use a::f as g` then g()). */
static int bound_name(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                      const pt_raw_ref *r, verdict *out)
{
  const pt__use *b = pt__use_local(c, r->name, strlen(r->name));
  if (!b || file_defines(rs, c, lang, r) || own_method(rs, c, lang, r))
    return 0;
  tier_hit t = {0};
  at_path(rs, c, lang, r, b->path + b->tail, b->len - b->tail, b->path,
          b->len, use_how(lang, b), 0, &t);
  *out = t.count ? tier_verdict(&t, PT_RES_IMPORT) : missed(PT_RES_EXTERNAL);
  return t.count || b->claims;
}

/* A bare name a glob may bring in (`use a::b::*`, `import static p.C.*`),
 * after the file's own definitions and the caller's own methods. In Rust
 * only a module's public items come in, but for a glob of a module around
 * the file's (`use super::*`). */
static int bound_glob(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                      const pt_raw_ref *r, verdict *out)
{
  size_t head, nl = strlen(r->name), k;
  for (k = 0; k < c->n_binds && !c->binds[k].glob; k++)
    ;
  if (k == c->n_binds ||
      !chain_head(rs, pt__resolve_family(lang), r->name, nl, &head) ||
      file_defines(rs, c, lang, r) || own_method(rs, c, lang, r))
    return 0;
  tier_hit t = {0};
  const char *from = c->file != NO_ID ? rs->path_text[c->file] : "";
  for (; k < c->n_binds; k++) {
    const pt__use *b = &c->binds[k];
    pt_buf_clear(&c->bpath);
    if (!b->glob || pt_buf_puts(&c->bpath, b->path) ||
        pt_buf_putc(&c->bpath, '.') || pt_buf_puts(&c->bpath, r->name)) {
      pt_error_clear();
      continue;
    }
    /* the candidates at the glob's path, in the chain's order: through
     * its groups when they hold them (not every copy's candidates of the
     * name), else over the chain */
    if (at_path_groups(rs, c, lang, r, head, r->name, nl, c->bpath.ptr,
                       c->bpath.len, use_how(lang, b), 0, b, &t))
      continue;
    int all = methods_fit(r, 0) ? ALL_OF_NAME : NON_METHODS;
    for (size_t i = walk_first(rs, head, all, 0); i != NONE;
         i = walk_next(rs, all, i))
      if (eligible(rs, i, r, 0) &&
          pt__use_fits(rs, lang, i, c->bpath.ptr, c->bpath.len,
                       use_how(lang, b), from) &&
          glob_sees(rs, lang, b, i))
        tier_add(rs, &t, i);
  }
  if (!t.count)
    return 0;
  *out = tier_verdict(&t, PT_RES_IMPORT);
  return 1;
}

/* PHP: the namespace entity r's caller is written in, or NONE. */
static size_t php_namespace(const pt_resolver *rs, pt__resolve_ctx *c,
                            const pt_raw_ref *r)
{
  if (c->php_from == r->from_key)
    return c->php_ns;
  size_t i = pt__resolve_key(rs, c, r->from_key);
  for (int depth = 0; i != NONE && depth < 64 &&
                      rs->ents[i].kind != PT_KIND_NAMESPACE;
       depth++)
    i = pt__resolve_parent(rs, i);
  c->php_from = r->from_key;
  c->php_ns = i;
  return i;
}

/* PHP names a class or function by a namespace, never by its name alone:
 * `\A\B` is A\B; a name whose first segment a `use` binds is under the
 * path bound; any other is the caller's namespace's (a function's then
 * the global one). The path goes into c->bpath; *how says what decided. */
static int php_path(const pt_resolver *rs, pt__resolve_ctx *c,
                    const pt_raw_ref *r, pt_resolution *how, int *bare_fn)
{
  const char *s = r->scope, *w = s ? s : r->name;
  size_t fl = strcspn(w, "\\");
  const pt__use *b = fl ? pt__use_local(c, w, fl) : NULL;
  int rc = 0;
  pt_buf_clear(&c->bpath);
  *bare_fn = 0;
  *how = PT_RES_QUALIFIED;
  if (s && (!*s || *s == '\\')) { /* \A\f(), \A::m(), \f() */
    rc = bpath_put(c, s + (*s != 0), strlen(s + (*s != 0)));
  } else if (b) {
    *how = PT_RES_IMPORT;
    rc = pt_buf_put(&c->bpath, b->path, b->len);
    if (rc == 0)
      rc = bpath_put(c, w + fl, strlen(w + fl));
  } else {
    size_t ns = php_namespace(rs, c, r);
    *how = PT_RES_LOCAL; /* LOCAL for now: the caller's namespace */
    *bare_fn = !s && r->kind == PT_REF_CALL && ns != NONE;
    if (ns != NONE)
      rc = pt_buf_puts(&c->bpath, rs->ents[ns].qualname);
    if (rc == 0 && ns != NONE)
      rc = pt_buf_putc(&c->bpath, '.');
    if (rc == 0)
      rc = bpath_put(c, w, strlen(w));
  }
  if (rc == 0 && s && c->bpath.len)
    rc = pt_buf_putc(&c->bpath, '.');
  if (rc == 0 && s)
    rc = pt_buf_puts(&c->bpath, r->name);
  return rc;
}

static int php_pick(const pt_resolver *rs, pt__resolve_ctx *c,
                    const pt_raw_ref *r, verdict *out)
{
  if (r->kind == PT_REF_INCLUDE ||
      (r->kind == PT_REF_CALL && r->via == PT_VIA_MEMBER))
    return 0;
  if (r->kind == PT_REF_IMPORT)
    return bound_import(rs, c, PT_LANG_PHP, r, out);
  if (r->scope && (is_self_word(r->scope) || is_base_word(r->scope)))
    return 0;
  pt_resolution how;
  int bare_fn;
  if (php_path(rs, c, r, &how, &bare_fn) != 0) {
    pt_error_clear(); /* short of memory: by name, as before */
    return 0;
  }
  tier_hit t = {0};
  at_bpath(rs, c, PT_LANG_PHP, r, PT_USE_EXACT, 0, &t);
  if (!t.count && bare_fn) { /* f() in a namespace: else the global f */
    pt_buf_clear(&c->bpath);
    if (pt_buf_puts(&c->bpath, r->name) == 0)
      at_bpath(rs, c, PT_LANG_PHP, r, PT_USE_EXACT, 0, &t);
    pt_error_clear();
  }
  if (t.count) {
    if (how == PT_RES_LOCAL && rs->info[t.first].file != c->file)
      how = PT_RES_QUALIFIED;
    *out = tier_verdict(&t, how);
    return 1;
  }
  /* A::m() of a method A inherits */
  if (r->scope && r->kind == PT_REF_CALL) {
    char *dot = strrchr(c->bpath.ptr, '.');
    if (dot) {
      c->bpath.len = (size_t)(dot - c->bpath.ptr);
      *dot = '\0';
      if (method_at_bpath(rs, c, PT_LANG_PHP, r, PT_USE_EXACT,
                          how == PT_RES_IMPORT ? how : PT_RES_QUALIFIED, out))
        return 1;
    }
  }
  *out = missed(PT_RES_EXTERNAL);
  return 1;
}

/* What the file's imports (and PHP's namespaces) say r names: 1 with
 * *out when they decide (a definition, ambiguous, or none of the
 * workspace's), 0 when r is left to the tiers. */
static int pick_bound(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                      const pt_raw_ref *r, verdict *out)
{
  if (lang == PT_LANG_PHP)
    return php_pick(rs, c, r, out);
  if (r->kind == PT_REF_IMPORT)
    return bound_import(rs, c, lang, r, out);
  if (!c->n_binds || r->kind == PT_REF_INCLUDE)
    return 0;
  if (r->scope)
    return bound_scope(rs, c, lang, r, out);
  return bound_name(rs, c, lang, r, out) || bound_glob(rs, c, lang, r, out);
}

/* What pick_by_name knows of a reference while it looks at candidates. */
typedef struct pick_ctx {
  const pt_raw_ref *r;
  pt_lang lang;
  const ref_view *v;
  int lexical;           /* a bare name of JavaScript, TypeScript, Python */
  int n_ns;              /* the caller's namespaces (c->ns) */
  int renamed;           /* an import binds the name under another */
  size_t nl;             /* strlen(r->name) */
  int no_qualified;      /* pick_by_group found no candidate in the
                            qualifier's tier (tier 0) */
} pick_ctx;

/* The tiers of pick_by_name candidate i joins, as bits (1 << k for tier
 * k: qualifier, own type, file, import, directory, language), and the
 * level of the caller's namespaces it is a member of (*level, or -1). */
static unsigned classify(const pt_resolver *rs, pt__resolve_ctx *c,
                         const pick_ctx *p, size_t i, int *level)
{
  const pt_raw_ref *r = p->r;
  const ref_view *v = p->v;
  *level = -1;
  if (!eligible(rs, i, r, v->types_only) && !es5_constructor(rs, c, i, r))
    return 0;
  const ent_info *in = &rs->info[i];
  pt_kind k = (pt_kind)in->kind;
  /* a function or method written in the caller's own type */
  int same_type = v->caller_type != NO_ID &&
                  (k == PT_KIND_METHOD || k == PT_KIND_FUNCTION) &&
                  in->encl == v->caller_type;
  if (p->lexical && nested_elsewhere(rs, c, i))
    return 0;
  int lv = p->n_ns ? namespace_level(rs, c, i) : -1;
  if (lv != -1)
    same_type = 0; /* a namespace's member: by the rule below */
  if (v->base && same_type)
    return 0;
  unsigned m = v->want && scope_fits(rs, i, v->want, p->nl) ? 1u : 0u;
  /* a method is reached through a type (tier 1, or its qualifier), never
   * by its name from outside */
  if (k == PT_KIND_METHOD && (v->foreign || v->bare_call || v->import_fn))
    return m;
  int imported = is_imported(rs, c, in->file);
  if (v->package && !imported)
    return m;
  /* Go: a package qualifier admits that package's files only, and a bare
   * name is never another package's (no `import .` is read) */
  if (p->lang == PT_LANG_GO && v->package &&
      !scope_names_file(rs, c, r->scope, in->file))
    return m;
  /* a bare name is another module's only through an import binding it
   * (by_binding), in Go only in its own package; in Python also one a
   * module-level assignment binds (`Charset = _charset.Charset`), unless
   * the file imports that name under another (`import f as g`) */
  if ((p->lang == PT_LANG_GO || p->lexical) && !r->scope &&
      (p->lang != PT_LANG_PYTHON || p->renamed))
    imported = 0;
  if (same_type && !v->foreign)
    m |= 2u;
  if (!v->foreign && c->file != NO_ID && in->file == c->file)
    m |= 4u;
  *level = lv;
  if (imported)
    m |= 8u;
  if (c->dir != NO_ID && in->dir == c->dir)
    m |= 16u;
  return m | 32u;
}

static const pt_resolution tier_how[6] = {
  PT_RES_QUALIFIED, PT_RES_LOCAL, PT_RES_LOCAL, PT_RES_IMPORT,
  PT_RES_DIRECTORY, PT_RES_UNIQUE_NAME};

/* pick_by_name's tiers over every candidate of the name: the first tier
 * up to last that has candidates decides. */
static verdict pick_by_chain(const pt_resolver *rs, pt__resolve_ctx *c,
                             const pick_ctx *p, size_t head, int last)
{
  tier_hit t[6], ns[4];
  memset(t, 0, sizeof t);
  memset(ns, 0, sizeof ns);
  /* a method is not eligible, or, named from outside a type, joins no
   * tier but the qualifier's (classify), which pick_by_group found empty:
   * the non-methods alone give the same tiers, in the same order */
  const ref_view *v = p->v;
  int no_methods = !methods_fit(p->r, v->types_only) ||
                   (p->no_qualified &&
                    (v->foreign || v->bare_call || v->import_fn));
  for (size_t i = no_methods ? free_first(rs, head) : head; i != NONE;
       i = no_methods ? free_next(rs, i) : rs->next_same_name[i]) {
    int level;
    unsigned m = classify(rs, c, p, i, &level);
    for (int k = 0; k < 6; k++)
      if (m & (1u << k))
        tier_add(rs, &t[k], i);
    if (level >= 0)
      tier_add(rs, &ns[level], i);
  }
  /* a namespace's members in other files: after the file's own */
  for (int j = 0; !t[0].count && !t[1].count && !t[2].count && j < p->n_ns; j++)
    if (ns[j].count)
      return tier_verdict(&ns[j], PT_RES_IMPORT);
  for (int k = 0; k <= last; k++)
    if (t[k].count)
      return typed_tier(rs, head, p->r, &t[k], tier_how[k]);
  return missed(PT_RES_EXTERNAL);
}

/* Whether classify may put candidate i in tier k, read from its kind
 * alone: the caller's own type (tier 1) takes a function or a method
 * written in it, and a method only where it is not named from outside a
 * type (classify's same_type). */
static int may_join(const pt_resolver *rs, const pick_ctx *p, size_t i, int k)
{
  pt_kind kind = (pt_kind)rs->info[i].kind;
  const ref_view *v = p->v;
  return k != 1 || kind == PT_KIND_FUNCTION ||
         (kind == PT_KIND_METHOD &&
          !(v->foreign || v->bare_call || v->import_fn));
}

/* The candidates of group (type, x) that classify puts in tier k, into
 * t; with k2 >= 0 also those of tier k2, into t2. A group of the
 * caller's type holds every member of the name in every copy of the
 * tree (an impl block, a struct): those neither tier can take
 * (may_join) are passed over without classify. */
static void group_tier(const pt_resolver *rs, pt__resolve_ctx *c,
                       const pick_ctx *p, size_t head, int type, uint32_t x,
                       int k, tier_hit *t, int k2, tier_hit *t2)
{
  for (uint32_t i = group_of(rs, head, type, x); i != NO_ID;
       i = rs->gnext[type][i]) {
    if (!may_join(rs, p, i, k) && (k2 < 0 || !may_join(rs, p, i, k2)))
      continue;
    int level;
    unsigned m = classify(rs, c, p, i, &level);
    if (m & (1u << k))
      tier_add(rs, t, i);
    if (k2 >= 0 && (m & (1u << k2)))
      tier_add(rs, t2, i);
  }
}

/* The import tier of pick_by_chain from the folders the current file's
 * imports name files in (the marks' c->asked_dirs): their groups hold
 * every candidate a file of theirs defines, and the tier's members are
 * put in the chain's order. 1 with t filled, or 0 when the chain's
 * non-methods are fewer than those folders (walking them costs less) or
 * the marks are not made, or more than 64 candidates join the tier. */
static int import_tier(const pt_resolver *rs, pt__resolve_ctx *c,
                       const pick_ctx *p, size_t head, tier_hit *t)
{
  if (!marks_made(rs, c) ||
      c->n_asked_dirs >= pt__group_name_free(rs, rs->info[head].nid))
    return 0;
  fits_in_order f;
  f.n = 0;
  for (size_t k = 0; k < c->n_asked_dirs; k++)
    for (uint32_t i = group_of(rs, head, PT_GRP_DIR, c->asked_dirs[k]);
         i != NO_ID; i = rs->gnext[PT_GRP_DIR][i]) {
      int level;
      if (!(classify(rs, c, p, i, &level) & 8u))
        continue;
      if (!fits_put(rs, &f, i))
        return 0;
    }
  fits_add(rs, &f, t);
  return 1;
}

/* pick_by_chain's verdict where the tiers that decide it are within
 * groups: a qualifier's segment, the caller's type, the file's folder.
 * 1 with *out, or 0 when a tier the groups do not hold (the namespaces,
 * the whole language; the imports where import_tier does not answer)
 * would have to be looked at: the tiers
 * come out as they do over the whole chain, since each group holds every
 * candidate its tier may hold, in the chain's order. */
static int pick_by_group(const pt_resolver *rs, pt__resolve_ctx *c,
                         pick_ctx *p, size_t head, int last, verdict *out)
{
  const ref_view *v = p->v;
  const pt_raw_ref *r = p->r;
  tier_hit t = {0}, here = {0}, dir = {0};
  if (head == NONE)
    return 0;
  if (v->want) {
    const char *w = strrchr(v->want, '.');
    w = w ? w + 1 : v->want;
    group_tier(rs, c, p, head, PT_GRP_SEG, pt__group_seg_id(rs, w, strlen(w)),
               0, &t, -1, NULL);
    if (t.count) {
      *out = typed_tier(rs, head, r, &t, tier_how[0]);
      return 1;
    }
  }
  p->no_qualified = 1;
  if (v->caller_type != NO_ID && !v->foreign) {
    group_tier(rs, c, p, head, PT_GRP_ENCL, v->caller_type, 1, &t, -1, NULL);
    if (t.count) {
      *out = typed_tier(rs, head, r, &t, tier_how[1]);
      return 1;
    }
  }
  if (c->dir == NO_ID && c->file != NO_ID)
    return 0;
  group_tier(rs, c, p, head, PT_GRP_DIR, c->dir, 2, &here, 4, &dir);
  if (here.count) {
    *out = typed_tier(rs, head, r, &here, tier_how[2]);
    return 1;
  }
  int can_import = c->n_imports &&
                   !((p->lang == PT_LANG_GO || p->lexical) && !r->scope &&
                     (p->lang != PT_LANG_PYTHON || p->renamed));
  if (p->n_ns)
    return 0;
  if (can_import) { /* tier 3, then as below */
    tier_hit imp = {0};
    if (!import_tier(rs, c, p, head, &imp))
      return 0;
    if (imp.count) {
      *out = typed_tier(rs, head, r, &imp, tier_how[3]);
      return 1;
    }
  }
  if (last >= 4 && dir.count) {
    *out = typed_tier(rs, head, r, &dir, tier_how[4]);
    return 1;
  }
  if (last >= 5)
    return 0;
  *out = missed(PT_RES_EXTERNAL);
  return 1;
}

/* Tiers 1-6 for everything but a member call. */
static verdict pick_by_name(const pt_resolver *rs, pt__resolve_ctx *c,
                            pt_lang lang, const pt_raw_ref *r)
{
  size_t head, len = strlen(r->name);
  pt_raw_ref plain;
  if (r->kind == PT_REF_IMPORT && r->scope &&
      (lang == PT_LANG_GO || is_lexical(lang))) {
    plain = *r; /* the qualifier of `import x "p"` is its alias */
    plain.scope = NULL;
    r = &plain;
  }
  verdict bound;
  if (c->n_ibinds && !r->recv_type && by_binding(rs, c, lang, r, &bound))
    return bound;
  if (pt__use_lang(lang) && pick_bound(rs, c, lang, r, &bound))
    return bound;
  /* a name only another family defines is looked at as one with no
   * candidates, not as one nobody defines (the verdict's reason differs);
   * a member call records the chain's own tag where it needs more than
   * what the attrs tag stands for (pick_member), every other reference
   * here */
  int member = r->kind == PT_REF_CALL && r->via == PT_VIA_MEMBER && r->scope;
  uint8_t fam = pt__resolve_family(lang);
  if (!member)
    pt__resolve_note_chain(fam, r->name, len);
  if (!pt__resolve_chain_attrs(rs, fam, r->name, len, &head)) {
    if (!pt__resolve_has_name(rs, r->name, len))
      return missed(PT_RES_EXTERNAL);
    head = NONE;
  }
  if (member)
    return pick_member(rs, c, lang, r, head);
  ref_view v;
  view_ref(rs, c, lang, r, head, &v);
  if (v.bare_call && has_implicit_this(lang)) {
    size_t t = caller_type_index(rs, c, r->from_key);
    verdict m = t != NONE ? method_of(rs, head, r, t, 0, 0,
                                      caller_const(rs, c, r))
                          : missed(PT_RES_EXTERNAL);
    if (m.target != NONE || m.how == PT_RES_AMBIGUOUS) {
      pt_free(v.want);
      return m.target != NONE ? found(m.target, PT_RES_LOCAL) : m;
    }
  }
  pick_ctx p = {r, lang, &v, 0, 0, 0, strlen(r->name), 0};
  p.lexical = !r->scope && (lang == PT_LANG_TYPESCRIPT ||
                            lang == PT_LANG_JAVASCRIPT ||
                            lang == PT_LANG_PYTHON);
  if (p.lexical) {
    caller_scope(rs, c, r);
    p.n_ns = c->n_ns;
  }
  p.renamed = p.lexical && is_renamed(c, r->name);
  int last = v.bare_call ? bare_call_reach(lang) : 5;
  if (lang == PT_LANG_GO && !r->scope && last > 4)
    last = 4; /* a package is its folder */
  verdict out;
  if (head != NONE && !kinds_may_fit(rs, head, r, v.types_only))
    out = missed(PT_RES_EXTERNAL);
  else if (!pick_by_group(rs, c, &p, head, last, &out))
    out = pick_by_chain(rs, c, &p, head, last);
  pt_free(v.want);
  return out;
}

/* dir/inc with "." and ".." segments folded; NULL when it climbs above the
 * root. Caller frees. */
static char *join_normalized(const char *path, size_t dl, const char *inc)
{
  pt_buf b = PT_BUF_INIT;
  if (dl && (pt_buf_put(&b, path, dl) || pt_buf_putc(&b, '/')))
    return NULL;
  for (const char *p = inc; *p;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (b.len == 0) {
        pt_buf_fini(&b);
        return NULL;
      }
      b.len--; /* the trailing '/' */
      while (b.len && b.ptr[b.len - 1] != '/')
        b.len--;
      b.ptr[b.len] = '\0';
    } else if (n && !(n == 1 && p[0] == '.')) {
      pt_buf_put(&b, p, n);
      if (slash)
        pt_buf_putc(&b, '/');
    }
    p += n + (slash ? 1 : 0);
  }
  return pt_buf_detach(&b);
}

/* An #include resolves to an indexed file: the path relative to the
 * includer first, else the only file whose path ends with the included
 * path (an include folder), "./" and "../" prefixes left out. */
static size_t pick_file(const pt_resolver *rs, const char *path, const char *inc)
{
  size_t head, found = NONE, n = 0;
  const char *inc_base = pt__path_base(inc);
  if (!pt__resolve_files_named(rs, inc_base, strlen(inc_base), &head))
    return NONE;
  char *rel = join_normalized(path, pt__path_dir_len(path), inc);
  while (inc[0] == '.' && (inc[1] == '/' || (inc[1] == '.' && inc[2] == '/')))
    inc += inc[1] == '/' ? 2 : 3;
  size_t il = strlen(inc);
  for (size_t i = head; i != NONE; i = rs->next_same_base[i]) {
    const char *fp = rs->files[i].path;
    size_t fl = strlen(fp);
    if (rel && strcmp(fp, rel) == 0) {
      found = i;
      n = 1;
      break;
    }
    if (fl >= il && strcmp(fp + fl - il, inc) == 0 &&
        (fl == il || fp[fl - il - 1] == '/')) {
      found = i;
      n++;
    }
  }
  pt_free(rel);
  return n == 1 ? found : NONE;
}

static int is_interface(pt_kind k)
{
  return k == PT_KIND_INTERFACE || k == PT_KIND_TRAIT;
}

/* Where the syntax cannot tell a base class from an interface (C# and
 * Swift base lists name both the same way), the resolved target can:
 * a class or struct taking an interface or trait implements it, one taking
 * a class extends it. Interfaces extending interfaces stay Extends. */
static pt_edge_type inheritance_type(const pt_resolver *rs, pt__resolve_ctx *c,
                                     const pt_raw_ref *r,
                                     const pt_entity *target, pt_edge_type type)
{
  if (r->kind != PT_REF_EXTENDS && r->kind != PT_REF_IMPLEMENTS)
    return type;
  size_t from = pt__resolve_key(rs, c, r->from_key);
  if (from == NONE || is_interface(rs->ents[from].kind))
    return type;
  if (is_interface(target->kind))
    return PT_EDGE_IMPLEMENTS;
  if (target->kind == PT_KIND_CLASS || target->kind == PT_KIND_STRUCT)
    return PT_EDGE_EXTENDS;
  return type;
}

static const char *placeholder_token(pt_ref_kind k)
{
  switch (k) {
  case PT_REF_CALL: case PT_REF_NEW: return "fn";
  case PT_REF_IMPORT: case PT_REF_INCLUDE: return "module";
  case PT_REF_IMPLEMENTS: return "trait";
  default: return "class";
  }
}

static int add_import(pt__resolve_ctx *c, const char *module,
                      const char *alias)
{
  int rc = pt_array_grow((void **)&c->imports, &c->cap_imports,
                         c->n_imports + 1, sizeof *c->imports);
  if (rc == 0)
    rc = pt_array_grow((void **)&c->aliases, &c->cap_aliases,
                       c->n_imports + 1, sizeof *c->aliases);
  if (rc)
    return rc;
  c->aliases[c->n_imports] = alias;
  char *m = normalize_module(module);
  if (!m)
    return PT_ERR(PT_ENOMEM, "out of memory");
  size_t ml = strlen(m); /* a glob's (a::b::*): the module a::b */
  if (ml >= 2 && m[ml - 1] == '*' && m[ml - 2] == '/')
    m[ml - 2] = '\0';
  c->imports[c->n_imports++] = m;
  return 0;
}

/* A relative import's module as a path from the root, so that it names
 * the importer's neighbour and not every file of that name: "./m.js" in
 * src/a.ts is "src/m", Python's "..m" in a/b/c.py is "a/m". NULL when the
 * module is not relative, or climbs to or above the root. Caller frees. */
static char *relative_module(const char *path, pt_lang lang, const char *mod)
{
  size_t n = pt__path_dir_len(path), d = 0;
  char *out = NULL;
  if (lang == PT_LANG_PYTHON) {
    while (mod[d] == '.')
      d++;
    for (size_t k = 1; d && k < d && n; k++) { /* each dot past one: up */
      while (n > 0 && path[n - 1] != '/')
        n--;
      n -= n > 0;
    }
    pt_buf b = PT_BUF_INIT;
    if (d && (d == 1 || n) && n + strlen(mod + d) > 0 &&
        pt_buf_put(&b, path, n) == 0 &&
        (!n || !mod[d] || pt_buf_putc(&b, '/') == 0) &&
        pt_buf_put(&b, mod + d, strlen(mod + d)) == 0)
      out = pt_buf_detach(&b);
    pt_buf_fini(&b);
    return out;
  }
  if (strncmp(mod, "./", 2) != 0 && strncmp(mod, "../", 3) != 0)
    return NULL;
  out = join_normalized(path, n, mod);
  static const char *const exts[] = {".js", ".mjs", ".cjs", ".jsx", ".ts",
                                     ".tsx", ".mts", ".cts", NULL};
  size_t ol = out ? strlen(out) : 0;
  for (int i = 0; out && exts[i]; i++) {
    size_t el = strlen(exts[i]);
    if (ol > el && strcmp(out + ol - el, exts[i]) == 0)
      out[ol - el] = '\0';
  }
  if (out && !*out) {
    pt_free(out);
    out = NULL;
  }
  return out;
}

/* The name import r (of module mod, Python's module pkg.name sub or NULL)
 * binds. */
static int add_bind(pt__resolve_ctx *c, pt_lang lang, const pt_raw_ref *r,
                    const char *mod, const char *sub)
{
  int rc = pt_array_grow((void **)&c->ibinds, &c->cap_ibinds, c->n_ibinds + 1,
                         sizeof *c->ibinds);
  if (rc)
    return rc;
  pt__import_bind *b = &c->ibinds[c->n_ibinds];
  b->module = normalize_module(mod);
  b->sub = sub ? normalize_module(sub) : NULL;
  if (!b->module || (sub && !b->sub)) {
    pt_free(b->module);
    pt_free(b->sub);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  c->n_ibinds++;
  b->local = r->scope ? r->scope : r->name;
  b->orig = r->name;
  if (r->via == PT_VIA_PATH)
    b->how = r->scope ? PT__BIND_MODULE : PT__BIND_PLAIN;
  else if (!r->scope)
    b->how = PT__BIND_NAMED;
  else /* JavaScript's default import is written as its own alias */
    b->how = lang != PT_LANG_PYTHON && strcmp(r->scope, r->name) == 0
                 ? PT__BIND_DEFAULT : PT__BIND_ALIAS;
  return 0;
}

static void clear_binds(pt__resolve_ctx *c)
{
  for (size_t i = 0; i < c->n_ibinds; i++) {
    pt_free(c->ibinds[i].module);
    pt_free(c->ibinds[i].sub);
  }
  c->n_ibinds = 0;
}

int pt__resolve_ctx_init(pt__resolve_ctx *c, const pt_resolver *rs)
{
  memset(c, 0, sizeof *c);
  c->imported = pt_calloc(rs->n_paths + 1, 1);
  c->dir_imported = pt_calloc(rs->dirs.n + 1, 1);
  c->n_paths = rs->n_paths;
  c->n_dirs = rs->dirs.n;
  if (c->imported && c->dir_imported)
    return 0;
  /* nothing is left to free when it fails: pt__resolve_serial frees only
   * the context itself then (pt__resolve_ctx_fini still may be called) */
  pt__resolve_ctx_fini(c);
  memset(c, 0, sizeof *c);
  return PT_ERR(PT_ENOMEM, "out of memory");
}

void pt__resolve_ctx_fini(pt__resolve_ctx *c)
{
  for (size_t i = 0; i < c->n_imports; i++)
    pt_free((void *)c->imports[i]);
  pt_free(c->imports);
  pt_free(c->aliases);
  clear_binds(c);
  pt_free(c->ibinds);
  pt__use_clear(c);
  pt_free(c->binds);
  pt_buf_fini(&c->bpath);
  pt_free(c->imported);
  pt_free(c->asked);
  pt_free(c->dir_imported);
  pt_free(c->asked_dirs);
  pt_buf_fini(&c->scratch);
  pt_free(c->around);
  pt_buf_fini(&c->named_for);
  pt_free(c->named);
  pt_strmap_fini(&c->mod_marks);
  pt_arena_fini(&c->mod_keys);
  pt_free(c->mod_pool);
}

/* c->around: the folders around the referring file (c->file), each by
 * the hash of its path as qn_at_heads looks up `crate::a::b` after it:
 * made once a file, not for each such path. */
static int folders_around(const pt_resolver *rs, pt__resolve_ctx *c)
{
  const char *from = c->file != NO_ID ? rs->path_text[c->file] : "";
  c->n_around = 0;
  if (!from[0])
    return 0;
  uint64_t h = pt__modpaths_feed(pt__modpaths_start(), from, 1);
  for (size_t k = 1; from[k]; k++) {
    h = pt__modpaths_feed(h, from + k, 1);
    if (from[k] != '/')
      continue;
    int rc = pt_array_grow((void **)&c->around, &c->cap_around,
                           c->n_around + 1, sizeof *c->around);
    if (rc)
      return rc;
    c->around[c->n_around].h = h;
    c->around[c->n_around++].at = k;
  }
  return 0;
}

int pt__resolve_begin_file(const pt_resolver *rs, pt__resolve_ctx *c,
                           const char *path, pt_lang lang,
                           const pt_raw_ref *refs, size_t n_refs)
{
  for (size_t i = 0; i < c->n_imports; i++)
    pt_free((void *)c->imports[i]);
  c->n_imports = 0;
  c->named_made = 0;
  for (size_t i = 0; i < c->n_asked; i++)
    c->imported[c->asked[i]] = 0;
  c->n_asked = 0;
  for (size_t i = 0; i < c->n_asked_dirs; i++)
    c->dir_imported[c->asked_dirs[i]] = 0;
  c->n_asked_dirs = 0;
  c->marked = 0;
  c->last_key = NULL;
  c->ns_from = NULL;
  c->php_from = NULL;
  c->file = pt__resolve_path_id(rs, path);
  size_t dir;
  c->dir = pt_strmap_get(&rs->dirs, path, pt__path_dir_len(path), &dir)
               ? (uint32_t)dir
               : NO_ID;
  int rc = folders_around(rs, c);
  pt_buf sub = PT_BUF_INIT;
  clear_binds(c);
  int lexical = is_lexical(lang);
  for (size_t i = 0; rc == 0 && i < n_refs; i++) {
    const pt_raw_ref *r = &refs[i];
    if (r->kind != PT_REF_IMPORT || !r->module)
      continue;
    /* Go: `import x "p"` names the package x in this file, as `import * as
     * x` and `import a.b as x` do */
    int names_module = r->via == PT_VIA_PATH, has_sub = 0;
    char *rel = lexical ? relative_module(path, lang, r->module) : NULL;
    const char *mod = rel ? rel : r->module;
    /* Python's `from . import x` imports x, not every file of its package */
    int only_dots = strspn(r->module, ".") == strlen(r->module);
    rc = add_import(c, only_dots ? r->module : mod,
                    lang == PT_LANG_GO || (lexical && names_module) ? r->scope
                                                                    : NULL);
    /* Python's `from pkg import mod` may name a module: pkg/mod */
    if (rc == 0 && lang == PT_LANG_PYTHON && strcmp(r->module, r->name) != 0 &&
        !(names_module && r->scope)) {
      pt_buf_clear(&sub);
      has_sub = 1;
      rc = pt_buf_printf(&sub, "%s.%s", mod, r->name);
      if (rc == 0)
        rc = add_import(c, sub.ptr, names_module ? NULL : r->scope);
    }
    if (rc == 0 && lexical &&
        (r->scope || !names_module ||
         (lang == PT_LANG_PYTHON && !strchr(r->module, '.'))))
      rc = add_bind(c, lang, r, mod, has_sub ? sub.ptr : NULL);
    pt_free(rel);
  }
  pt_buf_fini(&sub);
  if (rc == 0)
    rc = pt__use_begin(rs, c, lang, refs, n_refs);
  return rc;
}

static int is_base_ref(const pt_raw_ref *r)
{
  return r->kind == PT_REF_EXTENDS || r->kind == PT_REF_IMPLEMENTS;
}

/* C++: the type of a field, which the extractor marks with the field's
 * name, "[const ][*]name" (extract_refs.c). */
static int is_field_ref(const pt_raw_ref *r, pt_lang lang)
{
  return r->kind == PT_REF_TYPE && lang == PT_LANG_CPP && r->recv_type;
}

/* Notes field r->recv_type of type t: "[const ][*]name" of the type r
 * names (resolved as type), or "[const ]^name=T" of type T. */
static int note_field(const pt_resolver *rs, pt__resolve_ctx *c,
                      pt_resolver *into, pt_lang lang, const pt_raw_ref *r,
                      size_t t, size_t type)
{
  const char *f = r->recv_type, *eq;
  uint8_t how = 0;
  if (strncmp(f, "const ", 6) == 0) {
    how |= PT_FIELD_CONST;
    f += 6;
  }
  if (*f == '*' || *f == '^')
    how |= *f++ == '*' ? PT_FIELD_POINTER : PT_FIELD_POINTER | PT_FIELD_SMART;
  size_t n = (eq = strchr(f, '=')) != NULL ? (size_t)(eq - f) : strlen(f);
  if (eq)
    type = receiver_type(rs, c, lang, r, eq + 1).target;
  return into ? pt__resolve_add_field(into, t, type, field_hash(f, n), how) : 0;
}

/* The lookups of noting one file's bases, with c; each found base goes
 * into `into` (rs itself), or nowhere when it is NULL (what noting reads,
 * and nothing else: rs is left as it is). */
static int each_base(const pt_resolver *rs, pt__resolve_ctx *c,
                     pt_resolver *into, const char *path, pt_lang lang,
                     const pt_raw_ref *refs, size_t n_refs)
{
  int rc = 0, have_imports = 0;
  for (size_t i = 0; rc == 0 && i < n_refs; i++) {
    const pt_raw_ref *r = &refs[i];
    size_t t;
    if ((!is_base_ref(r) && !is_field_ref(r, lang)) ||
        (t = pt__resolve_key(rs, NULL, r->from_key)) == NONE ||
        !is_type_like(rs->ents[t].kind))
      continue;
    if (!have_imports &&
        (rc = pt__resolve_begin_file(rs, c, path, lang, refs, n_refs)) != 0)
      break;
    have_imports = 1;
    verdict v = pick_by_name(rs, c, lang, r);
    if (is_field_ref(r, lang))
      rc = note_field(rs, c, into, lang, r, t, v.target);
    else if (into)
      rc = pt__resolve_add_base(into, t, v.target);
  }
  return rc;
}

int pt__resolver_note_bases(pt_resolver *rs, const char *path, pt_lang lang,
                            const pt_raw_ref *refs, size_t n_refs)
{
  int rc = pt__resolve_serial(rs);
  return rc ? rc : each_base(rs, rs->serial, rs, path, lang, refs, n_refs);
}

int pt__resolver_base_reads(const pt_resolver *rs, pt__resolve_ctx *c,
                            const char *path, pt_lang lang,
                            const pt_raw_ref *refs, size_t n_refs)
{
  return each_base(rs, c, NULL, path, lang, refs, n_refs);
}

/* C++: T(...), new T(...) and T{...} run a constructor of T, which the
 * edge goes to: the one of T's constructors the number of arguments
 * leaves, ambiguous when several do, and T itself when it declares none
 * that takes them (the compiler's own). */
static verdict cpp_constructor(const pt_resolver *rs, const pt_raw_ref *r,
                               verdict v)
{
  const pt_entity *e = v.target != NONE ? &rs->ents[v.target] : NULL;
  size_t head;
  if (!e || e->lang != PT_LANG_CPP ||
      (e->kind != PT_KIND_CLASS && e->kind != PT_KIND_STRUCT) ||
      !chain_head(rs, rs->info[v.target].fam, e->name, strlen(e->name), &head))
    return v;
  pt_raw_ref call = *r;
  call.kind = PT_REF_CALL;
  tier_hit t = {0};
  for (uint32_t i = members_of(rs, head, v.target); i != NO_ID;
       i = rs->gnext[PT_GRP_ENCL][i])
    if (rs->info[i].kind == PT_KIND_METHOD && member_of(rs, i, v.target) &&
        eligible(rs, i, &call, 0))
      tier_add(rs, &t, i);
  size_t typed = t.count > 1 && !t.one_group
                     ? typed_member(rs, head, &call, v.target) : NONE;
  if (typed != NONE)
    return found(typed, v.how);
  return t.count ? tier_verdict(&t, v.how) : v;
}

/* C++: `: Base(doc)` in a constructor of T runs the constructor of T's
 * base Base (of T itself: a delegating constructor): that type, whose
 * constructor cpp_constructor picks; NONE for anything else (a member's
 * initialiser, a base not indexed), which makes no edge. */
static verdict base_init(const pt_resolver *rs, pt__resolve_ctx *c,
                         const pt_raw_ref *r)
{
  size_t t = caller_type_index(rs, c, r->from_key), hit = NONE;
  int n = 0;
  if (t == NONE)
    return missed(PT_RES_EXTERNAL);
  if (strcmp(rs->ents[t].name, r->name) == 0)
    return found(t, PT_RES_LOCAL);
  uint32_t q = rs->info[t].qn;
  for (size_t b = q == NO_ID ? NONE : pt__resolve_bases(rs, q); b != NONE;
       b = rs->base_nodes[b].next) {
    const base_node *bn = &rs->base_nodes[b];
    if (bn->type == t && !bn->field && bn->base != NONE &&
        strcmp(rs->ents[bn->base].name, r->name) == 0) {
      hit = bn->base;
      n++;
    }
  }
  return n == 1 ? found(hit, PT_RES_LOCAL) : missed(PT_RES_EXTERNAL);
}

int pt__resolve_refs(const pt_resolver *rs, pt__resolve_ctx *c,
                     const char *path, pt_lang lang, const pt_raw_ref *refs,
                     size_t n_refs, pt__res_edges *out)
{
  /* at most one edge a reference: a large file's edges in one block */
  int rc = out ? pt__res_edges_reserve(out, out->n + n_refs) : 0;
  for (size_t i = 0; rc == 0 && i < n_refs; i++) {
    const pt_raw_ref *r = &refs[i];
    pt_edge e = {r->from_key, NULL, path, pt_ref_edge_type(r->kind), r->line, 0,
                 PT_RES_EXTERNAL, NULL};
    pt_buf_clear(&c->scratch);
    left.n = 0;
    if (r->kind == PT_REF_INCLUDE) {
      size_t f = pick_file(rs, path, r->name);
      if (f != NONE && out) {
        rc = pt__key_file(&c->scratch, rs->files[f].lang, rs->files[f].path);
        e.resolved = 1;
        e.resolution = PT_RES_IMPORT;
      }
    } else {
      verdict v = r->is_base_init ? base_init(rs, c, r)
                                  : pick_by_name(rs, c, lang, r);
      if (r->is_base_init && v.target == NONE)
        continue; /* a member's initialiser */
      if (lang == PT_LANG_CPP &&
          (r->kind == PT_REF_CALL || r->kind == PT_REF_NEW))
        v = cpp_constructor(rs, r, v);
      e.resolution = v.how;
      if (v.target != NONE) {
        e.to_key = rs->ents[v.target].key;
        e.resolved = 1;
        e.type = inheritance_type(rs, c, r, &rs->ents[v.target], e.type);
      }
    }
    if (!out)
      continue; /* only what it reads: the keys are not made */
    if (rc == 0 && !e.to_key && !e.resolved)
      rc = pt__key_placeholder(&c->scratch, lang, placeholder_token(r->kind), r->name);
    int own_to = !e.to_key;
    if (rc == 0 && own_to)
      e.to_key = c->scratch.ptr;
    if (rc == 0 && e.resolution == PT_RES_AMBIGUOUS && left.n > 1)
      rc = pt__res_edges_candidates(out, left.n, left.keys, left.n_keys,
                                    &e.candidates);
    if (rc == 0)
      rc = pt__res_edges_push(out, &e, own_to);
  }
  return rc;
}
