/* UTF-8 <-> UTF-16 conversion and long-path forms for the Win32 layer
 * (utf16.h). Invalid input is an error, never replaced by U+FFFD: a path
 * that does not round-trip would name another file. */
#include <string.h>

#include "error_win32.h"
#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "utf16.h"

int pt__utf16_from_utf8(const char *s, wchar_t **out)
{
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
  if (n <= 0)
    return PT_ERR(PT_EINVAL, "'%s' is not valid UTF-8", s);
  wchar_t *w = pt_malloc((size_t)n * sizeof *w);
  if (!w)
    return PT_ERR(PT_ENOMEM, "out of memory converting '%s' to UTF-16", s);
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
  *out = w;
  return 0;
}

int pt__utf16_to_utf8(const wchar_t *w, int wlen, char **out)
{
  if (wlen == 0) {
    *out = pt_strdup("");
    return *out ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  }
  int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, wlen, NULL, 0,
                              NULL, NULL);
  if (n <= 0)
    return PT_ERR(PT_EINVAL, "a file name is not valid UTF-16 "
                  "(unpaired surrogate)");
  /* with wlen = -1 the count includes the terminator, otherwise it does not */
  char *s = pt_malloc((size_t)n + 1);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory converting a name to UTF-8");
  WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, wlen, s, n, NULL,
                      NULL);
  s[n] = '\0';
  *out = s;
  return 0;
}

/* \\?\ and \\.\ paths go to the file system as they are: Win32 does not
 * normalize them, so only the separators are fixed. */
static int is_verbatim(const wchar_t *w)
{
  return (w[0] == L'\\' || w[0] == L'/') && (w[1] == L'\\' || w[1] == L'/') &&
         (w[2] == L'?' || w[2] == L'.') && (w[3] == L'\\' || w[3] == L'/');
}

static void to_backslashes(wchar_t *w)
{
  for (; *w; w++)
    if (*w == L'/')
      *w = L'\\';
}

/* GetFullPathNameW makes the path absolute, turns '/' into '\' and
 * resolves "." and "..", which \\?\ paths must not contain. */
static int full_path(const wchar_t *w, const char *path, wchar_t **out)
{
  DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
  wchar_t *full = n ? pt_malloc((size_t)n * sizeof *full) : NULL;
  if (n == 0)
    return pt__error_from_win32(GetLastError(), "cannot resolve", path);
  if (!full)
    return PT_ERR(PT_ENOMEM, "out of memory resolving %s", path);
  DWORD got = GetFullPathNameW(w, n, full, NULL);
  if (got == 0 || got >= n) {
    pt_free(full);
    return PT_ERR(PT_EIO, "cannot resolve %s: it changed meanwhile", path);
  }
  *out = full;
  return 0;
}

static int add_long_prefix(const wchar_t *full, const char *path,
                           wchar_t **out)
{
  const wchar_t *prefix = L"\\\\?\\", *rest = full;
  if (is_verbatim(full)) {
    prefix = L"";
  } else if (full[0] == L'\\' && full[1] == L'\\') {
    prefix = L"\\\\?\\UNC\\";
    rest = full + 2;
  }
  size_t np = wcslen(prefix), nr = wcslen(rest);
  wchar_t *w = pt_malloc((np + nr + 1) * sizeof *w);
  if (!w)
    return PT_ERR(PT_ENOMEM, "out of memory resolving %s", path);
  memcpy(w, prefix, np * sizeof *w);
  memcpy(w + np, rest, (nr + 1) * sizeof *w);
  *out = w;
  return 0;
}

int pt__utf16_path(const char *path, wchar_t **out)
{
  wchar_t *w = NULL, *full = NULL;
  if (!*path)
    return PT_ERR(PT_ENOTFOUND, "empty path");
  int rc = pt__utf16_from_utf8(path, &w);
  if (rc == 0 && is_verbatim(w)) {
    to_backslashes(w);
    *out = w;
    return 0;
  }
  if (rc == 0)
    rc = full_path(w, path, &full);
  if (rc == 0)
    rc = add_long_prefix(full, path, out);
  pt_free(full);
  pt_free(w);
  return rc;
}

void pt__utf16_path_to_portable(char *path)
{
  size_t skip = 0;
  if (strncmp(path, "\\\\?\\UNC\\", 8) == 0) {
    skip = 6; /* keep "\\" of "\\server\share" */
    path[6] = '\\';
  } else if (strncmp(path, "\\\\?\\", 4) == 0) {
    skip = 4;
  }
  if (skip)
    memmove(path, path + skip, strlen(path + skip) + 1);
  for (char *p = path; *p; p++)
    if (*p == '\\')
      *p = '/';
}
