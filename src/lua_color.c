/* chartd.color: from_lab(l, a, b) -> "#rrggbb", lua/layout/color.lua's from_lab in C.
 *
 * A heatmap asks its ramp for ~900 colours a render; in Lua each took ~5,000 instructions
 * (six `^`, two clamps, string.format), 8 % of the workload heatmap. The arithmetic here is
 * the Lua code's, operation for operation in the same order, with the same pow() that Lua's
 * `^` calls, so the bytes are the same; spec/layout/color_spec.lua compares the two over
 * generated Lab values, in gamut and out of it. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>

int luaopen_chartd_color(lua_State *L);

static const double XN = 0.95047, YN = 1.0, ZN = 1.08883;

/* Lua's t ^ 3 is pow(t, 3) (only ^ 2 is a product) */
static double finv(double t) {
  double t3 = pow(t, 3);
  if (t3 > 216.0 / 24389) return t3;
  return (116 * t - 16) / (24389.0 / 27);
}

static double gam(double c) { return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055; }

/* gam(math.max(0, math.min(1, v))): math.min keeps 1 unless v < 1 (so a NaN gives 1), math.max
 * keeps 0 unless 0 < the rest */
static double channel(double v) {
  double hi = v < 1 ? v : 1;
  return gam(0 < hi ? hi : 0);
}

/* color.lua's byte: math.floor(x * 255 + 0.5) within 0..255 */
static int byte(double x) {
  double f = floor(x * 255 + 0.5);
  return f < 0 ? 0 : f > 255 ? 255 : (int)f;
}

static int l_from_lab(lua_State *L) {
  double l = luaL_checknumber(L, 1), a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
  double fy = (l + 16) / 116;
  double fx = fy + a / 500, fz = fy - b / 200;
  double x = XN * finv(fx), y = YN * finv(fy), z = ZN * finv(fz);
  double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
  double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
  double bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
  char hex[8];
  snprintf(hex, sizeof hex, "#%02x%02x%02x", byte(channel(r)), byte(channel(g)), byte(channel(bl)));
  lua_pushlstring(L, hex, 7);
  return 1;
}

int luaopen_chartd_color(lua_State *L) {
  static const luaL_Reg fns[] = {{"from_lab", l_from_lab}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
