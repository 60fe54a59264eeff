/* Conversation memory by session, under one budget, least recently used first (src/conversations.h). */
#include "conversations.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define BUCKETS 1024
#define SWEEP_EVERY_MS 1000.0

struct entry {
  struct entry *next;
  char token[SESSION_TOKEN_LEN + 2]; /* "#<conn id>" for a connection that was never attached */
  int attached;                      /* connections holding the session now */
  double expires;                    /* when attached is 0: monotonic ms it is dropped at */
  char *state;
  size_t state_len;
  char *data;
  size_t data_len;
  bool has_data;
  bool evicted;
  size_t evicted_bytes;
  uint64_t used; /* tick of the last remember/recall: the LRU order */
};

/* Which session a connection belongs to. */
struct link {
  struct link *next;
  uint64_t conn_id;
  struct entry *e;
  char client[CONVERSATION_CLIENT_MAX];
};

static struct entry *table[BUCKETS];
static struct link *links[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static size_t budget;       /* 0 = no limit */
static double ttl = 86400e3;
static bool shared;
static size_t total;        /* state + data bytes of every entry */
static uint64_t tick;
static unsigned long evictions;
static double last_sweep;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int session_token_new(char *out) {
  unsigned char raw[SESSION_TOKEN_LEN / 2];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  for (size_t i = 0; i < sizeof raw; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
  return 0;
}

bool session_token_valid(const char *s) {
  size_t i = 0;
  for (; s[i]; i++)
    if (i >= SESSION_TOKEN_LEN || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return i == SESSION_TOKEN_LEN;
}

void conversations_configure(size_t budget_bytes, double ttl_ms, bool shared_store) {
  pthread_mutex_lock(&mu);
  budget = budget_bytes;
  ttl = ttl_ms;
  shared = shared_store;
  pthread_mutex_unlock(&mu);
}

static size_t hash(const char *s) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return (size_t)(h % BUCKETS);
}

static struct entry **slot(const char *token) {
  struct entry **p = &table[hash(token)];
  while (*p && strcmp((*p)->token, token) != 0) p = &(*p)->next;
  return p;
}

static struct link **link_slot(uint64_t conn_id) {
  struct link **p = &links[conn_id % BUCKETS];
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

static void free_entry(struct entry *e) {
  total -= e->state_len + e->data_len;
  free(e->state);
  free(e->data);
  free(e);
}

static void unlink_entry(struct entry *e) {
  struct entry **p = slot(e->token);
  if (*p == e) *p = e->next;
  free_entry(e);
}

static struct entry *new_entry(const char *token) {
  struct entry *e = calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  snprintf(e->token, sizeof e->token, "%s", token);
  struct entry **p = &table[hash(token)];
  e->next = *p;
  *p = e;
  return e;
}

/* Drops sessions whose TTL passed (at most once a second: a full scan). */
static void sweep(double now) {
  if (now - last_sweep < SWEEP_EVERY_MS) return;
  last_sweep = now;
  for (size_t i = 0; i < BUCKETS; i++)
    for (struct entry **p = &table[i]; *p;) {
      struct entry *e = *p;
      if (e->attached == 0 && e->expires <= now) {
        *p = e->next;
        free_entry(e);
      } else {
        p = &e->next;
      }
    }
}

/* Until total fits: sessions nobody holds, least recently used first, then the data of
 * other held ones (never keep's). */
static void make_room(const struct entry *keep) {
  while (budget && total > budget) {
    struct entry *oldest = NULL;
    for (size_t i = 0; i < BUCKETS; i++)
      for (struct entry *e = table[i]; e; e = e->next)
        if (e != keep && e->attached == 0 && (!oldest || e->used < oldest->used)) oldest = e;
    if (oldest) {
      unlink_entry(oldest);
      continue;
    }
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

/* The connection's session; one of its own when it was never attached (create), else NULL. */
static struct entry *entry_of(uint64_t conn_id, bool create) {
  struct link **l = link_slot(conn_id);
  if (*l) return (*l)->e;
  if (!create) return NULL;
  char token[SESSION_TOKEN_LEN + 2];
  snprintf(token, sizeof token, "#%llu", (unsigned long long)conn_id);
  struct link *nl = calloc(1, sizeof *nl);
  struct entry *e = nl ? new_entry(token) : NULL;
  if (e == NULL) {
    free(nl);
    return NULL;
  }
  e->attached = 1;
  nl->conn_id = conn_id;
  nl->e = e;
  *l = nl;
  return e;
}

bool conversations_attach(uint64_t conn_id, const char *token, const char *client) {
  pthread_mutex_lock(&mu);
  sweep(now_ms());
  struct link **l = link_slot(conn_id);
  struct entry **p = slot(token), *e = *p;
  if (e && e->attached == 0 && shared) { /* Redis may hold a newer turn of it */
    *p = e->next;
    free_entry(e);
    e = NULL;
  }
  bool held = e && e->state;
  if (e == NULL) e = new_entry(token);
  if (e && *l == NULL) {
    struct link *nl = calloc(1, sizeof *nl);
    if (nl) {
      nl->conn_id = conn_id;
      nl->e = e;
      snprintf(nl->client, sizeof nl->client, "%s", client);
      *l = nl;
      e->attached++;
    }
  }
  pthread_mutex_unlock(&mu);
  return held;
}

void conversations_forget(uint64_t conn_id) {
  pthread_mutex_lock(&mu);
  struct link **l = link_slot(conn_id), *nl = *l;
  if (nl) {
    *l = nl->next;
    struct entry *e = nl->e;
    free(nl);
    if (--e->attached == 0) {
      if (e->token[0] == '#') unlink_entry(e);
      else e->expires = now_ms() + ttl;
    }
  }
  pthread_mutex_unlock(&mu);
}

void conversations_session(uint64_t conn_id, char *token, char *client) {
  token[0] = client[0] = '\0';
  pthread_mutex_lock(&mu);
  struct link *l = *link_slot(conn_id);
  if (l && l->e->token[0] != '#') {
    memcpy(token, l->e->token, SESSION_TOKEN_LEN); /* attached tokens are SESSION_TOKEN_LEN long */
    token[SESSION_TOKEN_LEN] = '\0';
    memcpy(client, l->client, CONVERSATION_CLIENT_MAX);
  }
  pthread_mutex_unlock(&mu);
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
  sweep(now_ms());
  struct entry *e = entry_of(conn_id, true);
  if (e == NULL) {
    pthread_mutex_unlock(&mu);
    free(state_copy);
    free(data_copy);
    return -1;
  }
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

void conversations_mark_evicted(uint64_t conn_id, size_t bytes) {
  pthread_mutex_lock(&mu);
  struct entry *e = entry_of(conn_id, false);
  if (e) {
    drop_data(e);
    e->evicted = true;
    e->evicted_bytes = bytes;
  }
  pthread_mutex_unlock(&mu);
}

int conversations_recall(uint64_t conn_id, bool with_data, struct conversation_view *out) {
  memset(out, 0, sizeof *out);
  int rc = 0;
  pthread_mutex_lock(&mu);
  struct entry *e = entry_of(conn_id, false);
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

void conversations_stats(size_t *bytes, size_t *n, unsigned long *evicted) {
  pthread_mutex_lock(&mu);
  *bytes = total;
  *n = 0; /* sessions holding a chart or data (a connection that asked nothing yet holds none) */
  for (size_t i = 0; i < BUCKETS; i++)
    for (struct entry *e = table[i]; e; e = e->next) *n += e->state || e->has_data;
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
    while (links[i]) {
      struct link *l = links[i];
      links[i] = l->next;
      free(l);
    }
  }
  pthread_mutex_unlock(&mu);
}
