/* Parsing with repairs for C and C++ (extract_int.h): tree-sitter expands no
 * macro, so a few common shapes parse wrong. The parser then reads a copy of
 * the source in which what misleads it is blank; offsets and lines stay the
 * same, and everything else still reads the original text. */
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

typedef struct repair {
  const char *src; /* borrowed */
  size_t len;
  char *copy;      /* owned; NULL until something is blanked */
  size_t n_blanked;
} repair;

static int ensure_copy(repair *r)
{
  if (r->copy)
    return 0;
  r->copy = pt_malloc(r->len + 1);
  if (!r->copy)
    return PT_ERR(PT_ENOMEM, "out of memory repairing a parse");
  memcpy(r->copy, r->src, r->len);
  r->copy[r->len] = '\0';
  return 0;
}

/* Spaces over [a, b), line ends kept. */
static int blank(repair *r, size_t a, size_t b)
{
  int rc = ensure_copy(r);
  r->n_blanked++;
  for (size_t i = a; rc == 0 && i < b && i < r->len; i++)
    if (r->copy[i] != '\n' && r->copy[i] != '\r')
      r->copy[i] = ' ';
  return rc;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* At i a backslash ends the line (a line continuation); *next is past it. */
static int continuation_at(const char *s, size_t len, size_t i, size_t *next)
{
  if (i >= len || s[i] != '\\')
    return 0;
  i++;
  if (i < len && s[i] == '\r')
    i++;
  *next = i + 1;
  return i < len && s[i] == '\n';
}

/* A comment [a, b) in a #define followed by a line continuation: tree-sitter
 * takes the continuation for an error and drops the macro. Blank, with a
 * backslash before each line end inside it, it is no longer in the way. */
static int blank_define_comment(repair *r, size_t a, size_t b)
{
  const char *s = r->src;
  size_t i = b, next;
  while (i < r->len && is_blank(s[i]))
    i++;
  if (!continuation_at(s, r->len, i, &next))
    return 0;
  for (size_t k = a + 1; k < b; k++) /* an empty line inside: leave it */
    if (s[k] == '\n' && (s[k - 1] == '\n' || (s[k - 1] == '\r' && s[k - 2] == '\n')))
      return 0;
  int rc = blank(r, a, b);
  for (size_t k = a + 2; rc == 0 && k < b; k++)
    if (s[k] == '\n')
      r->copy[s[k - 1] == '\r' ? k - 2 : k - 1] = '\\';
  return rc;
}

/* One #define from its name at i to the end of its last line; *end is
 * where scanning goes on. */
static int scan_define(repair *r, size_t i, size_t *end)
{
  const char *s = r->src;
  int rc = 0;
  while (rc == 0 && i < r->len && s[i] != '\n') {
    size_t next;
    if (continuation_at(s, r->len, i, &next)) {
      i = next;
    } else if (s[i] == '/' && i + 1 < r->len && s[i + 1] == '*') {
      const char *close = NULL;
      for (size_t k = i + 2; k + 1 < r->len && !close; k++)
        if (s[k] == '*' && s[k + 1] == '/')
          close = s + k;
      if (!close)
        break;
      size_t b = (size_t)(close - s) + 2;
      rc = blank_define_comment(r, i, b);
      i = b;
    } else if (s[i] == '"' || s[i] == '\'') {
      char q = s[i++];
      while (i < r->len && s[i] != q && s[i] != '\n')
        i += s[i] == '\\' && i + 1 < r->len && s[i + 1] != '\n' ? 2 : 1;
      i += i < r->len && s[i] == q;
    } else {
      i++;
    }
  }
  *end = i;
  return rc;
}

static int repair_defines(repair *r)
{
  const char *s = r->src;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < r->len;) {
    while (i < r->len && is_blank(s[i]))
      i++;
    if (i < r->len && s[i] == '#') {
      i++;
      while (i < r->len && is_blank(s[i]))
        i++;
      if (r->len - i > 6 && memcmp(s + i, "define", 6) == 0 && is_blank(s[i + 6]))
        rc = scan_define(r, i + 6, &i);
    }
    while (i < r->len && s[i] != '\n')
      i++;
    i++;
  }
  return rc;
}

static int is_type(TSNode n, const char *type)
{
  return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

/* `int (f)` read as a call of int: a function declarator whose
 * "parameters" are one bare type name (after a macro, `API int (f) (S *s)`
 * reads as a function API returning `int (f)`, which C does not allow). */
static int is_parenthesised_name(TSNode d)
{
  if (!is_type(d, "function_declarator") ||
      !is_type(ts_node_child_by_field_name(d, "declarator", 10), "identifier"))
    return 0;
  TSNode ps = ts_node_child_by_field_name(d, "parameters", 10);
  if (ts_node_is_null(ps) || ts_node_named_child_count(ps) != 1)
    return 0;
  TSNode p = ts_node_named_child(ps, 0);
  return is_type(p, "parameter_declaration") &&
         is_type(ts_node_child_by_field_name(p, "type", 4), "type_identifier") &&
         ts_node_is_null(ts_node_child_by_field_name(p, "declarator", 10));
}

/* A function definition that is a misread macro:
 * - `API int f (S *s)`: the return type reads as the name, the name sits
 *   in an ERROR after it; the macro is what was taken for the type;
 * - `API int (f) (S *s)`: a parenthesised name reads as a declarator;
 * - `class EXPORT X { ... }`: a function X returning `class EXPORT`. */
static int repair_definition(repair *r, TSNode fn)
{
  TSNode type = ts_node_child_by_field_name(fn, "type", 4);
  TSNode decl = ts_node_child_by_field_name(fn, "declarator", 10);
  if (is_type(type, "type_identifier") && is_type(decl, "function_declarator")) {
    TSNode id = ts_node_child_by_field_name(decl, "declarator", 10);
    TSNode err = ts_node_is_null(id) ? id : ts_node_next_sibling(id);
    if (is_type(id, "identifier") && !ts_node_is_null(err) && ts_node_is_error(err) &&
        ts_node_named_child_count(err) == 1 &&
        is_type(ts_node_named_child(err, 0), "identifier"))
      return blank(r, ts_node_start_byte(type), ts_node_end_byte(type));
    if (is_parenthesised_name(id))
      return blank(r, ts_node_start_byte(type), ts_node_end_byte(type));
  }
  if ((is_type(type, "class_specifier") || is_type(type, "struct_specifier")) &&
      ts_node_is_null(ts_node_child_by_field_name(type, "body", 4)) &&
      is_type(decl, "identifier") &&
      is_type(ts_node_child_by_field_name(fn, "body", 4), "compound_statement")) {
    TSNode name = ts_node_child_by_field_name(type, "name", 4);
    if (is_type(name, "type_identifier"))
      return blank(r, ts_node_start_byte(name), ts_node_end_byte(name));
  }
  return 0;
}

typedef struct definitions {
  repair *r;
  TSSymbol fn, block, decl;
} definitions;

static int enter_definitions(void *payload, TSNode node, TSSymbol sym,
                             uint32_t depth)
{
  definitions *d = payload;
  (void)depth;
  if (sym == d->fn) {
    int rc = repair_definition(d->r, node);
    if (rc)
      return rc;
  }
  return !((sym == d->block || sym == d->decl) && !ts_node_has_error(node));
}

static int leave_definitions(void *payload, uint32_t depth)
{
  (void)payload;
  (void)depth;
  return 0;
}

/* Every function definition, skipping function bodies without errors
 * and, in C, declarations without errors: C's grammar puts no function
 * definition in a declaration but in a statement expression's body (a
 * compound statement, skipped as well); C++'s class bodies can hold them.
 * Walked over tree-sitter's subtrees (tree_walk.c): a tree cursor's steps
 * cost more than the nodes it reads here. */
static int repair_definitions(repair *r, TSTree *tree, int is_c)
{
  const TSLanguage *lang = ts_tree_language(tree);
  definitions d = {r, 0, 0, 0};
  d.fn = ts_language_symbol_for_name(lang, "function_definition", 19, 1);
  d.block = ts_language_symbol_for_name(lang, "compound_statement", 18, 1);
  d.decl = is_c ? ts_language_symbol_for_name(lang, "declaration", 11, 1)
                : d.block;
  pt_tree_walk tw = {enter_definitions, leave_definitions, &d, NULL, 0, 0,
                     NULL, 0, 0, 0};
  int rc = pt__tree_walk(&tw, ts_tree_root_node(tree));
  pt__tree_walk_fini(&tw);
  return rc;
}

int pt__extract_parse(pt_extractor *x, pt_grammar grammar, const char *path,
                      const char *src, size_t len, TSTree **out)
{
  if (grammar != PT_GRAMMAR_C && grammar != PT_GRAMMAR_CPP)
    return pt__extract_parse_text(x, path, src, len, out);
  repair r = {src, len, NULL, 0};
  TSTree *tree = NULL;
  int rc = repair_defines(&r);
  if (rc == 0)
    rc = pt__extract_parse_text(x, path, r.copy ? r.copy : src, len, &tree);
  size_t before = r.n_blanked;
  if (rc == 0)
    rc = repair_definitions(&r, tree, grammar == PT_GRAMMAR_C);
  if (rc == 0 && r.n_blanked > before) {
    ts_tree_delete(tree);
    tree = NULL;
    rc = pt__extract_parse_text(x, path, r.copy, len, &tree);
  }
  pt_free(r.copy);
  if (rc && tree)
    ts_tree_delete(tree);
  *out = rc ? NULL : tree;
  return rc;
}
