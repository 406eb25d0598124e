/* A small, portable binary encoding of the records of pt/model.h, for
 * key-value stores (the RocksDB backend keeps one encoded record per key).
 *
 * Layout: one tag byte naming the record type and format version, then the
 * fields in declaration order. Integers are unsigned LEB128 varints (signed
 * ones zigzag-encoded first). A string is a varint n, then n - 1 bytes and a
 * NUL; n = 0 stands for NULL, so NULL and "" stay distinct. Because every
 * encoded string carries its NUL, a decoded record points straight into the
 * encoded bytes: decoding copies nothing and allocates nothing. */
#ifndef PT_RECORD_CODEC_H
#define PT_RECORD_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "pt/buf.h"
#include "pt/model.h"

/* The encoders append one record to out; PT_ENOMEM when it cannot grow. */
int pt_record_encode_entity(pt_buf *out, const pt_entity *e);
int pt_record_encode_edge(pt_buf *out, const pt_edge *e);
int pt_record_encode_file(pt_buf *out, const pt_file_record *f);
int pt_record_encode_test(pt_buf *out, const pt_test_entity *t);
int pt_record_encode_ignored(pt_buf *out, const pt_ignored_file *f);
int pt_record_encode_meta(pt_buf *out, const char *name, const char *value);

/* The decoders read exactly one record of `size` bytes. The strings of *out
 * are borrowed from `data` and live as long as it does (entity
 * content_hash is copied into its array). PT_EINVAL, naming the record type
 * and the problem, when the bytes are not one well-formed record of that
 * type (wrong tag, truncated, trailing bytes, enum out of range). */
int pt_record_decode_entity(const void *data, size_t size, pt_entity *out);
int pt_record_decode_edge(const void *data, size_t size, pt_edge *out);
/* An edge's candidates as decoded (n = 0: none), the keys borrowed from
 * the encoded bytes. */
typedef struct pt_record_candidates {
  uint32_t n, n_keys;
  const char *keys[PT_CANDIDATES_MAX];
} pt_record_candidates;
/* pt_record_decode_edge, with the edge's candidates into *cand;
 * out->candidates is NULL (pt_graph_intern_candidates makes the list);
 * pt_record_decode_edge leaves them out. */
int pt_record_decode_edge_candidates(const void *data, size_t size,
                                     pt_edge *out, pt_record_candidates *cand);
int pt_record_decode_file(const void *data, size_t size, pt_file_record *out);
int pt_record_decode_test(const void *data, size_t size, pt_test_entity *out);
int pt_record_decode_ignored(const void *data, size_t size,
                             pt_ignored_file *out);
int pt_record_decode_meta(const void *data, size_t size, const char **name,
                          const char **value);

#endif
