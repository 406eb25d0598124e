/* The string table of a RocksDB database of format 7
 * (store_rocksdb_int.h, pt__rocksdb_ids): entity, edge and test records
 * name their strings by id, each distinct string stored once, so that a
 * load copies the strings into the graph's pool in id order and interns
 * them all at once, as SQLite's load does, instead of looking up every
 * record's five strings. A save numbers the strings of its graph. The
 * live index's update finds the ids of the strings it writes by pointer,
 * in what the store kept of the generation it loaded or saved
 * (pt__rocksdb_known), or else by text in the whole table read once, and
 * numbers the strings the generation does not hold after its last.
 * Builds before also kept each string under 'x' by a hash of its text,
 * which their updates sought; only a test hook still writes them. Two
 * ids of one text would only cost room: a load interns both to one
 * string, and an update compares records it encodes itself with one id
 * for each text it looked up. */
#include <rocksdb/c.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/compat.h"
#include "pt/error.h"
#include "pt/sys/thread.h"
#include "pt/varint.h"
#include "store_rocksdb_int.h"

/* Keys after the generation prefix: 'a', NUL and the first id; 'x', NUL,
 * the hash and the id (both big-endian). */
#define CHUNK_KEY_SIZE (2 + 8)
#define HASHED_KEY_SIZE (2 + 8 + 8)

/* FNV-1a over the text: it is written into the database, so it is ours
 * and never changes with the build's hash maps. */
static uint64_t text_hash(const char *s, size_t len)
{
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
  return h;
}

static int add_text(pt__rocksdb_ids *ids, const char *s, size_t len)
{
  if (ids->n == ids->cap) {
    size_t cap = ids->cap ? 2 * ids->cap : 1024;
    const char **text = pt_realloc(ids->text, cap * sizeof *text);
    size_t *lens = text ? pt_realloc(ids->len, cap * sizeof *lens) : NULL;
    if (text)
      ids->text = text;
    if (!lens)
      return PT_ERR(PT_ENOMEM, "out of memory numbering strings");
    ids->len = lens;
    ids->cap = cap;
  }
  ids->text[ids->n] = s;
  ids->len[ids->n++] = len;
  return 0;
}

/* ---- a save -------------------------------------------------------------- */

/* The numbering looks every string up in a map of up to a few million
 * slots, a cache miss each: the slots of the record AHEAD places on (and,
 * for records read through an array of their addresses, the record
 * 2 * AHEAD on) are asked for before they are looked up. */
#define AHEAD 8

static void ahead_entity(const pt__rocksdb_ids *ids, const pt_entity *e)
{
  pt_ptrmap_prefetch(&ids->map, e->key);
  pt_ptrmap_prefetch(&ids->map, e->name);
  pt_ptrmap_prefetch(&ids->map, e->qualname);
  pt_ptrmap_prefetch(&ids->map, e->file_path);
  pt_ptrmap_prefetch(&ids->map, e->parent_key);
  PT_PREFETCH(e->key); /* a new key's text is measured */
}

static void ahead_edge(const pt__rocksdb_ids *ids, const pt_edge *d)
{
  pt_ptrmap_prefetch(&ids->map, d->from_key);
  pt_ptrmap_prefetch(&ids->map, d->to_key);
}

/* s numbered (the next id when it is new), *id its id (0 for NULL) */
static int number_id(pt__rocksdb_ids *ids, const char *s, size_t *id)
{
  size_t n = ids->map.n;
  *id = 0;
  if (!s)
    return 0;
  int rc = pt_ptrmap_put_new(&ids->map, s, n + 1, id);
  if (rc == 0 && ids->map.n > n)
    rc = add_text(ids, s, strlen(s));
  return rc;
}

static int number(pt__rocksdb_ids *ids, const char *s)
{
  size_t id;
  return number_id(ids, s, &id);
}

/* An id as edge_to keeps it: UINT32_MAX for one that does not fit, which
 * the encoder then looks up. */
static uint32_t kept_id(size_t id)
{
  return id < UINT32_MAX ? (uint32_t)id : UINT32_MAX;
}

/* e's strings numbered as entity_strings with number does it, their ids
 * kept at out[0..5) (out NULL: not kept). */
static int number_entity(pt__rocksdb_ids *ids, const pt_entity *e,
                         uint32_t *out)
{
  const char *s[PT__ROCKSDB_ENTITY_IDS] = {e->key, e->name, e->qualname,
                                           e->file_path, e->parent_key};
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < PT__ROCKSDB_ENTITY_IDS; k++) {
    size_t id = 0;
    rc = number_id(ids, s[k], &id);
    if (out)
      out[k] = kept_id(id);
  }
  return rc;
}

/* Room in ids for the ids of the strings of n entities, the records
 * `entities`. */
static int keep_entities(pt__rocksdb_ids *ids, const void *entities, size_t n)
{
  ids->entities = entities;
  ids->entity_ids =
      n ? pt_malloc(n * PT__ROCKSDB_ENTITY_IDS * sizeof *ids->entity_ids)
        : NULL;
  return n && !ids->entity_ids
             ? PT_ERR(PT_ENOMEM, "out of memory numbering strings")
             : 0;
}

/* Sorts v (n pairs, in id order) by hash, then id: four stable passes of
 * 16 bits each, least significant first, through tmp (n pairs). qsort's
 * comparisons took half of a save's numbering. */
static void sort_by_hash(pt__rocksdb_hashed *v, pt__rocksdb_hashed *tmp,
                         size_t n, size_t *count)
{
  for (unsigned shift = 0; shift < 64; shift += 16) {
    memset(count, 0, ((size_t)1 << 16) * sizeof *count);
    for (size_t i = 0; i < n; i++)
      count[(v[i].hash >> shift) & 0xffff]++;
    size_t at = 0;
    for (size_t d = 0; d < (size_t)1 << 16; d++) {
      size_t c = count[d];
      count[d] = at;
      at += c;
    }
    for (size_t i = 0; i < n; i++)
      tmp[count[(v[i].hash >> shift) & 0xffff]++] = v[i];
    pt__rocksdb_hashed *t = v;
    v = tmp;
    tmp = t;
  }
}

/* Calls each(ids, s) for every string the format names by id of every
 * entity, edge or test of g, in the order of the records, each string at
 * least at its first place (an edge's from key and path are mostly the
 * last edge's, and are skipped then). */
typedef int (*string_fn)(pt__rocksdb_ids *ids, const char *s);

static int entity_strings(const pt_entity *e, string_fn each,
                          pt__rocksdb_ids *ids)
{
  int rc = each(ids, e->key);
  if (rc == 0) rc = each(ids, e->name);
  if (rc == 0) rc = each(ids, e->qualname);
  if (rc == 0) rc = each(ids, e->file_path);
  if (rc == 0) rc = each(ids, e->parent_key);
  return rc;
}

static int each_entity_string(const pt_graph *g, string_fn each,
                              pt__rocksdb_ids *ids)
{
  const pt_entity *e = pt_graph_entities(g);
  size_t n_e = pt_graph_n_entities(g);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n_e; i++)
    rc = entity_strings(&e[i], each, ids);
  return rc;
}

/* ... of the edges [lo, hi) */
static int each_edge_string(const pt_graph *g, size_t lo, size_t hi,
                            string_fn each, pt__rocksdb_ids *ids)
{
  const pt_edge *d = pt_graph_edges(g);
  const char *from = NULL, *file = NULL;
  int rc = 0;
  for (size_t i = lo; rc == 0 && i < hi; i++) {
    if (d[i].from_key != from)
      rc = each(ids, from = d[i].from_key);
    if (rc == 0 && d[i].file_path != file)
      rc = each(ids, file = d[i].file_path);
    if (rc == 0) rc = each(ids, d[i].to_key);
    const pt_candidates *c = d[i].candidates;
    for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++)
      rc = each(ids, c->keys[k]);
  }
  return rc;
}

/* The edges [lo, hi) numbered as each_edge_string with number does it,
 * the id of edge i's to key kept at to[i - lo] (to NULL: not kept). */
static int number_edges(pt__rocksdb_ids *ids, const pt_graph *g, size_t lo,
                        size_t hi, uint32_t *to)
{
  const pt_edge *d = pt_graph_edges(g);
  const char *from = NULL, *file = NULL;
  int rc = 0;
  for (size_t i = lo; rc == 0 && i < hi; i++) {
    size_t id = 0;
    if (i + AHEAD < hi)
      ahead_edge(ids, &d[i + AHEAD]);
    if (d[i].from_key != from)
      rc = number(ids, from = d[i].from_key);
    if (rc == 0 && d[i].file_path != file)
      rc = number(ids, file = d[i].file_path);
    if (rc == 0)
      rc = number_id(ids, d[i].to_key, &id);
    if (to)
      to[i - lo] = kept_id(id);
    const pt_candidates *c = d[i].candidates;
    for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++)
      rc = number(ids, c->keys[k]);
  }
  return rc;
}

static int each_test_string(const pt_graph *g, string_fn each,
                            pt__rocksdb_ids *ids)
{
  const pt_test_entity *t = pt_graph_tests(g);
  size_t n_t = pt_graph_n_tests(g);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n_t; i++) {
    rc = each(ids, t[i].key);
    if (rc == 0) rc = each(ids, t[i].name);
    if (rc == 0) rc = each(ids, t[i].file_path);
    if (rc == 0) rc = each(ids, t[i].reason);
  }
  return rc;
}

/* Entities first, so their keys take the low ids. */
static int each_string(const pt_graph *g, string_fn each,
                       pt__rocksdb_ids *ids)
{
  int rc = each_entity_string(g, each, ids);
  if (rc == 0)
    rc = each_edge_string(g, 0, pt_graph_n_edges(g), each, ids);
  return rc ? rc : each_test_string(g, each, ids);
}

/* The distinct strings of the edges [lo, hi) in the order they first
 * come, numbered in a map of their own on a second thread while the
 * caller numbers others. */
typedef struct edge_scan {
  const pt_graph *g;     /* borrowed */
  size_t lo, hi;
  pt__rocksdb_ids part;  /* owned: map, text and len */
  int keep;              /* set: keep the to keys' ids in to */
  uint32_t *to;          /* owned: edge i's to key's id in part at
                            [i - lo] */
  int rc;
  pt_error err;          /* when rc != 0 */
} edge_scan;

static void scan_edges(void *payload)
{
  edge_scan *e = payload;
  e->rc = pt_ptrmap_reserve(&e->part.map, (e->hi - e->lo) / 3 + 16);
  if (e->rc == 0 && e->keep && e->hi > e->lo &&
      !(e->to = pt_malloc((e->hi - e->lo) * sizeof *e->to)))
    e->rc = PT_ERR(PT_ENOMEM, "out of memory numbering strings");
  if (e->rc == 0)
    e->rc = number_edges(&e->part, e->g, e->lo, e->hi, e->to);
  if (e->rc)
    e->err = *pt_error_last();
}

/* Waits for e's thread (or scans on the caller's when it did not
 * start) and numbers the strings it found that ids does not hold, in
 * their order; with e->to, the to keys' ids in ids->edge_to. */
static int merge_scan(pt__rocksdb_ids *ids, edge_scan *e, pt_thread *th,
                      int rc)
{
  if (th)
    pt_thread_join(th);
  else if (rc == 0)
    scan_edges(e);
  if (rc == 0 && e->rc)
    rc = pt__error_set(e->rc, e->err.file, e->err.line, "%s",
                       e->err.message);
  /* the id in ids of the part's id i at [i] */
  uint32_t *as = NULL;
  if (rc == 0 && e->to && !(as = pt_malloc((e->part.n + 1) * sizeof *as)))
    rc = PT_ERR(PT_ENOMEM, "out of memory numbering strings");
  if (as)
    as[0] = 0;
  for (size_t i = 0; rc == 0 && i < e->part.n; i++) {
    size_t id = 0, n = ids->map.n;
    if (i + AHEAD < e->part.n)
      pt_ptrmap_prefetch(&ids->map, e->part.text[i + AHEAD]);
    rc = pt_ptrmap_put_new(&ids->map, e->part.text[i], n + 1, &id);
    if (rc == 0 && ids->map.n > n)
      rc = add_text(ids, e->part.text[i], e->part.len[i]);
    if (as)
      as[i + 1] = kept_id(id);
  }
  for (size_t i = e->lo; rc == 0 && as && i < e->hi; i++) {
    uint32_t t = e->to[i - e->lo];
    ids->edge_to[i] = t == UINT32_MAX ? UINT32_MAX : as[t];
  }
  pt_free(as);
  pt_free(e->to);
  pt__rocksdb_ids_fini(&e->part);
  return rc;
}

/* Room in ids for the ids of g's edges' to keys. */
static int keep_edges(pt__rocksdb_ids *ids, const pt_graph *g)
{
  size_t n = pt_graph_n_edges(g);
  ids->edges = pt_graph_edges(g);
  ids->n_edges = n;
  if (n && !(ids->edge_to = pt_malloc(n * sizeof *ids->edge_to)))
    return PT_ERR(PT_ENOMEM, "out of memory numbering strings");
  return 0;
}

static pt_thread *start_scan(edge_scan *e, const pt_graph *g, size_t lo,
                             size_t hi, int keep)
{
  pt_thread *th = NULL;
  memset(e, 0, sizeof *e);
  e->g = g;
  e->lo = lo;
  e->hi = hi;
  e->keep = keep;
  if (pt_thread_start(scan_edges, e, &th) != 0)
    pt_error_clear();
  return th;
}

/* The ids a numbering of entities, edges and tests in turn gives, with
 * the edges' strings found on a second thread: the entities' strings take
 * 1, 2, 3, ... as they first come, then each edge string they do not
 * hold the next id in the order the edges first name it, then the
 * tests'. The same ids on one thread or two (a thread that cannot start
 * leaves the edges to the caller). */
static int number_all(pt__rocksdb_ids *ids, const pt_graph *g)
{
  edge_scan e;
  int rc = keep_edges(ids, g);
  pt_thread *th = start_scan(&e, g, 0, pt_graph_n_edges(g), rc == 0);
  const pt_entity *v = pt_graph_entities(g);
  size_t n = pt_graph_n_entities(g);
  if (rc == 0)
    rc = keep_entities(ids, v, n);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (i + AHEAD < n)
      ahead_entity(ids, &v[i + AHEAD]);
    rc = number_entity(ids, &v[i],
                       &ids->entity_ids[PT__ROCKSDB_ENTITY_IDS * i]);
  }
  rc = merge_scan(ids, &e, th, rc);
  return rc ? rc : each_test_string(g, number, ids);
}

/* The 'x' records' order, for the test hook that writes them. */
static int hash_all(pt__rocksdb_ids *ids)
{
  pt__rocksdb_hashed *tmp = NULL;
  size_t *count = NULL;
  int rc = 0;
  if (!((ids->by_hash = pt_malloc((ids->n + 1) * sizeof *ids->by_hash)) &&
        (tmp = pt_malloc((ids->n + 1) * sizeof *tmp)) &&
        (count = pt_malloc(((size_t)1 << 16) * sizeof *count))))
    rc = PT_ERR(PT_ENOMEM, "out of memory numbering strings");
  for (size_t i = 0; rc == 0 && i < ids->n; i++)
    ids->by_hash[i] = (pt__rocksdb_hashed){
        text_hash(ids->text[i], ids->len[i]), (uint64_t)i + 1};
  if (rc == 0)
    sort_by_hash(ids->by_hash, tmp, ids->n, count);
  pt_free(count);
  pt_free(tmp);
  return rc;
}

int pt__rocksdb_ids_for_save(pt__rocksdb_ids *ids, const pt_graph *g,
                             int has_hashed)
{
  size_t n_e = pt_graph_n_entities(g), n_d = pt_graph_n_edges(g);
  memset(ids, 0, sizeof *ids);
  ids->first_id = 1;
  int rc = pt_ptrmap_reserve(&ids->map, 3 * n_e + 2 * pt_graph_n_tests(g) +
                                            n_d / 4 + 16);
  if (rc == 0)
    rc = number_all(ids, g);
  if (rc == 0 && has_hashed)
    rc = hash_all(ids);
  return rc;
}

/* The map is sized for about 2 strings an entity (the several tree:
 * 317,000 entities, 596,000 strings with the edges'), 32 MB there, not
 * for every string to come: this runs beside resolution, at its peak of
 * memory; the rest grow it if they must. */
int pt__rocksdb_ids_begin(pt__rocksdb_ids *ids, const pt_entity *const *e,
                          size_t n)
{
  memset(ids, 0, sizeof *ids);
  ids->first_id = 1;
  int rc = pt_ptrmap_reserve(&ids->map, 2 * n + 16);
  if (rc == 0)
    rc = keep_entities(ids, e, n);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (i + 2 * AHEAD < n)
      PT_PREFETCH(e[i + 2 * AHEAD]);
    if (i + AHEAD < n)
      ahead_entity(ids, e[i + AHEAD]);
    rc = number_entity(ids, e[i],
                       &ids->entity_ids[PT__ROCKSDB_ENTITY_IDS * i]);
  }
  return rc;
}

/* The edges' second half is scanned on a second thread while the caller
 * numbers the first: the same ids as in one pass. */
int pt__rocksdb_ids_finish(pt__rocksdb_ids *ids, const pt_graph *g)
{
  size_t n = pt_graph_n_edges(g), half = n / 2;
  edge_scan e;
  int rc = keep_edges(ids, g);
  pt_thread *th = start_scan(&e, g, half, n, rc == 0);
  if (rc == 0)
    rc = pt_ptrmap_reserve(&ids->map, ids->map.n + n / 16 +
                                          2 * pt_graph_n_tests(g) + 16);
  if (rc == 0)
    rc = number_edges(ids, g, 0, half, ids->edge_to);
  rc = merge_scan(ids, &e, th, rc);
  return rc ? rc : each_test_string(g, number, ids);
}

size_t pt__rocksdb_n_chunks(const void *g, const pt__rocksdb_ids *ids)
{
  (void)g;
  return (ids->n + PT__ROCKSDB_CHUNK - 1) / PT__ROCKSDB_CHUNK;
}

/* The strings [lo, hi) of ids->text as one chunk: its key (after the
 * letter) is its first id. */
static int put_chunk(const pt__rocksdb_ids *ids, size_t lo, size_t hi,
                     pt_buf *key, pt_buf *val)
{
  char first[9] = {'\0'};
  pt__rocksdb_put_be64(first + 1, ids->first_id + lo);
  int rc = pt_buf_put(key, first, sizeof first);
  for (size_t i = lo; rc == 0 && i < hi; i++) {
    rc = pt_varint_put(val, ids->len[i]);
    if (rc == 0)
      rc = pt_buf_put(val, ids->text[i], ids->len[i]);
  }
  return rc;
}

int pt__rocksdb_put_chunk(const void *g, pt__rocksdb_ids *ids, size_t i,
                          pt_buf *key, pt_buf *val)
{
  size_t lo = i * PT__ROCKSDB_CHUNK, hi = lo + PT__ROCKSDB_CHUNK;
  (void)g;
  return put_chunk(ids, lo, hi < ids->n ? hi : ids->n, key, val);
}

size_t pt__rocksdb_n_hashed(const void *g, const pt__rocksdb_ids *ids)
{
  (void)g;
  return ids->n;
}

static int put_hashed(uint64_t hash, uint64_t id, const char *s, size_t len,
                      pt_buf *key, pt_buf *val)
{
  char k[17] = {'\0'};
  pt__rocksdb_put_be64(k + 1, hash);
  pt__rocksdb_put_be64(k + 9, id);
  int rc = pt_buf_put(key, k, sizeof k);
  return rc ? rc : pt_buf_put(val, s, len);
}

int pt__rocksdb_put_hashed(const void *g, pt__rocksdb_ids *ids, size_t i,
                           pt_buf *key, pt_buf *val)
{
  const pt__rocksdb_hashed *h = &ids->by_hash[i];
  size_t at = (size_t)(h->id - ids->first_id);
  (void)g;
  return put_hashed(h->hash, h->id, ids->text[at], ids->len[at], key, val);
}

/* ---- what a store knows of its generation --------------------------------- */

void pt__rocksdb_known_fini(pt__rocksdb_known *k)
{
  pt_graph_pool_release(k->pool);
  pt_free(k->table);
  pt_ptrmap_fini(&k->map);
  pt_strmap_fini(&k->rest);
  pt_arena_fini(&k->arena);
  memset(k, 0, sizeof *k);
}

void pt__rocksdb_known_set(pt__rocksdb_known *k, uint64_t gen,
                           const pt_graph *g, const char **table, size_t n)
{
  pt__rocksdb_known_fini(k);
  k->gen = gen;
  k->pool = pt_graph_pool_retain(g);
  k->table = table;
  k->n = n;
}

/* The map of the table, made at the first update: a load or a save that
 * no update follows (index, dump, a server that sees no change) does not
 * pay for it. */
static int make_map(pt__rocksdb_known *k)
{
  int rc = k->table ? pt_ptrmap_reserve(&k->map, k->n + 1024) : 0;
  for (size_t i = 0; rc == 0 && k->table && i < k->n; i++) {
    size_t id;
    rc = pt_ptrmap_put_new(&k->map, k->table[i], i + 1, &id);
  }
  if (rc == 0) {
    pt_free(k->table);
    k->table = NULL;
  }
  return rc;
}

/* ---- an update ----------------------------------------------------------- */

int pt__rocksdb_ids_for_update(pt__rocksdb_ids *ids, rocksdb_t *db,
                               const rocksdb_readoptions_t *ro,
                               const char *path, const char *gen,
                               pt__rocksdb_known *k,
                               const pt_graph *old, const pt_graph *now)
{
  memset(ids, 0, sizeof *ids);
  ids->db = db;
  ids->path = path;
  memcpy(ids->gen, gen, sizeof ids->gen);
  if (k->pool && k->gen == pt__rocksdb_get_be64(gen + 1) &&
      pt_graph_pool_of(old) == k->pool && pt_graph_pool_of(now) == k->pool) {
    int rc = make_map(k);
    if (rc == 0) {
      ids->by_ptr = k;
      ids->first_id = k->n + 1;
    }
    return rc;
  }
  pt__rocksdb_known_fini(k); /* of another generation or pool */
  ids->it = rocksdb_create_iterator(db, ro);
  return ids->it ? 0 : PT_ERR(PT_ENOMEM, "out of memory reading strings");
}

/* ---- format 8's edge runs ------------------------------------------------ */

int pt__rocksdb_ids_group_edges(pt__rocksdb_ids *ids, const pt_graph *g)
{
  size_t slot = 0, n = pt_graph_n_edges(g), k = 0;
  const pt_edge *d = pt_graph_edges(g);
  while (slot < 2 && ids->groups[slot].g && ids->groups[slot].g != (void *)g)
    slot++;
  if (slot == 2)
    return PT_ERR(PT_EINVAL, "rocksdb: edges of a third graph to group");
  pt__rocksdb_groups *r = &ids->groups[slot];
  if (r->g)
    return 0;
  /* one more than the runs: where the last one ends */
  size_t *start = pt_malloc((n + 1) * sizeof *start);
  if (!start)
    return PT_ERR(PT_ENOMEM, "out of memory grouping edges");
  for (size_t i = 0; i < n; i++)
    if (i == 0 || (d[i].from_key != d[i - 1].from_key &&
                   strcmp(d[i].from_key, d[i - 1].from_key) != 0))
      start[k++] = i;
  start[k] = n;
  r->g = g;
  r->start = start;
  r->n = k;
  return 0;
}

const pt__rocksdb_groups *pt__rocksdb_groups_of(const pt__rocksdb_ids *ids,
                                                const void *g)
{
  for (size_t i = 0; g && i < 2; i++)
    if (ids->groups[i].g == g)
      return &ids->groups[i];
  return NULL;
}

void pt__rocksdb_ids_fini(pt__rocksdb_ids *ids)
{
  pt_free(ids->groups[0].start);
  pt_free(ids->groups[1].start);
  if (ids->it)
    rocksdb_iter_destroy(ids->it);
  pt_ptrmap_fini(&ids->map);
  pt_strmap_fini(&ids->known);
  pt_arena_fini(&ids->arena);
  pt_free(ids->text);
  pt_free(ids->len);
  pt_free(ids->by_hash);
  pt_free(ids->edge_to);
  pt_free(ids->entity_ids);
  pt_free(ids->code_in);
  pt_free(ids->code_at);
  memset(ids, 0, sizeof *ids);
}

static int iter_error(const pt__rocksdb_ids *ids)
{
  char *err = NULL;
  rocksdb_iter_get_error(ids->it, &err);
  return err ? pt__rocksdb_error(err, ids->path, "cannot read strings") : 0;
}

static int known_each(const char *s, size_t len, void *payload)
{
  pt__rocksdb_ids *ids = payload;
  const char *copy = pt_arena_strndup(&ids->arena, s, len);
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory reading strings");
  return pt_strmap_put_new(&ids->known, copy, len, ids->scanned++, NULL);
}

/* Every string of the generation into known, its chunks read in order,
 * before the update numbers any: the new ones follow the last. */
static int read_all(pt__rocksdb_ids *ids)
{
  char k[PT__ROCKSDB_GEN_PREFIX_SIZE + 2];
  memcpy(k, ids->gen, PT__ROCKSDB_GEN_PREFIX_SIZE);
  k[PT__ROCKSDB_GEN_PREFIX_SIZE] = 'a';
  k[PT__ROCKSDB_GEN_PREFIX_SIZE + 1] = '\0';
  int rc = 0;
  ids->scanned = 1;
  for (rocksdb_iter_seek(ids->it, k, sizeof k);
       rc == 0 && rocksdb_iter_valid(ids->it); rocksdb_iter_next(ids->it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(ids->it, &klen);
    if (klen != sizeof k + 8 || memcmp(key, k, sizeof k) != 0)
      break;
    if (pt__rocksdb_get_be64(key + sizeof k) != ids->scanned)
      return PT_ERR(PT_EINVAL, "corrupt string chunk: ids not 1, 2, 3, ... "
                    "in order");
    const char *val = rocksdb_iter_value(ids->it, &vlen);
    rc = pt__rocksdb_read_chunk(val, vlen, known_each, ids);
  }
  if (rc == 0)
    rc = iter_error(ids);
  ids->first_id = ids->scanned;
  ids->has_all = rc == 0;
  return rc;
}

int pt__rocksdb_id_of(pt__rocksdb_ids *ids, const char *s, uint64_t *out)
{
  size_t id = 0, len;
  *out = 0;
  if (!s)
    return 0;
  if (!ids->db) { /* a save: every string is numbered */
    if (!pt_ptrmap_get(&ids->map, s, &id))
      return PT_ERR(PT_ERROR, "rocksdb: a string the save did not number");
    *out = id;
    return 0;
  }
  if (ids->by_ptr) { /* the pool's strings the generation holds, by pointer */
    pt__rocksdb_known *k = ids->by_ptr;
    if (pt_ptrmap_get(&k->map, s, &id)) {
      *out = id;
      return 0;
    }
    len = strlen(s);
    int rc = 0;
    if (k->rest.n && pt_strmap_get(&k->rest, s, len, &id))
      *out = id;
    else {
      *out = ids->first_id + ids->n;
      rc = add_text(ids, s, len); /* s lives in the kept pool */
    }
    return rc ? rc : pt_ptrmap_put_new(&k->map, s, (size_t)*out, &id);
  }
  int rc = ids->has_all ? 0 : read_all(ids);
  len = strlen(s);
  uint64_t hash = pt_strmap_hash(s, len);
  if (rc == 0 && pt_strmap_get_hashed(&ids->known, s, len, hash, &id)) {
    *out = id;
    return 0;
  }
  const char *copy = rc ? NULL : pt_arena_strndup(&ids->arena, s, len);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory looking up strings");
  if (rc == 0) {
    *out = ids->first_id + ids->n;
    rc = add_text(ids, copy, len);
  }
  if (rc == 0)
    rc = pt_strmap_put_new_hashed(&ids->known, copy, len, hash, *out, NULL);
  return rc;
}

/* now's string s by pointer into the map, its id marked in seen */
static int learn(pt__rocksdb_ids *ids, const char *s)
{
  size_t id, had;
  if (!s || !pt_strmap_get(&ids->known, s, strlen(s), &id))
    return 0;
  ids->seen[id] = 1;
  return pt_ptrmap_put_new(&ids->into->map, s, id, &had);
}

/* The table's strings now does not name, by text: a later graph of now's
 * pool that names one again gets its id, not a second one. */
static int keep_rest(pt__rocksdb_known *k, const pt__rocksdb_ids *ids)
{
  const pt_strmap *m = &ids->known;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < m->cap; i++) {
    const pt_strmap_slot *slot = &m->slots[i];
    if (!slot->key || ids->seen[slot->value])
      continue;
    const char *copy = pt_arena_strndup(&k->arena, slot->key, slot->len);
    rc = copy ? pt_strmap_put_new_hashed(&k->rest, copy, slot->len,
                                         slot->hash, slot->value, NULL)
              : PT_ERR(PT_ENOMEM, "out of memory keeping strings");
  }
  return rc;
}

void pt__rocksdb_known_after_update(pt__rocksdb_known *k,
                                    pt__rocksdb_ids *ids, uint64_t gen,
                                    const pt_graph *now)
{
  if (ids->by_ptr) {
    k->n += ids->n;
    return;
  }
  if (!ids->has_all)
    return; /* nothing was looked up, so nothing learnt */
  uint64_t last = ids->first_id + ids->n - 1;
  pt__rocksdb_known_set(k, gen, now, NULL, (size_t)last);
  ids->into = k;
  ids->seen = pt_calloc((size_t)last + 1, 1);
  int rc = ids->seen ? pt_ptrmap_reserve(&k->map, ids->known.n + 1024)
                     : PT_ERR(PT_ENOMEM, "out of memory keeping strings");
  if (rc == 0)
    rc = each_string(now, learn, ids);
  if (rc == 0)
    rc = keep_rest(k, ids);
  pt_free(ids->seen);
  ids->seen = NULL;
  ids->into = NULL;
  if (rc) { /* the next update reads the table again */
    pt__rocksdb_known_fini(k);
    pt_error_clear();
  }
}

static int key_of(const pt__rocksdb_ids *ids, char letter, pt_buf *k)
{
  pt_buf_clear(k);
  int rc = pt_buf_put(k, ids->gen, PT__ROCKSDB_GEN_PREFIX_SIZE);
  return rc ? rc : pt_buf_putc(k, letter);
}

int pt__rocksdb_ids_put_new(pt__rocksdb_ids *ids, rocksdb_writebatch_t *b)
{
  pt_buf k = PT_BUF_INIT, v = PT_BUF_INIT;
  int rc = 0;
  for (size_t lo = 0; rc == 0 && lo < ids->n; lo += PT__ROCKSDB_CHUNK) {
    size_t hi = lo + PT__ROCKSDB_CHUNK < ids->n ? lo + PT__ROCKSDB_CHUNK
                                                 : ids->n;
    pt_buf_clear(&v);
    rc = key_of(ids, 'a', &k);
    if (rc == 0)
      rc = put_chunk(ids, lo, hi, &k, &v);
    if (rc == 0)
      rocksdb_writebatch_put(b, k.ptr, k.len, v.ptr, v.len);
  }
  pt_buf_fini(&v);
  pt_buf_fini(&k);
  return rc;
}

/* ---- a load -------------------------------------------------------------- */

int pt__rocksdb_read_chunk(const char *val, size_t len,
                           int (*each)(const char *s, size_t len,
                                       void *payload),
                           void *payload)
{
  const unsigned char *p = (const unsigned char *)val, *end = p + len;
  int rc = 0;
  if (len == 0)
    return PT_ERR(PT_EINVAL, "corrupt string chunk: empty");
  while (rc == 0 && p < end) {
    uint64_t n = 0;
    if (pt_varint_get(&p, end, &n) != PT_VARINT_OK)
      return PT_ERR(PT_EINVAL, "corrupt string chunk: bad length");
    if (n > (uint64_t)(end - p))
      return PT_ERR(PT_EINVAL, "corrupt string chunk: truncated string");
    if (memchr(p, '\0', (size_t)n))
      return PT_ERR(PT_EINVAL, "corrupt string chunk: NUL in a string");
    rc = each((const char *)p, (size_t)n, payload);
    p += n;
  }
  return rc;
}
