/* libFuzzer harness: chartd.pattern (src/lua_pattern.c over src/pattern.c) against Lua 5.4's string.find/match/gmatch/gsub.
 *
 * Each input is decoded into a subject, a pattern, an init, a plain flag, a replacement (a
 * string, a table, a function or a number) and a max-n; both libraries run on it and must give
 * the same results, or errors with the same text, and a replacement function must see the same
 * calls. A difference is printed and aborts, so libFuzzer keeps the input.
 *
 * Plain Lua cannot be stopped inside a match, and a fuzzer soon writes patterns that backtrack
 * for hours. So chartd.pattern runs first with a step budget (the host's stop predicate,
 * stubbed here to say "stop" after 8 checks, ~33,000 steps); when it stops, the case is
 * skipped before string.* ever sees it. Both implement the same backtracking, so whatever
 * finishes inside the budget here finishes as fast in Lua.
 *
 * Input layout: byte 0 init (0: none; 0x7f / 0x81: +-2^40; else (int8) / 4), byte 1 flags (bit 0
 * plain, bits 1-2 replacement kind, bit 3 max-n given, bits 4-7 max-n + 1), byte 2 subject
 * length and byte 3 pattern length (each modulo what is left); the rest is the replacement. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bindings.h"

static lua_State *L;
static int compare_ref;
static long checks_left;
static unsigned long runs;

static bool budget_spent(lua_State *s) {
  (void)s;
  return --checks_left < 0;
}
static const struct chartd_pattern_stop BUDGET = {budget_spent};

/* How many comparisons ran, and how many were skipped over the budget (printed at exit). */
static unsigned long compared, skipped;

static int reset_budget(lua_State *s) {
  (void)s;
  checks_left = 8;
  compared++;
  return 0;
}

static int skip(lua_State *s) {
  (void)s;
  compared--;
  skipped++;
  return 0;
}

static void print_stats(void) {
  fprintf(stderr, "fuzz_pattern: %lu comparisons, %lu skipped (over the step budget)\n", compared, skipped);
}

static const char COMPARE_LUA[] =
    "local P, reset, skip = ...\n"
    "local function call(f, ...)\n" /* a named local call: argument errors say 'f' either way */
    "  local r = table.pack(f(...))\n"
    "  return table.unpack(r, 1, r.n)\n"
    "end\n"
    "local function show(ok, ...)\n"
    "  if not ok then\n"
    "    local msg = tostring((...)):gsub('^[^\\n]-:%d+: ', '')\n"
    "    return 'error: ' .. msg, msg:find('pattern matching stopped', 1, true) ~= nil\n"
    "  end\n"
    "  local parts = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    parts[i] = (math.type(v) or type(v)) .. ':' .. (type(v) == 'string' and ('%q'):format(v) or tostring(v))\n"
    "  end\n"
    "  return table.concat(parts, ' ')\n"
    "end\n"
    "local function gmatch_all(gmatch, s, p, init)\n"
    "  local it, out = gmatch(s, p, init), {}\n"
    "  for _ = 1, 200 do\n"
    "    local r = table.pack(it())\n"
    "    if r[1] == nil then break end\n"
    "    for i = 1, r.n do out[#out + 1] = (math.type(r[i]) or type(r[i])) .. ':' .. tostring(r[i]) end\n"
    "    out[#out + 1] = '|'\n"
    "  end\n"
    "  return table.concat(out, ' ')\n"
    "end\n"
    "local function replacer(log)\n"
    "  return function(...)\n"
    "    local args, h = table.pack(...), 0\n"
    "    for i = 1, args.n do\n"
    "      local s = tostring(args[i])\n"
    "      for j = 1, #s do h = (h * 31 + s:byte(j)) % 1000003 end\n"
    "      log[#log + 1] = s\n"
    "    end\n"
    "    local k = h % 7\n"
    "    if k == 0 then return nil elseif k == 1 then return false elseif k == 2 then return h\n"
    "    elseif k == 3 and h % 3 == 0 then return {} end\n"
    "    return '<' .. table.concat(log, ',', #log - args.n + 1, #log) .. '>'\n"
    "  end\n"
    "end\n"
    "local function replacement(kind, text, log)\n"
    "  if kind == 0 then return text\n"
    "  elseif kind == 1 then\n"
    "    return { a = 'A', b = false, ['1'] = 7, [1] = 'one', [2] = {}, x = '%1', [text] = text, [' '] = '_' }\n"
    "  elseif kind == 2 then return replacer(log) end\n"
    "  return #text - 3\n"
    "end\n"
    "return function(s, p, init, plain, kind, text, max_n)\n"
    "  local function same(what, fa, fb, args, args_b)\n"
    "    args_b = args_b or args\n"
    "    reset()\n"
    "    local a, stopped = show(pcall(call, fa, table.unpack(args, 1, args.n)))\n"
    "    if stopped then skip() return false end\n"
    "    local b = show(pcall(call, fb, table.unpack(args_b, 1, args_b.n)))\n"
    "    if a ~= b then\n"
    "      error(('%s(%q, %q, init=%s, plain=%s, kind=%d, repl=%q, max_n=%s):\\n chartd %s\\n lua    %s'):format(\n"
    "        what, s, p, tostring(init), tostring(plain), kind, text, tostring(max_n), a, b), 0)\n"
    "    end\n"
    "    return true\n"
    "  end\n"
    "  same('find', P.find, string.find, table.pack(s, p, init, plain))\n"
    "  same('match', P.match, string.match, table.pack(s, p, init))\n"
    "  same('gmatch', gmatch_all, gmatch_all, table.pack(P.gmatch, s, p, init), table.pack(string.gmatch, s, p, init))\n"
    "  local log_a, log_b = {}, {}\n" /* each side its own replacement, so a function's calls can be compared */
    "  if same('gsub', P.gsub, string.gsub, table.pack(s, p, replacement(kind, text, log_a), max_n),\n"
    "          table.pack(s, p, replacement(kind, text, log_b), max_n)) then\n"
    "    same('gsub calls', table.concat, table.concat, table.pack(log_a, ','), table.pack(log_b, ','))\n"
    "  end\n"
    "end\n";

/* One plain state: the stub predicate in the registry before chartd.pattern is opened, then
 * the chunk above, called with the module, reset_budget and skip, gives the compare function. */
static lua_State *setup(void) {
  lua_State *s = luaL_newstate();
  if (s == NULL) abort();
  luaL_openlibs(s);
  lua_pushlightuserdata(s, (void *)&BUDGET);
  lua_setfield(s, LUA_REGISTRYINDEX, CHARTD_PATTERN_STOP);
  if (luaL_loadbufferx(s, COMPARE_LUA, sizeof COMPARE_LUA - 1, "=fuzz_pattern", "t") != LUA_OK) {
    fprintf(stderr, "fuzz_pattern: %s\n", lua_tostring(s, -1));
    abort();
  }
  lua_pushcfunction(s, luaopen_chartd_pattern);
  lua_call(s, 0, 1);
  lua_pushcfunction(s, reset_budget);
  lua_pushcfunction(s, skip);
  lua_call(s, 3, 1);
  atexit(print_stats);
  compare_ref = luaL_ref(s, LUA_REGISTRYINDEX);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  if (L == NULL) L = setup();
  const char *rest = (const char *)data + 4;
  size_t left = size - 4;
  size_t ls = data[2] % (left + 1);
  size_t lp = data[3] % (left - ls + 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, compare_ref);
  lua_pushlstring(L, rest, ls);
  lua_pushlstring(L, rest + ls, lp);
  if (data[0] == 0)
    lua_pushnil(L);
  else if (data[0] == 0x7f || data[0] == 0x81)
    lua_pushinteger(L, data[0] == 0x7f ? (lua_Integer)1 << 40 : -((lua_Integer)1 << 40));
  else
    lua_pushinteger(L, (int8_t)data[0] / 4);
  if (data[1] & 1) lua_pushboolean(L, 1); else lua_pushnil(L);
  lua_pushinteger(L, (data[1] >> 1) & 3);
  lua_pushlstring(L, rest + ls + lp, left - ls - lp);
  if (data[1] & 8) lua_pushinteger(L, (data[1] >> 4) - 1); else lua_pushnil(L);
  if (lua_pcall(L, 7, 0, 0) != LUA_OK) {
    fprintf(stderr, "fuzz_pattern: %s\n", lua_tostring(L, -1));
    abort();
  }
  if (++runs % 256 == 0) lua_gc(L, LUA_GCCOLLECT);
  return 0;
}
