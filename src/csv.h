/* RFC 4180 CSV parser: pure C, no Lua; reports fields and row ends through callbacks. */
#ifndef CHARTD_CSV_H
#define CHARTD_CSV_H

#include <stddef.h>

typedef struct csv_callbacks {
  /* A complete field of the current row (not NUL-terminated; quotes removed, "" unescaped).
   * Return non-zero to stop parsing (csv_parse then returns -1 with err "stopped"). */
  int (*field)(void *ud, const char *data, size_t len);
  /* End of a row (after its last field). Same return convention. */
  int (*row_end)(void *ud);
  void *ud;
  /* Optional (NULL: every field goes to `field`): an unquoted field that is the usual number,
   * [-]digits[.digits] with 1 to 15 digits, read as it is scanned, with csv_number's answer
   * (kind 1: *ival, 2: *dval) beside its text. Same return convention. */
  int (*number)(void *ud, const char *data, size_t len, int kind, long long ival, double dval);
} csv_callbacks;

/* Parses text of len bytes. A leading UTF-8 BOM is skipped; rows end at LF or CRLF (a lone
 * CR is data); a final line ending does not start an empty row; an empty input has no rows;
 * a blank line inside the text is a row with one empty field.
 * Quoted fields may hold separators, line endings and doubled quotes.
 * Returns 0, or -1 with err set to e.g. "line 3: unterminated quoted field". */
int csv_parse(const char *text, size_t len, char separator, const csv_callbacks *cb, char *err,
              size_t errlen);

/* Same, but unescapes quoted fields into the caller's scratch (at least len bytes) and
 * never allocates: safe when a callback may longjmp (a Lua error) out of the parser. */
int csv_parse_scratch(const char *text, size_t len, char separator, const csv_callbacks *cb,
                      char *scratch, char *err, size_t errlen);

/* A CSV cell as a number, by data/frame.lua's rule (parse_number): plain decimal numbers with
 * optional sign, decimals and exponent, blanks around allowed; no hex, no "inf", no
 * thousands separators, finite only. Returns 0 when it is not one; 1 for an integer written
 * without point or exponent that fits 64 bits (*ival, as Lua's tonumber gives an integer);
 * 2 for any other number (*dval). */
int csv_number(const char *s, size_t len, long long *ival, double *dval);

#endif
