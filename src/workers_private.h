/* What the worker pool's files share (no other file includes this): a job, a task, a worker and the pool's state.
 *
 * Files: workers.c (the threads: start, each one's run loop over its tasks, readiness, stop),
 * job_queue.c (jobs from submission until a worker ends them: the fair queue, the live list,
 * cancel, the errors C answers itself), worker_state.c (a worker's Lua state across hot
 * reloads: the build from the serving generation, retired states, the catalog).
 *
 * Threads and ownership:
 * - The queue and the live list (queued + running jobs) are shared, guarded by pool.mu.
 *   A job belongs to the queue until a worker pops it, then to that worker until it ends.
 * - A worker's lua_State, its tasks (one coroutine per job) and its curl multi handle are
 *   used by that worker thread only. */
#ifndef CHARTD_WORKERS_PRIVATE_H
#define CHARTD_WORKERS_PRIVATE_H

#include <curl/curl.h>
#include <lua.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "budget.h"
#include "config.h"
#include "fair_queue.h"
#include "log.h"
#include "lua_http.h"
#include "redis_link.h"
#include "request_ctx.h"
#include "workers.h"

#define REQ_ID_MAX 160

struct job {
  struct fq_item q;                  /* first: the queue's link and the connection (pool.mu) */
  struct job *live_prev, *live_next; /* live list (pool.mu): for workers_cancel */
  char req_id[REQ_ID_MAX];           /* raw JSON string content, "" when none */
  bool http;
  struct http_request_info info; /* HTTP only */
  char *text;
  size_t len;
  struct budget_cancel cancel; /* thrown by workers_cancel or by its final reply (request_ctx.c) */
  double enqueued_ms, deadline_ms; /* monotonic (budget_now_ms) */
};

struct task {
  struct task *next;
  struct job *job;
  lua_State *co;
  lua_State *L; /* the state co belongs to: an older generation's when a reload came meanwhile */
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
  CURLM *multi;                 /* chartd.http transfers of this worker's coroutines */
  struct chartd_http_loop loop; /* registry CHARTD_HTTP_LOOP of L */
  struct redis_link *redis;     /* chartd.redis commands of this worker's coroutines (NULL: no REDIS_URL) */
  int handle_ref;               /* service.handle */
  /* Hot reload (worker_state.c): L is built for generation gen; states of older generations
   * stay in retired until the last task running on them ends, then they are closed. A
   * generation whose build failed here (failed_gen) is not tried again. */
  unsigned gen, failed_gen;
  struct retired {
    struct retired *next;
    lua_State *L;
    int tasks;
  } *retired;
  bool rebuild; /* a request ran out of script memory: build a fresh state before the next one */
  bool trim;    /* requests ended since the worker was last idle: give free memory back then */
  struct task *tasks;
  int next_task_id;
};

/* The pool's state every worker file reads (workers.c defines it). */
struct worker_pool {
  struct chartd_config cfg;
  workers_reply_fn reply; /* the server's locked reply queue */
  void *reply_ud;
  pthread_mutex_t mu;  /* guards queue, live, stopping */
  pthread_cond_t cond; /* wakes idle workers: a job, a new generation, stop */
  struct fair_queue queue; /* round-robin over connections (src/fair_queue.c) */
  struct job *live;
  bool stopping;
  struct budget_limits build_limits; /* every state build and catalog call */
  char timeout_arg[16];              /* CHART_GENERATION_TIMEOUT for the `timeout` text */
};
extern struct worker_pool pool;

/* s escaped for a log line's JSON (into buf). */
static inline const char *workers_esc(char *buf, size_t cap, const char *s) {
  log_json_escape(buf, cap, s ? s : "", s ? strlen(s) : 0);
  return buf;
}

/* ---- job_queue.c ---- */

void jobs_init(int max_in_flight);
/* The next job in turn (it now counts as running for its connection), or NULL. */
struct job *jobs_pop(void);
/* A popped job ended: off the live list and its connection's count, freed. */
void jobs_end(struct job *job);
/* An error for job written in C, through the one error builder (src/errors.c): message NULL
 * is the code's own text with arg. An `internal` error's detail goes to the log only. */
void job_send_error(const struct job *job, const char *code, const char *message, const char *arg);
/* Stop: no new jobs, every live one cancelled, idle workers woken. */
void jobs_stop(void);
/* After the workers are joined: frees the jobs nobody started. */
void jobs_free_queued(void);

/* ---- worker_state.c ---- */

/* The worker's first state (worker 0 also publishes the catalog); -1 with err. */
int worker_state_init(struct worker *w, char *err, size_t errlen);
/* True when w's state is the serving generation's, or that generation failed to build here
 * (nothing to do until the next one). */
bool worker_state_current(const struct worker *w);
/* Before a request starts and when a reload wakes the worker: a fresh state for a newer
 * generation (or after a memory overrun); a build that fails keeps the previous one. */
void worker_state_refresh(struct worker *w);
/* A task on state L ended: a retired state is closed with its last task. */
void worker_state_release(struct worker *w, lua_State *L);
void worker_state_close(struct worker *w);

#endif
