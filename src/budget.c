/* The one way Lua runs under a budget — time, instructions, memory — for requests, state builds and the self-test. */
#include "budget.h"

#include <lauxlib.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static double clock_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double budget_now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

/* Past its deadline (wall) or its CPU-time budget (lock held, or the owner before it runs).
 * The owner's CPU clock may be read from the watchdog thread: on Linux it names the thread by
 * its id and stays valid while the thread lives, and a run is registered only between
 * budget_begin and budget_end on that thread. */
static bool over_time(const struct budget_run *r, double now) {
  if (r->deadline_ms > 0 && now > r->deadline_ms) return true;
  return r->cpu_deadline_ms > 0 && clock_ms(r->cpu_clock) > r->cpu_deadline_ms;
}

/* Runs registered with the watchdog, and every change to a run's running/hooked/stop. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct budget_run *runs;
static pthread_once_t watchdog_once = PTHREAD_ONCE_INIT;
/* The run being resumed on this thread: the count hook and the allocator charge it. */
static _Thread_local struct budget_run *current;

/* Marks run stopped and hooks its coroutine if it is inside lua_resume (lock held). */
static void stop_locked(struct budget_run *run, enum budget_stop why) {
  if (run->stop == BUDGET_RUNNING) {
    run->stop = why;
    run->stopped_ms = budget_now_ms();
  }
  if (run->running && !run->hooked) {
    lua_sethook(run->co, budget_stop_hook, LUA_MASKCOUNT, 1);
    run->hooked = true;
  }
}

void budget_stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  /* Yielding cannot be swallowed by a script's pcall; across a C boundary (require, a
   * table.sort comparator) only an error is possible, and the hook fires again at the next
   * instruction. Inside a hook lua_yield returns and the yield happens when the hook
   * returns, so return at once: falling through to the error would give a pcall something
   * to swallow. */
  if (lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "stopped: over its budget or cancelled");
}

/* ---- the watchdog ---- */

static void *watchdog_main(void *arg) {
  (void)arg;
  struct timespec tick = {0, BUDGET_TICK_MS * 1000 * 1000};
  for (;;) {
    double now = budget_now_ms();
    pthread_mutex_lock(&mu);
    for (struct budget_run *r = runs; r; r = r->next) {
      if (r->stop != BUDGET_RUNNING) continue;
      if (budget_cancelled(r->cancel)) stop_locked(r, BUDGET_CANCELLED);
      else if (over_time(r, now)) stop_locked(r, BUDGET_TIMEOUT);
    }
    pthread_mutex_unlock(&mu);
    nanosleep(&tick, NULL);
  }
  return NULL;
}

/* One thread for the process's life: it holds nothing but the lock for a moment per tick. */
static void start_watchdog(void) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&t, &attr, watchdog_main, NULL) != 0) abort(); /* no budgets: refuse to run */
  pthread_attr_destroy(&attr);
}

/* ---- instructions ---- */

#define COUNT_STEP 100000

static void charge(struct budget_run *run, uint64_t n) {
  if (run == NULL || !run->count_instructions) return;
  run->instructions = run->instructions > n ? run->instructions - n : 0;
  if (run->instructions == 0) {
    pthread_mutex_lock(&mu);
    stop_locked(run, BUDGET_INSTRUCTIONS);
    pthread_mutex_unlock(&mu);
  }
}

static void count_hook(lua_State *L, lua_Debug *ar) {
  (void)L;
  (void)ar;
  struct budget_run *run = current;
  charge(run, run && run->instructions < COUNT_STEP ? run->instructions : COUNT_STEP);
}

void budget_count(int instructions) { charge(current, (uint64_t)instructions); }

/* ---- the cancel switch ---- */

enum { SWITCH_OPEN, SWITCH_CANCELLED, SWITCH_SETTLED };

/* Throws c to `to` unless it was thrown already; true when c is at `to` now. */
static bool throw_switch(struct budget_cancel *c, int to) {
  int open = SWITCH_OPEN;
  return atomic_compare_exchange_strong(&c->state, &open, to) || open == to;
}

bool budget_cancel(struct budget_cancel *c) { return throw_switch(c, SWITCH_CANCELLED); }
bool budget_settle(struct budget_cancel *c) { return throw_switch(c, SWITCH_SETTLED); }
bool budget_cancelled(const struct budget_cancel *c) {
  return c && atomic_load(&((struct budget_cancel *)c)->state) == SWITCH_CANCELLED;
}

/* ---- runs ---- */

void budget_begin(struct budget_run *run, lua_State *L, lua_State *co, const struct budget_limits *limits,
                  const struct budget_cancel *cancel) {
  pthread_once(&watchdog_once, start_watchdog);
  *run = (struct budget_run){.L = L, .co = co, .cancel = cancel};
  if (limits->deadline_ms > 0) {
    run->deadline_ms = limits->deadline_ms;
  } else if (limits->time_ms > 0 && limits->cpu_time && pthread_getcpuclockid(pthread_self(), &run->cpu_clock) == 0) {
    run->cpu_deadline_ms = clock_ms(run->cpu_clock) + limits->time_ms;
    run->deadline_ms = budget_now_ms() + limits->time_ms * BUDGET_CPU_WALL_FACTOR;
  } else if (limits->time_ms > 0) {
    run->deadline_ms = budget_now_ms() + limits->time_ms;
  }
  run->memory_bytes = limits->memory_bytes ? limits->memory_bytes : BUDGET_SCRIPT_MEMORY;
  if (limits->instructions > 0) {
    run->count_instructions = true;
    run->instructions = limits->instructions;
    uint64_t step = limits->instructions < COUNT_STEP ? limits->instructions : COUNT_STEP;
    lua_sethook(co, count_hook, LUA_MASKCOUNT, (int)step);
  }
  pthread_mutex_lock(&mu);
  run->next = runs;
  if (runs) runs->prev = run;
  runs = run;
  pthread_mutex_unlock(&mu);
}

void budget_end(struct budget_run *run) {
  pthread_mutex_lock(&mu);
  if (run->prev) run->prev->next = run->next; else if (runs == run) runs = run->next;
  if (run->next) run->next->prev = run->prev;
  run->prev = run->next = NULL;
  pthread_mutex_unlock(&mu);
}

enum budget_stop budget_stopped(struct budget_run *run) {
  pthread_mutex_lock(&mu);
  enum budget_stop stop = run->stop;
  pthread_mutex_unlock(&mu);
  return stop;
}

const char *budget_stop_name(enum budget_stop stop) {
  static const char *const NAMES[] = {"running", "cancelled", "timeout", "instructions", "memory"};
  return NAMES[stop];
}

int budget_stuck(void) {
  double now = budget_now_ms();
  int n = 0;
  pthread_mutex_lock(&mu);
  for (struct budget_run *r = runs; r; r = r->next)
    n += r->running && r->stopped_ms > 0 && now > r->stopped_ms + BUDGET_STUCK_MS;
  pthread_mutex_unlock(&mu);
  return n;
}

/* ---- the memory cap ----
 * The allocator counts every byte of the state. The cap applies only while a run is armed
 * (inside budget_resume): disarmed means unlimited, so host code never fails an allocation
 * outside a protected call (that aborts through the panic handler). A shrink or free never
 * fails (docs/STACK.md, "Lua limits"). */
struct cap {
  lua_Alloc inner;
  void *inner_ud;
  size_t used;
  struct budget_run *armed; /* the run being resumed, or NULL */
};

static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct cap *c = ud;
  size_t old = ptr ? osize : 0;
  struct budget_run *run = c->armed;
  if (run && nsize > old && (nsize - old > run->memory_bytes || c->used + (nsize - old) > run->memory_bytes)) {
    /* a script's pcall may swallow the error: the stop stays and the hook fires again */
    pthread_mutex_lock(&mu);
    stop_locked(run, BUDGET_MEMORY);
    pthread_mutex_unlock(&mu);
    return NULL;
  }
  void *p = c->inner(c->inner_ud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) c->used = (c->used > old ? c->used - old : 0) + nsize;
  return p;
}

static struct cap *cap_of(lua_State *L) {
  void *ud;
  return lua_getallocf(L, &ud) == cap_alloc ? ud : NULL;
}

int budget_memory_cap(lua_State *L) {
  if (cap_of(L)) return 0;
  struct cap *c = calloc(1, sizeof *c);
  if (c == NULL) return -1;
  c->inner = lua_getallocf(L, &c->inner_ud);
  c->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  lua_setallocf(L, cap_alloc, c);
  return 0;
}

size_t budget_memory_used(lua_State *L) {
  struct cap *c = cap_of(L);
  return c ? c->used : (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024;
}

void budget_close(lua_State *L) {
  struct cap *c = cap_of(L);
  lua_close(L);
  free(c);
}

int budget_resume(struct budget_run *run, int nargs, int *nres) {
  *nres = 0;
  double now = budget_now_ms();
  pthread_mutex_lock(&mu);
  /* Over while it waited (an LLM call, a queue): the watchdog may not have looked yet. */
  if (run->stop == BUDGET_RUNNING && budget_cancelled(run->cancel)) run->stop = BUDGET_CANCELLED;
  if (run->stop == BUDGET_RUNNING && over_time(run, now)) run->stop = BUDGET_TIMEOUT;
  bool skip = run->stop != BUDGET_RUNNING;
  run->running = !skip;
  pthread_mutex_unlock(&mu);
  if (skip) return BUDGET_NOT_RESUMED;
  struct cap *c = cap_of(run->L);
  struct budget_run *outer = current;
  current = run;
  if (c) c->armed = run;
  int rc = lua_resume(run->co, run->L, nargs, nres);
  if (c) c->armed = NULL;
  current = outer;
  pthread_mutex_lock(&mu);
  run->running = false;
  pthread_mutex_unlock(&mu);
  return rc;
}
