/* Tests that the CLI's precompiled scripts (src/bytecode.c) stand for their source only while it is the very file compiled. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/bytecode.h"
#include "check.h"

static char root[256];

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

/* require(name) in a fresh state over root/lua with the bytecode in root/luac: what the module
 * returns, or the error. */
static const char *load(const char *name) {
  static char out[512];
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  lua_getglobal(L, "package");
  lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua", root, root);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  char dir[300];
  snprintf(dir, sizeof dir, "%s/luac", root);
  bytecode_install(L, dir);
  lua_getglobal(L, "require");
  lua_pushstring(L, name);
  int rc = lua_pcall(L, 1, 1, 0);
  snprintf(out, sizeof out, "%s%s", rc == LUA_OK ? "" : "error: ", lua_tostring(L, -1));
  lua_close(L);
  return out;
}

static void set_mtime(const char *path, const struct timespec *t) {
  struct timespec times[2] = {*t, *t};
  CHECK_INT(utimensat(AT_FDCWD, path, times, 0), 0);
}

int main(void) {
  snprintf(root, sizeof root, "/tmp/chartd-bytecode-XXXXXX");
  CHECK(mkdtemp(root) != NULL);
  char path[300], luac[300], init[300], init_luac[300], err[512];
  snprintf(path, sizeof path, "%s/lua", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/lua/pkg", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/luac", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/lua/m.lua", root);
  snprintf(luac, sizeof luac, "%s/luac/m.luac", root);
  snprintf(init, sizeof init, "%s/lua/pkg/init.lua", root);
  snprintf(init_luac, sizeof init_luac, "%s/luac/pkg.luac", root);

  /* The bytecode is what loads while the source is unchanged: a source rewritten with the same
   * size and modification time (which no editor does) still answers the compiled "one". */
  write_file(path, "return 'one'");
  CHECK_INT(bytecode_compile(path, luac, err, sizeof err), 0);
  struct stat st;
  CHECK_INT(stat(path, &st), 0);
  write_file(path, "return 'two'");
  set_mtime(path, &st.st_mtim);
  CHECK_STR(load("m"), "one");

  /* Any change of the modification time, even to an older one, or of the size: the source. */
  struct timespec older = st.st_mtim;
  older.tv_sec -= 100;
  set_mtime(path, &older);
  CHECK_STR(load("m"), "two");
  write_file(path, "return 'three'");
  set_mtime(path, &st.st_mtim);
  CHECK_STR(load("m"), "three");

  /* Debug information stays: an error's message names the source file and line. */
  write_file(path, "local x = 1\nerror('boom')\n");
  CHECK_INT(bytecode_compile(path, luac, err, sizeof err), 0);
  char want[512];
  snprintf(want, sizeof want, "error: %s/lua/m.lua:2: boom", root);
  CHECK_STR(load("m"), want);

  /* An init.lua module; bytecode compiled from another file (a moved checkout) is not used. */
  write_file(init, "return 'pkg'");
  CHECK_INT(bytecode_compile(init, init_luac, err, sizeof err), 0);
  CHECK_STR(load("pkg"), "pkg");
  write_file(path, "return 'm again'");
  CHECK_INT(bytecode_compile(init, luac, err, sizeof err), 0); /* m.luac made from pkg/init.lua */
  CHECK_STR(load("m"), "m again");

  /* Damaged bytecode: the source, never a crash. */
  CHECK_INT(bytecode_compile(path, luac, err, sizeof err), 0);
  CHECK_INT(stat(luac, &st), 0);
  CHECK_INT(truncate(luac, st.st_size - 20), 0); /* the header intact, the chunk cut */
  CHECK_STR(load("m"), "m again");
  write_file(luac, "chartd-luac 1\n");
  CHECK_STR(load("m"), "m again");

  /* A source that does not compile: the compiler says why and writes nothing. */
  write_file(path, "return (");
  remove(luac);
  CHECK_INT(bytecode_compile(path, luac, err, sizeof err), -1);
  CHECK(strstr(err, "m.lua:1:") != NULL);
  CHECK(access(luac, F_OK) != 0);
  CHECK(strstr(load("m"), "error: ") == load("m"));

  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK_INT(system(cmd), 0);
  return check_done("test_bytecode");
}
