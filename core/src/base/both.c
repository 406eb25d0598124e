/* pt_both, pt_both_if (pt/both.h). */
#include <stddef.h>

#include "pt/both.h"
#include "pt/error.h"
#include "pt/sys/thread.h"

void pt_both(pt_both_fn a, void *pa, pt_both_fn b, void *pb)
{
  pt_both_if(1, a, pa, b, pb);
}

void pt_both_if(int two, pt_both_fn a, void *pa, pt_both_fn b, void *pb)
{
  pt_thread *t = NULL;
  if (two && pt_thread_start(a, pa, &t) != 0) {
    pt_error_clear(); /* on one thread: slower, not different */
    t = NULL;
  }
  if (!t)
    a(pa);
  b(pb);
  if (t)
    pt_thread_join(t);
}
