/* The records of a RocksDB save as sorted table files (store_rocksdb_int.h,
 * pt__rocksdb_write_tables): a finished graph holds each record type in
 * key order, so parts of each type's range are encoded and written by
 * worker threads, one table file a part, and ingested in one step into the
 * bottom level. No record goes through a memtable, and the database is left
 * with nothing to compact (docs/storage.md, "RocksDB"). */
#include <rocksdb/c.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "store_rocksdb_int.h"

/* The table files a save writes into the database folder before RocksDB
 * takes them in (moved: hard links). A save killed before that leaves
 * them; the next one removes them. */
#define PART_PREFIX "parseltongue-save.tmp-"

/* A type of fewer records is one part: a table file has fixed costs. */
#define MIN_PART_RECORDS 4096

#define MAX_THREADS 8

typedef struct pt__rocksdb_part {
  const pt__rocksdb_type *type; /* borrowed */
  size_t lo, hi;                /* the type's records [lo, hi) */
  char *path;                   /* owned */
  int rc;                       /* the worker's result */
  pt_error err;                 /* and its error, when rc != 0 */
} part;

typedef struct job {
  const void *g;                 /* borrowed: the records' source */
  pt__rocksdb_ids *ids;          /* borrowed: only read from here on */
  const rocksdb_options_t *opts; /* borrowed */
  const char *gen;               /* borrowed: the generation's key prefix */
  part *parts;                   /* owned */
  size_t n_parts;
  pt_mutex *lock;                /* owned: guards next and has_failed */
  size_t next;                   /* the next part a worker takes */
  int has_failed;
} job;

static int rocks_fail(char *err, const char *path, const char *what)
{
  int rc = PT_ERR(PT_EIO, "rocksdb %s: %s: %s", path, what, err);
  rocksdb_free(err);
  return rc;
}

/* The full key of record i (generation prefix, type letter, record key)
 * in k, its value in v. */
static int record_kv(const char *gen, const pt__rocksdb_type *t,
                     const void *g, pt__rocksdb_ids *ids, size_t i,
                     pt_buf *k, pt_buf *v)
{
  pt_buf_clear(k);
  pt_buf_clear(v);
  int rc = pt_buf_put(k, gen, PT__ROCKSDB_GEN_PREFIX_SIZE);
  if (rc == 0)
    rc = pt_buf_putc(k, t->prefix);
  return rc ? rc : t->put(g, ids, i, k, v);
}

static int add(rocksdb_sstfilewriter_t *w, const pt_buf *k, const pt_buf *v,
               const char *path)
{
  char *err = NULL;
  rocksdb_sstfilewriter_put(w, k->ptr, k->len, v->ptr, v->len, &err);
  return err ? rocks_fail(err, path, "cannot write a table file") : 0;
}

/* Puts the records of p: pt_store_save has checked that no two records
 * of a type share a key, and a finished graph holds them in key order. */
static int put_records(const job *j, const part *p,
                       rocksdb_sstfilewriter_t *w)
{
  pt_buf k = PT_BUF_INIT, v = PT_BUF_INIT;
  int rc = 0;
  for (size_t i = p->lo; rc == 0 && i < p->hi; i++) {
    rc = record_kv(j->gen, p->type, j->g, j->ids, i, &k, &v);
    if (rc == 0)
      rc = add(w, &k, &v, p->path);
  }
  pt_buf_fini(&v);
  pt_buf_fini(&k);
  return rc;
}

/* Writes part p as one table file, synced. */
static int write_part(const job *j, const part *p)
{
  rocksdb_envoptions_t *env = rocksdb_envoptions_create();
  rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create(env, j->opts);
  char *err = NULL;
  int rc = 0;
  rocksdb_sstfilewriter_open(w, p->path, &err);
  if (err)
    rc = rocks_fail(err, p->path, "cannot create a table file");
  if (rc == 0)
    rc = put_records(j, p, w);
  if (rc == 0) {
    rocksdb_sstfilewriter_finish(w, &err);
    if (err)
      rc = rocks_fail(err, p->path, "cannot finish a table file");
  }
  rocksdb_sstfilewriter_destroy(w);
  rocksdb_envoptions_destroy(env);
  return rc;
}

/* Each thread, the caller's included, takes the next part until none is
 * left or one has failed. */
static void worker(void *payload)
{
  job *j = payload;
  for (;;) {
    pt_mutex_lock(j->lock);
    size_t i = j->next++;
    int stop = j->has_failed || i >= j->n_parts;
    pt_mutex_unlock(j->lock);
    if (stop)
      return;
    part *p = &j->parts[i];
    p->rc = write_part(j, p);
    if (p->rc) {
      p->err = *pt_error_last();
      pt_mutex_lock(j->lock);
      j->has_failed = 1;
      pt_mutex_unlock(j->lock);
    }
  }
}

/* Splits each type's records into up to n_threads parts of about equal
 * counts, in key order. */
static int plan_parts(job *j, const pt__rocksdb_type *types, size_t n_types,
                      unsigned n_threads)
{
  size_t cap = n_types * n_threads, n = 0;
  j->parts = pt_calloc(cap ? cap : 1, sizeof *j->parts);
  if (!j->parts)
    return PT_ERR(PT_ENOMEM, "out of memory planning a save");
  for (size_t t = 0; t < n_types; t++) {
    size_t count = types[t].count(j->g, j->ids), lo = 0;
    size_t k = count / MIN_PART_RECORDS;
    k = k < 1 ? 1 : k > n_threads ? n_threads : k;
    for (size_t i = 1; i <= k && lo < count; i++) {
      size_t hi = i == k ? count : count / k * i;
      j->parts[n++] = (part){&types[t], lo, hi, NULL, 0, {0, NULL, 0, ""}};
      lo = hi;
    }
  }
  j->n_parts = n;
  return 0;
}

static int name_parts(job *j, const char *dir, const char *tag)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < j->n_parts; i++) {
    pt_buf b = PT_BUF_INIT;
    rc = pt_buf_printf(&b, "%s/" PART_PREFIX "%s%zu.sst", dir, tag, i);
    j->parts[i].path = rc == 0 ? pt_buf_detach(&b) : NULL;
    pt_buf_fini(&b);
  }
  return rc;
}

/* Runs the workers: the caller and up to n_threads - 1 more. A thread
 * that cannot start only leaves more parts to the others. */
static int run_workers(job *j, unsigned n_threads)
{
  pt_thread *th[MAX_THREADS];
  size_t n_th = 0;
  int rc = pt_mutex_new(&j->lock);
  for (unsigned i = 1; rc == 0 && i < n_threads && i < j->n_parts; i++) {
    if (pt_thread_start(worker, j, &th[n_th]) == 0)
      n_th++;
    else
      pt_error_clear();
  }
  if (rc == 0)
    worker(j);
  for (size_t i = 0; i < n_th; i++)
    pt_thread_join(th[i]);
  for (size_t i = 0; rc == 0 && i < j->n_parts; i++)
    if (j->parts[i].rc) {
      const pt_error *e = &j->parts[i].err;
      rc = pt__error_set(e->code, e->file, e->line, "%s", e->message);
    }
  pt_mutex_free(j->lock);
  return rc;
}

/* The files of the n writes in t, taken in at once. */
int pt__rocksdb_ingest_tables(rocksdb_t *db, const char *dir,
                              const pt__rocksdb_tables *t, size_t n)
{
  size_t n_paths = 0;
  for (size_t k = 0; k < n; k++)
    n_paths += t[k].n;
  if (n_paths == 0)
    return 0;
  const char **paths = pt_calloc(n_paths, sizeof *paths);
  if (!paths)
    return PT_ERR(PT_ENOMEM, "out of memory ingesting a save");
  n_paths = 0;
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < t[k].n; i++)
      paths[n_paths++] = t[k].parts[i].path;
  rocksdb_ingestexternalfileoptions_t *o =
      rocksdb_ingestexternalfileoptions_create();
  char *err = NULL;
  rocksdb_ingestexternalfileoptions_set_move_files(o, 1);
  rocksdb_ingest_external_file(db, paths, n_paths, o, &err);
  rocksdb_ingestexternalfileoptions_destroy(o);
  pt_free(paths);
  return err ? rocks_fail(err, dir, "cannot take in the saved tables") : 0;
}

void pt__rocksdb_tables_fini(pt__rocksdb_tables *t)
{
  for (size_t i = 0; i < t->n; i++) {
    if (t->parts[i].path && pt_fs_remove(t->parts[i].path) != 0)
      pt_error_clear(); /* moved into the database, or never written */
    pt_free(t->parts[i].path);
  }
  pt_free(t->parts);
  t->parts = NULL;
  t->n = 0;
}

static unsigned n_workers(unsigned n)
{
  if (n == 0)
    n = pt_cpu_count();
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : n;
}

int pt__rocksdb_write_parts(const rocksdb_options_t *opts, const char *dir,
                            const char *tag, const char *gen, const void *src,
                            pt__rocksdb_ids *ids,
                            const pt__rocksdb_type *types, size_t n_types,
                            unsigned n_threads, pt__rocksdb_tables *out)
{
  job j;
  memset(&j, 0, sizeof j);
  j.g = src;
  j.ids = ids;
  j.opts = opts;
  j.gen = gen;
  n_threads = n_workers(n_threads);
  int rc = plan_parts(&j, types, n_types, n_threads);
  out->parts = j.parts;
  out->n = j.n_parts;
  if (rc == 0)
    rc = name_parts(&j, dir, tag);
  if (rc == 0 && j.n_parts > 0)
    rc = run_workers(&j, n_threads);
  return rc;
}

int pt__rocksdb_write_tables(rocksdb_t *db, const rocksdb_options_t *opts,
                             const char *dir, const char *gen,
                             const pt_graph *g, pt__rocksdb_ids *ids,
                             const pt__rocksdb_type *types, size_t n_types)
{
  pt__rocksdb_tables t = {NULL, 0};
  int rc = pt__rocksdb_write_parts(opts, dir, "", gen, g, ids, types,
                                   n_types, 0, &t);
  if (rc == 0)
    rc = pt__rocksdb_ingest_tables(db, dir, &t, 1);
  pt__rocksdb_tables_fini(&t);
  return rc;
}

static int remove_leftover(const char *name, pt_fs_type type, void *payload)
{
  pt_buf p = PT_BUF_INIT;
  (void)type;
  if (strncmp(name, PART_PREFIX, sizeof PART_PREFIX - 1) != 0)
    return 0;
  if (pt_buf_printf(&p, "%s/%s", (const char *)payload, name) != 0 ||
      pt_fs_remove(p.ptr) != 0)
    pt_error_clear(); /* costs only room on the disk; tried again next save */
  pt_buf_fini(&p);
  return 0;
}

void pt__rocksdb_remove_leftover_tables(const char *dir)
{
  if (pt_fs_list_dir(dir, remove_leftover, (void *)dir) != 0)
    pt_error_clear();
}
