/* Tests src/watcher.c on a real temp folder: in-place write, write-temp-and-rename, delete and
 * recreate, touch with the same content, editor swap files, new subfolders, 100 rapid saves. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "../../src/watcher.h"
#include "check.h"

static char home[256];

static void write_file(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", home, rel);
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

static void path_of(char *out, size_t cap, const char *rel) { snprintf(out, cap, "%s/%s", home, rel); }

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The next batch as "a,b,c" ("" when none came within timeout_ms). */
static const char *next_batch(struct watcher *w, int timeout_ms) {
  static char buf[1024];
  struct watcher_changes c;
  buf[0] = '\0';
  int rc = watcher_wait(w, timeout_ms, &c);
  if (rc != 1) return buf;
  for (int i = 0; i < c.count; i++) {
    if (i) strcat(buf, ",");
    strcat(buf, c.paths[i]);
  }
  watcher_changes_free(&c);
  return buf;
}

int main(void) {
  snprintf(home, sizeof home, "/tmp/chartd-watcher-XXXXXX");
  if (mkdtemp(home) == NULL) return 2;
  char p[512], q[512];
  path_of(p, sizeof p, "lua");
  mkdir(p, 0755);
  path_of(p, sizeof p, "lua/charts");
  mkdir(p, 0755);
  path_of(p, sizeof p, "themes");
  mkdir(p, 0755);
  write_file("lua/charts/bar.lua", "return 1\n");
  write_file("lua/a.lua", "return 'a'\n");
  write_file("themes/light.lua", "return {}\n");

  CHECK(watcher_ignored_name(".bar.lua.swp"));
  CHECK(watcher_ignored_name("bar.lua.swp"));
  CHECK(watcher_ignored_name("bar.lua~"));
  CHECK(watcher_ignored_name("4913"));
  CHECK(watcher_ignored_name(".#bar.lua"));
  CHECK(!watcher_ignored_name("bar.lua"));
  CHECK(!watcher_ignored_name("4913.lua"));

  const char *dirs[] = {"lua", "prompts", "themes", NULL};
  char err[256];
  struct watcher *w = watcher_open(home, dirs, 100, 1000, err, sizeof err);
  if (w == NULL) {
    fprintf(stderr, "watcher_open: %s\n", err);
    return 1;
  }
  struct watcher_stats st;
  watcher_stats(w, &st);
  CHECK_INT(st.watches, 3); /* lua, lua/charts, themes (prompts/ is missing) */
  CHECK_INT(st.files, 3);

  /* In-place write (`>`): one batch with the file, after the debounce. */
  double t0 = now_ms();
  write_file("lua/charts/bar.lua", "return 2\n");
  CHECK_STR(next_batch(w, 2000), "lua/charts/bar.lua");
  double took = now_ms() - t0;
  CHECK(took >= 95 && took < 400);

  /* Write-temp-and-rename (VS Code, sed -i): the temp name never shows up. */
  write_file("lua/charts/.bar.lua.tmp123", "return 3\n");
  write_file("lua/charts/sedAbC12", "return 3\n");
  path_of(p, sizeof p, "lua/charts/sedAbC12");
  path_of(q, sizeof q, "lua/charts/bar.lua");
  CHECK_INT(rename(p, q), 0);
  path_of(p, sizeof p, "lua/charts/.bar.lua.tmp123");
  unlink(p);
  CHECK_STR(next_batch(w, 2000), "lua/charts/bar.lua");

  /* Delete and recreate with new content: one change. */
  path_of(p, sizeof p, "lua/a.lua");
  unlink(p);
  write_file("lua/a.lua", "return 'A'\n");
  CHECK_STR(next_batch(w, 2000), "lua/a.lua");

  /* Delete and recreate with the same content: nothing. */
  unlink(p);
  write_file("lua/a.lua", "return 'A'\n");
  CHECK_STR(next_batch(w, 400), "");

  /* touch, and a rewrite with identical bytes: skipped by the hash. */
  CHECK_INT(utime(p, NULL), 0);
  write_file("lua/a.lua", "return 'A'\n");
  CHECK_STR(next_batch(w, 400), "");
  watcher_stats(w, &st);
  CHECK(st.skipped >= 2);

  /* vim's dance: swap file, 4913 probe, backup file; then the real write. */
  write_file("lua/charts/.bar.lua.swp", "swap");
  write_file("lua/charts/4913", "");
  path_of(p, sizeof p, "lua/charts/4913");
  unlink(p);
  write_file("lua/charts/bar.lua~", "return 3\n");
  write_file("lua/charts/bar.lua.swp", "swap");
  CHECK_STR(next_batch(w, 400), "");
  write_file("lua/charts/bar.lua", "return 4\n");
  CHECK_STR(next_batch(w, 2000), "lua/charts/bar.lua");

  /* Deleting a file is a change too. */
  path_of(p, sizeof p, "themes/light.lua");
  unlink(p);
  CHECK_STR(next_batch(w, 2000), "themes/light.lua");

  /* A new subfolder, and a file in it written right away. */
  path_of(p, sizeof p, "lua/charts/extra");
  mkdir(p, 0755);
  write_file("lua/charts/extra/x.lua", "return 'x'\n");
  CHECK_STR(next_batch(w, 2000), "lua/charts/extra/x.lua");
  write_file("lua/charts/extra/x.lua", "return 'y'\n");
  CHECK_STR(next_batch(w, 2000), "lua/charts/extra/x.lua");

  /* Two files in one batch come sorted. */
  write_file("themes/z.lua", "return {z=1}\n");
  write_file("lua/a.lua", "return 'B'\n");
  CHECK_STR(next_batch(w, 2000), "lua/a.lua,themes/z.lua");

  /* 100 rapid saves within ~1 s: few batches, and the last content is what was hashed. */
  watcher_stats(w, &st);
  unsigned long batches0 = st.batches;
  int nonempty = 0;
  struct timespec gap = {0, 9 * 1000 * 1000};
  char text[64];
  for (int i = 0; i < 100; i++) {
    snprintf(text, sizeof text, "return %d\n", i);
    write_file("lua/charts/bar.lua", text);
    nanosleep(&gap, NULL);
    struct watcher_changes c;
    if (watcher_read(w) < 0) CHECK(0);
    if (watcher_take(w, &c)) {
      if (c.count) nonempty++;
      watcher_changes_free(&c);
    }
  }
  if (next_batch(w, 2000)[0]) nonempty++;
  watcher_stats(w, &st);
  CHECK(nonempty >= 1 && nonempty <= 3);
  CHECK(st.batches - batches0 <= 3);
  printf("100 rapid saves: %d non-empty batches, %lu events read\n", nonempty, st.events);
  /* The final content won: writing it again is no change. */
  write_file("lua/charts/bar.lua", "return 99\n");
  CHECK_STR(next_batch(w, 400), "");

  watcher_close(w);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", home);
  if (system(cmd) != 0) return 2;
  return check_done("test_watcher");
}
