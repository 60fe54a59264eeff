/* The WebSocket + HTTP server: one libwebsockets service thread doing I/O only.
 *
 * Threads: everything in this file except post_reply() and on_signal() runs on the lws
 * service thread. Workers hand replies to post_reply(), which appends to a locked queue and
 * calls lws_cancel_service(); the service thread drains it on EVENT_WAIT_CANCELLED.
 * Connections are referred to by a 64-bit id across threads, never by wsi: a reply for a
 * connection that closed meanwhile finds no entry and is dropped.
 * Ownership: struct conn is malloc'ed here and freed when lws reports the close
 * (LWS_CALLBACK_CLOSED for WebSockets, HTTP_DROP_PROTOCOL / CLOSED_HTTP for HTTP); lws's
 * per-session data only holds a pointer to it. */
#include "server.h"

#include <curl/curl.h>
#include <libwebsockets.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "conversations.h"
#include "errors.h"
#include "front_door.h"
#include "generation.h"
#include "http_head.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "runtime.h"
#include "workers.h"
#include "ws_message.h"

#ifndef CHARTD_VERSION
#define CHARTD_VERSION "dev"
#endif

#define CHUNK 65536      /* WebSocket fragment / HTTP body write size */
#define ID_MAX 160       /* request ids longer than this cannot be cancelled (service.lua caps at 128) */
#define CLOSE_WAIT_MS 3000 /* after the 1001 closes, how long to wait for clients to go */
#define SEND_TICK_MS 250   /* how often send progress is checked (CHARTD_SEND_TIMEOUT >= 1 s) */

struct outmsg {
  struct outmsg *next;
  char *data;
  size_t len, sent;
};

struct conn {
  struct conn *prev, *next; /* g.conns, service thread only */
  uint64_t id;
  struct lws *wsi;
  bool http;
  /* WebSocket */
  bool accepted;
  struct ws_assembler msg; /* the inbound message being reassembled (ws_message.c) */
  struct outmsg *out_head, *out_tail;
  size_t out_bytes;
  int close_code; /* nonzero: close once the queue is flushed (1008: at once) */
  const char *close_reason;
  /* Send progress (CHARTD_SEND_TIMEOUT, send_tick). A client that stops reading leaves its
   * replies in the kernel's send queue as much as in out_head, so both count: wire_bytes is
   * what lws_write took (frame headers included), last_outq the socket's unsent + unacked
   * bytes (SIOCOUTQ) at the previous check; what left the socket in between is progress. */
  bool watch; /* something was queued since the socket was last seen drained */
  uint64_t wire_bytes, last_wire;
  int last_outq;
  double progress_ms; /* when bytes last left the socket (or watching began) */
  /* HTTP */
  char *in; /* the POST body so far */
  size_t in_len, in_cap;
  bool post, accept_json, body_too_big, job_pending, have_response, headers_sent, close_after;
  int status;
  char mime[64];
  char *body;
  size_t body_len, body_sent;
  /* Hot reload: {"type":"subscribe","events":["reload"],"rerender":true} and the last
   * chart.request of this connection (resubmitted as is when a reload succeeds). */
  bool sub_reload, rerender;
  char *last_request;
  size_t last_request_len;
  char last_id[ID_MAX];
  /* CHARTD_RATE_LIMIT: requests counted in a fixed one-minute window. */
  double rl_window_start;
  int rl_count;
};

/* A reload attempt, from the reload thread to the service thread (g.mu). */
struct reload_event {
  struct reload_event *next;
  bool ok;
  char *message; /* the `reload` message for subscribers */
  char *hello, *chart_types, *themes;
};

struct pss {
  struct conn *c;
};

struct pending {
  struct pending *next;
  struct worker_reply r;
};

static struct {
  struct chartd_config cfg;
  struct lws_context *ctx;
  struct conn *conns;
  uint64_t next_id;
  int ws_open;
  size_t out_cap;                 /* slow-reader cap per connection */
  pthread_mutex_t mu;             /* guards the reply queue */
  struct pending *head, *tail;
  struct reload_event *reloads;   /* g.mu; newest first, applied oldest first */
  volatile sig_atomic_t signalled;
  bool draining, closing_all;
  double drain_deadline, close_deadline;
  bool done;
  lws_sorted_usec_list_t tick;
  lws_sorted_usec_list_t send_sul; /* send_tick */
  unsigned char scratch[LWS_PRE + CHUNK];
} g = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void adopt_connections(void);

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- access control (service thread) ----
 * CHARTD_API_KEYS guards the WebSocket handshake and every HTTP endpoint except /healthz and
 * /readyz (probes carry no credentials); the static playground under / stays public, since it
 * holds no data and must load before the user can type a key. Keys are compared in constant
 * time and never logged. CHARTD_ALLOWED_ORIGINS is checked in FILTER_PROTOCOL_CONNECTION, not
 * HTTP_CONFIRM_UPGRADE (CVE-2025-11677). */

/* Time depends on the configured key's length only, never on where a candidate differs. */
static bool key_equal(const char *key, size_t klen, const char *cand, size_t clen) {
  unsigned char diff = klen != clen;
  for (size_t i = 0; i < klen; i++) diff |= (unsigned char)key[i] ^ (unsigned char)(i < clen ? cand[i] : 0);
  return diff == 0;
}

static bool key_valid(const char *cand, size_t clen) {
  bool ok = false;
  for (const char *k = g.cfg.api_keys; *k;) { /* every key is compared: no early exit */
    size_t n = strcspn(k, ",");
    ok |= key_equal(k, n, cand, clen);
    k += n;
    if (*k == ',') k++;
  }
  return ok;
}

static bool request_authorized(struct lws *wsi) {
  if (g.cfg.api_keys[0] == '\0') return true;
  char buf[1024];
  bool ok = false;
  if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
      lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_AUTHORIZATION) > 7 && strncmp(buf, "Bearer ", 7) == 0)
    ok = key_valid(buf + 7, strlen(buf + 7));
  if (!ok) {
    const char *token = lws_get_urlarg_by_name(wsi, "token=", buf, sizeof buf);
    if (token) ok = key_valid(token, strlen(token));
  }
  memset(buf, 0, sizeof buf);
  return ok;
}

/* Exact match against the list; a request without Origin is not from a browser and passes. */
static bool origin_allowed(struct lws *wsi, char *origin, size_t cap) {
  origin[0] = '\0';
  if (g.cfg.allowed_origins[0] == '\0' || lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0) return true;
  if (lws_hdr_copy(wsi, origin, (int)cap, WSI_TOKEN_ORIGIN) < 0) return false;
  size_t olen = strlen(origin);
  for (const char *o = g.cfg.allowed_origins; *o;) {
    size_t n = strcspn(o, ",");
    if (n == olen && memcmp(o, origin, n) == 0) return true;
    o += n;
    if (*o == ',') o++;
  }
  return false;
}

/* A refused upgrade is answered by hand: lws_return_http_status() at this stage says
 * HTTP/1.0, which WebSocket clients (python-websockets) reject as a malformed answer. */
static void refuse_upgrade(struct lws *wsi, const char *status, const char *message) {
  char *p = (char *)g.scratch + LWS_PRE;
  int n = snprintf(p, CHUNK,
                   "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n%s\n",
                   status, strlen(message) + 1, status[0] == '4' && status[2] == '1' ? "WWW-Authenticate: Bearer\r\n" : "",
                   message);
  lws_write(wsi, (unsigned char *)p, (size_t)n, LWS_WRITE_HTTP_HEADERS);
}

/* ---- connections (service thread) ---- */

static struct conn *conn_new(struct lws *wsi, bool http) {
  struct conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->id = ++g.next_id;
  c->wsi = wsi;
  c->http = http;
  c->next = g.conns;
  if (g.conns) g.conns->prev = c;
  g.conns = c;
  return c;
}

static struct conn *conn_find(uint64_t id) {
  for (struct conn *c = g.conns; c; c = c->next)
    if (c->id == id) return c;
  return NULL;
}

static void outq_clear(struct conn *c) {
  while (c->out_head) {
    struct outmsg *m = c->out_head;
    c->out_head = m->next;
    free(m->data);
    free(m);
  }
  c->out_tail = NULL;
  c->out_bytes = 0;
}

static void conn_free(struct conn *c) {
  if (c->prev) c->prev->next = c->next; else g.conns = c->next;
  if (c->next) c->next->prev = c->prev;
  outq_clear(c);
  ws_assembler_free(&c->msg);
  free(c->in);
  free(c->body);
  free(c->last_request);
  free(c);
}

/* Unsent + unacknowledged bytes in the socket's send queue; 0 when it cannot be read. */
static int socket_outq(struct conn *c) {
  int n = 0;
  if (ioctl(lws_get_socket_fd(c->wsi), SIOCOUTQ, &n) != 0 || n < 0) n = 0;
  return n;
}

/* SO_LINGER 0: closing the socket sends a reset, which reaches the peer at once and frees
 * what the kernel still holds for it, instead of a FIN waiting behind unsent bytes. */
static void reset_on_close(struct conn *c) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(lws_get_socket_fd(c->wsi), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

/* Drops a WebSocket client that does not read what it is sent (the server must not buffer
 * without bound, nor hold a connection forever, for one client): logged `slow_reader` with
 * fields (which start with the reason), counted, its replies and jobs dropped. The 1008 close
 * is started through lws's timeout so that it works from any context (a writeable callback
 * may never come for a peer whose window is shut); lws sends the close frame if the socket
 * takes it. reset: the socket's queue has not moved for the whole send timeout, so the close
 * frame would only wait behind it: SO_LINGER 0 makes the close a reset, which reaches the
 * peer at once and frees what the kernel still holds for it (a FIN would wait behind the
 * unsent bytes, and a peer stuck in its own send saw nothing for as long as it waited). */
static void drop_slow_reader(struct conn *c, const char *reason, const char *fields, bool reset) {
  log_writef(LOG_WARN, "slow_reader", "\"conn\":%llu,%s", (unsigned long long)c->id, fields);
  metrics_slow_reader();
  outq_clear(c);
  workers_cancel(c->id, NULL);
  c->close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
  c->close_reason = reason;
  lws_close_reason(c->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)reason, strlen(reason));
  if (reset) reset_on_close(c);
  lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* Something is queued for c: unless its socket was already being watched, the send deadline
 * (CHARTD_SEND_TIMEOUT, send_tick) starts now. */
static void watch_sending(struct conn *c) {
  if (c->watch) return;
  c->watch = true;
  c->progress_ms = now_ms();
  c->last_wire = c->wire_bytes;
  c->last_outq = socket_outq(c);
}

/* Queues a WebSocket text message (taking data). Past the slow-reader cap the connection
 * is closed with 1008 instead. */
static void ws_send(struct conn *c, char *data, size_t len) {
  if (c->close_code == LWS_CLOSE_STATUS_POLICY_VIOLATION) {
    free(data);
    return;
  }
  if (c->out_bytes + len > g.out_cap) {
    free(data);
    char fields[160];
    snprintf(fields, sizeof fields, "\"reason\":\"cap\",\"queued_bytes\":%zu,\"cap_bytes\":%zu", c->out_bytes + len,
             g.out_cap);
    drop_slow_reader(c, "slow reader: too much queued", fields, false);
    return;
  }
  watch_sending(c);
  struct outmsg *m = calloc(1, sizeof *m);
  if (m == NULL) {
    free(data);
    return;
  }
  m->data = data;
  m->len = len;
  if (c->out_tail) c->out_tail->next = m; else c->out_head = m;
  c->out_tail = m;
  c->out_bytes += len;
  metrics_bytes_sent(len);
  lws_callback_on_writable(c->wsi);
}

static void ws_send_copy(struct conn *c, const char *text) {
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  if (copy == NULL) return;
  memcpy(copy, text, len + 1);
  ws_send(c, copy, len);
}

/* An error the service thread writes itself (busy, shutting down), through the one error
 * builder (src/errors.c). id is raw JSON string content; message NULL is the code's text. */
static void ws_send_error(struct conn *c, const char *id, const char *code, const char *message, const char *extra) {
  size_t len;
  char *text = error_json(code, id, message, NULL, NULL, extra, &len, NULL);
  if (text) ws_send(c, text, len);
}

/* ---- hot reload (service thread, except on_reload) ---- */

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

/* Reload thread: hands the result to the service thread. Workers are told at once: they
 * build the new generation's state before their next request. */
static void on_reload(void *ud, const struct reload_result *r) {
  (void)ud;
  metrics_reload_done(r->ok, r->duration_ms);
  if (r->ok) workers_generation_advanced();
  struct reload_event *e = calloc(1, sizeof *e);
  if (e == NULL) return;
  e->ok = r->ok;
  size_t cap = strlen(r->changed_json) + (r->error ? strlen(r->error) * 6 : 0) + 128;
  e->message = malloc(cap);
  if (e->message == NULL) {
    free(e);
    return;
  }
  int n = snprintf(e->message, cap, "{\"type\":\"reload\",\"generation\":%u,\"ok\":%s,\"changed\":%s", r->generation,
                   r->ok ? "true" : "false", r->changed_json);
  if (r->error) {
    memcpy(e->message + n, ",\"error\":\"", 10);
    n += 10;
    n += (int)log_json_escape(e->message + n, cap - (size_t)n, r->error, strlen(r->error));
    e->message[n++] = '"';
  }
  e->message[n++] = '}';
  e->message[n] = '\0';
  if (r->ok && r->hello_json && r->chart_types_json && r->themes_json) {
    e->hello = strdup(r->hello_json);
    e->chart_types = strdup(r->chart_types_json);
    e->themes = strdup(r->themes_json);
  }
  pthread_mutex_lock(&g.mu);
  e->next = g.reloads;
  g.reloads = e;
  pthread_mutex_unlock(&g.mu);
  if (g.ctx) lws_cancel_service(g.ctx);
}

static void reload_event_free(struct reload_event *e) {
  free(e->message);
  free(e->hello);
  free(e->chart_types);
  free(e->themes);
  free(e);
}

/* New catalog, the message to subscribers, and their live previews. */
static void drain_reloads(void) {
  pthread_mutex_lock(&g.mu);
  struct reload_event *list = g.reloads, *ordered = NULL;
  g.reloads = NULL;
  pthread_mutex_unlock(&g.mu);
  while (list) { /* newest first → oldest first */
    struct reload_event *next = list->next;
    list->next = ordered;
    ordered = list;
    list = next;
  }
  while (ordered) {
    struct reload_event *e = ordered;
    ordered = e->next;
    if (e->hello) workers_set_catalog(e->hello, e->chart_types, e->themes);
    for (struct conn *c = g.conns; c; c = c->next) {
      if (c->http || !c->accepted || !c->sub_reload || c->close_code) continue;
      ws_send_copy(c, e->message);
      if (!e->ok || !c->rerender || c->last_request == NULL || g.draining) continue;
      char *copy = malloc(c->last_request_len + 1);
      if (copy == NULL) continue;
      memcpy(copy, c->last_request, c->last_request_len + 1);
      workers_submit(c->id, c->last_id[0] ? c->last_id : NULL, false, false, copy, c->last_request_len);
    }
    reload_event_free(e);
  }
}

/* ---- WebSocket ---- */

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
  if (g.cfg.rate_limit > 0) { /* answered here, never queued: a flood costs no worker time */
    double t = now_ms();
    if (t - c->rl_window_start >= 60000.0) {
      c->rl_window_start = t;
      c->rl_count = 0;
    }
    if (++c->rl_count > g.cfg.rate_limit) {
      char msg[128], extra[48];
      snprintf(msg, sizeof msg, "over CHARTD_RATE_LIMIT (%d requests per minute on this connection)", g.cfg.rate_limit);
      snprintf(extra, sizeof extra, "\"retry_after_ms\":%ld", (long)(c->rl_window_start + 60000.0 - t) + 1);
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
  if (g.draining) {
    ws_send_error(c, object ? id : NULL, "busy", "the server is shutting down; retry on another instance", NULL);
    return;
  }
  size_t len;
  char *text = ws_assembler_take(&c->msg, &len);
  enum workers_submit_result rc = workers_submit(c->id, object ? id : NULL, false, false, text, len);
  if (rc == WORKERS_CONN_BUSY) {
    char msg[160];
    snprintf(msg, sizeof msg, "this connection has %d requests in flight (CHARTD_MAX_IN_FLIGHT); wait for an answer "
             "before sending more", g.cfg.max_in_flight);
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

/* One fragment per writeable callback (docs/STACK.md), from the scratch buffer's headroom. */
static int ws_writeable(struct conn *c) {
  if (c->close_code == LWS_CLOSE_STATUS_POLICY_VIOLATION || (c->close_code && c->out_head == NULL)) {
    lws_close_reason(c->wsi, (enum lws_close_status)c->close_code, (unsigned char *)c->close_reason,
                     strlen(c->close_reason));
    return -1;
  }
  struct outmsg *m = c->out_head;
  if (m == NULL) return 0;
  size_t n = m->len - m->sent < CHUNK ? m->len - m->sent : CHUNK;
  bool first = m->sent == 0, last = m->sent + n == m->len;
  memcpy(g.scratch + LWS_PRE, m->data + m->sent, n);
  int flags = lws_write_ws_flags(LWS_WRITE_TEXT, first, last);
  if (lws_write(c->wsi, g.scratch + LWS_PRE, n, (enum lws_write_protocol)flags) < (int)n) return -1;
  c->wire_bytes += n + (n < 126 ? 2 : n < 65536 ? 4 : 10); /* a server frame's header, unmasked */
  m->sent += n;
  if (last) {
    c->out_head = m->next;
    if (c->out_head == NULL) c->out_tail = NULL;
    c->out_bytes -= m->len;
    free(m->data);
    free(m);
  }
  if (c->out_head || c->close_code) lws_callback_on_writable(c->wsi);
  return 0;
}

static void ws_hello(struct conn *c) {
  const char *hello = workers_hello_json();
  if (hello) {
    ws_send_copy(c, hello);
    return;
  }
  char buf[256];
  snprintf(buf, sizeof buf, "{\"type\":\"hello\",\"version\":\"%s\",\"planner\":\"%s\",\"chart_types\":[],\"themes\":[]}",
           CHARTD_VERSION, g.cfg.planner);
  ws_send_copy(c, buf);
}

/* Applies pending replies; runs on EVENT_WAIT_CANCELLED. */
static void drain_replies(void) {
  pthread_mutex_lock(&g.mu);
  struct pending *p = g.head;
  g.head = g.tail = NULL;
  pthread_mutex_unlock(&g.mu);
  while (p) {
    struct pending *next = p->next;
    struct conn *c = conn_find(p->r.conn_id);
    if (c && !c->http && c->accepted) {
      ws_send(c, p->r.body, p->r.len);
    } else if (c && c->http && c->job_pending) {
      c->job_pending = false;
      c->have_response = true;
      c->status = p->r.status;
      snprintf(c->mime, sizeof c->mime, "%s", p->r.mime);
      c->body = p->r.body;
      c->body_len = p->r.len;
      metrics_bytes_sent(p->r.len);
      watch_sending(c);
      lws_callback_on_writable(c->wsi);
    } else {
      free(p->r.body); /* the connection went away */
    }
    free(p);
    p = next;
  }
}

static void begin_close_all(void) {
  g.closing_all = true;
  g.close_deadline = now_ms() + CLOSE_WAIT_MS;
  for (struct conn *c = g.conns; c; c = c->next) {
    if (c->http || !c->accepted || c->close_code) continue;
    c->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
    c->close_reason = "server shutting down";
    lws_callback_on_writable(c->wsi);
  }
}

/* CHARTD_SEND_TIMEOUT: a WebSocket with replies waiting (in out_head or in the socket) none of
 * which left the socket for that long is dropped as a slow reader. Checked every SEND_TICK_MS
 * for the connections being watched only, so idle ones cost nothing. The flood test of
 * tests/e2e/test_limits.py once sat 70 s below the cap this way: the kernel held the replies,
 * the peer had stopped reading, and nothing else was due until the idle hang-up. */
static void send_tick(lws_sorted_usec_list_t *sul) {
  (void)sul;
  double t = now_ms(), limit = g.cfg.send_timeout_s * 1000.0;
  for (struct conn *c = g.conns; c; c = c->next) {
    if (!c->watch || (!c->http && (!c->accepted || c->close_code))) continue;
    int outq = socket_outq(c);
    /* Left the socket since the last look = what it held + what was written since - what it
     * holds now. lws's own frames (pings) make this a few bytes low; a write lws had to keep
     * in part (a partial send) counts as gone once, and no more writes come until it is. */
    int64_t left = (int64_t)c->last_outq + (int64_t)(c->wire_bytes - c->last_wire) - outq;
    c->last_wire = c->wire_bytes;
    c->last_outq = outq;
    if (left > 0) c->progress_ms = t;
    bool queued = c->http ? c->body_sent < c->body_len : c->out_head != NULL;
    if (outq == 0 && !queued && !lws_partial_buffered(c->wsi)) {
      c->watch = false; /* all delivered */
      continue;
    }
    if (t - c->progress_ms >= limit && c->http) {
      log_writef(LOG_WARN, "slow_reader", "\"conn\":%llu,\"http\":true,\"reason\":\"stalled\",\"body_bytes\":%zu,"
                 "\"sent_bytes\":%zu,\"unsent_bytes\":%d,\"timeout_s\":%d", (unsigned long long)c->id, c->body_len,
                 c->body_sent, outq, g.cfg.send_timeout_s);
      metrics_slow_reader();
      c->watch = false;
      reset_on_close(c);
      lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    } else if (t - c->progress_ms >= limit) {
      char fields[200];
      snprintf(fields, sizeof fields,
               "\"reason\":\"stalled\",\"queued_bytes\":%zu,\"unsent_bytes\":%d,\"stalled_ms\":%.0f,\"timeout_s\":%d",
               c->out_bytes, outq, t - c->progress_ms, g.cfg.send_timeout_s);
      drop_slow_reader(c, "slow reader: no progress", fields, true);
    }
  }
  lws_sul_schedule(g.ctx, 0, &g.send_sul, send_tick, SEND_TICK_MS * LWS_US_PER_MS);
}

/* The drain state machine, checked every 100 ms once a signal arrived. */
static void drain_tick(lws_sorted_usec_list_t *sul) {
  (void)sul;
  if (g.signalled && !g.draining) {
    g.draining = true;
    g.drain_deadline = now_ms() + g.cfg.timeout_s * 1000.0 + 1000;
    log_writef(LOG_INFO, "draining", "\"requests_in_flight\":%d,\"grace_s\":%d", workers_running() + workers_queued(),
          g.cfg.timeout_s + 1);
  }
  if (g.draining && !g.closing_all && (workers_running() + workers_queued() == 0 || now_ms() > g.drain_deadline))
    begin_close_all();
  if (g.closing_all && (g.ws_open == 0 || now_ms() > g.close_deadline)) g.done = true;
  if (!g.done) lws_sul_schedule(g.ctx, 0, &g.tick, drain_tick, 100 * LWS_US_PER_MS);
  else lws_cancel_service(g.ctx);
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  struct pss *pss = user;
  struct conn *c = pss ? pss->c : NULL;
  switch (reason) {
  case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
    adopt_connections();
    drain_replies();
    drain_reloads();
    if (g.signalled && !g.draining) drain_tick(NULL);
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
    return 0;
  }
  case LWS_CALLBACK_ESTABLISHED:
    /* Limits are checked here, not in HTTP_CONFIRM_UPGRADE (CVE-2025-11677). */
    pss->c = NULL;
    if (g.draining) {
      metrics_connection_refused("draining");
      lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY, (unsigned char *)"server shutting down", 20);
      return -1;
    }
    if (g.ws_open >= g.cfg.max_connections) {
      metrics_connection_refused("limit");
      log_writef(LOG_WARN, "connection_refused", "\"reason\":\"limit\",\"open\":%d", g.ws_open);
      lws_close_reason(wsi, (enum lws_close_status)1013, (unsigned char *)"try again later", 15);
      return -1;
    }
    c = conn_new(wsi, false);
    if (c == NULL) return -1;
    c->accepted = true;
    ws_assembler_init(&c->msg, (size_t)g.cfg.max_request_kb * 1024);
    pss->c = c;
    g.ws_open++;
    metrics_connection_opened();
    log_writef(LOG_DEBUG, "connection_open", "\"conn\":%llu,\"open\":%d", (unsigned long long)c->id, g.ws_open);
    ws_hello(c);
    return 0;
  case LWS_CALLBACK_RECEIVE:
    if (c == NULL || c->close_code) return 0;
    return ws_receive(c, in, len);
  case LWS_CALLBACK_SERVER_WRITEABLE:
    if (c == NULL) return 0;
    return ws_writeable(c);
  case LWS_CALLBACK_ADD_HEADERS: { /* static files from web/: one request per connection, as for the API */
    struct lws_process_html_args *args = in;
    unsigned char *p = (unsigned char *)args->p;
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (unsigned char *)"close", 5, &p,
                                     p + args->max_len))
      return -1;
    args->max_len -= (int)(p - (unsigned char *)args->p);
    args->p = (char *)p;
    return 0;
  }
  case LWS_CALLBACK_HTTP_FILE_COMPLETION:
    return -1;
  case LWS_CALLBACK_CLOSED:
    if (c == NULL) return 0; /* refused in ESTABLISHED: never counted */
    workers_cancel(c->id, NULL);
    conversations_forget(c->id);
    g.ws_open--;
    metrics_connection_closed();
    log_writef(LOG_DEBUG, "connection_closed", "\"conn\":%llu,\"open\":%d", (unsigned long long)c->id, g.ws_open);
    conn_free(c);
    pss->c = NULL;
    return 0;
  default:
    break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- HTTP ---- */

static void http_respond(struct conn *c, int status, const char *mime, const char *body, size_t len) {
  c->have_response = true;
  c->status = status;
  snprintf(c->mime, sizeof c->mime, "%s", mime);
  free(c->body);
  c->body = malloc(len ? len : 1);
  c->body_len = c->body ? len : 0;
  if (c->body) memcpy(c->body, body, len);
  lws_callback_on_writable(c->wsi);
}

static void http_json(struct conn *c, int status, const char *json) {
  http_respond(c, status, "application/json", json, strlen(json));
}

/* An error answer through the one error builder; status 0 is the code's own. */
static void http_error(struct conn *c, int status, const char *code, const char *message) {
  size_t len;
  int own = 500;
  char *text = error_json(code, NULL, message, NULL, NULL, NULL, &len, &own);
  if (text == NULL) return;
  http_respond(c, status ? status : own, "application/json", text, len);
  free(text);
}

static void http_list(struct conn *c, const char *key, const char *list) {
  if (list == NULL) {
    http_error(c, 503, "busy", "the scripts are still loading");
    return;
  }
  size_t n = strlen(list) + strlen(key) + 8;
  char *buf = malloc(n);
  if (buf == NULL) return;
  snprintf(buf, n, "{\"%s\":%s}", key, list);
  http_json(c, 200, buf);
  free(buf);
}

static void http_get(struct conn *c, const char *uri) {
  if (strcmp(uri, "/healthz") == 0) {
    http_json(c, 200, "{\"status\":\"ok\"}");
  } else if (strcmp(uri, "/readyz") == 0) {
    const char *why = NULL;
    if (g.draining) {
      http_json(c, 503, "{\"ready\":false,\"reason\":\"shutting down\"}");
    } else if (workers_ready(&why)) {
      http_json(c, 200, "{\"ready\":true}");
    } else {
      char esc[600], buf[700];
      log_json_escape(esc, sizeof esc, why, strlen(why));
      snprintf(buf, sizeof buf, "{\"ready\":false,\"reason\":\"%s\"}", esc);
      http_json(c, 503, buf);
    }
  } else if (strcmp(uri, "/metrics") == 0) {
    size_t len = 0;
    char *text = metrics_render(workers_queued(), workers_running(), (int)reload_generation(), &len);
    if (text) http_respond(c, 200, "text/plain; version=0.0.4", text, len);
    free(text);
  } else if (strcmp(uri, "/v1/chart-types") == 0) {
    http_list(c, "chart_types", workers_chart_types_json());
  } else if (strcmp(uri, "/v1/themes") == 0) {
    http_list(c, "themes", workers_themes_json());
  } else if (strcmp(uri, "/v1/charts") == 0) {
    http_error(c, 405, "invalid_request", "use POST /v1/charts with a chart request as the body");
  } else {
    http_error(c, 404, "invalid_request", "no such endpoint");
  }
}

/* Probes stay open; everything else on the API mounts needs a key when keys are set. The body
 * of a refused POST is not read, so the connection is not reused. */
static bool http_authorized(struct conn *c, struct lws *wsi) {
  char uri[256] = "";
  bool post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
  lws_hdr_copy(wsi, uri, sizeof uri, post ? WSI_TOKEN_POST_URI : WSI_TOKEN_GET_URI);
  if (strcmp(uri, "/healthz") == 0 || strcmp(uri, "/readyz") == 0 || request_authorized(wsi)) return true;
  c->close_after = true;
  http_error(c, 0, "unauthorized", NULL);
  return false;
}

static void http_begin(struct conn *c, struct lws *wsi) {
  char uri[256] = "";
  c->post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
  lws_hdr_copy(wsi, uri, sizeof uri, c->post ? WSI_TOKEN_POST_URI : WSI_TOKEN_GET_URI);
  if (!c->post) {
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
      http_error(c, 405, "invalid_request", "method not allowed");
      return;
    }
    http_get(c, uri);
    return;
  }
  if (strcmp(uri, "/v1/charts") != 0) {
    c->close_after = true;
    http_error(c, strncmp(uri, "/v1/", 4) == 0 ? 404 : 405, "invalid_request", "no such endpoint");
    return;
  }
  char accept[256] = "", clen[32] = "";
  lws_hdr_copy(wsi, accept, sizeof accept, WSI_TOKEN_HTTP_ACCEPT);
  c->accept_json = strstr(accept, "application/json") != NULL;
  lws_hdr_copy(wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH);
  if (clen[0] && strtoull(clen, NULL, 10) > (unsigned long long)g.cfg.max_request_kb * 1024) {
    c->close_after = true; /* the body is not read: the connection cannot be reused */
    char msg[128];
    snprintf(msg, sizeof msg, "the request body is over MAX_REQUEST_KB (%d KiB)", g.cfg.max_request_kb);
    http_error(c, 413, "too_large", msg);
  }
}

static void http_body(struct conn *c, const void *in, size_t len) {
  if (c->have_response || c->body_too_big) return;
  size_t cap = (size_t)g.cfg.max_request_kb * 1024;
  if (c->in_len + len > cap) {
    c->body_too_big = true;
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
    return;
  }
  if (c->in_len + len + 1 > c->in_cap) {
    size_t ncap = c->in_cap ? c->in_cap : 4096;
    while (ncap < c->in_len + len + 1) ncap *= 2;
    char *grown = realloc(c->in, ncap);
    if (grown == NULL) {
      c->body_too_big = true;
      return;
    }
    c->in = grown;
    c->in_cap = ncap;
  }
  memcpy(c->in + c->in_len, in, len);
  c->in_len += len;
}

static void http_body_done(struct conn *c) {
  if (c->have_response) return;
  if (c->body_too_big) {
    char msg[128];
    snprintf(msg, sizeof msg, "the request body is over MAX_REQUEST_KB (%d KiB)", g.cfg.max_request_kb);
    http_error(c, 413, "too_large", msg);
    return;
  }
  if (g.draining) {
    http_error(c, 503, "busy", "the server is shutting down");
    return;
  }
  char *text = c->in ? c->in : calloc(1, 1);
  size_t len = c->in_len;
  c->in = NULL;
  c->in_len = c->in_cap = 0;
  c->job_pending = true;
  enum workers_submit_result rc = workers_submit(c->id, NULL, true, c->accept_json, text, len);
  if (rc != WORKERS_OK) {
    c->job_pending = false;
    http_error(c, rc == WORKERS_STOPPING ? 503 : 429, "busy", rc == WORKERS_STOPPING ? "the server is shutting down" : NULL);
  }
}

/* Headers in one writeable callback, then the body in CHUNK pieces, one write per callback. */
static int http_writeable(struct conn *c, struct lws *wsi) {
  if (!c->have_response) return 0;
  if (!c->headers_sent) {
    unsigned char *start = g.scratch + LWS_PRE, *p = start, *end = g.scratch + sizeof g.scratch - 1;
    if (lws_add_http_common_headers(wsi, (unsigned int)c->status, c->mime, c->body_len, &p, end)) return -1;
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (unsigned char *)"no-store", 8, &p, end))
      return -1;
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (unsigned char *)"close", 5, &p, end)) return -1;
    if (c->status == 401 && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
                                                         (unsigned char *)"Bearer", 6, &p, end))
      return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
    c->wire_bytes += (uint64_t)(p - start);
    c->headers_sent = true;
    lws_callback_on_writable(wsi);
    return 0;
  }
  size_t n = c->body_len - c->body_sent < CHUNK ? c->body_len - c->body_sent : CHUNK;
  bool last = c->body_sent + n == c->body_len;
  memcpy(g.scratch + LWS_PRE, c->body + c->body_sent, n);
  if (lws_write(wsi, g.scratch + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n) return -1;
  c->wire_bytes += n;
  c->body_sent += n;
  if (!last) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  /* One request per connection: the front door checked this one's head; the next would
   * reach lws unchecked (and lws 4.1 leaves pipelined requests unanswered). */
  return -1;
}

static void http_release(struct pss *pss) {
  struct conn *c = pss->c;
  if (c == NULL) return;
  if (c->job_pending) workers_cancel(c->id, NULL);
  conn_free(c);
  pss->c = NULL;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  struct pss *pss = user;
  switch (reason) {
  case LWS_CALLBACK_HTTP:
    http_release(pss); /* a new request on a kept-alive connection */
    pss->c = conn_new(wsi, true);
    if (pss->c == NULL) return -1;
    if (!http_authorized(pss->c, wsi)) return 0;
    http_begin(pss->c, wsi);
    return 0;
  case LWS_CALLBACK_HTTP_BODY:
    if (pss->c) http_body(pss->c, in, len);
    return 0;
  case LWS_CALLBACK_HTTP_BODY_COMPLETION:
    if (pss->c) http_body_done(pss->c);
    return 0;
  case LWS_CALLBACK_HTTP_WRITEABLE:
    if (pss->c == NULL) return 0;
    return http_writeable(pss->c, wsi);
  case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
  case LWS_CALLBACK_CLOSED_HTTP:
    if (pss) http_release(pss);
    break;
  default:
    break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- the front door → service thread ---- */

/* Front door thread: a checked connection is waiting. */
static void wake_service(void *ud) {
  (void)ud;
  if (g.ctx) lws_cancel_service(g.ctx);
}

/* Connections whose first head passed the front door become lws connections (lws closes
 * the socket itself when it cannot adopt it). */
static void adopt_connections(void) {
  char *buf;
  size_t len;
  int fd;
  while ((fd = front_door_take(&buf, &len)) >= 0) {
    if (len > 0) lws_adopt_socket_readbuf(g.ctx, fd, buf, len);
    else lws_adopt_socket(g.ctx, fd);
    free(buf);
  }
}

/* ---- workers → service thread ---- */

static void post_reply(void *ud, struct worker_reply *r) {
  (void)ud;
  struct pending *p = malloc(sizeof *p);
  if (p == NULL) {
    free(r->body);
    return;
  }
  p->r = *r;
  p->next = NULL;
  pthread_mutex_lock(&g.mu);
  if (g.tail) g.tail->next = p; else g.head = p;
  g.tail = p;
  pthread_mutex_unlock(&g.mu);
  lws_cancel_service(g.ctx);
}

/* ---- setup ---- */

static void on_signal(int sig) {
  (void)sig;
  g.signalled = 1;
  if (g.ctx) lws_cancel_service(g.ctx); /* a write to lws's pipe: async-signal-safe */
}

/* SIGHUP: a reload with the same safety as a save (reload_request is one write(2)). */
static void on_sighup(int sig) {
  (void)sig;
  reload_request();
}

static void lws_log(int level, const char *line) {
  char esc[1024], fields[1100];
  if (strstr(line, "adopt_socket_readbuf: calling service")) return; /* lws 4.1 says it at error level */
  size_t n = strlen(line);
  while (n && line[n - 1] == '\n') n--;
  log_json_escape(esc, sizeof esc, line, n);
  snprintf(fields, sizeof fields, "\"message\":\"%s\"", esc);
  log_write(level == LLL_ERR ? LOG_ERROR : LOG_WARN, "lws", fields);
}

static const struct lws_protocols PROTOCOLS[] = {
    /* protocols[0]: a WebSocket client naming no subprotocol lands here too. */
    {"chartd.v1", ws_callback, sizeof(struct pss), CHUNK, 0, NULL, 0},
    {"chartd-http", http_callback, sizeof(struct pss), CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Idle WebSockets get a ping after CHARTD_IDLE_PING s and are dropped after CHARTD_IDLE_TIMEOUT
 * s without a valid frame (lws keeps a pointer: it lives as long as the context). */
static lws_retry_bo_t retry_policy;

#define API_MOUNT(var, next_mount, path)                                                                  \
  static const struct lws_http_mount var = {                                                              \
      .mount_next = next_mount, .mountpoint = path, .origin = "chartd-http",                             \
      .origin_protocol = LWSMPRO_CALLBACK, .mountpoint_len = sizeof(path) - 1}

API_MOUNT(MOUNT_V1, NULL, "/v1");
API_MOUNT(MOUNT_METRICS, &MOUNT_V1, "/metrics");
API_MOUNT(MOUNT_READYZ, &MOUNT_METRICS, "/readyz");
API_MOUNT(MOUNT_HEALTHZ, &MOUNT_READYZ, "/healthz");

int server_run(const struct chartd_config *cfg) {
  g.cfg = *cfg;
  g.out_cap = (size_t)cfg->max_chart_mb * 2 * 1024 * 1024;
  log_set_level(cfg->log_level == CONFIG_LOG_DEBUG ? LOG_DEBUG : cfg->log_level == CONFIG_LOG_INFO ? LOG_INFO
                : cfg->log_level == CONFIG_LOG_WARNING                                           ? LOG_WARN
                                                                                                 : LOG_ERROR);
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
  signal(SIGPIPE, SIG_IGN);
  /* Blocks of 1 MiB and more (a render's pixels, PNG buffers, big strings) are mmapped and
   * go back to the system when freed. Setting the threshold turns off glibc's dynamic one,
   * which rises after each big free until 32 MiB blocks stay in the heap, and RSS stayed
   * at its peak after one large render (workers also malloc_trim when idle). */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread starts */

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_sighup;
  sigaction(SIGHUP, &sa, NULL);

  char err[512];
  /* Generation 1: the scripts as they are now, read once; every worker builds from it. */
  struct generation *first = generation_read(runtime_home(), 1, err, sizeof err);
  if (first == NULL) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  generation_publish(first);
  if (workers_start(cfg, post_reply, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    return 1;
  }
  /* 20 ms gathers an editor's write-temp-and-rename burst (a few ms apart); the content
   * hash skips the duplicates a shorter wait lets through. Every ms here is save-to-active. */
  struct reload_options ro = {.home = runtime_home(), .watch = cfg->reload, .debounce_ms = 20,
                              .budget_ms = cfg->script_budget_ms, .cfg = cfg, .on_result = on_reload};
  if (reload_start(&ro, err, sizeof err) != 0) {
    fprintf(stderr, "chartd: %s\n", err);
    workers_stop();
    return 1;
  }

  static char web_root[4200];
  snprintf(web_root, sizeof web_root, "%s/web", runtime_home());
  static struct lws_http_mount root;
  root = (struct lws_http_mount){.mount_next = &MOUNT_HEALTHZ, .mountpoint = "/", .origin = web_root,
                                 .def = "index.html", .origin_protocol = LWSMPRO_FILE, .mountpoint_len = 1};

  /* lws's table of descriptors covers every fd the process can have: connections come from
   * the front door's accept, which pauses itself when the process runs out of fds. */
  struct rlimit rl;
  unsigned int fds = 4096;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 64)
    fds = (unsigned int)rl.rlim_cur;

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  /* lws does not listen: the front door does (src/front_door.c) and hands lws the
   * connections whose first head is sound. lws must hold any head the front door passes. */
  info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
  info.max_http_header_data = HTTP_MAX_HEAD + 1024;
  info.protocols = PROTOCOLS;
  info.mounts = &root;
  info.vhost_name = "chartd";
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.fd_limit_per_thread = fds;
  retry_policy.secs_since_valid_ping = (uint16_t)cfg->idle_ping_s;
  retry_policy.secs_since_valid_hangup = (uint16_t)cfg->idle_timeout_s;
  info.retry_and_idle_policy = &retry_policy;
  g.ctx = lws_create_context(&info);
  struct front_door_options fo = {.bind = cfg->bind, .port = cfg->port, .ready = wake_service};
  if (g.ctx == NULL || front_door_start(&fo, err, sizeof err) != 0) {
    if (g.ctx == NULL) snprintf(err, sizeof err, "cannot start libwebsockets");
    fprintf(stderr, "chartd: %s\n", err);
    front_door_stop();
    if (g.ctx) lws_context_destroy(g.ctx);
    reload_stop();
    workers_stop();
    return 1;
  }

  if (g.signalled) lws_cancel_service(g.ctx); /* a signal during start-up */
  lws_sul_schedule(g.ctx, 0, &g.send_sul, send_tick, SEND_TICK_MS * LWS_US_PER_MS);

  bool v6 = strchr(cfg->bind, ':') != NULL;
  log_writef(LOG_INFO, "listening",
        "\"url\":\"ws://%s%s%s:%d/\",\"http\":\"http://%s%s%s:%d/\",\"bind\":\"%s\",\"planner\":\"%s\",\"workers\":%d,"
        "\"version\":\"%s\",\"max_connections\":%d,\"timeout_s\":%d",
        v6 ? "[" : "", cfg->bind, v6 ? "]" : "", cfg->port, v6 ? "[" : "", cfg->bind, v6 ? "]" : "", cfg->port, cfg->bind,
        cfg->planner, cfg->workers, CHARTD_VERSION, cfg->max_connections, cfg->timeout_s);

  while (!g.done) {
    if (lws_service(g.ctx, 0) < 0) break;
  }
  lws_sul_cancel(&g.tick);
  lws_sul_cancel(&g.send_sul);
  reload_stop(); /* before the context goes: on_reload calls lws_cancel_service */
  front_door_stop(); /* so does the front door */
  lws_context_destroy(g.ctx);
  g.ctx = NULL;
  workers_stop();
  conversations_clear();
  while (g.conns) conn_free(g.conns);
  while (g.head) {
    struct pending *p = g.head;
    g.head = p->next;
    free(p->r.body);
    free(p);
  }
  while (g.reloads) {
    struct reload_event *e = g.reloads;
    g.reloads = e->next;
    reload_event_free(e);
  }
  curl_global_cleanup();
  log_writef(LOG_INFO, "stopped", "\"reason\":\"signal\"");
  return 0;
}
