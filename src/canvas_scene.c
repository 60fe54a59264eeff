/* chartd.canvas's scene recording: with canvas.new{scene = true} the canvas keeps a description of what it drew.
 *
 * Every text box as pango laid it out (the shown text, ellipsis included) and the bounds of
 * the marks painted inside c:begin_item/c:end_item groups, in user units of the whole canvas
 * (the current transform applied, the PNG scale removed). docs/protocol.md "Scene". */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canvas_private.h"
#include "chartd_types.h"

enum { SCENE_UV = 1, GROUP_UV = 2, ROLE_UV = 3 };

void scene_start(lua_State *L, canvas *c) {
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, c->width);
  lua_setfield(L, -2, "width");
  lua_pushinteger(L, c->height);
  lua_setfield(L, -2, "height");
  lua_newtable(L);
  lua_setfield(L, -2, "items");
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, 0);
  lua_setfield(L, -2, "x");
  lua_pushinteger(L, 0);
  lua_setfield(L, -2, "y");
  lua_pushinteger(L, 0);
  lua_setfield(L, -2, "legend");
  lua_pushinteger(L, 0);
  lua_setfield(L, -2, "headers");
  lua_setfield(L, -2, "thinned");
  lua_setiuservalue(L, -2, SCENE_UV);
  c->recording = 1;
}

/* A point of the current user space in scene units. */
static void to_scene(const canvas *c, double *x, double *y) {
  cairo_user_to_device(c->cr, x, y);
  *x /= c->scale;
  *y /= c->scale;
}

/* Axis-aligned scene bounds of a user-space rectangle (its four corners transformed). */
static void rect_to_scene(const canvas *c, double x0, double y0, double x1, double y1, double b[4]) {
  double xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
  b[0] = b[1] = INFINITY;
  b[2] = b[3] = -INFINITY;
  for (int i = 0; i < 4; i++) {
    to_scene(c, &xs[i], &ys[i]);
    if (xs[i] < b[0]) b[0] = xs[i];
    if (ys[i] < b[1]) b[1] = ys[i];
    if (xs[i] > b[2]) b[2] = xs[i];
    if (ys[i] > b[3]) b[3] = ys[i];
  }
}

static void set_number(lua_State *L, const char *key, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

/* Sets x, y, w, h of the table at the top from bounds {x0, y0, x1, y1}. */
static void set_bounds(lua_State *L, const double b[4]) {
  set_number(L, "x", b[0]);
  set_number(L, "y", b[1]);
  set_number(L, "w", b[2] - b[0]);
  set_number(L, "h", b[3] - b[1]);
}

/* Appends the table at the top to scene.items (canvas at index 1) and pops it. */
static void append_item(lua_State *L) {
  lua_getiuservalue(L, 1, SCENE_UV);
  lua_getfield(L, -1, "items");
  lua_insert(L, -3);
  lua_pop(L, 1);
  lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
  lua_pop(L, 1);
}

static void group_extend(canvas *c, const double b[4]) {
  if (!c->group_has) {
    c->gx0 = b[0], c->gy0 = b[1], c->gx1 = b[2], c->gy1 = b[3];
    c->group_has = 1;
    return;
  }
  if (b[0] < c->gx0) c->gx0 = b[0];
  if (b[1] < c->gy0) c->gy0 = b[1];
  if (b[2] > c->gx1) c->gx1 = b[2];
  if (b[3] > c->gy1) c->gy1 = b[3];
}

typedef struct run_span {
  int offset, length, ellipsis;
} run_span;

static int span_cmp(const void *a, const void *b) {
  return ((const run_span *)a)->offset - ((const run_span *)b)->offset;
}

/* Pushes the text as shown: with pango's ellipsis in place of what it left out. The
 * layout's runs are gathered first into a Lua-owned buffer, so a memory error raised by
 * Lua leaks nothing. */
static void push_shown_text(lua_State *L, PangoLayout *layout) {
  const char *t = pango_layout_get_text(layout);
  if (!pango_layout_is_ellipsized(layout)) {
    lua_pushstring(L, t);
    return;
  }
  int n = 0;
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  do {
    if (pango_layout_iter_get_run_readonly(it)) n++;
  } while (pango_layout_iter_next_run(it));
  pango_layout_iter_free(it);
  run_span *spans = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof(run_span), 0);
  int k = 0;
  it = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
    if (run && k < n) {
      spans[k].offset = run->item->offset;
      spans[k].length = run->item->length;
      spans[k].ellipsis = (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) != 0;
      k++;
    }
  } while (pango_layout_iter_next_run(it));
  pango_layout_iter_free(it);
  qsort(spans, (size_t)k, sizeof *spans, span_cmp);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; i < k; i++) {
    if (spans[i].ellipsis) luaL_addstring(&b, "\xE2\x80\xA6");
    else luaL_addlstring(&b, t + spans[i].offset, (size_t)spans[i].length);
  }
  luaL_pushresult(&b);
  lua_remove(L, -2); /* the spans */
}

static const char *const TEXT_ROLES[] = {"title",      "subtitle",   "axis-title", "tick-label", "legend-title",
                                         "legend-label", "data-label", "annotation", "note",       NULL};

void scene_check_text_role(lua_State *L, const canvas *c) {
  if (c->recording && lua_istable(L, 5) && lua_getfield(L, 5, "role") != LUA_TNIL) {
    luaL_checkoption(L, -1, NULL, TEXT_ROLES); /* a misspelt role is a bug in the caller */
    lua_pop(L, 1);
  } else if (c->recording && lua_istable(L, 5)) {
    lua_pop(L, 1);
  }
}

void scene_place_text(const canvas *c, double rx, double ry, double w, double h, text_place *p) {
  rect_to_scene(c, rx, ry, rx + w, ry + h, p->b);
  cairo_matrix_t m;
  cairo_get_matrix(c->cr, &m);
  double unit = sqrt(fabs(m.xx * m.yy - m.xy * m.yx)) / c->scale;
  p->angle = atan2(m.yx, m.xx);
  p->cx = rx + w / 2, p->cy = ry + h / 2;
  to_scene(c, &p->cx, &p->cy);
  p->w = w * unit, p->h = h * unit;
}

/* The role was checked before drawing (scene_check_text_role). */
void scene_record_text(lua_State *L, canvas *c, PangoLayout *layout, const text_place *p) {
  if (c->group_open && c->group_text) group_extend(c, p->b);
  lua_createtable(L, 0, 11);
  lua_pushstring(L, "text");
  lua_setfield(L, -2, "kind");
  if (!lua_istable(L, 5) || lua_getfield(L, 5, "role") == LUA_TNIL) {
    if (lua_istable(L, 5)) lua_pop(L, 1);
    lua_pushstring(L, "unlabelled"); /* a caller that named no role: the scene checks flag it */
  }
  lua_setfield(L, -2, "role");
  push_shown_text(L, layout);
  lua_setfield(L, -2, "text");
  set_bounds(L, p->b);
  set_number(L, "angle", p->angle);
  /* the font size as set (absolute, user units): what a reader's "10 px text" means */
  const PangoFontDescription *fd = pango_layout_get_font_description(layout);
  if (fd) set_number(L, "size", pango_font_description_get_size(fd) / (double)PANGO_SCALE);
  if (lua_istable(L, 5)) {
    if (lua_getfield(L, 5, "value") == LUA_TNUMBER) lua_setfield(L, -2, "value");
    else lua_pop(L, 1);
  }
  if (fabs(p->angle) > 1e-9) {
    lua_createtable(L, 0, 5);
    set_number(L, "cx", p->cx);
    set_number(L, "cy", p->cy);
    set_number(L, "w", p->w);
    set_number(L, "h", p->h);
    set_number(L, "angle", p->angle);
    lua_setfield(L, -2, "box");
  }
  append_item(L);
}

/* Before a fill or stroke inside an open group: its painted bounds (clipped) join the
 * group's, and for line/area groups the flattened path joins the item's points. */
static void paint_into_group(lua_State *L, canvas *c, int stroke) {
  double x0, y0, x1, y1, cx0, cy0, cx1, cy1;
  if (stroke) cairo_stroke_extents(c->cr, &x0, &y0, &x1, &y1);
  else cairo_fill_extents(c->cr, &x0, &y0, &x1, &y1);
  cairo_clip_extents(c->cr, &cx0, &cy0, &cx1, &cy1);
  x0 = fmax(x0, cx0), y0 = fmax(y0, cy0), x1 = fmin(x1, cx1), y1 = fmin(y1, cy1);
  if (x1 < x0 || y1 < y0 || (x1 == x0 && y1 == y0)) return;
  double b[4];
  rect_to_scene(c, x0, y0, x1, y1, b);
  group_extend(c, b);
  if (!c->group_points) return;
  /* Count first, make every Lua table, then fill them from a second copy of the path:
   * nothing can raise while cairo's path copy is held. */
  cairo_path_t *path = cairo_copy_path_flat(c->cr);
  int n = 0;
  for (int i = 0; i < path->num_data; i += path->data[i].header.length)
    if (path->data[i].header.type == CAIRO_PATH_MOVE_TO || path->data[i].header.type == CAIRO_PATH_LINE_TO) n++;
  cairo_path_destroy(path);
  lua_getiuservalue(L, 1, GROUP_UV);
  if (lua_getfield(L, -1, "points") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, n, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "points");
  }
  lua_Integer base = (lua_Integer)luaL_len(L, -1);
  for (int i = 1; i <= n; i++) {
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, 0);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, 0);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, base + i);
  }
  path = cairo_copy_path_flat(c->cr);
  int k = 0;
  for (int i = 0; i < path->num_data && k < n; i += path->data[i].header.length) {
    cairo_path_data_type_t type = path->data[i].header.type;
    if (type != CAIRO_PATH_MOVE_TO && type != CAIRO_PATH_LINE_TO) continue;
    double px = path->data[i + 1].point.x, py = path->data[i + 1].point.y;
    to_scene(c, &px, &py);
    lua_rawgeti(L, -1, base + (++k));
    lua_pushnumber(L, px);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, py);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 1);
  }
  cairo_path_destroy(path);
  lua_pop(L, 2);
}

/* Closes the open group: an item that painted something joins the scene. */
static void end_group(lua_State *L, canvas *c) {
  if (!c->group_open) return;
  c->group_open = 0;
  if (c->group_has) {
    lua_getiuservalue(L, 1, GROUP_UV);
    double b[4] = {c->gx0, c->gy0, c->gx1, c->gy1};
    set_bounds(L, b);
    append_item(L);
  }
  lua_pushnil(L);
  lua_setiuservalue(L, 1, GROUP_UV);
}

static const char *const ITEM_KINDS[] = {"mark", "legend", NULL};

/* Opens a group of kind ITEM_KINDS[kind] with the string at role_idx (0: none) and the
 * value at datum_idx (0: none) as its role and datum. */
static void open_group(lua_State *L, canvas *c, int kind, int role_idx, int datum_idx) {
  end_group(L, c);
  const char *role = role_idx ? lua_tostring(L, role_idx) : NULL;
  lua_createtable(L, 0, 8);
  lua_pushstring(L, ITEM_KINDS[kind]);
  lua_setfield(L, -2, "kind");
  if (role) {
    lua_pushvalue(L, role_idx);
    lua_setfield(L, -2, "role");
  }
  if (datum_idx) {
    lua_pushvalue(L, datum_idx);
    lua_setfield(L, -2, "datum");
  }
  lua_setiuservalue(L, 1, GROUP_UV);
  c->group_open = 1;
  c->group_has = 0;
  c->group_text = kind == 1;
  c->group_points = role && (strcmp(role, "line") == 0 || strcmp(role, "area") == 0);
}

/* Auto marks take the chart's mark role (c:mark_role). */
void scene_record_paint(lua_State *L, canvas *c, int stroke) {
  if (!c->recording) return;
  if (c->group_open) {
    paint_into_group(L, c, stroke);
    return;
  }
  if (!c->auto_marks) return;
  int top = lua_gettop(L);
  lua_getiuservalue(L, 1, ROLE_UV);
  open_group(L, c, 0, lua_isstring(L, -1) ? top + 1 : 0, 0);
  paint_into_group(L, c, stroke);
  end_group(L, c);
  lua_settop(L, top);
}

void scene_record_box(lua_State *L, canvas *c, double x0, double y0, double x1, double y1) {
  if (!c->recording || !(x1 >= x0 && y1 >= y0)) return;
  cairo_path_t *keep = cairo_copy_path(c->cr);
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x0, y0, x1 - x0, y1 - y0);
  scene_record_paint(L, c, 0);
  cairo_new_path(c->cr);
  if (keep->status == CAIRO_STATUS_SUCCESS) cairo_append_path(c->cr, keep);
  cairo_path_destroy(keep);
}

/* c:mark_role(role): the role of auto marks ("bar", "slice", …; the chart type's mark). */
static int m_mark_role(lua_State *L) {
  canvas_check(L);
  luaL_checkstring(L, 2);
  lua_settop(L, 2);
  lua_setiuservalue(L, 1, ROLE_UV);
  return 0;
}

/* c:auto_marks(on): between a chart's background and its axes, every fill and stroke drawn
 * outside a c:begin_item group is recorded as a mark (frame.draw_background / draw_axes). */
static int m_auto_marks(lua_State *L) {
  canvas *c = canvas_check(L);
  c->auto_marks = lua_toboolean(L, 2);
  if (!c->auto_marks && c->recording) end_group(L, c);
  return 0;
}

/* c:begin_item(kind, role [, datum]): what is painted until c:end_item() (or the next
 * begin_item) is one scene item — kind "mark" (role bar, point, line, area, slice, cell, …;
 * line and area items also keep their drawn points) or "legend" (its text included). */
static int m_begin_item(lua_State *L) {
  canvas *c = canvas_check(L);
  int kind = luaL_checkoption(L, 2, NULL, ITEM_KINDS);
  luaL_optstring(L, 3, NULL);
  if (!c->recording) return 0;
  lua_settop(L, 4);
  open_group(L, c, kind, lua_isnil(L, 3) ? 0 : 3, lua_isnil(L, 4) ? 0 : 4);
  return 0;
}

static int m_end_item(lua_State *L) {
  canvas *c = canvas_check(L);
  if (c->recording) end_group(L, c);
  return 0;
}

/* c:recording() -> whether this canvas keeps a scene (callers skip building datums if not). */
static int m_recording(lua_State *L) {
  canvas *c = canvas_check(L);
  lua_pushboolean(L, c->recording);
  return 1;
}

/* c:record_plot(x, y, w, h): the plot area, as the chart's frame placed it. */
static int m_record_plot(lua_State *L) {
  canvas *c = canvas_check(L);
  double x = canvas_check_finite(L, 2), y = canvas_check_finite(L, 3), w = canvas_check_finite(L, 4), h = canvas_check_finite(L, 5);
  if (!c->recording) return 0;
  double b[4];
  rect_to_scene(c, x, y, x + w, y + h, b);
  lua_getiuservalue(L, 1, SCENE_UV);
  lua_createtable(L, 0, 4);
  set_bounds(L, b);
  lua_setfield(L, -2, "plot");
  lua_pop(L, 1);
  return 0;
}

/* c:record_thinned("x"|"y"|"legend"|"headers", n): n labels were left out on purpose
 * (headers: small multiples' cell titles). */
static int m_record_thinned(lua_State *L) {
  static const char *const keys[] = {"x", "y", "legend", "headers", NULL};
  canvas *c = canvas_check(L);
  int key = luaL_checkoption(L, 2, NULL, keys);
  lua_Integer n = luaL_checkinteger(L, 3);
  if (!c->recording || n <= 0) return 0;
  lua_getiuservalue(L, 1, SCENE_UV);
  lua_getfield(L, -1, "thinned");
  lua_getfield(L, -1, keys[key]);
  lua_Integer was = lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_pushinteger(L, was + n);
  lua_setfield(L, -2, keys[key]);
  lua_pop(L, 2);
  return 0;
}

/* c:scene() -> the scene table (also after finish), or nil when not recording. */
static int m_scene(lua_State *L) {
  canvas *c = luaL_checkudata(L, 1, CHARTD_CANVAS_TYPE);
  if (!c->recording) return 0;
  if (!c->closed) end_group(L, c);
  lua_getiuservalue(L, 1, SCENE_UV);
  return 1;
}

const luaL_Reg canvas_scene_methods[] = {
    {"begin_item", m_begin_item},
    {"mark_role", m_mark_role},
    {"auto_marks", m_auto_marks},
    {"end_item", m_end_item},
    {"recording", m_recording},
    {"record_plot", m_record_plot},
    {"record_thinned", m_record_thinned},
    {"scene", m_scene},
    {NULL, NULL},
};
