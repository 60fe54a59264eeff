/* chartd.canvas: cairo surfaces (PNG/SVG/PDF), paths, painting and encoding, for Lua (text: canvas_text.c, the scene: canvas_scene.c). */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "canvas_private.h"
#include "chartd_types.h"
#include "fast_stroke.h"
#include "grid.h"
#include "stamp.h"
#include "png_write.h"

int luaopen_chartd_canvas(lua_State *L);

enum { FMT_PNG, FMT_SVG, FMT_PDF };
static const char *const FORMATS[] = {"png", "svg", "pdf", NULL};

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

canvas *canvas_check(lua_State *L) {
  canvas *c = luaL_checkudata(L, 1, CHARTD_CANVAS_TYPE);
  if (c->closed) luaL_error(L, "canvas is finished");
  return c;
}

double canvas_check_finite(lua_State *L, int arg) {
  double v = luaL_checknumber(L, arg);
  if (!isfinite(v)) luaL_argerror(L, arg, "must be a finite number");
  return v;
}

static double check_nonneg(lua_State *L, int arg) {
  double v = canvas_check_finite(L, arg);
  if (v < 0) luaL_argerror(L, arg, "must not be negative");
  return v;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

int canvas_parse_color(const char *s, size_t len, double rgba[4]) {
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
  if (canvas_parse_color(s, len, rgba) != 0)
    luaL_argerror(L, arg, lua_pushfstring(L, "invalid colour '%s' (use #rgb, #rrggbb or #rrggbbaa)", s));
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
  text_unhint(c->layout);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    const char *msg = cairo_status_to_string(cairo_status(c->cr));
    release(c);
    return luaL_error(L, "cannot create %s canvas: %s", FORMATS[format], msg);
  }
  if (scene) scene_start(L, c);
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
  canvas *c = canvas_check(L);
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
  canvas *c = canvas_check(L);
  lua_pushinteger(L, c->width);
  lua_pushinteger(L, c->height);
  lua_pushnumber(L, c->scale);
  return 3;
}

/* ---- paths and painting ----------------------------------------------------------- */

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
      {"size", m_size},
      {"finish", m_finish},
      {"close", m_close},
      {NULL, NULL},
  };
  static const luaL_Reg meta[] = {
      {"__gc", m_close}, {"__close", m_close}, {"__tostring", m_tostring}, {"__index", NULL}, {NULL, NULL}};
  static const luaL_Reg fns[] = {{"new", l_new}, {"measure_text", text_measure}, {NULL, NULL}};
  if (luaL_newmetatable(L, CHARTD_CANVAS_TYPE)) {
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    luaL_setfuncs(L, canvas_text_methods, 0);
    luaL_setfuncs(L, canvas_scene_methods, 0);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
