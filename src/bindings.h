/* The Lua binding modules the host preloads; each file exports only its luaopen_chartd_* function. */
#ifndef CHARTD_BINDINGS_H
#define CHARTD_BINDINGS_H

#include <lua.h>
#include <stdbool.h>

int luaopen_chartd_canvas(lua_State *L);
int luaopen_chartd_image(lua_State *L);
int luaopen_chartd_base64(lua_State *L);
int luaopen_chartd_csv(lua_State *L);
int luaopen_chartd_clock(lua_State *L);
int luaopen_chartd_log(lua_State *L);
int luaopen_chartd_fs(lua_State *L);
int luaopen_chartd_http(lua_State *L);
int luaopen_chartd_pattern(lua_State *L);
int luaopen_chartd_records(lua_State *L);
int luaopen_chartd_memo(lua_State *L);
int luaopen_chartd_columns(lua_State *L);
int luaopen_chartd_color(lua_State *L);
int luaopen_chartd_digest(lua_State *L);
int luaopen_chartd_cache(lua_State *L);
/* Host only (src/lua_metrics.c, linked into the chartd executable, not build/lib/chartd.so). */
int luaopen_chartd_metrics(lua_State *L);
int luaopen_chartd_redis(lua_State *L); /* src/lua_redis.c, host only too */
int luaopen_chartd_errors(lua_State *L);

/* chartd.pattern's way to ask the host whether a running match must stop: sandbox_apply stores
 * a light userdata pointing to one of these at registry[CHARTD_PATTERN_STOP] before it opens
 * the module, which keeps it as an upvalue. Without it (plain lua5.4, busted) nothing stops. */
#define CHARTD_PATTERN_STOP "chartd.pattern.stop"
struct chartd_pattern_stop {
  bool (*requested)(lua_State *L);
};

#endif
