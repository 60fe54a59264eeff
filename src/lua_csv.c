/* chartd.csv: csv.parse(text [, {separator=","}]) -> array of rows (arrays of strings). */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "csv.h"

int luaopen_chartd_csv(lua_State *L);

/* Stack during parsing: [text, opts, scratch, rows, current_row]. A Lua memory error in a
 * callback longjmps out of csv.c, so the unescaping scratch is a userdata the GC owns. */
typedef struct build {
  lua_State *L;
  lua_Integer nrows, nfields;
} build;

static int on_field(void *ud, const char *data, size_t len) {
  build *b = ud;
  if (b->nfields == 0) lua_newtable(b->L);
  lua_pushlstring(b->L, data, len);
  lua_rawseti(b->L, -2, ++b->nfields);
  return 0;
}

static int on_row_end(void *ud) {
  build *b = ud;
  if (b->nfields == 0) lua_newtable(b->L);
  lua_rawseti(b->L, -2, ++b->nrows);
  b->nfields = 0;
  return 0;
}

static int l_parse(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  char sep = ',';
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "separator") != LUA_TNIL) {
      size_t slen;
      const char *s = lua_tolstring(L, -1, &slen);
      if (s == NULL || slen != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
        return luaL_argerror(L, 2, "separator must be a single character other than a quote or line ending");
      sep = s[0];
    }
    lua_pop(L, 1);
  }
  char err[128];
  char *scratch = lua_newuserdatauv(L, len > 0 ? len : 1, 0);
  lua_newtable(L);
  build b = {L, 0, 0};
  csv_callbacks cb = {on_field, on_row_end, &b};
  if (csv_parse_scratch(text, len, sep, &cb, scratch, err, sizeof err) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  return 1;
}

int luaopen_chartd_csv(lua_State *L) {
  static const luaL_Reg fns[] = {{"parse", l_parse}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
