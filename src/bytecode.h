/* Precompiled Lua for the CLI: scripts compiled at build time, used only while their source is unchanged. */
#ifndef CHARTD_BYTECODE_H
#define CHARTD_BYTECODE_H

#include <lua.h>
#include <stddef.h>

/* Compiles the Lua source file src (chunk name "@src", as require names it) into out: a
 * header recording src's path, size and modification time, then the bytecode with its debug
 * information (tracebacks keep their files and lines). 0, or -1 with a message in err. */
int bytecode_compile(const char *src, const char *out, char *err, size_t errlen);

/* Puts a searcher before Lua's own file searcher: require(name) loads dir/<name>.luac when it
 * was compiled from the very file package.searchpath finds for name, of the same size and
 * modification time; anything else (no file, an edited or moved source, another Lua's
 * bytecode) falls through to the source. */
void bytecode_install(lua_State *L, const char *dir);

#endif
