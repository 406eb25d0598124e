/* Format 7's entity, edge and test records, format 8's edge records and
 * format 9's entity records without their code and code records
 * (store_rocksdb_int.h): the
 * layout of pt/record_codec.h (a tag byte, a version byte, the fields in
 * declaration order as varints), except that keys, names, paths, parents
 * and reasons are ids into the string table (0 for NULL) and an entity's
 * signature and code are a varint n and n - 1 bytes without their NUL
 * (n = 0 for NULL). Files, ignored files and metadata keep format 6's
 * records. */
#include <string.h>

#include "pt/error.h"
#include "pt/graph_load_code.h"
#include "pt/varint.h"
#include "store_rocksdb_int.h"

#define RECORD_VERSION 7
#define GROUP_VERSION 8
#define APART_VERSION PT__ROCKSDB_APART_VERSION

/* ---- encoding ------------------------------------------------------------ */

typedef struct writer {
  pt_buf *out;          /* borrowed */
  pt__rocksdb_ids *ids; /* borrowed */
  int rc;
} writer;

static writer writer_begin_v(pt_buf *out, pt__rocksdb_ids *ids, char tag,
                             unsigned char version)
{
  writer w = {out, ids, 0};
  unsigned char head[2] = {(unsigned char)tag, version};
  w.rc = pt_buf_put(out, head, sizeof head);
  return w;
}

static writer writer_begin(pt_buf *out, pt__rocksdb_ids *ids, char tag)
{
  return writer_begin_v(out, ids, tag, RECORD_VERSION);
}

static void put_u64(writer *w, uint64_t v)
{
  if (w->rc == 0)
    w->rc = pt_varint_put(w->out, v);
}

static void put_id(writer *w, const char *s)
{
  uint64_t id = 0;
  if (w->rc == 0)
    w->rc = pt__rocksdb_id_of(w->ids, s, &id);
  put_u64(w, id);
}

static void put_text(writer *w, const char *s)
{
  size_t len = s ? strlen(s) : 0;
  put_u64(w, s ? (uint64_t)len + 1 : 0);
  if (w->rc == 0 && len)
    w->rc = pt_buf_put(w->out, s, len);
}

/* e's code: a varint n and n - 1 bytes (n = 0 for NULL). */
static void put_code(writer *w, const pt_entity *e)
{
  put_u64(w, e->code ? (uint64_t)pt_entity_code_len(e) + 1 : 0);
  if (w->rc == 0 && pt_entity_code_len(e))
    w->rc = pt_buf_put(w->out, e->code, pt_entity_code_len(e));
}

/* s's id: kept (pt__rocksdb_ids' entity_ids) when it is not UINT32_MAX */
static void put_kept_id(writer *w, const char *s, uint32_t kept)
{
  if (kept == UINT32_MAX)
    put_id(w, s);
  else
    put_u64(w, kept);
}

/* Format 7's entity record holds its code; format 9's does not. Its
 * strings' ids are kept[0..5), or looked up when kept is NULL. */
static int encode_entity(pt_buf *out, pt__rocksdb_ids *ids,
                         const pt_entity *e, int with_code,
                         const uint32_t *kept)
{
  static const uint32_t none[PT__ROCKSDB_ENTITY_IDS] = {
      UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
  if (!kept)
    kept = none;
  const char *nul = memchr(e->content_hash, '\0', sizeof e->content_hash);
  size_t hash_len = nul ? (size_t)(nul - e->content_hash)
                        : sizeof e->content_hash - 1;
  writer w = writer_begin_v(out, ids, 'E',
                            with_code ? RECORD_VERSION : APART_VERSION);
  put_kept_id(&w, e->key, kept[0]);
  put_kept_id(&w, e->name, kept[1]);
  put_kept_id(&w, e->qualname, kept[2]);
  put_kept_id(&w, e->file_path, kept[3]);
  put_kept_id(&w, e->parent_key, kept[4]);
  put_text(&w, e->signature);
  if (with_code)
    put_code(&w, e);
  put_u64(&w, hash_len);
  if (w.rc == 0)
    w.rc = pt_buf_put(out, e->content_hash, hash_len);
  put_u64(&w, (uint64_t)e->lang);
  put_u64(&w, (uint64_t)e->kind);
  put_u64(&w, e->line_start);
  put_u64(&w, e->line_end);
  put_u64(&w, pt_zigzag(e->birth));
  return w.rc;
}

int pt__rocksdb_encode_entity(pt_buf *out, pt__rocksdb_ids *ids,
                              const pt_entity *e)
{
  return encode_entity(out, ids, e, 1, NULL);
}

int pt__rocksdb_encode_entity9(pt_buf *out, pt__rocksdb_ids *ids,
                               const pt_entity *e)
{
  return encode_entity(out, ids, e, 0, NULL);
}

int pt__rocksdb_encode_entity9_kept(pt_buf *out, pt__rocksdb_ids *ids,
                                    const pt_entity *e, const uint32_t *kept)
{
  return encode_entity(out, ids, e, 0, kept);
}

int pt__rocksdb_encode_code(pt_buf *out, const pt_entity *e)
{
  writer w = writer_begin_v(out, NULL, 'C', APART_VERSION);
  put_code(&w, e);
  return w.rc;
}

int pt__rocksdb_encode_code_in(pt_buf *out, uint64_t in, uint32_t at,
                               uint32_t len)
{
  writer w = writer_begin_v(out, NULL, 'R', PT__ROCKSDB_RANGE_VERSION);
  put_u64(&w, in);
  put_u64(&w, at);
  put_u64(&w, len);
  return w.rc;
}

/* An edge's fields after its from key; to_id the id of its to key as
 * put_kept_id takes it (UINT32_MAX: looked up). A run's edges mostly
 * share one file path: *file (NULL at first) and *file_id are the last
 * looked up. */
static void put_edge_rest(writer *w, const pt_edge *e, uint32_t to_id,
                          const char **file, uint64_t *file_id)
{
  put_kept_id(w, e->to_key, to_id);
  if (!e->file_path || e->file_path != *file) {
    uint64_t id = 0;
    if (w->rc == 0)
      w->rc = pt__rocksdb_id_of(w->ids, e->file_path, &id);
    *file = e->file_path;
    *file_id = id;
  }
  put_u64(w, *file_id);
  put_u64(w, (uint64_t)e->type);
  put_u64(w, e->line);
  put_u64(w, e->resolved ? 1 : 0);
  put_u64(w, (uint64_t)e->resolution);
  /* candidates: their count (0: none), the keys listed, the keys */
  const pt_candidates *c = e->candidates;
  put_u64(w, c ? c->n : 0);
  if (c) {
    put_u64(w, c->n_keys);
    for (uint32_t i = 0; i < c->n_keys; i++)
      put_id(w, c->keys[i]);
  }
}

int pt__rocksdb_encode_edges_to(pt_buf *out, pt__rocksdb_ids *ids,
                                const pt_edge *e, size_t n,
                                const uint32_t *to)
{
  writer w = writer_begin_v(out, ids, 'G', GROUP_VERSION);
  const char *file = NULL;
  uint64_t file_id = 0;
  put_id(&w, n ? e[0].from_key : NULL);
  put_u64(&w, n);
  for (size_t i = 0; i < n; i++)
    put_edge_rest(&w, &e[i], to ? to[i] : UINT32_MAX, &file, &file_id);
  return w.rc;
}

int pt__rocksdb_encode_edges(pt_buf *out, pt__rocksdb_ids *ids,
                             const pt_edge *e, size_t n)
{
  return pt__rocksdb_encode_edges_to(out, ids, e, n, NULL);
}

int pt__rocksdb_encode_edge(pt_buf *out, pt__rocksdb_ids *ids,
                            const pt_edge *e)
{
  writer w = writer_begin(out, ids, 'D');
  const char *file = NULL;
  uint64_t file_id = 0;
  put_id(&w, e->from_key);
  put_edge_rest(&w, e, UINT32_MAX, &file, &file_id);
  return w.rc;
}

int pt__rocksdb_encode_test(pt_buf *out, pt__rocksdb_ids *ids,
                            const pt_test_entity *t)
{
  writer w = writer_begin(out, ids, 'T');
  put_id(&w, t->key);
  put_id(&w, t->name);
  put_id(&w, t->file_path);
  put_id(&w, t->reason);
  put_u64(&w, (uint64_t)t->lang);
  put_u64(&w, (uint64_t)t->kind);
  put_u64(&w, t->line_start);
  put_u64(&w, t->line_end);
  return w.rc;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct reader {
  const unsigned char *base, *p, *end; /* borrowed: the encoded record */
  const pt__rocksdb_strings *s;        /* borrowed */
  const char *what;                    /* static: for messages */
  int rc;
} reader;

static void fail(reader *r, const char *why)
{
  if (r->rc == 0)
    r->rc = PT_ERR(PT_EINVAL, "corrupt %s record: %s at byte %zu", r->what,
                   why, (size_t)(r->p - r->base));
}

static reader reader_begin_v(const char *data, size_t size,
                             const pt__rocksdb_strings *s, char tag,
                             unsigned char version, const char *what)
{
  const unsigned char *p = (const unsigned char *)data;
  reader r = {p, p, p + size, s, what, 0};
  if (size < 2 || p[0] != (unsigned char)tag || p[1] != version)
    fail(&r, "wrong type tag or version");
  else
    r.p += 2;
  return r;
}

static reader reader_begin(const char *data, size_t size,
                           const pt__rocksdb_strings *s, char tag,
                           const char *what)
{
  return reader_begin_v(data, size, s, tag, RECORD_VERSION, what);
}

static uint64_t get_u64(reader *r)
{
  uint64_t v = 0;
  if (r->rc == 0 && pt_varint_get(&r->p, r->end, &v) != PT_VARINT_OK)
    fail(r, "bad number");
  return r->rc ? 0 : v;
}

static uint32_t get_u32(reader *r)
{
  uint64_t v = get_u64(r);
  if (v > UINT32_MAX)
    fail(r, "number out of range");
  return (uint32_t)v;
}

static unsigned get_enum(reader *r, unsigned count)
{
  uint64_t v = get_u64(r);
  if (v >= count)
    fail(r, "value out of range");
  return r->rc ? 0 : (unsigned)v;
}

static const char *get_id(reader *r)
{
  uint64_t id = get_u64(r);
  if (r->rc || id == 0)
    return NULL;
  if (id > r->s->n) {
    fail(r, "string id out of range");
    return NULL;
  }
  return r->s->v[id - 1];
}

/* n bytes in place (n - 1 of them: n = 0 is NULL), with no NUL among
 * them. */
static const char *get_text(reader *r, size_t *len)
{
  uint64_t n = get_u64(r);
  const unsigned char *t = r->p;
  *len = 0;
  if (r->rc || n == 0)
    return NULL;
  if (n - 1 > (uint64_t)(r->end - r->p))
    fail(r, "truncated text");
  else if (memchr(t, '\0', (size_t)n - 1))
    fail(r, "NUL in a text");
  if (r->rc)
    return NULL;
  r->p += n - 1;
  *len = (size_t)(n - 1);
  return (const char *)t;
}

static int reader_end(reader *r)
{
  if (r->rc == 0 && r->p != r->end)
    fail(r, "trailing bytes");
  return r->rc;
}

static const char *copy_text(reader *r, pt_graph *g)
{
  size_t len = 0;
  const char *t = get_text(r, &len);
  if (!g) /* not wanted: stepped over */
    return NULL;
  if (t && !(t = pt_graph_copy_text(g, t, len)) && r->rc == 0)
    r->rc = PT_ERR(PT_ENOMEM, "out of memory copying entity text");
  return t;
}

/* e's code, as pt_graph_load_code keeps it (g NULL: stepped over). */
static void load_code(reader *r, pt_graph *g, pt_entity *e)
{
  size_t len = 0;
  const char *t = get_text(r, &len);
  if (g && t && pt_graph_load_code(g, e, t, len) && r->rc == 0)
    r->rc = PT_ENOMEM;
}

int pt__rocksdb_decode_entity(const char *data, size_t size,
                              const pt__rocksdb_strings *s, pt_graph *g,
                              pt_entity *out)
{
  /* format 9's record (without its code) or format 7's */
  int apart = size >= 2 && (unsigned char)data[1] == APART_VERSION;
  reader r = reader_begin_v(data, size, s, 'E',
                            apart ? APART_VERSION : RECORD_VERSION, "entity");
  pt_entity e;
  size_t hash_len = 0;
  memset(&e, 0, sizeof e);
  e.key = get_id(&r);
  e.name = get_id(&r);
  e.qualname = get_id(&r);
  e.file_path = get_id(&r);
  e.parent_key = get_id(&r);
  e.signature = copy_text(&r, g);
  if (!apart)
    load_code(&r, s->without_code ? NULL : g, &e);
  hash_len = (size_t)get_u64(&r);
  if (r.rc == 0 && (hash_len >= sizeof e.content_hash ||
                    hash_len > (size_t)(r.end - r.p) ||
                    memchr(r.p, '\0', hash_len)))
    fail(&r, "content hash longer than 64 characters or truncated");
  if (r.rc == 0) {
    memcpy(e.content_hash, r.p, hash_len); /* memset: terminated */
    r.p += hash_len;
  }
  e.lang = (pt_lang)get_enum(&r, PT_LANG__COUNT);
  e.kind = (pt_kind)get_enum(&r, PT_KIND__COUNT);
  e.line_start = get_u32(&r);
  e.line_end = get_u32(&r);
  e.birth = pt_unzigzag(get_u64(&r));
  int rc = reader_end(&r);
  if (rc == 0)
    *out = e;
  return rc;
}

/* A range ('R', 10): the holder's key id (not 0), where, and how many
 * bytes (not 0). */
static int decode_range(const char *data, size_t size,
                        pt__rocksdb_code_range *in)
{
  reader r = reader_begin_v(data, size, NULL, 'R', PT__ROCKSDB_RANGE_VERSION,
                            "code");
  in->id = get_u64(&r);
  in->at = get_u32(&r);
  in->len = get_u32(&r);
  if (r.rc == 0 && (in->id == 0 || in->len == 0))
    fail(&r, "empty range or no holder");
  int rc = reader_end(&r);
  if (rc)
    in->id = 0;
  return rc;
}

int pt__rocksdb_decode_code(const char *data, size_t size, const char **code,
                            size_t *len, pt__rocksdb_code_range *in)
{
  if (in)
    in->id = 0;
  if (in && size >= 1 && data[0] == 'R') {
    *code = NULL;
    *len = 0;
    return decode_range(data, size, in);
  }
  reader r = reader_begin_v(data, size, NULL, 'C', APART_VERSION, "code");
  const char *t = get_text(&r, len);
  int rc = reader_end(&r);
  if (rc == 0)
    *code = t;
  return rc;
}

/* An edge's fields after its from key, into e (whose from key is set) and
 * c. */
static void get_edge_rest(reader *r, pt_edge *e, pt_record_candidates *c)
{
  e->to_key = get_id(r);
  e->file_path = get_id(r);
  e->type = (pt_edge_type)get_enum(r, PT_EDGE__COUNT);
  e->line = get_u32(r);
  e->resolved = (int)get_enum(r, 2);
  e->resolution = (pt_resolution)get_enum(r, PT_RES__COUNT);
  c->n = get_u32(r);
  c->n_keys = 0;
  if (c->n) {
    c->n_keys = get_u32(r);
    if (c->n_keys < 1 || c->n_keys > PT_CANDIDATES_MAX || c->n_keys > c->n)
      fail(r, "candidate count out of range");
    for (uint32_t i = 0; r->rc == 0 && i < c->n_keys; i++)
      if (!(c->keys[i] = get_id(r)))
        fail(r, "NULL candidate key");
  }
}

int pt__rocksdb_decode_edges(const char *data, size_t size,
                             const pt__rocksdb_strings *s,
                             int (*each)(const pt_edge *e,
                                         const pt_record_candidates *cand,
                                         void *payload),
                             void *payload)
{
  reader r = reader_begin_v(data, size, s, 'G', GROUP_VERSION, "edge");
  pt_edge e;
  pt_record_candidates c;
  memset(&e, 0, sizeof e);
  e.from_key = get_id(&r);
  uint64_t n = get_u64(&r);
  if (r.rc == 0 && (!e.from_key || n == 0 || n > (uint64_t)(r.end - r.p)))
    fail(&r, "no from key, or an edge count out of range");
  int rc = r.rc;
  for (uint64_t i = 0; rc == 0 && i < n; i++) {
    get_edge_rest(&r, &e, &c);
    rc = r.rc ? r.rc : each(&e, &c, payload);
  }
  return rc ? rc : reader_end(&r);
}

int pt__rocksdb_decode_edge(const char *data, size_t size,
                            const pt__rocksdb_strings *s, pt_edge *out,
                            pt_record_candidates *cand)
{
  reader r = reader_begin(data, size, s, 'D', "edge");
  pt_edge e;
  pt_record_candidates c;
  memset(&e, 0, sizeof e);
  e.from_key = get_id(&r);
  get_edge_rest(&r, &e, &c);
  int rc = reader_end(&r);
  if (rc == 0) {
    *out = e;
    *cand = c;
  }
  return rc;
}

int pt__rocksdb_decode_test(const char *data, size_t size,
                            const pt__rocksdb_strings *s, pt_test_entity *out)
{
  reader r = reader_begin(data, size, s, 'T', "test");
  pt_test_entity t;
  memset(&t, 0, sizeof t);
  t.key = get_id(&r);
  t.name = get_id(&r);
  t.file_path = get_id(&r);
  t.reason = get_id(&r);
  t.lang = (pt_lang)get_enum(&r, PT_LANG__COUNT);
  t.kind = (pt_kind)get_enum(&r, PT_KIND__COUNT);
  t.line_start = get_u32(&r);
  t.line_end = get_u32(&r);
  int rc = reader_end(&r);
  if (rc == 0)
    *out = t;
  return rc;
}
