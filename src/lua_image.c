/* chartd.image: decode a PNG (libpng simplified API) into straight-alpha RGBA pixels for checks. */
#include <lauxlib.h>
#include <lua.h>
#include <png.h>
#include <string.h>

#include "chartd_types.h"

int luaopen_chartd_image(lua_State *L);

/* The pixels live in the userdata itself, so the GC owns everything. */
typedef struct image {
  int width, height;
  unsigned char pixels[]; /* RGBA, 8 bits, straight alpha, rows top to bottom */
} image;

/* 64 Mpixel cap: a test helper has no business decoding anything bigger, and a forged
 * header must not make us allocate gigabytes. */
#define MAX_PIXELS (64u * 1024u * 1024u)

static int l_decode_png(lua_State *L) {
  size_t len;
  const char *bytes = luaL_checklstring(L, 1, &len);
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes, len)) {
    luaL_pushfail(L);
    lua_pushfstring(L, "invalid PNG: %s", png.message);
    return 2;
  }
  if ((size_t)png.width * png.height > MAX_PIXELS) {
    png_image_free(&png);
    luaL_pushfail(L);
    lua_pushfstring(L, "PNG too large: %dx%d", (int)png.width, (int)png.height);
    return 2;
  }
  png.format = PNG_FORMAT_RGBA;
  /* lua_newuserdatauv may raise (out of memory) with libpng's state alive; that state is
   * small and this is a test helper, so the rare leak is accepted over a pcall dance. */
  size_t size = PNG_IMAGE_SIZE(png);
  image *img = lua_newuserdatauv(L, sizeof(image) + size, 0);
  img->width = (int)png.width;
  img->height = (int)png.height;
  luaL_setmetatable(L, CHARTD_IMAGE_TYPE);
  if (!png_image_finish_read(&png, NULL, img->pixels, 0, NULL)) {
    luaL_pushfail(L);
    lua_pushfstring(L, "invalid PNG: %s", png.message);
    return 2;
  }
  return 1;
}

static int check_coord(lua_State *L, int arg, const char *name, int limit) {
  lua_Integer v = luaL_checkinteger(L, arg);
  if (v < 0 || v >= limit)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s must be in 0..%d, got %I", name, limit - 1, v));
  return (int)v;
}

/* img:pixel(x, y) -> r, g, b, a (0..255); x, y are 0-based device pixels. */
static int m_pixel(lua_State *L) {
  image *img = luaL_checkudata(L, 1, CHARTD_IMAGE_TYPE);
  int x = check_coord(L, 2, "x", img->width);
  int y = check_coord(L, 3, "y", img->height);
  const unsigned char *p = img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * 4;
  for (int i = 0; i < 4; i++) lua_pushinteger(L, p[i]);
  return 4;
}

static int m_index(lua_State *L) {
  image *img = luaL_checkudata(L, 1, CHARTD_IMAGE_TYPE);
  const char *key = luaL_checkstring(L, 2);
  if (strcmp(key, "width") == 0) lua_pushinteger(L, img->width);
  else if (strcmp(key, "height") == 0) lua_pushinteger(L, img->height);
  else if (strcmp(key, "pixel") == 0) lua_pushcfunction(L, m_pixel);
  else lua_pushnil(L);
  return 1;
}

static int m_tostring(lua_State *L) {
  image *img = luaL_checkudata(L, 1, CHARTD_IMAGE_TYPE);
  lua_pushfstring(L, "chartd.image (%dx%d)", img->width, img->height);
  return 1;
}

int luaopen_chartd_image(lua_State *L) {
  static const luaL_Reg meta[] = {{"__index", m_index}, {"__tostring", m_tostring}, {NULL, NULL}};
  static const luaL_Reg fns[] = {{"decode_png", l_decode_png}, {NULL, NULL}};
  if (luaL_newmetatable(L, CHARTD_IMAGE_TYPE)) luaL_setfuncs(L, meta, 0);
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
