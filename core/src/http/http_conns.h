/* Deadlines for the HTTP server's connections (http_conns.c). libmicrohttpd
 * closes a connection idle for its timeout, but a client that trickles a
 * byte now and then is never idle, and could keep one of the server's
 * connections for hours. So each connection must bring a whole request
 * (line, headers and body) within head_ms of opening or of its last
 * answer; a watchman thread shuts down the socket of one that does not,
 * and libmicrohttpd, reading the end of its stream, closes it. */
#ifndef PT_HTTP_CONNS_H
#define PT_HTTP_CONNS_H

#include <stdint.h>

typedef struct pt_conns pt_conns;

/* A table of max connections, and its watchman thread, started. */
int pt__conns_new(unsigned max, unsigned head_ms, pt_conns **out);
/* Stops the watchman and frees the table. Accepts NULL. */
void pt__conns_free(pt_conns *cs);

/* A connection opened on sock: its request is due within head_ms. *slot
 * is what the other calls take (NULL when the table is full, which the
 * server's connection limit prevents). */
void pt__conns_opened(pt_conns *cs, const void *conn, uint64_t sock,
                      void **slot);
/* It closed; *slot is cleared. Before its socket is closed, so the
 * watchman never shuts down a socket number reused since. */
void pt__conns_closed(pt_conns *cs, void **slot);
/* Its request came in whole: no deadline while it is answered (the
 * server's idle timeout still holds). */
void pt__conns_request_in(pt_conns *cs, void *slot, const void *conn);
/* Its answer is done: the next request is due within head_ms. */
void pt__conns_answered(pt_conns *cs, void *slot, const void *conn);
/* Connections shut down for missing their deadline so far. */
uint64_t pt__conns_n_cut(pt_conns *cs);

#endif
