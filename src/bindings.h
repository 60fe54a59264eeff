/* The Lua binding modules the host preloads; each file exports only its luaopen_chartd_* function. */
#ifndef CHARTD_BINDINGS_H
#define CHARTD_BINDINGS_H

#include <lua.h>

int luaopen_chartd_canvas(lua_State *L);
int luaopen_chartd_image(lua_State *L);
int luaopen_chartd_base64(lua_State *L);
int luaopen_chartd_csv(lua_State *L);
int luaopen_chartd_clock(lua_State *L);
int luaopen_chartd_log(lua_State *L);
int luaopen_chartd_fs(lua_State *L);
int luaopen_chartd_http(lua_State *L);

#endif
