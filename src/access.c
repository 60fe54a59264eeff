/* Access control of the server: API keys (constant-time compare, never logged) and allowed origins, checked before a WebSocket or an API answer. */
#include "server_conn.h"

#include <stdbool.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The position of the matching key in CHARTD_API_KEYS, or -1. */
static int key_slot(const char *cand, size_t clen) {
  int slot = -1, i = 0;
  for (const char *k = srv.cfg.api_keys; *k; i++) { /* every key is compared: no early exit */
    size_t n = strcspn(k, ",");
    if (key_equal(k, n, cand, clen)) slot = i;
    k += n;
    if (*k == ',') k++;
  }
  return slot;
}

/* The token=<key> URL argument in buf, or NULL. Arguments too long for buf (a chart URL's spec)
 * are stepped over: lws_get_urlarg_by_name stops at the first of them, and a token after a
 * long spec was not seen. */
static const char *query_token(struct lws *wsi, char *buf, int cap) {
  for (int i = 0; i < 64; i++) {
    int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
    if (n <= 6 || n >= cap) continue;
    if (lws_hdr_copy_fragment(wsi, buf, cap, WSI_TOKEN_HTTP_URI_ARGS, i) > 0 && strncmp(buf, "token=", 6) == 0)
      return buf + 6;
  }
  return NULL;
}

int request_key_slot(struct lws *wsi) {
  if (srv.cfg.api_keys[0] == '\0') return REQUEST_NO_KEYS;
  char buf[1024];
  int slot = -1;
  if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
      lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_AUTHORIZATION) > 7 && strncmp(buf, "Bearer ", 7) == 0)
    slot = key_slot(buf + 7, strlen(buf + 7));
  if (slot < 0) {
    const char *token = query_token(wsi, buf, (int)sizeof buf);
    if (token) slot = key_slot(token, strlen(token));
  }
  memset(buf, 0, sizeof buf);
  return slot;
}

bool request_authorized(struct lws *wsi) { return request_key_slot(wsi) != -1; }

/* Exact match against the list; a request without Origin is not from a browser and passes. */
bool origin_allowed(struct lws *wsi, char *origin, size_t cap) {
  origin[0] = '\0';
  if (srv.cfg.allowed_origins[0] == '\0' || lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0) return true;
  if (lws_hdr_copy(wsi, origin, (int)cap, WSI_TOKEN_ORIGIN) < 0) return false;
  size_t olen = strlen(origin);
  for (const char *o = srv.cfg.allowed_origins; *o;) {
    size_t n = strcspn(o, ",");
    if (n == olen && memcmp(o, origin, n) == 0) return true;
    o += n;
    if (*o == ',') o++;
  }
  return false;
}

/* A refused upgrade is answered by hand: lws_return_http_status() at this stage says
 * HTTP/1.0, which WebSocket clients (python-websockets) reject as a malformed answer. */
void refuse_upgrade(struct lws *wsi, const char *status, const char *message) {
  char *p = (char *)srv.scratch + LWS_PRE;
  int n = snprintf(p, CHUNK,
                   "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n%s\n",
                   status, strlen(message) + 1, status[0] == '4' && status[2] == '1' ? "WWW-Authenticate: Bearer\r\n" : "",
                   message);
  lws_write(wsi, (unsigned char *)p, (size_t)n, LWS_WRITE_HTTP_HEADERS);
}

/* CHARTD_CORS_ORIGINS for an API answer: out gets the Access-Control-Allow-Origin value ("*",
 * or the request's Origin when the list names it), "" when the request has no Origin or the
 * setting is empty. False when the Origin is not allowed. */
bool cors_origin(struct lws *wsi, char *out, size_t cap) {
  out[0] = '\0';
  if (srv.cfg.cors_origins[0] == '\0' || lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0) return true;
  if (strcmp(srv.cfg.cors_origins, "*") == 0) {
    snprintf(out, cap, "*");
    return true;
  }
  char origin[512];
  if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) < 0) return false;
  size_t olen = strlen(origin);
  for (const char *o = srv.cfg.cors_origins; *o;) {
    size_t n = strcspn(o, ",");
    if (n == olen && memcmp(o, origin, n) == 0 && olen < cap) {
      memcpy(out, origin, olen + 1);
      return true;
    }
    o += n;
    if (*o == ',') o++;
  }
  return false;
}
