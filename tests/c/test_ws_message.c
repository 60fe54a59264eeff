/* Tests src/ws_message.c: reassembly of fragment sequences under the cap (including the
 * remaining-payload check and wrap-around), and the peeks over valid, invalid, nested,
 * escaped, truncated and over-long input, with exact results. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ws_message.h"

/* feed with the flags spelled out: F(first) L(final) */
static enum ws_feed_result feed(struct ws_assembler *a, const char *s, bool first, bool final, size_t remaining) {
  return ws_assembler_feed(a, s, strlen(s), first, final, remaining, NULL);
}

static void test_reassembly(void) {
  struct ws_assembler a;
  ws_assembler_init(&a, 8);

  /* one frame, one piece */
  CHECK_INT(feed(&a, "abc", true, true, 0), WS_FEED_DONE);
  CHECK_INT(a.len, 3);
  CHECK_STR(a.buf, "abc");

  /* three frames: text + continuation + final continuation */
  CHECK_INT(feed(&a, "ab", true, false, 0), WS_FEED_MORE);
  CHECK_INT(feed(&a, "cd", false, false, 0), WS_FEED_MORE);
  CHECK_INT(feed(&a, "ef", false, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "abcdef");
  CHECK_INT(a.len, 6);

  /* one frame delivered in pieces: final is only final with nothing remaining */
  CHECK_INT(feed(&a, "ab", true, true, 4), WS_FEED_MORE);
  CHECK_INT(feed(&a, "cd", false, true, 2), WS_FEED_MORE);
  CHECK_INT(feed(&a, "ef", false, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "abcdef");

  /* a first piece drops an unfinished message */
  CHECK_INT(feed(&a, "abc", true, false, 0), WS_FEED_MORE);
  CHECK_INT(feed(&a, "x", true, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "x");

  /* a continuation with no message open starts a new one (lws never sends one) */
  CHECK_INT(feed(&a, "zz", false, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "zz");

  /* an empty message */
  CHECK_INT(ws_assembler_feed(&a, "", 0, true, true, 0, NULL), WS_FEED_DONE);
  CHECK_INT(a.len, 0);
  CHECK_STR(a.buf, "");

  /* the cap: exactly 8 is fine, 9 is refused, whole or fragmented */
  size_t total = 0;
  CHECK_INT(ws_assembler_feed(&a, "12345678", 8, true, true, 0, &total), WS_FEED_DONE);
  CHECK_INT(total, 8);
  CHECK_INT(ws_assembler_feed(&a, "123456789", 9, true, true, 0, &total), WS_FEED_TOO_LARGE);
  CHECK_INT(total, 9);
  CHECK_INT(a.len, 0);
  CHECK(!a.open);
  CHECK_INT(feed(&a, "12345", true, false, 0), WS_FEED_MORE);
  CHECK_INT(ws_assembler_feed(&a, "6789", 4, false, true, 0, &total), WS_FEED_TOO_LARGE);
  CHECK_INT(total, 9);

  /* the rest of the frame counts at once: refused before it is buffered */
  CHECK_INT(feed(&a, "ab", true, false, 6), WS_FEED_MORE);
  CHECK_INT(ws_assembler_feed(&a, "ab", 2, true, false, 7, &total), WS_FEED_TOO_LARGE);
  CHECK_INT(total, 9);
  CHECK_INT(feed(&a, "abcd", true, false, 0), WS_FEED_MORE);
  CHECK_INT(ws_assembler_feed(&a, "ef", 2, false, false, 3, &total), WS_FEED_TOO_LARGE);
  CHECK_INT(total, 9);
  /* a peer-chosen 63-bit remaining must not wrap the sum */
  CHECK_INT(ws_assembler_feed(&a, "ab", 2, true, false, SIZE_MAX, &total), WS_FEED_TOO_LARGE);
  CHECK(total == SIZE_MAX);
  CHECK_INT(ws_assembler_feed(&a, "ab", 2, true, false, SIZE_MAX - 1, &total), WS_FEED_TOO_LARGE);
  CHECK(total == SIZE_MAX);

  /* after a refusal the next message is served */
  CHECK_INT(feed(&a, "ok", true, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "ok");

  /* take hands the message over and leaves the assembler empty */
  size_t len = 99;
  char *msg = ws_assembler_take(&a, &len);
  CHECK_STR(msg, "ok");
  CHECK_INT(len, 2);
  free(msg);
  CHECK(a.buf == NULL && a.len == 0);
  CHECK(ws_assembler_take(&a, &len) == NULL);
  CHECK_INT(len, 0);
  CHECK_INT(feed(&a, "again", true, true, 0), WS_FEED_DONE);
  CHECK_STR(a.buf, "again");
  ws_assembler_free(&a);
  ws_assembler_free(&a); /* twice is fine */

  /* a long message in small pieces: the bytes in order, room for the NUL */
  ws_assembler_init(&a, 16384);
  char piece[100], want[10001];
  for (int i = 0; i < 100; i++) {
    for (int j = 0; j < 100; j++) piece[j] = want[i * 100 + j] = (char)('a' + (i + j) % 26);
    CHECK_INT(ws_assembler_feed(&a, piece, 100, i == 0, i == 99, 0, NULL), i == 99 ? WS_FEED_DONE : WS_FEED_MORE);
  }
  want[10000] = '\0';
  CHECK_INT(a.len, 10000);
  CHECK(a.alloc >= 10001);
  CHECK(memcmp(a.buf, want, 10001) == 0);
  ws_assembler_free(&a);
}

/* ws_peek_message over a C string with the server's caps (32 / 160). */
static bool peek(const char *text, char *type, char *id) {
  return ws_peek_message(text, strlen(text), type, 32, id, 160);
}

static void expect_peek(const char *text, bool ok, const char *want_type, const char *want_id) {
  char type[32] = "junk", id[160] = "junk";
  bool got = peek(text, type, id);
  if (got != ok) fprintf(stderr, "peek(%s): got %d\n", text, got);
  CHECK(got == ok);
  CHECK_STR(type, want_type);
  CHECK_STR(id, want_id);
}

static void test_peek_message(void) {
  expect_peek("{\"type\":\"ping\"}", true, "ping", "");
  expect_peek("{\"id\":\"r1\",\"type\":\"chart.cancel\"}", true, "chart.cancel", "r1");
  expect_peek(" \t\r\n{ \"type\" : \"ping\" ,\n \"id\" : \"x\" } \n", true, "ping", "x");
  expect_peek("{}", true, "", "");
  /* nested "type"/"id" are not the message's */
  expect_peek("{\"spec\":{\"type\":\"bar\",\"id\":\"inner\"},\"type\":\"chart.request\",\"id\":\"outer\","
              "\"list\":[1,[2,{\"id\":\"no\"}],\"s\",true,null,-1.5e3]}",
              true, "chart.request", "outer");
  expect_peek("{\"spec\":{\"type\":\"ping\"}}", true, "", "");
  /* raw content: escapes are kept as written */
  expect_peek("{\"type\":\"ping\",\"id\":\"a\\\"b\\\\c\\u00e9\\/\\n\"}", true, "ping", "a\\\"b\\\\c\\u00e9\\/\\n");
  expect_peek("{\"id\":\"caf\xc3\xa9\"}", true, "", "caf\xc3\xa9");
  /* not a string: ignored */
  expect_peek("{\"id\":5,\"type\":[\"ping\"]}", true, "", "");
  /* duplicate keys: the last one that fits */
  expect_peek("{\"type\":\"ping\",\"type\":\"chart.request\"}", true, "chart.request", "");

  /* malformed: false (what was seen before the error may be filled in) */
  expect_peek("", false, "", "");
  expect_peek("   ", false, "", "");
  expect_peek("[]", false, "", "");
  expect_peek("\"ping\"", false, "", "");
  expect_peek("{\"type\":\"ping\"}x", false, "ping", "");
  expect_peek("{\"type\":\"ping\"}{}", false, "ping", "");
  expect_peek("{\"type\":\"ping\",}", false, "ping", "");
  expect_peek("{\"type\" \"ping\"}", false, "", "");
  expect_peek("{type:\"ping\"}", false, "", "");
  expect_peek("{\"type\":\"pi\ng\"}", false, "", "");
  expect_peek("{\"type\":\"a\\x\"}", false, "", "");
  expect_peek("{\"id\":\"\\u12\"}", false, "", "");
  expect_peek("{\"id\":\"\\u12g4\"}", false, "", "");
  expect_peek("{\"a\":}", false, "", "");
  expect_peek("{\"a\":[1,]}", false, "", "");
  expect_peek("{\"a\":{\"b\"}}", false, "", "");
  expect_peek("{\"a\":[1 2]}", false, "", "");

  /* every proper prefix of a message is malformed; only the whole is not */
  const char *full = "{\"type\":\"chart.cancel\",\"id\":\"r\\\"9\",\"x\":[{\"y\":\"\\u00e9\"},true]}";
  for (size_t n = 0; n < strlen(full); n++) {
    char type[32], id[160];
    if (ws_peek_message(full, n, type, sizeof type, id, sizeof id)) {
      fprintf(stderr, "prefix %zu accepted\n", n);
      CHECK(false);
    }
  }
  expect_peek(full, true, "chart.cancel", "r\\\"9");

  /* the length bounds the text: what follows is never looked at */
  char type[32], id[160];
  CHECK(ws_peek_message("{\"type\":\"ping\"}garbage", 15, type, sizeof type, id, sizeof id));
  CHECK_STR(type, "ping");

  /* nesting: 64 levels below the message are fine, 65 are not */
  char deep[300];
  for (int levels = 64; levels <= 65; levels++) {
    char *p = deep;
    p += sprintf(p, "{\"a\":");
    for (int i = 0; i < levels; i++) *p++ = '[';
    for (int i = 0; i < levels; i++) *p++ = ']';
    strcpy(p, ",\"type\":\"ping\"}");
    CHECK(peek(deep, type, id) == (levels == 64));
  }

  /* over-long values: copied when shorter than the cap, else left "" */
  char longv[400];
  snprintf(longv, sizeof longv, "{\"type\":\"%031d\",\"id\":\"%0159d\"}", 0, 0);
  CHECK(peek(longv, type, id));
  CHECK_INT(strlen(type), 31);
  CHECK_INT(strlen(id), 159);
  snprintf(longv, sizeof longv, "{\"type\":\"%032d\",\"id\":\"%0160d\"}", 0, 0);
  CHECK(peek(longv, type, id));
  CHECK_STR(type, "");
  CHECK_STR(id, "");
  snprintf(longv, sizeof longv, "{\"type\":\"ping\",\"type\":\"%032d\"}", 0);
  CHECK(peek(longv, type, id));
  CHECK_STR(type, "ping"); /* a later over-long value does not clear an earlier one */
  /* tiny caps */
  char t1[1], i4[4];
  CHECK(ws_peek_message("{\"type\":\"ping\",\"id\":\"abc\"}", 26, t1, sizeof t1, i4, sizeof i4));
  CHECK_STR(t1, "");
  CHECK_STR(i4, "abc");

  /* a NUL is a control character inside a string, escaped or not: never copied out (the id
   * is echoed into JSON the host writes, where it would cut the string after the backslash) */
  static const char nul_escape[] = "{\"type\":\"ping\",\"id\":\"a\\\0\"}";
  CHECK(!ws_peek_message(nul_escape, sizeof nul_escape - 1, type, sizeof type, id, sizeof id));
  CHECK_STR(id, "");
  static const char nul_hex[] = "{\"id\":\"\\u00\0" "0\"}"; /* \u00<NUL>0 */
  CHECK(!ws_peek_message(nul_hex, sizeof nul_hex - 1, type, sizeof type, id, sizeof id));
  static const char nul_raw[] = "{\"id\":\"a\0b\"}";
  CHECK(!ws_peek_message(nul_raw, sizeof nul_raw - 1, type, sizeof type, id, sizeof id));
}

static void expect_subscribe(const char *text, bool ok, bool want_reload, bool want_rerender) {
  bool reload = !want_reload, rerender = !want_rerender;
  bool got = ws_peek_subscribe(text, strlen(text), &reload, &rerender);
  if (got != ok) fprintf(stderr, "subscribe(%s): got %d\n", text, got);
  CHECK(got == ok);
  if (ok) {
    CHECK(reload == want_reload);
    CHECK(rerender == want_rerender);
  }
}

static void test_peek_subscribe(void) {
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"reload\"],\"rerender\":true}", true, true, true);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"reload\"]}", true, true, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"reload\"],\"rerender\":false}", true, true, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"reload\"],\"rerender\":\"true\"}", false, true, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"reload\"],\"rerender\":1}", false, true, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[]}", true, false, false);
  expect_subscribe(" { \"events\" : [ \"reload\" , \"reload\" ] , \"x\" : {\"y\":[1,2]} , \"rerender\" : true } ", true,
                   true, true);
  expect_subscribe("{}", true, false, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[\"other\"]}", false, false, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":\"reload\"}", false, false, false);
  expect_subscribe("{\"type\":\"subscribe\",\"events\":[1]}", false, false, false);
  expect_subscribe("{\"events\":[\"reload\"]", false, false, false);
  expect_subscribe("{\"events\":[\"reload\"", false, false, false);
  expect_subscribe("{\"rerender\":}", false, false, false);
  expect_subscribe("[\"reload\"]", false, false, false);
  expect_subscribe("", false, false, false);
}

int main(void) {
  test_reassembly();
  test_peek_message();
  test_peek_subscribe();
  return check_done("test_ws_message");
}
