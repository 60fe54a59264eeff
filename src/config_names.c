/* Names in the environment that look like a mistaken chartd setting (WEBSOKET_PORT): the warnings every command prints. */
#include "config.h"

#include <stdio.h>
#include <string.h>

/* Read by chartd outside config_parse, or set around it by tests/tests.cmake for the test
 * programs (never settings, so never warned about). */
static const char *const OTHER_NAMES[] = {"CHARTD_HOME", "CHARTD_BIN", "CHARTD_SANITIZED", "CHARTD_TEST_HOME",
                                          "CHARTD_LIB", NULL};

#define MAX_KNOWN 96
struct known {
  const char *names[MAX_KNOWN];
  int n;
};

/* An empty environment that notes every name config_parse asks for: the settings. */
static const char *record_lookup(void *ud, const char *name) {
  struct known *k = ud;
  for (int i = 0; i < k->n; i++)
    if (strcmp(k->names[i], name) == 0) return NULL;
  if (k->n < MAX_KNOWN) k->names[k->n++] = name;
  return NULL;
}

/* Optimal string alignment distance (insertions, deletions, substitutions, swaps of two
 * neighbours), capped at 3: names are short. */
static int distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 3;
  if ((la > lb ? la - lb : lb - la) > 2) return 3;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb] > 3 ? 3 : d[la][lb];
}

int config_name_warnings(const char *const *names, size_t n, char *out, size_t outlen) {
  struct known k = {.n = 0};
  struct chartd_config scratch;
  char err[64];
  config_parse(&scratch, record_lookup, &k, 1, err, sizeof err);
  for (const char *const *o = OTHER_NAMES; *o && k.n < MAX_KNOWN; o++) k.names[k.n++] = *o;
  int count = 0;
  size_t used = 0;
  if (outlen) out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    const char *name = names[i];
    bool known = false;
    const char *closest = NULL;
    int best = 3;
    for (int j = 0; j < k.n && !known; j++) {
      int d = distance(name, k.names[j]);
      known = d == 0;
      if (d < best) {
        best = d;
        closest = k.names[j];
      }
    }
    if (known) continue;
    /* a letter off for short names, two for long ones: HOST is not PORT, WEBSOKET_PORT is WEBSOCKET_PORT */
    bool typo = closest && best <= (strlen(name) >= 10 ? 2 : 1);
    bool ours = strncmp(name, "CHARTD_", 7) == 0 || strncmp(name, "LLM_", 4) == 0;
    if (!typo && !ours) continue;
    int w = typo ? snprintf(out + used, outlen - used, "%s is not a chartd setting; did you mean %s?\n", name, closest)
                 : snprintf(out + used, outlen - used, "%s is not a chartd setting; the settings are listed in "
                            ".env.example\n", name);
    if (w < 0 || (size_t)w >= outlen - used) break; /* out is full: the first ones are enough */
    used += (size_t)w;
    count++;
  }
  return count;
}
