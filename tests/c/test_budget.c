/* Tests src/budget.c, the one budget mechanism: a loop a pcall hides is stopped at its deadline
 * (by the watchdog thread), by its cancel flag, by an instruction limit (deterministic) and by
 * the memory cap; a run that keeps to its budget is never touched; and a run held in a C call,
 * where no hook runs, is reported stuck (what /readyz says) once past its deadline. */
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <time.h>

#include "../../src/budget.h"
#include "check.h"

static lua_State *fresh(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  CHECK_INT(budget_memory_cap(L), 0);
  return L;
}

/* Runs chunk as a budgeted coroutine of L; returns why it stopped (BUDGET_RUNNING: it ended). */
static enum budget_stop run(lua_State *L, const char *chunk, struct budget_limits lim, struct budget_cancel *cancel,
                            int *status) {
  lua_State *co = lua_newthread(L);
  CHECK_INT(luaL_loadbufferx(co, chunk, strlen(chunk), "=chunk", "t"), LUA_OK);
  struct budget_run r;
  budget_begin(&r, L, co, &lim, cancel);
  int nres = 0;
  *status = budget_resume(&r, 0, &nres);
  enum budget_stop stop = budget_stopped(&r);
  budget_end(&r);
  lua_pop(L, 1);
  return stop;
}

static int sleep_c(lua_State *L) { /* a C call no hook reaches */
  struct timespec ts = {(time_t)luaL_checkinteger(L, 1), 0};
  nanosleep(&ts, NULL);
  return 0;
}

static atomic_int stuck_seen;
static void *watch_stuck(void *arg) {
  (void)arg;
  for (int i = 0; i < 60 && atomic_load(&stuck_seen) == 0; i++) {
    if (budget_stuck() > 0) atomic_store(&stuck_seen, 1);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

int main(void) {
  lua_State *L = fresh();
  int status;

  /* within budget: untouched */
  CHECK_INT(run(L, "local x = 0 for i = 1, 1e5 do x = x + i end return x", (struct budget_limits){.time_ms = 5000},
                NULL, &status), BUDGET_RUNNING);
  CHECK_INT(status, LUA_OK);

  /* a loop that a pcall would hide: the watchdog stops it at its deadline */
  double t0 = budget_now_ms();
  CHECK_INT(run(L, "while true do pcall(function() while true do end end) end", (struct budget_limits){.time_ms = 100},
                NULL, &status), BUDGET_TIMEOUT);
  double took = budget_now_ms() - t0;
  CHECK(took >= 100 && took < 3000);
  CHECK(status != LUA_OK);

  /* the cancel switch */
  struct budget_cancel cancel = {0};
  CHECK(budget_cancel(&cancel));
  CHECK(!budget_settle(&cancel)); /* thrown once: a cancelled run's answer is refused */
  CHECK_INT(run(L, "while true do end", (struct budget_limits){.time_ms = 60000}, &cancel, &status), BUDGET_CANCELLED);
  CHECK_INT(status, BUDGET_NOT_RESUMED); /* cancelled before it ran: never resumed */

  /* settled (its answer went out): a cancel after that neither takes nor stops the run, which
   * ends at its deadline as any run would */
  struct budget_cancel settled = {0};
  CHECK(budget_settle(&settled));
  CHECK(!budget_cancel(&settled));
  CHECK(!budget_cancelled(&settled));
  CHECK_INT(run(L, "while true do end", (struct budget_limits){.time_ms = 200}, &settled, &status), BUDGET_TIMEOUT);

  /* an instruction limit: deterministic, whatever the machine's load */
  CHECK_INT(run(L, "local i = 0 while true do i = i + 1 end", (struct budget_limits){.instructions = 200000}, NULL,
                &status), BUDGET_INSTRUCTIONS);
  CHECK_INT(run(L, "local i = 0 for k = 1, 10 do i = i + k end", (struct budget_limits){.instructions = 200000}, NULL,
                &status), BUDGET_RUNNING);

  /* the memory cap: a table bomb inside pcall is stopped, and the host can still allocate */
  CHECK_INT(run(L, "local t = {} pcall(function() for i = 1, 1e9 do t[i] = {i} end end) return #t",
                (struct budget_limits){.time_ms = 60000, .memory_bytes = (size_t)32 << 20}, NULL, &status),
            BUDGET_MEMORY);
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK(budget_memory_used(L) < ((size_t)32 << 20));
  lua_newtable(L); /* disarmed: the host is never refused */
  lua_pop(L, 1);

  /* held in C past its deadline: stuck, as /readyz reports; not stuck before */
  CHECK_INT(budget_stuck(), 0);
  lua_register(L, "sleep_c", sleep_c);
  pthread_t watcher;
  pthread_create(&watcher, NULL, watch_stuck, NULL);
  run(L, "sleep_c(3)", (struct budget_limits){.time_ms = 100}, NULL, &status);
  pthread_join(watcher, NULL);
  CHECK_INT(atomic_load(&stuck_seen), 1);
  CHECK_INT(budget_stuck(), 0); /* over once it returned */

  budget_close(L);
  return check_done("test_budget");
}
