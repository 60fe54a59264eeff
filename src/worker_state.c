/* A worker's Lua state across hot reloads: built from the serving generation (src/state.c), swapped in for new requests, older states retired until their last task ends.
 *
 * Threads: the worker's own thread only (a state is never shared); the generation number is
 * read from src/generation.c. A build that fails or overruns its budget leaves the worker on
 * the state it had: logged `worker_reload_failed`, counted, and not tried again for that
 * generation. */
#include "workers_private.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "generation.h"
#include "log.h"
#include "metrics.h"
#include "state.h"

/* Worker 0 publishes the lists the service thread serves without touching Lua. */
static void publish_catalog(lua_State *L) {
  char err[512];
  if (state_call(L, "service", "catalog", 3, &pool.build_limits, "service.catalog", err, sizeof err) != 0) {
    char e[600];
    log_writef(LOG_ERROR, "catalog_failed", "\"error\":\"%s\"", workers_esc(e, sizeof e, err));
    return;
  }
  catalog_set(lua_tostring(L, -3), lua_tostring(L, -2), lua_tostring(L, -1));
  lua_pop(L, 3);
}

/* Makes L the state new requests start on: service.handle, the chartd.http loop, the Redis link. */
static void attach_state(struct worker *w, lua_State *L) {
  w->L = L;
  lua_getglobal(L, "require");
  lua_pushstring(L, "service");
  lua_call(L, 1, 1); /* loaded by warm already: cannot fail */
  lua_getfield(L, -1, "handle");
  w->handle_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);
  lua_pushlightuserdata(L, &w->loop);
  lua_setfield(L, LUA_REGISTRYINDEX, CHARTD_HTTP_LOOP);
  if (w->redis) lua_pushlightuserdata(L, w->redis);
  else lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, CHARTD_REDIS_LINK);
}

/* A state for the serving generation, built by this worker under the build budget; NULL
 * with err when it cannot be built. *gen gets its number. */
static lua_State *build_state(unsigned *gen, char *err, size_t errlen) {
  struct generation *current = generation_current();
  if (current == NULL) {
    snprintf(err, errlen, "no generation of the scripts was published");
    return NULL;
  }
  *gen = generation_number(current);
  lua_State *L = state_build(current, &pool.cfg, &pool.build_limits, "loading the scripts", err, errlen);
  generation_release(current); /* the state holds its own reference */
  return L;
}

int worker_state_init(struct worker *w, char *err, size_t errlen) {
  unsigned gen = 0;
  lua_State *L = build_state(&gen, err, errlen);
  if (L == NULL) return -1;
  w->gen = gen;
  attach_state(w, L);
  if (w->index == 0) publish_catalog(L);
  return 0;
}

bool worker_state_current(const struct worker *w) {
  unsigned gen = generation_current_number();
  return gen == w->gen || gen == w->failed_gen;
}

/* Tasks running on the old state finish there. A generation that passed its self-test on
 * the reload thread should build here too, but memory or time can run short under load, and
 * a script's top level may depend on what the process has seen (chartd.memo). */
void worker_state_refresh(struct worker *w) {
  if (!w->rebuild && worker_state_current(w)) return;
  w->rebuild = false;
  char err[1024];
  double t0 = budget_now_ms();
  unsigned built = 0;
  lua_State *L = build_state(&built, err, sizeof err);
  if (L == NULL) {
    char e[1200];
    w->failed_gen = built; /* 0 when no generation was published: nothing to skip */
    metrics_worker_build_failed();
    log_writef(LOG_ERROR, "worker_reload_failed",
               "\"worker\":%d,\"generation\":%u,\"serving_generation\":%u,\"ms\":%.1f,\"error\":\"%s\"", w->index,
               w->failed_gen, w->gen, budget_now_ms() - t0, workers_esc(e, sizeof e, err));
    return;
  }
  w->gen = built;
  lua_State *old = w->L;
  attach_state(w, L);
  int running = 0;
  for (struct task *t = w->tasks; t; t = t->next) running += t->L == old;
  if (running == 0) {
    budget_close(old);
  } else {
    struct retired *r = malloc(sizeof *r);
    if (r == NULL) abort(); /* cannot track the old state: better to stop than to corrupt it */
    *r = (struct retired){.next = w->retired, .L = old, .tasks = running};
    w->retired = r;
  }
  log_writef(LOG_DEBUG, "worker_reloaded", "\"worker\":%d,\"generation\":%u,\"ms\":%.1f,\"tasks_on_old\":%d", w->index,
             built, budget_now_ms() - t0, running);
}

void worker_state_release(struct worker *w, lua_State *L) {
  if (L == w->L) return;
  for (struct retired **p = &w->retired; *p; p = &(*p)->next) {
    struct retired *r = *p;
    if (r->L != L) continue;
    if (--r->tasks == 0) {
      *p = r->next;
      budget_close(r->L);
      free(r);
      log_writef(LOG_DEBUG, "worker_state_closed", "\"worker\":%d", w->index);
    }
    return;
  }
}

void worker_state_close(struct worker *w) {
  budget_close(w->L);
  w->L = NULL;
}
