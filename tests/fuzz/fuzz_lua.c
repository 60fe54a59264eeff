/* libFuzzer driver for the Lua harnesses: one host Lua state (runtime.c, as a worker builds
 * it) calls tests/fuzz/fuzz_entry.lua's FUZZ_ENTRY function with each input. A Lua error out
 * of it is a bug in chartspec/pipeline/charts: print it and abort so libFuzzer keeps the input.
 * The Lua code is not instrumented, so a line hook feeds (chunk, line) pairs to libFuzzer as
 * extra coverage counters: without them the fuzzer only sees cjson and the C bindings. */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"

#ifndef FUZZ_ENTRY
#error "FUZZ_ENTRY names the function of fuzz_entry.lua to call"
#endif

static lua_State *L;
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t lua_lines[1 << 16];

static void line_hook(lua_State *s, lua_Debug *ar) {
  if (lua_getinfo(s, "S", ar) == 0) return;
  /* ar->source points into the chunk's interned name: one address per loaded file */
  uint64_t h = ((uint64_t)(uintptr_t)ar->source ^ ((uint64_t)ar->currentline * 0x9E3779B97F4A7C15ULL));
  h ^= h >> 29;
  uint8_t *c = &lua_lines[h & (sizeof lua_lines - 1)];
  if (*c < 255) (*c)++;
}
static int entry_ref;
static unsigned long runs;

static lua_State *setup(void) {
  char err[512];
  const char *home = getenv("CHARTD_HOME");
  lua_State *s = runtime_new_state(home && *home ? home : CHARTD_SOURCE_DIR, err, sizeof err);
  if (s == NULL) {
    fprintf(stderr, "fuzz: %s\n", err);
    abort();
  }
  lua_getglobal(s, "package");
  lua_getfield(s, -1, "path");
  lua_pushfstring(s, "%s;%s/tests/fuzz/?.lua", lua_tostring(s, -1), CHARTD_SOURCE_DIR);
  lua_setfield(s, -3, "path");
  lua_pop(s, 2);
  lua_getglobal(s, "require");
  lua_pushstring(s, "fuzz_entry");
  if (lua_pcall(s, 1, 1, 0) != LUA_OK) {
    fprintf(stderr, "fuzz: %s\n", lua_tostring(s, -1));
    abort();
  }
  lua_sethook(s, line_hook, LUA_MASKLINE, 0); /* coroutines created later inherit it */
  lua_getfield(s, -1, FUZZ_ENTRY);
  entry_ref = luaL_ref(s, LUA_REGISTRYINDEX);
  lua_pop(s, 1);
  return s;
}

static int traceback(lua_State *s) {
  luaL_traceback(s, s, luaL_tolstring(s, 1, NULL), 1);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (L == NULL) L = setup();
  lua_pushcfunction(L, traceback);
  lua_rawgeti(L, LUA_REGISTRYINDEX, entry_ref);
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, -3) != LUA_OK) {
    fprintf(stderr, "fuzz: %s raised: %s\n", FUZZ_ENTRY, lua_tostring(L, -1));
    abort();
  }
  lua_pop(L, 1);
  if (++runs % 256 == 0) lua_gc(L, LUA_GCCOLLECT);
  return 0;
}
