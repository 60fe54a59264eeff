/* chartd.fs: the one file-system question scripts need — which files a folder holds. */
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A symlink is listed only when it resolves inside dir (root = realpath of dir): a theme
 * name must never reach a file outside the folder it was looked up in. */
static int inside(const char *dir, const char *root, const char *name) {
  char path[PATH_MAX], real[PATH_MAX];
  struct stat st;
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return 0;
  if (lstat(path, &st) != 0) return 0;
  if (!S_ISLNK(st.st_mode)) return 1;
  if (root == NULL || realpath(path, real) == NULL) return 0;
  size_t n = strlen(root);
  return strncmp(real, root, n) == 0 && real[n] == '/';
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* fs.list(dir) → sorted array of entry names (no dotfiles, no symlinks leaving dir), or nil,
 * message. */
static int fs_list(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  DIR *d = opendir(dir);
  if (d == NULL) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", dir, strerror(errno));
    return 2;
  }
  /* Copies are kept in C until the folder is closed, so no Lua error can leak the DIR. */
  char root_buf[PATH_MAX];
  const char *root = realpath(dir, root_buf);
  char **names = NULL;
  size_t n = 0, cap = 0;
  int failed = 0;
  struct dirent *e;
  while (!failed && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (!inside(dir, root, e->d_name)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **grown = realloc(names, cap * sizeof *names);
      if (grown == NULL) { failed = 1; break; }
      names = grown;
    }
    if ((names[n] = strdup(e->d_name)) == NULL) failed = 1; else n++;
  }
  closedir(d);
  if (!failed) {
    qsort(names, n, sizeof *names, compare_names);
    lua_createtable(L, (int)n, 0);
  }
  for (size_t i = 0; i < n; i++) {
    if (!failed) {
      lua_pushstring(L, names[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(names[i]);
  }
  free(names);
  if (failed) return luaL_error(L, "fs.list: out of memory");
  return 1;
}

static const luaL_Reg FS[] = {{"list", fs_list}, {NULL, NULL}};

int luaopen_chartd_fs(lua_State *L) {
  luaL_newlib(L, FS);
  return 1;
}
