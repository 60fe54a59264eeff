/* Worker threads: each owns a lua_State and a curl multi handle and runs requests as coroutines of lua/service.lua. */
#ifndef CHARTD_WORKERS_H
#define CHARTD_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* A message for a connection. body is malloc'ed and owned by the receiver from then on.
 * For WebSocket connections only body/len matter (a text frame); for HTTP, status and
 * mime describe the one response. */
struct worker_reply {
  uint64_t conn_id;
  bool http;
  int status;
  char mime[64];
  char *body;
  size_t len;
  /* HTTP only: a cacheable image (GET /v1/charts, POST answered with bytes) names its entity
   * tag (quoted, `"…"`) and a file name for Content-Disposition; both "" otherwise. */
  char etag[72];
  char filename[96];
};

/* What an HTTP request brings besides its body (src/http_routes.c); NULL for WebSocket
 * messages. request_id goes out again as X-Request-Id and into the worker's log lines. */
struct http_request_info {
  bool get;                /* GET /v1/charts: the job's text is the raw query string */
  bool accept_json;        /* Accept: application/json (POST) */
  char request_id[72];
  char if_none_match[256]; /* If-None-Match as sent, "" when absent */
};

/* Called from worker threads with each reply; must not block for long (it queues). */
typedef void (*workers_reply_fn)(void *ud, struct worker_reply *reply);

/* Starts cfg->workers threads; each builds its state from the serving generation (publish
 * one first: src/generation.c) and warms fonts by rendering a sample.
 * Returns 0, or -1 with err when a thread cannot start. Call once, after curl_global_init. */
int workers_start(const struct chartd_config *cfg, workers_reply_fn reply, void *ud, char *err, size_t errlen);

/* True once every worker loaded the scripts and rendered its warm-up chart, and while no
 * budgeted run is stuck past its deadline. Otherwise *why (if not NULL) gets the reason
 * (static storage). */
bool workers_ready(const char **why);

/* Hot reload: wakes idle workers so they build the new generation's state before the next
 * request (any thread). The catalog the service thread serves is src/catalog.c's. */
void workers_generation_advanced(void);

/* WORKERS_CONN_BUSY: the connection already has CHARTD_MAX_IN_FLIGHT requests queued or running. */
enum workers_submit_result { WORKERS_OK = 0, WORKERS_BUSY = -1, WORKERS_STOPPING = -2, WORKERS_CONN_BUSY = -3 };

/* Queues a request; workers take the connections' requests in turn (src/fair_queue.c).
 * text (malloc'ed, len bytes) passes to the workers. req_id is the client's
 * id as it appears inside the JSON string (raw, may be NULL) — used by workers_cancel and for
 * errors the host must write itself. http is NULL for a WebSocket message (copied otherwise).
 * Any thread may call it. */
enum workers_submit_result workers_submit(uint64_t conn_id, const char *req_id, const struct http_request_info *http,
                                          char *text, size_t len);

/* Flags the jobs of a connection (all of them when req_id is NULL) as cancelled; queued
 * ones never start, running ones stop at their next check. Returns how many were flagged. */
int workers_cancel(uint64_t conn_id, const char *req_id);

/* Jobs queued and not yet started / started and not yet answered. */
int workers_queued(void);
int workers_running(void);

/* Stops the threads after their current job and frees everything. */
void workers_stop(void);

#endif
