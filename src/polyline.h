/* A line's kept points as columns.path makes them (src/lua_columns.c) and canvas:polylines draws
 * them (src/canvas_paint.c): flat doubles in one userdata, no Lua table a point. */
#ifndef CHARTD_POLYLINE_H
#define CHARTD_POLYLINE_H

#include <stddef.h>

typedef struct polyline {
  size_t n, nruns; /* points, and runs of them (a missing value breaks the line) */
  double *xy;      /* point k at xy[2k], xy[2k + 1] (device units, finite) */
  size_t *starts;  /* run r holds points starts[r] .. starts[r + 1] - 1 (nruns + 1 entries) */
} polyline;

#endif
