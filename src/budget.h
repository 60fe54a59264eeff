/* The one way Lua runs under a budget — time, instructions, memory — for requests, state builds and the self-test.
 *
 * A budgeted run is one coroutine of a state. It carries no hook while it keeps to its
 * budget (any count hook slows Lua by ~90 %, docs/STACK.md, "Lua limits"): a watchdog thread checks
 * every run's deadline and cancel flag each BUDGET_TICK_MS and sets the stop hook on a run
 * that is over (lua_sethook, the one Lua call made to be called from another thread); the
 * state's allocator refuses memory past the cap and sets the same hook. The stop hook yields
 * the coroutine, which a script's pcall cannot swallow; across a C boundary it raises, and
 * fires again at the next instruction. An instruction limit, when set, is a count hook on the
 * run (so only where its cost is worth it).
 *
 * Threads: a run is begun, resumed and ended by one thread (its owner); the watchdog thread
 * reads it under the budget lock. budget_stuck may be called by any thread. */
#ifndef CHARTD_BUDGET_H
#define CHARTD_BUDGET_H

#include <lua.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BUDGET_TICK_MS 20
/* A run still inside lua_resume this long after it was stopped (its deadline, a cancel, the
 * memory cap) is stuck: the stop did not reach it. /readyz says so. */
#define BUDGET_STUCK_MS 2000
/* What a state's scripts may hold while a run is armed (the host itself is never refused). */
#define BUDGET_SCRIPT_MEMORY ((size_t)256 << 20)
/* A CPU-time budget's wall-clock backstop, as a multiple of it: it ends a run that is blocked
 * without burning CPU, and is loose enough that a busy machine does not reach it (load 15 on
 * 2 cores gives a thread ~1/7.5 of a core: 7.5x its CPU time in wall time). */
#define BUDGET_CPU_WALL_FACTOR 20

struct budget_limits {
  double time_ms;        /* from budget_begin; <= 0: no deadline */
  /* time_ms counts the CPU time the owner thread consumes, not wall time, so a loaded machine
   * does not count against it (scripts loading, the self-test); a wall-clock backstop of
   * BUDGET_CPU_WALL_FACTOR * time_ms still ends a run blocked without burning CPU. Requests
   * keep wall-clock deadlines: their users wait in wall time. */
  bool cpu_time;
  double deadline_ms;    /* or an absolute deadline (budget_now_ms), which wins when set */
  uint64_t instructions; /* 0: no count */
  size_t memory_bytes;   /* the state's whole Lua heap while armed; 0: BUDGET_SCRIPT_MEMORY */
};

enum budget_stop { BUDGET_RUNNING = 0, BUDGET_CANCELLED, BUDGET_TIMEOUT, BUDGET_INSTRUCTIONS, BUDGET_MEMORY };

/* A run's cancel switch, kept by whoever may cancel it (a request's job). It is thrown once,
 * one way or the other: cancelled (chart.cancel, the connection closed, shutdown) or settled
 * (the run's final answer went out). A settled run is never stopped nor counted as cancelled:
 * a client that closes as soon as its chart arrives has not cancelled the chart it got. */
struct budget_cancel {
  atomic_int state; /* 0 (zero-initialized): neither yet */
};
/* True when c is cancelled now (false: it was settled first). Any thread. */
bool budget_cancel(struct budget_cancel *c);
/* True when c is settled now (false: it was cancelled first). Any thread. */
bool budget_settle(struct budget_cancel *c);
bool budget_cancelled(const struct budget_cancel *c);

struct budget_run {
  lua_State *L, *co;
  double deadline_ms;    /* monotonic; 0: none */
  clockid_t cpu_clock;   /* the owner thread's CPU clock, when cpu_deadline_ms is set */
  double cpu_deadline_ms; /* on cpu_clock; 0: none */
  uint64_t instructions; /* left; 0 with limit set = over */
  bool count_instructions;
  size_t memory_bytes;
  const struct budget_cancel *cancel; /* the owner's, or NULL */
  /* under the budget lock */
  bool running, hooked;
  enum budget_stop stop;
  double stopped_ms; /* when stop was set; 0 while running */
  struct budget_run *prev, *next;
};

/* Monotonic milliseconds (the clock every deadline uses). */
double budget_now_ms(void);

/* Registers run for co (a thread of L) with the watchdog; cancel (may be NULL) is the switch
 * the owner throws from any thread to stop it. L must have a memory cap (budget_memory_cap).
 * Call budget_end before co or run goes away. */
void budget_begin(struct budget_run *run, lua_State *L, lua_State *co, const struct budget_limits *limits,
                  const struct budget_cancel *cancel);
void budget_end(struct budget_run *run);

/* lua_resume(co) with the memory cap armed and the watchdog watching. Returns lua_resume's
 * status, or BUDGET_NOT_RESUMED when the run was stopped before (cancelled or past its
 * deadline while it waited). When the budget stopped the run, budget_stopped says why
 * (then co must be abandoned; a status of LUA_OK means it finished first). */
#define BUDGET_NOT_RESUMED (-1)
int budget_resume(struct budget_run *run, int nargs, int *nres);
enum budget_stop budget_stopped(struct budget_run *run);

/* "timeout", "cancelled", "instructions", "memory" (logs). */
const char *budget_stop_name(enum budget_stop stop);

/* Runs stuck right now: stopped BUDGET_STUCK_MS ago and still inside lua_resume (any thread). */
int budget_stuck(void);

/* ---- the memory cap (per state) ---- */

/* Counts L's memory (0, or -1 when out of memory). The cap applies only while a run is
 * armed: host code outside a protected call must never see a failed allocation. */
int budget_memory_cap(lua_State *L);
size_t budget_memory_used(lua_State *L);
/* lua_close plus the cap's bookkeeping. */
void budget_close(lua_State *L);

/* The hook that stops a run (set by the watchdog, the memory cap and the instruction count).
 * A thread carrying it has been asked to stop: sandbox.c's stop predicate looks for it. */
void budget_stop_hook(lua_State *L, lua_Debug *ar);

/* sandbox.c's sparse hook on script-created coroutines reports their instructions here, so
 * an instruction limit reaches them too (the run being resumed on this thread pays). */
void budget_count(int instructions);

#endif
