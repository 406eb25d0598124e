/* Private to platform/win32 and its tests: the command-line splitting
 * behind pt_term_init. */
#ifndef PT_TERM_INT_H
#define PT_TERM_INT_H

#include <wchar.h>

/* Splits a UTF-16 command line into UTF-8 arguments by the rules of the
 * Microsoft C runtime (the program name ends at a space or its closing
 * quote; then 2n backslashes before a quote give n and the quote opens or
 * closes quoting, 2n+1 give n and a literal quote, "" inside quotes is a
 * literal quote, other backslashes are literal). *argv is one pt_malloc'd
 * block ending with NULL. PT_EINVAL for invalid UTF-16, PT_ENOMEM. */
int pt__term_split_args(const wchar_t *cmdline, int *argc, char ***argv);

#endif
