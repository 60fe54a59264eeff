/* chartd.pattern: Lua 5.4.4's string.find/match/gmatch/gsub over src/pattern.c, which the host can stop mid-match.
 *
 * sandbox_apply puts these four in place of the string library's in worker states: Lua's
 * own run a whole match inside one C call, where no hook reaches. Every argument check,
 * result and error message is the string library's (spec/bindings/pattern_spec.lua compares
 * the two on thousands of random cases). When the host asks a running match to stop (the
 * predicate in registry[CHARTD_PATTERN_STOP], kept as upvalue 1 of each function; absent in
 * plain lua5.4 and then nothing stops), the function raises "string.<name>: pattern matching
 * stopped (...)". A script's pcall may swallow that error, but the host's count hook that made
 * the predicate true stops the coroutine at its next instruction anyway. */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <string.h>

#include "bindings.h"
#include "pattern.h"

int luaopen_chartd_pattern(lua_State *L);

/* What pattern.c's stop callback needs: the thread running the match and the host's predicate.
 * find, match and gsub read the predicate (their upvalue 1) at the first check only, as most
 * calls never reach one: that check runs inside the same C function, so the upvalue is its. */
struct stopper {
  lua_State *L;
  const struct chartd_pattern_stop *host;
  bool unread; /* host is still to be read from upvalue 1 */
};

static bool stop_requested(void *ud) {
  struct stopper *st = ud;
  if (st->unread) {
    st->host = lua_touserdata(st->L, lua_upvalueindex(1));
    st->unread = false;
  }
  return st->host != NULL && st->host->requested(st->L);
}

static void prepare(pat_matcher *m, struct stopper *st, lua_State *L, const char *s, size_t ls, const char *p,
                    size_t lp) {
  st->L = L;
  st->host = NULL;
  st->unread = true;
  pat_init(m, s, ls, p, lp, stop_requested, st);
}

static int pattern_error(lua_State *L, const pat_matcher *m, const char *name) {
  if (m->status == PAT_STOPPED)
    return luaL_error(L, "string.%s: pattern matching stopped (the request is over its budget or was cancelled)",
                      name);
  return luaL_error(L, "%s", m->error);
}

/* string.find's init: negative counts from the end, 0 and below -#s mean 1. */
static size_t posrelat(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

static void push_capture(lua_State *L, pat_matcher *m, int i, size_t s, size_t e, const char *name) {
  size_t start, len;
  int kind = pat_capture(m, i, s, e, &start, &len);
  if (kind == PAT_ERROR) pattern_error(L, m, name);
  if (kind == PAT_CAP_POSITION)
    lua_pushinteger(L, (lua_Integer)start + 1);
  else
    lua_pushlstring(L, m->src + start, len);
}

/* The captures of a match [s, e); with none, the whole match when `whole` (match, gmatch,
 * gsub), nothing for find. */
static int push_captures(lua_State *L, pat_matcher *m, size_t s, size_t e, bool whole, const char *name) {
  int n = m->level == 0 && whole ? 1 : m->level;
  luaL_checkstack(L, n, "too many captures");
  for (int i = 0; i < n; i++) push_capture(L, m, i, s, e, name);
  return n;
}

static int find_aux(lua_State *L, bool find) {
  const char *name = find ? "find" : "match";
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) { /* starts after the end: cannot find anything */
    luaL_pushfail(L);
    return 1;
  }
  size_t start, end;
  if (find && (lua_toboolean(L, 4) || pat_no_specials(p, lp))) {
    if (pat_find_plain(s, ls, p, lp, init, &start) == PAT_MATCH) {
      lua_pushinteger(L, (lua_Integer)start + 1);
      lua_pushinteger(L, (lua_Integer)(start + lp));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  bool anchored = lp > 0 && p[0] == '^';
  pat_matcher m;
  struct stopper st;
  prepare(&m, &st, L, s, ls, p + anchored, lp - anchored);
  int rc = pat_find(&m, init, anchored, SIZE_MAX, &start, &end);
  if (rc < 0) return pattern_error(L, &m, name);
  if (rc == PAT_NOMATCH) {
    luaL_pushfail(L);
    return 1;
  }
  if (!find) return push_captures(L, &m, start, end, true, name);
  lua_pushinteger(L, (lua_Integer)start + 1);
  lua_pushinteger(L, (lua_Integer)end);
  return push_captures(L, &m, start, end, false, name) + 2;
}

static int l_find(lua_State *L) { return find_aux(L, true); }
static int l_match(lua_State *L) { return find_aux(L, false); }

/* ---- gmatch ---- */

/* The iterator's state, a userdata beside the subject and pattern it points into (upvalues 1
 * and 2 keep them alive; Lua never moves a string or a userdata). */
struct gmatch {
  pat_matcher m;
  struct stopper st;
  size_t src;       /* where the next search starts */
  size_t lastmatch; /* end of the last match (SIZE_MAX: none yet): no empty match there again */
};

static int gmatch_next(lua_State *L) {
  struct gmatch *g = lua_touserdata(L, lua_upvalueindex(3));
  g->st.L = L; /* the iterator may run on another coroutine than the one that made it */
  size_t start, end;
  int rc = pat_find(&g->m, g->src, false, g->lastmatch, &start, &end);
  if (rc < 0) return pattern_error(L, &g->m, "gmatch");
  if (rc == PAT_NOMATCH) return 0;
  g->src = g->lastmatch = end;
  return push_captures(L, &g->m, start, end, true, "gmatch");
}

/* A '^' is a plain character here, as in string.gmatch. */
static int l_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  const struct chartd_pattern_stop *host = lua_touserdata(L, lua_upvalueindex(1));
  lua_settop(L, 2);
  struct gmatch *g = lua_newuserdatauv(L, sizeof *g, 0);
  prepare(&g->m, &g->st, L, s, ls, p, lp);
  g->st.host = host; /* the iterator's upvalue 1 is the subject: read it now */
  g->st.unread = false;
  g->src = init > ls ? ls + 1 : init; /* past the end: the iterator finds nothing */
  g->lastmatch = SIZE_MAX;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* ---- gsub ---- */

/* A replacement string: "%0".."%9" are captures (0 the whole match), "%%" a percent sign. */
static void add_string(lua_State *L, pat_matcher *m, luaL_Buffer *b, size_t s, size_t e) {
  size_t l;
  const char *news = lua_tolstring(L, 3, &l); /* '\0'-terminated, so news[l] is readable */
  const char *p;
  while ((p = memchr(news, '%', l)) != NULL) {
    luaL_addlstring(b, news, (size_t)(p - news));
    p++;
    if (*p == '%') {
      luaL_addchar(b, '%');
    } else if (*p == '0') {
      luaL_addlstring(b, m->src + s, e - s);
    } else if (*p >= '1' && *p <= '9') {
      size_t start, len;
      int kind = pat_capture(m, *p - '1', s, e, &start, &len);
      if (kind == PAT_ERROR) pattern_error(L, m, "gsub");
      if (kind == PAT_CAP_POSITION) {
        lua_pushinteger(L, (lua_Integer)start + 1);
        luaL_addvalue(b);
      } else {
        luaL_addlstring(b, m->src + start, len);
      }
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", '%');
    }
    l -= (size_t)(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

/* Adds the replacement of the match [s, e); returns whether it differs from the match (a
 * false or nil from a table or function keeps the match as it was). */
static bool add_value(lua_State *L, pat_matcher *m, luaL_Buffer *b, size_t s, size_t e, int tr) {
  switch (tr) {
  case LUA_TFUNCTION: {
    lua_pushvalue(L, 3);
    int n = push_captures(L, m, s, e, true, "gsub");
    lua_call(L, n, 1);
    break;
  }
  case LUA_TTABLE:
    push_capture(L, m, 0, s, e, "gsub");
    lua_gettable(L, 3);
    break;
  default: /* a string or a number */
    add_string(L, m, b, s, e);
    return true;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, m->src + s, e - s);
    return false;
  }
  if (!lua_isstring(L, -1)) luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return true;
}

static int l_gsub(lua_State *L) {
  size_t ls, lp;
  const char *src = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int tr = lua_type(L, 3);
  lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                   "string/function/table");
  bool anchored = lp > 0 && p[0] == '^';
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  pat_matcher m;
  struct stopper st;
  prepare(&m, &st, L, src, ls, p + anchored, lp - anchored);
  /* Lua's loop tries each offset in turn, copying a byte where nothing (new) matches; here the
   * search runs in pattern.c and the bytes it passed over are copied at once: the same result. */
  size_t at = 0, lastmatch = SIZE_MAX;
  lua_Integer n = 0;
  bool changed = false;
  while (n < max_n) {
    size_t start, end;
    int rc = pat_find(&m, at, anchored, lastmatch, &start, &end);
    if (rc < 0) return pattern_error(L, &m, "gsub");
    if (rc == PAT_NOMATCH) break;
    luaL_addlstring(&b, src + at, start - at);
    n++;
    changed = add_value(L, &m, &b, start, end, tr) || changed;
    at = lastmatch = end;
    if (anchored) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1); /* the subject itself, not a copy */
  } else {
    luaL_addlstring(&b, src + at, ls - at);
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

int luaopen_chartd_pattern(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch}, {"gsub", l_gsub}, {NULL, NULL}};
  luaL_newlibtable(L, fns);
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHARTD_PATTERN_STOP) != LUA_TLIGHTUSERDATA) {
    lua_pop(L, 1);
    lua_pushnil(L); /* no host: lua_touserdata gives NULL, matches are never stopped */
  }
  luaL_setfuncs(L, fns, 1);
  return 1;
}
