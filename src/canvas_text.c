/* chartd.canvas's text: pango layouts from text options, measuring (with or without a surface) and c:text. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "canvas_private.h"

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
    if (canvas_parse_color(s, len, o->rgba) != 0)
      luaL_argerror(L, arg, lua_pushfstring(L, "invalid colour '%s' (use #rgb, #rrggbb or #rrggbbaa)", s));
    o->has_color = 1;
    lua_pop(L, 1);
  }
}

/* Measurements must not depend on the device scale or on which context measured them:
 * no hinting of metrics or outlines, on every pango context we create. Glyph positions are
 * not rounded to whole units either (pango's default), so widths are the font's true
 * advances, e.g. "iiiiiiii" at 9 px is 20.0 wide instead of 24. */
void text_unhint(PangoLayout *layout) {
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
  text_unhint(m->layout);
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

int text_measure(lua_State *L) {
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
  canvas *c = canvas_check(L);
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
  canvas *c = canvas_check(L);
  size_t len;
  const char *s = check_text(L, 2, &len);
  double x = canvas_check_finite(L, 3), y = canvas_check_finite(L, 4);
  text_opts o;
  read_text_opts(L, 5, 5, &o);
  scene_check_text_role(L, c);
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
  if (c->recording) scene_place_text(c, dx + lx, dy + ly, w, h, &place);
  cairo_restore(c->cr);
  if (c->recording) scene_record_text(L, c, c->layout, &place);
  lua_pushnumber(L, w);
  lua_pushnumber(L, h);
  return 2;
}

const luaL_Reg canvas_text_methods[] = {
    {"text", m_text},
    {"measure_text", m_measure_text},
    {NULL, NULL},
};
