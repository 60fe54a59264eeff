/* The request head of HTTP/1.1 (RFC 9112), checked strictly before libwebsockets sees a connection: framing, sizes, methods. */
#include "http_head.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static enum http_verdict refuse(struct http_head *h, int status, const char *message) {
  static const struct {
    int status;
    const char *reason;
  } REASONS[] = {{400, "Bad Request"},         {405, "Method Not Allowed"},
                 {411, "Length Required"},     {414, "URI Too Long"},
                 {431, "Request Header Fields Too Large"}, {501, "Not Implemented"},
                 {505, "HTTP Version Not Supported"}};
  h->status = status;
  h->message = message;
  h->reason = "Bad Request";
  for (size_t i = 0; i < sizeof REASONS / sizeof REASONS[0]; i++)
    if (REASONS[i].status == status) h->reason = REASONS[i].reason;
  h->allow = status == 405;
  return HTTP_HEAD_REFUSED;
}

/* RFC 9110 tchar */
static bool tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* True when the comma-separated list value holds token (case-insensitive). */
static bool list_has(const char *value, size_t len, const char *token) {
  size_t n = strlen(token);
  for (size_t i = 0; i < len;) {
    while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) i++;
    size_t start = i;
    while (i < len && value[i] != ',') i++;
    size_t end = i;
    while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
    if (end - start == n && strncasecmp(value + start, token, n) == 0) return true;
  }
  return false;
}

/* The last coding of a Transfer-Encoding list is "chunked". */
static bool last_is_chunked(const char *value, size_t len) {
  size_t end = len;
  while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
  size_t start = end;
  while (start > 0 && value[start - 1] != ',' && value[start - 1] != ' ' && value[start - 1] != '\t') start--;
  return end - start == 7 && strncasecmp(value + start, "chunked", 7) == 0;
}

/* The next line from *pos: its start and length without the line end; NULL when the buffer
 * holds no line end yet. A lone LF ends a line too (RFC 9112 2.2 allows it); a CR anywhere
 * else in the line is refused by the caller. */
static const char *next_line(const char *buf, size_t len, size_t *pos, size_t *line_len) {
  const char *nl = memchr(buf + *pos, '\n', len - *pos);
  if (nl == NULL) return NULL;
  const char *line = buf + *pos;
  size_t n = (size_t)(nl - line);
  if (n > 0 && line[n - 1] == '\r') n--;
  *line_len = n;
  *pos = (size_t)(nl - buf) + 1;
  return line;
}

enum http_verdict http_head_check(const char *buf, size_t len, struct http_head *out) {
  memset(out, 0, sizeof *out);
  out->content_length = -1;
  size_t pos = 0;
  /* A client may send an empty line or two before the request line (RFC 9112 2.2). */
  for (int i = 0; i < 2 && pos < len && (buf[pos] == '\r' || buf[pos] == '\n');) {
    if (buf[pos] == '\n') i++;
    pos++;
  }
  size_t line_start = pos, n;
  const char *line = next_line(buf, len, &pos, &n);
  if (line == NULL)
    return len - line_start > HTTP_MAX_LINE ? refuse(out, 414, "the request line is over 8 KiB")
                                            : HTTP_HEAD_INCOMPLETE;
  if (n > HTTP_MAX_LINE) return refuse(out, 414, "the request line is over 8 KiB");
  if (memchr(line, '\r', n)) return refuse(out, 400, "a bare CR in the request line");

  /* method SP request-target SP HTTP-version */
  const char *sp1 = memchr(line, ' ', n);
  const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line)) : NULL;
  if (sp1 == NULL || sp2 == NULL || sp1 == line || sp2 == sp1 + 1 || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - line)))
    return refuse(out, 400, "the request line must be: method, one space, target, one space, HTTP version");
  size_t mlen = (size_t)(sp1 - line);
  for (size_t i = 0; i < mlen; i++)
    if (!tchar((unsigned char)line[i])) return refuse(out, 400, "the method is not a token");
  for (const char *c = sp1 + 1; c < sp2; c++) {
    if ((unsigned char)*c <= ' ' || *c == 0x7f) return refuse(out, 400, "a control character in the request target");
    /* RFC 3986 2.1 (lws would answer a bare 403); %00 is refused too: no path or value holds NUL */
    if (*c == '%' && (sp2 - c < 3 || !isxdigit((unsigned char)c[1]) || !isxdigit((unsigned char)c[2])))
      return refuse(out, 400, "a % in the request target that is not followed by two hex digits");
    if (*c == '%' && c[1] == '0' && c[2] == '0') return refuse(out, 400, "an encoded NUL (%00) in the request target");
  }
  size_t vlen = n - (size_t)(sp2 + 1 - line);
  const char *v = sp2 + 1;
  if (vlen != 8 || strncmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9')
    return refuse(out, 400, "the HTTP version is malformed");
  if (v[5] != '1') return refuse(out, 505, "only HTTP/1.0 and HTTP/1.1 are served on this port");
  bool http11 = v[7] >= '1';
  snprintf(out->method, sizeof out->method, "%.*s", (int)(mlen < sizeof out->method ? mlen : sizeof out->method - 1),
           line);

  /* header fields up to the empty line */
  int hosts = 0, lengths = 0;
  bool te = false, chunked = false, upgrade_ws = false, connection_upgrade = false;
  for (;;) {
    line = next_line(buf, len, &pos, &n);
    if (line == NULL)
      return len > HTTP_MAX_HEAD ? refuse(out, 431, "the request head is over 16 KiB") : HTTP_HEAD_INCOMPLETE;
    if (pos > HTTP_MAX_HEAD) return refuse(out, 431, "the request head is over 16 KiB");
    if (n == 0) break;
    if (memchr(line, '\r', n)) return refuse(out, 400, "a bare CR in a header field");
    if (line[0] == ' ' || line[0] == '\t') return refuse(out, 400, "obsolete line folding in a header field");
    const char *colon = memchr(line, ':', n);
    if (colon == NULL || colon == line) return refuse(out, 400, "a header field without a name and a colon");
    for (const char *c = line; c < colon; c++)
      if (!tchar((unsigned char)*c)) return refuse(out, 400, "a header field name is not a token (no space before the colon)");
    size_t name_len = (size_t)(colon - line);
    const char *value = colon + 1;
    size_t value_len = n - name_len - 1;
    while (value_len && (*value == ' ' || *value == '\t')) value++, value_len--;
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) value_len--;
    for (size_t i = 0; i < value_len; i++) {
      unsigned char c = (unsigned char)value[i];
      if ((c < ' ' && c != '\t') || c == 0x7f) return refuse(out, 400, "a control character in a header field value");
    }
#define NAME_IS(s) (name_len == sizeof(s) - 1 && strncasecmp(line, s, name_len) == 0)
    if (NAME_IS("content-length")) {
      if (++lengths > 1) return refuse(out, 400, "more than one Content-Length");
      if (value_len == 0 || value_len > 18) return refuse(out, 400, "Content-Length is not a number of bytes");
      long long cl = 0;
      for (size_t i = 0; i < value_len; i++) {
        if (value[i] < '0' || value[i] > '9') return refuse(out, 400, "Content-Length is not a number of bytes");
        cl = cl * 10 + (value[i] - '0');
      }
      out->content_length = cl;
    } else if (NAME_IS("transfer-encoding")) {
      te = true;
      chunked = last_is_chunked(value, value_len);
    } else if (NAME_IS("host")) {
      hosts++;
    } else if (NAME_IS("upgrade")) {
      upgrade_ws = upgrade_ws || list_has(value, value_len, "websocket");
    } else if (NAME_IS("connection")) {
      connection_upgrade = connection_upgrade || list_has(value, value_len, "upgrade");
    }
#undef NAME_IS
  }
  out->length = pos;

  if (http11 ? hosts != 1 : hosts > 1) return refuse(out, 400, "an HTTP/1.1 request needs exactly one Host header");
  /* RFC 9112 6.1: a message with both is a smuggling attempt or a broken proxy. */
  if (te && lengths) return refuse(out, 400, "both Transfer-Encoding and Content-Length");
  if (te && !http11) return refuse(out, 400, "Transfer-Encoding in an HTTP/1.0 request");
  bool get = strcmp(out->method, "GET") == 0, head = strcmp(out->method, "HEAD") == 0,
       post = strcmp(out->method, "POST") == 0, options = strcmp(out->method, "OPTIONS") == 0;
  /* OPTIONS: the CORS preflight of a browser's cross-origin POST (src/http_routes.c) */
  if (!get && !head && !post && !options) return refuse(out, 405, "the methods served are GET, HEAD, POST and OPTIONS");
  if (te)
    return chunked ? refuse(out, 411, "chunked bodies are not accepted; send the body with a Content-Length")
                   : refuse(out, 501, "the transfer coding is not supported; send the body with a Content-Length");
  if (post && lengths == 0) return refuse(out, 411, "a POST needs a Content-Length");
  if (!post && out->content_length > 0) return refuse(out, 400, "a GET, HEAD or OPTIONS request carries no body");
  out->websocket = get && upgrade_ws && connection_upgrade;
  return HTTP_HEAD_OK;
}
