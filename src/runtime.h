/* The base Lua state: standard libraries, chartd bindings, scripts under CHARTD_HOME (the CLI's; src/state.c sandboxes it for the server). */
#ifndef CHARTD_RUNTIME_H
#define CHARTD_RUNTIME_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

/* The folder holding lua/, prompts/, themes/, web/: $CHARTD_HOME, else the working directory. */
const char *runtime_home(void);

/* A new state with the standard libraries, every chartd.* binding in package.preload,
 * `chartd.host` = { home =, version = }, and package.path pointing at <home>/lua.
 * Returns NULL with a message in err when the state cannot be created. */
lua_State *runtime_new_state(const char *home, char *err, size_t errlen);

/* Calls require(module)[func](...) with the string arguments; returns the integer it
 * returns (0 when it returns nothing), or -1 with the error message printed to stderr. */
int runtime_call(lua_State *L, const char *module, const char *func, int argc, char **argv);

#endif
