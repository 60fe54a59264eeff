/* format.decimals_apart's rule over doubles (decimals.h). The Lua formats every distinct value
 * at every precision it tries; here the values are sorted once, and since "%.*f" rounds
 * monotonically, two distinct values share a text only if neighbours in that order do — and
 * neighbours further apart than one unit of the last digit never do, so only the close ones
 * are formatted. */
#include "decimals.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Doubles as unsigned keys in the same order (negatives flipped whole, positives' sign set),
 * and back. */
static uint64_t key_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return (u >> 63) ? ~u : u | (1ULL << 63);
}

static double double_of(uint64_t k) {
  uint64_t u = (k >> 63) ? k & ~(1ULL << 63) : ~k;
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

/* Sorts the finite v[0..n) (scratch: decimals_scratch_size(n) bytes): an LSD radix sort of their keys,
 * 11 bits a pass, passing over a digit every key shares. */
enum { BITS = 11, DIGITS = 1 << BITS, PASSES = (64 + BITS - 1) / BITS };

/* The slots of apart_as_integers' table for n values: a power of two, at least 2n. */
static size_t table_size(size_t n) {
  size_t size = 16;
  while (size < 2 * n) size *= 2;
  return size;
}

size_t decimals_scratch_size(size_t n) {
  size_t sort = n * sizeof(uint64_t) + sizeof(size_t[PASSES][DIGITS + 1]), table = table_size(n) * sizeof(uint32_t);
  return sort > table ? sort : table;
}

static void sort_doubles(double *v, void *scratch, size_t n) {
  static_assert(sizeof(uint64_t) == sizeof(double), "keys in the doubles' room");
  uint64_t *src = (uint64_t *)v, *dst = scratch;
  size_t(*count)[DIGITS + 1] = (void *)(dst + n);
  memset(count, 0, sizeof(size_t[PASSES][DIGITS + 1]));
  for (size_t i = 0; i < n; i++) {
    uint64_t k = key_of(v[i]);
    src[i] = k;
    for (int p = 0; p < PASSES; p++) count[p][((k >> (p * BITS)) & (DIGITS - 1)) + 1]++;
  }
  for (int p = 0; p < PASSES; p++) {
    size_t *c = count[p];
    if (n == 0 || c[((src[0] >> (p * BITS)) & (DIGITS - 1)) + 1] == n) continue;
    for (int b = 0; b < DIGITS; b++) c[b + 1] += c[b];
    for (size_t i = 0; i < n; i++) dst[c[(src[i] >> (p * BITS)) & (DIGITS - 1)]++] = src[i];
    uint64_t *t = src;
    src = dst;
    dst = t;
  }
  for (size_t i = 0; i < n; i++) v[i] = double_of(src[i]);
}

/* Two distinct values read the same at d decimals (scale = 10^d). Where both are well away
 * from a rounding boundary the rounded integers answer; else (or past 1e9) the texts do. */
static int same_text(double a, double b, int d, double scale) {
  double x = a * scale, y = b * scale;
  if (fabs(x) < 1e9 && fabs(y) < 1e9) {
    double rx = floor(x + 0.5), ry = floor(y + 0.5);
    if (fabs(fabs(x - floor(x)) - 0.5) > 1e-3 && fabs(fabs(y - floor(y)) - 0.5) > 1e-3)
      return rx == ry && (rx != 0 || signbit(a) == signbit(b)); /* "-0.00" and "0.00" differ */
  }
  char ta[400], tb[400];
  snprintf(ta, sizeof ta, "%.*f", d, a);
  snprintf(tb, sizeof tb, "%.*f", d, b);
  return strcmp(ta, tb) == 0;
}

/* The commonest case, in one pass without memory: every value is the double nearest k / 10^d for
 * an integer k, |k| < 1e8 (as a value read from text with at most d decimals is: m / 10^f and
 * m * 10^(d-f) / 10^d are one real number, rounded once). A value then determines its k, so
 * distinct values have distinct k and "%.*f" writes k: they read apart. Returns 1 when every
 * finite value is such (NaN and ±Inf are skipped), 0 when not (apart_as_integers then decides). */
static int apart_as_written(const double *v, size_t m, int d) {
  double scale = pow(10.0, d);
  for (size_t i = 0; i < m; i++) {
    if (!isfinite(v[i])) continue;
    double x = v[i] * scale, k = floor(x + 0.5);
    if (!(fabs(x) < 1e8) || k / scale != v[i]) return 0;
  }
  return 1;
}

/* The usual case, without sorting: every value is within format.lua's tolerance of an integer
 * k at d decimals, |k| < 1e8 (so the tolerance is under 0.1 and "%.*f" writes k): distinct
 * values then read apart unless two have the same k, which a hash of the k's finds. Returns 1
 * when no two do, 0 when that is not known. */
static int apart_as_integers(const double *v, size_t m, int d, uint32_t *table) {
  size_t size = table_size(m);
  double scale = pow(10.0, d);
  memset(table, 0xFF, size * sizeof *table);
  for (size_t i = 0; i < m; i++) {
    double x = v[i] * scale, k = floor(x + 0.5);
    if (!(fabs(x) < 1e8) || fabs(x - k) > 1e-9 * fmax(1, fabs(x))) return 0;
    size_t j = (size_t)(((uint64_t)(int64_t)k * 0x9E3779B97F4A7C15ULL) >> 20) & (size - 1);
    for (;; j = (j + 1) & (size - 1)) {
      if (table[j] == UINT32_MAX) {
        table[j] = (uint32_t)i;
        break;
      }
      const double other = v[table[j]];
      if (floor(other * scale + 0.5) == k) {
        if (other != v[i]) return 0; /* two values one text: the sorted path decides */
        break;
      }
    }
  }
  return 1;
}

/* The decimals to try first, read from the finite values of v: two significant digits for the
 * smallest non-zero |v|, at most maxd, no more than the values have (format.lua's loop). */
static int first_decimals(const double *v, size_t n, int maxd) {
  double minabs = INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]) && v[i] != 0 && fabs(v[i]) < minabs) minabs = fabs(v[i]);
  int d = 0;
  if (minabs < INFINITY) {
    double want = 1 - floor(log10(minabs));
    d = (int)fmax(0, fmin(maxd, want));
  }
  int exact = 0; /* the decimals the values have, as format.lua's loop finds them (array order) */
  double scale = 1; /* 10 ^ exact */
  for (size_t i = 0; i < n && exact < d; i++) {
    if (!isfinite(v[i])) continue;
    while (exact < d) {
      double x = v[i] * scale;
      if (fabs(x - floor(x + 0.5)) <= 1e-9 * fmax(1, fabs(x))) break;
      scale = pow(10.0, ++exact);
    }
  }
  return exact < d ? exact : d;
}

int decimals_apart_as_written(const double *v, size_t n, int maxd) {
  int d = first_decimals(v, n, maxd);
  return apart_as_written(v, n, d) ? d : -1;
}

int decimals_apart(double *v, size_t n, int maxd, void *scratch) {
  int d = first_decimals(v, n, maxd);
  if (apart_as_written(v, n, d)) return d;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i])) v[m++] = v[i];
  if (m < UINT32_MAX && apart_as_integers(v, m, d, scratch)) return d;
  sort_doubles(v, scratch, m);
  for (; d < maxd; d++) {
    double unit = 2 * pow(10.0, -d), scale = pow(10.0, d); /* further apart than unit: different texts */
    int clash = 0;
    for (size_t i = 1; i < m && !clash; i++)
      if (v[i] != v[i - 1] && v[i] - v[i - 1] <= unit) clash = same_text(v[i - 1], v[i], d, scale);
    if (!clash) return d;
  }
  return d;
}
