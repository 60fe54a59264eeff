/* Tests src/reload.c on a temp copy of the scripts: the self-test passes and yields the catalog;
 * a syntax error, a runtime error in a chart, a broken theme, an unknown prompt placeholder
 * are refused with file:line; the time and memory budgets hold; the coordinator thread
 * advances the generation on a save and keeps it on a broken one. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../src/budget.h"
#include "../../src/reload.h"
#include "check.h"

static char home[256];

static void sh(const char *fmt, const char *arg) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, fmt, arg, arg);
  if (system(cmd) != 0) {
    fprintf(stderr, "failed: %s\n", cmd);
    exit(2);
  }
}

static void write_file(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", home, rel);
  FILE *f = fopen(path, "wb");
  if (f == NULL) exit(2);
  fputs(text, f);
  fclose(f);
}

static char *read_file(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", home, rel);
  FILE *f = fopen(path, "rb");
  if (f == NULL) exit(2);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return strdup(buf);
}

static struct reload_options opts(void) {
  return (struct reload_options){.home = home, .budget_ms = 3000, .budget_bytes = (size_t)64 << 20};
}

static char err[2048];

static int selftest(void) {
  struct reload_options o = opts();
  err[0] = '\0';
  return reload_selftest(&o, err, sizeof err, NULL, NULL, NULL);
}

/* The coordinator's reports, handed from its thread to the test. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int results;
static struct {
  unsigned generation;
  int ok;
  char error[512], changed[512], themes[256], trigger[16];
} last;

static void on_result(void *ud, const struct reload_result *r) {
  (void)ud;
  pthread_mutex_lock(&mu);
  last.generation = r->generation;
  last.ok = r->ok;
  snprintf(last.error, sizeof last.error, "%s", r->error ? r->error : "");
  snprintf(last.changed, sizeof last.changed, "%s", r->changed_json);
  snprintf(last.themes, sizeof last.themes, "%s", r->themes_json ? r->themes_json : "");
  snprintf(last.trigger, sizeof last.trigger, "%s", r->trigger);
  results++;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&mu);
}

/* Waits for result number n (1-based); returns 0 when it did not come in time. */
/* A reload's self-test may use its 3000 ms budget in CPU time: on a loaded machine (or under
 * ASan) many times that in wall time, never more than the backstop. */
#define RESULT_WAIT_MS (3000 * BUDGET_CPU_WALL_FACTOR)

static int wait_result(int n, int timeout_ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&mu);
  while (results < n)
    if (pthread_cond_timedwait(&cond, &mu, &until) != 0) break;
  int got = results >= n;
  pthread_mutex_unlock(&mu);
  return got;
}

int main(void) {
  snprintf(home, sizeof home, "/tmp/chartd-reload-XXXXXX");
  if (mkdtemp(home) == NULL) return 2;
  /* Runs from the source tree (ctest's working directory). */
  sh("cp -r lua prompts themes %s/ && test -d %s/lua", home);

  /* The shipped scripts pass, and the catalog comes with them. */
  struct reload_options o = opts();
  char *hello = NULL, *types = NULL, *themes = NULL;
  CHECK_INT(reload_selftest(&o, err, sizeof err, &hello, &types, &themes), 0);
  CHECK_STR(err, "");
  CHECK(themes && strstr(themes, "\"dark\",") != NULL && strstr(themes, "\"ocean\"") == NULL);
  CHECK(types && strncmp(types, "[\"area\",\"bar\",", 14) == 0 && strstr(types, "\"scatter\"") != NULL);
  CHECK(hello && strstr(hello, "\"type\":\"hello\"") != NULL);
  free(hello);
  free(types);
  free(themes);

  char *bar = read_file("lua/charts/bar.lua");

  /* A syntax error: file and line, relative to home. */
  write_file("lua/charts/bar.lua", "local M = {}\n\nlocal x = = 1\nreturn M\n");
  CHECK_INT(selftest(), -1);
  CHECK_STR(err, "lua/charts/bar.lua:3: unexpected symbol near '='");

  /* A runtime error in draw: the sample render names the line. */
  char *broken = strdup(bar);
  char *at = strstr(broken, "  canvas:set_line_width(1)\n  for _, b in ipairs(layout.bars)");
  CHECK(at != NULL);
  if (at) memcpy(at, "  canvas:nope_nope(1)     \n", 27);
  write_file("lua/charts/bar.lua", broken);
  int line = 1;
  for (const char *p = broken; at && p < at; p++) line += *p == '\n';
  CHECK_INT(selftest(), -1);
  char want[256];
  snprintf(want, sizeof want, "lua/charts/bar.lua:%d: attempt to call a nil value (method 'nope_nope')", line);
  CHECK(strstr(err, want) == err);
  if (strstr(err, want) != err) fprintf(stderr, "  got: %s\n  want: %s...\n", err, want);
  free(broken);
  write_file("lua/charts/bar.lua", bar);
  CHECK_INT(selftest(), 0);

  /* A theme that does not parse. */
  write_file("themes/ocean.lua", "return {\n  name = \"ocean\",\n  background = #\n}\n");
  CHECK_INT(selftest(), -1);
  CHECK_STR(err, "themes/ocean.lua:4: unexpected symbol near '}'");
  sh("rm %s/themes/ocean.lua%.0s", home);

  /* A prompt template with an unknown placeholder. */
  char *plan = read_file("prompts/plan.txt");
  char *bad_plan = malloc(strlen(plan) + 32);
  sprintf(bad_plan, "%s\n{{nonsense}}\n", plan);
  write_file("prompts/plan.txt", bad_plan);
  CHECK_INT(selftest(), -1);
  CHECK(strncmp(err, "prompts/plan.txt: unknown placeholder {{nonsense}}", 50) == 0);
  write_file("prompts/plan.txt", plan);
  free(bad_plan);
  free(plan);

  /* Budgets: a loop the script's own pcall cannot swallow, a table bomb. */
  write_file("lua/charts/bar.lua", "pcall(function() while true do end end)\nreturn {}\n");
  CHECK_INT(selftest(), -1);
  CHECK_STR(err, "the self-test ran past its time budget (3000 ms)");
  write_file("lua/charts/bar.lua", "local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end\nreturn {}\n");
  o = opts();
  o.budget_ms = 60000; /* the memory cap must stop it, however loaded the machine */
  CHECK_INT(reload_selftest(&o, err, sizeof err, NULL, NULL, NULL), -1);
  CHECK_STR(err, "the self-test ran out of its memory budget (64 MiB)");
  write_file("lua/charts/bar.lua", bar);

  /* The coordinator: a save advances the generation; a broken save does not. */
  o = opts();
  o.watch = true;
  o.on_result = on_result;
  CHECK_INT(reload_start(&o, err, sizeof err), 0);
  CHECK_INT(reload_generation(), 1);
  usleep(50 * 1000);
  char *edited = malloc(strlen(bar) + 64);
  sprintf(edited, "%s-- edited\n", bar);
  write_file("lua/charts/bar.lua", edited);
  CHECK(wait_result(1, RESULT_WAIT_MS));
  CHECK_INT(last.ok, 1);
  CHECK_INT(last.generation, 2);
  CHECK_STR(last.changed, "[\"lua/charts/bar.lua\"]");
  CHECK_STR(last.trigger, "watch");
  CHECK_INT(reload_generation(), 2);

  write_file("lua/charts/bar.lua", "return {\n");
  CHECK(wait_result(2, RESULT_WAIT_MS));
  CHECK_INT(last.ok, 0);
  CHECK_INT(last.generation, 2);
  CHECK_STR(last.error, "lua/charts/bar.lua:2: unexpected symbol near <eof>");
  CHECK_INT(reload_generation(), 2);

  /* SIGHUP's path reloads everything, and sees the (still broken) file. */
  char *dark = read_file("themes/dark.lua");
  write_file("themes/ocean.lua", dark);
  free(dark);
  CHECK(wait_result(3, RESULT_WAIT_MS));
  CHECK_STR(last.changed, "[\"themes/ocean.lua\"]");
  CHECK_INT(last.ok, 0);
  reload_request();
  CHECK(wait_result(4, RESULT_WAIT_MS));
  CHECK_STR(last.trigger, "signal");
  CHECK_STR(last.changed, "[]");
  CHECK_INT(last.ok, 0);

  write_file("lua/charts/bar.lua", bar);
  CHECK(wait_result(5, RESULT_WAIT_MS));
  CHECK_INT(last.ok, 1);
  CHECK_INT(last.generation, 3);
  CHECK(strstr(last.themes, "\"ocean\"") != NULL);
  reload_stop();
  CHECK_INT(results, 5);

  free(edited);
  free(bar);
  sh("rm -rf %s%.0s", home);
  return check_done("test_reload");
}
