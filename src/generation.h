/* A generation of the scripts: the bytes of every file under lua/, prompts/, themes/, read once, immutable.
 *
 * The reload thread reads a generation from disk; the self-test and every worker build their
 * Lua states from those exact bytes (src/state.c), never from disk again, so what a worker
 * runs is always what passed the self-test, whatever was saved since.
 *
 * Threads: a generation is immutable once read, so any thread may read it; the reference
 * count is atomic. The serving generation (generation_publish / generation_current) is
 * guarded by a lock. */
#ifndef CHARTD_GENERATION_H
#define CHARTD_GENERATION_H

#include <stdbool.h>
#include <stddef.h>

struct generation;

/* The folders a generation holds, relative to home. */
extern const char *const GENERATION_DIRS[];

/* Reads every file under home's lua/, prompts/, themes/ (the names the watcher ignores —
 * dotfiles, editor swap files — left out; a symlink only when it stays inside home).
 * Returns a generation with one reference, or NULL with err (a file over 4 MiB, more than
 * 64 MiB in all, a folder that cannot be read). */
struct generation *generation_read(const char *home, unsigned number, char *err, size_t errlen);

void generation_retain(struct generation *gen);
void generation_release(struct generation *gen); /* NULL is fine */

unsigned generation_number(const struct generation *gen);
const char *generation_home(const struct generation *gen);
size_t generation_bytes(const struct generation *gen);
/* 64 hex digits of SHA-256 over every file's name and bytes: equal for equal scripts, in any
 * process (the render cache's keys carry it, so a changed script never serves an old image). */
const char *generation_digest(const struct generation *gen);

/* True when rel ("lua/x.lua", "themes") lies in one of GENERATION_DIRS: such paths are
 * answered from the generation only, present or not. */
bool generation_covers(const char *rel);

/* The bytes of rel ("lua/charts/bar.lua"), or NULL when the generation has no such file. */
const char *generation_file(const struct generation *gen, const char *rel, size_t *len);

/* Calls fn once for each entry directly under the folder rel ("themes", "lua/charts"), in
 * sorted order: files and sub-folders alike. Returns the number of entries, or -1 when
 * there is no such folder. */
int generation_list(const struct generation *gen, const char *rel, void (*fn)(void *ud, const char *name),
                    void *ud);

/* The generation new work starts on. publish takes over the caller's reference; current
 * returns a new one (release it), or NULL before the first publish. */
void generation_publish(struct generation *gen);
struct generation *generation_current(void);
unsigned generation_current_number(void); /* 0 before the first publish */

#endif
