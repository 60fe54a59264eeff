/* chartd.digest: content hashes for equality checks (is this the data the conversation already
 * has?). Not cryptographic: 64 bits of a multiply-xorshift mix, fast on megabytes of CSV.
 *   digest.bytes(s)  → 16 hex digits of the bytes of s
 *   digest.value(v)  → 16 hex digits of a JSON-like value (tables, strings, numbers, booleans),
 *                      the same for equal values whatever their keys' insertion order */
#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define M1 0x9E3779B97F4A7C15ULL
#define M2 0xBF58476D1CE4E5B9ULL
#define M3 0x94D049BB133111EBULL

static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= M2;
  x ^= x >> 27;
  x *= M3;
  x ^= x >> 31;
  return x;
}

/* Folds len bytes into h, 8 at a time; the length is part of the hash. */
static uint64_t fold(uint64_t h, const unsigned char *p, size_t len) {
  h = mix(h ^ (len * M1));
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = mix(h ^ w) * M1;
    p += 8;
    len -= 8;
  }
  uint64_t tail = 0;
  memcpy(&tail, p, len);
  return mix(h ^ tail ^ ((uint64_t)len << 56));
}

static void push_hex(lua_State *L, uint64_t h) {
  char out[17];
  static const char HEX[] = "0123456789abcdef";
  for (int i = 15; i >= 0; i--, h >>= 4) out[i] = HEX[h & 15];
  lua_pushlstring(L, out, 16);
}

static int digest_bytes(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  push_hex(L, fold(0, (const unsigned char *)s, len));
  return 1;
}

/* Tags keep "1" (string) apart from 1 (number), an array from an object. */
enum { T_NIL = 1, T_FALSE, T_TRUE, T_NUM, T_STR, T_ARR, T_OBJ, T_OTHER };

static uint64_t tagged(uint64_t h, int tag) { return mix(h ^ (uint64_t)tag * M1); }

static int compare_keys(const void *a, const void *b) {
  const char *const *x = a, *const *y = b;
  return strcmp(*x, *y);
}

static uint64_t hash_value(lua_State *L, int idx, uint64_t h, int depth);

/* An object's string keys are hashed sorted, so insertion order does not matter; a table without
 * string keys is an array, hashed item by item (a decoded JSON array has only keys 1..n). */
static uint64_t hash_table(lua_State *L, int idx, uint64_t h, int depth) {
  luaL_checkstack(L, 6, "digest.value");
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  size_t nkeys = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) nkeys++;
  }
  if (nkeys == 0) { /* an array (or empty) */
    h = tagged(h, T_ARR);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      h = hash_value(L, lua_gettop(L), h, depth + 1);
      lua_pop(L, 1);
    }
    return mix(h ^ (uint64_t)n);
  }
  /* The key list is a userdata: a Lua error further down frees it with everything else. */
  const char **keys = lua_newuserdatauv(L, nkeys * sizeof *keys, 0);
  size_t k = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING && k < nkeys) keys[k++] = lua_tostring(L, -1); /* the table keeps it */
  }
  qsort(keys, k, sizeof *keys, compare_keys);
  h = tagged(h, T_OBJ);
  for (size_t i = 0; i < k; i++) {
    h = fold(h, (const unsigned char *)keys[i], strlen(keys[i]));
    lua_getfield(L, idx, keys[i]);
    h = hash_value(L, lua_gettop(L), h, depth + 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* the key list */
  return mix(h ^ (uint64_t)k);
}

static uint64_t hash_value(lua_State *L, int idx, uint64_t h, int depth) {
  if (depth > 200) luaL_error(L, "digest.value: nested too deeply");
  switch (lua_type(L, idx)) {
  case LUA_TNIL: return tagged(h, T_NIL);
  case LUA_TBOOLEAN: return tagged(h, lua_toboolean(L, idx) ? T_TRUE : T_FALSE);
  case LUA_TNUMBER: {
    /* 1 and 1.0 are the same JSON number */
    double d = (double)lua_tonumber(L, idx);
    if (d == 0) d = 0; /* -0 */
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return mix(tagged(h, T_NUM) ^ bits);
  }
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return fold(tagged(h, T_STR), (const unsigned char *)s, len);
  }
  case LUA_TTABLE: return hash_table(L, idx, h, depth);
  default: return tagged(h, T_OTHER); /* cjson.null is a light userdata */
  }
}

static int digest_value(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  push_hex(L, hash_value(L, 1, 0, 0));
  return 1;
}

int luaopen_chartd_digest(lua_State *L) {
  static const luaL_Reg FNS[] = {{"bytes", digest_bytes}, {"value", digest_value}, {NULL, NULL}};
  luaL_newlib(L, FNS);
  return 1;
}
