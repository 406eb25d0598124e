/* `service status`'s one HTTP request (posix_service.h): GET the health
 * endpoint of the served index on the loopback address, with a deadline on
 * every step so a hung server cannot hang the command. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posix_service.h"
#include "pt/error.h"

/* A peer gone mid-request must be an error, not SIGPIPE: Linux says so per
 * send, macOS per socket (SO_NOSIGPIPE, set in connect_to). */
#ifdef MSG_NOSIGNAL
#define NO_SIGPIPE MSG_NOSIGNAL
#else
#define NO_SIGPIPE 0
#endif

static int wait_fd(int fd, short events, unsigned timeout_ms)
{
  struct pollfd p = {fd, events, 0};
  int n;
  while ((n = poll(&p, 1, (int)timeout_ms)) < 0 && errno == EINTR)
    ;
  if (n == 0)
    return PT_ERR(PT_EIO, "no answer within %u ms", timeout_ms);
  return n < 0 ? PT_ERR(PT_EIO, "poll: %s", strerror(errno)) : 0;
}

static int connect_to(int fd, unsigned port, unsigned timeout_ms)
{
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
    return 0;
  if (errno != EINPROGRESS)
    return PT_ERR(PT_EIO, "127.0.0.1:%u: %s", port, strerror(errno));
  int rc = wait_fd(fd, POLLOUT, timeout_ms);
  int soerr = 0;
  socklen_t len = sizeof soerr;
  if (rc == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
      soerr)
    rc = PT_ERR(PT_EIO, "127.0.0.1:%u: %s", port, strerror(soerr));
  return rc;
}

static int exchange(int fd, unsigned port, unsigned timeout_ms, pt_buf *resp)
{
  char req[160], chunk[4096];
  pt_snprintf(req, sizeof req, "GET /server-health-check-status HTTP/1.0\r\n"
              "Host: 127.0.0.1:%u\r\n\r\n", port);
  ssize_t len = (ssize_t)strlen(req);
  if (send(fd, req, (size_t)len, NO_SIGPIPE) != len)
    return PT_ERR(PT_EIO, "127.0.0.1:%u: send: %s", port, strerror(errno));
  int rc = 0;
  while (rc == 0 && resp->len < (1u << 20)) {
    rc = wait_fd(fd, POLLIN, timeout_ms);
    ssize_t n = rc ? 0 : recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno != EINTR && errno != EAGAIN)
      rc = PT_ERR(PT_EIO, "127.0.0.1:%u: recv: %s", port, strerror(errno));
    else if (n == 0 && rc == 0)
      break;
    else if (n > 0)
      rc = pt_buf_put(resp, chunk, (size_t)n);
  }
  return rc;
}

static int split(const pt_buf *resp, unsigned port, int *status, pt_buf *body)
{
  const char *t = pt_buf_cstr(resp);
  const char *sp = strchr(t, ' ');
  const char *end = strstr(t, "\r\n\r\n");
  if (strncmp(t, "HTTP/1.", 7) != 0 || !sp || !end)
    return PT_ERR(PT_EIO, "127.0.0.1:%u does not answer HTTP", port);
  *status = (int)strtol(sp + 1, NULL, 10);
  return pt_buf_puts(body, end + 4);
}

int pt__posix_health(unsigned port, unsigned timeout_ms, int *status,
                     pt_buf *body)
{
  pt_buf resp = PT_BUF_INIT;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int rc = fd < 0 ? PT_ERR(PT_EIO, "socket: %s", strerror(errno)) : 0;
  if (rc == 0)
    rc = connect_to(fd, port, timeout_ms);
  if (rc == 0)
    rc = exchange(fd, port, timeout_ms, &resp);
  if (rc == 0)
    rc = split(&resp, port, status, body);
  if (fd >= 0)
    close(fd);
  pt_buf_fini(&resp);
  return rc;
}
