/* The "rocksdb" backend of pt/store.h (POSIX builds): one key per record
 * (per from key for edges), values in the encoding of pt/record_codec.h,
 * entities, edges and tests naming their strings by id into a table of
 * each distinct string (format 8: store_rocksdb_records.c,
 * store_rocksdb_strings.c; format 7, a record an edge, and format 6,
 * strings by text, still load). Each save writes the whole
 * graph as a new generation beside the current one (sorted table files,
 * store_rocksdb_sst.c) and then, in one small synced batch, makes it
 * current and drops the old one; docs/storage.md ("RocksDB") gives the key
 * layout and why the save goes this way. */
#include <rocksdb/c.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/error.h"
#include "pt/graph_load_code.h"
#include "pt/log.h"
#include "pt/record_codec.h"
#include "pt/store.h"
#include "pt/strmap.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "store_rocksdb_int.h"

/* The note a writer keeps in the database folder while it holds the
 * database ("pid N", then "port P" once it serves), so that a second
 * opener, refused by RocksDB's LOCK, can say who holds it. RocksDB leaves
 * files it does not know alone. */
#define OWNER_NOTE "parseltongue-owner.txt"

/* Keys outside every generation: our format version (a meta record) and
 * the current generation (8 bytes, big-endian). Version 1 kept the records
 * themselves at the top level, so it names a different layout; version 2
 * had edges without their resolution, version 3 files without their mtime
 * and reuse record, version 4 edge keys ending in the type's name, version
 * 5 edges without their candidates. Version 6 named every string by its
 * text, version 7 kept a record for each edge (its key the from key, the
 * to key and the type), version 8 kept an entity's code in its record,
 * version 9 each entity's code in a record of its own; all four load as
 * they are, and an update of any writes it whole as 10. */
#define VERSION_NAME "schema_version"
#define VERSION_VALUE "10" /* 3: edges carry their resolution; 4: files
                               carry mtime_ns and reuse; 5: edge keys end
                               in the type's number; 6: edges carry their
                               candidates; 7: entities, edges and tests
                               name their strings by id; 8: one edge
                               record for each from key; 9: an entity's
                               code in a record of its own; 10: a nested
                               entity's code a range of its holder's */
#define VERSION_6 "6"
#define VERSION_7 "7"
#define VERSION_8 "8"
#define VERSION_9 "9"
#define VERSION_KEY "m\0" VERSION_NAME
#define CURRENT_KEY "m\0generation"

#define GEN_PREFIX_SIZE PT__ROCKSDB_GEN_PREFIX_SIZE

/* Only the live index's updates go through memtables (a save writes table
 * files): RocksDB's defaults (two 64 MB memtables) would keep up to 128 MB
 * of them in memory; a graph is read whole, so there is no hot data worth
 * keeping there. */
#define WRITE_BUFFER_SIZE ((size_t)8 << 20)
#define MAX_WRITE_BUFFERS 3

/* A load reads every block once, through no cache: each block costs a
 * lookup in the file's index, a read, a checksum and a buffer for its
 * decompressed bytes. Blocks of 256 KB instead of RocksDB's 4 KB made a
 * server's start from svc50k take 0.36 CPU s instead of 0.43, and the
 * files 45 MB instead of 61 (docs/performance.md). */
#define BLOCK_SIZE ((size_t)256 << 10)

typedef struct rocksdb_store {
  pt_store base;                 /* first: the pt_store the caller holds */
  char *path;                    /* owned */
  rocksdb_t *db;                 /* owned, open from open to close */
  rocksdb_options_t *opts;       /* owned */
  rocksdb_writeoptions_t *wopts; /* owned: synced, through the WAL */
  rocksdb_readoptions_t *ropts;  /* owned */
  pt_store_mode mode;
  int has_note;                  /* this store wrote OWNER_NOTE */
  pt__rocksdb_known known;       /* the current generation's strings */
  pt__rocksdb_begun *begun;      /* owned: a save begun, or NULL */
  size_t n_table_reads;          /* updates that read the string table */
  uint64_t files_gen;            /* the generation the last load_files read */
  int has_files_gen;             /* that load succeeded (no other writer
                                    changes it while this store is open:
                                    RocksDB's lock keeps them out) */
} rocksdb_store;

static const pt_store_ops rocksdb_ops;

/* The keys of generation `gen` sort from lo (inclusive) to hi (exclusive):
 * hi is lo followed by 0xff, above any record key's first letter. */
typedef struct gen_range {
  char lo[GEN_PREFIX_SIZE];
  char hi[GEN_PREFIX_SIZE + 1];
} gen_range;

static gen_range range_of(uint64_t gen)
{
  gen_range r;
  r.lo[0] = 'g';
  pt__rocksdb_put_be64(r.lo + 1, gen);
  memcpy(r.hi, r.lo, sizeof r.lo);
  r.hi[GEN_PREFIX_SIZE] = '\xff';
  return r;
}

/* Failing to take the LOCK file (named in the message) means another
 * process, or another store in this one, has the database open. */
int pt__rocksdb_error(char *err, const char *path, const char *what)
{
  int code = PT_EIO;
  if (strstr(err, "/LOCK: "))
    code = PT_EBUSY;
  else if (strncmp(err, "Invalid argument", 16) == 0)
    code = PT_EINVAL;
  int rc = PT_ERR(code, "rocksdb %s: %s: %s", path, what, err);
  rocksdb_free(err);
  return rc;
}

/* Prefixes the last error's message with the database path, keeping its
 * code and origin. */
static int in_db(int rc, const char *path)
{
  pt_error e = *pt_error_last();
  return pt__error_set(rc, e.file, e.line, "rocksdb %s: %s", path, e.message);
}

/* Appends "\0" and s (NULL as "") to a key. */
static int key_part(pt_buf *k, const char *s)
{
  int rc = pt_buf_putc(k, '\0');
  if (rc == 0 && s)
    rc = pt_buf_puts(k, s);
  return rc;
}

/* ---- records --------------------------------------------------------------
 * Keys are the same in formats 6 and 7, and in 8 but for the edges' (the
 * from key alone); format 7's and 8's entity, edge and test values name
 * their strings by id (store_rocksdb_records.c). */

static int put_entity6(const void *g, pt__rocksdb_ids *ids, size_t i,
                       pt_buf *k, pt_buf *v)
{
  const pt_entity *e = &pt_graph_entities(g)[i];
  int rc = key_part(k, e->key);
  (void)ids;
  return rc ? rc : pt_record_encode_entity(v, e);
}

int pt__rocksdb_entity_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                          pt_buf *k, pt_buf *v)
{
  int rc = key_part(k, e->key);
  return rc ? rc : pt__rocksdb_encode_entity(v, ids, e);
}

static int put_entity(const void *g, pt__rocksdb_ids *ids, size_t i,
                      pt_buf *k, pt_buf *v)
{
  return pt__rocksdb_entity_kv(&pt_graph_entities(g)[i], ids, k, v);
}

int pt__rocksdb_entity9_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                           const uint32_t *kept, pt_buf *k, pt_buf *v)
{
  int rc = key_part(k, e->key);
  return rc ? rc : pt__rocksdb_encode_entity9_kept(v, ids, e, kept);
}

int pt__rocksdb_code_kv(const pt_entity *e, pt__rocksdb_ids *ids,
                        const void *entities, size_t i, pt_buf *k,
                        pt_buf *v)
{
  int rc = key_part(k, e->key);
  return rc ? rc : pt__rocksdb_code_of(ids, entities, i, e, v);
}

static int put_entity9(const void *g, pt__rocksdb_ids *ids, size_t i,
                       pt_buf *k, pt_buf *v)
{
  const pt_entity *e = pt_graph_entities(g);
  return pt__rocksdb_entity9_kv(&e[i], ids,
                                pt__rocksdb_kept_entity(ids, e, i), k, v);
}

/* Format 9: entity i's code, under its key; format 10: a range of its
 * holder's when a save found one. */
static int put_code(const void *g, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  const pt_entity *e = pt_graph_entities(g);
  return pt__rocksdb_code_kv(&e[i], ids, e, i, k, v);
}

/* The type as a digit of its number, not its name: keys then sort as the
 * graph orders edges (from, to, type), and a load need not sort them. */
static int edge_key(const pt_edge *e, pt_buf *k)
{
  int rc = key_part(k, e->from_key);
  if (rc == 0) rc = key_part(k, e->to_key);
  if (rc == 0) rc = pt_buf_putc(k, '\0');
  return rc ? rc : pt_buf_putc(k, (char)('0' + (int)e->type));
}

static int put_edge6(const void *g, pt__rocksdb_ids *ids, size_t i,
                     pt_buf *k, pt_buf *v)
{
  const pt_edge *e = &pt_graph_edges(g)[i];
  int rc = edge_key(e, k);
  (void)ids;
  return rc ? rc : pt_record_encode_edge(v, e);
}

static int put_edge(const void *g, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  const pt_edge *e = &pt_graph_edges(g)[i];
  int rc = edge_key(e, k);
  return rc ? rc : pt__rocksdb_encode_edge(v, ids, e);
}

/* Format 8: run i of the edges that share a from key (ids found the runs:
 * pt__rocksdb_ids_group_edges), under that key. Keys sort as the graph
 * orders edges, and each run is in that order within. */
static size_t n_edge_runs(const void *g, const pt__rocksdb_ids *ids)
{
  const pt__rocksdb_groups *r = pt__rocksdb_groups_of(ids, g);
  return r ? r->n : 0;
}

static int put_edge_run(const void *g, pt__rocksdb_ids *ids, size_t i,
                        pt_buf *k, pt_buf *v)
{
  const pt__rocksdb_groups *r = pt__rocksdb_groups_of(ids, g);
  if (!r || i >= r->n)
    return PT_ERR(PT_ERROR, "rocksdb: edges written without their runs");
  const pt_edge *e = &pt_graph_edges(g)[r->start[i]];
  /* the to keys' ids kept from the numbering of g's edges, if it kept them */
  const uint32_t *to = ids->edge_to && ids->edges == pt_graph_edges(g) &&
                               ids->n_edges == pt_graph_n_edges(g)
                           ? &ids->edge_to[r->start[i]]
                           : NULL;
  int rc = key_part(k, e->from_key);
  return rc ? rc : pt__rocksdb_encode_edges_to(v, ids, e,
                                               r->start[i + 1] - r->start[i],
                                               to);
}

int pt__rocksdb_file_kv(const pt_file_record *f, pt_buf *k, pt_buf *v)
{
  int rc = key_part(k, f->path);
  return rc ? rc : pt_record_encode_file(v, f);
}

static int put_file(const void *g, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  (void)ids;
  return pt__rocksdb_file_kv(&pt_graph_files(g)[i], k, v);
}

/* The ordinal (the test's place in canonical order, big-endian so keys
 * sort by it) makes each key unique. */
static int test_key(const pt_test_entity *t, size_t i, pt_buf *k)
{
  char ord[8];
  pt__rocksdb_put_be64(ord, i);
  int rc = key_part(k, t->file_path);
  if (rc == 0) rc = pt_buf_putc(k, '\0');
  return rc ? rc : pt_buf_put(k, ord, sizeof ord);
}

static int put_test6(const void *g, pt__rocksdb_ids *ids, size_t i,
                     pt_buf *k, pt_buf *v)
{
  const pt_test_entity *t = &pt_graph_tests(g)[i];
  int rc = test_key(t, i, k);
  (void)ids;
  return rc ? rc : pt_record_encode_test(v, t);
}

static int put_test(const void *g, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  const pt_test_entity *t = &pt_graph_tests(g)[i];
  int rc = test_key(t, i, k);
  return rc ? rc : pt__rocksdb_encode_test(v, ids, t);
}

int pt__rocksdb_ignored_kv(const pt_ignored_file *f, pt_buf *k, pt_buf *v)
{
  int rc = key_part(k, f->path);
  return rc ? rc : pt_record_encode_ignored(v, f);
}

static int put_ignored(const void *g, pt__rocksdb_ids *ids, size_t i,
                       pt_buf *k, pt_buf *v)
{
  (void)ids;
  return pt__rocksdb_ignored_kv(&pt_graph_ignored(g)[i], k, v);
}

static int put_meta(const void *g, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  const char *name, *value;
  pt_graph_meta_at(g, i, &name, &value);
  int rc = key_part(k, name);
  (void)ids;
  return rc ? rc : pt_record_encode_meta(v, name, value);
}

static size_t n_entities(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_entities(g);
}

static size_t n_edges(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_edges(g);
}

static size_t n_files(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_files(g);
}

static size_t n_tests(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_tests(g);
}

static size_t n_ignored(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_ignored(g);
}

static size_t n_meta(const void *g, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return pt_graph_n_meta(g);
}

/* ---- loading records -------------------------------------------------------
 * A loader gets the record's key after the generation prefix (its letter
 * first) and its value. Format 6: the strings the last edge loaded had,
 * interned: edges come in key order, so most have the last one's from key
 * and file, which are then compared, not looked up again. Format 7: the
 * string table, whose chunks come first ('a'), copied into the pool and
 * interned at once before the first record that names them. */
typedef struct edges_apart edges_apart;
typedef struct load_ctx {
  pt_graph *g;
  const char *from, *file;
  pt__rocksdb_strings s;
  size_t *len, len_cap; /* owned: s.v's lengths until interned */
  int is_interned;
  edges_apart *apart;   /* set: the edges go there, not into g */
  char fail_type;       /* the letter of the record that failed */
  /* format 9 with code: the 'c' records, read beside the entities (one
   * for each, in the same key order); NULL: no code is read */
  pt__rocksdb_code_reader *codes; /* owned */
  const char *path;     /* borrowed: for messages */
} load_ctx;

static int load_entity6(load_ctx *c, const char *key, size_t klen,
                        const char *val, size_t len)
{
  pt_entity e;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_entity(val, len, &e);
  return rc ? rc : pt_graph_add_entity(c->g, &e);
}

static int load_edge6(load_ctx *c, const char *key, size_t klen,
                      const char *val, size_t len)
{
  pt_edge e;
  pt_record_candidates cand;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_edge_candidates(val, len, &e, &cand);
  if (rc == 0 && cand.n)
    rc = pt_graph_intern_candidates(c->g, cand.n, cand.keys, cand.n_keys,
                                    &e.candidates);
  if (rc == 0)
    rc = pt_graph_intern_after(c->g, &c->from, &e.from_key);
  if (rc == 0)
    rc = pt_graph_intern_after(c->g, &c->file, &e.file_path);
  return rc ? rc : pt_graph_add_edge_interned(c->g, &e, 0);
}

static int load_file(load_ctx *c, const char *key, size_t klen,
                     const char *val, size_t len)
{
  pt_file_record f;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_file(val, len, &f);
  return rc ? rc : pt_graph_add_file(c->g, &f);
}

static int load_test6(load_ctx *c, const char *key, size_t klen,
                      const char *val, size_t len)
{
  pt_test_entity t;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_test(val, len, &t);
  return rc ? rc : pt_graph_add_test(c->g, &t);
}

static int load_ignored(load_ctx *c, const char *key, size_t klen,
                        const char *val, size_t len)
{
  pt_ignored_file f;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_ignored(val, len, &f);
  return rc ? rc : pt_graph_add_ignored(c->g, &f);
}

static int load_meta(load_ctx *c, const char *key, size_t klen,
                     const char *val, size_t len)
{
  const char *name, *value;
  (void)key;
  (void)klen;
  int rc = pt_record_decode_meta(val, len, &name, &value);
  if (rc == 0 && name)
    rc = pt_graph_set_meta(c->g, name, value);
  return rc;
}

static int add_string(const char *s, size_t len, void *payload)
{
  load_ctx *c = payload;
  pt__rocksdb_strings *t = &c->s;
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 4096;
    const char **v = pt_realloc(t->v, cap * sizeof *v);
    size_t *lens = v ? pt_realloc(c->len, cap * sizeof *lens) : NULL;
    if (v)
      t->v = v;
    if (!lens)
      return PT_ERR(PT_ENOMEM, "out of memory reading strings");
    c->len = lens;
    t->cap = c->len_cap = cap;
  }
  if (!(t->v[t->n] = pt_graph_copy_text(c->g, s, len)))
    return PT_ERR(PT_ENOMEM, "out of memory reading strings");
  c->len[t->n++] = len;
  return 0;
}

/* A chunk's key: 'a', then the id of its first string, the one after the
 * chunk before. */
static int load_chunk(load_ctx *c, const char *key, size_t klen,
                      const char *val, size_t len)
{
  if (c->is_interned || klen != 2 + 8 ||
      pt__rocksdb_get_be64(key + 2) != (uint64_t)c->s.n + 1)
    return PT_ERR(PT_EINVAL, "corrupt string chunk: ids not 1, 2, 3, ... "
                  "in order");
  return pt__rocksdb_read_chunk(val, len, add_string, c);
}

static int intern_strings(load_ctx *c)
{
  int rc = c->is_interned ? 0 : pt_graph_intern_copies(c->g, c->s.v, c->len,
                                                       c->s.n);
  c->is_interned = 1;
  pt_free(c->len);
  c->len = NULL;
  return rc;
}

/* Format 9: e's code from the next 'c' record, which is under e's key
 * (key: 'e', NUL, the entity's key): as many code records as entities, in
 * the same order. Format 10's may be a range of another entity's code,
 * named by its key's id: placed (and checked) by pt_graph_finish. */
static int load_code_of(load_ctx *c, const char *key, size_t klen,
                        pt_entity *e)
{
  const char *ck = NULL, *code = NULL;
  size_t cklen = 0, len = 0;
  pt__rocksdb_code_range in = {0, 0, 0};
  int bad = 0;
  int rc = pt__rocksdb_code_next(c->codes, &ck, &cklen, &code, &len, &in,
                                 &bad);
  if (rc)
    return rc;
  if (!ck || cklen != klen - 1 || memcmp(ck, key + 1, klen - 1) != 0)
    return PT_ERR(PT_EINVAL, "corrupt code records: none for the entity "
                  "%.*s", (int)(klen > 2 ? klen - 2 : 0), key + 2);
  if (bad)
    return pt__rocksdb_code_error(c->codes);
  if (in.id > c->s.n)
    return PT_ERR(PT_EINVAL, "corrupt code record of %.*s: holder id out "
                  "of range", (int)(klen > 2 ? klen - 2 : 0), key + 2);
  if (in.id && pt_graph_load_code_in(c->g, e, c->s.v[in.id - 1], in.at,
                                     in.len) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory reading entity code");
  if (code && pt_graph_load_code(c->g, e, code, len) != 0)
    rc = PT_ERR(PT_ENOMEM, "out of memory reading entity code");
  return rc;
}

/* After the last entity: no code record is left. */
static int check_codes_done(load_ctx *c)
{
  const char *ck = NULL, *code = NULL;
  size_t cklen = 0, len = 0;
  pt__rocksdb_code_range in;
  int bad = 0;
  int rc = pt__rocksdb_code_next(c->codes, &ck, &cklen, &code, &len, &in,
                                 &bad);
  if (rc == 0 && ck)
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: corrupt code records: one for no "
                "entity (%.*s)", c->path, (int)(cklen > 1 ? cklen - 1 : 0),
                ck + 1);
  return rc;
}

static int load_entity(load_ctx *c, const char *key, size_t klen,
                       const char *val, size_t len)
{
  pt_entity e;
  int rc = intern_strings(c);
  /* format 9 with its code: a record that holds code would give two */
  if (rc == 0 && c->codes &&
      (len < 2 || (unsigned char)val[1] != PT__ROCKSDB_APART_VERSION))
    rc = PT_ERR(PT_EINVAL, "corrupt entity record: not of format 9");
  if (rc == 0)
    rc = pt__rocksdb_decode_entity(val, len, &c->s, c->g, &e);
  if (rc == 0 && c->codes)
    rc = load_code_of(c, key, klen, &e);
  return rc ? rc : pt_graph_add_entity_interned(c->g, &e);
}

/* A load's edges read on a thread of their own (load_generation): the
 * edges in key order, their candidate lists copied aside until the join
 * interns them in the graph's pool. */
struct edges_apart {
  pt_edge *v; /* owned */
  size_t n, cap;
  pt_arena cands;
};

static int add_edge_apart(edges_apart *a, const pt_edge *e,
                          const pt_record_candidates *cand)
{
  pt_edge d = *e;
  d.candidates = NULL;
  if (cand->n) {
    size_t size = offsetof(pt_candidates, keys) +
                  cand->n_keys * sizeof(const char *);
    pt_candidates *c = pt_arena_alloc(&a->cands, size);
    if (!c)
      return PT_ERR(PT_ENOMEM, "out of memory reading candidate lists");
    c->n = cand->n;
    c->n_keys = cand->n_keys;
    memcpy(c->keys, cand->keys, cand->n_keys * sizeof(const char *));
    d.candidates = c;
  }
  if (pt_array_grow((void **)&a->v, &a->cap, a->n + 1, sizeof *a->v) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory reading edges");
  a->v[a->n++] = d;
  return 0;
}

/* A decoded edge (its candidates' keys in cand) into the graph. */
static int add_edge(const pt_edge *e, const pt_record_candidates *cand,
                    void *payload)
{
  load_ctx *c = payload;
  if (c->apart)
    return add_edge_apart(c->apart, e, cand);
  pt_edge d = *e;
  int rc = cand->n ? pt_graph_intern_candidates_interned(
                         c->g, cand->n, cand->keys, cand->n_keys,
                         &d.candidates)
                   : 0;
  return rc ? rc : pt_graph_add_edge_interned(c->g, &d, 1);
}

/* Format 7: one edge. */
static int load_edge(load_ctx *c, const char *key, size_t klen,
                     const char *val, size_t len)
{
  pt_edge e;
  pt_record_candidates cand;
  int rc = intern_strings(c);
  (void)key;
  (void)klen;
  if (rc == 0)
    rc = pt__rocksdb_decode_edge(val, len, &c->s, &e, &cand);
  return rc ? rc : add_edge(&e, &cand, c);
}

/* Format 8: the edges of one from key. */
static int load_edge_run(load_ctx *c, const char *key, size_t klen,
                         const char *val, size_t len)
{
  int rc = intern_strings(c);
  (void)key;
  (void)klen;
  return rc ? rc : pt__rocksdb_decode_edges(val, len, &c->s, add_edge, c);
}

static int load_test(load_ctx *c, const char *key, size_t klen,
                     const char *val, size_t len)
{
  pt_test_entity t;
  int rc = intern_strings(c);
  (void)key;
  (void)klen;
  if (rc == 0)
    rc = pt__rocksdb_decode_test(val, len, &c->s, &t);
  return rc ? rc : pt_graph_add_test_interned(c->g, &t);
}

static void load_ctx_fini(load_ctx *c)
{
  pt_free(c->s.v);
  pt_free(c->len);
}

/* Save and update write these types; load picks the type by a key's
 * prefix, and its loader from the same row of loaders. A load stops at
 * the letter `stop`: the 'x' records that builds before 2026-12-05's
 * evening wrote beside the string table (each string again, by a hash of
 * its text, for their updates to seek), which nothing reads now; the
 * next save leaves them out. */
typedef pt__rocksdb_type record_type;
typedef int (*record_loader)(load_ctx *c, const char *key, size_t klen,
                             const char *val, size_t len);

typedef struct format {
  const char *version;
  const record_type *types;
  const record_loader *loaders;
  size_t n_types;
  char stop;
  char code; /* format 9's 'c': read beside the entities, not scanned */
} format;

static const record_type types6[] = {
    {'e', n_entities, put_entity6}, {'d', n_edges, put_edge6},
    {'f', n_files, put_file},       {'t', n_tests, put_test6},
    {'i', n_ignored, put_ignored},  {'m', n_meta, put_meta},
};
static const record_loader loaders6[] = {
    load_entity6, load_edge6, load_file, load_test6, load_ignored, load_meta};

/* Formats 7 and 8 have the same record types; 8 writes the edges that
 * share a from key as one record, where 7 wrote one for each edge (and
 * still loads; a test hook writes it). */
static const record_type types7[] = {
    {'a', pt__rocksdb_n_chunks, pt__rocksdb_put_chunk},
    {'d', n_edges, put_edge},
    {'e', n_entities, put_entity},
    {'f', n_files, put_file},
    {'i', n_ignored, put_ignored},
    {'m', n_meta, put_meta},
    {'t', n_tests, put_test},
};
static const record_type types8[] = {
    {'a', pt__rocksdb_n_chunks, pt__rocksdb_put_chunk},
    {'d', n_edge_runs, put_edge_run},
    {'e', n_entities, put_entity},
    {'f', n_files, put_file},
    {'i', n_ignored, put_ignored},
    {'m', n_meta, put_meta},
    {'t', n_tests, put_test},
    {'x', pt__rocksdb_n_hashed, pt__rocksdb_put_hashed},
};
static const record_loader loaders7[] = {
    load_chunk, load_edge, load_entity, load_file, load_ignored, load_meta,
    load_test, NULL};
static const record_loader loaders8[] = {
    load_chunk, load_edge_run, load_entity, load_file, load_ignored,
    load_meta, load_test, NULL};
/* Format 9 keeps an entity's code in a 'c' record of its own beside its
 * record, so that a load without code reads none of it. A load with code
 * reads them on a thread of their own (store_rocksdb_code.c) and takes
 * each as it meets its entity (load_code_of), so no scan reads them: their
 * loader is never called. */
static const record_type types9[] = {
    {'a', pt__rocksdb_n_chunks, pt__rocksdb_put_chunk},
    {'c', n_entities, put_code},
    {'d', n_edge_runs, put_edge_run},
    {'e', n_entities, put_entity9},
    {'f', n_files, put_file},
    {'i', n_ignored, put_ignored},
    {'m', n_meta, put_meta},
    {'t', n_tests, put_test},
};
static const record_loader loaders9[] = {
    load_chunk, NULL, load_edge_run, load_entity, load_file, load_ignored,
    load_meta, load_test};

/* What a save that finishes a begun one writes (the begun wrote 'c',
 * 'e' and 'i': store_rocksdb_begun.c; the file records, with what
 * resolution read, wait for the finished graph). */
static const record_type rest9[] = {
    {'a', pt__rocksdb_n_chunks, pt__rocksdb_put_chunk},
    {'d', n_edge_runs, put_edge_run},
    {'f', n_files, put_file},
    {'m', n_meta, put_meta},
    {'t', n_tests, put_test},
};

/* format8_hashed, for the tests only, writes the 'x' records too (the
 * last type), as the builds before did. */
#define N_TYPES8 (sizeof types8 / sizeof types8[0])
static const format format6 = {VERSION_6, types6, loaders6,
                               sizeof types6 / sizeof types6[0], '\0', '\0'};
static const format format7 = {VERSION_7, types7, loaders7,
                               sizeof types7 / sizeof types7[0], 'x', '\0'};
static const format format8 = {VERSION_8, types8, loaders8, N_TYPES8 - 1,
                               'x', '\0'};
static const format format8_hashed = {VERSION_8, types8, loaders8, N_TYPES8,
                                      'x', '\0'};
static const format format9 = {VERSION_9, types9, loaders9,
                               sizeof types9 / sizeof types9[0], 'x', 'c'};
/* Format 10 has format 9's records; a save writes a nested entity's code
 * record as a range of its holder's (pt__rocksdb_find_holders), which an
 * update never does: it writes each changed entity's code whole. */
static const format format10 = {VERSION_VALUE, types9, loaders9,
                                sizeof types9 / sizeof types9[0], 'x', 'c'};

/* ---- save ---------------------------------------------------------------- */

/* The generation CURRENT_KEY names, 0 when there is none. */
static int read_current(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                        uint64_t *out)
{
  char *err = NULL;
  size_t len = 0;
  char *val = rocksdb_get(rs->db, ro, CURRENT_KEY, sizeof CURRENT_KEY - 1,
                          &len, &err);
  int rc = 0;
  if (err)
    rc = pt__rocksdb_error(err, rs->path, "cannot read");
  else if (val && len != 8)
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: not a parseltongue database "
                "(current generation of %zu bytes)", rs->path, len);
  else
    *out = val ? pt__rocksdb_get_be64(val) : 0;
  rocksdb_free(val);
  return rc;
}

/* A save replaces whatever the directory holds, so a malformed current
 * generation is no reason to refuse one: the save starts over at 1. */
static int current_for_save(rocksdb_store *rs, uint64_t *out)
{
  int rc = read_current(rs, rs->ropts, out);
  if (rc == PT_EINVAL) {
    pt_error_clear();
    *out = 0;
    rc = 0;
  }
  return rc;
}

/* The highest generation that holds records, 0 when none does. A save
 * that failed or crashed before its flip may have left one above the
 * current generation. */
static int last_generation(rocksdb_store *rs, uint64_t *out)
{
  rocksdb_iterator_t *it = rocksdb_create_iterator(rs->db, rs->ropts);
  char *err = NULL;
  size_t len = 0;
  gen_range top = range_of(UINT64_MAX);
  *out = 0;
  rocksdb_iter_seek_for_prev(it, top.hi, sizeof top.hi);
  if (rocksdb_iter_valid(it)) {
    const char *key = rocksdb_iter_key(it, &len);
    if (len >= GEN_PREFIX_SIZE && key[0] == 'g')
      *out = pt__rocksdb_get_be64(key + 1);
  }
  rocksdb_iter_get_error(it, &err);
  rocksdb_iter_destroy(it);
  return err ? pt__rocksdb_error(err, rs->path, "cannot read") : 0;
}

/* A save begun and not finished is thrown away (its thread waited for,
 * its table files removed) by anything else that writes the database. */
static void drop_begun(rocksdb_store *rs)
{
  pt__rocksdb_begun_free(rs->begun);
  rs->begun = NULL;
}

/* The new generation is numbered above every generation there is, so no
 * record and no deletion in the database falls in its key range: RocksDB
 * then takes its table files in at the bottom level, with nothing to
 * compact. Table files synced and taken in are on disk, so the flip that
 * follows can rely on them after a crash. */
static int next_generation(rocksdb_store *rs, uint64_t *out)
{
  uint64_t cur = 0, last = 0;
  int rc = current_for_save(rs, &cur);
  if (rc == 0)
    rc = last_generation(rs, &last);
  *out = (last > cur ? last : cur) + 1;
  return rc;
}

static int write_generation(rocksdb_store *rs, const format *fmt,
                            const pt_graph *from, pt__rocksdb_ids *ids,
                            uint64_t *out)
{
  uint64_t gen = 0;
  int rc = next_generation(rs, &gen);
  gen_range r = range_of(gen);
  if (rc == 0 && fmt != &format6)
    rc = pt__rocksdb_ids_for_save(ids, from, fmt == &format8_hashed);
  if (rc == 0 && fmt != &format6)
    rc = pt__rocksdb_ids_group_edges(ids, from);
  if (rc == 0 && fmt == &format10)
    rc = pt__rocksdb_find_holders(ids, pt_graph_entities(from),
                                  pt_graph_entities(from), NULL,
                                  pt_graph_n_entities(from));
  if (rc == 0) {
    pt__rocksdb_remove_leftover_tables(rs->path);
    rc = pt__rocksdb_write_tables(rs->db, rs->opts, rs->path, r.lo, from,
                                  ids, fmt->types, fmt->n_types);
  }
  if (rc == 0)
    *out = gen;
  return rc;
}

int pt__store_rocksdb_write_generation(pt_store *st, const pt_graph *from,
                                       uint64_t *out)
{
  pt__rocksdb_ids ids;
  memset(&ids, 0, sizeof ids);
  drop_begun((rocksdb_store *)st);
  int rc = write_generation((rocksdb_store *)st, &format10, from, &ids, out);
  pt__rocksdb_ids_fini(&ids);
  return rc;
}

/* Makes generation gen current in one synced batch, which RocksDB applies
 * atomically. Deleting everything else (the older generations, and the
 * records of a version 1 database) comes first in the batch, so the two
 * keys put after it survive. gen is the highest generation there is, and
 * no deletion reaches above it, into the ranges later saves write. */
static int flip(rocksdb_store *rs, const format *fmt, uint64_t gen)
{
  gen_range r = range_of(gen);
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  pt_buf v = PT_BUF_INIT;
  char cur[8];
  int rc = pt_record_encode_meta(&v, VERSION_NAME, fmt->version);
  pt__rocksdb_put_be64(cur, gen);
  if (rc == 0) {
    char *err = NULL;
    rocksdb_writebatch_delete_range(b, "", 0, r.lo, sizeof r.lo);
    rocksdb_writebatch_delete_range(b, "h", 1, "\xff", 1);
    rocksdb_writebatch_put(b, VERSION_KEY, sizeof VERSION_KEY - 1, v.ptr,
                           v.len);
    rocksdb_writebatch_put(b, CURRENT_KEY, sizeof CURRENT_KEY - 1, cur,
                           sizeof cur);
    rocksdb_write(rs->db, rs->wopts, b, &err);
    if (err)
      rc = pt__rocksdb_error(err, rs->path, "cannot write");
  }
  pt_buf_fini(&v);
  rocksdb_writebatch_destroy(b);
  return rc;
}

/* Until the flip, readers and a crash see the old generation only. */
/* Debian's RocksDB 7.8 is built with assertions, and on some write errors
 * of a full disk one of them aborts the process (WritableFileWriter,
 * "sync_without_flush_called_"). So a write that cannot fit is refused
 * before RocksDB starts it: a write-ahead log file is preallocated at about
 * a memtable's size, and a save writes the graph's strings once more, into
 * memtables and table files. */
#define ROOM_BASE ((uint64_t)WRITE_BUFFER_SIZE * 2)

static int check_room(const char *path, uint64_t need)
{
  struct statvfs sv;
  if (statvfs(path, &sv) != 0)
    return 0; /* unknown: RocksDB reports what happens */
  uint64_t room = (uint64_t)sv.f_bavail * sv.f_frsize;
  if (room >= need)
    return 0;
  return PT_ERR(PT_EIO, "rocksdb %s: not enough free space on its disk "
                "(%llu KB free, about %llu KB needed)", path,
                (unsigned long long)(room >> 10),
                (unsigned long long)(need >> 10));
}

static int check_writable(const rocksdb_store *rs, uint64_t need)
{
  return rs->mode == PT_STORE_READ
             ? PT_ERR(PT_EINVAL, "rocksdb %s: opened for reading only",
                      rs->path)
             : check_room(rs->path, need);
}

/* The older generations' table files, deleted by the flip, lie wholly
 * below gen's range: RocksDB drops them without reading them (what it
 * cannot drop so, compactions remove). Failing here loses nothing. */
static void drop_old_tables(rocksdb_store *rs, uint64_t gen)
{
  gen_range r = range_of(gen);
  char *err = NULL;
  rocksdb_delete_file_in_range(rs->db, "g", 1, r.lo, sizeof r.lo, &err);
  rocksdb_free(err);
}

/* The store then knows the saved generation's strings: the save's
 * numbering, by pointer into from's pool. */
static int save_as(rocksdb_store *rs, const format *fmt,
                   const pt_graph *from)
{
  pt__rocksdb_ids ids;
  uint64_t gen = 0;
  memset(&ids, 0, sizeof ids);
  drop_begun(rs);
  pt__rocksdb_known_fini(&rs->known);
  int rc = check_writable(rs, ROOM_BASE +
                                  2 * (uint64_t)pt_graph_pool_bytes(from));
  if (rc == 0)
    rc = write_generation(rs, fmt, from, &ids, &gen);
  if (rc == 0)
    rc = flip(rs, fmt, gen);
  if (rc == 0)
    drop_old_tables(rs, gen);
  if (rc == 0 && fmt != &format6) {
    pt__rocksdb_known_set(&rs->known, gen, from, ids.text, ids.n);
    ids.text = NULL;
  }
  pt__rocksdb_ids_fini(&ids);
  return rc;
}

/* The rest of the save begun as b: the edges' and tests' strings
 * numbered after the entities', the other types written, and every table
 * file taken in at once; then as save_as. */
static int save_begun(rocksdb_store *rs, pt__rocksdb_begun *b,
                      const pt_graph *from, uint64_t gen)
{
  pt__rocksdb_ids *ids = pt__rocksdb_begun_ids(b);
  pt__rocksdb_tables t[2] = {*pt__rocksdb_begun_tables(b), {NULL, 0}};
  gen_range r = range_of(gen);
  pt__rocksdb_known_fini(&rs->known);
  int rc = check_writable(rs, ROOM_BASE +
                                  2 * (uint64_t)pt_graph_pool_bytes(from));
  if (rc == 0)
    rc = pt__rocksdb_ids_finish(ids, from);
  if (rc == 0)
    rc = pt__rocksdb_ids_group_edges(ids, from);
  if (rc == 0)
    rc = pt__rocksdb_write_parts(rs->opts, rs->path, "", r.lo, from, ids,
                                 rest9, sizeof rest9 / sizeof rest9[0], 0,
                                 &t[1]);
  if (rc == 0)
    rc = pt__rocksdb_ingest_tables(rs->db, rs->path, t, 2);
  pt__rocksdb_tables_fini(&t[1]);
  if (rc == 0)
    rc = flip(rs, &format10, gen);
  if (rc == 0)
    drop_old_tables(rs, gen);
  if (rc == 0) {
    pt__rocksdb_known_set(&rs->known, gen, from, ids->text, ids->n);
    ids->text = NULL;
  }
  return rc;
}

/* The save begun on rs, waited for, when a save of from can finish it
 * into generation *gen (the next one); else NULL, and it is thrown
 * away. */
static pt__rocksdb_begun *take_begun(rocksdb_store *rs, const pt_graph *from,
                                     uint64_t *gen)
{
  pt__rocksdb_begun *b = rs->begun;
  rs->begun = NULL;
  if (!b)
    return NULL;
  const char *why = NULL;
  if (next_generation(rs, gen) != 0) {
    why = "cannot read the generations";
    pt_error_clear();
  }
  if (!why)
    why = pt__rocksdb_begun_take(b, from, *gen);
  if (!why) {
    pt_log(PT_LOG_DEBUG, "rocksdb: %s: finishing the save begun during "
           "resolution", rs->path);
    return b;
  }
  pt_log(PT_LOG_INFO, "rocksdb: %s: saving whole, not the save begun during "
         "resolution: %s", rs->path, why);
  pt__rocksdb_begun_free(b);
  return NULL;
}

static int rocks_save(pt_store *self, const pt_graph *from)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  uint64_t gen = 0;
  pt__rocksdb_begun *b = take_begun(rs, from, &gen);
  int rc = b ? save_begun(rs, b, from, gen) : save_as(rs, &format10, from);
  pt__rocksdb_begun_free(b);
  return rc;
}

int pt_store_rocksdb_save_begin(pt_store *st, const pt_graph *g)
{
  if (st->ops != &rocksdb_ops)
    return 0;
  rocksdb_store *rs = (rocksdb_store *)st;
  uint64_t gen = 0;
  drop_begun(rs);
  if (rs->mode == PT_STORE_READ)
    return 0; /* its save fails as it would have */
  /* the room a whole save checks for before it writes (the graph's
   * strings now, without the edges' to come) */
  int rc = check_room(rs->path, ROOM_BASE +
                                    2 * (uint64_t)pt_graph_pool_bytes(g));
  if (rc == 0)
    rc = next_generation(rs, &gen);
  gen_range r = range_of(gen);
  if (rc == 0) {
    pt__rocksdb_remove_leftover_tables(rs->path);
    rc = pt__rocksdb_begun_start(rs->opts, rs->path, r.lo, gen, g,
                                 &rs->begun);
  }
  return rc;
}

void pt_store_rocksdb_save_release(pt_store *st)
{
  if (st->ops == &rocksdb_ops)
    pt__rocksdb_begun_release(((rocksdb_store *)st)->begun);
}

int pt__store_rocksdb_save_format6(pt_store *st, const pt_graph *from)
{
  return save_as((rocksdb_store *)st, &format6, from);
}

int pt__store_rocksdb_save_format7(pt_store *st, const pt_graph *from)
{
  return save_as((rocksdb_store *)st, &format7, from);
}

int pt__store_rocksdb_save_format8(pt_store *st, const pt_graph *from)
{
  return save_as((rocksdb_store *)st, &format8, from);
}

int pt__store_rocksdb_save_format9(pt_store *st, const pt_graph *from)
{
  return save_as((rocksdb_store *)st, &format9, from);
}

int pt__store_rocksdb_save_hashed(pt_store *st, const pt_graph *from)
{
  return save_as((rocksdb_store *)st, &format8_hashed, from);
}

/* ---- update (the live index's write-through) ------------------------------ */

/* The full key of record i of g (generation prefix, type, record key) in
 * k, its value in v. */
static int record_kv(const record_type *rt, const gen_range *gen,
                     pt__rocksdb_ids *ids, const pt_graph *g, size_t i,
                     pt_buf *k, pt_buf *v)
{
  pt_buf_clear(k);
  pt_buf_clear(v);
  int rc = pt_buf_put(k, gen->lo, sizeof gen->lo);
  if (rc == 0)
    rc = pt_buf_putc(k, rt->prefix);
  return rc ? rc : rt->put(g, ids, i, k, v);
}

/* Adds to b the puts and deletes that turn old's records of one type into
 * now's: keys only in old are deleted, keys whose value differs or that
 * are new are put. Only the records that are not the same in both
 * (pt__rocksdb_changed) are encoded: a graph patched from old costs what
 * the patch changed. Both sides name their strings by the ids of ids, one
 * id for each text: equal records encode to equal bytes. touched, when
 * not NULL, gets 1 at each record of old that is put or deleted. */
static int diff_records(const record_type *rt, const gen_range *gen,
                        pt__rocksdb_ids *ids, const pt_graph *old,
                        const pt_graph *now, rocksdb_writebatch_t *b,
                        unsigned char *touched)
{
  pt__rocksdb_records c = {NULL, 0, NULL, 0};
  pt_arena keys = PT_ARENA_INIT;
  pt_strmap map = PT_STRMAP_INIT;
  pt_buf k = PT_BUF_INIT, v = PT_BUF_INIT, ov = PT_BUF_INIT, ok = PT_BUF_INIT;
  int rc = pt__rocksdb_changed(rt->prefix, old, rt->count(old, ids), now,
                               rt->count(now, ids), ids, &c);
  size_t n_old = c.n_old;
  unsigned char *seen = rc ? NULL : pt_calloc(n_old + 1, 1);
  const char **old_keys = rc ? NULL : pt_calloc(n_old + 1, sizeof *old_keys);
  size_t *old_len = rc ? NULL : pt_calloc(n_old + 1, sizeof *old_len);
  if (rc == 0 && !(seen && old_keys && old_len))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n_old; i++) {
    rc = record_kv(rt, gen, ids, old, c.old[i], &k, &v);
    if (rc == 0 && !(old_keys[i] = pt_arena_strndup(&keys, k.ptr, k.len)))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    old_len[i] = k.len;
    if (rc == 0)
      rc = pt_strmap_put(&map, old_keys[i], k.len, i);
  }
  for (size_t j = 0; rc == 0 && j < c.n_now; j++) {
    size_t i = SIZE_MAX;
    rc = record_kv(rt, gen, ids, now, c.now[j], &k, &v);
    if (rc == 0 && pt_strmap_get(&map, k.ptr, k.len, &i)) {
      seen[i] = 1;
      rc = record_kv(rt, gen, ids, old, c.old[i], &ok, &ov);
      if (rc == 0 && ov.len == v.len && memcmp(ov.ptr, v.ptr, v.len) == 0)
        continue;
    }
    if (rc == 0 && touched && i != SIZE_MAX)
      touched[c.old[i]] = 1;
    if (rc == 0)
      rocksdb_writebatch_put(b, k.ptr, k.len, v.ptr, v.len);
  }
  for (size_t i = 0; rc == 0 && i < n_old; i++)
    if (!seen[i]) {
      rocksdb_writebatch_delete(b, old_keys[i], old_len[i]);
      if (touched)
        touched[c.old[i]] = 1;
    }
  pt__rocksdb_records_fini(&c);
  pt_free(seen);
  pt_free(old_keys);
  pt_free(old_len);
  pt_strmap_fini(&map);
  pt_arena_fini(&keys);
  pt_buf_fini(&k);
  pt_buf_fini(&v);
  pt_buf_fini(&ok);
  pt_buf_fini(&ov);
  return rc;
}

static int check_version(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                         const format **out);

/* An entity whose code record an update puts or deletes, by its key's
 * id: a holder whose ranges need their bytes first. */
typedef struct holder_id {
  uint64_t id;
  size_t entity;
} holder_id;

static int cmp_holder(const void *pa, const void *pb)
{
  const holder_id *a = pa, *b = pb;
  return (a->id > b->id) - (a->id < b->id);
}

/* The code record of the entity whose key is key, in the generation: *val
 * (rocksdb_free it) NULL when there is none. Its full key in k. */
static int get_code(rocksdb_store *rs, const gen_range *gen, const char *key,
                    pt_buf *k, char **val, size_t *vlen)
{
  char *err = NULL;
  pt_buf_clear(k);
  *val = NULL;
  int rc = pt_buf_put(k, gen->lo, sizeof gen->lo);
  if (rc == 0) rc = pt_buf_putc(k, 'c');
  if (rc == 0) rc = key_part(k, key);
  if (rc)
    return rc;
  *val = rocksdb_get(rs->db, rs->ropts, k->ptr, k->len, vlen, &err);
  return err ? pt__rocksdb_error(err, rs->path, "cannot read") : 0;
}

/* Entity x's code record, a range of holder's: its bytes as its own, read
 * from the holder's record, put in b. */
static int own_bytes(rocksdb_store *rs, const gen_range *gen,
                     const pt_entity *x, const pt__rocksdb_code_range *in,
                     const pt_entity *holder, pt_buf *k, pt_buf *v,
                     rocksdb_writebatch_t *b)
{
  pt_buf hk = PT_BUF_INIT;
  char *val = NULL;
  size_t vlen = 0, len = 0;
  const char *code = NULL;
  pt__rocksdb_code_range again;
  int rc = get_code(rs, gen, holder->key, &hk, &val, &vlen);
  if (rc == 0 && val)
    rc = pt__rocksdb_decode_code(val, vlen, &code, &len, &again);
  if (rc == 0 && (!code || again.id || (size_t)in->at + in->len > len))
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: corrupt code record of %s: a range "
                "of %s's code, which holds no such bytes", rs->path, x->key,
                holder->key);
  if (rc == 0) {
    pt_entity own = *x;
    own.code = code + in->at;
    own.code_len = in->len;
    pt_buf_clear(v);
    rc = pt__rocksdb_encode_code(v, &own);
  }
  if (rc == 0)
    rocksdb_writebatch_put(b, k->ptr, k->len, v->ptr, v->len);
  rocksdb_free(val);
  pt_buf_fini(&hk);
  return rc;
}

/* Format 10: an update writes each changed entity's code whole, and a
 * code record it puts or deletes (touched: old's entities, 1 for those)
 * may hold the code of other entities of its file as ranges. Those the
 * update leaves get their bytes as their own first, in the same batch:
 * the records of the touched holders' files are read, and each range of
 * a touched holder is written as code. */
static int keep_ranges(rocksdb_store *rs, const gen_range *gen,
                       pt__rocksdb_ids *ids, const pt_graph *old,
                       const unsigned char *touched, rocksdb_writebatch_t *b)
{
  const pt_entity *e = pt_graph_entities(old);
  size_t n = pt_graph_n_entities(old), n_h = 0, v = 0;
  pt_ptrmap files = PT_PTRMAP_INIT;
  pt_buf k = PT_BUF_INIT, val = PT_BUF_INIT;
  int null_file = 0, rc = 0;
  for (size_t i = 0; i < n; i++)
    n_h += touched[i] && e[i].key;
  if (!n_h)
    return 0;
  holder_id *h = pt_malloc(n_h * sizeof *h);
  if (!h)
    return PT_ERR(PT_ENOMEM, "out of memory");
  n_h = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (!touched[i] || !e[i].key)
      continue;
    h[n_h].entity = i;
    rc = pt__rocksdb_id_of(ids, e[i].key, &h[n_h].id);
    n_h++;
    if (rc == 0 && e[i].file_path &&
        pt_ptrmap_put_new(&files, e[i].file_path, i, &v) != 0)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    null_file |= !e[i].file_path;
  }
  if (rc == 0)
    qsort(h, n_h, sizeof *h, cmp_holder);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (touched[i] || !e[i].key ||
        !(e[i].file_path ? pt_ptrmap_get(&files, e[i].file_path, &v)
                         : null_file))
      continue;
    char *rec = NULL;
    size_t rlen = 0, len = 0;
    const char *code = NULL;
    pt__rocksdb_code_range in = {0, 0, 0};
    rc = get_code(rs, gen, e[i].key, &k, &rec, &rlen);
    if (rc == 0 && rec)
      rc = pt__rocksdb_decode_code(rec, rlen, &code, &len, &in);
    rocksdb_free(rec);
    if (rc == 0 && in.id) {
      holder_id want = {in.id, 0};
      const holder_id *at = bsearch(&want, h, n_h, sizeof *h, cmp_holder);
      if (at)
        rc = own_bytes(rs, gen, &e[i], &in, &e[at->entity], &k, &val, b);
    }
  }
  pt_free(h);
  pt_ptrmap_fini(&files);
  pt_buf_fini(&k);
  pt_buf_fini(&val);
  return rc;
}

/* Writes the difference into the current generation as one synced batch:
 * RocksDB applies a batch whole or not at all, so a reader or a crash
 * sees the store before the update or after it. The strings the update
 * names that the generation does not hold go into the same batch. A
 * database of format 6 to 9 is written whole in format 10 instead. */
static int rocks_update(pt_store *self, const pt_graph *old, const pt_graph *now)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  const format *fmt = NULL;
  uint64_t cur = 0;
  drop_begun(rs);
  int rc = check_writable(rs, ROOM_BASE);
  if (rc == 0)
    rc = read_current(rs, rs->ropts, &cur);
  if (rc == 0 && cur == 0)
    return rocks_save(self, now); /* nothing saved yet */
  if (rc == 0)
    rc = check_version(rs, rs->ropts, &fmt);
  if (rc == 0 && fmt != &format10)
    return rocks_save(self, now);
  gen_range gen = range_of(cur);
  pt__rocksdb_ids ids;
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  memset(&ids, 0, sizeof ids);
  if (rc == 0)
    rc = pt__rocksdb_ids_for_update(&ids, rs->db, rs->ropts, rs->path,
                                    gen.lo, &rs->known, old, now);
  if (rc == 0)
    rc = pt__rocksdb_ids_group_edges(&ids, old);
  if (rc == 0)
    rc = pt__rocksdb_ids_group_edges(&ids, now);
  unsigned char *touched = pt_calloc(pt_graph_n_entities(old) + 1, 1);
  if (rc == 0 && !touched)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t t = 0; rc == 0 && t < format10.n_types; t++) {
    char prefix = format10.types[t].prefix;
    if (prefix != 'a')
      rc = diff_records(&format10.types[t], &gen, &ids, old, now, b,
                        prefix == 'c' ? touched : NULL);
    if (rc == 0 && prefix == 'c')
      rc = keep_ranges(rs, &gen, &ids, old, touched, b);
  }
  pt_free(touched);
  if (rc == 0)
    rc = pt__rocksdb_ids_put_new(&ids, b);
  if (rc == 0 && rocksdb_writebatch_count(b) > 0) {
    char *err = NULL;
    rocksdb_write(rs->db, rs->wopts, b, &err);
    if (err)
      rc = pt__rocksdb_error(err, rs->path, "cannot write");
  }
  rs->n_table_reads += ids.has_all;
  if (rc == 0)
    pt__rocksdb_known_after_update(&rs->known, &ids, cur, now);
  else
    pt__rocksdb_known_fini(&rs->known);
  pt__rocksdb_ids_fini(&ids);
  rocksdb_writebatch_destroy(b);
  return rc;
}

/* ---- load ---------------------------------------------------------------- */

static int load_record(load_ctx *c, const format *fmt, const char *key,
                       size_t klen, const char *val, size_t vlen,
                       const char *path)
{
  size_t t = 0;
  while (klen >= 2 && key[1] == '\0' && t < fmt->n_types &&
         fmt->types[t].prefix != key[0])
    t++;
  if (klen < 2 || key[1] != '\0' || t == fmt->n_types || !fmt->loaders[t])
    return PT_ERR(PT_EINVAL, "rocksdb %s: not a parseltongue database "
                  "(unknown key prefix 0x%02x)", path,
                  klen ? (unsigned char)key[0] : 0u);
  int rc = fmt->loaders[t](c, key, klen, val, vlen);
  return rc == PT_EINVAL ? in_db(rc, path) : rc;
}

/* A first save that failed or crashed before its flip leaves records of a
 * generation and nothing else: nothing has been saved there yet. */
static int is_new(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                  int *out)
{
  rocksdb_iterator_t *it = rocksdb_create_iterator(rs->db, ro);
  char *err = NULL;
  size_t len = 0;
  rocksdb_iter_seek_to_first(it);
  if (rocksdb_iter_valid(it)) {
    const char *key = rocksdb_iter_key(it, &len);
    if (len > 0 && key[0] == 'g')
      rocksdb_iter_seek(it, "h", 1);
  }
  *out = !rocksdb_iter_valid(it);
  rocksdb_iter_get_error(it, &err);
  rocksdb_iter_destroy(it);
  return err ? pt__rocksdb_error(err, rs->path, "cannot read") : 0;
}

/* Without a version record the database is either new or not ours. */
static int missing_version(rocksdb_store *rs, const rocksdb_readoptions_t *ro)
{
  int empty = 0;
  int rc = is_new(rs, ro, &empty);
  if (rc == 0 && empty)
    rc = PT_ERR(PT_ENOTFOUND, "rocksdb %s: nothing has been saved there yet",
                rs->path);
  else if (rc == 0)
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: not a parseltongue database (no "
                "schema version)", rs->path);
  return rc;
}

/* Checked before anything is decoded, so a database of another format
 * version is reported as such rather than as corrupt records. */
static int check_version(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                         const format **out)
{
  char *err = NULL;
  size_t len = 0;
  char *val = rocksdb_get(rs->db, ro, VERSION_KEY, sizeof VERSION_KEY - 1,
                          &len, &err);
  const char *name = NULL, *value = NULL;
  int rc = 0;
  if (err)
    rc = pt__rocksdb_error(err, rs->path, "cannot read");
  else if (!val)
    rc = missing_version(rs, ro);
  else if (pt_record_decode_meta(val, len, &name, &value) != 0)
    rc = in_db(PT_EINVAL, rs->path);
  else if (value && strcmp(value, VERSION_VALUE) == 0)
    *out = &format10;
  else if (value && strcmp(value, VERSION_9) == 0)
    *out = &format9;
  else if (value && strcmp(value, VERSION_8) == 0)
    *out = &format8;
  else if (value && strcmp(value, VERSION_7) == 0)
    *out = &format7;
  else if (value && strcmp(value, VERSION_6) == 0)
    *out = &format6;
  else
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: schema version %s; this build reads "
                VERSION_6 " to " VERSION_VALUE,
                rs->path,
                value ? value : "(null)");
  rocksdb_free(val);
  return rc;
}

/* The generation to load: the version record and the current generation
 * are written together, so one without the other is not our doing. */
static int current_for_load(rocksdb_store *rs,
                            const rocksdb_readoptions_t *ro,
                            const format **fmt, uint64_t *out)
{
  int rc = check_version(rs, ro, fmt);
  if (rc == 0)
    rc = read_current(rs, ro, out);
  if (rc == 0 && *out == 0)
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: not a parseltongue database (no "
                "current generation)", rs->path);
  return rc;
}

/* Adds the records of r's generation, of format fmt, in key order, to
 * c->g: all of them (types NULL), or those whose record letter is in
 * types (in increasing order). */
static int scan_skipping(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                         const format *fmt, const gen_range *r,
                         const char *types, const char *skip, load_ctx *c);

static int scan(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                const format *fmt, const gen_range *r, const char *types,
                load_ctx *c)
{
  return scan_skipping(rs, ro, fmt, r, types, NULL, c);
}

/* scan, stepping over the records whose letter is in skip (NULL: none)
 * with a seek; c->fail_type is the letter of the record that failed. */
static int scan_skipping(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                         const format *fmt, const gen_range *r,
                         const char *types, const char *skip, load_ctx *c)
{
  rocksdb_iterator_t *it = rocksdb_create_iterator(rs->db, ro);
  char *err = NULL, lo[GEN_PREFIX_SIZE + 1];
  int rc = 0;
  memcpy(lo, r->lo, sizeof r->lo);
  lo[GEN_PREFIX_SIZE] = types ? types[0] : '\0';
  rocksdb_iter_seek(it, lo, types ? sizeof lo : sizeof r->lo);
  while (rc == 0 && rocksdb_iter_valid(it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(it, &klen);
    if (klen < sizeof r->lo || memcmp(key, r->lo, sizeof r->lo) != 0)
      break;
    char type = klen > sizeof r->lo ? key[sizeof r->lo] : '\0';
    if (fmt->stop && type == fmt->stop)
      break;
    if (types && (!type || !strchr(types, type))) {
      /* on to the next wanted type after this one, or done */
      const char *next = types;
      while (*next && *next <= type)
        next++;
      if (!*next)
        break;
      lo[GEN_PREFIX_SIZE] = *next;
      rocksdb_iter_seek(it, lo, sizeof lo);
      continue;
    }
    if (((skip && type && strchr(skip, type)) ||
         (fmt->code && type == fmt->code)) &&
        (unsigned char)type < 0xff) {
      lo[GEN_PREFIX_SIZE] = (char)(type + 1);
      rocksdb_iter_seek(it, lo, sizeof lo);
      continue;
    }
    const char *val = rocksdb_iter_value(it, &vlen);
    rc = load_record(c, fmt, key + sizeof r->lo, klen - sizeof r->lo, val,
                     vlen, rs->path);
    if (rc)
      c->fail_type = type;
    rocksdb_iter_next(it);
  }
  rocksdb_iter_get_error(it, &err);
  if (err && rc == 0)
    rc = pt__rocksdb_error(err, rs->path, "cannot read");
  else
    rocksdb_free(err);
  rocksdb_iter_destroy(it);
  return rc;
}

/* What a load reads, and what it calls once all but the edges are in. */
typedef struct load_what {
  const char *types;          /* NULL: every record */
  int without_code;           /* format 9: every entity's code left
                                 NULL */
  int files_given;            /* with ready: the file records, ignored
                                 files and meta ('f', 'i', 'm') are not
                                 read (load_files read them) */
  pt_store_ready_fn ready;    /* NULL: none; format 7 and later only */
  void *payload;
} load_what;

/* The thread of a load's edges: scans the 'd' records of the same
 * snapshot with an iterator of its own. */
typedef struct apart_scan {
  rocksdb_store *rs;
  const rocksdb_readoptions_t *ro;
  const format *fmt;
  const gen_range *r;
  load_ctx c;         /* its own, with the main one's interned strings */
  edges_apart a;
  int rc;
  pt_error err;
} apart_scan;

static void apart_run(void *payload)
{
  apart_scan *x = payload;
  x->rc = scan(x->rs, x->ro, x->fmt, x->r, "d", &x->c);
  if (x->rc)
    x->err = *pt_error_last();
  pt_error_clear();
}

/* The thread's edges into g, after the other records: the candidate lists
 * interned, and the array g's. */
static int take_apart(apart_scan *x, pt_graph *g)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < x->a.n; i++)
    if (x->a.v[i].candidates) {
      const pt_candidates *c = x->a.v[i].candidates;
      rc = pt_graph_intern_candidates_interned(g, c->n, c->keys, c->n_keys,
                                               &x->a.v[i].candidates);
    }
  if (rc == 0) {
    rc = pt_graph_take_edges(g, x->a.v, x->a.n, x->a.cap);
    x->a.v = NULL;
  }
  return rc;
}

static int last_apart = -1;

int pt__store_rocksdb_last_edges_apart(void)
{
  return last_apart;
}

/* The whole load of formats 7 to 9: the string table first, then the
 * edges ('d', most of the records) on a thread beside the rest (every
 * other record, an unknown letter too), both through the one snapshot in
 * ro; the edges join the graph after the rest (with w->ready, after
 * ready(g)). A failure is the first in key order, as one scan meets it:
 * the edges' before the rest's; with w->ready, whose load reads the
 * edges last, the rest's first. When the thread cannot start, the main
 * thread reads them in that order. */
static int load_apart(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                      const format *fmt, const gen_range *r,
                      const load_what *w, load_ctx *c)
{
  pt_thread *t = NULL;
  apart_scan x;
  int rc = scan(rs, ro, fmt, r, "a", c);
  if (rc == 0)
    rc = intern_strings(c);
  if (rc)
    return rc;
  memset(&x, 0, sizeof x);
  x.rs = rs;
  x.ro = ro;
  x.fmt = fmt;
  x.r = r;
  x.c.g = c->g;
  x.c.s = c->s; /* borrowed: read only, until the join */
  x.c.is_interned = 1;
  x.c.apart = &x.a;
  pt_arena_init(&x.a.cands);
  if (pt_thread_start(apart_run, &x, &t) != 0) {
    pt_error_clear();
    pt_arena_fini(&x.a.cands);
    last_apart = 0;
    if (!w->ready)
      return scan_skipping(rs, ro, fmt, r, NULL, "a", c);
    rc = scan(rs, ro, fmt, r, w->files_given ? "et" : "efimt", c);
    if (rc == 0)
      rc = pt_graph_finish(c->g);
    if (rc == 0)
      w->ready(c->g, w->payload);
    return rc ? rc : scan(rs, ro, fmt, r, "d", c);
  }
  rc = scan_skipping(rs, ro, fmt, r, NULL, w->files_given ? "adfim" : "ad", c);
  if (rc == 0 && w->ready)
    rc = pt_graph_finish(c->g);
  if (rc == 0 && w->ready)
    w->ready(c->g, w->payload);
  pt_thread_join(t);
  last_apart = 1;
  /* with ready the edges come last */
  if (x.rc && (rc == 0 || (!w->ready && c->fail_type > 'd'))) {
    rc = x.rc;
    pt__error_set(x.err.code, x.err.file, x.err.line, "%s", x.err.message);
  } else if (rc == 0) {
    rc = take_apart(&x, c->g);
  }
  pt_free(x.a.v);
  pt_arena_fini(&x.a.cands);
  return rc;
}

/* Adds the records of generation gen, of format fmt, to g, as w says.
 * With w->ready, the edges come last: after the others, the strings
 * interned and g finished, ready(g) is called; the edges then intern no
 * string (they name the table's), so what ready starts may look strings
 * up meanwhile (load_apart reads them beside the rest and joins them
 * after ready). */
static int load_generation(rocksdb_store *rs, const rocksdb_readoptions_t *ro,
                           const format *fmt, uint64_t gen,
                           const load_what *w, pt_graph *g)
{
  gen_range r = range_of(gen);
  load_ctx c;
  int rc = 0;
  memset(&c, 0, sizeof c);
  c.g = g;
  c.path = rs->path;
  c.s.without_code = w->without_code;
  if (fmt->code && !w->without_code && (!w->types || strchr(w->types, 'e'))) {
    char lo[GEN_PREFIX_SIZE + 1];
    memcpy(lo, r.lo, sizeof r.lo);
    lo[GEN_PREFIX_SIZE] = fmt->code;
    rc = pt__rocksdb_code_start(rs->db, ro, lo, rs->path, &c.codes);
  }
  if (rc == 0 && !w->types && fmt != &format6) {
    rc = load_apart(rs, ro, fmt, &r, w, &c);
  } else if (rc == 0) {
    rc = scan(rs, ro, fmt, &r, w->types, &c);
  }
  if (rc == 0 && c.codes)
    rc = check_codes_done(&c);
  pt__rocksdb_code_stop(c.codes);
  if (rc == 0 && !w->types && fmt != &format6 && c.is_interned) {
    /* the table, interned: what an update of g finds ids in */
    pt__rocksdb_known_set(&rs->known, gen, g, c.s.v, c.s.n);
    c.s.v = NULL;
  }
  load_ctx_fini(&c);
  return rc;
}

/* All reads go through one snapshot, so a save flipping generations
 * meanwhile cannot make the load see part of each. types and
 * without_code as for load_generation; a graph without code is only
 * written as changes, which a database of format 6 to 9 is not (it is
 * saved whole as 10, code and all): PT_ENOTSUPPORTED then, before anything
 * is read. */
static int load_types(rocksdb_store *rs, const load_what *w, pt_graph *into)
{
  const rocksdb_snapshot_t *snap = rocksdb_create_snapshot(rs->db);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  const format *fmt = NULL;
  uint64_t gen = 0;
  rocksdb_readoptions_set_snapshot(ro, snap);
  /* one pass over everything: nothing is read twice, so caching the
   * blocks would only cost copies; reading ahead saves calls */
  rocksdb_readoptions_set_fill_cache(ro, 0);
  rocksdb_readoptions_set_readahead_size(ro, (size_t)2 << 20);
  int rc = current_for_load(rs, ro, &fmt, &gen);
  if (rc == 0 && w->without_code && fmt != &format10)
    rc = PT_ERR(PT_ENOTSUPPORTED, "rocksdb %s: format %s is loaded whole",
                rs->path, fmt->version);
  /* the rest of what load_files read: of the same generation */
  if (rc == 0 && w->files_given && (!rs->has_files_gen || gen != rs->files_gen))
    rc = PT_ERR(PT_ENOTSUPPORTED, "rocksdb %s: changed since its file "
                "records were read", rs->path);
  if (rc == 0)
    rc = load_generation(rs, ro, fmt, gen, w, into);
  if (rc == 0 && w->types)
    rs->files_gen = gen;
  /* load_apart with ready finished the graph before it, and only its
   * edges came in after */
  if (rc == 0)
    rc = w->ready && !w->types && fmt != &format6
             ? pt_graph_finish_edges(into) : pt_graph_finish(into);
  rocksdb_readoptions_destroy(ro);
  rocksdb_release_snapshot(rs->db, snap);
  return rc;
}

static int rocks_load(pt_store *self, pt_graph *into)
{
  load_what w = {NULL, 0, 0, NULL, NULL};
  return load_types((rocksdb_store *)self, &w, into);
}

/* File records, ignored files, metadata: letters in increasing order. */
static int rocks_load_files(pt_store *self, pt_graph *into)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  load_what w = {"fim", 0, 0, NULL, NULL};
  rs->has_files_gen = 0;
  int rc = load_types(rs, &w, into);
  rs->has_files_gen = rc == 0; /* files_gen: the generation read */
  return rc;
}

static int rocks_load_without_code(pt_store *self, pt_graph *into)
{
  load_what w = {NULL, 1, 0, NULL, NULL};
  return load_types((rocksdb_store *)self, &w, into);
}

static int rocks_load_without_code_then(pt_store *self, pt_graph *into,
                                        pt_store_ready_fn ready,
                                        void *payload)
{
  load_what w = {NULL, 1, 0, ready, payload};
  return load_types((rocksdb_store *)self, &w, into);
}

static int rocks_load_rest_then(pt_store *self, pt_graph *into,
                                pt_store_ready_fn ready, void *payload)
{
  load_what w = {NULL, 1, 1, ready, payload};
  return load_types((rocksdb_store *)self, &w, into);
}

/* ---- test hooks ---------------------------------------------------------- */

int pt__store_rocksdb_current(pt_store *st, uint64_t *out)
{
  rocksdb_store *rs = (rocksdb_store *)st;
  return read_current(rs, rs->ropts, out);
}

size_t pt__store_rocksdb_n_table_reads(pt_store *st)
{
  return ((rocksdb_store *)st)->n_table_reads;
}

/* Steps from one generation's first key to the next generation's. */
int pt__store_rocksdb_n_generations(pt_store *st, size_t *out)
{
  rocksdb_store *rs = (rocksdb_store *)st;
  rocksdb_iterator_t *it = rocksdb_create_iterator(rs->db, rs->ropts);
  char *err = NULL;
  size_t n = 0, len = 0;
  rocksdb_iter_seek(it, "g", 1);
  while (rocksdb_iter_valid(it)) {
    const char *key = rocksdb_iter_key(it, &len);
    if (len < GEN_PREFIX_SIZE || key[0] != 'g')
      break;
    gen_range r = range_of(pt__rocksdb_get_be64(key + 1));
    n++;
    rocksdb_iter_seek(it, r.hi, sizeof r.hi);
  }
  rocksdb_iter_get_error(it, &err);
  rocksdb_iter_destroy(it);
  if (!err)
    *out = n;
  return err ? pt__rocksdb_error(err, rs->path, "cannot read") : 0;
}

/* ---- open and close ------------------------------------------------------ */

static int note_path(const char *dir, pt_buf *out)
{
  return pt_buf_printf(out, "%s/" OWNER_NOTE, dir);
}

static void remove_note(const char *dir)
{
  pt_buf p = PT_BUF_INIT;
  if (note_path(dir, &p) != 0 || pt_fs_remove(p.ptr) != 0)
    pt_error_clear(); /* a stale note is only ever read beside a live LOCK */
  pt_buf_fini(&p);
}

static int write_note(const char *dir, unsigned port)
{
  pt_buf p = PT_BUF_INIT, text = PT_BUF_INIT;
  int rc = note_path(dir, &p);
  if (rc == 0)
    rc = pt_buf_printf(&text, "pid %lu\n", pt_process_id());
  if (rc == 0 && port)
    rc = pt_buf_printf(&text, "port %u\n", port);
  if (rc == 0)
    rc = pt_fs_write_file(p.ptr, text.ptr, text.len);
  pt_buf_fini(&text);
  pt_buf_fini(&p);
  return rc;
}

int pt_store_rocksdb_note_port(const char *path, unsigned port)
{
  return write_note(path, port);
}

/* The LOCK is held: say by whom, from the holder's note. */
static int busy(const char *path)
{
  pt_buf p = PT_BUF_INIT, text = PT_BUF_INIT;
  unsigned long pid = 0;
  unsigned port = 0;
  int rc = note_path(path, &p);
  if (rc == 0 && pt_fs_read_file(p.ptr, &text) == 0 && text.ptr) {
    const char *port_line = strstr(text.ptr, "port ");
    if (pt_str_starts_with(text.ptr, "pid "))
      pid = strtoul(text.ptr + 4, NULL, 10);
    if (port_line)
      port = (unsigned)strtoul(port_line + 5, NULL, 10);
  }
  pt_buf_fini(&text);
  pt_buf_fini(&p);
  if (rc)
    return rc;
  if (pid && port)
    return PT_ERR(PT_EBUSY, "%s is in use by a parseltongue server (pid %lu, "
                  "port %u)", path, pid, port);
  if (pid)
    return PT_ERR(PT_EBUSY, "%s is in use by parseltongue (pid %lu)", path,
                  pid);
  return PT_ERR(PT_EBUSY, "%s is in use by another program (RocksDB allows "
                "one writer at a time)", path);
}

static void rocks_close(pt_store *self)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  pt__rocksdb_begun_free(rs->begun); /* before the database closes */
  pt__rocksdb_known_fini(&rs->known);
  if (rs->db)
    rocksdb_close(rs->db);
  if (rs->has_note)
    remove_note(rs->path);
  if (rs->ropts)
    rocksdb_readoptions_destroy(rs->ropts);
  if (rs->wopts)
    rocksdb_writeoptions_destroy(rs->wopts);
  if (rs->opts)
    rocksdb_options_destroy(rs->opts);
  pt_free(rs->path);
  pt_free(rs);
}

static const pt_store_ops rocksdb_ops = {"rocksdb", rocks_save, rocks_load,
                                         rocks_close, rocks_update,
                                         rocks_load_files, NULL,
                                         rocks_load_without_code,
                                         rocks_load_without_code_then,
                                         rocks_load_rest_then};

static int stop_at_first(const char *name, pt_fs_type type, void *payload)
{
  return 1;
}

/* What a mode finds or creates before RocksDB opens the folder: READ and
 * UPDATE need a database there; CREATE and REPLACE create the folder when
 * its parent exists, and CREATE writes only into an empty folder or a
 * RocksDB database. */
static int prepare_folder(const char *path, pt_store_mode mode)
{
  pt_fs_stat st;
  pt_buf current = PT_BUF_INIT;
  int rc = pt_buf_printf(&current, "%s/CURRENT", path);
  int exists = rc == 0 && pt_fs_stat_path(path, &st) == 0;
  int has_db = exists && pt_fs_stat_path(current.ptr, &st) == 0;
  if (rc == 0)
    pt_error_clear(); /* a missing folder or CURRENT is an answer here */
  pt_buf_fini(&current);
  if (rc)
    return rc;
  if (mode == PT_STORE_READ || mode == PT_STORE_UPDATE)
    return has_db ? 0 : PT_ERR(PT_ENOTFOUND, "rocksdb %s: no such database "
                               "(nothing has been saved there yet)", path);
  if (!exists)
    return pt_fs_mkdir(path);
  if (mode != PT_STORE_CREATE || has_db)
    return 0;
  rc = pt_fs_list_dir(path, stop_at_first, NULL);
  return rc <= 0 ? rc
                 : PT_ERR(PT_EEXISTS, "%s is a folder that holds no "
                          "database; refusing to write into it", path);
}

static void set_options(rocksdb_store *rs)
{
  rs->opts = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(rs->opts, rs->mode >= PT_STORE_CREATE);
  rocksdb_options_set_keep_log_file_num(rs->opts, 3);
  rocksdb_options_set_write_buffer_size(rs->opts, WRITE_BUFFER_SIZE);
  rocksdb_options_set_max_write_buffer_number(rs->opts, MAX_WRITE_BUFFERS);
  /* a load decompresses every block: LZ4 takes half of Snappy's time (a
   * fifth of a load) for the same size. Blocks name their compression,
   * so files written with Snappy before still load. */
  rocksdb_options_set_compression(rs->opts, rocksdb_lz4_compression);
  /* the table options are copied: theirs can go at once */
  rocksdb_block_based_table_options_t *t =
      rocksdb_block_based_options_create();
  rocksdb_block_based_options_set_block_size(t, BLOCK_SIZE);
  rocksdb_options_set_block_based_table_factory(rs->opts, t);
  rocksdb_block_based_options_destroy(t);
}

/* Every open starts a new LOG file and keeps the old ones; a few are
 * enough to debug the last runs. Read-only opens take no LOCK and write
 * nothing. */
static int open_db(rocksdb_store *rs)
{
  char *err = NULL;
  int rc = prepare_folder(rs->path, rs->mode);
  if (rc == 0 && rs->mode != PT_STORE_READ)
    rc = check_room(rs->path, ROOM_BASE);
  if (rc == 0) {
    set_options(rs);
    rs->db = rs->mode == PT_STORE_READ
                 ? rocksdb_open_for_read_only(rs->opts, rs->path, 0, &err)
                 : rocksdb_open(rs->opts, rs->path, &err);
    if (err)
      rc = pt__rocksdb_error(err, rs->path, "cannot open");
    if (rc == PT_EBUSY)
      rc = busy(rs->path);
  }
  if (rc == 0 && rs->mode != PT_STORE_READ) {
    rc = write_note(rs->path, 0);
    rs->has_note = rc == 0;
  }
  if (rc == 0) {
    rs->wopts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(rs->wopts, 1);
    rs->ropts = rocksdb_readoptions_create();
  }
  return rc;
}

int pt_store_rocksdb_open(const char *path, pt_store_mode mode,
                          pt_store **out)
{
  if (!path || !*path || !out)
    return PT_ERR(PT_EINVAL, "rocksdb store: NULL argument or empty path");
  rocksdb_store *rs = pt_calloc(1, sizeof *rs);
  if (!rs)
    return PT_ERR(PT_ENOMEM, "out of memory opening rocksdb store %s", path);
  rs->base.ops = &rocksdb_ops;
  rs->mode = mode;
  rs->path = pt_strdup(path);
  int rc = rs->path ? open_db(rs)
                    : PT_ERR(PT_ENOMEM, "out of memory opening rocksdb "
                             "store %s", path);
  if (rc == 0)
    *out = &rs->base;
  else
    rocks_close(&rs->base);
  return rc;
}
