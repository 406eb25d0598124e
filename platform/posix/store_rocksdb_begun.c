/* A RocksDB save begun while the graph is resolved (store_rocksdb_int.h,
 * pt__rocksdb_begun): the entities (and their code, format 10's 'c'
 * records, a nested entity's a range of its holder's) and ignored files
 * are all there before resolution makes the edges, so a thread of their
 * own numbers the entities' strings (the first ids of a save) and writes
 * those types as table files of the new generation, in the order
 * the finished graph will hold them: it reads them in the graph through
 * arrays of their addresses sorted in that order, until it has written
 * and hashed them (the graph waits for that before it sorts them). The
 * file records wait for the save of the finished graph: resolution adds
 * to them what each file read (pt_ingest_opts.keep_reads). That save
 * checks the graph holds the same entities and ignored files, numbers
 * the edges' and tests' strings after the entities', writes the other
 * types and takes every table file in at once. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/hash.h"
#include "pt/sys/thread.h"
#include "store_rocksdb_int.h"

struct pt__rocksdb_begun {
  pt_thread *thread;              /* owned until joined */
  const rocksdb_options_t *opts;  /* borrowed: the store's */
  char *dir;                      /* owned: the database folder */
  char gen[PT__ROCKSDB_GEN_PREFIX_SIZE]; /* the new generation's prefix */
  uint64_t gen_number;
  /* the graph's records by address, in the finished graph's order; freed
   * once read, the counts kept */
  const pt_entity **entity_at;
  const pt_ignored_file **ignored_at;
  size_t n_entities, n_ignored;
  uint64_t hash[2];       /* of the records' bytes, in that order */
  pt__rocksdb_ids ids;    /* the entities' strings numbered */
  pt__rocksdb_tables tables; /* written, not yet taken in */
  pt_mutex *mu;           /* owned, with cv: guards is_reading */
  pt_cond *cv;
  int is_reading;         /* the thread may still read the graph */
  int rc;                 /* the thread's result; its error in err */
  pt_error err;
};

/* ---- the three types, from the sorted addresses -------------------------- */

static size_t n_entities(const void *src, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return ((const pt__rocksdb_begun *)src)->n_entities;
}

static size_t n_ignored(const void *src, const pt__rocksdb_ids *ids)
{
  (void)ids;
  return ((const pt__rocksdb_begun *)src)->n_ignored;
}

static int put_code(const void *src, pt__rocksdb_ids *ids, size_t i,
                    pt_buf *k, pt_buf *v)
{
  const pt__rocksdb_begun *b = src;
  return pt__rocksdb_code_kv(b->entity_at[i], ids, b->entity_at, i, k, v);
}

static int put_entity(const void *src, pt__rocksdb_ids *ids, size_t i,
                      pt_buf *k, pt_buf *v)
{
  const pt__rocksdb_begun *b = src;
  return pt__rocksdb_entity9_kv(b->entity_at[i], ids,
                                pt__rocksdb_kept_entity(ids, b->entity_at, i),
                                k, v);
}

static int put_ignored(const void *src, pt__rocksdb_ids *ids, size_t i,
                       pt_buf *k, pt_buf *v)
{
  const pt__rocksdb_begun *b = src;
  (void)ids;
  return pt__rocksdb_ignored_kv(b->ignored_at[i], k, v);
}

static const pt__rocksdb_type begun_types[] = {
    {'c', n_entities, put_code},
    {'e', n_entities, put_entity},
    {'i', n_ignored, put_ignored},
};

/* ---- the thread ------------------------------------------------------------ */

static void forget_records(pt__rocksdb_begun *b)
{
  pt_free((void *)b->entity_at);
  pt_free((void *)b->ignored_at);
  b->entity_at = NULL;
  b->ignored_at = NULL;
  /* the entities' ids, kept for their records only */
  pt_free(b->ids.entity_ids);
  b->ids.entity_ids = NULL;
  b->ids.entities = NULL;
  pt__rocksdb_holders_fini(&b->ids);
}

static void hash_records(pt__rocksdb_begun *b)
{
  memset(b->hash, 0, sizeof b->hash);
  for (size_t i = 0; i < b->n_entities; i++)
    b->hash[0] = pt_hash64_fold(b->hash[0], b->entity_at[i], sizeof(pt_entity));
  for (size_t i = 0; i < b->n_ignored; i++)
    b->hash[1] = pt_hash64_fold(b->hash[1], b->ignored_at[i], sizeof(pt_ignored_file));
}

static void run(void *payload)
{
  pt__rocksdb_begun *b = payload;
  pt_graph_sort_entity_refs(b->entity_at, b->n_entities);
  pt_graph_sort_ignored_refs(b->ignored_at, b->n_ignored);
  int rc = pt__rocksdb_ids_begin(&b->ids, b->entity_at, b->n_entities);
  if (rc == 0)
    rc = pt__rocksdb_find_holders(&b->ids, b->entity_at, NULL, b->entity_at,
                                  b->n_entities);
  /* one thread: this runs beside resolution's */
  if (rc == 0)
    rc = pt__rocksdb_write_parts(b->opts, b->dir, "b", b->gen, b, &b->ids,
                                 begun_types,
                                 sizeof begun_types / sizeof begun_types[0],
                                 1, &b->tables);
  hash_records(b);
  forget_records(b);
  pt_mutex_lock(b->mu);
  b->is_reading = 0;
  pt_cond_broadcast(b->cv);
  pt_mutex_unlock(b->mu);
  if (rc)
    b->err = *pt_error_last();
  b->rc = rc;
}

/* Room for n addresses at *out (NULL for none). */
static int room_for(size_t n, size_t size, void **out)
{
  *out = n ? pt_malloc(n * size) : NULL;
  return n && !*out ? PT_ERR(PT_ENOMEM, "out of memory beginning a save")
                    : 0;
}

static int address_records(pt__rocksdb_begun *b, const pt_graph *g)
{
  const pt_entity *e = pt_graph_entities(g);
  const pt_ignored_file *ig = pt_graph_ignored(g);
  b->n_entities = pt_graph_n_entities(g);
  b->n_ignored = pt_graph_n_ignored(g);
  int rc = room_for(b->n_entities, sizeof *b->entity_at,
                    (void **)&b->entity_at);
  if (rc == 0)
    rc = room_for(b->n_ignored, sizeof *b->ignored_at,
                  (void **)&b->ignored_at);
  for (size_t i = 0; rc == 0 && i < b->n_entities; i++)
    b->entity_at[i] = &e[i];
  for (size_t i = 0; rc == 0 && i < b->n_ignored; i++)
    b->ignored_at[i] = &ig[i];
  return rc;
}

int pt__rocksdb_begun_start(const rocksdb_options_t *opts, const char *dir,
                            const char *gen, uint64_t gen_number,
                            const pt_graph *g, pt__rocksdb_begun **out)
{
  pt__rocksdb_begun *b = pt_calloc(1, sizeof *b);
  int rc = b ? 0 : PT_ERR(PT_ENOMEM, "out of memory beginning a save");
  *out = NULL;
  if (rc)
    return rc;
  b->opts = opts;
  memcpy(b->gen, gen, sizeof b->gen);
  b->gen_number = gen_number;
  b->dir = pt_strdup(dir);
  if (!b->dir)
    rc = PT_ERR(PT_ENOMEM, "out of memory beginning a save");
  if (rc == 0)
    rc = address_records(b, g);
  if (rc == 0)
    rc = pt_mutex_new(&b->mu);
  if (rc == 0)
    rc = pt_cond_new(&b->cv);
  if (rc == 0) {
    /* before the thread, which may be done reading first (and clears it
     * under the lock): never written here once it started */
    b->is_reading = 1;
    rc = pt_thread_start(run, b, &b->thread);
    if (rc)
      b->is_reading = 0; /* no thread: nothing reads */
  }
  if (rc == 0)
    *out = b;
  else
    pt__rocksdb_begun_free(b);
  return rc;
}

void pt__rocksdb_begun_release(pt__rocksdb_begun *b)
{
  if (!b)
    return;
  pt_mutex_lock(b->mu);
  while (b->is_reading)
    pt_cond_wait(b->cv, b->mu);
  pt_mutex_unlock(b->mu);
}

/* Whether the finished graph g holds the records b wrote: as many, and
 * the same bytes in the same order by their hash (its file records are
 * the finishing save's to write). */
static int matches(const pt__rocksdb_begun *b, const pt_graph *g)
{
  const pt_entity *e = pt_graph_entities(g);
  const pt_ignored_file *ig = pt_graph_ignored(g);
  uint64_t h[2] = {0, 0};
  if (b->n_entities != pt_graph_n_entities(g) ||
      b->n_ignored != pt_graph_n_ignored(g))
    return 0;
  for (size_t i = 0; i < b->n_entities; i++)
    h[0] = pt_hash64_fold(h[0], &e[i], sizeof *e);
  for (size_t i = 0; i < b->n_ignored; i++)
    h[1] = pt_hash64_fold(h[1], &ig[i], sizeof *ig);
  return memcmp(h, b->hash, sizeof h) == 0;
}

const char *pt__rocksdb_begun_take(pt__rocksdb_begun *b, const pt_graph *g,
                                   uint64_t gen_number)
{
  if (b->thread) {
    pt_thread_join(b->thread);
    b->thread = NULL;
  }
  return b->rc ? b->err.message
       : b->gen_number != gen_number ? "the database changed since"
       : !matches(b, g) ? "the records changed since"
                        : NULL;
}

pt__rocksdb_ids *pt__rocksdb_begun_ids(pt__rocksdb_begun *b)
{
  return &b->ids;
}

const pt__rocksdb_tables *pt__rocksdb_begun_tables(
    const pt__rocksdb_begun *b)
{
  return &b->tables;
}

void pt__rocksdb_begun_free(pt__rocksdb_begun *b)
{
  if (!b)
    return;
  if (b->thread)
    pt_thread_join(b->thread);
  pt__rocksdb_tables_fini(&b->tables);
  pt__rocksdb_ids_fini(&b->ids);
  forget_records(b);
  pt_cond_free(b->cv);
  if (b->mu)
    pt_mutex_free(b->mu);
  pt_free(b->dir);
  pt_free(b);
}
