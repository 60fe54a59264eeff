/* chartd.canvas's paths and painting: path building, fills and strokes (long polylines on PNG through fast_stroke), markers, grids, colours, line styles, clips, transforms and gradients. */
#include <cairo.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>

#include "canvas_private.h"
#include "chartd_types.h"
#include "fast_stroke.h"
#include "grid.h"
#include "numcol.h"
#include "polyline.h"
#include "stamp.h"

static double check_nonneg(lua_State *L, int arg) {
  double v = canvas_check_finite(L, arg);
  if (v < 0) luaL_argerror(L, arg, "must not be negative");
  return v;
}

static void check_color_string(lua_State *L, int arg, double rgba[4]) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  if (canvas_parse_color(s, len, rgba) != 0)
    luaL_argerror(L, arg, lua_pushfstring(L, "invalid colour '%s' (use #rgb, #rrggbb or #rrggbbaa)", s));
}

static int m_move_to(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_move_to(c->cr, canvas_check_finite(L, 2), canvas_check_finite(L, 3));
  return 0;
}

static int m_line_to(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_line_to(c->cr, canvas_check_finite(L, 2), canvas_check_finite(L, 3));
  return 0;
}

/* c:polylines(runs | path): for each run ({x, y} points, or a run of a columns.path) of two or
 * more points, move_to its first and line_to the rest — charts.shared.draw's polylines without
 * a call per point. */
static int m_polylines(lua_State *L) {
  canvas *c = canvas_check(L);
  const polyline *path = luaL_testudata(L, 2, CHARTD_POLYLINE_TYPE);
  if (path) { /* its points are finite (columns.path checks) */
    for (size_t r = 0; r < path->nruns; r++) {
      size_t from = path->starts[r], to = path->starts[r + 1];
      if (to - from < 2) continue;
      cairo_move_to(c->cr, path->xy[2 * from], path->xy[2 * from + 1]);
      for (size_t k = from + 1; k < to; k++) cairo_line_to(c->cr, path->xy[2 * k], path->xy[2 * k + 1]);
    }
    return 0;
  }
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_Integer nruns = (lua_Integer)lua_rawlen(L, 2);
  for (lua_Integer r = 1; r <= nruns; r++) {
    if (lua_rawgeti(L, 2, r) != LUA_TTABLE) return luaL_argerror(L, 2, "runs must be arrays of {x, y} points");
    lua_Integer np = (lua_Integer)lua_rawlen(L, 3);
    for (lua_Integer k = 1; np >= 2 && k <= np; k++) {
      if (lua_rawgeti(L, 3, k) != LUA_TTABLE) return luaL_argerror(L, 2, "runs must be arrays of {x, y} points");
      lua_rawgeti(L, 4, 1);
      lua_rawgeti(L, 4, 2);
      double x = canvas_check_finite(L, 5), y = canvas_check_finite(L, 6);
      if (k == 1) cairo_move_to(c->cr, x, y);
      else cairo_line_to(c->cr, x, y);
      lua_settop(L, 3);
    }
    lua_settop(L, 2);
  }
  return 0;
}

static int m_curve_to(lua_State *L) {
  canvas *c = canvas_check(L);
  double v[6];
  for (int i = 0; i < 6; i++) v[i] = canvas_check_finite(L, i + 2);
  cairo_curve_to(c->cr, v[0], v[1], v[2], v[3], v[4], v[5]);
  return 0;
}

static int arc_impl(lua_State *L, int negative) {
  canvas *c = canvas_check(L);
  double xc = canvas_check_finite(L, 2), yc = canvas_check_finite(L, 3), r = check_nonneg(L, 4);
  double a1 = canvas_check_finite(L, 5), a2 = canvas_check_finite(L, 6);
  if (negative) cairo_arc_negative(c->cr, xc, yc, r, a1, a2);
  else cairo_arc(c->cr, xc, yc, r, a1, a2);
  return 0;
}

static int m_arc(lua_State *L) { return arc_impl(L, 0); }
static int m_arc_negative(lua_State *L) { return arc_impl(L, 1); }

static int m_rect(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_rectangle(c->cr, canvas_check_finite(L, 2), canvas_check_finite(L, 3), canvas_check_finite(L, 4), canvas_check_finite(L, 5));
  return 0;
}

/* The radius is clamped to half the shorter side, so any r draws a valid shape. */
static int m_rounded_rect(lua_State *L) {
  canvas *c = canvas_check(L);
  double x = canvas_check_finite(L, 2), y = canvas_check_finite(L, 3), w = canvas_check_finite(L, 4), h = canvas_check_finite(L, 5);
  double r = check_nonneg(L, 6);
  if (w < 0) x += w, w = -w;
  if (h < 0) y += h, h = -h;
  if (r > w / 2) r = w / 2;
  if (r > h / 2) r = h / 2;
  if (r <= 0) {
    cairo_rectangle(c->cr, x, y, w, h);
    return 0;
  }
  cairo_new_sub_path(c->cr);
  cairo_arc(c->cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(c->cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(c->cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(c->cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(c->cr);
  return 0;
}

#define SIMPLE(name, call)                                                                         \
  static int name(lua_State *L) {                                                                  \
    canvas *c = canvas_check(L);                                                                   \
    call(c->cr);                                                                                   \
    return 0;                                                                                      \
  }
SIMPLE(m_close_path, cairo_close_path)
SIMPLE(m_new_path, cairo_new_path)
SIMPLE(m_paint, cairo_paint)
SIMPLE(m_clip, cairo_clip)
SIMPLE(m_reset_clip, cairo_reset_clip)
#undef SIMPLE

/* Fills and strokes: recorded into the open scene group first (scene_record_paint). */
#define PAINT(name, call, stroke)                                                                  \
  static int name(lua_State *L) {                                                                  \
    canvas *c = canvas_check(L);                                                                   \
    scene_record_paint(L, c, stroke);                                                              \
    call(c->cr);                                                                                   \
    return 0;                                                                                      \
  }
PAINT(m_fill, cairo_fill, 0)
PAINT(m_fill_preserve, cairo_fill_preserve, 0)
PAINT(m_stroke_preserve, cairo_stroke_preserve, 1)
#undef PAINT

/* c:stamp(xs, ys [, rs, unit]): fills the current path — a marker of radius `unit` (1)
 * around the origin — at every (xs[i], ys[i]), scaled to radius rs[i], one marker after the
 * other (stamp.h). */
static int m_stamp(lua_State *L) {
  canvas *c = canvas_check(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  int has_r = !lua_isnoneornil(L, 4), arrays = has_r ? 3 : 2;
  if (has_r) luaL_checktype(L, 4, LUA_TTABLE);
  size_t n = numcol_len(L, 2);
  if (numcol_len(L, 3) != n || (has_r && numcol_len(L, 4) != n))
    return luaL_argerror(L, 3, "xs, ys and rs must have the same length");
  if (n > ((size_t)-1) / (3 * sizeof(double))) return luaL_argerror(L, 2, "too many points");
  double *v = lua_newuserdatauv(L, (n ? n : 1) * (size_t)arrays * sizeof(double), 0);
  for (int a = 0; a < arrays; a++) {
    const double *kept = numcol_get(L, 2 + a, n); /* positions from columns.affine */
    size_t i = 0;
    if (kept) /* NaN marks a hole: the loop below names it */
      for (; i < n && kept[i] == kept[i]; i++) v[(size_t)a * n + i] = kept[i];
    for (; i < n; i++) {
      int isnum = 0;
      lua_rawgeti(L, 2 + a, (lua_Integer)i + 1);
      v[(size_t)a * n + i] = lua_tonumberx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum) return luaL_argerror(L, 2 + a, lua_pushfstring(L, "entry %I is not a number", (lua_Integer)i + 1));
    }
  }
  double unit = lua_isnoneornil(L, 5) ? 1 : canvas_check_finite(L, 5);
  if (unit <= 0) return luaL_argerror(L, 5, "must be positive");
  if (c->recording && n > 0) { /* the markers' bounds: the points', widened by the marker */
    double x0, y0, x1, y1, r = 0, bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    cairo_path_extents(c->cr, &x0, &y0, &x1, &y1);
    for (size_t i = 0; i < n; i++) {
      double k = has_r ? v[2 * n + i] / unit : 1;
      r = fmax(r, k);
      bx0 = fmin(bx0, v[i]), bx1 = fmax(bx1, v[i]), by0 = fmin(by0, v[n + i]), by1 = fmax(by1, v[n + i]);
    }
    scene_record_box(L, c, bx0 + x0 * r, by0 + y0 * r, bx1 + x1 * r, by1 + y1 * r);
  }
  if (stamp_markers(c->cr, v, v + n, has_r ? v + 2 * n : NULL, unit, n) != 0) return luaL_error(L, "not enough memory");
  return 0;
}

/* c:grid(x, y, w, h, cols, rows, colors [, gap_color, gap_width]): colors[row * cols + col + 1]
 * ("#rrggbb[aa]", or nil/false: no cell) painted as one image tiling the rectangle, then
 * the gaps between cells stroked (grid.h). */
static int m_grid(lua_State *L) {
  canvas *c = canvas_check(L);
  double x = canvas_check_finite(L, 2), y = canvas_check_finite(L, 3), w = check_nonneg(L, 4), h = check_nonneg(L, 5);
  lua_Integer cols = luaL_checkinteger(L, 6), rows = luaL_checkinteger(L, 7);
  luaL_checktype(L, 8, LUA_TTABLE);
  double gap_rgba[4] = {0, 0, 0, 0};
  if (!lua_isnoneornil(L, 9)) check_color_string(L, 9, gap_rgba);
  double gap = lua_isnoneornil(L, 10) ? 0 : check_nonneg(L, 10);
  if (cols < 1 || rows < 1 || cols > 32767 || rows > 32767 || cols * rows > (1 << 26))
    return luaL_argerror(L, 6, "cols and rows must be 1..32767 with at most 2^26 cells");
  size_t n = (size_t)(cols * rows);
  uint32_t *argb = lua_newuserdatauv(L, n * sizeof *argb, 0);
  unsigned char *present = lua_newuserdatauv(L, n, 0);
  for (size_t k = 0; k < n; k++) {
    size_t len;
    present[k] = 0;
    lua_rawgeti(L, 8, (lua_Integer)k + 1);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    double rgba[4];
    if (s != NULL) {
      if (canvas_parse_color(s, len, rgba) != 0)
        return luaL_argerror(L, 8, lua_pushfstring(L, "cell %I: invalid colour '%s'", (lua_Integer)k + 1, s));
      uint32_t a = (uint32_t)(rgba[3] * 255 + 0.5);
      argb[k] = a << 24 | (uint32_t)(rgba[0] * a + 0.5) << 16 | (uint32_t)(rgba[1] * a + 0.5) << 8 |
                (uint32_t)(rgba[2] * a + 0.5);
      present[k] = 1;
    } else if (lua_toboolean(L, -1)) {
      return luaL_argerror(L, 8, lua_pushfstring(L, "cell %I: expected a colour string", (lua_Integer)k + 1));
    }
    lua_pop(L, 1);
  }
  scene_record_box(L, c, x, y, x + w, y + h);
  if (grid_paint(c->cr, x, y, w, h, (int)cols, (int)rows, argb, present, gap_rgba, gap) != 0)
    return luaL_error(L, "not enough memory");
  return 0;
}

/* Long polylines on PNG canvases take the fast rasterizer (fast_stroke.h); the rest cairo. */
static int m_stroke(lua_State *L) {
  canvas *c = canvas_check(L);
  scene_record_paint(L, c, 1);
  if (!fast_stroke(c->cr)) cairo_stroke(c->cr);
  return 0;
}

static int m_set_color(lua_State *L) {
  canvas *c = canvas_check(L);
  double rgba[4] = {0, 0, 0, 1};
  if (lua_type(L, 2) == LUA_TSTRING) {
    check_color_string(L, 2, rgba);
  } else {
    int n = lua_isnoneornil(L, 5) ? 3 : 4;
    for (int i = 0; i < n; i++) {
      rgba[i] = canvas_check_finite(L, i + 2);
      if (rgba[i] < 0 || rgba[i] > 1) luaL_argerror(L, i + 2, "must be in 0..1");
    }
  }
  cairo_set_source_rgba(c->cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  return 0;
}

static int m_set_line_width(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_set_line_width(c->cr, check_nonneg(L, 2));
  return 0;
}

static int m_set_line_cap(lua_State *L) {
  static const char *const names[] = {"butt", "round", "square", NULL};
  static const cairo_line_cap_t caps[] = {CAIRO_LINE_CAP_BUTT, CAIRO_LINE_CAP_ROUND, CAIRO_LINE_CAP_SQUARE};
  canvas *c = canvas_check(L);
  cairo_set_line_cap(c->cr, caps[luaL_checkoption(L, 2, NULL, names)]);
  return 0;
}

static int m_set_line_join(lua_State *L) {
  static const char *const names[] = {"miter", "round", "bevel", NULL};
  static const cairo_line_join_t joins[] = {CAIRO_LINE_JOIN_MITER, CAIRO_LINE_JOIN_ROUND, CAIRO_LINE_JOIN_BEVEL};
  canvas *c = canvas_check(L);
  cairo_set_line_join(c->cr, joins[luaL_checkoption(L, 2, NULL, names)]);
  return 0;
}

/* c:set_dash({on, off, ...} [, offset]); {} turns dashing off. All-zero dashes would put
 * cairo in a sticky error state, so they are refused. */
static int m_set_dash(lua_State *L) {
  canvas *c = canvas_check(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  double offset = lua_isnoneornil(L, 3) ? 0 : canvas_check_finite(L, 3);
  lua_Integer n = luaL_len(L, 2);
  if (n > 1024) return luaL_argerror(L, 2, "at most 1024 dash lengths");
  double *d = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof(double), 0);
  double total = 0;
  for (lua_Integer i = 0; i < n; i++) {
    lua_rawgeti(L, 2, i + 1);
    int isnum = 0;
    d[i] = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !isfinite(d[i]) || d[i] < 0)
      return luaL_argerror(L, 2, lua_pushfstring(L, "dash length %I must be a finite number >= 0", i + 1));
    total += d[i];
    lua_pop(L, 1);
  }
  if (n > 0 && total <= 0) return luaL_argerror(L, 2, "dash lengths must not all be zero");
  cairo_set_dash(c->cr, d, (int)n, offset);
  return 0;
}

/* save/restore are counted: an unbalanced restore would put cairo in a sticky error state. */
static int m_save(lua_State *L) {
  canvas *c = canvas_check(L);
  if (c->save_depth >= 1000) return luaL_error(L, "save nested deeper than 1000");
  cairo_save(c->cr);
  c->save_depth++;
  return 0;
}

static int m_restore(lua_State *L) {
  canvas *c = canvas_check(L);
  if (c->save_depth == 0) return luaL_error(L, "restore without a matching save");
  cairo_restore(c->cr);
  c->save_depth--;
  return 0;
}

static int m_translate(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_translate(c->cr, canvas_check_finite(L, 2), canvas_check_finite(L, 3));
  return 0;
}

static int m_rotate(lua_State *L) {
  canvas *c = canvas_check(L);
  cairo_rotate(c->cr, canvas_check_finite(L, 2));
  return 0;
}

static int m_scale(lua_State *L) {
  canvas *c = canvas_check(L);
  double sx = canvas_check_finite(L, 2), sy = lua_isnoneornil(L, 3) ? sx : canvas_check_finite(L, 3);
  if (sx == 0) return luaL_argerror(L, 2, "must not be zero");
  if (sy == 0) return luaL_argerror(L, 3, "must not be zero");
  cairo_scale(c->cr, sx, sy);
  return 0;
}

/* c:linear_gradient(x0, y0, x1, y1, {{offset, color}, ...}) becomes the source. Stops are
 * checked before the pattern exists, so a raised error leaks nothing. */
static int m_linear_gradient(lua_State *L) {
  canvas *c = canvas_check(L);
  double x0 = canvas_check_finite(L, 2), y0 = canvas_check_finite(L, 3), x1 = canvas_check_finite(L, 4), y1 = canvas_check_finite(L, 5);
  luaL_checktype(L, 6, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 6);
  if (n < 1 || n > 256) return luaL_argerror(L, 6, "stops must hold 1..256 {offset, color} pairs");
  double *stops = lua_newuserdatauv(L, (size_t)n * 5 * sizeof(double), 0);
  for (lua_Integer i = 0; i < n; i++) {
    double *s = stops + i * 5;
    if (lua_rawgeti(L, 6, i + 1) != LUA_TTABLE)
      return luaL_argerror(L, 6, lua_pushfstring(L, "stop %I must be a table {offset, color}", i + 1));
    int isnum = 0;
    lua_rawgeti(L, -1, 1);
    s[0] = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !(s[0] >= 0 && s[0] <= 1))
      return luaL_argerror(L, 6, lua_pushfstring(L, "stop %I offset must be a number in 0..1", i + 1));
    size_t len;
    const char *col = (lua_rawgeti(L, -2, 2) == LUA_TSTRING) ? lua_tolstring(L, -1, &len) : NULL;
    if (col == NULL || canvas_parse_color(col, len, s + 1) != 0)
      return luaL_argerror(L, 6, lua_pushfstring(L, "stop %I colour must be #rgb, #rrggbb or #rrggbbaa", i + 1));
    lua_pop(L, 3);
  }
  cairo_pattern_t *p = cairo_pattern_create_linear(x0, y0, x1, y1);
  for (lua_Integer i = 0; i < n; i++) {
    double *s = stops + i * 5;
    cairo_pattern_add_color_stop_rgba(p, s[0], s[1], s[2], s[3], s[4]);
  }
  cairo_set_source(c->cr, p);
  cairo_pattern_destroy(p);
  return 0;
}

const luaL_Reg canvas_paint_methods[] = {
    {"move_to", m_move_to},
    {"line_to", m_line_to},
    {"polylines", m_polylines},
    {"curve_to", m_curve_to},
    {"arc", m_arc},
    {"arc_negative", m_arc_negative},
    {"rect", m_rect},
    {"rounded_rect", m_rounded_rect},
    {"close_path", m_close_path},
    {"new_path", m_new_path},
    {"set_color", m_set_color},
    {"fill", m_fill},
    {"stroke", m_stroke},
    {"stamp", m_stamp},
    {"grid", m_grid},
    {"fill_preserve", m_fill_preserve},
    {"stroke_preserve", m_stroke_preserve},
    {"paint", m_paint},
    {"set_line_width", m_set_line_width},
    {"set_line_cap", m_set_line_cap},
    {"set_line_join", m_set_line_join},
    {"set_dash", m_set_dash},
    {"clip", m_clip},
    {"reset_clip", m_reset_clip},
    {"save", m_save},
    {"restore", m_restore},
    {"translate", m_translate},
    {"rotate", m_rotate},
    {"scale", m_scale},
    {"linear_gradient", m_linear_gradient},
    {NULL, NULL},
};
