/* Tests src/render_cache.c: the in-memory LRU store (hits, eviction order, byte budget, oversized entries, many keys, threads) and the process's store with its counts. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "render_cache.h"

static char *get(struct cache_store *s, const char *key, size_t *len) { return s->get(s, key, len); }

static void put_str(struct cache_store *s, const char *key, const char *value) { s->put(s, key, value, strlen(value)); }

static bool holds(struct cache_store *s, const char *key, const char *want) {
  size_t len = 0;
  char *v = get(s, key, &len);
  bool ok = v && len == strlen(want) && memcmp(v, want, len) == 0;
  free(v);
  return ok;
}

static void *hammer(void *arg) {
  struct cache_store *s = arg;
  char key[32], value[64];
  for (int i = 0; i < 20000; i++) {
    snprintf(key, sizeof key, "k%d", i % 300);
    snprintf(value, sizeof value, "value of k%d", i % 300);
    if (i % 3 == 0) {
      put_str(s, key, value);
    } else {
      size_t len;
      char *v = get(s, key, &len);
      if (v && (len != strlen(value) || memcmp(v, value, len) != 0)) CHECK(!"a value read back is another key's");
      free(v);
    }
  }
  return NULL;
}

int main(void) {
  /* the cost of one 100-byte entry, then a budget for ten of them and a half */
  char big[101];
  memset(big, 'x', 100);
  big[100] = '\0';
  size_t len = 0;
  struct cache_stats st;
  struct cache_store *s = memory_cache_new(1 << 20);
  s->put(s, "a", big, 100);
  s->stats(s, &st);
  size_t one = st.bytes;
  s->destroy(s);
  s = memory_cache_new(10 * one + one / 2);
  CHECK(get(s, "a", &len) == NULL);
  const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
  for (int i = 0; i < 10; i++) s->put(s, keys[i], big, 100);
  CHECK(holds(s, "a", big)); /* a is now the newest: b goes first, then c */
  s->put(s, "k", big, 100);
  s->put(s, "l", big, 100);
  s->stats(s, &st);
  CHECK_INT(st.evictions, 2);
  CHECK_INT(st.entries, 10);
  CHECK(get(s, "b", &len) == NULL && get(s, "c", &len) == NULL);
  CHECK(holds(s, "a", big) && holds(s, "d", big) && holds(s, "k", big) && holds(s, "l", big));
  CHECK(st.bytes <= st.capacity);

  /* replacing a key keeps one entry; an entry over an eighth of the budget is not kept */
  put_str(s, "a", "short");
  CHECK(holds(s, "a", "short"));
  s->stats(s, &st);
  CHECK_INT(st.entries, 10);
  char huge[400];
  memset(huge, 'y', sizeof huge);
  s->put(s, "huge", huge, sizeof huge);
  CHECK(get(s, "huge", &len) == NULL);
  /* binary values come back byte for byte */
  const char bin[] = {'\0', '\x01', '\xff', '\0'};
  s->put(s, "bin", bin, sizeof bin);
  char *v = get(s, "bin", &len);
  CHECK(v && len == sizeof bin && memcmp(v, bin, len) == 0);
  free(v);
  s->destroy(s);

  /* many keys (the table grows), oldest ones evicted in order */
  s = memory_cache_new(1 << 20);
  char key[32], value[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof key, "key-%d", i);
    snprintf(value, sizeof value, "v%d", i);
    put_str(s, key, value);
  }
  s->stats(s, &st);
  CHECK_INT(st.entries, 5000);
  CHECK(holds(s, "key-0", "v0") && holds(s, "key-4999", "v4999") && holds(s, "key-2500", "v2500"));
  s->destroy(s);

  /* threads: every value read is the one written under that key */
  s = memory_cache_new(4 * 1024); /* 100 keys of ~64 bytes do not fit */
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, hammer, s);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  s->stats(s, &st);
  CHECK(st.bytes <= st.capacity && st.evictions > 0);
  s->destroy(s);

  /* the process's store: off until one is used; hits and misses counted */
  CHECK(render_cache_get("x", &len) == NULL);
  render_cache_stats(&st);
  CHECK_INT(st.misses, 0);
  render_cache_use(memory_cache_new(4096));
  CHECK(render_cache_get("x", &len) == NULL);
  render_cache_put("x", "1", 1);
  v = render_cache_get("x", &len);
  CHECK(v && len == 1 && v[0] == '1');
  free(v);
  render_cache_stats(&st);
  CHECK_INT(st.hits, 1);
  CHECK_INT(st.misses, 1);
  CHECK_INT(st.capacity, 4096);
  render_cache_use(NULL);
  return check_done("test_render_cache");
}
