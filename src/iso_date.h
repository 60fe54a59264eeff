/* ISO 8601 dates and times as lua/data/frame.lua's parse_date reads them, in C for columns of
 * them (a 100,000-row time series spent 3 s parsing dates in Lua). Pure C, no Lua. */
#ifndef CHARTD_ISO_DATE_H
#define CHARTD_ISO_DATE_H

#include <stddef.h>

/* Grains, coarse to fine, as frame.lua's M.GRAINS orders them. */
enum iso_grain { ISO_YEAR = 1, ISO_QUARTER = 2, ISO_MONTH = 3, ISO_DAY = 4, ISO_DATETIME = 5 };

/* Reads s[0..n) when it is exactly one of "YYYY-MM", "YYYY-MM-DD" and
 * "YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|z|±HH[:]MM]" and valid: *secs = whole epoch seconds (UTC),
 * *frac = the fraction of a second (0 when none), *grain. Returns 0 for anything else —
 * other forms, surrounding spaces, an invalid day or hour — which the caller leaves to the Lua
 * parser, so what this accepts is only ever what that parser would answer the same way. */
int iso_date_parse(const char *s, size_t n, long long *secs, double *frac, enum iso_grain *grain);

/* The last day iso_date_memo read: a column of timestamps repeats its day for many rows. */
typedef struct iso_day {
  char text[10]; /* "YYYY-MM-DD", valid, or text[0] == 0 for none yet */
  long long secs;
} iso_day;

/* iso_date_parse, the day of a text starting with memo's ten bytes taken from it (the answer
 * is the same: those bytes decide the day alone), and memo then holding this text's day. */
int iso_date_memo(const char *s, size_t n, long long *secs, double *frac, enum iso_grain *grain, iso_day *memo);

/* The last day iso_date_format wrote: a column of timestamps repeats its day for many rows. */
typedef struct iso_civil {
  long long days, y, m, d; /* days since 1970-01-01 and its date; m == 0: none yet */
} iso_civil;
#define ISO_CIVIL_NONE {0, 0, 0, 0}

/* Epoch seconds t as frame.lua's format_date writes them at a grain: "2024", "2024-Q1",
 * "2024-01", "2024-01-15", "2024-01-15T10:00:00Z" (the same arithmetic: floor of t / 86400,
 * calendar.lua's civil_from_days with floor divisions, "%04d" years), the day's date taken from
 * *memo when it is the same day, and *memo then holding t's day. Writes at most ISO_DATE_TEXT
 * bytes to out and returns the length, or 0 for a t the Lua formats otherwise or refuses (NaN,
 * beyond ±1e13 s) — the caller leaves that to the Lua code. */
enum { ISO_DATE_TEXT = 64 };
size_t iso_date_format(double t, enum iso_grain grain, iso_civil *memo, char *out);

#endif
