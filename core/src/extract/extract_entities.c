/* Entities of one file: run the entity query, nest the definitions by byte
 * range, name them (qualified names, methods), classify tests and assign
 * keys that no two definitions share. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/strmap.h"

static int push_cand(pt_xfile *f, const pt_cand *c)
{
  int rc = pt_array_grow((void **)&f->cands, &f->cap_cands, f->n_cands + 1,
                         sizeof *f->cands);
  if (rc == 0)
    f->cands[f->n_cands++] = *c;
  return rc;
}

static int push_pending(pt_xfile *f, const pt_pending_ref *r)
{
  int rc = pt_array_grow((void **)&f->pending, &f->cap_pending,
                         f->n_pending + 1, sizeof *f->pending);
  if (rc == 0)
    f->pending[f->n_pending++] = *r;
  return rc;
}

static int push_import_range(pt_xfile *f, TSNode n)
{
  int rc = pt_array_grow((void **)&f->import_ranges, &f->cap_import,
                         f->n_import + 2, sizeof *f->import_ranges);
  if (rc == 0) {
    f->import_ranges[f->n_import++] = ts_node_start_byte(n);
    f->import_ranges[f->n_import++] = ts_node_end_byte(n);
  }
  return rc;
}

/* A member (o.m, o->m) or a path (A::m, A\\m): the text between the
 * qualifier and the name says which. */
static pt_ref_via via_between(const pt_xfile *f, TSNode scope, TSNode name)
{
  uint32_t a = ts_node_end_byte(scope), b = ts_node_start_byte(name);
  pt_ref_via via = PT_VIA_MEMBER;
  for (uint32_t i = a; i < b && i + 1 <= f->len; i++)
    if (f->src[i] == '\\' || (f->src[i] == ':' && i + 1 < b && f->src[i + 1] == ':'))
      via = PT_VIA_PATH;
  return via;
}

static int collect_refs(pt_xfile *f, const TSQueryMatch *m)
{
  const pt_query *q = f->query;
  const char *scope = NULL, *module = NULL;
  TSNode scope_node = {0}, bind_var = {0}, bind_type = {0};
  int has_scope = 0, has_var = 0, has_type = 0;
  pt_recv_how how = PT_RECV_UNKNOWN;
  int rc = 0;
  for (uint16_t i = 0; rc == 0 && i < m->capture_count; i++) {
    uint32_t id = m->captures[i].index;
    if (q->role[id] == PT_ROLE_SCOPE && !scope) {
      scope = pt__trim_text(pt__node_text(f, m->captures[i].node), 1);
      scope_node = m->captures[i].node;
      has_scope = 1;
    } else if (q->role[id] == PT_ROLE_BIND_VAR && !has_var) {
      bind_var = m->captures[i].node;
      has_var = 1;
    } else if (q->role[id] == PT_ROLE_BIND_TYPE && !has_type) {
      bind_type = m->captures[i].node;
      how = (pt_recv_how)q->role_arg[id];
      has_type = 1;
    } else if (q->role[id] == PT_ROLE_MODULE && !module)
      module = pt__trim_text(pt__node_text(f, m->captures[i].node), 1);
    else if (q->role[id] == PT_ROLE_IMPORT)
      rc = push_import_range(f, m->captures[i].node);
  }
  for (uint16_t i = 0; rc == 0 && i < m->capture_count; i++) {
    uint32_t id = m->captures[i].index;
    if (q->role[id] != PT_ROLE_REFERENCE || (f->file_test && !f->keep_test_refs))
      continue;
    pt_pending_ref r = {m->captures[i].node, f->match_root, scope, module,
                        (pt_ref_kind)q->role_arg[id], PT_VIA_NAME,
                        pt__node_end(f, m->captures[i].node)};
    if (has_scope)
      r.via = via_between(f, scope_node, r.node);
    rc = push_pending(f, &r);
  }
  if (rc == 0 && has_var && has_type)
    rc = pt__bind_collect(f, bind_var, bind_type, how);
  else if (rc == 0 && has_var)
    rc = pt__bind_local(f, bind_var);
  return rc;
}

/* pt__node_parent(f, c->node), the walk's where it knew it. */
static TSNode cand_parent(const pt_xfile *f, const pt_cand *c)
{
  return ts_node_is_null(c->up) ? pt__node_parent(f, c->node) : c->up;
}

int pt__extract_collect(pt_xfile *f)
{
  const pt_query *q = f->query;
  TSQueryCursor *cur = f->x->cursor;
  TSQueryMatch m;
  pt_query_walk *w = &f->x->walk;
  f->file_test = pt__test_file_reason(f->lang, f->path);
  int rc = pt__query_walk_start(w, q, cur, f->root);
  while (rc == 0 && pt__query_walk_next(w, &m)) {
    f->match_root = w->from;
    f->known = m.captures;
    f->known_ups = w->cur_ups;
    f->n_known = w->cur_ups ? m.capture_count : 0;
    if (!pt__query_match_ok(q, &m, w->cur_ups, f->src))
      continue;
    pt_cand c;
    memset(&c, 0, sizeof c);
    c.parent = -1;
    int has_def = 0;
    for (uint16_t i = 0; i < m.capture_count; i++) {
      uint32_t id = m.captures[i].index;
      TSNode n = m.captures[i].node;
      if (q->role[id] == PT_ROLE_DEFINITION && !has_def) {
        has_def = 1;
        c.node = n;
        c.kind = (pt_kind)q->role_arg[id];
      } else if (q->role[id] == PT_ROLE_NAME && !c.name) {
        c.name = pt__trim_text(pt__node_text(f, n), 0);
      } else if (q->role[id] == PT_ROLE_SCOPE && !c.scope) {
        c.scope = pt__trim_text(pt__node_text(f, n), 0);
      }
    }
    if (!has_def) {
      rc = collect_refs(f, &m);
      continue;
    }
    if (!c.name)
      continue;
    c.start_byte = ts_node_start_byte(c.node);
    c.end_byte = pt__node_end(f, c.node);
    if (c.end_byte > c.start_byte && c.node.id != f->root.id)
      c.up = pt__node_known_parent(f, c.node);
    rc = push_cand(f, &c);
  }
  pt__query_walk_end(w);
  memset(&f->match_root, 0, sizeof f->match_root);
  f->n_known = 0;
  return rc;
}

/* A namespace written as a statement (C# `namespace A.B;`, PHP
 * `namespace A\B;`) has no body: it holds everything after it up to the
 * next such statement or the end of its parent. */
static void extend_statement_namespaces(pt_xfile *f)
{
  for (size_t i = 0; i < f->n_cands; i++) {
    pt_cand *c = &f->cands[i];
    if (c->kind != PT_KIND_NAMESPACE) /* Rust's `mod x;` is another file */
      continue;
    if (!ts_node_is_null(pt__query_field(f->query, c->node, PT_FIELD_BODY)) ||
        ts_node_named_child_count(c->node) > 2)
      continue;
    const char *type = ts_node_type(c->node);
    TSNode parent = pt__node_parent(f, c->node);
    uint32_t end = ts_node_is_null(parent) ? (uint32_t)f->len : ts_node_end_byte(parent);
    for (TSNode s = ts_node_next_named_sibling(c->node); !ts_node_is_null(s);
         s = ts_node_next_named_sibling(s))
      if (strcmp(ts_node_type(s), type) == 0) {
        end = ts_node_start_byte(s);
        break;
      }
    if (end > c->end_byte)
      c->end_byte = end;
  }
}

static int cmp_cand(const void *pa, const void *pb)
{
  const pt_cand *a = pa, *b = pb;
  if (a->start_byte != b->start_byte)
    return a->start_byte < b->start_byte ? -1 : 1;
  if (a->end_byte != b->end_byte)
    return a->end_byte > b->end_byte ? -1 : 1;
  /* the same range twice: keep query order (stable via the line field,
   * which still holds the collection index here) */
  return (a->line_start > b->line_start) - (a->line_start < b->line_start);
}

/* Sorts outer before inner and drops repeated captures of one range. */
static void sort_and_dedupe(pt_xfile *f)
{
  for (size_t i = 0; i < f->n_cands; i++)
    f->cands[i].line_start = (uint32_t)i;
  if (f->n_cands > 1)
    qsort(f->cands, f->n_cands, sizeof *f->cands, cmp_cand);
  size_t w = 0;
  for (size_t r = 0; r < f->n_cands; r++) {
    if (w && f->cands[w - 1].start_byte == f->cands[r].start_byte &&
        f->cands[w - 1].end_byte == f->cands[r].end_byte)
      continue;
    f->cands[w++] = f->cands[r];
  }
  f->n_cands = w;
}

static int is_type_like(pt_kind k)
{
  return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_IMPL ||
         k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_ENUM;
}

/* Parents by containment, with an explicit stack (no recursion). */
static int nest(pt_xfile *f)
{
  int *stack = pt_malloc((f->n_cands + 1) * sizeof *stack);
  if (!stack)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  size_t depth = 0;
  for (size_t i = 0; i < f->n_cands; i++) {
    pt_cand *c = &f->cands[i];
    while (depth && f->cands[stack[depth - 1]].end_byte < c->end_byte)
      depth--;
    while (depth && f->cands[stack[depth - 1]].end_byte <= c->start_byte)
      depth--;
    c->parent = depth ? stack[depth - 1] : -1;
    stack[depth++] = (int)i;
  }
  pt_free(stack);
  return 0;
}

/* "A::B" or "A.B" -> "A.B"; the last segment goes to *last. */
static char *dotted(pt_xfile *f, const char *s, const char **last)
{
  pt_buf b = PT_BUF_INIT;
  int rc = 0;
  for (const char *p = s; rc == 0 && *p; p++) {
    if (p[0] == ':' && p[1] == ':') {
      rc = pt_buf_putc(&b, '.');
      p++;
    } else if (p[0] == '\\' || p[0] == '/') {
      rc = pt_buf_putc(&b, '.');
    } else {
      rc = pt_buf_putc(&b, *p);
    }
  }
  char *out = rc ? NULL : pt_arena_strdup(&f->r->arena, pt_buf_cstr(&b));
  pt_buf_fini(&b);
  if (out && last) {
    const char *dot = strrchr(out, '.');
    *last = dot ? dot + 1 : out;
  }
  return out;
}

/* Whether candidate c is j or one of j's parents: j as c's parent would
 * close a loop, which every walk up the parents would go round forever
 * (Ruby's `class RDoc::RDoc` names itself; `class A::B` and `class B::A`
 * each other). */
static int is_at_or_above(const pt_xfile *f, int c, int j)
{
  for (size_t steps = 0; j >= 0 && steps <= f->n_cands; steps++) {
    if (j == c)
      return 1;
    j = f->cands[j].parent;
  }
  return 0;
}

/* An out-of-line definition (Go receiver, C++ A::f) adopts the type of the
 * same file that its scope names. */
static int adopt_scoped(pt_xfile *f, pt_cand *c)
{
  const char *last = NULL;
  if (!dotted(f, c->scope, &last))
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  for (size_t j = 0; j < f->n_cands; j++)
    if (is_type_like(f->cands[j].kind) && f->cands[j].kind != PT_KIND_IMPL &&
        strcmp(f->cands[j].name, last) == 0 &&
        !is_at_or_above(f, (int)(c - f->cands), (int)j)) {
      c->parent = (int)j;
      break;
    }
  return 0;
}

/* A function written in a JavaScript or TypeScript object literal
 * ({ m() {}, k: () => {} }) is a method of that object: never in scope as
 * a bare name. */
static int is_object_member(const pt_xfile *f, const pt_cand *c)
{
  const char *t = ts_node_type(c->node);
  if (strcmp(t, "pair") == 0)
    return 1;
  return strcmp(t, "method_definition") == 0 &&
         strcmp(ts_node_type(cand_parent(f, c)), "object") == 0;
}

/* s and a '.', to b. */
static int put_dot(pt_buf *b, const char *s)
{
  int rc = pt_buf_puts(b, s);
  return rc ? rc : pt_buf_putc(b, '.');
}

static int name_all(pt_xfile *f)
{
  pt_buf b = PT_BUF_INIT;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < f->n_cands; i++) {
    pt_cand *c = &f->cands[i];
    /* an out-of-line definition inside a namespace keeps the namespace */
    const pt_cand *ns = c->parent >= 0 ? &f->cands[c->parent] : NULL;
    if (ns && ns->kind != PT_KIND_NAMESPACE && ns->kind != PT_KIND_MODULE)
      ns = NULL;
    if (c->scope && (c->parent < 0 || ns) && (rc = adopt_scoped(f, c)) != 0)
      break;
    const pt_cand *p = c->parent >= 0 ? &f->cands[c->parent] : NULL;
    if (c->kind == PT_KIND_FUNCTION &&
        ((p && is_type_like(p->kind)) || c->scope || is_object_member(f, c)))
      c->kind = PT_KIND_METHOD;
    pt_buf_clear(&b);
    const char *scope = c->scope ? dotted(f, c->scope, NULL) : NULL;
    if (c->scope && !scope)
      rc = PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    else if (scope && ns) {
      rc = put_dot(&b, ns->qualname);
      if (!rc) rc = put_dot(&b, scope);
    }
    else if (scope)
      rc = put_dot(&b, scope);
    else if (p)
      rc = put_dot(&b, p->qualname);
    /* namespace names join with '.' like everything else (App\Shapes) */
    int is_ns = c->kind == PT_KIND_NAMESPACE || c->kind == PT_KIND_MODULE;
    const char *own = is_ns ? dotted(f, c->name, NULL) : c->name;
    if (!rc) rc = own ? pt_buf_puts(&b, own) : PT_ERR(PT_ENOMEM, "out of memory");
    if (!rc && !(c->qualname = pt_arena_strdup(&f->r->arena, b.ptr)))
      rc = PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  }
  pt_buf_fini(&b);
  return rc;
}

/* The 1-based line holding the last byte before offset end. */
static uint32_t line_before(const pt_xfile *f, uint32_t end)
{
  uint32_t pos = end ? end - 1 : 0, lo = 0, hi = f->n_lines;
  while (end > 0 && pos > 0 && (f->src[pos] == '\n' || f->src[pos] == '\r' ||
                                f->src[pos] == ' ' || f->src[pos] == '\t'))
    pos--;
  while (hi - lo > 1) {
    uint32_t mid = (lo + hi) / 2;
    if (f->line_starts[mid] <= pos)
      lo = mid;
    else
      hi = mid;
  }
  return lo + 1;
}

static uint32_t row_of_end(TSNode n)
{
  TSPoint s = ts_node_start_point(n), e = ts_node_end_point(n);
  /* a node that ends at column 0 ends on the previous line */
  if (e.column == 0 && e.row > s.row)
    return e.row - 1;
  return e.row;
}

/* Where a JavaScript or TypeScript definition's head starts: at the
 * `export` before it (`export function f`, `export const f = ...`), which
 * says what a namespace shows to its other files. */
static uint32_t export_start(const pt_xfile *f, const pt_cand *c,
                             int has_export)
{
  if (!has_export)
    return c->start_byte; /* a grammar without that node type */
  TSNode n = cand_parent(f, c);
  if (!ts_node_is_null(n) && (strcmp(ts_node_type(n), "lexical_declaration") == 0 ||
                              strcmp(ts_node_type(n), "variable_declaration") == 0) &&
      ts_node_start_byte(ts_node_named_child(n, 0)) == c->start_byte)
    n = pt__node_parent(f, n);
  if (!ts_node_is_null(n) && strcmp(ts_node_type(n), "export_statement") == 0)
    return ts_node_start_byte(n);
  return c->start_byte;
}

/* The declaration head: up to the body, white space folded, at most 300
 * bytes (cut on a UTF-8 boundary). */
static const char *signature_of(pt_xfile *f, const pt_cand *c, int has_export)
{
  uint32_t a = export_start(f, c, has_export), b = c->end_byte;
  TSNode body = pt__query_field(f->query, c->node, PT_FIELD_BODY);
  if (!ts_node_is_null(body) && ts_node_start_byte(body) > a)
    b = ts_node_start_byte(body);
  else
    for (uint32_t i = a; i < b; i++)
      if (f->src[i] == '\n' || f->src[i] == '{') {
        b = i;
        break;
      }
  /* at most 300 bytes and one more: a space before the last one */
  char s[302];
  size_t len = 0;
  int space = 0;
  for (uint32_t i = a; i < b && len < 300; i++) {
    char ch = f->src[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = len > 0;
      continue;
    }
    if (space)
      s[len++] = ' ';
    space = 0;
    s[len++] = ch;
  }
  if (len >= 300) {
    while (len && ((unsigned char)s[len - 1] & 0xc0) == 0x80)
      len--;
    if (len && ((unsigned char)s[len - 1] & 0xc0) == 0xc0)
      len--;
  }
  return pt_arena_strndup(&f->r->arena, s, len);
}

/* Whether the file's grammar has a node type named export_statement (as a
 * symbol or an alias), the only one export_start looks for. */
static int has_export_node(const pt_xfile *f)
{
  const TSLanguage *lang = ts_node_language(f->root);
  return ts_language_symbol_for_name(lang, "export_statement", 16, true) ||
         ts_language_symbol_for_name(lang, "export_statement", 16, false);
}

static int describe(pt_xfile *f)
{
  int has_export = f->n_cands ? has_export_node(f) : 0;
  for (size_t i = 0; i < f->n_cands; i++) {
    pt_cand *c = &f->cands[i];
    c->line_start = ts_node_start_point(c->node).row + 1;
    c->line_end = row_of_end(c->node) + 1;
    if (c->end_byte > ts_node_end_byte(c->node))
      c->line_end = line_before(f, c->end_byte);
    if (!(c->signature = signature_of(f, c, has_export)))
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    if (f->file_test)
      c->test_reason = f->file_test;
    else if (c->parent >= 0 && f->cands[c->parent].test_reason)
      c->test_reason = f->cands[c->parent].test_reason;
    else
      c->test_reason = pt__test_entity_reason(f, c);
  }
  return 0;
}

/* Keys: the birth number hashes the qualified name; a second definition
 * with the same key (overloads) adds its signature, then its ordinal, and
 * a remaining hash collision moves the number on. */
static int assign_keys(pt_xfile *f)
{
  pt_strmap seen = PT_STRMAP_INIT;
  pt_buf ident = PT_BUF_INIT, key = PT_BUF_INIT;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < f->n_cands; i++) {
    pt_cand *c = &f->cands[i];
    for (int attempt = 0; rc == 0; attempt++) {
      pt_buf_clear(&ident);
      rc = pt_buf_puts(&ident, c->qualname);
      if (!rc && attempt >= 1) rc = pt_buf_printf(&ident, "#%s", c->signature);
      if (!rc && attempt >= 2) rc = pt_buf_printf(&ident, "#%d", attempt - 1);
      if (!rc) rc = pt__key_birth(f->path, ident.ptr, &c->birth);
      pt_buf_clear(&key);
      if (!rc) rc = pt__key_entity(&key, f->lang, c->kind, c->name, f->path, c->birth);
      if (rc || !pt_strmap_get(&seen, key.ptr, key.len, NULL))
        break;
      if (attempt > 1000)
        rc = PT_ERR(PT_ERROR, "%s: cannot make a unique key for %s", f->path,
                    c->qualname);
    }
    if (rc == 0 && !(c->key = pt_arena_strndup(&f->r->arena, key.ptr, key.len)))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    if (rc == 0)
      rc = pt_strmap_put(&seen, c->key, key.len, i);
  }
  pt_strmap_fini(&seen);
  pt_buf_fini(&ident);
  pt_buf_fini(&key);
  return rc;
}

static const char *code_of(pt_xfile *f, uint32_t ls, uint32_t le, size_t *len)
{
  uint32_t a = f->line_starts[ls - 1];
  uint32_t b = le < f->n_lines ? f->line_starts[le] : (uint32_t)f->len;
  if (b > a && f->src[b - 1] == '\n')
    b--;
  if (b > a && f->src[b - 1] == '\r')
    b--;
  *len = b - a;
  return f->src + a;
}

/* How many of code's len bytes come before a NUL: the entity's code, as
 * a C string held it (a NUL past the first 8 KiB is not binary). */
static size_t before_nul(const char *code, size_t len, int has_nul)
{
  const char *nul = has_nul ? memchr(code, '\0', len) : NULL;
  return nul ? (size_t)(nul - code) : len;
}

/* Entities come in source order, an enclosing one before those inside
 * it: an entity whose code lies inside the last one copied whole points
 * into that copy, so a file's result holds each line once however deep
 * its definitions nest (pt_entity.code). */
static int emit(pt_xfile *f)
{
  size_t n_code = 0, n_test = 0;
  int has_nul = memchr(f->src, '\0', f->len) != NULL;
  const char *outer = NULL, *outer_copy = NULL; /* in f->src; its copy */
  size_t outer_len = 0;
  for (size_t i = 0; i < f->n_cands; i++)
    f->cands[i].test_reason ? n_test++ : n_code++;
  pt_file_result *r = f->r;
  r->entities = pt_arena_alloc(&r->arena, (n_code + 1) * sizeof *r->entities);
  r->tests = pt_arena_alloc(&r->arena, (n_test + 1) * sizeof *r->tests);
  if (!r->entities || !r->tests)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  for (size_t i = 0; i < f->n_cands; i++) {
    const pt_cand *c = &f->cands[i];
    if (c->test_reason) {
      pt_test_entity *t = &r->tests[r->n_tests++];
      *t = (pt_test_entity){c->key, c->qualname, f->path, c->test_reason,
                            f->lang, c->kind, c->line_start, c->line_end};
      continue;
    }
    pt_entity *e = &r->entities[r->n_entities++];
    size_t len;
    const char *code = code_of(f, c->line_start, c->line_end, &len);
    size_t n = before_nul(code, len, has_nul);
    memset(e, 0, sizeof *e);
    e->key = c->key;
    e->name = c->name;
    e->qualname = c->qualname;
    e->file_path = f->path;
    e->signature = c->signature;
    if (n && outer && code >= outer && code + n <= outer + outer_len) {
      e->code = outer_copy + (code - outer);
    } else if ((e->code = pt_arena_strndup(&r->arena, code, n)) && n) {
      outer = code;
      outer_copy = e->code;
      outer_len = n;
    }
    e->code_len = (uint32_t)n;
    e->parent_key = c->parent >= 0 ? f->cands[c->parent].key : NULL;
    pt_sha256_hex(code, len, e->content_hash);
    e->lang = f->lang;
    e->kind = c->kind;
    e->line_start = c->line_start;
    e->line_end = c->line_end;
    e->birth = c->birth;
    if (!e->code)
      return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  }
  return 0;
}

/* A top-level function by name (promote_constructors). */
typedef struct named_fn {
  const char *name;
  size_t at;                /* its candidate */
  size_t taken;             /* at a name's first: how many of that name
                               are classes now */
} named_fn;

/* By name, then in the candidates' order. */
static int cmp_named_fn(const void *pa, const void *pb)
{
  const named_fn *a = pa, *b = pb;
  int d = strcmp(a->name, b->name);
  return d ? d : (a->at > b->at) - (a->at < b->at);
}

/* JavaScript's ES5 classes: a top-level function whose prototype the file
 * gives methods (`function A() {}`, `A.prototype.m = function () {}`) is
 * a class, as universal-ctags reads it, and holds those methods. Each
 * candidate with a scope makes the first top-level function of that name
 * still a function a class: the functions are looked up by name among
 * them sorted (a generated file has thousands of each). 0, or
 * PT_ENOMEM. */
static int promote_constructors(pt_xfile *f)
{
  if (f->lang != PT_LANG_JAVASCRIPT)
    return 0;
  size_t n_fns = 0, n_scoped = 0;
  for (size_t i = 0; i < f->n_cands; i++) {
    const pt_cand *c = &f->cands[i];
    n_scoped += c->scope != NULL;
    n_fns += c->parent < 0 && c->kind == PT_KIND_FUNCTION && !c->scope;
  }
  if (n_fns == 0 || n_scoped == 0)
    return 0;
  named_fn *fns = pt_malloc(n_fns * sizeof *fns);
  if (!fns)
    return PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
  n_fns = 0;
  for (size_t i = 0; i < f->n_cands; i++) {
    const pt_cand *c = &f->cands[i];
    if (c->parent < 0 && c->kind == PT_KIND_FUNCTION && !c->scope)
      fns[n_fns++] = (named_fn){c->name, i, 0};
  }
  qsort(fns, n_fns, sizeof *fns, cmp_named_fn);
  for (size_t i = 0; i < f->n_cands; i++) {
    const char *owner = f->cands[i].scope;
    if (!owner)
      continue;
    size_t lo = 0, hi = n_fns;       /* the first function named owner */
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (strcmp(fns[mid].name, owner) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo == n_fns || strcmp(fns[lo].name, owner) != 0)
      continue;
    size_t next = lo + fns[lo].taken; /* the first still a function */
    if (next < n_fns && strcmp(fns[next].name, owner) == 0) {
      f->cands[fns[next].at].kind = PT_KIND_CLASS;
      fns[lo].taken++;
    }
  }
  pt_free(fns);
  return 0;
}

int pt__extract_entities(pt_xfile *f)
{
  extend_statement_namespaces(f);
  sort_and_dedupe(f);
  int rc = nest(f);
  f->is_nested = rc == 0;
  if (rc == 0) rc = promote_constructors(f);
  if (rc == 0) rc = name_all(f);
  if (rc == 0) rc = describe(f);
  if (rc == 0) rc = assign_keys(f);
  if (rc == 0) rc = emit(f);
  return rc;
}
