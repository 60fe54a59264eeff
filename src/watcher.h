/* The file watcher for hot reload: inotify on lua/, prompts/, themes/ (recursively), debounced, content-hashed.
 *
 * Threads: a watcher belongs to one thread (the reload thread); no function here is
 * thread-safe except watcher_fd(), whose result may be polled anywhere. Pure C: no Lua. */
#ifndef CHARTD_WATCHER_H
#define CHARTD_WATCHER_H

#include <stddef.h>

struct watcher;

/* What a batch of changes looks like: paths relative to home ("lua/charts/bar.lua"), sorted,
 * each a file whose content hash differs from the last batch (created, changed or deleted). */
struct watcher_changes {
  char **paths;
  int count;
  int overflowed; /* the kernel queue overflowed: the batch came from a full rescan */
};

/* Watches home/<dir> for each dir (NULL-terminated; missing folders are skipped) and every
 * folder below, and hashes every file found. debounce_ms: a batch is handed out once no
 * event came for that long (or max_hold_ms after its first event, whichever comes first).
 * Returns NULL with err on failure (no inotify, no watchable folder). */
struct watcher *watcher_open(const char *home, const char *const *dirs, int debounce_ms, int max_hold_ms, char *err,
                             size_t errlen);

/* The inotify descriptor: readable when events are waiting. */
int watcher_fd(const struct watcher *w);

/* Reads every waiting event without blocking; remembers the candidate paths. Returns how
 * many relevant events it saw (ignored names are not counted), -1 on a read error. */
int watcher_read(struct watcher *w);

/* Milliseconds until the pending batch is due (0 = now), or -1 when nothing is pending. */
int watcher_due_ms(const struct watcher *w);

/* When the batch is due: hashes the candidates and fills out with the ones whose content
 * really changed (out->count may be 0: a `touch`, a temporary file already gone). Returns 1
 * when a batch was taken (even an empty one), 0 when none was due. Free with
 * watcher_changes_free. */
int watcher_take(struct watcher *w, struct watcher_changes *out);

/* Convenience for a thread with nothing else to wait for: polls, reads and takes until a
 * non-empty batch comes or timeout_ms passes. Returns 1 with a batch, 0 on timeout, -1 on error. */
int watcher_wait(struct watcher *w, int timeout_ms, struct watcher_changes *out);

void watcher_changes_free(struct watcher_changes *c);

/* True for names an editor or a tool writes next to the real file: dotfiles (.#lock, .x.swp),
 * vim's .swp, .swo and .swx files and its 4913 probe, backups ending in ~. */
int watcher_ignored_name(const char *name);

/* Counters for tests and logs. */
struct watcher_stats {
  unsigned long events;    /* relevant inotify events read */
  unsigned long batches;   /* batches taken */
  unsigned long skipped;   /* candidates whose hash had not changed */
  unsigned long overflows; /* IN_Q_OVERFLOW seen */
  int watches;             /* folders watched now */
  int files;               /* files hashed now */
};
void watcher_stats(const struct watcher *w, struct watcher_stats *out);

void watcher_close(struct watcher *w);

#endif
