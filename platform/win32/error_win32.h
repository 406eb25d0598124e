/* Private to platform/win32: the one way its files include <windows.h>
 * (lean, Unicode, Windows 7 API level), and GetLastError translation. */
#ifndef PT_ERROR_WIN32_H
#define PT_ERROR_WIN32_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* GetActiveProcessorCount, CancelIoEx */
#endif
#include <windows.h>

/* Records the Win32 (or Winsock) error `err` as a PT_E* error
 * "<what> <path>: <system message> (error <err>)" and returns its code:
 * PT_ENOTFOUND for missing files and folders, PT_EEXISTS, PT_ENOMEM,
 * PT_EBUSY for sharing and lock violations, PT_EINVAL for bad names,
 * PT_EIO otherwise. path may be NULL. */
int pt__error_from_win32(DWORD err, const char *what, const char *path);

/* The PT_E* code of a Win32 error, without recording anything. */
int pt__error_code_win32(DWORD err);

/* The system's message for err in UTF-8, without the trailing period, in
 * out (always terminated). Does not allocate. */
void pt__error_text_win32(DWORD err, char *out, int size);

#endif
