/* gzip for answers a client accepts compressed (docs/http-api.md
 * "Compression"), private to the http stage. */
#ifndef PT_HTTP_GZIP_H
#define PT_HTTP_GZIP_H

#include <stddef.h>

#include "pt/buf.h"

/* Does an Accept-Encoding header value accept gzip (a "gzip" or "*"
 * token whose q is not 0)? NULL accepts nothing. */
int pt__gzip_accepted(const char *accept_encoding);

/* Appends the gzip file (RFC 1952) of data to out: one deflate block
 * (RFC 1951) with the fixed Huffman codes over greedy LZ77 matches in a
 * 32 KiB window. 0 or PT_ENOMEM. */
int pt__gzip(const char *data, size_t len, pt_buf *out);

#endif
