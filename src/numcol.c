/* Numeric columns kept in C beside their Lua arrays (numcol.h). */
#include "numcol.h"

#include <lauxlib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEY = "chartd.numcols"; /* registry: array -> its doubles (weak keys) */

typedef struct numcol {
  size_t n;
  size_t reads;          /* rows read through __index while lazy */
  int lazy;              /* the Lua array is still empty: the rows are only here */
  int holes;             /* a row is NaN (nil): 1, none: 0, not looked yet: -1 */
  unsigned char *is_int; /* numcol_new's bitmap (a bit a row), or NULL */
  const char *text;      /* numcol_new_text's: the string the rows are slices of (uservalue 1) */
  uint32_t *slices;      /* ... and row i's offset and length, 2i and 2i+1 (in v's room) */
  double *v;             /* the rows: right after the struct, or numcol_adopt's memory */
  void *owned[2];        /* numcol_adopt's doubles and bits, freed with the userdata */
  int has_profile;       /* numcol_adopt's: profile holds */
  numcol_profile profile;
} numcol;

/* Row i holds nothing (nil). */
static int row_missing(const numcol *c, size_t i) {
  return c->text ? c->slices[2 * i + 1] == NUMCOL_NO_TEXT : c->v[i] != c->v[i];
}

/* A lazy array may be read row by row through __index this many times (a few passes over
 * what a chart keeps of it, e.g. the points M4 keeps of a line) before its rows become Lua
 * values, which then cost less to read. */
static size_t read_budget(size_t n) { return n / 4 + 64; }

/* Pushes the registry's array -> doubles table, made on first use. */
static void push_registry(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, KEY);
}

/* The doubles kept for the table at idx, or NULL (they stay alive with the table). */
static numcol *find(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return NULL;
  idx = lua_absindex(L, idx);
  numcol *c = NULL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, KEY) == LUA_TTABLE) {
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TUSERDATA) c = lua_touserdata(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return c;
}

static numcol *new_numcol(lua_State *L, int table_idx, size_t n, size_t extra) {
  table_idx = lua_absindex(L, table_idx);
  if (n > (((size_t)-1) - sizeof(numcol) - extra) / sizeof(double)) luaL_error(L, "numcol: too many rows");
  push_registry(L);
  numcol *c = lua_newuserdatauv(L, sizeof(numcol) + n * sizeof(double) + extra, 1);
  c->v = (double *)(c + 1); /* numcol's size is a multiple of a pointer's: aligned for doubles */
  c->owned[0] = c->owned[1] = NULL;
  c->has_profile = 0;
  c->n = n;
  c->reads = 0;
  c->lazy = 0;
  c->holes = -1;
  c->is_int = NULL;
  c->text = NULL;
  c->slices = NULL;
  lua_pushvalue(L, table_idx);
  lua_insert(L, -2);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  return c;
}

double *numcol_attach(lua_State *L, int table_idx, size_t n) { return new_numcol(L, table_idx, n, 0)->v; }

static void push_row(lua_State *L, const numcol *c, size_t i) {
  if (c->text) lua_pushlstring(L, c->text + c->slices[2 * i], c->slices[2 * i + 1]);
  else if (c->is_int && (c->is_int[i / 8] >> (i % 8) & 1)) lua_pushinteger(L, (lua_Integer)c->v[i]);
  else lua_pushnumber(L, c->v[i]);
}

/* The rows become Lua values and the array a plain one (no metatable). */
static void realize(lua_State *L, int idx, numcol *c) {
  idx = lua_absindex(L, idx);
  c->lazy = 0;
  lua_pushnil(L);
  lua_setmetatable(L, idx);
  for (size_t i = 0; i < c->n; i++) {
    if (row_missing(c, i)) continue;
    push_row(L, c, i);
    lua_rawseti(L, idx, (lua_Integer)i + 1);
  }
}

void numcol_realize(lua_State *L, int idx) {
  numcol *c = find(L, idx);
  if (c && c->lazy) realize(L, idx, c);
}

/* The metamethods of a numcol_new array; their upvalue is its numcol (no lookup a read). */
#define SELF ((numcol *)lua_touserdata(L, lua_upvalueindex(1)))

static int lazy_index(lua_State *L) {
  numcol *c = SELF;
  int isnum = 0;
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &isnum) : 0;
  if (!c->lazy || !isnum || i < 1 || (size_t)i > c->n) {
    if (c->lazy && isnum && i >= 1) realize(L, 1, c); /* out of range: the plain answer */
    lua_rawget(L, 1);
    return 1;
  }
  if (c->reads++ >= read_budget(c->n)) {
    realize(L, 1, c);
    lua_rawgeti(L, 1, i);
    return 1;
  }
  if (row_missing(c, (size_t)i - 1)) lua_pushnil(L);
  else push_row(L, c, (size_t)i - 1);
  return 1;
}

static int lazy_newindex(lua_State *L) {
  numcol *c = SELF;
  if (c->lazy) realize(L, 1, c);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 0;
}

static int lazy_len(lua_State *L) {
  numcol *c = SELF;
  if (c->lazy && c->holes < 0) {
    int holes = 0;
    if (c->text) {
      for (size_t i = 0; i < c->n && !holes; i++) holes = row_missing(c, i);
    } else { /* NaN ≠ NaN; no early exit, so the compiler can test several rows at once */
      for (size_t i = 0; i < c->n; i++) holes |= c->v[i] != c->v[i];
    }
    c->holes = holes;
  }
  if (c->lazy && !c->holes) lua_pushinteger(L, (lua_Integer)c->n);
  else { /* with holes, # is whatever border the plain array has */
    if (c->lazy) realize(L, 1, c);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
  }
  return 1;
}

static int raw_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

static int lazy_pairs(lua_State *L) {
  numcol *c = SELF;
  if (c->lazy) realize(L, 1, c);
  lua_pushcfunction(L, raw_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* Makes the array at -1 (numcol c's) lazy: its metamethods read c. */
static void make_lazy(lua_State *L, numcol *c) {
  c->lazy = 1;
  static const luaL_Reg mm[] = {{"__index", lazy_index}, {"__newindex", lazy_newindex},
                                {"__len", lazy_len}, {"__pairs", lazy_pairs}, {NULL, NULL}};
  lua_createtable(L, 0, 4);
  lua_getfield(L, LUA_REGISTRYINDEX, KEY); /* the upvalue: c's userdata */
  lua_pushvalue(L, -3);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  luaL_setfuncs(L, mm, 1);
  lua_setmetatable(L, -2);
}

double *numcol_new(lua_State *L, size_t n, unsigned char **is_int) {
  lua_newtable(L);
  size_t bits = is_int ? (n + 7) / 8 : 0;
  numcol *c = new_numcol(L, -1, n, bits);
  if (is_int) {
    c->is_int = (unsigned char *)(c->v + n);
    memset(c->is_int, 0, bits);
    *is_int = c->is_int;
  }
  make_lazy(L, c);
  return c->v;
}

static int adopted_gc(lua_State *L) {
  numcol *c = lua_touserdata(L, 1);
  free(c->owned[0]);
  free(c->owned[1]);
  c->owned[0] = c->owned[1] = NULL;
  return 0;
}

int numcol_adopt(lua_State *L, size_t n, double **v, unsigned char **is_int, const numcol_profile *profile) {
  if (!lua_checkstack(L, 6)) return 0;
  lua_newtable(L);
  numcol *c = new_numcol(L, -1, 0, 0);
  lua_getfield(L, LUA_REGISTRYINDEX, KEY); /* c's userdata gets the finalizer before it owns anything */
  lua_pushvalue(L, -2);
  lua_rawget(L, -2);
  if (luaL_newmetatable(L, "chartd.numcol_adopted")) {
    lua_pushcfunction(L, adopted_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_pop(L, 2);
  make_lazy(L, c); /* the last Lua allocation: no error can come once the memory is taken below */
  c->owned[0] = *v;
  c->owned[1] = *is_int;
  c->v = *v;
  c->is_int = *is_int;
  c->n = n;
  c->holes = 0;
  c->has_profile = 1;
  c->profile = *profile;
  *v = NULL;
  *is_int = NULL;
  return 1;
}

uint32_t *numcol_new_text(lua_State *L, size_t n, int text_idx) {
  text_idx = lua_absindex(L, text_idx);
  luaL_checktype(L, text_idx, LUA_TSTRING);
  lua_newtable(L);
  numcol *c = new_numcol(L, -1, n, 0);
  c->text = lua_tostring(L, text_idx);
  c->slices = (uint32_t *)c->v; /* two uint32 in a double's room */
  lua_getfield(L, LUA_REGISTRYINDEX, KEY); /* the userdata keeps the string alive */
  lua_pushvalue(L, -2);
  lua_rawget(L, -2);
  lua_pushvalue(L, text_idx);
  lua_setiuservalue(L, -2, 1);
  lua_pop(L, 2);
  make_lazy(L, c);
  return c->slices;
}

const double *numcol_get(lua_State *L, int idx, size_t n) {
  numcol *c = find(L, idx);
  if (c == NULL) return NULL;
  if (c->n == n && !c->text) return c->v;
  if (c->lazy) realize(L, idx, c); /* the caller reads the Lua array instead */
  return NULL;
}

const numcol_profile *numcol_profile_of(lua_State *L, int idx, size_t n) {
  numcol *c = find(L, idx);
  return c && c->has_profile && c->n == n ? &c->profile : NULL;
}

size_t numcol_len(lua_State *L, int idx) {
  numcol *c = find(L, idx);
  return c && c->lazy ? c->n : lua_rawlen(L, idx);
}

void numcol_load(lua_State *L, int idx, size_t n, double *dst) {
  const double *v = numcol_get(L, idx, n);
  if (v) {
    memcpy(dst, v, n * sizeof *dst);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    dst[i] = lua_rawgeti(L, idx, (lua_Integer)i + 1) == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
  }
}
