/* Compiled queries with their capture roles and text predicates (private to
 * core). Capture names are our convention, documented in
 * core/queries/README.md. */
#ifndef PT_QUERY_H
#define PT_QUERY_H

#include <stdint.h>
#include <tree_sitter/api.h>

#include "pt/buf.h"
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
typedef struct pt_root_need pt_root_need;

typedef struct pt_query {
  TSQuery *ts;
  uint32_t n_captures;
  uint8_t *role;       /* by capture id */
  uint8_t *role_arg;
  pt_pred **preds;     /* by pattern: NULL-free list, NULL when none */
  uint32_t *n_preds;
  uint8_t *roots;      /* by symbol: 1 where some pattern starts, or NULL
                          when a pattern's first node cannot be told */
  uint32_t n_symbols;
  pt_root_need *needs; /* owned, by symbol where roots is 1: what a start
                          node's children must hold for a pattern to match
                          (query_walk.c) */
  uint32_t end_capture; /* 1 + the id of @_pt_end, or 0 */
} pt_query;

/* The matches of a query over a tree, in the order the query cursor gives
 * them when it walks the whole tree (query_walk.c). */
typedef struct pt_walk_match pt_walk_match;
typedef struct pt_walk_held pt_walk_held;
typedef struct pt_query_walk {
  const pt_query *q;         /* borrowed */
  TSQueryCursor *cur;        /* borrowed */
  int is_whole;              /* the cursor walks the whole tree */
  pt_walk_match *matches;    /* owned: sorted, then handed out in turn */
  size_t n_matches, cap_matches, next;
  TSQueryCapture *caps;      /* owned: the matches' captures */
  size_t n_caps, cap_caps;
  TSNode *froms;             /* owned: the nodes where matches start */
  size_t n_froms, cap_froms;
  pt_walk_held *held;        /* owned: start nodes waiting for their
                                children to be seen */
  size_t n_held, cap_held;
  uint64_t n_runs;           /* query runs so far, for tests */
  TSNode from;               /* the node the current match's pattern
                                starts on, or a null node */
} pt_query_walk;

/* Compiles src for lang; file names the query in error messages. */
int pt__query_compile(pt_query *q, const TSLanguage *lang, const char *src,
                      size_t len, const char *file);
void pt__query_fini(pt_query *q);
/* Copies src into out with the helper capture @_pt_end on the last step
 * of each pattern (query_walk.c). 0, PT_ENOTSUPPORTED for text it cannot
 * read (a quantifier, MISSING), or PT_ENOMEM. */
int pt__query_mark_ends(const char *src, size_t len, pt_buf *out);
/* Fills q->roots from the patterns' text (query_walk.c); leaves it NULL
 * when some pattern's first node cannot be told. 0, or PT_ENOMEM. */
int pt__query_find_roots(pt_query *q, const TSLanguage *lang, const char *src,
                         size_t len);
/* Frees q->needs (query_walk.c). */
void pt__query_needs_free(pt_query *q);
/* 1 when the text predicates of the match's pattern hold. */
int pt__query_match_ok(const pt_query *q, const TSQueryMatch *m,
                       const char *src);

/* Starts the matches of q under root on cur, with w zeroed or ended: its
 * arrays are reused from walk to walk. 0, or PT_ENOMEM; call
 * pt__query_walk_end either way. */
int pt__query_walk_start(pt_query_walk *w, const pt_query *q,
                         TSQueryCursor *cur, TSNode root);
/* The next match into *m (valid until the next call): 1, or 0 at the end. */
int pt__query_walk_next(pt_query_walk *w, TSQueryMatch *m);
/* Ends a walk, keeping its arrays for the next; pt__query_walk_fini frees
 * them. */
void pt__query_walk_end(pt_query_walk *w);
/* Frees an ended walk's arrays that hold more than max_bytes. */
void pt__query_walk_trim(pt_query_walk *w, size_t max_bytes);
void pt__query_walk_fini(pt_query_walk *w);

#endif
