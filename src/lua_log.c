/* chartd.log: log.debug/info/warn/error(event, fields) -> one JSON line on stderr via log.c. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int luaopen_chartd_log(lua_State *L);

static void add_json_string(luaL_Buffer *b, const char *s, size_t len) {
  size_t need = log_json_escape(NULL, 0, s, len);
  char *p = luaL_prepbuffsize(b, need + 3);
  p[0] = '"';
  log_json_escape(p + 1, need + 1, s, len);
  p[need + 1] = '"';
  luaL_addsize(b, need + 2);
}

typedef struct key {
  const char *s;
  size_t len;
} key;

static int key_cmp(const void *a, const void *b) {
  const key *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* Shortest of %.15g/%.17g that reads back exactly; JSON has no NaN/Inf, so those are null. */
static size_t format_number(lua_State *L, int idx, char *num, size_t size) {
  if (lua_isinteger(L, idx)) return (size_t)snprintf(num, size, LUA_INTEGER_FMT, lua_tointeger(L, idx));
  double d = lua_tonumber(L, idx);
  if (!isfinite(d)) return (size_t)snprintf(num, size, "null");
  int n = snprintf(num, size, "%.15g", d);
  if (strtod(num, NULL) != d) n = snprintf(num, size, "%.17g", d);
  return (size_t)n;
}

/* Checks the flat fields table at index 2 and returns its keys sorted (so lines are
 * reproducible) in a userdata left on the stack; key strings stay anchored in the table. */
static key *sorted_keys(lua_State *L, size_t *count) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, 2) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_argerror(L, 2, "field names must be strings");
    int t = lua_type(L, -1);
    if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TBOOLEAN)
      luaL_argerror(L, 2, lua_pushfstring(L, "field '%s' must be a string, number or boolean, got %s",
                                          lua_tostring(L, -2), lua_typename(L, t)));
    n++;
    lua_pop(L, 1);
  }
  key *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof(key), 0);
  size_t i = 0;
  lua_pushnil(L);
  while (lua_next(L, 2) != 0) {
    keys[i].s = lua_tolstring(L, -2, &keys[i].len);
    i++;
    lua_pop(L, 1);
  }
  qsort(keys, n, sizeof(key), key_cmp);
  *count = n;
  return keys;
}

/* Appends ,"key":value for each key; the luaL_Buffer's box must stay on top, so stack use
 * between buffer operations is balanced. */
static void encode_fields(lua_State *L, luaL_Buffer *b, const key *keys, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char num[64];
    const char *v;
    size_t vlen;
    lua_pushlstring(L, keys[i].s, keys[i].len);
    int t = lua_rawget(L, 2);
    if (t == LUA_TSTRING) v = lua_tolstring(L, -1, &vlen);
    else if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1) ? "true" : "false", vlen = strlen(v);
    else vlen = format_number(L, -1, num, sizeof num), v = num;
    lua_pop(L, 1); /* balanced stack use between buffer operations */
    luaL_addchar(b, ',');
    add_json_string(b, keys[i].s, keys[i].len);
    luaL_addchar(b, ':');
    if (t == LUA_TSTRING) add_json_string(b, v, vlen);
    else luaL_addlstring(b, v, vlen);
  }
}

static int emit(lua_State *L, log_level level) {
  const char *event = luaL_checkstring(L, 1);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  if (!log_enabled(level)) return 0;
  size_t n = 0;
  const key *keys = lua_istable(L, 2) ? sorted_keys(L, &n) : NULL;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  encode_fields(L, &b, keys, n);
  luaL_pushresult(&b);
  const char *fields = lua_tostring(L, -1);
  log_write(level, event, fields[0] == ',' ? fields + 1 : fields);
  return 0;
}

static int l_debug(lua_State *L) { return emit(L, LOG_DEBUG); }
static int l_info(lua_State *L) { return emit(L, LOG_INFO); }
static int l_warn(lua_State *L) { return emit(L, LOG_WARN); }
static int l_error(lua_State *L) { return emit(L, LOG_ERROR); }

/* log.set_level("debug"|"info"|"warn"|"error"): process-wide, shared with the C host. */
static int l_set_level(lua_State *L) {
  log_level level;
  const char *name = luaL_checkstring(L, 1);
  if (log_level_parse(name, &level) != 0)
    return luaL_argerror(L, 1, lua_pushfstring(L, "unknown level '%s' (debug|info|warn|error)", name));
  log_set_level(level);
  return 0;
}

static int l_level(lua_State *L) {
  lua_pushstring(L, log_level_name(log_get_level()));
  return 1;
}

int luaopen_chartd_log(lua_State *L) {
  static const luaL_Reg fns[] = {{"debug", l_debug}, {"info", l_info},           {"warn", l_warn},
                                 {"error", l_error}, {"set_level", l_set_level}, {"level", l_level},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
