/* `chartd check`: the configuration, the scripts (the reload self-test, in the state a worker builds), and optionally the LLM. */
#include "check.h"

#include <lauxlib.h>
#include <stdio.h>

#include "budget.h"
#include "generation.h"
#include "reload.h"
#include "runtime.h"
#include "state.h"

int check_scripts(const struct chartd_config *cfg, char *err, size_t errlen) {
  struct reload_options o = {.home = runtime_home(), .budget_ms = cfg->script_budget_ms, .cfg = cfg};
  return reload_selftest(&o, err, errlen, NULL, NULL, NULL);
}

int check_llm(const struct chartd_config *cfg, char *msg, size_t msglen) {
  struct generation *gen = generation_read(runtime_home(), 1, msg, msglen);
  if (gen == NULL) return -1;
  struct budget_limits build = state_script_limits(cfg);
  lua_State *L = state_build(gen, cfg, &build, "loading the scripts", msg, msglen);
  generation_release(gen);
  if (L == NULL) return -1;
  /* The call waits on the network: its time budget is the request timeout, as a worker's. */
  struct budget_limits limits = {.time_ms = cfg->timeout_s * 1000.0};
  static const char CHECK[] = "return require('planner.llm_client').check(require('chartd.config'))\n";
  int rc = -1;
  if (luaL_loadbufferx(L, CHECK, sizeof CHECK - 1, "=check", "t") != LUA_OK) {
    snprintf(msg, msglen, "%s", lua_tostring(L, -1));
  } else if (state_run(L, 0, 2, &limits, "planner.llm_client.check", msg, msglen) == 0) {
    const char *text = lua_tostring(L, -1);
    snprintf(msg, msglen, "%s", text ? text : "no answer");
    rc = lua_toboolean(L, -2) ? 0 : -1;
  }
  budget_close(L);
  return rc;
}
