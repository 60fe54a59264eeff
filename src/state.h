/* The one way to build a Lua state that runs scripts for the server: workers, the reload self-test, `chartd check`. */
#ifndef CHARTD_STATE_H
#define CHARTD_STATE_H

#include <lua.h>
#include <stddef.h>

#include "budget.h"

struct chartd_config;
struct generation;

/* The budget of every state build (workers, `chartd check`) and of the self-test:
 * CHARTD_SCRIPT_BUDGET_MS of the building thread's CPU time (a loaded machine does not count
 * against it; budget.h, cpu_time) and BUDGET_SCRIPT_MEMORY. */
struct budget_limits state_script_limits(const struct chartd_config *cfg);
/* The same budget with other figures (the reload coordinator's options). */
struct budget_limits state_script_budget(double time_ms, size_t memory_bytes);

/* A state for gen: the standard libraries and chartd bindings (runtime_new_state),
 * chartd.config from cfg (may be NULL), the memory cap, the sandbox (sandbox_apply: before
 * any script runs, so module top-level code is sandboxed too), then `service.warm` — every
 * module, theme and prompt loaded and one chart drawn — under limits. Returns the state, or
 * NULL with err ("<what> ran past its time budget (5000 ms)", "lua/charts/bar.lua:3: ...").
 * what names the builder in messages ("the self-test", "loading the scripts"). Close the
 * state with budget_close. */
lua_State *state_build(struct generation *gen, const struct chartd_config *cfg, const struct budget_limits *limits,
                       const char *what, char *err, size_t errlen);

/* package.loaded["chartd.config"]: what the scripts may know of cfg (limits, the planner, the
 * LLM's model and URL; never a key). state_build does it; the CLI does it for its commands. */
void state_publish_config(lua_State *L, const struct chartd_config *cfg);

/* Runs the function below nargs arguments on top of L's stack on a fresh coroutine under
 * limits (the budget every script run of a build uses). Returns 0 with nres results on L's
 * stack in place of the function and arguments, or -1 with err. */
int state_run(lua_State *L, int nargs, int nres, const struct budget_limits *limits, const char *what, char *err,
              size_t errlen);

/* state_run of require(module)[fn](). */
int state_call(lua_State *L, const char *module, const char *fn, int nres, const struct budget_limits *limits,
               const char *what, char *err, size_t errlen);

#endif
