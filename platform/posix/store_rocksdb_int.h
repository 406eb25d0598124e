/* Private to store_rocksdb.c and its tests (tests/test_store_conformance.c):
 * the first half of a save on its own, as a crash before the flip would
 * leave it, what a test needs to see of the generations, which records
 * an update compares (store_rocksdb_diff.c), and the table files a save
 * writes (store_rocksdb_sst.c). */
#ifndef PT_STORE_ROCKSDB_INT_H
#define PT_STORE_ROCKSDB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/buf.h"
#include "pt/store.h"

/* RocksDB's handles as rocksdb/c.h declares them (C11 allows a typedef
 * twice), so that the Windows build's stubs (platform/win32/
 * store_rocksdb.c), which have no RocksDB, can include this header. */
typedef struct rocksdb_t rocksdb_t;
typedef struct rocksdb_options_t rocksdb_options_t;

/* A generation's records sit under 'g' and its number, big-endian so the
 * generations sort by number; after that comes the record's own key,
 * which starts with a lower-case letter. */
#define PT__ROCKSDB_GEN_PREFIX_SIZE 9

/* A record type as a save writes it: the letter after the generation
 * prefix, how many records a graph has, and record i's key (after the
 * letter) appended to key and its encoded value to val. A finished graph
 * holds each type's records in the order of their keys. */
typedef struct pt__rocksdb_type {
  char prefix;
  size_t (*count)(const pt_graph *g);
  int (*put)(const pt_graph *g, size_t i, pt_buf *key, pt_buf *val);
} pt__rocksdb_type;

/* Writes every record of `from` as a new generation and flushes it to
 * disk, without making it current: load still returns the old contents.
 * *out is the new generation. `st` comes from pt_store_rocksdb_open;
 * `from` is not checked the way pt_store_save checks it. */
int pt__store_rocksdb_write_generation(pt_store *st, const pt_graph *from,
                                       uint64_t *out);

/* The current generation, 0 when nothing has been saved. PT_EINVAL when
 * the key naming it is malformed. */
int pt__store_rocksdb_current(pt_store *st, uint64_t *out);

/* How many generations hold records, current or not. */
int pt__store_rocksdb_n_generations(pt_store *st, size_t *out);

/* store_rocksdb_diff.c: of the n_old records of one type (its key prefix,
 * 'e', 'd', 'f', 't', 'i' or 'm') in old and the n_now in now, those an
 * update must compare by key and value (indexes into each graph's array,
 * in order); every record left out is the same record, under the same key,
 * in both. Free with pt__rocksdb_records_fini. */
typedef struct pt__rocksdb_records {
  size_t *old, n_old; /* owned */
  size_t *now, n_now; /* owned */
} pt__rocksdb_records;
int pt__rocksdb_changed(char prefix, const pt_graph *old, size_t n_old,
                        const pt_graph *now, size_t n_now,
                        pt__rocksdb_records *out);
void pt__rocksdb_records_fini(pt__rocksdb_records *r);

/* store_rocksdb_sst.c: writes every record of g of the n_types types
 * under the key prefix gen (PT__ROCKSDB_GEN_PREFIX_SIZE bytes) as sorted
 * table files in the database folder dir, on up to one thread per
 * processor, and has db take them in (moved, at the bottom level when
 * nothing else in db holds keys of their range). opts are db's. Every
 * table file is removed again, taken in or not. */
int pt__rocksdb_write_tables(rocksdb_t *db, const rocksdb_options_t *opts,
                             const char *dir, const char *gen,
                             const pt_graph *g, const pt__rocksdb_type *types,
                             size_t n_types);
/* Removes the table files a killed save left in dir. */
void pt__rocksdb_remove_leftover_tables(const char *dir);

#endif
