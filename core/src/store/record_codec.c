/* The length-prefixed binary record encoding of pt/record_codec.h. Writers
 * and readers keep a sticky error so each record's field list reads as a
 * plain sequence of puts or gets, checked once at the end. */
#include <stdint.h>
#include <string.h>

#include "pt/error.h"
#include "pt/record_codec.h"
#include "pt/varint.h"

#define FORMAT_VERSION 4 /* 2: edges carry their resolution;
                            3: files carry mtime_ns and reuse;
                            4: edges end with their candidates */

typedef struct writer {
  pt_buf *out;  /* borrowed */
  size_t start; /* out->len before the record, to undo a partial one */
  int rc;
} writer;

typedef struct reader {
  const unsigned char *base, *p, *end; /* borrowed: the encoded record */
  const char *what; /* static: record type, for messages */
  int rc;
} reader;

static writer writer_begin(pt_buf *out, char tag)
{
  writer w = {out, out->len, 0};
  unsigned char head[2] = {(unsigned char)tag, FORMAT_VERSION};
  w.rc = pt_buf_put(out, head, sizeof head);
  return w;
}

/* A failed encoder leaves out as it found it, so a caller that reuses the
 * buffer never sees half a record. */
static int writer_end(writer *w)
{
  if (w->rc != 0 && w->out->ptr) {
    w->out->len = w->start;
    w->out->ptr[w->start] = '\0';
  }
  return w->rc;
}

static void put_u64(writer *w, uint64_t v)
{
  if (w->rc == 0)
    w->rc = pt_varint_put(w->out, v);
}

static void put_i64(writer *w, int64_t v)
{
  put_u64(w, pt_zigzag(v));
}

static void put_strn(writer *w, const char *s, size_t len)
{
  put_u64(w, (uint64_t)len + 1);
  if (w->rc == 0)
    w->rc = pt_buf_put(w->out, s, len);
  if (w->rc == 0)
    w->rc = pt_buf_putc(w->out, '\0');
}

static void put_str(writer *w, const char *s)
{
  if (!s)
    put_u64(w, 0);
  else
    put_strn(w, s, strlen(s));
}

/* Bytes: a varint n, then n - 1 bytes; n = 0 stands for NULL. */
static void put_bytes(writer *w, const void *v, size_t size)
{
  put_u64(w, v ? (uint64_t)size + 1 : 0);
  if (w->rc == 0 && v && size)
    w->rc = pt_buf_put(w->out, v, size);
}

static reader reader_begin(const void *data, size_t size, char tag,
                           const char *what)
{
  reader r = {data, data, (const unsigned char *)data + size, what, 0};
  if (size < 2 || r.p[0] != (unsigned char)tag)
    r.rc = PT_ERR(PT_EINVAL, "corrupt %s record: wrong type tag", what);
  /* a meta record reads the same in every version: an older database's
   * schema_version is told apart from a corrupt one */
  else if (r.p[1] != FORMAT_VERSION && !(tag == 'M' && r.p[1] >= 1 &&
                                         r.p[1] < FORMAT_VERSION))
    r.rc = PT_ERR(PT_EINVAL, "%s record has format version %u; this build "
                  "reads %u", what, r.p[1], FORMAT_VERSION);
  else
    r.p += 2;
  return r;
}

static void fail(reader *r, const char *why)
{
  if (r->rc == 0)
    r->rc = PT_ERR(PT_EINVAL, "corrupt %s record: %s at byte %zu", r->what,
                   why, (size_t)(r->p - r->base));
}

static int reader_end(reader *r)
{
  if (r->rc == 0 && r->p != r->end)
    fail(r, "trailing bytes");
  return r->rc;
}

static uint64_t get_u64(reader *r)
{
  uint64_t v;
  if (r->rc)
    return 0;
  switch (pt_varint_get(&r->p, r->end, &v)) {
  case PT_VARINT_OK:
    return v;
  case PT_VARINT_TRUNCATED:
    fail(r, "truncated number");
    return 0;
  default:
    fail(r, "number too long");
    return 0;
  }
}

static int64_t get_i64(reader *r)
{
  return pt_unzigzag(get_u64(r));
}

static uint32_t get_u32(reader *r)
{
  uint64_t v = get_u64(r);
  if (v > UINT32_MAX)
    fail(r, "number out of range");
  return (uint32_t)v;
}

/* A value below `count`, for enums and flags. */
static unsigned get_enum(reader *r, unsigned count)
{
  uint64_t v = get_u64(r);
  if (v >= count)
    fail(r, "value out of range");
  return r->rc ? 0 : (unsigned)v;
}

static const char *get_str(reader *r)
{
  uint64_t n = get_u64(r);
  const unsigned char *s = r->p;
  if (r->rc || n == 0)
    return NULL;
  if (n > (uint64_t)(r->end - r->p))
    fail(r, "truncated string");
  else if (s[n - 1] != '\0' || memchr(s, '\0', (size_t)n - 1))
    fail(r, "string not terminated where its length says");
  if (r->rc)
    return NULL;
  r->p += n;
  return (const char *)s;
}

static const void *get_bytes(reader *r, size_t *size)
{
  uint64_t n = get_u64(r);
  const unsigned char *v = r->p;
  *size = 0;
  if (r->rc || n == 0)
    return NULL;
  if (n - 1 > (uint64_t)(r->end - r->p)) {
    fail(r, "truncated bytes");
    return NULL;
  }
  r->p += n - 1;
  *size = (size_t)(n - 1);
  return v;
}

int pt_record_encode_entity(pt_buf *out, const pt_entity *e)
{
  const char *nul = memchr(e->content_hash, '\0', sizeof e->content_hash);
  size_t hash_len = nul ? (size_t)(nul - e->content_hash)
                        : sizeof e->content_hash - 1;
  writer w = writer_begin(out, 'E');
  put_str(&w, e->key);
  put_str(&w, e->name);
  put_str(&w, e->qualname);
  put_str(&w, e->file_path);
  put_str(&w, e->signature);
  e->code ? put_strn(&w, e->code, pt_entity_code_len(e)) : put_str(&w, NULL);
  put_str(&w, e->parent_key);
  put_strn(&w, e->content_hash, hash_len);
  put_u64(&w, (uint64_t)e->lang);
  put_u64(&w, (uint64_t)e->kind);
  put_u64(&w, e->line_start);
  put_u64(&w, e->line_end);
  put_i64(&w, e->birth);
  return writer_end(&w);
}

int pt_record_decode_entity(const void *data, size_t size, pt_entity *out)
{
  reader r = reader_begin(data, size, 'E', "entity");
  pt_entity e;
  memset(&e, 0, sizeof e);
  e.key = get_str(&r);
  e.name = get_str(&r);
  e.qualname = get_str(&r);
  e.file_path = get_str(&r);
  e.signature = get_str(&r);
  e.code = get_str(&r);
  e.parent_key = get_str(&r);
  const char *hash = get_str(&r);
  if (r.rc == 0 && (!hash || strlen(hash) >= sizeof e.content_hash))
    fail(&r, "content hash missing or longer than 64 characters");
  else if (r.rc == 0)
    memcpy(e.content_hash, hash, strlen(hash) + 1);
  e.lang = (pt_lang)get_enum(&r, PT_LANG__COUNT);
  e.kind = (pt_kind)get_enum(&r, PT_KIND__COUNT);
  e.line_start = get_u32(&r);
  e.line_end = get_u32(&r);
  e.birth = get_i64(&r);
  int rc = reader_end(&r);
  if (rc == 0)
    *out = e;
  return rc;
}

int pt_record_encode_edge(pt_buf *out, const pt_edge *e)
{
  writer w = writer_begin(out, 'D');
  put_str(&w, e->from_key);
  put_str(&w, e->to_key);
  put_str(&w, e->file_path);
  put_u64(&w, (uint64_t)e->type);
  put_u64(&w, e->line);
  put_u64(&w, e->resolved ? 1 : 0);
  put_u64(&w, (uint64_t)e->resolution);
  /* candidates: their count (0: none), the keys listed, the keys */
  const pt_candidates *c = e->candidates;
  put_u64(&w, c ? c->n : 0);
  if (c) {
    put_u64(&w, c->n_keys);
    for (uint32_t i = 0; i < c->n_keys; i++)
      put_str(&w, c->keys[i]);
  }
  return writer_end(&w);
}

int pt_record_decode_edge_candidates(const void *data, size_t size,
                                     pt_edge *out, pt_record_candidates *cand)
{
  reader r = reader_begin(data, size, 'D', "edge");
  pt_edge e;
  pt_record_candidates c;
  memset(&e, 0, sizeof e);
  e.from_key = get_str(&r);
  e.to_key = get_str(&r);
  e.file_path = get_str(&r);
  e.type = (pt_edge_type)get_enum(&r, PT_EDGE__COUNT);
  e.line = get_u32(&r);
  e.resolved = (int)get_enum(&r, 2);
  e.resolution = (pt_resolution)get_enum(&r, PT_RES__COUNT);
  c.n = get_u32(&r);
  c.n_keys = 0;
  if (c.n) {
    c.n_keys = get_u32(&r);
    if (c.n_keys < 1 || c.n_keys > PT_CANDIDATES_MAX || c.n_keys > c.n)
      fail(&r, "candidate count out of range");
    for (uint32_t i = 0; r.rc == 0 && i < c.n_keys; i++)
      if (!(c.keys[i] = get_str(&r)))
        fail(&r, "NULL candidate key");
  }
  int rc = reader_end(&r);
  if (rc == 0) {
    *out = e;
    *cand = c;
  }
  return rc;
}

int pt_record_decode_edge(const void *data, size_t size, pt_edge *out)
{
  pt_record_candidates c;
  return pt_record_decode_edge_candidates(data, size, out, &c);
}

int pt_record_encode_file(pt_buf *out, const pt_file_record *f)
{
  writer w = writer_begin(out, 'F');
  put_str(&w, f->path);
  put_str(&w, f->content_hash);
  put_u64(&w, (uint64_t)f->lang);
  put_u64(&w, f->size);
  put_u64(&w, f->n_entities);
  put_u64(&w, f->n_tests);
  put_u64(&w, f->n_parse_errors);
  put_u64(&w, f->source_words);
  put_u64(&w, f->entity_words);
  put_u64(&w, f->import_words);
  put_u64(&w, f->comment_words);
  put_i64(&w, f->mtime_ns);
  put_bytes(&w, f->reuse, f->reuse_size);
  return writer_end(&w);
}

int pt_record_decode_file(const void *data, size_t size, pt_file_record *out)
{
  reader r = reader_begin(data, size, 'F', "file");
  pt_file_record f;
  f.path = get_str(&r);
  f.content_hash = get_str(&r);
  f.lang = (pt_lang)get_enum(&r, PT_LANG__COUNT);
  f.size = get_u64(&r);
  f.n_entities = get_u32(&r);
  f.n_tests = get_u32(&r);
  f.n_parse_errors = get_u32(&r);
  f.source_words = get_u64(&r);
  f.entity_words = get_u64(&r);
  f.import_words = get_u64(&r);
  f.comment_words = get_u64(&r);
  f.mtime_ns = get_i64(&r);
  f.reuse = get_bytes(&r, &f.reuse_size);
  int rc = reader_end(&r);
  if (rc == 0)
    *out = f;
  return rc;
}

int pt_record_encode_test(pt_buf *out, const pt_test_entity *t)
{
  writer w = writer_begin(out, 'T');
  put_str(&w, t->key);
  put_str(&w, t->name);
  put_str(&w, t->file_path);
  put_str(&w, t->reason);
  put_u64(&w, (uint64_t)t->lang);
  put_u64(&w, (uint64_t)t->kind);
  put_u64(&w, t->line_start);
  put_u64(&w, t->line_end);
  return writer_end(&w);
}

int pt_record_decode_test(const void *data, size_t size, pt_test_entity *out)
{
  reader r = reader_begin(data, size, 'T', "test");
  pt_test_entity t;
  t.key = get_str(&r);
  t.name = get_str(&r);
  t.file_path = get_str(&r);
  t.reason = get_str(&r);
  t.lang = (pt_lang)get_enum(&r, PT_LANG__COUNT);
  t.kind = (pt_kind)get_enum(&r, PT_KIND__COUNT);
  t.line_start = get_u32(&r);
  t.line_end = get_u32(&r);
  int rc = reader_end(&r);
  if (rc == 0)
    *out = t;
  return rc;
}

int pt_record_encode_ignored(pt_buf *out, const pt_ignored_file *f)
{
  writer w = writer_begin(out, 'I');
  put_str(&w, f->path);
  put_str(&w, f->reason);
  return writer_end(&w);
}

int pt_record_decode_ignored(const void *data, size_t size,
                             pt_ignored_file *out)
{
  reader r = reader_begin(data, size, 'I', "ignored");
  pt_ignored_file f;
  f.path = get_str(&r);
  f.reason = get_str(&r);
  int rc = reader_end(&r);
  if (rc == 0)
    *out = f;
  return rc;
}

int pt_record_encode_meta(pt_buf *out, const char *name, const char *value)
{
  writer w = writer_begin(out, 'M');
  put_str(&w, name);
  put_str(&w, value);
  return writer_end(&w);
}

int pt_record_decode_meta(const void *data, size_t size, const char **name,
                          const char **value)
{
  reader r = reader_begin(data, size, 'M', "meta");
  const char *n = get_str(&r);
  const char *v = get_str(&r);
  int rc = reader_end(&r);
  if (rc == 0) {
    *name = n;
    *value = v;
  }
  return rc;
}
