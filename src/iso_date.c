/* ISO 8601 dates and times as lua/data/frame.lua reads them (iso_date.h says which). */
#include "iso_date.h"

#include <stdlib.h>
#include <string.h>

/* No branch a digit: a column of timestamps is millions of them. */
static inline int digits(const char *s, int count, int *out) {
  int v = 0;
  unsigned bad = 0;
  for (int i = 0; i < count; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    bad |= d > 9;
    v = v * 10 + (int)d;
  }
  *out = v;
  return !bad;
}

/* Howard Hinnant's days_from_civil, as lua/util/calendar.lua (years 0..9999 here). */
static long long days_from_civil(int y, int m, int d) {
  if (m <= 2) y--;
  long long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  /* (153 * ((m + 9) % 12) + 2) / 5: the day of a year from March on where month m starts */
  static const int MONTH_START[13] = {0, 306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275};
  long long doy = MONTH_START[m] + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int valid_day(int y, int m, int d) {
  static const int LAST[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return 0;
  int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return d <= LAST[m - 1] + (m == 2 && leap);
}

int iso_date_parse(const char *s, size_t n, long long *secs, double *frac, enum iso_grain *grain) {
  return iso_date_memo(s, n, secs, frac, grain, NULL);
}

int iso_date_memo(const char *s, size_t n, long long *secs, double *frac, enum iso_grain *grain, iso_day *memo) {
  int y, m, d, hh, mi, ss = 0;
  if (n < 7 || n > 35) return 0;
  *frac = 0;
  if (memo && n >= 10 && memo->text[0] != 0 && memcmp(s, memo->text, 10) == 0) {
    *secs = memo->secs;
  } else {
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m)) return 0;
    if (n == 7) {
      if (m < 1 || m > 12) return 0;
      *secs = days_from_civil(y, m, 1) * 86400;
      *grain = ISO_MONTH;
      return 1;
    }
    if (n < 10 || s[7] != '-' || !digits(s + 8, 2, &d) || !valid_day(y, m, d)) return 0;
    *secs = days_from_civil(y, m, d) * 86400;
    if (memo) {
      memcpy(memo->text, s, 10);
      memo->secs = *secs;
    }
  }
  *grain = ISO_DAY;
  if (n == 10) return 1;
  if ((s[10] != 'T' && s[10] != ' ') || n < 16 || !digits(s + 11, 2, &hh) || s[13] != ':' ||
      !digits(s + 14, 2, &mi))
    return 0;
  size_t i = 16;
  if (i < n && s[i] == ':') {
    if (i + 3 > n || !digits(s + i + 1, 2, &ss)) return 0;
    i += 3;
    if (i < n && s[i] == '.') { /* a dot and at least one digit ("." alone is not a time) */
      size_t j = i + 1;
      while (j < n && s[j] >= '0' && s[j] <= '9') j++;
      if (j == i + 1) return 0;
      char buf[40] = "0";
      memcpy(buf + 1, s + i, j - i); /* "0.250", as the Lua reads it */
      buf[1 + j - i] = '\0';
      *frac = strtod(buf, NULL);
      i = j;
    } else if (i < n && s[i] >= '0' && s[i] <= '9') {
      return 0; /* more digits after the seconds without a dot: the Lua decides */
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return 0;
  long long offset = 0;
  size_t left = n - i;
  if (left == 1 && (s[i] == 'Z' || s[i] == 'z')) {
    /* UTC */
  } else if (left == 5 || left == 6) { /* ±HHMM, ±HH:MM */
    int oh, om;
    if ((s[i] != '+' && s[i] != '-') || !digits(s + i + 1, 2, &oh) ||
        (left == 6 && s[i + 3] != ':') || !digits(s + i + left - 2, 2, &om))
      return 0;
    offset = (oh * 3600LL + om * 60LL) * (s[i] == '-' ? -1 : 1);
  } else if (left != 0) {
    return 0;
  }
  *secs += hh * 3600LL + mi * 60LL + ss - offset;
  *grain = ISO_DATETIME;
  return 1;
}
