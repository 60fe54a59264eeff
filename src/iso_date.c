/* ISO 8601 dates and times as lua/data/frame.lua reads them (iso_date.h says which). */
#include "iso_date.h"

#include <math.h>
#include <stdio.h>
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

/* Lua's // on integers (toward minus infinity), which calendar.lua uses throughout. */
static long long floor_div(long long a, long long b) {
  long long q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static char *put2(char *p, long long v) {
  *p++ = (char)('0' + v / 10);
  *p++ = (char)('0' + v % 10);
  return p;
}

/* calendar.lua's civil_from_days, floor divisions as written there. */
static void civil_from_days(long long days, iso_civil *c) {
  long long z = days + 719468;
  long long era = floor_div(z >= 0 ? z : z - 146096, 146097);
  long long doe = z - era * 146097;
  long long yoe = floor_div(doe - floor_div(doe, 1460) + floor_div(doe, 36524) - floor_div(doe, 146096), 365);
  long long y = yoe + era * 400;
  long long doy = doe - (365 * yoe + floor_div(yoe, 4) - floor_div(yoe, 100));
  long long mp = floor_div(5 * doy + 2, 153);
  c->days = days;
  c->d = doy - floor_div(153 * mp + 2, 5) + 1;
  c->m = mp < 10 ? mp + 3 : mp - 9;
  c->y = c->m <= 2 ? y + 1 : y;
}

size_t iso_date_format(double t, enum iso_grain grain, iso_civil *memo, char *out) {
  if (!(t >= -1e13 && t <= 1e13)) return 0; /* NaN too */
  long long days = (long long)floor(t / 86400);
  if (memo->m == 0 || memo->days != days) civil_from_days(days, memo);
  long long y = memo->y, m = memo->m, d = memo->d;
  long long s = (long long)floor(t - (double)(days * 86400));
  long long hh = floor_div(s, 3600), mi = floor_div(s - floor_div(s, 3600) * 3600, 60), ss = s - floor_div(s, 60) * 60;
  int plain = y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && s >= 0 && s < 86400;
  if (!plain) { /* what string.format's "%04d"/"%02d" write for anything else */
    int n;
    switch (grain) {
    case ISO_YEAR: n = snprintf(out, ISO_DATE_TEXT, "%04lld", y); break;
    case ISO_QUARTER: n = snprintf(out, ISO_DATE_TEXT, "%04lld-Q%lld", y, floor_div(m - 1, 3) + 1); break;
    case ISO_MONTH: n = snprintf(out, ISO_DATE_TEXT, "%04lld-%02lld", y, m); break;
    case ISO_DAY: n = snprintf(out, ISO_DATE_TEXT, "%04lld-%02lld-%02lld", y, m, d); break;
    default:
      n = snprintf(out, ISO_DATE_TEXT, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d, hh, mi, ss);
    }
    return n > 0 && n < ISO_DATE_TEXT ? (size_t)n : 0;
  }
  char *p = put2(put2(out, y / 100), y % 100);
  if (grain == ISO_YEAR) return (size_t)(p - out);
  *p++ = '-';
  if (grain == ISO_QUARTER) {
    *p++ = 'Q';
    *p++ = (char)('0' + (m - 1) / 3 + 1);
    return (size_t)(p - out);
  }
  p = put2(p, m);
  if (grain == ISO_MONTH) return (size_t)(p - out);
  *p++ = '-';
  p = put2(p, d);
  if (grain == ISO_DAY) return (size_t)(p - out);
  *p++ = 'T';
  p = put2(p, hh);
  *p++ = ':';
  p = put2(p, mi);
  *p++ = ':';
  p = put2(p, ss);
  *p++ = 'Z';
  return (size_t)(p - out);
}
