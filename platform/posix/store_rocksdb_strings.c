/* The string table of a RocksDB database of format 7
 * (store_rocksdb_int.h, pt__rocksdb_ids): entity, edge and test records
 * name their strings by id, each distinct string stored once, so that a
 * load copies the strings into the graph's pool in id order and interns
 * them all at once, as SQLite's load does, instead of looking up every
 * record's five strings. A save numbers the strings of its graph; the
 * live index's update finds the ids of the strings it writes through the
 * 'x' records, and numbers the strings the generation does not hold after
 * its last. Two ids of one text would only cost room: a load interns
 * both to one string, and an update compares records it encodes itself
 * with one id for each text it looked up. */
#include <rocksdb/c.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
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

static int number(pt__rocksdb_ids *ids, const char *s)
{
  size_t id = 0, n = ids->map.n;
  if (!s)
    return 0;
  int rc = pt_ptrmap_put_new(&ids->map, s, n + 1, &id);
  if (rc == 0 && ids->map.n > n)
    rc = add_text(ids, s, strlen(s));
  return rc;
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

/* Entities first, so their keys take the low ids; an edge's from key and
 * path are mostly the last edge's. */
int pt__rocksdb_ids_for_save(pt__rocksdb_ids *ids, const pt_graph *g)
{
  const pt_entity *e = pt_graph_entities(g);
  const pt_edge *d = pt_graph_edges(g);
  const pt_test_entity *t = pt_graph_tests(g);
  size_t n_e = pt_graph_n_entities(g), n_d = pt_graph_n_edges(g);
  size_t n_t = pt_graph_n_tests(g);
  const char *from = NULL, *file = NULL;
  memset(ids, 0, sizeof *ids);
  ids->first_id = 1;
  int rc = pt_ptrmap_reserve(&ids->map, 3 * n_e + 2 * n_t + n_d / 4 + 16);
  for (size_t i = 0; rc == 0 && i < n_e; i++) {
    rc = number(ids, e[i].key);
    if (rc == 0) rc = number(ids, e[i].name);
    if (rc == 0) rc = number(ids, e[i].qualname);
    if (rc == 0) rc = number(ids, e[i].file_path);
    if (rc == 0) rc = number(ids, e[i].parent_key);
  }
  for (size_t i = 0; rc == 0 && i < n_d; i++) {
    if (d[i].from_key != from)
      rc = number(ids, from = d[i].from_key);
    if (rc == 0 && d[i].file_path != file)
      rc = number(ids, file = d[i].file_path);
    if (rc == 0) rc = number(ids, d[i].to_key);
    const pt_candidates *c = d[i].candidates;
    for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++)
      rc = number(ids, c->keys[k]);
  }
  for (size_t i = 0; rc == 0 && i < n_t; i++) {
    rc = number(ids, t[i].key);
    if (rc == 0) rc = number(ids, t[i].name);
    if (rc == 0) rc = number(ids, t[i].file_path);
    if (rc == 0) rc = number(ids, t[i].reason);
  }
  pt__rocksdb_hashed *tmp = NULL;
  size_t *count = NULL;
  if (rc == 0 && !((ids->by_hash = pt_malloc((ids->n + 1) *
                                             sizeof *ids->by_hash)) &&
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

size_t pt__rocksdb_n_chunks(const pt_graph *g, const pt__rocksdb_ids *ids)
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

int pt__rocksdb_put_chunk(const pt_graph *g, pt__rocksdb_ids *ids, size_t i,
                          pt_buf *key, pt_buf *val)
{
  size_t lo = i * PT__ROCKSDB_CHUNK, hi = lo + PT__ROCKSDB_CHUNK;
  (void)g;
  return put_chunk(ids, lo, hi < ids->n ? hi : ids->n, key, val);
}

size_t pt__rocksdb_n_hashed(const pt_graph *g, const pt__rocksdb_ids *ids)
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

int pt__rocksdb_put_hashed(const pt_graph *g, pt__rocksdb_ids *ids, size_t i,
                           pt_buf *key, pt_buf *val)
{
  const pt__rocksdb_hashed *h = &ids->by_hash[i];
  size_t at = (size_t)(h->id - ids->first_id);
  (void)g;
  return put_hashed(h->hash, h->id, ids->text[at], ids->len[at], key, val);
}

/* ---- an update ----------------------------------------------------------- */

int pt__rocksdb_ids_for_update(pt__rocksdb_ids *ids, rocksdb_t *db,
                               const rocksdb_readoptions_t *ro,
                               const char *gen)
{
  memset(ids, 0, sizeof *ids);
  ids->db = db;
  memcpy(ids->gen, gen, sizeof ids->gen);
  ids->it = rocksdb_create_iterator(db, ro);
  return ids->it ? 0 : PT_ERR(PT_ENOMEM, "out of memory reading strings");
}

void pt__rocksdb_ids_fini(pt__rocksdb_ids *ids)
{
  if (ids->it)
    rocksdb_iter_destroy(ids->it);
  pt_ptrmap_fini(&ids->map);
  pt_strmap_fini(&ids->known);
  pt_arena_fini(&ids->arena);
  pt_free(ids->text);
  pt_free(ids->len);
  pt_free(ids->by_hash);
  memset(ids, 0, sizeof *ids);
}

static int iter_error(rocksdb_iterator_t *it)
{
  char *err = NULL;
  rocksdb_iter_get_error(it, &err);
  if (!err)
    return 0;
  int rc = PT_ERR(PT_EIO, "rocksdb: cannot read strings: %s", err);
  rocksdb_free(err);
  return rc;
}

static int count_each(const char *s, size_t len, void *payload)
{
  (void)s;
  (void)len;
  ++*(uint64_t *)payload;
  return 0;
}

/* The id after the generation's last string: its last chunk's first id
 * and count. */
static int find_next(pt__rocksdb_ids *ids)
{
  char k[PT__ROCKSDB_GEN_PREFIX_SIZE + CHUNK_KEY_SIZE];
  memcpy(k, ids->gen, PT__ROCKSDB_GEN_PREFIX_SIZE);
  k[PT__ROCKSDB_GEN_PREFIX_SIZE] = 'a';
  k[PT__ROCKSDB_GEN_PREFIX_SIZE + 1] = '\0';
  pt__rocksdb_put_be64(k + PT__ROCKSDB_GEN_PREFIX_SIZE + 2, UINT64_MAX);
  rocksdb_iter_seek_for_prev(ids->it, k, sizeof k);
  uint64_t next = 1;
  int rc = 0;
  if (rocksdb_iter_valid(ids->it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(ids->it, &klen);
    if (klen == sizeof k && memcmp(key, k, sizeof k - 8) == 0) {
      const char *val = rocksdb_iter_value(ids->it, &vlen);
      uint64_t n = 0;
      rc = pt__rocksdb_read_chunk(val, vlen, count_each, &n);
      next = pt__rocksdb_get_be64(key + sizeof k - 8) + n;
    }
  }
  if (rc == 0)
    rc = iter_error(ids->it);
  ids->first_id = next;
  ids->has_next = rc == 0;
  return rc;
}

/* The id of the text s among the 'x' records, 0 when none holds it. */
static int find_hashed(pt__rocksdb_ids *ids, const char *s, size_t len,
                       uint64_t *out)
{
  char k[PT__ROCKSDB_GEN_PREFIX_SIZE + HASHED_KEY_SIZE];
  const size_t head = PT__ROCKSDB_GEN_PREFIX_SIZE + 2 + 8;
  memcpy(k, ids->gen, PT__ROCKSDB_GEN_PREFIX_SIZE);
  k[PT__ROCKSDB_GEN_PREFIX_SIZE] = 'x';
  k[PT__ROCKSDB_GEN_PREFIX_SIZE + 1] = '\0';
  pt__rocksdb_put_be64(k + PT__ROCKSDB_GEN_PREFIX_SIZE + 2, text_hash(s, len));
  *out = 0;
  for (rocksdb_iter_seek(ids->it, k, head); rocksdb_iter_valid(ids->it);
       rocksdb_iter_next(ids->it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(ids->it, &klen);
    if (klen != sizeof k || memcmp(key, k, head) != 0)
      break;
    const char *val = rocksdb_iter_value(ids->it, &vlen);
    if (vlen == len && memcmp(val, s, len) == 0) {
      *out = pt__rocksdb_get_be64(key + head);
      break;
    }
  }
  return iter_error(ids->it);
}

static int known_each(const char *s, size_t len, void *payload)
{
  pt__rocksdb_ids *ids = payload;
  const char *copy = pt_arena_strndup(&ids->arena, s, len);
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory reading strings");
  return pt_strmap_put_new(&ids->known, copy, len, ids->scanned++, NULL);
}

/* Every string of the generation into known, its chunks read in order: an
 * update that compares many records (one that is not a patch of the
 * stored graph compares all of them) would otherwise seek once for each
 * of hundreds of thousands of strings, each seek decompressing a block
 * (0.9 ms each on the several tree at load). The strings it numbered
 * already keep their ids. */
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
    rc = iter_error(ids->it);
  if (rc == 0 && !ids->has_next) {
    ids->first_id = ids->scanned;
    ids->has_next = 1;
  }
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
  len = strlen(s);
  uint64_t hash = pt_strmap_hash(s, len);
  if (pt_strmap_get_hashed(&ids->known, s, len, hash, &id)) {
    *out = id;
    return 0;
  }
  int rc = 0;
  if (!ids->has_all && ++ids->n_sought > PT__ROCKSDB_SEEKS_MAX) {
    rc = read_all(ids);
    if (rc == 0 && pt_strmap_get_hashed(&ids->known, s, len, hash, &id)) {
      *out = id;
      return 0;
    }
  }
  if (rc == 0 && !ids->has_all)
    rc = find_hashed(ids, s, len, out);
  if (rc == 0 && *out == 0 && !ids->has_next)
    rc = find_next(ids);
  const char *copy = rc ? NULL : pt_arena_strndup(&ids->arena, s, len);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory looking up strings");
  if (rc == 0 && *out == 0) {
    *out = ids->first_id + ids->n;
    rc = add_text(ids, copy, len);
  }
  if (rc == 0)
    rc = pt_strmap_put_new_hashed(&ids->known, copy, len, hash, *out, NULL);
  return rc;
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
  for (size_t i = 0; rc == 0 && i < ids->n; i++) {
    pt_buf_clear(&v);
    rc = key_of(ids, 'x', &k);
    if (rc == 0)
      rc = put_hashed(text_hash(ids->text[i], ids->len[i]),
                      ids->first_id + i, ids->text[i], ids->len[i], &k, &v);
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
