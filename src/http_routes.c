/* The HTTP routes on the server's port: /healthz, /readyz, /metrics, /v1/chart-types, /v1/themes, POST /v1/charts (the static playground is lws's file mount). Add a route in http_get or http_begin. */
#include "server_conn.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "workers.h"

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
    if (srv.draining) {
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
    http_list(c, "chart_types", catalog_chart_types());
  } else if (strcmp(uri, "/v1/themes") == 0) {
    http_list(c, "themes", catalog_themes());
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
  if (clen[0] && strtoull(clen, NULL, 10) > (unsigned long long)srv.cfg.max_request_kb * 1024) {
    c->close_after = true; /* the body is not read: the connection cannot be reused */
    char msg[128];
    snprintf(msg, sizeof msg, "the request body is over MAX_REQUEST_KB (%d KiB)", srv.cfg.max_request_kb);
    http_error(c, 413, "too_large", msg);
  }
}

static void http_body(struct conn *c, const void *in, size_t len) {
  if (c->have_response || c->body_too_big) return;
  size_t cap = (size_t)srv.cfg.max_request_kb * 1024;
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
    snprintf(msg, sizeof msg, "the request body is over MAX_REQUEST_KB (%d KiB)", srv.cfg.max_request_kb);
    http_error(c, 413, "too_large", msg);
    return;
  }
  if (srv.draining) {
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
    unsigned char *start = srv.scratch + LWS_PRE, *p = start, *end = srv.scratch + sizeof srv.scratch - 1;
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
  memcpy(srv.scratch + LWS_PRE, c->body + c->body_sent, n);
  if (lws_write(wsi, srv.scratch + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n) return -1;
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

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
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
