/* A faster stroke for long polylines on image surfaces (fast_stroke.h says when and why). */
#include "fast_stroke.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Coverage being drawn: for each device pixel of [x0, x0 + w) × [y0, y0 + h), which of its
 * 4 × 4 sample points the line covers. OR-ing the samples of every segment gives the union's
 * coverage exactly (at the sample grid): no seam where segments join, no gap where two pass
 * close by, as cairo's stroke of one outline. */
typedef struct mask {
  uint16_t *bits;
  int x0, y0, w, h;
  int *lo, *hi; /* per row, the first and last column touched (lo > hi: none) */
} mask;

/* fmin/fmax are library calls at -O2; these are not (and no NaN reaches them). */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Samples sit at the centres of a regular 4 × 4 grid in each pixel: sample row q (4 per pixel
 * row) at y = (q + 0.5) / 4, sample column k at x = (k + 0.5) / 4; bit 4 (q % 4) + k % 4 of
 * pixel (k / 4, q / 4). */

/* What span needs of a mask, read once per segment: its stores into lo and hi (ints) would
 * otherwise make the compiler read the mask's fields again for every sample row. */
typedef struct rows {
  uint16_t *bits;     /* m->bits - m->x0: indexed by pixel column */
  size_t w;           /* pixels a mask row */
  int *lo, *hi;       /* m->lo, m->hi */
  double left, right; /* the first and last sample columns of the mask, less and more one */
  int amin, y0;       /* the mask's first sample column, its first row */
} rows;

static rows rows_of(const mask *m) {
  return (rows){m->bits - m->x0, (size_t)m->w, m->lo, m->hi, 4.0 * m->x0 - 1, 4.0 * (m->x0 + m->w) - 1, 4 * m->x0,
                m->y0};
}

/* Sets, in sample row q (mask row q / 4), the samples whose x lies in [xl, xr]. */
static inline void span(const rows *m, int q, double xl, double xr) {
  /* the first and last sample columns inside, clamped to the mask before leaving doubles */
  double fl = MAX(4 * xl - 0.5, m->left), fr = MIN(4 * xr - 0.5, m->right);
  if (fl > fr) return;
  int a = (int)fl, b = (int)fr; /* both ≥ -1: truncation, then ceil and floor */
  a += a < fl;
  b -= b > fr;
  if (a < m->amin) a = m->amin; /* fl = -1 truncates to 0 and stays */
  if (a > b) return;
  int pa = a >> 2, pb = b >> 2, r = (q >> 2) - m->y0, shift = 4 * (q & 3);
  uint16_t *row = m->bits + (size_t)r * m->w;
  unsigned first = (0xFu << (a & 3)) & 0xFu, last = 0xFu >> (3 - (b & 3));
  if (pa == pb) {
    row[pa] |= (uint16_t)((first & last) << shift);
  } else {
    row[pa] |= (uint16_t)(first << shift);
    for (int p = pa + 1; p < pb; p++) row[p] |= (uint16_t)(0xFu << shift);
    row[pb] |= (uint16_t)(last << shift);
  }
  if (pa < m->lo[r]) m->lo[r] = pa;
  if (pb > m->hi[r]) m->hi[r] = pb;
}

/* Adds the round-capped segment (ax, ay)–(bx, by) of half width `half` (device pixels): the
 * samples within `half` of it. The capsule is convex, so each sample row meets it in one
 * interval: the hull of its chords of the two end discs and of the band beside the segment
 * (0 ≤ t ≤ 1, |offset across| ≤ half), whose ends move linearly with the row's y. */
static void segment(mask *m, double ax, double ay, double bx, double by, double half) {
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, len = sqrt(len2), h2 = half * half;
  double qlo = ceil(4 * (MIN(ay, by) - half) - 0.5), qhi = floor(4 * (MAX(ay, by) + half) - 0.5);
  qlo = MAX(qlo, 4.0 * m->y0);
  qhi = MIN(qhi, 4.0 * (m->y0 + m->h) - 1);
  if (qlo > qhi) return; /* also keeps far-off rows out of the conversions to int */
  /* The band's x range at row offset e = y - ay: x - ax within [u0 + e su0, u1 + e su1] from
   * 0 ≤ t ≤ 1 (when dx ≠ 0) and within [v0 + e sv0, v1 + e sv1] from the offset (dy ≠ 0).
   * A horizontal or vertical segment turns one of them into a condition on e alone. */
  int band = len2 > 0;
  double tu0 = 0, tu1 = 0, tsu = 0, ov0 = 0, ov1 = 0, osv = 0;
  if (band && dx != 0) {
    tsu = -dy / dx;
    tu0 = dx > 0 ? 0 : len2 / dx;
    tu1 = dx > 0 ? len2 / dx : 0;
  }
  if (band && dy != 0) {
    osv = dx / dy; /* (x - ax)(-dy) + e dx = ±half len  ⇔  x - ax = e dx / dy ∓ half len / dy */
    ov0 = -fabs(half * len / dy);
    ov1 = fabs(half * len / dy);
  }
  const rows mr = rows_of(m);
  for (int q = (int)qlo; q <= (int)qhi; q++) {
    double y = (q + 0.5) * 0.25, ea = y - ay, eb = y - by;
    double xl = INFINITY, xr = -INFINITY;
    if (ea * ea <= h2) {
      double w = sqrt(h2 - ea * ea);
      xl = ax - w;
      xr = ax + w;
    }
    if (eb * eb <= h2) {
      double w = sqrt(h2 - eb * eb);
      xl = MIN(xl, bx - w);
      xr = MAX(xr, bx + w);
    }
    if (band) {
      double lo = -INFINITY, hi = INFINITY;
      if (dx != 0) {
        lo = tu0 + ea * tsu;
        hi = tu1 + ea * tsu;
      } else if (ea * dy < 0 || ea * dy > len2) {
        lo = INFINITY;
      }
      if (dy != 0) {
        lo = MAX(lo, ov0 + ea * osv);
        hi = MIN(hi, ov1 + ea * osv);
      } else if (fabs(ea) > half) {
        lo = INFINITY;
      }
      if (lo <= hi) {
        xl = MIN(xl, ax + lo);
        xr = MAX(xr, ax + hi);
      }
    }
    if (xl <= xr) span(&mr, q, xl, xr);
  }
}

/* Samples set in a pixel's 16 bits. */
static inline unsigned count16(unsigned x) {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}

/* A path fit for this stroke: straight segments only, and enough of them. */
static int plain_polyline(const cairo_path_t *path) {
  int segments = 0;
  for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
    switch (path->data[i].header.type) {
    case CAIRO_PATH_LINE_TO:
    case CAIRO_PATH_CLOSE_PATH: segments++; break;
    case CAIRO_PATH_MOVE_TO: break;
    default: return 0; /* curves stay cairo's */
    }
  }
  return segments >= FAST_STROKE_MIN_SEGMENTS;
}

static int applicable(cairo_t *cr, cairo_matrix_t *m) {
  cairo_surface_t *target = cairo_get_target(cr);
  if (cairo_get_group_target(cr) != target || cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_IMAGE)
    return 0;
  if (cairo_get_dash_count(cr) != 0 || cairo_get_line_cap(cr) != CAIRO_LINE_CAP_ROUND ||
      cairo_get_line_join(cr) != CAIRO_LINE_JOIN_ROUND || cairo_get_antialias(cr) == CAIRO_ANTIALIAS_NONE)
    return 0;
  cairo_get_matrix(cr, m);
  if (m->xy != 0 || m->yx != 0 || m->xx != m->yy || !(m->xx > 0)) return 0;
  double width = cairo_get_line_width(cr) * m->xx;
  return width >= 1 && width <= 200;
}

int fast_stroke(cairo_t *cr) {
  cairo_matrix_t m;
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || !applicable(cr, &m)) return 0;
  cairo_path_t *path = cairo_copy_path(cr);
  if (path->status != CAIRO_STATUS_SUCCESS || !plain_polyline(path)) {
    cairo_path_destroy(path);
    return 0;
  }
  double half = cairo_get_line_width(cr) * m.xx / 2, pad = half + 2;

  /* The mask covers the path's device bounds within the clip and the surface. */
  double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
  for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
    if (path->data[i].header.type == CAIRO_PATH_CLOSE_PATH) continue;
    double x = path->data[i + 1].point.x * m.xx + m.x0, y = path->data[i + 1].point.y * m.yy + m.y0;
    path->data[i + 1].point.x = x; /* device coordinates from here on */
    path->data[i + 1].point.y = y;
    bx0 = fmin(bx0, x), by0 = fmin(by0, y), bx1 = fmax(bx1, x), by1 = fmax(by1, y);
  }
  double cx0, cy0, cx1, cy1;
  cairo_clip_extents(cr, &cx0, &cy0, &cx1, &cy1);
  cairo_user_to_device(cr, &cx0, &cy0);
  cairo_user_to_device(cr, &cx1, &cy1);
  cairo_surface_t *target = cairo_get_target(cr);
  double sw = cairo_image_surface_get_width(target), sh = cairo_image_surface_get_height(target);
  int x0 = (int)floor(fmax(fmax(bx0 - pad, cx0), 0)), y0 = (int)floor(fmax(fmax(by0 - pad, cy0), 0));
  int x1 = (int)ceil(fmin(fmin(bx1 + pad, cx1), sw)), y1 = (int)ceil(fmin(fmin(by1 + pad, cy1), sh));
  if (x1 <= x0 || y1 <= y0 || !isfinite(bx0)) { /* nothing visible: consumed, as a stroke would */
    cairo_path_destroy(path);
    cairo_new_path(cr);
    return 1;
  }
  uint16_t *bits = calloc((size_t)(x1 - x0) * (size_t)(y1 - y0), sizeof *bits);
  int *spans = malloc(2 * (size_t)(y1 - y0) * sizeof *spans);
  cairo_surface_t *ms = cairo_image_surface_create(CAIRO_FORMAT_A8, x1 - x0, y1 - y0);
  if (bits == NULL || spans == NULL || cairo_surface_status(ms) != CAIRO_STATUS_SUCCESS) {
    free(bits);
    free(spans);
    cairo_surface_destroy(ms);
    cairo_path_destroy(path);
    return 0;
  }
  mask mk = {bits, x0, y0, x1 - x0, y1 - y0, spans, spans + (y1 - y0)};
  for (int r = 0; r < mk.h; r++) mk.lo[r] = x1, mk.hi[r] = x0 - 1;

  double sx = 0, sy = 0, px = 0, py = 0; /* subpath start, current point */
  for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
    const cairo_path_data_t *d = &path->data[i];
    switch (d->header.type) {
    case CAIRO_PATH_MOVE_TO:
      sx = px = d[1].point.x;
      sy = py = d[1].point.y;
      break;
    case CAIRO_PATH_LINE_TO:
      segment(&mk, px, py, d[1].point.x, d[1].point.y, half);
      px = d[1].point.x;
      py = d[1].point.y;
      break;
    case CAIRO_PATH_CLOSE_PATH:
      segment(&mk, px, py, sx, sy, half);
      px = sx;
      py = sy;
      break;
    default: break;
    }
  }
  cairo_path_destroy(path);

  /* samples covered → coverage */
  cairo_surface_flush(ms);
  unsigned char *a8 = cairo_image_surface_get_data(ms);
  int stride = cairo_image_surface_get_stride(ms);
  for (int y = 0; y < mk.h; y++) {
    const uint16_t *src = bits + (size_t)y * (size_t)mk.w - x0;
    unsigned char *dst = a8 + (size_t)y * (size_t)stride - x0;
    for (int x = mk.lo[y]; x <= mk.hi[y]; x++) {
      uint64_t four; /* a long line's row spans the plot, mostly uncovered: skip 4 pixels at a time */
      if (x + 3 <= mk.hi[y] && (memcpy(&four, src + x, sizeof four), four == 0)) {
        x += 3;
        continue;
      }
      if (src[x]) dst[x] = (unsigned char)((count16(src[x]) * 255 + 8) / 16);
    }
  }
  free(bits);
  free(spans);
  cairo_surface_mark_dirty(ms);

  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_mask_surface(cr, ms, x0, y0);
  cairo_restore(cr);
  cairo_surface_destroy(ms);
  cairo_new_path(cr);
  return 1;
}
