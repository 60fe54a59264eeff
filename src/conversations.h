/* Per-connection conversation memory: the last chart spec (JSON) of each WebSocket, for follow-ups. */
#ifndef CHARTD_CONVERSATIONS_H
#define CHARTD_CONVERSATIONS_H

#include <stddef.h>
#include <stdint.h>

/* Any thread may call these; one lock guards the table. The memory lives exactly as long as
 * the connection (DESIGN.md: no state outlives a connection), so replicas need no sharing. */

/* Replaces the connection's remembered text with a copy of text[0..len). Returns 0, or -1
 * when out of memory (the old text is kept). */
int conversations_remember(uint64_t conn_id, const char *text, size_t len);

/* A malloc'ed, NUL-terminated copy of the remembered text (length in *len), or NULL. */
char *conversations_recall(uint64_t conn_id, size_t *len);

/* Drops what the connection remembered; called when it closes. */
void conversations_forget(uint64_t conn_id);

/* Frees everything (server shutdown). */
void conversations_clear(void);

#endif
