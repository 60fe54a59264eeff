/* A grid of coloured cells (heatmaps) as one image. Pure cairo, no Lua. */
#ifndef CHARTD_GRID_H
#define CHARTD_GRID_H

#include <cairo.h>
#include <stdint.h>

/* Paints cols × rows cells tiling (x, y, w, h) (user units): cell k = row * cols + col holds
 * colour argb[k] (premultiplied ARGB32) when present[k], nothing otherwise. One image of
 * cols × rows pixels, scaled without smoothing, so the cost is that of one rectangle, not of
 * one fill per cell. Then, with gap > 0, strokes every cell edge that borders a present cell
 * in gap_rgba, gap wide, its ends squared off as a rectangle's corners are: the same pixels
 * as stroking each cell's rectangle. Returns 0, or -1 when memory ran out. */
int grid_paint(cairo_t *cr, double x, double y, double w, double h, int cols, int rows, const uint32_t *argb,
               const unsigned char *present, const double gap_rgba[4], double gap);

#endif
