/* The twelve languages: file extensions, tree-sitter grammars, our embedded
 * queries, and the node kinds word coverage counts. */
#ifndef PT_LANG_H
#define PT_LANG_H

#include <stddef.h>

#include "pt/model.h"

/* A grammar; TypeScript has two (.ts and .tsx). */
typedef enum pt_grammar {
  PT_GRAMMAR_RUST,
  PT_GRAMMAR_PYTHON,
  PT_GRAMMAR_JAVASCRIPT,
  PT_GRAMMAR_TYPESCRIPT,
  PT_GRAMMAR_TSX,
  PT_GRAMMAR_GO,
  PT_GRAMMAR_JAVA,
  PT_GRAMMAR_C,
  PT_GRAMMAR_CPP,
  PT_GRAMMAR_RUBY,
  PT_GRAMMAR_PHP,
  PT_GRAMMAR_CSHARP,
  PT_GRAMMAR_SWIFT,
  PT_GRAMMAR__COUNT
} pt_grammar;

typedef struct TSLanguage TSLanguage;

typedef struct pt_grammar_info {
  pt_grammar grammar;
  pt_lang lang;
  const char *name;                  /* "tsx" for TSX, else the language */
  const TSLanguage *(*ts_language)(void);
  const char *entity_query;          /* embedded core/queries/<lang>.entities.scm */
  size_t entity_query_len;
  const char *reference_query;       /* ....references.scm */
  size_t reference_query_len;
  const char *const *comment_kinds;  /* NULL-terminated node kinds */
} pt_grammar_info;

const pt_grammar_info *pt_grammar_get(pt_grammar g);

/* The grammar for a file name by its extension (case-sensitive, as the
 * earlier tool). 1 and *out when the path has a language, else 0.
 * `.h` is C unless head (the first bytes of the file, may be NULL) shows
 * C++ (classes, namespaces, templates, access specifiers). */
int pt_grammar_for_path(const char *path, const char *head, size_t head_len,
                        pt_grammar *out);
/* The i-th extension with a grammar ("rs", "py", ...), NULL past the end. */
const char *pt_lang_extension_at(size_t i);

#endif
