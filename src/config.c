/* chartd's settings: their defaults, and each variable parsed and validated (exit 2 with one line naming it). */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *LEVEL_NAMES[] = {"DEBUG", "INFO", "WARNING", "ERROR"};

const char *config_log_level_name(enum config_log_level level) {
  return LEVEL_NAMES[level];
}

/* Reads an integer variable in [lo, hi]; unset or empty keeps *out. */
static int get_int(config_lookup_fn lookup, void *ud, const char *name, long lo, long hi, int *out,
                   char *err, size_t errlen) {
  const char *v = lookup(ud, name);
  if (v == NULL || *v == '\0') return 0;
  char *end = NULL;
  errno = 0;
  long n = strtol(v, &end, 10);
  while (end && isspace((unsigned char)*end)) end++;
  if (errno != 0 || end == v || *end != '\0') {
    snprintf(err, errlen, "%s=%s is not an integer; allowed %ld-%ld", name, v, lo, hi);
    return -1;
  }
  if (n < lo || n > hi) {
    snprintf(err, errlen, "%s=%s is out of range; allowed %ld-%ld", name, v, lo, hi);
    return -1;
  }
  *out = (int)n;
  return 0;
}

/* Reads a number variable in [lo, hi], keeping *out when unset. */
static int get_double(config_lookup_fn lookup, void *ud, const char *name, double lo, double hi, double *out,
                      char *err, size_t errlen) {
  const char *v = lookup(ud, name);
  if (v == NULL || *v == '\0') return 0;
  char *end = NULL;
  errno = 0;
  double n = strtod(v, &end);
  while (end && isspace((unsigned char)*end)) end++;
  if (errno != 0 || end == v || *end != '\0' || !(n >= lo && n <= hi)) {
    snprintf(err, errlen, "%s=%s is not allowed; allowed a number from %g to %g", name, v, lo, hi);
    return -1;
  }
  *out = n;
  return 0;
}

/* Reads a string variable, keeping *out when unset; too long is an error. */
static int get_str(config_lookup_fn lookup, void *ud, const char *name, char *out, size_t outlen,
                   char *err, size_t errlen) {
  const char *v = lookup(ud, name);
  if (v == NULL || *v == '\0') return 0;
  if (strlen(v) >= outlen) {
    snprintf(err, errlen, "%s is too long; allowed at most %zu characters", name, outlen - 1);
    return -1;
  }
  memcpy(out, v, strlen(v) + 1);
  return 0;
}

static int get_bool(config_lookup_fn lookup, void *ud, const char *name, bool *out, char *err,
                    size_t errlen) {
  const char *v = lookup(ud, name);
  if (v == NULL || *v == '\0') return 0;
  static const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
  for (size_t i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0) { *out = true; return 0; }
    if (strcasecmp(v, no[i]) == 0) { *out = false; return 0; }
  }
  snprintf(err, errlen, "%s=%s is not a boolean; allowed true, false, 1, 0, yes, no", name, v);
  return -1;
}

/* A comma-separated list: every entry non-empty, no whitespace or control characters (a
 * pasted newline in a key would never match). show_value=false keeps secrets out of err. */
static int get_list(config_lookup_fn lookup, void *ud, const char *name, bool show_value, char *out,
                    size_t outlen, char *err, size_t errlen) {
  const char *v = lookup(ud, name);
  if (v == NULL || *v == '\0') return 0;
  if (strlen(v) >= outlen) {
    snprintf(err, errlen, "%s is too long; allowed at most %zu characters", name, outlen - 1);
    return -1;
  }
  int entry = 1;
  for (const char *c = v;; c++) {
    if (*c == ',' || *c == '\0') {
      if (c == v || c[-1] == ',') {
        snprintf(err, errlen, "%s entry %d is empty; allowed a comma-separated list without empty entries", name,
                 entry);
        return -1;
      }
      if (*c == '\0') break;
      entry++;
    } else if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
      if (show_value)
        snprintf(err, errlen, "%s=%s: entry %d contains whitespace; allowed a comma-separated list without spaces",
                 name, v, entry);
      else
        snprintf(err, errlen, "%s entry %d contains whitespace; allowed a comma-separated list without spaces",
                 name, entry);
      return -1;
    }
  }
  memcpy(out, v, strlen(v) + 1);
  return 0;
}

/* CHARTD_DATA_DIR: an existing folder, kept as its real path (the sandbox compares real paths). */
static int get_data_dir(config_lookup_fn lookup, void *ud, char *out, size_t outlen, char *err, size_t errlen) {
  const char *v = lookup(ud, "CHARTD_DATA_DIR");
  out[0] = '\0';
  if (v == NULL || *v == '\0') return 0;
  char *real = realpath(v, NULL);
  struct stat st;
  if (real == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode) || strlen(real) >= outlen) {
    snprintf(err, errlen, "CHARTD_DATA_DIR=%s is not allowed; allowed an existing folder", v);
    free(real);
    return -1;
  }
  strcpy(out, real);
  free(real);
  return 0;
}

int config_parse(struct chartd_config *cfg, config_lookup_fn lookup, void *ud, int default_workers,
                 char *err, size_t errlen) {
  memset(cfg, 0, sizeof *cfg);
  cfg->port = 8080;
  cfg->max_connections = 100;
  cfg->timeout_s = 30;
  cfg->llm_seed = 1;
  cfg->max_chart_mb = 10;
  cfg->max_retries = 3;
  cfg->workers = default_workers < 1 ? 1 : (default_workers > 256 ? 256 : default_workers);
  /* a 10 MB CSV, with the escaping JSON adds to its quotes and line breaks, fits */
  cfg->max_request_kb = 12 * 1024;
  cfg->conversation_mb = 256;
  cfg->log_level = CONFIG_LOG_INFO;
  strcpy(cfg->llm_provider, "auto");
  strcpy(cfg->llm_model, "gpt-4o-mini");
  strcpy(cfg->llm_base_url, "https://api.openai.com/v1");
  strcpy(cfg->app_env, "development");
  strcpy(cfg->railway_env, "development");
  cfg->rate_limit = 0; /* off, like the other access controls: a deployment sets it */
  cfg->idle_ping_s = 30;
  cfg->idle_timeout_s = 70;
  cfg->send_timeout_s = 30;
  cfg->script_budget_ms = 5000;
  cfg->max_in_flight = 64;
  cfg->max_pixels = 16777216; /* a 64 MB surface: docs/BENCHMARKS.md, "Memory of one render" */
  cfg->redis_timeout_ms = 250;
  cfg->session_ttl_s = 86400;
  cfg->session_max_kb = 4096;
  cfg->cache_mb = 64;
  cfg->cache_max_age_s = 86400;
  cfg->redis_cache_ttl_s = 3600;
  cfg->redis_cache_max_kb = 1024;

  /* PORT (set by Railway) wins over WEBSOCKET_PORT; the error names the one that was used. */
  const char *port_name = lookup(ud, "PORT") && *lookup(ud, "PORT") ? "PORT" : "WEBSOCKET_PORT";
  (void)lookup(ud, "WEBSOCKET_PORT"); /* read either way: config_name_warnings knows it by this */
  if (get_int(lookup, ud, port_name, 1024, 65535, &cfg->port, err, errlen) ||
      get_int(lookup, ud, "MAX_CONCURRENT_CONNECTIONS", 1, 100000, &cfg->max_connections, err, errlen) ||
      get_int(lookup, ud, "CHART_GENERATION_TIMEOUT", 5, 300, &cfg->timeout_s, err, errlen) ||
      get_int(lookup, ud, "MAX_CHART_SIZE_MB", 1, 1024, &cfg->max_chart_mb, err, errlen) ||
      get_int(lookup, ud, "MAX_RETRIES", 0, 10, &cfg->max_retries, err, errlen) ||
      get_double(lookup, ud, "LLM_TEMPERATURE", 0, 2, &cfg->llm_temperature, err, errlen) ||
      get_int(lookup, ud, "LLM_SEED", 0, 2147483647, &cfg->llm_seed, err, errlen) ||
      get_int(lookup, ud, "CHARTD_WORKERS", 1, 256, &cfg->workers, err, errlen) ||
      get_int(lookup, ud, "MAX_REQUEST_KB", 1, 65536, &cfg->max_request_kb, err, errlen) ||
      get_int(lookup, ud, "CHARTD_CONVERSATION_MB", 1, 65536, &cfg->conversation_mb, err, errlen) ||
      get_str(lookup, ud, "LLM_PROVIDER", cfg->llm_provider, sizeof cfg->llm_provider, err, errlen) ||
      get_str(lookup, ud, "LLM_MODEL", cfg->llm_model, sizeof cfg->llm_model, err, errlen) ||
      get_str(lookup, ud, "LLM_BASE_URL", cfg->llm_base_url, sizeof cfg->llm_base_url, err, errlen) ||
      get_str(lookup, ud, "APP_ENV", cfg->app_env, sizeof cfg->app_env, err, errlen) ||
      get_str(lookup, ud, "RAILWAY_ENVIRONMENT", cfg->railway_env, sizeof cfg->railway_env, err, errlen) ||
      get_bool(lookup, ud, "DEBUG", &cfg->debug, err, errlen) ||
      get_bool(lookup, ud, "CHARTD_TEST_HOOKS", &cfg->test_hooks, err, errlen) ||
      get_int(lookup, ud, "CHARTD_RATE_LIMIT", 0, 1000000, &cfg->rate_limit, err, errlen) ||
      get_int(lookup, ud, "CHARTD_IDLE_PING", 1, 3600, &cfg->idle_ping_s, err, errlen) ||
      get_int(lookup, ud, "CHARTD_IDLE_TIMEOUT", 2, 7200, &cfg->idle_timeout_s, err, errlen) ||
      get_int(lookup, ud, "CHARTD_SEND_TIMEOUT", 1, 3600, &cfg->send_timeout_s, err, errlen) ||
      get_int(lookup, ud, "CHARTD_SCRIPT_BUDGET_MS", 100, 120000, &cfg->script_budget_ms, err, errlen) ||
      get_int(lookup, ud, "CHARTD_MAX_PIXELS", 256, 1073741824, &cfg->max_pixels, err, errlen) ||
      get_int(lookup, ud, "CHARTD_MAX_IN_FLIGHT", 1, 1024, &cfg->max_in_flight, err, errlen) ||
      get_list(lookup, ud, "CHARTD_API_KEYS", false, cfg->api_keys, sizeof cfg->api_keys, err, errlen) ||
      get_list(lookup, ud, "CHARTD_ALLOWED_ORIGINS", true, cfg->allowed_origins, sizeof cfg->allowed_origins, err,
               errlen) ||
      get_int(lookup, ud, "CHARTD_REDIS_TIMEOUT_MS", 10, 10000, &cfg->redis_timeout_ms, err, errlen) ||
      get_int(lookup, ud, "CHARTD_SESSION_TTL", 60, 2592000, &cfg->session_ttl_s, err, errlen) ||
      get_int(lookup, ud, "CHARTD_SESSION_MAX_KB", 1, 524288, &cfg->session_max_kb, err, errlen) ||
      get_int(lookup, ud, "CHARTD_REDIS_CACHE_TTL", 0, 2592000, &cfg->redis_cache_ttl_s, err, errlen) ||
      get_int(lookup, ud, "CHARTD_REDIS_CACHE_MAX_KB", 1, 524288, &cfg->redis_cache_max_kb, err, errlen) ||
      config_parse_redis_url(cfg, lookup(ud, "REDIS_URL"), err, errlen) ||
      get_data_dir(lookup, ud, cfg->data_dir, sizeof cfg->data_dir, err, errlen) ||
      get_list(lookup, ud, "CHARTD_CORS_ORIGINS", true, cfg->cors_origins, sizeof cfg->cors_origins, err, errlen) ||
      get_list(lookup, ud, "CHARTD_SIGNING_KEYS", false, cfg->signing_keys, sizeof cfg->signing_keys, err, errlen) ||
      get_int(lookup, ud, "CHARTD_CACHE_MB", 0, 65536, &cfg->cache_mb, err, errlen) ||
      get_int(lookup, ud, "CHARTD_CACHE_MAX_AGE", 0, 31536000, &cfg->cache_max_age_s, err, errlen))
    return -1;
  /* Signed chart URLs without keys of their own are signed with the API keys. */
  if (cfg->signing_keys[0] == '\0') memcpy(cfg->signing_keys, cfg->api_keys, sizeof cfg->api_keys);

  /* After SIGTERM, requests in flight get as long as a request may take; on Railway, whose
   * SIGTERM-to-SIGKILL time is RAILWAY_DEPLOYMENT_DRAINING_SECONDS, no longer than fits in it
   * with the close wait. CHARTD_DRAIN_SECONDS says it outright. */
  cfg->drain_s = cfg->timeout_s + 1;
  int railway_drain = -1;
  if (get_int(lookup, ud, "RAILWAY_DEPLOYMENT_DRAINING_SECONDS", 0, 86400, &railway_drain, err, errlen)) return -1;
  if (railway_drain >= 0 && cfg->drain_s > railway_drain - CONFIG_CLOSE_WAIT_S - 1)
    cfg->drain_s = railway_drain > CONFIG_CLOSE_WAIT_S + 1 ? railway_drain - CONFIG_CLOSE_WAIT_S - 1 : 0;
  if (get_int(lookup, ud, "CHARTD_DRAIN_SECONDS", 0, 3600, &cfg->drain_s, err, errlen)) return -1;
  /* Hot reload watches the script folders in development; production only when asked
   * (CHARTD_RELOAD=1). `chartd serve --dev` forces it on; SIGHUP reloads in any case. */
  cfg->reload = strcmp(cfg->app_env, "development") == 0;
  if (get_bool(lookup, ud, "CHARTD_RELOAD", &cfg->reload, err, errlen)) return -1;

  /* The LLM's own deadline leaves the rest of the request's time to plan offline and render. */
  cfg->llm_timeout_s = cfg->timeout_s * 2 / 3;
  if (get_int(lookup, ud, "LLM_TIMEOUT", 1, 299, &cfg->llm_timeout_s, err, errlen)) return -1;
  if (cfg->llm_timeout_s >= cfg->timeout_s) {
    snprintf(err, errlen, "LLM_TIMEOUT=%d is not allowed; allowed 1-%d (below CHART_GENERATION_TIMEOUT, which "
             "also covers the offline fallback and the render)", cfg->llm_timeout_s, cfg->timeout_s - 1);
    return -1;
  }
  /* Set but blank is a mistake (a template's empty line), not a request for the default. */
  const char *model = lookup(ud, "LLM_MODEL");
  if (model && strspn(model, " \t\r\n") == strlen(model)) {
    snprintf(err, errlen, "LLM_MODEL is set but empty; allowed a model name such as gpt-4o-mini (or leave it "
             "unset for the default)");
    return -1;
  }

  /* The listen address: loopback on a developer's machine (a laptop on café Wi-Fi must not
   * expose a server with hot reload), every interface elsewhere (Docker, Railway). */
  snprintf(cfg->bind, sizeof cfg->bind, "%s", strcmp(cfg->app_env, "development") == 0 ? "127.0.0.1" : "0.0.0.0");
  if (get_str(lookup, ud, "CHARTD_BIND", cfg->bind, sizeof cfg->bind, err, errlen)) return -1;
  unsigned char addr[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, cfg->bind, addr) != 1 && inet_pton(AF_INET6, cfg->bind, addr) != 1) {
    snprintf(err, errlen, "CHARTD_BIND=%s is not allowed; allowed an IPv4 or IPv6 address (127.0.0.1, 0.0.0.0, ::1, ::)",
             cfg->bind);
    return -1;
  }

  if (cfg->idle_timeout_s <= cfg->idle_ping_s) {
    snprintf(err, errlen, "CHARTD_IDLE_TIMEOUT=%d is not allowed; allowed more than CHARTD_IDLE_PING (%d)",
             cfg->idle_timeout_s, cfg->idle_ping_s);
    return -1;
  }

  const char *level = lookup(ud, "LOG_LEVEL");
  if (level && *level) {
    size_t i = 0;
    while (i < 4 && strcasecmp(level, LEVEL_NAMES[i]) != 0) i++;
    if (i == 4) {
      snprintf(err, errlen, "LOG_LEVEL=%s is not allowed; allowed DEBUG, INFO, WARNING, ERROR", level);
      return -1;
    }
    cfg->log_level = (enum config_log_level)i;
  }

  if (strcmp(cfg->llm_provider, "auto") && strcmp(cfg->llm_provider, "openai") &&
      strcmp(cfg->llm_provider, "offline")) {
    snprintf(err, errlen, "LLM_PROVIDER=%s is not allowed; allowed auto, openai, offline", cfg->llm_provider);
    return -1;
  }
  if (strncmp(cfg->llm_base_url, "http://", 7) && strncmp(cfg->llm_base_url, "https://", 8)) {
    snprintf(err, errlen, "LLM_BASE_URL=%s is not allowed; allowed an http:// or https:// URL", cfg->llm_base_url);
    return -1;
  }
  const char *key = lookup(ud, "OPENAI_API_KEY");
  cfg->has_api_key = key && *key;
  if (strcmp(cfg->llm_provider, "openai") == 0 && !cfg->has_api_key) {
    snprintf(err, errlen, "LLM_PROVIDER=openai needs OPENAI_API_KEY; allowed auto or offline without a key");
    return -1;
  }
  bool openai = strcmp(cfg->llm_provider, "openai") == 0 ||
                (strcmp(cfg->llm_provider, "auto") == 0 && cfg->has_api_key);
  strcpy(cfg->planner, openai ? "openai" : "offline");
  /* The key goes into an HTTP header: whitespace (a pasted newline) would break or split it.
   * The message never shows the key itself. */
  if (openai) {
    for (const char *c = key; *c; c++)
      if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
        snprintf(err, errlen, "OPENAI_API_KEY contains whitespace at character %d; allowed a key without spaces "
                 "or line breaks", (int)(c - key) + 1);
        return -1;
      }
  }
  return 0;
}

/* Decodes %XX escapes of a URL part into out (cap bytes with the NUL); false when it does not fit. */
static bool url_part(char *out, size_t cap, const char *s, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
      char hex[3] = {s[i + 1], s[i + 2], 0};
      c = (char)strtol(hex, NULL, 16);
      i += 2;
    }
    if (w + 1 >= cap) return false;
    out[w++] = c;
  }
  out[w] = '\0';
  return true;
}

int config_parse_redis_url(struct chartd_config *cfg, const char *url, char *err, size_t errlen) {
  cfg->redis_host[0] = cfg->redis_user[0] = cfg->redis_password[0] = '\0';
  cfg->redis_port = 6379;
  cfg->redis_db = 0;
  if (url == NULL || *url == '\0') return 0;
  static const char WANT[] = "allowed redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0";
  if (strncmp(url, "rediss://", 9) == 0) {
    snprintf(err, errlen, "REDIS_URL uses rediss:// (TLS), which this build does not speak; %s over a private network",
             WANT);
    return -1;
  }
  if (strncmp(url, "redis://", 8) != 0) {
    snprintf(err, errlen, "REDIS_URL does not start with redis://; %s", WANT);
    return -1;
  }
  const char *p = url + 8, *end = p + strcspn(p, "/?#");
  const char *at = NULL;
  for (const char *q = p; q < end; q++)
    if (*q == '@') at = q; /* the last @: a password may hold one */
  if (at) {
    const char *colon = memchr(p, ':', (size_t)(at - p));
    bool ok = colon ? url_part(cfg->redis_user, sizeof cfg->redis_user, p, (size_t)(colon - p)) &&
                          url_part(cfg->redis_password, sizeof cfg->redis_password, colon + 1, (size_t)(at - colon - 1))
                    : url_part(cfg->redis_password, sizeof cfg->redis_password, p, (size_t)(at - p));
    if (!ok) {
      snprintf(err, errlen, "REDIS_URL has a user or password too long (at most %zu and %zu bytes)",
               sizeof cfg->redis_user - 1, sizeof cfg->redis_password - 1);
      return -1;
    }
    p = at + 1;
  }
  const char *host = p, *host_end;
  if (*p == '[') { /* [IPv6]:port */
    host = p + 1;
    host_end = memchr(host, ']', (size_t)(end - host));
    if (host_end == NULL) host_end = host;
    p = host_end + (host_end < end);
  } else {
    host_end = memchr(p, ':', (size_t)(end - p));
    if (host_end == NULL) host_end = end;
    p = host_end;
  }
  if (host_end == host || (size_t)(host_end - host) >= sizeof cfg->redis_host) {
    snprintf(err, errlen, "REDIS_URL names no host (or one longer than %zu bytes); %s", sizeof cfg->redis_host - 1,
             WANT);
    return -1;
  }
  memcpy(cfg->redis_host, host, (size_t)(host_end - host));
  cfg->redis_host[host_end - host] = '\0';
  if (p < end && *p == ':') {
    char *stop;
    long port = strtol(p + 1, &stop, 10);
    if (stop == p + 1 || stop != end || port < 1 || port > 65535) {
      snprintf(err, errlen, "REDIS_URL has a port that is not 1-65535; %s", WANT);
      cfg->redis_host[0] = '\0';
      return -1;
    }
    cfg->redis_port = (int)port;
  } else if (p != end) {
    snprintf(err, errlen, "REDIS_URL cannot be read after the host; %s", WANT);
    cfg->redis_host[0] = '\0';
    return -1;
  }
  if (*end == '/' && end[1] && end[1] != '?' && end[1] != '#') {
    char *stop;
    long db = strtol(end + 1, &stop, 10);
    if (stop == end + 1 || (*stop && *stop != '?' && *stop != '#') || db < 0 || db > 15) {
      snprintf(err, errlen, "REDIS_URL has a database number that is not 0-15; %s", WANT);
      cfg->redis_host[0] = '\0';
      return -1;
    }
    cfg->redis_db = (int)db;
  }
  return 0;
}
