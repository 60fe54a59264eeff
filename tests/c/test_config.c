/* Tests the pure configuration parser: defaults, PORT over WEBSOCKET_PORT, each rule's exact message, .env text. */
#include <stdio.h>
#include <string.h>

#include "config.h"

static int failures;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      failures++;                                          \
      fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);      \
      fprintf(stderr, __VA_ARGS__);                        \
      fputc('\n', stderr);                                 \
    }                                                      \
  } while (0)

/* A fake environment: NULL-terminated name, value pairs. */
static const char *lookup(void *ud, const char *name) {
  const char **kv = ud;
  for (; kv[0]; kv += 2)
    if (strcmp(kv[0], name) == 0) return kv[1];
  return NULL;
}

static void expect_error(const char **env, const char *want) {
  struct chartd_config cfg;
  char err[256] = "";
  int rc = config_parse(&cfg, lookup, env, 4, err, sizeof err);
  CHECK(rc == -1, "expected failure for %s", want);
  CHECK(strcmp(err, want) == 0, "got \"%s\", want \"%s\"", err, want);
}

struct collected {
  char keys[8][32], values[8][64];
  int n;
};

static void collect(void *ud, const char *key, const char *value) {
  struct collected *c = ud;
  snprintf(c->keys[c->n], sizeof c->keys[0], "%s", key);
  snprintf(c->values[c->n], sizeof c->values[0], "%s", value);
  c->n++;
}

int main(void) {
  struct chartd_config cfg;
  char err[256];

  const char *none[] = {NULL};
  CHECK(config_parse(&cfg, lookup, none, 4, err, sizeof err) == 0, "defaults: %s", err);
  CHECK(cfg.port == 8080 && cfg.max_connections == 100 && cfg.timeout_s == 30 && cfg.max_chart_mb == 10 &&
            cfg.max_retries == 3 && cfg.workers == 4 && cfg.max_request_kb == 12288 && cfg.conversation_mb == 256 && cfg.log_level == CONFIG_LOG_INFO,
        "default values");
  CHECK(cfg.idle_ping_s == 30 && cfg.idle_timeout_s == 70 && cfg.send_timeout_s == 30, "default timeouts");
  CHECK(strcmp(cfg.planner, "offline") == 0 && !cfg.has_api_key, "offline without a key");

  /* REDIS_URL: the shapes Railway, Compose and a laptop use; the password never in an error. */
  CHECK(cfg.redis_host[0] == '\0' && cfg.redis_timeout_ms == 250 && cfg.session_ttl_s == 86400 &&
            cfg.session_max_kb == 4096 && cfg.redis_cache_ttl_s == 3600 && cfg.redis_cache_max_kb == 1024,
        "no Redis by default");
  const char *railway[] = {"REDIS_URL", "redis://default:p%40ss:w@redis.railway.internal:6380/2", NULL};
  CHECK(config_parse(&cfg, lookup, railway, 4, err, sizeof err) == 0, "railway url: %s", err);
  CHECK(strcmp(cfg.redis_host, "redis.railway.internal") == 0 && cfg.redis_port == 6380 && cfg.redis_db == 2 &&
            strcmp(cfg.redis_user, "default") == 0 && strcmp(cfg.redis_password, "p@ss:w") == 0,
        "railway url parts: %s %d %d %s", cfg.redis_host, cfg.redis_port, cfg.redis_db, cfg.redis_user);
  const char *plain[] = {"REDIS_URL", "redis://127.0.0.1", NULL};
  CHECK(config_parse(&cfg, lookup, plain, 4, err, sizeof err) == 0 && strcmp(cfg.redis_host, "127.0.0.1") == 0 &&
            cfg.redis_port == 6379 && cfg.redis_db == 0 && cfg.redis_password[0] == '\0',
        "plain url");
  const char *v6[] = {"REDIS_URL", "redis://:secret@[::1]:7000/", NULL};
  CHECK(config_parse(&cfg, lookup, v6, 4, err, sizeof err) == 0 && strcmp(cfg.redis_host, "::1") == 0 &&
            cfg.redis_port == 7000 && strcmp(cfg.redis_password, "secret") == 0 && cfg.redis_user[0] == '\0',
        "ipv6 url: %s", err);
  const char *https[] = {"REDIS_URL", "https://x:secret@h", NULL};
  expect_error(https, "REDIS_URL does not start with redis://; allowed redis://[[user]:password@]host[:port][/db], "
                      "e.g. redis://127.0.0.1:6379/0");
  const char *tls[] = {"REDIS_URL", "rediss://h:1", NULL};
  expect_error(tls, "REDIS_URL uses rediss:// (TLS), which this build does not speak; allowed "
                    "redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0 over a private network");
  const char *badport[] = {"REDIS_URL", "redis://:secret@h:99999", NULL};
  expect_error(badport, "REDIS_URL has a port that is not 1-65535; allowed redis://[[user]:password@]host[:port][/db], "
                        "e.g. redis://127.0.0.1:6379/0");
  const char *nohost[] = {"REDIS_URL", "redis://:secret@/1", NULL};
  expect_error(nohost, "REDIS_URL names no host (or one longer than 255 bytes); allowed "
                       "redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0");
  const char *baddb[] = {"REDIS_URL", "redis://h/16", NULL};
  expect_error(baddb, "REDIS_URL has a database number that is not 0-15; allowed "
                      "redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0");
  const char *ttl[] = {"CHARTD_SESSION_TTL", "5", NULL};
  expect_error(ttl, "CHARTD_SESSION_TTL=5 is out of range; allowed 60-2592000");
  const char *cache_kb[] = {"CHARTD_REDIS_CACHE_MAX_KB", "0", NULL};
  expect_error(cache_kb, "CHARTD_REDIS_CACHE_MAX_KB=0 is out of range; allowed 1-524288");

  const char *port[] = {"WEBSOCKET_PORT", "9000", "PORT", "9100", "OPENAI_API_KEY", "sk-test", "LOG_LEVEL", "warning", NULL};
  CHECK(config_parse(&cfg, lookup, port, 2, err, sizeof err) == 0, "port: %s", err);
  CHECK(cfg.port == 9100, "PORT wins: %d", cfg.port);
  CHECK(strcmp(cfg.planner, "openai") == 0, "auto + key = openai");
  CHECK(cfg.log_level == CONFIG_LOG_WARNING, "LOG_LEVEL is case-insensitive");

  const char *offline[] = {"OPENAI_API_KEY", "sk-test", "LLM_PROVIDER", "offline", NULL};
  CHECK(config_parse(&cfg, lookup, offline, 2, err, sizeof err) == 0 && strcmp(cfg.planner, "offline") == 0,
        "LLM_PROVIDER=offline wins over a key");

  expect_error((const char *[]){"WEBSOCKET_PORT", "80", NULL}, "WEBSOCKET_PORT=80 is out of range; allowed 1024-65535");
  expect_error((const char *[]){"PORT", "65536", NULL}, "PORT=65536 is out of range; allowed 1024-65535");
  expect_error((const char *[]){"WEBSOCKET_PORT", "80x", NULL}, "WEBSOCKET_PORT=80x is not an integer; allowed 1024-65535");
  expect_error((const char *[]){"CHART_GENERATION_TIMEOUT", "4", NULL},
               "CHART_GENERATION_TIMEOUT=4 is out of range; allowed 5-300");
  expect_error((const char *[]){"MAX_CHART_SIZE_MB", "0", NULL}, "MAX_CHART_SIZE_MB=0 is out of range; allowed 1-1024");
  expect_error((const char *[]){"CHARTD_SEND_TIMEOUT", "0", NULL}, "CHARTD_SEND_TIMEOUT=0 is out of range; allowed 1-3600");
  expect_error((const char *[]){"CHARTD_SEND_TIMEOUT", "30s", NULL},
               "CHARTD_SEND_TIMEOUT=30s is not an integer; allowed 1-3600");
  expect_error((const char *[]){"LOG_LEVEL", "TRACE", NULL},
               "LOG_LEVEL=TRACE is not allowed; allowed DEBUG, INFO, WARNING, ERROR");
  CHECK(cfg.llm_timeout_s == 20 && cfg.llm_seed == 1 && cfg.llm_temperature == 0,
        "LLM defaults: timeout %d (2/3 of 30), seed %d, temperature %g", cfg.llm_timeout_s, cfg.llm_seed,
        cfg.llm_temperature);
  expect_error((const char *[]){"LLM_MODEL", "  ", NULL},
               "LLM_MODEL is set but empty; allowed a model name such as gpt-4o-mini (or leave it unset for the default)");
  expect_error((const char *[]){"LLM_TIMEOUT", "30", NULL},
               "LLM_TIMEOUT=30 is not allowed; allowed 1-29 (below CHART_GENERATION_TIMEOUT, which also covers the "
               "offline fallback and the render)");
  expect_error((const char *[]){"LLM_TEMPERATURE", "2.5", NULL}, "LLM_TEMPERATURE=2.5 is not allowed; allowed a number from 0 to 2");
  expect_error((const char *[]){"LLM_SEED", "-1", NULL}, "LLM_SEED=-1 is out of range; allowed 0-2147483647");
  /* CHARTD_DATA_DIR: unset = no data folder; an existing folder is kept as its real path. */
  CHECK(cfg.data_dir[0] == '\0', "no data folder by default");
  const char *data_dir[] = {"CHARTD_DATA_DIR", "/tmp/../tmp/", NULL};
  CHECK(config_parse(&cfg, lookup, data_dir, 4, err, sizeof err) == 0, "data dir: %s", err);
  CHECK(strcmp(cfg.data_dir, "/tmp") == 0, "data dir resolved: %s", cfg.data_dir);
  expect_error((const char *[]){"CHARTD_DATA_DIR", "/nonexistent-chartd-data", NULL},
               "CHARTD_DATA_DIR=/nonexistent-chartd-data is not allowed; allowed an existing folder");
  expect_error((const char *[]){"CHARTD_DATA_DIR", "/etc/hostname", NULL},
               "CHARTD_DATA_DIR=/etc/hostname is not allowed; allowed an existing folder");
  expect_error((const char *[]){"LLM_BASE_URL", "ftp://x", NULL},
               "LLM_BASE_URL=ftp://x is not allowed; allowed an http:// or https:// URL");

  /* chart URLs and the render cache */
  CHECK(config_parse(&cfg, lookup, none, 4, err, sizeof err) == 0, "defaults: %s", err);
  CHECK(cfg.cache_mb == 64 && cfg.cache_max_age_s == 86400 && cfg.cors_origins[0] == '\0' && cfg.signing_keys[0] == '\0',
        "cache and CORS defaults");
  CHECK(cfg.drain_s == 31, "drain: the request timeout + 1 s, got %d", cfg.drain_s);
  const char *keys[] = {"CHARTD_API_KEYS", "k1,k2", "CHARTD_CORS_ORIGINS", "*", NULL};
  CHECK(config_parse(&cfg, lookup, keys, 4, err, sizeof err) == 0, "keys: %s", err);
  CHECK(strcmp(cfg.signing_keys, "k1,k2") == 0 && strcmp(cfg.cors_origins, "*") == 0, "signing keys default to the API keys");
  const char *own[] = {"CHARTD_API_KEYS", "k1", "CHARTD_SIGNING_KEYS", "s1", NULL};
  CHECK(config_parse(&cfg, lookup, own, 4, err, sizeof err) == 0 && strcmp(cfg.signing_keys, "s1") == 0, "own signing keys");
  expect_error((const char *[]){"CHARTD_SIGNING_KEYS", "a, b", NULL},
               "CHARTD_SIGNING_KEYS entry 2 contains whitespace; allowed a comma-separated list without spaces");
  expect_error((const char *[]){"CHARTD_CACHE_MB", "-1", NULL}, "CHARTD_CACHE_MB=-1 is out of range; allowed 0-65536");
  /* Railway's SIGTERM-to-SIGKILL time bounds the drain; CHARTD_DRAIN_SECONDS says it outright */
  const char *railway_drain[] = {"RAILWAY_DEPLOYMENT_DRAINING_SECONDS", "20", NULL};
  CHECK(config_parse(&cfg, lookup, railway_drain, 4, err, sizeof err) == 0 && cfg.drain_s == 16, "fits Railway: %d", cfg.drain_s);
  const char *roomy[] = {"RAILWAY_DEPLOYMENT_DRAINING_SECONDS", "120", NULL};
  CHECK(config_parse(&cfg, lookup, roomy, 4, err, sizeof err) == 0 && cfg.drain_s == 31, "room on Railway: %d", cfg.drain_s);
  const char *drain[] = {"RAILWAY_DEPLOYMENT_DRAINING_SECONDS", "20", "CHARTD_DRAIN_SECONDS", "60", NULL};
  CHECK(config_parse(&cfg, lookup, drain, 4, err, sizeof err) == 0 && cfg.drain_s == 60, "explicit drain: %d", cfg.drain_s);

  /* names that look like mistakes: a letter or two off a setting, or unknown in chartd's namespaces */
  char warnings[1024];
  const char *names[] = {"WEBSOKET_PORT", "PATH", "HOST", "LOGLEVEL", "CHARTD_CACHE_SIZE", "LLM_MODLE", "LLM_MODEL",
                         "OPENAI_APIKEY", "RAILWAY_ENVIRONMENT_ID", "CHARTD_BIN", "CHARTD_WORKER", "HOME", "PWD"};
  int nw = config_name_warnings(names, sizeof names / sizeof names[0], warnings, sizeof warnings);
  CHECK(nw == 6, "six warnings, got %d: %s", nw, warnings);
  CHECK(strcmp(warnings,
               "WEBSOKET_PORT is not a chartd setting; did you mean WEBSOCKET_PORT?\n"
               "LOGLEVEL is not a chartd setting; did you mean LOG_LEVEL?\n"
               "CHARTD_CACHE_SIZE is not a chartd setting; the settings are listed in .env.example\n"
               "LLM_MODLE is not a chartd setting; did you mean LLM_MODEL?\n"
               "OPENAI_APIKEY is not a chartd setting; did you mean OPENAI_API_KEY?\n"
               "CHARTD_WORKER is not a chartd setting; did you mean CHARTD_WORKERS?\n") == 0,
        "warnings: %s", warnings);

  struct collected c = {0};
  const char *text = "# comment\n\nexport A=1\nB = \"two words\" \nC='it''s'\nD=plain # trailing\nE=\n";
  CHECK(config_parse_dotenv(text, collect, &c, err, sizeof err) == 5, "five entries: %s", err);
  CHECK(strcmp(c.keys[0], "A") == 0 && strcmp(c.values[0], "1") == 0, "export A=1");
  CHECK(strcmp(c.values[1], "two words") == 0, "double quotes: [%s]", c.values[1]);
  CHECK(strcmp(c.values[3], "plain") == 0, "trailing comment: [%s]", c.values[3]);
  CHECK(strcmp(c.keys[4], "E") == 0 && c.values[4][0] == '\0', "empty value");
  c.n = 0;
  CHECK(config_parse_dotenv("A=1\n=2\n", collect, &c, err, sizeof err) == -1, "missing key");
  CHECK(strcmp(err, "line 2: expected KEY=VALUE") == 0, "dotenv error: %s", err);

  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
