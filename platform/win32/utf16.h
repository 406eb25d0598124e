/* Private to platform/win32: UTF-8 inside, UTF-16 at the Win32 boundary.
 * Paths cross it through pt__utf16_path, which makes them absolute and
 * gives them the \\?\ prefix, so no call is limited to MAX_PATH. */
#ifndef PT_UTF16_H
#define PT_UTF16_H

#include <stddef.h>
#include <wchar.h>

/* UTF-8 s -> NUL-terminated UTF-16 in *out (pt_malloc'd, caller frees).
 * PT_EINVAL for invalid UTF-8, PT_ENOMEM. */
int pt__utf16_from_utf8(const char *s, wchar_t **out);

/* UTF-16 w of wlen units (-1: NUL-terminated) -> NUL-terminated UTF-8 in
 * *out (pt_malloc'd). PT_EINVAL for unpaired surrogates, PT_ENOMEM. */
int pt__utf16_to_utf8(const wchar_t *w, int wlen, char **out);

/* A UTF-8 path ('/' or '\' separators, absolute or relative to the
 * current folder) as an absolute, normalized UTF-16 path with the \\?\
 * prefix (\\?\UNC\ for \\server\share), in *out (pt_malloc'd). Paths
 * already in \\?\ or \\.\ form keep it, with '/' turned into '\'. */
int pt__utf16_path(const char *path, wchar_t **out);

/* Turns a path returned by Win32 into our form in place: the \\?\ prefix
 * dropped (\\?\UNC\ becomes \\), '\' turned into '/'. */
void pt__utf16_path_to_portable(char *path);

#endif
