/* chartd's configuration: environment variables plus a .env file, parsed and validated. */
#ifndef CHARTD_CONFIG_H
#define CHARTD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum config_log_level { CONFIG_LOG_DEBUG, CONFIG_LOG_INFO, CONFIG_LOG_WARNING, CONFIG_LOG_ERROR };

struct chartd_config {
  int port;                 /* PORT wins over WEBSOCKET_PORT; 1024-65535 */
  char bind[64];            /* CHARTD_BIND: listen address; 127.0.0.1 in development, else 0.0.0.0 */
  int max_connections;      /* MAX_CONCURRENT_CONNECTIONS: WebSockets open at once */
  int timeout_s;            /* CHART_GENERATION_TIMEOUT: whole request, 5-300 */
  int max_chart_mb;         /* MAX_CHART_SIZE_MB: encoded image cap */
  int max_retries;          /* MAX_RETRIES: LLM retries */
  int llm_timeout_s;        /* LLM_TIMEOUT: the LLM's own deadline, below CHART_GENERATION_TIMEOUT (default 2/3 of it) */
  double llm_temperature;   /* LLM_TEMPERATURE: 0-2, default 0 (the same request plans alike) */
  int llm_seed;             /* LLM_SEED: sent as `seed`, 0-2147483647, default 1 */
  int workers;              /* CHARTD_WORKERS: worker threads, default = cores */
  int max_request_kb;       /* MAX_REQUEST_KB: inbound message / POST body cap */
  int conversation_mb;      /* CHARTD_CONVERSATION_MB: data all conversations may keep together */
  enum config_log_level log_level;
  bool debug;
  bool test_hooks;          /* CHARTD_TEST_HOOKS=1: lets tests slow a request down (never in production) */
  bool reload;              /* hot reload watches lua/, prompts/, themes/: APP_ENV=development, or CHARTD_RELOAD */
  bool has_api_key;         /* the key itself is never copied: Lua reads it from the environment */
  char llm_provider[16];    /* auto | openai | offline, as configured */
  char planner[16];         /* openai | offline, as resolved */
  char llm_model[128];
  char llm_base_url[512];
  char app_env[64];
  char railway_env[64];
  /* Access control (off when unset). Keys are never logged or echoed in errors. */
  char api_keys[2048];      /* CHARTD_API_KEYS: comma-separated bearer keys */
  char allowed_origins[2048]; /* CHARTD_ALLOWED_ORIGINS: comma-separated exact Origin values */
  int rate_limit;           /* CHARTD_RATE_LIMIT: chart requests per minute per client (API key, else session), 0 = off */
  int idle_ping_s;          /* CHARTD_IDLE_PING: seconds of silence before a WebSocket gets a ping */
  int idle_timeout_s;       /* CHARTD_IDLE_TIMEOUT: seconds of silence (no pong) before it is dropped */
  int send_timeout_s;       /* CHARTD_SEND_TIMEOUT: seconds a WebSocket's unsent replies may make no progress */
  char data_dir[1024];      /* CHARTD_DATA_DIR: the folder a Vega-Lite data.url names files in (resolved);
                               empty = data.url is refused */
  int max_in_flight;        /* CHARTD_MAX_IN_FLIGHT: one connection's requests queued + running */
  int max_pixels;           /* CHARTD_MAX_PIXELS: width × height × scale² of one render */
  int script_budget_ms;     /* CHARTD_SCRIPT_BUDGET_MS: CPU time to load the scripts into a state, and for the self-test */
  /* Shared state across replicas (REDIS_URL; docs/deploy.md). redis_host empty = in-process only. */
  char redis_host[256];     /* from REDIS_URL=redis://[[user]:password@]host[:port][/db] */
  int redis_port;
  int redis_db;
  char redis_user[128];
  char redis_password[256]; /* never logged */
  int redis_timeout_ms;     /* CHARTD_REDIS_TIMEOUT_MS: a command slower than this counts Redis as down */
  int session_ttl_s;        /* CHARTD_SESSION_TTL: seconds a session outlives its last request */
  int session_max_kb;       /* CHARTD_SESSION_MAX_KB: one session's state + data kept in Redis */
  /* Chart URLs and caching (GET /v1/charts, docs/protocol.md "Chart URLs") */
  char cors_origins[2048];  /* CHARTD_CORS_ORIGINS: origins whose pages may read /v1 answers ("*" = any); empty = none */
  char signing_keys[2048];  /* CHARTD_SIGNING_KEYS: keys of chart URL signatures (the first signs); default the API keys */
  int cache_mb;             /* CHARTD_CACHE_MB: the render cache's size, 0 = off */
  int cache_max_age_s;      /* CHARTD_CACHE_MAX_AGE: Cache-Control max-age of a rendered image */
  int drain_s;              /* CHARTD_DRAIN_SECONDS: how long requests in flight may finish after SIGTERM */
  /* Variables that look like a mistaken name (WEBSOKET_PORT), one line each; set by config_load. */
  char warnings[1024];
  int redis_cache_ttl_s;    /* CHARTD_REDIS_CACHE_TTL: seconds a rendered chart stays in Redis; 0 = not shared */
  int redis_cache_max_kb;   /* CHARTD_REDIS_CACHE_MAX_KB: larger charts are cached in this process only */
};

/* Parses a redis:// URL into cfg's redis_* fields; returns 0, or -1 with err naming what is
 * wrong (the password is never shown). An empty url leaves Redis off. */
int config_parse_redis_url(struct chartd_config *cfg, const char *url, char *err, size_t errlen);

/* After the drain, how long clients get to close their WebSockets (server.c) before exit: a
 * platform's SIGTERM-to-SIGKILL time (Railway's drainingSeconds) should cover both. */
#define CONFIG_CLOSE_WAIT_S 3

/* Looks a variable up; returns NULL when it is unset. */
typedef const char *(*config_lookup_fn)(void *ud, const char *name);

/* Fills cfg from lookup (pure: no environment, no files). Returns 0, or -1 with one line
 * in err naming the variable, its value and what is allowed ("WEBSOCKET_PORT=80 is out of
 * range; allowed 1024-65535"). default_workers is used when CHARTD_WORKERS is unset. */
int config_parse(struct chartd_config *cfg, config_lookup_fn lookup, void *ud, int default_workers,
                 char *err, size_t errlen);

/* Parses .env text: KEY=VALUE lines, `#` comments, optional `export `, values optionally in
 * single or double quotes. Calls set(ud, key, value) for each entry; returns the number of
 * entries, or -1 with "line N: ..." in err for a malformed line. */
int config_parse_dotenv(const char *text, void (*set)(void *ud, const char *key, const char *value),
                        void *ud, char *err, size_t errlen);

/* Reads dotenv_path (missing file = fine) into the process environment without overriding
 * variables already set, then parses the environment. Returns 0, or -1 with err. */
int config_load(struct chartd_config *cfg, const char *dotenv_path, char *err, size_t errlen);

const char *config_log_level_name(enum config_log_level level);

/* Names among names[0..n) that look like a mistaken chartd setting, one line each into out
 * ("WEBSOKET_PORT is not a chartd setting; did you mean WEBSOCKET_PORT?"): an unknown name a
 * letter or two from a known one, or any unknown name in chartd's namespaces (CHARTD_, LLM_).
 * Known: every name config_parse reads, CHARTD_HOME, and the variables chartd's own test
 * runner sets around it. Returns the number of warnings. */
int config_name_warnings(const char *const *names, size_t n, char *out, size_t outlen);

#endif
