/* Process-wide counters and histograms, rendered as Prometheus text for GET /metrics. */
#ifndef CHARTD_METRICS_H
#define CHARTD_METRICS_H

#include <stddef.h>

/* All functions are safe from any thread. */
void metrics_connection_opened(void);
void metrics_connection_closed(void);
void metrics_connection_refused(const char *reason); /* "limit", "draining", "unauthorized" or "origin" */
void metrics_request_done(const char *chart_type, const char *outcome, double total_ms, double render_ms,
                          double encode_ms);
void metrics_bytes_sent(size_t n);
void metrics_slow_reader(void);
/* A WebSocket closed with requests in flight or replies unwritten: by "client", "server" or "transport". */
void metrics_closed_with_work(const char *by);
int metrics_connections_open(void);
/* One reload attempt (src/reload.c): passed the self-test or not, and how long it took. */
void metrics_reload_done(int ok, double duration_ms);
void metrics_worker_build_failed(void); /* a worker stayed on its previous generation */

/* The LLM planner (src/lua_metrics.c): one HTTP exchange by outcome (a closed list: ok,
 * bad_request, auth, quota, rate_limited, server_error, timeout, transport) with its latency and the
 * tokens its `usage` reported; a repair turn; a fallback to the offline planner by reason. */
void metrics_llm_call(const char *outcome, double seconds, unsigned long prompt_tokens,
                      unsigned long completion_tokens);
void metrics_llm_repair(void);
void metrics_llm_fallback(const char *reason);

/* Shared state (src/redis_link.c, lua/session_store.lua, lua/rate_limit.lua): whether Redis
 * answers, each command's round trip, failures by kind (connect, lost, timeout, skipped: not
 * sent while backing off), session events (stored, resumed, store_failed, restore_failed,
 * data_dropped) and rate-limit decisions by scope (cluster: counted in Redis; replica: in this
 * process) and outcome (allowed, limited). */
void metrics_redis_up(int up);
void metrics_redis_command(double seconds);
void metrics_redis_failure(const char *why);
void metrics_session(const char *event);
/* The render cache's copy in Redis (lua/shared_cache.lua): hit, miss, stored, too_large, failed. */
void metrics_shared_cache(const char *outcome);
void metrics_rate_limit(const char *scope, const char *outcome);

/* Prometheus exposition text (malloc'ed, *len bytes); the caller frees it. */
char *metrics_render(int queued, int running, int generation, size_t *len);

#endif
