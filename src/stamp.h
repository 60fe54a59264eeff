/* Many copies of one marker, stamped from pre-rendered masks. Pure cairo, no Lua. */
#ifndef CHARTD_STAMP_H
#define CHARTD_STAMP_H

#include <cairo.h>
#include <stddef.h>

/* Fills a copy of cr's current path (the marker at radius `unit` around the origin, user
 * units; a larger radius keeps curves smooth when scaled up) at each point (xs[i], ys[i]),
 * scaled to radius rs[i] (rs NULL: unit), with the current source, one
 * marker after the other — as n separate fills would, translucent markers building up where
 * they overlap — and consumes the path. Points with a non-finite coordinate are skipped.
 *
 * The marker is rendered once per radius (in 1/8-pixel steps) and quarter-pixel offset
 * (16 masks) and stamped into a layer that cairo then composites with the current operator
 * and clip. On SVG/PDF surfaces the layer (twice the user resolution) becomes one embedded
 * image, so the output's size depends on the plot's area, not on n. With a rotating, skewing
 * or unevenly scaling transformation or a non-solid source it falls back to n cairo fills.
 * Returns 0, or -1 when memory ran out (nothing drawn, path consumed). */
int stamp_markers(cairo_t *cr, const double *xs, const double *ys, const double *rs, double unit, size_t n);

#endif
