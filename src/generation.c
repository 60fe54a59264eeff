/* A generation of the scripts: the bytes of every file under lua/, prompts/, themes/, read once, immutable. */
#define _GNU_SOURCE
#include "generation.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "watcher.h"

#define MAX_FILE_BYTES ((size_t)4 << 20)
#define MAX_TOTAL_BYTES ((size_t)64 << 20)
#define MAX_DEPTH 16

const char *const GENERATION_DIRS[] = {"lua", "prompts", "themes", NULL};

struct file {
  char *rel; /* "lua/charts/bar.lua" */
  char *bytes;
  size_t len;
};

struct generation {
  atomic_int refs;
  unsigned number;
  char *home;
  struct file *files; /* sorted by rel */
  size_t count, cap, total;
  char digest[65];    /* SHA-256 of every file's name and bytes: the same scripts, the same digest */
};

static void gen_free(struct generation *gen) {
  for (size_t i = 0; i < gen->count; i++) {
    free(gen->files[i].rel);
    free(gen->files[i].bytes);
  }
  free(gen->files);
  free(gen->home);
  free(gen);
}

void generation_retain(struct generation *gen) { atomic_fetch_add(&gen->refs, 1); }

void generation_release(struct generation *gen) {
  if (gen != NULL && atomic_fetch_sub(&gen->refs, 1) == 1) gen_free(gen);
}

unsigned generation_number(const struct generation *gen) { return gen->number; }
const char *generation_home(const struct generation *gen) { return gen->home; }
size_t generation_bytes(const struct generation *gen) { return gen->total; }
const char *generation_digest(const struct generation *gen) { return gen->digest; }

/* ---- reading ---- */

struct reader {
  struct generation *gen;
  char root[PATH_MAX]; /* realpath of home: symlinks must stay inside */
  char *err;
  size_t errlen;
};

static int fail(struct reader *r, const char *fmt, const char *a, const char *b) {
  snprintf(r->err, r->errlen, fmt, a, b);
  return -1;
}

/* Reads the file to its end (not to the size stat saw: a file being saved in place may be
 * growing); a save that lands meanwhile triggers another reload anyway. */
static int add_file(struct reader *r, const char *path, const char *rel) {
  struct generation *gen = r->gen;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return fail(r, "%s: %s", rel, strerror(errno));
  char *bytes = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 16384;
      char *grown = cap <= MAX_FILE_BYTES * 2 ? realloc(bytes, cap + 1) : NULL;
      if (grown == NULL) break;
      bytes = grown;
    }
    size_t got = fread(bytes + len, 1, cap - len, f);
    len += got;
    if (got == 0 || len > MAX_FILE_BYTES) break;
  }
  bool error = ferror(f);
  fclose(f);
  if (bytes == NULL || error) {
    free(bytes);
    return fail(r, "%s: cannot be read%s", rel, "");
  }
  if (len > MAX_FILE_BYTES) {
    free(bytes);
    return fail(r, "%s: larger than 4 MiB%s", rel, "");
  }
  if (gen->total + len > MAX_TOTAL_BYTES) {
    free(bytes);
    return fail(r, "%s: the scripts are over 64 MiB in all%s", rel, "");
  }
  bytes[len] = '\0';
  if (gen->count == gen->cap) {
    size_t ncap = gen->cap ? gen->cap * 2 : 128;
    struct file *grown = realloc(gen->files, ncap * sizeof *grown);
    if (grown == NULL) {
      free(bytes);
      return fail(r, "%s: out of memory%s", rel, "");
    }
    gen->files = grown;
    gen->cap = ncap;
  }
  char *name = strdup(rel);
  if (name == NULL) {
    free(bytes);
    return fail(r, "%s: out of memory%s", rel, "");
  }
  gen->files[gen->count++] = (struct file){.rel = name, .bytes = bytes, .len = len};
  gen->total += len;
  return 0;
}

static bool inside_home(struct reader *r, const char *path) {
  char real[PATH_MAX];
  size_t n = strlen(r->root);
  return realpath(path, real) != NULL && strncmp(real, r->root, n) == 0 && real[n] == '/';
}

static int read_dir(struct reader *r, const char *rel, int depth) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", r->gen->home, rel);
  DIR *d = opendir(path);
  if (d == NULL) return errno == ENOENT && depth == 0 ? 0 : fail(r, "%s: %s", rel, strerror(errno));
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (watcher_ignored_name(e->d_name)) continue; /* also . and .. */
    char child_rel[PATH_MAX], child[PATH_MAX];
    if (snprintf(child_rel, sizeof child_rel, "%s/%s", rel, e->d_name) >= (int)sizeof child_rel ||
        snprintf(child, sizeof child, "%s/%s", r->gen->home, child_rel) >= (int)sizeof child)
      continue;
    struct stat lst, st;
    if (lstat(child, &lst) != 0) continue; /* deleted meanwhile */
    if (S_ISLNK(lst.st_mode) && !inside_home(r, child)) continue;
    if (stat(child, &st) != 0) continue;
    if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) rc = read_dir(r, child_rel, depth + 1);
    else if (S_ISREG(st.st_mode)) rc = add_file(r, child, child_rel);
  }
  closedir(d);
  return rc;
}

static int by_rel(const void *a, const void *b) {
  return strcmp(((const struct file *)a)->rel, ((const struct file *)b)->rel);
}

struct generation *generation_read(const char *home, unsigned number, char *err, size_t errlen) {
  struct generation *gen = calloc(1, sizeof *gen);
  if (gen == NULL || (gen->home = strdup(home)) == NULL) {
    free(gen);
    snprintf(err, errlen, "out of memory reading the scripts");
    return NULL;
  }
  atomic_init(&gen->refs, 1);
  gen->number = number;
  struct reader r = {.gen = gen, .err = err, .errlen = errlen};
  if (realpath(home, r.root) == NULL) {
    snprintf(err, errlen, "%s: cannot resolve CHARTD_HOME: %s", home, strerror(errno));
    gen_free(gen);
    return NULL;
  }
  for (int i = 0; GENERATION_DIRS[i]; i++)
    if (read_dir(&r, GENERATION_DIRS[i], 0) != 0) {
      gen_free(gen);
      return NULL;
    }
  if (gen->count > 0) qsort(gen->files, gen->count, sizeof *gen->files, by_rel);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned char sum[32];
  unsigned int n = 0;
  bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
  for (size_t i = 0; ok && i < gen->count; i++) {
    uint64_t len = gen->files[i].len;
    ok = EVP_DigestUpdate(md, gen->files[i].rel, strlen(gen->files[i].rel) + 1) == 1 &&
         EVP_DigestUpdate(md, &len, sizeof len) == 1 && EVP_DigestUpdate(md, gen->files[i].bytes, len) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(md, sum, &n) == 1 && n == 32;
  EVP_MD_CTX_free(md);
  if (!ok) {
    snprintf(err, errlen, "cannot hash the scripts (OpenSSL)");
    gen_free(gen);
    return NULL;
  }
  for (int i = 0; i < 32; i++) snprintf(gen->digest + 2 * i, 3, "%02x", sum[i]);
  return gen;
}

/* ---- lookups ---- */

bool generation_covers(const char *rel) {
  for (int i = 0; GENERATION_DIRS[i]; i++) {
    size_t n = strlen(GENERATION_DIRS[i]);
    if (strncmp(rel, GENERATION_DIRS[i], n) == 0 && (rel[n] == '\0' || rel[n] == '/')) return true;
  }
  return false;
}

const char *generation_file(const struct generation *gen, const char *rel, size_t *len) {
  if (gen->count == 0) return NULL;
  struct file key = {.rel = (char *)rel};
  const struct file *f = bsearch(&key, gen->files, gen->count, sizeof *gen->files, by_rel);
  if (f == NULL) return NULL;
  *len = f->len;
  return f->bytes;
}

int generation_list(const struct generation *gen, const char *rel, void (*fn)(void *ud, const char *name),
                    void *ud) {
  size_t n = strlen(rel);
  int count = 0;
  char last[NAME_MAX + 1] = "";
  /* Files are sorted by path, so a folder's entries are one run, and the files of a
   * sub-folder sit together ("a/b/x", "a/b/y" give "b" once). '/' sorts before letters and
   * digits but after '-' and '.', so a name is compared with the last one given, not only
   * its neighbour. */
  for (size_t i = 0; i < gen->count; i++) {
    const char *p = gen->files[i].rel;
    if (strncmp(p, rel, n) != 0 || p[n] != '/') continue;
    const char *name = p + n + 1;
    size_t len = strcspn(name, "/");
    if (len > NAME_MAX) continue;
    char entry[NAME_MAX + 1];
    memcpy(entry, name, len);
    entry[len] = '\0';
    if (count > 0 && strcmp(entry, last) == 0) continue;
    bool seen = false; /* "a-b/x" may sort between "a/x" and "a/y": look back */
    for (size_t j = 0; j < i && !seen; j++) {
      const char *q = gen->files[j].rel;
      seen = strncmp(q, rel, n) == 0 && q[n] == '/' && strncmp(q + n + 1, entry, len) == 0 &&
             (q[n + 1 + len] == '/' || q[n + 1 + len] == '\0');
    }
    if (seen) continue;
    memcpy(last, entry, len + 1);
    fn(ud, entry);
    count++;
  }
  if (count == 0) {
    for (int i = 0; GENERATION_DIRS[i]; i++)
      if (strcmp(rel, GENERATION_DIRS[i]) == 0) return 0; /* an empty top folder exists */
    return -1;
  }
  return count;
}

/* ---- the serving generation ---- */

static pthread_mutex_t current_mu = PTHREAD_MUTEX_INITIALIZER;
static struct generation *current;

void generation_publish(struct generation *gen) {
  pthread_mutex_lock(&current_mu);
  struct generation *old = current;
  current = gen;
  pthread_mutex_unlock(&current_mu);
  generation_release(old);
}

struct generation *generation_current(void) {
  pthread_mutex_lock(&current_mu);
  struct generation *gen = current;
  if (gen) generation_retain(gen);
  pthread_mutex_unlock(&current_mu);
  return gen;
}

unsigned generation_current_number(void) {
  pthread_mutex_lock(&current_mu);
  unsigned n = current ? current->number : 0;
  pthread_mutex_unlock(&current_mu);
  return n;
}
