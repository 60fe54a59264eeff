/* The `ctx` table a request's script gets (service.handle(text, ctx)): the one binding between a request and its worker, connection and conversation. */
#include "request_ctx.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart_url.h"
#include "conversations.h"
#include "rate_window.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct request_ctx *request_of(lua_State *L) {
  struct request_ctx_owner *owner = lua_touserdata(L, lua_upvalueindex(1));
  return owner->find(owner, lua_tointeger(L, lua_upvalueindex(2)));
}

/* Hands one message to the service thread (a copy of body); pushes false when nobody listens
 * any more (a final reply was sent, the request was cancelled or has ended). The final reply
 * settles the request's cancel switch: from then on a cancel (the client closing as soon as its
 * chart arrived) neither stops the script's last steps nor counts the request as cancelled. */
static int send_reply(lua_State *L, struct request_ctx *r, const struct worker_reply *head, const char *body,
                      size_t len, bool final) {
  if (r == NULL || r->final_sent || budget_cancelled(r->cancel)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  struct worker_reply out = *head;
  out.conn_id = r->conn_id;
  out.len = len;
  out.body = malloc(len ? len : 1);
  if (out.body == NULL) return luaL_error(L, "out of memory");
  memcpy(out.body, body, len);
  if (final && !budget_settle(r->cancel)) { /* cancelled since the check above */
    free(out.body);
    lua_pushboolean(L, 0);
    return 1;
  }
  r->final_sent = final;
  r->reply(r->reply_ud, &out);
  lua_pushboolean(L, 1);
  return 1;
}

/* ctx.emit(json_text [, final]) */
static int ctx_emit(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  return send_reply(L, request_of(L), &(struct worker_reply){.status = 200}, text, len, lua_toboolean(L, 2));
}

/* headers.<name>: a header value of printable ASCII without quotes or backslashes (an entity
 * tag's inside, a file name) that fits in cap; raises otherwise. */
static void header_field(lua_State *L, const char *name, char *out, size_t cap, bool filename) {
  lua_getfield(L, 4, name);
  if (!lua_isnil(L, -1)) {
    size_t n;
    const char *v = luaL_checklstring(L, -1, &n);
    if (n + 3 > cap) luaL_error(L, "ctx.respond: headers.%s is too long", name);
    for (size_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)v[i];
      bool ok = filename ? (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                               ch == '.' || ch == '-' || ch == '_'
                         : ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
      if (!ok) luaL_error(L, "ctx.respond: headers.%s has a character a header cannot carry", name);
    }
    snprintf(out, cap, filename ? "%s" : "\"%s\"", v);
  }
  lua_pop(L, 1);
}

/* ctx.respond(status, mime, body [, {etag = "…", filename = "…"}]) */
static int ctx_respond(lua_State *L) {
  struct worker_reply head = {.http = true, .status = (int)luaL_checkinteger(L, 1)};
  const char *mime = luaL_checkstring(L, 2);
  size_t len;
  const char *body = luaL_checklstring(L, 3, &len);
  luaL_argcheck(L, head.status >= 100 && head.status <= 599, 1, "not an HTTP status");
  luaL_argcheck(L, strlen(mime) < sizeof head.mime, 2, "too long");
  strcpy(head.mime, mime);
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    header_field(L, "etag", head.etag, sizeof head.etag, false);
    header_field(L, "filename", head.filename, sizeof head.filename, true);
  }
  return send_reply(L, request_of(L), &head, body, len, true);
}

/* ctx.checkpoint() → false | "cancelled" | "timeout". The host also stops a script that never
 * calls it (src/budget.c); calling it between stages ends the request cleanly, with its answer. */
static int ctx_checkpoint(lua_State *L) {
  struct request_ctx *r = request_of(L);
  if (r == NULL || budget_cancelled(r->cancel)) lua_pushliteral(L, "cancelled");
  else if (now_ms() > r->deadline_ms) lua_pushliteral(L, "timeout");
  else lua_pushboolean(L, 0);
  return 1;
}

/* ctx.remember(state_text [, data_bytes [, evicted_bytes]]) → "ok" | "over_budget" | nil: the
 * conversation's state (lua/conversation.lua) and, when given, its data, kept for the
 * connection's follow-ups; evicted_bytes: the data was dropped elsewhere (lua/session_store.lua). */
static int ctx_remember(lua_State *L) {
  struct request_ctx *r = request_of(L);
  size_t len, dlen = 0;
  const char *state = luaL_checklstring(L, 1, &len);
  const char *data = luaL_optlstring(L, 2, NULL, &dlen);
  lua_Integer evicted = luaL_optinteger(L, 3, 0);
  int rc = r == NULL || r->http ? -1 : conversations_remember(r->conn_id, state, len, data, dlen);
  if (rc == 0 && evicted > 0) conversations_mark_evicted(r->conn_id, (size_t)evicted);
  if (rc < 0)
    lua_pushnil(L);
  else
    lua_pushstring(L, rc == 1 ? "over_budget" : "ok");
  return 1;
}

/* ctx.recall(with_data) → { state =, data =, has_data =, data_bytes =, evicted =, evicted_bytes = }
 * (state and data nil when absent; data only when asked for), or nil when out of memory. */
static int ctx_recall(lua_State *L) {
  struct request_ctx *r = request_of(L);
  struct conversation_view v;
  if (r == NULL || r->http || conversations_recall(r->conn_id, lua_toboolean(L, 1), &v) != 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 6);
  if (v.state) {
    lua_pushlstring(L, v.state, v.state_len);
    lua_setfield(L, -2, "state");
  }
  if (v.data) {
    lua_pushlstring(L, v.data, v.data_len);
    lua_setfield(L, -2, "data");
  }
  lua_pushboolean(L, v.has_data);
  lua_setfield(L, -2, "has_data");
  lua_pushinteger(L, (lua_Integer)v.data_len);
  lua_setfield(L, -2, "data_bytes");
  lua_pushboolean(L, v.evicted);
  lua_setfield(L, -2, "evicted");
  lua_pushinteger(L, (lua_Integer)v.evicted_bytes);
  lua_setfield(L, -2, "evicted_bytes");
  conversations_view_free(&v);
  return 1;
}

/* ctx.limit_here(limit) → true | false, retry_after_ms: the client's requests counted in this
 * process (the stand-in while Redis, which counts them for every replica, is away). */
static int ctx_limit_here(lua_State *L) {
  struct request_ctx *r = request_of(L);
  int limit = (int)luaL_checkinteger(L, 1);
  char token[SESSION_TOKEN_LEN + 1], client[CONVERSATION_CLIENT_MAX];
  if (r == NULL || limit <= 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  conversations_session(r->conn_id, token, client);
  long wait = rate_window_take(client, limit, 60000.0, now_ms());
  lua_pushboolean(L, wait == 0);
  if (wait == 0) return 1;
  lua_pushinteger(L, wait);
  return 2;
}

/* ctx.method, ctx.request_id, ctx.if_none_match and, for a GET, ctx.query: the query's
 * parameters decoded by the one rule (src/chart_url.c) that the signature check used, as
 * {name, value} pairs in their order (the script refuses repeats and unknown names). A query
 * that does not decode was refused before it was queued. */
static void push_http(lua_State *co, const struct request_ctx *req) {
  lua_pushstring(co, req->info.get ? "GET" : "POST");
  lua_setfield(co, -2, "method");
  lua_pushstring(co, req->info.request_id);
  lua_setfield(co, -2, "request_id");
  if (req->info.if_none_match[0]) {
    lua_pushstring(co, req->info.if_none_match);
    lua_setfield(co, -2, "if_none_match");
  }
  if (!req->info.get) return;
  struct query q;
  char err[160];
  lua_createtable(co, 0, 0);
  if (query_parse(req->query, req->query_len, &q, err, sizeof err) == 0) {
    for (int i = 0; i < q.n; i++) {
      lua_createtable(co, 2, 0);
      lua_pushlstring(co, q.params[i].name, q.params[i].name_len);
      lua_rawseti(co, -2, 1);
      lua_pushlstring(co, q.params[i].value, q.params[i].value_len);
      lua_rawseti(co, -2, 2);
      lua_rawseti(co, -2, i + 1);
    }
  }
  query_free(&q);
  lua_setfield(co, -2, "query");
}

void request_ctx_push(lua_State *co, struct request_ctx_owner *owner, lua_Integer id, const struct request_ctx *req) {
  lua_createtable(co, 0, 12);
  static const luaL_Reg FNS[] = {{"emit", ctx_emit}, {"respond", ctx_respond}, {"checkpoint", ctx_checkpoint},
                                 {NULL, NULL}};
  /* the conversation (WebSocket only: an HTTP request has none) */
  static const luaL_Reg CONVERSATION[] = {
      {"remember", ctx_remember}, {"recall", ctx_recall}, {"limit_here", ctx_limit_here}, {NULL, NULL}};
  lua_pushlightuserdata(co, owner);
  lua_pushinteger(co, id);
  luaL_setfuncs(co, FNS, 2); /* each function holds the owner and the id */
  if (!req->http) {
    lua_pushlightuserdata(co, owner);
    lua_pushinteger(co, id);
    luaL_setfuncs(co, CONVERSATION, 2);
    char token[SESSION_TOKEN_LEN + 1], client[CONVERSATION_CLIENT_MAX];
    conversations_session(req->conn_id, token, client);
    if (token[0]) {
      lua_pushstring(co, token);
      lua_setfield(co, -2, "session");
      lua_pushstring(co, client);
      lua_setfield(co, -2, "client");
    }
  }
  lua_pushstring(co, req->http ? "http" : "ws");
  lua_setfield(co, -2, "mode");
  lua_pushboolean(co, req->http && req->info.accept_json);
  lua_setfield(co, -2, "accept_json");
  if (req->http) push_http(co, req);
  lua_pushinteger(co, (lua_Integer)req->conn_id);
  lua_setfield(co, -2, "connection");
  lua_pushnumber(co, now_ms() - req->enqueued_ms);
  lua_setfield(co, -2, "queued_ms");
  lua_pushnumber(co, req->deadline_ms);
  lua_setfield(co, -2, "deadline_ms");
  lua_pushinteger(co, req->worker);
  lua_setfield(co, -2, "worker");
}
