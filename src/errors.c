/* The error protocol, in one table: every code a client can receive, its HTTP status, whether a retry may succeed, and its message template. */
#include "errors.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* docs/protocol.md explains each code for clients. */
const struct error_code ERROR_CODES[] = {
    {"invalid_json", 400, false, "the message is not JSON"},
    {"invalid_request", 400, false, "the request is not valid"},
    {"invalid_spec", 422, false, "the chart spec breaks a rule"},
    {"unknown_chart_type", 422, false, "unknown chart type"},
    {"unknown_theme", 422, false, "unknown theme"},
    {"unknown_field", 422, false, "an encoding names a column the data lacks"},
    {"missing_encoding", 422, false, "a channel the chart type needs is missing"},
    {"invalid_data", 422, false, "the data cannot be read"},
    {"planner_unavailable", 503, false, "no planner can read the prompt"},
    {"llm_auth", 502, false, "the LLM API refused the key"},
    {"llm_quota", 502, false, "the LLM account is out of quota"},
    {"llm_bad_request", 502, false, "the LLM API refused the request"},
    {"llm_unavailable", 503, true, "the LLM could not be reached"},
    {"llm_invalid_output", 502, false, "the LLM gave no valid chart spec"},
    {"cancelled", 499, false, "the request was cancelled"},
    {"timeout", 408, true, "the request took longer than CHART_GENERATION_TIMEOUT (%s s)"},
    {"too_large", 413, false, "the request or the chart is too large"},
    {"busy", 429, true, "too many requests queued; retry later"},
    {"rate_limited", 429, true, "over CHARTD_RATE_LIMIT (%s chart requests a minute per client: its API key, else its session)"},
    {"unauthorized", 401, false, "missing or invalid API key (Authorization: Bearer <key> or ?token=<key>)"},
    {"resource_limit", 413, false, "the request needed more memory or stack than a worker allows"},
    {"unclear_followup", 422, false, "the follow-up cannot be read; the chart and the conversation stay"},
    {"not_a_chart_request", 422, false, "the prompt names no measure, chart or topic chartd knows"},
    {"data_evicted", 409, false, "the conversation's data was dropped for CHARTD_CONVERSATION_MB; send it again"},
    {"internal", 500, false, "internal error (reference %s); the server log has the details"},
    {NULL, 0, false, NULL},
};

const struct error_code *error_lookup(const char *code) {
  for (const struct error_code *e = ERROR_CODES; code && e->code; e++)
    if (strcmp(e->code, code) == 0) return e;
  return NULL;
}

char *error_json(const char *code, const char *id, const char *message, const char *arg, const char *ref,
                 const char *extra, size_t *len, int *status) {
  const struct error_code *e = error_lookup(code);
  if (e == NULL) e = error_lookup("internal");
  char text[1024];
  if (message == NULL) {
    if (strstr(e->text, "%s")) snprintf(text, sizeof text, e->text, arg ? arg : (ref ? ref : ""));
    else snprintf(text, sizeof text, "%s", e->text);
    message = text;
  }
  size_t mlen = strlen(message), cap = mlen * 6 + (id ? strlen(id) : 0) + (extra ? strlen(extra) : 0) + 160;
  char *out = malloc(cap);
  if (out == NULL) return NULL;
  char *esc = malloc(mlen * 6 + 1);
  if (esc == NULL) {
    free(out);
    return NULL;
  }
  log_json_escape(esc, mlen * 6 + 1, message, mlen);
  int n = snprintf(out, cap, "{\"type\":\"error\",\"id\":%s%s%s,\"code\":\"%s\",\"message\":\"%s\",\"retryable\":%s",
                   id && *id ? "\"" : "", id && *id ? id : "null", id && *id ? "\"" : "", e->code, esc,
                   e->retryable ? "true" : "false");
  free(esc);
  if (ref) n += snprintf(out + n, cap - (size_t)n, ",\"ref\":\"%s\"", ref);
  if (extra && *extra) n += snprintf(out + n, cap - (size_t)n, ",%s", extra);
  n += snprintf(out + n, cap - (size_t)n, "}");
  if (len) *len = (size_t)n;
  if (status) *status = e->status;
  return out;
}

void error_reference(char out[9]) {
  static atomic_uint_fast32_t counter;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint32_t x = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u ^ (uint32_t)atomic_fetch_add(&counter, 1) * 40503u;
  snprintf(out, 9, "%08x", x);
}
