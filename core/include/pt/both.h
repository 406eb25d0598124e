/* Two independent pieces of work on two threads. */
#ifndef PT_BOTH_H
#define PT_BOTH_H

typedef void (*pt_both_fn)(void *payload);

/* Runs a(pa) on a thread of its own and b(pb) on the caller's, and returns
 * once both are done; when no thread starts, one after the other (slower,
 * not different). a and b must not allocate through pt_malloc when the
 * caller's tests inject allocation failures (pt_alloc_fail_after counts
 * on one thread). */
void pt_both(pt_both_fn a, void *pa, pt_both_fn b, void *pb);

/* pt_both when two is nonzero (the work is large enough to pay for a
 * thread); else a(pa) then b(pb) on the caller's thread. */
void pt_both_if(int two, pt_both_fn a, void *pa, pt_both_fn b, void *pb);

#endif
