/* lua/layout/format.lua's decimals_apart in C, for the alt text of a large chart (a 100,000-point
 * line spent 2.6 billion instructions formatting every value at every precision). Pure C. */
#ifndef CHARTD_DECIMALS_H
#define CHARTD_DECIMALS_H

#include <stddef.h>

/* The decimals format.decimals_apart gives the finite numbers of v[0..n) (NaN and ±Inf are
 * skipped): two significant digits for the smallest non-zero |v|, no more than the values
 * have, more until distinct values written with "%.*f" read apart, at most maxd. v is reordered
 * (sorted); scratch holds decimals_scratch_size(n) bytes (aligned for doubles). */
int decimals_apart(double *v, size_t n, int maxd, void *scratch);

/* decimals_apart's answer when it needs no sort nor memory — the commonest case, every value
 * written with at most that many decimals — read without changing v; -1 when it needs them. */
int decimals_apart_as_written(const double *v, size_t n, int maxd);
size_t decimals_scratch_size(size_t n);

#endif
