/* Compiled queries with their capture roles and text predicates (private to
 * core). Capture names are our convention, documented in
 * core/queries/README.md. */
#ifndef PT_QUERY_H
#define PT_QUERY_H

#include <stdint.h>
#include <tree_sitter/api.h>

#include "pt/extract.h"

typedef enum pt_role {
  PT_ROLE_NONE,        /* helper captures ("_x") and unknown names */
  PT_ROLE_DEFINITION,  /* definition.<kind>: kind in role_arg */
  PT_ROLE_NAME,
  PT_ROLE_SCOPE,
  PT_ROLE_REFERENCE,   /* reference.<kind>: pt_ref_kind in role_arg */
  PT_ROLE_MODULE,
  PT_ROLE_IMPORT,      /* an import statement, for word coverage */
  PT_ROLE_BIND_VAR,    /* binding.var: a variable, parameter or field */
  PT_ROLE_BIND_TYPE    /* binding.type/.new/.call: its type, pt_recv_how in
                          role_arg */
} pt_role;

typedef struct pt_pred pt_pred;

typedef struct pt_query {
  TSQuery *ts;
  uint32_t n_captures;
  uint8_t *role;       /* by capture id */
  uint8_t *role_arg;
  pt_pred **preds;     /* by pattern: NULL-free list, NULL when none */
  uint32_t *n_preds;
} pt_query;

/* Compiles src for lang; file names the query in error messages. */
int pt__query_compile(pt_query *q, const TSLanguage *lang, const char *src,
                      size_t len, const char *file);
void pt__query_fini(pt_query *q);
/* 1 when the text predicates of the match's pattern hold. */
int pt__query_match_ok(const pt_query *q, const TSQueryMatch *m,
                       const char *src);

#endif
