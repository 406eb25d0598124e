/* Test detection by each language's conventions: whole
 * files by path (Go's _test.go, JS/TS .test./.spec., tests/ folders ...),
 * single definitions by their markers (#[test], @Test, [Fact], @pytest...,
 * gtest's TEST macros) and classes by their test base class. Matching is by
 * whole words and path components, never by substrings such as "it(".
 * docs/contract/ingestion.md 9. */
#include <string.h>

#include "extract_int.h"

typedef struct lang_rules {
  const char *const *dirs;       /* path components that hold tests */
  const char *const *prefixes;   /* file name starts with */
  const char *const *suffixes;   /* file name ends with */
  const char *const *markers;    /* words in attributes/annotations/decorators */
  const char *const *bases;      /* words in a class head: a test base class */
  const char *const *fn_names;   /* function names that are test macros */
} lang_rules;

#define L(...) (const char *const[]){__VA_ARGS__, NULL}
#define NONE NULL

static const lang_rules rules[PT_LANG__COUNT] = {
  [PT_LANG_RUST] = {L("tests", "benches"), NONE, L("_test.rs", "_tests.rs"),
                    L("test", "bench"), NONE, NONE},
  [PT_LANG_PYTHON] = {L("tests", "test"), L("test_"), L("_test.py", "conftest.py"),
                      L("pytest"), L("TestCase"), NONE},
  [PT_LANG_JAVASCRIPT] = {L("__tests__", "tests", "test", "spec", "__mocks__"), NONE,
                          L(".test.js", ".spec.js", ".test.jsx", ".spec.jsx",
                            ".test.mjs", ".spec.mjs", ".test.cjs", ".spec.cjs"),
                          NONE, NONE, NONE},
  [PT_LANG_TYPESCRIPT] = {L("__tests__", "tests", "test", "spec", "__mocks__"), NONE,
                          L(".test.ts", ".spec.ts", ".test.tsx", ".spec.tsx",
                            ".test.mts", ".spec.mts"),
                          NONE, NONE, NONE},
  [PT_LANG_GO] = {NONE, NONE, L("_test.go"), NONE, NONE, NONE},
  [PT_LANG_JAVA] = {L("test"), NONE, L("Test.java", "Tests.java", "IT.java"),
                    L("Test", "ParameterizedTest", "RepeatedTest", "TestFactory",
                      "TestTemplate", "BeforeEach", "AfterEach", "BeforeAll",
                      "AfterAll", "Before", "After", "BeforeClass", "AfterClass"),
                    L("TestCase"), NONE},
  [PT_LANG_C] = {L("tests", "test"), L("test_"), L("_test.c", "_tests.c", "_unittest.c"),
                 NONE, NONE, NONE},
  [PT_LANG_CPP] = {L("tests", "test"), L("test_"),
                   L("_test.cc", "_test.cpp", "_test.cxx", "_unittest.cc",
                     "_unittest.cpp", "_tests.cc", "_tests.cpp"),
                   NONE, NONE,
                   L("TEST", "TEST_F", "TEST_P", "TYPED_TEST", "TYPED_TEST_P",
                     "TEST_CASE", "SCENARIO", "BOOST_AUTO_TEST_CASE")},
  [PT_LANG_RUBY] = {L("spec", "test"), L("test_"), L("_spec.rb", "_test.rb"),
                    NONE, L("Minitest", "TestCase"), NONE},
  [PT_LANG_PHP] = {L("tests", "test"), NONE, L("Test.php"), L("Test", "test"),
                   L("TestCase"), NONE},
  [PT_LANG_CSHARP] = {L("tests", "test"), NONE, L("Tests.cs", "Test.cs"),
                      L("Test", "TestMethod", "Fact", "Theory", "TestCase",
                        "TestCaseSource", "SetUp", "TearDown", "TestClass",
                        "TestFixture", "TestInitialize", "TestCleanup"),
                      NONE, NONE},
  [PT_LANG_SWIFT] = {L("Tests"), NONE, L("Tests.swift", "Test.swift"),
                     L("Test", "Suite"), L("XCTestCase"), NONE},
};

static int in_list(const char *const *list, const char *s, size_t len)
{
  for (int i = 0; list && list[i]; i++)
    if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
      return 1;
  return 0;
}

static int is_ident(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* The first word of `words` that stands alone (not part of a longer
 * identifier) somewhere in text[0, len). */
static const char *find_word(const char *const *words, const char *text, size_t len)
{
  for (size_t i = 0; i < len;) {
    if (!is_ident(text[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < len && is_ident(text[j]))
      j++;
    for (int w = 0; words && words[w]; w++)
      if (strlen(words[w]) == j - i && memcmp(words[w], text + i, j - i) == 0)
        return words[w];
    i = j;
  }
  return NULL;
}

const char *pt__test_file_reason(pt_lang lang, const char *path)
{
  const lang_rules *r = &rules[lang];
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (const char *p = path; p < base;) {
    const char *slash = strchr(p, '/');
    size_t len = (size_t)(slash - p);
    if (in_list(r->dirs, p, len) ||
        (lang == PT_LANG_CSHARP && len > 6 && memcmp(p + len - 6, ".Tests", 6) == 0) ||
        (lang == PT_LANG_SWIFT && len > 5 && memcmp(p + len - 5, "Tests", 5) == 0))
      return "file:folder";
    p = slash + 1;
  }
  for (int i = 0; r->prefixes && r->prefixes[i]; i++)
    if (strncmp(base, r->prefixes[i], strlen(r->prefixes[i])) == 0)
      return "file:name";
  size_t bl = strlen(base);
  for (int i = 0; r->suffixes && r->suffixes[i]; i++) {
    size_t sl = strlen(r->suffixes[i]);
    if (bl >= sl && strcmp(base + bl - sl, r->suffixes[i]) == 0)
      return "file:name";
  }
  return NULL;
}

static int is_decoration(const char *type)
{
  static const char *const kinds[] = {
    "attribute_item", "attribute", "decorator", "annotation",
    "marker_annotation", "attribute_list", "modifiers", "attributes",
    "modifier", NULL};
  for (int i = 0; kinds[i]; i++)
    if (strcmp(type, kinds[i]) == 0)
      return 1;
  return 0;
}

/* The marker word of the named decorations right before def among its
 * parent's children, the nearest first, as ts_node_prev_named_sibling
 * gives them from def; *is_known is 0 when this cannot tell. A cursor
 * goes to def by its byte offset (over whole runs of siblings at once)
 * and back from there, where ts_node_prev_named_sibling walks down from
 * the root to def's parent and along its children each time. */
static const char *marker_before(pt_xfile *f, TSNode def, TSNode parent,
                                 const char *const *markers, int *is_known)
{
  const char *hit = NULL;
  *is_known = 0;
  if (ts_node_is_null(parent))
    return NULL;
  TSTreeCursor c = ts_tree_cursor_new(parent);
  if (ts_tree_cursor_goto_first_child_for_byte(&c, ts_node_start_byte(def)) >= 0 &&
      ts_tree_cursor_current_node(&c).id == def.id) {
    *is_known = 1;
    while (!hit && ts_tree_cursor_goto_previous_sibling(&c)) {
      TSNode s = ts_tree_cursor_current_node(&c);
      if (!ts_node_is_named(s))
        continue;
      if (!is_decoration(ts_node_type(s)))
        break;
      uint32_t a = ts_node_start_byte(s);
      hit = find_word(markers, f->src + a, ts_node_end_byte(s) - a);
    }
  }
  ts_tree_cursor_delete(&c);
  return hit;
}

/* A marker word in the decorations of a definition: preceding attribute
 * siblings (Rust, C#, PHP), its own modifiers/attribute children (Java,
 * C#, Swift, PHP), or a Python decorated_definition around it. */
static const char *marker_of(pt_xfile *f, TSNode def, const char *const *markers)
{
  int is_known;
  TSNode parent = pt__node_parent(f, def); /* one walk for both uses */
  const char *hit = marker_before(f, def, parent, markers, &is_known);
  if (!is_known)
    for (TSNode s = ts_node_prev_named_sibling(def);
         !hit && !ts_node_is_null(s) && is_decoration(ts_node_type(s));
         s = ts_node_prev_named_sibling(s)) {
      uint32_t a = ts_node_start_byte(s);
      hit = find_word(markers, f->src + a, ts_node_end_byte(s) - a);
    }
  uint32_t n = ts_node_named_child_count(def);
  for (uint32_t i = 0; !hit && i < n; i++) {
    TSNode c = ts_node_named_child(def, i);
    if (!is_decoration(ts_node_type(c)))
      continue;
    uint32_t a = ts_node_start_byte(c);
    hit = find_word(markers, f->src + a, ts_node_end_byte(c) - a);
  }
  if (!hit && !ts_node_is_null(parent) &&
      strcmp(ts_node_type(parent), "decorated_definition") == 0) {
    uint32_t a = ts_node_start_byte(parent);
    hit = find_word(markers, f->src + a, ts_node_start_byte(def) - a);
  }
  return hit;
}

const char *pt__test_entity_reason(pt_xfile *f, const pt_cand *c)
{
  const lang_rules *r = &rules[f->lang];
  if (r->markers) {
    const char *m = marker_of(f, c->node, r->markers);
    if (m) {
      char *reason = pt_arena_alloc(&f->r->arena, strlen(m) + 8);
      if (reason) {
        memcpy(reason, "marker:", 7);
        memcpy(reason + 7, m, strlen(m) + 1);
      }
      return reason ? reason : "marker";
    }
  }
  if (r->fn_names && c->kind == PT_KIND_FUNCTION &&
      in_list(r->fn_names, c->name, strlen(c->name)))
    return "macro:test";
  if (r->bases && (c->kind == PT_KIND_CLASS || c->kind == PT_KIND_STRUCT) &&
      find_word(r->bases, c->signature, strlen(c->signature)))
    return "base:test_case";
  return NULL;
}
