/* Private to store_rocksdb.c and its tests (tests/test_store_conformance.c):
 * the first half of a save on its own, as a crash before the flip would
 * leave it, what a test needs to see of the generations, and which records
 * an update compares (store_rocksdb_diff.c). */
#ifndef PT_STORE_ROCKSDB_INT_H
#define PT_STORE_ROCKSDB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/store.h"

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

#endif
