/* Per-connection conversation memory: the conversation's state (JSON text: the current chart and
 * its history, written by lua/conversation.lua) and the data the user sent (bytes as received),
 * held under one memory budget (CHARTD_CONVERSATION_MB) with least-recently-used eviction. */
#ifndef CHARTD_CONVERSATIONS_H
#define CHARTD_CONVERSATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Any thread may call these; one lock guards the table. The memory lives exactly as long as
 * the connection (DESIGN.md: no state outlives a connection), so replicas need no sharing. */

/* The bytes all conversations may hold together (0 = no limit). When new data would pass it,
 * the data of the least recently used other conversations is dropped (their state stays, and
 * they are marked evicted so the next follow-up can say so). */
void conversations_configure(size_t budget_bytes);

/* Stores the connection's state text; when data is not NULL it also replaces the data bytes
 * (data_len 0 with a non-NULL data clears them). Returns 0 when stored; 1 when the state was
 * stored but the data alone is over the whole budget (the conversation then holds no data and
 * is marked evicted); -1 when out of memory (nothing changed). */
int conversations_remember(uint64_t conn_id, const char *state, size_t state_len, const char *data, size_t data_len);

/* A copy of what a connection holds. Strings are malloc'ed and NUL-terminated (NULL when
 * absent); data is copied only when asked for. evicted: its data was dropped for the budget
 * (evicted_bytes: how much). Free with conversations_view_free. */
struct conversation_view {
  char *state;
  size_t state_len;
  char *data;
  size_t data_len;
  bool has_data;
  bool evicted;
  size_t evicted_bytes;
};
/* Returns 0 (view filled; all NULL when the connection holds nothing) or -1 when out of memory. */
int conversations_recall(uint64_t conn_id, bool with_data, struct conversation_view *out);
void conversations_view_free(struct conversation_view *v);

/* Drops what the connection remembered; called when it closes. */
void conversations_forget(uint64_t conn_id);

/* Bytes held, conversations held, data evictions so far (for /metrics). */
void conversations_stats(size_t *bytes, size_t *count, unsigned long *evictions);

/* Frees everything (server shutdown). */
void conversations_clear(void);

#endif
