/* The "rocksdb" backend of pt/store.h (POSIX builds): one key per record,
 * a one-letter prefix per record type, values in the encoding of
 * pt/record_codec.h. The key orders and identifies a record; the value
 * holds the whole record, so loading never parses keys. Layout:
 *   e\0<key>                  entity
 *   d\0<from>\0<to>\0<Type>   edge
 *   f\0<path>                 file record
 *   t\0<path>\0<be64 ordinal> excluded test (tests have no unique field)
 *   i\0<path>                 ignored file
 *   m\0<name>                 meta, including our schema_version */
#include <rocksdb/c.h>
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/record_codec.h"
#include "pt/store.h"
#include "pt/sys/fs.h"

#define VERSION_NAME "schema_version"
#define VERSION_VALUE "1"
#define VERSION_KEY "m\0" VERSION_NAME

typedef struct rocksdb_store {
  pt_store base;                 /* first: the pt_store the caller holds */
  char *path;                    /* owned */
  rocksdb_t *db;                 /* owned, open from open to close */
  rocksdb_options_t *opts;       /* owned */
  rocksdb_writeoptions_t *wopts; /* owned: sync writes */
  rocksdb_readoptions_t *ropts;  /* owned */
} rocksdb_store;

/* Records a RocksDB error string (and frees it). Failing to take the
 * LOCK file (named in the message) means another process, or another
 * store in this one, has the database open. */
static int rocks_error(char *err, const char *path, const char *what)
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

static int put_entity(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const pt_entity *e = &pt_graph_entities(g)[i];
  int rc = key_part(k, e->key);
  return rc ? rc : pt_record_encode_entity(v, e);
}

static int put_edge(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const pt_edge *e = &pt_graph_edges(g)[i];
  int rc = key_part(k, e->from_key);
  if (rc == 0) rc = key_part(k, e->to_key);
  if (rc == 0) rc = key_part(k, pt_edge_type_name(e->type));
  return rc ? rc : pt_record_encode_edge(v, e);
}

static int put_file(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const pt_file_record *f = &pt_graph_files(g)[i];
  int rc = key_part(k, f->path);
  return rc ? rc : pt_record_encode_file(v, f);
}

/* The ordinal (the test's place in canonical order, big-endian so keys
 * sort by it) makes each key unique. */
static int put_test(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const pt_test_entity *t = &pt_graph_tests(g)[i];
  unsigned char ord[8];
  for (int b = 0; b < 8; b++)
    ord[b] = (unsigned char)((uint64_t)i >> (56 - 8 * b));
  int rc = key_part(k, t->file_path);
  if (rc == 0) rc = pt_buf_putc(k, '\0');
  if (rc == 0) rc = pt_buf_put(k, ord, sizeof ord);
  return rc ? rc : pt_record_encode_test(v, t);
}

static int put_ignored(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const pt_ignored_file *f = &pt_graph_ignored(g)[i];
  int rc = key_part(k, f->path);
  return rc ? rc : pt_record_encode_ignored(v, f);
}

static int put_meta(const pt_graph *g, size_t i, pt_buf *k, pt_buf *v)
{
  const char *name, *value;
  pt_graph_meta_at(g, i, &name, &value);
  int rc = key_part(k, name);
  return rc ? rc : pt_record_encode_meta(v, name, value);
}

static int load_entity(pt_graph *g, const char *val, size_t len)
{
  pt_entity e;
  int rc = pt_record_decode_entity(val, len, &e);
  return rc ? rc : pt_graph_add_entity(g, &e);
}

static int load_edge(pt_graph *g, const char *val, size_t len)
{
  pt_edge e;
  int rc = pt_record_decode_edge(val, len, &e);
  return rc ? rc : pt_graph_add_edge(g, &e);
}

static int load_file(pt_graph *g, const char *val, size_t len)
{
  pt_file_record f;
  int rc = pt_record_decode_file(val, len, &f);
  return rc ? rc : pt_graph_add_file(g, &f);
}

static int load_test(pt_graph *g, const char *val, size_t len)
{
  pt_test_entity t;
  int rc = pt_record_decode_test(val, len, &t);
  return rc ? rc : pt_graph_add_test(g, &t);
}

static int load_ignored(pt_graph *g, const char *val, size_t len)
{
  pt_ignored_file f;
  int rc = pt_record_decode_ignored(val, len, &f);
  return rc ? rc : pt_graph_add_ignored(g, &f);
}

/* Our own version record is checked before loading, not graph data. */
static int load_meta(pt_graph *g, const char *val, size_t len)
{
  const char *name, *value;
  int rc = pt_record_decode_meta(val, len, &name, &value);
  if (rc == 0 && name && strcmp(name, VERSION_NAME) != 0)
    rc = pt_graph_set_meta(g, name, value);
  return rc;
}

/* Save walks this table in order; load picks the row by a key's prefix. */
typedef struct record_type {
  char prefix;
  size_t (*count)(const pt_graph *g);
  int (*put)(const pt_graph *g, size_t i, pt_buf *key, pt_buf *val);
  int (*load)(pt_graph *g, const char *val, size_t len);
} record_type;

static const record_type record_types[] = {
    {'e', pt_graph_n_entities, put_entity, load_entity},
    {'d', pt_graph_n_edges, put_edge, load_edge},
    {'f', pt_graph_n_files, put_file, load_file},
    {'t', pt_graph_n_tests, put_test, load_test},
    {'i', pt_graph_n_ignored, put_ignored, load_ignored},
    {'m', pt_graph_n_meta, put_meta, load_meta},
};

#define N_RECORD_TYPES (sizeof record_types / sizeof record_types[0])

static int batch_records(rocksdb_writebatch_t *b, const record_type *rt,
                         const pt_graph *g, pt_buf *k, pt_buf *v)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < rt->count(g); i++) {
    pt_buf_clear(k);
    pt_buf_clear(v);
    rc = pt_buf_putc(k, rt->prefix);
    if (rc == 0)
      rc = rt->put(g, i, k, v);
    if (rc == 0)
      rocksdb_writebatch_put(b, k->ptr, k->len, v->ptr, v->len);
  }
  return rc;
}

/* One WriteBatch first deletes every key (all of ours sort below "\xff")
 * and then puts the whole graph, written with sync: RocksDB applies a
 * batch atomically, so a reader or a crash sees the old contents or the
 * new. The batch holds the whole encoded graph in memory (about the size
 * of its strings) until written; splitting it would give up atomicity. */
static int rocks_save(pt_store *self, const pt_graph *from)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  pt_buf k = PT_BUF_INIT, v = PT_BUF_INIT;
  int rc = 0;
  rocksdb_writebatch_delete_range(b, "", 0, "\xff", 1);
  for (size_t t = 0; rc == 0 && t < N_RECORD_TYPES; t++)
    rc = batch_records(b, &record_types[t], from, &k, &v);
  pt_buf_clear(&v);
  if (rc == 0)
    rc = pt_record_encode_meta(&v, VERSION_NAME, VERSION_VALUE);
  if (rc == 0) {
    char *err = NULL;
    rocksdb_writebatch_put(b, VERSION_KEY, sizeof VERSION_KEY - 1, v.ptr,
                           v.len);
    rocksdb_write(rs->db, rs->wopts, b, &err);
    if (err)
      rc = rocks_error(err, rs->path, "cannot write");
  }
  pt_buf_fini(&v);
  pt_buf_fini(&k);
  rocksdb_writebatch_destroy(b);
  return rc;
}

static int load_record(pt_graph *g, const char *key, size_t klen,
                       const char *val, size_t vlen, const char *path)
{
  const record_type *rt = NULL;
  for (size_t t = 0; klen >= 2 && key[1] == '\0' && t < N_RECORD_TYPES; t++)
    if (record_types[t].prefix == key[0])
      rt = &record_types[t];
  if (!rt)
    return PT_ERR(PT_EINVAL, "rocksdb %s: not a parseltongue database "
                  "(unknown key prefix 0x%02x)", path, (unsigned char)key[0]);
  int rc = rt->load(g, val, vlen);
  return rc == PT_EINVAL ? in_db(rc, path) : rc;
}

static int is_empty(rocksdb_store *rs, int *out)
{
  rocksdb_iterator_t *it = rocksdb_create_iterator(rs->db, rs->ropts);
  char *err = NULL;
  rocksdb_iter_seek_to_first(it);
  *out = !rocksdb_iter_valid(it);
  rocksdb_iter_get_error(it, &err);
  rocksdb_iter_destroy(it);
  return err ? rocks_error(err, rs->path, "cannot read") : 0;
}

/* Without a version record the database is either new or not ours. */
static int missing_version(rocksdb_store *rs)
{
  int empty = 0;
  int rc = is_empty(rs, &empty);
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
static int check_version(rocksdb_store *rs)
{
  char *err = NULL;
  size_t len = 0;
  char *val = rocksdb_get(rs->db, rs->ropts, VERSION_KEY,
                          sizeof VERSION_KEY - 1, &len, &err);
  const char *name = NULL, *value = NULL;
  int rc = 0;
  if (err)
    rc = rocks_error(err, rs->path, "cannot read");
  else if (!val)
    rc = missing_version(rs);
  else if (pt_record_decode_meta(val, len, &name, &value) != 0)
    rc = in_db(PT_EINVAL, rs->path);
  else if (!value || strcmp(value, VERSION_VALUE) != 0)
    rc = PT_ERR(PT_EINVAL, "rocksdb %s: schema version %s; this build reads "
                VERSION_VALUE, rs->path, value ? value : "(null)");
  rocksdb_free(val);
  return rc;
}

static int rocks_load(pt_store *self, pt_graph *into)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  int rc = check_version(rs);
  rocksdb_iterator_t *it = NULL;
  if (rc == 0) {
    it = rocksdb_create_iterator(rs->db, rs->ropts);
    rocksdb_iter_seek_to_first(it);
  }
  while (rc == 0 && rocksdb_iter_valid(it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(it, &klen);
    const char *val = rocksdb_iter_value(it, &vlen);
    rc = load_record(into, key, klen, val, vlen, rs->path);
    rocksdb_iter_next(it);
  }
  if (it) {
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    if (err && rc == 0)
      rc = rocks_error(err, rs->path, "cannot read");
    else
      rocksdb_free(err);
    rocksdb_iter_destroy(it);
  }
  if (rc == 0)
    rc = pt_graph_finish(into);
  return rc;
}

static void rocks_close(pt_store *self)
{
  rocksdb_store *rs = (rocksdb_store *)self;
  if (rs->db)
    rocksdb_close(rs->db);
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
                                         rocks_close};

/* Every open starts a new LOG file and keeps the old ones; a few are
 * enough to debug the last runs. */
static int open_db(rocksdb_store *rs)
{
  char *err = NULL;
  int rc = pt_fs_mkdir_p(rs->path);
  if (rc == 0) {
    rs->opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(rs->opts, 1);
    rocksdb_options_set_keep_log_file_num(rs->opts, 3);
    rs->db = rocksdb_open(rs->opts, rs->path, &err);
    if (err)
      rc = rocks_error(err, rs->path, "cannot open");
  }
  if (rc == 0) {
    rs->wopts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(rs->wopts, 1);
    rs->ropts = rocksdb_readoptions_create();
  }
  return rc;
}

int pt_store_rocksdb_open(const char *path, pt_store **out)
{
  if (!path || !*path || !out)
    return PT_ERR(PT_EINVAL, "rocksdb store: NULL argument or empty path");
  rocksdb_store *rs = pt_calloc(1, sizeof *rs);
  if (!rs)
    return PT_ERR(PT_ENOMEM, "out of memory opening rocksdb store %s", path);
  rs->base.ops = &rocksdb_ops;
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
