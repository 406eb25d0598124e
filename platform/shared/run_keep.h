/* What both pt_run implementations (pt/sys/run.h) do the same way with a
 * child's output: keep it in a growing, NUL-terminated buffer, up to a
 * limit, noting when bytes were dropped. */
#ifndef PT_RUN_KEEP_H
#define PT_RUN_KEEP_H

#include <stddef.h>

/* Appends n bytes of b to *buf (length *len, capacity *cap), at most up to
 * max bytes in all; sets *cut (when not NULL) when bytes are dropped. The
 * buffer stays NUL-terminated. 0, or PT_ENOMEM with *buf as it was. */
int pt__run_keep(char **buf, size_t *len, size_t *cap, size_t max,
                 const char *b, size_t n, int *cut);

#endif
