/* Precompiled Lua for the CLI: compiling ~300 KB of scripts was a third of a cold `chartd render`. */
#define _GNU_SOURCE
#include "bytecode.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "chartd-luac 1\n"
#define MAX_BYTES ((size_t)16 << 20)

/* The source's identity the bytecode is valid for. */
struct stamp {
  long long size, sec, nsec;
};

static struct stamp stamp_of(const struct stat *st) {
  return (struct stamp){(long long)st->st_size, (long long)st->st_mtim.tv_sec, (long long)st->st_mtim.tv_nsec};
}

/* The whole of an open file, NUL-terminated; NULL when unreadable or past MAX_BYTES. */
static char *read_all(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *more = cap < MAX_BYTES ? realloc(buf, cap * 2 + 1) : NULL;
    if (!more) free(buf);
    buf = more;
    cap *= 2;
  }
  if (!buf || ferror(f)) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int write_chunk(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  return fwrite(p, 1, sz, ud) == sz ? 0 : 1;
}

int bytecode_compile(const char *src, const char *out, char *err, size_t errlen) {
  FILE *f = fopen(src, "rb");
  struct stat st;
  size_t len = 0;
  char *text = NULL;
  if (!f || fstat(fileno(f), &st) != 0 || !(text = read_all(f, &len))) {
    snprintf(err, errlen, "cannot read %s", src);
    if (f) fclose(f);
    return -1;
  }
  fclose(f);
  lua_State *L = luaL_newstate();
  char name[4200];
  snprintf(name, sizeof name, "@%s", src);
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  int rc = -1;
  FILE *o = NULL;
  if (!L) {
    snprintf(err, errlen, "out of memory");
  } else if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
  } else if (!(o = fopen(tmp, "wb"))) {
    snprintf(err, errlen, "cannot write %s", tmp);
  } else {
    struct stamp s = stamp_of(&st);
    fprintf(o, MAGIC "%lld %lld %lld %zu\n%s", s.size, s.sec, s.nsec, strlen(src), src);
    bool ok = lua_dump(L, write_chunk, o, 0) == 0;
    ok = fclose(o) == 0 && ok;
    if (ok && rename(tmp, out) == 0) {
      rc = 0;
    } else {
      snprintf(err, errlen, "cannot write %s", out);
      remove(tmp);
    }
  }
  if (L) lua_close(L);
  free(text);
  return rc;
}

/* The bytecode in buf when its header names path as it is now: a pointer into buf, else NULL. */
static const char *valid_body(const char *buf, size_t len, const char *path, size_t *body_len) {
  size_t m = sizeof MAGIC - 1;
  if (len < m || memcmp(buf, MAGIC, m) != 0) return NULL;
  struct stamp s;
  size_t plen;
  int used = 0;
  if (sscanf(buf + m, "%lld %lld %lld %zu\n%n", &s.size, &s.sec, &s.nsec, &plen, &used) != 4 || used == 0) return NULL;
  const char *p = buf + m + used;
  if (plen != strlen(path) || (size_t)(p - buf) + plen > len || memcmp(p, path, plen) != 0) return NULL;
  struct stat st;
  if (stat(path, &st) != 0) return NULL;
  struct stamp now = stamp_of(&st);
  if (now.size != s.size || now.sec != s.sec || now.nsec != s.nsec) return NULL;
  *body_len = len - (size_t)(p - buf) - plen;
  return p + plen;
}

/* package.searchers entry: (name) → loader, path | a string saying why not. */
static int searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *dir = lua_tostring(L, lua_upvalueindex(1));
  if (name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")] != '\0') {
    lua_pushliteral(L, "\n\tno bytecode for such a name");
    return 1;
  }
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchpath");
  lua_pushstring(L, name);
  lua_getfield(L, -3, "path");
  lua_call(L, 2, 1);
  const char *path = lua_tostring(L, -1); /* NULL: no source, nothing to stand for */
  char file[4200];
  snprintf(file, sizeof file, "%s/%s.luac", dir, name);
  FILE *f = path ? fopen(file, "rb") : NULL;
  size_t len = 0;
  char *buf = f ? read_all(f, &len) : NULL;
  if (f) fclose(f);
  size_t body_len = 0;
  const char *body = buf ? valid_body(buf, len, path, &body_len) : NULL;
  if (body == NULL || luaL_loadbufferx(L, body, body_len, name, "b") != LUA_OK) {
    free(buf);
    lua_pushfstring(L, "\n\tno current bytecode '%s'", file);
    return 1;
  }
  free(buf);
  lua_pushvalue(L, -2); /* the source's path, as Lua's own searcher passes it */
  return 2;
}

void bytecode_install(lua_State *L, const char *dir) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = n; i >= 2; i--) { /* make room at 2: after the preload searcher */
    lua_rawgeti(L, -1, i);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushstring(L, dir);
  lua_pushcclosure(L, searcher, 1);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
}
