/* Where the settings come from: a .env file read into the environment (which wins), then the environment parsed. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Strips one layer of matching quotes; double quotes understand \n, \" and \\. */
static void unquote(char *v) {
  size_t n = strlen(v);
  if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
    memmove(v, v + 1, n - 2);
    v[n - 2] = '\0';
  } else if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
    char *w = v;
    for (size_t i = 1; i < n - 1; i++) {
      if (v[i] == '\\' && i + 1 < n - 1) {
        i++;
        *w++ = v[i] == 'n' ? '\n' : v[i];
      } else {
        *w++ = v[i];
      }
    }
    *w = '\0';
  } else {
    /* Unquoted: a " #" starts a comment. */
    char *hash = strstr(v, " #");
    if (hash) *hash = '\0';
    n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1])) v[--n] = '\0';
  }
}

int config_parse_dotenv(const char *text, void (*set)(void *ud, const char *key, const char *value),
                        void *ud, char *err, size_t errlen) {
  int count = 0, lineno = 0;
  const char *p = text;
  while (*p) {
    lineno++;
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    char *line = malloc(len + 1);
    if (line == NULL) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    memcpy(line, p, len);
    line[len] = '\0';
    p = eol ? eol + 1 : p + len;

    char *s = line;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    while (isspace((unsigned char)*s)) s++;
    if (*s == '\0' || *s == '#') {
      free(line);
      continue;
    }
    if (strncmp(s, "export ", 7) == 0) s += 7;
    char *eq = strchr(s, '=');
    char *k_end = eq;
    while (k_end && k_end > s && isspace((unsigned char)k_end[-1])) k_end--;
    bool ok = eq && k_end > s && (isalpha((unsigned char)*s) || *s == '_');
    for (char *k = s; ok && k < k_end; k++) ok = isalnum((unsigned char)*k) || *k == '_';
    if (!ok) {
      snprintf(err, errlen, "line %d: expected KEY=VALUE", lineno);
      free(line);
      return -1;
    }
    *k_end = '\0';
    char *v = eq + 1;
    while (isspace((unsigned char)*v)) v++;
    unquote(v);
    set(ud, s, v);
    count++;
    free(line);
  }
  return count;
}

static void setenv_if_unset(void *ud, const char *key, const char *value) {
  (void)ud;
  setenv(key, value, 0); /* the real environment wins */
}

static const char *env_lookup(void *ud, const char *name) {
  (void)ud;
  return getenv(name);
}

int config_load(struct chartd_config *cfg, const char *dotenv_path, char *err, size_t errlen) {
  FILE *f = dotenv_path ? fopen(dotenv_path, "rb") : NULL;
  if (f) {
    char *text = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
      if (len + 4096 + 1 > cap) {
        cap = cap ? cap * 2 : 8192;
        char *grown = realloc(text, cap);
        if (grown == NULL) break;
        text = grown;
      }
      size_t got = fread(text + len, 1, cap - len - 1, f);
      len += got;
      if (got == 0) break;
    }
    fclose(f);
    if (text == NULL) {
      snprintf(err, errlen, "%s: cannot read", dotenv_path);
      return -1;
    }
    text[len] = '\0';
    char perr[200];
    int rc = config_parse_dotenv(text, setenv_if_unset, NULL, perr, sizeof perr);
    free(text);
    if (rc < 0) {
      snprintf(err, errlen, "%s %s", dotenv_path, perr);
      return -1;
    }
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (config_parse(cfg, env_lookup, NULL, cores > 0 ? (int)cores : 1, err, errlen) != 0) return -1;
  /* the environment's names (the .env file's are in it now), upper-case ones only */
  extern char **environ;
  const char *names[512];
  char buf[512][64];
  size_t n = 0;
  for (char **e = environ; *e && n < 512; e++) {
    size_t len = strcspn(*e, "=");
    if (len == 0 || len >= sizeof buf[0]) continue;
    bool plain = true;
    for (size_t i = 0; i < len && plain; i++) plain = isupper((unsigned char)(*e)[i]) || isdigit((unsigned char)(*e)[i]) || (*e)[i] == '_';
    if (!plain) continue;
    memcpy(buf[n], *e, len);
    buf[n][len] = '\0';
    names[n] = buf[n];
    n++;
  }
  config_name_warnings(names, n, cfg->warnings, sizeof cfg->warnings);
  return 0;
}
