/* chartd.memo: a small process-wide table of strings every worker's Lua state shares, and that
 * outlives a hot reload. It holds what the LLM planner learned about a server (the response
 * format it takes, the token parameter's name), so a lesson costs one refused call per process,
 * not one per worker and per reload. Bounded: MEMO_SLOTS entries, the oldest replaced first.
 * Any thread may call it (one lock). */
#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>
#include <string.h>

#include "bindings.h"

#define MEMO_SLOTS 128
#define MEMO_KEY 640
#define MEMO_VALUE 256

struct slot {
  char key[MEMO_KEY];
  char value[MEMO_VALUE];
  unsigned long stamp; /* when it was set: the smallest is replaced first */
  int used;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MEMO_SLOTS];
static unsigned long clock_;

/* memo.get(key) → value | nil */
static int l_get(lua_State *L) {
  size_t klen;
  const char *key = luaL_checklstring(L, 1, &klen);
  char value[MEMO_VALUE];
  int found = 0;
  pthread_mutex_lock(&mu);
  for (int i = 0; i < MEMO_SLOTS && !found; i++)
    if (slots[i].used && strcmp(slots[i].key, key) == 0) {
      memcpy(value, slots[i].value, sizeof value);
      found = 1;
    }
  pthread_mutex_unlock(&mu);
  if (!found || klen >= MEMO_KEY) return 0;
  lua_pushstring(L, value);
  return 1;
}

/* memo.set(key, value): keys up to 639 bytes and values up to 255, without NUL (raises otherwise). */
static int l_set(lua_State *L) {
  size_t klen, vlen;
  const char *key = luaL_checklstring(L, 1, &klen);
  const char *value = luaL_checklstring(L, 2, &vlen);
  luaL_argcheck(L, klen < MEMO_KEY && strlen(key) == klen, 1, "key too long or holds a NUL");
  luaL_argcheck(L, vlen < MEMO_VALUE && strlen(value) == vlen, 2, "value too long or holds a NUL");
  pthread_mutex_lock(&mu);
  int at = -1, oldest = 0;
  for (int i = 0; i < MEMO_SLOTS; i++) {
    if (slots[i].used && strcmp(slots[i].key, key) == 0) {
      at = i;
      break;
    }
    if (!slots[i].used || (slots[oldest].used && slots[i].stamp < slots[oldest].stamp)) oldest = i;
  }
  if (at < 0) at = oldest;
  memcpy(slots[at].key, key, klen + 1);
  memcpy(slots[at].value, value, vlen + 1);
  slots[at].stamp = ++clock_;
  slots[at].used = 1;
  pthread_mutex_unlock(&mu);
  return 0;
}

/* memo.clear(): forgets everything (tests). */
static int l_clear(lua_State *L) {
  (void)L;
  pthread_mutex_lock(&mu);
  memset(slots, 0, sizeof slots);
  pthread_mutex_unlock(&mu);
  return 0;
}

int luaopen_chartd_memo(lua_State *L) {
  static const luaL_Reg fns[] = {{"get", l_get}, {"set", l_set}, {"clear", l_clear}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
