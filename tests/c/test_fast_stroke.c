/* Tests src/fast_stroke.c's direct compositing: a stroke whose coverage is written straight into
 * the image must leave the same bytes as the same coverage composited by cairo_mask, over any
 * background, for opaque and translucent colours, scales, line widths and clips. */
#include <cairo.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../src/fast_stroke.h"
#include "check.h"

static uint32_t seed = 12345;
static uint32_t next(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}
static double unit(void) { return (next() & 0xFFFFF) / (double)0x100000; }

typedef struct spec {
  int w, h, npts, translucent_bg, clip; /* clip: 0 none, 1 whole pixels, 2 two rectangles, 3 fractional */
  double scale, width, rgba[4];
} spec;

/* A background of noise (premultiplied, opaque or not), a random walk stroked on it. */
static cairo_surface_t *draw(const spec *s, const double *pts, uint32_t bg_seed, int direct, int *fast) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s->w, s->h);
  cairo_surface_flush(sf);
  unsigned char *data = cairo_image_surface_get_data(sf);
  int stride = cairo_image_surface_get_stride(sf);
  uint32_t keep = seed;
  seed = bg_seed;
  for (int y = 0; y < s->h; y++) {
    uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
    for (int x = 0; x < s->w; x++) {
      unsigned a = s->translucent_bg ? next() & 0xFF : 255, r = (next() & 0xFF) * a / 255,
               g = (next() & 0xFF) * a / 255, b = (next() & 0xFF) * a / 255;
      row[x] = a << 24 | r << 16 | g << 8 | b;
    }
  }
  seed = keep;
  cairo_surface_mark_dirty(sf);
  cairo_t *cr = cairo_create(sf);
  cairo_scale(cr, s->scale, s->scale);
  if (s->clip == 1) cairo_rectangle(cr, 7, 5, s->w / s->scale - 20, s->h / s->scale - 13);
  if (s->clip == 2) {
    cairo_rectangle(cr, 0, 0, 40, 30);
    cairo_rectangle(cr, 60, 35, 50, 40);
  }
  if (s->clip == 3) cairo_rectangle(cr, 7.3, 5.6, 50.2, 40.7);
  if (s->clip) cairo_clip(cr);
  cairo_set_source_rgba(cr, s->rgba[0], s->rgba[1], s->rgba[2], s->rgba[3]);
  cairo_set_line_width(cr, s->width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to(cr, pts[0], pts[1]);
  for (int i = 1; i < s->npts; i++) cairo_line_to(cr, pts[2 * i], pts[2 * i + 1]);
  *fast = direct < 0 ? 1 : fast_stroke_with(cr, direct); /* direct < 0: the background alone */
  cairo_destroy(cr);
  cairo_surface_flush(sf);
  return sf;
}

static void compare(const spec *s) {
  double *pts = malloc(sizeof(double) * 2 * (size_t)s->npts);
  double y = s->h / s->scale / 2;
  for (int i = 0; i < s->npts; i++) {
    y += (unit() - 0.5) * 30;
    if (y < -10) y = -10;
    if (y > s->h / s->scale + 10) y = s->h / s->scale + 10;
    pts[2 * i] = -5 + (s->w / s->scale + 10) * i / (s->npts - 1) + (unit() - 0.5) * 3;
    pts[2 * i + 1] = y;
  }
  uint32_t bg = next();
  int fast_direct = 0, fast_mask = 0;
  cairo_surface_t *a = draw(s, pts, bg, 1, &fast_direct), *b = draw(s, pts, bg, 0, &fast_mask);
  int unused;
  cairo_surface_t *c = draw(s, pts, bg, -1, &unused);
  CHECK(fast_direct && fast_mask);
  int stride = cairo_image_surface_get_stride(a), differ = 0, changed = 0;
  const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b),
                      *pc = cairo_image_surface_get_data(c);
  for (int yy = 0; yy < s->h; yy++)
    for (int x = 0; x < s->w; x++) {
      uint32_t u = ((const uint32_t *)(const void *)(pa + (size_t)yy * (size_t)stride))[x];
      uint32_t v = ((const uint32_t *)(const void *)(pb + (size_t)yy * (size_t)stride))[x];
      if (u != v) {
        if (differ++ < 3)
          fprintf(stderr, "pixel %d,%d: direct %08x, cairo_mask %08x (clip %d, rgba %g %g %g %g, width %g, scale %g)\n",
                  x, yy, u, v, s->clip, s->rgba[0], s->rgba[1], s->rgba[2], s->rgba[3], s->width, s->scale);
      }
    }
  /* a visible colour must have changed the background, or the comparison says nothing */
  for (size_t i = 0; i < (size_t)stride * (size_t)s->h; i++) changed += pa[i] != pc[i];
  if (s->rgba[3] >= 0.2) CHECK(changed > 0);
  CHECK_INT(differ, 0);
  cairo_surface_destroy(c);
  cairo_surface_destroy(a);
  cairo_surface_destroy(b);
  free(pts);
}

int main(void) {
  /* Colours at the ends of each channel and random ones; alphas 1, 0, and between. */
  const double alphas[] = {1, 1, 0.5, 0.2, 0.999, 0.003, 0};
  int cases = 0;
  for (int ai = 0; ai < (int)(sizeof alphas / sizeof alphas[0]); ai++)
    for (int clip = 0; clip <= 3; clip++)
      for (int k = 0; k < 3; k++) {
        spec s = {.w = 120 + (int)(next() % 60), .h = 80 + (int)(next() % 40), .npts = 20 + (int)(next() % 200),
                  .translucent_bg = (int)(next() & 1), .clip = clip, .scale = k == 2 ? 2 : 1,
                  .width = 1 + unit() * (k == 1 ? 12 : 3)};
        for (int c = 0; c < 3; c++) s.rgba[c] = k == 0 ? (double)(next() & 1) : unit();
        s.rgba[3] = ai < 2 && k == 1 ? unit() : alphas[ai];
        compare(&s);
        cases++;
      }
  CHECK_INT(cases, 84);
  return check_done("test_fast_stroke");
}
