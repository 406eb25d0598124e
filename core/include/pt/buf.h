/* Growable byte buffers and the safe string helpers we use instead of
 * strcpy/sprintf. A pt_buf is always NUL-terminated once it holds data. */
#ifndef PT_BUF_H
#define PT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "pt/compat.h"

typedef struct pt_buf {
  char *ptr;             /* owned, pt_malloc */
  size_t len;
  size_t cap;
} pt_buf;

#define PT_BUF_INIT {NULL, 0, 0}

void pt_buf_fini(pt_buf *b);
void pt_buf_clear(pt_buf *b);
int pt_buf_grow(pt_buf *b, size_t extra);
int pt_buf_put(pt_buf *b, const void *data, size_t len);
int pt_buf_puts(pt_buf *b, const char *s);
int pt_buf_putc(pt_buf *b, char c);
int pt_buf_printf(pt_buf *b, const char *fmt, ...) PT_PRINTF(2, 3);
int pt_buf_vprintf(pt_buf *b, const char *fmt, va_list ap);
/* Hands the string to the caller (free with pt_free) and resets b. */
char *pt_buf_detach(pt_buf *b);
/* The buffer's text, "" when empty; borrowed. */
const char *pt_buf_cstr(const pt_buf *b);

/* Heap copy of s (pt_free); NULL when out of memory. */
char *pt_strdup(const char *s);
/* Heap copies of n strings: *out (NULL when n is 0) holds *n_out of them,
 * all n unless PT_ENOMEM, after which the caller still frees what came. */
int pt_strv_copy(const char *const *v, size_t n, char ***out, size_t *n_out);
void pt_strv_free(char **v, size_t n);
char *pt_strndup(const char *s, size_t len);
/* snprintf that always terminates; returns PT_EINVAL when truncated. */
int pt_snprintf(char *dst, size_t size, const char *fmt, ...) PT_PRINTF(3, 4);
/* Parses an unsigned decimal number; PT_EINVAL unless all of s is digits. */
int pt_parse_u64(const char *s, unsigned long long *out);
int pt_str_starts_with(const char *s, const char *prefix);
int pt_str_ends_with(const char *s, const char *suffix);

#endif
