/* A chart URL's query (GET /v1/charts?spec=…): its parameters decoded, the canonical form a signature covers, and HMAC-SHA256 signing and checking.
 *
 * The one home of the rule, used by the server (src/http_routes.c checks a GET before it is
 * queued; src/request_ctx.c hands the decoded parameters to the script) and by `chartd sign`
 * (src/sign.c). docs/protocol.md ("Chart URLs") states the same rule for other languages:
 *
 *   canonical = "/v1/charts?" + the parameters other than `sig`, each name=value with both
 *               percent-encoded (every byte but A-Z a-z 0-9 - . _ ~ as %XX, upper case),
 *               sorted by name then value (bytewise), joined by "&"
 *   sig       = lower-case hex of HMAC-SHA256(signing key, canonical)
 *   exp       = optional Unix time in seconds after which the signature is refused
 *
 * Pure C on OpenSSL's libcrypto; no lws, no Lua. Any thread. */
#ifndef CHARTD_CHART_URL_H
#define CHARTD_CHART_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CHART_URL_PATH "/v1/charts"
#define CHART_URL_MAX_PARAMS 32

struct query_param {
  char *name, *value; /* decoded, NUL-terminated (a decoded NUL byte is refused) */
  size_t name_len, value_len;
};

struct query {
  struct query_param params[CHART_URL_MAX_PARAMS];
  int n;
};

/* Splits and decodes a query string (without the "?"): "&"-separated name=value pairs, %XX
 * escapes and "+" as a space (as HTML forms and URLSearchParams write it); an empty piece
 * ("a=1&&b=2") is skipped. Returns 0, or -1 with err naming the parameter (a bad %XX escape,
 * an encoded NUL, more than CHART_URL_MAX_PARAMS parameters). Free with query_free even on
 * failure. */
int query_parse(const char *text, size_t len, struct query *out, char *err, size_t errlen);
void query_free(struct query *q);

/* The value of the first parameter called name, or NULL. */
const char *query_get(const struct query *q, const char *name);

/* Sets name to value (copies; replaces every parameter of that name), or with value NULL
 * removes them. Returns 0, -1 when out of memory or past CHART_URL_MAX_PARAMS. */
int query_set(struct query *q, const char *name, const char *value, size_t value_len);

/* The canonical string a signature covers (malloc'ed), or NULL when out of memory. */
char *query_canonical(const struct query *q);

/* hex[65] = the signature of q's canonical string under key[0..keylen). Returns 0, -1 when out
 * of memory. */
int chart_url_sign(const struct query *q, const char *key, size_t keylen, char hex[65]);

enum chart_url_verdict {
  CHART_URL_SIGNED,      /* sig matches one of the keys and exp (if any) is in the future */
  CHART_URL_UNSIGNED,    /* no sig parameter */
  CHART_URL_BAD_SIG,     /* sig is there but matches no key */
  CHART_URL_BAD_EXP,     /* exp is not a whole number of seconds */
  CHART_URL_EXPIRED,     /* exp is in the past */
};

/* Checks q's sig against every key of the comma-separated list keys (constant time per key,
 * every key tried). now: the current Unix time. */
enum chart_url_verdict chart_url_verify(const struct query *q, const char *keys, time_t now);

#endif
