/* Column kernels: grouping rows by a numeric key and the M4 line reduction. Pure C, no Lua. */
#ifndef CHARTD_COLUMNS_H
#define CHARTD_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

/* One row to group: its key (finite), its series and its row number (the tie-break that keeps
 * a group's values in row order). */
typedef struct columns_row {
  double x;
  uint32_t sid, row;
} columns_row;

/* Aggregates, as lua/data/transform.lua defines them. COUNT_ROWS counts rows (no measure);
 * COUNT counts rows whose measure is present. */
typedef enum { AGG_SUM, AGG_MEAN, AGG_MEDIAN, AGG_MIN, AGG_MAX, AGG_COUNT, AGG_COUNT_ROWS } columns_agg;

/* One (key, series) group. has_value is 0 for a mean/median/min/max of nothing; missing is 1
 * when `gaps` asked for it and the group has no present measure (a gap in a line). */
typedef struct columns_cell {
  size_t key;
  uint32_t sid;
  double value;
  unsigned char has_value, missing;
} columns_cell;

/* Sorts rows[0..n) by (x, sid, row) (nothing to do for rows already in that order). */
void columns_sort(columns_row *rows, size_t n);

/* Sorts rows[0..n) by (x, sid, row) and aggregates y[row] (NaN = missing; y may be NULL for
 * AGG_COUNT_ROWS) per (x, sid). Writes, for each distinct key in ascending order, the row
 * number of its first row into key_rows (*nkeys of them), and the groups, by key then series,
 * into cells; returns the number of groups. `scratch` holds n doubles (medians). Never
 * allocates except inside qsort. */
size_t columns_group(columns_row *rows, size_t n, const double *y, columns_agg op, int gaps,
                     double *scratch, uint32_t *key_rows, size_t *nkeys, columns_cell *cells);

/* M4 (Jugel et al., VLDB 2014): a line of n points at device x positions px = a * keys[i] + b
 * (ascending; 0 for a key that is not finite; keys NULL: a * (i + 1) + b) keeps, per pixel
 * column floor(px), its first and last point and those with the smallest and largest value —
 * which rasterizes to the same pixels as the whole line. The columns are read as they are (a
 * parsed column's doubles), nothing copied. v[i] NaN means no point at i: the line goes on, or
 * breaks there when brk[i] is non-zero (brk may be NULL). Sets keep[i] = 1 for the points kept
 * (keep is not cleared first, so calls for several value arrays over one x add up to the union). */
void columns_m4(size_t n, const double *keys, double a, double b, const double *v, const unsigned char *brk,
                unsigned char *keep);

#endif
