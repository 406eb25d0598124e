/* The domain model: languages, entity kinds, edge types and the records a
 * graph holds. Strings in these records are borrowed from whatever owns the
 * record (a parse result's arena, or a graph's string pool). */
#ifndef PT_MODEL_H
#define PT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum pt_lang {
  PT_LANG_RUST,
  PT_LANG_PYTHON,
  PT_LANG_JAVASCRIPT,
  PT_LANG_TYPESCRIPT,
  PT_LANG_GO,
  PT_LANG_JAVA,
  PT_LANG_C,
  PT_LANG_CPP,
  PT_LANG_RUBY,
  PT_LANG_PHP,
  PT_LANG_CSHARP,
  PT_LANG_SWIFT,
  PT_LANG__COUNT
} pt_lang;

typedef enum pt_kind {
  PT_KIND_FUNCTION,
  PT_KIND_METHOD,
  PT_KIND_CLASS,
  PT_KIND_STRUCT,
  PT_KIND_ENUM,
  PT_KIND_TRAIT,
  PT_KIND_INTERFACE,
  PT_KIND_IMPL,
  PT_KIND_MODULE,
  PT_KIND_NAMESPACE,
  PT_KIND_TYPEDEF,
  PT_KIND__COUNT
} pt_kind;

typedef enum pt_edge_type {
  PT_EDGE_CALLS,
  PT_EDGE_USES,
  PT_EDGE_IMPLEMENTS,
  PT_EDGE_EXTENDS,
  PT_EDGE__COUNT
} pt_edge_type;

/* A definition found in a source file. */
typedef struct pt_entity {
  const char *key;        /* lang:token:name:semantic_path:T<birth> */
  const char *name;       /* the name as written */
  const char *qualname;   /* enclosing names joined with '.', then name */
  const char *file_path;  /* root-relative, '/' separators */
  const char *signature;  /* declaration head, whitespace folded */
  const char *code;       /* the entity's whole source lines, code_len
                             bytes: not NUL-terminated when it lies inside
                             an enclosing entity's code (pt_entity_code_len) */
  const char *parent_key; /* enclosing entity, or NULL */
  char content_hash[65];  /* SHA-256 hex of code */
  pt_lang lang;
  pt_kind kind;
  uint32_t line_start;    /* 1-based, inclusive */
  uint32_t line_end;
  uint32_t code_len;      /* bytes of code; 0 with code not NULL: code is
                             NUL-terminated (a record made without it) */
  int64_t birth;          /* the T number of the key */
} pt_entity;

/* Whether two of the model's strings are the same: both NULL, one
 * interned string, or the same text. */
static inline int pt_str_same(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* The bytes of e's code: 0 when there is none. Read code through this
 * and never as a C string: a nested entity's code is a range of its
 * outermost ancestor's, one copy per file (extraction, graphs). */
static inline size_t pt_entity_code_len(const pt_entity *e)
{
  return !e->code ? 0 : e->code_len ? e->code_len : strlen(e->code);
}

/* Whether a and b have the same code (both none, or the same bytes). */
static inline int pt_entity_same_code(const pt_entity *a, const pt_entity *b)
{
  size_t n = pt_entity_code_len(a);
  return !a->code == !b->code && n == pt_entity_code_len(b) &&
         (a->code == b->code || !n || memcmp(a->code, b->code, n) == 0);
}

/* The last entity code copied whole, and its copy: nested entities' code
 * (inside that text, in source order) becomes a range of the copy. */
typedef struct pt_code_share {
  const char *from; /* the text copied, code_size bytes */
  const char *copy; /* its copy */
  size_t size;
} pt_code_share;

struct pt_arena;
/* Sets e's code to a range of s's copy when it lies inside s's text (and,
 * with check_bytes, has the same bytes: memory that may have been another
 * text's by now), else to a copy in a, which becomes s's text. No code
 * stays none. 0, or PT_ENOMEM. */
int pt_entity_share_code(pt_code_share *s, struct pt_arena *a, pt_entity *e,
                         int check_bytes);

/* Where each of n entities' code lies, for a save that keeps a nested
 * entity's code once (SQLite schema 7, RocksDB format 10): holder[i] is
 * the place of the entity of the same file whose code's bytes hold entity
 * i's, at at[i] of them; UINT32_MAX: entity i's own. Extraction and a load
 * keep a file's nested code as ranges of its enclosing entity's copy, so
 * the holder is the entity whose code spans the memory entity i's lies in
 * (the bytes are the same by construction); holders are not held.
 * entity(ctx, i) gives entity i. 0, PT_EINVAL (n over UINT32_MAX - 1) or
 * PT_ENOMEM. */
int pt_entity_code_holders(const pt_entity *(*entity)(const void *ctx,
                                                      size_t i),
                           const void *ctx, size_t n, uint32_t *holder,
                           uint32_t *at);

/* How an edge was resolved (docs/extraction.md, Resolution): the rule
 * that chose its target, or why it has none. */
typedef enum pt_resolution {
  PT_RES_NONE,          /* "none": made outside resolution (not recorded) */
  PT_RES_QUALIFIED,     /* the qualifier names the target's type: Foo::new */
  PT_RES_RECEIVER_TYPE, /* a method of the receiver's known type or bases */
  PT_RES_LOCAL,         /* the caller's own type or file */
  PT_RES_IMPORT,        /* a module the file imports, a file it includes */
  PT_RES_DIRECTORY,     /* the only candidate in the file's directory */
  PT_RES_UNIQUE_NAME,   /* the only candidate in the language */
  PT_RES_AMBIGUOUS,     /* unresolved: more than one candidate remains */
  PT_RES_EXTERNAL,      /* unresolved: nothing in the index can be it */
  PT_RES_UNKNOWN_RECEIVER, /* unresolved: a method call on a receiver of
                              unknown type, never taken by name alone */
  PT_RES__COUNT
} pt_resolution;

/* What an unresolved_ambiguous edge could not choose between: the entities
 * its deciding tier left (docs/extraction.md, Resolution). Interned in a
 * graph's pool (pt_graph_intern_candidates): one list of equal contents is
 * one pointer in a graph. */
#define PT_CANDIDATES_MAX 16
typedef struct pt_candidates {
  uint32_t n;             /* how many the tier left, all counted (>= 2) */
  uint32_t n_keys;        /* keys listed: n, at most PT_CANDIDATES_MAX */
  const char *keys[];     /* the n_keys smallest entity keys, bytewise
                             sorted (borrowed) */
} pt_candidates;

/* A dependency. to_key names a real entity when resolved is 1; otherwise a
 * placeholder "lang:token:name:unresolved-reference:0-0" (or a file key for
 * references made at file scope: "lang:file:<path with / and . as _>:1-1"). */
typedef struct pt_edge {
  const char *from_key;
  const char *to_key;
  const char *file_path;  /* where the reference is written */
  pt_edge_type type;
  uint32_t line;          /* 1-based line of the reference */
  int resolved;
  pt_resolution resolution; /* how; resolved exactly when it is below
                               PT_RES_AMBIGUOUS (or NONE) */
  const pt_candidates *candidates; /* PT_RES_AMBIGUOUS: the candidates it
                               could not choose between, or NULL (not
                               known: an older store); else NULL */
} pt_edge;

/* One indexed source file and its word coverage
 * (docs/contract/ingestion.md 11). */
typedef struct pt_file_record {
  const char *path;       /* root-relative, '/' separators */
  const char *content_hash;
  pt_lang lang;
  uint64_t size;
  uint32_t n_entities;    /* CODE entities of the file */
  uint32_t n_tests;       /* entities excluded as tests */
  uint32_t n_parse_errors;/* ERROR/MISSING nodes tree-sitter recovered from */
  uint64_t source_words;
  uint64_t entity_words;  /* words on lines covered by CODE entities */
  uint64_t import_words;
  uint64_t comment_words;
  /* Bookkeeping for reusing the file's results without parsing it again
   * (docs/live-index.md, "Starting"); neither is compared by
   * pt_graph_equal nor shown by the dumps. */
  int64_t mtime_ns;       /* the file's mtime when it was read; 0 = unknown */
  const void *reuse;      /* opaque, made by the ingest stage: what its
                             extraction gave beyond these records (source
                             order, raw references); NULL = not kept */
  size_t reuse_size;
} pt_file_record;

/* A test entity left out of the graph, and why. */
typedef struct pt_test_entity {
  const char *key;
  const char *name;
  const char *file_path;
  const char *reason;     /* "file:folder", "file:name", "marker:<word>",
                           * "macro:test" or "base:test_case" */
  pt_lang lang;
  pt_kind kind;
  uint32_t line_start;
  uint32_t line_end;
} pt_test_entity;

/* A file or directory the walk did not index, and why: "gitignore",
 * "parseltongueignore", "default_exclude", "binary", "too_large",
 * "no_parser", "symlink", "unreadable". Directories end with '/'. */
typedef struct pt_ignored_file {
  const char *path;
  const char *reason;
} pt_ignored_file;

/* "rust", "python", ... "csharp", "swift": the key prefix and column value. */
const char *pt_lang_name(pt_lang lang);
/* Inverse of pt_lang_name; PT_EINVAL when unknown. */
int pt_lang_from_name(const char *name, pt_lang *out);
/* Key token: "fn", "method", "class", "struct", "enum", "trait" (traits and
 * interfaces), "impl", "mod", "namespace", "typedef". */
const char *pt_kind_token(pt_kind kind);
/* entity_type column: "function", "method", ... "interface", "module". */
const char *pt_kind_name(pt_kind kind);
int pt_kind_from_name(const char *name, pt_kind *out);
/* "Calls", "Uses", "Implements", "Extends". */
const char *pt_edge_type_name(pt_edge_type type);
int pt_edge_type_from_name(const char *name, pt_edge_type *out);
/* "none", "qualified", "receiver_type", "local", "import", "directory",
 * "unique_name", "unresolved_ambiguous", "unresolved_external",
 * "unresolved_unknown_receiver". */
const char *pt_resolution_name(pt_resolution r);
int pt_resolution_from_name(const char *name, pt_resolution *out);
/* How far a resolution is trusted, in percent: 0 for the unresolved ones,
 * 100 for NONE (an edge stated outright). */
unsigned pt_resolution_confidence(pt_resolution r);

#endif
