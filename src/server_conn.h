/* What the server's files share: a connection (struct conn), the server's state (srv), and the functions one file offers the others.
 *
 * Threads: everything here belongs to the lws service thread. Connections are referred to by
 * a 64-bit id across threads, never by wsi: a reply for a connection that closed meanwhile
 * finds no entry and is dropped. struct conn is malloc'ed by conn_new and freed when lws
 * reports the close (LWS_CALLBACK_CLOSED for WebSockets, HTTP_DROP_PROTOCOL / CLOSED_HTTP
 * for HTTP); lws's per-session data only holds a pointer to it.
 *
 * Files: server.c (setup, drain, replies and reloads from other threads), ws_protocol.c,
 * http_routes.c, outbound.c (queues, slow readers), access.c (keys, origins), front_door.c. */
#ifndef CHARTD_SERVER_CONN_H
#define CHARTD_SERVER_CONN_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "conversations.h"
#include "workers.h"
#include "ws_message.h"

#define CHUNK 65536      /* WebSocket fragment / HTTP body write size */
#define ID_MAX 160       /* request ids longer than this cannot be cancelled (service.lua caps at 128) */
#define SEND_TICK_MS 250 /* how often send progress is checked (CHARTD_SEND_TIMEOUT >= 1 s) */

struct outmsg {
  struct outmsg *next;
  char *data;
  size_t len, sent;
};

struct conn {
  struct conn *prev, *next; /* srv.conns */
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
  int peer_close; /* the close code the client sent (1005: a frame without one); 0: none came */
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
  bool post, body_too_big, job_pending, have_response, headers_sent, close_after, logged;
  struct http_request_info info; /* what goes to the worker with the body (request id, GET, …) */
  char method[8], path[96];      /* for the access log (the path without its query) */
  double started_ms;
  enum { AUTH_OPEN, AUTH_KEY, AUTH_SIGNED } auth;
  char cors[512];                /* Access-Control-Allow-Origin to send, "" for none */
  int status;
  char mime[64];
  char etag[72], filename[96];   /* a cacheable image's ETag and Content-Disposition name */
  char *body;
  size_t body_len, body_sent;
  /* Hot reload: {"type":"subscribe","events":["reload"],"rerender":true} and the last
   * chart.request of this connection (resubmitted as is when a reload succeeds). */
  bool sub_reload, rerender;
  char *last_request;
  size_t last_request_len;
  char last_id[ID_MAX];
  /* Who the client is for CHARTD_RATE_LIMIT: "key:<slot in CHARTD_API_KEYS>" when it
   * presented a key, else "session:<token>" (src/rate_window.c, lua/rate_limit.lua). */
  char client[CONVERSATION_CLIENT_MAX];
};

/* Per WebSocket: the connection once accepted, and what the handshake said (read in
 * FILTER_PROTOCOL_CONNECTION, while the headers are there). */
struct pss {
  struct conn *c;
  char session[SESSION_TOKEN_LEN + 1]; /* ?session=TOKEN when well-formed, else "" */
  int key_slot;
};

/* The state the server's files share (server.c keeps the rest to itself). */
struct server_shared {
  struct chartd_config cfg;
  struct lws_context *ctx;
  struct conn *conns;
  uint64_t next_id;
  int ws_open;
  size_t out_cap;                 /* slow-reader cap per connection */
  bool draining;                  /* SIGTERM came: no new work */
  lws_sorted_usec_list_t send_sul; /* send_tick */
  unsigned char scratch[LWS_PRE + CHUNK];
};
extern struct server_shared srv;

static inline double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* server.c: what the service thread does when another thread woke it (replies, reloads,
 * connections from the front door, the drain). */
void server_wake(void);

/* access.c */
bool request_authorized(struct lws *wsi);
/* The slot of the API key the request presented: REQUEST_NO_KEYS when CHARTD_API_KEYS is
 * unset, -1 when it presented none that matches. */
#define REQUEST_NO_KEYS (-2)
int request_key_slot(struct lws *wsi);
bool cors_origin(struct lws *wsi, char *out, size_t cap); /* false: an Origin CHARTD_CORS_ORIGINS does not list */
bool origin_allowed(struct lws *wsi, char *origin, size_t cap);
void refuse_upgrade(struct lws *wsi, const char *status, const char *message);

/* outbound.c */
struct conn *conn_new(struct lws *wsi, bool http);
struct conn *conn_find(uint64_t id);
void conn_free(struct conn *c);
void reset_on_close(struct conn *c);
void watch_sending(struct conn *c);
void ws_send(struct conn *c, char *data, size_t len); /* takes data */
void ws_send_copy(struct conn *c, const char *text);
void ws_send_error(struct conn *c, const char *id, const char *code, const char *message, const char *extra);
int ws_writeable(struct conn *c);
void send_tick(lws_sorted_usec_list_t *sul);

/* ws_protocol.c, http_routes.c: the two lws protocols */
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

/* http_routes.c: the head the front door read on socket fd, noted before lws adopts it (lws
 * decodes a query in place, and %26 then reads as "&": a chart URL is read from the raw
 * target). */
void http_note_head(int fd, const char *head, size_t len);
/* ws_protocol.c's callback serves the static files: Connection: close, X-Request-Id and the
 * access log line, when lws adds their headers. */
void http_static_headers(struct lws *wsi, struct lws_process_html_args *args);

#endif
