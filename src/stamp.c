/* Many copies of one marker, stamped from pre-rendered masks (stamp.h says how and why). */
#include "stamp.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#define SUB 4   /* sub-pixel steps per pixel, each way (a quarter pixel: 2 bits) */
#define RSTEP 8 /* radius steps per pixel */

/* One pre-rendered marker: the pixels it covers around the pixel that holds its centre
 * (plus the variant's sub-pixel offset), as offsets and what each leaves of what is below,
 * zeros left out; and the same as a rectangle of rows a multiple of 4 wide, 1 (leaves all)
 * where it does not cover, so that a marker inside the layer is a few 4-wide multiplications
 * a row (a product by 1 changes nothing: the same bits as pixel by pixel).
 *
 * Every marker of a call has the one colour, so markers composited one over the other leave a
 * pixel colour × (1 − T), T the product of what each left (1 − alpha × coverage), whatever
 * their order: the layer holds T per pixel, one multiplication a marker pixel, and becomes
 * colour at the end (more exact than compositing 8-bit colours marker after marker). */
typedef struct stamp_px {
  short dx, dy;
  float keep; /* 1 − the source alpha × the coverage */
} stamp_px;

typedef struct stamp {
  stamp_px *px;
  int count;
  float *rect;    /* rw × rh, row by row */
  int rx, ry;     /* its top left pixel's offset from the centre's */
  int rw, rh;     /* rw a multiple of 4 */
} stamp;

/* Masks by radius bucket (1/RSTEP of a layer pixel each) and sub-pixel offset. */
typedef struct stamp_cache {
  double alpha; /* the source's */
  const cairo_path_t *path;
  double unit;   /* the path's radius */
  double extent; /* how far the marker reaches from its centre, per unit of radius */
  int buckets;
  stamp *s; /* buckets * SUB * SUB, rendered on first use */
} stamp_cache;

static int render(stamp_cache *c, stamp *st, double radius, double fx, double fy) {
  int half = (int)ceil(radius * c->extent + 1.5), size = 2 * half + 1;
  cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_A8, size, size);
  cairo_t *cr = cairo_create(surf);
  cairo_translate(cr, half + 0.5 + fx, half + 0.5 + fy);
  cairo_scale(cr, radius / c->unit, radius / c->unit);
  cairo_append_path(cr, c->path);
  cairo_fill(cr);
  cairo_destroy(cr);
  cairo_surface_flush(surf);
  int ok = cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS;
  stamp_px *px = ok ? malloc((size_t)size * (size_t)size * sizeof *px) : NULL;
  int count = 0, x0 = size, y0 = size, x1 = -1, y1 = -1;
  if (px) {
    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    for (int y = 0; y < size; y++)
      for (int x = 0; x < size; x++) {
        unsigned cov = data[(size_t)y * (size_t)stride + (size_t)x];
        if (!cov) continue;
        px[count++] = (stamp_px){(short)(x - half), (short)(y - half), (float)(1 - c->alpha * cov / 255.0)};
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1, y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
      }
  }
  cairo_surface_destroy(surf);
  int rw = count ? (x1 - x0 + 4) / 4 * 4 : 0, rh = count ? y1 - y0 + 1 : 0;
  float *rect = px ? malloc(((size_t)rw * (size_t)rh + 1) * sizeof *rect) : NULL;
  if (!rect) {
    free(px);
    return -1;
  }
  for (size_t k = 0; k < (size_t)rw * (size_t)rh; k++) rect[k] = 1;
  for (int k = 0; k < count; k++) rect[(size_t)(px[k].dy + half - y0) * (size_t)rw + (size_t)(px[k].dx + half - x0)] = px[k].keep;
  *st = (stamp){px, count, rect, x0 - half, y0 - half, rw, rh};
  return 0;
}

/* Composites stamp st at layer pixel (cx, cy) (its centre) into the w × h what-is-left layer t. */
static void blit(const stamp *st, float *t, int w, int h, int cx, int cy) {
  int x = cx + st->rx, y = cy + st->ry;
  if (x >= 0 && y >= 0 && x + st->rw <= w && y + st->rh <= h) {
    float *row = t + (size_t)y * (size_t)w + x;
    const float *keep = st->rect;
    for (int r = 0; r < st->rh; r++, row += w, keep += st->rw)
      for (int k = 0; k < st->rw; k += 4) {
#if defined(__SSE2__)
        _mm_storeu_ps(row + k, _mm_mul_ps(_mm_loadu_ps(row + k), _mm_loadu_ps(keep + k)));
#else
        for (int j = k; j < k + 4; j++) row[j] *= keep[j];
#endif
      }
    return;
  }
  const stamp_px *px = st->px;
  for (int k = 0; k < st->count; k++) { /* at the layer's edge: clipped pixel by pixel */
    int px_x = cx + px[k].dx, px_y = cy + px[k].dy;
    if (px_x >= 0 && px_y >= 0 && px_x < w && px_y < h) t[(size_t)px_y * (size_t)w + px_x] *= px[k].keep;
  }
}

/* The layer's pixels from what the markers left of each: colour (r, g, b) at alpha 1 − T,
 * premultiplied, to the nearest 8-bit level. */
static void colour_layer(const float *t, int w, int h, uint32_t *data, int stride, double r, double g, double b) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      float left = t[(size_t)y * (size_t)w + x];
      if (left >= 1) continue;
      double a = 1 - left;
      uint32_t A = (uint32_t)(a * 255 + 0.5), R = (uint32_t)(r * a * 255 + 0.5), G = (uint32_t)(g * a * 255 + 0.5),
               B = (uint32_t)(b * a * 255 + 0.5);
      data[(size_t)y * (size_t)stride + x] = A << 24 | R << 16 | G << 8 | B;
    }
}

/* floor, for |v| < 2^62 (floor() is a library call at -O2). */
static inline long ifloor(double v) {
  long i = (long)v;
  return i - (v < (double)i);
}

/* The general way: one cairo fill per marker. */
static void fill_each(cairo_t *cr, const cairo_path_t *path, const double *xs, const double *ys, const double *rs,
                      double unit, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double r = rs ? rs[i] / unit : 1;
    if (!isfinite(xs[i]) || !isfinite(ys[i]) || !isfinite(r) || r <= 0) continue;
    cairo_save(cr);
    cairo_translate(cr, xs[i], ys[i]);
    cairo_scale(cr, r, r);
    cairo_append_path(cr, path);
    cairo_restore(cr);
    cairo_fill(cr);
  }
}

/* How far the marker path reaches from its centre, from its extents. */
static double marker_extent(cairo_t *cr, const cairo_path_t *path) {
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_new_path(cr);
  cairo_append_path(cr, path);
  double x0, y0, x1, y1;
  cairo_path_extents(cr, &x0, &y0, &x1, &y1);
  cairo_new_path(cr);
  cairo_restore(cr);
  return fmax(fmax(fabs(x0), fabs(x1)), fmax(fabs(y0), fabs(y1)));
}

int stamp_markers(cairo_t *cr, const double *xs, const double *ys, const double *rs, double unit, size_t n) {
  cairo_path_t *path = cairo_copy_path(cr);
  cairo_new_path(cr);
  if (path->status != CAIRO_STATUS_SUCCESS) {
    cairo_path_destroy(path);
    return -1;
  }
  cairo_matrix_t mt;
  cairo_get_matrix(cr, &mt);
  double sr, sg, sb, sa;
  cairo_surface_t *target = cairo_get_group_target(cr);
  int image = cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE;
  if (mt.xy != 0 || mt.yx != 0 || mt.xx != mt.yy || !(mt.xx > 0) ||
      cairo_pattern_get_rgba(cairo_get_source(cr), &sr, &sg, &sb, &sa) != CAIRO_STATUS_SUCCESS) {
    fill_each(cr, path, xs, ys, rs, unit, n);
    cairo_path_destroy(path);
    return 0;
  }
  double res = image ? 1 : 2;       /* layer pixels per device unit */
  double scale = mt.xx * res;       /* layer pixels per user unit */
  if (!(unit > 0) || !isfinite(unit)) unit = 1;
  double extent = marker_extent(cr, path) / unit, rmax = 0;
  double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    double x = xs[i], y = ys[i];
    if (!(x - x == 0 && y - y == 0)) continue; /* NaN or ±inf: x - x is NaN */
    if (rs) {
      if (!(rs[i] > 0 && rs[i] < INFINITY)) continue;
      rmax = rs[i] > rmax ? rs[i] : rmax;
    }
    bx0 = x < bx0 ? x : bx0, by0 = y < by0 ? y : by0;
    bx1 = x > bx1 ? x : bx1, by1 = y > by1 ? y : by1;
  }
  if (!rs && isfinite(bx0)) rmax = unit;
  if (!isfinite(bx0) || rmax * scale > 1000) { /* nothing to draw, or markers too big to pre-render */
    if (isfinite(bx0)) fill_each(cr, path, xs, ys, rs, unit, n);
    cairo_path_destroy(path);
    return 0;
  }

  /* The layer: the markers' bounds, within the clip (and the surface), in layer pixels. */
  double pad = rmax * extent + 2 / scale;
  double cx0, cy0, cx1, cy1;
  cairo_clip_extents(cr, &cx0, &cy0, &cx1, &cy1);
  double ux0 = fmax(bx0 - pad, cx0), uy0 = fmax(by0 - pad, cy0);
  double ux1 = fmin(bx1 + pad, cx1), uy1 = fmin(by1 + pad, cy1);
  double lx0 = floor((ux0 * mt.xx + mt.x0) * res), ly0 = floor((uy0 * mt.yy + mt.y0) * res);
  double lx1 = ceil((ux1 * mt.xx + mt.x0) * res), ly1 = ceil((uy1 * mt.yy + mt.y0) * res);
  if (image) {
    lx0 = fmax(lx0, 0), ly0 = fmax(ly0, 0);
    lx1 = fmin(lx1, cairo_image_surface_get_width(target));
    ly1 = fmin(ly1, cairo_image_surface_get_height(target));
  }
  if (!(lx1 > lx0 && ly1 > ly0) || (lx1 - lx0) * (ly1 - ly0) > 64e6) {
    if (lx1 > lx0 && ly1 > ly0) fill_each(cr, path, xs, ys, rs, unit, n);
    cairo_path_destroy(path);
    return 0;
  }
  int w = (int)(lx1 - lx0), h = (int)(ly1 - ly0);
  cairo_surface_t *layer = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  stamp_cache cache = {sa, path, unit, extent, (int)ceil(rmax * scale * RSTEP) + 1, NULL};
  cache.s = calloc((size_t)cache.buckets * SUB * SUB, sizeof *cache.s);
  float *left = malloc((size_t)w * (size_t)h * sizeof *left);
  int rc = 0;
  if (cairo_surface_status(layer) != CAIRO_STATUS_SUCCESS || cache.s == NULL || left == NULL) {
    rc = -1;
    goto done;
  }
  for (size_t k = 0; k < (size_t)w * (size_t)h; k++) left[k] = 1;
  double reach = rmax * scale * extent + 2; /* a centre further off the layer draws nothing on it */
  int ubucket = (int)(unit * scale * RSTEP + 0.5); /* every marker's, without rs */
  if (ubucket >= cache.buckets) ubucket = cache.buckets - 1;
  for (size_t i = 0; i < n; i++) {
    int bucket = ubucket;
    if (rs) {
      double r = rs[i];
      if (!(r > 0 && r < INFINITY)) continue;
      bucket = (int)(r * scale * RSTEP + 0.5);
      if (bucket >= cache.buckets) bucket = cache.buckets - 1;
    }
    double X = (xs[i] * mt.xx + mt.x0) * res - lx0 - 0.5, Y = (ys[i] * mt.yy + mt.y0) * res - ly0 - 0.5;
    /* also skips a non-finite coordinate: NaN fails every comparison, ±inf the bounds */
    if (!(X >= -reach && Y >= -reach && X <= w + reach && Y <= h + reach)) continue;
    long qx = ifloor(X * SUB + 0.5), qy = ifloor(Y * SUB + 0.5); /* quarter pixels */
    _Static_assert(SUB == 4, "quarter pixels: two bits");
    int ix = (int)(qx >> 2), iy = (int)(qy >> 2), fx = (int)(qx & 3), fy = (int)(qy & 3);
    stamp *st = &cache.s[((size_t)bucket * SUB + (size_t)fy) * SUB + (size_t)fx];
    if (st->px == NULL && render(&cache, st, (double)bucket / RSTEP, (double)fx / SUB, (double)fy / SUB) != 0) {
      rc = -1;
      goto done;
    }
    blit(st, left, w, h, ix, iy);
  }
  cairo_surface_flush(layer);
  colour_layer(left, w, h, (uint32_t *)cairo_image_surface_get_data(layer), cairo_image_surface_get_stride(layer) / 4,
               sr, sg, sb);
  cairo_surface_mark_dirty(layer);
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_scale(cr, 1 / res, 1 / res);
  cairo_set_source_surface(cr, layer, lx0, ly0);
  cairo_paint(cr);
  cairo_restore(cr);
done:
  free(left);
  if (cache.s) {
    for (size_t k = 0; k < (size_t)cache.buckets * SUB * SUB; k++) free(cache.s[k].px), free(cache.s[k].rect);
    free(cache.s);
  }
  cairo_surface_destroy(layer);
  cairo_path_destroy(path);
  return rc;
}
