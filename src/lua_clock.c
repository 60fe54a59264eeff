/* chartd.clock: monotonic milliseconds and UTC ISO-8601 timestamps. */
#include <lauxlib.h>
#include <lua.h>
#include <time.h>

#include "log.h"

int luaopen_chartd_clock(lua_State *L);

static int l_now_ms(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec * 1000.0 + (lua_Number)ts.tv_nsec / 1e6);
  return 1;
}

static int l_iso8601(lua_State *L) {
  char buf[32];
  log_format_time(buf);
  lua_pushstring(L, buf);
  return 1;
}

int luaopen_chartd_clock(lua_State *L) {
  static const luaL_Reg fns[] = {{"now_ms", l_now_ms}, {"iso8601", l_iso8601}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
