/* The hot-reload coordinator: on a file change or SIGHUP, self-test the scripts in a fresh state, then advance the generation.
 *
 * Threads: one coordinator thread owns the watcher and every self-test state; it waits in
 * poll(2) on the watcher's inotify fd and on an eventfd (SIGHUP, stop). Nothing here runs
 * on the lws service thread or on a worker.
 *
 * A reload reads the scripts once into a generation (src/generation.c), builds the state a
 * worker would build from those bytes (src/state.c: sandbox first, then every module under
 * the script budget), runs lua/selftest.lua in it under the same budget, and only when all
 * passed publishes the generation. Workers then build from the same bytes: what they run
 * is exactly what passed, whatever was saved meanwhile. */
#define _GNU_SOURCE
#include "reload.h"

#include <errno.h>
#include <lauxlib.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "budget.h"
#include "generation.h"
#include "log.h"
#include "sandbox.h"
#include "state.h"
#include "watcher.h"

static struct {
  struct reload_options o;
  char home[4096];
  pthread_t thread;
  bool started;
  atomic_bool stop;
  int efd; /* eventfd: SIGHUP and stop */
  struct watcher *watcher;
  bool last_failed; /* the last attempt failed or was superseded: the next one re-checks everything */
} g = {.efd = -1};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

unsigned reload_generation(void) { return generation_current_number(); }

void reload_request(void) {
  if (g.efd >= 0) {
    uint64_t one = 1;
    ssize_t n = write(g.efd, &one, sizeof one); /* async-signal-safe */
    (void)n;
  }
}

/* ---- the self-test ---- */

/* Runs inside the budgeted coroutine: everything a new generation needs, then its catalog. */
static const char SELFTEST_CHUNK[] =
    "local report = require('selftest').run(...)\n"
    "local hello, types, themes = require('service').catalog()\n"
    "return report, hello, types, themes\n";

static void replace_all(char *s, const char *needle) {
  size_t n = strlen(needle);
  if (n == 0) return;
  char *p;
  while ((p = strstr(s, needle)) != NULL) memmove(p, p + n, strlen(p + n) + 1);
}

static char *dup_string(lua_State *L, int idx) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  if (s == NULL) return NULL;
  char *copy = malloc(len + 1);
  if (copy) memcpy(copy, s, len + 1);
  return copy;
}

static struct budget_limits limits_of(const struct reload_options *o) {
  return state_script_budget(o->budget_ms > 0 ? o->budget_ms : 5000,
                             o->budget_bytes ? o->budget_bytes : BUDGET_SCRIPT_MEMORY);
}

/* The self-test of gen: the state a worker would build (state_build), then lua/selftest.lua
 * and the catalog, each under the same budget. */
static int selftest_generation(const struct reload_options *o, struct generation *gen,
                               const struct watcher_changes *changes, char *err, size_t errlen, char **hello,
                               char **types, char **themes) {
  struct budget_limits limits = limits_of(o);
  lua_State *L = state_build(gen, o->cfg, &limits, "the self-test", err, errlen);
  int result = -1;
  if (L != NULL) {
    if (luaL_loadbufferx(L, SELFTEST_CHUNK, sizeof SELFTEST_CHUNK - 1, "=selftest", "t") != LUA_OK) {
      snprintf(err, errlen, "%s", lua_tostring(L, -1));
    } else {
      int nargs = 0;
      if (changes != NULL) { /* the changed paths: only what they touch renders again */
        lua_createtable(L, changes->count, 0);
        for (int i = 0; i < changes->count; i++) {
          lua_pushstring(L, changes->paths[i]);
          lua_rawseti(L, -2, i + 1);
        }
        nargs = 1;
      }
      /* the samples' renders ran chart code too: none of it may have changed what all share */
      if (state_run(L, nargs, 4, &limits, "the self-test", err, errlen) == 0 &&
          sandbox_check_shared(L, err, errlen) == 0) {
        result = 0;
        if (hello) *hello = dup_string(L, -3);
        if (types) *types = dup_string(L, -2);
        if (themes) *themes = dup_string(L, -1);
      }
    }
    budget_close(L);
  }
  if (result != 0) {
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/", o->home);
    replace_all(err, prefix);
  }
  return result;
}

int reload_selftest(const struct reload_options *o, char *err, size_t errlen, char **hello, char **types,
                    char **themes) {
  return reload_selftest_changed(o, NULL, err, errlen, hello, types, themes);
}

int reload_selftest_changed(const struct reload_options *o, const struct watcher_changes *changes, char *err,
                            size_t errlen, char **hello, char **types, char **themes) {
  struct generation *gen = generation_read(o->home, generation_current_number() + 1, err, errlen);
  if (gen == NULL) return -1;
  int rc = selftest_generation(o, gen, changes, err, errlen, hello, types, themes);
  generation_release(gen);
  return rc;
}

/* ---- the coordinator thread ---- */

/* changed paths → a JSON array of strings (paths are file names: escaped anyway). */
static char *changed_json(const struct watcher_changes *c) {
  size_t cap = 3;
  for (int i = 0; i < c->count; i++) cap += strlen(c->paths[i]) * 6 + 3;
  char *out = malloc(cap);
  if (out == NULL) return NULL;
  size_t n = 0;
  out[n++] = '[';
  for (int i = 0; i < c->count; i++) {
    if (i) out[n++] = ',';
    out[n++] = '"';
    n += log_json_escape(out + n, cap - n, c->paths[i], strlen(c->paths[i]));
    out[n++] = '"';
  }
  out[n++] = ']';
  out[n] = '\0';
  return out;
}

static bool any_missing(const struct watcher_changes *c) {
  for (int i = 0; i < c->count; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", g.home, c->paths[i]);
    if (access(path, F_OK) != 0) return true;
  }
  return false;
}

static void attempt(const char *trigger, const struct watcher_changes *changes) {
  char err[2048] = "";
  char *hello = NULL, *types = NULL, *themes = NULL;
  double t0 = now_ms();
  /* Incremental only from a good generation and a plain batch of saves; after a failure,
   * a signal or a queue overflow, everything is checked again. */
  bool incremental = !g.last_failed && changes->count > 0 && !changes->overflowed && strcmp(trigger, "watch") == 0;
  /* A deleted file is often recreated a moment later (editors that save by delete + write):
   * when the batch has one, a little wait lets that save join the next batch instead. */
  if (g.watcher && strcmp(trigger, "watch") == 0 && any_missing(changes)) {
    struct timespec settle = {0, 50 * 1000 * 1000};
    nanosleep(&settle, NULL);
    if (watcher_read(g.watcher) > 0 || watcher_due_ms(g.watcher) >= 0) {
      g.last_failed = true;
      log_writef(LOG_DEBUG, "reload_superseded", "\"changed\":%d", changes->count);
      return;
    }
  }
  /* The generation is read once, here; the self-test and every worker build from its bytes. */
  struct generation *gen = generation_read(g.o.home, generation_current_number() + 1, err, sizeof err);
  int rc = gen ? selftest_generation(&g.o, gen, incremental ? changes : NULL, err, sizeof err, &hello, &types, &themes)
               : -1;
  /* A failure while the files are still being saved (a save comes in several writes, and a
   * burst of saves is taken at least once a second) may be a half-written file: the next
   * batch, already waiting, decides, and checks everything. */
  if (rc != 0 && g.watcher && strcmp(trigger, "watch") == 0 &&
      (watcher_read(g.watcher) > 0 || watcher_due_ms(g.watcher) >= 0)) {
    generation_release(gen);
    g.last_failed = true;
    log_writef(LOG_DEBUG, "reload_superseded", "\"changed\":%d", changes->count);
    free(hello);
    free(types);
    free(themes);
    return;
  }
  g.last_failed = rc != 0;
  double ms = now_ms() - t0;
  char *changed = changed_json(changes);
  struct reload_result r = {.ok = rc == 0, .error = rc == 0 ? NULL : err, .changed_json = changed ? changed : "[]",
                            .trigger = trigger, .duration_ms = ms, .hello_json = hello, .chart_types_json = types,
                            .themes_json = themes};
  if (rc == 0) {
    r.generation = generation_number(gen);
    generation_publish(gen); /* workers build from it before their next request */
  } else {
    r.generation = generation_current_number();
    generation_release(gen);
  }
  char esc[2200];
  if (rc == 0)
    log_writef(LOG_INFO, "reload", "\"ok\":true,\"generation\":%u,\"trigger\":\"%s\",\"changed\":%s,\"ms\":%.1f",
          r.generation, trigger, r.changed_json, ms);
  else
    log_writef(LOG_ERROR, "reload", "\"ok\":false,\"generation\":%u,\"trigger\":\"%s\",\"changed\":%s,\"ms\":%.1f,"
          "\"error\":\"%s\"", r.generation, trigger, r.changed_json, ms, (log_json_escape(esc, sizeof esc, err,
          strlen(err)), esc));
  if (g.o.on_result) g.o.on_result(g.o.ud, &r);
  free(changed);
  free(hello);
  free(types);
  free(themes);
}

static void *reload_main(void *arg) {
  (void)arg;
  while (!atomic_load(&g.stop)) {
    struct pollfd pfd[2] = {{.fd = g.efd, .events = POLLIN}, {.fd = g.watcher ? watcher_fd(g.watcher) : -1,
                                                               .events = POLLIN}};
    int due = g.watcher ? watcher_due_ms(g.watcher) : -1;
    int rc = poll(pfd, 2, due);
    if (rc < 0 && errno != EINTR) break;
    if (atomic_load(&g.stop)) break;
    if (rc > 0 && (pfd[0].revents & POLLIN)) {
      uint64_t v;
      if (read(g.efd, &v, sizeof v) == sizeof v) {
        struct watcher_changes none = {0};
        attempt("signal", &none);
      }
    }
    if (g.watcher) {
      if (rc > 0 && (pfd[1].revents & POLLIN) && watcher_read(g.watcher) < 0) {
        log_writef(LOG_ERROR, "reload_watch_failed", "\"error\":\"cannot read inotify events\"");
        watcher_close(g.watcher);
        g.watcher = NULL;
        continue;
      }
      struct watcher_changes c;
      if (watcher_take(g.watcher, &c)) {
        if (c.count > 0) attempt("watch", &c);
        watcher_changes_free(&c);
      }
    }
  }
  return NULL;
}

int reload_start(const struct reload_options *o, char *err, size_t errlen) {
  g.o = *o;
  snprintf(g.home, sizeof g.home, "%s", o->home);
  g.o.home = g.home;
  if (generation_current_number() == 0) { /* the server publishes generation 1 before its workers start */
    struct generation *first = generation_read(g.home, 1, err, errlen);
    if (first == NULL) return -1;
    generation_publish(first);
  }
  if (g.o.debounce_ms <= 0) g.o.debounce_ms = 100;
  atomic_store(&g.stop, false);
  g.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (g.efd < 0) {
    snprintf(err, errlen, "eventfd: %s", strerror(errno));
    return -1;
  }
  if (o->watch) {
    static const char *const DIRS[] = {"lua", "prompts", "themes", NULL};
    char werr[512];
    /* A long burst still reloads at least once a second. */
    g.watcher = watcher_open(g.home, DIRS, g.o.debounce_ms, 1000, werr, sizeof werr);
    char esc[600];
    if (g.watcher == NULL)
      log_writef(LOG_WARN, "reload_watch_failed", "\"error\":\"%s\"",
            (log_json_escape(esc, sizeof esc, werr, strlen(werr)), esc));
    else {
      struct watcher_stats st;
      watcher_stats(g.watcher, &st);
      log_writef(LOG_INFO, "reload_watching", "\"folders\":%d,\"files\":%d,\"debounce_ms\":%d", st.watches, st.files,
            g.o.debounce_ms);
    }
  }
  if (pthread_create(&g.thread, NULL, reload_main, NULL) != 0) {
    snprintf(err, errlen, "cannot start the reload thread");
    watcher_close(g.watcher);
    g.watcher = NULL;
    close(g.efd);
    g.efd = -1;
    return -1;
  }
  g.started = true;
  return 0;
}

void reload_stop(void) {
  if (!g.started) return;
  atomic_store(&g.stop, true);
  reload_request(); /* wakes the poll */
  pthread_join(g.thread, NULL);
  g.started = false;
  watcher_close(g.watcher);
  g.watcher = NULL;
  int fd = g.efd;
  g.efd = -1;
  close(fd);
}
