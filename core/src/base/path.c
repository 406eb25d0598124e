/* Path facts of pt/path.h. */
#include <string.h>

#include "pt/path.h"

void pt_path_subfolders(const char *path, pt_span *l1, pt_span *l2)
{
  const char *a = path ? strchr(path, '/') : NULL;
  const char *b = a ? strchr(a + 1, '/') : NULL;
  l1->ptr = a ? path : ".";
  l1->len = a ? (size_t)(a - path) : 1;
  l2->ptr = b ? a + 1 : "";
  l2->len = b ? (size_t)(b - a - 1) : 0;
}

static void copy_span(char *dst, size_t size, pt_span s)
{
  size_t n = s.len < size ? s.len : size - 1;
  memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

void pt_path_l1_l2(const char *path, char *l1, size_t l1_size, char *l2,
                   size_t l2_size)
{
  pt_span a, b;
  pt_path_subfolders(path, &a, &b);
  copy_span(l1, l1_size, a);
  copy_span(l2, l2_size, b);
}

void pt_path_split(const char *path, pt_span *folder, const char **name)
{
  const char *slash = strrchr(path, '/');
  folder->ptr = path;
  folder->len = slash ? (size_t)(slash - path) : 0;
  *name = slash ? slash + 1 : path;
}

const char *pt_path_extension(const char *path)
{
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  const char *dot = strrchr(name, '.');
  return dot && dot != name ? dot + 1 : "";
}
