/* chartd.columns: the per-row work of the series charts at C speed, over plain Lua columns.
 *
 *   columns.group(x, y, c, n, op, gaps) -> keys, names, values, missing | nil
 *     groups rows 1..n by (x, c) and aggregates y (lua/charts/shared/series.lua's model):
 *     keys ascending, series names in first-seen order ((missing) for a missing c), and per
 *     series values[s][key] and missing[s][key] = true (gaps). nil when an x or y is not a
 *     number: the Lua code, which defines the rules, then does the work itself. A single series
 *     whose x increases row by row gets the columns themselves back (keys = x, values = {y}):
 *     callers read them, never write; and a fifth result, { n = n, columns.scan(y, n) }.
 *   columns.m4(keys, n, a, b, values, missing [, values2]) -> indices, points
 *     the points of a line a pixel column-wise reduction keeps (columns.h), 0 between runs,
 *     and how many points the line has; key i sits at device x = a * keys[i] + b (keys nil:
 *     a * i + b).
 *   columns.path(kept, n, keys, values, a, b, lo, span, top, height) -> path
 *     the points m4 kept as a line's geometry places them, as doubles (polyline.h) that
 *     canvas:polylines draws; path:tables() gives them as {x, y} tables in runs (what
 *     columns.points returns), path:lone() the points alone in their run, #path their number.
 *   columns.scan(values, n) -> count, first, last, imin, imax
 *     over the numbers of values[1..n] (nil where there is none): how many, the first and
 *     last index holding one, and the first index of the smallest and of the largest.
 *   columns.affine(values, n, a, b) -> positions
 *     a + b * values[i] for each number of values[1..n] (a scale's affine form, per point);
 *     the positions' doubles are kept beside them (numcol.h) for canvas:stamp.
 *   columns.moments(xs, ys, n) -> mx, my, sxx, syy, sxy
 *     means and sums of squared and crossed deviations of n pairs (numbers), in the order of
 *     the two loops of lua/charts/scatter.lua's pearson/regression, so results agree bit for bit.
 *   columns.bin_counts(values, n, start, step, edges) -> counts
 *     how many numbers of values[1..n] fall in each bin of edges[1..k+1] (k bins from start,
 *     step apart), by lua/data/transform.lua's rule: estimated, then settled against the
 *     edges; values outside [edges[1], edges[k+1]] not counted.
 *   columns.flat(values, n) -> y0
 *     an unstacked series' band starts: y0[i] = 0 where values[i] is a number.
 *   columns.order(keys, n) -> indices | nil
 *     the indices i of keys[1..n] holding a number, by ascending key, ties in index order (what
 *     table.sort by (key, index) gives); nil for a NaN or an integer key beyond 2^53, which
 *     doubles would not order as Lua does.
 *   columns.decimals_apart(arrays, n, maxd) -> d
 *     the decimals lua/layout/format.lua's decimals_apart gives the numbers of arrays[k][1..n]
 *     (every array, together): decimals.h.
 *   columns.iso_dates(values, n) -> times, grain | nil
 *     a column of ISO 8601 texts (iso_date.h) as epoch seconds and its finest grain ("month",
 *     "day", "datetime"), as lua/data/frame.lua converts it; nil when a value is anything
 *     else or there is none (the Lua code then decides).
 *   columns.cells(xk, xi, yk, yi, nx, ny, n, v, op) -> i, j, value, rows, count, min, max | nil
 *     lua/charts/heatmap.lua's cells: rows 1..n in the cell (xi[xk[r]], yi[yk[r]]) of an
 *     nx × ny grid, v aggregated per cell by op ("count", "sum", "mean", "min", "max"; v nil:
 *     rows counted) with Lua's arithmetic (an all-integer sum stays an integer, added in row
 *     order); cells in first-seen order, those without a value left out. nil for any other op,
 *     or a position that is not an integer in 1..nx / 1..ny: the Lua code does the work.
 *
 * Working memory is userdata, so a Lua memory error half-way leaks nothing. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <string.h>

#include "chartd_types.h"
#include "columns.h"
#include "decimals.h"
#include "iso_date.h"
#include "numcol.h"
#include "polyline.h"

int luaopen_chartd_columns(lua_State *L);

static void *scratch(lua_State *L, size_t count, size_t size) {
  if (count > ((size_t)-1) / size) luaL_error(L, "columns: too many rows");
  return lua_newuserdatauv(L, count ? count * size : 1, 0);
}

static const char *const OPS[] = {"sum", "mean", "median", "min", "max", "count", NULL};
static const columns_agg OP_CODES[] = {AGG_SUM, AGG_MEAN, AGG_MEDIAN, AGG_MIN, AGG_MAX, AGG_COUNT};

/* A value of a Lua array as a double; NaN when absent. */
static double number_at(lua_State *L, int t, lua_Integer i) {
  double v = lua_rawgeti(L, t, i) == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
  lua_pop(L, 1);
  return v;
}

/* Row i of the array at t as a double (NaN where there is no number): from the column's kept
 * doubles `col` (numcol.h) when it has them — a column parsed in C holds numbers or nothing,
 * never NaN, so the two readings agree — else through the Lua API. */
static inline double value_at(lua_State *L, const double *col, int t, lua_Integer i) {
  return col ? col[i - 1] : number_at(L, t, i);
}

enum { X = 1, Y, C, N, OP, GAPS, IDS, NAMES };

/* The series number (0-based) of row i's colour, new ones named in first-seen order. */
static uint32_t series_of(lua_State *L, lua_Integer i, uint32_t *nseries) {
  if (lua_rawgeti(L, C, i) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushliteral(L, "(missing)");
  }
  lua_pushvalue(L, -1);
  if (lua_rawget(L, IDS) == LUA_TNUMBER) {
    uint32_t sid = (uint32_t)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return sid;
  }
  lua_pop(L, 1);
  uint32_t sid = (*nseries)++;
  lua_pushvalue(L, -1);
  lua_rawseti(L, NAMES, sid + 1);
  lua_pushinteger(L, sid);
  lua_rawset(L, IDS);
  return sid;
}

/* columns.scan's answer as it is gathered: how many numbers, the rows of the first and last,
 * of the smallest and of the largest (NaN, a missing value, is skipped). */
struct scan {
  lua_Integer count, first, last, imin, imax;
  double lo, hi;
};

static void scan_add(struct scan *s, lua_Integer i, double v) {
  if (v != v) return;
  if (s->count++ == 0) {
    s->first = s->imin = s->imax = i;
    s->lo = s->hi = v;
  } else {
    if (v < s->lo) s->lo = v, s->imin = i;
    if (v > s->hi) s->hi = v, s->imax = i;
  }
  s->last = i;
}

/* The common case of a long series: one colour, every x there and strictly increasing, so
 * each row is its own group and its aggregate (sum, mean, median, min, max of one value) is
 * its value. The columns themselves are then the keys and the values — nothing to copy.
 * Returns the number of results pushed, or 0 when the data is not that case. */
static int ungrouped(lua_State *L, int has_y, int has_c, lua_Integer n, columns_agg op, int gaps) {
  if (has_c || !has_y || op == AGG_COUNT || op == AGG_COUNT_ROWS || n < 2) return 0;
  double prev = -INFINITY;
  int missing_y = 0;
  struct scan sc = {0}; /* columns.scan of y, on the way */
  const double *xs = numcol_get(L, X, (size_t)n), *ys = numcol_get(L, Y, (size_t)n);
  const numcol_profile *xp = numcol_profile_of(L, X, (size_t)n), *yp = numcol_profile_of(L, Y, (size_t)n);
  if (xp && xp->ascending && yp) /* what the loop below finds, found by the parser (no NaN) */
    sc = (struct scan){n, 1, n, (lua_Integer)yp->imin + 1, (lua_Integer)yp->imax + 1, ys[yp->imin], ys[yp->imax]};
  else
    for (lua_Integer i = 1; i <= n; i++) {
      double x = value_at(L, xs, X, i); /* NaN for nil or text: not this case */
      if (!(x > prev) || !isfinite(x)) return 0;
      prev = x;
      double v;
      if (ys) {
        v = ys[i - 1];
        missing_y |= v != v;
      } else {
        int t = lua_rawgeti(L, Y, i);
        v = t == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
        if (t == LUA_TNIL) missing_y = 1;
        else if (t != LUA_TNUMBER) return 0;
      }
      scan_add(&sc, i, v);
    }
  if (missing_y && !gaps) return 0; /* a sum of nothing is 0, not nil: the general way */
  lua_pushvalue(L, X);      /* keys */
  lua_createtable(L, 1, 0); /* names: one unnamed series */
  lua_pushboolean(L, 0);
  lua_rawseti(L, -2, 1);
  lua_createtable(L, 1, 0); /* values */
  lua_pushvalue(L, Y);
  lua_rawseti(L, -2, 1);
  lua_createtable(L, 1, 0); /* missing: where y is nil (gaps) */
  lua_newtable(L);
  if (missing_y)
    for (lua_Integer i = 1; i <= n; i++) {
      int gap;
      if (ys) gap = ys[i - 1] != ys[i - 1];
      else {
        gap = lua_rawgeti(L, Y, i) == LUA_TNIL;
        lua_pop(L, 1);
      }
      if (gap) {
        lua_pushboolean(L, 1);
        lua_rawseti(L, -2, i);
      }
    }
  lua_rawseti(L, -2, 1);
  lua_createtable(L, 5, 1); /* the one series' scan: { n =, count, first, last, imin, imax } */
  lua_pushinteger(L, n);
  lua_setfield(L, -2, "n");
  lua_Integer got[5] = {sc.count, sc.first, sc.last, sc.imin, sc.imax};
  for (int k = 0; k < (sc.count ? 5 : 1); k++) {
    lua_pushinteger(L, got[k]);
    lua_rawseti(L, -2, k + 1);
  }
  return 5;
}

static int l_group(lua_State *L) {
  luaL_checktype(L, X, LUA_TTABLE);
  int has_y = !lua_isnoneornil(L, Y), has_c = !lua_isnoneornil(L, C);
  if (has_y) luaL_checktype(L, Y, LUA_TTABLE);
  if (has_c) luaL_checktype(L, C, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, N);
  columns_agg op = OP_CODES[luaL_checkoption(L, OP, NULL, OPS)];
  int gaps = lua_toboolean(L, GAPS);
  if (n < 0 || n > (lua_Integer)UINT32_MAX - 1) return luaL_argerror(L, N, "row count out of range");
  if (!has_y) op = AGG_COUNT_ROWS;
  lua_settop(L, GAPS);
  int shortcut = ungrouped(L, has_y, has_c, n, op, gaps);
  if (shortcut) return shortcut;
  numcol_realize(L, X); /* read row by row below */
  if (has_y) numcol_realize(L, Y);
  if (has_c) numcol_realize(L, C);
  lua_newtable(L); /* IDS: colour value -> series */
  lua_newtable(L); /* NAMES */

  columns_row *rows = scratch(L, (size_t)n, sizeof *rows);
  double *y = has_y ? scratch(L, (size_t)n, sizeof *y) : NULL;
  uint32_t nseries = has_c ? 0 : 1;
  size_t m = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, X, i);
    if (t != LUA_TNIL && t != LUA_TNUMBER) return 0;
    double x = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (has_y) {
      int ty = lua_rawgeti(L, Y, i);
      if (ty != LUA_TNIL && ty != LUA_TNUMBER) return 0;
      y[i - 1] = ty == LUA_TNIL ? NAN : lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    if (t == LUA_TNIL) continue; /* rows without an x are dropped, colour and all */
    if (!isfinite(x)) return 0;
    rows[m].x = x;
    rows[m].row = (uint32_t)(i - 1);
    rows[m].sid = has_c ? series_of(L, i, &nseries) : 0;
    m++;
  }

  double *median = op == AGG_MEDIAN ? scratch(L, m, sizeof *median) : NULL;
  uint32_t *key_rows = scratch(L, m, sizeof *key_rows);
  columns_cell *cells = scratch(L, m, sizeof *cells);
  size_t nkeys = 0;
  size_t ncells = columns_group(rows, m, y, op, gaps && op != AGG_COUNT, median, key_rows, &nkeys, cells);
  if (m == 0) nseries = 0;
  /* per-series cell counts size the value tables: most series cover most keys */
  size_t *count = scratch(L, nseries, sizeof *count);
  memset(count, 0, nseries * sizeof *count);
  for (size_t j = 0; j < ncells; j++) count[cells[j].sid]++;
  int base = lua_gettop(L);

  lua_createtable(L, nkeys < INT32_MAX ? (int)nkeys : 0, 0); /* keys, as sent (integers stay so) */
  for (size_t k = 0; k < nkeys; k++) {
    lua_rawgeti(L, X, (lua_Integer)key_rows[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  if (!has_c && m > 0) {
    lua_pushboolean(L, 0); /* one unnamed series, as series.lua's Lua path names it */
    lua_rawseti(L, NAMES, 1);
  }
  lua_pushvalue(L, NAMES);
  int values = lua_gettop(L) + 1, missing = values + 1;
  lua_createtable(L, (int)nseries, 0);
  lua_createtable(L, (int)nseries, 0);
  for (uint32_t s = 0; s < nseries; s++) {
    lua_createtable(L, count[s] * 2 >= nkeys && nkeys < INT32_MAX ? (int)nkeys : 0, 0);
    lua_rawseti(L, values, s + 1);
    lua_newtable(L);
    lua_rawseti(L, missing, s + 1);
  }
  /* The value tables side by side on the stack (a rawgeti per cell otherwise), when they fit. */
  int direct = nseries <= 200 && lua_checkstack(L, (int)nseries + 4);
  int first = lua_gettop(L) + 1;
  if (direct)
    for (uint32_t s = 0; s < nseries; s++) lua_rawgeti(L, values, s + 1);
  for (size_t j = 0; j < ncells; j++) {
    const columns_cell *c = &cells[j];
    lua_Integer key = (lua_Integer)c->key + 1;
    if (c->has_value) {
      if (!direct) lua_rawgeti(L, values, c->sid + 1);
      double v = c->value;
      if (op == AGG_COUNT || op == AGG_COUNT_ROWS) lua_pushinteger(L, (lua_Integer)v);
      else lua_pushnumber(L, v);
      lua_rawseti(L, direct ? first + (int)c->sid : -2, key);
      if (!direct) lua_pop(L, 1);
    }
    if (c->missing) {
      lua_rawgeti(L, missing, c->sid + 1);
      lua_pushboolean(L, 1);
      lua_rawseti(L, -2, key);
      lua_pop(L, 1);
    }
  }
  lua_settop(L, missing);
  return lua_gettop(L) - base;
}

static int l_m4(lua_State *L) {
  int has_keys = !lua_isnil(L, 1);
  if (has_keys) luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  double a = luaL_checknumber(L, 3), b = luaL_checknumber(L, 4);
  luaL_checktype(L, 5, LUA_TTABLE);
  int has_missing = !lua_isnoneornil(L, 6), has_second = !lua_isnoneornil(L, 7);
  if (has_missing) luaL_checktype(L, 6, LUA_TTABLE);
  if (has_second) luaL_checktype(L, 7, LUA_TTABLE);
  if (n < 0 || !isfinite(a) || !isfinite(b)) return luaL_argerror(L, 2, "bad row count or position");
  lua_settop(L, 7);
  if (has_missing) { /* usually empty: then no lookup per row */
    lua_pushnil(L);
    if (lua_next(L, 6)) lua_pop(L, 2);
    else has_missing = 0;
  }

  size_t len = (size_t)n;
  unsigned char *brk = NULL, *keep = scratch(L, len, 1);
  memset(keep, 0, len);
  /* the columns' own doubles when they have them (a parsed CSV's), else a copy */
  const double *keys = has_keys ? numcol_get(L, 1, len) : NULL, *v = numcol_get(L, 5, len);
  if (has_keys && keys == NULL) {
    double *k = scratch(L, len, sizeof *k);
    numcol_load(L, 1, len, k);
    keys = k;
  }
  if (v == NULL) {
    double *copy = scratch(L, len, sizeof *copy);
    numcol_load(L, 5, len, copy);
    v = copy;
  }
  if (has_missing) {
    brk = scratch(L, len, 1);
    for (size_t i = 0; i < len; i++) {
      brk[i] = lua_rawgeti(L, 6, (lua_Integer)i + 1) != LUA_TNIL && lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
  }
  columns_m4(len, keys, a, b, v, brk, keep);
  const double *v0 = v; /* the first array says where points are */
  if (has_second) {
    const double *v2 = numcol_get(L, 7, len);
    if (v2 == NULL) {
      double *copy = scratch(L, len, sizeof *copy);
      numcol_load(L, 7, len, copy);
      v2 = copy;
    }
    columns_m4(len, keys, a, b, v2, brk, keep);
  }

  lua_newtable(L);
  lua_Integer out = 0, present = 0;
  int open = 0; /* a run has points since the last separator */
  for (size_t i = 0; i < len; i++) {
    if (!isnan(v0[i])) { /* a point (kept or not) */
      present++;
      if (!keep[i]) continue;
      lua_pushinteger(L, (lua_Integer)i + 1);
      lua_rawseti(L, -2, ++out);
      open = 1;
    } else if (brk && brk[i] && open) { /* no point, a gap: the run ends */
      lua_pushinteger(L, 0);
      lua_rawseti(L, -2, ++out);
      open = 0;
    }
  }
  lua_pushinteger(L, present);
  return 2;
}

/* The {x, y} table of point k of p. */
static void push_point(lua_State *L, const polyline *p, size_t k) {
  lua_createtable(L, 2, 0);
  lua_pushnumber(L, p->xy[2 * k]);
  lua_rawseti(L, -2, 1);
  lua_pushnumber(L, p->xy[2 * k + 1]);
  lua_rawseti(L, -2, 2);
}

/* path:tables() -> runs, points: the path as line.lua's geometry makes it in Lua — {x, y}
 * tables in runs, and the list of them all (the same tables). */
static int path_tables(lua_State *L) {
  const polyline *p = luaL_checkudata(L, 1, CHARTD_POLYLINE_TYPE);
  lua_settop(L, 1);
  lua_createtable(L, p->nruns < INT32_MAX ? (int)p->nruns : 0, 0);  /* 2: runs */
  lua_createtable(L, p->n < INT32_MAX ? (int)p->n : 0, 0);         /* 3: points */
  for (size_t r = 0; r < p->nruns; r++) {
    size_t from = p->starts[r], to = p->starts[r + 1];
    lua_createtable(L, (int)(to - from), 0);
    for (size_t k = from; k < to; k++) {
      push_point(L, p, k);
      lua_pushvalue(L, -1);
      lua_rawseti(L, 3, (lua_Integer)k + 1);
      lua_rawseti(L, -2, (lua_Integer)(k - from) + 1);
    }
    lua_rawseti(L, 2, (lua_Integer)r + 1);
  }
  return 2;
}

/* path:lone() -> the {x, y} points that are a run alone (line.lua marks them: a point between
 * gaps would be invisible). */
static int path_lone(lua_State *L) {
  const polyline *p = luaL_checkudata(L, 1, CHARTD_POLYLINE_TYPE);
  lua_newtable(L);
  lua_Integer out = 0;
  for (size_t r = 0; r < p->nruns; r++)
    if (p->starts[r + 1] - p->starts[r] == 1) {
      push_point(L, p, p->starts[r]);
      lua_rawseti(L, -2, ++out);
    }
  return 1;
}

static int path_len(lua_State *L) {
  const polyline *p = luaL_checkudata(L, 1, CHARTD_POLYLINE_TYPE);
  lua_pushinteger(L, (lua_Integer)p->n);
  return 1;
}

/* columns.path(kept, n, keys|nil, values, a, b, lo, span, top, height) -> path: the points of a
 * line that columns.m4 kept (row indices, 0 where the line breaks) as line.lua's geometry
 * computes them — x = a + b * keys[i] (i without keys), y = top + (1 - (values[i] - lo) / span)
 * * height, in runs split at the breaks — kept as doubles (polyline.h): #path is the number of
 * points, path:tables() and path:lone() make Lua tables of them for code that wants tables, and
 * canvas:polylines draws the path itself. */
static int l_path(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  int has_keys = !lua_isnil(L, 3);
  if (has_keys) luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  double a = luaL_checknumber(L, 5), b = luaL_checknumber(L, 6), lo = luaL_checknumber(L, 7);
  double span = luaL_checknumber(L, 8), top = luaL_checknumber(L, 9), height = luaL_checknumber(L, 10);
  if (n < 0) return luaL_argerror(L, 2, "row count out of range");
  lua_settop(L, 10);
  const double *kcol = has_keys ? numcol_get(L, 3, (size_t)n) : NULL, *vcol = numcol_get(L, 4, (size_t)n);
  size_t count = lua_rawlen(L, 1);
  if (count > (((size_t)-1) / 4 - sizeof(polyline)) / (2 * sizeof(double) + sizeof(size_t)))
    return luaL_argerror(L, 1, "too many points");
  polyline *p = lua_newuserdatauv(L, sizeof *p + count * 2 * sizeof(double) + (count + 1) * sizeof(size_t), 0);
  p->xy = (double *)(p + 1); /* polyline's size is a multiple of a pointer's: aligned for doubles */
  p->starts = (size_t *)(p->xy + 2 * count);
  p->n = p->nruns = 0;
  p->starts[0] = 0;
  luaL_setmetatable(L, CHARTD_POLYLINE_TYPE);
  int in_run = 0;
  for (size_t k = 1; k <= count; k++) {
    lua_Integer i = lua_rawgeti(L, 1, (lua_Integer)k) == LUA_TNUMBER ? lua_tointeger(L, -1) : -1;
    lua_pop(L, 1);
    if (i == 0) {
      in_run = 0;
      continue;
    }
    if (i < 1 || i > n) return luaL_error(L, "columns.path: kept row %I out of 1..%I", i, n);
    double key = (double)i, v;
    if (has_keys) {
      if (kcol) key = kcol[i - 1] == kcol[i - 1] ? kcol[i - 1] : (double)i;
      else if (lua_rawgeti(L, 3, i) == LUA_TNUMBER) key = lua_tonumber(L, -1), lua_pop(L, 1);
      else lua_pop(L, 1);
    }
    if (vcol) v = vcol[i - 1];
    else {
      v = lua_rawgeti(L, 4, i) == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
      lua_pop(L, 1);
    }
    if (v != v) return luaL_error(L, "columns.path: no value at kept row %I", i);
    double x = a + b * key, y = top + (1 - (v - lo) / span) * height;
    if (!isfinite(x) || !isfinite(y)) return luaL_error(L, "columns.path: point %I is not finite", i);
    if (!in_run) p->nruns++; /* run nruns - 1 starts at starts[nruns - 1], already set */
    in_run = 1;
    p->xy[2 * p->n] = x;
    p->xy[2 * p->n + 1] = y;
    p->starts[p->nruns] = ++p->n;
  }
  return 1;
}

/* columns.points(...) -> runs, points: columns.path's arguments, its path:tables(). */
static int l_points(lua_State *L) {
  lua_settop(L, 10);
  l_path(L);
  lua_replace(L, 1);
  lua_settop(L, 1);
  return path_tables(L);
}

static int l_scan(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  struct scan sc = {0};
  const double *col = n > 0 ? numcol_get(L, 1, (size_t)n) : NULL;
  const numcol_profile *p = n > 0 ? numcol_profile_of(L, 1, (size_t)n) : NULL;
  if (p) sc = (struct scan){n, 1, n, (lua_Integer)p->imin + 1, (lua_Integer)p->imax + 1, col[p->imin], col[p->imax]};
  else
    for (lua_Integer i = 1; i <= n; i++) scan_add(&sc, i, value_at(L, col, 1, i)); /* NaN: no number */
  lua_pushinteger(L, sc.count);
  if (sc.count == 0) return 1;
  lua_pushinteger(L, sc.first);
  lua_pushinteger(L, sc.last);
  lua_pushinteger(L, sc.imin);
  lua_pushinteger(L, sc.imax);
  return 5;
}

static int l_affine(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  double a = luaL_checknumber(L, 3), b = luaL_checknumber(L, 4);
  lua_settop(L, 4);
  const double *col = n > 0 ? numcol_get(L, 1, (size_t)n) : NULL;
  if (col) { /* 5: the positions, kept in C until Lua reads them (numcol.h; canvas:stamp reads C) */
    double *out = numcol_new(L, (size_t)n, NULL);
    for (lua_Integer i = 0; i < n; i++) out[i] = col[i] == col[i] ? a + b * col[i] : NAN;
    return 1;
  }
  lua_createtable(L, n > 0 && n < INT32_MAX ? (int)n : 0, 0);
  double *out = n > 0 ? numcol_attach(L, 5, (size_t)n) : NULL;
  for (lua_Integer i = 1; i <= n; i++) {
    int present = lua_rawgeti(L, 1, i) == LUA_TNUMBER; /* a NaN read from the array is one */
    double v = present ? lua_tonumber(L, -1) : 0;
    lua_pop(L, 1);
    out[i - 1] = present ? a + b * v : NAN;
    if (!present) continue;
    lua_pushnumber(L, out[i - 1]);
    lua_rawseti(L, 5, i);
  }
  return 1;
}

static int l_moments(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 3);
  if (n < 1) return 0;
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  const double *xs = numcol_get(L, 1, (size_t)n), *ys = numcol_get(L, 2, (size_t)n);
  for (lua_Integer i = 1; i <= n; i++) {
    mx += value_at(L, xs, 1, i);
    my += value_at(L, ys, 2, i);
  }
  mx /= (double)n;
  my /= (double)n;
  for (lua_Integer i = 1; i <= n; i++) {
    double dx = value_at(L, xs, 1, i) - mx, dy = value_at(L, ys, 2, i) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  lua_pushnumber(L, mx);
  lua_pushnumber(L, my);
  lua_pushnumber(L, sxx);
  lua_pushnumber(L, syy);
  lua_pushnumber(L, sxy);
  return 5;
}

static int l_bin_counts(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  double start = luaL_checknumber(L, 3), step = luaL_checknumber(L, 4);
  luaL_checktype(L, 5, LUA_TTABLE);
  lua_Integer k = (lua_Integer)lua_rawlen(L, 5) - 1;
  if (k < 1 || k > 1000000 || !(step > 0)) return luaL_argerror(L, 5, "need at least two edges and a step");
  lua_settop(L, 5);
  double *edges = scratch(L, (size_t)k + 1, sizeof *edges);
  lua_Integer *counts = scratch(L, (size_t)k, sizeof *counts);
  for (lua_Integer j = 0; j <= k; j++) edges[j] = number_at(L, 5, j + 1);
  memset(counts, 0, (size_t)k * sizeof *counts);
  const double *col = n > 0 ? numcol_get(L, 1, (size_t)n) : NULL;
  for (lua_Integer i = 1; i <= n; i++) {
    double v = value_at(L, col, 1, i);
    if (!(v >= edges[0] && v <= edges[k])) continue; /* outside, or not a number */
    double est = floor((v - start) / step) + 1;
    lua_Integer b = est > (double)k ? k : (est < 1 ? 1 : (lua_Integer)est);
    while (b < k && v >= edges[b]) b++;
    while (b > 1 && v < edges[b - 1]) b--;
    counts[b - 1]++;
  }
  lua_createtable(L, (int)k, 0);
  for (lua_Integer j = 0; j < k; j++) {
    lua_pushinteger(L, counts[j]);
    lua_rawseti(L, -2, j + 1);
  }
  return 1;
}

static int l_flat(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_settop(L, 2);
  const double *col = n > 0 ? numcol_get(L, 1, (size_t)n) : NULL;
  if (col) { /* 3: y0, its zeros kept in C until Lua reads them (numcol.h) */
    unsigned char *is_int;
    double *y0 = numcol_new(L, (size_t)n, &is_int);
    for (lua_Integer i = 0; i < n; i++) y0[i] = col[i] == col[i] ? 0 : NAN;
    memset(is_int, 0xFF, ((size_t)n + 7) / 8);
    return 1;
  }
  lua_createtable(L, n > 0 && n < INT32_MAX ? (int)n : 0, 0); /* 3: y0 */
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, 1, i);
    lua_pop(L, 1);
    if (t != LUA_TNUMBER) continue;
    lua_pushinteger(L, 0);
    lua_rawseti(L, 3, i);
  }
  return 1;
}

static int l_order(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 0 || n > (lua_Integer)UINT32_MAX - 1) return luaL_argerror(L, 2, "row count out of range");
  lua_settop(L, 2);
  numcol_realize(L, 1); /* read row by row below */
  columns_row *rows = scratch(L, (size_t)n, sizeof *rows); /* 3 */
  size_t count = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, 1, i);
    if (t == LUA_TNUMBER) {
      double x = lua_tonumber(L, -1);
      lua_Integer whole = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
      if (x != x || whole > ((lua_Integer)1 << 53) || whole < -((lua_Integer)1 << 53)) {
        lua_pushnil(L);
        return 1;
      }
      rows[count++] = (columns_row){.x = x, .sid = 0, .row = (uint32_t)i};
    }
    lua_pop(L, 1);
  }
  columns_sort(rows, count);
  lua_createtable(L, count < INT32_MAX ? (int)count : 0, 0);
  for (size_t k = 0; k < count; k++) {
    lua_pushinteger(L, rows[k].row);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static int l_decimals_apart(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2), maxd = luaL_checkinteger(L, 3);
  luaL_argcheck(L, n >= 0 && n <= INT32_MAX, 2, "row count out of range");
  luaL_argcheck(L, maxd >= 0 && maxd <= 20, 3, "decimals out of range");
  lua_settop(L, 3);
  size_t arrays = lua_rawlen(L, 1);
  luaL_argcheck(L, arrays <= INT32_MAX / ((size_t)n + 1), 1, "too many values");
  if (arrays == 1 && lua_rawgeti(L, 1, 1) == LUA_TTABLE) { /* one series: its own doubles, no copy, when they do */
    const double *col = numcol_get(L, -1, (size_t)n);
    int d = col ? decimals_apart_as_written(col, (size_t)n, (int)maxd) : -1;
    if (d >= 0) {
      lua_pushinteger(L, d);
      return 1;
    }
  }
  lua_settop(L, 3);
  size_t total = arrays * (size_t)n;
  double *v = scratch(L, total, sizeof *v);   /* 4 */
  void *room = scratch(L, 1, decimals_scratch_size(total)); /* 5 */
  for (size_t k = 0; k < arrays; k++) {
    if (lua_rawgeti(L, 1, (lua_Integer)k + 1) == LUA_TTABLE) numcol_load(L, -1, (size_t)n, v + k * (size_t)n);
    else for (lua_Integer i = 0; i < n; i++) v[k * (size_t)n + (size_t)i] = NAN;
    lua_pop(L, 1);
  }
  lua_pushinteger(L, decimals_apart(v, total, (int)maxd, room));
  return 1;
}

static int l_iso_dates(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_settop(L, 2);
  numcol_realize(L, 1); /* read row by row below */
  lua_createtable(L, n > 0 && n < INT32_MAX ? (int)n : 0, 0); /* 3: times */
  enum iso_grain finest = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, 1, i);
    if (t == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    size_t len;
    const char *text = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    long long secs;
    double frac;
    enum iso_grain grain;
    if (text == NULL || !iso_date_parse(text, len, &secs, &frac, &grain)) {
      lua_pushnil(L);
      return 1;
    }
    lua_pop(L, 1);
    if (frac != 0) lua_pushnumber(L, (lua_Number)secs + frac);
    else lua_pushinteger(L, (lua_Integer)secs);
    lua_rawseti(L, 3, i);
    if (grain > finest) finest = grain;
  }
  if (finest == 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushstring(L, finest == ISO_MONTH ? "month" : finest == ISO_DAY ? "day" : "datetime");
  return 2;
}

/* A Lua number kept with its subtype, so an aggregate comes back as Lua's own arithmetic
 * would give it (an integer sum stays an integer). */
typedef struct lnum {
  int is_int;
  lua_Integer i;
  double d;
} lnum;

static double lnum_d(lnum v) { return v.is_int ? (double)v.i : v.d; }

static void push_lnum(lua_State *L, lnum v) {
  if (v.is_int) lua_pushinteger(L, v.i);
  else lua_pushnumber(L, v.d);
}

/* a < b as Lua compares numbers (integers exactly) */
static int lnum_lt(lnum a, lnum b) { return a.is_int && b.is_int ? a.i < b.i : lnum_d(a) < lnum_d(b); }

/* One heatmap cell as it is gathered. */
typedef struct cell {
  uint32_t i, j;
  lua_Integer rows, count, numbers;
  lnum sum, best; /* best: the min or max so far (numbers > 0) */
} cell;

enum { CK_XK = 1, CK_XI, CK_YK, CK_YI, CK_NX, CK_NY, CK_N, CK_V, CK_OP };

/* The grid position a row's key has in an axis (index table at idx): 1.., 0 for none, -1 for a
 * position that is not an integer in 1..limit (the caller gives the work back to Lua). */
static lua_Integer position_of(lua_State *L, int keys, int index, lua_Integer r, lua_Integer limit) {
  lua_rawgeti(L, keys, r);
  int t = lua_rawget(L, index); /* t[nil] and t[NaN] read as nil */
  lua_Integer p = 0;
  if (t != LUA_TNIL) {
    int is_int = 0;
    p = lua_tointegerx(L, -1, &is_int);
    if (!is_int || !lua_isinteger(L, -1) || p < 1 || p > limit) p = -1;
  }
  lua_pop(L, 1);
  return p;
}

static int l_cells(lua_State *L) {
  luaL_checktype(L, CK_XK, LUA_TTABLE);
  luaL_checktype(L, CK_XI, LUA_TTABLE);
  luaL_checktype(L, CK_YK, LUA_TTABLE);
  luaL_checktype(L, CK_YI, LUA_TTABLE);
  lua_Integer nx = luaL_checkinteger(L, CK_NX), ny = luaL_checkinteger(L, CK_NY), n = luaL_checkinteger(L, CK_N);
  int has_v = !lua_isnoneornil(L, CK_V);
  if (has_v) luaL_checktype(L, CK_V, LUA_TTABLE);
  const char *op = luaL_checkstring(L, CK_OP);
  int is_count = strcmp(op, "count") == 0, is_sum = strcmp(op, "sum") == 0, is_mean = strcmp(op, "mean") == 0,
      is_min = strcmp(op, "min") == 0, is_max = strcmp(op, "max") == 0;
  if (!(is_count || is_sum || is_mean || is_min || is_max) || nx < 0 || ny < 0 || n < 0) return 0;
  if (nx > 0 && ny > (lua_Integer)(1 << 22) / nx) return 0; /* a grid this large: Lua's hash of cells */
  lua_settop(L, CK_OP);
  /* C-held columns (numcol.h) become the plain arrays Lua's reading would make of them */
  numcol_realize(L, CK_XK);
  numcol_realize(L, CK_YK);
  if (has_v) numcol_realize(L, CK_V);
  uint32_t *slot = scratch(L, (size_t)(nx * ny), sizeof *slot); /* 1 + the cell at a grid id, 0: none */
  memset(slot, 0, (size_t)(nx * ny) * sizeof *slot);
  size_t ncells = 0; /* at most one cell a row, and one a grid position */
  cell *cells = scratch(L, (size_t)(n < nx * ny ? n : nx * ny), sizeof *cells);
  for (lua_Integer r = 1; r <= n; r++) {
    lua_Integer i = position_of(L, CK_XK, CK_XI, r, nx);
    if (i < 0) return 0;
    lua_Integer j = i ? position_of(L, CK_YK, CK_YI, r, ny) : 0;
    if (j < 0) return 0;
    if (!i || !j) continue;
    uint32_t *s = &slot[(j - 1) * nx + (i - 1)];
    if (*s == 0) {
      cells[ncells] = (cell){.i = (uint32_t)i, .j = (uint32_t)j, .sum = {.is_int = 1}};
      *s = (uint32_t)++ncells;
    }
    cell *c = &cells[*s - 1];
    c->rows++;
    if (!has_v) continue;
    int t = lua_rawgeti(L, CK_V, r);
    if (t != LUA_TNIL) { /* a count counts text too; the other aggregates read numbers only */
      c->count++;
      if (t == LUA_TNUMBER) {
        lnum v = {.is_int = lua_isinteger(L, -1)};
        if (v.is_int) v.i = lua_tointeger(L, -1);
        else v.d = lua_tonumber(L, -1);
        c->numbers++;
        if (c->sum.is_int && v.is_int) {
          c->sum.i = (lua_Integer)((lua_Unsigned)c->sum.i + (lua_Unsigned)v.i); /* Lua's wrap-around */
        } else {
          c->sum.d = lnum_d(c->sum) + lnum_d(v);
          c->sum.is_int = 0;
        }
        if (c->numbers == 1 || (is_min && lnum_lt(v, c->best)) || (is_max && lnum_lt(c->best, v))) c->best = v;
      }
    }
    lua_pop(L, 1);
  }
  int cap_out = ncells < INT32_MAX ? (int)ncells : 0;
  for (int k = 0; k < 4; k++) lua_createtable(L, cap_out, 0); /* i, j, value, rows */
  int ti = lua_gettop(L) - 3, tj = ti + 1, tv = ti + 2, tr = ti + 3;
  lua_Integer out = 0;
  lnum lo = {0}, hi = {0};
  for (size_t k = 0; k < ncells; k++) {
    const cell *c = &cells[k];
    lnum v;
    if (is_mean) {
      if (c->numbers == 0) continue;
      v = (lnum){.d = lnum_d(c->sum) / (double)c->numbers};
    } else if (is_count) {
      v = (lnum){.is_int = 1, .i = has_v ? c->count : c->rows};
    } else if (is_sum) {
      v = c->sum;
    } else {
      if (c->numbers == 0) continue;
      v = c->best;
    }
    out++;
    lua_pushinteger(L, c->i);
    lua_rawseti(L, ti, out);
    lua_pushinteger(L, c->j);
    lua_rawseti(L, tj, out);
    push_lnum(L, v);
    lua_rawseti(L, tv, out);
    lua_pushinteger(L, c->rows);
    lua_rawseti(L, tr, out);
    if (out == 1 || lnum_lt(v, lo)) lo = v;
    if (out == 1 || lnum_lt(hi, v)) hi = v;
  }
  lua_pushinteger(L, out);
  if (out == 0) return 5;
  push_lnum(L, lo);
  push_lnum(L, hi);
  return 7;
}

/* columns.place_cells(value, i, j, xpos, ypos, n, cmin, span, steps, at) -> x, y, color, t | nil
 * charts/heatmap.lua's loop over its n cells, with its arithmetic: cell k sits at
 * xpos[i[k]], ypos[j[k]]; t[k] is where value[k] lies between cmin and cmin + span (0..1; 1
 * for a flat domain, a NaN or above; 0 below; the integers 1 and 0 where Lua's loop writes
 * them), and color[k] = at(cmin + q / steps * span) for q = floor(t * steps + 0.5), each q's
 * colour asked of `at` once. nil (nothing done) for a value that is not a number: the Lua loop
 * then says what is wrong. */
enum { PC_V = 1, PC_I, PC_J, PC_XPOS, PC_YPOS, PC_N, PC_CMIN, PC_SPAN, PC_STEPS, PC_AT, PC_RAMP };

static int l_place_cells(lua_State *L) {
  for (int a = PC_V; a <= PC_YPOS; a++) luaL_checktype(L, a, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, PC_N), steps = luaL_checkinteger(L, PC_STEPS);
  luaL_checknumber(L, PC_CMIN);
  luaL_checknumber(L, PC_SPAN);
  luaL_checktype(L, PC_AT, LUA_TFUNCTION);
  if (n < 0 || n > INT32_MAX || steps < 1 || steps > (1 << 20)) return luaL_argerror(L, PC_N, "out of range");
  lua_settop(L, PC_AT);
  for (int a = PC_V; a <= PC_YPOS; a++) numcol_realize(L, a);
  int cmin_int = lua_isinteger(L, PC_CMIN);
  lua_Integer cmin_i = cmin_int ? lua_tointeger(L, PC_CMIN) : 0;
  double cmin = lua_tonumber(L, PC_CMIN), span = lua_tonumber(L, PC_SPAN);
  lua_createtable(L, (int)steps + 1, 0); /* PC_RAMP: colour by q */
  for (int k = 0; k < 4; k++) lua_createtable(L, (int)n, 0);
  int tx = PC_RAMP + 1, ty = tx + 1, tc = tx + 2, tt = tx + 3;
  for (lua_Integer k = 1; k <= n; k++) {
    double t = 1;
    int t_int = 1; /* t is Lua's integer 1 or 0 */
    if (span != 0) {
      if (lua_rawgeti(L, PC_V, k) != LUA_TNUMBER) return 0;
      double d; /* value - cmin, an integer subtraction (wrapping) when both are integers */
      if (cmin_int && lua_isinteger(L, -1))
        d = (double)(lua_Integer)((lua_Unsigned)lua_tointeger(L, -1) - (lua_Unsigned)cmin_i);
      else
        d = lua_tonumber(L, -1) - cmin;
      lua_pop(L, 1);
      t = d / span;
      if (t > 1 || t != t) t = 1;
      else if (t < 0) t = 0;
      else t_int = 0;
    }
    lua_Integer q = (lua_Integer)floor(t * (double)steps + 0.5);
    if (lua_rawgeti(L, PC_RAMP, q) == LUA_TNIL) {
      lua_pop(L, 1);
      lua_pushvalue(L, PC_AT);
      lua_pushnumber(L, cmin + (double)q / (double)steps * span);
      lua_call(L, 1, 1);
      if (!lua_isnil(L, -1)) {
        lua_pushvalue(L, -1);
        lua_rawseti(L, PC_RAMP, q);
      }
    }
    lua_rawseti(L, tc, k);
    if (t_int) lua_pushinteger(L, (lua_Integer)t);
    else lua_pushnumber(L, t);
    lua_rawseti(L, tt, k);
    lua_rawgeti(L, PC_I, k);
    lua_rawgeti(L, PC_XPOS, lua_tointeger(L, -1));
    lua_rawseti(L, tx, k);
    lua_rawgeti(L, PC_J, k);
    lua_rawgeti(L, PC_YPOS, lua_tointeger(L, -1));
    lua_rawseti(L, ty, k);
    lua_pop(L, 2);
  }
  return 4;
}

int luaopen_chartd_columns(lua_State *L) {
  static const luaL_Reg methods[] = {{"tables", path_tables}, {"lone", path_lone}, {NULL, NULL}};
  if (luaL_newmetatable(L, CHARTD_POLYLINE_TYPE)) {
    lua_pushcfunction(L, path_len);
    lua_setfield(L, -2, "__len");
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  static const luaL_Reg fns[] = {{"group", l_group}, {"m4", l_m4}, {"points", l_points}, {"path", l_path},
                                 {"scan", l_scan}, {"flat", l_flat},
                                 {"order", l_order}, {"place_cells", l_place_cells}, {"iso_dates", l_iso_dates},
                                 {"decimals_apart", l_decimals_apart},
                                 {"affine", l_affine}, {"moments", l_moments},
                                 {"bin_counts", l_bin_counts}, {"cells", l_cells}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
