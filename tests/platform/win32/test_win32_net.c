/* pt/sys/net.h on Windows: Winsock listening sockets. A port another
 * socket holds is PT_EEXISTS (the HTTP server's port scan moves on only
 * for that code), even though SO_EXCLUSIVEADDRUSE makes Windows say
 * "access denied"; a malformed address is PT_EINVAL; a listening socket
 * accepts connections. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <string.h>

#include "pt/error.h"
#include "pt/sys/net.h"
#include "test_support.h"

#define FIRST_PORT 47800

/* A free port from FIRST_PORT up, listened on. */
static unsigned listen_somewhere(uint64_t *sock)
{
  for (unsigned p = FIRST_PORT; p < FIRST_PORT + 100; p++) {
    if (pt_net_listen("127.0.0.1", p, sock) == 0)
      return p;
    pt_error_clear();
  }
  fail_msg("no free port from %u", FIRST_PORT);
  return 0;
}

static void net_listen__accepts_connections(void **state)
{
  uint64_t sock = 0;
  unsigned port = listen_somewhere(&sock);
  SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  assert_true(c != INVALID_SOCKET);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((u_short)port);
  assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
  assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
  SOCKET s = accept((SOCKET)sock, NULL, NULL);
  assert_true(s != INVALID_SOCKET);
  closesocket(s);
  closesocket(c);
  pt_net_close(sock);
}

static void net_listen__port_in_use_is_eexists(void **state)
{
  uint64_t first = 0, second = 0;
  unsigned port = listen_somewhere(&first);
  assert_int_equal(pt_net_listen("127.0.0.1", port, &second), PT_EEXISTS);
  assert_non_null(strstr(pt_error_last()->message, "in use"));
  pt_error_clear();
  pt_net_close(first);
}

static void net_listen__port_is_free_again_after_close(void **state)
{
  uint64_t sock = 0;
  unsigned port = listen_somewhere(&sock);
  pt_net_close(sock);
  assert_int_equal(pt_net_listen("127.0.0.1", port, &sock), 0);
  pt_net_close(sock);
}

static void net_listen__malformed_address_is_einval(void **state)
{
  uint64_t sock = 0;
  assert_int_equal(pt_net_listen("127.0.0.300", FIRST_PORT, &sock), PT_EINVAL);
  assert_int_equal(pt_net_listen("::zz", FIRST_PORT, &sock), PT_EINVAL);
  assert_int_equal(pt_net_listen("127.0.0.1", 70000, &sock), PT_EINVAL);
  pt_error_clear();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(net_listen__accepts_connections),
      cmocka_unit_test(net_listen__port_in_use_is_eexists),
      cmocka_unit_test(net_listen__port_is_free_again_after_close),
      cmocka_unit_test(net_listen__malformed_address_is_einval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
