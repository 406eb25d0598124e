/* What the resolver's files share (private to core/src/ingest/resolve*.c):
 * the frozen tables built once over all definitions (resolve.c), the
 * per-thread state one file's resolution needs (resolve_pick.c), and the
 * runs over many files (resolve_run.c). */
#ifndef PT_RESOLVE_INT_H
#define PT_RESOLVE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/strmap.h"
#include "resolve.h"

#define NONE ((size_t)-1)
#define NO_ID UINT32_MAX

/* One base of a type: the entity it resolved to, or NONE (not indexed).
 * A C++ field is kept in the same list (what changes it is noted and
 * patched as bases are): field is its name's hash, base its type. */
typedef struct base_node {
  size_t type;               /* the entity whose base list this is */
  size_t base;
  size_t next;               /* the type's next base, or NONE */
  size_t file;               /* the file that noted it (upkeep), or NONE */
  int removed;               /* taken out of its list by a patch */
  uint64_t field;            /* a field's name hash; 0 for a base */
  uint8_t field_how;         /* PT_FIELD_* bits */
} base_node;

#define PT_FIELD_CONST 1     /* declared const (const T x, const T *p) */
#define PT_FIELD_POINTER 2   /* a pointer or a reference: this's constness
                                does not reach what it points at */
#define PT_FIELD_SMART 4     /* a std::unique_ptr<T> or shared_ptr<T>: of
                                type T through -> only */

/* What resolution asks of an entity, as small numbers made once, so a
 * candidate costs no string work: ids compare where texts did. */
typedef struct ent_info {
  uint32_t file;             /* its file path's id (rs->paths) */
  uint32_t dir;              /* its folder's id (rs->dirs) */
  uint32_t qn;               /* its qualified name's id (rs->qnames) */
  uint32_t encl;             /* its enclosing type's id there, or NO_ID */
  uint32_t ql;               /* strlen(qualname) */
  uint8_t fam;               /* family(lang) */
  uint8_t kind;              /* its pt_kind */
  uint8_t ar_lo, ar_hi;      /* the numbers of arguments a call of it may
                                give (pt__arity_range): 0 and 255 (any)
                                but for C, C++, Java, C# and Swift
                                functions */
  uint32_t pos;              /* its place in its file's source order (upkeep);
                                NO_ID once a patch removed it */
  uint32_t nid;              /* its name's id (rs->name_ids) */
} ent_info;

/* Groups (resolve_group.c): the entities of one name and family that
 * share a folder, an enclosing type, the qualifier segment before their
 * name ("B" in "a.B.f" for f) or their qualified name, chained in the order of the name's
 * chain (rs->gnext[type], NO_ID at the end). */
#define PT_GRP_DIR 0
#define PT_GRP_ENCL 1
#define PT_GRP_SEG 2
#define PT_GRP_QN 3          /* by its own qualified name (info.qn) */
#define PT_GRP__COUNT 4

typedef struct pt__grp_slot {
  uint32_t nid1;             /* the name's id + 1; 0: an empty slot */
  uint32_t x;                /* the folder, type (qualified-name) or
                                segment id */
  uint32_t head, tail;       /* entities, or NO_ID */
  uint8_t type, fam;
} pt__grp_slot;

typedef struct pt__grp_map {
  pt__grp_slot *slots;       /* owned; open addressing */
  size_t cap, n;
} pt__grp_map;

/* The enclosing type of an entity as a span of a string the entities own. */
typedef struct span {
  const char *s;
  size_t n;
} span;

/* An index from a recorded hash to the files holding it
 * (resolve_readers.c): an open-addressing table of hashes, each with its
 * list of postings, appended as files come to hold the hash. */
typedef struct pt__posting {
  uint32_t file;             /* the file index */
  uint32_t next;             /* the hash's next posting, or UINT32_MAX */
} pt__posting;

typedef struct pt__readers {
  uint64_t *keys;            /* owned, by slot: the hash */
  uint32_t *head;            /* owned, by slot: its last posting, or
                                UINT32_MAX for an empty slot */
  size_t cap, n_keys;        /* slots (a power of two), hashes */
  pt__posting *post;         /* owned */
  size_t n_post, cap_post;
  size_t n_live;             /* postings of a hash the file still holds */
  int built;                 /* 0: not made (or dropped): scan instead */
} pt__readers;

/* A definition that left (sign -1) or joined (+1) a chain since the last
 * pt__resolver_flush_attrs, with what an attrs read sees of it. */
typedef struct pt__attr_change {
  const char *name;          /* borrowed (the tables' strings) */
  uint32_t nid, qn;          /* ent_info's */
  uint8_t fam, kind, ar_lo, ar_hi;
  int8_t sign;
} pt__attr_change;

/* One file of the tables, for patches (resolve_upkeep.c). */
typedef struct res_file {
  size_t *ents;              /* owned: its entities, in source order */
  size_t n_ents;
  pt__deps deps;             /* what resolving its references read */
  pt__deps bdeps;            /* what noting its bases read */
  int dead;                  /* left the index */
  size_t base_lo, base_hi;   /* its base nodes (base_node.file) lie in
                                [base_lo, base_hi); none when equal */
} res_file;

struct pt_resolver {
  const pt_entity *ents;     /* borrowed, or owned once adopted */
  size_t n_ents;
  ent_info *info;            /* owned, by entity */
  span *encl;                /* owned, by entity: its enclosing type */
  uint32_t *parent;          /* owned, by entity: the entity its parent_key
                                names (NO_ID: none), as the tables were
                                made; NULL once they are kept up
                                (pt__resolver_record) or over NO_ID
                                entities: pt__resolve_parent looks it up */
  size_t *next_same_name;    /* owned: next entity of the name and family */
  pt_strmap by_name[PT_LANG__COUNT]; /* by family: name -> first entity */
  pt_strmap names;           /* every entity's name (any family) */
  pt_strmap by_key;          /* key -> entity index */
  pt_strmap qnames;          /* qualified names and enclosing types -> id */
  pt_strmap paths;           /* file paths -> id (files first, in order) */
  pt_strmap dirs;            /* folders -> id */
  pt_strmap defaults;        /* JavaScript family: file path -> its `export
                                default` definition (NONE: none) */
  size_t *base_head;         /* owned, by qualified-name id: first base_node */
  size_t n_base_head;        /* ids base_head and qn_hash have room for */
  uint32_t *qn_hash;         /* owned, by qualified-name id: the low 32
                                bits of its text's map hash, which a read
                                of the type's bases or members records in
                                place of the id (ids follow the order the
                                tables were made in, a fresh run's or a
                                re-run's; the text does not) */
  base_node *base_nodes;
  size_t n_base_nodes, cap_base_nodes;
  const pt_file_record *files; /* borrowed */
  size_t n_files;
  size_t *next_same_base;    /* owned: chain of files sharing a base name */
  pt_strmap by_base;         /* file base name -> first file index */
  const char **path_text;    /* owned array, by path id (strings borrowed) */
  size_t n_paths, cap_paths;
  struct pt__resolve_ctx *serial; /* owned: pt__resolve_file's */
  size_t serial_paths;       /* n_paths when serial was made */
  struct pt__resolve_ctx *run_ctx; /* owned: the contexts of the runs'
                                threads (resolve_run.c), one a thread,
                                kept from one run to the next so that
                                what they find once (a module's marks)
                                is found once a thread, not once a run */
  size_t n_run_ctx;
  size_t run_ctx_paths, run_ctx_dirs; /* n_paths and dirs.n they were
                                made at */
  /* upkeep (resolve_upkeep.c): made by pt__resolver_record */
  int owns_arrays;           /* ents and files are owned (adopted) */
  size_t cap_ents, cap_files;
  res_file *rfiles;          /* owned, by file index; NULL when not kept */
  pt__readers readers[2];    /* who holds a hash: [0] deps, [1] bdeps */
  int readers_by_scan;       /* made for one patch (a re-run): readers
                                are found by a scan, no index is made */
  int reads_partial;         /* a re-run recorded what some files read,
                                not every file, and the stored records
                                keep none (ingest_rerun_seed.c) */
  int reads_unsaved;         /* a re-run recorded what every file read,
                                which the stored records did not all keep:
                                the patch writes every file's */
  size_t *file_at;           /* owned, by path id: file index, or NONE */
  size_t cap_file_at;
  pt_strmap name_ids;        /* names -> id (ent_info.nid) */
  pt_strmap segs;            /* qualifier segments -> id (PT_GRP_SEG) */
  pt__grp_map groups;        /* (type, family, name, key) -> first, last */
  uint32_t *gnext[PT_GRP__COUNT]; /* owned, by entity: next of its group */
  uint32_t *next_free;       /* owned, by entity: the next entity of its
                                name's chain that is not a method, or
                                NO_ID (resolve_group.c) */
  size_t cap_gnext;          /* entities gnext and next_free have room for */
  uint32_t *name_kinds;      /* owned, by name id: 1 << kind for each kind
                                an entity of the name had since the tables
                                were made (never cleared: a patch's leaver
                                leaves its bit, a superset) */
  uint32_t *name_free;       /* owned, by name id: how many of its
                                entities are not methods, any family */
  size_t cap_name_kinds;     /* name ids name_kinds and name_free have
                                room for */
  /* files and folders by their last segment (resolve_tails.c) */
  pt_strmap tails;           /* last segments -> id */
  uint32_t *tail_path;       /* owned, by segment id: a path whose stem
                                ends with it, or NO_ID */
  uint32_t *tail_dir;        /* owned, by segment id: a folder that ends
                                with it, or NO_ID */
  size_t cap_tails;
  uint32_t *path_dir;        /* owned, by path id: its folder's id */
  uint32_t *path_tail_next;  /* owned, by path id: the next path of its
                                stem's segment, or NO_ID */
  size_t cap_path_tails;
  uint32_t *path_rmod;       /* owned, by path id: the length of its Rust
                                module path (pt__use_prefix_len) */
  uint32_t *path_dlen;       /* owned, by path id: the length of its
                                folder (pt__path_dir_len) */
  size_t cap_path_lens;
  uint32_t *dir_path;        /* owned, by folder id: a path in it */
  uint32_t *dir_tail_next;   /* owned, by folder id: the next folder of
                                its last segment, or NO_ID */
  size_t cap_dir_tails;
  /* module paths by their dotted tails (resolve_modpaths.c): entries
   * chained by bucket (hash & (n_mp_buckets - 1)) */
  uint32_t *mp_first;        /* owned, by bucket: its first entry, NO_ID */
  size_t n_mp_buckets;       /* a power of two, or 0 */
  uint32_t *mp_next;         /* owned, by entry: the next of its bucket */
  uint32_t *mp_hash;         /* owned, by entry: pt__modpaths_key's */
  uint32_t *mp_owner;        /* owned, by entry: PT__MP_DIR(folder id) or
                                PT__MP_FILE(path id) */
  uint32_t *mp_at;           /* owned, by entry: where its tail starts in
                                the module path (0: the whole path) */
  size_t n_mp, cap_mp;
  pt__attr_change *attr_log; /* owned: since the last flush (upkeep) */
  size_t n_attr_log, cap_attr_log;
};

/* A name an import binds in the file being resolved (JavaScript,
 * TypeScript, Python): `from m import f as g` binds g to m's f, `import *
 * as ns from './m'` ns to the module m. */
typedef struct pt__import_bind {
  const char *local;         /* borrowed: the name the file uses */
  const char *orig;          /* borrowed: the name imported (NULL: none) */
  char *module;              /* owned: its module, normalised */
  char *sub;                 /* owned: Python's module orig may itself be
                                (`from pkg import mod`), or NULL */
  uint8_t how;               /* PT__BIND_* */
} pt__import_bind;

#define PT__BIND_NAMED 0     /* import { a }, from m import a */
#define PT__BIND_ALIAS 1     /* import { a as b }, from m import a as b */
#define PT__BIND_DEFAULT 2   /* import X from './m': m's default export */
#define PT__BIND_MODULE 3    /* the module itself */
#define PT__BIND_PLAIN 4     /* Python's `import m`: counted only beside
                                another import binding m (try/except) */

/* A name one of the file's imports binds (resolve_use.c): Rust `use
 * a::b::f as g` binds g to "a.b.f"; a glob (`use a::b::*`, Java's `import
 * static p.C.*`, C#'s `using static A.C`) binds every member of its path. */
typedef struct pt__use {
  const char *local;         /* borrowed (the reference's): the name the
                                file uses; NULL for a glob */
  char *path;                /* owned: the dotted path it names */
  size_t len;                /* strlen(path) */
  size_t tail;               /* where path's last segment starts */
  uint8_t glob;
  uint8_t claims;            /* a name it binds is that path's or no
                                workspace definition's (never found by
                                name elsewhere) */
  uint8_t sees_private;      /* Rust: a module around the file's (`use
                                super::*` brings in private items too) */
  uint8_t crate_rel;         /* Rust: from the crate's root (`crate::`) */
} pt__use;

/* How a path is matched (pt__use_fits). */
#define PT_USE_SUFFIX 0      /* it ends the definition's path */
#define PT_USE_EXACT 1       /* PHP: it is the definition's qualified name */
#define PT_USE_CRATE 2       /* Rust's crate::x: it ends the definition's
                                path after a folder around the importer */

/* A folder around the referring file: the module paths' hash
 * (pt__modpaths_feed) of its path up to and with the '/' at `at`. */
typedef struct pt__around {
  uint64_t h;
  size_t at;
} pt__around;

/* What resolving one file needs besides the frozen tables: one per thread. */
typedef struct pt__resolve_ctx {
  const char **imports;      /* owned: the file's normalised import modules */
  size_t n_imports, cap_imports;
  const char **aliases;      /* owned, by import: the name the file gives
                                the module (Go's `import x "p"` x, `import *
                                as ns`; borrowed from the references), or
                                NULL */
  size_t cap_aliases;
  pt__import_bind *ibinds;   /* owned: the names imports bind (lexical
                                languages), in reference order */
  size_t n_ibinds, cap_ibinds;
  uint8_t *imported;         /* owned, by path id: 0 not asked, 1 no, 2 yes */
  uint32_t *asked;           /* owned: the path ids asked for this file */
  size_t n_asked, cap_asked;
  size_t n_paths;            /* path ids imported has room for */
  uint8_t *dir_imported;     /* owned, by folder id: bit 1 when the
                                file's imports name every file in it, 2
                                when some */
  uint32_t *asked_dirs;      /* owned: the folder ids marked for this file,
                                each once */
  size_t n_asked_dirs, cap_asked_dirs;
  size_t n_dirs;             /* folder ids dir_imported has room for */
  int marked;                /* 0: not yet; 1: imported and dir_imported
                                hold every answer for this file (marked
                                at its first question); -1: asked file by
                                file */
  uint32_t file, dir;        /* the referring file's path and folder ids */
  const char *last_key;      /* the last key looked up, and its entity */
  size_t last_idx;
  int last_found;
  const char *ns_from;       /* the caller ns[] and fn[] were made for */
  uint32_t ns[4];            /* its namespaces' qualified-name ids, inner first */
  int n_ns;
  uint32_t fn[16];           /* its own and its enclosing functions' ids */
  int n_fn;
  pt__use *binds;           /* owned: what the file's imports bind */
  size_t n_binds, cap_binds;
  const char *php_from;      /* the caller php_ns was found for */
  size_t php_ns;             /* its namespace entity, or NONE */
  pt_buf bpath;              /* a path being looked up through a binding */
  pt_buf scratch;
  pt_strmap mod_marks;       /* a module mark_imports looked up (keys in
                                mod_keys) -> its offset in mod_pool */
  pt_arena mod_keys;
  uint32_t *mod_pool;        /* owned: per module, the number of files and
                                of folders it names among those of its
                                last segment, then their ids */
  size_t n_mod_pool, cap_mod_pool;
  size_t mod_paths, mod_dirs; /* rs->n_paths, rs->dirs.n they were made at */
  pt_buf named_for;          /* the qualifier c->named was found for */
  uint32_t *named;           /* owned: the file's imports that go by it
                                (resolve_pick.c, import_named) */
  size_t n_named, cap_named;
  int named_made;            /* 1: c->named is named_for's */
  pt__around *around;        /* owned: the folders around the referring
                                file, one a '/' of its path but a leading
                                one (pt__resolve_begin_file) */
  size_t n_around, cap_around;
} pt__resolve_ctx;

/* One edge made without a graph: to_key is the target entity's key (owned
 * by the entities) or, when own_to is set, a string of the edges' arena. */
typedef struct pt__res_edges {
  pt_edge *v;                /* owned */
  unsigned char *own_to;     /* owned, by edge */
  size_t n, cap;
  pt_arena strings;          /* placeholder and file keys */
} pt__res_edges;

/* A path's file name (after its last '/') and the length of its folder
 * (before it; 0 at the root). */
static inline const char *pt__path_base(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}
static inline size_t pt__path_dir_len(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? (size_t)(s - path) : 0;
}

/* resolve.c */
uint8_t pt__resolve_family(pt_lang l);
/* Sets in->ar_lo and in->ar_hi of entity e (in->fam and in->kind set). */
void pt__resolve_arity_of(const pt_entity *e, ent_info *in);
/* The id of s[0..n) in m, a new one (m's count) the first time: 0, or
 * PT_ENOMEM (also past NO_ID ids) with *out NO_ID. */
int pt__resolve_intern(pt_strmap *m, const char *s, size_t n, uint32_t *out);
/* The same with s's hash (pt_strmap_hash) made by the caller. */
int pt__resolve_intern_hashed(pt_strmap *m, const char *s, size_t n,
                              uint64_t h, uint32_t *out);
/* What the rules read goes through these, so that a file's resolution
 * records what it read (pt__deps_record): a name's first entity in a
 * family (1, or 0 when there is none), whether any family has the name,
 * the first base_node of a qualified-name id (or NONE), and the first file
 * of a base name (include resolution). */
int pt__resolve_chain(const pt_resolver *rs, uint8_t fam, const char *name,
                      size_t len, size_t *head);
/* The same, recording only the attrs tag (resolve.h, pt__deps_attrs_tag):
 * the caller records the chain tag (pt__resolve_note_chain) before it
 * uses anything else of the candidates (their keys, files, order). */
int pt__resolve_chain_attrs(const pt_resolver *rs, uint8_t fam,
                            const char *name, size_t len, size_t *head);
void pt__resolve_note_chain(uint8_t fam, const char *name, size_t len);
/* Records the member tag (resolve.h, pt__deps_member_tag) of the name and
 * family of entity head (a chain's first) and the type of id encl. */
void pt__resolve_note_members(const pt_resolver *rs, size_t head,
                              uint32_t encl);
int pt__resolve_has_name(const pt_resolver *rs, const char *name, size_t len);
size_t pt__resolve_bases(const pt_resolver *rs, uint32_t q);
int pt__resolve_files_named(const pt_resolver *rs, const char *base,
                            size_t len, size_t *head);
/* now (sealed; NULL: none) becomes the f-th file's records (bases: its
 * bdeps), the index of readers following; now is left empty. */
void pt__resolver_keep_deps(pt_resolver *rs, int bases, size_t f,
                            pt__deps *now);
/* Makes both indexes of readers if they are not (after a whole run): 0, or
 * -1 when out of memory (the readers are then found by a scan). */
int pt__readers_make(pt_resolver *rs);
void pt__readers_fini(pt__readers *x);
/* Whether sealed d holds h (a binary search). */
int pt__deps_has(const pt__deps *d, uint64_t h);
/* Records what the calling thread's lookups read into d from now on (NULL:
 * stops). */
void pt__deps_record(pt__deps *d);
/* The hashes recorded for a lookup of kind tag ('n' name, 'k' key, 'b'
 * bases, 'f' file base name) of n bytes at s. */
uint64_t pt__deps_hash(char tag, const void *s, size_t n);
/* The type an entity is written in (its qualified name, or its parent's,
 * or its qualifier), given its parent (NULL when none): a span of their
 * strings, or {NULL, 0}. */
span pt__resolve_encl(const pt_entity *e, const pt_entity *parent);
/* The file index of a path id, or NONE (upkeep only). */
size_t pt__resolve_file_of(const pt_resolver *rs, uint32_t path_id);
/* The entity with this key (last of equals), or NONE. */
size_t pt__resolve_key(const pt_resolver *rs, pt__resolve_ctx *c,
                       const char *key);
/* The entity entity i's parent_key names (pt__resolve_key's answer), or
 * NONE: read from rs->parent where the tables are as made, with no read
 * to record. */
size_t pt__resolve_parent(const pt_resolver *rs, size_t i);
/* The `export default` definition of the file at path, or NONE. */
size_t pt__resolve_default(const pt_resolver *rs, const char *path);
/* Whether entity e is written `export default` at its file's top level. */
int pt__resolve_is_default(const pt_entity *e);
/* The path id of a text, or NO_ID. */
uint32_t pt__resolve_path_id(const pt_resolver *rs, const char *path);
/* Makes rs->serial, the context of the calls that resolve one file on
 * the caller's thread (pt__resolve_file, pt__resolver_note_bases). */
int pt__resolve_serial(pt_resolver *rs);
/* Makes rs->run_ctx hold n contexts (at most 64) for a run's threads,
 * all made again when a patch added paths or folders since they were. */
int pt__resolve_run_ctx(pt_resolver *rs, size_t n);
/* Appends base b (an entity index, or NONE) to type t's list. */
int pt__resolve_add_base(pt_resolver *rs, size_t t, size_t b);
/* Appends a C++ field of type t, named by hash field (nonzero), of type b
 * (an entity index), with how (PT_FIELD_* bits). */
int pt__resolve_add_field(pt_resolver *rs, size_t t, size_t b, uint64_t field,
                          uint8_t how);

/* resolve_group.c */
/* The groups of every entity (after the ids and chains are made). */
int pt__group_build(pt_resolver *rs);
/* The first entity of the group of type (PT_GRP_*) of name id nid in
 * family fam with key x, or NO_ID (also when x is NO_ID). */
uint32_t pt__group_first(const pt_resolver *rs, int type, uint8_t fam,
                         uint32_t nid, uint32_t x);
/* The id of a qualifier segment (n bytes) for PT_GRP_SEG, or NO_ID when no
 * entity has it. */
uint32_t pt__group_seg_id(const pt_resolver *rs, const char *s, size_t n);
/* Entity i (its ids and chain place set) joins its groups, in the order of
 * its name's chain; leaves them. */
int pt__group_link(pt_resolver *rs, size_t i);
void pt__group_unlink(pt_resolver *rs, size_t i);
/* Does entity a come before entity b in the chain of their name? */
int pt__group_before(const pt_resolver *rs, size_t a, size_t b);
/* The first entity of the chain from head that is not a method, or NO_ID:
 * the next is rs->next_free[i]. */
uint32_t pt__group_free_first(const pt_resolver *rs, size_t head);
/* Makes rs->next_free right along the chain from head (NONE: none) after
 * an entity joined or left it. */
void pt__group_free_chain(pt_resolver *rs, size_t head);
/* The kinds (1 << pt_kind) the entities of name id nid have had, any
 * family: no entity of the name is of a kind outside them. */
uint32_t pt__group_name_kinds(const pt_resolver *rs, uint32_t nid);
/* How many entities of name id nid, any family, are not methods. */
uint32_t pt__group_name_free(const pt_resolver *rs, uint32_t nid);
/* Room for n entities in the group arrays. */
int pt__group_room(pt_resolver *rs, size_t n);
void pt__group_fini(pt_resolver *rs);

/* resolve_tails.c */
/* Where the last segment of s[0..n) starts: after its last '.' or '/'. */
size_t pt__tails_start(const char *s, size_t n);
/* New path id p (path_text set) gets its folder's id (rs->path_dir, the
 * folder made when new) and joins its stem's and its folder's lists. */
int pt__tails_add_path(pt_resolver *rs, uint32_t p);
/* The id of last segment s[0..n), or NO_ID when no path has it. */
uint32_t pt__tails_find(const pt_resolver *rs, const char *s, size_t n);
void pt__tails_fini(pt_resolver *rs);

/* resolve_modpaths.c */
/* An entry's owner: a folder's module path, or a Rust module file's (its
 * path without the extension). */
#define PT__MP_DIR(d) ((uint32_t)(d) << 1)
#define PT__MP_FILE(p) (((uint32_t)(p) << 1) | 1u)
#define PT__MP_IS_FILE(o) ((o) & 1u)
#define PT__MP_ID(o) ((o) >> 1)
/* The key of a text, fed in pieces: pt__modpaths_key(pt__modpaths_feed(
 * pt__modpaths_feed(pt__modpaths_start(), a, na), b, nb), whole) is the
 * key of a followed by b, each '/' read as '.'; whole: the entry of a
 * module path's whole text, else of a tail after a '/'. */
uint64_t pt__modpaths_start(void);
uint64_t pt__modpaths_feed(uint64_t h, const char *s, size_t n);
uint32_t pt__modpaths_key(uint64_t h, int whole);
/* New path id p (its folder and lengths kept, pt__tails_add_path) adds its
 * folder's module path when it made the folder, and its own as a Rust
 * module's file but for mod.rs, lib.rs and main.rs. */
int pt__modpaths_add_path(pt_resolver *rs, uint32_t p);
/* The entries of key hash, NO_ID past the last (others of their bucket
 * passed over); each to be checked against the texts. */
uint32_t pt__modpaths_first(const pt_resolver *rs, uint32_t hash);
uint32_t pt__modpaths_next(const pt_resolver *rs, uint32_t e, uint32_t hash);
void pt__modpaths_fini(pt_resolver *rs);

/* resolve_pick.c */
int pt__resolve_ctx_init(pt__resolve_ctx *c, const pt_resolver *rs);
void pt__resolve_ctx_fini(pt__resolve_ctx *c);
/* Prepares c for the references of one file. */
int pt__resolve_begin_file(const pt_resolver *rs, pt__resolve_ctx *c,
                           const char *path, pt_lang lang,
                           const pt_raw_ref *refs, size_t n_refs);
/* What pt__resolver_note_bases reads for one file, looked up with c and
 * recorded as it records it, without noting a base: rs is only read, so
 * the threads of a run may each do it for their files. */
int pt__resolver_base_reads(const pt_resolver *rs, pt__resolve_ctx *c,
                            const char *path, pt_lang lang,
                            const pt_raw_ref *refs, size_t n_refs);
/* Resolves the references of one file (after pt__resolve_begin_file)
 * into out, in reference order; out NULL: for what it reads alone (its
 * records), no edge or key is made. */
int pt__resolve_refs(const pt_resolver *rs, pt__resolve_ctx *c,
                     const char *path, pt_lang lang, const pt_raw_ref *refs,
                     size_t n_refs, pt__res_edges *out);

/* resolve_use.c */
/* Whether lang's imports bind names (Rust, Java, C#, PHP). */
int pt__use_lang(pt_lang l);
/* Makes c's bindings from the import references of a file of lang. */
int pt__use_begin(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                  const pt_raw_ref *refs, size_t n_refs);
void pt__use_clear(pt__resolve_ctx *c);
/* The binding of a name (len bytes) the file uses, or NULL (globs
 * aside); the last import of it wins. */
const pt__use *pt__use_local(const pt__resolve_ctx *c, const char *name,
                             size_t len);
/* The dotted path the import reference r names, into out (empty when it
 * binds nothing), whether it claims its names and how it is matched
 * (PT_USE_*). */
int pt__use_of_import(const pt_resolver *rs, pt__resolve_ctx *c,
                      pt_lang lang, const pt_raw_ref *r, pt_buf *out,
                      int *claims, int *how);
/* The length of the module or package path a definition's qualified
 * name follows, as pt__use_fits reads it from its file's path (a Java
 * package's folder, a Rust module's file or folder; 0 elsewhere). */
size_t pt__use_prefix_len(pt_lang lang, const char *path);
/* The same of path id p, as its lengths were kept when it was added
 * (pt__tails_add_path), no byte of it read. */
size_t pt__use_prefix_len_of(const pt_resolver *rs, pt_lang lang, uint32_t p);
/* Whether a module or package path, path[0..pl), is where the dotted
 * want[0..wl) names, as pt__use_fits asks of a definition whose qualified
 * name is the rest of want. */
int pt__use_module_at(const char *path, size_t pl, const char *want,
                      size_t wl, int how, const char *importer);
/* Whether entity i of lang sits at the dotted path want (wl bytes), as
 * how (PT_USE_*) says: its qualified name, after its package's folders
 * (Java) or its module's file (Rust), ends with want; for PT_USE_CRATE
 * the rest is a folder around the file at path importer. */
int pt__use_fits(const pt_resolver *rs, pt_lang lang, size_t i,
                 const char *want, size_t wl, int how, const char *importer);

/* resolve_arity.c */
/* Whether a C or C++ function (or function-like macro) named name, whose
 * signature is sig, takes n_args arguments, defaults and "..." counted:
 * 1 also when sig does not show its parameters plainly, 0 when not. */
int pt__arity_fits(const char *sig, const char *name, int is_macro,
                   int is_cpp, unsigned n_args);
/* The same as a range: n_args (0 to 254) fits when *lo <= n_args <= *hi
 * (255 in *hi: any number). */
void pt__arity_range(const char *sig, const char *name, int is_macro,
                     int is_cpp, uint8_t *lo, uint8_t *hi);
/* Whether the C++ member function name, whose signature is sig, is const
 * (a const after its parameters): 0 also when sig does not show it. */
int pt__cpp_const_member(const char *sig, const char *name);
/* Whether two signatures of name have one parameter list, spaces and
 * default values aside (0 when either does not show it). */
int pt__cpp_same_params(const char *a, const char *b, const char *name);
/* The declared result type of the C++ function name, whose signature is
 * sig, as written before the name ("const Node *First() const" gives
 * Node), into out (cap bytes), and whether the object it gives is const:
 * 1, or 0 when sig shows none (a constructor, auto, void). */
int pt__cpp_result_type(const char *sig, const char *name, char *out,
                        size_t cap, int *is_const);
/* The byte after the '(' that opens the parameters of name in sig, or
 * NULL when sig does not show them. */
const char *pt__params_open(const char *sig, const char *name);

/* resolve_types.c */
/* C++: of the n overloads cands (entity indices, each taking r's number
 * of arguments), the one the types of r's arguments choose as overload
 * resolution would, or NONE: only when one takes every argument whose
 * type tells them apart with an exact match (identity, or a pointer to
 * T given for a pointer to const T) at least as good as every other's,
 * and every such argument's and parameter's type is known. */
size_t pt__cpp_typed(const pt_resolver *rs, const size_t *cands, size_t n,
                     const pt_raw_ref *r);

/* resolve_run.c */
/* Appends e, copying its to_key into the edges' arena when own_to. */
int pt__res_edges_push(pt__res_edges *out, const pt_edge *e, int own_to);
/* Room for n edges in all, allocated at once: a file's references make at
 * most one edge each, so its edges are never copied as they grow. */
int pt__res_edges_reserve(pt__res_edges *out, size_t n);
/* A candidate list in the edges' arena (keys borrowed, as given). */
int pt__res_edges_candidates(pt__res_edges *out, uint32_t n,
                             const char *const *keys, uint32_t n_keys,
                             const pt_candidates **c);
void pt__res_edges_fini(pt__res_edges *e);
/* Adds the edges to g in order. */
int pt__res_edges_to_graph(const pt__res_edges *e, pt_graph *g);

#endif
