/* Extraction: one source file in, its entities, excluded tests, raw
 * references and file record out. Runs our queries (core/queries) over the
 * tree-sitter tree; nothing in a result points into tree-sitter or the
 * source buffer. One pt_extractor per thread; the compiled queries are
 * shared read-only by all of them. */
#ifndef PT_EXTRACT_H
#define PT_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/lang.h"
#include "pt/model.h"

typedef enum pt_ref_kind {
  PT_REF_CALL,       /* f(), obj.m(), A::f() -> Calls */
  PT_REF_NEW,        /* new T(), T{} -> Calls (a constructor) */
  PT_REF_TYPE,       /* a type named in a signature or body -> Uses */
  PT_REF_IMPORT,     /* an imported name or module -> Uses */
  PT_REF_INCLUDE,    /* #include "x.h" -> Uses (the file) */
  PT_REF_EXTENDS,    /* class inheritance -> Extends */
  PT_REF_IMPLEMENTS, /* interface/trait/protocol conformance -> Implements */
  PT_REF__COUNT
} pt_ref_kind;

/* How a call names its target: f(), a path A::f / A\\f, or a member o.f /
 * o->f (o a receiver, or a type or module). An import is PT_VIA_PATH when
 * it imports a module (its scope, if any, is the name the file gives the
 * module: `import * as ns`, `import a.b as n`, `const m = require(..)`),
 * PT_VIA_MEMBER when it imports a name from one (its scope, if any, is the
 * name's alias: `from m import f as g`; a JavaScript default import's scope
 * is its own name). */
typedef enum pt_ref_via {
  PT_VIA_NAME,
  PT_VIA_PATH,
  PT_VIA_MEMBER
} pt_ref_via;

/* Where the type of a member call's receiver comes from. */
typedef enum pt_recv_how {
  PT_RECV_UNKNOWN,     /* no binding in view: recv_type is NULL */
  PT_RECV_DECLARED,    /* a declared type: T x, x: T, var x T, a field */
  PT_RECV_CONSTRUCTED, /* new T, T{}, &T{}, T::new(), T.new */
  PT_RECV_CALLED       /* x = T(...) or x := NewT(): a type only when T
                          names one, else the declared return of the
                          function T */
} pt_recv_how;

/* A reference before resolution. */
typedef struct pt_raw_ref {
  const char *from_key;  /* innermost enclosing entity, or the file key */
  const char *name;      /* the referenced name as written (last segment) */
  const char *scope;     /* qualifier or receiver ("Foo" in Foo::new), or NULL */
  const char *module;    /* import source ("./util", "a.b"), or NULL */
  const char *recv_type; /* the receiver's type name as written, generic
                            arguments and pointer sigils cut ("Map",
                            "strings.Builder"), or NULL */
  pt_ref_kind kind;
  uint32_t line;
  int32_t from_entity;   /* index into the result's entities, or -1 */
  uint8_t via;           /* pt_ref_via */
  uint8_t recv_how;      /* pt_recv_how */
  uint8_t arity;         /* a C or C++ call's argument count + 1 (at most
                            255), 0 when not counted */
  uint8_t is_base_init;  /* C++: a base class's constructor run by a
                            member initialiser list (`: Base(doc)`) */
  const char *arg_types; /* C++: the arguments' types as far as the syntax
                            states them (extract_args.c), or NULL */
} pt_raw_ref;

typedef struct pt_file_result {
  pt_arena arena;              /* owns everything below */
  pt_entity *entities;         /* CODE entities, in source order */
  size_t n_entities;
  pt_test_entity *tests;       /* entities left out as tests */
  size_t n_tests;
  pt_raw_ref *refs;            /* from CODE entities or file scope (and
                                  tests: pt_extract_file_with_tests) */
  size_t n_refs;
  pt_file_record file;
} pt_file_result;

typedef struct pt_queries pt_queries;
typedef struct pt_extractor pt_extractor;

/* A set of compiled queries, shared by every extractor of a run. Each
 * grammar's queries are compiled the first time a file needs them
 * (thread-safe); a query error fails those files with PT_EPARSE naming the
 * query file, row and column. */
int pt_queries_new(pt_queries **out);
void pt_queries_free(pt_queries *q);

/* A new extractor parses within the process's parse budget. */
int pt_extractor_new(pt_queries *q, pt_extractor **out);
void pt_extractor_free(pt_extractor *x);

/* The parse budget: a file's parse may use this much CPU time of its
 * thread (the second parse of a repaired C or C++ file counts with the
 * first); past it, extraction stops with PT_ETIMEDOUT naming the file
 * (pt_ingest leaves the file out as "parse_budget"). A runaway file (a
 * grammar's worst case, a generated giant) so costs a bounded time, and
 * a loaded machine does not shrink the budget. 0: no budget. */
#define PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS 10000u
void pt_extractor_set_parse_budget(pt_extractor *x, uint64_t budget_ms);
/* The budget extractors made from now on start with (the default above
 * until set): every run of the process, index, serve and the live index
 * alike. Set it before extraction starts (the CLI's --parse-budget-ms). */
void pt_extract_set_default_parse_budget(uint64_t budget_ms);

/* Extracts one file. `path` is root-relative with '/'. Bad input (invalid
 * UTF-8, a grammar that cannot parse it at all) returns PT_EPARSE with a
 * message; partial trees with ERROR nodes are extracted and counted. */
int pt_extract_file(pt_extractor *x, pt_grammar grammar, const char *path,
                    const char *src, size_t len, pt_file_result **out);
/* As pt_extract_file, keeping the references made inside test entities
 * too (their from_key is the test's key): what pt/test_map.h reads. */
int pt_extract_file_with_tests(pt_extractor *x, pt_grammar grammar,
                               const char *path, const char *src, size_t len,
                               pt_file_result **out);
void pt_file_result_free(pt_file_result *r);
/* Replaces *r with a copy in a tight arena, each distinct string once, for
 * results kept long (the live index's cache). On PT_ENOMEM *r is as it
 * was. */
int pt_file_result_compact(pt_file_result **r);

/* Parses a file and throws the tree away: the floor extraction is measured
 * against (benchmarks only). */
int pt_extract_parse_only(pt_extractor *x, pt_grammar grammar, const char *path,
                          const char *src, size_t len);

/* The edge type a reference kind becomes. */
pt_edge_type pt_ref_edge_type(pt_ref_kind kind);

#endif
