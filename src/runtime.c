/* Lua states for the CLI and the workers: standard libraries, chartd bindings, scripts under CHARTD_HOME. */
#include "runtime.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bindings.h"

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
   * thread; the sandbox and the reload budget keep pointers there, so start from NULL. */
  memset(lua_getextraspace(L), 0, LUA_EXTRASPACE);
  luaL_openlibs(L);
  /* The default GC pause stays: a canvas frees its pixels at finish()/close(), not at
   * collection, so they never pile up — and pause 100 (STACK-NOTES) made each render
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
  lua_createtable(L, 0, 2);
  lua_pushstring(L, home);
  lua_setfield(L, -2, "home");
  lua_pushstring(L, CHARTD_VERSION);
  lua_setfield(L, -2, "version");
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

/* ---- per-state memory cap ----
 * The allocator counts every byte of the state. The cap applies only while armed, i.e. while
 * a request's coroutine runs inside lua_resume: host code outside a protected call must
 * never see a failed allocation (that aborts through the panic handler), so disarmed means
 * unlimited. A shrink or free never fails (STACK-NOTES). */
struct budget {
  lua_Alloc inner;
  void *inner_ud;
  size_t used, limit;
  bool armed, refused;
  lua_State *co;  /* the coroutine running while armed: stopped with hook on a refusal */
  lua_Hook hook;
};

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct budget *b = ud;
  size_t old = ptr ? osize : 0;
  if (nsize > old && b->armed && (nsize - old > b->limit || b->used + (nsize - old) > b->limit)) {
    if (!b->refused && b->co && b->hook) lua_sethook(b->co, b->hook, LUA_MASKCOUNT, 1);
    b->refused = true; /* a script's pcall may swallow the error; the hook and the flag stay */
    return NULL;
  }
  void *p = b->inner(b->inner_ud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) b->used = (b->used > old ? b->used - old : 0) + nsize;
  return p;
}

static struct budget *budget_of(lua_State *L) {
  void *ud;
  return lua_getallocf(L, &ud) == budget_alloc ? ud : NULL;
}

int runtime_memory_cap(lua_State *L, size_t limit) {
  struct budget *b = budget_of(L);
  if (b == NULL) {
    b = calloc(1, sizeof *b);
    if (b == NULL) return -1;
    b->inner = lua_getallocf(L, &b->inner_ud);
    b->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
    lua_setallocf(L, budget_alloc, b);
  }
  b->limit = limit;
  return 0;
}

void runtime_memory_arm(lua_State *L, lua_State *co, lua_Hook stop_hook) {
  struct budget *b = budget_of(L);
  if (b == NULL) return;
  b->armed = co != NULL;
  b->co = co;
  b->hook = stop_hook;
  if (co != NULL) b->refused = false;
}

bool runtime_memory_refused(lua_State *L) {
  struct budget *b = budget_of(L);
  return b != NULL && b->refused;
}

size_t runtime_memory_used(lua_State *L) {
  struct budget *b = budget_of(L);
  return b ? b->used : (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024;
}

void runtime_close(lua_State *L) {
  struct budget *b = budget_of(L);
  lua_close(L);
  free(b);
}

/* ---- sandbox ---- */

#define MAX_SCRIPT_BYTES (4 * 1024 * 1024)

/* Loads <home>/lua/<name>.lua (dots become folders) as text: a module name is letters, digits,
 * '_' and single dots, so nothing reaches outside lua/. Binary chunks are refused by mode "t". */
static int searcher_home(lua_State *L) {
  size_t n;
  const char *name = luaL_checklstring(L, 1, &n);
  const char *home = lua_tostring(L, lua_upvalueindex(1));
  bool ok = n > 0 && n < 200 && name[0] != '.' && name[n - 1] != '.';
  char rel[256];
  for (size_t i = 0; ok && i < n; i++) {
    char c = name[i];
    if (c == '.') {
      ok = name[i + 1] != '.';
      c = '/';
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      ok = false;
    }
    rel[i] = c;
  }
  if (!ok) {
    lua_pushfstring(L, "\n\tmodule name '%s' is not allowed", name);
    return 1;
  }
  rel[n] = '\0';
  static const char *const FORMS[] = {"%s/lua/%s.lua", "%s/lua/%s/init.lua"};
  for (int i = 0; i < 2; i++) {
    char path[4400];
    snprintf(path, sizeof path, FORMS[i], home, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL) continue;
    luaL_Buffer buf;
    luaL_buffinit(L, &buf);
    size_t total = 0, got;
    char chunk[8192];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && total <= MAX_SCRIPT_BYTES) {
      luaL_addlstring(&buf, chunk, got);
      total += got;
    }
    fclose(f);
    if (total > MAX_SCRIPT_BYTES) return luaL_error(L, "%s: larger than %d bytes", path, MAX_SCRIPT_BYTES);
    luaL_pushresult(&buf);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    lua_pushfstring(L, "@%s", path);
    if (luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t") != LUA_OK)
      return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, path, lua_tostring(L, -1));
    lua_pushstring(L, path);
    return 2;
  }
  lua_pushfstring(L, "\n\tno file '%s/lua/%s.lua' (sandboxed require)", home, rel);
  return 1;
}

static bool path_under(const char *real, const char *dir) {
  size_t n = strlen(dir);
  return n > 0 && strncmp(real, dir, n) == 0 && real[n] == '/';
}

/* io.open for reading only, and only files under home (themes/, prompts/, lua/...) or under
 * the data folder (CHARTD_DATA_DIR, Vega-Lite's data.url). Real paths, so no link leads out. */
static int sandbox_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  const char *home = lua_tostring(L, lua_upvalueindex(2));
  const char *data_dir = lua_tostring(L, lua_upvalueindex(3));
  if (strcmp(mode, "r") != 0 && strcmp(mode, "rb") != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: mode '%s' is not allowed (read only)", path, mode);
    return 2;
  }
  char *real = realpath(path, NULL);
  bool inside = real != NULL && (path_under(real, home) || path_under(real, data_dir));
  free(real);
  if (!inside) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: not a readable file under CHARTD_HOME or CHARTD_DATA_DIR", path);
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushstring(L, path);
  lua_pushstring(L, mode);
  lua_call(L, 2, LUA_MULTRET);
  return lua_gettop(L) - 2;
}

/* load() for text only (binary chunks can crash the VM). */
static int sandbox_load(lua_State *L) {
  int top = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  if (top >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
  lua_pushliteral(L, "t");
  if (top >= 4) {
    lua_pushvalue(L, 4);
    lua_call(L, 4, LUA_MULTRET);
  } else {
    lua_call(L, 3, LUA_MULTRET);
  }
  return lua_gettop(L) - top;
}

/* Coroutines a script creates do not see the host's stop hook, which sits on the request's
 * coroutine: each gets a sparse count hook that yields it when a coroutine that resumed it
 * (up the chain) carries any other hook — the host asked to stop. The resumer is kept in
 * the thread's extra space only while the resume runs, so the chain is always alive. */
#define INNER_HOOK_COUNT 10000

static lua_State **resumer_of(lua_State *co) { return (lua_State **)lua_getextraspace(co); }

static void inner_hook(lua_State *L, lua_Debug *ar);

/* The host asks a thread to stop by setting a hook on it (workers.c's watchdog on a request's
 * coroutine; the memory cap on a refusal): L is asked to stop when it, or a coroutine up its
 * resumer chain, carries any hook but inner_hook.
 *
 * The watchdog thread may call lua_sethook on one of these threads while this runs on the
 * worker thread. lua_sethook is the Lua call meant to be made asynchronously (lua.c calls it
 * from its SIGINT handler; 5.4's ldebug.c: it "can be called during a signal, under
 * 'reasonable' assumptions ... We assume that pointers are atomic too"): it stores the hook
 * pointer, then the mask. Here we only read the pointer, through lua_gethook (a call into
 * liblua, so never cached across iterations): an aligned pointer is stored and loaded whole
 * on the machines we build for, so the read sees NULL or stop_hook, and a read that just
 * misses the store is repeated at the next check (inner_hook: 10,000 instructions;
 * chartd.pattern: PAT_CHECK_STEPS steps). The threads stay alive meanwhile: the watchdog
 * holds w->mu and only hooks a task inside lua_resume. An atomic flag would need a
 * per-coroutine slot the watchdog can reach, which is what the hook already is. */
bool runtime_stop_requested(lua_State *L) {
  for (lua_State *p = L; p != NULL; p = *resumer_of(p)) {
    lua_Hook h = lua_gethook(p);
    if (h != NULL && h != inner_hook) return true;
  }
  return false;
}

static void inner_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (!runtime_stop_requested(L)) return;
  if (lua_isyieldable(L)) { /* inside a hook lua_yield returns; the yield follows the return */
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "request stopped");
}

static int sandbox_create(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  *resumer_of(co) = NULL;
  lua_sethook(co, inner_hook, LUA_MASKCOUNT, INNER_HOOK_COUNT);
  return 1;
}

static int sandbox_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  *resumer_of(co) = L;
  lua_pushvalue(L, lua_upvalueindex(1)); /* the original coroutine.resume */
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  *resumer_of(co) = NULL;
  return lua_gettop(L);
}

/* The part written in Lua: coroutine.wrap over the wrapped create/resume; setmetatable without
 * __gc, because Lua runs finalizers with hooks off: a loop in one could never be stopped. */
static const char SANDBOX_LUA[] =
    "local create, resume, error, setmetatable, rawget, type = ...\n"
    "local function set(t, mt)\n"
    "  if type(mt) == 'table' and rawget(mt, '__gc') ~= nil then\n"
    "    error('setmetatable: __gc is not allowed in scripts (finalizers cannot be stopped)', 2)\n"
    "  end\n"
    "  return setmetatable(t, mt)\n"
    "end\n"
    "return function(f)\n"
    "  local co = create(f)\n"
    "  local function pass(ok, ...)\n"
    "    if not ok then error((...), 0) end\n"
    "    return ...\n"
    "  end\n"
    "  return function(...) return pass(resume(co, ...)) end\n"
    "end, set\n";

int runtime_sandbox(lua_State *L, const char *home, const char *data_dir, char *err, size_t errlen) {
  char *real_home = realpath(home, NULL);
  if (real_home == NULL) {
    snprintf(err, errlen, "%s: cannot resolve CHARTD_HOME", home);
    return -1;
  }
  *resumer_of(L) = NULL;
  /* require: package.preload, then text files under <home>/lua only */
  lua_getglobal(L, "package");
  lua_createtable(L, 2, 0);
  lua_getfield(L, -2, "searchers");
  lua_rawgeti(L, -1, 1); /* the preload searcher */
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  lua_pushstring(L, home);
  lua_pushcclosure(L, searcher_home, 1);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, "searchers");
  lua_pushnil(L);
  lua_setfield(L, -2, "loadlib");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);

  /* io: read-only open under home */
  lua_getglobal(L, "io");
  lua_createtable(L, 0, 1);
  lua_getfield(L, -2, "open");
  lua_pushstring(L, real_home);
  lua_pushstring(L, data_dir ? data_dir : "");
  lua_pushcclosure(L, sandbox_open, 3);
  lua_setfield(L, -2, "open");
  lua_setglobal(L, "io");
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  static const char *const GONE[] = {"io", "os", "debug"};
  for (size_t i = 0; i < sizeof GONE / sizeof GONE[0]; i++) { /* require "io" must not hand it back */
    lua_pushnil(L);
    lua_setfield(L, -2, GONE[i]);
  }
  lua_pop(L, 1);

  /* os: time and dates only */
  lua_getglobal(L, "os");
  lua_createtable(L, 0, 4);
  static const char *const OS_KEEP[] = {"time", "date", "clock", "difftime"};
  for (size_t i = 0; i < sizeof OS_KEEP / sizeof OS_KEEP[0]; i++) {
    lua_getfield(L, -2, OS_KEEP[i]);
    lua_setfield(L, -2, OS_KEEP[i]);
  }
  lua_setglobal(L, "os");
  lua_pop(L, 1);

  static const char *const GLOBALS_GONE[] = {"debug", "dofile", "loadfile"};
  for (size_t i = 0; i < sizeof GLOBALS_GONE / sizeof GLOBALS_GONE[0]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, GLOBALS_GONE[i]);
  }
  lua_getglobal(L, "load");
  lua_pushcclosure(L, sandbox_load, 1);
  lua_setglobal(L, "load");
  /* string.find/match/gmatch/gsub that a stop reaches inside a long match (Lua's own run it
   * in one C call, where no hook runs): chartd.pattern, opened afresh so that it sees the
   * predicate even when something required it before the sandbox. The string metatable's
   * __index is this same table, so s:find(...) gets them too. */
  static const struct chartd_pattern_stop PATTERN_STOP = {runtime_stop_requested};
  lua_pushlightuserdata(L, (void *)&PATTERN_STOP);
  lua_setfield(L, LUA_REGISTRYINDEX, CHARTD_PATTERN_STOP);
  lua_pushcfunction(L, luaopen_chartd_pattern);
  lua_call(L, 0, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "chartd.pattern");
  lua_pop(L, 1);
  lua_getglobal(L, "string");
  static const char *const PATTERN_FNS[] = {"find", "match", "gmatch", "gsub"};
  for (size_t i = 0; i < sizeof PATTERN_FNS / sizeof PATTERN_FNS[0]; i++) {
    lua_getfield(L, -2, PATTERN_FNS[i]);
    lua_setfield(L, -2, PATTERN_FNS[i]);
  }
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 2);

  /* coroutines that the host's stop reaches */
  lua_getglobal(L, "coroutine");
  lua_pushcfunction(L, sandbox_create);
  lua_setfield(L, -2, "create");
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, sandbox_resume, 1);
  lua_setfield(L, -2, "resume");
  if (luaL_loadbufferx(L, SANDBOX_LUA, sizeof SANDBOX_LUA - 1, "=sandbox", "t") != LUA_OK) {
    snprintf(err, errlen, "sandbox: %s", lua_tostring(L, -1));
    free(real_home);
    return -1;
  }
  lua_getfield(L, -2, "create");
  lua_getfield(L, -3, "resume");
  lua_getglobal(L, "error");
  lua_getglobal(L, "setmetatable");
  lua_getglobal(L, "rawget");
  lua_getglobal(L, "type");
  lua_call(L, 6, 2);
  lua_setglobal(L, "setmetatable");
  lua_setfield(L, -2, "wrap");
  lua_pop(L, 1);
  free(real_home);
  return 0;
}
