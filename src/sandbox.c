/* The sandbox of every state that runs scripts on behalf of the server: what scripts may reach, and files from a generation. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"
#include "budget.h"
#include "generation.h"

#define GENERATION_KEY "chartd.generation"
#define SHARED_CHECK_KEY "chartd.shared_check"

static struct generation *gen_of(lua_State *L) {
  struct generation **slot = lua_touserdata(L, lua_upvalueindex(1));
  return *slot;
}

static int gen_gc(lua_State *L) {
  struct generation **slot = lua_touserdata(L, 1);
  generation_release(*slot);
  *slot = NULL;
  return 0;
}

/* rel (at most cap bytes) of path when path names something under home inside one of the
 * generation's folders ("/srv/chartd/themes/../themes/dark.lua" → "themes/dark.lua");
 * false for anything else, which is then a question for the disk. */
static bool covered_rel(const char *home, const char *path, char *rel, size_t cap) {
  size_t hl = strlen(home);
  while (hl > 1 && home[hl - 1] == '/') hl--;
  if (strncmp(path, home, hl) != 0 || path[hl] != '/') return false;
  size_t n = 0;
  for (const char *p = path + hl; *p;) {
    while (*p == '/') p++;
    size_t len = strcspn(p, "/");
    if (len == 0) break;
    if (len == 1 && p[0] == '.') {
      /* nothing */
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      if (n == 0) return false; /* above home */
      while (n > 0 && rel[n - 1] != '/') n--;
      if (n > 0) n--;
    } else {
      if (n + len + 2 > cap) return false;
      if (n > 0) rel[n++] = '/';
      memcpy(rel + n, p, len);
      n += len;
    }
    p += len;
  }
  rel[n] = '\0';
  return n > 0 && generation_covers(rel);
}

/* ---- require: package.preload, then the generation's lua/ ---- */

/* A module name is letters, digits, '_' and single dots, so nothing reaches outside lua/.
 * Binary chunks are refused by mode "t". The chunk is named by its path under home, as a
 * file on disk would be (tracebacks and the self-test's messages read the same). */
static int searcher_generation(lua_State *L) {
  size_t n;
  const char *name = luaL_checklstring(L, 1, &n);
  struct generation *gen = gen_of(L);
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
  static const char *const FORMS[] = {"lua/%s.lua", "lua/%s/init.lua"};
  for (int i = 0; i < 2; i++) {
    char file[300];
    snprintf(file, sizeof file, FORMS[i], rel);
    size_t len;
    const char *text = generation_file(gen, file, &len);
    if (text == NULL) continue;
    lua_pushfstring(L, "%s/%s", generation_home(gen), file);
    const char *path = lua_tostring(L, -1);
    lua_pushfstring(L, "@%s", path);
    if (luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t") != LUA_OK)
      return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, path, lua_tostring(L, -1));
    lua_pushvalue(L, -3);
    return 2;
  }
  lua_pushfstring(L, "\n\tno file '%s/lua/%s.lua' (scripts of generation %d)", generation_home(gen), rel,
                  (int)generation_number(gen));
  return 1;
}

/* ---- io.open: the generation's files from memory, other files under home read-only ---- */

static int memfile_close(lua_State *L) {
  luaL_Stream *p = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
  return luaL_fileresult(L, fclose(p->f) == 0, NULL);
}

/* A real Lua file handle (read, lines, seek, close) over bytes the state's generation owns. */
static int open_bytes(lua_State *L, const char *path, const char *bytes, size_t len) {
  luaL_Stream *p = (luaL_Stream *)lua_newuserdatauv(L, sizeof(luaL_Stream), 0);
  p->closef = NULL; /* "closed" until the stream exists */
  luaL_setmetatable(L, LUA_FILEHANDLE);
  p->f = fmemopen((void *)bytes, len, "r");
  if (p->f == NULL) return luaL_fileresult(L, 0, path);
  p->closef = memfile_close;
  return 1;
}

/* real names a file below dir (both real paths: no link leads out). */
static bool path_under(const char *real, const char *dir) {
  size_t n = strlen(dir);
  return n > 0 && strncmp(real, dir, n) == 0 && real[n] == '/';
}

static int sandbox_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  struct generation *gen = gen_of(L);
  if (strcmp(mode, "r") != 0 && strcmp(mode, "rb") != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: mode '%s' is not allowed (read only)", path, mode);
    return 2;
  }
  char rel[1024];
  if (covered_rel(generation_home(gen), path, rel, sizeof rel)) {
    size_t len;
    const char *bytes = generation_file(gen, rel, &len);
    if (bytes) return open_bytes(L, path, bytes, len);
    errno = ENOENT;
    return luaL_fileresult(L, 0, path);
  }
  const char *home = lua_tostring(L, lua_upvalueindex(3));
  const char *data_dir = lua_tostring(L, lua_upvalueindex(4));
  char *real = realpath(path, NULL);
  bool inside = real != NULL && (path_under(real, home) || path_under(real, data_dir));
  free(real);
  if (!inside) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: not a readable file under CHARTD_HOME or CHARTD_DATA_DIR", path);
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(2)); /* the real io.open */
  lua_pushstring(L, path);
  lua_pushstring(L, mode);
  lua_call(L, 2, LUA_MULTRET);
  return lua_gettop(L) - 2;
}

/* ---- chartd.fs.list and package.searchpath over the generation ---- */

static void push_name(void *ud, const char *name) {
  lua_State *L = ud;
  lua_pushstring(L, name);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

static int sandbox_list(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  struct generation *gen = gen_of(L);
  char rel[1024];
  if (!covered_rel(generation_home(gen), dir, rel, sizeof rel)) {
    lua_pushvalue(L, lua_upvalueindex(2)); /* the real fs.list */
    lua_pushvalue(L, 1);
    lua_call(L, 1, 2);
    return 2;
  }
  lua_newtable(L);
  if (generation_list(gen, rel, push_name, L) < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: No such file or directory", dir);
    return 2;
  }
  return 1;
}

static int sandbox_searchpath(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *path = luaL_checkstring(L, 2);
  const char *sep = luaL_optstring(L, 3, ".");
  const char *rep = luaL_optstring(L, 4, "/");
  struct generation *gen = gen_of(L);
  if (*sep) name = luaL_gsub(L, name, sep, rep);
  for (const char *p = path; *p;) {
    size_t len = strcspn(p, ";");
    lua_pushlstring(L, p, len);
    const char *candidate = luaL_gsub(L, lua_tostring(L, -1), "?", name);
    char rel[1024];
    size_t flen;
    if (covered_rel(generation_home(gen), candidate, rel, sizeof rel) && generation_file(gen, rel, &flen)) {
      lua_pushstring(L, candidate);
      return 1;
    }
    lua_pop(L, 2);
    p += len;
    if (*p == ';') p++;
  }
  luaL_pushfail(L);
  lua_pushfstring(L, "no file for '%s' in the scripts of generation %d", name, (int)generation_number(gen));
  return 2;
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

/* Coroutines a script creates do not see the host's stop hook, which sits on the run's
 * coroutine (budget.c): each gets a sparse count hook that yields it when a coroutine that
 * resumed it (up the chain) carries the stop hook. The resumer is kept in the thread's extra
 * space only while the resume runs, so the chain is always alive. The same hook reports the
 * coroutine's instructions to the budget. */
#define INNER_HOOK_COUNT 10000

static lua_State **resumer_of(lua_State *co) { return (lua_State **)lua_getextraspace(co); }

/* The watchdog thread may call lua_sethook on one of these threads while this runs on the
 * worker thread. lua_sethook is the Lua call meant to be made asynchronously (lua.c calls it
 * from its SIGINT handler; 5.4's ldebug.c: it "can be called during a signal, under
 * 'reasonable' assumptions ... We assume that pointers are atomic too"): it stores the hook
 * pointer, then the mask. Here we only read the pointer, through lua_gethook (a call into
 * liblua, so never cached across iterations): an aligned pointer is stored and loaded whole
 * on the machines we build for, so the read sees the old hook or the stop hook, and a read
 * that just misses the store is repeated at the next check (inner_hook: 10,000 instructions;
 * chartd.pattern: PAT_CHECK_STEPS steps). The threads stay alive meanwhile: the watchdog
 * holds the budget lock and only hooks a run inside lua_resume. */
bool sandbox_stop_requested(lua_State *L) {
  for (lua_State *p = L; p != NULL; p = *resumer_of(p))
    if (lua_gethook(p) == budget_stop_hook) return true;
  return false;
}

static void inner_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  budget_count(INNER_HOOK_COUNT);
  if (!sandbox_stop_requested(L)) return;
  if (lua_isyieldable(L)) { /* inside a hook lua_yield returns; the yield follows the return */
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "stopped: over its budget or cancelled");
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


/* What every script of a state shares besides metatables: the globals and the standard library
 * tables (string's is also every string's methods). Noted once the sandbox is in place; the
 * returned function names the first entry a script has since replaced or removed, or nil.
 * Checked after a build and after the self-test: no run-time cost (a read-only proxy would
 * add a lookup to every string.format). */
static const char SHARED_LUA[] =
    "local next, type, rawget, rawequal, tostring = next, type, rawget, rawequal, tostring\n"
    "local noted = {}\n"
    "local function note(prefix, t)\n"
    "  local copy = {}\n"
    "  for k, v in next, t do copy[k] = v end\n"
    "  noted[#noted + 1] = { prefix = prefix, t = t, copy = copy }\n"
    "end\n"
    "note('', _G)\n"
    "for k, v in next, _G do\n"
    "  if type(v) == 'table' and k ~= '_G' and k ~= 'package' then note(k .. '.', v) end\n"
    "end\n"
    "return function()\n"
    "  for _, n in next, noted do\n"
    "    for k, v in next, n.copy do\n"
    "      if not rawequal(rawget(n.t, k), v) then return n.prefix .. tostring(k) end\n"
    "    end\n"
    "  end\n"
    "end\n";

int sandbox_check_shared(lua_State *L, char *err, size_t errlen) {
  lua_getfield(L, LUA_REGISTRYINDEX, SHARED_CHECK_KEY);
  int rc = lua_pcall(L, 0, 1, 0);
  if (rc != LUA_OK)
    snprintf(err, errlen, "checking the globals: %s", lua_tostring(L, -1));
  else if (lua_type(L, -1) == LUA_TSTRING)
    snprintf(err, errlen, "a script replaced %s, which every script shares (the standard library and the globals "
             "are read-only: keep a changed copy in a local)", lua_tostring(L, -1));
  bool ok = rc == LUA_OK && lua_isnil(L, -1);
  lua_pop(L, 1);
  return ok ? 0 : -1;
}

/* preload["chartd.fs"] once the sandbox holds it: require after package.loaded was cleared
 * gets the sandbox's table again, never a fresh one reading the disk. */
static int return_upvalue(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

/* The metatables every script of the state shares: strings', file handles', and each
 * userdata type's (luaL_newmetatable tables in the registry, which carry __name). */
static void protect_metatables(lua_State *L) {
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_pushnil(L);
  while (lua_next(L, LUA_REGISTRYINDEX) != 0) { /* key, value */
    if (lua_type(L, -1) == LUA_TTABLE) {
      lua_pushliteral(L, "__name");
      if (lua_rawget(L, -2) == LUA_TSTRING) {
        lua_pushliteral(L, "protected");
        lua_setfield(L, -3, "__metatable");
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
}

int sandbox_apply(lua_State *L, struct generation *gen, const char *data_dir, char *err, size_t errlen) {
  char *real_home = realpath(generation_home(gen), NULL);
  if (real_home == NULL) {
    snprintf(err, errlen, "%s: cannot resolve CHARTD_HOME", generation_home(gen));
    return -1;
  }
  *resumer_of(L) = NULL;
  /* The generation lives as long as the state: a userdata in the registry releases it. */
  struct generation **slot = lua_newuserdatauv(L, sizeof *slot, 0);
  *slot = gen;
  generation_retain(gen);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, gen_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, GENERATION_KEY);
#define PUSH_GEN() lua_getfield(L, LUA_REGISTRYINDEX, GENERATION_KEY)

  /* chartd.pattern asks the host mid-match: the predicate must be there before it opens.
   * Then every binding opens now, before any script, so their metatables can be protected. */
  static const struct chartd_pattern_stop PATTERN_STOP = {sandbox_stop_requested};
  lua_pushlightuserdata(L, (void *)&PATTERN_STOP);
  lua_setfield(L, LUA_REGISTRYINDEX, CHARTD_PATTERN_STOP);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) { /* package, preload, name, luaopen */
    lua_pop(L, 1);
    lua_getglobal(L, "require");
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0); /* C code of ours: its errors are bugs, raised to the builder's pcall */
  }
  lua_pop(L, 1);
  /* C libraries the scripts use from outside chartd (lua-cjson), through package.cpath,
   * which the sandbox empties next. */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "cjson");
  lua_call(L, 1, 0);

  /* require: package.preload, then the generation's lua/ */
  lua_createtable(L, 2, 0);
  lua_getfield(L, -2, "searchers");
  lua_rawgeti(L, -1, 1); /* the preload searcher */
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  PUSH_GEN();
  lua_pushcclosure(L, searcher_generation, 1);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, "searchers");
  PUSH_GEN();
  lua_pushcclosure(L, sandbox_searchpath, 1);
  lua_setfield(L, -2, "searchpath");
  lua_pushnil(L);
  lua_setfield(L, -2, "loadlib");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  /* chartd.fs.list answers the generation's folders */
  lua_getfield(L, -1, "loaded");
  lua_getfield(L, -1, "chartd.fs");
  PUSH_GEN();
  lua_getfield(L, -2, "list");
  lua_pushcclosure(L, sandbox_list, 2);
  lua_setfield(L, -2, "list");
  lua_getfield(L, -3, "preload");
  lua_pushvalue(L, -2);
  lua_pushcclosure(L, return_upvalue, 1);
  lua_setfield(L, -2, "chartd.fs");
  lua_pop(L, 4); /* preload, chartd.fs, loaded, package */

  /* io: read-only open, the generation's files from memory */
  lua_getglobal(L, "io");
  lua_createtable(L, 0, 1);
  PUSH_GEN();
  lua_getfield(L, -3, "open");
  lua_pushstring(L, real_home);
  lua_pushstring(L, data_dir ? data_dir : "");
  lua_pushcclosure(L, sandbox_open, 4);
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
   * in one C call, where no hook runs). The string metatable's __index is this same table,
   * so s:find(...) gets them too. */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "chartd.pattern");
  lua_call(L, 1, 1);
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
  protect_metatables(L);
  if (luaL_loadbufferx(L, SHARED_LUA, sizeof SHARED_LUA - 1, "=sandbox_shared", "t") != LUA_OK) {
    snprintf(err, errlen, "sandbox: %s", lua_tostring(L, -1));
    free(real_home);
    return -1;
  }
  lua_call(L, 0, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, SHARED_CHECK_KEY);
  free(real_home);
  return 0;
#undef PUSH_GEN
}
