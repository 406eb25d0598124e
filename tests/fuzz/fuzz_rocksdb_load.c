/* libFuzzer: the RocksDB store's loader on hostile contents. A real index
 * of the C fixtures is saved once (LLVMFuzzerInitialize) and held open by
 * the harness; each input is a program of edits written through RocksDB's
 * own API (values changed, cut, swapped between keys and record types,
 * keys deleted or added, the schema version and the current generation
 * rewritten), so RocksDB finds the database whole and only our decoder and
 * the graph's checks stand between the bytes and the graph. The store is
 * then opened read-only and loaded as `dump` loads it (whole, or its files
 * only as the live index's first pass does), and the edits are undone.
 * Oracle: an error with a message, or a finished graph that dumps; never a
 * crash, a leak or a hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rocksdb/c.h>

#include "fuzz_support.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"

/* At most this many edits per input, so an input's cost stays bounded. */
#define MAX_EDITS 64

typedef struct kv {
  char *key, *val; /* owned (malloc) */
  size_t klen, vlen;
} kv;

static char dir[128];
static rocksdb_t *db;
static rocksdb_writeoptions_t *wo;
static rocksdb_readoptions_t *ro;
static kv *keys; /* the saved database, in key order */
static size_t n_keys;
static kv touched[MAX_EDITS]; /* keys this input wrote, to undo */
static size_t n_touched;

static void die(const char *what, const char *why)
{
  fprintf(stderr, "fuzz_rocksdb_load: %s: %s\n", what, why);
  abort();
}

/* The harness's handle stays open to the end: at exit RocksDB's own
 * static objects may already be gone, so closing it there crashes. */
static void remove_dir(void) { pt_fs_remove_tree(dir); }

static void save_fixtures(void)
{
  char spec[160];
  pt_store *st = NULL;
  snprintf(spec, sizeof spec, "rocksdb:%s", dir);
  if (pt_store_open_mode(spec, PT_STORE_REPLACE, &st) != 0 ||
      pt_store_save(st, pt_fuzz_graph()) != 0)
    die("save", pt_error_last()->message);
  pt_store_close(st);
}

static char *copy(const char *p, size_t n)
{
  char *c = malloc(n ? n : 1);
  if (!c)
    abort();
  memcpy(c, p, n);
  return c;
}

static void read_keys(void)
{
  rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
  size_t cap = 0;
  for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    if (n_keys == cap && !(keys = realloc(keys, (cap = cap * 2 + 64) *
                                                    sizeof *keys)))
      abort();
    kv *e = &keys[n_keys++];
    const char *k = rocksdb_iter_key(it, &e->klen);
    const char *v = rocksdb_iter_value(it, &e->vlen);
    e->key = copy(k, e->klen);
    e->val = copy(v, e->vlen);
  }
  rocksdb_iter_destroy(it);
  if (n_keys < 8)
    die("read", "too few keys saved");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  char *err = NULL;
  snprintf(dir, sizeof dir, "/tmp/pt-fuzz-rocksdb-%lu", pt_process_id());
  pt_fs_remove_tree(dir);
  atexit(remove_dir);
  save_fixtures();
  rocksdb_options_t *o = rocksdb_options_create();
  rocksdb_options_set_keep_log_file_num(o, 2);
  db = rocksdb_open(o, dir, &err);
  rocksdb_options_destroy(o);
  if (err)
    die("open", err);
  wo = rocksdb_writeoptions_create();
  ro = rocksdb_readoptions_create();
  read_keys();
  return 0;
}

/* ---- the edits ----------------------------------------------------------- */

typedef struct input {
  const uint8_t *d;
  size_t n, i;
} input;

static unsigned byte(input *in) { return in->i < in->n ? in->d[in->i++] : 0; }

/* Up to `max` bytes of the input, its length first. */
static const char *bytes(input *in, size_t max, size_t *len)
{
  size_t want = byte(in);
  if (want > max)
    want = max;
  if (want > in->n - in->i)
    want = in->n - in->i;
  *len = want;
  in->i += want;
  return (const char *)in->d + in->i - want;
}

static const kv *pick(input *in)
{
  unsigned x = byte(in) | byte(in) << 8;
  return &keys[x % n_keys];
}

/* Remembers a key before its first change, so undo() can restore it. */
static void touch(const char *key, size_t klen)
{
  for (size_t t = 0; t < n_touched; t++)
    if (touched[t].klen == klen && memcmp(touched[t].key, key, klen) == 0)
      return;
  char *err = NULL;
  kv *e = &touched[n_touched++];
  e->key = copy(key, klen);
  e->klen = klen;
  e->val = rocksdb_get(db, ro, key, klen, &e->vlen, &err);
  if (err)
    die("get", err);
}

static void put(const char *key, size_t klen, const char *val, size_t vlen)
{
  char *err = NULL;
  touch(key, klen);
  rocksdb_put(db, wo, key, klen, val, vlen, &err);
  if (err)
    die("put", err);
}

static void del(const char *key, size_t klen)
{
  char *err = NULL;
  touch(key, klen);
  rocksdb_delete(db, wo, key, klen, &err);
  if (err)
    die("delete", err);
}

/* A saved value with bytes of the input written over it, cut or grown. */
static void patched(input *in, const kv *from, const char *key, size_t klen)
{
  char val[1024];
  size_t vlen = from->vlen < sizeof val ? from->vlen : sizeof val, plen;
  memcpy(val, from->val, vlen);
  unsigned how = byte(in);
  if (how & 1) /* cut */
    vlen = vlen ? byte(in) % (vlen + 1) : 0;
  size_t at = vlen ? byte(in) % vlen : 0;
  const char *p = bytes(in, sizeof val - at, &plen);
  memcpy(val + at, p, plen);
  if (at + plen > vlen)
    vlen = at + plen;
  if ((how & 2) && vlen < sizeof val) /* a byte more */
    val[vlen++] = (char)byte(in);
  put(key, klen, val, vlen);
}

/* The key of `from` with its tail from the input: a record letter, a
 * generation or a record key of our choosing. */
static void new_key(input *in, const kv *from)
{
  char key[512], vlen_buf[256];
  size_t keep = from->klen ? byte(in) % (from->klen + 1) : 0, tlen, vlen;
  if (keep > 256)
    keep = 256;
  memcpy(key, from->key, keep);
  const char *t = bytes(in, 255, &tlen);
  memcpy(key + keep, t, tlen);
  const char *v = bytes(in, sizeof vlen_buf, &vlen);
  memcpy(vlen_buf, v, vlen);
  put(key, keep + tlen, vlen_buf, vlen);
}

/* Op codes, the first byte of each edit (modulo 7). */
static void edit(input *in)
{
  static const char current[] = "m\0generation";
  static const char version[] = "m\0schema_version";
  const kv *a = pick(in), *b;
  char val[256];
  size_t len;
  const char *p;
  switch (byte(in) % 7) {
  case 0: /* a value patched, cut or grown */
    patched(in, a, a->key, a->klen);
    break;
  case 1: /* a record deleted */
    del(a->key, a->klen);
    break;
  case 2: /* one key's value under another key: wrong type, wrong record */
    b = pick(in);
    patched(in, b, a->key, a->klen);
    break;
  case 3: /* a key added */
    new_key(in, a);
    break;
  case 4: /* the current generation: any bytes, or a nearby number */
    p = bytes(in, sizeof val, &len);
    memcpy(val, p, len);
    if (len == 1 && a->klen >= 9 && a->key[0] == 'g') {
      memcpy(val, a->key + 1, 8);
      val[7] = (char)(val[7] + (signed char)p[0]);
      len = 8;
    }
    put(current, sizeof current - 1, val, len);
    break;
  case 5: /* the schema version: a patched record */
    for (b = keys; b < keys + n_keys; b++)
      if (b->klen == sizeof version - 1 &&
          memcmp(b->key, version, b->klen) == 0)
        break;
    if (b < keys + n_keys)
      patched(in, b, version, sizeof version - 1);
    else
      del(version, sizeof version - 1);
    break;
  default: /* a range of records gone: a cut short save */
    b = pick(in);
    if (memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen) > 0)
      a = b;
    for (size_t k = (size_t)(a - keys), n = byte(in) % 16 + 1;
         n-- > 0 && k < n_keys && n_touched < MAX_EDITS; k++)
      del(keys[k].key, keys[k].klen);
    break;
  }
}

static void undo(void)
{
  char *err = NULL;
  for (size_t t = 0; t < n_touched; t++) {
    kv *e = &touched[t];
    if (e->val)
      rocksdb_put(db, wo, e->key, e->klen, e->val, e->vlen, &err);
    else
      rocksdb_delete(db, wo, e->key, e->klen, &err);
    if (err)
      die("undo", err);
    free(e->key);
    rocksdb_free(e->val);
  }
  n_touched = 0;
}

/* ---- the load ------------------------------------------------------------ */

static void load(int files_only)
{
  char spec[160];
  snprintf(spec, sizeof spec, "rocksdb:%s", dir);
  pt_store *st = NULL;
  pt_graph *g = NULL;
  int rc = pt_store_open_mode(spec, PT_STORE_READ, &st);
  if (rc == 0)
    rc = pt_graph_new(&g);
  if (rc == 0)
    rc = files_only ? pt_store_load_files(st, g) : pt_store_load(st, g);
  if (rc != 0 && pt_error_last()->message[0] == '\0')
    die("load", "an error without a message");
  if (rc == 0) {
    pt_buf out = PT_BUF_INIT;
    if (pt_graph_dump(g, &out) != 0)
      die("dump", pt_error_last()->message);
    pt_buf_fini(&out);
  }
  pt_error_clear();
  pt_graph_free(g);
  pt_store_close(st);
}

/* The input: a flags byte (bit 0: load the files only), then edits until
 * the bytes or MAX_EDITS run out. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static unsigned long n_runs;
  input in = {data, size, 0};
  unsigned flags = byte(&in);
  while (in.i < in.n && n_touched + 16 < MAX_EDITS)
    edit(&in);
  load(flags & 1);
  undo();
  /* The read-only open replays the write-ahead log into a memtable every
   * time, and its close frees that: a flush every few runs keeps both
   * short (every 256 runs let an hour's run slow to a timeout in
   * RocksDB's close). */
  if (++n_runs % 8 == 0) {
    char *err = NULL;
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flushoptions_set_wait(fo, 1);
    rocksdb_flush(db, fo, &err);
    rocksdb_flushoptions_destroy(fo);
    if (err)
      die("flush", err);
  }
  return 0;
}
