/* The contract between chartd.http (src/lua_http.c) and a host loop (src/workers.c) that runs
 * its requests without blocking a thread.
 *
 * A host that owns a curl multi handle stores a `struct chartd_http_loop` as a light userdata
 * in the registry under CHARTD_HTTP_LOOP and sets `current` to the coroutine it is about to
 * resume. When that coroutine calls http.request / http.sleep, the binding adds its easy handle
 * to loop->multi (CURLOPT_PRIVATE = the wait) and yields two values: the string
 * CHARTD_HTTP_YIELD and a light userdata `struct chartd_http_wait *`. The host then:
 *   - on curl_multi_info_read DONE for that easy: curl_multi_remove_handle, attached = false,
 *     result = the CURLcode, done = true, and resumes the coroutine with no values;
 *   - for a sleep (easy == NULL): resumes it once the monotonic clock passes until_ms;
 *   - when it drops the coroutine instead (timeout, cancel): if attached, removes the easy
 *     from the multi and clears attached. The memory belongs to a userdata on the coroutine's
 *     stack and is freed by its __gc, so the host never frees a wait itself.
 * Everywhere else (plain lua5.4, the CLI, a worker's main thread) the binding blocks. */
#ifndef CHARTD_LUA_HTTP_H
#define CHARTD_LUA_HTTP_H

#include <curl/curl.h>
#include <lua.h>
#include <stdbool.h>

#define CHARTD_HTTP_LOOP "chartd.http.loop"
#define CHARTD_HTTP_YIELD "chartd.http.wait"

struct chartd_http_loop {
  CURLM *multi;
  lua_State *current; /* the task coroutine being resumed, NULL between resumes */
};

struct chartd_http_wait {
  CURL *easy;        /* NULL for http.sleep */
  CURLM *multi;      /* the multi the easy is in while attached */
  double until_ms;   /* http.sleep: monotonic ms after which it may resume */
  bool attached;     /* easy is in multi */
  bool done;         /* set by the host */
  CURLcode result;   /* set by the host with done */
};

int luaopen_chartd_http(lua_State *L);

#endif
