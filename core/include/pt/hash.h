/* Hashes with fixed, documented algorithms: SHA-256 for content hashes,
 * SipHash-1-3 (key 0,0) for the birth timestamp of keys, and hashes for
 * in-memory tables. */
#ifndef PT_HASH_H
#define PT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex SHA-256 of data into out (65 bytes with the NUL). */
void pt_sha256_hex(const void *data, size_t len, char out[65]);
uint64_t pt_siphash13(const void *data, size_t len, uint64_t k0, uint64_t k1);
/* A fast in-memory hash for tables, 8 bytes a step. Its values depend on
 * the machine's byte order: never store them. */
uint64_t pt_hash64(const void *data, size_t len);
/* h with the next record's bytes folded in: a hash of records one after
 * another, in that order (0 to begin). In memory only, as pt_hash64. */
uint64_t pt_hash64_fold(uint64_t h, const void *record, size_t size);

#endif
