/* C++: the types of a call's arguments, as far as the syntax states them
 * (literals, variables of declared type, this, &x, casts written out),
 * for the resolver to choose among overloads of one arity by them
 * (resolve_types.c). Each argument is written "<class><type>", joined by
 * ',': class L a non-const lvalue, C a const lvalue, R an rvalue; "?"
 * for an argument whose type is not known. */
#include <stdint.h>
#include <string.h>

#include "cpp_types.h"
#include "extract_int.h"
#include "pt/error.h"

static uint8_t count_args(TSNode args)
{
  uint32_t count = 0, k = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < k; i++)
    count += strcmp(ts_node_type(ts_node_named_child(args, i)), "comment") != 0;
  return (uint8_t)(count < 254 ? count + 1 : 255);
}

TSNode pt__cpp_call_args(const pt_xfile *f, TSNode n, pt_ref_kind kind,
                         uint8_t *arity, uint8_t *is_base_init)
{
  TSNode e = pt__node_parent(f, n), args = {0}, none = {0};
  *arity = 0;
  *is_base_init = 0;
  if (ts_node_is_null(e))
    return none;
  if (kind == PT_REF_NEW && !strcmp(ts_node_type(e), "field_initializer")) {
    *is_base_init = 1; /* : Base(doc), counted as T(doc) is */
    for (uint32_t i = 0; i < ts_node_named_child_count(e); i++) {
      const char *t = ts_node_type(ts_node_named_child(e, i));
      if (!strcmp(t, "argument_list") || !strcmp(t, "initializer_list"))
        args = ts_node_named_child(e, i);
    }
  } else if (kind == PT_REF_NEW) { /* new T(..), new T, T{..} */
    const char *field = !strcmp(ts_node_type(e), "new_expression") ? "arguments"
                                                                   : "value";
    args = ts_node_child_by_field_name(e, field, (uint32_t)strlen(field));
    if (ts_node_is_null(args)) {
      *arity = 1;
      return none;
    }
  } else { /* the call whose callee holds n: f(), o.f(), a::f(), f<T>() */
    for (int up = 0; up < 3 && strcmp(ts_node_type(e), "call_expression") != 0;
         up++) {
      e = pt__node_parent(f, e);
      if (ts_node_is_null(e))
        return none;
    }
    if (strcmp(ts_node_type(e), "call_expression") != 0)
      return none;
    TSNode fn = ts_node_child_by_field_name(e, "function", 8);
    args = ts_node_child_by_field_name(e, "arguments", 9);
    /* a type as a macro's argument (cast(T *, x)) misparses: not counted */
    if (ts_node_start_byte(fn) > ts_node_start_byte(n) ||
        ts_node_end_byte(fn) < ts_node_end_byte(n))
      return none;
  }
  if (ts_node_is_null(args) || ts_node_has_error(args))
    return none;
  *arity = count_args(args);
  return args;
}

static int is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

static int text_is(const pt_xfile *f, TSNode n, const char *w)
{
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return b - a == strlen(w) && memcmp(f->src + a, w, b - a) == 0;
}

/* The type of an integer or floating literal: 1, or 0 for one whose type
 * depends on the platform (past INT_MAX) or is not read. */
static int number_type(const char *s, size_t n, const char **out)
{
  char d[64];
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '\'' && k + 1 < sizeof d)
      d[k++] = s[i];
  d[k] = '\0';
  if (k == 0 || k + 1 == sizeof d)
    return 0; /* (a literal that long: not read) */
  int hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X' || d[1] == 'b' ||
                            d[1] == 'B');
  if (strchr(d, '.') || (!hex && strpbrk(d, "eE")) ||
      (hex && strpbrk(d, "pP"))) {
    char last = d[k - 1];
    *out = last == 'f' || last == 'F' ? "float"
           : last == 'l' || last == 'L' ? "long double" : "double";
    return 1;
  }
  int base = hex ? (d[1] == 'b' || d[1] == 'B' ? 2 : 16) : d[0] == '0' ? 8 : 10;
  uint64_t v = 0;
  size_t i = hex ? 2 : 0;
  for (; i < k; i++) {
    int dig = d[i] >= '0' && d[i] <= '9'   ? d[i] - '0'
              : d[i] >= 'a' && d[i] <= 'f' ? d[i] - 'a' + 10
              : d[i] >= 'A' && d[i] <= 'F' ? d[i] - 'A' + 10 : -1;
    if (dig < 0 || dig >= base)
      break;
    if (v > (UINT64_MAX - (uint64_t)dig) / (uint64_t)base)
      return 0;
    v = v * (uint64_t)base + (uint64_t)dig;
  }
  int u = 0, l = 0;
  for (; i < k; i++) {
    if (d[i] == 'u' || d[i] == 'U')
      u++;
    else if (d[i] == 'l' || d[i] == 'L')
      l++;
    else
      return 0;
  }
  if (u > 1 || l > 2)
    return 0;
  /* the first type of its list that holds v, where all platforms agree */
  if (!u && !l && v <= 0x7fffffffu)
    *out = "int";
  else if (!l && v <= 0xffffffffu && (u || base != 10))
    *out = "unsigned";
  else if (l == 1 && !u && v <= 0x7fffffffu)
    *out = "long";
  else if (l == 1 && u && v <= 0xffffffffu)
    *out = "unsigned long";
  else if (l == 2 && v <= 0x7fffffffffffffffu)
    *out = u ? "unsigned long long" : "long long";
  else if (l == 2 && u)
    *out = "unsigned long long";
  else
    return 0;
  return 1;
}

/* The type a plain string or character literal has, or NULL. */
static const char *literal_type(const pt_xfile *f, TSNode a, const char *t)
{
  const char *s = f->src + ts_node_start_byte(a);
  if (!strcmp(t, "string_literal") || !strcmp(t, "raw_string_literal"))
    return s[0] == '"' || (s[0] == 'R' && s[1] == '"') ? "const char*" : NULL;
  if (!strcmp(t, "concatenated_string")) {
    for (uint32_t i = 0; i < ts_node_named_child_count(a); i++) {
      TSNode k = ts_node_named_child(a, i);
      if (!literal_type(f, k, ts_node_type(k)))
        return NULL;
    }
    return "const char*";
  }
  if (!strcmp(t, "char_literal")) /* 'a', '\n'; not L'a', nor 'ab' */
    return s[0] == '\'' && ts_node_named_child_count(a) == 1 ? "char" : NULL;
  return NULL;
}

/* The declared type of binding b, read from its declaration: 1 with *out,
 * 0 when it is not written plainly (auto, a template, several names). */
static int binding_type(const pt_xfile *f, const pt_binding *b,
                        pt_cpp_type *out)
{
  static const char *const decls[] = {
    "declaration", "parameter_declaration", "optional_parameter_declaration",
    "field_declaration", "for_range_loop", NULL};
  if (b->how != PT_RECV_DECLARED || !b->type)
    return 0;
  TSNode d = pt__node_parent(f, b->var), decl = {0};
  for (int up = 0; up < 4 && !ts_node_is_null(d);
       up++, d = pt__node_parent(f, d)) {
    for (int i = 0; decls[i]; i++)
      if (!strcmp(ts_node_type(d), decls[i]))
        decl = d;
    if (!ts_node_is_null(decl))
      break;
  }
  TSNode type = ts_node_is_null(decl)
                    ? decl
                    : ts_node_child_by_field_name(decl, "type", 4);
  if (ts_node_is_null(type))
    return 0;
  /* the type as written (qualifiers around it too), then the declarator
   * up to the variable's name: "const char *" "*p" */
  uint32_t a = ts_node_start_byte(decl), e = ts_node_end_byte(type);
  for (uint32_t end = ts_node_start_byte(b->var); e < end;) {
    if (f->src[e] == ' ' || f->src[e] == '\t' || f->src[e] == '\n' ||
        f->src[e] == '\r')
      e++;
    else if (end - e > 5 && memcmp(f->src + e, "const", 5) == 0 &&
             !is_name_char(f->src[e + 5]))
      e += 5; /* T const *p */
    else
      break;
  }
  TSNode v = b->var;
  const char *up = ts_node_type(pt__node_parent(f, v));
  int array = !strcmp(up, "array_declarator"); /* T x[N]: passed as T* */
  if (!strcmp(up, "function_declarator"))
    e = ts_node_end_byte(type); /* T x(a): a T */
  char buf[2 * PT_CPP_TYPE_MAX];
  uint32_t va = ts_node_start_byte(v), vb = ts_node_end_byte(v);
  size_t len = (e - a) + 1 + (vb - va);
  if (e < a || len + 3 >= sizeof buf)
    return 0;
  memcpy(buf, f->src + a, e - a);
  buf[e - a] = ' ';
  memcpy(buf + (e - a) + 1, f->src + va, vb - va);
  if (array) {
    memcpy(buf + len, "[]", 2);
    len += 2;
  }
  return pt__cpp_type_read(buf, len, 1, out);
}

/* The type and class of one argument expression: 1, 0 when unknown,
 * PT_ENOMEM. */
static int arg_type(pt_xfile *f, int from, TSNode a, pt_cpp_type *t, char *cls)
{
  const char *k = ts_node_type(a), *lit = NULL;
  uint32_t s = ts_node_start_byte(a), n = ts_node_end_byte(a) - s;
  *cls = 'R';
  if (!strcmp(k, "parenthesized_expression") &&
      ts_node_named_child_count(a) == 1)
    return arg_type(f, from, ts_node_named_child(a, 0), t, cls);
  if (!strcmp(k, "number_literal")) {
    if (!number_type(f->src + s, n, &lit))
      return 0;
  } else if (!strcmp(k, "unary_expression") && f->src[s] == '-' &&
             !strcmp(ts_node_type(ts_node_named_child(a, 0)),
                     "number_literal")) {
    TSNode v = ts_node_named_child(a, 0);
    uint32_t vs = ts_node_start_byte(v);
    if (!number_type(f->src + vs, ts_node_end_byte(v) - vs, &lit))
      return 0;
  } else if (!strcmp(k, "true") || !strcmp(k, "false")) {
    lit = "bool";
  } else if (!strcmp(k, "null")) {
    lit = text_is(f, a, "nullptr") ? "nullptr_t" : NULL;
  } else if (!strcmp(k, "this")) {
    int is_const = 0;
    const char *cls_name = pt__bind_this(f, from, &is_const);
    char buf[PT_CPP_TYPE_MAX];
    if (!cls_name || strlen(cls_name) + 8 >= sizeof buf)
      return 0;
    memcpy(buf, is_const ? "const " : "", is_const ? 6 : 0);
    memcpy(buf + (is_const ? 6 : 0), cls_name, strlen(cls_name));
    memcpy(buf + (is_const ? 6 : 0) + strlen(cls_name), "*", 2);
    return pt__cpp_type_read(buf, strlen(buf), 0, t);
  } else if (!strcmp(k, "identifier")) {
    char name[128];
    const pt_binding *b;
    if (n >= sizeof name)
      return 0;
    memcpy(name, f->src + s, n);
    name[n] = '\0';
    uint32_t at = f->at;
    f->at = s;
    int found = pt__bind_find(f, from, name, &b) == 1;
    f->at = at;
    if (!found || !binding_type(f, b, t))
      return 0;
    *cls = t->top_const ? 'C' : 'L';
    t->ref = 0;
    return 1;
  } else if (!strcmp(k, "pointer_expression") && f->src[s] == '&') {
    pt_cpp_type x;
    char c, buf[PT_CPP_TYPE_MAX + 8];
    int rc = arg_type(f, from, ts_node_child_by_field_name(a, "argument", 8),
                      &x, &c);
    if (rc != 1 || c == 'R' || (x.n_ptr && c == 'C'))
      return rc < 0 ? rc : 0; /* &p of a T *const p: not read */
    size_t tl = strlen(x.text);
    c = x.n_ptr ? 'L' : c; /* the const of a T * is already in x.text */
    memcpy(buf, c == 'C' ? "const " : "", c == 'C' ? 6 : 0);
    memcpy(buf + (c == 'C' ? 6 : 0), x.text, tl);
    memcpy(buf + (c == 'C' ? 6 : 0) + tl, "*", 2);
    *cls = 'R';
    return pt__cpp_type_read(buf, strlen(buf), 0, t);
  } else if (!strcmp(k, "cast_expression")) {
    TSNode ty = ts_node_child_by_field_name(a, "type", 4);
    uint32_t ts = ts_node_start_byte(ty);
    return pt__cpp_type_read(f->src + ts, ts_node_end_byte(ty) - ts, 0, t) &&
           !t->ref;
  } else if (!strcmp(k, "call_expression")) {
    /* static_cast<T>(x), T(x) of a builtin or standard integer type */
    TSNode fn = ts_node_child_by_field_name(a, "function", 8);
    TSNode args = ts_node_child_by_field_name(a, "arguments", 9);
    const char *fk = ts_node_type(fn);
    if (!strcmp(fk, "template_function")) {
      TSNode nm = ts_node_child_by_field_name(fn, "name", 4);
      TSNode ta = ts_node_child_by_field_name(fn, "arguments", 9);
      if (!text_is(f, nm, "static_cast") && !text_is(f, nm, "const_cast") &&
          !text_is(f, nm, "reinterpret_cast"))
        return 0;
      if (ts_node_named_child_count(ta) != 1)
        return 0;
      TSNode ty = ts_node_named_child(ta, 0);
      uint32_t ts = ts_node_start_byte(ty);
      return pt__cpp_type_read(f->src + ts, ts_node_end_byte(ty) - ts, 0, t) &&
             !t->ref;
    }
    if (ts_node_named_child_count(args) != 1)
      return 0;
    uint32_t fs = ts_node_start_byte(fn), fl = ts_node_end_byte(fn) - fs;
    char name[32];
    if (fl >= sizeof name)
      return 0;
    memcpy(name, f->src + fs, fl);
    name[fl] = '\0';
    if (strcmp(fk, "primitive_type") != 0 &&
        strcmp(fk, "sized_type_specifier") != 0 &&
        !(strcmp(fk, "identifier") == 0 && pt__cpp_std_type(name)))
      return 0;
    return pt__cpp_type_read(name, fl, 0, t);
  } else if (!(lit = literal_type(f, a, k))) {
    return 0;
  }
  if (!lit)
    return 0;
  return lit && pt__cpp_type_read(lit, strlen(lit), 0, t);
}

int pt__cpp_arg_types(pt_xfile *f, TSNode args, int from, const char **out)
{
  pt_buf b = PT_BUF_INIT;
  int rc = 0, known = 0;
  *out = NULL;
  if (ts_node_is_null(args) || ts_node_has_error(args))
    return 0;
  uint32_t k = ts_node_named_child_count(args);
  for (uint32_t i = 0; rc == 0 && i < k; i++) {
    TSNode a = ts_node_named_child(args, i);
    pt_cpp_type t;
    char cls;
    if (!strcmp(ts_node_type(a), "comment"))
      continue;
    if (b.len)
      rc = pt_buf_putc(&b, ',');
    int got = rc == 0 ? arg_type(f, from, a, &t, &cls) : 0;
    if (got < 0)
      rc = got;
    else if (rc == 0 && got) {
      known = 1;
      rc = pt_buf_putc(&b, cls);
      if (rc == 0)
        rc = pt_buf_puts(&b, t.text);
    } else if (rc == 0) {
      rc = pt_buf_putc(&b, '?');
    }
  }
  if (rc == 0 && known) {
    char *s = pt_arena_alloc(&f->r->arena, b.len + 1);
    if (!s)
      rc = PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path);
    else {
      memcpy(s, b.ptr, b.len + 1);
      *out = s;
    }
  }
  pt_buf_fini(&b);
  return rc < 0 ? rc : 0;
}
