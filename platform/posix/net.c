/* pt/sys/net.h on POSIX: IPv4 and IPv6 listening sockets. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
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

void pt_net_close(uint64_t sock)
{
  close((int)sock);
}
