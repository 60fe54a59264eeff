/* Lua 5.4 patterns (reference manual §6.4.1) in plain C, with a step budget that can stop a match. */
#ifndef CHARTD_PATTERN_H
#define CHARTD_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h> /* SIZE_MAX: pat_find's "no skip_end" */

/* Lua's LUA_MAXCAPTURES and MAXCCALLS (the nesting depth past which a pattern is "too complex"). */
#define PAT_MAXCAPTURES 32
#define PAT_MAXDEPTH 200
/* The stop callback runs once per this many steps (a step is one attempt of the matcher, or
 * a few subject bytes scanned by a repetition, a %b or a back-reference: a few ns each). */
#define PAT_CHECK_STEPS 4096

/* Results of pat_match / pat_find / pat_find_plain / pat_capture. */
enum {
  PAT_NOMATCH = 0,
  PAT_MATCH = 1,
  PAT_ERROR = -1,   /* a malformed pattern, as Lua would raise it: the text is in m->error */
  PAT_STOPPED = -2, /* the stop callback said yes */
};
/* Kinds of capture (pat_capture). */
enum { PAT_CAP_STRING = 1, PAT_CAP_POSITION = 2 };

/* Returns true when the match must end now (called from inside the matcher, every
 * PAT_CHECK_STEPS steps; it must not longjmp past the matcher's caller's cleanup). */
typedef bool (*pat_stop_fn)(void *ud);

/* One match's state. Fill it with pat_init; it points into the subject and the pattern, which
 * must outlive it. After PAT_MATCH, `level` captures are set (read them with pat_capture). */
typedef struct pat_matcher {
  const char *src, *src_end, *p, *p_end;
  pat_stop_fn stop;
  void *stop_ud;
  long countdown; /* steps left before the next stop check */
  long weight;    /* what a step costs: more for a long pattern (pattern.c, sub_match) */
  int depth;      /* nesting left before "pattern too complex" */
  int level;      /* captures opened so far */
  int status;     /* 0, PAT_ERROR or PAT_STOPPED once the match is abandoned */
  struct {
    const char *init;
    ptrdiff_t len; /* >= 0, or PAT_LEN_UNFINISHED / PAT_LEN_POSITION */
  } capture[PAT_MAXCAPTURES];
  char error[80];
} pat_matcher;

#define PAT_LEN_UNFINISHED (-1)
#define PAT_LEN_POSITION (-2)

/* Prepares m for subject s[0..ls) and pattern p[0..lp) (binary-safe: neither needs a '\0').
 * The pattern's leading '^' is not special here: callers that honour it strip it first, as
 * string.find and string.gsub do (string.gmatch treats it as a plain character). stop may be
 * NULL. The step budget carries over between the calls made on one matcher. */
void pat_init(pat_matcher *m, const char *s, size_t ls, const char *p, size_t lp, pat_stop_fn stop, void *ud);

/* Matches the whole pattern starting exactly at offset `at` (<= ls): PAT_MATCH with the end
 * offset in *end, PAT_NOMATCH, PAT_ERROR or PAT_STOPPED. */
int pat_match(pat_matcher *m, size_t at, size_t *end);

/* The search of string.find, gmatch and gsub: tries offsets from, from + 1, ... ls (only
 * `from` when anchored) and returns the first match [*start, *end) whose end is not skip_end
 * (gmatch and gsub never take an empty match where the last one ended; SIZE_MAX for none),
 * or PAT_NOMATCH / PAT_ERROR / PAT_STOPPED. */
int pat_find(pat_matcher *m, size_t from, bool anchored, size_t skip_end, size_t *start, size_t *end);

/* Plain substring search from offset init (<= ls): PAT_MATCH with *start, or PAT_NOMATCH.
 * Linear time (it ends with glibc's memmem when a search goes badly), so it needs no stop. */
int pat_find_plain(const char *s, size_t ls, const char *p, size_t lp, size_t init, size_t *start);

/* True when p[0..lp) has none of Lua's magic characters ^$*+?.([%- (string.find then searches
 * plainly, which gives the same result faster). */
bool pat_no_specials(const char *p, size_t lp);

/* Capture i (0-based) of the last match, which spans [s, e) of the subject. With no captures,
 * capture 0 is the whole match. Returns PAT_CAP_STRING with the capture's offset and length,
 * PAT_CAP_POSITION with *start = the 0-based position, or PAT_ERROR ("invalid capture index
 * %N", "unfinished capture") with the text in m->error. */
int pat_capture(pat_matcher *m, int i, size_t s, size_t e, size_t *start, size_t *len);

#endif
