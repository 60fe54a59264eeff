/* chartd.cache: the render cache for scripts (lua/render_cache.lua) — keys that are SHA-256 of a value in canonical form, get and put through src/render_cache.c.
 *
 *   cache.key(v1, v2, ...) → 64 hex digits: SHA-256 of the values written canonically —
 *       tables as arrays (keys 1..n) or as objects with their keys sorted, numbers with an
 *       integral value as integers (1 and 1.0 alike), strings with their length — so two
 *       tables equal as JSON give the same key whatever order their keys were set in.
 *       Raises past 64 levels of nesting, or for keys that are neither strings nor 1..n.
 *   cache.get(key) → bytes | nil      (nil also when the cache is off: the CLI, busted)
 *   cache.put(key, bytes)
 *   cache.enabled() → boolean */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_cache.h"

#define MAX_DEPTH 64

static void feed(lua_State *L, EVP_MD_CTX *md, const void *p, size_t n) {
  if (EVP_DigestUpdate(md, p, n) != 1) luaL_error(L, "cache.key: SHA-256 failed");
}

/* An object's key: a string the table itself keeps alive while it is walked. */
struct okey {
  const char *s;
  size_t len;
};

static int key_cmp(const void *a, const void *b) {
  const struct okey *x = a, *y = b;
  int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void write_value(lua_State *L, EVP_MD_CTX *md, int idx, int depth);

/* An object: its string keys sorted bytewise, each with its value. */
static void write_object(lua_State *L, EVP_MD_CTX *md, int idx, int depth, size_t nkeys) {
  struct okey *keys = lua_newuserdatauv(L, nkeys * sizeof *keys, 0); /* freed by the GC, even on an error */
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    keys[n].s = lua_tolstring(L, -1, &keys[n].len); /* a string key: no conversion, lua_next stays valid */
    n++;
  }
  qsort(keys, n, sizeof *keys, key_cmp);
  char head[32];
  feed(L, md, head, (size_t)snprintf(head, sizeof head, "o%zu{", n));
  for (size_t i = 0; i < n; i++) {
    feed(L, md, head, (size_t)snprintf(head, sizeof head, "%zu:", keys[i].len));
    feed(L, md, keys[i].s, keys[i].len);
    lua_pushlstring(L, keys[i].s, keys[i].len);
    lua_rawget(L, idx);
    write_value(L, md, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
  }
  feed(L, md, "}", 1);
  lua_pop(L, 1); /* the key array */
}

static void write_table(lua_State *L, EVP_MD_CTX *md, int idx, int depth) {
  if (depth > MAX_DEPTH) luaL_error(L, "cache.key: nested deeper than %d levels", MAX_DEPTH);
  luaL_checkstack(L, 8, "cache.key");
  size_t count = 0;
  bool strings = true, positive = true;
  lua_Integer max = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
    if (lua_type(L, -1) == LUA_TSTRING) {
      positive = false;
    } else if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1) {
      strings = false;
      if (lua_tointeger(L, -1) > max) max = lua_tointeger(L, -1);
    } else {
      luaL_error(L, "cache.key: a table key that is neither a string nor a positive integer");
    }
  }
  char head[32];
  if (count == 0) {
    feed(L, md, "e", 1); /* cjson reads [] and {} alike */
  } else if (strings) {
    write_object(L, md, idx, depth, count);
  } else if (positive && (size_t)max == count) {
    feed(L, md, head, (size_t)snprintf(head, sizeof head, "a%zu[", count));
    for (lua_Integer i = 1; i <= max; i++) {
      lua_rawgeti(L, idx, i);
      write_value(L, md, lua_gettop(L), depth + 1);
      lua_pop(L, 1);
    }
    feed(L, md, "]", 1);
  } else {
    luaL_error(L, "cache.key: a table with both string keys and array items (or holes)");
  }
}

static void write_value(lua_State *L, EVP_MD_CTX *md, int idx, int depth) {
  char buf[64];
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
    feed(L, md, "n", 1);
    break;
  case LUA_TBOOLEAN:
    feed(L, md, lua_toboolean(L, idx) ? "t" : "f", 1);
    break;
  case LUA_TNUMBER: {
    lua_Number x = lua_tonumber(L, idx);
    if (lua_isinteger(L, idx))
      feed(L, md, buf, (size_t)snprintf(buf, sizeof buf, "i%lld;", (long long)lua_tointeger(L, idx)));
    else if (x == floor(x) && fabs(x) < 9.2e18)
      feed(L, md, buf, (size_t)snprintf(buf, sizeof buf, "i%lld;", (long long)x));
    else
      feed(L, md, buf, (size_t)snprintf(buf, sizeof buf, "d%.17g;", x));
    break;
  }
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    feed(L, md, buf, (size_t)snprintf(buf, sizeof buf, "s%zu:", len));
    feed(L, md, s, len);
    break;
  }
  case LUA_TTABLE:
    write_table(L, md, idx, depth);
    break;
  case LUA_TLIGHTUSERDATA: /* cjson.null */
    feed(L, md, "N", 1);
    break;
  default:
    luaL_error(L, "cache.key: cannot key a %s", luaL_typename(L, idx));
  }
}

static int finish_md(lua_State *L) { /* __close of the digest box: frees it even when a key raised */
  EVP_MD_CTX **box = lua_touserdata(L, 1);
  if (*box) EVP_MD_CTX_free(*box);
  *box = NULL;
  return 0;
}

static int cache_key(lua_State *L) {
  int n = lua_gettop(L);
  EVP_MD_CTX **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, finish_md);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, finish_md);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_toclose(L, -1);
  *box = EVP_MD_CTX_new();
  if (*box == NULL || EVP_DigestInit_ex(*box, EVP_sha256(), NULL) != 1) return luaL_error(L, "cache.key: SHA-256 failed");
  for (int i = 1; i <= n; i++) write_value(L, *box, i, 0);
  unsigned char out[32];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(*box, out, &len) != 1 || len != 32) return luaL_error(L, "cache.key: SHA-256 failed");
  char hex[65];
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", out[i]);
  lua_pushlstring(L, hex, 64);
  return 1;
}

static int cache_get(lua_State *L) {
  const char *key = luaL_checkstring(L, 1);
  size_t len = 0;
  char *v = render_cache_get(key, &len);
  if (v == NULL) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushlstring(L, v, len);
  free(v);
  return 1;
}

static int cache_put(lua_State *L) {
  const char *key = luaL_checkstring(L, 1);
  size_t len;
  const char *v = luaL_checklstring(L, 2, &len);
  render_cache_put(key, v, len);
  return 0;
}

static int cache_enabled(lua_State *L) {
  struct cache_stats st;
  render_cache_stats(&st);
  lua_pushboolean(L, st.capacity > 0);
  return 1;
}

int luaopen_chartd_cache(lua_State *L) {
  static const luaL_Reg FNS[] = {
      {"key", cache_key}, {"get", cache_get}, {"put", cache_put}, {"enabled", cache_enabled}, {NULL, NULL}};
  luaL_newlib(L, FNS);
  return 1;
}
