/* The request queue: one lane per connection, served round-robin, with a cap on each connection's requests in flight. */
#include "fair_queue.h"

#include <stdlib.h>

struct fq_lane {
  struct fq_lane *next; /* q->lanes, a circular list while not empty */
  uint64_t conn_id;
  struct fq_item *head, *tail;
  int queued, running;
};

void fq_init(struct fair_queue *q, int per_conn, int max_queued) {
  *q = (struct fair_queue){.per_conn = per_conn, .max_queued = max_queued};
}

/* Lanes form a ring (last->next == first) so the cursor can walk round. */
static struct fq_lane *find(const struct fair_queue *q, uint64_t conn_id) {
  struct fq_lane *l = q->lanes;
  if (l == NULL) return NULL;
  do {
    if (l->conn_id == conn_id) return l;
    l = l->next;
  } while (l != q->lanes);
  return NULL;
}

static void unlink_lane(struct fair_queue *q, struct fq_lane *lane) {
  struct fq_lane *prev = lane;
  while (prev->next != lane) prev = prev->next;
  if (prev == lane) { /* the only one */
    q->lanes = q->cursor = NULL;
  } else {
    prev->next = lane->next;
    if (q->lanes == lane) q->lanes = lane->next;
    if (q->cursor == lane) q->cursor = lane->next;
  }
  free(lane);
}

static void drop_if_idle(struct fair_queue *q, struct fq_lane *lane) {
  if (lane->queued == 0 && lane->running == 0) unlink_lane(q, lane);
}

enum fq_push_result fq_push(struct fair_queue *q, struct fq_item *item) {
  struct fq_lane *lane = find(q, item->conn_id);
  if (lane && lane->queued + lane->running >= q->per_conn) return FQ_CONN_FULL;
  if (q->queued >= q->max_queued) return FQ_FULL;
  if (lane == NULL) {
    lane = calloc(1, sizeof *lane);
    if (lane == NULL) return FQ_NOMEM;
    lane->conn_id = item->conn_id;
    if (q->lanes == NULL) {
      lane->next = lane;
      q->lanes = q->cursor = lane;
    } else { /* just before the cursor: served after everyone already waiting */
      struct fq_lane *prev = q->cursor;
      while (prev->next != q->cursor) prev = prev->next;
      prev->next = lane;
      lane->next = q->cursor;
    }
  }
  item->next = NULL;
  if (lane->tail) lane->tail->next = item; else lane->head = item;
  lane->tail = item;
  lane->queued++;
  q->queued++;
  return FQ_OK;
}

struct fq_item *fq_pop(struct fair_queue *q) {
  if (q->queued == 0 || q->cursor == NULL) return NULL;
  struct fq_lane *lane = q->cursor;
  while (lane->head == NULL) lane = lane->next; /* some lane has one: q->queued > 0 */
  struct fq_item *item = lane->head;
  lane->head = item->next;
  if (lane->head == NULL) lane->tail = NULL;
  lane->queued--;
  lane->running++;
  q->queued--;
  q->running++;
  q->cursor = lane->next; /* the next connection goes next */
  item->next = NULL;
  return item;
}

void fq_done(struct fair_queue *q, uint64_t conn_id) {
  struct fq_lane *lane = find(q, conn_id);
  if (lane == NULL || lane->running == 0) return;
  lane->running--;
  q->running--;
  drop_if_idle(q, lane);
}

struct fq_item *fq_take_if(struct fair_queue *q, bool (*drop)(struct fq_item *item, void *ud), void *ud) {
  struct fq_item *out = NULL;
  struct fq_lane *lane = q->lanes;
  if (lane == NULL) return NULL;
  struct fq_lane *idle = NULL; /* lanes emptied here are unlinked after the walk */
  do {
    struct fq_lane *next = lane->next;
    struct fq_item *prev = NULL;
    for (struct fq_item *it = lane->head; it;) {
      struct fq_item *following = it->next;
      if (drop(it, ud)) {
        if (prev) prev->next = following; else lane->head = following;
        if (lane->tail == it) lane->tail = prev;
        lane->queued--;
        q->queued--;
        it->next = out;
        out = it;
      } else {
        prev = it;
      }
      it = following;
    }
    if (lane->queued == 0 && lane->running == 0) idle = idle ? idle : lane;
    lane = next;
  } while (lane != q->lanes);
  /* unlink every idle lane (a second pass: unlinking changes q->lanes) */
  while (idle) {
    idle = NULL;
    struct fq_lane *l = q->lanes;
    if (l == NULL) break;
    do {
      if (l->queued == 0 && l->running == 0) {
        idle = l;
        break;
      }
      l = l->next;
    } while (l != q->lanes);
    if (idle) unlink_lane(q, idle);
  }
  return out;
}

int fq_in_flight(const struct fair_queue *q, uint64_t conn_id) {
  struct fq_lane *lane = find(q, conn_id);
  return lane ? lane->queued + lane->running : 0;
}

struct fq_item *fq_clear(struct fair_queue *q) {
  struct fq_item *out = NULL;
  while (q->lanes) {
    struct fq_lane *lane = q->lanes;
    for (struct fq_item *it = lane->head; it;) {
      struct fq_item *following = it->next;
      it->next = out;
      out = it;
      it = following;
    }
    lane->head = lane->tail = NULL;
    lane->queued = lane->running = 0;
    unlink_lane(q, lane);
  }
  q->queued = q->running = 0;
  return out;
}
