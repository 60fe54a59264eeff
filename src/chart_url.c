/* A chart URL's query: decoding, the canonical form, HMAC-SHA256 signatures (src/chart_url.h states the rule). */
#include "chart_url.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s[0..len) into a new string; NULL with *bad set on a bad escape or an encoded NUL. */
static char *decode(const char *s, size_t len, size_t *out_len, const char **bad) {
  char *out = malloc(len + 1), *w = out;
  if (out == NULL) {
    *bad = "out of memory";
    return NULL;
  }
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '+') {
      *w++ = ' ';
    } else if (c == '%') {
      int hi = i + 2 < len ? hexval((unsigned char)s[i + 1]) : -1;
      int lo = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        free(out);
        *bad = "a % that is not followed by two hex digits";
        return NULL;
      }
      c = (char)(hi * 16 + lo);
      if (c == '\0') {
        free(out);
        *bad = "an encoded NUL byte (%00)";
        return NULL;
      }
      *w++ = c;
      i += 2;
    } else {
      *w++ = c;
    }
  }
  *w = '\0';
  *out_len = (size_t)(w - out);
  return out;
}

int query_parse(const char *text, size_t len, struct query *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  size_t i = 0;
  while (i <= len) {
    size_t end = i;
    while (end < len && text[end] != '&') end++;
    if (end > i) {
      if (out->n == CHART_URL_MAX_PARAMS) {
        snprintf(err, errlen, "the query has more than %d parameters", CHART_URL_MAX_PARAMS);
        return -1;
      }
      const char *eq = memchr(text + i, '=', end - i);
      size_t nlen = eq ? (size_t)(eq - (text + i)) : end - i;
      const char *bad = NULL;
      struct query_param *p = &out->params[out->n];
      p->name = decode(text + i, nlen, &p->name_len, &bad);
      if (p->name == NULL) {
        snprintf(err, errlen, "a parameter name has %s", bad);
        return -1;
      }
      p->value = eq ? decode(eq + 1, end - i - nlen - 1, &p->value_len, &bad) : decode("", 0, &p->value_len, &bad);
      if (p->value == NULL) {
        snprintf(err, errlen, "%.64s: the value has %s", p->name, bad);
        free(p->name);
        p->name = NULL;
        return -1;
      }
      out->n++;
    }
    i = end + 1;
  }
  return 0;
}

void query_free(struct query *q) {
  for (int i = 0; i < q->n; i++) {
    free(q->params[i].name);
    free(q->params[i].value);
  }
  q->n = 0;
}

const char *query_get(const struct query *q, const char *name) {
  for (int i = 0; i < q->n; i++)
    if (strcmp(q->params[i].name, name) == 0) return q->params[i].value;
  return NULL;
}

int query_set(struct query *q, const char *name, const char *value, size_t value_len) {
  int w = 0;
  for (int i = 0; i < q->n; i++) {
    if (strcmp(q->params[i].name, name) == 0) {
      free(q->params[i].name);
      free(q->params[i].value);
    } else {
      q->params[w++] = q->params[i];
    }
  }
  q->n = w;
  if (value == NULL) return 0;
  if (q->n == CHART_URL_MAX_PARAMS) return -1;
  struct query_param *p = &q->params[q->n];
  p->name = strdup(name);
  p->value = malloc(value_len + 1);
  if (p->name == NULL || p->value == NULL) {
    free(p->name);
    free(p->value);
    return -1;
  }
  memcpy(p->value, value, value_len);
  p->value[value_len] = '\0';
  p->name_len = strlen(name);
  p->value_len = value_len;
  q->n++;
  return 0;
}

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  return c ? c : (alen > blen) - (alen < blen);
}

static int param_cmp(const void *x, const void *y) {
  const struct query_param *a = *(const struct query_param *const *)x, *b = *(const struct query_param *const *)y;
  int c = bytes_cmp(a->name, a->name_len, b->name, b->name_len);
  return c ? c : bytes_cmp(a->value, a->value_len, b->value, b->value_len);
}

static char *encode_into(char *w, const char *s, size_t len) {
  static const char HEX[] = "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      *w++ = (char)c;
    } else {
      *w++ = '%';
      *w++ = HEX[c >> 4];
      *w++ = HEX[c & 15];
    }
  }
  return w;
}

char *query_canonical(const struct query *q) {
  const struct query_param *sorted[CHART_URL_MAX_PARAMS];
  size_t cap = sizeof CHART_URL_PATH + 2;
  int n = 0;
  for (int i = 0; i < q->n; i++) {
    if (strcmp(q->params[i].name, "sig") == 0) continue;
    sorted[n++] = &q->params[i];
    cap += 3 * (q->params[i].name_len + q->params[i].value_len) + 2;
  }
  qsort(sorted, (size_t)n, sizeof sorted[0], param_cmp);
  char *out = malloc(cap), *w = out;
  if (out == NULL) return NULL;
  w += sprintf(w, "%s?", CHART_URL_PATH);
  for (int i = 0; i < n; i++) {
    if (i) *w++ = '&';
    w = encode_into(w, sorted[i]->name, sorted[i]->name_len);
    *w++ = '=';
    w = encode_into(w, sorted[i]->value, sorted[i]->value_len);
  }
  *w = '\0';
  return out;
}

static int mac(const char *canonical, const char *key, size_t keylen, unsigned char out[32]) {
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)canonical, strlen(canonical), out, &n) == NULL ||
      n != 32)
    return -1;
  return 0;
}

int chart_url_sign(const struct query *q, const char *key, size_t keylen, char hex[65]) {
  char *canonical = query_canonical(q);
  unsigned char m[32];
  int rc = canonical ? mac(canonical, key, keylen, m) : -1;
  free(canonical);
  if (rc) return -1;
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", m[i]);
  hex[64] = '\0';
  return 0;
}

enum chart_url_verdict chart_url_verify(const struct query *q, const char *keys, time_t now) {
  const char *sig = query_get(q, "sig");
  if (sig == NULL) return CHART_URL_UNSIGNED;
  const char *exp = query_get(q, "exp");
  if (exp) {
    char *end = NULL;
    errno = 0;
    long long t = strtoll(exp, &end, 10);
    if (errno || end == exp || *end != '\0' || exp[0] == '-' || exp[0] == '+' || exp[0] == ' ') return CHART_URL_BAD_EXP;
    if ((long long)now > t) return CHART_URL_EXPIRED;
  }
  /* The received sig as 32 bytes; anything else matches nothing (but still costs every key). */
  unsigned char want[32] = {0};
  bool well_formed = strlen(sig) == 64;
  for (int i = 0; well_formed && i < 32; i++) {
    int hi = hexval((unsigned char)sig[2 * i]), lo = hexval((unsigned char)sig[2 * i + 1]);
    if (hi < 0 || lo < 0) well_formed = false;
    else want[i] = (unsigned char)(hi * 16 + lo);
  }
  char *canonical = query_canonical(q);
  if (canonical == NULL) return CHART_URL_BAD_SIG;
  bool ok = false;
  for (const char *k = keys; *k;) {
    size_t n = strcspn(k, ",");
    unsigned char m[32];
    if (n > 0 && mac(canonical, k, n, m) == 0) ok |= CRYPTO_memcmp(m, want, 32) == 0;
    k += n;
    if (*k == ',') k++;
  }
  free(canonical);
  return ok && well_formed ? CHART_URL_SIGNED : CHART_URL_BAD_SIG;
}
