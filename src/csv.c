/* RFC 4180 CSV parser (quotes, doubled quotes, LF/CRLF, embedded newlines, any separator). */
#include "csv.h"

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
  if (separator == '"' || separator == '\n' || separator == '\r') {
    snprintf(err, errlen, "separator cannot be a quote or a line ending");
    return -1;
  }
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
    } else {
      size_t start = i;
      while (i < len && text[i] != separator && text[i] != '\n') {
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
