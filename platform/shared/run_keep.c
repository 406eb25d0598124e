/* A child's output kept up to a limit (run_keep.h), and the result that
 * holds it freed, the same for both pt_run implementations. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/run.h"
#include "run_keep.h"

int pt__run_keep(char **buf, size_t *len, size_t *cap, size_t max,
                 const char *b, size_t n, int *cut)
{
  if (*len + n > max) {
    n = max - *len;
    if (cut)
      *cut = 1;
  }
  if (*len + n + 1 > *cap) {
    size_t c = *cap ? *cap : 4096;
    while (c < *len + n + 1)
      c *= 2;
    char *p = pt_realloc(*buf, c);
    if (!p)
      return PT_ERR(PT_ENOMEM, "out of memory");
    *buf = p;
    *cap = c;
  }
  memcpy(*buf + *len, b, n);
  *len += n;
  (*buf)[*len] = '\0';
  return 0;
}

void pt_run_result_fini(pt_run_result *r)
{
  if (!r)
    return;
  pt_free(r->out);
  pt_free(r->err);
  memset(r, 0, sizeof *r);
}
