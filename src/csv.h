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

/* Exact powers of ten: a double holds 10^0..10^22 exactly. */
static const double CSV_POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The usual number cell at text[i]: [-]digits[.digits], 1 to 15 digits, ending at the
 * separator, a line ending or the end — what csv_number's first path reads, read as the field
 * is scanned (the parser's `number` callback; lua_csv.c's simple_rows). Returns its length with
 * csv_number's answer (*kind 1: *ival, 2: *dval); 0 when the field is anything else. Inline:
 * it runs once a cell. nul_ended: text[len] is '\0' (a Lua string's is), which ends a run of
 * digits as the end of the text does, so the digit loops need not compare j with len (two
 * instructions of the ~9 a digit costs); a constant at every call, folded away. */
static inline size_t csv_usual_number_in(const char *text, size_t i, size_t len, char separator, int nul_ended,
                                         int *kind, long long *ival, double *dval) {
  size_t j = i;
  int negative = j < len && text[j] == '-';
  j += (size_t)negative;
  unsigned long long mant = 0;
  size_t d0 = j;
  for (unsigned d; (nul_ended || j < len) && (d = (unsigned)(unsigned char)text[j] - '0') < 10; j++)
    mant = mant * 10 + d;
  size_t digits = j - d0, frac = 0;
  int dot = j < len && text[j] == '.';
  if (dot) {
    size_t f0 = ++j;
    for (unsigned d; (nul_ended || j < len) && (d = (unsigned)(unsigned char)text[j] - '0') < 10; j++)
      mant = mant * 10 + d;
    frac = j - f0;
  }
  digits += frac;
  if (digits == 0 || digits > 15) return 0;
  if (j < len && text[j] != separator && text[j] != '\n' && !(text[j] == '\r' && j + 1 < len && text[j + 1] == '\n'))
    return 0;
  if (!dot) {
    *ival = negative ? -(long long)mant : (long long)mant;
    *kind = 1;
    return j - i;
  }
  double v = (double)mant / CSV_POW10[frac];
  *dval = negative ? -v : v;
  *kind = 2;
  return j - i;
}

static inline size_t csv_usual_number(const char *text, size_t i, size_t len, char separator, int *kind,
                                      long long *ival, double *dval) {
  return csv_usual_number_in(text, i, len, separator, 0, kind, ival, dval);
}

/* The same for a text whose text[len] is '\0'. */
static inline size_t csv_usual_number_z(const char *text, size_t i, size_t len, char separator, int *kind,
                                        long long *ival, double *dval) {
  return csv_usual_number_in(text, i, len, separator, 1, kind, ival, dval);
}

#endif
