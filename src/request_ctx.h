/* The `ctx` table a request's script gets (service.handle(text, ctx)): the one binding between a request and its worker, connection and conversation.
 *
 * ctx.emit(json_text [, final])   a WebSocket message to the request's connection
 * ctx.respond(status, mime, body [, {etag =, filename =}])
 *                                 the one HTTP response (GET or POST /v1/charts); an image
 *                                 answer names its entity tag and file name
 * ctx.method ("GET" | "POST"), ctx.query (GET: the query's {name, value} pairs, decoded, in
 *                                 order), ctx.if_none_match, ctx.request_id: HTTP only
 * ctx.checkpoint()                false | "cancelled" | "timeout": scripts call it between stages
 * ctx.deadline_ms                 when the request must be answered (chartd.clock.now_ms's clock)
 * ctx.mode ("ws" | "http"), ctx.accept_json, ctx.queued_ms, ctx.connection, ctx.worker
 * ctx.recall(with_data), ctx.remember(json_text [, data])   WebSocket only: the connection's
 *                                 conversation (src/conversations.c)
 * ctx.session, ctx.client         WebSocket only: the session token and who the client is for
 *                                 the rate limit ("key:<slot>" | "session:<token>")
 * ctx.limit_here(limit)           WebSocket only: counts the request in this process's sliding
 *                                 window (src/rate_window.c) → true | false, retry_after_ms
 *
 * Threads: the worker thread that runs the request. The functions hold the worker (its
 * owner) and the request's id, never a pointer to the request: they look it up at each call,
 * so a ctx a script kept somewhere is harmless after its request ended (emit answers false,
 * checkpoint "cancelled"). */
#ifndef CHARTD_REQUEST_CTX_H
#define CHARTD_REQUEST_CTX_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#include "budget.h"
#include "workers.h"

/* A request as its ctx sees it; owned by the worker's task. */
struct request_ctx {
  uint64_t conn_id;
  bool http;
  struct http_request_info info;   /* HTTP only */
  const char *query;               /* GET: the raw query string (the job's text) */
  size_t query_len;
  double enqueued_ms, deadline_ms; /* monotonic */
  struct budget_cancel *cancel;    /* the job's: settled by the final reply */
  bool final_sent;                 /* set by emit(final)/respond: nothing more is sent */
  int worker;
  workers_reply_fn reply;          /* hands a reply to the service thread */
  void *reply_ud;
};

/* Who finds a live request by its id (a worker): NULL once it ended. Lives as long as the
 * states whose scripts may hold a ctx. */
struct request_ctx_owner {
  struct request_ctx *(*find)(struct request_ctx_owner *owner, lua_Integer id);
};

/* Pushes the ctx table of request id (req, as it is now) on co. */
void request_ctx_push(lua_State *co, struct request_ctx_owner *owner, lua_Integer id, const struct request_ctx *req);

#endif
