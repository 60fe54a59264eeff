/* libFuzzer harness for src/ws_message.c, the service thread's message reassembly and JSON
 * peeking (a crash there takes the whole server down).
 * Input: [cap][type cap][id cap] then records [ctl][n][n bytes]: ctl bit 0 = first, bit 1 =
 * final, bits 2-7 pick the frame's remaining payload (mostly 0 or small, sometimes huge). The
 * records are fed to an assembler under a small cap next to a model of what it must hold;
 * every completed message, and the input's tail as one message, is peeked from an exact-size
 * copy (a read past the end is an ASan report) with exact-size output buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws_message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const void *find(const void *hay, size_t hlen, const void *needle, size_t nlen) {
  if (nlen == 0) return hay;
  for (size_t i = 0; i + nlen <= hlen; i++)
    if (memcmp((const char *)hay + i, needle, nlen) == 0) return (const char *)hay + i;
  return NULL;
}

/* The peeks promise raw JSON string content: echoed between quotes it must be valid JSON. */
static int valid_string_body(const char *s) {
  for (; *s; s++) {
    if ((unsigned char)*s < 0x20) return 0;
    if (*s != '\\') continue;
    s++;
    if (*s == 'u') {
      for (int i = 1; i <= 4; i++)
        if (!s[i] || !strchr("0123456789abcdefABCDEF", s[i])) return 0;
      s += 4;
    } else if (!*s || !strchr("\"\\/bfnrt", *s)) {
      return 0;
    }
  }
  return 1;
}

/* A peeked value: NUL-terminated inside its buffer, valid string content, and present in the
 * text as a quoted string. */
static void check_value(const char *v, size_t cap, const char *text, size_t len) {
  const char *nul = memchr(v, '\0', cap);
  if (nul == NULL) abort();
  size_t n = (size_t)(nul - v);
  if (n == 0) return;
  if (!valid_string_body(v)) abort();
  char *quoted = malloc(n + 2);
  if (quoted == NULL) abort();
  quoted[0] = '"';
  memcpy(quoted + 1, v, n);
  quoted[n + 1] = '"';
  if (find(text, len, quoted, n + 2) == NULL) abort();
  free(quoted);
}

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void check_peeks(const uint8_t *bytes, size_t len, size_t tcap, size_t icap) {
  char *text = malloc(len ? len : 1); /* exactly len bytes: no NUL after them */
  char *type = malloc(tcap), *id = malloc(icap);
  if (text == NULL || type == NULL || id == NULL) abort();
  if (len) memcpy(text, bytes, len);

  if (ws_peek_message(text, len, type, tcap, id, icap)) {
    size_t a = 0, b = len;
    while (a < len && is_ws(text[a])) a++;
    while (b > a && is_ws(text[b - 1])) b--;
    if (b - a < 2 || text[a] != '{' || text[b - 1] != '}') abort(); /* one object, nothing around */
  }
  check_value(type, tcap, text, len);
  check_value(id, icap, text, len);

  bool reload = true, rerender = true;
  if (ws_peek_subscribe(text, len, &reload, &rerender)) {
    if (reload && find(text, len, "\"reload\"", 8) == NULL) abort();
    if (rerender && find(text, len, "true", 4) == NULL) abort();
  }
  free(text);
  free(type);
  free(id);
}

static size_t remaining_for(unsigned r) {
  if (r < 48) return r;
  if (r < 62) return (size_t)(r - 47) * 64;
  return r == 62 ? SIZE_MAX : (size_t)1 << (sizeof(size_t) * 8 - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  size_t cap = (size_t)data[0] * 4 + 1, tcap = 1 + (data[1] & 63), icap = 1 + (size_t)data[2];
  check_peeks(data + 3, size - 3, tcap, icap);

  struct ws_assembler a;
  ws_assembler_init(&a, cap);
  unsigned char *model = malloc(cap + 1); /* what the message so far must be */
  if (model == NULL) abort();
  size_t mlen = 0;
  bool mopen = false;

  size_t i = 3;
  while (i + 2 <= size) {
    unsigned ctl = data[i], n = data[i + 1];
    i += 2;
    if (n > size - i) n = (unsigned)(size - i);
    const uint8_t *piece = data + i;
    i += n;
    bool first = ctl & 1, final = ctl & 2;
    size_t remaining = remaining_for(ctl >> 2), total = 0;

    enum ws_feed_result want;
    if (first || !mopen) {
      mlen = 0;
      mopen = true;
    }
    if (n > cap - mlen || remaining > cap - mlen - n) {
      want = WS_FEED_TOO_LARGE;
      mlen = 0;
      mopen = false;
    } else {
      memcpy(model + mlen, piece, n);
      mlen += n;
      want = final && remaining == 0 ? WS_FEED_DONE : WS_FEED_MORE;
      if (want == WS_FEED_DONE) mopen = false;
    }

    enum ws_feed_result got = ws_assembler_feed(&a, piece, n, first, final, remaining, &total);
    if (got == WS_FEED_NOMEM) break;
    if (got != want || a.len > a.max || a.max != cap) abort();
    if (got == WS_FEED_TOO_LARGE) {
      if (total <= cap || a.len != 0) abort();
      continue;
    }
    /* the message so far is exactly the concatenation of its pieces, NUL-terminated */
    if (a.len != mlen || total != mlen || a.buf == NULL || a.alloc < a.len + 1 || a.buf[a.len] != '\0' ||
        memcmp(a.buf, model, mlen) != 0)
      abort();
    if (got == WS_FEED_DONE) {
      check_peeks((const uint8_t *)a.buf, a.len, tcap, icap);
      if (n & 1) { /* sometimes hand it over, as the server does for a worker */
        size_t tlen = 0;
        char *msg = ws_assembler_take(&a, &tlen);
        if (msg == NULL || tlen != mlen || memcmp(msg, model, mlen) != 0 || a.buf != NULL) abort();
        free(msg);
      }
    }
  }
  free(model);
  ws_assembler_free(&a);
  return 0;
}
