/* ISO 8601 dates and times as lua/data/frame.lua's parse_date reads them, in C for columns of
 * them (a 100,000-row time series spent 3 s parsing dates in Lua). Pure C, no Lua. */
#ifndef CHARTD_ISO_DATE_H
#define CHARTD_ISO_DATE_H

#include <stddef.h>

/* Grains, coarse to fine, as frame.lua's M.GRAINS orders them. */
enum iso_grain { ISO_MONTH = 3, ISO_DAY = 4, ISO_DATETIME = 5 };

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

#endif
