/* Tests src/pattern.c alone: Lua 5.4.4's results and error messages on hand-picked patterns, and the stop callback. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "../../src/pattern.h"
#include "check.h"

/* string.find(s, p) as one string: "start end cap..." (1-based, as Lua prints them), "nil",
 * "error: <message>" or "stopped". s and p are '\0'-terminated here for brevity; the matcher
 * itself is given lengths. */
static const char *find_n(const char *s, size_t ls, const char *p, size_t lp, size_t init) {
  static char out[512];
  pat_matcher m;
  bool anchored = lp > 0 && p[0] == '^';
  pat_init(&m, s, ls, p + anchored, lp - anchored, NULL, NULL);
  size_t start, end;
  int rc = pat_find(&m, init, anchored, SIZE_MAX, &start, &end);
  if (rc == PAT_ERROR) {
    snprintf(out, sizeof out, "error: %s", m.error);
    return out;
  }
  if (rc == PAT_STOPPED) return "stopped";
  if (rc == PAT_NOMATCH) return "nil";
  int n = snprintf(out, sizeof out, "%zu %zu", start + 1, end);
  for (int i = 0; i < m.level; i++) {
    size_t cs, cl;
    int kind = pat_capture(&m, i, start, end, &cs, &cl);
    if (kind == PAT_ERROR)
      n += snprintf(out + n, sizeof out - (size_t)n, " error: %s", m.error);
    else if (kind == PAT_CAP_POSITION)
      n += snprintf(out + n, sizeof out - (size_t)n, " %zu", cs + 1);
    else
      n += snprintf(out + n, sizeof out - (size_t)n, " '%.*s'", (int)cl, s + cs);
  }
  return out;
}

static const char *find(const char *s, const char *p) { return find_n(s, strlen(s), p, strlen(p), 0); }

static char *repeat(const char *unit, int times) {
  size_t n = strlen(unit);
  char *out = malloc(n * (size_t)times + 1);
  for (int i = 0; i < times; i++) memcpy(out + n * (size_t)i, unit, n);
  out[n * (size_t)times] = '\0';
  return out;
}

static void results(void) {
  CHECK_STR(find("hello world", "o w"), "5 7");
  CHECK_STR(find("hello", "l+"), "3 4");
  CHECK_STR(find("hello", "l*"), "1 0");             /* an empty match at the first position */
  CHECK_STR(find("hello", "xl*"), "nil");
  CHECK_STR(find("key = val", "(%w+)%s*=%s*(%w+)"), "1 9 'key' 'val'");
  CHECK_STR(find("<a><b>", "<(.-)>"), "1 3 'a'");      /* '-' is lazy */
  CHECK_STR(find("<a><b>", "<(.*)>"), "1 6 'a><b'");   /* '*' is greedy */
  CHECK_STR(find("color colour", "colou?r$"), "7 12");
  CHECK_STR(find("abc", "^b"), "nil");
  CHECK_STR(find("abc", "^a"), "1 1");
  CHECK_STR(find("a$b", "$b"), "2 3");                /* '$' not at the end is plain */
  CHECK_STR(find("a^b", "a^b"), "1 3");               /* so is '^' not at the start */
  CHECK_STR(find("x = f(a(b)c)", "%b()"), "6 12");
  CHECK_STR(find("THE (quick) fox", "%f[%a]%a+"), "1 3");
  CHECK_STR(find("THE (quick) fox", "%f[%l]%a+"), "6 10");
  CHECK_STR(find("hello", "%f[%z]"), "6 5");          /* the frontier before the end ('\0') */
  CHECK_STR(find("abab", "(ab)%1"), "1 4 'ab'");
  CHECK_STR(find("say \"hi\" 'x'", "([\"'])(.-)%1"), "5 8 '\"' 'hi'");
  CHECK_STR(find("abc", "()b()"), "2 2 2 3");         /* position captures */
  CHECK_STR(find("abc", "()%1"), "nil");              /* a position never matches as text */
  CHECK_STR(find("a]b", "[]]"), "2 2");               /* ']' first in a set is a member */
  CHECK_STR(find("a]b^", "[^]a]"), "3 3");
  CHECK_STR(find("x-y", "[a-]"), "2 2");              /* a trailing '-' is a member */
  CHECK_STR(find("5%", "[%d%%]+"), "1 2");
  CHECK_STR(find("a.b", "%."), "2 2");
  CHECK_STR(find(" \t\nx", "%S"), "4 4");
  CHECK_STR(find("AbC1_", "%u%l%u%d%p"), "1 5");
  CHECK_STR(find("ff0Z", "%x+"), "1 3");
  CHECK_STR(find("\x01 a", "%c"), "1 1");
  CHECK_STR(find("\x01 a", "%g"), "3 3");
  CHECK_STR(find("a1 b", "%W"), "3 3");
  CHECK_STR(find("zz", "[b-a]"), "nil");              /* an empty range */
  CHECK_STR(find("aaa", "a-$"), "1 3");
  CHECK_STR(find("aaab", "a-b"), "1 4");
  CHECK_STR(find("", ""), "1 0");
  CHECK_STR(find("", "^$"), "1 0");
  CHECK_STR(find_n("hello", 5, "l", 1, 3), "4 4");    /* init is a 0-based offset here */
  CHECK_STR(find_n("hello", 5, "", 0, 5), "6 5");
  CHECK_STR(find_n("a\0b", 3, "%z", 2, 0), "2 2");    /* %z, binary subjects */
  CHECK_STR(find_n("a\0b", 3, "\0b", 2, 0), "2 3");
  CHECK_STR(find_n("ab", 2, "(b)xyz", 3, 0), "2 2 'b'"); /* the pattern's length is what counts */
  CHECK_STR(find_n("ab", 2, "(bxyz", 1, 0), "1 0 error: unfinished capture"); /* "(" alone: no ')' read past the end */
  CHECK_STR(find("xyz", "a["), "nil");                /* Lua reports a bad item only when it reaches it */
}

static void errors(void) {
  CHECK_STR(find("abc", "a%"), "error: malformed pattern (ends with '%')");
  CHECK_STR(find("abc", "a["), "error: malformed pattern (missing ']')");
  CHECK_STR(find("abc", "a[^"), "error: malformed pattern (missing ']')");
  CHECK_STR(find("abc", "a[%"), "error: malformed pattern (missing ']')");
  CHECK_STR(find("abc", "a%f"), "error: missing '[' after '%f' in pattern");
  CHECK_STR(find("abc", "a%fx"), "error: missing '[' after '%f' in pattern");
  CHECK_STR(find("abc", "a%b"), "error: malformed pattern (missing arguments to '%b')");
  CHECK_STR(find("abc", "a%bx"), "error: malformed pattern (missing arguments to '%b')");
  CHECK_STR(find("abc", "a%1"), "error: invalid capture index %1");
  CHECK_STR(find("abc", "a%0"), "error: invalid capture index %0");
  CHECK_STR(find("abc", "(a)%2"), "error: invalid capture index %2");
  CHECK_STR(find("abc", "(a%1)"), "error: invalid capture index %1"); /* still open */
  CHECK_STR(find("abc", "a)"), "error: invalid pattern capture");
  CHECK_STR(find("abc", "(a"), "1 1 error: unfinished capture");
  char *many = repeat("()", 33);
  CHECK_STR(find("abc", many), "error: too many captures");
  many[64] = '\0'; /* 32 are allowed */
  CHECK(strncmp(find("abc", many), "1 0 1 1", 7) == 0);
  free(many);
  /* 200 nested levels, as Lua's MAXCCALLS: each matched "a?" recurses once */
  char *subject = repeat("a", 300), *deep = repeat("a?", 300);
  CHECK_STR(find(subject, deep), "error: pattern too complex");
  deep[2 * 198] = '\0';
  CHECK_STR(find(subject, deep), "1 198");
  free(subject);
  free(deep);

  /* captures asked for by a replacement string (gsub's %1..%9) */
  pat_matcher m;
  size_t start, len, end;
  pat_init(&m, "abc", 3, "b", 1, NULL, NULL);
  CHECK_INT(pat_match(&m, 1, &end), PAT_MATCH);
  CHECK_INT(pat_capture(&m, 0, 1, end, &start, &len), PAT_CAP_STRING); /* no captures: the match */
  CHECK_INT(start, 1);
  CHECK_INT(len, 1);
  CHECK_INT(pat_capture(&m, 1, 1, end, &start, &len), PAT_ERROR);
  CHECK_STR(m.error, "invalid capture index %2");
}

static void plain(void) {
  size_t start = 99;
  CHECK(pat_no_specials("hello world]", 12));
  CHECK(!pat_no_specials("a.b", 3));
  CHECK(pat_no_specials("a\0b", 3));
  CHECK(!pat_no_specials("a\0-", 3)); /* past a '\0' too */
  CHECK_INT(pat_find_plain("a.b.c", 5, ".", 1, 2, &start), PAT_MATCH);
  CHECK_INT(start, 3);
  CHECK_INT(pat_find_plain("abc", 3, "", 0, 3, &start), PAT_MATCH);
  CHECK_INT(start, 3);
  CHECK_INT(pat_find_plain("abc", 3, "abcd", 4, 0, &start), PAT_NOMATCH);
  /* "aaaaaaab" in 5000 'a' then "aaaaaaab": every 'a' is a false start, so the search goes over
   * its budget and memmem finishes it (and finds nothing past the end when the 'b' is gone) */
  char *hay = repeat("a", 5008);
  hay[5007] = 'b';
  CHECK_INT(pat_find_plain(hay, 5008, "aaaaaaab", 8, 0, &start), PAT_MATCH);
  CHECK_INT(start, 5000);
  CHECK_INT(pat_find_plain(hay, 5008, "aaaaaaab", 8, 4999, &start), PAT_MATCH);
  CHECK_INT(start, 5000);
  CHECK_INT(pat_find_plain(hay, 5007, "aaaaaaab", 8, 0, &start), PAT_NOMATCH);
  free(hay);
}

/* ---- the stop callback ---- */

struct stop_state {
  long calls, stop_after;
};

static bool stop_after(void *ud) {
  struct stop_state *st = ud;
  return ++st->calls >= st->stop_after;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stopping(void) {
  /* ".-.-b" on 10^6 'x': ~10^17 steps unstopped. Told to stop on its 100th check, it ends
   * after about 100 * PAT_CHECK_STEPS steps. */
  size_t n = 1000000;
  char *big = malloc(n);
  memset(big, 'x', n);
  struct stop_state st = {0, 100};
  pat_matcher m;
  pat_init(&m, big, n, ".-.-b", 5, stop_after, &st);
  size_t start, end;
  double t0 = now_s();
  CHECK_INT(pat_find(&m, 0, false, SIZE_MAX, &start, &end), PAT_STOPPED);
  double took = now_s() - t0;
  CHECK_INT(st.calls, 100);
  CHECK(took < 1.0);
  CHECK_INT(pat_match(&m, 0, &end), PAT_STOPPED); /* a stop is final */
  CHECK_INT(st.calls, 100);

  /* a greedy run counts the bytes it scans: ".*.*b" asks every few thousand bytes too */
  st = (struct stop_state){0, 3};
  pat_init(&m, big, n, ".*.*b", 5, stop_after, &st);
  CHECK_INT(pat_find(&m, 0, false, SIZE_MAX, &start, &end), PAT_STOPPED);
  CHECK_INT(st.calls, 3);

  /* gsub and gmatch search once per match: many quick matches add up to checks too */
  st = (struct stop_state){0, 2};
  pat_init(&m, big, n, "x", 1, stop_after, &st);
  size_t at = 0, matches = 0;
  int rc;
  while ((rc = pat_find(&m, at, false, SIZE_MAX, &start, &end)) == PAT_MATCH) {
    matches++;
    at = end;
  }
  CHECK_INT(rc, PAT_STOPPED);
  CHECK_INT(st.calls, 2);
  CHECK(matches > PAT_CHECK_STEPS && matches < 3 * PAT_CHECK_STEPS);

  /* and so do quick failures at every position of a long subject */
  st = (struct stop_state){0, 2};
  pat_init(&m, big, n, "[yz]", 4, stop_after, &st);
  CHECK_INT(pat_find(&m, 0, false, SIZE_MAX, &start, &end), PAT_STOPPED);
  CHECK_INT(st.calls, 2);

  /* a long pattern walked at each position weighs more per attempt (~10^11 byte compares) */
  char *longp = repeat("x", 100002);
  longp[100000] = 'y';
  longp[100001] = '$';
  st = (struct stop_state){0, 1};
  pat_init(&m, big, n, longp, 100002, stop_after, &st);
  t0 = now_s();
  CHECK_INT(pat_find(&m, 0, false, SIZE_MAX, &start, &end), PAT_STOPPED);
  CHECK(now_s() - t0 < 1.0);
  free(longp);

  /* a callback that never says stop costs nothing to the result */
  st = (struct stop_state){0, LONG_MAX};
  pat_init(&m, big, 300, ".-.-b", 5, stop_after, &st); /* 300^3 / 6 = 4.5 * 10^6 steps */
  CHECK_INT(pat_find(&m, 0, false, SIZE_MAX, &start, &end), PAT_NOMATCH);
  CHECK(st.calls > 1000 && st.calls < 2000); /* one check per PAT_CHECK_STEPS */
  free(big);
}

int main(void) {
  results();
  errors();
  plain();
  stopping();
  return check_done("test_pattern");
}
