/* Extraction of a text its caller has already found valid UTF-8 (pt01's
 * lossy decode, ingest.c), without reading it through for that again
 * (private to core). */
#ifndef PT_EXTRACT_VALID_H
#define PT_EXTRACT_VALID_H

#include <stddef.h>

#include "pt/extract.h"

/* pt_extract_file for src that pt__utf8_invalid_at finds valid whole: the
 * same result, without that check. */
int pt__extract_file_valid(pt_extractor *x, pt_grammar grammar,
                           const char *path, const char *src, size_t len,
                           pt_file_result **out);

#endif
