/* Conversation memory: each session's state (JSON text: the current chart and its history,
 * written by lua/conversation.lua) and the data the user sent (bytes as received), held under
 * one memory budget (CHARTD_CONVERSATION_MB) with least-recently-used eviction.
 *
 * A WebSocket connection belongs to a session (its token, announced in `hello`, docs/protocol.md
 * "Sessions"). When the connection closes the session stays for CHARTD_SESSION_TTL, so a client
 * that reconnects with ?session=TOKEN continues. With REDIS_URL, lua/session_store.lua also
 * keeps the session in Redis, and this store is the copy in front of it: a session nobody here
 * is connected to is dropped when a connection attaches to it again (another replica may have
 * moved it on), so the next request reads Redis. */
#ifndef CHARTD_CONVERSATIONS_H
#define CHARTD_CONVERSATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Any thread may call these; one lock guards the tables. */

#define SESSION_TOKEN_LEN 32 /* hex digits: 128 random bits */

/* A new token (getrandom), NUL-terminated in out[SESSION_TOKEN_LEN + 1]. Returns 0, or -1
 * when the system gives no randomness. */
int session_token_new(char *out);
/* True for SESSION_TOKEN_LEN lowercase hex digits. */
bool session_token_valid(const char *s);

/* budget_bytes: what all conversations may hold together (0 = no limit). When new data would
 * pass it, sessions no connection holds go first (whole), then the data of the least recently
 * used others (their state stays; they are marked evicted so the next follow-up can say so).
 * ttl_ms: how long a session outlives its last connection. shared: REDIS_URL is set (see above). */
void conversations_configure(size_t budget_bytes, double ttl_ms, bool shared);

/* The connection conn_id belongs to session token from now on; client names who it is for the
 * rate limit ("key:<slot>" or "session:<token>", at most CONVERSATION_CLIENT_MAX - 1 bytes).
 * Returns true when this process holds a conversation for the session. */
#define CONVERSATION_CLIENT_MAX 48
bool conversations_attach(uint64_t conn_id, const char *token, const char *client);

/* The connection closed: its session is kept for the TTL (dropped at once when it had no
 * token: a connection that was never attached). */
void conversations_forget(uint64_t conn_id);

/* The session token of a connection into token[SESSION_TOKEN_LEN + 1] and its client into
 * client[CONVERSATION_CLIENT_MAX] ("" when none). */
void conversations_session(uint64_t conn_id, char *token, char *client);

/* Stores the connection's state text; when data is not NULL it also replaces the data bytes
 * (data_len 0 with a non-NULL data clears them). A connection that was never attached gets a
 * session of its own. Returns 0 when stored; 1 when the state was stored but the data alone is
 * over the whole budget (the conversation then holds no data and is marked evicted); -1 when
 * out of memory (nothing changed). */
int conversations_remember(uint64_t conn_id, const char *state, size_t state_len, const char *data, size_t data_len);

/* Marks the session's data as dropped (bytes: how much it was), as the budget does: a session
 * restored from Redis without the data that was over CHARTD_SESSION_MAX_KB. */
void conversations_mark_evicted(uint64_t conn_id, size_t bytes);

/* A copy of what a connection's session holds. Strings are malloc'ed and NUL-terminated (NULL
 * when absent); data is copied only when asked for. evicted: its data was dropped for the
 * budget (evicted_bytes: how much). Free with conversations_view_free. */
struct conversation_view {
  char *state;
  size_t state_len;
  char *data;
  size_t data_len;
  bool has_data;
  bool evicted;
  size_t evicted_bytes;
};
/* Returns 0 (view filled; all NULL when the session holds nothing) or -1 when out of memory. */
int conversations_recall(uint64_t conn_id, bool with_data, struct conversation_view *out);
void conversations_view_free(struct conversation_view *v);

/* Bytes held, conversations held, data evictions so far (for /metrics). */
void conversations_stats(size_t *bytes, size_t *count, unsigned long *evictions);

/* Frees everything (server shutdown). */
void conversations_clear(void);

#endif
