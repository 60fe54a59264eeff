/* Worker threads: each owns a lua_State and a curl multi handle and runs requests as coroutines of lua/service.lua.
 *
 * Threads and ownership:
 * - The job queue and the list of live jobs (queued + running) are shared, guarded by g.mu.
 *   A job belongs to the queue until a worker pops it, then to that worker until it is answered.
 * - A worker's lua_State, its tasks (one coroutine per job) and its curl multi handle are used
 *   by that worker thread only. Each task is a budgeted run (src/budget.c): the budget's
 *   watchdog stops it when it is cancelled or passes its deadline, the memory cap when it
 *   asks for too much; the worker then discards the coroutine and answers `cancelled`,
 *   `timeout` or `resource_limit` itself.
 * - States are built from the serving generation (src/state.c) by the worker itself, under
 *   the same budget; a build that fails leaves the worker on the state it had.
 * - Replies go out through the reply callback (the server's locked queue); bodies are
 *   malloc'ed here and owned by the callee afterwards. */
#include "workers.h"

#include <curl/curl.h>
#include <malloc.h>
#include <poll.h>
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

#include "budget.h"
#include "catalog.h"
#include "errors.h"
#include "fair_queue.h"
#include "generation.h"
#include "log.h"
#include "lua_http.h"
#include "metrics.h"
#include "redis_link.h"
#include "request_ctx.h"
#include "runtime.h"
#include "state.h"

/* Beyond this many queued jobs a request is answered `busy` at once (and beyond
 * CHARTD_MAX_IN_FLIGHT for its connection). */
#define MAX_QUEUED 1024
#define REQ_ID_MAX 160
#define START_PER_TURN 8
#define STARTUP_WAIT_S 60 /* for every worker to load the scripts and draw its warm-up chart */
/* A worker state's scripts may hold BUDGET_SCRIPT_MEMORY while a request runs (the cap holds
 * only then: the host always has headroom). Past it the request ends with `resource_limit`
 * and the worker rebuilds its state. Encoded images are at most MAX_CHART_SIZE_MB (+ base64). */

struct job {
  struct fq_item q;                /* first: the queue's link and the connection (g.mu) */
  struct job *live_prev, *live_next; /* live list (g.mu): for workers_cancel */
  char req_id[REQ_ID_MAX];         /* raw JSON string content, "" when none */
  bool http;
  struct http_request_info info;   /* HTTP only */
  char *text;
  size_t len;
  atomic_bool cancelled;
  double enqueued_ms, deadline_ms; /* monotonic */
};

struct task {
  struct task *next;
  struct job *job;
  lua_State *co;
  lua_State *L;     /* the state co belongs to: an older generation's when a reload came meanwhile */
  int co_ref;
  int id;
  struct request_ctx ctx; /* what the script's ctx reads (src/request_ctx.c) */
  struct budget_run run;  /* the request's budget: its deadline, cancel flag, memory */
  /* Set while the coroutine waits in chartd.http (a transfer or a sleep); the memory is a
   * userdata on the coroutine's stack (lua_http.h). Worker thread only. */
  struct chartd_http_wait *wait;
};

struct worker {
  struct request_ctx_owner ctx_owner; /* first: finds this worker's tasks for their ctx functions */
  pthread_t thread;
  int index;
  lua_State *L;
  CURLM *multi;     /* chartd.http transfers of this worker's coroutines */
  struct chartd_http_loop loop; /* registry CHARTD_HTTP_LOOP of L */
  struct redis_link *redis;     /* chartd.redis commands of this worker's coroutines (NULL: no REDIS_URL) */
  int handle_ref;   /* service.handle */
  /* Hot reload (src/reload.c): L is built for generation gen; states of older generations
   * stay in retired until the last task running on them ends, then they are closed. A
   * generation whose build failed here (failed_gen) is not tried again. */
  unsigned gen, failed_gen;
  struct retired {
    struct retired *next;
    lua_State *L;
    int tasks;
  } *retired;
  bool rebuild;     /* a request ran out of script memory: build a fresh state before the next one */
  bool trim;        /* requests ended since the worker was last idle: give free memory back then */
  struct task *tasks;
  int next_task_id;
};

static struct {
  struct chartd_config cfg;
  workers_reply_fn reply;
  void *reply_ud;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  struct fair_queue queue; /* round-robin over connections (src/fair_queue.c) */
  struct job *live;
  bool stopping;
  struct worker *workers;
  int nworkers, started;
  struct budget_limits build_limits; /* every state build and catalog call */
  char timeout_arg[16];              /* CHART_GENERATION_TIMEOUT for the `timeout` text */
  atomic_int warmed, failed;
  char fail_reason[512];
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

/* An error for job through the one error builder (src/errors.c): message NULL is the code's
 * own text with arg. An `internal` error never shows its detail: the detail goes to the log
 * under a reference, which the client gets. */
static void send_error(const struct job *job, const char *code, const char *message, const char *arg) {
  char ref[9] = "";
  if (strcmp(code, "internal") == 0) {
    error_reference(ref);
    char e[1200];
    log_writef(LOG_ERROR, "request_failed", "\"conn\":%llu,\"id\":\"%s\",\"ref\":\"%s\",\"error\":\"%s\"",
               (unsigned long long)job->q.conn_id, job->http ? job->info.request_id : job->req_id, ref,
               esc(e, sizeof e, message));
    message = NULL;
  }
  struct worker_reply r = {.conn_id = job->q.conn_id, .http = job->http};
  r.body = error_json(code, job->req_id, message, arg, ref[0] ? ref : NULL, NULL, &r.len, &r.status);
  if (r.body == NULL) return;
  strcpy(r.mime, "application/json");
  g.reply(g.reply_ud, &r);
}

/* ---- worker state ---- */

/* request_ctx's lookup: the live task with this id, or NULL once it ended. */
static struct request_ctx *find_request(struct request_ctx_owner *owner, lua_Integer id) {
  struct worker *w = (struct worker *)owner; /* ctx_owner is the first member */
  for (struct task *t = w->tasks; t; t = t->next)
    if (t->id == id) return &t->ctx;
  return NULL;
}

/* Worker 0 publishes the lists the service thread serves without touching Lua. */
static void publish_catalog(lua_State *L) {
  char err[512];
  if (state_call(L, "service", "catalog", 3, &g.build_limits, "service.catalog", err, sizeof err) != 0) {
    char e[600];
    log_writef(LOG_ERROR, "catalog_failed", "\"error\":\"%s\"", esc(e, sizeof e, err));
    return;
  }
  catalog_set(lua_tostring(L, -3), lua_tostring(L, -2), lua_tostring(L, -1));
  lua_pop(L, 3);
}

/* ---- running jobs ---- */

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
      budget_close(r->L);
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
  lua_State *L = state_build(current, &g.cfg, &g.build_limits, "loading the scripts", err, errlen);
  generation_release(current); /* the state holds its own reference */
  return L;
}

/* Called before a new request starts and when a reload wakes the worker: a generation that
 * passed its self-test gets a fresh state here, built from the bytes that passed. Tasks
 * running on the old one finish there. A build that fails or overruns its budget (a
 * generation that passed on the reload thread should not, but memory or time can run short
 * under load) leaves the worker on its previous state: logged, counted, and not tried again
 * for that generation. */
static void maybe_rebuild(struct worker *w) {
  unsigned gen = generation_current_number();
  if ((gen == w->gen || gen == w->failed_gen) && !w->rebuild) return;
  w->rebuild = false;
  char err[1024];
  double t0 = now_ms();
  unsigned built = 0;
  lua_State *L = build_state(&built, err, sizeof err);
  if (L == NULL) {
    char e[1200];
    w->failed_gen = built ? built : gen;
    metrics_worker_build_failed();
    log_writef(LOG_ERROR, "worker_reload_failed",
               "\"worker\":%d,\"generation\":%u,\"serving_generation\":%u,\"ms\":%.1f,\"error\":\"%s\"", w->index,
               w->failed_gen, w->gen, now_ms() - t0, esc(e, sizeof e, err));
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
        built, now_ms() - t0, running);
}

static void finish_task(struct worker *w, struct task *t, const char *outcome, const char *chart_type,
                        double render_ms, double encode_ms) {
  struct job *job = t->job;
  detach_wait(w, t);
  double ms = now_ms() - job->enqueued_ms;
  metrics_request_done(chart_type, outcome, ms, render_ms, encode_ms);
  log_writef(LOG_INFO, "request_done", "\"conn\":%llu,\"id\":\"%s\",\"http\":%s,\"worker\":%d,\"outcome\":\"%s\",\"chart_type\":\"%s\",\"ms\":%.1f",
        (unsigned long long)job->q.conn_id, job->http ? job->info.request_id : job->req_id, job->http ? "true" : "false",
        w->index, outcome, chart_type ? chart_type : "", ms);
  for (struct task **p = &w->tasks; *p; p = &(*p)->next)
    if (*p == t) {
      *p = t->next;
      break;
    }
  budget_end(&t->run);
  w->trim = true;
  luaL_unref(t->L, LUA_REGISTRYINDEX, t->co_ref);
  release_state(w, t->L);
  pthread_mutex_lock(&g.mu);
  if (job->live_prev) job->live_prev->live_next = job->live_next; else g.live = job->live_next;
  if (job->live_next) job->live_next->live_prev = job->live_prev;
  fq_done(&g.queue, job->q.conn_id);
  pthread_mutex_unlock(&g.mu);
  free(job->text);
  free(job);
  free(t);
}

/* Resumes a task once; returns true when it is finished (and freed). */
static bool step_task(struct worker *w, struct task *t, int nargs) {
  int nres = 0;
  struct chartd_http_wait *waited = t->wait;
  t->wait = NULL; /* done, or never was: nothing attached (unless it is not resumed) */
  w->loop.current = t->co;
  int rc = budget_resume(&t->run, nargs, &nres);
  w->loop.current = NULL;
  bool skip = rc == BUDGET_NOT_RESUMED; /* stopped while it waited: its transfer may be attached */
  if (skip) t->wait = waited;
  enum budget_stop stop = budget_stopped(&t->run);
  bool over = stop == BUDGET_MEMORY;

  /* chartd.http yields (CHARTD_HTTP_YIELD, wait): resumed when the transfer ends or the
   * sleep is over. Any other yield is cooperative: resumed on the next turn. */
  if (!skip && rc == LUA_YIELD && nres == 2) {
    const char *tag = lua_tostring(t->co, -2);
    if (tag && strcmp(tag, CHARTD_HTTP_YIELD) == 0) t->wait = lua_touserdata(t->co, -1);
  }
  struct job *job = t->job;
  if (stop != BUDGET_RUNNING && !over && rc != LUA_OK) {
    /* Stopped by the watchdog: the coroutine is abandoned (its to-be-closed variables closed),
     * its transfer first taken off the multi handle. (A stop that came after the coroutine
     * returned, e.g. the client closing as soon as its chart arrived, is not a stop: the
     * request is done and is counted by what it answered.) */
    detach_wait(w, t);
    lua_resetthread(t->co);
    const char *code = stop == BUDGET_CANCELLED ? "cancelled" : "timeout";
    if (!t->ctx.final_sent && !(job->http && stop == BUDGET_CANCELLED)) send_error(job, code, NULL, g.timeout_arg);
    finish_task(w, t, code, NULL, -1, -1);
    return true;
  }
  if (over) {
    /* Refused memory (the allocator also set the stop hook, so a pcall could not hide it):
     * abandon the coroutine, and rebuild the state, whose modules the script may have filled. */
    detach_wait(w, t);
    lua_resetthread(t->co);
    if (!t->ctx.final_sent) {
      char msg[128];
      snprintf(msg, sizeof msg, "the request needed more than the %zu MB a worker's scripts may use",
               BUDGET_SCRIPT_MEMORY >> 20);
      send_error(job, "resource_limit", msg, NULL);
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
    if (!t->ctx.final_sent) send_error(job, "internal", msg ? msg : "service.handle raised a non-string error", NULL);
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
  if (!t->ctx.final_sent && atomic_load(&job->cancelled)) {
    /* Cancelled between the watchdog's ticks: ctx.emit already refused the final reply, so
     * answer as a cancel does (the soak run saw 115 of 72,876 cancels end as `internal`). */
    if (!job->http) send_error(job, "cancelled", NULL, NULL);
    outcome = "cancelled";
  } else if (!t->ctx.final_sent) {
    send_error(job, "internal", "the request ended without an answer", NULL);
  }
  char outcome_buf[32] = "internal", type_buf[32] = "";
  if (outcome) snprintf(outcome_buf, sizeof outcome_buf, "%s", outcome);
  if (type) snprintf(type_buf, sizeof type_buf, "%s", type);
  lua_settop(t->co, 0);
  finish_task(w, t, outcome_buf, type_buf, render, encode);
  return true;
}

/* The ctx's replies go through here: once the final one is handed over, the client may close
 * as soon as it has it, which is not a cancel of a request still returning (it was logged
 * `cancelled` with no chart type when the close beat the coroutine's last instructions). */
static void task_reply(void *ud, struct worker_reply *reply) {
  struct task *t = ud;
  if (t->ctx.final_sent) budget_ignore_cancel(&t->run);
  g.reply(g.reply_ud, reply);
}

static void start_job(struct worker *w, struct job *job) {
  if (atomic_load(&job->cancelled) || now_ms() > job->deadline_ms) {
    bool timeout = !atomic_load(&job->cancelled);
    if (timeout) send_error(job, "timeout", NULL, g.timeout_arg);
    else if (!job->http) send_error(job, "cancelled", NULL, NULL);
    metrics_request_done(NULL, timeout ? "timeout" : "cancelled", now_ms() - job->enqueued_ms, -1, -1);
    pthread_mutex_lock(&g.mu);
    if (job->live_prev) job->live_prev->live_next = job->live_next; else g.live = job->live_next;
    if (job->live_next) job->live_next->live_prev = job->live_prev;
    fq_done(&g.queue, job->q.conn_id);
    pthread_mutex_unlock(&g.mu);
    free(job->text);
    free(job);
    return;
  }
  struct task *t = calloc(1, sizeof *t);
  if (t == NULL) {
    send_error(job, "internal", "out of memory starting a task", NULL);
    return;
  }
  t->job = job;
  t->id = ++w->next_task_id;
  t->L = w->L;
  t->co = lua_newthread(w->L);
  t->co_ref = luaL_ref(w->L, LUA_REGISTRYINDEX);
  budget_begin(&t->run, w->L, t->co, &(struct budget_limits){.deadline_ms = job->deadline_ms}, &job->cancelled);
  t->next = w->tasks;
  w->tasks = t;
  lua_rawgeti(t->co, LUA_REGISTRYINDEX, w->handle_ref);
  lua_pushlstring(t->co, job->text, job->len);
  t->ctx = (struct request_ctx){.conn_id = job->q.conn_id, .http = job->http, .info = job->info,
                                .query = job->text, .query_len = job->len,
                                .enqueued_ms = job->enqueued_ms, .deadline_ms = job->deadline_ms,
                                .cancelled = &job->cancelled, .worker = w->index, .reply = task_reply,
                                .reply_ud = t};
  request_ctx_push(t->co, &w->ctx_owner, t->id, &t->ctx);
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
  /* The Redis link's socket waits in the same poll as the LLM's transfers. */
  struct curl_waitfd redis = {.fd = -1};
  redis.fd = redis_link_poll(w->redis, &redis.events);
  curl_multi_poll(w->multi, redis.fd >= 0 ? &redis : NULL, redis.fd >= 0 ? 1 : 0, busy ? 0 : poll_ms(w, now_ms()), NULL);
  if (redis.fd >= 0 && redis.revents) redis_link_io(w->redis, redis.revents);
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
    bool stopped = budget_stopped(&t->run) != BUDGET_RUNNING;
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
  unsigned gen = 0;
  w->L = build_state(&gen, err, sizeof err);
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
  w->gen = gen;
  w->redis = redis_link_new(&g.cfg, w->index);
  attach_state(w, w->L);
  w->multi = curl_multi_init();
  w->loop.multi = w->multi;
  if (w->index == 0) publish_catalog(w->L);
  atomic_fetch_add(&g.warmed, 1);

  for (;;) {
    if (w->trim && w->tasks == NULL) {
      /* Idle: the arena's free pages go back to the system, so RSS after a big render falls
       * back (big blocks are mmapped: server.c fixes M_MMAP_THRESHOLD). Never mid-request. */
      malloc_trim(0);
      w->trim = false;
    }
    pthread_mutex_lock(&g.mu);
    while (!g.stopping && g.queue.queued == 0 && w->tasks == NULL &&
           (w->gen == generation_current_number() || w->failed_gen == generation_current_number()))
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
      struct job *job = (struct job *)fq_pop(&g.queue);
      pthread_mutex_unlock(&g.mu);
      if (job == NULL) break;
      maybe_rebuild(w); /* the job may have come after a reload the client has seen */
      start_job(w, job);
    }

    /* Tasks that yielded wait for their transfers on the multi handle, for a sleep, or
     * just for the next turn; a turn resumes the ones that are ready. */
    if (w->tasks) turn(w, started > 0);
  }
  budget_close(w->L); /* first: a request box's __gc may still talk to the multi handle or the link */
  w->L = NULL;
  curl_multi_cleanup(w->multi);
  redis_link_free(w->redis);
  return NULL;
}

int workers_start(const struct chartd_config *cfg, workers_reply_fn reply, void *ud, char *err, size_t errlen) {
  g.cfg = *cfg;
  g.reply = reply;
  g.reply_ud = ud;
  g.nworkers = cfg->workers;
  fq_init(&g.queue, cfg->max_in_flight, MAX_QUEUED);
  g.build_limits = (struct budget_limits){.time_ms = cfg->script_budget_ms};
  snprintf(g.timeout_arg, sizeof g.timeout_arg, "%d", cfg->timeout_s);
  g.workers = calloc((size_t)g.nworkers, sizeof *g.workers);
  if (g.workers == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < g.nworkers; i++) {
    struct worker *w = &g.workers[i];
    w->index = i;
    w->ctx_owner.find = find_request;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
      snprintf(err, errlen, "cannot start worker thread %d", i);
      return -1;
    }
    g.started++;
  }
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
  /* The budget stops every run at its deadline; one still running well past it is held in
   * a C call the stop cannot reach: this process does not serve as it should. */
  if (budget_stuck() > 0) {
    if (why) *why = "a worker is stuck past its budget";
    return false;
  }
  if (why) *why = "workers are warming up";
  return g.nworkers > 0 && atomic_load(&g.warmed) == g.nworkers;
}

void workers_generation_advanced(void) {
  pthread_mutex_lock(&g.mu); /* a worker between its check and its wait must not miss this */
  pthread_cond_broadcast(&g.cond);
  pthread_mutex_unlock(&g.mu);
}


enum workers_submit_result workers_submit(uint64_t conn_id, const char *req_id, const struct http_request_info *http,
                                          char *text, size_t len) {
  struct job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    free(text);
    return WORKERS_BUSY;
  }
  job->q.conn_id = conn_id;
  if (req_id) snprintf(job->req_id, sizeof job->req_id, "%s", req_id);
  job->http = http != NULL;
  if (http) job->info = *http;
  job->text = text;
  job->len = len;
  job->enqueued_ms = now_ms();
  job->deadline_ms = job->enqueued_ms + g.cfg.timeout_s * 1000.0;
  pthread_mutex_lock(&g.mu);
  enum workers_submit_result rc = WORKERS_STOPPING;
  if (!g.stopping) {
    enum fq_push_result pushed = fq_push(&g.queue, &job->q);
    rc = pushed == FQ_OK ? WORKERS_OK : pushed == FQ_CONN_FULL ? WORKERS_CONN_BUSY : WORKERS_BUSY;
  }
  if (rc == WORKERS_OK) {
    job->live_next = g.live;
    if (g.live) g.live->live_prev = job;
    g.live = job;
    pthread_cond_signal(&g.cond);
  }
  pthread_mutex_unlock(&g.mu);
  if (rc != WORKERS_OK) {
    free(text);
    free(job);
  }
  return rc;
}

static bool is_cancelled(struct fq_item *item, void *ud) {
  (void)ud;
  return atomic_load(&((struct job *)item)->cancelled);
}

int workers_cancel(uint64_t conn_id, const char *req_id) {
  int n = 0;
  struct job *dropped = NULL;
  pthread_mutex_lock(&g.mu);
  for (struct job *j = g.live; j; j = j->live_next)
    if (j->q.conn_id == conn_id && (req_id == NULL || strcmp(j->req_id, req_id) == 0)) {
      atomic_store(&j->cancelled, true);
      n++;
    }
  /* Queued ones are answered now rather than when a worker gets to them. */
  dropped = (struct job *)fq_take_if(&g.queue, is_cancelled, NULL);
  for (struct job *j = dropped; j; j = (struct job *)j->q.next) {
    if (j->live_prev) j->live_prev->live_next = j->live_next; else g.live = j->live_next;
    if (j->live_next) j->live_next->live_prev = j->live_prev;
  }
  pthread_mutex_unlock(&g.mu);
  while (dropped) {
    struct job *j = dropped;
    dropped = (struct job *)j->q.next;
    if (!j->http) send_error(j, "cancelled", NULL, NULL);
    metrics_request_done(NULL, "cancelled", now_ms() - j->enqueued_ms, -1, -1);
    free(j->text);
    free(j);
  }
  return n;
}

int workers_queued(void) {
  pthread_mutex_lock(&g.mu);
  int n = g.queue.queued;
  pthread_mutex_unlock(&g.mu);
  return n;
}

int workers_running(void) {
  pthread_mutex_lock(&g.mu);
  int n = g.queue.running;
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
  /* Jobs nobody started. */
  for (struct job *j = (struct job *)fq_clear(&g.queue), *next; j; j = next) {
    next = (struct job *)j->q.next;
    free(j->text);
    free(j);
  }
  free(g.workers);
  g.workers = NULL;
  g.started = 0;
  catalog_free();
}
