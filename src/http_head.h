/* The request head of HTTP/1.1 (RFC 9112), checked strictly before libwebsockets sees a connection: framing, sizes, methods.
 *
 * libwebsockets 4.1 answers many malformed or ambiguous heads with silence (two different
 * Content-Length headers, chunked bodies, CONNECT, an 8 KB request line, pipelined GETs...).
 * src/front_door.c reads each connection's first head itself and refuses such requests with
 * the right status before lws gets the socket. Pure C, no lws; unit-tested and fuzzed. */
#ifndef CHARTD_HTTP_HEAD_H
#define CHARTD_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_LINE 8192  /* request line: past it 414 */
#define HTTP_MAX_HEAD 16384 /* request line + headers: past it 431 */

enum http_verdict { HTTP_HEAD_INCOMPLETE = 0, HTTP_HEAD_OK, HTTP_HEAD_REFUSED };

struct http_head {
  size_t length;             /* bytes of the head, its final empty line included */
  char method[16];
  long long content_length;  /* -1 when absent */
  bool websocket;            /* a WebSocket upgrade (GET with Upgrade: websocket) */
  /* when refused: the status, its reason phrase and a sentence for the client */
  int status;
  const char *reason;
  const char *message;
  bool allow;                /* add Allow: GET, HEAD, POST, OPTIONS (405) */
};

/* Looks at the first len bytes received on a connection. INCOMPLETE: the head has not ended
 * yet and is within the limits (read more). OK: a head chartd serves; out->length says where
 * it ends. REFUSED: out->status etc. say why; answer and close. */
enum http_verdict http_head_check(const char *buf, size_t len, struct http_head *out);

#endif
