/* Listening sockets for the HTTP server. The socket travels through core
 * as an opaque number (an fd on POSIX, a SOCKET on Windows) that is handed
 * to libmicrohttpd as it is. */
#ifndef PT_SYS_NET_H
#define PT_SYS_NET_H

#include <stdint.h>

/* Binds and listens on addr:port ("127.0.0.1", "::1", "0.0.0.0").
 * PT_EEXISTS when the address is in use, PT_EINVAL for a malformed
 * address, PT_EIO with the OS text otherwise. */
int pt_net_listen(const char *addr, unsigned port, uint64_t *sock_out);
void pt_net_close(uint64_t sock);

#endif
