/* The render cache: finished chart answers by key (lua/render_cache.lua makes the keys and the entries), behind a small store interface.
 *
 * A store maps a key (a string such as 64 hex digits) to bytes. This file holds the
 * in-memory store (LRU within a byte budget, CHARTD_CACHE_MB). Hits and misses are counted
 * here, evictions and sizes by the store. The shared tier in Redis is not a cache_store: these
 * calls answer at once, while a Redis round trip must yield the request's coroutine, so
 * lua/render_cache.lua asks lua/shared_cache.lua (chartd.redis) after this store missed.
 *
 * Threads: any. The in-memory store takes one lock per call; get returns a copy. */
#ifndef CHARTD_RENDER_CACHE_H
#define CHARTD_RENDER_CACHE_H

#include <stddef.h>

struct cache_stats {
  unsigned long hits, misses, evictions;
  size_t bytes, entries, capacity;
};

struct cache_store {
  /* A malloc'ed copy of key's value (*len set), or NULL when absent. */
  char *(*get)(struct cache_store *self, const char *key, size_t *len);
  /* Stores a copy; the store may refuse (too large) or evict older entries to make room. */
  void (*put)(struct cache_store *self, const char *key, const char *value, size_t len);
  void (*stats)(struct cache_store *self, struct cache_stats *out); /* evictions, bytes, entries, capacity */
  void (*destroy)(struct cache_store *self);
};

/* An in-memory LRU store holding at most capacity bytes of keys and values; an entry larger
 * than an eighth of it is not kept (one huge chart would push out all the others). */
struct cache_store *memory_cache_new(size_t capacity);

/* The process's store (NULL: the cache is off, as in the CLI and in busted). The previous
 * store is destroyed. Call before the workers start and after they stopped. */
void render_cache_use(struct cache_store *store);

/* Through the process's store: get counts a hit or a miss; both do nothing when it is off. */
char *render_cache_get(const char *key, size_t *len);
void render_cache_put(const char *key, const char *value, size_t len);
void render_cache_stats(struct cache_stats *out); /* zeros when off */

#endif
