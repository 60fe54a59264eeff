/* What the files of chartd.canvas share; no other file includes it.
 *
 * lua_canvas.c: surfaces, encoding, and the module's registration;
 * canvas_paint.c: paths and painting (fills, strokes, markers, grids, styles, transforms);
 * canvas_text.c: pango text (options, layout, measuring, c:text);
 * canvas_scene.c: scene recording (canvas.new{scene = true}, docs/protocol.md "Scene"). */
#ifndef CHARTD_CANVAS_PRIVATE_H
#define CHARTD_CANVAS_PRIVATE_H

#include <cairo.h>
#include <lauxlib.h>
#include <lua.h>
#include <pango/pangocairo.h>

#include "png_write.h"

/* SVG/PDF bytes collected by cairo's stream callback. Lives inside the userdata, whose
 * address never moves, so cairo can keep a pointer to it. */
typedef struct stream_buf {
  unsigned char *data;
  size_t len, cap;
  int failed;
} stream_buf;

typedef struct canvas {
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout; /* one per canvas: pango contexts are costly to create */
  stream_buf stream;
  png_buffer png; /* held here while being pushed, so a memory error cannot leak it */
  int format, width, height, save_depth;
  double scale;
  int closed;
  /* Scene recording (canvas_scene.c): user value 1 holds the scene table, user value 2 the
   * item of the open group (c:begin_item) while one is open, user value 3 the mark role. */
  int recording, group_open, group_text, group_points;
  int auto_marks; /* c:auto_marks(true): each fill/stroke outside a group is a mark of its own */
  double gx0, gy0, gx1, gy1; /* the open group's bounds so far (scene units) */
  int group_has;
  /* A PNG canvas's pixels come from the state's allocator, so they count against the
   * request's memory budget (src/budget.c) like any Lua value, and go back at finish/close. */
  void *pixels;
  size_t pixels_size;
  lua_Alloc alloc;
  void *alloc_ud;
} canvas;


/* ---- lua_canvas.c ---- */

/* The canvas at index 1; raises "canvas is finished" after finish/close. */
canvas *canvas_check(lua_State *L);
/* Argument arg as a finite number (cairo draws NaN/Inf silently or enters a sticky error). */
double canvas_check_finite(lua_State *L, int arg);
/* "#rgb", "#rrggbb" or "#rrggbbaa" -> rgba in 0..1; returns 0 or -1. */
int canvas_parse_color(const char *s, size_t len, double rgba[4]);

/* ---- canvas_paint.c ---- */

/* c:move_to ... c:linear_gradient: every path and painting method */
extern const luaL_Reg canvas_paint_methods[];

/* ---- canvas_text.c ---- */

/* No hinting on a layout's context: measurements independent of scale and context. */
void text_unhint(PangoLayout *layout);
/* canvas.measure_text(str, opts) -> w, h, baseline (no surface needed) */
int text_measure(lua_State *L);
/* c:text, c:measure_text */
extern const luaL_Reg canvas_text_methods[];

/* ---- canvas_scene.c ---- */

/* Where a drawn text landed, measured inside its transform (then restored before anything
 * can raise): bounds, centre, size and angle in scene units. */
typedef struct text_place {
  double b[4], cx, cy, w, h, angle;
} text_place;

/* canvas.new{scene = true}: the empty scene of c (the canvas userdata at the top). */
void scene_start(lua_State *L, canvas *c);
/* Before a fill or stroke: into the open group, or (auto marks) a mark of its own. */
void scene_record_paint(lua_State *L, canvas *c, int stroke);
/* What stamp and grid paint, as one rectangle around it; the current path is kept. */
void scene_record_box(lua_State *L, canvas *c, double x0, double y0, double x1, double y1);
/* c:text's opts (index 5): a role that is not a scene text role raises. */
void scene_check_text_role(lua_State *L, const canvas *c);
void scene_place_text(const canvas *c, double rx, double ry, double w, double h, text_place *p);
/* Records one drawn text (opts at index 5). */
void scene_record_text(lua_State *L, canvas *c, PangoLayout *layout, const text_place *p);
/* c:begin_item, c:end_item, c:mark_role, c:auto_marks, c:recording, c:record_plot,
 * c:record_thinned, c:scene */
extern const luaL_Reg canvas_scene_methods[];

#endif
