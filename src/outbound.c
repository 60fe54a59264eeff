/* The server's connections and what they are sent: per-connection outbound queues, WebSocket writes in fragments, and the slow-reader rules (queue cap, send-progress deadline). */
#define _GNU_SOURCE
#include "server_conn.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "workers.h"

struct conn *conn_new(struct lws *wsi, bool http) {
  struct conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->id = ++srv.next_id;
  c->wsi = wsi;
  c->http = http;
  c->next = srv.conns;
  if (srv.conns) srv.conns->prev = c;
  srv.conns = c;
  return c;
}

struct conn *conn_find(uint64_t id) {
  for (struct conn *c = srv.conns; c; c = c->next)
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

void conn_free(struct conn *c) {
  if (c->prev) c->prev->next = c->next; else srv.conns = c->next;
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
void reset_on_close(struct conn *c) {
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
void watch_sending(struct conn *c) {
  if (c->watch) return;
  c->watch = true;
  c->progress_ms = now_ms();
  c->last_wire = c->wire_bytes;
  c->last_outq = socket_outq(c);
}

/* Queues a WebSocket text message (taking data). Past the slow-reader cap the connection
 * is closed with 1008 instead. */
void ws_send(struct conn *c, char *data, size_t len) {
  if (c->close_code == LWS_CLOSE_STATUS_POLICY_VIOLATION) {
    free(data);
    return;
  }
  if (c->out_bytes + len > srv.out_cap) {
    free(data);
    char fields[160];
    snprintf(fields, sizeof fields, "\"reason\":\"cap\",\"queued_bytes\":%zu,\"cap_bytes\":%zu", c->out_bytes + len,
             srv.out_cap);
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

void ws_send_copy(struct conn *c, const char *text) {
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  if (copy == NULL) return;
  memcpy(copy, text, len + 1);
  ws_send(c, copy, len);
}

/* An error the service thread writes itself (busy, shutting down), through the one error
 * builder (src/errors.c). id is raw JSON string content; message NULL is the code's text. */
void ws_send_error(struct conn *c, const char *id, const char *code, const char *message, const char *extra) {
  size_t len;
  char *text = error_json(code, id, message, NULL, NULL, extra, &len, NULL);
  if (text) ws_send(c, text, len);
}

/* One fragment per writeable callback (docs/STACK.md), from the scratch buffer's headroom. */
int ws_writeable(struct conn *c) {
  if (c->close_code == LWS_CLOSE_STATUS_POLICY_VIOLATION || (c->close_code && c->out_head == NULL)) {
    lws_close_reason(c->wsi, (enum lws_close_status)c->close_code, (unsigned char *)c->close_reason,
                     strlen(c->close_reason));
    return -1;
  }
  struct outmsg *m = c->out_head;
  if (m == NULL) return 0;
  size_t n = m->len - m->sent < CHUNK ? m->len - m->sent : CHUNK;
  bool first = m->sent == 0, last = m->sent + n == m->len;
  memcpy(srv.scratch + LWS_PRE, m->data + m->sent, n);
  int flags = lws_write_ws_flags(LWS_WRITE_TEXT, first, last);
  if (lws_write(c->wsi, srv.scratch + LWS_PRE, n, (enum lws_write_protocol)flags) < (int)n) return -1;
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

/* CHARTD_SEND_TIMEOUT: a WebSocket with replies waiting (in out_head or in the socket) none of
 * which left the socket for that long is dropped as a slow reader. Checked every SEND_TICK_MS
 * for the connections being watched only, so idle ones cost nothing. The flood test of
 * tests/e2e/test_limits.py once sat 70 s below the cap this way: the kernel held the replies,
 * the peer had stopped reading, and nothing else was due until the idle hang-up. */
void send_tick(lws_sorted_usec_list_t *sul) {
  (void)sul;
  double t = now_ms(), limit = srv.cfg.send_timeout_s * 1000.0;
  for (struct conn *c = srv.conns; c; c = c->next) {
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
                 c->body_sent, outq, srv.cfg.send_timeout_s);
      metrics_slow_reader();
      c->watch = false;
      reset_on_close(c);
      lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    } else if (t - c->progress_ms >= limit) {
      char fields[200];
      snprintf(fields, sizeof fields,
               "\"reason\":\"stalled\",\"queued_bytes\":%zu,\"unsent_bytes\":%d,\"stalled_ms\":%.0f,\"timeout_s\":%d",
               c->out_bytes, outq, t - c->progress_ms, srv.cfg.send_timeout_s);
      drop_slow_reader(c, "slow reader: no progress", fields, true);
    }
  }
  lws_sul_schedule(srv.ctx, 0, &srv.send_sul, send_tick, SEND_TICK_MS * LWS_US_PER_MS);
}
