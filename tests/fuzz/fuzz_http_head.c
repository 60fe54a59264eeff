/* libFuzzer harness for src/http_head.c, the front door's check of every connection's first
 * request head (it runs on every byte a client sends before lws sees it). The input is
 * checked from an exact-size copy (a read past the end is an ASan report), whole and at a
 * split point, and the verdicts must agree with what a head is: a prefix of a complete head
 * is never refused for being incomplete, and a head that passes ends inside the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *copy = malloc(size ? size : 1);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  struct http_head h;
  enum http_verdict whole = http_head_check(copy, size, &h);
  if (whole == HTTP_HEAD_OK) {
    if (h.length == 0 || h.length > size) abort();
    /* the head alone passes too, with the same length */
    struct http_head again;
    if (http_head_check(copy, h.length, &again) != HTTP_HEAD_OK || again.length != h.length) abort();
  }
  if (whole == HTTP_HEAD_REFUSED && (h.status < 400 || h.status > 505 || h.message == NULL)) abort();
  free(copy);
  return 0;
}
