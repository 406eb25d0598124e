/* The HTTP server (pt/server.h) against hostile clients, over real loopback
 * sockets: slow requests, idle connections, more connections than allowed,
 * half-closed sockets, pipelined garbage, oversized bodies and abrupt
 * resets. Each is closed or refused within the server's limits, and the
 * health route keeps answering others meanwhile. POSIX sockets, hence an
 * OS suite; the limits are made small so each case takes a second or so. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/server.h"
#include "pt/sys/proc.h"
#include "test_support.h"

#define HEALTH "GET /server-health-check-status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

static pt_server *start(unsigned max_conns, unsigned request_ms)
{
  pt_graph *g = NULL;
  pt_ingest_opts io = {PT_FIXTURES "/lang/c", 1, 0, NULL, 0, NULL, NULL, 0,
                       NULL, 0};
  pt_ingest_stats st;
  assert_int_equal(pt_ingest(&io, &g, &st), 0);
  pt_ingest_stats_fini(&st);
  pt_server_opts o = {.n_threads = 2, .max_connections = max_conns,
                      .request_timeout_ms = request_ms};
  pt_server *s = NULL;
  assert_int_equal(pt_server_start(&o, g, &s), 0);
  return s;
}

static int dial(const pt_server *s)
{
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)pt_server_port(s));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  return fd;
}

static void put(int fd, const char *text, size_t len)
{
  assert_int_equal(send(fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Reads until the peer closes (or resets) the connection or ms pass;
 * returns the milliseconds it took, or -1 when it stayed open. What was
 * read goes to buf (NUL-terminated, cut at size - 1). */
static long until_closed(int fd, unsigned ms, char *buf, size_t size)
{
  uint64_t t0 = pt_clock_ns();
  size_t len = 0;
  for (;;) {
    long spent = (long)((pt_clock_ns() - t0) / 1000000);
    if (spent >= (long)ms)
      break;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)(ms - spent)) <= 0)
      continue;
    char tmp[4096];
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) {
      if (buf)
        buf[len] = 0;
      return (long)((pt_clock_ns() - t0) / 1000000);
    }
    size_t take = buf && len + (size_t)n < size ? (size_t)n : 0;
    if (take)
      memcpy(buf + len, tmp, take);
    len += take;
  }
  if (buf)
    buf[len] = 0;
  return -1;
}

/* One health request on a connection of its own: its answer, in ms. */
static long health_ms(const pt_server *s)
{
  char buf[2048];
  uint64_t t0 = pt_clock_ns();
  int fd = dial(s);
  const char *req = "GET /server-health-check-status HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
  put(fd, req, strlen(req));
  assert_true(until_closed(fd, 5000, buf, sizeof buf) >= 0);
  close(fd);
  assert_non_null(strstr(buf, "HTTP/1.1 200"));
  return (long)((pt_clock_ns() - t0) / 1000000);
}

/* Slowloris: a header line now and then keeps a connection busy, never
 * idle. It is closed once its request is past due, and others are served
 * all along. */
static void http_clients__slow_request_is_closed_at_its_deadline(void **state)
{
  (void)state;
  pt_server *s = start(0, 400);
  int fd = dial(s);
  const char *line = "GET /server-health-check-status HTTP/1.1\r\n";
  put(fd, line, strlen(line));
  long closed = -1;
  for (int i = 0; i < 60 && closed < 0; i++) {
    if (send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL) != 11)
      break; /* closed meanwhile */
    assert_true(health_ms(s) < 2000);
    closed = until_closed(fd, 50, NULL, 0);
  }
  assert_true(closed >= 0 || until_closed(fd, 100, NULL, 0) >= 0);
  close(fd);
  pt_server_stop(s);
}

/* Idle connections: each is closed at its deadline, and while they are
 * open the others are answered at once. */
static void http_clients__idle_connections_leave_room_for_others(void **state)
{
  (void)state;
  enum { N = 40 };
  pt_server *s = start(64, 600);
  int fds[N];
  for (int i = 0; i < N; i++)
    fds[i] = dial(s);
  long worst = 0;
  for (int i = 0; i < 20; i++) {
    long ms = health_ms(s);
    worst = ms > worst ? ms : worst;
  }
  assert_true(worst < 2000); /* at once, but on a loaded machine */
  for (int i = 0; i < N; i++) {
    assert_true(until_closed(fds[i], 3000, NULL, 0) >= 0);
    close(fds[i]);
  }
  pt_server_stop(s);
}

/* Has the peer closed fd already? What it sent before is read away. */
static int is_closed_now(int fd)
{
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
      return 0;
    char tmp[4096];
    if (recv(fd, tmp, sizeof tmp, 0) <= 0)
      return 1;
  }
}

/* More connections than allowed: the extra one waits in the listening
 * socket's backlog, unanswered, until the idle ones are past due and
 * closed; then it is served. The wait is timed from before the idle ones
 * were dialled (none can be past due sooner, however late the server
 * accepts them on a loaded machine), and the extra one's answer comes
 * after an idle one was closed. */
static void http_clients__past_the_limit_a_connection_waits(void **state)
{
  (void)state;
  enum { N = 8 };
  pt_server *s = start(N, 800);
  int fds[N];
  uint64_t t0 = pt_clock_ns();
  for (int i = 0; i < N; i++)
    fds[i] = dial(s);
  pt_sleep_ms(100); /* all accepted, on a machine that is not loaded */
  int extra = dial(s);
  const char *req = "GET /server-health-check-status HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
  put(extra, req, strlen(req));
  char buf[2048];
  assert_true(until_closed(extra, 5000, buf, sizeof buf) >= 0);
  long waited = (long)((pt_clock_ns() - t0) / 1000000);
  assert_non_null(strstr(buf, "HTTP/1.1 200"));
  assert_true(waited >= 500); /* not before the idle ones were closed */
  int n_closed = 0;
  for (int i = 0; i < N; i++)
    n_closed += is_closed_now(fds[i]);
  assert_true(n_closed >= 1);
  close(extra);
  for (int i = 0; i < N; i++) {
    assert_true(until_closed(fds[i], 3000, NULL, 0) >= 0);
    close(fds[i]);
  }
  health_ms(s);
  pt_server_stop(s);
}

/* Half-closed sockets: a request cut short by the client's shutdown is
 * closed at its deadline; a whole one is still answered. */
static void http_clients__half_closed_socket_is_ended(void **state)
{
  (void)state;
  pt_server *s = start(0, 600);
  char buf[4096];
  int fd = dial(s);
  put(fd, "GET /server-health", 18);
  shutdown(fd, SHUT_WR);
  long t = until_closed(fd, 3000, buf, sizeof buf);
  assert_true(t >= 0);
  assert_int_equal(buf[0], 0);
  close(fd);
  fd = dial(s);
  put(fd, HEALTH, strlen(HEALTH));
  shutdown(fd, SHUT_WR);
  assert_true(until_closed(fd, 2000, buf, sizeof buf) >= 0);
  assert_non_null(strstr(buf, "HTTP/1.1 200"));
  close(fd);
  health_ms(s);
  pt_server_stop(s);
}

/* A good request followed on the same connection by garbage: the first
 * is answered, the garbage refused and the connection closed. */
static void http_clients__pipelined_garbage_is_refused(void **state)
{
  (void)state;
  pt_server *s = start(0, 5000);
  char buf[8192];
  int fd = dial(s);
  static const char garbage[] = HEALTH "\x01\xff\x00 junk\r\n\r\n";
  put(fd, garbage, sizeof garbage - 1);
  assert_true(until_closed(fd, 3000, buf, sizeof buf) >= 0);
  assert_int_equal(strncmp(buf, "HTTP/1.1 200", 12), 0);
  assert_non_null(strstr(buf + 12, "HTTP/1.1 400"));
  close(fd);
  health_ms(s);
  pt_server_stop(s);
}

/* A body far over the limit is read and dropped, never kept, and refused
 * with 413 in JSON; one that trickles in is closed at the deadline. */
static void http_clients__oversized_body_is_refused(void **state)
{
  (void)state;
  pt_server *s = start(0, 800);
  static char chunk[65536];
  memset(chunk, 'a', sizeof chunk);
  char buf[4096];
  int fd = dial(s);
  const char *head = "POST /incremental-reindex-file-update HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 16777216\r\n\r\n";
  put(fd, head, strlen(head));
  for (int i = 0; i < 256; i++)
    put(fd, chunk, sizeof chunk);
  assert_true(until_closed(fd, 3000, buf, sizeof buf) != 0);
  assert_non_null(strstr(buf, "HTTP/1.1 413"));
  assert_non_null(strstr(buf, "\"success\":false"));
  close(fd);
  fd = dial(s);
  put(fd, head, strlen(head));
  long t = -1;
  for (int i = 0; i < 40 && t < 0; i++) {
    if (send(fd, chunk, 1024, MSG_NOSIGNAL) != 1024)
      break;
    t = until_closed(fd, 100, NULL, 0);
  }
  assert_true(t >= 0 || until_closed(fd, 100, NULL, 0) >= 0);
  close(fd);
  health_ms(s);
  pt_server_stop(s);
}

/* A reset instead of a close (SO_LINGER 0), before the request ends or
 * before a large answer is read, hundreds of times: the server answers
 * on. */
static void http_clients__abrupt_resets_leave_it_answering(void **state)
{
  (void)state;
  pt_server *s = start(0, 5000);
  const char *big = "GET /code-entities-list-all?limit=10000 HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\n\r\n";
  struct linger lg = {1, 0};
  for (int i = 0; i < 300; i++) {
    int fd = dial(s);
    if (i % 2)
      put(fd, big, strlen(big));
    else
      put(fd, big, 20);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
  }
  for (int i = 0; i < 20; i++)
    health_ms(s);
  pt_server_stop(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(http_clients__slow_request_is_closed_at_its_deadline),
    cmocka_unit_test(http_clients__idle_connections_leave_room_for_others),
    cmocka_unit_test(http_clients__past_the_limit_a_connection_waits),
    cmocka_unit_test(http_clients__half_closed_socket_is_ended),
    cmocka_unit_test(http_clients__pipelined_garbage_is_refused),
    cmocka_unit_test(http_clients__oversized_body_is_refused),
    cmocka_unit_test(http_clients__abrupt_resets_leave_it_answering),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
