/* JSON-lines logger on stderr, shared by the C host and chartd.log; thread-safe. */
#ifndef CHARTD_LOG_H
#define CHARTD_LOG_H

#include <stddef.h>

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 } log_level;

/* Messages below the threshold are dropped (default LOG_INFO). Any thread may call these. */
void log_set_level(log_level level);
log_level log_get_level(void);
int log_enabled(log_level level);
const char *log_level_name(log_level level); /* "debug" | "info" | "warn" | "error" */
/* Parses "debug" | "info" | "warn" | "warning" | "error"; returns 0 on success, -1 otherwise. */
int log_level_parse(const char *name, log_level *out);

/* Writes {"time":"...","level":"info","event":"<event>",<fields_json>} and a newline to stderr
 * in one fputs, so lines from different threads never interleave. fields_json is NULL, "",
 * a comma-separated list of JSON members ("\"a\":1,\"b\":\"x\""), or one JSON object whose
 * members are copied in. The caller escapes field strings with log_json_escape. */
void log_write(log_level level, const char *event, const char *fields_json);

/* log_write with the fields formatted printf-style (up to 4 KiB); strings must already be
 * escaped with log_json_escape. Nothing is formatted when the level is filtered out. */
void log_writef(log_level level, const char *event, const char *fields_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Escapes s[0..len) as the inside of a JSON string (no surrounding quotes): ", \ and control
 * characters are escaped; invalid UTF-8 bytes become \ufffd so the output is always valid
 * JSON. Works like snprintf: writes at most outsize-1 bytes plus a NUL (when outsize > 0) and
 * returns the length the full escape needs (excluding the NUL). out may be NULL if outsize is 0. */
size_t log_json_escape(char *out, size_t outsize, const char *s, size_t len);

/* Current UTC time as "2026-11-24T08:30:00.123Z" (24 chars + NUL) into buf[32]. */
void log_format_time(char buf[32]);

#endif
