/* watch_repeat.h, beside it in platform/shared/. */
#include <string.h>

#include "pt/error.h"
#include "watch_repeat.h"

int pt_watch_repeat_check(pt_watch_repeat *r, pt_watch_kind kind, const char *rel,
                          int is_dir)
{
  if (r->has && r->kind == kind && r->is_dir == is_dir &&
      strcmp(pt_buf_cstr(&r->last), rel) == 0)
    return 1;
  pt_buf_clear(&r->last);
  r->has = pt_buf_puts(&r->last, rel) == 0;
  if (!r->has)
    pt_error_clear();
  r->kind = kind;
  r->is_dir = is_dir;
  return 0;
}

void pt_watch_repeat_reset(pt_watch_repeat *r)
{
  r->has = 0;
}

void pt_watch_repeat_fini(pt_watch_repeat *r)
{
  pt_buf_fini(&r->last);
  r->has = 0;
}
