/* chartd_luac OUT_DIR LUA_ROOT FILE...: the build's step that precompiles lua/ for the CLI
 * (src/bytecode.c); FILE lua/charts/bar.lua becomes OUT_DIR/charts.bar.luac, lua/charts/init.lua
 * OUT_DIR/charts.luac — the module names require uses. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bytecode.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: chartd_luac OUT_DIR LUA_ROOT FILE...\n", stderr);
    return 2;
  }
  const char *out_dir = argv[1], *root = argv[2];
  size_t rl = strlen(root);
  mkdir(out_dir, 0755);
  for (int i = 3; i < argc; i++) {
    const char *src = argv[i];
    size_t n = strlen(src);
    if (strncmp(src, root, rl) != 0 || src[rl] != '/' || n < rl + 5 || strcmp(src + n - 4, ".lua") != 0) {
      fprintf(stderr, "chartd_luac: %s is not a .lua file under %s\n", src, root);
      return 1;
    }
    char name[4096];
    size_t len = n - rl - 1 - 4;
    if (len >= sizeof name) return 1;
    memcpy(name, src + rl + 1, len);
    name[len] = '\0';
    if (len > 5 && strcmp(name + len - 5, "/init") == 0) name[len - 5] = '\0';
    for (char *c = name; *c; c++)
      if (*c == '/') *c = '.';
    char out[4200], err[512];
    snprintf(out, sizeof out, "%s/%s.luac", out_dir, name);
    /* A script that does not compile is left to the CLI, which loads its source and says why. */
    if (bytecode_compile(src, out, err, sizeof err) != 0) fprintf(stderr, "chartd_luac: warning: %s\n", err);
  }
  return 0;
}
