/* chartd.canvas: cairo surfaces (PNG/SVG/PDF) and their encoding, for Lua, and the module's registration (paths and painting: canvas_paint.c, text: canvas_text.c, the scene: canvas_scene.c). */
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

int luaopen_chartd_canvas(lua_State *L) {
  static const luaL_Reg methods[] = {
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
    luaL_setfuncs(L, canvas_paint_methods, 0);
    luaL_setfuncs(L, canvas_text_methods, 0);
    luaL_setfuncs(L, canvas_scene_methods, 0);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
