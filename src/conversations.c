/* Per-connection conversation memory: the last chart spec (JSON) of each WebSocket, for follow-ups. */
#include "conversations.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

struct entry {
  struct entry *next;
  uint64_t conn_id;
  char *text;
  size_t len;
};

static struct entry *table[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static struct entry **slot(uint64_t conn_id) {
  struct entry **p = &table[conn_id % BUCKETS];
  while (*p && (*p)->conn_id != conn_id) p = &(*p)->next;
  return p;
}

int conversations_remember(uint64_t conn_id, const char *text, size_t len) {
  char *copy = malloc(len + 1);
  if (copy == NULL) return -1;
  memcpy(copy, text, len);
  copy[len] = '\0';
  pthread_mutex_lock(&mu);
  struct entry **p = slot(conn_id);
  if (*p == NULL) {
    struct entry *e = calloc(1, sizeof *e);
    if (e == NULL) {
      pthread_mutex_unlock(&mu);
      free(copy);
      return -1;
    }
    e->conn_id = conn_id;
    *p = e;
  }
  free((*p)->text);
  (*p)->text = copy;
  (*p)->len = len;
  pthread_mutex_unlock(&mu);
  return 0;
}

char *conversations_recall(uint64_t conn_id, size_t *len) {
  char *copy = NULL;
  pthread_mutex_lock(&mu);
  struct entry *e = *slot(conn_id);
  if (e && (copy = malloc(e->len + 1)) != NULL) {
    memcpy(copy, e->text, e->len + 1);
    *len = e->len;
  }
  pthread_mutex_unlock(&mu);
  return copy;
}

void conversations_forget(uint64_t conn_id) {
  pthread_mutex_lock(&mu);
  struct entry **p = slot(conn_id);
  struct entry *e = *p;
  if (e) {
    *p = e->next;
    free(e->text);
    free(e);
  }
  pthread_mutex_unlock(&mu);
}

void conversations_clear(void) {
  pthread_mutex_lock(&mu);
  for (size_t i = 0; i < BUCKETS; i++) {
    while (table[i]) {
      struct entry *e = table[i];
      table[i] = e->next;
      free(e->text);
      free(e);
    }
  }
  pthread_mutex_unlock(&mu);
}
