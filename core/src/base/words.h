/* Word counting for coverage (private to core): a word is a maximal run of
 * characters that are not Unicode White_Space (Rust's split_whitespace). */
#ifndef PT_WORDS_H
#define PT_WORDS_H

#include <stddef.h>
#include <stdint.h>

uint64_t pt__count_words(const char *s, size_t len);
/* Byte offset of the first invalid UTF-8 sequence, or len when valid. */
size_t pt__utf8_invalid_at(const char *s, size_t len);

#endif
