/* pt/sys/term.h on Windows: UTF-8 arguments (split again from the UTF-16
 * command line), a UTF-8 console, the console check, and Ctrl-C. */
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_win32.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/term.h"
#include "term_int.h"
#include "utf16.h"

/* The program name: up to the closing quote, or to the first blank. */
static const wchar_t *program_name(const wchar_t *p, wchar_t *out)
{
  if (*p == L'"') {
    for (p++; *p && *p != L'"'; p++)
      *out++ = *p;
    if (*p)
      p++;
  } else {
    for (; *p && *p != L' ' && *p != L'\t'; p++)
      *out++ = *p;
  }
  *out = L'\0';
  return p;
}

/* One argument after the program name into out; returns where it ends. */
static const wchar_t *next_arg(const wchar_t *p, wchar_t *out)
{
  int is_quoted = 0;
  for (;;) {
    size_t n_slash = 0;
    while (*p == L'\\') {
      p++;
      n_slash++;
    }
    if (*p == L'"') {
      for (size_t i = 0; i < n_slash / 2; i++)
        *out++ = L'\\';
      if (n_slash % 2) {
        *out++ = L'"';
        p++;
      } else if (is_quoted && p[1] == L'"') {
        *out++ = L'"';
        p += 2;
      } else {
        is_quoted = !is_quoted;
        p++;
      }
      continue;
    }
    for (size_t i = 0; i < n_slash; i++)
      *out++ = L'\\';
    if (!*p || (!is_quoted && (*p == L' ' || *p == L'\t')))
      break;
    *out++ = *p++;
  }
  *out = L'\0';
  return p;
}

static const wchar_t *skip_blanks(const wchar_t *p)
{
  while (*p == L' ' || *p == L'\t')
    p++;
  return p;
}

/* Appends one argument to *v (growing it) as UTF-8. */
static int push_arg(const wchar_t *w, char ***v, size_t *n, size_t *cap)
{
  char *s = NULL;
  int rc = pt_array_grow((void **)v, cap, *n + 2, sizeof **v);
  if (rc == 0)
    rc = pt__utf16_to_utf8(w, -1, &s);
  if (rc == 0) {
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
  }
  return rc;
}

int pt__term_split_args(const wchar_t *cmdline, int *argc, char ***argv)
{
  size_t len = wcslen(cmdline), n = 0, cap = 0;
  wchar_t *scratch = pt_malloc((len + 1) * sizeof *scratch);
  char **v = NULL;
  int rc = scratch ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  const wchar_t *p = cmdline;
  if (rc == 0) {
    p = program_name(p, scratch);
    rc = push_arg(scratch, &v, &n, &cap);
  }
  while (rc == 0 && *(p = skip_blanks(p))) {
    p = next_arg(p, scratch);
    rc = push_arg(scratch, &v, &n, &cap);
  }
  pt_free(scratch);
  if (rc == 0) {
    *argc = (int)n;
    *argv = v;
  } else {
    for (size_t i = 0; i < n; i++)
      pt_free(v[i]);
    pt_free(v);
  }
  return rc;
}

static UINT saved_output_cp;

static void restore_output_cp(void)
{
  SetConsoleOutputCP(saved_output_cp);
}

static int is_console(DWORD which)
{
  DWORD mode;
  HANDLE h = GetStdHandle(which);
  return h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

/* The console takes the UTF-8 we print; its code page is put back at
 * exit, since it outlives the program. Redirected output is untouched. */
static void console_to_utf8(void)
{
  if (!is_console(STD_OUTPUT_HANDLE) && !is_console(STD_ERROR_HANDLE))
    return;
  saved_output_cp = GetConsoleOutputCP();
  if (saved_output_cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8))
    atexit(restore_output_cp);
}

/* main's argv is in the ANSI code page, which cannot hold every file
 * name: the arguments are taken again from the UTF-16 command line. Their
 * memory lives as long as the process. */
int pt_term_init(int *argc, char ***argv)
{
  int rc = pt__term_split_args(GetCommandLineW(), argc, argv);
  if (rc == 0)
    console_to_utf8();
  return rc;
}

int pt_term_is_tty(FILE *stream)
{
  return _isatty(_fileno(stream)) != 0;
}

int pt_term_is_utf8(void)
{
  return 1;
}

int pt_term_file_path(FILE *stream, char **out)
{
  enum { CAP = 32768 }; /* the longest path Win32 knows, in UTF-16 units */
  intptr_t osf = _get_osfhandle(_fileno(stream));
  HANDLE h = (HANDLE)osf;
  if (osf == -1 || GetFileType(h) != FILE_TYPE_DISK)
    return PT_ERR(PT_ENOTFOUND, "the stream does not write to a file");
  wchar_t *w = pt_malloc(CAP * sizeof *w);
  if (!w)
    return PT_ERR(PT_ENOMEM, "out of memory");
  DWORD n = GetFinalPathNameByHandleW(h, w, CAP, FILE_NAME_NORMALIZED);
  int rc = n == 0 || n >= CAP
               ? pt__error_from_win32(GetLastError(), "cannot name", "a log")
               : pt__utf16_to_utf8(w, (int)n, out);
  if (rc == 0)
    pt__utf16_path_to_portable(*out);
  pt_free(w);
  return rc;
}

/* The console calls the handler on a thread of its own: it only sets the
 * event the waiting thread sleeps on. Other events (the console closing,
 * log-off, shutdown) keep their default, the end of the process. */
static HANDLE stop_event;

static BOOL WINAPI on_console_ctrl(DWORD type)
{
  if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT)
    return FALSE;
  SetEvent(stop_event);
  return TRUE;
}

int pt_term_stop_catch(void)
{
  if (stop_event)
    return 0;
  stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!stop_event)
    return pt__error_from_win32(GetLastError(), "cannot create an event for",
                                "Ctrl-C");
  if (!SetConsoleCtrlHandler(on_console_ctrl, TRUE))
    return pt__error_from_win32(GetLastError(), "cannot catch", "Ctrl-C");
  return 0;
}

int pt_term_stop_default(void)
{
  /* clears the process's "ignore Ctrl-C" flag; handlers stay as they are */
  if (!SetConsoleCtrlHandler(NULL, FALSE))
    return pt__error_from_win32(GetLastError(), "cannot take", "Ctrl-C");
  return 0;
}

void pt_term_stop_wait(void)
{
  /* nothing caught: Ctrl-C's default ends the process */
  WaitForSingleObject(stop_event ? stop_event : GetCurrentProcess(), INFINITE);
}
