/* A faster stroke for long polylines on image surfaces. Pure cairo, no Lua. */
#ifndef CHARTD_FAST_STROKE_H
#define CHARTD_FAST_STROKE_H

#include <cairo.h>

/* Fewer line segments than this are left to cairo (axes, ticks, short outlines). */
#define FAST_STROKE_MIN_SEGMENTS 8

/* Strokes cr's current path like cairo_stroke and returns 1, when the path is at least
 * FAST_STROKE_MIN_SEGMENTS straight segments drawn on an image surface with round joins and
 * caps, no dash, a line at least one device pixel wide and a transformation that only scales
 * (uniformly) and translates. Otherwise returns 0 and leaves everything as it was, for
 * cairo_stroke.
 *
 * Why: cairo 1.16 turns a stroke into one outline polygon and scan-converts it; a noisy
 * polyline's outline crosses itself at almost every vertex, and a 365-point line cost ~10 M
 * instructions, an M4-reduced one far more. Here each segment's round-capped outline sets
 * the 4 × 4 sample points it covers in each pixel (OR-ed, so the union of the segments is
 * exact at that grid, as cairo's coverage is), which costs what the line covers. The coverage
 * is composited with the current source, operator and clip: written straight into the image
 * with pixman's arithmetic when that is one colour OVER an ARGB32 image clipped to whole
 * pixels (a chart's lines), else through cairo_mask. */
int fast_stroke(cairo_t *cr);

/* fast_stroke, with `direct` 0: the coverage always goes through an A8 mask and cairo_mask
 * (the reference tests/c/test_fast_stroke.c compares the direct writes with). */
int fast_stroke_with(cairo_t *cr, int direct);

#endif
