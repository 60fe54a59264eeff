/* WebSocket message reassembly and a cheap look at a message's top-level "type" and "id":
 * the pure part of the service thread's input handling (no libwebsockets), kept apart from
 * server.c so that tests/c/test_ws_message.c and tests/fuzz/fuzz_ws_message.c can drive it. */
#ifndef CHARTD_WS_MESSAGE_H
#define CHARTD_WS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

/* One connection's message being put together from the pieces lws hands over. Not shared
 * between threads. While buf is non-NULL, buf[len] == '\0' (the text is never read as a C
 * string here, but the worker's copy relies on it). */
struct ws_assembler {
  char *buf;
  size_t len;   /* bytes of the current (or just completed) message */
  size_t alloc; /* bytes allocated at buf */
  size_t max;   /* the message cap: MAX_REQUEST_KB * 1024 on the server */
  bool open;    /* a message is in progress (its first piece came, its last one not yet) */
};

enum ws_feed_result {
  WS_FEED_MORE,      /* stored; the message is not complete yet */
  WS_FEED_DONE,      /* the message is complete in buf/len (until the next feed or take) */
  WS_FEED_TOO_LARGE, /* it would pass max: nothing is kept, the caller closes with 1009 */
  WS_FEED_NOMEM,     /* out of memory: nothing is kept */
};

void ws_assembler_init(struct ws_assembler *a, size_t max);
void ws_assembler_free(struct ws_assembler *a);

/* Feeds one piece as lws delivers it: first = lws_is_first_fragment() (a new message starts;
 * an unfinished one is dropped), final = lws_is_final_fragment(), remaining =
 * lws_remaining_packet_payload() (bytes of this frame still to come, counted against max at
 * once so a single huge frame is refused before it is buffered). A piece that is not first
 * while no message is open starts a new one. The message is complete when final and
 * remaining == 0. *total, when not NULL, gets the size the message would have had (for the
 * log line of a refusal; SIZE_MAX when that does not fit in a size_t). */
enum ws_feed_result ws_assembler_feed(struct ws_assembler *a, const void *data, size_t len, bool first, bool final,
                                      size_t remaining, size_t *total);

/* Hands the completed message over (the caller frees it; NUL-terminated, *len bytes before
 * the NUL); the assembler starts empty. NULL when nothing is held. */
char *ws_assembler_take(struct ws_assembler *a, size_t *len);

/* The top-level "type" and "id" string members of a JSON object, raw (escapes kept as they
 * are, so the content can be echoed into JSON the host writes): each is copied NUL-terminated
 * when shorter than its cap, else left "" (as when absent or not a string). Returns false when
 * the text is not one well-formed JSON object (nesting deeper than 64 counts as malformed).
 * Reads only text[0..len). */
bool ws_peek_message(const char *text, size_t len, char *type, size_t tcap, char *id, size_t icap);

/* {"type":"subscribe","events":["reload"],"rerender":true}: *reload when "reload" is among the
 * events, *rerender when rerender is true. False when the shape is wrong (an unknown event,
 * events not an array of strings, rerender not true or false, malformed JSON). Reads only
 * text[0..len). */
bool ws_peek_subscribe(const char *text, size_t len, bool *reload, bool *rerender);

#endif
