/* References of one file (the reference query) and its word coverage, and
 * the receiver types of its member calls: the variables, parameters and
 * fields that the binding captures name, with the type the syntax states.
 * Only what is written counts: a receiver the file does not bind stays
 * unknown, and two bindings that disagree make it unknown too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/strmap.h"
#include "base/words.h"

static int is_shadowed(const pt_xfile *f, TSNode call);

/* Languages whose functions are values a parameter or local can hide. */
static int shadows_calls(pt_lang l)
{
  return l == PT_LANG_JAVASCRIPT || l == PT_LANG_TYPESCRIPT ||
         l == PT_LANG_PYTHON;
}

int pt__innermost(const pt_xfile *f, uint32_t pos)
{
  size_t lo = 0, hi = f->n_cands;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (f->cands[mid].start_byte <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  int i = (int)lo - 1;
  while (i >= 0 && f->cands[i].end_byte <= pos)
    i = f->cands[i].parent;
  return i;
}

static int push_ref(pt_xfile *f, const pt_raw_ref *ref, size_t *cap)
{
  pt_file_result *r = f->r;
  if (r->n_refs == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    pt_raw_ref *p = pt_arena_alloc(&r->arena, nc * sizeof *p);
    if (!p)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    if (r->n_refs)
      memcpy(p, r->refs, r->n_refs * sizeof *p);
    r->refs = p;
    *cap = nc;
  }
  r->refs[r->n_refs++] = *ref;
  return 0;
}

static void cut_generics(char *s)
{
  char *lt = strchr(s, '<');
  if (lt && lt != s)
    *lt = '\0';
  char *paren = strchr(s, '(');
  if (paren && paren != s)
    *paren = '\0';
}

/* Splits "a::b.c" at its last separator: returns the last segment and
 * leaves the prefix in s (or "" when there is none); *via says whether the
 * separator was a member's (. ->) or a path's (:: \\ /). */
static char *split_last(char *s, pt_ref_via *via)
{
  char *best = NULL;
  size_t seplen = 0;
  for (char *p = s; *p; p++) {
    if (p[0] == ':' && p[1] == ':') { best = p; seplen = 2; p++; *via = PT_VIA_PATH; }
    else if (p[0] == '-' && p[1] == '>') { best = p; seplen = 2; p++; *via = PT_VIA_MEMBER; }
    else if (*p == '.') { best = p; seplen = 1; *via = PT_VIA_MEMBER; }
    else if (*p == '\\' || *p == '/') { best = p; seplen = 1; *via = PT_VIA_PATH; }
  }
  if (!best)
    return NULL;
  *best = '\0';
  return best + seplen;
}

/* 1 + the number of arguments of the C or C++ call whose callee is n
 * (f(), o.f(), a::f(), f<T>()), of the C# one (M(), o.M(), M<T>()) or of
 * the Java method call whose name it is (m(), o.m()), at most 255; 0 when
 * n is no callee. */
static uint8_t call_arity(const pt_xfile *f, TSNode n, pt_lang lang)
{
  int java = lang == PT_LANG_JAVA;
  const char *kind = java                     ? "method_invocation"
                     : lang == PT_LANG_CSHARP ? "invocation_expression"
                                              : "call_expression";
  const char *field = java ? "name" : "function";
  TSNode call = pt__node_parent(f, n);
  for (int up = 0; up < 3 && !ts_node_is_null(call) &&
                   strcmp(ts_node_type(call), kind) != 0;
       up++)
    call = pt__node_parent(f, call);
  if (ts_node_is_null(call) || strcmp(ts_node_type(call), kind) != 0)
    return 0;
  TSNode fn = ts_node_child_by_field_name(call, field,
                                          (uint32_t)strlen(field));
  TSNode args = pt__query_field(f->query, call, PT_FIELD_ARGUMENTS);
  /* a type as a macro's argument (cast(T *, x)) misparses: not counted */
  if (ts_node_is_null(args) || ts_node_has_error(args) ||
      ts_node_start_byte(fn) > ts_node_start_byte(n) ||
      ts_node_end_byte(fn) < ts_node_end_byte(n))
    return 0;
  uint32_t count = 0, k = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < k; i++)
    count += strcmp(ts_node_type(ts_node_named_child(args, i)), "comment") != 0;
  return (uint8_t)(count < 254 ? count + 1 : 255);
}

static int is_smart_name(const char *t);
static char *cpp_smart(char *s, int *is_const);

/* C++: the type of a field (one declarator in a class: `T *name_;`) is
 * marked with the field's name for the resolver, which keeps every field
 * of a type to type receivers in methods written in other files:
 * ref->recv_type "[const ][*]name" (const: declared so; *: a pointer or a
 * reference; "^name=T" for a std::unique_ptr<T> or shared_ptr<T>). 0,
 * or PT_ENOMEM. */
static int cpp_field_ref(pt_xfile *f, TSNode n, pt_raw_ref *ref)
{
  TSNode t = n, fd = ts_node_parent(n);
  if (!ts_node_is_null(fd) && strcmp(ts_node_type(fd), "template_type") == 0) {
    t = fd;
    fd = ts_node_parent(fd);
  }
  if (ts_node_is_null(fd) || strcmp(ts_node_type(fd), "field_declaration") != 0 ||
      !ts_node_eq(ts_node_child_by_field_name(fd, "type", 4), t))
    return 0;
  TSNode d = {0};
  int n_decl = 0, is_const = 0, is_ptr = 0;
  for (uint32_t i = 0; i < ts_node_child_count(fd); i++) {
    const char *field = ts_node_field_name_for_child(fd, i);
    TSNode k = ts_node_child(fd, i);
    if (field && strcmp(field, "declarator") == 0) {
      d = k;
      n_decl++;
    } else if (strcmp(ts_node_type(k), "type_qualifier") == 0 &&
               ts_node_end_byte(k) - ts_node_start_byte(k) == 5 &&
               strncmp(f->src + ts_node_start_byte(k), "const", 5) == 0) {
      is_const = 1;
    }
  }
  if (n_decl != 1)
    return 0;
  /* std::unique_ptr<T> p_: "^p_=T" */
  int smart_const = 0;
  char *smart = NULL, *text = pt__node_text(f, t);
  if (!text)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  if (is_smart_name(text) || strchr(text, '<')) {
    char *cut = pt__node_text(f, t);
    if (!cut)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    cut_generics(cut);
    if (is_smart_name(cut))
      smart = cpp_smart(text, &smart_const);
  }
  while (!strcmp(ts_node_type(d), "pointer_declarator") ||
         !strcmp(ts_node_type(d), "reference_declarator")) {
    is_ptr = 1;
    uint32_t k = ts_node_named_child_count(d);
    d = k ? ts_node_named_child(d, k - 1) : (TSNode){0};
    if (ts_node_is_null(d))
      return 0;
  }
  if (strcmp(ts_node_type(d), "field_identifier") != 0)
    return 0; /* a method's declaration, an array */
  uint32_t a = ts_node_start_byte(d), len = ts_node_end_byte(d) - a;
  size_t sl = smart ? strlen(smart) : 0;
  char *s = pt_arena_alloc(&f->r->arena, len + sl + 9);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  size_t at = 0;
  if (smart ? smart_const && !is_ptr : is_const) {
    memcpy(s, "const ", 6);
    at = 6;
  }
  if (smart && is_ptr)
    return 0; /* a pointer to a smart pointer */
  if (smart || is_ptr)
    s[at++] = smart ? '^' : '*';
  memcpy(s + at, f->src + a, len);
  at += len;
  if (smart) {
    s[at++] = '=';
    memcpy(s + at, smart, sl);
    at += sl;
  }
  s[at] = '\0';
  ref->recv_type = s;
  return 0;
}

/* 1 + the number of arguments of the Swift call whose callee holds n, a
 * trailing closure counted, at most 255; 0 when n is no callee. A
 * call_expression has no fields: the callee is its first child, the
 * arguments a call_suffix of value_arguments and closures. */
static uint8_t swift_arity(const pt_xfile *f, TSNode n)
{
  TSNode call = pt__node_parent(f, n);
  for (int up = 0; up < 3 && !ts_node_is_null(call) &&
                   strcmp(ts_node_type(call), "call_expression") != 0;
       up++)
    call = pt__node_parent(f, call);
  uint32_t k = ts_node_is_null(call) ? 0 : ts_node_named_child_count(call);
  if (k < 2 || strcmp(ts_node_type(call), "call_expression") != 0)
    return 0;
  TSNode fn = ts_node_named_child(call, 0);
  TSNode suffix = ts_node_named_child(call, k - 1);
  if (strcmp(ts_node_type(suffix), "call_suffix") != 0 ||
      ts_node_has_error(suffix) ||
      ts_node_start_byte(fn) > ts_node_start_byte(n) ||
      ts_node_end_byte(fn) < ts_node_end_byte(n))
    return 0;
  uint32_t count = 0, m = ts_node_named_child_count(suffix);
  for (uint32_t i = 0; i < m; i++) {
    TSNode part = ts_node_named_child(suffix, i);
    if (strcmp(ts_node_type(part), "lambda_literal") == 0) {
      count++;
      continue;
    }
    if (strcmp(ts_node_type(part), "value_arguments") != 0)
      continue;
    uint32_t a = ts_node_named_child_count(part);
    for (uint32_t j = 0; j < a; j++)
      count += strcmp(ts_node_type(ts_node_named_child(part, j)),
                      "value_argument") == 0;
  }
  return (uint8_t)(count < 254 ? count + 1 : 255);
}

/* Ruby: whether n is the method of a call written as the left of an
 * assignment, `o.x = v`: the method called is then x=, which `def x=`
 * defines (an attr_accessor's defines none), never the getter x. */
static int is_ruby_setter(const pt_xfile *f, TSNode n)
{
  TSNode call = pt__node_parent(f, n);
  if (ts_node_is_null(call) || strcmp(ts_node_type(call), "call") != 0 ||
      !ts_node_eq(pt__query_field(f->query, call, PT_FIELD_METHOD), n))
    return 0;
  TSNode asg = pt__node_parent(f, call);
  return !ts_node_is_null(asg) &&
         strcmp(ts_node_type(asg), "assignment") == 0 &&
         ts_node_eq(pt__query_field(f->query, asg, PT_FIELD_LEFT), call);
}

/* Does the import whose path is n bring in every member of what it names:
 * Rust `use a::b::*`, Java `import static p.C.*`, C# `using static A.C`? */
static int is_glob_import(const pt_xfile *f, TSNode n)
{
  TSNode p = pt__node_parent(f, n);
  if (ts_node_is_null(p))
    return 0;
  const char *pt = ts_node_type(p);
  if (strcmp(pt, "use_wildcard") == 0)
    return 1;
  int java = strcmp(pt, "import_declaration") == 0;
  if (!java && strcmp(pt, "using_directive") != 0)
    return 0;
  for (uint32_t i = 0; i < ts_node_child_count(p); i++)
    if (strcmp(ts_node_type(ts_node_child(p, i)), java ? "asterisk" : "static")
        == 0)
      return 1;
  return 0;
}

/* A glob import's module: its path and a last segment "*" ("a::b::*",
 * "p.C.*"), in the file's arena; NULL when out of memory. */
static char *glob_module(pt_xfile *f, const char *path)
{
  size_t n = strlen(path);
  int colons = strstr(path, "::") != NULL;
  char *m = pt_arena_alloc(&f->r->arena, n + 4);
  if (!m)
    return NULL;
  memcpy(m, path, n);
  memcpy(m + n, colons ? "::*" : ".*", colons ? 4 : 3);
  return m;
}

static int add_ref(pt_xfile *f, TSNode n, pt_ref_kind kind, const char *scope,
                   const char *module, pt_ref_via via, size_t *cap)
{
  char *text = pt__node_text(f, n);
  if (!text)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  char *name = pt__trim_text(text, 1);
  if (!name)
    return 0;
  pt_raw_ref ref = {NULL, NULL, scope, module, NULL, kind,
                    ts_node_start_point(n).row + 1, -1, (uint8_t)via,
                    PT_RECV_UNKNOWN, 0, 0, NULL};
  if (kind == PT_REF_INCLUDE) {
    ref.name = name;
  } else {
    /* an import of a module (its @scope names the module) or of a name
     * from one (its @scope is an alias of the name): pt_ref_via */
    if (kind == PT_REF_IMPORT)
      ref.via = module ? PT_VIA_MEMBER : PT_VIA_PATH;
    if (kind == PT_REF_IMPORT && !module)
      ref.module = pt_arena_strdup(&f->r->arena, name);
    if (kind == PT_REF_IMPORT && ref.module && is_glob_import(f, n)) {
      ref.module = glob_module(f, ref.module);
      if (!ref.module)
        return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    }
    if (kind != PT_REF_IMPORT)
      cut_generics(name);
    pt_ref_via split_via = PT_VIA_NAME;
    char *last = split_last(name, &split_via);
    if (last) {
      if (!ref.scope && *name && kind != PT_REF_IMPORT) {
        ref.scope = name;
        ref.via = (uint8_t)split_via;
      } else if (!ref.scope && kind != PT_REF_IMPORT &&
                 f->lang == PT_LANG_PHP && split_via == PT_VIA_PATH) {
        /* \X: the global namespace's X, kept as the qualifier "\\" */
        ref.scope = pt_arena_strdup(&f->r->arena, "\\");
        ref.via = PT_VIA_PATH;
        if (!ref.scope)
          return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
      }
      name = last;
    }
    if (kind == PT_REF_IMPORT)
      cut_generics(name);
    ref.name = name;
  }
  if (!*ref.name || (kind == PT_REF_IMPORT && !ref.module))
    return 0;
  if (kind == PT_REF_CALL && f->lang == PT_LANG_RUBY && is_ruby_setter(f, n)) {
    size_t len = strlen(ref.name);
    char *setter = pt_arena_alloc(&f->r->arena, len + 2);
    if (!setter)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    memcpy(setter, ref.name, len);
    memcpy(setter + len, "=", 2);
    ref.name = setter;
  }
  int from = pt__innermost(f, ts_node_start_byte(n));
  if (from >= 0 && f->cands[from].test_reason && !f->keep_test_refs)
    return 0; /* references made by tests leave with the tests */
  if (kind == PT_REF_CALL && ref.via == PT_VIA_MEMBER && ref.scope) {
    f->at = ts_node_start_byte(n);
    uint32_t i = f->at;
    while (i > 0 && (f->src[i - 1] == ' ' || f->src[i - 1] == '\n' ||
                     f->src[i - 1] == '\t' || f->src[i - 1] == '\r'))
      i--;
    f->arrow = i >= 2 && f->src[i - 2] == '-' && f->src[i - 1] == '>';
    int rc = pt__bind_receiver(f, from, ref.scope, &ref);
    f->at = 0;
    if (rc)
      return rc;
  }
  if (kind == PT_REF_TYPE && f->lang == PT_LANG_CPP) {
    int rc = cpp_field_ref(f, n, &ref);
    if (rc)
      return rc;
  }
  if (kind == PT_REF_CALL && (f->lang == PT_LANG_C ||
                              f->lang == PT_LANG_JAVA ||
                              f->lang == PT_LANG_CSHARP))
    ref.arity = call_arity(f, n, f->lang);
  else if (kind == PT_REF_CALL && f->lang == PT_LANG_SWIFT)
    ref.arity = swift_arity(f, n);
  if ((kind == PT_REF_CALL || kind == PT_REF_NEW) && f->lang == PT_LANG_CPP) {
    TSNode args = pt__cpp_call_args(f, n, kind, &ref.arity, &ref.is_base_init);
    int rc = ref.arity > 1 ? pt__cpp_arg_types(f, args, from, &ref.arg_types)
                           : 0;
    if (rc)
      return rc;
  }
  ref.from_entity = from;
  ref.from_key = from >= 0 ? f->cands[from].key : f->file_key;
  return push_ref(f, &ref, cap);
}

int pt__extract_refs(pt_xfile *f)
{
  size_t cap = 0;
  pt__bind_nest(f);
  int rc = pt__bind_index_build(f);
  for (size_t i = 0; rc == 0 && i < f->n_pending; i++) {
    const pt_pending_ref *p = &f->pending[i];
    /* the parents of the reference's nodes (call arity, C++ arguments)
     * are found from its match's start node, a few levels up */
    f->match_root = p->match_root;
    /* its end, read during the walk while the node was cached */
    TSQueryCapture self = {p->node, 0};
    pt_cap_up self_up;
    memset(&self_up.parent, 0, sizeof self_up.parent); /* not known */
    self_up.end = p->end;
    f->known = &self;
    f->known_ups = &self_up;
    f->n_known = 1;
    if (p->kind == PT_REF_CALL && !p->scope && is_shadowed(f, p->node))
      continue; /* a call through a value, no definition's */
    rc = add_ref(f, p->node, p->kind, p->scope, p->module, p->via, &cap);
  }
  memset(&f->match_root, 0, sizeof f->match_root);
  f->n_known = 0;
  return rc;
}

static int cmp_u32_pair(const void *a, const void *b)
{
  const uint32_t *x = a, *y = b;
  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Words in the union of [start, end) byte ranges (sorted in place). */
static uint64_t words_in_ranges(const char *src, uint32_t *ranges, size_t n_pairs)
{
  uint64_t words = 0;
  if (n_pairs > 1)
    qsort(ranges, n_pairs, 2 * sizeof *ranges, cmp_u32_pair);
  uint32_t cur_a = 0, cur_b = 0;
  int open = 0;
  for (size_t i = 0; i < n_pairs; i++) {
    uint32_t a = ranges[2 * i], b = ranges[2 * i + 1];
    if (open && a <= cur_b) {
      if (b > cur_b)
        cur_b = b;
      continue;
    }
    if (open)
      words += pt__count_words(src + cur_a, cur_b - cur_a);
    cur_a = a;
    cur_b = b;
    open = 1;
  }
  if (open)
    words += pt__count_words(src + cur_a, cur_b - cur_a);
  return words;
}

/* Words of the comments among the root's children (f->tops). */
static uint64_t comment_words(pt_xfile *f)
{
  const char *const *kinds = pt_grammar_get(f->grammar)->comment_kinds;
  uint64_t words = 0;
  for (size_t i = 0; i < f->n_tops; i++) {
    TSNode c = f->tops[i];
    const char *type = ts_node_type(c);
    for (int k = 0; kinds[k]; k++)
      if (strcmp(type, kinds[k]) == 0) {
        uint32_t a = ts_node_start_byte(c);
        words += pt__count_words(f->src + a, ts_node_end_byte(c) - a);
        break;
      }
  }
  return words;
}

static int entity_words(pt_xfile *f, uint64_t *out)
{
  size_t n = 0;
  uint32_t *ranges = pt_malloc((f->n_cands + 1) * 2 * sizeof *ranges);
  if (!ranges)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  for (size_t i = 0; i < f->n_cands; i++) {
    const pt_cand *c = &f->cands[i];
    if (c->test_reason)
      continue;
    ranges[2 * n] = f->line_starts[c->line_start - 1];
    ranges[2 * n + 1] = c->line_end < f->n_lines ? f->line_starts[c->line_end]
                                                 : (uint32_t)f->len;
    n++;
  }
  *out = words_in_ranges(f->src, ranges, n);
  pt_free(ranges);
  return 0;
}

int pt__extract_words(pt_xfile *f)
{
  pt_file_record *rec = &f->r->file;
  char hash[65];
  pt_sha256_hex(f->src, f->len, hash);
  rec->path = f->path;
  rec->content_hash = pt_arena_strdup(&f->r->arena, hash);
  rec->lang = f->lang;
  rec->size = f->len;
  rec->n_entities = (uint32_t)f->r->n_entities;
  rec->n_tests = (uint32_t)f->r->n_tests;
  rec->source_words = pt__count_words(f->src, f->len);
  rec->comment_words = comment_words(f);
  rec->import_words = words_in_ranges(f->src, f->import_ranges, f->n_import / 2);
  if (!rec->content_hash)
    return PT_ERR(PT_ENOMEM, "out of memory");
  return entity_words(f, &rec->entity_words);
}

/* ---- receiver types ----------------------------------------------------- */

/* Where fields live: methods of these read self's fields. */
static int is_type_like(pt_kind k)
{
  return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
         k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_IMPL;
}

/* Languages where a bare name inside a method may be one of its fields. */
static int has_implicit_this(pt_lang l)
{
  return l == PT_LANG_JAVA || l == PT_LANG_CSHARP || l == PT_LANG_CPP ||
         l == PT_LANG_SWIFT;
}

static const char *const field_prefixes[] = {"self.", "this.", "this->",
                                             "$this->", "@", NULL};

static int is_ident_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || (c & 0x80);
}

/* The name of a type as written, in place: "&mut Vec<T>" -> "Vec",
 * "*strings.Builder" -> "strings.Builder", "Foo?" -> "Foo",
 * "java.util.Map<K, V>" -> "java.util.Map". NULL for what names no one
 * type: "[]T", "(A, B)", "A | B", "var", "auto". */
static char *type_name(char *s)
{
  static const char *const sigils[] = {
    "&", "*", "?", "^", "\\", "'", "\"", "mut ", "const ", "dyn ", "impl ",
    "ref ", "struct ", "class ", "enum ", "typename ", "readonly ", NULL};
  if (!s || strchr(s, '|'))
    return NULL;
  for (int again = 1; again;) {
    again = 0;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
      s++;
    for (int i = 0; sigils[i]; i++)
      if (strncmp(s, sigils[i], strlen(sigils[i])) == 0) {
        s += strlen(sigils[i]);
        again = 1;
      }
  }
  /* TypeScript's Partial<T>, Readonly<T>, ...: T's members */
  static const char *const wrappers[] = {"Partial<", "Readonly<", "Required<",
                                         "NonNullable<", NULL};
  for (int i = 0; wrappers[i]; i++)
    if (strncmp(s, wrappers[i], strlen(wrappers[i])) == 0) {
      s += strlen(wrappers[i]);
      while (*s == ' ')
        s++;
      break;
    }
  char *e = s;
  while (is_ident_char(*e) || *e == '.' || *e == ':' || *e == '\\')
    e++;
  *e = '\0';
  while (e > s && (e[-1] == '.' || e[-1] == ':' || e[-1] == '\\'))
    *--e = '\0';
  static const char *const no_type[] = {"var", "auto", "let", "dynamic", "_",
                                        "Any", "any", NULL};
  for (int i = 0; no_type[i]; i++)
    if (strcmp(s, no_type[i]) == 0)
      return NULL;
  return *s && !(*s >= '0' && *s <= '9') ? s : NULL;
}

/* A TypeScript parameter property: `private x: T`, `readonly x: T` in a
 * constructor's parameters also declares the field x. */
static int is_param_property(const pt_xfile *f, TSNode var)
{
  TSNode p = pt__node_parent(f, var);
  if (ts_node_is_null(p) || (strcmp(ts_node_type(p), "required_parameter") != 0 &&
                             strcmp(ts_node_type(p), "optional_parameter") != 0))
    return 0;
  uint32_t n = ts_node_child_count(p);
  for (uint32_t i = 0; i < n; i++) {
    const char *t = ts_node_type(ts_node_child(p, i));
    if (!strcmp(t, "accessibility_modifier") || !strcmp(t, "readonly") ||
        !strcmp(t, "override_modifier"))
      return 1;
  }
  return 0;
}

/* Go: the element type of a slice, array or map type as written ("[]T",
 * "[4]*T", "map[K]T"), in place; NULL for any other type. */
static char *go_element(char *s)
{
  if (strncmp(s, "map[", 4) == 0)
    s += 3;
  else if (*s != '[')
    return NULL;
  for (int depth = 0; *s; s++) {
    depth += *s == '[';
    depth -= *s == ']';
    if (depth == 0)
      return s + 1;
  }
  return NULL;
}

/* C++: whether a type name (generics cut) is std::unique_ptr or
 * std::shared_ptr. */
static int is_smart_name(const char *t)
{
  if (strncmp(t, "std::", 5) == 0)
    t += 5;
  return !strcmp(t, "unique_ptr") || !strcmp(t, "shared_ptr");
}

/* C++: the type T that a std::unique_ptr<T> or std::shared_ptr<T> written
 * at s points at, in place, and whether T is written const (*is_const);
 * NULL for any other type. */
static char *cpp_smart(char *s, int *is_const)
{
  char *open = s ? strchr(s, '<') : NULL;
  if (!open)
    return NULL;
  char *a = open + 1, *e = a;
  while (*a == ' ')
    a++;
  *is_const = strncmp(a, "const ", 6) == 0;
  for (int depth = 0; *e && !(depth == 0 && (*e == '>' || *e == ',')); e++)
    depth += (*e == '<') - (*e == '>');
  if (!*e)
    return NULL;
  *e = '\0';
  return type_name(a);
}

/* C++: whether the object a declaration binds is const (a const beside
 * its type: `const T *p`, `T const &r`, not `T *const p`) and whether it
 * is the object itself (no pointer or reference declarator). */
static void cpp_qualifiers(TSNode var, TSNode type, pt_binding *b)
{
  TSNode decl = ts_node_parent(type);
  uint32_t n = ts_node_is_null(decl) ? 0 : ts_node_child_count(decl);
  for (uint32_t i = 0; i < n; i++) {
    TSNode k = ts_node_child(decl, i);
    if (strcmp(ts_node_type(k), "type_qualifier") == 0 &&
        ts_node_end_byte(k) - ts_node_start_byte(k) == 5 &&
        strcmp(ts_node_type(ts_node_child(k, 0)), "const") == 0)
      b->is_const = 1;
  }
  const char *t = ts_node_type(var); /* the declarator the query took */
  b->is_value = strcmp(t, "pointer_declarator") != 0 &&
                strcmp(t, "reference_declarator") != 0;
}

int pt__bind_collect(pt_xfile *f, TSNode var, TSNode type, pt_recv_how how)
{
  char *v = pt__trim_text(pt__node_text(f, var), 0);
  char *t = pt__node_text(f, type);
  if (!t || (!v && pt__node_end(f, var) > ts_node_start_byte(var)))
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  /* xs []T binds "xs[]" to T: what xs[i] is (go_indexed); x in
   * `for _, x := range xs` is bound to "xs[]" itself, read through it */
  char *elem = f->lang == PT_LANG_GO ? go_element(t) : NULL;
  int ranged = f->lang == PT_LANG_GO &&
               strcmp(ts_node_type(ts_node_parent(type)), "range_clause") == 0;
  if (ranged) {
    size_t n = strlen(t);
    char *r = pt_arena_alloc(&f->r->arena, n + 3);
    if (!r)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    memcpy(r, t, n);
    memcpy(r + n, "[]", 3);
    t = r;
  } else if (f->lang != PT_LANG_GO || how != PT_RECV_CALLED ||
             strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_.") == strlen(t)) {
    t = type_name(elem ? elem : t);
  } /* else x := T{}.M(), x := xs[i].M(): the callee as written, which
     * go_receiver reads (never "T", whose methods M's result need not have) */
  int smart_const = -1;
  if (f->lang == PT_LANG_CPP && t && is_smart_name(t)) {
    char *raw = pt__node_text(f, type);
    if (!raw)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    if (!(t = cpp_smart(raw, &smart_const)))
      smart_const = -1;
  }
  /* C++ keeps `auto x` too, of no type: a local that hides a field */
  if (!v || (!t && f->lang != PT_LANG_CPP))
    return 0;
  int is_field = 0;
  for (int more = 1; more;) { /* C++ T *p, T &r, T *const p */
    while (*v == '*' || *v == '&' || *v == ' ')
      v++;
    more = strncmp(v, "const ", 6) == 0;
    v += more ? 6 : 0;
  }
  for (int i = 0; field_prefixes[i]; i++)
    if (strncmp(v, field_prefixes[i], strlen(field_prefixes[i])) == 0) {
      v += strlen(field_prefixes[i]);
      is_field = 1;
      break;
    }
  if (*v == '$') /* PHP: $x is read as the receiver x, $this->x as x */
    v++;
  for (const char *p = v; *p; p++)
    if (!is_ident_char(*p))
      return 0; /* a.b = T(): not a name this file can look up */
  if (elem) {
    size_t n = strlen(v);
    char *e = pt_arena_alloc(&f->r->arena, n + 3);
    if (!e)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    memcpy(e, v, n);
    memcpy(e + n, "[]", 3);
    v = e;
  }
  int rc = pt_array_grow((void **)&f->binds, &f->cap_binds, f->n_binds + 1,
                         sizeof *f->binds);
  if (rc)
    return rc;
  pt_binding b = {var, v, t, how, is_field, -2, 0, 0, 0};
  if (f->lang == PT_LANG_CPP)
    cpp_qualifiers(var, type, &b);
  if (smart_const >= 0) {
    b.is_smart = 1;
    b.is_value = 0;
    b.is_const = (uint8_t)smart_const;
  }
  f->binds[f->n_binds++] = b;
  if (is_field || !is_param_property(f, var))
    return 0;
  /* constructor(private readonly cbs: T): a parameter and a field */
  rc = pt_array_grow((void **)&f->binds, &f->cap_binds, f->n_binds + 1,
                     sizeof *f->binds);
  if (rc == 0) {
    b.is_field = 1;
    f->binds[f->n_binds++] = b;
  }
  return rc;
}

int pt__bind_local(pt_xfile *f, TSNode var)
{
  /* const f = () => {} is a definition, not a value a call goes through */
  TSNode p = pt__node_parent(f, var);
  if (!ts_node_is_null(p) && strcmp(ts_node_type(p), "variable_declarator") == 0) {
    TSNode v = pt__query_field(f->query, p, PT_FIELD_VALUE);
    const char *t = ts_node_is_null(v) ? "" : ts_node_type(v);
    if (!strcmp(t, "arrow_function") || !strcmp(t, "function_expression") ||
        !strcmp(t, "function") || !strcmp(t, "generator_function") ||
        !strcmp(t, "class"))
      return 0;
  }
  char *v = pt__trim_text(pt__node_text(f, var), 0);
  if (!v)
    return pt__node_end(f, var) > ts_node_start_byte(var)
               ? PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path)
               : 0;
  int rc = pt_array_grow((void **)&f->binds, &f->cap_binds, f->n_binds + 1,
                         sizeof *f->binds);
  if (rc)
    return rc;
  pt_binding b = {var, v, NULL, PT_RECV_UNKNOWN, 0, -2, 0, 0, 0};
  f->binds[f->n_binds++] = b;
  return 0;
}

/* Is the bare call of name node `call` a call of a parameter or local
 * variable of the function it is written in or of one around it (not of
 * the file: a module's variable may hold what an import gave)? */
static int is_shadowed(const pt_xfile *f, TSNode call)
{
  uint32_t a0 = ts_node_start_byte(call), a1 = pt__node_end(f, call);
  if (a1 <= a0 || !shadows_calls(f->lang))
    return 0;
  for (int a = pt__innermost(f, a0); a >= 0; a = f->cands[a].parent) {
    pt_kind k = f->cands[a].kind;
    if (k != PT_KIND_FUNCTION && k != PT_KIND_METHOD)
      return 0;
    if (pt__bind_first_local(f, a, f->src + a0, a1 - a0) != SIZE_MAX)
      return 1;
  }
  return 0;
}

/* The nearest type-like candidate at or above c, or -1. */
static int enclosing_type(const pt_xfile *f, int c)
{
  while (c >= 0 && !is_type_like(f->cands[c].kind))
    c = f->cands[c].parent;
  return c;
}

void pt__bind_nest(pt_xfile *f)
{
  for (size_t i = 0; i < f->n_binds; i++) {
    pt_binding *b = &f->binds[i];
    int in = pt__innermost(f, ts_node_start_byte(b->var));
    if (b->is_field) {
      b->owner = enclosing_type(f, in);
      if (b->owner < 0)
        b->owner = -2; /* self.x outside any type: never looked up */
    } else if (in >= 0 && is_type_like(f->cands[in].kind)) {
      b->is_field = 1;
      b->owner = in;
    } else {
      b->owner = in;
    }
  }
}

/* The bindings that match decide together: declared types win over
 * initialisers, and the ones that decide must all name the same type. */
typedef struct verdict {
  const pt_binding *declared, *other;
  int declared_conflict, other_conflict;
} verdict;

static void consider(verdict *v, const pt_binding *b)
{
  const pt_binding **slot = b->how == PT_RECV_DECLARED ? &v->declared : &v->other;
  int *conflict = b->how == PT_RECV_DECLARED ? &v->declared_conflict
                                             : &v->other_conflict;
  if (!*slot)
    *slot = b;
  else if (strcmp((*slot)->type, b->type) != 0 || (*slot)->how != b->how)
    *conflict = 1;
}

/* 1 with *out set when the verdict names one type, 0 when it names none,
 * -1 when it names several. */
static int decide(const verdict *v, const pt_binding **out)
{
  if (v->declared) {
    *out = v->declared;
    return v->declared_conflict ? -1 : 1;
  }
  *out = v->other;
  return !v->other ? 0 : v->other_conflict ? -1 : 1;
}

/* A local of candidate `owner` (or of the file, owner -1). */
/* C++: whether binding b is in view at f->at (declared before it, in a
 * block, statement or function holding it); *scope: where that starts. */
static int in_view(const pt_xfile *f, const pt_binding *b, uint32_t *scope)
{
  static const char *const scopes[] = {
    "compound_statement", "for_statement", "for_range_loop", "if_statement",
    "while_statement", "switch_statement", "catch_clause", "lambda_expression",
    "function_definition", "translation_unit", NULL};
  if (ts_node_start_byte(b->var) >= f->at)
    return 0;
  for (TSNode n = pt__node_parent(f, b->var); !ts_node_is_null(n);
       n = pt__node_parent(f, n)) {
    const char *t = ts_node_type(n);
    for (int i = 0; scopes[i]; i++)
      if (strcmp(t, scopes[i]) == 0) {
        *scope = ts_node_start_byte(n);
        return f->at < ts_node_end_byte(n);
      }
  }
  return 0;
}

/* A local of candidate `owner` (or of the file, owner -1); in C++ only
 * those in view at f->at, the innermost block's hiding the others. Where
 * no block decides, the verdict is the chain's alone and is kept for the
 * next lookup of it: a generated file's many member calls on a name bound
 * many times at its top read that long chain once. */
static int find_local(const pt_xfile *f, int owner, const char *name,
                      const pt_binding **out)
{
  verdict v = {0};
  int scoped = f->lang == PT_LANG_CPP && f->at > 0;
  uint32_t inner = 0, s = 0;
  size_t first = pt__bind_first_local(f, owner, name, strlen(name));
  pt_bind_memo *memo = first != SIZE_MAX && !scoped ? pt__bind_memo(f, first)
                                                    : NULL;
  if (memo && memo->state) {
    *out = memo->out;
    return memo->state - 2;
  }
  for (int pass = scoped ? 0 : 1; pass < 2; pass++)
    for (size_t i = first; i != SIZE_MAX; i = pt__bind_next(f, i)) {
      const pt_binding *b = &f->binds[i];
      if (b->is_field || !b->type || b->owner != owner ||
          strcmp(b->name, name) != 0 || (scoped && !in_view(f, b, &s)))
        continue;
      if (pass == 0 && s > inner)
        inner = s;
      else if (pass == 1 && (!scoped || s == inner))
        consider(&v, b);
    }
  int rc = decide(&v, out);
  if (memo)
    *memo = (pt_bind_memo){*out, rc + 2};
  return rc;
}

/* A field of the types of this file named type_name (a Rust struct and
 * its impl blocks, a class split over partial declarations). */
static int find_field(const pt_xfile *f, const char *type_name,
                      const char *name, const pt_binding **out)
{
  const char *last = type_name;
  for (const char *p = type_name; *p; p++)
    if (*p == '.' || *p == ':' || *p == '\\')
      last = p + 1;
  verdict v = {0};
  for (size_t i = pt__bind_first_field(f, name, strlen(name)); i != SIZE_MAX;
       i = pt__bind_next(f, i)) {
    const pt_binding *b = &f->binds[i];
    if (b->is_field && b->type && b->owner >= 0 && strcmp(b->name, name) == 0 &&
        strcmp(f->cands[b->owner].name, last) == 0)
      consider(&v, b);
  }
  return decide(&v, out);
}

/* The variable `name` as seen from candidate `from`: a local of from or of
 * an enclosing function, a global of the file, then (where the language
 * reads bare names as fields) a field of the enclosing type. */
static int find_variable(const pt_xfile *f, int from, const char *name,
                         const pt_binding **out)
{
  int a = from, rc = 0;
  while (rc == 0 && a >= 0 && !is_type_like(f->cands[a].kind)) {
    rc = find_local(f, a, name, out);
    a = f->cands[a].parent;
  }
  if (rc == 0)
    rc = find_local(f, -1, name, out);
  int t = enclosing_type(f, from);
  if (rc == 0 && t >= 0 && has_implicit_this(f->lang))
    rc = find_field(f, f->cands[t].name, name, out);
  return rc;
}

int pt__bind_find(const pt_xfile *f, int from, const char *name,
                  const pt_binding **out)
{
  return find_variable(f, from, name, out);
}

static int cpp_const_member(const pt_xfile *f, int c);

const char *pt__bind_this(const pt_xfile *f, int from, int *is_const)
{
  int t = enclosing_type(f, from);
  const char *name = t >= 0 ? f->cands[t].name : NULL;
  if (!name && from >= 0 && f->cands[from].kind == PT_KIND_METHOD &&
      f->cands[from].scope) { /* A::f written outside A */
    name = f->cands[from].scope;
    for (const char *p = name; *p; p++)
      if (p[0] == ':' && p[1] == ':')
        name = p + 2;
  }
  *is_const = cpp_const_member(f, from);
  return name && *name ? name : NULL;
}

static int is_self(const char *s, size_t n)
{
  static const char *const words[] = {"self", "this", "$this", "Self", NULL};
  for (int i = 0; words[i]; i++)
    if (strlen(words[i]) == n && strncmp(s, words[i], n) == 0)
      return 1;
  return 0;
}

/* The next segment of a receiver "a.b->c": its length, and the separator's
 * after it in *sep (0 at the end); -1 when the text is more than names and
 * separators (a call, an index, a cast). */
static int segment(const char *s, size_t *sep)
{
  size_t n = 0;
  while (is_ident_char(s[n]) || (n == 0 && s[n] == '@'))
    n++;
  if (n == 0)
    return -1;
  size_t opt = (s[n] == '?' || s[n] == '!') && (s[n + 1] == '\0' || s[n + 1] == '.');
  if (s[n + opt] == '\0')
    *sep = 0;
  else if (s[n + opt] == '.')
    *sep = 1 + opt;
  else if ((s[n] == '-' && s[n + 1] == '>') || (s[n] == '?' && s[n + 1] == '.'))
    *sep = 2;
  else
    return -1;
  return (int)n;
}

/* A receiver that constructs its object: new T(..), T(..), T::new(..),
 * T.new, T{..}, &T{..}: sets the type and how and returns 1; 0 for any
 * other receiver; PT_ENOMEM. */
static int constructed(pt_xfile *f, const char *scope, pt_raw_ref *ref)
{
  pt_recv_how how = PT_RECV_CALLED;
  const char *s = scope;
  if (strncmp(s, "new ", 4) == 0) {
    s += 4;
    how = PT_RECV_CONSTRUCTED;
  }
  while (*s == '&')
    s++;
  const char *e = s;
  while (is_ident_char(*e) || *e == '.' || *e == ':' || *e == '\\')
    e++;
  size_t n = (size_t)(e - s);
  if (n == 0)
    return 0;
  if (*e == '(' || *e == '{') {
    char open = *e, close = open == '(' ? ')' : '}';
    int depth = 0;
    const char *p = e;
    for (; *p; p++) {
      depth += *p == open;
      depth -= *p == close;
      if (depth == 0)
        break;
    }
    if (!*p || p[1] != '\0')
      return 0; /* a chain: T(..).m(..) */
    if (open == '{')
      how = PT_RECV_CONSTRUCTED;
  } else if (!(n > 4 && strcmp(e - 4, ".new") == 0 && *e == '\0')) {
    return 0;
  }
  if (n > 5 && strncmp(e - 5, "::new", 5) == 0) {
    n -= 5;
    how = PT_RECV_CONSTRUCTED;
  } else if (n > 4 && strncmp(e - 4, ".new", 4) == 0) {
    n -= 4;
    how = PT_RECV_CONSTRUCTED;
  }
  char *t = pt_arena_alloc(&f->r->arena, n + 1);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memcpy(t, s, n);
  t[n] = '\0';
  ref->recv_type = t;
  ref->recv_how = (uint8_t)how;
  return 1;
}

/* x.m(..).n(): the receiver is what method m of x's type returns, when
 * x's type is known (one step: the callee "T.m" is resolved and its
 * declared result taken, as for x = NewT()). 0, or PT_ENOMEM. */
static int chained(pt_xfile *f, int from, pt_raw_ref *ref)
{
  const char *callee = ref->recv_type, *dot = strrchr(callee, '.');
  if (!dot || dot == callee ||
      (f->lang != PT_LANG_TYPESCRIPT && f->lang != PT_LANG_PYTHON))
    return 0;
  size_t xl = (size_t)(dot - callee);
  char x[128];
  if (xl >= sizeof x)
    return 0;
  memcpy(x, callee, xl);
  x[xl] = '\0';
  const char *type = NULL;
  pt_raw_ref inner;
  memset(&inner, 0, sizeof inner);
  if (is_self(x, xl)) {
    int t = enclosing_type(f, from);
    type = t >= 0 ? f->cands[t].name : NULL;
  } else {
    int rc = pt__bind_receiver(f, from, x, &inner);
    if (rc)
      return rc;
    if (inner.recv_how != PT_RECV_CALLED)
      type = inner.recv_type;
  }
  if (!type)
    return 0; /* pkg.NewT(): the qualifier may name a module */
  size_t tl = strlen(type), ml = strlen(dot);
  char *t = pt_arena_alloc(&f->r->arena, tl + ml + 1);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memcpy(t, type, tl);
  memcpy(t + tl, dot, ml + 1);
  ref->recv_type = t;
  return 0;
}

/* ---- Go receivers ------------------------------------------------------- */

/* How many bindings one Go receiver follows through one another (v :=
 * v.Next() and for _, t := range t.f name themselves). */
#define GO_CHAIN_DEPTH 4

static int go_receiver(pt_xfile *f, int from, const char *scope,
                       pt_raw_ref *ref, int depth);

/* Go: the top-level candidate of this file named name of kind k, or -1
 * (a package's top-level names are unique, so one written here is the
 * one a bare name means). */
static int go_local(const pt_xfile *f, const char *name, pt_kind k)
{
  for (size_t i = 0; i < f->n_cands; i++)
    if (f->cands[i].parent < 0 && f->cands[i].kind == k &&
        f->cands[i].signature && strcmp(f->cands[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* The type name written at s ("*pkg.T" -> "pkg.T") into the arena, in
 * *out; NULL when none is written plainly there (a slice, a generic
 * instance). 0, or PT_ENOMEM. */
static int go_type_at(pt_xfile *f, const char *s, const char **out)
{
  while (*s == '*')
    s++;
  size_t n = 0;
  while (is_ident_char(s[n]) || s[n] == '.')
    n++;
  *out = NULL;
  if (n == 0 || s[n] == '[' || s[n - 1] == '.')
    return 0;
  *out = pt_arena_strndup(&f->r->arena, s, n);
  return *out ? 0 : PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
}

/* Go: the element type the declaration of this file's named type T
 * writes (`type T []E`, `type T map[K]*E`, `type T [4]E`) in *out, or
 * NULL. 0, or PT_ENOMEM. */
static int go_local_element(pt_xfile *f, const char *t, const char **out)
{
  int c = strchr(t, '.') ? -1 : go_local(f, t, PT_KIND_TYPEDEF);
  const char *s = c < 0 ? "" : f->cands[c].signature;
  size_t nl = strlen(t);
  *out = NULL;
  if (strncmp(s, t, nl) != 0 || s[nl] != ' ')
    return 0;
  s += nl + 1;
  if (strncmp(s, "map[", 4) == 0)
    s += 3;
  if (*s != '[')
    return 0;
  for (int depth = 0; *s; s++) {
    depth += *s == '[';
    depth -= *s == ']';
    if (depth == 0)
      break;
  }
  return *s ? go_type_at(f, s + 1, out) : 0;
}

/* Go: the first result the declaration of this file's function F writes
 * (`func F(..) *T`, `func F(..) (T, error)`, `func F(..) (out T)`) in
 * *out, or NULL. 0, or PT_ENOMEM. */
static int go_local_result(pt_xfile *f, const char *fn, const char **out)
{
  int c = strchr(fn, '.') ? -1 : go_local(f, fn, PT_KIND_FUNCTION);
  const char *s = c < 0 ? NULL : strstr(f->cands[c].signature, fn);
  *out = NULL;
  if (!s || s[strlen(fn)] != '(')
    return 0;
  s += strlen(fn);
  for (int depth = 0; *s; s++) {
    depth += *s == '(';
    depth -= *s == ')';
    if (depth == 0)
      break;
  }
  if (!*s)
    return 0;
  for (s++; *s == ' '; s++)
    ;
  if (*s != '(')
    return go_type_at(f, s, out);
  /* a list: the first group's type, after a name when results are named */
  const char *first = ++s;
  for (;;) {
    size_t n = 0;
    while (is_ident_char(s[n]))
      n++;
    if (n && s[n] == ' ')
      return go_type_at(f, s + n + 1, out);
    if (!n || s[n] != ',')
      return go_type_at(f, first, out);
    for (s += n + 1; *s == ' '; s++)
      ;
  }
}

/* Go: the element type of the named type t: read from its declaration
 * when this file writes it, else "t[]" for the resolver, which reads it
 * there (`type Path []PathStep`). 0, or PT_ENOMEM. */
static int go_named_element(pt_xfile *f, const char *t, const char **type)
{
  int rc = go_local_element(f, t, type);
  if (rc || *type)
    return rc;
  size_t tl = strlen(t);
  char *e = pt_arena_alloc(&f->r->arena, tl + 3);
  if (!e)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memcpy(e, t, tl);
  memcpy(e + tl, "[]", 3);
  *type = e;
  return 0;
}

/* Go: an element of the field x.f (name "x.f", dot at its '.'), when this
 * file writes x's type and f's: f's element type ("f[]", bound by
 * pt__bind_collect) or that of f's named type. 0, or PT_ENOMEM. */
static int go_field_element(pt_xfile *f, int from, char *name, char *dot,
                            const char **type, uint8_t *how, int depth)
{
  pt_raw_ref x;
  const pt_binding *b = NULL;
  char field[128];
  memset(&x, 0, sizeof x);
  *dot = '\0';
  int rc = go_receiver(f, from, name, &x, depth + 1);
  size_t fl = strlen(dot + 1);
  if (rc || !x.recv_type || x.recv_how == PT_RECV_CALLED || fl + 3 > sizeof field ||
      strchr(x.recv_type, '.') || strchr(x.recv_type, '['))
    return rc;
  memcpy(field, dot + 1, fl);
  memcpy(field + fl, "[]", 3);
  if (find_field(f, x.recv_type, field, &b) == 1) {
    *type = b->type;
    *how = (uint8_t)b->how;
    return 0;
  }
  if (find_field(f, x.recv_type, dot + 1, &b) != 1 || strchr(b->type, '['))
    return 0;
  *how = PT_RECV_DECLARED;
  return go_named_element(f, b->type, type);
}

/* Go: the element of xs ("xs[]") where xs has no element type of its own
 * (pt__bind_collect): the element of the named type xs is declared with
 * (go_named_element). *type stays NULL when xs's type is not written
 * either. 0, or PT_ENOMEM. */
static int go_element_of(pt_xfile *f, int from, const char *elem,
                         const char **type, uint8_t *how, int depth)
{
  char name[128];
  size_t n = strlen(elem) - 2;
  const pt_binding *b = NULL;
  *type = NULL;
  if (n >= sizeof name)
    return 0;
  memcpy(name, elem, n);
  name[n] = '\0';
  char *dot = strrchr(name, '.');
  if (dot) /* range x.f: the field f of x's type */
    return go_field_element(f, from, name, dot, type, how, depth);
  if (find_variable(f, from, name, &b) != 1 || b->how == PT_RECV_CALLED ||
      strchr(b->type, '['))
    return 0;
  *how = PT_RECV_DECLARED;
  return go_named_element(f, b->type, type);
}

/* Go: xs[i], an element of a slice, array or map variable xs: the type
 * "xs[]" is bound to (pt__bind_collect), or go_element_of's. 1 when scope
 * is such an index, or PT_ENOMEM. */
static int go_indexed(pt_xfile *f, int from, const char *scope,
                      pt_raw_ref *ref, int depth)
{
  const char *open = strchr(scope, '[');
  size_t n = open ? (size_t)(open - scope) : 0;
  char name[128];
  if (!open || n == 0 || n + 3 > sizeof name)
    return 0;
  int nest = 0;
  const char *p = open;
  for (; *p; p++) {
    nest += *p == '[';
    nest -= *p == ']';
    if (nest == 0)
      break;
  }
  if (!*p || p[1] != '\0')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!is_ident_char(scope[i]))
      return 0;
  memcpy(name, scope, n);
  memcpy(name + n, "[]", 3);
  const pt_binding *b = NULL;
  if (find_variable(f, from, name, &b) == 1) {
    ref->recv_type = b->type;
    ref->recv_how = (uint8_t)b->how;
    return 1;
  }
  const char *type;
  uint8_t how = 0;
  int rc = go_element_of(f, from, name, &type, &how, depth);
  if (rc == 0 && type) {
    ref->recv_type = type;
    ref->recv_how = how;
  }
  return rc < 0 ? rc : 1;
}

/* "(x)" -> "x" into buf when the parentheses hold the whole receiver
 * ((&T{...}).M()); scope itself otherwise; NULL when it does not fit. */
static const char *go_unparen(const char *scope, char *buf, size_t cap)
{
  size_t n = strlen(scope);
  if (n < 2 || scope[0] != '(' || scope[n - 1] != ')')
    return scope;
  int depth = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    depth += scope[i] == '(';
    depth -= scope[i] == ')';
    if (depth == 0)
      return scope; /* (*T)(x): a conversion */
  }
  if (n - 2 >= cap)
    return NULL;
  memcpy(buf, scope + 1, n - 2);
  buf[n - 2] = '\0';
  return buf;
}

/* A receiver made by a call, "x.M" (x.M() or v := x.M()): when x's type T
 * is known, the callee "T.M", whose declared result the resolver takes;
 * "pkg.F" stays as it is (pkg names no variable). 0, or PT_ENOMEM. */
static int go_chained(pt_xfile *f, int from, pt_raw_ref *ref, int depth)
{
  const char *callee = ref->recv_type, *dot = strrchr(callee, '.');
  if (!dot || dot == callee || depth >= GO_CHAIN_DEPTH)
    return 0;
  size_t xl = (size_t)(dot - callee);
  char x[256];
  if (xl >= sizeof x)
    return 0;
  memcpy(x, callee, xl);
  x[xl] = '\0';
  pt_raw_ref inner;
  memset(&inner, 0, sizeof inner);
  int rc = go_receiver(f, from, x, &inner, depth + 1);
  if (rc || !inner.recv_type || inner.recv_how == PT_RECV_CALLED)
    return rc;
  size_t tl = strlen(inner.recv_type), ml = strlen(dot);
  char *t = pt_arena_alloc(&f->r->arena, tl + ml + 1);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memcpy(t, inner.recv_type, tl);
  memcpy(t + tl, dot, ml + 1);
  ref->recv_type = t;
  return 0;
}

/* A receiver that is a call constructed() does not take, C(...) with C
 * itself more than names (T{}.M(...), xs[i].M(...), a.B().C(...)): the
 * callee C as written, CALLED, and 1; 0 for any other receiver;
 * PT_ENOMEM. */
static int go_call_result(pt_xfile *f, const char *scope, pt_raw_ref *ref)
{
  size_t n = strlen(scope), open = n;
  if (n < 3 || scope[n - 1] != ')')
    return 0;
  for (int depth = 0; open-- > 0;) {
    depth += scope[open] == ')';
    depth -= scope[open] == '(';
    if (depth == 0)
      break;
  }
  if (open == 0 || open == (size_t)-1 || scope[open - 1] == '.' ||
      !is_ident_char(scope[open - 1]))
    return 0;
  char *c = pt_arena_strndup(&f->r->arena, scope, open);
  if (!c)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  ref->recv_type = c;
  ref->recv_how = PT_RECV_CALLED;
  return 1;
}

/* The first segment of a Go receiver, a variable: its type and how. A
 * range variable is an element of the ranged one. 0 with *type NULL when
 * nothing says, or PT_ENOMEM. */
static int go_variable(pt_xfile *f, int from, const char *name,
                       const char **type, uint8_t *how, int depth)
{
  const pt_binding *b = NULL;
  *type = NULL;
  if (find_variable(f, from, name, &b) != 1)
    return 0;
  size_t tl = strlen(b->type);
  if (tl > 2 && strcmp(b->type + tl - 2, "[]") == 0) {
    const char *ranged = b->type;
    if (find_variable(f, from, ranged, &b) != 1)
      return go_element_of(f, from, ranged, type, how, depth);
  }
  *type = b->type;
  *how = (uint8_t)b->how;
  return 0;
}

/* Go's receivers: a method's receiver is a parameter like any other (a
 * receiver named self or this is no keyword), x.f.g walks the fields of
 * the types written in this file, and a receiver made by a call is typed
 * through the callee: a function of this file by its declaration, any
 * other by the resolver (go_chained). */
static int go_receiver(pt_xfile *f, int from, const char *scope,
                       pt_raw_ref *ref, int depth)
{
  char buf[256], seg[128];
  if (depth > GO_CHAIN_DEPTH)
    return 0; /* range t := t.f names itself */
  scope = go_unparen(scope, buf, sizeof buf);
  int rc = scope ? go_indexed(f, from, scope, ref, depth) : 1;
  if (rc)
    return rc < 0 ? rc : 0;
  rc = constructed(f, scope, ref);
  if (rc == 0)
    rc = go_call_result(f, scope, ref);
  if (rc > 0 && ref->recv_how == PT_RECV_CALLED)
    return go_chained(f, from, ref, depth);
  if (rc)
    return rc < 0 ? rc : 0;
  const char *type = NULL;
  uint8_t how = 0;
  for (const char *s = scope; s;) {
    size_t sep = 0;
    int n = segment(s, &sep);
    if (n < 0 || (size_t)n >= sizeof seg || (sep && sep != 1))
      return 0;
    memcpy(seg, s, (size_t)n);
    seg[n] = '\0';
    if (s == scope) {
      if ((rc = go_variable(f, from, seg, &type, &how, depth)) != 0 || !type)
        return rc;
    } else {
      const pt_binding *b = NULL;
      const char *made = NULL;
      if (how == PT_RECV_CALLED && (rc = go_local_result(f, type, &made)) != 0)
        return rc;
      if (made) {
        type = made;
        how = PT_RECV_DECLARED;
      }
      /* pkg.T's fields are written in another package, T[]'s elsewhere */
      if (how == PT_RECV_CALLED || strchr(type, '.') || strchr(type, '[') ||
          find_field(f, type, seg, &b) != 1)
        return 0;
      type = b->type;
      how = (uint8_t)b->how;
    }
    s = sep ? s + n + sep : NULL;
  }
  ref->recv_type = type;
  ref->recv_how = how;
  return how == PT_RECV_CALLED ? go_chained(f, from, ref, depth) : 0;
}

/* C++: whether candidate c is a const member function (a const after its
 * parameters, as resolve_arity.c reads it for the resolver). */
static int cpp_const_member(const pt_xfile *f, int c)
{
  if (c < 0 || f->lang != PT_LANG_CPP || !f->cands[c].signature ||
      (f->cands[c].kind != PT_KIND_METHOD && f->cands[c].kind != PT_KIND_FUNCTION))
    return 0;
  const char *sig = f->cands[c].signature, *name = f->cands[c].name;
  size_t nl = strlen(name);
  for (const char *p = sig; nl && (p = strstr(p, name)) != NULL; p += nl) {
    const char *a = p + nl;
    if ((p > sig && is_ident_char(p[-1])) || is_ident_char(*a))
      continue;
    while (*a == ' ')
      a++;
    if (*a != '(')
      continue;
    int depth = 0;
    for (; *a; a++) {
      depth += *a == '(';
      depth -= *a == ')';
      if (depth == 0)
        break;
    }
    for (; *a && *a != '{' && *a != '=' && *a != ';' && *a != ':'; a++)
      if (strncmp(a, "const", 5) == 0 && !is_ident_char(a[5]) &&
          !is_ident_char(a[-1]))
        return 1;
    return 0;
  }
  return 0;
}

/* C++: a const object's type is written "const T" for the resolver, which
 * chooses between const twins by it, and an object (no pointer) followed
 * by -> "T>": its operator->, which a smart pointer's alias has. */
static int cpp_const_type(pt_xfile *f, const char *type, int is_const,
                          int arrow, const char **out)
{
  size_t n = strlen(type), at = is_const ? 6 : 0;
  char *t = pt_arena_alloc(&f->r->arena, n + 8);
  if (!t)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  memcpy(t, "const ", at);
  memcpy(t + at, type, n);
  memcpy(t + at + n, ">", arrow ? 2 : 1);
  t[at + n + (size_t)arrow] = '\0';
  *out = t;
  return 0;
}

/* C++: the end of the bracketed text opening at s ('(' or '<'), string
 * and character literals skipped, and (for '(') its top-level commas
 * counted into *commas; NULL when it does not close. */
static const char *cpp_close(const char *s, int *commas)
{
  char open = *s, close = open == '(' ? ')' : '>';
  int depth = 0;
  for (; *s; s++) {
    if (*s == '"' || *s == '\'') {
      char q = *s;
      for (s++; *s && *s != q; s++)
        if (*s == '\\' && s[1])
          s++;
      if (!*s)
        return NULL;
      continue;
    }
    if (*s == '(' || *s == '[' || *s == '{' || *s == open)
      depth++;
    else if (*s == ')' || *s == ']' || *s == '}' || *s == close)
      depth--;
    else if (*s == ',' && depth == 1 && commas)
      ++*commas;
    if (depth == 0)
      return s + 1;
  }
  return NULL;
}

static const char *skip_space(const char *s)
{
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  return s;
}

/* C++: appends "name/N" for a call of name (n bytes at s) whose argument
 * list opens at args, to b; the end of the list, or NULL. */
static const char *cpp_call_seg(pt_buf *b, const char *s, size_t n,
                                const char *args)
{
  int commas = 0;
  const char *end = cpp_close(args, &commas);
  if (!end)
    return NULL;
  int n_args = *skip_space(args + 1) == ')' ? 0 : commas + 1;
  if (pt_buf_put(b, s, n) || pt_buf_printf(b, "/%d", n_args))
    return NULL;
  return end;
}

/* C++: a receiver made by calls (`a->F(x).G()`, `F()->G()`,
 * `this->F()`), written for the resolver as its head and each call with
 * its number of arguments: "T.F/1.G/0" (T the type of a, "const T" for a
 * const object), "F/0.G/0" (a bare call first) or "this.F/0". 1 when
 * scope is such a chain (ref typed when its head is), 0 when it holds no
 * call, PT_ENOMEM. */
static int cpp_chain(pt_xfile *f, int from, const char *scope,
                     pt_raw_ref *ref)
{
  pt_buf b = PT_BUF_INIT;
  const char *s = skip_space(scope), *name = s;
  int calls = 0, rc = 1;
  while (is_ident_char(*s) || (s[0] == ':' && s[1] == ':'))
    s += *s == ':' ? 2 : 1;
  size_t n = (size_t)(s - name);
  if (n == 0 || strchr(scope, '<'))
    return 0; /* a cast, a template: not read */
  if (*skip_space(s) == '(') {
    s = cpp_call_seg(&b, name, n, skip_space(s));
    calls++;
  } else if (n == 4 && strncmp(name, "this", 4) == 0 &&
             pt_buf_puts(&b, cpp_const_member(f, from) ? "const this"
                                                        : "this")) {
    s = NULL;
  }
  for (; s && *(s = skip_space(s)); ) {
    const char *sep = s;
    s += *s == '.' ? 1 : (s[0] == '-' && s[1] == '>') ? 2 : 0;
    if (s == sep)
      break;
    name = s = skip_space(s);
    while (is_ident_char(*s))
      s++;
    n = (size_t)(s - name);
    if (n == 0)
      break;
    if (*skip_space(s) != '(') {
      if (calls)
        break; /* a field of a call's result: not followed */
      continue;  /* still the variable's own path */
    }
    if (!calls && b.len == 0) {
      /* the path before the first call: typed as any receiver is */
      pt_raw_ref head = *ref;
      size_t hl = (size_t)(sep - scope);
      char *text = pt_arena_alloc(&f->r->arena, hl + 1);
      if (!text)
        return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
      memcpy(text, scope, hl);
      text[hl] = '\0';
      head.recv_type = NULL;
      int arrow = f->arrow;
      f->arrow = *sep == '-';
      rc = pt__bind_receiver(f, from, text, &head);
      f->arrow = arrow;
      /* (a field chain when the fields are declared elsewhere) */
      if (rc != 0 ||
          !head.recv_type ||
          (head.recv_how == PT_RECV_CALLED && !strchr(head.recv_type, '.')) ||
          pt_buf_puts(&b, head.recv_type)) {
        s = NULL;
        break;
      }
    }
    s = pt_buf_putc(&b, '.') ? NULL : cpp_call_seg(&b, name, n, skip_space(s));
    calls++;
  }
  if (rc < 0) {
    pt_buf_fini(&b);
    return rc;
  }
  rc = 1;
  if (!calls) {
    rc = 0;
  } else if (s && !*s && b.len) {
    char *t = pt_arena_alloc(&f->r->arena, b.len + 1);
    if (!t)
      rc = PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    else {
      memcpy(t, b.ptr, b.len + 1);
      ref->recv_type = t;
      ref->recv_how = PT_RECV_CALLED;
    }
  }
  pt_buf_fini(&b);
  return rc;
}

/* C++: whether a local or parameter named name (typed or not) of
 * candidate `from` or a function around it is in view at f->at. */
static int cpp_declared(const pt_xfile *f, int from, const char *name,
                        size_t len)
{
  for (int a = from; a >= 0 && !is_type_like(f->cands[a].kind);
       a = f->cands[a].parent)
    for (size_t i = pt__bind_first_local(f, a, name, len); i != SIZE_MAX;
         i = pt__bind_next(f, i)) {
      const pt_binding *b = &f->binds[i];
      uint32_t s;
      if (!b->is_field && b->owner == a && strlen(b->name) == len &&
          strncmp(b->name, name, len) == 0 && in_view(f, b, &s))
        return 1;
    }
  return 0;
}

/* C++: a receiver naming fields this file does not declare (`doc_->x` in
 * a method written outside its class, `n->parent_` with n a Node *): for
 * the resolver, which knows the fields of every type, a chain of field
 * segments after what is known (extract_refs.c, cpp_chain): "this.doc_.x",
 * or "[const ]T.parent_" after head T; a field followed by -> is written
 * "name>". With head NULL, rest starts with a
 * bare name, a field of this only in a member function with no local of
 * that name in view. 0, or PT_ENOMEM. */
static int cpp_field_chain(pt_xfile *f, int from, const char *head,
                           int head_const, const char *rest, pt_raw_ref *ref)
{
  size_t first = strspn(rest, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
  if (!head && (from < 0 || f->cands[from].kind != PT_KIND_METHOD ||
                cpp_declared(f, from, rest, first)))
    return 0;
  pt_buf b = PT_BUF_INIT;
  int rc = pt_buf_puts(&b, head_const ? "const " : "");
  if (rc == 0)
    rc = pt_buf_puts(&b, head ? head : "this");
  for (const char *p = rest; rc == 0 && *p;) {
    size_t n = 0;
    while (is_ident_char(p[n]))
      n++;
    if (n == 0 || (rc = pt_buf_putc(&b, '.')) != 0 ||
        (rc = pt_buf_put(&b, p, n)) != 0)
      break;
    p = skip_space(p + n);
    /* name> : reached through ->, which a smart pointer needs */
    if ((p[0] == '-' && p[1] == '>') || (!*p && f->arrow))
      rc = pt_buf_putc(&b, '>');
    if (*p == '.' || (p[0] == '-' && p[1] == '>'))
      p = skip_space(p + (*p == '.' ? 1 : 2));
    else if (*p)
      break;
    if (!*p) {
      char *t = pt_arena_alloc(&f->r->arena, b.len + 1);
      if (!t) {
        rc = PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
        break;
      }
      memcpy(t, b.ptr, b.len + 1);
      ref->recv_type = t;
      ref->recv_how = PT_RECV_CALLED;
    }
  }
  pt_buf_fini(&b);
  return rc < 0 ? rc : 0;
}

int pt__bind_receiver(pt_xfile *f, int from, const char *scope,
                      pt_raw_ref *ref)
{
  if (f->lang == PT_LANG_GO)
    return go_receiver(f, from, scope, ref, 0);
  if (f->lang == PT_LANG_CPP) {
    int chain = cpp_chain(f, from, scope, ref);
    if (chain)
      return chain < 0 ? chain : 0;
  }
  int rc = constructed(f, scope, ref);
  if (rc > 0 && ref->recv_how == PT_RECV_CALLED)
    return chained(f, from, ref);
  if (rc)
    return rc < 0 ? rc : 0;
  char seg[128];
  const pt_binding *b = NULL;
  const char *type = NULL;   /* the type the receiver so far has */
  int found = 0, in_const = cpp_const_member(f, from), is_const = 0;
  for (const char *s = scope; s;) {
    size_t sep = 0;
    int n = segment(s, &sep);
    if (n < 0 || (size_t)n >= sizeof seg)
      return 0;
    memcpy(seg, s, (size_t)n);
    seg[n] = '\0';
    if (s == scope && is_self(seg, (size_t)n)) {
      int t = enclosing_type(f, from);
      if (t < 0)
        return 0;
      type = f->cands[t].name;
      is_const = in_const;
    } else if (s == scope && seg[0] == '@') { /* Ruby @field */
      int t = enclosing_type(f, from);
      if (t < 0 || find_field(f, f->cands[t].name, seg + 1, &b) != 1)
        return 0;
      type = b->type;
      found = 1;
    } else if (s == scope) {
      int known = find_variable(f, from, seg, &b);
      if (known == 0 && f->lang == PT_LANG_CPP)
        return cpp_field_chain(f, from, NULL, in_const, s, ref);
      if (known != 1)
        return 0;
      size_t tl = strlen(b->type);
      if (tl > 2 && strcmp(b->type + tl - 2, "[]") == 0 &&
          find_variable(f, from, b->type, &b) != 1)
        return 0; /* a range variable: an element of the ranged one */
      type = b->type;
      found = 1;
      /* a field named bare is this's: a const member's own are const */
      is_const = b->is_const || (b->is_field && b->is_value && in_const);
      if (b->is_smart && !(sep == 2 || (sep == 0 && f->arrow)))
        return 0; /* p.reset(): the smart pointer's own member */
    } else {
      int known = find_field(f, type, seg, &b);
      if (known == 0 && f->lang == PT_LANG_CPP)
        return cpp_field_chain(f, from, type, is_const, s, ref);
      if (known != 1)
        return 0;
      type = b->type;
      found = 1;
      is_const = b->is_const || (b->is_value && is_const);
      if (b->is_smart && !(sep == 2 || (sep == 0 && f->arrow)))
        return 0;
    }
    s = sep ? s + n + sep : NULL;
  }
  if (found) {
    ref->recv_type = b->type;
    ref->recv_how = (uint8_t)b->how;
    int arrow = f->lang == PT_LANG_CPP && f->arrow && b->is_value &&
                !b->is_smart && b->how == PT_RECV_DECLARED;
    if (f->lang == PT_LANG_CPP && (is_const || arrow))
      return cpp_const_type(f, b->type, is_const, arrow, &ref->recv_type);
  }
  return 0;
}
