/* CHARTD_RATE_LIMIT counted in this process: a sliding window per client (the two-bucket estimate: the previous minute's count weighted by how much of it still lies in the window, plus this minute's).
 *
 * The service thread asks it for every chart request when no Redis is configured; with
 * REDIS_URL the count lives in Redis (lua/rate_limit.lua, exact) and this one only stands in
 * while Redis is down, so the limit then holds per replica. Any thread; one lock. */
#ifndef CHARTD_RATE_WINDOW_H
#define CHARTD_RATE_WINDOW_H

/* Counts one request of client (any string, e.g. "key:0" or "session:<token>") against limit
 * per window_ms at monotonic time now_ms. Returns 0 when it is allowed, else how many ms
 * until one would be (the refused request is not counted). */
long rate_window_take(const char *client, int limit, double window_ms, double now_ms);

/* Forgets every client (tests, shutdown). */
void rate_window_clear(void);

#endif
