/* Tests that a sandboxed state's string.find/match/gmatch/gsub stop mid-match when the host asks (sandbox_stop_requested). */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>

#include "../../src/budget.h"
#include "../../src/generation.h"
#include "../../src/runtime.h"
#include "../../src/sandbox.h"
#include "check.h"

/* Runs chunk on a fresh coroutine of L, hooked or not; returns its string result (or the error). */
static const char *run(lua_State *L, const char *chunk, bool stop) {
  static char out[256];
  lua_State *co = lua_newthread(L);
  /* the budget's stop hook, set to fire never: its presence alone is the host's "stop" */
  if (stop) lua_sethook(co, budget_stop_hook, LUA_MASKCOUNT, 1 << 30);
  if (luaL_loadbufferx(co, chunk, strlen(chunk), "=chunk", "t") != LUA_OK) {
    snprintf(out, sizeof out, "load: %s", lua_tostring(co, -1));
    lua_pop(L, 1);
    return out;
  }
  int nres = 0;
  int rc = lua_resume(co, L, 0, &nres);
  const char *s = lua_tostring(co, -1);
  snprintf(out, sizeof out, "%s%s", rc == LUA_OK ? "" : "raised: ", s ? s : "(not a string)");
  lua_pop(L, 1); /* the coroutine */
  return out;
}

#define STOPPED(name) "string." name ": pattern matching stopped (the request is over its budget or was cancelled)"

int main(void) {
  char err[256];
  const char *home = ".";
  lua_State *L = runtime_new_state(home, err, sizeof err);
  CHECK(L != NULL);
  if (L == NULL) return check_done("test_pattern_stop");
  struct generation *gen = generation_read(home, 1, err, sizeof err);
  CHECK(gen != NULL);
  CHECK_INT(sandbox_apply(L, gen, "", err, sizeof err), 0);
  generation_release(gen);

  /* ".-.-b" on 1,000 characters: ~1.7e8 steps (about a second) unstopped, 4096 when stopped */
  const char *find = "local s = ('x'):rep(1000)\n"
                     "local ok, e = pcall(string.find, s, '.-.-b')\n"
                     "return e";
  CHECK_STR(run(L, find, true), STOPPED("find"));
  CHECK_STR(run(L, "local ok, e = pcall(function() return ('x'):rep(1000):match('.-.-b') end)\n"
                   "return (e:gsub('^[^:]*:%d+: ', ''))", true), STOPPED("match"));
  CHECK_STR(run(L, "local ok, e = pcall(function() for m in ('x'):rep(1000):gmatch('.-.-b') do end end)\n"
                   "return (e:gsub('^[^:]*:%d+: ', ''))", true), STOPPED("gmatch"));
  CHECK_STR(run(L, "local ok, e = pcall(string.gsub, ('x'):rep(1000), '.-.-b', function() end)\n"
                   "return e", true), STOPPED("gsub"));
  /* in the script's own coroutine: the stop is found up the resumer chain */
  CHECK_STR(run(L, "local co = coroutine.create(function() return pcall(string.find, ('x'):rep(1000), '.-.-b') end)\n"
                   "local _, ok, e = coroutine.resume(co)\n"
                   "return e", true), STOPPED("find"));

  /* no stop asked: a match of ~4.5 million steps (many checks) finishes; so does one in a script
   * coroutine, whose own inner hook is not a stop */
  CHECK_STR(run(L, "return tostring(('x'):rep(300):find('.-.-b'))", false), "nil");
  CHECK_STR(run(L, "return tostring(coroutine.wrap(function() return ('x'):rep(300):find('.-.-b') end)())", false),
            "nil");
  CHECK_STR(run(L, "return (('x'):rep(300):gsub('x', 'y'):sub(1, 3))", false), "yyy");

  /* the string library's functions are chartd.pattern's (method calls go through the same table) */
  CHECK_STR(run(L, "return tostring(string.find == require('chartd.pattern').find and\n"
                   "  ('').find == string.find and string.gsub == require('chartd.pattern').gsub)", false), "true");
  lua_close(L);
  return check_done("test_pattern_stop");
}
