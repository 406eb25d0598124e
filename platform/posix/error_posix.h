/* Private to platform/posix: errno translation. */
#ifndef PT_ERROR_POSIX_H
#define PT_ERROR_POSIX_H

/* Records errno `err` as a PT_E* error "<what> <path>: <strerror>". */
int pt__error_from_errno(int err, const char *what, const char *path);

#endif
