/* pt_fs_remove_tree of pt/sys/fs.h, written once for every platform over
 * the other pt/sys/fs.h functions. What differs by OS (read-only files and
 * folders a scanner still holds on Windows) lives in each platform's
 * pt_fs_remove and pt_fs_remove_dir. */
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/fs.h"

static int remove_entry(const char *name, pt_fs_type type, void *payload)
{
  pt_buf full = PT_BUF_INIT;
  int rc = pt_buf_printf(&full, "%s/%s", (const char *)payload, name);
  if (rc == 0)
    rc = type == PT_FS_DIR ? pt_fs_remove_tree(full.ptr)
                           : pt_fs_remove(full.ptr);
  pt_buf_fini(&full);
  return rc;
}

int pt_fs_remove_tree(const char *path)
{
  pt_fs_stat st;
  int rc = pt_fs_stat_path(path, &st);
  if (rc == PT_ENOTFOUND) {
    pt_error_clear();
    return 0;
  }
  if (rc)
    return rc;
  if (st.type != PT_FS_DIR)
    return pt_fs_remove(path);
  rc = pt_fs_list_dir(path, remove_entry, (void *)path);
  if (rc == 0)
    rc = pt_fs_remove_dir(path);
  return rc;
}
