/* The request queue: one lane per connection, served round-robin, with a cap on each connection's requests in flight.
 *
 * One connection pipelining a thousand requests must not make every other client wait
 * behind them (or get `busy`): workers take the next request from each connection in turn,
 * and a connection past its cap of queued + running requests is refused at once.
 *
 * Threads: not thread-safe; the caller holds its own lock (job_queue.c's pool.mu). Pure C. */
#ifndef CHARTD_FAIR_QUEUE_H
#define CHARTD_FAIR_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

/* Embedded in the caller's item (first member, or recovered with offsetof). */
struct fq_item {
  struct fq_item *next;
  uint64_t conn_id;
};

struct fq_lane;

struct fair_queue {
  struct fq_lane *lanes;  /* every connection with requests queued or running */
  struct fq_lane *cursor; /* the lane the next pop starts at (round-robin) */
  int per_conn;           /* cap on one connection's queued + running */
  int max_queued;         /* cap on all queued requests */
  int queued, running;
};

enum fq_push_result { FQ_OK = 0, FQ_CONN_FULL = -1, FQ_FULL = -2, FQ_NOMEM = -3 };

void fq_init(struct fair_queue *q, int per_conn, int max_queued);

/* Appends item to its connection's lane. */
enum fq_push_result fq_push(struct fair_queue *q, struct fq_item *item);

/* The next item, taking connections in turn; it then counts as running for its connection
 * until fq_done. NULL when nothing is queued. */
struct fq_item *fq_pop(struct fair_queue *q);

/* A popped item of conn_id ended. */
void fq_done(struct fair_queue *q, uint64_t conn_id);

/* Takes out every queued item for which drop(item, ud) is true; returns them as a list
 * (linked through next), in no particular order. */
struct fq_item *fq_take_if(struct fair_queue *q, bool (*drop)(struct fq_item *item, void *ud), void *ud);

/* Queued + running requests of one connection. */
int fq_in_flight(const struct fair_queue *q, uint64_t conn_id);

/* Frees the lanes; returns the items still queued as a list. */
struct fq_item *fq_clear(struct fair_queue *q);

#endif
