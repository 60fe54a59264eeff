/* The hot-reload coordinator: on a file change or SIGHUP, self-test the scripts in a fresh state, then advance the generation.
 *
 * Threads: one coordinator thread owns the watcher and every self-test state; it waits in
 * poll(2) on the watcher's inotify fd and on an eventfd (SIGHUP, stop). Nothing here runs
 * on the lws service thread or on a worker. The generation is an atomic read by anyone:
 * workers compare it with the generation of their state before each new request.
 *
 * Safety: the fresh state runs lua/selftest.lua as a coroutine under a count hook with a
 * deadline (a yield from the hook cannot be swallowed by the script's pcall; STACK-NOTES
 * "Lua limits") and a capped allocator (a table bomb becomes LUA_ERRMEM). The cap is lifted
 * before any host code touches the state again, so the host never fails an allocation
 * outside a protected call. Only when everything passed does the generation advance. */
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

#include "log.h"
#include "runtime.h"
#include "watcher.h"

static struct {
  struct reload_options o;
  char home[4096];
  pthread_t thread;
  bool started;
  atomic_bool stop;
  atomic_uint generation;
  int efd; /* eventfd: SIGHUP and stop */
  struct watcher *watcher;
  bool last_failed; /* the last attempt failed: the next one re-checks everything */
} g = {.generation = 1, .efd = -1};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

unsigned reload_generation(void) { return atomic_load(&g.generation); }

void reload_request(void) {
  if (g.efd >= 0) {
    uint64_t one = 1;
    ssize_t n = write(g.efd, &one, sizeof one); /* async-signal-safe */
    (void)n;
  }
}

/* ---- budgets ---- */

struct budget {
  lua_Alloc inner;
  void *inner_ud;
  size_t used, limit;
  double deadline_ms;
  bool timed_out;
};

/* Only growth can fail: Lua must never see a failed shrink (STACK-NOTES). */
static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct budget *b = ud;
  size_t old = ptr ? osize : 0;
  if (nsize > old && b->used - old + nsize > b->limit) return NULL;
  void *p = b->inner(b->inner_ud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) b->used = b->used - old + nsize;
  return p;
}

static struct budget *budget_of(lua_State *L) {
  struct budget **slot = lua_getextraspace(L);
  return *slot;
}

static void deadline_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  struct budget *b = budget_of(L);
  if (b == NULL || now_ms() < b->deadline_ms) return;
  b->timed_out = true;
  /* Inside a hook lua_yield returns, and the yield happens once the hook returns: falling
   * through to an error would hand a script's pcall something it can swallow. */
  if (lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "the self-test ran past its time budget");
}

/* Arms deadline_hook only once the deadline has passed: a count hook present from the
 * start slows every Lua instruction of the self-test (measured: the self-test took 1.5x
 * as long), and it sits on the save-to-active path. lua_sethook is the one Lua call made
 * to be safe from another thread. */
struct alarm {
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool done;
  lua_State *co;
  struct timespec at; /* CLOCK_MONOTONIC */
};

static void *alarm_main(void *arg) {
  struct alarm *a = arg;
  pthread_mutex_lock(&a->mu);
  int rc = 0;
  while (!a->done && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&a->cond, &a->mu, &a->at);
  if (!a->done) lua_sethook(a->co, deadline_hook, LUA_MASKCOUNT, 1);
  pthread_mutex_unlock(&a->mu);
  return NULL;
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

int reload_selftest(const struct reload_options *o, char *err, size_t errlen, char **hello, char **types,
                    char **themes) {
  return reload_selftest_changed(o, NULL, err, errlen, hello, types, themes);
}

int reload_selftest_changed(const struct reload_options *o, const struct watcher_changes *changes, char *err,
                            size_t errlen, char **hello, char **types, char **themes) {
  lua_State *L = runtime_new_state(o->home, err, errlen);
  if (L == NULL) return -1;
  /* Lua's default GC pace, whatever runtime.c chose: a pause of 100 made the sample renders
   * ~30x slower (860 ms against 25 ms, measured), and this is on the save-to-active path. */
  lua_gc(L, LUA_GCINC, 200, 100, 0);
  if (o->prepare) o->prepare(L);
  struct budget b = {.limit = o->budget_bytes ? o->budget_bytes : (size_t)256 << 20,
                     .deadline_ms = now_ms() + (o->budget_ms > 0 ? o->budget_ms : 5000)};
  b.inner = lua_getallocf(L, &b.inner_ud);
  b.used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  b.limit += b.used;

  /* The hook finds the budget in the extra space; threads the scripts create copy the main
   * thread's, so both carry it. */
  *(struct budget **)lua_getextraspace(L) = &b;
  lua_State *co = lua_newthread(L); /* stays on L's stack: not collected */
  *(struct budget **)lua_getextraspace(co) = &b;
  int rc = luaL_loadbufferx(co, SELFTEST_CHUNK, sizeof SELFTEST_CHUNK - 1, "=selftest", "t");
  int nres = 0, nargs = 0;
  if (rc == LUA_OK && changes != NULL) { /* the changed paths: only what they touch renders again */
    lua_createtable(co, changes->count, 0);
    for (int i = 0; i < changes->count; i++) {
      lua_pushstring(co, changes->paths[i]);
      lua_rawseti(co, -2, i + 1);
    }
    nargs = 1;
  }
  if (rc == LUA_OK) {
    int budget_ms = o->budget_ms > 0 ? o->budget_ms : 5000;
    struct alarm a = {.co = co};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&a.cond, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&a.mu, NULL);
    clock_gettime(CLOCK_MONOTONIC, &a.at);
    a.at.tv_sec += budget_ms / 1000;
    a.at.tv_nsec += (long)(budget_ms % 1000) * 1000000L;
    if (a.at.tv_nsec >= 1000000000L) a.at.tv_sec++, a.at.tv_nsec -= 1000000000L;
    pthread_t alarm_thread;
    bool armed = pthread_create(&alarm_thread, NULL, alarm_main, &a) == 0;
    if (!armed) lua_sethook(co, deadline_hook, LUA_MASKCOUNT, 1000); /* no thread: check all along */
    lua_setallocf(L, budget_alloc, &b);
    rc = lua_resume(co, L, nargs, &nres);
    if (armed) {
      pthread_mutex_lock(&a.mu);
      a.done = true;
      pthread_cond_signal(&a.cond);
      pthread_mutex_unlock(&a.mu);
      pthread_join(alarm_thread, NULL);
    }
    lua_sethook(co, NULL, 0, 0);
    lua_setallocf(L, b.inner, b.inner_ud); /* no cap from here: host code must not fail */
    pthread_cond_destroy(&a.cond);
    pthread_mutex_destroy(&a.mu);
  }
  *(struct budget **)lua_getextraspace(L) = NULL;
  int result = -1;
  if (b.timed_out) {
    snprintf(err, errlen, "the self-test ran past its time budget (%d ms)", o->budget_ms > 0 ? o->budget_ms : 5000);
  } else if (rc == LUA_ERRMEM) {
    snprintf(err, errlen, "the self-test ran out of its memory budget (%zu MiB)",
             (o->budget_bytes ? o->budget_bytes : (size_t)256 << 20) >> 20);
  } else if (rc == LUA_YIELD) {
    snprintf(err, errlen, "the self-test yielded; it must run straight through");
  } else if (rc != LUA_OK) {
    const char *msg = lua_tostring(co, -1);
    snprintf(err, errlen, "%s", msg ? msg : "the self-test raised a non-string error");
  } else {
    result = 0;
    if (hello) *hello = dup_string(co, -3);
    if (types) *types = dup_string(co, -2);
    if (themes) *themes = dup_string(co, -1);
  }
  if (result != 0) {
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/", o->home);
    replace_all(err, prefix);
  }
  lua_close(L);
  return result;
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

static void attempt(const char *trigger, const struct watcher_changes *changes) {
  char err[2048] = "";
  char *hello = NULL, *types = NULL, *themes = NULL;
  double t0 = now_ms();
  /* Incremental only from a good generation and a plain batch of saves; after a failure,
   * a signal or a queue overflow, everything is checked again. */
  bool incremental = !g.last_failed && changes->count > 0 && !changes->overflowed && strcmp(trigger, "watch") == 0;
  int rc = reload_selftest_changed(&g.o, incremental ? changes : NULL, err, sizeof err, &hello, &types, &themes);
  g.last_failed = rc != 0;
  double ms = now_ms() - t0;
  char *changed = changed_json(changes);
  struct reload_result r = {.ok = rc == 0, .error = rc == 0 ? NULL : err, .changed_json = changed ? changed : "[]",
                            .trigger = trigger, .duration_ms = ms, .hello_json = hello, .chart_types_json = types,
                            .themes_json = themes};
  if (rc == 0) r.generation = atomic_fetch_add(&g.generation, 1) + 1;
  else r.generation = atomic_load(&g.generation);
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
