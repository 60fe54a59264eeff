/* Lua states for the CLI and the workers: standard libraries, chartd bindings, scripts under CHARTD_HOME. */
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

/* ---- worker hardening (src/workers.c) ---- */

/* Removes what scripts must not reach, after start-up: `require` loads only package.preload and
 * text files under <home>/lua; io is a read-only io.open of files under home or data_dir
 * (CHARTD_DATA_DIR, "" for none); os keeps time,
 * date, clock, difftime; no debug, dofile, loadfile, string.dump, package.loadlib; load()
 * accepts text only; coroutines a script creates can be stopped by the host's stop hook;
 * string.find/match/gmatch/gsub are chartd.pattern's, which stop mid-match when asked to.
 * Returns 0, or -1 with a message in err. */
int runtime_sandbox(lua_State *L, const char *home, const char *data_dir, char *err, size_t errlen);

/* True when the host asked L to stop: L or a coroutine that (transitively) resumed it carries
 * a hook other than the sandbox's own (the watchdog's or the memory cap's stop hook). Safe to
 * call on the worker thread while the watchdog sets hooks; chartd.pattern polls it mid-match. */
bool runtime_stop_requested(lua_State *L);

/* Counts L's memory and caps it at limit bytes while armed (0 on success, -1 out of memory).
 * Close such a state with runtime_close. */
int runtime_memory_cap(lua_State *L, size_t limit);

/* Arms the cap while co runs (co = NULL disarms: the host itself is never refused memory).
 * On the first refused allocation, stop_hook is set on co as a count hook, so a script's
 * pcall cannot swallow the failure; runtime_memory_refused then says so until the next arm. */
void runtime_memory_arm(lua_State *L, lua_State *co, lua_Hook stop_hook);
bool runtime_memory_refused(lua_State *L);
size_t runtime_memory_used(lua_State *L);

/* lua_close plus the memory cap's bookkeeping. */
void runtime_close(lua_State *L);

#endif
