/* The reindex path check of pt/live_path.h: lexical rules first (no "..",
 * below the root, Windows' reserved names where they apply), then the
 * links of the nearest existing ancestor must stay below the root. */
#include <string.h>

#include "base/words.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/live_path.h"
#include "pt/sys/fs.h"

enum { NORM_OK = 0, NORM_DOTDOT = -1, NORM_NOMEM = -2, NORM_RESERVED = -3 };

static int is_sep(char c) { return c == '/' || c == '\\'; }

static int is_drive(const char *p)
{
  return ((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z') && p[1] == ':';
}

static int is_absolute(const char *p, int windows_names)
{
  return p[0] == '/' || (windows_names && is_drive(p) && p[2] == '/');
}

/* Is p the root or below it? */
static int inside(const char *root, const char *p)
{
  size_t n = strlen(root);
  if (n > 0 && root[n - 1] == '/')
    n--; /* "/" or "C:/" */
  return strncmp(p, root, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static int same_word(const char *s, size_t n, const char *word)
{
  if (strlen(word) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((s[i] | 32) != (word[i] | 32))
      return 0;
  return 1;
}

/* A DOS device name as a file name's stem (before its first dot, trailing
 * spaces dropped): Windows opens the device, whatever the folder. */
static int is_device(const char *s, size_t n)
{
  static const char *const names[] = {"con", "prn", "aux", "nul", "conin$",
                                      "conout$"};
  size_t stem = 0;
  while (stem < n && s[stem] != '.')
    stem++;
  while (stem > 0 && s[stem - 1] == ' ')
    stem--;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (same_word(s, stem, names[i]))
      return 1;
  if (stem < 4 || !(same_word(s, 3, "com") || same_word(s, 3, "lpt")))
    return 0;
  if (stem == 4 && s[3] >= '0' && s[3] <= '9')
    return 1;
  /* COM¹, COM², COM³ (U+00B9, U+00B2, U+00B3) */
  return stem == 5 && (unsigned char)s[3] == 0xc2 &&
         ((unsigned char)s[4] == 0xb9 || (unsigned char)s[4] == 0xb2 ||
          (unsigned char)s[4] == 0xb3);
}

/* A component Windows would read as another name or refuses: a device,
 * a stream (':'), a trailing dot or space, a forbidden character. */
static int is_reserved(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || strchr("<>:\"|?*", s[i]))
      return 1;
  return s[n - 1] == '.' || s[n - 1] == ' ' || is_device(s, n);
}

/* Where the path starts: "/" (or "//" for a Windows UNC name) or a drive
 * "C:/" is copied to out; returns the rest, or NULL when Windows would
 * read the start otherwise (\\?\, \\.\, a drive-relative "C:x"). */
static const char *prefix(const char *given, int windows_names, pt_buf *out,
                          int *rc)
{
  if (windows_names && is_sep(given[0]) && is_sep(given[1])) {
    if ((given[2] == '?' || given[2] == '.') && is_sep(given[3]))
      return NULL;
    *rc |= pt_buf_put(out, "/", 1);
    return given + 1; /* the second separator starts the first component */
  }
  if (windows_names && is_drive(given)) {
    if (!is_sep(given[2]))
      return NULL;
    *rc |= pt_buf_put(out, given, 2);
    return given + 2;
  }
  return given;
}

/* Folds '\' to '/', drops empty and "." components. */
static int normalise(const char *given, int windows_names, pt_buf *out)
{
  pt_buf_clear(out);
  if (windows_names && pt__utf8_invalid_at(given, strlen(given)) !=
                           strlen(given))
    return NORM_RESERVED;
  int rc = 0;
  const char *s = prefix(given, windows_names, out, &rc);
  if (!s)
    return NORM_RESERVED;
  int abs = is_sep(*s) || out->len > 0;
  while (*s) {
    while (is_sep(*s))
      s++;
    const char *e = s;
    while (*e && !is_sep(*e))
      e++;
    size_t n = (size_t)(e - s);
    if (n == 2 && s[0] == '.' && s[1] == '.')
      return NORM_DOTDOT;
    if (n > 0 && !(n == 1 && s[0] == '.')) {
      if (windows_names && is_reserved(s, n))
        return NORM_RESERVED;
      if (out->len > 0 || abs)
        rc |= pt_buf_putc(out, '/');
      rc |= pt_buf_put(out, s, n);
    }
    s = e;
  }
  if (abs && (out->len == 0 || (windows_names && out->len == 2)))
    rc |= pt_buf_putc(out, '/'); /* "/" or "C:/" */
  if (rc != 0 || pt_buf_grow(out, 1) != 0)
    return NORM_NOMEM;
  out->ptr[out->len] = '\0'; /* "" for an empty path */
  return NORM_OK;
}

/* Where the path really leads: realpath of the path, or of its nearest
 * existing parent when it is gone (a deleted file). */
static int resolve_existing(const char *full, char **real)
{
  pt_buf b = PT_BUF_INIT;
  int rc = pt_buf_puts(&b, full);
  while (rc == 0) {
    rc = pt_fs_realpath(b.ptr, real);
    if (rc != PT_ENOTFOUND)
      break;
    pt_error_clear();
    char *slash = strrchr(b.ptr, '/');
    if (!slash || slash == b.ptr) {
      rc = PT_ERR(PT_ENOTFOUND, "%s: no existing parent", full);
      break;
    }
    *slash = '\0';
    b.len = (size_t)(slash - b.ptr);
    rc = 0; /* try the parent */
  }
  pt_buf_fini(&b);
  return rc;
}

/* Below a root that is lexically fine: the links on the way must keep it
 * there (an error resolving them, a loop say, counts as leading out). */
static int check_links(const char *root, const char *full,
                       pt_live_path_verdict *out)
{
  char *real = NULL;
  int rc = resolve_existing(full, &real);
  if (rc == PT_ENOMEM)
    return rc;
  *out = rc == 0 && inside(root, real) ? PT_LIVE_PATH_OK
                                       : PT_LIVE_PATH_LINK_OUT;
  pt_free(real);
  pt_error_clear();
  return 0;
}

/* A normalised path that passed the lexical rules: its full path, the part
 * below the root, and where its links lead. */
static int place(const char *root, const char *norm, int windows_names,
                 pt_buf *full, const char **rel, pt_live_path_verdict *out)
{
  int abs = is_absolute(norm, windows_names);
  if (abs && !inside(root, norm)) {
    *out = PT_LIVE_PATH_OUTSIDE;
    return 0;
  }
  pt_buf_clear(full);
  int rc = abs ? pt_buf_puts(full, norm)
               : pt_buf_printf(full, "%s%s%s", root,
                               strcmp(root, "/") ? "/" : "", norm);
  if (rc != 0)
    return PT_ERR(PT_ENOMEM, "out of memory checking a path");
  size_t rl = strlen(root) - (root[strlen(root) - 1] == '/');
  *rel = full->ptr[rl] == '/' ? full->ptr + rl + 1 : full->ptr + rl;
  if (!**rel) {
    *out = PT_LIVE_PATH_ROOT;
    return 0;
  }
  return check_links(root, full->ptr, out);
}

int pt_live_path_check(const char *root, const char *given, int windows_names,
                       pt_buf *full, const char **rel,
                       pt_live_path_verdict *out)
{
  *rel = NULL;
  *out = PT_LIVE_PATH_EMPTY;
  if (!*given)
    return 0;
  pt_buf norm = PT_BUF_INIT;
  int rc = 0, n = normalise(given, windows_names, &norm);
  if (n == NORM_NOMEM)
    rc = PT_ERR(PT_ENOMEM, "out of memory checking a path");
  else if (n == NORM_DOTDOT)
    *out = PT_LIVE_PATH_DOTDOT;
  else if (n == NORM_RESERVED)
    *out = PT_LIVE_PATH_RESERVED;
  else
    rc = place(root, norm.ptr, windows_names, full, rel, out);
  pt_buf_fini(&norm);
  if (rc != 0 || *out != PT_LIVE_PATH_OK)
    *rel = NULL;
  return rc;
}
