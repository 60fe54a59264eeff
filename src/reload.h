/* The hot-reload coordinator: on a file change or SIGHUP, self-test the scripts in a fresh state, then advance the generation.
 *
 * Threads: reload_start/reload_stop from the main (server) thread; the coordinator runs on
 * its own thread and calls on_result there; reload_request is async-signal-safe;
 * reload_generation may be read by any thread. Never runs on the lws service thread. */
#ifndef CHARTD_RELOAD_H
#define CHARTD_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

/* What one reload attempt produced. All pointers are valid only during on_result. */
struct reload_result {
  unsigned generation;      /* the generation now serving (unchanged when !ok) */
  bool ok;
  const char *error;        /* when !ok: "lua/charts/bar.lua:42: ..." (paths relative to home) */
  const char *changed_json; /* JSON array of the changed paths, e.g. ["lua/charts/bar.lua"] */
  const char *trigger;      /* "watch" or "signal" */
  double duration_ms;       /* state build + self-test */
  /* when ok: the new generation's catalog (service.catalog): hello message, chart types, themes */
  const char *hello_json, *chart_types_json, *themes_json;
};

struct chartd_config;

struct reload_options {
  const char *home;      /* CHARTD_HOME: lua/, prompts/, themes/ */
  bool watch;            /* inotify on those folders; SIGHUP reloads either way */
  int debounce_ms;       /* quiet time before a batch of changes is handled (100) */
  int budget_ms;         /* time budget of the state build and of the self-test (5000) */
  size_t budget_bytes;   /* memory budget for the Lua heap (BUDGET_SCRIPT_MEMORY) */
  const struct chartd_config *cfg; /* published to the scripts as chartd.config; may be NULL */
  /* Called on the reload thread after every attempt; must not block for long. */
  void (*on_result)(void *ud, const struct reload_result *r);
  void *ud;
};

/* Starts the coordinator thread (and the watcher when o->watch). The generation starts at 1.
 * Returns 0, or -1 with err. A watcher that cannot start is logged and SIGHUP still works. */
int reload_start(const struct reload_options *o, char *err, size_t errlen);

/* Asks for a reload of everything (SIGHUP). Async-signal-safe: one write(2) to an eventfd. */
void reload_request(void);

/* The generation in use for new requests (src/generation.c); advances only after a
 * self-test passed. reload_start publishes generation 1 when nobody did. */
unsigned reload_generation(void);

/* Stops and joins the thread, closes the watcher. */
void reload_stop(void);

/* One self-test, synchronously, on the calling thread (any thread but the service thread):
 * the scripts on disk read into a generation, the state a worker builds from it, then
 * require("selftest").run() and service.catalog() under the budget (`chartd check`
 * runs exactly this). Returns 0 (catalog strings malloc'ed into *hello/ *types/ *themes,
 * which may be NULL to skip), or -1 with the cleaned error in err. */
int reload_selftest(const struct reload_options *o, char *err, size_t errlen, char **hello, char **types,
                    char **themes);

/* The same, re-rendering only the samples of chart types whose modules (transitively)
 * include one of the changed paths (lua/selftest.lua decides; anything it cannot vouch for
 * renders all). changes == NULL checks everything. */
struct watcher_changes;
int reload_selftest_changed(const struct reload_options *o, const struct watcher_changes *changes, char *err,
                            size_t errlen, char **hello, char **types, char **themes);

#endif
