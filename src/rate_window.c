/* An in-process sliding-window rate limit per client (src/rate_window.h). */
#include "rate_window.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024
#define SWEEP_EVERY 4096 /* calls between scans for clients idle two windows */

struct client {
  struct client *next;
  double start;   /* the current bucket's start: a multiple of the window */
  int current;    /* requests counted in [start, start + window) */
  int previous;   /* and in the bucket before it */
  char name[];
};

static struct client *table[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned calls;

static size_t hash(const char *s) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return (size_t)(h % BUCKETS);
}

/* Moves c's buckets forward to the one holding now. */
static void advance(struct client *c, double window_ms, double now) {
  double start = floor(now / window_ms) * window_ms;
  if (start == c->start) return;
  c->previous = start - c->start == window_ms ? c->current : 0;
  c->current = 0;
  c->start = start;
}

static void sweep(double window_ms, double now) {
  for (size_t i = 0; i < BUCKETS; i++)
    for (struct client **p = &table[i]; *p;) {
      struct client *c = *p;
      if (now - c->start >= 2 * window_ms) {
        *p = c->next;
        free(c);
      } else {
        p = &c->next;
      }
    }
}

long rate_window_take(const char *client, int limit, double window_ms, double now) {
  pthread_mutex_lock(&mu);
  if (++calls % SWEEP_EVERY == 0) sweep(window_ms, now);
  struct client **p = &table[hash(client)];
  while (*p && strcmp((*p)->name, client) != 0) p = &(*p)->next;
  struct client *c = *p;
  if (c == NULL) {
    size_t n = strlen(client) + 1;
    c = calloc(1, sizeof *c + n);
    if (c == NULL) { /* out of memory: let it through rather than refuse everyone */
      pthread_mutex_unlock(&mu);
      return 0;
    }
    memcpy(c->name, client, n);
    c->start = floor(now / window_ms) * window_ms;
    c->next = table[hash(client)];
    table[hash(client)] = c;
  }
  advance(c, window_ms, now);
  double into = (now - c->start) / window_ms; /* 0..1 of the current bucket gone */
  double estimate = c->previous * (1 - into) + c->current;
  long wait = 0;
  if (estimate + 1 > limit + 1e-9) {
    /* When the previous bucket's weight has fallen enough, or else when the next bucket starts. */
    if (c->current + 1 <= limit && c->previous > 0) {
      double until = 1 - (limit - 1 - c->current) / (double)c->previous; /* fraction of the bucket */
      wait = (long)ceil((until - into) * window_ms);
    }
    if (wait <= 0) wait = (long)ceil(c->start + window_ms - now);
    if (wait <= 0) wait = 1;
  } else {
    c->current++;
  }
  pthread_mutex_unlock(&mu);
  return wait;
}

void rate_window_clear(void) {
  pthread_mutex_lock(&mu);
  for (size_t i = 0; i < BUCKETS; i++)
    while (table[i]) {
      struct client *c = table[i];
      table[i] = c->next;
      free(c);
    }
  pthread_mutex_unlock(&mu);
}
