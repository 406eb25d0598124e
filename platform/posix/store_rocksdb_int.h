/* Private to store_rocksdb.c and its tests (tests/test_store_conformance.c):
 * the first half of a save on its own, as a crash before the flip would
 * leave it, what a test needs to see of the generations, which records
 * an update compares (store_rocksdb_diff.c), and the table files a save
 * writes (store_rocksdb_sst.c). */
#ifndef PT_STORE_ROCKSDB_INT_H
#define PT_STORE_ROCKSDB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/ptrmap.h"
#include "pt/record_codec.h"
#include "pt/store.h"
#include "pt/strmap.h"

/* 64-bit numbers in keys and values, big-endian so that keys sort by
 * them (generations, string ids, hashes). */
static inline void pt__rocksdb_put_be64(char *out, uint64_t x)
{
  for (int b = 0; b < 8; b++)
    out[b] = (char)(unsigned char)(x >> (56 - 8 * b));
}

static inline uint64_t pt__rocksdb_get_be64(const char *p)
{
  uint64_t x = 0;
  for (int b = 0; b < 8; b++)
    x = x << 8 | (unsigned char)p[b];
  return x;
}

/* RocksDB's handles as rocksdb/c.h declares them (C11 allows a typedef
 * twice), so that the Windows build's stubs (platform/win32/
 * store_rocksdb.c), which have no RocksDB, can include this header. */
typedef struct rocksdb_t rocksdb_t;
typedef struct rocksdb_options_t rocksdb_options_t;
typedef struct rocksdb_iterator_t rocksdb_iterator_t;
typedef struct rocksdb_readoptions_t rocksdb_readoptions_t;
typedef struct rocksdb_writebatch_t rocksdb_writebatch_t;

/* A generation's records sit under 'g' and its number, big-endian so the
 * generations sort by number; after that comes the record's own key,
 * which starts with a lower-case letter. */
#define PT__ROCKSDB_GEN_PREFIX_SIZE 9

/* Format 7 names the strings of entities, edges and tests by id
 * (store_rocksdb_strings.c): each distinct string is stored once, in
 * chunks of consecutive ids under 'a' (the key: NUL and the chunk's first
 * id, 8 bytes big-endian; the value: each string as a varint length and
 * its bytes). Builds before 2026-12-05's evening also stored each string
 * under 'x' by a hash of its text (the key: NUL, the hash and the id; the
 * value: the text), which their updates sought to find a string's id;
 * nothing reads them now, and saves no longer write them. A save
 * numbers every string of its graph before its threads encode, and only
 * reads the numbers from then on; an update finds the ids of its strings
 * by pointer in what the store kept of the generation (pt__rocksdb_known),
 * or by text in the whole table, and numbers the new ones after the
 * last. */
#define PT__ROCKSDB_CHUNK 1024

/* A string's place among the 'x' records: the hash of its text, its id. */
typedef struct pt__rocksdb_hashed {
  uint64_t hash;
  uint64_t id;
} pt__rocksdb_hashed;

/* What a store knows, between calls, of the strings of its current
 * generation: the ids of the strings of the pool of the graph it loaded
 * or saved last. A pool interns each text once and the graphs patched
 * from that graph share it, so an update of two such graphs finds the id
 * of each string by its pointer, without reading the table. */
typedef struct pt__rocksdb_known {
  uint64_t gen;         /* the generation; 0: nothing known */
  pt_graph_pool *pool;  /* retained: the strings live as long */
  const char **table;   /* owned array of borrowed strings, id i + 1 at
                           [i], until the map is made from it */
  size_t n;             /* the generation's last id */
  pt_ptrmap map;        /* string -> id */
  /* Known after an update read the table: the table's strings that the
   * new graph did not name, by text (they may come back) */
  pt_strmap rest;       /* text (in arena) -> id */
  pt_arena arena;
} pt__rocksdb_known;

void pt__rocksdb_known_fini(pt__rocksdb_known *k);
/* Forgets what k knew: gen's strings are now table[0..n) (owned, NULL
 * when the map is to be filled otherwise), of g's pool. */
void pt__rocksdb_known_set(pt__rocksdb_known *k, uint64_t gen,
                           const pt_graph *g, const char **table, size_t n);

/* Format 8's edge records: the runs of a finished graph's edges that
 * share a from key (one pointer: the graph interns them), run i being
 * edges [start[i], start[i + 1]), each one record. */
typedef struct pt__rocksdb_groups {
  const void *g;  /* borrowed: the graph; NULL in a slot not used */
  size_t *start;  /* owned: n + 1 edge indexes */
  size_t n;
} pt__rocksdb_groups;

typedef struct pt__rocksdb_ids {
  /* a save: the graph's strings by pointer (an interned pool holds each
   * text once) */
  pt_ptrmap map;
  /* the strings numbered here, id first_id + i at text[i], of len[i]
   * bytes: a save's are all of them (first_id 1), an update's the new
   * ones */
  const char **text; /* owned array of borrowed strings */
  size_t *len;       /* owned */
  size_t n, cap;
  uint64_t first_id;
  pt__rocksdb_hashed *by_hash; /* owned: the 'x' records', in key order */
  /* an update: the generation it writes into */
  rocksdb_t *db;          /* borrowed; NULL in a save */
  const char *path;       /* borrowed: the database's, for messages */
  char gen[PT__ROCKSDB_GEN_PREFIX_SIZE];
  pt__rocksdb_known *by_ptr; /* borrowed: the ids by pointer, or NULL */
  /* else the whole string table, read through it at the first lookup */
  rocksdb_iterator_t *it; /* owned */
  pt_strmap known; /* text (in arena) -> id */
  pt_arena arena;
  int has_all;     /* known holds every string of the generation */
  uint64_t scanned; /* while reading them all: the next one's id */
  pt__rocksdb_known *into; /* borrowed: being learnt from known */
  unsigned char *seen;     /* owned, while learning: ids now names */
  /* the edge runs of the graphs written (a save's one, an update's old
   * and now): pt__rocksdb_ids_group_edges */
  pt__rocksdb_groups groups[2];
  /* a save: the id of each edge's to key as the numbering found it, so
   * that the encoders do not look it up again (edge i of the graph whose
   * edges are `edges`); NULL in an update, or when an id does not fit */
  const pt_edge *edges; /* borrowed */
  uint32_t *edge_to;    /* owned: n_edges ids */
  size_t n_edges;
  /* a save: the ids of each entity's key, name, qualname, file path and
   * parent key as the numbering found them, entity i's 5 at
   * [PT__ROCKSDB_ENTITY_IDS * i], of the records `entities` (a graph's
   * array of entities, or a begun save's array of their addresses); NULL
   * when not kept. An id that does not fit is UINT32_MAX: looked up. */
  const void *entities; /* borrowed */
  uint32_t *entity_ids; /* owned */
  /* a save of format 10: entity i of the records `code_of` has its code
   * at code_at[i] of the code of the entity whose key's id is code_in[i]
   * (UINT32_MAX: its own); pt__rocksdb_find_holders */
  const void *code_of; /* borrowed */
  uint32_t *code_in, *code_at; /* owned */
} pt__rocksdb_ids;

/* store_rocksdb_holders.c: finds in ids where the code of each of the n
 * entities of the records `entities` (v, a graph's array, or refs, a
 * begun save's array of addresses) is kept: in the entity of the same
 * file whose code's bytes, in memory, hold its own. ids has numbered
 * their keys. 0, PT_ENOMEM, PT_EINVAL for too many. */
int pt__rocksdb_find_holders(pt__rocksdb_ids *ids, const void *entities,
                             const pt_entity *v, const pt_entity *const *refs,
                             size_t n);
void pt__rocksdb_holders_fini(pt__rocksdb_ids *ids);
/* The code record of entity i (e) of the records `entities`: a range
 * when ids found its holder there, else its own code. */
int pt__rocksdb_code_of(pt__rocksdb_ids *ids, const void *entities, size_t i,
                        const pt_entity *e, pt_buf *v);

#define PT__ROCKSDB_ENTITY_IDS 5

/* A save's ids: every string of g numbered from 1, and with has_hashed
 * their order by hash for the 'x' records (tests only). Free with
 * pt__rocksdb_ids_fini. */
int pt__rocksdb_ids_for_save(pt__rocksdb_ids *ids, const pt_graph *g,
                             int has_hashed);
/* An update's ids from old to now in the generation whose key prefix is
 * gen in db: by pointer in k when it knows that generation and the pool
 * of both graphs, else from the generation's table, read through ro. k
 * forgets what it knew of another generation or pool. */
int pt__rocksdb_ids_for_update(pt__rocksdb_ids *ids, rocksdb_t *db,
                               const rocksdb_readoptions_t *ro,
                               const char *path,
                               const char *gen, pt__rocksdb_known *k,
                               const pt_graph *old, const pt_graph *now);
/* Once the update's batch is written: k holds the strings it numbered
 * too, or, when the update read the table, the ids of now's strings by
 * pointer. Call pt__rocksdb_known_fini instead when the update failed:
 * k's map may hold ids the database does not. */
void pt__rocksdb_known_after_update(pt__rocksdb_known *k,
                                    pt__rocksdb_ids *ids, uint64_t gen,
                                    const pt_graph *now);
void pt__rocksdb_ids_fini(pt__rocksdb_ids *ids);
/* A save's ids in two steps, with the same result: the strings of the
 * entities e[0..n) (in the finished graph's order), numbered while the
 * graph is resolved, then, once it is finished, those of g's edges and
 * tests (g holds those entities). */
int pt__rocksdb_ids_begin(pt__rocksdb_ids *ids, const pt_entity *const *e,
                          size_t n);
int pt__rocksdb_ids_finish(pt__rocksdb_ids *ids, const pt_graph *g);
/* Finds the runs of g's edges by from key, for format 8's edge records
 * of g written with ids (a second graph takes the second slot; a graph
 * already grouped is not grouped again). PT_ENOMEM, PT_EINVAL for a
 * third graph. */
int pt__rocksdb_ids_group_edges(pt__rocksdb_ids *ids, const pt_graph *g);
/* The runs of g's edges found by pt__rocksdb_ids_group_edges; NULL when
 * g's were not. */
const pt__rocksdb_groups *pt__rocksdb_groups_of(const pt__rocksdb_ids *ids,
                                                const void *g);
/* The id of s (0 for NULL). A save's ids know every string of their graph
 * (PT_ERROR for one they do not); an update's give a string that the
 * generation does not hold the next id. */
int pt__rocksdb_id_of(pt__rocksdb_ids *ids, const char *s, uint64_t *out);
/* Appends to b the 'a' records of the strings an update numbered. */
int pt__rocksdb_ids_put_new(pt__rocksdb_ids *ids, rocksdb_writebatch_t *b);
/* The save's record types of the string table: 'a', and 'x' (tests). */
size_t pt__rocksdb_n_chunks(const void *g, const pt__rocksdb_ids *ids);
int pt__rocksdb_put_chunk(const void *g, pt__rocksdb_ids *ids, size_t i,
                          pt_buf *key, pt_buf *val);
size_t pt__rocksdb_n_hashed(const void *g, const pt__rocksdb_ids *ids);
int pt__rocksdb_put_hashed(const void *g, pt__rocksdb_ids *ids, size_t i,
                           pt_buf *key, pt_buf *val);
/* Reads one string chunk (its value): the strings' bytes and lengths in
 * order, through each (payload). PT_EINVAL for a malformed chunk. */
int pt__rocksdb_read_chunk(const char *val, size_t len,
                           int (*each)(const char *s, size_t len,
                                       void *payload),
                           void *payload);

/* store_rocksdb_records.c: format 7's entity, edge and test records,
 * their strings named by ids (pt__rocksdb_id_of). A decoder takes the
 * strings from the loaded table (id i at v[i - 1], interned in the
 * graph); an entity's signature and code are copied into g. PT_EINVAL
 * for bytes that are not one such record. */
typedef struct pt__rocksdb_strings {
  const char **v; /* owned array of g's strings */
  size_t n, cap;
  int without_code; /* set: an entity's code is left NULL, not copied */
} pt__rocksdb_strings;
int pt__rocksdb_encode_entity(pt_buf *out, pt__rocksdb_ids *ids,
                              const pt_entity *e);
int pt__rocksdb_encode_edge(pt_buf *out, pt__rocksdb_ids *ids,
                            const pt_edge *e);
int pt__rocksdb_encode_test(pt_buf *out, pt__rocksdb_ids *ids,
                            const pt_test_entity *t);
/* decode_entity reads format 7's record, whose code it copies into g
 * (left NULL with s->without_code), and format 9's, which has none. */
int pt__rocksdb_decode_entity(const char *data, size_t size,
                              const pt__rocksdb_strings *s, pt_graph *g,
                              pt_entity *out);
/* Format 9 keeps an entity's code apart (docs/storage.md, "RocksDB"): its
 * entity record ('E', 9) is format 7's without the code, and a code
 * record ('C', 9, then the code as a varint n and n - 1 bytes, n = 0 for
 * NULL) under the entity's key in the 'c' records. decode_code gives the
 * code in place (NULL for NULL), *len its bytes. */
#define PT__ROCKSDB_APART_VERSION 9
int pt__rocksdb_encode_entity9(pt_buf *out, pt__rocksdb_ids *ids,
                               const pt_entity *e);
/* The same record, its strings' ids given in kept[0..5) (pt__rocksdb_ids'
 * entity_ids) rather than looked up; kept NULL: looked up. */
int pt__rocksdb_encode_entity9_kept(pt_buf *out, pt__rocksdb_ids *ids,
                                    const pt_entity *e,
                                    const uint32_t *kept);
int pt__rocksdb_encode_code(pt_buf *out, const pt_entity *e);
/* Format 10 keeps a nested entity's code once (docs/storage.md,
 * "RocksDB"): its code record is then a range ('R', 10, then varints: the
 * id of the key of the entity whose code holds it, not 0; the offset; the
 * length, not 0) of that entity's code record, which is its own ('C'). A
 * holder is never itself a range. */
#define PT__ROCKSDB_RANGE_VERSION 10
typedef struct pt__rocksdb_code_range {
  uint64_t id; /* the holder's key id; 0: no range */
  uint32_t at, len;
} pt__rocksdb_code_range;
int pt__rocksdb_encode_code_in(pt_buf *out, uint64_t in, uint32_t at,
                               uint32_t len);
/* With in non-NULL, a range too: *code NULL and in->id its holder's (0
 * for a record of code). */
int pt__rocksdb_decode_code(const char *data, size_t size, const char **code,
                            size_t *len, pt__rocksdb_code_range *in);
/* Records a RocksDB error string err (and frees it) as the error of the
 * database at path, after what was being done: PT_EBUSY when another
 * holds its LOCK file, PT_EINVAL for RocksDB's invalid arguments, else
 * PT_EIO. Returns the code. */
int pt__rocksdb_error(char *err, const char *path, const char *what);

/* Format 9's code reader (store_rocksdb_code.c): the 'c' records under
 * lo (the generation prefix and 'c') in key order, read through ro on a
 * thread of their own (when it cannot start, by the calls below), so that
 * a load with code takes each entity's code as it meets the entity. next
 * gives the next record's key (after lo), its code (NULL for NULL) and
 * len, or the range *in that is its code (format 10), valid until the
 * next call; *key NULL when there is none left (0),
 * or the read failed (its error). *bad: the record's value is corrupt,
 * code_error then gives its error. 0 or PT_ENOMEM; stop accepts NULL. */
typedef struct pt__rocksdb_code_reader pt__rocksdb_code_reader;
int pt__rocksdb_code_start(rocksdb_t *db, const rocksdb_readoptions_t *ro,
                           const char *lo, const char *path,
                           pt__rocksdb_code_reader **out);
int pt__rocksdb_code_next(pt__rocksdb_code_reader *r, const char **key,
                          size_t *klen, const char **code, size_t *len,
                          pt__rocksdb_code_range *in, int *bad);
int pt__rocksdb_code_error(const pt__rocksdb_code_reader *r);
void pt__rocksdb_code_stop(pt__rocksdb_code_reader *r);
int pt__rocksdb_decode_edge(const char *data, size_t size,
                            const pt__rocksdb_strings *s, pt_edge *out,
                            pt_record_candidates *cand);
int pt__rocksdb_decode_test(const char *data, size_t size,
                            const pt__rocksdb_strings *s,
                            pt_test_entity *out);
/* Format 8's edge record: the n >= 1 edges e[0..n), which share their
 * from key, in one value ('G', 8, the from key's id, n, then each edge's
 * fields after its from key as format 7 encodes them). The decoder calls
 * each with every edge in order (its candidates' keys in cand) and stops
 * at the first that fails, returning its code. */
int pt__rocksdb_encode_edges(pt_buf *out, pt__rocksdb_ids *ids,
                             const pt_edge *e, size_t n);
/* The same record, with the ids of the edges' to keys given in to[0..n)
 * (pt__rocksdb_ids' edge_to) rather than looked up; one that is
 * UINT32_MAX (an id that did not fit) is looked up. */
int pt__rocksdb_encode_edges_to(pt_buf *out, pt__rocksdb_ids *ids,
                                const pt_edge *e, size_t n,
                                const uint32_t *to);
int pt__rocksdb_decode_edges(const char *data, size_t size,
                             const pt__rocksdb_strings *s,
                             int (*each)(const pt_edge *e,
                                         const pt_record_candidates *cand,
                                         void *payload),
                             void *payload);

/* A record type as a save writes it: the letter after the generation
 * prefix, how many records its source has, and record i's key (after the
 * letter) appended to key and its encoded value to val, its strings
 * named by ids where the format does so. The source is a finished graph
 * (a const pt_graph *), which holds each type's records in the order of
 * their keys, or the records of a save begun beside resolution, in that
 * order (store_rocksdb_begun.c). */
typedef struct pt__rocksdb_type {
  char prefix;
  size_t (*count)(const void *src, const pt__rocksdb_ids *ids);
  int (*put)(const void *src, pt__rocksdb_ids *ids, size_t i, pt_buf *key,
             pt_buf *val);
} pt__rocksdb_type;

/* Writes every record of `from` as a new generation and flushes it to
 * disk, without making it current: load still returns the old contents.
 * *out is the new generation. `st` comes from pt_store_rocksdb_open;
 * `from` is not checked the way pt_store_save checks it. */
int pt__store_rocksdb_write_generation(pt_store *st, const pt_graph *from,
                                       uint64_t *out);

/* The same save in format 6 (entities and edges naming their strings by
 * text), as the builds before format 7 wrote it, made current: for the
 * tests that such a database still loads and updates. */
int pt__store_rocksdb_save_format6(pt_store *st, const pt_graph *from);
/* The same in format 7 (an edge record for each edge), as the builds
 * before format 8 wrote it. */
int pt__store_rocksdb_save_format7(pt_store *st, const pt_graph *from);
/* The same in format 8 (an entity's code in its record), as the builds
 * before format 9 wrote it. */
int pt__store_rocksdb_save_format8(pt_store *st, const pt_graph *from);
/* The same in format 9 (each entity's code its own record), as the
 * builds before format 10 wrote it. */
int pt__store_rocksdb_save_format9(pt_store *st, const pt_graph *from);
/* The same with the 'x' records (each string also by the hash of its
 * text), as the builds before 2026-12-05's evening wrote it. */
int pt__store_rocksdb_save_hashed(pt_store *st, const pt_graph *from);

/* The current generation, 0 when nothing has been saved. PT_EINVAL when
 * the key naming it is malformed. */
int pt__store_rocksdb_current(pt_store *st, uint64_t *out);
/* For tests: 1 when the last whole load of format 7 to 9 read the edges
 * on a thread of their own, 0 when one scan read them. */
int pt__store_rocksdb_last_edges_apart(void);

/* How many updates read the whole string table: those whose graphs were
 * not of the pool of the graph the store loaded or saved last. */
size_t pt__store_rocksdb_n_table_reads(pt_store *st);

/* How many generations hold records, current or not. */
int pt__store_rocksdb_n_generations(pt_store *st, size_t *out);

/* store_rocksdb_diff.c: of the n_old records of one type (its key prefix,
 * 'e', 'c', 'd', 'f', 't', 'i' or 'm') in old and the n_now in now, those an
 * update must compare by key and value (indexes into each graph's array,
 * in order; for 'd', into the runs of edges ids found in each graph, which
 * format 8 writes as one record each); every record left out is the same
 * record, under the same key, in both. Free with
 * pt__rocksdb_records_fini. */
typedef struct pt__rocksdb_records {
  size_t *old, n_old; /* owned */
  size_t *now, n_now; /* owned */
} pt__rocksdb_records;
int pt__rocksdb_changed(char prefix, const pt_graph *old, size_t n_old,
                        const pt_graph *now, size_t n_now,
                        const pt__rocksdb_ids *ids, pt__rocksdb_records *out);
void pt__rocksdb_records_fini(pt__rocksdb_records *r);

/* store_rocksdb_sst.c: writes every record of g of the n_types types
 * under the key prefix gen (PT__ROCKSDB_GEN_PREFIX_SIZE bytes) as sorted
 * table files in the database folder dir, on up to one thread per
 * processor, and has db take them in (moved, at the bottom level when
 * nothing else in db holds keys of their range). opts are db's. Every
 * table file is removed again, taken in or not. */
int pt__rocksdb_write_tables(rocksdb_t *db, const rocksdb_options_t *opts,
                             const char *dir, const char *gen,
                             const pt_graph *g, pt__rocksdb_ids *ids,
                             const pt__rocksdb_type *types, size_t n_types);
/* The same in steps: table files written (named after tag, on up to
 * n_threads threads, 0 for one per processor) but not yet taken in, then
 * the files of several such writes taken in at once. Free with
 * pt__rocksdb_tables_fini, which removes every file not taken in. */
typedef struct pt__rocksdb_part pt__rocksdb_part;
typedef struct pt__rocksdb_tables {
  pt__rocksdb_part *parts; /* owned */
  size_t n;
} pt__rocksdb_tables;
int pt__rocksdb_write_parts(const rocksdb_options_t *opts, const char *dir,
                            const char *tag, const char *gen, const void *src,
                            pt__rocksdb_ids *ids,
                            const pt__rocksdb_type *types, size_t n_types,
                            unsigned n_threads, pt__rocksdb_tables *out);
int pt__rocksdb_ingest_tables(rocksdb_t *db, const char *dir,
                              const pt__rocksdb_tables *t, size_t n);
void pt__rocksdb_tables_fini(pt__rocksdb_tables *t);
/* store_rocksdb.c: the key (after the type's letter) and value of one
 * entity, file record or ignored file, as a save of format 7 writes it. */
int pt__rocksdb_entity_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                          pt_buf *k, pt_buf *v);
/* The same as format 9 writes them: the entity without its code (its
 * strings' ids in kept, or looked up when kept is NULL), and its code
 * record. */
int pt__rocksdb_entity9_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                           const uint32_t *kept, pt_buf *k, pt_buf *v);
/* The ids ids kept of entity i of the records `entities`, or NULL. */
static inline const uint32_t *pt__rocksdb_kept_entity(
    const pt__rocksdb_ids *ids, const void *entities, size_t i)
{
  return ids->entity_ids && ids->entities == entities
             ? &ids->entity_ids[PT__ROCKSDB_ENTITY_IDS * i]
             : NULL;
}
/* Entity i's (e's) code record of the records `entities`: a range
 * when ids found its holder there (pt__rocksdb_find_holders). */
int pt__rocksdb_code_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                        const void *entities, size_t i, pt_buf *k,
                        pt_buf *v);
int pt__rocksdb_file_kv(const pt_file_record *f, pt_buf *k, pt_buf *v);
int pt__rocksdb_ignored_kv(const pt_ignored_file *f, pt_buf *k, pt_buf *v);

/* store_rocksdb_begun.c: a save begun beside resolution (pt/store.h,
 * pt_store_save_begin). pt__rocksdb_begun_start starts a thread that
 * numbers the strings of g's entities and writes its entities, file
 * records and ignored files, sorted as the finished graph will hold
 * them, as table files ("b" parts) of the generation numbered
 * gen_number (key prefix gen) in dir, with db's opts, reading the records
 * in g until pt__rocksdb_begun_release returns. pt__rocksdb_begun_take
 * waits for the thread and says why a save of the finished graph g into
 * generation gen_number cannot finish it (NULL: it can, with its ids and
 * tables). pt__rocksdb_begun_free removes every table file not taken
 * in. */
typedef struct pt__rocksdb_begun pt__rocksdb_begun;
int pt__rocksdb_begun_start(const rocksdb_options_t *opts, const char *dir,
                            const char *gen, uint64_t gen_number,
                            const pt_graph *g, pt__rocksdb_begun **out);
void pt__rocksdb_begun_release(pt__rocksdb_begun *b);
const char *pt__rocksdb_begun_take(pt__rocksdb_begun *b, const pt_graph *g,
                                   uint64_t gen_number);
pt__rocksdb_ids *pt__rocksdb_begun_ids(pt__rocksdb_begun *b);
const pt__rocksdb_tables *pt__rocksdb_begun_tables(
    const pt__rocksdb_begun *b);
void pt__rocksdb_begun_free(pt__rocksdb_begun *b);

/* Removes the table files a killed save left in dir. */
void pt__rocksdb_remove_leftover_tables(const char *dir);

#endif
