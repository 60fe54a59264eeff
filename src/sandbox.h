/* The sandbox of every state that runs scripts on behalf of the server: what scripts may reach, and files from a generation. */
#ifndef CHARTD_SANDBOX_H
#define CHARTD_SANDBOX_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct generation;

/* Applies the sandbox to a fresh state (runtime_new_state) before any script runs; the state
 * keeps a reference to gen until it is closed.
 * - Files: `require` loads package.preload and the generation's lua/ only (text chunks);
 *   io.open, chartd.fs.list and package.searchpath answer paths under lua/, prompts/,
 *   themes/ from the generation's bytes, never from disk; io.open reads (only) other files
 *   under home, or under data_dir (CHARTD_DATA_DIR, Vega-Lite's data.url; "" for none), from
 *   disk.
 * - Gone: os except time/date/clock/difftime, io except open, debug, dofile, loadfile,
 *   string.dump, package.loadlib; load() takes text only; setmetatable refuses __gc
 *   (finalizers run with hooks off: a loop in one could never be stopped).
 * - Shared metatables (strings, file handles, every chartd userdata) are protected: a
 *   script cannot read or replace them (getmetatable gives "protected"); the globals and the
 *   standard library tables they share are checked (sandbox_check_shared).
 * - Stops reach everything: coroutines a script creates carry a sparse hook that yields
 *   them when the host stops a coroutine up their resumer chain; string.find/match/gmatch/
 *   gsub are chartd.pattern's, which stop mid-match.
 * Returns 0, or -1 with a message in err. */
int sandbox_apply(lua_State *L, struct generation *gen, const char *data_dir, char *err, size_t errlen);

/* 0 when every global and standard library entry (string.upper, tostring, ...) is still what
 * the sandbox left; else -1 with err naming the first one a script replaced or removed. */
int sandbox_check_shared(lua_State *L, char *err, size_t errlen);

/* True when the host asked L to stop: L, or a coroutine up its resumer chain, carries
 * budget_stop_hook. Safe on the running thread while the watchdog sets hooks. */
bool sandbox_stop_requested(lua_State *L);

#endif
