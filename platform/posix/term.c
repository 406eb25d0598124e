/* pt/sys/term.h on POSIX: console facts, and SIGINT and SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/term.h"

int pt_term_init(int *argc, char ***argv)
{
  return 0; /* arguments are bytes, UTF-8 in practice; terminals take it */
}

int pt_term_is_tty(FILE *stream)
{
  return isatty(fileno(stream));
}

static int names_utf8(const char *locale)
{
  const char *dot = strchr(locale, '.');
  if (!dot)
    return 0;
  char set[8] = "";
  size_t n = 0;
  for (const char *p = dot + 1; *p && *p != '@' && n + 1 < sizeof set; p++)
    if (*p != '-')
      set[n++] = (char)tolower((unsigned char)*p);
  set[n] = '\0';
  return strcmp(set, "utf8") == 0;
}

/* Linux names an open file's path in /proc/self/fd; elsewhere there is no
 * portable way, and the stream is reported as no file. */
int pt_term_file_path(FILE *stream, char **out)
{
  struct stat st;
  char link[64];
  int fd = fileno(stream);
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return PT_ERR(PT_ENOTFOUND, "the stream does not write to a file");
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  return pt_fs_realpath(link, out);
}

int pt_term_is_utf8(void)
{
  const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *v = getenv(names[i]);
    if (v && *v)
      return names_utf8(v);
  }
  return 0;
}

/* The self-pipe: a signal handler may only do async-signal-safe things,
 * and write(2) is one. The write end never blocks: a burst of signals
 * that fills the pipe has told the reader already. */
static int stop_pipe[2] = {-1, -1};

static void on_stop_signal(int sig)
{
  int saved = errno;
  ssize_t n = write(stop_pipe[1], "", 1);
  (void)n;
  errno = saved;
  (void)sig;
}

int pt_term_stop_catch(void)
{
  if (stop_pipe[0] >= 0)
    return 0;
  if (pipe(stop_pipe) != 0)
    return pt__error_from_errno(errno, "cannot create a pipe for",
                                "stop signals");
  for (int i = 0; i < 2; i++)
    fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC);
  fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
    return pt__error_from_errno(errno, "cannot catch", "SIGINT and SIGTERM");
  return 0;
}

int pt_term_stop_default(void)
{
  struct sigaction was;
  if (sigaction(SIGINT, NULL, &was) != 0)
    return pt__error_from_errno(errno, "cannot read how it takes", "SIGINT");
  if (was.sa_handler != SIG_IGN)
    return 0; /* the default, or already caught */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGINT, &sa, NULL) != 0)
    return pt__error_from_errno(errno, "cannot take", "SIGINT");
  return 0;
}

void pt_term_stop_wait(void)
{
  char c;
  if (stop_pipe[0] < 0) /* nothing caught: a signal's default ends us */
    for (;;)
      pause();
  /* anything but EINTR cannot happen on our pipe: stopping beats spinning */
  while (read(stop_pipe[0], &c, 1) < 0 && errno == EINTR)
    ;
}
