/* Tests for the per-connection conversation memory: state and data, the budget, LRU eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  conversations_configure(100);
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
  return check_done("test_conversations");
}
