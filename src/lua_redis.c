/* chartd.redis: Redis commands from a request's script; the coroutine yields while its worker's link (src/redis_link.c) carries them.
 *
 * redis.call(cmd [, cmd ...]) → replies | nil, why
 *   Each cmd is a list of strings/numbers ({"HGET", key, "state"}); all are sent at once
 *   (pipelined) and the replies come back in order: a string, an integer, false for a nil
 *   reply, a list for an array, {err = "..."} for an error reply. why: "off" (no REDIS_URL or
 *   not inside a worker), "down" (backing off after a failure), "lost", "timeout"
 *   (CHARTD_REDIS_TIMEOUT_MS passed: the link is dropped and backs off).
 * redis.state() → "off" | "up" | "down"
 *
 * Server states only (preloaded by src/state.c, like chartd.metrics): scripts ask
 * `pcall(require, "chartd.redis")` and treat its absence as "off".
 *
 * The wait is a userdata on the coroutine's stack, in the shape lua_http.h describes (easy
 * NULL, until_ms = the timeout): the worker resumes the coroutine when every reply is in
 * (done) or the timeout passes. When the coroutine is dropped meanwhile, __gc tells the link
 * to throw the replies away. */
#include <lauxlib.h>
#include <lua.h>
#include <hiredis/read.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bindings.h"
#include "chartd_types.h"
#include "lua_http.h"
#include "redis_link.h"

#define MAX_COMMANDS 8
#define MAX_ARGS 64

struct slot {
  struct redis_call *call;
  void *handle;              /* the link's pending command; NULL once answered or forgotten */
  struct redis_value *reply; /* owned until pushed */
  bool answered;
};

struct redis_call {
  struct chartd_http_wait wait; /* first: the worker sees a struct chartd_http_wait * */
  struct redis_link *link;
  int n, answered;
  const char *failed; /* static string */
  struct slot slots[MAX_COMMANDS];
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void release(struct redis_call *c) {
  for (int i = 0; i < c->n; i++) {
    struct slot *s = &c->slots[i];
    if (s->handle && !s->answered) redis_link_forget(s->handle);
    s->handle = NULL;
    redis_value_free(s->reply);
    s->reply = NULL;
  }
  c->n = 0;
}

static int call_gc(lua_State *L) {
  release(luaL_checkudata(L, 1, CHARTD_REDIS_CALL_TYPE));
  return 0;
}

static void on_reply(void *ud, struct redis_value *reply, const char *why) {
  struct slot *s = ud;
  struct redis_call *c = s->call;
  s->answered = true;
  s->handle = NULL;
  s->reply = reply;
  if (reply == NULL && c->failed == NULL) c->failed = why;
  if (++c->answered == c->n || c->failed) c->wait.done = true;
}

static void push_value(lua_State *L, const struct redis_value *v) {
  switch (v->type) {
  case REDIS_REPLY_STRING:
  case REDIS_REPLY_STATUS:
    lua_pushlstring(L, v->str ? v->str : "", v->len);
    break;
  case REDIS_REPLY_INTEGER:
    lua_pushinteger(L, (lua_Integer)v->integer);
    break;
  case REDIS_REPLY_ARRAY:
    lua_createtable(L, (int)v->elements, 0);
    for (size_t i = 0; i < v->elements; i++) {
      push_value(L, v->element[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  case REDIS_REPLY_ERROR:
    lua_createtable(L, 0, 1);
    lua_pushlstring(L, v->str ? v->str : "", v->len);
    lua_setfield(L, -2, "err");
    break;
  default:
    lua_pushboolean(L, 0);
  }
}

static int push_failure(lua_State *L, const char *why) {
  lua_pushnil(L);
  lua_pushstring(L, why);
  return 2;
}

/* Continuation once the worker resumed us: the call's userdata is at the top. */
static int call_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  struct redis_call *c = luaL_checkudata(L, (int)ctx, CHARTD_REDIS_CALL_TYPE);
  if (c->answered < c->n && c->failed == NULL) { /* the timeout passed first: Redis is slow */
    struct redis_link *link = c->link;
    release(c);
    redis_link_reset(link, "timeout");
    return push_failure(L, "timeout");
  }
  if (c->failed) {
    const char *why = c->failed;
    release(c);
    return push_failure(L, why);
  }
  lua_createtable(L, c->n, 0);
  for (int i = 0; i < c->n; i++) {
    push_value(L, c->slots[i].reply);
    lua_rawseti(L, -2, i + 1);
  }
  release(c);
  return 1;
}

/* The worker's link, when L is a coroutine its loop is resuming now. */
static struct redis_link *link_for(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, CHARTD_HTTP_LOOP);
  struct chartd_http_loop *loop = lua_touserdata(L, -1);
  lua_getfield(L, LUA_REGISTRYINDEX, CHARTD_REDIS_LINK);
  struct redis_link *link = lua_touserdata(L, -1);
  lua_pop(L, 2);
  return loop && loop->current == L && lua_isyieldable(L) ? link : NULL;
}

static int l_call(lua_State *L) {
  int n = lua_gettop(L);
  luaL_argcheck(L, n >= 1 && n <= MAX_COMMANDS, 1, "1 to 8 commands");
  const char *argv[MAX_ARGS];
  size_t lens[MAX_ARGS];
  for (int i = 1; i <= n; i++) {
    luaL_checktype(L, i, LUA_TTABLE);
    lua_Integer argc = luaL_len(L, i);
    luaL_argcheck(L, argc >= 1 && argc <= MAX_ARGS, i, "a command is 1 to 64 strings");
    for (lua_Integer a = 1; a <= argc; a++) {
      int t = lua_rawgeti(L, i, a);
      if (t != LUA_TSTRING && t != LUA_TNUMBER) luaL_argerror(L, i, "command arguments must be strings or numbers");
      lua_pop(L, 1);
    }
  }
  struct redis_link *link = link_for(L);
  if (link == NULL) return push_failure(L, "off");

  struct redis_call *c = lua_newuserdatauv(L, sizeof *c, 0); /* "closed" first: __gc is safe at once */
  memset(c, 0, sizeof *c);
  luaL_setmetatable(L, CHARTD_REDIS_CALL_TYPE);
  int box = lua_gettop(L);
  c->link = link;
  for (int i = 1; i <= n; i++) {
    int argc = (int)luaL_len(L, i);
    for (int a = 1; a <= argc; a++) {
      lua_rawgeti(L, i, a);
      argv[a - 1] = lua_tolstring(L, -1, &lens[a - 1]); /* numbers become strings in place: kept on the stack */
    }
    struct slot *s = &c->slots[c->n];
    s->call = c;
    s->handle = redis_link_send(link, argc, argv, lens, on_reply, s);
    lua_pop(L, argc);
    if (s->handle == NULL) {
      release(c);
      return push_failure(L, "down");
    }
    c->n++;
  }
  c->wait.until_ms = now_ms() + redis_link_timeout_ms(link);
  lua_pushstring(L, CHARTD_HTTP_YIELD);
  lua_pushlightuserdata(L, &c->wait);
  return lua_yieldk(L, 2, box, call_k);
}

static int l_state(lua_State *L) {
  int s = redis_state();
  lua_pushstring(L, s < 0 ? "off" : s ? "up" : "down");
  return 1;
}

int luaopen_chartd_redis(lua_State *L) {
  static const luaL_Reg fns[] = {{"call", l_call}, {"state", l_state}, {NULL, NULL}};
  if (luaL_newmetatable(L, CHARTD_REDIS_CALL_TYPE)) {
    lua_pushcfunction(L, call_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
