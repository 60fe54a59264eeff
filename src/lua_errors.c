/* chartd.errors: the error table of src/errors.c for Lua — one protocol, read by C and Lua alike. */
#include <lauxlib.h>

#include "bindings.h"
#include "errors.h"

/* errors.reference() → "3f9c0a12": a reference for an `internal` error, quoted in the
 * message and in the log line. */
static int l_reference(lua_State *L) {
  char ref[9];
  error_reference(ref);
  lua_pushstring(L, ref);
  return 1;
}

/* errors.CODES[code] = { status = 422, retryable = false, text = "..." } */
int luaopen_chartd_errors(lua_State *L) {
  lua_createtable(L, 0, 2);
  lua_newtable(L);
  for (const struct error_code *e = ERROR_CODES; e->code; e++) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, e->status);
    lua_setfield(L, -2, "status");
    lua_pushboolean(L, e->retryable);
    lua_setfield(L, -2, "retryable");
    lua_pushstring(L, e->text);
    lua_setfield(L, -2, "text");
    lua_setfield(L, -2, e->code);
  }
  lua_setfield(L, -2, "CODES");
  lua_pushcfunction(L, l_reference);
  lua_setfield(L, -2, "reference");
  return 1;
}
