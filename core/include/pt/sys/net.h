/* Listening sockets for the HTTP server. The socket travels through core
 * as an opaque number (an fd on POSIX, a SOCKET on Windows) that is handed
 * to libmicrohttpd as it is. */
#ifndef PT_SYS_NET_H
#define PT_SYS_NET_H

#include <stddef.h>
#include <stdint.h>

/* Binds and listens on addr:port ("127.0.0.1", "::1", "0.0.0.0").
 * PT_EEXISTS when the address is in use, PT_EINVAL for a malformed
 * address, PT_EIO with the OS text otherwise. */
int pt_net_listen(const char *addr, unsigned port, uint64_t *sock_out);
/* The port a listening socket is bound to: the one the OS chose when it
 * was asked for port 0. PT_EIO with the OS text on failure. */
int pt_net_local_port(uint64_t sock, unsigned *port_out);
/* Shuts a connected socket down both ways without closing it: its owner
 * sees the end of the stream and closes it. Errors are ignored (the peer
 * may have gone already). */
void pt_net_shutdown(uint64_t sock);
void pt_net_close(uint64_t sock);

/* A client for loopback probes of our own server (the Windows service's
 * "does the API answer" and `service status`): connects to addr:port,
 * sends `request` whole, and reads the reply into buf (NUL-terminated,
 * cut at size - 1 bytes) until the peer closes the connection. Each step
 * waits at most timeout_ms. PT_EIO when nothing listens or the peer is
 * silent too long; PT_EINVAL for a malformed address. */
int pt_net_request(const char *addr, unsigned port, const char *request,
                   unsigned timeout_ms, char *buf, size_t size,
                   size_t *len_out);

#endif
