/* chartd.canvas: cairo surfaces (PNG/SVG/PDF), paths, pango text and encoding, for Lua. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chartd_types.h"
#include "fast_stroke.h"
#include "grid.h"
#include "stamp.h"
#include "png_write.h"

int luaopen_chartd_canvas(lua_State *L);

enum { FMT_PNG, FMT_SVG, FMT_PDF };
static const char *const FORMATS[] = {"png", "svg", "pdf", NULL};

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
  /* Scene recording (canvas.new{scene = true}): user value 1 holds the scene table, user
   * value 2 the item of the open group (c:begin_item) while one is open. */
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

/* ---- helpers ---------------------------------------------------------------------- */

/* The PNG encoder's working memory, kept per Lua state (so per worker thread) in the registry:
 * allocating its ~3.5 MB afresh for every 800x600 chart cost more in page faults than the
 * encoding. Past SCRATCH_KEEP bytes it is released after use, so one huge chart does not
 * pin its memory. */
#define SCRATCH_KEEP (16u << 20)
static const char SCRATCH_KEY = 0;

static int scratch_gc(lua_State *L) {
  png_scratch_free(lua_touserdata(L, 1));
  return 0;
}

static png_scratch *state_scratch(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY) == LUA_TUSERDATA) {
    png_scratch *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return s;
  }
  lua_pop(L, 1);
  png_scratch *s = lua_newuserdatauv(L, sizeof *s, 0);
  memset(s, 0, sizeof *s);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, scratch_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY);
  return s;
}

static void release(canvas *c) {
  if (c->layout) g_object_unref(c->layout);
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) {
    cairo_surface_finish(c->surface); /* flushes SVG/PDF into stream before it is freed */
    cairo_surface_destroy(c->surface);
  }
  if (c->pixels) c->alloc(c->alloc_ud, c->pixels, c->pixels_size, 0); /* after the surface that used them */
  c->pixels = NULL;
  free(c->stream.data);
  png_buffer_free(&c->png);
  c->layout = NULL;
  c->cr = NULL;
  c->surface = NULL;
  c->stream.data = NULL;
  c->stream.len = c->stream.cap = 0;
  c->closed = 1;
}

static canvas *check_canvas(lua_State *L) {
  canvas *c = luaL_checkudata(L, 1, CHARTD_CANVAS_TYPE);
  if (c->closed) luaL_error(L, "canvas is finished");
  return c;
}

/* cairo draws NaN/Inf silently (or enters a sticky error state), so refuse them here. */
static double check_finite(lua_State *L, int arg) {
  double v = luaL_checknumber(L, arg);
  if (!isfinite(v)) luaL_argerror(L, arg, "must be a finite number");
  return v;
}

static double check_nonneg(lua_State *L, int arg) {
  double v = check_finite(L, arg);
  if (v < 0) luaL_argerror(L, arg, "must not be negative");
  return v;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* "#rgb", "#rrggbb" or "#rrggbbaa" -> rgba in 0..1; returns 0 or -1. */
static int parse_color(const char *s, size_t len, double rgba[4]) {
  int v[8];
  if (len < 1 || s[0] != '#' || (len != 4 && len != 7 && len != 9)) return -1;
  for (size_t i = 1; i < len; i++)
    if ((v[i - 1] = hexval(s[i])) < 0) return -1;
  if (len == 4) {
    for (int i = 0; i < 3; i++) rgba[i] = (v[i] * 17) / 255.0;
    rgba[3] = 1;
  } else {
    for (int i = 0; i < 3; i++) rgba[i] = (v[2 * i] * 16 + v[2 * i + 1]) / 255.0;
    rgba[3] = len == 9 ? (v[6] * 16 + v[7]) / 255.0 : 1;
  }
  return 0;
}

static void check_color_string(lua_State *L, int arg, double rgba[4]) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  if (parse_color(s, len, rgba) != 0)
    luaL_argerror(L, arg, lua_pushfstring(L, "invalid colour '%s' (use #rgb, #rrggbb or #rrggbbaa)", s));
}

/* ---- text ------------------------------------------------------------------------- */

enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };
static const char *const ALIGNS[] = {"left", "center", "right", NULL};
enum { VALIGN_TOP, VALIGN_MIDDLE, VALIGN_BASELINE, VALIGN_BOTTOM };
static const char *const VALIGNS[] = {"top", "middle", "baseline", "bottom", NULL};

typedef struct text_opts {
  const char *family; /* anchored by the options table */
  double size, max_width, angle;
  int weight, align, valign, has_color;
  double rgba[4];
} text_opts;

/* Reads an option from the table at idx into the stack top; raises naming "field" when the
 * type is wrong. Returns 0 when absent. */
static int opt_field(lua_State *L, int idx, const char *field, int type, int arg) {
  int t = lua_getfield(L, idx, field);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != type && !(type == LUA_TNUMBER && t == LUA_TSTRING && lua_isnumber(L, -1)))
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be a %s, got %s", field, lua_typename(L, type),
                                          luaL_typename(L, -1)));
  return 1;
}

static double opt_number(lua_State *L, int idx, const char *field, int arg, double def, double lo, double hi) {
  if (!opt_field(L, idx, field, LUA_TNUMBER, arg)) return def;
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!isfinite(v) || v < lo || v > hi)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be in %f..%f", field, lo, hi));
  return v;
}

static int opt_enum(lua_State *L, int idx, const char *field, int arg, const char *const names[], int def) {
  if (!opt_field(L, idx, field, LUA_TSTRING, arg)) return def;
  const char *s = lua_tostring(L, -1);
  for (int i = 0; names[i]; i++) {
    if (strcmp(s, names[i]) == 0) {
      lua_pop(L, 1);
      return i;
    }
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; names[i]; i++) {
    if (i) luaL_addchar(&b, '|');
    luaL_addstring(&b, names[i]);
  }
  luaL_pushresult(&b);
  return luaL_argerror(L, arg, lua_pushfstring(L, "%s must be one of %s, got '%s'", field, lua_tostring(L, -1), s));
}

static void read_text_opts(lua_State *L, int idx, int arg, text_opts *o) {
  o->family = "DejaVu Sans";
  o->size = 12;
  o->weight = PANGO_WEIGHT_NORMAL;
  o->max_width = -1;
  o->angle = 0;
  o->align = ALIGN_LEFT;
  o->valign = VALIGN_BASELINE;
  o->has_color = 0;
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  if (opt_field(L, idx, "font", LUA_TTABLE, arg)) {
    int f = lua_gettop(L);
    if (opt_field(L, f, "family", LUA_TSTRING, arg)) {
      o->family = lua_tostring(L, -1); /* still referenced by the font table */
      lua_pop(L, 1);
    }
    o->size = opt_number(L, f, "size", arg, 12, 1, 1000);
    int t = lua_getfield(L, f, "weight");
    if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "normal") == 0) o->weight = PANGO_WEIGHT_NORMAL;
    else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "bold") == 0) o->weight = PANGO_WEIGHT_BOLD;
    else if (t == LUA_TNUMBER && lua_tonumber(L, -1) >= 100 && lua_tonumber(L, -1) <= 900)
      o->weight = (int)lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
      luaL_argerror(L, arg, "font.weight must be \"normal\", \"bold\" or a number in 100..900");
    lua_pop(L, 2);
  }
  if (opt_field(L, idx, "max_width", LUA_TNUMBER, arg)) {
    lua_pop(L, 1);
    o->max_width = opt_number(L, idx, "max_width", arg, -1, 0, 1e6);
  }
  o->angle = opt_number(L, idx, "angle", arg, 0, -1e6, 1e6);
  o->align = opt_enum(L, idx, "align", arg, ALIGNS, ALIGN_LEFT);
  o->valign = opt_enum(L, idx, "valign", arg, VALIGNS, VALIGN_BASELINE);
  if (opt_field(L, idx, "color", LUA_TSTRING, arg)) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (parse_color(s, len, o->rgba) != 0)
      luaL_argerror(L, arg, lua_pushfstring(L, "invalid colour '%s' (use #rgb, #rrggbb or #rrggbbaa)", s));
    o->has_color = 1;
    lua_pop(L, 1);
  }
}

/* Measurements must not depend on the device scale or on which context measured them:
 * no hinting of metrics or outlines, on every pango context we create. Glyph positions are
 * not rounded to whole units either (pango's default), so widths are the font's true
 * advances, e.g. "iiiiiiii" at 9 px is 20.0 wide instead of 24. */
static void unhint(PangoLayout *layout) {
  PangoContext *ctx = pango_layout_get_context(layout);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_layout_context_changed(layout);
}

/* Applies text and options to the layout. Nothing here raises, so no pango object leaks. */
static void setup_layout(PangoLayout *layout, const char *s, size_t len, const text_opts *o) {
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, o->family);
  pango_font_description_set_absolute_size(fd, o->size * PANGO_SCALE);
  pango_font_description_set_weight(fd, (PangoWeight)o->weight);
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  if (o->max_width >= 0) {
    pango_layout_set_width(layout, (int)(o->max_width * PANGO_SCALE));
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  } else {
    pango_layout_set_width(layout, -1);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE);
  }
  /* pango drops invalid UTF-8 with a warning; data from CSV may be Latin-1, so repair it. */
  if (g_utf8_validate(s, (gssize)len, NULL)) {
    pango_layout_set_text(layout, s, (int)len);
  } else {
    gchar *valid = g_utf8_make_valid(s, (gssize)len);
    pango_layout_set_text(layout, valid, -1);
    g_free(valid);
  }
}

static void layout_metrics(PangoLayout *layout, PangoRectangle *logical, double *baseline) {
  pango_layout_get_extents(layout, NULL, logical);
  *baseline = pango_layout_get_baseline(layout) / (double)PANGO_SCALE;
}

static const char *check_text(lua_State *L, int arg, size_t *len) {
  const char *s = luaL_checklstring(L, arg, len);
  if (*len > 1000000) luaL_argerror(L, arg, "text longer than 1000000 bytes");
  return s;
}

/* Module-level measure_text: pango's font map is per thread and workers are threads, so
 * each thread gets its own 1x1 surface, context and layout, freed when the thread ends. */
typedef struct measurer {
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout;
} measurer;

static _Thread_local measurer *tls_measurer;
static pthread_key_t measurer_key;
static pthread_once_t measurer_once = PTHREAD_ONCE_INIT;

static void measurer_free(void *p) {
  measurer *m = p;
  if (m == NULL) return;
  if (m->layout) g_object_unref(m->layout);
  if (m->cr) cairo_destroy(m->cr);
  if (m->surface) cairo_surface_destroy(m->surface);
  free(m);
}

static void measurer_key_init(void) { pthread_key_create(&measurer_key, measurer_free); }

static PangoLayout *thread_layout(void) {
  if (tls_measurer) return tls_measurer->layout;
  measurer *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  m->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  m->cr = cairo_create(m->surface);
  if (cairo_status(m->cr) != CAIRO_STATUS_SUCCESS) {
    measurer_free(m);
    return NULL;
  }
  m->layout = pango_cairo_create_layout(m->cr);
  unhint(m->layout);
  pthread_once(&measurer_once, measurer_key_init);
  pthread_setspecific(measurer_key, m);
  tls_measurer = m;
  return m->layout;
}

static int push_measure(lua_State *L, PangoLayout *layout) {
  PangoRectangle logical;
  double baseline;
  layout_metrics(layout, &logical, &baseline);
  lua_pushnumber(L, logical.width / (double)PANGO_SCALE);
  lua_pushnumber(L, logical.height / (double)PANGO_SCALE);
  lua_pushnumber(L, baseline);
  return 3;
}

/* canvas.measure_text(str, opts) -> w, h, baseline (no surface needed) */
static int l_measure_text(lua_State *L) {
  size_t len;
  const char *s = check_text(L, 1, &len);
  text_opts o;
  read_text_opts(L, 2, 2, &o);
  PangoLayout *layout = thread_layout();
  if (layout == NULL) return luaL_error(L, "cannot create a text measuring context");
  setup_layout(layout, s, len, &o);
  return push_measure(L, layout);
}

static int m_measure_text(lua_State *L) {
  canvas *c = check_canvas(L);
  size_t len;
  const char *s = check_text(L, 2, &len);
  text_opts o;
  read_text_opts(L, 3, 3, &o);
  setup_layout(c->layout, s, len, &o);
  return push_measure(L, c->layout);
}


/* ---- scene recording -------------------------------------------------------------- */
/* With canvas.new{scene = true} the canvas keeps a description of what it drew: every text
 * box as pango laid it out (the shown text, ellipsis included) and the bounds of the marks
 * painted inside c:begin_item/c:end_item groups, in user units of the whole canvas (the
 * current transform applied, the PNG scale removed). docs/protocol.md "Scene". */

enum { SCENE_UV = 1, GROUP_UV = 2, ROLE_UV = 3 };

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

/* Where a drawn text landed, measured inside its transform (then restored before anything
 * can raise): bounds, centre, size and angle in scene units. */
typedef struct text_place {
  double b[4], cx, cy, w, h, angle;
} text_place;

static void measure_place(const canvas *c, double rx, double ry, double w, double h, text_place *p) {
  rect_to_scene(c, rx, ry, rx + w, ry + h, p->b);
  cairo_matrix_t m;
  cairo_get_matrix(c->cr, &m);
  double unit = sqrt(fabs(m.xx * m.yy - m.xy * m.yx)) / c->scale;
  p->angle = atan2(m.yx, m.xx);
  p->cx = rx + w / 2, p->cy = ry + h / 2;
  to_scene(c, &p->cx, &p->cy);
  p->w = w * unit, p->h = h * unit;
}

/* Records one drawn text (opts at index 5; the role was checked before drawing). */
static void record_text(lua_State *L, canvas *c, PangoLayout *layout, const text_place *p) {
  if (c->group_open && c->group_text) group_extend(c, p->b);
  lua_createtable(L, 0, 10);
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

/* Before a fill or stroke: into the open group, or (auto marks) a mark item of its own
 * with the chart's mark role. */
static void record_paint(lua_State *L, canvas *c, int stroke) {
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

/* c:mark_role(role): the role of auto marks ("bar", "slice", …; the chart type's mark). */
static int m_mark_role(lua_State *L) {
  check_canvas(L);
  luaL_checkstring(L, 2);
  lua_settop(L, 2);
  lua_setiuservalue(L, 1, ROLE_UV);
  return 0;
}

/* c:auto_marks(on): between a chart's background and its axes, every fill and stroke drawn
 * outside a c:begin_item group is recorded as a mark (frame.draw_background / draw_axes). */
static int m_auto_marks(lua_State *L) {
  canvas *c = check_canvas(L);
  c->auto_marks = lua_toboolean(L, 2);
  if (!c->auto_marks && c->recording) end_group(L, c);
  return 0;
}

/* c:begin_item(kind, role [, datum]): what is painted until c:end_item() (or the next
 * begin_item) is one scene item — kind "mark" (role bar, point, line, area, slice, cell, …;
 * line and area items also keep their drawn points) or "legend" (its text included). */
static int m_begin_item(lua_State *L) {
  canvas *c = check_canvas(L);
  int kind = luaL_checkoption(L, 2, NULL, ITEM_KINDS);
  luaL_optstring(L, 3, NULL);
  if (!c->recording) return 0;
  lua_settop(L, 4);
  open_group(L, c, kind, lua_isnil(L, 3) ? 0 : 3, lua_isnil(L, 4) ? 0 : 4);
  return 0;
}

static int m_end_item(lua_State *L) {
  canvas *c = check_canvas(L);
  if (c->recording) end_group(L, c);
  return 0;
}

/* c:recording() -> whether this canvas keeps a scene (callers skip building datums if not). */
static int m_recording(lua_State *L) {
  canvas *c = check_canvas(L);
  lua_pushboolean(L, c->recording);
  return 1;
}

/* c:record_plot(x, y, w, h): the plot area, as the chart's frame placed it. */
static int m_record_plot(lua_State *L) {
  canvas *c = check_canvas(L);
  double x = check_finite(L, 2), y = check_finite(L, 3), w = check_finite(L, 4), h = check_finite(L, 5);
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

/* c:record_thinned("x"|"y"|"legend", n): n labels were left out on purpose. */
static int m_record_thinned(lua_State *L) {
  static const char *const keys[] = {"x", "y", "legend", NULL};
  canvas *c = check_canvas(L);
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

/* c:text(str, x, y, opts) -> w, h. Clears the current path (pango draws from the current
 * point, and a stray point would offset the text). */
static int m_text(lua_State *L) {
  canvas *c = check_canvas(L);
  size_t len;
  const char *s = check_text(L, 2, &len);
  double x = check_finite(L, 3), y = check_finite(L, 4);
  text_opts o;
  read_text_opts(L, 5, 5, &o);
  if (c->recording && lua_istable(L, 5) && lua_getfield(L, 5, "role") != LUA_TNIL) {
    luaL_checkoption(L, -1, NULL, TEXT_ROLES); /* a misspelt role is a bug in the caller */
    lua_pop(L, 1);
  } else if (c->recording && lua_istable(L, 5)) {
    lua_pop(L, 1);
  }
  setup_layout(c->layout, s, len, &o);
  PangoRectangle logical;
  double baseline;
  layout_metrics(c->layout, &logical, &baseline);
  double w = logical.width / (double)PANGO_SCALE, h = logical.height / (double)PANGO_SCALE;
  double lx = logical.x / (double)PANGO_SCALE, ly = logical.y / (double)PANGO_SCALE;
  double dx = -lx - (o.align == ALIGN_CENTER ? w / 2 : o.align == ALIGN_RIGHT ? w : 0);
  double dy = o.valign == VALIGN_TOP      ? -ly
              : o.valign == VALIGN_MIDDLE ? -ly - h / 2
              : o.valign == VALIGN_BOTTOM ? -ly - h
                                          : -baseline;
  cairo_save(c->cr);
  cairo_new_path(c->cr);
  cairo_translate(c->cr, x, y);
  if (o.angle != 0) cairo_rotate(c->cr, o.angle);
  if (o.has_color) cairo_set_source_rgba(c->cr, o.rgba[0], o.rgba[1], o.rgba[2], o.rgba[3]);
  cairo_move_to(c->cr, dx, dy);
  pango_cairo_update_layout(c->cr, c->layout);
  pango_cairo_show_layout(c->cr, c->layout);
  cairo_new_path(c->cr);
  text_place place;
  if (c->recording) measure_place(c, dx + lx, dy + ly, w, h, &place);
  cairo_restore(c->cr);
  if (c->recording) record_text(L, c, c->layout, &place);
  lua_pushnumber(L, w);
  lua_pushnumber(L, h);
  return 2;
}

/* ---- construction and finishing --------------------------------------------------- */

static cairo_status_t on_stream_write(void *closure, const unsigned char *data, unsigned int len) {
  stream_buf *b = closure;
  if (b->failed) return CAIRO_STATUS_WRITE_ERROR;
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 16384;
    while (cap < b->len + len) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (d == NULL) {
      b->failed = 1;
      return CAIRO_STATUS_NO_MEMORY;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return CAIRO_STATUS_SUCCESS;
}

static int read_int_field(lua_State *L, const char *field, int def, int lo, int hi) {
  int t = lua_getfield(L, 1, field);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  int isint = 0;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (t != LUA_TNUMBER || !isint || v < lo || v > hi)
    luaL_argerror(L, 1, lua_pushfstring(L, "%s must be an integer in %d..%d, got %s", field, lo, hi,
                                        luaL_tolstring(L, -1, NULL)));
  lua_pop(L, 1);
  return (int)v;
}

/* canvas.new{format=, width=, height=, scale=} */
static int l_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int format = FMT_PNG;
  if (lua_getfield(L, 1, "format") != LUA_TNIL) {
    const char *f = lua_tostring(L, -1);
    format = -1;
    for (int i = 0; f && FORMATS[i]; i++)
      if (strcmp(f, FORMATS[i]) == 0) format = i;
    if (format < 0)
      return luaL_argerror(L, 1, lua_pushfstring(L, "format must be one of png|svg|pdf, got '%s'",
                                                 luaL_tolstring(L, -1, NULL)));
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "width") == LUA_TNIL) return luaL_argerror(L, 1, "width is required (16..8192)");
  if (lua_getfield(L, 1, "height") == LUA_TNIL) return luaL_argerror(L, 1, "height is required (16..8192)");
  lua_pop(L, 2);
  int width = read_int_field(L, "width", 0, 16, 8192);
  int height = read_int_field(L, "height", 0, 16, 8192);
  double scale = 1;
  int t = lua_getfield(L, 1, "scale");
  if (t != LUA_TNIL) {
    scale = lua_tonumber(L, -1);
    if (t != LUA_TNUMBER || !(scale >= 0.5 && scale <= 4))
      return luaL_argerror(L, 1, lua_pushfstring(L, "scale must be a number in 0.5..4, got %s",
                                                 luaL_tolstring(L, -1, NULL)));
  }
  lua_settop(L, 1);

  /* Closed first, then acquire: an error half-way leaves a handle __gc can release. */
  lua_getfield(L, 1, "scene");
  int scene = lua_toboolean(L, -1);
  lua_pop(L, 1);
  canvas *c = lua_newuserdatauv(L, sizeof(canvas), 3);
  memset(c, 0, sizeof *c);
  c->closed = 1;
  luaL_setmetatable(L, CHARTD_CANVAS_TYPE);
  c->format = format;
  c->width = width;
  c->height = height;
  c->scale = format == FMT_PNG ? scale : 1;
  switch (format) {
  case FMT_PNG: {
    int w = (int)ceil(width * scale), h = (int)ceil(height * scale);
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
    c->pixels_size = (size_t)stride * (size_t)h;
    c->alloc = lua_getallocf(L, &c->alloc_ud);
    c->pixels = c->alloc(c->alloc_ud, NULL, LUA_TUSERDATA, c->pixels_size);
    if (c->pixels == NULL) return luaL_error(L, "not enough memory"); /* the budget says which */
    memset(c->pixels, 0, c->pixels_size); /* transparent, as cairo_image_surface_create starts */
    c->surface = cairo_image_surface_create_for_data(c->pixels, CAIRO_FORMAT_ARGB32, w, h, stride);
    break;
  }
  case FMT_SVG:
    c->surface = cairo_svg_surface_create_for_stream(on_stream_write, &c->stream, width, height);
    /* cairo writes width="800pt" by default, which browsers show 4/3 too large. */
    cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PX);
    break;
  default:
    c->surface = cairo_pdf_surface_create_for_stream(on_stream_write, &c->stream, width, height);
    /* cairo stamps the time of drawing as /CreationDate: the same chart must give the same
     * bytes (the render cache's strong ETags), so the date is left out (cairo 1.16 drops a
     * date it cannot read). */
    cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE, "");
    break;
  }
  if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
    const char *msg = cairo_status_to_string(cairo_surface_status(c->surface));
    release(c);
    return luaL_error(L, "cannot create %s surface: %s", FORMATS[format], msg);
  }
  c->cr = cairo_create(c->surface);
  if (format == FMT_PNG && scale != 1) cairo_scale(c->cr, scale, scale);
  c->layout = pango_cairo_create_layout(c->cr);
  unhint(c->layout);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    const char *msg = cairo_status_to_string(cairo_status(c->cr));
    release(c);
    return luaL_error(L, "cannot create %s canvas: %s", FORMATS[format], msg);
  }
  if (scene) {
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, width);
    lua_setfield(L, -2, "width");
    lua_pushinteger(L, height);
    lua_setfield(L, -2, "height");
    lua_newtable(L);
    lua_setfield(L, -2, "items");
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "x");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "y");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "legend");
    lua_setfield(L, -2, "thinned");
    lua_setiuservalue(L, -2, SCENE_UV);
    c->recording = 1;
  }
  c->closed = 0;
  return 1;
}

/* c:finish{compression=0..9} -> bytes | nil, message. The canvas is closed either way. */
/* cairo names an SVG's surfaces and embedded images by process-wide counters (surface93,
 * image12): the same chart drawn twice would differ in those ids. They are renumbered in order
 * of first appearance, so equal drawings give equal bytes (the render cache's strong ETags).
 * cairo's output holds no user text (text is glyph paths), so only its own ids match. Pushes
 * the result. */
static void push_svg_stable_ids(lua_State *L, const char *svg, size_t len) {
  static const char *const PREFIXES[] = {"surface", "image"};
  long seen[2][256];
  int nseen[2] = {0, 0};
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  size_t i = 0, copied = 0;
  while (i < len) {
    int kind = -1;
    size_t plen = 0;
    if (svg[i] == '"' || svg[i] == '#')
      for (int k = 0; k < 2 && kind < 0; k++) {
        plen = strlen(PREFIXES[k]);
        if (i + 1 + plen < len && memcmp(svg + i + 1, PREFIXES[k], plen) == 0 && svg[i + 1 + plen] >= '0' &&
            svg[i + 1 + plen] <= '9')
          kind = k;
      }
    if (kind < 0) {
      i++;
      continue;
    }
    size_t d = i + 1 + plen, e = d;
    long n = 0;
    while (e < len && svg[e] >= '0' && svg[e] <= '9' && e - d < 9) n = n * 10 + (svg[e++] - '0');
    int index = 0;
    while (index < nseen[kind] && seen[kind][index] != n) index++;
    if (index == nseen[kind] && nseen[kind] < 256) seen[kind][nseen[kind]++] = n;
    if (index == 256) { /* more ids than any chart draws: leave the rest as they are */
      i = e;
      continue;
    }
    luaL_addlstring(&b, svg + copied, d - copied);
    char num[16];
    luaL_addlstring(&b, num, (size_t)snprintf(num, sizeof num, "%d", index + 1));
    copied = i = e;
  }
  luaL_addlstring(&b, svg + copied, len - copied);
  luaL_pushresult(&b);
}

static int m_finish(lua_State *L) {
  canvas *c = check_canvas(L);
  /* Level 1 (src/deflate.c) by default: 3x faster than zlib's level 1 and smaller on charts;
   * 2..9 trade time for size with zlib (the golden images use 9). docs/BENCHMARKS.md. */
  int level = 1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    int t = lua_getfield(L, 2, "compression");
    if (t != LUA_TNIL) {
      int isint = 0;
      lua_Integer v = lua_tointegerx(L, -1, &isint);
      if (t != LUA_TNUMBER || !isint || v < 0 || v > 9)
        return luaL_argerror(L, 2, "compression must be an integer in 0..9");
      level = (int)v;
    }
    lua_pop(L, 1);
  }
  cairo_status_t st = cairo_status(c->cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    release(c);
    luaL_pushfail(L);
    lua_pushfstring(L, "drawing failed: %s", cairo_status_to_string(st));
    return 2;
  }
  if (c->format == FMT_PNG) {
    char err[128];
    cairo_surface_flush(c->surface);
    png_scratch *scratch = state_scratch(L);
    int rc = png_write_argb32(cairo_image_surface_get_data(c->surface), cairo_image_surface_get_width(c->surface),
                              cairo_image_surface_get_height(c->surface),
                              cairo_image_surface_get_stride(c->surface), level, scratch, &c->png, err, sizeof err);
    if (scratch->cap > SCRATCH_KEEP) png_scratch_free(scratch);
    if (rc != 0) {
      release(c);
      luaL_pushfail(L);
      lua_pushstring(L, err);
      return 2;
    }
    lua_pushlstring(L, (const char *)c->png.data, c->png.len);
  } else {
    g_object_unref(c->layout);
    c->layout = NULL;
    cairo_destroy(c->cr);
    c->cr = NULL;
    cairo_surface_finish(c->surface);
    st = cairo_surface_status(c->surface);
    if (st != CAIRO_STATUS_SUCCESS || c->stream.failed) {
      release(c);
      luaL_pushfail(L);
      lua_pushfstring(L, "%s encoding failed: %s", FORMATS[c->format], cairo_status_to_string(st));
      return 2;
    }
    if (c->format == FMT_SVG) push_svg_stable_ids(L, (const char *)c->stream.data, c->stream.len);
    else lua_pushlstring(L, (const char *)c->stream.data, c->stream.len);
  }
  release(c);
  return 1;
}

/* __gc, __close and c:close(): safe to run twice. */
static int m_close(lua_State *L) {
  canvas *c = luaL_checkudata(L, 1, CHARTD_CANVAS_TYPE);
  if (!c->closed) release(c);
  return 0;
}

static int m_tostring(lua_State *L) {
  canvas *c = luaL_checkudata(L, 1, CHARTD_CANVAS_TYPE);
  if (c->closed) lua_pushstring(L, "chartd.canvas (finished)");
  else lua_pushfstring(L, "chartd.canvas (%s %dx%d)", FORMATS[c->format], c->width, c->height);
  return 1;
}

/* c:size() -> width, height, scale (user units; scale applies to PNG pixels only) */
static int m_size(lua_State *L) {
  canvas *c = check_canvas(L);
  lua_pushinteger(L, c->width);
  lua_pushinteger(L, c->height);
  lua_pushnumber(L, c->scale);
  return 3;
}

/* ---- paths and painting ----------------------------------------------------------- */

static int m_move_to(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_move_to(c->cr, check_finite(L, 2), check_finite(L, 3));
  return 0;
}

static int m_line_to(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_line_to(c->cr, check_finite(L, 2), check_finite(L, 3));
  return 0;
}

static int m_curve_to(lua_State *L) {
  canvas *c = check_canvas(L);
  double v[6];
  for (int i = 0; i < 6; i++) v[i] = check_finite(L, i + 2);
  cairo_curve_to(c->cr, v[0], v[1], v[2], v[3], v[4], v[5]);
  return 0;
}

static int arc_impl(lua_State *L, int negative) {
  canvas *c = check_canvas(L);
  double xc = check_finite(L, 2), yc = check_finite(L, 3), r = check_nonneg(L, 4);
  double a1 = check_finite(L, 5), a2 = check_finite(L, 6);
  if (negative) cairo_arc_negative(c->cr, xc, yc, r, a1, a2);
  else cairo_arc(c->cr, xc, yc, r, a1, a2);
  return 0;
}

static int m_arc(lua_State *L) { return arc_impl(L, 0); }
static int m_arc_negative(lua_State *L) { return arc_impl(L, 1); }

static int m_rect(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_rectangle(c->cr, check_finite(L, 2), check_finite(L, 3), check_finite(L, 4), check_finite(L, 5));
  return 0;
}

/* The radius is clamped to half the shorter side, so any r draws a valid shape. */
static int m_rounded_rect(lua_State *L) {
  canvas *c = check_canvas(L);
  double x = check_finite(L, 2), y = check_finite(L, 3), w = check_finite(L, 4), h = check_finite(L, 5);
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
    canvas *c = check_canvas(L);                                                                   \
    call(c->cr);                                                                                   \
    return 0;                                                                                      \
  }
SIMPLE(m_close_path, cairo_close_path)
SIMPLE(m_new_path, cairo_new_path)
SIMPLE(m_paint, cairo_paint)
SIMPLE(m_clip, cairo_clip)
SIMPLE(m_reset_clip, cairo_reset_clip)
#undef SIMPLE

/* Fills and strokes: recorded into the open scene group first (record_paint). */
#define PAINT(name, call, stroke)                                                                  \
  static int name(lua_State *L) {                                                                  \
    canvas *c = check_canvas(L);                                                                   \
    record_paint(L, c, stroke);                                                                    \
    call(c->cr);                                                                                   \
    return 0;                                                                                      \
  }
PAINT(m_fill, cairo_fill, 0)
PAINT(m_fill_preserve, cairo_fill_preserve, 0)
PAINT(m_stroke_preserve, cairo_stroke_preserve, 1)
#undef PAINT

/* For the scene (record_paint): what stamp and grid paint, as one rectangle around it; the
 * current path (a stamp's marker) is kept. */
static void record_box(lua_State *L, canvas *c, double x0, double y0, double x1, double y1) {
  if (!c->recording || !(x1 >= x0 && y1 >= y0)) return;
  cairo_path_t *keep = cairo_copy_path(c->cr);
  cairo_new_path(c->cr);
  cairo_rectangle(c->cr, x0, y0, x1 - x0, y1 - y0);
  record_paint(L, c, 0);
  cairo_new_path(c->cr);
  if (keep->status == CAIRO_STATUS_SUCCESS) cairo_append_path(c->cr, keep);
  cairo_path_destroy(keep);
}

/* c:stamp(xs, ys [, rs, unit]): fills the current path — a marker of radius `unit` (1)
 * around the origin — at every (xs[i], ys[i]), scaled to radius rs[i], one marker after the
 * other (stamp.h). */
static int m_stamp(lua_State *L) {
  canvas *c = check_canvas(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  int has_r = !lua_isnoneornil(L, 4), arrays = has_r ? 3 : 2;
  if (has_r) luaL_checktype(L, 4, LUA_TTABLE);
  size_t n = lua_rawlen(L, 2);
  if (lua_rawlen(L, 3) != n || (has_r && lua_rawlen(L, 4) != n))
    return luaL_argerror(L, 3, "xs, ys and rs must have the same length");
  if (n > ((size_t)-1) / (3 * sizeof(double))) return luaL_argerror(L, 2, "too many points");
  double *v = lua_newuserdatauv(L, (n ? n : 1) * (size_t)arrays * sizeof(double), 0);
  for (int a = 0; a < arrays; a++) {
    for (size_t i = 0; i < n; i++) {
      int isnum = 0;
      lua_rawgeti(L, 2 + a, (lua_Integer)i + 1);
      v[(size_t)a * n + i] = lua_tonumberx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum) return luaL_argerror(L, 2 + a, lua_pushfstring(L, "entry %I is not a number", (lua_Integer)i + 1));
    }
  }
  double unit = lua_isnoneornil(L, 5) ? 1 : check_finite(L, 5);
  if (unit <= 0) return luaL_argerror(L, 5, "must be positive");
  if (c->recording && n > 0) { /* the markers' bounds: the points', widened by the marker */
    double x0, y0, x1, y1, r = 0, bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    cairo_path_extents(c->cr, &x0, &y0, &x1, &y1);
    for (size_t i = 0; i < n; i++) {
      double k = has_r ? v[2 * n + i] / unit : 1;
      r = fmax(r, k);
      bx0 = fmin(bx0, v[i]), bx1 = fmax(bx1, v[i]), by0 = fmin(by0, v[n + i]), by1 = fmax(by1, v[n + i]);
    }
    record_box(L, c, bx0 + x0 * r, by0 + y0 * r, bx1 + x1 * r, by1 + y1 * r);
  }
  if (stamp_markers(c->cr, v, v + n, has_r ? v + 2 * n : NULL, unit, n) != 0) return luaL_error(L, "not enough memory");
  return 0;
}

/* c:grid(x, y, w, h, cols, rows, colors [, gap_color, gap_width]): colors[row * cols + col + 1]
 * ("#rrggbb[aa]", or nil/false: no cell) painted as one image tiling the rectangle, then
 * the gaps between cells stroked (grid.h). */
static int m_grid(lua_State *L) {
  canvas *c = check_canvas(L);
  double x = check_finite(L, 2), y = check_finite(L, 3), w = check_nonneg(L, 4), h = check_nonneg(L, 5);
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
      if (parse_color(s, len, rgba) != 0)
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
  record_box(L, c, x, y, x + w, y + h);
  if (grid_paint(c->cr, x, y, w, h, (int)cols, (int)rows, argb, present, gap_rgba, gap) != 0)
    return luaL_error(L, "not enough memory");
  return 0;
}

/* Long polylines on PNG canvases take the fast rasterizer (fast_stroke.h); the rest cairo. */
static int m_stroke(lua_State *L) {
  canvas *c = check_canvas(L);
  record_paint(L, c, 1);
  if (!fast_stroke(c->cr)) cairo_stroke(c->cr);
  return 0;
}

static int m_set_color(lua_State *L) {
  canvas *c = check_canvas(L);
  double rgba[4] = {0, 0, 0, 1};
  if (lua_type(L, 2) == LUA_TSTRING) {
    check_color_string(L, 2, rgba);
  } else {
    int n = lua_isnoneornil(L, 5) ? 3 : 4;
    for (int i = 0; i < n; i++) {
      rgba[i] = check_finite(L, i + 2);
      if (rgba[i] < 0 || rgba[i] > 1) luaL_argerror(L, i + 2, "must be in 0..1");
    }
  }
  cairo_set_source_rgba(c->cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  return 0;
}

static int m_set_line_width(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_set_line_width(c->cr, check_nonneg(L, 2));
  return 0;
}

static int m_set_line_cap(lua_State *L) {
  static const char *const names[] = {"butt", "round", "square", NULL};
  static const cairo_line_cap_t caps[] = {CAIRO_LINE_CAP_BUTT, CAIRO_LINE_CAP_ROUND, CAIRO_LINE_CAP_SQUARE};
  canvas *c = check_canvas(L);
  cairo_set_line_cap(c->cr, caps[luaL_checkoption(L, 2, NULL, names)]);
  return 0;
}

static int m_set_line_join(lua_State *L) {
  static const char *const names[] = {"miter", "round", "bevel", NULL};
  static const cairo_line_join_t joins[] = {CAIRO_LINE_JOIN_MITER, CAIRO_LINE_JOIN_ROUND, CAIRO_LINE_JOIN_BEVEL};
  canvas *c = check_canvas(L);
  cairo_set_line_join(c->cr, joins[luaL_checkoption(L, 2, NULL, names)]);
  return 0;
}

/* c:set_dash({on, off, ...} [, offset]); {} turns dashing off. All-zero dashes would put
 * cairo in a sticky error state, so they are refused. */
static int m_set_dash(lua_State *L) {
  canvas *c = check_canvas(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  double offset = lua_isnoneornil(L, 3) ? 0 : check_finite(L, 3);
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
  canvas *c = check_canvas(L);
  if (c->save_depth >= 1000) return luaL_error(L, "save nested deeper than 1000");
  cairo_save(c->cr);
  c->save_depth++;
  return 0;
}

static int m_restore(lua_State *L) {
  canvas *c = check_canvas(L);
  if (c->save_depth == 0) return luaL_error(L, "restore without a matching save");
  cairo_restore(c->cr);
  c->save_depth--;
  return 0;
}

static int m_translate(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_translate(c->cr, check_finite(L, 2), check_finite(L, 3));
  return 0;
}

static int m_rotate(lua_State *L) {
  canvas *c = check_canvas(L);
  cairo_rotate(c->cr, check_finite(L, 2));
  return 0;
}

static int m_scale(lua_State *L) {
  canvas *c = check_canvas(L);
  double sx = check_finite(L, 2), sy = lua_isnoneornil(L, 3) ? sx : check_finite(L, 3);
  if (sx == 0) return luaL_argerror(L, 2, "must not be zero");
  if (sy == 0) return luaL_argerror(L, 3, "must not be zero");
  cairo_scale(c->cr, sx, sy);
  return 0;
}

/* c:linear_gradient(x0, y0, x1, y1, {{offset, color}, ...}) becomes the source. Stops are
 * checked before the pattern exists, so a raised error leaks nothing. */
static int m_linear_gradient(lua_State *L) {
  canvas *c = check_canvas(L);
  double x0 = check_finite(L, 2), y0 = check_finite(L, 3), x1 = check_finite(L, 4), y1 = check_finite(L, 5);
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
    if (col == NULL || parse_color(col, len, s + 1) != 0)
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

int luaopen_chartd_canvas(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"move_to", m_move_to},
      {"line_to", m_line_to},
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
      {"text", m_text},
      {"begin_item", m_begin_item},
      {"mark_role", m_mark_role},
      {"auto_marks", m_auto_marks},
      {"end_item", m_end_item},
      {"recording", m_recording},
      {"record_plot", m_record_plot},
      {"record_thinned", m_record_thinned},
      {"scene", m_scene},
      {"measure_text", m_measure_text},
      {"size", m_size},
      {"finish", m_finish},
      {"close", m_close},
      {NULL, NULL},
  };
  static const luaL_Reg meta[] = {
      {"__gc", m_close}, {"__close", m_close}, {"__tostring", m_tostring}, {"__index", NULL}, {NULL, NULL}};
  static const luaL_Reg fns[] = {{"new", l_new}, {"measure_text", l_measure_text}, {NULL, NULL}};
  if (luaL_newmetatable(L, CHARTD_CANVAS_TYPE)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
