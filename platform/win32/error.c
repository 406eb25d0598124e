/* GetLastError / WSAGetLastError -> PT_E* translation for the Win32 layer,
 * keeping the system's own text (error_win32.h). Nothing here allocates,
 * so an out-of-memory error is recorded like any other. */
#include <stdio.h>

#include "error_win32.h"
#include "pt/error.h"

int pt__error_code_win32(DWORD err)
{
  switch (err) {
  case ERROR_FILE_NOT_FOUND: case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_DRIVE: case ERROR_BAD_NETPATH: case ERROR_BAD_NET_NAME:
  case ERROR_DIRECTORY:
    return PT_ENOTFOUND;
  case ERROR_ALREADY_EXISTS: case ERROR_FILE_EXISTS: case WSAEADDRINUSE:
    return PT_EEXISTS;
  case ERROR_NOT_ENOUGH_MEMORY: case ERROR_OUTOFMEMORY: case WSAENOBUFS:
    return PT_ENOMEM;
  case ERROR_SHARING_VIOLATION: case ERROR_LOCK_VIOLATION: case ERROR_BUSY:
    return PT_EBUSY;
  case ERROR_INVALID_NAME: case ERROR_BAD_PATHNAME:
  case ERROR_FILENAME_EXCED_RANGE: case ERROR_INVALID_PARAMETER:
  case ERROR_NO_UNICODE_TRANSLATION: case WSAEINVAL: case WSAEAFNOSUPPORT:
    return PT_EINVAL;
  case ERROR_NOT_SUPPORTED: case ERROR_INVALID_FUNCTION:
    return PT_ENOTSUPPORTED;
  default:
    return PT_EIO;
  }
}

/* "unknown error" when the system has no text for err. */
void pt__error_text_win32(DWORD err, char *out, int size)
{
  WCHAR w[256];
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM |
                               FORMAT_MESSAGE_IGNORE_INSERTS |
                               FORMAT_MESSAGE_MAX_WIDTH_MASK,
                           NULL, err, 0, w, (DWORD)(sizeof w / sizeof w[0]),
                           NULL);
  while (n > 0 && (w[n - 1] == L' ' || w[n - 1] == L'\r' ||
                   w[n - 1] == L'\n' || w[n - 1] == L'.'))
    n--;
  int len = n ? WideCharToMultiByte(CP_UTF8, 0, w, (int)n, out, size - 1,
                                    NULL, NULL)
              : 0;
  if (len <= 0)
    snprintf(out, (size_t)size, "unknown error");
  else
    out[len] = '\0';
}

int pt__error_from_win32(DWORD err, const char *what, const char *path)
{
  char text[384];
  pt__error_text_win32(err, text, (int)sizeof text);
  return pt__error_set(pt__error_code_win32(err), __FILE__, __LINE__,
                       "%s %s: %s (error %lu)", what, path ? path : "", text,
                       (unsigned long)err);
}
