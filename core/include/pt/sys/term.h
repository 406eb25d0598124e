/* Terminal facts the CLI needs. */
#ifndef PT_SYS_TERM_H
#define PT_SYS_TERM_H

#include <stdio.h>

/* Called first by a program with main's arguments: afterwards *argv
 * holds them in UTF-8 and the console shows UTF-8 output. Windows hands
 * main its arguments in the ANSI code page, so they are taken again from
 * the UTF-16 command line (kept until the process ends); POSIX has
 * nothing to do. PT_ENOMEM, or PT_EINVAL when the command line cannot be
 * read. */
int pt_term_init(int *argc, char ***argv);
/* 1 when the stream is an interactive terminal. */
int pt_term_is_tty(FILE *stream);
/* 1 when the console takes UTF-8: on POSIX when the locale's character
 * set is (the first of LC_ALL, LC_CTYPE, LANG that is set names UTF-8);
 * on Windows always, pt_term_init having set the console's code page. */
int pt_term_is_utf8(void);
/* The absolute path ('/' separators) of the regular file a stream writes
 * to (output redirected to a file), in *out (pt_malloc'd): the serving
 * session never watches its own log. PT_ENOTFOUND for a console, a pipe
 * or where the OS cannot tell. */
int pt_term_file_path(FILE *stream, char **out);
/* Stop requests from outside the program: SIGINT and SIGTERM on POSIX,
 * Ctrl-C and Ctrl-Break on Windows. pt_term_stop_catch installs the
 * handlers (once; an OS error otherwise); pt_term_stop_wait then blocks,
 * using no CPU, until a request has arrived (returning at once when one
 * came before), or for good when nothing was caught (the OS's default
 * then ends the process). For a program's main thread: the serving CLI
 * waits there while other threads serve. */
int pt_term_stop_catch(void);
void pt_term_stop_wait(void);
/* Undoes a parent's choice to ignore stop requests, for a program that
 * obeys them: a POSIX shell starts a script's background job with SIGINT
 * ignored, and a Windows process may start with Ctrl-C ignored (a new
 * process group). Afterwards a request ends the process by the OS's
 * default until pt_term_stop_catch, and reaches pt_term_stop_wait after
 * it. An OS error otherwise. */
int pt_term_stop_default(void);

#endif
