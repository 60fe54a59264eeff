/* Tests for the per-connection conversation memory: state and data, the budget, LRU eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "conversations.h"

static struct conversation_view recall(uint64_t id, bool with_data) {
  struct conversation_view v;
  CHECK(conversations_recall(id, with_data, &v) == 0);
  return v;
}

int main(void) {
  struct conversation_view v = recall(7, true);
  CHECK(v.state == NULL && v.data == NULL && !v.has_data && !v.evicted);

  /* State alone, then state with data; data only copied when asked for. */
  CHECK(conversations_remember(7, "{\"type\":\"bar\"}", 14, NULL, 0) == 0);
  v = recall(7, true);
  CHECK(v.state != NULL && v.state_len == 14 && strcmp(v.state, "{\"type\":\"bar\"}") == 0 && !v.has_data);
  conversations_view_free(&v);
  CHECK(conversations_remember(7, "s2", 2, "a,b\n1,2\n", 8) == 0);
  v = recall(7, false);
  CHECK(v.has_data && v.data == NULL && v.data_len == 8 && strcmp(v.state, "s2") == 0);
  conversations_view_free(&v);
  /* A state update without data keeps the data. */
  CHECK(conversations_remember(7, "s3", 2, NULL, 0) == 0);
  v = recall(7, true);
  CHECK(v.has_data && v.data_len == 8 && memcmp(v.data, "a,b\n1,2\n", 8) == 0 && strcmp(v.state, "s3") == 0);
  conversations_view_free(&v);

  /* Another id in the same bucket stays apart; binary-safe data. */
  CHECK(conversations_remember(7 + 1024, "other", 5, "x\0y", 3) == 0);
  v = recall(7 + 1024, true);
  CHECK(v.data_len == 3 && memcmp(v.data, "x\0y", 3) == 0);
  conversations_view_free(&v);

  size_t bytes, n;
  unsigned long ev;
  conversations_stats(&bytes, &n, &ev);
  CHECK_INT(n, 2);
  CHECK_INT(bytes, 2 + 8 + 5 + 3);

  conversations_forget(7);
  v = recall(7, true);
  CHECK(v.state == NULL && !v.has_data);
  conversations_forget(12345); /* unknown id: nothing happens */
  conversations_clear();
  conversations_stats(&bytes, &n, &ev);
  CHECK_INT(n, 0);
  CHECK_INT(bytes, 0);

  /* Budget: 100 bytes. Three conversations of 40 bytes of data: the least recently used one
   * loses its data (marked evicted), the others keep theirs. */
  conversations_configure(100, 60000, false);
  char blob[64];
  memset(blob, 'd', sizeof blob);
  CHECK(conversations_remember(1, "", 0, blob, 40) == 0);
  CHECK(conversations_remember(2, "", 0, blob, 40) == 0);
  v = recall(1, false); /* 1 is now more recently used than 2 */
  conversations_view_free(&v);
  CHECK(conversations_remember(3, "", 0, blob, 40) == 0);
  v = recall(2, true);
  CHECK(!v.has_data && v.data == NULL && v.evicted && v.evicted_bytes == 40);
  conversations_view_free(&v);
  v = recall(1, false);
  CHECK(v.has_data && !v.evicted);
  conversations_view_free(&v);
  v = recall(3, false);
  CHECK(v.has_data && !v.evicted);
  conversations_view_free(&v);
  conversations_stats(&bytes, &n, &ev);
  CHECK_INT(bytes, 80);
  CHECK_INT(ev, 1);

  /* Data sent again clears the evicted mark. */
  CHECK(conversations_remember(2, "", 0, blob, 10) == 0);
  v = recall(2, false);
  CHECK(v.has_data && !v.evicted && v.data_len == 10);
  conversations_view_free(&v);

  /* Data over the whole budget is not kept; the state is, and the conversation says why. */
  char *big = calloc(1, 200);
  CHECK(conversations_remember(4, "st", 2, big, 200) == 1);
  free(big);
  v = recall(4, true);
  CHECK(v.state && strcmp(v.state, "st") == 0 && !v.has_data && v.evicted && v.evicted_bytes == 200);
  conversations_view_free(&v);

  /* Clearing the data with an empty non-NULL buffer. */
  CHECK(conversations_remember(1, "", 0, "", 0) == 0);
  v = recall(1, false);
  CHECK(v.has_data && v.data_len == 0);
  conversations_view_free(&v);

  conversations_clear();

  /* Sessions: a token outlives its connection; another connection attached to it continues. */
  char tok[SESSION_TOKEN_LEN + 1], tok2[SESSION_TOKEN_LEN + 1], client[CONVERSATION_CLIENT_MAX];
  CHECK(session_token_new(tok) == 0 && session_token_new(tok2) == 0);
  CHECK(session_token_valid(tok) && strcmp(tok, tok2) != 0);
  CHECK(!session_token_valid("") && !session_token_valid("0123456789abcdef0123456789ABCDEF") &&
        !session_token_valid("0123456789abcdef0123456789abcdef0") && !session_token_valid("../x"));
  conversations_configure(0, 60000, false);
  CHECK(!conversations_attach(100, tok, "session:x")); /* nothing held yet */
  conversations_session(100, tok2, client);
  CHECK(strcmp(tok2, tok) == 0 && strcmp(client, "session:x") == 0);
  CHECK(conversations_remember(100, "chart", 5, "a,b\n", 4) == 0);
  conversations_forget(100);
  CHECK(conversations_attach(101, tok, "key:0")); /* resumed: the state is there */
  v = recall(101, true);
  CHECK(v.state && strcmp(v.state, "chart") == 0 && v.has_data && v.data_len == 4);
  conversations_view_free(&v);
  conversations_mark_evicted(101, 123);
  v = recall(101, false);
  CHECK(!v.has_data && v.evicted && v.evicted_bytes == 123);
  conversations_view_free(&v);
  conversations_forget(101);
  /* With a shared store (Redis) a session nobody here holds is dropped on attach: Redis may
   * have a newer turn of it. */
  conversations_configure(0, 60000, true);
  CHECK(!conversations_attach(102, tok, "session:x"));
  v = recall(102, false);
  CHECK(v.state == NULL);
  conversations_forget(102);
  /* An expired session is gone (TTL 0: expires at once, swept at most once a second). */
  conversations_configure(0, 0, false);
  CHECK(!conversations_attach(103, tok2, "session:y"));
  CHECK(conversations_remember(103, "s", 1, NULL, 0) == 0);
  conversations_forget(103);
  struct timespec pause = {1, 100 * 1000 * 1000};
  nanosleep(&pause, NULL);
  CHECK(!conversations_attach(104, tok2, "session:y"));
  conversations_forget(104);
  /* Over the budget, sessions nobody holds go before the data of held ones. */
  conversations_configure(100, 60000, false);
  char blob2[64];
  memset(blob2, 'e', sizeof blob2);
  CHECK(!conversations_attach(105, tok, "session:a"));
  CHECK(conversations_remember(105, "", 0, blob2, 40) == 0);
  conversations_forget(105); /* detached, 40 bytes */
  CHECK(conversations_remember(106, "", 0, blob2, 40) == 0);
  CHECK(conversations_remember(107, "", 0, blob2, 40) == 0); /* 120 > 100: the detached one goes */
  v = recall(106, false);
  CHECK(v.has_data && !v.evicted);
  conversations_view_free(&v);
  CHECK(!conversations_attach(108, tok, "session:a"));
  conversations_clear();
  return check_done("test_conversations");
}
