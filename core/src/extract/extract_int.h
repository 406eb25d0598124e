/* State shared by the extraction steps of one file (private to core). */
#ifndef PT_EXTRACT_INT_H
#define PT_EXTRACT_INT_H

#include <tree_sitter/api.h>

#include "pt/buf.h"
#include "pt/extract.h"
#include "query.h"

/* Each grammar's entity and reference queries compiled as ONE query, so a
 * file's tree is traversed once; compiled on first use, under mu, so a
 * run pays only for the grammars it meets and workers compile in parallel. */
struct pt_queries {
  pt_query combined[PT_GRAMMAR__COUNT];
  int state[PT_GRAMMAR__COUNT];      /* 0 not yet, 1 ready, else PT_E* */
  char error[PT_GRAMMAR__COUNT][256];
  struct pt_mutex *mu[PT_GRAMMAR__COUNT]; /* one a grammar: a thread
                                             compiling C++'s query (0.5 s)
                                             holds up no other grammar */
};

/* A file's bindings by name, once nested (extract_bind_index.c): chains
 * of the locals of one name and owner and of the fields of one name, each
 * in collection order. */
typedef struct pt_bind_index {
  size_t *slots;            /* owned: open addressing, 1 + the first
                               binding of a chain, 0 for an empty slot */
  size_t n_slots, cap_slots; /* n_slots a power of two, or 0: empty */
  size_t *next;             /* owned, by binding: the next one of its chain,
                               SIZE_MAX at the end */
  size_t cap_next;
  struct pt_bind_memo *memo; /* owned, by a chain's first binding: the
                               verdict on its locals once looked up */
  size_t cap_memo;
} pt_bind_index;

/* A chain of locals' verdict (extract_refs.c): 0 not yet decided, else
 * 2 + what the lookup returned, with the binding it gave. */
typedef struct pt_bind_memo {
  const struct pt_binding *out;   /* borrowed from the file's bindings */
  int state;
} pt_bind_memo;

struct pt_extractor {
  pt_queries *q;
  TSParser *parser;
  TSQueryCursor *cursor;
  uint64_t parse_budget_ns; /* 0: none */
  uint64_t parse_cpu_ns;    /* the current file's parses so far */
  pt_bind_index by_name;    /* lent to each file, as the arrays below */
  /* Arrays a file's extraction fills, kept from file to file (freeing
   * them after each file's tree made malloc consolidate its small chunks
   * every time): each file's pt_xfile borrows them and hands them back. */
  pt_query_walk walk;
  struct pt_cand *cands;
  struct pt_pending_ref *pending;
  uint32_t *import_ranges;
  struct pt_binding *binds;
  TSNode *tops;
  size_t cap_cands, cap_pending, cap_import, cap_binds, cap_tops;
};

/* An entity while its file is being extracted. */
typedef struct pt_cand {
  TSNode node;
  uint32_t start_byte, end_byte;
  pt_kind kind;
  const char *name;         /* arena */
  const char *scope;        /* arena, or NULL */
  const char *qualname;     /* arena */
  const char *key;          /* arena */
  const char *signature;    /* arena */
  const char *test_reason;  /* static or arena; NULL for CODE */
  int parent;               /* index, or -1 */
  uint32_t line_start, line_end;
  int64_t birth;
  TSNode up;                /* node's parent as the walk saw it (the one
                               pt__node_parent gives), or a null node */
} pt_cand;

/* A reference capture seen during the single traversal, turned into a
 * pt_raw_ref once the entities are nested. */
typedef struct pt_pending_ref {
  TSNode node;
  TSNode match_root;        /* the node its match started on: a known
                               ancestor for pt__node_parent */
  const char *scope;        /* arena, or NULL */
  const char *module;       /* arena, or NULL */
  pt_ref_kind kind;
  pt_ref_via via;           /* from the text between scope and name */
  uint32_t end;             /* node's end byte, read while it was cached */
} pt_pending_ref;

/* A variable, parameter or field with the type the syntax gives it: what
 * a member call's receiver is looked up in (extract_refs.c). */
typedef struct pt_binding {
  TSNode var;
  const char *name;         /* arena: "x", or a field's name without self. */
  const char *type;         /* arena: the type name, sigils and generics
                               cut; NULL for a local of unknown type */
  pt_recv_how how;
  int is_field;             /* of the type `owner`, else a local of it */
  int owner;                /* candidate index, or -1 for the file */
  uint8_t is_const;         /* C++: declared const (const T x, const T *p) */
  uint8_t is_value;         /* C++: neither a pointer nor a reference */
  uint8_t is_smart;         /* C++: a std::unique_ptr<T> or shared_ptr<T>,
                               type T: its -> reaches a T, its . not */
} pt_binding;

typedef struct pt_xfile {
  pt_extractor *x;
  pt_grammar grammar;
  pt_lang lang;
  const char *path;
  const char *src;
  size_t len;
  TSNode root;
  pt_file_result *r;
  const char *file_key;     /* arena */
  const char *file_test;    /* reason when the whole file is a test */
  uint32_t *line_starts;    /* byte offset of each line (0-based rows) */
  uint32_t n_lines;
  pt_cand *cands;           /* sorted by start asc, end desc */
  size_t n_cands, cap_cands;
  const pt_query *query;    /* the grammar's combined query */
  pt_pending_ref *pending;
  size_t n_pending, cap_pending;
  uint32_t *import_ranges;  /* pairs of byte offsets */
  size_t n_import, cap_import;
  pt_binding *binds;
  size_t n_binds, cap_binds;
  pt_bind_index by_name;    /* made when the references are (borrowed) */
  int is_nested;            /* cands are sorted and have their parents */
  TSNode match_root;        /* while matches are collected, and while
                               their references are made: the node the
                               current one started on, else a null node */
  const TSQueryCapture *known; /* nodes whose ends and parents the walk
                               told (known_ups, by capture; parents may be
                               null nodes, unknown): the current match's
                               captures, or the current reference */
  const pt_cap_up *known_ups;
  uint16_t n_known;
  TSNode *tops;             /* the root's visible children, in order */
  size_t n_tops, cap_tops;
  int keep_test_refs;       /* tests' references are kept too */
  uint32_t at;              /* C++: the byte where the receiver being typed
                               is written, for block scopes; 0 none */
  int arrow;                /* C++: the receiver is followed by -> */
} pt_xfile;

/* Parses src into *out (owned: ts_tree_delete). C and C++ are parsed from a
 * copy where macros and comments that tree-sitter misreads are blank
 * (extract_repair.c); offsets and lines are those of src. */
int pt__extract_parse(pt_extractor *x, pt_grammar grammar, const char *path,
                      const char *src, size_t len, TSTree **out);
/* One tree-sitter parse of src within x's parse budget (extract.c):
 * PT_ETIMEDOUT past it, PT_EPARSE when tree-sitter gives no tree. */
int pt__extract_parse_text(pt_extractor *x, const char *path, const char *src,
                           size_t len, TSTree **out);

/* One traversal: definitions become candidates, reference captures become
 * pending references, import statements become import ranges. */
int pt__extract_collect(pt_xfile *f);
int pt__extract_entities(pt_xfile *f);
int pt__extract_refs(pt_xfile *f);
int pt__extract_words(pt_xfile *f);

/* Test detection (classify_tests.c): the reason a whole file is a test by its
 * language's conventions, or NULL. */
const char *pt__test_file_reason(pt_lang lang, const char *path);
/* The reason one entity is a test (its own markers; parents are handled by
 * the caller), or NULL. May allocate the reason in the file's arena. */
const char *pt__test_entity_reason(pt_xfile *f, const pt_cand *c);

/* Receiver types (extract_refs.c). */
/* Records the binding of a match with binding.var and a binding type. */
int pt__bind_collect(pt_xfile *f, TSNode var, TSNode type, pt_recv_how how);
/* Records a parameter or local variable whose type is unknown (a match
 * with binding.var alone): a bare call of its name has no static callee. */
int pt__bind_local(pt_xfile *f, TSNode var);
/* Gives every binding its owner, once the candidates are nested. */
void pt__bind_nest(pt_xfile *f);
/* The receiver type of a member call written in candidate `from` (or -1)
 * on receiver text `scope`: sets ref->recv_type and ref->recv_how, or
 * leaves them unknown. 0, or PT_ENOMEM. */
int pt__bind_receiver(pt_xfile *f, int from, const char *scope,
                      pt_raw_ref *ref);
/* The innermost candidate containing byte pos, or -1. */
int pt__innermost(const pt_xfile *f, uint32_t pos);
/* The variable `name` as a member call's receiver would see it from
 * candidate `from` (f->at set for C++ block scopes): 1 with *out, 0 when
 * none is bound, -1 when bindings disagree. */
int pt__bind_find(const pt_xfile *f, int from, const char *name,
                  const pt_binding **out);
/* C++: the name of the class `this` is in candidate `from`, and whether
 * from is a const member function; NULL outside a class. */
const char *pt__bind_this(const pt_xfile *f, int from, int *is_const);

/* C++ arguments (extract_args.c). */
/* The arguments of the call (kind PT_REF_CALL), new expression, T{..} or
 * member initialiser (PT_REF_NEW) whose callee or type is n, in one walk
 * up the tree: *arity is 1 + their number (at most 255; 0 when n is no
 * callee or they do not parse, 1 for `new T`), *is_base_init says `:
 * Base(..)`; returns their list, or a null node. */
TSNode pt__cpp_call_args(const pt_xfile *f, TSNode n, pt_ref_kind kind,
                         uint8_t *arity, uint8_t *is_base_init);
/* The types of the arguments in args as the syntax states them, written
 * for the resolver into *out (f's arena; NULL when none is known). 0, or
 * PT_ENOMEM. */
int pt__cpp_arg_types(pt_xfile *f, TSNode args, int from, const char **out);
/* The node ts_node_parent(n) gives, found from the definitions around n
 * (once nested) or from the root's child that holds it (extract_parent.c,
 * after pt__node_parent_index: 0, or PT_ENOMEM). */
int pt__node_parent_index(pt_xfile *f);
TSNode pt__node_parent(const pt_xfile *f, TSNode n);
/* ts_node_end_byte(n), from f->known when n is there. */
uint32_t pt__node_end(const pt_xfile *f, TSNode n);
/* n's parent as the query walk saw it (f->known), or a null node. */
TSNode pt__node_known_parent(const pt_xfile *f, TSNode n);
/* Indexes f's bindings by name (f->by_name), once nested. 0, or
 * PT_ENOMEM. pt__bind_index_fini frees an index's arrays. */
int pt__bind_index_build(pt_xfile *f);
void pt__bind_index_fini(pt_bind_index *ix);
/* The first local of candidate owner (-1: the file) or the first field
 * named name[0..len), or SIZE_MAX; pt__bind_next gives the one after
 * binding i in the same chain. */
size_t pt__bind_first_local(const pt_xfile *f, int owner, const char *name,
                            size_t len);
size_t pt__bind_first_field(const pt_xfile *f, const char *name, size_t len);
size_t pt__bind_next(const pt_xfile *f, size_t i);
/* The memo of the chain whose first binding is i (pt__bind_first_local),
 * zeroed when the index was built. */
pt_bind_memo *pt__bind_memo(const pt_xfile *f, size_t i);

/* Text helpers (extract_text.c). */
/* Trims white space around s in place and, with `quotes`, the quotes,
 * brackets and sigils that surround a referenced name ("x.h", <T>, @Attr,
 * &x, `cmd`, a trailing ';'). NULL for NULL or when nothing is left. */
char *pt__trim_text(char *s, int quotes);

/* Node text copied into the file's arena; NULL when out of memory. */
char *pt__node_text(pt_xfile *f, TSNode n);

#endif
