/* Process-wide counters and histograms, rendered as Prometheus text for GET /metrics. */
#include "metrics.h"

#include "conversations.h"
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include "build_info.h"
#include "render_cache.h"

#ifndef CHARTD_VERSION
#define CHARTD_VERSION "dev"
#endif

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Latency buckets in seconds, shared by the three histograms. */
static const double BUCKETS[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
#define NBUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

struct histogram {
  unsigned long counts[NBUCKETS]; /* non-cumulative; summed when rendered */
  unsigned long count;
  double sum;
};

/* One row per (chart type, outcome) seen; both come from a closed list, so this stays small. */
#define MAX_ROWS 256
struct request_row {
  char chart_type[24];
  char outcome[24];
  unsigned long count;
};

static atomic_int conns_open;
static atomic_ulong conns_total, refused_limit, refused_draining, refused_unauthorized, refused_origin, bytes_sent,
    slow_readers, closed_by_client, closed_by_server, closed_by_transport;
static atomic_ulong reloads_ok, reloads_failed, worker_builds_failed;
static _Atomic double last_reload_ms;

/* Guards rows and histograms: touched once per finished request, cheap enough. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct request_row rows[MAX_ROWS];
static int nrows;
static struct histogram h_total, h_render, h_encode;

/* LLM calls by outcome and fallbacks by reason: labels from closed lists, a few rows each. */
#define MAX_LABELS 16
struct label_count {
  char label[24];
  unsigned long count;
};
static struct label_count llm_outcomes[MAX_LABELS], llm_fallbacks[MAX_LABELS];
static int n_llm_outcomes, n_llm_fallbacks;
static struct histogram h_llm;
static unsigned long llm_repairs, llm_prompt_tokens, llm_completion_tokens;

/* Shared state: -1 = no Redis configured (nothing rendered). Round trips are sub-millisecond,
 * below the histograms' first bucket, so a count and a sum give their mean. */
static atomic_int redis_up = -1;
static atomic_ulong redis_commands;
static _Atomic double redis_seconds;
static struct label_count redis_failures[MAX_LABELS], session_events[MAX_LABELS], shared_cache[MAX_LABELS];
static int n_redis_failures, n_session_events, n_shared_cache;
/* rate-limit outcomes by scope: [0] cluster, [1] replica */
static struct label_count rate_limits[2][MAX_LABELS];
static int n_rate_limits[2];

void metrics_connection_opened(void) {
  atomic_fetch_add(&conns_open, 1);
  atomic_fetch_add(&conns_total, 1);
}

void metrics_connection_closed(void) { atomic_fetch_sub(&conns_open, 1); }

void metrics_connection_refused(const char *reason) {
  atomic_ulong *counter = strcmp(reason, "draining") == 0       ? &refused_draining
                          : strcmp(reason, "unauthorized") == 0 ? &refused_unauthorized
                          : strcmp(reason, "origin") == 0       ? &refused_origin
                                                                : &refused_limit;
  atomic_fetch_add(counter, 1);
}

void metrics_bytes_sent(size_t n) { atomic_fetch_add(&bytes_sent, n); }
void metrics_slow_reader(void) { atomic_fetch_add(&slow_readers, 1); }

void metrics_closed_with_work(const char *by) {
  atomic_fetch_add(strcmp(by, "client") == 0 ? &closed_by_client : strcmp(by, "server") == 0 ? &closed_by_server
                                                                                           : &closed_by_transport,
                   1);
}
int metrics_connections_open(void) { return atomic_load(&conns_open); }

void metrics_worker_build_failed(void) { atomic_fetch_add(&worker_builds_failed, 1); }

void metrics_reload_done(int ok, double duration_ms) {
  atomic_fetch_add(ok ? &reloads_ok : &reloads_failed, 1);
  atomic_store(&last_reload_ms, duration_ms);
}

static void observe(struct histogram *h, double ms) {
  if (ms < 0) return;
  double s = ms / 1000.0;
  size_t i = 0;
  while (i < NBUCKETS && s > BUCKETS[i]) i++;
  if (i < NBUCKETS) h->counts[i]++;
  h->count++;
  h->sum += s;
}

/* Keeps label values to [a-z0-9_] so they never need escaping. */
static void label_copy(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  for (; src && *src && n + 1 < cap; src++) {
    char c = *src;
    dst[n++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') ? c : '_';
  }
  dst[n] = '\0';
}

/* Adds one to label's row (under mu); past MAX_LABELS distinct labels the rest go uncounted. */
static void count_label(struct label_count *rows_, int *n, const char *label) {
  char l[24];
  label_copy(l, sizeof l, label && *label ? label : "unknown");
  int i = 0;
  while (i < *n && strcmp(rows_[i].label, l)) i++;
  if (i == *n && *n < MAX_LABELS) {
    memcpy(rows_[i].label, l, sizeof l);
    (*n)++;
  }
  if (i < *n) rows_[i].count++;
}

void metrics_llm_call(const char *outcome, double seconds, unsigned long prompt_tokens,
                      unsigned long completion_tokens) {
  pthread_mutex_lock(&mu);
  count_label(llm_outcomes, &n_llm_outcomes, outcome);
  observe(&h_llm, seconds * 1000.0);
  llm_prompt_tokens += prompt_tokens;
  llm_completion_tokens += completion_tokens;
  pthread_mutex_unlock(&mu);
}

void metrics_llm_repair(void) {
  pthread_mutex_lock(&mu);
  llm_repairs++;
  pthread_mutex_unlock(&mu);
}

void metrics_llm_fallback(const char *reason) {
  pthread_mutex_lock(&mu);
  count_label(llm_fallbacks, &n_llm_fallbacks, reason);
  pthread_mutex_unlock(&mu);
}

void metrics_redis_up(int up) { atomic_store(&redis_up, up ? 1 : 0); }

void metrics_redis_command(double seconds) {
  atomic_fetch_add(&redis_commands, 1);
  double old = atomic_load(&redis_seconds);
  while (!atomic_compare_exchange_weak(&redis_seconds, &old, old + seconds)) {
  }
}

void metrics_redis_failure(const char *why) {
  pthread_mutex_lock(&mu);
  count_label(redis_failures, &n_redis_failures, why);
  pthread_mutex_unlock(&mu);
}

void metrics_session(const char *event) {
  pthread_mutex_lock(&mu);
  count_label(session_events, &n_session_events, event);
  pthread_mutex_unlock(&mu);
}

void metrics_shared_cache(const char *outcome) {
  pthread_mutex_lock(&mu);
  count_label(shared_cache, &n_shared_cache, outcome);
  pthread_mutex_unlock(&mu);
}

void metrics_rate_limit(const char *scope, const char *outcome) {
  int s = strcmp(scope, "cluster") != 0;
  pthread_mutex_lock(&mu);
  count_label(rate_limits[s], &n_rate_limits[s], outcome);
  pthread_mutex_unlock(&mu);
}

void metrics_request_done(const char *chart_type, const char *outcome, double total_ms, double render_ms,
                          double encode_ms) {
  char type[24], out[24];
  label_copy(type, sizeof type, chart_type && *chart_type ? chart_type : "none");
  label_copy(out, sizeof out, outcome && *outcome ? outcome : "internal");
  pthread_mutex_lock(&mu);
  int i = 0;
  while (i < nrows && (strcmp(rows[i].chart_type, type) || strcmp(rows[i].outcome, out))) i++;
  if (i == nrows && nrows < MAX_ROWS) {
    memcpy(rows[i].chart_type, type, sizeof type);
    memcpy(rows[i].outcome, out, sizeof out);
    nrows++;
  }
  if (i < nrows) rows[i].count++;
  observe(&h_total, total_ms);
  if (render_ms >= 0) observe(&h_render, render_ms);
  if (encode_ms >= 0) observe(&h_encode, encode_ms);
  pthread_mutex_unlock(&mu);
}

struct buf {
  char *p;
  size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->p && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
    char *p = realloc(b->p, cap);
    if (p == NULL) return;
    b->p = p;
    b->cap = cap;
  }
}

static void put_histogram(struct buf *b, const char *name, const char *help, const struct histogram *h) {
  put(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  unsigned long cum = 0;
  for (size_t i = 0; i < NBUCKETS; i++) {
    cum += h->counts[i];
    put(b, "%s_bucket{le=\"%g\"} %lu\n", name, BUCKETS[i], cum);
  }
  put(b, "%s_bucket{le=\"+Inf\"} %lu\n%s_sum %.6f\n%s_count %lu\n", name, h->count, name, h->sum, name, h->count);
}

/* The process_* family every Prometheus client exports, read from /proc (Linux). */
static void put_process(struct buf *b) {
  long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
  char stat[1024] = "";
  FILE *f = fopen("/proc/self/stat", "r");
  if (f) {
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    stat[n] = '\0';
    fclose(f);
  }
  /* fields after the command name, which may hold spaces: from the last ')' on */
  const char *p = strrchr(stat, ')');
  unsigned long long utime = 0, stime = 0, start = 0, vsize = 0;
  long long rss = 0;
  if (p == NULL ||
      sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %lld",
             &utime, &stime, &start, &vsize, &rss) != 5 || ticks <= 0)
    return;
  unsigned long long btime = 0;
  char line[256];
  if ((f = fopen("/proc/stat", "r")) != NULL) {
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "btime %llu", &btime) == 1) break;
    fclose(f);
  }
  int fds = 0;
  DIR *d = opendir("/proc/self/fd");
  if (d) {
    for (struct dirent *e; (e = readdir(d)) != NULL;) fds += e->d_name[0] != '.';
    closedir(d);
    fds--; /* the one opendir holds */
  }
  struct rlimit rl = {0};
  getrlimit(RLIMIT_NOFILE, &rl);
  put(b, "# HELP process_cpu_seconds_total User and system CPU time spent in seconds.\n"
         "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n"
         "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
         "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %lld\n"
         "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
         "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n"
         "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
         "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n"
         "# HELP process_open_fds Number of open file descriptors.\n"
         "# TYPE process_open_fds gauge\nprocess_open_fds %d\n"
         "# HELP process_max_fds Maximum number of open file descriptors.\n"
         "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
      (double)(utime + stime) / (double)ticks, rss * page, vsize, (double)btime + (double)start / (double)ticks, fds,
      (unsigned long long)rl.rlim_cur);
}

char *metrics_render(int queued, int running, int generation, size_t *len) {
  struct buf b = {0};
  put(&b, "# HELP chartd_connections_open WebSocket connections open now.\n"
          "# TYPE chartd_connections_open gauge\nchartd_connections_open %d\n",
      atomic_load(&conns_open));
  put(&b, "# HELP chartd_connections_total WebSocket connections accepted.\n"
          "# TYPE chartd_connections_total counter\nchartd_connections_total %lu\n",
      atomic_load(&conns_total));
  put(&b, "# HELP chartd_connections_refused_total WebSocket connections refused.\n"
          "# TYPE chartd_connections_refused_total counter\n"
          "chartd_connections_refused_total{reason=\"limit\"} %lu\n"
          "chartd_connections_refused_total{reason=\"draining\"} %lu\n"
          "chartd_connections_refused_total{reason=\"unauthorized\"} %lu\n"
          "chartd_connections_refused_total{reason=\"origin\"} %lu\n",
      atomic_load(&refused_limit), atomic_load(&refused_draining), atomic_load(&refused_unauthorized),
      atomic_load(&refused_origin));
  put(&b, "# HELP chartd_slow_reader_closes_total Connections closed 1008 for not reading their replies.\n"
          "# TYPE chartd_slow_reader_closes_total counter\nchartd_slow_reader_closes_total %lu\n",
      atomic_load(&slow_readers));
  put(&b, "# HELP chartd_connections_closed_with_work_total WebSockets that closed with requests in flight or replies "
          "unwritten (those replies are lost), by who closed: the client's close frame, chartd, or no handshake.\n"
          "# TYPE chartd_connections_closed_with_work_total counter\n"
          "chartd_connections_closed_with_work_total{by=\"client\"} %lu\n"
          "chartd_connections_closed_with_work_total{by=\"server\"} %lu\n"
          "chartd_connections_closed_with_work_total{by=\"transport\"} %lu\n",
      atomic_load(&closed_by_client), atomic_load(&closed_by_server), atomic_load(&closed_by_transport));
  put(&b, "# HELP chartd_bytes_sent_total Payload bytes queued to clients (WebSocket and HTTP).\n"
          "# TYPE chartd_bytes_sent_total counter\nchartd_bytes_sent_total %lu\n",
      atomic_load(&bytes_sent));
  put(&b, "# HELP chartd_queue_depth Requests waiting for a worker.\n"
          "# TYPE chartd_queue_depth gauge\nchartd_queue_depth %d\n",
      queued);
  put(&b, "# HELP chartd_requests_running Requests a worker has started and not answered.\n"
          "# TYPE chartd_requests_running gauge\nchartd_requests_running %d\n",
      running);
  put(&b, "# HELP chartd_reload_generation Generation of the scripts in use.\n"
          "# TYPE chartd_reload_generation gauge\nchartd_reload_generation %d\n",
      generation);
  put(&b, "# HELP chartd_reloads_total Reload attempts by outcome (ok: the new generation serves; failed: the old one stays).\n"
          "# TYPE chartd_reloads_total counter\n"
          "chartd_reloads_total{outcome=\"ok\"} %lu\nchartd_reloads_total{outcome=\"failed\"} %lu\n",
      atomic_load(&reloads_ok), atomic_load(&reloads_failed));
  put(&b, "# HELP chartd_worker_build_failures_total Worker states that could not be built for a new generation "
          "(the worker stayed on its previous one).\n"
          "# TYPE chartd_worker_build_failures_total counter\nchartd_worker_build_failures_total %lu\n",
      atomic_load(&worker_builds_failed));
  put(&b, "# HELP chartd_reload_last_duration_seconds Self-test time of the last reload attempt.\n"
          "# TYPE chartd_reload_last_duration_seconds gauge\nchartd_reload_last_duration_seconds %.6f\n",
      atomic_load(&last_reload_ms) / 1000.0);
  size_t conv_bytes, conv_count;
  unsigned long conv_evictions;
  conversations_stats(&conv_bytes, &conv_count, &conv_evictions);
  put(&b, "# HELP chartd_conversation_bytes Bytes WebSocket conversations keep (data and state; CHARTD_CONVERSATION_MB).\n"
          "# TYPE chartd_conversation_bytes gauge\nchartd_conversation_bytes %zu\n"
          "# HELP chartd_conversations Conversations holding a chart or data.\n"
          "# TYPE chartd_conversations gauge\nchartd_conversations %zu\n"
          "# HELP chartd_conversation_evictions_total Conversations whose data was dropped to stay in budget.\n"
          "# TYPE chartd_conversation_evictions_total counter\nchartd_conversation_evictions_total %lu\n",
      conv_bytes, conv_count, conv_evictions);
  pthread_mutex_lock(&mu);
  put(&b, "# HELP chartd_requests_total Finished chart requests by outcome (ok or an error code) and chart type.\n"
          "# TYPE chartd_requests_total counter\n");
  for (int i = 0; i < nrows; i++)
    put(&b, "chartd_requests_total{outcome=\"%s\",chart_type=\"%s\"} %lu\n", rows[i].outcome, rows[i].chart_type,
        rows[i].count);
  put_histogram(&b, "chartd_request_seconds", "Whole request time, queue included.", &h_total);
  put_histogram(&b, "chartd_render_seconds", "Layout and drawing time.", &h_render);
  put_histogram(&b, "chartd_encode_seconds", "Image encoding time.", &h_encode);
  put(&b, "# HELP chartd_llm_calls_total LLM HTTP exchanges by outcome.\n# TYPE chartd_llm_calls_total counter\n");
  for (int i = 0; i < n_llm_outcomes; i++)
    put(&b, "chartd_llm_calls_total{outcome=\"%s\"} %lu\n", llm_outcomes[i].label, llm_outcomes[i].count);
  put_histogram(&b, "chartd_llm_call_seconds", "LLM HTTP exchange time.", &h_llm);
  put(&b, "# HELP chartd_llm_repairs_total Repair turns sent after an answer that was not a valid spec.\n"
          "# TYPE chartd_llm_repairs_total counter\nchartd_llm_repairs_total %lu\n",
      llm_repairs);
  put(&b, "# HELP chartd_llm_fallbacks_total Requests the offline planner answered instead of the LLM, by reason.\n"
          "# TYPE chartd_llm_fallbacks_total counter\n");
  for (int i = 0; i < n_llm_fallbacks; i++)
    put(&b, "chartd_llm_fallbacks_total{reason=\"%s\"} %lu\n", llm_fallbacks[i].label, llm_fallbacks[i].count);
  put(&b, "# HELP chartd_llm_tokens_total Tokens the LLM reported in usage.\n# TYPE chartd_llm_tokens_total counter\n"
          "chartd_llm_tokens_total{kind=\"prompt\"} %lu\nchartd_llm_tokens_total{kind=\"completion\"} %lu\n",
      llm_prompt_tokens, llm_completion_tokens);
  if (atomic_load(&redis_up) >= 0)
    put(&b, "# HELP chartd_redis_up Whether Redis (REDIS_URL) answered the last time this process tried it.\n"
            "# TYPE chartd_redis_up gauge\nchartd_redis_up %d\n",
        atomic_load(&redis_up));
  put(&b, "# HELP chartd_redis_commands_total Redis commands answered.\n"
          "# TYPE chartd_redis_commands_total counter\nchartd_redis_commands_total %lu\n"
          "# HELP chartd_redis_command_seconds_total Time from sending a Redis command to its reply, summed.\n"
          "# TYPE chartd_redis_command_seconds_total counter\nchartd_redis_command_seconds_total %.6f\n",
      atomic_load(&redis_commands), atomic_load(&redis_seconds));
  put(&b, "# HELP chartd_redis_failures_total Redis commands that got no reply, by why (connect, lost, timeout, "
          "skipped while backing off).\n# TYPE chartd_redis_failures_total counter\n");
  for (int i = 0; i < n_redis_failures; i++)
    put(&b, "chartd_redis_failures_total{why=\"%s\"} %lu\n", redis_failures[i].label, redis_failures[i].count);
  put(&b, "# HELP chartd_sessions_total Resumable session events (stored, resumed, store_failed, restore_failed, "
          "data_dropped).\n# TYPE chartd_sessions_total counter\n");
  for (int i = 0; i < n_session_events; i++)
    put(&b, "chartd_sessions_total{event=\"%s\"} %lu\n", session_events[i].label, session_events[i].count);
  put(&b, "# HELP chartd_cache_shared_total The render cache's copy in Redis: hit, miss (asked after this process's "
          "cache missed), stored, too_large (over CHARTD_REDIS_CACHE_MAX_KB), failed.\n"
          "# TYPE chartd_cache_shared_total counter\n");
  for (int i = 0; i < n_shared_cache; i++)
    put(&b, "chartd_cache_shared_total{outcome=\"%s\"} %lu\n", shared_cache[i].label, shared_cache[i].count);
  put(&b, "# HELP chartd_rate_limit_total Rate-limit decisions by scope (cluster: counted in Redis; replica: in this "
          "process) and outcome.\n# TYPE chartd_rate_limit_total counter\n");
  for (int s = 0; s < 2; s++)
    for (int i = 0; i < n_rate_limits[s]; i++)
      put(&b, "chartd_rate_limit_total{scope=\"%s\",outcome=\"%s\"} %lu\n", s ? "replica" : "cluster",
          rate_limits[s][i].label, rate_limits[s][i].count);
  pthread_mutex_unlock(&mu);
  struct cache_stats cs;
  render_cache_stats(&cs);
  put(&b, "# HELP chartd_cache_hits_total Spec requests answered from the render cache.\n"
          "# TYPE chartd_cache_hits_total counter\nchartd_cache_hits_total %lu\n"
          "# HELP chartd_cache_misses_total Spec requests the render cache did not hold (drawn, then kept).\n"
          "# TYPE chartd_cache_misses_total counter\nchartd_cache_misses_total %lu\n"
          "# HELP chartd_cache_evictions_total Entries dropped from the render cache to stay within CHARTD_CACHE_MB.\n"
          "# TYPE chartd_cache_evictions_total counter\nchartd_cache_evictions_total %lu\n"
          "# HELP chartd_cache_bytes Bytes the render cache holds.\n"
          "# TYPE chartd_cache_bytes gauge\nchartd_cache_bytes %zu\n"
          "# HELP chartd_cache_entries Entries the render cache holds.\n"
          "# TYPE chartd_cache_entries gauge\nchartd_cache_entries %zu\n"
          "# HELP chartd_cache_capacity_bytes The render cache's budget (CHARTD_CACHE_MB; 0 = off).\n"
          "# TYPE chartd_cache_capacity_bytes gauge\nchartd_cache_capacity_bytes %zu\n",
      cs.hits, cs.misses, cs.evictions, cs.bytes, cs.entries, cs.capacity);
  put(&b, "# HELP chartd_build_info The chartd build serving: version and commit.\n"
          "# TYPE chartd_build_info gauge\nchartd_build_info{version=\"%s\",commit=\"%s\"} 1\n",
      CHARTD_VERSION, CHARTD_COMMIT);
  put_process(&b);
  *len = b.len;
  return b.p;
}
