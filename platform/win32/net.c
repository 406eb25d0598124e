/* pt/sys/net.h on Windows: Winsock listening sockets, and the loopback
 * client of the service's probes. The SOCKET travels through core as a
 * uint64_t and reaches libmicrohttpd as its MHD_socket. */
#include "error_win32.h" /* first: it sets the Windows API level */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <string.h>

#include "pt/error.h"
#include "pt/sys/net.h"

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static int startup_error;

/* Winsock must be started once per process before any socket call; it is
 * never cleaned up, as the process keeps its sockets to the end. */
static BOOL CALLBACK start_winsock(PINIT_ONCE o, PVOID param, PVOID *ctx)
{
  WSADATA data;
  startup_error = WSAStartup(MAKEWORD(2, 2), &data);
  return TRUE;
}

static int parse_addr(const char *addr, unsigned port,
                      struct sockaddr_storage *ss, int *len)
{
  memset(ss, 0, sizeof *ss);
  if (port > 65535)
    return PT_ERR(PT_EINVAL, "port %u is out of range", port);
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((u_short)port);
    if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
      return PT_ERR(PT_EINVAL, "'%s' is not an IPv6 address", addr);
    *len = (int)sizeof *a6;
  } else {
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((u_short)port);
    if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
      return PT_ERR(PT_EINVAL, "'%s' is not an IPv4 address", addr);
    *len = (int)sizeof *a4;
  }
  return 0;
}

/* SO_EXCLUSIVEADDRUSE: no other process may bind the same port beside us
 * (Windows' SO_REUSEADDR would allow exactly that). A port held that way
 * by someone else fails with WSAEACCES, which means "in use" too. */
static int bind_listen(SOCKET s, const struct sockaddr_storage *ss, int len,
                       const char *addr, unsigned port)
{
  BOOL one = TRUE;
  SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
  setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one,
             sizeof one);
  if (bind(s, (const struct sockaddr *)ss, len) == 0 && listen(s, 128) == 0)
    return 0;
  int err = WSAGetLastError();
  if (err == WSAEADDRINUSE || err == WSAEACCES)
    return PT_ERR(PT_EEXISTS, "%s:%u is in use", addr, port);
  return pt__error_from_win32((DWORD)err, "cannot listen on", addr);
}

int pt_net_listen(const char *addr, unsigned port, uint64_t *sock_out)
{
  struct sockaddr_storage ss;
  int len = 0;
  InitOnceExecuteOnce(&once, start_winsock, NULL, NULL);
  if (startup_error)
    return pt__error_from_win32((DWORD)startup_error, "cannot start Winsock",
                                "for a listening socket");
  int rc = parse_addr(addr, port, &ss, &len);
  if (rc)
    return rc;
  SOCKET s = socket(ss.ss_family, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET)
    return pt__error_from_win32((DWORD)WSAGetLastError(),
                                "cannot create a socket for", addr);
  rc = bind_listen(s, &ss, len, addr, port);
  if (rc)
    closesocket(s);
  else
    *sock_out = (uint64_t)s;
  return rc;
}

int pt_net_local_port(uint64_t sock, unsigned *port_out)
{
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (getsockname((SOCKET)sock, (struct sockaddr *)&ss, &len) != 0)
    return pt__error_from_win32((DWORD)WSAGetLastError(),
                                "cannot read the port of",
                                "a listening socket");
  *port_out = ss.ss_family == AF_INET6
                  ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  return 0;
}

void pt_net_shutdown(uint64_t sock)
{
  shutdown((SOCKET)sock, SD_BOTH);
}

void pt_net_close(uint64_t sock)
{
  closesocket((SOCKET)sock);
}

static int exchange(SOCKET s, const char *addr, unsigned port,
                    const char *request, char *buf, size_t size, size_t *len)
{
  size_t n = strlen(request), off = 0;
  while (off < n) {
    int w = send(s, request + off, (int)(n - off), 0);
    if (w <= 0)
      return PT_ERR(PT_EIO, "%s:%u: cannot send the request", addr, port);
    off += (size_t)w;
  }
  *len = 0;
  for (;;) {
    char scratch[512];
    int full = *len + 1 >= size;
    int r = full ? recv(s, scratch, (int)sizeof scratch, 0)
                 : recv(s, buf + *len, (int)(size - 1 - *len), 0);
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
  int sl = 0;
  if (size == 0)
    return PT_ERR(PT_EINVAL, "pt_net_request: no room for the answer");
  buf[0] = '\0';
  InitOnceExecuteOnce(&once, start_winsock, NULL, NULL);
  if (startup_error)
    return pt__error_from_win32((DWORD)startup_error, "cannot start Winsock",
                                "for a client socket");
  int rc = parse_addr(addr, port, &ss, &sl);
  if (rc)
    return rc;
  SOCKET s = socket(ss.ss_family, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET)
    return pt__error_from_win32((DWORD)WSAGetLastError(),
                                "cannot create a socket for", addr);
  SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
  DWORD ms = timeout_ms;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms);
  size_t len = 0;
  if (connect(s, (const struct sockaddr *)&ss, sl) != 0)
    rc = PT_ERR(PT_EIO, "nothing answers on %s:%u (Winsock error %d)", addr,
                port, WSAGetLastError());
  else
    rc = exchange(s, addr, port, request, buf, size, &len);
  closesocket(s);
  if (rc == 0 && len_out)
    *len_out = len;
  return rc;
}
