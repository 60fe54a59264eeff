/* Lua 5.4 patterns (reference manual §6.4.1) in plain C, with a step budget that can stop a match.
 *
 * Why a second implementation: Lua's hooks never run inside a C function, so a script's
 * ("x"):rep(1e6):find(".-.-b") keeps a worker busy for days whatever the host's watchdog
 * does. This matcher counts its steps and asks a callback every PAT_CHECK_STEPS of them
 * whether to stop; src/lua_pattern.c puts it behind the sandbox's string.find/match/gmatch/gsub.
 *
 * It must behave exactly like Lua 5.4.4's string library, errors included, because scripts
 * and the differential tests (spec/bindings/pattern_spec.lua, tests/fuzz/fuzz_pattern.c)
 * compare the two. Two consequences shape the code:
 * - Lua reports a malformed pattern only when the matcher reaches the bad item ("a[" on "xyz"
 *   is no match, not an error) and counts nesting the same way for "pattern too complex", so
 *   this is the same backtracking design, walking the pattern item by item.
 * - An error or a stop does not longjmp: it sets m->status and every level returns NULL, and
 *   every loop that gets NULL from a recursive call checks status before trying further.
 * Character classes are the C locale's (the host never calls setlocale), from tables here. */
#define _GNU_SOURCE /* memmem */
#include "pattern.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ESC '%'

/* ---- character classes (C locale) ---- */

enum {
  C_ALPHA = 1 << 0, C_CNTRL = 1 << 1, C_DIGIT = 1 << 2, C_GRAPH = 1 << 3, C_LOWER = 1 << 4,
  C_PUNCT = 1 << 5, C_SPACE = 1 << 6, C_UPPER = 1 << 7, C_ALNUM = 1 << 8, C_XDIGIT = 1 << 9,
  C_ZERO = 1 << 10, /* %z: the byte 0 (deprecated in 5.2, still honoured by 5.4) */
  C_NEGATED = 1 << 15, /* %A, %D...: the class's complement (only in CLASS_OF) */
};

#define IS_LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_GRAPH(c) ((c) > ' ' && (c) < 127)
#define IS_ALNUM(c) (IS_LOWER(c) || IS_UPPER(c) || IS_DIGIT(c))
#define CTYPE_OF(c)                                                                                   \
  ((IS_LOWER(c) || IS_UPPER(c) ? C_ALPHA : 0) | ((c) < ' ' || (c) == 127 ? C_CNTRL : 0) |            \
   (IS_DIGIT(c) ? C_DIGIT : 0) | (IS_GRAPH(c) ? C_GRAPH : 0) | (IS_LOWER(c) ? C_LOWER : 0) |          \
   (IS_GRAPH(c) && !IS_ALNUM(c) ? C_PUNCT : 0) | ((c) == ' ' || ((c) >= '\t' && (c) <= '\r') ? C_SPACE : 0) | \
   (IS_UPPER(c) ? C_UPPER : 0) | (IS_ALNUM(c) ? C_ALNUM : 0) |                                        \
   (IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F') ? C_XDIGIT : 0) | \
   ((c) == 0 ? C_ZERO : 0))
/* The class a letter after '%' names: 0 for any other byte (then "%x" means x itself). */
#define LOWER_CLASS(c)                                                                                \
  ((c) == 'a' ? C_ALPHA : (c) == 'c' ? C_CNTRL : (c) == 'd' ? C_DIGIT : (c) == 'g' ? C_GRAPH :       \
   (c) == 'l' ? C_LOWER : (c) == 'p' ? C_PUNCT : (c) == 's' ? C_SPACE : (c) == 'u' ? C_UPPER :       \
   (c) == 'w' ? C_ALNUM : (c) == 'x' ? C_XDIGIT : (c) == 'z' ? C_ZERO : 0)
#define CLASS_OF_(c) \
  (IS_UPPER(c) ? (LOWER_CLASS((c) + 32) ? LOWER_CLASS((c) + 32) | C_NEGATED : 0) : LOWER_CLASS(c))

/* 256-entry constant tables from the macros above (no start-up code, no locale). */
#define T4(F, n) F(n), F(n + 1), F(n + 2), F(n + 3)
#define T16(F, n) T4(F, n), T4(F, n + 4), T4(F, n + 8), T4(F, n + 12)
#define T64(F, n) T16(F, n), T16(F, n + 16), T16(F, n + 32), T16(F, n + 48)
#define T256(F) T64(F, 0), T64(F, 64), T64(F, 128), T64(F, 192)
static const unsigned short CTYPE[256] = {T256(CTYPE_OF)};
static const unsigned short CLASS_OF[256] = {T256(CLASS_OF_)};

/* Does byte c match "%<cl>"? */
static inline bool class_match(unsigned c, unsigned cl) {
  unsigned k = CLASS_OF[cl];
  if (k == 0) return cl == c;
  return ((CTYPE[c] & k) != 0) != ((k & C_NEGATED) != 0);
}

/* Does byte c match the set p[0] == '[' .. ec[0] == ']'? ("]" first is a plain member,
 * "^" first complements, "a-z" is a range unless '-' is last, "%x" is a class or x.) */
static bool set_match(unsigned c, const char *p, const char *ec) {
  bool in = true;
  if (p[1] == '^') {
    in = false;
    p++;
  }
  while (++p < ec) {
    if (*p == ESC) {
      p++;
      if (class_match(c, (unsigned char)*p)) return in;
    } else if (p[1] == '-' && p + 2 < ec) {
      p += 2;
      if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p) return in;
    } else if ((unsigned char)*p == c) {
      return in;
    }
  }
  return !in;
}

/* ---- the matcher ---- */

static void fail(pat_matcher *m, const char *fmt, ...) {
  if (m->status != 0) return;
  m->status = PAT_ERROR;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->error, sizeof m->error, fmt, ap);
  va_end(ap);
}

/* The pattern byte at p, or '\0' at its end: lstrlib reads the '\0' that ends every Lua string
 * there, and this keeps its behaviour without needing one. */
static inline unsigned char pat_at(const pat_matcher *m, const char *p) {
  return p < m->p_end ? (unsigned char)*p : '\0';
}

/* The end of the single-character class at p (p < p_end): "x", "%x" or "[set]". NULL with
 * the error set when it is malformed. (class_end, below, inlines the common one-byte case.) */
static const char *class_end_slow(pat_matcher *m, const char *p) {
  switch (*p++) {
  case ESC:
    if (p == m->p_end) {
      fail(m, "malformed pattern (ends with '%%')");
      return NULL;
    }
    return p + 1;
  case '[':
    if (pat_at(m, p) == '^') p++;
    do { /* the first byte is a member even when it is ']' */
      if (p == m->p_end) {
        fail(m, "malformed pattern (missing ']')");
        return NULL;
      }
      if (*p++ == ESC && p < m->p_end) p++; /* "%]" does not close the set */
    } while (pat_at(m, p) != ']');
    return p + 1;
  default:
    return p;
  }
}

static inline const char *class_end(pat_matcher *m, const char *p) {
  return *p == ESC || *p == '[' ? class_end_slow(m, p) : p + 1;
}

/* Does the subject byte at s match the class [p, ep)? */
static inline bool single_match(const pat_matcher *m, const char *s, const char *p, const char *ep) {
  if (s >= m->src_end) return false;
  unsigned c = (unsigned char)*s;
  switch (*p) {
  case '.': return true;
  case ESC: return class_match(c, (unsigned char)p[1]);
  case '[': return set_match(c, p, ep - 1);
  default: return (unsigned char)*p == c;
  }
}

/* How many bytes from s on match the class [p, ep): one dispatch per run, not per byte. */
static size_t run_length(const pat_matcher *m, const char *s, const char *p, const char *ep) {
  const char *q = s, *end = m->src_end;
  switch (*p) {
  case '.':
    return (size_t)(end - s);
  case ESC: {
    unsigned cl = (unsigned char)p[1], k = CLASS_OF[cl];
    if (k == 0) {
      while (q < end && (unsigned char)*q == cl) q++;
    } else if (k & C_NEGATED) {
      while (q < end && !(CTYPE[(unsigned char)*q] & k)) q++;
    } else {
      while (q < end && (CTYPE[(unsigned char)*q] & k)) q++;
    }
    break;
  }
  case '[':
    while (q < end && set_match((unsigned char)*q, p, ep - 1)) q++;
    break;
  default:
    while (q < end && *q == *p) q++;
  }
  return (size_t)(q - s);
}

/* Called when the step budget runs out: a fresh budget, and true when the caller says stop. */
static bool out_of_steps(pat_matcher *m) {
  m->countdown = PAT_CHECK_STEPS;
  if (m->stop != NULL && m->stop(m->stop_ud)) {
    m->status = PAT_STOPPED;
    return true;
  }
  return false;
}

static const char *do_match(pat_matcher *m, const char *s, const char *p);

/* The step budget. Counting costs a memory write, which in the tightest loop (one failed
 * attempt per subject position) is ~15% of the time, so it is charged where work can pile
 * up: per nested attempt (below; every backtracking loop goes through here), per top-level
 * attempt in batches (pat_find), and per byte scanned by a run, a %b or a back-reference.
 * Between two nested attempts a call walks at most the pattern's length, so a step weighs
 * more for a long pattern (m->weight): the work between two checks stays bounded. */
static inline const char *sub_match(pat_matcher *m, const char *s, const char *p) {
  if ((m->countdown -= m->weight) <= 0 && out_of_steps(m)) return NULL;
  return do_match(m, s, p);
}

/* "x*" / "x+" after its first byte: the longest run first, then shorter ones. */
static const char *max_expand(pat_matcher *m, const char *s, const char *p, const char *ep) {
  size_t n = run_length(m, s, p, ep);
  m->countdown -= (long)(n >> 2); /* a byte of a run costs a fraction of an attempt */
  for (;;) {
    const char *res = sub_match(m, s + n, ep + 1);
    if (res != NULL || m->status != 0) return res;
    if (n-- == 0) return NULL;
  }
}

/* "x-": the shortest run first. */
static const char *min_expand(pat_matcher *m, const char *s, const char *p, const char *ep) {
  for (;;) {
    const char *res = sub_match(m, s, ep + 1);
    if (res != NULL || m->status != 0) return res;
    if (!single_match(m, s, p, ep)) return NULL;
    s++;
  }
}

static const char *start_capture(pat_matcher *m, const char *s, const char *p, ptrdiff_t what) {
  int level = m->level;
  if (level >= PAT_MAXCAPTURES) {
    fail(m, "too many captures");
    return NULL;
  }
  m->capture[level].init = s;
  m->capture[level].len = what;
  m->level = level + 1;
  const char *res = sub_match(m, s, p);
  if (res == NULL) m->level--; /* undo */
  return res;
}

static const char *end_capture(pat_matcher *m, const char *s, const char *p) {
  int l = m->level - 1;
  while (l >= 0 && m->capture[l].len != PAT_LEN_UNFINISHED) l--; /* the innermost open one */
  if (l < 0) {
    fail(m, "invalid pattern capture");
    return NULL;
  }
  m->capture[l].len = s - m->capture[l].init;
  const char *res = sub_match(m, s, p);
  if (res == NULL) m->capture[l].len = PAT_LEN_UNFINISHED; /* undo */
  return res;
}

/* "%1".."%9": the same bytes as that (closed) capture; a position capture never matches. */
static const char *back_reference(pat_matcher *m, const char *s, unsigned digit) {
  int l = (int)digit - '1';
  if (l < 0 || l >= m->level || m->capture[l].len == PAT_LEN_UNFINISHED) {
    fail(m, "invalid capture index %%%d", l + 1);
    return NULL;
  }
  ptrdiff_t len = m->capture[l].len;
  if (len < 0 || m->src_end - s < len) return NULL;
  m->countdown -= (long)(len >> 2);
  return memcmp(m->capture[l].init, s, (size_t)len) == 0 ? s + len : NULL;
}

/* "%bxy": from an x at s to its balancing y. */
static const char *balance(pat_matcher *m, const char *s, const char *p) {
  if (m->p_end - p < 2) {
    fail(m, "malformed pattern (missing arguments to '%%b')");
    return NULL;
  }
  if (s >= m->src_end || *s != *p) return NULL;
  char opener = p[0], closer = p[1];
  const char *start = s;
  int depth = 1;
  while (++s < m->src_end) {
    if (*s == closer) {
      if (--depth == 0) break;
    } else if (*s == opener) {
      depth++;
    }
  }
  m->countdown -= (long)((s - start) >> 2);
  return s < m->src_end ? s + 1 : NULL;
}

/* Matches the pattern from p on against the subject from s on: the end of the match, or NULL
 * (no match, or m->status set). Each call is one level of nesting, as in lstrlib, so that
 * "pattern too complex" comes at the same depth; tail positions loop instead of recursing. */
static const char *do_match(pat_matcher *m, const char *s, const char *p) {
  if (m->depth-- == 0) {
    fail(m, "pattern too complex");
    return NULL;
  }
  while (p != m->p_end) {
    switch (*p) {
    case '(':
      if (pat_at(m, p + 1) == ')')
        s = start_capture(m, s, p + 2, PAT_LEN_POSITION);
      else
        s = start_capture(m, s, p + 1, PAT_LEN_UNFINISHED);
      goto done;
    case ')':
      s = end_capture(m, s, p + 1);
      goto done;
    case '$':
      if (p + 1 != m->p_end) break; /* a '$' before the end is a plain character */
      if (s != m->src_end) s = NULL;
      goto done;
    case ESC: {
      unsigned next = pat_at(m, p + 1);
      if (next == 'b') {
        s = balance(m, s, p + 2);
        if (s == NULL) goto done;
        p += 4;
        continue;
      }
      if (next == 'f') {
        p += 2;
        if (pat_at(m, p) != '[') {
          fail(m, "missing '[' after '%%f' in pattern");
          s = NULL;
          goto done;
        }
        const char *ep = class_end(m, p);
        if (ep == NULL) {
          s = NULL;
          goto done;
        }
        /* the bytes before and at s, '\0' beyond either end of the subject */
        unsigned before = s == m->src ? 0 : (unsigned char)s[-1];
        unsigned at = s < m->src_end ? (unsigned char)*s : 0;
        if (!set_match(before, p, ep - 1) && set_match(at, p, ep - 1)) {
          p = ep;
          continue;
        }
        s = NULL;
        goto done;
      }
      if (next >= '0' && next <= '9') {
        s = back_reference(m, s, next);
        if (s == NULL) goto done;
        p += 2;
        continue;
      }
      break; /* "%x": a single-character class */
    }
    default:
      break;
    }

    /* a single-character class, maybe followed by * + - ? */
    const char *ep = class_end(m, p);
    if (ep == NULL) {
      s = NULL;
      goto done;
    }
    unsigned suffix = pat_at(m, ep);
    if (!single_match(m, s, p, ep)) {
      if (suffix == '*' || suffix == '?' || suffix == '-') { /* zero repetitions will do */
        p = ep + 1;
        continue;
      }
      s = NULL;
      goto done;
    }
    switch (suffix) {
    case '?': {
      const char *res = sub_match(m, s + 1, ep + 1);
      if (res != NULL || m->status != 0) {
        s = res;
        goto done;
      }
      p = ep + 1;
      continue;
    }
    case '+':
      s = max_expand(m, s + 1, p, ep);
      goto done;
    case '*':
      s = max_expand(m, s, p, ep);
      goto done;
    case '-':
      s = min_expand(m, s, p, ep);
      goto done;
    default:
      s++;
      p = ep;
      continue;
    }
  }
done:
  m->depth++;
  return s;
}

/* ---- entry points ---- */

void pat_init(pat_matcher *m, const char *s, size_t ls, const char *p, size_t lp, pat_stop_fn stop, void *ud) {
  m->src = s;
  m->src_end = s + ls;
  m->p = p;
  m->p_end = p + lp;
  m->stop = stop;
  m->stop_ud = ud;
  m->countdown = PAT_CHECK_STEPS;
  m->weight = 1 + (long)(lp >> 5);
  m->depth = PAT_MAXDEPTH;
  m->level = 0;
  m->status = 0;
  m->error[0] = '\0';
}

/* One attempt at offset `at`: the end of the match or NULL (then m->status may be set). */
static inline const char *match_at(pat_matcher *m, size_t at) {
  m->level = 0;
  m->depth = PAT_MAXDEPTH;
  return do_match(m, m->src + at, m->p);
}

int pat_match(pat_matcher *m, size_t at, size_t *end) {
  if (m->status != 0) return m->status; /* a stop or an error is final */
  if ((m->countdown -= m->weight) <= 0 && out_of_steps(m)) return PAT_STOPPED;
  const char *e = match_at(m, at);
  if (m->status != 0) return m->status;
  if (e == NULL) return PAT_NOMATCH;
  *end = (size_t)(e - m->src);
  return PAT_MATCH;
}

int pat_find(pat_matcher *m, size_t from, bool anchored, size_t skip_end, size_t *start, size_t *end) {
  if (m->status != 0) return m->status;
  size_t ls = (size_t)(m->src_end - m->src);
  long pending = 0; /* steps of the attempts not charged yet: charged 64 at a time, and at the end */
  int rc = PAT_NOMATCH;
  for (size_t at = from; at <= ls; at++) {
    if ((pending += m->weight) >= 64 * m->weight) {
      m->countdown -= pending;
      pending = 0;
      if (m->countdown <= 0 && out_of_steps(m)) return PAT_STOPPED;
    }
    const char *e = match_at(m, at);
    if (e != NULL && (size_t)(e - m->src) != skip_end) {
      *start = at;
      *end = (size_t)(e - m->src);
      rc = PAT_MATCH;
      break;
    }
    if (m->status != 0) return m->status; /* NULL was an error or a stop */
    if (anchored) break;
  }
  if ((m->countdown -= pending) <= 0 && out_of_steps(m)) return PAT_STOPPED;
  return rc;
}

/* Lua's own plain search (memchr for the first byte, memcmp for the rest) is the fastest on
 * the short strings scripts mostly search, but quadratic at worst ("aaaa...ab" in "aaa...a").
 * Once its false starts have cost twice the subject's length, glibc's memmem (linear) finishes. */
int pat_find_plain(const char *s, size_t ls, const char *p, size_t lp, size_t init, size_t *start) {
  if (lp == 0) { /* the empty string is everywhere */
    *start = init;
    return PAT_MATCH;
  }
  if (lp > ls - init) return PAT_NOMATCH;
  const char *at = s + init, *last = s + ls - lp; /* the last place a match can start */
  size_t work = 0, budget = 2 * (ls - init) + 256;  /* bytes memcmp may look at, at most */
  while (at <= last) {
    at = memchr(at, p[0], (size_t)(last - at) + 1);
    if (at == NULL) return PAT_NOMATCH;
    if (memcmp(at + 1, p + 1, lp - 1) == 0) {
      *start = (size_t)(at - s);
      return PAT_MATCH;
    }
    at++;
    work += lp;
    if (work > budget) {
      const char *hit = memmem(at, (size_t)(s + ls - at), p, lp);
      if (hit == NULL) return PAT_NOMATCH;
      *start = (size_t)(hit - s);
      return PAT_MATCH;
    }
  }
  return PAT_NOMATCH;
}

bool pat_no_specials(const char *p, size_t lp) {
  for (size_t i = 0; i < lp; i++) {
    switch (p[i]) {
    case '^': case '$': case '*': case '+': case '?': case '.': case '(': case '[': case '%': case '-':
      return false;
    default:
      break;
    }
  }
  return true;
}

int pat_capture(pat_matcher *m, int i, size_t s, size_t e, size_t *start, size_t *len) {
  if (i >= m->level) {
    if (i != 0) {
      fail(m, "invalid capture index %%%d", i + 1);
      return PAT_ERROR;
    }
    *start = s; /* no captures: the whole match */
    *len = e - s;
    return PAT_CAP_STRING;
  }
  ptrdiff_t l = m->capture[i].len;
  *start = (size_t)(m->capture[i].init - m->src);
  if (l == PAT_LEN_UNFINISHED) {
    fail(m, "unfinished capture");
    return PAT_ERROR;
  }
  if (l == PAT_LEN_POSITION) return PAT_CAP_POSITION;
  *len = (size_t)l;
  return PAT_CAP_STRING;
}
