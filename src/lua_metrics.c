/* chartd.metrics: the LLM planner's counters for /metrics (src/metrics.c). Host only: plain
 * lua5.4 (busted) has no such module, and the scripts then count nothing. */
#include <lauxlib.h>

#include "bindings.h"
#include "metrics.h"

/* metrics.llm_call(outcome, seconds [, prompt_tokens, completion_tokens]): one HTTP exchange. */
static int l_llm_call(lua_State *L) {
  const char *outcome = luaL_checkstring(L, 1);
  double seconds = luaL_checknumber(L, 2);
  lua_Integer prompt = luaL_optinteger(L, 3, 0), completion = luaL_optinteger(L, 4, 0);
  metrics_llm_call(outcome, seconds, prompt > 0 ? (unsigned long)prompt : 0,
                   completion > 0 ? (unsigned long)completion : 0);
  return 0;
}

/* metrics.llm_repair(): a repair turn sent (the model's answer was not a valid spec). */
static int l_llm_repair(lua_State *L) {
  (void)L;
  metrics_llm_repair();
  return 0;
}

/* metrics.llm_fallback(reason): the offline planner answered instead of the LLM. */
static int l_llm_fallback(lua_State *L) {
  metrics_llm_fallback(luaL_checkstring(L, 1));
  return 0;
}

/* metrics.session(event): a resumable session stored, resumed, ... (src/metrics.h). */
static int l_session(lua_State *L) {
  metrics_session(luaL_checkstring(L, 1));
  return 0;
}

/* metrics.shared_cache(outcome): the render cache's copy in Redis (src/metrics.h). */
static int l_shared_cache(lua_State *L) {
  metrics_shared_cache(luaL_checkstring(L, 1));
  return 0;
}

/* metrics.rate_limit(scope, outcome): "cluster" | "replica", "allowed" | "limited". */
static int l_rate_limit(lua_State *L) {
  metrics_rate_limit(luaL_checkstring(L, 1), luaL_checkstring(L, 2));
  return 0;
}

int luaopen_chartd_metrics(lua_State *L) {
  static const luaL_Reg fns[] = {{"llm_call", l_llm_call},         {"llm_repair", l_llm_repair},
                                 {"llm_fallback", l_llm_fallback}, {"session", l_session},
                                 {"rate_limit", l_rate_limit},     {"shared_cache", l_shared_cache},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
