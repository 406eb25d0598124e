/* Private to platform/win32 and its tests: how long pt_fs_replace keeps
 * retrying while another process holds the source or the target. */
#ifndef PT_FS_INT_H
#define PT_FS_INT_H

#define PT__FS_REPLACE_BUDGET_MS 5000

/* Sets the retry budget of pt_fs_replace in milliseconds (default
 * PT__FS_REPLACE_BUDGET_MS); 0 means one attempt. For tests. */
void pt__fs_set_replace_budget_ms(unsigned ms);

#endif
