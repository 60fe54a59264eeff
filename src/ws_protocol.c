/* The WebSocket protocol chartd.v1: the handshake checks, reassembled messages, ping, cancel, subscribe, rate limit, and the hand-off of requests to the workers. */
#include "server_conn.h"

#include <libwebsockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "conversations.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "workers.h"
#include "rate_window.h"
#include "ws_message.h"

#ifndef CHARTD_VERSION
#define CHARTD_VERSION "dev"
#endif

static void ws_subscribe(struct conn *c) {
  bool reload, rerender;
  if (!ws_peek_subscribe(c->msg.buf, c->msg.len, &reload, &rerender) || !reload) {
    ws_send_error(c, NULL, "invalid_request", "events: allowed [\"reload\"]; rerender: true or false", NULL);
    return;
  }
  c->sub_reload = true;
  c->rerender = rerender;
  char buf[160];
  snprintf(buf, sizeof buf, "{\"type\":\"subscribed\",\"events\":[\"reload\"],\"rerender\":%s,\"generation\":%u}",
           rerender ? "true" : "false", reload_generation());
  ws_send_copy(c, buf);
}

static void ws_message(struct conn *c) {
  char type[32], id[ID_MAX];
  bool object = ws_peek_message(c->msg.buf, c->msg.len, type, sizeof type, id, sizeof id);
  if (object && strcmp(type, "ping") == 0) {
    ws_send_copy(c, "{\"type\":\"pong\"}");
    return;
  }
  if (object && strcmp(type, "chart.cancel") == 0 && id[0]) {
    int n = workers_cancel(c->id, id);
    log_writef(LOG_DEBUG, "cancel", "\"conn\":%llu,\"id\":\"%s\",\"jobs\":%d", (unsigned long long)c->id, id, n);
    return;
  }
  if (object && strcmp(type, "subscribe") == 0) {
    ws_subscribe(c);
    return;
  }
  /* Answered here, never queued, so a flood costs no worker time. With REDIS_URL the limit is
   * counted in Redis by the worker instead (lua/rate_limit.lua), across every replica. */
  if (srv.cfg.rate_limit > 0 && srv.cfg.redis_host[0] == '\0') {
    long wait = rate_window_take(c->client, srv.cfg.rate_limit, 60000.0, now_ms());
    if (wait > 0) {
      char msg[192], limit[16], extra[48];
      snprintf(limit, sizeof limit, "%d", srv.cfg.rate_limit);
      snprintf(msg, sizeof msg, error_lookup("rate_limited")->text, limit);
      snprintf(extra, sizeof extra, "\"retry_after_ms\":%ld", wait);
      metrics_rate_limit("replica", "limited");
      ws_send_error(c, object ? id : NULL, "rate_limited", msg, extra);
      return;
    }
  }
  if (object && strcmp(type, "chart.request") == 0) { /* kept for a re-render after a reload */
    char *copy = realloc(c->last_request, c->msg.len + 1);
    if (copy) {
      memcpy(copy, c->msg.buf, c->msg.len + 1);
      c->last_request = copy;
      c->last_request_len = c->msg.len;
      snprintf(c->last_id, sizeof c->last_id, "%s", id);
    }
  }
  if (srv.draining) {
    ws_send_error(c, object ? id : NULL, "busy", "the server is shutting down; retry on another instance", NULL);
    return;
  }
  size_t len;
  char *text = ws_assembler_take(&c->msg, &len);
  enum workers_submit_result rc = workers_submit(c->id, object ? id : NULL, NULL, text, len);
  if (rc == WORKERS_CONN_BUSY) {
    char msg[160];
    snprintf(msg, sizeof msg, "this connection has %d requests in flight (CHARTD_MAX_IN_FLIGHT); wait for an answer "
             "before sending more", srv.cfg.max_in_flight);
    ws_send_error(c, object ? id : NULL, "busy", msg, NULL);
  } else if (rc == WORKERS_BUSY) ws_send_error(c, object ? id : NULL, "busy", NULL, NULL);
  else if (rc == WORKERS_STOPPING) ws_send_error(c, object ? id : NULL, "busy", "the server is shutting down", NULL);
}

/* lws has no maximum message size (docs/STACK.md): the assembler counts what is still to come
 * of this frame against MAX_REQUEST_KB, so one huge frame is refused before it is buffered. */
static int ws_receive(struct conn *c, const void *in, size_t len) {
  struct lws *wsi = c->wsi;
  size_t total = 0;
  switch (ws_assembler_feed(&c->msg, in, len, lws_is_first_fragment(wsi), lws_is_final_fragment(wsi),
                            lws_remaining_packet_payload(wsi), &total)) {
  case WS_FEED_MORE:
    return 0;
  case WS_FEED_DONE:
    ws_message(c);
    return 0;
  case WS_FEED_TOO_LARGE:
    log_writef(LOG_WARN, "message_too_large", "\"conn\":%llu,\"bytes\":%zu,\"cap_bytes\":%zu", (unsigned long long)c->id,
               total, c->msg.max);
    lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"message too large", 17);
    return -1;
  case WS_FEED_NOMEM:
    break;
  }
  return -1;
}

/* A connection that ends with requests in flight or replies not yet written loses them: say
 * who ended it, so a client's missing answer can be told from a fault of the server. "client":
 * its close frame; "server": chartd closed it (slow reader, shutdown); "transport": no close
 * handshake (a reset or EOF from the peer, a failed write, or the CHARTD_IDLE_TIMEOUT hang-up). */
static void closed_with_work(struct conn *c, int in_flight) {
  const char *by = c->close_code ? "server" : c->peer_close ? "client" : "transport";
  metrics_closed_with_work(by);
  log_writef(LOG_INFO, "closed_with_work", "\"conn\":%llu,\"by\":\"%s\",\"code\":%d,\"requests\":%d,\"queued_bytes\":%zu",
             (unsigned long long)c->id, by, c->close_code ? c->close_code : c->peer_close, in_flight, c->out_bytes);
}

/* The catalog's hello with the connection's session token added (docs/protocol.md "Sessions"). */
static void ws_hello(struct conn *c, const char *session) {
  const char *hello = catalog_hello();
  char fallback[256];
  if (hello == NULL) {
    snprintf(fallback, sizeof fallback,
             "{\"type\":\"hello\",\"version\":\"%s\",\"planner\":\"%s\",\"chart_types\":[],\"themes\":[]}",
             CHARTD_VERSION, srv.cfg.planner);
    hello = fallback;
  }
  size_t n = strlen(hello);
  char *out = malloc(n + SESSION_TOKEN_LEN + 16);
  if (out == NULL || n < 2 || hello[n - 1] != '}') {
    free(out);
    ws_send_copy(c, hello);
    return;
  }
  memcpy(out, hello, n - 1);
  int k = snprintf(out + n - 1, SESSION_TOKEN_LEN + 16, ",\"session\":\"%s\"}", session);
  ws_send(c, out, n - 1 + (size_t)k);
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  struct pss *pss = user;
  struct conn *c = pss ? pss->c : NULL;
  switch (reason) {
  case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
    server_wake();
    return 0;
  case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
    char origin[512];
    if (!origin_allowed(wsi, origin, sizeof origin)) {
      char esc[600];
      log_json_escape(esc, sizeof esc, origin, strlen(origin));
      log_writef(LOG_WARN, "connection_refused", "\"reason\":\"origin\",\"origin\":\"%s\"", esc);
      metrics_connection_refused("origin");
      refuse_upgrade(wsi, "403 Forbidden", "origin not allowed");
      return -1;
    }
    if (!request_authorized(wsi)) {
      log_writef(LOG_WARN, "connection_refused", "\"reason\":\"unauthorized\"");
      metrics_connection_refused("unauthorized");
      refuse_upgrade(wsi, "401 Unauthorized", "missing or invalid API key");
      return -1;
    }
    /* The headers are gone by ESTABLISHED: what it needs is read now. A malformed session
     * token starts a new session (the hello names it). */
    char token[64];
    const char *arg = lws_get_urlarg_by_name(wsi, "session=", token, sizeof token);
    pss->session[0] = '\0';
    if (arg && session_token_valid(arg)) snprintf(pss->session, sizeof pss->session, "%s", arg);
    pss->key_slot = request_key_slot(wsi);
    return 0;
  }
  case LWS_CALLBACK_ESTABLISHED:
    /* Limits are checked here, not in HTTP_CONFIRM_UPGRADE (CVE-2025-11677). */
    pss->c = NULL;
    if (srv.draining) {
      metrics_connection_refused("draining");
      lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY, (unsigned char *)"server shutting down", 20);
      return -1;
    }
    if (srv.ws_open >= srv.cfg.max_connections) {
      metrics_connection_refused("limit");
      log_writef(LOG_WARN, "connection_refused", "\"reason\":\"limit\",\"open\":%d", srv.ws_open);
      lws_close_reason(wsi, (enum lws_close_status)1013, (unsigned char *)"try again later", 15);
      return -1;
    }
    c = conn_new(wsi, false);
    if (c == NULL) return -1;
    c->accepted = true;
    /* A request's progress messages and its chart are small frames written one after the
     * other: with Nagle's algorithm each waited for the client's delayed ACK (~40 ms). */
    setsockopt(lws_get_socket_fd(wsi), IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    ws_assembler_init(&c->msg, (size_t)srv.cfg.max_request_kb * 1024);
    pss->c = c;
    srv.ws_open++;
    metrics_connection_opened();
    if (pss->session[0] == '\0' && session_token_new(pss->session) != 0) {
      lws_close_reason(wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, (unsigned char *)"no randomness", 13);
      return -1;
    }
    if (pss->key_slot >= 0) snprintf(c->client, sizeof c->client, "key:%d", pss->key_slot);
    else snprintf(c->client, sizeof c->client, "session:%s", pss->session);
    conversations_attach(c->id, pss->session, c->client);
    log_writef(LOG_DEBUG, "connection_open", "\"conn\":%llu,\"open\":%d", (unsigned long long)c->id, srv.ws_open);
    ws_hello(c, pss->session);
    return 0;
  case LWS_CALLBACK_RECEIVE:
    if (c == NULL || c->close_code) return 0;
    return ws_receive(c, in, len);
  case LWS_CALLBACK_SERVER_WRITEABLE:
    if (c == NULL) return 0;
    return ws_writeable(c);
  case LWS_CALLBACK_ADD_HEADERS: /* static files from web/: one request per connection, as for the API */
    http_static_headers(wsi, in);
    return 0;
  case LWS_CALLBACK_HTTP_FILE_COMPLETION:
    return -1;
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    /* lws echoes whatever close code the peer sent (5000, 65535...). RFC 6455 7.4 allows
     * 1000-1003, 1007-1014 and 3000-4999 on the wire: anything else fails the connection
     * (closed without an echo) instead. */
    if (c) c->peer_close = len >= 2 ? ((int)((unsigned char *)in)[0] << 8) | ((unsigned char *)in)[1] : 1005;
    if (len >= 2) {
      unsigned code = ((unsigned)((unsigned char *)in)[0] << 8) | ((unsigned char *)in)[1];
      bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
      if (!valid) {
        log_writef(LOG_DEBUG, "ws_bad_close_code", "\"conn\":%llu,\"code\":%u", c ? (unsigned long long)c->id : 0ULL,
                   code);
        return -1;
      }
    } else if (len == 1) {
      return -1; /* a close payload of one byte is malformed */
    }
    return 0;
  case LWS_CALLBACK_CLOSED: {
    if (c == NULL) return 0; /* refused in ESTABLISHED: never counted */
    int in_flight = workers_cancel(c->id, NULL);
    if (in_flight > 0 || c->out_head) closed_with_work(c, in_flight);
    conversations_forget(c->id);
    srv.ws_open--;
    metrics_connection_closed();
    log_writef(LOG_DEBUG, "connection_closed", "\"conn\":%llu,\"open\":%d", (unsigned long long)c->id, srv.ws_open);
    conn_free(c);
    pss->c = NULL;
    return 0;
  }
  default:
    break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}
