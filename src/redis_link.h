/* A worker's connection to Redis (REDIS_URL): hiredis's async API driven by the worker's own loop, so a Redis command never holds a thread.
 *
 * Each worker owns one link and only that worker's thread touches it. The worker adds the
 * link's socket to its curl_multi_poll (redis_link_poll) and hands back what the poll saw
 * (redis_link_io); replies arrive through the callback given to redis_link_send, from inside
 * redis_link_io or redis_link_reset. A command is answered exactly once: with a reply, or
 * with NULL (Redis down, slow, the connection lost).
 *
 * Degrading: a refused or lost connection, or a command its caller gave up on as too slow
 * (redis_link_reset), marks the link down for a back-off (doubling from 250 ms to 5 s); while
 * down, redis_link_send fails at once, so requests do not wait on a Redis that is away. The
 * first send after the back-off reconnects. Every transition is logged once per process
 * (`redis_down` / `redis_up`) and shows in /metrics (chartd_redis_up). */
#ifndef CHARTD_REDIS_LINK_H
#define CHARTD_REDIS_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* A reply, deep-copied out of hiredis (which frees its own after the callback). */
struct redis_value {
  int type; /* REDIS_REPLY_STRING, _ARRAY, _INTEGER, _NIL, _STATUS, _ERROR */
  long long integer;
  char *str;
  size_t len;
  size_t elements;
  struct redis_value **element;
};
void redis_value_free(struct redis_value *v);

/* reply NULL: the command failed (why says how: "down", "lost", "timeout"). The callee owns reply. */
typedef void (*redis_reply_fn)(void *ud, struct redis_value *reply, const char *why);

struct redis_link;

/* The registry key under which a worker state holds its link (light userdata), for chartd.redis. */
#define CHARTD_REDIS_LINK "chartd.redis.link"

/* NULL when cfg names no Redis. Connects lazily, on the first send. */
struct redis_link *redis_link_new(const struct chartd_config *cfg, int worker);
/* Fails every pending command (callbacks run) and frees the link. */
void redis_link_free(struct redis_link *link);

/* Sends one command (argv/lens). Returns a handle for redis_link_forget, or NULL when the
 * link is down (the callback is NOT called then). */
void *redis_link_send(struct redis_link *link, int argc, const char **argv, const size_t *lens, redis_reply_fn fn,
                      void *ud);
/* The waiter is gone (its coroutine dropped): the reply, when it comes, is thrown away. */
void redis_link_forget(void *handle);

/* The socket to poll (-1: none) and the events wanted (POLLIN/POLLOUT). */
int redis_link_poll(struct redis_link *link, short *events);
/* What the poll reported for that socket. */
void redis_link_io(struct redis_link *link, short revents);

/* A command took longer than CHARTD_REDIS_TIMEOUT_MS: drop the connection (its pending
 * commands fail) and back off. */
void redis_link_reset(struct redis_link *link, const char *why);

/* The configured command timeout. */
int redis_link_timeout_ms(const struct redis_link *link);

/* Process-wide: 1 when the last link to talk to Redis found it up, 0 when down, -1 when no
 * Redis is configured (for /metrics and /readyz's detail). */
int redis_state(void);

#endif
