/* The render cache: the process's store, hit/miss counts, and the in-memory LRU store (src/render_cache.h). */
#include "render_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the in-memory store: a chained hash table of entries on one LRU list ---- */

struct entry {
  struct entry *chain;      /* next in the bucket */
  struct entry *newer, *older; /* the LRU list: newest at head */
  size_t key_len, len;
  char *value;
  char key[];
};

struct memory_cache {
  struct cache_store store; /* first: the interface */
  pthread_mutex_t mu;
  struct entry **buckets;
  size_t nbuckets, entries, bytes, capacity;
  struct entry *newest, *oldest;
  unsigned long evictions;
};

static uint64_t hash(const char *key, size_t len) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
  return h;
}

static size_t cost(const struct entry *e) { return sizeof *e + e->key_len + e->len; }

static struct entry **slot(struct memory_cache *m, const char *key, size_t key_len) {
  struct entry **p = &m->buckets[hash(key, key_len) & (m->nbuckets - 1)];
  while (*p && ((*p)->key_len != key_len || memcmp((*p)->key, key, key_len) != 0)) p = &(*p)->chain;
  return p;
}

static void unlink_lru(struct memory_cache *m, struct entry *e) {
  if (e->newer) e->newer->older = e->older; else m->newest = e->older;
  if (e->older) e->older->newer = e->newer; else m->oldest = e->newer;
  e->newer = e->older = NULL;
}

static void push_newest(struct memory_cache *m, struct entry *e) {
  e->older = m->newest;
  e->newer = NULL;
  if (m->newest) m->newest->newer = e;
  m->newest = e;
  if (m->oldest == NULL) m->oldest = e;
}

static void remove_entry(struct memory_cache *m, struct entry *e) {
  struct entry **p = slot(m, e->key, e->key_len);
  *p = e->chain;
  unlink_lru(m, e);
  m->entries--;
  m->bytes -= cost(e);
  free(e->value);
  free(e);
}

static void grow(struct memory_cache *m) {
  size_t n = m->nbuckets * 2;
  struct entry **b = calloc(n, sizeof *b);
  if (b == NULL) return; /* longer chains, still correct */
  for (size_t i = 0; i < m->nbuckets; i++)
    for (struct entry *e = m->buckets[i], *next; e; e = next) {
      next = e->chain;
      size_t j = hash(e->key, e->key_len) & (n - 1);
      e->chain = b[j];
      b[j] = e;
    }
  free(m->buckets);
  m->buckets = b;
  m->nbuckets = n;
}

static char *mem_get(struct cache_store *self, const char *key, size_t *len) {
  struct memory_cache *m = (struct memory_cache *)self;
  char *out = NULL;
  pthread_mutex_lock(&m->mu);
  struct entry *e = *slot(m, key, strlen(key));
  if (e && (out = malloc(e->len ? e->len : 1)) != NULL) {
    memcpy(out, e->value, e->len);
    *len = e->len;
    unlink_lru(m, e);
    push_newest(m, e);
  }
  pthread_mutex_unlock(&m->mu);
  return out;
}

static void mem_put(struct cache_store *self, const char *key, const char *value, size_t len) {
  struct memory_cache *m = (struct memory_cache *)self;
  size_t key_len = strlen(key);
  if (sizeof(struct entry) + key_len + len > m->capacity / 8) return;
  struct entry *e = malloc(sizeof *e + key_len + 1);
  char *copy = malloc(len ? len : 1);
  if (e == NULL || copy == NULL) {
    free(e);
    free(copy);
    return;
  }
  memcpy(e->key, key, key_len + 1);
  e->key_len = key_len;
  memcpy(copy, value, len);
  e->value = copy;
  e->len = len;
  e->chain = NULL;
  pthread_mutex_lock(&m->mu);
  struct entry *old = *slot(m, key, key_len);
  if (old) remove_entry(m, old); /* the same answer again (two requests raced): keep the newer */
  while (m->oldest && m->bytes + cost(e) > m->capacity) {
    remove_entry(m, m->oldest);
    m->evictions++;
  }
  if (m->entries >= m->nbuckets) grow(m);
  struct entry **p = slot(m, key, key_len);
  *p = e;
  push_newest(m, e);
  m->entries++;
  m->bytes += cost(e);
  pthread_mutex_unlock(&m->mu);
}

static void mem_stats(struct cache_store *self, struct cache_stats *out) {
  struct memory_cache *m = (struct memory_cache *)self;
  pthread_mutex_lock(&m->mu);
  out->evictions = m->evictions;
  out->bytes = m->bytes;
  out->entries = m->entries;
  out->capacity = m->capacity;
  pthread_mutex_unlock(&m->mu);
}

static void mem_destroy(struct cache_store *self) {
  struct memory_cache *m = (struct memory_cache *)self;
  while (m->oldest) remove_entry(m, m->oldest);
  free(m->buckets);
  pthread_mutex_destroy(&m->mu);
  free(m);
}

struct cache_store *memory_cache_new(size_t capacity) {
  struct memory_cache *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  m->nbuckets = 256;
  m->buckets = calloc(m->nbuckets, sizeof *m->buckets);
  if (m->buckets == NULL) {
    free(m);
    return NULL;
  }
  pthread_mutex_init(&m->mu, NULL);
  m->capacity = capacity;
  m->store = (struct cache_store){.get = mem_get, .put = mem_put, .stats = mem_stats, .destroy = mem_destroy};
  return &m->store;
}

/* ---- the process's store ---- */

static struct cache_store *current;
static atomic_ulong hits, misses;

void render_cache_use(struct cache_store *store) {
  if (current) current->destroy(current);
  current = store;
}

char *render_cache_get(const char *key, size_t *len) {
  if (current == NULL) return NULL;
  char *v = current->get(current, key, len);
  atomic_fetch_add(v ? &hits : &misses, 1);
  return v;
}

void render_cache_put(const char *key, const char *value, size_t len) {
  if (current) current->put(current, key, value, len);
}

void render_cache_stats(struct cache_stats *out) {
  memset(out, 0, sizeof *out);
  if (current == NULL) return;
  current->stats(current, out);
  out->hits = atomic_load(&hits);
  out->misses = atomic_load(&misses);
}
