/* pt/sys/net.h on POSIX: IPv4 and IPv6 listening sockets, and the
 * loopback client of the service's probes. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "error_posix.h"
#include "pt/error.h"
#include "pt/sys/net.h"

int pt_net_listen(const char *addr, unsigned port, uint64_t *sock_out)
{
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (port > 65535)
    return PT_ERR(PT_EINVAL, "port %u is out of range", port);
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
      return PT_ERR(PT_EINVAL, "'%s' is not an IPv6 address", addr);
    len = sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
      return PT_ERR(PT_EINVAL, "'%s' is not an IPv4 address", addr);
    len = sizeof *a4;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot create a socket for", addr);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 128) != 0) {
    int err = errno;
    close(fd);
    if (err == EADDRINUSE)
      return PT_ERR(PT_EEXISTS, "%s:%u is in use", addr, port);
    return pt__error_from_errno(err, "cannot listen on", addr);
  }
  *sock_out = (uint64_t)fd;
  return 0;
}

int pt_net_local_port(uint64_t sock, unsigned *port_out)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname((int)sock, (struct sockaddr *)&ss, &len) != 0)
    return pt__error_from_errno(errno, "cannot read the port of",
                                "a listening socket");
  *port_out = ss.ss_family == AF_INET6
                  ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  return 0;
}

void pt_net_shutdown(uint64_t sock)
{
  shutdown((int)sock, SHUT_RDWR);
}

void pt_net_close(uint64_t sock)
{
  close((int)sock);
}

static int client_addr(const char *addr, unsigned port,
                       struct sockaddr_storage *ss, socklen_t *len)
{
  memset(ss, 0, sizeof *ss);
  if (port > 65535)
    return PT_ERR(PT_EINVAL, "port %u is out of range", port);
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  if (strchr(addr, ':')) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *len = sizeof *a6;
    if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1)
      return 0;
  } else {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *len = sizeof *a4;
    if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1)
      return 0;
  }
  return PT_ERR(PT_EINVAL, "'%s' is not an IP address", addr);
}

static int exchange(int fd, const char *addr, unsigned port,
                    const char *request, char *buf, size_t size, size_t *len)
{
  size_t n = strlen(request), off = 0;
  while (off < n) {
    ssize_t w = send(fd, request + off, n - off, MSG_NOSIGNAL);
    if (w <= 0)
      return PT_ERR(PT_EIO, "%s:%u: cannot send the request", addr, port);
    off += (size_t)w;
  }
  *len = 0;
  for (;;) {
    char scratch[512];
    int full = *len + 1 >= size;
    ssize_t r = full ? recv(fd, scratch, sizeof scratch, 0)
                     : recv(fd, buf + *len, size - 1 - *len, 0);
    if (r == 0)
      break;
    if (r < 0)
      return PT_ERR(PT_EIO, "%s:%u: no whole answer in time", addr, port);
    if (!full)
      *len += (size_t)r;
  }
  buf[*len] = '\0';
  return 0;
}

int pt_net_request(const char *addr, unsigned port, const char *request,
                   unsigned timeout_ms, char *buf, size_t size,
                   size_t *len_out)
{
  struct sockaddr_storage ss;
  socklen_t sl = 0;
  if (size == 0)
    return PT_ERR(PT_EINVAL, "pt_net_request: no room for the answer");
  buf[0] = '\0';
  int rc = client_addr(addr, port, &ss, &sl);
  if (rc)
    return rc;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return pt__error_from_errno(errno, "cannot create a socket for", addr);
  struct timeval tv = {(time_t)(timeout_ms / 1000),
                       (suseconds_t)(timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  size_t len = 0;
  if (connect(fd, (struct sockaddr *)&ss, sl) != 0)
    rc = PT_ERR(PT_EIO, "nothing answers on %s:%u (%s)", addr, port,
                strerror(errno));
  else
    rc = exchange(fd, addr, port, request, buf, size, &len);
  close(fd);
  if (rc == 0 && len_out)
    *len_out = len;
  return rc;
}
