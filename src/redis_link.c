/* A worker's connection to Redis through hiredis's async API, polled by the worker's loop (src/redis_link.h). */
#include "redis_link.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"

#define BACKOFF_MIN_MS 250.0
#define BACKOFF_MAX_MS 5000.0

/* One command on its way: hiredis's privdata. waiter NULL once its caller is gone. */
struct pending {
  struct redis_link *link;
  redis_reply_fn fn;
  void *ud; /* NULL: forgotten */
  double sent_ms;
};

struct redis_link {
  const struct chartd_config *cfg;
  int worker;
  redisAsyncContext *ac; /* NULL: not connected */
  bool want_read, want_write;
  double down_until, backoff_ms;
  int pending;
};

static atomic_int process_state = -1; /* redis_state() */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int redis_state(void) { return atomic_load(&process_state); }

/* One log line per change of the whole process's view, not per worker. */
static void set_state(struct redis_link *link, bool up, const char *why) {
  int was = atomic_exchange(&process_state, up ? 1 : 0);
  metrics_redis_up(up);
  if (was == (up ? 1 : 0)) return;
  if (up)
    log_writef(LOG_INFO, "redis_up", "\"worker\":%d,\"host\":\"%s\",\"port\":%d", link->worker, link->cfg->redis_host,
               link->cfg->redis_port);
  else
    log_writef(LOG_WARN, "redis_down",
               "\"worker\":%d,\"host\":\"%s\",\"port\":%d,\"why\":\"%s\",\"retry_ms\":%.0f,"
               "\"effect\":\"cache and sessions degrade to this process; limits count per replica\"",
               link->worker, link->cfg->redis_host, link->cfg->redis_port, why, link->backoff_ms);
}

static void mark_down(struct redis_link *link, const char *why) {
  link->backoff_ms = link->backoff_ms <= 0 ? BACKOFF_MIN_MS : link->backoff_ms * 2;
  if (link->backoff_ms > BACKOFF_MAX_MS) link->backoff_ms = BACKOFF_MAX_MS;
  link->down_until = now_ms() + link->backoff_ms;
  metrics_redis_failure(why);
  set_state(link, false, why);
}

/* ---- replies ---- */

void redis_value_free(struct redis_value *v) {
  if (v == NULL) return;
  for (size_t i = 0; i < v->elements; i++) redis_value_free(v->element[i]);
  free(v->element);
  free(v->str);
  free(v);
}

static struct redis_value *copy_reply(const redisReply *r) {
  struct redis_value *v = calloc(1, sizeof *v);
  if (v == NULL) return NULL;
  v->type = r->type;
  v->integer = r->integer;
  if (r->str) {
    v->str = malloc(r->len + 1);
    if (v->str == NULL) goto fail;
    memcpy(v->str, r->str, r->len);
    v->str[r->len] = '\0';
    v->len = r->len;
  }
  if (r->type == REDIS_REPLY_ARRAY && r->elements) {
    v->element = calloc(r->elements, sizeof *v->element);
    if (v->element == NULL) goto fail;
    for (size_t i = 0; i < r->elements; i++) {
      v->elements = i + 1;
      if ((v->element[i] = copy_reply(r->element[i])) == NULL) goto fail;
    }
  }
  return v;
fail:
  redis_value_free(v);
  return NULL;
}

/* hiredis calls this once per command: with its reply, or with NULL when the context is freed. */
static void on_reply(redisAsyncContext *ac, void *reply, void *privdata) {
  (void)ac;
  struct pending *p = privdata;
  struct redis_link *link = p->link;
  link->pending--;
  double ms = now_ms() - p->sent_ms;
  if (reply) {
    metrics_redis_command(ms / 1e3);
    link->backoff_ms = 0;
    if (p->ud) p->fn(p->ud, copy_reply(reply), NULL);
  } else if (p->ud) {
    p->fn(p->ud, NULL, "lost");
  }
  free(p);
}

/* ---- the connection and its event hooks (hiredis asks; the worker's poll delivers) ---- */

static void ev_add_read(void *d) { ((struct redis_link *)d)->want_read = true; }
static void ev_del_read(void *d) { ((struct redis_link *)d)->want_read = false; }
static void ev_add_write(void *d) { ((struct redis_link *)d)->want_write = true; }
static void ev_del_write(void *d) { ((struct redis_link *)d)->want_write = false; }
static void ev_cleanup(void *d) {
  struct redis_link *link = d;
  link->want_read = link->want_write = false;
}

static void on_connect(const redisAsyncContext *ac, int status) {
  struct redis_link *link = ac->data;
  if (status != REDIS_OK) { /* hiredis frees the context after this */
    link->ac = NULL;
    mark_down(link, "connect");
    return;
  }
  set_state(link, true, NULL);
}

static void on_disconnect(const redisAsyncContext *ac, int status) {
  struct redis_link *link = ac->data;
  link->ac = NULL;
  if (status != REDIS_OK) mark_down(link, "lost");
}

static bool connect_now(struct redis_link *link) {
  const struct chartd_config *cfg = link->cfg;
  /* Note: a host name is resolved here (getaddrinfo) on the worker's thread; an IP address,
   * or a private network's DNS, keeps that short. */
  redisAsyncContext *ac = redisAsyncConnect(cfg->redis_host, cfg->redis_port);
  if (ac == NULL || ac->err) {
    if (ac) redisAsyncFree(ac);
    mark_down(link, "connect");
    return false;
  }
  ac->data = link;
  ac->ev.data = link;
  ac->ev.addRead = ev_add_read;
  ac->ev.delRead = ev_del_read;
  ac->ev.addWrite = ev_add_write;
  ac->ev.delWrite = ev_del_write;
  ac->ev.cleanup = ev_cleanup;
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  link->ac = ac;
  link->want_write = true; /* the connect completes when the socket becomes writable */
  /* AUTH and SELECT go first on the wire; their replies only matter when they fail, which
   * the next command then shows as an error reply. */
  if (cfg->redis_password[0]) {
    if (cfg->redis_user[0])
      redisAsyncCommand(ac, NULL, NULL, "AUTH %s %s", cfg->redis_user, cfg->redis_password);
    else
      redisAsyncCommand(ac, NULL, NULL, "AUTH %s", cfg->redis_password);
  }
  if (cfg->redis_db) redisAsyncCommand(ac, NULL, NULL, "SELECT %d", cfg->redis_db);
  return true;
}

struct redis_link *redis_link_new(const struct chartd_config *cfg, int worker) {
  if (cfg->redis_host[0] == '\0') return NULL;
  struct redis_link *link = calloc(1, sizeof *link);
  if (link == NULL) return NULL;
  link->cfg = cfg;
  link->worker = worker;
  if (atomic_load(&process_state) < 0) atomic_store(&process_state, 0); /* configured, not yet seen up */
  return link;
}

void redis_link_free(struct redis_link *link) {
  if (link == NULL) return;
  if (link->ac) {
    redisAsyncContext *ac = link->ac;
    ac->onDisconnect = NULL; /* a deliberate close is not Redis going down */
    link->ac = NULL;
    redisAsyncFree(ac);
  }
  free(link);
}

void *redis_link_send(struct redis_link *link, int argc, const char **argv, const size_t *lens, redis_reply_fn fn,
                      void *ud) {
  if (link == NULL) return NULL;
  if (link->ac == NULL) {
    if (now_ms() < link->down_until || !connect_now(link)) {
      metrics_redis_failure("down");
      return NULL;
    }
  }
  struct pending *p = malloc(sizeof *p);
  if (p == NULL) return NULL;
  *p = (struct pending){.link = link, .fn = fn, .ud = ud, .sent_ms = now_ms()};
  if (redisAsyncCommandArgv(link->ac, on_reply, p, argc, argv, lens) != REDIS_OK) {
    free(p);
    return NULL;
  }
  link->pending++;
  return p;
}

void redis_link_forget(void *handle) {
  if (handle) ((struct pending *)handle)->ud = NULL;
}

int redis_link_poll(struct redis_link *link, short *events) {
  *events = 0;
  if (link == NULL || link->ac == NULL) return -1;
  if (link->want_read) *events |= POLLIN;
  if (link->want_write) *events |= POLLOUT;
  return *events ? link->ac->c.fd : -1;
}

void redis_link_io(struct redis_link *link, short revents) {
  /* Each call may free the context (a lost connection): check it before the next. */
  if (link->ac && (revents & (POLLIN | POLLERR | POLLHUP))) redisAsyncHandleRead(link->ac);
  if (link->ac && (revents & (POLLOUT | POLLERR))) redisAsyncHandleWrite(link->ac);
}

void redis_link_reset(struct redis_link *link, const char *why) {
  if (link->ac) {
    redisAsyncContext *ac = link->ac;
    ac->onDisconnect = NULL;
    link->ac = NULL;
    redisAsyncFree(ac); /* its pending commands' callbacks run now, with NULL */
  }
  mark_down(link, why);
}

int redis_link_timeout_ms(const struct redis_link *link) { return link->cfg->redis_timeout_ms; }
