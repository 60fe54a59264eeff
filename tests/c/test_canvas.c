/* Tests src/lua_canvas.c error paths from C: a Lua state with the binding, snippets, exact messages. */
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>

#include "../../src/bindings.h"
#include "check.h"

static lua_State *L;

/* Runs snippet (which receives `canvas`) expecting an error containing want. */
static void raises(const char *snippet, const char *want) {
  char code[1024];
  snprintf(code, sizeof code, "local canvas = ...\n%s", snippet);
  lua_settop(L, 0);
  if (luaL_loadstring(L, code) != LUA_OK) {
    fprintf(stderr, "does not compile: %s\n", lua_tostring(L, -1));
    check_failures++;
    return;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "test_canvas_module");
  if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
    fprintf(stderr, "expected an error containing \"%s\" from:\n%s\n", want, snippet);
    check_failures++;
    return;
  }
  const char *msg = lua_tostring(L, -1);
  if (msg == NULL || strstr(msg, want) == NULL) {
    fprintf(stderr, "error \"%s\" does not contain \"%s\" (snippet: %s)\n", msg ? msg : "?", want, snippet);
    check_failures++;
  }
}

/* Runs snippet expecting it to succeed and return true. */
static void holds(const char *snippet) {
  char code[2048];
  snprintf(code, sizeof code, "local canvas = ...\n%s", snippet);
  lua_settop(L, 0);
  if (luaL_loadstring(L, code) != LUA_OK) {
    fprintf(stderr, "does not compile: %s\n", lua_tostring(L, -1));
    check_failures++;
    return;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "test_canvas_module");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_toboolean(L, -1)) {
    fprintf(stderr, "snippet failed (%s):\n%s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "false", snippet);
    check_failures++;
  }
}

/* Workers are threads with their own lua_State: module-level measure_text must work on each
 * (per-thread pango context) and agree with the main thread. */
static void *measure_in_thread(void *arg) {
  double *w = arg;
  lua_State *T = luaL_newstate();
  luaL_openlibs(T);
  luaL_requiref(T, "chartd.canvas", luaopen_chartd_canvas, 0);
  for (int i = 0; i < 50; i++) {
    lua_getfield(T, -1, "measure_text");
    lua_pushstring(T, "Revenue by month");
    luaL_dostring(T, "return { font = { size = 13 } }");
    if (lua_pcall(T, 2, 1, 0) != LUA_OK) {
      *w = -1;
      break;
    }
    *w = lua_tonumber(T, -1);
    lua_pop(T, 1);
  }
  lua_close(T);
  return NULL;
}

int main(void) {
  L = luaL_newstate();
  luaL_openlibs(L);
  luaL_requiref(L, "chartd.canvas", luaopen_chartd_canvas, 0);
  lua_setfield(L, LUA_REGISTRYINDEX, "test_canvas_module");

  raises("canvas.new{format='gif', width=100, height=100}", "format must be one of png|svg|pdf, got 'gif'");
  raises("canvas.new{width=10, height=100}", "width must be an integer in 16..8192, got 10");
  raises("canvas.new{width=100, height=9000}", "height must be an integer in 16..8192, got 9000");
  raises("canvas.new{width=100.5, height=100}", "width must be an integer in 16..8192");
  raises("canvas.new{height=100}", "width is required (16..8192)");
  raises("canvas.new{width=100, height=100, scale=8}", "scale must be a number in 0.5..4, got 8");
  raises("canvas.new{width=100, height=100, scale=0/0}", "scale must be a number in 0.5..4");
  raises("canvas.new()", "bad argument #1 to 'new' (table expected, got no value)");

  raises("local c = canvas.new{width=100, height=100}; c:move_to(0/0, 1)", "bad argument #1 to 'move_to' (must be a finite number)");
  raises("local c = canvas.new{width=100, height=100}; c:line_to(1, math.huge)", "bad argument #2 to 'line_to' (must be a finite number)");
  raises("local c = canvas.new{width=100, height=100}; c:rect(0, 0, -math.huge, 1)", "bad argument #3 to 'rect' (must be a finite number)");
  raises("local c = canvas.new{width=100, height=100}; c:text('x', 0/0, 1)", "bad argument #2 to 'text' (must be a finite number)");
  raises("local c = canvas.new{width=100, height=100}; c:arc(1, 1, -1, 0, 1)", "bad argument #3 to 'arc' (must not be negative)");

  raises("local c = canvas.new{width=100, height=100}; c:finish(); c:rect(0, 0, 1, 1)", "canvas is finished");
  raises("local c = canvas.new{width=100, height=100}; c:close(); c:fill()", "canvas is finished");
  raises("local c = canvas.new{width=100, height=100, format='svg'}; c:finish(); c:finish()", "canvas is finished");
  raises("local c = canvas.new{width=100, height=100}; c:close(); c:text('a', 1, 1)", "canvas is finished");

  raises("local c = canvas.new{width=100, height=100}; c:set_color('#12345')", "invalid colour '#12345' (use #rgb, #rrggbb or #rrggbbaa)");
  raises("local c = canvas.new{width=100, height=100}; c:set_color('red')", "invalid colour 'red'");
  raises("local c = canvas.new{width=100, height=100}; c:set_color('#ggg')", "invalid colour '#ggg'");
  raises("local c = canvas.new{width=100, height=100}; c:set_color(1, 2, 0)", "bad argument #2 to 'set_color' (must be in 0..1)");
  raises("local c = canvas.new{width=100, height=100}; c:text('x', 1, 1, {color='#00'})", "invalid colour '#00'");

  raises("local c = canvas.new{width=100, height=100}; c:set_line_cap('flat')", "bad argument #1 to 'set_line_cap' (invalid option 'flat')");
  raises("local c = canvas.new{width=100, height=100}; c:set_line_join('sharp')", "invalid option 'sharp'");
  raises("local c = canvas.new{width=100, height=100}; c:set_dash({0, 0})", "dash lengths must not all be zero");
  raises("local c = canvas.new{width=100, height=100}; c:set_dash({4, -1})", "dash length 2 must be a finite number >= 0");
  raises("local c = canvas.new{width=100, height=100}; c:restore()", "restore without a matching save");
  raises("local c = canvas.new{width=100, height=100}; c:scale(0, 1)", "bad argument #1 to 'scale' (must not be zero)");
  raises("local c = canvas.new{width=100, height=100}; c:finish{compression=10}", "compression must be an integer in 0..9");
  raises("local c = canvas.new{width=100, height=100}; c:linear_gradient(0, 0, 1, 1, {{0, '#fff'}, {2, '#000'}})",
         "stop 2 offset must be a number in 0..1");
  raises("local c = canvas.new{width=100, height=100}; c:linear_gradient(0, 0, 1, 1, {{0, 'white'}})",
         "stop 1 colour must be #rgb, #rrggbb or #rrggbbaa");
  raises("canvas.measure_text('x', {align='middle'})", "align must be one of left|center|right, got 'middle'");
  raises("canvas.measure_text('x', {font={weight='heavy'}})", "font.weight must be \"normal\", \"bold\" or a number in 100..900");
  raises("canvas.measure_text('x', {font={size=0}})", "size must be in");
  raises("canvas.measure_text({})", "bad argument #1 to 'measure_text' (string expected, got table)");
  raises("local c = canvas.new{width=100, height=100}; c.rect(io.stdout, 1, 1, 1, 1)", "chartd.canvas expected, got FILE*");

  /* close is idempotent, __close runs, __gc after close is harmless */
  holds("local c = canvas.new{width=100, height=100}; c:close(); c:close(); return tostring(c) == 'chartd.canvas (finished)'");
  holds("do local c <close> = canvas.new{width=100, height=100, format='pdf'} end; collectgarbage(); return true");
  holds("local c = canvas.new{width=16, height=16}; local png = c:finish{compression=0}; "
        "return png:sub(1, 8) == '\\137PNG\\r\\n\\26\\n'");
  holds("local c = canvas.new{width=100, height=50, scale=2}; local w, h, s = c:size(); return w == 100 and h == 50 and s == 2");
  holds("local w1 = canvas.measure_text('ab', {font={size=10}}); local w2 = canvas.measure_text('abab', {font={size=10}}); "
        "return w2 > w1 * 1.9");

  {
    double main_w = -2, w[4] = {0, 0, 0, 0};
    pthread_t th[4];
    lua_settop(L, 0);
    luaL_dostring(L, "return require('chartd.canvas').measure_text('Revenue by month', { font = { size = 13 } })");
    main_w = lua_tonumber(L, 1);
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, measure_in_thread, &w[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    CHECK(main_w > 50);
    for (int i = 0; i < 4; i++) CHECK(w[i] == main_w);
  }

  lua_close(L);
  return check_done("test_canvas");
}
