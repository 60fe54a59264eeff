/* chartd.base64: Lua wrapper of base64.c (RFC 4648, standard alphabet, padded, strict). */
#include <lauxlib.h>
#include <lua.h>

#include "base64.h"

int luaopen_chartd_base64(lua_State *L);

static int l_encode(lua_State *L) {
  size_t len;
  const char *in = luaL_checklstring(L, 1, &len);
  size_t outlen = base64_encoded_len(len);
  if (outlen == 0 && len > 0) return luaL_argerror(L, 1, "string too long");
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, outlen);
  base64_encode((const unsigned char *)in, len, out);
  luaL_pushresultsize(&b, outlen);
  return 1;
}

static int l_decode(lua_State *L) {
  size_t len, outlen = 0, bad = 0;
  const char *in = luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, base64_decoded_max(len));
  if (base64_decode(in, len, out, &outlen, &bad) != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "invalid base64 at offset %I", (lua_Integer)bad);
    return 2;
  }
  luaL_pushresultsize(&b, outlen);
  return 1;
}

int luaopen_chartd_base64(lua_State *L) {
  static const luaL_Reg fns[] = {{"encode", l_encode}, {"decode", l_decode}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
