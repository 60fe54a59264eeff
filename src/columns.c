/* Column kernels: grouping rows by a numeric key and the M4 line reduction. */
#include "columns.h"

#include <math.h>
#include <stdlib.h>

static int row_cmp(const void *pa, const void *pb) {
  const columns_row *a = pa, *b = pb;
  if (a->x != b->x) return a->x < b->x ? -1 : 1;
  if (a->sid != b->sid) return a->sid < b->sid ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}

static int double_cmp(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}

/* Most data arrives ordered by key (time series): then there is nothing to sort. */
static int sorted(const columns_row *rows, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (row_cmp(&rows[i - 1], &rows[i]) > 0) return 0;
  return 1;
}

/* R type 7 at p = 0.5 over sorted xs[0..n), the formula transform.lua uses, so the two agree
 * to the bit. */
static double median_sorted(const double *xs, size_t n) {
  double h = (double)(n - 1) * 0.5 + 1;
  size_t lo = (size_t)floor(h);
  if (lo >= n) return xs[n - 1];
  return xs[lo - 1] + (h - (double)lo) * (xs[lo] - xs[lo - 1]);
}

/* One group's rows[a..b): its value and flags. Sums run in row order, as in Lua. */
static void aggregate(const columns_row *rows, size_t a, size_t b, const double *y, columns_agg op,
                      int gaps, double *scratch, columns_cell *cell) {
  size_t present = 0;
  double sum = 0, best = 0;
  for (size_t i = a; i < b; i++) {
    if (y == NULL) continue;
    double v = y[rows[i].row];
    if (isnan(v)) continue;
    if (op == AGG_MEDIAN) scratch[present] = v;
    if (present == 0 || (op == AGG_MIN && v < best) || (op == AGG_MAX && v > best)) best = v;
    sum += v;
    present++;
  }
  cell->has_value = 1;
  cell->missing = 0;
  switch (op) {
  case AGG_COUNT_ROWS: cell->value = (double)(b - a); return;
  case AGG_COUNT: cell->value = (double)present; return;
  case AGG_SUM: cell->value = sum; break;
  case AGG_MEAN:
    cell->value = present ? sum / (double)present : 0;
    if (present && !isfinite(sum)) { /* the sum left the double range (1e308s), the mean cannot: sum the
                                      * values' shares instead, as transform.lua does */
      double mean = 0;
      for (size_t i = a; i < b; i++)
        if (!isnan(y[rows[i].row])) mean += y[rows[i].row] / (double)present;
      cell->value = mean;
    }
    break;
  case AGG_MIN:
  case AGG_MAX: cell->value = best; break;
  case AGG_MEDIAN:
    if (present > 0) {
      qsort(scratch, present, sizeof *scratch, double_cmp);
      cell->value = median_sorted(scratch, present);
    }
    break;
  }
  if (present == 0) {
    if (op != AGG_SUM) cell->has_value = 0; /* the sum of nothing is 0, the rest nothing */
    if (gaps) {
      cell->has_value = 0;
      cell->missing = 1;
    }
  }
}

void columns_sort(columns_row *rows, size_t n) {
  if (!sorted(rows, n)) qsort(rows, n, sizeof *rows, row_cmp);
}

size_t columns_group(columns_row *rows, size_t n, const double *y, columns_agg op, int gaps,
                     double *scratch, uint32_t *key_rows, size_t *nkeys, columns_cell *cells) {
  columns_sort(rows, n);
  size_t ncells = 0, k = 0;
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && rows[b].x == rows[a].x && rows[b].sid == rows[a].sid) b++;
    if (a == 0 || rows[a - 1].x != rows[a].x) key_rows[k++] = rows[a].row;
    columns_cell *c = &cells[ncells++];
    c->key = k - 1;
    c->sid = rows[a].sid;
    aggregate(rows, a, b, y, op, gaps, scratch, c);
    a = b;
  }
  *nkeys = k;
  return ncells;
}

/* The pixel column being reduced: the indices of its first, last, lowest and highest point. */
typedef struct m4_column {
  long col;
  size_t first, last, lo, hi;
  int open;
} m4_column;

static void m4_flush(m4_column *c, unsigned char *keep) {
  if (!c->open) return;
  keep[c->first] = keep[c->last] = keep[c->lo] = keep[c->hi] = 1;
  c->open = 0;
}

void columns_m4(size_t n, const double *keys, double a, double b, const double *v, const unsigned char *brk,
                unsigned char *keep) {
  m4_column c = {0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    if (isnan(v[i])) {
      if (brk && brk[i]) m4_flush(&c, keep); /* the line ends: its last column closes */
      continue;
    }
    double key = keys ? keys[i] : (double)(i + 1), px = isfinite(key) ? a * key + b : 0;
    long col = (long)px;
    col -= px < (double)col; /* floor, without a libm call a point */
    if (c.open && col == c.col) {
      c.last = i;
      if (v[i] < v[c.lo]) c.lo = i;
      if (v[i] > v[c.hi]) c.hi = i;
      continue;
    }
    m4_flush(&c, keep);
    c = (m4_column){col, i, i, i, i, 1};
  }
  m4_flush(&c, keep);
}
