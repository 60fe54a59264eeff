/* A faster stroke for long polylines on image surfaces (fast_stroke.h says when and why). */
#include "fast_stroke.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Coverage being drawn: for each device pixel of [x0, x0 + w) × [y0, y0 + h), which of its
 * 4 × 4 sample points the line covers. OR-ing the samples of every segment gives the union's
 * coverage exactly (at the sample grid): no seam where segments join, no gap where two pass
 * close by, as cairo's stroke of one outline.
 *
 * Samples sit at the centres of a regular 4 × 4 grid in each pixel: sample row q (4 per pixel
 * row) at y = (q + 0.5) / 4, sample column k at x = (k + 0.5) / 4. Each sample row is a run of
 * bits, 64 sample columns (16 pixels) a word, so a segment's interval in a row is one or two
 * word writes, whatever its width; pixel coverage is counted 16 pixels at a time at the end. */
typedef struct mask {
  uint64_t *bits; /* sample row q - 4 y0, sample column k - 4 x0: bit (k - 4 x0) % 64 of word / 64 */
  int x0, y0, w, h;
  size_t words; /* words a sample row */
} mask;

/* fmin/fmax are library calls at -O2; these are not (and no NaN reaches them). */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* What span needs of a mask, read once per segment (the compiler would otherwise read the
 * mask's fields again for every sample row). */
typedef struct rows {
  uint64_t *bits;     /* m->bits */
  size_t words;       /* m->words */
  double left, right; /* the first and last sample columns of the mask, less and more one */
  int amin, qmin;     /* the mask's first sample column and row */
} rows;

static rows rows_of(const mask *m) {
  return (rows){m->bits, m->words, 4.0 * m->x0 - 1, 4.0 * (m->x0 + m->w) - 1, 4 * m->x0, 4 * m->y0};
}

/* Sets, in sample row q, the samples whose x lies in [xl, xr]. */
static inline void span(const rows *m, int q, double xl, double xr) {
  /* the first and last sample columns inside, clamped to the mask before leaving doubles */
  double fl = MAX(4 * xl - 0.5, m->left), fr = MIN(4 * xr - 0.5, m->right);
  if (fl > fr) return;
  int a = (int)fl, b = (int)fr; /* both ≥ -1: truncation, then ceil and floor */
  a += a < fl;
  b -= b > fr;
  if (a < m->amin) a = m->amin; /* fl = -1 truncates to 0 and stays */
  if (a > b) return;
  unsigned sa = (unsigned)(a - m->amin), sb = (unsigned)(b - m->amin), wa = sa >> 6, wb = sb >> 6;
  uint64_t *row = m->bits + (size_t)(q - m->qmin) * m->words, first = ~0ull << (sa & 63), last = ~0ull >> (63 - (sb & 63));
  if (wa == wb) {
    row[wa] |= first & last;
  } else {
    row[wa] |= first;
    for (unsigned p = wa + 1; p < wb; p++) row[p] = ~0ull;
    row[wb] |= last;
  }
}

/* Adds the round-capped segment (ax, ay)–(bx, by) of half width `half` (device pixels): the
 * samples within `half` of it. The capsule is convex, so each sample row meets it in one
 * interval: the hull of its chords of the two end discs and of the band beside the segment
 * (0 ≤ t ≤ 1, |offset across| ≤ half), whose ends move linearly with the row's y.
 * Without start_disc, a's disc is left out: the segment before ended there and drew that disc
 * (the same chords of it, computed the same way), so the union is the same. */
static void segment(mask *m, double ax, double ay, double bx, double by, double half, int start_disc) {
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, len = sqrt(len2), h2 = half * half;
  double qlo = ceil(4 * (MIN(ay, by) - half) - 0.5), qhi = floor(4 * (MAX(ay, by) + half) - 0.5);
  if (!start_disc && len2 > 0) { /* the rows of the band and of b's disc (a margin over rounding) */
    double across = half * fabs(dx) / len + 1e-6;
    qlo = ceil(4 * MIN(by - half - 1e-6, MIN(ay, by) - across) - 0.5);
    qhi = floor(4 * MAX(by + half + 1e-6, MAX(ay, by) + across) - 0.5);
  }
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
    if (start_disc && ea * ea <= h2) {
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

/* The samples a pixel covers, for the 16 pixels of one word of each of a pixel row's four
 * sample rows: 0..16 a byte, the even pixels in *even and the odd ones in *odd (byte i: pixel
 * 2i and 2i + 1). */
static inline void count16(const uint64_t r[4], uint64_t *even, uint64_t *odd) {
  uint64_t n[4];
  for (int i = 0; i < 4; i++) { /* samples set in each nibble (0..4) */
    uint64_t x = r[i] - ((r[i] >> 1) & 0x5555555555555555ull);
    n[i] = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  }
  uint64_t s01 = n[0] + n[1], s23 = n[2] + n[3]; /* 0..8 a nibble */
  *even = (s01 & 0x0F0F0F0F0F0F0F0Full) + (s23 & 0x0F0F0F0F0F0F0F0Full);
  *odd = ((s01 >> 4) & 0x0F0F0F0F0F0F0F0Full) + ((s23 >> 4) & 0x0F0F0F0F0F0F0F0Full);
}

/* ---- compositing the coverage ---- */

/* Runs BODY for each pixel of mask row y (pixel x from the mask's left edge) whose coverage
 * `a` (0..255, from its samples) is not 0; 16 pixels a word, a word without samples skipped
 * (a long line's rows are mostly uncovered). */
static const unsigned char LEVEL[17] = {0, 16, 32, 48, 64, 80, 96, 112, 128, 143, 159, 175, 191, 207, 223, 239, 255};
#define EACH_COVERED(mk, y, BODY)                                                                  \
  do {                                                                                             \
    const uint64_t *src_ = (mk)->bits + 4 * (size_t)(y) * (mk)->words;                             \
    for (size_t j_ = 0; j_ < (mk)->words; j_++) {                                                  \
      uint64_t r_[4] = {src_[j_], src_[(mk)->words + j_], src_[2 * (mk)->words + j_],              \
                        src_[3 * (mk)->words + j_]},                                               \
               even_, odd_;                                                                        \
      if ((r_[0] | r_[1] | r_[2] | r_[3]) == 0) continue;                                          \
      count16(r_, &even_, &odd_);                                                                  \
      size_t x = 16 * j_, end_ = MIN(x + 16, (size_t)(mk)->w);                                     \
      for (int i_ = 0; x < end_; x++, i_++) {                                                      \
        unsigned a = LEVEL[((i_ & 1 ? odd_ : even_) >> (8 * (i_ >> 1))) & 0xFF];                   \
        if (a) BODY;                                                                               \
      }                                                                                            \
    }                                                                                              \
  } while (0)

/* pixman's arithmetic on premultiplied ARGB (pixman-combine32.h): each channel times a / 255
 * rounded, and each channel of x times a / 255 plus y's, saturated. */
static inline uint32_t mul_un8x4(uint32_t x, unsigned a) {
  uint32_t rb = (x & 0xFF00FFu) * a + 0x800080u, ag = ((x >> 8) & 0xFF00FFu) * a + 0x800080u;
  rb = ((rb + ((rb >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  ag = ((ag + ((ag >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  return rb | ag << 8;
}

static inline uint32_t add_un8_rb(uint32_t x, uint32_t y) {
  uint32_t t = x + y;
  t |= 0x10000100u - ((t >> 8) & 0xFF00FFu);
  return t & 0xFF00FFu;
}

static inline uint32_t mul_add_un8x4(uint32_t x, unsigned a, uint32_t y) {
  uint32_t rb = (x & 0xFF00FFu) * a + 0x800080u, ag = ((x >> 8) & 0xFF00FFu) * a + 0x800080u;
  rb = ((rb + ((rb >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  ag = ((ag + ((ag >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  return add_un8_rb(rb, y & 0xFF00FFu) | add_un8_rb(ag, (y >> 8) & 0xFF00FFu) << 8;
}

/* The device rectangles the coverage may be written into directly, or -1 when it may not: the
 * source is one colour drawn OVER an ARGB32 image, and the clip (which cairo reports within
 * the surface) is whole pixels. Then what cairo_mask would do is pixman's OVER of the colour
 * IN the coverage, pixel by pixel, written here with the same arithmetic; any other case goes
 * through cairo_mask. *src gets the colour as pixman sees it (premultiplied, from cairo's
 * 16-bit channels). */
enum { MAX_DIRECT_RECTS = 64 };
static int direct_rects(cairo_t *cr, const cairo_matrix_t *m, uint32_t *src, int rect[][4]) {
  cairo_surface_t *target = cairo_get_target(cr);
  double r, g, b, a;
  if (cairo_get_operator(cr) != CAIRO_OPERATOR_OVER || cairo_image_surface_get_format(target) != CAIRO_FORMAT_ARGB32 ||
      cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a) != CAIRO_STATUS_SUCCESS)
    return -1;
  /* cairo's _cairo_color_compute_shorts, then pixman's solid fill takes each short's high byte */
  uint16_t sa = (uint16_t)(a * 65535.0 + 0.5), sr = (uint16_t)(r * a * 65535.0 + 0.5),
           sg = (uint16_t)(g * a * 65535.0 + 0.5), sb = (uint16_t)(b * a * 65535.0 + 0.5);
  *src = (uint32_t)(sa >> 8) << 24 | (uint32_t)(sr >> 8) << 16 | (uint32_t)(sg >> 8) << 8 | (uint32_t)(sb >> 8);
  cairo_rectangle_list_t *list = cairo_copy_clip_rectangle_list(cr);
  int n = 0;
  if (list->status == CAIRO_STATUS_SUCCESS && list->num_rectangles <= MAX_DIRECT_RECTS) {
    for (int i = 0; i < list->num_rectangles; i++, n++) {
      const cairo_rectangle_t *c = &list->rectangles[i];
      double d[4] = {c->x * m->xx + m->x0, c->y * m->yy + m->y0, (c->x + c->width) * m->xx + m->x0,
                     (c->y + c->height) * m->yy + m->y0};
      for (int k = 0; k < 4; k++) {
        double v = floor(d[k] + 0.5);
        if (fabs(d[k] - v) > 1e-6) n = -1;
        rect[i][k] = (int)v;
      }
      if (n < 0) break;
    }
  } else {
    n = -1;
  }
  cairo_rectangle_list_destroy(list);
  return n;
}

/* Composites the coverage with the current source: straight into the image where
 * direct_rects allows it and `direct` is set, else as an A8 mask through cairo_mask. */
static void composite(cairo_t *cr, const mask *mk, int direct) {
  cairo_matrix_t m;
  cairo_get_matrix(cr, &m);
  uint32_t src;
  int rect[MAX_DIRECT_RECTS][4], n = direct ? direct_rects(cr, &m, &src, rect) : -1;
  if (n >= 0) {
    cairo_surface_t *target = cairo_get_target(cr);
    cairo_surface_flush(target);
    unsigned char *data = cairo_image_surface_get_data(target);
    int stride = cairo_image_surface_get_stride(target);
    unsigned ia = 255 - (src >> 24);
    for (int i = 0; i < n; i++) {
      int ya = MAX(rect[i][1], mk->y0), yb = MIN(rect[i][3], mk->y0 + mk->h);
      size_t xa = (size_t)MAX(rect[i][0] - mk->x0, 0), xb = (size_t)MAX(rect[i][2] - mk->x0, 0);
      for (int y = ya; y < yb; y++) {
        uint32_t *dst = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride) + mk->x0;
        EACH_COVERED(mk, y - mk->y0, {
          if (x < xa || x >= xb) continue;
          if (a == 255)
            dst[x] = ia == 0 ? src : mul_add_un8x4(dst[x], ia, src);
          else {
            uint32_t s = mul_un8x4(src, a);
            dst[x] = mul_add_un8x4(dst[x], 255 - (s >> 24), s);
          }
        });
      }
    }
    cairo_surface_mark_dirty(target);
    return;
  }
  cairo_surface_t *ms = cairo_image_surface_create(CAIRO_FORMAT_A8, mk->w, mk->h);
  if (cairo_surface_status(ms) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(ms);
    return;
  }
  cairo_surface_flush(ms);
  unsigned char *a8 = cairo_image_surface_get_data(ms);
  int stride = cairo_image_surface_get_stride(ms);
  for (int y = 0; y < mk->h; y++) {
    unsigned char *dst = a8 + (size_t)y * (size_t)stride;
    EACH_COVERED(mk, y, dst[x] = (unsigned char)a);
  }
  cairo_surface_mark_dirty(ms);
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_mask_surface(cr, ms, mk->x0, mk->y0);
  cairo_restore(cr);
  cairo_surface_destroy(ms);
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

int fast_stroke_with(cairo_t *cr, int direct) {
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
  size_t words = ((size_t)(x1 - x0) * 4 + 63) / 64;
  uint64_t *bits = calloc(words * 4 * (size_t)(y1 - y0), sizeof *bits);
  if (bits == NULL) {
    cairo_path_destroy(path);
    return 0;
  }
  mask mk = {bits, x0, y0, x1 - x0, y1 - y0, words};

  double sx = 0, sy = 0, px = 0, py = 0; /* subpath start, current point */
  int joined = 0;                         /* a segment ended at the current point */
  for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
    const cairo_path_data_t *d = &path->data[i];
    switch (d->header.type) {
    case CAIRO_PATH_MOVE_TO:
      sx = px = d[1].point.x;
      sy = py = d[1].point.y;
      joined = 0;
      break;
    case CAIRO_PATH_LINE_TO:
      segment(&mk, px, py, d[1].point.x, d[1].point.y, half, !joined);
      joined = 1;
      px = d[1].point.x;
      py = d[1].point.y;
      break;
    case CAIRO_PATH_CLOSE_PATH:
      segment(&mk, px, py, sx, sy, half, !joined);
      joined = 0;
      px = sx;
      py = sy;
      break;
    default: break;
    }
  }
  cairo_path_destroy(path);

  composite(cr, &mk, direct);
  free(bits);
  cairo_new_path(cr);
  return 1;
}

int fast_stroke(cairo_t *cr) { return fast_stroke_with(cr, 1); }
