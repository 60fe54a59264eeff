/* Numeric columns kept in C beside their Lua arrays (numcol.h). */
#include "numcol.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

static const char *const KEY = "chartd.numcols"; /* registry: array -> its doubles (weak keys) */

typedef struct numcol {
  size_t n;
  double v[];
} numcol;

double *numcol_attach(lua_State *L, int table_idx, size_t n) {
  table_idx = lua_absindex(L, table_idx);
  if (n > (((size_t)-1) - sizeof(numcol)) / sizeof(double)) luaL_error(L, "numcol: too many rows");
  if (lua_getfield(L, LUA_REGISTRYINDEX, KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, KEY);
  }
  numcol *c = lua_newuserdatauv(L, sizeof(numcol) + n * sizeof(double), 0);
  c->n = n;
  lua_pushvalue(L, table_idx);
  lua_insert(L, -2);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  return c->v;
}

const double *numcol_get(lua_State *L, int idx, size_t n) {
  if (lua_type(L, idx) != LUA_TTABLE) return NULL;
  idx = lua_absindex(L, idx);
  const double *v = NULL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, KEY) == LUA_TTABLE) {
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TUSERDATA) {
      const numcol *c = lua_touserdata(L, -1);
      if (c->n == n) v = c->v; /* the userdata stays alive with the array */
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return v;
}

void numcol_load(lua_State *L, int idx, size_t n, double *dst) {
  const double *v = numcol_get(L, idx, n);
  if (v) {
    memcpy(dst, v, n * sizeof *dst);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    dst[i] = lua_rawgeti(L, idx, (lua_Integer)i + 1) == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
  }
}
