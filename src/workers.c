/* Worker threads: each owns a lua_State and a curl multi handle and runs requests as coroutines of lua/service.lua.
 *
 * Threads and ownership:
 * - The job queue and the list of live jobs (queued + running) are shared, guarded by g.mu.
 *   A job belongs to the queue until a worker pops it, then to that worker until it is answered.
 * - A worker's lua_State, its tasks (one coroutine per job) and its curl multi handle are used
 *   by that worker thread only. The one exception is the watchdog thread: it may call
 *   lua_sethook on a running coroutine (the lua.c signal-handler trick) to stop a job that was
 *   cancelled or ran past its deadline; w->mu makes sure the coroutine is alive while it does.
 *   A hook is installed only then, because any count hook slows Lua by ~90% (STACK-NOTES).
 * - The stop hook yields the coroutine (which a script's pcall cannot swallow) and the worker
 *   discards it, answering `cancelled` or `timeout` itself.
 * - Replies go out through the reply callback (the server's locked queue); bodies are
 *   malloc'ed here and owned by the callee afterwards. */
#include "workers.h"

#include "bindings.h"

#include <curl/curl.h>
#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "conversations.h"
#include "log.h"
#include "lua_http.h"
#include "metrics.h"
#include "reload.h"
#include "runtime.h"

/* Beyond this many queued jobs a request is answered `busy` at once. */
#define MAX_QUEUED 1024
#define REQ_ID_MAX 160
#define START_PER_TURN 8
#define STARTUP_WAIT_S 60 /* for every worker to load the scripts and draw its warm-up chart */
/* A worker state's scripts may hold this much memory while a request runs (runtime.c caps it
 * only then: the host always has headroom). Past it the request ends with `resource_limit`
 * and the worker rebuilds its state. Encoded images are at most MAX_CHART_SIZE_MB (+ base64). */
#define SCRIPT_MEMORY_CAP ((size_t)256 << 20)

struct job {
  struct job *next;                /* queue link (g.mu) */
  struct job *live_prev, *live_next; /* live list (g.mu): for workers_cancel */
  uint64_t conn_id;
  char req_id[REQ_ID_MAX];         /* raw JSON string content, "" when none */
  bool http, accept_json;
  char *text;
  size_t len;
  atomic_bool cancelled;
  double enqueued_ms, deadline_ms; /* monotonic */
};

enum stop_reason { STOP_NONE = 0, STOP_CANCELLED, STOP_TIMEOUT };

struct task {
  struct task *next;
  struct job *job;
  lua_State *co;
  lua_State *L;     /* the state co belongs to: an older generation's when a reload came meanwhile */
  int co_ref;
  int id;
  bool final_sent;
  bool running;     /* inside lua_resume (w->mu) */
  bool hooked;      /* the watchdog installed the stop hook (w->mu) */
  enum stop_reason stop;
  /* Set while the coroutine waits in chartd.http (a transfer or a sleep); the memory is a
   * userdata on the coroutine's stack (lua_http.h). Worker thread only. */
  struct chartd_http_wait *wait;
};

struct worker {
  pthread_t thread;
  int index;
  lua_State *L;
  CURLM *multi;     /* chartd.http transfers of this worker's coroutines */
  struct chartd_http_loop loop; /* registry CHARTD_HTTP_LOOP of L */
  int handle_ref;   /* service.handle */
  /* Hot reload (src/reload.c): L is built for generation gen; states of older generations
   * stay in retired until the last task running on them ends, then they are closed. */
  unsigned gen;
  struct retired {
    struct retired *next;
    lua_State *L;
    int tasks;
  } *retired;
  bool rebuild;     /* a request ran out of script memory: build a fresh state before the next one */
  pthread_mutex_t mu; /* guards tasks' running/hooked/stop against the watchdog */
  struct task *tasks;
  int next_task_id;
};

static struct {
  struct chartd_config cfg;
  workers_reply_fn reply;
  void *reply_ud;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  struct job *head, *tail;
  struct job *live;
  int queued, running;
  bool stopping;
  struct worker *workers;
  int nworkers, started;
  pthread_t watchdog;
  bool watchdog_started;
  atomic_bool watchdog_stop; /* set only after the workers are joined: they may need it to stop */
  atomic_int warmed, failed;
  char fail_reason[512];
  _Atomic(const char *) hello, chart_types, themes;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static const char *esc(char *buf, size_t cap, const char *s) {
  log_json_escape(buf, cap, s ? s : "", s ? strlen(s) : 0);
  return buf;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- replies built in C (when the script could not answer) ---- */

static const char *http_status_for(const char *code) {
  if (strcmp(code, "timeout") == 0) return "408";
  if (strcmp(code, "busy") == 0) return "429";
  if (strcmp(code, "too_large") == 0 || strcmp(code, "resource_limit") == 0) return "413";
  return "500";
}

/* An error message for job; req_id is already valid JSON string content. */
static void send_error(const struct job *job, const char *code, const char *message, bool retryable) {
  struct worker_reply r = {.conn_id = job->conn_id, .http = job->http};
  size_t cap = strlen(message) + strlen(job->req_id) + 160;
  r.body = malloc(cap);
  if (r.body == NULL) return;
  int n;
  if (job->req_id[0])
    n = snprintf(r.body, cap, "{\"type\":\"error\",\"id\":\"%s\",\"code\":\"%s\",\"message\":\"%s\",\"retryable\":%s}",
                 job->req_id, code, message, retryable ? "true" : "false");
  else
    n = snprintf(r.body, cap, "{\"type\":\"error\",\"id\":null,\"code\":\"%s\",\"message\":\"%s\",\"retryable\":%s}",
                 code, message, retryable ? "true" : "false");
  r.len = (size_t)n;
  r.status = atoi(http_status_for(code));
  strcpy(r.mime, "application/json");
  g.reply(g.reply_ud, &r);
}

/* ---- the Lua side: ctx functions given to service.handle ---- */

static struct task *find_task(struct worker *w, int id) {
  for (struct task *t = w->tasks; t; t = t->next)
    if (t->id == id) return t;
  return NULL;
}

/* Hands one message of task t to the service thread (a copy of body); pushes false when
 * nobody listens any more (a final reply was sent, or the request was cancelled). */
static int send_reply(lua_State *L, struct task *t, bool http, int status, const char *mime, const char *body,
                      size_t len, bool final) {
  if (t == NULL || t->final_sent || atomic_load(&t->job->cancelled)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  struct worker_reply r = {.conn_id = t->job->conn_id, .http = http, .status = status, .len = len};
  if (mime) strcpy(r.mime, mime);
  r.body = malloc(len ? len : 1);
  if (r.body == NULL) return luaL_error(L, "out of memory");
  memcpy(r.body, body, len);
  t->final_sent = final;
  g.reply(g.reply_ud, &r);
  lua_pushboolean(L, 1);
  return 1;
}

/* ctx.emit(json_text [, final]): a WebSocket text message. Returns false when nobody listens. */
static int ctx_emit(lua_State *L) {
  struct worker *w = lua_touserdata(L, lua_upvalueindex(1));
  struct task *t = find_task(w, (int)lua_tointeger(L, lua_upvalueindex(2)));
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  return send_reply(L, t, false, 200, NULL, text, len, lua_toboolean(L, 2));
}

/* ctx.respond(status, mime, body): the one HTTP response of a POST /v1/charts job. */
static int ctx_respond(lua_State *L) {
  struct worker *w = lua_touserdata(L, lua_upvalueindex(1));
  struct task *t = find_task(w, (int)lua_tointeger(L, lua_upvalueindex(2)));
  int status = (int)luaL_checkinteger(L, 1);
  const char *mime = luaL_checkstring(L, 2);
  size_t len;
  const char *body = luaL_checklstring(L, 3, &len);
  luaL_argcheck(L, status >= 100 && status <= 599, 1, "not an HTTP status");
  luaL_argcheck(L, strlen(mime) < sizeof ((struct worker_reply *)0)->mime, 2, "too long");
  return send_reply(L, t, true, status, mime, body, len, true);
}

/* ctx.cancelled() → false | "cancelled" | "timeout": scripts check it between stages. */
static int ctx_cancelled(lua_State *L) {
  struct worker *w = lua_touserdata(L, lua_upvalueindex(1));
  struct task *t = find_task(w, (int)lua_tointeger(L, lua_upvalueindex(2)));
  if (t == NULL || atomic_load(&t->job->cancelled))
    lua_pushstring(L, "cancelled");
  else if (now_ms() > t->job->deadline_ms)
    lua_pushstring(L, "timeout");
  else
    lua_pushboolean(L, 0);
  return 1;
}

/* ctx.remember(json_text): the connection's last chart spec, for follow-up requests. */
static int ctx_remember(lua_State *L) {
  struct worker *w = lua_touserdata(L, lua_upvalueindex(1));
  struct task *t = find_task(w, (int)lua_tointeger(L, lua_upvalueindex(2)));
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  lua_pushboolean(L, t != NULL && !t->job->http && conversations_remember(t->job->conn_id, text, len) == 0);
  return 1;
}

static void push_ctx(struct worker *w, struct task *t) {
  lua_State *L = t->co;
  lua_createtable(L, 0, 10);
  static const struct { const char *name; lua_CFunction fn; } FNS[] = {
      {"emit", ctx_emit}, {"respond", ctx_respond}, {"cancelled", ctx_cancelled}, {"remember", ctx_remember}};
  for (size_t i = 0; i < sizeof FNS / sizeof FNS[0]; i++) {
    lua_pushlightuserdata(L, w);
    lua_pushinteger(L, t->id);
    lua_pushcclosure(L, FNS[i].fn, 2);
    lua_setfield(L, -2, FNS[i].name);
  }
  lua_pushstring(L, t->job->http ? "http" : "ws");
  lua_setfield(L, -2, "mode");
  lua_pushboolean(L, t->job->accept_json);
  lua_setfield(L, -2, "accept_json");
  lua_pushinteger(L, t->job->conn_id);
  lua_setfield(L, -2, "connection");
  lua_pushnumber(L, now_ms() - t->job->enqueued_ms);
  lua_setfield(L, -2, "queued_ms");
  lua_pushinteger(L, w->index);
  lua_setfield(L, -2, "worker");
  if (!t->job->http) { /* ctx.previous: what ctx.remember stored on this connection, or nil */
    size_t len;
    char *previous = conversations_recall(t->job->conn_id, &len);
    if (previous) {
      lua_pushlstring(L, previous, len);
      free(previous);
      lua_setfield(L, -2, "previous");
    }
  }
}

/* ---- worker state ---- */

/* Calls service.<fn>(cfg) on the worker's state; leaves its results on the stack. */
static int call_service(lua_State *L, const char *fn, int nres, char *err, size_t errlen) {
  lua_getglobal(L, "require");
  lua_pushstring(L, "service");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    snprintf(err, errlen, "lua/service.lua: %s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  lua_getfield(L, -1, fn);
  lua_remove(L, -2);
  if (lua_pcall(L, 0, nres, 0) != LUA_OK) {
    snprintf(err, errlen, "service.%s: %s", fn, lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  return 0;
}

/* The configuration the scripts see, as chartd.config (never the API key). */
static void publish_config(lua_State *L, const struct chartd_config *cfg) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_createtable(L, 0, 12);
  lua_pushinteger(L, cfg->max_chart_mb * 1024LL * 1024LL);
  lua_setfield(L, -2, "max_chart_bytes");
  lua_pushinteger(L, cfg->max_request_kb * 1024LL);
  lua_setfield(L, -2, "max_request_bytes");
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
  if (cfg->data_dir[0]) {
    lua_pushstring(L, cfg->data_dir);
    lua_setfield(L, -2, "data_dir");
  }
  lua_setfield(L, -2, "chartd.config");
  lua_pop(L, 1);
  /* The server's counters (src/lua_metrics.c): service states only, not the CLI or tests. */
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_chartd_metrics);
  lua_setfield(L, -2, "chartd.metrics");
  lua_pop(L, 2);
}

/* Builds a state with the scripts loaded and warmed (one render). Used by workers and `check`. */
static lua_State *new_service_state(const struct chartd_config *cfg, char *err, size_t errlen) {
  lua_State *L = runtime_new_state(runtime_home(), err, errlen);
  if (L == NULL) return NULL;
  publish_config(L, cfg);
  if (call_service(L, "warm", 0, err, errlen) != 0 || runtime_sandbox(L, runtime_home(), cfg->data_dir, err, errlen) != 0 ||
      runtime_memory_cap(L, SCRIPT_MEMORY_CAP) != 0) {
    runtime_close(L);
    return NULL;
  }
  return L;
}

static char *dup_top_string(lua_State *L, int idx) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  if (s == NULL) return NULL;
  char *copy = malloc(len + 1);
  if (copy) memcpy(copy, s, len + 1);
  return copy;
}

/* Worker 0 publishes the lists the service thread serves without touching Lua. */
static void publish_catalog(lua_State *L) {
  char err[512];
  if (call_service(L, "catalog", 3, err, sizeof err) != 0) {
    char e[600];
    log_writef(LOG_ERROR, "catalog_failed", "\"error\":\"%s\"", esc(e, sizeof e, err));
    return;
  }
  atomic_store(&g.chart_types, dup_top_string(L, -2));
  atomic_store(&g.themes, dup_top_string(L, -1));
  atomic_store(&g.hello, dup_top_string(L, -3));
  lua_pop(L, 3);
}

/* ---- running jobs ---- */

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  /* Yielding cannot be swallowed by a script's pcall; across a C boundary (table.sort's
   * comparator...) only an error is possible, and the hook fires again right after.
   * Inside a hook lua_yield returns and the yield happens when the hook returns, so return
   * at once: falling through to the error would give a pcall something to swallow. */
  if (lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "request stopped");
}

static double field_number(lua_State *L, int idx, const char *name) {
  double v = -1;
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, name);
    if (lua_isnumber(L, -1)) v = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return v;
}

/* A dropped coroutine's transfer leaves the multi handle now (its memory goes with the
 * coroutine's stack at the next GC): curl never calls back into it, nobody resumes it. */
static void detach_wait(struct worker *w, struct task *t) {
  struct chartd_http_wait *wait = t->wait;
  t->wait = NULL;
  if (wait && wait->attached && wait->easy) {
    curl_multi_remove_handle(w->multi, wait->easy);
    wait->attached = false;
    log_writef(LOG_DEBUG, "http_abandoned", "\"worker\":%d,\"id\":\"%s\"", w->index, t->job->req_id);
  }
}

/* ---- generations (hot reload) ---- */

/* A task on a retired state ended: the state is closed with its last task. */
static void release_state(struct worker *w, lua_State *L) {
  if (L == w->L) return;
  for (struct retired **p = &w->retired; *p; p = &(*p)->next) {
    struct retired *r = *p;
    if (r->L != L) continue;
    if (--r->tasks == 0) {
      *p = r->next;
      runtime_close(r->L);
      free(r);
      log_writef(LOG_DEBUG, "worker_state_closed", "\"worker\":%d", w->index);
    }
    return;
  }
}

/* Makes L the state new requests start on: service.handle, the chartd.http loop. */
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
}

/* Called before a new request starts and when a reload wakes the worker: a generation that
 * passed its self-test gets a fresh state here. Tasks running on the old one finish there.
 * When building fails (the files changed again since the self-test), the old state stays;
 * the next reload tries again. */
static void maybe_rebuild(struct worker *w) {
  unsigned gen = reload_generation();
  if (gen == w->gen && !w->rebuild) return;
  w->gen = gen;
  w->rebuild = false;
  char err[1024];
  double t0 = now_ms();
  lua_State *L = new_service_state(&g.cfg, err, sizeof err);
  if (L == NULL) {
    char e[1200];
    log_writef(LOG_WARN, "worker_reload_failed", "\"worker\":%d,\"generation\":%u,\"error\":\"%s\"", w->index, gen,
          esc(e, sizeof e, err));
    return;
  }
  lua_State *old = w->L;
  attach_state(w, L);
  int running = 0;
  for (struct task *t = w->tasks; t; t = t->next) running += t->L == old;
  if (running == 0) {
    runtime_close(old);
  } else {
    struct retired *r = malloc(sizeof *r);
    if (r == NULL) abort(); /* cannot track the old state: better to stop than to corrupt it */
    *r = (struct retired){.next = w->retired, .L = old, .tasks = running};
    w->retired = r;
  }
  log_writef(LOG_DEBUG, "worker_reloaded", "\"worker\":%d,\"generation\":%u,\"ms\":%.1f,\"tasks_on_old\":%d", w->index,
        gen, now_ms() - t0, running);
}

static void finish_task(struct worker *w, struct task *t, const char *outcome, const char *chart_type,
                        double render_ms, double encode_ms) {
  struct job *job = t->job;
  detach_wait(w, t);
  double ms = now_ms() - job->enqueued_ms;
  metrics_request_done(chart_type, outcome, ms, render_ms, encode_ms);
  log_writef(LOG_INFO, "request_done", "\"conn\":%llu,\"id\":\"%s\",\"http\":%s,\"worker\":%d,\"outcome\":\"%s\",\"chart_type\":\"%s\",\"ms\":%.1f",
        (unsigned long long)job->conn_id, job->req_id, job->http ? "true" : "false", w->index, outcome,
        chart_type ? chart_type : "", ms);
  pthread_mutex_lock(&w->mu);
  for (struct task **p = &w->tasks; *p; p = &(*p)->next)
    if (*p == t) {
      *p = t->next;
      break;
    }
  pthread_mutex_unlock(&w->mu);
  luaL_unref(t->L, LUA_REGISTRYINDEX, t->co_ref);
  release_state(w, t->L);
  pthread_mutex_lock(&g.mu);
  if (job->live_prev) job->live_prev->live_next = job->live_next; else g.live = job->live_next;
  if (job->live_next) job->live_next->live_prev = job->live_prev;
  g.running--;
  pthread_mutex_unlock(&g.mu);
  free(job->text);
  free(job);
  free(t);
}

/* Resumes a task once; returns true when it is finished (and freed). */
static bool step_task(struct worker *w, struct task *t, int nargs) {
  pthread_mutex_lock(&w->mu);
  bool skip = t->stop != STOP_NONE; /* stopped while it waited: do not run it again */
  t->running = !skip;
  pthread_mutex_unlock(&w->mu);
  int nres = 0;
  if (!skip) t->wait = NULL; /* done, or never was: nothing attached */
  w->loop.current = t->co;
  if (!skip) runtime_memory_arm(t->L, t->co, stop_hook);
  int rc = skip ? LUA_YIELD : lua_resume(t->co, t->L, nargs, &nres);
  bool over = !skip && runtime_memory_refused(t->L);
  runtime_memory_arm(t->L, NULL, NULL);
  w->loop.current = NULL;
  pthread_mutex_lock(&w->mu);
  t->running = false;
  enum stop_reason stop = t->stop;
  pthread_mutex_unlock(&w->mu);

  /* chartd.http yields (CHARTD_HTTP_YIELD, wait): resumed when the transfer ends or the
   * sleep is over. Any other yield is cooperative: resumed on the next turn. */
  if (!skip && rc == LUA_YIELD && nres == 2) {
    const char *tag = lua_tostring(t->co, -2);
    if (tag && strcmp(tag, CHARTD_HTTP_YIELD) == 0) t->wait = lua_touserdata(t->co, -1);
  }
  struct job *job = t->job;
  if (stop != STOP_NONE && rc != LUA_OK) {
    /* Stopped by the watchdog: the coroutine is abandoned (its to-be-closed variables closed),
     * its transfer first taken off the multi handle. (A stop that came after the coroutine
     * returned, e.g. the client closing as soon as its chart arrived, is not a stop: the
     * request is done and is counted by what it answered.) */
    detach_wait(w, t);
    lua_resetthread(t->co);
    const char *code = stop == STOP_TIMEOUT ? "timeout" : "cancelled";
    if (!t->final_sent) {
      char msg[96];
      if (stop == STOP_TIMEOUT)
        snprintf(msg, sizeof msg, "the request took longer than CHART_GENERATION_TIMEOUT (%d s)", g.cfg.timeout_s);
      else
        snprintf(msg, sizeof msg, "the request was cancelled");
      if (!(job->http && stop == STOP_CANCELLED)) send_error(job, code, msg, stop == STOP_TIMEOUT);
    }
    finish_task(w, t, code, NULL, -1, -1);
    return true;
  }
  if (over) {
    /* Refused memory (the allocator also set the stop hook, so a pcall could not hide it):
     * abandon the coroutine, and rebuild the state, whose modules the script may have filled. */
    detach_wait(w, t);
    lua_resetthread(t->co);
    if (!t->final_sent) {
      char msg[128];
      snprintf(msg, sizeof msg, "the request needed more than the %zu MB a worker's scripts may use",
               SCRIPT_MEMORY_CAP >> 20);
      send_error(job, "resource_limit", msg, false);
    }
    w->rebuild = true;
    finish_task(w, t, "resource_limit", NULL, -1, -1);
    return true;
  }
  if (rc == LUA_YIELD) {
    lua_pop(t->co, nres); /* the wait stays alive: it is lower on the coroutine's stack */
    return false;
  }
  if (rc != LUA_OK) {
    const char *msg = lua_tostring(t->co, -1);
    char e[1200];
    log_writef(LOG_ERROR, "request_failed", "\"conn\":%llu,\"id\":\"%s\",\"worker\":%d,\"error\":\"%s\"",
          (unsigned long long)job->conn_id, job->req_id, w->index, esc(e, sizeof e, msg));
    if (!t->final_sent) send_error(job, "internal", "internal error while rendering the chart", false);
    finish_task(w, t, "internal", NULL, -1, -1);
    return true;
  }
  /* service.handle returns outcome, chart_type, timings_ms */
  int base = lua_gettop(t->co) - nres + 1;
  const char *outcome = nres >= 1 ? lua_tostring(t->co, base) : NULL;
  const char *type = nres >= 2 ? lua_tostring(t->co, base + 1) : NULL;
  double render = -1, encode = -1;
  if (nres >= 3 && lua_istable(t->co, base + 2)) {
    double layout = field_number(t->co, base + 2, "layout_ms"), draw = field_number(t->co, base + 2, "draw_ms");
    if (layout >= 0 || draw >= 0) render = (layout > 0 ? layout : 0) + (draw > 0 ? draw : 0);
    encode = field_number(t->co, base + 2, "encode_ms");
  }
  if (!t->final_sent && atomic_load(&job->cancelled)) {
    /* Cancelled between the watchdog's ticks: ctx.emit already refused the final reply, so
     * answer as a cancel does (the soak run saw 115 of 72,876 cancels end as `internal`). */
    if (!job->http) send_error(job, "cancelled", "the request was cancelled", false);
    outcome = "cancelled";
  } else if (!t->final_sent) {
    send_error(job, "internal", "the request ended without an answer", false);
  }
  char outcome_buf[32] = "internal", type_buf[32] = "";
  if (outcome) snprintf(outcome_buf, sizeof outcome_buf, "%s", outcome);
  if (type) snprintf(type_buf, sizeof type_buf, "%s", type);
  lua_settop(t->co, 0);
  finish_task(w, t, outcome_buf, type_buf, render, encode);
  return true;
}

static void start_job(struct worker *w, struct job *job) {
  if (atomic_load(&job->cancelled) || now_ms() > job->deadline_ms) {
    bool timeout = !atomic_load(&job->cancelled);
    struct task tmp = {.job = job};
    if (timeout) {
      char msg[96];
      snprintf(msg, sizeof msg, "the request took longer than CHART_GENERATION_TIMEOUT (%d s)", g.cfg.timeout_s);
      send_error(job, "timeout", msg, true);
    } else if (!job->http) {
      send_error(job, "cancelled", "the request was cancelled", false);
    }
    metrics_request_done(NULL, timeout ? "timeout" : "cancelled", now_ms() - job->enqueued_ms, -1, -1);
    (void)tmp;
    pthread_mutex_lock(&g.mu);
    if (job->live_prev) job->live_prev->live_next = job->live_next; else g.live = job->live_next;
    if (job->live_next) job->live_next->live_prev = job->live_prev;
    g.running--;
    pthread_mutex_unlock(&g.mu);
    free(job->text);
    free(job);
    return;
  }
  struct task *t = calloc(1, sizeof *t);
  if (t == NULL) {
    send_error(job, "internal", "out of memory", true);
    return;
  }
  t->job = job;
  t->id = ++w->next_task_id;
  t->L = w->L;
  t->co = lua_newthread(w->L);
  t->co_ref = luaL_ref(w->L, LUA_REGISTRYINDEX);
  pthread_mutex_lock(&w->mu);
  t->next = w->tasks;
  w->tasks = t;
  pthread_mutex_unlock(&w->mu);
  lua_rawgeti(t->co, LUA_REGISTRYINDEX, w->handle_ref);
  lua_pushlstring(t->co, job->text, job->len);
  push_ctx(w, t);
  step_task(w, t, 2);
}

/* How long the loop may block in curl_multi_poll: until the next sleep ends, at most 5 ms
 * (new jobs arrive on g.cond, not on the multi handle), 0 when a task is ready now. */
static int poll_ms(struct worker *w, double now) {
  double ms = 5;
  for (struct task *t = w->tasks; t; t = t->next) {
    if (t->wait == NULL || t->wait->done) return 0;
    if (t->wait->easy == NULL) {
      double left = t->wait->until_ms - now;
      if (left < ms) ms = left;
    }
  }
  return ms <= 0 ? 0 : (int)(ms + 0.999);
}

static void turn(struct worker *w, bool busy) {
  int still = 0;
  curl_multi_perform(w->multi, &still);
  curl_multi_poll(w->multi, NULL, 0, busy ? 0 : poll_ms(w, now_ms()), NULL);
  curl_multi_perform(w->multi, &still);
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(w->multi, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    struct chartd_http_wait *wait = NULL;
    CURL *easy = msg->easy_handle;
    CURLcode result = msg->data.result;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&wait);
    curl_multi_remove_handle(w->multi, easy); /* msg is invalid from here */
    if (wait) {
      wait->attached = false;
      wait->result = result;
      wait->done = true;
    }
  }
  double now = now_ms();
  struct task *t = w->tasks;
  while (t) {
    struct task *next = t->next;
    struct chartd_http_wait *wait = t->wait;
    pthread_mutex_lock(&w->mu);
    bool stopped = t->stop != STOP_NONE;
    pthread_mutex_unlock(&w->mu);
    if (wait && wait->easy == NULL && now >= wait->until_ms) wait->done = true;
    if (stopped || wait == NULL || wait->done) step_task(w, t, 0);
    t = next;
  }
}

static void *worker_main(void *arg) {
  struct worker *w = arg;
  char err[1024];
  /* Renders are batch work: a worker yields the CPU to the service thread (Linux applies
   * nice per thread), so pings and progress stay fast when every core renders. */
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
  w->L = new_service_state(&g.cfg, err, sizeof err);
  if (w->L == NULL) {
    char e[1200];
    log_writef(LOG_ERROR, "worker_failed", "\"worker\":%d,\"error\":\"%s\"", w->index, esc(e, sizeof e, err));
    pthread_mutex_lock(&g.mu);
    size_t n = strlen(err) < sizeof g.fail_reason - 1 ? strlen(err) : sizeof g.fail_reason - 1;
    memcpy(g.fail_reason, err, n); /* truncated on purpose: /readyz shows the start */
    g.fail_reason[n] = '\0';
    pthread_mutex_unlock(&g.mu);
    atomic_fetch_add(&g.failed, 1);
    return NULL;
  }
  w->gen = reload_generation();
  attach_state(w, w->L);
  w->multi = curl_multi_init();
  w->loop.multi = w->multi;
  if (w->index == 0) publish_catalog(w->L);
  atomic_fetch_add(&g.warmed, 1);

  for (;;) {
    pthread_mutex_lock(&g.mu);
    while (!g.stopping && g.head == NULL && w->tasks == NULL && w->gen == reload_generation())
      pthread_cond_wait(&g.cond, &g.mu);
    if (g.stopping && w->tasks == NULL) {
      pthread_mutex_unlock(&g.mu);
      break;
    }
    pthread_mutex_unlock(&g.mu);
    maybe_rebuild(w); /* an idle worker is woken for it, so the first request after a save is fast */
    /* Up to START_PER_TURN new jobs before resuming the ready ones: starting a job costs
     * little until it yields on its LLM call, so those calls go out together instead of
     * waiting behind renders. */
    int started = 0;
    for (; started < START_PER_TURN; started++) {
      pthread_mutex_lock(&g.mu);
      struct job *job = g.head;
      if (job) {
        g.head = job->next;
        if (g.head == NULL) g.tail = NULL;
        g.queued--;
        g.running++;
      }
      pthread_mutex_unlock(&g.mu);
      if (job == NULL) break;
      maybe_rebuild(w); /* the job may have come after a reload the client has seen */
      start_job(w, job);
    }

    /* Tasks that yielded wait for their transfers on the multi handle, for a sleep, or
     * just for the next turn; a turn resumes the ones that are ready. */
    if (w->tasks) turn(w, started > 0);
  }
  runtime_close(w->L); /* first: a request box's __gc may still talk to the multi handle */
  w->L = NULL;
  curl_multi_cleanup(w->multi);
  return NULL;
}

/* Every 20 ms: stop the tasks that were cancelled or passed their deadline. */
static void *watchdog_main(void *arg) {
  (void)arg;
  struct timespec tick = {0, 20 * 1000 * 1000};
  for (;;) {
    if (atomic_load(&g.watchdog_stop)) break;
    double now = now_ms();
    for (int i = 0; i < g.started; i++) {
      struct worker *w = &g.workers[i];
      pthread_mutex_lock(&w->mu);
      for (struct task *t = w->tasks; t; t = t->next) {
        if (t->stop != STOP_NONE) continue;
        if (atomic_load(&t->job->cancelled)) t->stop = STOP_CANCELLED;
        else if (now > t->job->deadline_ms) t->stop = STOP_TIMEOUT;
        else continue;
        if (t->running && !t->hooked) {
          lua_sethook(t->co, stop_hook, LUA_MASKCOUNT, 1);
          t->hooked = true;
        }
      }
      pthread_mutex_unlock(&w->mu);
    }
    nanosleep(&tick, NULL);
  }
  return NULL;
}

int workers_start(const struct chartd_config *cfg, workers_reply_fn reply, void *ud, char *err, size_t errlen) {
  g.cfg = *cfg;
  g.reply = reply;
  g.reply_ud = ud;
  g.nworkers = cfg->workers;
  g.workers = calloc((size_t)g.nworkers, sizeof *g.workers);
  if (g.workers == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < g.nworkers; i++) {
    struct worker *w = &g.workers[i];
    w->index = i;
    pthread_mutex_init(&w->mu, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
      snprintf(err, errlen, "cannot start worker thread %d", i);
      return -1;
    }
    g.started++;
  }
  if (pthread_create(&g.watchdog, NULL, watchdog_main, NULL) != 0) {
    snprintf(err, errlen, "cannot start the watchdog thread");
    return -1;
  }
  g.watchdog_started = true;
  /* Scripts that do not load at start-up fail the start: a server that listens but can never
   * answer (readyz 503 for good, requests queued forever) helps nobody, and the one-line error
   * in the terminal or the deployment log names the file. Hot reload keeps a running server
   * on its last good scripts instead. */
  struct timespec pause = {0, 5 * 1000 * 1000};
  double give_up = now_ms() + STARTUP_WAIT_S * 1000.0;
  while (atomic_load(&g.warmed) + atomic_load(&g.failed) < g.nworkers) {
    if (now_ms() > give_up) { /* a script that never returns: its thread cannot be joined */
      snprintf(err, errlen, "the scripts under %s did not finish loading in %d s", runtime_home(), STARTUP_WAIT_S);
      return -1;
    }
    nanosleep(&pause, NULL);
  }
  if (atomic_load(&g.failed) > 0) {
    int n = snprintf(err, errlen, "the scripts under %s do not load: %s", runtime_home(), g.fail_reason);
    for (int i = 0; i < n && (size_t)i < errlen; i++) /* one line: require's messages span several */
      if (err[i] == '\n' || err[i] == '\t') err[i] = ' ';
    workers_stop();
    return -1;
  }
  return 0;
}

bool workers_ready(const char **why) {
  if (atomic_load(&g.failed) > 0) {
    if (why) *why = g.fail_reason;
    return false;
  }
  if (why) *why = "workers are warming up";
  return g.nworkers > 0 && atomic_load(&g.warmed) == g.nworkers;
}

/* Service thread only (the one reader of these strings), so the old ones can go at once. */
void workers_set_catalog(const char *hello, const char *chart_types, const char *themes) {
  if (hello == NULL || chart_types == NULL || themes == NULL) return;
  char *h = strdup(hello), *c = strdup(chart_types), *t = strdup(themes);
  if (h == NULL || c == NULL || t == NULL) {
    free(h);
    free(c);
    free(t);
    return;
  }
  free((void *)atomic_exchange(&g.hello, h));
  free((void *)atomic_exchange(&g.chart_types, c));
  free((void *)atomic_exchange(&g.themes, t));
}

void workers_prepare_state(lua_State *L) { publish_config(L, &g.cfg); }

void workers_generation_advanced(void) {
  pthread_mutex_lock(&g.mu); /* a worker between its check and its wait must not miss this */
  pthread_cond_broadcast(&g.cond);
  pthread_mutex_unlock(&g.mu);
}

const char *workers_hello_json(void) { return atomic_load(&g.hello); }
const char *workers_chart_types_json(void) { return atomic_load(&g.chart_types); }
const char *workers_themes_json(void) { return atomic_load(&g.themes); }

enum workers_submit_result workers_submit(uint64_t conn_id, const char *req_id, bool http, bool accept_json,
                                          char *text, size_t len) {
  struct job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    free(text);
    return WORKERS_BUSY;
  }
  job->conn_id = conn_id;
  if (req_id) snprintf(job->req_id, sizeof job->req_id, "%s", req_id);
  job->http = http;
  job->accept_json = accept_json;
  job->text = text;
  job->len = len;
  job->enqueued_ms = now_ms();
  job->deadline_ms = job->enqueued_ms + g.cfg.timeout_s * 1000.0;
  pthread_mutex_lock(&g.mu);
  enum workers_submit_result rc = g.stopping ? WORKERS_STOPPING : g.queued >= MAX_QUEUED ? WORKERS_BUSY : WORKERS_OK;
  if (rc == WORKERS_OK) {
    if (g.tail) g.tail->next = job; else g.head = job;
    g.tail = job;
    job->live_next = g.live;
    if (g.live) g.live->live_prev = job;
    g.live = job;
    g.queued++;
    pthread_cond_signal(&g.cond);
  }
  pthread_mutex_unlock(&g.mu);
  if (rc != WORKERS_OK) {
    free(text);
    free(job);
  }
  return rc;
}

int workers_cancel(uint64_t conn_id, const char *req_id) {
  int n = 0;
  struct job *dropped = NULL;
  pthread_mutex_lock(&g.mu);
  for (struct job *j = g.live; j; j = j->live_next)
    if (j->conn_id == conn_id && (req_id == NULL || strcmp(j->req_id, req_id) == 0)) {
      atomic_store(&j->cancelled, true);
      n++;
    }
  /* Queued ones are answered now rather than when a worker gets to them. */
  for (struct job **p = &g.head, *prev = NULL; *p;) {
    struct job *j = *p;
    if (!atomic_load(&j->cancelled)) {
      prev = j;
      p = &j->next;
      continue;
    }
    *p = j->next;
    if (g.tail == j) g.tail = prev;
    g.queued--;
    if (j->live_prev) j->live_prev->live_next = j->live_next; else g.live = j->live_next;
    if (j->live_next) j->live_next->live_prev = j->live_prev;
    j->next = dropped;
    dropped = j;
  }
  pthread_mutex_unlock(&g.mu);
  while (dropped) {
    struct job *j = dropped;
    dropped = j->next;
    if (!j->http) send_error(j, "cancelled", "the request was cancelled", false);
    metrics_request_done(NULL, "cancelled", now_ms() - j->enqueued_ms, -1, -1);
    free(j->text);
    free(j);
  }
  return n;
}

int workers_queued(void) {
  pthread_mutex_lock(&g.mu);
  int n = g.queued;
  pthread_mutex_unlock(&g.mu);
  return n;
}

int workers_running(void) {
  pthread_mutex_lock(&g.mu);
  int n = g.running;
  pthread_mutex_unlock(&g.mu);
  return n;
}

void workers_stop(void) {
  pthread_mutex_lock(&g.mu);
  g.stopping = true;
  for (struct job *j = g.live; j; j = j->live_next) atomic_store(&j->cancelled, true);
  pthread_cond_broadcast(&g.cond);
  pthread_mutex_unlock(&g.mu);
  for (int i = 0; i < g.started; i++) pthread_join(g.workers[i].thread, NULL);
  atomic_store(&g.watchdog_stop, true);
  if (g.watchdog_started) pthread_join(g.watchdog, NULL);
  /* Jobs nobody started. */
  while (g.head) {
    struct job *j = g.head;
    g.head = j->next;
    free(j->text);
    free(j);
  }
  for (int i = 0; i < g.started; i++) pthread_mutex_destroy(&g.workers[i].mu);
  free(g.workers);
  g.workers = NULL;
  g.started = 0;
  free((void *)atomic_load(&g.hello));
  free((void *)atomic_load(&g.chart_types));
  free((void *)atomic_load(&g.themes));
}

int workers_selfcheck(const struct chartd_config *cfg, char *err, size_t errlen) {
  lua_State *L = new_service_state(cfg, err, errlen);
  if (L == NULL) return -1;
  int rc = call_service(L, "catalog", 3, err, errlen);
  runtime_close(L);
  return rc;
}

int workers_check_llm(const struct chartd_config *cfg, char *msg, size_t msglen) {
  lua_State *L = runtime_new_state(runtime_home(), msg, msglen);
  if (L == NULL) return -1;
  publish_config(L, cfg);
  lua_getglobal(L, "require");
  lua_pushstring(L, "planner.llm_client");
  int rc = -1;
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    snprintf(msg, msglen, "lua/planner/llm_client.lua: %s", lua_tostring(L, -1));
  } else {
    lua_getfield(L, -1, "check");
    lua_getglobal(L, "require");
    lua_pushstring(L, "chartd.config");
    lua_call(L, 1, 1); /* published above: cannot fail */
    if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
      snprintf(msg, msglen, "planner.llm_client.check: %s", lua_tostring(L, -1));
    } else {
      const char *text = lua_tostring(L, -1);
      snprintf(msg, msglen, "%s", text ? text : "no answer");
      rc = lua_toboolean(L, -2) ? 0 : -1;
    }
  }
  runtime_close(L);
  return rc;
}
