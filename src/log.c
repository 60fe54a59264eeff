/* JSON-lines logger: one JSON object per line on stderr, a level threshold, a JSON string escaper. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int threshold = LOG_INFO;

void log_set_level(log_level level) { atomic_store(&threshold, (int)level); }

log_level log_get_level(void) { return (log_level)atomic_load(&threshold); }

int log_enabled(log_level level) { return (int)level >= atomic_load(&threshold); }

const char *log_level_name(log_level level) {
  switch (level) {
  case LOG_DEBUG: return "debug";
  case LOG_INFO: return "info";
  case LOG_WARN: return "warn";
  case LOG_ERROR: return "error";
  }
  return "info";
}

int log_level_parse(const char *name, log_level *out) {
  static const struct {
    const char *name;
    log_level level;
  } names[] = {{"debug", LOG_DEBUG}, {"info", LOG_INFO}, {"warn", LOG_WARN},
               {"warning", LOG_WARN}, {"error", LOG_ERROR}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(name, names[i].name) == 0) {
      *out = names[i].level;
      return 0;
    }
  }
  return -1;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes are not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t len) {
  unsigned c = s[0];
  size_t n;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (len < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

size_t log_json_escape(char *out, size_t outsize, const char *s, size_t len) {
  size_t need = 0;
  const unsigned char *p = (const unsigned char *)s;
#define EMIT(str, n)                                                                               \
  do {                                                                                             \
    size_t n_ = (n);                                                                               \
    for (size_t k_ = 0; k_ < n_; k_++) {                                                           \
      if (outsize > 0 && need + 1 < outsize) out[need] = (str)[k_];                                \
      need++;                                                                                      \
    }                                                                                              \
  } while (0)
  for (size_t i = 0; i < len;) {
    unsigned c = p[i];
    char esc[8];
    const char *e = NULL;
    switch (c) {
    case '"': e = "\\\""; break;
    case '\\': e = "\\\\"; break;
    case '\n': e = "\\n"; break;
    case '\r': e = "\\r"; break;
    case '\t': e = "\\t"; break;
    default: break;
    }
    if (e != NULL) {
      EMIT(e, 2);
      i++;
    } else if (c < 0x20 || c == 0x7F) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      EMIT(esc, 6);
      i++;
    } else {
      size_t n = utf8_seq(p + i, len - i);
      if (n == 0) {
        EMIT("\\ufffd", 6);
        i++;
      } else {
        EMIT((const char *)p + i, n);
        i += n;
      }
    }
  }
#undef EMIT
  if (outsize > 0) out[need < outsize ? need : outsize - 1] = '\0';
  return need;
}

void log_format_time(char buf[32]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_write(log_level level, const char *event, const char *fields_json) {
  if (!log_enabled(level)) return;
  char when[32];
  log_format_time(when);
  if (event == NULL) event = "";
  size_t elen = strlen(event);
  size_t esc = log_json_escape(NULL, 0, event, elen);
  const char *f = fields_json ? fields_json : "";
  size_t flen = strlen(f);
  /* Accept a whole object too: copy only its members. */
  while (flen > 0 && (*f == ' ' || *f == '\n' || *f == '\t')) f++, flen--;
  while (flen > 0 && (f[flen - 1] == ' ' || f[flen - 1] == '\n' || f[flen - 1] == '\t')) flen--;
  if (flen >= 2 && f[0] == '{' && f[flen - 1] == '}') f++, flen -= 2;
  size_t cap = 64 + strlen(when) + esc + flen;
  char *line = malloc(cap);
  if (line == NULL) {
    fputs("{\"level\":\"error\",\"event\":\"log_out_of_memory\"}\n", stderr);
    return;
  }
  int n = snprintf(line, cap, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":\"", when, log_level_name(level));
  size_t pos = (size_t)n;
  log_json_escape(line + pos, cap - pos, event, elen);
  pos += esc;
  line[pos++] = '"';
  if (flen > 0) {
    line[pos++] = ',';
    memcpy(line + pos, f, flen);
    pos += flen;
  }
  line[pos++] = '}';
  line[pos++] = '\n';
  line[pos] = '\0';
  /* One fputs per line: stdio locks the stream per call, so threads' lines never interleave. */
  fputs(line, stderr);
  free(line);
}

void log_writef(log_level level, const char *event, const char *fields_fmt, ...) {
  if (!log_enabled(level)) return;
  char fields[4096];
  va_list ap;
  va_start(ap, fields_fmt);
  vsnprintf(fields, sizeof fields, fields_fmt, ap);
  va_end(ap);
  log_write(level, event, fields);
}
