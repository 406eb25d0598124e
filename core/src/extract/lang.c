/* The language table of pt/lang.h: extensions, grammar entry points (from
 * the npm grammar sources) and our embedded queries. */
#include <string.h>

#include "pt/buf.h"
#include "pt/lang.h"

const TSLanguage *tree_sitter_rust(void);
const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);
const TSLanguage *tree_sitter_go(void);
const TSLanguage *tree_sitter_java(void);
const TSLanguage *tree_sitter_c(void);
const TSLanguage *tree_sitter_cpp(void);
const TSLanguage *tree_sitter_ruby(void);
const TSLanguage *tree_sitter_php(void);
const TSLanguage *tree_sitter_c_sharp(void);
const TSLanguage *tree_sitter_swift(void);

/* The embedded queries (cmake/embed.cmake): NUL-terminated arrays whose
 * sizes the generated header declares. */
#include "queries_embedded.h"

static const char *const hash_comments[] = {"comment", NULL};
static const char *const rust_comments[] = {"line_comment", "block_comment", NULL};
static const char *const swift_comments[] = {"comment", "multiline_comment", NULL};

#define Q(lang)                                                         \
  pt_q_##lang##_entities_scm, sizeof pt_q_##lang##_entities_scm - 1,      \
      pt_q_##lang##_references_scm, sizeof pt_q_##lang##_references_scm - 1

static const pt_grammar_info table[PT_GRAMMAR__COUNT] = {
  {PT_GRAMMAR_RUST, PT_LANG_RUST, "rust", tree_sitter_rust, Q(rust), rust_comments},
  {PT_GRAMMAR_PYTHON, PT_LANG_PYTHON, "python", tree_sitter_python, Q(python), hash_comments},
  {PT_GRAMMAR_JAVASCRIPT, PT_LANG_JAVASCRIPT, "javascript", tree_sitter_javascript, Q(javascript), hash_comments},
  {PT_GRAMMAR_TYPESCRIPT, PT_LANG_TYPESCRIPT, "typescript", tree_sitter_typescript, Q(typescript), hash_comments},
  {PT_GRAMMAR_TSX, PT_LANG_TYPESCRIPT, "tsx", tree_sitter_tsx, Q(typescript), hash_comments},
  {PT_GRAMMAR_GO, PT_LANG_GO, "go", tree_sitter_go, Q(go), hash_comments},
  {PT_GRAMMAR_JAVA, PT_LANG_JAVA, "java", tree_sitter_java, Q(java), rust_comments},
  {PT_GRAMMAR_C, PT_LANG_C, "c", tree_sitter_c, Q(c), hash_comments},
  {PT_GRAMMAR_CPP, PT_LANG_CPP, "cpp", tree_sitter_cpp, Q(cpp), hash_comments},
  {PT_GRAMMAR_RUBY, PT_LANG_RUBY, "ruby", tree_sitter_ruby, Q(ruby), hash_comments},
  {PT_GRAMMAR_PHP, PT_LANG_PHP, "php", tree_sitter_php, Q(php), hash_comments},
  {PT_GRAMMAR_CSHARP, PT_LANG_CSHARP, "csharp", tree_sitter_c_sharp, Q(csharp), hash_comments},
  {PT_GRAMMAR_SWIFT, PT_LANG_SWIFT, "swift", tree_sitter_swift, Q(swift), swift_comments},
};

const pt_grammar_info *pt_grammar_get(pt_grammar g)
{
  if ((unsigned)g >= PT_GRAMMAR__COUNT)
    return NULL;
  return &table[g];
}

typedef struct ext_rule {
  const char *ext;
  pt_grammar grammar;
} ext_rule;

static const ext_rule extensions[] = {
  {"rs", PT_GRAMMAR_RUST},       {"py", PT_GRAMMAR_PYTHON},
  {"pyi", PT_GRAMMAR_PYTHON},    {"js", PT_GRAMMAR_JAVASCRIPT},
  {"jsx", PT_GRAMMAR_JAVASCRIPT},{"mjs", PT_GRAMMAR_JAVASCRIPT},
  {"cjs", PT_GRAMMAR_JAVASCRIPT},{"ts", PT_GRAMMAR_TYPESCRIPT},
  {"mts", PT_GRAMMAR_TYPESCRIPT},{"cts", PT_GRAMMAR_TYPESCRIPT},
  {"tsx", PT_GRAMMAR_TSX},       {"go", PT_GRAMMAR_GO},
  {"java", PT_GRAMMAR_JAVA},     {"c", PT_GRAMMAR_C},
  {"h", PT_GRAMMAR_C},           {"cpp", PT_GRAMMAR_CPP},
  {"cc", PT_GRAMMAR_CPP},        {"cxx", PT_GRAMMAR_CPP},
  {"hpp", PT_GRAMMAR_CPP},       {"hh", PT_GRAMMAR_CPP},
  {"hxx", PT_GRAMMAR_CPP},       {"rb", PT_GRAMMAR_RUBY},
  {"rake", PT_GRAMMAR_RUBY},     {"php", PT_GRAMMAR_PHP},
  {"cs", PT_GRAMMAR_CSHARP},     {"swift", PT_GRAMMAR_SWIFT},
};

const char *pt_lang_extension_at(size_t i)
{
  return i < sizeof extensions / sizeof extensions[0] ? extensions[i].ext : NULL;
}

static int ident_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* Does code at s (outside comments and strings) start a C++-only
 * construct: `namespace x {`, `template <`, `class X {` or `class X :`,
 * an access specifier, or `std::`? */
static int cpp_construct(const char *s, const char *end)
{
  static const char *const words[] = {"namespace", "template", "class",
                                      "public", "private", "protected", "std"};
  for (int w = 0; w < 7; w++) {
    size_t n = strlen(words[w]);
    if ((size_t)(end - s) <= n || memcmp(s, words[w], n) != 0 || ident_char(s[n]))
      continue;
    const char *p = s + n;
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
    if (w >= 3 && w <= 5)                       /* public: */
      return p < end && *p == ':' && (p + 1 >= end || p[1] != ':');
    if (w == 6)                                 /* std:: */
      return end - p >= 2 && p[0] == ':' && p[1] == ':';
    if (w == 1)                                 /* template < */
      return p < end && *p == '<';
    const char *id = p;
    while (p < end && ident_char(*p))
      p++;
    if (p == id)
      return 0;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      p++;
    return p < end && (*p == '{' || (w == 2 && *p == ':'));
  }
  return 0;
}

/* A .h file is C++ when its code, comments and strings left out, uses a
 * construct C does not have. */
static int looks_like_cpp(const char *head, size_t len)
{
  const char *s = head, *end = head + len;
  int at_word_start = 1;
  while (s < end) {
    if (s + 1 < end && s[0] == '/' && s[1] == '/') {
      while (s < end && *s != '\n')
        s++;
    } else if (s + 1 < end && s[0] == '/' && s[1] == '*') {
      s += 2;
      while (s + 1 < end && !(s[0] == '*' && s[1] == '/'))
        s++;
      s += 2;
    } else if (*s == '"' || *s == '\'') {
      char q = *s++;
      while (s < end && *s != q && *s != '\n')
        s += (*s == '\\') ? 2 : 1;
      s++;
    } else {
      if (at_word_start && cpp_construct(s, end))
        return 1;
      at_word_start = !ident_char(*s);
      s++;
      continue;
    }
    at_word_start = 1;
  }
  return 0;
}

int pt_grammar_for_path(const char *path, const char *head, size_t head_len,
                        pt_grammar *out)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base)
    return 0;
  for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++)
    if (strcmp(dot + 1, extensions[i].ext) == 0) {
      *out = extensions[i].grammar;
      if (*out == PT_GRAMMAR_C && strcmp(dot + 1, "h") == 0 && head &&
          looks_like_cpp(head, head_len))
        *out = PT_GRAMMAR_CPP;
      return 1;
    }
  return 0;
}
