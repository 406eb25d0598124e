/* errno -> PT_E* translation for the POSIX layer, keeping the OS text. */
#include <errno.h>
#include <string.h>

#include "error_posix.h"
#include "pt/error.h"

int pt__error_from_errno(int err, const char *what, const char *path)
{
  int code;
  switch (err) {
  case ENOENT: case ENOTDIR: code = PT_ENOTFOUND; break;
  case EEXIST: code = PT_EEXISTS; break;
  case ENOMEM: code = PT_ENOMEM; break;
  case EBUSY: case EAGAIN: case ETXTBSY: code = PT_EBUSY; break;
  case EINVAL: case ENAMETOOLONG: code = PT_EINVAL; break;
  default: code = PT_EIO; break;
  }
  return pt__error_set(code, __FILE__, __LINE__, "%s %s: %s", what,
                       path ? path : "", strerror(err));
}
