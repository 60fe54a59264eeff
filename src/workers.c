/* The worker pool: threads that each own a lua_State and a curl multi handle and run requests as coroutines of lua/service.lua.
 *
 * This file starts and stops the threads and runs each one's loop: take jobs in turn
 * (job_queue.c), keep the state on the serving generation (worker_state.c), resume the tasks
 * that are ready. Each task is a budgeted run (src/budget.c): the budget's watchdog stops it
 * when it is cancelled or passes its deadline, the memory cap when it asks for too much; the
 * worker then discards the coroutine and answers `cancelled`, `timeout` or `resource_limit`
 * itself. Replies go out through the reply callback (the server's locked queue); bodies are
 * malloc'ed here and owned by the callee afterwards. src/workers_private.h says who owns what. */
#include "workers_private.h"

#include <malloc.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "log.h"
#include "metrics.h"
#include "runtime.h"
#include "state.h"

#define START_PER_TURN 8
#define STARTUP_WAIT_S 60 /* for every worker to load the scripts and draw its warm-up chart */
/* A worker state's scripts may hold BUDGET_SCRIPT_MEMORY while a request runs (the cap holds
 * only then: the host always has headroom). Past it the request ends with `resource_limit`
 * and the worker rebuilds its state. Encoded images are at most MAX_CHART_SIZE_MB (+ base64). */

struct worker_pool pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static struct {
  struct worker *workers;
  int nworkers, started;
  atomic_int warmed, failed;
  char fail_reason[512];
} g;

/* request_ctx's lookup: the live task with this id, or NULL once it ended. */
static struct request_ctx *find_request(struct request_ctx_owner *owner, lua_Integer id) {
  struct worker *w = (struct worker *)owner; /* ctx_owner is the first member */
  for (struct task *t = w->tasks; t; t = t->next)
    if (t->id == id) return &t->ctx;
  return NULL;
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

static void finish_task(struct worker *w, struct task *t, const char *outcome, const char *chart_type,
                        double render_ms, double encode_ms) {
  struct job *job = t->job;
  detach_wait(w, t);
  double ms = budget_now_ms() - job->enqueued_ms;
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
  worker_state_release(w, t->L);
  jobs_end(job);
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
     * its transfer first taken off the multi handle. A cancel never gets here once the final
     * reply went out (it settled the job's switch); a stop that came after the coroutine
     * returned is not a stop either: the request is counted by what it answered. */
    detach_wait(w, t);
    lua_resetthread(t->co);
    const char *code = stop == BUDGET_CANCELLED ? "cancelled" : "timeout";
    if (!t->ctx.final_sent && !(job->http && stop == BUDGET_CANCELLED)) job_send_error(job, code, NULL, pool.timeout_arg);
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
      job_send_error(job, "resource_limit", msg, NULL);
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
    if (!t->ctx.final_sent) job_send_error(job, "internal", msg ? msg : "service.handle raised a non-string error", NULL);
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
  if (!t->ctx.final_sent && budget_cancelled(&job->cancel)) {
    /* Cancelled between the watchdog's ticks: ctx.emit already refused the final reply, so
     * answer as a cancel does (the soak run saw 115 of 72,876 cancels end as `internal`). */
    if (!job->http) job_send_error(job, "cancelled", NULL, NULL);
    outcome = "cancelled";
  } else if (!t->ctx.final_sent) {
    job_send_error(job, "internal", "the request ended without an answer", NULL);
  }
  char outcome_buf[32] = "internal", type_buf[32] = "";
  if (outcome) snprintf(outcome_buf, sizeof outcome_buf, "%s", outcome);
  if (type) snprintf(type_buf, sizeof type_buf, "%s", type);
  lua_settop(t->co, 0);
  finish_task(w, t, outcome_buf, type_buf, render, encode);
  return true;
}

static void start_job(struct worker *w, struct job *job) {
  if (budget_cancelled(&job->cancel) || budget_now_ms() > job->deadline_ms) {
    bool timeout = !budget_cancelled(&job->cancel);
    if (timeout) job_send_error(job, "timeout", NULL, pool.timeout_arg);
    else if (!job->http) job_send_error(job, "cancelled", NULL, NULL);
    metrics_request_done(NULL, timeout ? "timeout" : "cancelled", budget_now_ms() - job->enqueued_ms, -1, -1);
    jobs_end(job);
    return;
  }
  struct task *t = calloc(1, sizeof *t);
  if (t == NULL) {
    job_send_error(job, "internal", "out of memory starting a task", NULL);
    jobs_end(job);
    return;
  }
  t->job = job;
  t->id = ++w->next_task_id;
  t->L = w->L;
  t->co = lua_newthread(w->L);
  t->co_ref = luaL_ref(w->L, LUA_REGISTRYINDEX);
  budget_begin(&t->run, w->L, t->co, &(struct budget_limits){.deadline_ms = job->deadline_ms}, &job->cancel);
  t->next = w->tasks;
  w->tasks = t;
  lua_rawgeti(t->co, LUA_REGISTRYINDEX, w->handle_ref);
  lua_pushlstring(t->co, job->text, job->len);
  t->ctx = (struct request_ctx){.conn_id = job->q.conn_id, .http = job->http, .info = job->info,
                                .query = job->text, .query_len = job->len,
                                .enqueued_ms = job->enqueued_ms, .deadline_ms = job->deadline_ms,
                                .cancel = &job->cancel, .worker = w->index, .reply = pool.reply,
                                .reply_ud = pool.reply_ud};
  request_ctx_push(t->co, &w->ctx_owner, t->id, &t->ctx);
  step_task(w, t, 2);
}

/* How long the loop may block in curl_multi_poll: until the next sleep ends, at most 5 ms
 * (new jobs arrive on pool.cond, not on the multi handle), 0 when a task is ready now. */
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
  curl_multi_poll(w->multi, redis.fd >= 0 ? &redis : NULL, redis.fd >= 0 ? 1 : 0, busy ? 0 : poll_ms(w, budget_now_ms()),
                  NULL);
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
  double now = budget_now_ms();
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
  w->redis = redis_link_new(&pool.cfg, w->index); /* before the state, whose registry holds it */
  if (worker_state_init(w, err, sizeof err) != 0) {
    redis_link_free(w->redis);
    w->redis = NULL;
    char e[1200];
    log_writef(LOG_ERROR, "worker_failed", "\"worker\":%d,\"error\":\"%s\"", w->index, workers_esc(e, sizeof e, err));
    pthread_mutex_lock(&pool.mu);
    size_t n = strlen(err) < sizeof g.fail_reason - 1 ? strlen(err) : sizeof g.fail_reason - 1;
    memcpy(g.fail_reason, err, n); /* truncated on purpose: /readyz shows the start */
    g.fail_reason[n] = '\0';
    pthread_mutex_unlock(&pool.mu);
    atomic_fetch_add(&g.failed, 1);
    return NULL;
  }
  w->multi = curl_multi_init();
  w->loop.multi = w->multi;
  atomic_fetch_add(&g.warmed, 1);

  for (;;) {
    if (w->trim && w->tasks == NULL) {
      /* Idle: the arena's free pages go back to the system, so RSS after a big render falls
       * back (big blocks are mmapped: server.c fixes M_MMAP_THRESHOLD). Never mid-request. */
      malloc_trim(0);
      w->trim = false;
    }
    pthread_mutex_lock(&pool.mu);
    while (!pool.stopping && pool.queue.queued == 0 && w->tasks == NULL && worker_state_current(w))
      pthread_cond_wait(&pool.cond, &pool.mu);
    if (pool.stopping && w->tasks == NULL) {
      pthread_mutex_unlock(&pool.mu);
      break;
    }
    pthread_mutex_unlock(&pool.mu);
    worker_state_refresh(w); /* an idle worker is woken for it, so the first request after a save is fast */
    /* Up to START_PER_TURN new jobs before resuming the ready ones: starting a job costs
     * little until it yields on its LLM call, so those calls go out together instead of
     * waiting behind renders. */
    int started = 0;
    for (; started < START_PER_TURN; started++) {
      struct job *job = jobs_pop();
      if (job == NULL) break;
      worker_state_refresh(w); /* the job may have come after a reload the client has seen */
      start_job(w, job);
    }

    /* Tasks that yielded wait for their transfers on the multi handle, for a sleep, or
     * just for the next turn; a turn resumes the ones that are ready. */
    if (w->tasks) turn(w, started > 0);
  }
  worker_state_close(w); /* first: a request box's __gc may still talk to the multi handle or the link */
  curl_multi_cleanup(w->multi);
  redis_link_free(w->redis);
  return NULL;
}

int workers_start(const struct chartd_config *cfg, workers_reply_fn reply, void *ud, char *err, size_t errlen) {
  pool.cfg = *cfg;
  pool.reply = reply;
  pool.reply_ud = ud;
  g.nworkers = cfg->workers;
  jobs_init(cfg->max_in_flight);
  pool.build_limits = state_script_limits(cfg);
  snprintf(pool.timeout_arg, sizeof pool.timeout_arg, "%d", cfg->timeout_s);
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
  double give_up = budget_now_ms() + STARTUP_WAIT_S * 1000.0;
  while (atomic_load(&g.warmed) + atomic_load(&g.failed) < g.nworkers) {
    if (budget_now_ms() > give_up) { /* a script that never returns: its thread cannot be joined */
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
  pthread_mutex_lock(&pool.mu); /* a worker between its check and its wait must not miss this */
  pthread_cond_broadcast(&pool.cond);
  pthread_mutex_unlock(&pool.mu);
}

void workers_stop(void) {
  jobs_stop();
  for (int i = 0; i < g.started; i++) pthread_join(g.workers[i].thread, NULL);
  jobs_free_queued(); /* jobs nobody started */
  free(g.workers);
  g.workers = NULL;
  g.started = 0;
  catalog_free();
}
