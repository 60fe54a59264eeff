/* WebSocket message reassembly under a cap, and the hand-written JSON peeking the service
 * thread does before handing a message to a worker (see ws_message.h). Runs on the service
 * thread, where a crash takes every connection down: everything here reads only inside the
 * [text, text + len) it is given and is covered by tests/fuzz/fuzz_ws_message.c. */
#include "ws_message.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void ws_assembler_init(struct ws_assembler *a, size_t max) {
  memset(a, 0, sizeof *a);
  a->max = max < SIZE_MAX / 4 ? max : SIZE_MAX / 4; /* the doubling below cannot overflow */
}

void ws_assembler_free(struct ws_assembler *a) {
  free(a->buf);
  a->buf = NULL;
  a->len = a->alloc = 0;
  a->open = false;
}

/* Forgets the message but keeps the allocation for the next one. */
static void drop(struct ws_assembler *a) {
  a->len = 0;
  a->open = false;
  if (a->buf) a->buf[0] = '\0';
}

enum ws_feed_result ws_assembler_feed(struct ws_assembler *a, const void *data, size_t len, bool first, bool final,
                                      size_t remaining, size_t *total) {
  if (first || !a->open) {
    a->len = 0;
    a->open = true;
  }
  /* a->len + len + remaining > a->max, written so that a peer-chosen remaining (a 63-bit frame
   * length) cannot wrap the sum; a->len <= a->max always holds. */
  if (len > a->max - a->len || remaining > a->max - a->len - len) {
    if (total) {
      size_t sum = a->len + len; /* cannot wrap: a->len <= max < SIZE_MAX / 4, len is one piece */
      *total = remaining > SIZE_MAX - sum ? SIZE_MAX : sum + remaining;
    }
    drop(a);
    return WS_FEED_TOO_LARGE;
  }
  if (a->len + len + 1 > a->alloc) {
    /* Room for the rest of this frame at once: a large frame arrives in many pieces. */
    size_t want = a->len + len + remaining + 1;
    size_t ncap = a->alloc ? a->alloc : 4096;
    while (ncap < want) ncap *= 2;
    char *grown = realloc(a->buf, ncap);
    if (grown == NULL) {
      drop(a);
      return WS_FEED_NOMEM;
    }
    a->buf = grown;
    a->alloc = ncap;
  }
  if (len) memcpy(a->buf + a->len, data, len);
  a->len += len;
  a->buf[a->len] = '\0';
  if (total) *total = a->len;
  if (final && remaining == 0) {
    a->open = false;
    return WS_FEED_DONE;
  }
  return WS_FEED_MORE;
}

char *ws_assembler_take(struct ws_assembler *a, size_t *len) {
  char *buf = a->buf;
  *len = buf ? a->len : 0;
  a->buf = NULL;
  a->len = a->alloc = 0;
  a->open = false;
  return buf;
}

/* ---- a cheap look at a message ----
 * The service thread answers ping and chart.cancel itself (a ping must not wait behind
 * renders) and needs the id to cancel; everything else is parsed by the worker. */

struct cursor {
  const char *p, *end;
};

static void skip_ws(struct cursor *k) {
  while (k->p < k->end && (*k->p == ' ' || *k->p == '\t' || *k->p == '\n' || *k->p == '\r')) k->p++;
}

/* c is one of set's characters. Not strchr alone: it also finds the terminating NUL, which
 * let "\<NUL>" and "\u00<NUL>0" pass as escapes and cut the copied id short after the
 * backslash (invalid JSON in replies and log lines; found by fuzz_ws_message). */
static bool in_set(char c, const char *set) {
  return c != '\0' && strchr(set, c) != NULL;
}

/* At a '"': moves past the closing quote; *s / *n get the raw content. */
static bool scan_string(struct cursor *k, const char **s, size_t *n) {
  if (k->p >= k->end || *k->p != '"') return false;
  const char *start = ++k->p;
  while (k->p < k->end && *k->p != '"') {
    if ((unsigned char)*k->p < 0x20) return false;
    if (*k->p == '\\') {
      /* Only JSON's escapes: the raw content may be echoed into JSON the host writes. */
      if (k->end - k->p < 2 || !in_set(k->p[1], "\"\\/bfnrtu")) return false;
      if (k->p[1] == 'u') {
        if (k->end - k->p < 6) return false;
        for (int i = 2; i < 6; i++)
          if (!in_set(k->p[i], "0123456789abcdefABCDEF")) return false;
        k->p += 6;
        continue;
      }
      k->p += 2;
      continue;
    }
    k->p++;
  }
  if (k->p >= k->end) return false;
  *s = start;
  *n = (size_t)(k->p - start);
  k->p++;
  return true;
}

static bool skip_value(struct cursor *k, int depth) {
  const char *s;
  size_t n;
  skip_ws(k);
  if (k->p >= k->end || depth > 64) return false;
  char ch = *k->p;
  if (ch == '"') return scan_string(k, &s, &n);
  if (ch == '{' || ch == '[') {
    char close = ch == '{' ? '}' : ']';
    k->p++;
    skip_ws(k);
    if (k->p < k->end && *k->p == close) {
      k->p++;
      return true;
    }
    for (;;) {
      if (ch == '{') {
        skip_ws(k);
        if (!scan_string(k, &s, &n)) return false;
        skip_ws(k);
        if (k->p >= k->end || *k->p++ != ':') return false;
      }
      if (!skip_value(k, depth + 1)) return false;
      skip_ws(k);
      if (k->p >= k->end) return false;
      if (*k->p == ',') {
        k->p++;
        continue;
      }
      if (*k->p++ != close) return false;
      return true;
    }
  }
  const char *start = k->p;
  while (k->p < k->end && !strchr(",}] \t\r\n", *k->p)) k->p++;
  return k->p > start;
}

bool ws_peek_message(const char *text, size_t len, char *type, size_t tcap, char *id, size_t icap) {
  struct cursor k = {text, text + len};
  type[0] = id[0] = '\0';
  skip_ws(&k);
  if (k.p >= k.end || *k.p != '{') return false;
  k.p++;
  skip_ws(&k);
  if (k.p < k.end && *k.p == '}') {
    k.p++;
  } else {
    for (;;) {
      const char *key, *val;
      size_t klen, vlen;
      skip_ws(&k);
      if (!scan_string(&k, &key, &klen)) return false;
      skip_ws(&k);
      if (k.p >= k.end || *k.p++ != ':') return false;
      skip_ws(&k);
      char *dst = klen == 4 && memcmp(key, "type", 4) == 0 ? type : klen == 2 && memcmp(key, "id", 2) == 0 ? id : NULL;
      if (dst && k.p < k.end && *k.p == '"') {
        if (!scan_string(&k, &val, &vlen)) return false;
        size_t cap = dst == type ? tcap : icap;
        if (vlen < cap) {
          memcpy(dst, val, vlen);
          dst[vlen] = '\0';
        }
      } else if (!skip_value(&k, 1)) {
        return false;
      }
      skip_ws(&k);
      if (k.p >= k.end) return false;
      if (*k.p == ',') {
        k.p++;
        continue;
      }
      if (*k.p++ != '}') return false;
      break;
    }
  }
  skip_ws(&k);
  return k.p == k.end;
}

bool ws_peek_subscribe(const char *text, size_t len, bool *reload, bool *rerender) {
  struct cursor k = {text, text + len};
  *reload = *rerender = false;
  skip_ws(&k);
  if (k.p >= k.end || *k.p++ != '{') return false;
  for (;;) {
    const char *key, *val;
    size_t klen, vlen;
    skip_ws(&k);
    if (k.p < k.end && *k.p == '}') return true;
    if (!scan_string(&k, &key, &klen)) return false;
    skip_ws(&k);
    if (k.p >= k.end || *k.p++ != ':') return false;
    skip_ws(&k);
    if (klen == 6 && memcmp(key, "events", 6) == 0) {
      if (k.p >= k.end || *k.p++ != '[') return false;
      for (;;) {
        skip_ws(&k);
        if (k.p < k.end && *k.p == ']') {
          k.p++;
          break;
        }
        if (!scan_string(&k, &val, &vlen)) return false;
        if (vlen == 6 && memcmp(val, "reload", 6) == 0) *reload = true;
        else return false; /* the only event there is */
        skip_ws(&k);
        if (k.p < k.end && *k.p == ',') k.p++;
      }
    } else if (klen == 8 && memcmp(key, "rerender", 8) == 0) {
      const char *start = k.p;
      if (!skip_value(&k, 1)) return false;
      size_t n = (size_t)(k.p - start);
      if (n == 4 && memcmp(start, "true", 4) == 0) *rerender = true;
      else if (!(n == 5 && memcmp(start, "false", 5) == 0)) return false; /* "true", 1, null: say so */
    } else if (!skip_value(&k, 1)) {
      return false;
    }
    skip_ws(&k);
    if (k.p < k.end && *k.p == ',') k.p++;
  }
}
