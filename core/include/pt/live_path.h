/* The check of a path a client names for reindexing
 * (POST /incremental-reindex-file-update): it must lead to a file below
 * the indexed root, by its name and through any link, and name that file
 * as the file system names it. Pure but for the links it resolves, so it
 * is portable and fuzzed on every platform (tests/fuzz/fuzz_reindex_path). */
#ifndef PT_LIVE_PATH_H
#define PT_LIVE_PATH_H

#include "pt/buf.h"

typedef enum pt_live_path_verdict {
  PT_LIVE_PATH_OK,
  PT_LIVE_PATH_EMPTY,     /* nothing given */
  PT_LIVE_PATH_DOTDOT,    /* a ".." component */
  PT_LIVE_PATH_OUTSIDE,   /* absolute, and not below the root */
  PT_LIVE_PATH_ROOT,      /* the root itself */
  PT_LIVE_PATH_LINK_OUT,  /* a link on the way leads out of the root */
  PT_LIVE_PATH_RESERVED   /* Windows names: a device (NUL, COM1), a
                           * stream (a.c::$DATA), a trailing dot or space,
                           * a character Windows refuses, bad UTF-8, or a
                           * \\?\ or \\.\ prefix */
} pt_live_path_verdict;

/* Checks `given` (relative to `root`, or absolute; '\' or '/') against
 * `root`, an absolute path with links resolved and '/' separators.
 * `windows_names` applies Windows' naming rules (pt_defaults_windows_names()
 * says whether the platform does). On PT_LIVE_PATH_OK, `full` holds the
 * absolute path and *rel points into it at the path below the root ('/'
 * separators, no empty, "." or ".." component). Returns 0 with the verdict
 * in *out, or PT_ENOMEM. Reads no file; resolves the links of the path's
 * nearest existing ancestor. */
int pt_live_path_check(const char *root, const char *given, int windows_names,
                       pt_buf *full, const char **rel,
                       pt_live_path_verdict *out);

#endif
