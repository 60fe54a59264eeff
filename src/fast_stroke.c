/* A faster stroke for long polylines on image surfaces (fast_stroke.h says when and why). */
#include "fast_stroke.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

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

/* Sample offsets from a pixel's centre, 4 × 4 at the centres of a regular grid (k = 4y + x). */
static const double OFFSET[4] = {-0.375, -0.125, 0.125, 0.375};
static const float OFFSET_X[16] = {-0.375f, -0.125f, 0.125f, 0.375f, -0.375f, -0.125f, 0.125f, 0.375f,
                                   -0.375f, -0.125f, 0.125f, 0.375f, -0.375f, -0.125f, 0.125f, 0.375f};
static const float OFFSET_Y[16] = {-0.375f, -0.375f, -0.375f, -0.375f, -0.125f, -0.125f, -0.125f, -0.125f,
                                   0.125f,  0.125f,  0.125f,  0.125f,  0.375f,  0.375f,  0.375f,  0.375f};
#define HALF_DIAGONAL 0.7072 /* a sample is at most this far from its pixel's centre */

/* Adds the round-capped segment (ax, ay)–(bx, by) of half width `half` (device pixels):
 * the samples within `half` of it. A pixel whose centre is far enough inside or outside is
 * decided whole; only those on the edge test their 16 samples. */
static void segment(mask *m, double ax, double ay, double bx, double by, double half) {
  double reach = half + HALF_DIAGONAL; /* farthest a touched pixel centre can be */
  double h2 = half * half, reach2 = reach * reach;
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, inv = len2 > 0 ? 1 / len2 : 0;
  double len = sqrt(len2), nx = len > 0 ? -dy / len : 0, ny = len > 0 ? dx / len : 1;
  /* per sample: its offset across the segment, and along it (in units of t) */
  double spread = 0, tspread = 0;
  float across_f[16], along_f[16]; /* in float: sixteen at a time in SIMD registers */
  for (int k = 0; k < 16; k++) {
    double ox = OFFSET[k % 4], oy = OFFSET[k / 4], across = nx * ox + ny * oy, along = (dx * ox + dy * oy) * inv;
    across_f[k] = (float)across;
    along_f[k] = (float)along;
    spread = MAX(spread, fabs(across));
    tspread = MAX(tspread, fabs(along));
  }
  int ylo = (int)floor(MIN(ay, by) - reach - 0.5), yhi = (int)ceil(MAX(ay, by) + reach - 0.5);
  if (ylo < m->y0) ylo = m->y0;
  if (yhi > m->y0 + m->h - 1) yhi = m->y0 + m->h - 1;
  for (int py = ylo; py <= yhi; py++) {
    double cy = py + 0.5;
    /* x range of the part of the segment within `reach` of this row, widened by `reach`:
     * every pixel centre of the row near the segment lies inside */
    double xa, xb;
    if (dy == 0) {
      if (fabs(cy - ay) > reach) continue;
      xa = MIN(ax, bx);
      xb = MAX(ax, bx);
    } else {
      double t1 = (cy - reach - ay) / dy, t2 = (cy + reach - ay) / dy;
      double tlo = MAX(0, MIN(t1, t2)), thi = MIN(1, MAX(t1, t2));
      if (tlo > thi) continue;
      xa = MIN(ax + dx * tlo, ax + dx * thi);
      xb = MAX(ax + dx * tlo, ax + dx * thi);
    }
    int xlo = (int)floor(xa - reach - 0.5), xhi = (int)ceil(xb + reach - 0.5);
    if (xlo < m->x0) xlo = m->x0;
    if (xhi > m->x0 + m->w - 1) xhi = m->x0 + m->w - 1;
    if (xlo > xhi) continue;
    int r = py - m->y0;
    if (xlo < m->lo[r]) m->lo[r] = xlo;
    if (xhi > m->hi[r]) m->hi[r] = xhi;
    uint16_t *row = m->bits + (size_t)r * (size_t)m->w - m->x0;
    double ey = cy - ay;
    for (int px = xlo; px <= xhi; px++) {
      if (row[px] == 0xFFFF) continue;
      double ex = px + 0.5 - ax, t = (ex * dx + ey * dy) * inv;
      unsigned bits = 0;
      if (t - tspread >= 0 && t + tspread <= 1) { /* every sample beside the segment, none past an end */
        double c = fabs(ex * nx + ey * ny);
        if (c - spread > half) continue;
        if (c + spread <= half) {
          row[px] = 0xFFFF;
          continue;
        }
        float cf = (float)(ex * nx + ey * ny), hf = (float)half;
        for (int k = 0; k < 16; k++) bits |= (unsigned)(fabsf(cf + across_f[k]) <= hf) << k;
      } else { /* near an end: a sample measures to its nearest point of the segment, its
                * position along it clamped to the ends (no branch: sixteen at a time) */
        double tc = t < 0 ? 0 : (t > 1 ? 1 : t), fx = ex - tc * dx, fy = ey - tc * dy;
        if (fx * fx + fy * fy >= reach2) continue;
        float tf = (float)t, exf = (float)ex, eyf = (float)ey, dxf = (float)dx, dyf = (float)dy, h2f = (float)h2;
        for (int k = 0; k < 16; k++) {
          float tk = tf + along_f[k];
          tk = tk < 0 ? 0 : tk;
          tk = tk > 1 ? 1 : tk;
          float ox = exf + OFFSET_X[k] - tk * dxf, oy = eyf + OFFSET_Y[k] - tk * dyf;
          bits |= (unsigned)(ox * ox + oy * oy <= h2f) << k;
        }
      }
      row[px] |= (uint16_t)bits;
    }
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
    for (int x = mk.lo[y]; x <= mk.hi[y]; x++)
      if (src[x]) dst[x] = (unsigned char)((count16(src[x]) * 255 + 8) / 16);
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
