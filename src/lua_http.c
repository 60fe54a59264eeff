/* chartd.http: outbound HTTP through libcurl; yields the request's coroutine inside a worker, blocks elsewhere.
 *
 * http.request{method=, url=, headers={name=value}, body=, timeout_ms=, connect_timeout_ms=,
 *              max_bytes=, auth="llm"}
 *   → {status=, headers={lowercased name → value}, body=}
 *   | nil, {kind = "connect"|"timeout"|"too_large"|"transport"|"auth", message=}
 * http.sleep(ms): yields in a worker (a timer in its loop), really sleeps elsewhere.
 *
 * Ownership: every request lives in a `struct req` inside a userdata box created before any
 * curl resource, so an error half-way (or a coroutine the watchdog drops while it waits)
 * leaves nothing behind: __gc/__close detaches the easy handle from its multi if still
 * attached and frees everything, and is safe to run twice. See lua_http.h for the host side.
 *
 * auth = "llm" adds `Authorization: Bearer $OPENAI_API_KEY` here in C: the key never becomes
 * a Lua value, and no curl option that could print it (VERBOSE) is ever set.
 * Curl callbacks never raise: they record what went wrong and return a short count. */
#include "lua_http.h"

#include <errno.h>
#include <stdio.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HTTP_REQ_TYPE "chartd.http.request"
#define DEFAULT_MAX_BYTES (16LL * 1024 * 1024)
#define MAX_HEADER_BYTES (64 * 1024)

struct buf {
  char *p;
  size_t len, cap;
};

struct req {
  struct chartd_http_wait wait; /* first: the host sees a struct chartd_http_wait * */
  struct curl_slist *headers;
  struct buf body, head;
  long long max_bytes;
  bool too_large, head_overflow;
  char errbuf[CURL_ERROR_SIZE];
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Appends without ever raising; false when memory runs out. */
static bool buf_add(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) return false;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return true;
}

static void req_release(struct req *r) {
  if (r->wait.easy) {
    if (r->wait.attached && r->wait.multi) curl_multi_remove_handle(r->wait.multi, r->wait.easy);
    r->wait.attached = false;
    curl_easy_cleanup(r->wait.easy);
    r->wait.easy = NULL;
  }
  curl_slist_free_all(r->headers); /* holds the Authorization line: gone with it */
  r->headers = NULL;
  free(r->body.p);
  free(r->head.p);
  r->body = (struct buf){0};
  r->head = (struct buf){0};
}

static int req_gc(lua_State *L) {
  req_release(luaL_checkudata(L, 1, HTTP_REQ_TYPE));
  return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
  struct req *r = ud;
  size_t len = size * n;
  if ((long long)(r->body.len + len) > r->max_bytes) {
    r->too_large = true;
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  }
  return buf_add(&r->body, data, len) ? len : 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud) {
  struct req *r = ud;
  size_t len = size * n;
  /* A new status line starts a new response (100 Continue, a proxy's answer): keep the last. */
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) r->head.len = 0;
  if (r->head.len + len > MAX_HEADER_BYTES) {
    r->head_overflow = true;
    return len; /* drop the excess, keep the transfer */
  }
  return buf_add(&r->head, data, len) ? len : 0;
}

/* ---- building the request ---- */

static const char *opt_string(lua_State *L, const char *name, const char *def) {
  lua_getfield(L, 1, name);
  const char *s = lua_isnil(L, -1) ? def : NULL;
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "http.request: %s must be a string", name);
    s = lua_tostring(L, -1);
  }
  lua_pop(L, 1); /* the string stays alive: it is a field of the argument table */
  return s;
}

static long long opt_int(lua_State *L, const char *name, long long def, long long lo, long long hi) {
  lua_getfield(L, 1, name);
  long long v = def;
  if (!lua_isnil(L, -1)) {
    if (!lua_isnumber(L, -1)) luaL_error(L, "http.request: %s must be a number", name);
    lua_Number x = lua_tonumber(L, -1);
    v = x < (lua_Number)lo ? lo : x > (lua_Number)hi ? hi : (long long)x;
  }
  lua_pop(L, 1);
  return v;
}

static void add_header(lua_State *L, struct req *r, const char *line) {
  struct curl_slist *h = curl_slist_append(r->headers, line);
  if (h == NULL) luaL_error(L, "out of memory");
  r->headers = h;
}

/* Adds the key from the environment; returns false when there is none. */
static bool add_llm_auth(lua_State *L, struct req *r) {
  const char *key = getenv("OPENAI_API_KEY");
  if (key == NULL || *key == '\0') return false;
  size_t n = strlen(key) + 32;
  char *line = malloc(n);
  if (line == NULL) {
    luaL_error(L, "out of memory"); /* does not return; gcc cannot tell (sanitizer builds warn) */
    return false;
  }
  snprintf(line, n, "Authorization: Bearer %s", key);
  struct curl_slist *h = curl_slist_append(r->headers, line);
  memset(line, 0, n); /* no copy of the key lingers in freed memory */
  free(line);
  if (h == NULL) luaL_error(L, "out of memory");
  r->headers = h;
  return true;
}

static int push_failure(lua_State *L, const char *kind, const char *message) {
  lua_pushnil(L);
  lua_createtable(L, 0, 2);
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, message);
  lua_setfield(L, -2, "message");
  return 2;
}

/* Pushes the response or nil, err for a finished transfer in the box at index `box`. */
static int push_result(lua_State *L, int box, CURLcode rc) {
  struct req *r = lua_touserdata(L, box);
  if (rc != CURLE_OK) {
    const char *kind = "transport";
    char msg[CURL_ERROR_SIZE + 160];
    const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
    if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      kind = "too_large";
      snprintf(msg, sizeof msg, "the response body is larger than max_bytes (%lld bytes)", r->max_bytes);
    } else {
      if (rc == CURLE_OPERATION_TIMEDOUT) kind = "timeout";
      else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY)
        kind = "connect";
      snprintf(msg, sizeof msg, "%s", detail);
    }
    req_release(r);
    return push_failure(L, kind, msg);
  }
  long status = 0;
  curl_easy_getinfo(r->wait.easy, CURLINFO_RESPONSE_CODE, &status);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, status);
  lua_setfield(L, -2, "status");
  lua_pushlstring(L, r->body.p ? r->body.p : "", r->body.len);
  lua_setfield(L, -2, "body");
  lua_newtable(L);
  /* Header lines after the status line: "Name: value\r\n"; repeated names join with ", ". */
  const char *p = r->head.p ? r->head.p : "", *end = p + r->head.len;
  const char *eol = memchr(p, '\n', (size_t)(end - p));
  p = eol ? eol + 1 : end;
  while (p < end) {
    eol = memchr(p, '\n', (size_t)(end - p));
    const char *line_end = eol ? eol : end;
    const char *colon = memchr(p, ':', (size_t)(line_end - p));
    if (colon && colon > p) {
      luaL_Buffer name;
      luaL_buffinit(L, &name);
      for (const char *c = p; c < colon; c++) luaL_addchar(&name, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c));
      luaL_pushresult(&name);
      const char *v = colon + 1, *ve = line_end;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
      lua_pushvalue(L, -1);
      lua_rawget(L, -3);
      if (lua_isstring(L, -1)) {
        lua_pushliteral(L, ", ");
        lua_pushlstring(L, v, (size_t)(ve - v));
        lua_concat(L, 3);
      } else {
        lua_pop(L, 1);
        lua_pushlstring(L, v, (size_t)(ve - v));
      }
      lua_rawset(L, -3);
    }
    p = eol ? eol + 1 : end;
  }
  lua_setfield(L, -2, "headers");
  req_release(r);
  return 1;
}

static struct chartd_http_loop *loop_for(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, CHARTD_HTTP_LOOP);
  struct chartd_http_loop *loop = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (loop && loop->multi && loop->current == L && lua_isyieldable(L)) return loop;
  return NULL;
}

/* Continuation after the host resumed us: the box is at index 2. */
static int request_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  (void)ctx;
  lua_settop(L, 2);
  struct req *r = luaL_checkudata(L, 2, HTTP_REQ_TYPE);
  if (!r->wait.done) return luaL_error(L, "http.request: resumed before the transfer ended");
  return push_result(L, 2, r->wait.result);
}

static int l_request(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  const char *url = opt_string(L, "url", NULL);
  if (url == NULL) return luaL_argerror(L, 1, "url is required");
  const char *method = opt_string(L, "method", "GET");
  const char *auth = opt_string(L, "auth", NULL);
  if (auth && strcmp(auth, "llm") != 0) return luaL_argerror(L, 1, "auth must be \"llm\"");
  long long timeout_ms = opt_int(L, "timeout_ms", 30000, 1, 3600 * 1000LL);
  long long connect_ms = opt_int(L, "connect_timeout_ms", timeout_ms < 10000 ? timeout_ms : 10000, 1, 3600 * 1000LL);
  long long max_bytes = opt_int(L, "max_bytes", DEFAULT_MAX_BYTES, 0, 1LL << 40);
  size_t body_len = 0;
  const char *body = NULL;
  lua_getfield(L, 1, "body");
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "http.request: body must be a string");
    body = lua_tolstring(L, -1, &body_len);
  }
  lua_pop(L, 1);

  /* The box first, "closed" (all NULL), so any error below leaves nothing dangling. */
  struct req *r = lua_newuserdatauv(L, sizeof *r, 0);
  memset(r, 0, sizeof *r);
  luaL_setmetatable(L, HTTP_REQ_TYPE); /* index 2 */
  r->max_bytes = max_bytes;

  lua_getfield(L, 1, "headers");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) != LUA_TSTRING || !lua_isstring(L, -1))
        return luaL_error(L, "http.request: headers must map names to strings");
      const char *k = lua_tostring(L, -2), *v = lua_tostring(L, -1);
      if (strpbrk(k, "\r\n:") || strpbrk(v, "\r\n")) return luaL_error(L, "http.request: header %s is malformed", k);
      if (strcasecmp(k, "authorization") == 0 && auth) return luaL_error(L, "http.request: auth and an Authorization header");
      lua_pushfstring(L, "%s: %s", k, v);
      add_header(L, r, lua_tostring(L, -1));
      lua_pop(L, 2);
    }
  } else if (!lua_isnil(L, -1)) {
    return luaL_error(L, "http.request: headers must be a table");
  }
  lua_pop(L, 1);
  add_header(L, r, "Expect:"); /* no 100-continue round trip for JSON bodies */
  if (auth && !add_llm_auth(L, r)) {
    req_release(r);
    return push_failure(L, "auth", "OPENAI_API_KEY is not set");
  }

  CURL *e = curl_easy_init();
  if (e == NULL) return luaL_error(L, "http.request: cannot create a curl handle");
  r->wait.easy = e;
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
  if (max_bytes > 0) curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &r->wait);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "chartd");
  if (strcmp(method, "GET") == 0) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (strcmp(method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    if (strcmp(method, "POST") != 0) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (body || strcmp(method, "POST") == 0) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
      curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, body ? body : "");
    }
  }

  struct chartd_http_loop *loop = loop_for(L);
  if (loop) {
    r->wait.multi = loop->multi;
    if (curl_multi_add_handle(loop->multi, e) != CURLM_OK) {
      req_release(r);
      return push_failure(L, "transport", "cannot add the transfer to the worker's curl multi handle");
    }
    r->wait.attached = true;
    lua_pushstring(L, CHARTD_HTTP_YIELD);
    lua_pushlightuserdata(L, &r->wait);
    return lua_yieldk(L, 2, 0, request_k);
  }
  CURLcode rc = curl_easy_perform(e);
  return push_result(L, 2, rc);
}

static int sleep_k(lua_State *L, int status, lua_KContext ctx) {
  (void)L;
  (void)status;
  (void)ctx;
  return 0;
}

static int l_sleep(lua_State *L) {
  lua_Number ms = luaL_checknumber(L, 1);
  if (!(ms > 0)) return 0;
  if (ms > 3600 * 1000.0) ms = 3600 * 1000.0;
  struct chartd_http_loop *loop = loop_for(L);
  if (loop) {
    struct chartd_http_wait *w = lua_newuserdatauv(L, sizeof *w, 0); /* kept on our stack while we wait */
    memset(w, 0, sizeof *w);
    w->until_ms = now_ms() + ms;
    lua_pushstring(L, CHARTD_HTTP_YIELD);
    lua_pushlightuserdata(L, w);
    return lua_yieldk(L, 2, 0, sleep_k);
  }
  struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
  return 0;
}

int luaopen_chartd_http(lua_State *L) {
  static const luaL_Reg fns[] = {{"request", l_request}, {"sleep", l_sleep}, {NULL, NULL}};
  if (luaL_newmetatable(L, HTTP_REQ_TYPE)) {
    lua_pushcfunction(L, req_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, req_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
