/* build/lib/chartd.so: the bindings as one Lua C module for plain lua5.4 (busted specs).
 * Lua's all-in-one loader finds luaopen_chartd_<name> here for `require "chartd.<name>"`;
 * this file only gives `require "chartd"` a table of them. */
#include <lauxlib.h>

#include "bindings.h"

int luaopen_chartd(lua_State *L);

int luaopen_chartd(lua_State *L) {
  luaL_requiref(L, "chartd.canvas", luaopen_chartd_canvas, 0);
  luaL_requiref(L, "chartd.image", luaopen_chartd_image, 0);
  luaL_requiref(L, "chartd.base64", luaopen_chartd_base64, 0);
  luaL_requiref(L, "chartd.csv", luaopen_chartd_csv, 0);
  luaL_requiref(L, "chartd.clock", luaopen_chartd_clock, 0);
  luaL_requiref(L, "chartd.log", luaopen_chartd_log, 0);
  luaL_requiref(L, "chartd.fs", luaopen_chartd_fs, 0);
  luaL_requiref(L, "chartd.http", luaopen_chartd_http, 0);
  luaL_requiref(L, "chartd.pattern", luaopen_chartd_pattern, 0);
  luaL_requiref(L, "chartd.records", luaopen_chartd_records, 0);
  luaL_requiref(L, "chartd.memo", luaopen_chartd_memo, 0);
  luaL_requiref(L, "chartd.errors", luaopen_chartd_errors, 0);
  luaL_requiref(L, "chartd.columns", luaopen_chartd_columns, 0);
  luaL_requiref(L, "chartd.color", luaopen_chartd_color, 0);
  
  luaL_requiref(L, "chartd.digest", luaopen_chartd_digest, 0);
  luaL_requiref(L, "chartd.cache", luaopen_chartd_cache, 0);
  lua_pop(L, 16);
  lua_newtable(L);
  return 1;
}
