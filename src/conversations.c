/* Per-connection conversation memory under one budget, least recently used data evicted first. */
#include "conversations.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

struct entry {
  struct entry *next;
  uint64_t conn_id;
  char *state;
  size_t state_len;
  char *data;
  size_t data_len;
  bool has_data;
  bool evicted;
  size_t evicted_bytes;
  uint64_t used; /* tick of the last remember/recall: the LRU order */
};

static struct entry *table[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static size_t budget;       /* 0 = no limit */
static size_t total;        /* state + data bytes of every entry */
static size_t count;        /* entries */
static uint64_t tick;
static unsigned long evictions;

void conversations_configure(size_t budget_bytes) {
  pthread_mutex_lock(&mu);
  budget = budget_bytes;
  pthread_mutex_unlock(&mu);
}

static struct entry **slot(uint64_t conn_id) {
  struct entry **p = &table[conn_id % BUCKETS];
  while (*p && (*p)->conn_id != conn_id) p = &(*p)->next;
  return p;
}

static char *copy_of(const char *s, size_t len) {
  char *c = malloc(len + 1);
  if (c) {
    if (len) memcpy(c, s, len);
    c[len] = '\0';
  }
  return c;
}

static void drop_data(struct entry *e) {
  total -= e->data_len;
  free(e->data);
  e->data = NULL;
  e->data_len = 0;
  e->has_data = false;
}

/* Drops the data of the least recently used entries other than keep until total fits. */
static void make_room(const struct entry *keep) {
  while (budget && total > budget) {
    struct entry *oldest = NULL;
    for (size_t i = 0; i < BUCKETS; i++)
      for (struct entry *e = table[i]; e; e = e->next)
        if (e != keep && e->has_data && e->data_len && (!oldest || e->used < oldest->used)) oldest = e;
    if (!oldest) return;
    oldest->evicted = true;
    oldest->evicted_bytes = oldest->data_len;
    drop_data(oldest);
    evictions++;
  }
}

int conversations_remember(uint64_t conn_id, const char *state, size_t state_len, const char *data,
                           size_t data_len) {
  char *state_copy = copy_of(state, state_len);
  bool over = data && budget && data_len > budget;
  char *data_copy = data && !over ? copy_of(data, data_len) : NULL;
  if (!state_copy || (data && !over && !data_copy)) {
    free(state_copy);
    free(data_copy);
    return -1;
  }
  pthread_mutex_lock(&mu);
  struct entry **p = slot(conn_id);
  if (*p == NULL) {
    struct entry *e = calloc(1, sizeof *e);
    if (e == NULL) {
      pthread_mutex_unlock(&mu);
      free(state_copy);
      free(data_copy);
      return -1;
    }
    e->conn_id = conn_id;
    *p = e;
    count++;
  }
  struct entry *e = *p;
  total = total - e->state_len + state_len;
  free(e->state);
  e->state = state_copy;
  e->state_len = state_len;
  if (data) {
    drop_data(e);
    e->evicted = over;
    e->evicted_bytes = over ? data_len : 0;
    if (!over) {
      e->data = data_copy;
      e->data_len = data_len;
      e->has_data = true;
      total += data_len;
    }
  }
  e->used = ++tick;
  make_room(e);
  pthread_mutex_unlock(&mu);
  return over ? 1 : 0;
}

int conversations_recall(uint64_t conn_id, bool with_data, struct conversation_view *out) {
  memset(out, 0, sizeof *out);
  int rc = 0;
  pthread_mutex_lock(&mu);
  struct entry *e = *slot(conn_id);
  if (e) {
    e->used = ++tick;
    out->has_data = e->has_data;
    out->evicted = e->evicted;
    out->evicted_bytes = e->evicted_bytes;
    out->data_len = e->data_len;
    out->state_len = e->state_len;
    if (e->state && !(out->state = copy_of(e->state, e->state_len))) rc = -1;
    if (rc == 0 && with_data && e->has_data && !(out->data = copy_of(e->data, e->data_len))) rc = -1;
  }
  pthread_mutex_unlock(&mu);
  if (rc) conversations_view_free(out);
  return rc;
}

void conversations_view_free(struct conversation_view *v) {
  free(v->state);
  free(v->data);
  memset(v, 0, sizeof *v);
}

static void free_entry(struct entry *e) {
  total -= e->state_len + e->data_len;
  count--;
  free(e->state);
  free(e->data);
  free(e);
}

void conversations_forget(uint64_t conn_id) {
  pthread_mutex_lock(&mu);
  struct entry **p = slot(conn_id);
  struct entry *e = *p;
  if (e) {
    *p = e->next;
    free_entry(e);
  }
  pthread_mutex_unlock(&mu);
}

void conversations_stats(size_t *bytes, size_t *n, unsigned long *evicted) {
  pthread_mutex_lock(&mu);
  *bytes = total;
  *n = count;
  *evicted = evictions;
  pthread_mutex_unlock(&mu);
}

void conversations_clear(void) {
  pthread_mutex_lock(&mu);
  for (size_t i = 0; i < BUCKETS; i++) {
    while (table[i]) {
      struct entry *e = table[i];
      table[i] = e->next;
      free_entry(e);
    }
  }
  pthread_mutex_unlock(&mu);
}
