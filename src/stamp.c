/* Many copies of one marker, stamped from pre-rendered masks (stamp.h says how and why). */
#include "stamp.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SUB 4   /* sub-pixel steps per pixel, each way */
#define RSTEP 8 /* radius steps per pixel */

/* One pre-rendered marker: the pixels it covers around the pixel that holds its centre
 * (plus the variant's sub-pixel offset), as offsets and coverages, zeros left out. */
typedef struct stamp_px {
  short dx, dy;
  uint32_t src; /* the source colour times the coverage, premultiplied ARGB */
  uint32_t inv; /* 255 minus the source alpha times the coverage: what is left of the pixel below */
} stamp_px;

typedef struct stamp {
  stamp_px *px;
  int count, half;
} stamp;

/* Masks by radius bucket (1/RSTEP of a layer pixel each) and sub-pixel offset. */
typedef struct stamp_cache {
  uint32_t src[4]; /* premultiplied colour, 0..255: r, g, b, a */
  const cairo_path_t *path;
  double unit;   /* the path's radius */
  double extent; /* how far the marker reaches from its centre, per unit of radius */
  int buckets;
  stamp *s; /* buckets * SUB * SUB, rendered on first use */
} stamp_cache;

static inline uint32_t div255(uint32_t x) { return (x + 128 + ((x + 128) >> 8)) >> 8; }

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
  int count = 0;
  if (px) {
    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    for (int y = 0; y < size; y++)
      for (int x = 0; x < size; x++) {
        uint32_t cov = data[(size_t)y * (size_t)stride + (size_t)x];
        if (!cov) continue;
        const uint32_t *sc = c->src;
        uint32_t a = div255(sc[3] * cov), r = div255(sc[0] * cov), g = div255(sc[1] * cov), b = div255(sc[2] * cov);
        px[count++] = (stamp_px){(short)(x - half), (short)(y - half), a << 24 | r << 16 | g << 8 | b, 255 - a};
      }
  }
  cairo_surface_destroy(surf);
  if (!px) return -1;
  st->px = px;
  st->count = count;
  st->half = half;
  return 0;
}

/* dst = src + dst * inv / 255 per channel, two channels per multiplication. */
static inline void over(uint32_t *d, uint32_t src, uint32_t inv) {
  uint32_t p = *d;
  uint32_t rb = (p & 0xFF00FFu) * inv + 0x800080u;
  rb = ((rb + ((rb >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  uint32_t ag = ((p >> 8) & 0xFF00FFu) * inv + 0x800080u;
  ag = ((ag + ((ag >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
  *d = (rb | ag << 8) + src;
}

/* Composites stamp st at layer pixel (cx, cy) (its centre) with premultiplied colour src. */
static void blit(const stamp *st, uint32_t *layer, int stride, int w, int h, int cx, int cy) {
  const stamp_px *px = st->px;
  if (cx - st->half >= 0 && cy - st->half >= 0 && cx + st->half < w && cy + st->half < h) {
    uint32_t *centre = layer + (size_t)cy * (size_t)stride + cx;
    for (int k = 0; k < st->count; k++) over(centre + (ptrdiff_t)px[k].dy * stride + px[k].dx, px[k].src, px[k].inv);
    return;
  }
  for (int k = 0; k < st->count; k++) { /* at the layer's edge: clipped pixel by pixel */
    int x = cx + px[k].dx, y = cy + px[k].dy;
    if (x >= 0 && y >= 0 && x < w && y < h) over(layer + (size_t)y * (size_t)stride + x, px[k].src, px[k].inv);
  }
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
    double r = rs ? rs[i] : unit;
    if (!isfinite(xs[i]) || !isfinite(ys[i]) || !isfinite(r) || r <= 0) continue;
    rmax = fmax(rmax, r);
    bx0 = fmin(bx0, xs[i]), by0 = fmin(by0, ys[i]), bx1 = fmax(bx1, xs[i]), by1 = fmax(by1, ys[i]);
  }
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
  stamp_cache cache = {{0, 0, 0, 0}, path, unit, extent, (int)ceil(rmax * scale * RSTEP) + 1, NULL};
  cache.s = calloc((size_t)cache.buckets * SUB * SUB, sizeof *cache.s);
  int rc = 0;
  if (cairo_surface_status(layer) != CAIRO_STATUS_SUCCESS || cache.s == NULL) {
    rc = -1;
    goto done;
  }
  cairo_surface_flush(layer);
  uint32_t *data = (uint32_t *)cairo_image_surface_get_data(layer);
  int stride = cairo_image_surface_get_stride(layer) / 4;
  cache.src[0] = (uint32_t)lround(sr * sa * 255), cache.src[1] = (uint32_t)lround(sg * sa * 255);
  cache.src[2] = (uint32_t)lround(sb * sa * 255), cache.src[3] = (uint32_t)lround(sa * 255);
  for (size_t i = 0; i < n; i++) {
    double r = rs ? rs[i] : unit;
    if (!isfinite(xs[i]) || !isfinite(ys[i]) || !isfinite(r) || r <= 0) continue;
    double X = (xs[i] * mt.xx + mt.x0) * res - lx0 - 0.5, Y = (ys[i] * mt.yy + mt.y0) * res - ly0 - 0.5;
    double qx = floor(X * SUB + 0.5) / SUB, qy = floor(Y * SUB + 0.5) / SUB;
    int ix = (int)floor(qx), iy = (int)floor(qy);
    int fx = (int)((qx - ix) * SUB), fy = (int)((qy - iy) * SUB);
    int bucket = (int)lround(r * scale * RSTEP);
    if (bucket >= cache.buckets) bucket = cache.buckets - 1;
    stamp *st = &cache.s[((size_t)bucket * SUB + (size_t)fy) * SUB + (size_t)fx];
    if (st->px == NULL && render(&cache, st, (double)bucket / RSTEP, (double)fx / SUB, (double)fy / SUB) != 0) {
      rc = -1;
      goto done;
    }
    blit(st, data, stride, w, h, ix, iy);
  }
  cairo_surface_mark_dirty(layer);
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_scale(cr, 1 / res, 1 / res);
  cairo_set_source_surface(cr, layer, lx0, ly0);
  cairo_paint(cr);
  cairo_restore(cr);
done:
  if (cache.s) {
    for (size_t k = 0; k < (size_t)cache.buckets * SUB * SUB; k++) free(cache.s[k].px);
    free(cache.s);
  }
  cairo_surface_destroy(layer);
  cairo_path_destroy(path);
  return rc;
}
