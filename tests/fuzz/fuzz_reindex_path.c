/* libFuzzer: the reindex path check (pt/live_path.h) over a real folder
 * holding files and links that lead in, out, nowhere and round in a loop.
 * The first byte picks POSIX or Windows naming rules; the rest is the path
 * a client names. Oracle, when the path is accepted: it is the root plus a
 * clean relative path, where it leads (links resolved by the C library) is
 * below the root, and under Windows rules no component is a device, a
 * stream, a name with a trailing dot or space or a refused character. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/live_path.h"

static char root[4096];
static char top[256];

static void remove_tree(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
  if (system(cmd) != 0)
    fprintf(stderr, "fuzz_reindex_path: cannot remove %s\n", top);
}

static void make(const char *rel, const char *link_to)
{
  char p[4400];
  snprintf(p, sizeof p, "%s/%s", top, rel);
  if (link_to ? symlink(link_to, p) != 0 : fclose(fopen(p, "w")) != 0)
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  snprintf(top, sizeof top, "/tmp/pt-fuzz-path-%ld", (long)getpid());
  char sub[300];
  snprintf(sub, sizeof sub, "%s/sub", top);
  remove_tree();
  if (mkdir(top, 0700) != 0 || mkdir(sub, 0700) != 0)
    abort();
  atexit(remove_tree);
  make("a.c", NULL);
  make("sub/b.c", NULL);
  make("out", "/tmp");
  make("up", "..");
  make("in", "sub");
  make("loop", "loop");
  make("dangling", "/nonexistent/x.c");
  make("sub/back", "../a.c");
  if (!realpath(top, root))
    abort();
  return 0;
}

static void fail(const char *why, const char *given, const char *full)
{
  fprintf(stderr, "fuzz_reindex_path: %s\ngiven: '%s'\nfull: '%s'\n", why,
          given, full);
  abort();
}

/* An independent statement of Windows' rules for one name. */
static int windows_refuses(const char *s, size_t n)
{
  static const char *const dev[] = {"con", "prn", "aux", "nul", "conin$",
                                    "conout$"};
  char stem[16];
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 32 || memchr("<>:\"|?*", s[i], 7))
      return 1;
  if (s[n - 1] == '.' || s[n - 1] == ' ')
    return 1;
  size_t len = 0;
  while (len < n && s[len] != '.')
    len++;
  while (len > 0 && s[len - 1] == ' ')
    len--;
  if (len >= sizeof stem)
    return 0; /* longer than any device name */
  for (; k < len; k++)
    stem[k] = s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] + 32) : s[k];
  stem[k] = '\0';
  for (size_t i = 0; i < 6; i++)
    if (!strcmp(stem, dev[i]))
      return 1;
  if ((!strncmp(stem, "com", 3) || !strncmp(stem, "lpt", 3)) &&
      (!strcmp(stem + 3, "\xc2\xb9") || !strcmp(stem + 3, "\xc2\xb2") ||
       !strcmp(stem + 3, "\xc2\xb3") ||
       (k == 4 && stem[3] >= '0' && stem[3] <= '9')))
    return 1;
  return 0;
}

/* Where `full` leads, by the C library: realpath of its nearest existing
 * ancestor; 1 when below the root. */
static int leads_inside(const char *full)
{
  char tmp[8192], real[4096];
  snprintf(tmp, sizeof tmp, "%s", full);
  for (;;) {
    if (realpath(tmp, real)) {
      size_t n = strlen(root);
      return !strncmp(real, root, n) && (real[n] == '\0' || real[n] == '/');
    }
    char *slash = strrchr(tmp, '/');
    if (!slash || slash == tmp)
      return 0;
    *slash = '\0';
  }
}

static void check_accepted(const char *given, const char *full,
                           const char *rel, int windows_names)
{
  size_t n = strlen(root);
  if (!rel || strncmp(full, root, n) != 0 || full[n] != '/' ||
      rel != full + n + 1)
    fail("accepted, but not the root plus a relative path", given, full);
  for (const char *s = rel;;) {
    const char *e = strchr(s, '/');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == 0 || (len == 1 && s[0] == '.') ||
        (len == 2 && s[0] == '.' && s[1] == '.') || memchr(s, '\\', len))
      fail("accepted with an empty, '.', '..' or '\\' component", given,
           full);
    if (windows_names && windows_refuses(s, len))
      fail("accepted a name Windows reads otherwise", given, full);
    if (!e)
      break;
    s = e + 1;
  }
  if (!leads_inside(full))
    fail("accepted, but it leads out of the root", given, full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  int windows_names = data[0] & 1;
  char *given = malloc(size);
  if (!given)
    return 0;
  memcpy(given, data + 1, size - 1);
  given[size - 1] = '\0';
  pt_buf full = PT_BUF_INIT;
  const char *rel = NULL;
  pt_live_path_verdict v;
  if (pt_live_path_check(root, given, windows_names, &full, &rel, &v) != 0)
    fail("an error other than a verdict", given, "");
  if (v == PT_LIVE_PATH_OK)
    check_accepted(given, full.ptr, rel, windows_names);
  else if (rel)
    fail("refused, but a relative path is given back", given, "");
  pt_error_clear();
  pt_buf_fini(&full);
  free(given);
  return 0;
}
