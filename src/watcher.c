/* The file watcher for hot reload: inotify on lua/, prompts/, themes/ (recursively), debounced, content-hashed.
 *
 * Directories are watched, never files: an editor's write-temp-and-rename replaces the inode
 * and would drop a file watch (docs/STACK.md, "Hot reload"). Events only name candidates; what
 * counts is the content: each batch hashes its candidates and hands out the ones whose hash
 * differs from the last one seen (a missing file hashes as "absent"). So a `touch`, a save
 * with identical bytes and a tool's temporary file (sed -i's sedXXXXXX, gone by then) cost
 * nothing downstream. IN_Q_OVERFLOW loses events: the next batch rescans everything.
 *
 * Threads: one owner thread (the reload thread); see watcher.h. */
#define _GNU_SOURCE
#include "watcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ONLYDIR)
#define MAX_DEPTH 16

struct watch {
  int wd;
  char *rel; /* "lua/charts" */
};

struct file {
  char *rel;
  uint64_t hash;
};

struct watcher {
  int fd;
  char *home;
  char **roots; /* the top folders asked for, relative */
  int nroots;
  int debounce_ms, max_hold_ms;
  struct watch *watches;
  int nwatches, capwatches;
  struct file *files;
  int nfiles, capfiles;
  char **pending;
  int npending, cappending;
  double first_ms, last_ms; /* of the pending batch; first_ms < 0: none */
  int overflow;
  struct watcher_stats stats;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 2);
  if (s == NULL) return NULL;
  memcpy(s, a, la);
  s[la] = '/';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int watcher_ignored_name(const char *name) {
  if (name == NULL || name[0] == '\0' || name[0] == '.') return 1; /* dotfiles, .#emacs-locks, .x.swp */
  if (ends_with(name, "~")) return 1;                               /* backups */
  if (ends_with(name, ".swp") || ends_with(name, ".swo") || ends_with(name, ".swx")) return 1;
  if (strcmp(name, "4913") == 0) return 1; /* vim's "can I write here" probe */
  return 0;
}

/* FNV-1a over the bytes; 0 is reserved for "absent". */
static uint64_t hash_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return 0;
  }
  uint64_t h = 1469598103934665603ULL;
  unsigned char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) {
      h ^= buf[i];
      h *= 1099511628211ULL;
    }
  }
  close(fd);
  return h == 0 ? 1 : h;
}

static struct file *file_find(struct watcher *w, const char *rel) {
  for (int i = 0; i < w->nfiles; i++)
    if (strcmp(w->files[i].rel, rel) == 0) return &w->files[i];
  return NULL;
}

static int file_set(struct watcher *w, const char *rel, uint64_t hash) {
  struct file *f = file_find(w, rel);
  if (f) {
    f->hash = hash;
    return 0;
  }
  if (w->nfiles == w->capfiles) {
    int cap = w->capfiles ? w->capfiles * 2 : 64;
    struct file *grown = realloc(w->files, (size_t)cap * sizeof *grown);
    if (grown == NULL) return -1;
    w->files = grown;
    w->capfiles = cap;
  }
  char *copy = strdup(rel);
  if (copy == NULL) return -1;
  w->files[w->nfiles++] = (struct file){copy, hash};
  return 0;
}

static void file_remove(struct watcher *w, struct file *f) {
  free(f->rel);
  *f = w->files[--w->nfiles];
}

static void pending_add(struct watcher *w, const char *rel) {
  for (int i = 0; i < w->npending; i++)
    if (strcmp(w->pending[i], rel) == 0) goto stamp;
  if (w->npending == w->cappending) {
    int cap = w->cappending ? w->cappending * 2 : 32;
    char **grown = realloc(w->pending, (size_t)cap * sizeof *grown);
    if (grown == NULL) return;
    w->pending = grown;
    w->cappending = cap;
  }
  char *copy = strdup(rel);
  if (copy == NULL) return;
  w->pending[w->npending++] = copy;
stamp:;
  double t = now_ms();
  if (w->first_ms < 0) w->first_ms = t;
  w->last_ms = t;
}

static struct watch *watch_by_wd(struct watcher *w, int wd) {
  for (int i = 0; i < w->nwatches; i++)
    if (w->watches[i].wd == wd) return &w->watches[i];
  return NULL;
}

static int watch_add(struct watcher *w, const char *rel) {
  char *abs = join(w->home, rel);
  if (abs == NULL) return -1;
  int wd = inotify_add_watch(w->fd, abs, WATCH_MASK);
  free(abs);
  if (wd < 0) return -1;
  struct watch *known = watch_by_wd(w, wd);
  if (known) { /* the same folder again (rescan), or a new folder on a recycled wd */
    if (strcmp(known->rel, rel) != 0) {
      char *copy = strdup(rel);
      if (copy == NULL) return -1;
      free(known->rel);
      known->rel = copy;
    }
    return 0;
  }
  if (w->nwatches == w->capwatches) {
    int cap = w->capwatches ? w->capwatches * 2 : 16;
    struct watch *grown = realloc(w->watches, (size_t)cap * sizeof *grown);
    if (grown == NULL) return -1;
    w->watches = grown;
    w->capwatches = cap;
  }
  char *copy = strdup(rel);
  if (copy == NULL) return -1;
  w->watches[w->nwatches++] = (struct watch){wd, copy};
  return 0;
}

/* Watches rel and every folder below. mode 0: hash the files found (start-up); mode 1: make
 * them candidates (a folder that appeared: its files may predate the watch). */
static void scan(struct watcher *w, const char *rel, int mode, int depth) {
  if (depth > MAX_DEPTH || watch_add(w, rel) != 0) return;
  char *abs = join(w->home, rel);
  if (abs == NULL) return;
  DIR *d = opendir(abs);
  if (d == NULL) {
    free(abs);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (watcher_ignored_name(e->d_name)) continue; /* also . and .. */
    char *child = join(rel, e->d_name);
    char *child_abs = join(abs, e->d_name);
    struct stat st;
    if (child && child_abs && stat(child_abs, &st) == 0) {
      if (S_ISDIR(st.st_mode)) scan(w, child, mode, depth + 1);
      else if (S_ISREG(st.st_mode) && mode == 0) file_set(w, child, hash_file(child_abs));
      else if (S_ISREG(st.st_mode)) pending_add(w, child);
    }
    free(child);
    free(child_abs);
  }
  closedir(d);
  free(abs);
}

struct watcher *watcher_open(const char *home, const char *const *dirs, int debounce_ms, int max_hold_ms, char *err,
                             size_t errlen) {
  struct watcher *w = calloc(1, sizeof *w);
  if (w == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->first_ms = -1;
  w->debounce_ms = debounce_ms;
  w->max_hold_ms = max_hold_ms > debounce_ms ? max_hold_ms : debounce_ms;
  w->home = strdup(home);
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0 || w->home == NULL) {
    snprintf(err, errlen, "inotify_init1: %s", strerror(errno));
    watcher_close(w);
    return NULL;
  }
  for (const char *const *d = dirs; *d; d++) {
    char **grown = realloc(w->roots, (size_t)(w->nroots + 1) * sizeof *grown);
    if (grown == NULL) break;
    w->roots = grown;
    w->roots[w->nroots++] = strdup(*d);
    scan(w, *d, 0, 0);
  }
  if (w->nwatches == 0) {
    snprintf(err, errlen, "nothing to watch under %s (no lua/, prompts/ or themes/)", home);
    watcher_close(w);
    return NULL;
  }
  return w;
}

int watcher_fd(const struct watcher *w) { return w->fd; }

/* A folder went away or moved out: every file known below it is a candidate (now absent). */
static void folder_gone(struct watcher *w, const char *rel) {
  size_t n = strlen(rel);
  for (int i = 0; i < w->nfiles; i++)
    if (strncmp(w->files[i].rel, rel, n) == 0 && w->files[i].rel[n] == '/') pending_add(w, w->files[i].rel);
}

int watcher_read(struct watcher *w) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  int seen = 0;
  for (;;) {
    ssize_t len = read(w->fd, buf, sizeof buf);
    if (len < 0 && errno == EINTR) continue;
    if (len < 0 && errno == EAGAIN) return seen;
    if (len <= 0) return -1;
    int before = seen;
    for (char *p = buf; p < buf + len;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      p += sizeof *ev + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        w->overflow = 1;
        w->stats.overflows++;
        pending_add(w, ""); /* starts the debounce clock; "" is dropped at take */
        seen++;
        continue;
      }
      struct watch *wt = watch_by_wd(w, ev->wd);
      if (ev->mask & IN_IGNORED) { /* the folder is gone: forget its watch */
        if (wt) {
          free(wt->rel);
          *wt = w->watches[--w->nwatches];
        }
        continue;
      }
      if (wt == NULL || ev->len == 0 || watcher_ignored_name(ev->name)) continue;
      char *rel = join(wt->rel, ev->name);
      if (rel == NULL) continue;
      if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) scan(w, rel, 1, 1);
        else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) folder_gone(w, rel);
        seen++;
      } else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
        pending_add(w, rel);
        seen++;
      }
      free(rel);
    }
    w->stats.events += (unsigned long)(seen - before);
  }
}

int watcher_due_ms(const struct watcher *w) {
  if (w->first_ms < 0) return -1;
  double t = now_ms();
  double due = w->last_ms + w->debounce_ms;
  if (w->first_ms + w->max_hold_ms < due) due = w->first_ms + w->max_hold_ms;
  return due <= t ? 0 : (int)(due - t + 0.999);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void out_add(struct watcher_changes *out, int *cap, const char *rel) {
  if (out->count == *cap) {
    int ncap = *cap ? *cap * 2 : 8;
    char **grown = realloc(out->paths, (size_t)ncap * sizeof *grown);
    if (grown == NULL) return;
    out->paths = grown;
    *cap = ncap;
  }
  char *copy = strdup(rel);
  if (copy) out->paths[out->count++] = copy;
}

/* Hashes rel now and compares with what was seen last; records a real change in out. */
static void settle(struct watcher *w, const char *rel, struct watcher_changes *out, int *cap) {
  for (int i = 0; i < out->count; i++)
    if (strcmp(out->paths[i], rel) == 0) return;
  char *abs = join(w->home, rel);
  if (abs == NULL) return;
  uint64_t h = hash_file(abs);
  free(abs);
  struct file *f = file_find(w, rel);
  uint64_t before = f ? f->hash : 0;
  if (h == before) {
    w->stats.skipped++;
    return;
  }
  if (h == 0) file_remove(w, f);
  else file_set(w, rel, h);
  out_add(out, cap, rel);
}

int watcher_take(struct watcher *w, struct watcher_changes *out) {
  memset(out, 0, sizeof *out);
  if (watcher_due_ms(w) != 0) return 0;
  int cap = 0;
  if (w->overflow) {
    /* Events were lost: every folder again (new ones get watches), every known file too. */
    out->overflowed = 1;
    for (int i = 0; i < w->nroots; i++) scan(w, w->roots[i], 1, 0);
    for (int i = 0; i < w->nfiles; i++) pending_add(w, w->files[i].rel);
    w->overflow = 0;
  }
  for (int i = 0; i < w->npending; i++) {
    if (w->pending[i][0]) settle(w, w->pending[i], out, &cap);
    free(w->pending[i]);
  }
  w->npending = 0;
  w->first_ms = -1;
  if (out->count > 1) qsort(out->paths, (size_t)out->count, sizeof *out->paths, cmp_str);
  w->stats.batches++;
  return 1;
}

int watcher_wait(struct watcher *w, int timeout_ms, struct watcher_changes *out) {
  double deadline = now_ms() + timeout_ms;
  memset(out, 0, sizeof *out);
  for (;;) {
    if (watcher_take(w, out)) {
      if (out->count > 0) return 1;
      watcher_changes_free(out);
    }
    double left = deadline - now_ms();
    if (left <= 0) return 0;
    int due = watcher_due_ms(w);
    int wait = due >= 0 && due < left ? due : (int)(left + 0.999);
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    int rc = poll(&pfd, 1, wait);
    if (rc < 0 && errno != EINTR) return -1;
    if (rc > 0 && watcher_read(w) < 0) return -1;
  }
}

void watcher_changes_free(struct watcher_changes *c) {
  for (int i = 0; i < c->count; i++) free(c->paths[i]);
  free(c->paths);
  memset(c, 0, sizeof *c);
}

void watcher_stats(const struct watcher *w, struct watcher_stats *out) {
  *out = w->stats;
  out->watches = w->nwatches;
  out->files = w->nfiles;
}

void watcher_close(struct watcher *w) {
  if (w == NULL) return;
  if (w->fd >= 0) close(w->fd);
  for (int i = 0; i < w->nwatches; i++) free(w->watches[i].rel);
  for (int i = 0; i < w->nfiles; i++) free(w->files[i].rel);
  for (int i = 0; i < w->npending; i++) free(w->pending[i]);
  for (int i = 0; i < w->nroots; i++) free(w->roots[i]);
  free(w->watches);
  free(w->files);
  free(w->pending);
  free(w->roots);
  free(w->home);
  free(w);
}
