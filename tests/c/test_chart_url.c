/* Tests src/chart_url.c: query decoding, the canonical form, signatures against Python's hmac (values computed there), expiry. */
#include <stdlib.h>
#include <string.h>

#include "chart_url.h"
#include "check.h"

static struct query parse_ok(const char *text) {
  struct query q;
  char err[128] = "";
  int rc = query_parse(text, strlen(text), &q, err, sizeof err);
  if (rc != 0) fprintf(stderr, "query_parse(%s): %s\n", text, err);
  CHECK_INT(rc, 0);
  return q;
}

static void parse_fails(const char *text, const char *want) {
  struct query q;
  char err[128] = "";
  CHECK_INT(query_parse(text, strlen(text), &q, err, sizeof err), -1);
  CHECK_STR(err, want);
  query_free(&q);
}

int main(void) {
  /* decoding: %XX, + as space, empty pieces skipped, a name without = has an empty value */
  struct query q = parse_ok("spec=%7B%22a%22%3A1%7D&&theme=dark+blue&flag&x=%e2%82%ac");
  CHECK_INT(q.n, 4);
  CHECK_STR(query_get(&q, "spec"), "{\"a\":1}");
  CHECK_STR(query_get(&q, "theme"), "dark blue");
  CHECK_STR(query_get(&q, "flag"), "");
  CHECK_STR(query_get(&q, "x"), "\xe2\x82\xac");
  CHECK(query_get(&q, "nope") == NULL);
  query_free(&q);

  parse_fails("spec=%7", "spec: the value has a % that is not followed by two hex digits");
  parse_fails("spec=%zz", "spec: the value has a % that is not followed by two hex digits");
  parse_fails("a%00=1", "a parameter name has an encoded NUL byte (%00)");
  parse_fails("a=%00", "a: the value has an encoded NUL byte (%00)");
  char many[400] = "";
  for (int i = 0; i < CHART_URL_MAX_PARAMS + 1; i++) strcat(many, "a=1&");
  parse_fails(many, "the query has more than 32 parameters");

  /* canonical: sig left out, sorted by name then value, every reserved byte encoded */
  q = parse_ok("spec=%7B%22type%22%3A+%22bar%22%7D&sig=abc&format=svg&exp=2000000000");
  char *c = query_canonical(&q);
  CHECK_STR(c, "/v1/charts?exp=2000000000&format=svg&spec=%7B%22type%22%3A%20%22bar%22%7D");
  free(c);
  /* the same parameters in another order and another (equivalent) encoding: the same string */
  struct query q2 = parse_ok("format=%73vg&exp=2000000000&spec=%7b%22type%22:%20%22bar%22%7d");
  c = query_canonical(&q2);
  CHECK_STR(c, "/v1/charts?exp=2000000000&format=svg&spec=%7B%22type%22%3A%20%22bar%22%7D");
  free(c);

  /* the signature is HMAC-SHA256 of that string (Python: hmac.new(b"k1", canonical, sha256)) */
  char hex[65];
  CHECK_INT(chart_url_sign(&q2, "k1", 2, hex), 0);
  CHECK_STR(hex, "8a53aa402c64e24f79152e65bf32b6085894580a365adaf8d55d6805e751360c");
  query_free(&q2);
  query_free(&q);

  struct query empty = parse_ok("");
  CHECK_INT(chart_url_sign(&empty, "Jefe", 4, hex), 0);
  CHECK_STR(hex, "6a3bad847a9d0d38e5ea2e131bc301dd4a5c18496428768d6653b1f3e62bcb37");
  CHECK(chart_url_verify(&empty, "k1", 0) == CHART_URL_UNSIGNED);
  query_free(&empty);

  /* verify: any key of the list; a changed parameter, another key, a short sig fail; exp */
  const char *base = "format=svg&exp=2000000000&spec=%7B%22type%22%3A%20%22bar%22%7D";
  char url[512];
  snprintf(url, sizeof url, "%s&sig=8a53aa402c64e24f79152e65bf32b6085894580a365adaf8d55d6805e751360c", base);
  q = parse_ok(url);
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_SIGNED);
  CHECK(chart_url_verify(&q, "other,k1", 1900000000) == CHART_URL_SIGNED);
  CHECK(chart_url_verify(&q, "other", 1900000000) == CHART_URL_BAD_SIG);
  CHECK(chart_url_verify(&q, "k1", 2000000001) == CHART_URL_EXPIRED);
  query_free(&q);
  snprintf(url, sizeof url, "%s&sig=8A53AA402C64E24F79152E65BF32B6085894580A365ADAF8D55D6805E751360C", base);
  q = parse_ok(url); /* hex in upper case is the same bytes */
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_SIGNED);
  query_free(&q);
  q = parse_ok("format=png&exp=2000000000&spec=%7B%22type%22%3A%20%22bar%22%7D"
               "&sig=8a53aa402c64e24f79152e65bf32b6085894580a365adaf8d55d6805e751360c");
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_BAD_SIG);
  query_free(&q);
  q = parse_ok("exp=2000000000&sig=8a53");
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_BAD_SIG);
  query_free(&q);
  q = parse_ok("exp=soon&sig=8a53");
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_BAD_EXP);
  query_free(&q);
  q = parse_ok("exp=-5&sig=8a53");
  CHECK(chart_url_verify(&q, "k1", 1900000000) == CHART_URL_BAD_EXP);
  query_free(&q);
  return check_done("test_chart_url");
}
