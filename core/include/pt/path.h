/* Facts of a root-relative path ('/' separators) that several layers
 * report: the L1/L2 folders (docs/contract/ingestion.md 7.1), the folder
 * and file name (10), the extension. One definition for stores and
 * endpoints. */
#ifndef PT_PATH_H
#define PT_PATH_H

#include <stddef.h>

/* A piece of a string, not NUL-terminated. */
typedef struct pt_span {
  const char *ptr;
  size_t len;
} pt_span;

/* "a" -> (".", ""), "a/b" -> ("a", ""), "a/b/c..." -> ("a", "b"); a NULL
 * path is a root-level one. The spans point into path or at constants. */
void pt_path_subfolders(const char *path, pt_span *l1, pt_span *l2);
/* The same into NUL-terminated buffers (truncated to their sizes). */
void pt_path_l1_l2(const char *path, char *l1, size_t l1_size, char *l2,
                   size_t l2_size);
/* Folder (before the last '/', "" at the root) and file name (after it;
 * "" for a folder path ending in '/'). */
void pt_path_split(const char *path, pt_span *folder, const char **name);
/* The text after the last '.' of the file name, "" when there is none or
 * the name starts with it (".gitignore"). */
const char *pt_path_extension(const char *path);

#endif
