/* Private to store_rocksdb.c and its tests (tests/test_store_conformance.c):
 * the first half of a save on its own, as a crash before the flip would
 * leave it, and what a test needs to see of the generations. */
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

#endif
