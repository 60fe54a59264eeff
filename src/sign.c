/* `chartd sign`: a chart URL for a spec (base64url in `spec`) or a query, signed with the first signing key (src/chart_url.c has the rule). */
#include "sign.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <lua.h>

#include "base64.h"
#include "chart_url.h"
#include "http_head.h"
#include "runtime.h"
#include "state.h"

static const char USAGE[] =
    "usage: chartd sign SPEC.json|-|QUERY [--format png|svg|pdf] [--theme NAME] [--width PX] [--height PX]\n"
    "                   [--scale S] [--expires SECONDS] [--base URL]\n"
    "Prints a chart URL (GET /v1/charts) that a server with API keys serves without a key: its\n"
    "query signed with HMAC-SHA256 under the first of CHARTD_SIGNING_KEYS (else of CHARTD_API_KEYS),\n"
    "read from the environment or .env like `chartd serve`. SPEC.json (or - for stdin) goes into\n"
    "`spec` as base64url; a QUERY (\"spec=...&format=svg\", or a whole chart URL) keeps its\n"
    "parameters. --expires makes the signature stop working after that many seconds (`exp`).\n"
    "--base is where the server is (default http://localhost:PORT, or the URL's own).\n"
    "The chart is drawn once before it is signed: a spec the server would refuse is not signed.\n"
    "Exit codes: 0 printed, 1 the input cannot be read, the chart does not draw or the URL is too\n"
    "long, 2 usage or no key.\n";

/* Whether the chart q stands for draws, as GET /v1/charts would draw it (lua/commands/
 * sign_check.lua says why not on stderr): a signed URL in an <img> must not answer an error. */
static bool draws(const struct chartd_config *cfg, const struct query *q) {
  char err[256];
  lua_State *L = runtime_new_state(runtime_home(), err, sizeof err);
  if (L == NULL) {
    fprintf(stderr, "chartd sign: %s\n", err);
    return false;
  }
  state_publish_config(L, cfg); /* the limits the server draws under */
  char *argv[2 * CHART_URL_MAX_PARAMS];
  int argc = 0;
  for (int i = 0; i < q->n; i++) {
    argv[argc++] = q->params[i].name;
    argv[argc++] = q->params[i].value;
  }
  int rc = runtime_call(L, "commands.sign_check", "main", argc, argv);
  lua_close(L);
  return rc == 0;
}

/* The whole of f (NUL-terminated), or NULL. */
static char *slurp(FILE *f, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    char *grown = cap < ((size_t)64 << 20) ? realloc(buf, cap * 2 + 1) : NULL;
    if (grown == NULL) {
      free(buf);
      return NULL;
    }
    buf = grown;
    cap *= 2;
  }
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

/* JSON without the blanks between tokens (those inside strings stay): a shorter URL. */
static size_t minify(char *json, size_t len) {
  size_t w = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < len; i++) {
    char c = json[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else if (c == '"') {
      in_string = true;
    }
    json[w++] = c;
  }
  return w;
}

static char *base64url(const char *in, size_t len) {
  size_t n = base64_encoded_len(len);
  char *out = malloc(n + 1);
  if (out == NULL) return NULL;
  base64_encode((const unsigned char *)in, len, out);
  while (n > 0 && out[n - 1] == '=') n--;
  out[n] = '\0';
  for (char *c = out; *c; c++) *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
  return out;
}

static int fail(int code, const char *what) {
  fprintf(stderr, "chartd sign: %s\n", what);
  return code;
}

int sign_command(const struct chartd_config *cfg, int argc, char **argv) {
  static const char *const OPTIONS[] = {"format", "theme", "width", "height", "scale"};
  const char *input = NULL, *values[5] = {0}, *base = NULL, *expires = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(USAGE, stdout);
      return 0;
    }
    bool known = false;
    for (size_t k = 0; k < 5 && !known; k++) {
      if (strncmp(a, "--", 2) == 0 && strcmp(a + 2, OPTIONS[k]) == 0) {
        if (i + 1 == argc) return fail(2, "an option needs a value (see chartd sign --help)");
        values[k] = argv[++i];
        known = true;
      }
    }
    if (known) continue;
    if (strcmp(a, "--base") == 0 || strcmp(a, "--expires") == 0) {
      if (i + 1 == argc) return fail(2, "an option needs a value (see chartd sign --help)");
      *(strcmp(a, "--base") == 0 ? &base : &expires) = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "chartd sign: unknown option %s\n%s", a, USAGE);
      return 2;
    } else if (input == NULL) {
      input = a;
    } else {
      return fail(2, "expected one SPEC.json, - or QUERY (see chartd sign --help)");
    }
  }
  if (input == NULL) {
    fprintf(stderr, "chartd sign: expected a SPEC.json, - or QUERY\n%s", USAGE);
    return 2;
  }
  if (cfg->signing_keys[0] == '\0')
    return fail(2, "no signing key: set CHARTD_SIGNING_KEYS (or CHARTD_API_KEYS) in the environment or .env");
  long long lifetime = 0;
  if (expires) {
    char *end = NULL;
    lifetime = strtoll(expires, &end, 10);
    if (end == expires || *end != '\0' || lifetime <= 0) return fail(2, "--expires: a number of seconds above 0");
  }

  struct query q = {.n = 0};
  char err[200], default_base[64], url_base[512] = "";
  struct stat st;
  int rc = 0;
  if (strcmp(input, "-") == 0 || (stat(input, &st) == 0 && S_ISREG(st.st_mode))) {
    FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
    size_t len = 0;
    char *text = f ? slurp(f, &len) : NULL;
    if (f && f != stdin) fclose(f);
    if (text == NULL) {
      snprintf(err, sizeof err, "%s: cannot be read", input);
      return fail(1, err);
    }
    len = minify(text, len);
    char *b64 = len && text[0] == '{' ? base64url(text, len) : NULL;
    free(text);
    if (b64 == NULL) {
      snprintf(err, sizeof err, "%s: not a chart spec (a JSON object)", input);
      return fail(1, err);
    }
    rc = query_set(&q, "spec", b64, strlen(b64));
    free(b64);
  } else if (strchr(input, '=')) {
    const char *query = strchr(input, '?') ? strchr(input, '?') + 1 : input;
    if (query != input) { /* a whole URL: its scheme and host are the base */
      const char *path = strstr(input, "/v1/charts");
      size_t n = path ? (size_t)(path - input) : 0;
      if (n >= sizeof url_base) n = 0;
      memcpy(url_base, input, n);
      url_base[n] = '\0';
    }
    if (query_parse(query, strlen(query), &q, err, sizeof err) != 0) {
      query_free(&q);
      return fail(1, err);
    }
    if (query_get(&q, "spec") == NULL) {
      query_free(&q);
      return fail(1, "the query has no spec parameter");
    }
    query_set(&q, "sig", NULL, 0);
    query_set(&q, "exp", NULL, 0);
  } else {
    snprintf(err, sizeof err, "%s: no such file, and not a query (name=value&...)", input);
    return fail(1, err);
  }
  for (size_t k = 0; k < 5 && rc == 0; k++)
    if (values[k]) rc = query_set(&q, OPTIONS[k], values[k], strlen(values[k]));
  if (rc == 0 && expires) {
    char exp[32];
    snprintf(exp, sizeof exp, "%lld", (long long)time(NULL) + lifetime);
    rc = query_set(&q, "exp", exp, strlen(exp));
  }
  char hex[65];
  size_t keylen = strcspn(cfg->signing_keys, ",");
  char *canonical = rc == 0 ? query_canonical(&q) : NULL;
  if (canonical == NULL || chart_url_sign(&q, cfg->signing_keys, keylen, hex) != 0) {
    free(canonical);
    query_free(&q);
    return fail(1, "out of memory");
  }
  snprintf(default_base, sizeof default_base, "http://localhost:%d", cfg->port);
  const char *prefix = base ? base : url_base[0] ? url_base : default_base;
  size_t plen = strlen(prefix);
  while (plen > 0 && prefix[plen - 1] == '/') plen--;
  /* "GET " + target + " HTTP/1.1" must fit the request line the server reads */
  size_t target = strlen(canonical) + 5 + 64;
  if (target + 13 > HTTP_MAX_LINE) {
    snprintf(err, sizeof err, "the chart URL would be %zu bytes, over the 8 KiB a request line may have; "
             "POST the spec to /v1/charts instead", target);
    free(canonical);
    query_free(&q);
    return fail(1, err);
  }
  bool ok = draws(cfg, &q);
  query_free(&q);
  if (!ok) {
    free(canonical);
    return 1;
  }
  printf("%.*s%s&sig=%s\n", (int)plen, prefix, canonical, hex);
  free(canonical);
  return 0;
}
