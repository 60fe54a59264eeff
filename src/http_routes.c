/* The HTTP routes on the server's port: /healthz, /readyz, /metrics, /v1/chart-types, /v1/themes, GET and POST /v1/charts, GET /v1/sign, CORS preflights; the access log and X-Request-Id of every HTTP request (the static playground is lws's file mount). Add a route in http_get or http_begin.
 *
 * Caching: an image answer (GET, or POST without Accept: application/json) carries the ETag
 * and file name the worker computed (lua/render_cache.lua) and Cache-Control public (or
 * private when a key authorized it), max-age CHARTD_CACHE_MAX_AGE; everything else is
 * no-store. */
#include "server_conn.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "chart_url.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "workers.h"

/* ---- the raw targets of GET /v1/… (http_note_head) ----
 * One request per connection (every answer closes it), so the socket names the request. */
struct noted {
  struct noted *next;
  int fd;
  char *target;
};
static struct noted *noted;

void http_note_head(int fd, const char *head, size_t len) {
  for (struct noted **p = &noted; *p; p = &(*p)->next) /* a reused socket: the old note is stale */
    if ((*p)->fd == fd) {
      struct noted *old = *p;
      *p = old->next;
      free(old->target);
      free(old);
      break;
    }
  const char *sp = memchr(head, ' ', len < 8 ? len : 8);
  bool get = sp && ((sp - head == 3 && strncmp(head, "GET", 3) == 0) || (sp - head == 4 && strncmp(head, "HEAD", 4) == 0));
  if (!get || (size_t)(sp + 5 - head) > len || strncmp(sp + 1, "/v1/", 4) != 0) return;
  const char *start = sp + 1, *end = start;
  while ((size_t)(end - head) < len && *end != ' ' && *end != '\r' && *end != '\n') end++;
  struct noted *n = malloc(sizeof *n);
  if (n == NULL || (n->target = strndup(start, (size_t)(end - start))) == NULL) {
    free(n);
    return;
  }
  n->fd = fd;
  n->next = noted;
  noted = n;
}

/* The raw query of wsi's request (malloc'ed; "" when it has none), or NULL when its head was
 * not noted. */
static char *take_query(struct lws *wsi) {
  int fd = (int)lws_get_socket_fd(wsi);
  for (struct noted **p = &noted; *p; p = &(*p)->next)
    if ((*p)->fd == fd) {
      struct noted *n = *p;
      *p = n->next;
      char *q = strchr(n->target, '?');
      char *out = strdup(q ? q + 1 : "");
      free(n->target);
      free(n);
      return out;
    }
  return NULL;
}

/* X-Request-Id: the client's when it is a sane token (letters, digits, . _ : -, at most 64),
 * else a new one; it goes back on the answer and into the log lines of the request. */
static void request_id(struct lws *wsi, char out[72]) {
  char in[80] = "";
  int n = lws_hdr_custom_copy(wsi, in, sizeof in, "x-request-id:", 13);
  bool ok = n > 0 && n <= 64;
  for (int i = 0; ok && i < n; i++) {
    char ch = in[i];
    ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '_' ||
         ch == ':' || ch == '-';
  }
  if (ok) {
    memcpy(out, in, (size_t)n + 1);
    return;
  }
  static uint64_t counter;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^ (++counter * 0x9E3779B97F4A7C15ULL);
  snprintf(out, 72, "%016llx", (unsigned long long)x);
}

/* One line per request: method, path (never the query: it may hold a key or a signature),
 * status, body bytes sent, time, request id. */
static void access_log(const char *method, const char *path, int status, long long bytes, double ms, const char *id) {
  char esc[200], b[24] = "null";
  log_json_escape(esc, sizeof esc, path, strlen(path));
  if (bytes >= 0) snprintf(b, sizeof b, "%lld", bytes);
  log_writef(LOG_INFO, "http_access", "\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,\"bytes\":%s,\"ms\":%.1f,"
             "\"request_id\":\"%s\"", method, esc, status, b, ms, id);
}

static void http_log_once(struct conn *c) {
  if (c->logged || c->method[0] == '\0') return;
  c->logged = true;
  access_log(c->method, c->path, c->have_response ? c->status : 499, (long long)c->body_sent,
             now_ms() - c->started_ms, c->info.request_id);
}

/* Static files (web/): served by lws's file mount through protocols[0]'s callback. */
void http_static_headers(struct lws *wsi, struct lws_process_html_args *args) {
  char id[72], path[96] = "";
  request_id(wsi, id);
  unsigned char *p = (unsigned char *)args->p, *end = p + args->max_len;
  if (lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (unsigned char *)"close", 5, &p, end) == 0 &&
      lws_add_http_header_by_name(wsi, (unsigned char *)"x-request-id:", (unsigned char *)id, (int)strlen(id), &p, end) == 0) {
    args->max_len -= (int)(p - (unsigned char *)args->p);
    args->p = (char *)p;
  }
  lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI);
  access_log("GET", path, 200, -1, 0, id); /* lws sends the file (its size unknown here) after these headers */
}

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

/* GET /v1/charts?spec=…: with API keys set, a key or a valid signature (src/chart_url.c);
 * the refusal names the check that failed. Then the raw query goes to a worker
 * (lua/chart_url.lua reads it). */
static void chart_get(struct conn *c, struct lws *wsi) {
  char *raw = take_query(wsi); /* owned here until the worker takes it */
  const char *query = raw ? raw : "";
  struct query q;
  char err[200];
  if (query_parse(query, strlen(query), &q, err, sizeof err) != 0) {
    query_free(&q);
    free(raw);
    http_error(c, 400, "invalid_request", err);
    return;
  }
  if (srv.cfg.api_keys[0] && c->auth == AUTH_OPEN) {
    enum chart_url_verdict v = chart_url_verify(&q, srv.cfg.signing_keys, time(NULL));
    const char *why = NULL, *path = NULL;
    char msg[200];
    switch (v) {
    case CHART_URL_SIGNED:
      c->auth = AUTH_SIGNED;
      break;
    case CHART_URL_UNSIGNED:
      why = query_get(&q, "token") || lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0
                ? "the key (Authorization: Bearer, or token) is not valid, and the URL has no signature (sig)"
                : "a chart URL needs a key (Authorization: Bearer <key>, or token=<key>) or a signature (sig, "
                  "from chartd sign)";
      path = query_get(&q, "token") ? "token" : NULL;
      break;
    case CHART_URL_BAD_SIG:
      why = "the signature does not match this query (signed with another key, or changed after signing)";
      path = "sig";
      break;
    case CHART_URL_BAD_EXP:
      why = "exp must be a Unix time in whole seconds";
      path = "exp";
      break;
    case CHART_URL_EXPIRED: {
      time_t t = (time_t)strtoll(query_get(&q, "exp"), NULL, 10);
      struct tm tm;
      char when[32] = "";
      if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      snprintf(msg, sizeof msg, "the signature expired at %s (exp)", when);
      why = msg;
      path = "exp";
      break;
    }
    }
    if (why) {
      query_free(&q);
      free(raw);
      char extra[32] = "";
      if (path) snprintf(extra, sizeof extra, "\"path\":\"%s\"", path);
      size_t len;
      int status = 401;
      char *text = error_json("unauthorized", NULL, why, NULL, NULL, extra, &len, &status);
      if (text) http_respond(c, status, "application/json", text, len);
      free(text);
      return;
    }
  }
  query_free(&q);
  if (srv.draining) {
    free(raw);
    http_error(c, 503, "busy", "the server is shutting down");
    return;
  }
  lws_hdr_copy(wsi, c->info.if_none_match, sizeof c->info.if_none_match, WSI_TOKEN_HTTP_IF_NONE_MATCH);
  c->info.get = true;
  char *text = raw ? raw : strdup("");
  if (text == NULL) return;
  c->job_pending = true;
  enum workers_submit_result rc = workers_submit(c->id, NULL, &c->info, text, strlen(text));
  if (rc != WORKERS_OK) {
    c->job_pending = false;
    http_error(c, rc == WORKERS_STOPPING ? 503 : 429, "busy", rc == WORKERS_STOPPING ? "the server is shutting down" : NULL);
  }
}

/* GET /v1/sign?spec=…: the chart URL of that query, signed with the first signing key (the
 * playground's "copy embed URL"; `chartd sign` does the same offline). Behind the API keys like
 * the rest of /v1: whoever may render may hand out a URL that renders. */
static void chart_sign(struct conn *c, struct lws *wsi) {
  char *raw = take_query(wsi);
  struct query q;
  char err[200];
  int rc = query_parse(raw ? raw : "", raw ? strlen(raw) : 0, &q, err, sizeof err);
  free(raw);
  if (rc == 0 && query_get(&q, "spec") == NULL) {
    snprintf(err, sizeof err, "spec: missing; /v1/sign takes a chart URL's query");
    rc = -1;
  }
  query_set(&q, "sig", NULL, 0);
  query_set(&q, "token", NULL, 0); /* the caller's key, not part of the URL it hands out */
  char *canonical = rc == 0 ? query_canonical(&q) : NULL;
  char hex[65] = "";
  bool signed_ = canonical && srv.cfg.signing_keys[0] &&
                 chart_url_sign(&q, srv.cfg.signing_keys, strcspn(srv.cfg.signing_keys, ","), hex) == 0;
  query_free(&q);
  if (rc != 0 || canonical == NULL) {
    free(canonical);
    http_error(c, 400, "invalid_request", rc != 0 ? err : "out of memory");
    return;
  }
  /* the canonical query is percent-encoded: nothing in it needs JSON escaping */
  size_t n = strlen(canonical) + 120;
  char *body = malloc(n);
  if (body) {
    snprintf(body, n, "{\"url\":\"%s%s%s\",\"signed\":%s}", canonical, signed_ ? "&sig=" : "", hex,
             signed_ ? "true" : "false");
    http_json(c, 200, body);
  }
  free(body);
  free(canonical);
}

static void http_get(struct conn *c, struct lws *wsi, const char *uri) {
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
    chart_get(c, wsi);
  } else if (strcmp(uri, "/v1/sign") == 0) {
    chart_sign(c, wsi);
  } else {
    http_error(c, 404, "invalid_request", "no such endpoint");
  }
}

/* A CORS preflight (OPTIONS) for /v1/…: allowed origins learn what they may send. */
static void http_preflight(struct conn *c, const char *uri) {
  if (strncmp(uri, "/v1/", 4) != 0) {
    http_error(c, 404, "invalid_request", "no such endpoint");
  } else if (c->cors[0] == '\0') {
    http_error(c, 403, "unauthorized", srv.cfg.cors_origins[0]
                                           ? "this Origin is not in CHARTD_CORS_ORIGINS"
                                           : "cross-origin requests are off (CHARTD_CORS_ORIGINS is not set)");
  } else {
    http_respond(c, 204, "text/plain", "", 0);
  }
}

/* Probes and preflights stay open, and a GET of a chart URL may bring a signature instead
 * (chart_get); everything else on the API mounts needs a key when keys are set. The body of a
 * refused POST is not read, so the connection is not reused. */
static bool http_authorized(struct conn *c, struct lws *wsi, const char *uri) {
  if (srv.cfg.api_keys[0] == '\0') return true;
  if (request_authorized(wsi)) {
    c->auth = AUTH_KEY;
    return true;
  }
  if (strcmp(uri, "/healthz") == 0 || strcmp(uri, "/readyz") == 0 || strcmp(c->method, "OPTIONS") == 0 ||
      (strcmp(c->method, "POST") != 0 && strcmp(uri, "/v1/charts") == 0))
    return true;
  c->close_after = true;
  http_error(c, 0, "unauthorized", NULL);
  return false;
}

static void http_begin(struct conn *c, struct lws *wsi) {
  char uri[256] = "";
  static const struct {
    enum lws_token_indexes token;
    const char *name;
  } METHODS[] = {{WSI_TOKEN_POST_URI, "POST"}, {WSI_TOKEN_OPTIONS_URI, "OPTIONS"}, {WSI_TOKEN_GET_URI, "GET"},
                 {WSI_TOKEN_HEAD_URI, "HEAD"}};
  for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0] && !c->method[0]; i++)
    if (lws_hdr_total_length(wsi, METHODS[i].token) > 0) {
      snprintf(c->method, sizeof c->method, "%s", METHODS[i].name);
      lws_hdr_copy(wsi, uri, sizeof uri, METHODS[i].token);
    }
  snprintf(c->path, sizeof c->path, "%s", uri);
  c->post = strcmp(c->method, "POST") == 0;
  c->info.accept_json = false;
  if (strncmp(uri, "/v1/", 4) == 0 && !cors_origin(wsi, c->cors, sizeof c->cors)) c->cors[0] = '\0';
  if (c->method[0] == '\0') {
    snprintf(c->method, sizeof c->method, "?");
    http_error(c, 405, "invalid_request", "method not allowed");
    return;
  }
  if (!http_authorized(c, wsi, uri)) return;
  if (strcmp(c->method, "OPTIONS") == 0) {
    http_preflight(c, uri);
    return;
  }
  if (!c->post) { /* GET, and HEAD: the same answer without its body */
    http_get(c, wsi, uri);
    return;
  }
  if (strcmp(uri, "/v1/charts") != 0) {
    c->close_after = true;
    http_error(c, strncmp(uri, "/v1/", 4) == 0 ? 404 : 405, "invalid_request", "no such endpoint");
    return;
  }
  char accept[256] = "", clen[32] = "";
  lws_hdr_copy(wsi, accept, sizeof accept, WSI_TOKEN_HTTP_ACCEPT);
  c->info.accept_json = strstr(accept, "application/json") != NULL;
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
  enum workers_submit_result rc = workers_submit(c->id, NULL, &c->info, text, len);
  if (rc != WORKERS_OK) {
    c->job_pending = false;
    http_error(c, rc == WORKERS_STOPPING ? 503 : 429, "busy", rc == WORKERS_STOPPING ? "the server is shutting down" : NULL);
  }
}

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p, unsigned char *end) {
  return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value, (int)strlen(value),
                                     p, end);
}

/* Cache-Control, ETag, Content-Disposition, CORS and X-Request-Id of an answer. */
static int answer_headers(struct conn *c, struct lws *wsi, unsigned char **p, unsigned char *end) {
  char value[192];
  bool cacheable = c->etag[0] && (c->status == 200 || c->status == 304);
  if (cacheable)
    snprintf(value, sizeof value, "%s, max-age=%d", c->auth == AUTH_KEY ? "private" : "public",
             srv.cfg.cache_max_age_s);
  else
    snprintf(value, sizeof value, "no-store");
  if (add_header(wsi, "cache-control:", value, p, end)) return -1;
  if (cacheable && add_header(wsi, "etag:", c->etag, p, end)) return -1;
  if (c->filename[0] && c->status == 200) {
    snprintf(value, sizeof value, "inline; filename=\"%s\"", c->filename);
    if (add_header(wsi, "content-disposition:", value, p, end)) return -1;
  }
  if (c->cors[0]) {
    if (add_header(wsi, "access-control-allow-origin:", c->cors, p, end)) return -1;
    if (strcmp(c->cors, "*") != 0 && add_header(wsi, "vary:", "Origin", p, end)) return -1;
    if (strcmp(c->method, "OPTIONS") == 0) {
      if (add_header(wsi, "access-control-allow-methods:", "GET, POST, OPTIONS", p, end) ||
          add_header(wsi, "access-control-allow-headers:", "Authorization, Content-Type, If-None-Match, X-Request-Id", p,
                     end) ||
          add_header(wsi, "access-control-max-age:", "600", p, end))
        return -1;
    } else if (add_header(wsi, "access-control-expose-headers:", "ETag, Content-Disposition, X-Request-Id", p, end)) {
      return -1;
    }
  }
  return add_header(wsi, "x-request-id:", c->info.request_id, p, end);
}

/* Headers in one writeable callback, then the body in CHUNK pieces, one write per callback. */
static int http_writeable(struct conn *c, struct lws *wsi) {
  if (!c->have_response) return 0;
  if (!c->headers_sent) {
    unsigned char *start = srv.scratch + LWS_PRE, *p = start, *end = srv.scratch + sizeof srv.scratch - 1;
    /* a 304 or 204 has no body and says no length (a 304's would be the image's); a HEAD
     * answer says the length of the body it does not send */
    bool bodiless = c->status == 304 || c->status == 204;
    bool head = strcmp(c->method, "HEAD") == 0;
    if (lws_add_http_common_headers(wsi, (unsigned int)c->status, bodiless ? NULL : c->mime,
                                    bodiless ? LWS_ILLEGAL_HTTP_CONTENT_LEN : c->body_len, &p, end))
      return -1;
    if (answer_headers(c, wsi, &p, end)) return -1;
    /* (without a length lws says Connection: close itself) */
    if (!bodiless && lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (unsigned char *)"close", 5, &p, end))
      return -1;
    if (c->status == 401 && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
                                                         (unsigned char *)"Bearer", 6, &p, end))
      return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
    c->wire_bytes += (uint64_t)(p - start);
    c->headers_sent = true;
    if (bodiless || head || c->body_len == 0) {
      http_log_once(c);
      return -1; /* nothing more to send: the answer is complete */
    }
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
  http_log_once(c);
  /* One request per connection: the front door checked this one's head; the next would
   * reach lws unchecked (and lws 4.1 leaves pipelined requests unanswered). */
  return -1;
}

static void http_release(struct pss *pss) {
  struct conn *c = pss->c;
  if (c == NULL) return;
  if (c->job_pending) workers_cancel(c->id, NULL);
  http_log_once(c);
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
    pss->c->started_ms = now_ms();
    request_id(wsi, pss->c->info.request_id);
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
