/* Tests src/fair_queue.c: connections are served in turn, whatever one of them piled up; a
 * connection past its cap is refused while others still get in; cancelled items come out;
 * a random sequence of operations keeps every count consistent with a simple model. */
#include <stdlib.h>

#include "../../src/fair_queue.h"
#include "check.h"

struct item {
  struct fq_item q; /* first */
  int n;
};

static struct item *item(uint64_t conn, int n) {
  struct item *it = calloc(1, sizeof *it);
  it->q.conn_id = conn;
  it->n = n;
  return it;
}

static bool odd(struct fq_item *it, void *ud) {
  (void)ud;
  return ((struct item *)it)->n % 2 == 1;
}

int main(void) {
  struct fair_queue q;
  fq_init(&q, 1000, 100000);
  /* connection 1 pipelines 500 requests, then 2 and 3 send one each */
  for (int i = 0; i < 500; i++) CHECK_INT(fq_push(&q, &item(1, i)->q), FQ_OK);
  CHECK_INT(fq_push(&q, &item(2, 0)->q), FQ_OK);
  CHECK_INT(fq_push(&q, &item(3, 0)->q), FQ_OK);
  /* within the first three pops, 2 and 3 are served: not after 500 of connection 1 */
  int seen2 = 0, seen3 = 0;
  for (int i = 0; i < 3; i++) {
    struct item *it = (struct item *)fq_pop(&q);
    seen2 += it->q.conn_id == 2;
    seen3 += it->q.conn_id == 3;
    fq_done(&q, it->q.conn_id);
    free(it);
  }
  CHECK_INT(seen2, 1);
  CHECK_INT(seen3, 1);
  /* connection 1's own requests keep their order */
  int last = -1;
  for (struct item *it; (it = (struct item *)fq_pop(&q));) {
    CHECK(it->n > last);
    last = it->n;
    fq_done(&q, it->q.conn_id);
    free(it);
  }
  CHECK_INT(last, 499);
  CHECK_INT(q.queued, 0);
  CHECK_INT(q.running, 0);
  CHECK(q.lanes == NULL);

  /* the per-connection cap counts queued and running; another connection still gets in */
  fq_init(&q, 3, 5);
  struct item *a = item(7, 0), *b = item(7, 1), *c = item(7, 2), *d = item(7, 3);
  CHECK_INT(fq_push(&q, &a->q), FQ_OK);
  CHECK_INT(fq_push(&q, &b->q), FQ_OK);
  CHECK((struct item *)fq_pop(&q) == a); /* running */
  CHECK_INT(fq_push(&q, &c->q), FQ_OK);
  CHECK_INT(fq_push(&q, &d->q), FQ_CONN_FULL);
  CHECK_INT(fq_in_flight(&q, 7), 3);
  struct item *e = item(8, 0), *f = item(9, 0), *h = item(10, 0), *k = item(11, 0);
  CHECK_INT(fq_push(&q, &e->q), FQ_OK);
  CHECK_INT(fq_push(&q, &f->q), FQ_OK);
  CHECK_INT(fq_push(&q, &h->q), FQ_OK);
  CHECK_INT(fq_push(&q, &k->q), FQ_FULL); /* 5 queued in all */
  fq_done(&q, 7);                           /* a finished: connection 7 has room again */
  CHECK_INT(fq_push(&q, &d->q), FQ_FULL);   /* but 5 are queued in all */
  struct fq_item *first = fq_pop(&q);
  CHECK_INT(fq_push(&q, &d->q), FQ_OK);
  fq_done(&q, first->conn_id);
  free(first);
  int n = 0;
  for (struct fq_item *it = fq_clear(&q), *next; it; it = next, n++) {
    next = it->next;
    free(it);
  }
  CHECK_INT(n, 5);
  free(a);
  free(k);

  /* cancelled items come out; the others stay in order */
  fq_init(&q, 100, 100);
  for (int i = 0; i < 10; i++) fq_push(&q, &item(1 + i % 2, i)->q);
  struct fq_item *gone = fq_take_if(&q, odd, NULL);
  n = 0;
  for (struct fq_item *it = gone, *next; it; it = next) {
    next = it->next;
    CHECK(((struct item *)it)->n % 2 == 1);
    free(it);
    n++;
  }
  CHECK_INT(n, 5);
  CHECK_INT(q.queued, 5);
  CHECK_INT(fq_in_flight(&q, 2), 0); /* connection 2 had only odd ones: its lane is gone */
  for (struct item *it; (it = (struct item *)fq_pop(&q));) {
    CHECK(it->n % 2 == 0);
    fq_done(&q, it->q.conn_id);
    free(it);
  }
  CHECK(q.lanes == NULL);

  /* a random walk against a model: counts always agree, every pushed item pops once */
  srand(15);
  fq_init(&q, 4, 50);
  int model_in_flight[6] = {0}, model_queued = 0, running[6] = {0}, popped = 0, pushed = 0;
  for (int step = 0; step < 20000; step++) {
    int op = rand() % 3, conn = rand() % 6;
    if (op == 0) {
      struct item *it = item((uint64_t)conn, step);
      enum fq_push_result r = fq_push(&q, &it->q);
      enum fq_push_result want = model_in_flight[conn] >= 4 ? FQ_CONN_FULL : model_queued >= 50 ? FQ_FULL : FQ_OK;
      CHECK_INT(r, want);
      if (r == FQ_OK) {
        model_in_flight[conn]++;
        model_queued++;
        pushed++;
      } else {
        free(it);
      }
    } else if (op == 1) {
      struct item *it = (struct item *)fq_pop(&q);
      CHECK((it == NULL) == (model_queued == 0));
      if (it) {
        model_queued--;
        running[it->q.conn_id]++;
        popped++;
        free(it);
      }
    } else if (running[conn] > 0) {
      fq_done(&q, (uint64_t)conn);
      running[conn]--;
      model_in_flight[conn]--;
    }
    CHECK_INT(q.queued, model_queued);
    CHECK_INT(fq_in_flight(&q, (uint64_t)conn), model_in_flight[conn]);
  }
  CHECK(pushed > 1000 && popped > 1000);
  for (struct fq_item *it = fq_clear(&q), *next; it; it = next) {
    next = it->next;
    free(it);
  }
  return check_done("test_fair_queue");
}
