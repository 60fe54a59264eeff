/* Tests that the script budget (state_script_limits: worker state builds, `chartd check`, the
 * reload self-test) counts the CPU time the run's thread consumed, not wall time. A loaded
 * machine is simulated deterministically: the run's thread shares one CPU with burner threads
 * pinned to it, so its wall time is several times its CPU time. Nothing here asserts on wall
 * time: (1) a runaway loop is still stopped, after about its budget of CPU time; (2) a script
 * that needs a third of its budget in CPU time passes, though it takes longer than the
 * budget in wall time (on a wall-clock budget it is refused). */
#define _GNU_SOURCE
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "../../src/budget.h"
#include "../../src/config.h"
#include "../../src/state.h"
#include "check.h"

#define BURNERS 5 /* the run gets at most 1/6 of its CPU: >= 6x its CPU time in wall time */

static double thread_cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static atomic_bool burning;
static void *burn(void *arg) {
  (void)arg;
  volatile unsigned long n = 0;
  while (atomic_load_explicit(&burning, memory_order_relaxed)) n++;
  return NULL;
}

/* Pins this thread to one CPU it may use and starts BURNERS threads there (they inherit it). */
static pthread_t burners[BURNERS];
static void load_start(void) {
  cpu_set_t allowed, one;
  CHECK_INT(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET(c, &allowed)) {
      CPU_SET(c, &one);
      break;
    }
  CHECK_INT(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
  atomic_store(&burning, true);
  for (int i = 0; i < BURNERS; i++) CHECK_INT(pthread_create(&burners[i], NULL, burn, NULL), 0);
}

static void load_stop(cpu_set_t *restore) {
  atomic_store(&burning, false);
  for (int i = 0; i < BURNERS; i++) pthread_join(burners[i], NULL);
  pthread_setaffinity_np(pthread_self(), sizeof *restore, restore);
}

static char err[512];

/* Runs chunk(iterations) under limits; returns state_run's result. */
static int run(lua_State *L, const char *chunk, double iterations, const struct budget_limits *limits) {
  CHECK_INT(luaL_loadbufferx(L, chunk, strlen(chunk), "=chunk", "t"), LUA_OK);
  lua_pushnumber(L, iterations);
  err[0] = '\0';
  int rc = state_run(L, 1, 0, limits, "the script", err, sizeof err);
  return rc;
}

static const char WORK[] = "local n = ... local x = 0 for i = 1, n do x = x + i % 7 end return x";
static const char RUNAWAY[] = "while true do pcall(function() while true do end end) end";

int main(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  CHECK_INT(budget_memory_cap(L), 0);
  cpu_set_t all;
  CHECK_INT(sched_getaffinity(0, sizeof all, &all), 0);

  /* Calibrate (unloaded, no time limit; this also starts the watchdog before any pinning):
   * the work that takes >= 150 ms of this thread's CPU time. */
  struct budget_limits unlimited = {0};
  double iterations = 1e6, work_ms = 0;
  for (;;) {
    double c0 = thread_cpu_ms();
    CHECK_INT(run(L, WORK, iterations, &unlimited), 0);
    work_ms = thread_cpu_ms() - c0;
    if (work_ms >= 150 || iterations > 1e10) break;
    iterations *= 2;
  }

  struct chartd_config cfg = {0};
  cfg.script_budget_ms = (int)(3 * work_ms); /* the work needs a third of it in CPU time */
  struct budget_limits limits = state_script_limits(&cfg);

  /* (2) loaded: the work takes >= 6x its CPU time in wall time, past the budget, and passes */
  load_start();
  double w0 = budget_now_ms(), c0 = thread_cpu_ms();
  int rc = run(L, WORK, iterations, &limits);
  double wall = budget_now_ms() - w0, cpu = thread_cpu_ms() - c0;
  printf("loaded work: budget %d ms, %.0f ms CPU, %.0f ms wall\n", cfg.script_budget_ms, cpu, wall);
  CHECK_INT(rc, 0);
  if (rc != 0) fprintf(stderr, "refused: %s\n", err);

  /* (1) loaded, a runaway loop a pcall would hide: stopped after about its budget of CPU time
   * (the watchdog looks every BUDGET_TICK_MS of wall time, so less CPU than that passes
   * between two looks; the tolerance is for a watchdog starved by the load), unless a machine
   * loaded past all reason reached the wall-clock backstop first */
  cfg.script_budget_ms = 200;
  limits = state_script_limits(&cfg);
  c0 = thread_cpu_ms();
  w0 = budget_now_ms();
  CHECK_INT(run(L, RUNAWAY, 0, &limits), -1);
  cpu = thread_cpu_ms() - c0;
  wall = budget_now_ms() - w0;
  printf("loaded runaway: budget 200 ms, stopped after %.0f ms CPU, %.0f ms wall: %s\n", cpu, wall, err);
  CHECK_STR(err, "the script ran past its time budget (200 ms)");
  CHECK(cpu < 200 + 1000);
  CHECK(cpu >= 200 || wall >= 200 * BUDGET_CPU_WALL_FACTOR);
  load_stop(&all);

  budget_close(L);
  return check_done("test_script_budget");
}
