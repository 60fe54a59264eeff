/* The base Lua state: standard libraries, chartd bindings, scripts under CHARTD_HOME (the CLI's; src/state.c sandboxes it for the server). */
#include "runtime.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bindings.h"
#include "build_info.h"

#ifndef CHARTD_VERSION
#define CHARTD_VERSION "dev"
#endif

static const luaL_Reg BINDINGS[] = {
    {"chartd.canvas", luaopen_chartd_canvas}, {"chartd.image", luaopen_chartd_image},
    {"chartd.base64", luaopen_chartd_base64}, {"chartd.csv", luaopen_chartd_csv},
    {"chartd.clock", luaopen_chartd_clock},   {"chartd.log", luaopen_chartd_log},
    {"chartd.fs", luaopen_chartd_fs},         {"chartd.http", luaopen_chartd_http},
    {"chartd.pattern", luaopen_chartd_pattern}, {"chartd.records", luaopen_chartd_records},
    {"chartd.memo", luaopen_chartd_memo},
    {"chartd.errors", luaopen_chartd_errors},
    {"chartd.columns", luaopen_chartd_columns},
    {"chartd.color", luaopen_chartd_color},
    {"chartd.digest", luaopen_chartd_digest},
    {"chartd.cache", luaopen_chartd_cache},
    {NULL, NULL},
};

static int has_scripts(const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/lua/pipeline.lua", dir);
  return access(path, R_OK) == 0;
}

/* CHARTD_HOME wins; otherwise the working directory when it holds lua/, else the folder
 * above the executable (build/chartd run from anywhere), else the working directory. */
const char *runtime_home(void) {
  static char home[4096];
  const char *env = getenv("CHARTD_HOME");
  if (env && *env) return env;
  if (home[0]) return home;
  if (getcwd(home, sizeof home) && has_scripts(home)) return home;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
      char *slash = strrchr(exe, '/');
      if (slash == NULL) break;
      *slash = '\0';
      if (has_scripts(exe)) {
        snprintf(home, sizeof home, "%s", exe);
        return home;
      }
    }
  }
  if (!getcwd(home, sizeof home)) snprintf(home, sizeof home, ".");
  return home;
}

static int push_traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = luaL_tolstring(L, 1, NULL);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

lua_State *runtime_new_state(const char *home, char *err, size_t errlen) {
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    snprintf(err, errlen, "cannot create a Lua state (out of memory)");
    return NULL;
  }
  /* Lua leaves the main thread's extra space uninitialized and copies it into every new
   * thread; the sandbox keeps a pointer there, so start from NULL. */
  memset(lua_getextraspace(L), 0, LUA_EXTRASPACE);
  luaL_openlibs(L);
  /* The default GC pause stays: a canvas frees its pixels at finish()/close(), not at
   * collection, so they never pile up — and pause 100 (docs/STACK.md) made each render
   * 7x slower (bench: 6.7 ms vs 50.6 ms for examples/bar.json). */

  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  for (const luaL_Reg *b = BINDINGS; b->name; b++) {
    lua_pushcfunction(L, b->func);
    lua_setfield(L, -2, b->name);
  }
  lua_pop(L, 1);
  lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua", home, home);
  lua_setfield(L, -2, "path");
  lua_getfield(L, -1, "loaded");
  lua_createtable(L, 0, 4);
  lua_pushstring(L, home);
  lua_setfield(L, -2, "home");
  lua_pushstring(L, CHARTD_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushstring(L, CHARTD_COMMIT);
  lua_setfield(L, -2, "commit");
  lua_setfield(L, -2, "chartd.host");
  lua_pop(L, 2);
  return L;
}

int runtime_call(lua_State *L, const char *module, const char *func, int argc, char **argv) {
  lua_pushcfunction(L, push_traceback);
  int handler = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushstring(L, module);
  if (lua_pcall(L, 1, 1, handler) != LUA_OK) {
    fprintf(stderr, "chartd: %s\n", lua_tostring(L, -1));
    lua_settop(L, handler - 1);
    return -1;
  }
  lua_getfield(L, -1, func);
  lua_remove(L, -2);
  for (int i = 0; i < argc; i++) lua_pushstring(L, argv[i]);
  if (lua_pcall(L, argc, 1, handler) != LUA_OK) {
    fprintf(stderr, "chartd: %s\n", lua_tostring(L, -1));
    lua_settop(L, handler - 1);
    return -1;
  }
  int rc = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
  lua_settop(L, handler - 1);
  return rc;
}
