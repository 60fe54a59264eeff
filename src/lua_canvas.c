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

/* c:text(str, x, y, opts) -> w, h. Clears the current path (pango draws from the current
 * point, and a stray point would offset the text). */
static int m_text(lua_State *L) {
  canvas *c = check_canvas(L);
  size_t len;
  const char *s = check_text(L, 2, &len);
  double x = check_finite(L, 3), y = check_finite(L, 4);
  text_opts o;
  read_text_opts(L, 5, 5, &o);
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
  cairo_restore(c->cr);
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
  canvas *c = lua_newuserdatauv(L, sizeof(canvas), 0);
  memset(c, 0, sizeof *c);
  c->closed = 1;
  luaL_setmetatable(L, CHARTD_CANVAS_TYPE);
  c->format = format;
  c->width = width;
  c->height = height;
  c->scale = format == FMT_PNG ? scale : 1;
  switch (format) {
  case FMT_PNG:
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(width * scale), (int)ceil(height * scale));
    break;
  case FMT_SVG:
    c->surface = cairo_svg_surface_create_for_stream(on_stream_write, &c->stream, width, height);
    /* cairo writes width="800pt" by default, which browsers show 4/3 too large. */
    cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PX);
    break;
  default:
    c->surface = cairo_pdf_surface_create_for_stream(on_stream_write, &c->stream, width, height);
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
  c->closed = 0;
  return 1;
}

/* c:finish{compression=0..9} -> bytes | nil, message. The canvas is closed either way. */
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
    lua_pushlstring(L, (const char *)c->stream.data, c->stream.len);
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
SIMPLE(m_fill, cairo_fill)
SIMPLE(m_stroke, cairo_stroke)
SIMPLE(m_fill_preserve, cairo_fill_preserve)
SIMPLE(m_stroke_preserve, cairo_stroke_preserve)
SIMPLE(m_paint, cairo_paint)
SIMPLE(m_clip, cairo_clip)
SIMPLE(m_reset_clip, cairo_reset_clip)
#undef SIMPLE

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
