/* Tests src/http_head.c: every framing error the issue found (duplicate or invalid
 * Content-Length, chunked bodies, a POST without a length, CONNECT, an 8 KB request line, a
 * 20 KB header) gets its status; good heads pass at any split of their bytes; random bytes
 * never crash it (see also tests/fuzz). */
#include <stdlib.h>

#include "../../src/http_head.h"
#include "check.h"

static int verdict(const char *text, int *status) {
  struct http_head h;
  enum http_verdict v = http_head_check(text, strlen(text), &h);
  *status = v == HTTP_HEAD_REFUSED ? h.status : 0;
  return v;
}

#define REFUSED(text, want)                                                                        \
  do {                                                                                             \
    int st_;                                                                                       \
    CHECK_INT(verdict(text, &st_), HTTP_HEAD_REFUSED);                                             \
    CHECK_INT(st_, want);                                                                          \
  } while (0)

#define PASSES(text)                                                                               \
  do {                                                                                             \
    int st_;                                                                                       \
    CHECK_INT(verdict(text, &st_), HTTP_HEAD_OK);                                                  \
  } while (0)

int main(void) {
  const char *post = "POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n{\"spec\":{}}";
  PASSES(post);
  struct http_head h;
  CHECK_INT(http_head_check(post, strlen(post), &h), HTTP_HEAD_OK);
  CHECK_INT(h.content_length, 11);
  CHECK_INT(h.length, strlen(post) - 11);
  CHECK_STR(h.method, "POST");
  PASSES("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  PASSES("GET /healthz HTTP/1.0\r\n\r\n");
  PASSES("\r\nGET / HTTP/1.1\nHost: x\n\n"); /* a leading empty line, bare LF line ends */
  PASSES("HEAD / HTTP/1.1\r\nHost: x\r\nAccept:  */* \r\n\r\n");
  CHECK_INT(http_head_check("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n",
                            85, &h), HTTP_HEAD_OK);
  CHECK(h.websocket);

  /* every prefix of a good head is incomplete, never refused */
  for (size_t n = 0; n < strlen(post) - 11; n++) {
    CHECK_INT(http_head_check(post, n, &h), HTTP_HEAD_INCOMPLETE);
  }

  /* framing (RFC 9112 6) */
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Length: 5\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Length: 11\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: 1 1\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  REFUSED("POST /v1/charts HTTP/1.1\r\nHost: x\r\n\r\n", 411);
  REFUSED("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 400);
  /* methods */
  REFUSED("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405);
  REFUSED("DELETE /v1/charts HTTP/1.1\r\nHost: x\r\n\r\n", 405);
  REFUSED("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 405);
  CHECK_INT(http_head_check("PUT / HTTP/1.1\r\nHost: x\r\n\r\n", 27, &h), HTTP_HEAD_REFUSED);
  CHECK(h.allow);
  /* malformed */
  REFUSED("GET / HTTP/1.1\r\n\r\n", 400);                        /* no Host */
  REFUSED("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);  /* two Hosts */
  REFUSED("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  REFUSED("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400);
  REFUSED("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  REFUSED("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
  REFUSED("GET / HTTX/1.1\r\nHost: x\r\n\r\n", 400);
  REFUSED("HELLO\r\n\r\n", 400);
  REFUSED("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400);     /* obs-fold */
  REFUSED("GET / HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n", 400);         /* space before colon */
  REFUSED("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400);       /* bare CR */
  REFUSED("GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400);
  /* sizes: 414 for the request line, 431 for the head */
  size_t big = 30000;
  char *line = malloc(big);
  memcpy(line, "GET /", 5);
  memset(line + 5, 'a', 8200);
  strcpy(line + 8205, " HTTP/1.1\r\nHost: x\r\n\r\n");
  REFUSED(line, 414);
  line[8205] = '\0'; /* still arriving, already too long */
  REFUSED(line, 414);
  strcpy(line, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
  memset(line + strlen(line), 'b', 20000);
  strcpy(line + 40 + 20000, "\r\n\r\n");
  REFUSED(line, 431);
  line[40 + 20000] = '\0'; /* no end yet, already over */
  REFUSED(line, 431);

  /* random bytes and random mutations of good heads: a verdict, within the buffer */
  srand(9112);
  for (int i = 0; i < 200000; i++) {
    size_t n = (size_t)(rand() % 600);
    if (i % 2 == 0) {
      for (size_t k = 0; k < n; k++) line[k] = (char)(rand() % 256);
    } else {
      n = strlen(post);
      memcpy(line, post, n);
      for (int m = 0; m < 3; m++) line[rand() % n] = "\r\n :\t,0aZ\x7f"[rand() % 11];
    }
    enum http_verdict v = http_head_check(line, n, &h);
    CHECK(v == HTTP_HEAD_INCOMPLETE || v == HTTP_HEAD_OK || v == HTTP_HEAD_REFUSED);
    if (v == HTTP_HEAD_OK) CHECK(h.length <= n);
    if (v == HTTP_HEAD_REFUSED) CHECK(h.status >= 400 && h.status <= 505 && h.message != NULL);
  }
  free(line);
  return check_done("test_http_head");
}
