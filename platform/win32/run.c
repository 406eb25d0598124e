/* pt/sys/run.h on Windows: CreateProcessW with a command line quoted as
 * the C runtime splits it (no cmd.exe), stdin from NUL and stdout and
 * stderr into pipes, the only handles the child inherits (a handle list).
 * Both pipes are drained with PeekNamedPipe while waiting on the process,
 * so neither can fill and block the child; past the timeout it is
 * terminated. */
#include "error_win32.h" /* first: it sets the Windows API level */

#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/run.h"
#include "run_keep.h"
#include "utf16.h"

/* Appends one argument to the command line at *p, quoted when it has
 * blanks or quotes: backslashes are literal except before a quote, where
 * they are doubled (and the quote escaped). */
static char *quote(char *p, const char *a)
{
  if (*a && !strpbrk(a, " \t\n\v\"")) {
    size_t n = strlen(a);
    memcpy(p, a, n);
    return p + n;
  }
  *p++ = '"';
  for (;;) {
    size_t bs = 0;
    while (*a == '\\') {
      a++;
      bs++;
    }
    if (!*a) {
      for (size_t i = 0; i < bs * 2; i++)
        *p++ = '\\';
      break;
    }
    if (*a == '"') {
      for (size_t i = 0; i < bs * 2 + 1; i++)
        *p++ = '\\';
    } else {
      for (size_t i = 0; i < bs; i++)
        *p++ = '\\';
    }
    *p++ = *a++;
  }
  *p++ = '"';
  return p;
}

static int command_line(const char *const *argv, wchar_t **out)
{
  size_t n = 1;
  for (size_t i = 0; argv[i]; i++)
    n += strlen(argv[i]) * 2 + 3;
  char *s = pt_malloc(n), *p = s;
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; argv[i]; i++) {
    if (i)
      *p++ = ' ';
    p = quote(p, argv[i]);
  }
  *p = '\0';
  int rc = pt__utf16_from_utf8(s, out);
  pt_free(s);
  return rc;
}

/* Reads what the pipe holds now: 1 when it had bytes, 0 when none, -1 at
 * its end (closed and set to NULL), or a PT_E* code. */
static int drain(HANDLE *h, char **buf, size_t *len, size_t *cap, size_t max,
                 int *cut)
{
  char b[16384];
  DWORD avail = 0, got = 0;
  if (!PeekNamedPipe(*h, NULL, 0, NULL, &avail, NULL) ||
      (avail && !ReadFile(*h, b, avail < sizeof b ? avail : sizeof b, &got,
                          NULL))) {
    CloseHandle(*h);
    *h = NULL;
    return -1; /* ERROR_BROKEN_PIPE: every writer is gone */
  }
  if (!got)
    return 0;
  int rc = pt__run_keep(buf, len, cap, max, b, got, cut);
  return rc ? rc : 1;
}

int pt_run(const pt_run_opts *o, pt_run_result *out)
{
  memset(out, 0, sizeof *out);
  if (!o->argv || !o->argv[0])
    return PT_ERR(PT_EINVAL, "run: no program given");
  const char *prog = o->argv[0];
  HANDLE or = NULL, ow = NULL, er = NULL, ew = NULL, nul = INVALID_HANDLE_VALUE;
  wchar_t *cmd = NULL, *dir = NULL;
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
  PROCESS_INFORMATION pi = {0};
  size_t out_cap = 0, err_cap = 0;
  int rc = command_line(o->argv, &cmd);
  if (rc == 0 && o->dir && (rc = pt__utf16_from_utf8(o->dir, &dir)) == 0)
    for (wchar_t *c = dir; *c; c++)
      if (*c == L'/')
        *c = L'\\';
  if (rc)
    goto done;
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  if (!CreatePipe(&or, &ow, &sa, 65536) || !CreatePipe(&er, &ew, &sa, 65536)) {
    rc = pt__error_from_win32(GetLastError(), "run: pipe for", prog);
    goto done;
  }
  SetHandleInformation(or, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(er, HANDLE_FLAG_INHERIT, 0);
  nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    &sa, OPEN_EXISTING, 0, NULL);
  if (nul == INVALID_HANDLE_VALUE) {
    rc = pt__error_from_win32(GetLastError(), "run: open NUL for", prog);
    goto done;
  }
  HANDLE inherit[3] = {nul, ow, ew};
  SIZE_T asize = 0;
  InitializeProcThreadAttributeList(NULL, 1, 0, &asize);
  attrs = pt_malloc(asize);
  if (!attrs) {
    rc = PT_ERR(PT_ENOMEM, "out of memory");
    goto done;
  }
  if (!InitializeProcThreadAttributeList(attrs, 1, 0, &asize)) {
    pt_free(attrs);
    attrs = NULL;
    rc = pt__error_from_win32(GetLastError(), "run: attributes for", prog);
    goto done;
  }
  if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                 inherit, sizeof inherit, NULL, NULL)) {
    rc = pt__error_from_win32(GetLastError(), "run: attributes for", prog);
    goto done;
  }
  STARTUPINFOEXW si;
  memset(&si, 0, sizeof si);
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = nul;
  si.StartupInfo.hStdOutput = ow;
  si.StartupInfo.hStdError = ew;
  si.lpAttributeList = attrs;
  if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE,
                      CREATE_NO_WINDOW | EXTENDED_STARTUPINFO_PRESENT, NULL,
                      dir, &si.StartupInfo, &pi)) {
    DWORD e = GetLastError();
    if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
      rc = PT_ERR(PT_ENOTFOUND, "run %s: program not found", prog);
    else
      rc = pt__error_from_win32(e, "run: start", prog);
    goto done;
  }
  CloseHandle(ow);
  CloseHandle(ew);
  ow = ew = NULL;

  ULONGLONG deadline = o->timeout_ms ? GetTickCount64() + o->timeout_ms : 0;
  while (or || er) {
    int a = 0, b = 0;
    if (or)
      a = drain(&or, &out->out, &out->out_len, &out_cap, o->out_max,
                &out->is_truncated);
    if (a >= -1 && er)
      b = drain(&er, &out->err, &out->err_len, &err_cap, PT_RUN_ERR_MAX,
                NULL);
    if (a < -1 || b < -1) {
      rc = a < -1 ? a : b;
      TerminateProcess(pi.hProcess, 1);
      break;
    }
    if (a == 1 || b == 1)
      continue;
    if (deadline && GetTickCount64() >= deadline) {
      TerminateProcess(pi.hProcess, 1);
      rc = PT_ERR(PT_EBUSY, "run %s: still running after %u ms, killed", prog,
                  o->timeout_ms);
      break;
    }
    if (or || er)
      WaitForSingleObject(pi.hProcess, 5);
  }
  WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 0;
  GetExitCodeProcess(pi.hProcess, &code);
  out->exit_code = (int)code;
  if (rc == 0 && !out->out)
    rc = pt__run_keep(&out->out, &out->out_len, &out_cap, 1, "", 0, NULL);
  if (rc == 0 && !out->err)
    rc = pt__run_keep(&out->err, &out->err_len, &err_cap, 1, "", 0, NULL);
done:
  if (pi.hThread)
    CloseHandle(pi.hThread);
  if (pi.hProcess)
    CloseHandle(pi.hProcess);
  if (attrs) {
    DeleteProcThreadAttributeList(attrs);
    pt_free(attrs);
  }
  HANDLE hs[4] = {or, ow, er, ew};
  for (int i = 0; i < 4; i++)
    if (hs[i])
      CloseHandle(hs[i]);
  if (nul != INVALID_HANDLE_VALUE)
    CloseHandle(nul);
  pt_free(cmd);
  pt_free(dir);
  if (rc)
    pt_run_result_fini(out);
  return rc;
}
