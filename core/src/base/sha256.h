/* SHA-256's block functions (private to core): the portable one
 * (hash.c) and the x86 SHA instructions' (sha256_x86.c). Both give the
 * same digests; pt_sha256_hex uses the hardware's where the CPU has it. */
#ifndef PT_BASE_SHA256_H
#define PT_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The round constants (FIPS 180-4 4.2.2). */
extern const uint32_t pt__sha256_k[64];

/* Runs n 64-byte blocks of p through the compression function into st. */
typedef void pt__sha256_blocks_fn(uint32_t st[8], const unsigned char *p,
                                  size_t n);

void pt__sha256_blocks_portable(uint32_t st[8], const unsigned char *p,
                                size_t n);
/* The block function of the SHA instructions when this build has one and
 * the CPU runs them (the CPU is asked once, at the program's start, by the
 * compiler's runtime); NULL otherwise. */
pt__sha256_blocks_fn *pt__sha256_blocks_hw(void);
/* The lower-case hex SHA-256 of data computed with `blocks`. */
void pt__sha256_hex_with(pt__sha256_blocks_fn *blocks, const void *data,
                         size_t len, char out[65]);

#endif
