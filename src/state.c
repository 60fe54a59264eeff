/* The one way to build a Lua state that runs scripts for the server: workers, the reload self-test, `chartd check`. */
#include "state.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "bindings.h"
#include "config.h"
#include "generation.h"
#include "http_head.h"
#include "runtime.h"
#include "sandbox.h"

/* The configuration the scripts see, as chartd.config (never the API key). */
void state_publish_config(lua_State *L, const struct chartd_config *cfg) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_createtable(L, 0, 12);
  lua_pushinteger(L, cfg->max_chart_mb * 1024LL * 1024LL);
  lua_setfield(L, -2, "max_chart_bytes");
  lua_pushinteger(L, cfg->max_request_kb * 1024LL);
  lua_setfield(L, -2, "max_request_bytes");
  lua_pushinteger(L, HTTP_MAX_LINE); /* a chart URL's request line: past it 414 */
  lua_setfield(L, -2, "max_request_line_bytes");
  lua_pushinteger(L, (long long)cfg->conversation_mb << 20);
  lua_setfield(L, -2, "conversation_bytes");
  lua_pushinteger(L, cfg->timeout_s);
  lua_setfield(L, -2, "timeout_s");
  lua_pushinteger(L, cfg->max_retries);
  lua_setfield(L, -2, "max_retries");
  lua_pushstring(L, cfg->planner);
  lua_setfield(L, -2, "planner");
  lua_pushstring(L, cfg->llm_model);
  lua_setfield(L, -2, "llm_model");
  lua_pushstring(L, cfg->llm_base_url);
  lua_setfield(L, -2, "llm_base_url");
  lua_pushinteger(L, cfg->llm_timeout_s);
  lua_setfield(L, -2, "llm_timeout_s");
  lua_pushnumber(L, cfg->llm_temperature);
  lua_setfield(L, -2, "llm_temperature");
  lua_pushinteger(L, cfg->llm_seed);
  lua_setfield(L, -2, "llm_seed");
  lua_pushboolean(L, cfg->test_hooks);
  lua_setfield(L, -2, "test_hooks");
  lua_pushstring(L, cfg->app_env);
  lua_setfield(L, -2, "app_env");
  lua_pushinteger(L, cfg->max_pixels);
  lua_setfield(L, -2, "max_pixels");
  lua_pushboolean(L, cfg->redis_host[0] != '\0');
  lua_setfield(L, -2, "redis");
  lua_pushinteger(L, cfg->session_ttl_s);
  lua_setfield(L, -2, "session_ttl_s");
  lua_pushinteger(L, cfg->session_max_kb * 1024LL);
  lua_setfield(L, -2, "session_max_bytes");
  lua_pushinteger(L, cfg->redis_cache_ttl_s);
  lua_setfield(L, -2, "redis_cache_ttl_s");
  lua_pushinteger(L, cfg->redis_cache_max_kb * 1024LL);
  lua_setfield(L, -2, "redis_cache_max_bytes");
  lua_pushinteger(L, cfg->rate_limit);
  lua_setfield(L, -2, "rate_limit");
  if (cfg->data_dir[0]) {
    lua_pushstring(L, cfg->data_dir);
    lua_setfield(L, -2, "data_dir");
  }
  lua_setfield(L, -2, "chartd.config");
  lua_pop(L, 2);
}

static int apply_sandbox(lua_State *L) {
  struct generation *gen = lua_touserdata(L, 1);
  const char *data_dir = lua_tostring(L, 2);
  char err[512];
  if (sandbox_apply(L, gen, data_dir, err, sizeof err) != 0) return luaL_error(L, "%s", err);
  return 0;
}

int state_run(lua_State *L, int nargs, int nres, const struct budget_limits *limits, const char *what, char *err,
              size_t errlen) {
  lua_State *co = lua_newthread(L);
  lua_insert(L, -(nargs + 2)); /* co below the function: it stays referenced while it runs */
  lua_xmove(L, co, nargs + 1);
  struct budget_run run;
  budget_begin(&run, L, co, limits, NULL);
  int got = 0;
  int rc = budget_resume(&run, nargs, &got);
  enum budget_stop stop = budget_stopped(&run);
  budget_end(&run);
  lua_sethook(co, NULL, 0, 0);
  int result = -1;
  if (stop == BUDGET_TIMEOUT || stop == BUDGET_CANCELLED) {
    snprintf(err, errlen, "%s ran past its time budget (%.0f ms)", what, limits->time_ms);
  } else if (stop == BUDGET_MEMORY || rc == LUA_ERRMEM) {
    snprintf(err, errlen, "%s ran out of its memory budget (%zu MiB)", what, run.memory_bytes >> 20);
  } else if (stop == BUDGET_INSTRUCTIONS) {
    snprintf(err, errlen, "%s ran past its instruction budget (%llu)", what, (unsigned long long)limits->instructions);
  } else if (rc == LUA_YIELD) {
    snprintf(err, errlen, "%s yielded; it must run straight through", what);
  } else if (rc != LUA_OK) {
    const char *msg = lua_tostring(co, -1);
    snprintf(err, errlen, "%s", msg ? msg : "(an error that is not a string)");
  } else {
    lua_settop(co, lua_gettop(co) - got + nres); /* the first nres results, nil-padded */
    lua_xmove(co, L, nres);
    result = 0;
  }
  lua_remove(L, -(result == 0 ? nres : 0) - 1); /* co */
  return result;
}

int state_call(lua_State *L, const char *module, const char *fn, int nres, const struct budget_limits *limits,
               const char *what, char *err, size_t errlen) {
  static const char CALL[] = "local module, fn = ...\nreturn require(module)[fn]()\n";
  if (luaL_loadbufferx(L, CALL, sizeof CALL - 1, "=state_call", "t") != LUA_OK) {
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  lua_pushstring(L, module);
  lua_pushstring(L, fn);
  return state_run(L, 2, nres, limits, what, err, errlen);
}

struct budget_limits state_script_budget(double time_ms, size_t memory_bytes) {
  return (struct budget_limits){.time_ms = time_ms, .cpu_time = true, .memory_bytes = memory_bytes};
}

struct budget_limits state_script_limits(const struct chartd_config *cfg) {
  return state_script_budget(cfg->script_budget_ms, BUDGET_SCRIPT_MEMORY);
}

lua_State *state_build(struct generation *gen, const struct chartd_config *cfg, const struct budget_limits *limits,
                       const char *what, char *err, size_t errlen) {
  lua_State *L = runtime_new_state(generation_home(gen), err, errlen);
  if (L == NULL) return NULL;
  if (cfg) state_publish_config(L, cfg);
  /* The server's counters (src/lua_metrics.c): server states only, not the CLI or busted. */
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_chartd_metrics);
  lua_setfield(L, -2, "chartd.metrics");
  lua_pushcfunction(L, luaopen_chartd_redis);
  lua_setfield(L, -2, "chartd.redis");
  lua_pop(L, 2);
  /* chartd.host.scripts: which scripts this state runs (render cache keys) */
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_getfield(L, -1, "chartd.host");
  lua_pushstring(L, generation_digest(gen));
  lua_setfield(L, -2, "scripts");
  lua_pop(L, 3);
  if (budget_memory_cap(L) != 0) {
    snprintf(err, errlen, "out of memory");
    lua_close(L);
    return NULL;
  }
  lua_pushcfunction(L, apply_sandbox);
  lua_pushlightuserdata(L, gen);
  lua_pushstring(L, cfg ? cfg->data_dir : "");
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    snprintf(err, errlen, "the sandbox: %s", lua_tostring(L, -1));
    budget_close(L);
    return NULL;
  }
  /* A failure reads as one line naming file:line (lua/selftest.lua's clean_error). */
  static const char WARM[] = "local ok, err = pcall(require('service').warm)\n"
                             "if not ok then error(require('selftest').clean_error(err), 0) end\n";
  if (luaL_loadbufferx(L, WARM, sizeof WARM - 1, "=warm", "t") != LUA_OK ||
      state_run(L, 0, 0, limits, what, err, errlen) != 0 || sandbox_check_shared(L, err, errlen) != 0) {
    budget_close(L);
    return NULL;
  }
  return L;
}
