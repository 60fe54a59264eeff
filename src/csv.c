/* RFC 4180 CSV parser (quotes, doubled quotes, LF/CRLF, embedded newlines, any separator). */
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unescaping a quoted field needs a scratch buffer; unquoted fields point into the text. */
typedef struct scratch {
  char *data;
  size_t len, cap;
  int fixed; /* caller-provided, large enough for any field */
} scratch;

static int scratch_put(scratch *s, const char *p, size_t n) {
  if (n == 0) return 0; /* s->data may still be NULL */
  if (s->fixed) {
    memcpy(s->data + s->len, p, n);
    s->len += n;
    return 0;
  }
  if (n > (size_t)-1 - s->len) return -1;
  if (s->len + n > s->cap) {
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->len + n) {
      if (cap > (size_t)-1 / 2) {
        cap = s->len + n;
        break;
      }
      cap *= 2;
    }
    char *d = realloc(s->data, cap);
    if (d == NULL) return -1;
    s->data = d;
    s->cap = cap;
  }
  memcpy(s->data + s->len, p, n);
  s->len += n;
  return 0;
}

static int parse(const char *text, size_t len, char separator, const csv_callbacks *cb, char *fixed,
                 char *err, size_t errlen) {
  size_t i = 0, line = 1;
  int row_open = 0; /* a field of the current row was reported */
  scratch s = {fixed, 0, 0, fixed != NULL};
  int rc = -1;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;
  unsigned char special[256] = {0}; /* bytes an unquoted field stops at */
  special[(unsigned char)separator] = special['\n'] = special['\r'] = special['"'] = 1;
  if (separator == '"' || separator == '\n' || separator == '\r') {
    snprintf(err, errlen, "separator cannot be a quote or a line ending");
    return -1;
  }
  /* a separator that can be part of a number (a digit, '-', '.') would be read as one */
  int numbers = cb->number && !(separator >= '0' && separator <= '9') && separator != '-' && separator != '.';
  size_t k;
  int kind = 0;
  long long ival = 0;
  double dval = 0;
  while (i < len) {
    /* One field per iteration; i is at the start of a field. */
    const char *fdata;
    size_t flen;
    if (text[i] == '"') {
      size_t start_line = line;
      s.len = 0;
      i++;
      for (;;) {
        const char *q = i < len ? memchr(text + i, '"', len - i) : NULL;
        if (q == NULL) {
          snprintf(err, errlen, "line %zu: unterminated quoted field", start_line);
          goto done;
        }
        size_t n = (size_t)(q - (text + i));
        for (size_t k = 0; k < n; k++)
          if (text[i + k] == '\n') line++;
        if (scratch_put(&s, text + i, n) != 0) {
          snprintf(err, errlen, "out of memory");
          goto done;
        }
        i += n + 1;
        if (i < len && text[i] == '"') {
          if (scratch_put(&s, "\"", 1) != 0) {
            snprintf(err, errlen, "out of memory");
            goto done;
          }
          i++;
          continue;
        }
        break;
      }
      if (i < len && text[i] != separator && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
        snprintf(err, errlen, "line %zu: unexpected character after closing quote", line);
        goto done;
      }
      fdata = s.data ? s.data : "";
      flen = s.len;
    } else if (numbers && (k = csv_usual_number(text, i, len, separator, &kind, &ival, &dval)) != 0) {
      if (cb->number(cb->ud, text + i, k, kind, ival, dval) != 0) {
        snprintf(err, errlen, "line %zu: stopped", line);
        goto done;
      }
      i += k;
      row_open = 1;
      goto field_end;
    } else {
      size_t start = i;
      while (i < len) {
        while (i < len && !special[(unsigned char)text[i]]) i++; /* the plain bytes, quickly */
        if (i >= len || text[i] == separator || text[i] == '\n') break;
        if (text[i] == '"') {
          snprintf(err, errlen, "line %zu: quote inside an unquoted field", line);
          goto done;
        }
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') break;
        i++;
      }
      fdata = text + start;
      flen = i - start;
    }
    if (cb->field(cb->ud, fdata, flen) != 0) {
      snprintf(err, errlen, "line %zu: stopped", line);
      goto done;
    }
    row_open = 1;
  field_end:
    if (i >= len) break;
    if (text[i] == separator) {
      i++;
      if (i == len && cb->field(cb->ud, "", 0) != 0) { /* "a," ends with an empty field */
        snprintf(err, errlen, "line %zu: stopped", line);
        goto done;
      }
      continue;
    }
    /* line ending: LF or CRLF */
    i += text[i] == '\r' ? 2 : 1;
    line++;
    row_open = 0;
    if (cb->row_end(cb->ud) != 0) {
      snprintf(err, errlen, "line %zu: stopped", line - 1);
      goto done;
    }
    /* a trailing line ending leaves the loop here without opening an empty row */
  }
  if (row_open) {
    if (cb->row_end(cb->ud) != 0) {
      snprintf(err, errlen, "line %zu: stopped", line);
      goto done;
    }
  }
  rc = 0;
done:
  if (!s.fixed) free(s.data);
  return rc;
}

int csv_parse(const char *text, size_t len, char separator, const csv_callbacks *cb, char *err,
              size_t errlen) {
  return parse(text, len, separator, cb, NULL, err, errlen);
}

int csv_parse_scratch(const char *text, size_t len, char separator, const csv_callbacks *cb,
                      char *scratch, char *err, size_t errlen) {
  return parse(text, len, separator, cb, scratch, err, errlen);
}

static int lua_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int digit(char c) { return c >= '0' && c <= '9'; }


int csv_number(const char *s, size_t len, long long *ival, double *dval) {
  /* The usual cell first, in one pass: [-]digits[.digits], 1 to 15 digits, nothing around —
   * the same answers as the general way below, which takes everything else. */
  if (len > 0 && len <= 17) {
    int negative = s[0] == '-';
    size_t i = (size_t)negative, digits = 0, dot = 0; /* dot: index after the '.', 0 if none */
    unsigned long long mant = 0;
    for (; i < len; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d < 10) mant = mant * 10 + d, digits++;
      else if (s[i] == '.' && dot == 0) dot = i + 1;
      else break;
    }
    if (i == len && digits > 0 && digits <= 15) {
      if (dot == 0) {
        *ival = negative ? -(long long)mant : (long long)mant;
        return 1;
      }
      double v = (double)mant / CSV_POW10[len - dot];
      *dval = negative ? -v : v;
      return 2;
    }
  }
  while (len > 0 && lua_space(s[0])) s++, len--;
  while (len > 0 && lua_space(s[len - 1])) len--;
  size_t i = 0, digits = 0, frac = 0;
  int integral = 1, negative = 0;
  unsigned long long mant = 0; /* every digit, while there are at most 18 */
  if (i < len && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  for (; i < len && digit(s[i]); i++, digits++) mant = mant * 10 + (unsigned)(s[i] - '0');
  if (i < len && s[i] == '.') {
    integral = 0;
    for (i++; i < len && digit(s[i]); i++, digits++, frac++) mant = mant * 10 + (unsigned)(s[i] - '0');
  }
  if (digits == 0) return 0;
  long exp10 = 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    integral = 0;
    i++;
    int eneg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    size_t exp_digits = 0;
    for (; i < len && digit(s[i]); i++, exp_digits++)
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
    if (exp_digits == 0) return 0;
    if (eneg) exp10 = -exp10;
  }
  if (i != len || len > 400) return 0;
  /* The common case: at most 15 digits and a small exponent. A mantissa below 2^53 times or
   * over an exact power of ten is one correctly rounded operation, strtod's result (Clinger). */
  if (digits <= 15) {
    long e = exp10 - (long)frac;
    if (integral) {
      *ival = negative ? -(long long)mant : (long long)mant;
      return 1;
    }
    if (e >= -22 && e <= 22) {
      double v = e >= 0 ? (double)mant * CSV_POW10[e] : (double)mant / CSV_POW10[-e];
      *dval = negative ? -v : v;
      return 2;
    }
  }
  char buf[402];
  memcpy(buf, s, len);
  buf[len] = 0;
  if (integral) {
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == 0) {
      *ival = v;
      return 1;
    }
  }
  double d = strtod(buf, NULL);
  if (!isfinite(d)) return 0;
  *dval = d;
  return 2;
}
