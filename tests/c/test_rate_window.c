/* Tests the in-process sliding-window rate limit: exactly `limit` in a fresh window, the weighted
 * previous window, clients apart, and the retry hint. */
#include "check.h"
#include "rate_window.h"

int main(void) {
  const double W = 60000;
  double t = 10 * W; /* the start of a window */
  for (int i = 0; i < 5; i++) CHECK_INT(rate_window_take("a", 5, W, t + i), 0);
  long wait = rate_window_take("a", 5, W, t + 10);
  CHECK(wait > 0 && wait <= W); /* the 6th: refused, told when to come back */
  CHECK_INT(rate_window_take("b", 5, W, t + 10), 0); /* another client is apart */
  /* Half into the next window the previous 5 weigh 2.5: two more fit (2.5 + 2 <= 5), not three. */
  double half = t + 1.5 * W;
  CHECK_INT(rate_window_take("a", 5, W, half), 0);
  CHECK_INT(rate_window_take("a", 5, W, half), 0);
  wait = rate_window_take("a", 5, W, half);
  CHECK(wait > 0 && wait <= 0.5 * W);
  /* Come back when it said: allowed then. */
  CHECK_INT(rate_window_take("a", 5, W, half + wait), 0);
  /* Two windows later nothing of it is left. */
  for (int i = 0; i < 5; i++) CHECK_INT(rate_window_take("a", 5, W, t + 4 * W + i), 0);
  /* A refused request is not counted: a client hammering past its limit is not locked out. */
  for (int i = 0; i < 100; i++) rate_window_take("c", 1, W, t + i);
  CHECK_INT(rate_window_take("c", 1, W, t + 2 * W), 0);
  rate_window_clear();
  return check_done("test_rate_window");
}
