/* Tests for the per-connection conversation memory: remember, replace, recall, forget. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "check.h"
#include "conversations.h"

int main(void) {
  size_t len = 0;
  CHECK(conversations_recall(7, &len) == NULL);

  CHECK(conversations_remember(7, "{\"type\":\"bar\"}", 14) == 0);
  char *got = conversations_recall(7, &len);
  CHECK(got != NULL && len == 14 && strcmp(got, "{\"type\":\"bar\"}") == 0);
  free(got);

  /* Replacing keeps one entry; another id in the same bucket stays apart. */
  CHECK(conversations_remember(7, "second", 6) == 0);
  CHECK(conversations_remember(7 + 1024, "other", 5) == 0);
  got = conversations_recall(7, &len);
  CHECK(got != NULL && len == 6 && strcmp(got, "second") == 0);
  free(got);
  got = conversations_recall(7 + 1024, &len);
  CHECK(got != NULL && strcmp(got, "other") == 0);
  free(got);

  /* Binary-safe: an embedded NUL survives. */
  CHECK(conversations_remember(9, "a\0b", 3) == 0);
  got = conversations_recall(9, &len);
  CHECK(got != NULL && len == 3 && memcmp(got, "a\0b", 3) == 0);
  free(got);

  conversations_forget(7);
  CHECK(conversations_recall(7, &len) == NULL);
  got = conversations_recall(7 + 1024, &len);
  CHECK(got != NULL);
  free(got);
  conversations_forget(12345); /* unknown id: nothing happens */

  conversations_clear();
  CHECK(conversations_recall(7 + 1024, &len) == NULL);
  CHECK(conversations_recall(9, &len) == NULL);
  return check_done("test_conversations");
}
