/* The front door: chartd's own listening socket, where every connection's first request head is checked (src/http_head.c) before libwebsockets gets it.
 *
 * A thread accepts connections and reads each one's head with epoll (no thread per
 * connection, so slow or silent sockets cost a buffer, and are closed after
 * FRONT_HEAD_TIMEOUT_MS). A head that breaks RFC 9112 framing or chartd's limits is
 * answered here (400, 405, 411, 414, 431, 501, 505, with Connection: close) and closed; the
 * others are handed to the lws service thread untouched (the head is only peeked), which
 * adopts them (lws_adopt_socket). lws answers the first request with Connection: close and
 * closes (src/server.c), so pipelined requests after it are closed with that status line,
 * as RFC 9112 9.3.2 allows, and no request reaches lws unchecked.
 *
 * Threads: front_door_start/stop from the main thread; front_door_take on the lws service
 * thread only; ready() is called on the front door's thread. */
#ifndef CHARTD_FRONT_DOOR_H
#define CHARTD_FRONT_DOOR_H

#include <stddef.h>

#define FRONT_HEAD_TIMEOUT_MS 10000 /* a socket that sends no complete head in 10 s is closed */

struct front_door_options {
  const char *bind; /* an IPv4 or IPv6 address */
  int port;
  void (*ready)(void *ud); /* a connection is waiting for front_door_take (wake the service thread) */
  void *ud;
};

/* Binds and listens (exit-worthy errors come back in err), then starts the thread. */
int front_door_start(const struct front_door_options *o, char *err, size_t errlen);

/* The next connection for lws: returns its fd, or -1 when none is waiting. *buf starts with
 * its first request head (*head_len bytes, for a look at the raw request line); *len is how
 * many bytes of buf were consumed from the socket (none: 0). Free *buf. */
int front_door_take(char **buf, size_t *len, size_t *head_len);

/* SIGTERM: from now on WebSocket upgrades and POSTs are answered 503 (Retry-After: 1) so a
 * proxy retries them on another instance; other requests (probes) still reach lws. Any thread. */
void front_door_drain(void);

/* Stops accepting, closes the listening socket and every connection not yet handed over. */
void front_door_stop(void);

#endif
