/* The fault injection of pt/sys/fs.h, shared by every platform: one
 * countdown over the file operations of the kinds a test asked for. Tests
 * arm it; a normal run never does, and pays one atomic load per call. */
#include <stdatomic.h>

#include "pt/sys/fs.h"

static atomic_ulong countdown; /* 0: disarmed */
static atomic_uint mask;
static atomic_int is_full_disk;
static atomic_int is_sticky_fault;
static atomic_int has_fired;

void pt_fs_fault_arm(unsigned long n, unsigned ops, int is_full,
                     int is_sticky)
{
  atomic_store(&countdown, 0);
  atomic_store(&mask, ops);
  atomic_store(&is_full_disk, is_full);
  atomic_store(&is_sticky_fault, is_sticky);
  atomic_store(&has_fired, 0);
  atomic_store(&countdown, n);
}

pt_fs_fault pt_fs_fault_hit(pt_fs_op op)
{
  if (atomic_load_explicit(&countdown, memory_order_relaxed) == 0 &&
      !atomic_load_explicit(&has_fired, memory_order_relaxed))
    return PT_FS_FAULT_NONE;
  if (!(atomic_load(&mask) & (unsigned)op))
    return PT_FS_FAULT_NONE;
  int fails = 0;
  if (atomic_load(&has_fired)) {
    fails = atomic_load(&is_sticky_fault);
  } else {
    unsigned long n = atomic_load(&countdown);
    /* decrement unless another thread got there first */
    while (n && !atomic_compare_exchange_weak(&countdown, &n, n - 1))
      ;
    if (n == 1) {
      atomic_store(&has_fired, 1);
      fails = 1;
    }
  }
  if (!fails)
    return PT_FS_FAULT_NONE;
  int full = atomic_load(&is_full_disk) &&
             (op == PT_FS_OP_WRITE || op == PT_FS_OP_SYNC);
  return full ? PT_FS_FAULT_FULL : PT_FS_FAULT_IO;
}

int pt_fs_fault_pending(void)
{
  return atomic_load(&countdown) != 0;
}
