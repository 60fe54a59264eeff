/* A grid of coloured cells (heatmaps) as one image (grid.h). */
#include "grid.h"

#include <math.h>
#include <string.h>

static int cell(const unsigned char *present, int cols, int rows, int c, int r) {
  return c >= 0 && r >= 0 && c < cols && r < rows && present[(size_t)r * (size_t)cols + (size_t)c];
}

/* The gaps' coverage, in device pixels [x0, x0 + w) × [y0, y0 + h). */
typedef struct mask {
  unsigned char *data;
  int stride, x0, y0, w, h;
} mask;

static double overlap(double a0, double a1, int p) {
  double lo = a0 > p ? a0 : p, hi = a1 < p + 1 ? a1 : p + 1;
  return hi > lo ? hi - lo : 0;
}

/* Coverages a and b (0..255) combined as independent ones; most pixels are not covered yet. */
static inline unsigned char combine(unsigned a, unsigned b) {
  return (unsigned char)(b == 0 ? a : a + b - (a * b + 127) / 255);
}

/* Adds the axis-aligned box [bx0, bx1) × [by0, by1) (device units) to the mask with exact
 * area coverage; where boxes cross, coverages combine as independent ones (1 - (1-a)(1-b)). */
static void add_box(mask *m, double bx0, double by0, double bx1, double by1) {
  int px0 = (int)floor(bx0), px1 = (int)ceil(bx1), py0 = (int)floor(by0), py1 = (int)ceil(by1);
  if (px0 < m->x0) px0 = m->x0;
  if (py0 < m->y0) py0 = m->y0;
  if (px1 > m->x0 + m->w) px1 = m->x0 + m->w;
  if (py1 > m->y0 + m->h) py1 = m->y0 + m->h;
  if (px1 <= px0) return;
  double first = overlap(bx0, bx1, px0), last = overlap(bx0, bx1, px1 - 1);
  for (int py = py0; py < py1; py++) {
    double cy = overlap(by0, by1, py);
    unsigned full = (unsigned)(cy * 255 + 0.5);
    unsigned char *row = m->data + (size_t)(py - m->y0) * (size_t)m->stride - m->x0;
    /* the end pixels take their partial cover (the first's when they are one pixel) */
    row[px0] = combine((unsigned)(cy * first * 255 + 0.5), row[px0]);
    if (px1 - 1 > px0) row[px1 - 1] = combine((unsigned)(cy * last * 255 + 0.5), row[px1 - 1]);
    for (int px = px0 + 1; px < px1 - 1; px++) row[px] = combine(full, row[px]);
  }
}

/* Calls box(...) for the merged runs of cell edges along one grid line — horizontal line
 * `line` (between rows line - 1 and line) or, with vertical, column line `line` — each a
 * rectangle `2 * half` wide reaching `half` past its ends, as a rectangle's stroke does. */
static void edge_runs(int vertical, int line, int cols, int rows, const unsigned char *present, double x, double y,
                      double cw, double ch, double half, void (*box)(void *, double, double, double, double),
                      void *ud) {
  int n = vertical ? rows : cols;
  for (int k = 0; k < n;) {
    int end = k;
    while (end < n && (vertical ? (cell(present, cols, rows, line - 1, end) || cell(present, cols, rows, line, end))
                                : (cell(present, cols, rows, end, line - 1) || cell(present, cols, rows, end, line))))
      end++;
    if (end == k) {
      k++;
      continue;
    }
    if (vertical)
      box(ud, x + line * cw - half, y + k * ch - half, x + line * cw + half, y + end * ch + half);
    else
      box(ud, x + k * cw - half, y + line * ch - half, x + end * cw + half, y + line * ch + half);
    k = end;
  }
}

/* The gaps as boxes: user-space rectangles on the current path (vector surfaces), or ... */
static void path_box(void *ud, double x0, double y0, double x1, double y1) {
  cairo_rectangle(ud, x0, y0, x1 - x0, y1 - y0);
}

/* ... device-space boxes in a coverage mask (image surfaces: cairo fills a hundred long thin
 * rectangles crossing each other far more slowly than this). */
typedef struct mask_boxes {
  mask *m;
  cairo_matrix_t t;
} mask_boxes;

static void mask_box(void *ud, double x0, double y0, double x1, double y1) {
  mask_boxes *mb = ud;
  add_box(mb->m, x0 * mb->t.xx + mb->t.x0, y0 * mb->t.yy + mb->t.y0, x1 * mb->t.xx + mb->t.x0,
          y1 * mb->t.yy + mb->t.y0);
}

static void gaps(cairo_t *cr, int cols, int rows, const unsigned char *present, double x, double y, double w,
                 double h, const double rgba[4], double gap) {
  double cw = w / cols, ch = h / rows, half = gap / 2;
  cairo_matrix_t t;
  cairo_get_matrix(cr, &t);
  cairo_surface_t *target = cairo_get_group_target(cr);
  cairo_surface_t *ms = NULL;
  if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE && t.xy == 0 && t.yx == 0 && t.xx > 0 && t.yy > 0) {
    int x0 = (int)floor((x - gap) * t.xx + t.x0), y0 = (int)floor((y - gap) * t.yy + t.y0);
    int x1 = (int)ceil((x + w + gap) * t.xx + t.x0), y1 = (int)ceil((y + h + gap) * t.yy + t.y0);
    ms = cairo_image_surface_create(CAIRO_FORMAT_A8, x1 - x0, y1 - y0);
    if (cairo_surface_status(ms) == CAIRO_STATUS_SUCCESS) {
      cairo_surface_flush(ms);
      mask m = {cairo_image_surface_get_data(ms), cairo_image_surface_get_stride(ms), x0, y0, x1 - x0, y1 - y0};
      mask_boxes mb = {&m, t};
      for (int r = 0; r <= rows; r++) edge_runs(0, r, cols, rows, present, x, y, cw, ch, half, mask_box, &mb);
      for (int c = 0; c <= cols; c++) edge_runs(1, c, cols, rows, present, x, y, cw, ch, half, mask_box, &mb);
      cairo_surface_mark_dirty(ms);
      cairo_set_source_rgba(cr, rgba[0], rgba[1], rgba[2], rgba[3]);
      cairo_identity_matrix(cr);
      cairo_mask_surface(cr, ms, x0, y0);
      cairo_surface_destroy(ms);
      return;
    }
    cairo_surface_destroy(ms);
  }
  cairo_new_path(cr);
  for (int r = 0; r <= rows; r++) edge_runs(0, r, cols, rows, present, x, y, cw, ch, half, path_box, cr);
  for (int c = 0; c <= cols; c++) edge_runs(1, c, cols, rows, present, x, y, cw, ch, half, path_box, cr);
  cairo_set_source_rgba(cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill(cr);
}

int grid_paint(cairo_t *cr, double x, double y, double w, double h, int cols, int rows, const uint32_t *argb,
               const unsigned char *present, const double gap_rgba[4], double gap) {
  if (cols <= 0 || rows <= 0 || !(w > 0) || !(h > 0)) return 0;
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cols, rows);
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    return -1;
  }
  cairo_surface_flush(img);
  unsigned char *data = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  for (int r = 0; r < rows; r++) {
    uint32_t *row = (uint32_t *)(data + (size_t)r * (size_t)stride);
    for (int c = 0; c < cols; c++) {
      size_t k = (size_t)r * (size_t)cols + (size_t)c;
      row[c] = present[k] ? argb[k] : 0;
    }
  }
  cairo_surface_mark_dirty(img);

  cairo_save(cr);
  cairo_pattern_t *p = cairo_pattern_create_for_surface(img);
  cairo_pattern_set_filter(p, CAIRO_FILTER_NEAREST);
  cairo_matrix_t m;
  cairo_matrix_init_scale(&m, cols / w, rows / h);
  cairo_matrix_translate(&m, -x, -y);
  cairo_pattern_set_matrix(p, &m);
  cairo_set_source(cr, p);
  cairo_new_path(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
  cairo_pattern_destroy(p);
  cairo_surface_destroy(img);

  if (gap > 0) gaps(cr, cols, rows, present, x, y, w, h, gap_rgba, gap);
  cairo_restore(cr);
  return 0;
}
