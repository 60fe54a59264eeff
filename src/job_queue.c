/* The worker pool's job queue: requests from submission until a worker ends them — the fair queue, the live list, cancel, and the errors C answers itself.
 *
 * Threads: workers_submit/workers_cancel/workers_queued/workers_running from any thread
 * (the service thread in practice); jobs_pop/jobs_end from workers. Everything shared is
 * under pool.mu (src/workers_private.h). */
#include "workers_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "metrics.h"

/* Beyond this many queued jobs a request is answered `busy` at once (and beyond
 * CHARTD_MAX_IN_FLIGHT for its connection). */
#define MAX_QUEUED 1024

void jobs_init(int max_in_flight) { fq_init(&pool.queue, max_in_flight, MAX_QUEUED); }

static void job_free(struct job *job) {
  free(job->text);
  free(job);
}

/* Takes job off the live list (pool.mu held). */
static void unlink_live(struct job *job) {
  if (job->live_prev) job->live_prev->live_next = job->live_next; else pool.live = job->live_next;
  if (job->live_next) job->live_next->live_prev = job->live_prev;
}

void job_send_error(const struct job *job, const char *code, const char *message, const char *arg) {
  char ref[9] = "";
  if (strcmp(code, "internal") == 0) {
    error_reference(ref);
    char e[1200];
    log_writef(LOG_ERROR, "request_failed", "\"conn\":%llu,\"id\":\"%s\",\"ref\":\"%s\",\"error\":\"%s\"",
               (unsigned long long)job->q.conn_id, job->http ? job->info.request_id : job->req_id, ref,
               workers_esc(e, sizeof e, message));
    message = NULL;
  }
  struct worker_reply r = {.conn_id = job->q.conn_id, .http = job->http};
  r.body = error_json(code, job->req_id, message, arg, ref[0] ? ref : NULL, NULL, &r.len, &r.status);
  if (r.body == NULL) return;
  strcpy(r.mime, "application/json");
  pool.reply(pool.reply_ud, &r);
}

struct job *jobs_pop(void) {
  pthread_mutex_lock(&pool.mu);
  struct job *job = (struct job *)fq_pop(&pool.queue);
  pthread_mutex_unlock(&pool.mu);
  return job;
}

void jobs_end(struct job *job) {
  pthread_mutex_lock(&pool.mu);
  unlink_live(job);
  fq_done(&pool.queue, job->q.conn_id);
  pthread_mutex_unlock(&pool.mu);
  job_free(job);
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
  job->enqueued_ms = budget_now_ms();
  job->deadline_ms = job->enqueued_ms + pool.cfg.timeout_s * 1000.0;
  pthread_mutex_lock(&pool.mu);
  enum workers_submit_result rc = WORKERS_STOPPING;
  if (!pool.stopping) {
    enum fq_push_result pushed = fq_push(&pool.queue, &job->q);
    rc = pushed == FQ_OK ? WORKERS_OK : pushed == FQ_CONN_FULL ? WORKERS_CONN_BUSY : WORKERS_BUSY;
  }
  if (rc == WORKERS_OK) {
    job->live_next = pool.live;
    if (pool.live) pool.live->live_prev = job;
    pool.live = job;
    pthread_cond_signal(&pool.cond);
  }
  pthread_mutex_unlock(&pool.mu);
  if (rc != WORKERS_OK) job_free(job);
  return rc;
}

static bool is_cancelled(struct fq_item *item, void *ud) {
  (void)ud;
  return budget_cancelled(&((struct job *)item)->cancel);
}

int workers_cancel(uint64_t conn_id, const char *req_id) {
  int n = 0;
  struct job *dropped = NULL;
  pthread_mutex_lock(&pool.mu);
  for (struct job *j = pool.live; j; j = j->live_next)
    if (j->q.conn_id == conn_id && (req_id == NULL || strcmp(j->req_id, req_id) == 0)) {
      n += budget_cancel(&j->cancel); /* not one whose final reply went out */
    }
  /* Queued ones are answered now rather than when a worker gets to them. */
  dropped = (struct job *)fq_take_if(&pool.queue, is_cancelled, NULL);
  for (struct job *j = dropped; j; j = (struct job *)j->q.next) unlink_live(j);
  pthread_mutex_unlock(&pool.mu);
  while (dropped) {
    struct job *j = dropped;
    dropped = (struct job *)j->q.next;
    if (!j->http) job_send_error(j, "cancelled", NULL, NULL);
    metrics_request_done(NULL, "cancelled", budget_now_ms() - j->enqueued_ms, -1, -1);
    job_free(j);
  }
  return n;
}

int workers_queued(void) {
  pthread_mutex_lock(&pool.mu);
  int n = pool.queue.queued;
  pthread_mutex_unlock(&pool.mu);
  return n;
}

int workers_running(void) {
  pthread_mutex_lock(&pool.mu);
  int n = pool.queue.running;
  pthread_mutex_unlock(&pool.mu);
  return n;
}

void jobs_stop(void) {
  pthread_mutex_lock(&pool.mu);
  pool.stopping = true;
  for (struct job *j = pool.live; j; j = j->live_next) budget_cancel(&j->cancel);
  pthread_cond_broadcast(&pool.cond);
  pthread_mutex_unlock(&pool.mu);
}

void jobs_free_queued(void) {
  for (struct job *j = (struct job *)fq_clear(&pool.queue), *next; j; j = next) {
    next = (struct job *)j->q.next;
    job_free(j);
  }
}
