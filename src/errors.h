/* The error protocol, in one table: every code a client can receive, its HTTP status, whether a retry may succeed, and its message template.
 *
 * C builds every error it sends with error_json; Lua reads the same table through the
 * chartd.errors binding (lua/service.lua). docs/protocol.md and schemas/error.json list the
 * same codes; spec/errors_spec.lua fails when any of them, or any code used in src/ or lua/,
 * is missing from this table. Pure C, no Lua; any thread. */
#ifndef CHARTD_ERRORS_H
#define CHARTD_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

struct error_code {
  const char *code;
  int status;       /* HTTP status of POST /v1/charts (499: never sent over HTTP) */
  bool retryable;   /* the same request may succeed later */
  const char *text; /* the message the host sends; "%s" (at most one) takes an argument */
};

/* The table, ended by a NULL code. */
extern const struct error_code ERROR_CODES[];

/* The entry for code, or NULL when it is not in the table. */
const struct error_code *error_lookup(const char *code);

/* {"type":"error","id":...,"code":...,"message":...,"retryable":...} plus "ref" when given
 * and extra (already JSON: `"retry_after_ms":1200`) when given. id is raw JSON string
 * content (as ws_message.c peeks it) or NULL/"" for null; message NULL means the code's text
 * with arg. A code missing from the table is sent as `internal` (and is a bug the spec
 * catches). Returns a malloc'ed NUL-terminated text (*len bytes), or NULL when out of
 * memory; *status gets the code's HTTP status. */
char *error_json(const char *code, const char *id, const char *message, const char *arg, const char *ref,
                 const char *extra, size_t *len, int *status);

/* A fresh reference for an `internal` error, to quote in the message and the log ("3f9c0a12"). */
void error_reference(char out[9]);

#endif
