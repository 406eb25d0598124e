/* Format 9's code records read ahead on a thread of their own
 * (store_rocksdb_int.h, "code reader"): a load with code meets the entities
 * on the main thread and takes each one's code from here, so the code
 * records' steps and decompression are not on the main thread. The thread
 * copies records into a few batches that the main thread takes in turn;
 * when it cannot start, the main thread fills the batches itself. */
#include <rocksdb/c.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/thread.h"
#include "store_rocksdb_int.h"

#define SLOTS 3                 /* batches in flight */
#define BATCH_RECORDS 2048      /* a batch ends at this many records */
#define BATCH_BYTES (256 << 10) /* or at this many bytes */

/* One code record in a batch: its key (after the prefix) and code at
 * offsets of the batch's bytes; bad: its value did not decode (the
 * reader's error), the last of the stream. */
typedef struct code_rec {
  size_t key_at, klen;
  size_t code_at, len;
  pt__rocksdb_code_range in; /* format 10: a range of another's code */
  unsigned char has_code, bad;
} code_rec;

typedef struct code_batch {
  pt_buf bytes;
  code_rec *v; /* owned */
  size_t n, cap;
} code_batch;

struct pt__rocksdb_code_reader {
  rocksdb_iterator_t *it; /* owned; the producer's */
  char lo[PT__ROCKSDB_GEN_PREFIX_SIZE + 1];
  const char *path; /* borrowed: for messages */
  pt_thread *t;     /* NULL: the consumer fills the batches */
  pt_mutex *m;
  pt_cond *cv;
  code_batch b[SLOTS];
  /* under m: batches filled, batches the consumer is done with, whether
   * the producer is done (no batch after `made`) or told to stop */
  size_t made, used;
  int done, stop;
  int rc;       /* the producer's failure, after its last record */
  pt_error err; /* its error */
  /* the consumer's: the batch it reads (have) and where */
  int have;
  size_t at;
};

static int fail(pt__rocksdb_code_reader *r, int rc)
{
  r->rc = rc;
  r->err = *pt_error_last();
  pt_error_clear();
  return 1;
}

static int put_rec(code_batch *b, const char *key, size_t klen,
                   const char *code, size_t len,
                   const pt__rocksdb_code_range *in, int bad)
{
  if (pt_array_grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v) != 0)
    return PT_ENOMEM;
  code_rec *c = &b->v[b->n];
  c->key_at = b->bytes.len;
  c->klen = klen;
  c->code_at = b->bytes.len + klen;
  c->len = len;
  c->in = *in;
  c->has_code = code != NULL;
  c->bad = (unsigned char)bad;
  if (pt_buf_put(&b->bytes, key, klen) != 0 ||
      (code && pt_buf_put(&b->bytes, code, len) != 0))
    return PT_ENOMEM;
  b->n++;
  return 0;
}

/* Fills b with the next records; 1 when the stream ended in it (r->rc
 * then says how), else 0. */
static int fill(pt__rocksdb_code_reader *r, code_batch *b)
{
  b->n = 0;
  pt_buf_clear(&b->bytes);
  while (b->n < BATCH_RECORDS && b->bytes.len < BATCH_BYTES) {
    size_t klen = 0, vlen = 0, len = 0;
    const char *key = rocksdb_iter_valid(r->it)
                          ? rocksdb_iter_key(r->it, &klen)
                          : NULL;
    if (!key || klen <= sizeof r->lo ||
        memcmp(key, r->lo, sizeof r->lo) != 0) {
      char *err = NULL;
      rocksdb_iter_get_error(r->it, &err);
      if (err)
        return fail(r, pt__rocksdb_error(err, r->path, "cannot read"));
      return 1;
    }
    const char *val = rocksdb_iter_value(r->it, &vlen), *code = NULL;
    pt__rocksdb_code_range in;
    int rc = pt__rocksdb_decode_code(val, vlen, &code, &len, &in);
    if (rc != 0) { /* the record stays, marked, for its key */
      fail(r, rc);
      if (put_rec(b, key + sizeof r->lo, klen - sizeof r->lo, NULL, 0, &in,
                  1))
        fail(r, PT_ERR(PT_ENOMEM, "out of memory reading entity code"));
      return 1;
    }
    if (put_rec(b, key + sizeof r->lo, klen - sizeof r->lo, code, len, &in,
                0))
      return fail(r, PT_ERR(PT_ENOMEM, "out of memory reading entity code"));
    rocksdb_iter_next(r->it);
  }
  return 0;
}

static void produce(void *payload)
{
  pt__rocksdb_code_reader *r = payload;
  for (int end = 0; !end;) {
    pt_mutex_lock(r->m);
    while (r->made - r->used == SLOTS && !r->stop)
      pt_cond_wait(r->cv, r->m);
    int stop = r->stop;
    pt_mutex_unlock(r->m);
    if (stop)
      break;
    code_batch *b = &r->b[r->made % SLOTS]; /* the consumer's is another */
    end = fill(r, b);
    pt_mutex_lock(r->m);
    if (b->n)
      r->made++;
    r->done = end;
    pt_cond_broadcast(r->cv);
    pt_mutex_unlock(r->m);
  }
}

int pt__rocksdb_code_start(rocksdb_t *db, const rocksdb_readoptions_t *ro,
                           const char *lo, const char *path,
                           pt__rocksdb_code_reader **out)
{
  pt__rocksdb_code_reader *r = pt_calloc(1, sizeof *r);
  *out = NULL;
  if (!r)
    return PT_ERR(PT_ENOMEM, "out of memory reading entity code");
  memcpy(r->lo, lo, sizeof r->lo);
  r->path = path;
  r->it = rocksdb_create_iterator(db, ro);
  rocksdb_iter_seek(r->it, r->lo, sizeof r->lo);
  if (pt_mutex_new(&r->m) != 0 || pt_cond_new(&r->cv) != 0 ||
      pt_thread_start(produce, r, &r->t) != 0)
    r->t = NULL; /* the consumer fills them */
  pt_error_clear();
  *out = r;
  return 0;
}

/* The consumer done with its batch: the producer may fill it again. */
static void release(pt__rocksdb_code_reader *r)
{
  if (!r->have)
    return;
  r->have = 0;
  if (!r->t) {
    r->used++;
    return;
  }
  pt_mutex_lock(r->m);
  r->used++;
  pt_cond_broadcast(r->cv);
  pt_mutex_unlock(r->m);
}

/* The next batch, or none (have 0) when the stream ended. */
static void take(pt__rocksdb_code_reader *r)
{
  r->at = 0;
  if (!r->t) {
    if (!r->done) {
      code_batch *b = &r->b[r->made % SLOTS];
      r->done = fill(r, b);
      if (b->n)
        r->made++;
    }
    r->have = r->made > r->used;
    return;
  }
  pt_mutex_lock(r->m);
  while (r->made == r->used && !r->done)
    pt_cond_wait(r->cv, r->m);
  r->have = r->made > r->used;
  pt_mutex_unlock(r->m);
}

int pt__rocksdb_code_error(const pt__rocksdb_code_reader *r)
{
  pt__error_set(r->err.code, r->err.file, r->err.line, "%s", r->err.message);
  return r->rc;
}

int pt__rocksdb_code_next(pt__rocksdb_code_reader *r, const char **key,
                          size_t *klen, const char **code, size_t *len,
                          pt__rocksdb_code_range *in, int *bad)
{
  if (r->have && r->at == r->b[r->used % SLOTS].n)
    release(r);
  if (!r->have)
    take(r);
  if (!r->have) {
    *key = NULL;
    return r->rc ? pt__rocksdb_code_error(r) : 0;
  }
  const code_batch *b = &r->b[r->used % SLOTS];
  const code_rec *c = &b->v[r->at++];
  *key = b->bytes.ptr + c->key_at;
  *klen = c->klen;
  *code = c->has_code ? b->bytes.ptr + c->code_at : NULL;
  *len = c->len;
  *in = c->in;
  *bad = c->bad;
  return 0;
}

void pt__rocksdb_code_stop(pt__rocksdb_code_reader *r)
{
  if (!r)
    return;
  if (r->t) {
    pt_mutex_lock(r->m);
    r->stop = 1;
    pt_cond_broadcast(r->cv);
    pt_mutex_unlock(r->m);
    pt_thread_join(r->t);
  }
  pt_cond_free(r->cv);
  pt_mutex_free(r->m);
  rocksdb_iter_destroy(r->it);
  for (size_t i = 0; i < SLOTS; i++) {
    pt_buf_fini(&r->b[i].bytes);
    pt_free(r->b[i].v);
  }
  pt_free(r);
}
